//! Speed: generated flattened text of 100,000 and 200,000 words with its base (one
//! thread, in-process). Run with `RAYON_NUM_THREADS=1 cargo bench -p amend-unflatten`;
//! the target is < 100 ms for 100,000 words and t(200k) / t(100k) ≤ 2.2.
//!
//! Two groups: `unflatten` times the wall clock, `unflatten-cpu` the time this thread
//! spent on a CPU (Linux `/proc/thread-self/schedstat`; the wall clock elsewhere). On a
//! shared, loaded machine the wall clock mostly measures waiting for a CPU.

use std::hint::black_box;
use std::time::{Duration, Instant};

use amend_unflatten::eval::{Rng, generate, synthetic_base};
use amend_unflatten::{Options, unflatten};
use criterion::{Criterion, criterion_group, criterion_main};

/// Nanoseconds this thread has spent on a CPU, when the system says.
fn on_cpu() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn recover(c: &mut Criterion) {
    let inputs: Vec<(usize, String, String)> = [100_000usize, 200_000]
        .into_iter()
        .map(|words| {
            let mut rng = Rng::new(words as u64);
            let base = synthetic_base(words, &mut rng);
            let case = generate(&base, &mut rng, 12);
            (words, case.flat, case.base)
        })
        .collect();
    let name = |words: usize, flat: &str| {
        format!(
            "{}k words (flat: {} words)",
            words / 1000,
            flat.split_whitespace().count()
        )
    };
    let mut group = c.benchmark_group("unflatten");
    group.sample_size(10);
    for (words, flat, base) in &inputs {
        group.bench_function(name(*words, flat), |b| {
            b.iter(|| {
                unflatten(
                    black_box(flat),
                    Some(black_box(base)),
                    None,
                    &Options::default(),
                )
            })
        });
    }
    group.finish();
    let mut group = c.benchmark_group("unflatten-cpu");
    group.sample_size(10);
    for (words, flat, base) in &inputs {
        group.bench_function(name(*words, flat), |b| {
            b.iter_custom(|iterations| {
                let (wall, cpu) = (Instant::now(), on_cpu());
                for _ in 0..iterations {
                    black_box(unflatten(
                        black_box(flat),
                        Some(black_box(base)),
                        None,
                        &Options::default(),
                    ));
                }
                match (cpu, on_cpu()) {
                    (Some(a), Some(b)) => Duration::from_nanos(b.saturating_sub(a)),
                    _ => wall.elapsed(),
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, recover);
criterion_main!(benches);
