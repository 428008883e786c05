//! Who may do what **to whom** (issue 9, R54, R62): the demo's people call the server functions
//! directly, as an attacker holding their session would, on SQLite and PostgreSQL. Each refusal
//! is checked with what it would have changed.

use app::backend::testing::TestDb;
use app::backend::{audit::Who, groups};
use app::domain::capability::AddToGroup;
use app::domain::role::Role;
use app::error::AppError;
use app::i18n::Msg;
use http::StatusCode;

use super::{app_error, demo_on, Harness};

app::on_both_databases!(
    r54_a_user_admin_manages_learners_only,
    r54_an_admins_password_credentials_and_deletion_date_are_managed_only_from_strictly_above,
    r54_the_owners_account_is_the_owners_alone,
    r62_add_member_attaches_only_accounts_one_already_sees,
    r5_the_permission_check_runs_even_with_no_role_chosen,
);

/// A person who logs in with `login` (a username, or an email) and the demo password, holding
/// `roles` directly in `group` (learners climb, R10).
async fn person(h: &Harness, login: &str, group: i64, roles: &[Role]) -> i64 {
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE email = 'learner@northwind.example'").fetch_one(&h.db.pool).await.unwrap();
    let column = if login.contains('@') { "email" } else { "username" };
    let id: i64 = sqlx::query_scalar(&format!(
        "INSERT INTO users ({column}, {column}_key, first_name, last_name, status, password_hash, created_at) VALUES ($1, $1, 'Test', 'Person', 'active', $2, 0) RETURNING id"
    ))
    .bind(login)
    .bind(hash)
    .fetch_one(&h.db.pool)
    .await
    .unwrap();
    if !roles.is_empty() {
        let owner = h.principal("owner@northwind.example").await;
        let adding = owner.require(AddToGroup::new(group, roles)).unwrap();
        groups::add_member(&h.db, &app::backend::Settings::new(super::PUBLIC_URL), &adding, &Who::default(), id).await.unwrap();
    }
    id
}

/// What R54's refusals protect: the password, the must-change flag, the deletion date, the
/// language and the emails queued for the user.
async fn account(h: &Harness, user: i64) -> (Option<String>, i64, Option<String>, Option<String>, i64) {
    sqlx::query_as(
        "SELECT password_hash, must_change_password, deletion_date, language, (SELECT COUNT(*) FROM outbox_emails e WHERE e.user_id = u.id) FROM users u WHERE id = $1",
    )
    .bind(user)
    .fetch_one(&h.db.pool)
    .await
    .unwrap()
}

async fn refused(h: &Harness, cookie: &str, path: &str, body: &str) {
    let response = h.call(cookie, path, body).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path} {body}");
    assert_eq!(app_error(response).await, AppError::NotAllowed, "{path} {body}");
}

async fn done(h: &Harness, cookie: &str, path: &str, body: &str) {
    let response = h.call(cookie, path, body).await;
    let status = response.status();
    assert_eq!(status, StatusCode::OK, "{path} {body}: {:?}", app_error(response).await);
}

const A_NEW_PASSWORD: &str = "password=a+brand+new+secret+phrase";

async fn r54_a_user_admin_manages_learners_only(db: TestDb) {
    let h = demo_on(db).await;
    let emea = h.group("Sales EMEA").await;
    let ulysse = h.log_in_as("emea.useradmin@northwind.example").await;
    let admin = person(&h, "emea.boss", emea, &[Role::Admin]).await;
    let coach = h.user("emea.coach@northwind.example").await;
    let learner = person(&h, "emea.trainee", emea, &[Role::Learner]).await;
    let (admin_before, coach_before) = (account(&h, admin).await, account(&h, coach).await);

    // The review's takeover: a username-only admin re-passworded, then logged in as.
    refused(&h, &ulysse, "/api/users/set_password", &format!("user={admin}&{A_NEW_PASSWORD}")).await;
    refused(&h, &ulysse, "/api/users/send_credentials", &format!("user={coach}")).await;
    refused(&h, &ulysse, "/api/users/set_details", &format!("user={coach}&details[deletion_date]=2099-01-05")).await;
    refused(&h, &ulysse, "/api/users/set_details", &format!("user={admin}&details[language]=fr")).await;
    assert_eq!(account(&h, admin).await, admin_before);
    assert_eq!(account(&h, coach).await, coach_before, "no email, no sessions ended, no date");
    let still = h.send(super::post("/api/login", &format!("login=emea.boss&password={}", h.password))).await;
    assert_eq!(still.status(), StatusCode::OK, "the admin's own password still works");

    let detail: serde_json::Value = serde_json::from_slice(&super::body_bytes(h.call(&ulysse, "/api/users/get", &format!("id={coach}")).await).await).unwrap();
    assert_eq!((detail["may_manage"].as_bool(), detail["may_manage_access"].as_bool()), (Some(false), Some(false)), "the page offers nothing");

    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'call_refused' AND actor_id = (SELECT id FROM users WHERE email = 'emea.useradmin@northwind.example')")
        .fetch_one(&h.db.pool)
        .await
        .unwrap();
    assert_eq!(audited, 4, "each refused call is in the audit log (R46)");

    // Learners of their group stay theirs to manage (R3).
    done(&h, &ulysse, "/api/users/set_password", &format!("user={learner}&{A_NEW_PASSWORD}")).await;
    done(&h, &ulysse, "/api/users/set_details", &format!("user={learner}&details[deletion_date]=2099-1-5")).await;
    assert_eq!(account(&h, learner).await.2.as_deref(), Some("2099-01-05"), "stored YYYY-MM-DD whatever the typing");
}

async fn r54_an_admins_password_credentials_and_deletion_date_are_managed_only_from_strictly_above(db: TestDb) {
    let h = demo_on(db).await;
    let (sales, emea) = (h.group("Sales").await, h.group("Sales EMEA").await);
    let greta = h.log_in_as("sales.admin@northwind.example").await;
    let peer = person(&h, "sales.peer", sales, &[Role::Admin]).await;
    let peer_with_email = person(&h, "sales.peer@northwind.example", sales, &[Role::Admin]).await;
    let below = person(&h, "emea.boss", emea, &[Role::Admin]).await;
    let before = account(&h, peer).await;

    refused(&h, &greta, "/api/users/set_password", &format!("user={peer}&{A_NEW_PASSWORD}")).await;
    refused(&h, &greta, "/api/users/send_credentials", &format!("user={peer_with_email}")).await;
    refused(&h, &greta, "/api/users/set_details", &format!("user={peer}&details[deletion_date]=2099-01-05")).await;
    assert_eq!(account(&h, peer).await, before);
    assert_eq!(account(&h, peer_with_email).await.4, 0, "no credentials email");
    // A peer's language and labels are details, not access.
    done(&h, &greta, "/api/users/set_details", &format!("user={peer}&details[language]=fr")).await;
    assert_eq!(account(&h, peer).await.3.as_deref(), Some("fr"));

    // An admin of a group below: from strictly above, Greta may.
    done(&h, &greta, "/api/users/set_password", &format!("user={below}&{A_NEW_PASSWORD}")).await;
    done(&h, &greta, "/api/users/set_details", &format!("user={below}&details[deletion_date]=2099-01-05")).await;
}

async fn r54_the_owners_account_is_the_owners_alone(db: TestDb) {
    let h = demo_on(db).await;
    let paula = h.log_in_as("admin@northwind.example").await;
    let owner = h.user("owner@northwind.example").await;
    let before = account(&h, owner).await;
    refused(&h, &paula, "/api/users/send_credentials", &format!("user={owner}")).await;
    refused(&h, &paula, "/api/users/set_details", &format!("user={owner}&details[language]=fr")).await;
    assert_eq!(account(&h, owner).await, before, "no new password for a platform admin to read");
    // Everyone else is a platform administrator's to manage (R1).
    let greta = h.user("sales.admin@northwind.example").await;
    done(&h, &paula, "/api/users/send_credentials", &format!("user={greta}")).await;
    assert_eq!(account(&h, greta).await.4, 1, "Greta's new credentials are queued");
}

async fn r62_add_member_attaches_only_accounts_one_already_sees(db: TestDb) {
    let h = demo_on(db).await;
    let sales = h.group("Sales").await;
    let greta = h.log_in_as("sales.admin@northwind.example").await;
    let loner = person(&h, "loner@northwind.example", sales, &[]).await;
    let memberships = || async { sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM memberships").fetch_one(&h.db.pool).await.unwrap() };
    let before = memberships().await;
    let unknown = app_error(h.call(&greta, "/api/groups/add_member", &format!("group={sales}&login=nobody%40northwind.example&roles[0]=learner")).await).await;
    assert_eq!(unknown.for_field("login"), Some(&Msg::NoSuchUser));
    for login in ["loner%40northwind.example", "owner%40northwind.example", "admin%40northwind.example"] {
        let response = h.call(&greta, "/api/groups/add_member", &format!("group={sales}&login={login}&roles[0]=learner")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{login}");
        assert_eq!(app_error(response).await, unknown, "{login} is answered like an unknown user");
    }
    assert_eq!(memberships().await, before, "nobody was pulled in");
    refused_or_not_found(&h, &greta, loner).await;

    // Someone Greta sees (a learner below Sales) is attached as before.
    let learner_elsewhere = person(&h, "emea.trainee@northwind.example", h.group("Sales EMEA").await, &[Role::Learner]).await;
    done(&h, &greta, "/api/groups/add_member", &format!("group={sales}&login=emea.trainee%40northwind.example&roles[0]=author")).await;
    let roles: Vec<String> = sqlx::query_scalar("SELECT role FROM memberships WHERE user_id = $1 AND group_id = $2").bind(learner_elsewhere).bind(sales).fetch_all(&h.db.pool).await.unwrap();
    assert!(roles.contains(&"author".to_string()));
}

/// A user outside one's sight cannot be re-passworded either: "not found", as if absent.
async fn refused_or_not_found(h: &Harness, cookie: &str, user: i64) {
    let response = h.call(cookie, "/api/users/set_password", &format!("user={user}&{A_NEW_PASSWORD}")).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

async fn r5_the_permission_check_runs_even_with_no_role_chosen(db: TestDb) {
    let h = demo_on(db).await;
    let paris = h.group("Paris office").await;
    let leo = h.log_in_as("learner@northwind.example").await;
    refused(&h, &leo, "/api/groups/add_member", &format!("group={paris}&login=author%40northwind.example")).await;
    refused(&h, &leo, "/api/invitations/invite", &format!("group={paris}&emails=friend%40example.com")).await;
    let invitations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invitations").fetch_one(&h.db.pool).await.unwrap();
    assert_eq!(invitations, 0);
    // Those who may add users there are told to choose a role.
    let greta = h.log_in_as("sales.admin@northwind.example").await;
    let sales = h.group("Sales").await;
    let response = h.call(&greta, "/api/invitations/invite", &format!("group={sales}&emails=friend%40example.com")).await;
    assert_eq!(app_error(response).await.for_field("roles"), Some(&Msg::ChooseARole));
}
