//! Rate limits kept in the database, so that every app instance behind a load balancer counts
//! the same hits: a fixed window per key (`login:pair:…`, `login:account:…`, `login:ip:…`).
//!
//! An attempt is counted **before** it is decided: one statement adds it and returns the count,
//! so twenty attempts at once get twenty distinct counts and only those within the limit go on
//! to the costly part (argon2). Checking first and counting after let them all through.

use super::db::{now_ms, Db};

use crate::error::AppError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max_hits: i64,
    pub window_secs: i64,
}

/// What counting one more attempt against a key gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Taken {
    Allowed,
    /// Over the limit: wait this long. `first` is the first refusal of the window (worth an
    /// audit line; the rest of a flood is not).
    Refused { retry_after_secs: u64, first: bool },
}

impl Taken {
    pub fn or_refuse(self) -> Result<(), AppError> {
        match self {
            Taken::Allowed => Ok(()),
            Taken::Refused { retry_after_secs, .. } => Err(AppError::TooManyAttempts { retry_after_secs }),
        }
    }
}

/// Counts one attempt against `key` (a new window when the last one is over), then decides.
pub async fn take(db: &Db, key: &str, limit: Limit) -> Result<Taken, AppError> {
    take_n(db, key, 1, limit).await
}

/// Counts `n` hits at once (n emails of one invite), then decides on the last of them.
pub async fn take_n(db: &Db, key: &str, n: i64, limit: Limit) -> Result<Taken, AppError> {
    let now = now_ms();
    let (window_start, hits): (i64, i64) = sqlx::query_as(
        "INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, $4)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN rate_limits.window_start + $3 <= $2 THEN $4 ELSE rate_limits.hits + $4 END,
           window_start = CASE WHEN rate_limits.window_start + $3 <= $2 THEN $2 ELSE rate_limits.window_start END
         RETURNING window_start, hits",
    )
    .bind(key)
    .bind(now)
    .bind(limit.window_secs * 1000)
    .bind(n)
    .fetch_one(&db.pool)
    .await?;
    Ok(decide(window_start, hits, limit, now))
}

/// Takes back one counted attempt (one that succeeded, where only failures should count).
pub async fn give_back(db: &Db, key: &str) -> Result<(), AppError> {
    give_back_n(db, key, 1).await
}

/// Takes back `n` counted hits (refused, or not used after all).
pub async fn give_back_n(db: &Db, key: &str, n: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE rate_limits SET hits = CASE WHEN hits > $2 THEN hits - $2 ELSE 0 END WHERE key = $1").bind(key).bind(n).execute(&db.pool).await?;
    Ok(())
}

pub async fn clear(db: &Db, key: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM rate_limits WHERE key = $1").bind(key).execute(&db.pool).await?;
    Ok(())
}

/// The longest window of any limit: windows that started before it are over for every key.
const LONGEST_WINDOW_MS: i64 = 24 * 3600 * 1000;

/// Deletes the windows that are over (run now and then; keys of a flood would pile up).
pub async fn purge_ended(db: &Db) -> Result<u64, AppError> {
    let purged = sqlx::query("DELETE FROM rate_limits WHERE window_start < $1").bind(now_ms() - LONGEST_WINDOW_MS).execute(&db.pool).await?.rows_affected();
    Ok(purged)
}

/// The decision on the `hits`-th attempt (this one included) of the window that started at
/// `window_start`.
fn decide(window_start: i64, hits: i64, limit: Limit, now: i64) -> Taken {
    let ends = window_start + limit.window_secs * 1000;
    if hits <= limit.max_hits || now >= ends {
        return Taken::Allowed;
    }
    Taken::Refused { retry_after_secs: ((ends - now + 999) / 1000).max(1) as u64, first: hits == limit.max_hits + 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: Limit = Limit { max_hits: 3, window_secs: 60 };

    #[test]
    fn the_limit_counts_this_attempt_and_the_wait_is_the_rest_of_the_window_rounded_up() {
        assert_eq!(decide(0, 3, LIMIT, 10_000), Taken::Allowed, "the third of three");
        assert_eq!(decide(0, 4, LIMIT, 10_000), Taken::Refused { retry_after_secs: 50, first: true });
        assert_eq!(decide(0, 9, LIMIT, 59_001), Taken::Refused { retry_after_secs: 1, first: false });
        assert_eq!(decide(0, 9, LIMIT, 60_000), Taken::Allowed, "window over");
    }
}
