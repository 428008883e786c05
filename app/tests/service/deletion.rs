//! Accounts deleted on their deletion date (R42), on SQLite and PostgreSQL. The job's rounds are
//! run at chosen instants, so a test walks through the days before and on the date.

use app::wire::details::{FieldValue, UserDetails};
use app::wire::users::{NewUser, UserFilter};
use app::backend::auth::{self, LoginAttempt};
use app::backend::deletion::{self, Round};
use app::backend::invitations::{self, Inviting};
use app::backend::testing::{self, hasher, TestDb};
use app::backend::{details, programs, users};
use app::domain::role::Role;
use app::error::AppError;
use app::i18n::Lang;
use chrono::{DateTime, Days, NaiveDate, Utc};

use crate::support::token_sent_to;
use app::domain::capability::{AddToGroup, AddUsersSomewhere, AdministerPlatform, ManageSessions, ManageSessionsSomewhere};
use crate::support::permit;

app::on_both_databases!(
    r42_migration_0007_stores_the_deletion_dates_already_typed_as_yyyy_mm_dd,
    r42_warned_a_week_and_a_day_before_then_erased_on_the_day,
    r42_never_the_owner_and_no_email_for_a_user_without_one,
    r42_the_day_begins_at_midnight_in_the_platform_time_zone,
    r42_two_instances_at_once_warn_once_and_delete_once,
    r42_an_invitation_whose_deletion_date_has_come_creates_no_account,
    r54_details_are_changed_by_who_may_and_a_new_date_replaces_the_warnings,
);

use crate::support::Acme as Setup;

async fn setup(db: &TestDb) -> Setup {
    crate::support::acme(db, Lang::En).await
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn day(days_from_today: u64) -> String {
    (today() + Days::new(days_from_today)).format("%Y-%m-%d").to_string()
}

/// Noon UTC, `days` from today.
fn noon_in(days: u64) -> DateTime<Utc> {
    (today() + Days::new(days)).and_hms_opt(12, 0, 0).unwrap().and_utc()
}

fn user_form(first: &str, login: &str, group: i64, roles: Vec<Role>, deletion_date: &str) -> NewUser {
    let details = UserDetails { deletion_date: Some(deletion_date.into()), ..Default::default() };
    let (email, username) = if login.contains('@') { (login.into(), String::new()) } else { (String::new(), login.into()) };
    NewUser {
        first_name: first.into(),
        last_name: "Temp".into(),
        email,
        username,
        without_email: !login.contains('@'),
        password: "a long enough password".into(),
        groups: vec![group],
        roles,
        details,
        ..NewUser::default()
    }
}

async fn set_up(db: &TestDb, s: &Setup, form: &NewUser) -> i64 {
    users::set_up(db, &s.settings, &hasher(), &permit(db, &s.owner, AddUsersSomewhere).await, &s.who, form).await.unwrap().user_id
}

async fn round(db: &TestDb, s: &Setup, at: DateTime<Utc>) -> Round {
    deletion::run_once(db, &s.settings, at).await.unwrap()
}

fn registration(token: &str) -> invitations::Registration<'_> {
    invitations::Registration { token, first_name: "Ivan", last_name: "Temp", password: "a long enough password", ip: None, user_agent: None, previous_session: None }
}

async fn scalar(db: &TestDb, sql: &str, user: i64) -> i64 {
    sqlx::query_scalar(sql).bind(user).fetch_one(&db.pool).await.unwrap()
}

async fn log_in(db: &TestDb, login: &str) -> Result<auth::LoggedIn, AppError> {
    auth::log_in(db, &hasher(), LoginAttempt { login, password: "a long enough password", ip: None, user_agent: None, previous_token: None, device_token: None }).await
}

async fn r42_warned_a_week_and_a_day_before_then_erased_on_the_day(db: TestDb) {
    let s = setup(&db).await;
    let date = day(10);
    // Grace has a label, a custom value and a session (Sales learners are enrolled, R31).
    details::create(&db, &permit(&db, &s.owner, AdministerPlatform).await, &s.who, details::Kind::Label, "Contractor", Default::default()).await.unwrap();
    details::create(&db, &permit(&db, &s.owner, AdministerPlatform).await, &s.who, details::Kind::Field, "Employee ID", Default::default()).await.unwrap();
    let label: i64 = sqlx::query_scalar("SELECT id FROM labels").fetch_one(&db.pool).await.unwrap();
    let field: i64 = sqlx::query_scalar("SELECT id FROM custom_fields").fetch_one(&db.pool).await.unwrap();
    let program = programs::create_program(&db, &permit(&db, &s.owner, ManageSessionsSomewhere).await, &s.who, "Onboarding").await.unwrap();
    let session = programs::NewSession { program, name: "Spring", starts_on: "", ends_on: "" };
    programs::create_session(&db, &permit(&db, &s.owner, ManageSessions(s.sales)).await, &s.who, session).await.unwrap();
    let mut form = user_form("Grace", "grace@acme.example", s.sales, vec![Role::Admin, Role::Learner], &date);
    form.details.labels = vec![label];
    form.details.values = vec![FieldValue { field, value: "G-7".into() }];
    let grace = set_up(&db, &s, &form).await;
    // Ivan comes by invitation, with the same date.
    let by_invitation = UserDetails { deletion_date: Some(date.clone()), ..Default::default() };
    invitations::invite(&db, &s.settings, Inviting::ToGroup(&permit(&db, &s.owner, AddToGroup::new(s.sales, &[Role::Learner])).await), &s.who, "ivan@acme.example", &by_invitation).await.unwrap();
    let ivan = invitations::accept(&db, &s.settings, &hasher(), registration(&token_sent_to(&db, "ivan@acme.example").await)).await.unwrap().user_id;
    log_in(&db, "grace@acme.example").await.unwrap();
    // Grace invites someone who has not registered yet by the date.
    let grace_principal = testing::principal_of(&db, "grace@acme.example", "a long enough password").await;
    invitations::invite(&db, &s.settings, Inviting::ToGroup(&permit(&db, &grace_principal, AddToGroup::new(s.sales, &[Role::Learner])).await), &s.who, "newcomer@acme.example", &Default::default()).await.unwrap();

    assert_eq!(round(&db, &s, noon_in(0)).await, Round::default(), "ten days ahead: nothing yet");
    assert_eq!(round(&db, &s, noon_in(3)).await, Round { warnings_queued: 2, ..Default::default() }, "within a week: the first warnings");
    assert_eq!(round(&db, &s, noon_in(4)).await, Round::default(), "sent once");
    let (subject, text): (String, String) =
        sqlx::query_as("SELECT subject, body_text FROM outbox_emails WHERE kind = 'deletion_warning' AND user_id = $1").bind(grace).fetch_one(&db.pool).await.unwrap();
    assert_eq!(subject, format!("Your account on Acme will be deleted on {date}"));
    assert!(text.contains("at 00:00 (UTC)") && text.contains("https://learn.acme.example/login"), "{text}");
    assert_eq!(round(&db, &s, noon_in(9)).await, Round { warnings_queued: 2, ..Default::default() }, "the day before: the last warnings");
    assert_eq!(round(&db, &s, noon_in(9)).await, Round::default());
    log_in(&db, "grace@acme.example").await.expect("still there the day before");

    assert_eq!(round(&db, &s, noon_in(10)).await, Round { deleted: 2, ..Default::default() }, "on the day: deleted");
    assert_eq!(round(&db, &s, noon_in(11)).await, Round::default(), "deleted once");
    let (first, last, email, username, password): (String, String, Option<String>, Option<String>, Option<String>) =
        sqlx::query_as("SELECT first_name, last_name, email, username, password_hash FROM users WHERE id = $1").bind(grace).fetch_one(&db.pool).await.unwrap();
    assert_eq!((first.as_str(), last.as_str(), email, password), ("", "", None, None), "the person is erased");
    assert!(username.unwrap().starts_with('#'), "a username no one can type keeps the row valid");
    assert!(log_in(&db, "grace@acme.example").await.is_err());
    for table in ["memberships", "auth_sessions", "outbox_emails", "enrollments", "user_labels", "user_custom_values"] {
        for user in [grace, ivan] {
            assert_eq!(scalar(&db, &format!("SELECT COUNT(*) FROM {table} WHERE user_id = $1"), user).await, 0, "{table}");
        }
    }
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM invitations WHERE accepted_user_id = $1", ivan).await, 0, "the invitation he accepted");
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox_emails WHERE to_address LIKE '%ivan%'").fetch_one(&db.pool).await.unwrap();
    assert_eq!(kept, 0, "no email keeps his address, the invitation's included");
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM billing_events WHERE user_id = $1", grace).await, 1, "the billing history stays");
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM audit_log WHERE action = 'user_deleted' AND target_id = $1", grace).await, 1);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM invitations WHERE invited_by = $1 AND status = 'pending'", grace).await, 0, "her invitations would grant nothing (R24)");
    assert!(matches!(users::detail(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, grace).await, Err(AppError::NotFound)), "gone from the user page");
    let listed = users::list(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, &UserFilter { search: "temp".into(), ..Default::default() }, Default::default()).await.unwrap();
    assert!(listed.rows.is_empty(), "gone from Dashboard > USERS");
    // The address is free again.
    let again = user_form("Grace", "grace@acme.example", s.sales, vec![Role::Learner], &day(30));
    users::set_up(&db, &s.settings, &hasher(), &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, &again).await.expect("the address can be used again");
}

async fn r42_never_the_owner_and_no_email_for_a_user_without_one(db: TestDb) {
    let s = setup(&db).await;
    let kid = set_up(&db, &s, &user_form("Kid", "kid.temp", s.sales, vec![Role::Learner], &day(1))).await;
    sqlx::query("UPDATE users SET deletion_date = $1 WHERE id = $2").bind(day(0)).bind(s.owner.user_id).execute(&db.pool).await.unwrap();
    assert_eq!(round(&db, &s, noon_in(0)).await, Round::default(), "R40: no warning for a user without email; never the owner");
    assert_eq!(round(&db, &s, noon_in(1)).await, Round { deleted: 1, ..Default::default() });
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM users WHERE id = $1 AND deleted_at IS NOT NULL", kid).await, 1);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM users WHERE id = $1 AND deleted_at IS NULL", s.owner.user_id).await, 1, "never the owner");
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM outbox_emails WHERE user_id = $1", s.owner.user_id).await, 0);
}

async fn r42_the_day_begins_at_midnight_in_the_platform_time_zone(db: TestDb) {
    let s = setup(&db).await;
    let date = day(2);
    let user = set_up(&db, &s, &user_form("Zoe", "zoe@acme.example", s.sales, vec![Role::Learner], &date)).await;
    // 10:00 UTC the day before the date: 02:00 that day in Los Angeles, already the date in Kiritimati (UTC+14).
    let at = (today() + Days::new(1)).and_hms_opt(10, 0, 0).unwrap().and_utc();
    let set_zone = |zone: &'static str| sqlx::query("UPDATE platform SET time_zone = $1").bind(zone).execute(&db.pool);
    set_zone("America/Los_Angeles").await.unwrap();
    assert_eq!(round(&db, &s, at).await, Round { warnings_queued: 1, ..Default::default() }, "the day before in Los Angeles");
    let text: String = sqlx::query_scalar("SELECT body_text FROM outbox_emails WHERE user_id = $1").bind(user).fetch_one(&db.pool).await.unwrap();
    assert!(text.contains("(America/Los_Angeles)"), "{text}");
    set_zone("Pacific/Kiritimati").await.unwrap();
    assert_eq!(round(&db, &s, at).await, Round { deleted: 1, ..Default::default() }, "already the date in Kiritimati");
}

async fn r42_two_instances_at_once_warn_once_and_delete_once(db: TestDb) {
    let s = setup(&db).await;
    for i in 0..10 {
        set_up(&db, &s, &user_form("Temp", &format!("temp{i}@acme.example"), s.sales, vec![Role::Learner], &day(1))).await;
    }
    let count = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql).fetch_one(&db.pool);
    let (a, b) = tokio::join!(round(&db, &s, noon_in(0)), round(&db, &s, noon_in(0)));
    assert_eq!(a.warnings_queued + b.warnings_queued, 10, "{a:?} {b:?}");
    assert_eq!(count("SELECT COUNT(*) FROM outbox_emails WHERE kind = 'deletion_warning'").await.unwrap(), 10, "one last warning each");
    let (a, b) = tokio::join!(round(&db, &s, noon_in(1)), round(&db, &s, noon_in(1)));
    assert_eq!(a.deleted + b.deleted, 10, "{a:?} {b:?}");
    assert_eq!(count("SELECT COUNT(*) FROM audit_log WHERE action = 'user_deleted'").await.unwrap(), 10);
}

async fn r42_an_invitation_whose_deletion_date_has_come_creates_no_account(db: TestDb) {
    let s = setup(&db).await;
    let details = UserDetails { deletion_date: Some(day(1)), ..Default::default() };
    invitations::invite(&db, &s.settings, Inviting::ToGroup(&permit(&db, &s.owner, AddToGroup::new(s.sales, &[Role::Learner])).await), &s.who, "late@acme.example", &details).await.unwrap();
    // A day later (the invitation is still valid for six more).
    sqlx::query("UPDATE invitations SET deletion_date = $1").bind(day(0)).execute(&db.pool).await.unwrap();
    let token = token_sent_to(&db, "late@acme.example").await;
    let accepted = invitations::accept(&db, &s.settings, &hasher(), registration(&token)).await;
    assert!(matches!(accepted, Err(AppError::NotFound)), "R23's page: {accepted:?}");
    // The next round cancels it: it leaves the Invitations list.
    assert_eq!(round(&db, &s, noon_in(0)).await, Round { invitations_cancelled: 1, ..Default::default() });
    let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invitations WHERE status = 'pending'").fetch_one(&db.pool).await.unwrap();
    assert_eq!(pending, 0);
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email_key = 'late@acme.example'").fetch_one(&db.pool).await.unwrap();
    let billed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM billing_events").fetch_one(&db.pool).await.unwrap();
    assert_eq!((users, billed), (0, 0));
}

async fn r54_details_are_changed_by_who_may_and_a_new_date_replaces_the_warnings(db: TestDb) {
    let s = setup(&db).await;
    let user = set_up(&db, &s, &user_form("Ivy", "ivy@acme.example", s.sales, vec![Role::Learner], &day(5))).await;
    set_up(&db, &s, &user_form("Cody", "cody@acme.example", s.sales, vec![Role::Coach], &day(300))).await;
    assert_eq!(round(&db, &s, noon_in(0)).await, Round { warnings_queued: 1, ..Default::default() }, "five days ahead: warned");

    // A coach does not even see the learner (R62), let alone change her details (R54): no permit
    // to manage users at all.
    let cody = testing::principal_of(&db, "cody@acme.example", "a long enough password").await;
    assert!(matches!(cody.require(AddUsersSomewhere), Err(AppError::NotAllowed)));
    let later = UserDetails { language: Some(Lang::Fr), deletion_date: Some(day(60)), ..Default::default() };
    // Bad input: a field message, nothing changes.
    let past = UserDetails { deletion_date: Some(day(0)), ..Default::default() };
    assert!(matches!(users::set_details(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, user, &past).await, Err(AppError::Invalid(_))));
    assert_eq!(users::detail(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, user).await.unwrap().details.deletion_date, Some(day(5)));

    // The owner moves the date two months ahead: the queued warning for the old date goes.
    users::set_details(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, user, &later).await.unwrap();
    let page = users::detail(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, user).await.unwrap();
    assert_eq!((page.details.language, page.details.deletion_date), (Some(Lang::Fr), Some(day(60))));
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM outbox_emails WHERE user_id = $1 AND kind = 'deletion_warning'", user).await, 0);
    assert_eq!(round(&db, &s, noon_in(5)).await, Round::default(), "not deleted on the old date");
    // Cleared: never deleted.
    users::set_details(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, user, &Default::default()).await.unwrap();
    assert_eq!(round(&db, &s, noon_in(90)).await, Round::default(), "a cleared date deletes nothing");
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM users WHERE id = $1 AND deleted_at IS NULL", user).await, 1);
    // R42: never a date on the owner.
    let refused = users::set_details(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, s.owner.user_id, &later).await;
    match refused {
        Err(AppError::Invalid(errors)) => assert_eq!(errors[0].msg, app::i18n::Msg::OwnerNeverDeleted),
        other => panic!("{other:?}"),
    }
}

/// Dates were stored as typed before (issue 9.5): `2099-1-5` compared as text comes after
/// `2099-01-31`, so the account was erased months late. Migration 0007's statements, run on such
/// rows, write them YYYY-MM-DD and leave good ones alone.
async fn r42_migration_0007_stores_the_deletion_dates_already_typed_as_yyyy_mm_dd(db: TestDb) {
    let migration = match db.backend {
        app::backend::db::Backend::Sqlite => include_str!("../../../migrations/sqlite/0007_security.sql"),
        app::backend::db::Backend::Postgres => include_str!("../../../migrations/postgres/0007_security.sql"),
    };
    let typed = ["2099-1-5", "2099-12-5", "2099-1-15", "2099-01-31"];
    for (i, date) in typed.iter().enumerate() {
        let user = testing::insert_user(&db, &format!("typed{i}@acme.example"), None).await;
        sqlx::query("UPDATE users SET deletion_date = $1 WHERE id = $2").bind(date).bind(user).execute(&db.pool).await.unwrap();
    }
    let updates: Vec<String> = migration
        .split(';')
        .map(|statement| statement.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<Vec<_>>().join("\n"))
        .filter(|statement| statement.trim_start().starts_with("UPDATE"))
        .collect();
    assert_eq!(updates.len(), 2, "users and invitations");
    for update in updates {
        sqlx::query(&update).execute(&db.pool).await.unwrap();
    }
    let stored: Vec<String> = sqlx::query_scalar("SELECT deletion_date FROM users WHERE email LIKE 'typed%' ORDER BY email").fetch_all(&db.pool).await.unwrap();
    assert_eq!(stored, ["2099-01-05", "2099-12-05", "2099-01-15", "2099-01-31"]);
}
