//! The word step: a diff of two texts over word, number, punctuation and whitespace
//! tokens (imara-diff, Histogram), followed by a cleanup pass so the result reads like a
//! careful editor's redline: whole-word replacements, no islands of one stop-word, one
//! letter or bare punctuation between two changes, and change edges on word boundaries.

use std::borrow::Cow;
use std::ops::Range;

use amend_model::tokenize::tokens;
use imara_diff::{Algorithm, Diff, InternedInput};

/// One piece of a word diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit<'a> {
    /// Text in both versions, as written in the new one (the versions may differ in
    /// kinds of space, hyphen or apostrophe there, which are not changes).
    Equal(&'a str),
    /// Text of the old version replaced by text of the new one (either may be empty).
    Replace { old: &'a str, new: &'a str },
}

/// A change between two token sequences: `old` tokens replaced by `new` tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hunk {
    old: Range<usize>,
    new: Range<usize>,
}

/// Common English words that never stand alone as an unchanged island in a redline.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "of", "on",
    "or", "that", "the", "their", "this", "to", "with", "its", "are", "was", "which", "all", "les",
    "la", "le", "de", "des", "du", "et", "el", "los", "las", "y", "en",
];

/// Whether a token is a word or number (not whitespace or punctuation).
fn is_word(token: &str) -> bool {
    token.chars().any(char::is_alphanumeric)
}

/// Diffs two texts word by word, cleaned up for people. Concatenating the `Equal` and
/// `new` parts gives `new`; the `Equal` and `old` parts give `old` up to kinds of space,
/// hyphen and apostrophe (see [`comparable`]).
pub fn diff_words<'a>(old: &'a str, new: &'a str) -> Vec<Edit<'a>> {
    if old == new {
        return if old.is_empty() {
            Vec::new()
        } else {
            vec![Edit::Equal(old)]
        };
    }
    let old_tokens = word_tokens(old);
    let new_tokens = word_tokens(new);
    let hunks = token_hunks(&old_tokens, &new_tokens);
    let hunks = cleanup(&old_tokens, &new_tokens, hunks);
    edits(old, new, &old_tokens, &new_tokens, &hunks)
}

/// The form of a token that is compared: a space is a space whatever its kind (no-break,
/// tab, several), and non-breaking hyphens and curly apostrophes are their plain forms.
/// Line ends stay distinct.
pub fn comparable(token: &str) -> Cow<'_, str> {
    if token
        .chars()
        .all(|c| c.is_whitespace() && c != '\n' && c != '\r')
    {
        return Cow::Borrowed(" ");
    }
    if token.is_ascii() {
        return Cow::Borrowed(token);
    }
    Cow::Owned(
        token
            .chars()
            .map(|c| match c {
                '\u{2011}' | '\u{2010}' => '-',
                '\u{2019}' | '\u{2018}' => '\'',
                '\u{a0}' | '\u{202f}' => ' ',
                c => c,
            })
            .collect(),
    )
}

/// The tokens of ASCII text as [`tokens`] cuts them (Unicode word boundaries, UAX #29),
/// computed directly: letters and digits run together (`C2`, `2012Busan`), joined across
/// `.`, `'` and `:` between letters and `.`, `,`, `;`, `'` between digits (`ITU's`,
/// `e.g`, `1,000`, `3.5`); runs of spaces and tabs are one token, `\r\n` is one token,
/// anything else is a token of its own.
fn ascii_tokens(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len() / 4);
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let c = b[i];
        if c.is_ascii_alphanumeric() || c == b'_' {
            i += 1;
            loop {
                if i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                    continue;
                }
                if i + 1 < b.len() {
                    let (prev, mid, next) = (b[i - 1], b[i], b[i + 1]);
                    let letters = prev.is_ascii_alphabetic()
                        && next.is_ascii_alphabetic()
                        && matches!(mid, b'.' | b'\'' | b':');
                    let digits = prev.is_ascii_digit()
                        && next.is_ascii_digit()
                        && matches!(mid, b'.' | b',' | b';' | b'\'');
                    if letters || digits {
                        i += 2;
                        continue;
                    }
                }
                break;
            }
        } else if c == b' ' || c == b'\t' {
            while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                i += 1;
            }
        } else if c == b'\r' && b.get(i + 1) == Some(&b'\n') {
            i += 2;
        } else {
            i += 1;
        }
        out.push(&text[start..i]);
    }
    out
}

/// The tokens of a text ([`tokens`]), with runs of spaces of any kind (line ends
/// excepted) as one token.
pub fn word_tokens(text: &str) -> Vec<&str> {
    if text.is_ascii() {
        return ascii_tokens(text);
    }
    let is_space = |t: &str| {
        t.chars()
            .all(|c| c.is_whitespace() && c != '\n' && c != '\r')
    };
    let mut out: Vec<&str> = Vec::new();
    let mut at = 0;
    for t in chunked_tokens(text) {
        let start = at;
        at += t.len();
        if is_space(t)
            && let Some(last) = out.last_mut()
            && is_space(last)
        {
            let from = start - last.len();
            *last = &text[from..at];
            continue;
        }
        out.push(&text[start..at]);
    }
    out
}

/// The tokens of [`tokens`] (Unicode word boundaries), with only the non-ASCII stretches
/// between spaces segmented by the Unicode rules. A space always has a word boundary
/// before it (unless a space precedes it), and after it when an ASCII character other
/// than a space follows (no rule joins a space to what follows but an extending mark,
/// which is never ASCII); so the text is cut there and each ASCII piece is cut by
/// [`ascii_tokens`], which agrees with the Unicode rules on ASCII text (up to runs of
/// spaces and tabs, which the caller joins anyway).
fn chunked_tokens(text: &str) -> Vec<&str> {
    fn piece<'t>(text: &'t str, from: usize, to: usize, out: &mut Vec<&'t str>) {
        let s = &text[from..to];
        if s.is_ascii() {
            out.extend(ascii_tokens(s));
        } else {
            out.extend(tokens(s));
        }
    }
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len() / 4);
    let mut start = 0;
    for i in 1..b.len() {
        let cut = (b[i] == b' ' && b[i - 1] != b' ')
            || (b[i - 1] == b' ' && b[i] != b' ' && b[i].is_ascii());
        if cut {
            piece(text, start, i, &mut out);
            start = i;
        }
    }
    if start < b.len() {
        piece(text, start, b.len(), &mut out);
    }
    out
}

/// Diffs two token sequences with imara-diff's Histogram algorithm.
fn token_hunks(old: &[&str], new: &[&str]) -> Vec<Hunk> {
    let mut input: InternedInput<Cow<'_, str>> = InternedInput::default();
    input.reserve(old.len() as u32, new.len() as u32);
    input.update_before(old.iter().map(|t| comparable(t)));
    input.update_after(new.iter().map(|t| comparable(t)));
    let mut diff = Diff::compute(Algorithm::Histogram, &input);
    diff.postprocess_no_heuristic(&input);
    diff.hunks()
        .map(|h| Hunk {
            old: h.before.start as usize..h.before.end as usize,
            new: h.after.start as usize..h.after.end as usize,
        })
        .collect()
}

fn chars(tokens: &[&str], range: &Range<usize>) -> usize {
    tokens[range.clone()]
        .iter()
        .map(|t| t.chars().count())
        .sum()
}

/// The cleanup pass over the hunks of a token diff.
fn cleanup(old: &[&str], new: &[&str], hunks: Vec<Hunk>) -> Vec<Hunk> {
    // 1. Edges on word boundaries: tokens common to both sides at a hunk's edges
    //    (typically the space before or after a replaced word) are unchanged text.
    let hunks: Vec<Hunk> = hunks
        .into_iter()
        .map(|mut h| {
            while !h.old.is_empty()
                && !h.new.is_empty()
                && comparable(old[h.old.start]) == comparable(new[h.new.start])
            {
                h.old.start += 1;
                h.new.start += 1;
            }
            while !h.old.is_empty()
                && !h.new.is_empty()
                && comparable(old[h.old.end - 1]) == comparable(new[h.new.end - 1])
            {
                h.old.end -= 1;
                h.new.end -= 1;
            }
            h
        })
        .filter(|h| !(h.old.is_empty() && h.new.is_empty()))
        .collect();

    let mut hunks = hunks;

    // 2. Merge hunks across unchanged islands a reader would not keep: whitespace and
    //    punctuation only, one stop-word or one letter, or (as diff-match-patch's
    //    semantic cleanup) an island no longer than the changes on both of its sides.
    loop {
        let mut merged = Vec::with_capacity(hunks.len());
        let mut changed = false;
        let mut iter = hunks.into_iter();
        let Some(mut current) = iter.next() else {
            return Vec::new();
        };
        for next in iter {
            let island = current.old.end..next.old.start;
            if absorb(old, new, &current, &island, &next) {
                current = Hunk {
                    old: current.old.start..next.old.end,
                    new: current.new.start..next.new.end,
                };
                changed = true;
            } else {
                merged.push(current);
                current = next;
            }
        }
        merged.push(current);
        hunks = merged;
        if !changed {
            break;
        }
    }

    // 3. A replacement whose new side runs across the closing bracket that follows it
    //    (`(Rev. [-Guadalajara 2010-]{+Busan, 2014) and Resolution 1 (Rev. 2016+});`)
    //    ends at the first such bracket instead, and the rest is an insertion
    //    (`{+Busan, 2014+}){+ and Resolution 1 (Rev. 2016)+};`). Likewise for deletions.
    split_at_closers(old, new, hunks)
}

/// The first unopened `closer` in `tokens` (a bracket closed before it is opened).
fn unopened(tokens: &[&str], range: Range<usize>, closer: &str) -> Option<usize> {
    let opener = if closer == ")" { "(" } else { "[" };
    let mut depth = 0usize;
    for k in range {
        if tokens[k] == opener {
            depth += 1;
        } else if tokens[k] == closer {
            if depth == 0 {
                return Some(k);
            }
            depth -= 1;
        }
    }
    None
}

fn split_at_closers(old: &[&str], new: &[&str], hunks: Vec<Hunk>) -> Vec<Hunk> {
    let mut out = Vec::with_capacity(hunks.len());
    for h in hunks {
        let (os, oe, ns, ne) = (h.old.start, h.old.end, h.new.start, h.new.end);
        let closer = match (old.get(oe), new.get(ne)) {
            (Some(&a), Some(&b)) if a == b && (a == ")" || a == "]") => a,
            _ => {
                out.push(h);
                continue;
            }
        };
        let in_new = unopened(new, ns + 1..ne, closer);
        let in_old = unopened(old, os + 1..oe, closer);
        match (os < oe && ns < ne, in_new, in_old) {
            (true, Some(k), None) => {
                out.push(Hunk {
                    old: os..oe,
                    new: ns..k,
                });
                out.push(Hunk {
                    old: oe + 1..oe + 1,
                    new: k + 1..ne + 1,
                });
            }
            (true, None, Some(k)) => {
                out.push(Hunk {
                    old: os..k,
                    new: ns..ne,
                });
                out.push(Hunk {
                    old: k + 1..oe + 1,
                    new: ne + 1..ne + 1,
                });
            }
            _ => out.push(h),
        }
    }
    out
}

fn absorb(old: &[&str], new: &[&str], left: &Hunk, island: &Range<usize>, right: &Hunk) -> bool {
    let words: Vec<&str> = old[island.clone()]
        .iter()
        .copied()
        .filter(|t| is_word(t))
        .collect();
    if words.is_empty() {
        // Only spaces or punctuation between two changes. A newline is a paragraph
        // boundary in whole-text diffs and is kept.
        return !old[island.clone()].iter().any(|t| t.contains('\n'));
    }
    if old[island.clone()].iter().any(|t| t.contains('\n')) {
        return false;
    }
    if words.len() == 1 {
        let w = words[0].to_lowercase();
        if STOP_WORDS.contains(&w.as_str()) || w.chars().count() == 1 {
            return true;
        }
    }
    let island_len = chars(old, island);
    let left_len = chars(old, &left.old).max(chars(new, &left.new));
    let right_len = chars(old, &right.old).max(chars(new, &right.new));
    island_len <= left_len && island_len <= right_len
}

/// Turns hunks into edits over the original strings.
fn edits<'a>(
    old: &'a str,
    new: &'a str,
    old_tokens: &[&str],
    new_tokens: &[&str],
    hunks: &[Hunk],
) -> Vec<Edit<'a>> {
    let offsets = |tokens: &[&str]| {
        let mut out = Vec::with_capacity(tokens.len() + 1);
        let mut at = 0;
        out.push(0);
        for t in tokens {
            at += t.len();
            out.push(at);
        }
        out
    };
    let old_at = offsets(old_tokens);
    let new_at = offsets(new_tokens);
    let mut out = Vec::with_capacity(hunks.len() * 2 + 1);
    let mut n = 0;
    for h in hunks {
        if n < h.new.start {
            out.push(Edit::Equal(&new[new_at[n]..new_at[h.new.start]]));
        }
        out.push(Edit::Replace {
            old: &old[old_at[h.old.start]..old_at[h.old.end]],
            new: &new[new_at[h.new.start]..new_at[h.new.end]],
        });
        n = h.new.end;
    }
    if n < new_tokens.len() {
        out.push(Edit::Equal(&new[new_at[n]..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn show(edits: &[Edit<'_>]) -> String {
        edits
            .iter()
            .map(|e| match e {
                Edit::Equal(t) => t.to_string(),
                Edit::Replace { old, new } => {
                    let mut s = String::new();
                    if !old.is_empty() {
                        s.push_str(&format!("[-{old}-]"));
                    }
                    if !new.is_empty() {
                        s.push_str(&format!("{{+{new}+}}"));
                    }
                    s
                }
            })
            .collect()
    }

    #[test]
    fn meeting_stamps_are_one_replacement() {
        let e = diff_words(
            "The Assembly (Dubai, 2012),",
            "The Assembly (Hammamet, 2016),",
        );
        assert_eq!(
            show(&e),
            "The Assembly ([-Dubai, 2012-]{+Hammamet, 2016+}),"
        );
    }

    #[test]
    fn no_stop_word_islands() {
        let e = diff_words(
            "to ensure the quality of work",
            "to improve the standing of work",
        );
        assert_eq!(
            show(&e),
            "to [-ensure the quality-]{+improve the standing+} of work"
        );
    }

    #[test]
    fn replacements_end_at_their_closing_punctuation() {
        let e = diff_words(
            "with Resolution 140 (Rev. Guadalajara 2010);",
            "with Resolution 140 (Rev. Busan, 2014) and Council Resolution 1332 (Rev. 2016);",
        );
        assert_eq!(
            show(&e),
            "with Resolution 140 (Rev. [-Guadalajara 2010-]{+Busan, 2014+}){+ and Council Resolution 1332 (Rev. 2016)+};"
        );
    }

    #[test]
    fn kinds_of_space_are_not_changes() {
        let e = diff_words("Resolution\u{a0}71 of", "Resolution 71 of");
        assert_eq!(show(&e), "Resolution 71 of");
    }

    #[test]
    fn whole_words_and_word_boundaries() {
        let e = diff_words(
            "in harmony with the WSIS process;",
            "in harmonization with the WSIS framework;",
        );
        assert_eq!(
            show(&e),
            "in [-harmony-]{+harmonization+} with the WSIS [-process-]{+framework+};"
        );
        let e = diff_words("one two three", "one three");
        assert_eq!(show(&e), "one [-two -]three");
    }

    fn rebuild(edits: &[Edit<'_>]) -> (String, String) {
        let mut a = String::new();
        let mut b = String::new();
        for e in edits {
            match e {
                Edit::Equal(t) => {
                    a.push_str(t);
                    b.push_str(t);
                }
                Edit::Replace { old, new } => {
                    a.push_str(old);
                    b.push_str(new);
                }
            }
        }
        (a, b)
    }

    #[test]
    fn ascii_tokens_cut_like_word_boundaries() {
        let text = "ITU's role, e.g. in 1,000 cases (3.5%): C2 and 2012Busan\ta:b  x\r\ny_z.";
        let unicode = format!("{text} \u{e9}");
        let expected: Vec<&str> = word_tokens(&unicode).into_iter().collect();
        let expected = &expected[..expected.len() - 2];
        assert_eq!(ascii_tokens(text), expected);
    }

    proptest! {
        #[test]
        fn ascii_tokens_agree_with_unicode_word_bounds(text in "[a-c1-2 .,;:'_\t\r\n()-]{0,40}") {
            let unicode: Vec<String> = {
                let mut out: Vec<String> = Vec::new();
                for t in tokens(&text) {
                    let space = |t: &str| t.chars().all(|c| c == ' ' || c == '\t');
                    match out.last_mut() {
                        Some(last) if space(t) && space(last) => last.push_str(t),
                        _ => out.push(t.to_string()),
                    }
                }
                out
            };
            let ascii: Vec<String> = ascii_tokens(&text).into_iter().map(String::from).collect();
            prop_assert_eq!(ascii, unicode);
        }

        #[test]
        fn chunked_tokens_agree_with_unicode_word_bounds(
            parts in proptest::collection::vec("(the|ITU|’s|’| |  |\t|\u{a0}|\u{301}|\u{200d}|\u{e9}t\u{e9}|§|2012|,|\\.|\r\n|\n|:|'|a)", 0..30),
        ) {
            let text = parts.concat();
            let merge = |ts: Vec<&str>| {
                let mut out: Vec<String> = Vec::new();
                for t in ts {
                    let space = |t: &str| t.chars().all(|c| c == ' ' || c == '\t');
                    match out.last_mut() {
                        Some(last) if space(t) && space(last) => last.push_str(t),
                        _ => out.push(t.to_string()),
                    }
                }
                out
            };
            prop_assert_eq!(merge(chunked_tokens(&text)), merge(tokens(&text)));
        }

        #[test]
        fn edits_rebuild_both_texts(
            a in proptest::collection::vec("(the|of|a|resolution|ITU|2012|Dubai|,|;| |\n|x[a-z]{0,3})", 0..40),
            b in proptest::collection::vec("(the|of|a|resolution|ITU|2012|Dubai|,|;| |\n|x[a-z]{0,3})", 0..40),
        ) {
            let a = a.concat();
            let b = b.concat();
            let e = diff_words(&a, &b);
            prop_assert_eq!(rebuild(&e).1, b);
        }

        #[test]
        fn edits_rebuild_the_new_text_and_a_comparable_old_one(
            a in proptest::collection::vec("(the|of|ITU\u{2011}T|ITU-T|2012|\u{a0}|\t|,|;|\\)| |\n|x[a-z]{0,3})", 0..30),
            b in proptest::collection::vec("(the|of|ITU\u{2011}T|ITU-T|2012|\u{a0}|\t|,|;|\\)| |\n|x[a-z]{0,3})", 0..30),
        ) {
            let a = a.concat();
            let b = b.concat();
            let e = diff_words(&a, &b);
            let (ra, rb) = rebuild(&e);
            prop_assert_eq!(rb, b);
            let norm = |t: &str| {
                word_tokens(t)
                    .into_iter()
                    .map(|t| comparable(t).into_owned())
                    .collect::<Vec<_>>()
                    .concat()
            };
            prop_assert_eq!(norm(&ra), norm(&a));
        }
    }
}
