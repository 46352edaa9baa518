//! The texts the platform compares and checks: a version of an instrument, the text a
//! proposal puts forward, or a whole document; and the views built from them (redline,
//! synoptic table, check report), shared by the pages and the API.

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use amend_model::{Body, Document, Item, Resolution, View};
use amend_store::Viewer;
use serde::Serialize;
use utoipa::ToSchema;

use crate::redline_cache::Grant;
use crate::{AppError, AppState, blocking, html};

/// A reference to a text: `version:ID`, `proposal:ID` or `document:ID`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextRef {
    Version(i64),
    Proposal(i64),
    Document(i64),
}

impl FromStr for TextRef {
    type Err = AppError;

    fn from_str(s: &str) -> Result<Self, AppError> {
        let bad = || {
            AppError::BadRequest(format!(
                "`{s}` is not version:ID, proposal:ID or document:ID"
            ))
        };
        let (kind, id) = s.split_once(':').ok_or_else(bad)?;
        let id: i64 = id.parse().map_err(|_| bad())?;
        match kind {
            "version" => Ok(TextRef::Version(id)),
            "proposal" => Ok(TextRef::Proposal(id)),
            "document" => Ok(TextRef::Document(id)),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for TextRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextRef::Version(id) => write!(f, "version:{id}"),
            TextRef::Proposal(id) => write!(f, "proposal:{id}"),
            TextRef::Document(id) => write!(f, "document:{id}"),
        }
    }
}

/// A resolved text: its document, a name for people, and the model.
pub struct Text {
    pub document_id: i64,
    pub name: String,
    pub document: Document,
}

fn as_document(r: &Resolution) -> Document {
    Document::new(Body::Resolution(r.clone()))
}

impl AppState {
    /// The text a reference names.
    pub async fn text(&self, viewer: Viewer, r: TextRef) -> Result<Text, AppError> {
        match r {
            TextRef::Version(id) => {
                let v = self
                    .store()
                    .version(viewer, id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let model = self
                    .model(viewer, v.document_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let res = model
                    .resolutions()
                    .get(v.position as usize)
                    .map(|r| as_document(r))
                    .ok_or(AppError::NotFound)?;
                let name = match &v.revision {
                    Some(rev) => format!("{} {} {} ({rev})", v.body, v.kind, v.number),
                    None => format!("{} {} {}", v.body, v.kind, v.number),
                };
                Ok(Text {
                    document_id: v.document_id,
                    name: name.trim().to_string(),
                    document: res,
                })
            }
            TextRef::Proposal(id) => {
                let p = self
                    .store()
                    .proposal(viewer, id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let model = self
                    .model(viewer, p.document_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let Body::Contribution(c) = &model.body else {
                    return Err(AppError::NotFound);
                };
                let proposal = c
                    .proposals
                    .get(p.position as usize)
                    .ok_or(AppError::NotFound)?;
                let document = match &proposal.resolution {
                    Some(r) => as_document(r),
                    None => Document::new(Body::Generic(Default::default())),
                };
                Ok(Text {
                    document_id: p.document_id,
                    name: format!(
                        "{} {} ({})",
                        p.source.as_deref().unwrap_or("proposal"),
                        p.action,
                        p.document_title
                    ),
                    document,
                })
            }
            TextRef::Document(id) => {
                let d = self
                    .store()
                    .document(viewer, id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let model = self.model(viewer, id).await?.ok_or(AppError::NotFound)?;
                Ok(Text {
                    document_id: id,
                    name: d.summary.title,
                    document: (*model).clone(),
                })
            }
        }
    }

    /// The redline from one text to another, as the viewer may read it.
    pub async fn redline(
        &self,
        viewer: Viewer,
        from: TextRef,
        to: TextRef,
    ) -> Result<Arc<RedlineView>, AppError> {
        Ok(self.redline_grant(viewer, from, to).await?.view.clone())
    }

    /// The store's grant of a redline to the viewer. The change counter is read first:
    /// while it is unchanged, no write has touched who sees what since the store last
    /// resolved both texts for this viewer, and that answer stands (see
    /// `redline_cache`). Otherwise the store resolves both texts again, so a refusal
    /// is never cached and a revoked reader is refused as soon as this server has
    /// seen the write (at once when the write went through it).
    pub(crate) async fn redline_grant(
        &self,
        viewer: Viewer,
        from: TextRef,
        to: TextRef,
    ) -> Result<Arc<Grant>, AppError> {
        let counter = self.store().change_counter().await?;
        if let Some(grant) = self.redlines().grant(viewer, from, to, counter) {
            return Ok(grant);
        }
        let old = self.text(viewer, from).await?;
        let new = self.text(viewer, to).await?;
        // Resolved for this viewer: the computed redline may be shared.
        let view = match self.redlines().view(from, to) {
            Some(view) => view,
            None => {
                let view = Arc::new(blocking(move || redline_view(from, old, to, new)).await?);
                self.redlines().insert_view(from, to, view.clone());
                view
            }
        };
        let grant = Arc::new(Grant {
            counter,
            view,
            page: OnceLock::new(),
        });
        self.redlines()
            .insert_grant(viewer, from, to, grant.clone());
        Ok(grant)
    }

    /// The check report of a stored document, with the library's versions added to the
    /// citation registry.
    pub async fn check(&self, viewer: Viewer, id: i64) -> Result<CheckView, AppError> {
        let record = self
            .store()
            .document(viewer, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let model = self.model(viewer, id).await?.ok_or(AppError::NotFound)?;
        let versions = self.store().versions(viewer).await?;
        let source = self
            .store()
            .source_file(viewer, id)
            .await?
            .ok_or(AppError::NotFound)?;
        blocking(move || {
            let mut registry = amend_check::Registry::builtin();
            registry.extend(registry_of(&versions));
            let text = if source.format == "docx" {
                None
            } else {
                String::from_utf8(source.bytes).ok()
            };
            let options = amend_check::CheckOptions {
                registry: RegistryArg::arg(&registry),
                source: text.as_deref(),
                base: None,
            };
            let report = amend_check::check(&model, &options);
            let index = text.as_deref().map(amend_model::LineIndex::new);
            let rows = report
                .diagnostics
                .iter()
                .map(|d| {
                    let at = index
                        .as_ref()
                        .map(|i| i.line_column(d.span.start))
                        .map(|lc| format!("{}:{}", lc.line, lc.column))
                        .unwrap_or_default();
                    let excerpt = text
                        .as_deref()
                        .and_then(|t| t.get(d.span.start..d.span.end))
                        .map(|s| s.chars().take(120).collect())
                        .unwrap_or_default();
                    CheckRow {
                        severity: d.severity.as_str(),
                        code: d.code,
                        message: d.message.clone(),
                        at,
                        excerpt,
                        help: d.help.clone().unwrap_or_default(),
                    }
                })
                .collect();
            CheckView {
                document_id: id,
                title: record.summary.title,
                errors: report.errors().count(),
                warnings: report.warnings().count(),
                rows,
                json: serde_json::to_value(&report).unwrap_or_default(),
            }
        })
        .await
    }

    /// The synoptic table of an instrument: its latest version beside every proposal,
    /// item by item, each proposal's changes marked against the version.
    pub async fn synoptic(
        &self,
        viewer: Viewer,
        instrument: i64,
    ) -> Result<SynopticView, AppError> {
        let detail = self
            .store()
            .instrument(viewer, instrument)
            .await?
            .ok_or(AppError::NotFound)?;
        let base_version = detail
            .versions
            .iter()
            .max_by_key(|v| (v.year.unwrap_or(0), v.id))
            .ok_or_else(|| {
                AppError::BadRequest("no version of this instrument in the library".into())
            })?;
        let base = self.text(viewer, TextRef::Version(base_version.id)).await?;
        let mut proposals = Vec::new();
        for p in &detail.proposals {
            let t = self.text(viewer, TextRef::Proposal(p.id)).await?;
            proposals.push((p.clone(), t));
        }
        let label = detail.summary.label();
        let base_name = base.name.clone();
        blocking(move || {
            let base_doc = Arc::new(base.document);
            let mut columns = Vec::new();
            let mut cells: Vec<Vec<(String, String)>> = Vec::new();
            for (p, t) in &proposals {
                columns.push(SynopticColumn {
                    proposal_id: p.id,
                    document_id: p.document_id,
                    name: format!("{} {}", p.source.as_deref().unwrap_or("?"), p.action),
                });
                let (redline, _) = compare(&base_doc, &t.document, true);
                cells.push(items_of(&redline.document));
            }
            let base_items = items_of(&base_doc);
            // Rows: the base's items in order, then items only proposals have, after the
            // row they follow.
            let mut keys: Vec<String> = base_items.iter().map(|(k, _)| k.clone()).collect();
            for column in &cells {
                let mut after: Option<usize> = None;
                for (key, _) in column {
                    match keys.iter().position(|k| k == key) {
                        Some(i) => after = Some(i),
                        None => {
                            let at = after.map_or(0, |i| i + 1);
                            keys.insert(at, key.clone());
                            after = Some(at);
                        }
                    }
                }
            }
            let rows = keys
                .iter()
                .map(|key| SynopticRow {
                    key: key.clone(),
                    base: lookup(&base_items, key),
                    cells: cells.iter().map(|c| lookup(c, key)).collect(),
                })
                .collect();
            SynopticView {
                instrument_id: instrument,
                instrument: label,
                base: base_name,
                columns,
                rows,
            }
        })
        .await
    }
}

/// The redline from one resolved text to another, ready for a page or the API.
pub(crate) fn redline_view(from: TextRef, old: Text, to: TextRef, new: Text) -> RedlineView {
    let proposal = matches!(to, TextRef::Proposal(_));
    let (redline, method) = compare(&old.document, &new.document, proposal);
    RedlineView {
        method,
        from: from.to_string(),
        to: to.to_string(),
        from_name: old.name,
        to_name: new.name,
        summary: redline.summary(),
        html: html::document(&redline.document),
        json: amend_text::to_json(&redline.document, Default::default()),
    }
}

/// The redline from `old` to `new`. A proposal extracted from a .docx as plain text
/// holds the deleted and the inserted text side by side without marks: its changes are
/// recovered by aligning it against the base (amend-unflatten), not by a diff.
fn compare(old: &Document, new: &Document, proposal: bool) -> (amend_diff::Redline, &'static str) {
    let flat = amend_text::write_text(new, None);
    let flattened =
        proposal && !has_marks(new) && !amend_unflatten::flattening_points(&flat).is_empty();
    if flattened {
        let base = amend_text::write_text(old, Some(View::Accepted));
        let recovery = amend_unflatten::unflatten(&flat, Some(&base), None, &Default::default());
        let document = recovery.document;
        let changes = amend_diff::records(&document);
        (amend_diff::Redline { document, changes }, "unflatten")
    } else {
        (amend_diff::diff(old, new, &Default::default()), "diff")
    }
}

/// Whether a document carries change marks of its own.
fn has_marks(doc: &Document) -> bool {
    amend_text::write_text(doc, Some(View::Accepted))
        != amend_text::write_text(doc, Some(View::Rejected))
}

fn lookup(items: &[(String, String)], key: &str) -> String {
    items
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, h)| h.clone())
        .unwrap_or_default()
}

/// The items of a resolution as (eid, HTML of label and text), depth first; the title
/// block and each section heading count as rows too.
fn items_of(doc: &Document) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(r) = doc.resolutions().first().copied() else {
        return out;
    };
    out.push((
        "title".to_string(),
        format!(
            "<strong>{}</strong><br>{}",
            html::content(&r.title_block.number_line),
            html::content(&r.title_block.title)
        ),
    ));
    fn walk(out: &mut Vec<(String, String)>, item: &Item) {
        let label = item
            .label
            .as_ref()
            .map(|l| {
                format!(
                    "<span class=\"label\">{}</span> ",
                    html::content(&l.written)
                )
            })
            .unwrap_or_default();
        out.push((
            item.eid.clone(),
            format!("{label}{}", html::content(&item.content)),
        ));
        for c in &item.children {
            walk(out, c);
        }
    }
    for s in &r.sections {
        out.push((
            s.eid.clone(),
            format!("<em class=\"heading\">{}</em>", html::content(&s.heading)),
        ));
        for i in &s.items {
            walk(&mut out, i);
        }
    }
    out
}

/// `CheckOptions::registry` is moving from an owned `Registry` to a `&Registry`; this
/// gives whichever the check crate in the tree asks for.
trait RegistryArg<T> {
    fn arg(self) -> T;
}

impl<'a> RegistryArg<&'a amend_check::Registry> for &'a amend_check::Registry {
    fn arg(self) -> &'a amend_check::Registry {
        self
    }
}

impl RegistryArg<amend_check::Registry> for &amend_check::Registry {
    fn arg(self) -> amend_check::Registry {
        self.clone()
    }
}

/// The library's versions as citation registry entries.
pub fn registry_of(versions: &[amend_store::VersionRecord]) -> amend_check::Registry {
    let mut registry = amend_check::Registry::empty();
    for v in versions {
        if let (false, Some(year)) = (v.body.is_empty(), v.year) {
            registry
                .revisions
                .push(amend_check::registry::RevisionEntry {
                    body: v.body.clone(),
                    kind: v.kind.clone(),
                    number: v.number.clone(),
                    place: v.place.clone(),
                    year: year as u16,
                    title: Some(v.title.clone()),
                    source: format!("library document {}", v.document_id),
                });
        }
    }
    registry
}

/// A redline ready for a page or the API.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RedlineView {
    /// `diff` (two clean texts compared) or `unflatten` (the changes of a flattened
    /// proposal recovered against the base).
    pub method: &'static str,
    pub from: String,
    pub to: String,
    pub from_name: String,
    pub to_name: String,
    /// Counts of the changes (insertions, deletions, moves, substantive...).
    #[schema(value_type = Object)]
    pub summary: amend_diff::Summary,
    #[serde(skip)]
    pub html: String,
    /// The change-marked document (the model's JSON, docs/document.schema.json).
    #[schema(value_type = Object)]
    pub json: serde_json::Value,
}

/// One finding of a check report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckRow {
    pub severity: &'static str,
    pub code: &'static str,
    pub message: String,
    /// `line:column` in the source text.
    pub at: String,
    pub excerpt: String,
    pub help: String,
}

/// A check report ready for a page or the API.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckView {
    pub document_id: i64,
    pub title: String,
    pub errors: usize,
    pub warnings: usize,
    #[serde(skip)]
    pub rows: Vec<CheckRow>,
    /// The report as `amend check --format json` gives it.
    #[schema(value_type = Object)]
    pub json: serde_json::Value,
}

/// A proposal column of a synoptic table.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SynopticColumn {
    pub proposal_id: i64,
    pub document_id: i64,
    pub name: String,
}

/// A row of a synoptic table: the base's item and each proposal's (HTML).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SynopticRow {
    pub key: String,
    pub base: String,
    pub cells: Vec<String>,
}

/// The synoptic table of an instrument.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SynopticView {
    pub instrument_id: i64,
    pub instrument: String,
    pub base: String,
    pub columns: Vec<SynopticColumn>,
    pub rows: Vec<SynopticRow>,
}
