//! Item labels as written (`a)`, `viii)`, `1`, `b)bis`, `1.11.3`, `bd)`) and their
//! parsed value. Parsing is context-free here; whether `i)` continues an alphabet or
//! starts a roman list is decided by the layout rules, which see the siblings.

use serde::Serialize;

use crate::content::Content;

/// A numbering scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    LowerAlpha,
    UpperAlpha,
    LowerRoman,
    UpperRoman,
    Arabic,
    /// Multi-level `1.11.3`.
    Decimal,
    /// `•`, `–`, `-`: unnumbered list items.
    Bullet,
}

/// How the label is punctuated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Punctuation {
    /// `a)`
    Paren,
    /// `(a)`
    Enclosed,
    /// `1.`
    Dot,
    /// `1` followed by a tab
    Bare,
}

/// The parsed value of a label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelValue {
    pub scheme: Scheme,
    /// Ordinal per level: one number, or several for decimal labels.
    pub numbers: Vec<u32>,
    /// `bis`, `ter`, `quater`... as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    pub punctuation: Punctuation,
}

impl LabelValue {
    pub fn ordinal(&self) -> u32 {
        self.numbers.last().copied().unwrap_or(0)
    }

    /// Suffix rank: none 0, bis 1, ter 2, quater 3, ...
    pub fn suffix_rank(&self) -> u32 {
        match self.suffix.as_deref() {
            None => 0,
            Some(s) => suffix_rank(s),
        }
    }
}

/// Rank of a Latin multiplicative suffix.
pub fn suffix_rank(suffix: &str) -> u32 {
    match suffix {
        "bis" => 1,
        "ter" => 2,
        "quater" => 3,
        "quinquies" => 4,
        "sexies" => 5,
        "septies" => 6,
        _ => 9,
    }
}

/// A label as written, with its parsed value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// The label as written, change marks included (no separator).
    pub written: Content,
    /// The value, when the label parses cleanly.
    pub value: Option<LabelValue>,
    /// Set for labels that cannot be parsed cleanly: `bd)` or `b) a)`.
    pub suspect: bool,
    /// Why the label is suspect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspect_reason: Option<String>,
}

impl Label {
    /// The label's accepted text (`d)` for `{--b--}{++d++})`).
    pub fn text(&self) -> String {
        self.written.accepted()
    }
}

/// A label found at the start of a paragraph's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelMatch {
    /// Bytes of the label itself.
    pub len: usize,
    /// Bytes of label plus the whitespace after it.
    pub len_with_separator: usize,
    pub kind: LabelKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelKind {
    /// Letters in parentheses or before `)`: `a)`, `viii)`, `(b)`; value decided in context.
    Letters {
        letters: String,
        punctuation: Punctuation,
        suffix: Option<String>,
    },
    /// Numbers: `1`, `1bis`, `2.`, `1.11.3`, `1bis.1.1.4`.
    Number {
        numbers: Vec<u32>,
        suffix: Option<String>,
        punctuation: Punctuation,
    },
    /// Two labels in a row (`b) a)`), left by flattening a relettered item.
    Double {
        first: String,
        second: String,
    },
    Bullet,
}

/// The Latin multiplicative suffixes a label may carry, in the order they are tried.
const SUFFIXES: [&str; 5] = ["bis", "ter", "quater", "quinquies", "sexies"];

/// The suffix `text` starts with, if any.
fn suffix_at(text: &str) -> Option<&'static str> {
    // Most labels are followed by a blank: ruled out by the first byte.
    if !matches!(text.as_bytes().first(), Some(b'b' | b't' | b'q' | b's')) {
        return None;
    }
    SUFFIXES.into_iter().find(|s| text.starts_with(s))
}

/// Bytes of the leading run of ASCII letters of `bytes`, counting at most `max + 1`.
fn letter_run(bytes: &[u8], max: usize) -> usize {
    bytes
        .iter()
        .take(max + 1)
        .take_while(|b| b.is_ascii_alphabetic())
        .count()
}

/// Bytes of the leading run of ASCII digits of `bytes`, counting at most `max + 1`.
fn digit_run(bytes: &[u8], max: usize) -> usize {
    bytes
        .iter()
        .take(max + 1)
        .take_while(|b| b.is_ascii_digit())
        .count()
}

// The label matchers below are written by hand, not as regular expressions: they run on
// every paragraph (twice for most), where a hand-written matcher is several times faster
// than a regex search, and they cost nothing to build at startup. Each says which pattern
// it matches.

/// `^(?:\(([a-zA-Z]{1,5})\)|([a-zA-Z]{1,5})\))(bis|ter|quater|quinquies|sexies)?`: the
/// letters, whether they were enclosed, the suffix, and the bytes matched.
fn letter_label_prefix(text: &str) -> Option<(&str, Punctuation, Option<&'static str>, usize)> {
    let bytes = text.as_bytes();
    let enclosed = bytes.first() == Some(&b'(');
    let start = usize::from(enclosed);
    let n = letter_run(&bytes[start..], 5);
    // More than five letters cannot be followed by `)` within the pattern.
    if n == 0 || n > 5 || bytes.get(start + n) != Some(&b')') {
        return None;
    }
    let letters = &text[start..start + n];
    let end = start + n + 1;
    let suffix = suffix_at(&text[end..]);
    let punctuation = if enclosed {
        Punctuation::Enclosed
    } else {
        Punctuation::Paren
    };
    Some((
        letters,
        punctuation,
        suffix,
        end + suffix.map_or(0, str::len),
    ))
}

/// `^\(?(\d{1,3}(?:SUFFIX)?(?:\.\d{1,3}(?:SUFFIX)?)*)(\.|\))?` with ASCII digits: the
/// numbers (each with the suffix it carries), the closing punctuation, and the bytes
/// matched. A Unicode digit outside ASCII would have matched `\d` but never parses as a
/// number, so such a label was no label before either: the match stops before it, and the
/// character then stands where a separator is needed.
fn number_label_prefix(text: &str) -> Option<(usize, usize, Option<u8>, usize)> {
    let bytes = text.as_bytes();
    let start = usize::from(bytes.first() == Some(&b'('));
    // One number and its suffix: at most three digits.
    let part = |at: usize| -> Option<usize> {
        let n = digit_run(&bytes[at..], 3).min(3);
        if n == 0 {
            return None;
        }
        Some(at + n + suffix_at(&text[at + n..]).map_or(0, str::len))
    };
    let mut body_end = part(start)?;
    while bytes.get(body_end) == Some(&b'.')
        && let Some(end) = part(body_end + 1)
    {
        body_end = end;
    }
    let punct = match bytes.get(body_end) {
        Some(&b) if b == b'.' || b == b')' => Some(b),
        _ => None,
    };
    Some((
        start,
        body_end,
        punct,
        body_end + usize::from(punct.is_some()),
    ))
}

/// Finds a label at the start of `text` (after leading whitespace has been removed).
///
/// `bare_numbers` allows labels like `1` followed by a tab or space, which are only
/// labels inside the sections of a resolution.
pub fn find_label(text: &str, bare_numbers: bool) -> Option<LabelMatch> {
    find_label_in(text, bare_numbers).map(|m| m.to_owned_match())
}

/// A label found at the start of a text, borrowing its parts from the text: what
/// [`find_label`] finds, without a copy of its letters or a list of its numbers (the
/// layout rules look for a label on nearly every paragraph, most often only to know
/// whether there is one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LabelFound<'a> {
    pub len: usize,
    pub len_with_separator: usize,
    pub kind: LabelShape<'a>,
}

/// [`LabelKind`], borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LabelShape<'a> {
    Letters {
        letters: &'a str,
        punctuation: Punctuation,
        suffix: Option<&'static str>,
    },
    /// `body` is the numbers as written (`1bis.2`), without parentheses or punctuation.
    Number {
        body: &'a str,
        punctuation: Punctuation,
    },
    Double {
        first: &'a str,
        second: &'a str,
    },
    Bullet,
}

impl<'a> LabelShape<'a> {
    /// The numbers of a number label, each part's leading digits (one to three).
    pub fn numbers(body: &'a str) -> impl Iterator<Item = u32> + 'a {
        // Split as bytes: `.` is ASCII, and a byte split needs no searcher.
        body.as_bytes().split(|&b| b == b'.').map(|part| {
            part.iter()
                .take_while(|b| b.is_ascii_digit())
                .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'))
        })
    }

    /// The suffix of a number label: that of its last part carrying one.
    pub fn number_suffix(body: &'a str) -> Option<&'a str> {
        // The parts from the last, read as bytes (every item's label comes here).
        let bytes = body.as_bytes();
        let mut end = bytes.len();
        loop {
            let start = bytes[..end]
                .iter()
                .rposition(|&b| b == b'.')
                .map_or(0, |dot| dot + 1);
            let letters = bytes[start..end]
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_alphabetic())
                .count();
            if letters > 0 {
                return Some(&body[end - letters..end]);
            }
            if start == 0 {
                return None;
            }
            end = start - 1;
        }
    }
}

impl LabelFound<'_> {
    fn to_owned_match(self) -> LabelMatch {
        let kind = match self.kind {
            LabelShape::Letters {
                letters,
                punctuation,
                suffix,
            } => LabelKind::Letters {
                letters: letters.to_string(),
                punctuation,
                suffix: suffix.map(String::from),
            },
            LabelShape::Number { body, punctuation } => LabelKind::Number {
                numbers: LabelShape::numbers(body).collect(),
                suffix: LabelShape::number_suffix(body).map(String::from),
                punctuation,
            },
            LabelShape::Double { first, second } => LabelKind::Double {
                first: first.to_string(),
                second: second.to_string(),
            },
            LabelShape::Bullet => LabelKind::Bullet,
        };
        LabelMatch {
            len: self.len,
            len_with_separator: self.len_with_separator,
            kind,
        }
    }
}

/// [`find_label`], borrowing the label's parts from `text`.
pub(crate) fn find_label_in(text: &str, bare_numbers: bool) -> Option<LabelFound<'_>> {
    if let Some(m) = find_letter_label(text) {
        // Two labels in a row: `b) a)`.
        let rest = &text[m.len_with_separator..];
        if m.len_with_separator > m.len
            && let Some(second) = find_letter_label(rest)
            && let LabelShape::Letters { letters: a, .. } = m.kind
            && let LabelShape::Letters { letters: b, .. } = second.kind
            && (second.len_with_separator > second.len || rest.len() == second.len)
        {
            let len = m.len_with_separator + second.len;
            return Some(LabelFound {
                len,
                len_with_separator: m.len_with_separator + second.len_with_separator,
                kind: LabelShape::Double {
                    first: a,
                    second: b,
                },
            });
        }
        return Some(m);
    }
    if let Some(m) = find_number_label(text, bare_numbers) {
        return Some(m);
    }
    let first = text.chars().next()?;
    if matches!(
        first,
        '•' | '–' | '—' | '−' | '-' | '·' | '▪' | '\u{f0b7}' | '*'
    ) && text[first.len_utf8()..].starts_with([' ', '\t', '\u{a0}'])
    {
        let len = first.len_utf8();
        return Some(LabelFound {
            len,
            len_with_separator: len + separator_len(&text[len..]),
            kind: LabelShape::Bullet,
        });
    }
    None
}

/// Bytes of the spaces, tabs and no-break spaces at the start of `rest`.
fn separator_len(rest: &str) -> usize {
    // Read as bytes: U+00A0 is C2 A0.
    let bytes = rest.as_bytes();
    let mut at = 0;
    loop {
        match bytes.get(at..at + 2) {
            Some([b' ' | b'\t', _]) => at += 1,
            Some([0xC2, 0xA0]) => at += 2,
            _ if matches!(bytes.get(at), Some(b' ' | b'\t')) => at += 1,
            _ => return at,
        }
    }
}

fn find_letter_label(text: &str) -> Option<LabelFound<'_>> {
    let (letters, punctuation, suffix, matched) = letter_label_prefix(text)?;
    // Labels are all-lower or all-upper.
    if !(letters.bytes().all(|c| c.is_ascii_lowercase())
        || letters.bytes().all(|c| c.is_ascii_uppercase()))
    {
        return None;
    }
    // Longer letter runs are only labels when they are roman numerals or doubled letters
    // (`aa)`), or two labels glued by flattening (`bd)`): at most two letters then.
    if letters.len() > 2 && roman_value_ignoring_case(letters).is_none() {
        return None;
    }
    let mut len = matched;
    let rest = &text[len..];
    // `a)the` is a label glued to its text; `a)-e)` is a range inside a sentence.
    if rest.starts_with(['-', '–', ',', ';', '.']) && suffix.is_none() {
        return None;
    }
    let sep = separator_len(rest);
    if suffix.is_none() && sep == 0 && !rest.is_empty() {
        let next = rest.chars().next()?;
        if !next.is_alphabetic() && !next.is_numeric() && !matches!(next, '"' | '“' | '‘' | '(')
        {
            return None;
        }
    }
    len = len.min(text.len());
    Some(LabelFound {
        len,
        len_with_separator: len + sep,
        kind: LabelShape::Letters {
            letters,
            punctuation,
            suffix,
        },
    })
}

fn find_number_label(text: &str, bare_numbers: bool) -> Option<LabelFound<'_>> {
    let (body_start, body_end, punct, matched) = number_label_prefix(text)?;
    let body = &text[body_start..body_end];
    let enclosed = body_start > 0;
    let punctuation = match (enclosed, punct) {
        (true, Some(b')')) => Punctuation::Enclosed,
        (true, _) => return None,
        (false, Some(b')')) => Punctuation::Paren,
        (false, Some(_)) => Punctuation::Dot,
        (false, None) => Punctuation::Bare,
    };
    let rest = &text[matched..];
    let sep = separator_len(rest);
    let multi = body.contains('.');
    // A bare number is a label only before a separator, and only where the caller says
    // numbers may be labels; decimal labels (`1.11.3`) need a separator too.
    if sep == 0 && !(rest.is_empty() && punctuation != Punctuation::Bare) {
        return None;
    }
    if punctuation == Punctuation::Bare && !multi && !bare_numbers {
        return None;
    }
    // Each part is one to three ASCII digits and perhaps a suffix (see above), so its
    // number always reads; `2030 Agenda` is text, not a label: parts have at most three
    // digits.
    let len = matched;
    Some(LabelFound {
        len,
        len_with_separator: len + sep,
        kind: LabelShape::Number { body, punctuation },
    })
}

/// The value of a lower-case roman numeral made of i, v and x (1..=39), in canonical form.
pub fn roman_value(letters: &str) -> Option<u32> {
    roman_value_of(letters.as_bytes())
}

/// [`roman_value`] of letters held as bytes.
pub(crate) fn roman_value_of(bytes: &[u8]) -> Option<u32> {
    // Every canonical numeral below 40 has at most 7 letters (`xxxviii`).
    if bytes.is_empty() || bytes.len() > 7 {
        return None;
    }
    let value = |b: u8| match b {
        b'i' => Some(1i64),
        b'v' => Some(5),
        b'x' => Some(10),
        _ => None,
    };
    let mut total = 0i64;
    for (i, &b) in bytes.iter().enumerate() {
        let v = value(b)?;
        if bytes
            .get(i + 1)
            .and_then(|&next| value(next))
            .is_some_and(|next| next > v)
        {
            total -= v;
        } else {
            total += v;
        }
    }
    let total = u32::try_from(total).ok()?;
    (total > 0 && total < 40 && canonical_roman_is(total, bytes)).then_some(total)
}

/// [`roman_value`] of the lower-case form of `letters`.
fn roman_value_ignoring_case(letters: &str) -> Option<u32> {
    let mut lower = [0u8; 7];
    let bytes = letters.as_bytes();
    if bytes.len() > lower.len() || !letters.is_ascii() {
        return None;
    }
    for (to, b) in lower.iter_mut().zip(bytes) {
        *to = b.to_ascii_lowercase();
    }
    roman_value_of(&lower[..bytes.len()])
}

/// Whether `letters` is [`to_roman`] of `n` (1..=39), compared without building it.
fn canonical_roman_is(mut n: u32, letters: &[u8]) -> bool {
    let mut at = 0;
    for (value, digits) in [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")] {
        while n >= value {
            if !letters[at..].starts_with(digits.as_bytes()) {
                return false;
            }
            at += digits.len();
            n -= value;
        }
    }
    at == letters.len()
}

/// The canonical lower-case roman numeral of `n` (1..=39).
pub fn to_roman(mut n: u32) -> String {
    let mut out = String::new();
    for (value, digits) in [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")] {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

/// The ordinal of an alphabetic label: `a` 1 ... `z` 26, `aa` 27, `bb` 28 ...
pub fn alpha_value(letters: &str) -> Option<u32> {
    alpha_value_of(letters.as_bytes())
}

/// [`alpha_value`] of letters held as bytes.
pub(crate) fn alpha_value_of(bytes: &[u8]) -> Option<u32> {
    let first = bytes.first()?.to_ascii_lowercase();
    if !first.is_ascii_lowercase() {
        return None;
    }
    let ordinal = u32::from(first - b'a') + 1;
    let count = bytes.len() as u32;
    if bytes.iter().all(|b| b.to_ascii_lowercase() == first) {
        Some(ordinal + 26 * (count - 1))
    } else {
        None
    }
}

/// The letters of alphabetic ordinal `n` (inverse of [`alpha_value`]).
pub fn to_alpha(n: u32) -> String {
    if n == 0 {
        return String::new();
    }
    let letter = char::from(b'a' + ((n - 1) % 26) as u8);
    std::iter::repeat_n(letter, ((n - 1) / 26 + 1) as usize).collect()
}

/// Writes a label value back in its scheme and punctuation.
pub fn format_label(value: &LabelValue) -> String {
    let core = match value.scheme {
        Scheme::LowerAlpha => to_alpha(value.ordinal()),
        Scheme::UpperAlpha => to_alpha(value.ordinal()).to_ascii_uppercase(),
        Scheme::LowerRoman => to_roman(value.ordinal()),
        Scheme::UpperRoman => to_roman(value.ordinal()).to_ascii_uppercase(),
        Scheme::Arabic | Scheme::Decimal => value
            .numbers
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join("."),
        Scheme::Bullet => "•".to_string(),
    };
    let suffix = value.suffix.clone().unwrap_or_default();
    match value.punctuation {
        Punctuation::Paren if suffix.is_empty() => format!("{core})"),
        Punctuation::Paren => format!("{core}){suffix}"),
        Punctuation::Enclosed => format!("({core}){suffix}"),
        Punctuation::Dot => format!("{core}{suffix}."),
        Punctuation::Bare => format!("{core}{suffix}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letters(text: &str) -> Option<String> {
        match find_label(text, false)?.kind {
            LabelKind::Letters { letters, .. } => Some(letters),
            _ => None,
        }
    }

    #[test]
    fn finds_letter_labels_with_any_separator() {
        assert_eq!(letters("a) the"), Some("a".into()));
        assert_eq!(letters("a)\tthe"), Some("a".into()));
        assert_eq!(letters("a)the"), Some("a".into()));
        assert_eq!(letters("viii)      Resolution"), Some("viii".into()));
        assert_eq!(letters("bd) the relevant"), Some("bd".into()));
        assert_eq!(letters("(iii) by"), Some("iii".into()));
        assert_eq!(letters("a)-e) of"), None);
        assert_eq!(letters("abc) no"), None);
        assert_eq!(letters("the text"), None);
    }

    #[test]
    fn finds_suffixed_and_double_labels() {
        let m = find_label("b)bis that the", false).expect("label");
        assert_eq!(m.len, 5);
        assert!(matches!(m.kind, LabelKind::Letters { suffix: Some(ref s), .. } if s == "bis"));
        let m = find_label("b) a) that the creation", false).expect("label");
        assert_eq!(&"b) a) that"[..m.len], "b) a)");
        assert!(matches!(m.kind, LabelKind::Double { .. }));
    }

    #[test]
    fn numbers_need_context_or_punctuation() {
        assert!(find_label("1\tto continue", false).is_none());
        let m = find_label("1\tto continue", true).expect("label");
        assert_eq!(m.len, 1);
        assert_eq!(m.len_with_separator, 2);
        let m = find_label("1.11.3 WTSA shall", false).expect("label");
        assert!(
            matches!(m.kind, LabelKind::Number { ref numbers, .. } if numbers == &vec![1, 11, 3])
        );
        let m = find_label("1bis.1.1.4 Annexes", false).expect("label");
        assert!(matches!(
            m.kind,
            LabelKind::Number {
                suffix: Some(_),
                ..
            }
        ));
        assert!(find_label("2030 Agenda", true).is_none());
        assert!(find_label("3. Decides", false).is_some());
    }

    #[test]
    fn roman_and_alpha_values_round_trip() {
        for n in 1..40 {
            assert_eq!(roman_value(&to_roman(n)), Some(n));
        }
        assert_eq!(roman_value("iiii"), None);
        assert_eq!(roman_value("bd"), None);
        assert_eq!(alpha_value("bb"), Some(28));
        assert_eq!(alpha_value("bd"), None);
        for n in 1..80 {
            assert_eq!(alpha_value(&to_alpha(n)), Some(n));
        }
    }

    proptest::proptest! {
        /// The suffix read byte by byte is the one the parts split from the last give.
        #[test]
        fn number_suffix_is_that_of_the_last_part_with_one(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec!["1", "22", ".", "bis", "a", "\u{e9}", "ter"]),
                0..8,
            )
        ) {
            let body = pieces.concat();
            let expected = body.rsplit('.').find_map(|part| {
                let digits = part.trim_end_matches(|c: char| c.is_ascii_alphabetic());
                (digits.len() < part.len()).then(|| &part[digits.len()..])
            });
            proptest::prop_assert_eq!(LabelShape::number_suffix(&body), expected);
        }
    }

    /// The hand-written matchers give what their patterns gave (the regular expressions
    /// they replaced, with Unicode `\\d`), on text made of the characters labels are made of.
    mod against_the_patterns {
        use super::super::*;
        use proptest::prelude::*;
        use regex::Regex;
        use std::sync::LazyLock;

        fn old_number_label(text: &str, bare_numbers: bool) -> Option<LabelMatch> {
            static PATTERN: LazyLock<Regex> = LazyLock::new(|| {
                Regex::new(r"^\(?(\d{1,3}(?:bis|ter|quater|quinquies|sexies)?(?:\.\d{1,3}(?:bis|ter|quater|quinquies|sexies)?)*)(\.|\))?").unwrap()
            });
            static SUFFIX: LazyLock<Regex> =
                LazyLock::new(|| Regex::new(r"(bis|ter|quater|quinquies|sexies)$").unwrap());
            let caps = PATTERN.captures(text)?;
            let whole = caps.get(0)?;
            let body = caps.get(1)?.as_str();
            let enclosed = text.starts_with('(');
            let punctuation = match (enclosed, caps.get(2).map(|p| p.as_str())) {
                (true, Some(")")) => Punctuation::Enclosed,
                (true, _) => return None,
                (false, Some(")")) => Punctuation::Paren,
                (false, Some(".")) => Punctuation::Dot,
                (false, _) => Punctuation::Bare,
            };
            let rest = &text[whole.end()..];
            let sep = separator_len(rest);
            if sep == 0 && !(rest.is_empty() && punctuation != Punctuation::Bare) {
                return None;
            }
            if punctuation == Punctuation::Bare && !body.contains('.') && !bare_numbers {
                return None;
            }
            let mut numbers = Vec::new();
            let mut suffix = None;
            for part in body.split('.') {
                let (digits, suf) = match SUFFIX.find(part) {
                    Some(m) => (&part[..m.start()], Some(m.as_str().to_string())),
                    None => (part, None),
                };
                numbers.push(digits.parse().ok()?);
                if suf.is_some() {
                    suffix = suf;
                }
            }
            Some(LabelMatch {
                len: whole.end(),
                len_with_separator: whole.end() + sep,
                kind: LabelKind::Number {
                    numbers,
                    suffix,
                    punctuation,
                },
            })
        }

        fn old_letter_prefix(text: &str) -> Option<(String, Punctuation, Option<String>, usize)> {
            static PATTERN: LazyLock<Regex> = LazyLock::new(|| {
                Regex::new(
                    r"^(?:\(([a-zA-Z]{1,5})\)|([a-zA-Z]{1,5})\))(bis|ter|quater|quinquies|sexies)?",
                )
                .unwrap()
            });
            let caps = PATTERN.captures(text)?;
            let (letters, punctuation) = match (caps.get(1), caps.get(2)) {
                (Some(l), _) => (l.as_str(), Punctuation::Enclosed),
                (None, Some(l)) => (l.as_str(), Punctuation::Paren),
                _ => return None,
            };
            Some((
                letters.to_string(),
                punctuation,
                caps.get(3).map(|m| m.as_str().to_string()),
                caps.get(0)?.end(),
            ))
        }

        fn old_roman_value(letters: &str) -> Option<u32> {
            if letters.is_empty() || !letters.chars().all(|c| matches!(c, 'i' | 'v' | 'x')) {
                return None;
            }
            let value = |c| match c {
                'i' => 1,
                'v' => 5,
                _ => 10,
            };
            let chars: Vec<i64> = letters.chars().map(value).collect();
            let mut total = 0i64;
            for (i, &v) in chars.iter().enumerate() {
                if chars.get(i + 1).is_some_and(|&next| next > v) {
                    total -= v;
                } else {
                    total += v;
                }
            }
            let total = u32::try_from(total).ok()?;
            (total > 0 && total < 40 && to_roman(total) == letters).then_some(total)
        }

        /// Text made of the pieces labels are made of, and of what stands around them.
        fn labelish() -> impl Strategy<Value = String> {
            let pieces = prop::sample::select(vec![
                "(",
                ")",
                "1",
                "12",
                "123",
                "4",
                ".",
                "bis",
                "ter",
                "quater",
                "quinquies",
                "sexies",
                "bi",
                "a",
                "b",
                "iv",
                "xii",
                "bd",
                "Ab",
                "IV",
                " ",
                "\t",
                "\u{a0}",
                "\u{663}",
                "\u{e9}",
                "\u{2013}",
                ";",
                ",",
                "-",
                "x",
                "\"",
                "the",
            ]);
            prop::collection::vec(pieces, 0..8).prop_map(|p| p.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            #[test]
            fn number_labels(text in labelish(), bare in any::<bool>()) {
                prop_assert_eq!(
                    find_number_label(&text, bare).map(LabelFound::to_owned_match),
                    old_number_label(&text, bare)
                );
            }

            #[test]
            fn letter_labels(text in labelish()) {
                let new = letter_label_prefix(&text)
                    .map(|(l, p, s, end)| (l.to_string(), p, s.map(String::from), end));
                prop_assert_eq!(new, old_letter_prefix(&text));
            }

            #[test]
            fn separators_are_counted_as_trimming_counts_them(text in "[ \t\u{a0}\u{c2}a\u{2000}]{0,8}") {
                let trimmed = text.trim_start_matches([' ', '\t', '\u{a0}']);
                prop_assert_eq!(separator_len(&text), text.len() - trimmed.len());
            }

            #[test]
            fn roman_values(text in "[ivxIVa\u{e9}]{0,9}") {
                prop_assert_eq!(roman_value(&text), old_roman_value(&text));
                prop_assert_eq!(
                    roman_value_ignoring_case(&text),
                    old_roman_value(&text.to_ascii_lowercase())
                );
            }

            #[test]
            fn alpha_values(text in "[abAB\u{e9}]{0,4}") {
                let lower = text.to_ascii_lowercase();
                let old = lower.chars().next().filter(char::is_ascii_lowercase).and_then(|first| {
                    lower.chars().all(|c| c == first)
                        .then(|| first as u32 - 'a' as u32 + 1 + 26 * (lower.len() as u32 - 1))
                });
                prop_assert_eq!(alpha_value(&text), old);
            }
        }
    }
}
