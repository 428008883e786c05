//! `server migrate | init | reset-password | serve | openapi`: Roster's command line.
#![recursion_limit = "256"]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use app::backend::deletion::DeletionJob;
use app::backend::mail::{Delivery, SmtpSender, Worker};
use app::api::context::AppState;
use app::backend::{auth::PasswordHasher, seed, Db, MailSetup, Settings};
use app::i18n::Lang;
use axum::serve::ListenerExt;
use clap::Parser;
use leptos::config::{Env, LeptosOptions};
use server::config::{Cli, Command, InitArgs, ResetPasswordArgs, ServeArgs};
use tracing_subscriber::EnvFilter;

use server::config::{OUTBOX_ROUND, SMTP_CONNECTIONS};

/// A page is rendered from many small strings and rows freed soon after, across the runtime's
/// threads: glibc's allocator spent a fifth of the CPU of a server-rendered list in malloc and
/// free (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    tracing_subscriber::fmt().with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"))).init();
    let cli = Cli::parse();
    if matches!(cli.command, Some(Command::Openapi)) {
        // Piped into `head` or a closed reader, it stops quietly.
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), "{}", server::rest::openapi_json());
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("cannot start the runtime: {error}")),
    };
    let outcome = runtime.block_on(async {
        let db = Db::connect(&cli.database.database_url).await.map_err(|e| e.to_string())?;
        db.migrate().await.map_err(|e| e.to_string())?;
        match cli.command {
            Some(Command::Migrate) => {
                println!("migrations applied to {}", db.shown_url);
                Ok(())
            }
            Some(Command::Init(args)) => init(&db, args).await,
            Some(Command::ResetPassword(args)) => reset_password(&db, args).await,
            Some(Command::Serve(args)) => serve(db, args, &cli.database.database_url).await,
            Some(Command::Openapi) => unreachable!("printed before connecting"),
            None => Err("say what to do: serve, migrate, init, reset-password or openapi (see --help)".to_string()),
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

async fn init(db: &Db, args: InitArgs) -> Result<(), String> {
    let language = Lang::parse(&args.language).ok_or_else(|| format!("--language {:?}: use en or fr", args.language))?;
    let credentials = seed::init(
        db,
        seed::NewPlatform {
            name: &args.platform_name,
            language,
            owner_email: &args.owner_email,
            owner_first_name: &args.owner_first_name,
            owner_last_name: &args.owner_last_name,
            time_zone: &args.time_zone,
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    println!("Platform {:?} created.", args.platform_name.trim());
    println!("Owner login:       {}", credentials.login);
    println!("One-time password: {}   (to be changed at first login)", credentials.password);
    Ok(())
}

async fn reset_password(db: &Db, args: ResetPasswordArgs) -> Result<(), String> {
    let password = app::backend::auth::reset_to_one_time_password(db, &args.login).await.map_err(|e| match e {
        app::error::AppError::NotFound => format!("no account logs in as {:?}", args.login),
        other => other.to_string(),
    })?;
    println!("One-time password for {}: {password}   (to be changed at first login)", args.login.trim());
    Ok(())
}

async fn serve(db: Db, args: ServeArgs, database_url: &str) -> Result<(), String> {
    let hasher = PasswordHasher::default();
    let public_url = args.public_url();
    let banner = if args.demo { Some(demo_credentials(&db, &hasher, &args, database_url).await?) } else { None };
    if !seed::is_initialised(&db).await.map_err(|e| e.to_string())? {
        return Err("no platform yet: run `server init --platform-name NAME --owner-email EMAIL` first (or serve --demo)".into());
    }

    let env = match std::env::var("LEPTOS_ENV").as_deref() {
        Ok("DEV") | Ok("dev") => Env::DEV,
        _ => Env::PROD,
    };
    let leptos_options = LeptosOptions::builder()
        .output_name("roster")
        .site_root(args.site_root())
        .site_pkg_dir("pkg")
        .hash_files(true)
        .env(env)
        .site_addr(args.bind)
        .build();
    let mut settings = Settings::new(&public_url);
    settings.trusted_proxies = if args.trust_forwarded_for { args.trusted_proxies } else { 0 };
    settings.mail = args.mail_setup()?;
    let state_db = db.clone();
    let settings = Arc::new(settings);
    let job_settings = settings.clone();
    let mail = settings.mail;
    let trees = app::backend::tree::TreeCache::default();
    let importer = app::backend::batch::job::ImportWorker::new(db.clone(), settings.clone(), hasher.clone(), trees.clone());
    let state = AppState { leptos_options, db, settings, hasher, trees };
    let router = if args.role.serves_pages() { server::router::app(state) } else { server::router::health_only(state) };

    let listener = tokio::net::TcpListener::bind(args.bind).await.map_err(|e| format!("cannot listen on {}: {e}", args.bind))?;
    // axum::serve leaves Nagle on: large responses (the .wasm) would stall ~40 ms on delayed ACKs.
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::warn!(%error, "cannot set TCP_NODELAY");
        }
    });
    tracing::info!(bind = %args.bind, public_url = %public_url, role = ?args.role, "Roster is listening");
    if let Some(banner) = banner {
        println!("{banner}");
    }
    if args.role.runs_jobs() {
        if let Some(delivery) = delivery(&args, mail)? {
            tokio::spawn(Worker { db: state_db.clone(), delivery, batch: OUTBOX_ROUND }.run());
        }
        tokio::spawn(housekeeping(state_db.clone()));
        tokio::spawn(importer.run());
        tokio::spawn(DeletionJob { db: state_db, settings: job_settings }.run());
    }
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| e.to_string())
}

/// Where the outbox worker sends emails, if anywhere.
fn delivery(args: &ServeArgs, mail: MailSetup) -> Result<Option<Delivery>, String> {
    Ok(match (args.smtp_url(), mail) {
        (Some(url), _) => {
            let extra_ca = match &args.smtp_tls_ca {
                Some(path) => Some(std::fs::read(path).map_err(|e| format!("SMTP_TLS_CA {}: {e}", path.display()))?),
                None => None,
            };
            let sender = SmtpSender::new(url, extra_ca.as_deref(), &args.smtp_from, SMTP_CONNECTIONS)?;
            tracing::info!(?sender, "emails leave over SMTP");
            Some(Delivery::Smtp(Arc::new(sender)))
        }
        (None, MailSetup::DevelopmentMailbox) => {
            tracing::warn!("no SMTP_URL: emails are kept in the development mailbox, which the owner reads (for local trials only)");
            Some(Delivery::DevelopmentMailbox)
        }
        (None, _) => {
            tracing::warn!("no SMTP_URL: emails are not sent; they wait in the outbox until the server starts with SMTP_URL");
            None
        }
    })
}

/// Seeds the demo platform into an empty database and keeps its owner's credentials beside the
/// SQLite file, so that every start can print how to log in.
async fn demo_credentials(db: &Db, hasher: &PasswordHasher, args: &ServeArgs, database_url: &str) -> Result<String, String> {
    let file = data_dir(database_url).join("demo-credentials.txt");
    if !seed::is_initialised(db).await.map_err(|e| e.to_string())? {
        let demo = seed::demo(db, hasher).await.map_err(|e| e.to_string())?;
        let mut text = format!("login:    {}\npassword: {}\n\nEvery demo user has the same password:\n", demo.owner.login, demo.owner.password);
        for (login, what) in &demo.people {
            text.push_str(&format!("  {login:<34} {what}\n"));
        }
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        write_private(&file, &text).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    }
    let credentials = std::fs::read_to_string(&file).unwrap_or_else(|_| format!("(credentials not found in {})\n", file.display()));
    Ok(format!(
        "\n  Roster is running at {}\n  Log in as the demo owner:\n    {}\n",
        args.public_url(),
        credentials.trim_end().replace('\n', "\n    ")
    ))
}

/// The folder of the SQLite file, or ./data for other databases.
fn data_dir(url: &str) -> PathBuf {
    let path = url.strip_prefix("sqlite:").map(|p| p.trim_start_matches("//").split('?').next().unwrap_or("").to_string());
    match path {
        Some(p) if !p.is_empty() && !p.contains(":memory:") => Path::new(&p).parent().map(Path::to_path_buf).unwrap_or_default(),
        _ => PathBuf::from("data"),
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    file.write_all(text.as_bytes())
}

/// Every quarter of an hour, on every instance: ended rate-limit windows, expired sessions and
/// device cookies are deleted (a flood of attempts leaves one row per key and window).
async fn housekeeping(db: Db) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(15 * 60));
    loop {
        tick.tick().await;
        let purged = async { Ok::<_, app::error::AppError>(app::backend::rate_limit::purge_ended(&db).await? + app::backend::auth::purge_expired(&db).await?) };
        match purged.await {
            Ok(rows) => tracing::debug!(rows, "housekeeping"),
            Err(error) => tracing::warn!(%error, "housekeeping failed"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
