//! The seed (CITEL's flattened proposal on Resolution 75) with its reconstructed base:
//! every meeting stamp, relettered label and citation revision comes out as a deletion
//! plus an insertion, the new items and sections as insertions, and the second `vii)`
//! and `viii)` as deleted items by structure evidence.

use amend_model::textcmp::first_difference;
use amend_model::{EvidenceKind, View};
use amend_unflatten::{MarkKind, Options, Recovery, unflatten};

const SEED: &str = include_str!("data/000_a878dba81f09253c.txt");
const BASE: &str = include_str!("data/res75-dubai-2012.reconstructed.txt");

fn recover() -> Recovery {
    unflatten(SEED, Some(BASE), None, &Options::default())
}

/// The byte offset of the `nth` occurrence of `needle` in the seed.
fn at(needle: &str, nth: usize) -> usize {
    SEED.match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` #{nth} not in the seed"))
        .0
}

/// The marks over `start..end`, with the evidence of each.
fn marks(r: &Recovery, start: usize, end: usize) -> Vec<(MarkKind, EvidenceKind)> {
    let mut out = Vec::new();
    for m in &r.marks {
        if m.end > start && m.start < end && !out.contains(&(m.kind, m.evidence.kind)) {
            out.push((m.kind, m.evidence.kind));
        }
    }
    out
}

fn kind_of(r: &Recovery, start: usize, end: usize) -> MarkKind {
    let kinds: Vec<MarkKind> = marks(r, start, end).into_iter().map(|m| m.0).collect();
    assert_eq!(
        kinds.len(),
        1,
        "`{}` has marks {kinds:?}",
        &SEED[start..end]
    );
    kinds[0]
}

/// `old` directly followed by `new` in the `nth` occurrence of `old + new`.
fn assert_replaced(r: &Recovery, old: &str, new: &str, nth: usize) {
    let whole = format!("{old}{new}");
    let s = at(&whole, nth);
    assert_eq!(
        kind_of(r, s, s + old.len()),
        MarkKind::Deleted,
        "`{old}` in `{whole}`"
    );
    let n = s + old.len();
    let trimmed = new.trim_start();
    let ns = n + (new.len() - trimmed.len());
    assert_eq!(
        kind_of(r, ns, n + new.len()),
        MarkKind::Inserted,
        "`{new}` in `{whole}`"
    );
}

#[test]
fn meeting_stamps_and_citation_revisions_are_replacements() {
    let r = recover();
    assert_replaced(&r, "Dubai, 2012", "Hammamet, 2016", 0); // RESOLUTION 75 (Rev. ...)
    assert_replaced(&r, "Dubai, 2012", "Hammamet, 2016", 1); // the enacting formula
    assert_replaced(&r, "Guadalajara, 2010", "Busan, 2014", 0); // b) ... Conference (...)
    for nth in 1..=6 {
        assert_replaced(&r, "Guadalajara, 2010", "Busan, 2014", nth); // i) to viii)
    }
    assert_replaced(&r, "Guadalajara, 2010", " Busan 2014", 0); // ix)
    assert_replaced(&r, "Hyderabad, 2010", "Dubai, 2014", 0);
    assert_replaced(&r, "2012", " 2015", 0); // Resolution ITU-R 61 (Geneva, 2012 2015)
    assert_replaced(&r, "10", "14", 0); // WTDC-1014
    assert_replaced(&r, "Guadalajara 2010", "Busan, 2014", 0); // Resolution 140 (Rev. ...)
    // The history line only gains a meeting.
    let h = at("; Hammamet, 2016)", 0);
    assert_eq!(kind_of(&r, h, h + 16), MarkKind::Inserted);
    assert_eq!(
        kind_of(&r, at("(Johannesburg, 2008; Dubai, 2012", 0), h),
        MarkKind::Kept
    );
}

#[test]
fn relettered_labels_are_replacements() {
    let r = recover();
    for (line, old, new) in [("bd)", 0, 1), ("eb)", 1, 0), ("ed)", 1, 0)] {
        let s = at(&format!("\n{line}"), 0) + 1;
        assert_eq!(
            kind_of(&r, s + old, s + old + 1),
            MarkKind::Deleted,
            "{line}"
        );
        assert_eq!(
            kind_of(&r, s + new, s + new + 1),
            MarkKind::Inserted,
            "{line}"
        );
    }
    // `da)`: `a)` was the label, `d` the new one.
    let s = at("\nda)", 0) + 1;
    assert_eq!(kind_of(&r, s, s + 1), MarkKind::Inserted);
    assert_eq!(kind_of(&r, s + 1, s + 2), MarkKind::Deleted);
    // `b) a) that the creation`: the new label before the old one.
    let s = at("b) a) that the creation", 0);
    assert_eq!(kind_of(&r, s, s + 2), MarkKind::Inserted);
    assert_eq!(kind_of(&r, s + 3, s + 5), MarkKind::Deleted);
    let s = at("d) b) that there is", 0);
    assert_eq!(kind_of(&r, s, s + 2), MarkKind::Inserted);
    assert_eq!(kind_of(&r, s + 3, s + 5), MarkKind::Deleted);
}

#[test]
fn new_items_and_sections_are_insertions() {
    let r = recover();
    for line in [
        "c) UNGA Resolution A/70/1 on Transforming Our World",
        "v)\tResolution 131 (Rev. Busan, 2014), related to measuring",
        "vii)\tResolution 139 (Rev. Busan, 2014) about using",
        "\trecognizing further",
        "c)\tCouncil Resolution 1344, on the modality",
        "4 \tthat ITU-T should contribute",
        "invites all stakeholders",
    ] {
        let s = at(line, 0);
        assert_eq!(kind_of(&r, s, s + line.len()), MarkKind::Inserted, "{line}");
    }
}

#[test]
fn the_second_vii_and_viii_are_deleted_items_by_structure() {
    let r = recover();
    for line in [
        "vii) \tDecision 562 of the 2011 session of the ITU Council",
        "viii)\tResolution 172 (Guadalajara, 2010) of the Plenipotentiary Conference, on overall review",
    ] {
        let s = at(line, 0);
        assert_eq!(
            marks(&r, s, s + line.len()),
            vec![(MarkKind::Deleted, EvidenceKind::Structure)],
            "{line}"
        );
    }
    // The items the proposal kept without relettering them stay.
    let s = at(
        "c)\tthe role of the ITU Telecommunication Standardization Sector",
        0,
    );
    assert_eq!(kind_of(&r, s, s + 20), MarkKind::Kept);
}

#[test]
fn rejecting_gives_the_base_and_accepting_the_proposal() {
    let r = recover();
    let rejected = amend_text::write_text(&r.document, Some(View::Rejected));
    if let Some(d) = first_difference(&rejected, BASE) {
        panic!("{d}");
    }
    let accepted = amend_text::write_text(&r.document, Some(View::Accepted));
    assert!(accepted.contains("RESOLUTION 75 (Rev. Hammamet, 2016)"));
    assert!(accepted.contains("(Johannesburg, 2008; Dubai, 2012; Hammamet, 2016)"));
    assert!(!accepted.contains("Decision 562"));
    // Markdown carries evidence and confidence in comments; undecided stretches stay in
    // both views.
    let md = r.to_markdown();
    assert!(md.contains("{--Dubai, 2012--}{++Hammamet, 2016++}{>>"));
    assert!(md.contains("replacement-pattern 90%"));
    assert!(md.contains("{==issues==}{>>undecided"));
    let reread = amend_text::read_critic(&md, &amend_text::ReadOptions::default());
    assert!(
        first_difference(&amend_text::write_text(&reread, Some(View::Rejected)), BASE).is_none()
    );
    // The duplicated insertion is reported.
    assert!(r.findings.iter().any(|f| f.code == "doubled-insertion"));
}

#[test]
fn without_a_base_the_flattening_points_are_flagged() {
    let r = unflatten(SEED, None, None, &Options::default());
    let codes: Vec<&str> = r.findings.iter().map(|f| f.code.as_str()).collect();
    for code in [
        "run-together-stamps",
        "doubled-label",
        "glued-words",
        "doubled-phrase",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    let s = at("Dubai, 2012Hammamet, 2016", 0);
    assert_eq!(kind_of(&r, s, s + 11), MarkKind::Deleted);
    assert_eq!(kind_of(&r, s + 11, s + 25), MarkKind::Inserted);
    assert!(r.changes().all(|m| m.evidence.confidence < 100));
}

#[test]
fn with_base_and_new_text_the_recovery_is_exact() {
    // The new text: the seed's resolution with the recovered deletions taken out.
    let r = recover();
    let new = r.view_text(true);
    let exact = unflatten(SEED, Some(BASE), Some(&new), &Options::default());
    let accepted = amend_text::write_text(&exact.document, Some(View::Accepted));
    let rejected = amend_text::write_text(&exact.document, Some(View::Rejected));
    assert!(
        first_difference(&accepted, &new).is_none(),
        "{:?}",
        first_difference(&accepted, &new)
    );
    assert!(
        first_difference(&rejected, BASE).is_none(),
        "{:?}",
        first_difference(&rejected, BASE)
    );
    assert_eq!(exact.stats.conflicts, 0);
    assert!(
        exact
            .changes()
            .all(|m| m.evidence.kind == EvidenceKind::NewText)
    );
}
