//! # amend-model
//!
//! The pure core of amend: the document model of resolutions, contributions,
//! collections and generic documents; text with change marks; labels; ids; the layout
//! rules that every reader uses to build the model from paragraphs; the tokenizer; and
//! the text comparison used by acceptance tests. No I/O happens here.
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
//! assert_eq!(doc.resolutions()[0].sections.len(), 2);
//! ```

pub mod content;
pub mod document;
pub mod ids;
pub mod label;
pub mod layout;
pub mod pattern;
pub mod span;
pub mod textcmp;
pub mod tokenize;
pub mod vocabulary;

pub use content::{Change, ChangeKind, Content, Evidence, EvidenceKind, Span, View};
pub use document::*;
pub use label::{Label, LabelValue, Punctuation, Scheme};
pub use span::{LineColumn, LineIndex, SourceSpan};
