//! A document laid out as the lines the text and Markdown writers print: one paragraph
//! per line, label and content apart, in document order.

use amend_model::{
    Block, Body, Change, ChangeKind, Content, Document, EnvelopePart, Item, Resolution, Section,
    Span,
};

/// One printed paragraph.
#[derive(Debug, Clone)]
pub struct Line {
    pub label: Option<Content>,
    pub content: Content,
    /// A change to the paragraph as a whole.
    pub mark: Option<Change>,
}

impl Line {
    fn text(content: Content) -> Self {
        Self {
            label: None,
            content,
            mark: None,
        }
    }
}

/// The lines of a document.
pub fn lines(document: &Document) -> Vec<Line> {
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
                envelope_part(part, &mut out);
            }
            for proposal in &c.proposals {
                if let Some(margin) = &proposal.margin {
                    out.push(Line::text(Content::plain(margin.clone())));
                }
                if let Some(r) = &proposal.resolution {
                    resolution(r, &mut out);
                }
            }
            for part in &c.trailer {
                envelope_part(part, &mut out);
            }
        }
        Body::Generic(g) => blocks(&g.blocks, &mut out),
    }
    for note in &document.footnotes {
        let mut content = Content::plain(format!("[{}] ", note.marker));
        content = content.concat(note.content.clone());
        out.push(Line::text(content));
    }
    out
}

fn envelope_part(part: &EnvelopePart, out: &mut Vec<Line>) {
    if let Some(heading) = &part.heading {
        out.push(Line::text(heading.clone()));
    }
    for p in &part.paragraphs {
        out.push(Line::text(p.clone()));
    }
}

fn resolution(r: &Resolution, out: &mut Vec<Line>) {
    blocks(&r.front_matter, out);
    let tb = &r.title_block;
    out.push(Line::text(tb.number_line.clone()));
    if !tb.title.is_empty() {
        out.push(Line::text(tb.title.clone()));
    }
    if let Some(h) = &tb.history {
        out.push(Line::text(h.content.clone()));
    }
    if let Some(e) = &r.enacting {
        out.push(Line::text(e.content.clone()));
    }
    for section in &r.sections {
        section_lines(section, out);
    }
    for annex in &r.annexes {
        out.push(Line::text(annex.heading.clone()));
        blocks(&annex.blocks, out);
    }
}

fn section_lines(section: &Section, out: &mut Vec<Line>) {
    if !section.heading.is_empty() {
        out.push(Line {
            label: None,
            content: section.heading.clone(),
            mark: section.mark.clone(),
        });
    }
    if let Some(title) = &section.title {
        out.push(Line::text(title.clone()));
    }
    for item in &section.items {
        item_lines(item, out);
    }
}

fn item_lines(item: &Item, out: &mut Vec<Line>) {
    out.push(Line {
        label: item.label.as_ref().map(|l| l.written.clone()),
        content: item.content.clone(),
        mark: item.mark.clone(),
    });
    for child in &item.children {
        item_lines(child, out);
    }
}

fn blocks(blocks: &[Block], out: &mut Vec<Line>) {
    for block in blocks {
        match block {
            Block::Heading { content, .. } => out.push(Line::text(content.clone())),
            Block::Paragraph { content, mark, .. } => out.push(Line {
                label: None,
                content: content.clone(),
                mark: mark.clone(),
            }),
            Block::ListItem { label, content, .. } => out.push(Line {
                label: Some(label.written.clone()),
                content: content.clone(),
                mark: None,
            }),
            Block::Table { rows, .. } => {
                for row in rows {
                    let mut content = Content::new();
                    for (n, cell) in row.iter().enumerate() {
                        if n > 0 {
                            content.push(Span::plain("\t"));
                        }
                        content = content.concat(cell.clone());
                    }
                    out.push(Line::text(content));
                }
            }
        }
    }
}

/// Whether the line's paragraph mark is gone in the view, joining it with the next line.
pub fn joins_next(mark: Option<&Change>, accepted: bool) -> bool {
    match mark.map(|m| m.kind) {
        Some(ChangeKind::Deletion | ChangeKind::MoveFrom | ChangeKind::ParagraphDeletion) => {
            accepted
        }
        Some(ChangeKind::Insertion | ChangeKind::MoveTo | ChangeKind::ParagraphInsertion) => {
            !accepted
        }
        // A paragraph mark inserted and then deleted is in neither text.
        Some(ChangeKind::DeletedInsertion) => true,
        _ => false,
    }
}
