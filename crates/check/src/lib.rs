//! # amend-check
//!
//! Checks a parsed resolution or contribution the way a compiler checks code: every
//! finding has a stable code (`numbering/duplicate`, `flatten/run-together-stamp`), a
//! severity, a message, a primary span into the input, secondary labels, and where it is
//! safe a fix made of text edits. Pure: the caller reads files and prints the report
//! with [`render`].
//!
//! Codes (E: error, W: warning; fixes marked *safe* are applied by `--fix`):
//! - `numbering/duplicate`, `numbering/missing`, `numbering/mixed`,
//!   `numbering/out-of-sequence` (E, safe renumbering fix); `numbering/doubled-label`
//!   (E, `bd)`, `b) a)`: fixed only with a base, which says which label is old);
//!   `numbering/reletter` (W, safe); `numbering/separator` (W).
//! - `flatten/run-together-stamp`, `flatten/doubled-phrase` (E, suggestions);
//!   `flatten/run-together-numbers`, `flatten/glued-words` (W);
//!   `flatten/extractor-marker`, `flatten/lost-hyphen` (W, safe).
//! - `title-block/inconsistent`, `structure/empty-item`, `structure/empty-section` (E).
//! - `punctuation/item-end`, `punctuation/last-item`, `punctuation/unbalanced` (W).
//! - `citation/malformed`, `citation/missing-rev`, `citation/stale`,
//!   `citation/title-mismatch` (W), judged with the [`Registry`].
//!
//! ```
//! use amend_check::{check, CheckOptions, Severity};
//! let text = "RESOLUTION 7 (Rev. Dubai, 2012)\nOn standards\n(Geneva, 2008; Dubai, 2012)\n\
//!     The World Telecommunication Standardization Assembly (Dubai, 2012),\n\
//!     considering\na) that one;\nc) that two,\nresolves\n1\tto act.\n";
//! let doc = amend_text::read_plain(text, &Default::default());
//! let report = check(&doc, &CheckOptions::default());
//! let missing = report.diagnostics.iter().find(|d| d.code == "numbering/missing").unwrap();
//! assert_eq!(missing.severity, Severity::Error);
//! assert_eq!(&text[missing.span.start..missing.span.end], "c)");
//! ```

mod base;
mod citations;
mod flatten;
mod numbering;
pub mod registry;
pub mod render;
mod structure;
mod text;

use amend_model::{Document, SourceSpan};
use serde::Serialize;

pub use registry::{Registry, RegistryError};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A secondary location of a finding, with what it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: SourceSpan,
    pub message: String,
}

/// One replacement of a byte range of the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub span: SourceSpan,
    pub replacement: String,
}

/// A suggested fix: edits that belong together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub description: String,
    pub edits: Vec<Edit>,
    /// Safe fixes are applied by `--fix`; the others are suggestions only.
    pub safe: bool,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code: `family/kind`.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Where the finding is (byte range of the input).
    pub span: SourceSpan,
    /// What the primary span shows, if anything more than the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(
        code: &'static str,
        severity: Severity,
        span: SourceSpan,
        message: impl Into<String>,
    ) -> Self {
        Self {
            code,
            severity,
            message: message.into(),
            span,
            label: None,
            labels: Vec::new(),
            help: None,
            fix: None,
        }
    }

    pub fn error(code: &'static str, span: SourceSpan, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, span, message)
    }

    pub fn warning(code: &'static str, span: SourceSpan, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, span, message)
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_secondary(mut self, span: SourceSpan, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// The family of the code (`numbering` for `numbering/duplicate`).
    pub fn family(&self) -> &'static str {
        self.code.split('/').next().unwrap_or(self.code)
    }
}

/// What the checks need besides the document.
#[derive(Debug, Clone)]
pub struct CheckOptions<'a> {
    /// Known instruments and their revisions (the built-in table by default).
    pub registry: &'a Registry,
    /// The input text the document was read from: enables the checks that look at the
    /// bytes between nodes (separators after labels).
    pub source: Option<&'a str>,
    /// The base text the document modifies (`--base`): lets fixes decide doubled labels.
    pub base: Option<&'a Document>,
}

impl Default for CheckOptions<'_> {
    fn default() -> Self {
        Self {
            registry: Registry::builtin_ref(),
            source: None,
            base: None,
        }
    }
}

/// All findings of one document, in input order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// Findings with this code.
    pub fn with_code<'r>(&'r self, code: &'r str) -> impl Iterator<Item = &'r Diagnostic> + 'r {
        self.diagnostics.iter().filter(move |d| d.code == code)
    }
}

/// Runs every check on `doc`.
pub fn check(doc: &Document, options: &CheckOptions) -> Report {
    let texts = text::collect(doc);
    let mut out = Vec::new();
    flatten::check(doc, &texts, &mut out);
    numbering::check(doc, options, &mut out);
    structure::check(doc, &texts, options, &mut out);
    citations::check(doc, &texts, options.registry, &mut out);
    out.sort_by(|a, b| (a.span.start, a.span.end, a.code).cmp(&(b.span.start, b.span.end, b.code)));
    out.dedup_by(|a, b| a.code == b.code && a.span == b.span);
    Report { diagnostics: out }
}

/// The input with the fixes of the report applied: the safe ones, or all when
/// `include_unsafe`. Overlapping edits after the first are skipped.
pub fn apply_fixes(source: &str, report: &Report, include_unsafe: bool) -> String {
    let mut edits: Vec<&Edit> = report
        .diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .filter(|f| f.safe || include_unsafe)
        .flat_map(|f| f.edits.iter())
        .filter(|e| {
            e.span.start <= e.span.end
                && e.span.end <= source.len()
                && source.is_char_boundary(e.span.start)
                && source.is_char_boundary(e.span.end)
        })
        .collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for edit in edits {
        if edit.span.start < at {
            continue;
        }
        out.push_str(&source[at..edit.span.start]);
        out.push_str(&edit.replacement);
        at = edit.span.end;
    }
    out.push_str(&source[at..]);
    out
}
