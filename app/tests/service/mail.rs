//! The outbox and its worker, against a real SMTP server (MailDev, started by scripts/test.sh)
//! and both databases.

use std::sync::Arc;

use app::backend::db::now_ms;
use app::backend::mail::{self, Delivery, OutgoingEmail, SmtpSender, Worker};
use app::backend::testing::TestDb;
use app::domain::retry::MAX_ATTEMPTS;
use app::i18n::Lang;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

app::on_both_databases!(
    emails_are_queued_with_their_change_and_never_twice_for_one_cause,
    r41_the_worker_sends_over_smtp_and_records_delivery,
    r41_an_unreachable_server_means_retries_then_failure,
    without_smtp_emails_stay_in_the_development_mailbox,
    smtps_sends_over_tls_with_a_login_and_fails_on_a_wrong_password_or_an_unknown_ca,
    starttls_is_required_before_the_login_and_never_skipped,
);

fn email(key: &str, subject: &str) -> OutgoingEmail {
    OutgoingEmail {
        secret: None,
        dedupe_key: key.to_string(),
        kind: "test",
        to: "Ada Lovelace <ada@example.com>".to_string(),
        user_id: None,
        invitation_id: None,
        language: Lang::En,
        subject: subject.to_string(),
        text: "Hello in plain text".to_string(),
        html: "<p>Hello in <b>HTML</b></p>".to_string(),
    }
}

fn smtp_url() -> String {
    env("ROSTER_TEST_SMTP_URL")
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run the tests with scripts/test.sh (it starts the services)"))
}

/// The subjects MailDev holds, through its REST API.
async fn maildev_subjects() -> Vec<String> {
    subjects_at(&env("ROSTER_TEST_MAILDEV_API")).await
}

async fn subjects_at(api: &str) -> Vec<String> {
    emails_at(api).await.iter().filter_map(|e| e["subject"].as_str().map(str::to_string)).collect()
}

/// The texts of the emails MailDev received for `to` (any case), joined: what really left.
pub async fn received_by(api: &str, to: &str) -> String {
    let addressed = |e: &serde_json::Value| e["to"].as_array().is_some_and(|list| list.iter().any(|t| t["address"].as_str().is_some_and(|a| a.eq_ignore_ascii_case(to))));
    emails_at(api).await.iter().filter(|e| addressed(e)).filter_map(|e| e["text"].as_str()).collect::<Vec<_>>().join("\n")
}

async fn emails_at(api: &str) -> Vec<serde_json::Value> {
    let hostport = api.trim_start_matches("http://").split('/').next().unwrap().to_string();
    let mut stream = tokio::net::TcpStream::connect(&hostport).await.unwrap();
    let request = format!("GET /api/email HTTP/1.1\r\nHost: {hostport}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let response = String::from_utf8_lossy(&response);
    let body = response.split_once("\r\n\r\n").unwrap().1;
    // Chunked or not, the JSON array is what lies between the first '[' and the last ']'.
    let json = &body[body.find('[').unwrap()..=body.rfind(']').unwrap()];
    serde_json::from_str(json).unwrap()
}

async fn statuses(db: &TestDb) -> Vec<(String, i64, Option<String>)> {
    sqlx::query_as("SELECT status, attempts, last_error FROM outbox_emails ORDER BY id").fetch_all(&db.pool).await.unwrap()
}

async fn emails_are_queued_with_their_change_and_never_twice_for_one_cause(db: TestDb) {
    let mut tx = db.begin().await.unwrap();
    assert!(mail::enqueue(&mut tx, &email("cause:1", "one")).await.unwrap());
    assert!(!mail::enqueue(&mut tx, &email("cause:1", "one again")).await.unwrap(), "same cause, no second email");
    assert!(mail::enqueue(&mut tx, &email("cause:2", "two")).await.unwrap());
    tx.commit().await.unwrap();
    let mut rolled_back = db.begin().await.unwrap();
    mail::enqueue(&mut rolled_back, &email("cause:3", "never")).await.unwrap();
    rolled_back.rollback().await.unwrap();
    let queued: Vec<String> = sqlx::query_scalar("SELECT subject FROM outbox_emails ORDER BY id").fetch_all(&db.pool).await.unwrap();
    assert_eq!(queued, ["one", "two"], "no email for a rolled-back change");
}

async fn r41_the_worker_sends_over_smtp_and_records_delivery(db: TestDb) {
    let token = app::backend::auth::random_hex(6);
    let mut tx = db.begin().await.unwrap();
    for i in 0..5 {
        mail::enqueue(&mut tx, &email(&format!("send:{i}"), &format!("delivery test {token} #{i}"))).await.unwrap();
    }
    tx.commit().await.unwrap();
    let sender = Arc::new(SmtpSender::new(&smtp_url(), None, "Roster <no-reply@roster.test>", 3).unwrap());
    let worker = Worker { db: db.db.clone(), delivery: Delivery::Smtp(sender), batch: 64 };
    let report = worker.round().await.unwrap();
    assert_eq!((report.sent, report.retried, report.failed), (5, 0, 0));
    assert!(statuses(&db).await.iter().all(|(status, attempts, error)| status == "sent" && *attempts == 1 && error.is_none()));
    let delivered = maildev_subjects().await.into_iter().filter(|s| s.contains(&token)).count();
    assert_eq!(delivered, 5, "each email reached the SMTP server once");
    assert_eq!(worker.round().await.unwrap(), Default::default(), "nothing left to send");
}

async fn r41_an_unreachable_server_means_retries_then_failure(db: TestDb) {
    let mut tx = db.begin().await.unwrap();
    mail::enqueue(&mut tx, &email("down:1", "nobody listens")).await.unwrap();
    tx.commit().await.unwrap();
    let sender = Arc::new(SmtpSender::new("smtp://127.0.0.1:9", None, "no-reply@roster.test", 2).unwrap());
    let worker = Worker { db: db.db.clone(), delivery: Delivery::Smtp(sender), batch: 64 };
    assert_eq!(worker.round().await.unwrap().retried, 1);
    let (status, attempts, error) = statuses(&db).await.remove(0);
    assert_eq!((status.as_str(), attempts), ("queued", 1));
    assert!(error.unwrap().contains("cannot reach 127.0.0.1:9"));
    assert_eq!(worker.round().await.unwrap(), Default::default(), "not due before its backoff");
    // At the last attempt, a temporary failure is final.
    sqlx::query("UPDATE outbox_emails SET attempts = $1, next_attempt_at = $2").bind(i64::from(MAX_ATTEMPTS) - 1).bind(now_ms()).execute(&db.pool).await.unwrap();
    assert_eq!(worker.round().await.unwrap().failed, 1);
    assert_eq!(statuses(&db).await[0].0, "failed");
}

async fn without_smtp_emails_stay_in_the_development_mailbox(db: TestDb) {
    let mut tx = db.begin().await.unwrap();
    mail::enqueue(&mut tx, &email("dev:1", "for the mailbox")).await.unwrap();
    tx.commit().await.unwrap();
    let worker = Worker { db: db.db.clone(), delivery: Delivery::DevelopmentMailbox, batch: 64 };
    assert_eq!(worker.round().await.unwrap().sent, 1);
    let (subject, text): (String, String) = sqlx::query_as("SELECT subject, body_text FROM outbox_emails").fetch_one(&db.pool).await.unwrap();
    assert_eq!((subject.as_str(), text.as_str()), ("for the mailbox", "Hello in plain text"));
}

/// SMTP_URL smtps://user:password@host: TLS on the socket we open, the server's certificate
/// checked, then AUTH — against a MailDev that takes nothing else.
async fn smtps_sends_over_tls_with_a_login_and_fails_on_a_wrong_password_or_an_unknown_ca(db: TestDb) {
    let token = queue_three(&db, "over TLS").await;
    let ca = std::fs::read(env("ROSTER_TEST_SMTPS_CA")).unwrap();
    let url = env("ROSTER_TEST_SMTPS_URL");

    // The system's roots do not know the test CA: nothing is sent, and the reason says why.
    assert_eq!(round_with(&db, &url, None).await.retried, 3);
    let (_, _, error) = statuses(&db).await.remove(0);
    assert!(error.as_deref().unwrap_or("").contains("TLS with localhost:1465") && error.as_deref().unwrap_or("").contains("UnknownIssuer"), "{error:?}");

    // The right CA but a wrong password: refused at AUTH.
    due_now(&db).await;
    let wrong = url.replace("tls%20test%20password", "not%20it");
    assert_eq!(round_with(&db, &wrong, Some(&ca)).await.retried, 3);
    let (_, _, error) = statuses(&db).await.remove(0);
    assert!(error.as_deref().unwrap_or("").contains("refused the login"), "{error:?}");
    assert!(!error.unwrap().contains("not it"), "the password is not in the reason");

    due_now(&db).await;
    let report = round_with(&db, &url, Some(&ca)).await;
    assert_eq!((report.sent, report.retried, report.failed), (3, 0, 0));
    let delivered = subjects_at(&env("ROSTER_TEST_MAILDEV_TLS_API")).await.into_iter().filter(|s| s.contains(&token)).count();
    assert_eq!(delivered, 3, "each email reached the TLS server once");
}

/// SMTP_URL smtp://user:password@host:587?tls=required: STARTTLS on our socket, then AUTH —
/// against a server that requires both. A server that does not offer STARTTLS gets nothing,
/// the password least of all.
async fn starttls_is_required_before_the_login_and_never_skipped(db: TestDb) {
    let token = queue_three(&db, "over STARTTLS").await;
    let ca = std::fs::read(env("ROSTER_TEST_SMTPS_CA")).unwrap();
    let url = env("ROSTER_TEST_STARTTLS_URL");

    // MailDev's plain port offers no STARTTLS: refused before any login.
    let plain_port = format!("smtp://roster:never%20sent@{}?tls=required", smtp_url().trim_start_matches("smtp://"));
    assert_eq!(round_with(&db, &plain_port, Some(&ca)).await.retried, 3);
    let (_, _, error) = statuses(&db).await.remove(0);
    assert!(error.as_deref().unwrap_or("").contains("STARTTLS is not supported"), "{error:?}");

    // A certificate from an unknown CA: the handshake fails, the reason says why.
    due_now(&db).await;
    assert_eq!(round_with(&db, &url, None).await.retried, 3, "{:?}", statuses(&db).await);
    let (_, _, error) = statuses(&db).await.remove(0);
    assert!(error.as_deref().unwrap_or("").contains("UnknownIssuer"), "{error:?}");

    due_now(&db).await;
    let report = round_with(&db, &url, Some(&ca)).await;
    assert_eq!((report.sent, report.retried, report.failed), (3, 0, 0), "{:?}", statuses(&db).await);
    let kept = std::fs::read_to_string(env("ROSTER_TEST_STARTTLS_SUBJECTS")).unwrap();
    assert_eq!(kept.lines().filter(|s| s.contains(&token)).count(), 3, "each email reached the server once");
}

/// Three emails whose subjects say `what` and a fresh token; returns the token.
async fn queue_three(db: &TestDb, what: &str) -> String {
    let token = app::backend::auth::random_hex(6);
    let mut tx = db.begin().await.unwrap();
    for i in 0..3 {
        mail::enqueue(&mut tx, &email(&format!("{what}:{i}"), &format!("{what} {token} #{i}"))).await.unwrap();
    }
    tx.commit().await.unwrap();
    token
}

/// One worker round over SMTP_URL `url`, trusting `ca` besides the system's roots.
async fn round_with(db: &TestDb, url: &str, ca: Option<&[u8]>) -> mail::RoundReport {
    let sender = Arc::new(SmtpSender::new(url, ca, "Roster <no-reply@roster.test>", 2).unwrap());
    Worker { db: db.db.clone(), delivery: Delivery::Smtp(sender), batch: 64 }.round().await.unwrap()
}

/// Retries come due at once (their backoff is not what these tests are about).
async fn due_now(db: &TestDb) {
    sqlx::query("UPDATE outbox_emails SET next_attempt_at = 0").execute(&db.pool).await.unwrap();
}

/// R75: after a quiet spell longer than the SMTP server's idle timeout (MailDev's: 60 s, then
/// "421 Timeout - closing connection"), the next email is accepted at once, in one attempt —
/// whether we closed the pooled connection first (`MAX_IDLE`) or find it closed by the server
/// (a pool kept longer than the server's timeout). One test, on SQLite only (the outbox's
/// database is not what it is about), both ways at once: it idles 62 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r75_an_email_after_a_quiet_spell_longer_than_the_servers_timeout_leaves_at_once() {
    let ours = SmtpSender::new(&smtp_url(), None, "Roster <no-reply@roster.test>", 1).unwrap();
    let theirs = SmtpSender::new(&smtp_url(), None, "Roster <no-reply@roster.test>", 1).unwrap().keeping_idle(std::time::Duration::from_secs(3600));
    let (ours, theirs) = tokio::join!(after_a_quiet_spell(ours, "closed by us"), after_a_quiet_spell(theirs, "closed by the server"));
    println!("queued to accepted after 62 s idle: {ours} ms (pool closed by us), {theirs} ms (closed by the server)");
}

/// Sends one email (its connection stays pooled), waits past the server's timeout, queues
/// another: it must go in the next round, at the first attempt. Returns queued-to-sent in ms.
async fn after_a_quiet_spell(sender: SmtpSender, how: &str) -> i64 {
    let db = app::backend::testing::sqlite().await;
    let worker = Worker { db: db.db.clone(), delivery: Delivery::Smtp(Arc::new(sender)), batch: 64 };
    let token = app::backend::auth::random_hex(6);
    let queue = |n: u32| {
        let (db, subject) = (db.db.clone(), format!("quiet spell, {how}, {token} #{n}"));
        async move {
            let mut tx = db.begin().await.unwrap();
            mail::enqueue(&mut tx, &email(&format!("quiet:{n}"), &subject)).await.unwrap();
            tx.commit().await.unwrap();
        }
    };
    queue(1).await;
    assert_eq!(worker.round().await.unwrap().sent, 1);
    tokio::time::sleep(std::time::Duration::from_secs(62)).await;
    queue(2).await;
    let report = worker.round().await.unwrap();
    assert_eq!((report.sent, report.retried, report.failed), (1, 0, 0), "{how}: sent at once, not retried later");
    let (status, attempts, error) = statuses(&db).await.remove(1);
    assert_eq!((status.as_str(), attempts, error), ("sent", 1, None), "{how}: one attempt, no error recorded");
    let delivered = maildev_subjects().await.into_iter().filter(|s| s.contains(&token)).count();
    assert_eq!(delivered, 2, "{how}: both emails reached the SMTP server, once each");
    sqlx::query_scalar("SELECT sent_at - created_at FROM outbox_emails WHERE dedupe_key = 'quiet:2'").fetch_one(&db.pool).await.unwrap()
}

/// R82: each email's outcome is recorded as soon as the SMTP server answers, not when the whole
/// round is done — a worker that dies mid-round leaves only the email in flight to be sent again.
/// An SMTP server that accepts the first email and then never answers the second (scripted here:
/// MailDev cannot be told to hang) holds the round; meanwhile the first is already `sent`. The
/// round is then stopped as a killed worker would be: the first stays sent, the second waits in
/// `sending` for its lease to end (30 s, renewed while in flight).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r82_each_email_is_recorded_as_the_server_answers_not_at_the_end_of_the_round() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        socket.write_all(b"220 scripted ESMTP\r\n").await.unwrap();
        let (mut pending, mut messages) = (Vec::new(), 0);
        let mut in_data = false;
        let mut buffer = [0u8; 4096];
        loop {
            let read = socket.read(&mut buffer).await.unwrap_or(0);
            if read == 0 {
                return;
            }
            pending.extend_from_slice(&buffer[..read]);
            loop {
                if in_data {
                    let Some(end) = pending.windows(5).position(|w| w == b"\r\n.\r\n") else { break };
                    pending.drain(..end + 5);
                    in_data = false;
                    messages += 1;
                    if messages == 1 {
                        socket.write_all(b"250 2.0.0 queued\r\n").await.unwrap();
                    } else {
                        // The second email: never answered.
                        std::future::pending::<()>().await;
                    }
                    continue;
                }
                let Some(end) = pending.windows(2).position(|w| w == b"\r\n") else { break };
                let line: Vec<u8> = pending.drain(..end + 2).collect();
                let command = String::from_utf8_lossy(&line).to_ascii_uppercase();
                let reply: &[u8] = if command.starts_with("DATA") {
                    in_data = true;
                    b"354 go ahead\r\n"
                } else if command.starts_with("QUIT") {
                    b"221 bye\r\n"
                } else {
                    b"250 ok\r\n"
                };
                socket.write_all(reply).await.unwrap();
            }
        }
    });

    let db = app::backend::testing::sqlite().await;
    let mut tx = db.begin().await.unwrap();
    mail::enqueue(&mut tx, &email("stall:1", "answered")).await.unwrap();
    mail::enqueue(&mut tx, &email("stall:2", "never answered")).await.unwrap();
    tx.commit().await.unwrap();
    let sender = SmtpSender::new(&format!("smtp://127.0.0.1:{port}"), None, "Roster <no-reply@roster.test>", 1).unwrap();
    let worker = Worker { db: db.db.clone(), delivery: Delivery::Smtp(Arc::new(sender)), batch: 64 };
    let round = tokio::spawn(async move { worker.round().await });
    let started = std::time::Instant::now();
    loop {
        let status: String = sqlx::query_scalar("SELECT status FROM outbox_emails WHERE dedupe_key = 'stall:1'").fetch_one(&db.pool).await.unwrap();
        if status == "sent" {
            break;
        }
        assert!(started.elapsed().as_secs() < 20, "the first email was not recorded while the round went on");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(!round.is_finished(), "the round is still waiting for the second answer");
    round.abort();
    let _ = round.await;
    let statuses = statuses(&db).await;
    assert_eq!(statuses.iter().map(|s| s.0.as_str()).collect::<Vec<_>>(), ["sent", "sending"]);
    let lease: i64 = sqlx::query_scalar("SELECT next_attempt_at FROM outbox_emails WHERE dedupe_key = 'stall:2'").fetch_one(&db.pool).await.unwrap();
    let left = lease - now_ms();
    assert!(left > 0 && left <= 30_000, "taken over by another worker within 30 s, not minutes: {left} ms left");
}
