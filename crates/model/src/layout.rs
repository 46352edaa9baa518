//! The layout rules: from a sequence of paragraphs (with their change marks) to the
//! structured [`Document`]. Every reader (plain text, CriticMarkup, .docx) produces
//! paragraphs and calls [`build`], so all readers give the same model.

use std::borrow::Cow;
use std::sync::LazyLock;

use crate::pattern::LinePattern;

use regex::Regex;

use crate::content::{Change, ChangeKind, Content, Span, View};
use crate::document::{
    Action, Annex, Block, Body, Collection, Contribution, Document, Enacting, EnvelopePart,
    Finding, Footnote, Generic, History, Instrument, InstrumentKind, Item, Meeting, PartKind,
    Proposal, RemovedMarker, Resolution, Revision, Section, SectionKind, TitleBlock,
};
use crate::ids;
use crate::label::Label;
use crate::label::{
    LabelFound, LabelShape, LabelValue, Punctuation, Scheme, alpha_value_of, find_label_in,
    roman_value_of,
};
use crate::span::SourceSpan;
use crate::vocabulary;

/// One paragraph as a reader found it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Paragraph {
    pub content: Content,
    /// A change to the paragraph mark (paragraph inserted, or joined with the next).
    pub mark: Option<Box<Change>>,
    /// The paragraph style (.docx), which gives structure directly when known.
    pub style: Option<String>,
    /// A list label computed from automatic numbering (.docx).
    pub list_label: Option<String>,
    /// Set when the paragraph is a table row: its cells.
    pub cells: Option<Vec<Content>>,
    pub span: SourceSpan,
}

impl Paragraph {
    pub fn new(content: Content, span: SourceSpan) -> Self {
        Self {
            content,
            span,
            ..Self::default()
        }
    }

    /// The text used to classify the paragraph: its accepted text, or the rejected text
    /// when the paragraph is gone from the accepted one.
    fn key(&self) -> Cow<'_, str> {
        // Fast path: one unmarked span (most paragraphs of most inputs).
        if let [span] = self.content.spans.as_slice()
            && span.change.is_none()
        {
            return normalize_spaces(trim_blanks(&span.text));
        }
        let accepted = self.content.accepted();
        let key = if accepted.trim().is_empty() {
            self.content.rejected()
        } else {
            accepted
        };
        Cow::Owned(normalize_spaces(key.trim()).into_owned())
    }

    fn is_blank(&self) -> bool {
        self.cells.is_none()
            && self.list_label.is_none()
            && self
                .content
                .spans
                .iter()
                .all(|s| s.kind() == Some(ChangeKind::Comment) || is_blank_text(&s.text))
    }

    fn style_is(&self, names: &[&str]) -> bool {
        self.style
            .as_deref()
            .is_some_and(|s| names.iter().any(|n| s.eq_ignore_ascii_case(n)))
    }
}

/// A paragraph's content without its leading blanks; a paragraph whose mark changed
/// (`keep_end`) keeps its trailing blanks, which separate it from the paragraph it joins.
fn body_of(content: Content, keep_end: bool) -> Content {
    let content = content.trim_start();
    if keep_end {
        content
    } else {
        content.trim_end()
    }
}

/// What the reader knows beyond the paragraphs.
#[derive(Debug, Clone, Default)]
pub struct LayoutInput {
    pub paragraphs: Vec<Paragraph>,
    pub footnotes: Vec<Footnote>,
    pub removed_markers: Vec<RemovedMarker>,
    /// The contribution's source given by the user (`--source`), overriding detection.
    pub source: Option<String>,
    /// The paragraphs are a piece of a longer text that goes on after them (one
    /// resolution of a collection read alone): their end is not the text's end, so
    /// trailing blank and `[n]` paragraphs stay paragraphs, as in the whole.
    pub continues: bool,
    /// Leave every `eid` and `wid` empty: for a document that is only shown as text
    /// (a Markdown redline), where nothing reads them and assigning them is wasted.
    pub without_ids: bool,
    /// Do not look for lost hyphens (`Document::lost_hyphens` stays empty): for a piece
    /// read for its structure alone, whose whole text is checked elsewhere if at all.
    pub without_lost_hyphens: bool,
}

fn normalize_spaces(text: &str) -> Cow<'_, str> {
    // ASCII text (most lines) has neither space; the check is a fast word-wise scan.
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    // U+00A0 is C2 A0 and U+202F is E2 80 AF in UTF-8: a vectorised search for their
    // first bytes finds them, and the text between them is copied whole (many lines of
    // real text hold a no-break space, so this is not rare).
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = memchr::memchr2(0xC2, 0xE2, &bytes[from..]) {
        let at = from + found;
        let rest = &bytes[at..];
        let len = if rest.starts_with(&[0xC2, 0xA0]) {
            2
        } else if rest.starts_with(&[0xE2, 0x80, 0xAF]) {
            3
        } else {
            from = at + 1;
            continue;
        };
        // `at` starts a character (both are lead bytes), so the slices below are whole.
        let replaced = out.get_or_insert_with(|| String::with_capacity(text.len()));
        replaced.push_str(&text[copied..at]);
        replaced.push(' ');
        copied = at + len;
        from = copied;
    }
    match out {
        Some(mut replaced) => {
            replaced.push_str(&text[copied..]);
            Cow::Owned(replaced)
        }
        None => Cow::Borrowed(text),
    }
}

static TITLE_LINE: LinePattern = LinePattern::new(
    r"^(?:(RESOLUTION|DECISION|RECOMMENDATION|OPINION)|(Resolution|Decision))\s+((?:ITU-[RTD]\s+)?(?:[A-Z]{1,4}\s?)?\d+(?:/\d+)?[A-Z]?(?:\s*\([^)]*\))?(?:\s*\[[^\]]*\])?)\s*$",
);
static UN_TITLE_LINE: LinePattern = LinePattern::new(r"^(\d{1,3}/\d{1,4})\.\s+\S");
/// What [`revision_stamp`] finds by hand (kept as its specification, for its test).
#[cfg(test)]
static REVISION: LinePattern = LinePattern::new(r"\((Rev\.[^)]*)\)");
static PLACE_YEAR: LinePattern =
    LinePattern::new(r"([A-Z][\p{L}'. -]*?[\p{L}.])?,?\s*((?:19|20)\d\d)");
static MARGIN_LINE: LinePattern =
    LinePattern::new(r"^(MOD|ADD|SUP|NOC)(?:\s+([A-Z]{2,6}/[\w/.-]+))?\s*$");
static HISTORY_LINE: LinePattern =
    LinePattern::new(r"^\(([^()]*(?:19|20)\d\d[^()]*)\)((?:\s*,?\s*\[?\d+\]?(?:bis|ter)?)*)\s*$");
static MERGED_HISTORY: LinePattern = LinePattern::new(
    r"^\S.*?\s(\((?:[^();,]+,\s*(?:19|20)\d\d)(?:;\s*[^();,]+,\s*(?:19|20)\d\d)*\))\s*$",
);
static ENACTING_LINE: LinePattern = LinePattern::new(r"^The\s+(.+?)(?:\s*\(([^)]*)\))?\s*,\s*$");
static DIVISION_LINE: LinePattern = LinePattern::new(
    r"^(?:SECTION|Section|PART|Part|CHAPTER|Chapter)\s+([0-9IVX]+(?:bis|ter|quater)?)\s*$",
);
static ANNEX_LINE: LinePattern = LinePattern::new(
    r"^(?:ANNEX|Annex|APPENDIX|Appendix|ATTACHMENT|Attachment)(?:\s+([A-Z0-9]{1,4}))?\s*(?:\(.*\))?\s*$",
);
static ENVELOPE_HEADING: LinePattern = LinePattern::new(
    r"^(Abstract|Summary|Introduction|Background|Proposals?|Discussion|Contact|Source|Title|Subject|Keywords|Purpose)\s*:?\s*(.*)$",
);
static FOOTNOTE_LINE: LinePattern = LinePattern::new(r"^\[(\d{1,4})\]\s*(.*)$");
static TABLE_RULE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[+|][-=+:| ]*[+|]$").expect("table rule pattern"));
/// The words each anchored line pattern can start with (see `classify`).
const TITLE_WORDS: &[&str] = &[
    "RESOLUTION",
    "DECISION",
    "RECOMMENDATION",
    "OPINION",
    "Resolution",
    "Decision",
];
const MARGIN_WORDS: &[&str] = &["MOD", "ADD", "SUP", "NOC"];
const DIVISION_WORDS: &[&str] = &["SECTION", "Section", "PART", "Part", "CHAPTER", "Chapter"];
const ANNEX_WORDS: &[&str] = &[
    "ANNEX",
    "Annex",
    "APPENDIX",
    "Appendix",
    "ATTACHMENT",
    "Attachment",
];
const ENVELOPE_WORDS: &[&str] = &[
    "Abstract",
    "Summary",
    "Introduction",
    "Background",
    "Proposal",
    "Discussion",
    "Contact",
    "Source",
    "Title",
    "Subject",
    "Keywords",
    "Purpose",
];

fn starts_with_any(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.starts_with(w))
}

/// Builds the document from the paragraphs a reader found.
pub fn build(input: LayoutInput) -> Document {
    let LayoutInput {
        paragraphs,
        mut footnotes,
        removed_markers,
        source,
        continues,
        without_ids,
        without_lost_hyphens,
    } = input;
    let mut paragraphs = paragraphs;

    // Trailing `[n] text` paragraphs are footnotes (pandoc's plain text puts them there).
    if footnotes.is_empty() && !continues {
        footnotes = take_trailing_footnotes(&mut paragraphs);
    }

    let mut warnings = Vec::new();
    // One pass over the paragraphs for both (each paragraph's text is read once while
    // it is in the cache).
    let mut lost_hyphens = Vec::new();
    let mut classes: Vec<Class> = Vec::with_capacity(paragraphs.len());
    for p in &paragraphs {
        if !without_lost_hyphens {
            find_lost_hyphens(p, &mut lost_hyphens);
        }
        classes.push(classify(p));
    }

    let titles: Vec<usize> = classes
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c, Class::Title))
        .map(|(i, _)| i)
        .collect();

    let body = if titles.is_empty() {
        match un_resolution(&mut paragraphs, &classes) {
            Some(resolution) => Body::Resolution(resolution),
            None => Body::Generic(Generic {
                blocks: {
                    let n = paragraphs.len();
                    blocks(&mut paragraphs, &classes, 0, n)
                },
            }),
        }
    } else {
        let first = titles[0];
        let envelope_signals = classes[..first]
            .iter()
            .filter(|c| matches!(c, Class::EnvelopeHeading(_) | Class::Margin))
            .count();
        let has_contact = classes
            .iter()
            .any(|c| matches!(c, Class::EnvelopeHeading(PartKind::Contact)));
        if envelope_signals > 0 || has_contact {
            Body::Contribution(contribution(
                &mut paragraphs,
                &classes,
                &titles,
                source,
                &mut warnings,
            ))
        } else if titles.len() > 1 {
            let front_matter = blocks(&mut paragraphs, &classes, 0, first);
            let mut resolutions = Vec::new();
            for (n, &start) in titles.iter().enumerate() {
                let end = titles.get(n + 1).copied().unwrap_or(paragraphs.len());
                resolutions.push(resolution(
                    &mut paragraphs,
                    &classes,
                    start,
                    end,
                    Vec::new(),
                ));
            }
            Body::Collection(Collection {
                front_matter,
                resolutions,
            })
        } else {
            let front_matter = blocks(&mut paragraphs, &classes, 0, first);
            let end = paragraphs.len();
            Body::Resolution(resolution(
                &mut paragraphs,
                &classes,
                first,
                end,
                front_matter,
            ))
        }
    };

    let mut document = Document::new(body);
    document.footnotes = footnotes;
    document.removed_markers = removed_markers;
    document.lost_hyphens = lost_hyphens;
    document.warnings = warnings;
    if !without_ids {
        for resolution in document.resolutions_mut() {
            ids::assign(resolution);
        }
    }
    document
}

/// The role a paragraph can play, decided from its own text and style.
#[derive(Debug, Clone, PartialEq)]
enum Class {
    Blank,
    Title,
    Margin,
    EnvelopeHeading(PartKind),
    Division,
    Annex,
    Heading(SectionKind),
    Table,
    Text,
}

fn classify(paragraph: &Paragraph) -> Class {
    if paragraph.cells.is_some() {
        return Class::Table;
    }
    // One unmarked span with neither style nor list label (a plain line, as most are):
    // blank when its trimmed text is empty. A line whose first byte opens no pattern of
    // `classify_key` (each starts with a capital, `+` or `|`) can only be a heading, and
    // the ends of its text rule most such lines out (the key keeps the text's first and
    // last characters and is no longer) before the key is made.
    if paragraph.style.is_none() && paragraph.list_label.is_none() {
        match paragraph.content.spans.as_slice() {
            [] => return Class::Blank,
            [span] if span.change.is_none() => {
                let text = trim_blanks(&span.text);
                let Some(&first) = text.as_bytes().first() else {
                    return Class::Blank;
                };
                if first.is_ascii_uppercase() || first == b'+' || first == b'|' {
                    return classify_key(&normalize_spaces(text), None, false);
                }
                if text.ends_with([';', '.', ','])
                    || !text.chars().next().is_some_and(char::is_lowercase)
                {
                    return Class::Text;
                }
                // What `classify_key` gives a key starting with a lower-case letter.
                return match heading_kind(&normalize_spaces(text), false) {
                    Some(kind) => Class::Heading(kind),
                    None => Class::Text,
                };
            }
            _ => {}
        }
    }
    if paragraph.is_blank() {
        return Class::Blank;
    }
    classify_key(
        paragraph.key().as_ref(),
        paragraph.style.as_deref(),
        paragraph.list_label.is_some(),
    )
}

/// The role of a non-blank paragraph from its key text, its style and whether it has a
/// computed list label.
fn classify_key(key: &str, style: Option<&str>, has_list_label: bool) -> Class {
    let style_is =
        |names: &[&str]| style.is_some_and(|s| names.iter().any(|n| s.eq_ignore_ascii_case(n)));
    // Each pattern below is anchored at the start and begins with one of a few words: a
    // line that starts with none of them cannot match, and is not searched. Every such
    // word starts with an ASCII capital, so most lines are ruled out by their first byte.
    let capital = key.as_bytes().first().is_some_and(u8::is_ascii_uppercase);
    if style_is(&["ResNo", "DecNo", "RecNo"]) || (capital && title_line(key).is_some()) {
        return Class::Title;
    }
    if capital && starts_with_any(key, MARGIN_WORDS) && MARGIN_LINE.on(key).is_match(key) {
        return Class::Margin;
    }
    if style_is(&["SectionNo"])
        || (capital && starts_with_any(key, DIVISION_WORDS) && DIVISION_LINE.on(key).is_match(key))
    {
        return Class::Division;
    }
    if style_is(&["AnnexNo", "AppendixNo"])
        || (capital && starts_with_any(key, ANNEX_WORDS) && ANNEX_LINE.on(key).is_match(key))
    {
        return Class::Annex;
    }
    if key.starts_with(['+', '|'])
        && (TABLE_RULE.is_match(key)
            || (key.len() > 1 && key.starts_with('|') && key.ends_with('|')))
    {
        return Class::Table;
    }
    if capital
        && starts_with_any(key, ENVELOPE_WORDS)
        && let Some(kind) = envelope_heading(key)
    {
        return Class::EnvelopeHeading(kind);
    }
    if !has_list_label && let Some(kind) = heading_kind(key, style_is(&["Call"])) {
        return Class::Heading(kind);
    }
    Class::Text
}

/// What the layout rules make of one line of plain text standing alone (as the text
/// reader hands it over: one unmarked paragraph), as far as cutting a long text into its
/// resolutions needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineRole {
    Blank,
    /// A resolution's number line: a resolution starts here.
    Title,
    /// A margin mark or an envelope heading, which can make the text a contribution.
    Envelope,
    /// A `[n] text` line, which becomes a note when nothing but notes follows it.
    Note,
    Other,
}

/// The [`LineRole`] of a line of plain text, decided by the rules [`build`] applies.
pub fn plain_line_role(line: &str) -> LineRole {
    // Every role but `Other` needs the line to be blank or its first character past the
    // blanks to be a capital (titles, margin marks, envelope headings) or `[` (notes): a
    // line that starts otherwise (most lines) is decided by its first bytes.
    let first = line
        .bytes()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'));
    if first.is_some_and(|b| b.is_ascii() && !b.is_ascii_uppercase() && b != b'[') {
        return LineRole::Other;
    }
    if line.trim_start().is_empty() {
        return LineRole::Blank;
    }
    let key = normalize_spaces(line.trim());
    match classify_key(&key, None, false) {
        Class::Title => LineRole::Title,
        Class::Margin | Class::EnvelopeHeading(_) => LineRole::Envelope,
        _ if is_footnote_line(&key) => LineRole::Note,
        _ => LineRole::Other,
    }
}

/// The instrument number a resolution whose number line is this plain line gets.
pub fn plain_title_number(line: &str) -> String {
    title_number(&normalize_spaces(line.trim()))
}

/// [`plain_line_role`] of `text[start..end]`: most lines are decided by their first bytes,
/// before the line is cut out of the text.
#[inline]
pub fn plain_line_role_in(text: &str, start: usize, end: usize) -> LineRole {
    let line = &text.as_bytes()[start..end];
    let first_at = line
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'));
    let Some(first_at) = first_at else {
        return plain_line_role(&text[start..end]);
    };
    let first = line[first_at];
    if first.is_ascii() && !first.is_ascii_uppercase() && first != b'[' {
        return LineRole::Other;
    }
    // A line that starts with a capital has a role only when its key starts with a word
    // of a title, a margin mark or an envelope heading (all ASCII letters, which the key's
    // trim and space normalisation leave as they are): most such lines (`The World ...`)
    // start with none, and are decided without their key.
    if first.is_ascii_uppercase() {
        let rest = &line[first_at..];
        let starts_role_word = [TITLE_WORDS, MARGIN_WORDS, ENVELOPE_WORDS]
            .iter()
            .any(|words| words.iter().any(|w| rest.starts_with(w.as_bytes())));
        if !starts_role_word {
            return LineRole::Other;
        }
    }
    plain_line_role(&text[start..end])
}

fn envelope_heading(key: &str) -> Option<PartKind> {
    let caps = ENVELOPE_HEADING.on(key).captures(key)?;
    let word = caps.get(1)?.as_str();
    let rest = caps.get(2).map_or("", |m| m.as_str());
    // A heading stands alone, or is followed by a colon and its text.
    if !rest.is_empty() && !key[word.len()..].trim_start().starts_with(':') {
        return None;
    }
    Some(match word {
        "Abstract" | "Summary" => PartKind::Abstract,
        "Introduction" | "Background" | "Purpose" => PartKind::Introduction,
        "Proposal" | "Proposals" => PartKind::Proposal,
        "Contact" => PartKind::Contact,
        "Source" => PartKind::Source,
        "Title" | "Subject" => PartKind::Title,
        _ => PartKind::Other,
    })
}

/// Whether `key` is a section heading, and of which part.
fn heading_kind(key: &str, styled: bool) -> Option<SectionKind> {
    // A key starts with its first word (keys are trimmed): most lines are ruled out by
    // their ends before the line is cut into words.
    let lower_start = match key.chars().next() {
        Some(c) if !c.is_whitespace() => c.is_lowercase(),
        _ => key
            .split_whitespace()
            .next()
            .and_then(|w| w.chars().next())
            .is_some_and(char::is_lowercase),
    };
    if key.len() > 200 || key.ends_with([';', '.', ',']) || (!lower_start && !styled) {
        return None;
    }
    // The first word, and what follows it: `split_whitespace` of the key, read no further
    // than the words needed.
    let key_start = key.trim_start();
    // The first ASCII blank ends the word unless a character outside ASCII (perhaps
    // white space) comes first.
    let first_end = match key_start
        .bytes()
        .position(|b| is_ascii_blank(b) || !b.is_ascii())
    {
        Some(at) if key_start.as_bytes()[at].is_ascii() => at,
        None => key_start.len(),
        Some(_) => key_start
            .find(char::is_whitespace)
            .unwrap_or(key_start.len()),
    };
    let first = &key_start[..first_end];
    if first.is_empty() {
        return None;
    }
    let mut words = key_start[first_end..].split_whitespace();
    // The first words decide first: most lines that get here are items whose first word
    // (their label) opens nothing, and the word count and the label search walk the line.
    let kind = with_lowercase(first, |word| {
        if vocabulary::is_operative_opener(word) {
            // `further resolves`, `also decides`: only with a second operative word.
            if matches!(word, "further" | "also") {
                let second = words.next()?;
                return with_lowercase(second, vocabulary::is_operative_opener)
                    .then_some(SectionKind::Operative);
            }
            return Some(SectionKind::Operative);
        }
        if vocabulary::is_preamble_opener(word) {
            return Some(SectionKind::Preamble);
        }
        styled.then_some(SectionKind::Operative)
    })?;
    if has_more_words_than(key, 16) || find_label_in(key, false).is_some() {
        return None;
    }
    Some(kind)
}

/// Calls `f` with the lower-case form of `word` (as `str::to_lowercase` gives it), on the
/// stack for a short ASCII word.
fn with_lowercase<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    // An ASCII word without capitals (most words asked about) is its own lower case.
    if word
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        return f(word);
    }
    let mut buffer = [0u8; 32];
    if word.is_ascii() && word.len() <= buffer.len() {
        let lower = &mut buffer[..word.len()];
        for (to, b) in lower.iter_mut().zip(word.bytes()) {
            *to = b.to_ascii_lowercase();
        }
        // ASCII in, ASCII out.
        f(std::str::from_utf8(lower).unwrap_or_default())
    } else {
        f(&word.to_lowercase())
    }
}

/// Trailing `[n] text` paragraphs are notes. A paragraph whose marker itself changed
/// (`[{-1-}{+2+}]`: a note renumbered by another's insertion) stays a paragraph, since a
/// note's marker reads the same in both views; a note inserted or deleted whole keeps that
/// change as its mark.
fn take_trailing_footnotes(paragraphs: &mut Vec<Paragraph>) -> Vec<Footnote> {
    let mut footnotes = Vec::new();
    let mut start = paragraphs.len();
    while start > 0 {
        let p = &paragraphs[start - 1];
        if p.is_blank() {
            start -= 1;
        } else if let Some(note) = is_footnote_line(&p.key())
            .then(|| trailing_note(p))
            .flatten()
        {
            footnotes.push(note);
            start -= 1;
        } else {
            break;
        }
    }
    paragraphs.truncate(start);
    footnotes.reverse();
    footnotes
}

/// Whether `key` is a `[n] text` line. The pattern is anchored at `[`: a line that starts
/// otherwise (the last line of most texts) is not searched, and the pattern not built.
fn is_footnote_line(key: &str) -> bool {
    key.starts_with('[') && FOOTNOTE_LINE.on(key).is_match(key)
}

/// The note a trailing `[n] text` paragraph holds, unless its marker carries a change of
/// its own or the paragraph a mark the note could not keep.
fn trailing_note(p: &Paragraph) -> Option<Footnote> {
    let content = p.content.clone().trimmed();
    let written = content.written();
    let caps = FOOTNOTE_LINE.on(&written).captures(&written)?;
    let text_start = caps.get(2).map_or(written.len(), |m| m.start());
    let (marker, text) = content.split_at_written(text_start);
    let whole = whole_change(&content).cloned().map(Box::new);
    if whole.is_none() && (p.mark.is_some() || marker.spans.iter().any(|s| s.change.is_some())) {
        return None;
    }
    Some(Footnote {
        marker: caps[1].to_string(),
        content: text,
        mark: whole,
        span: p.span,
    })
}

/// The change that marks all of a content when every span is in the same one view only
/// (all inserted, or all deleted).
fn whole_change(content: &Content) -> Option<&Change> {
    let first: &Change = content.spans.first()?.change.as_deref()?;
    let side = |k: ChangeKind| (k.in_accepted(), k.in_rejected());
    if side(first.kind) == (true, true) {
        return None;
    }
    content
        .spans
        .iter()
        .all(|s| s.kind().is_some_and(|k| side(k) == side(first.kind)))
        .then_some(first)
}

/// Generic blocks for paragraphs `start..end`.
fn blocks(paragraphs: &mut [Paragraph], classes: &[Class], start: usize, end: usize) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut table: Option<(Vec<Vec<Content>>, SourceSpan)> = None;
    for i in start..end {
        let p = &paragraphs[i];
        if classes[i] == Class::Table {
            let (rows, span) = table.get_or_insert_with(|| (Vec::new(), p.span));
            *span = span.join(p.span);
            if let Some(cells) = &p.cells {
                rows.push(cells.clone());
            } else if let Some(cells) = text_table_row(&p.content) {
                rows.push(cells);
            }
            continue;
        }
        if let Some((rows, span)) = table.take() {
            out.push(Block::Table { rows, span });
        }
        if classes[i] == Class::Blank {
            continue;
        }
        if let Some(label_text) = &p.list_label {
            out.push(Block::ListItem {
                label: label_from_list(label_text),
                content: p.content.clone().trimmed(),
                span: p.span,
            });
            continue;
        }
        if let Some((label, rest)) = split_label(&p.content, false)
            && matches!(label.value.as_ref().map(|v| v.scheme), Some(Scheme::Bullet))
        {
            out.push(Block::ListItem {
                label,
                content: rest.trim_end(),
                span: p.span,
            });
            continue;
        }
        let heading_level = p.style.as_deref().and_then(|s| {
            let lower = s.to_ascii_lowercase();
            lower
                .strip_prefix("heading")
                .and_then(|n| n.trim().parse::<u8>().ok())
        });
        match heading_level {
            Some(level) => out.push(Block::Heading {
                level,
                content: p.content.clone().trimmed(),
                span: p.span,
            }),
            None => {
                let p = &mut paragraphs[i];
                let keep_end = p.mark.is_some();
                out.push(Block::Paragraph {
                    content: body_of(std::mem::take(&mut p.content), keep_end),
                    mark: p.mark.clone(),
                    span: p.span,
                });
            }
        }
    }
    if let Some((rows, span)) = table.take() {
        out.push(Block::Table { rows, span });
    }
    out
}

/// The cells of a plain-text grid-table row `| a | b |`, each keeping its change marks;
/// rule lines and rows of empty cells have none.
fn text_table_row(content: &Content) -> Option<Vec<Content>> {
    let text = content.written();
    let trimmed = text.trim();
    if !trimmed.chars().any(char::is_alphanumeric)
        && (TABLE_RULE.is_match(trimmed) || trimmed.chars().all(|c| c == '|' || c.is_whitespace()))
    {
        return None;
    }
    let mut cells = Vec::new();
    let mut rest = content.clone();
    let mut cut = 0;
    for (at, _) in text.match_indices('|') {
        let (cell, after) = rest.split_at_written(at - cut);
        let (_, after) = after.split_at_written(1);
        cells.push(cell.trimmed());
        rest = after;
        cut = at + 1;
    }
    cells.push(rest.trimmed());
    // The outer pipes open and close the row; nothing stands outside them.
    if trimmed.starts_with('|') && cells.first().is_some_and(Content::is_empty) {
        cells.remove(0);
    }
    if trimmed.ends_with('|') && cells.len() > 1 && cells.last().is_some_and(Content::is_empty) {
        cells.pop();
    }
    Some(cells)
}

/// Adds the lost hyphens of one paragraph to `out`.
fn find_lost_hyphens(p: &Paragraph, out: &mut Vec<Finding>) {
    for span in &p.content.spans {
        for_each_lost_hyphen(&span.text, |start, end| {
            let at = span
                .src
                .map_or(p.span, |s| SourceSpan::new(s.start + start, s.start + end));
            // Built by hand: a formatting call costs several times more, for every hit.
            const TAIL: &str = "` has probably lost a non-breaking hyphen";
            let word = &span.text[start..end];
            let mut message = String::with_capacity(1 + word.len() + TAIL.len());
            message.push('`');
            message.push_str(word);
            message.push_str(TAIL);
            out.push(Finding {
                code: "lost-hyphen".into(),
                message,
                span: at,
            });
        });
    }
}

/// Words that have probably lost a non-breaking hyphen, in the order they are tried at
/// one place (`ITUTs` is taken when `ITUT` does not end a word).
const LOST_HYPHEN_WORDS: [&str; 7] = [
    "ITUT",
    "ITUR",
    "ITUD",
    "WGWSIS",
    "CWGInternet",
    "ITUTs",
    "ITURs",
];

/// Calls `f` with the byte range of each of [`LOST_HYPHEN_WORDS`] standing as a whole
/// word in `text` (ASCII word boundaries), left to right, without overlaps: what the
/// pattern `\b(ITU[TRD]|WGWSIS|CWGInternet|ITUTs|ITURs)\b` finds. Written by hand because
/// every paragraph is searched, and a vectorised search for the three first letters is
/// faster than a regex search per paragraph.
fn for_each_lost_hyphen(text: &str, mut f: impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    // Each word holds a `U` or a `W` at a known place (`ITU…`, `WGWSIS`, `CWGInternet`),
    // capitals far rarer in text than `I` or `C`. A match is a whole word, so matches
    // never overlap, and each is found from one of its letters only: in order.
    for_each_u_or_w(bytes, |at| {
        let start = if bytes[at] == b'U' {
            // Every word with a `U` is `ITU` and `T`, `R` or `D`: other `U`s (most, in
            // text that names the ITU) are passed over here.
            if at < 2
                || &bytes[at - 2..at] != b"IT"
                || !matches!(bytes.get(at + 1), Some(b'T' | b'R' | b'D'))
            {
                return;
            }
            Some(at - 2)
        } else if bytes[at..].starts_with(b"WGWSIS") {
            Some(at)
        } else if at > 0 && bytes[at - 1] == b'C' {
            // The other `W`: `CWGInternet`'s.
            Some(at - 1)
        } else {
            return;
        };
        let Some(start) = start else { return };
        if start > 0 && is_word(bytes[start - 1]) {
            return;
        }
        let rest = &bytes[start..];
        if let Some(word) = LOST_HYPHEN_WORDS.iter().find(|w| {
            rest.starts_with(w.as_bytes()) && rest.get(w.len()).is_none_or(|&b| !is_word(b))
        }) {
            f(start, start + word.len());
        }
    });
}

/// Calls `f` with the place of every `U` and `W` in `bytes`, in order. Paragraphs are
/// short: compared 16 bytes at a time in line, a paragraph costs less than a call of a
/// general byte search (and one more for each letter found).
fn for_each_u_or_w(bytes: &[u8], mut f: impl FnMut(usize)) {
    #[cfg(target_arch = "x86_64")]
    {
        let mut blocks = bytes.chunks_exact(16);
        let mut at = 0;
        for block in &mut blocks {
            // SAFETY: SSE2 is part of every x86_64 processor (the target's baseline).
            let mut found = unsafe { u_or_w_sse2(block) };
            while found != 0 {
                f(at + found.trailing_zeros() as usize);
                found &= found - 1;
            }
            at += 16;
        }
        // The last bytes in one more block: the text's last 16 bytes, whose first bits
        // were seen, or (in a short text) the bytes padded with zeros.
        let rest = blocks.remainder().len();
        if rest > 0 {
            let mut found = if bytes.len() >= 16 {
                // SAFETY: as above.
                unsafe { u_or_w_sse2(&bytes[bytes.len() - 16..]) >> (16 - rest) }
            } else {
                let mut padded = [0u8; 16];
                padded[..rest].copy_from_slice(bytes);
                // SAFETY: as above.
                unsafe { u_or_w_sse2(&padded) }
            };
            while found != 0 {
                f(at + found.trailing_zeros() as usize);
                found &= found - 1;
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    for at in memchr::memchr2_iter(b'U', b'W', bytes) {
        f(at);
    }
}

/// The bits of the bytes of a 16-byte block that are `U` or `W`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn u_or_w_sse2(block: &[u8]) -> u32 {
    use std::arch::x86_64::*;
    let lo = u64::from_le_bytes(block[..8].try_into().unwrap_or_default());
    let hi = u64::from_le_bytes(block[8..16].try_into().unwrap_or_default());
    let v = _mm_set_epi64x(hi as i64, lo as i64);
    let u = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'U' as i8));
    let w = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'W' as i8));
    _mm_movemask_epi8(_mm_or_si128(u, w)) as u32
}

// ---------------------------------------------------------------------------
// Contributions

fn contribution(
    paragraphs: &mut [Paragraph],
    classes: &[Class],
    titles: &[usize],
    source_override: Option<String>,
    warnings: &mut Vec<Finding>,
) -> Contribution {
    // Each proposal starts at its margin line, if one directly precedes the title.
    let mut starts = Vec::new();
    for &t in titles {
        let mut start = t;
        let mut j = t;
        while j > 0 {
            j -= 1;
            match classes[j] {
                Class::Blank => continue,
                Class::Margin => start = j,
                _ => {}
            }
            break;
        }
        starts.push(start);
    }
    // The contact block (or any envelope heading after the last title) ends the proposals.
    let last_title = *titles.last().unwrap_or(&0);
    let trailer_start = (last_title..paragraphs.len())
        .find(|&i| matches!(classes[i], Class::EnvelopeHeading(_)))
        .unwrap_or(paragraphs.len());

    let envelope = envelope_parts(paragraphs, classes, 0, starts[0]);
    let trailer = envelope_parts(paragraphs, classes, trailer_start, paragraphs.len());

    // Source: `--source`, else a margin reference, else a group named in the envelope.
    let margin_source = starts.iter().find_map(|&s| {
        let key = paragraphs[s].key();
        let caps = MARGIN_LINE.on(&key).captures(&key)?;
        let reference = caps.get(2)?.as_str();
        let prefix = reference.split('/').next()?;
        Some(
            vocabulary::SOURCES
                .iter()
                .find(|(code, _)| *code == prefix)
                .map_or(prefix.to_string(), |(_, group)| group.to_string()),
        )
    });
    let named_source = || {
        let parts = envelope.iter().chain(trailer.iter());
        let ordered: Vec<&EnvelopePart> = parts
            .clone()
            .filter(|p| p.kind == PartKind::Proposal)
            .chain(parts.clone().filter(|p| p.kind == PartKind::Contact))
            .chain(parts.filter(|p| !matches!(p.kind, PartKind::Proposal | PartKind::Contact)))
            .collect();
        ordered.iter().find_map(|part| {
            let text: String = part
                .paragraphs
                .iter()
                .map(Content::accepted)
                .collect::<Vec<_>>()
                .join(" ");
            vocabulary::SOURCES
                .iter()
                .find(|(name, _)| contains_word(&text, name))
                .map(|(_, group)| group.to_string())
        })
    };
    let source = source_override.or(margin_source).or_else(named_source);
    if source.is_none() {
        warnings.push(Finding {
            code: "unknown-source".into(),
            message: "no margin reference or regional group names the source of this contribution"
                .into(),
            span: paragraphs
                .first()
                .map_or_else(SourceSpan::default, |p| p.span),
        });
    }
    let envelope_text: String = envelope
        .iter()
        .flat_map(|p| p.paragraphs.iter().map(Content::accepted))
        .collect::<Vec<_>>()
        .join(" ");

    let mut proposals = Vec::new();
    for (n, (&start, &title)) in starts.iter().zip(titles).enumerate() {
        let end = starts
            .get(n + 1)
            .copied()
            .unwrap_or(trailer_start)
            .min(trailer_start)
            .max(title + 1);
        let margin = (start < title).then(|| paragraphs[start].key().into_owned());
        let margin_action = margin.as_ref().and_then(|m| {
            MARGIN_LINE
                .on(m)
                .captures(m)
                .and_then(|c| Action::parse(c.get(1)?.as_str()))
        });
        let resolution = resolution(paragraphs, classes, title, end, Vec::new());
        let (action, inferred) = match margin_action {
            Some(action) => (action, false),
            None => {
                let action = infer_action(&envelope_text, &resolution);
                warnings.push(Finding {
                    code: "inferred-action".into(),
                    message: format!(
                        "no margin line (MOD, ADD, SUP, NOC) before {}; action inferred as {}",
                        resolution.title_block.number_line.accepted().trim(),
                        action.as_str()
                    ),
                    span: resolution.title_block.span,
                });
                (action, true)
            }
        };
        let span = paragraphs[start].span.join(resolution.span);
        proposals.push(Proposal {
            action,
            action_inferred: inferred,
            margin,
            instrument: resolution.title_block.instrument.clone(),
            source: source.clone(),
            resolution: Some(resolution),
            span,
        });
    }
    Contribution {
        envelope,
        proposals,
        trailer,
        source,
    }
}

fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// A proposal without a margin line: new if the text calls itself new, suppressed if it
/// proposes suppression, otherwise a modification.
fn infer_action(envelope_text: &str, resolution: &Resolution) -> Action {
    let lower = envelope_text.to_lowercase();
    if lower.contains("suppress") || lower.contains("deletion of resolution") {
        Action::Suppress
    } else if lower.contains("new resolution")
        || lower.contains("draft new")
        || (resolution.title_block.revision.is_none() && !lower.contains("revis"))
    {
        Action::Add
    } else {
        Action::Modify
    }
}

fn envelope_parts(
    paragraphs: &[Paragraph],
    classes: &[Class],
    start: usize,
    end: usize,
) -> Vec<EnvelopePart> {
    let mut parts: Vec<EnvelopePart> = Vec::new();
    for i in start..end {
        let p = &paragraphs[i];
        match &classes[i] {
            Class::Blank => {}
            Class::EnvelopeHeading(kind) => {
                let content = p.content.clone().trimmed();
                let written = content.written();
                // `Abstract: text` keeps its text as the part's first paragraph.
                let (heading, rest) = match written.find(':') {
                    Some(colon) if written[colon + 1..].trim().is_empty() => (content, None),
                    Some(colon) => {
                        let (h, r) = content.split_at_written(colon + 1);
                        (h, Some(r.trimmed()))
                    }
                    None => (content, None),
                };
                parts.push(EnvelopePart {
                    kind: *kind,
                    heading: Some(heading),
                    paragraphs: rest.into_iter().collect(),
                    span: p.span,
                });
            }
            _ => {
                let content = match &classes[i] {
                    Class::Table => text_table_row(&p.content)
                        .map(|cells| join_cells(&cells))
                        .unwrap_or_default(),
                    _ => p.content.clone().trimmed(),
                };
                if content.is_empty() {
                    continue;
                }
                match parts.last_mut() {
                    Some(part) => {
                        part.paragraphs.push(content);
                        part.span = part.span.join(p.span);
                    }
                    None => parts.push(EnvelopePart {
                        kind: if classes[i] == Class::Table {
                            PartKind::Other
                        } else {
                            PartKind::Title
                        },
                        heading: None,
                        paragraphs: vec![content],
                        span: p.span,
                    }),
                }
            }
        }
    }
    parts
}

fn join_cells(cells: &[Content]) -> Content {
    let mut out = Content::new();
    for (n, cell) in cells.iter().enumerate() {
        if n > 0 {
            out.push(Span::plain("\t"));
        }
        out = out.concat(cell.clone());
    }
    out
}

// ---------------------------------------------------------------------------
// Resolutions

fn resolution(
    paragraphs: &mut [Paragraph],
    classes: &[Class],
    start: usize,
    end: usize,
    front_matter: Vec<Block>,
) -> Resolution {
    let title_paragraph = &paragraphs[start];
    let number_line = title_paragraph.content.clone().trimmed();
    let key = title_paragraph.key();
    let (instrument, revision) = parse_title_line(&key);
    let title_span = title_paragraph.span;

    // Title lines run to the history line or the enacting formula.
    let mut i = start + 1;
    let mut title = Content::new();
    // The words of the title's written text, counted as each line joins it.
    let mut title_words = 0;
    let mut history = None;
    let mut enacting = None;
    let mut block_span = title_paragraph.span;
    while i < end {
        let p = &paragraphs[i];
        let k = p.key();
        match classes[i] {
            Class::Blank => {
                i += 1;
                continue;
            }
            Class::Text => {}
            _ => break,
        }
        // Each pattern is tried only where its fixed first or last character stands.
        if let Some((meetings, markers)) = history_line(&k) {
            history = Some(History {
                content: p.content.clone().trimmed(),
                meetings: parse_meetings(meetings),
                footnote_markers: parse_markers(markers),
            });
            block_span = block_span.join(p.span);
            i += 1;
            continue;
        }
        // A title with its history line merged: `Title (Johannesburg, 2008; Dubai, 2012)`.
        if history.is_none()
            && k.ends_with(')')
            && let Some(caps) = MERGED_HISTORY.on(&k).captures(&k)
            && let Some(m) = caps.get(1)
        {
            let content = p.content.clone().trimmed();
            let written = content.written();
            if let Some(at) = written.rfind(m.as_str()) {
                let (head, tail) = content.split_at_written(at);
                if !title.is_empty() {
                    title.push(Span::plain(" "));
                }
                let head = head.trimmed();
                title_words += content_words(&head);
                title = title.concat(head);
                history = Some(History {
                    content: tail,
                    meetings: parse_meetings(m.as_str().trim_matches(['(', ')'])),
                    footnote_markers: Vec::new(),
                });
                block_span = block_span.join(p.span);
                i += 1;
                continue;
            }
        }
        if let Some(e) = parse_enacting(p, &k) {
            enacting = Some(e);
            i += 1;
            break;
        }
        if history.is_some() || p.style_is(&["Call", "Normalaftertitle"]) {
            break;
        }
        if find_label_in(&k, false).is_some() {
            break;
        }
        // The key's words are the line's (the spaces it changes are white space too).
        let line_words = word_count(&k);
        if title_words + line_words > 60 {
            break;
        }
        if !title.is_empty() {
            title.push(Span::plain(" "));
        }
        let line = p.content.clone().trimmed();
        title_words += match p.content.spans.as_slice() {
            [span] if span.change.is_none() => line_words,
            _ => content_words(&line),
        };
        title = title.concat(line);
        block_span = block_span.join(p.span);
        i += 1;
    }

    let mut instrument = instrument;
    if let Some(e) = &enacting
        && instrument.body.is_none()
    {
        instrument.body = e
            .body
            .as_deref()
            .and_then(vocabulary::body_in)
            .map(String::from);
    }

    // Annexes end the sections.
    let annex_start = (i..end)
        .find(|&j| classes[j] == Class::Annex)
        .unwrap_or(end);
    let sections = sections(paragraphs, classes, i, annex_start);
    let annexes = annexes(paragraphs, classes, annex_start, end);
    let span = paragraphs[start..end]
        .iter()
        .map(|p| p.span)
        .fold(title_span, SourceSpan::join);

    Resolution {
        front_matter,
        title_block: TitleBlock {
            number_line,
            instrument,
            revision,
            title,
            history,
            span: block_span,
        },
        enacting,
        sections,
        annexes,
        span,
    }
}

/// The words of a content's written text: `written().split_whitespace().count()`.
fn content_words(content: &Content) -> usize {
    match content.spans.as_slice() {
        [] => 0,
        [span] if span.kind() != Some(ChangeKind::Comment) => word_count(&span.text),
        _ => word_count(&content.written()),
    }
}

/// Whether `text.split_whitespace().count() > n`.
fn has_more_words_than(text: &str, n: usize) -> bool {
    if !text.is_ascii() {
        return text.split_whitespace().nth(n).is_some();
    }
    ascii_word_count(text.as_bytes()) > n
}

/// `text.split_whitespace().count()`, byte by byte on ASCII text.
fn word_count(text: &str) -> usize {
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    ascii_word_count(text.as_bytes())
}

/// The words of ASCII text: the bytes that are not [`is_ascii_blank`] and follow one that
/// is (or start the text), counted 16 bytes at a time.
fn ascii_word_count(bytes: &[u8]) -> usize {
    let mut words = 0;
    // Whether the byte before the current block is blank (the text's start counts as).
    let mut blank_before = true;
    #[cfg(target_arch = "x86_64")]
    let bytes = {
        let mut blocks = bytes.chunks_exact(16);
        for block in &mut blocks {
            // SAFETY: SSE2 is part of every x86_64 processor (the target's baseline).
            let blank = unsafe { ascii_blanks_sse2(block) };
            let before = (blank << 1) | u32::from(blank_before);
            words += (!blank & before & 0xFFFF).count_ones() as usize;
            blank_before = blank & 0x8000 != 0;
        }
        blocks.remainder()
    };
    for &b in bytes {
        let blank = is_ascii_blank(b);
        words += usize::from(!blank && blank_before);
        blank_before = blank;
    }
    words
}

/// The bits of the bytes of a 16-byte block that are [`is_ascii_blank`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn ascii_blanks_sse2(block: &[u8]) -> u32 {
    use std::arch::x86_64::*;
    let lo = u64::from_le_bytes(block[..8].try_into().unwrap_or_default());
    let hi = u64::from_le_bytes(block[8..16].try_into().unwrap_or_default());
    let v = _mm_set_epi64x(hi as i64, lo as i64);
    let space = _mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8));
    // Tab to return: `b - 9` at most 4 as an unsigned byte.
    let from_tab = _mm_sub_epi8(v, _mm_set1_epi8(9));
    let control = _mm_cmpeq_epi8(_mm_min_epu8(from_tab, _mm_set1_epi8(4)), from_tab);
    _mm_movemask_epi8(_mm_or_si128(space, control)) as u32
}

/// A title line's word (`RESOLUTION`, `Decision`…) and its number part: the captures of
/// [`TITLE_LINE`] (groups 1 or 2, and 3). ASCII lines, nearly all, are matched by hand:
/// the pattern is the costliest to build of those every text needs.
fn title_line(key: &str) -> Option<(&str, &str)> {
    // The pattern is anchored at one of these words: other lines are not searched.
    let word = TITLE_WORDS.iter().find(|w| key.starts_with(*w))?;
    if !key.is_ascii() {
        let caps = TITLE_LINE.on(key).captures(key)?;
        let word = caps.get(1).or_else(|| caps.get(2))?.as_str();
        return Some((word, caps.get(3)?.as_str()));
    }
    let bytes = key.as_bytes();
    // `\s+` then the number part, whose first and last characters are never white space,
    // then `\s*$`: the part is what stands between the two runs of white space.
    let start = word.len() + spaces_at(bytes, word.len());
    if start == word.len() {
        return None;
    }
    let trailing = bytes[start..]
        .iter()
        .rev()
        .take_while(|&&b| is_regex_space(b))
        .count();
    let rest = &key[start..key.len() - trailing];
    title_number_matches(rest.as_bytes()).then_some((word, rest))
}

/// Whether all of `text` (ASCII) is a title's number part: `(?:ITU-[RTD]\s+)?(?:[A-Z]{1,4}
/// \s?)?\d+(?:/\d+)?[A-Z]?(?:\s*\([^)]*\))?(?:\s*\[[^\]]*\])?`. Each optional piece is
/// taken exactly when it can be: no other piece could match what it starts with, so the
/// pattern never has a second way to match.
fn title_number_matches(text: &[u8]) -> bool {
    let mut at = 0;
    if text.starts_with(b"ITU-")
        && text.get(4).is_some_and(|b| matches!(b, b'R' | b'T' | b'D'))
        && text.get(5).copied().is_some_and(is_regex_space)
    {
        at = 5 + spaces_at(text, 5);
    }
    let letters = text[at..]
        .iter()
        .take_while(|b| b.is_ascii_uppercase())
        .count();
    if letters > 4 {
        return false;
    }
    if letters > 0 {
        at += letters;
        if text.get(at).copied().is_some_and(is_regex_space) {
            at += 1;
        }
    }
    let digits = |from: usize| {
        text[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let number = digits(at);
    if number == 0 {
        return false;
    }
    at += number;
    if text.get(at) == Some(&b'/') && digits(at + 1) > 0 {
        at += 1 + digits(at + 1);
    }
    if text.get(at).is_some_and(u8::is_ascii_uppercase) {
        at += 1;
    }
    for (open, close) in [(b'(', b')'), (b'[', b']')] {
        let from = at + spaces_at(text, at);
        if text.get(from) == Some(&open) {
            match memchr::memchr(close, &text[from + 1..]) {
                Some(end) => at = from + 1 + end + 1,
                None => return false,
            }
        }
    }
    at == text.len()
}

/// The regex's ASCII `\s`: tab, line feed, vertical tab, form feed, return, space.
fn is_regex_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

/// Bytes of the run of [`is_regex_space`] bytes at `at`.
fn spaces_at(bytes: &[u8], at: usize) -> usize {
    bytes.get(at..).map_or(0, |rest| {
        rest.iter().take_while(|&&b| is_regex_space(b)).count()
    })
}

/// The instrument number of a title line (`parse_title_line`'s, without the rest).
fn title_number(key: &str) -> String {
    match title_line(key) {
        Some((_, rest)) => number_of_title(rest),
        None => un_title_number(key),
    }
}

/// The number in a title line's number part: what stands before any parenthesis.
fn number_of_title(rest: &str) -> String {
    rest.split('(').next().unwrap_or("").trim().to_string()
}

/// The number of a UN title line (`70/1. Title`), or none.
fn un_title_number(key: &str) -> String {
    if key.starts_with(|c: char| c.is_numeric())
        && let Some(caps) = UN_TITLE_LINE.on(key).captures(key)
    {
        return caps[1].to_string();
    }
    String::new()
}

fn parse_title_line(key: &str) -> (Instrument, Option<Revision>) {
    let (kind, number) = match title_line(key) {
        Some((word, rest)) => {
            let kind = match word.to_ascii_uppercase().as_str() {
                "DECISION" => InstrumentKind::Decision,
                "RECOMMENDATION" => InstrumentKind::Recommendation,
                "OPINION" => InstrumentKind::Opinion,
                _ => InstrumentKind::Resolution,
            };
            (kind, number_of_title(rest))
        }
        None => (InstrumentKind::Resolution, un_title_number(key)),
    };
    let revision = revision_stamp(key).map(|stamp| {
        let as_written = stamp.to_string();
        let (place, year) = last_place_year(&as_written);
        Revision {
            as_written,
            place,
            year,
        }
    });
    (
        Instrument {
            body: None,
            kind,
            number,
        },
        revision,
    )
}

/// The text inside the first `(Rev. …)` of a line: the capture of [`REVISION`], found by
/// hand (this runs for every title line, and the pattern would be built for it).
fn revision_stamp(key: &str) -> Option<&str> {
    // The first `(` that opens `(Rev.`: a title line has few parentheses, and a search
    // for them needs no searcher built per call.
    let bytes = key.as_bytes();
    let open = memchr::memchr_iter(b'(', bytes).find(|&at| bytes[at..].starts_with(b"(Rev."))?;
    // `[^)]*` stops at the first `)`; without one after the first `(Rev.`, there is none
    // after a later one either.
    let close = open + 5 + memchr::memchr(b')', &key.as_bytes()[open + 5..])?;
    Some(&key[open + 1..close])
}

/// The last `Place, Year` of a stamp (the new one, when flattening glued two).
fn last_place_year(text: &str) -> (Option<String>, Option<u16>) {
    // `trim_start_matches("Rev.")`, without building a substring searcher per call.
    let mut text = text;
    while let Some(rest) = text.strip_prefix("Rev.") {
        text = rest;
    }
    let text = text.trim();
    let mut place = None;
    let mut year = None;
    if text.is_ascii() {
        if let Some((place_at, (start, end))) = last_place_year_ascii(text) {
            year = text[start..end].parse().ok();
            place = place_at.map(|(start, end)| text[start..end].trim().to_string());
        }
    } else {
        for caps in PLACE_YEAR.on(text).captures_iter(text) {
            year = caps[2].parse().ok();
            place = caps.get(1).map(|m| {
                // A glued stamp `2012Hammamet`: the place starts after the digits.
                m.as_str().trim().to_string()
            });
        }
    }
    (place.filter(|p| !p.is_empty()), year)
}

/// One match of [`PLACE_YEAR`]: where its place stands (when it has one) and its year.
type PlaceYear = (Option<(usize, usize)>, (usize, usize));

/// The matches of [`PLACE_YEAR`] in ASCII text, left to right, as the pattern finds them
/// (there `\p{L}` is an ASCII letter and `\s` ASCII white space): written by hand because
/// every title and history line is searched, and building the pattern costs more than a
/// short run reads.
/// The last of [`place_years_ascii`], found without keeping the others.
fn last_place_year_ascii(text: &str) -> Option<PlaceYear> {
    let bytes = text.as_bytes();
    let mut last = None;
    let mut from = 0;
    while let Some(m) = (from..bytes.len()).find_map(|at| place_year_at(bytes, at)) {
        from = m.1.1;
        last = Some(m);
    }
    last
}

#[cfg(test)]
fn place_years_ascii(text: &str) -> Vec<PlaceYear> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(m) = (from..bytes.len()).find_map(|at| place_year_at(bytes, at)) {
        from = m.1.1;
        found.push(m);
    }
    found
}

/// The match of [`PLACE_YEAR`] starting at `at`: first with a place (`[A-Z]`, then the
/// shortest run of place characters ending in a letter or `.` that a year follows), else
/// the year alone.
fn place_year_at(bytes: &[u8], at: usize) -> Option<PlaceYear> {
    let in_place = |b: u8| b.is_ascii_alphabetic() || matches!(b, b'\'' | b'.' | b' ' | b'-');
    if bytes[at].is_ascii_uppercase() {
        let mut end = at + 1;
        while end < bytes.len() && in_place(bytes[end]) {
            end += 1;
            let last = bytes[end - 1];
            if (last.is_ascii_alphabetic() || last == b'.')
                && let Some(year) = year_at(bytes, end)
            {
                return Some((Some((at, end)), year));
            }
        }
    }
    year_at(bytes, at).map(|year| (None, year))
}

/// `,?\s*((?:19|20)\d\d)` at `at` (ASCII): where the year stands.
fn year_at(bytes: &[u8], mut at: usize) -> Option<(usize, usize)> {
    if bytes.get(at) == Some(&b',') {
        at += 1;
    }
    at += spaces_at(bytes, at);
    match bytes.get(at..at + 4)? {
        [b'1', b'9', c, d] | [b'2', b'0', c, d] if c.is_ascii_digit() && d.is_ascii_digit() => {
            Some((at, at + 4))
        }
        _ => None,
    }
}

fn parse_meetings(text: &str) -> Vec<Meeting> {
    text.split(';')
        .filter_map(|part| {
            let part = part.trim();
            if part.is_empty() {
                return None;
            }
            let (place, year) = last_place_year(part);
            Some(Meeting {
                place: place.unwrap_or_else(|| part.to_string()),
                year,
            })
        })
        .collect()
}

fn parse_markers(text: &str) -> Vec<String> {
    text.split(',')
        .map(|m| m.trim().trim_start_matches('[').replace(']', ""))
        .filter(|m| !m.is_empty())
        .collect()
}

/// A history line's meetings and footnote markers: the captures of [`HISTORY_LINE`]
/// (groups 1 and 2), matched by hand on ASCII lines (each title block has one, and the
/// pattern would be built for it).
fn history_line(key: &str) -> Option<(&str, &str)> {
    if !key.starts_with('(') {
        return None;
    }
    if !key.is_ascii() {
        let caps = HISTORY_LINE.on(key).captures(key)?;
        return Some((
            caps.get(1)?.as_str(),
            caps.get(2).map_or("", |m| m.as_str()),
        ));
    }
    let bytes = key.as_bytes();
    // `\(([^()]*(?:19|20)\d\d[^()]*)\)`: up to the first parenthesis, which closes, with
    // a year somewhere inside.
    let close = 1 + memchr::memchr2(b'(', b')', &bytes[1..])?;
    if bytes[close] != b')' {
        return None;
    }
    let inside = &bytes[1..close];
    let has_year = inside.windows(4).any(|w| {
        matches!(w, [b'1', b'9', c, d] | [b'2', b'0', c, d] if c.is_ascii_digit() && d.is_ascii_digit())
    });
    if !has_year {
        return None;
    }
    // `((?:\s*,?\s*\[?\d+\]?(?:bis|ter)?)*)\s*$`: each marker taken whole while one
    // follows (no piece of a marker could start another way), then only white space.
    let mut at = close + 1;
    let mut markers_end = at;
    loop {
        let mut next = at + spaces_at(bytes, at);
        if bytes.get(next) == Some(&b',') {
            next += 1;
        }
        next += spaces_at(bytes, next);
        if bytes.get(next) == Some(&b'[') {
            next += 1;
        }
        let digits = bytes[next.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 {
            break;
        }
        next += digits;
        if bytes.get(next) == Some(&b']') {
            next += 1;
        }
        if bytes[next..].starts_with(b"bis") || bytes[next..].starts_with(b"ter") {
            next += 3;
        }
        at = next;
        markers_end = next;
    }
    if markers_end + spaces_at(bytes, markers_end) != bytes.len() {
        return None;
    }
    Some((&key[1..close], &key[close + 1..markers_end]))
}

/// An enacting line's body and meeting: the captures of [`ENACTING_LINE`] (groups 1 and
/// 2), matched by hand on ASCII lines.
fn enacting_line(key: &str) -> Option<(&str, Option<&str>)> {
    if !key.starts_with("The") {
        return None;
    }
    if !key.is_ascii() {
        let caps = ENACTING_LINE.on(key).captures(key)?;
        return Some((caps.get(1)?.as_str(), caps.get(2).map(|m| m.as_str())));
    }
    let bytes = key.as_bytes();
    let len = bytes.len();
    let body_start = 3 + spaces_at(bytes, 3);
    if body_start == 3 {
        return None;
    }
    // The line ends in `\s*,\s*`; before the comma, perhaps `\s*\(([^)]*)\)`.
    let trailing = bytes
        .iter()
        .rev()
        .take_while(|&&b| is_regex_space(b))
        .count();
    let comma = (len - trailing).checked_sub(1)?;
    if bytes[comma] != b',' {
        return None;
    }
    let before_comma = bytes[..comma]
        .iter()
        .rev()
        .take_while(|&&b| is_regex_space(b))
        .count();
    // The closing parenthesis, and the last other one before it: an opening one must
    // stand after that to enclose `[^)]*`.
    let close = (comma - before_comma)
        .checked_sub(1)
        .filter(|&c| bytes[c] == b')');
    let earlier_close = close.and_then(|c| memchr::memrchr(b')', &bytes[..c]));
    // Where the rest of the pattern matches after a body ending at `end`: with the
    // meeting when it can (the group is greedy), else without.
    let rest_at = |end: usize| -> Option<Option<(usize, usize)>> {
        let next = end + spaces_at(bytes, end);
        if let Some(close) = close
            && next < close
            && bytes[next] == b'('
            && earlier_close.is_none_or(|c| c < next)
        {
            return Some(Some((next + 1, close)));
        }
        (next == comma).then_some(None)
    };
    let found = |start: usize, end: usize, meeting: Option<(usize, usize)>| {
        (&key[start..end], meeting.map(|(from, to)| &key[from..to]))
    };
    // The body `.+?` is the shortest that lets the rest match, and holds no line feed.
    let body_limit = memchr::memchr(b'\n', &bytes[body_start..]).map_or(len, |i| body_start + i);
    for end in body_start + 1..=body_limit {
        if let Some(meeting) = rest_at(end) {
            return Some(found(body_start, end, meeting));
        }
    }
    // Else `\s+` gives characters back, keeping one: the body is then one white-space
    // character other than a line feed (a longer one would reach a body tried above),
    // the last such, and the rest is what follows the white space.
    let start = (4..body_start).rev().find(|&at| bytes[at] != b'\n')?;
    let meeting = rest_at(start + 1)?;
    Some(found(start, start + 1, meeting))
}

fn parse_enacting(p: &Paragraph, key: &str) -> Option<Enacting> {
    // The pattern is anchored at `The` and at a comma before the line's end: a title line
    // (most lines tried here) ends otherwise, and the pattern's lazy repetition would
    // otherwise walk it to the end from every place.
    if !key.starts_with("The") || !key.trim_end().ends_with(',') {
        return None;
    }
    let (body_text, meeting_text) = enacting_line(key)?;
    let named = vocabulary::body_in(body_text);
    if named.is_none() && meeting_text.is_none() {
        return None;
    }
    let meeting = meeting_text.map(|m| {
        let (place, year) = last_place_year(m);
        Meeting {
            place: place.unwrap_or_else(|| m.to_string()),
            year,
        }
    });
    Some(Enacting {
        content: p.content.clone().trimmed(),
        body: Some(body_text.to_string()),
        meeting,
        span: p.span,
    })
}

fn sections(
    paragraphs: &mut [Paragraph],
    classes: &[Class],
    start: usize,
    end: usize,
) -> Vec<Section> {
    // One section per heading, and perhaps one before the first.
    let headings = classes[start..end]
        .iter()
        .filter(|c| matches!(c, Class::Heading(_) | Class::Division))
        .count();
    let mut out: Vec<Section> = Vec::with_capacity(headings + 1);
    // One builder serves every section in turn, its lists kept: a builder is large, and
    // moving one per section cost more than most sections' items. The items of a
    // section wait in `flat` until it is done: sized once for the paragraphs here
    // (bounded, for a long text read whole), not grown item by item.
    let mut builder = SectionBuilder::new(
        SectionKind::Preamble,
        Content::new(),
        None,
        SourceSpan::default(),
    );
    let room = (end - start).min(1024);
    builder.flat.reserve(room);
    builder.children.reserve(room);
    // Whether the builder holds a section begun and not yet finished.
    let mut open = false;
    let mut i = start;
    while i < end {
        let p = &paragraphs[i];
        match &classes[i] {
            Class::Blank => {}
            Class::Heading(kind) => {
                if open {
                    builder.finish_into(&mut out);
                }
                // A heading's paragraph is read no more: its content moves into the section.
                let (mark, span) = (p.mark.clone(), p.span);
                let heading = std::mem::take(&mut paragraphs[i].content).trimmed();
                builder.begin(*kind, heading, mark, span);
                open = true;
            }
            Class::Division => {
                if open {
                    builder.finish_into(&mut out);
                }
                let (mark, span) = (p.mark.clone(), p.span);
                let heading = std::mem::take(&mut paragraphs[i].content).trimmed();
                builder.begin(SectionKind::Division, heading, mark, span);
                open = true;
                // The division's title is the next unlabelled paragraph.
                let mut j = i + 1;
                while j < end && classes[j] == Class::Blank {
                    j += 1;
                }
                if j < end
                    && classes[j] == Class::Text
                    && paragraphs[j].list_label.is_none()
                    && find_label_in(&paragraphs[j].key(), false).is_none()
                    && !paragraphs[j].key().ends_with(['.', ';', ','])
                {
                    let b = &mut builder;
                    b.section.title = Some(std::mem::take(&mut paragraphs[j].content).trimmed());
                    b.section.span = b.section.span.join(paragraphs[j].span);
                    i = j;
                }
            }
            _ => {
                if !open {
                    builder.begin(SectionKind::Preamble, Content::new(), None, p.span);
                    open = true;
                }
                builder.add(&mut paragraphs[i], &classes[i]);
            }
        }
        i += 1;
    }
    if open {
        builder.finish_into(&mut out);
    }
    out
}

fn annexes(
    paragraphs: &mut [Paragraph],
    classes: &[Class],
    start: usize,
    end: usize,
) -> Vec<Annex> {
    let mut out = Vec::new();
    let mut i = start;
    while i < end {
        if classes[i] != Class::Annex {
            i += 1;
            continue;
        }
        let next = (i + 1..end)
            .find(|&j| classes[j] == Class::Annex)
            .unwrap_or(end);
        let span = paragraphs[i..next]
            .iter()
            .map(|p| p.span)
            .fold(paragraphs[i].span, SourceSpan::join);
        out.push(Annex {
            eid: String::new(),
            heading: paragraphs[i].content.clone().trimmed(),
            blocks: blocks(paragraphs, classes, i + 1, next),
            span,
        });
        i = next;
    }
    out
}

/// Which list a label belongs to: siblings share a family.
#[derive(Debug, Clone, PartialEq)]
enum Family {
    Alpha(Punctuation),
    Roman(Punctuation),
    Number(Punctuation),
    Decimal(usize),
    Bullet,
    /// Unlabelled paragraphs.
    None,
}

struct Level {
    family: Family,
    /// The last ordinal seen on this level (alphabet position for letters).
    last: Option<u32>,
}

/// A section with no items yet (ids are given later).
fn empty_section(
    kind: SectionKind,
    heading: Content,
    mark: Option<Box<Change>>,
    span: SourceSpan,
) -> Section {
    Section {
        eid: String::new(),
        wid: String::new(),
        kind,
        heading,
        title: None,
        items: Vec::new(),
        mark,
        span,
    }
}

struct SectionBuilder {
    section: Section,
    /// Path of the open items: indexes into the nested child lists.
    levels: Vec<Level>,
    /// The items in document order, each with its number of children:
    /// `finish` builds the tree, giving every list its final size at once (growing
    /// lists of items as they come costs more than reading the text).
    flat: Vec<Item>,
    /// Beside each item of `flat`, its number of children: the items that hang from it,
    /// later in `flat`. (Apart from the items, so that a section without nesting hands
    /// its items over in one move.)
    children: Vec<usize>,
    /// Indexes into `flat` of the last item at each depth: the chain a deeper item
    /// hangs from.
    chain: Vec<usize>,
    /// The number of items at the section's top level.
    roots: usize,
    /// The items `finish` has begun a list of children for, each with the number of
    /// children still to come (kept empty between uses).
    open: Vec<(Item, usize)>,
}

impl SectionBuilder {
    fn new(
        kind: SectionKind,
        heading: Content,
        mark: Option<Box<Change>>,
        span: SourceSpan,
    ) -> Self {
        Self {
            section: empty_section(kind, heading, mark, span),
            levels: Vec::new(),
            flat: Vec::new(),
            children: Vec::new(),
            chain: Vec::new(),
            roots: 0,
            open: Vec::new(),
        }
    }

    /// Begins a new section (the last one finished), keeping the lists.
    fn begin(
        &mut self,
        kind: SectionKind,
        heading: Content,
        mark: Option<Box<Change>>,
        span: SourceSpan,
    ) {
        self.section = empty_section(kind, heading, mark, span);
    }

    /// Adds a paragraph as an item; its content moves into the item.
    fn add(&mut self, p: &mut Paragraph, class: &Class) {
        self.section.span = self.section.span.join(p.span);
        let mark = p.mark.clone().or_else(|| whole_paragraph_mark(&p.content));
        // A paragraph whose line end changed keeps its trailing blanks (see `body_of`).
        let keep_end = p.mark.is_some();
        let content = std::mem::take(&mut p.content);
        // The lower-case letters of a letter label, when the label search gave them.
        let mut known_letters = None;
        let (mut label, content) = if let Some(list_label) = &p.list_label {
            (
                Some(label_from_list(list_label)),
                body_of(content, keep_end),
            )
        } else if *class == Class::Text {
            match split_label_owned(content, true) {
                Ok((label, rest, letters)) => {
                    known_letters = letters;
                    (Some(label), if keep_end { rest } else { rest.trim_end() })
                }
                Err(content) => (None, body_of(content, keep_end)),
            }
        } else {
            (None, body_of(content, keep_end))
        };
        let depth = match label.as_mut() {
            Some(label) => self.place(label, known_letters.as_ref().map(LabelLetters::get)),
            None => {
                // An unlabelled paragraph continues the open item (a paragraph under
                // `1.13 Voting`); with no open item it stands at the section's top level.
                let depth = self.levels.len();
                let open_item = self.levels.last().is_some_and(|l| l.family != Family::None);
                if !open_item || self.chain.is_empty() {
                    self.levels.clear();
                    self.levels.push(Level {
                        family: Family::None,
                        last: None,
                    });
                    0
                } else {
                    depth
                }
            }
        };
        // The item is made where it is pushed: an item is large, and each move copies it.
        self.push_at(
            depth,
            Item {
                eid: String::new(),
                wid: String::new(),
                label,
                content,
                children: Vec::new(),
                mark,
                span: p.span,
            },
        );
    }

    /// Puts an item at `depth` under the last item of the depth above; where the chain of
    /// last items is shorter, at the end of the chain.
    #[inline(always)]
    fn push_at(&mut self, depth: usize, item: Item) {
        let depth = depth.min(self.chain.len());
        self.chain.truncate(depth);
        match self.chain.last() {
            Some(&parent) => self.children[parent] += 1,
            None => self.roots += 1,
        }
        self.chain.push(self.flat.len());
        self.flat.push(item);
        self.children.push(0);
    }

    /// Decides the label's family and depth, fixing its scheme; returns the depth.
    /// `letters`: the label's lower-case letters without suffix, when known already.
    fn place(&mut self, label: &mut Label, letters: Option<&[u8]>) -> usize {
        let candidates = label_families(label, letters);
        // A sibling continues a list already open; the deepest match wins.
        let mut found = None;
        'outer: for depth in (0..self.levels.len()).rev() {
            for (family, ordinal) in candidates.iter() {
                if &self.levels[depth].family == family {
                    // A letter that is both alphabetic and roman continues the alphabet
                    // only when it follows its predecessor (`i)` after `h)`).
                    if candidates.len() > 1
                        && matches!(family, Family::Alpha(_))
                        && self.levels[depth].last.map(|l| l + 1) != *ordinal
                    {
                        continue;
                    }
                    found = Some((depth, family.clone(), *ordinal));
                    break 'outer;
                }
            }
        }
        let (depth, family, ordinal) = match found {
            Some(f) => f,
            None => {
                // A new, deeper list: prefer roman for `i)` when no alphabet continues.
                let (family, ordinal) = candidates
                    .iter()
                    .find(|(f, _)| matches!(f, Family::Roman(_)))
                    .unwrap_or(&candidates.first)
                    .clone();
                let depth = if self.levels.is_empty()
                    || self.levels.last().is_some_and(|l| l.family == Family::None)
                {
                    0
                } else {
                    self.levels.len()
                };
                (depth, family, ordinal)
            }
        };
        self.levels.truncate(depth);
        self.levels.push(Level {
            family: family.clone(),
            last: ordinal.or_else(|| label_last_letter(label)),
        });
        if let Some(value) = label.value.as_mut() {
            value.scheme = match family {
                Family::Alpha(_) => Scheme::LowerAlpha,
                Family::Roman(_) => Scheme::LowerRoman,
                _ => value.scheme,
            };
            if let Some(o) = ordinal {
                // Kept in the vector already there (one number for these labels).
                value.numbers.clear();
                value.numbers.push(o);
            }
        }
        depth
    }

    fn finish(mut self) -> Section {
        self.section.items = self.take_items();
        self.section
    }

    /// Adds the section to `out`, leaving the builder's lists empty for the next.
    fn finish_into(&mut self, out: &mut Vec<Section>) {
        let items = self.take_items();
        let section = &mut self.section;
        out.push(Section {
            eid: std::mem::take(&mut section.eid),
            wid: std::mem::take(&mut section.wid),
            kind: section.kind,
            heading: std::mem::take(&mut section.heading),
            title: section.title.take(),
            items,
            mark: section.mark.take(),
            span: section.span,
        });
    }

    /// The section's item tree, the lists emptied.
    fn take_items(&mut self) -> Vec<Item> {
        // Built front to back: an item's children follow it, and their number sizes its
        // list. A leaf (most items) moves once, into its list; an item with children waits
        // on a stack until its last child is in.
        #[inline(always)]
        fn close(mut item: Item, open: &mut Vec<(Item, usize)>, items: &mut Vec<Item>) {
            loop {
                let Some((parent, left)) = open.last_mut() else {
                    items.push(item);
                    return;
                };
                parent.children.push(item);
                *left -= 1;
                if *left > 0 {
                    return;
                }
                match open.pop() {
                    Some((parent, _)) => item = parent,
                    None => return,
                }
            }
        }
        let open = &mut self.open;
        let mut items = Vec::with_capacity(self.roots);
        if self.roots == self.flat.len() {
            // Every item at the top level (no item has children): all move at once.
            items.append(&mut self.flat);
        }
        for (children, mut item) in self.children.drain(..).zip(self.flat.drain(..)) {
            if children > 0 {
                item.children = Vec::with_capacity(children);
                open.push((item, children));
            } else {
                close(item, open, &mut items);
            }
        }
        // Every count is exact, so nothing is left open; were it otherwise, no item is lost.
        while let Some((item, _)) = open.pop() {
            close(item, open, &mut items);
        }
        self.chain.clear();
        self.levels.clear();
        self.roots = 0;
        items
    }
}

/// The last letter of a suspect letter label (`bd` gives `d`), as an alphabet position.
fn label_last_letter(label: &Label) -> Option<u32> {
    let text = label.written.accepted_str();
    let c = text.bytes().rev().find(u8::is_ascii_lowercase)?;
    // What `alpha_value` gives for one letter: its place in the alphabet.
    Some(u32::from(c - b'a') + 1)
}

/// Calls `f` with the lower-case ASCII letters of a label's accepted text, without its
/// suffix. Labels are short: the letters are gathered on the stack when they fit.
fn with_label_letters<R>(label: &Label, suffix: Option<&str>, f: impl FnOnce(&[u8]) -> R) -> R {
    let text = label.written.accepted_str();
    let letters = || {
        text.bytes()
            .map(|b| b.to_ascii_lowercase())
            .filter(u8::is_ascii_lowercase)
    };
    let mut buffer = [0u8; 32];
    let heap: Vec<u8>;
    let letters: &[u8] = if text.len() <= buffer.len() {
        let mut len = 0;
        for b in letters() {
            buffer[len] = b;
            len += 1;
        }
        &buffer[..len]
    } else {
        heap = letters().collect();
        &heap
    };
    match letters.strip_suffix(suffix.unwrap_or("").as_bytes()) {
        Some(stripped) if stripped.len() < letters.len() => f(stripped),
        _ => f(letters),
    }
}

/// The families a label may belong to (one or two), with its ordinal in each.
/// `letters` are those [`with_label_letters`] would give, when known already.
fn label_families(label: &Label, letters: Option<&[u8]>) -> Families {
    let Some(value) = &label.value else {
        // Suspect letter labels (`bd)`, `b) a)`) stay in the alphabet.
        return Families::one(Family::Alpha(Punctuation::Paren), None);
    };
    let p = value.punctuation;
    match value.scheme {
        Scheme::LowerAlpha | Scheme::UpperAlpha => {
            let families = |letters: &[u8]| {
                let mut out = Families::one(Family::Alpha(p), alpha_value_of(letters));
                if let Some(r) = roman_value_of(letters) {
                    out.second = Some((Family::Roman(p), Some(r)));
                }
                out
            };
            match letters {
                Some(letters) => families(letters),
                None => with_label_letters(label, value.suffix.as_deref(), families),
            }
        }
        Scheme::LowerRoman | Scheme::UpperRoman => {
            let families = |letters: &[u8]| {
                let roman = (Family::Roman(p), roman_value_of(letters));
                match alpha_value_of(letters) {
                    Some(a) => Families {
                        first: (Family::Alpha(p), Some(a)),
                        second: Some(roman),
                    },
                    None => Families {
                        first: roman,
                        second: None,
                    },
                }
            };
            match letters {
                Some(letters) => families(letters),
                None => with_label_letters(label, value.suffix.as_deref(), families),
            }
        }
        Scheme::Arabic => Families::one(Family::Number(p), Some(value.ordinal())),
        Scheme::Decimal => {
            Families::one(Family::Decimal(value.numbers.len()), Some(value.ordinal()))
        }
        Scheme::Bullet => Families::one(Family::Bullet, None),
    }
}

/// One or two candidate families of a label, in order of preference (no allocation:
/// this runs for every item).
struct Families {
    first: (Family, Option<u32>),
    second: Option<(Family, Option<u32>)>,
}

impl Families {
    fn one(family: Family, ordinal: Option<u32>) -> Self {
        Self {
            first: (family, ordinal),
            second: None,
        }
    }

    fn len(&self) -> usize {
        1 + usize::from(self.second.is_some())
    }

    fn iter(&self) -> impl Iterator<Item = &(Family, Option<u32>)> {
        std::iter::once(&self.first).chain(self.second.as_ref())
    }
}

/// A label from automatic numbering (.docx), parsed like a written one.
fn label_from_list(text: &str) -> Label {
    let trimmed = text.trim();
    let probe = format!("{trimmed} x");
    match find_label_in(&probe, true) {
        Some(m) if m.len == trimmed.len() => label_from_match(Content::plain(trimmed), &m),
        _ => Label {
            written: Content::plain(trimmed),
            value: None,
            suspect: false,
            suspect_reason: None,
        },
    }
}

fn label_from_match(written: Content, m: &LabelFound) -> Label {
    match m.kind {
        LabelShape::Letters {
            letters,
            punctuation,
            suffix,
        } => {
            // Letters are one to five ASCII letters: lower-cased on the stack.
            let mut buffer = [0u8; 8];
            let lower_bytes = &mut buffer[..letters.len().min(8)];
            for (to, b) in lower_bytes.iter_mut().zip(letters.bytes()) {
                *to = b.to_ascii_lowercase();
            }
            let lower: &[u8] = lower_bytes;
            let upper = letters.bytes().all(|c| c.is_ascii_uppercase());
            let alpha = alpha_value_of(lower);
            let roman = roman_value_of(lower);
            let scheme = match (alpha, roman, upper) {
                (_, Some(_), false) if lower.len() > 1 => Scheme::LowerRoman,
                (_, Some(_), true) if lower.len() > 1 => Scheme::UpperRoman,
                (Some(_), _, false) => Scheme::LowerAlpha,
                (Some(_), _, true) => Scheme::UpperAlpha,
                (None, Some(_), _) => Scheme::LowerRoman,
                (None, None, _) => {
                    return Label {
                        written,
                        value: None,
                        suspect: true,
                        suspect_reason: Some(format!(
                            "`{letters}` is neither a letter nor a roman numeral: two labels run together?"
                        )),
                    };
                }
            };
            let ordinal = match scheme {
                Scheme::LowerRoman | Scheme::UpperRoman => roman,
                _ => alpha,
            }
            .unwrap_or(0);
            Label {
                written,
                value: Some(LabelValue {
                    scheme,
                    numbers: vec![ordinal],
                    suffix: suffix.map(String::from),
                    punctuation,
                }),
                suspect: false,
                suspect_reason: None,
            }
        }
        LabelShape::Number { body, punctuation } => {
            let parts = body.bytes().filter(|&b| b == b'.').count() + 1;
            let mut numbers = Vec::with_capacity(parts);
            numbers.extend(LabelShape::numbers(body));
            Label {
                written,
                value: Some(LabelValue {
                    scheme: if numbers.len() > 1 {
                        Scheme::Decimal
                    } else {
                        Scheme::Arabic
                    },
                    numbers,
                    suffix: LabelShape::number_suffix(body).map(String::from),
                    punctuation,
                }),
                suspect: false,
                suspect_reason: None,
            }
        }
        LabelShape::Double { first, second } => Label {
            written,
            value: None,
            suspect: true,
            suspect_reason: Some(format!(
                "two labels in a row (`{first})` and `{second})`): an old and a new label?"
            )),
        },
        LabelShape::Bullet => Label {
            written,
            value: Some(LabelValue {
                scheme: Scheme::Bullet,
                numbers: Vec::new(),
                suffix: None,
                punctuation: Punctuation::Bare,
            }),
            suspect: false,
            suspect_reason: None,
        },
    }
}

/// Splits a paragraph into its label and the rest, following the label through change
/// marks: `{--b--}{++d++})` is one label, `d)` accepted and `b)` rejected.
pub fn split_label(content: &Content, bare_numbers: bool) -> Option<(Label, Content)> {
    // Fast path: one unmarked span.
    if let [span] = content.spans.as_slice()
        && span.change.is_none()
    {
        let lead = span.text.len() - span.text.trim_start().len();
        let m = find_label_in(&span.text[lead..], bare_numbers)?;
        let label = Content::from_spans(vec![piece(span, lead, lead + m.len)]);
        let rest = Content::from_spans(vec![piece(span, lead + m.len, span.text.len())]);
        return Some((label_from_match(label.trimmed(), &m), rest.trim_start()));
    }
    let accepted = content.view(View::Accepted);
    let rejected = content.view(View::Rejected);
    let a = accepted.trim_start();
    let r = rejected.trim_start();
    let match_a = find_label_in(a, bare_numbers);
    let match_r = find_label_in(r, bare_numbers);
    let primary = match (match_a, match_r) {
        (Some(m), _) if !a.is_empty() => m,
        (_, Some(m)) if a.is_empty() => m,
        (None, Some(m)) => m,
        (None, None) | (Some(_), None) => return None,
        (Some(m), Some(_)) => m,
    };
    let need_a = match_a.as_ref().map_or(0, |m| m.len);
    let need_r = match_r.as_ref().map_or(0, |m| m.len);

    // Walk the written text after leading blanks. A character joins the label while a
    // view that shows it still needs label characters; text of one view only that comes
    // before that view's label is done (`{--continues here--}{++c)++}`) goes to the rest,
    // which keeps each view's order.
    let mut seen_a = 0usize;
    let mut seen_r = 0usize;
    let mut started = false;
    let mut label = Content::new();
    let mut rest = Content::new();
    for span in &content.spans {
        let in_a = span.in_accepted();
        let in_r = span.in_rejected();
        let mut to_label = None;
        let mut piece_start = 0;
        for (i, ch) in span.text.char_indices() {
            if !started && ch.is_whitespace() {
                piece_start = i + ch.len_utf8();
                continue;
            }
            started = true;
            let done = seen_a >= need_a && seen_r >= need_r;
            // Text both views show, wanted by one view's label after the other's is
            // complete, would land in the wrong place in that other view
            // (`{--b)d it--}{++b++})u`): no split keeps both views' order.
            if !done && in_a && in_r && (seen_a >= need_a) != (seen_r >= need_r) {
                return None;
            }
            let wanted = !done && ((in_a && seen_a < need_a) || (in_r && seen_r < need_r));
            if to_label != Some(wanted) {
                if let Some(was) = to_label {
                    push_piece(
                        span,
                        piece_start,
                        i,
                        if was { &mut label } else { &mut rest },
                    );
                }
                piece_start = i;
                to_label = Some(wanted);
            }
            if wanted {
                if in_a {
                    seen_a += ch.len_utf8();
                }
                if in_r {
                    seen_r += ch.len_utf8();
                }
            }
        }
        if let Some(was) = to_label {
            let target = if was { &mut label } else { &mut rest };
            push_piece(span, piece_start, span.text.len(), target);
        }
    }
    let label = label_from_match(label.trimmed(), &primary);
    Some((label, rest.trim_start()))
}

/// [`split_label`] of owned content: a paragraph of one unmarked span keeps its text's
/// allocation for the rest (the label is cut off its front). Gives the content back when
/// it has no label.
/// With the label, its lower-case letters when it is a letter label of one unmarked span
/// (what [`with_label_letters`] would read from it).
fn split_label_owned(
    mut content: Content,
    bare_numbers: bool,
) -> Result<(Label, Content, Option<LabelLetters>), Content> {
    if content.spans.len() != 1 || content.spans[0].change.is_some() {
        return split_label(&content, bare_numbers)
            .map(|(label, rest)| (label, rest, None))
            .ok_or(content);
    }
    let span = &content.spans[0];
    let lead = leading_blanks(&span.text);
    let Some(m) = find_label_in(&span.text[lead..], bare_numbers) else {
        return Err(content);
    };
    // The label is read while the match still borrows the text.
    let cut = lead + m.len;
    let written = Content {
        spans: vec![piece(span, lead, cut)],
    };
    let label = label_from_match(written.trimmed(), &m);
    // The label's text is its letters, perhaps enclosed, then `)` and perhaps a suffix:
    // its lower-case letters without the suffix are the match's letters, lower-cased.
    let letters = match m.kind {
        LabelShape::Letters { letters, .. } => LabelLetters::new(letters.as_bytes()),
        _ => None,
    };
    let Some(mut span) = content.spans.pop() else {
        return Err(content);
    };
    // The rest starts past the blanks after the label (what `Content::trim_start` would
    // cut): one cut of the text for both.
    let cut = cut + leading_blanks(&span.text[cut..]);
    if cut < span.text.len() {
        span.src = span
            .src
            .map(|s| SourceSpan::new(s.start + cut, s.start + span.text.len()));
        span.text.drain(..cut);
        content.spans.push(span);
    }
    Ok((label, content, letters))
}

/// The lower-case letters of a letter label (one to five ASCII letters), on the stack.
struct LabelLetters {
    bytes: [u8; 8],
    len: usize,
}

impl LabelLetters {
    fn new(letters: &[u8]) -> Option<Self> {
        let mut bytes = [0u8; 8];
        let to = bytes.get_mut(..letters.len())?;
        for (to, b) in to.iter_mut().zip(letters) {
            *to = b.to_ascii_lowercase();
        }
        Some(Self {
            bytes,
            len: letters.len(),
        })
    }

    fn get(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Whether `text` is all white space (`char::is_whitespace`); most text is decided by its
/// first byte.
fn is_blank_text(text: &str) -> bool {
    match text.as_bytes().first() {
        Some(&b) if b.is_ascii() && !is_ascii_blank(b) => false,
        _ => leading_blanks(text) == text.len(),
    }
}

/// Bytes of the white space (`char::is_whitespace`) at the start of `text`.
fn leading_blanks(text: &str) -> usize {
    let bytes = text.as_bytes();
    let ascii = bytes.iter().take_while(|&&b| is_ascii_blank(b)).count();
    match bytes.get(ascii) {
        // Past the ASCII blanks, a character that is not ASCII may be white space too.
        Some(&b) if !b.is_ascii() => {
            let rest = &text[ascii..];
            ascii + rest.len() - rest.trim_start().len()
        }
        _ => ascii,
    }
}

/// The ASCII characters of `char::is_whitespace`: tab to return, and space.
fn is_ascii_blank(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ')
}

/// `text.trim()`, decided by the end bytes when they are ASCII and not blank (most lines).
fn trim_blanks(text: &str) -> &str {
    let b = text.as_bytes();
    match (b.first(), b.last()) {
        (Some(&f), Some(&l))
            if f.is_ascii() && l.is_ascii() && !is_ascii_blank(f) && !is_ascii_blank(l) =>
        {
            text
        }
        _ => text.trim(),
    }
}

/// Appends `span.text[from..to]` with its mark and source to `target`.
fn push_piece(span: &Span, from: usize, to: usize, target: &mut Content) {
    if from < to {
        target.push(piece(span, from, to));
    }
}

/// `span.text[from..to]` with its mark and source.
fn piece(span: &Span, from: usize, to: usize) -> Span {
    Span {
        text: span.text[from..to].to_string(),
        change: span.change.clone(),
        src: span
            .src
            .map(|s| SourceSpan::new(s.start + from, s.start + to)),
    }
}

/// A paragraph whose whole text is inserted (or deleted) is an inserted (deleted) paragraph.
fn whole_paragraph_mark(content: &Content) -> Option<Box<Change>> {
    // One unmarked span (most paragraphs): no mark, whatever its text.
    if let [span] = content.spans.as_slice()
        && span.change.is_none()
    {
        return None;
    }
    let mut spans = content
        .spans
        .iter()
        .filter(|s| !s.text.trim_start().is_empty());
    // Most paragraphs start unmarked: decided before anything is copied.
    let first = spans.next()?.change.as_deref()?;
    if !matches!(
        first.kind,
        ChangeKind::Insertion | ChangeKind::Deletion | ChangeKind::MoveFrom | ChangeKind::MoveTo
    ) {
        return None;
    }
    spans
        .all(|s| s.kind() == Some(first.kind))
        .then(|| Box::new(first.clone()))
}

// ---------------------------------------------------------------------------
// UN General Assembly layout

/// A UN resolution: `The General Assembly,` then unnumbered preambular paragraphs and
/// numbered operative paragraphs (`1.`).
fn un_resolution(paragraphs: &mut [Paragraph], classes: &[Class]) -> Option<Resolution> {
    let enacting_at = paragraphs.iter().position(|p| {
        let k = p.key();
        k.starts_with("The General Assembly") && k.ends_with(',')
    })?;
    let first_operative = (enacting_at + 1..paragraphs.len()).find(|&i| {
        let k = paragraphs[i].key();
        matches!(find_label_in(&k, false).map(|m| m.kind), Some(LabelShape::Number { body, punctuation: Punctuation::Dot }) if !body.contains('.'))
    })?;
    // The title is the nearest non-blank paragraph before the enacting formula.
    let title_at = (0..enacting_at).rev().find(|&i| classes[i] != Class::Blank);
    let (number_line, instrument, title, span) = match title_at {
        Some(t) => {
            let k = paragraphs[t].key();
            let (instrument, _) = parse_title_line(&k);
            (
                paragraphs[t].content.clone().trimmed(),
                instrument,
                Content::new(),
                paragraphs[t].span,
            )
        }
        None => (
            Content::new(),
            Instrument {
                body: None,
                kind: InstrumentKind::Resolution,
                number: String::new(),
            },
            Content::new(),
            paragraphs[enacting_at].span,
        ),
    };
    let front_end = title_at.unwrap_or(enacting_at);
    let front_matter = blocks(paragraphs, classes, 0, front_end);
    let enacting_p = &paragraphs[enacting_at];
    let enacting_span = enacting_p.span;
    let enacting = Enacting {
        content: enacting_p.content.clone().trimmed(),
        body: Some("General Assembly".into()),
        meeting: None,
        span: enacting_span,
    };
    let mut instrument = instrument;
    instrument.body = Some("UNGA".into());
    let mut preamble =
        SectionBuilder::new(SectionKind::Preamble, Content::new(), None, enacting_span);
    for i in enacting_at + 1..first_operative {
        if classes[i] != Class::Blank {
            preamble.add(&mut paragraphs[i], &Class::Heading(SectionKind::Preamble));
        }
    }
    let mut operative = SectionBuilder::new(
        SectionKind::Operative,
        Content::new(),
        None,
        paragraphs[first_operative].span,
    );
    let annex_start = (first_operative..paragraphs.len())
        .find(|&j| classes[j] == Class::Annex)
        .unwrap_or(paragraphs.len());
    for i in first_operative..annex_start {
        if classes[i] != Class::Blank {
            operative.add(&mut paragraphs[i], &Class::Text);
        }
    }
    let sections = vec![preamble.finish(), operative.finish()];
    let full = paragraphs
        .iter()
        .map(|p| p.span)
        .fold(span, SourceSpan::join);
    Some(Resolution {
        front_matter,
        title_block: TitleBlock {
            number_line,
            instrument,
            revision: None,
            title,
            history: None,
            span,
        },
        enacting: Some(enacting),
        sections,
        annexes: annexes(paragraphs, classes, annex_start, paragraphs.len()),
        span: full,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraphs(text: &str) -> Vec<Paragraph> {
        let mut out = Vec::new();
        let mut offset = 0;
        for line in text.split('\n') {
            let span = SourceSpan::new(offset, offset + line.len());
            out.push(Paragraph::new(
                Content::from_spans(vec![Span::plain(line).with_src(span)]),
                span,
            ));
            offset += line.len() + 1;
        }
        out
    }

    /// `plain_line_role` must say what `classify` says of the same line read as a
    /// paragraph: the text reader cuts long collections by it.
    #[test]
    fn a_plain_line_has_the_role_its_paragraph_has() {
        use LineRole::*;
        let lines = [
            ("", Blank),
            ("   ", Blank),
            ("\u{a0}", Blank),
            ("RESOLUTION 75 (Rev. Dubai, 2012)", Title),
            ("  RESOLUTION 1", Title),
            ("\u{a0}Resolution 12 (Rev.\u{a0}Hammamet, 2016)", Title),
            ("Resolution of the assembly", Other),
            ("MOD CITEL/75A1/1", Envelope),
            ("ADD", Envelope),
            ("Contact: A. Delegate", Envelope),
            ("Summary", Envelope),
            ("Summary of the work", Other),
            ("[1] A note.", Note),
            ("[12]", Note),
            ("considering", Other),
            ("a) the text of an item;", Other),
            ("SECTION 2", Other),
            ("Annex A", Other),
            ("+---+---+", Other),
            ("\t\x0b\x0cRESOLUTION 2", Title),
            ("\u{2003}[3] A note after an em space.", Note),
            ("\u{2003}considering", Other),
            ("\r", Blank),
            ("\ta) resolves", Other),
        ];
        for (line, role) in lines {
            let paragraph = &paragraphs(line)[0];
            let classified = match classify(paragraph) {
                Class::Blank => Blank,
                Class::Title => Title,
                Class::Margin | Class::EnvelopeHeading(_) => Envelope,
                _ if is_footnote_line(&paragraph.key()) => Note,
                _ => Other,
            };
            assert_eq!(classified, role, "classify: {line:?}");
            assert_eq!(plain_line_role(line), role, "{line:?}");
            let text = format!("x\n{line}\ny");
            assert_eq!(
                plain_line_role_in(&text, 2, 2 + line.len()),
                role,
                "{line:?}"
            );
            if role == Title {
                let number = parse(line)
                    .resolutions()
                    .first()
                    .map(|r| r.title_block.instrument.number.clone());
                assert_eq!(Some(plain_title_number(line)), number, "{line:?}");
            }
        }
    }

    fn parse(text: &str) -> Document {
        build(LayoutInput {
            paragraphs: paragraphs(text),
            ..LayoutInput::default()
        })
    }

    const SMALL: &str = "RESOLUTION 12 (Rev. Dubai, 2012)\nA title\n(Geneva, 2008; Dubai, 2012)\nThe World Telecommunication Standardization Assembly (Dubai, 2012),\nconsidering\na) one;\nb) two:\ni)\tsub one;\nii)\tsub two;\nc) three,\nresolves\n1\tto act;\n2\tto act again.";

    #[test]
    fn builds_a_small_resolution() {
        let doc = parse(SMALL);
        let Body::Resolution(res) = &doc.body else {
            panic!("expected a resolution, got {}", doc.kind());
        };
        assert_eq!(res.title_block.instrument.number, "12");
        assert_eq!(res.title_block.instrument.body.as_deref(), Some("WTSA"));
        let rev = res.title_block.revision.as_ref().expect("revision");
        assert_eq!(rev.place.as_deref(), Some("Dubai"));
        assert_eq!(rev.year, Some(2012));
        assert_eq!(
            res.title_block.history.as_ref().map(|h| h.meetings.len()),
            Some(2)
        );
        assert_eq!(res.sections.len(), 2);
        let considering = &res.sections[0];
        assert_eq!(considering.kind, SectionKind::Preamble);
        assert_eq!(considering.items.len(), 3);
        assert_eq!(considering.items[1].children.len(), 2);
        assert_eq!(
            considering.items[1].children[1].eid,
            "preamble__considering__item_b__item_ii"
        );
        assert_eq!(res.sections[1].kind, SectionKind::Operative);
        assert_eq!(res.sections[1].items[1].content.accepted(), "to act again.");
    }

    #[test]
    fn i_after_h_continues_the_alphabet() {
        let text = "RESOLUTION 1\nT\n(Geneva, 2000)\nThe World Telecommunication Standardization Assembly (Geneva, 2000),\nconsidering\na) a;\nb) b;\nc) c;\nd) d;\ne) e;\nf) f;\ng) g;\nh) h;\ni) i;\nj) j,";
        let doc = parse(text);
        let res = &doc.resolutions()[0];
        assert_eq!(res.sections[0].items.len(), 10);
    }

    #[test]
    fn history_merged_into_the_title_line() {
        let text = "RESOLUTION 3 (Rev. Dubai, 2012)\nA title (Johannesburg, 2008; Dubai, 2012)\nThe World Telecommunication Standardization Assembly (Dubai, 2012),\nresolves\n1\tto act.";
        let doc = parse(text);
        let tb = &doc.resolutions()[0].title_block;
        assert_eq!(tb.title.accepted(), "A title");
        assert_eq!(tb.history.as_ref().map(|h| h.meetings.len()), Some(2));
    }

    #[test]
    fn no_structure_gives_a_generic_document() {
        let doc = parse("Hello\n\nworld");
        assert_eq!(doc.kind(), "generic");
        let Body::Generic(g) = &doc.body else {
            unreachable!()
        };
        assert_eq!(g.blocks.len(), 2);
    }

    #[test]
    fn labels_follow_change_marks() {
        let content = Content::from_spans(vec![
            Span::marked("b", Change::deletion()),
            Span::marked("d", Change::insertion()),
            Span::plain(")\tthe text"),
        ]);
        let (label, rest) = split_label(&content, false).expect("label");
        assert_eq!(label.written.accepted(), "d)");
        assert_eq!(label.written.rejected(), "b)");
        assert_eq!(rest.accepted(), "the text");
    }

    #[test]
    fn no_label_split_reorders_a_view() {
        // Found by the fuzzer: `{--b)d it--}{++b++})u`. Taking `)` into the label would
        // put it before `d it` in the rejected view.
        let content = Content::from_spans(vec![
            Span::marked("b)d it", Change::deletion()),
            Span::marked("b", Change::insertion()),
            Span::plain(")u"),
        ]);
        assert!(split_label(&content, false).is_none());
        // A label in the rejected view only, after inserted text, is no split either.
        let content = Content::from_spans(vec![
            Span::marked("new ", Change::insertion()),
            Span::plain("a)\tthe text"),
        ]);
        if let Some((label, rest)) = split_label(&content, false) {
            let joined = |v| format!("{}{}", label.written.view(v), rest.view(v));
            assert!(joined(View::Accepted).starts_with("new"));
            assert!(joined(View::Rejected).starts_with("a)"));
        }
    }

    /// [`heading_kind`] as it was written before it read only the words it needs.
    fn heading_kind_from_all_words(key: &str, styled: bool) -> Option<SectionKind> {
        let mut words = key.split_whitespace();
        let first = words.next()?;
        let lower_start = first.chars().next().is_some_and(char::is_lowercase);
        if key.len() > 200 || key.ends_with([';', '.', ',']) || (!lower_start && !styled) {
            return None;
        }
        let kind = with_lowercase(first, |word| {
            if vocabulary::is_operative_opener(word) {
                if matches!(word, "further" | "also") {
                    let second = words.next()?;
                    return with_lowercase(second, vocabulary::is_operative_opener)
                        .then_some(SectionKind::Operative);
                }
                return Some(SectionKind::Operative);
            }
            if vocabulary::is_preamble_opener(word) {
                return Some(SectionKind::Preamble);
            }
            styled.then_some(SectionKind::Operative)
        })?;
        if key.split_whitespace().count() > 16 || find_label_in(key, false).is_some() {
            return None;
        }
        Some(kind)
    }

    proptest::proptest! {
        /// Words counted by hand are the words `split_whitespace` gives.
        #[test]
        fn words_are_counted_as_split_whitespace_counts_them(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "bc", " ", "\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\u{a0}",
                    "\u{2003}", "\u{e9}", "  ",
                ]),
                0..24,
            ),
            n in 0usize..12,
        ) {
            let text = pieces.concat();
            let count = text.split_whitespace().count();
            proptest::prop_assert_eq!(word_count(&text), count);
            proptest::prop_assert_eq!(has_more_words_than(&text, n), count > n);
        }

        /// Headings are found as when the key was cut into all its words first.
        #[test]
        fn headings_are_found_as_from_all_the_words(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "further", "also", "resolves", "Resolves", "considering", "noting", "a)",
                    "x", " ", "  ", "\t", "\u{a0}", "\u{2003}", ";", ".", ",", "\u{e9}",
                    "\u{c9}", "1.", "word",
                ]),
                0..24,
            ),
            styled in proptest::bool::ANY,
        ) {
            let key = pieces.concat();
            proptest::prop_assert_eq!(
                heading_kind(&key, styled),
                heading_kind_from_all_words(&key, styled)
            );
        }

        /// A plain line classified by its ends gets the class of its key; the trims by
        /// end bytes cut what `trim` cuts.
        #[test]
        fn plain_lines_are_classified_as_their_keys(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "A", "\u{e9}", "\u{c9}", ";", ".", ",", ":", " ", "\t", "\x0b",
                    "\u{a0}", "\u{2003}", "+", "|", "considering", "further", "resolves",
                    "RESOLUTION 1", "a)", "1", "x y", "(Rev. Dubai, 2012)",
                ]),
                0..10,
            ),
        ) {
            let text = pieces.concat();
            proptest::prop_assert_eq!(trim_blanks(&text), text.trim());
            proptest::prop_assert_eq!(
                leading_blanks(&text),
                text.len() - text.trim_start().len()
            );
            let expected = if text.trim_start().is_empty() {
                Class::Blank
            } else {
                classify_key(&normalize_spaces(text.trim()), None, false)
            };
            let paragraph = Paragraph::new(Content::plain(text), SourceSpan::default());
            proptest::prop_assert_eq!(classify(&paragraph), expected);
        }

        /// A line's role read in place, by its first word where that decides, is the role
        /// of the line cut out.
        #[test]
        fn plain_line_roles_in_place_are_those_of_the_line(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "A", "T", "The", "RESOLUTION", "Resolution", "DECISION", "MOD", "MO",
                    "ADD", "Summary", "Summary:", "Contact", "Title", "Sub", "[1]", "[", " ",
                    "\t", "\x0b", "\u{a0}", "\u{2003}", "\u{c9}", "12", "(Rev. Dubai, 2012)",
                    "CITEL/1", ":", "x y", "\n",
                ]),
                0..8,
            ),
            before in 0usize..3,
        ) {
            let line = pieces.concat();
            let text = format!("{}{line}\n", "x\n".repeat(before));
            let start = 2 * before;
            proptest::prop_assert_eq!(
                plain_line_role_in(&text, start, start + line.len()),
                plain_line_role(&line)
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The hand-written search finds what its pattern found.
        #[test]
        fn lost_hyphens_are_found_as_the_pattern_found_them(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "ITU", "T", "R", "D", "s", "WGWSIS", "CWGInternet", "CWG", "Internet",
                    "-", " ", "_", "x", "9", "\u{e9}", "\u{2011}", "I", "W", "C", "U",
                    "GWSIS", "WG", "ITUTs", "ITURs", "ITUDs",
                ]),
                0..12,
            )
        ) {
            let text = pieces.concat();
            let pattern =
                Regex::new(r"(?-u:\b)(ITU[TRD]|WGWSIS|CWGInternet|ITUTs|ITURs)(?-u:\b)").unwrap();
            let expected: Vec<(usize, usize)> =
                pattern.find_iter(&text).map(|m| (m.start(), m.end())).collect();
            let mut found = Vec::new();
            for_each_lost_hyphen(&text, |s, e| found.push((s, e)));
            proptest::prop_assert_eq!(found, expected);
        }
    }

    proptest::proptest! {
        /// The byte search replaces what a character replacement replaced.
        #[test]
        fn no_break_spaces_become_spaces_as_a_replacement_makes_them(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", " ", "\u{a0}", "\u{202f}", "\u{c2}", "\u{e2}", "\u{2011}",
                    "\u{2000}", "\u{80}", "\u{af}", "\u{e0}", "\u{a0}\u{a0}", "x y",
                ]),
                0..12,
            )
        ) {
            let text = pieces.concat();
            let expected = text.replace(['\u{a0}', '\u{202f}'], " ");
            let normalized = normalize_spaces(&text);
            proptest::prop_assert_eq!(normalized.as_ref(), expected.as_str());
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The hand-written place-year search finds what its pattern finds on ASCII text.
        #[test]
        fn place_years_are_found_as_the_pattern_finds_them(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "Dubai", "D", "a", "St.", "'", ".", " ", "-", ",", "\t", "\u{b}", "19",
                    "20", "2012", "1899", "7", "Rev.", "(", ")", ";", "Hammamet", "x", "2",
                ]),
                0..10,
            )
        ) {
            let text = pieces.concat();
            let pattern = PLACE_YEAR.on(&text);
            let expected: Vec<PlaceYear> = pattern
                .captures_iter(&text)
                .filter_map(|caps| {
                    let year = caps.get(2)?;
                    Some((caps.get(1).map(|m| (m.start(), m.end())), (year.start(), year.end())))
                })
                .collect();
            proptest::prop_assert_eq!(last_place_year_ascii(&text), expected.last().copied());
            proptest::prop_assert_eq!(place_years_ascii(&text), expected);
        }

        /// The hand-written revision search finds what its pattern captures.
        #[test]
        fn revision_stamps_are_found_as_the_pattern_finds_them(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "(Rev.", "(Rev", "Rev.", "(", ")", " ", "Dubai, 2012", "\u{e9}", "x",
                ]),
                0..8,
            )
        ) {
            let text = pieces.concat();
            let expected = REVISION
                .on(&text)
                .captures(&text)
                .and_then(|caps| caps.get(1))
                .map(|m| m.as_str());
            proptest::prop_assert_eq!(revision_stamp(&text), expected);
        }
    }

    #[test]
    fn title_lines_give_their_word_and_number() {
        assert_eq!(
            title_line("RESOLUTION 75 (Rev. Dubai, 2012)"),
            Some(("RESOLUTION", "75 (Rev. Dubai, 2012)"))
        );
        assert_eq!(
            title_line("Resolution ITU-R  COM5/12A [Note]  "),
            Some(("Resolution", "ITU-R  COM5/12A [Note]"))
        );
        assert_eq!(title_line("RESOLUTION 75 of the Assembly"), None);
        assert_eq!(title_line("RESOLUTIONS 75"), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The hand-written title-line match gives the pattern's captures on ASCII text.
        #[test]
        fn title_lines_are_matched_as_the_pattern_matches_them(
            word in proptest::sample::select(vec![
                "RESOLUTION", "Resolution", "DECISION", "Decision", "RECOMMENDATION",
                "OPINION", "Opinion", "RESOLUTIONS", "x",
            ]),
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    " ", "\t", "\u{b}", "ITU-", "ITU-T", "T", "R", "A", "COM", "ABCDE", "5",
                    "12", "/", "(", ")", "[", "]", "Rev. Dubai, 2012", "x", "-", "\n",
                ]),
                0..10,
            )
        ) {
            let text = format!("{word}{}", pieces.concat());
            let expected = TITLE_LINE.on(&text).captures(&text).map(|caps| {
                let word = caps.get(1).or_else(|| caps.get(2)).map(|m| m.as_str());
                (word, caps.get(3).map(|m| m.as_str()))
            });
            let found = title_line(&text).map(|(word, rest)| (Some(word), Some(rest)));
            proptest::prop_assert_eq!(found, expected);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The hand-written history-line match gives the pattern's captures on ASCII text.
        #[test]
        fn history_lines_are_matched_as_the_pattern_matches_them(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "(", ")", "Dubai, 2012", "2008", "19", "5", ";", ",", " ", "\t", "[", "]",
                    "1", "12", "bis", "ter", "bi", "x", "\n",
                ]),
                0..10,
            )
        ) {
            let text = format!("({}", pieces.concat());
            let expected = HISTORY_LINE.on(&text).captures(&text).map(|caps| {
                (caps.get(1).map(|m| m.as_str()), caps.get(2).map_or("", |m| m.as_str()))
            });
            let found = history_line(&text).map(|(meetings, markers)| (Some(meetings), markers));
            proptest::prop_assert_eq!(found, expected);
        }

        /// The hand-written enacting-line match gives the pattern's captures on ASCII text.
        #[test]
        fn enacting_lines_are_matched_as_the_pattern_matches_them(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    " ", "  ", "\t", "\n", "(", ")", ",", "Assembly", "Dubai, 2012", "x",
                    "The", "(Dubai, 2012)",
                ]),
                0..10,
            )
        ) {
            let text = format!("The{}", pieces.concat());
            let expected = ENACTING_LINE.on(&text).captures(&text).map(|caps| {
                (caps.get(1).map(|m| m.as_str()), caps.get(2).map(|m| m.as_str()))
            });
            let found = enacting_line(&text).map(|(body, meeting)| (Some(body), meeting));
            proptest::prop_assert_eq!(found, expected);
        }
    }

    #[test]
    fn history_and_enacting_lines_give_their_parts() {
        assert_eq!(
            history_line("(Johannesburg, 2008; Dubai, 2012)1, [2]bis"),
            Some(("Johannesburg, 2008; Dubai, 2012", "1, [2]bis"))
        );
        assert_eq!(history_line("(no year) 1"), None);
        assert_eq!(
            enacting_line("The World Telecommunication Standardization Assembly (Dubai, 2012),"),
            Some((
                "World Telecommunication Standardization Assembly",
                Some("Dubai, 2012")
            ))
        );
        assert_eq!(
            enacting_line("The General Assembly,"),
            Some(("General Assembly", None))
        );
    }

    /// The words of the anchored line patterns all start with an ASCII capital, which
    /// `classify` tests first.
    #[test]
    fn line_pattern_words_start_with_a_capital() {
        for words in [
            TITLE_WORDS,
            MARGIN_WORDS,
            DIVISION_WORDS,
            ANNEX_WORDS,
            ENVELOPE_WORDS,
        ] {
            for word in words {
                assert!(word.as_bytes()[0].is_ascii_uppercase(), "{word}");
            }
        }
    }

    /// The heading test decides as it did when the label search and the word count came
    /// before the first words.
    #[test]
    fn headings_are_decided_by_their_first_words_then_labels_and_length() {
        assert_eq!(
            heading_kind("considering", false),
            Some(SectionKind::Preamble)
        );
        assert_eq!(
            heading_kind("further resolves", false),
            Some(SectionKind::Operative)
        );
        assert_eq!(heading_kind("further", false), None);
        assert_eq!(heading_kind("further notes", false), None);
        assert_eq!(heading_kind("a) considering", false), None);
        assert_eq!(heading_kind("Considering", false), None);
        assert_eq!(
            heading_kind("Considering", true),
            Some(SectionKind::Preamble)
        );
        assert_eq!(heading_kind("i) resolves", true), None);
        let long = format!("resolves{}", " x".repeat(16));
        assert_eq!(heading_kind(&long, false), None);
        assert_eq!(
            heading_kind("recognizing further", false),
            Some(SectionKind::Preamble)
        );
        assert_eq!(heading_kind("décide", false), None);
    }

    /// Every line pattern, by name, for the tests of its two forms.
    const LINE_PATTERNS: [(&str, &LinePattern); 12] = [
        ("title", &TITLE_LINE),
        ("UN title", &UN_TITLE_LINE),
        ("revision", &REVISION),
        ("place-year", &PLACE_YEAR),
        ("margin", &MARGIN_LINE),
        ("history", &HISTORY_LINE),
        ("merged history", &MERGED_HISTORY),
        ("enacting", &ENACTING_LINE),
        ("division", &DIVISION_LINE),
        ("annex", &ANNEX_LINE),
        ("envelope heading", &ENVELOPE_HEADING),
        ("footnote", &FOOTNOTE_LINE),
    ];

    /// The capture groups of every match, as byte ranges.
    fn all_captures(pattern: &Regex, text: &str) -> Vec<Vec<Option<(usize, usize)>>> {
        pattern
            .captures_iter(text)
            .map(|c| c.iter().map(|g| g.map(|m| (m.start(), m.end()))).collect())
            .collect()
    }

    #[test]
    fn the_ascii_forms_agree_on_real_lines() {
        let lines = [
            "RESOLUTION 75 (Rev. Dubai, 2012)",
            "Resolution ITU-R 61 (Geneva, 2012) [1]",
            "(Johannesburg, 2008; Dubai, 2012)",
            "(Johannesburg, 2008; Dubai, 2012)1, 2",
            "Title of the resolution (Johannesburg, 2008; Dubai, 2012)",
            "The World Telecommunication Standardization Assembly (Dubai, 2012),",
            "MOD ARB/43A16/1",
            "MOD ARB/43(A16",
            "MOD ARB/4?3",
            "RESOLUTION 75 [x]",
            "RESOLUTION 75 [a(b] ",
            "SECTION 1bis",
            "ANNEX A (to Resolution 1)",
            "Contact: Name Surname",
            "[12] A note.",
            "75/123. Title of a UN resolution",
            "Rev. Sharm el-Sheikh, 2019",
        ];
        for (name, pattern) in LINE_PATTERNS {
            let unicode = Regex::new(pattern.pattern()).expect("the pattern compiles");
            for line in lines {
                assert_eq!(
                    all_captures(pattern.on(line), line),
                    all_captures(&unicode, line),
                    "{name} pattern on {line:?}"
                );
            }
        }
    }

    proptest::proptest! {
        /// On ASCII text the narrowed form of each line pattern finds what the pattern as
        /// written finds, group by group.
        #[test]
        fn the_ascii_form_of_each_line_pattern_matches_as_written(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "RESOLUTION", "Resolution", "The", "MOD", "SECTION", "ANNEX", "Contact",
                    "Rev.", "ITU-R", "(", ")", "[", "]", ",", ";", ":", ".", "/", "-", "'",
                    " ", "\t", "\n", "\x0b", "\r", "2012", "1", "75", "bis", "Dubai", "el",
                    "a", "Z", "_", "x", "\x01", "\x7f", "*", "+", "?", "ARB/", "43A16",
                ]),
                0..14,
            )
        ) {
            let text = pieces.concat();
            for (name, pattern) in LINE_PATTERNS {
                let unicode = Regex::new(pattern.pattern()).expect("the pattern compiles");
                proptest::prop_assert_eq!(
                    all_captures(pattern.on(&text), &text),
                    all_captures(&unicode, &text),
                    "{} pattern", name
                );
            }
        }
    }

    #[test]
    fn text_table_cells_keep_their_marks_and_a_lone_pipe_is_text() {
        let content = Content::from_spans(vec![
            Span::plain("| a | b"),
            Span::marked("c", Change::insertion()),
            Span::plain(" |"),
        ]);
        let cells = text_table_row(&content).expect("a row");
        assert_eq!(cells.len(), 2);
        assert_eq!(cells[0].written(), "a");
        assert_eq!(cells[1].accepted(), "bc");
        assert_eq!(cells[1].rejected(), "b");
        assert!(text_table_row(&Content::plain("| |")).is_none());
        // Found by the fuzzer: a line of one `|` was read as a row of two empty cells.
        let doc = parse("N=\n|\n|O`c");
        let Body::Generic(g) = &doc.body else {
            unreachable!()
        };
        assert!(g.blocks.iter().all(|b| !matches!(b, Block::Table { .. })));
    }
}
