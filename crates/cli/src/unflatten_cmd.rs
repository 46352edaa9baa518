//! `amend unflatten FLAT [--base B] [--new P]`: recovers the changes of a flattened text
//! (deleted and inserted text run together by an extractor), with the evidence and
//! confidence of each, as CriticMarkup, HTML, Word or JSON.

use amend_model::{LineIndex, View};
use amend_text::{JsonOptions, ReadOptions};
use amend_unflatten::{Mode, Options, Recovery, unflatten};
use serde_json::json;

use crate::input::{self, Format};

/// Output formats of `unflatten`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UnflattenOutput {
    /// The text with its recovered changes as CriticMarkup, each followed by a comment
    /// giving its evidence and confidence; undecided stretches as `{==…==}{>>undecided<<}`.
    Md,
    /// One self-contained HTML page with the recovered changes (the redline view).
    Html,
    /// Word document with the recovered changes as real revisions (needs `-o`).
    Docx,
    /// The document, every change with its evidence and confidence, and statistics.
    Json,
    /// The text with all recovered changes accepted.
    Accepted,
    /// The text with all recovered changes rejected.
    Rejected,
}

#[derive(clap::Args)]
pub struct UnflattenArgs {
    /// The flattened text (plain text; a .docx gives its text with every revision
    /// written out; `-` for standard input).
    flat: String,
    /// The base: the version the proposal modified (text, CriticMarkup or .docx).
    #[arg(long)]
    base: Option<String>,
    /// The new text: the clean proposal or the adopted text; with the base, the
    /// recovery is exact.
    #[arg(long)]
    new: Option<String>,
    /// Output format.
    #[arg(long = "to", value_enum, default_value = "md")]
    to: UnflattenOutput,
    /// Write to this file instead of standard output.
    #[arg(short, long)]
    output: Option<String>,
    /// The contribution's source (e.g. CITEL), overriding detection.
    #[arg(long)]
    source: Option<String>,
}

/// The text of an input: plain text as it is, CriticMarkup and Akoma Ntoso accepted, a
/// .docx accepted or (for the flattened input) with every revision's text in place.
fn text_of(path: &str, accepted_view: bool) -> anyhow::Result<String> {
    let options = ReadOptions::default();
    if input::wants_docx(path, None) {
        let (_, doc) = input::read_document(path, None, &options)?;
        let view = if accepted_view {
            Some(View::Accepted)
        } else {
            None
        };
        return Ok(amend_text::write_text(&doc, view));
    }
    let loaded = input::load(path, None)?;
    // Plain text is used as it is, without reading it into the model first.
    if loaded.format == Format::Text {
        return Ok(loaded.text);
    }
    let doc = input::read_loaded(&loaded, &options)?;
    Ok(amend_text::write_text(&doc, Some(View::Accepted)))
}

pub fn run(args: &UnflattenArgs) -> anyhow::Result<()> {
    let flat = text_of(&args.flat, false)?;
    let base = args.base.as_deref().map(|p| text_of(p, true)).transpose()?;
    let new = args.new.as_deref().map(|p| text_of(p, true)).transpose()?;
    let options = Options {
        source: args.source.clone(),
        // The Markdown is the annotated document: built once, in the recovery.
        annotate: args.to == UnflattenOutput::Md,
    };
    let recovery = unflatten(&flat, base.as_deref(), new.as_deref(), &options);
    let bytes: Vec<u8> = match args.to {
        UnflattenOutput::Md => amend_text::write_markdown(&recovery.document).into_bytes(),
        UnflattenOutput::Accepted => {
            amend_text::write_text(&recovery.document, Some(View::Accepted)).into_bytes()
        }
        UnflattenOutput::Rejected => {
            amend_text::write_text(&recovery.document, Some(View::Rejected)).into_bytes()
        }
        UnflattenOutput::Json => json_output(&recovery).into_bytes(),
        UnflattenOutput::Html => {
            let redline = amend_diff::Redline {
                changes: amend_diff::records(&recovery.document),
                document: recovery.document.clone(),
            };
            let name = file_name(&args.flat);
            amend_render::html(
                &redline,
                &amend_render::HtmlOptions {
                    title: format!("{name}: recovered changes"),
                    old_name: args
                        .base
                        .as_deref()
                        .map_or_else(|| "Old (recovered)".into(), file_name),
                    new_name: args
                        .new
                        .as_deref()
                        .map_or_else(|| "New (recovered)".into(), file_name),
                },
            )
            .into_bytes()
        }
        UnflattenOutput::Docx => {
            if args.output.is_none() {
                anyhow::bail!("--to docx writes a binary file: give it with -o FILE");
            }
            amend_docx::write_docx(&recovery.document, &amend_docx::WriteOptions::default())
                .map_err(|e| anyhow::anyhow!("cannot write the .docx: {e}"))?
        }
    };
    summary(&recovery);
    let written = crate::emit_bytes(&args.output, &bytes);
    crate::keep_until_exit((recovery, flat, base, new, bytes));
    written
}

fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// One line on standard error: what was recovered and how.
fn summary(r: &Recovery) {
    let s = &r.stats;
    let mode = match r.mode {
        Mode::FlatOnly => "flattened text only: flattening points flagged",
        Mode::Base => "with the base",
        Mode::New => "with the new text",
        Mode::BaseAndNew => "with the base and the new text: exact",
    };
    eprintln!(
        "amend unflatten ({mode}): {} inserted, {} deleted, {} undecided characters; {} findings{}",
        s.inserted_chars,
        s.deleted_chars,
        s.undecided_chars,
        r.findings.len(),
        if s.conflicts > 0 {
            format!(
                "; {} stretches could not be reconciled with both texts",
                s.conflicts
            )
        } else {
            String::new()
        }
    );
}

fn json_output(r: &Recovery) -> String {
    let index = LineIndex::new(&r.text);
    let changes: Vec<serde_json::Value> = r
        .changes()
        .map(|m| {
            let at = index.line_column(m.start);
            json!({
                "kind": m.kind.as_str(),
                "text": &r.text[m.start..m.end],
                "start": m.start,
                "end": m.end,
                "line": at.line,
                "column": at.column,
                "evidence": m.evidence.kind,
                "confidence": m.evidence.confidence,
                "detail": m.detail,
            })
        })
        .chain(r.extras.iter().map(|e| {
            let at = index.line_column(e.at);
            json!({
                "kind": if e.normalization { "normalization" } else { e.kind.as_str() },
                "text": e.text,
                "start": e.at,
                "end": e.at,
                "line": at.line,
                "column": at.column,
                "evidence": e.evidence.kind,
                "confidence": e.evidence.confidence,
                "detail": "absent from the flattened text",
            })
        }))
        .collect();
    let s = &r.stats;
    let value = json!({
        "mode": format!("{:?}", r.mode),
        "stats": {
            "kept_chars": s.kept_chars,
            "inserted_chars": s.inserted_chars,
            "deleted_chars": s.deleted_chars,
            "undecided_chars": s.undecided_chars,
            "normalizations": s.normalizations,
            "conflicts": s.conflicts,
        },
        "changes": changes,
        "findings": r.findings,
        "document": amend_text::to_json(&r.document, JsonOptions { source: Some(&r.text) }),
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| "null".into());
    text.push('\n');
    text
}
