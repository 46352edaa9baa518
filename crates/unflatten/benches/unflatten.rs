//! Speed: generated flattened text of 100,000 and 200,000 words with its base (one
//! thread, in-process). Run with `cargo bench -p amend-unflatten`; the target is < 100 ms
//! for 100,000 words and t(200k) / t(100k) ≤ 2.2.

use std::hint::black_box;

use amend_unflatten::eval::{Rng, generate, synthetic_base};
use amend_unflatten::{Options, unflatten};
use criterion::{Criterion, criterion_group, criterion_main};

fn recover(c: &mut Criterion) {
    let mut group = c.benchmark_group("unflatten");
    group.sample_size(10);
    for words in [100_000usize, 200_000] {
        let mut rng = Rng::new(words as u64);
        let base = synthetic_base(words, &mut rng);
        let case = generate(&base, &mut rng, 12);
        let flat_words = case.flat.split_whitespace().count();
        group.bench_function(
            format!("{}k words (flat: {flat_words} words)", words / 1000),
            |b| {
                b.iter(|| {
                    unflatten(
                        black_box(&case.flat),
                        Some(black_box(&case.base)),
                        None,
                        &Options::default(),
                    )
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, recover);
criterion_main!(benches);
