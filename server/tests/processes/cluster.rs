//! Several identical instances on one PostgreSQL, requests spread over them (R83): migrations
//! applied once, every email sent once, a tree change seen at once, login limits shared, the
//! deletion round and an import done once.

use std::time::Duration;

use app::backend::audit::Who;
use app::backend::mail::{self, OutgoingEmail};
use app::backend::{auth::PasswordHasher, seed, testing, Db};
use app::i18n::Lang;

use super::{count, maildev_received, server, smtp_url, until, Instance};

/// Queues `n` plain emails to `{prefix}{i}@example.com`.
pub async fn queue_emails(db: &Db, prefix: &str, n: usize) {
    let emails: Vec<OutgoingEmail> = (0..n)
        .map(|i| OutgoingEmail {
            dedupe_key: format!("{prefix}{i}"),
            kind: "test",
            to: format!("{prefix}{i}@example.com"),
            user_id: None,
            invitation_id: None,
            secret: None,
            language: Lang::En,
            subject: format!("Hello {i}"),
            text: "Northwind Academy invites you.".into(),
            html: "<p>Northwind Academy invites you.</p>".into(),
        })
        .collect();
    let mut tx = db.begin().await.unwrap();
    mail::enqueue_many(&mut tx, &emails).await.unwrap();
    tx.commit().await.unwrap();
}

/// A prefix no earlier run used (MailDev keeps what it received).
pub fn fresh_prefix(what: &str) -> String {
    format!("{what}-{}-", app::backend::auth::random_hex(4))
}

/// The emails each outbox round of an instance's log says it sent.
fn sent_in_log(log: &str) -> usize {
    log.lines().filter(|l| l.contains("outbox round")).filter_map(|l| l.split("sent=").nth(1)?.split_whitespace().next()?.parse::<usize>().ok()).sum()
}

/// sqlx's migrator takes PostgreSQL's advisory lock: instances started together on an empty
/// database migrate it once; the others wait and find it done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r83_three_instances_starting_together_migrate_the_database_once() {
    let db = testing::postgres_unmigrated().await;
    let url = db.url.clone();
    let runs: Vec<_> = (0..3).map(|_| std::thread::spawn({
        let url = url.clone();
        move || server(&["migrate"], &url)
    })).collect();
    for run in runs {
        let (code, stdout, stderr) = run.join().unwrap();
        assert_eq!(code, 0, "{stdout}{stderr}");
    }
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations/postgres")).unwrap().count() as i64;
    assert_eq!(count(&db, "SELECT COUNT(*) FROM _sqlx_migrations WHERE success").await, files);
}

/// Two instances drain one outbox of 5,000 emails: both send, and every address receives
/// exactly one email (`FOR UPDATE SKIP LOCKED`: no email is claimed twice).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r83_two_instances_send_each_of_5000_queued_emails_exactly_once() {
    const EMAILS: usize = 5_000;
    let db = testing::postgres().await;
    testing::acme(&db, Lang::En).await;
    let prefix = fresh_prefix("drain");
    queue_emails(&db, &prefix, EMAILS).await;
    let smtp = smtp_url();
    let env = [("SMTP_URL", smtp.as_str())];
    let (first, second) = (Instance::spawn(&db.url, &env), Instance::spawn(&db.url, &env));
    let took = until(Duration::from_secs(120), "every email sent", || async { count(&db, "SELECT COUNT(*) FROM outbox_emails WHERE status <> 'sent'").await == 0 }).await;
    let (by_first, by_second) = (sent_in_log(&first.log()), sent_in_log(&second.log()));
    assert_eq!(by_first + by_second, EMAILS, "each email recorded sent by one instance");
    assert!(by_first > 0 && by_second > 0, "both instances sent ({by_first} and {by_second})");
    let received = maildev_received(&prefix).await;
    assert_eq!(received.len(), EMAILS, "every address received its email");
    assert!(received.values().all(|&n| n == 1), "one email per address");
    println!("5,000 emails through two instances in {took:?}: {by_first} + {by_second}");
}

/// Demo data; the shared password of its people.
pub async fn demo(db: &Db) -> String {
    seed::demo(db, &PasswordHasher::default()).await.unwrap().owner.password
}

async fn group(db: &Db, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM groups WHERE name = $1").bind(name).fetch_one(&db.pool).await.unwrap()
}

async fn groups_of(db: &Db, email: &str) -> Vec<i64> {
    sqlx::query_scalar("SELECT m.group_id FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = $1 ORDER BY m.group_id")
        .bind(email)
        .fetch_all(&db.pool)
        .await
        .unwrap()
}

/// R10's climb on one instance uses a tree changed on another, on its very next request: each
/// request compares the tree it holds with the database's tree version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r83_a_group_tree_changed_on_one_instance_is_used_by_the_other_on_its_next_request() {
    let db = testing::postgres().await;
    let password = demo(&db).await;
    let (one, other) = (Instance::start(&db.url, &[]).await, Instance::start(&db.url, &[]).await);
    let owner = one.log_in("owner@northwind.example", &password).await;
    let ulysse = other.log_in("emea.useradmin@northwind.example", &password).await;
    let (sales, paris) = (group(&db, "Sales").await, group(&db, "Paris office").await);
    let above_sales: i64 = sqlx::query_scalar("SELECT parent_id FROM groups WHERE id = $1").bind(sales).fetch_one(&db.pool).await.unwrap();
    let set_up = |email: &str| {
        format!("form[first_name]=Pia&form[last_name]=Paris&form[email]={}&form[password]=a+long+enough+secret&form[groups][0]={paris}&form[roles][0]=learner", super::encode(email))
    };

    let answer = other.call(Some(&ulysse), "/api/users/set_up", &set_up("pia@outside.example")).await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    let before = groups_of(&db, "pia@outside.example").await;
    assert!(before.contains(&sales) && !before.contains(&above_sales), "up to Sales, the first private group: {before:?}");

    let answer = one.call(Some(&owner), "/api/groups/visibility", &format!("group={sales}&public=true")).await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    let answer = other.call(Some(&ulysse), "/api/users/set_up", &set_up("quinn@outside.example")).await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    let after = groups_of(&db, "quinn@outside.example").await;
    assert!(after.contains(&above_sales), "Sales is public now: the climb goes on above it ({after:?})");

    // A group made on one instance is there for the other at once.
    let answer = one.call(Some(&owner), "/api/groups/create", &format!("parent={paris}&name=Paris+night+shift")).await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    let night = group(&db, "Paris night shift").await;
    let body = format!("group={night}&emails=nina%40outside.example&roles[0]=learner");
    let answer = other.call(Some(&ulysse), "/api/invitations/invite", &body).await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
}

/// R83: the login limits (R45) are counted in the database, so attempts spread over instances
/// add up: the sixth wrong password in a row is refused whichever instance it reaches.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r83_login_limits_count_the_attempts_made_on_every_instance() {
    use app::backend::auth::PAIR_LIMIT;
    let db = testing::postgres().await;
    let password = demo(&db).await;
    let instances = [Instance::start(&db.url, &[]).await, Instance::start(&db.url, &[]).await];
    let wrong = "login=owner%40northwind.example&password=not-the-password";
    for attempt in 0..PAIR_LIMIT.max_hits as usize {
        let answer = instances[attempt % 2].call(None, "/api/login", wrong).await.unwrap();
        assert_eq!(answer.status, 401, "attempt {attempt}: {}", answer.body);
    }
    for instance in &instances {
        let answer = instance.call(None, "/api/login", wrong).await.unwrap();
        assert_eq!(answer.status, 429, "{}", answer.body);
        assert!(answer.headers.contains_key(http::header::RETRY_AFTER));
        let right = format!("login=owner%40northwind.example&password={password}");
        assert_eq!(instance.call(None, "/api/login", &right).await.unwrap().status, 429, "even the right password waits");
    }
}

/// R42 and R83: every instance runs the deletion round each minute; started together, three
/// instances delete each due account once and queue each warning once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r83_three_instances_run_the_deletion_round_and_delete_each_account_once() {
    let db = testing::postgres().await;
    testing::acme(&db, Lang::En).await;
    for i in 0..30 {
        testing::insert_user(&db, &format!("due{i}@example.com"), None).await;
    }
    for i in 0..10 {
        testing::insert_user(&db, &format!("soon{i}@example.com"), None).await;
    }
    sqlx::query("UPDATE users SET deletion_date = '2020-01-01' WHERE email LIKE 'due%'").execute(&db.pool).await.unwrap();
    let in_three_days = "UPDATE users SET deletion_date = to_char((now() AT TIME ZONE 'UTC')::date + 3, 'YYYY-MM-DD') WHERE email LIKE 'soon%'";
    sqlx::query(in_three_days).execute(&db.pool).await.unwrap();

    let _instances: Vec<Instance> = (0..3).map(|_| Instance::spawn(&db.url, &[])).collect();
    until(Duration::from_secs(60), "the due accounts deleted", || async { count(&db, "SELECT COUNT(*) FROM users WHERE deleted_at IS NOT NULL").await == 30 }).await;
    until(Duration::from_secs(60), "the warnings queued", || async { count(&db, "SELECT COUNT(*) FROM outbox_emails WHERE kind = 'deletion_warning'").await >= 10 }).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(count(&db, "SELECT COUNT(*) FROM audit_log WHERE action = 'user_deleted'").await, 30, "each account deleted once");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM outbox_emails WHERE kind = 'deletion_warning'").await, 10, "each warning queued once");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM users WHERE email LIKE 'soon%'").await, 10, "not before their date");
}

/// R37 and R83: an import is taken by one instance; when that instance dies, another finishes
/// it from its last committed part: every row written once, every email queued once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r83_an_import_left_by_a_dead_instance_is_finished_by_another() {
    use app::backend::batch::job;
    use app::domain::batch::{Defaults, Mode};
    use app::domain::capability::AddUsersSomewhere;
    use app::domain::role::Role;

    const ROWS: i64 = 20_000;
    let db = testing::postgres().await;
    let acme = testing::acme(&db, Lang::En).await;
    let owner = testing::principal_of(&db, "owner@acme.example", &acme.owner_password).await;
    let importing = owner.require(AddUsersSomewhere).unwrap();
    let file: String = std::iter::once("email\n".to_string()).chain((0..ROWS).map(|i| format!("learner{i}@example.com\n"))).collect();
    let defaults = Defaults { groups: vec![owner.platform_group_id()], roles: vec![Role::Learner], language: None };
    let id = job::upload(&db, &importing, &Default::default(), "learners.csv", file.as_bytes()).await.unwrap();
    sqlx::query("UPDATE platform SET platform_invitation_emails_per_hour = 1000000").execute(&db.pool).await.unwrap();
    job::start(&db, &importing, &Who { actor: Some(owner.user_id), ..Who::default() }, id, Mode::Invite, &defaults, false).await.unwrap();

    let mut first = Instance::start(&db.url, &[]).await;
    until(Duration::from_secs(60), "the first instance takes the import up", || async { count(&db, "SELECT rows_done FROM import_jobs").await > 0 }).await;
    let _second = Instance::start(&db.url, &[]).await;
    first.kill();
    let done = count(&db, "SELECT rows_done FROM import_jobs").await;
    assert!(done < ROWS, "killed part way ({done} rows done)");
    until(Duration::from_secs(120), "the other instance finishes the import", || async { count(&db, "SELECT COUNT(*) FROM import_jobs WHERE status = 'done'").await == 1 }).await;
    assert_eq!(count(&db, "SELECT rows_new FROM import_jobs").await, ROWS);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM invitations").await, ROWS);
    assert_eq!(count(&db, "SELECT COUNT(DISTINCT email_key) FROM invitations").await, ROWS);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM outbox_emails").await, ROWS, "one email per row");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM audit_log WHERE action = 'import_done'").await, 1);
}

/// R83: `--role web` serves and runs no job; `--role worker` runs the jobs and serves only its
/// health check. An invitation made on the web instance is sent by the worker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r83_web_instances_serve_and_worker_instances_send() {
    let db = testing::postgres().await;
    let password = demo(&db).await;
    let smtp = smtp_url();
    let web = Instance::start(&db.url, &[("ROSTER_ROLE", "web"), ("SMTP_URL", smtp.as_str())]).await;
    let owner = web.log_in("owner@northwind.example", &password).await;
    let prefix = fresh_prefix("roles");
    let body = format!("group={}&emails={}&roles[0]=learner", group(&db, "Paris office").await, super::encode(&format!("{prefix}0@example.com")));
    let answer = web.call(Some(&owner), "/api/invitations/invite", &body).await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(count(&db, "SELECT COUNT(*) FROM outbox_emails WHERE status = 'queued'").await, 1, "the web instance sends nothing");

    let worker = Instance::start(&db.url, &[("ROSTER_ROLE", "worker"), ("SMTP_URL", smtp.as_str())]).await;
    until(Duration::from_secs(30), "the worker sends the invitation", || async { count(&db, "SELECT COUNT(*) FROM outbox_emails WHERE status = 'sent'").await == 1 }).await;
    assert_eq!(maildev_received(&prefix).await.len(), 1);
    let address = format!("127.0.0.1:{}", worker.port);
    assert_eq!(super::get(&address, "/healthz").await.unwrap().status, 200);
    assert_eq!(super::get(&address, "/login").await.unwrap().status, 404, "a worker serves no page");
    assert!(!web.log().contains("outbox round") && worker.log().contains("outbox round"));
}
