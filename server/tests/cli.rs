//! The command line, run as a process: bad configuration gets one clear line, not a panic.

use std::process::Command;

fn server(args: &[&str], database_url: &str) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_server")).args(args).env("DATABASE_URL", database_url).env("RUST_LOG", "off").output().unwrap();
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stdout).into(), String::from_utf8_lossy(&output.stderr).into())
}

#[test]
fn an_unreachable_database_is_named_in_one_line_with_its_password_masked() {
    let (code, _, stderr) = server(&["migrate"], "postgres://roster:s3cret@127.0.0.1:9/roster");
    assert_eq!(code, 1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: cannot open the database at postgres://roster:***@127.0.0.1:9/roster"), "{stderr}");
    assert!(!stderr.contains("s3cret") && !stderr.contains("panicked"), "{stderr}");
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
