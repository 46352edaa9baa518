//! Plain-text views of what the reader found: the accepted or rejected text of the
//! paragraphs, or of a whole [`Document`], for `accept`/`reject --to text` and tests.

use amend_model::content::{ChangeKind, Content, View};
use amend_model::document::{Block, Body, Document, Item, Resolution};
use amend_model::layout::Paragraph;
use amend_model::{Change, Footnote, Label};

/// Whether a paragraph with this mark runs on into the next one in `view`.
fn joins_next(mark: Option<&Change>, view: View) -> bool {
    matches!(
        (mark.map(|m| m.kind), view),
        (Some(ChangeKind::DeletedInsertion), _)
            | (Some(ChangeKind::ParagraphDeletion), View::Accepted)
            | (Some(ChangeKind::ParagraphInsertion), View::Rejected)
    )
}

struct Out {
    text: String,
    join: bool,
}

impl Out {
    fn new() -> Self {
        Self {
            text: String::new(),
            join: false,
        }
    }

    /// Writes one paragraph; `mark` decides whether the next one runs on.
    fn paragraph(&mut self, label: Option<&str>, text: &str, mark: Option<&Change>, view: View) {
        let label = label.filter(|l| !l.is_empty());
        if !self.join && !self.text.is_empty() {
            self.text.push('\n');
        }
        if let Some(label) = label
            && !text.trim().is_empty()
        {
            self.text.push_str(label);
            self.text.push('\t');
        }
        self.text.push_str(text);
        self.join = joins_next(mark, view);
    }

    fn row(&mut self, cells: &[Content], view: View) {
        let texts: Vec<String> = cells.iter().map(|c| c.view(view)).collect();
        if texts.iter().all(|t| t.trim().is_empty()) {
            return;
        }
        let mut line = String::from("|");
        for t in texts {
            line.push(' ');
            line.push_str(&t.replace('\n', " "));
            line.push_str(" |");
        }
        self.paragraph(None, &line, None, view);
    }

    fn footnotes(&mut self, footnotes: &[Footnote], view: View) {
        if footnotes.is_empty() {
            return;
        }
        // A note inserted or deleted whole, or whose reference is gone from this text, is
        // gone too.
        let referenced = markers(&self.text);
        for note in footnotes {
            let shown = note.mark.as_ref().is_none_or(|m| match view {
                View::Accepted => m.kind.in_accepted(),
                View::Rejected => m.kind.in_rejected(),
            });
            if !shown || !referenced.contains(&note.marker) {
                continue;
            }
            let text = note.content.view(view);
            self.paragraph(
                None,
                &format!("[{}] {}", note.marker, text.trim()),
                None,
                view,
            );
        }
    }
}

/// The footnote markers `[n]` in a text, in one pass.
fn markers(text: &str) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let tail = &rest[open + 1..];
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && tail.as_bytes().get(digits) == Some(&b']') {
            out.insert(tail[..digits].to_string());
        }
        rest = tail;
    }
    out
}

/// The text of the paragraphs a reader found, in one view, followed by the footnotes as
/// `[n] text`. `rejected_labels` gives the list labels of the rejected text (when absent,
/// the paragraphs' own labels are used in both views).
pub fn paragraphs_text(
    paragraphs: &[Paragraph],
    rejected_labels: Option<&[Option<String>]>,
    footnotes: &[Footnote],
    view: View,
) -> String {
    let mut out = Out::new();
    for (i, p) in paragraphs.iter().enumerate() {
        if let Some(cells) = &p.cells {
            out.row(cells, view);
            continue;
        }
        let label = match (view, rejected_labels) {
            (View::Rejected, Some(labels)) => labels.get(i).cloned().flatten(),
            _ => p.list_label.clone(),
        };
        out.paragraph(
            label.as_deref(),
            &p.content.view(view),
            p.mark.as_deref(),
            view,
        );
    }
    out.footnotes(footnotes, view);
    out.text
}

fn label_text(label: &Label, view: View) -> String {
    label.written.view(view)
}

fn blocks(out: &mut Out, blocks: &[Block], view: View) {
    for block in blocks {
        match block {
            Block::Heading { content, .. } => out.paragraph(None, &content.view(view), None, view),
            Block::Paragraph { content, mark, .. } => {
                out.paragraph(None, &content.view(view), mark.as_deref(), view);
            }
            Block::ListItem { label, content, .. } => {
                let label = label_text(label, view);
                out.paragraph(Some(&label), &content.view(view), None, view);
            }
            Block::Table { rows, .. } => {
                for row in rows {
                    out.row(row, view);
                }
            }
        }
    }
}

fn item(out: &mut Out, item: &Item, view: View) {
    let label = item.label.as_ref().map(|l| label_text(l, view));
    out.paragraph(
        label.as_deref(),
        &item.content.view(view),
        item.mark.as_deref(),
        view,
    );
    for child in &item.children {
        self::item(out, child, view);
    }
}

fn resolution(out: &mut Out, r: &Resolution, view: View) {
    blocks(out, &r.front_matter, view);
    let tb = &r.title_block;
    out.paragraph(None, &tb.number_line.view(view), None, view);
    if !tb.title.is_empty() {
        out.paragraph(None, &tb.title.view(view), None, view);
    }
    if let Some(h) = &tb.history {
        out.paragraph(None, &h.content.view(view), None, view);
    }
    if let Some(e) = &r.enacting {
        out.paragraph(None, &e.content.view(view), None, view);
    }
    for s in &r.sections {
        if !s.heading.is_empty() {
            out.paragraph(None, &s.heading.view(view), s.mark.as_deref(), view);
        }
        if let Some(t) = &s.title {
            out.paragraph(None, &t.view(view), None, view);
        }
        for i in &s.items {
            item(out, i, view);
        }
    }
    for a in &r.annexes {
        out.paragraph(None, &a.heading.view(view), None, view);
        blocks(out, &a.blocks, view);
    }
}

/// The accepted or rejected text of a whole document, footnotes last as `[n] text`.
pub fn document_text(doc: &Document, view: View) -> String {
    let mut out = Out::new();
    match &doc.body {
        Body::Resolution(r) => resolution(&mut out, r, view),
        Body::Collection(c) => {
            blocks(&mut out, &c.front_matter, view);
            for r in &c.resolutions {
                resolution(&mut out, r, view);
            }
        }
        Body::Generic(g) => blocks(&mut out, &g.blocks, view),
        Body::Contribution(c) => {
            let parts = |out: &mut Out, parts: &[amend_model::EnvelopePart]| {
                for part in parts {
                    if let Some(h) = &part.heading {
                        out.paragraph(None, &h.view(view), None, view);
                    }
                    for p in &part.paragraphs {
                        out.paragraph(None, &p.view(view), None, view);
                    }
                }
            };
            parts(&mut out, &c.envelope);
            for p in &c.proposals {
                if let Some(m) = &p.margin {
                    out.paragraph(None, m, None, view);
                }
                if let Some(r) = &p.resolution {
                    resolution(&mut out, r, view);
                }
            }
            parts(&mut out, &c.trailer);
        }
    }
    out.footnotes(&doc.footnotes, view);
    out.text
}

#[cfg(test)]
mod tests {
    use super::*;
    use amend_model::{SourceSpan, Span};

    #[test]
    fn deleted_marks_join_paragraphs_in_the_accepted_view() {
        let mut first = Paragraph::new(Content::plain("split"), SourceSpan::default());
        first.mark = Some(Box::new(Change::new(ChangeKind::ParagraphDeletion)));
        let second = Paragraph::new(
            Content::from_spans(vec![
                Span::plain(" Paragraph"),
                Span::marked(".", Change::insertion()),
            ]),
            SourceSpan::default(),
        );
        let ps = [first, second];
        assert_eq!(
            paragraphs_text(&ps, None, &[], View::Accepted),
            "split Paragraph."
        );
        assert_eq!(
            paragraphs_text(&ps, None, &[], View::Rejected),
            "split\n Paragraph"
        );
    }
}
