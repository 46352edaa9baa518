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
//! on an instrument, the check report of a document, search (`/search?q=`) and upload.
//! Documents are public in this part; users and roles come later as a layer in front
//! of the same handlers.
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
pub mod demo;
pub mod html;
pub mod ingest;
mod pages;
mod texts;

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use amend_model::Document;
use amend_store::Store;
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
    models: Mutex<HashMap<i64, Arc<Document>>>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                models: Mutex::new(HashMap::new()),
            }),
        }
    }

    pub fn store(&self) -> &dyn Store {
        self.inner.store.as_ref()
    }

    /// The parsed model of a stored document, read again from its file (the readers
    /// are deterministic) and cached.
    pub async fn model(&self, id: i64) -> Result<Option<Arc<Document>>, AppError> {
        if let Some(doc) = self.cached(id) {
            return Ok(Some(doc));
        }
        let Some(file) = self.store().source_file(id).await? else {
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

    /// Reads and stores an uploaded file (parsing off the async threads).
    pub async fn import(
        &self,
        name: String,
        bytes: Vec<u8>,
    ) -> Result<amend_store::ImportOutcome, AppError> {
        let sha = amend_store::sha256_hex(&bytes);
        if let Some(id) = self.store().find_by_hash(&sha).await? {
            return Ok(amend_store::ImportOutcome::Duplicate(id));
        }
        let prepared = blocking(move || ingest::prepare(&name, &bytes))
            .await?
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        Ok(self.store().import(prepared).await?)
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
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("internal error: {0}")]
    Internal(String),
    #[error("store: {0}")]
    Store(#[from] amend_store::StoreError),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Internal(_) | AppError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        pages::error_page(self.status(), &self.to_string())
    }
}

/// All routes: pages and the JSON API.
pub fn router(state: AppState) -> Router {
    pages::routes()
        .merge(api::routes())
        .layer(axum::extract::DefaultBodyLimit::max(ingest::MAX_FILE))
        .with_state(state)
}

/// Serves `router(state)` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
