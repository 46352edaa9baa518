//! The seed (CITEL's flattened proposal on Resolution 75): every defect kind it has is
//! reported at its line, and every finding reported on it is expected here.

use amend_check::{CheckOptions, Diagnostic, Report, Severity, apply_fixes, check};
use amend_model::LineIndex;

const SEED: &str = include_str!("data/000_a878dba81f09253c.txt");
const BASE: &str = include_str!("data/res75-dubai-2012.reconstructed.txt");

fn report(text: &str, base: Option<&str>) -> Report {
    let doc = amend_text::read_plain(text, &Default::default());
    let base_doc = base.map(|b| amend_text::read_plain(b, &Default::default()));
    check(
        &doc,
        &CheckOptions {
            source: Some(text),
            base: base_doc.as_ref(),
            ..CheckOptions::default()
        },
    )
}

fn line(text: &str, d: &Diagnostic) -> usize {
    LineIndex::new(text).line_column(d.span.start).line
}

/// The lines at which `code` is reported on the seed.
fn lines_of(code: &str) -> Vec<usize> {
    let r = report(SEED, None);
    r.with_code(code).map(|d| line(SEED, d)).collect()
}

fn at(d: &Diagnostic) -> &str {
    &SEED[d.span.start..d.span.end]
}

#[test]
fn run_together_stamps_are_errors_at_their_lines() {
    assert_eq!(
        lines_of("flatten/run-together-stamp"),
        vec![13, 17, 22, 23, 24, 25, 26, 28, 30, 62, 82]
    );
    let r = report(SEED, None);
    let title = r.with_code("flatten/run-together-stamp").next().unwrap();
    assert_eq!(at(title), "Dubai, 2012Hammamet, 2016");
    assert_eq!(title.severity, Severity::Error);
    assert_eq!(title.labels.len(), 2);
    assert_eq!(
        &SEED[title.labels[1].span.start..title.labels[1].span.end],
        "Hammamet, 2016"
    );
}

#[test]
fn doubled_insertions_are_errors() {
    assert_eq!(lines_of("flatten/doubled-phrase"), vec![23, 24, 25]);
    let r = report(SEED, None);
    let d = r.with_code("flatten/doubled-phrase").next().unwrap();
    assert_eq!(at(d), "Busan, 2014Busan, 2014");
    assert_eq!(d.severity, Severity::Error);
}

#[test]
fn doubled_labels_are_reported_with_both_candidates() {
    assert_eq!(
        lines_of("numbering/doubled-label"),
        vec![22, 40, 42, 56, 57, 66]
    );
    let r = report(SEED, None);
    let texts: Vec<&str> = r.with_code("numbering/doubled-label").map(at).collect();
    assert_eq!(texts, vec!["bd)", "b) a)", "d) b)", "da)", "eb)", "ed)"]);
    let bd = r.with_code("numbering/doubled-label").next().unwrap();
    assert!(bd.message.contains("`b)`") && bd.message.contains("`d)`"));
    // Without a base no fix is offered.
    assert!(bd.fix.is_none());
}

#[test]
fn items_out_of_sequence_duplicates_and_relettering() {
    assert_eq!(lines_of("numbering/out-of-sequence"), vec![33, 36, 58]);
    assert_eq!(lines_of("numbering/duplicate"), vec![34, 37, 59]);
    assert_eq!(lines_of("numbering/reletter"), vec![35]);
    let r = report(SEED, None);
    let c = r.with_code("numbering/out-of-sequence").nth(1).unwrap();
    assert_eq!(at(c), "c)");
    assert!(c.message.contains("after `bd)`"), "{}", c.message);
    let fix = c.fix.as_ref().expect("renumbering fix");
    assert!(fix.safe);
    assert_eq!(fix.edits[0].replacement, "e)");
    let ix = r.with_code("numbering/reletter").next().unwrap();
    assert_eq!(ix.severity, Severity::Warning);
    assert_eq!(ix.fix.as_ref().unwrap().edits[0].replacement, "xi)");
}

#[test]
fn years_and_numbers_run_together() {
    assert_eq!(lines_of("flatten/run-together-numbers"), vec![63, 64]);
    let r = report(SEED, None);
    let texts: Vec<&str> = r
        .with_code("flatten/run-together-numbers")
        .map(at)
        .collect();
    assert_eq!(texts, vec!["2012 2015", "WTDC-1014"]);
}

#[test]
fn glued_words() {
    assert_eq!(lines_of("flatten/glued-words"), vec![76, 77]);
    let r = report(SEED, None);
    let texts: Vec<&str> = r.with_code("flatten/glued-words").map(at).collect();
    assert_eq!(texts, vec!["issuesCWG", "processframework"]);
}

#[test]
fn extractor_markers_anywhere_in_the_file() {
    assert_eq!(lines_of("flatten/extractor-marker"), vec![7, 105]);
    let r = report(SEED, None);
    let texts: Vec<&str> = r.with_code("flatten/extractor-marker").map(at).collect();
    assert_eq!(texts, vec!["[bookmark: _GoBack]", "[bookmark: dcontact]"]);
}

#[test]
fn lost_hyphens() {
    assert_eq!(
        lines_of("flatten/lost-hyphen"),
        vec![36, 63, 74, 75, 90, 92]
    );
    let r = report(SEED, None);
    let d = r.with_code("flatten/lost-hyphen").next().unwrap();
    assert_eq!(at(d), "ITUT");
    assert_eq!(d.fix.as_ref().unwrap().edits[0].replacement, "-");
}

#[test]
fn citations_malformed_missing_rev_and_title_mismatch() {
    assert_eq!(lines_of("citation/malformed"), vec![2, 12, 35]);
    assert_eq!(lines_of("citation/missing-rev"), vec![2, 12, 35, 39]);
    assert_eq!(lines_of("citation/title-mismatch"), vec![23]);
    let r = report(SEED, None);
    let m = r.with_code("citation/malformed").nth(2).unwrap();
    assert_eq!(at(m), "Guadalajara, 2010 Busan 2014");
    let t = r.with_code("citation/title-mismatch").next().unwrap();
    assert_eq!(at(t), "2012-2015");
    assert!(t.message.contains("2016-2019"));
}

#[test]
fn item_punctuation_and_label_separators() {
    assert_eq!(lines_of("punctuation/item-end"), vec![27, 70]);
    assert_eq!(
        lines_of("numbering/separator"),
        vec![19, 20, 21, 22, 28, 30, 39, 40, 41, 42, 45, 47, 51, 65, 101]
    );
}

#[test]
fn every_finding_on_the_seed_is_expected() {
    let r = report(SEED, None);
    let tested = [
        "flatten/run-together-stamp",
        "flatten/doubled-phrase",
        "numbering/doubled-label",
        "numbering/out-of-sequence",
        "numbering/duplicate",
        "numbering/reletter",
        "flatten/run-together-numbers",
        "flatten/glued-words",
        "flatten/extractor-marker",
        "flatten/lost-hyphen",
        "citation/malformed",
        "citation/missing-rev",
        "citation/title-mismatch",
        "punctuation/item-end",
        "numbering/separator",
    ];
    for d in &r.diagnostics {
        assert!(
            tested.contains(&d.code),
            "untested finding {} at line {}",
            d.code,
            line(SEED, d)
        );
    }
    assert_eq!(r.errors().count(), 26);
    assert_eq!(r.warnings().count(), 38);
}

#[test]
fn fixing_with_the_base_leaves_no_numbering_error() {
    let r = report(SEED, Some(BASE));
    // The base decides the doubled labels: `bd)` was `b)` in the base, so `d)` is new.
    let bd = r.with_code("numbering/doubled-label").next().unwrap();
    assert!(
        bd.help
            .as_deref()
            .unwrap()
            .contains("base text labels this item `b)`")
    );
    assert_eq!(bd.fix.as_ref().unwrap().edits[0].replacement, "d)");
    let fixed = apply_fixes(SEED, &r, false);
    let after = report(&fixed, Some(BASE));
    let numbering: Vec<String> = after
        .errors()
        .filter(|d| d.family() == "numbering")
        .map(|d| format!("{} at line {}", d.code, line(&fixed, d)))
        .collect();
    assert!(numbering.is_empty(), "{numbering:?}");
    assert!(fixed.contains("\nd) the relevant resolutions"));
    assert!(fixed.contains("\nb) that the creation"));
    assert!(fixed.contains("\ng)\tthat the process towards"));
    assert!(fixed.contains("\nxi) \tResolution 178"));
    assert!(!fixed.contains("[bookmark:"));
    assert!(fixed.contains("(ITU-T) in ITU"));
    // Unsafe suggestions are not applied: the stamps stay for a person to decide.
    assert!(fixed.contains("Dubai, 2012Hammamet, 2016"));
}

#[test]
fn fixing_without_the_base_keeps_doubled_labels() {
    let r = report(SEED, None);
    let fixed = apply_fixes(SEED, &r, false);
    assert!(fixed.contains("\nbd) the relevant"));
    let after = report(&fixed, None);
    assert_eq!(after.with_code("numbering/doubled-label").count(), 6);
    assert_eq!(after.with_code("flatten/extractor-marker").count(), 0);
}
