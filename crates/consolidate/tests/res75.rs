//! Acceptance on Resolution 75 (issue 8): CITEL's flattened seed (recovered against the
//! reconstructed base), CEPT's CriticMarkup proposal and APT's `.docx` with revisions,
//! written for these tests to agree and collide with CITEL's. The synoptic table and the
//! merged draft are committed in `examples/consolidation/` (regenerate them with
//! `UPDATE_EXAMPLES=1 cargo test -p amend-consolidate --test res75`).

mod common;

use std::path::Path;

use amend_consolidate::{ChangeKind, Classification, Consolidation, consolidate};
use amend_model::textcmp::{first_difference, texts_equal};
use amend_model::{Body, Content, View};
use amend_text::write_text;

use common::{BASE, res75};

const INSTRUCTS: &str =
    "body__instructs_the_director_of_the_telecommunication_standardization_bureau";

fn check(c: &Consolidation, eid: &str, expected: Classification, sources: &[&str]) {
    let unit = c.unit(eid).unwrap_or_else(|| {
        panic!(
            "no unit {eid}: {:?}",
            c.units.iter().map(|u| &u.eid).collect::<Vec<_>>()
        )
    });
    assert_eq!(unit.classification, expected, "{eid}: {:?}", unit.changes);
    assert_eq!(unit.sources(), sources, "{eid}");
}

/// The sources of each change of a unit, in order.
fn change_sources(c: &Consolidation, eid: &str) -> Vec<(Vec<String>, Option<usize>)> {
    c.unit(eid)
        .expect("unit")
        .changes
        .iter()
        .map(|ch| (ch.sources.clone(), ch.conflict))
        .collect()
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn agreements_are_named_and_counted_once() {
    let c = res75();
    let all = ["CITEL", "CEPT", "APT"];
    // The new revision stamps: all three sources.
    check(
        &c,
        "title_block__number_line",
        Classification::Agreement,
        &all,
    );
    check(&c, "title_block__history", Classification::Agreement, &all);
    check(&c, "enacting", Classification::Agreement, &all);
    check(
        &c,
        "preamble__taking_into_account__item_c",
        Classification::Agreement,
        &all,
    );
    // Busan, 2014 in considering b); Dubai, 2014 in taking into account a).
    check(
        &c,
        "preamble__considering__item_b",
        Classification::Agreement,
        &["CITEL", "CEPT"],
    );
    check(
        &c,
        "preamble__taking_into_account__item_a",
        Classification::Agreement,
        &["CITEL", "CEPT"],
    );
    // Decision 562 deleted by both CITEL and CEPT.
    check(
        &c,
        "preamble__considering__item_b__item_vii",
        Classification::Suppressed,
        &["CITEL", "CEPT"],
    );
    // The same new considering b) (UNGA A/70/125) from CITEL (flattened) and APT (.docx).
    let unga = c
        .units
        .iter()
        .find(|u| {
            u.classification == Classification::New
                && u.changes[0].new.starts_with("UNGA Resolution A/70/125")
        })
        .expect("the new UNGA item");
    assert_eq!(unga.changes.len(), 1, "counted once");
    assert_eq!(unga.changes[0].sources, names(&["CITEL", "APT"]));
    assert_eq!(unga.eid, "new__preamble__considering__item_b");
    // Each agreement is one change attributed to all its sources.
    assert_eq!(
        change_sources(&c, "title_block__number_line"),
        vec![(names(&all), None)]
    );
}

#[test]
fn conflicts_are_named_with_one_alternative_per_source() {
    let c = res75();
    // Two insertions at one point of considering further a).
    check(
        &c,
        "preamble__considering_further__item_a",
        Classification::Conflict,
        &["CITEL", "CEPT"],
    );
    // CITEL deletes recognizing a), CEPT rewrites it.
    check(
        &c,
        "preamble__recognizing__item_a",
        Classification::Conflict,
        &["CITEL", "CEPT"],
    );
    // CWG-Internet written two ways after "issues" in resolves 3.
    check(
        &c,
        "body__resolves__item_3",
        Classification::Conflict,
        &["CITEL", "CEPT"],
    );
    // Two different new resolves 4.
    check(
        &c,
        "new__body__resolves__item_4",
        Classification::Conflict,
        &["CITEL", "CEPT"],
    );
    // instructs 1: CITEL and CEPT agree with each other, APT differs.
    let eid = format!("{INSTRUCTS}__item_1");
    check(
        &c,
        &eid,
        Classification::Conflict,
        &["CITEL", "CEPT", "APT"],
    );
    assert_eq!(
        change_sources(&c, &eid),
        vec![
            (names(&["CITEL", "CEPT"]), Some(1)),
            (names(&["APT"]), Some(1))
        ]
    );
    assert_eq!(c.summary().conflict, 5);
}

#[test]
fn mergeable_and_single_changes_are_named() {
    let c = res75();
    check(
        &c,
        "preamble__noting__item_a",
        Classification::Mergeable,
        &["CITEL", "CEPT"],
    );
    let eid = format!("{INSTRUCTS}__item_2");
    check(&c, &eid, Classification::Mergeable, &["CITEL", "CEPT"]);
    // Inside the mergeable instructs 2, Busan, 2014 is an agreement of both.
    assert!(change_sources(&c, &eid).contains(&(names(&["CITEL", "CEPT"]), None)));
    check(
        &c,
        "preamble__considering__item_c",
        Classification::Single,
        &["APT"],
    );
    check(
        &c,
        "body__resolves__item_1",
        Classification::Single,
        &["APT"],
    );
    check(
        &c,
        "preamble__noting_further__p_1",
        Classification::Single,
        &["APT"],
    );
    check(
        &c,
        &format!("{INSTRUCTS}__item_3"),
        Classification::Single,
        &["CEPT"],
    );
    check(
        &c,
        "preamble__considering__item_d",
        Classification::Suppressed,
        &["CEPT"],
    );
    check(
        &c,
        "preamble__considering__item_a",
        Classification::Untouched,
        &[],
    );
}

fn merged_spans(c: &Consolidation) -> Vec<amend_model::Span> {
    let Body::Resolution(r) = &c.merged.body else {
        panic!("the merged draft is a resolution")
    };
    let mut contents: Vec<&Content> = vec![&r.title_block.number_line];
    for s in &r.sections {
        contents.push(&s.heading);
        for i in s.items.iter().flat_map(|i| i.walk()) {
            contents.push(&i.content);
        }
    }
    contents.into_iter().flat_map(|c| c.spans.clone()).collect()
}

#[test]
fn merged_draft_applies_what_does_not_conflict_and_brackets_the_rest() {
    let c = res75();
    // Rejecting every change gives the text in force.
    let rejected = write_text(&c.merged, Some(View::Rejected));
    assert!(
        texts_equal(&rejected, BASE),
        "{}",
        first_difference(&rejected, BASE).unwrap_or_default()
    );
    let md = amend_consolidate::write_merged_markdown(&c);
    assert!(md.starts_with("RESOLUTION 75 (Rev. {--Dubai, 2012--}{++Hammamet, 2016++})\n"));
    assert!(
        md.contains("[CITEL: issuesCWG-Internet / CEPT: issues (CWG-Internet)]"),
        "{md}"
    );
    assert!(md.contains(
        " [CITEL, CEPT: and activities related to the 2030 Agenda / APT: and on activities related to the Sustainable Development Goals]"
    ));
    assert!(md.contains("[CITEL: (deletion) / CEPT: that all governments"));
    // Non-conflicting changes applied: CEPT's and CITEL's edits of noting a) both.
    let accepted = write_text(&c.merged, Some(View::Accepted));
    assert!(accepted.contains("Council Resolution 1332 (Rev. 2016), on ITU's role"));
    assert!(accepted.contains("future activities beyond 2015;"));
    // Attribution is in the model: sources on changes, conflicts as Alternative spans.
    let spans = merged_spans(&c);
    let source_of = |kind: ChangeKind, source: &str| {
        spans.iter().any(|s| {
            s.change.as_ref().is_some_and(|ch| {
                ch.kind == kind
                    && ch.source.as_deref() == Some(source)
                    && ch.author.as_deref() == Some(source)
            })
        })
    };
    assert!(source_of(ChangeKind::Insertion, "CITEL, CEPT, APT"));
    assert!(source_of(ChangeKind::Insertion, "APT"));
    assert!(source_of(ChangeKind::Alternative, "CITEL"));
    assert!(source_of(ChangeKind::Alternative, "CITEL, CEPT"));
    assert!(source_of(ChangeKind::Alternative, "APT"));
}

#[test]
fn each_proposal_alone_gives_itself() {
    let base = common::base();
    for p in common::proposals() {
        let c = consolidate(&base, std::slice::from_ref(&p), &common::options());
        let merged = write_text(&c.merged, Some(View::Accepted));
        let own = write_text(&p.document, Some(View::Accepted));
        assert!(
            texts_equal(&merged, &own),
            "{}: {}",
            p.source,
            first_difference(&merged, &own).unwrap_or_default()
        );
        assert_eq!(c.summary().conflict, 0, "{}", p.source);
    }
}

/// Compares a committed example with the output, or writes it with UPDATE_EXAMPLES=1.
fn example(name: &str, bytes: &[u8]) -> Vec<u8> {
    let path = common::examples_dir().join(name);
    if std::env::var_os("UPDATE_EXAMPLES").is_some() {
        std::fs::create_dir_all(common::examples_dir()).expect("examples folder");
        std::fs::write(&path, bytes).expect("example written");
    }
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_EXAMPLES=1 writes it)", path.display()))
}

#[test]
fn committed_examples_are_the_outputs() {
    let c = res75();
    let md = amend_consolidate::write_markdown(&c);
    assert_eq!(
        String::from_utf8(example("res75.md", md.as_bytes())).unwrap(),
        md
    );
    let html = amend_consolidate::write_html(&c);
    assert_eq!(
        String::from_utf8(example("res75.html", html.as_bytes())).unwrap(),
        html
    );
    let json = amend_consolidate::write_json(&c);
    assert_eq!(
        String::from_utf8(example("res75.json", json.as_bytes())).unwrap(),
        json
    );
    // The .docx files are compared by what they read back as.
    let docx = amend_consolidate::write_docx(&c, &common::options()).expect("docx");
    let committed = example("res75.docx", &docx);
    let read = |b: &[u8]| {
        let doc = amend_docx::read_docx(b, &amend_docx::ReadOptions::default()).expect("reads");
        amend_text::write_markdown(&doc)
    };
    assert_eq!(read(&committed), read(&docx));
    let apt = common::apt_docx();
    assert_eq!(read(&example("apt-res75.docx", &apt)), read(&apt));
    // The committed Markdown names the conflicts and agreements.
    assert!(md.contains("| number line | RESOLUTION 75 (Rev. Dubai, 2012) |"));
    assert!(md.contains("| agreement (CITEL, CEPT, APT) |"));
    assert!(md.contains("| conflict (CITEL, CEPT, APT) |"));
    assert!(md.contains("| new (CITEL, APT) |"));
    let json: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(json["units"][0]["classification"], "agreement");
    assert_eq!(json["merged"]["kind"], "resolution");
}

#[test]
fn html_is_one_self_contained_printable_page() {
    let html = amend_consolidate::write_html(&res75());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"));
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(html.contains("@media print"));
    assert!(html.contains("<tr class=\"conflict\""));
    assert!(html.contains("<tr class=\"agreement\""));
    assert!(html.contains("<span class=\"alt\">[CITEL: "));
}

/// Every revision author of a `.docx` as amend-docx reads it back.
fn authors(docx: &[u8]) -> Vec<String> {
    let doc = amend_docx::read_docx(docx, &amend_docx::ReadOptions::default()).expect("reads");
    let json = amend_text::write_json(&doc, amend_text::JsonOptions { source: None });
    let mut out: Vec<String> = json
        .lines()
        .filter_map(|l| l.trim().strip_prefix("\"author\": \""))
        .map(|a| a.trim_end_matches([',', '"']).to_string())
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn docx_revisions_are_authored_by_the_sources() {
    let c = res75();
    let docx = amend_consolidate::write_docx(&c, &common::options()).expect("docx");
    let found = authors(&docx);
    for a in ["CITEL", "CEPT", "APT", "CITEL, CEPT", "CITEL, CEPT, APT"] {
        assert!(found.iter().any(|f| f == a), "{a} not in {found:?}");
    }
}

fn temp_dir(test: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("amend-consolidate-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn pandoc_reads_the_revisions_with_their_authors() {
    let Some(pandoc) = common::pandoc("pandoc_reads_the_revisions_with_their_authors") else {
        return;
    };
    let dir = temp_dir("pandoc");
    let path = dir.join("res75.docx");
    std::fs::write(
        &path,
        amend_consolidate::write_docx(&res75(), &common::options()).unwrap(),
    )
    .unwrap();
    let out = std::process::Command::new(pandoc)
        .args(["--track-changes=all", "-t", "json"])
        .arg(&path)
        .output()
        .expect("pandoc runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("pandoc JSON");
    let mut found: Vec<(String, String)> = Vec::new();
    fn walk(v: &serde_json::Value, found: &mut Vec<(String, String)>) {
        match v {
            serde_json::Value::Object(m) => {
                if m.get("t").and_then(|t| t.as_str()) == Some("Span")
                    && let Some(attr) = m.get("c").and_then(|c| c.get(0))
                {
                    let classes: Vec<&str> = attr[1]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|c| c.as_str())
                        .collect();
                    for kv in attr[2].as_array().into_iter().flatten() {
                        if kv[0] == "author"
                            && let Some(class) = classes
                                .iter()
                                .find(|c| matches!(**c, "insertion" | "deletion"))
                        {
                            found.push((
                                class.to_string(),
                                kv[1].as_str().unwrap_or("").to_string(),
                            ));
                        }
                    }
                }
                m.values().for_each(|x| walk(x, found));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, found)),
            _ => {}
        }
    }
    walk(&json, &mut found);
    for (class, author) in [
        ("insertion", "CITEL"),
        ("insertion", "CEPT"),
        ("insertion", "APT"),
        ("insertion", "CITEL, CEPT, APT"),
        ("deletion", "CITEL, CEPT, APT"),
        ("deletion", "CEPT"),
    ] {
        assert!(
            found.iter().any(|(c, a)| c == class && a == author),
            "no {class} by {author} in pandoc's reading"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn libreoffice_opens_the_docx() {
    let Some(soffice) = common::soffice("libreoffice_opens_the_docx") else {
        return;
    };
    let dir = temp_dir("soffice");
    let path = dir.join("res75.docx");
    std::fs::write(
        &path,
        amend_consolidate::write_docx(&res75(), &common::options()).unwrap(),
    )
    .unwrap();
    let out = std::process::Command::new(soffice)
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&dir)
        .arg(&path)
        .env("HOME", &dir)
        .output()
        .expect("LibreOffice runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = dir.join("res75.pdf");
    assert!(
        Path::new(&pdf).exists(),
        "no PDF: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(std::fs::metadata(&pdf).unwrap().len() > 1000);
    let _ = std::fs::remove_dir_all(dir);
}
