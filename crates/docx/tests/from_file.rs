//! Reading a package from a file part by part gives the same document as reading its
//! bytes whole, and a damaged file is the same clear error.

mod common;

use std::io::BufReader;

use amend_docx::{ReadOptions, read_docx, read_docx_from};

#[test]
fn a_file_read_part_by_part_gives_the_same_document_as_its_bytes() {
    let Some(shared) = common::shared("from_file") else {
        return;
    };
    for name in [
        "itu/T-REC-X.500-201610-I-MSW-E.docx",
        "itu/T-REC-G.Imp8101-201810-I-MSW-E.docx",
        "itu/T-RES-T.1-2016-MSW-E.docx",
    ] {
        let path = shared.join("fixtures").join(name);
        let whole = read_docx(&common::read(&path), &ReadOptions::default()).expect(name);
        let file = std::fs::File::open(&path).expect(name);
        let parts = read_docx_from(BufReader::new(file), &ReadOptions::default()).expect(name);
        assert_eq!(parts, whole, "{name}");
    }
}

#[test]
fn a_truncated_file_is_a_zip_error() {
    let bytes = amend_docx::testing::docx_with_body("<w:p><w:r><w:t>x</w:t></w:r></w:p>");
    let cut = &bytes[..bytes.len() / 2];
    let from_bytes = read_docx(cut, &ReadOptions::default()).expect_err("truncated");
    let from_reader =
        read_docx_from(std::io::Cursor::new(cut), &ReadOptions::default()).expect_err("truncated");
    assert_eq!(from_reader.to_string(), from_bytes.to_string());
}
