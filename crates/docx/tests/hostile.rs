//! Hostile input: zip bombs, DTDs and entities, deep nesting, malformed zip and XML,
//! missing parts. Each gives an error naming the part (and the position for XML), in
//! bounded memory and time, and nothing panics.

use amend_docx::testing::{CONTENT_TYPES, PACKAGE_RELS, document_xml, docx_with_body, package};
use amend_docx::{DocxError, Limits, ReadOptions, fuzz_read, fuzz_read_part, read_docx};

fn read_with(bytes: &[u8], limits: Limits) -> Result<amend_model::Document, DocxError> {
    read_docx(
        bytes,
        &ReadOptions {
            limits,
            ..ReadOptions::default()
        },
    )
}

fn with_document(document: &[u8]) -> Vec<u8> {
    package(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", PACKAGE_RELS.as_bytes()),
        ("word/document.xml", document),
    ])
}

#[test]
fn a_highly_compressed_part_is_refused_by_ratio() {
    // 8 MiB of spaces deflate to a few kB: a ratio far above the limit.
    let mut document = document_xml("<w:p><w:r><w:t>x</w:t></w:r></w:p>").into_bytes();
    document.extend(std::iter::repeat_n(b' ', 8 << 20));
    let e = read_docx(&with_document(&document), &ReadOptions::default()).unwrap_err();
    assert!(
        matches!(
            &e,
            DocxError::Limit {
                what: "the compression ratio",
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(e.part(), "word/document.xml");
}

#[test]
fn part_size_total_size_and_entry_count_are_bounded() {
    let body = "<w:p><w:r><w:t>".to_string() + &"abc ".repeat(50_000) + "</w:t></w:r></w:p>";
    let bytes = docx_with_body(&body);
    let small = Limits {
        max_entry_size: 100_000,
        ..Limits::default()
    };
    let e = read_with(&bytes, small).unwrap_err();
    assert!(
        matches!(
            &e,
            DocxError::Limit {
                what: "the uncompressed size",
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("word/document.xml"), "{e}");

    let total = Limits {
        max_total_size: 150_000,
        ..Limits::default()
    };
    let e = read_with(&bytes, total).unwrap_err();
    assert!(
        matches!(
            &e,
            DocxError::Limit {
                what: "the total uncompressed size",
                ..
            }
        ),
        "{e}"
    );

    let names: Vec<String> = (0..20).map(|i| format!("junk/{i}.xml")).collect();
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", PACKAGE_RELS.as_bytes()),
    ];
    parts.extend(names.iter().map(|n| (n.as_str(), b"<a/>".as_slice())));
    let few = Limits {
        max_entries: 10,
        ..Limits::default()
    };
    let e = read_with(&package(&parts), few).unwrap_err();
    assert!(
        matches!(
            &e,
            DocxError::Limit {
                what: "the number of entries",
                found: 22,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn dtds_and_entities_are_never_expanded() {
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"#;
    let e = read_docx(&with_document(laughs.as_bytes()), &ReadOptions::default()).unwrap_err();
    assert!(matches!(&e, DocxError::Dtd { .. }), "{e}");
    assert_eq!(e.part(), "word/document.xml");
    assert_eq!(e.position().map(|p| p.line), Some(2), "{e}");

    let undeclared = document_xml("<w:p><w:r><w:t>&ext;</w:t></w:r></w:p>");
    let e = read_docx(
        &with_document(undeclared.as_bytes()),
        &ReadOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&e, DocxError::Entity { name, .. } if name == "ext"),
        "{e}"
    );
}

#[test]
fn deep_nesting_is_refused() {
    let body = "<w:sdt><w:sdtContent>".repeat(5_000) + &"</w:sdtContent></w:sdt>".repeat(5_000);
    let e = read_docx(&docx_with_body(&body), &ReadOptions::default()).unwrap_err();
    assert!(matches!(&e, DocxError::TooDeep { limit: 256, .. }), "{e}");
    assert!(e.to_string().contains("word/document.xml"), "{e}");
}

#[test]
fn malformed_zip_and_xml_are_located_errors() {
    assert!(matches!(
        read_docx(b"PK\x03\x04 definitely not a zip", &ReadOptions::default()),
        Err(DocxError::Zip { .. })
    ));
    assert!(matches!(
        read_docx(b"", &ReadOptions::default()),
        Err(DocxError::Zip { .. })
    ));
    let good = docx_with_body("<w:p><w:r><w:t>text</w:t></w:r></w:p>");
    assert!(read_docx(&good[..good.len() / 2], &ReadOptions::default()).is_err());

    let bad = format!(
        "{}\n<w:p><w:r></w:p>",
        document_xml("").replace("</w:body></w:document>", "")
    );
    let e = read_docx(&with_document(bad.as_bytes()), &ReadOptions::default()).unwrap_err();
    assert!(matches!(&e, DocxError::Xml { .. }), "{e}");
    assert_eq!(e.part(), "word/document.xml");
    assert_eq!(e.position().map(|p| p.line), Some(2), "{e}");

    let e = read_docx(
        &with_document(b"<w:document>\xff\xfe</w:document>"),
        &ReadOptions::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("UTF"), "{e}");
}

#[test]
fn missing_parts_are_named() {
    let no_types = package(&[("_rels/.rels", PACKAGE_RELS.as_bytes())]);
    let e = read_docx(&no_types, &ReadOptions::default()).unwrap_err();
    assert!(
        matches!(&e, DocxError::MissingPart { part, .. } if part == "[Content_Types].xml"),
        "{e}"
    );

    let no_document = package(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", PACKAGE_RELS.as_bytes()),
    ]);
    let e = read_docx(&no_document, &ReadOptions::default()).unwrap_err();
    assert!(
        matches!(&e, DocxError::MissingPart { part, .. } if part == "word/document.xml"),
        "{e}"
    );
}

#[test]
fn the_main_part_is_found_through_the_relationships() {
    let rels = PACKAGE_RELS.replace("word/document.xml", "custom/main.xml");
    let document = document_xml("<w:p><w:r><w:t>Found it</w:t></w:r></w:p>");
    let bytes = package(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("custom/main.xml", document.as_bytes()),
    ]);
    let read = amend_docx::read_paragraphs(&bytes, &ReadOptions::default()).expect("reads");
    assert_eq!(read.main_part, "custom/main.xml");
    assert_eq!(read.text(amend_model::View::Accepted), "Found it");
}

/// A small deterministic generator for mutations.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    let body = r#"<w:p><w:pPr><w:pStyle w:val="Call"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr><w:rPr><w:ins w:id="1" w:author="A"/></w:rPr></w:pPr><w:ins w:id="2" w:author="A"><w:r><w:t>new</w:t></w:r></w:ins><w:del w:id="3" w:author="B"><w:r><w:delText>old</w:delText></w:r></w:del><w:moveFromRangeStart w:id="4" w:name="m"/><w:moveFrom w:id="5"><w:r><w:t>moved</w:t></w:r></w:moveFrom><w:moveFromRangeEnd w:id="4"/><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p><w:tbl><w:tr><w:trPr><w:del w:id="6"/></w:trPr><w:tc><w:p><w:r><w:t>cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#;
    let xml = document_xml(body).into_bytes();
    let docx = docx_with_body(body);
    let mut rng = Lcg(7);
    for _ in 0..400 {
        let mut x = xml.clone();
        for _ in 0..1 + rng.next() % 8 {
            let i = (rng.next() as usize) % x.len();
            match rng.next() % 3 {
                0 => x[i] = (rng.next() % 256) as u8,
                1 => {
                    x.remove(i);
                }
                _ => x.insert(i, b"<>/&\"w:"[(rng.next() % 7) as usize]),
            }
        }
        let _ = fuzz_read_part(&x);
        let _ = fuzz_read(&with_document(&x));
        let mut z = docx.clone();
        let i = (rng.next() as usize) % z.len();
        z[i] ^= 1 << (rng.next() % 8);
        let _ = fuzz_read(&z);
    }
}
