//! The reader: WordprocessingML parts streamed into paragraphs with change marks.

use std::collections::HashMap;

use amend_model::SourceSpan;
use amend_model::content::{Change, ChangeKind, Content, Span};
use amend_model::layout::Paragraph;
use quick_xml::events::BytesStart;

use crate::error::DocxError;
use crate::numbering::{Numbering, Side, Styles};
use crate::xml::{Ev, Ns, XmlReader, attr, end_local, local};

/// A paragraph as read, with the label it has in the rejected text.
#[derive(Debug, Clone)]
pub(crate) struct Para {
    pub paragraph: Paragraph,
    pub rejected_label: Option<String>,
}

/// What the body parser needs from the other parts.
pub(crate) struct Context {
    pub styles: Styles,
    pub numbering: Numbering,
    /// Comment id → (author, date, text).
    pub comments: HashMap<String, (Option<String>, Option<String>, String)>,
    pub include_comments: bool,
}

/// A reference to a footnote or endnote, in body order.
#[derive(Debug, Clone)]
pub(crate) struct NoteRef {
    pub endnote: bool,
    pub id: String,
    pub marker: String,
    /// The insertion or deletion the reference sits in: the note came or went with it.
    pub change: Option<Change>,
}

type NumPr = (Option<String>, Option<u8>);

#[derive(Default)]
struct ParaBuilder {
    content: Content,
    cur: String,
    cur_change: Option<Change>,
    style: Option<String>,
    num: Option<NumPr>,
    /// The properties before a `w:pPrChange` (the rejected side), when changed.
    old: Option<(Option<String>, Option<NumPr>)>,
    mark: Option<Change>,
    prop_change: Option<Change>,
    /// A drop cap: its text starts the next paragraph.
    drop_cap: bool,
    start: u64,
}

impl ParaBuilder {
    fn flush(&mut self) {
        if !self.cur.is_empty() {
            let text = std::mem::take(&mut self.cur);
            self.content.spans.push(Span {
                text,
                change: self.cur_change.take().map(Box::new),
                src: None,
            });
        }
    }

    fn push(&mut self, text: &str, change: Option<&Change>) {
        if self.cur_change.as_ref() != change {
            if self.cur.is_empty() {
                // Merge with the last span when it has the same mark.
                if let Some(last) = self.content.spans.last_mut()
                    && last.change.as_deref() == change
                {
                    last.text.push_str(text);
                    return;
                }
            } else {
                self.flush();
            }
            self.cur_change = change.cloned();
        }
        self.cur.push_str(text);
    }

    fn push_span(&mut self, span: Span) {
        self.flush();
        self.cur_change = None;
        self.content.push(span);
    }
}

#[derive(Default)]
struct Cell {
    content: Content,
    paragraphs: usize,
    mark: Option<Change>,
}

#[derive(Default)]
struct Row {
    cells: Vec<Content>,
    mark: Option<Change>,
    start: u64,
}

struct Table {
    rows: Vec<Row>,
    row: Option<Row>,
    cell: Option<Cell>,
    /// Open paragraphs when the table started.
    para_depth: usize,
}

/// Streams one story (the body, a footnote, a comment) into paragraphs.
pub(crate) struct BodyParser<'c> {
    ctx: &'c mut Context,
    changes: Vec<Change>,
    move_from: Vec<(String, String)>,
    move_to: Vec<(String, String)>,
    fields: Vec<bool>,
    paras: Vec<ParaBuilder>,
    tables: Vec<Table>,
    alternates: Vec<bool>,
    in_text: usize,
    /// The rest of the run is a custom footnote mark.
    skip_run_text: bool,
    /// The text of a drop-cap paragraph, waiting for the paragraph it starts.
    drop_cap: Option<Content>,
    run_formats: Vec<Option<Change>>,
    pub notes: Vec<NoteRef>,
    note_counter: usize,
    pub out: Vec<Para>,
}

fn change_from(e: &BytesStart<'_>, kind: ChangeKind) -> Change {
    let mut change = Change::new(kind);
    change.author = attr(e, "author")
        .filter(|a| !a.is_empty())
        .map(|a| a.into_owned());
    change.date = attr(e, "date")
        .filter(|a| !a.is_empty())
        .map(|a| a.into_owned());
    change
}

fn val(e: &BytesStart<'_>) -> Option<String> {
    attr(e, "val").map(|v| v.into_owned())
}

impl<'c> BodyParser<'c> {
    pub fn new(ctx: &'c mut Context, note_counter: usize) -> Self {
        Self {
            ctx,
            changes: Vec::new(),
            move_from: Vec::new(),
            move_to: Vec::new(),
            fields: Vec::new(),
            paras: Vec::new(),
            tables: Vec::new(),
            alternates: Vec::new(),
            in_text: 0,
            skip_run_text: false,
            drop_cap: None,
            run_formats: Vec::new(),
            notes: Vec::new(),
            note_counter,
            out: Vec::new(),
        }
    }

    fn emit(&mut self, text: &str) {
        if self.skip_run_text || !self.fields.iter().all(|in_result| *in_result) {
            return;
        }
        let change = self
            .changes
            .last()
            .or_else(|| self.run_formats.last().and_then(Option::as_ref));
        if let Some(p) = self.paras.last_mut() {
            p.push(text, change);
        }
    }

    fn emit_char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        self.emit(c.encode_utf8(&mut buf));
    }

    /// Reads events until the end of the element started at `depth` (or the end of the
    /// part when `depth` is 0).
    pub fn run(&mut self, reader: &mut XmlReader<'_>, depth: usize) -> Result<(), DocxError> {
        loop {
            match reader.next()? {
                Ev::Start(Ns::W, e) => self.start(reader, &e)?,
                Ev::Start(Ns::Mc, e) => match local(&e) {
                    "AlternateContent" => self.alternates.push(false),
                    "Choice" => match self.alternates.last_mut() {
                        Some(taken) if !*taken => *taken = true,
                        _ => reader.skip()?,
                    },
                    "Fallback" => match self.alternates.last() {
                        Some(false) => {}
                        _ => reader.skip()?,
                    },
                    _ => {}
                },
                Ev::Start(Ns::Math, e) => {
                    if local(&e) == "t" {
                        self.in_text += 1;
                    }
                }
                Ev::Start(..) => {}
                Ev::End(Ns::Math, e) if end_local(&e) == "t" => {
                    self.in_text = self.in_text.saturating_sub(1);
                }
                Ev::End(Ns::W, e) => {
                    self.end(reader, end_local(&e));
                    if reader.depth() < depth {
                        return Ok(());
                    }
                }
                Ev::End(ns, e) => {
                    if ns == Ns::Mc && end_local(&e) == "AlternateContent" {
                        self.alternates.pop();
                    }
                    if reader.depth() < depth {
                        return Ok(());
                    }
                }
                Ev::Text(t) => {
                    if self.in_text > 0 {
                        self.emit(&t);
                    }
                }
                Ev::Char(c) => {
                    if self.in_text > 0 {
                        self.emit_char(c);
                    }
                }
                Ev::Eof => {
                    while !self.paras.is_empty() {
                        self.finish_paragraph(reader.offset());
                    }
                    return Ok(());
                }
            }
        }
    }

    fn start(&mut self, reader: &mut XmlReader<'_>, e: &BytesStart<'_>) -> Result<(), DocxError> {
        match local(e) {
            "p" => self.paras.push(ParaBuilder {
                start: reader.offset(),
                ..ParaBuilder::default()
            }),
            "pPr" => self.paragraph_properties(reader)?,
            "r" => self.run_formats.push(None),
            "rPr" => {
                let change = run_properties(reader)?;
                if let Some(slot) = self.run_formats.last_mut() {
                    *slot = change;
                }
            }
            "t" | "delText" => self.in_text += 1,
            "instrText" | "delInstrText" => reader.skip()?,
            "tab" | "ptab" => self.emit("\t"),
            "br" if attr(e, "type").as_deref() != Some("page") => self.emit("\n"),
            "cr" => self.emit("\n"),
            "noBreakHyphen" => self.emit("\u{2011}"),
            "softHyphen" => self.emit("\u{ad}"),
            "sym" => {
                let symbol_font = attr(e, "font").is_some_and(|f| f.eq_ignore_ascii_case("Symbol"));
                if let Some(code) = attr(e, "char").and_then(|c| u32::from_str_radix(&c, 16).ok()) {
                    let c = if symbol_font {
                        symbol_char(code)
                    } else {
                        char::from_u32(code)
                    };
                    if let Some(c) = c {
                        self.emit_char(c);
                    }
                }
            }
            "fldChar" => match attr(e, "fldCharType").as_deref() {
                Some("begin") if self.fields.len() < 64 => self.fields.push(false),
                Some("separate") => {
                    if let Some(f) = self.fields.last_mut() {
                        *f = true;
                    }
                }
                Some("end") => {
                    self.fields.pop();
                }
                _ => {}
            },
            "ins" => self.changes.push(change_from(e, ChangeKind::Insertion)),
            "del" => {
                let mut change = change_from(e, ChangeKind::Deletion);
                // Text inserted and then deleted belongs to neither text.
                if let Some(outer) = self.changes.last()
                    && matches!(outer.kind, ChangeKind::Insertion | ChangeKind::MoveTo)
                {
                    change.kind = ChangeKind::DeletedInsertion;
                    change.detail = Some(inserted_by(outer));
                    change.move_id = outer.move_id.clone();
                }
                self.changes.push(change);
            }
            "moveFrom" => {
                let mut change = change_from(e, ChangeKind::MoveFrom);
                change.move_id = self.move_from.last().map(|(_, name)| name.clone());
                self.changes.push(change);
            }
            "moveTo" => {
                let mut change = change_from(e, ChangeKind::MoveTo);
                change.move_id = self.move_to.last().map(|(_, name)| name.clone());
                self.changes.push(change);
            }
            "moveFromRangeStart" | "moveToRangeStart" => {
                let id = attr(e, "id").unwrap_or_default().into_owned();
                let name = attr(e, "name").map_or_else(|| id.clone(), |n| n.into_owned());
                let list = if local(e) == "moveFromRangeStart" {
                    &mut self.move_from
                } else {
                    &mut self.move_to
                };
                if list.len() < 1024 {
                    list.push((id, name));
                }
            }
            "moveFromRangeEnd" | "moveToRangeEnd" => {
                let id = attr(e, "id").unwrap_or_default();
                let list = if local(e) == "moveFromRangeEnd" {
                    &mut self.move_from
                } else {
                    &mut self.move_to
                };
                if let Some(i) = list.iter().rposition(|(open, _)| *open == id) {
                    list.remove(i);
                }
            }
            "footnoteReference" | "endnoteReference" => {
                let endnote = local(e) == "endnoteReference";
                self.note_counter += 1;
                let marker = self.note_counter.to_string();
                let change = self
                    .changes
                    .last()
                    .filter(|c| !c.kind.in_accepted() || !c.kind.in_rejected())
                    .cloned();
                self.notes.push(NoteRef {
                    endnote,
                    id: attr(e, "id").unwrap_or_default().into_owned(),
                    marker: marker.clone(),
                    change,
                });
                self.emit(&format!("[{marker}]"));
                // A custom mark follows in the run: the note's marker stands for it.
                if attr(e, "customMarkFollows")
                    .is_some_and(|v| v == "1" || v == "true" || v == "on")
                {
                    self.skip_run_text = true;
                }
            }
            "commentReference" => {
                if self.ctx.include_comments
                    && let Some(id) = attr(e, "id")
                    && let Some((author, date, text)) = self.ctx.comments.get(id.as_ref())
                    && !text.is_empty()
                {
                    let mut change = Change::new(ChangeKind::Comment);
                    change.author = author.clone();
                    change.date = date.clone();
                    let span = Span::marked(text.clone(), change);
                    if let Some(p) = self.paras.last_mut() {
                        p.push_span(span);
                    }
                }
            }
            // A numbering change outside run properties (on a LISTNUM field's end, say):
            // recorded on the paragraph.
            "numberingChange" => {
                let mut change = change_from(e, ChangeKind::Numbering);
                change.detail = Some(match attr(e, "original") {
                    Some(original) => format!("numbering changed (was `{original}`)"),
                    None => "numbering changed".into(),
                });
                if let Some(p) = self.paras.last_mut()
                    && p.prop_change.is_none()
                {
                    p.prop_change = Some(change);
                }
            }
            "tbl" => self.tables.push(Table {
                rows: Vec::new(),
                row: None,
                cell: None,
                para_depth: self.paras.len(),
            }),
            "tr" => {
                if let Some(t) = self.tables.last_mut() {
                    t.row = Some(Row {
                        start: reader.offset(),
                        ..Row::default()
                    });
                }
            }
            "trPr" => {
                let mark = mark_properties(reader, "table row")?;
                if let Some(row) = self.tables.last_mut().and_then(|t| t.row.as_mut()) {
                    row.mark = mark;
                }
            }
            "tc" => {
                if let Some(t) = self.tables.last_mut() {
                    t.cell = Some(Cell::default());
                }
            }
            "tcPr" => {
                let mark = mark_properties(reader, "table cell")?;
                if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    cell.mark = mark;
                }
            }
            "sdtPr" | "sdtEndPr" | "sectPr" | "tblPr" | "tblGrid" | "tblPrEx" | "customXmlPr"
            | "smartTagPr" | "fldData" | "bookmarkStart" | "bookmarkEnd" => reader.skip()?,
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, reader: &XmlReader<'_>, name: &str) {
        match name {
            "p" => self.finish_paragraph(reader.offset()),
            "r" => {
                self.run_formats.pop();
                self.skip_run_text = false;
            }
            "t" | "delText" => self.in_text = self.in_text.saturating_sub(1),
            "ins" | "del" | "moveFrom" | "moveTo" => {
                self.changes.pop();
            }
            "tc" => {
                if let Some(t) = self.tables.last_mut()
                    && let Some(cell) = t.cell.take()
                {
                    let mut content = cell.content;
                    match cell.mark {
                        // A cell's property change is recorded on its row.
                        Some(mark) if mark.kind == ChangeKind::Format => {
                            if let Some(row) = t.row.as_mut()
                                && row.mark.is_none()
                            {
                                row.mark = Some(mark);
                            }
                        }
                        Some(mark) => content = content.mark_all(&mark),
                        None => {}
                    }
                    if let Some(row) = t.row.as_mut() {
                        row.cells.push(content);
                    }
                }
            }
            "tr" => {
                if let Some(t) = self.tables.last_mut()
                    && let Some(mut row) = t.row.take()
                {
                    if let Some(mark) = &row.mark
                        && mark.kind != ChangeKind::Format
                    {
                        row.cells = row.cells.into_iter().map(|c| c.mark_all(mark)).collect();
                    }
                    t.rows.push(row);
                }
            }
            "tbl" => self.finish_table(reader.offset()),
            _ => {}
        }
    }

    fn finish_table(&mut self, end: u64) {
        let Some(table) = self.tables.pop() else {
            return;
        };
        // A table inside a cell becomes text of that cell.
        if let Some(outer) = self.tables.last_mut()
            && outer.para_depth == self.paras.len()
            && let Some(cell) = outer.cell.as_mut()
        {
            for row in table.rows {
                for (i, c) in row.cells.into_iter().enumerate() {
                    if cell.paragraphs > 0 || i > 0 {
                        cell.content
                            .push(Span::plain(if i > 0 { "\t" } else { "\n" }));
                    }
                    cell.content = std::mem::take(&mut cell.content).concat(c);
                    cell.paragraphs += 1;
                }
            }
            return;
        }
        for row in table.rows {
            let mut content = Content::new();
            for (i, c) in row.cells.iter().enumerate() {
                if i > 0 {
                    content.push(Span::plain("\t"));
                }
                content = content.concat(c.clone());
            }
            let paragraph = Paragraph {
                content,
                mark: row.mark.map(Box::new),
                style: None,
                list_label: None,
                cells: Some(row.cells),
                span: SourceSpan::new(row.start as usize, end as usize),
            };
            self.out.push(Para {
                paragraph,
                rejected_label: None,
            });
        }
    }

    fn paragraph_properties(&mut self, reader: &mut XmlReader<'_>) -> Result<(), DocxError> {
        let base = reader.depth();
        let mut in_change = false;
        let mut in_rpr = false;
        let mut in_numpr = false;
        let mut style = None;
        let mut num: Option<NumPr> = None;
        let mut old_style = None;
        let mut old_num: Option<NumPr> = None;
        let mut mark = None;
        let mut prop_change: Option<Change> = None;
        let mut numbering_inserted: Option<Change> = None;
        let mut drop_cap = false;
        loop {
            match reader.next()? {
                Ev::Start(Ns::W, e) => match local(&e) {
                    "pPrChange" => {
                        in_change = true;
                        prop_change = Some(change_from(&e, ChangeKind::Format));
                    }
                    "pStyle" => {
                        if in_change {
                            old_style = val(&e);
                        } else {
                            style = val(&e);
                        }
                    }
                    "numPr" => {
                        in_numpr = true;
                        if in_change {
                            old_num.get_or_insert((None, None));
                        } else {
                            num.get_or_insert((None, None));
                        }
                    }
                    "numId" if in_numpr => {
                        let target = if in_change { &mut old_num } else { &mut num };
                        if let Some(n) = target.as_mut() {
                            n.0 = val(&e);
                        }
                    }
                    "ilvl" if in_numpr => {
                        let target = if in_change { &mut old_num } else { &mut num };
                        if let Some(n) = target.as_mut() {
                            n.1 = val(&e).and_then(|v| v.parse().ok());
                        }
                    }
                    "ins" if in_numpr && !in_change => {
                        let mut c = change_from(&e, ChangeKind::Numbering);
                        c.detail = Some("numbering inserted".into());
                        numbering_inserted = Some(c);
                    }
                    "rPr" if !in_change => in_rpr = true,
                    "ins" | "moveTo" if in_rpr => {
                        mark = Some(change_from(&e, ChangeKind::ParagraphInsertion));
                    }
                    "del" | "moveFrom" if in_rpr => {
                        let mut change = change_from(&e, ChangeKind::ParagraphDeletion);
                        if let Some(inserted) = &mark {
                            change.kind = ChangeKind::DeletedInsertion;
                            change.detail = Some(inserted_by(inserted));
                        }
                        mark = Some(change);
                    }
                    "framePr" if !in_change => {
                        if matches!(attr(&e, "dropCap").as_deref(), Some("drop" | "margin")) {
                            drop_cap = true;
                        }
                    }
                    "rPrChange" | "sectPr" | "tabs" | "numberingChange" => reader.skip()?,
                    _ => {}
                },
                Ev::End(_, e) => {
                    if reader.depth() < base {
                        break;
                    }
                    match end_local(&e) {
                        "pPrChange" => in_change = false,
                        "rPr" => in_rpr = false,
                        "numPr" => in_numpr = false,
                        _ => {}
                    }
                }
                Ev::Eof => break,
                _ => {}
            }
        }
        let Some(p) = self.paras.last_mut() else {
            return Ok(());
        };
        p.style = style;
        p.num = num;
        p.mark = mark;
        p.drop_cap = drop_cap;
        if let Some(mut change) = prop_change {
            let old = (old_style, old_num);
            if old.1 != p.num || (old.0 != p.style && (old.1.is_some() || p.num.is_some())) {
                change.kind = ChangeKind::Numbering;
                change.detail = Some("paragraph numbering changed".into());
            } else {
                change.detail = Some("paragraph properties changed".into());
            }
            p.old = Some(old);
            p.prop_change = Some(change);
        } else if let Some(change) = numbering_inserted {
            p.old = Some((p.style.clone(), None));
            p.prop_change = Some(change);
        }
        Ok(())
    }

    /// The numbering (num id and level) of a paragraph with these properties.
    fn resolve_numbering(&self, style: Option<&str>, num: Option<&NumPr>) -> Option<(String, u8)> {
        let styles = &self.ctx.styles;
        let style = style.or(styles.default_paragraph.as_deref());
        let from_style = style.and_then(|s| styles.numbering(s));
        let num_id = num
            .and_then(|n| n.0.clone())
            .or_else(|| from_style.as_ref().map(|s| s.0.clone()))?;
        if num_id == "0" {
            return None;
        }
        let ilvl = num
            .and_then(|n| n.1)
            .or_else(|| from_style.as_ref().and_then(|s| s.1))
            .or_else(|| style.and_then(|s| self.ctx.numbering.level_for_style(&num_id, s, styles)))
            .unwrap_or(0);
        Some((num_id, ilvl))
    }

    fn finish_paragraph(&mut self, end: u64) {
        let Some(mut b) = self.paras.pop() else {
            return;
        };
        b.flush();
        if b.drop_cap {
            self.drop_cap = Some(b.content);
            return;
        }
        if let Some(initial) = self.drop_cap.take() {
            b.content = initial.concat(std::mem::take(&mut b.content));
        }
        let mut mark = b.mark.take();
        if let Some(change) = b.prop_change.take() {
            match mark.as_mut() {
                None => mark = Some(change),
                Some(m) => {
                    m.detail = Some(format!(
                        "also: {}",
                        change
                            .detail
                            .as_deref()
                            .unwrap_or("paragraph properties changed")
                    ));
                }
            }
        }
        let kind = mark.as_ref().map(|m| m.kind);
        let accepted_num = self.resolve_numbering(b.style.as_deref(), b.num.as_ref());
        let rejected_num = match &b.old {
            Some((style, num)) => self.resolve_numbering(style.as_deref(), num.as_ref()),
            None => accepted_num.clone(),
        };
        let mut label = |side: Side, num: Option<(String, u8)>, present: bool| {
            let (num_id, ilvl) = num.filter(|_| present)?;
            let styles = &self.ctx.styles;
            self.ctx.numbering.next_label(side, &num_id, ilvl, styles)
        };
        let in_accepted = !matches!(
            kind,
            Some(ChangeKind::ParagraphDeletion | ChangeKind::DeletedInsertion)
        );
        let in_rejected = !matches!(
            kind,
            Some(ChangeKind::ParagraphInsertion | ChangeKind::DeletedInsertion)
        );
        let accepted_label = label(Side::Accepted, accepted_num, in_accepted);
        let rejected_label = label(Side::Rejected, rejected_num, in_rejected);
        let list_label = if in_accepted {
            accepted_label
        } else {
            rejected_label.clone()
        };
        let span = SourceSpan::new(b.start as usize, end as usize);

        // A paragraph of a table cell becomes part of that cell.
        if let Some(t) = self.tables.last_mut()
            && t.para_depth == self.paras.len()
            && let Some(cell) = t.cell.as_mut()
        {
            if cell.paragraphs > 0 {
                cell.content.push(Span::plain("\n"));
            }
            cell.paragraphs += 1;
            // A numbered paragraph in a cell keeps its label as text.
            if let Some(label) = list_label.filter(|l| !l.is_empty()) {
                cell.content.push(Span::plain(format!("{label} ")));
            }
            let content = std::mem::take(&mut cell.content).concat(b.content);
            cell.content = content;
            return;
        }
        let style = b.style.as_deref().map(|s| self.ctx.styles.canonical(s));
        self.out.push(Para {
            paragraph: Paragraph {
                content: b.content,
                mark: mark.map(Box::new),
                style,
                list_label,
                cells: None,
                span,
            },
            rejected_label,
        });
    }
}

/// The Unicode character of a code point of the Symbol font (also in its private-use
/// form `F0xx`); the glyphs that have a Unicode equivalent.
fn symbol_char(code: u32) -> Option<char> {
    let byte = if (0xF020..=0xF0FF).contains(&code) {
        code - 0xF000
    } else {
        code
    };
    const GREEK_UPPER: &str = "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ";
    const GREEK_LOWER: &str = "αβχδεφγηιϕκλμνοπθρστυϖωξψζ";
    let c = match byte {
        0x41..=0x5A => GREEK_UPPER.chars().nth((byte - 0x41) as usize),
        0x61..=0x7A => GREEK_LOWER.chars().nth((byte - 0x61) as usize),
        0x22 => Some('∀'),
        0x24 => Some('∃'),
        0x27 => Some('∋'),
        0x2A => Some('∗'),
        0x2D => Some('−'),
        0x40 => Some('≅'),
        0x5C => Some('∴'),
        0x5E => Some('⊥'),
        0xA1 => Some('ϒ'),
        0xA2 => Some('′'),
        0xA3 => Some('≤'),
        0xA4 => Some('⁄'),
        0xA5 => Some('∞'),
        0xA7 => Some('♣'),
        0xA8 => Some('♦'),
        0xA9 => Some('♥'),
        0xAA => Some('♠'),
        0xAB => Some('↔'),
        0xAC => Some('←'),
        0xAD => Some('↑'),
        0xAE => Some('→'),
        0xAF => Some('↓'),
        0xB0 => Some('°'),
        0xB1 => Some('±'),
        0xB2 => Some('″'),
        0xB3 => Some('≥'),
        0xB4 => Some('×'),
        0xB5 => Some('∝'),
        0xB6 => Some('∂'),
        0xB7 => Some('•'),
        0xB8 => Some('÷'),
        0xB9 => Some('≠'),
        0xBA => Some('≡'),
        0xBB => Some('≈'),
        0xBC => Some('…'),
        0xC0 => Some('ℵ'),
        0xC4 => Some('⊗'),
        0xC5 => Some('⊕'),
        0xC6 => Some('∅'),
        0xC7 => Some('∩'),
        0xC8 => Some('∪'),
        0xC9 => Some('⊃'),
        0xCA => Some('⊇'),
        0xCB => Some('⊄'),
        0xCC => Some('⊂'),
        0xCD => Some('⊆'),
        0xCE => Some('∈'),
        0xCF => Some('∉'),
        0xD0 => Some('∠'),
        0xD1 => Some('∇'),
        0xD5 => Some('∏'),
        0xD6 => Some('√'),
        0xD7 => Some('⋅'),
        0xD8 => Some('¬'),
        0xD9 => Some('∧'),
        0xDA => Some('∨'),
        0xDB => Some('⇔'),
        0xDC => Some('⇐'),
        0xDD => Some('⇑'),
        0xDE => Some('⇒'),
        0xDF => Some('⇓'),
        0xE0 => Some('◊'),
        0xE1 => Some('〈'),
        0xE5 => Some('∑'),
        0xF1 => Some('〉'),
        0xF2 => Some('∫'),
        b if b < 0x80 => char::from_u32(b),
        _ => None,
    };
    c.or_else(|| char::from_u32(code))
}

/// The detail of a [`ChangeKind::DeletedInsertion`]: who inserted the text and when
/// (`inserted by A on D`); the writer reads it back with `writer::inserted_change`.
fn inserted_by(inserted: &Change) -> String {
    let mut detail = String::from("inserted");
    if let Some(author) = &inserted.author {
        detail.push_str(" by ");
        detail.push_str(author);
    }
    if let Some(date) = &inserted.date {
        detail.push_str(" on ");
        detail.push_str(date);
    }
    detail
}

/// Reads a run's `w:rPr`: a property change makes the run a format change.
fn run_properties(reader: &mut XmlReader<'_>) -> Result<Option<Change>, DocxError> {
    let base = reader.depth();
    let mut change = None;
    loop {
        match reader.next()? {
            Ev::Start(Ns::W, e) => match local(&e) {
                "rPrChange" => {
                    let mut c = change_from(&e, ChangeKind::Format);
                    c.detail = Some("run properties changed".into());
                    change = Some(c);
                    reader.skip()?;
                }
                "numberingChange" => {
                    let mut c = change_from(&e, ChangeKind::Numbering);
                    c.detail = Some("numbering changed".into());
                    change = Some(c);
                    reader.skip()?;
                }
                _ => {}
            },
            Ev::End(..) if reader.depth() < base => break,
            Ev::Eof => break,
            _ => {}
        }
    }
    Ok(change)
}

/// Reads `w:trPr` or `w:tcPr`: an inserted or deleted row or cell.
fn mark_properties(
    reader: &mut XmlReader<'_>,
    what: &'static str,
) -> Result<Option<Change>, DocxError> {
    let base = reader.depth();
    let mut mark = None;
    loop {
        match reader.next()? {
            Ev::Start(Ns::W, e) => match local(&e) {
                "ins" | "cellIns" => {
                    let mut c = change_from(&e, ChangeKind::Insertion);
                    c.detail = Some(format!("{what} inserted"));
                    mark = Some(c);
                }
                "del" | "cellDel" => {
                    let mut c = change_from(&e, ChangeKind::Deletion);
                    c.detail = Some(format!("{what} deleted"));
                    mark = Some(c);
                }
                "trPrChange" | "tcPrChange" => {
                    if mark.is_none() {
                        let mut c = change_from(&e, ChangeKind::Format);
                        c.detail = Some(format!("{what} properties changed"));
                        mark = Some(c);
                    }
                    reader.skip()?;
                }
                "tcBorders" | "shd" => reader.skip()?,
                _ => {}
            },
            Ev::End(..) if reader.depth() < base => break,
            Ev::Eof => break,
            _ => {}
        }
    }
    Ok(mark)
}
