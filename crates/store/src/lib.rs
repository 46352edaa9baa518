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
//! Who sees what is decided here, in one place: every read takes a [`Viewer`] and
//! the backend filters restricted documents in its queries (see [`Store`]).
//!
//! ```
//! # tokio_test_block(async {
//! use amend_store::{prepare, Store, SqliteStore, ImportOutcome, SearchQuery, Viewer};
//! let dir = std::env::temp_dir().join(format!("amend-store-doc-{}", std::process::id()));
//! let store = SqliteStore::open_dir(&dir).await.unwrap();
//! let text = "RESOLUTION 7 (Rev. Dubai, 2012)\nOn standards\n(Dubai, 2012)\n\
//!     The World Telecommunication Standardization Assembly (Dubai, 2012),\n\
//!     considering\na) that interoperability matters;\nresolves\n1\tto act.\n";
//! let doc = amend_text::read_plain(text, &Default::default());
//! let new = prepare("res7.txt", "text", text.as_bytes(), text, &doc);
//! assert!(matches!(store.import(new.clone()).await.unwrap(), ImportOutcome::Imported(_)));
//! assert!(matches!(store.import(new).await.unwrap(), ImportOutcome::Duplicate(_)));
//! let hits = store.search(Viewer::Anonymous, &SearchQuery::new("interoperability")).await.unwrap();
//! assert_eq!(hits.len(), 1);
//! # store.close().await;
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # });
//! # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
//! #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
//! # }
//! ```

mod access;
mod extract;
mod postgres;
mod query;
mod sqlite;
mod sqlite_accounts;
mod types;

use std::future::Future;
use std::pin::Pin;

pub use access::*;
pub use extract::{
    InstrumentKey, NewCitation, NewDocument, NewProposal, NewVersion, prepare, sha256_hex,
};
pub use postgres::PostgresStore;
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
    #[error(
        "unsupported database URL `{0}` (this build supports postgres://, sqlite: URLs and folders)"
    )]
    UnsupportedUrl(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    /// The thing does not exist, or the actor may not see it (the two are not told
    /// apart, so a restricted document's existence does not leak).
    #[error("not found")]
    NotFound,
    /// The actor's role or group does not allow this write.
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// The write contradicts what is stored (a taken username, an ineligible member,
    /// a closed consultation).
    #[error("{0}")]
    Conflict(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The library's storage: one interface for the SQLite and PostgreSQL backends.
///
/// Every method is one read or one transaction. Methods return boxed futures so the
/// trait is object safe (`Arc<dyn Store>`).
///
/// **Access.** Every read of the library takes a [`Viewer`] and returns only what it
/// may see: a document restricted to a group (`documents.restricted_to`) exists, for
/// everyone outside that group, nowhere: not in lists, counts, search hits, snippets
/// and facets, versions, proposals, citations, instrument titles and stale-citation
/// years, comments or files. Group membership is the `viewer_groups` view of the
/// migrations (members whose role the group admits, and the secretariat in every
/// group); [`Viewer::key`] is the value bound into it (-1 anonymous, 0 system, else
/// the user id). Backends apply it in their SQL, never after the fact.
///
/// **Writes.** Every write takes an [`Actor`] (directly or in [`NewDocument::actor`]),
/// checks the actor's role with [`Role::may`] against the stored user (the system
/// actor may do anything), and appends one row to the audit log in the same
/// transaction. Times are Unix seconds given by the caller (`Actor::at`, `now`).
pub trait Store: Send + Sync {
    // ---- The library -------------------------------------------------------------

    /// Stores a prepared document in one transaction, or reports the document that
    /// already has the same bytes. `doc.actor` must have [`Permission::Upload`] and,
    /// when `doc.restricted_to` is set, see that group (else `Forbidden`). Audit:
    /// `import`, `document:ID`.
    fn import(&self, doc: NewDocument) -> BoxFuture<'_, Result<ImportOutcome>>;
    /// The document whose file has this SHA-256 (lowercase hex), if the viewer sees it.
    fn find_by_hash<'a>(
        &'a self,
        viewer: Viewer,
        sha256: &'a str,
    ) -> BoxFuture<'a, Result<Option<i64>>>;
    /// Whether the viewer sees this document (false when it does not exist).
    fn visible(&self, viewer: Viewer, document_id: i64) -> BoxFuture<'_, Result<bool>>;
    /// All documents the viewer sees, newest first.
    fn documents(&self, viewer: Viewer) -> BoxFuture<'_, Result<Vec<DocumentSummary>>>;
    /// One document with its text and parsed structure; its versions, proposals and
    /// citations.
    fn document(&self, viewer: Viewer, id: i64) -> BoxFuture<'_, Result<Option<DocumentRecord>>>;
    /// The file as it was imported.
    fn source_file(&self, viewer: Viewer, id: i64) -> BoxFuture<'_, Result<Option<SourceFile>>>;
    /// All instruments with at least one version or proposal the viewer sees, with
    /// counts of what the viewer sees, by body, kind and number.
    fn instruments(&self, viewer: Viewer) -> BoxFuture<'_, Result<Vec<InstrumentSummary>>>;
    /// One instrument: its versions, the proposals on it, and who cites it; `None`
    /// when the viewer sees nothing of it. The title is that of the newest version
    /// the viewer sees.
    fn instrument(
        &self,
        viewer: Viewer,
        id: i64,
    ) -> BoxFuture<'_, Result<Option<InstrumentDetail>>>;
    /// The instrument with this body, kind and number (an empty body matches any),
    /// when the viewer sees something of it.
    fn find_instrument<'a>(
        &'a self,
        viewer: Viewer,
        key: &'a InstrumentKey,
    ) -> BoxFuture<'a, Result<Option<InstrumentSummary>>>;
    /// One version.
    fn version(&self, viewer: Viewer, id: i64) -> BoxFuture<'_, Result<Option<VersionRecord>>>;
    /// One proposal.
    fn proposal(&self, viewer: Viewer, id: i64) -> BoxFuture<'_, Result<Option<ProposalRecord>>>;
    /// Every version the viewer sees (for the citation registry of `amend check`).
    fn versions(&self, viewer: Viewer) -> BoxFuture<'_, Result<Vec<VersionRecord>>>;
    /// Full-text search with highlighted snippets and filters, over what the viewer
    /// sees.
    fn search<'a>(
        &'a self,
        viewer: Viewer,
        query: &'a SearchQuery,
    ) -> BoxFuture<'a, Result<Vec<SearchHit>>>;
    /// The values the search filters offer (from documents the viewer sees).
    fn facets(&self, viewer: Viewer) -> BoxFuture<'_, Result<Facets>>;
    /// Numbers of documents, instruments, versions, proposals and citations the viewer
    /// sees.
    fn stats(&self, viewer: Viewer) -> BoxFuture<'_, Result<Stats>>;
    /// The library's change counter: it goes up with every committed write to
    /// documents, instruments, versions, contributions, proposals, users, groups or
    /// memberships, through this store or any other process on the same database (a
    /// trigger of the migrations, in the write's own transaction). A page made from
    /// reads that followed a reading of the counter stays right, for every viewer, as
    /// long as the counter has not moved.
    ///
    /// SQLite: one indexed one-row read per call. PostgreSQL: answered from memory
    /// while the store listens for the triggers' notifications; a write through this
    /// store is counted before it returns, a write by another process once its
    /// notification arrives (at most a second after it, when a notification is lost);
    /// read from the database while the store does not listen.
    fn change_counter(&self) -> BoxFuture<'_, Result<i64>>;

    // ---- Accounts and groups -----------------------------------------------------

    /// Creates a user. Needs [`Permission::Manage`]; `Conflict` when the username is
    /// taken. Audit: `user.create`, `user:ID`, detail = role.
    fn create_user<'a>(&'a self, actor: &'a Actor, user: NewUser) -> BoxFuture<'a, Result<i64>>;
    /// Replaces a user's password hash and ends their sessions. Needs
    /// [`Permission::Manage`] (or the user themself). Audit: `user.password`, `user:ID`.
    fn set_password<'a>(
        &'a self,
        actor: &'a Actor,
        user_id: i64,
        password_hash: &'a str,
    ) -> BoxFuture<'a, Result<()>>;
    /// A user and their password hash, by username (for signing in).
    fn credentials<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<Option<Credentials>>>;
    /// A user by id.
    fn user(&self, id: i64) -> BoxFuture<'_, Result<Option<User>>>;
    /// All users, by username.
    fn users(&self) -> BoxFuture<'_, Result<Vec<User>>>;
    /// All groups, by name.
    fn groups(&self) -> BoxFuture<'_, Result<Vec<Group>>>;
    /// The groups whose restricted documents the user sees (the `viewer_groups` view).
    fn user_groups(&self, user_id: i64) -> BoxFuture<'_, Result<Vec<Group>>>;
    /// The explicit members of a group.
    fn members(&self, group_id: i64) -> BoxFuture<'_, Result<Vec<User>>>;
    /// Adds a member. Needs [`Permission::Manage`]; `Conflict` when the group's rule
    /// does not admit the user's role. Audit: `group.add`, `group:SLUG`, detail =
    /// username.
    fn add_member<'a>(
        &'a self,
        actor: &'a Actor,
        group_id: i64,
        user_id: i64,
    ) -> BoxFuture<'a, Result<()>>;
    /// Removes a member. Needs [`Permission::Manage`]. Audit: `group.remove`.
    fn remove_member<'a>(
        &'a self,
        actor: &'a Actor,
        group_id: i64,
        user_id: i64,
    ) -> BoxFuture<'a, Result<()>>;

    // ---- Sessions and login throttling -------------------------------------------

    /// Stores a session for `session.user_id` (the actor is that user signing in).
    /// Audit: `login`, `user:ID`.
    fn create_session<'a>(
        &'a self,
        actor: &'a Actor,
        session: NewSession,
    ) -> BoxFuture<'a, Result<()>>;
    /// The session with this token hash, if it has not expired at `now` and its user
    /// is enabled.
    fn session<'a>(
        &'a self,
        token_hash: &'a str,
        now: i64,
    ) -> BoxFuture<'a, Result<Option<Session>>>;
    /// Ends a session (no error when it is gone). Audit: `logout`, `user:ID`.
    fn delete_session<'a>(
        &'a self,
        actor: &'a Actor,
        token_hash: &'a str,
    ) -> BoxFuture<'a, Result<()>>;
    /// Records a failed login for a username from an address at `actor.at`. Audit:
    /// `login.failed`, `username:NAME`.
    fn record_login_failure<'a>(
        &'a self,
        actor: &'a Actor,
        username: &'a str,
    ) -> BoxFuture<'a, Result<()>>;
    /// Failed logins since `since` for this username and from this address.
    fn login_failures<'a>(
        &'a self,
        username: &'a str,
        address: &'a str,
        since: i64,
    ) -> BoxFuture<'a, Result<LoginFailures>>;
    /// Forgets the failed logins of a username (after a successful login). Not
    /// audited on its own: the `login` entry records the success.
    fn clear_login_failures<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<()>>;

    // ---- Comments and consultations ----------------------------------------------

    /// Adds a comment. Needs [`Permission::Comment`] and that the actor sees the
    /// document (else `NotFound`); a parent must be on the same document. Audit:
    /// `comment`, `document:ID`, detail = item.
    fn add_comment<'a>(
        &'a self,
        actor: &'a Actor,
        comment: NewComment,
    ) -> BoxFuture<'a, Result<i64>>;
    /// The comments of a document the viewer sees, oldest first (empty otherwise).
    fn comments(&self, viewer: Viewer, document_id: i64) -> BoxFuture<'_, Result<Vec<Comment>>>;
    /// Opens a consultation. Needs [`Permission::OpenConsultation`]. Audit:
    /// `consultation.open`, `consultation:ID`.
    fn open_consultation<'a>(
        &'a self,
        actor: &'a Actor,
        consultation: NewConsultation,
    ) -> BoxFuture<'a, Result<i64>>;
    /// The consultations the viewer sees (public ones, and those of its groups),
    /// newest deadline first.
    fn consultations(&self, viewer: Viewer) -> BoxFuture<'_, Result<Vec<Consultation>>>;
    /// One consultation the viewer sees.
    fn consultation(&self, viewer: Viewer, id: i64) -> BoxFuture<'_, Result<Option<Consultation>>>;
    /// Answers a consultation. Needs [`Permission::Submit`] (any registered user), that
    /// the actor sees the consultation (else `NotFound`) and `actor.at` before the
    /// deadline (else `Conflict`). Audit: `consultation.submit`, `consultation:ID`.
    fn submit<'a>(
        &'a self,
        actor: &'a Actor,
        consultation_id: i64,
        body: &'a str,
    ) -> BoxFuture<'a, Result<i64>>;
    /// The submissions the viewer may read at `now`: all of them once the deadline
    /// has passed (or for the secretariat and the system); before it, only the
    /// viewer's own. Empty when the viewer does not see the consultation.
    fn submissions(
        &self,
        viewer: Viewer,
        consultation_id: i64,
        now: i64,
    ) -> BoxFuture<'_, Result<Vec<Submission>>>;

    // ---- Audit -------------------------------------------------------------------

    /// The newest `limit` audit entries, newest first. Reading it is the caller's
    /// check ([`Permission::Manage`]).
    fn audit_log(&self, limit: u32) -> BoxFuture<'_, Result<Vec<AuditEntry>>>;

    /// Closes the connections (waits for running statements).
    fn close(&self) -> BoxFuture<'_, ()>;
}

/// Opens the store a URL or folder names: `postgres://...` / `postgresql://...` (the
/// schema is migrated on connection), `sqlite:PATH` / `sqlite://PATH`, or a folder (the
/// database is `library.sqlite3` inside it).
pub async fn open(location: &str) -> Result<Box<dyn Store>> {
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        return Ok(Box::new(PostgresStore::connect(location).await?));
    }
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
