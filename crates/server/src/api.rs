//! The JSON API: everything the pages show, sessions, comments, consultations and
//! imports. The OpenAPI document at `/api/openapi.json` is generated from these
//! handlers and their types (utoipa, registered through utoipa-axum so that a route
//! and its description cannot drift apart).
//!
//! Reads see what the session's user may see (anonymous: public documents only).
//! Writes need a session whose role allows them and the session's CSRF token in the
//! `X-CSRF-Token` header; `POST /api/session` returns that token.

use std::sync::LazyLock;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use amend_store::{
    AuditEntry, Comment, Consultation, DocumentSummary, Group, ImportOutcome, InstrumentDetail,
    InstrumentSummary, NewComment, NewConsultation, Permission, Role, SearchHit, Submission,
    VersionRecord, now,
};

use crate::auth::{self, Auth};
use crate::pages::{RedlineParams, SearchParams, hit_href};
use crate::texts::{CheckView, RedlineView, SynopticView, TextRef};
use crate::{AppError, AppState};

/// Every API route with its methods, as the router serves it; a test checks that the
/// generated OpenAPI document describes exactly these.
pub const ROUTES: &[(&str, &[&str])] = &[
    ("/api/documents", &["get", "post"]),
    ("/api/documents/{id}", &["get"]),
    ("/api/documents/{id}/check", &["get"]),
    ("/api/documents/{id}/comments", &["get", "post"]),
    ("/api/instruments", &["get"]),
    ("/api/instruments/{id}", &["get"]),
    ("/api/instruments/{id}/synoptic", &["get"]),
    ("/api/redline", &["get"]),
    ("/api/search", &["get"]),
    ("/api/session", &["get", "post", "delete"]),
    ("/api/consultations", &["get", "post"]),
    ("/api/consultations/{id}", &["get"]),
    ("/api/consultations/{id}/submissions", &["post"]),
    ("/api/groups", &["get"]),
    ("/api/audit", &["get"]),
    ("/api/openapi.json", &["get"]),
];

#[derive(OpenApi)]
#[openapi(
    info(
        title = "amend platform API",
        description = "The library of resolutions, their versions, contributions and proposals; redlines, synoptic tables, check reports and search; sessions, comments and open consultations. Documents restricted to a group are invisible to everyone outside it. Writes need the session cookie and its CSRF token in X-CSRF-Token."
    ),
    modifiers(&Security),
    components(schemas(ApiErrorBody, Role, VersionRecord))
)]
struct ApiDoc;

/// The session cookie and the CSRF header as security schemes.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                auth::SESSION_COOKIE,
                "The session opened by POST /api/session",
            ))),
        );
        components.add_security_scheme(
            "csrf",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "The session's CSRF token (from POST or GET /api/session); every write sends it",
            ))),
        );
    }
}

/// The API's router and its OpenAPI document, built together.
fn parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(documents, import))
        .routes(routes!(document))
        .routes(routes!(check))
        .routes(routes!(comments, add_comment))
        .routes(routes!(instruments))
        .routes(routes!(instrument))
        .routes(routes!(synoptic))
        .routes(routes!(redline))
        .routes(routes!(search))
        .routes(routes!(session, login, logout))
        .routes(routes!(consultations, open_consultation))
        .routes(routes!(consultation))
        .routes(routes!(submit))
        .routes(routes!(groups))
        .routes(routes!(audit))
        .routes(routes!(openapi))
        .split_for_parts()
}

/// The OpenAPI document, generated once.
static OPENAPI_JSON: LazyLock<String> = LazyLock::new(|| {
    openapi_document()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
});

/// The OpenAPI document of the API.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    parts().1
}

pub(crate) fn router() -> Router<AppState> {
    parts().0
}

/// An error as JSON.
#[derive(Serialize, ToSchema)]
#[schema(as = Error)]
struct ApiErrorBody {
    error: String,
}

/// An error of an API handler, answered as `{"error": "..."}`.
pub struct ApiError(AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.0.status(),
            Json(ApiErrorBody {
                error: self.0.to_string(),
            }),
        )
            .into_response();
        if let Some((name, value)) = self.0.retry_after()
            && let Ok(value) = axum::http::HeaderValue::from_str(&value)
        {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

type ApiResult<T> = Result<Json<T>, ApiError>;

/// A write: the role's permission and the CSRF header.
fn writer(
    auth: &Auth,
    headers: &HeaderMap,
    permission: Permission,
) -> Result<amend_store::Actor, ApiError> {
    let actor = auth.actor(permission)?;
    auth.check_csrf_header(headers)?;
    Ok(actor)
}

#[utoipa::path(get, path = "/api/documents", tag = "library",
    summary = "The documents the caller may see, newest first",
    responses((status = 200, body = Vec<DocumentSummary>)))]
async fn documents(State(state): State<AppState>, auth: Auth) -> ApiResult<Vec<DocumentSummary>> {
    Ok(Json(state.store().documents(auth.viewer()).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportParams {
    /// The file name (its extension chooses the reader).
    name: Option<String>,
    /// Restrict the document to this group (a slug the uploader belongs to).
    group: Option<String>,
}

#[utoipa::path(post, path = "/api/documents", tag = "library",
    summary = "Import a file (plain text, CriticMarkup or .docx) sent as the request body",
    params(ImportParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 201, description = "Imported", body = ImportOutcome),
        (status = 200, description = "The same file was imported before", body = ImportOutcome),
        (status = 400, description = "Unreadable file", body = ApiErrorBody),
        (status = 401, description = "Not signed in", body = ApiErrorBody),
        (status = 403, description = "Role may not import, or no CSRF token", body = ApiErrorBody)))]
async fn import(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Query(params): Query<ImportParams>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let actor = writer(&auth, &headers, Permission::Upload)?;
    let restricted_to = match params.group.as_deref().filter(|g| !g.is_empty()) {
        Some(slug) => {
            let user = auth.user().ok_or(AppError::Unauthorized)?;
            let groups = state.store().user_groups(user.id).await?;
            Some(
                groups
                    .iter()
                    .find(|g| g.slug == slug)
                    .ok_or_else(|| AppError::Forbidden(format!("not a member of `{slug}`")))?
                    .id,
            )
        }
        None => None,
    };
    let name = params.name.unwrap_or_else(|| "upload.txt".into());
    let outcome = state
        .import(actor, restricted_to, name, body.to_vec())
        .await?;
    let status = match outcome {
        ImportOutcome::Imported(_) => StatusCode::CREATED,
        ImportOutcome::Duplicate(_) => StatusCode::OK,
    };
    Ok((status, Json(outcome)).into_response())
}

/// A document with its parsed structure.
#[derive(Serialize, ToSchema)]
struct DocumentResponse {
    #[serde(flatten)]
    summary: DocumentSummary,
    /// The text as written (both sides of every change).
    text: String,
    /// The parsed document (docs/document.schema.json).
    #[schema(value_type = Object)]
    document: Value,
    versions: Vec<VersionRecord>,
    proposals: Vec<amend_store::ProposalRecord>,
    citations: Vec<amend_store::CitationRecord>,
}

#[utoipa::path(get, path = "/api/documents/{id}", tag = "library",
    summary = "A document: metadata, versions, proposals, citations and the parsed structure",
    params(("id" = i64, Path, description = "Document id")),
    responses((status = 200, body = DocumentResponse),
        (status = 404, description = "No such document, or restricted from the caller", body = ApiErrorBody)))]
async fn document(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<DocumentResponse> {
    let d = state
        .store()
        .document(auth.viewer(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let parsed: Value =
        serde_json::from_str(&d.parsed_json).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Json(DocumentResponse {
        summary: d.summary,
        text: d.text,
        document: parsed,
        versions: d.versions,
        proposals: d.proposals,
        citations: d.citations,
    }))
}

#[utoipa::path(get, path = "/api/documents/{id}/check", tag = "library",
    summary = "The check report of a document",
    params(("id" = i64, Path, description = "Document id")),
    responses((status = 200, body = CheckView),
        (status = 404, description = "No such document, or restricted from the caller", body = ApiErrorBody)))]
async fn check(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<CheckView> {
    Ok(Json(state.check(auth.viewer(), id).await?))
}

#[utoipa::path(get, path = "/api/documents/{id}/comments", tag = "comments",
    summary = "The comments on a document, oldest first (threaded by parent_id)",
    params(("id" = i64, Path, description = "Document id")),
    responses((status = 200, body = Vec<Comment>),
        (status = 404, description = "No such document, or restricted from the caller", body = ApiErrorBody)))]
async fn comments(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Vec<Comment>> {
    if !state.store().visible(auth.viewer(), id).await? {
        return Err(AppError::NotFound.into());
    }
    Ok(Json(state.store().comments(auth.viewer(), id).await?))
}

/// A comment to post.
#[derive(Deserialize, ToSchema)]
struct CommentRequest {
    /// The item's eId (`sec_2__item_1`...); empty or absent for the whole document.
    #[serde(default)]
    item: String,
    /// The comment this one answers.
    #[serde(default)]
    parent_id: Option<i64>,
    body: String,
}

/// The id of what was created.
#[derive(Serialize, ToSchema)]
struct Created {
    id: i64,
}

#[utoipa::path(post, path = "/api/documents/{id}/comments", tag = "comments",
    summary = "Comment on an item of a document (delegates and the secretariat)",
    params(("id" = i64, Path, description = "Document id")),
    request_body = CommentRequest,
    security(("session" = [], "csrf" = [])),
    responses((status = 201, body = Created),
        (status = 401, description = "Not signed in", body = ApiErrorBody),
        (status = 403, description = "Role may not comment, or no CSRF token", body = ApiErrorBody),
        (status = 404, description = "No such document, or restricted from the caller", body = ApiErrorBody)))]
async fn add_comment(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Json(request): Json<CommentRequest>,
) -> Result<Response, ApiError> {
    let actor = writer(&auth, &headers, Permission::Comment)?;
    let comment = state
        .store()
        .add_comment(
            &actor,
            NewComment {
                document_id: id,
                item: request.item,
                parent_id: request.parent_id,
                body: request.body,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id: comment })).into_response())
}

#[utoipa::path(get, path = "/api/instruments", tag = "library",
    summary = "The instruments the caller sees something of, by body, kind and number",
    responses((status = 200, body = Vec<InstrumentSummary>)))]
async fn instruments(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<Vec<InstrumentSummary>> {
    Ok(Json(state.store().instruments(auth.viewer()).await?))
}

/// An instrument, with the ids of the stale citations of it.
#[derive(Serialize, ToSchema)]
struct InstrumentResponse {
    #[serde(flatten)]
    detail: InstrumentDetail,
    /// Citations of an older revision than the library's newest.
    stale_citations: Vec<i64>,
}

#[utoipa::path(get, path = "/api/instruments/{id}", tag = "library",
    summary = "An instrument: versions, proposals, citations of it (stale ones listed)",
    params(("id" = i64, Path, description = "Instrument id")),
    responses((status = 200, body = InstrumentResponse),
        (status = 404, description = "No such instrument, or nothing of it visible", body = ApiErrorBody)))]
async fn instrument(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<InstrumentResponse> {
    let detail = state
        .store()
        .instrument(auth.viewer(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let stale_citations = detail
        .cited_by
        .iter()
        .filter(|c| c.stale())
        .map(|c| c.id)
        .collect();
    Ok(Json(InstrumentResponse {
        detail,
        stale_citations,
    }))
}

#[utoipa::path(get, path = "/api/instruments/{id}/synoptic", tag = "library",
    summary = "The synoptic table of all proposals on an instrument the caller sees",
    params(("id" = i64, Path, description = "Instrument id")),
    responses((status = 200, body = SynopticView),
        (status = 404, description = "No such instrument", body = ApiErrorBody)))]
async fn synoptic(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<SynopticView> {
    Ok(Json(state.synoptic(auth.viewer(), id).await?))
}

#[utoipa::path(get, path = "/api/redline", tag = "library",
    summary = "The redline between two texts",
    params(RedlineParams),
    responses((status = 200, body = RedlineView),
        (status = 400, description = "A text reference is malformed", body = ApiErrorBody),
        (status = 404, description = "A text does not exist or is restricted", body = ApiErrorBody)))]
async fn redline(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<RedlineParams>,
) -> ApiResult<RedlineView> {
    let from: TextRef = params.from.parse()?;
    let to: TextRef = params.to.parse()?;
    let view = state.redline(auth.viewer(), from, to).await?;
    Ok(Json(RedlineView::clone(&view)))
}

/// A search hit and the page it leads to.
#[derive(Serialize, ToSchema)]
struct SearchResult {
    #[serde(flatten)]
    hit: SearchHit,
    href: String,
}

/// Search results.
#[derive(Serialize, ToSchema)]
struct SearchResults {
    query: String,
    results: Vec<SearchResult>,
}

#[utoipa::path(get, path = "/api/search", tag = "library",
    summary = "Full-text search with highlighted snippets, over what the caller may see",
    params(SearchParams),
    responses((status = 200, body = SearchResults)))]
async fn search(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<SearchParams>,
) -> ApiResult<SearchResults> {
    let hits = state.store().search(auth.viewer(), &params.query()).await?;
    Ok(Json(SearchResults {
        query: params.q,
        results: hits
            .into_iter()
            .map(|hit| SearchResult {
                href: hit_href(&hit),
                hit,
            })
            .collect(),
    }))
}

/// Credentials.
#[derive(Deserialize, ToSchema)]
struct LoginRequest {
    username: String,
    password: String,
}

/// The signed-in user and the session's CSRF token.
#[derive(Serialize, ToSchema)]
struct SessionInfo {
    username: String,
    display_name: String,
    role: Role,
    /// Send it as `X-CSRF-Token` with every write.
    csrf_token: String,
    /// The groups whose restricted documents this user sees.
    groups: Vec<String>,
}

async fn session_info(
    state: &AppState,
    user: &amend_store::User,
    csrf_token: String,
) -> Result<SessionInfo, AppError> {
    Ok(SessionInfo {
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
        csrf_token,
        groups: state
            .store()
            .user_groups(user.id)
            .await?
            .into_iter()
            .map(|g| g.slug)
            .collect(),
    })
}

#[utoipa::path(get, path = "/api/session", tag = "session",
    summary = "The signed-in user and the session's CSRF token",
    security(("session" = [])),
    responses((status = 200, body = SessionInfo),
        (status = 401, description = "Not signed in", body = ApiErrorBody)))]
async fn session(State(state): State<AppState>, auth: Auth) -> ApiResult<SessionInfo> {
    let user = auth.user().ok_or(AppError::Unauthorized)?;
    Ok(Json(
        session_info(&state, user, auth.csrf_token().to_string()).await?,
    ))
}

#[utoipa::path(post, path = "/api/session", tag = "session",
    summary = "Log in: sets the session cookie and returns the CSRF token",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = SessionInfo),
        (status = 401, description = "Wrong username or password", body = ApiErrorBody),
        (status = 403, description = "Cross-site request", body = ApiErrorBody),
        (status = 429, description = "Too many failed logins for this username or address", body = ApiErrorBody)))]
async fn login(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Json(request): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    auth::check_same_origin(&headers)?;
    let done = auth::login(&state, &auth, &request.username, &request.password).await?;
    let info = session_info(&state, &done.user, done.csrf_token).await?;
    Ok(([(header::SET_COOKIE, done.cookie)], Json(info)).into_response())
}

#[utoipa::path(delete, path = "/api/session", tag = "session",
    summary = "Log out: ends the session and clears the cookie",
    security(("session" = [], "csrf" = [])),
    responses((status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = ApiErrorBody),
        (status = 403, description = "No CSRF token", body = ApiErrorBody)))]
async fn logout(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    auth.check_csrf_header(&headers)?;
    auth::logout(&state, &auth).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, auth.clearing_cookie())],
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/consultations", tag = "consultations",
    summary = "The open consultations the caller may see, newest deadline first",
    responses((status = 200, body = Vec<Consultation>)))]
async fn consultations(State(state): State<AppState>, auth: Auth) -> ApiResult<Vec<Consultation>> {
    Ok(Json(state.store().consultations(auth.viewer()).await?))
}

/// A consultation to open.
#[derive(Deserialize, ToSchema)]
struct ConsultationRequest {
    title: String,
    question: String,
    /// Unix seconds (UTC).
    deadline: i64,
    /// Restrict it to this group (slug); absent: all registered stakeholders.
    #[serde(default)]
    group: Option<String>,
}

#[utoipa::path(post, path = "/api/consultations", tag = "consultations",
    summary = "Open a consultation (secretariat)",
    request_body = ConsultationRequest,
    security(("session" = [], "csrf" = [])),
    responses((status = 201, body = Created),
        (status = 401, description = "Not signed in", body = ApiErrorBody),
        (status = 403, description = "Not the secretariat, or no CSRF token", body = ApiErrorBody)))]
async fn open_consultation(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Json(request): Json<ConsultationRequest>,
) -> Result<Response, ApiError> {
    let actor = writer(&auth, &headers, Permission::OpenConsultation)?;
    let restricted_to = match request.group.as_deref().filter(|g| !g.is_empty()) {
        Some(slug) => Some(
            state
                .store()
                .groups()
                .await?
                .into_iter()
                .find(|g| g.slug == slug)
                .ok_or(AppError::NotFound)?
                .id,
        ),
        None => None,
    };
    let id = state
        .store()
        .open_consultation(
            &actor,
            NewConsultation {
                title: request.title,
                question: request.question,
                deadline: request.deadline,
                restricted_to,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// A consultation with the submissions the caller may read now.
#[derive(Serialize, ToSchema)]
struct ConsultationResponse {
    consultation: Consultation,
    /// Whether submissions are still accepted.
    open: bool,
    /// All submissions once the deadline has passed; before it, the caller's own (all
    /// of them for the secretariat).
    submissions: Vec<Submission>,
}

#[utoipa::path(get, path = "/api/consultations/{id}", tag = "consultations",
    summary = "A consultation and the submissions the caller may read",
    params(("id" = i64, Path, description = "Consultation id")),
    responses((status = 200, body = ConsultationResponse),
        (status = 404, description = "No such consultation, or restricted", body = ApiErrorBody)))]
async fn consultation(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<ConsultationResponse> {
    let at = now();
    let consultation = state
        .store()
        .consultation(auth.viewer(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(ConsultationResponse {
        open: at < consultation.deadline,
        submissions: state.store().submissions(auth.viewer(), id, at).await?,
        consultation,
    }))
}

/// A submission to a consultation.
#[derive(Deserialize, ToSchema)]
struct SubmissionRequest {
    body: String,
}

#[utoipa::path(post, path = "/api/consultations/{id}/submissions", tag = "consultations",
    summary = "Answer a consultation before its deadline (any registered user)",
    params(("id" = i64, Path, description = "Consultation id")),
    request_body = SubmissionRequest,
    security(("session" = [], "csrf" = [])),
    responses((status = 201, body = Created),
        (status = 401, description = "Not signed in", body = ApiErrorBody),
        (status = 403, description = "No CSRF token", body = ApiErrorBody),
        (status = 404, description = "No such consultation, or restricted", body = ApiErrorBody),
        (status = 409, description = "The deadline has passed", body = ApiErrorBody)))]
async fn submit(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Json(request): Json<SubmissionRequest>,
) -> Result<Response, ApiError> {
    let actor = writer(&auth, &headers, Permission::Submit)?;
    let submission = state.store().submit(&actor, id, &request.body).await?;
    Ok((StatusCode::CREATED, Json(Created { id: submission })).into_response())
}

#[utoipa::path(get, path = "/api/groups", tag = "session",
    summary = "The groups and their membership rules",
    responses((status = 200, body = Vec<Group>)))]
async fn groups(State(state): State<AppState>) -> ApiResult<Vec<Group>> {
    Ok(Json(state.store().groups().await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditParams {
    /// At most this many entries (200 by default).
    limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/audit", tag = "session",
    summary = "The audit log, newest first (secretariat)",
    params(AuditParams),
    security(("session" = [])),
    responses((status = 200, body = Vec<AuditEntry>),
        (status = 401, description = "Not signed in", body = ApiErrorBody),
        (status = 403, description = "Not the secretariat", body = ApiErrorBody)))]
async fn audit(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<AuditParams>,
) -> ApiResult<Vec<AuditEntry>> {
    auth.actor(Permission::Manage)?;
    Ok(Json(
        state.store().audit_log(params.limit.unwrap_or(200)).await?,
    ))
}

#[utoipa::path(get, path = "/api/openapi.json", tag = "session",
    summary = "This document",
    responses((status = 200, description = "The OpenAPI document", body = Object)))]
async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        OPENAPI_JSON.as_str(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_documented() {
        let doc = serde_json::to_value(openapi_document()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        for (route, methods) in ROUTES {
            let item = paths
                .get(*route)
                .unwrap_or_else(|| panic!("{route} missing"));
            for m in *methods {
                assert!(item.get(*m).is_some(), "{m} {route} missing");
            }
            let documented = item
                .as_object()
                .unwrap()
                .keys()
                .filter(|k| ["get", "post", "put", "delete", "patch"].contains(&k.as_str()))
                .count();
            assert_eq!(documented, methods.len(), "{route}: {item:#}");
        }
        assert_eq!(paths.len(), ROUTES.len(), "{:?}", paths.keys());
        // Every schema a path refers to is defined.
        let text = doc.to_string();
        for r in text.split("\"#/components/schemas/").skip(1) {
            let name = r.split('"').next().unwrap();
            assert!(
                doc["components"]["schemas"].get(name).is_some(),
                "schema {name} is referred to but not defined"
            );
        }
    }
}
