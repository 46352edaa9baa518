//! The JSON output: the sources, the summary, every unit with its classification and
//! changes, then the merged draft in the document JSON of `amend parse`.

use amend_text::JsonOptions;
use serde_json::{Value, json};

use crate::Consolidation;

/// The consolidation as a JSON value.
pub fn to_json(c: &Consolidation) -> Value {
    json!({
        "base": c.title,
        "sources": c.sources,
        "summary": c.summary(),
        "units": c.units,
        "warnings": c.warnings,
        "merged": amend_text::to_json(&c.merged, JsonOptions { source: None }),
    })
}

/// The consolidation as pretty-printed JSON, ending with a line end.
pub fn write_json(c: &Consolidation) -> String {
    let mut text = serde_json::to_string_pretty(&to_json(c)).unwrap_or_else(|_| "null".into());
    text.push('\n');
    text
}
