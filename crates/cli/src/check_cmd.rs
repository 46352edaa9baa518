//! `amend check`: run the checks of amend-check on one or more inputs, print the findings
//! (human, JSON or SARIF), and with `--fix` write the input with the safe fixes applied.
//! Exit status: 0 without errors, 1 with errors, 2 on usage or unreadable input.

use std::io::Write;

use amend_check::render::{self, Source};
use amend_check::{CheckOptions, Registry, Report};
use amend_text::ReadOptions;

use crate::input::{self, Format};

/// Report formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// rustc-style: file:line:column, the source line, an underline, help.
    Human,
    /// The findings as a JSON array.
    Json,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Input files, or `-` for standard input.
    #[arg(required = true)]
    files: Vec<String>,
    /// Report format.
    #[arg(long, value_enum, default_value = "human")]
    format: CheckFormat,
    /// A registry of instruments and revisions (tab-separated, see data/registry.tsv of
    /// amend-check) added to the built-in one.
    #[arg(long)]
    registry: Option<String>,
    /// The base text the input modifies: lets fixes decide doubled labels.
    #[arg(long)]
    base: Option<String>,
    /// Apply the safe fixes and write the result to `-o` (the input is never touched).
    #[arg(long, requires = "output")]
    fix: bool,
    /// With --fix: where the fixed text goes; otherwise: where the report goes.
    #[arg(short, long)]
    output: Option<String>,
    /// Force the input format instead of recognising it.
    #[arg(long, value_enum)]
    from: Option<Format>,
    /// The contribution's source (e.g. CITEL), overriding detection.
    #[arg(long)]
    source: Option<String>,
}

/// Runs the command; exits with 1 when errors are found.
pub fn run(args: &CheckArgs) -> anyhow::Result<()> {
    let read_options = ReadOptions {
        source: args.source.clone(),
        ..ReadOptions::default()
    };
    let mut registry = Registry::builtin();
    if let Some(path) = &args.registry {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("{path}: cannot read: {e}"))?;
        let extra = Registry::parse(&text).map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
        registry.extend(extra);
    }
    let base = match &args.base {
        Some(path) => {
            let input = input::load(path, None)?;
            Some(input::parse(&input, &read_options))
        }
        None => None,
    };
    if args.fix && args.files.len() != 1 {
        anyhow::bail!("--fix takes exactly one input file");
    }
    let mut inputs = Vec::new();
    for file in &args.files {
        inputs.push(input::load(file, args.from)?);
    }
    let mut reports: Vec<Report> = Vec::new();
    for input in &inputs {
        let doc = input::parse(input, &read_options);
        let options = CheckOptions {
            registry: &registry,
            source: Some(&input.text),
            base: base.as_ref(),
        };
        reports.push(amend_check::check(&doc, &options));
    }

    if args.fix {
        let (input, report) = (&inputs[0], &reports[0]);
        let out_path = args.output.as_deref().unwrap_or("-");
        let fixed = amend_check::apply_fixes(&input.text, report, false);
        std::fs::write(out_path, &fixed)
            .map_err(|e| anyhow::anyhow!("{out_path}: cannot write: {e}"))?;
        // Report what remains in the fixed text.
        let fixed_input = input::Input {
            name: out_path.to_string(),
            text: fixed,
            format: input.format,
        };
        let doc = input::parse(&fixed_input, &read_options);
        let options = CheckOptions {
            registry: &registry,
            source: Some(&fixed_input.text),
            base: base.as_ref(),
        };
        let remaining = amend_check::check(&doc, &options);
        let applied = report
            .diagnostics
            .iter()
            .filter(|d| d.fix.as_ref().is_some_and(|f| f.safe))
            .count();
        let sources = [(
            Source {
                name: &fixed_input.name,
                text: &fixed_input.text,
            },
            &remaining,
        )];
        let mut text = format_reports(args.format, &sources);
        if args.format == CheckFormat::Human {
            text = format!(
                "{}: applied the fixes of {applied} findings; wrote {out_path}\n{text}",
                input.name
            );
        }
        write_stdout(&text)?;
        exit_for(&[remaining]);
        return Ok(());
    }

    let sources: Vec<(Source, &Report)> = inputs
        .iter()
        .zip(&reports)
        .map(|(i, r)| {
            (
                Source {
                    name: &i.name,
                    text: &i.text,
                },
                r,
            )
        })
        .collect();
    let text = format_reports(args.format, &sources);
    match &args.output {
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| anyhow::anyhow!("{path}: cannot write: {e}"))?
        }
        None => write_stdout(&text)?,
    }
    exit_for(&reports);
    Ok(())
}

fn format_reports(format: CheckFormat, sources: &[(Source, &Report)]) -> String {
    match format {
        CheckFormat::Human => {
            let mut out = String::new();
            for (source, report) in sources {
                out.push_str(&render::human(report, *source));
            }
            out.push_str(&render::summary(sources.iter().map(|(_, r)| *r)));
            out.push('\n');
            out
        }
        CheckFormat::Json => render::json(sources),
        CheckFormat::Sarif => render::sarif(sources),
    }
}

fn write_stdout(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(Into::into),
    }
}

/// Exit status 1 when any report has an error.
fn exit_for(reports: &[Report]) {
    if reports.iter().any(Report::has_errors) {
        std::process::exit(1);
    }
}
