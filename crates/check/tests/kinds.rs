//! The checks the seed does not exercise, on small texts in the ITU layout.

use amend_check::{CheckOptions, Registry, Report, Severity, apply_fixes, check};

fn report(text: &str) -> Report {
    let doc = amend_text::read_plain(text, &Default::default());
    check(
        &doc,
        &CheckOptions {
            source: Some(text),
            ..CheckOptions::default()
        },
    )
}

fn codes(r: &Report) -> Vec<&'static str> {
    r.diagnostics.iter().map(|d| d.code).collect()
}

fn resolution(title: &str, history: &str, enacting: &str, body: &str) -> String {
    format!(
        "{title}\nOn standards\n{history}\nThe World Telecommunication Standardization Assembly ({enacting}),\n{body}"
    )
}

const BODY: &str =
    "considering\na)\tthat one;\nb)\tthat two,\nresolves\n1\tto act;\n2\tto act again.\n";

#[test]
fn a_consistent_title_block_is_clean() {
    let text = resolution(
        "RESOLUTION 7 (Rev. Dubai, 2012)",
        "(Johannesburg, 2008; Dubai, 2012)",
        "Dubai, 2012",
        BODY,
    );
    let r = report(&text);
    assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
}

#[test]
fn revision_history_and_enacting_formula_must_agree() {
    let text = resolution(
        "RESOLUTION 7 (Rev. Dubai, 2012)",
        "(Johannesburg, 2008; Hammamet, 2016)",
        "Dubai, 2012",
        BODY,
    );
    let r = report(&text);
    let d = r
        .with_code("title-block/inconsistent")
        .next()
        .expect("finding");
    assert_eq!(d.severity, Severity::Error);
    assert!(d.message.contains("Hammamet, 2016"), "{}", d.message);
    assert_eq!(
        &text[d.labels[0].span.start..d.labels[0].span.end],
        "(Johannesburg, 2008; Hammamet, 2016)"
    );

    let text = resolution(
        "RESOLUTION 7 (Rev. Dubai, 2012)",
        "(Johannesburg, 2008; Dubai, 2012)",
        "Hammamet, 2016",
        BODY,
    );
    let r = report(&text);
    let d = r
        .with_code("title-block/inconsistent")
        .next()
        .expect("finding");
    assert!(d.message.contains("enacting formula"));

    let text = resolution(
        "RESOLUTION 7",
        "(Johannesburg, 2008; Dubai, 2012)",
        "Dubai, 2012",
        BODY,
    );
    let r = report(&text);
    let d = r
        .with_code("title-block/inconsistent")
        .next()
        .expect("finding");
    assert!(d.message.contains("no `(Rev. ...)`"));
}

#[test]
fn empty_items_and_headings_without_items_are_errors() {
    let body = "considering\na)\tthat one;\nb)\nc)\tthat three,\nnoting\nresolves\n1\tto act.\n";
    let text = resolution(
        "RESOLUTION 7 (Rev. Dubai, 2012)",
        "(Johannesburg, 2008; Dubai, 2012)",
        "Dubai, 2012",
        body,
    );
    let r = report(&text);
    let empty = r
        .with_code("structure/empty-item")
        .next()
        .expect("empty item");
    assert_eq!(&text[empty.span.start..empty.span.end], "b)");
    assert_eq!(empty.severity, Severity::Error);
    let heading = r
        .with_code("structure/empty-section")
        .next()
        .expect("empty heading");
    assert_eq!(&text[heading.span.start..heading.span.end], "noting");
}

#[test]
fn missing_labels_and_bis_sequences() {
    let body = "considering\na)\tthat one;\nb)\tthat two;\nb)bis\tthat two bis;\nd)\tthat four,\nresolves\n1\tto act;\n2\tto act again.\n";
    let text = resolution(
        "RESOLUTION 7 (Rev. Dubai, 2012)",
        "(Johannesburg, 2008; Dubai, 2012)",
        "Dubai, 2012",
        body,
    );
    let r = report(&text);
    assert_eq!(codes(&r), vec!["numbering/missing"], "{:#?}", r.diagnostics);
    let d = &r.diagnostics[0];
    assert_eq!(&text[d.span.start..d.span.end], "d)");
    let fixed = apply_fixes(&text, &r, false);
    assert!(fixed.contains("\nc)\tthat four,"));
    assert!(fixed.contains("\nb)bis\tthat two bis;"));
}

#[test]
fn numbers_sequences_start_at_one_and_decimal_labels_follow_their_parent() {
    let body = "considering\na)\tthat one,\nresolves\n2\tto act;\n3\tto act again.\n";
    let text = resolution(
        "RESOLUTION 7 (Rev. Dubai, 2012)",
        "(Johannesburg, 2008; Dubai, 2012)",
        "Dubai, 2012",
        body,
    );
    let r = report(&text);
    assert_eq!(codes(&r), vec!["numbering/missing", "numbering/reletter"]);
    assert!(r.diagnostics[0].message.contains("not at `1`"));

    let body = "SECTION 1\nGeneral\n1.1 first.\n1.2 second.\n2.3 third.\n1.4 fourth.\n";
    let text = resolution(
        "RESOLUTION 1 (Rev. Hammamet, 2016)",
        "(Hammamet, 2016)",
        "Hammamet, 2016",
        body,
    );
    let r = report(&text);
    let d = r
        .with_code("numbering/out-of-sequence")
        .next()
        .expect("prefix");
    assert_eq!(&text[d.span.start..d.span.end], "2.3");
    assert_eq!(d.fix.as_ref().unwrap().edits[0].replacement, "1.3");
}

#[test]
fn stale_citations_are_judged_at_the_documents_own_date() {
    let body = "considering\na)\tResolution 140 (Rev. Guadalajara, 2010) of the Plenipotentiary Conference;\nb)\tthat two,\nresolves\n1\tto act.\n";
    // At Hammamet 2016, Busan 2014 is known: stale.
    let text = resolution(
        "RESOLUTION 7 (Rev. Hammamet, 2016)",
        "(Dubai, 2012; Hammamet, 2016)",
        "Hammamet, 2016",
        body,
    );
    let r = report(&text);
    let d = r.with_code("citation/stale").next().expect("stale");
    assert_eq!(&text[d.span.start..d.span.end], "Rev. Guadalajara, 2010");
    assert!(d.message.contains("Busan, 2014"));
    assert_eq!(
        d.fix.as_ref().unwrap().edits[0].replacement,
        "Rev. Busan, 2014"
    );
    // At Dubai 2012 it was the latest revision.
    let text = resolution(
        "RESOLUTION 7 (Rev. Dubai, 2012)",
        "(Johannesburg, 2008; Dubai, 2012)",
        "Dubai, 2012",
        body,
    );
    assert_eq!(report(&text).with_code("citation/stale").count(), 0);
}

#[test]
fn a_registry_file_extends_the_builtin_table() {
    let body = "considering\na)\tResolution 999 (Rev. Dubai, 2012) of this Assembly;\nb)\tthat two,\nresolves\n1\tto act.\n";
    let text = resolution(
        "RESOLUTION 7 (Rev. Hammamet, 2016)",
        "(Dubai, 2012; Hammamet, 2016)",
        "Hammamet, 2016",
        body,
    );
    let doc = amend_text::read_plain(&text, &Default::default());
    let mut registry = Registry::builtin();
    registry.extend(
        Registry::parse("revision\tWTSA\tresolution\t999\tDubai\t2012\t-\ttest\nrevision\tWTSA\tresolution\t999\tGeneva\t2014\t-\ttest\n")
            .expect("registry"),
    );
    let options = CheckOptions {
        registry: &registry,
        source: Some(&text),
        base: None,
    };
    let r = check(&doc, &options);
    assert_eq!(r.with_code("citation/stale").count(), 1);
}

#[test]
fn a_stray_scheme_nested_by_the_layout_breaks_its_list() {
    // The layout nests `2.` under `a)`; the checks then see a list starting at 2 and a gap.
    let body = "considering\na)\tthat one;\n2.\tthat two;\nc)\tthat three,\nresolves\n1\tto act.\n";
    let text = resolution(
        "RESOLUTION 7 (Rev. Dubai, 2012)",
        "(Johannesburg, 2008; Dubai, 2012)",
        "Dubai, 2012",
        body,
    );
    let r = report(&text);
    assert_eq!(codes(&r), vec!["numbering/missing", "numbering/missing"]);
    assert!(r.diagnostics[0].message.contains("starts at `2.`"));
}

#[test]
fn punctuation_of_the_last_item_and_brackets() {
    let body = "considering\na)\tthat one (with a bracket;\nb)\tthat a)-e) and e), f) are cited,\nresolves\n1\tto act;\n2\tto act again;\n";
    let text = resolution(
        "RESOLUTION 7 (Rev. Dubai, 2012)",
        "(Johannesburg, 2008; Dubai, 2012)",
        "Dubai, 2012",
        body,
    );
    let r = report(&text);
    assert_eq!(
        codes(&r),
        vec!["punctuation/unbalanced", "punctuation/last-item"],
        "{:#?}",
        r.diagnostics
    );
    let last = r.with_code("punctuation/last-item").next().unwrap();
    assert_eq!(last.fix.as_ref().unwrap().edits[0].replacement, ".");
}

#[test]
fn doubled_phrases_in_running_text() {
    let body = "considering\na)\tthat the Council Working Group the Council Working Group met;\nb)\tthat two,\nresolves\n1\tto act.\n";
    let text = resolution(
        "RESOLUTION 7 (Rev. Dubai, 2012)",
        "(Johannesburg, 2008; Dubai, 2012)",
        "Dubai, 2012",
        body,
    );
    let r = report(&text);
    let d = r
        .with_code("flatten/doubled-phrase")
        .next()
        .expect("doubled");
    assert_eq!(
        &text[d.span.start..d.span.end],
        "the Council Working Group the Council Working Group"
    );
}
