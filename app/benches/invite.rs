//! Benchmark (prints figures; checks nothing by wall-clock): one INVITE of 100 addresses into a
//! group with 3 levels of public groups above it, on SQLite, server side (the emails are queued,
//! not sent). Target: p50 under 100 ms.
//!
//!   cargo bench -p app --features test-support --bench invite

use std::time::Instant;

use app::backend::audit::Who;
use app::backend::invitations::{self, Inviting};
use app::backend::{groups, testing, Settings};
use app::domain::capability::{AddToGroup, ManageGroup};
use app::domain::role::Role;
use app::i18n::Lang;

const RUNS: usize = 50;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let db = testing::sqlite().await;
    let acme = testing::acme(&db, Lang::En).await;
    let who = Who { actor: Some(acme.owner), ..Who::default() };
    let owner = testing::principal_of(&db, "owner@acme.example", &acme.owner_password).await;
    let mut parent = acme.root;
    for name in ["Region", "Country", "City", "Team"] {
        parent = groups::create_subgroup(&db, &owner.require(ManageGroup(parent)).unwrap(), &who, name, true).await.unwrap();
    }
    let target = parent;
    let owner = testing::as_of_now(&db, &owner).await;
    let permit = owner.require(AddToGroup::new(target, &[Role::Learner])).unwrap();
    let settings = Settings::new("https://learn.acme.example");
    let mut millis = Vec::with_capacity(RUNS);
    for run in 0..RUNS {
        let emails: Vec<String> = (0..100).map(|i| format!("run{run}.person{i}@example.com")).collect();
        let emails = emails.join(", ");
        let started = Instant::now();
        let outcomes = invitations::invite(&db, &settings, Inviting::ToGroup(&permit), &who, &emails, &Default::default()).await.unwrap();
        millis.push(started.elapsed().as_secs_f64() * 1e3);
        assert_eq!(outcomes.len(), 100);
    }
    millis.sort_by(f64::total_cmp);
    let p = |q: f64| millis[((millis.len() as f64 * q).ceil() as usize).clamp(1, millis.len()) - 1];
    println!(
        "INVITE of 100 addresses (SQLite, {RUNS} runs): p50 {:.1} ms, p99 {:.1} ms, min {:.1} ms  (target p50 < 100 ms)",
        p(0.50),
        p(0.99),
        millis[0]
    );
}
