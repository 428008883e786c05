//! Issue 10.7: platform administrators change the platform's name, default language, time zone
//! and invitation lifetime (Dashboard > SETTINGS); each change is audited and takes effect on the
//! next invitation. On SQLite and PostgreSQL.

use app::backend::testing::TestDb;
use app::i18n::Msg;
use http::StatusCode;

use super::{app_error, body_text, demo_on, Harness};

app::on_both_databases!(r76_platform_admins_change_the_platforms_settings_checked_and_audited,);

async fn settings_row(h: &Harness) -> (String, String, String, i64) {
    sqlx::query_as("SELECT name, default_language, time_zone, invitation_lifetime_days FROM platform").fetch_one(&h.db.pool).await.unwrap()
}

async fn r76_platform_admins_change_the_platforms_settings_checked_and_audited(db: TestDb) {
    let h = demo_on(db).await;
    let paula = h.log_in_as("admin@northwind.example").await;
    let greta = h.log_in_as("sales.admin@northwind.example").await;
    let before = settings_row(&h).await;
    let form = |name: &str, language: &str, zone: &str, days: &str| {
        format!("settings[name]={name}&settings[default_language]={language}&settings[time_zone]={zone}&settings[invitation_lifetime_days]={days}")
    };

    let refused = h.call(&greta, "/api/settings/set_platform", &form("Mine", "en", "UTC", "30")).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "a group admin does not change the platform");
    assert_eq!(h.call(&greta, "/api/settings/platform", "").await.status(), StatusCode::FORBIDDEN);

    let bad = app_error(h.call(&paula, "/api/settings/set_platform", &form("+++", "fr", "Mars%2FOlympus", "31")).await).await;
    assert_eq!(bad.for_field("name"), Some(&Msg::Required));
    assert_eq!(bad.for_field("time_zone"), Some(&Msg::UnknownTimeZone));
    assert_eq!(bad.for_field("invitation_lifetime_days"), Some(&Msg::NumberBetween { min: 1, max: 30 }));
    assert_eq!(settings_row(&h).await, before, "a refused form changes nothing");

    let saved = h.call(&paula, "/api/settings/set_platform", &form("Northwind++Learning", "fr", "+America%2FMontreal+", "14")).await;
    assert_eq!(saved.status(), StatusCode::OK);
    assert_eq!(settings_row(&h).await, ("Northwind Learning".into(), "fr".into(), "America/Montreal".into(), 14));
    let shown = body_text(h.call(&paula, "/api/settings/platform", "").await).await;
    assert!(shown.contains("\"name\":\"Northwind Learning\"") && shown.contains("\"Pacific/Auckland\""), "the settings and the zones to choose from: {shown}");
    let audit: String = sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'platform_settings_changed'").fetch_one(&h.db.pool).await.unwrap();
    let audit: serde_json::Value = serde_json::from_str(&audit).unwrap();
    assert_eq!(audit["name"], serde_json::json!({ "from": before.0, "to": "Northwind Learning" }));
    assert_eq!(audit["invitation_lifetime_days"], serde_json::json!({ "from": 7, "to": 14 }));
    assert_eq!(audit["time_zone"], serde_json::json!({ "from": "Europe/Paris", "to": "America/Montreal" }));
    // Saving the same again records nothing.
    h.call(&paula, "/api/settings/set_platform", &form("Northwind+Learning", "fr", "America%2FMontreal", "14")).await;
    let audits: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'platform_settings_changed'").fetch_one(&h.db.pool).await.unwrap();
    assert_eq!(audits, 1);

    // The next invitation lives 14 days and its email, in the platform's language now, carries the new name.
    let emea = h.group("Sales EMEA").await;
    let invited = h.call(&greta, "/api/invitations/invite", &format!("group={emea}&emails=nina%40outside.example&roles[0]=learner")).await;
    assert_eq!(invited.status(), StatusCode::OK);
    let lifetime: i64 = sqlx::query_scalar("SELECT expires_at - created_at FROM invitations WHERE email = 'nina@outside.example'").fetch_one(&h.db.pool).await.unwrap();
    assert_eq!(lifetime, 14 * 24 * 3600 * 1000);
    let (subject, language): (String, String) =
        sqlx::query_as("SELECT subject, language FROM outbox_emails WHERE to_address = 'nina@outside.example'").fetch_one(&h.db.pool).await.unwrap();
    assert!(subject.contains("Northwind Learning") && language == "fr", "{subject} ({language})");
}
