//! Outgoing email: the outbox (queued with the change that causes it), its worker, and SMTP
//! delivery.

mod outbox;
mod sender;
mod worker;

pub use outbox::{enqueue, enqueue_many, language_of, reveal, OutgoingEmail, CREDENTIALS_KIND, DELIVERED_TEXT, SECRET, SECRET_REMOVED};
pub use sender::{SendFailure, SmtpSender, MAX_IDLE};
pub use worker::{Delivery, RoundReport, Worker};
