//! The `.docx` output: the synoptic table as a Word table and the merged draft with
//! revisions whose authors are the sources, so the chair can accept or reject per source
//! in Word. Conflicts are bracketed: `[CITEL: ` + CITEL's text inserted by CITEL +
//! ` / CEPT: ` + CEPT's text inserted by CEPT + `]`, after the base text deleted by all.
//! Written through amend-docx's writer.

use amend_docx::{DocxError, WriteOptions};
use amend_model::{Block, Body, Change, ChangeKind, Content, Document, Generic, SourceSpan, Span};
use amend_text::lines;

use crate::markdown::classification_text;
use crate::pieces::{DELETION_TEXT, Piece, pieces};
use crate::regions::mark;
use crate::{Consolidation, Options};

/// A content with conflicts spelt out as bracketed insertions by each source; contents
/// without conflicts are kept as they are.
fn docx_content(content: &Content, options: &Options) -> Content {
    let has_conflict = content
        .spans
        .iter()
        .any(|s| s.kind() == Some(ChangeKind::Alternative));
    if !has_conflict {
        return content.clone();
    }
    let by = |kind: ChangeKind, sources: Option<String>| match sources {
        Some(s) => mark(kind, &s, options),
        None => Change::new(kind),
    };
    let mut out = Content::new();
    for piece in pieces(content) {
        match piece {
            Piece::Plain(t) => out.push(Span::plain(t)),
            Piece::Inserted { text, sources } => {
                out.push(Span::marked(text, by(ChangeKind::Insertion, sources)))
            }
            Piece::Deleted { text, sources } => {
                out.push(Span::marked(text, by(ChangeKind::Deletion, sources)))
            }
            Piece::Conflict { base, alternatives } => {
                let all = alternatives
                    .iter()
                    .map(|a| a.sources.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                out.push(Span::marked(
                    base,
                    mark(ChangeKind::Deletion, &all, options),
                ));
                let (before, after) = crate::markdown::outer_spaces(&alternatives);
                out.push(Span::plain(format!("{before}[")));
                for (n, a) in alternatives.iter().enumerate() {
                    if n > 0 {
                        out.push(Span::plain(" / "));
                    }
                    out.push(Span::plain(format!("{}: ", a.sources)));
                    if a.deleted || a.text.trim().is_empty() {
                        out.push(Span::plain(DELETION_TEXT));
                    } else {
                        out.push(Span::marked(
                            a.text.trim(),
                            mark(ChangeKind::Insertion, &a.sources, options),
                        ));
                    }
                }
                out.push(Span::plain(format!("]{after}")));
            }
        }
    }
    out
}

/// The consolidation as a document of the model (heading, synoptic table, merged draft
/// as paragraphs), ready for any writer of generic documents.
pub fn synoptic_document(c: &Consolidation, options: &Options) -> Document {
    let span = SourceSpan::default();
    let heading = |level: u8, text: String| Block::Heading {
        level,
        content: Content::plain(text),
        span,
    };
    let paragraph = |content: Content, mark| Block::Paragraph {
        content,
        mark,
        span,
    };
    let mut blocks = vec![heading(1, format!("Consolidation: {}", c.title.trim()))];
    let sources = c
        .sources
        .iter()
        .map(|s| format!("{} ({})", s.name, s.action.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    blocks.push(paragraph(
        Content::plain(format!("Sources: {sources}.")),
        None,
    ));
    let s = c.summary();
    blocks.push(paragraph(
        Content::plain(format!(
            "Units: {} untouched, {} single, {} agreement, {} conflict, {} mergeable, {} new, {} suppressed.",
            s.untouched, s.single, s.agreement, s.conflict, s.mergeable, s.new, s.suppressed
        )),
        None,
    ));
    blocks.push(heading(2, "Synoptic table".to_string()));
    let mut header = vec![Content::plain("Unit"), Content::plain("Base")];
    for s in &c.sources {
        header.push(Content::plain(format!(
            "{} ({})",
            s.name,
            s.action.as_str()
        )));
    }
    header.push(Content::plain("Classification"));
    let mut rows = vec![header];
    for unit in &c.units {
        let mut row = vec![
            Content::plain(unit.name.clone()),
            Content::plain(unit.base_text.clone()),
        ];
        for s in &c.sources {
            row.push(
                unit.versions
                    .iter()
                    .find(|v| v.source == s.name)
                    .map(|v| v.marked.clone())
                    .unwrap_or_default(),
            );
        }
        row.push(Content::plain(classification_text(unit)));
        rows.push(row);
    }
    blocks.push(Block::Table { rows, span });
    blocks.push(heading(2, "Merged draft".to_string()));
    for line in lines(&c.merged) {
        let mut content = Content::new();
        if let Some(label) = &line.label {
            content = content.concat(docx_content(label, options));
            if !line.content.is_empty() {
                content.push(Span::plain("\t"));
            }
        }
        content = content.concat(docx_content(&line.content, options));
        blocks.push(paragraph(content, line.mark.clone().map(Box::new)));
    }
    Document::new(Body::Generic(Generic { blocks }))
}

/// The `.docx` file: synoptic table and merged draft with revisions by source.
pub fn write_docx(c: &Consolidation, options: &Options) -> Result<Vec<u8>, DocxError> {
    let doc = synoptic_document(c, options);
    amend_docx::write_docx(
        &doc,
        &WriteOptions {
            author: Some("amend".to_string()),
            date: options.date.clone(),
        },
    )
}
