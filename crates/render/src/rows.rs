//! A change-marked document as the rows a reader sees: one per paragraph, with its
//! kind, depth and id.

use amend_model::{
    Block, Body, Change, Content, Document, EnvelopePart, Item, Resolution, Section, Span,
};

/// What a row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// The number line, title or history of a title block.
    Title,
    /// A section heading (`considering`, `resolves`) or an annex heading.
    Heading,
    /// A labelled or unlabelled item of a section.
    Item,
    /// Any other paragraph (enacting formula, front matter, generic text).
    Paragraph,
}

/// One paragraph of a redline.
#[derive(Debug, Clone)]
pub struct Row {
    pub kind: RowKind,
    /// Nesting depth of items (0 for top-level items and other rows).
    pub depth: usize,
    /// The node's eid, when it has one.
    pub id: Option<String>,
    pub label: Option<Content>,
    pub content: Content,
    /// A change to the paragraph as a whole.
    pub mark: Option<Box<Change>>,
}

impl Row {
    fn new(kind: RowKind, content: Content) -> Self {
        Self {
            kind,
            depth: 0,
            id: None,
            label: None,
            content,
            mark: None,
        }
    }

    /// Whether the row carries any change.
    pub fn changed(&self) -> bool {
        self.mark.is_some()
            || self.content.has_changes()
            || self.label.as_ref().is_some_and(Content::has_changes)
    }
}

/// The rows of a document, in order.
pub fn rows(document: &Document) -> Vec<Row> {
    let mut out = Vec::new();
    match &document.body {
        Body::Resolution(r) => resolution(r, &mut out),
        Body::Collection(c) => {
            blocks(&c.front_matter, &mut out);
            for r in &c.resolutions {
                resolution(r, &mut out);
            }
        }
        Body::Contribution(c) => {
            for part in &c.envelope {
                envelope(part, &mut out);
            }
            for p in &c.proposals {
                if let Some(m) = &p.margin {
                    out.push(Row::new(RowKind::Paragraph, Content::plain(m.clone())));
                }
                if let Some(r) = &p.resolution {
                    resolution(r, &mut out);
                }
            }
            for part in &c.trailer {
                envelope(part, &mut out);
            }
        }
        Body::Generic(g) => blocks(&g.blocks, &mut out),
    }
    for note in &document.footnotes {
        let content = Content::plain(format!("[{}] ", note.marker)).concat(note.content.clone());
        out.push(Row::new(RowKind::Paragraph, content));
    }
    out
}

fn envelope(part: &EnvelopePart, out: &mut Vec<Row>) {
    if let Some(h) = &part.heading {
        out.push(Row::new(RowKind::Heading, h.clone()));
    }
    for p in &part.paragraphs {
        out.push(Row::new(RowKind::Paragraph, p.clone()));
    }
}

fn resolution(r: &Resolution, out: &mut Vec<Row>) {
    blocks(&r.front_matter, out);
    let tb = &r.title_block;
    out.push(Row::new(RowKind::Title, tb.number_line.clone()));
    if !tb.title.is_empty() {
        out.push(Row::new(RowKind::Title, tb.title.clone()));
    }
    if let Some(h) = &tb.history {
        out.push(Row::new(RowKind::Title, h.content.clone()));
    }
    if let Some(e) = &r.enacting {
        out.push(Row::new(RowKind::Paragraph, e.content.clone()));
    }
    for s in &r.sections {
        section(s, out);
    }
    for a in &r.annexes {
        let mut row = Row::new(RowKind::Heading, a.heading.clone());
        row.id = Some(a.eid.clone()).filter(|e| !e.is_empty());
        out.push(row);
        blocks(&a.blocks, out);
    }
}

fn section(s: &Section, out: &mut Vec<Row>) {
    if !s.heading.is_empty() {
        let mut row = Row::new(RowKind::Heading, s.heading.clone());
        row.id = Some(s.eid.clone()).filter(|e| !e.is_empty());
        row.mark = s.mark.clone();
        out.push(row);
    }
    if let Some(t) = &s.title {
        out.push(Row::new(RowKind::Heading, t.clone()));
    }
    for item in &s.items {
        items(item, 0, out);
    }
}

fn items(item: &Item, depth: usize, out: &mut Vec<Row>) {
    out.push(Row {
        kind: RowKind::Item,
        depth,
        id: Some(item.eid.clone()).filter(|e| !e.is_empty()),
        label: item.label.as_ref().map(|l| l.written.clone()),
        content: item.content.clone(),
        mark: item.mark.clone(),
    });
    for child in &item.children {
        items(child, depth + 1, out);
    }
}

fn blocks(blocks: &[Block], out: &mut Vec<Row>) {
    for block in blocks {
        match block {
            Block::Heading { content, .. } => out.push(Row::new(RowKind::Heading, content.clone())),
            Block::Paragraph { content, mark, .. } => {
                let mut row = Row::new(RowKind::Paragraph, content.clone());
                row.mark = mark.clone();
                out.push(row);
            }
            Block::ListItem { label, content, .. } => {
                let mut row = Row::new(RowKind::Item, content.clone());
                row.label = Some(label.written.clone());
                out.push(row);
            }
            Block::Table { rows, .. } => {
                for cells in rows {
                    let mut content = Content::new();
                    for (n, cell) in cells.iter().enumerate() {
                        if n > 0 {
                            content.push(Span::plain("\t"));
                        }
                        content = content.concat(cell.clone());
                    }
                    out.push(Row::new(RowKind::Paragraph, content));
                }
            }
        }
    }
}
