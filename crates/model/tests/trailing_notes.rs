//! Trailing `[n] text` paragraphs (notes as a text or a redline writes them) become notes
//! without losing a change: a note inserted or deleted whole keeps it as its mark, and a
//! renumbered marker (`[{-1-}{+2+}]`) stays a paragraph with its marks.

use amend_model::layout::{LayoutInput, Paragraph, build};
use amend_model::{Body, Change, ChangeKind, Content, SourceSpan, Span, View};

fn para(spans: Vec<Span>, mark: Option<Change>) -> Paragraph {
    let mut p = Paragraph::new(Content::from_spans(spans), SourceSpan::default());
    p.mark = mark.map(Box::new);
    p
}

fn generic_texts(body: &Body, view: View) -> Vec<String> {
    let Body::Generic(g) = body else {
        panic!("expected a generic document")
    };
    g.blocks
        .iter()
        .filter_map(|b| match b {
            amend_model::Block::Paragraph { content, .. } => Some(content.view(view)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_note_inserted_whole_keeps_its_insertion() {
    let inserted = Change::insertion();
    let doc = build(LayoutInput {
        paragraphs: vec![
            para(
                vec![
                    Span::plain("Body text"),
                    Span::marked("[1]", inserted.clone()),
                    Span::plain("."),
                ],
                None,
            ),
            para(
                vec![Span::marked("[1] A new note.", inserted.clone())],
                Some(Change::new(ChangeKind::ParagraphInsertion)),
            ),
        ],
        ..LayoutInput::default()
    });
    assert_eq!(doc.footnotes.len(), 1);
    let note = &doc.footnotes[0];
    assert_eq!(note.marker, "1");
    assert_eq!(
        note.mark.as_ref().map(|m| m.kind),
        Some(ChangeKind::Insertion)
    );
    assert_eq!(note.content.view(View::Accepted), "A new note.");
    assert_eq!(note.content.view(View::Rejected), "");
}

#[test]
fn a_renumbered_marker_stays_a_paragraph_with_its_marks() {
    let doc = build(LayoutInput {
        paragraphs: vec![
            para(vec![Span::plain("Body text [1] and [2].")], None),
            para(vec![Span::plain("[1] Kept note.")], None),
            para(
                vec![
                    Span::plain("["),
                    Span::marked("1", Change::new(ChangeKind::Deletion)),
                    Span::marked("2", Change::insertion()),
                    Span::plain("] Renumbered note."),
                ],
                None,
            ),
        ],
        ..LayoutInput::default()
    });
    assert!(doc.footnotes.is_empty(), "{:?}", doc.footnotes);
    let accepted = generic_texts(&doc.body, View::Accepted);
    let rejected = generic_texts(&doc.body, View::Rejected);
    assert_eq!(
        accepted.last().map(String::as_str),
        Some("[2] Renumbered note.")
    );
    assert_eq!(
        rejected.last().map(String::as_str),
        Some("[1] Renumbered note.")
    );
}

#[test]
fn unmarked_trailing_notes_are_notes() {
    let doc = build(LayoutInput {
        paragraphs: vec![
            para(vec![Span::plain("Body text [1].")], None),
            para(
                vec![
                    Span::plain("[1] A note "),
                    Span::marked("changed", Change::insertion()),
                ],
                None,
            ),
        ],
        ..LayoutInput::default()
    });
    assert_eq!(doc.footnotes.len(), 1);
    assert!(doc.footnotes[0].mark.is_none());
    assert_eq!(
        doc.footnotes[0].content.view(View::Accepted),
        "A note changed"
    );
    assert_eq!(doc.footnotes[0].content.view(View::Rejected), "A note ");
}
