//! The server-rendered pages.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use amend_store::{
    DocumentRecord, DocumentSummary, Facets, Fragment, InstrumentDetail, InstrumentSummary,
    SearchHit, SearchQuery, Stats,
};

use crate::texts::{CheckView, RedlineView, SynopticView, TextRef};
use crate::{AppError, AppState, html};

const CSS: &str = include_str!("../static/app.css");
const JS: &str = include_str!("../static/app.js");

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/instruments/{id}", get(instrument))
        .route("/instruments/{id}/synoptic", get(synoptic))
        .route("/documents/{id}", get(document))
        .route("/documents/{id}/source", get(source))
        .route("/documents/{id}/check", get(check))
        .route("/redline", get(redline))
        .route("/search", get(search))
        .route("/upload", get(upload_form).post(upload))
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(js))
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}

async fn js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        JS,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    message: &'a str,
}

pub(crate) fn error_page(status: StatusCode, message: &str) -> Response {
    let page = ErrorPage {
        status: status.as_u16(),
        message,
    };
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(_) => (status, message.to_string()).into_response(),
    }
}

/// Instruments of one body.
struct BodyGroup {
    body: String,
    instruments: Vec<InstrumentSummary>,
}

#[derive(Template, WebTemplate)]
#[template(path = "index.html")]
struct IndexPage {
    stats: Stats,
    groups: Vec<BodyGroup>,
    documents: Vec<DocumentSummary>,
}

async fn index(State(state): State<AppState>) -> Result<IndexPage, AppError> {
    let instruments = state.store().instruments().await?;
    let mut groups: Vec<BodyGroup> = Vec::new();
    for i in instruments {
        let body = if i.body.is_empty() {
            "Other".to_string()
        } else {
            i.body.clone()
        };
        match groups.iter_mut().find(|g| g.body == body) {
            Some(g) => g.instruments.push(i),
            None => groups.push(BodyGroup {
                body,
                instruments: vec![i],
            }),
        }
    }
    Ok(IndexPage {
        stats: state.store().stats().await?,
        groups,
        documents: state.store().documents().await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "instrument.html")]
struct InstrumentPage {
    i: InstrumentDetail,
    label: String,
    /// The version proposals are compared with (the newest).
    latest: Option<i64>,
}

async fn instrument(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<InstrumentPage, AppError> {
    let i = state
        .store()
        .instrument(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let latest = i
        .versions
        .iter()
        .max_by_key(|v| (v.year.unwrap_or(0), v.id))
        .map(|v| v.id);
    Ok(InstrumentPage {
        label: i.summary.label(),
        latest,
        i,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "document.html")]
struct DocumentPage {
    d: DocumentRecord,
    body: String,
    notice: &'static str,
}

#[derive(Deserialize)]
struct DocumentParams {
    #[serde(default)]
    imported: Option<String>,
}

async fn document(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(params): Query<DocumentParams>,
) -> Result<DocumentPage, AppError> {
    let d = state
        .store()
        .document(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let model = state.model(id).await?.ok_or(AppError::NotFound)?;
    let body = crate::blocking(move || html::document(&model)).await?;
    let notice = match params.imported.as_deref() {
        Some("new") => "Imported.",
        Some("duplicate") => "This file was imported before: this is the stored document.",
        _ => "",
    };
    Ok(DocumentPage { d, body, notice })
}

async fn source(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    let file = state
        .store()
        .source_file(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let content_type = match file.format.as_str() {
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "text/plain; charset=utf-8",
    };
    let name: String = file
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        file.bytes,
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "check.html")]
struct CheckPage {
    c: CheckView,
}

async fn check(State(state): State<AppState>, Path(id): Path<i64>) -> Result<CheckPage, AppError> {
    Ok(CheckPage {
        c: state.check(id).await?,
    })
}

#[derive(Deserialize)]
pub(crate) struct RedlineParams {
    pub from: String,
    pub to: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "redline.html")]
struct RedlinePage {
    r: RedlineView,
}

async fn redline(
    State(state): State<AppState>,
    Query(params): Query<RedlineParams>,
) -> Result<RedlinePage, AppError> {
    let from: TextRef = params.from.parse()?;
    let to: TextRef = params.to.parse()?;
    Ok(RedlinePage {
        r: state.redline(from, to).await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "synoptic.html")]
struct SynopticPage {
    s: SynopticView,
}

async fn synoptic(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<SynopticPage, AppError> {
    Ok(SynopticPage {
        s: state.synoptic(id).await?,
    })
}

#[derive(Deserialize, Default)]
pub(crate) struct SearchParams {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub meeting: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub limit: Option<u32>,
}

impl SearchParams {
    pub(crate) fn query(&self) -> SearchQuery {
        SearchQuery {
            text: self.q.clone(),
            body: self.body.clone().filter(|s| !s.is_empty()),
            meeting: self.meeting.clone().filter(|s| !s.is_empty()),
            source: self.source.clone().filter(|s| !s.is_empty()),
            limit: self.limit.unwrap_or(50).min(500),
        }
    }
}

struct HitView {
    hit: SearchHit,
    href: String,
    snippet: String,
}

fn snippet_html(fragments: &[Fragment]) -> String {
    fragments
        .iter()
        .map(|f| {
            if f.hit {
                format!("<mark>{}</mark>", html::escape(&f.text))
            } else {
                html::escape(&f.text)
            }
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "search.html")]
struct SearchPage {
    q: String,
    body: String,
    meeting: String,
    source: String,
    facets: Facets,
    hits: Vec<HitView>,
    searched: bool,
}

async fn search(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
) -> Result<SearchPage, AppError> {
    let query = params.query();
    let hits = state.store().search(&query).await?;
    let hits = hits
        .into_iter()
        .map(|hit| HitView {
            href: hit_href(&hit),
            snippet: snippet_html(&hit.snippet),
            hit,
        })
        .collect();
    Ok(SearchPage {
        searched: !params.q.trim().is_empty(),
        q: params.q,
        body: params.body.unwrap_or_default(),
        meeting: params.meeting.unwrap_or_default(),
        source: params.source.unwrap_or_default(),
        facets: state.store().facets().await?,
        hits,
    })
}

pub(crate) fn hit_href(hit: &SearchHit) -> String {
    match hit.target {
        amend_store::Target::Proposal => format!("/documents/{}#proposals", hit.document_id),
        _ => format!("/documents/{}", hit.document_id),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "upload.html")]
struct UploadPage {
    message: String,
}

async fn upload_form() -> UploadPage {
    UploadPage {
        message: String::new(),
    }
}

async fn upload(State(state): State<AppState>, mut form: Multipart) -> Response {
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or("upload.txt").to_string();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes.to_vec())),
                    Err(e) => return upload_error(StatusCode::BAD_REQUEST, e.to_string()),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => return upload_error(StatusCode::BAD_REQUEST, e.to_string()),
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return upload_error(StatusCode::BAD_REQUEST, "Choose a file to upload.".into());
    };
    match state.import(name, bytes).await {
        Ok(amend_store::ImportOutcome::Imported(id)) => {
            Redirect::to(&format!("/documents/{id}?imported=new")).into_response()
        }
        Ok(amend_store::ImportOutcome::Duplicate(id)) => {
            Redirect::to(&format!("/documents/{id}?imported=duplicate")).into_response()
        }
        Err(e) => upload_error(e.status(), e.to_string()),
    }
}

fn upload_error(status: StatusCode, message: String) -> Response {
    (status, UploadPage { message }).into_response()
}
