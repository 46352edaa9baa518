//! Speed: 20 proposals on a 10,000-word resolution (issue 8: < 200 ms). Inputs come from
//! the committed generator (`amend_consolidate::synthetic`); proposals are parsed before
//! timing, so the measure is the consolidation itself (alignment, regions, merge).

use std::hint::black_box;

use amend_consolidate::{Form, Options, SourcedProposal, consolidate, synthetic};
use amend_text::{ReadOptions, read_plain};
use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let base_text = synthetic::resolution(10_000, 1);
    let base = read_plain(&base_text, &ReadOptions::default());
    let proposals: Vec<SourcedProposal> = (0..20)
        .map(|n| {
            let text = synthetic::proposal(&base_text, 15, 100 + n);
            SourcedProposal::from_text(format!("S{n}"), &text, Form::Clean, &base_text)
        })
        .collect();
    let mut group = c.benchmark_group("consolidate");
    group.sample_size(20);
    group.bench_function("20 proposals x 10k words", |b| {
        b.iter(|| consolidate(black_box(&base), black_box(&proposals), &Options::default()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
