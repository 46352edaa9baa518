//! `amend diff OLD NEW`: the redline of two versions, for a terminal, a browser, Markdown
//! (CriticMarkup), Word (real revisions) or programs (the JSON change list).

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, mpsc};

use amend_diff::align::Pair;
use amend_diff::{DiffOptions, diff, diff_document};
use amend_model::{Body, Document, Resolution};
use amend_render::{HtmlOptions, Layout, TermOptions};
use amend_text::ReadOptions;
use amend_text::ResolutionText;
use anyhow::Context;

use crate::input::{self, Format, MappedInput};

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffOutput {
    /// Coloured redline for a terminal (plain `[-…-]{+…+}` marks when not a terminal or
    /// with NO_COLOR).
    Term,
    /// One self-contained HTML page: inline and two-column views.
    Html,
    /// The new text's layout with changes as CriticMarkup.
    Md,
    /// Word document with the changes as real revisions (needs `-o`).
    Docx,
    /// The change list: node ids, kind, old and new text, boilerplate or substantive.
    Json,
}

#[derive(clap::Args)]
pub struct DiffArgs {
    /// The old version (text, CriticMarkup, .docx or Akoma Ntoso; `-` for standard input).
    old: String,
    /// The new version.
    new: String,
    /// Output format.
    #[arg(long = "to", value_enum, default_value = "term")]
    to: DiffOutput,
    /// Write to this file instead of standard output.
    #[arg(short, long)]
    output: Option<String>,
    /// The author recorded on every change.
    #[arg(long)]
    author: Option<String>,
    /// The date recorded on every change (ISO 8601, e.g. 2016-09-01T00:00:00Z).
    #[arg(long)]
    date: Option<String>,
    /// Show boilerplate changes (meeting stamps, citation revision stamps, renumbering)
    /// as plain new text.
    #[arg(long)]
    no_boilerplate: bool,
    /// Terminal output: old and new side by side instead of inline.
    #[arg(long)]
    side_by_side: bool,
    /// Force the input format instead of recognising it.
    #[arg(long, value_enum)]
    from: Option<Format>,
}

impl DiffArgs {
    /// The two input paths.
    pub fn inputs(&self) -> Vec<&str> {
        vec![self.old.as_str(), self.new.as_str()]
    }
}

/// Any readable format: text, CriticMarkup, .docx, Akoma Ntoso.
fn read(path: &str, from: Option<Format>, without_ids: bool) -> anyhow::Result<Document> {
    let options = ReadOptions {
        without_ids,
        ..ReadOptions::default()
    };
    input::read_document(path, from, &options).map(|(_, doc)| doc)
}

fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

fn write_out(output: &Option<String>, bytes: &[u8]) -> anyhow::Result<()> {
    match output {
        Some(path) => std::fs::write(path, bytes).with_context(|| format!("{path}: cannot write")),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(bytes) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(Into::into),
            }
        }
    }
}

pub fn run(args: &DiffArgs) -> anyhow::Result<()> {
    let options = DiffOptions {
        author: args.author.clone(),
        date: args.date.clone(),
        hide_boilerplate: args.no_boilerplate,
        // Markdown shows no node ids: none are made.
        without_ids: args.to == DiffOutput::Md,
        ..DiffOptions::default()
    };
    let large = crate::input_bytes(&args.inputs()) >= crate::LARGE_INPUT;
    if large
        && args.to == DiffOutput::Md
        && !any_docx(args)
        && !output_is_an_input(args)
        && let (Some(old), Some(new)) =
            (MappedInput::open(&args.old)?, MappedInput::open(&args.new)?)
        && write_markdown_of_collections(&args.output, &old, &new, args.from, &options)?
    {
        return Ok(());
    }
    let (old, new) = read_both(
        large,
        || read(&args.old, args.from, options.without_ids),
        || read(&args.new, args.from, options.without_ids),
    )?;
    let written = match args.to {
        // These show the marks only: the change list is not made.
        DiffOutput::Md | DiffOutput::Docx => {
            let document = diff_document(&old, &new, &options);
            let written = write_document(args, &document);
            crate::keep_until_exit(document);
            written
        }
        _ => {
            let redline = diff(&old, &new, &options);
            let written = write(args, &redline);
            crate::keep_until_exit(redline);
            written
        }
    };
    crate::keep_until_exit((old, new));
    written
}

/// Runs both reads, in parallel for large inputs (for small ones a second thread costs
/// more than it saves).
fn read_both(
    large: bool,
    old: impl FnOnce() -> anyhow::Result<Document> + Send,
    new: impl FnOnce() -> anyhow::Result<Document>,
) -> anyhow::Result<(Document, Document)> {
    let (old, new) = if large {
        std::thread::scope(|s| {
            let old = s.spawn(old);
            let new = new();
            (old.join().expect("reader thread"), new)
        })
    } else {
        (old(), new())
    };
    Ok((old?, new?))
}

/// Whether `-o` names one of the inputs: that input must then be read whole before the
/// output is made (a mapped input must not be truncated under the map).
fn output_is_an_input(args: &DiffArgs) -> bool {
    let Some(output) = &args.output else {
        return false;
    };
    let Ok(output) = std::fs::canonicalize(output) else {
        return false;
    };
    [&args.old, &args.new]
        .iter()
        .any(|input| std::fs::canonicalize(input).is_ok_and(|input| input == output))
}

fn any_docx(args: &DiffArgs) -> bool {
    input::wants_docx(&args.old, args.from) || input::wants_docx(&args.new, args.from)
}

type Parts<'t> = Vec<ResolutionText<'t>>;

/// Writes the Markdown redline of two plain-text collections, made one resolution at a
/// time; false, having written nothing, when either input is not such a collection (see
/// `amend_text::split_collection`).
///
/// Both inputs are cut into their resolutions in parallel, and the thread that cuts the
/// old one goes on as a worker: one thread start, and one thread's memory, fewer than a
/// pool started after the cut.
fn write_markdown_of_collections<'m>(
    output: &Option<String>,
    old: &'m MappedInput,
    new: &'m MappedInput,
    forced: Option<Format>,
    options: &DiffOptions,
) -> anyhow::Result<bool> {
    let cut = |input: &'m MappedInput| -> anyhow::Result<Option<Parts<'m>>> {
        let (text, format) = input.text(forced)?;
        Ok(match format {
            Format::Text => amend_text::split_collection(text),
            _ => None,
        })
    };
    // Set only once both inputs are cut as collections: then the work is done.
    let job: OnceLock<CollectionRedline<'m, '_>> = OnceLock::new();
    std::thread::scope(|s| -> anyhow::Result<()> {
        let (old_cut, old_parts) = mpsc::sync_channel(1);
        // Dropped unsent (an error, or nothing to share) it sends the worker home.
        let (start, started) = mpsc::sync_channel::<()>(1);
        let job = &job;
        s.spawn(move || {
            let parts = cut(old);
            // Read here, beside the other cut, rather than after it.
            let workers = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
            if old_cut.send((parts, workers)).is_ok()
                && started.recv().is_ok()
                && let Some(job) = job.get()
            {
                job.work();
            }
        });
        let new_parts = cut(new);
        let Ok((old_parts, workers)) = old_parts.recv() else {
            // The cutting thread panicked: the scope passes the panic on.
            return Ok(());
        };
        let (Some(old_parts), Some(new_parts)) = (old_parts?, new_parts?) else {
            return Ok(());
        };
        // The file is made before the work: a path that cannot be written costs none.
        let out: Box<dyn Write + Send> = match output {
            Some(path) => Box::new(std::io::BufWriter::new(
                std::fs::File::create(path).with_context(|| format!("{path}: cannot write"))?,
            )),
            None => Box::new(std::io::stdout()),
        };
        let job = job.get_or_init(|| CollectionRedline::new(old_parts, new_parts, out, options));
        let workers = workers.min(job.pairs.len()).max(1);
        if workers > 1 {
            let _ = start.send(());
        }
        for _ in 2..workers {
            s.spawn(|| job.work());
        }
        // This thread is one of the workers.
        job.work();
        Ok(())
    })?;
    let Some(job) = job.into_inner() else {
        return Ok(false);
    };
    let written = match job.writer.into_inner() {
        Ok(writer) => writer.finish(),
        Err(_) => Err(std::io::Error::other("a worker failed")),
    };
    match (written, output) {
        (Err(e), None) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(true),
        (Err(e), Some(path)) => Err(e).with_context(|| format!("{path}: cannot write")),
        (other, _) => other.map(|()| true).map_err(Into::into),
    }
}

/// The Markdown redline of two collections, made by workers one resolution pair at a
/// time: each pair is read, compared and laid out, and its memory goes to the next,
/// instead of both whole models and the marked one being held at once. The parts, in
/// order, are the output the whole documents give: each part reads as the whole reads
/// it, and they are paired and compared as the collection's resolutions are.
///
/// Workers take the pairs in order, and the one that finishes the next part to write
/// writes it, so that writing overlaps the work instead of following it.
struct CollectionRedline<'t, 'o> {
    old: Parts<'t>,
    new: Parts<'t>,
    pairs: Vec<Pair>,
    options: &'o DiffOptions,
    read_options: ReadOptions,
    /// The next pair to take.
    next: AtomicUsize,
    writer: Mutex<InOrder>,
}

impl<'t, 'o> CollectionRedline<'t, 'o> {
    fn new(
        old: Parts<'t>,
        new: Parts<'t>,
        out: Box<dyn Write + Send>,
        options: &'o DiffOptions,
    ) -> Self {
        let pairs = amend_diff::pair_resolutions(
            old.iter().map(|p| p.number.as_str()),
            new.iter().map(|p| p.number.as_str()),
        );
        CollectionRedline {
            old,
            new,
            pairs,
            options,
            read_options: ReadOptions {
                without_ids: options.without_ids,
                ..ReadOptions::default()
            },
            next: AtomicUsize::new(0),
            writer: Mutex::new(InOrder {
                out,
                next: 0,
                waiting: BTreeMap::new(),
                error: None,
            }),
        }
    }

    /// Takes pairs until none is left or writing has failed.
    fn work(&self) {
        loop {
            let k = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(pair) = self.pairs.get(k) else { break };
            let part = self.markdown(pair);
            let Ok(mut writer) = self.writer.lock() else {
                break;
            };
            if !writer.write(k, part) {
                break;
            }
        }
    }

    fn read(&self, part: Option<&ResolutionText<'_>>) -> Option<Resolution> {
        part.and_then(
            |p| match amend_text::read_part(p, &self.read_options).body {
                Body::Resolution(r) => Some(r),
                // Not reached: a part starts with its number line.
                _ => None,
            },
        )
    }

    fn markdown(&self, pair: &Pair) -> String {
        let (old, new) = pair.sides(&self.old, &self.new);
        let marked = match (old, new) {
            // A resolution the new version leaves as it was (most of a compilation's) is
            // read once and compared with itself: the Markdown shows no source positions,
            // the one thing the old reading would add.
            (Some(o), Some(n)) if o.text == n.text => {
                let same = self.read(new);
                amend_diff::diff_member(same.as_ref(), same.as_ref(), self.options)
            }
            _ => amend_diff::diff_member(
                self.read(old).as_ref(),
                self.read(new).as_ref(),
                self.options,
            ),
        };
        marked.map_or_else(String::new, |r| {
            amend_text::write_markdown(&Document::new(Body::Resolution(r)))
        })
    }
}

/// The output of parts made out of order, written in order: the worker that finishes
/// the next part to write writes it and every part after it that is ready (no thread
/// waits for parts, so none is woken for each).
struct InOrder {
    out: Box<dyn Write + Send>,
    /// The number of the next part to write.
    next: usize,
    waiting: BTreeMap<usize, String>,
    error: Option<std::io::Error>,
}

impl InOrder {
    /// Takes part `k`; false once writing has failed (the workers then stop).
    fn write(&mut self, k: usize, part: String) -> bool {
        if self.error.is_some() {
            return false;
        }
        self.waiting.insert(k, part);
        while let Some(part) = self.waiting.remove(&self.next) {
            if let Err(e) = self.out.write_all(part.as_bytes()) {
                self.error = Some(e);
                return false;
            }
            // Freed here, its memory serves the next parts (no fresh pages to clear).
            drop(part);
            self.next += 1;
        }
        true
    }

    fn finish(mut self) -> std::io::Result<()> {
        match self.error.take() {
            Some(e) => Err(e),
            None => self.out.flush(),
        }
    }
}

/// The outputs made from the marked document alone.
fn write_document(args: &DiffArgs, document: &Document) -> anyhow::Result<()> {
    match args.to {
        DiffOutput::Docx => {
            if args.output.is_none() && std::io::stdout().is_terminal() {
                anyhow::bail!("--to docx writes a binary file: give -o FILE.docx");
            }
            let bytes = amend_docx::write_docx(
                document,
                &amend_docx::WriteOptions {
                    author: args.author.clone(),
                    date: args.date.clone(),
                },
            )
            .map_err(|e| anyhow::anyhow!("cannot write the .docx: {e}"))?;
            write_out(&args.output, &bytes)
        }
        _ => write_out(
            &args.output,
            amend_text::write_markdown(document).as_bytes(),
        ),
    }
}

fn write(args: &DiffArgs, redline: &amend_diff::Redline) -> anyhow::Result<()> {
    match args.to {
        DiffOutput::Term => {
            let width = std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.parse().ok())
                .unwrap_or(120);
            let layout = if args.side_by_side {
                Layout::SideBySide
            } else {
                Layout::Inline
            };
            match &args.output {
                Some(_) => {
                    let text = amend_render::terminal(
                        redline,
                        &TermOptions {
                            layout,
                            color: false,
                            width,
                        },
                    );
                    write_out(&args.output, text.as_bytes())
                }
                None => {
                    // anstream honours NO_COLOR, CLICOLOR_FORCE and whether stdout is a
                    // terminal; without colour the view uses plain marks instead.
                    let mut stdout = anstream::stdout();
                    let color = stdout.current_choice() != anstream::ColorChoice::Never;
                    let text = amend_render::terminal(
                        redline,
                        &TermOptions {
                            layout,
                            color,
                            width,
                        },
                    );
                    match stdout.write_all(text.as_bytes()) {
                        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                        other => other.map_err(Into::into),
                    }
                }
            }
        }
        DiffOutput::Html => {
            let (old_name, new_name) = (file_name(&args.old), file_name(&args.new));
            let page = amend_render::html(
                redline,
                &HtmlOptions {
                    title: format!("{old_name} → {new_name}"),
                    old_name,
                    new_name,
                },
            );
            write_out(&args.output, page.as_bytes())
        }
        DiffOutput::Json => write_out(&args.output, amend_render::json(redline).as_bytes()),
        DiffOutput::Md | DiffOutput::Docx => write_document(args, &redline.document),
    }
}
