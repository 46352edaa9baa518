//! Quality against real revisions. For every fixture with real tracked changes x (the
//! .docx files of pandoc, Open-XML-PowerTools, Word's redline in jubarte-redlines, the ITU
//! Implementers' Guide), diff(reject(x), accept(x)) labels every word and punctuation
//! token of both texts as kept or changed (deleted in the old text, inserted in the new);
//! the score is the fraction of tokens whose label agrees with x's own marks. The same
//! is computed for `git diff --no-index --word-diff=porcelain`. Run with `--nocapture`
//! to see the table.

use std::path::{Path, PathBuf};
use std::process::Command;

use amend_diff::{DiffOptions, diff};
use amend_model::tokenize::tokens;
use amend_model::{Document, Span, View};
use amend_text::{ReadOptions, lines, read_plain, write_text};
use imara_diff::{Algorithm, Diff, InternedInput};

/// Tokens of one side with their label (true: changed).
type Side = Vec<(String, bool)>;

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn shared() -> Option<PathBuf> {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    if path.is_dir() {
        return Some(path.to_path_buf());
    }
    assert!(!ci(), "../shared is missing (CI=true)");
    eprintln!("skipped: ../shared not found");
    None
}

fn push_tokens(side: &mut Side, text: &str, changed: bool) {
    for t in tokens(text) {
        if !t.trim().is_empty() {
            side.push((t.replace(['\u{a0}', '\u{2011}'], "-"), changed));
        }
    }
}

/// The old and new token sequences of a change-marked document, labelled by its marks.
fn labelled(doc: &Document) -> (Side, Side) {
    let mut old = Side::new();
    let mut new = Side::new();
    for line in lines(doc) {
        let spans: Vec<&Span> = line
            .label
            .iter()
            .flat_map(|l| l.spans.iter())
            .chain(line.content.spans.iter())
            .collect();
        for span in spans {
            let changes = span.kind().is_some_and(|k| k.changes_text());
            if span.in_rejected() {
                push_tokens(&mut old, &span.text, changes);
            }
            if span.in_accepted() {
                push_tokens(&mut new, &span.text, changes);
            }
        }
    }
    (old, new)
}

/// git's word diff of two texts as labelled token sequences.
fn git_sides(old: &str, new: &str, dir: &Path) -> Option<(Side, Side)> {
    let a = dir.join("old.txt");
    let b = dir.join("new.txt");
    std::fs::write(&a, old).ok()?;
    std::fs::write(&b, new).ok()?;
    let out = Command::new("git")
        .args([
            "diff",
            "--no-index",
            "--no-color",
            "--word-diff=porcelain",
            "-U100000000",
        ])
        .arg(&a)
        .arg(&b)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let (mut so, mut sn) = (Side::new(), Side::new());
    if text.is_empty() {
        // No difference: everything kept.
        push_tokens(&mut so, old, false);
        push_tokens(&mut sn, new, false);
        return Some((so, sn));
    }
    let mut body = false;
    for line in text.lines() {
        if !body {
            body = line.starts_with("@@");
            continue;
        }
        if let Some(rest) = line.strip_prefix(' ') {
            push_tokens(&mut so, rest, false);
            push_tokens(&mut sn, rest, false);
        } else if let Some(rest) = line.strip_prefix('-') {
            push_tokens(&mut so, rest, true);
        } else if let Some(rest) = line.strip_prefix('+') {
            push_tokens(&mut sn, rest, true);
        }
    }
    Some((so, sn))
}

/// How many reference tokens a candidate labels the same way (tokens aligned by text).
fn agreement(reference: &Side, candidate: &Side) -> usize {
    let mut input: InternedInput<&str> = InternedInput::default();
    input.update_before(reference.iter().map(|(t, _)| t.as_str()));
    input.update_after(candidate.iter().map(|(t, _)| t.as_str()));
    let diff = Diff::compute(Algorithm::Histogram, &input);
    let (mut i, mut j, mut agree) = (0usize, 0usize, 0usize);
    let mut hunks = diff.hunks().peekable();
    while i < reference.len() && j < candidate.len() {
        if let Some(h) = hunks.peek()
            && h.before.start as usize == i
            && h.after.start as usize == j
        {
            i = h.before.end as usize;
            j = h.after.end as usize;
            hunks.next();
            continue;
        }
        if reference[i].1 == candidate[j].1 {
            agree += 1;
        }
        i += 1;
        j += 1;
    }
    agree
}

fn fixtures(shared: &Path) -> Vec<PathBuf> {
    let peer = shared.join("fixtures/peer");
    let features = std::fs::read_to_string(peer.join("DOCX_FEATURES.tsv")).expect("features");
    let mut out: Vec<PathBuf> = features
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let count = |k: usize| cols.get(k).and_then(|c| c.parse::<u32>().ok()).unwrap_or(0);
            // w:ins, w:del, w:moveFrom, w:moveTo
            (count(1) + count(2) + count(3) + count(4) > 0).then(|| peer.join(cols[0]))
        })
        .collect();
    out.push(shared.join("fixtures/itu/T-REC-G.Imp8101-201810-I-MSW-E.docx"));
    out.sort();
    out
}

#[test]
fn quality_against_real_revisions() {
    let Some(shared) = shared() else { return };
    if Command::new("git").arg("--version").output().is_err() {
        assert!(!ci(), "git is missing (CI=true)");
        eprintln!("skipped: git not found");
        return;
    }
    let dir = std::env::temp_dir().join(format!("amend-quality-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (mut total, mut ours_total, mut git_total) = (0usize, 0usize, 0usize);
    let mut git_better = Vec::new();
    let mut scored = 0;
    println!("fixture\ttokens\tamend\tgit");
    for path in fixtures(&shared) {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let Ok(x) = amend_docx::read_docx(&bytes, &amend_docx::ReadOptions::default()) else {
            println!("{}\tunreadable", path.display());
            continue;
        };
        let (ref_old, ref_new) = labelled(&x);
        if !ref_old.iter().chain(&ref_new).any(|(_, c)| *c) {
            continue; // no text changes after all (format-only revisions)
        }
        let old_text = write_text(&x, Some(View::Rejected));
        let new_text = write_text(&x, Some(View::Accepted));
        let r = diff(
            &read_plain(&old_text, &ReadOptions::default()),
            &read_plain(&new_text, &ReadOptions::default()),
            &DiffOptions::default(),
        );
        let (our_old, our_new) = labelled(&r.document);
        // `AMEND_QUALITY_SHOW=WC053` prints the fixture's marks and ours.
        if let Ok(show) = std::env::var("AMEND_QUALITY_SHOW")
            && path.to_string_lossy().contains(&show)
        {
            println!(
                "--- {}:\n{}",
                path.display(),
                amend_text::write_markdown(&x)
            );
            println!("--- amend:\n{}", amend_text::write_markdown(&r.document));
        }
        let Some((git_old, git_new)) = git_sides(&old_text, &new_text, &dir) else {
            continue;
        };
        let n = ref_old.len() + ref_new.len();
        let ours = agreement(&ref_old, &our_old) + agreement(&ref_new, &our_new);
        let git = agreement(&ref_old, &git_old) + agreement(&ref_new, &git_new);
        total += n;
        ours_total += ours;
        git_total += git;
        scored += 1;
        let name = path
            .strip_prefix(shared.join("fixtures"))
            .unwrap_or(&path)
            .display()
            .to_string();
        let pct = |k: usize| 100.0 * k as f64 / n.max(1) as f64;
        println!("{name}\t{n}\t{:.1}\t{:.1}", pct(ours), pct(git));
        if git > ours {
            git_better.push(format!(
                "{name} (amend {:.1}%, git {:.1}%)",
                pct(ours),
                pct(git)
            ));
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    let pct = |k: usize| 100.0 * k as f64 / total.max(1) as f64;
    println!(
        "aggregate over {scored} fixtures, {total} tokens: amend {:.2}%, git {:.2}%",
        pct(ours_total),
        pct(git_total)
    );
    println!("fixtures where git scores higher ({}):", git_better.len());
    for f in &git_better {
        println!("  {f}");
    }
    assert!(scored >= 20, "only {scored} fixtures scored");
    assert!(
        ours_total > git_total,
        "amend {ours_total} vs git {git_total} of {total}"
    );
}
