//! Authentication: password hashing (argon2id off the async runtime, bounded), login with its
//! rate limits, and database sessions whose cookie carries a 256-bit token of which only the
//! SHA-256 is stored.

use std::sync::{Arc, OnceLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;
use tokio::sync::Semaphore;

use super::db::{now_ms, Db, Tx};
use super::rate_limit::{self, Limit, Taken};
use super::Settings;

use crate::domain::identity::LoginId;
use crate::error::AppError;
use crate::i18n::Msg;

/// How long a session lasts from login (absolute, not sliding).
pub const SESSION_LIFETIME_MS: i64 = 7 * 24 * 3600 * 1000;
/// R48. Login attempts from a browser that never logged in to the account: 5 per account and
/// client address (a stranger guessing from one place), 100 per account from everywhere (a
/// stranger with many addresses), 50 per client address whatever the account (offices share one).
pub const PAIR_LIMIT: Limit = Limit { max_hits: 5, window_secs: 15 * 60 };
pub const ACCOUNT_CEILING: Limit = Limit { max_hits: 100, window_secs: 15 * 60 };
pub const IP_LIMIT: Limit = Limit { max_hits: 50, window_secs: 15 * 60 };
/// From a browser that logged in to the account before (its device cookie): counted apart, so
/// strangers' attempts never lock the account's own person out.
pub const DEVICE_LIMIT: Limit = Limit { max_hits: 10, window_secs: 15 * 60 };
/// Wrong current passwords of a signed-in person (R69), as strict as a login from one place.
pub const CURRENT_PASSWORD_LIMIT: Limit = PAIR_LIMIT;
/// A password someone else chose (R58) works for a week, like an invitation (R22).
pub const ONE_TIME_PASSWORD_LIFETIME_MS: i64 = 7 * 24 * 3600 * 1000;
/// How long a browser stays trusted for an account after a login.
pub const DEVICE_LIFETIME_MS: i64 = 180 * 24 * 3600 * 1000;

/// Argon2id with the crate's defaults (m = 19 MiB, t = 2, p = 1), run on the blocking pool with
/// at most as many hashes at once as there are cores, so logins cannot starve the runtime.
#[derive(Clone, Debug)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
}

impl Default for PasswordHasher {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        PasswordHasher { permits: Arc::new(Semaphore::new(cores)) }
    }
}

impl PasswordHasher {
    pub async fn hash(&self, password: &str) -> Result<String, AppError> {
        let password = password.to_owned();
        self.run(move || {
            let salt = SaltString::generate(&mut rand::rngs::OsRng);
            Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(AppError::internal)
        })
        .await?
    }

    /// Verifies against the stored hash, or against a fixed dummy hash when there is none, so
    /// that an unknown account takes as long to refuse as a wrong password.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool, AppError> {
        let password = password.to_owned();
        let known = stored.is_some();
        let stored = stored.map(str::to_owned);
        self.run(move || {
            let stored = stored.as_deref().unwrap_or_else(|| dummy_hash());
            let ok = PasswordHash::new(stored).map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false);
            ok && known
        })
        .await
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        let _permit = self.permits.acquire().await.map_err(AppError::internal)?;
        tokio::task::spawn_blocking(work).await.map_err(AppError::internal)
    }
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default().hash_password(b"no account has this password", &salt).map(|h| h.to_string()).unwrap_or_default()
    })
}

/// A fresh 256-bit random token, URL-safe (hex), and the SHA-256 under which it is stored.
pub fn new_token() -> (String, String) {
    let token = random_hex(32);
    let hash = token_hash(&token);
    (token, hash)
}

/// `bytes` random bytes from the OS, in hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buffer);
    hex::encode(buffer)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A readable random password (for one-time and generated passwords): 16 characters from an
/// alphabet without look-alikes, about 90 bits.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..16).map(|_| ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char).collect()
}

pub fn cookie_name(settings: &Settings) -> &'static str {
    if settings.secure_cookies { "__Host-roster_session" } else { "roster_session" }
}

/// The device cookie (R48): a browser that logged in to an account before.
pub fn device_cookie_name(settings: &Settings) -> &'static str {
    if settings.secure_cookies { "__Host-roster_device" } else { "roster_device" }
}

/// The `Set-Cookie` value of a new device cookie.
pub fn device_cookie(settings: &Settings, token: &str) -> String {
    cookie::Cookie::build((device_cookie_name(settings), token.to_string()))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(settings.secure_cookies)
        .max_age(cookie::time::Duration::milliseconds(DEVICE_LIFETIME_MS))
        .build()
        .to_string()
}

/// The `Set-Cookie` value for a new session, or (with `None`) the one that removes it.
pub fn session_cookie(settings: &Settings, token: Option<&str>) -> String {
    let mut cookie = cookie::Cookie::build((cookie_name(settings), token.unwrap_or("").to_string()))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(settings.secure_cookies);
    cookie = match token {
        Some(_) => cookie.max_age(cookie::time::Duration::milliseconds(SESSION_LIFETIME_MS)),
        None => cookie.max_age(cookie::time::Duration::ZERO),
    };
    cookie.build().to_string()
}

/// Who is logging in from where, and what they typed.
pub struct LoginAttempt<'a> {
    pub login: &'a str,
    pub password: &'a str,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    /// The session this browser had before, ended at login (a new id at every login).
    pub previous_token: Option<&'a str>,
    /// The browser's device cookie, if it has one (R48).
    pub device_token: Option<&'a str>,
}

pub struct LoggedIn {
    pub user_id: i64,
    pub token: String,
    pub must_change_password: bool,
    /// A device cookie to give the browser: it had none for this account.
    pub new_device_token: Option<String>,
}

impl std::fmt::Debug for LoggedIn {
    // Never prints the token: it is a bearer credential.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoggedIn").field("user_id", &self.user_id).field("must_change_password", &self.must_change_password).finish_non_exhaustive()
    }
}

/// Checks the credentials and opens a session. Every failure of identity — unknown account,
/// wrong password, invited-but-not-active account — is the same `WrongCredentials`. Each attempt
/// is counted before the password is checked (R48); a browser that logged in to the account
/// before is counted apart from strangers.
pub async fn log_in(db: &Db, hasher: &PasswordHasher, attempt: LoginAttempt<'_>) -> Result<LoggedIn, AppError> {
    let login_id = LoginId::parse(attempt.login);
    let account_key = login_id.as_ref().map(LoginId::key).unwrap_or(attempt.login.trim()).to_string();
    let account = match &login_id {
        Some(id) => find_active_account(db, id).await?,
        None => None,
    };
    let trusted_device = match (attempt.device_token, &account) {
        (Some(token), Some(account)) => trusted_device_of(db, token, account.id).await?,
        _ => None,
    };
    let ip = attempt.ip.unwrap_or("unknown");
    // (key, limit, whether a success forgets the window's guesses or only gives its own hit back)
    let keys: Vec<(String, Limit, bool)> = match &trusted_device {
        Some(device) => vec![(format!("login:device:{device}"), DEVICE_LIMIT, true)],
        None => vec![
            (format!("login:pair:{account_key}:{ip}"), PAIR_LIMIT, true),
            (format!("login:account:{account_key}"), ACCOUNT_CEILING, false),
            (format!("login:ip:{ip}"), IP_LIMIT, false),
        ],
    };
    for (key, limit, _) in &keys {
        if let Taken::Refused { retry_after_secs, first } = rate_limit::take(db, key, *limit).await? {
            if first {
                let scope = key.split(':').nth(1).unwrap_or_default();
                audit_login(db, "login_limited", account.as_ref().map(|a| a.id), attempt.ip, &serde_json::json!({ "limit": scope })).await?;
            }
            return Err(AppError::TooManyAttempts { retry_after_secs });
        }
    }

    let ok = hasher.verify(attempt.password, account.as_ref().and_then(|a| a.password_hash.as_deref())).await?;
    let expired = account.as_ref().is_some_and(|a| a.password_expires_at.is_some_and(|at| at <= now_ms()));
    let account = match (ok && !expired, account) {
        (true, Some(account)) => account,
        (_, account) => {
            audit_login(db, "login_failed", account.as_ref().map(|a| a.id), attempt.ip, &serde_json::json!({})).await?;
            return Err(AppError::WrongCredentials);
        }
    };
    // Only failures count against the account: this success is taken back, and the guesses made
    // from this place are forgotten.
    for (key, _, forget) in &keys {
        if *forget {
            rate_limit::clear(db, key).await?;
        } else {
            rate_limit::give_back(db, key).await?;
        }
    }

    let mut tx = db.begin().await?;
    // R27: a password given by someone else (generated credentials, `init`'s owner password)
    // opens one session, in which its owner chooses their own; then it is gone. The conditional
    // update lets one of two logins racing with it win.
    if account.must_change_password {
        let used = sqlx::query("UPDATE users SET password_hash = NULL, password_expires_at = NULL WHERE id = $1 AND password_hash = $2")
            .bind(account.id)
            .bind(account.password_hash.as_deref())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if used != 1 {
            return Err(AppError::WrongCredentials);
        }
    }
    let token = open_session(&mut tx, account.id, attempt.ip, attempt.user_agent, attempt.previous_token).await?;
    let new_device_token = match trusted_device {
        Some(_) => None,
        None => Some(trust_device(&mut tx, account.id).await?),
    };
    sqlx::query("INSERT INTO audit_log (at, actor_id, action, target_type, target_id, ip) VALUES ($1, $2, 'login', 'user', $2, $3)")
        .bind(now_ms())
        .bind(account.id)
        .bind(attempt.ip)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(LoggedIn { user_id: account.id, token, must_change_password: account.must_change_password, new_device_token })
}

/// Deletes expired sessions and device cookies (run now and then; a login also tidies its own).
pub async fn purge_expired(db: &Db) -> Result<u64, AppError> {
    let now = now_ms();
    let sessions = sqlx::query("DELETE FROM auth_sessions WHERE expires_at <= $1").bind(now).execute(&db.pool).await?.rows_affected();
    let devices = sqlx::query("DELETE FROM trusted_devices WHERE expires_at <= $1").bind(now).execute(&db.pool).await?.rows_affected();
    Ok(sessions + devices)
}

/// A failed or refused login in the audit log (R46): against the account if there is one.
async fn audit_login(db: &Db, action: &str, user: Option<i64>, ip: Option<&str>, details: &serde_json::Value) -> Result<(), AppError> {
    sqlx::query("INSERT INTO audit_log (at, action, target_type, target_id, details, ip) VALUES ($1, $2, 'user', $3, $4, $5)")
        .bind(now_ms())
        .bind(action)
        .bind(user)
        .bind(details.to_string())
        .bind(ip)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The stored hash of a device token that this account trusts, if it does.
async fn trusted_device_of(db: &Db, token: &str, user: i64) -> Result<Option<String>, AppError> {
    let hash = token_hash(token);
    let found: Option<i64> =
        sqlx::query_scalar("SELECT user_id FROM trusted_devices WHERE token_hash = $1 AND expires_at > $2").bind(&hash).bind(now_ms()).fetch_optional(&db.pool).await?;
    Ok((found == Some(user)).then_some(hash))
}

/// Remembers this browser for this account (R48); returns the token for its cookie.
async fn trust_device(tx: &mut Tx, user: i64) -> Result<String, AppError> {
    let (token, hash) = new_token();
    let now = now_ms();
    sqlx::query("DELETE FROM trusted_devices WHERE user_id = $1 AND expires_at <= $2").bind(user).bind(now).execute(&mut **tx).await?;
    sqlx::query("INSERT INTO trusted_devices (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(hash)
        .bind(user)
        .bind(now)
        .bind(now + DEVICE_LIFETIME_MS)
        .execute(&mut **tx)
        .await?;
    Ok(token)
}

/// Opens a session for `user` in the caller's transaction (ending the browser's previous one,
/// `previous_token`, so every login gets a new session id) and returns its token.
pub async fn open_session(tx: &mut Tx, user: i64, ip: Option<&str>, user_agent: Option<&str>, previous_token: Option<&str>) -> Result<String, AppError> {
    let (token, hash) = new_token();
    let now = now_ms();
    if let Some(previous) = previous_token {
        sqlx::query("DELETE FROM auth_sessions WHERE token_hash = $1").bind(token_hash(previous)).execute(&mut **tx).await?;
    }
    sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1 AND expires_at <= $2").bind(user).bind(now).execute(&mut **tx).await?;
    sqlx::query("INSERT INTO auth_sessions (token_hash, user_id, created_at, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&hash)
        .bind(user)
        .bind(now)
        .bind(now + SESSION_LIFETIME_MS)
        .bind(ip)
        .bind(user_agent.map(|ua| ua.chars().take(300).collect::<String>()))
        .execute(&mut **tx)
        .await?;
    Ok(token)
}

/// Ends the session whose cookie carries `token`.
pub async fn log_out(db: &Db, token: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM auth_sessions WHERE token_hash = $1").bind(token_hash(token)).execute(&db.pool).await?;
    Ok(())
}

struct Account {
    id: i64,
    password_hash: Option<String>,
    must_change_password: bool,
    /// A one-time password stops working then (R58).
    password_expires_at: Option<i64>,
}

async fn find_active_account(db: &Db, id: &LoginId) -> Result<Option<Account>, AppError> {
    let (column, key) = match id {
        LoginId::Email(e) => ("email_key", e.key()),
        LoginId::Username(u) => ("username_key", u.key()),
    };
    let sql = format!("SELECT id, password_hash, must_change_password, password_expires_at FROM users WHERE {column} = $1 AND status = 'active' AND deleted_at IS NULL");
    let row = sqlx::query(&sql).bind(key).fetch_optional(&db.pool).await?;
    Ok(match row {
        Some(row) => Some(Account {
            id: row.try_get("id")?,
            password_hash: row.try_get("password_hash")?,
            must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
            password_expires_at: row.try_get("password_expires_at")?,
        }),
        None => None,
    })
}

/// A new one-time password (R58) for the account that logs in as `login`, its sessions ended;
/// returned to be handed over (the `reset-password` command prints it).
pub async fn reset_to_one_time_password(db: &Db, hasher: &PasswordHasher, login: &str) -> Result<String, AppError> {
    let id = LoginId::parse(login).ok_or(AppError::NotFound)?;
    let account = find_active_account(db, &id).await?.ok_or(AppError::NotFound)?;
    let password = random_password();
    let hash = hasher.hash(&password).await?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 1, password_expires_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now_ms() + ONE_TIME_PASSWORD_LIFETIME_MS)
        .bind(account.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1").bind(account.id).execute(&mut *tx).await?;
    // Credentials emails not sent yet carry a password that no longer works.
    sqlx::query("DELETE FROM outbox_emails WHERE user_id = $1 AND kind = $2 AND status IN ('queued', 'failed')")
        .bind(account.id)
        .bind(super::mail::CREDENTIALS_KIND)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO audit_log (at, action, target_type, target_id) VALUES ($1, 'password_reset_from_command_line', 'user', $2)")
        .bind(now_ms())
        .bind(account.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(password)
}

/// Checks a signed-in user's current password before a change at will. Wrong answers have a
/// limit of their own, as strict as the login's (5 per 15 minutes), so a session left open
/// cannot be used to guess it.
pub async fn check_current_password(db: &Db, hasher: &PasswordHasher, user_id: i64, password: &str) -> Result<(), AppError> {
    let key = format!("password:user:{user_id}");
    rate_limit::take(db, &key, CURRENT_PASSWORD_LIMIT).await?.or_refuse()?;
    let hash: Option<String> = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1").bind(user_id).fetch_one(&db.pool).await?;
    if hasher.verify(password, hash.as_deref()).await? {
        rate_limit::clear(db, &key).await
    } else {
        Err(AppError::field("current_password", Msg::WrongCurrentPassword))
    }
}

/// Sets a new password chosen by its owner, clears the must-change flag and ends the person's
/// other sessions.
pub async fn change_password(db: &Db, hasher: &PasswordHasher, user_id: i64, keep_session: &str, new_password: &str) -> Result<(), AppError> {
    let hash = hasher.hash(new_password).await?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 0, password_expires_at = NULL WHERE id = $2").bind(hash).bind(user_id).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep_session)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO audit_log (at, actor_id, action, target_type, target_id) VALUES ($1, $2, 'password_changed', 'user', $2)")
        .bind(now_ms())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bit_and_stored_only_as_their_hash() {
        let (token, hash) = new_token();
        assert_eq!(token.len(), 64);
        assert_eq!(hash, token_hash(&token));
        assert_ne!(hash, token);
        assert_ne!(new_token().0, token);
    }

    #[test]
    fn session_cookies_are_http_only_lax_and_secure_outside_local_development() {
        let local = Settings::new("http://127.0.0.1:3000");
        let cookie = session_cookie(&local, Some("abc"));
        assert!(cookie.starts_with("roster_session=abc"), "{cookie}");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"), "{cookie}");
        let public = Settings::new("https://learn.example.com/");
        let cookie = session_cookie(&public, Some("abc"));
        assert!(cookie.starts_with("__Host-roster_session=abc") && cookie.contains("Secure") && cookie.contains("Path=/"), "{cookie}");
        assert!(session_cookie(&public, None).contains("Max-Age=0"));
    }

    #[tokio::test]
    async fn hashes_verify_only_the_right_password_and_unknown_accounts_never_verify() {
        let hasher = PasswordHasher::default();
        let hash = hasher.hash("correct horse battery").await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(hasher.verify("correct horse battery", Some(&hash)).await.unwrap());
        assert!(!hasher.verify("wrong horse battery", Some(&hash)).await.unwrap());
        assert!(!hasher.verify("no account has this password", None).await.unwrap());
    }

    #[test]
    fn generated_passwords_are_long_and_differ() {
        let a = random_password();
        assert_eq!(a.chars().count(), 16);
        assert_ne!(a, random_password());
        assert!(crate::domain::password::check(&a, &[]).is_ok());
    }
}
