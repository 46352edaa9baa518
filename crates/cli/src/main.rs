//! The `amend` command line. Thin: it parses arguments, reads files, and calls the
//! library crates.
//!
//! On Linux with glibc the binary has its own C `main` (`no_main`): the standard
//! runtime's start-up reads `/proc/self/maps` to place the main thread's stack guard,
//! a quarter of a millisecond, which is a twentieth of a 15 KB diff. What that start-up
//! does besides is done here: closed standard descriptors are opened on `/dev/null` (so
//! that no file the run opens takes their place), `SIGPIPE` is ignored (a closed pipe
//! is an error to handle, not a signal), a panic exits with status 101, and standard
//! output is flushed. A stack
//! overflow then ends the process with a plain segmentation fault instead of a message.
#![cfg_attr(all(target_os = "linux", target_env = "gnu", not(test)), no_main)]

mod arena;
mod check_cmd;
mod consolidate_cmd;
mod diff_cmd;
mod import_cmd;
mod input;
mod outline;
mod serve_cmd;
mod unflatten_cmd;

use std::io::Write;

use amend_model::{Document, View};
use amend_text::{JsonOptions, ReadOptions};
use clap::{Parser, Subcommand, ValueEnum};

use input::{Format, Input};

#[global_allocator]
static ALLOCATOR: arena::Allocator = arena::Allocator;

#[derive(Parser)]
#[command(
    name = "amend",
    version,
    about = "Draft, amend, compare and consolidate resolutions"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// `amend diff …` alone: its arguments without the other commands'.
#[derive(Parser)]
#[command(name = "amend diff")]
struct DiffOnly {
    #[command(flatten)]
    args: diff_cmd::DiffArgs,
}

/// The command line. `amend diff …`, the command scripts run once per pair of files, is
/// parsed without building every other command's arguments first (that was a tenth of a
/// small diff's run); what the short parse does not take (help, a mistake) goes to the
/// full parser, which answers as it always has.
fn parse_command_line() -> Result<Cli, clap::Error> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "diff")
        && let Ok(only) = DiffOnly::try_parse_from(&args[1..])
    {
        return Ok(Cli {
            command: Command::Diff(only.args),
        });
    }
    Cli::try_parse_from(args)
}

/// Output formats of `parse`, `accept` and `reject`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Output {
    /// The structure as JSON (see docs/document.schema.json).
    Json,
    /// Plain text: one paragraph per line.
    Text,
    /// The plain-text layout with CriticMarkup for changes.
    Md,
    /// An indented outline of the structure.
    Outline,
    /// Akoma Ntoso XML (AKN4UN).
    Akn,
    /// Word .docx with real revisions (needs `-o FILE`).
    Docx,
}

#[derive(clap::Args)]
struct Common {
    /// Input file, or `-` for standard input.
    file: String,
    /// Output format.
    #[arg(long = "to", value_enum)]
    to: Option<Output>,
    /// Force the input format instead of recognising it.
    #[arg(long, value_enum)]
    from: Option<Format>,
    /// Write to this file instead of standard output.
    #[arg(short, long)]
    output: Option<String>,
    /// The contribution's source (e.g. CITEL), overriding detection.
    #[arg(long)]
    source: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Read a document and show its structure (JSON by default).
    Parse(Common),
    /// Accept all changes (text by default).
    Accept(Common),
    /// Reject all changes (text by default).
    Reject(Common),
    /// Check a resolution or contribution: numbering, flattening damage, citations,
    /// title block, structure; exit 1 on errors.
    Check(check_cmd::CheckArgs),
    /// Compare two versions: the redline (terminal, HTML, Markdown, .docx or JSON).
    Diff(diff_cmd::DiffArgs),
    /// Show the bundled example: the seed (CITEL's flattened proposal on Resolution 75)
    /// as an outline, then as JSON.
    Demo,
    /// Import files into the library: instrument, revision, source and action are
    /// recognised from each document; a file imported before is skipped.
    Import(import_cmd::ImportArgs),
    /// Serve the library in the browser (the demo library on the first run).
    Serve(serve_cmd::ServeArgs),
    /// Consolidate many proposals on one resolution: synoptic table (agreements,
    /// conflicts) and merged draft with bracketed alternatives.
    Consolidate(consolidate_cmd::ConsolidateArgs),
    /// Recover the changes of a flattened text (deleted and inserted text run together),
    /// given the base and/or the new text, with the evidence and confidence of each.
    Unflatten(unflatten_cmd::UnflattenArgs),
}

/// The process's entry point (see the module documentation).
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    let mut standard = [0, 1, 2].map(|fd| libc::pollfd {
        fd,
        events: 0,
        revents: 0,
    });
    // SAFETY: `poll` reads and writes the three entries given; `open` takes a C string;
    // `signal` sets a disposition before any other thread exists.
    unsafe {
        if libc::poll(standard.as_mut_ptr(), 3, 0) != -1 {
            for closed in standard.iter().filter(|p| p.revents & libc::POLLNVAL != 0) {
                // The lowest free descriptor: the closed one.
                if libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) != closed.fd {
                    return 2;
                }
            }
        }
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    // The arguments are read by `std::env::args`, which glibc hands to the standard
    // library at load time.
    let status = std::panic::catch_unwind(amend).unwrap_or(101);
    let _ = std::io::stdout().flush();
    status
}

#[cfg(not(any(all(target_os = "linux", target_env = "gnu"), test)))]
fn main() -> std::process::ExitCode {
    match amend() {
        0 => std::process::ExitCode::SUCCESS,
        status => std::process::ExitCode::from(status as u8),
    }
}

/// Runs the command line; the process's exit status.
#[cfg_attr(test, allow(dead_code))]
fn amend() -> i32 {
    let cli = match parse_command_line() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    if !matches!(cli.command, Command::Serve(_)) {
        tune_allocator_for_one_run();
    }
    if let Some(inputs) = one_run_inputs(&cli.command) {
        let bytes = input_bytes(&inputs);
        // Below, the system allocator's start-up is cheaper than clearing a first huge
        // page.
        if bytes >= LARGE_INPUT {
            arena::enable(arena_budget(bytes), true);
        }
    }
    match run(cli) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("amend: {e:#}");
            2
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Parse(args) => {
            let (input, doc) = read(&args)?;
            let out = render(&doc, input.as_ref(), args.to.unwrap_or(Output::Json), None)?;
            emit_bytes(&args.output, &out)
        }
        Command::Accept(args) => view_command(&args, View::Accepted),
        Command::Reject(args) => view_command(&args, View::Rejected),
        Command::Check(args) => check_cmd::run(&args),
        Command::Diff(args) => diff_cmd::run(&args),
        Command::Demo => demo(),
        Command::Import(args) => import_cmd::run(&args),
        Command::Serve(args) => serve_cmd::run(&args),
        Command::Consolidate(args) => consolidate_cmd::run(&args),
        Command::Unflatten(args) => unflatten_cmd::run(&args),
    }
}

fn view_command(args: &Common, view: View) -> anyhow::Result<()> {
    let (_, doc) = read(args)?;
    let text = amend_text::write_text(&doc, Some(view));
    let out = match args.to.unwrap_or(Output::Text) {
        Output::Text => text.into_bytes(),
        other => {
            // Re-read the chosen text so the structure shows the accepted/rejected state.
            let clean = amend_text::read_plain(&text, &options(args));
            let input = Input {
                name: args.file.clone(),
                text,
                format: Format::Text,
            };
            render(&clean, Some(&input), other, None)?
        }
    };
    let written = emit_bytes(&args.output, &out);
    keep_until_exit((doc, out));
    written
}

/// Sets the system allocator up for a command that builds its models and exits: the heap
/// grows in large steps and is never trimmed, and large blocks come from the heap rather
/// than from fresh mappings. With glibc's defaults a 10 MB diff spends a quarter of its
/// time in the kernel growing, trimming and faulting in the heap. (The server, which runs
/// for long, keeps the defaults.)
fn tune_allocator_for_one_run() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const MIB: libc::c_int = 1 << 20;
        // SAFETY: `mallopt` only sets allocator parameters; called before any thread starts.
        unsafe {
            libc::mallopt(libc::M_TOP_PAD, 64 * MIB);
            libc::mallopt(libc::M_TRIM_THRESHOLD, libc::c_int::MAX);
            // The largest value glibc accepts for this parameter.
            libc::mallopt(libc::M_MMAP_THRESHOLD, 32 * MIB);
        }
    }
}

/// The input files of a command that reads a few documents, builds its models once and
/// exits: the commands whose blocks come from the arena (see `arena`). The others (the
/// server, imports and checks of whole folders) keep the system allocator.
fn one_run_inputs(command: &Command) -> Option<Vec<&str>> {
    match command {
        Command::Parse(args) | Command::Accept(args) | Command::Reject(args) => {
            Some(vec![args.file.as_str()])
        }
        Command::Diff(args) => Some(args.inputs()),
        _ => None,
    }
}

/// From this many bytes of input on, a run is large: it takes its blocks from the arena
/// and reads its inputs in parallel.
pub(crate) const LARGE_INPUT: u64 = 1 << 20;

/// The size of these input files (standard input and missing files count as empty).
pub(crate) fn input_bytes(inputs: &[&str]) -> u64 {
    inputs
        .iter()
        .filter_map(|path| std::fs::metadata(path).ok())
        .map(|meta| meta.len())
        .sum()
}

/// The arena's budget for inputs of `bytes` bytes: a run's models and temporaries take
/// some tens of times its inputs' size; past the budget, blocks come from the system
/// allocator.
fn arena_budget(bytes: u64) -> usize {
    const BASE: u64 = 64 << 20;
    const PER_INPUT_BYTE: u64 = 48;
    const MAX: u64 = 16 << 30;
    usize::try_from(
        BASE.saturating_add(bytes.saturating_mul(PER_INPUT_BYTE))
            .min(MAX),
    )
    .unwrap_or(usize::MAX)
}

/// Leaves `values` to the operating system. A command ends right after its output is
/// written: freeing a large model node by node then only costs time.
pub(crate) fn keep_until_exit<T>(values: T) {
    std::mem::forget(values);
}

/// The seed, embedded so that the demo needs no file.
const SEED: &str = include_str!("../../../tests/data/seed-citel-res75.txt");

fn demo() -> anyhow::Result<()> {
    let input = Input {
        name: "seed-citel-res75.txt".into(),
        text: SEED.to_string(),
        format: Format::Text,
    };
    let doc = input::parse(&input, &ReadOptions::default());
    let mut out = outline::outline(&doc).into_bytes();
    out.push(b'\n');
    out.extend(render(&doc, Some(&input), Output::Json, None)?);
    emit_bytes(&None, &out)
}

fn options(args: &Common) -> ReadOptions {
    ReadOptions {
        source: args.source.clone(),
        ..ReadOptions::default()
    }
}

fn read(args: &Common) -> anyhow::Result<(Option<Input>, Document)> {
    input::read_document(&args.file, args.from, &options(args))
}

fn render(
    doc: &Document,
    input: Option<&Input>,
    to: Output,
    view: Option<View>,
) -> anyhow::Result<Vec<u8>> {
    Ok(match to {
        Output::Json => amend_text::write_json(
            doc,
            JsonOptions {
                source: input.map(|i| i.text.as_str()),
            },
        )
        .into_bytes(),
        Output::Text => amend_text::write_text(doc, view).into_bytes(),
        Output::Md => amend_text::write_markdown(doc).into_bytes(),
        Output::Outline => outline::outline(doc).into_bytes(),
        Output::Akn => amend_akn::to_akn(doc, &amend_akn::ExportOptions::default()).into_bytes(),
        Output::Docx => amend_docx::write_docx(doc, &amend_docx::WriteOptions::default())
            .map_err(|e| anyhow::anyhow!("cannot write the .docx: {e}"))?,
    })
}

/// Writes bytes to `-o FILE` or standard output (binary output needs a file).
pub(crate) fn emit_bytes(output: &Option<String>, bytes: &[u8]) -> anyhow::Result<()> {
    match output {
        Some(path) => {
            std::fs::write(path, bytes).map_err(|e| anyhow::anyhow!("{path}: cannot write: {e}"))
        }
        None if bytes.starts_with(b"PK\x03\x04") => {
            anyhow::bail!("the .docx output is binary: give -o FILE.docx")
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(bytes) {
                // A closed pipe (`| head`) is not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(Into::into),
            }
        }
    }
}
