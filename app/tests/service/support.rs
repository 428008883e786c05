//! What several test modules need: the personal link of an invitation email.

use app::backend::testing::TestDb;

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
