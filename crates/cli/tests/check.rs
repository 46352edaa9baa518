//! `amend check` as a user runs it: exit codes, the three formats, and `--fix --base`.

use std::path::PathBuf;
use std::process::{Command, Output};

fn amend(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_amend"))
        .args(args)
        .output()
        .expect("run amend")
}

fn data(name: &str) -> String {
    format!("{}/../check/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("amend-check-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

const SEED: &str = "000_a878dba81f09253c.txt";
const BASE: &str = "res75-dubai-2012.reconstructed.txt";

#[test]
fn errors_give_exit_status_1_with_rustc_style_output() {
    let out = amend(&["check", &data(SEED)]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("error[flatten/run-together-stamp]: meeting stamps run together: `Dubai, 2012` and `Hammamet, 2016`"));
    assert!(
        text.contains(&format!("  --> {}:13:22\n", data(SEED))),
        "{text}"
    );
    assert!(text.contains("13 |  RESOLUTION 75 (Rev. Dubai, 2012Hammamet, 2016)\n"));
    assert!(
        text.contains(
            "   |                      ^^^^^^^^^^^^^^^^^^^^^^^^^ old and new stamp side by side\n"
        ),
        "{text}"
    );
    assert!(text.trim_end().ends_with("26 errors, 38 warnings"));
}

#[test]
fn a_clean_text_gives_exit_status_0() {
    let base = std::fs::read_to_string(data(BASE))
        .expect("base")
        .replace("ITUT", "ITU-T");
    let path = temp("base.txt");
    std::fs::write(&path, base).expect("write");
    let out = amend(&["check", path.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 errors, 8 warnings"));
}

#[test]
fn unreadable_input_and_bad_usage_give_exit_status_2() {
    let out = amend(&["check", "/nonexistent/file.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/file.txt"));
    let out = amend(&["check", &data(SEED), "--fix"]);
    assert_eq!(out.status.code(), Some(2), "--fix needs -o");
    let out = amend(&["check", &data(SEED), "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let bad = temp("bad-registry.tsv");
    std::fs::write(&bad, "revision\tPP\tresolution\t1\tX\tsoon\n").expect("write");
    let out = amend(&["check", &data(SEED), "--registry", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1"));
}

#[test]
fn json_lists_the_findings_only() {
    let out = amend(&["check", "--format", "json", &data(SEED)]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let findings = json.as_array().expect("an array of findings");
    assert_eq!(findings.len(), 64);
    let bd = findings
        .iter()
        .find(|f| f["code"] == "numbering/doubled-label")
        .expect("doubled label");
    assert_eq!(bd["severity"], "error");
    assert_eq!(bd["line"], 22);
    assert_eq!(bd["column"], 1);
    assert_eq!(bd["file"], data(SEED).as_str());
    assert!(bd["span"]["start"].is_u64());
    let marker = findings
        .iter()
        .find(|f| f["code"] == "flatten/extractor-marker")
        .expect("marker");
    assert_eq!(marker["fix"]["safe"], true);
    assert_eq!(marker["fix"]["edits"][0]["replacement"], "");
}

#[test]
fn sarif_is_a_2_1_0_log() {
    let out = amend(&["check", "--format", "sarif", &data(SEED), &data(BASE)]);
    assert_eq!(out.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["runs"][0]["artifacts"].as_array().map(Vec::len),
        Some(2)
    );
}

#[test]
fn fix_with_the_base_leaves_no_numbering_error_and_never_touches_the_input() {
    let before = std::fs::read(data(SEED)).expect("seed");
    let fixed = temp("fixed.txt");
    let out = amend(&[
        "check",
        "--fix",
        "--base",
        &data(BASE),
        "-o",
        fixed.to_str().unwrap(),
        &data(SEED),
    ]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("applied the fixes of"), "{report}");
    assert!(!report.contains("error[numbering/"), "{report}");
    assert_eq!(std::fs::read(data(SEED)).expect("seed"), before);
    // Checking the output again: no numbering error.
    let out = amend(&["check", "--format", "json", fixed.to_str().unwrap()]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let numbering: Vec<&serde_json::Value> = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["severity"] == "error" && f["code"].as_str().unwrap().starts_with("numbering/")
        })
        .collect();
    assert!(numbering.is_empty(), "{numbering:#?}");
}
