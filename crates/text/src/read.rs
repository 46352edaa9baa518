//! The plain-text reader (ITU layout, UN layout, generic fallback) and the CriticMarkup
//! reader. Both cut the input into paragraphs (one per line) with change-marked spans
//! and hand them to the layout rules of the model.

use std::sync::LazyLock;

use amend_model::layout::{self, LayoutInput, Paragraph};
use amend_model::{
    Change, ChangeKind, Content, Document, Finding, RemovedMarker, SourceSpan, Span,
};
use regex::Regex;

use crate::find;

/// How to read marks in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// Plain text: braces are text.
    Plain,
    /// CriticMarkup: `{++ins++}`, `{--del--}`, `{~~old~>new~~}`, `{>>comment<<}`, `{==hi==}`.
    Critic,
}

/// Options of the text readers.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The contribution's source, overriding detection (`--source`).
    pub source: Option<String>,
    /// Leave node ids empty (see `LayoutInput::without_ids`).
    pub without_ids: bool,
}

static MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[bookmark: [^\]\n]*\]").expect("marker pattern"));

/// Reads plain text in the ITU or UN layout; anything else becomes a generic document.
pub fn read_plain(text: &str, options: &ReadOptions) -> Document {
    read(text, Markup::Plain, options)
}

/// Reads the plain-text layout with CriticMarkup inline.
pub fn read_critic(text: &str, options: &ReadOptions) -> Document {
    read(text, Markup::Critic, options)
}

/// Reads `text` with the given markup.
pub fn read(text: &str, markup: Markup, options: &ReadOptions) -> Document {
    read_at(text, 0, false, markup, options)
}

/// Reads `text` as [`read_at`] does, where the text is known to be plain lines ending with
/// LF alone and to hold no extractor marker (a part of [`crate::split_collection`]).
/// `line_ends` is the number of LFs in the text, which the cut counted.
pub(crate) fn read_plain_lines_at(
    text: &str,
    base: usize,
    continues: bool,
    line_ends: usize,
    options: &ReadOptions,
) -> Document {
    let body_start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let paragraphs = plain_lines(text, body_start, base, Some(line_ends)).unwrap_or_default();
    layout::build(LayoutInput {
        paragraphs,
        footnotes: Vec::new(),
        removed_markers: Vec::new(),
        source: options.source.clone(),
        continues,
        without_ids: options.without_ids,
        // A part is read for its resolution; the whole text's reading reports them.
        without_lost_hyphens: true,
    })
}

/// Reads `text`, a piece of a larger input that starts at byte `base` of it: source
/// positions are given in the larger input.
/// With `continues`, the text goes on after the piece (see [`LayoutInput::continues`]).
pub(crate) fn read_at(
    text: &str,
    base: usize,
    continues: bool,
    markup: Markup,
    options: &ReadOptions,
) -> Document {
    let scan = scan(text, base, markup);
    let mut document = layout::build(LayoutInput {
        paragraphs: scan.paragraphs,
        footnotes: Vec::new(),
        removed_markers: scan.removed,
        source: options.source.clone(),
        continues,
        without_ids: options.without_ids,
        without_lost_hyphens: false,
    });
    document.warnings.extend(scan.warnings);
    document
}

/// A run of the input under one mark.
struct Segment {
    start: usize,
    end: usize,
    kind: Option<ChangeKind>,
}

struct Scan {
    paragraphs: Vec<Paragraph>,
    removed: Vec<RemovedMarker>,
    warnings: Vec<Finding>,
}

impl Scan {
    /// Moves every source position `base` bytes on.
    fn shift(&mut self, base: usize) {
        let by =
            |span: &mut SourceSpan| *span = SourceSpan::new(span.start + base, span.end + base);
        for paragraph in &mut self.paragraphs {
            by(&mut paragraph.span);
            let cells = paragraph.cells.iter_mut().flatten();
            for content in std::iter::once(&mut paragraph.content).chain(cells) {
                for span in &mut content.spans {
                    if let Some(src) = &mut span.src {
                        by(src);
                    }
                }
            }
        }
        for marker in &mut self.removed {
            by(&mut marker.span);
        }
        for warning in &mut self.warnings {
            by(&mut warning.span);
        }
    }
}

/// Cuts the input into paragraphs, with source positions `base` bytes on.
fn scan(text: &str, base: usize, markup: Markup) -> Scan {
    let body_start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    if markup == Markup::Plain
        && let Some(paragraphs) = plain_lines(text, body_start, base, None)
    {
        return Scan {
            paragraphs,
            removed: Vec::new(),
            warnings: Vec::new(),
        };
    }
    let mut scan = scan_marked(text, body_start, markup);
    if base > 0 {
        scan.shift(base);
    }
    scan
}

/// The paragraphs of plain text whose lines all end with LF alone and that holds no
/// extractor marker (most plain text): one unmarked span per non-empty line, found in one
/// pass over the text. `None` at the first CR or marker, which the general scan handles.
/// With `known_line_ends`, the caller knows there is neither and how many LFs there are:
/// only line ends are sought, and not counted first.
fn plain_lines(
    text: &str,
    body_start: usize,
    base: usize,
    known_line_ends: Option<usize>,
) -> Option<Vec<Paragraph>> {
    let bytes = text.as_bytes();
    let body = &bytes[body_start..];
    let line_ends = known_line_ends.unwrap_or_else(|| find::count(body, b'\n'));
    let mut paragraphs = Vec::with_capacity(line_ends + 1);
    let mut para_start = body_start;
    let mut on_hit = |at: usize| {
        let at = body_start + at;
        match bytes[at] {
            b'\n' => {
                paragraphs.push(plain_paragraph(text, base, para_start, at));
                para_start = at + 1;
                true
            }
            b'\r' => false,
            // `[` is rare in text, and only one that opens a marker sends the text
            // elsewhere.
            _ => !bytes[at..].starts_with(b"[bookmark: "),
        }
    };
    let all = if known_line_ends.is_some() {
        find::each_of(body, [b'\n'], &mut on_hit)
    } else {
        find::each_of(body, [b'\n', b'\r', b'['], &mut on_hit)
    };
    if !all {
        return None;
    }
    if para_start < text.len() {
        paragraphs.push(plain_paragraph(text, base, para_start, text.len()));
    }
    Some(paragraphs)
}

/// The paragraph of the plain line `text[start..end]`, with source positions `base` bytes
/// on. Inlined: the paragraph is then made where it is pushed.
#[inline(always)]
fn plain_paragraph(text: &str, base: usize, start: usize, end: usize) -> Paragraph {
    let span = SourceSpan::new(base + start, base + end);
    let content = if start < end {
        Content {
            spans: vec![Span {
                text: text[start..end].to_string(),
                change: None,
                src: Some(span),
            }],
        }
    } else {
        Content::new()
    };
    Paragraph::new(content, span)
}

/// Cuts the input into marked segments, then into paragraphs at line ends.
fn scan_marked(text: &str, body_start: usize, markup: Markup) -> Scan {
    let mut warnings = Vec::new();
    let segments = match markup {
        Markup::Plain => vec![Segment {
            start: body_start,
            end: text.len(),
            kind: None,
        }],
        Markup::Critic => critic_segments(text, body_start, &mut warnings),
    };

    // One paragraph per line: reserve for them all at once.
    let mut paragraphs = Vec::with_capacity(line_count(&text.as_bytes()[body_start..]));
    let mut removed = Vec::new();
    let mut current = Content::new();
    let mut para_start = body_start;
    // Without a CR anywhere, line ends are found by a byte search for LF alone; without
    // `[bookmark:` anywhere, no line is searched for extractor markers.
    let has_cr = memchr::memchr(b'\r', text.as_bytes()).is_some();
    let has_markers = memchr::memmem::find(text.as_bytes(), b"[bookmark: ").is_some();
    for segment in &segments {
        let mut pos = segment.start;
        while pos < segment.end {
            let slice = &text.as_bytes()[pos..segment.end];
            // Comments keep their line ends: they are not paragraph breaks.
            let line_end = if segment.kind == Some(ChangeKind::Comment) {
                None
            } else if has_cr {
                memchr::memchr2(b'\n', b'\r', slice)
            } else {
                memchr::memchr(b'\n', slice)
            };
            let stop = line_end.map_or(segment.end, |i| pos + i);
            // After a changed line end, leading blanks belong to the joined text: move
            // them before the line end so that joining keeps the space.
            if current.is_empty()
                && paragraphs
                    .last()
                    .is_some_and(|p: &Paragraph| p.mark.is_some())
            {
                let blanks =
                    text[pos..stop].len() - text[pos..stop].trim_start_matches([' ', '\t']).len();
                if blanks > 0 {
                    if let Some(last) = paragraphs.last_mut() {
                        let span = Span::plain(&text[pos..pos + blanks])
                            .with_src(SourceSpan::new(pos, pos + blanks));
                        last.content.push(span);
                    }
                    pos += blanks;
                    para_start = pos;
                }
            }
            // Only a line holding the marker's opening is searched for markers.
            if has_markers && text[pos..stop].contains("[bookmark: ") {
                push_text(text, pos, stop, segment.kind, &mut current, &mut removed);
            } else {
                push_run(text, pos, stop, segment.kind, &mut current);
            }
            let Some(_) = line_end else {
                pos = stop;
                continue;
            };
            let newline_len = if has_cr && text.as_bytes()[stop..].starts_with(b"\r\n") {
                2
            } else {
                1
            };
            let mark = match segment.kind {
                Some(ChangeKind::Insertion) => Some(Change::new(ChangeKind::Insertion)),
                Some(ChangeKind::Deletion) => Some(Change::new(ChangeKind::Deletion)),
                _ => None,
            };
            let mut paragraph = Paragraph::new(
                std::mem::take(&mut current),
                SourceSpan::new(para_start, stop),
            );
            paragraph.mark = mark.map(Box::new);
            paragraphs.push(paragraph);
            pos = stop + newline_len;
            para_start = pos;
        }
    }
    if !current.is_empty() || para_start < text.len() {
        paragraphs.push(Paragraph::new(
            current,
            SourceSpan::new(para_start, text.len()),
        ));
    }
    Scan {
        paragraphs,
        removed,
        warnings,
    }
}

/// Number of lines of a text (line ends counted, plus one).
fn line_count(bytes: &[u8]) -> usize {
    find::count(bytes, b'\n') + 1
}

/// Adds `text[start..stop]` (no extractor marker in it) to the paragraph.
fn push_run(
    text: &str,
    start: usize,
    stop: usize,
    kind: Option<ChangeKind>,
    current: &mut Content,
) {
    if start >= stop {
        return;
    }
    let span = Span {
        text: text[start..stop].to_string(),
        change: kind.map(|k| Box::new(Change::new(k))),
        src: Some(SourceSpan::new(start, stop)),
    };
    if current.spans.is_empty() {
        // Most paragraphs are one span: no room for more.
        current.spans = vec![span];
    } else {
        current.push(span);
    }
}

/// Adds `text[start..stop]` to the paragraph, cutting out extractor markers.
fn push_text(
    text: &str,
    start: usize,
    stop: usize,
    kind: Option<ChangeKind>,
    current: &mut Content,
    removed: &mut Vec<RemovedMarker>,
) {
    let slice = &text[start..stop];
    let mut last = 0;
    let emit = |from: usize, to: usize, current: &mut Content| {
        if from < to {
            let span = Span {
                text: slice[from..to].to_string(),
                change: kind.map(|k| Box::new(Change::new(k))),
                src: Some(SourceSpan::new(start + from, start + to)),
            };
            current.push(span);
        }
    };
    for m in MARKER.find_iter(slice) {
        emit(last, m.start(), current);
        removed.push(RemovedMarker {
            text: m.as_str().to_string(),
            span: SourceSpan::new(start + m.start(), start + m.end()),
        });
        last = m.end();
    }
    emit(last, slice.len(), current);
}

/// Finds CriticMarkup marks. An unclosed mark is kept as text, with a warning.
fn critic_segments(text: &str, start: usize, warnings: &mut Vec<Finding>) -> Vec<Segment> {
    let bytes = text.as_bytes();
    let mut segments = Vec::new();
    let mut plain_start = start;
    let mut i = start;
    while i + 2 < bytes.len() {
        if bytes[i] != b'{' {
            i += 1;
            continue;
        }
        // Compare bytes: `{` may be followed by a multi-byte character.
        let (opener, close, kind) = match &bytes[i..i + 3] {
            b"{++" => ("{++", "++}", ChangeKind::Insertion),
            b"{--" => ("{--", "--}", ChangeKind::Deletion),
            b"{~~" => ("{~~", "~~}", ChangeKind::Deletion),
            b"{>>" => ("{>>", "<<}", ChangeKind::Comment),
            b"{==" => ("{==", "==}", ChangeKind::Highlight),
            _ => {
                i += 1;
                continue;
            }
        };
        let Some(rel) = text[i + 3..].find(close) else {
            warnings.push(Finding {
                code: "unclosed-mark".into(),
                message: format!("`{opener}` is never closed by `{close}`; kept as text"),
                span: SourceSpan::new(i, i + 3),
            });
            i += 3;
            continue;
        };
        let inner_start = i + 3;
        let inner_end = inner_start + rel;
        if plain_start < i {
            segments.push(Segment {
                start: plain_start,
                end: i,
                kind: None,
            });
        }
        if opener == "{~~" {
            let inner = &text[inner_start..inner_end];
            match inner.find("~>") {
                Some(arrow) => {
                    segments.push(Segment {
                        start: inner_start,
                        end: inner_start + arrow,
                        kind: Some(ChangeKind::Deletion),
                    });
                    segments.push(Segment {
                        start: inner_start + arrow + 2,
                        end: inner_end,
                        kind: Some(ChangeKind::Insertion),
                    });
                }
                None => {
                    warnings.push(Finding {
                        code: "substitution-without-arrow".into(),
                        message: "`{~~` without `~>`: read as a deletion".into(),
                        span: SourceSpan::new(i, inner_end + 3),
                    });
                    segments.push(Segment {
                        start: inner_start,
                        end: inner_end,
                        kind: Some(ChangeKind::Deletion),
                    });
                }
            }
        } else {
            segments.push(Segment {
                start: inner_start,
                end: inner_end,
                kind: Some(kind),
            });
        }
        i = inner_end + 3;
        plain_start = i;
    }
    if plain_start < text.len() {
        segments.push(Segment {
            start: plain_start,
            end: text.len(),
            kind: None,
        });
    }
    segments
}

/// Whether a text carries CriticMarkup marks.
pub fn has_critic_marks(text: &str) -> bool {
    // One pass over the text for every opener (each begins with `{`, rare in plain text).
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'{', bytes).any(|at| {
        matches!(
            bytes.get(at + 1..at + 3),
            Some(b"++" | b"--" | b"~~" | b">>" | b"==")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_at0(text: &str, markup: Markup) -> Scan {
        scan(text, 0, markup)
    }

    proptest::proptest! {
        /// The one-pass reading of plain lines gives what the general scan gives, source
        /// positions included (moved on by `base`).
        #[test]
        fn plain_lines_read_as_the_general_scan(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", " ", "\t", "\n", "\n\n", "\r", "\r\n", "[", "[bookmark: _x]",
                    "[bookmark: ", "]", "\u{a0}", "\u{feff}", "{++", "++}", "\u{e9}",
                ]),
                0..24,
            ),
            base in 0usize..5,
        ) {
            let text = pieces.concat();
            let body_start = if text.starts_with('\u{feff}') { 3 } else { 0 };
            let mut general = scan_marked(&text, body_start, Markup::Plain);
            general.shift(base);
            let read = scan(&text, base, Markup::Plain);
            proptest::prop_assert_eq!(&read.paragraphs, &general.paragraphs);
            proptest::prop_assert_eq!(&read.removed, &general.removed);
            if let Some(fast) = plain_lines(&text, body_start, base, None) {
                proptest::prop_assert_eq!(&fast, &general.paragraphs);
                let line_ends = text.as_bytes()[body_start..].iter().filter(|&&b| b == b'\n').count();
                let known = plain_lines(&text, body_start, base, Some(line_ends));
                proptest::prop_assert_eq!(known.as_ref(), Some(&fast));
            }
        }
    }

    #[test]
    fn paragraphs_split_at_any_line_end_and_markers_are_removed() {
        let scan = scan_at0("\u{feff}a\r\nb\rc\n[bookmark: _GoBack]d", Markup::Plain);
        let texts: Vec<String> = scan
            .paragraphs
            .iter()
            .map(|p| p.content.written())
            .collect();
        assert_eq!(texts, vec!["a", "b", "c", "d"]);
        assert_eq!(scan.removed.len(), 1);
        assert_eq!(scan.removed[0].text, "[bookmark: _GoBack]");
        assert_eq!(scan.paragraphs[1].span, SourceSpan::new(6, 7));
    }

    #[test]
    fn critic_marks_become_spans_and_paragraph_marks() {
        let scan = scan_at0("a {++new\n++}b{~~x~>y~~}{>>why\nnot<<}", Markup::Critic);
        assert_eq!(scan.paragraphs.len(), 2);
        assert_eq!(
            scan.paragraphs[0].mark.as_ref().map(|c| c.kind),
            Some(ChangeKind::Insertion)
        );
        let second = &scan.paragraphs[1].content;
        assert_eq!(second.accepted(), "by");
        assert_eq!(second.rejected(), "bx");
    }

    #[test]
    fn unclosed_marks_are_text_with_a_warning() {
        let scan = scan_at0("a {++b", Markup::Critic);
        assert_eq!(scan.paragraphs[0].content.written(), "a {++b");
        assert_eq!(scan.warnings.len(), 1);
    }

    proptest::proptest! {
        /// One pass finds the marks the search for each opener found.
        #[test]
        fn critic_marks_are_found_as_each_opener_search_found_them(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "{", "+", "-", "~", ">", "=", "<", "}", "a", " ", "\u{e9}", "{{",
                ]),
                0..10,
            )
        ) {
            let text = pieces.concat();
            let expected = ["{++", "{--", "{~~", "{>>", "{=="]
                .iter()
                .any(|opener| text.contains(opener));
            proptest::prop_assert_eq!(has_critic_marks(&text), expected);
        }
    }

    #[test]
    fn a_brace_before_a_multibyte_character_is_text() {
        // Found by the fuzzer: `{>` then U+00C3 once sliced inside the character.
        let short = scan_at0("{>\u{c3}", Markup::Critic);
        assert_eq!(short.paragraphs[0].content.written(), "{>\u{c3}");
        let marked = scan_at0("x{\u{e9}\u{e9}{++y++}", Markup::Critic);
        assert_eq!(marked.paragraphs[0].content.accepted(), "x{\u{e9}\u{e9}y");
    }
}
