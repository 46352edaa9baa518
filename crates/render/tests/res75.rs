//! Snapshots of the Resolution 75 redline (amend-diff's test data) as people see it.

use amend_diff::{DiffOptions, Redline, diff};
use amend_render::{HtmlOptions, Layout, TermOptions, html, json, terminal};
use amend_text::{ReadOptions, read_plain};

const BASE: &str = include_str!("../../diff/tests/data/res75-dubai-2012.reconstructed.txt");
const PROPOSAL: &str = include_str!("../../diff/tests/data/res75-hammamet-2016.proposal.txt");

fn redline() -> Redline {
    let old = read_plain(BASE, &ReadOptions::default());
    let new = read_plain(PROPOSAL, &ReadOptions::default());
    diff(&old, &new, &DiffOptions::default())
}

#[test]
fn html_page() {
    let page = html(
        &redline(),
        &HtmlOptions {
            title: "Resolution 75: Dubai, 2012 → proposal for Hammamet, 2016".into(),
            old_name: "Dubai, 2012".into(),
            new_name: "Proposal".into(),
        },
    );
    // The redline a person expects, in the page.
    assert!(page.contains("<span class=\"label\"><del class=\"bp\" title=\"deletion, boilerplate: renumbering\">d</del><ins class=\"bp\" title=\"insertion, boilerplate: renumbering\">c</ins>)</span>"));
    assert!(page.contains("<del class=\"bp\" title=\"deletion, boilerplate: meeting-stamp\">Dubai, 2012</del><ins class=\"bp\" title=\"insertion, boilerplate: meeting-stamp\">Hammamet, 2016</ins>"));
    assert!(page.contains("id=\"move1-from\""));
    assert!(page.contains("href=\"#move1-to\""));
    assert!(!page.contains("<script"));
    insta::assert_snapshot!(page);
}

#[test]
fn terminal_inline_without_colour() {
    let text = terminal(
        &redline(),
        &TermOptions {
            layout: Layout::Inline,
            color: false,
            width: 100,
        },
    );
    insta::assert_snapshot!(text);
}

#[test]
fn json_change_list() {
    let text = json(&redline());
    let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let changes = value["changes"].as_array().expect("changes");
    assert!(changes.iter().any(|c| c["kind"] == "node-deleted"));
    assert!(changes.iter().any(|c| c["boilerplate"] == "meeting-stamp"));
    assert!(
        changes
            .iter()
            .any(|c| c["kind"] == "moved-to" && c["move_id"] == "move1")
    );
    assert!(value["summary"]["substantive"].as_u64().expect("count") > 0);
}
