//! The Markdown output: a heading, the synoptic table as a pipe table (one row per unit,
//! a column for the base and one per source, CriticMarkup marks), then the merged draft
//! in the plain-text layout with CriticMarkup for the applied changes and
//! `[CITEL: ... / CEPT: ...]` for each conflict. Literal square brackets are escaped.

use amend_model::{ChangeKind, Content};
use amend_text::lines;

use crate::pieces::{DELETION_TEXT, Piece, pieces};
use crate::{Classification, Consolidation, Unit};

/// Escapes literal square brackets (and backslashes before them) in text.
pub(crate) fn escape_brackets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A conflict's alternatives as `[CITEL: ... / CEPT: ...]` (text already escaped).
pub(crate) fn bracketed(
    alternatives: &[crate::pieces::Alternative],
    escape: fn(&str) -> String,
) -> String {
    let parts: Vec<String> = alternatives
        .iter()
        .map(|a| {
            let text = if a.deleted || a.text.trim().is_empty() {
                DELETION_TEXT.to_string()
            } else {
                escape(a.text.trim())
            };
            format!("{}: {}", a.sources, text)
        })
        .collect();
    let (before, after) = outer_spaces(alternatives);
    format!("{before}[{}]{after}", parts.join(" / "))
}

/// The spaces every alternative starts and ends with, shown outside the brackets.
pub(crate) fn outer_spaces(
    alternatives: &[crate::pieces::Alternative],
) -> (&'static str, &'static str) {
    let texts: Vec<&str> = alternatives
        .iter()
        .filter(|a| !a.deleted && !a.text.trim().is_empty())
        .map(|a| a.text.as_str())
        .collect();
    let all = |f: fn(&str) -> bool| !texts.is_empty() && texts.iter().all(|t| f(t));
    (
        if all(|t| t.starts_with(char::is_whitespace)) {
            " "
        } else {
            ""
        },
        if all(|t| t.ends_with(char::is_whitespace)) {
            " "
        } else {
            ""
        },
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Plain,
    Ins,
    Del,
    Raw,
}

fn segments(content: &Content, out: &mut Vec<(String, Kind)>) {
    for piece in pieces(content) {
        match piece {
            Piece::Plain(t) => out.push((escape_brackets(&t), Kind::Plain)),
            Piece::Inserted { text, .. } => out.push((escape_brackets(&text), Kind::Ins)),
            Piece::Deleted { text, .. } => out.push((escape_brackets(&text), Kind::Del)),
            Piece::Conflict { alternatives, .. } => {
                out.push((bracketed(&alternatives, escape_brackets), Kind::Raw))
            }
        }
    }
}

fn emit(segments: Vec<(String, Kind)>, out: &mut String) {
    let mut merged: Vec<(String, Kind)> = Vec::new();
    for (text, kind) in segments {
        if text.is_empty() {
            continue;
        }
        match merged.last_mut() {
            Some((t, k)) if *k == kind && kind != Kind::Raw => t.push_str(&text),
            _ => merged.push((text, kind)),
        }
    }
    for (text, kind) in merged {
        match kind {
            Kind::Plain | Kind::Raw => out.push_str(&text),
            Kind::Ins => {
                out.push_str("{++");
                out.push_str(&text);
                out.push_str("++}");
            }
            Kind::Del => {
                out.push_str("{--");
                out.push_str(&text);
                out.push_str("--}");
            }
        }
    }
}

/// The merged draft in the plain-text layout with CriticMarkup and bracketed conflicts.
pub fn write_merged_markdown(c: &Consolidation) -> String {
    let mut out = String::new();
    for line in lines(&c.merged) {
        let mut segs = Vec::new();
        if let Some(label) = &line.label {
            let mut label_segs = Vec::new();
            segments(label, &mut label_segs);
            let left = label_segs.last().map(|s| s.1);
            segs.extend(label_segs);
            if !line.content.is_empty() {
                let mut content_segs = Vec::new();
                segments(&line.content, &mut content_segs);
                let right = content_segs.first().map(|s| s.1);
                let tab_kind = match (left, right) {
                    (Some(l), Some(r)) if l == r && l != Kind::Raw => l,
                    _ => Kind::Plain,
                };
                segs.push(("\t".to_string(), tab_kind));
                segs.extend(content_segs);
            }
        } else {
            segments(&line.content, &mut segs);
        }
        let newline = match line.mark.as_ref().map(|m| m.kind) {
            Some(ChangeKind::Insertion | ChangeKind::MoveTo | ChangeKind::ParagraphInsertion) => {
                Kind::Ins
            }
            Some(ChangeKind::Deletion | ChangeKind::MoveFrom | ChangeKind::ParagraphDeletion) => {
                Kind::Del
            }
            _ => Kind::Plain,
        };
        segs.push(("\n".to_string(), newline));
        emit(segs, &mut out);
    }
    out
}

/// A table cell: no line ends, pipes and brackets escaped.
fn cell(text: &str) -> String {
    escape_brackets(text)
        .replace('|', "\\|")
        .replace(['\n', '\r', '\t'], " ")
        .trim()
        .to_string()
}

/// A marked content as a table cell in CriticMarkup.
fn marked_cell(content: &Content) -> String {
    let mut segs = Vec::new();
    segments(content, &mut segs);
    let mut out = String::new();
    emit(segs, &mut out);
    cell(&out)
}

/// The classification with its sources, for the last column.
pub(crate) fn classification_text(unit: &Unit) -> String {
    let sources = unit.sources().join(", ");
    match unit.classification {
        Classification::Untouched => "untouched".to_string(),
        k => format!("{} ({sources})", k.as_str()),
    }
}

/// The synoptic table as a pipe table.
pub fn write_synoptic_markdown(c: &Consolidation) -> String {
    let mut out = String::new();
    out.push_str("| Unit | Base |");
    for s in &c.sources {
        out.push_str(&format!(" {} ({}) |", cell(&s.name), s.action.as_str()));
    }
    out.push_str(" Classification |\n|---|---|");
    for _ in &c.sources {
        out.push_str("---|");
    }
    out.push_str("---|\n");
    for unit in &c.units {
        out.push_str(&format!(
            "| {} | {} |",
            cell(&unit.name),
            cell(&unit.base_text)
        ));
        for s in &c.sources {
            let text = unit
                .versions
                .iter()
                .find(|v| v.source == s.name)
                .map(|v| marked_cell(&v.marked))
                .unwrap_or_default();
            out.push_str(&format!(" {text} |"));
        }
        out.push_str(&format!(" {} |\n", cell(&classification_text(unit))));
    }
    out
}

/// The whole Markdown report: heading, sources, summary, synoptic table, merged draft.
pub fn write_markdown(c: &Consolidation) -> String {
    let mut out = format!("# Consolidation: {}\n\n", c.title.trim());
    out.push_str("Sources: ");
    out.push_str(
        &c.sources
            .iter()
            .map(|s| format!("{} ({})", s.name, s.action.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
    );
    out.push_str(".\n\n");
    let s = c.summary();
    out.push_str(&format!(
        "Units: {} untouched, {} single, {} agreement, {} conflict, {} mergeable, {} new, {} suppressed.\n\n",
        s.untouched, s.single, s.agreement, s.conflict, s.mergeable, s.new, s.suppressed
    ));
    for w in &c.warnings {
        out.push_str(&format!("Warning: {}\n\n", escape_brackets(w)));
    }
    out.push_str("## Synoptic table\n\n");
    out.push_str(&write_synoptic_markdown(c));
    out.push_str("\n## Merged draft\n\n");
    out.push_str(&write_merged_markdown(c));
    out
}
