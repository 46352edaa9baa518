//! The plain-text and Markdown (CriticMarkup) writers.

use std::borrow::Cow;

use amend_model::{Body, ChangeKind, Content, Document, Span, View};

use rayon::prelude::*;

use crate::lines::{
    LineRef, collection_front_lines, collection_resolutions, footnote_lines, for_each_line,
    joins_next, resolution_lines,
};

/// From this many resolutions on, a collection's resolutions are written in parallel.
const PARALLEL_FROM: usize = 16;

/// Plain text: one paragraph per line, label, tab, text. With a view, the text with all
/// changes accepted or rejected; without, the text as written (every span, no marks).
pub fn write_text(document: &Document, view: Option<View>) -> String {
    let mut out = String::new();
    for_each_line(document, &mut |line| {
        let label = line
            .label
            .map(|label| text_in(label, view))
            .unwrap_or_default();
        let content = text_in(&line.content, view);
        let label = label.trim();
        let joined = match view {
            Some(v) => joins_next(line.mark, v == View::Accepted),
            None => false,
        };
        let tab = !label.is_empty() && !content.is_empty();
        if label.is_empty() && content.trim().is_empty() && (joined || line.mark.is_some()) {
            return;
        }
        out.push_str(label);
        if tab {
            out.push('\t');
        }
        out.push_str(&content);
        if !joined {
            out.push('\n');
        }
    });
    out
}

/// The text of `content` in `view` (as written without one), borrowed when one span makes
/// it up (most lines): no copy per line.
fn text_in(content: &Content, view: Option<View>) -> Cow<'_, str> {
    match view {
        Some(v) => content.view_str(v),
        None => written_str(content),
    }
}

/// [`Content::written`], borrowed when one span makes it up.
fn written_str(content: &Content) -> Cow<'_, str> {
    let mut shown = content
        .spans
        .iter()
        .filter(|s| s.kind() != Some(ChangeKind::Comment));
    match (shown.next(), shown.next()) {
        (None, _) => Cow::Borrowed(""),
        (Some(only), None) => Cow::Borrowed(&only.text),
        _ => Cow::Owned(content.written()),
    }
}

/// The whole document in the plain-text layout with its changes as CriticMarkup, so that
/// accepting it gives the new text and rejecting it the old.
pub fn write_markdown(document: &Document) -> String {
    let mut out = String::with_capacity(markdown_size_hint(document));
    match collection_resolutions(document) {
        Some(resolutions) if resolutions.len() >= PARALLEL_FROM => {
            collection_front_lines(document, &mut |line| markdown_line(&mut out, &line));
            let parts: Vec<String> = resolutions
                .par_iter()
                .map(|resolution| {
                    let mut part = String::new();
                    resolution_lines(resolution, &mut |line| markdown_line(&mut part, &line));
                    part
                })
                .collect();
            out.reserve(parts.iter().map(String::len).sum());
            for part in parts {
                out.push_str(&part);
            }
            footnote_lines(document, &mut |line| markdown_line(&mut out, &line));
        }
        _ => for_each_line(document, &mut |line| markdown_line(&mut out, &line)),
    }
    out
}

/// About the size of a resolution's Markdown, from the span of text it was read from:
/// its text, and room for marks and deleted text (a redline with a tenth of its words
/// changed is about a third longer than its text), so that the output is written into
/// one buffer instead of one moved as it grows. Nothing for other documents.
fn markdown_size_hint(document: &Document) -> usize {
    match &document.body {
        Body::Resolution(r) => {
            let len = r.span.end.saturating_sub(r.span.start);
            // Bounded: the span of another reader's source (a .docx's XML) may be
            // larger than its text.
            (len + len / 2 + 64).min(1 << 24)
        }
        _ => 0,
    }
}

/// One line with its marks; a mark never spans two lines.
fn markdown_line(out: &mut String, line: &LineRef<'_>) {
    let mut writer = MarkWriter { out, open: None };
    line_segments(line, &mut writer);
    writer.close();
}

/// Writes runs of text under CriticMarkup marks, one mark per run of equal kinds: a run
/// stays open while the next text has the same kind.
struct MarkWriter<'o> {
    out: &'o mut String,
    /// The kind of the run being written (`Some(None)`: unmarked text).
    open: Option<Option<ChangeKind>>,
}

impl MarkWriter<'_> {
    #[inline]
    fn push(&mut self, text: &str, kind: Option<ChangeKind>) {
        if text.is_empty() {
            return;
        }
        if self.open != Some(kind) {
            self.switch(kind);
        }
        self.out.push_str(text);
    }

    /// [`MarkWriter::push`] of one ASCII character (a tab, a line end): pushed as a
    /// character, without a copy of a string.
    #[inline]
    fn push_char(&mut self, c: char, kind: Option<ChangeKind>) {
        if self.open != Some(kind) {
            self.switch(kind);
        }
        self.out.push(c);
    }

    /// Closes the open run and opens one of `kind` (most text is unmarked, whose
    /// delimiters are empty: nothing is written for them).
    #[inline]
    fn switch(&mut self, kind: Option<ChangeKind>) {
        self.close();
        if kind.is_some() {
            self.out.push_str(delimiters(kind).0);
        }
        self.open = Some(kind);
    }

    #[inline]
    fn close(&mut self) {
        if let Some(Some(kind)) = self.open.take() {
            self.out.push_str(delimiters(Some(kind)).1);
        }
    }
}

fn delimiters(kind: Option<ChangeKind>) -> (&'static str, &'static str) {
    match kind {
        None => ("", ""),
        Some(ChangeKind::Insertion) => ("{++", "++}"),
        Some(ChangeKind::Deletion) => ("{--", "--}"),
        Some(ChangeKind::Comment) => ("{>>", "<<}"),
        Some(ChangeKind::Highlight) => ("{==", "==}"),
        Some(_) => ("", ""),
    }
}

fn line_segments(line: &LineRef<'_>, w: &mut MarkWriter<'_>) {
    let kind_of = |span: &Span| span.kind().and_then(markup_kind);
    if let Some(label) = line.label {
        for span in &label.spans {
            w.push(&span.text, kind_of(span));
        }
        if !line.content.is_empty() {
            let left = label.spans.last().and_then(kind_of);
            let right = line.content.spans.first().and_then(kind_of);
            w.push_char('\t', if left == right { left } else { None });
        }
    }
    for span in &line.content.spans {
        w.push(&span.text, kind_of(span));
    }
    let newline_kind = line.mark.and_then(|m| match m.kind {
        ChangeKind::Insertion | ChangeKind::MoveTo | ChangeKind::ParagraphInsertion => {
            Some(ChangeKind::Insertion)
        }
        ChangeKind::Deletion | ChangeKind::MoveFrom | ChangeKind::ParagraphDeletion => {
            Some(ChangeKind::Deletion)
        }
        _ => None,
    });
    // Marking the line end of a wholly changed paragraph is harmless (an empty line
    // either way), and a split or joined paragraph needs it.
    w.push_char('\n', newline_kind);
}

/// The CriticMarkup kind that renders a change kind (moves render as their text effect).
fn markup_kind(kind: ChangeKind) -> Option<ChangeKind> {
    match kind {
        ChangeKind::Insertion | ChangeKind::MoveTo | ChangeKind::Alternative => {
            Some(ChangeKind::Insertion)
        }
        ChangeKind::Deletion | ChangeKind::MoveFrom => Some(ChangeKind::Deletion),
        // In neither text, as a comment is (CriticMarkup cannot nest a deletion in an
        // insertion).
        ChangeKind::Comment | ChangeKind::DeletedInsertion => Some(ChangeKind::Comment),
        ChangeKind::Highlight => Some(ChangeKind::Highlight),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ReadOptions, read_critic};

    /// A collection large enough to be written in parallel: the resolutions come out in
    /// order, each exactly as the line-by-line writer lays it out.
    #[test]
    fn a_large_collection_is_written_as_line_by_line() {
        let resolution = "RESOLUTION {n} (Rev. Dubai, 2012)\nTitle {n}\n\
            The World Telecommunication Standardization Assembly (Dubai, 2012),\n\
            considering\na)\tthat {--the old--}{++a new++} text {n};\n\
            b)\tthat more[1];\nresolves\n1\tto act {n}.\n";
        let text: String = (1..=PARALLEL_FROM + 4)
            .map(|n| resolution.replace("{n}", &n.to_string()))
            .chain(std::iter::once("[1] A note.\n".to_string()))
            .collect();
        let document = read_critic(&text, &ReadOptions::default());
        assert!(
            collection_resolutions(&document).is_some_and(|r| r.len() > PARALLEL_FROM),
            "a collection of resolutions"
        );
        let mut expected = String::new();
        for_each_line(&document, &mut |line| markdown_line(&mut expected, &line));
        assert_eq!(write_markdown(&document), expected);
        assert!(expected.contains("{--the old--}{++a new++} text 20;"));
    }
}
