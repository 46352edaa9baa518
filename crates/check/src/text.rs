//! The text of every paragraph of a document with a map back to the input, so that a
//! match found in the text becomes a span of the input without searching the input.

use amend_model::{
    Block, Body, Content, Document, EnvelopePart, Item, RemovedMarker, Resolution, SourceSpan,
};

/// Where a paragraph's text stands in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Envelope,
    NumberLine,
    Title,
    History,
    Enacting,
    Heading,
    Label,
    Item,
    Block,
    Footnote,
}

/// One piece of the flat text: `len` bytes at `text_start` came from `src`.
#[derive(Debug, Clone, Copy)]
struct Piece {
    text_start: usize,
    len: usize,
    src: Option<SourceSpan>,
}

/// The accepted text of one content, mapped to the input.
#[derive(Debug, Clone)]
pub struct FlatText {
    pub role: Role,
    pub text: String,
    pieces: Vec<Piece>,
    /// Markers cut out of the input inside this text's pieces.
    markers: Vec<SourceSpan>,
    /// The paragraph's span, for text that has no source of its own.
    fallback: SourceSpan,
}

impl FlatText {
    pub fn new(
        role: Role,
        content: &Content,
        fallback: SourceSpan,
        markers: &[RemovedMarker],
    ) -> Self {
        let mut text = String::new();
        let mut pieces = Vec::new();
        for span in &content.spans {
            if !span.in_accepted() {
                continue;
            }
            pieces.push(Piece {
                text_start: text.len(),
                len: span.text.len(),
                src: span.src,
            });
            text.push_str(&span.text);
        }
        let markers = match content.src() {
            Some(src) => markers
                .iter()
                .map(|m| m.span)
                .filter(|m| m.start >= src.start && m.end <= src.end)
                .collect(),
            None => Vec::new(),
        };
        Self {
            role,
            text,
            pieces,
            markers,
            fallback,
        }
    }

    /// The input offset of text offset `at`.
    pub fn offset(&self, at: usize) -> usize {
        let piece = self
            .pieces
            .iter()
            .rev()
            .find(|p| p.text_start <= at)
            .or(self.pieces.first());
        let Some(piece) = piece else {
            return self.fallback.start;
        };
        let Some(src) = piece.src else {
            return self.fallback.start;
        };
        let within = at.saturating_sub(piece.text_start).min(piece.len);
        if src.len() == piece.len {
            return src.start + within;
        }
        // The piece spans cut-out markers: step over the ones before the offset.
        let mut pos = src.start + within;
        for m in &self.markers {
            if m.start >= src.start && m.start <= pos {
                pos += m.len();
            }
        }
        pos.min(src.end)
    }

    /// The input span of text range `start..end`.
    pub fn span(&self, start: usize, end: usize) -> SourceSpan {
        if end <= start {
            let at = self.offset(start);
            return SourceSpan::new(at, at);
        }
        // The end is the position after the last character of the range.
        let end = end.min(self.text.len());
        let mut last = end - 1;
        while last > 0 && !self.text.is_char_boundary(last) {
            last -= 1;
        }
        let width = self.text[last..].chars().next().map_or(1, char::len_utf8);
        SourceSpan::new(self.offset(start), self.offset(last) + width)
    }

    /// The whole text's span.
    pub fn whole(&self) -> SourceSpan {
        if self.text.is_empty() {
            return self.fallback;
        }
        self.span(0, self.text.len())
    }
}

/// Every paragraph of the document, in document order.
pub fn collect(doc: &Document) -> Vec<FlatText> {
    let mut out = Vec::new();
    let markers = &doc.removed_markers;
    let mut push = |role: Role, content: &Content, fallback: SourceSpan| {
        if !content.is_empty() {
            out.push(FlatText::new(role, content, fallback, markers));
        }
    };
    match &doc.body {
        Body::Resolution(r) => resolution(r, &mut push),
        Body::Collection(c) => {
            blocks(&c.front_matter, &mut push);
            for r in &c.resolutions {
                resolution(r, &mut push);
            }
        }
        Body::Contribution(c) => {
            for part in &c.envelope {
                envelope(part, &mut push);
            }
            for p in &c.proposals {
                if let Some(r) = &p.resolution {
                    resolution(r, &mut push);
                }
            }
            for part in &c.trailer {
                envelope(part, &mut push);
            }
        }
        Body::Generic(g) => blocks(&g.blocks, &mut push),
    }
    for note in &doc.footnotes {
        push(Role::Footnote, &note.content, note.span);
    }
    out
}

fn envelope(part: &EnvelopePart, push: &mut impl FnMut(Role, &Content, SourceSpan)) {
    if let Some(h) = &part.heading {
        push(Role::Envelope, h, part.span);
    }
    for p in &part.paragraphs {
        push(Role::Envelope, p, part.span);
    }
}

fn resolution(r: &Resolution, push: &mut impl FnMut(Role, &Content, SourceSpan)) {
    blocks(&r.front_matter, push);
    let tb = &r.title_block;
    push(Role::NumberLine, &tb.number_line, tb.span);
    push(Role::Title, &tb.title, tb.span);
    if let Some(h) = &tb.history {
        push(Role::History, &h.content, tb.span);
    }
    if let Some(e) = &r.enacting {
        push(Role::Enacting, &e.content, e.span);
    }
    for s in &r.sections {
        push(Role::Heading, &s.heading, s.span);
        if let Some(t) = &s.title {
            push(Role::Heading, t, s.span);
        }
        for item in &s.items {
            item_texts(item, push);
        }
    }
    for a in &r.annexes {
        push(Role::Heading, &a.heading, a.span);
        blocks(&a.blocks, push);
    }
}

fn item_texts(item: &Item, push: &mut impl FnMut(Role, &Content, SourceSpan)) {
    if let Some(l) = &item.label {
        push(Role::Label, &l.written, item.span);
    }
    push(Role::Item, &item.content, item.span);
    for c in &item.children {
        item_texts(c, push);
    }
}

fn blocks(blocks: &[Block], push: &mut impl FnMut(Role, &Content, SourceSpan)) {
    for b in blocks {
        match b {
            Block::Heading { content, span, .. } | Block::Paragraph { content, span, .. } => {
                push(Role::Block, content, *span)
            }
            Block::ListItem {
                label,
                content,
                span,
            } => {
                push(Role::Label, &label.written, *span);
                push(Role::Block, content, *span);
            }
            Block::Table { rows, span } => {
                for row in rows {
                    for cell in row {
                        push(Role::Block, cell, *span);
                    }
                }
            }
        }
    }
}

/// The input span of a content (its accepted text), or `fallback`.
pub fn content_span(content: &Content, fallback: SourceSpan) -> SourceSpan {
    content.src().unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;
    use amend_model::Span;

    #[test]
    fn offsets_step_over_cut_markers() {
        // Input: "\t[bookmark: x]Contact:" with the marker cut out and the two plain spans merged.
        let input = "\t[bookmark: x]Contact:";
        let mut content = Content::new();
        content.push(Span::plain("\t").with_src(SourceSpan::new(0, 1)));
        content.push(Span::plain("Contact:").with_src(SourceSpan::new(14, 22)));
        let markers = vec![RemovedMarker {
            text: "[bookmark: x]".into(),
            span: SourceSpan::new(1, 14),
        }];
        let flat = FlatText::new(Role::Envelope, &content, SourceSpan::new(0, 22), &markers);
        assert_eq!(flat.text, "\tContact:");
        let s = flat.span(1, 8);
        assert_eq!(&input[s.start..s.end], "Contact");
    }
}
