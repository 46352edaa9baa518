//! Checks the 1,000 generated resolutions of the benchmark once and prints the wall and
//! CPU time of the checking (parsing excluded): on a shared machine the CPU time is the
//! figure to compare with the 1 s target.
//!
//! ```sh
//! cargo run --release -p amend-check --example speed
//! ```

#[path = "../benches/generate.rs"]
mod generate;
/// User plus system time of this process, in seconds (Linux).
fn cpu() -> f64 {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap();
    let f: Vec<&str> = s.rsplit(')').next().unwrap().split_whitespace().collect();
    (f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap()) / 100.0
}
fn main() {
    let texts = generate::resolutions(1000);
    let docs: Vec<_> = texts
        .iter()
        .map(|t| amend_text::read_plain(t, &Default::default()))
        .collect();
    let (w, c) = (std::time::Instant::now(), cpu());
    let mut n = 0;
    for (d, t) in docs.iter().zip(&texts) {
        n += amend_check::check(
            d,
            &amend_check::CheckOptions {
                source: Some(t),
                ..Default::default()
            },
        )
        .diagnostics
        .len();
    }
    println!("wall {:?} cpu {:.2}s findings {n}", w.elapsed(), cpu() - c);
}
