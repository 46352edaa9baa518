//! CriticMarkup: hand-marked files accept and reject to the expected texts, and random
//! marked documents recover the two texts that were marked.

use amend_model::View;
use amend_model::textcmp::first_difference;
use amend_text::{ReadOptions, read_critic, read_plain, write_markdown, write_text};
use proptest::prelude::*;

fn check_case(name: &str, marked: &str, accepted: &str, rejected: &str) {
    let doc = read_critic(marked, &ReadOptions::default());
    let got_accept = write_text(&doc, Some(View::Accepted));
    let got_reject = write_text(&doc, Some(View::Rejected));
    if let Some(diff) = first_difference(&got_accept, accepted) {
        panic!("{name}: accept differs: {diff}\n--- got:\n{got_accept}");
    }
    if let Some(diff) = first_difference(&got_reject, rejected) {
        panic!("{name}: reject differs: {diff}\n--- got:\n{got_reject}");
    }
    // Labels are compared separately from the text: the accepted and rejected labels
    // of every line must match the expected texts' labels too.
    let labels = |text: &str| -> Vec<String> {
        let doc = read_plain(text, &ReadOptions::default());
        doc.resolutions()
            .iter()
            .flat_map(|r| r.items())
            .map(|i| i.label.as_ref().map(|l| l.text()).unwrap_or_default())
            .collect()
    };
    assert_eq!(
        labels(&got_accept),
        labels(accepted),
        "{name}: accepted labels"
    );
    assert_eq!(
        labels(&got_reject),
        labels(rejected),
        "{name}: rejected labels"
    );
    // Markdown written from the model accepts and rejects the same way.
    let again = read_critic(&write_markdown(&doc), &ReadOptions::default());
    assert_eq!(
        write_text(&again, Some(View::Accepted)),
        got_accept,
        "{name}: md accept"
    );
    assert_eq!(
        write_text(&again, Some(View::Rejected)),
        got_reject,
        "{name}: md reject"
    );
}

macro_rules! case {
    ($test:ident, $name:literal) => {
        #[test]
        fn $test() {
            check_case(
                $name,
                include_str!(concat!("../../../tests/data/critic/", $name, ".md")),
                include_str!(concat!("../../../tests/data/critic/", $name, ".accept.txt")),
                include_str!(concat!("../../../tests/data/critic/", $name, ".reject.txt")),
            );
        }
    };
}

case!(marks_inside_labels, "labels");
case!(marks_across_lines, "lines");
case!(marks_over_whole_sections, "sections");

#[test]
fn changes_land_on_their_nodes() {
    let doc = read_critic(
        include_str!("../../../tests/data/critic/labels.md"),
        &ReadOptions::default(),
    );
    let r = doc.resolutions()[0];
    let considering = &r.sections[0];
    // `{--b)\tthat old items go;\n--}` is a deleted item of its own.
    let deleted = &considering.items[1];
    assert_eq!(
        deleted.mark.as_ref().map(|m| m.kind.as_str()),
        Some("deletion")
    );
    // `{--c--}{++b++})` is one label: b) accepted, c) rejected.
    let relettered = &considering.items[2];
    let label = relettered.label.as_ref().expect("label");
    assert_eq!(label.written.accepted(), "b)");
    assert_eq!(label.written.rejected(), "c)");
    // The comment is kept on the item, in neither text.
    assert!(
        relettered
            .content
            .spans
            .iter()
            .any(|s| s.kind().map(|k| k.as_str()) == Some("comment"))
    );
}

/// A random resolution-like line: a label and a few words.
fn line_strategy() -> impl Strategy<Value = String> {
    let words = prop::collection::vec(
        prop::sample::select(vec![
            "the",
            "Council",
            "resolves",
            "ITU-T",
            "2016",
            "Dubai,",
            "study",
            "groups",
            "of",
            "(Rev.",
            "Hammamet,",
            "2012)",
            "and",
            "WSIS",
            "to",
            "report;",
        ]),
        1..8,
    );
    let label = prop::sample::select(vec!["", "a)\t", "b)\t", "ii)\t", "1\t", "2\t"]);
    (label, words).prop_map(|(l, w)| format!("{l}{}", w.join(" ")))
}

/// One edit of the old line sequence, written as CriticMarkup.
#[derive(Debug, Clone)]
enum Edit {
    Keep,
    Delete,
    Replace(String),
    InsertAfter(String),
    ReplaceWord(usize, String),
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => Just(Edit::Keep),
        1 => Just(Edit::Delete),
        1 => line_strategy().prop_map(Edit::Replace),
        1 => line_strategy().prop_map(Edit::InsertAfter),
        2 => (0usize..8, "[a-z]{1,8}").prop_map(|(i, w)| Edit::ReplaceWord(i, w)),
    ]
}

/// Marks the edits: returns (marked, old, new).
fn mark(lines: &[String], edits: &[Edit]) -> (String, String, String) {
    let head = "RESOLUTION 9 (Rev. Dubai, 2012)\nA title\n(Dubai, 2012)\nThe World Telecommunication Standardization Assembly (Dubai, 2012),\nconsidering\n";
    let mut marked = head.to_string();
    let mut old = head.to_string();
    let mut new = head.to_string();
    for (line, edit) in lines.iter().zip(edits) {
        match edit {
            Edit::Keep => {
                marked += &format!("{line}\n");
                old += &format!("{line}\n");
                new += &format!("{line}\n");
            }
            Edit::Delete => {
                marked += &format!("{{--{line}\n--}}");
                old += &format!("{line}\n");
            }
            Edit::Replace(other) => {
                marked += &format!("{{--{line}--}}{{++{other}++}}\n");
                old += &format!("{line}\n");
                new += &format!("{other}\n");
            }
            Edit::InsertAfter(other) => {
                marked += &format!("{line}\n{{++{other}\n++}}");
                old += &format!("{line}\n");
                new += &format!("{line}\n{other}\n");
            }
            Edit::ReplaceWord(i, word) => {
                let words: Vec<&str> = line.split(' ').collect();
                let at = i % words.len();
                let mut m = Vec::new();
                let mut n = Vec::new();
                for (k, w) in words.iter().enumerate() {
                    if k == at {
                        m.push(format!("{{~~{w}~>{word}~~}}"));
                        n.push(word.clone());
                    } else {
                        m.push(w.to_string());
                        n.push(w.to_string());
                    }
                }
                marked += &format!("{}\n", m.join(" "));
                old += &format!("{line}\n");
                new += &format!("{}\n", n.join(" "));
            }
        }
    }
    (marked, old, new)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn accept_and_reject_recover_the_marked_texts(
        (lines, edits) in (1usize..12).prop_flat_map(|n| (
            prop::collection::vec(line_strategy(), n),
            prop::collection::vec(edit_strategy(), n),
        ))
    ) {
        let (marked, old, new) = mark(&lines, &edits);
        let doc = read_critic(&marked, &ReadOptions::default());
        let accepted = write_text(&doc, Some(View::Accepted));
        let rejected = write_text(&doc, Some(View::Rejected));
        prop_assert!(first_difference(&accepted, &new).is_none(), "accept: {:?}\n{}", first_difference(&accepted, &new), marked);
        prop_assert!(first_difference(&rejected, &old).is_none(), "reject: {:?}\n{}", first_difference(&rejected, &old), marked);
    }
}

/// A note inserted whole keeps its change in the JSON, as sections and items do.
#[test]
fn a_note_inserted_whole_carries_its_change_in_json() {
    let marked = "Body text{++ [2]++}, and [1].\n[1] Kept note.\n{++[2] A new note.\n++}";
    let doc = read_critic(marked, &ReadOptions::default());
    let json: serde_json::Value = serde_json::from_str(&amend_text::write_json(
        &doc,
        amend_text::JsonOptions::default(),
    ))
    .expect("the writer writes JSON");
    let notes = json["footnotes"].as_array().expect("a list of notes");
    assert_eq!(notes.len(), 2, "{json:#}");
    assert_eq!(notes[0]["marker"], "1");
    assert!(notes[0].get("change").is_none(), "{:#}", notes[0]);
    assert_eq!(notes[1]["marker"], "2");
    assert_eq!(notes[1]["change"], "insertion", "{:#}", notes[1]);
}
