//! Benchmark (prints figures; checks nothing by wall-clock): the outbox worker sending to a real
//! SMTP server. Target: at least 400 emails/s into MailDev (which tops out near 520/s on one
//! connection and 800–930/s on 10–32); then over smtps:// (TLS and login) into the TLS MailDev,
//! and over STARTTLS and login into the aiosmtpd server.
//!
//!   eval "$(scripts/services.sh)"; cargo bench -p app --features test-support --bench outbox

use std::sync::Arc;
use std::time::Instant;

use app::backend::mail::{self, Delivery, OutgoingEmail, SmtpSender, Worker};
use app::backend::testing;
use app::i18n::Lang;

const EMAILS: usize = 2_000;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name}: run `eval \"$(scripts/services.sh)\"` first"));
    let plain = (var("ROSTER_TEST_SMTP_URL"), None);
    let tls = (var("ROSTER_TEST_SMTPS_URL"), Some(std::fs::read(var("ROSTER_TEST_SMTPS_CA")).unwrap()));
    // STARTTLS goes to scripts/starttls-smtp.py (Python's aiosmtpd: slower than MailDev itself).
    let starttls = (var("ROSTER_TEST_STARTTLS_URL"), tls.1.clone());
    let runs = [
        (&plain, "smtp    ", 1usize),
        (&plain, "smtp    ", 4),
        (&plain, "smtp    ", 8),
        (&plain, "smtp    ", 16),
        (&tls, "smtps   ", 1),
        (&tls, "smtps   ", 4),
        (&starttls, "starttls", 1),
        (&starttls, "starttls", 4),
    ];
    for ((smtp, ca), scheme, connections) in runs {
        let db = testing::sqlite().await;
        let mut tx = db.begin().await.unwrap();
        for i in 0..EMAILS {
            let email = OutgoingEmail {
                dedupe_key: format!("bench:{i}"),
                kind: "bench",
                to: format!("learner{i}@example.com"),
                user_id: None,
                invitation_id: None,
                secret: None,
                language: Lang::En,
                subject: format!("You are invited to Northwind Academy ({i})"),
                text: "Olivia Owner invites you to Northwind Academy. Open this link to join: https://learn.example.com/invitation/0123456789abcdef".into(),
                html: "<p>Olivia Owner invites you to <b>Northwind Academy</b>.</p><p><a href=\"https://learn.example.com/invitation/0123456789abcdef\">Join</a></p>".into(),
            };
            mail::enqueue(&mut tx, &email).await.unwrap();
        }
        tx.commit().await.unwrap();
        let sender = Arc::new(SmtpSender::new(smtp, ca.as_deref(), "Roster <no-reply@roster.test>", connections).unwrap());
        let worker = Worker { db: db.db.clone(), delivery: Delivery::Smtp(sender), batch: 256 };
        let started = Instant::now();
        let mut sent = 0;
        while sent < EMAILS {
            let report = worker.round().await.unwrap();
            assert_eq!(report.failed + report.retried, 0, "{report:?}");
            sent += report.sent;
        }
        let seconds = started.elapsed().as_secs_f64();
        println!("{EMAILS} emails, {scheme} over {connections:>2} connection(s): {seconds:>6.2} s  →  {:>5.0} emails/s  (target ≥ 400/s)", EMAILS as f64 / seconds);
    }
}
