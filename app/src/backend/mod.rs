//! Server-only code: the database, authentication and the services that own each transaction.
//! Nothing here is compiled into the wasm, and nothing here reads Leptos: the services receive
//! what they need as arguments (`api::context` reads the request).

pub mod api_tokens;
pub mod audit;
pub mod batch;
pub mod auth;
pub mod billing;
pub mod db;
pub mod deletion;
pub mod details;
pub mod enrollment;
pub mod mail;
pub mod directory;
pub mod groups;
pub mod invitations;
pub mod principal;
pub mod programs;
pub mod provision;
pub mod rate_limit;
pub mod seed;
pub mod settings;
pub mod smtp;
pub mod statement;
pub mod tree;
pub mod users;
#[cfg(feature = "test-support")]
pub mod testing;

pub use db::Db;
pub use principal::{Permit, Principal};

/// Deployment settings that the app needs (the server crate reads them from flags/environment).
#[derive(Clone, Debug)]
pub struct Settings {
    /// The address people use to reach Roster; every link in an email is built from it, never
    /// from the request's Host header.
    pub public_url: String,
    /// `Secure` and `__Host-` on the session cookie: on whenever the public URL is https.
    pub secure_cookies: bool,
    /// How many proxies of ours stand in front of Roster and write X-Forwarded-For: the client's
    /// address is the entry that many places from its right end (0: the peer's address; the
    /// left-most entries are whatever the client wrote).
    pub trusted_proxies: usize,
    /// Where emails go.
    pub mail: MailSetup,
}

/// Where emails go: chosen once at start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailSetup {
    /// To an SMTP server (SMTP_URL).
    Smtp,
    /// Nowhere: kept in the development mailbox, which only the owner reads — an explicit opt-in
    /// for local trials (`--dev-mailbox`, `--demo`), never with an https public URL, since it
    /// holds one-time passwords and live invitation links.
    DevelopmentMailbox,
    /// No SMTP server and no development mailbox: emails wait in the outbox until one is set.
    Held,
}

impl Settings {
    pub fn new(public_url: &str) -> Settings {
        let public_url = public_url.trim_end_matches('/').to_string();
        Settings { secure_cookies: public_url.starts_with("https://"), public_url, trusted_proxies: 0, mail: MailSetup::Held }
    }
}
