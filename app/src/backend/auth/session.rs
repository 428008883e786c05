//! Database sessions: opened at login (the previous one ended), ended at logout, purged when old.

use super::tokens::{new_token, token_hash, SESSION_LIFETIME_MS};

use crate::backend::db::{now_ms, Db, Tx};
use crate::error::AppError;


/// Deletes expired sessions and device cookies (run now and then; a login also tidies its own).
pub async fn purge_expired(db: &Db) -> Result<u64, AppError> {
    let now = now_ms();
    let sessions = sqlx::query("DELETE FROM auth_sessions WHERE expires_at <= $1").bind(now).execute(&db.pool).await?.rows_affected();
    let devices = sqlx::query("DELETE FROM trusted_devices WHERE expires_at <= $1").bind(now).execute(&db.pool).await?.rows_affected();
    Ok(sessions + devices)
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
