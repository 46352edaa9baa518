//! `amend consolidate`: many proposals on one resolution against the text in force: the
//! synoptic table (who proposes what on each unit, agreements, conflicts) and the merged
//! draft, as Markdown, HTML, JSON or .docx.
//!
//! Proposals are positionals (source from the contribution's envelope, else the file
//! name), `--source NAME=FILE`, or both. A `.docx` is read with its revisions, a `.md`
//! as CriticMarkup, a `.txt` as flattened when the flattening detector fires (else as the
//! clean proposed text); `--as NAME=flat|clean` overrides.

use std::io::Write;
use std::path::Path;

use amend_consolidate::{Form, Options, SourcedProposal, consolidate, detected_source};
use amend_model::View;
use amend_text::ReadOptions;
use anyhow::Context;

use crate::input::{self, Format};

/// Output formats of `consolidate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ConsolidateFormat {
    /// The synoptic table as a pipe table, then the merged draft in CriticMarkup.
    Md,
    /// One self-contained, print-friendly page.
    Html,
    /// Sources, units with classification and changes, and the merged draft.
    Json,
    /// The synoptic table as a Word table and the merged draft with revisions by source
    /// (needs -o).
    Docx,
}

#[derive(clap::Args)]
pub struct ConsolidateArgs {
    /// The resolution in force (text or .docx).
    #[arg(long)]
    base: String,
    /// Proposals (.docx with revisions, CriticMarkup .md, clean or flattened .txt).
    proposals: Vec<String>,
    /// A proposal with its source name: NAME=FILE (repeatable).
    #[arg(long = "source", value_name = "NAME=FILE")]
    sources: Vec<String>,
    /// How to read a text proposal: NAME=flat or NAME=clean (repeatable).
    #[arg(long = "as", value_name = "NAME=flat|clean")]
    forms: Vec<String>,
    /// Output format (by default from the -o extension, else md).
    #[arg(long = "to", value_enum)]
    to: Option<ConsolidateFormat>,
    /// Write to this file instead of standard output.
    #[arg(short, long)]
    output: Option<String>,
    /// The date recorded on the merged draft's changes (ISO 8601).
    #[arg(long)]
    date: Option<String>,
}

fn split_pair<'a>(arg: &'a str, what: &str) -> anyhow::Result<(&'a str, &'a str)> {
    arg.split_once('=')
        .filter(|(n, v)| !n.trim().is_empty() && !v.trim().is_empty())
        .map(|(n, v)| (n.trim(), v.trim()))
        .ok_or_else(|| anyhow::anyhow!("{what} takes NAME=VALUE, got `{arg}`"))
}

fn stem(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .map_or_else(|| path.to_string(), |s| s.to_string_lossy().into_owned())
}

/// The form forced for a source, if any.
fn forced_form(forms: &[(String, Form)], name: &str) -> Option<Form> {
    forms
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, f)| *f)
}

fn load_proposal(
    path: &str,
    name: Option<&str>,
    forms: &[(String, Form)],
    base_text: &str,
) -> anyhow::Result<SourcedProposal> {
    let (input, doc) = input::read_document(path, None, &ReadOptions::default())?;
    let name = name
        .map(str::to_string)
        .or_else(|| detected_source(&doc))
        .unwrap_or_else(|| stem(path));
    match input {
        // Text is recovered against the base (it may be flattened or clean).
        Some(input) if matches!(input.format, Format::Text | Format::Md) => {
            let form = match forced_form(forms, &name) {
                Some(f) => f,
                None if input.format == Format::Md => Form::Critic,
                None => Form::Auto,
            };
            Ok(SourcedProposal::from_text(
                name,
                &input.text,
                form,
                base_text,
            ))
        }
        // .docx and Akoma Ntoso carry their changes in the model already.
        _ => Ok(SourcedProposal::new(name, doc)),
    }
}

/// Runs the command.
pub fn run(args: &ConsolidateArgs) -> anyhow::Result<()> {
    let forms: Vec<(String, Form)> = args
        .forms
        .iter()
        .map(|a| {
            let (name, form) = split_pair(a, "--as")?;
            let form = match form.to_ascii_lowercase().as_str() {
                "flat" | "flattened" => Form::Flat,
                "clean" => Form::Clean,
                "md" | "critic" => Form::Critic,
                other => anyhow::bail!("--as {name}={other}: expected flat or clean"),
            };
            Ok((name.to_string(), form))
        })
        .collect::<anyhow::Result<_>>()?;
    let (base_input, base_doc) = input::read_document(&args.base, None, &ReadOptions::default())?;
    // The base is the text in force: plain text as written, anything else accepted.
    let base_text = match base_input {
        Some(input) if input.format == Format::Text => input.text,
        _ => amend_text::write_text(&base_doc, Some(View::Accepted)),
    };
    let base = amend_text::read_plain(&base_text, &ReadOptions::default());
    let mut proposals = Vec::new();
    for path in &args.proposals {
        proposals.push(load_proposal(path, None, &forms, &base_text)?);
    }
    for pair in &args.sources {
        let (name, path) = split_pair(pair, "--source")?;
        proposals.push(load_proposal(path, Some(name), &forms, &base_text)?);
    }
    if proposals.is_empty() {
        anyhow::bail!("no proposals: give files, or --source NAME=FILE");
    }
    let options = Options {
        date: args.date.clone(),
        ..Options::default()
    };
    let c = consolidate(&base, &proposals, &options);
    for w in &c.warnings {
        eprintln!("amend consolidate: warning: {w}");
    }
    let to = args.to.unwrap_or_else(|| {
        match args
            .output
            .as_deref()
            .and_then(|o| Path::new(o).extension())
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("html" | "htm") => ConsolidateFormat::Html,
            Some("json") => ConsolidateFormat::Json,
            Some("docx") => ConsolidateFormat::Docx,
            _ => ConsolidateFormat::Md,
        }
    });
    let bytes = match to {
        ConsolidateFormat::Md => amend_consolidate::write_markdown(&c).into_bytes(),
        ConsolidateFormat::Html => amend_consolidate::write_html(&c).into_bytes(),
        ConsolidateFormat::Json => amend_consolidate::write_json(&c).into_bytes(),
        ConsolidateFormat::Docx => {
            if args.output.is_none() {
                anyhow::bail!("--to docx writes a binary file: give -o FILE.docx");
            }
            amend_consolidate::write_docx(&c, &options)
                .map_err(|e| anyhow::anyhow!("cannot write the .docx: {e}"))?
        }
    };
    match &args.output {
        Some(path) => std::fs::write(path, &bytes).with_context(|| format!("{path}: cannot write")),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(&bytes) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(Into::into),
            }
        }
    }
}
