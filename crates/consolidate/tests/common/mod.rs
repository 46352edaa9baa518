//! Shared inputs of the Resolution 75 tests: the base, CITEL's flattened seed, CEPT's
//! CriticMarkup proposal and APT's proposal as a `.docx` with revisions, generated here
//! from its CriticMarkup source by amend-docx's writer (author APT).
#![allow(dead_code)]

use std::path::PathBuf;

use amend_consolidate::{Consolidation, Form, Options, SourcedProposal, consolidate};
use amend_docx::{ReadOptions as DocxReadOptions, WriteOptions, read_docx, write_docx};
use amend_model::Document;
use amend_text::{ReadOptions, read_critic, read_plain};

pub const BASE: &str = include_str!("../../../../tests/data/res75-dubai-2012.reconstructed.txt");
pub const SEED: &str = include_str!("../../../../tests/data/seed-citel-res75.txt");
pub const CEPT: &str = include_str!("../data/cept-res75.md");
pub const APT_CRITIC: &str = include_str!("../data/apt-res75.critic.md");

/// The date recorded on APT's revisions and on the merged draft's changes.
pub const DATE: &str = "2016-09-01";

/// APT's proposal as a `.docx` whose changes are Word revisions by APT.
pub fn apt_docx() -> Vec<u8> {
    let doc = read_critic(APT_CRITIC, &ReadOptions::default());
    write_docx(
        &doc,
        &WriteOptions {
            author: Some("APT".into()),
            date: Some(DATE.into()),
        },
    )
    .expect("APT's .docx is written")
}

pub fn base() -> Document {
    read_plain(BASE, &ReadOptions::default())
}

/// CITEL (flattened, recovered against the base), CEPT (CriticMarkup), APT (.docx).
pub fn proposals() -> Vec<SourcedProposal> {
    let apt = read_docx(&apt_docx(), &DocxReadOptions::default()).expect("APT's .docx reads");
    vec![
        SourcedProposal::from_text("CITEL", SEED, Form::Auto, BASE),
        SourcedProposal::from_text("CEPT", CEPT, Form::Auto, BASE),
        SourcedProposal::new("APT", apt),
    ]
}

pub fn options() -> Options {
    Options {
        date: Some(DATE.into()),
        ..Options::default()
    }
}

pub fn res75() -> Consolidation {
    consolidate(&base(), &proposals(), &options())
}

/// The folder of the committed example outputs.
pub fn examples_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/consolidation"
    ))
}

/// An external program: `$env`, else the first candidate that runs; `None` with a notice
/// when absent, a failure when `CI=true`.
pub fn program(test: &str, env: &str, candidates: &[PathBuf], arg: &str) -> Option<PathBuf> {
    let from_env = std::env::var_os(env).map(PathBuf::from);
    for candidate in from_env.iter().chain(candidates) {
        let runs = std::process::Command::new(candidate)
            .arg(arg)
            .output()
            .is_ok_and(|o| o.status.success());
        if runs {
            return Some(candidate.clone());
        }
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{test}: {env} (or one of {candidates:?}) is required when CI=true");
    }
    eprintln!("{test}: skipped, no {env} program found");
    None
}

/// pandoc: `$PANDOC`, the pypandoc binary of `.ci-venv`, or `pandoc` on the path.
pub fn pandoc(test: &str) -> Option<PathBuf> {
    let repo = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let mut candidates = Vec::new();
    if let Ok(entries) = std::fs::read_dir(repo.join(".ci-venv/lib")) {
        for e in entries.flatten() {
            candidates.push(e.path().join("site-packages/pypandoc/files/pandoc"));
        }
    }
    candidates.push(PathBuf::from("pandoc"));
    program(test, "PANDOC", &candidates, "--version")
}

/// LibreOffice: `$SOFFICE`, or `soffice`/`libreoffice` on the path.
pub fn soffice(test: &str) -> Option<PathBuf> {
    program(
        test,
        "SOFFICE",
        &[PathBuf::from("soffice"), PathBuf::from("libreoffice")],
        "--version",
    )
}
