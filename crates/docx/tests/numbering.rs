//! Automatic numbering as the reader of the document sees it, in the accepted and the
//! rejected text.

mod common;

use amend_docx::testing::{CONTENT_TYPES, PACKAGE_RELS, document_xml, package};
use amend_docx::{ReadOptions, read_paragraphs};
use amend_model::View;

fn labels(name: &str) -> Option<Vec<String>> {
    let shared = common::shared("numbering")?;
    let path = shared.join(format!("fixtures/peer/pandoc/test/docx/{name}.docx"));
    let read = read_paragraphs(&common::read(&path), &ReadOptions::default()).expect("reads");
    Some(
        read.paragraphs
            .iter()
            .filter_map(|p| p.list_label.clone())
            .collect(),
    )
}

#[test]
fn labels_of_pandoc_list_fixtures() {
    let Some(lists) = labels("lists") else { return };
    assert_eq!(&lists[..4], ["1.", "2.", "a.", "b."]);
    assert!(lists[4..].iter().all(|l| l == "•"), "{lists:?}");
    // A list continued after an interruption, a list starting at 2 and a restarted one.
    assert_eq!(
        labels("lists_continuing").unwrap(),
        ["1.", "2.", "3.", "4."]
    );
    assert_eq!(
        labels("lists_restarting").unwrap(),
        ["2.", "3.", "4.", "1."]
    );
    // A start override restarts the list shared by the style's numbering (pandoc #8367).
    assert_eq!(
        labels("lists_restart_8367").unwrap(),
        ["1.", "2.", "3.", "1.", "2.", "3.", "4."]
    );
    // Style-linked heading numbering with `%1.%2` texts.
    assert_eq!(
        labels("enumerated_headings").unwrap(),
        ["1", "1.1", "1.1.1"]
    );
    // A level whose text is literally `1.%2`: Word shows 1.1 under item 2 as well.
    assert_eq!(
        labels("lists_sublist_reset").unwrap(),
        ["1.", "1.1", "1.2", "2.", "1.1"]
    );
}

const NUMBERING: &str = r#"<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1)"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#;
const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>"#;

fn item(text: &str, mark: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr><w:rPr>{mark}</w:rPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
    )
}

#[test]
fn labels_follow_insertions_and_deletions_in_each_view() {
    let body = [
        item("first", ""),
        // An inserted item: b) in the accepted text, absent from the rejected one.
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr><w:rPr><w:ins w:id="1" w:author="A"/></w:rPr></w:pPr><w:ins w:id="2" w:author="A"><w:r><w:t>new</w:t></w:r></w:ins></w:p>"#.to_string(),
        item("second", ""),
        // A paragraph whose numbering was added: numbered only in the accepted text.
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr><w:pPrChange w:id="3" w:author="B"><w:pPr/></w:pPrChange></w:pPr><w:r><w:t>third</w:t></w:r></w:p>"#.to_string(),
        item("last", ""),
    ]
    .concat();
    let document = document_xml(&body);
    let bytes = package(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", PACKAGE_RELS.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.as_bytes()),
        ("word/numbering.xml", NUMBERING.as_bytes()),
    ]);
    let read = read_paragraphs(&bytes, &ReadOptions::default()).expect("reads");
    let accepted: Vec<_> = read
        .paragraphs
        .iter()
        .map(|p| p.list_label.clone())
        .collect();
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        accepted,
        [some("a)"), some("b)"), some("c)"), some("d)"), some("e)")]
    );
    assert_eq!(
        read.rejected_labels,
        [some("a)"), None, some("b)"), None, some("c)")]
    );
    assert_eq!(
        read.paragraphs[3].mark.as_ref().map(|m| m.kind),
        Some(amend_model::ChangeKind::Numbering)
    );
    assert_eq!(
        read.text(View::Rejected),
        "a)\tfirst\nb)\tsecond\nthird\nc)\tlast"
    );
}

#[test]
fn a_numbering_change_on_a_field_is_recorded() {
    let Some(shared) = common::shared("numbering_change") else {
        return;
    };
    let path =
        shared.join("fixtures/peer/open-xml-powertools/TestFiles/RP/RP026-NumberingChange.docx");
    let read = read_paragraphs(&common::read(&path), &ReadOptions::default()).expect("reads");
    let marks: Vec<_> = read
        .paragraphs
        .iter()
        .filter_map(|p| p.mark.as_ref())
        .filter(|m| m.kind == amend_model::ChangeKind::Numbering)
        .collect();
    assert_eq!(marks.len(), 2, "{marks:?}");
    assert_eq!(marks[0].author.as_deref(), Some("Eric White"));
    assert!(
        marks[0]
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("`1)`")),
        "{marks:?}"
    );
}
