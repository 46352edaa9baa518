//! The store a test server runs on: SQLite in a fresh data folder, or, when
//! `AMEND_TEST_SERVER_POSTGRES` holds a database URL, PostgreSQL in a fresh schema of
//! that database. `.ci/run` runs the platform's HTTP suites both ways, so every page and
//! API route is proven on both backends.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use amend_store::{PostgresStore, SqliteStore, Store};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// The environment variable that switches the HTTP suites to PostgreSQL.
pub const SERVER_POSTGRES_ENV: &str = "AMEND_TEST_SERVER_POSTGRES";

/// Opens the test's store: PostgreSQL when [`SERVER_POSTGRES_ENV`] is set, else SQLite
/// in `data`.
pub async fn open_store(data: &Path, tag: &str) -> Arc<dyn Store> {
    match std::env::var(SERVER_POSTGRES_ENV) {
        Ok(url) if !url.is_empty() => Arc::new(postgres_store(&url, tag).await),
        _ => Arc::new(SqliteStore::open_dir(data).await.unwrap()),
    }
}

/// A store in a schema of its own (tests run in parallel on one database).
async fn postgres_store(url: &str, tag: &str) -> PostgresStore {
    static N: AtomicUsize = AtomicUsize::new(0);
    let tag: String = tag
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(30)
        .collect();
    let schema = format!(
        "amend_http_{tag}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
    .to_lowercase();
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .unwrap_or_else(|e| panic!("{SERVER_POSTGRES_ENV}: cannot connect: {e}"));
    // The extension is database-wide: created once, under a lock, in `public`.
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
    for statement in [
        format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
        format!("CREATE SCHEMA {schema}"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(&admin)
            .await
            .unwrap();
    }
    admin.close().await;
    let options = PgConnectOptions::from_str(url)
        .unwrap()
        .options([("search_path", format!("{schema},public"))]);
    PostgresStore::connect_with(options).await.unwrap()
}
