//! Real ITU texts read from `../shared/fixtures/itu/` (never copied into the repository).

use std::path::PathBuf;

use amend_model::{Block, Body, Item, SectionKind};
use amend_text::{ReadOptions, read_plain};

/// The shared fixtures folder, or `None` (with a notice) when absent outside CI.
fn shared(path: &str) -> Option<String> {
    let full = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")).join(path);
    match std::fs::read_to_string(&full) {
        Ok(text) => Some(text),
        Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{}: needed under CI=true: {e}", full.display())
        }
        Err(_) => {
            eprintln!("skipping: {} is absent", full.display());
            None
        }
    }
}

fn labels(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .map(|i| i.label.as_ref().map_or("¶".into(), |l| l.written.written()))
        .collect()
}

fn alnum_counts(text: &str) -> std::collections::BTreeMap<char, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for c in text.chars().filter(|c| c.is_alphanumeric()) {
        *counts.entry(c).or_insert(0) += 1;
    }
    counts
}

#[test]
fn resolution_1_from_pandoc_text() {
    let Some(text) = shared("fixtures/itu/T-RES-T.1-2016-MSW-E.accept.txt") else {
        return;
    };
    let doc = read_plain(&text, &ReadOptions::default());
    let Body::Resolution(r) = &doc.body else {
        panic!("Resolution 1 is a resolution, got {}", doc.kind());
    };
    // Front matter: the cover table and the foreword are kept.
    assert!(
        r.front_matter
            .iter()
            .any(|b| matches!(b, Block::Table { .. }))
    );
    assert!(r.front_matter.iter().any(
        |b| matches!(b, Block::Paragraph { content, .. } if content.accepted() == "FOREWORD")
    ));
    assert_eq!(r.title_block.instrument.number, "1");
    assert_eq!(
        r.title_block
            .revision
            .as_ref()
            .and_then(|r| r.place.clone())
            .as_deref(),
        Some("Hammamet")
    );
    let history = r.title_block.history.as_ref().expect("history line");
    assert_eq!(history.footnote_markers, ["1", "2bis"]);

    let considering = &r.sections[0];
    assert_eq!(considering.heading.accepted(), "considering");
    assert_eq!(
        labels(&considering.items),
        [
            "a)", "b)", "b)bis", "c)", "d)", "e)", "f)", "g)", "h)", "i)"
        ]
    );
    assert_eq!(r.sections[1].heading.accepted(), "resolves");
    assert_eq!(r.sections[1].kind, SectionKind::Operative);

    let divisions: Vec<(String, String)> = r
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Division)
        .map(|s| {
            (
                s.heading.accepted().replace('\u{a0}', " "),
                s.title.as_ref().map(|t| t.accepted()).unwrap_or_default(),
            )
        })
        .collect();
    let headings: Vec<&str> = divisions.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(
        headings,
        [
            "SECTION 1",
            "Section 1bis",
            "SECTION 2",
            "SECTION 3",
            "SECTION 4",
            "SECTION 5",
            "SECTION 6",
            "SECTION 7",
            "SECTION 8",
            "SECTION 9"
        ]
    );
    assert!(divisions.iter().all(|(_, title)| !title.is_empty()));
    assert_eq!(
        divisions[0].1,
        "World Telecommunication Standardization Assembly"
    );
    // Decimal items nest by depth: 1.11.3 under 1.11.
    let section1 = r
        .sections
        .iter()
        .find(|s| s.heading.accepted() == "SECTION\u{a0}1")
        .expect("SECTION 1");
    let item_1_11 = section1
        .items
        .iter()
        .find(|i| i.label.as_ref().is_some_and(|l| l.text() == "1.11"))
        .expect("1.11");
    assert_eq!(labels(&item_1_11.children), ["1.11.1", "1.11.2", "1.11.3"]);

    let annexes: Vec<String> = r.annexes.iter().map(|a| a.heading.accepted()).collect();
    assert_eq!(annexes, ["Appendix I", "Appendix II"]);
    assert_eq!(doc.footnotes.len(), 6);
    assert_eq!(doc.footnotes[0].marker, "1");

    // No text lost: every letter and digit of the file is in the model.
    let written = amend_text::write_text(&doc, None);
    assert_eq!(alnum_counts(&written), alnum_counts(&text));
}
