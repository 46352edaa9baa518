//! The command line as a user runs it: exit codes, errors naming the file and position,
//! bad input handled without panics.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn amend(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_amend"))
        .args(args)
        .output()
        .expect("run amend")
}

fn repo(path: &str) -> String {
    format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))
}

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("amend-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write temp file");
    path
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn parse_shows_the_seed_as_an_outline_and_json() {
    let seed = repo("tests/data/seed-citel-res75.txt");
    let out = amend(&["parse", &seed, "--to", "outline"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("contribution from CITEL"));
    assert!(text.contains("bd) (suspect)"));
    let out = amend(&["parse", &seed]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(json["kind"], "contribution");
    assert_eq!(json["proposals"][0]["resolution"]["number"], "75");
}

#[test]
fn demo_runs_on_the_embedded_seed() {
    let out = amend(&["demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("RESOLUTION 75 (Rev. Dubai, 2012Hammamet, 2016)"));
    assert!(text.contains("\"kind\": \"contribution\""));
}

#[test]
fn accept_and_reject_critic_markup_from_stdin() {
    for (cmd, expected) in [("accept", "a new text\n"), ("reject", "a old text\n")] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_amend"))
            .args([cmd, "-", "--from", "md"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(b"a {--old--}{++new++} text\n")
            .expect("write");
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
    }
}

#[test]
fn output_file_is_written() {
    let path = temp_file("out.md", b"");
    let out = amend(&[
        "parse",
        &repo("tests/data/critic/labels.md"),
        "--to",
        "md",
        "-o",
        path.to_str().expect("utf-8 path"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let written = std::fs::read_to_string(&path).expect("read output");
    assert!(written.contains("{--c--}{++b++})"));
}

#[test]
fn empty_input_is_an_error_naming_the_file() {
    let path = temp_file("empty.txt", b"  \n");
    let out = amend(&["parse", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("empty.txt: empty input"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn binary_input_is_refused() {
    let path = temp_file("binary.txt", b"\x7fELF\x00\x00binary");
    let out = amend(&["parse", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("binary content"), "{}", stderr(&out));
    // ZIP bytes are taken for a .docx and refused as a broken package, naming the file.
    let path = temp_file("broken.txt", b"PK\x03\x04\x00\x00broken");
    let out = amend(&["parse", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("broken.txt: not a readable .docx"), "{err}");
}

#[test]
fn invalid_utf8_names_line_and_column() {
    let path = temp_file("latin1.txt", b"RESOLUTION 1\nLe\xe7on\n");
    let out = amend(&["parse", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("latin1.txt:2:3: not valid UTF-8"), "{err}");
}

#[test]
fn missing_file_and_usage_errors_exit_2() {
    let out = amend(&["parse", "/nonexistent/x.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/nonexistent/x.txt: cannot read"));
    let out = amend(&["parse"]);
    assert_eq!(out.status.code(), Some(2));
    let out = amend(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

/// `amend diff` has a short parse of its own; help and mistakes still get the full
/// command line's answers.
#[test]
fn diff_help_and_usage_errors_are_the_full_command_line_s() {
    let out = amend(&["diff", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("Usage: amend diff [OPTIONS] <OLD> <NEW>"),
        "{help}"
    );
    let out = amend(&["diff", "old.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("<NEW>"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Usage: amend diff"),
        "{}",
        stderr(&out)
    );
    let out = amend(&["diff", "a.txt", "b.txt", "--to", "pdf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid value 'pdf'"),
        "{}",
        stderr(&out)
    );
    let out = amend(&["diff", "/nonexistent/a.txt", "/nonexistent/b.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("/nonexistent/a.txt: cannot read"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn text_without_resolution_is_a_generic_document() {
    let path = temp_file("letter.txt", b"Dear colleagues,\n\nThank you.\n");
    let out = amend(&["parse", path.to_str().expect("utf-8 path")]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["kind"], "generic");
    assert_eq!(json["blocks"].as_array().map(Vec::len), Some(2));
}

/// A deterministic pseudo-random byte stream.
fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

#[test]
fn a_100_mb_random_file_is_refused_quickly() {
    let path = temp_file("random.bin", &random_bytes(100 * 1024 * 1024, 7));
    let out = amend(&["parse", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("random.bin"));
    let _ = std::fs::remove_file(path);
}

#[test]
fn a_one_megabyte_single_line_parses_best_effort() {
    let line: String = random_bytes(1024 * 1024, 3)
        .iter()
        .map(|b| char::from(b'a' + b % 26))
        .collect();
    let path = temp_file("line.txt", line.as_bytes());
    let out = amend(&["parse", path.to_str().expect("utf-8 path"), "--to", "text"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.stdout.len(), line.len() + 1);
}

#[test]
fn unflatten_with_the_base_recovers_the_proposal_whose_rejection_is_the_base() {
    let seed = repo("tests/data/seed-citel-res75.txt");
    let base = repo("tests/data/res75-dubai-2012.reconstructed.txt");
    let out = amend(&["unflatten", &seed, "--base", &base, "--to", "rejected"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rejected = String::from_utf8_lossy(&out.stdout).into_owned();
    let base_text = std::fs::read_to_string(&base).expect("read base");
    // Line breaks and tabs may differ; the words are the base's, in order.
    assert_eq!(
        rejected.split_whitespace().collect::<Vec<_>>(),
        base_text.split_whitespace().collect::<Vec<_>>()
    );
    let out = amend(&["unflatten", &seed, "--base", &base, "--to", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let markdown = String::from_utf8_lossy(&out.stdout);
    assert!(markdown.contains("{++Hammamet, 2016++}"), "{markdown}");
}

/// The binary starts without the standard runtime on Linux (see `main.rs`): what that
/// start-up did must still hold. A reader that closes the pipe early is no error, and a
/// closed standard output takes no file's place.
#[test]
fn closed_pipes_and_standard_descriptors_are_handled() {
    let seed = repo("tests/data/seed-citel-res75.txt");
    let mut child = Command::new(env!("CARGO_BIN_EXE_amend"))
        .args(["diff", &seed, &seed, "--to", "md"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Closed before anything is read: the first write meets a closed pipe.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = Command::new(env!("CARGO_BIN_EXE_amend"))
        .args(["diff", &seed, &seed, "--to", "md"])
        .stdout(Stdio::null())
        .output()
        .expect("run amend");
    assert!(out.status.success(), "{}", stderr(&out));
    // Standard output closed outright: the output goes nowhere, and nothing else is
    // written in its place.
    let copy = temp_file(
        "closed-stdout-input.txt",
        &std::fs::read(&seed).expect("seed"),
    );
    let status = Command::new("sh")
        .args(["-c", "exec \"$0\" diff \"$1\" \"$1\" --to md >&-"])
        .arg(env!("CARGO_BIN_EXE_amend"))
        .arg(&copy)
        .status()
        .expect("run sh");
    assert!(status.success());
    assert_eq!(
        std::fs::read(&copy).expect("input"),
        std::fs::read(&seed).expect("seed")
    );
}
