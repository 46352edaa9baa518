//! The server-rendered pages. Every read goes through the store with the request's
//! viewer ([`Auth::viewer`]); every write checks the role ([`Auth::actor`]) and the
//! form's CSRF token before the store (which checks the role again and audits).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use amend_store::{
    AuditEntry, Comment, Consultation, DocumentRecord, DocumentSummary, Facets, Fragment, Group,
    InstrumentDetail, InstrumentSummary, NewComment, NewConsultation, NewUser, Permission, Role,
    SearchHit, SearchQuery, Stats, Submission, User, now,
};

use crate::auth::{self, Auth};
use crate::redline_cache::RenderedPage;
use crate::texts::{CheckView, RedlineView, SynopticView, TextRef};
use crate::{AppError, AppState, html, timefmt};

const CSS: &str = include_str!("../static/app.css");
const JS: &str = include_str!("../static/app.js");

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/instruments/{id}", get(instrument))
        .route("/instruments/{id}/synoptic", get(synoptic))
        .route("/documents/{id}", get(document))
        .route("/documents/{id}/comments", post(add_comment))
        .route("/documents/{id}/source", get(source))
        .route("/documents/{id}/check", get(check))
        .route("/redline", get(redline))
        .route("/search", get(search))
        .route("/upload", get(upload_form).post(upload))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/consultations", get(consultations).post(open_consultation))
        .route("/consultations/{id}", get(consultation))
        .route("/consultations/{id}/submissions", post(submit))
        .route("/admin", get(admin))
        .route("/admin/users", post(create_user))
        .route("/admin/members", post(add_member))
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

/// Who is looking, for the page header: name, role, the CSRF token of forms.
pub(crate) struct Me {
    pub name: String,
    pub role: &'static str,
    pub csrf: String,
    pub manage: bool,
}

impl Me {
    fn of(auth: &Auth) -> Me {
        match auth.user() {
            Some(u) => Me {
                name: u.username.clone(),
                role: u.role.label(),
                csrf: auth.csrf_token().to_string(),
                manage: u.role.may(Permission::Manage),
            },
            None => Me::anonymous(),
        }
    }

    fn anonymous() -> Me {
        Me {
            name: String::new(),
            role: Role::Observer.label(),
            csrf: String::new(),
            manage: false,
        }
    }

    pub fn signed_in(&self) -> bool {
        !self.name.is_empty()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    me: Me,
    status: u16,
    message: &'a str,
}

pub(crate) fn error_page(status: StatusCode, message: &str) -> Response {
    let page = ErrorPage {
        me: Me::anonymous(),
        status: status.as_u16(),
        message,
    };
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(_) => (status, message.to_string()).into_response(),
    }
}

/// A form write: the CSRF token must match the session's.
fn check_form(auth: &Auth, csrf_token: &str) -> Result<(), AppError> {
    auth.check_csrf(Some(csrf_token))
}

/// Instruments of one body.
struct BodyGroup {
    body: String,
    instruments: Vec<InstrumentSummary>,
}

/// Group names by id, for "restricted to" notes.
async fn group_names(state: &AppState) -> Result<HashMap<i64, String>, AppError> {
    Ok(state
        .store()
        .groups()
        .await?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect())
}

#[derive(Template, WebTemplate)]
#[template(path = "index.html")]
struct IndexPage {
    me: Me,
    stats: Stats,
    groups: Vec<BodyGroup>,
    documents: Vec<(DocumentSummary, String)>,
}

async fn index(State(state): State<AppState>, auth: Auth) -> Result<IndexPage, AppError> {
    let viewer = auth.viewer();
    let instruments = state.store().instruments(viewer).await?;
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
    let names = group_names(&state).await?;
    let documents = state
        .store()
        .documents(viewer)
        .await?
        .into_iter()
        .map(|d| {
            let restriction = d
                .restricted_to
                .and_then(|g| names.get(&g).cloned())
                .unwrap_or_default();
            (d, restriction)
        })
        .collect();
    Ok(IndexPage {
        me: Me::of(&auth),
        stats: state.store().stats(viewer).await?,
        groups,
        documents,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "instrument.html")]
struct InstrumentPage {
    me: Me,
    i: InstrumentDetail,
    label: String,
    /// The version proposals are compared with (the newest).
    latest: Option<i64>,
}

async fn instrument(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<InstrumentPage, AppError> {
    let i = state
        .store()
        .instrument(auth.viewer(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let latest = i
        .versions
        .iter()
        .max_by_key(|v| (v.year.unwrap_or(0), v.id))
        .map(|v| v.id);
    Ok(InstrumentPage {
        me: Me::of(&auth),
        label: i.summary.label(),
        latest,
        i,
    })
}

/// A comment with its depth in the thread.
struct CommentView {
    c: Comment,
    depth: usize,
    when: String,
    /// The item's label for people.
    item: String,
}

/// Comments in thread order: each followed by its answers.
fn threaded(comments: Vec<Comment>, items: &[(String, String)]) -> Vec<CommentView> {
    let mut children: HashMap<Option<i64>, Vec<Comment>> = HashMap::new();
    for c in comments {
        children.entry(c.parent_id).or_default().push(c);
    }
    let mut out = Vec::new();
    fn walk(
        out: &mut Vec<CommentView>,
        children: &mut HashMap<Option<i64>, Vec<Comment>>,
        parent: Option<i64>,
        depth: usize,
        items: &[(String, String)],
    ) {
        for c in children.remove(&parent).unwrap_or_default() {
            let id = c.id;
            let item = if c.item.is_empty() {
                "the document".to_string()
            } else {
                items
                    .iter()
                    .find(|(eid, _)| *eid == c.item)
                    .map(|(_, label)| label.clone())
                    .unwrap_or_else(|| c.item.clone())
            };
            out.push(CommentView {
                when: timefmt::format(c.created_at),
                item,
                c,
                depth: depth.min(6),
            });
            walk(out, children, Some(id), depth + 1, items);
        }
    }
    walk(&mut out, &mut children, None, 0, items);
    out
}

/// The items of a document a comment can be on: (eId, label and opening words).
fn commentable_items(doc: &amend_model::Document) -> Vec<(String, String)> {
    fn walk(out: &mut Vec<(String, String)>, item: &amend_model::Item) {
        let text = item.content.accepted();
        let mut opening: String = text.chars().take(60).collect();
        if text.chars().count() > 60 {
            opening.push('…');
        }
        let label = item
            .label
            .as_ref()
            .map(|l| format!("{} ", l.written.accepted()))
            .unwrap_or_default();
        out.push((item.eid.clone(), format!("{label}{opening}")));
        for c in &item.children {
            walk(out, c);
        }
    }
    let mut out = Vec::new();
    for r in doc.resolutions() {
        for s in &r.sections {
            for i in &s.items {
                walk(&mut out, i);
            }
        }
    }
    out
}

#[derive(Template, WebTemplate)]
#[template(path = "document.html")]
struct DocumentPage {
    me: Me,
    d: DocumentRecord,
    restriction: String,
    body: String,
    notice: &'static str,
    comments: Vec<CommentView>,
    items: Vec<(String, String)>,
    may_comment: bool,
}

#[derive(Deserialize)]
struct DocumentParams {
    #[serde(default)]
    imported: Option<String>,
}

async fn document(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(params): Query<DocumentParams>,
) -> Result<DocumentPage, AppError> {
    let viewer = auth.viewer();
    let d = state
        .store()
        .document(viewer, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let model = state.model(viewer, id).await?.ok_or(AppError::NotFound)?;
    let items = commentable_items(&model);
    let body = crate::blocking(move || html::document(&model)).await?;
    let notice = match params.imported.as_deref() {
        Some("new") => "Imported.",
        Some("duplicate") => "This file was imported before: this is the stored document.",
        _ => "",
    };
    let restriction = match d.summary.restricted_to {
        Some(g) => group_names(&state)
            .await?
            .remove(&g)
            .unwrap_or_else(|| "a group".into()),
        None => String::new(),
    };
    let comments = threaded(state.store().comments(viewer, id).await?, &items);
    Ok(DocumentPage {
        may_comment: auth.user().is_some_and(|u| u.role.may(Permission::Comment)),
        me: Me::of(&auth),
        d,
        restriction,
        body,
        notice,
        comments,
        items,
    })
}

#[derive(Deserialize)]
struct CommentForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    parent_id: Option<String>,
    #[serde(default)]
    body: String,
}

async fn add_comment(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(form): Form<CommentForm>,
) -> Result<Response, AppError> {
    let actor = auth.actor(Permission::Comment)?;
    check_form(&auth, &form.csrf_token)?;
    let parent_id = match form.parent_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => Some(
            p.parse()
                .map_err(|_| AppError::BadRequest(format!("`{p}` is not a comment number")))?,
        ),
    };
    let comment = state
        .store()
        .add_comment(
            &actor,
            NewComment {
                document_id: id,
                item: form.item.trim().to_string(),
                parent_id,
                body: form.body,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/documents/{id}#comment-{comment}")).into_response())
}

async fn source(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let file = state
        .store()
        .source_file(auth.viewer(), id)
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
    me: Me,
    c: CheckView,
}

async fn check(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<CheckPage, AppError> {
    Ok(CheckPage {
        c: state.check(auth.viewer(), id).await?,
        me: Me::of(&auth),
    })
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct RedlineParams {
    /// The old text: `version:ID`, `proposal:ID` or `document:ID`.
    pub from: String,
    /// The new text: `version:ID`, `proposal:ID` or `document:ID`.
    pub to: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "redline.html")]
struct RedlinePage {
    me: Me,
    r: std::sync::Arc<RedlineView>,
}

async fn redline(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<RedlineParams>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let from: TextRef = params.from.parse()?;
    let to: TextRef = params.to.parse()?;
    if auth.session.is_none() {
        return public_redline(&state, from, to, &headers).await;
    }
    // A signed-in page carries its user's name and CSRF token: made per request.
    let grant = state.redline_grant(auth.viewer(), from, to).await?;
    Ok(RedlinePage {
        r: grant.view.clone(),
        me: Me::of(&auth),
    }
    .into_response())
}

/// The redline page for a request not signed in: the same bytes for every such
/// request while the store's grant stands, made on the first.
async fn public_redline(
    state: &AppState,
    from: TextRef,
    to: TextRef,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    let grant = state
        .redline_grant(amend_store::Viewer::Anonymous, from, to)
        .await?;
    let page = match grant.page.get() {
        Some(page) => page,
        None => {
            let body = render_public_redline(grant.view.clone())?;
            grant.page.get_or_init(|| RenderedPage::new(body))
        }
    };
    Ok(public_page(page, headers))
}

/// The redline page as anyone not signed in sees it.
pub(crate) fn render_public_redline(r: std::sync::Arc<RedlineView>) -> Result<String, AppError> {
    RedlinePage {
        me: Me::anonymous(),
        r,
    }
    .render()
    .map_err(|e| AppError::Internal(e.to_string()))
}

/// Sends a page that is the same for every request not signed in: its kept bytes, or
/// 304 when the browser already holds them. `Vary: Cookie`, because the same address
/// gives a signed-in user another page; `no-cache`, because a browser must ask again
/// (a write may change the page) and the tag makes that cheap.
fn public_page(page: &RenderedPage, headers: &HeaderMap) -> Response {
    let cached_headers = [
        (header::ETAG, page.etag.clone()),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (header::VARY, HeaderValue::from_static("cookie")),
    ];
    if if_none_match(headers, &page.etag) {
        return (StatusCode::NOT_MODIFIED, cached_headers).into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        cached_headers,
        page.body.clone(),
    )
        .into_response()
}

/// Whether `If-None-Match` names this entity tag (weak comparison, as RFC 9110 asks
/// for this header) or is `*`.
fn if_none_match(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let ours = etag.as_bytes();
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .flat_map(|v| v.as_bytes().split(|b| *b == b','))
        .map(|tag| tag.trim_ascii())
        .any(|tag| tag == b"*" || tag.strip_prefix(b"W/").unwrap_or(tag) == ours)
}

#[derive(Template, WebTemplate)]
#[template(path = "synoptic.html")]
struct SynopticPage {
    me: Me,
    s: SynopticView,
}

async fn synoptic(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<SynopticPage, AppError> {
    Ok(SynopticPage {
        s: state.synoptic(auth.viewer(), id).await?,
        me: Me::of(&auth),
    })
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchParams {
    /// Words and `"quoted phrases"`; `-word` excludes.
    #[serde(default)]
    pub q: String,
    /// Only this body (WTSA, PP, Council...).
    #[serde(default)]
    pub body: Option<String>,
    /// Only this meeting (`Hammamet, 2016`).
    #[serde(default)]
    pub meeting: Option<String>,
    /// Only this source (CITEL, CEPT...).
    #[serde(default)]
    pub source: Option<String>,
    /// At most this many results (50 by default, 500 at most).
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
    me: Me,
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
    auth: Auth,
    Query(params): Query<SearchParams>,
) -> Result<SearchPage, AppError> {
    let viewer = auth.viewer();
    let query = params.query();
    let hits = state.store().search(viewer, &query).await?;
    let hits = hits
        .into_iter()
        .map(|hit| HitView {
            href: hit_href(&hit),
            snippet: snippet_html(&hit.snippet),
            hit,
        })
        .collect();
    Ok(SearchPage {
        me: Me::of(&auth),
        searched: !params.q.trim().is_empty(),
        q: params.q,
        body: params.body.unwrap_or_default(),
        meeting: params.meeting.unwrap_or_default(),
        source: params.source.unwrap_or_default(),
        facets: state.store().facets(viewer).await?,
        hits,
    })
}

pub(crate) fn hit_href(hit: &SearchHit) -> String {
    match hit.target {
        amend_store::Target::Proposal => format!("/documents/{}#proposals", hit.document_id),
        _ => format!("/documents/{}", hit.document_id),
    }
}

/// The groups a user may restrict a document or consultation to.
async fn own_groups(state: &AppState, auth: &Auth) -> Result<Vec<Group>, AppError> {
    match auth.user() {
        Some(u) => Ok(state.store().user_groups(u.id).await?),
        None => Ok(Vec::new()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "upload.html")]
struct UploadPage {
    me: Me,
    message: String,
    groups: Vec<Group>,
    allowed: bool,
}

async fn upload_form(State(state): State<AppState>, auth: Auth) -> Result<UploadPage, AppError> {
    Ok(UploadPage {
        allowed: auth.user().is_some_and(|u| u.role.may(Permission::Upload)),
        groups: own_groups(&state, &auth).await?,
        me: Me::of(&auth),
        message: String::new(),
    })
}

/// The group a form names by slug, among the groups the user may use.
fn chosen_group(groups: &[Group], slug: &str) -> Result<Option<i64>, AppError> {
    let slug = slug.trim();
    if slug.is_empty() || slug == "public" {
        return Ok(None);
    }
    groups
        .iter()
        .find(|g| g.slug == slug)
        .map(|g| Some(g.id))
        .ok_or_else(|| AppError::Forbidden(format!("you are not a member of `{slug}`")))
}

async fn upload(State(state): State<AppState>, auth: Auth, mut form: Multipart) -> Response {
    match upload_inner(&state, &auth, &mut form).await {
        Ok(r) => r,
        Err(e) => {
            let status = e.status();
            let page = UploadPage {
                allowed: auth.user().is_some_and(|u| u.role.may(Permission::Upload)),
                groups: own_groups(&state, &auth).await.unwrap_or_default(),
                me: Me::of(&auth),
                message: e.to_string(),
            };
            (status, page).into_response()
        }
    }
}

async fn upload_inner(
    state: &AppState,
    auth: &Auth,
    form: &mut Multipart,
) -> Result<Response, AppError> {
    let actor = auth.actor(Permission::Upload)?;
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut csrf = String::new();
    let mut group = String::new();
    loop {
        let field = form
            .next_field()
            .await
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        let Some(field) = field else { break };
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("upload.txt").to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| AppError::BadRequest(e.to_string()))?;
                file = Some((name, bytes.to_vec()));
            }
            Some("csrf_token") => {
                csrf = field
                    .text()
                    .await
                    .map_err(|e| AppError::BadRequest(e.to_string()))?;
            }
            Some("group") => {
                group = field
                    .text()
                    .await
                    .map_err(|e| AppError::BadRequest(e.to_string()))?;
            }
            _ => {}
        }
    }
    check_form(auth, &csrf)?;
    let restricted_to = chosen_group(&own_groups(state, auth).await?, &group)?;
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(AppError::BadRequest("Choose a file to upload.".into()));
    };
    Ok(
        match state.import(actor, restricted_to, name, bytes).await? {
            amend_store::ImportOutcome::Imported(id) => {
                Redirect::to(&format!("/documents/{id}?imported=new")).into_response()
            }
            amend_store::ImportOutcome::Duplicate(id) => {
                Redirect::to(&format!("/documents/{id}?imported=duplicate")).into_response()
            }
        },
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    me: Me,
    message: String,
    next: String,
    username: String,
}

#[derive(Deserialize)]
struct NextParam {
    #[serde(default)]
    next: String,
}

/// A local path to go to after signing in (never another site).
fn local_path(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_string()
    } else {
        "/".to_string()
    }
}

async fn login_form(auth: Auth, Query(p): Query<NextParam>) -> LoginPage {
    LoginPage {
        me: Me::of(&auth),
        message: String::new(),
        next: local_path(&p.next),
        username: String::new(),
    }
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn login(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = local_path(&form.next);
    let result = match auth::check_same_origin(&headers) {
        Ok(()) => auth::login(&state, &auth, &form.username, &form.password).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(done) => ([(header::SET_COOKIE, done.cookie)], Redirect::to(&next)).into_response(),
        Err(e) => {
            let mut response = (
                e.status(),
                LoginPage {
                    me: Me::of(&auth),
                    message: e.to_string(),
                    next,
                    username: form.username,
                },
            )
                .into_response();
            if let Some((name, value)) = e.retry_after()
                && let Ok(value) = axum::http::HeaderValue::from_str(&value)
            {
                response.headers_mut().insert(name, value);
            }
            response
        }
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf_token: String,
}

async fn logout(
    State(state): State<AppState>,
    auth: Auth,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    check_form(&auth, &form.csrf_token)?;
    auth::logout(&state, &auth).await?;
    Ok((
        [(header::SET_COOKIE, auth.clearing_cookie())],
        Redirect::to("/"),
    )
        .into_response())
}

struct ConsultationView {
    k: Consultation,
    deadline: String,
    open: bool,
}

impl ConsultationView {
    fn of(k: Consultation, at: i64) -> Self {
        ConsultationView {
            deadline: timefmt::format(k.deadline),
            open: at < k.deadline,
            k,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "consultations.html")]
struct ConsultationsPage {
    me: Me,
    list: Vec<ConsultationView>,
    may_open: bool,
    groups: Vec<Group>,
}

async fn consultations(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<ConsultationsPage, AppError> {
    let at = now();
    let list = state
        .store()
        .consultations(auth.viewer())
        .await?
        .into_iter()
        .map(|k| ConsultationView::of(k, at))
        .collect();
    let may_open = auth
        .user()
        .is_some_and(|u| u.role.may(Permission::OpenConsultation));
    Ok(ConsultationsPage {
        groups: if may_open {
            state.store().groups().await?
        } else {
            Vec::new()
        },
        me: Me::of(&auth),
        list,
        may_open,
    })
}

#[derive(Deserialize)]
struct ConsultationForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    question: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    group: String,
}

async fn open_consultation(
    State(state): State<AppState>,
    auth: Auth,
    Form(form): Form<ConsultationForm>,
) -> Result<Response, AppError> {
    let actor = auth.actor(Permission::OpenConsultation)?;
    check_form(&auth, &form.csrf_token)?;
    let deadline = timefmt::parse(&form.deadline).ok_or_else(|| {
        AppError::BadRequest(format!(
            "`{}` is not a date and time (YYYY-MM-DD HH:MM, UTC)",
            form.deadline
        ))
    })?;
    let groups = state.store().groups().await?;
    let restricted_to = chosen_group(&groups, &form.group)?;
    let id = state
        .store()
        .open_consultation(
            &actor,
            NewConsultation {
                title: form.title,
                question: form.question,
                deadline,
                restricted_to,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/consultations/{id}")).into_response())
}

struct SubmissionView {
    s: Submission,
    when: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "consultation.html")]
struct ConsultationPage {
    me: Me,
    k: ConsultationView,
    submissions: Vec<SubmissionView>,
    may_submit: bool,
}

async fn consultation(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<ConsultationPage, AppError> {
    let at = now();
    let viewer = auth.viewer();
    let k = state
        .store()
        .consultation(viewer, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let submissions = state
        .store()
        .submissions(viewer, id, at)
        .await?
        .into_iter()
        .map(|s| SubmissionView {
            when: timefmt::format(s.created_at),
            s,
        })
        .collect();
    let k = ConsultationView::of(k, at);
    Ok(ConsultationPage {
        may_submit: k.open && auth.user().is_some_and(|u| u.role.may(Permission::Submit)),
        me: Me::of(&auth),
        k,
        submissions,
    })
}

#[derive(Deserialize)]
struct SubmissionForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    body: String,
}

async fn submit(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(form): Form<SubmissionForm>,
) -> Result<Response, AppError> {
    let actor = auth.actor(Permission::Submit)?;
    check_form(&auth, &form.csrf_token)?;
    state.store().submit(&actor, id, &form.body).await?;
    Ok(Redirect::to(&format!("/consultations/{id}#submissions")).into_response())
}

struct GroupView {
    g: Group,
    members: Vec<User>,
    eligible: String,
}

struct AuditView {
    e: AuditEntry,
    when: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin.html")]
struct AdminPage {
    me: Me,
    users: Vec<User>,
    groups: Vec<GroupView>,
    audit: Vec<AuditView>,
    roles: Vec<(&'static str, &'static str)>,
}

async fn admin(State(state): State<AppState>, auth: Auth) -> Result<AdminPage, AppError> {
    auth.actor(Permission::Manage)?;
    let mut groups = Vec::new();
    for g in state.store().groups().await? {
        groups.push(GroupView {
            members: state.store().members(g.id).await?,
            eligible: g
                .eligible_roles
                .iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join(", "),
            g,
        });
    }
    Ok(AdminPage {
        me: Me::of(&auth),
        users: state.store().users().await?,
        groups,
        audit: state
            .store()
            .audit_log(200)
            .await?
            .into_iter()
            .map(|e| AuditView {
                when: timefmt::format(e.at),
                e,
            })
            .collect(),
        roles: Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
    })
}

#[derive(Deserialize)]
struct UserForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

/// The shortest password accepted.
pub(crate) const MIN_PASSWORD: usize = 10;

async fn create_user(
    State(state): State<AppState>,
    auth: Auth,
    Form(form): Form<UserForm>,
) -> Result<Response, AppError> {
    let actor = auth.actor(Permission::Manage)?;
    check_form(&auth, &form.csrf_token)?;
    let role = Role::parse(&form.role)
        .ok_or_else(|| AppError::BadRequest(format!("`{}` is not a role", form.role)))?;
    if form.password.chars().count() < MIN_PASSWORD {
        return Err(AppError::BadRequest(format!(
            "a password has at least {MIN_PASSWORD} characters"
        )));
    }
    let password = form.password;
    let hash = crate::blocking(move || auth::hash_password(&password)).await??;
    let display_name = if form.display_name.trim().is_empty() {
        form.username.trim().to_string()
    } else {
        form.display_name.trim().to_string()
    };
    state
        .store()
        .create_user(
            &actor,
            NewUser {
                username: form.username.trim().to_string(),
                display_name,
                role,
                password_hash: hash,
            },
        )
        .await?;
    Ok(Redirect::to("/admin#users").into_response())
}

#[derive(Deserialize)]
struct MemberForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    username: String,
}

async fn add_member(
    State(state): State<AppState>,
    auth: Auth,
    Form(form): Form<MemberForm>,
) -> Result<Response, AppError> {
    let actor = auth.actor(Permission::Manage)?;
    check_form(&auth, &form.csrf_token)?;
    let group = state
        .store()
        .groups()
        .await?
        .into_iter()
        .find(|g| g.slug == form.group.trim())
        .ok_or(AppError::NotFound)?;
    let user = state
        .store()
        .credentials(form.username.trim())
        .await?
        .ok_or(AppError::NotFound)?
        .user;
    state.store().add_member(&actor, group.id, user.id).await?;
    Ok(Redirect::to("/admin#groups").into_response())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use amend_store::{SqliteStore, Viewer};

    use super::*;

    /// Resolution 75's version and CITEL's proposal on it, in the demo library.
    async fn demo_pair(state: &AppState) -> (TextRef, TextRef) {
        let store = state.store();
        let res75 = store
            .instruments(Viewer::Anonymous)
            .await
            .unwrap()
            .into_iter()
            .find(|i| i.number == "75")
            .expect("Resolution 75 in the demo library");
        let detail = store
            .instrument(Viewer::Anonymous, res75.id)
            .await
            .unwrap()
            .unwrap();
        let version = detail
            .versions
            .iter()
            .max_by_key(|v| (v.year, v.id))
            .unwrap();
        let citel = detail
            .proposals
            .iter()
            .find(|p| p.source.as_deref() == Some("CITEL"))
            .expect("CITEL's proposal");
        (TextRef::Version(version.id), TextRef::Proposal(citel.id))
    }

    async fn body(response: Response) -> (StatusCode, HeaderMap, Vec<u8>) {
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, headers, bytes.to_vec())
    }

    #[test]
    fn the_kept_public_redline_page_is_the_page_made_without_any_cache() {
        let dir = std::env::temp_dir().join(format!("amend-server-page-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let store = SqliteStore::open_dir(&dir).await.unwrap();
            let state = AppState::new(Arc::new(store));
            crate::demo::load_if_empty(&state).await.unwrap();
            let (from, to) = demo_pair(&state).await;

            // Without any cache: the store's texts, the redline computed, the page made.
            let old = state.text(Viewer::Anonymous, from).await.unwrap();
            let new = state.text(Viewer::Anonymous, to).await.unwrap();
            let view = crate::texts::redline_view(from, old, to, new);
            let direct = render_public_redline(Arc::new(view)).unwrap();
            assert!(direct.contains("<ins>") || direct.contains("<del>"));

            // Through the handler's path: made on the first request, kept for the next.
            let none = HeaderMap::new();
            let (status, first_headers, first) =
                body(public_redline(&state, from, to, &none).await.unwrap()).await;
            assert_eq!(status, StatusCode::OK);
            let (_, second_headers, second) =
                body(public_redline(&state, from, to, &none).await.unwrap()).await;
            assert_eq!(first, direct.as_bytes(), "the first page is the page");
            assert_eq!(second, direct.as_bytes(), "the kept page is the page");
            assert_eq!(first_headers, second_headers);
            let etag = first_headers.get(header::ETAG).unwrap().clone();

            // The browser's copy is confirmed with 304 and no body; another tag gets
            // the page.
            let mut asked = HeaderMap::new();
            asked.insert(header::IF_NONE_MATCH, etag.clone());
            let (status, headers, bytes) =
                body(public_redline(&state, from, to, &asked).await.unwrap()).await;
            assert_eq!(status, StatusCode::NOT_MODIFIED);
            assert_eq!(headers.get(header::ETAG), Some(&etag));
            assert!(bytes.is_empty());
            asked.insert(
                header::IF_NONE_MATCH,
                HeaderValue::from_static("\"other\", W/\"another\""),
            );
            let (status, _, bytes) =
                body(public_redline(&state, from, to, &asked).await.unwrap()).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(bytes, direct.as_bytes());
            let weak = format!("W/{}", etag.to_str().unwrap());
            asked.insert(header::IF_NONE_MATCH, HeaderValue::from_str(&weak).unwrap());
            let (status, _, _) =
                body(public_redline(&state, from, to, &asked).await.unwrap()).await;
            assert_eq!(status, StatusCode::NOT_MODIFIED);

            // After a write the page is made again from the store, and is the same.
            let again = state
                .store()
                .import(amend_store::prepare(
                    "another.txt",
                    "text",
                    b"RESOLUTION 9999\nA title\n",
                    "RESOLUTION 9999\nA title\n",
                    &amend_text::read_plain("RESOLUTION 9999\nA title\n", &Default::default()),
                ))
                .await
                .unwrap();
            assert!(matches!(again, amend_store::ImportOutcome::Imported(_)));
            let (status, _, third) =
                body(public_redline(&state, from, to, &none).await.unwrap()).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(third, direct.as_bytes());
            state.store().close().await;
        });
        let _ = std::fs::remove_dir_all(&dir);
    }
}
