//! Real documents: Word's own redline (read from ../shared only, never copied) and the
//! ITU documents.

mod common;

use amend_docx::{ReadOptions, read_docx, read_paragraphs};
use amend_model::View;
use amend_model::textcmp::first_difference;

fn text_of(path: &std::path::Path, view: View) -> String {
    read_paragraphs(&common::read(path), &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .text(view)
}

#[test]
fn word_redline_f4_rejects_to_original_and_accepts_to_modified() {
    let Some(shared) = common::shared("word_redline_f4") else {
        return;
    };
    let dir = shared.join("fixtures/peer/jubarte-redlines/tests/fixtures");
    let redline = dir.join("f4/word-redline.docx");
    let original = text_of(&dir.join("f4/original.docx"), View::Accepted);
    let modified = text_of(&dir.join("f4/modified.docx"), View::Accepted);
    if let Some(d) = first_difference(&text_of(&redline, View::Rejected), &original) {
        panic!("reject-all differs from original.docx: {d}");
    }
    if let Some(d) = first_difference(&text_of(&redline, View::Accepted), &modified) {
        panic!("accept-all differs from modified.docx: {d}");
    }
    let f1 = read_paragraphs(
        &common::read(&dir.join("f1/word-redline.docx")),
        &ReadOptions::default(),
    )
    .expect("f1 reads");
    assert!(f1.paragraphs.iter().any(|p| p.content.has_changes()));
}

#[test]
fn itu_documents_read() {
    let Some(shared) = common::shared("itu_documents_read") else {
        return;
    };
    let dir = shared.join("fixtures/itu");
    for name in [
        "T-RES-T.1-2016-MSW-E.docx",
        "T-REC-G.Imp8101-201810-I-MSW-E.docx",
        "T-Editing-Guidelines-201602.docx",
        "T-REC-X.500-201610-I-MSW-E.docx",
        "T-REC-H.222.0-201808-P-MSW-E.docx",
    ] {
        let doc = read_docx(&common::read(&dir.join(name)), &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let text = amend_docx::document_text(&doc, View::Accepted);
        assert!(text.len() > 10_000, "{name}: {} bytes of text", text.len());
    }
}

#[test]
fn implementers_guide_accept_and_reject_texts() {
    let Some(shared) = common::shared("implementers_guide") else {
        return;
    };
    let dir = shared.join("fixtures/itu");
    let docx = dir.join("T-REC-G.Imp8101-201810-I-MSW-E.docx");
    for (view, expected) in [
        (View::Accepted, "T-REC-G.Imp8101-201810-I-MSW-E.accept.txt"),
        (View::Rejected, "T-REC-G.Imp8101-201810-I-MSW-E.reject.txt"),
    ] {
        let expected = std::fs::read_to_string(dir.join(expected)).expect("expected text");
        if let Err(d) = common::compare_with_pandoc(&text_of(&docx, view), &expected) {
            panic!("{view:?}: {d}");
        }
    }
}

#[test]
fn editing_guidelines_accept_text() {
    let Some(shared) = common::shared("editing_guidelines") else {
        return;
    };
    let dir = shared.join("fixtures/itu");
    let expected =
        std::fs::read_to_string(dir.join("T-Editing-Guidelines-201602.accept.txt")).expect("text");
    let ours = text_of(
        &dir.join("T-Editing-Guidelines-201602.docx"),
        View::Accepted,
    );
    if let Err(d) = common::compare_with_pandoc(&ours, &expected) {
        panic!("{d}");
    }
}

/// Sections (heading text) and items (label, text) of the first resolution, accepted.
fn outline(doc: &amend_model::Document) -> (Vec<String>, Vec<(String, String)>) {
    let resolutions = doc.resolutions();
    let Some(r) = resolutions.first() else {
        return (Vec::new(), Vec::new());
    };
    let norm = |s: String| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace('\u{2011}', "-")
    };
    let headings = r
        .sections
        .iter()
        .map(|s| norm(s.heading.accepted()))
        .collect();
    let items = r
        .items()
        .map(|i| {
            (
                i.label
                    .as_ref()
                    .map(|l| norm(l.written.accepted()))
                    .unwrap_or_default(),
                norm(i.content.accepted()),
            )
        })
        // pandoc writes an image as its description `[name]`: not text.
        .filter(|(label, text): &(String, String)| {
            !(label.is_empty()
                && text.starts_with('[')
                && text.ends_with(']')
                && !text.contains(' '))
        })
        .collect();
    (headings, items)
}

#[test]
fn resolution_1_has_the_structure_of_the_text_reader() {
    let Some(shared) = common::shared("resolution_1") else {
        return;
    };
    let dir = shared.join("fixtures/itu");
    let doc = read_docx(
        &common::read(&dir.join("T-RES-T.1-2016-MSW-E.docx")),
        &ReadOptions::default(),
    )
    .expect("Resolution 1 reads");
    let text = std::fs::read_to_string(dir.join("T-RES-T.1-2016-MSW-E.accept.txt")).expect("text");
    let from_text = amend_text::read_plain(&text, &amend_text::ReadOptions::default());
    assert_eq!(doc.kind(), from_text.kind());
    let (docx_headings, docx_items) = outline(&doc);
    let (text_headings, text_items) = outline(&from_text);
    assert!(docx_headings.len() > 10, "{docx_headings:?}");
    assert_eq!(docx_headings, text_headings, "headings in order");
    // Labelled items compare one to one. Unlabelled paragraphs may not: a line break inside
    // a Word paragraph (a division title over two lines) is two paragraphs in pandoc's text;
    // they are compared through the whole text below.
    let labelled = |items: Vec<(String, String)>| {
        items
            .into_iter()
            .filter(|i| !i.0.is_empty())
            .collect::<Vec<_>>()
    };
    // A line break inside a Word paragraph starts a new line in pandoc's text, which the
    // text reader may take for a labelled item (`– Sequence of events` under a figure
    // title): such lines are not items of the Word document.
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace('\u{2011}', "-")
    };
    let continuation_lines: std::collections::HashSet<String> = read_paragraphs(
        &common::read(&dir.join("T-RES-T.1-2016-MSW-E.docx")),
        &ReadOptions::default(),
    )
    .expect("reads")
    .paragraphs
    .iter()
    .flat_map(|p| {
        let text = p.content.accepted();
        text.split('\n').skip(1).map(norm).collect::<Vec<_>>()
    })
    .collect();
    let text_items: Vec<(String, String)> = text_items
        .into_iter()
        .filter(|(label, text)| !continuation_lines.contains(&norm(&format!("{label} {text}"))))
        .collect();
    let (docx_items, text_items) = (labelled(docx_items), labelled(text_items));
    let labels = |items: &[(String, String)]| items.iter().map(|i| i.0.clone()).collect::<Vec<_>>();
    let (a, b) = (labels(&docx_items), labels(&text_items));
    if let Some(i) = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i)) {
        let show = |v: &[(String, String)]| {
            v.iter()
                .skip(i.saturating_sub(2))
                .take(5)
                .map(|(l, t)| format!("{l} | {}", t.chars().take(60).collect::<String>()))
                .collect::<Vec<_>>()
        };
        panic!(
            "labels differ at item {i} (of {} and {}):\n docx: {:#?}\n text: {:#?}",
            a.len(),
            b.len(),
            show(&docx_items),
            show(&text_items)
        );
    }
    for (a, b) in docx_items.iter().zip(&text_items) {
        if let Some(d) = first_difference(&a.1, &b.1) {
            panic!("item {}: {d}", a.0);
        }
    }
    let ours = amend_docx::document_text(&doc, View::Accepted);
    if let Err(d) = common::compare_with_pandoc(&ours, &text) {
        panic!("whole text: {d}");
    }
}
