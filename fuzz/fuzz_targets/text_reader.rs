//! The plain-text reader and every text writer must accept any UTF-8 input.
#![no_main]

use amend_model::View;
use amend_text::{JsonOptions, ReadOptions, read_plain, write_json, write_markdown, write_text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let doc = read_plain(text, &ReadOptions::default());
    let written = write_text(&doc, None);
    let _ = write_text(&doc, Some(View::Accepted));
    let _ = write_markdown(&doc);
    let _ = write_json(&doc, JsonOptions { source: Some(text) });
    // Writing and reading again must not fail either.
    let _ = read_plain(&written, &ReadOptions::default());
});
