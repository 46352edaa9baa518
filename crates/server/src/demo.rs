//! The demo library embedded in the binary, loaded on the first run so that `amend
//! serve` shows real work at once: Resolution 75 (Rev. Dubai, 2012) as reconstructed
//! from the seed, CITEL's proposal on it (the seed, flattened as extracted), and the
//! CEPT and APT proposals written for the consolidation tests (marked as such in their
//! abstracts; APT's as a Word document with revisions); and the demo users with a note
//! restricted to CWG-Internet (see [`users`] and [`RESTRICTED_NOTE_TITLE`]).

use amend_store::{Actor, NewUser, Role, Viewer};

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
    if state.store().stats(Viewer::System).await?.documents > 0 {
        return Ok(0);
    }
    load(state).await
}

/// Imports the demo documents (files imported before are skipped), and the note
/// restricted to CWG-Internet.
pub async fn load(state: &AppState) -> Result<usize, AppError> {
    let mut imported = 0;
    let actor = || Actor::system("demo");
    for (name, bytes) in documents()? {
        if let amend_store::ImportOutcome::Imported(_) =
            state.import(actor(), None, name, bytes).await?
        {
            imported += 1;
        }
    }
    let cwg = group(state, "cwg-internet").await?;
    if let amend_store::ImportOutcome::Imported(_) = state
        .import(
            actor(),
            Some(cwg),
            "cwg-internet-demo-note.txt".into(),
            RESTRICTED_NOTE.as_bytes().to_vec(),
        )
        .await?
    {
        imported += 1;
    }
    Ok(imported)
}

/// A note only CWG-Internet's members (Member State delegates) and the secretariat see.
pub const RESTRICTED_NOTE_TITLE: &str = "CWG-Internet restricted demo note";
const RESTRICTED_NOTE: &str = "CWG-Internet restricted demo note\n\
Written for amend's demo library, not a real document: it is restricted to the Council \
Working Group on international Internet-related public policy issues (CWG-Internet), \
which is open to Member States only, to show that a restricted document reaches nobody \
outside its group.\n\
The group would prepare the question of its next open consultation on the \
interconnection of networks in developing countries, and ask the secretariat to collect \
the Member States' views on the draft before the Council session.\n";

/// The demo users: (username, display name, role, groups).
pub const USERS: &[(&str, &str, Role, &[&str])] = &[
    (
        "secretariat",
        "ITU secretariat (demo)",
        Role::Secretariat,
        &[],
    ),
    (
        "member-state",
        "Member State delegate (demo)",
        Role::MemberState,
        &["cwg-internet", "wg-wsis"],
    ),
    (
        "sector-member",
        "Sector Member delegate (demo)",
        Role::SectorMember,
        &["wg-wsis"],
    ),
    ("observer", "Observer (demo)", Role::Observer, &[]),
];

/// The demo users' password: `AMEND_DEMO_PASSWORD` when set (and not empty), else a
/// new random one; the flag tells whether it was generated (so it must be shown).
pub fn demo_password() -> Result<(String, bool), AppError> {
    match std::env::var("AMEND_DEMO_PASSWORD") {
        Ok(p) if !p.is_empty() => Ok((p, false)),
        _ => Ok((crate::auth::random_hex(8)?, true)),
    }
}

/// Creates the demo users with `password` (or gives existing ones that password) and
/// their group memberships.
pub async fn users(state: &AppState, password: &str) -> Result<(), AppError> {
    let actor = Actor::system("demo");
    for (username, display_name, role, groups) in USERS {
        let pw = password.to_string();
        let hash = crate::blocking(move || crate::auth::hash_password(&pw)).await??;
        let id = match state.store().credentials(username).await? {
            Some(existing) => {
                let (stored, pw) = (existing.password_hash.clone(), password.to_string());
                let same =
                    crate::blocking(move || crate::auth::verify_password(&stored, &pw)).await?;
                if !same {
                    state
                        .store()
                        .set_password(&actor, existing.user.id, &hash)
                        .await?;
                }
                existing.user.id
            }
            None => {
                state
                    .store()
                    .create_user(
                        &actor,
                        NewUser {
                            username: username.to_string(),
                            display_name: display_name.to_string(),
                            role: *role,
                            password_hash: hash,
                        },
                    )
                    .await?
            }
        };
        for slug in *groups {
            let g = group(state, slug).await?;
            if !state.store().members(g).await?.iter().any(|u| u.id == id) {
                state.store().add_member(&actor, g, id).await?;
            }
        }
    }
    Ok(())
}

async fn group(state: &AppState, slug: &str) -> Result<i64, AppError> {
    state
        .store()
        .groups()
        .await?
        .into_iter()
        .find(|g| g.slug == slug)
        .map(|g| g.id)
        .ok_or_else(|| AppError::Internal(format!("the group `{slug}` is missing")))
}
