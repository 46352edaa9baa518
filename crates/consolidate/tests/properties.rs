//! Property tests of the consolidation over synthetic resolutions (the committed
//! generator, `amend_consolidate::synthetic`): one proposal gives that proposal; proposals
//! on disjoint units merge without conflict in any order; identical proposals agree.

use amend_consolidate::synthetic::{Rng, resolution};
use amend_consolidate::{Classification, Form, Options, SourcedProposal, consolidate};
use amend_model::View;
use amend_model::textcmp::{first_difference, texts_equal};
use amend_text::{ReadOptions, read_plain, write_text};
use proptest::prelude::*;

/// The item lines of a text (label, tab, text).
fn item_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains('\t'))
        .map(|(i, _)| i)
        .collect()
}

/// `text` with the lines at `at` edited (a word replaced, a phrase inserted, or a word
/// deleted), and, when `delete` holds a line, that line removed.
fn edit(text: &str, at: &[usize], delete: Option<usize>, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::new();
    for (n, line) in text.lines().enumerate() {
        if Some(n) == delete {
            continue;
        }
        if !at.contains(&n) {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let (label, body) = line.split_once('\t').unwrap_or(("", line));
        let mut words: Vec<String> = body.split(' ').map(str::to_string).collect();
        let w = 1 + rng.below(words.len().saturating_sub(2).max(1));
        match rng.below(3) {
            0 => words[w] = format!("{}ed", rng.word()),
            1 => words.insert(w, format!("{} {}", rng.word(), rng.word())),
            _ => {
                words.remove(w);
            }
        }
        out.push_str(&format!("{label}\t{}\n", words.join(" ")));
    }
    out
}

fn accepted(c: &amend_consolidate::Consolidation) -> String {
    write_text(&c.merged, Some(View::Accepted))
}

fn proposal(source: &str, text: &str, base: &str) -> SourcedProposal {
    SourcedProposal::from_text(source, text, Form::Clean, base)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn one_proposal_gives_that_proposal(seed in 0u64..10_000, edits in 1usize..6, del in any::<bool>()) {
        let base = resolution(400, seed);
        let lines = item_lines(&base);
        let mut rng = Rng::new(seed ^ 0xabc);
        let at: Vec<usize> = (0..edits).map(|_| lines[rng.below(lines.len())]).collect();
        let delete = del.then(|| lines[rng.below(lines.len())]).filter(|d| !at.contains(d));
        let text = edit(&base, &at, delete, seed);
        let base_doc = read_plain(&base, &ReadOptions::default());
        let c = consolidate(&base_doc, &[proposal("A", &text, &base)], &Options::default());
        let merged = accepted(&c);
        prop_assert!(texts_equal(&merged, &text), "{}", first_difference(&merged, &text).unwrap_or_default());
        let rejected = write_text(&c.merged, Some(View::Rejected));
        prop_assert!(texts_equal(&rejected, &base), "{}", first_difference(&rejected, &base).unwrap_or_default());
        prop_assert!(c.units.iter().all(|u| u.classification != Classification::Conflict));
    }

    #[test]
    fn disjoint_proposals_merge_in_any_order(seed in 0u64..10_000, edits in 1usize..5) {
        let base = resolution(500, seed);
        let lines = item_lines(&base);
        // Every other item line to A, the rest to B: never the same unit.
        let mut rng = Rng::new(seed ^ 0x5eed);
        let pick = |rng: &mut Rng, parity: usize| -> Vec<usize> {
            (0..edits)
                .map(|_| lines[(rng.below(lines.len() / 2)) * 2 + parity])
                .collect()
        };
        let a_at = pick(&mut rng, 0);
        let b_at = pick(&mut rng, 1);
        let a = edit(&base, &a_at, None, seed);
        let b = edit(&base, &b_at, None, seed + 1);
        // Both applied one after the other: A's lines from A, B's from B.
        let both: String = base
            .lines()
            .zip(a.lines().zip(b.lines()))
            .enumerate()
            .map(|(n, (_, (la, lb)))| if b_at.contains(&n) { format!("{lb}\n") } else { format!("{la}\n") })
            .collect();
        let base_doc = read_plain(&base, &ReadOptions::default());
        for order in [["A", "B"], ["B", "A"]] {
            let proposals: Vec<SourcedProposal> = order
                .iter()
                .map(|s| proposal(s, if *s == "A" { &a } else { &b }, &base))
                .collect();
            let c = consolidate(&base_doc, &proposals, &Options::default());
            prop_assert!(c.units.iter().all(|u| u.classification != Classification::Conflict));
            let merged = accepted(&c);
            prop_assert!(texts_equal(&merged, &both), "{}", first_difference(&merged, &both).unwrap_or_default());
        }
    }

    #[test]
    fn identical_proposals_agree(seed in 0u64..10_000, edits in 1usize..6, del in any::<bool>()) {
        let base = resolution(400, seed);
        let lines = item_lines(&base);
        let mut rng = Rng::new(seed ^ 0x1d);
        let at: Vec<usize> = (0..edits).map(|_| lines[rng.below(lines.len())]).collect();
        let delete = del.then(|| lines[rng.below(lines.len())]).filter(|d| !at.contains(d));
        let text = edit(&base, &at, delete, seed);
        let base_doc = read_plain(&base, &ReadOptions::default());
        let c = consolidate(
            &base_doc,
            &[proposal("X", &text, &base), proposal("Y", &text, &base)],
            &Options::default(),
        );
        for u in &c.units {
            prop_assert!(
                matches!(u.classification, Classification::Untouched | Classification::Agreement | Classification::Suppressed),
                "{} is {:?}", u.eid, u.classification
            );
            for change in &u.changes {
                prop_assert_eq!(&change.sources, &vec!["X".to_string(), "Y".to_string()]);
            }
        }
        prop_assert!(c.units.iter().any(|u| u.classification != Classification::Untouched));
        prop_assert!(texts_equal(&accepted(&c), &text));
    }
}
