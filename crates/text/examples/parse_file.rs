//! Parses a file with the plain-text reader and prints the time taken: a quick probe
//! for profiling the reader without the command line.

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse_file FILE");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let start = std::time::Instant::now();
    let doc = amend_text::read_plain(&text, &amend_text::ReadOptions::default());
    let elapsed = start.elapsed();
    println!(
        "{}: {} bytes, {} in {:.3} s ({:.1} MB/s)",
        path,
        text.len(),
        doc.kind(),
        elapsed.as_secs_f64(),
        text.len() as f64 / 1e6 / elapsed.as_secs_f64()
    );
}
