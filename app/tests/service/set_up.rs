//! Service tests of setting up users (R25–R28, R31, R40), on SQLite and PostgreSQL.

use std::sync::Arc;

use app::domain::invitation::InviteResult;
use app::domain::account::UserStatus;
use app::wire::users::{NewUser, UserFilter};
use app::backend::auth::{self, LoginAttempt};
use app::backend::invitations::{self, Inviting};
use app::backend::mail::{Delivery, SmtpSender, Worker};
use app::backend::testing::{self, hasher, TestDb};
use app::backend::{groups, users, Principal};
use app::domain::role::Role;
use app::error::AppError;
use app::i18n::{Lang, Msg};
use app::domain::capability::{AddToGroup, AddUsersSomewhere, AdministerPlatform, ManageGroup, ManageSession, ManageSessions, ManageSessionsSomewhere};
use crate::support::{permit, session_permit};

app::on_both_databases!(
    r25_r26_set_up_with_a_password_is_active_billed_and_propagated,
    r27_credentials_are_emailed_billed_when_sent_and_the_password_works_once,
    r27_over_smtp_the_stored_copy_of_the_credentials_loses_the_password,
    r28_an_active_account_or_a_pending_invitation_is_refused_and_nothing_is_created,
    r31_a_set_up_learner_gets_the_session_emails_at_once,
    r40_a_user_without_email_logs_in_with_a_username_and_gets_no_email,
    r1_r3_groups_and_roles_one_may_not_grant_are_refused_at_the_field,
    r2_r3_the_modal_offers_the_groups_one_may_add_users_to,
    double_submission_makes_one_user_one_billing_and_one_email,
    invite_racing_set_up_makes_an_invitation_or_an_account_never_both,
    r39_dashboard_users_filters_by_group_role_and_status_within_what_one_sees,
    r41_the_user_page_shows_memberships_and_emails_and_failed_ones_are_resent,
    r40_an_administrator_sets_the_password_of_a_user_without_email,
    r43_labels_and_custom_values_are_given_at_set_up_and_at_registration,
    r58_new_credentials_replace_the_password_once_a_minute,
    r58_credentials_not_sent_yet_are_withdrawn_when_new_ones_are_sent,
);

use crate::support::Acme as Setup;

async fn setup(db: &TestDb) -> Setup {
    crate::support::acme(db, Lang::En).await
}

fn grace(groups: Vec<i64>, roles: Vec<Role>) -> NewUser {
    NewUser {
        first_name: "Grace".into(),
        last_name: "Hopper".into(),
        email: "Grace@Acme.example".into(),
        password: "compilers all the way".into(),
        groups,
        roles,
        ..NewUser::default()
    }
}

async fn set_up(db: &TestDb, s: &Setup, by: &Principal, form: &NewUser) -> Result<app::wire::users::SetUpDone, AppError> {
    users::set_up(db, &s.settings, &hasher(), &permit(db, by, AddUsersSomewhere).await, &s.who, form).await
}

async fn count(db: &TestDb, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&db.pool).await.unwrap()
}

async fn log_in(db: &TestDb, login: &str, password: &str) -> Result<auth::LoggedIn, AppError> {
    auth::log_in(db, &hasher(), LoginAttempt { login, password, ip: None, user_agent: None, previous_token: None, device_token: None }).await
}

async fn memberships(db: &TestDb, user: i64) -> Vec<(i64, String, Option<i64>)> {
    sqlx::query_as("SELECT group_id, role, propagated_from FROM memberships WHERE user_id = $1 ORDER BY group_id, role")
        .bind(user)
        .fetch_all(&db.pool)
        .await
        .unwrap()
}

fn field(result: Result<impl std::fmt::Debug, AppError>) -> (String, Msg) {
    match result {
        Err(AppError::Invalid(mut errors)) if errors.len() == 1 => {
            let e = errors.remove(0);
            (e.field, e.msg)
        }
        other => panic!("expected one field error, got {other:?}"),
    }
}

async fn r25_r26_set_up_with_a_password_is_active_billed_and_propagated(db: TestDb) {
    let s = setup(&db).await;
    let done = set_up(&db, &s, &s.owner, &grace(vec![s.emea], vec![Role::Learner, Role::Coach])).await.unwrap();
    assert_eq!((done.name.as_str(), done.login.as_str(), done.credentials_sent), ("Grace Hopper", "Grace@Acme.example", false));
    let (status, activated): (String, Option<i64>) = sqlx::query_as("SELECT status, activated_at FROM users WHERE id = $1").bind(done.user_id).fetch_one(&db.pool).await.unwrap();
    assert_eq!(status, "active");
    assert!(activated.is_some());
    // R10: the learner climbs from the public EMEA to the private Sales; the coach role stays.
    assert_eq!(
        memberships(&db, done.user_id).await,
        vec![(s.sales, "learner".into(), Some(s.emea)), (s.emea, "coach".into(), None), (s.emea, "learner".into(), None)]
    );
    let billed: Vec<(i64, String)> = sqlx::query_as("SELECT user_id, reason FROM billing_events").fetch_all(&db.pool).await.unwrap();
    assert_eq!(billed, vec![(done.user_id, "set_up".to_string())], "R26: no email asked for, billed at creation");
    assert_eq!(count(&db, "outbox_emails").await, 0);
    let logged_in = log_in(&db, "grace@acme.example", "compilers all the way").await.unwrap();
    assert!(!logged_in.must_change_password, "R27: the administrator's password is used as is");
    // Audited: who set up whom, where, with which roles, and whether credentials were emailed.
    let (actor, target, details): (Option<i64>, i64, String) =
        sqlx::query_as("SELECT actor_id, target_id, details FROM audit_log WHERE action = 'user_set_up'").fetch_one(&db.pool).await.unwrap();
    assert_eq!((actor, target), (s.who.actor, done.user_id));
    assert_eq!(serde_json::from_str::<serde_json::Value>(&details).unwrap(), serde_json::json!({ "groups": [s.emea], "roles": ["learner", "coach"], "credentials_sent": false }));
}

async fn r27_credentials_are_emailed_billed_when_sent_and_the_password_works_once(db: TestDb) {
    let s = setup(&db).await;
    let details = app::wire::details::UserDetails { language: Some(Lang::Fr), ..Default::default() };
    let form = NewUser { password: String::new(), send_credentials: true, details, ..grace(vec![s.sales], vec![Role::Learner]) };
    let done = set_up(&db, &s, &s.owner, &form).await.unwrap();
    assert!(done.credentials_sent);
    let (to, kind, subject, text): (String, String, String, String) =
        sqlx::query_as(&format!("SELECT to_address, kind, subject, {} FROM outbox_emails", app::backend::mail::DELIVERED_TEXT)).fetch_one(&db.pool).await.unwrap();
    assert_eq!((to.as_str(), kind.as_str(), subject.as_str()), ("Grace@Acme.example", "credentials", "Votre compte sur Acme"), "in the user's language");
    assert!(text.contains("Identifiant: Grace@Acme.example") && text.contains("https://learn.acme.example/login"));
    let password = text.lines().find_map(|l| l.strip_prefix("Mot de passe: ")).expect("the password line").to_string();
    assert_eq!(count(&db, "billing_events").await, 0, "R26: not billed before the email is sent");

    let worker = Worker { db: db.db.clone(), delivery: Delivery::DevelopmentMailbox, batch: 64 };
    assert_eq!(worker.round().await.unwrap().sent, 1);
    let billed: Vec<(i64, String)> = sqlx::query_as("SELECT user_id, reason FROM billing_events").fetch_all(&db.pool).await.unwrap();
    assert_eq!(billed, vec![(done.user_id, "credentials_sent".to_string())]);
    let kept: String = sqlx::query_scalar(&format!("SELECT {} FROM outbox_emails", app::backend::mail::DELIVERED_TEXT)).fetch_one(&db.pool).await.unwrap();
    assert!(kept.contains(&password), "the development mailbox still shows it");

    // The generated password opens one session, which must choose a new password; then it is gone.
    let first = log_in(&db, "grace@acme.example", &password).await.unwrap();
    assert!(first.must_change_password);
    assert_eq!(log_in(&db, "grace@acme.example", &password).await.unwrap_err(), AppError::WrongCredentials, "works once");
    let principal = Principal::load(&db, &Default::default(), &first.token, None).await.unwrap().unwrap();
    assert!(principal.must_change_password);
    auth::change_password(&db, &hasher(), done.user_id, &principal.session, "my own good password").await.unwrap();
    assert!(!log_in(&db, "grace@acme.example", "my own good password").await.unwrap().must_change_password);
    assert_eq!(log_in(&db, "grace@acme.example", &password).await.unwrap_err(), AppError::WrongCredentials);
}

async fn r27_over_smtp_the_stored_copy_of_the_credentials_loses_the_password(db: TestDb) {
    let s = setup(&db).await;
    let form = NewUser { password: String::new(), send_credentials: true, ..grace(vec![s.sales], vec![Role::Learner]) };
    set_up(&db, &s, &s.owner, &form).await.unwrap();
    let text: String = sqlx::query_scalar(&format!("SELECT {} FROM outbox_emails", app::backend::mail::DELIVERED_TEXT)).fetch_one(&db.pool).await.unwrap();
    let password = text.lines().find_map(|l| l.strip_prefix("Password: ")).unwrap().to_string();
    let smtp = std::env::var("ROSTER_TEST_SMTP_URL").expect("ROSTER_TEST_SMTP_URL is not set: run the tests with scripts/test.sh (it starts MailDev)");
    let sender = Arc::new(SmtpSender::new(&smtp, None, "Roster <no-reply@roster.test>", 1).unwrap());
    let worker = Worker { db: db.db.clone(), delivery: Delivery::Smtp(sender), batch: 64 };
    assert_eq!(worker.round().await.unwrap().sent, 1);
    let (status, text, html, secret): (String, String, String, Option<String>) =
        sqlx::query_as("SELECT status, body_text, body_html, secret FROM outbox_emails").fetch_one(&db.pool).await.unwrap();
    assert_eq!((status.as_str(), secret), ("sent", None), "the secret is forgotten once sent");
    assert!(!text.contains(&password) && !html.contains(&password));
    let received = crate::mail::received_by(&std::env::var("ROSTER_TEST_MAILDEV_API").unwrap(), "Grace@Acme.example").await;
    assert!(received.contains(&password), "the email that left carried the password");
    assert_eq!(count(&db, "billing_events").await, 1);
}

async fn r28_an_active_account_or_a_pending_invitation_is_refused_and_nothing_is_created(db: TestDb) {
    let s = setup(&db).await;
    let owner_again = NewUser { email: "OWNER@acme.example".into(), ..grace(vec![s.sales], vec![Role::Learner]) };
    assert_eq!(field(set_up(&db, &s, &s.owner, &owner_again).await), ("email".into(), Msg::ActiveAccountExists));
    invitations::invite(&db, &s.settings, Inviting::ToGroup(&permit(&db, &s.owner, AddToGroup::new(s.sales, &[Role::Learner])).await), &s.who, "grace@acme.example", &Default::default()).await.unwrap();
    assert_eq!(
        field(set_up(&db, &s, &s.owner, &grace(vec![s.sales], vec![Role::Learner])).await),
        ("email".into(), Msg::PendingInvitation { email: "Grace@Acme.example".into() })
    );
    assert_eq!((count(&db, "users").await, count(&db, "billing_events").await, count(&db, "outbox_emails").await), (1, 0, 1), "only the owner and the invitation's email");
}

async fn r31_a_set_up_learner_gets_the_session_emails_at_once(db: TestDb) {
    let s = setup(&db).await;
    let program = app::backend::programs::create_program(&db, &permit(&db, &s.owner, ManageSessionsSomewhere).await, &s.who, "Onboarding").await.unwrap();
    let new = app::backend::programs::NewSession { program, name: "Spring", starts_on: "", ends_on: "" };
    let session = app::backend::programs::create_session(&db, &permit(&db, &s.owner, ManageSessions(s.sales)).await, &s.who, new).await.unwrap();
    app::backend::programs::assign_group(&db, crate::support::settings(), &session_permit(&db, &s.owner, session, ManageSession).await, &permit(&db, &s.owner, ManageSessions(s.sales)).await, &s.who).await.unwrap();
    // A learner of EMEA climbs to Sales, which the session is assigned to.
    let done = set_up(&db, &s, &s.owner, &grace(vec![s.emea], vec![Role::Learner])).await.unwrap();
    let enrolled: Vec<i64> = sqlx::query_scalar("SELECT session_id FROM enrollments WHERE user_id = $1").bind(done.user_id).fetch_all(&db.pool).await.unwrap();
    assert_eq!(enrolled, vec![session]);
    let emails: Vec<(String, String)> = sqlx::query_as("SELECT kind, to_address FROM outbox_emails").fetch_all(&db.pool).await.unwrap();
    assert_eq!(emails, vec![("session_invitation".to_string(), "Grace@Acme.example".to_string())]);
}

async fn r40_a_user_without_email_logs_in_with_a_username_and_gets_no_email(db: TestDb) {
    let s = setup(&db).await;
    let form = NewUser { without_email: true, email: String::new(), username: "GHopper".into(), ..grace(vec![s.sales], vec![Role::Learner]) };
    let done = set_up(&db, &s, &s.owner, &form).await.unwrap();
    assert_eq!(done.login, "GHopper");
    let (email, username_key): (Option<String>, String) = sqlx::query_as("SELECT email, username_key FROM users WHERE id = $1").bind(done.user_id).fetch_one(&db.pool).await.unwrap();
    assert_eq!((email, username_key.as_str()), (None, "ghopper"));
    assert_eq!(count(&db, "outbox_emails").await, 0, "no email, ever");
    assert_eq!(count(&db, "billing_events").await, 1, "billed at creation");
    assert!(log_in(&db, "ghopper", "compilers all the way").await.is_ok());
    let again = NewUser { username: "ghopper".into(), email: "other@acme.example".into(), ..form };
    assert_eq!(field(set_up(&db, &s, &s.owner, &again).await), ("username".into(), Msg::UsernameTaken));
    let credentials = NewUser { username: "other".into(), password: String::new(), send_credentials: true, ..again };
    assert_eq!(field(set_up(&db, &s, &s.owner, &credentials).await), ("send_credentials".into(), Msg::NoEmailForCredentials));
}

async fn user_admin_of(db: &TestDb, s: &Setup, group: i64) -> Principal {
    let hash = hasher().hash("user admin password").await.unwrap();
    let ua = testing::insert_user(db, "ua@acme.example", Some(&hash)).await;
    groups::add_member(db, crate::support::settings(), &permit(db, &s.owner, AddToGroup::new(group, &[Role::UserAdmin])).await, &s.who, ua).await.unwrap();
    testing::principal_of(db, "ua@acme.example", "user admin password").await
}

async fn r1_r3_groups_and_roles_one_may_not_grant_are_refused_at_the_field(db: TestDb) {
    let s = setup(&db).await;
    let ua = user_admin_of(&db, &s, s.emea).await;
    let users_before = count(&db, "users").await;
    assert_eq!(
        field(set_up(&db, &s, &ua, &grace(vec![s.emea, s.sales], vec![Role::Learner])).await),
        ("groups".into(), Msg::MayNotAddIn { groups: "Sales".into() }),
        "R3: below their group only, even if the modal was bypassed"
    );
    assert_eq!(field(set_up(&db, &s, &ua, &grace(vec![s.emea], vec![Role::Coach])).await), ("groups".into(), Msg::MayNotAddIn { groups: "EMEA".into() }), "R3: learners only");
    assert_eq!(field(set_up(&db, &s, &ua, &grace(vec![999_999], vec![Role::Learner])).await), ("groups".into(), Msg::MayNotAddIn { groups: "#999999".into() }));
    assert_eq!(count(&db, "users").await, users_before, "nothing created");
    assert!(set_up(&db, &s, &ua, &grace(vec![s.emea], vec![Role::Learner])).await.is_ok());
}

async fn r2_r3_the_modal_offers_the_groups_one_may_add_users_to(db: TestDb) {
    let s = setup(&db).await;
    let all = users::addable_groups(&permit(&db, &s.owner, AddUsersSomewhere).await);
    assert_eq!(all.role_sets, vec![Role::ALL.to_vec()]);
    let rows: Vec<(i64, Option<i64>, usize)> = all.groups.into_iter().map(|g| (g.id, g.parent, g.role_set)).collect();
    assert_eq!(rows, vec![(s.root, None, 0), (s.sales, Some(s.root), 0), (s.emea, Some(s.sales), 0)], "parents first");
    let ua = user_admin_of(&db, &s, s.emea).await;
    let theirs = users::addable_groups(&permit(&db, &ua, AddUsersSomewhere).await);
    assert_eq!(theirs.role_sets, vec![vec![Role::Learner]]);
    assert_eq!(theirs.groups.iter().map(|g| g.id).collect::<Vec<_>>(), vec![s.emea]);
}

async fn double_submission_makes_one_user_one_billing_and_one_email(db: TestDb) {
    let s = Arc::new(setup(&db).await);
    let db = Arc::new(db);
    for round in 0..20 {
        let form = NewUser { email: format!("twice{round}@acme.example"), password: String::new(), send_credentials: true, ..grace(vec![s.emea], vec![Role::Learner]) };
        let submit = || {
            let (db, s, form) = (db.clone(), s.clone(), form.clone());
            tokio::spawn(async move { users::set_up(&db, &s.settings, &hasher(), &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, &form).await })
        };
        let (a, b) = (submit(), submit());
        let results = [a.await.unwrap(), b.await.unwrap()];
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "round {round}: one winner");
        let loser = results.into_iter().find(Result::is_err).unwrap();
        assert_eq!(field(loser), ("email".into(), Msg::ActiveAccountExists), "round {round}: the second click finds the account");
    }
    let worker = Worker { db: db.db.clone(), delivery: Delivery::DevelopmentMailbox, batch: 64 };
    worker.round().await.unwrap();
    assert_eq!(count(&db, "users").await, 21);
    assert_eq!(count(&db, "outbox_emails").await, 20, "one credentials email each");
    assert_eq!(count(&db, "billing_events").await, 20, "one billing each");
}

async fn invite_racing_set_up_makes_an_invitation_or_an_account_never_both(db: TestDb) {
    let s = Arc::new(setup(&db).await);
    let db = Arc::new(db);
    let (mut invited, mut set) = (0, 0);
    for round in 0..40u64 {
        let email = format!("race{round}@acme.example");
        let invite = {
            let (db, s, email) = (db.clone(), s.clone(), email.clone());
            tokio::spawn(async move {
                // Set up hashes its password first (~20 ms): staggered starts make both orders
                // happen, and many rounds overlap inside the transactions.
                tokio::time::sleep(std::time::Duration::from_micros(round * 1500)).await;
                invitations::invite(&db, &s.settings, Inviting::ToGroup(&permit(&db, &s.owner, AddToGroup::new(s.sales, &[Role::Learner])).await), &s.who, &email, &Default::default()).await
            })
        };
        let setting_up = {
            let (db, s) = (db.clone(), s.clone());
            let form = NewUser { email: email.clone(), ..grace(vec![s.sales], vec![Role::Learner]) };
            tokio::spawn(async move { users::set_up(&db, &s.settings, &hasher(), &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, &form).await })
        };
        let invite = invite.await.unwrap().unwrap().remove(0).result;
        match (invite, setting_up.await.unwrap()) {
            (InviteResult::Invited, Err(e)) => {
                assert_eq!(field(Err::<(), _>(e)).1, Msg::PendingInvitation { email: email.clone() }, "round {round}");
                invited += 1;
            }
            (InviteResult::ActiveAccount { .. }, Ok(_)) => set += 1,
            other => panic!("round {round}: {other:?}"),
        }
        let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invitations WHERE email_key = $1 AND status = 'pending'").bind(&email).fetch_one(&db.pool).await.unwrap();
        let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email_key = $1").bind(&email).fetch_one(&db.pool).await.unwrap();
        assert_eq!(pending + accounts, 1, "round {round}: an invitation or an account, never both");
    }
    println!("invite won {invited} rounds, set up won {set}");
}

async fn r39_dashboard_users_filters_by_group_role_and_status_within_what_one_sees(db: TestDb) {
    let s = setup(&db).await;
    let grace = set_up(&db, &s, &s.owner, &grace(vec![s.emea], vec![Role::Learner, Role::Coach])).await.unwrap().user_id;
    let alan = NewUser { first_name: "Alan".into(), last_name: "Turing".into(), email: "alan@acme.example".into(), password: String::new(), send_credentials: true, ..grace_form(vec![s.sales]) };
    let alan = set_up(&db, &s, &s.owner, &alan).await.unwrap().user_id;
    let ids = |page: app::wire::users::UserList| page.rows.into_iter().map(|r| r.id).collect::<Vec<_>>();
    let list = |filter: UserFilter| {
        let (db, owner) = (&db, &s.owner);
        async move { users::list(db, &permit(db, owner, AddUsersSomewhere).await, &filter, Default::default()).await.unwrap() }
    };
    let everyone = list(UserFilter::default()).await;
    assert_eq!(everyone.total, Some(3), "the owner, Grace and Alan");
    let row = everyone.rows.iter().find(|r| r.id == grace).unwrap();
    assert_eq!(row.groups.iter().map(|g| (g.group.as_str(), g.roles.clone())).collect::<Vec<_>>(), vec![("EMEA", vec![Role::Learner, Role::Coach])], "direct memberships, roles in their order");
    assert_eq!(row.status, UserStatus::Active);
    assert!(row.activated_on.is_some());
    // Sales has Grace (a learner climbed from EMEA) and Alan (direct).
    assert_eq!(ids(list(UserFilter { groups: vec![s.sales], ..UserFilter::default() }).await), vec![grace, alan]);
    assert_eq!(ids(list(UserFilter { groups: vec![s.sales], role: Some(Role::Coach), ..UserFilter::default() }).await), Vec::<i64>::new());
    assert_eq!(ids(list(UserFilter { role: Some(Role::Coach), ..UserFilter::default() }).await), vec![grace]);
    // Alan has credentials he has not used; the owner has not replaced init's password either.
    assert_eq!(ids(list(UserFilter { status: Some(UserStatus::FirstLoginPending), ..UserFilter::default() }).await), vec![s.owner.user_id, alan]);
    // R3: a user admin of EMEA sees the users of EMEA and below only.
    let ua = user_admin_of(&db, &s, s.emea).await;
    let theirs = users::list(&db, &permit(&db, &ua, AddUsersSomewhere).await, &UserFilter::default(), Default::default()).await.unwrap();
    let mut seen = ids(theirs);
    seen.sort();
    assert_eq!(seen, vec![grace, ua.user_id]);
    assert_eq!(users::detail(&db, &permit(&db, &ua, AddUsersSomewhere).await, alan).await.unwrap_err(), AppError::NotFound, "not in their sight");
}

fn grace_form(groups: Vec<i64>) -> NewUser {
    grace(groups, vec![Role::Learner])
}

async fn r41_the_user_page_shows_memberships_and_emails_and_failed_ones_are_resent(db: TestDb) {
    let s = setup(&db).await;
    let form = NewUser { password: String::new(), send_credentials: true, ..grace_form(vec![s.emea]) };
    let user = set_up(&db, &s, &s.owner, &form).await.unwrap().user_id;
    let sender = Arc::new(SmtpSender::new("smtp://127.0.0.1:9", None, "no-reply@roster.test", 1).unwrap());
    let worker = Worker { db: db.db.clone(), delivery: Delivery::Smtp(sender), batch: 64 };
    assert_eq!(worker.round().await.unwrap().retried, 1);
    sqlx::query("UPDATE outbox_emails SET status = 'failed'").execute(&db.pool).await.unwrap();

    let page = users::detail(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, user).await.unwrap();
    let memberships: Vec<(&str, Role, Option<&str>)> = page.memberships.iter().map(|m| (m.group.as_str(), m.role, m.from.as_deref())).collect();
    assert_eq!(memberships, vec![("Sales", Role::Learner, Some("EMEA")), ("EMEA", Role::Learner, None)], "R11: where the propagated one came from");
    assert_eq!(page.status, UserStatus::FirstLoginPending);
    let email = &page.emails[0];
    assert_eq!((email.kind.as_str(), email.status.as_str(), email.attempts), ("credentials", "failed", 1));
    assert!(email.error.as_deref().unwrap().contains("cannot reach 127.0.0.1:9"), "the reason is shown");
    assert!(page.may_manage, "the owner may send her new credentials");

    users::resend_email(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, email.id).await.unwrap();
    let again = users::detail(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, user).await.unwrap();
    assert_eq!((again.emails[0].status.as_str(), again.emails[0].attempts), ("queued", 0));
    assert_eq!(users::resend_email(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, email.id).await.unwrap_err(), AppError::NotFound, "only failed emails are resent");
    let ua = user_admin_of(&db, &s, s.sales).await;
    sqlx::query("UPDATE outbox_emails SET status = 'failed'").execute(&db.pool).await.unwrap();
    let other = NewUser { email: "other@acme.example".into(), ..grace_form(vec![s.root]) };
    let outsider = set_up(&db, &s, &s.owner, &other).await.unwrap().user_id;
    assert_eq!(users::detail(&db, &permit(&db, &ua, AddUsersSomewhere).await, outsider).await.unwrap_err(), AppError::NotFound);
    assert!(users::resend_email(&db, &permit(&db, &ua, AddUsersSomewhere).await, &s.who, email.id).await.is_ok(), "a user admin above her group may");

    // New credentials replace the failed ones: the old email, whose password is dead, is not resent.
    sqlx::query("UPDATE outbox_emails SET status = 'failed'").execute(&db.pool).await.unwrap();
    sqlx::query("UPDATE outbox_emails SET created_at = created_at - 120000").execute(&db.pool).await.unwrap();
    users::send_new_credentials(&db, &s.settings, &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, user).await.unwrap();
    assert_eq!(field(users::resend_email(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, email.id).await), ("email".to_string(), Msg::EmailNoLongerWorks));
    let newest = users::detail(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, user).await.unwrap().emails[0].id;
    sqlx::query("UPDATE outbox_emails SET status = 'failed' WHERE id = $1").bind(newest).execute(&db.pool).await.unwrap();
    users::resend_email(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, newest).await.expect("the newest credentials, still unused, may be resent");
}

async fn r40_an_administrator_sets_the_password_of_a_user_without_email(db: TestDb) {
    let s = setup(&db).await;
    let form = NewUser { without_email: true, email: String::new(), username: "kiosk1".into(), ..grace_form(vec![s.emea]) };
    let user = set_up(&db, &s, &s.owner, &form).await.unwrap().user_id;
    let session = log_in(&db, "kiosk1", "compilers all the way").await.unwrap();
    assert!(users::detail(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, user).await.unwrap().may_manage);
    assert_eq!(field(users::set_password(&db, &hasher(), &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, user, "short").await).0, "password");
    users::set_password(&db, &hasher(), &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, user, "a brand new secret").await.unwrap();
    assert!(Principal::load(&db, &Default::default(), &session.token, None).await.unwrap().is_none(), "their sessions end");
    assert!(log_in(&db, "kiosk1", "a brand new secret").await.is_ok());
    // R54: a user admin of a group below the user's group may not.
    let paris = groups::create_subgroup(&db, &permit(&db, &s.owner, ManageGroup(s.emea)).await, &s.who, "Paris", true).await.unwrap();
    let ua = user_admin_of(&db, &s, paris).await;
    assert_eq!(users::set_password(&db, &hasher(), &permit(&db, &ua, AddUsersSomewhere).await, &s.who, user, "another new secret").await.unwrap_err(), AppError::NotFound);
    // Users with email are not given passwords this way.
    let grace = set_up(&db, &s, &s.owner, &grace_form(vec![s.emea])).await.unwrap().user_id;
    assert_eq!(users::set_password(&db, &hasher(), &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, grace, "another new secret").await.unwrap_err(), AppError::NotAllowed);
}

async fn r43_labels_and_custom_values_are_given_at_set_up_and_at_registration(db: TestDb) {
    use app::wire::details::{FieldValue, UserDetails};
    use app::backend::details::{self, Kind};
    let s = setup(&db).await;
    details::create(&db, &permit(&db, &s.owner, AdministerPlatform).await, &s.who, Kind::Label, "Contractor", Default::default()).await.unwrap();
    assert_eq!(field(details::create(&db, &permit(&db, &s.owner, AdministerPlatform).await, &s.who, Kind::Label, " contractor ", Default::default()).await), ("name".into(), Msg::NameTaken), "names are unique whatever their case");
    details::create(&db, &permit(&db, &s.owner, AdministerPlatform).await, &s.who, Kind::Field, "Employee ID", Default::default()).await.unwrap();
    let choices = details::choices(&db, false).await.unwrap();
    let (label, employee_id) = (choices.labels[0].id, choices.fields[0].id);
    let given = UserDetails {
        language: Some(Lang::Fr),
        deletion_date: Some("2099-12-31".into()),
        labels: vec![label],
        values: vec![FieldValue { field: employee_id, value: " E-42 ".into() }],
    };

    // Unknown labels or fields are refused at their field; nothing is created.
    let unknown = NewUser { details: UserDetails { labels: vec![label + 1000], ..given.clone() }, ..grace_form(vec![s.emea]) };
    assert_eq!(field(set_up(&db, &s, &s.owner, &unknown).await), ("labels".into(), Msg::NotFound));
    assert_eq!(count(&db, "users").await, 1);

    let grace = set_up(&db, &s, &s.owner, &NewUser { details: given.clone(), ..grace_form(vec![s.emea]) }).await.unwrap().user_id;
    let page = users::detail(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, grace).await.unwrap();
    assert_eq!((page.labels, page.values), (vec!["Contractor".to_string()], vec![("Employee ID".to_string(), "E-42".to_string())]));
    assert_eq!((page.details.language, page.details.deletion_date.as_deref()), (Some(Lang::Fr), Some("2099-12-31")));

    // Invited: kept on the invitation, given at registration.
    invitations::invite(&db, &s.settings, Inviting::ToGroup(&permit(&db, &s.owner, AddToGroup::new(s.emea, &[Role::Learner])).await), &s.who, "ada@acme.example", &given).await.unwrap();
    let text: String = sqlx::query_scalar(&format!("SELECT {} FROM outbox_emails WHERE to_address = 'ada@acme.example'", app::backend::mail::DELIVERED_TEXT)).fetch_one(&db.pool).await.unwrap();
    assert!(text.contains("vous invite"), "the invitation speaks the chosen language");
    let token = crate::support::token_in(&text);
    let form = invitations::Registration {
        token: &token,
        first_name: "Ada",
        last_name: "Lovelace",
        password: "analytical engine 1843",
        ip: None,
        user_agent: None,
        previous_session: None,
    };
    let ada = invitations::accept(&db, &s.settings, &hasher(), form).await.unwrap().user_id;
    let page = users::detail(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, ada).await.unwrap();
    assert_eq!((page.labels.len(), page.values.len(), page.details.deletion_date.as_deref()), (1, 1, Some("2099-12-31")));
    assert_eq!(page.details.language, Some(Lang::Fr));

    details::create(&db, &permit(&db, &s.owner, AdministerPlatform).await, &s.who, Kind::Label, "Alumni", Default::default()).await.unwrap();
    let labelled = users::list(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, &UserFilter { label: Some(label), ..UserFilter::default() }, Default::default()).await.unwrap();
    let mut ids: Vec<i64> = labelled.rows.iter().map(|r| r.id).collect();
    ids.sort();
    assert_eq!(ids, vec![grace, ada]);
    assert_eq!(labelled.rows[0].labels, vec!["Contractor".to_string()]);
    // The filter's choices come with the page: the platform's labels, by name.
    let alumni = details::choices(&db, false).await.unwrap().labels[0].id;
    assert_eq!(labelled.labels, vec![(alumni, "Alumni".to_string()), (label, "Contractor".to_string())]);
    let none = users::list(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, &UserFilter { search: "nobody by this name".into(), ..UserFilter::default() }, Default::default()).await.unwrap();
    assert_eq!((none.rows.len(), none.labels.len()), (0, 2), "an empty page offers them too");
}

async fn r58_new_credentials_replace_the_password_once_a_minute(db: TestDb) {
    let s = setup(&db).await;
    let grace = set_up(&db, &s, &s.owner, &grace_form(vec![s.emea])).await.unwrap().user_id;
    let session = log_in(&db, "grace@acme.example", "compilers all the way").await.unwrap();
    users::send_new_credentials(&db, &s.settings, &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, grace).await.unwrap();
    assert!(Principal::load(&db, &Default::default(), &session.token, None).await.unwrap().is_none(), "her sessions end");
    assert_eq!(log_in(&db, "grace@acme.example", "compilers all the way").await.unwrap_err(), AppError::WrongCredentials, "the old password is gone");
    let text: String = sqlx::query_scalar(&format!("SELECT {} FROM outbox_emails WHERE kind = 'credentials'", app::backend::mail::DELIVERED_TEXT)).fetch_one(&db.pool).await.unwrap();
    let password = text.lines().find_map(|l| l.strip_prefix("Password: ")).unwrap().to_string();
    assert!(log_in(&db, "grace@acme.example", &password).await.unwrap().must_change_password, "a one-time password (R58)");
    let again = users::send_new_credentials(&db, &s.settings, &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, grace).await;
    assert!(matches!(again, Err(AppError::TooManyAttempts { .. })), "once a minute: a double click sends one email");
    assert_eq!(count(&db, "outbox_emails").await, 1);
    // R54: a user admin of a group below hers may not.
    let paris = groups::create_subgroup(&db, &permit(&db, &s.owner, ManageGroup(s.emea)).await, &s.who, "Paris", true).await.unwrap();
    let ua = user_admin_of(&db, &s, paris).await;
    assert!(users::send_new_credentials(&db, &s.settings, &permit(&db, &ua, AddUsersSomewhere).await, &s.who, grace).await.is_err());
}

async fn r58_credentials_not_sent_yet_are_withdrawn_when_new_ones_are_sent(db: TestDb) {
    let s = setup(&db).await;
    let form = NewUser { password: String::new(), send_credentials: true, ..grace(vec![s.sales], vec![Role::Learner]) };
    let grace = set_up(&db, &s, &s.owner, &form).await.unwrap().user_id;
    // The first email still waits (its SMTP server down, say) when the administrator sends new
    // credentials a few minutes later: the first one's password no longer works.
    sqlx::query("UPDATE outbox_emails SET created_at = created_at - 600000").execute(&db.pool).await.unwrap();
    users::send_new_credentials(&db, &s.settings, &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, grace).await.unwrap();
    let worker = Worker { db: db.db.clone(), delivery: Delivery::DevelopmentMailbox, batch: 64 };
    let report = worker.round().await.unwrap();
    assert_eq!((report.sent, report.failed), (1, 1), "the first is withdrawn, the second sent");
    let statuses: Vec<(String, String)> = sqlx::query_as("SELECT dedupe_key, status FROM outbox_emails ORDER BY id").fetch_all(&db.pool).await.unwrap();
    assert_eq!(statuses.iter().map(|(_, status)| status.as_str()).collect::<Vec<_>>(), ["failed", "sent"]);
}
