//! Crashes that lose nothing (R82, R83): instances killed with `kill -9` while they send emails
//! and while people register or are set up, and PostgreSQL restarted under load.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use app::backend::{testing, Db};
use app::error::AppError;
use app::i18n::Lang;
use server::config::SMTP_CONNECTIONS;

use super::cluster::{demo, fresh_prefix, queue_emails};
use super::{call, count, encode, get, maildev_received, smtp_url, until, Answer, Instance};

/// R82: two instances send 2,000 emails while one or the other is killed with `kill -9`, 20
/// times, each time while emails are going out. No email is lost; an email is sent twice only
/// if its instance died between the SMTP server's answer and its record — at most one per SMTP
/// connection per kill; the emails a dead instance had claimed go out once its lease lapses.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r82_kill_9_while_sending_loses_no_email_and_repeats_at_most_those_in_flight() {
    const EMAILS: usize = 2_000;
    const KILLS: usize = 20;
    let db = testing::postgres().await;
    testing::acme(&db, Lang::En).await;
    let prefix = fresh_prefix("kill");
    queue_emails(&db, &prefix, EMAILS).await;
    let smtp = smtp_url();
    let env = [("SMTP_URL", smtp.as_str())];
    let mut instances = [Instance::start(&db.url, &env).await, Instance::start(&db.url, &env).await];
    let sent = || count(&db, "SELECT COUNT(*) FROM outbox_emails WHERE status = 'sent'");

    let started = Instant::now();
    let mut at_last_kill = 0;
    for kill in 0..KILLS {
        // Kill while sending goes on: after some email was recorded sent since the last kill.
        until(Duration::from_secs(120), "sending goes on between kills", || async { sent().await > at_last_kill }).await;
        let victim = &mut instances[kill % 2];
        victim.wait_healthy().await;
        victim.kill();
        victim.respawn();
        at_last_kill = sent().await;
        assert!(at_last_kill < EMAILS as i64, "the run ended after {} kills: too quick to kill {KILLS} times", kill + 1);
    }
    let last_kill = Instant::now();
    until(Duration::from_secs(120), "every email sent", || async { sent().await == EMAILS as i64 }).await;
    let taken_over = last_kill.elapsed();

    let received = maildev_received(&prefix).await;
    let lost = EMAILS - received.len();
    let twice: usize = received.values().map(|n| n - 1).sum();
    println!(
        "{EMAILS} emails, {KILLS} kills in {:?}: {lost} lost, {twice} sent twice (at most {} allowed), the last claimed emails sent {taken_over:?} after the last kill",
        last_kill - started,
        KILLS * SMTP_CONNECTIONS
    );
    assert_eq!(lost, 0, "no email lost");
    assert!(twice <= KILLS * SMTP_CONNECTIONS, "{twice} duplicates for {KILLS} kills of {SMTP_CONNECTIONS} connections");
    assert!(taken_over < Duration::from_secs(60), "the dead instances' emails were taken over in {taken_over:?}");
}

/// What must hold however a registration or a set-up was cut short: no account without a
/// membership or without its billing event (R26), no accepted invitation without its account,
/// no account beside a pending invitation for its address.
async fn no_half_made_account(db: &Db, domain: &str) {
    let like = format!("%@{domain}");
    let one = |sql: &'static str| {
        let like = like.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).bind(like).fetch_one(&db.pool).await.unwrap() }
    };
    assert_eq!(one("SELECT COUNT(*) FROM users u WHERE u.email LIKE $1 AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id)").await, 0, "an account without membership");
    assert_eq!(one("SELECT COUNT(*) FROM users u WHERE u.email LIKE $1 AND NOT EXISTS (SELECT 1 FROM billing_events b WHERE b.user_id = u.id)").await, 0, "an account not billed");
    assert_eq!(
        one("SELECT COUNT(*) FROM invitations i WHERE i.email_key LIKE $1 AND i.status = 'accepted' AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = i.accepted_user_id)").await,
        0,
        "an invitation accepted without its account"
    );
    assert_eq!(
        one("SELECT COUNT(*) FROM invitations i JOIN users u ON u.email_key = i.email_key WHERE i.email_key LIKE $1 AND i.status = 'pending'").await,
        0,
        "an account beside a pending invitation"
    );
}

/// R83: `kill -9` of the instance while 20 invitees register and 40 people are set up: every
/// account is whole or absent; once the instance is back, the same requests finish the job.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r83_kill_9_during_registrations_and_set_ups_leaves_no_half_made_account() {
    const DOMAIN: &str = "crash.example";
    let db = testing::postgres().await;
    let password = demo(&db).await;
    let mut instance = Instance::start(&db.url, &[]).await;
    let owner = instance.log_in("owner@northwind.example", &password).await;
    let paris: i64 = sqlx::query_scalar("SELECT id FROM groups WHERE name = 'Paris office'").fetch_one(&db.pool).await.unwrap();

    let invitees: Vec<String> = (0..20).map(|i| format!("invitee{i}@{DOMAIN}")).collect();
    let body = format!("group={paris}&emails={}&roles[0]=learner", encode(&invitees.join("\n")));
    let answer = instance.call(Some(&owner), "/api/invitations/invite", &body).await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    let texts: Vec<(String, String)> = sqlx::query_as(&format!("SELECT to_address, {} FROM outbox_emails WHERE to_address LIKE '%@{DOMAIN}'", app::backend::mail::DELIVERED_TEXT))
        .fetch_all(&db.pool)
        .await
        .unwrap();
    let token_of = |text: &str| text.split_whitespace().find(|w| w.contains("/invitation/")).unwrap().rsplit('/').next().unwrap().to_string();
    let mut calls: Vec<(String, &'static str, String, Option<String>)> = texts
        .iter()
        .map(|(to, text)| (to.clone(), "/api/invitations/register", format!("token={}&first_name=Ivy&last_name=Invitee&password=a+long+enough+secret", token_of(text)), None))
        .collect();
    for i in 0..40 {
        let email = format!("setup{i}@{DOMAIN}");
        let body = format!("form[first_name]=Sam&form[last_name]=Setup&form[email]={}&form[password]=a+long+enough+secret&form[groups][0]={paris}&form[roles][0]=learner", encode(&email));
        calls.push((email, "/api/users/set_up", body, Some(owner.clone())));
    }
    assert_eq!(calls.len(), 60);

    let port = instance.port;
    let fire = |calls: &[(String, &'static str, String, Option<String>)]| -> Vec<tokio::task::JoinHandle<Result<Answer, String>>> {
        calls
            .iter()
            .map(|(_, path, body, cookie)| {
                let (path, body, cookie) = (*path, body.clone(), cookie.clone());
                tokio::spawn(async move { call(port, cookie.as_deref(), path, &body).await })
            })
            .collect()
    };
    let accounts = || count(&db, "SELECT COUNT(*) FROM users WHERE email LIKE '%@crash.example'");
    let in_flight = fire(&calls);
    until(Duration::from_secs(60), "some accounts made", || async { accounts().await >= 5 }).await;
    instance.kill();
    let mut cut = 0;
    for call in in_flight {
        if !matches!(call.await.unwrap(), Ok(ref answer) if answer.status == 200) {
            cut += 1;
        }
    }
    let made = accounts().await;
    assert!(cut > 0 && made < 60, "the kill landed part way ({made} accounts made, {cut} requests cut)");
    no_half_made_account(&db, DOMAIN).await;

    instance.respawn();
    instance.wait_healthy().await;
    let mut left = Vec::new();
    for call in calls {
        let exists: bool = sqlx::query_scalar("SELECT COUNT(*) > 0 FROM users WHERE email = $1").bind(&call.0).fetch_one(&db.pool).await.unwrap();
        if !exists {
            left.push(call);
        }
    }
    for answer in fire(&left) {
        let answer = answer.await.unwrap().unwrap();
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    assert_eq!(accounts().await, 60);
    no_half_made_account(&db, DOMAIN).await;
    assert_eq!(count(&db, "SELECT COUNT(*) FROM billing_events b JOIN users u ON u.id = b.user_id WHERE u.email LIKE '%@crash.example'").await, 60);
}

/// A PostgreSQL server of this test's own, which it may stop and start again.
struct OwnPostgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

impl OwnPostgres {
    fn start() -> OwnPostgres {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL from apt (scripts/setup.sh --test)")
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|p| p.join("initdb").exists())
            .max()
            .expect("PostgreSQL's initdb");
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let postgres = OwnPostgres { dir, bin, port };
        // PostgreSQL refuses to run as root: as root, run it as the postgres user of the package.
        if euid() == 0 {
            let ids = |flag: &str| String::from_utf8(Command::new("id").args([flag, "postgres"]).output().unwrap().stdout).unwrap().trim().parse::<u32>().unwrap();
            std::os::unix::fs::chown(postgres.dir.path(), Some(ids("-u")), Some(ids("-g"))).unwrap();
        }
        postgres.run("initdb", &["-D", &postgres.data(), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]);
        postgres.pg_ctl("start");
        postgres
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let program = self.bin.join(tool);
        let output = if euid() == 0 {
            Command::new("runuser").args(["-u", "postgres", "--"]).arg(&program).args(args).output().unwrap()
        } else {
            Command::new(&program).args(args).output().unwrap()
        };
        assert!(output.status.success(), "{tool} {args:?}: {}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    }

    fn pg_ctl(&self, action: &str) {
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", self.port, self.dir.path().display());
        let log = self.dir.path().join("postgres.log").display().to_string();
        match action {
            "start" => self.run("pg_ctl", &["-D", &self.data(), "-o", &options, "-l", &log, "-w", "start"]),
            _ => self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]),
        }
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = Command::new(self.bin.join("pg_ctl")).args(["-D", &self.data(), "-m", "immediate", "stop"]).output();
        if euid() == 0 {
            let _ = Command::new("runuser").args(["-u", "postgres", "--"]).arg(self.bin.join("pg_ctl")).args(["-D", &self.data(), "-m", "immediate", "stop"]).output();
        }
    }
}

/// This process's user id.
fn euid() -> u32 {
    let output = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8(output.stdout).unwrap().trim().parse().unwrap()
}

/// R83: PostgreSQL stopped for 12 s under a steady load of invitations, then started again.
/// Meanwhile requests wait for a connection up to the pool's 10 s, then fail cleanly (503,
/// Retry-After, "Roster cannot reach its database right now"), the health check says 503; once
/// PostgreSQL is back the same instance serves again without a restart, and every invitation it
/// confirmed is there with its email, sent once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r83_postgresql_restarted_under_load_fails_requests_cleanly_and_the_server_reconnects() {
    let postgres = OwnPostgres::start();
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&postgres.url("postgres")).await.unwrap();
    sqlx::query("CREATE DATABASE roster").execute(&admin).await.unwrap();
    admin.close().await;
    let db = Db::connect(&postgres.url("roster")).await.unwrap();
    db.migrate().await.unwrap();
    let password = demo(&db).await;
    sqlx::query("UPDATE platform SET invitation_emails_per_hour = 100000, invitation_emails_per_day = 100000, platform_invitation_emails_per_hour = 100000")
        .execute(&db.pool)
        .await
        .unwrap();
    let paris: i64 = sqlx::query_scalar("SELECT id FROM groups WHERE name = 'Paris office'").fetch_one(&db.pool).await.unwrap();
    db.pool.close().await;

    let smtp = smtp_url();
    let instance = Instance::start(&postgres.url("roster"), &[("SMTP_URL", smtp.as_str())]).await;
    let owner = instance.log_in("owner@northwind.example", &password).await;
    let prefix = fresh_prefix("restart");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load: Vec<_> = (0..4)
        .map(|worker| {
            let (owner, prefix, stop, port) = (owner.clone(), prefix.clone(), stop.clone(), instance.port);
            tokio::spawn(async move {
                let mut answers: Vec<(String, Result<Answer, String>, Instant)> = Vec::new();
                let mut i = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let email = format!("{prefix}{worker}-{i}@example.com");
                    let body = format!("group={paris}&emails={}&roles[0]=learner", encode(&email));
                    let answer = call(port, Some(&owner), "/api/invitations/invite", &body).await;
                    answers.push((email, answer, Instant::now()));
                    i += 1;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                answers
            })
        })
        .collect();
    let health = || async { get(&format!("127.0.0.1:{}", instance.port), "/healthz").await.map(|a| a.status).unwrap_or(0) };

    tokio::time::sleep(Duration::from_secs(1)).await;
    postgres.pg_ctl("stop");
    let stopped = Instant::now();
    assert_eq!(health().await, 503, "the health check says the database is gone");
    tokio::time::sleep(Duration::from_secs(12).saturating_sub(stopped.elapsed())).await;
    postgres.pg_ctl("start");
    let restarted = Instant::now();
    until(Duration::from_secs(30), "healthy again", || async { health().await == 200 }).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);

    let mut confirmed = Vec::new();
    let (mut refused, mut after_restart_ok, mut after_restart_failed) = (0, 0, 0);
    for worker in load {
        for (email, answer, at) in worker.await.unwrap() {
            let answer = answer.expect("the instance always answers");
            match answer.status {
                200 => {
                    confirmed.push(email);
                    if at > restarted + Duration::from_secs(1) {
                        after_restart_ok += 1;
                    }
                }
                503 => {
                    assert_eq!(serde_json::from_str::<AppError>(&answer.body).unwrap(), AppError::Unavailable, "{}", answer.body);
                    assert!(answer.headers.contains_key(http::header::RETRY_AFTER));
                    assert!(AppError::Unavailable.render(Lang::En).contains("cannot reach its database"));
                    refused += 1;
                    if at > restarted + Duration::from_secs(1) {
                        after_restart_failed += 1;
                    }
                }
                other => panic!("{other}: {}", answer.body),
            }
        }
    }
    println!("{} invitations confirmed, {refused} refused with 503 while PostgreSQL was down", confirmed.len());
    assert!(refused > 0, "requests waited past the pool's 10 s and were refused cleanly");
    assert!(after_restart_ok > 0 && after_restart_failed == 0, "served again after the restart ({after_restart_ok} ok, {after_restart_failed} refused)");

    let db = Db::connect(&postgres.url("roster")).await.unwrap();
    let invited: Vec<String> = sqlx::query_scalar("SELECT email_key FROM invitations WHERE email_key LIKE $1").bind(format!("{prefix}%")).fetch_all(&db.pool).await.unwrap();
    for email in &confirmed {
        assert!(invited.contains(email), "{email} was confirmed and is there");
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM invitations i WHERE NOT EXISTS (SELECT 1 FROM outbox_emails o WHERE o.invitation_id = i.id)").await, 0, "no invitation without its email");
    until(Duration::from_secs(60), "every queued email sent", || async { count(&db, "SELECT COUNT(*) FROM outbox_emails WHERE status <> 'sent'").await == 0 }).await;
    let received: HashMap<String, usize> = maildev_received(&prefix).await;
    assert_eq!(received.len(), invited.len(), "every invitation's email arrived");
    assert!(received.values().all(|&n| n == 1), "once");
}
