//! # amend-diff
//!
//! The redline: a structure-aware comparison of two versions of a resolution, as a
//! careful editor would mark it. Alignment comes first (sections by heading; items by
//! content, so relettering after a deleted item shows one deletion and label changes;
//! moved items as moves), then a word diff inside every matched node (imara-diff,
//! Histogram, with a cleanup pass: whole-word replacements, no one-stop-word islands).
//! Meeting stamps, citation revision stamps and renumbering are tagged as boilerplate.
//!
//! The result is the document model with change marks, so every writer serves it
//! (accept/reject, CriticMarkup, JSON, .docx), plus a change list. Pure: no I/O.
//!
//! ```
//! use amend_diff::{diff, DiffOptions};
//! use amend_model::View;
//! use amend_text::{read_plain, write_markdown, write_text, ReadOptions};
//! let old = read_plain("RESOLUTION 1 (Rev. Dubai, 2012)\nT\n(Dubai, 2012)\n\
//!     The World Telecommunication Standardization Assembly (Dubai, 2012),\n\
//!     considering\na)\tone thing;\nb)\tanother thing;\nc)\ta third thing,\n", &ReadOptions::default());
//! let new = read_plain("RESOLUTION 1 (Rev. Hammamet, 2016)\nT\n(Dubai, 2012; Hammamet, 2016)\n\
//!     The World Telecommunication Standardization Assembly (Hammamet, 2016),\n\
//!     considering\na)\tone thing;\nb)\ta third thing,\n", &ReadOptions::default());
//! let redline = diff(&old, &new, &DiffOptions::default());
//! assert!(write_markdown(&redline.document).contains("{--c--}{++b++})\ta third thing,"));
//! assert_eq!(write_text(&redline.document, Some(View::Accepted)), write_text(&new, Some(View::Accepted)));
//! ```

pub mod align;
pub mod boilerplate;
mod changes;
mod generic;
mod marks;
mod structure;
pub mod words;

use amend_model::{Annex, Body, Collection, Content, Document, Footnote, Generic, Resolution};
use rayon::prelude::*;
use serde::Serialize;

pub use boilerplate::{Boilerplate, boilerplate_of};
pub use changes::{ChangeRecord, RecordKind, records};
pub use words::{Edit, diff_words};

use marks::{Marks, Part};

/// Options of a diff.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// The author recorded on every change mark (`--author`).
    pub author: Option<String>,
    /// The date recorded on every change mark (`--date`, ISO 8601).
    pub date: Option<String>,
    /// Show boilerplate changes (stamps, renumbering) as plain new text, unmarked.
    pub hide_boilerplate: bool,
    /// Detect moved items (on by default).
    pub detect_moves: bool,
    /// Leave the merged document's node ids empty, for output that shows none (the
    /// Markdown redline); inputs read without ids need this too.
    pub without_ids: bool,
}

impl Default for DiffOptions {
    fn default() -> Self {
        Self {
            author: None,
            date: None,
            hide_boilerplate: false,
            detect_moves: true,
            without_ids: false,
        }
    }
}

/// Counts of a redline's changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub insertions: usize,
    pub deletions: usize,
    pub replacements: usize,
    pub nodes_inserted: usize,
    pub nodes_deleted: usize,
    pub moves: usize,
    pub boilerplate: usize,
    pub substantive: usize,
}

/// The result of a diff: the merged, change-marked document and its change list.
#[derive(Debug, Clone)]
pub struct Redline {
    /// Accepting its changes gives the new version, rejecting them the old.
    pub document: Document,
    /// Every change, in document order.
    pub changes: Vec<ChangeRecord>,
}

impl Redline {
    fn new(document: Document) -> Self {
        let changes = records(&document);
        Self { document, changes }
    }

    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for c in &self.changes {
            match c.kind {
                RecordKind::Insertion => s.insertions += 1,
                RecordKind::Deletion => s.deletions += 1,
                RecordKind::Replacement => s.replacements += 1,
                RecordKind::NodeInserted => s.nodes_inserted += 1,
                RecordKind::NodeDeleted => s.nodes_deleted += 1,
                RecordKind::MovedTo => s.moves += 1,
                RecordKind::MovedFrom => {}
            }
            if c.kind != RecordKind::MovedFrom {
                if c.is_boilerplate() {
                    s.boilerplate += 1;
                } else {
                    s.substantive += 1;
                }
            }
        }
        s
    }
}

/// Compares two documents. Resolutions (and collections of them) are compared by
/// structure; anything else paragraph by paragraph. Each side is read in its accepted
/// view (marks already in the inputs are applied first).
pub fn diff(old: &Document, new: &Document, options: &DiffOptions) -> Redline {
    Redline::new(diff_document(old, new, options))
}

/// [`diff`] without the change list: the merged, change-marked document alone, for
/// callers that only show the marks (Markdown, .docx). The change list is read back
/// from it with [`records`] when needed.
pub fn diff_document(old: &Document, new: &Document, options: &DiffOptions) -> Document {
    let marks = Marks { options };
    let (mut body, footnotes) = match (&old.body, &new.body) {
        (Body::Resolution(o), Body::Resolution(n)) => (
            Body::Resolution(structure::diff_resolution(&marks, o, n)),
            footnotes(&marks, &old.footnotes, &new.footnotes),
        ),
        (Body::Collection(o), Body::Collection(n)) => (
            Body::Collection(collection(&marks, o, n)),
            footnotes(&marks, &old.footnotes, &new.footnotes),
        ),
        _ => (
            Body::Generic(Generic {
                blocks: generic::diff_lines(
                    &marks,
                    &generic::document_lines(old),
                    &generic::document_lines(new),
                ),
            }),
            Some(Vec::new()),
        ),
    };
    // Footnote markers cannot carry marks: when the notes themselves differ (one added,
    // removed or renumbered), their lines are diffed as paragraphs at the end instead.
    let footnotes = match footnotes {
        Some(notes) => notes,
        None => {
            let lines = |notes: &[Footnote]| -> Vec<String> {
                notes
                    .iter()
                    .map(|n| format!("[{}] {}", n.marker, n.content.accepted()))
                    .collect()
            };
            let blocks =
                generic::diff_lines(&marks, &lines(&old.footnotes), &lines(&new.footnotes));
            let last = match &mut body {
                Body::Resolution(r) => Some(r),
                Body::Collection(c) => c.resolutions.last_mut(),
                _ => None,
            };
            if let Some(r) = last {
                r.annexes.push(Annex {
                    eid: "notes".into(),
                    heading: Content::new(),
                    blocks,
                    span: Default::default(),
                });
            }
            Vec::new()
        }
    };
    let mut document = Document::new(body);
    document.footnotes = footnotes;
    document.removed_markers = new.removed_markers.clone();
    document.lost_hyphens = new.lost_hyphens.clone();
    document.warnings = new.warnings.clone();
    document
}

/// Compares two plain texts paragraph by paragraph (one paragraph per line), then word
/// by word: the diff for texts with no structure.
pub fn diff_text(old: &str, new: &str, options: &DiffOptions) -> Redline {
    let marks = Marks { options };
    let lines = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect()
    };
    let blocks = generic::diff_lines(&marks, &lines(old), &lines(new));
    Redline::new(Document::new(Body::Generic(Generic { blocks })))
}

/// Footnotes diffed note by note, or `None` when their markers differ.
fn footnotes(marks: &Marks<'_>, old: &[Footnote], new: &[Footnote]) -> Option<Vec<Footnote>> {
    if old.len() != new.len() || old.iter().zip(new).any(|(o, n)| o.marker != n.marker) {
        return None;
    }
    Some(
        old.iter()
            .zip(new)
            .map(|(o, n)| Footnote {
                marker: n.marker.clone(),
                content: marks.text(&o.content.accepted(), &n.content.accepted(), Part::Text),
                mark: None,
                span: n.span,
            })
            .collect(),
    )
}

/// How the resolutions of two collections pair up, given their numbers (the instruments'
/// numbers, as the title lines give them): the same number in the same order is the same
/// resolution; the rest were deleted or inserted whole.
pub fn pair_resolutions<'a>(
    old: impl IntoIterator<Item = &'a str>,
    new: impl IntoIterator<Item = &'a str>,
) -> Vec<align::Pair> {
    let old_keys: Vec<u64> = old.into_iter().map(generic::key).collect();
    let new_keys: Vec<u64> = new.into_iter().map(generic::key).collect();
    align::align(&old_keys, &new_keys, &|_: usize, _: usize| 0.0, 1.0)
}

/// One resolution of a collection compared as [`diff_document`] compares it there: a pair
/// of [`pair_resolutions`], with `None` on the side of a resolution inserted or deleted
/// whole. For callers that compare a collection one resolution at a time.
pub fn diff_member(
    old: Option<&Resolution>,
    new: Option<&Resolution>,
    options: &DiffOptions,
) -> Option<Resolution> {
    member(&Marks { options }, old, new)
}

fn member(
    marks: &Marks<'_>,
    old: Option<&Resolution>,
    new: Option<&Resolution>,
) -> Option<Resolution> {
    Some(match (old, new) {
        (Some(o), Some(n)) => structure::diff_resolution(marks, o, n),
        (Some(o), None) => structure::diff_resolution(marks, o, &structure::empty_like(o)),
        (None, Some(n)) => structure::diff_resolution(marks, &structure::empty_like(n), n),
        (None, None) => return None,
    })
}

fn collection(marks: &Marks<'_>, old: &Collection, new: &Collection) -> Collection {
    let pairs = pair_resolutions(
        old.resolutions
            .iter()
            .map(|r| r.title_block.instrument.number.as_str()),
        new.resolutions
            .iter()
            .map(|r| r.title_block.instrument.number.as_str()),
    );
    let one = |p: align::Pair| {
        let (o, n) = p.sides(&old.resolutions, &new.resolutions);
        member(marks, o, n)
    };
    // Resolutions are independent: many are diffed in parallel.
    let resolutions = if pairs.len() > 16 {
        pairs.into_par_iter().filter_map(one).collect()
    } else {
        pairs.into_iter().filter_map(one).collect()
    };
    Collection {
        front_matter: generic::diff_blocks(marks, &old.front_matter, &new.front_matter),
        resolutions,
    }
}

/// The word diff of two texts as change-marked content (for callers diffing fragments).
pub fn diff_content(old: &str, new: &str, options: &DiffOptions) -> Content {
    Marks { options }.text(old, new, Part::Text)
}
