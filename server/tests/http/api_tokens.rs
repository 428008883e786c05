//! Issue 15, R90: platform administrators make API tokens (the secret shown once, kept hashed),
//! list and revoke them; a token opens its own door (SCIM here) and nothing else, within its
//! calls a minute. On SQLite and PostgreSQL.

use app::backend::testing::TestDb;
use app::i18n::Msg;
use app::wire::tokens::CreatedToken;
use axum::body::Body;
use http::{header, Request, StatusCode};

use super::{app_error, body_text, demo_on, Harness};

app::on_both_databases!(r90_platform_admins_make_tokens_shown_once_kept_hashed_and_revoked, r90_a_token_opens_its_own_door_only_within_its_calls_a_minute);

fn scim(path: &str, bearer: Option<&str>) -> Request<Body> {
    let request = Request::get(format!("/scim/v2/{path}")).header(header::ACCEPT, "application/scim+json");
    match bearer {
        Some(secret) => request.header(header::AUTHORIZATION, format!("Bearer {secret}")),
        None => request,
    }
    .body(Body::empty())
    .unwrap()
}

async fn create(h: &Harness, cookie: &str, form: &str) -> CreatedToken {
    let response = h.call(cookie, "/api/tokens/create", form).await;
    assert_eq!(response.status(), StatusCode::OK);
    serde_json::from_str(&body_text(response).await).unwrap()
}

async fn r90_platform_admins_make_tokens_shown_once_kept_hashed_and_revoked(db: TestDb) {
    let h = demo_on(db).await;
    let paula = h.log_in_as("admin@northwind.example").await;
    let greta = h.log_in_as("sales.admin@northwind.example").await;
    let tokens = || async { sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM api_tokens").fetch_one(&h.db.pool).await.unwrap() };

    // Who may: platform administrators only (a group admin is refused, and the refusal audited).
    assert_eq!(h.call(&greta, "/api/tokens/create", "form[name]=Mine").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(h.call(&greta, "/api/tokens/list", "").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(h.call(&greta, "/api/tokens/groups", "").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(h.call(&greta, "/api/tokens/revoke", "id=1").await.status(), StatusCode::FORBIDDEN);

    // Bad input: every message at once, nothing made.
    let bad = app_error(h.call(&paula, "/api/tokens/create", "form[name]=+++&form[scope]=scim&form[per_minute]=0&form[expires_in_days]=7&form[group]=999999").await).await;
    assert_eq!(bad.for_field("name"), Some(&Msg::Required));
    assert_eq!(bad.for_field("per_minute"), Some(&Msg::NumberBetween { min: 1, max: 600_000 }));
    assert_eq!(bad.for_field("expires_in_days"), Some(&Msg::NumberBetween { min: 30, max: 365 }));
    assert!(matches!(bad.for_field("group"), Some(Msg::UnknownGroup { .. })));
    assert_eq!(tokens().await, 0);

    // Made: the secret is answered once; only its hash is kept, and the list never shows it.
    let sales = h.group("Sales").await;
    let okta = create(&h, &paula, &format!("form[name]=Okta++provisioning&form[scope]=scim&form[group]={sales}&form[expires_in_days]=30&form[scim_creates]=invite&form[scim_role]=coach")).await;
    assert!(okta.secret.starts_with("roster_") && okta.secret.len() == 7 + 64, "{}", okta.secret);
    assert_eq!(okta.name, "Okta provisioning");
    let (hash, scope, group, creates, role, expires_in): (String, String, Option<i64>, String, String, i64) = sqlx::query_as(
        "SELECT token_hash, scope, group_id, scim_creates, scim_role, expires_at - created_at FROM api_tokens WHERE id = $1",
    )
    .bind(okta.id)
    .fetch_one(&h.db.pool)
    .await
    .unwrap();
    assert_eq!((scope.as_str(), group, creates.as_str(), role.as_str(), expires_in), ("scim", Some(sales), "invite", "coach", 30 * 86_400_000));
    assert!(hash.len() == 64 && !hash.contains(&okta.secret[7..]), "only the secret's SHA-256 is kept");
    let listed = body_text(h.call(&paula, "/api/tokens/list", "").await).await;
    assert!(listed.contains("Okta provisioning") && listed.contains("Sales") && !listed.contains(&okta.secret[7..]), "{listed}");

    // Names are unique among the live tokens; left out, the expiry is never.
    let again = app_error(h.call(&paula, "/api/tokens/create", "form[name]=okta+PROVISIONING&form[scope]=read").await).await;
    assert_eq!(again.for_field("name"), Some(&Msg::NameTaken));
    let script = create(&h, &paula, "form[name]=Nightly+export&form[scope]=read").await;
    let never: Option<i64> = sqlx::query_scalar("SELECT expires_at FROM api_tokens WHERE id = $1").bind(script.id).fetch_one(&h.db.pool).await.unwrap();
    assert_eq!(never, None);

    // Revoked: its next call is refused; revoking again is "not found"; the name is free again.
    assert_eq!(h.send(scim("ServiceProviderConfig", Some(&okta.secret))).await.status(), StatusCode::OK);
    assert_eq!(h.call(&paula, "/api/tokens/revoke", &format!("id={}", okta.id)).await.status(), StatusCode::OK);
    assert_eq!(h.send(scim("ServiceProviderConfig", Some(&okta.secret))).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(h.call(&paula, "/api/tokens/revoke", &format!("id={}", okta.id)).await.status(), StatusCode::NOT_FOUND);
    create(&h, &paula, "form[name]=Okta+provisioning&form[scope]=scim").await;

    // Audited: made and revoked, by Paula (no token acted).
    let paula_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'admin@northwind.example'").fetch_one(&h.db.pool).await.unwrap();
    let audited: Vec<(String, Option<i64>, Option<i64>)> =
        sqlx::query_as("SELECT action, actor_id, token_id FROM audit_log WHERE target_type = 'api_token' AND target_id = $1 ORDER BY id").bind(okta.id).fetch_all(&h.db.pool).await.unwrap();
    assert_eq!(audited, vec![("api_token_created".into(), Some(paula_id), None), ("api_token_revoked".into(), Some(paula_id), None)]);
}

async fn r90_a_token_opens_its_own_door_only_within_its_calls_a_minute(db: TestDb) {
    let h = demo_on(db).await;
    let paula = h.log_in_as("admin@northwind.example").await;
    let scim_token = create(&h, &paula, "form[name]=Entra&form[scope]=scim&form[per_minute]=3").await;
    let read_token = create(&h, &paula, "form[name]=Reader&form[scope]=read").await;

    // No token, a session cookie, a made-up token, a REST token: refused in SCIM's words.
    for (request, status) in [
        (scim("ServiceProviderConfig", None), StatusCode::UNAUTHORIZED),
        (super::with_cookie(scim("ServiceProviderConfig", None), &paula), StatusCode::UNAUTHORIZED),
        (scim("ServiceProviderConfig", Some("roster_0000000000000000000000000000000000000000000000000000000000000000")), StatusCode::UNAUTHORIZED),
        (scim("ServiceProviderConfig", Some(&read_token.secret)), StatusCode::FORBIDDEN),
    ] {
        let response = h.send(request).await;
        assert_eq!(response.status(), status);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/scim+json");
        if status == StatusCode::UNAUTHORIZED {
            assert!(response.headers()[header::WWW_AUTHENTICATE].to_str().unwrap().starts_with("Bearer"));
        }
        let body: serde_json::Value = serde_json::from_str(&body_text(response).await).unwrap();
        assert_eq!(body["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:Error");
        assert_eq!(body["status"], status.as_u16().to_string());
    }

    // Its own door: the discovery, as SCIM says it.
    let response = h.send(scim("ServiceProviderConfig", Some(&scim_token.secret))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    let config: serde_json::Value = serde_json::from_str(&body_text(response).await).unwrap();
    assert_eq!(config["authenticationSchemes"][0]["type"], "oauthbearertoken");
    let unknown = h.send(scim("Nothing", Some(&scim_token.secret))).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    // Three calls a minute (the unknown path counted): the fourth waits, told how long.
    assert_eq!(h.send(scim("ResourceTypes", Some(&scim_token.secret))).await.status(), StatusCode::OK);
    let refused = h.send(scim("Schemas", Some(&scim_token.secret))).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused.headers()[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");

    // Used: when, for the list.
    let used: Option<i64> = sqlx::query_scalar("SELECT last_used_at FROM api_tokens WHERE id = $1").bind(scim_token.id).fetch_one(&h.db.pool).await.unwrap();
    assert!(used.is_some());
}
