//! A change-marked content cut into what the writers show: plain text, insertions and
//! deletions with their sources, and conflicts (the base text they replace and one
//! alternative per source).

use amend_model::{ChangeKind, Content};

use crate::regions::CONFLICT;

/// One alternative of a conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Alternative {
    pub sources: String,
    pub text: String,
    /// The source deletes the text.
    pub deleted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Plain(String),
    Inserted {
        text: String,
        sources: Option<String>,
    },
    Deleted {
        text: String,
        sources: Option<String>,
    },
    /// Alternatives, with the base text they replace.
    Conflict {
        base: String,
        alternatives: Vec<Alternative>,
    },
}

pub(crate) fn pieces(content: &Content) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut pending_base: Option<String> = None;
    for span in &content.spans {
        let sources = span.change.as_ref().and_then(|c| c.source.clone());
        match span.change.as_ref().map(|c| (c.kind, c.detail.as_deref())) {
            Some((ChangeKind::Deletion, Some(CONFLICT))) => {
                pending_base = Some(span.text.clone());
            }
            Some((ChangeKind::Alternative, detail)) => {
                let alternative = Alternative {
                    sources: sources.unwrap_or_default(),
                    text: span.text.clone(),
                    deleted: detail == Some("deletion"),
                };
                match (pending_base.take(), out.last_mut()) {
                    (None, Some(Piece::Conflict { alternatives, .. })) => {
                        alternatives.push(alternative)
                    }
                    (base, _) => out.push(Piece::Conflict {
                        base: base.unwrap_or_default(),
                        alternatives: vec![alternative],
                    }),
                }
            }
            Some((k, _)) if k.changes_text() && k.in_accepted() => out.push(Piece::Inserted {
                text: span.text.clone(),
                sources,
            }),
            Some((k, _)) if k.changes_text() => out.push(Piece::Deleted {
                text: span.text.clone(),
                sources,
            }),
            Some((ChangeKind::Comment, _)) => {}
            _ => match out.last_mut() {
                Some(Piece::Plain(t)) => t.push_str(&span.text),
                _ => out.push(Piece::Plain(span.text.clone())),
            },
        }
    }
    if let Some(base) = pending_base {
        out.push(Piece::Deleted {
            text: base,
            sources: None,
        });
    }
    out
}

/// How a deleting alternative is shown.
pub(crate) const DELETION_TEXT: &str = "(deletion)";
