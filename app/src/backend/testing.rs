//! Fresh, migrated databases for tests, on both backends (feature `test-support`).
//!
//! SQLite: a file in a temporary folder. PostgreSQL: a new database `roster_test_…` on the
//! server named by `ROSTER_TEST_POSTGRES_URL` (scripts/test.sh starts one and sets it). Without
//! that variable the PostgreSQL tests fail, saying so: they are never silently skipped.

use sqlx::Executor;

use super::auth::PasswordHasher;
use super::db::{Backend, Db};

pub struct TestDb {
    pub db: Db,
    /// The database's URL, password included: for the server processes a test starts on it.
    pub url: String,
    // Keeps the SQLite folder until the test ends.
    _dir: Option<tempfile::TempDir>,
}

impl std::ops::Deref for TestDb {
    type Target = Db;
    fn deref(&self) -> &Db {
        &self.db
    }
}

pub async fn fresh(backend: Backend) -> TestDb {
    match backend {
        Backend::Sqlite => sqlite().await,
        Backend::Postgres => postgres().await,
    }
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite:{}", dir.path().join("roster.db").display());
    let db = Db::connect(&url).await.expect("open SQLite");
    db.migrate().await.expect("migrate SQLite");
    TestDb { db, url, _dir: Some(dir) }
}

pub async fn postgres() -> TestDb {
    let db = postgres_unmigrated().await;
    db.migrate().await.expect("migrate PostgreSQL");
    db
}

/// A new, empty PostgreSQL database.
pub async fn postgres_unmigrated() -> TestDb {
    let admin_url = std::env::var("ROSTER_TEST_POSTGRES_URL").expect(
        "ROSTER_TEST_POSTGRES_URL is not set: run the tests with scripts/test.sh, or point it at a PostgreSQL \
         server where this role may create databases (postgres://user:password@127.0.0.1:5432/postgres)",
    );
    sqlx::any::install_default_drivers();
    let name = format!("roster_test_{}", super::auth::random_hex(8));
    let admin = sqlx::AnyPool::connect(&admin_url).await.expect("connect to the PostgreSQL test server");
    admin.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create the test database");
    admin.close().await;
    let (base, _) = admin_url.rsplit_once('/').expect("a PostgreSQL URL ends with /DATABASE");
    let url = format!("{base}/{name}");
    let db = Db::connect(&url).await.expect("open the test database");
    TestDb { db, url, _dir: None }
}

/// An active user with this (lower-case) email, named "F L", with this password hash if any.
pub async fn insert_user(db: &Db, email: &str, password_hash: Option<&str>) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO users (email, email_key, first_name, last_name, status, password_hash, created_at)
         VALUES ($1, $1, 'F', 'L', 'active', $2, 0) RETURNING id",
    )
    .bind(email)
    .bind(password_hash)
    .fetch_one(&db.pool)
    .await
    .expect("insert a test user")
}

/// A platform for tests: "Acme", owned by owner@acme.example ("Olga Owner").
pub struct Acme {
    pub owner: i64,
    pub owner_password: String,
    pub root: i64,
}

pub async fn acme(db: &Db, language: crate::i18n::Lang) -> Acme {
    let new = super::seed::NewPlatform { name: "Acme", language, owner_email: "owner@acme.example", owner_first_name: "Olga", owner_last_name: "Owner", time_zone: "UTC" };
    let credentials = super::seed::init(db, new).await.expect("init");
    let owner = sqlx::query_scalar("SELECT id FROM users WHERE email_key = 'owner@acme.example'").fetch_one(&db.pool).await.expect("owner");
    let root = super::tree::group_tree(db).await.expect("tree").root().expect("root");
    Acme { owner, owner_password: credentials.password, root }
}

/// The principal of a fresh session of this user.
pub async fn principal_of(db: &Db, login: &str, password: &str) -> super::Principal {
    let attempt = super::auth::LoginAttempt { login, password, ip: None, user_agent: None, previous_token: None, device_token: None };
    let token = super::auth::log_in(db, &hasher(), attempt).await.expect("log in").token;
    super::Principal::load(db, &Default::default(), &token, None).await.expect("load").expect("a live session")
}

/// `principal` with the group tree as it stands now: a test's principal outlives the groups the
/// test creates after logging in, where a request's principal is loaded afresh. Leaked, so that
/// the permits it grants may be held to the end of the test.
pub async fn as_of_now(db: &Db, principal: &super::Principal) -> &'static super::Principal {
    let tree = super::tree::group_tree(db).await.expect("tree");
    Box::leak(Box::new(super::Principal { tree: std::sync::Arc::new(tree), ..principal.clone() }))
}

/// A hasher for tests (same parameters as production: tests measure the real thing).
pub fn hasher() -> PasswordHasher {
    PasswordHasher::default()
}

/// Declares each listed `async fn name(db: TestDb)` as two tests, `sqlite::name` and
/// `postgres::name`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::backend::testing::fresh($crate::backend::db::Backend::Sqlite).await).await }
            )*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::backend::testing::fresh($crate::backend::db::Backend::Postgres).await).await }
            )*
        }
    };
}
