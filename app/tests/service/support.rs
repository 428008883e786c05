//! What several test modules need: the personal link of an invitation email, permits.

use app::backend::testing::{self, TestDb};
use app::backend::audit::Who;
use app::backend::{groups, programs, Db, Permit, Principal, Settings};
use app::domain::capability::ManageGroup;
use app::i18n::Lang;
use app::domain::capability::Capability;
use app::domain::policy::SessionRef;

/// The token at the end of the invitation link in an email's text.
pub fn token_in(text: &str) -> String {
    text.split_whitespace().find(|w| w.contains("/invitation/")).expect("an invitation link").rsplit('/').next().unwrap().to_string()
}

/// The token of the latest invitation email sent to `to`.
pub async fn token_sent_to(db: &TestDb, to: &str) -> String {
    let text: String = sqlx::query_scalar(&format!("SELECT {} FROM outbox_emails WHERE to_address = $1 AND kind = 'invitation' ORDER BY id DESC", app::backend::mail::DELIVERED_TEXT))
        .bind(to)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    token_in(&text)
}

/// The deployment settings of the tests: the public address every emailed link starts with.
pub fn settings() -> &'static app::backend::Settings {
    static SETTINGS: std::sync::LazyLock<app::backend::Settings> = std::sync::LazyLock::new(|| app::backend::Settings::new("https://learn.acme.example"));
    &SETTINGS
}

/// `by`'s permit for `what`, asked of the policy with the group tree as it stands now (a test's
/// principal outlives the groups the test creates after logging in). Panics when refused: a test
/// of a refusal asks `require` itself.
pub async fn permit<C: Capability + std::fmt::Debug>(db: &Db, by: &Principal, what: C) -> Permit<'static, C> {
    let description = format!("{what:?}");
    testing::as_of_now(db, by).await.require(what).unwrap_or_else(|e| panic!("{} may not {description}: {e:?}", by.login))
}

/// `by`'s permit for `what` on this session (R4, R53), the tree as it stands now.
pub async fn session_permit<C: Capability>(db: &Db, by: &Principal, session: i64, what: impl FnOnce(SessionRef) -> C) -> Permit<'static, C> {
    programs::session_permit(db, testing::as_of_now(db, by).await, session, what).await.unwrap_or_else(|e| panic!("{} may not: {e:?}", by.login))
}

/// The platform most service tests start from: Acme, speaking `language`, its owner logged in,
/// and Sales (private) › EMEA (public) under the platform group.
pub struct Acme {
    pub owner: Principal,
    pub who: Who,
    pub root: i64,
    pub sales: i64,
    pub emea: i64,
    pub settings: Settings,
}

pub async fn acme(db: &TestDb, language: Lang) -> Acme {
    let acme = testing::acme(db, language).await;
    let owner = testing::principal_of(db, "owner@acme.example", &acme.owner_password).await;
    let who = Who { actor: Some(acme.owner), ..Who::default() };
    let sales = groups::create_subgroup(db, &permit(db, &owner, ManageGroup(acme.root)).await, &who, "Sales", false).await.unwrap();
    let emea = groups::create_subgroup(db, &permit(db, &owner, ManageGroup(sales)).await, &who, "EMEA", true).await.unwrap();
    Acme { owner, who, root: acme.root, sales, emea, settings: Settings::new("https://learn.acme.example") }
}
