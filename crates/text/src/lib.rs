//! # amend-text
//!
//! Readers for text in the ITU and UN layouts (plain, or with CriticMarkup), and the
//! writers that show a document to people and programs: plain text, Markdown with
//! CriticMarkup, and JSON. Pure functions over strings; the caller does the I/O.
//!
//! ```
//! use amend_text::{read_critic, write_text, ReadOptions};
//! use amend_model::View;
//! let doc = read_critic("a {--old--}{++new++} text\n", &ReadOptions::default());
//! assert_eq!(write_text(&doc, Some(View::Accepted)), "a new text\n");
//! assert_eq!(write_text(&doc, Some(View::Rejected)), "a old text\n");
//! ```

mod find;
mod json;
mod lines;
mod parts;
mod read;
mod write;

pub use json::{JsonOptions, spans as json_spans, to_json, write_json};
pub use lines::{Line, lines};
pub use parts::{ResolutionText, read_part, split_collection};
pub use read::{Markup, ReadOptions, has_critic_marks, read, read_critic, read_plain};
pub use write::{write_markdown, write_text};
