//! # amend-unflatten
//!
//! Recovers the changes of a *flattened* text: plain text extracted from a .docx with
//! tracked changes, where deleted and inserted text sit side by side with no marks
//! (`RESOLUTION 75 (Rev. Dubai, 2012Hammamet, 2016)`, `bd)`, `WTDC-1014`).
//!
//! - With the base B (the version the proposal modified), text of F not in B is
//!   inserted, exactly. Deleted text is in both F and B, so it is told from kept text by
//!   evidence: replacement patterns (an old and a new text of the same shape side by
//!   side: stamps, years, numbers, labels, glued words) and structure (label sequences
//!   that only make sense with some items removed).
//! - With B and the new text P, F is an interleaving of B and P and the recovery is
//!   exact: accepting gives P, rejecting gives B.
//! - With neither, the likely flattening points are flagged ([`flattening_points`]).
//!
//! Every recovered change carries an [`Evidence`] (kind and confidence); stretches the
//! evidence does not decide are marked undecided, never guessed silently.
//!
//! ```
//! use amend_unflatten::{unflatten, Options};
//! use amend_model::View;
//! let flat = "RESOLUTION 7 (Rev. Dubai, 2012Hammamet, 2016)\nconsidering\na)\tthat;\n";
//! let base = "RESOLUTION 7 (Rev. Dubai, 2012)\nconsidering\na)\tthat;\n";
//! let recovery = unflatten(flat, Some(base), None, &Options::default());
//! let accepted = amend_text::write_text(&recovery.document, Some(View::Accepted));
//! assert!(accepted.starts_with("RESOLUTION 7 (Rev. Hammamet, 2016)"));
//! ```

mod align;
mod build;
mod detect;
pub mod eval;
mod evidence;
mod exact;
mod labels;
mod structure;
mod token;

use amend_model::{Document, Evidence, EvidenceKind, Finding};

pub use detect::{FlatteningPoint, PointKind, flattening_points};

/// Options of the recovery.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The contribution's source (e.g. CITEL), overriding detection.
    pub source: Option<String>,
    /// Build [`Recovery::document`] with every change followed by a comment naming its
    /// evidence (what [`Recovery::to_markdown`] writes), so that a caller wanting only
    /// that Markdown builds the document once.
    pub annotate: bool,
}

/// What a stretch of the flattened text turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkKind {
    Kept,
    Inserted,
    Deleted,
    /// Kept or deleted: the evidence does not decide.
    Undecided,
}

impl MarkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MarkKind::Kept => "kept",
            MarkKind::Inserted => "insertion",
            MarkKind::Deleted => "deletion",
            MarkKind::Undecided => "undecided",
        }
    }
}

/// A stretch `start..end` (bytes) of the flattened text and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub start: usize,
    pub end: usize,
    pub kind: MarkKind,
    pub evidence: Evidence,
    /// Why, in words, when more can be said than the evidence kind.
    pub detail: Option<String>,
}

/// Text absent from the flattened text but present in the base or the new text, placed
/// before byte `at` of the flattened text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extra {
    pub at: usize,
    pub text: String,
    /// `Inserted` (only in P), `Deleted` (only in B), or `Kept` (in both: lost by the
    /// extractor, e.g. a non-breaking hyphen).
    pub kind: MarkKind,
    pub evidence: Evidence,
    /// Set for restored characters that are not changes (hyphens lost by the extractor).
    pub normalization: bool,
}

/// Which texts the recovery had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The flattened text alone: flattening points only.
    FlatOnly,
    /// With the base.
    Base,
    /// With the new text only.
    New,
    /// With the base and the new text: exact.
    BaseAndNew,
}

/// Counts of what was recovered (characters of the flattened text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub kept_chars: usize,
    pub inserted_chars: usize,
    pub deleted_chars: usize,
    pub undecided_chars: usize,
    /// Changes (maximal runs) per evidence kind, in the order of [`EVIDENCE_KINDS`].
    pub changes_by_evidence: [usize; 5],
    /// Characters restored or dropped as normalizations (hyphens, whitespace).
    pub normalizations: usize,
    /// With B and P: stretches where F could not be reconciled with both (0 when exact).
    pub conflicts: usize,
}

/// The evidence kinds in the order of [`Stats::changes_by_evidence`].
pub const EVIDENCE_KINDS: [EvidenceKind; 5] = [
    EvidenceKind::BaseAlignment,
    EvidenceKind::ReplacementPattern,
    EvidenceKind::Structure,
    EvidenceKind::NewText,
    EvidenceKind::Undecided,
];

fn evidence_index(kind: EvidenceKind) -> usize {
    EVIDENCE_KINDS.iter().position(|&k| k == kind).unwrap_or(0)
}

/// The result of a recovery.
#[derive(Debug, Clone)]
pub struct Recovery {
    /// The document with its recovered changes.
    pub document: Document,
    /// The flattened text the marks refer to.
    pub text: String,
    /// The flattened text cut into kept, inserted, deleted and undecided stretches.
    pub marks: Vec<Mark>,
    /// Text placed that the flattened text lacks.
    pub extras: Vec<Extra>,
    /// Flattening points, doubled insertions, and other observations.
    pub findings: Vec<Finding>,
    pub stats: Stats,
    pub mode: Mode,
}

impl Recovery {
    /// The marks that change text (insertions, deletions) or are undecided.
    pub fn changes(&self) -> impl Iterator<Item = &Mark> {
        self.marks.iter().filter(|m| m.kind != MarkKind::Kept)
    }

    /// The document as Markdown with CriticMarkup: each change is followed by a comment
    /// `{>>evidence confidence<<}`; undecided stretches are `{==...==}{>>undecided: ...<<}`,
    /// which accepting and rejecting both keep.
    pub fn to_markdown(&self) -> String {
        let doc = build::document(self, true, &Options::default());
        amend_text::write_markdown(&doc)
    }

    /// The text with all recovered changes accepted (`true`) or rejected.
    pub fn view_text(&self, accepted: bool) -> String {
        build::view_text(self, accepted)
    }
}

/// Recovers the changes of the flattened text `flat`, given the base and/or the new text
/// when available.
pub fn unflatten(flat: &str, base: Option<&str>, new: Option<&str>, options: &Options) -> Recovery {
    let (cells, extras, mut findings, conflicts, mode) = match (base, new) {
        (Some(b), Some(p)) => {
            let out = exact::exact(flat, b, p);
            (
                out.cells,
                out.extras,
                Vec::new(),
                out.conflicts,
                Mode::BaseAndNew,
            )
        }
        (Some(b), None) => {
            let out = evidence::with_base(flat, b);
            (out.cells, out.extras, out.findings, 0, Mode::Base)
        }
        (None, Some(p)) => {
            let out = evidence::with_new(flat, p);
            (out.cells, out.extras, out.findings, 0, Mode::New)
        }
        (None, None) => {
            let out = detect::flat_only(flat);
            (out.cells, Vec::new(), out.findings, 0, Mode::FlatOnly)
        }
    };
    if mode != Mode::FlatOnly {
        // Flattening points stay worth reporting even when the base decided them.
        for point in detect::doubled_phrase_points(flat) {
            findings.push(point.finding());
        }
    }
    let mut cells = cells;
    slide_to_line_ends(flat, &mut cells);
    move_line_ends_across_blanks(flat, &mut cells);
    join_double_labels(flat, &mut cells);
    let marks = build::marks(&cells);
    let mut recovery = Recovery {
        document: Document::new(amend_model::Body::Generic(Default::default())),
        text: flat.to_string(),
        marks,
        extras,
        findings,
        stats: Stats::default(),
        mode,
    };
    recovery.stats = build::stats(&recovery, conflicts);
    recovery.document = build::document(&recovery, options.annotate, options);
    recovery
}

/// A changed run holding a line end but not ending with one is shifted, where the text
/// repeats, to end with it: whole lines change with their paragraph marks.
fn slide_to_line_ends(f: &str, cells: &mut [Cell]) {
    let b = f.as_bytes();
    let n = b.len();
    let mut s = 0;
    while s < n {
        if cells[s].mark == MarkKind::Kept {
            s += 1;
            continue;
        }
        let mut e = s;
        while e < n && cells[e] == cells[s] {
            e += 1;
        }
        if b[e - 1] != b'\n' && b[s..e].contains(&b'\n') {
            let mut k = 0;
            let mut found = None;
            while e + k < n
                && k < 400
                && b[s + k] == b[e + k]
                && cells[e + k].mark == MarkKind::Kept
            {
                k += 1;
                if b[e + k - 1] == b'\n' {
                    found = Some(k);
                    break;
                }
            }
            if let Some(k) = found {
                let moved = cells[s];
                for i in 0..k {
                    cells[s + i] = cells[e + i];
                    cells[e + i] = moved;
                }
                e += k;
            }
        }
        s = e;
    }
}

/// `names;\n` + `\n` + `vi) new item;` + `\n`: the changed line end stands apart
/// from its line, across blank lines. Line ends are equal, so the changed one moves to
/// the end of the changed line when only whitespace lies between.
fn move_line_ends_across_blanks(f: &str, cells: &mut [Cell]) {
    let b = f.as_bytes();
    let n = b.len();
    let mut s = 0;
    while s < n {
        if cells[s].mark == MarkKind::Kept {
            s += 1;
            continue;
        }
        let mut e = s;
        while e < n && cells[e] == cells[s] {
            e += 1;
        }
        if e < n && b[e] == b'\n' && b[e - 1] != b'\n' && cells[e].mark == MarkKind::Kept {
            let mut p = s;
            while p > 0 && cells[p - 1].mark == MarkKind::Kept && b[p - 1].is_ascii_whitespace() {
                p -= 1;
            }
            if p > 0 && p < s && b[p - 1] == b'\n' && cells[p - 1] == cells[s] {
                cells.swap(e, p - 1);
            }
        }
        s = e;
    }
}

/// `d) b) that`: an inserted and a deleted label in a row. The space between them goes
/// with the first, so the two read as one replaced label (whitespace is no change).
fn join_double_labels(f: &str, cells: &mut [Cell]) {
    for (ls, le) in evidence::line_ranges(f) {
        let line = &f[ls..le];
        let Some(first) = labels::leading_label(line) else {
            continue;
        };
        let Some(second) =
            labels::label_at(line, first.sep_end).filter(|_| first.sep_end > first.end)
        else {
            continue;
        };
        let (a, b) = (cells[ls + first.start], cells[ls + second.start]);
        let uniform =
            |s: usize, e: usize, c: Cell| cells[ls + s..ls + e].iter().all(|x| x.mark == c.mark);
        if a.mark != b.mark
            && a.mark != MarkKind::Kept
            && b.mark != MarkKind::Kept
            && a.mark != MarkKind::Undecided
            && b.mark != MarkKind::Undecided
            && uniform(first.start, first.end, a)
            && uniform(second.start, second.end, b)
            && uniform(first.end, first.sep_end, Cell::KEPT)
        {
            cells[ls + first.end..ls + first.sep_end].fill(a);
        }
    }
}

/// One byte's verdict: one per byte of the text, read by every pass over it, so kept to
/// four bytes (a larger cell makes a large text fall out of the processor's cache).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cell {
    pub mark: MarkKind,
    pub evidence: EvidenceKind,
    pub confidence: u8,
    /// Index into a table of details (0: none).
    pub detail: u8,
}

impl Cell {
    pub const KEPT: Cell = Cell {
        mark: MarkKind::Kept,
        evidence: EvidenceKind::BaseAlignment,
        confidence: 100,
        detail: 0,
    };
    pub fn new(mark: MarkKind, evidence: EvidenceKind, confidence: u8) -> Cell {
        Cell {
            mark,
            evidence,
            confidence,
            detail: 0,
        }
    }
}

/// The details cells refer to by index.
pub(crate) const DETAILS: [&str; 8] = [
    "",
    "meeting stamp beside a meeting stamp",
    "number glued to a number",
    "word glued to a word",
    "label replaced by a label",
    "items repeated beside their replacements: the label sequence continues without them",
    "glued to an inserted word of another shape: kept or replaced?",
    "label: kept or replaced?",
];
