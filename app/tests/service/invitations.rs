//! Service tests of inviting (R20–R24), on SQLite and PostgreSQL.

use app::domain::invitation::InviteResult;
use app::wire::invitations::InviteOutcome;
use app::backend::audit::Who;
use app::backend::auth::token_hash;
use app::backend::invitations::{self, Inviting};
use app::backend::testing::{self, hasher, TestDb};
use app::backend::{groups, Principal};
use app::domain::role::Role;
use app::error::AppError;
use app::i18n::{Lang, Msg};

use crate::support::token_sent_to;
use app::domain::capability::{AddToGroup, AddUsersSomewhere, InviteFromSession, ManageGroup, ManageSession, ManageSessions, ManageSessionsSomewhere, RemoveRole};
use crate::support::{permit, session_permit};

app::on_both_databases!(
    r21_each_address_gets_its_own_outcome,
    r22_the_email_carries_a_personal_link_and_only_its_hash_is_stored,
    bad_input_gets_field_messages_and_creates_nothing,
    r21_two_admins_inviting_the_same_address_at_once_make_one_invitation_and_one_email,
    r22_r31_accepting_activates_bills_once_propagates_enrolls_and_logs_in,
    r22_double_submission_makes_one_user_and_one_billing,
    r23_expired_cancelled_used_and_unknown_links_are_alike,
    r24_grants_the_inviter_lost_are_dropped_at_acceptance,
    r38_cancelling_kills_the_link,
    r38_resending_issues_a_new_link_at_most_once_a_minute,
    r38_the_list_shows_what_one_may_manage_newest_first_by_pages,
    r87_the_list_sorts_by_address_invitation_or_expiry_page_by_page,
    r85_the_list_answers_while_a_write_is_in_progress,
    registration_racing_cancellation_ends_one_way_or_the_other,
    r38_a_cancel_is_decided_on_the_grants_as_they_are_when_it_commits,
    secrets_stay_out_of_stored_emails_and_are_forgotten_once_sent,
    r24_each_grant_is_checked_against_who_made_it_and_the_right_it_was_made_under,
    r21_r22_r73_inviting_an_expired_invitation_renews_it,
    resend_racing_registration_never_makes_two_accounts,
    r4_r30_invited_from_a_session_learner_of_its_group_only_and_enrolled,
    r38_each_row_says_what_who_when_until_when_expired_and_delivery,
    r86_the_list_shows_times_in_the_viewers_time_zone_and_names_it,
    r72_the_list_shows_the_grants_registration_would_drop,
    invite_resend_cancel_and_accept_are_audited_with_who_did_them,
);

async fn r4_r30_invited_from_a_session_learner_of_its_group_only_and_enrolled(db: TestDb) {
    let s = setup(&db).await;
    let program = app::backend::programs::create_program(&db, &permit(&db, &s.owner, ManageSessionsSomewhere).await, &s.who, "Onboarding").await.unwrap();
    let new = app::backend::programs::NewSession { program, name: "Spring", starts_on: "", ends_on: "" };
    let session = app::backend::programs::create_session(&db, &permit(&db, &s.owner, ManageSessions(s.emea)).await, &s.who, new).await.unwrap();
    let autumn = app::backend::programs::NewSession { program, name: "Autumn", starts_on: "", ends_on: "" };
    let autumn = app::backend::programs::create_session(&db, &permit(&db, &s.owner, ManageSessions(s.emea)).await, &s.who, autumn).await.unwrap();
    for from in [session, autumn] {
        invitations::invite(&db, &s.settings, Inviting::FromSession(&session_permit(&db, &s.owner, from, InviteFromSession).await), &s.who, "sam@acme.example", &Default::default()).await.unwrap();
    }
    let token = token_sent_to(&db, "sam@acme.example").await;
    let sam = invitations::accept(&db, &s.settings, &hasher(), registration(&token)).await.unwrap().user_id;
    let enrolled: Vec<i64> = sqlx::query_scalar("SELECT session_id FROM enrollments WHERE user_id = $1 ORDER BY session_id").bind(sam).fetch_all(&db.pool).await.unwrap();
    assert_eq!(enrolled, vec![session, autumn], "R57: invited from two sessions, enrolled in both");
    let direct: Vec<(i64, String)> =
        sqlx::query_as("SELECT group_id, role FROM memberships WHERE user_id = $1 AND propagated_from IS NULL").bind(sam).fetch_all(&db.pool).await.unwrap();
    assert_eq!(direct, vec![(s.emea, "learner".to_string())], "the learner role on the session's group only (it climbs as any learner's, R10)");
    let session_emails: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox_emails WHERE kind = 'session_invitation' AND user_id = $1").bind(sam).fetch_one(&db.pool).await.unwrap();
    assert_eq!(session_emails, 2, "R31: one email per session");
}

/// R24 (issue 10): each grant is checked at registration against the person who made it and the
/// right it was made under. A coach who instructs a session invites by R4, not by R2/R3; a grant
/// added by a second inviter goes when that inviter loses the right; a platform administrator's
/// grant on a user admin's invitation stands.
async fn r24_each_grant_is_checked_against_who_made_it_and_the_right_it_was_made_under(db: TestDb) {
    let s = setup(&db).await;
    // A coach of EMEA who instructs its session invites from it: the learner stands at registration.
    let (coach, coach_principal) = person_in(&db, &s, "ci@acme.example", s.emea, Role::Coach).await;
    let program = app::backend::programs::create_program(&db, &permit(&db, &s.owner, ManageSessionsSomewhere).await, &s.who, "Onboarding").await.unwrap();
    let spring = app::backend::programs::NewSession { program, name: "Spring", starts_on: "", ends_on: "" };
    let session = app::backend::programs::create_session(&db, &permit(&db, &s.owner, ManageSessions(s.emea)).await, &s.who, spring).await.unwrap();
    sqlx::query("INSERT INTO session_instructors (session_id, user_id) VALUES ($1, $2)").bind(session).bind(coach).execute(&db.pool).await.unwrap();
    let coach_principal = Principal { instructs: vec![session], ..coach_principal };
    invite_with(&db, &s, &coach_principal, s.emea, "sam1@acme.example", &[Role::Learner], Some(session)).await;
    let sam1 = accept_sent_to(&db, &s, "sam1@acme.example").await.expect("R4's invitation stands").user_id;
    assert_eq!(direct_of(&db, sam1).await, vec![(s.emea, "learner".to_string())]);
    let enrolled: Vec<i64> = sqlx::query_scalar("SELECT session_id FROM enrollments WHERE user_id = $1").bind(sam1).fetch_all(&db.pool).await.unwrap();
    assert_eq!(enrolled, vec![session]);

    // A second inviter's grant goes when that inviter loses the right; the first inviter's stays.
    let support = groups::create_subgroup(&db, &permit(&db, &s.owner, ManageGroup(s.owner.platform_group_id())).await, &s.who, "Support", false).await.unwrap();
    let (support_admin, support_principal) = person_in(&db, &s, "sa@acme.example", support, Role::UserAdmin).await;
    invite_with(&db, &s, &s.owner, s.emea, "sam2@acme.example", &[Role::Learner], None).await;
    invite_with(&db, &s, &support_principal, support, "sam2@acme.example", &[Role::Learner], None).await;
    groups::remove_membership(&db, &permit(&db, &s.owner, RemoveRole(support, Role::UserAdmin)).await, &s.who, support_admin).await.unwrap();
    let sam2 = accept_sent_to(&db, &s, "sam2@acme.example").await.unwrap().user_id;
    assert_eq!(direct_of(&db, sam2).await, vec![(s.emea, "learner".to_string())], "Support's grant went with its granter's right");
    let dropped: Vec<String> = sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'invitation_grant_dropped'").fetch_all(&db.pool).await.unwrap();
    assert_eq!(dropped.len(), 1);
    assert!(dropped[0].contains(&format!("\"granted_by\":{support_admin}")) && dropped[0].contains(&format!("\"group\":{support}")), "{dropped:?}");

    // A platform administrator's admin grant on a user admin's invitation stands.
    let (_, emea_user_admin) = person_in(&db, &s, "eua@acme.example", s.emea, Role::UserAdmin).await;
    invite_with(&db, &s, &emea_user_admin, s.emea, "sam3@acme.example", &[Role::Learner], None).await;
    invite_with(&db, &s, &s.owner, s.emea, "sam3@acme.example", &[Role::Admin], None).await;
    let sam3 = accept_sent_to(&db, &s, "sam3@acme.example").await.unwrap().user_id;
    assert_eq!(direct_of(&db, sam3).await, vec![(s.emea, "admin".to_string()), (s.emea, "learner".to_string())]);
}

/// Issue 10.1: a pending invitation's row shows, apart, the grants whose maker has lost the
/// right since (dropped at registration), and one left with none.
async fn r72_the_list_shows_the_grants_registration_would_drop(db: TestDb) {
    let s = setup(&db).await;
    let support = groups::create_subgroup(&db, &permit(&db, &s.owner, ManageGroup(s.owner.platform_group_id())).await, &s.who, "Support", false).await.unwrap();
    let (support_admin, support_principal) = person_in(&db, &s, "sa@acme.example", support, Role::UserAdmin).await;
    invite_with(&db, &s, &s.owner, s.emea, "both@acme.example", &[Role::Learner], None).await;
    invite_with(&db, &s, &support_principal, support, "both@acme.example", &[Role::Learner], None).await;
    invite_with(&db, &s, &support_principal, support, "theirs@acme.example", &[Role::Learner], None).await;
    // The owner as the next request loads them: with Support in the tree.
    let owner = Principal { tree: std::sync::Arc::new(app::backend::tree::group_tree(&db).await.unwrap()), ..s.owner.clone() };
    let rows = invitations::list(&db, &permit(&db, &owner, AddUsersSomewhere).await, "", Default::default(), None, 25).await.unwrap().rows;
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.lapsed.is_empty()), "all stand while Support's user admin holds the right");
    groups::remove_membership(&db, &permit(&db, &s.owner, RemoveRole(support, Role::UserAdmin)).await, &s.who, support_admin).await.unwrap();
    let rows = invitations::list(&db, &permit(&db, &owner, AddUsersSomewhere).await, "", Default::default(), None, 25).await.unwrap().rows;
    let row = |email: &str| rows.iter().find(|r| r.email == email).unwrap().clone();
    let (both, theirs) = (row("both@acme.example"), row("theirs@acme.example"));
    assert_eq!((both.grants, both.lapsed), (vec![("EMEA".to_string(), Role::Learner)], vec![("Support".to_string(), Role::Learner)]));
    assert_eq!((theirs.grants, theirs.lapsed), (vec![], vec![("Support".to_string(), Role::Learner)]), "nothing left: its link will not work");
    assert!(matches!(accept_sent_to(&db, &s, "theirs@acme.example").await, Err(AppError::NotFound)), "as the row said");
}

/// Issue 10.2: an expired invitation is renewed by a new invite — a new link, a new expiry, the
/// email sent — and its old link is dead; a pending one only gains the new grants.
async fn r21_r22_r73_inviting_an_expired_invitation_renews_it(db: TestDb) {
    let s = setup(&db).await;
    invite(&db, &s, s.emea, "late@acme.example", &[Role::Learner]).await.unwrap();
    let old = token_sent_to(&db, "late@acme.example").await;
    sqlx::query("UPDATE invitations SET expires_at = $1, last_sent_at = $1").bind(app::backend::db::now_ms() - 1).execute(&db.pool).await.unwrap();
    let again = invite(&db, &s, s.emea, "late@acme.example", &[Role::Learner]).await.unwrap();
    assert_eq!(again[0].result, InviteResult::Invited, "renewed, not 'already invited'");
    let new = token_sent_to(&db, "late@acme.example").await;
    assert_ne!(new, old);
    let emails: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox_emails WHERE to_address = 'late@acme.example'").fetch_one(&db.pool).await.unwrap();
    assert_eq!(emails, 2, "the email is sent again");
    let (expires_at, send_count): (i64, i64) = sqlx::query_as("SELECT expires_at, send_count FROM invitations").fetch_one(&db.pool).await.unwrap();
    assert!(expires_at > app::backend::db::now_ms() + 6 * 24 * 3600 * 1000, "a new expiry");
    assert_eq!(send_count, 2);
    assert!(matches!(invitations::accept(&db, &s.settings, &hasher(), registration(&old)).await, Err(AppError::NotFound)), "the old link is dead");
    invitations::accept(&db, &s.settings, &hasher(), registration(&new)).await.expect("the new link works");
    let still_pending = invite(&db, &s, s.emea, "fresh@acme.example", &[Role::Learner]).await.unwrap();
    assert_eq!(still_pending[0].result, InviteResult::Invited);
    let twice = invite(&db, &s, s.sales, "fresh@acme.example", &[Role::Coach]).await.unwrap();
    assert_eq!(twice[0].result, InviteResult::AlreadyInvited, "a pending one gains grants, no second email");
}

/// A person holding `role` directly in `group`, signed in.
async fn person_in(db: &TestDb, s: &Setup, email: &str, group: i64, role: Role) -> (i64, Principal) {
    let hash = hasher().hash("a long test password").await.unwrap();
    let id = testing::insert_user(db, email, Some(&hash)).await;
    groups::add_member(db, crate::support::settings(), &permit(db, &s.owner, AddToGroup::new(group, &[role])).await, &s.who, id).await.unwrap();
    (id, testing::principal_of(db, email, "a long test password").await)
}

async fn invite_with(db: &TestDb, s: &Setup, principal: &Principal, group: i64, emails: &str, roles: &[Role], session: Option<i64>) {
    let inviting = match session {
        Some(session) => invitations::invite(db, &s.settings, Inviting::FromSession(&session_permit(db, principal, session, InviteFromSession).await), &s.who, emails, &Default::default()).await,
        None => invitations::invite(db, &s.settings, Inviting::ToGroup(&permit(db, principal, AddToGroup::new(group, roles)).await), &s.who, emails, &Default::default()).await,
    };
    inviting.unwrap();
}

async fn accept_sent_to(db: &TestDb, s: &Setup, to: &str) -> Result<invitations::Registered, AppError> {
    let token = token_sent_to(db, to).await;
    invitations::accept(db, &s.settings, &hasher(), registration(&token)).await
}

async fn direct_of(db: &TestDb, user: i64) -> Vec<(i64, String)> {
    sqlx::query_as("SELECT group_id, role FROM memberships WHERE user_id = $1 AND propagated_from IS NULL ORDER BY group_id, role").bind(user).fetch_all(&db.pool).await.unwrap()
}

/// Issue 9.6: an invitation's link is not in the stored email; it is kept apart until the email
/// leaves, then forgotten. A cancelled invitation's unsent email is withdrawn, never sent.
async fn secrets_stay_out_of_stored_emails_and_are_forgotten_once_sent(db: TestDb) {
    let s = setup(&db).await;
    invite(&db, &s, s.emea, "secret.keeper@acme.example", &[Role::Learner]).await.unwrap();
    let (text, html, secret): (String, String, Option<String>) =
        sqlx::query_as("SELECT body_text, body_html, secret FROM outbox_emails WHERE to_address = 'secret.keeper@acme.example'").fetch_one(&db.pool).await.unwrap();
    let token = secret.expect("kept apart until sent");
    assert!(!text.contains(&token) && !html.contains(&token) && text.contains("/invitation/{{secret}}"), "{text}");

    let smtp = std::env::var("ROSTER_TEST_SMTP_URL").expect("ROSTER_TEST_SMTP_URL is not set: run the tests with scripts/test.sh");
    let sender = std::sync::Arc::new(app::backend::mail::SmtpSender::new(&smtp, None, "Roster <no-reply@roster.test>", 1).unwrap());
    let worker = app::backend::mail::Worker { db: db.db.clone(), delivery: app::backend::mail::Delivery::Smtp(sender), batch: 64 };
    assert_eq!(worker.round().await.unwrap().sent, 1);
    let forgotten: Option<String> = sqlx::query_scalar("SELECT secret FROM outbox_emails WHERE to_address = 'secret.keeper@acme.example'").fetch_one(&db.pool).await.unwrap();
    assert_eq!(forgotten, None);
    let received = crate::mail::received_by(&std::env::var("ROSTER_TEST_MAILDEV_API").unwrap(), "secret.keeper@acme.example").await;
    assert!(received.contains(&format!("/invitation/{token}")), "the email that left carried the link");

    invite(&db, &s, s.emea, "withdrawn@acme.example", &[Role::Learner]).await.unwrap();
    let id: i64 = sqlx::query_scalar("SELECT id FROM invitations WHERE email_key = 'withdrawn@acme.example'").fetch_one(&db.pool).await.unwrap();
    invitations::cancel(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, id).await.unwrap();
    let report = worker.round().await.unwrap();
    assert_eq!((report.sent, report.failed), (0, 1), "a cancelled invitation's email is withdrawn");
    let received = crate::mail::received_by(&std::env::var("ROSTER_TEST_MAILDEV_API").unwrap(), "withdrawn@acme.example").await;
    assert!(received.is_empty());
}

/// A user admin (learners only, R3) cancels an invitation while an admin adds an admin grant to
/// it: whatever the order, a user admin never cancels an invitation that grants admin (the grants
/// are read and checked inside the cancel's transaction, under the address's hold).
async fn r38_a_cancel_is_decided_on_the_grants_as_they_are_when_it_commits(db: TestDb) {
    let s = setup(&db).await;
    let hash = hasher().hash("a long test password").await.unwrap();
    let ua = testing::insert_user(&db, "ua@acme.example", Some(&hash)).await;
    groups::add_member(&db, crate::support::settings(), &permit(&db, &s.owner, AddToGroup::new(s.emea, &[Role::UserAdmin])).await, &s.who, ua).await.unwrap();
    let user_admin = testing::principal_of(&db, "ua@acme.example", "a long test password").await;
    for round in 0..20 {
        let address = format!("race{round}@acme.example");
        invite(&db, &s, s.emea, &address, &[Role::Learner]).await.unwrap();
        let id: i64 = sqlx::query_scalar("SELECT id FROM invitations WHERE email_key = $1").bind(&address).fetch_one(&db.pool).await.unwrap();
        let users = permit(&db, &user_admin, AddUsersSomewhere).await;
        let (cancelled, _) = tokio::join!(invitations::cancel(&db, &users, &s.who, id), invite(&db, &s, s.emea, &address, &[Role::Admin]));
        let (status, admin_grants): (String, i64) = sqlx::query_as(
            "SELECT status, (SELECT COUNT(*) FROM invitation_grants g WHERE g.invitation_id = i.id AND g.role = 'admin') FROM invitations i WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        match cancelled {
            Ok(()) => assert_eq!((status.as_str(), admin_grants), ("cancelled", 0), "round {round}: cancelled before the admin grant came"),
            Err(AppError::NotAllowed) => assert_eq!((status.as_str(), admin_grants), ("pending", 1), "round {round}: the admin grant came first"),
            Err(other) => panic!("round {round}: {other:?}"),
        }
    }
}

async fn registration_racing_cancellation_ends_one_way_or_the_other(db: TestDb) {
    let s = setup(&db).await;
    let hasher = hasher();
    for round in 0..100 {
        let address = format!("rc{round}@acme.example");
        invite(&db, &s, s.emea, &address, &[Role::Learner]).await.unwrap();
        let token = token_sent_to(&db, &address).await;
        let id = invitation_id(&db, &address).await;
        let users = permit(&db, &s.owner, AddUsersSomewhere).await;
        let (registered, cancelled) = tokio::join!(invitations::accept(&db, &s.settings, &hasher, registration(&token)), invitations::cancel(&db, &users, &s.who, id));
        assert!(registered.is_ok() != cancelled.is_ok(), "round {round}: exactly one wins");
        assert!(matches!(registered.as_ref().err().or(cancelled.as_ref().err()), Some(AppError::NotFound)), "round {round}: the loser is told plainly");
        let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email_key = $1").bind(&address).fetch_one(&db.pool).await.unwrap();
        let status: String = sqlx::query_scalar("SELECT status FROM invitations WHERE id = $1").bind(id).fetch_one(&db.pool).await.unwrap();
        assert_eq!((users, status.as_str()), if registered.is_ok() { (1, "accepted") } else { (0, "cancelled") }, "round {round}");
    }
    let billed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM billing_events").fetch_one(&db.pool).await.unwrap();
    assert_eq!(billed, count(&db, "users").await - 1, "one billing event per created account, none for the others");
}

async fn resend_racing_registration_never_makes_two_accounts(db: TestDb) {
    let s = setup(&db).await;
    let hasher = hasher();
    for round in 0..100 {
        let address = format!("rr{round}@acme.example");
        invite(&db, &s, s.emea, &address, &[Role::Learner]).await.unwrap();
        let token = token_sent_to(&db, &address).await;
        let id = invitation_id(&db, &address).await;
        sqlx::query("UPDATE invitations SET last_sent_at = last_sent_at - 61000 WHERE id = $1").bind(id).execute(&db.pool).await.unwrap();
        let users = permit(&db, &s.owner, AddUsersSomewhere).await;
        let (registered, resent) = tokio::join!(invitations::accept(&db, &s.settings, &hasher, registration(&token)), invitations::resend(&db, &s.settings, &users, &s.who, id));
        // Either the registration came first (the resend finds nothing pending), or the resend did
        // (the old link is dead).
        match (&registered, &resent) {
            (Ok(_), Err(AppError::NotFound)) | (Err(AppError::NotFound), Ok(())) => {}
            other => panic!("round {round}: exactly one should win: {other:?}"),
        }
        let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email_key = $1").bind(&address).fetch_one(&db.pool).await.unwrap();
        assert!(users <= 1, "round {round}");
    }
    let billed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM billing_events").fetch_one(&db.pool).await.unwrap();
    assert_eq!(billed, count(&db, "users").await - 1);
}

async fn invitation_id(db: &TestDb, email_key: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM invitations WHERE email_key = $1").bind(email_key).fetch_one(&db.pool).await.unwrap()
}

async fn r38_cancelling_kills_the_link(db: TestDb) {
    let s = setup(&db).await;
    invite(&db, &s, s.emea, "bye@acme.example", &[Role::Learner]).await.unwrap();
    let token = token_sent_to(&db, "bye@acme.example").await;
    let id = invitation_id(&db, "bye@acme.example").await;
    invitations::cancel(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, id).await.unwrap();
    assert!(matches!(invitations::pending_address(&db, &token).await, Err(AppError::NotFound)));
    assert!(matches!(invitations::cancel(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, id).await, Err(AppError::NotFound)), "already cancelled");
    // The address may be invited again.
    let again = invite(&db, &s, s.emea, "bye@acme.example", &[Role::Learner]).await.unwrap();
    assert_eq!(again[0].result, InviteResult::Invited);
}

async fn r38_resending_issues_a_new_link_at_most_once_a_minute(db: TestDb) {
    let s = setup(&db).await;
    invite(&db, &s, s.emea, "again@acme.example", &[Role::Learner]).await.unwrap();
    let old = token_sent_to(&db, "again@acme.example").await;
    let id = invitation_id(&db, "again@acme.example").await;
    match invitations::resend(&db, &s.settings, &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, id).await {
        Err(AppError::TooManyAttempts { retry_after_secs }) => assert!((1..=60).contains(&retry_after_secs)),
        other => panic!("a resend right after the invitation waits: {other:?}"),
    }
    sqlx::query("UPDATE invitations SET last_sent_at = last_sent_at - 61000, expires_at = 0 WHERE id = $1").bind(id).execute(&db.pool).await.unwrap();
    invitations::resend(&db, &s.settings, &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, id).await.unwrap();
    let new = token_sent_to(&db, "again@acme.example").await;
    assert_ne!(old, new);
    assert!(matches!(invitations::pending_address(&db, &old).await, Err(AppError::NotFound)), "the old link is dead");
    assert_eq!(invitations::pending_address(&db, &new).await.unwrap(), "again@acme.example", "the expiry restarted");
    assert_eq!(count(&db, "outbox_emails").await, 2);
}

/// R85: the list reads one snapshot without the write lock: it answers while another request
/// holds it (on SQLite it waited for it, sleeping in the busy wait up to the 10 s busy timeout).
async fn r85_the_list_answers_while_a_write_is_in_progress(db: TestDb) {
    let s = setup(&db).await;
    invite(&db, &s, s.emea, "waiting@acme.example", &[Role::Learner]).await.unwrap();
    let mut writing = db.begin().await.unwrap();
    sqlx::query("UPDATE invitations SET last_sent_at = last_sent_at").execute(&mut *writing).await.unwrap();
    let permit = permit(&db, &s.owner, AddUsersSomewhere).await;
    let listed = tokio::time::timeout(std::time::Duration::from_secs(3), invitations::list(&db, &permit, "", Default::default(), None, 25)).await;
    writing.rollback().await.unwrap();
    let rows = listed.expect("the list answers while the write lock is held").unwrap().rows;
    assert_eq!(rows.iter().map(|r| r.email.as_str()).collect::<Vec<_>>(), vec!["waiting@acme.example"]);
}

async fn r38_the_list_shows_what_one_may_manage_newest_first_by_pages(db: TestDb) {
    let s = setup(&db).await;
    let many: Vec<String> = (0..30).map(|i| format!("p{i:02}@acme.example")).collect();
    invite(&db, &s, s.emea, &many.join(" "), &[Role::Learner]).await.unwrap();
    invite(&db, &s, s.sales, "boss@acme.example", &[Role::Admin]).await.unwrap();
    let first = invitations::list(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, "", Default::default(), None, 25).await.unwrap();
    assert_eq!(first.rows.len(), 25);
    assert_eq!(first.rows[0].email, "boss@acme.example", "newest first");
    let after = first.next.as_deref();
    let second = invitations::list(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, "", Default::default(), after, 25).await.unwrap();
    assert_eq!(second.rows.len(), 6);
    assert!(second.next.is_none());
    let all: std::collections::BTreeSet<i64> = first.rows.iter().chain(&second.rows).map(|r| r.id).collect();
    assert_eq!(all.len(), 31, "no row twice, none missing");
    let searched = invitations::list(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, "P0", Default::default(), None, 25).await.unwrap();
    assert_eq!(searched.rows.len(), 10);
    // A user_admin of EMEA manages the learner invitations into EMEA, not the admin one into Sales.
    let hash = hasher().hash("user admin password").await.unwrap();
    let ua = testing::insert_user(&db, "ua@acme.example", Some(&hash)).await;
    groups::add_member(&db, crate::support::settings(), &permit(&db, &s.owner, AddToGroup::new(s.emea, &[Role::UserAdmin])).await, &s.who, ua).await.unwrap();
    let user_admin = testing::principal_of(&db, "ua@acme.example", "user admin password").await;
    let theirs = invitations::list(&db, &permit(&db, &user_admin, AddUsersSomewhere).await, "", Default::default(), None, 100).await.unwrap();
    assert_eq!(theirs.rows.len(), 30);
    assert!(theirs.rows.iter().all(|r| r.email != "boss@acme.example"));
}

async fn r38_each_row_says_what_who_when_until_when_expired_and_delivery(db: TestDb) {
    let s = setup(&db).await;
    invite(&db, &s, s.sales, "old@acme.example", &[Role::Coach, Role::Learner]).await.unwrap();
    invite(&db, &s, s.emea, "fresh@acme.example", &[Role::Learner]).await.unwrap();
    let (old, fresh) = (invitation_id(&db, "old@acme.example").await, invitation_id(&db, "fresh@acme.example").await);
    // 2026-01-02 03:04 UTC, long past; the other's email refused by the SMTP server.
    sqlx::query("UPDATE invitations SET expires_at = 1767323040000 WHERE id = $1").bind(old).execute(&db.pool).await.unwrap();
    sqlx::query("UPDATE outbox_emails SET status = 'failed', attempts = 1, last_error = '550 5.1.1 mailbox unavailable' WHERE to_address = 'fresh@acme.example'")
        .execute(&db.pool)
        .await
        .unwrap();
    let rows = invitations::list(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, "", Default::default(), None, 25).await.unwrap().rows;
    let row = |id: i64| rows.iter().find(|r| r.id == id).unwrap().clone();
    let (old, fresh) = (row(old), row(fresh));
    let mut old_grants = old.grants.clone();
    old_grants.sort_by_key(|(_, role)| role.as_str());
    assert_eq!(old_grants, vec![("Sales".to_string(), Role::Coach), ("Sales".to_string(), Role::Learner)], "what it grants, where");
    assert_eq!(fresh.grants, vec![("EMEA".to_string(), Role::Learner)]);
    assert_eq!((old.invited_by.as_str(), fresh.invited_by.as_str()), ("Olga Owner", "Olga Owner"));
    assert_eq!((old.expires_at.as_str(), old.is_expired), ("2026-01-02 03:04", true), "an expired invitation is listed, marked expired");
    assert!(!fresh.is_expired && fresh.expires_at > fresh.invited_at);
    let minute = |text: &str| text.len() == 16 && text.as_bytes()[10] == b' ' && text[..10].parse::<chrono::NaiveDate>().is_ok();
    assert!(minute(&fresh.invited_at) && minute(&fresh.expires_at) && fresh.last_sent_at.as_deref().is_some_and(minute), "{fresh:?}");
    assert_eq!((fresh.delivery.as_str(), fresh.delivery_error.as_deref()), ("failed", Some("550 5.1.1 mailbox unavailable")));
    assert_eq!((old.delivery.as_str(), old.delivery_error.as_deref()), ("queued", None));
}

/// R87: the Invitations list in each order, either way, page by page: every invitation once, in
/// that order (equal values by invitation); a search keeps the order.
async fn r87_the_list_sorts_by_address_invitation_or_expiry_page_by_page(db: TestDb) {
    use app::wire::invitations::{InvitationsColumn, InvitationsSort};
    use app::wire::sort::SortColumn;
    let s = setup(&db).await;
    let many: Vec<String> = (0..30).map(|i| format!("p{:02}@acme.example", (i * 7) % 30)).collect();
    invite(&db, &s, s.emea, &many.join(" "), &[Role::Learner]).await.unwrap();
    // Ties in both dates.
    sqlx::query("UPDATE invitations SET expires_at = 1000 * (id % 4), created_at = 500 * (id % 3)").execute(&db.pool).await.unwrap();
    let rows: Vec<(i64, String, i64, i64)> =
        sqlx::query_as("SELECT id, email_key, created_at, expires_at FROM invitations WHERE status = 'pending'").fetch_all(&db.pool).await.unwrap();
    let permit = permit(&db, &s.owner, AddUsersSomewhere).await;
    for &column in InvitationsColumn::ALL {
        for descending in [false, true] {
            let sort = InvitationsSort { column, descending };
            let mut want = rows.clone();
            match column {
                InvitationsColumn::Invited => want.sort_by_key(|r| (r.2, r.0)),
                InvitationsColumn::Email => want.sort_by(|a, b| (&a.1, a.0).cmp(&(&b.1, b.0))),
                InvitationsColumn::Expiry => want.sort_by_key(|r| (r.3, r.0)),
            }
            if descending {
                want.reverse();
            }
            let want: Vec<i64> = want.iter().map(|r| r.0).collect();
            let (mut seen, mut after) = (Vec::new(), None::<String>);
            loop {
                let page = invitations::list(&db, &permit, "", sort, after.as_deref(), 7).await.unwrap();
                seen.extend(page.rows.iter().map(|r| r.id));
                match page.next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
            assert_eq!(seen, want, "{sort:?}");
        }
    }
    let by_address = InvitationsSort { column: InvitationsColumn::Email, descending: false };
    let searched = invitations::list(&db, &permit, "P1", by_address, None, 25).await.unwrap();
    let expected: Vec<String> = (10..20).map(|i| format!("p{i}@acme.example")).collect();
    assert_eq!(searched.rows.iter().map(|r| r.email.clone()).collect::<Vec<_>>(), expected);
    // Another order's cursor, or none that reads, is only a place to start from.
    for cursor in ["1000.5", "p15@acme.example.12", "not a cursor", ".", ""] {
        for column in [InvitationsColumn::Invited, InvitationsColumn::Expiry, InvitationsColumn::Email] {
            let sort = InvitationsSort { column, descending: false };
            assert!(invitations::list(&db, &permit, "", sort, Some(cursor), 7).await.is_ok(), "{cursor:?} {sort:?}");
        }
    }
}

async fn r86_the_list_shows_times_in_the_viewers_time_zone_and_names_it(db: TestDb) {
    let s = setup(&db).await;
    invite(&db, &s, s.sales, "ada@acme.example", &[Role::Learner]).await.unwrap();
    // 2026-01-02 03:04 UTC.
    sqlx::query("UPDATE invitations SET expires_at = 1767323040000").execute(&db.pool).await.unwrap();
    let seen_from = |zone: &str| Principal { zone: app::backend::principal::viewer_zone(Some(zone), chrono_tz::Tz::UTC), ..s.owner.clone() };
    for (zone, expires) in [("UTC", "2026-01-02 03:04"), ("Asia/Tokyo", "2026-01-02 12:04"), ("America/New_York", "2026-01-01 22:04")] {
        let viewer = seen_from(zone);
        let list = invitations::list(&db, &permit(&db, &viewer, AddUsersSomewhere).await, "", Default::default(), None, 25).await.unwrap();
        assert_eq!((list.rows[0].expires_at.as_str(), list.time_zone.as_str()), (expires, zone));
    }
}

async fn invite_resend_cancel_and_accept_are_audited_with_who_did_them(db: TestDb) {
    let s = setup(&db).await;
    invite(&db, &s, s.emea, "a@acme.example, b@acme.example, c@acme.example", &[Role::Learner]).await.unwrap();
    let (a, b, c) = (invitation_id(&db, "a@acme.example").await, invitation_id(&db, "b@acme.example").await, invitation_id(&db, "c@acme.example").await);
    sqlx::query("UPDATE invitations SET last_sent_at = last_sent_at - 61000 WHERE id = $1").bind(b).execute(&db.pool).await.unwrap();
    invitations::resend(&db, &s.settings, &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, b).await.unwrap();
    invitations::cancel(&db, &permit(&db, &s.owner, AddUsersSomewhere).await, &s.who, c).await.unwrap();
    let ada = accept_sent_to(&db, &s, "a@acme.example").await.unwrap().user_id;
    let rows: Vec<(Option<i64>, String, i64, String, Option<String>)> =
        sqlx::query_as("SELECT actor_id, action, target_id, details, ip FROM audit_log WHERE target_type = 'invitation' ORDER BY id").fetch_all(&db.pool).await.unwrap();
    let owner = s.who.actor;
    let seen: Vec<(Option<i64>, &str, i64)> = rows.iter().map(|(actor, action, target, _, _)| (*actor, action.as_str(), *target)).collect();
    assert_eq!(
        seen,
        vec![
            (owner, "invitation_created", a),
            (owner, "invitation_created", b),
            (owner, "invitation_created", c),
            (owner, "invitation_resent", b),
            (owner, "invitation_cancelled", c),
            (Some(ada), "invitation_accepted", a),
        ]
    );
    let created: serde_json::Value = serde_json::from_str(&rows[0].3).unwrap();
    assert_eq!(created, serde_json::json!({ "groups": [s.emea], "roles": ["learner"] }));
    assert_eq!(rows[5].4.as_deref(), Some("192.0.2.9"), "the registration's address is kept");
}

/// The token of the invitation email last queued to `to`.
fn registration(token: &str) -> invitations::Registration<'_> {
    invitations::Registration {
        token,
        first_name: "Ada",
        last_name: "Lovelace",
        password: "analytical engine 1843",
        ip: Some("192.0.2.9"),
        user_agent: None,
        previous_session: None,
    }
}

async fn r22_r31_accepting_activates_bills_once_propagates_enrolls_and_logs_in(db: TestDb) {
    let s = setup(&db).await;
    let program = app::backend::programs::create_program(&db, &permit(&db, &s.owner, ManageSessionsSomewhere).await, &s.who, "Onboarding").await.unwrap();
    let new = app::backend::programs::NewSession { program, name: "Spring", starts_on: "2026-03-02", ends_on: "" };
    let session = app::backend::programs::create_session(&db, &permit(&db, &s.owner, ManageSessions(s.sales)).await, &s.who, new).await.unwrap();
    app::backend::programs::assign_group(&db, crate::support::settings(), &session_permit(&db, &s.owner, session, ManageSession).await, &permit(&db, &s.owner, ManageSessions(s.sales)).await, &s.who).await.unwrap();
    invite(&db, &s, s.emea, "Ada@acme.example", &[Role::Learner]).await.unwrap();
    let token = token_sent_to(&db, "Ada@acme.example").await;
    assert_eq!(invitations::pending_address(&db, &token).await.unwrap(), "Ada@acme.example", "opening the link does not use it up");
    assert_eq!(invitations::pending_address(&db, &token).await.unwrap(), "Ada@acme.example");

    let registered = invitations::accept(&db, &s.settings, &hasher(), registration(&token)).await.unwrap();
    let (status, email): (String, String) = sqlx::query_as("SELECT status, email FROM users WHERE id = $1").bind(registered.user_id).fetch_one(&db.pool).await.unwrap();
    assert_eq!((status.as_str(), email.as_str()), ("active", "Ada@acme.example"));
    let memberships: Vec<(i64, String, Option<i64>)> =
        sqlx::query_as("SELECT group_id, role, propagated_from FROM memberships WHERE user_id = $1 ORDER BY group_id").bind(registered.user_id).fetch_all(&db.pool).await.unwrap();
    assert_eq!(memberships, vec![(s.sales, "learner".into(), Some(s.emea)), (s.emea, "learner".into(), None)], "R10");
    assert_eq!(count(&db, "billing_events").await, 1);
    assert!(matches!(invitations::pending_address(&db, &token).await, Err(AppError::NotFound)), "the invitation left the list");
    let session_emails: Vec<String> = sqlx::query_scalar("SELECT subject FROM outbox_emails WHERE kind = 'session_invitation'").fetch_all(&db.pool).await.unwrap();
    assert_eq!(session_emails, vec!["Vous êtes inscrit à Spring (Onboarding)".to_string()], "R31: one email per session, at activation");
    let principal = Principal::load(&db, &Default::default(), &registered.session_token, None).await.unwrap().expect("logged in");
    assert_eq!(principal.user_id, registered.user_id);
    testing::principal_of(&db, "ada@acme.example", "analytical engine 1843").await;
}

async fn r22_double_submission_makes_one_user_and_one_billing(db: TestDb) {
    let s = setup(&db).await;
    for round in 0..100 {
        let address = format!("twice{round}@acme.example");
        invite(&db, &s, s.emea, &address, &[Role::Learner]).await.unwrap();
        let token = token_sent_to(&db, &address).await;
        let hasher = hasher();
        let (a, b) = tokio::join!(
            invitations::accept(&db, &s.settings, &hasher, registration(&token)),
            invitations::accept(&db, &s.settings, &hasher, registration(&token))
        );
        assert!(a.is_ok() != b.is_ok(), "round {round}: exactly one wins");
        let loser = if a.is_ok() { b.err() } else { a.err() };
        assert!(matches!(loser, Some(AppError::NotFound)), "round {round}: the other sees the used link, no raw error: {loser:?}");
    }
    assert_eq!(count(&db, "users").await, 101, "the owner and one user per round");
    assert_eq!(count(&db, "billing_events").await, 100);
}

async fn r23_expired_cancelled_used_and_unknown_links_are_alike(db: TestDb) {
    let s = setup(&db).await;
    for address in ["expired@acme.example", "cancelled@acme.example", "used@acme.example", "weak@acme.example"] {
        invite(&db, &s, s.emea, address, &[Role::Learner]).await.unwrap();
    }
    let expired = token_sent_to(&db, "expired@acme.example").await;
    sqlx::query("UPDATE invitations SET expires_at = $1 WHERE email_key = 'expired@acme.example'").bind(app::backend::db::now_ms() - 1).execute(&db.pool).await.unwrap();
    let cancelled = token_sent_to(&db, "cancelled@acme.example").await;
    sqlx::query("UPDATE invitations SET status = 'cancelled' WHERE email_key = 'cancelled@acme.example'").execute(&db.pool).await.unwrap();
    let used = token_sent_to(&db, "used@acme.example").await;
    invitations::accept(&db, &s.settings, &hasher(), registration(&used)).await.unwrap();
    for token in [expired.as_str(), cancelled.as_str(), used.as_str(), "0000", ""] {
        assert!(matches!(invitations::pending_address(&db, token).await, Err(AppError::NotFound)));
        assert!(matches!(invitations::accept(&db, &s.settings, &hasher(), registration(token)).await, Err(AppError::NotFound)));
    }
    // A weak password is a message at the field; the link still works afterwards.
    let weak = token_sent_to(&db, "weak@acme.example").await;
    let refused = invitations::accept(&db, &s.settings, &hasher(), invitations::Registration { password: "short", ..registration(&weak) }).await;
    assert_eq!(refused.err().and_then(|e| e.for_field("password").cloned()), Some(Msg::PasswordTooShort { min: 10 }));
    assert_eq!(count(&db, "users").await, 2, "the owner and the one accepted invitation");
    invitations::accept(&db, &s.settings, &hasher(), registration(&weak)).await.unwrap();
}

async fn r24_grants_the_inviter_lost_are_dropped_at_acceptance(db: TestDb) {
    let s = setup(&db).await;
    let hash = hasher().hash("group admin password").await.unwrap();
    let admin = testing::insert_user(&db, "gadmin@acme.example", Some(&hash)).await;
    groups::add_member(&db, crate::support::settings(), &permit(&db, &s.owner, AddToGroup::new(s.sales, &[Role::Admin])).await, &s.who, admin).await.unwrap();
    groups::add_member(&db, crate::support::settings(), &permit(&db, &s.owner, AddToGroup::new(s.emea, &[Role::UserAdmin])).await, &s.who, admin).await.unwrap();
    let group_admin = testing::principal_of(&db, "gadmin@acme.example", "group admin password").await;
    let who = Who { actor: Some(admin), ..Who::default() };
    let no_details = app::wire::details::UserDetails::default();
    let by_admin = async |emails: &'static str, roles: &'static [Role]| {
        invitations::invite(&db, &s.settings, Inviting::ToGroup(&permit(&db, &group_admin, AddToGroup::new(s.emea, roles)).await), &who, emails, &no_details).await
    };
    by_admin("coach@acme.example", &[Role::Coach, Role::Learner]).await.unwrap();
    by_admin("gone@acme.example", &[Role::Coach]).await.unwrap();
    // The inviter is no longer admin of Sales: only the learner grant (as user_admin of EMEA) stands.
    groups::remove_membership(&db, &permit(&db, &s.owner, RemoveRole(s.sales, Role::Admin)).await, &s.who, admin).await.unwrap();
    let kept = invitations::accept(&db, &s.settings, &hasher(), registration(&token_sent_to(&db, "coach@acme.example").await)).await.unwrap();
    let roles: Vec<String> = sqlx::query_scalar("SELECT role FROM memberships WHERE user_id = $1 AND group_id = $2").bind(kept.user_id).bind(s.emea).fetch_all(&db.pool).await.unwrap();
    assert_eq!(roles, vec!["learner".to_string()]);
    let gone = invitations::accept(&db, &s.settings, &hasher(), registration(&token_sent_to(&db, "gone@acme.example").await)).await;
    assert!(matches!(gone, Err(AppError::NotFound)), "no grant left: the link is invalid");
}


use crate::support::Acme as Setup;

async fn setup(db: &TestDb) -> Setup {
    crate::support::acme(db, Lang::Fr).await
}

async fn invite(db: &TestDb, s: &Setup, group: i64, emails: &str, roles: &[Role]) -> Result<Vec<InviteOutcome>, AppError> {
    invitations::invite(db, &s.settings, Inviting::ToGroup(&permit(db, &s.owner, AddToGroup::new(group, roles)).await), &s.who, emails, &Default::default()).await
}

async fn count(db: &TestDb, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&db.pool).await.unwrap()
}

async fn r21_each_address_gets_its_own_outcome(db: TestDb) {
    let s = setup(&db).await;
    invite(&db, &s, s.sales, "pending@acme.example", &[Role::Coach]).await.unwrap();
    let outcomes = invite(&db, &s, s.emea, "New@Acme.example, new@ACME.example; not-an-email\nOWNER@acme.example pending@acme.example", &[Role::Learner])
        .await
        .unwrap();
    let results: Vec<(&str, &InviteResult)> = outcomes.iter().map(|o| (o.address.as_str(), &o.result)).collect();
    assert_eq!(
        results,
        vec![
            ("New@Acme.example", &InviteResult::Invited),
            ("new@ACME.example", &InviteResult::Repeated),
            ("not-an-email", &InviteResult::Invalid),
            ("OWNER@acme.example", &InviteResult::ActiveAccount { user_id: s.owner.user_id, may_add_here: true }),
            ("pending@acme.example", &InviteResult::AlreadyInvited),
        ]
    );
    // The pending invitation gained the new group and role; no second email for it.
    let grants: Vec<(i64, String)> = sqlx::query_as(
        "SELECT g.group_id, g.role FROM invitation_grants g JOIN invitations i ON i.id = g.invitation_id WHERE i.email_key = 'pending@acme.example' ORDER BY g.group_id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(grants, vec![(s.sales, "coach".to_string()), (s.emea, "learner".to_string())]);
    assert_eq!(count(&db, "outbox_emails").await, 2, "one email per new invitation");
    let stored: String = sqlx::query_scalar("SELECT email FROM invitations WHERE email_key = 'new@acme.example'").fetch_one(&db.pool).await.unwrap();
    assert_eq!(stored, "New@Acme.example", "stored as typed");
}

async fn r22_the_email_carries_a_personal_link_and_only_its_hash_is_stored(db: TestDb) {
    let s = setup(&db).await;
    invite(&db, &s, s.emea, "ada@acme.example", &[Role::Learner]).await.unwrap();
    let (to, subject, text, language): (String, String, String, String) =
        sqlx::query_as(&format!("SELECT to_address, subject, {}, language FROM outbox_emails", app::backend::mail::DELIVERED_TEXT)).fetch_one(&db.pool).await.unwrap();
    assert_eq!(to, "ada@acme.example");
    assert_eq!(language, "fr", "the platform's language");
    assert_eq!(subject, "Olga Owner vous invite sur Acme");
    let link = text.split_whitespace().find(|w| w.starts_with("https://learn.acme.example/invitation/")).expect("a link from PUBLIC_URL");
    let token = link.rsplit('/').next().unwrap();
    assert_eq!(token.len(), 64, "256 bits");
    let (hash, expires_at, created_at): (String, i64, i64) =
        sqlx::query_as("SELECT token_hash, expires_at, created_at FROM invitations").fetch_one(&db.pool).await.unwrap();
    assert_eq!(hash, token_hash(token));
    assert_ne!(hash, token);
    assert_eq!(expires_at - created_at, 7 * 24 * 3600 * 1000, "R24: the platform's lifetime, 7 days by default");
}

async fn bad_input_gets_field_messages_and_creates_nothing(db: TestDb) {
    let s = setup(&db).await;
    let field = |r: Result<Vec<InviteOutcome>, AppError>, f: &str| r.err().and_then(|e| e.for_field(f).cloned());
    assert_eq!(field(invite(&db, &s, s.emea, " ,; ", &[Role::Learner]).await, "emails"), Some(Msg::Required));
    assert_eq!(field(invite(&db, &s, s.emea, "a@acme.example", &[]).await, "roles"), Some(Msg::ChooseARole));
    let many: Vec<String> = (0..101).map(|i| format!("u{i}@acme.example")).collect();
    assert_eq!(field(invite(&db, &s, s.emea, &many.join(" "), &[Role::Learner]).await, "emails"), Some(Msg::TooManyAddresses { max: 100, count: 101 }));
    assert_eq!((count(&db, "invitations").await, count(&db, "outbox_emails").await), (0, 0));
}

async fn r21_two_admins_inviting_the_same_address_at_once_make_one_invitation_and_one_email(db: TestDb) {
    let s = setup(&db).await;
    for round in 0..100 {
        let address = format!("race{round}@acme.example");
        let upper = address.to_uppercase();
        let (a, b) = tokio::join!(invite(&db, &s, s.emea, &address, &[Role::Learner]), invite(&db, &s, s.sales, &upper, &[Role::Coach]));
        let mut results = vec![a.unwrap().remove(0).result, b.unwrap().remove(0).result];
        results.sort_by_key(|r| format!("{r:?}"));
        assert_eq!(results, vec![InviteResult::AlreadyInvited, InviteResult::Invited], "round {round}");
    }
    assert_eq!(count(&db, "invitations").await, 100);
    assert_eq!(count(&db, "outbox_emails").await, 100, "one email per decided invitation");
    assert_eq!(count(&db, "invitation_grants").await, 200, "both inviters' grants on the one invitation");
}
