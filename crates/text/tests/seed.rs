//! The foundation acceptance on the seed (CITEL's flattened proposal on Resolution 75)
//! and its reconstructed base.

use amend_model::{Body, Document, Item, Resolution, SectionKind};
use amend_text::{JsonOptions, ReadOptions, read_plain, write_json, write_text};

const SEED: &str = include_str!("../../../tests/data/seed-citel-res75.txt");
const BASE: &str = include_str!("../../../tests/data/res75-dubai-2012.reconstructed.txt");

fn seed() -> Document {
    read_plain(SEED, &ReadOptions::default())
}

fn proposal_resolution(doc: &Document) -> &Resolution {
    let Body::Contribution(c) = &doc.body else {
        panic!("the seed must parse as a contribution, got {}", doc.kind());
    };
    c.proposals[0].resolution.as_ref().expect("resolution text")
}

#[test]
fn seed_is_a_mod_of_resolution_75_by_citel() {
    let doc = seed();
    let Body::Contribution(c) = &doc.body else {
        panic!("not a contribution");
    };
    assert_eq!(c.source.as_deref(), Some("CITEL"));
    assert_eq!(c.proposals.len(), 1);
    let p = &c.proposals[0];
    assert_eq!(p.action.as_str(), "MOD");
    assert!(p.action_inferred, "the seed has no margin line");
    assert_eq!(p.instrument.number, "75");
    assert_eq!(p.instrument.body.as_deref(), Some("WTSA"));
    let kinds: Vec<String> = c.envelope.iter().map(|p| format!("{:?}", p.kind)).collect();
    assert_eq!(kinds, ["Abstract", "Introduction", "Proposal"]);
    assert_eq!(c.envelope[1].paragraphs.len(), 3);
    assert_eq!(c.trailer.len(), 1);
    assert_eq!(format!("{:?}", c.trailer[0].kind), "Contact");
    assert_eq!(c.trailer[0].paragraphs.len(), 3);
    assert!(
        doc.warnings.iter().any(|w| w.code == "inferred-action"),
        "an inferred action is warned about"
    );
}

#[test]
fn seed_title_block_and_enacting_formula() {
    let doc = seed();
    let r = proposal_resolution(&doc);
    let tb = &r.title_block;
    assert_eq!(tb.instrument.number, "75");
    let rev = tb.revision.as_ref().expect("revision");
    assert_eq!(rev.as_written, "Rev. Dubai, 2012Hammamet, 2016");
    let history = tb.history.as_ref().expect("history");
    let meetings: Vec<(String, Option<u16>)> = history
        .meetings
        .iter()
        .map(|m| (m.place.clone(), m.year))
        .collect();
    assert_eq!(
        meetings,
        [
            ("Johannesburg".to_string(), Some(2008)),
            ("Dubai".to_string(), Some(2012)),
            ("Hammamet".to_string(), Some(2016)),
        ]
    );
    assert!(
        tb.title
            .accepted()
            .starts_with("The ITU Telecommunication Standardization Sector's")
    );
    assert!(tb.title.accepted().ends_with("on the Information Society"));
    let enacting = r.enacting.as_ref().expect("enacting formula");
    assert_eq!(
        enacting.body.as_deref(),
        Some("World Telecommunication Standardization Assembly")
    );
}

#[test]
fn seed_has_twelve_sections_in_order() {
    let doc = seed();
    let r = proposal_resolution(&doc);
    let headings: Vec<String> = r
        .sections
        .iter()
        .map(|s| s.heading.accepted().trim().to_string())
        .collect();
    assert_eq!(
        headings,
        [
            "considering",
            "considering further",
            "recognizing",
            "recognizing further",
            "taking into account",
            "noting",
            "noting further",
            "resolves",
            "instructs the Director of the Telecommunication Standardization Bureau",
            "invites Member States and Sector Members",
            "invites Member States",
            "invites all stakeholders",
        ]
    );
    let kinds: Vec<SectionKind> = r.sections.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == SectionKind::Preamble)
            .count(),
        7
    );
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == SectionKind::Operative)
            .count(),
        5
    );
}

fn labels(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .map(|i| i.label.as_ref().map_or("¶".into(), |l| l.written.written()))
        .collect()
}

#[test]
fn seed_items_keep_their_labels_as_written() {
    let doc = seed();
    let r = proposal_resolution(&doc);
    let by_heading = |h: &str| {
        r.sections
            .iter()
            .find(|s| s.heading.accepted().trim() == h)
            .unwrap_or_else(|| panic!("section {h}"))
    };
    let considering = by_heading("considering");
    assert_eq!(
        labels(&considering.items),
        ["a)", "b)", "c)", "bd)", "c)", "d)"]
    );
    let bd = &considering.items[3];
    assert!(bd.label.as_ref().is_some_and(|l| l.suspect));
    assert_eq!(
        labels(&bd.children),
        [
            "i)", "ii)", "iii)", "iv)", "v)", "vi)", "vii)", "viii)", "vii)", "viii)", "ix)"
        ]
    );
    assert_eq!(
        labels(&by_heading("considering further").items),
        ["a)", "b) a)", "c)", "d) b)"]
    );
    assert_eq!(
        labels(&by_heading("recognizing further").items),
        ["a)", "b)", "c)", "da)", "eb)", "c)", "d)"]
    );
    assert_eq!(
        labels(&by_heading("taking into account").items),
        ["a)", "b)", "c)", "d)", "ed)"]
    );
    assert_eq!(labels(&by_heading("noting further").items), ["¶"]);
    assert_eq!(labels(&by_heading("resolves").items), ["1", "2", "3", "4"]);
    assert_eq!(labels(&by_heading("invites Member States").items), ["¶"]);
    assert_eq!(
        labels(&by_heading("invites all stakeholders").items),
        ["1", "2"]
    );
    // ids follow the naming convention and are unique.
    assert_eq!(
        bd.children[2].eid,
        "preamble__considering__item_bd__item_iii"
    );
    assert_eq!(
        bd.children[8].eid,
        "preamble__considering__item_bd__item_vii_2"
    );
    assert_eq!(considering.items[4].eid, "preamble__considering__item_c_2");
}

/// Every non-blank character, counted.
fn char_counts(text: &str) -> std::collections::BTreeMap<char, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        *counts.entry(c).or_insert(0) += 1;
    }
    counts
}

fn leaf_text(r: &Resolution) -> String {
    let mut out = String::new();
    let tb = &r.title_block;
    out += &tb.number_line.written();
    out += &tb.title.written();
    if let Some(h) = &tb.history {
        out += &h.content.written();
    }
    if let Some(e) = &r.enacting {
        out += &e.content.written();
    }
    fn walk(items: &[Item], out: &mut String) {
        for i in items {
            if let Some(l) = &i.label {
                *out += &l.written.written();
            }
            *out += &i.content.written();
            walk(&i.children, out);
        }
    }
    for s in &r.sections {
        out += &s.heading.written();
        if let Some(t) = &s.title {
            out += &t.written();
        }
        walk(&s.items, &mut out);
    }
    out
}

#[test]
fn seed_loses_no_text_between_the_resolution_line_and_the_contact_block() {
    let doc = seed();
    let r = proposal_resolution(&doc);
    let start = SEED.find("RESOLUTION 75").expect("resolution line");
    let end = SEED.find("[bookmark: dcontact]").expect("contact block");
    let markers: String = doc
        .removed_markers
        .iter()
        .filter(|m| m.span.start >= start && m.span.end <= end)
        .map(|m| m.text.clone())
        .collect();
    let expected = char_counts(&SEED[start..end]);
    let found = char_counts(&(leaf_text(r) + &markers));
    assert_eq!(found, expected);
    // The markers themselves are recorded, with positions.
    let marker_texts: Vec<&str> = doc
        .removed_markers
        .iter()
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(
        marker_texts,
        ["[bookmark: _GoBack]", "[bookmark: dcontact]"]
    );
}

#[test]
fn seed_records_lost_hyphens_without_changing_the_text() {
    let doc = seed();
    let words: Vec<&str> = doc
        .lost_hyphens
        .iter()
        .map(|f| &SEED[f.span.start..f.span.end])
        .collect();
    assert!(words.contains(&"ITUT"));
    assert!(words.contains(&"ITUR"));
    assert!(write_text(&doc, None).contains("ITUT's work"));
}

#[test]
fn base_gives_its_ten_headings() {
    let doc = read_plain(BASE, &ReadOptions::default());
    let Body::Resolution(r) = &doc.body else {
        panic!("the base is a resolution, got {}", doc.kind());
    };
    assert_eq!(r.sections.len(), 10);
    assert_eq!(
        r.title_block.revision.as_ref().map(|r| r.year),
        Some(Some(2012))
    );
    let considering = &r.sections[0];
    assert_eq!(considering.items[1].children.len(), 9);
}

/// The JSON of a document without source positions, for structural comparison.
/// Extractor markers are dropped by the writer, so they are left out.
fn structure(doc: &Document) -> serde_json::Value {
    let mut json = amend_text::to_json(doc, JsonOptions::default());
    if let Some(map) = json.as_object_mut() {
        map.remove("removed_markers");
    }
    json
}

#[test]
fn text_writer_round_trips() {
    for text in [SEED, BASE] {
        let doc = read_plain(text, &ReadOptions::default());
        let written = write_text(&doc, None);
        let again = read_plain(&written, &ReadOptions::default());
        assert_eq!(structure(&again), structure(&doc));
    }
}

#[test]
fn snapshots_of_the_seed() {
    let doc = seed();
    insta::assert_snapshot!("seed_text", write_text(&doc, None));
    insta::assert_snapshot!(
        "seed_json",
        write_json(&doc, JsonOptions { source: Some(SEED) })
    );
}

#[test]
fn committed_json_example_is_current() {
    let doc = seed();
    let json = write_json(&doc, JsonOptions { source: Some(SEED) });
    let example = include_str!("../../../docs/example-seed.json");
    assert_eq!(
        json, example,
        "regenerate docs/example-seed.json with `amend parse tests/data/seed-citel-res75.txt -o docs/example-seed.json`"
    );
}
