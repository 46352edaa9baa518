//! # amend-render
//!
//! Shows a redline ([`amend_diff::Redline`]) to people: in a terminal (colours, inline or
//! side by side; plain `[-deleted-]{+inserted+}` marks when colour is off) and as one
//! self-contained HTML page (inline and two-column views, `<ins>`/`<del>`, print-friendly,
//! readable on a phone, no script needed). Also the JSON change list for programs.
//! Pure functions returning strings; the caller writes them.
//!
//! ```
//! use amend_diff::{diff_text, DiffOptions};
//! use amend_render::{html, terminal, HtmlOptions, Layout, TermOptions};
//! let r = diff_text("to ensure the quality", "to improve the quality", &DiffOptions::default());
//! let text = terminal(&r, &TermOptions { layout: Layout::Inline, color: false, width: 80 });
//! assert!(text.contains("to [-ensure-]{+improve+} the quality"));
//! assert!(html(&r, &HtmlOptions::default()).contains("<del>ensure</del><ins>improve</ins>"));
//! ```

mod html;
mod rows;
mod term;

pub use html::{HtmlOptions, html};
pub use rows::{Row, RowKind, rows};
pub use term::{Layout, TermOptions, terminal};

use amend_diff::Redline;

/// The change list and its summary as pretty-printed JSON.
pub fn json(redline: &Redline) -> String {
    let value = serde_json::json!({
        "summary": redline.summary(),
        "changes": redline.changes,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| "null".into());
    text.push('\n');
    text
}
