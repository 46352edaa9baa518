//! The document model: what a resolution, a contribution, a collection and a generic
//! document are made of.

use serde::Serialize;

use crate::content::{Change, Content};
use crate::label::Label;
use crate::span::SourceSpan;

/// A parsed document with what the reader noticed on the way.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    pub body: Body,
    /// Footnotes and endnotes, in order.
    pub footnotes: Vec<Footnote>,
    /// Extractor markers (`[bookmark: _GoBack]`) removed from the text.
    pub removed_markers: Vec<RemovedMarker>,
    /// Words like `ITUT` where a non-breaking hyphen was probably lost (text unchanged).
    pub lost_hyphens: Vec<Finding>,
    /// Warnings about the reading itself (inferred action, unknown source...).
    pub warnings: Vec<Finding>,
}

impl Document {
    pub fn new(body: Body) -> Self {
        Self {
            body,
            footnotes: Vec::new(),
            removed_markers: Vec::new(),
            lost_hyphens: Vec::new(),
            warnings: Vec::new(),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self.body {
            Body::Resolution(_) => "resolution",
            Body::Contribution(_) => "contribution",
            Body::Collection(_) => "collection",
            Body::Generic(_) => "generic",
        }
    }

    /// The resolutions of the document: one, each proposal's, each of a collection, or none.
    pub fn resolutions(&self) -> Vec<&Resolution> {
        match &self.body {
            Body::Resolution(r) => vec![r],
            Body::Contribution(c) => c
                .proposals
                .iter()
                .filter_map(|p| p.resolution.as_ref())
                .collect(),
            Body::Collection(c) => c.resolutions.iter().collect(),
            Body::Generic(_) => Vec::new(),
        }
    }

    pub fn resolutions_mut(&mut self) -> Vec<&mut Resolution> {
        match &mut self.body {
            Body::Resolution(r) => vec![r],
            Body::Contribution(c) => c
                .proposals
                .iter_mut()
                .filter_map(|p| p.resolution.as_mut())
                .collect(),
            Body::Collection(c) => c.resolutions.iter_mut().collect(),
            Body::Generic(_) => Vec::new(),
        }
    }
}

/// What kind of document this is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // One body per document: boxing buys nothing.
pub enum Body {
    Resolution(Resolution),
    Contribution(Contribution),
    Collection(Collection),
    Generic(Generic),
}

/// A text marker an extractor left in the text, removed by the reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemovedMarker {
    pub text: String,
    pub span: SourceSpan,
}

/// A located observation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: String,
    pub message: String,
    pub span: SourceSpan,
}

/// A footnote or endnote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Footnote {
    /// The marker as written (`1`, `bis`, `*`).
    pub marker: String,
    pub content: Content,
    /// The note inserted or deleted whole (with its reference): it is in one view only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mark: Option<Box<Change>>,
    pub span: SourceSpan,
}

/// A paragraph-level block of a generic document or of front matter.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Heading {
        level: u8,
        content: Content,
        span: SourceSpan,
    },
    Paragraph {
        content: Content,
        /// A change to the paragraph as a whole (its mark inserted or deleted).
        #[serde(skip_serializing_if = "Option::is_none")]
        mark: Option<Box<Change>>,
        span: SourceSpan,
    },
    ListItem {
        label: Label,
        content: Content,
        span: SourceSpan,
    },
    /// A table: rows of cells.
    Table {
        rows: Vec<Vec<Content>>,
        span: SourceSpan,
    },
}

impl Block {
    pub fn span(&self) -> SourceSpan {
        match self {
            Block::Heading { span, .. }
            | Block::Paragraph { span, .. }
            | Block::ListItem { span, .. }
            | Block::Table { span, .. } => *span,
        }
    }
}

/// A document with no resolution structure: the fallback, never an error.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Generic {
    pub blocks: Vec<Block>,
}

/// The kind of an instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InstrumentKind {
    Resolution,
    Decision,
    Recommendation,
    Opinion,
}

/// Which instrument a resolution is: body, kind and number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Instrument {
    /// The assembly or body (`WTSA`, `PP`, `Council`, `UNGA`), when known.
    pub body: Option<String>,
    pub kind: InstrumentKind,
    /// The number as written (`75`, `ITU-R 61`, `1332`, `70/125`).
    pub number: String,
}

/// A `Rev. Place, Year` stamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    pub as_written: String,
    pub place: Option<String>,
    pub year: Option<u16>,
}

/// A meeting named in a history line or enacting formula.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meeting {
    pub place: String,
    pub year: Option<u16>,
}

/// The title block line `RESOLUTION 75 (Rev. Dubai, 2012)`, title and history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TitleBlock {
    /// The number line as written, marks included.
    pub number_line: Content,
    pub instrument: Instrument,
    pub revision: Option<Revision>,
    pub title: Content,
    pub history: Option<History>,
    pub span: SourceSpan,
}

/// The history line: every meeting that adopted or revised the text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct History {
    pub content: Content,
    pub meetings: Vec<Meeting>,
    /// Footnote markers attached to the line (`[1]`, `2`).
    pub footnote_markers: Vec<String>,
}

/// `The World Telecommunication Standardization Assembly (Dubai, 2012),`
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Enacting {
    pub content: Content,
    pub body: Option<String>,
    pub meeting: Option<Meeting>,
    pub span: SourceSpan,
}

/// Preamble or operative part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    Preamble,
    Operative,
    /// A numbered division (`SECTION 1`) of the operative part.
    Division,
}

/// A section of a resolution: a heading and its items.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub eid: String,
    pub wid: String,
    pub kind: SectionKind,
    /// The heading as written (`considering`, `SECTION 1`); empty for UN layout parts.
    pub heading: Content,
    /// A division's title (`General`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<Content>,
    /// Items, and unlabelled paragraphs as items without a label.
    pub items: Vec<Item>,
    /// A change to the heading paragraph as a whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mark: Option<Box<Change>>,
    pub span: SourceSpan,
}

/// A labelled item or an unlabelled paragraph of a section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub eid: String,
    pub wid: String,
    pub label: Option<Label>,
    pub content: Content,
    pub children: Vec<Item>,
    /// A change to the paragraph as a whole (its mark inserted or deleted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mark: Option<Box<Change>>,
    pub span: SourceSpan,
}

impl Item {
    /// This item and all items below it, depth first.
    pub fn walk(&self) -> Vec<&Item> {
        let mut out = vec![self];
        for child in &self.children {
            out.extend(child.walk());
        }
        out
    }
}

/// An annex or appendix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Annex {
    pub eid: String,
    pub heading: Content,
    pub blocks: Vec<Block>,
    pub span: SourceSpan,
}

/// A resolution (or decision): title block, enacting formula, sections, annexes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resolution {
    /// Anything before the title block (cover tables, foreword), kept.
    pub front_matter: Vec<Block>,
    pub title_block: TitleBlock,
    pub enacting: Option<Enacting>,
    pub sections: Vec<Section>,
    pub annexes: Vec<Annex>,
    pub span: SourceSpan,
}

impl Resolution {
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.sections
            .iter()
            .flat_map(|s| s.items.iter().flat_map(Item::walk))
    }
}

/// Several resolutions in one file (Final Acts).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Collection {
    pub front_matter: Vec<Block>,
    pub resolutions: Vec<Resolution>,
}

/// What a proposal does to an instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Action {
    #[serde(rename = "MOD")]
    Modify,
    #[serde(rename = "ADD")]
    Add,
    #[serde(rename = "SUP")]
    Suppress,
    #[serde(rename = "NOC")]
    NoChange,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Modify => "MOD",
            Action::Add => "ADD",
            Action::Suppress => "SUP",
            Action::NoChange => "NOC",
        }
    }

    pub fn parse(text: &str) -> Option<Action> {
        match text {
            "MOD" => Some(Action::Modify),
            "ADD" => Some(Action::Add),
            "SUP" => Some(Action::Suppress),
            "NOC" => Some(Action::NoChange),
            _ => None,
        }
    }
}

/// The kind of an envelope part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    Title,
    Source,
    Reference,
    Abstract,
    Introduction,
    Proposal,
    Contact,
    Other,
}

/// One part of a contribution's envelope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnvelopePart {
    pub kind: PartKind,
    /// The heading as written (`Abstract:`), if the part has one.
    pub heading: Option<Content>,
    pub paragraphs: Vec<Content>,
    pub span: SourceSpan,
}

/// One proposal of a contribution: an action on an instrument.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    pub action: Action,
    /// True when no margin line gave the action and it was inferred.
    pub action_inferred: bool,
    /// The margin line as written (`MOD ARB/43A16/1`).
    pub margin: Option<String>,
    pub instrument: Instrument,
    pub source: Option<String>,
    pub resolution: Option<Resolution>,
    pub span: SourceSpan,
}

/// A contribution: envelope, proposals and the contact block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    /// The parts before the proposals, in document order.
    pub envelope: Vec<EnvelopePart>,
    pub proposals: Vec<Proposal>,
    /// The parts after the proposals (the contact block).
    pub trailer: Vec<EnvelopePart>,
    /// The contribution's source (`CITEL`), when known.
    pub source: Option<String>,
}
