//! Logging in (R48): every attempt counted before it is decided, per (account, address), per
//! account and per address; a trusted device counts apart; failures audited.

use super::password::{find_active_account, PasswordHasher};
use super::session::open_session;
use super::tokens::{new_token, token_hash, DEVICE_LIFETIME_MS};

use crate::backend::db::{now_ms, Db, Tx};
use crate::backend::rate_limit::{self, Limit, Taken};
use crate::domain::identity::LoginId;
use crate::error::AppError;

/// R48. Login attempts from a browser that never logged in to the account: 5 per account and
/// client address (a stranger guessing from one place), 100 per account from everywhere (a
/// stranger with many addresses), 50 per client address whatever the account (offices share one).
pub const PAIR_LIMIT: Limit = Limit { max_hits: 5, window_secs: 15 * 60 };
pub const ACCOUNT_CEILING: Limit = Limit { max_hits: 100, window_secs: 15 * 60 };
pub const IP_LIMIT: Limit = Limit { max_hits: 50, window_secs: 15 * 60 };

/// From a browser that logged in to the account before (its device cookie): counted apart, so
/// strangers' attempts never lock the account's own person out.
pub const DEVICE_LIMIT: Limit = Limit { max_hits: 10, window_secs: 15 * 60 };


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
