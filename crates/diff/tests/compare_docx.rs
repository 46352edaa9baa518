//! Open-XML-PowerTools' compare pairs in process: read both .docx, diff, write the
//! redline as .docx with real revisions, read it back; accepting all gives the after
//! text and rejecting all the before text. (`amend diff --to docx` runs the same pairs
//! end to end in crates/cli/tests/diff_compare.rs.)

use std::path::{Path, PathBuf};
use std::process::Command;

use amend_diff::{DiffOptions, diff};
use amend_model::textcmp::first_difference;
use amend_model::{Document, View};
use amend_text::write_text;

fn shared() -> Option<PathBuf> {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    if path.is_dir() {
        return Some(path.to_path_buf());
    }
    assert!(
        !std::env::var("CI").is_ok_and(|v| v == "true"),
        "../shared is missing (CI=true)"
    );
    eprintln!("skipped: ../shared not found");
    None
}

/// pandoc 3: `AMEND_PANDOC`, `pandoc` on the path, or the CI venv's (docs: ci.md).
fn pandoc() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Ok(p) = std::env::var("AMEND_PANDOC") {
        candidates.push(p.into());
    }
    candidates.push("pandoc".into());
    let venv = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.ci-venv/lib"));
    if let Ok(dirs) = std::fs::read_dir(venv) {
        for d in dirs.flatten() {
            candidates.push(d.path().join("site-packages/pypandoc/files/pandoc"));
        }
    }
    candidates.into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).starts_with("pandoc 3"))
    })
}

fn pandoc_text(pandoc: &Path, path: &Path, changes: &str) -> String {
    let out = Command::new(pandoc)
        .args([
            "--wrap=none",
            "-t",
            "plain",
            &format!("--track-changes={changes}"),
        ])
        .arg(path)
        .output()
        .expect("run pandoc");
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Revisions of a change-marked document: its marked runs (a replacement is two).
fn revisions(doc: &Document) -> usize {
    amend_text::lines(doc)
        .iter()
        .flat_map(|l| {
            l.label
                .iter()
                .flat_map(|c| c.spans.iter())
                .chain(&l.content.spans)
        })
        .filter(|s| s.kind().is_some_and(|k| k.changes_text()))
        .count()
}

fn read(bytes: &[u8]) -> Option<Document> {
    amend_docx::read_docx(bytes, &amend_docx::ReadOptions::default()).ok()
}

#[test]
fn powertools_compare_pairs_round_trip_through_docx() {
    let Some(shared) = shared() else { return };
    let root = shared.join("fixtures/peer/open-xml-powertools");
    let cases = std::fs::read_to_string(root.join("COMPARE_CASES.tsv")).expect("cases");
    let mut failures = Vec::new();
    let mut counts: Vec<(String, usize, usize)> = Vec::new();
    let mut run = 0;
    let pandoc = pandoc();
    if pandoc.is_none() {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "pandoc 3 is missing (CI=true)"
        );
        eprintln!("notice: pandoc 3 not found; checked with our reader only");
    }
    let dir = std::env::temp_dir().join(format!("amend-compare-docx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for line in cases.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 5 || cols[4] != "active" {
            continue;
        }
        let id = cols[0];
        let (Ok(bb), Ok(ab)) = (
            std::fs::read(root.join(cols[1])),
            std::fs::read(root.join(cols[2])),
        ) else {
            failures.push(format!("{id}: missing input"));
            continue;
        };
        let (Some(before), Some(after)) = (read(&bb), read(&ab)) else {
            failures.push(format!("{id}: unreadable input"));
            continue;
        };
        let redline = diff(&before, &after, &DiffOptions::default());
        let want_after = write_text(&after, Some(View::Accepted));
        let want_before = write_text(&before, Some(View::Accepted));
        let model = &redline.document;
        if let Some(d) = first_difference(&write_text(model, Some(View::Accepted)), &want_after) {
            failures.push(format!("{id} accept (model): {d}"));
        }
        if let Some(d) = first_difference(&write_text(model, Some(View::Rejected)), &want_before) {
            failures.push(format!("{id} reject (model): {d}"));
        }
        let bytes = amend_docx::write_docx(&redline.document, &amend_docx::WriteOptions::default())
            .expect("write docx");
        let Some(out) = read(&bytes) else {
            failures.push(format!("{id}: our .docx is unreadable"));
            continue;
        };
        run += 1;
        let ours = revisions(&out);
        let expected: usize = cols[3].parse().unwrap_or(0);
        counts.push((id.to_string(), expected, ours));
        if let Some(d) = first_difference(&write_text(&out, Some(View::Accepted)), &want_after) {
            failures.push(format!("{id} accept (docx): {d}"));
        }
        if let Some(d) = first_difference(&write_text(&out, Some(View::Rejected)), &want_before) {
            failures.push(format!("{id} reject (docx): {d}"));
        }
        if let Some(p) = &pandoc {
            let ours = dir.join(format!("{id}.docx"));
            std::fs::write(&ours, &bytes).expect("write");
            // The texts as our reader extracts them from the inputs (tables, math and
            // images of the inputs are paragraphs of text in our output).
            if let Some(d) = first_difference(&pandoc_text(p, &ours, "accept"), &want_after) {
                failures.push(format!("{id} accept (pandoc): {d}"));
            }
            if let Some(d) = first_difference(&pandoc_text(p, &ours, "reject"), &want_before) {
                failures.push(format!("{id} reject (pandoc): {d}"));
            }
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    println!("case\texpected (PowerTools)\tamend");
    for (id, expected, ours) in &counts {
        println!("{id}\t{expected}\t{ours}");
    }
    let same = counts.iter().filter(|(_, e, o)| e == o).count();
    let within = counts
        .iter()
        .filter(|(_, e, o)| e.abs_diff(*o) <= 1)
        .count();
    println!(
        "{} cases: revision count equal to PowerTools' in {same}, within one in {within}",
        counts.len()
    );
    assert!(run >= 100, "only {run} cases ran");
    // Notes added or removed (WC-1410, WC-1620 ... WC-2020) read back right since the
    // layout rules keep a whole note's change (`Footnote::mark`) and leave a renumbered
    // marker as a paragraph.
    assert!(failures.is_empty(), "{failures:#?}");
}
