//! The audit log (R46): who did what, to what, when and from where — written in the same
//! transaction as the change, so there is no change without its entry and no entry without it.

use serde::Serialize;

use super::db::{now_ms, Db, Tx};
use super::statement::{Statement, Value, ROWS_PER_INSERT};

use crate::error::AppError;

/// Who is acting, and from which address: a person, or an API token (R90) and the person who
/// created it.
#[derive(Clone, Debug, Default)]
pub struct Who {
    pub actor: Option<i64>,
    pub token: Option<i64>,
    pub ip: Option<String>,
}

pub async fn record(tx: &mut Tx, who: &Who, action: &str, target_type: &str, target_id: i64, details: &impl Serialize) -> Result<(), AppError> {
    let details = serde_json::to_string(details).map_err(AppError::internal)?;
    sqlx::query("INSERT INTO audit_log (at, actor_id, token_id, action, target_type, target_id, details, ip) VALUES ($1, $2, $8, $3, $4, $5, $6, $7)")
        .bind(now_ms())
        .bind(who.actor)
        .bind(action)
        .bind(target_type)
        .bind(target_id)
        .bind(details)
        .bind(who.ip.as_deref())
        .bind(who.token)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Many entries by one person at once (an import's), in the caller's transaction: (action,
/// target type, target id, details) each.
pub async fn record_many(tx: &mut Tx, who: &Who, entries: &[(&str, &str, i64, serde_json::Value)]) -> Result<(), AppError> {
    let at = now_ms();
    for chunk in entries.chunks(ROWS_PER_INSERT) {
        let mut statement = Statement::new("INSERT INTO audit_log (at, actor_id, token_id, action, target_type, target_id, details, ip) VALUES ");
        for (i, (action, target_type, target_id, details)) in chunk.iter().enumerate() {
            statement.push_row(i == 0, [Value::from(at), who.actor.into(), who.token.into(), (*action).into(), (*target_type).into(), (*target_id).into(), details.to_string().into(), who.ip.as_deref().into()]);
        }
        statement.query().execute(&mut **tx).await?;
    }
    Ok(())
}

/// A refused call (R5, R7): someone signed in asked for what they may not do. Written on its own,
/// since nothing else was: the refusal is the event.
pub async fn record_refusal(db: &Db, who: &Who, path: &str) -> Result<(), AppError> {
    let details = serde_json::json!({ "call": path }).to_string();
    sqlx::query("INSERT INTO audit_log (at, actor_id, token_id, action, target_type, details, ip) VALUES ($1, $2, $5, 'call_refused', 'call', $3, $4)")
        .bind(now_ms())
        .bind(who.actor)
        .bind(details)
        .bind(who.ip.as_deref())
        .bind(who.token)
        .execute(&db.pool)
        .await?;
    Ok(())
}
