//! R93 from the user page: an administrator who may manage a user's access deactivates the
//! account — no login, sessions ended, shown as Deactivated, not counted as active by billing —
//! and reactivates it; others are refused. On SQLite and PostgreSQL.

use app::backend::testing::TestDb;
use http::StatusCode;

use super::{body_text, demo_on, post, Harness};

app::on_both_databases!(r93_an_administrator_deactivates_and_reactivates_an_account_on_its_page,);

async fn logs_in(h: &Harness, login: &str) -> StatusCode {
    h.send(post("/api/login", &format!("login={}&password={}", login.replace('@', "%40"), h.password))).await.status()
}

async fn r93_an_administrator_deactivates_and_reactivates_an_account_on_its_page(db: TestDb) {
    let h = demo_on(db).await;
    let owner = h.log_in().await;
    let paula = h.log_in_as("admin@northwind.example").await;
    let ulysse = h.log_in_as("emea.useradmin@northwind.example").await;
    let leo = h.user("learner@northwind.example").await;
    let colin = h.user("emea.coach@northwind.example").await;
    let session = h.log_in_as("learner@northwind.example").await;
    let active = || async { body_text(h.call(&owner, "/api/billing", "page=1").await).await };
    let before = active().await;

    // A user admin manages learners (R54): Leo, yes; Colin, a coach, no; nobody themselves.
    assert_eq!(h.call(&ulysse, "/api/users/set_active", &format!("user={colin}&active=false")).await.status(), StatusCode::FORBIDDEN);
    let paula_id = h.user("admin@northwind.example").await;
    assert_eq!(h.call(&paula, "/api/users/set_active", &format!("user={paula_id}&active=false")).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(h.call(&ulysse, "/api/users/set_active", &format!("user={leo}&active=false")).await.status(), StatusCode::OK);

    // Deactivated: no login, the session ended, shown so, and filtered so.
    assert_eq!(logs_in(&h, "learner@northwind.example").await, StatusCode::UNAUTHORIZED);
    assert_eq!(h.call(&session, "/api/users/list", "").await.status(), StatusCode::UNAUTHORIZED);
    let page = body_text(h.call(&paula, "/api/users/get", &format!("id={leo}")).await).await;
    assert!(page.contains("\"status\":\"deactivated\""), "{page}");
    let listed = body_text(h.call(&paula, "/api/users/list", "filter[status]=deactivated").await).await;
    assert!(listed.contains("learner@northwind.example") && !listed.contains("admin@northwind.example"), "{listed}");
    assert_ne!(active().await, before, "billing counts one active account fewer");

    // Reactivated: logs in again; billing as before (not billed twice).
    assert_eq!(h.call(&paula, "/api/users/set_active", &format!("user={leo}&active=true")).await.status(), StatusCode::OK);
    assert_eq!(logs_in(&h, "learner@northwind.example").await, StatusCode::OK);
    assert_eq!(active().await, before);
    let audited: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log WHERE target_type = 'user' AND target_id = $1 AND action LIKE 'user_%activated' ORDER BY id")
        .bind(leo)
        .fetch_all(&h.db.pool)
        .await
        .unwrap();
    assert_eq!(audited, ["user_deactivated", "user_reactivated"]);
}
