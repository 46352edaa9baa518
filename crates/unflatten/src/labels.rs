//! Item labels at the start of a line of flattened text, and the sequence they should
//! follow (`a)`, `b)`...; `i)`, `ii)`...; `1`, `2`...).

use amend_model::label::{alpha_value, roman_value};

/// A label found at the start of a line (byte offsets relative to the line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LineLabel {
    /// Where the label starts (its opening parenthesis, if any).
    pub start: usize,
    /// The letters or digits of the label.
    pub core_start: usize,
    pub core_end: usize,
    /// After the closing parenthesis or dot.
    pub end: usize,
    /// After the whitespace that follows.
    pub sep_end: usize,
    /// `b)bis`: an item between two others, outside the sequence.
    pub suffixed: bool,
}

const SUFFIXES: [&str; 5] = ["bis", "ter", "quater", "quinquies", "sexies"];

/// Finds a label at the start of `line` (leading whitespace allowed).
pub(crate) fn leading_label(line: &str) -> Option<LineLabel> {
    let start = line.len() - line.trim_start_matches([' ', '\t']).len();
    label_at(line, start)
}

/// Finds a label at byte `start` of `line`.
pub(crate) fn label_at(line: &str, start: usize) -> Option<LineLabel> {
    let bytes = line.as_bytes();
    let mut i = start;
    let enclosed = bytes.get(i) == Some(&b'(');
    if enclosed {
        i += 1;
    }
    let core_start = i;
    let letters = bytes[i..]
        .iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    let digits = if letters == 0 {
        bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count()
    } else {
        0
    };
    if letters == 0 && digits == 0 {
        return None;
    }
    if letters > 8 || digits > 3 {
        return None;
    }
    i += letters + digits;
    let core_end = i;
    // Decimal labels (`1.11.3`) have sequences of their own: not followed here.
    if digits > 0 && bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
    {
        return None;
    }
    let mut end = match bytes.get(i) {
        Some(b')') => i + 1,
        Some(b'.') if digits > 0 && !enclosed => i + 1,
        Some(b'\t' | b' ') if digits > 0 && !enclosed => i,
        None if digits > 0 => i,
        _ => return None,
    };
    let suffix = SUFFIXES.iter().find(|s| line[end..].starts_with(*s));
    if let Some(s) = suffix {
        end += s.len();
    }
    let sep = line[end..].len() - line[end..].trim_start_matches([' ', '\t', '\u{a0}']).len();
    // `a)-e)` and `a)the` are not labels of a list item unless followed by a separator.
    if letters > 0 && sep == 0 && end < line.len() {
        let next = line[end..].chars().next()?;
        if !next.is_alphabetic() {
            return None;
        }
    }
    if letters > 0
        && !(line[core_start..core_end]
            .chars()
            .all(|c| c.is_ascii_lowercase())
            || line[core_start..core_end]
                .chars()
                .all(|c| c.is_ascii_uppercase()))
    {
        return None;
    }
    Some(LineLabel {
        start,
        core_start,
        core_end,
        end,
        sep_end: end + sep,
        suffixed: suffix.is_some(),
    })
}

/// A label's family: the sequence it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Family {
    Alpha,
    Roman,
    Number,
}

/// The last ordinal seen in each family since the last heading.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Seq {
    alpha: Option<u32>,
    roman: Option<u32>,
    number: Option<u32>,
}

fn next_fits(last: Option<u32>, value: u32) -> bool {
    match last {
        Some(l) => value == l + 1,
        None => value == 1,
    }
}

impl Seq {
    /// The family and ordinal of `core` in this context, or `None` if it is no label.
    pub fn classify(&self, core: &str) -> Option<(Family, u32)> {
        if core.is_empty() {
            return None;
        }
        if core.bytes().all(|b| b.is_ascii_digit()) {
            return core.parse().ok().map(|n| (Family::Number, n));
        }
        let lower = core.to_ascii_lowercase();
        let alpha = alpha_value(&lower);
        let roman = roman_value(&lower);
        match (alpha, roman) {
            (Some(a), Some(r)) => {
                let roman_ongoing = self.roman.is_some() && next_fits(self.roman, r);
                if next_fits(self.alpha, a) && !roman_ongoing {
                    Some((Family::Alpha, a))
                } else {
                    Some((Family::Roman, r))
                }
            }
            (Some(a), None) => Some((Family::Alpha, a)),
            (None, Some(r)) => Some((Family::Roman, r)),
            (None, None) => None,
        }
    }

    /// 2 when `core` continues its sequence, 1 when it is a label, 0 when it is none.
    pub fn score(&self, core: &str) -> u8 {
        match self.classify(core) {
            None => 0,
            Some((family, value)) => {
                let last = match family {
                    Family::Alpha => self.alpha,
                    Family::Roman => self.roman,
                    Family::Number => self.number,
                };
                if next_fits(last, value) { 2 } else { 1 }
            }
        }
    }

    pub fn push(&mut self, core: &str) {
        if let Some((family, value)) = self.classify(core) {
            match family {
                Family::Alpha => self.alpha = Some(value),
                Family::Roman => self.roman = Some(value),
                Family::Number => self.number = Some(value),
            }
        }
    }

    pub fn reset(&mut self) {
        *self = Seq::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_labels_and_scores_sequences() {
        let l = leading_label("bd) the").expect("label");
        assert_eq!((l.core_start, l.core_end, l.end, l.sep_end), (0, 2, 3, 4));
        assert!(leading_label("1\tto continue").is_some());
        assert!(leading_label("a)-e) of").is_none());
        assert!(leading_label("the text").is_none());
        let mut seq = Seq::default();
        seq.push("a");
        seq.push("b");
        seq.push("c");
        assert_eq!(seq.score("d"), 2);
        assert_eq!(seq.score("bd"), 0);
        seq.push("d");
        assert_eq!(seq.classify("i"), Some((Family::Roman, 1)));
        seq.push("i");
        seq.push("ii");
        assert_eq!(seq.score("iii"), 2);
    }
}
