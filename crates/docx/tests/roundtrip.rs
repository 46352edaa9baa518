//! docx → model → docx → model keeps every change (kind, text, author, date), for every
//! fixture with revisions; and the written file holds real, well-formed Word revisions.

mod common;

use amend_docx::{ReadOptions, WriteOptions, read_docx, write_docx};
use amend_model::content::{Change, ChangeKind, Content};
use amend_model::document::{Block, Body, Document, Item, Resolution};

/// Every span with a change mark, in document order, plus paragraph marks.
type Rec = (ChangeKind, String, Option<String>, Option<String>);

/// Collects changes in document order: marked spans (adjacent equal marks merged) and
/// paragraph marks (recorded with empty text).
#[derive(Default)]
struct Changes(Vec<Rec>);

impl Changes {
    fn content(&mut self, c: &Content) {
        for span in &c.spans {
            if let Some(ch) = &span.change {
                let rec = (
                    ch.kind,
                    span.text.clone(),
                    ch.author.clone(),
                    ch.date.clone(),
                );
                match self.0.last_mut() {
                    Some(last) if last.0 == rec.0 && last.2 == rec.2 && last.3 == rec.3 => {
                        last.1.push_str(&rec.1)
                    }
                    _ => self.0.push(rec),
                }
            }
        }
    }

    fn mark(&mut self, mark: Option<&Change>) {
        if let Some(m) = mark {
            self.0
                .push((m.kind, String::new(), m.author.clone(), m.date.clone()));
        }
    }

    fn blocks(&mut self, bs: &[Block]) {
        for b in bs {
            match b {
                Block::Heading { content, .. } => self.content(content),
                Block::Paragraph { content, mark, .. } => {
                    self.content(content);
                    self.mark(mark.as_deref());
                }
                Block::ListItem { label, content, .. } => {
                    self.content(&label.written);
                    self.content(content);
                }
                Block::Table { rows, .. } => rows.iter().flatten().for_each(|c| self.content(c)),
            }
        }
    }

    fn item(&mut self, i: &Item) {
        if let Some(l) = &i.label {
            self.content(&l.written);
        }
        self.content(&i.content);
        self.mark(i.mark.as_deref());
        for c in &i.children {
            self.item(c);
        }
    }

    fn resolution(&mut self, r: &Resolution) {
        self.blocks(&r.front_matter);
        self.content(&r.title_block.number_line);
        self.content(&r.title_block.title);
        if let Some(h) = &r.title_block.history {
            self.content(&h.content);
        }
        if let Some(e) = &r.enacting {
            self.content(&e.content);
        }
        for s in &r.sections {
            self.content(&s.heading);
            self.mark(s.mark.as_deref());
            if let Some(t) = &s.title {
                self.content(t);
            }
            for i in &s.items {
                self.item(i);
            }
        }
        for a in &r.annexes {
            self.content(&a.heading);
            self.blocks(&a.blocks);
        }
    }
}

fn change_list(doc: &Document) -> Vec<Rec> {
    let mut out = Changes::default();
    match &doc.body {
        Body::Resolution(r) => out.resolution(r),
        Body::Collection(c) => {
            out.blocks(&c.front_matter);
            c.resolutions.iter().for_each(|r| out.resolution(r));
        }
        Body::Generic(g) => out.blocks(&g.blocks),
        Body::Contribution(c) => {
            for p in c.envelope.iter().chain(&c.trailer) {
                if let Some(h) = &p.heading {
                    out.content(h);
                }
                p.paragraphs.iter().for_each(|c| out.content(c));
            }
            for p in &c.proposals {
                if let Some(r) = &p.resolution {
                    out.resolution(r);
                }
            }
        }
    }
    for note in &doc.footnotes {
        out.content(&note.content);
    }
    out.0
}

fn brief(recs: &[Rec]) -> Vec<String> {
    recs.iter()
        .map(|r| {
            let text: String = r.1.chars().take(12).collect();
            let tail: String =
                r.1.chars()
                    .rev()
                    .take(12)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
            format!(
                "{:?} {:?}…{:?} ({} chars)",
                r.0,
                text,
                tail,
                r.1.chars().count()
            )
        })
        .collect()
}

fn round_trip(bytes: &[u8], name: &str) -> Result<usize, String> {
    let options = ReadOptions {
        comments: true,
        ..ReadOptions::default()
    };
    let first = read_docx(bytes, &options).map_err(|e| format!("{name}: {e}"))?;
    let written =
        write_docx(&first, &WriteOptions::default()).map_err(|e| format!("{name}: {e}"))?;
    let second = read_docx(&written, &options).map_err(|e| format!("{name}: rereading: {e}"))?;
    let (a, b) = (change_list(&first), change_list(&second));
    if a != b {
        let i = (0..a.len().max(b.len()))
            .find(|&i| a.get(i) != b.get(i))
            .unwrap_or(0);
        return Err(format!(
            "{name}: change lists differ at {i} (of {} and {}): {:?} vs {:?}",
            a.len(),
            b.len(),
            brief(&a[i.saturating_sub(1)..(i + 3).min(a.len())]),
            brief(&b[i.saturating_sub(1)..(i + 3).min(b.len())])
        ));
    }
    Ok(a.len())
}

#[test]
fn every_fixture_with_revisions_round_trips() {
    let Some(shared) = common::shared("round_trip") else {
        return;
    };
    let features = std::fs::read_to_string(shared.join("fixtures/peer/DOCX_FEATURES.tsv"))
        .expect("DOCX_FEATURES.tsv");
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for line in features.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        // Columns 1..=14 count revision elements of every kind.
        let revisions: u64 = f
            .iter()
            .skip(1)
            .take(14)
            .filter_map(|v| v.parse::<u64>().ok())
            .sum();
        if revisions > 0 {
            files.push(shared.join("fixtures/peer").join(f[0]));
        }
    }
    files.push(shared.join("fixtures/itu/T-REC-G.Imp8101-201810-I-MSW-E.docx"));
    let (mut pass, mut changes) = (0, 0);
    let mut failures = Vec::new();
    for path in &files {
        let name = path
            .strip_prefix(&shared)
            .unwrap_or(path)
            .display()
            .to_string();
        match round_trip(&common::read(path), &name) {
            Ok(n) => {
                pass += 1;
                changes += n;
            }
            Err(e) => failures.push(e),
        }
    }
    eprintln!(
        "round trip: {pass}/{} files, {changes} changes kept",
        files.len()
    );
    for f in &failures {
        eprintln!("  {f}");
    }
    assert!(files.len() > 70, "{} files with revisions", files.len());
    assert!(
        failures.is_empty(),
        "{} round trips lost changes",
        failures.len()
    );
}

#[test]
fn the_last_paragraph_keeps_its_text_under_a_tracked_mark() {
    // A deleted paragraph mark on the last paragraph: nothing follows to join, the text
    // stays in the accepted text (pandoc 3.9 drops it).
    let docx = amend_docx::testing::docx_with_body(
        r#"<w:p><w:r><w:t>First paragraph.</w:t></w:r></w:p><w:p><w:pPr><w:rPr><w:del w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z"/></w:rPr></w:pPr><w:r><w:t>Last paragraph keeps its text.</w:t></w:r></w:p>"#,
    );
    let read = amend_docx::read_paragraphs(&docx, &ReadOptions::default()).expect("reads");
    let accepted = read.text(amend_model::View::Accepted);
    assert!(
        accepted.contains("Last paragraph keeps its text."),
        "{accepted}"
    );
    let doc = read_docx(&docx, &ReadOptions::default()).expect("reads");
    let accepted = amend_docx::document_text(&doc, amend_model::View::Accepted);
    assert!(
        accepted.contains("Last paragraph keeps its text."),
        "{accepted}"
    );
    let marks: Vec<_> = read
        .paragraphs
        .iter()
        .map(|p| p.mark.as_ref().map(|m| m.kind))
        .collect();
    assert_eq!(marks, [None, Some(ChangeKind::ParagraphDeletion)]);
}

#[test]
fn text_inserted_then_deleted_is_in_neither_text_and_written_back_as_such() {
    // A deletion inside an insertion, and a paragraph mark inserted and then deleted.
    let docx = amend_docx::testing::docx_with_body(
        r#"<w:p><w:pPr><w:rPr><w:ins w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z"/><w:del w:id="2" w:author="B" w:date="2024-02-02T00:00:00Z"/></w:rPr></w:pPr><w:r><w:t>Kept </w:t></w:r><w:ins w:id="3" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r><w:t>new </w:t></w:r><w:del w:id="4" w:author="B" w:date="2024-02-02T00:00:00Z"><w:r><w:delText>gone </w:delText></w:r></w:del></w:ins><w:r><w:t>text</w:t></w:r></w:p><w:p><w:r><w:t>runs on.</w:t></w:r></w:p>"#,
    );
    let check = |bytes: &[u8], what: &str| {
        let read = amend_docx::read_paragraphs(bytes, &ReadOptions::default()).expect(what);
        let first = &read.paragraphs[0];
        let deleted: Vec<_> = first
            .content
            .spans
            .iter()
            .filter(|s| s.kind() == Some(ChangeKind::DeletedInsertion))
            .collect();
        assert_eq!(deleted.len(), 1, "{what}: {:?}", first.content);
        let change = deleted[0].change.as_ref().expect("marked");
        assert_eq!(deleted[0].text, "gone ", "{what}");
        assert_eq!(change.author.as_deref(), Some("B"), "{what}");
        assert_eq!(
            change.detail.as_deref(),
            Some("inserted by A on 2024-01-01T00:00:00Z"),
            "{what}"
        );
        let mark = first.mark.as_ref().expect("paragraph mark");
        assert_eq!(mark.kind, ChangeKind::DeletedInsertion, "{what}");
        assert_eq!(mark.author.as_deref(), Some("B"), "{what}");
        assert_eq!(
            read.text(amend_model::View::Accepted),
            "Kept new textruns on.",
            "{what}"
        );
        assert_eq!(
            read.text(amend_model::View::Rejected),
            "Kept textruns on.",
            "{what}"
        );
    };
    check(&docx, "read");
    let doc = read_docx(&docx, &ReadOptions::default()).expect("reads");
    let written = write_docx(&doc, &WriteOptions::default()).expect("writes");
    check(&written, "written and read back");
}

#[test]
fn a_note_whose_reference_is_inserted_or_deleted_is_inserted_or_deleted_whole() {
    use amend_docx::testing::{CONTENT_TYPES, PACKAGE_RELS, document_xml, package};
    let document = document_xml(
        r#"<w:p><w:r><w:t>Kept</w:t></w:r><w:del w:id="1" w:author="A"><w:r><w:footnoteReference w:id="1"/></w:r></w:del><w:r><w:t> and new</w:t></w:r><w:ins w:id="2" w:author="B"><w:r><w:footnoteReference w:id="2"/></w:r></w:ins><w:r><w:t>.</w:t></w:r></w:p>"#,
    );
    let notes = r#"<?xml version="1.0" encoding="UTF-8"?><w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:footnote w:id="1"><w:p><w:r><w:t>Old note.</w:t></w:r></w:p></w:footnote><w:footnote w:id="2"><w:p><w:r><w:t>New note.</w:t></w:r></w:p></w:footnote></w:footnotes>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>"#;
    let docx = package(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", PACKAGE_RELS.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        ("word/_rels/document.xml.rels", rels.as_bytes()),
        ("word/footnotes.xml", notes.as_bytes()),
    ]);
    let check = |bytes: &[u8], what: &str| {
        let doc = read_docx(bytes, &ReadOptions::default()).expect(what);
        let kinds: Vec<_> = doc
            .footnotes
            .iter()
            .map(|n| n.content.spans.iter().map(|s| s.kind()).collect::<Vec<_>>())
            .collect();
        assert_eq!(
            kinds,
            [
                vec![Some(ChangeKind::Deletion)],
                vec![Some(ChangeKind::Insertion)]
            ],
            "{what}"
        );
        let marks: Vec<_> = doc
            .footnotes
            .iter()
            .map(|n| n.mark.as_ref().map(|m| (m.kind, m.author.clone())))
            .collect();
        assert_eq!(
            marks,
            [
                Some((ChangeKind::Deletion, Some("A".to_string()))),
                Some((ChangeKind::Insertion, Some("B".to_string())))
            ],
            "{what}"
        );
        for (view, text) in [
            (
                amend_model::View::Accepted,
                "Kept and new[2].\n[2] New note.",
            ),
            (
                amend_model::View::Rejected,
                "Kept[1] and new.\n[1] Old note.",
            ),
        ] {
            assert_eq!(amend_docx::document_text(&doc, view), text, "{what}");
            // The note that is gone takes its marker line along (`Footnote::mark`).
            assert_eq!(
                amend_text::write_text(&doc, Some(view)).trim_end(),
                text,
                "{what}"
            );
        }
    };
    check(&docx, "read");
    let doc = read_docx(&docx, &ReadOptions::default()).expect("reads");
    let written = write_docx(&doc, &WriteOptions::default()).expect("writes");
    check(&written, "written and read back");
}

#[test]
fn written_documents_keep_both_texts_and_their_structure() {
    let Some(shared) = common::shared("written_texts") else {
        return;
    };
    for name in [
        "itu/T-RES-T.1-2016-MSW-E.docx",
        "itu/T-REC-G.Imp8101-201810-I-MSW-E.docx",
        "peer/jubarte-redlines/tests/fixtures/f4/word-redline.docx",
    ] {
        let bytes = common::read(&shared.join("fixtures").join(name));
        let first = read_docx(&bytes, &ReadOptions::default()).expect("reads");
        let written = write_docx(&first, &WriteOptions::default()).expect("writes");
        let second = read_docx(&written, &ReadOptions::default()).expect("rereads");
        assert_eq!(first.kind(), second.kind(), "{name}");
        for view in [amend_model::View::Accepted, amend_model::View::Rejected] {
            let (a, b) = (
                amend_docx::document_text(&first, view),
                amend_docx::document_text(&second, view),
            );
            if let Some(d) = amend_model::textcmp::first_difference(&a, &b) {
                panic!("{name} {view:?}: {d}");
            }
        }
        let sections = |d: &Document| {
            d.resolutions()
                .iter()
                .map(|r| (r.sections.len(), r.items().count()))
                .collect::<Vec<_>>()
        };
        assert_eq!(sections(&first), sections(&second), "{name}: structure");
    }
}

/// The `w:id`s of the revision elements of a written part (range ends excluded: they
/// repeat their start's id by design).
fn revision_ids(xml: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for element in xml.split('<').skip(1) {
        let name = element.split([' ', '>', '/']).next().unwrap_or("");
        if name.ends_with("RangeEnd") {
            continue;
        }
        if let Some(at) = element.find(" w:id=\"") {
            let rest = &element[at + 7..];
            ids.push(rest[..rest.find('"').unwrap_or(0)].to_string());
        }
    }
    ids
}

#[test]
fn moves_and_text_documents_are_written_as_paired_revisions_with_unique_ids() {
    use amend_model::layout::{LayoutInput, Paragraph, build};
    use amend_model::{SourceSpan, Span, View};
    let mv = |kind| {
        let mut c = Change::new(kind)
            .with_author("Delegate")
            .with_date("2024-10-15T10:00:00Z");
        c.move_id = Some("move1".into());
        c
    };
    let paragraphs = vec![
        Paragraph::new(
            Content::from_spans(vec![
                Span::plain("First "),
                Span::marked("moved words ", mv(ChangeKind::MoveFrom)),
                Span::plain("stay."),
            ]),
            SourceSpan::default(),
        ),
        Paragraph::new(
            Content::from_spans(vec![
                Span::plain("Second "),
                Span::marked("new ", Change::insertion()),
                Span::marked("old ", Change::deletion().with_author("B")),
                Span::marked("moved words ", mv(ChangeKind::MoveTo)),
                Span::plain("end."),
            ]),
            SourceSpan::default(),
        ),
    ];
    let doc = build(LayoutInput {
        paragraphs,
        ..LayoutInput::default()
    });
    let options = WriteOptions {
        author: Some("Secretariat".into()),
        date: Some("2026-11-29".into()),
    };
    let bytes = write_docx(&doc, &options).expect("writes");

    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).expect("zip");
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("word/document.xml").expect("part"),
        &mut xml,
    )
    .expect("utf-8");
    let ids = revision_ids(&xml);
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(ids.len(), unique.len(), "ids unique in the part: {ids:?}");
    assert!(xml.contains(r#"<w:moveFromRangeStart w:id="#) && xml.contains("w:name=\"move1\""));
    assert_eq!(
        xml.matches("w:name=\"move1\"").count(),
        2,
        "one range per side"
    );
    assert!(xml.contains(r#"w:author="Secretariat" w:date="2026-11-29T00:00:00Z""#));

    let back = amend_docx::read_paragraphs(&bytes, &ReadOptions::default()).expect("rereads");
    let kinds: Vec<_> = back
        .paragraphs
        .iter()
        .flat_map(|p| p.content.spans.iter().filter_map(|s| s.change.clone()))
        .map(|c| (c.kind, c.author, c.move_id))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                ChangeKind::MoveFrom,
                Some("Delegate".into()),
                Some("move1".into())
            ),
            (ChangeKind::Insertion, Some("Secretariat".into()), None),
            (ChangeKind::Deletion, Some("B".into()), None),
            (
                ChangeKind::MoveTo,
                Some("Delegate".into()),
                Some("move1".into())
            ),
        ]
    );
    assert_eq!(
        back.text(View::Accepted),
        "First stay.\nSecond new moved words end."
    );
    assert_eq!(
        back.text(View::Rejected),
        "First moved words stay.\nSecond old end."
    );
}
