//! The outbox worker: claims due emails (several instances never take the same one), delivers
//! them, and records each delivery status as soon as it is known (R41, R82): sent with the
//! server's reply, retried with backoff and jitter on a temporary failure, failed on a permanent
//! one or after the last attempt. Without SMTP, emails go to the development mailbox: marked
//! sent there, readable in the outbox.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use sqlx::Row;

use super::outbox::{reveal, Claimed, CREDENTIALS_KIND, SECRET};
use super::sender::{SendFailure, SmtpSender};

use crate::backend::db::{now_ms, Backend, Db};
use crate::backend::statement::{Statement, IN_LIST_MAX};
use crate::domain::retry;
use crate::error::AppError;

/// Where email goes.
#[derive(Clone, Debug)]
pub enum Delivery {
    /// No SMTP server configured: the development mailbox (the outbox itself).
    DevelopmentMailbox,
    Smtp(Arc<SmtpSender>),
}

/// How long a claimed email is reserved for the worker that claimed it (R82), renewed every
/// third of it while the email is in flight (an SMTP answer may take a minute); if that worker
/// dies, another takes its emails over after this.
const LEASE_MS: i64 = 15 * 1000;

pub struct Worker {
    pub db: Db,
    pub delivery: Delivery,
    /// How many emails one round claims.
    pub batch: i64,
}

/// What one round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RoundReport {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

/// Stops a task when dropped: the lease renewal ends with its round, however the round ends.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Keeps the lease of the emails of a round while they are in flight (until aborted).
async fn renew_lease(db: Db, ids: Vec<i64>) {
    loop {
        tokio::time::sleep(Duration::from_millis(LEASE_MS as u64 / 3)).await;
        for chunk in ids.chunks(IN_LIST_MAX) {
            let mut statement = Statement::new("UPDATE outbox_emails SET next_attempt_at = ");
            statement.bind(now_ms() + LEASE_MS).push(" WHERE status = 'sending' AND ").push_in("id", chunk);
            if let Err(error) = statement.query().execute(&db.pool).await {
                tracing::warn!(%error, "could not renew the lease of emails in flight");
            }
        }
    }
}

/// What became of one claimed email: (id, attempts, the server's reply or the failure).
type Outcome = (i64, i64, Result<String, SendFailure>);

impl Worker {
    /// Runs until the process ends: a round whenever emails are due, else a short sleep.
    pub async fn run(self) {
        loop {
            match self.round().await {
                Ok(report) if report != RoundReport::default() => {
                    tracing::info!(sent = report.sent, retried = report.retried, failed = report.failed, "outbox round");
                }
                Ok(_) => tokio::time::sleep(Duration::from_millis(500)).await,
                Err(error) => {
                    tracing::warn!(%error, "outbox round failed");
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
            }
        }
    }

    /// Claims the due emails (at most `batch`) and delivers them.
    pub async fn round(&self) -> Result<RoundReport, AppError> {
        let claimed = self.claim().await?;
        if claimed.is_empty() {
            if let Delivery::Smtp(sender) = &self.delivery {
                sender.close_stale().await;
            }
            return Ok(RoundReport::default());
        }
        let (withdrawn, claimed): (Vec<Claimed>, Vec<Claimed>) = claimed.into_iter().partition(|c| c.withdrawn);
        let in_flight: Vec<i64> = claimed.iter().map(|c| c.id).collect();
        let _renewing = AbortOnDrop(tokio::spawn(renew_lease(self.db.clone(), in_flight)));
        let mut outcomes = match &self.delivery {
            Delivery::Smtp(sender) => sender.send_all(claimed),
            Delivery::DevelopmentMailbox => {
                let (done, outcomes) = tokio::sync::mpsc::unbounded_channel();
                for c in &claimed {
                    let _ = done.send((c.id, c.attempts, Ok("kept in the development mailbox".to_string())));
                }
                outcomes
            }
        };
        let reason = || SendFailure { permanent: true, reason: "not sent: its link or password no longer works".into() };
        let mut report = RoundReport::default();
        let withdrawn: Vec<Outcome> = withdrawn.iter().map(|c| (c.id, c.attempts, Err(reason()))).collect();
        self.record_surely(&mut report, &withdrawn).await?;
        // Each outcome is recorded as soon as it is known (see `SmtpSender::send_all`); those
        // known at the same moment together (the development mailbox knows all of them at once).
        while let Some(first) = outcomes.recv().await {
            let mut known = vec![first];
            while let Ok(more) = outcomes.try_recv() {
                known.push(more);
            }
            self.record_surely(&mut report, &known).await?;
        }
        Ok(report)
    }

    /// Records outcomes, waiting out a database outage (a restart, a failover): the emails went
    /// or failed whatever the database says, and an outcome given up would send the email again
    /// once its lease lapsed. The lease is renewed meanwhile, as long as the database answers.
    /// Recording twice changes nothing (only emails still `sending` are recorded, and counted).
    async fn record_surely(&self, report: &mut RoundReport, outcomes: &[Outcome]) -> Result<(), AppError> {
        let mut wait = Duration::from_millis(250);
        loop {
            match self.record(report, outcomes).await {
                Err(AppError::Unavailable) => {
                    tracing::warn!(emails = outcomes.len(), "the database is unavailable: the emails' outcomes will be recorded when it is back");
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(2));
                }
                done => return done,
            }
        }
    }

    /// Records what became of emails (R41): the sent ones in one transaction, each failure by
    /// itself.
    async fn record(&self, report: &mut RoundReport, outcomes: &[Outcome]) -> Result<(), AppError> {
        let mut sent = Vec::new();
        for (id, _, outcome) in outcomes {
            if let Ok(reply) = outcome {
                tracing::debug!(id, %reply, "email sent");
                sent.push(*id);
            }
        }
        for chunk in sent.chunks(IN_LIST_MAX) {
            report.sent += self.record_sent(chunk).await?;
        }
        for (id, attempts, outcome) in outcomes {
            let Err(failure) = outcome else { continue };
            if !failure.permanent && retry::should_retry(*attempts as u32) {
                let wait = retry::backoff(*attempts as u32, rand::thread_rng().r#gen::<f64>());
                let done = sqlx::query("UPDATE outbox_emails SET status = 'queued', last_error = $1, next_attempt_at = $2 WHERE id = $3 AND status = 'sending'")
                    .bind(&failure.reason)
                    .bind(now_ms() + wait.as_millis() as i64)
                    .bind(id)
                    .execute(&self.db.pool)
                    .await?;
                report.retried += done.rows_affected() as usize;
            } else {
                let done = sqlx::query("UPDATE outbox_emails SET status = 'failed', last_error = $1 WHERE id = $2 AND status = 'sending'")
                    .bind(&failure.reason)
                    .bind(id)
                    .execute(&self.db.pool)
                    .await?;
                report.failed += done.rows_affected() as usize;
            }
        }
        Ok(())
    }

    /// Marks emails sent; how many were still to record. A credentials email bills its user
    /// (R26), in the same transaction. Sent over SMTP, its secret is forgotten (the development
    /// mailbox, being the delivery itself, keeps it to show).
    async fn record_sent(&self, ids: &[i64]) -> Result<usize, AppError> {
        let now = now_ms();
        let forget = matches!(self.delivery, Delivery::Smtp(_));
        let mut tx = self.db.begin().await?;
        let mut statement = Statement::new("UPDATE outbox_emails SET status = 'sent', sent_at = ");
        statement
            .bind(now)
            .push(", last_error = NULL, next_attempt_at = ")
            .bind(now)
            .push(", secret = CASE WHEN ")
            .bind(i64::from(forget))
            .push(" = 1 THEN NULL ELSE secret END WHERE status = 'sending' AND ")
            .push_in("id", ids)
            .push(" RETURNING kind, user_id");
        let sent: Vec<(String, Option<i64>)> = statement.query_as().fetch_all(&mut *tx).await?;
        let billed: Vec<i64> = sent.iter().filter(|(kind, _)| kind == CREDENTIALS_KIND).filter_map(|(_, user)| *user).collect();
        crate::backend::billing::bill_all(&mut tx, &billed, crate::domain::billing::BillingReason::CredentialsSent, now).await?;
        tx.commit().await?;
        Ok(sent.len())
    }

    /// Takes the due emails (queued, or claimed by a worker whose lease ran out) for this
    /// worker. On PostgreSQL, `SKIP LOCKED` lets several instances claim at once without
    /// taking the same email; on SQLite the write lock serialises the claims.
    async fn claim(&self) -> Result<Vec<Claimed>, AppError> {
        let now = now_ms();
        let lock = if self.db.backend == Backend::Postgres { "FOR UPDATE SKIP LOCKED" } else { "" };
        let mut tx = self.db.begin().await?;
        let rows = sqlx::query(&format!(
            "UPDATE outbox_emails SET status = 'sending', attempts = attempts + 1, next_attempt_at = $1
             WHERE id IN (SELECT id FROM outbox_emails WHERE status IN ('queued', 'sending') AND next_attempt_at <= $2
                          ORDER BY next_attempt_at, id LIMIT $3 {lock})
             RETURNING id, attempts, to_address, subject, body_text, body_html, secret"
        ))
        .bind(now + LEASE_MS)
        .bind(now)
        .bind(self.batch)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.into_iter()
            .map(|row| {
                let (text, html, secret): (String, String, Option<String>) = (row.try_get("body_text")?, row.try_get("body_html")?, row.try_get("secret")?);
                Ok(Claimed {
                    id: row.try_get("id")?,
                    attempts: row.try_get("attempts")?,
                    to: row.try_get("to_address")?,
                    subject: row.try_get("subject")?,
                    withdrawn: secret.is_none() && text.contains(SECRET),
                    text: reveal(&text, secret.as_deref()),
                    html: reveal(&html, secret.as_deref()),
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(AppError::from)
    }
}
