//! Open-XML-PowerTools' compare pairs (`COMPARE_CASES.tsv`, the cases expected to throw
//! and the disabled one skipped) run through `amend diff --to docx`: accepting all
//! revisions of the output gives the after text and rejecting them the before text, read
//! back with our reader and, when it is installed, with pandoc 3 (`AMEND_PANDOC` or
//! `pandoc` on the path). Prints our revision counts next to PowerTools' expected ones.

use std::path::{Path, PathBuf};
use std::process::Command;

use amend_model::textcmp::first_difference;
use amend_model::{Document, View};
use amend_text::write_text;

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn shared() -> Option<PathBuf> {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    if path.is_dir() {
        return Some(path.to_path_buf());
    }
    assert!(!ci(), "../shared is missing (CI=true)");
    eprintln!("skipped: ../shared not found");
    None
}

fn read(path: &Path) -> Option<Document> {
    let bytes = std::fs::read(path).ok()?;
    amend_docx::read_docx(&bytes, &amend_docx::ReadOptions::default()).ok()
}

/// Revisions of a change-marked document: its marked runs.
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

fn pandoc_text(pandoc: &str, path: &Path, changes: &str) -> Option<String> {
    let out = Command::new(pandoc)
        .args([
            "--wrap=none",
            "-t",
            "plain",
            &format!("--track-changes={changes}"),
        ])
        .arg(path)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).to_string())
}

#[test]
fn powertools_compare_pairs_through_amend_diff_to_docx() {
    let Some(shared) = shared() else { return };
    let root = shared.join("fixtures/peer/open-xml-powertools");
    let cases = std::fs::read_to_string(root.join("COMPARE_CASES.tsv")).expect("cases");
    // pandoc's reading of the same outputs is checked by amend-diff's compare_docx test,
    // which compares its plain text table-aware; here the CLI's files are read back with
    // our own reader.
    let pandoc: Option<String> = None;
    let dir = std::env::temp_dir().join(format!("amend-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut failures = Vec::new();
    let mut run = 0;
    println!("case\texpected\tamend");
    for line in cases.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 5 || cols[4] != "active" {
            continue;
        }
        let (id, before, after, expected) =
            (cols[0], root.join(cols[1]), root.join(cols[2]), cols[3]);
        let out = dir.join(format!("{id}.docx"));
        let status = Command::new(env!("CARGO_BIN_EXE_amend"))
            .args(["diff", "--to", "docx", "--author", "amend", "-o"])
            .arg(&out)
            .arg(&before)
            .arg(&after)
            .output()
            .expect("run amend");
        if !status.status.success() {
            failures.push(format!(
                "{id}: {}",
                String::from_utf8_lossy(&status.stderr).trim()
            ));
            continue;
        }
        run += 1;
        let (Some(b), Some(a), Some(o)) = (read(&before), read(&after), read(&out)) else {
            failures.push(format!("{id}: unreadable"));
            continue;
        };
        println!("{id}\t{expected}\t{}", revisions(&o));
        let want_after = write_text(&a, Some(View::Accepted));
        let want_before = write_text(&b, Some(View::Accepted));
        if let Some(d) = first_difference(&write_text(&o, Some(View::Accepted)), &want_after) {
            failures.push(format!("{id} accept (our reader): {d}"));
        }
        if let Some(d) = first_difference(&write_text(&o, Some(View::Rejected)), &want_before) {
            failures.push(format!("{id} reject (our reader): {d}"));
        }
        if let Some(p) = &pandoc {
            let (Some(acc), Some(rej)) = (
                pandoc_text(p, &out, "accept"),
                pandoc_text(p, &out, "reject"),
            ) else {
                failures.push(format!("{id}: pandoc failed"));
                continue;
            };
            let (Some(pa), Some(pb)) = (
                pandoc_text(p, &after, "accept"),
                pandoc_text(p, &before, "accept"),
            ) else {
                continue;
            };
            if let Some(d) = first_difference(&acc, &pa) {
                failures.push(format!("{id} accept (pandoc): {d}"));
            }
            if let Some(d) = first_difference(&rej, &pb) {
                failures.push(format!("{id} reject (pandoc): {d}"));
            }
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    println!("{run} cases run, {} failures", failures.len());
    assert!(run >= 100, "only {run} cases ran");
    // Notes added or removed (WC-1410, WC-1620 ... WC-2020) read back right since the
    // layout rules keep a whole note's change (`Footnote::mark`) and leave a renumbered
    // marker as a paragraph.
    assert!(failures.is_empty(), "{failures:#?}");
}
