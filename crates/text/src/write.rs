//! The plain-text and Markdown (CriticMarkup) writers.

use amend_model::{ChangeKind, Content, Document, Span, View};

use crate::lines::{Line, joins_next, lines};

/// Plain text: one paragraph per line, label, tab, text. With a view, the text with all
/// changes accepted or rejected; without, the text as written (every span, no marks).
pub fn write_text(document: &Document, view: Option<View>) -> String {
    let mut out = String::new();
    for line in lines(document) {
        let text_of = |content: &Content| match view {
            Some(v) => content.view(v),
            None => content.written(),
        };
        let label = line.label.as_ref().map(text_of).unwrap_or_default();
        let content = text_of(&line.content);
        let mut text = label.trim().to_string();
        if !text.is_empty() && !content.is_empty() {
            text.push('\t');
        }
        text.push_str(&content);
        let joined = match view {
            Some(v) => joins_next(line.mark.as_ref(), v == View::Accepted),
            None => false,
        };
        if text.trim().is_empty() && (joined || line.mark.is_some()) {
            continue;
        }
        out.push_str(&text);
        if !joined {
            out.push('\n');
        }
    }
    out
}

/// The whole document in the plain-text layout with its changes as CriticMarkup, so that
/// accepting it gives the new text and rejecting it the old.
pub fn write_markdown(document: &Document) -> String {
    let mut out = String::new();
    for line in lines(document) {
        let segments = line_segments(&line);
        emit(&segments, &mut out);
    }
    out
}

fn line_segments(line: &Line) -> Vec<(String, Option<ChangeKind>)> {
    let mut segments: Vec<(String, Option<ChangeKind>)> = Vec::new();
    let mut push = |text: &str, kind: Option<ChangeKind>| {
        if text.is_empty() {
            return;
        }
        match segments.last_mut() {
            Some((t, k)) if *k == kind => t.push_str(text),
            _ => segments.push((text.to_string(), kind)),
        }
    };
    let kind_of = |span: &Span| span.kind().and_then(markup_kind);
    if let Some(label) = &line.label {
        for span in &label.spans {
            push(&span.text, kind_of(span));
        }
        if !line.content.is_empty() {
            let left = label.spans.last().and_then(kind_of);
            let right = line.content.spans.first().and_then(kind_of);
            push("\t", if left == right { left } else { None });
        }
    }
    for span in &line.content.spans {
        push(&span.text, kind_of(span));
    }
    let newline_kind = line.mark.as_ref().and_then(|m| match m.kind {
        ChangeKind::Insertion | ChangeKind::MoveTo | ChangeKind::ParagraphInsertion => {
            Some(ChangeKind::Insertion)
        }
        ChangeKind::Deletion | ChangeKind::MoveFrom | ChangeKind::ParagraphDeletion => {
            Some(ChangeKind::Deletion)
        }
        _ => None,
    });
    // Marking the line end of a wholly changed paragraph is harmless (an empty line
    // either way), and a split or joined paragraph needs it.
    push("\n", newline_kind);
    segments
}

/// The CriticMarkup kind that renders a change kind (moves render as their text effect).
fn markup_kind(kind: ChangeKind) -> Option<ChangeKind> {
    match kind {
        ChangeKind::Insertion | ChangeKind::MoveTo | ChangeKind::Alternative => {
            Some(ChangeKind::Insertion)
        }
        ChangeKind::Deletion | ChangeKind::MoveFrom => Some(ChangeKind::Deletion),
        // In neither text, as a comment is (CriticMarkup cannot nest a deletion in an
        // insertion).
        ChangeKind::Comment | ChangeKind::DeletedInsertion => Some(ChangeKind::Comment),
        ChangeKind::Highlight => Some(ChangeKind::Highlight),
        _ => None,
    }
}

fn emit(segments: &[(String, Option<ChangeKind>)], out: &mut String) {
    for (text, kind) in segments {
        let (open, close) = match kind {
            None => ("", ""),
            Some(ChangeKind::Insertion) => ("{++", "++}"),
            Some(ChangeKind::Deletion) => ("{--", "--}"),
            Some(ChangeKind::Comment) => ("{>>", "<<}"),
            Some(ChangeKind::Highlight) => ("{==", "==}"),
            Some(_) => ("", ""),
        };
        out.push_str(open);
        out.push_str(text);
        out.push_str(close);
    }
}
