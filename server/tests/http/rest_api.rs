//! Issue 15, R100–R102: a script manages users, invitations and groups through the REST API at
//! `/api/v1` with a token — under the panels' rules and permits (R1–R13, R20–R28, R52, R54,
//! R93) — and every refusal is a problem (RFC 9457) that changed nothing. On SQLite and
//! PostgreSQL.

use app::backend::testing::TestDb;
use axum::body::Body;
use http::{header, HeaderMap, Method, Request, StatusCode};
use serde_json::{json, Value};

use super::scim_users::token;
use super::{body_text, demo_on, post, Harness};

app::on_both_databases!(
    r100_a_script_sets_up_finds_changes_and_deactivates_users,
    r100_a_script_invites_many_and_follows_cancels_and_resends_invitations,
    r100_a_script_makes_and_moves_groups_and_adds_and_removes_members,
    r100_a_read_token_only_reads_and_a_group_token_stays_in_its_branch,
    r101_refusals_are_problems_that_change_nothing,
    r103_a_token_imports_a_file_with_its_own_rights_and_only_it_follows_the_import
);

/// A REST call with `token` (none: no Authorization): (status, headers, JSON body or Null).
async fn rest(h: &Harness, token: Option<&str>, method: Method, path: &str, body: Option<Value>) -> (StatusCode, HeaderMap, Value) {
    let mut request = Request::builder().method(method).uri(format!("/api/v1{path}")).header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    answer(h, request.body(body.map(|b| Body::from(b.to_string())).unwrap_or_else(Body::empty)).unwrap()).await
}

async fn answer(h: &Harness, request: Request<Body>) -> (StatusCode, HeaderMap, Value) {
    let response = h.send(request).await;
    let (status, headers) = (response.status(), response.headers().clone());
    let text = body_text(response).await;
    (status, headers, if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")) })
}

async fn count(h: &Harness, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&h.db.pool).await.unwrap()
}

async fn login_status(h: &Harness, login: &str, password: &str) -> StatusCode {
    h.send(post("/api/login", &format!("login={}&password={password}", login.replace('@', "%40")))).await.status()
}

fn problem(status: StatusCode, headers: &HeaderMap, body: &Value) -> (StatusCode, String, u64) {
    (status, headers[header::CONTENT_TYPE].to_str().unwrap().to_string(), body["status"].as_u64().unwrap_or(0))
}

async fn r100_a_script_sets_up_finds_changes_and_deactivates_users(db: TestDb) {
    let h = demo_on(db).await;
    let paula = h.log_in_as("admin@northwind.example").await;
    let hr = token(&h, &paula, "form[name]=HR%20script&form[scope]=write").await;
    let engineering = h.group("Engineering").await;
    let billed = || count(&h, "SELECT COUNT(*) FROM billing_events b JOIN users u ON u.id = b.user_id WHERE u.deleted_at IS NULL AND u.deactivated_at IS NULL");
    let billed_before = billed().await;

    // Set up: active at once, in the group, billed, audited under the token.
    let ada = json!({ "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "password": "Analytical-Engine-1843", "groups": [engineering], "roles": ["learner", "author"] });
    let (status, headers, made) = rest(&h, Some(&hr), Method::POST, "/users", Some(ada.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let id = made["id"].as_i64().unwrap();
    assert_eq!(headers[header::LOCATION], format!("/api/v1/users/{id}"));
    assert_eq!((made["login"].as_str(), made["credentials_sent"].as_bool()), (Some("ada@example.com"), Some(false)));
    assert_eq!(billed().await, billed_before + 1);
    assert_eq!(login_status(&h, "ada@example.com", "Analytical-Engine-1843").await, StatusCode::OK);
    let audited = count(&h, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'user_set_up' AND target_id = {id} AND token_id IS NOT NULL")).await;
    assert_eq!(audited, 1);

    // The same address again: a conflict, nothing made.
    let (status, headers, refused) = rest(&h, Some(&hr), Method::POST, "/users", Some(ada)).await;
    assert_eq!(problem(status, &headers, &refused), (StatusCode::CONFLICT, "application/problem+json".into(), 409), "{refused}");
    assert_eq!(refused["errors"][0]["field"], "email");
    assert_eq!(count(&h, "SELECT COUNT(*) FROM users WHERE email = 'ada@example.com'").await, 1);

    // Found by the start of a name, by group and role; read whole.
    let (status, _, page) = rest(&h, Some(&hr), Method::GET, &format!("/users?search=lovel&group={engineering}&role=author"), None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!((page["users"].as_array().unwrap().len(), page["users"][0]["id"].as_i64(), page["total"].as_u64()), (1, Some(id), Some(1)));
    assert_eq!(page["users"][0]["groups"][0], json!({ "group_id": engineering, "group": "Engineering", "roles": ["learner", "author"] }));
    let (_, _, user) = rest(&h, Some(&hr), Method::GET, &format!("/users/{id}"), None).await;
    assert_eq!((user["status"].as_str(), user["has_email"].as_bool()), (Some("active"), Some(true)), "{user}");
    assert!(user["memberships"].as_array().unwrap().iter().any(|m| m["group"] == "Engineering" && m["role"] == "author"));

    // Pages follow each other by their cursors, 25 a page, nobody twice.
    let (_, _, first) = rest(&h, Some(&hr), Method::GET, "/users?sort=-created", None).await;
    let next = first["next"].as_i64().expect("the demo holds more than a page");
    let (_, _, second) = rest(&h, Some(&hr), Method::GET, &format!("/users?sort=-created&after={next}"), None).await;
    let ids = |page: &Value| page["users"].as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()).collect::<Vec<_>>();
    assert_eq!(ids(&first).len(), 25);
    assert_eq!(ids(&first)[0], id, "the newest first");
    assert!(ids(&second).iter().all(|i| !ids(&first).contains(i)));

    // Details: language, deletion date, a label; what is left out is cleared.
    let label = count(&h, "SELECT id FROM labels WHERE name_key = 'contractor'").await;
    let details = json!({ "language": "fr", "deletion_date": "2031-01-31", "labels": [label] });
    let (status, _, _) = rest(&h, Some(&hr), Method::PUT, &format!("/users/{id}/details"), Some(details)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, _, user) = rest(&h, Some(&hr), Method::GET, &format!("/users/{id}"), None).await;
    assert_eq!(user["details"], json!({ "language": "fr", "deletion_date": "2031-01-31", "labels": [label], "custom_fields": [] }));

    // Deactivated: no login, not billed as active (R93); then back.
    let (status, _, _) = rest(&h, Some(&hr), Method::PUT, &format!("/users/{id}/active"), Some(json!({ "active": false }))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(login_status(&h, "ada@example.com", "Analytical-Engine-1843").await, StatusCode::UNAUTHORIZED);
    assert_eq!(billed().await, billed_before);
    let (_, _, found) = rest(&h, Some(&hr), Method::GET, "/users?status=deactivated", None).await;
    assert_eq!(found["users"][0]["id"].as_i64(), Some(id));
    rest(&h, Some(&hr), Method::PUT, &format!("/users/{id}/active"), Some(json!({ "active": true }))).await;
    assert_eq!(login_status(&h, "ada@example.com", "Analytical-Engine-1843").await, StatusCode::OK);

    // Without an email: a username and a password (R40); with credentials to send instead, an email.
    let (status, _, made) = rest(&h, Some(&hr), Method::POST, "/users", Some(json!({ "first_name": "Tom", "last_name": "Thumb", "username": "tom.thumb", "password": "Small-But-Mighty-77", "groups": [engineering] }))).await;
    assert_eq!((status, made["login"].as_str()), (StatusCode::CREATED, Some("tom.thumb")), "{made}");
    let (status, _, made) = rest(&h, Some(&hr), Method::POST, "/users", Some(json!({ "first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com", "send_credentials": true, "groups": [engineering] }))).await;
    assert_eq!((status, made["credentials_sent"].as_bool()), (StatusCode::CREATED, Some(true)), "{made}");
    assert_eq!(count(&h, "SELECT COUNT(*) FROM outbox_emails WHERE to_address = 'grace@example.com' AND kind = 'credentials'").await, 1);
}

async fn r100_a_script_invites_many_and_follows_cancels_and_resends_invitations(db: TestDb) {
    let h = demo_on(db).await;
    let paula = h.log_in_as("admin@northwind.example").await;
    let hr = token(&h, &paula, "form[name]=HR%20script&form[scope]=write").await;
    let paris = h.group("Paris office").await;
    let invite = json!({ "group": paris, "emails": ["zoe@example.com", "yann@example.com", "ZOE@example.com", "not-an-address", "learner@northwind.example"] });
    let (status, _, outcomes) = rest(&h, Some(&hr), Method::POST, "/invitations", Some(invite)).await;
    assert_eq!(status, StatusCode::OK, "{outcomes}");
    let results: Vec<(&str, &str)> = outcomes.as_array().unwrap().iter().map(|o| (o["address"].as_str().unwrap(), o["result"].as_str().unwrap())).collect();
    assert_eq!(
        results,
        [("zoe@example.com", "invited"), ("yann@example.com", "invited"), ("ZOE@example.com", "repeated"), ("not-an-address", "invalid"), ("learner@northwind.example", "active_account")]
    );
    assert_eq!(outcomes[4]["user_id"].as_i64(), Some(h.user("learner@northwind.example").await));
    // One email each, no account and nothing billed until they register (R20).
    assert_eq!(count(&h, "SELECT COUNT(*) FROM outbox_emails WHERE kind = 'invitation' AND to_address IN ('zoe@example.com', 'yann@example.com')").await, 2);
    assert_eq!(count(&h, "SELECT COUNT(*) FROM users WHERE email IN ('zoe@example.com', 'yann@example.com')").await, 0);
    // One address an item: a list in one item is refused whole, nothing sent.
    let (status, _, refused) = rest(&h, Some(&hr), Method::POST, "/invitations", Some(json!({ "group": paris, "emails": ["xavier@example.com", "wendy@example.com, vera@example.com"] }))).await;
    assert_eq!((status, refused["errors"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("emails[1]")), "{refused}");
    assert_eq!(count(&h, "SELECT COUNT(*) FROM invitations WHERE email IN ('xavier@example.com', 'wendy@example.com', 'vera@example.com')").await, 0);

    // Listed with their grants.
    let (_, _, page) = rest(&h, Some(&hr), Method::GET, "/invitations?search=zo", None).await;
    let zoe = &page["invitations"][0];
    assert_eq!(zoe["email"].as_str(), Some("zoe@example.com"), "{page}");
    assert!(zoe["grants"].as_array().unwrap().contains(&json!({ "group": "Paris office", "role": "learner" })), "{zoe}");
    assert!(zoe["invited_at"].as_str().unwrap().ends_with(":00Z"), "{zoe}");
    let zoe_id = zoe["id"].as_i64().unwrap();

    // Resent: not within a minute of the last email (told when, R38), then another email;
    // cancelled: the link dead; cancelled again: not found.
    let (status, headers, refused) = rest(&h, Some(&hr), Method::POST, &format!("/invitations/{zoe_id}/resend"), None).await;
    assert_eq!((status, headers.contains_key(header::RETRY_AFTER)), (StatusCode::TOO_MANY_REQUESTS, true), "{refused}");
    sqlx::query("UPDATE invitations SET last_sent_at = last_sent_at - 60000 WHERE id = $1").bind(zoe_id).execute(&h.db.pool).await.unwrap();
    let (status, _, _) = rest(&h, Some(&hr), Method::POST, &format!("/invitations/{zoe_id}/resend"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(count(&h, "SELECT COUNT(*) FROM outbox_emails WHERE kind = 'invitation' AND to_address = 'zoe@example.com'").await, 2);
    let (status, _, _) = rest(&h, Some(&hr), Method::DELETE, &format!("/invitations/{zoe_id}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(count(&h, &format!("SELECT COUNT(*) FROM invitations WHERE id = {zoe_id} AND status = 'pending'")).await, 0);
    let (status, _, _) = rest(&h, Some(&hr), Method::DELETE, &format!("/invitations/{zoe_id}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn r100_a_script_makes_and_moves_groups_and_adds_and_removes_members(db: TestDb) {
    let h = demo_on(db).await;
    let paula = h.log_in_as("admin@northwind.example").await;
    let hr = token(&h, &paula, "form[name]=HR%20script&form[scope]=write").await;
    let (sales, engineering) = (h.group("Sales").await, h.group("Engineering").await);

    let (status, _, tree) = rest(&h, Some(&hr), Method::GET, "/groups", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tree[0]["parent_id"], Value::Null, "the root first");
    assert!(tree.as_array().unwrap().iter().any(|g| g["name"] == "Paris office" && g["path"] == "Northwind Academy › Sales › Sales EMEA › Paris office"), "{tree}");

    let (status, _, made) = rest(&h, Some(&hr), Method::POST, "/groups", Some(json!({ "parent_id": sales, "name": "Sales APAC", "public": true }))).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let apac = made["id"].as_i64().unwrap();
    let (status, _, refused) = rest(&h, Some(&hr), Method::POST, "/groups", Some(json!({ "parent_id": sales, "name": "sales apac" }))).await;
    assert_eq!((status, refused["errors"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("name")), "a sibling's name, case aside");
    let (status, _, _) = rest(&h, Some(&hr), Method::PUT, &format!("/groups/{apac}/parent"), Some(json!({ "parent_id": engineering }))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(count(&h, &format!("SELECT parent_id FROM groups WHERE id = {apac}")).await, engineering);

    // A learner added to the public group climbs to the first private one (R10); a role removed.
    let (status, _, _) = rest(&h, Some(&hr), Method::POST, &format!("/groups/{apac}/members"), Some(json!({ "login": "author@northwind.example", "roles": ["learner", "coach"] }))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let author = h.user("author@northwind.example").await;
    assert_eq!(count(&h, &format!("SELECT COUNT(*) FROM memberships WHERE user_id = {author} AND group_id = {apac}")).await, 2);
    assert_eq!(count(&h, &format!("SELECT COUNT(*) FROM memberships WHERE user_id = {author} AND group_id = {engineering} AND role = 'learner'")).await, 1);
    let (status, _, _) = rest(&h, Some(&hr), Method::DELETE, &format!("/groups/{apac}/members/{author}/coach"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(count(&h, &format!("SELECT COUNT(*) FROM memberships WHERE user_id = {author} AND group_id = {apac}")).await, 1);
    let (status, _, refused) = rest(&h, Some(&hr), Method::POST, &format!("/groups/{apac}/members"), Some(json!({ "login": "nobody@example.com" }))).await;
    assert_eq!((status, refused["errors"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("login")), "{refused}");
}

async fn r100_a_read_token_only_reads_and_a_group_token_stays_in_its_branch(db: TestDb) {
    let h = demo_on(db).await;
    let paula = h.log_in_as("admin@northwind.example").await;
    let sales = h.group("Sales").await;
    let reader = token(&h, &paula, "form[name]=Reports&form[scope]=read").await;
    let (status, _, _) = rest(&h, Some(&reader), Method::GET, "/users", None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, headers, refused) = rest(&h, Some(&reader), Method::POST, "/groups", Some(json!({ "parent_id": sales, "name": "Sneaky" }))).await;
    assert_eq!(problem(status, &headers, &refused), (StatusCode::FORBIDDEN, "application/problem+json".into(), 403));
    assert_eq!(count(&h, "SELECT COUNT(*) FROM groups WHERE name = 'Sneaky'").await, 0);

    // A SCIM token is not a REST token; no token, or an unknown one, is told how to authenticate.
    let scim = token(&h, &paula, "form[name]=Okta&form[scope]=scim").await;
    assert_eq!(rest(&h, Some(&scim), Method::GET, "/users", None).await.0, StatusCode::FORBIDDEN);
    let (status, headers, _) = rest(&h, None, Method::GET, "/users", None).await;
    assert_eq!((status, headers[header::WWW_AUTHENTICATE].to_str().unwrap()), (StatusCode::UNAUTHORIZED, "Bearer realm=\"Roster API\""));
    assert_eq!(rest(&h, Some("roster_nonsense"), Method::GET, "/users", None).await.0, StatusCode::UNAUTHORIZED);

    // A token of Sales acts as Sales' admin would: its branch only, never above (R54, R62, R52).
    let branch = token(&h, &paula, &format!("form[name]=Sales%20HR&form[scope]=write&form[group]={sales}")).await;
    let logins = |page: Value| page["users"].as_array().unwrap().iter().filter_map(|u| u["login"].as_str().map(str::to_string)).collect::<Vec<_>>();
    assert_eq!(logins(rest(&h, Some(&branch), Method::GET, "/users?search=greta", None).await.2), ["sales.admin@northwind.example"]);
    assert_eq!(logins(rest(&h, Some(&branch), Method::GET, "/users?search=admin", None).await.2), Vec::<String>::new(), "not Paula, the platform's admin");
    let (_, _, tree) = rest(&h, Some(&branch), Method::GET, "/groups", None).await;
    assert_eq!(tree[0]["name"], "Sales");
    assert!(tree.as_array().unwrap().iter().all(|g| g["name"] != "Engineering"));
    let owner = h.user("owner@northwind.example").await;
    assert_eq!(rest(&h, Some(&branch), Method::GET, &format!("/users/{owner}"), None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(rest(&h, Some(&branch), Method::PUT, &format!("/users/{owner}/active"), Some(json!({ "active": false }))).await.0, StatusCode::NOT_FOUND);
    assert_eq!(count(&h, "SELECT COUNT(*) FROM users WHERE email = 'owner@northwind.example' AND deactivated_at IS NULL").await, 1);
    let engineering = h.group("Engineering").await;
    let refusals = [
        (Method::POST, "/groups".to_string(), json!({ "parent_id": engineering, "name": "Not mine" })),
        (Method::POST, "/invitations".to_string(), json!({ "group": engineering, "emails": ["eve@example.com"] })),
        (Method::PUT, format!("/groups/{sales}/parent"), json!({ "parent_id": engineering })),
    ];
    for (method, path, body) in refusals {
        let (status, _, refused) = rest(&h, Some(&branch), method.clone(), &path, Some(body)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {refused}");
    }
    // The set-up form says which of its groups are not the token's to add to (as the panel does).
    let eve = json!({ "first_name": "Eve", "last_name": "Outside", "email": "eve@example.com", "password": "Elsewhere-Entirely-9", "groups": [engineering] });
    let (status, _, refused) = rest(&h, Some(&branch), Method::POST, "/users", Some(eve)).await;
    assert_eq!((status, refused["errors"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("groups")), "{refused}");
    // An admin of Sales cannot take away another admin of Sales' role (R52: only from above).
    let greta = h.user("sales.admin@northwind.example").await;
    assert_eq!(rest(&h, Some(&branch), Method::DELETE, &format!("/groups/{sales}/members/{greta}/admin"), None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(count(&h, &format!("SELECT COUNT(*) FROM memberships WHERE user_id = {greta} AND group_id = {sales} AND role = 'admin'")).await, 1);
    assert_eq!(count(&h, "SELECT COUNT(*) FROM users WHERE email = 'eve@example.com'").await + count(&h, "SELECT COUNT(*) FROM invitations WHERE email = 'eve@example.com'").await, 0);
}

async fn r101_refusals_are_problems_that_change_nothing(db: TestDb) {
    let h = demo_on(db).await;
    let paula = h.log_in_as("admin@northwind.example").await;
    let hr = token(&h, &paula, "form[name]=HR%20script&form[scope]=write").await;
    let engineering = h.group("Engineering").await;
    let users_before = count(&h, "SELECT COUNT(*) FROM users").await;

    let raw = |method: Method, path: &str, content_type: &str, body: &str| {
        Request::builder()
            .method(method)
            .uri(format!("/api/v1{path}"))
            .header(header::AUTHORIZATION, format!("Bearer {hr}"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let cases = [
        (raw(Method::POST, "/users", "application/json", "{not json"), StatusCode::BAD_REQUEST),
        (raw(Method::POST, "/users", "text/plain", "{}"), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (raw(Method::POST, "/users", "application/json", r#"{"first_name": "A\u0000", "last_name": "B", "email": "nul@example.com", "groups": []}"#), StatusCode::BAD_REQUEST),
        (raw(Method::POST, "/users", "application/json", r#"{"first_name": "Ada"}"#), StatusCode::BAD_REQUEST),
        (raw(Method::PUT, "/users/1/details", "application/json", "[null, null]"), StatusCode::BAD_REQUEST),
        (raw(Method::POST, "/users", "application/json", r#"{"first_name": "Ada", "last_name": "L", "email": "x", "groups": "many"}"#), StatusCode::BAD_REQUEST),
        (raw(Method::GET, "/users?sort=shoe-size", "application/json", ""), StatusCode::BAD_REQUEST),
        (raw(Method::GET, "/users?role=emperor", "application/json", ""), StatusCode::BAD_REQUEST),
        (raw(Method::GET, "/users?search=a%00b", "application/json", ""), StatusCode::BAD_REQUEST),
        (raw(Method::GET, &format!("/users?search={}", "a".repeat(300)), "application/json", ""), StatusCode::BAD_REQUEST),
        (raw(Method::GET, "/users/abc", "application/json", ""), StatusCode::BAD_REQUEST),
        (raw(Method::GET, "/users/99999999", "application/json", ""), StatusCode::NOT_FOUND),
        (raw(Method::DELETE, "/groups/1/members/1/emperor", "application/json", ""), StatusCode::BAD_REQUEST),
        (raw(Method::GET, "/nothing-here", "application/json", ""), StatusCode::NOT_FOUND),
        (raw(Method::PATCH, "/users", "application/json", "{}"), StatusCode::METHOD_NOT_ALLOWED),
    ];
    for (request, expected) in cases {
        let described = format!("{} {}", request.method(), request.uri());
        let (status, headers, body) = answer(&h, request).await;
        assert_eq!(problem(status, &headers, &body), (expected, "application/problem+json".into(), expected.as_u16() as u64), "{described}: {body}");
        assert!(!body["detail"].as_str().unwrap_or_default().is_empty(), "{described}: says what to do");
    }

    // A form's messages, each at its field.
    let bad = json!({ "first_name": "", "last_name": "L", "email": "not-an-email", "password": "short", "groups": [engineering] });
    let (status, _, refused) = rest(&h, Some(&hr), Method::POST, "/users", Some(bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let fields: Vec<&str> = refused["errors"].as_array().unwrap().iter().filter_map(|e| e["field"].as_str()).collect();
    assert!(fields.contains(&"first_name") && fields.contains(&"email"), "{refused}");
    let bad_date = json!({ "first_name": "Ada", "last_name": "L", "email": "ada@example.com", "password": "Analytical-Engine-1843", "groups": [engineering], "details": { "deletion_date": "someday" } });
    let (status, _, refused) = rest(&h, Some(&hr), Method::POST, "/users", Some(bad_date)).await;
    assert_eq!((status, refused["errors"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("details.deletion_date")), "{refused}");
    assert_eq!(count(&h, "SELECT COUNT(*) FROM users").await, users_before, "nothing made");

    // The document and its page need no token.
    let (status, _, document) = rest(&h, None, Method::GET, "/openapi.json", None).await;
    assert_eq!((status, document["openapi"].as_str()), (StatusCode::OK, Some("3.1.0")));
    for path in ["/users", "/users/{id}", "/users/{id}/details", "/users/{id}/active", "/invitations", "/invitations/{id}", "/invitations/{id}/resend", "/groups", "/groups/{id}/parent", "/groups/{id}/members", "/groups/{id}/members/{user}/{role}"] {
        assert!(document["paths"].get(path).is_some(), "{path} documented");
    }
    let page = h.send(Request::builder().uri("/api/v1/docs").body(Body::empty()).unwrap()).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().starts_with("default-src 'none'"), "a page that runs nothing");
    let page = body_text(page).await;
    assert!(page.contains("Roster REST API") && page.contains("/users/{id}/active") && page.contains("type-Problem"), "a readable page of every endpoint and type");
}

async fn r103_a_token_imports_a_file_with_its_own_rights_and_only_it_follows_the_import(db: TestDb) {
    let h = demo_on(db).await;
    let paula = h.log_in_as("admin@northwind.example").await;
    let (sales, engineering) = (h.group("Sales").await, h.group("Engineering").await);
    let branch = token(&h, &paula, &format!("form[name]=Sales%20HR&form[scope]=write&form[group]={sales}")).await;
    let other = token(&h, &paula, "form[name]=Other%20script&form[scope]=write").await;
    let csv = |body: &str, query: &str, token: &str| {
        Request::builder()
            .method(Method::POST)
            .uri(format!("/api/v1/imports{query}"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    // One row for Sales (the default group), one naming Engineering (not the token's), one bad address.
    let file = "email,groups\nnina@example.com,\noscar@example.com,Engineering\nnot-an-address,\n";

    // The preview says what it would do and keeps nothing.
    let (status, _, preview) = answer(&h, csv(file, &format!("?groups={sales}&preview=true"), &branch)).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!((preview["rows"].as_u64(), preview["counts"]["new"].as_u64(), preview["counts"]["invalid"].as_u64()), (Some(3), Some(1), Some(2)), "{preview}");
    assert!(preview["problems"].as_array().unwrap().iter().any(|p| p["line"] == 3 && p["column"] == "groups"), "{preview}");
    assert_eq!(count(&h, "SELECT COUNT(*) FROM import_jobs").await, 0);

    // Imported in the background, with the token's rights: Engineering is not Sales' to add to.
    let (status, headers, started) = answer(&h, csv(file, &format!("?groups={sales}&file_name=people.csv"), &branch)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    let id = started["id"].as_i64().unwrap();
    assert_eq!((headers[header::LOCATION].to_str().unwrap(), started["state"].as_str()), (format!("/api/v1/imports/{id}").as_str(), Some("queued")));
    let worker = app::backend::batch::job::ImportWorker::new(h.db.db.clone(), std::sync::Arc::new(app::backend::Settings::new(super::PUBLIC_URL)), app::backend::testing::hasher(), Default::default());
    assert!(worker.run_one().await.unwrap());
    let (_, _, done) = rest(&h, Some(&branch), Method::GET, &format!("/imports/{id}"), None).await;
    assert_eq!((done["state"].as_str(), done["counts"]["new"].as_u64(), done["counts"]["invalid"].as_u64()), (Some("done"), Some(1), Some(2)), "{done}");
    assert_eq!(count(&h, &format!("SELECT COUNT(*) FROM invitations i JOIN invitation_grants g ON g.invitation_id = i.id WHERE i.email = 'nina@example.com' AND g.group_id = {sales}")).await, 1);
    assert_eq!(count(&h, &format!("SELECT COUNT(*) FROM invitation_grants g JOIN invitations i ON i.id = g.invitation_id WHERE i.email = 'oscar@example.com' OR g.group_id = {engineering}")).await, 0);
    let audited = count(&h, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'import_done' AND target_id = {id} AND token_id IS NOT NULL")).await;
    assert_eq!(audited, 1, "the job's end audited under the token");

    // Its rejected rows, with why; nobody else's to follow: not another token, not the panel.
    let response = h.send(Request::builder().uri(format!("/api/v1/imports/{id}/rejected.csv")).header(header::AUTHORIZATION, format!("Bearer {branch}")).body(Body::empty()).unwrap()).await;
    assert_eq!((response.status(), response.headers()[header::CONTENT_TYPE].to_str().unwrap()), (StatusCode::OK, "text/csv; charset=utf-8"));
    let rejected = body_text(response).await;
    assert!(rejected.contains("oscar@example.com") && rejected.contains("not-an-address") && !rejected.contains("nina@"), "{rejected}");
    assert_eq!(rest(&h, Some(&other), Method::GET, &format!("/imports/{id}"), None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(h.call(&paula, "/api/import/progress", &format!("job={id}")).await.status(), StatusCode::NOT_FOUND);
    let latest = body_text(h.call(&paula, "/api/import/latest", "").await).await;
    assert_eq!(latest, "null", "the panel does not show the token's import");

    // A file that is not CSV is refused at once, and nothing is kept.
    let (status, headers, refused) = answer(&h, csv("", "", &branch)).await;
    assert_eq!(problem(status, &headers, &refused).0, StatusCode::BAD_REQUEST, "{refused}");
    let (status, _, refused) = answer(&h, csv(file, "?roles=emperor", &branch)).await;
    assert_eq!((status, refused["errors"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("roles")), "{refused}");
    assert_eq!(count(&h, "SELECT COUNT(*) FROM import_jobs").await, 1);

    // A token revoked before its import runs: the import stops, having done nothing.
    let (_, _, queued) = answer(&h, csv("email\npat@example.com\n", &format!("?groups={sales}"), &branch)).await;
    let token_id = count(&h, "SELECT id FROM api_tokens WHERE name = 'Sales HR'").await;
    assert_eq!(h.call(&paula, "/api/tokens/revoke", &format!("id={token_id}")).await.status(), StatusCode::OK);
    assert!(worker.run_one().await.unwrap());
    let (state, failure): (String, Option<String>) = sqlx::query_as("SELECT status, error FROM import_jobs WHERE id = $1").bind(queued["id"].as_i64().unwrap()).fetch_one(&h.db.pool).await.unwrap();
    assert_eq!((state.as_str(), failure.as_deref()), ("failed", Some("the API token that started this import no longer works")));
    assert_eq!(count(&h, "SELECT COUNT(*) FROM invitations WHERE email = 'pat@example.com'").await, 0);
}
