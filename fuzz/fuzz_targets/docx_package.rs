//! The .docx reader on arbitrary bytes (the ZIP package layer and everything above it):
//! an error or a document, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = amend_docx::fuzz_read(data);
});
