//! The command line and its configuration, from flags or the environment (listed in README.md).

use std::net::SocketAddr;

use app::backend::MailSetup;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// SMTP connections the outbox worker keeps open at most. Measured into MailDev on 2 cores
/// (app/benches/outbox.rs): 652 emails/s on 1, 803 on 4, 759 on 8, 502 on 16.
pub const SMTP_CONNECTIONS: usize = 4;

/// How many emails one round of the outbox worker claims.
pub const OUTBOX_ROUND: i64 = 256;

#[derive(Debug, Parser)]
#[command(name = "server", version, about = "Roster: invite and set up the people of a learning platform")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply the database migrations that are not applied yet, then stop.
    Migrate,
    /// Create the platform and its owner; prints the owner's one-time password.
    Init(InitArgs),
    /// Give someone a new one-time password (printed), ending their sessions: the way back in
    /// for an owner who lost theirs.
    ResetPassword(ResetPasswordArgs),
    /// Run the web server (the default).
    Serve(ServeArgs),
    /// Print the REST API's OpenAPI 3.1 document (what /api/v1/openapi.json serves), then stop.
    Openapi,
}

#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// sqlite:PATH (embedded, the default) or postgres://USER:PASSWORD@HOST/DB.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite:data/roster.db", global = true)]
    pub database_url: String,
}

#[derive(Debug, Args)]
pub struct ResetPasswordArgs {
    /// The person's email or username.
    #[arg(long)]
    pub login: String,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    #[arg(long)]
    pub platform_name: String,
    #[arg(long)]
    pub owner_email: String,
    #[arg(long, default_value = "Platform")]
    pub owner_first_name: String,
    #[arg(long, default_value = "Owner")]
    pub owner_last_name: String,
    /// The platform's default language: en or fr.
    #[arg(long, default_value = "en")]
    pub language: String,
    /// The platform's time zone (IANA name, e.g. Europe/Paris): deletion dates begin at 00:00 there.
    #[arg(long, default_value = "UTC")]
    pub time_zone: String,
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "BIND_ADDRESS", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,
    /// The address people reach Roster at; links in emails are built from it. Defaults to
    /// http://BIND_ADDRESS. An https URL turns on Secure, __Host- session cookies.
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,
    /// SMTP server for outgoing email: smtp://host[:port] (plain, a relay) or
    /// smtps://user:password@host[:port] (TLS and login). Without it, emails stay in the
    /// built-in development mailbox.
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// A PEM file of CA certificates trusted for TLS to the SMTP server besides the system's.
    #[arg(long, env = "SMTP_TLS_CA")]
    pub smtp_tls_ca: Option<std::path::PathBuf>,
    /// The From of every email.
    #[arg(long, env = "SMTP_FROM", default_value = "Roster <no-reply@localhost>")]
    pub smtp_from: String,
    /// Where the site is (the wasm, JS and CSS under pkg/). By default `site/` beside the
    /// server when there is one (a release package), else `target/site` (a build here).
    #[arg(long, env = "LEPTOS_SITE_ROOT")]
    pub site_root: Option<String>,
    /// On an empty database, create a demo platform and print how to log in. Turns on the
    /// development mailbox when there is no SMTP_URL (and the public URL is not https).
    #[arg(long, env = "ROSTER_DEMO")]
    pub demo: bool,
    /// Without SMTP_URL, keep emails in a development mailbox that the owner reads in the app.
    /// For local trials only: refused with an https public URL.
    #[arg(long, env = "ROSTER_DEV_MAILBOX")]
    pub dev_mailbox: bool,
    /// Take the client address from X-Forwarded-For (only behind proxies you run).
    #[arg(long, env = "TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// With TRUST_FORWARDED_FOR: how many proxies of yours add an X-Forwarded-For entry (the
    /// client is the entry that many places from the right; what the client wrote is ignored).
    #[arg(long, env = "TRUSTED_PROXIES", default_value_t = 1)]
    pub trusted_proxies: usize,
    /// What this instance runs: the pages and server functions (web), the background jobs —
    /// the outbox, CSV imports, the deletion round, housekeeping — (worker), or both (all).
    /// Every role answers GET /healthz. Any number of each may share one PostgreSQL (R83).
    #[arg(long, env = "ROSTER_ROLE", value_enum, default_value_t = Role::All)]
    pub role: Role,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Role {
    Web,
    Worker,
    All,
}

impl Role {
    pub fn serves_pages(self) -> bool {
        self != Role::Worker
    }

    pub fn runs_jobs(self) -> bool {
        self != Role::Web
    }
}

impl ServeArgs {
    pub fn public_url(&self) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.bind))
    }

    /// Where the site is: as given; else `site/` beside the server, where the release package
    /// puts it (`scripts/package.sh`), if there is one; else `target/site`, where the build in
    /// this repository puts it.
    pub fn site_root(&self) -> String {
        if let Some(root) = &self.site_root {
            return root.clone();
        }
        let packaged = std::env::current_exe().ok().and_then(|exe| Some(exe.parent()?.join("site"))).filter(|site| site.is_dir());
        packaged.map_or_else(|| "target/site".to_string(), |site| site.to_string_lossy().into_owned())
    }

    /// The SMTP URL, if one is set (an empty one is none).
    pub fn smtp_url(&self) -> Option<&str> {
        self.smtp_url.as_deref().filter(|url| !url.trim().is_empty())
    }

    /// Where emails go. The development mailbox holds one-time passwords and live invitation
    /// links: it is never on by default, and never on a public (https) address.
    pub fn mail_setup(&self) -> Result<MailSetup, String> {
        let public = self.public_url().starts_with("https://");
        if self.smtp_url().is_some() {
            Ok(MailSetup::Smtp)
        } else if self.dev_mailbox && public {
            Err("the development mailbox (--dev-mailbox, ROSTER_DEV_MAILBOX) is for local trials: not with an https PUBLIC_URL; set SMTP_URL".into())
        } else if (self.dev_mailbox || self.demo) && !public {
            Ok(MailSetup::DevelopmentMailbox)
        } else {
            Ok(MailSetup::Held)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve(args: &[&str]) -> ServeArgs {
        match Cli::try_parse_from([&["server", "serve"], args].concat()).expect("valid arguments").command {
            Some(Command::Serve(serve)) => serve,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_development_mailbox_is_an_explicit_opt_in_never_on_https() {
        assert_eq!(serve(&[]).mail_setup(), Ok(MailSetup::Held), "no SMTP and no opt-in: emails wait");
        assert_eq!(serve(&["--dev-mailbox"]).mail_setup(), Ok(MailSetup::DevelopmentMailbox));
        assert_eq!(serve(&["--demo"]).mail_setup(), Ok(MailSetup::DevelopmentMailbox));
        assert_eq!(serve(&["--demo", "--smtp-url", "smtp://127.0.0.1:1025"]).mail_setup(), Ok(MailSetup::Smtp));
        assert_eq!(serve(&["--demo", "--public-url", "https://learn.example.com"]).mail_setup(), Ok(MailSetup::Held));
        assert!(serve(&["--dev-mailbox", "--public-url", "https://learn.example.com"]).mail_setup().is_err());
    }
}
