//! A document laid out as the lines the text and Markdown writers print: one paragraph
//! per line, label and content apart, in document order.

use std::borrow::Cow;

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

/// One printed paragraph, borrowed from the document where it can be: the writers
/// walk the lines without copying the document's text.
pub(crate) struct LineRef<'a> {
    pub label: Option<&'a Content>,
    pub content: Cow<'a, Content>,
    pub mark: Option<&'a Change>,
}

impl<'a> LineRef<'a> {
    fn text(content: &'a Content) -> Self {
        Self {
            label: None,
            content: Cow::Borrowed(content),
            mark: None,
        }
    }

    fn owned(content: Content) -> Self {
        Self {
            label: None,
            content: Cow::Owned(content),
            mark: None,
        }
    }
}

/// The lines of a document.
pub fn lines(document: &Document) -> Vec<Line> {
    let mut out = Vec::new();
    for_each_line(document, &mut |line| {
        out.push(Line {
            label: line.label.cloned(),
            content: line.content.into_owned(),
            mark: line.mark.cloned(),
        });
    });
    out
}

/// Calls `f` with every line of a document, in order.
pub(crate) fn for_each_line<'a>(document: &'a Document, f: &mut dyn FnMut(LineRef<'a>)) {
    match &document.body {
        Body::Resolution(r) => resolution_lines(r, f),
        Body::Collection(c) => {
            blocks(&c.front_matter, f);
            for r in &c.resolutions {
                resolution_lines(r, f);
            }
        }
        Body::Contribution(c) => {
            for part in &c.envelope {
                envelope_part(part, f);
            }
            for proposal in &c.proposals {
                if let Some(margin) = &proposal.margin {
                    f(LineRef::owned(Content::plain(margin.clone())));
                }
                if let Some(r) = &proposal.resolution {
                    resolution_lines(r, f);
                }
            }
            for part in &c.trailer {
                envelope_part(part, f);
            }
        }
        Body::Generic(g) => blocks(&g.blocks, f),
    }
    footnote_lines(document, f);
}

/// The resolutions of a collection, whose lines a writer may lay out in parallel and
/// join in order: `for_each_line` of a collection is [`collection_front_lines`], each
/// resolution's [`resolution_lines`], then [`footnote_lines`].
pub(crate) fn collection_resolutions(document: &Document) -> Option<&[Resolution]> {
    match &document.body {
        Body::Collection(c) => Some(&c.resolutions),
        _ => None,
    }
}

/// The lines before a collection's resolutions (none for other documents).
pub(crate) fn collection_front_lines<'a>(document: &'a Document, f: &mut dyn FnMut(LineRef<'a>)) {
    if let Body::Collection(c) = &document.body {
        blocks(&c.front_matter, f);
    }
}

/// The lines of the document's notes, which come last.
pub(crate) fn footnote_lines<'a>(document: &'a Document, f: &mut dyn FnMut(LineRef<'a>)) {
    for note in &document.footnotes {
        // A note inserted or deleted whole takes its marker line along; a note whose text
        // alone changed keeps its marker in both views.
        let marker = format!("[{}] ", note.marker);
        let mut content = match &note.mark {
            Some(change) => Content::from_spans(vec![Span::marked(marker, (**change).clone())]),
            None => Content::plain(marker),
        };
        content = content.concat(note.content.clone());
        f(LineRef {
            label: None,
            content: Cow::Owned(content),
            mark: note.mark.as_deref(),
        });
    }
}

fn envelope_part<'a>(part: &'a EnvelopePart, f: &mut dyn FnMut(LineRef<'a>)) {
    if let Some(heading) = &part.heading {
        f(LineRef::text(heading));
    }
    for p in &part.paragraphs {
        f(LineRef::text(p));
    }
}

/// The lines of one resolution.
pub(crate) fn resolution_lines<'a>(r: &'a Resolution, f: &mut dyn FnMut(LineRef<'a>)) {
    blocks(&r.front_matter, f);
    let tb = &r.title_block;
    f(LineRef::text(&tb.number_line));
    if !tb.title.is_empty() {
        f(LineRef::text(&tb.title));
    }
    if let Some(h) = &tb.history {
        f(LineRef::text(&h.content));
    }
    if let Some(e) = &r.enacting {
        f(LineRef::text(&e.content));
    }
    for section in &r.sections {
        section_lines(section, f);
    }
    for annex in &r.annexes {
        f(LineRef::text(&annex.heading));
        blocks(&annex.blocks, f);
    }
}

fn section_lines<'a>(section: &'a Section, f: &mut dyn FnMut(LineRef<'a>)) {
    if !section.heading.is_empty() {
        f(LineRef {
            label: None,
            content: Cow::Borrowed(&section.heading),
            mark: section.mark.as_deref(),
        });
    }
    if let Some(title) = &section.title {
        f(LineRef::text(title));
    }
    for item in &section.items {
        item_lines(item, f);
    }
}

fn item_lines<'a>(item: &'a Item, f: &mut dyn FnMut(LineRef<'a>)) {
    f(LineRef {
        label: item.label.as_ref().map(|l| &l.written),
        content: Cow::Borrowed(&item.content),
        mark: item.mark.as_deref(),
    });
    for child in &item.children {
        item_lines(child, f);
    }
}

fn blocks<'a>(blocks: &'a [Block], f: &mut dyn FnMut(LineRef<'a>)) {
    for block in blocks {
        match block {
            Block::Heading { content, .. } => f(LineRef::text(content)),
            Block::Paragraph { content, mark, .. } => f(LineRef {
                label: None,
                content: Cow::Borrowed(content),
                mark: mark.as_deref(),
            }),
            Block::ListItem { label, content, .. } => f(LineRef {
                label: Some(&label.written),
                content: Cow::Borrowed(content),
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
                    f(LineRef::owned(content));
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
