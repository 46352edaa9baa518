//! Layouts other than the ITU single resolution: the UN General Assembly's, collections
//! of resolutions, contributions with margin lines, and the generic fallback.

use amend_model::{Body, SectionKind};
use amend_text::{ReadOptions, read_plain, write_text};

const UN: &str = "Resolution adopted by the General Assembly\n\
71/999. A test of the United Nations layout\n\
The General Assembly,\n\
Recalling its earlier resolutions on the subject,\n\
Noting with appreciation the reports before it,\n\
1. Decides to continue its work;\n\
2. Requests the Secretary-General to report;\n\
3. Decides to remain seized of the matter.\n";

#[test]
fn un_general_assembly_layout() {
    let doc = read_plain(UN, &ReadOptions::default());
    let Body::Resolution(r) = &doc.body else {
        panic!("a UN resolution, got {}", doc.kind());
    };
    assert_eq!(r.title_block.instrument.number, "71/999");
    assert_eq!(r.title_block.instrument.body.as_deref(), Some("UNGA"));
    assert_eq!(r.sections.len(), 2);
    assert_eq!(r.sections[0].kind, SectionKind::Preamble);
    assert_eq!(r.sections[0].items.len(), 2);
    assert!(r.sections[0].items.iter().all(|i| i.label.is_none()));
    assert_eq!(r.sections[1].kind, SectionKind::Operative);
    let labels: Vec<String> = r.sections[1]
        .items
        .iter()
        .map(|i| i.label.as_ref().map(|l| l.text()).unwrap_or_default())
        .collect();
    assert_eq!(labels, ["1.", "2.", "3."]);
    assert_eq!(r.front_matter.len(), 1);
}

const COLLECTION: &str = "FINAL ACTS\n\
RESOLUTION 1 (Rev. Geneva, 2022)\n\
Rules\n\
(Geneva, 2022)\n\
The World Telecommunication Standardization Assembly (Geneva, 2022),\n\
resolves\n\
1\tto meet.\n\
RESOLUTION 2 (Rev. Geneva, 2022)\n\
Study groups\n\
(Geneva, 2022)\n\
The World Telecommunication Standardization Assembly (Geneva, 2022),\n\
considering\n\
a)\tthat groups study;\n\
resolves\n\
1\tto study.\n";

#[test]
fn several_resolutions_make_a_collection() {
    let doc = read_plain(COLLECTION, &ReadOptions::default());
    let Body::Collection(c) = &doc.body else {
        panic!("a collection, got {}", doc.kind());
    };
    assert_eq!(c.resolutions.len(), 2);
    assert_eq!(c.front_matter.len(), 1);
    assert_eq!(c.resolutions[1].sections.len(), 2);
    assert_eq!(c.resolutions[1].title_block.instrument.number, "2");
}

const MARGIN: &str = "Source: Arab States\n\
Abstract:\tProposals on two resolutions.\n\
MOD\tARB/43A16/1\n\
RESOLUTION 44 (Rev. Dubai, 2012)\n\
Bridging the gap\n\
(Johannesburg, 2008; Dubai, 2012)\n\
The World Telecommunication Standardization Assembly (Dubai, 2012),\n\
resolves\n\
1\tto bridge.\n\
SUP\tARB/43A16/2\n\
RESOLUTION 99 (Rev. Dubai, 2012)\n\
Obsolete\n\
(Dubai, 2012)\n\
Contact:\tA delegate\n";

#[test]
fn margin_lines_give_action_and_source() {
    let doc = read_plain(MARGIN, &ReadOptions::default());
    let Body::Contribution(c) = &doc.body else {
        panic!("a contribution, got {}", doc.kind());
    };
    assert_eq!(c.source.as_deref(), Some("ASMG"));
    let actions: Vec<(&str, bool, &str)> = c
        .proposals
        .iter()
        .map(|p| {
            (
                p.action.as_str(),
                p.action_inferred,
                p.instrument.number.as_str(),
            )
        })
        .collect();
    assert_eq!(actions, [("MOD", false, "44"), ("SUP", false, "99")]);
    assert_eq!(c.trailer.len(), 1);
    assert_eq!(c.trailer[0].paragraphs.len(), 1);
    // The text writer prints the margin lines, so the structure survives a round trip.
    let again = read_plain(&write_text(&doc, None), &ReadOptions::default());
    let Body::Contribution(c2) = &again.body else {
        panic!("still a contribution");
    };
    assert_eq!(c2.proposals.len(), 2);
    assert_eq!(c2.proposals[1].action.as_str(), "SUP");
}

#[test]
fn source_option_overrides_detection() {
    let options = ReadOptions {
        source: Some("CEPT".into()),
        ..ReadOptions::default()
    };
    let doc = read_plain(MARGIN, &options);
    let Body::Contribution(c) = &doc.body else {
        panic!("a contribution");
    };
    assert_eq!(c.source.as_deref(), Some("CEPT"));
}

#[test]
fn noisy_layout_reads_the_same() {
    // CRLF, a BOM, labels glued to their text, non-breaking spaces, blank lines.
    let noisy = "\u{feff}RESOLUTION 5 (Rev. Dubai, 2012)\r\nA title over\r\ntwo lines\r\n(Dubai, 2012)\r\n\r\nThe World Telecommunication Standardization Assembly (Dubai, 2012),\r\n   considering\r\na)the first;\r\n\r\nb)\u{a0}\tthe second,\r\nresolves\r\n1 to act.\r\n";
    let doc = read_plain(noisy, &ReadOptions::default());
    let Body::Resolution(r) = &doc.body else {
        panic!("a resolution, got {}", doc.kind());
    };
    assert_eq!(r.title_block.title.accepted(), "A title over two lines");
    assert_eq!(r.sections.len(), 2);
    assert_eq!(r.sections[0].items[0].content.accepted(), "the first;");
    assert_eq!(r.sections[0].items[1].content.accepted(), "the second,");
    assert_eq!(r.sections[1].items[0].content.accepted(), "to act.");
}
