//! The database: one pool over SQLite (embedded default) or PostgreSQL, chosen by the URL, through
//! sqlx's Any driver so that every query is written once. Queries use `$1` placeholders (both
//! backends accept them) and portable types (see migrations/*/0001_schema.sql).

use std::str::FromStr;
use std::time::Duration;

use chrono_tz::Tz;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, ConnectOptions, Executor};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// The URL with its password masked, for messages.
    pub shown_url: String,
}

/// Why the database could not be opened, in one line that names it (the password masked).
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("DATABASE_URL {0:?} is neither sqlite:… nor postgres://…")]
    UnknownScheme(String),
    #[error("cannot open the database at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("cannot migrate the database at {url}: {reason}")]
    Migration { url: String, reason: String },
}

impl Db {
    /// Opens the pool. For SQLite, creates the file (and its folder) if missing, and turns on WAL.
    pub async fn connect(url: &str) -> Result<Db, ConnectError> {
        sqlx::any::install_default_drivers();
        let shown = mask_password(url);
        let unreachable = |e: &dyn std::fmt::Display| ConnectError::Unreachable { url: shown.clone(), reason: one_line(e) };
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(ConnectError::UnknownScheme(shown));
        };
        let mut url = url.to_string();
        if backend == Backend::Sqlite {
            create_sqlite_folder(&url).map_err(|e| unreachable(&e))?;
            if !url.contains("mode=") && !url.contains(":memory:") {
                url.push(if url.contains('?') { '&' } else { '?' });
                url.push_str("mode=rwc");
            }
        }
        let options = AnyConnectOptions::from_str(&url)
            .map_err(|e| unreachable(&e))?
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(500));
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            // A SQLite connection is a file handle in this process: nothing can break it between
            // two uses, and the check before each use was a round trip to its thread per
            // statement. A PostgreSQL connection can die with the server (a restart, a
            // failover), so it is still checked before it is handed out.
            .test_before_acquire(backend == Backend::Postgres)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // Per connection: foreign keys (sqlx's default, said again), a busy wait
                        // instead of an immediate SQLITE_BUSY, and the usual WAL durability level.
                        conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;")
                            .await?;
                    } else {
                        // Roster's statements read a page, or rows by index: parallel workers
                        // cost more to start (5–20 ms each time on 2 cores, measured by
                        // app/benches/lists.rs) than they save. Analytical work on the same
                        // database keeps the server's own setting on its own connections.
                        conn.execute("SET max_parallel_workers_per_gather = 0").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| unreachable(&e))?;
        if backend == Backend::Sqlite {
            pool.execute("PRAGMA journal_mode = WAL;").await.map_err(|e| unreachable(&e))?;
        }
        Ok(Db { pool, backend, shown_url: shown })
    }

    /// Applies the migrations of this backend that are not applied yet. Only then does it take
    /// the migrator's lock (a session advisory lock on PostgreSQL, which a pooler in
    /// transaction mode cannot hold): instances starting on a migrated database just start (R83).
    pub async fn migrate(&self) -> Result<(), ConnectError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        // No table yet (an empty database) reads as nothing applied. An applied migration whose
        // file changed since is left to the migrator, which refuses it.
        let applied: Vec<(i64, Vec<u8>)> =
            sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations WHERE success").fetch_all(&self.pool).await.unwrap_or_default();
        let done = |m: &sqlx::migrate::Migration| applied.iter().any(|(version, checksum)| *version == m.version && checksum[..] == m.checksum[..]);
        if migrator.iter().filter(|m| m.migration_type.is_up_migration()).all(done) {
            return Ok(());
        }
        migrator.run(&self.pool).await.map_err(|e| ConnectError::Migration {
            url: self.shown_url.clone(),
            reason: one_line(&e),
        })
    }

    /// A transaction that may read then write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two such transactions queue instead of failing on upgrade.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// One connection for several statements that need no transaction. sqlx checks a pooled
    /// connection each time it is handed back (on SQLite a round trip to the connection's
    /// thread), so statements run on the pool one by one cost twice the round trips. Never wait
    /// for a second connection while holding this one: once every connection is held so, the
    /// requests wait for each other until the pool's timeout.
    pub async fn connection(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, sqlx::Error> {
        self.pool.acquire().await
    }

    /// A transaction that only reads, from one snapshot of the database (R85): several statements
    /// that must agree (a page's rows and what is shown beside them). It takes no write lock,
    /// so such reads never wait for each other or for writers (on SQLite, `begin`'s write lock
    /// made the Invitations list of every viewer queue, sleeping in SQLite's busy wait).
    pub async fn snapshot(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN DEFERRED").await,
            Backend::Postgres => self.pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await,
        }
    }
}

/// Makes the transactions that add someone by `address` (invite, set up) take turns, so that
/// an invitation and an account cannot both be created for one address (R28). On SQLite the
/// write lock of `begin` already does; on PostgreSQL a transaction-scoped advisory lock on the
/// address does, without holding up other addresses.
pub async fn serialize_on_address(tx: &mut Tx, backend: Backend, address: &str) -> Result<(), sqlx::Error> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))").bind(address).execute(&mut **tx).await?;
    }
    Ok(())
}

/// `serialize_on_address` for many addresses in one statement (an import's), taken in the order
/// of the addresses, so that two lists sharing addresses cannot deadlock.
pub async fn serialize_on_addresses(tx: &mut Tx, backend: Backend, addresses: &[&str]) -> Result<(), sqlx::Error> {
    if backend != Backend::Postgres || addresses.is_empty() {
        return Ok(());
    }
    let mut sorted = addresses.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    // PostgreSQL evaluates a volatile target list after ORDER BY: the locks are taken in order.
    let mut statement = super::statement::Statement::new("SELECT pg_advisory_xact_lock(hashtextextended(a.address, 0)) FROM (VALUES ");
    for (i, address) in sorted.iter().enumerate() {
        statement.push_row(i == 0, [super::statement::Value::from(*address)]);
    }
    statement.push(") AS a (address) ORDER BY a.address");
    statement.query().execute(&mut **tx).await?;
    Ok(())
}

fn create_sqlite_folder(url: &str) -> std::io::Result<()> {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.contains(":memory:") {
        return Ok(());
    }
    match std::path::Path::new(path).parent() {
        Some(parent) if !parent.as_os_str().is_empty() => std::fs::create_dir_all(parent),
        _ => Ok(()),
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn mask_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let Some((credentials, host)) = rest.split_once('@') else { return url.to_string() };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

fn one_line(e: &dyn std::fmt::Display) -> String {
    e.to_string().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An instant as the pages show it, in the viewer's time zone (R86): `YYYY-MM-DD HH:MM`.
pub fn minute_of(ms: i64, zone: Tz) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(|d| d.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
}

/// The day of an instant in a time zone: `YYYY-MM-DD`.
pub fn date_of(ms: i64, zone: Tz) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(|d| d.with_timezone(&zone).format("%Y-%m-%d").to_string()).unwrap_or_default()
}

/// Now, as stored: milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// `%term%` for LIKE, lower-cased, with LIKE's own wildcards escaped; empty when no search.
pub fn like_pattern(search: &str) -> String {
    let term = search.trim().to_lowercase();
    if term.is_empty() {
        return String::new();
    }
    let escaped = term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_database_urls_are_masked() {
        assert_eq!(mask_password("postgres://roster:s3cret@db:5432/roster"), "postgres://roster:***@db:5432/roster");
        assert_eq!(mask_password("sqlite:data/roster.db"), "sqlite:data/roster.db");
        assert_eq!(mask_password("postgres://db/roster"), "postgres://db/roster");
    }

    #[test]
    fn searches_escape_like_wildcards() {
        assert_eq!(like_pattern("  "), "");
        assert_eq!(like_pattern("Ada"), "%ada%");
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
