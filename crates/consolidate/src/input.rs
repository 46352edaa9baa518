//! Proposals from their documents and texts: CriticMarkup, clean text, flattened text
//! (recovered against the base), and the resolution inside a contribution.

use amend_model::{Action, Body, Document};
use amend_text::{ReadOptions, has_critic_marks, read_critic, read_plain};
use amend_unflatten::{PointKind, flattening_points};

/// The form of a proposal's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Form {
    /// CriticMarkup when it has marks; else flattened when the detector fires; else clean.
    #[default]
    Auto,
    /// CriticMarkup: the accepted text is the proposal.
    Critic,
    /// The clean proposed text, diffed against the base.
    Clean,
    /// A flattened text, recovered against the base.
    Flat,
}

/// Whether the flattening detector fires on a text: run-together stamps, doubled labels
/// or doubled phrases (glued words alone are too common in clean text to decide).
pub fn is_flattened(text: &str) -> bool {
    flattening_points(text).iter().any(|p| {
        matches!(
            p.kind,
            PointKind::RunTogetherStamps | PointKind::DoubledLabel | PointKind::DoubledPhrase
        )
    })
}

pub(crate) fn read_text(source: &str, text: &str, form: Form, base_text: &str) -> Document {
    let options = ReadOptions {
        source: Some(source.to_string()),
        ..ReadOptions::default()
    };
    let form = match form {
        Form::Auto if has_critic_marks(text) => Form::Critic,
        Form::Auto if is_flattened(text) => Form::Flat,
        Form::Auto => Form::Clean,
        f => f,
    };
    match form {
        Form::Critic => read_critic(text, &options),
        Form::Flat => {
            let recovery = amend_unflatten::unflatten(
                text,
                Some(base_text),
                None,
                &amend_unflatten::Options {
                    source: Some(source.to_string()),
                    annotate: false,
                },
            );
            recovery.document
        }
        Form::Clean | Form::Auto => read_plain(text, &options),
    }
}

/// The source a document names (a contribution's or its proposal's), if any.
pub fn detected_source(document: &Document) -> Option<String> {
    match &document.body {
        Body::Contribution(c) => c
            .source
            .clone()
            .or_else(|| c.proposals.iter().find_map(|p| p.source.clone())),
        _ => None,
    }
}

/// The action of a contribution's first proposal on a resolution.
pub(crate) fn action_of(document: &Document) -> Option<Action> {
    match &document.body {
        Body::Contribution(c) => c.proposals.first().map(|p| p.action),
        _ => None,
    }
}

/// The document reduced to one resolution: a contribution's proposal on the instrument
/// numbered `number` (else its first proposal with a text), or a collection's resolution
/// so numbered (else its first). Other documents are returned as they are.
pub fn resolution_document(document: Document, number: Option<&str>) -> Document {
    let Document {
        body,
        footnotes,
        removed_markers,
        lost_hyphens,
        warnings,
    } = document;
    let wanted = |n: &str| number.is_none_or(|w| w == n);
    let resolution = match body {
        Body::Contribution(c) => {
            let mut proposals: Vec<_> = c
                .proposals
                .into_iter()
                .filter_map(|p| p.resolution)
                .collect();
            let at = proposals
                .iter()
                .position(|r| wanted(&r.title_block.instrument.number))
                .unwrap_or(0);
            (!proposals.is_empty()).then(|| proposals.swap_remove(at))
        }
        Body::Collection(mut c) => {
            let at = c
                .resolutions
                .iter()
                .position(|r| wanted(&r.title_block.instrument.number))
                .unwrap_or(0);
            (!c.resolutions.is_empty()).then(|| c.resolutions.swap_remove(at))
        }
        other => {
            return Document {
                body: other,
                footnotes,
                removed_markers,
                lost_hyphens,
                warnings,
            };
        }
    };
    let body = match resolution {
        Some(r) => Body::Resolution(r),
        None => Body::Generic(Default::default()),
    };
    Document {
        body,
        footnotes,
        removed_markers,
        lost_hyphens,
        warnings,
    }
}
