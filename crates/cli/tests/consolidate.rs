//! `amend consolidate` on Resolution 75: CITEL's flattened seed, CEPT's CriticMarkup and
//! APT's .docx give the committed example outputs of examples/consolidation/.

use std::path::PathBuf;
use std::process::Command;

fn repo(path: &str) -> String {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .join(path)
        .to_string_lossy()
        .into_owned()
}

fn amend(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_amend"))
        .args(args)
        .output()
        .expect("amend runs")
}

fn res75_args(to: &str) -> Vec<String> {
    vec![
        "consolidate".into(),
        "--base".into(),
        repo("tests/data/res75-dubai-2012.reconstructed.txt"),
        "--source".into(),
        format!("CITEL={}", repo("tests/data/seed-citel-res75.txt")),
        "--source".into(),
        format!(
            "CEPT={}",
            repo("crates/consolidate/tests/data/cept-res75.md")
        ),
        "--source".into(),
        format!("APT={}", repo("examples/consolidation/apt-res75.docx")),
        "--date".into(),
        "2016-09-01".into(),
        "--to".into(),
        to.into(),
    ]
}

#[test]
fn consolidate_gives_the_committed_examples() {
    for (to, file) in [
        ("md", "res75.md"),
        ("json", "res75.json"),
        ("html", "res75.html"),
    ] {
        let args = res75_args(to);
        let out = amend(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let expected = std::fs::read_to_string(repo(&format!("examples/consolidation/{file}")))
            .expect("example");
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "--to {to}");
    }
}

#[test]
fn consolidate_writes_a_docx_with_revisions_by_source() {
    let dir = std::env::temp_dir().join(format!("amend-cli-consolidate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("res75.docx");
    let mut args = res75_args("docx");
    args.push("-o".into());
    args.push(path.to_string_lossy().into_owned());
    let out = amend(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&path).unwrap();
    let doc = amend_docx::read_docx(&bytes, &amend_docx::ReadOptions::default()).unwrap();
    let md = amend_text::write_markdown(&doc);
    assert!(md.contains("Synoptic table") && md.contains("Merged draft"));
    // Without -o, a .docx is refused rather than written to a terminal.
    let args = res75_args("docx");
    let out = amend(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn consolidate_without_proposals_or_with_a_bad_pair_fails() {
    let base = repo("tests/data/res75-dubai-2012.reconstructed.txt");
    let out = amend(&["consolidate", "--base", &base]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no proposals"));
    let out = amend(&["consolidate", "--base", &base, "--source", "CITEL"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("NAME=VALUE"));
}

#[test]
fn a_positional_clean_text_is_named_after_its_file() {
    let dir =
        std::env::temp_dir().join(format!("amend-cli-consolidate-pos-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let base_text =
        std::fs::read_to_string(repo("tests/data/res75-dubai-2012.reconstructed.txt")).unwrap();
    let proposal = dir.join("ATU.txt");
    std::fs::write(
        &proposal,
        base_text.replace(
            "to provide information on emerging trends",
            "to provide information on new trends",
        ),
    )
    .unwrap();
    let base = repo("tests/data/res75-dubai-2012.reconstructed.txt");
    let out = amend(&[
        "consolidate",
        "--base",
        &base,
        &proposal.to_string_lossy(),
        "--as",
        "ATU=clean",
        "--to",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["sources"][0]["name"], "ATU");
    assert_eq!(json["summary"]["single"], 1);
    let _ = std::fs::remove_dir_all(dir);
}
