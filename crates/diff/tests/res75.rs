//! The redline of Resolution 75 (Rev. Dubai, 2012) against a hand-written proposal
//! (tests/data/SOURCES.md): marked as a person would mark it.

use amend_diff::{Boilerplate, ChangeRecord, DiffOptions, RecordKind, Redline, diff};
use amend_model::View;
use amend_model::textcmp::first_difference;
use amend_text::{ReadOptions, read_plain, write_markdown, write_text};

const BASE: &str = include_str!("data/res75-dubai-2012.reconstructed.txt");
const PROPOSAL: &str = include_str!("data/res75-hammamet-2016.proposal.txt");

fn redline(options: &DiffOptions) -> Redline {
    let old = read_plain(BASE, &ReadOptions::default());
    let new = read_plain(PROPOSAL, &ReadOptions::default());
    diff(&old, &new, options)
}

fn in_node<'a>(r: &'a Redline, prefix: &str) -> Vec<&'a ChangeRecord> {
    r.changes
        .iter()
        .filter(|c| c.node.starts_with(prefix))
        .collect()
}

#[test]
fn accepting_gives_the_proposal_and_rejecting_the_base() {
    let r = redline(&DiffOptions::default());
    let accepted = write_text(&r.document, Some(View::Accepted));
    let rejected = write_text(&r.document, Some(View::Rejected));
    assert_eq!(first_difference(&accepted, PROPOSAL), None);
    assert_eq!(first_difference(&rejected, BASE), None);
}

#[test]
fn a_deleted_item_is_one_deletion_and_label_changes() {
    let r = redline(&DiffOptions::default());
    let considering: Vec<&ChangeRecord> = in_node(&r, "preamble__considering__item_")
        .into_iter()
        .filter(|c| !c.node.contains("item_b__"))
        .collect();
    let deleted: Vec<_> = considering
        .iter()
        .filter(|c| c.kind == RecordKind::NodeDeleted)
        .collect();
    assert_eq!(deleted.len(), 1, "{considering:#?}");
    assert!(
        deleted[0]
            .old
            .starts_with("c)\tthe role of the ITU Telecommunication")
    );
    // d) becomes c): a label change, and no change to its text.
    let relabel: Vec<_> = considering.iter().filter(|c| c.part == "label").collect();
    assert_eq!(relabel.len(), 1);
    assert_eq!(
        (relabel[0].old.as_str(), relabel[0].new.as_str()),
        ("d", "c")
    );
    assert_eq!(relabel[0].boilerplate, Some(Boilerplate::Renumbering));
    assert_eq!(relabel[0].wid, "preamble__considering__item_d");
    assert!(
        !considering
            .iter()
            .any(|c| c.wid == "preamble__considering__item_d" && c.part == "content")
    );
    let md = write_markdown(&r.document);
    assert!(md.contains("{--d--}{++c++})\tthat the management of the Internet"));
}

#[test]
fn new_sub_items_are_insertions_and_the_rest_are_relettered() {
    let r = redline(&DiffOptions::default());
    let sub = in_node(&r, "preamble__considering__item_b__");
    let inserted: Vec<&str> = sub
        .iter()
        .filter(|c| c.kind == RecordKind::NodeInserted)
        .map(|c| c.new.as_str())
        .collect();
    assert_eq!(inserted.len(), 2, "{sub:#?}");
    assert!(inserted[0].starts_with("v)\tResolution 131"));
    assert!(inserted[1].starts_with("vii)\tResolution 139"));
    let labels: Vec<(&str, &str)> = sub
        .iter()
        .filter(|c| c.part == "label")
        .map(|c| (c.old.as_str(), c.new.as_str()))
        .collect();
    assert_eq!(
        labels,
        vec![
            ("v", "vi"),
            ("vi", "viii"),
            ("vii", "ix"),
            ("viii", "x"),
            ("ix", "xi")
        ]
    );
    assert!(!sub.iter().any(|c| c.kind == RecordKind::NodeDeleted));
}

#[test]
fn stamps_are_replacements_tagged_as_boilerplate() {
    let r = redline(&DiffOptions::default());
    let find = |node: &str, part: &str| {
        r.changes
            .iter()
            .find(|c| c.node == node && c.part == part)
            .unwrap_or_else(|| panic!("no change in {node}/{part}"))
    };
    let number = find("title_block", "number_line");
    assert_eq!(number.kind, RecordKind::Replacement);
    assert_eq!(
        (number.old.as_str(), number.new.as_str()),
        ("Dubai, 2012", "Hammamet, 2016")
    );
    assert_eq!(number.boilerplate, Some(Boilerplate::MeetingStamp));
    let enacting = find("enacting", "text");
    assert_eq!(
        (enacting.old.as_str(), enacting.new.as_str()),
        ("Dubai, 2012", "Hammamet, 2016")
    );
    assert_eq!(enacting.boilerplate, Some(Boilerplate::MeetingStamp));
    let history = find("title_block", "history");
    assert_eq!(history.new, "; Hammamet, 2016");
    assert_eq!(history.boilerplate, Some(Boilerplate::MeetingStamp));

    // Citation revision stamps: six sub-items of considering b), taking into account a),
    // b) and noting a).
    let revisions: Vec<_> = r
        .changes
        .iter()
        .filter(|c| c.boilerplate == Some(Boilerplate::RevisionStamp))
        .collect();
    assert!(revisions.len() >= 9, "{revisions:#?}");
    assert!(
        revisions
            .iter()
            .any(|c| c.old == "Guadalajara, 2010" && c.new == "Busan, 2014")
    );
    assert!(revisions.iter().any(|c| c.new == " (Rev. 2016)"));
    // The substantive edit of noting a) is not boilerplate.
    let noting = in_node(&r, "preamble__noting__item_a");
    assert!(noting.iter().any(|c| c.boilerplate.is_none()
        && c.kind == RecordKind::Replacement
        && c.new.contains("2030 Agenda")));
    // A citation added next to a stamp ends at the stamp's bracket.
    let md = write_markdown(&r.document);
    assert!(md.contains(
        "(Rev. {--Guadalajara 2010--}{++Busan, 2014++}){++ and Council Resolution 1332 (Rev. 2016)++};"
    ));
}

#[test]
fn the_moved_item_is_a_move() {
    let r = redline(&DiffOptions::default());
    let from: Vec<_> = r
        .changes
        .iter()
        .filter(|c| c.kind == RecordKind::MovedFrom)
        .collect();
    let to: Vec<_> = r
        .changes
        .iter()
        .filter(|c| c.kind == RecordKind::MovedTo)
        .collect();
    assert_eq!((from.len(), to.len()), (1, 1), "{:#?}", r.changes);
    assert_eq!(from[0].move_id, to[0].move_id);
    assert!(
        from[0]
            .old
            .contains("all governments should have an equal role")
    );
    assert!(to[0].new.starts_with("d)\tthat all governments"));
    // The moved item keeps its identity.
    assert_eq!(from[0].wid, to[0].wid);
    // Nothing else in recognizing is inserted or deleted whole.
    assert!(
        !in_node(&r, "preamble__recognizing")
            .iter()
            .any(|c| matches!(c.kind, RecordKind::NodeDeleted | RecordKind::NodeInserted))
    );
}

#[test]
fn hiding_boilerplate_keeps_the_accepted_text() {
    let options = DiffOptions {
        hide_boilerplate: true,
        ..DiffOptions::default()
    };
    let r = redline(&options);
    assert!(r.changes.iter().all(|c| c.boilerplate.is_none()));
    assert!(r.changes.iter().any(|c| c.kind == RecordKind::NodeDeleted));
    let accepted = write_text(&r.document, Some(View::Accepted));
    assert_eq!(first_difference(&accepted, PROPOSAL), None);
}

#[test]
fn author_and_date_are_on_every_mark() {
    let options = DiffOptions {
        author: Some("CITEL".into()),
        date: Some("2016-09-01T00:00:00Z".into()),
        ..DiffOptions::default()
    };
    let r = redline(&options);
    let md = write_markdown(&r.document);
    assert!(md.contains("{++"));
    let json = serde_json::to_string(&r.document).expect("json");
    assert!(json.contains("\"author\":\"CITEL\""));
    assert!(!json.contains("\"kind\":\"insertion\"}"));
}
