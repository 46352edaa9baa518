//! The one text comparison every acceptance test uses: two texts are equal when their
//! sequences of word and punctuation tokens are, after normalizing what extractors and
//! writers are allowed to differ in (hyphen kinds, spaces, soft hyphens, extractor
//! markers, table rules and pipes, leading labels).

use std::sync::LazyLock;

use regex::Regex;
use unicode_segmentation::UnicodeSegmentation;

use crate::label::find_label;

static MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[bookmark: [^\]]*\]").expect("marker pattern"));
static RULE_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*[+|]?[-=+:| ]*[+|]\s*$").expect("rule pattern"));

/// The comparable tokens of a text.
pub fn comparable_tokens(text: &str) -> Vec<String> {
    let text = text
        .replace('\u{2011}', "-")
        .replace('\u{a0}', " ")
        .replace('\u{ad}', "");
    let text = MARKER.replace_all(&text, "");
    // Both texts start at their RESOLUTION line when they have one.
    let text = match text
        .lines()
        .position(|l| l.trim_start().starts_with("RESOLUTION"))
    {
        Some(line) => text.lines().skip(line).collect::<Vec<_>>().join("\n"),
        None => text.to_string(),
    };
    let mut tokens = Vec::new();
    for line in text.lines() {
        if RULE_LINE.is_match(line) && line.contains(['-', '=']) {
            continue;
        }
        let line = line.replace('|', " ");
        let mut line = line.trim_start();
        // Leading item labels are compared separately.
        while let Some(m) = find_label(line, true) {
            if m.len_with_separator == 0 {
                break;
            }
            line = line[m.len_with_separator..].trim_start();
            if m.len_with_separator == m.len {
                break;
            }
        }
        for word in line.split_word_bounds() {
            if word.trim().is_empty() {
                continue;
            }
            tokens.push(word.to_string());
        }
    }
    tokens
}

/// Where two texts first differ, with context, or `None` when they are equal.
pub fn first_difference(a: &str, b: &str) -> Option<String> {
    let ta = comparable_tokens(a);
    let tb = comparable_tokens(b);
    let common = ta.iter().zip(&tb).take_while(|(x, y)| x == y).count();
    if common == ta.len() && common == tb.len() {
        return None;
    }
    let from = common.saturating_sub(8);
    let show = |t: &[String]| {
        t.iter()
            .skip(from)
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join(" ")
    };
    Some(format!(
        "texts differ at token {common} (of {} and {}):\n  left:  {}\n  right: {}",
        ta.len(),
        tb.len(),
        show(&ta),
        show(&tb)
    ))
}

/// Whether two texts are equal under the comparison.
pub fn texts_equal(a: &str, b: &str) -> bool {
    first_difference(a, b).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_hyphens_spaces_markers_and_labels() {
        assert!(texts_equal(
            "a)\tITU\u{2011}T works\u{a0}hard",
            "ITU-T works hard"
        ));
        assert!(texts_equal("[bookmark: _GoBack]Text", "Text"));
        assert!(texts_equal("+---+\n| a | b |", "a b"));
        assert!(!texts_equal("one two", "one three"));
        assert!(texts_equal("front\nRESOLUTION 1\nx", "RESOLUTION 1\nx"));
    }

    #[test]
    fn reports_where_texts_differ() {
        let msg = first_difference("a b c", "a b d").expect("differs");
        assert!(msg.contains("token 2"));
    }
}
