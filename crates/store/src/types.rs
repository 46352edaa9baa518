//! What the store returns: plain data, serialisable for the JSON API.

use serde::Serialize;
use utoipa::ToSchema;

/// The result of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(tag = "outcome", content = "id", rename_all = "snake_case")]
pub enum ImportOutcome {
    /// Stored as a new document with this id.
    Imported(i64),
    /// The same bytes were imported before as this document; nothing was written.
    Duplicate(i64),
}

impl ImportOutcome {
    pub fn id(self) -> i64 {
        match self {
            ImportOutcome::Imported(id) | ImportOutcome::Duplicate(id) => id,
        }
    }
}

/// A document in lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DocumentSummary {
    pub id: i64,
    pub file_name: String,
    pub format: String,
    /// `resolution`, `contribution`, `collection` or `generic`.
    pub kind: String,
    pub title: String,
    pub body: Option<String>,
    pub source: Option<String>,
    pub meeting: Option<String>,
    pub doc_number: Option<String>,
    pub sha256: String,
    pub size: i64,
    pub imported_at: String,
    /// The id of the group the document is restricted to (`None`: public).
    pub restricted_to: Option<i64>,
}

/// A document with its text and parsed structure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DocumentRecord {
    #[serde(flatten)]
    pub summary: DocumentSummary,
    /// The text as written (both sides of every change).
    pub text: String,
    /// The document model as JSON (`amend_text::to_json`).
    pub parsed_json: String,
    pub versions: Vec<VersionRecord>,
    pub proposals: Vec<ProposalRecord>,
    pub citations: Vec<CitationRecord>,
}

/// The imported file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub file_name: String,
    pub format: String,
    pub bytes: Vec<u8>,
}

/// An instrument with counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct InstrumentSummary {
    pub id: i64,
    /// `WTSA`, `PP`, `Council`...; empty when no document said.
    pub body: String,
    /// `resolution`, `decision`, `recommendation`, `opinion`.
    pub kind: String,
    pub number: String,
    pub title: Option<String>,
    pub versions: i64,
    pub proposals: i64,
    pub cited_by: i64,
}

impl InstrumentSummary {
    /// `WTSA Resolution 75`.
    pub fn label(&self) -> String {
        let kind = capitalise(&self.kind);
        if self.body.is_empty() {
            format!("{kind} {}", self.number)
        } else {
            format!("{} {kind} {}", self.body, self.number)
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A version of an instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct VersionRecord {
    pub id: i64,
    pub instrument_id: i64,
    pub document_id: i64,
    /// Index of the resolution in its document (0 unless a collection).
    pub position: i64,
    /// `Rev. Dubai, 2012` as written.
    pub revision: Option<String>,
    pub place: Option<String>,
    pub year: Option<i64>,
    pub title: String,
    pub items: i64,
    /// Instrument key, for registries.
    pub body: String,
    pub kind: String,
    pub number: String,
}

/// A proposal on an instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProposalRecord {
    pub id: i64,
    pub document_id: i64,
    pub position: i64,
    pub instrument_id: i64,
    /// `MOD`, `ADD`, `SUP`, `NOC`.
    pub action: String,
    pub action_inferred: bool,
    pub margin: Option<String>,
    pub source: Option<String>,
    /// The contribution's title and meeting.
    pub document_title: String,
    pub meeting: Option<String>,
}

/// A citation, with whether a newer version of the cited instrument is in the library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CitationRecord {
    pub id: i64,
    pub document_id: i64,
    pub document_title: String,
    pub body: String,
    pub kind: String,
    pub number: String,
    pub revision: Option<String>,
    pub year: Option<i64>,
    pub as_written: String,
    /// The cited instrument, when it is in the library.
    pub instrument_id: Option<i64>,
    /// The newest year of the cited instrument in the library, when newer than cited.
    pub newer_year: Option<i64>,
}

impl CitationRecord {
    pub fn stale(&self) -> bool {
        self.newer_year.is_some()
    }
}

/// An instrument with everything the library knows about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct InstrumentDetail {
    #[serde(flatten)]
    pub summary: InstrumentSummary,
    /// Oldest first.
    pub versions: Vec<VersionRecord>,
    pub proposals: Vec<ProposalRecord>,
    /// Citations of this instrument in other documents.
    pub cited_by: Vec<CitationRecord>,
}

/// What to search for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// Words and `"quoted phrases"`; all must match.
    pub text: String,
    pub body: Option<String>,
    pub meeting: Option<String>,
    pub source: Option<String>,
    /// At most this many hits (50 when 0).
    pub limit: u32,
}

impl SearchQuery {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }
}

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Version,
    Proposal,
    Contribution,
    Document,
}

impl Target {
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Version => "version",
            Target::Proposal => "proposal",
            Target::Contribution => "contribution",
            Target::Document => "document",
        }
    }

    pub fn parse(s: &str) -> Target {
        match s {
            "version" => Target::Version,
            "proposal" => Target::Proposal,
            "contribution" => Target::Contribution,
            _ => Target::Document,
        }
    }
}

/// A piece of a snippet, highlighted when it matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Fragment {
    pub text: String,
    pub hit: bool,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SearchHit {
    pub document_id: i64,
    pub target: Target,
    pub target_id: i64,
    pub title: String,
    pub body: Option<String>,
    pub meeting: Option<String>,
    pub source: Option<String>,
    pub snippet: Vec<Fragment>,
    /// BM25 rank (lower is better).
    pub rank: f64,
}

/// Filter values present in the library.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Facets {
    pub bodies: Vec<String>,
    pub meetings: Vec<String>,
    pub sources: Vec<String>,
}

/// Sizes of the library.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Stats {
    pub documents: i64,
    pub instruments: i64,
    pub versions: i64,
    pub proposals: i64,
    pub citations: i64,
}
