//! Rate limits through the real door (R48, R55, R69): attempts are counted before they are
//! decided, so a burst gets no more than the limit; a browser that logged in before is let
//! through a lock-out strangers caused. On SQLite and PostgreSQL.

use app::backend::testing::TestDb;
use http::{header, StatusCode};

use super::{demo_on, post, with_cookie, Harness};

app::on_both_databases!(
    r48_a_browser_that_logged_in_before_gets_through_a_lock_out_strangers_caused,
    r55_sixty_registrations_at_once_from_one_address_get_fifty_answers,
    r69_twenty_guesses_at_the_current_password_at_once_get_five_checks,
);

/// The `name=value` of each cookie the response sets.
fn cookies_set(response: &http::Response<axum::body::Body>) -> Vec<String> {
    response.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string()).collect()
}

async fn statuses(h: &Harness, requests: Vec<http::Request<axum::body::Body>>) -> Vec<StatusCode> {
    let tasks: Vec<_> = requests.into_iter().map(|r| tokio::spawn(h.router.clone().oneshot_status(r))).collect();
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

trait OneshotStatus {
    fn oneshot_status(self, request: http::Request<axum::body::Body>) -> impl std::future::Future<Output = StatusCode> + Send + 'static;
}

impl OneshotStatus for axum::Router {
    fn oneshot_status(self, request: http::Request<axum::body::Body>) -> impl std::future::Future<Output = StatusCode> + Send + 'static {
        use tower::ServiceExt;
        async move { self.oneshot(request).await.expect("the router always answers").status() }
    }
}

fn count(statuses: &[StatusCode], status: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

async fn r48_a_browser_that_logged_in_before_gets_through_a_lock_out_strangers_caused(db: TestDb) {
    let h = demo_on(db).await;
    let right = format!("login=owner%40northwind.example&password={}", h.password);
    let first = h.send(post("/api/login", &right)).await;
    let set = cookies_set(&first);
    let device = set.iter().find(|c| c.starts_with("roster_device=")).expect("a device cookie at login").clone();
    assert!(set.iter().any(|c| c.starts_with("roster_session=")));

    for _ in 0..5 {
        let wrong = h.send(post("/api/login", "login=owner%40northwind.example&password=a+strangers+guess")).await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    let stranger = h.send(post("/api/login", &right)).await;
    assert_eq!(stranger.status(), StatusCode::TOO_MANY_REQUESTS, "a browser without the cookie waits");
    let mine = h.send(with_cookie(post("/api/login", &right), &device)).await;
    assert_eq!(mine.status(), StatusCode::OK, "the owner's own browser is let through");
    assert!(!cookies_set(&mine).iter().any(|c| c.starts_with("roster_device=")), "and keeps its cookie");
}

async fn r55_sixty_registrations_at_once_from_one_address_get_fifty_answers(db: TestDb) {
    let h = demo_on(db).await;
    let requests = (0..60).map(|i| post("/api/invitations/register", &format!("token=not-a-token-{i}&first_name=Eve&last_name=M&password=a+long+enough+secret"))).collect();
    let got = statuses(&h, requests).await;
    assert_eq!((count(&got, StatusCode::NOT_FOUND), count(&got, StatusCode::TOO_MANY_REQUESTS)), (50, 10), "{got:?}");
}

async fn r69_twenty_guesses_at_the_current_password_at_once_get_five_checks(db: TestDb) {
    let h = demo_on(db).await;
    let leo = h.log_in_as("learner@northwind.example").await;
    let requests = (0..20).map(|_| with_cookie(post("/api/change_password", "current_password=a-guess&new_password=a+fresh+secret+of+mine"), &leo)).collect();
    let got = statuses(&h, requests).await;
    assert_eq!((count(&got, StatusCode::BAD_REQUEST), count(&got, StatusCode::TOO_MANY_REQUESTS)), (5, 15), "{got:?}");
}
