//! Benchmark (prints figures; checks nothing by wall-clock): the preview of an import file
//! (R36: read + check every row + look up existing accounts and invitations; nothing written) on
//! SQLite and PostgreSQL, for 10,000 and 100,000 rows, and the process's peak memory. Issue 12's
//! targets for parse + validate + write: 10,000 rows ≤ 3 s, 100,000 ≤ 30 s with RSS ≤ 200 MB,
//! and no more than 3× the plainest insert of the same rows, which this measures too (one
//! INSERT per row into `invitations`, in one transaction): the reference for the import's writes.
//! Then the import itself, as IMPORT runs it: upload, start (the preview pass again, and the
//! email limits), and the background job writing every row (invitations, grants, emails queued,
//! audit), part by part.
//!
//!   eval "$(scripts/services.sh)"; cargo bench -p app --features test-support --bench import

use std::sync::Arc;
use std::time::Instant;

use app::backend::batch::job::{self, ImportWorker};
use app::backend::batch::preview::{self, Request};
use app::backend::{settings, Settings};
use app::domain::capability::AdministerPlatform;
use app::wire::batch::RowOutcome;
use app::wire::settings::EmailLimits;
use app::backend::db::Backend;
use app::backend::{groups, testing};
use app::backend::audit::Who;
use app::domain::batch::{Defaults, Mode};
use app::domain::capability::{AddUsersSomewhere, ManageGroup};
use app::i18n::Lang;

fn file(rows: usize, tag: &str) -> String {
    let mut text = String::from("Email,First name,Last name,Groups,Roles,Language\n");
    for i in 0..rows {
        text.push_str(&format!("{tag}{i}@example.com,Person,Number {i},Region/Country/City,learner,en\n"));
    }
    text
}

/// Peak resident memory of this process, in MB (Linux).
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    kb / 1024.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut imports: Vec<String> = Vec::new();
    println!("preview of an invite file (read, check, look up; nothing written)");
    println!("{:<10} {:>8} {:>10} {:>10} {:>12}", "database", "rows", "median s", "rows/s", "peak RSS MB");
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let db = testing::fresh(backend).await;
        let acme = testing::acme(&db, Lang::En).await;
        let owner = testing::principal_of(&db, "owner@acme.example", &acme.owner_password).await;
        let who = Who { actor: Some(acme.owner), ..Who::default() };
        let mut parent = acme.root;
        for name in ["Region", "Country", "City"] {
            parent = groups::create_subgroup(&db, &owner.require(ManageGroup(parent)).unwrap(), &who, name, true).await.unwrap();
        }
        let owner = testing::as_of_now(&db, &owner).await;
        let importing = owner.require(AddUsersSomewhere).unwrap();
        for (rows, runs) in [(10_000, 5), (100_000, 1)] {
            let text = file(rows, "person");
            let mut seconds = Vec::new();
            for _ in 0..runs {
                let started = Instant::now();
                let preview = preview::preview(&db, &importing, Request { file: text.as_bytes(), mode: Mode::Invite, defaults: &Defaults::default() }).await.unwrap();
                seconds.push(started.elapsed().as_secs_f64());
                assert_eq!(preview.rows, rows as u64);
                assert!(preview.problems.is_empty(), "{:?}", preview.problems.first());
            }
            seconds.sort_by(f64::total_cmp);
            let median = seconds[seconds.len() / 2];
            println!("{:<10} {:>8} {:>10.2} {:>10.0} {:>12.0}", format!("{backend:?}"), rows, median, rows as f64 / median, peak_rss_mb());
        }
        let started = Instant::now();
        plain_insert(&db, acme.owner, parent, 10_000, "plain").await;
        let plain = started.elapsed().as_secs_f64();
        println!("{:<10} {:>8} {:>10.2} {:>10.0}   (the plainest insert: one INSERT per row into invitations, one transaction)", format!("{backend:?}"), 10_000, plain, 10_000.0 / plain);

        // The import as IMPORT runs it; the limits raised so that the runs fit in the hour.
        let limits = EmailLimits { per_person_per_hour: 1_000_000, per_person_per_day: 1_000_000, platform_per_hour: 1_000_000 };
        settings::set_email_limits(&db, &owner.require(AdministerPlatform).unwrap(), &who, limits).await.unwrap();
        let worker = ImportWorker::new(db.db.clone(), Arc::new(Settings::new("https://learn.acme.example")), testing::hasher(), Default::default());
        imports.push(String::new());
        for (rows, runs) in [(10_000, 3), (100_000, 1)] {
            let mut measured = Vec::new();
            for run in 0..runs {
                let text = file(rows, &format!("import{rows}r{run}-"));
                let started = Instant::now();
                let id = job::upload(&db, &importing, &Who::default(), "people.csv", text.as_bytes()).await.unwrap();
                job::start(&db, &importing, &who, id, Mode::Invite, &Defaults::default(), false).await.unwrap();
                let checked = started.elapsed().as_secs_f64();
                assert!(worker.run_one().await.unwrap());
                let total = started.elapsed().as_secs_f64();
                let status = job::status(&db, owner, id).await.unwrap();
                assert_eq!(status.counts, [(RowOutcome::New, rows as u64)], "{status:?}");
                measured.push((total, total - checked));
            }
            measured.sort_by(|a, b| a.0.total_cmp(&b.0));
            let (total, write) = measured[measured.len() / 2];
            imports.push(format!(
                "{:<10} {:>8} {:>10.2} {:>10.2} {:>10.0} {:>14.2} {:>12.0}",
                format!("{backend:?}"),
                rows,
                total,
                write,
                rows as f64 / total,
                write / (plain * rows as f64 / 10_000.0),
                peak_rss_mb()
            ));
        }
    }
    println!();
    println!("import: upload + start (the preview pass, the limits) + the job writing every row (invitations, grants, emails queued, audit)");
    println!("{:<10} {:>8} {:>10} {:>10} {:>10} {:>14} {:>12}", "database", "rows", "median s", "write s", "rows/s", "write/plain", "peak RSS MB");
    for line in imports.iter().filter(|l| !l.is_empty()) {
        println!("{line}");
    }
}

/// The plainest insert of `rows` invitations: one statement per row, in one transaction.
async fn plain_insert(db: &app::backend::Db, inviter: i64, group: i64, rows: usize, tag: &str) {
    let mut tx = db.begin().await.unwrap();
    for i in 0..rows {
        let email = format!("{tag}{i}@example.com");
        sqlx::query(
            "INSERT INTO invitations (email, email_key, token_hash, status, invited_by, origin_group_id, created_at, expires_at, last_sent_at, send_count)
             VALUES ($1, $1, $2, 'pending', $3, $4, 0, 1, 0, 1)",
        )
        .bind(&email)
        .bind(format!("hash-{tag}-{i}"))
        .bind(inviter)
        .bind(group)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}
