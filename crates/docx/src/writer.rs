//! The writer: a minimal WordprocessingML package whose change marks are real Word
//! revisions (`w:ins`/`w:del` with ids unique in the package, moves with paired range
//! markers, paragraph-mark revisions, property changes), styled with the ITU styles.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Write};

use amend_model::content::{Change, ChangeKind, Content};
use amend_model::document::{Block, Body, Document, Item, Resolution, SectionKind};
use amend_model::layout::Paragraph;
use amend_model::{Footnote, Label};
use zip::write::SimpleFileOptions;

use crate::error::DocxError;
use crate::xml::escape;

/// How to write a `.docx` file.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// The author of changes that carry none (`--author`); `amend` when unset.
    pub author: Option<String>,
    /// The date of changes that carry none (`--date`, ISO 8601); none when unset.
    pub date: Option<String>,
}

enum WBlock<'a> {
    Para {
        style: &'static str,
        label: Option<&'a Content>,
        content: Cow<'a, Content>,
        mark: Option<&'a Change>,
    },
    Table(Vec<&'a [Content]>),
}

fn para<'a>(style: &'static str, content: &'a Content, mark: Option<&'a Change>) -> WBlock<'a> {
    WBlock::Para {
        style,
        label: None,
        content: Cow::Borrowed(content),
        mark,
    }
}

fn heading_style(level: u8) -> &'static str {
    match level {
        0 | 1 => "Heading1",
        2 => "Heading2",
        3 => "Heading3",
        4 => "Heading4",
        5 => "Heading5",
        _ => "Heading6",
    }
}

fn collect_blocks<'a>(blocks: &'a [Block], out: &mut Vec<WBlock<'a>>) {
    for block in blocks {
        match block {
            Block::Heading { level, content, .. } => {
                out.push(para(heading_style(*level), content, None))
            }
            Block::Paragraph { content, mark, .. } => {
                out.push(para("Normal", content, mark.as_deref()))
            }
            Block::ListItem { label, content, .. } => out.push(WBlock::Para {
                style: "enumlev1",
                label: Some(&label.written),
                content: Cow::Borrowed(content),
                mark: None,
            }),
            Block::Table { rows, .. } => {
                out.push(WBlock::Table(rows.iter().map(Vec::as_slice).collect()));
            }
        }
    }
}

fn collect_item<'a>(item: &'a Item, depth: usize, out: &mut Vec<WBlock<'a>>) {
    let style = match depth {
        0 => "Normal",
        1 => "enumlev1",
        2 => "enumlev2",
        _ => "enumlev3",
    };
    out.push(WBlock::Para {
        style,
        label: item.label.as_ref().map(|l: &Label| &l.written),
        content: Cow::Borrowed(&item.content),
        mark: item.mark.as_deref(),
    });
    for child in &item.children {
        collect_item(child, depth + 1, out);
    }
}

fn collect_resolution<'a>(r: &'a Resolution, out: &mut Vec<WBlock<'a>>) {
    collect_blocks(&r.front_matter, out);
    let tb = &r.title_block;
    out.push(para("ResNo", &tb.number_line, None));
    if !tb.title.is_empty() {
        out.push(para("Restitle", &tb.title, None));
    }
    if let Some(h) = &tb.history {
        out.push(para("Resref", &h.content, None));
    }
    if let Some(e) = &r.enacting {
        out.push(para("Normalaftertitle", &e.content, None));
    }
    for s in &r.sections {
        if !s.heading.is_empty() {
            let style = match s.kind {
                SectionKind::Division => "SectionNo",
                _ => "Call",
            };
            out.push(para(style, &s.heading, s.mark.as_deref()));
        }
        if let Some(t) = &s.title {
            out.push(para("Sectiontitle", t, None));
        }
        for item in &s.items {
            collect_item(item, 0, out);
        }
    }
    for a in &r.annexes {
        out.push(para("AnnexNo", &a.heading, None));
        collect_blocks(&a.blocks, out);
    }
}

fn collect_document(doc: &Document) -> Vec<WBlock<'_>> {
    let mut out = Vec::new();
    match &doc.body {
        Body::Resolution(r) => collect_resolution(r, &mut out),
        Body::Collection(c) => {
            collect_blocks(&c.front_matter, &mut out);
            for r in &c.resolutions {
                collect_resolution(r, &mut out);
            }
        }
        Body::Generic(g) => collect_blocks(&g.blocks, &mut out),
        Body::Contribution(c) => {
            for part in &c.envelope {
                if let Some(h) = &part.heading {
                    out.push(para("Headingb", h, None));
                }
                for p in &part.paragraphs {
                    out.push(para("Normal", p, None));
                }
            }
            for p in &c.proposals {
                if let Some(m) = &p.margin {
                    out.push(WBlock::Para {
                        style: "Proposal",
                        label: None,
                        content: Cow::Owned(Content::plain(m.as_str())),
                        mark: None,
                    });
                }
                if let Some(r) = &p.resolution {
                    collect_resolution(r, &mut out);
                }
            }
            for part in &c.trailer {
                if let Some(h) = &part.heading {
                    out.push(para("Headingb", h, None));
                }
                for p in &part.paragraphs {
                    out.push(para("Normal", p, None));
                }
            }
        }
    }
    out
}

struct Writer<'o> {
    options: &'o WriteOptions,
    next_id: u64,
    /// Move ids with both halves present, and how many spans each side has.
    moves: HashMap<String, (usize, usize)>,
    /// Spans of each move side written so far.
    move_seen: HashMap<(String, bool), usize>,
    footnote_markers: HashSet<String>,
    footnote_ids: HashMap<String, u64>,
    comments: Vec<(u64, &'o Change, String)>,
}

fn valid_date(date: &str) -> Option<String> {
    let b = date.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    if b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
    {
        if b.len() == 10 {
            return Some(format!("{date}T00:00:00Z"));
        }
        if b[10] == b'T'
            && date
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '.' | '+'))
        {
            return Some(date.to_string());
        }
    }
    None
}

impl<'o> Writer<'o> {
    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn attrs(&mut self, change: &Change, out: &mut String) -> u64 {
        let id = self.id();
        let author = change
            .author
            .as_deref()
            .or(self.options.author.as_deref())
            .unwrap_or("amend");
        out.push_str(&format!(" w:id=\"{id}\" w:author=\""));
        escape(author, out);
        out.push('"');
        if let Some(date) = change
            .date
            .as_deref()
            .or(self.options.date.as_deref())
            .and_then(valid_date)
        {
            out.push_str(" w:date=\"");
            escape(&date, out);
            out.push('"');
        }
        id
    }

    /// Runs for `text`, deleted text as `w:delText`.
    fn runs(&mut self, text: &str, deleted: bool, rpr: &str, out: &mut String) {
        let tag = if deleted { "w:delText" } else { "w:t" };
        let mut pending = String::new();
        let flush = |pending: &mut String, out: &mut String| {
            if !pending.is_empty() {
                out.push_str(&format!("<{tag} xml:space=\"preserve\">"));
                escape(pending, out);
                out.push_str(&format!("</{tag}>"));
                pending.clear();
            }
        };
        out.push_str("<w:r>");
        out.push_str(rpr);
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            // Footnote markers `[n]` become footnote references.
            if c == '['
                && let Some(close) = rest.find(']')
                && self.footnote_markers.contains(&rest[1..close])
            {
                let marker = &rest[1..close];
                let id = self.footnote_ids.get(marker).copied().unwrap_or(0);
                flush(&mut pending, out);
                out.push_str(&format!(
                    "</w:r><w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr><w:footnoteReference w:id=\"{id}\"/></w:r><w:r>{rpr}"
                ));
                rest = &rest[close + 1..];
                continue;
            }
            match c {
                '\t' => {
                    flush(&mut pending, out);
                    out.push_str("<w:tab/>");
                }
                '\n' => {
                    flush(&mut pending, out);
                    out.push_str("<w:br/>");
                }
                '\u{2011}' => {
                    flush(&mut pending, out);
                    out.push_str("<w:noBreakHyphen/>");
                }
                '\u{ad}' => {
                    flush(&mut pending, out);
                    out.push_str("<w:softHyphen/>");
                }
                c => pending.push(c),
            }
            rest = &rest[c.len_utf8()..];
        }
        flush(&mut pending, out);
        out.push_str("</w:r>");
    }

    fn content(&mut self, content: &'o Content, out: &mut String) {
        for span in &content.spans {
            let Some(change) = &span.change else {
                self.runs(&span.text, false, "", out);
                continue;
            };
            match change.kind {
                ChangeKind::Insertion | ChangeKind::Deletion => {
                    self.revision(change.kind, change, &span.text, out);
                }
                ChangeKind::MoveFrom | ChangeKind::MoveTo => {
                    let from = change.kind == ChangeKind::MoveFrom;
                    let text = span.text.as_str();
                    let written = self.move_range(change, from, out, |w, out| {
                        w.runs(text, false, "", out);
                    });
                    if !written {
                        let kind = if from {
                            ChangeKind::Deletion
                        } else {
                            ChangeKind::Insertion
                        };
                        self.revision(kind, change, text, out);
                    }
                }
                ChangeKind::Format | ChangeKind::Numbering => {
                    let mut rpr = String::from("<w:rPr><w:rPrChange");
                    self.attrs(change, &mut rpr);
                    rpr.push_str("><w:rPr/></w:rPrChange></w:rPr>");
                    self.runs(&span.text, false, &rpr, out);
                }
                ChangeKind::DeletedInsertion => {
                    // A deletion inside the insertion (or the move's new place) it undoes.
                    let text = span.text.as_str();
                    let mut inserted = inserted_change(change);
                    inserted.move_id = change.move_id.clone();
                    let moved = self.move_range(&inserted, false, out, |w, out| {
                        w.revision(ChangeKind::Deletion, change, text, out);
                    });
                    if !moved {
                        out.push_str("<w:ins");
                        self.attrs(&inserted, out);
                        out.push('>');
                        self.revision(ChangeKind::Deletion, change, text, out);
                        out.push_str("</w:ins>");
                    }
                }
                ChangeKind::Comment => {
                    let id = self.id();
                    self.comments.push((id, change, span.text.clone()));
                    out.push_str(&format!(
                        "<w:r><w:rPr><w:rStyle w:val=\"CommentReference\"/></w:rPr><w:commentReference w:id=\"{id}\"/></w:r>"
                    ));
                }
                ChangeKind::Highlight => {
                    self.runs(
                        &span.text,
                        false,
                        "<w:rPr><w:highlight w:val=\"yellow\"/></w:rPr>",
                        out,
                    );
                }
                ChangeKind::Alternative => self.runs(&span.text, false, "", out),
                // Paragraph marks are written on paragraphs, never as text.
                ChangeKind::ParagraphInsertion | ChangeKind::ParagraphDeletion => {}
            }
        }
    }

    /// Writes one half of a move with its range markers, when both halves exist; returns
    /// whether it did.
    fn move_range(
        &mut self,
        change: &Change,
        from: bool,
        out: &mut String,
        inner: impl FnOnce(&mut Self, &mut String),
    ) -> bool {
        let Some((name, (froms, tos))) = change
            .move_id
            .as_ref()
            .and_then(|m| self.moves.get(m).map(|c| (m.clone(), *c)))
        else {
            return false;
        };
        if froms == 0 || tos == 0 {
            return false;
        }
        let seen = self.move_seen.entry((name.clone(), from)).or_insert(0);
        let n = *seen;
        *seen += 1;
        // Several parts of one move pair up in order; uneven parts share the name.
        let name = if froms == tos && froms > 1 {
            format!("{name}_{n}")
        } else {
            name
        };
        let (range, element) = if from {
            ("moveFromRange", "moveFrom")
        } else {
            ("moveToRange", "moveTo")
        };
        out.push_str(&format!("<w:{range}Start"));
        let range_id = self.attrs(change, out);
        out.push_str(" w:name=\"");
        escape(&name, out);
        out.push_str("\"/>");
        out.push_str(&format!("<w:{element}"));
        self.attrs(change, out);
        out.push('>');
        inner(self, out);
        out.push_str(&format!(
            "</w:{element}><w:{range}End w:id=\"{range_id}\"/>"
        ));
        true
    }

    fn revision(&mut self, kind: ChangeKind, change: &Change, text: &str, out: &mut String) {
        let (tag, deleted) = if kind == ChangeKind::Deletion {
            ("w:del", true)
        } else {
            ("w:ins", false)
        };
        out.push('<');
        out.push_str(tag);
        self.attrs(change, out);
        out.push('>');
        self.runs(text, deleted, "", out);
        out.push_str("</");
        out.push_str(tag);
        out.push('>');
    }

    fn paragraph(
        &mut self,
        style: &str,
        label: Option<&'o Content>,
        content: &'o Content,
        mark: Option<&'o Change>,
        out: &mut String,
    ) {
        out.push_str("<w:p><w:pPr>");
        if style != "Normal" {
            out.push_str(&format!("<w:pStyle w:val=\"{style}\"/>"));
        }
        match mark.map(|m| m.kind) {
            // Only a changed paragraph mark is written as one: an item's `Insertion` or
            // `Deletion` mark summarises its text's marks, which are written on the text.
            Some(ChangeKind::ParagraphInsertion) => {
                out.push_str("<w:rPr><w:ins");
                self.attrs(mark.unwrap_or(&Change::insertion()), out);
                out.push_str("/></w:rPr>");
            }
            Some(kind @ (ChangeKind::ParagraphDeletion | ChangeKind::DeletedInsertion)) => {
                out.push_str("<w:rPr>");
                if let Some(m) = mark
                    && kind == ChangeKind::DeletedInsertion
                {
                    out.push_str("<w:ins");
                    self.attrs(&inserted_change(m), out);
                    out.push_str("/>");
                }
                out.push_str("<w:del");
                self.attrs(mark.unwrap_or(&Change::deletion()), out);
                out.push_str("/></w:rPr>");
            }
            Some(kind @ (ChangeKind::Format | ChangeKind::Numbering)) => {
                out.push_str("<w:pPrChange");
                self.attrs(mark.unwrap_or(&Change::new(kind)), out);
                // A numbering change keeps its kind: the old properties name a numbering
                // (none, `numId` 0) where the paragraph now has no `numPr`.
                if kind == ChangeKind::Numbering {
                    out.push_str("><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"0\"/></w:numPr></w:pPr></w:pPrChange>");
                } else {
                    out.push_str("><w:pPr/></w:pPrChange>");
                }
            }
            _ => {}
        }
        out.push_str("</w:pPr>");
        if let Some(label) = label
            && !label.is_empty()
        {
            self.content(label, out);
            self.runs("\t", false, "", out);
        }
        self.content(content, out);
        out.push_str("</w:p>");
    }

    fn table(&mut self, rows: &[&'o [Content]], out: &mut String) {
        let columns = rows.iter().map(|r| r.len()).max().unwrap_or(0).max(1);
        out.push_str("<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid>");
        for _ in 0..columns {
            out.push_str("<w:gridCol w:w=\"2000\"/>");
        }
        out.push_str("</w:tblGrid>");
        for row in rows {
            out.push_str("<w:tr>");
            let whole = |kind: ChangeKind| {
                let spans: Vec<_> = row.iter().flat_map(|c| &c.spans).collect();
                !spans.is_empty() && spans.iter().all(|s| s.kind() == Some(kind))
            };
            let row_mark = if whole(ChangeKind::Insertion) {
                Some(ChangeKind::Insertion)
            } else if whole(ChangeKind::Deletion) {
                Some(ChangeKind::Deletion)
            } else {
                None
            };
            if let Some(kind) = row_mark
                && let Some(change) = row
                    .iter()
                    .flat_map(|c| &c.spans)
                    .find_map(|s| s.change.as_ref())
            {
                let tag = if kind == ChangeKind::Insertion {
                    "w:ins"
                } else {
                    "w:del"
                };
                out.push_str(&format!("<w:trPr><{tag}"));
                self.attrs(change, out);
                out.push_str("/></w:trPr>");
            }
            for cell in row.iter() {
                out.push_str("<w:tc><w:tcPr><w:tcW w:w=\"2000\" w:type=\"dxa\"/></w:tcPr><w:p>");
                self.content(cell, out);
                out.push_str("</w:p></w:tc>");
            }
            for _ in row.len()..columns {
                out.push_str(
                    "<w:tc><w:tcPr><w:tcW w:w=\"2000\" w:type=\"dxa\"/></w:tcPr><w:p/></w:tc>",
                );
            }
            out.push_str("</w:tr>");
        }
        out.push_str("</w:tbl>");
    }
}

/// The insertion a [`ChangeKind::DeletedInsertion`] undoes, from its detail
/// (`inserted by A on D`, either part optional).
fn inserted_change(change: &Change) -> Change {
    let mut inserted = Change::insertion();
    let rest = change
        .detail
        .as_deref()
        .and_then(|d| d.strip_prefix("inserted"))
        .unwrap_or("");
    let (by, date) = match rest.rsplit_once(" on ") {
        Some((by, date)) => (by, Some(date)),
        None => (rest, None),
    };
    inserted.author = by
        .strip_prefix(" by ")
        .filter(|a| !a.is_empty())
        .map(String::from);
    inserted.date = date.filter(|d| !d.is_empty()).map(String::from);
    inserted
}

const W_NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";
const DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

fn write_package(
    blocks: &[WBlock<'_>],
    footnotes: &[Footnote],
    options: &WriteOptions,
) -> Result<Vec<u8>, DocxError> {
    let mut writer = Writer {
        options,
        next_id: 0,
        moves: HashMap::new(),
        move_seen: HashMap::new(),
        footnote_markers: footnotes.iter().map(|f| f.marker.clone()).collect(),
        footnote_ids: HashMap::new(),
        comments: Vec::new(),
    };
    // Moves are written as moves only when both halves are present.
    let mut count = |content: &Content| {
        for span in &content.spans {
            if let Some(c) = &span.change
                && let Some(m) = &c.move_id
            {
                let entry = writer.moves.entry(m.clone()).or_insert((0, 0));
                match c.kind {
                    ChangeKind::MoveFrom => entry.0 += 1,
                    ChangeKind::MoveTo => entry.1 += 1,
                    ChangeKind::DeletedInsertion => entry.1 += 1,
                    _ => {}
                }
            }
        }
    };
    for block in blocks {
        match block {
            WBlock::Para { label, content, .. } => {
                if let Some(l) = label {
                    count(l);
                }
                count(content);
            }
            WBlock::Table(rows) => rows.iter().flat_map(|r| r.iter()).for_each(&mut count),
        }
    }
    for (i, note) in footnotes.iter().enumerate() {
        writer
            .footnote_ids
            .insert(note.marker.clone(), i as u64 + 1);
    }

    let mut body = String::with_capacity(64 * 1024);
    body.push_str(DECL);
    body.push_str(&format!("<w:document {W_NS}><w:body>"));
    for block in blocks {
        match block {
            WBlock::Para {
                style,
                label,
                content,
                mark,
            } => writer.paragraph(style, *label, content, *mark, &mut body),
            WBlock::Table(rows) => writer.table(rows, &mut body),
        }
    }
    body.push_str("<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\" w:right=\"1134\" w:bottom=\"1134\" w:left=\"1134\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>");

    let mut notes = String::new();
    if !footnotes.is_empty() {
        notes.push_str(DECL);
        notes.push_str(&format!("<w:footnotes {W_NS}><w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type=\"continuationSeparator\" w:id=\"0\"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"));
        for (i, note) in footnotes.iter().enumerate() {
            notes.push_str(&format!(
                "<w:footnote w:id=\"{}\"><w:p><w:pPr><w:pStyle w:val=\"FootnoteText\"/></w:pPr><w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr><w:footnoteRef/></w:r><w:r><w:tab/></w:r>",
                i + 1
            ));
            writer.content(&note.content, &mut notes);
            notes.push_str("</w:p></w:footnote>");
        }
        notes.push_str("</w:footnotes>");
    }

    let mut comments = String::new();
    if !writer.comments.is_empty() {
        comments.push_str(DECL);
        comments.push_str(&format!("<w:comments {W_NS}>"));
        let list = std::mem::take(&mut writer.comments);
        for (id, change, text) in list {
            comments.push_str(&format!("<w:comment w:id=\"{id}\" w:author=\""));
            escape(
                change
                    .author
                    .as_deref()
                    .or(options.author.as_deref())
                    .unwrap_or("amend"),
                &mut comments,
            );
            comments.push('"');
            if let Some(date) = change
                .date
                .as_deref()
                .or(options.date.as_deref())
                .and_then(valid_date)
            {
                comments.push_str(" w:date=\"");
                escape(&date, &mut comments);
                comments.push('"');
            }
            comments.push_str("><w:p><w:r><w:t xml:space=\"preserve\">");
            escape(&text, &mut comments);
            comments.push_str("</w:t></w:r></w:p></w:comment>");
        }
        comments.push_str("</w:comments>");
    }

    let mut types = String::from(DECL);
    types.push_str("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>");
    let mut rels = String::from(DECL);
    rels.push_str("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>");
    if !notes.is_empty() {
        types.push_str("<Override PartName=\"/word/footnotes.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml\"/>");
        rels.push_str("<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes\" Target=\"footnotes.xml\"/>");
    }
    if !comments.is_empty() {
        types.push_str("<Override PartName=\"/word/comments.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml\"/>");
        rels.push_str("<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments\" Target=\"comments.xml\"/>");
    }
    types.push_str("</Types>");
    rels.push_str("</Relationships>");
    let package_rels = format!(
        "{DECL}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>"
    );

    let mut parts: Vec<(&str, &str)> = vec![
        ("[Content_Types].xml", &types),
        ("_rels/.rels", &package_rels),
        ("word/document.xml", &body),
        ("word/_rels/document.xml.rels", &rels),
        ("word/styles.xml", STYLES),
    ];
    if !notes.is_empty() {
        parts.push(("word/footnotes.xml", &notes));
    }
    if !comments.is_empty() {
        parts.push(("word/comments.xml", &comments));
    }
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let zip_options =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        let fail = |e: &dyn std::fmt::Display| DocxError::Write {
            part: name.to_string(),
            message: e.to_string(),
        };
        zip.start_file(name, zip_options).map_err(|e| fail(&e))?;
        zip.write_all(text.as_bytes()).map_err(|e| fail(&e))?;
    }
    let cursor = zip.finish().map_err(|e| DocxError::Write {
        part: "(archive)".into(),
        message: e.to_string(),
    })?;
    Ok(cursor.into_inner())
}

/// Writes a document of the model as a `.docx` file whose changes are Word revisions.
pub fn write_docx(doc: &Document, options: &WriteOptions) -> Result<Vec<u8>, DocxError> {
    let blocks = collect_document(doc);
    write_package(&blocks, &doc.footnotes, options)
}

/// Writes paragraphs as a reader found them (consecutive table rows form one table).
pub fn write_paragraphs(
    paragraphs: &[Paragraph],
    footnotes: &[Footnote],
    options: &WriteOptions,
) -> Result<Vec<u8>, DocxError> {
    let mut blocks: Vec<WBlock<'_>> = Vec::new();
    for p in paragraphs {
        if let Some(cells) = &p.cells {
            if let Some(WBlock::Table(rows)) = blocks.last_mut() {
                rows.push(cells);
            } else {
                blocks.push(WBlock::Table(vec![cells]));
            }
            continue;
        }
        let style = match p.style.as_deref() {
            Some(s) => ITU_STYLES
                .iter()
                .find(|known| known.eq_ignore_ascii_case(s))
                .copied()
                .unwrap_or("Normal"),
            None => "Normal",
        };
        blocks.push(WBlock::Para {
            style,
            label: None,
            content: Cow::Borrowed(&p.content),
            mark: p.mark.as_deref(),
        });
    }
    write_package(&blocks, footnotes, options)
}

const ITU_STYLES: &[&str] = &[
    "Normal",
    "Heading1",
    "Heading2",
    "Heading3",
    "Heading4",
    "Heading5",
    "Heading6",
    "ResNo",
    "Restitle",
    "Resref",
    "Normalaftertitle",
    "Call",
    "SectionNo",
    "Sectiontitle",
    "AnnexNo",
    "enumlev1",
    "enumlev2",
    "enumlev3",
    "Proposal",
    "Headingb",
    "FootnoteText",
];

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="24"/><w:lang w:val="en-GB"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:before="120"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:tabs><w:tab w:val="left" w:pos="794"/><w:tab w:val="left" w:pos="1191"/><w:tab w:val="left" w:pos="1588"/><w:tab w:val="left" w:pos="1985"/></w:tabs></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="360"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Heading1"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Heading1"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Heading4"><w:name w:val="heading 4"/><w:basedOn w:val="Heading1"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:outlineLvl w:val="3"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Heading5"><w:name w:val="heading 5"/><w:basedOn w:val="Heading1"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:outlineLvl w:val="4"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Heading6"><w:name w:val="heading 6"/><w:basedOn w:val="Heading1"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:outlineLvl w:val="5"/></w:pPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="ResNo"><w:name w:val="Res_No"/><w:basedOn w:val="Normal"/><w:next w:val="Restitle"/><w:pPr><w:keepNext/><w:spacing w:before="480"/><w:jc w:val="center"/></w:pPr><w:rPr><w:caps/><w:sz w:val="28"/></w:rPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="Restitle"><w:name w:val="Res_title"/><w:basedOn w:val="Normal"/><w:next w:val="Resref"/><w:pPr><w:keepNext/><w:spacing w:before="240"/><w:jc w:val="center"/></w:pPr><w:rPr><w:b/><w:sz w:val="28"/></w:rPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="Resref"><w:name w:val="Res_ref"/><w:basedOn w:val="Normal"/><w:next w:val="Normalaftertitle"/><w:pPr><w:keepNext/><w:jc w:val="center"/></w:pPr><w:rPr><w:i/></w:rPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="Normalaftertitle"><w:name w:val="Normal_after_title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:spacing w:before="360"/></w:pPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="Call"><w:name w:val="Call"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="160"/><w:ind w:left="794"/></w:pPr><w:rPr><w:i/></w:rPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="SectionNo"><w:name w:val="Section_No"/><w:basedOn w:val="Normal"/><w:next w:val="Sectiontitle"/><w:pPr><w:keepNext/><w:spacing w:before="480"/><w:jc w:val="center"/></w:pPr><w:rPr><w:caps/></w:rPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="Sectiontitle"><w:name w:val="Section_title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:jc w:val="center"/></w:pPr><w:rPr><w:b/></w:rPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="AnnexNo"><w:name w:val="Annex_No"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="480"/><w:jc w:val="center"/></w:pPr><w:rPr><w:caps/></w:rPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="enumlev1"><w:name w:val="enumlev1"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="80"/><w:ind w:left="794" w:hanging="794"/></w:pPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="enumlev2"><w:name w:val="enumlev2"/><w:basedOn w:val="enumlev1"/><w:pPr><w:ind w:left="1191" w:hanging="397"/></w:pPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="enumlev3"><w:name w:val="enumlev3"/><w:basedOn w:val="enumlev2"/><w:pPr><w:ind w:left="1588"/></w:pPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="Proposal"><w:name w:val="Proposal"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="240"/></w:pPr><w:rPr><w:b/></w:rPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="Headingb"><w:name w:val="Heading_b"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="160"/></w:pPr><w:rPr><w:b/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="255" w:hanging="255"/></w:pPr><w:rPr><w:sz w:val="20"/></w:rPr></w:style><w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/><w:rPr><w:position w:val="6"/><w:sz w:val="18"/></w:rPr></w:style><w:style w:type="character" w:styleId="CommentReference"><w:name w:val="annotation reference"/><w:rPr><w:sz w:val="16"/></w:rPr></w:style><w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders></w:tblPr></w:style></w:styles>"#;
