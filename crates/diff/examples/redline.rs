//! `amend diff OLD NEW --to md` for text inputs, without the rest of the command line:
//! reads two plain-text files, diffs them and writes the redline as CriticMarkup. The
//! speed comparison (bench/speed.py) can run it when the full `amend` binary is not
//! built. usage: redline [diff] OLD NEW [--to md] [-o OUT]

use std::io::Write;

use amend_diff::{DiffOptions, diff_document};
use amend_text::{ReadOptions, read, write_markdown};

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "diff").collect();
    let mut files = Vec::new();
    let mut output = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--to" => {
                it.next();
            }
            "-o" => output = it.next().cloned(),
            _ => files.push(a.clone()),
        }
    }
    let [old, new] = files.as_slice() else {
        eprintln!("usage: redline [diff] OLD NEW [--to md] [-o OUT]");
        return std::process::ExitCode::from(2);
    };
    let load = |path: &str| {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
            eprintln!("{path}: {e}");
            std::process::exit(2)
        });
        let markup = if amend_text::has_critic_marks(&text) {
            amend_text::Markup::Critic
        } else {
            amend_text::Markup::Plain
        };
        read(&text, markup, &ReadOptions::default())
    };
    let timing = std::env::var_os("AMEND_TIMING").is_some();
    let t0 = std::time::Instant::now();
    // The two inputs are read in parallel.
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| load(old));
        let b = load(new);
        (a.join().expect("reader thread"), b)
    });
    let t1 = std::time::Instant::now();
    // As `amend diff --to md` does: the marked document without the change list.
    let redline = diff_document(&a, &b, &DiffOptions::default());
    let t2 = std::time::Instant::now();
    let text = write_markdown(&redline);
    if timing {
        eprintln!(
            "read {:?}, diff {:?}, write {:?}",
            t1 - t0,
            t2 - t1,
            t2.elapsed()
        );
    }
    let written = match output {
        Some(path) => std::fs::write(path, text),
        None => std::io::stdout().lock().write_all(text.as_bytes()),
    };
    // As `amend diff` does: the documents are not freed node by node at exit.
    std::mem::forget((a, b, redline));
    match written {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::from(2)
        }
    }
}
