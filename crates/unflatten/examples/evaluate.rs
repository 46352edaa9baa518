//! The full evaluation: `cargo run --release -p amend-unflatten --example evaluate [CASES]
//! [SEED]` runs CASES (default 1,000) generated cases over the seed's base and WTSA
//! Resolution 1 (from `../shared`, when present) and prints the figures.
//!
//! `--seed DIR` writes the seed recovered against its base (CriticMarkup with evidence).
//! `--time` times the recovery on the benchmark's input (wall and on-CPU time).
//! `--synthetic WORDS DIR` writes the benchmark's generated input (flat, base, new).
//! `--show N` prints case N instead: the truth and the recovery with the base only, as
//! CriticMarkup.

use std::path::Path;

use amend_unflatten::eval::{self, evaluate};
use amend_unflatten::{MarkKind, Options, unflatten};

const SEED_BASE: &str = include_str!("../tests/data/res75-dubai-2012.reconstructed.txt");
const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = Path::new(SHARED).join("fixtures/itu/T-RES-T.1-2016-MSW-E.accept.txt");
    let t1 = std::fs::read_to_string(&path).ok();
    let mut bases = vec![SEED_BASE];
    match t1.as_deref() {
        Some(t) => bases.push(t),
        None => eprintln!(
            "notice: {} absent; running on the seed base only",
            path.display()
        ),
    }
    if args.first().map(String::as_str) == Some("--seed") {
        // The seed recovered against its reconstructed base, as committed example output.
        let dir = args.get(1).map_or("examples/seed", String::as_str);
        let seed = include_str!("../tests/data/000_a878dba81f09253c.txt");
        let r = unflatten(seed, Some(SEED_BASE), None, &Options::default());
        let path = Path::new(dir).join("seed.unflattened.md");
        std::fs::write(&path, r.to_markdown())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let path = Path::new(dir).join("seed.accepted.txt");
        std::fs::write(&path, r.view_text(true))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        println!("{:?}", r.stats);
        return;
    }
    if args.first().map(String::as_str) == Some("--time") {
        // Wall and on-CPU time of the recovery on the benchmark's input: on a loaded
        // machine the on-CPU time is what the process itself costs.
        for words in [100_000usize, 200_000] {
            let mut rng = eval::Rng::new(words as u64);
            let base = eval::synthetic_base(words, &mut rng);
            let case = eval::generate(&base, &mut rng, 12);
            let mut best = (f64::MAX, f64::MAX);
            for _ in 0..7 {
                let (w0, c0) = (std::time::Instant::now(), on_cpu());
                let r = unflatten(&case.flat, Some(&case.base), None, &Options::default());
                std::hint::black_box(&r);
                let wall = w0.elapsed().as_secs_f64() * 1000.0;
                let cpu = (on_cpu() - c0) * 1000.0;
                best = (best.0.min(wall), best.1.min(cpu));
            }
            println!(
                "{} words flattened: best of 7: {:.1} ms wall, {:.1} ms on CPU",
                case.flat.split_whitespace().count(),
                best.0,
                best.1
            );
        }
        return;
    }
    if args.first().map(String::as_str) == Some("--synthetic") {
        // The benchmark's input as files, for the CLI's whole-process time.
        let words: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
        let dir = args.get(2).map_or("/tmp", String::as_str);
        let mut rng = eval::Rng::new(words as u64);
        let base = eval::synthetic_base(words, &mut rng);
        let case = eval::generate(&base, &mut rng, 12);
        let write = |name: &str, text: &str| {
            let path = Path::new(dir).join(name);
            std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        };
        write(&format!("flat-{words}.txt"), &case.flat);
        write(&format!("base-{words}.txt"), &case.base);
        write(&format!("new-{words}.txt"), &case.new);
        println!(
            "{} words flattened, {} edits",
            case.flat.split_whitespace().count(),
            case.edits
        );
        return;
    }
    if args.first().map(String::as_str) == Some("--misses") {
        let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(20);
        for k in 0..n {
            misses(k, &eval::case(&bases, k, 2016));
        }
        return;
    }
    if args.first().map(String::as_str) == Some("--show") {
        let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(0);
        let seed = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(2016);
        show(&eval::case(&bases, n, seed));
        return;
    }
    let cases = args.first().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let seed = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(2016);
    let start = std::time::Instant::now();
    let report = evaluate(&bases, cases, seed);
    println!("{report}");
    for f in &report.failures {
        println!("{f}");
    }
    println!("({:.1} s)", start.elapsed().as_secs_f64());
}

fn show(case: &eval::Case) {
    let mut truth = String::new();
    let mut last = MarkKind::Kept;
    for (i, c) in case.flat.char_indices() {
        let k = case.truth[i].kind;
        if k != last {
            truth.push_str(close(last));
            truth.push_str(open(k));
            last = k;
        }
        truth.push(c);
    }
    truth.push_str(close(last));
    println!("==== truth\n{truth}");
    let r = unflatten(&case.flat, Some(&case.base), None, &Options::default());
    println!("==== recovered with the base\n{}", r.to_markdown());
    let both = unflatten(
        &case.flat,
        Some(&case.base),
        Some(&case.new),
        &Options::default(),
    );
    if let Err(e) = eval::spelled_exactly(case, &both) {
        println!("==== marks not exact: {e}");
        for m in both.changes() {
            println!(
                "{}..{} {:?} {:?}",
                m.start,
                m.end,
                m.kind,
                &case.flat[m.start..m.end]
            );
        }
    }
    match eval::exact(case, &both) {
        Ok(()) => println!("==== exact with base and new"),
        Err(e) => {
            println!("==== NOT exact: {e}\n{}", both.to_markdown());
            for m in both.changes() {
                println!(
                    "{}..{} {:?} {:?} {:?}",
                    m.start,
                    m.end,
                    m.kind,
                    m.evidence,
                    &case.flat[m.start..m.end.min(m.start + 30)]
                );
            }
        }
    }
}

fn open(k: MarkKind) -> &'static str {
    match k {
        MarkKind::Inserted => "{++",
        MarkKind::Deleted => "{--",
        _ => "",
    }
}

fn close(k: MarkKind) -> &'static str {
    match k {
        MarkKind::Inserted => "++}",
        MarkKind::Deleted => "--}",
        _ => "",
    }
}

/// Prints the deleted stretches of replacement edits the base-only recovery missed, and
/// the stretches it deleted wrongly.
fn misses(n: usize, case: &eval::Case) {
    let r = unflatten(&case.flat, Some(&case.base), None, &Options::default());
    let mut predicted = vec![MarkKind::Kept; case.flat.len()];
    for m in &r.marks {
        predicted[m.start..m.end].fill(m.kind);
    }
    let mut i = 0;
    let f = &case.flat;
    while i < f.len() {
        let t = case.truth[i];
        let wrong_miss = t.kind == MarkKind::Deleted
            && t.category.is_some_and(|c| c.is_replacement())
            && predicted[i] != MarkKind::Deleted;
        let wrong_del = t.kind != MarkKind::Deleted && predicted[i] == MarkKind::Deleted;
        let wrong_ins = (t.kind == MarkKind::Inserted) != (predicted[i] == MarkKind::Inserted)
            && !f[i..].starts_with(char::is_whitespace);
        if !(wrong_miss || wrong_del || wrong_ins) || !f.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < f.len() && (case.truth[j] == t) && (predicted[j] == predicted[i]) {
            j += 1;
        }
        while !f.is_char_boundary(j) {
            j += 1;
        }
        let mut a = i.saturating_sub(60);
        while !f.is_char_boundary(a) {
            a -= 1;
        }
        let mut b = (j + 60).min(f.len());
        while !f.is_char_boundary(b) {
            b += 1;
        }
        let what = if wrong_ins {
            "INSERTION"
        } else if wrong_miss {
            "MISSED"
        } else {
            "WRONG DEL"
        };
        println!(
            "case {n} {what} {:?}: {}[[{}]]{}",
            t.category,
            f[a..i].replace('\n', "¶"),
            f[i..j].replace('\n', "¶"),
            f[j..b].replace('\n', "¶")
        );
        i = j;
    }
}

/// Seconds this thread has run on a CPU (Linux `/proc/thread-self/schedstat`), else 0.
fn on_cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}
