//! Speed: checking 1,000 generated resolutions (see generate.rs), one thread,
//! parsing excluded. Target: < 1 s.

use criterion::{Criterion, criterion_group, criterion_main};

mod generate;

use amend_check::{CheckOptions, check};

fn bench(c: &mut Criterion) {
    let texts = generate::resolutions(1000);
    let docs: Vec<_> = texts
        .iter()
        .map(|t| amend_text::read_plain(t, &Default::default()))
        .collect();
    let total: usize = texts.iter().map(String::len).sum();
    eprintln!("1000 resolutions, {} KiB in all", total / 1024);
    let mut group = c.benchmark_group("check");
    group.sample_size(10);
    group.bench_function("1000 resolutions", |b| {
        b.iter(|| {
            let mut findings = 0;
            for (doc, text) in docs.iter().zip(&texts) {
                let options = CheckOptions {
                    source: Some(text),
                    ..CheckOptions::default()
                };
                findings += check(doc, &options).diagnostics.len();
            }
            findings
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
