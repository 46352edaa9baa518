//! Item labels as written (`a)`, `viii)`, `1`, `b)bis`, `1.11.3`, `bd)`) and their
//! parsed value. Parsing is context-free here; whether `i)` continues an alphabet or
//! starts a roman list is decided by the layout rules, which see the siblings.

use std::sync::LazyLock;

use regex::Regex;
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

static LETTER_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\(([a-zA-Z]{1,5})\)|([a-zA-Z]{1,5})\))(bis|ter|quater|quinquies|sexies)?")
        .expect("letter label pattern")
});
static NUMBER_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\(?(\d{1,3}(?:bis|ter|quater|quinquies|sexies)?(?:\.\d{1,3}(?:bis|ter|quater|quinquies|sexies)?)*)(\.|\))?")
        .expect("number label pattern")
});
static SUFFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(bis|ter|quater|quinquies|sexies)$").expect("suffix pattern"));

/// Finds a label at the start of `text` (after leading whitespace has been removed).
///
/// `bare_numbers` allows labels like `1` followed by a tab or space, which are only
/// labels inside the sections of a resolution.
pub fn find_label(text: &str, bare_numbers: bool) -> Option<LabelMatch> {
    if let Some(m) = find_letter_label(text) {
        // Two labels in a row: `b) a)`.
        let rest = &text[m.len_with_separator..];
        if m.len_with_separator > m.len
            && let Some(second) = find_letter_label(rest)
            && let LabelKind::Letters { letters: a, .. } = &m.kind
            && let LabelKind::Letters { letters: b, .. } = &second.kind
            && (second.len_with_separator > second.len || rest.len() == second.len)
        {
            let len = m.len_with_separator + second.len;
            return Some(LabelMatch {
                len,
                len_with_separator: m.len_with_separator + second.len_with_separator,
                kind: LabelKind::Double {
                    first: a.clone(),
                    second: b.clone(),
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
        return Some(LabelMatch {
            len,
            len_with_separator: len + separator_len(&text[len..]),
            kind: LabelKind::Bullet,
        });
    }
    None
}

fn separator_len(rest: &str) -> usize {
    rest.len() - rest.trim_start_matches([' ', '\t', '\u{a0}']).len()
}

fn find_letter_label(text: &str) -> Option<LabelMatch> {
    let caps = LETTER_LABEL.captures(text)?;
    let whole = caps.get(0)?;
    let (letters, punctuation) = match (caps.get(1), caps.get(2)) {
        (Some(l), _) => (l.as_str(), Punctuation::Enclosed),
        (None, Some(l)) => (l.as_str(), Punctuation::Paren),
        _ => return None,
    };
    // Labels are all-lower or all-upper.
    if !(letters.chars().all(|c| c.is_ascii_lowercase())
        || letters.chars().all(|c| c.is_ascii_uppercase()))
    {
        return None;
    }
    // Longer letter runs are only labels when they are roman numerals or doubled letters
    // (`aa)`), or two labels glued by flattening (`bd)`): at most two letters then.
    let lower = letters.to_ascii_lowercase();
    if lower.len() > 2 && roman_value(&lower).is_none() {
        return None;
    }
    let mut len = whole.end();
    let suffix = caps.get(3).map(|s| s.as_str().to_string());
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
    Some(LabelMatch {
        len,
        len_with_separator: len + sep,
        kind: LabelKind::Letters {
            letters: letters.to_string(),
            punctuation,
            suffix,
        },
    })
}

fn find_number_label(text: &str, bare_numbers: bool) -> Option<LabelMatch> {
    let caps = NUMBER_LABEL.captures(text)?;
    let whole = caps.get(0)?;
    let body = caps.get(1)?.as_str();
    let enclosed = text.starts_with('(');
    let punct = caps.get(2).map(|p| p.as_str());
    let punctuation = match (enclosed, punct) {
        (true, Some(")")) => Punctuation::Enclosed,
        (true, _) => return None,
        (false, Some(")")) => Punctuation::Paren,
        (false, Some(".")) => Punctuation::Dot,
        (false, _) => Punctuation::Bare,
    };
    let rest = &text[whole.end()..];
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
    // `2030 Agenda` is text, not a label; the regex already limits parts to 3 digits.
    let len = whole.end();
    Some(LabelMatch {
        len,
        len_with_separator: len + sep,
        kind: LabelKind::Number {
            numbers,
            suffix,
            punctuation,
        },
    })
}

/// The value of a lower-case roman numeral made of i, v and x (1..=39), in canonical form.
pub fn roman_value(letters: &str) -> Option<u32> {
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
    let lower = letters.to_ascii_lowercase();
    let mut chars = lower.chars();
    let first = chars.next()?;
    if !first.is_ascii_lowercase() {
        return None;
    }
    let ordinal = first as u32 - 'a' as u32 + 1;
    let count = lower.len() as u32;
    if lower.chars().all(|c| c == first) {
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
}
