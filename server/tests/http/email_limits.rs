//! Issue 9.7: invitation emails are limited per person (an hour, a day) and for the whole
//! platform (an hour); platform administrators set the limits and are held by the platform's
//! only. On SQLite and PostgreSQL.

use app::backend::testing::TestDb;
use app::i18n::Msg;
use http::StatusCode;

use super::{app_error, demo_on, Harness};

app::on_both_databases!(r71_invitation_emails_are_limited_per_person_and_per_platform,);

async fn invitations(h: &Harness) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM invitations").fetch_one(&h.db.pool).await.unwrap()
}

fn addresses(prefix: &str, n: usize) -> String {
    (0..n).map(|i| format!("{prefix}{i}%40outside.example")).collect::<Vec<_>>().join("%2C")
}

async fn r71_invitation_emails_are_limited_per_person_and_per_platform(db: TestDb) {
    let h = demo_on(db).await;
    let paula = h.log_in_as("admin@northwind.example").await;
    let ulysse = h.log_in_as("emea.useradmin@northwind.example").await;
    let emea = h.group("Sales EMEA").await;

    let refused = h.call(&ulysse, "/api/settings/set_email_limits", "limits[per_person_per_hour]=1000&limits[per_person_per_day]=1000&limits[platform_per_hour]=1000").await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "a user admin does not raise their own limit");
    let bad = h.call(&paula, "/api/settings/set_email_limits", "limits[per_person_per_hour]=0&limits[per_person_per_day]=10&limits[platform_per_hour]=10").await;
    assert_eq!(app_error(bad).await.for_field("per_person_per_hour"), Some(&Msg::NumberBetween { min: 1, max: 1_000_000 }));
    let set = h.call(&paula, "/api/settings/set_email_limits", "limits[per_person_per_hour]=3&limits[per_person_per_day]=10&limits[platform_per_hour]=6").await;
    assert_eq!(set.status(), StatusCode::OK);

    let invite = |cookie: String, emails: String| {
        let h = &h;
        async move { h.call(&cookie, "/api/invitations/invite", &format!("group={emea}&emails={emails}&roles[0]=learner")).await }
    };
    assert_eq!(invite(ulysse.clone(), addresses("a", 2)).await.status(), StatusCode::OK);
    let over = invite(ulysse.clone(), addresses("b", 2)).await;
    assert_eq!(over.status(), StatusCode::BAD_REQUEST);
    match app_error(over).await.for_field("emails") {
        Some(Msg::EmailLimitReached { max: 3, per_day: false, minutes }) => assert!((1..=60).contains(minutes)),
        other => panic!("{other:?}"),
    }
    assert_eq!(invitations(&h).await, 2, "the refused submit wrote nothing");
    assert_eq!(invite(ulysse.clone(), addresses("c", 1)).await.status(), StatusCode::OK, "the refused two were not counted: one is left");

    // Platform administrators are held by the platform's ceiling only: 3 sent, 6 an hour.
    assert_eq!(invite(paula.clone(), addresses("d", 3)).await.status(), StatusCode::OK);
    let ceiling = app_error(invite(paula.clone(), addresses("e", 1)).await).await;
    assert!(matches!(ceiling.for_field("emails"), Some(Msg::PlatformEmailLimitReached { max: 6, .. })), "{ceiling:?}");
    assert_eq!(invitations(&h).await, 6);

    // Emailed credentials count alike: Ulysse's one left this hour goes to a set-up learner.
    let set_up = |n: u32| format!("form[first_name]=Sam&form[last_name]=Setup&form[email]=sam{n}%40outside.example&form[send_credentials]=true&form[groups][0]={emea}&form[roles][0]=learner");
    let set = h.call(&paula, "/api/settings/set_email_limits", "limits[per_person_per_hour]=4&limits[per_person_per_day]=10&limits[platform_per_hour]=100").await;
    assert_eq!(set.status(), StatusCode::OK);
    assert_eq!(h.call(&ulysse, "/api/users/set_up", &set_up(1)).await.status(), StatusCode::OK);
    let over = app_error(h.call(&ulysse, "/api/users/set_up", &set_up(2)).await).await;
    assert!(matches!(over.for_field("send_credentials"), Some(Msg::EmailLimitReached { max: 4, .. })), "{over:?}");
    let set_up_users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email LIKE '%@outside.example'").fetch_one(&h.db.pool).await.unwrap();
    assert_eq!(set_up_users, 1, "the refused set-up created nobody");
}
