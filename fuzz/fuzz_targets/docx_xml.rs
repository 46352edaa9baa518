//! The .docx XML layer: arbitrary bytes as `word/document.xml` in a valid package.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = amend_docx::fuzz_read_part(data);
});
