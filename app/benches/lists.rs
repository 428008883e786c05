//! Benchmark (prints figures; checks nothing by wall-clock): the lists at the sizes real
//! platforms reach (issue 13) — the demo platform with 100,000 more users and 1,000,000
//! invitations, on SQLite and PostgreSQL. Made once and kept (a few minutes), then reused:
//!
//!   SQLite      target/bigdata/roster.db
//!   PostgreSQL  database `roster_big` on the server of ROSTER_TEST_POSTGRES_URL
//!
//! Serve one with `DATABASE_URL=sqlite:target/bigdata/roster.db target/release/server serve`;
//! the demo people's password is in target/bigdata/credentials.txt. Delete them to remake.
//!
//! Shape: 50,000 learners in the Sales branch (Paris office and Sales Americas, climbed to the
//! first private group above), 50,000 elsewhere (Engineering, New hires 2026); one in ten has
//! not logged in yet. Invitations: one learner grant each, spread over the same four groups,
//! a fifth pending (with their email sent), the others accepted or cancelled; one in ten made
//! by Greta (admin of Sales), the others by the owner. Measured as the services are called
//! (server side, no HTTP): the median of 20 calls after 3 warm-ups.
//!
//!   eval "$(scripts/services.sh)"; cargo bench -p app --features test-support --bench lists

use std::time::{Duration, Instant};

use app::backend::db::{Backend, Db};
use app::backend::principal::Principal;
use app::backend::tree::TreeCache;
use app::backend::{auth::PasswordHasher, directory, invitations, seed, users};
use app::domain::capability::AddUsersSomewhere;
use app::wire::invitations::INVITATIONS_PER_PAGE;
use app::wire::users::{UserFilter, UsersAt};

const USERS: i64 = 100_000;
const INVITATIONS: i64 = 1_000_000;
const FIRST_NAMES: [&str; 40] = [
    "Ada", "Ahmed", "Alice", "Amara", "Ana", "Arjun", "Beatriz", "Ben", "Camille", "Chen", "Chloé", "Daniel", "Elena", "Emma", "Fatima", "Felix", "Grace", "Hana",
    "Hugo", "Ines", "Ivan", "Jonas", "Julia", "Kenji", "Lea", "Liam", "Lucas", "Maria", "Mateo", "Mei", "Nadia", "Noah", "Olga", "Omar", "Priya", "Rosa",
    "Sofia", "Tom", "Yara", "Zoe",
];
const LAST_NAMES: [&str; 50] = [
    "Adams", "Almeida", "Bauer", "Bernard", "Brown", "Chen", "Costa", "Dubois", "Eriksson", "Fischer", "Garcia", "Gomez", "Hansen", "Ito", "Jansen", "Johnson",
    "Kim", "Kowalski", "Laurent", "Lee", "Lopez", "Martin", "Meyer", "Moreau", "Müller", "Nakamura", "Nguyen", "Novak", "Okafor", "Olsen", "Patel", "Petit",
    "Rossi", "Santos", "Schmidt", "Silva", "Singh", "Smith", "Sousa", "Suzuki", "Tanaka", "Taylor", "Thomas", "Novikov", "Wagner", "Wang", "Weber", "Wilson",
    "Yilmaz", "Zhang",
];

/// `WITH RECURSIVE s(i)` counting 1..=n, and the names to pick from by `s.i`.
fn series(n: i64) -> String {
    let names = |list: &[&str]| list.iter().enumerate().map(|(k, name)| format!("({k}, '{name}')")).collect::<Vec<_>>().join(", ");
    format!(
        "WITH RECURSIVE s(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM s WHERE i < {n}), f(k, name) AS (VALUES {}), l(k, name) AS (VALUES {}) ",
        names(&FIRST_NAMES),
        names(&LAST_NAMES)
    )
}

async fn group(db: &Db, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM groups WHERE name = $1").bind(name).fetch_one(&db.pool).await.unwrap()
}

async fn user(db: &Db, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE email_key = $1").bind(email).fetch_one(&db.pool).await.unwrap()
}

async fn exec(db: &Db, sql: &str) {
    let started = Instant::now();
    sqlx::query(sql).execute(&db.pool).await.unwrap_or_else(|e| panic!("{e}: {}", &sql[..sql.len().min(300)]));
    let first_words: String = sql.split_whitespace().skip_while(|w| *w != "INSERT" && *w != "ANALYZE").take(3).collect::<Vec<_>>().join(" ");
    println!("  {first_words:<40} {:>6.1} s", started.elapsed().as_secs_f64());
}

/// The demo platform, then the bulk: users, their memberships, invitations, grants, emails.
async fn make(db: &Db, credentials: &std::path::Path) {
    let demo = seed::demo(db, &PasswordHasher::default()).await.unwrap();
    let [paris, americas, engineering, new_hires, emea, sales, root, success] = [
        group(db, "Paris office").await,
        group(db, "Sales Americas").await,
        group(db, "Engineering").await,
        group(db, "New hires 2026").await,
        group(db, "Sales EMEA").await,
        group(db, "Sales").await,
        group(db, "Northwind Academy").await,
        group(db, "Customer Success").await,
    ];
    let (owner, greta) = (user(db, "owner@northwind.example").await, user(db, "sales.admin@northwind.example").await);
    let base: i64 = 1_700_000_000_000;
    exec(
        db,
        &format!(
            "{}INSERT INTO users (email, email_key, first_name, last_name, status, must_change_password, created_at, activated_at)
             SELECT 'learner' || s.i || '@bulk.example', 'learner' || s.i || '@bulk.example', f.name, l.name, 'active',
                    CASE WHEN s.i % 10 = 0 THEN 1 ELSE 0 END, {base} + s.i * 60000, CASE WHEN s.i % 10 = 0 THEN NULL ELSE {base} + s.i * 60000 END
             FROM s JOIN f ON f.k = s.i % 40 JOIN l ON l.k = (s.i / 40) % 50",
            series(USERS)
        ),
    )
    .await;
    // Each bulk user in one of four groups by id, with the memberships R10's climb gives.
    let bulk = "FROM users u WHERE u.email_key LIKE '%@bulk.example'";
    let direct = format!("CASE u.id % 4 WHEN 0 THEN {paris} WHEN 1 THEN {americas} WHEN 2 THEN {engineering} ELSE {new_hires} END");
    exec(db, &format!("INSERT INTO memberships (user_id, group_id, role, created_at) SELECT u.id, {direct}, 'learner', 0 {bulk}")).await;
    for (from, to) in [(paris, emea), (paris, sales), (americas, sales), (engineering, root), (new_hires, success)] {
        exec(db, &format!("INSERT INTO memberships (user_id, group_id, role, propagated_from, created_at) SELECT u.id, {to}, 'learner', {from}, 0 {bulk} AND {direct} = {from}")).await;
    }
    exec(
        db,
        &format!(
            "{}INSERT INTO invitations (email, email_key, token_hash, status, invited_by, origin_group_id, created_at, expires_at, last_sent_at, send_count)
             SELECT lower(f.name) || '.' || s.i || '@invited.example', lower(f.name) || '.' || s.i || '@invited.example', 'bulk' || s.i,
                    CASE s.i % 5 WHEN 0 THEN 'pending' WHEN 1 THEN 'cancelled' ELSE 'accepted' END,
                    CASE WHEN s.i % 10 = 3 THEN {greta} ELSE {owner} END,
                    CASE s.i % 4 WHEN 0 THEN {paris} WHEN 1 THEN {americas} WHEN 2 THEN {engineering} ELSE {new_hires} END,
                    {base} + s.i * 1000, {base} + s.i * 1000 + 604800000, {base} + s.i * 1000, 1
             FROM s JOIN f ON f.k = s.i % 40",
            series(INVITATIONS)
        ),
    )
    .await;
    exec(db, "INSERT INTO invitation_grants (invitation_id, group_id, role) SELECT id, origin_group_id, 'learner' FROM invitations WHERE token_hash LIKE 'bulk%'").await;
    exec(
        db,
        "INSERT INTO outbox_emails (dedupe_key, kind, to_address, invitation_id, language, subject, body_text, body_html, status, attempts, next_attempt_at, created_at, sent_at)
         SELECT 'bulk:' || id, 'invitation', email, id, 'en', 'Invitation', '', '', 'sent', 1, created_at, created_at, created_at
         FROM invitations WHERE token_hash LIKE 'bulk%' AND status = 'pending'",
    )
    .await;
    exec(db, "ANALYZE").await;
    // Written last: the mark of a database made whole.
    std::fs::write(credentials, format!("{}\n{}\n", demo.owner.login, demo.owner.password)).unwrap();
}

/// The median and the slowest of 20 timed calls, after 3 warm-ups.
async fn time<F: std::future::Future<Output = usize>>(mut call: impl FnMut() -> F) -> (Duration, Duration, usize) {
    let mut rows = 0;
    for _ in 0..3 {
        rows = call().await;
    }
    let mut times = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        rows = call().await;
        times.push(started.elapsed());
    }
    times.sort();
    (times[times.len() / 2], times[times.len() - 1], rows)
}

fn row(database: &str, who: &str, what: &str, (median, max, rows): (Duration, Duration, usize)) {
    println!("{database:<10} {who:<22} {what:<34} {:>9.1} {:>9.1} {rows:>6}", median.as_secs_f64() * 1e3, max.as_secs_f64() * 1e3);
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bigdata");
    std::fs::create_dir_all(&dir).unwrap();
    let postgres = std::env::var("ROSTER_TEST_POSTGRES_URL").expect("run `eval \"$(scripts/services.sh)\"` first");
    sqlx::any::install_default_drivers();
    let (server, _) = postgres.rsplit_once('/').unwrap();
    let databases = [
        (Backend::Sqlite, format!("sqlite:{}", dir.join("roster.db").display()), dir.join("credentials.txt")),
        (Backend::Postgres, format!("{server}/roster_big"), dir.join("credentials-postgres.txt")),
    ];
    // A database without its credentials file was not made whole: made again from nothing.
    if !databases[0].2.exists() {
        for file in ["roster.db", "roster.db-wal", "roster.db-shm"] {
            let _ = std::fs::remove_file(dir.join(file));
        }
    }
    if !databases[1].2.exists() {
        let admin = sqlx::AnyPool::connect(&postgres).await.unwrap();
        sqlx::query("DROP DATABASE IF EXISTS roster_big").execute(&admin).await.unwrap();
        sqlx::query("CREATE DATABASE roster_big").execute(&admin).await.unwrap();
    }
    println!("{:<10} {:<22} {:<34} {:>9} {:>9} {:>6}", "database", "who", "what", "median ms", "max ms", "rows");
    for (backend, url, credentials) in databases {
        let db = Db::connect(&url).await.unwrap();
        db.migrate().await.unwrap();
        if !credentials.exists() {
            println!("making the {backend:?} database ({USERS} users, {INVITATIONS} invitations)…");
            make(&db, &credentials).await;
        }
        let name = if backend == Backend::Sqlite { "SQLite" } else { "PostgreSQL" };
        let trees = TreeCache::default();
        let as_user = |email: &'static str| {
            let (db, trees) = (db.clone(), trees.clone());
            async move { Principal::of_user(&db, &trees, user(&db, email).await).await.unwrap().unwrap() }
        };
        for (who, principal) in [("owner", as_user("owner@northwind.example").await), ("admin of Sales", as_user("sales.admin@northwind.example").await)] {
            let permit = principal.require(AddUsersSomewhere).unwrap();
            let users_page = |filter: UserFilter, at: UsersAt| {
                let (db, permit) = (db.clone(), &permit);
                async move { users::list(&db, permit, &filter, at).await.unwrap().rows.len() }
            };
            let start = UsersAt::default();
            // A page from the middle of the list they see, in name order (the owner sees
            // 100,000 users; the admin of Sales the 50,000 members of Sales).
            let middle = if who == "owner" {
                "SELECT id FROM users WHERE deleted_at IS NULL ORDER BY lower(last_name), lower(first_name), id LIMIT 1 OFFSET 50000".to_string()
            } else {
                format!(
                    "SELECT u.id FROM users u WHERE EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.group_id = {}) ORDER BY lower(u.last_name), lower(u.first_name), u.id LIMIT 1 OFFSET 25000",
                    group(&db, "Sales").await
                )
            };
            let middle_user: i64 = sqlx::query_scalar(&middle).fetch_one(&db.pool).await.unwrap();
            let middle = UsersAt { after: Some(middle_user), before: None };
            row(name, who, "USERS first page", time(|| users_page(UserFilter::default(), start)).await);
            row(name, who, "USERS a page in the middle", time(|| users_page(UserFilter::default(), middle)).await);
            let back = UsersAt { after: None, before: middle.after };
            row(name, who, "USERS the page before it", time(|| users_page(UserFilter::default(), back)).await);
            for term in ["smi", "ada l", "learner7"] {
                let search = UserFilter { search: term.into(), ..Default::default() };
                row(name, who, &format!("USERS search \"{term}\""), time(|| users_page(search.clone(), start)).await);
            }
            let pending = UserFilter { status: Some(app::domain::account::UserStatus::FirstLoginPending), ..Default::default() };
            row(name, who, "USERS first login pending", time(|| users_page(pending.clone(), start)).await);
            let americas = UserFilter { groups: vec![group(&db, "Sales Americas").await], ..Default::default() };
            row(name, who, "USERS in Sales Americas", time(|| users_page(americas.clone(), start)).await);
            let coaches = UserFilter { role: Some(app::domain::role::Role::Coach), ..Default::default() };
            row(name, who, "USERS coaches (a rare role)", time(|| users_page(coaches.clone(), start)).await);
        }
        for (who, principal) in [("owner", as_user("owner@northwind.example").await), ("admin of Sales", as_user("sales.admin@northwind.example").await)] {
            let sales = group(&db, "Sales").await;
            let members = |at: UsersAt| {
                let (db, principal) = (db.clone(), &principal);
                async move { directory::group_view(&db, principal, sales, at).await.unwrap().members.unwrap_or_default().len() }
            };
            row(name, who, "group page of Sales (50,000)", time(|| members(UsersAt::default())).await);
            let second = directory::group_view(&db, &principal, sales, UsersAt::default()).await.unwrap().members_next;
            row(name, who, "its second page of members", time(|| members(second.unwrap())).await);
        }
        for (who, principal) in [
            ("owner", as_user("owner@northwind.example").await),
            ("admin of Sales", as_user("sales.admin@northwind.example").await),
            ("user admin of EMEA", as_user("emea.useradmin@northwind.example").await),
        ] {
            let permit = principal.require(AddUsersSomewhere).unwrap();
            let list = |search: &'static str, after: Option<String>| {
                let (db, permit) = (db.clone(), &permit);
                async move { invitations::list(&db, permit, search, Default::default(), after.as_deref(), INVITATIONS_PER_PAGE).await.unwrap().rows.len() }
            };
            row(name, who, "Invitations first page", time(|| list("", None)).await);
            let middle = format!("{}.{}", 1_700_000_000_000_i64 + 500_000 * 1000, i64::MAX);
            row(name, who, "Invitations at the middle", time(|| list("", Some(middle.clone()))).await);
            row(name, who, "Invitations search \"ada.\"", time(|| list("ada.", None)).await);
            row(name, who, "Invitations search, no match", time(|| list("nobody", None)).await);
        }
    }
}
