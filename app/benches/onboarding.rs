//! Benchmark (prints figures; checks nothing by wall-clock): issue 12's headline. A file of
//! 10,000 learners (invite mode, into a group under two public groups) from its upload to the
//! last of its emails accepted by a real SMTP server (MailDev), with the import job and the
//! outbox worker running side by side as in `server serve`, over 4 SMTP connections as the
//! server keeps. Then counts what MailDev received: 0 lost, 0 duplicated. Target ≤ 60 s.
//!
//! In invite mode a learner's session emails wait for the account's activation (R31), so the
//! file's emails are its 10,000 invitations; set-up mode with emailed credentials would send the
//! session emails at once, at the pace of argon2 (each generated password hashed): measured
//! here on 200 rows.
//!
//!   eval "$(scripts/services.sh)"; cargo bench -p app --features test-support --bench onboarding

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::backend::audit::Who;
use app::backend::batch::job::{self, ImportWorker};
use app::backend::mail::{Delivery, SmtpSender, Worker};
use app::backend::{groups, programs, settings, testing, Settings};
use app::domain::batch::{Defaults, Mode};
use app::domain::capability::{AddUsersSomewhere, AdministerPlatform, ManageGroup, ManageSession, ManageSessions, ManageSessionsSomewhere};
use app::i18n::Lang;
use app::wire::batch::{ImportState, RowOutcome};
use app::wire::settings::EmailLimits;

const LEARNERS: usize = 10_000;
const SET_UP_ROWS: usize = 200;

fn maildev(method: &str, path: &str) -> String {
    let api = std::env::var("ROSTER_TEST_MAILDEV_API").expect("run `eval \"$(scripts/services.sh)\"` first");
    let output = std::process::Command::new("curl").args(["-s", "-X", method, &format!("{api}{path}")]).output().expect("curl");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Emails MailDev holds per recipient whose address starts with `prefix`.
fn received(prefix: &str) -> std::collections::HashMap<String, usize> {
    let emails: Vec<serde_json::Value> = serde_json::from_str(&maildev("GET", "/email")).unwrap_or_default();
    let mut counts = std::collections::HashMap::new();
    for email in emails {
        for to in email["to"].as_array().into_iter().flatten() {
            let address = to["address"].as_str().unwrap_or_default().to_lowercase();
            if address.starts_with(prefix) {
                *counts.entry(address).or_default() += 1;
            }
        }
    }
    counts
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let smtp = std::env::var("ROSTER_TEST_SMTP_URL").expect("run `eval \"$(scripts/services.sh)\"` first");
    for (mode, rows) in [(Mode::Invite, LEARNERS), (Mode::SetUp, SET_UP_ROWS)] {
        maildev("DELETE", "/email/all");
        let db = testing::sqlite().await;
        let acme = testing::acme(&db, Lang::En).await;
        let owner = testing::principal_of(&db, "owner@acme.example", &acme.owner_password).await;
        let who = Who { actor: Some(acme.owner), ..Who::default() };
        let mut parent = acme.root;
        for (name, public) in [("Region", true), ("Country", true), ("City", false)] {
            parent = groups::create_subgroup(&db, &owner.require(ManageGroup(parent)).unwrap(), &who, name, public).await.unwrap();
        }
        let owner = testing::as_of_now(&db, &owner).await;
        // One session assigned to the learners' group (R31).
        let program = programs::create_program(&db, &owner.require(ManageSessionsSomewhere).unwrap(), &who, "Onboarding").await.unwrap();
        let new = programs::NewSession { program, name: "Cohort 1", starts_on: "", ends_on: "" };
        let session = programs::create_session(&db, &owner.require(ManageSessions(parent)).unwrap(), &who, new).await.unwrap();
        let session = programs::session_permit(&db, owner, session, ManageSession).await.unwrap();
        programs::assign_group(&db, &Settings::new("https://learn.acme.example"), &session, &owner.require(ManageSessions(parent)).unwrap(), &who).await.unwrap();
        let limits = EmailLimits { per_person_per_hour: 1_000_000, per_person_per_day: 1_000_000, platform_per_hour: 1_000_000 };
        settings::set_email_limits(&db, &owner.require(AdministerPlatform).unwrap(), &who, limits).await.unwrap();
        let prefix = format!("onboard-{}-", if mode == Mode::Invite { "invite" } else { "setup" });
        let mut file = String::from(if mode == Mode::Invite { "Email,Groups,Roles\n" } else { "Email,First name,Last name,Groups,Roles,Send credentials\n" });
        for i in 0..rows {
            file.push_str(&match mode {
                Mode::Invite => format!("{prefix}{i}@example.com,Region/Country/City,Learner\n"),
                Mode::SetUp => format!("{prefix}{i}@example.com,Learner,Number {i},Region/Country/City,Learner,yes\n"),
            });
        }
        let settings = Arc::new(Settings::new("https://learn.acme.example"));
        let importer = ImportWorker::new(db.db.clone(), settings.clone(), testing::hasher(), Default::default());
        let sender = Arc::new(SmtpSender::new(&smtp, None, "Roster <no-reply@roster.test>", 4).unwrap());
        let outbox = Worker { db: db.db.clone(), delivery: Delivery::Smtp(sender), batch: 256 };

        let started = Instant::now();
        let importing = owner.require(AddUsersSomewhere).unwrap();
        let id = job::upload(&db, &importing, &Who::default(), "learners.csv", file.as_bytes()).await.unwrap();
        job::start(&db, &importing, &who, id, mode, &Defaults::default(), false).await.unwrap();
        let importing = tokio::spawn(async move { importer.run_one().await.unwrap() });
        let (mut sent, mut imported_at) = (0usize, None);
        loop {
            let report = outbox.round().await.unwrap();
            assert_eq!(report.failed + report.retried, 0, "{report:?}");
            sent += report.sent;
            if imported_at.is_none() && importing.is_finished() {
                imported_at = Some(started.elapsed().as_secs_f64());
            }
            let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox_emails WHERE status <> 'sent'").fetch_one(&db.pool).await.unwrap();
            if imported_at.is_some() && queued == 0 {
                break;
            }
            if report.sent == 0 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        let last_email = started.elapsed().as_secs_f64();
        let status = job::status(&db, owner, id).await.unwrap();
        assert_eq!((status.state, status.counts.clone()), (ImportState::Done, vec![(RowOutcome::New, rows as u64)]));
        let got = received(&prefix);
        let lost = (0..rows).filter(|i| got.get(&format!("{prefix}{i}@example.com")).copied().unwrap_or(0) < emails_per_row(mode)).count();
        let duplicated = got.values().filter(|&&n| n > emails_per_row(mode)).count();
        println!(
            "{:<8} {:>6} rows: imported in {:>6.2} s, last of {:>6} emails accepted by MailDev at {:>6.2} s ({:>5.0} emails/s); {} addresses missed an email, {} got one twice{}",
            format!("{mode:?}"),
            rows,
            imported_at.unwrap_or_default(),
            sent,
            last_email,
            sent as f64 / last_email,
            lost,
            duplicated,
            if mode == Mode::Invite { "   (target: ≤ 60 s)" } else { "" }
        );
    }
    maildev("DELETE", "/email/all");
}

/// The emails a row causes: an invitation (the session's email waits for the activation); or
/// credentials and the session's email.
fn emails_per_row(mode: Mode) -> usize {
    if mode == Mode::Invite { 1 } else { 2 }
}
