//! The CriticMarkup reader: any input reads; the Markdown it writes back accepts and
//! rejects to the same words in the same order, whenever the text itself holds no
//! CriticMarkup delimiter (CriticMarkup has no escape, so such text cannot be written
//! back unambiguously) and
//! holds no plain-text table (the writers give a table's cells tab-separated, which
//! reads back as a paragraph, not as a grid), and holds no extractor marker
//! (`[bookmark: …]` is removed on reading by design, so text spelling one is not kept).
#![no_main]

use amend_model::View;
use amend_text::{ReadOptions, read_critic, write_markdown, write_text};
use libfuzzer_sys::fuzz_target;

const DELIMITERS: [&str; 11] = [
    "{++", "++}", "{--", "--}", "{~~", "~~}", "~>", "{>>", "<<}", "{==", "==}",
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let doc = read_critic(text, &ReadOptions::default());
    // The reader ends a line at `\n`, `\r` or both.
    let has_table = text
        .split(['\n', '\r'])
        .any(|l| l.trim_start().starts_with(['|', '+']));
    let accepted = write_text(&doc, Some(View::Accepted));
    let rejected = write_text(&doc, Some(View::Rejected));
    let markdown = write_markdown(&doc);
    // Every span, comments included, and the label/content seams the writer joins.
    let written: String = amend_text::lines(&doc)
        .iter()
        .flat_map(|l| l.label.iter().chain(std::iter::once(&l.content)))
        .flat_map(|c| c.spans.iter().map(|s| s.text.as_str()))
        .collect::<Vec<_>>()
        .join("");
    if has_table
        || DELIMITERS.iter().any(|d| written.contains(d))
        || written.contains(['{', '}', '~'])
        || written.contains("[bookmark: ")
    {
        return;
    }
    // Compared word for word: where a title's lines break may differ on reading again
    // (a title joined from several lines can end like a merged history line), but no
    // word may be lost, added or moved.
    let again = read_critic(&markdown, &ReadOptions::default());
    assert_eq!(
        words(&write_text(&again, Some(View::Accepted))),
        words(&accepted)
    );
    assert_eq!(
        words(&write_text(&again, Some(View::Rejected))),
        words(&rejected)
    );
});

fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}
