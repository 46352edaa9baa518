//! The demo library embedded in the binary, loaded on the first run so that `amend
//! serve` shows real work at once: Resolution 75 (Rev. Dubai, 2012) as reconstructed
//! from the seed, CITEL's proposal on it (the seed, flattened as extracted), and two
//! short proposals written for the demo (marked as such in their abstracts).

use crate::{AppError, AppState};

/// Resolution 75 (Rev. Dubai, 2012), the base.
pub const BASE: &str = include_str!("../../../tests/data/res75-dubai-2012.reconstructed.txt");
/// CITEL's contribution proposing to revise Resolution 75 (the seed).
pub const SEED: &str = include_str!("../../../tests/data/seed-citel-res75.txt");

/// A demo proposal: an envelope, a margin line, and the base with CriticMarkup edits.
fn proposal(source_code: &str, abstract_text: &str, edits: &[(&str, &str)]) -> String {
    let mut text = BASE.to_string();
    for (from, to) in edits {
        assert!(text.contains(from), "demo edit anchor missing: {from}");
        text = text.replacen(from, to, 1);
    }
    format!(
        "Abstract:\n{abstract_text}\n\nProposal\nThe text below shows the proposed changes.\n\n\
         MOD {source_code}/75/1\n{text}"
    )
}

/// The demo documents: (file name, contents).
pub fn documents() -> Vec<(String, String)> {
    let stamp = [
        (
            "RESOLUTION 75 (Rev. Dubai, 2012)",
            "RESOLUTION 75 (Rev. {--Dubai, 2012--}{++Hammamet, 2016++})",
        ),
        (
            "(Johannesburg, 2008; Dubai, 2012)",
            "(Johannesburg, 2008; Dubai, 2012{++; Hammamet, 2016++})",
        ),
    ];
    let cept = proposal(
        "ECP",
        "Demonstration proposal written for amend's demo library, not a real contribution: \
         it revises Resolution 75 so that the Director reports every year to WG-WSIS.",
        &[
            stamp[0],
            stamp[1],
            (
                "1\tto provide WG-WSIS with a comprehensive summary",
                "1\tto provide WG-WSIS {++every year ++}with a comprehensive summary",
            ),
        ],
    );
    let apt = proposal(
        "ACP",
        "Demonstration proposal written for amend's demo library, not a real contribution: \
         it adds emerging technologies and the open consultations of CWG-Internet.",
        &[
            stamp[0],
            stamp[1],
            (
                "3\tto provide information on emerging trends based on ITU-T activities;",
                "3\tto provide information on emerging trends{++, including artificial \
                 intelligence,++} based on ITU-T activities;",
            ),
            (
                "Internet-related public policy issues.",
                "Internet-related public policy issues{++ and to take part in its open \
                 consultations++}.",
            ),
        ],
    );
    vec![
        ("res75-dubai-2012.txt".into(), BASE.into()),
        ("citel-res75-proposal.txt".into(), SEED.into()),
        ("demo-cept-res75.md".into(), cept),
        ("demo-apt-res75.md".into(), apt),
    ]
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
    for (name, text) in documents() {
        if let amend_store::ImportOutcome::Imported(_) =
            state.import(name, text.into_bytes()).await?
        {
            imported += 1;
        }
    }
    Ok(imported)
}
