//! Parses a file with the text reader (CriticMarkup when the text has marks) and prints
//! the time taken; with a format and a path, also writes the document there as `amend
//! parse --to FORMAT` does: a quick probe for profiling the reader without the command
//! line, and for comparing its outputs between two builds.

use amend_text::{JsonOptions, ReadOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (path, output) = match args.as_slice() {
        [path] => (path, None),
        [path, format, out] => (path, Some((format.as_str(), out))),
        _ => {
            eprintln!("usage: parse_file FILE [json|md|text OUT]");
            std::process::exit(2);
        }
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let start = std::time::Instant::now();
    let options = ReadOptions::default();
    let doc = if amend_text::has_critic_marks(&text) {
        amend_text::read_critic(&text, &options)
    } else {
        amend_text::read_plain(&text, &options)
    };
    let elapsed = start.elapsed();
    println!(
        "{}: {} bytes, {} in {:.3} s ({:.1} MB/s)",
        path,
        text.len(),
        doc.kind(),
        elapsed.as_secs_f64(),
        text.len() as f64 / 1e6 / elapsed.as_secs_f64()
    );
    if let Some((format, out)) = output {
        let written = match format {
            "json" => amend_text::write_json(
                &doc,
                JsonOptions {
                    source: Some(&text),
                },
            ),
            "md" => amend_text::write_markdown(&doc),
            "text" => amend_text::write_text(&doc, None),
            other => {
                eprintln!("unknown format {other}");
                std::process::exit(2);
            }
        };
        if let Err(e) = std::fs::write(out, written) {
            eprintln!("{out}: {e}");
            std::process::exit(2);
        }
    }
}
