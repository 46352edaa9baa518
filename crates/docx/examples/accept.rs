//! `cargo run --release --example accept -- FILE.docx [accept|reject|written]`: the
//! accepted (or rejected) text of a .docx file, for speed measurements against peers.

use std::io::Write;

use amend_docx::{ReadOptions, document_text, read_docx};
use amend_model::View;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: accept FILE.docx [accept|reject]");
        std::process::exit(2);
    };
    let view = match args.next().as_deref() {
        Some("reject") => View::Rejected,
        _ => View::Accepted,
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let timing = std::env::var_os("AMEND_TIMING").is_some();
    let t0 = std::time::Instant::now();
    if timing {
        let p = amend_docx::read_paragraphs(&bytes, &ReadOptions::default());
        eprintln!(
            "read_paragraphs: {:?} ({} paragraphs)",
            t0.elapsed(),
            p.map(|p| p.paragraphs.len()).unwrap_or(0)
        );
    }
    let t1 = std::time::Instant::now();
    match read_docx(&bytes, &ReadOptions::default()) {
        Ok(doc) => {
            if timing {
                eprintln!("read_docx: {:?}", t1.elapsed());
            }
            let t2 = std::time::Instant::now();
            let text = document_text(&doc, view);
            if timing {
                eprintln!("document_text: {:?}", t2.elapsed());
            }
            let _ = std::io::stdout().write_all(text.as_bytes());
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    }
}
