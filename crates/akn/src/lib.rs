//! # amend-akn
//!
//! Akoma Ntoso (OASIS LegalDocML, AKN 3.0, in the shapes of the UN's AKN4UN profile)
//! export and import for amend documents.
//!
//! * [`to_akn`] writes a document: a resolution as `statement name="resolution"` with FRBR
//!   identification, preface (number, title, history), preamble (enacting formula and
//!   `recitals`), operative `hcontainer`s of `paragraph`s, labels as `<num>`, the model's
//!   eId/wId, citations as `<ref href>` and changes as `<ins>`/`<del>`. Contributions and
//!   collections become `documentCollection`s, generic documents a `doc`. The output
//!   validates against the OASIS Standard schema (`akomantoso30.xsd`).
//! * [`from_akn`] reads AKN (3.0, and the WD17/CSD02 working drafts of the OASIS examples)
//!   into the model as far as the model goes, and reports what falls outside it. Entities
//!   are never expanded: a DTD is rejected, as are inputs over the size, depth and
//!   attribute limits of [`ImportOptions`].
//!
//! Identifiers: see [`uri`] for the work/expression/manifestation URIs and the
//! `FRBRcountry` rule (`itu` for ITU bodies, `un` otherwise).
//!
//! ## Mapping
//!
//! | model | AKN |
//! | --- | --- |
//! | resolution | `statement name="resolution"` (or `decision`...) |
//! | front matter | `coverPage` |
//! | number line, title, history | `preface`: `p class="number"` with `docNumber`, `p class="title"` with `docTitle`, `p class="history"` |
//! | enacting formula | `preamble/formula name="enactingFormula"` |
//! | preamble section | `recitals` (`heading`, `recital`s); sub-items as `blockList/item` |
//! | operative section, division | `mainBody/hcontainer name="operative"` / `"division"` (title as `subheading`), items as `paragraph`, sub-items as `subparagraph` |
//! | label | `num` (its parsed value in `amend:scheme`, `amend:numbers`...) |
//! | insertion, deletion, moves | `ins`, `del`, `ins class="move_to"`, `del class="move_from"`; author, date, source, evidence in `amend:` attributes |
//! | comments, highlights, alternatives... | `span amend:kind="..."` |
//! | a whole-paragraph change | `amend:mark` (and `amend:markAuthor`...) on the element |
//! | annex | `attachments/attachment/doc name="annex"` |
//! | footnotes | `meta/notes/note` |
//! | contribution | `documentCollection name="contribution"`: envelope `doc`, one `statement` per proposal with `activeModifications` (MOD substitution, ADD insertion, SUP repeal; NOC has none), trailer `doc` |
//! | collection | `documentCollection name="collection"` of `statement`s |
//! | generic document | `doc name="document"`: `p`, `p class="heading"`, `blockList`, `table` |
//! | reader findings, proposal margin, instrument | `meta/proprietary` in the [`AMEND_NS`] namespace |
//!
//! Inside a `documentCollection` every eId is prefixed with its component's
//! (`cmp_2__preamble__considering`), as the schema wants eIds unique in the whole
//! document; the import strips the prefix. wIds are written as they are.
//!
//! ```
//! use amend_model::{layout, Content, SourceSpan};
//! let text = "RESOLUTION 7 (Rev. Dubai, 2012)\nOn standards\n(Dubai, 2012)\n\
//!     The World Telecommunication Standardization Assembly (Dubai, 2012),\n\
//!     considering\na) that;\nresolves\n1\tto act.";
//! let paragraphs = text
//!     .split('\n')
//!     .map(|line| layout::Paragraph::new(Content::plain(line), SourceSpan::default()))
//!     .collect();
//! let doc = layout::build(layout::LayoutInput { paragraphs, ..Default::default() });
//! let xml = amend_akn::to_akn(&doc, &amend_akn::ExportOptions::default());
//! assert!(xml.contains(r#"<statement name="resolution">"#));
//! assert!(amend_akn::is_akn(&xml));
//! let back = amend_akn::from_akn(&xml).unwrap();
//! assert_eq!(back.resolutions()[0].sections[0].items[0].eid, "preamble__considering__item_a");
//! ```

pub mod cite;
mod export;
mod import;
pub mod uri;
mod xml;

pub use export::{ExportOptions, to_akn};
pub use import::{ImportOptions, ImportReport, Imported, from_akn, from_akn_with};

/// Whether `text` looks like an Akoma Ntoso document (its root element, after any XML
/// declaration and comments, is `akomaNtoso`): for picking the reader of a `.xml` input.
pub fn is_akn(text: &str) -> bool {
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    loop {
        if let Some(r) = rest.strip_prefix("<?") {
            match r.find("?>") {
                Some(end) => rest = r[end + 2..].trim_start(),
                None => return false,
            }
        } else if let Some(r) = rest.strip_prefix("<!--") {
            match r.find("-->") {
                Some(end) => rest = r[end + 3..].trim_start(),
                None => return false,
            }
        } else {
            break;
        }
    }
    let Some(tag) = rest.strip_prefix('<') else {
        return false;
    };
    let name: String = tag
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
        .collect();
    name == "akomaNtoso" || name.ends_with(":akomaNtoso")
}

/// The namespace of the OASIS Standard (AKN 3.0).
pub const AKN_NS: &str = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0";

/// The namespace of amend's own attributes and `proprietary` metadata.
pub const AMEND_NS: &str = "urn:x-amend:akn:1";

/// Why an AKN input was not read. Positions are 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AknError {
    #[error("{line}:{column}: malformed XML: {message}")]
    Xml {
        line: u32,
        column: u32,
        message: String,
    },
    #[error(
        "{line}:{column}: a document type declaration (DTD) is not accepted: entities are never expanded"
    )]
    Dtd { line: u32, column: u32 },
    #[error("1:1: the input is {size} bytes, more than the limit of {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("{line}:{column}: elements nest deeper than the limit of {limit}")]
    TooDeep {
        line: u32,
        column: u32,
        limit: usize,
    },
    #[error("{line}:{column}: more than {limit} XML nodes")]
    TooManyNodes { line: u32, column: u32, limit: u32 },
    #[error(
        "{line}:{column}: attribute `{name}` is {len} bytes long, more than the limit of {limit}"
    )]
    AttributeTooLong {
        line: u32,
        column: u32,
        name: String,
        len: usize,
        limit: usize,
    },
    #[error("{line}:{column}: not an Akoma Ntoso document: {message}")]
    NotAkn {
        line: u32,
        column: u32,
        message: String,
    },
}

impl AknError {
    /// The 1-based line and column the error points at.
    pub fn line_column(&self) -> (u32, u32) {
        match self {
            AknError::Xml { line, column, .. }
            | AknError::Dtd { line, column }
            | AknError::TooDeep { line, column, .. }
            | AknError::TooManyNodes { line, column, .. }
            | AknError::AttributeTooLong { line, column, .. }
            | AknError::NotAkn { line, column, .. } => (*line, *column),
            AknError::TooLarge { .. } => (1, 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_akn_roots() {
        assert!(is_akn(
            "<?xml version=\"1.0\"?>\n<!-- c -->\n<akomaNtoso xmlns=\"x\">"
        ));
        assert!(is_akn("<akn:akomaNtoso xmlns:akn=\"x\"/>"));
        assert!(!is_akn("<w:document/>"));
        assert!(!is_akn("RESOLUTION 1"));
        assert!(!is_akn("<!-- unterminated"));
    }
}
