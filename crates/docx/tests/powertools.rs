//! Open-XML-PowerTools' accept/reject cases: our accepted and rejected texts of each input
//! against the texts of the expected `-Accepted`/`-Rejected` documents, measured two ways:
//! against our own reading of the expected documents (same text rendering on both sides),
//! and against pandoc's text of them in `derived/`.

mod common;

use amend_docx::{ReadOptions, read_paragraphs};
use amend_model::View;
use amend_model::textcmp::first_difference;

#[test]
fn powertools_accept_reject_cases() {
    let Some(shared) = common::shared("powertools_accept_reject_cases") else {
        return;
    };
    let base = shared.join("fixtures/peer/open-xml-powertools");
    let tsv = std::fs::read_to_string(base.join("ACCEPT_REJECT_CASES.tsv")).expect("cases");
    let options = ReadOptions::default();
    let (mut total, mut same_docx, mut same_txt) = (0, 0, 0);
    let mut failures = Vec::new();
    for line in tsv.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 4 || f[3] != "active" {
            continue;
        }
        let input = read_paragraphs(&common::read(&base.join(f[0])), &options)
            .unwrap_or_else(|e| panic!("{}: {e}", f[0]));
        for (view, expected) in [(View::Accepted, f[1]), (View::Rejected, f[2])] {
            total += 1;
            let ours = input.text(view);
            let path = base.join(expected);
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("")
                .to_string();
            let theirs = read_paragraphs(&common::read(&path), &options)
                .unwrap_or_else(|e| panic!("{expected}: {e}"))
                .text(view);
            match first_difference(&ours, &theirs) {
                None => same_docx += 1,
                Some(d) => failures.push(format!("{name} (docx): {d}")),
            }
            let txt = std::fs::read_to_string(base.join(format!("derived/{name}.expected.txt")))
                .unwrap_or_default();
            // pandoc draws tables as grid tables: their words are compared as a multiset.
            match common::compare_with_pandoc(&ours, &txt) {
                Ok(()) => same_txt += 1,
                Err(d) => failures.push(format!("{name} (pandoc txt): {d}")),
            }
        }
    }
    eprintln!(
        "PowerTools accept/reject: {same_docx}/{total} equal to the expected documents, {same_txt}/{total} equal to pandoc's text of them"
    );
    for f in &failures {
        eprintln!("  {f}");
    }
    assert_eq!(total, 100);
    assert!(
        same_docx >= 100,
        "equal to the expected documents: {same_docx}"
    );
    // Against pandoc's text of the expected documents the 5 differences are pandoc's
    // rendering: `r²` for the math `r` with superscript `2` (RP013, RP014) and a deleted
    // cell pandoc leaves out of its grid table (RP034 rejected). Measured floor.
    assert!(same_txt >= 95, "equal to pandoc's text: {same_txt}");
}

#[test]
fn table_row_and_cell_property_changes_are_recorded_on_their_rows() {
    let Some(shared) = common::shared("table_property_changes") else {
        return;
    };
    let base = shared.join("fixtures/peer/open-xml-powertools/TestFiles/RP");
    for name in [
        "RP029-Table-Row-Props-Change.docx",
        "RP030-Table-Row-Props-Change.docx",
    ] {
        let read = read_paragraphs(&common::read(&base.join(name)), &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let formats = read
            .paragraphs
            .iter()
            .filter(|p| p.cells.is_some())
            .filter(|p| {
                p.mark
                    .as_ref()
                    .is_some_and(|m| m.kind == amend_model::ChangeKind::Format)
            })
            .count();
        assert!(formats > 0, "{name}: no row records its property change");
    }
}
