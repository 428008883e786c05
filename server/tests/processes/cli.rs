//! The command line, run as a process: bad configuration gets one clear line, not a panic.

use std::process::Command;

use super::server;

#[test]
fn an_unreachable_database_is_named_in_one_line_with_its_password_masked() {
    let (code, _, stderr) = server(&["migrate"], "postgres://roster:s3cret@127.0.0.1:9/roster");
    assert_eq!(code, 1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: cannot open the database at postgres://roster:***@127.0.0.1:9/roster"), "{stderr}");
    assert!(!stderr.contains("s3cret") && !stderr.contains("panicked"), "{stderr}");
}

/// R100: `server openapi` prints the REST API's document, with no database to reach.
#[test]
fn r100_openapi_prints_the_document_without_a_database() {
    let (code, stdout, stderr) = server(&["openapi"], "postgres://roster:s3cret@127.0.0.1:9/roster");
    assert_eq!((code, stderr.as_str()), (0, ""));
    let document: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(document["openapi"], "3.1.0");
    assert!(document["paths"]["/imports"]["post"].is_object(), "{stdout}");
}

#[test]
fn an_unknown_database_scheme_is_refused() {
    let (code, _, stderr) = server(&["migrate"], "mysql://localhost/roster");
    assert_eq!(code, 1);
    assert_eq!(stderr.trim(), "error: DATABASE_URL \"mysql://localhost/roster\" is neither sqlite:… nor postgres://…");
}

#[test]
fn init_prints_a_one_time_password_once_and_refuses_a_second_platform() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}/roster.db", dir.path().display());
    let (code, stdout, stderr) = server(&["init", "--platform-name", "Acme Academy", "--owner-email", "Boss@Acme.example"], &url);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("Owner login:       Boss@Acme.example"), "{stdout}");
    let password = stdout.lines().find_map(|l| l.strip_prefix("One-time password: ")).unwrap().split_whitespace().next().unwrap();
    assert_eq!(password.len(), 16);
    let (code, _, stderr) = server(&["init", "--platform-name", "Other", "--owner-email", "x@example.com"], &url);
    assert_eq!((code, stderr.trim()), (1, "error: this database already holds a platform"));
    let (code, _, stderr) = server(&["init", "--platform-name", "Other", "--owner-email", "not-an-email"], &url);
    assert_eq!(code, 1, "{stderr}");

    // R58: a lost one-time password is replaced by another, from the command line.
    let (code, stdout, stderr) = server(&["reset-password", "--login", "boss@acme.example"], &url);
    assert_eq!(code, 0, "{stderr}");
    let again = stdout.split_whitespace().nth(4).unwrap();
    assert!(stdout.starts_with("One-time password for boss@acme.example: ") && again.len() == 16 && again != password, "{stdout}");
    let (code, _, stderr) = server(&["reset-password", "--login", "nobody@acme.example"], &url);
    assert_eq!((code, stderr.trim()), (1, "error: no account logs in as \"nobody@acme.example\""));
}

/// R37: an import survives `kill -9` of the server. The import is started through the services
/// on the server's own database; the server process picks it up, is killed part way, and once
/// restarted goes on from the last part that committed: every row written once, every email
/// queued once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r37_an_import_survives_a_kill_9_of_the_server_and_repeats_nothing() {
    use app::backend::batch::job;
    use app::backend::{audit::Who, testing, Db};
    use app::domain::batch::{Defaults, Mode};
    use app::domain::capability::AddUsersSomewhere;
    use app::domain::role::Role;

    const ROWS: i64 = 20_000;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}/roster.db", dir.path().display());
    let (code, stdout, stderr) = server(&["init", "--platform-name", "Acme Academy", "--owner-email", "boss@acme.example"], &url);
    assert_eq!(code, 0, "{stderr}");
    let password = stdout.lines().find_map(|l| l.strip_prefix("One-time password: ")).unwrap().split_whitespace().next().unwrap().to_string();
    let db = Db::connect(&url).await.unwrap();
    let owner = testing::principal_of(&db, "boss@acme.example", &password).await;
    let importing = owner.require(AddUsersSomewhere).unwrap();
    let file: String = std::iter::once("email\n".to_string()).chain((0..ROWS).map(|i| format!("learner{i}@example.com\n"))).collect();
    let defaults = Defaults { groups: vec![owner.platform_group_id()], roles: vec![Role::Learner], language: None };
    let id = job::upload(&db, &importing, &Default::default(), "learners.csv", file.as_bytes()).await.unwrap();
    let who = Who { actor: Some(owner.user_id), ..Who::default() };
    let limits = "UPDATE platform SET platform_invitation_emails_per_hour = 1000000";
    sqlx::query(limits).execute(&db.pool).await.unwrap();
    job::start(&db, &importing, &who, id, Mode::Invite, &defaults, false).await.unwrap();

    let count = |sql: &'static str| {
        let db = db.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&db.pool).await.unwrap() }
    };
    let serve = || {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        Command::new(env!("CARGO_BIN_EXE_server")).args(["serve", "--bind", &format!("127.0.0.1:{port}")]).env("DATABASE_URL", &url).env("RUST_LOG", "off").spawn().unwrap()
    };
    let mut first = serve();
    let started = std::time::Instant::now();
    while count("SELECT rows_done FROM import_jobs").await == 0 {
        assert!(started.elapsed().as_secs() < 60, "the server never took the import up");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    first.kill().unwrap();
    first.wait().unwrap();
    let done = count("SELECT rows_done FROM import_jobs").await;
    assert!(done < ROWS, "killed part way ({done} rows done)");
    assert_eq!(count("SELECT COUNT(*) FROM invitations").await, done, "the rows counted are the rows written");
    assert_eq!(count("SELECT COUNT(*) FROM outbox_emails").await, done);

    let mut second = serve();
    let started = std::time::Instant::now();
    while count("SELECT COUNT(*) FROM import_jobs WHERE status = 'done'").await == 0 {
        assert!(started.elapsed().as_secs() < 120, "the import was not finished after the restart");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    second.kill().unwrap();
    second.wait().unwrap();
    assert_eq!(count("SELECT rows_new FROM import_jobs").await, ROWS);
    assert_eq!(count("SELECT COUNT(*) FROM invitations").await, ROWS);
    assert_eq!(count("SELECT COUNT(DISTINCT email_key) FROM invitations").await, ROWS);
    assert_eq!(count("SELECT COUNT(*) FROM outbox_emails").await, ROWS, "one email per row");
    assert_eq!(count("SELECT COUNT(DISTINCT to_address) FROM outbox_emails").await, ROWS);
    assert_eq!(count("SELECT COUNT(*) FROM audit_log WHERE action = 'import_done'").await, 1);
}
