//! Outgoing email. `enqueue` writes an email to the outbox inside the transaction of the change
//! that causes it (so a rolled-back change sends nothing, and a retried one queues nothing twice:
//! `dedupe_key` is unique). The `Worker` claims due emails, sends them over SMTP through a
//! bounded set of connections that it opens itself with TCP_NODELAY (`smtp`; lettre 0.11.23
//! leaves Nagle on: ~44 ms per email otherwise), and records each delivery status (R41): sent with the
//! server's reply, retried with backoff and jitter on a temporary failure, failed on a permanent
//! one or after the last attempt. Without SMTP, emails go to the development mailbox: they are
//! marked sent there and stay readable in the outbox.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::Message;
use lettre::transport::smtp::client::AsyncSmtpConnection;
use rand::Rng;
use sqlx::Row;
use tokio::sync::Mutex;

use super::db::{now_ms, Backend, Db, Tx};
use super::smtp::{Endpoint, SmtpUrl};

use crate::domain::retry;
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

/// Where email goes.
#[derive(Clone, Debug)]
pub enum Delivery {
    /// No SMTP server configured: the development mailbox (the outbox itself).
    DevelopmentMailbox,
    Smtp(Arc<SmtpSender>),
}

/// How long a claimed email is reserved for the worker that claimed it; if that worker dies,
/// another takes it over after this.
const LEASE_MS: i64 = 5 * 60 * 1000;

struct Claimed {
    id: i64,
    attempts: i64,
    to: String,
    subject: String,
    /// As delivered: the secret put back.
    text: String,
    html: String,
    /// Its body wants a secret that was withdrawn (a cancelled or resent invitation): not sent.
    withdrawn: bool,
}

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
        let mut outcomes = match &self.delivery {
            Delivery::DevelopmentMailbox => claimed.iter().map(|c| (c.id, c.attempts, Ok("kept in the development mailbox".to_string()))).collect(),
            Delivery::Smtp(sender) => sender.send_all(claimed).await,
        };
        let reason = || SendFailure { permanent: true, reason: "not sent: its link or password no longer works".into() };
        outcomes.extend(withdrawn.iter().map(|c| (c.id, c.attempts, Err(reason()))));
        let mut report = RoundReport::default();
        for (id, attempts, outcome) in outcomes {
            match outcome {
                Ok(reply) => {
                    self.record_sent(id).await?;
                    tracing::debug!(id, %reply, "email sent");
                    report.sent += 1;
                }
                Err(failure) if !failure.permanent && retry::should_retry(attempts as u32) => {
                    let wait = retry::backoff(attempts as u32, rand::thread_rng().r#gen::<f64>());
                    sqlx::query("UPDATE outbox_emails SET status = 'queued', last_error = $1, next_attempt_at = $2 WHERE id = $3 AND status = 'sending'")
                        .bind(&failure.reason)
                        .bind(now_ms() + wait.as_millis() as i64)
                        .bind(id)
                        .execute(&self.db.pool)
                        .await?;
                    report.retried += 1;
                }
                Err(failure) => {
                    sqlx::query("UPDATE outbox_emails SET status = 'failed', last_error = $1 WHERE id = $2 AND status = 'sending'")
                        .bind(&failure.reason)
                        .bind(id)
                        .execute(&self.db.pool)
                        .await?;
                    report.failed += 1;
                }
            }
        }
        Ok(report)
    }

    /// Marks an email sent. A credentials email bills its user (R26), in the same transaction.
    /// Sent over SMTP, its secret is forgotten (the development mailbox, being the delivery
    /// itself, keeps it to show).
    async fn record_sent(&self, id: i64) -> Result<(), AppError> {
        let now = now_ms();
        let forget = matches!(self.delivery, Delivery::Smtp(_));
        let mut tx = self.db.begin().await?;
        let sent: Option<(String, Option<i64>)> = sqlx::query_as(
            "UPDATE outbox_emails SET status = 'sent', sent_at = $1, last_error = NULL, next_attempt_at = $1,
                                      secret = CASE WHEN $3 = 1 THEN NULL ELSE secret END
             WHERE id = $2 AND status = 'sending'
             RETURNING kind, user_id",
        )
        .bind(now)
        .bind(id)
        .bind(i64::from(forget))
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((_, Some(user))) = sent.filter(|(kind, _)| kind == CREDENTIALS_KIND) {
            super::billing::bill(&mut tx, user, crate::domain::billing::BillingReason::CredentialsSent, now).await?;
        }
        tx.commit().await?;
        Ok(())
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

#[derive(Clone, Debug)]
pub struct SendFailure {
    pub permanent: bool,
    /// The server's reply, or what went wrong on the way.
    pub reason: String,
}

/// How long a connection may wait unused in the pool. An SMTP server closes idle connections
/// when it likes (MailDev after 60 s, with a 421; others sooner, or with a reset); one idle
/// longer than this is closed by us first (QUIT) and the next email opens a fresh one.
pub const MAX_IDLE: Duration = Duration::from_secs(15);

/// How long an email may take to be accepted once the connection is open: a server that hangs
/// must not hold the outbox.
const REPLY_WAIT: Duration = Duration::from_secs(60);
/// How long a connection being closed may take to say goodbye.
const QUIT_WAIT: Duration = Duration::from_secs(2);

/// SMTP delivery through at most `max_connections` connections at once (opened by
/// `smtp::Endpoint`, with TCP_NODELAY, TLS and login as SMTP_URL says), kept between rounds for
/// at most `max_idle`.
pub struct SmtpSender {
    endpoint: Endpoint,
    from: Mailbox,
    max_connections: usize,
    max_idle: Duration,
    idle: Mutex<Vec<Pooled>>,
}

/// A connection waiting in the pool, and since when.
struct Pooled {
    connection: AsyncSmtpConnection,
    since: Instant,
}

impl std::fmt::Debug for SmtpSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSender").field("endpoint", &self.endpoint).field("max_connections", &self.max_connections).finish()
    }
}

impl SmtpSender {
    /// SMTP_URL (see `smtp`), the PEM certificates of SMTP_TLS_CA if any, and the From address.
    pub fn new(url: &str, extra_ca: Option<&[u8]>, from: &str, max_connections: usize) -> Result<SmtpSender, String> {
        let endpoint = Endpoint::new(SmtpUrl::parse(url)?, extra_ca)?;
        let from = from.parse::<Mailbox>().map_err(|e| format!("SMTP_FROM {from:?}: {e}"))?;
        Ok(SmtpSender { endpoint, from, max_connections: max_connections.max(1), max_idle: MAX_IDLE, idle: Mutex::new(Vec::new()) })
    }

    /// Keeps pooled connections up to `max_idle` instead of [`MAX_IDLE`] (tests meet a server
    /// that closed one).
    pub fn keeping_idle(self, max_idle: Duration) -> SmtpSender {
        SmtpSender { max_idle, ..self }
    }

    /// Closes (QUIT) the pooled connections idle longer than `max_idle`; the worker calls it
    /// when it has nothing to send, so no connection is left for the server to cut.
    pub async fn close_stale(&self) {
        let stale: Vec<Pooled> = {
            let mut idle = self.idle.lock().await;
            let (stale, fresh) = idle.drain(..).partition(|p| p.since.elapsed() > self.max_idle);
            *idle = fresh;
            stale
        };
        for mut pooled in stale {
            // Whatever it answers, if it is still there, the connection is done.
            let _ = tokio::time::timeout(QUIT_WAIT, pooled.connection.quit()).await;
        }
    }

    /// A connection from the pool for a new lane, if one is there and not stale.
    async fn from_pool(&self) -> Option<AsyncSmtpConnection> {
        self.close_stale().await;
        self.idle.lock().await.pop().map(|p| p.connection)
    }

    /// A fresh connection, greeted, over TLS and logged in, within `REPLY_WAIT`.
    async fn connect(&self) -> Result<AsyncSmtpConnection, SendFailure> {
        let failure = |reason| SendFailure { permanent: false, reason };
        match tokio::time::timeout(REPLY_WAIT, self.endpoint.connect()).await {
            Ok(connected) => connected.map_err(failure),
            Err(_) => Err(failure(format!("no answer from {}:{} within {} s", self.endpoint.url.host, self.endpoint.url.port, REPLY_WAIT.as_secs()))),
        }
    }

    /// Sends every claimed email; returns (id, attempts, outcome) for each.
    async fn send_all(self: &Arc<Self>, claimed: Vec<Claimed>) -> Vec<(i64, i64, Result<String, SendFailure>)> {
        let queue = Arc::new(Mutex::new(claimed.into_iter().collect::<VecDeque<_>>()));
        let lanes = self.max_connections.min(queue.lock().await.len());
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..lanes {
            let (sender, queue) = (self.clone(), queue.clone());
            tasks.spawn(async move {
                let mut connection = sender.from_pool().await;
                let mut outcomes = Vec::new();
                while let Some(email) = queue.lock().await.pop_front() {
                    let outcome = sender.send_one(&mut connection, &email).await;
                    outcomes.push((email.id, email.attempts, outcome));
                }
                if let Some(connection) = connection {
                    sender.idle.lock().await.push(Pooled { connection, since: Instant::now() });
                }
                outcomes
            });
        }
        let mut all = Vec::new();
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(outcomes) => all.extend(outcomes),
                // Its emails stay 'sending' and are claimed again when their lease ends.
                Err(error) => tracing::error!(%error, "an SMTP sending lane failed"),
            }
        }
        all
    }

    /// One email over `connection`, connecting if there is none. A connection that has been
    /// used before (earlier in the round, or from the pool) may have been closed by the server
    /// meanwhile — a 421, a reset, an EOF: whatever it answers short of refusing the email (5xx),
    /// it is dropped and the email goes at once on a fresh connection, within the same attempt.
    /// Only what goes wrong on a fresh connection is a failed attempt (a 4xx: retried later).
    async fn send_one(&self, connection: &mut Option<AsyncSmtpConnection>, email: &Claimed) -> Result<String, SendFailure> {
        let message = self.message(email)?;
        loop {
            let (mut conn, fresh) = match connection.take() {
                Some(conn) => (conn, false),
                None => (self.connect().await?, true),
            };
            let sent = tokio::time::timeout(REPLY_WAIT, conn.send(message.envelope(), &message.formatted())).await;
            let error = match sent {
                Ok(Ok(response)) => {
                    *connection = Some(conn);
                    return Ok(response.message().collect::<Vec<_>>().join(" "));
                }
                Ok(Err(error)) if error.is_permanent() => {
                    // The server refused this email; the connection itself is fine.
                    *connection = Some(conn);
                    return Err(SendFailure { permanent: true, reason: error.to_string() });
                }
                Ok(Err(error)) if fresh && error.is_transient() => {
                    *connection = Some(conn);
                    return Err(SendFailure { permanent: false, reason: error.to_string() });
                }
                Ok(Err(error)) => error.to_string(),
                Err(_) => format!("no answer from {}:{} within {} s", self.endpoint.url.host, self.endpoint.url.port, REPLY_WAIT.as_secs()),
            };
            // Broken, or (used before) perhaps closed by the server: not used again.
            let _ = tokio::time::timeout(QUIT_WAIT, conn.abort()).await;
            if fresh {
                return Err(SendFailure { permanent: false, reason: error });
            }
            tracing::debug!(%error, "a used SMTP connection no longer works: the email goes on a fresh one");
        }
    }

    fn message(&self, email: &Claimed) -> Result<Message, SendFailure> {
        let to = email.to.parse::<Mailbox>().map_err(|e| SendFailure { permanent: true, reason: format!("bad recipient {:?}: {e}", email.to) })?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .multipart(
                MultiPart::alternative()
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(email.text.clone()))
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(email.html.clone())),
            )
            .map_err(|e| SendFailure { permanent: true, reason: format!("cannot build the email: {e}") })
    }
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
