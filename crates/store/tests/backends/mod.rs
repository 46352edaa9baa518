//! Runs a store test against every backend: SQLite in a fresh temporary folder, and
//! PostgreSQL in a fresh schema of the database whose URL is in `AMEND_TEST_POSTGRES`
//! (skipped with a one-line notice when the variable is unset, a failure under
//! `CI=true`). A store test is written once, against `&dyn Store`, and called through
//! [`each_backend`], so both backends pass the same suite.
//!
//! Each PostgreSQL run gets its own schema (`search_path` = the schema, then `public`,
//! where the `unaccent` extension lives), so tests run in parallel on one database
//! and leave nothing behind.
#![allow(dead_code)] // Each test file uses a part of this module.

use std::future::Future;
use std::ops::Deref;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use amend_store::{PostgresStore, SqliteStore, Store};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

/// The environment variable with the PostgreSQL test database's URL.
pub const POSTGRES_ENV: &str = "AMEND_TEST_POSTGRES";

/// A store under test, with the backend-specific checks the suite uses.
pub enum TestStore {
    /// The store and its data folder.
    Sqlite(SqliteStore, PathBuf),
    /// The store and its connection options (with the test's schema).
    Postgres(PostgresStore, Box<PgConnectOptions>),
}

impl Deref for TestStore {
    type Target = dyn Store;
    fn deref(&self) -> &(dyn Store + 'static) {
        match self {
            TestStore::Sqlite(s, _) => s,
            TestStore::Postgres(s, _) => s,
        }
    }
}

impl TestStore {
    pub fn backend(&self) -> &'static str {
        match self {
            TestStore::Sqlite(..) => "sqlite",
            TestStore::Postgres(..) => "postgres",
        }
    }

    /// Documents missing a part of their transaction (always empty).
    pub async fn incomplete_documents(&self) -> amend_store::Result<Vec<i64>> {
        match self {
            TestStore::Sqlite(s, _) => s.incomplete_documents().await,
            TestStore::Postgres(s, _) => s.incomplete_documents().await,
        }
    }

    /// Waits until this store has seen the change counter reach `at_least`: at once
    /// on SQLite (every call reads the file); on PostgreSQL when the notification of
    /// the write arrives (the store's copy is raised by it, not by a clock), failing
    /// after ten seconds.
    pub async fn sees_counter(&self, at_least: i64) -> bool {
        match self {
            TestStore::Sqlite(s, _) => s.change_counter().await.unwrap() >= at_least,
            TestStore::Postgres(s, _) => {
                s.changes_seen(at_least, std::time::Duration::from_secs(10))
                    .await
            }
        }
    }

    /// A second store on the same database (another process would see the same).
    pub async fn reopen(&self) -> TestStore {
        match self {
            TestStore::Sqlite(_, dir) => {
                TestStore::Sqlite(SqliteStore::open_dir(dir).await.unwrap(), dir.clone())
            }
            TestStore::Postgres(_, options) => TestStore::Postgres(
                PostgresStore::connect_with((**options).clone())
                    .await
                    .unwrap(),
                options.clone(),
            ),
        }
    }
}

/// A folder removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "amend-store-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The PostgreSQL test database's URL; `None` (after a notice) when it is not set,
/// except under `CI=true`, where its absence fails the test.
pub fn postgres_url(test: &str) -> Option<String> {
    match std::env::var(POSTGRES_ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{POSTGRES_ENV} is not set under CI: the PostgreSQL backend must be tested"
            );
            eprintln!("notice: {POSTGRES_ENV} not set; {test}: skipping the PostgreSQL run");
            None
        }
    }
}

/// A schema of its own in the test database, dropped by [`PgSchema::drop`].
pub struct PgSchema {
    admin: PgPool,
    pub name: String,
    url: String,
}

impl PgSchema {
    pub async fn create(url: &str, tag: &str) -> PgSchema {
        static N: AtomicUsize = AtomicUsize::new(0);
        let tag: String = tag
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .take(30)
            .collect();
        let name = format!(
            "amend_test_{tag}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        )
        .to_lowercase();
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(url)
            .await
            .unwrap_or_else(|e| panic!("{POSTGRES_ENV}: cannot connect: {e}"));
        // The extension is database-wide: install it once, in `public`, under a lock so
        // that parallel tests (and test binaries) do not race to create it.
        let mut tx = admin.begin().await.unwrap();
        sqlx::query("SELECT pg_advisory_xact_lock(7165034)")
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS {name} CASCADE"
        )))
        .execute(&admin)
        .await
        .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {name}")))
            .execute(&admin)
            .await
            .unwrap();
        PgSchema {
            admin,
            name,
            url: url.to_string(),
        }
    }

    /// Connection options whose `search_path` is this schema (then `public`).
    pub fn options(&self) -> PgConnectOptions {
        PgConnectOptions::from_str(&self.url)
            .unwrap()
            .options([("search_path", format!("{},public", self.name))])
    }

    /// The test database's URL with this schema as `search_path`, for a server
    /// process (`amend serve --db URL`).
    pub fn url(&self) -> String {
        let separator = if self.url.contains('?') { '&' } else { '?' };
        format!(
            "{}{separator}options=-csearch_path%3D{}%2Cpublic",
            self.url, self.name
        )
    }

    /// A new store on this schema (migrating it on first use).
    pub async fn store(&self) -> PostgresStore {
        PostgresStore::connect_with(self.options()).await.unwrap()
    }

    pub async fn drop(self) {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS {} CASCADE",
            self.name
        )))
        .execute(&self.admin)
        .await
        .unwrap();
        self.admin.close().await;
    }
}

/// Runs `test` on a fresh SQLite store, then on a fresh PostgreSQL store when the test
/// database is configured. Panics of the test are re-raised after cleaning up, with
/// the backend named.
pub fn each_backend<F, Fut>(tag: &str, test: F)
where
    F: Fn(Arc<TestStore>) -> Fut,
    Fut: Future<Output = ()>,
{
    let rt = runtime();
    {
        let dir = TempDir::new(tag);
        let store = Arc::new(TestStore::Sqlite(
            rt.block_on(SqliteStore::open_dir(&dir.0)).unwrap(),
            dir.0.clone(),
        ));
        run(&rt, "sqlite", tag, &test, store.clone());
        rt.block_on(store.close());
    }
    let Some(url) = postgres_url(tag) else {
        return;
    };
    let schema = rt.block_on(PgSchema::create(&url, tag));
    let store = match rt.block_on(PostgresStore::connect_with(schema.options())) {
        Ok(s) => Arc::new(TestStore::Postgres(s, Box::new(schema.options()))),
        Err(e) => {
            rt.block_on(schema.drop());
            panic!("{tag} [postgres]: cannot open the store: {e}");
        }
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(test(store.clone()))
    }));
    rt.block_on(store.close());
    rt.block_on(schema.drop());
    if let Err(panic) = outcome {
        eprintln!("{tag}: failed on the postgres backend");
        std::panic::resume_unwind(panic);
    }
}

fn run<F, Fut>(
    rt: &tokio::runtime::Runtime,
    backend: &str,
    tag: &str,
    test: &F,
    store: Arc<TestStore>,
) where
    F: Fn(Arc<TestStore>) -> Fut,
    Fut: Future<Output = ()>,
{
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| rt.block_on(test(store))));
    if let Err(panic) = outcome {
        eprintln!("{tag}: failed on the {backend} backend");
        std::panic::resume_unwind(panic);
    }
}
