//! What we write opens in the peers: pandoc `--track-changes=all` reads back exactly the
//! insertions and deletions we wrote, and LibreOffice converts the file to PDF.

mod common;

use std::path::PathBuf;
use std::process::Command;

use amend_docx::{ReadOptions, WriteOptions, read_docx, read_paragraphs, write_docx};

/// Fixtures with tracked changes, written back by us.
fn written_fixtures(shared: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let peer = shared.join("fixtures/peer");
    let names = [
        "pandoc/test/docx/track_changes_insertion.docx",
        "pandoc/test/docx/track_changes_deletion.docx",
        "pandoc/test/docx/track_changes_move.docx",
        "pandoc/test/docx/paragraph_insertion_deletion.docx",
        "pandoc/test/docx/track_changes_scrubbed_metadata.docx",
        "jubarte-redlines/tests/fixtures/f4/word-redline.docx",
        "jubarte-redlines/tests/fixtures/f1/word-redline.docx",
        "open-xml-powertools/TestFiles/RP/RP002-Deleted-Text.docx",
        "open-xml-powertools/TestFiles/RP/RP003-Inserted-Text.docx",
        "open-xml-powertools/TestFiles/RP/RP009-Deleted-Table-Row.docx",
        "open-xml-powertools/TestFiles/RP/RP017-MoveFrom-MoveTo.docx",
        "open-xml-powertools/TestFiles/RP/RP050-Deleted-Footnote.docx",
    ];
    let mut out = Vec::new();
    for name in names {
        let path = peer.join(name);
        if !path.exists() {
            continue;
        }
        let doc = read_docx(&common::read(&path), &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let options = WriteOptions {
            author: Some("amend".into()),
            date: Some("2026-11-29T00:00:00Z".into()),
        };
        out.push((
            name.to_string(),
            write_docx(&doc, &options).expect("writes"),
        ));
    }
    let ig = shared.join("fixtures/itu/T-REC-G.Imp8101-201810-I-MSW-E.docx");
    let doc = read_docx(&common::read(&ig), &ReadOptions::default()).expect("reads");
    out.push((
        "itu/Implementers' Guide".into(),
        write_docx(&doc, &WriteOptions::default()).expect("writes"),
    ));
    out
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("amend-docx-peers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

#[test]
fn pandoc_reads_back_the_changes_we_wrote() {
    let Some(shared) = common::shared("pandoc_reads_back") else {
        return;
    };
    let Some(pandoc) = common::pandoc("pandoc_reads_back") else {
        return;
    };
    let mut failures = Vec::new();
    let fixtures = written_fixtures(&shared);
    for (i, (name, bytes)) in fixtures.iter().enumerate() {
        let path = scratch(&format!("w{i}.docx"));
        std::fs::write(&path, bytes).expect("write");
        let out = Command::new(&pandoc)
            .args(["--track-changes=all", "-f", "docx", "-t", "json"])
            .arg(&path)
            .output()
            .expect("pandoc runs");
        assert!(
            out.status.success(),
            "{name}: pandoc failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let theirs = common::normalize(common::pandoc_changes(&String::from_utf8_lossy(
            &out.stdout,
        )));
        let read = read_paragraphs(bytes, &ReadOptions::default()).expect("rereads");
        let ours = common::normalize(common::paragraph_changes(&read.paragraphs));
        if ours != theirs {
            let i = (0..ours.len().max(theirs.len()))
                .find(|&i| ours.get(i) != theirs.get(i))
                .unwrap_or(0);
            failures.push(format!(
                "{name}: at {i} of {}/{}: ours {:?}, pandoc's {:?}",
                ours.len(),
                theirs.len(),
                ours.get(i),
                theirs.get(i)
            ));
        }
        let _ = std::fs::remove_file(&path);
    }
    for f in &failures {
        eprintln!("  {f}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} files differ",
        failures.len(),
        fixtures.len()
    );
}

#[test]
fn libreoffice_converts_what_we_write() {
    let Some(shared) = common::shared("libreoffice_converts") else {
        return;
    };
    let candidates = [PathBuf::from("soffice"), PathBuf::from("libreoffice")];
    let Some(soffice) = common::program("libreoffice_converts", "SOFFICE", &candidates) else {
        return;
    };
    let fixtures = written_fixtures(&shared);
    let dir = scratch("lo");
    std::fs::create_dir_all(&dir).expect("dir");
    let mut inputs = Vec::new();
    for (i, (_, bytes)) in fixtures.iter().enumerate() {
        let path = dir.join(format!("w{i}.docx"));
        std::fs::write(&path, bytes).expect("write");
        inputs.push(path);
    }
    // One process converts them all (a cold start costs about a second).
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.join("profile").display()
    );
    let out = Command::new(&soffice)
        .args([
            profile.as_str(),
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(&dir)
        .args(&inputs)
        .output()
        .expect("soffice runs");
    assert!(
        out.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (i, (name, _)) in fixtures.iter().enumerate() {
        let pdf = dir.join(format!("w{i}.pdf"));
        let size = std::fs::metadata(&pdf).map(|m| m.len()).unwrap_or(0);
        assert!(
            size > 1000,
            "{name}: no PDF from LibreOffice ({size} bytes)"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
