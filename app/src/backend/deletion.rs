//! R42: accounts deleted on their deletion date, at 00:00 in the platform's time zone, with
//! warning emails 7 days and 1 day before; never the owner. A job every instance runs each
//! minute: every step is decided by a conditional write, so instances running it at once send
//! each warning once and delete each account once.
//!
//! Deleting erases the person and keeps an empty row (see migration 0005): names, email,
//! username and password go, and so do memberships, session enrollments and instructor seats,
//! labels and custom values, sessions, the emails kept for them and the invitation they
//! accepted; invitations they sent and nobody accepted are cancelled. The billing history and
//! the audit log keep pointing at the row.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::audit::{self, Who};
use super::db::{now_ms, Db, Tx};
use super::mail::{self, OutgoingEmail};
use super::Settings;

use crate::domain::deletion::{FIRST_WARNING_DAYS, Step, step};
use crate::emails;
use crate::error::AppError;
use crate::i18n::Lang;

pub const WARNING_KIND: &str = "deletion_warning";

/// The platform's time zone.
pub async fn time_zone<'e>(db: impl sqlx::Executor<'e, Database = sqlx::Any>) -> Result<Tz, AppError> {
    let name: String = sqlx::query_scalar("SELECT time_zone FROM platform WHERE id = 1").fetch_one(db).await?;
    Ok(platform_zone(&name))
}

/// The platform's time zone by its stored name; an unknown name (the column is free text)
/// counts as UTC.
pub fn platform_zone(name: &str) -> Tz {
    name.parse().unwrap_or_else(|_| {
        tracing::warn!(time_zone = %name, "unknown platform time zone, using UTC");
        Tz::UTC
    })
}

/// Today's date in the platform's time zone.
pub async fn today<'e>(db: impl sqlx::Executor<'e, Database = sqlx::Any>) -> Result<NaiveDate, AppError> {
    Ok(Utc::now().with_timezone(&time_zone(db).await?).date_naive())
}

/// Whether a stored deletion date has come (an account with it is not to be created).
pub fn has_come(deletion_date: Option<&str>, today: NaiveDate) -> bool {
    deletion_date.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).is_some_and(|d| d <= today)
}

/// What one round did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub warnings_queued: usize,
    pub deleted: usize,
    /// Pending invitations whose deletion date has come: they could never be accepted.
    pub invitations_cancelled: usize,
}

/// One round at the instant `now`: queues the warnings that are due and not yet queued, deletes
/// the accounts whose date has come, and cancels the invitations whose date has come.
pub async fn run_once(db: &Db, settings: &Settings, now: DateTime<Utc>) -> Result<Round, AppError> {
    let tz = time_zone(&db.pool).await?;
    let today = now.with_timezone(&tz).date_naive();
    let horizon = (today + chrono::Days::new(FIRST_WARNING_DAYS as u64)).format("%Y-%m-%d").to_string();
    let due: Vec<(i64, Option<String>, String, String, String)> = sqlx::query_as(
        "SELECT u.id, u.email, u.deletion_date, COALESCE(u.language, p.default_language), p.name
         FROM users u CROSS JOIN platform p
         WHERE u.deletion_date IS NOT NULL AND u.deleted_at IS NULL AND u.deletion_date <= $1
           AND u.status = 'active' AND u.id <> COALESCE(p.owner_id, 0)
         ORDER BY u.deletion_date, u.id",
    )
    .bind(&horizon)
    .fetch_all(&db.pool)
    .await?;
    // The warnings already queued for them, read at once so that a quiet round writes nothing.
    let queued: HashSet<String> = sqlx::query_scalar(
        "SELECT o.dedupe_key FROM outbox_emails o JOIN users u ON u.id = o.user_id
         WHERE o.kind = $1 AND u.deletion_date IS NOT NULL AND u.deleted_at IS NULL AND u.deletion_date <= $2",
    )
    .bind(WARNING_KIND)
    .bind(&horizon)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .collect();

    let mut round = Round::default();
    for (user, email, date, language, platform) in due {
        let Ok(day) = NaiveDate::parse_from_str(&date, "%Y-%m-%d") else {
            tracing::warn!(user, date, "unreadable deletion date, skipped");
            continue;
        };
        let stage = match step((day - today).num_days()) {
            Step::Wait => continue,
            Step::Delete => {
                if delete(db, user, &date).await? {
                    round.deleted += 1;
                }
                continue;
            }
            Step::FirstWarning => "first",
            Step::LastWarning => "last",
        };
        // R40: users without email are deleted without warning.
        let Some(email) = email else { continue };
        let key = warning_key(user, &date, stage);
        if queued.contains(&key) {
            continue;
        }
        let language = Lang::parse(&language).unwrap_or_default();
        let link = format!("{}/login", settings.public_url);
        let rendered = emails::DeletionWarning { platform: &platform, date: &date, time_zone: tz.name(), link: &link }.render(language);
        let mut tx = db.begin().await?;
        // Still this date (an administrator may have just changed it)? The no-op update also holds
        // the row until commit, so a change of date waits for this warning and then drops it.
        let still = sqlx::query("UPDATE users SET deletion_date = deletion_date WHERE id = $1 AND deletion_date = $2 AND deleted_at IS NULL")
            .bind(user)
            .bind(&date)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if still != 1 {
            continue;
        }
        if mail::enqueue(&mut tx, &OutgoingEmail { user_id: Some(user), ..OutgoingEmail::new(key, WARNING_KIND, &email, language, rendered) }).await? {
            round.warnings_queued += 1;
        }
        if stage == "last" {
            // The last warning replaces a first one still waiting to be sent (an SMTP outage).
            sqlx::query("DELETE FROM outbox_emails WHERE dedupe_key = $1 AND status = 'queued'").bind(warning_key(user, &date, "first")).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    }
    round.invitations_cancelled = cancel_invitations_due(db, today).await?;
    Ok(round)
}

fn warning_key(user: i64, date: &str, stage: &str) -> String {
    format!("deletion:user:{user}:{date}:{stage}")
}

/// A LIKE pattern matching both warnings of a user for a date.
pub fn warnings_for(user: i64, date: &str) -> String {
    warning_key(user, date, "%")
}

/// Pending invitations whose deletion date has come would create no account (see `invitations::
/// accept`): they are cancelled, so they leave the Invitations list and cannot be resent.
async fn cancel_invitations_due(db: &Db, today: NaiveDate) -> Result<usize, AppError> {
    let mut tx = db.begin().await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "UPDATE invitations SET status = 'cancelled', cancelled_at = $1
         WHERE status = 'pending' AND deletion_date IS NOT NULL AND deletion_date <= $2 RETURNING id",
    )
    .bind(now_ms())
    .bind(today.format("%Y-%m-%d").to_string())
    .fetch_all(&mut *tx)
    .await?;
    for &id in &ids {
        audit::record(&mut tx, &Who::default(), "invitation_cancelled", "invitation", id, &serde_json::json!({ "reason": "deletion_date" })).await?;
    }
    tx.commit().await?;
    Ok(ids.len())
}

/// Deletes one account whose date has come; `false` if another round did it first or the date
/// changed meanwhile.
async fn delete(db: &Db, user: i64, date: &str) -> Result<bool, AppError> {
    let mut tx = db.begin().await?;
    let erased = erase(&mut tx, &Who::default(), user, Some(date)).await?;
    tx.commit().await?;
    if erased {
        tracing::info!(user, date, "account deleted on its deletion date (R42)");
    }
    Ok(erased)
}

/// Erases an account in the caller's transaction (R68; R92 when an identity provider deletes
/// it): names, email, username, password, memberships, enrollments, instructor seats, labels,
/// values, sessions, its emails and the invitation it accepted go; invitations it sent that
/// nobody accepted are cancelled. The row stays, empty, for the audit log and billing. `false`
/// (nothing done) if it is already erased, is the owner's, or — with `date` — no longer has that
/// deletion date.
pub(crate) async fn erase(tx: &mut Tx, who: &Who, user: i64, date: Option<&str>) -> Result<bool, AppError> {
    // The username is one no one can type (usernames have no '#'), to keep the row's CHECK
    // (an email or a username) without anything personal.
    let erased = sqlx::query(
        "UPDATE users SET first_name = '', last_name = '', email = NULL, email_key = NULL, username = $2, username_key = $2,
                          password_hash = NULL, must_change_password = 0, language = NULL, external_id = NULL, deleted_at = $3
         WHERE id = $1 AND deleted_at IS NULL AND (CAST($4 AS TEXT) IS NULL OR deletion_date = $4) AND id <> (SELECT COALESCE(owner_id, 0) FROM platform WHERE id = 1)",
    )
    .bind(user)
    .bind(format!("#deleted-{user}"))
    .bind(now_ms())
    .bind(date)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if erased != 1 {
        return Ok(false);
    }
    for table in ["memberships", "enrollments", "session_instructors", "auth_sessions", "user_labels", "user_custom_values", "outbox_emails"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1")).bind(user).execute(&mut **tx).await?;
    }
    // The accepted invitation holds the address it was sent to, and so do its emails.
    sqlx::query("DELETE FROM outbox_emails WHERE invitation_id IN (SELECT id FROM invitations WHERE accepted_user_id = $1)").bind(user).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM invitations WHERE accepted_user_id = $1").bind(user).execute(&mut **tx).await?;
    // Invitations the user sent and nobody accepted yet would grant nothing any more (R24: their
    // inviter lost every right); cancelled now, they leave the Invitations list.
    let cancelled = sqlx::query("UPDATE invitations SET status = 'cancelled', cancelled_at = $1 WHERE invited_by = $2 AND status = 'pending'")
        .bind(now_ms())
        .bind(user)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    let details = serde_json::json!({ "deletion_date": date, "invitations_cancelled": cancelled });
    audit::record(tx, who, "user_deleted", "user", user, &details).await?;
    Ok(true)
}

/// The job: a round a minute until the process ends.
pub struct DeletionJob {
    pub db: Db,
    pub settings: std::sync::Arc<Settings>,
}

impl DeletionJob {
    pub async fn run(self) {
        let mut every = tokio::time::interval(Duration::from_secs(60));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(error) = run_once(&self.db, &self.settings, Utc::now()).await {
                tracing::error!(%error, "deletion round failed; next round in a minute");
            }
        }
    }
}
