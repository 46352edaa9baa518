//! The CriticMarkup reader: any input reads; the Markdown it writes back accepts and
//! rejects to the same texts.
#![no_main]

use amend_model::View;
use amend_text::{ReadOptions, read_critic, write_markdown, write_text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let doc = read_critic(text, &ReadOptions::default());
    let accepted = write_text(&doc, Some(View::Accepted));
    let rejected = write_text(&doc, Some(View::Rejected));
    let again = read_critic(&write_markdown(&doc), &ReadOptions::default());
    assert_eq!(write_text(&again, Some(View::Accepted)).trim(), accepted.trim());
    assert_eq!(write_text(&again, Some(View::Rejected)).trim(), rejected.trim());
});
