//! Writes the benchmark's generated resolutions as one text file (a collection), for
//! timing the whole `amend check` process:
//!
//! ```sh
//! cargo run --release -p amend-check --example generate -- 1000 > /tmp/res1000.txt
//! time amend check /tmp/res1000.txt > /dev/null
//! ```

#[path = "../benches/generate.rs"]
mod generate;

use std::io::Write;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let mut out = std::io::stdout().lock();
    for text in generate::resolutions(n) {
        let _ = out.write_all(text.as_bytes());
        let _ = out.write_all(b"\n");
    }
}
