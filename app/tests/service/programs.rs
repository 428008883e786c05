//! Service tests of programs, sessions and enrollment (R30, R31), on SQLite and PostgreSQL.

use app::backend::audit::Who;
use app::backend::programs::{self, NewSession};
use app::backend::testing::{self, hasher, TestDb};
use app::backend::tree::TreeCache;
use app::backend::{auth, groups, Principal};
use app::domain::role::Role;
use app::error::AppError;
use app::i18n::Msg;
use app::domain::capability::{AddToGroup, InviteFromSession, ManageGroup, ManageSession, ManageSessions, ManageSessionsSomewhere};
use crate::support::{permit, session_permit};

app::on_both_databases!(
    r31_r74_assigning_a_session_enrolls_and_emails_the_groups_learners_now_and_later,
    r74_session_emails_go_with_the_enrollment_that_causes_them_only,
    sessions_refuse_bad_names_and_dates,
    r30_a_session_is_seen_by_those_who_run_it_and_its_learners_only,
    r30_r31_an_existing_user_picked_from_a_session_is_a_learner_enrolled_and_emailed_once,
);

async fn setup(db: &TestDb) -> (Who, Principal, i64, i64, i64) {
    let acme = testing::acme(db, app::i18n::Lang::En).await;
    let owner = testing::principal_of(db, "owner@acme.example", &acme.owner_password).await;
    let who = Who { actor: Some(acme.owner), ..Who::default() };
    let sales = groups::create_subgroup(db, &permit(db, &owner, ManageGroup(acme.root)).await, &who, "Sales", false).await.unwrap();
    let emea = groups::create_subgroup(db, &permit(db, &owner, ManageGroup(sales)).await, &who, "EMEA", true).await.unwrap();
    let program = programs::create_program(db, &permit(db, &owner, ManageSessionsSomewhere).await, &who, "Onboarding").await.unwrap();
    (who, owner, sales, emea, program)
}

/// A platform administrator who has chosen their password, signed in.
async fn platform_admin(db: &TestDb, owner: &Principal) -> Principal {
    let hash = hasher().hash("a long test password").await.unwrap();
    let admin = testing::insert_user(db, "pa@acme.example", Some(&hash)).await;
    let root = app::backend::tree::group_tree(db).await.unwrap().root().unwrap();
    groups::add_member(db, crate::support::settings(), &permit(db, owner, AddToGroup::new(root, &[Role::Admin])).await, &Who::default(), admin).await.unwrap();
    testing::principal_of(db, "pa@acme.example", "a long test password").await
}

async fn user(db: &TestDb, email: &str) -> i64 {
    testing::insert_user(db, email, None).await
}

async fn enrolled(db: &TestDb, session: i64) -> Vec<i64> {
    sqlx::query_scalar("SELECT user_id FROM enrollments WHERE session_id = $1 ORDER BY user_id").bind(session).fetch_all(&db.pool).await.unwrap()
}

fn new_session<'a>(program: i64, name: &'a str, starts_on: &'a str, ends_on: &'a str) -> NewSession<'a> {
    NewSession { program, name, starts_on, ends_on }
}

/// The session emails queued so far, as (session, user) in order.
async fn session_emails(db: &TestDb) -> Vec<(String, Option<i64>)> {
    sqlx::query_as("SELECT dedupe_key, user_id FROM outbox_emails WHERE kind = 'session_invitation' ORDER BY id").fetch_all(&db.pool).await.unwrap()
}

fn emailed(session: i64, user: i64) -> (String, Option<i64>) {
    (format!("session:{session}:user:{user}"), Some(user))
}

async fn r31_r74_assigning_a_session_enrolls_and_emails_the_groups_learners_now_and_later(db: TestDb) {
    let (who, owner, sales, emea, program) = setup(&db).await;
    let settings = crate::support::settings();
    let session = programs::create_session(&db, &permit(&db, &owner, ManageSessions(sales)).await, &who, new_session(program, "Spring", "2026-03-02", "2026-04-24")).await.unwrap();
    let early = user(&db, "early@acme.example").await;
    groups::add_member(&db, settings, &permit(&db, &owner, AddToGroup::new(sales, &[Role::Learner])).await, &who, early).await.unwrap();
    let coach = user(&db, "coach@acme.example").await;
    groups::add_member(&db, settings, &permit(&db, &owner, AddToGroup::new(sales, &[Role::Coach])).await, &who, coach).await.unwrap();
    assert!(enrolled(&db, session).await.is_empty(), "not assigned yet");
    programs::assign_group(&db, settings, &session_permit(&db, &owner, session, ManageSession).await, &permit(&db, &owner, ManageSessions(sales)).await, &who).await.unwrap();
    assert_eq!(enrolled(&db, session).await, vec![early], "learners now; not the coach");
    assert_eq!(session_emails(&db).await, vec![emailed(session, early)], "the assignment emails the learners it enrolls, at once");
    // A later learner of EMEA climbs to Sales (R10), is enrolled by that (R31) and emailed then.
    let later = user(&db, "later@acme.example").await;
    groups::add_member(&db, settings, &permit(&db, &owner, AddToGroup::new(emea, &[Role::Learner])).await, &who, later).await.unwrap();
    assert_eq!(enrolled(&db, session).await, vec![early, later]);
    assert_eq!(session_emails(&db).await, vec![emailed(session, early), emailed(session, later)]);
    // Assigning twice, adding again: nothing changes, nothing is sent twice.
    programs::assign_group(&db, settings, &session_permit(&db, &owner, session, ManageSession).await, &permit(&db, &owner, ManageSessions(sales)).await, &who).await.unwrap();
    groups::add_member(&db, settings, &permit(&db, &owner, AddToGroup::new(sales, &[Role::Learner])).await, &who, later).await.unwrap();
    assert_eq!(enrolled(&db, session).await, vec![early, later]);
    assert_eq!(session_emails(&db).await, vec![emailed(session, early), emailed(session, later)]);
    let text: String = sqlx::query_scalar(&format!("SELECT {} FROM outbox_emails WHERE user_id = $1 AND kind = 'session_invitation'", app::backend::mail::DELIVERED_TEXT))
        .bind(later)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(text.contains("Spring") && text.contains(&format!("https://learn.acme.example/sessions/{session}")), "{text}");
}

/// R31, R40: a learner without email is enrolled and sent nothing; an enrollment made before
/// (without its email) is not announced by some later, unrelated change.
async fn r74_session_emails_go_with_the_enrollment_that_causes_them_only(db: TestDb) {
    let (who, owner, sales, emea, program) = setup(&db).await;
    let settings = crate::support::settings();
    let session = programs::create_session(&db, &permit(&db, &owner, ManageSessions(emea)).await, &who, new_session(program, "Spring", "", "")).await.unwrap();
    programs::assign_group(&db, settings, &session_permit(&db, &owner, session, ManageSession).await, &permit(&db, &owner, ManageSessions(emea)).await, &who).await.unwrap();
    let kiosk: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, username_key, first_name, last_name, status, created_at) VALUES ('kiosk', 'kiosk', 'K', 'L', 'active', 0) RETURNING id",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    groups::add_member(&db, settings, &permit(&db, &owner, AddToGroup::new(emea, &[Role::Learner])).await, &who, kiosk).await.unwrap();
    assert_eq!(enrolled(&db, session).await, vec![kiosk]);
    assert!(session_emails(&db).await.is_empty(), "R40: no email without an address");
    let old = user(&db, "old@acme.example").await;
    sqlx::query("INSERT INTO enrollments (session_id, user_id, created_at) VALUES ($1, $2, 0)").bind(session).bind(old).execute(&db.pool).await.unwrap();
    groups::add_member(&db, settings, &permit(&db, &owner, AddToGroup::new(sales, &[Role::Author])).await, &who, old).await.unwrap();
    assert!(session_emails(&db).await.is_empty(), "an unrelated change sends no session email");
}

async fn sessions_refuse_bad_names_and_dates(db: TestDb) {
    let (who, owner, sales, _, program) = setup(&db).await;
    let refused = |r: Result<i64, AppError>, field: &str| match r {
        Err(e) => e.for_field(field).cloned(),
        Ok(_) => None,
    };
    assert_eq!(refused(programs::create_session(&db, &permit(&db, &owner, ManageSessions(sales)).await, &who, new_session(program, " ", "", "")).await, "name"), Some(Msg::Required));
    assert_eq!(refused(programs::create_session(&db, &permit(&db, &owner, ManageSessions(sales)).await, &who, new_session(program, "S", "2026-02-30", "")).await, "starts_on"), Some(Msg::InvalidDate));
    assert_eq!(
        refused(programs::create_session(&db, &permit(&db, &owner, ManageSessions(sales)).await, &who, new_session(program, "S", "2026-05-01", "2026-04-01")).await, "ends_on"),
        Some(Msg::EndsBeforeStart)
    );
    assert!(matches!(programs::create_session(&db, &permit(&db, &owner, ManageSessions(sales)).await, &who, new_session(999, "S", "", "")).await, Err(AppError::NotFound)));
    assert_eq!(refused(programs::create_program(&db, &permit(&db, &owner, ManageSessionsSomewhere).await, &who, "").await, "name"), Some(Msg::Required));
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM program_sessions").fetch_one(&db.pool).await.unwrap();
    assert_eq!(count, 0);
}

async fn r30_a_session_is_seen_by_those_who_run_it_and_its_learners_only(db: TestDb) {
    let (who, owner, sales, emea, program) = setup(&db).await;
    let session = programs::create_session(&db, &permit(&db, &owner, ManageSessions(emea)).await, &who, new_session(program, "Spring", "", "")).await.unwrap();
    programs::assign_group(&db, crate::support::settings(), &session_permit(&db, &owner, session, ManageSession).await, &permit(&db, &owner, ManageSessions(emea)).await, &who).await.unwrap();
    let hash = hasher().hash("a long test password").await.unwrap();
    let learner = testing::insert_user(&db, "l@acme.example", Some(&hash)).await;
    let coach = testing::insert_user(&db, "c@acme.example", Some(&hash)).await;
    let outsider = testing::insert_user(&db, "o@acme.example", Some(&hash)).await;
    groups::add_member(&db, crate::support::settings(), &permit(&db, &owner, AddToGroup::new(emea, &[Role::Learner])).await, &who, learner).await.unwrap();
    groups::add_member(&db, crate::support::settings(), &permit(&db, &owner, AddToGroup::new(sales, &[Role::Coach])).await, &who, coach).await.unwrap();
    groups::add_member(&db, crate::support::settings(), &permit(&db, &owner, AddToGroup::new(sales, &[Role::Author])).await, &who, outsider).await.unwrap();
    let principal_of = |email: &'static str| {
        let db = db.db.clone();
        async move {
            let attempt = auth::LoginAttempt { login: email, password: "a long test password", ip: None, user_agent: None, previous_token: None, device_token: None };
            let token = auth::log_in(&db, &hasher(), attempt).await.unwrap().token;
            Principal::load(&db, &TreeCache::default(), &token, None).await.unwrap().unwrap()
        }
    };
    let as_coach = programs::session_view(&db, &principal_of("c@acme.example").await, session).await.unwrap();
    assert!(as_coach.may_manage, "R53: a coach of a group above runs its sessions");
    assert_eq!(as_coach.learners.unwrap().iter().map(|p| p.user_id).collect::<Vec<_>>(), vec![learner]);
    let as_learner = programs::session_view(&db, &principal_of("l@acme.example").await, session).await.unwrap();
    assert!(!as_learner.may_manage && as_learner.learners.is_none() && as_learner.learner_count == 1);
    assert!(matches!(programs::session_view(&db, &principal_of("o@acme.example").await, session).await, Err(AppError::NotFound)));
}

async fn r30_r31_an_existing_user_picked_from_a_session_is_a_learner_enrolled_and_emailed_once(db: TestDb) {
    let (who, owner, sales, emea, program) = setup(&db).await;
    let session = programs::create_session(&db, &permit(&db, &owner, ManageSessions(emea)).await, &who, programs::NewSession { program, name: "Spring", starts_on: "", ends_on: "" }).await.unwrap();
    let ada = user(&db, "ada@acme.example").await;
    let settings = app::backend::Settings::new("https://learn.acme.example");
    let session_ref = programs::session_ref(&db, session).await.unwrap();
    let admin = platform_admin(&db, &owner).await;
    for _ in 0..2 {
        programs::add_existing_learner(&db, &settings, &permit(&db, &admin, InviteFromSession(session_ref)).await, &who, "ADA@acme.example").await.unwrap();
    }
    let memberships: Vec<(i64, String)> = sqlx::query_as("SELECT group_id, role FROM memberships WHERE user_id = $1 ORDER BY group_id").bind(ada).fetch_all(&db.pool).await.unwrap();
    assert_eq!(memberships, vec![(sales, "learner".to_string()), (emea, "learner".to_string())], "R10: climbs from the public EMEA to Sales");
    let enrolled: Vec<i64> = sqlx::query_scalar("SELECT session_id FROM enrollments WHERE user_id = $1").bind(ada).fetch_all(&db.pool).await.unwrap();
    assert_eq!(enrolled, vec![session]);
    let emails: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox_emails WHERE user_id = $1 AND kind = 'session_invitation'").bind(ada).fetch_one(&db.pool).await.unwrap();
    assert_eq!(emails, 1, "one email per session, whatever the repeats");
    let unknown = programs::add_existing_learner(&db, &settings, &permit(&db, &admin, InviteFromSession(session_ref)).await, &who, "nobody@acme.example").await;
    assert!(matches!(unknown, Err(app::error::AppError::Invalid(_))), "an unknown login is a message at the field");
}
