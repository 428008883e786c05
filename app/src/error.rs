//! The one error type of every server function. It crosses the wire as JSON and carries only
//! what the person may see: a field-by-field `Msg` for bad input, a reason for refusals, and for
//! internal failures a reference id (the details are logged on the server, never sent).

use serde::{Deserialize, Serialize};
use server_fn_error::{FromServerFnError, ServerFnErrorErr};

use crate::i18n::{Lang, Msg};

/// Re-exported path of leptos's server-function error plumbing.
mod server_fn_error {
    pub use leptos::server_fn::codec::JsonEncoding;
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Bad input: one message per field at fault (`field` is the form field's name).
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("wrong credentials")]
    WrongCredentials,
    #[error("too many attempts, retry after {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("not signed in")]
    NotSignedIn,
    /// Signed in, but must choose a new password before anything else (R27).
    #[error("must change password")]
    MustChangePassword,
    #[error("not allowed")]
    NotAllowed,
    #[error("not found")]
    NotFound,
    /// A request that no form of ours sends: undecodable arguments, a cross-site post.
    #[error("bad request")]
    BadRequest,
    /// A request body over the server's limit.
    #[error("request too large")]
    TooLarge { max_kb: usize },
    /// The browser could not reach the server or read its answer.
    #[error("network: {0}")]
    Network(String),
    /// The database cannot be reached (restarting, failing over, every connection busy): the
    /// request changed nothing it could not finish, and may be tried again shortly.
    #[error("database unavailable")]
    Unavailable,
    /// Logged on the server under `reference`; nothing else is said.
    #[error("internal error {reference}")]
    Internal { reference: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub msg: Msg,
}

impl AppError {
    pub fn field(field: &str, msg: Msg) -> AppError {
        AppError::Invalid(vec![FieldError { field: field.to_string(), msg }])
    }

    /// The message for a given field, if this error has one.
    pub fn for_field(&self, field: &str) -> Option<&Msg> {
        match self {
            AppError::Invalid(errors) => errors.iter().find(|e| e.field == field).map(|e| &e.msg),
            _ => None,
        }
    }

    /// The message shown where no field is at fault.
    pub fn general(&self) -> Option<Msg> {
        Some(match self {
            AppError::Invalid(_) => return None,
            AppError::WrongCredentials => Msg::WrongCredentials,
            AppError::TooManyAttempts { retry_after_secs } => Msg::TooManyAttempts { retry_after_secs: *retry_after_secs },
            AppError::NotSignedIn | AppError::MustChangePassword => Msg::NotSignedIn,
            AppError::NotAllowed => Msg::NotAllowed,
            AppError::NotFound => Msg::NotFound,
            AppError::BadRequest => Msg::BadRequest,
            AppError::TooLarge { max_kb } => Msg::RequestTooLarge { max_kb: *max_kb },
            AppError::Network(_) => Msg::Network,
            AppError::Unavailable => Msg::Unavailable,
            AppError::Internal { reference } => Msg::SomethingWentWrong { reference: reference.clone() },
        })
    }

    pub fn render(&self, lang: Lang) -> String {
        match self {
            AppError::Invalid(errors) => errors.iter().map(|e| e.msg.render(lang)).collect::<Vec<_>>().join(" "),
            other => other.general().map(|m| m.render(lang)).unwrap_or_default(),
        }
    }

    /// The HTTP status the server answers with; `Retry-After` accompanies `TooManyAttempts` and
    /// `Unavailable`.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid(_) | AppError::BadRequest => 400,
            AppError::WrongCredentials | AppError::NotSignedIn => 401,
            AppError::MustChangePassword | AppError::NotAllowed => 403,
            AppError::NotFound => 404,
            AppError::TooLarge { .. } => 413,
            AppError::TooManyAttempts { .. } => 429,
            AppError::Network(_) => 502,
            AppError::Unavailable => 503,
            AppError::Internal { .. } => 500,
        }
    }
}

impl AppError {
    /// The `Retry-After` seconds that go with this error, if any.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::TooManyAttempts { retry_after_secs } => Some(*retry_after_secs),
            AppError::Unavailable => Some(UNAVAILABLE_RETRY_SECS),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = server_fn_error::JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(e) | ServerFnErrorErr::Response(e) => AppError::Network(e),
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) | ServerFnErrorErr::UnsupportedRequestMethod(_) => {
                AppError::BadRequest
            }
            ServerFnErrorErr::Deserialization(e) if cfg!(not(feature = "ssr")) => AppError::Network(e),
            // On the server, the request's arguments could not be read (not UTF-8, say): the
            // caller's fault, not ours.
            ServerFnErrorErr::Deserialization(_) => AppError::BadRequest,
            other => AppError::internal(other),
        }
    }
}

impl AppError {
    /// Logs an unexpected failure with a fresh reference and returns the error that names it.
    pub fn internal(error: impl std::fmt::Display) -> AppError {
        let reference = reference_id();
        #[cfg(feature = "ssr")]
        tracing::error!(reference = %reference, error = %error, "internal error");
        #[cfg(not(feature = "ssr"))]
        leptos::logging::error!("internal error {reference}: {error}");
        AppError::Internal { reference }
    }
}

#[cfg(feature = "ssr")]
fn reference_id() -> String {
    use rand::Rng;
    format!("{:08x}", rand::thread_rng().r#gen::<u32>())
}

/// In the browser, only a failure to decode the server's answer lands here; it is logged in the
/// console, where the reference finds it.
#[cfg(not(feature = "ssr"))]
fn reference_id() -> String {
    "browser".to_string()
}

/// Seconds a client is asked to wait when the database is unavailable.
pub const UNAVAILABLE_RETRY_SECS: u64 = 5;

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        if is_unavailable(&error) {
            tracing::warn!(%error, "the database is unavailable");
            AppError::Unavailable
        } else {
            AppError::internal(error)
        }
    }
}

/// R83: whether an error says the database cannot be reached now (a restart, a failover, no free
/// connection in time) rather than that a statement failed: the connection itself failed, or
/// PostgreSQL answered with a connection exception (class 08) or is shutting down or starting
/// (57P01–57P03).
#[cfg(feature = "ssr")]
pub fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(e) => e.code().is_some_and(|code| code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03")),
        _ => false,
    }
}
