//! The plain-text reader and every text writer must accept any UTF-8 input; a text cut
//! into its resolutions must read part by part as it reads whole.
#![no_main]

use amend_model::{Body, View};
use amend_text::{
    JsonOptions, ReadOptions, read_part, read_plain, split_collection, write_json,
    write_markdown, write_text,
};
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
    if let Some(parts) = split_collection(text) {
        let Body::Collection(collection) = &doc.body else {
            panic!("a text cut into resolutions reads as a collection");
        };
        assert_eq!(parts.len(), collection.resolutions.len());
        for (part, whole) in parts.iter().zip(&collection.resolutions) {
            let Body::Resolution(alone) = read_part(part, &ReadOptions::default()).body else {
                panic!("a part reads as one resolution");
            };
            assert_eq!(&alone, whole);
        }
    }
});
