//! What bad input gets (issue 9, PRODUCT.md §10): a clear 400 (or 413) and nothing changed —
//! never a 500, never a failure inside the database. On SQLite and PostgreSQL (which refuses
//! NUL in text).

use app::backend::testing::TestDb;
use app::error::AppError;
use app::i18n::Msg;
use axum::body::Body;
use http::{header, Request, StatusCode};

use super::{app_error, demo_on, post, PUBLIC_URL};

app::on_both_databases!(
    bad_input_a_body_that_is_not_utf8_or_holds_nul_is_a_400,
    bad_input_a_body_over_64_kb_is_a_413,
    bad_input_logins_passwords_and_lists_are_capped_before_any_work,
    bad_input_control_characters_in_names_are_refused_at_the_field,
);

fn raw_post(path: &str, body: Vec<u8>) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header("sec-fetch-site", "same-origin")
        .header(header::ORIGIN, PUBLIC_URL)
        .body(Body::from(body))
        .unwrap()
}

async fn users(h: &super::Harness) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&h.db.pool).await.unwrap()
}

async fn bad_input_a_body_that_is_not_utf8_or_holds_nul_is_a_400(db: TestDb) {
    let h = demo_on(db).await;
    let response = h.send(raw_post("/api/login", b"login=owner%40northwind.example&password=\xff\xfe\xfd".to_vec())).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "anonymous junk is the caller's fault, not a 500");
    assert_eq!(app_error(response).await, AppError::BadRequest);
    let encoded = h.send(post("/api/login", "login=owner%40northwind.example&password=caf%FF")).await;
    assert_eq!(encoded.status(), StatusCode::UNAUTHORIZED, "percent-encoded bytes that are not UTF-8 are read as U+FFFD: a wrong password");

    let owner = h.log_in().await;
    let paris = h.group("Paris office").await;
    let before = users(&h).await;
    let nul = format!("form[first_name]=Eve%00&form[last_name]=M&form[email]=eve%40example.com&form[password]=a+long+enough+secret&form[groups][0]={paris}&form[roles][0]=learner");
    let response = h.call(&owner, "/api/users/set_up", &nul).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let search = h.call(&owner, "/api/users/list", "filter[search]=a%00b").await;
    assert_eq!(search.status(), StatusCode::BAD_REQUEST, "a NUL never reaches PostgreSQL");
    assert_eq!(users(&h).await, before);
}

async fn bad_input_a_body_over_64_kb_is_a_413(db: TestDb) {
    let h = demo_on(db).await;
    let huge = format!("login=owner%40northwind.example&password={}", "x".repeat(70 * 1024));
    let response = h.send(post("/api/login", &huge)).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app_error(response).await, AppError::TooLarge { max_kb: 64 });
}

async fn bad_input_logins_passwords_and_lists_are_capped_before_any_work(db: TestDb) {
    let h = demo_on(db).await;
    let long_login = format!("login={}%40northwind.example&password=whatever+it+is", "a".repeat(400));
    let response = h.send(post("/api/login", &long_login)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app_error(response).await.for_field("login"), Some(&Msg::TooLong { max: 320 }));
    let long_password = format!("login=owner%40northwind.example&password={}", "p".repeat(129));
    assert_eq!(app_error(h.send(post("/api/login", &long_password)).await).await.for_field("password"), Some(&Msg::TooLong { max: 128 }));
    let counted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rate_limits").fetch_one(&h.db.pool).await.unwrap();
    assert_eq!(counted, 0, "refused before any lookup or count");

    let owner = h.log_in().await;
    let groups: String = (0..1001).map(|i| format!("&filter[groups][{i}]=1")).collect();
    let response = h.call(&owner, "/api/users/list", &groups[1..]).await;
    assert_eq!(app_error(response).await.for_field("groups"), Some(&Msg::TooManyItems { max: 1000 }));
    let labels: String = (0..201).map(|i| format!("&details[labels][{i}]=1")).collect();
    let leo = h.user("learner@northwind.example").await;
    let response = h.call(&owner, "/api/users/set_details", &format!("user={leo}{labels}")).await;
    assert_eq!(app_error(response).await.for_field("labels"), Some(&Msg::TooManyItems { max: 200 }));
}

async fn bad_input_control_characters_in_names_are_refused_at_the_field(db: TestDb) {
    let h = demo_on(db).await;
    let owner = h.log_in().await;
    let paris = h.group("Paris office").await;
    let before = users(&h).await;
    let bell = format!("form[first_name]=Eve%07&form[last_name]=M&form[email]=eve%40example.com&form[password]=a+long+enough+secret&form[groups][0]={paris}&form[roles][0]=learner");
    let response = h.call(&owner, "/api/users/set_up", &bell).await;
    assert_eq!(app_error(response).await.for_field("first_name"), Some(&Msg::InvalidCharacters));
    let response = h.call(&owner, "/api/groups/create", &format!("parent={paris}&name=Esc%1B")).await;
    assert_eq!(app_error(response).await.for_field("name"), Some(&Msg::InvalidCharacters));
    assert_eq!(users(&h).await, before);
}
