//! Shared helpers of the integration tests: locating `../shared`, skipping when absent.
#![allow(dead_code)]

use std::path::PathBuf;

use amend_model::content::ChangeKind;

/// The shared fixtures folder, or `None` (with a notice) when absent outside CI.
pub fn shared(test: &str) -> Option<PathBuf> {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    if path.join("fixtures").is_dir() {
        return Some(path);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{test}: ../shared/fixtures is required when CI=true");
    }
    eprintln!("{test}: skipped, ../shared/fixtures is absent");
    None
}

pub fn read(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One change as the acceptance tests compare them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rec {
    pub kind: &'static str,
    pub text: String,
    pub author: Option<String>,
    pub date: Option<String>,
}

/// Insertions and deletions (moves counted as such), adjacent equal marks merged.
pub fn text_changes(spans: impl Iterator<Item = amend_model::Span>) -> Vec<Rec> {
    let mut out: Vec<Rec> = Vec::new();
    for span in spans {
        let Some(change) = span.change else { continue };
        let kind = match change.kind {
            ChangeKind::Insertion | ChangeKind::MoveTo => "insertion",
            ChangeKind::Deletion | ChangeKind::MoveFrom => "deletion",
            _ => continue,
        };
        if let Some(last) = out.last_mut()
            && last.kind == kind
            && last.author == change.author
            && last.date == change.date
        {
            last.text.push_str(&span.text);
            continue;
        }
        out.push(Rec {
            kind,
            text: span.text,
            author: change.author,
            date: change.date,
        });
    }
    out
}
