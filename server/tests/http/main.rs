#![recursion_limit = "256"]
//! HTTP tests of the whole router, without a socket: authentication, the cross-site guard and
//! the security headers, for every server function there is.

use std::sync::Arc;

use app::backend::testing::{self, TestDb};
use app::api::context::AppState;
use app::backend::{auth::PasswordHasher, seed, MailSetup, Settings};
use app::error::AppError;
use axum::body::Body;
use axum::Router;
use http::{header, Request, Response, StatusCode};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use tower::ServiceExt;

const PUBLIC_URL: &str = "http://127.0.0.1:3000";
use server::middleware::PUBLIC_SERVER_FNS;

mod api_tokens;
mod bad_input;
mod climb;
mod deactivation;
mod email_limits;
mod import;
mod labels;
mod limits;
mod matrix;
mod platform_settings;
mod rest_api;
mod scim_groups;
mod scim_users;
mod who_may_touch_whom;

struct Harness {
    router: Router,
    password: String,
    db: TestDb,
}

async fn harness() -> Harness {
    demo_on(testing::sqlite().await).await
}

/// The demo platform on this database, behind the router.
async fn demo_on(db: TestDb) -> Harness {
    let credentials = seed::demo(&db, &PasswordHasher::default()).await.expect("demo data");
    harness_on(db, credentials.owner.password)
}

fn harness_on(db: TestDb, password: String) -> Harness {
    // As `serve --demo` runs on a local address: emails kept in the development mailbox.
    harness_with(db, password, Settings { mail: MailSetup::DevelopmentMailbox, ..Settings::new(PUBLIC_URL) })
}

fn harness_with(db: TestDb, password: String, settings: Settings) -> Harness {
    let leptos_options = LeptosOptions::builder().output_name("roster").site_root("target/site").build();
    let state = AppState { leptos_options, db: db.db.clone(), settings: Arc::new(settings), hasher: PasswordHasher::default(), trees: Default::default() };
    Harness { router: server::router::app(state), password, db }
}

impl Harness {
    /// The id of the demo group with this name.
    async fn group(&self, name: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM groups WHERE name = $1").bind(name).fetch_one(&self.db.pool).await.unwrap()
    }

    /// The id of the user with this email or username.
    async fn user(&self, login: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM users WHERE email = $1 OR username = $1").bind(login).fetch_one(&self.db.pool).await.unwrap()
    }

    /// The principal of a fresh session of the user with this email or username, as a request
    /// of theirs would see it: for the permits of the setting-up done through the services.
    async fn principal(&self, login: &str) -> app::backend::Principal {
        let user = self.user(login).await;
        let mut tx = self.db.begin().await.unwrap();
        let token = app::backend::auth::open_session(&mut tx, user, None, None, None).await.unwrap();
        tx.commit().await.unwrap();
        app::backend::Principal::load(&self.db, &Default::default(), &token, None).await.unwrap().unwrap()
    }

    /// A same-origin call of a server function by the holder of `cookie`.
    async fn call(&self, cookie: &str, path: &str, body: &str) -> Response<Body> {
        self.send(with_cookie(post(path, body), cookie)).await
    }

    async fn send(&self, request: Request<Body>) -> Response<Body> {
        self.router.clone().oneshot(request).await.expect("the router always answers")
    }

    /// Logs the demo owner in; returns the `name=value` of the session cookie.
    async fn log_in(&self) -> String {
        self.log_in_as("owner@northwind.example").await
    }

    /// Logs a demo user in (they all share the owner's password).
    async fn log_in_as(&self, email: &str) -> String {
        let response = self.send(post("/api/login", &format!("login={}&password={}", email.replace('@', "%40"), self.password))).await;
        assert_eq!(response.status(), StatusCode::OK);
        let cookie = response.headers().get(header::SET_COOKIE).expect("a session cookie").to_str().unwrap().to_string();
        cookie.split(';').next().unwrap().to_string()
    }
}

/// A same-origin POST, as our pages send them.
fn post(path: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header("sec-fetch-site", "same-origin")
        .header(header::ORIGIN, PUBLIC_URL)
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// A same-origin upload of `file` as the import panel sends it (multipart, field `file`).
fn multipart(path: &str, file_name: &str, file: &[u8]) -> Request<Body> {
    const BOUNDARY: &str = "roster-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n").into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    Request::post(path)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .header(header::ACCEPT, "application/json")
        .header("sec-fetch-site", "same-origin")
        .header(header::ORIGIN, PUBLIC_URL)
        .body(Body::from(body))
        .unwrap()
}

fn with_cookie(mut request: Request<Body>, cookie: &str) -> Request<Body> {
    request.headers_mut().insert(header::COOKIE, cookie.parse().unwrap());
    request
}

async fn app_error(response: Response<Body>) -> AppError {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("not an AppError ({e}): {}", String::from_utf8_lossy(&bytes)))
}

fn server_fn_paths() -> Vec<&'static str> {
    let mut paths: Vec<&'static str> = server_fn::axum::server_fn_paths().map(|(path, _)| path).collect();
    paths.sort();
    assert!(paths.len() >= 6, "the server functions are registered: {paths:?}");
    paths
}

#[tokio::test]
async fn every_server_function_refuses_an_anonymous_caller() {
    let h = harness().await;
    assert_eq!(
        PUBLIC_SERVER_FNS,
        ["/api/login", "/api/invitations/open", "/api/invitations/register"],
        "a new public server function is a decision, not an accident"
    );
    for path in server_fn_paths().into_iter().filter(|p| !PUBLIC_SERVER_FNS.contains(p)) {
        let response = h.send(post(path, "")).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(app_error(response).await, AppError::NotSignedIn, "{path}");
    }
}

#[tokio::test]
async fn every_server_function_refuses_a_cross_site_post_even_with_a_valid_session() {
    let h = harness().await;
    let cookie = h.log_in().await;
    for path in server_fn_paths() {
        for (header_name, value) in [("sec-fetch-site", "cross-site"), ("sec-fetch-site", "same-site"), ("origin", "https://evil.example")] {
            let mut request = with_cookie(post(path, ""), &cookie);
            request.headers_mut().remove("sec-fetch-site");
            request.headers_mut().remove(header::ORIGIN);
            request.headers_mut().insert(header_name, value.parse().unwrap());
            let response = h.send(request).await;
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path} with {header_name}: {value}");
            assert_eq!(app_error(response).await, AppError::BadRequest);
        }
    }
}

#[tokio::test]
async fn login_sets_a_strict_session_cookie_and_wrong_credentials_get_a_generic_401() {
    let h = harness().await;
    let wrong = h.send(post("/api/login", "login=owner%40northwind.example&password=nope-nope-nope")).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong.headers().get(header::SET_COOKIE).is_none());
    assert_eq!(app_error(wrong).await, AppError::WrongCredentials);
    let unknown = h.send(post("/api/login", &format!("login=nobody%40northwind.example&password={}", h.password))).await;
    assert_eq!(app_error(unknown).await, AppError::WrongCredentials, "no hint whether the account exists");
    let empty = h.send(post("/api/login", "login=&password=")).await;
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
    let fields: Vec<String> = match app_error(empty).await {
        AppError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("{other:?}"),
    };
    assert_eq!(fields, vec!["login", "password"]);

    let response = h.send(post("/api/login", &format!("login=owner%40northwind.example&password={}", h.password))).await;
    let cookie = response.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cookie.starts_with("roster_session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
}

#[tokio::test]
async fn repeated_wrong_passwords_get_429_with_retry_after() {
    let h = harness().await;
    let mut last = None;
    for _ in 0..6 {
        last = Some(h.send(post("/api/login", "login=owner%40northwind.example&password=wrong-password-again")).await);
    }
    let response = last.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers().get(header::RETRY_AFTER).unwrap().to_str().unwrap().parse().unwrap();
    assert!(retry_after > 0 && retry_after <= 900);
    assert_eq!(app_error(response).await, AppError::TooManyAttempts { retry_after_secs: retry_after });
}

#[tokio::test]
async fn pages_need_a_session_and_carry_security_headers() {
    let h = harness().await;
    let anonymous = h.send(Request::get("/dashboard/users").body(Body::empty()).unwrap()).await;
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert_eq!(anonymous.headers().get(header::LOCATION).unwrap(), "/login");

    let login_page = h.send(Request::get("/login").body(Body::empty()).unwrap()).await;
    assert_eq!(login_page.status(), StatusCode::OK);

    let cookie = h.log_in().await;
    let page = h.send(with_cookie(Request::get("/dashboard/users").body(Body::empty()).unwrap(), &cookie)).await;
    assert_eq!(page.status(), StatusCode::OK);
    let headers = page.headers().clone();
    let csp = headers.get(header::CONTENT_SECURITY_POLICY).expect("a CSP").to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(!csp.contains("'unsafe-inline'") && !csp.contains("'unsafe-eval'"), "no script evaluation beyond wasm: {csp}");
    assert_eq!(headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
    assert_eq!(headers.get(header::REFERRER_POLICY).unwrap(), "same-origin");
    let html = body_text(page).await;
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("a nonce in the CSP");
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the page's scripts carry the CSP nonce");
    assert!(html.contains("USERS") && html.contains("Chloé"), "the page is rendered on the server");

    let logged_in_login = h.send(with_cookie(Request::get("/login").body(Body::empty()).unwrap(), &cookie)).await;
    assert_eq!(logged_in_login.status(), StatusCode::SEE_OTHER, "signed in: /login sends home");
}

#[tokio::test]
async fn r89_a_pages_code_is_not_preloaded_and_starts_once_the_page_is_painted() {
    let h = harness().await;
    let cookie = h.log_in().await;
    for path in ["/login", "/", "/add-users"] {
        let request = Request::get(path).body(Body::empty()).unwrap();
        let html = body_text(h.send(if path == "/login" { request } else { with_cookie(request, &cookie) }).await).await;
        assert!(!html.contains("rel=\"preload\"") && !html.contains("rel=\"modulepreload\""), "{path}: nothing preloaded in the head");
        let script = html.split("<script type=\"module\"").nth(1).expect("the hydration script");
        assert!(script.contains("addEventListener('load'") && script.contains("requestAnimationFrame"), "{path}: started after load and a paint");
        assert!(script.contains("\"/pkg/roster.js\", \"/pkg/roster.wasm\""), "{path}: the code's files: {script:.300}");
    }
}

#[tokio::test]
async fn r86_pages_show_times_in_the_zone_the_browser_names_else_the_platforms() {
    let h = harness().await;
    let session = h.log_in().await;
    for (zone, named) in [(None, "Europe/Paris"), (Some("Asia/Tokyo"), "Asia/Tokyo"), (Some("Mars/Olympus_Mons"), "Europe/Paris")] {
        let cookie = match zone {
            Some(zone) => format!("{session}; {}={zone}", app::wire::directory::ZONE_COOKIE),
            None => session.clone(),
        };
        let html = body_text(h.send(with_cookie(Request::get("/dashboard/users").body(Body::empty()).unwrap(), &cookie)).await).await;
        assert!(html.contains(&format!("Dates and times are in the {named} time zone.")), "{zone:?}: the list names {named}");
    }
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let h = harness().await;
    let cookie = h.log_in().await;
    let response = h.send(with_cookie(post("/api/logout", ""), &cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap().contains("Max-Age=0"));
    let after = h.send(with_cookie(post("/api/shell", ""), &cookie)).await;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED, "the old cookie is worth nothing");
}

#[tokio::test]
async fn r44_pages_speak_the_platforms_language_before_login_and_the_users_after() {
    let db = testing::sqlite().await;
    let new = seed::NewPlatform { name: "Académie", language: app::i18n::Lang::Fr, owner_email: "chef@example.fr", owner_first_name: "Chef", owner_last_name: "Fr", time_zone: "Europe/Paris" };
    let owner = seed::init(&db, new).await.unwrap();
    let h = harness_on(db, owner.password.clone());
    let html = body_text(h.send(Request::get("/login").body(Body::empty()).unwrap()).await).await;
    assert!(html.contains("<html lang=\"fr\"") && html.contains("Se connecter"), "French platform, anonymous visitor");

    let response = h.send(post("/api/login", &format!("login=chef%40example.fr&password={}", owner.password))).await;
    let cookie = response.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
    // R27: a one-time password leads to the change-password page, and nothing else is served.
    let home = h.send(with_cookie(Request::get("/").body(Body::empty()).unwrap(), &cookie)).await;
    assert_eq!((home.status(), home.headers().get(header::LOCATION).unwrap().to_str().unwrap()), (StatusCode::SEE_OTHER, "/change-password"));
    let shell = h.send(with_cookie(post("/api/shell", ""), &cookie)).await;
    assert_eq!(shell.status(), StatusCode::FORBIDDEN);
    assert_eq!(app_error(shell).await, AppError::MustChangePassword);
    let page = body_text(h.send(with_cookie(Request::get("/change-password").body(Body::empty()).unwrap(), &cookie)).await).await;
    assert!(page.contains("Choisissez un nouveau mot de passe"), "the user's language (the platform's, having none)");

    // Before the page hydrates, its form posts itself (no JavaScript); once the password is
    // changed, the page sends the person on to the homepage.
    let mut native = with_cookie(post("/api/change_password", "new_password=un+secret+bien+long+42"), &cookie);
    native.headers_mut().insert(header::ACCEPT, "text/html".parse().unwrap());
    native.headers_mut().insert(header::REFERER, format!("{PUBLIC_URL}/change-password").parse().unwrap());
    let changed = h.send(native).await;
    assert!(changed.status().is_redirection(), "{:?}", changed.status());
    let again = h.send(with_cookie(Request::get("/change-password").body(Body::empty()).unwrap(), &cookie)).await;
    assert_eq!((again.status(), again.headers().get(header::LOCATION).unwrap().to_str().unwrap()), (StatusCode::SEE_OTHER, "/"));
}

async fn body_text(response: Response<Body>) -> String {
    String::from_utf8(body_bytes(response).await).unwrap()
}

async fn body_bytes(response: Response<Body>) -> Vec<u8> {
    response.into_body().collect().await.unwrap().to_bytes().to_vec()
}

#[tokio::test]
async fn r5_r7_a_learner_calling_the_group_and_user_functions_directly_is_refused_and_nothing_changes() {
    let h = harness().await;
    let cookie = h.log_in_as("learner@northwind.example").await;
    let id = |name: &'static str| {
        let pool = h.db.pool.clone();
        async move { sqlx::query_scalar::<_, i64>("SELECT id FROM groups WHERE name = $1").bind(name).fetch_one(&pool).await.unwrap() }
    };
    let (paris, emea, engineering) = (id("Paris office").await, id("Sales EMEA").await, id("Engineering").await);
    let learner: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'learner@northwind.example'").fetch_one(&h.db.pool).await.unwrap();
    let snapshot = || {
        let pool = h.db.pool.clone();
        async move {
            let groups: Vec<(i64, Option<i64>, String, String)> =
                sqlx::query_as("SELECT id, parent_id, name, visibility FROM groups ORDER BY id").fetch_all(&pool).await.unwrap();
            let memberships: Vec<(i64, i64, String)> =
                sqlx::query_as("SELECT user_id, group_id, role FROM memberships ORDER BY user_id, group_id, role").fetch_all(&pool).await.unwrap();
            let invitations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invitations").fetch_one(&pool).await.unwrap();
            let users: Vec<(i64, Option<String>, Option<String>)> =
                sqlx::query_as("SELECT id, password_hash, deletion_date FROM users ORDER BY id").fetch_all(&pool).await.unwrap();
            let emails: Vec<(i64, String)> = sqlx::query_as("SELECT id, status FROM outbox_emails ORDER BY id").fetch_all(&pool).await.unwrap();
            (groups, memberships, invitations, users, emails)
        }
    };
    let before = snapshot().await;
    let calls = [
        ("/api/groups/create", format!("parent={paris}&name=Hackers")),
        ("/api/groups/rename", format!("group={paris}&name=Hacked")),
        ("/api/groups/visibility", format!("group={paris}&public=false")),
        ("/api/groups/move", format!("group={paris}&new_parent={engineering}")),
        ("/api/groups/add_member", format!("group={emea}&login=learner%40northwind.example&roles[0]=admin")),
        ("/api/groups/remove_membership", format!("group={paris}&user={learner}&role=learner")),
        ("/api/invitations/invite", format!("group={paris}&emails=friend%40example.com&roles[0]=learner")),
        (
            "/api/users/set_up",
            format!("form[first_name]=Eve&form[last_name]=Mallory&form[email]=eve%40example.com&form[password]=a+long+enough+secret&form[groups][0]={paris}&form[roles][0]=learner"),
        ),
        ("/api/users/addable_groups", String::new()),
        ("/api/users/list", String::new()),
        ("/api/users/get", format!("id={learner}")),
        ("/api/users/set_details", format!("user={learner}&details[deletion_date]=2099-01-01")),
        ("/api/users/set_password", format!("user={learner}&password=a+long+enough+secret")),
        ("/api/users/send_credentials", format!("user={learner}")),
        ("/api/users/resend_email", "id=1".to_string()),
        ("/api/sessions/add_learner", "session=1&login=author%40northwind.example".to_string()),
        ("/api/billing", "page=1".to_string()),
    ];
    for (path, body) in calls {
        let response = h.send(with_cookie(post(path, &body), &cookie)).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        assert_eq!(app_error(response).await, AppError::NotAllowed, "{path}");
    }
    assert_eq!(snapshot().await, before, "nothing changed");

    // The same calls by the admin of Sales go through (the refusals above were about rights).
    let admin = h.log_in_as("sales.admin@northwind.example").await;
    let response = h.send(with_cookie(post("/api/groups/create", &format!("parent={paris}&name=Lyon")), &admin)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = h.send(with_cookie(post("/api/groups/move", &format!("group={paris}&new_parent={engineering}")), &admin)).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "R52: Engineering is not theirs, so the move would take Paris out of their hands");
    // R45: billing is the owner's; another platform administrator is refused.
    let platform_admin = h.log_in_as("admin@northwind.example").await;
    let response = h.send(with_cookie(post("/api/billing", "page=1"), &platform_admin)).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = h.send(with_cookie(post("/api/billing", "page=1"), &h.log_in().await)).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_development_mailbox_is_the_owners_alone() {
    let h = harness().await;
    let owner = h.log_in().await;
    let response = h.send(with_cookie(post("/api/mailbox", ""), &owner)).await;
    assert_eq!(response.status(), StatusCode::OK);
    // It holds one-time passwords and live links: a platform administrator reading the owner's
    // new credentials there would become the owner (issue 9).
    for other in ["admin@northwind.example", "learner@northwind.example"] {
        let cookie = h.log_in_as(other).await;
        let response = h.send(with_cookie(post("/api/mailbox", ""), &cookie)).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{other}");
        let shell: serde_json::Value = serde_json::from_slice(&body_bytes(h.send(with_cookie(post("/api/shell", ""), &cookie)).await).await).unwrap();
        assert_eq!((shell["may_see_mailbox"].as_bool(), shell["development_mail"].as_bool()), (Some(false), Some(true)), "{other} sees the banner, not the mailbox");
    }
}

#[tokio::test]
async fn without_smtp_or_the_opt_in_there_is_no_mailbox_and_emails_wait() {
    let db = testing::sqlite().await;
    let credentials = seed::demo(&db, &PasswordHasher::default()).await.expect("demo data");
    let h = harness_with(db, credentials.owner.password, Settings::new(PUBLIC_URL));
    let owner = h.log_in().await;
    assert_eq!(h.call(&owner, "/api/mailbox", "").await.status(), StatusCode::FORBIDDEN);
    let learner = h.user("learner@northwind.example").await;
    let page: serde_json::Value = serde_json::from_slice(&body_bytes(h.call(&owner, "/api/users/get", &format!("id={learner}")).await).await).unwrap();
    assert_eq!(page["emails_held"].as_bool(), Some(true), "the user page says emails wait for a mail server");
}

#[tokio::test]
async fn one_changes_ones_own_password_at_will_with_the_current_one_and_other_sessions_end() {
    let h = harness().await;
    let here = h.log_in_as("learner@northwind.example").await;
    let elsewhere = h.log_in_as("learner@northwind.example").await;
    let change = |current: &str| format!("current_password={current}&new_password=a+fresh+secret+of+mine");

    let wrong = h.send(with_cookie(post("/api/change_password", &change("not-my-password")), &here)).await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    let AppError::Invalid(errors) = app_error(wrong).await else { panic!("a field error") };
    assert_eq!(errors[0].field, "current_password");
    let missing = h.send(with_cookie(post("/api/change_password", "new_password=a+fresh+secret+of+mine"), &here)).await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST, "the current password is required unless a one-time one was used");

    let done = h.send(with_cookie(post("/api/change_password", &change(&h.password)), &here)).await;
    assert_eq!(done.status(), StatusCode::OK);
    let still = h.send(with_cookie(post("/api/shell", ""), &here)).await;
    assert_eq!(still.status(), StatusCode::OK, "this session goes on");
    let ended = h.send(with_cookie(post("/api/shell", ""), &elsewhere)).await;
    assert_eq!(ended.status(), StatusCode::UNAUTHORIZED, "the other one ended");
    let old = h.send(post("/api/login", &format!("login=learner%40northwind.example&password={}", h.password))).await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let new = h.send(post("/api/login", "login=learner%40northwind.example&password=a+fresh+secret+of+mine")).await;
    assert_eq!(new.status(), StatusCode::OK);

    // A session left open cannot be used to guess the password: 5 wrong answers, then a wait.
    let author = h.log_in_as("author@northwind.example").await;
    for _ in 0..5 {
        let wrong = h.send(with_cookie(post("/api/change_password", &change("a-guess-at-it")), &author)).await;
        assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    }
    let limited = h.send(with_cookie(post("/api/change_password", &change(&h.password)), &author)).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS, "even the right one waits");
}

#[tokio::test]
async fn server_function_answers_are_never_cached_and_https_gets_hsts() {
    let h = harness().await;
    let cookie = h.log_in().await;
    let shell = h.call(&cookie, "/api/shell", "").await;
    assert_eq!(shell.headers().get(header::CACHE_CONTROL).unwrap(), "no-store");
    assert!(shell.headers().get(header::STRICT_TRANSPORT_SECURITY).is_none(), "plain http: no HSTS");

    let db = testing::sqlite().await;
    let credentials = seed::demo(&db, &PasswordHasher::default()).await.unwrap();
    let https = harness_with(db, credentials.owner.password, Settings::new("https://learn.example.com"));
    let page = https.send(Request::get("/login").body(Body::empty()).unwrap()).await;
    assert_eq!(page.headers().get(header::STRICT_TRANSPORT_SECURITY).unwrap(), "max-age=31536000; includeSubDomains");
}

#[tokio::test]
async fn r44_the_registration_page_speaks_the_language_the_invitation_chose() {
    let h = harness().await;
    let owner = h.log_in().await;
    let emea = h.group("Sales EMEA").await;
    let response = h.call(&owner, "/api/invitations/invite", &format!("group={emea}&emails=amelie%40example.fr&roles[0]=learner&details[language]=fr")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let token: String = sqlx::query_scalar("SELECT secret FROM outbox_emails WHERE to_address = 'amelie@example.fr'").fetch_one(&h.db.pool).await.unwrap();
    let page = body_text(h.send(Request::get(format!("/invitation/{token}")).body(Body::empty()).unwrap()).await).await;
    assert!(page.contains("<html lang=\"fr\"") && page.contains("Finalisez votre compte"), "French, on an English platform");
    let unknown = body_text(h.send(Request::get("/invitation/0123abcd").body(Body::empty()).unwrap()).await).await;
    assert!(unknown.contains("<html lang=\"en\""), "an invalid link: the platform's language, no hint");
}
