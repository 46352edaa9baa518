//! # amend-consolidate
//!
//! Consolidates many proposals on one resolution: every change of every proposal is
//! anchored to the units of the base (title-block lines, the enacting formula, section
//! headings, items and sub-items) through the redline's alignment, so a clause is
//! recognized whatever its label in each proposal. Per unit, the changes are grouped
//! into regions of overlapping edits; a region every source rewrites the same way is an
//! agreement (counted once, attributed to all), a region rewritten differently is a
//! conflict. The merged draft applies everything that does not conflict, attributed to
//! its sources through [`Change::source`] and [`Change::author`], and keeps each conflict
//! as [`ChangeKind::Alternative`] spans, one whole alternative per source, shown by the
//! writers as `[CITEL: ... / CEPT: ...]`.
//!
//! Writers: JSON ([`to_json`]), Markdown with a pipe synoptic table and the merged draft
//! in CriticMarkup ([`write_markdown`]), one self-contained HTML page ([`write_html`]),
//! and a `.docx` with the synoptic table and the merged draft as Word revisions whose
//! authors are the sources ([`write_docx`]). Pure: no I/O.
//!
//! ```
//! use amend_consolidate::{consolidate, Classification, Form, Options, SourcedProposal};
//! use amend_text::{read_plain, ReadOptions};
//! let base = "RESOLUTION 1 (Rev. Dubai, 2012)\nOn things\n(Dubai, 2012)\n\
//!     The World Telecommunication Standardization Assembly (Dubai, 2012),\n\
//!     considering\na)\tthat one thing matters;\nb)\tthat another thing matters,\n\
//!     resolves\n1\tto act quickly.\n";
//! let a = base.replace("act quickly", "act now");
//! let b = base.replace("act quickly", "act at once").replace("another", "a second");
//! let proposals = vec![
//!     SourcedProposal::from_text("CITEL", &a, Form::Clean, base),
//!     SourcedProposal::from_text("CEPT", &b, Form::Clean, base),
//! ];
//! let base_doc = read_plain(base, &ReadOptions::default());
//! let c = consolidate(&base_doc, &proposals, &Options::default());
//! let unit = |eid: &str| c.units.iter().find(|u| u.eid == eid).unwrap();
//! assert_eq!(unit("body__resolves__item_1").classification, Classification::Conflict);
//! assert_eq!(unit("preamble__considering__item_b").classification, Classification::Single);
//! let md = amend_consolidate::write_markdown(&c);
//! assert!(md.contains("[CITEL: now / CEPT: at once]"));
//! ```

mod docx;
mod html;
mod input;
mod json;
mod markdown;
mod merge;
mod pieces;
mod regions;
pub mod synthetic;
mod units;

use amend_model::{Action, Content, Document};
use serde::Serialize;

pub use amend_model::{Change, ChangeKind};
pub use docx::{synoptic_document, write_docx};
pub use html::write_html;
pub use input::{Form, detected_source, is_flattened, resolution_document};
pub use json::{to_json, write_json};
pub use markdown::{write_markdown, write_merged_markdown, write_synoptic_markdown};

/// One proposal on the base: a document whose accepted text is the proposed text (a
/// change-marked document, a clean text or a recovered flattened text), with its source
/// and action.
#[derive(Debug, Clone)]
pub struct SourcedProposal {
    /// The source shown in the outputs and recorded on every change (`CITEL`).
    pub source: String,
    /// What the proposal does to the resolution (MOD, ADD, SUP, NOC).
    pub action: Action,
    /// The proposed document: its accepted view is the proposed text.
    pub document: Document,
}

impl SourcedProposal {
    /// A proposal from a document; the action comes from the document (a contribution's
    /// proposal), MOD otherwise. A contribution is reduced to its resolution.
    pub fn new(source: impl Into<String>, document: Document) -> Self {
        let action = input::action_of(&document).unwrap_or(Action::Modify);
        Self {
            source: source.into(),
            action,
            document: resolution_document(document, None),
        }
    }

    /// Sets the action (`--action`, or a SUP/NOC given elsewhere).
    pub fn with_action(mut self, action: Action) -> Self {
        self.action = action;
        self
    }

    /// A proposal from text: CriticMarkup (its accepted text), a clean proposed text, or
    /// a flattened text recovered against `base_text`; [`Form::Auto`] tells them apart
    /// (CriticMarkup marks, else the flattening detector).
    pub fn from_text(source: impl Into<String>, text: &str, form: Form, base_text: &str) -> Self {
        let source = source.into();
        let document = input::read_text(&source, text, form, base_text);
        Self::new(source, document)
    }
}

/// Options of a consolidation.
#[derive(Debug, Clone)]
pub struct Options {
    /// The date recorded on every change of the merged draft (ISO 8601), if any.
    pub date: Option<String>,
    /// New items placed at the same point by several sources with at least this word
    /// similarity (Dice, 0 to 1) are alternatives of one new item (a conflict); less
    /// similar ones are separate new items.
    pub new_item_similarity: f64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            date: None,
            new_item_similarity: 0.5,
        }
    }
}

/// How the proposals treat one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    /// No proposal changes it.
    Untouched,
    /// One proposal changes it.
    Single,
    /// Several proposals make the same changes: counted once, attributed to all.
    Agreement,
    /// Proposals make different changes that overlap.
    Conflict,
    /// Several proposals change different parts: merged without conflict.
    Mergeable,
    /// A unit the base lacks, added by one or more proposals (the same text).
    New,
    /// The unit deleted by every proposal that touches it (or by a SUP proposal).
    Suppressed,
}

impl Classification {
    pub fn as_str(self) -> &'static str {
        match self {
            Classification::Untouched => "untouched",
            Classification::Single => "single",
            Classification::Agreement => "agreement",
            Classification::Conflict => "conflict",
            Classification::Mergeable => "mergeable",
            Classification::New => "new",
            Classification::Suppressed => "suppressed",
        }
    }
}

/// What a unit is in the resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitPart {
    NumberLine,
    Title,
    History,
    Enacting,
    Heading,
    Item,
}

/// What one change of a unit does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeType {
    Insertion,
    Deletion,
    Replacement,
    /// The whole unit deleted.
    NodeDeleted,
    /// A whole new unit.
    NodeInserted,
}

/// One change to a unit, with every source that proposes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitChange {
    pub sources: Vec<String>,
    pub kind: ChangeType,
    /// The base text the change replaces (empty for insertions).
    pub old: String,
    /// The proposed text (empty for deletions).
    pub new: String,
    /// For alternatives of a conflict: the conflict's number in the unit (from 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflict: Option<usize>,
}

/// One source's version of a unit, as shown in the synoptic table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceVersion {
    pub source: String,
    /// The proposed text of the unit (empty when deleted).
    pub text: String,
    /// Whether the source deletes the unit.
    pub deleted: bool,
    /// The base text with this source's changes marked.
    #[serde(skip)]
    pub marked: Content,
}

/// One unit of the base (or a new one) and what the proposals do to it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unit {
    /// The base's eid (`preamble__considering__item_b`); for new units, `new__` and
    /// their eid in the merged draft. Title-block units are `title_block__number_line`,
    /// `__title`, `__history`, and `enacting`.
    pub eid: String,
    /// The unit's eid in the merged draft (renumbering may change it); the title-block
    /// units keep their names.
    pub merged_eid: String,
    /// A name for people: `considering b) i)`, `number line`.
    pub name: String,
    pub part: UnitPart,
    /// Nesting depth: 0 for headings, title block and top-level items.
    pub depth: usize,
    pub label: Option<String>,
    /// The text in force (empty for new units).
    pub base_text: String,
    pub classification: Classification,
    pub changes: Vec<UnitChange>,
    /// The version of each source that touches the unit, in source order.
    pub versions: Vec<SourceVersion>,
}

impl Unit {
    /// The sources that touch the unit, in source order.
    pub fn sources(&self) -> Vec<&str> {
        self.versions.iter().map(|v| v.source.as_str()).collect()
    }
}

/// One source of a consolidation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceInfo {
    pub name: String,
    pub action: Action,
    /// Base units this source changes, and new units it adds.
    pub units_changed: usize,
    pub units_added: usize,
}

/// Counts of units per classification.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub untouched: usize,
    pub single: usize,
    pub agreement: usize,
    pub conflict: usize,
    pub mergeable: usize,
    pub new: usize,
    pub suppressed: usize,
}

/// The result of a consolidation.
#[derive(Debug, Clone)]
pub struct Consolidation {
    /// The base's number line (`RESOLUTION 75 (Rev. Dubai, 2012)`).
    pub title: String,
    pub sources: Vec<SourceInfo>,
    /// Every unit in the order of the merged draft.
    pub units: Vec<Unit>,
    /// The merged draft: non-conflicting changes applied and attributed, conflicts as
    /// alternatives. Rejecting all its changes gives the base.
    pub merged: Document,
    /// What could not be consolidated (a base without a resolution, a proposal on
    /// another instrument...).
    pub warnings: Vec<String>,
}

impl Consolidation {
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for u in &self.units {
            match u.classification {
                Classification::Untouched => s.untouched += 1,
                Classification::Single => s.single += 1,
                Classification::Agreement => s.agreement += 1,
                Classification::Conflict => s.conflict += 1,
                Classification::Mergeable => s.mergeable += 1,
                Classification::New => s.new += 1,
                Classification::Suppressed => s.suppressed += 1,
            }
        }
        s
    }

    /// The unit with this eid.
    pub fn unit(&self, eid: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.eid == eid)
    }
}

/// Consolidates the proposals on the base resolution.
pub fn consolidate(
    base: &Document,
    proposals: &[SourcedProposal],
    options: &Options,
) -> Consolidation {
    merge::consolidate(base, proposals, options)
}
