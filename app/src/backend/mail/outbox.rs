//! The outbox: `enqueue` writes an email inside the transaction of the change that causes it (a
//! rolled-back change sends nothing; `dedupe_key` is unique, so a retried one queues nothing
//! twice). An email's secret (an invitation link's token, a one-time password) is kept apart and
//! put in only as the email leaves.

use crate::backend::db::{now_ms, Tx};
use crate::backend::statement::{Statement, Value, ROWS_PER_INSERT};
use crate::error::AppError;
use crate::i18n::Lang;

/// The kind of the credentials email of a set-up user (R27): sending it bills the account (R26).
pub const CREDENTIALS_KIND: &str = "credentials";

/// Where an email's secret — an invitation's personal link token, a one-time password — stands
/// in its stored body. The secret itself is kept apart (`outbox_emails.secret`), put in only as
/// the email leaves, and forgotten once it has left over SMTP: the stored copy is the redacted one.
pub const SECRET: &str = "{{secret}}";

/// What a forgotten secret reads as.
pub const SECRET_REMOVED: &str = "[removed after sending]";

/// The body as it was delivered, in SQL (the development mailbox, tests).
pub const DELIVERED_TEXT: &str = "REPLACE(body_text, '{{secret}}', COALESCE(secret, '[removed after sending]'))";

/// A stored body with its secret put back (or the note that it is gone).
pub fn reveal(body: &str, secret: Option<&str>) -> String {
    body.replace(SECRET, secret.unwrap_or(SECRET_REMOVED))
}

/// The language a user's emails speak: theirs, else the platform's (R44).
pub async fn language_of(tx: &mut Tx, user: i64) -> Result<Lang, AppError> {
    let code: String = sqlx::query_scalar("SELECT COALESCE(u.language, p.default_language) FROM users u CROSS JOIN platform p WHERE u.id = $1")
        .bind(user)
        .fetch_one(&mut **tx)
        .await?;
    Ok(Lang::parse(&code).unwrap_or_default())
}

/// An email to send, as the change that causes it describes it.
#[derive(Clone, Debug)]
pub struct OutgoingEmail {
    /// What caused it, e.g. `invitation:42:sent:1`: the same cause never queues two emails.
    pub dedupe_key: String,
    pub kind: &'static str,
    pub to: String,
    pub user_id: Option<i64>,
    pub invitation_id: Option<i64>,
    pub language: Lang,
    pub subject: String,
    /// With `SECRET` where the secret goes.
    pub text: String,
    pub html: String,
    pub secret: Option<String>,
}

impl OutgoingEmail {
    /// A rendered email to `to`, tied to no user or invitation yet, with no secret.
    pub fn new(dedupe_key: String, kind: &'static str, to: &str, language: Lang, rendered: crate::emails::Rendered) -> OutgoingEmail {
        let crate::emails::Rendered { subject, text, html } = rendered;
        OutgoingEmail { dedupe_key, kind, to: to.to_string(), user_id: None, invitation_id: None, language, subject, text, html, secret: None }
    }
}

/// Queues the email in the caller's transaction; `false` if this cause had already queued one.
pub async fn enqueue(tx: &mut Tx, email: &OutgoingEmail) -> Result<bool, AppError> {
    let now = now_ms();
    let inserted = sqlx::query(
        "INSERT INTO outbox_emails (dedupe_key, kind, to_address, user_id, invitation_id, language, subject, body_text, body_html,
                                    status, attempts, next_attempt_at, created_at, secret)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', 0, $10, $10, $11)
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(&email.dedupe_key)
    .bind(email.kind)
    .bind(&email.to)
    .bind(email.user_id)
    .bind(email.invitation_id)
    .bind(email.language.code())
    .bind(&email.subject)
    .bind(&email.text)
    .bind(&email.html)
    .bind(now)
    .bind(email.secret.as_deref())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

/// Queues many emails in the caller's transaction, `ROWS_PER_INSERT` a statement (an import's);
/// each as `enqueue` would. Returns how many were new.
pub async fn enqueue_many(tx: &mut Tx, emails: &[OutgoingEmail]) -> Result<u64, AppError> {
    let now = now_ms();
    let mut inserted = 0;
    for chunk in emails.chunks(ROWS_PER_INSERT) {
        let mut statement = Statement::new(
            "INSERT INTO outbox_emails (dedupe_key, kind, to_address, user_id, invitation_id, language, subject, body_text, body_html,
                                        status, attempts, next_attempt_at, created_at, secret) VALUES ",
        );
        for (i, email) in chunk.iter().enumerate() {
            statement.push_row(i == 0, [
                Value::from(email.dedupe_key.as_str()),
                email.kind.into(),
                email.to.as_str().into(),
                email.user_id.into(),
                email.invitation_id.into(),
                email.language.code().into(),
                email.subject.as_str().into(),
                email.text.as_str().into(),
                email.html.as_str().into(),
                "queued".into(),
                0.into(),
                now.into(),
                now.into(),
                email.secret.as_deref().into(),
            ]);
        }
        statement.push(" ON CONFLICT (dedupe_key) DO NOTHING");
        inserted += statement.query().execute(&mut **tx).await?.rows_affected();
    }
    Ok(inserted)
}

/// An email the worker claimed, as it will leave.
pub(super) struct Claimed {
    pub(super) id: i64,
    pub(super) attempts: i64,
    pub(super) to: String,
    pub(super) subject: String,
    /// As delivered: the secret put back.
    pub(super) text: String,
    pub(super) html: String,
    /// Its body wants a secret that was withdrawn (a cancelled or resent invitation): not sent.
    pub(super) withdrawn: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r60_the_delivered_text_in_sql_is_reveal_in_rust() {
        assert!(DELIVERED_TEXT.contains(&format!("'{SECRET}'")) && DELIVERED_TEXT.contains(&format!("'{SECRET_REMOVED}'")));
        assert_eq!(reveal("link: /invitation/{{secret}}", Some("abc")), "link: /invitation/abc");
        assert_eq!(reveal("password: {{secret}}", None), "password: [removed after sending]");
    }
}
