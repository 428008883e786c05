//! Issue 15, R92, R93: an identity provider provisions users through SCIM with a token — as Okta
//! and Entra ID shape their requests — under the panels' rules: set up (R25–R28), seen and
//! managed as the token's group allows (R62, R54), deactivated (no login, not billed as active),
//! erased as a deletion date erases (R68). On SQLite and PostgreSQL.

use app::backend::testing::TestDb;
use axum::body::Body;
use http::{header, HeaderMap, Method, Request, Response, StatusCode};
use serde_json::{json, Value};

use super::{body_text, demo_on, post, Harness};

app::on_both_databases!(
    r92_r93_an_identity_provider_sets_up_finds_changes_deactivates_and_erases_a_user,
    r92_a_token_limited_to_a_group_sees_and_manages_its_branch_only,
    r92_searches_pages_and_refusals_in_scims_words,
    r98_labels_custom_fields_and_the_deletion_date_through_rosters_extension,
    r99_a_token_that_invites_invites_and_the_provider_follows_the_invitation_to_the_account
);

const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ROSTER_USER: &str = "urn:ietf:params:scim:schemas:extension:roster:2.0:User";

/// A SCIM call with `token`: (status, headers, JSON body or Null).
pub(super) async fn scim(h: &Harness, token: &str, method: Method, path: &str, body: Option<Value>, extra: &[(header::HeaderName, &str)]) -> (StatusCode, HeaderMap, Value) {
    let mut request = Request::builder()
        .method(method)
        .uri(format!("/scim/v2/{path}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT, "application/scim+json")
        .header(header::CONTENT_TYPE, "application/scim+json");
    for (name, value) in extra {
        request = request.header(name, *value);
    }
    let response = h.send(request.body(body.map(|b| Body::from(b.to_string())).unwrap_or_else(Body::empty)).unwrap()).await;
    let (status, headers) = (response.status(), response.headers().clone());
    let text = body_text(response).await;
    (status, headers, if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")) })
}

pub(super) async fn token(h: &Harness, cookie: &str, form: &str) -> String {
    let response = h.call(cookie, "/api/tokens/create", form).await;
    assert_eq!(response.status(), StatusCode::OK);
    let created: Value = serde_json::from_str(&body_text(response).await).unwrap();
    created["secret"].as_str().unwrap().to_string()
}

fn okta_user(email: &str, external_id: &str) -> Value {
    json!({
        "schemas": [USER], "userName": email, "name": { "givenName": "Ada", "familyName": "Lovelace" },
        "emails": [{ "primary": true, "value": email, "type": "work" }], "displayName": "Ada Lovelace", "locale": "en-US",
        "externalId": external_id, "groups": [], "password": "Analytical-Engine-1843", "active": true
    })
}

/// `resource?filter=…`, the expression encoded.
pub(super) fn filter(resource: &str, expression: &str) -> String {
    let mut encoded = String::new();
    for byte in expression.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => encoded.push(byte as char),
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    format!("{resource}?filter={encoded}")
}

async fn log_in(h: &Harness, login: &str, password: &str) -> Response<Body> {
    h.send(post("/api/login", &format!("login={}&password={password}", login.replace('@', "%40")))).await
}

async fn log_in_status(h: &Harness, login: &str, password: &str) -> StatusCode {
    log_in(h, login, password).await.status()
}

async fn r92_r93_an_identity_provider_sets_up_finds_changes_deactivates_and_erases_a_user(db: TestDb) {
    let h = demo_on(db).await;
    let paula = h.log_in_as("admin@northwind.example").await;
    let okta = token(&h, &paula, "form[name]=Okta&form[scope]=scim").await;
    let active_billed = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM billing_events b JOIN users u ON u.id = b.user_id WHERE u.deleted_at IS NULL AND u.deactivated_at IS NULL")
            .fetch_one(&h.db.pool)
            .await
            .unwrap()
    };
    let billed_before = active_billed().await;

    // Okta's first question: is this person there?
    let (status, _, found) = scim(&h, &okta, Method::GET, &filter("Users", r#"userName eq "ada@example.com""#), None, &[]).await;
    assert_eq!((status, found["totalResults"].as_i64()), (StatusCode::OK, Some(0)));

    // Created: set up, active at once, a learner of the platform group, billed (a password was
    // given: no email to wait for, R26), audited under the token.
    let (status, headers, ada) = scim(&h, &okta, Method::POST, "Users", Some(okta_user("ada@example.com", "00u1ada")), &[]).await;
    assert_eq!(status, StatusCode::CREATED, "{ada}");
    let id = ada["id"].as_str().unwrap().to_string();
    assert_eq!(headers[header::LOCATION], format!("http://127.0.0.1:3000/scim/v2/Users/{id}"));
    assert_eq!(headers[header::ETAG], ada["meta"]["version"].as_str().unwrap());
    assert_eq!((ada["userName"].as_str(), ada["externalId"].as_str(), ada["active"].as_bool()), (Some("ada@example.com"), Some("00u1ada"), Some(true)));
    assert_eq!(ada["name"]["givenName"], "Ada");
    assert!(ada.get("password").is_none(), "a password is never shown");
    let user: i64 = id.parse().unwrap();
    let memberships: Vec<(String, String)> =
        sqlx::query_as("SELECT g.name, m.role FROM memberships m JOIN groups g ON g.id = m.group_id WHERE m.user_id = $1").bind(user).fetch_all(&h.db.pool).await.unwrap();
    assert_eq!(memberships, vec![("Northwind Academy".to_string(), "learner".to_string())]);
    assert_eq!(active_billed().await, billed_before + 1);
    let token_id: Option<i64> = sqlx::query_scalar("SELECT token_id FROM audit_log WHERE action = 'user_set_up' AND target_id = $1").bind(user).fetch_one(&h.db.pool).await.unwrap();
    assert!(token_id.is_some());
    assert_eq!(log_in_status(&h, "ada@example.com", "Analytical-Engine-1843").await, StatusCode::OK);

    // The same person again: SCIM's uniqueness conflict, nothing made.
    let (status, _, refused) = scim(&h, &okta, Method::POST, "Users", Some(okta_user("ADA@example.com", "00u1ada")), &[]).await;
    assert_eq!((status, refused["scimType"].as_str()), (StatusCode::CONFLICT, Some("uniqueness")), "{refused}");

    // Found by what the provider knows: userName case aside, externalId, Entra's work email.
    for expression in [r#"userName eq "Ada@Example.COM""#, r#"externalId eq "00u1ada""#, r#"emails[type eq "work"].value eq "ada@example.com""#] {
        let (_, _, found) = scim(&h, &okta, Method::GET, &filter("Users", expression), None, &[]).await;
        assert_eq!((found["totalResults"].as_i64(), found["Resources"][0]["id"].as_str()), (Some(1), Some(id.as_str())), "{expression}");
    }
    let (_, _, found) = scim(&h, &okta, Method::GET, &filter("Users", r#"externalId eq "00U1ADA""#), None, &[]).await;
    assert_eq!(found["totalResults"], 0, "externalId is compared exactly");

    // Read, and not read again when unchanged; a change to another version is refused.
    let version = ada["meta"]["version"].as_str().unwrap().to_string();
    let (status, _, _) = scim(&h, &okta, Method::GET, &format!("Users/{id}"), None, &[(header::IF_NONE_MATCH, &version)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    let mut renamed = okta_user("ada@example.com", "00u1ada");
    renamed["name"]["familyName"] = json!("King");
    renamed.as_object_mut().unwrap().remove("password");
    let (status, _, _) = scim(&h, &okta, Method::PUT, &format!("Users/{id}"), Some(renamed.clone()), &[(header::IF_MATCH, "W/\"stale\"")]).await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    let (status, _, ada) = scim(&h, &okta, Method::PUT, &format!("Users/{id}"), Some(renamed), &[(header::IF_MATCH, &version)]).await;
    assert_eq!((status, ada["name"]["familyName"].as_str()), (StatusCode::OK, Some("King")), "{ada}");
    assert_ne!(ada["meta"]["version"].as_str(), Some(version.as_str()));

    // Entra ID deactivates: no login, sessions ended, not billed as active; then reactivates.
    let session = log_in(&h, "ada@example.com", "Analytical-Engine-1843").await.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    let deactivate = json!({ "schemas": [PATCH], "Operations": [{ "op": "Replace", "path": "active", "value": "False" }] });
    let (status, _, ada) = scim(&h, &okta, Method::PATCH, &format!("Users/{id}"), Some(deactivate), &[]).await;
    assert_eq!((status, ada["active"].as_bool()), (StatusCode::OK, Some(false)), "{ada}");
    assert_eq!(log_in_status(&h, "ada@example.com", "Analytical-Engine-1843").await, StatusCode::UNAUTHORIZED);
    assert_eq!(h.call(&session, "/api/users/list", "").await.status(), StatusCode::UNAUTHORIZED, "the session ended");
    assert_eq!(active_billed().await, billed_before);
    let (_, _, found) = scim(&h, &okta, Method::GET, &filter("Users", "active eq false"), None, &[]).await;
    assert_eq!(found["Resources"][0]["id"].as_str(), Some(id.as_str()));
    let reactivate = json!({ "schemas": [PATCH], "Operations": [{ "op": "replace", "value": { "active": true, "name.givenName": "Augusta" } }] });
    let (_, _, ada) = scim(&h, &okta, Method::PATCH, &format!("Users/{id}"), Some(reactivate), &[]).await;
    assert_eq!((ada["active"].as_bool(), ada["name"]["givenName"].as_str()), (Some(true), Some("Augusta")));
    assert_eq!(log_in_status(&h, "ada@example.com", "Analytical-Engine-1843").await, StatusCode::OK);
    assert_eq!(active_billed().await, billed_before + 1);
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE target_type = 'user' AND target_id = $1 AND token_id IS NOT NULL ORDER BY id").bind(user).fetch_all(&h.db.pool).await.unwrap();
    assert_eq!(audited, ["user_set_up", "user_changed", "user_deactivated", "user_changed", "user_reactivated"]);

    // Without a password: credentials by email (R27), billed when it is sent.
    let mut grace = okta_user("grace@example.com", "00u2grace");
    grace.as_object_mut().unwrap().remove("password");
    let (status, _, grace) = scim(&h, &okta, Method::POST, "Users", Some(grace), &[]).await;
    assert_eq!(status, StatusCode::CREATED, "{grace}");
    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox_emails WHERE to_address = 'grace@example.com' AND kind = 'credentials'").fetch_one(&h.db.pool).await.unwrap();
    assert_eq!(queued, 1);

    // Deleted: erased as a deletion date erases (R68); gone for SCIM; the address free again.
    let (status, _, _) = scim(&h, &okta, Method::DELETE, &format!("Users/{id}"), None, &[]).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = scim(&h, &okta, Method::GET, &format!("Users/{id}"), None, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let erased: (Option<String>, String, Option<i64>) = sqlx::query_as("SELECT email, first_name, deleted_at FROM users WHERE id = $1").bind(user).fetch_one(&h.db.pool).await.unwrap();
    assert_eq!((erased.0, erased.1.as_str(), erased.2.is_some()), (None, "", true));
    let (status, _, _) = scim(&h, &okta, Method::POST, "Users", Some(okta_user("ada@example.com", "00u1ada")), &[]).await;
    assert_eq!(status, StatusCode::CREATED);
}

async fn r92_a_token_limited_to_a_group_sees_and_manages_its_branch_only(db: TestDb) {
    let h = demo_on(db).await;
    let paula = h.log_in_as("admin@northwind.example").await;
    let sales = h.group("Sales").await;
    let entra = token(&h, &paula, &format!("form[name]=Entra&form[scope]=scim&form[group]={sales}")).await;

    // It sees the members of Sales and below (R62), nobody else — not even by filter.
    let (_, _, all) = scim(&h, &entra, Method::GET, "Users?count=1000", None, &[]).await;
    let seen: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT m.user_id) FROM memberships m JOIN groups g ON g.id = m.group_id JOIN users u ON u.id = m.user_id
         WHERE u.deleted_at IS NULL AND g.name IN ('Sales', 'Sales EMEA', 'Paris office', 'Sales Americas')",
    )
    .fetch_one(&h.db.pool)
    .await
    .unwrap();
    assert_eq!(all["totalResults"].as_i64(), Some(seen));
    let logins: Vec<&str> = all["Resources"].as_array().unwrap().iter().filter_map(|u| u["userName"].as_str()).collect();
    assert!(logins.contains(&"emea.coach@northwind.example") && !logins.contains(&"admin@northwind.example") && !logins.contains(&"author@northwind.example"), "{logins:?}");
    let (_, _, found) = scim(&h, &entra, Method::GET, &filter("Users", r#"userName eq "author@northwind.example""#), None, &[]).await;
    assert_eq!(found["totalResults"], 0);
    let outsider = h.user("author@northwind.example").await;
    let (status, _, _) = scim(&h, &entra, Method::GET, &format!("Users/{outsider}"), None, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let owner = h.user("owner@northwind.example").await;
    let (status, _, _) = scim(&h, &entra, Method::DELETE, &format!("Users/{owner}"), None, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A new user is a learner of Sales (private: no climb, R10).
    let (status, _, made) = scim(&h, &entra, Method::POST, "Users", Some(okta_user("new.seller@example.com", "e-77")), &[]).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let groups: Vec<i64> = sqlx::query_scalar("SELECT group_id FROM memberships WHERE user_id = $1").bind(made["id"].as_str().unwrap().parse::<i64>().unwrap()).fetch_all(&h.db.pool).await.unwrap();
    assert_eq!(groups, [sales]);

    // It manages as an admin of Sales would (R54): a coach of Sales EMEA, yes; Greta, the admin
    // of Sales, is a peer — her details, never her access.
    let colin = h.user("emea.coach@northwind.example").await;
    let off = json!({ "schemas": [PATCH], "Operations": [{ "op": "replace", "path": "active", "value": false }] });
    let (status, _, body) = scim(&h, &entra, Method::PATCH, &format!("Users/{colin}"), Some(off.clone()), &[]).await;
    assert_eq!((status, body["active"].as_bool()), (StatusCode::OK, Some(false)), "{body}");
    let greta = h.user("sales.admin@northwind.example").await;
    let (status, _, _) = scim(&h, &entra, Method::PATCH, &format!("Users/{greta}"), Some(off), &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let rename = json!({ "schemas": [PATCH], "Operations": [{ "op": "replace", "path": "name.familyName", "value": "Grossadmin" }] });
    let (status, _, body) = scim(&h, &entra, Method::PATCH, &format!("Users/{greta}"), Some(rename), &[]).await;
    assert_eq!((status, body["name"]["familyName"].as_str()), (StatusCode::OK, Some("Grossadmin")));
    let still: Option<i64> = sqlx::query_scalar("SELECT deactivated_at FROM users WHERE id = $1").bind(greta).fetch_one(&h.db.pool).await.unwrap();
    assert_eq!(still, None);
}

async fn r92_searches_pages_and_refusals_in_scims_words(db: TestDb) {
    let h = demo_on(db).await;
    let paula = h.log_in_as("admin@northwind.example").await;
    let token = token(&h, &paula, "form[name]=Keycloak&form[scope]=scim").await;

    // Pages: in a stable order, from startIndex (1 the first), count at a time.
    let (_, _, all) = scim(&h, &token, Method::GET, "Users", None, &[]).await;
    let total = all["totalResults"].as_i64().unwrap();
    assert!(total > 10);
    let ids = |page: &Value| page["Resources"].as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let (_, _, first) = scim(&h, &token, Method::GET, "Users?startIndex=1&count=5", None, &[]).await;
    let (_, _, second) = scim(&h, &token, Method::GET, "Users?startIndex=6&count=5", None, &[]).await;
    assert_eq!((first["itemsPerPage"].as_i64(), second["startIndex"].as_i64(), first["totalResults"].as_i64()), (Some(5), Some(6), Some(total)));
    assert_eq!([ids(&first), ids(&second)].concat(), ids(&all)[..10]);
    let (_, _, none) = scim(&h, &token, Method::GET, "Users?count=0", None, &[]).await;
    assert_eq!((none["totalResults"].as_i64(), none["Resources"].as_array().map(Vec::len)), (Some(total), Some(0)));

    // Sorted (RFC 7644 §3.4.2.3): by family name the other way, equal names by id; by creation
    // as by default; an attribute it does not sort on refused.
    let (status, _, sorted) = scim(&h, &token, Method::GET, "Users?sortBy=name.familyName&sortOrder=descending&count=1000", None, &[]).await;
    assert_eq!(status, StatusCode::OK, "{sorted}");
    let family: Vec<String> = sorted["Resources"].as_array().unwrap().iter().map(|u| u["name"]["familyName"].as_str().unwrap_or_default().to_lowercase()).collect();
    assert!(family.len() as i64 == total && family.windows(2).all(|w| w[0] >= w[1]), "{family:?}");
    let (_, _, created) = scim(&h, &token, Method::GET, "Users?sortBy=meta.created", None, &[]).await;
    assert_eq!(ids(&created), ids(&all));
    let searched = json!({ "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "sortBy": "urn:ietf:params:scim:schemas:core:2.0:User:userName", "count": 3 });
    let (_, _, by_login) = scim(&h, &token, Method::POST, "Users/.search", Some(searched), &[]).await;
    let logins: Vec<&str> = by_login["Resources"].as_array().unwrap().iter().filter_map(|u| u["userName"].as_str()).collect();
    assert!(logins.len() == 3 && logins.windows(2).all(|w| w[0].to_lowercase() <= w[1].to_lowercase()), "{logins:?}");
    let (_, _, groups) = scim(&h, &token, Method::GET, "Groups?sortBy=displayName&excludedAttributes=members", None, &[]).await;
    let names: Vec<String> = groups["Resources"].as_array().unwrap().iter().map(|g| g["displayName"].as_str().unwrap().to_lowercase()).collect();
    assert!(names.len() > 3 && names.windows(2).all(|w| w[0] <= w[1]), "{names:?}");
    for path in ["Users?sortBy=title", "Users?sortBy=userName&sortOrder=sideways", "Groups?sortBy=members"] {
        let (status, _, refused) = scim(&h, &token, Method::GET, path, None, &[]).await;
        assert_eq!((status, refused["scimType"].as_str()), (StatusCode::BAD_REQUEST, Some("invalidValue")), "{path}: {refused}");
    }

    // Searches: co, sw, and, not.
    let (_, _, found) = scim(&h, &token, Method::GET, &filter("Users", r#"userName sw "emea." and not (name.givenName co "lys")"#), None, &[]).await;
    let logins: Vec<&str> = found["Resources"].as_array().unwrap().iter().filter_map(|u| u["userName"].as_str()).collect();
    assert_eq!(logins, ["emea.coach@northwind.example"]);

    // Refusals, each in SCIM's words, changing nothing.
    let users = || async { sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users").fetch_one(&h.db.pool).await.unwrap() };
    let before = users().await;
    let (status, _, body) = scim(&h, &token, Method::GET, &filter("Users", r#"meta.lastModified gt "2026-01-01""#), None, &[]).await;
    assert_eq!((status, body["scimType"].as_str()), (StatusCode::BAD_REQUEST, Some("invalidFilter")));
    for (body, scim_type, says) in [
        (json!({ "userName": "x@example.com" }), "invalidValue", "givenName"),
        (json!({ "userName": "not an address@", "name": { "givenName": "A", "familyName": "B" }, "password": "Analytical-Engine-1843" }), "invalidValue", "userName"),
        (json!({ "userName": "nul@example.com", "name": { "givenName": "A\u{0}", "familyName": "B" } }), "invalidSyntax", "NUL"),
        (json!({ "userName": "owner@northwind.example", "name": { "givenName": "A", "familyName": "B" } }), "uniqueness", "active account"),
    ] {
        let (status, _, refused) = scim(&h, &token, Method::POST, "Users", Some(body.clone()), &[]).await;
        assert_eq!(refused["scimType"].as_str(), Some(scim_type), "{body}: {refused}");
        assert!(refused["detail"].as_str().unwrap().contains(says), "{body}: {refused}");
        assert!(status.is_client_error());
    }
    let response = h
        .send(Request::post("/scim/v2/Users").header(header::AUTHORIZATION, format!("Bearer {token}")).header(header::CONTENT_TYPE, "application/scim+json").body(Body::from("{not json")).unwrap())
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(users().await, before);

    // A username account (R40) with its password: set up, no email, and it logs in. Without a
    // password: set up, no email either, and no login until a password is set (R61).
    let kiosk = json!({ "userName": "kiosk.lyon", "name": { "givenName": "Kiosk", "familyName": "Lyon" }, "password": "Quiet-Harbour-2026" });
    let (status, _, kiosk) = scim(&h, &token, Method::POST, "Users", Some(kiosk), &[]).await;
    assert_eq!((status, kiosk["emails"].as_array().map(Vec::len)), (StatusCode::CREATED, Some(0)), "{kiosk}");
    assert_eq!(log_in_status(&h, "kiosk.lyon", "Quiet-Harbour-2026").await, StatusCode::OK);
    let nice = json!({ "userName": "kiosk.nice", "name": { "givenName": "Kiosk", "familyName": "Nice" } });
    let (status, _, _) = scim(&h, &token, Method::POST, "Users", Some(nice), &[]).await;
    assert_eq!(status, StatusCode::CREATED);
    let emails: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox_emails").fetch_one(&h.db.pool).await.unwrap();
    assert_eq!(emails, 0, "nothing is sent to a user without email");

    // Discovery: what Roster does, and writes refused.
    let (_, _, config) = scim(&h, &token, Method::GET, "ServiceProviderConfig", None, &[]).await;
    assert_eq!((config["patch"]["supported"].as_bool(), config["filter"]["maxResults"].as_i64(), config["etag"]["supported"].as_bool()), (Some(true), Some(1000), Some(true)));
    let (_, _, types) = scim(&h, &token, Method::GET, "ResourceTypes", None, &[]).await;
    assert_eq!(types["Resources"][0]["endpoint"], "/Users");
    let (status, _, schema) = scim(&h, &token, Method::GET, &format!("Schemas/{USER}"), None, &[]).await;
    assert_eq!((status, schema["attributes"][0]["name"].as_str()), (StatusCode::OK, Some("userName")));
    let (status, _, refused) = scim(&h, &token, Method::DELETE, "Schemas", None, &[]).await;
    assert_eq!((status, refused["status"].as_str()), (StatusCode::METHOD_NOT_ALLOWED, Some("405")));
}

async fn r98_labels_custom_fields_and_the_deletion_date_through_rosters_extension(db: TestDb) {
    let h = demo_on(db).await;
    let paula = h.log_in_as("admin@northwind.example").await;
    let token = token(&h, &paula, "form[name]=Okta&form[scope]=scim").await;
    let ext = |user: &Value| user[ROSTER_USER].clone();
    let patch = |operations: Value| json!({ "schemas": [PATCH], "Operations": operations });
    // A PUT says everything again but the password (an address's owner chooses their own, R61).
    let put = || {
        let mut user = okta_user("ada.x@example.com", "00u9");
        user.as_object_mut().unwrap().remove("password");
        user
    };

    // Discovery names the extension: labels, custom fields, deletion date, a pending invitation (R99).
    let (status, _, schema) = scim(&h, &token, Method::GET, &format!("Schemas/{ROSTER_USER}"), None, &[]).await;
    assert_eq!((status, schema["attributes"].as_array().map(Vec::len)), (StatusCode::OK, Some(4)), "{schema}");
    let (_, _, user_type) = scim(&h, &token, Method::GET, "ResourceTypes/User", None, &[]).await;
    assert_eq!(user_type["schemaExtensions"], json!([{ "schema": ROSTER_USER, "required": false }]));

    // Created with them: labels and fields by name, case aside; a deletion date (R42).
    let mut ada = okta_user("ada.x@example.com", "00u9");
    ada[ROSTER_USER] = json!({ "labels": ["contractor"], "customFields": [{ "name": "employee id", "value": " E-7 " }], "deletionDate": "2099-12-31" });
    let (status, _, ada) = scim(&h, &token, Method::POST, "Users", Some(ada), &[]).await;
    assert_eq!(status, StatusCode::CREATED, "{ada}");
    assert!(ada["schemas"].as_array().unwrap().contains(&json!(ROSTER_USER)));
    assert_eq!(ext(&ada), json!({ "labels": ["Contractor"], "customFields": [{ "name": "Employee ID", "value": "E-7" }], "deletionDate": "2099-12-31" }));
    let id = ada["id"].as_str().unwrap().to_string();
    let user: i64 = id.parse().unwrap();

    // A PUT from a provider that does not know the extension leaves them as they are.
    let (status, _, shown) = scim(&h, &token, Method::PUT, &format!("Users/{id}"), Some(put()), &[]).await;
    assert_eq!((status, ext(&shown)), (StatusCode::OK, ext(&ada)), "{shown}");

    // PATCH: an add adds a label (and replaces a field's value), a remove with a value removes
    // one, a replace replaces.
    let field = json!([{ "op": "add", "path": format!("{ROSTER_USER}:customFields"), "value": [{ "name": "Employee ID", "value": "E-8" }] }]);
    let (status, _, patched) = scim(&h, &token, Method::PATCH, &format!("Users/{id}"), Some(patch(field)), &[]).await;
    assert_eq!((status, &ext(&patched)["customFields"]), (StatusCode::OK, &json!([{ "name": "Employee ID", "value": "E-8" }])), "{patched}");
    let (status, _, patched) = scim(&h, &token, Method::PATCH, &format!("Users/{id}"), Some(patch(json!([{ "op": "add", "path": format!("{ROSTER_USER}:labels"), "value": ["Partner"] }]))), &[]).await;
    assert_eq!((status, &ext(&patched)["labels"]), (StatusCode::OK, &json!(["Contractor", "Partner"])), "{patched}");
    let operations = json!([
        { "op": "Remove", "path": format!("{ROSTER_USER}:labels"), "value": [{ "value": "Contractor" }] },
        { "op": "remove", "path": format!("{ROSTER_USER}:deletionDate") },
        { "op": "replace", "value": { (format!("{ROSTER_USER}:customFields")): [{ "name": "Cost centre", "value": "CC-1" }] } },
    ]);
    let (status, _, patched) = scim(&h, &token, Method::PATCH, &format!("Users/{id}"), Some(patch(operations)), &[]).await;
    let kept = json!({ "labels": ["Partner"], "customFields": [{ "name": "Cost centre", "value": "CC-1" }] });
    assert_eq!((status, ext(&patched)), (StatusCode::OK, kept), "{patched}: the deletion date removed");
    let stored: (Option<String>, i64) = sqlx::query_as("SELECT deletion_date, (SELECT COUNT(*) FROM user_labels WHERE user_id = $1) FROM users WHERE id = $1").bind(user).fetch_one(&h.db.pool).await.unwrap();
    assert_eq!(stored, (None, 1));
    // A deletion date set again (read as the day it names), and refused when it is no day after today.
    let date = |day: &str| patch(json!([{ "op": "replace", "path": format!("{ROSTER_USER}:deletionDate"), "value": day }]));
    let (status, _, patched) = scim(&h, &token, Method::PATCH, &format!("Users/{id}"), Some(date("2098-1-5")), &[]).await;
    assert_eq!((status, &ext(&patched)["deletionDate"]), (StatusCode::OK, &json!("2098-01-05")), "{patched}");
    for day in ["2020-01-01", "someday"] {
        let (status, _, refused) = scim(&h, &token, Method::PATCH, &format!("Users/{id}"), Some(date(day)), &[]).await;
        assert_eq!((status, refused["scimType"].as_str()), (StatusCode::BAD_REQUEST, Some("invalidValue")), "{day}: {refused}");
        assert!(refused["detail"].as_str().unwrap().contains("deletionDate"), "{refused}");
    }
    let (_, _, patched) = scim(&h, &token, Method::PATCH, &format!("Users/{id}"), Some(patch(json!([{ "op": "remove", "path": format!("{ROSTER_USER}:deletionDate") }]))), &[]).await;

    // Refused, in SCIM's words, changing nothing: a label the platform lacks, a field it lacks.
    let mut unknown = put();
    unknown[ROSTER_USER] = json!({ "labels": ["Partner", "VIP"] });
    let (status, _, refused) = scim(&h, &token, Method::PUT, &format!("Users/{id}"), Some(unknown), &[]).await;
    assert_eq!((status, refused["scimType"].as_str()), (StatusCode::BAD_REQUEST, Some("invalidValue")), "{refused}");
    assert!(refused["detail"].as_str().unwrap().contains("“VIP”"), "{refused}");
    let field = patch(json!([{ "op": "add", "path": format!("{ROSTER_USER}:customFields"), "value": [{ "name": "Shoe size", "value": "42" }] }]));
    let (status, _, refused) = scim(&h, &token, Method::PATCH, &format!("Users/{id}"), Some(field), &[]).await;
    assert_eq!((status, refused["detail"].as_str().is_some_and(|d| d.contains("customFields") && d.contains("“Shoe size”"))), (StatusCode::BAD_REQUEST, true), "{refused}");
    let (_, _, now) = scim(&h, &token, Method::GET, &format!("Users/{id}"), None, &[]).await;
    assert_eq!(ext(&now), ext(&patched));

    // Searches show them too.
    let (_, _, found) = scim(&h, &token, Method::GET, &filter("Users", r#"externalId eq "00u9""#), None, &[]).await;
    assert_eq!(ext(&found["Resources"][0]), ext(&patched));
}

/// The link of the latest invitation email to `to`, as delivered.
async fn invitation_link_token(h: &Harness, to: &str) -> String {
    let text: String = sqlx::query_scalar(&format!("SELECT {} FROM outbox_emails WHERE to_address = $1 ORDER BY id DESC LIMIT 1", app::backend::mail::DELIVERED_TEXT))
        .bind(to)
        .fetch_one(&h.db.pool)
        .await
        .unwrap();
    text.split_whitespace().find(|w| w.contains("/invitation/")).unwrap().rsplit('/').next().unwrap().to_string()
}

async fn r99_a_token_that_invites_invites_and_the_provider_follows_the_invitation_to_the_account(db: TestDb) {
    let h = demo_on(db).await;
    let paula = h.log_in_as("admin@northwind.example").await;
    let sales = h.group("Sales").await;
    let entra = token(&h, &paula, &format!("form[name]=Entra&form[scope]=scim&form[scim_creates]=invite&form[group]={sales}")).await;
    let accounts = |email: &'static str| {
        let pool = h.db.pool.clone();
        async move { sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users WHERE email_key = $1").bind(email).fetch_one(&pool).await.unwrap() }
    };
    let status_of = |id: &str| {
        let (pool, id) = (h.db.pool.clone(), id.trim_start_matches('i').parse::<i64>().unwrap());
        async move { sqlx::query_scalar::<_, String>("SELECT status FROM invitations WHERE id = $1").bind(id).fetch_one(&pool).await.unwrap() }
    };

    // Created as Entra ID sends it (a display name only): an invitation into Sales, its email
    // queued — no account yet, nothing billed.
    let nina = json!({ "schemas": [USER], "userName": "nina@outside.example", "externalId": "e-77", "active": true, "displayName": "Nina N", "preferredLanguage": "fr-FR" });
    let (status, headers, created) = scim(&h, &entra, Method::POST, "Users", Some(nina.clone()), &[]).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    assert!(id.starts_with('i'), "{created}");
    assert_eq!((created["active"].as_bool(), created[ROSTER_USER]["invitationPending"].as_bool()), (Some(true), Some(true)), "{created}");
    assert_eq!((created["externalId"].as_str(), created["preferredLanguage"].as_str()), (Some("e-77"), Some("fr")));
    assert!(headers[header::LOCATION].to_str().unwrap().ends_with(&format!("/scim/v2/Users/{id}")));
    assert_eq!(accounts("nina@outside.example").await, 0);
    let grants: Vec<(i64, String)> = sqlx::query_as("SELECT group_id, role FROM invitation_grants WHERE invitation_id = $1")
        .bind(id[1..].parse::<i64>().unwrap())
        .fetch_all(&h.db.pool)
        .await
        .unwrap();
    assert_eq!(grants, [(sales, "learner".to_string())]);
    let (status, _, read) = scim(&h, &entra, Method::GET, &format!("Users/{id}"), None, &[]).await;
    assert_eq!((status, &read), (StatusCode::OK, &created));

    // Sent again: the address is taken (SCIM's uniqueness), and nothing is sent twice.
    let (status, _, again) = scim(&h, &entra, Method::POST, "Users", Some(nina), &[]).await;
    assert_eq!((status, again["scimType"].as_str()), (StatusCode::CONFLICT, Some("uniqueness")), "{again}");
    let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox_emails WHERE to_address = 'nina@outside.example'").fetch_one(&h.db.pool).await.unwrap();
    assert_eq!(sent, 1);
    // The lookup a provider makes before creating finds her (no account matches): Okta's by
    // userName (case aside), Entra ID's by externalId; another branch's token, nothing.
    for expression in [r#"userName eq "NINA@outside.example""#, r#"externalId eq "e-77""#, r#"emails[type eq "work"].value eq "nina@outside.example""#] {
        let (_, _, found) = scim(&h, &entra, Method::GET, &filter("Users", expression), None, &[]).await;
        assert_eq!((found["totalResults"].as_i64(), found["Resources"][0]["id"].as_str()), (Some(1), Some(id.as_str())), "{expression}: {found}");
    }
    let (_, _, found) = scim(&h, &entra, Method::GET, &filter("Users", r#"externalId eq "E-77""#), None, &[]).await;
    assert_eq!(found["totalResults"], 0, "externalId is compared exactly");
    let (_, _, listed) = scim(&h, &entra, Method::GET, &filter("Users", r#"userName sw "nina""#), None, &[]).await;
    assert_eq!(listed["totalResults"], 0, "lists show accounts only");
    let engineering = h.group("Engineering").await;
    let elsewhere = token(&h, &paula, &format!("form[name]=Elsewhere&form[scope]=scim&form[group]={engineering}")).await;
    let (_, _, found) = scim(&h, &elsewhere, Method::GET, &filter("Users", r#"userName eq "nina@outside.example""#), None, &[]).await;
    assert_eq!(found["totalResults"], 0, "not an invitation this token may manage");
    // While pending: its externalId may change; its address may not; the names are the person's.
    let change = json!({ "schemas": [PATCH], "Operations": [{ "op": "replace", "path": "externalId", "value": "e-78" }, { "op": "replace", "path": "name.givenName", "value": "Nino" }] });
    let (status, _, changed) = scim(&h, &entra, Method::PATCH, &format!("Users/{id}"), Some(change), &[]).await;
    assert_eq!((status, changed["externalId"].as_str(), changed["id"].as_str()), (StatusCode::OK, Some("e-78"), Some(id.as_str())), "{changed}");
    let moved = json!({ "schemas": [PATCH], "Operations": [{ "op": "replace", "path": "userName", "value": "nina@elsewhere.example" }] });
    let (status, _, _) = scim(&h, &entra, Method::PATCH, &format!("Users/{id}"), Some(moved), &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Okta pushes her group before she registers: the invitation gains it (R21), and the group
    // lists her by the invitation's id.
    let emea = h.group("Sales EMEA").await;
    let add = json!({ "schemas": [PATCH], "Operations": [{ "op": "Add", "path": "members", "value": [{ "value": id }] }] });
    let (status, _, group) = scim(&h, &entra, Method::PATCH, &format!("Groups/g{emea}"), Some(add), &[]).await;
    assert_eq!(status, StatusCode::OK, "{group}");
    assert!(group["members"].as_array().unwrap().iter().any(|m| m["value"] == id.as_str()), "{group}");

    // Nina registers from the email: the provider's id now names her account, active, with the
    // externalId it gave; searches find her by it.
    let link = invitation_link_token(&h, "nina@outside.example").await;
    let registered = h.send(post("/api/invitations/register", &format!("token={link}&first_name=Nina&last_name=Nilsson&password=a+long+enough+secret"))).await;
    assert_eq!(registered.status(), StatusCode::OK);
    let (status, _, account) = scim(&h, &entra, Method::GET, &format!("Users/{id}"), None, &[]).await;
    assert_eq!(status, StatusCode::OK, "{account}");
    assert_eq!((account["id"].as_str(), account["active"].as_bool(), account["name"]["familyName"].as_str(), account["externalId"].as_str()), (Some(id.as_str()), Some(true), Some("Nilsson"), Some("e-78")));
    for expression in [r#"userName eq "nina@outside.example""#.to_string(), format!(r#"id eq "{id}""#), r#"externalId eq "e-78""#.to_string()] {
        let (_, _, found) = scim(&h, &entra, Method::GET, &filter("Users", &expression), None, &[]).await;
        assert_eq!((found["totalResults"].as_i64(), found["Resources"][0]["id"].as_str()), (Some(1), Some(id.as_str())), "{expression}: {found}");
    }
    // Groups know her by the same id: a member of Sales EMEA since the push before she
    // registered, and taken out of it by that id.
    let (_, _, group) = scim(&h, &entra, Method::GET, &format!("Groups/g{emea}"), None, &[]).await;
    assert!(group["members"].as_array().unwrap().iter().any(|m| m["value"] == id.as_str() && m["$ref"].as_str().unwrap().ends_with(&format!("/Users/{id}"))), "{group}");
    let nina_account = h.user("nina@outside.example").await;
    let in_emea: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE user_id = $1 AND group_id = $2 AND role = 'learner' AND propagated_from IS NULL")
        .bind(nina_account)
        .bind(emea)
        .fetch_one(&h.db.pool)
        .await
        .unwrap();
    assert_eq!(in_emea, 1, "the grant the push added to the invitation");
    let remove = json!({ "schemas": [PATCH], "Operations": [{ "op": "Remove", "path": format!("members[value eq \"{id}\"]") }] });
    let (status, _, group) = scim(&h, &entra, Method::PATCH, &format!("Groups/g{emea}"), Some(remove), &[]).await;
    assert_eq!(status, StatusCode::OK, "{group}");
    assert!(!group["members"].as_array().map(|m| m.iter().any(|m| m["value"] == id.as_str())).unwrap_or(false), "{group}");

    let off = json!({ "schemas": [PATCH], "Operations": [{ "op": "Replace", "path": "active", "value": "False" }] });
    let (status, _, body) = scim(&h, &entra, Method::PATCH, &format!("Users/{id}"), Some(off.clone()), &[]).await;
    assert_eq!((status, body["active"].as_bool()), (StatusCode::OK, Some(false)), "{body}");
    let (status, _, _) = scim(&h, &entra, Method::DELETE, &format!("Users/{id}"), None, &[]).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = scim(&h, &entra, Method::GET, &format!("Users/{id}"), None, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(accounts("nina@outside.example").await, 0, "erased (R68)");

    // Deprovisioned before registering, as Entra ID does (active "False"), or by DELETE: the
    // invitation is cancelled, its link dead (R23).
    for (email, by_patch) in [("grace@outside.example", true), ("hedy@outside.example", false)] {
        let (status, _, made) = scim(&h, &entra, Method::POST, "Users", Some(json!({ "schemas": [USER], "userName": email })), &[]).await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        let id = made["id"].as_str().unwrap().to_string();
        let link = invitation_link_token(&h, email).await;
        if by_patch {
            let (status, _, body) = scim(&h, &entra, Method::PATCH, &format!("Users/{id}"), Some(off.clone()), &[]).await;
            assert_eq!((status, body["active"].as_bool()), (StatusCode::OK, Some(false)), "{body}");
        } else {
            let (status, _, _) = scim(&h, &entra, Method::DELETE, &format!("Users/{id}"), None, &[]).await;
            assert_eq!(status, StatusCode::NO_CONTENT);
        }
        assert_eq!(status_of(&id).await, "cancelled");
        let (status, _, _) = scim(&h, &entra, Method::GET, &format!("Users/{id}"), None, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let late = h.send(post("/api/invitations/register", &format!("token={link}&first_name=Late&last_name=L&password=a+long+enough+secret"))).await;
        assert_eq!(late.status(), StatusCode::NOT_FOUND);
    }

    // Refused, changing nothing: a username (an invitation is an email), an address with an
    // account.
    let (status, _, body) = scim(&h, &entra, Method::POST, "Users", Some(json!({ "schemas": [USER], "userName": "no-email" })), &[]).await;
    assert_eq!((status, body["scimType"].as_str()), (StatusCode::BAD_REQUEST, Some("invalidValue")), "{body}");
    let (status, _, body) = scim(&h, &entra, Method::POST, "Users", Some(json!({ "schemas": [USER], "userName": "emea.coach@northwind.example" })), &[]).await;
    assert_eq!((status, body["scimType"].as_str()), (StatusCode::CONFLICT, Some("uniqueness")), "{body}");

    // Another branch's token neither reads nor cancels Sales' invitation (R3, R38).
    let (_, _, pending) = scim(&h, &entra, Method::POST, "Users", Some(json!({ "schemas": [USER], "userName": "ivy@outside.example" })), &[]).await;
    let pending = pending["id"].as_str().unwrap().to_string();
    // Pushed into a group and out again before registering: a grant of the invitation, then none.
    let grants = |pending: String| {
        let pool = h.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT group_id FROM invitation_grants WHERE invitation_id = $1 ORDER BY group_id").bind(pending[1..].parse::<i64>().unwrap()).fetch_all(&pool).await.unwrap()
        }
    };
    let add = json!({ "schemas": [PATCH], "Operations": [{ "op": "Add", "path": "members", "value": [{ "value": pending }] }] });
    let (status, _, body) = scim(&h, &entra, Method::PATCH, &format!("Groups/g{emea}"), Some(add), &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(grants(pending.clone()).await, [sales, emea]);
    let out = json!({ "schemas": [PATCH], "Operations": [{ "op": "Remove", "path": "members", "value": [{ "value": pending }] }] });
    let (status, _, body) = scim(&h, &entra, Method::PATCH, &format!("Groups/g{emea}"), Some(out), &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(grants(pending.clone()).await, [sales]);
    let engineering = h.group("Engineering").await;
    let other = token(&h, &paula, &format!("form[name]=Other&form[scope]=scim&form[group]={engineering}")).await;
    for method in [Method::GET, Method::DELETE] {
        let (status, _, _) = scim(&h, &other, method, &format!("Users/{pending}"), None, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let add = json!({ "schemas": [PATCH], "Operations": [{ "op": "Add", "path": "members", "value": [{ "value": pending }] }] });
    let (status, _, body) = scim(&h, &other, Method::PATCH, &format!("Groups/g{engineering}"), Some(add), &[]).await;
    assert_eq!((status, body["scimType"].as_str()), (StatusCode::BAD_REQUEST, Some("invalidValue")), "{body}");
    assert_eq!((status_of(&pending).await, grants(pending.clone()).await), ("pending".to_string(), vec![sales]));
}
