//! SMTP delivery through a bounded pool of connections opened by `smtp::Endpoint` with
//! TCP_NODELAY (lettre 0.11.23 leaves Nagle on: ~44 ms per email otherwise), closed after 15 s
//! idle; a used connection that fails short of a 5xx is replaced at once (R75).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::Message;
use lettre::transport::smtp::client::AsyncSmtpConnection;
use tokio::sync::{mpsc, Mutex};

use super::outbox::Claimed;

use crate::backend::smtp::{Endpoint, SmtpUrl};

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

    /// Sends every claimed email over up to `max_connections` lanes; each outcome (id, attempts,
    /// outcome) is handed over the returned channel as soon as the SMTP server has answered, so
    /// that it is recorded at once: a worker killed mid-round leaves only the emails in flight
    /// unrecorded, not the whole round. The channel closes when every lane is done.
    pub(super) fn send_all(self: &Arc<Self>, claimed: Vec<Claimed>) -> mpsc::UnboundedReceiver<(i64, i64, Result<String, SendFailure>)> {
        let (done, outcomes) = mpsc::unbounded_channel();
        let lanes = self.max_connections.min(claimed.len());
        let queue = Arc::new(Mutex::new(claimed.into_iter().collect::<VecDeque<_>>()));
        for _ in 0..lanes {
            let (sender, queue, done) = (self.clone(), queue.clone(), done.clone());
            // A lane that panics drops its sender: its emails stay 'sending' and are claimed
            // again when their lease ends.
            tokio::spawn(async move {
                let mut connection = sender.from_pool().await;
                while let Some(email) = queue.lock().await.pop_front() {
                    let outcome = sender.send_one(&mut connection, &email).await;
                    if done.send((email.id, email.attempts, outcome)).is_err() {
                        break;
                    }
                }
                if let Some(connection) = connection {
                    sender.idle.lock().await.push(Pooled { connection, since: Instant::now() });
                }
            });
        }
        outcomes
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
