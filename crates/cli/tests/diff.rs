//! `amend diff` end to end: every output format, and the .docx output read back.

use std::process::Command;

use amend_model::View;
use amend_model::textcmp::first_difference;
use amend_text::{ReadOptions, read_critic, write_text};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../diff/tests/data");

fn amend(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_amend"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run amend")
}

fn pair() -> (String, String) {
    (
        format!("{DATA}/res75-dubai-2012.reconstructed.txt"),
        format!("{DATA}/res75-hammamet-2016.proposal.txt"),
    )
}

#[test]
fn markdown_output_accepts_to_the_new_text_and_rejects_to_the_old() {
    let (old, new) = pair();
    let out = amend(&["diff", &old, &new, "--to", "md"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8(out.stdout).expect("utf-8");
    assert!(md.contains("{--d--}{++c++})\tthat the management of the Internet"));
    let doc = read_critic(&md, &ReadOptions::default());
    let old_text = std::fs::read_to_string(&old).expect("old");
    let new_text = std::fs::read_to_string(&new).expect("new");
    assert_eq!(
        first_difference(&write_text(&doc, Some(View::Accepted)), &new_text),
        None
    );
    assert_eq!(
        first_difference(&write_text(&doc, Some(View::Rejected)), &old_text),
        None
    );
}

#[test]
fn terminal_output_without_colour_uses_plain_marks() {
    let (old, new) = pair();
    let out = amend(&["diff", &old, &new]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.starts_with("RESOLUTION 75 (Rev. [-Dubai, 2012-]{+Hammamet, 2016+})\n"));
    assert!(!text.contains('\u{1b}'));
    let out = amend(&["diff", &old, &new, "--side-by-side", "--no-boilerplate"]);
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.contains(" │ "));
    assert!(!text.contains("[-Dubai, 2012-]"));
}

#[test]
fn html_and_json_outputs() {
    let (old, new) = pair();
    let dir = std::env::temp_dir().join(format!("amend-diff-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let html = dir.join("r.html");
    let out = amend(&[
        "diff",
        &old,
        &new,
        "--to",
        "html",
        "-o",
        html.to_str().expect("path"),
    ]);
    assert!(out.status.success());
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(page.contains("<del class=\"bp\""));
    let out = amend(&["diff", &old, &new, "--to", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(value["changes"].as_array().is_some_and(|c| c.len() > 20));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn docx_output_has_real_revisions_that_accept_and_reject() {
    let (old, new) = pair();
    let dir = std::env::temp_dir().join(format!("amend-diff-docx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("r.docx");
    let out = amend(&[
        "diff",
        &old,
        &new,
        "--to",
        "docx",
        "-o",
        path.to_str().expect("path"),
        "--author",
        "CITEL",
        "--date",
        "2016-09-01T00:00:00Z",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&path).expect("docx");
    let doc =
        amend_docx::read_docx(&bytes, &amend_docx::ReadOptions::default()).expect("read back");
    let old_text = std::fs::read_to_string(&old).expect("old");
    let new_text = std::fs::read_to_string(&new).expect("new");
    assert_eq!(
        first_difference(&write_text(&doc, Some(View::Accepted)), &new_text),
        None
    );
    assert_eq!(
        first_difference(&write_text(&doc, Some(View::Rejected)), &old_text),
        None
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A collection of `copies` resolutions made from `text`, numbered apart.
fn collection(text: &str, copies: usize) -> String {
    (1..=copies)
        .map(|n| text.replacen("RESOLUTION 75", &format!("RESOLUTION {n}"), 1))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The binary's Markdown redline of two texts, checked against the library's (whole
/// documents, system allocator) and against the new text.
fn assert_binary_redline_is_the_library_s(old_text: &str, new_text: &str, name: &str) {
    let dir = std::env::temp_dir().join(format!("amend-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (old_path, new_path) = (dir.join("old.txt"), dir.join("new.txt"));
    std::fs::write(&old_path, old_text).expect("write old");
    std::fs::write(&new_path, new_text).expect("write new");
    let out = amend(&[
        "diff",
        old_path.to_str().expect("path"),
        new_path.to_str().expect("path"),
        "--to",
        "md",
    ]);
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = library_markdown(old_text, new_text);
    let md = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        md == expected,
        "{name}: the binary's redline differs from the library's"
    );
    let doc = read_critic(&md, &ReadOptions::default());
    assert_eq!(
        first_difference(&write_text(&doc, Some(View::Accepted)), new_text),
        None
    );
}

/// The Markdown redline the library makes of the whole documents, on the system allocator.
fn library_markdown(old_text: &str, new_text: &str) -> String {
    let options = ReadOptions::default();
    amend_text::write_markdown(&amend_diff::diff_document(
        &amend_text::read_plain(old_text, &options),
        &amend_text::read_plain(new_text, &options),
        &amend_diff::DiffOptions::default(),
    ))
}

/// From a megabyte of input on, the binary takes its blocks from its own arena (see
/// `arena.rs`) and compares plain-text collections one resolution at a time; the redline
/// must be the one the library makes of the whole documents with the system allocator.
#[test]
fn large_inputs_give_the_same_redline_as_the_library() {
    let (old, new) = pair();
    let old_text = collection(&std::fs::read_to_string(&old).expect("old"), 80);
    let new_text = collection(&std::fs::read_to_string(&new).expect("new"), 80);
    assert!(old_text.len() + new_text.len() >= 1 << 20, "large enough");
    // These are cut into resolutions, so the binary takes the part-by-part path.
    assert!(amend_text::split_collection(&old_text).is_some());
    assert!(amend_text::split_collection(&new_text).is_some());
    assert_binary_redline_is_the_library_s(&old_text, &new_text, "large-diff");

    // Resolutions deleted, inserted, and two run together (a number line lost).
    let new_text = new_text
        .replacen("RESOLUTION 7 ", "RESOLUTION 7bis ", 1)
        .replacen("RESOLUTION 30 ", "RESOLUTION 300 ", 1)
        .replacen("\nRESOLUTION 50 ", " RESOLUTION 50 ", 1);
    assert!(amend_text::split_collection(&new_text).is_some());
    assert_binary_redline_is_the_library_s(&old_text, &new_text, "large-diff-pairs");

    // Resolutions left as they were: every third of the new version is the old one's.
    let old_one = std::fs::read_to_string(&old).expect("old");
    let new_one = std::fs::read_to_string(&new).expect("new");
    let mixed: Vec<String> = (1..=80)
        .map(|n| {
            let text = if n % 3 == 0 { &old_one } else { &new_one };
            text.replacen("RESOLUTION 75", &format!("RESOLUTION {n}"), 1)
        })
        .collect();
    assert_binary_redline_is_the_library_s(&old_text, &mixed.join("\n"), "large-diff-same");

    // Not cut (text before the first resolution): the whole documents are compared.
    let front = format!("Compilation of resolutions\n{new_text}");
    assert!(amend_text::split_collection(&front).is_none());
    assert_binary_redline_is_the_library_s(&old_text, &front, "large-diff-front");
}

/// Large inputs are mapped rather than read; bad bytes in them are reported as in small
/// ones: the file, the line and column, and a non-zero exit.
#[test]
fn large_inputs_with_bad_bytes_are_refused_with_their_position() {
    let (old, _) = pair();
    let old_text = collection(&std::fs::read_to_string(&old).expect("old"), 80);
    let dir = std::env::temp_dir().join(format!("amend-large-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (old_path, new_path) = (dir.join("old.txt"), dir.join("new.txt"));
    std::fs::write(&old_path, &old_text).expect("write old");
    let mut bad = old_text.clone().into_bytes();
    let at = old_text.find("\nconsidering").expect("a considering line") + 3;
    bad[at] = 0xFF;
    std::fs::write(&new_path, &bad).expect("write new");
    let run = || {
        amend(&[
            "diff",
            old_path.to_str().expect("path"),
            new_path.to_str().expect("path"),
            "--to",
            "md",
        ])
    };
    let out = run();
    let line = old_text[..at].matches('\n').count() + 1;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("new.txt:{line}:3: not valid UTF-8")),
        "{stderr}"
    );
    bad[at] = 0;
    std::fs::write(&new_path, &bad).expect("write new");
    let out = run();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("new.txt:1:1: binary content"), "{stderr}");
}

/// `-o` may name an input: the redline replaces it, made from what it held before.
#[test]
fn a_large_redline_may_replace_its_new_input() {
    let (old, new) = pair();
    let old_text = collection(&std::fs::read_to_string(&old).expect("old"), 80);
    let new_text = collection(&std::fs::read_to_string(&new).expect("new"), 80);
    let dir = std::env::temp_dir().join(format!("amend-large-in-place-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (old_path, new_path) = (dir.join("old.txt"), dir.join("new.txt"));
    std::fs::write(&old_path, &old_text).expect("write old");
    std::fs::write(&new_path, &new_text).expect("write new");
    let new_arg = new_path.to_str().expect("path");
    let out = amend(&[
        "diff",
        old_path.to_str().expect("path"),
        new_arg,
        "--to",
        "md",
        "-o",
        new_arg,
    ]);
    let written = std::fs::read_to_string(&new_path).expect("output");
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        written == library_markdown(&old_text, &new_text),
        "the redline written over its input differs"
    );
}
