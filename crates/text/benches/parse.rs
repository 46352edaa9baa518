//! Parsing speed of the text reader on ≥ 10 MB of resolution text, made by the
//! generator below from the reconstructed Resolution 75 and the seed (one thread).

use amend_text::{ReadOptions, read_plain};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

// The system allocator, as in the `amend` binary. The parsed document is dropped outside
// the timed loop: the binary never frees it (it exits after writing), so freeing it is
// not part of parsing; the second function measures read and free together.

const BASE: &str = include_str!("../../../tests/data/res75-dubai-2012.reconstructed.txt");
const SEED: &str = include_str!("../../../tests/data/seed-citel-res75.txt");

/// A collection of resolutions of at least `bytes` bytes: the base and the seed's
/// resolution text repeated with their numbers and years varied, so that no two
/// resolutions are the same text.
pub fn generate(bytes: usize) -> String {
    let seed_resolution = &SEED[SEED.find(" RESOLUTION").unwrap_or(0)..];
    let mut out = String::with_capacity(bytes + BASE.len());
    let mut n = 0u32;
    while out.len() < bytes {
        let source = if n.is_multiple_of(2) {
            BASE
        } else {
            seed_resolution
        };
        let number = 100 + n;
        let text = source
            .replace("RESOLUTION 75", &format!("RESOLUTION {number}"))
            .replace("2012", &format!("{}", 1990 + n % 30));
        out.push_str(&text);
        out.push('\n');
        n += 1;
    }
    out
}

fn parse(c: &mut Criterion) {
    let text = generate(10 * 1024 * 1024);
    let mut group = c.benchmark_group("text-reader");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    group.bench_function("read_plain 10 MB", |b| {
        b.iter_with_large_drop(|| read_plain(&text, &ReadOptions::default()))
    });
    group.bench_function("read_plain 10 MB, then free the document", |b| {
        b.iter(|| read_plain(&text, &ReadOptions::default()))
    });
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
