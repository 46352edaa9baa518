//! # amend-server
//!
//! The platform in the browser: server-rendered pages (askama) over the library of
//! [`amend_store`], readable without JavaScript, and a JSON API described by an
//! OpenAPI document at `/api/openapi.json`.
//!
//! Pages: the library (`/`), an instrument (`/instruments/{id}`: versions, proposals,
//! who cites it and which citations are stale), a document (`/documents/{id}`: the
//! structured text with its changes as `<ins>`/`<del>`), the redline between any two
//! texts (`/redline?from=version:1&to=proposal:2`), the synoptic table of all proposals
//! on an instrument, the check report of a document, search (`/search?q=`) and upload;
//! signing in (`/login`), comments on any item of a document, open consultations
//! (`/consultations`) and the secretariat's administration (`/admin`).
//!
//! Who sees what is not decided here: every read goes through the store with the
//! request's [`amend_store::Viewer`], and the store leaves out what that viewer may not
//! see (see `ARCHITECTURE.md`). Writes need a signed-in user whose role allows them and
//! a CSRF-safe request ([`auth`]).
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let store = amend_store::open("./amend-data").await.map_err(std::io::Error::other)?;
//! let state = amend_server::AppState::new(store.into());
//! amend_server::demo::load_if_empty(&state).await.map_err(std::io::Error::other)?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! amend_server::serve(listener, state, std::future::pending()).await
//! # }
//! ```

pub mod api;
pub mod auth;
pub mod demo;
pub mod html;
pub mod ingest;
mod pages;
mod redline_cache;
mod texts;
mod timefmt;

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use amend_model::Document;
use amend_store::{Actor, Store, StoreError, Viewer};
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub use texts::TextRef;

/// How many parsed documents the server keeps in memory.
const CACHE_SIZE: usize = 256;

/// What every handler shares: the store and a cache of parsed documents.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Store>,
    /// Parsed documents: a cache of what the store holds, never consulted without
    /// asking the store whether the viewer sees the document.
    models: Mutex<HashMap<i64, Arc<Document>>>,
    /// Computed redlines per pair of texts (see `redline_cache`).
    redlines: redline_cache::RedlineCache,
    /// Cookies are `Secure` (the server is behind HTTPS).
    secure_cookies: bool,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                models: Mutex::new(HashMap::new()),
                redlines: Default::default(),
                secure_cookies: false,
            }),
        }
    }

    /// Marks the session cookie `Secure` on every response (set when the server is
    /// reached over HTTPS through a proxy); it is also set for requests that say
    /// `X-Forwarded-Proto: https`.
    pub fn with_secure_cookies(self, secure: bool) -> Self {
        let inner = Inner {
            store: self.inner.store.clone(),
            models: Mutex::new(HashMap::new()),
            redlines: Default::default(),
            secure_cookies: secure,
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.inner.secure_cookies
    }

    pub(crate) fn redlines(&self) -> &redline_cache::RedlineCache {
        &self.inner.redlines
    }

    pub fn store(&self) -> &dyn Store {
        self.inner.store.as_ref()
    }

    /// The parsed model of a stored document the viewer sees, read again from its
    /// file (the readers are deterministic) and cached.
    pub async fn model(&self, viewer: Viewer, id: i64) -> Result<Option<Arc<Document>>, AppError> {
        if let Some(doc) = self.cached(id) {
            // The cache knows nothing of access: the store decides.
            if !self.store().visible(viewer, id).await? {
                return Ok(None);
            }
            return Ok(Some(doc));
        }
        let Some(file) = self.store().source_file(viewer, id).await? else {
            return Ok(None);
        };
        let doc = blocking(move || {
            ingest::read(&file.file_name, &file.bytes).map(|r| Arc::new(r.document))
        })
        .await?
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let mut models = self.inner.models.lock().unwrap_or_else(|e| e.into_inner());
        if models.len() >= CACHE_SIZE {
            models.clear();
        }
        models.insert(id, doc.clone());
        Ok(Some(doc))
    }

    fn cached(&self, id: i64) -> Option<Arc<Document>> {
        let models = self.inner.models.lock().unwrap_or_else(|e| e.into_inner());
        models.get(&id).cloned()
    }

    /// Reads and stores an uploaded file (parsing off the async threads) as `actor`,
    /// restricted to a group or public. A file stored before under a restriction the
    /// actor is outside of is reported as a conflict, not by its id.
    pub async fn import(
        &self,
        actor: Actor,
        restricted_to: Option<i64>,
        name: String,
        bytes: Vec<u8>,
    ) -> Result<amend_store::ImportOutcome, AppError> {
        let sha = amend_store::sha256_hex(&bytes);
        if let Some(id) = self.store().find_by_hash(actor.viewer(), &sha).await? {
            return Ok(amend_store::ImportOutcome::Duplicate(id));
        }
        let mut prepared = blocking(move || ingest::prepare(&name, &bytes))
            .await?
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        prepared.restricted_to = restricted_to;
        prepared.actor = actor.clone();
        match self.store().import(prepared).await? {
            amend_store::ImportOutcome::Duplicate(id)
                if !self.store().visible(actor.viewer(), id).await? =>
            {
                Err(AppError::Conflict(
                    "this file is already in the library, restricted to a group".into(),
                ))
            }
            outcome => Ok(outcome),
        }
    }
}

/// Runs CPU work (parsing, diff, check) on tokio's blocking threads, never on the
/// async workers.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// An error of a handler, shown as a page or JSON by the caller's route.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Absent, or restricted from the viewer (the two look the same).
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    /// Nobody is signed in, or the username or password is wrong.
    #[error("sign in first (or the username or password is wrong)")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    /// Too many failed logins; retry after this many seconds.
    #[error("too many failed logins: try again in {} minutes", .0.div_ceil(60))]
    TooManyRequests(u64),
    #[error("internal error: {0}")]
    Internal(String),
    #[error("store: {0}")]
    Store(amend_store::StoreError),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Forbidden(m) => AppError::Forbidden(m),
            StoreError::Conflict(m) => AppError::Conflict(m),
            other => AppError::Store(other),
        }
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) | AppError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A `Retry-After` header for throttled logins.
    pub(crate) fn retry_after(&self) -> Option<(axum::http::HeaderName, String)> {
        match self {
            AppError::TooManyRequests(s) => Some((axum::http::header::RETRY_AFTER, s.to_string())),
            _ => None,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut response = pages::error_page(self.status(), &self.to_string());
        if let Some((name, value)) = self.retry_after()
            && let Ok(value) = axum::http::HeaderValue::from_str(&value)
        {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

/// All routes: pages and the JSON API.
pub fn router(state: AppState) -> Router {
    pages::routes()
        .merge(api::router())
        .layer(axum::extract::DefaultBodyLimit::max(ingest::MAX_FILE))
        .with_state(state)
}

/// Serves `router(state)` on `listener` until `shutdown` completes. Each request
/// knows its peer address (login throttling and the audit log use it).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
