//! Rate limits kept in the database, so that every app instance behind a load balancer counts
//! the same hits: a fixed window per key (`login:account:…`, `login:ip:…`).

use super::db::{now_ms, Db};
use crate::error::AppError;

#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub max_hits: i64,
    pub window_secs: i64,
}

/// Refuses with `TooManyAttempts` when `key` has used up its window.
pub async fn check(db: &Db, key: &str, limit: Limit) -> Result<(), AppError> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT window_start, hits FROM rate_limits WHERE key = $1").bind(key).fetch_optional(&db.pool).await?;
    match row.and_then(|(start, hits)| retry_after(start, hits, limit, now_ms())) {
        Some(retry_after_secs) => Err(AppError::TooManyAttempts { retry_after_secs }),
        None => Ok(()),
    }
}

/// Counts one hit against `key`, starting a new window when the last one is over. One
/// statement, so concurrent hits are all counted.
pub async fn hit(db: &Db, key: &str, limit: Limit) -> Result<(), AppError> {
    let window_ms = limit.window_secs * 1000;
    sqlx::query(
        "INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN rate_limits.window_start + $3 <= $2 THEN 1 ELSE rate_limits.hits + 1 END,
           window_start = CASE WHEN rate_limits.window_start + $3 <= $2 THEN $2 ELSE rate_limits.window_start END",
    )
    .bind(key)
    .bind(now_ms())
    .bind(window_ms)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn clear(db: &Db, key: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM rate_limits WHERE key = $1").bind(key).execute(&db.pool).await?;
    Ok(())
}

/// Seconds to wait, if the window that started at `window_start` holds `hits` ≥ the limit.
fn retry_after(window_start: i64, hits: i64, limit: Limit, now: i64) -> Option<u64> {
    let ends = window_start + limit.window_secs * 1000;
    (hits >= limit.max_hits && now < ends).then(|| ((ends - now + 999) / 1000) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: Limit = Limit { max_hits: 3, window_secs: 60 };

    #[test]
    fn the_wait_is_the_rest_of_the_window_rounded_up() {
        assert_eq!(retry_after(0, 2, LIMIT, 10_000), None, "under the limit");
        assert_eq!(retry_after(0, 3, LIMIT, 10_000), Some(50));
        assert_eq!(retry_after(0, 3, LIMIT, 59_001), Some(1));
        assert_eq!(retry_after(0, 9, LIMIT, 60_000), None, "window over");
    }
}
