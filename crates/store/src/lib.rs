//! # amend-store
//!
//! The library of amend: instruments (body, kind, number), their versions (revision,
//! text, source file, parsed structure), contributions and their proposals, the
//! citations between them, and full-text search with highlighted snippets.
//!
//! [`Store`] is the one interface the platform uses; it is object safe so the backend
//! is chosen at run time from a URL. This crate ships the embedded SQLite backend
//! ([`SqliteStore`], FTS5 for search); the PostgreSQL backend implements the same
//! trait with its own migrations beside `migrations/sqlite/`.
//!
//! Writes are transactions: one imported document is one `BEGIN IMMEDIATE`
//! transaction, so a killed import leaves every committed document intact and no half
//! document. A file imported twice is recognised by the SHA-256 of its bytes.
//!
//! ```
//! # tokio_test_block(async {
//! use amend_store::{prepare, Store, SqliteStore, ImportOutcome, SearchQuery};
//! let dir = std::env::temp_dir().join(format!("amend-store-doc-{}", std::process::id()));
//! let store = SqliteStore::open_dir(&dir).await.unwrap();
//! let text = "RESOLUTION 7 (Rev. Dubai, 2012)\nOn standards\n(Dubai, 2012)\n\
//!     The World Telecommunication Standardization Assembly (Dubai, 2012),\n\
//!     considering\na) that interoperability matters;\nresolves\n1\tto act.\n";
//! let doc = amend_text::read_plain(text, &Default::default());
//! let new = prepare("res7.txt", "text", text.as_bytes(), text, &doc);
//! assert!(matches!(store.import(new.clone()).await.unwrap(), ImportOutcome::Imported(_)));
//! assert!(matches!(store.import(new).await.unwrap(), ImportOutcome::Duplicate(_)));
//! let hits = store.search(&SearchQuery::new("interoperability")).await.unwrap();
//! assert_eq!(hits.len(), 1);
//! # store.close().await;
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # });
//! # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
//! #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
//! # }
//! ```

mod extract;
mod query;
mod sqlite;
mod types;

use std::future::Future;
use std::pin::Pin;

pub use extract::{
    InstrumentKey, NewCitation, NewDocument, NewProposal, NewVersion, prepare, sha256_hex,
};
pub use query::{QueryTerm, parse_query};
pub use sqlite::SqliteStore;
pub use types::*;

/// A boxed future, so that [`Store`] can be used as `dyn Store`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("unsupported database URL `{0}` (this build supports sqlite: URLs and folders)")]
    UnsupportedUrl(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The library's storage: one interface for the SQLite and PostgreSQL backends.
///
/// Every method is one read or one transaction. Methods return boxed futures so the
/// trait is object safe (`Arc<dyn Store>`).
pub trait Store: Send + Sync {
    /// Stores a prepared document in one transaction, or reports the document that
    /// already has the same bytes.
    fn import(&self, doc: NewDocument) -> BoxFuture<'_, Result<ImportOutcome>>;
    /// The document whose file has this SHA-256 (lowercase hex).
    fn find_by_hash<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, Result<Option<i64>>>;
    /// All documents, newest first.
    fn documents(&self) -> BoxFuture<'_, Result<Vec<DocumentSummary>>>;
    /// One document with its text and parsed structure.
    fn document(&self, id: i64) -> BoxFuture<'_, Result<Option<DocumentRecord>>>;
    /// The file as it was imported.
    fn source_file(&self, id: i64) -> BoxFuture<'_, Result<Option<SourceFile>>>;
    /// All instruments with their counts, by body, kind and number.
    fn instruments(&self) -> BoxFuture<'_, Result<Vec<InstrumentSummary>>>;
    /// One instrument: its versions, the proposals on it, and who cites it.
    fn instrument(&self, id: i64) -> BoxFuture<'_, Result<Option<InstrumentDetail>>>;
    /// The instrument with this body, kind and number (an empty body matches any).
    fn find_instrument<'a>(
        &'a self,
        key: &'a InstrumentKey,
    ) -> BoxFuture<'a, Result<Option<InstrumentSummary>>>;
    /// One version.
    fn version(&self, id: i64) -> BoxFuture<'_, Result<Option<VersionRecord>>>;
    /// One proposal.
    fn proposal(&self, id: i64) -> BoxFuture<'_, Result<Option<ProposalRecord>>>;
    /// Every known version (for the citation registry of `amend check`).
    fn versions(&self) -> BoxFuture<'_, Result<Vec<VersionRecord>>>;
    /// Full-text search with highlighted snippets and filters.
    fn search<'a>(&'a self, query: &'a SearchQuery) -> BoxFuture<'a, Result<Vec<SearchHit>>>;
    /// The values the search filters offer.
    fn facets(&self) -> BoxFuture<'_, Result<Facets>>;
    /// Numbers of documents, instruments, versions, proposals and citations.
    fn stats(&self) -> BoxFuture<'_, Result<Stats>>;
    /// Closes the connections (waits for running statements).
    fn close(&self) -> BoxFuture<'_, ()>;
}

/// Opens the store a URL or folder names: `sqlite:PATH` / `sqlite://PATH`, or a folder
/// (the database is `library.sqlite3` inside it).
pub async fn open(location: &str) -> Result<Box<dyn Store>> {
    if let Some(path) = location
        .strip_prefix("sqlite://")
        .or_else(|| location.strip_prefix("sqlite:"))
    {
        return Ok(Box::new(SqliteStore::open_file(path.as_ref()).await?));
    }
    if location.contains("://") {
        return Err(StoreError::UnsupportedUrl(location.to_string()));
    }
    Ok(Box::new(SqliteStore::open_dir(location.as_ref()).await?))
}
