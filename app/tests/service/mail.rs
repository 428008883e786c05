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
);

fn email(key: &str, subject: &str) -> OutgoingEmail {
    OutgoingEmail {
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
    std::env::var("ROSTER_TEST_SMTP_URL").expect("ROSTER_TEST_SMTP_URL is not set: run the tests with scripts/test.sh (it starts MailDev)")
}

/// The subjects MailDev holds, through its REST API.
async fn maildev_subjects() -> Vec<String> {
    let api = std::env::var("ROSTER_TEST_MAILDEV_API").expect("ROSTER_TEST_MAILDEV_API is not set: run the tests with scripts/test.sh");
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
    let emails: Vec<serde_json::Value> = serde_json::from_str(json).unwrap();
    emails.iter().filter_map(|e| e["subject"].as_str().map(str::to_string)).collect()
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
    let sender = Arc::new(SmtpSender::new(&smtp_url(), "Roster <no-reply@roster.test>", 3).unwrap());
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
    let sender = Arc::new(SmtpSender::new("smtp://127.0.0.1:9", "no-reply@roster.test", 2).unwrap());
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
