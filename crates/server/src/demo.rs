//! The demo library embedded in the binary, loaded on the first run so that `amend
//! serve` shows real work at once: Resolution 75 (Rev. Dubai, 2012) as reconstructed
//! from the seed, CITEL's proposal on it (the seed, flattened as extracted), and the
//! CEPT and APT proposals written for the consolidation tests (marked as such in their
//! abstracts; APT's as a Word document with revisions).

use crate::{AppError, AppState};

/// Resolution 75 (Rev. Dubai, 2012), the base.
pub const BASE: &str = include_str!("../../../tests/data/res75-dubai-2012.reconstructed.txt");
/// CITEL's contribution proposing to revise Resolution 75 (the seed).
pub const SEED: &str = include_str!("../../../tests/data/seed-citel-res75.txt");
/// CEPT's proposal written for the consolidation tests (CriticMarkup on the base).
pub const CEPT: &str = include_str!("../../consolidate/tests/data/cept-res75.md");
/// APT's proposal written for the consolidation tests (CriticMarkup on the base); the
/// demo library carries it as a Word document with revisions.
pub const APT: &str = include_str!("../../consolidate/tests/data/apt-res75.critic.md");

/// A demo contribution: an abstract, the margin line naming the source, and the
/// proposed text of Resolution 75.
fn contribution(source_code: &str, abstract_text: &str, text: &str) -> String {
    format!(
        "Abstract:\n{abstract_text}\n\nProposal\nThe text below shows the proposed changes.\n\n\
         MOD {source_code}/75/1\n{text}"
    )
}

/// The demo documents: (file name, bytes). The CEPT and APT proposals were written for
/// the consolidation tests to agree and collide with CITEL's, so the synoptic table of
/// Resolution 75 shows agreements and conflicts at once.
pub fn documents() -> Result<Vec<(String, Vec<u8>)>, AppError> {
    const NOTE: &str = "Written for amend's demo library and tests, not a real contribution";
    let cept = contribution(
        "ECP",
        &format!("{NOTE}: CEPT's proposal to revise Resolution 75."),
        CEPT,
    );
    let apt = contribution(
        "ACP",
        &format!("{NOTE}: APT's proposal to revise Resolution 75, with Word revisions."),
        APT,
    );
    let apt_docx = amend_docx::write_docx(
        &amend_text::read_critic(&apt, &amend_text::ReadOptions::default()),
        &amend_docx::WriteOptions {
            author: Some("APT".into()),
            date: Some("2016-09-01".into()),
        },
    )
    .map_err(|e| AppError::Internal(format!("demo-apt-res75.docx: {e}")))?;
    Ok(vec![
        ("res75-dubai-2012.txt".to_string(), BASE.as_bytes().to_vec()),
        (
            "citel-res75-proposal.txt".to_string(),
            SEED.as_bytes().to_vec(),
        ),
        ("demo-cept-res75.md".to_string(), cept.into_bytes()),
        ("demo-apt-res75.docx".to_string(), apt_docx),
    ])
}

/// Loads the demo library when the store has no document; returns how many documents
/// were imported.
pub async fn load_if_empty(state: &AppState) -> Result<usize, AppError> {
    if state.store().stats().await?.documents > 0 {
        return Ok(0);
    }
    load(state).await
}

/// Imports the demo documents (files imported before are skipped).
pub async fn load(state: &AppState) -> Result<usize, AppError> {
    let mut imported = 0;
    for (name, bytes) in documents()? {
        if let amend_store::ImportOutcome::Imported(_) = state.import(name, bytes).await? {
            imported += 1;
        }
    }
    Ok(imported)
}
