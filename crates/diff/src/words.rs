//! The word step: a diff of two texts over word, number, punctuation and whitespace
//! tokens (imara-diff, Histogram), followed by a cleanup pass so the result reads like a
//! careful editor's redline: whole-word replacements, no islands of one stop-word, one
//! letter or bare punctuation between two changes, and change edges on word boundaries.

use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;

use amend_model::tokenize::tokens;
use imara_diff::{Algorithm, Diff, NoSliderHeuristic, Token};

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
    // ASCII letters and digits read as bytes; other characters decoded only in
    // non-ASCII tokens.
    token.bytes().any(|b| b.is_ascii_alphanumeric())
        || (!token.is_ascii() && token.chars().any(char::is_alphanumeric))
}

/// Whether a token holds a line end (read as bytes: a call per token to search cost
/// more than the token's few bytes).
fn has_newline(token: &str) -> bool {
    token.bytes().any(|b| b == b'\n')
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
    if let Some(edits) = window_edits(old, new) {
        return edits;
    }
    all_edits(old, new)
}

/// [`diff_words`] over every token of both texts.
fn all_edits<'a>(old: &'a str, new: &'a str) -> Vec<Edit<'a>> {
    let (old_tokens, new_tokens) = both_word_tokens(old, new);
    let ascii = old.is_ascii() && new.is_ascii();
    let (before, after, distinct) = intern(&old_tokens, &new_tokens, ascii);
    let hunks = token_hunks(&before, &after, distinct);
    let hunks = cleanup(&old_tokens, &new_tokens, &before, &after, hunks);
    edits(old, new, 0, &old_tokens, &new_tokens, &hunks)
}

/// [`diff_words`] over the tokens of a window around the edited stretch: most of an
/// edited paragraph is text both versions begin and end with, and only the tokens next
/// to the edits decide the result. The window is cut where tokens always break (see
/// [`both_word_tokens`]), one whole word before the first difference and one after the
/// last, and is used only when no change can reach past it: its first and last tokens
/// (the same in both versions) occur nowhere else in it, so the diff (which starts by
/// setting aside the tokens both sequences begin and end with) leaves them unchanged
/// and no hunk slides onto them; the cleanup then only reads tokens inside the window.
/// `None` when that does not hold (and the whole texts are diffed).
fn window_edits<'a>(old: &'a str, new: &'a str) -> Option<Vec<Edit<'a>>> {
    let ascii = old.is_ascii();
    if ascii != new.is_ascii() {
        return None;
    }
    let (o, n) = (old.as_bytes(), new.as_bytes());
    let (prefix, suffix) = common_ends(o, n);
    let graphic = |b: u8| b.is_ascii_graphic();
    // Cuts after a space, before a printable character, in the common beginning: from
    // the second from the edit on, each starts a token that ends before the edit. Of the
    // first few, the first whose word is not written again after it in either version
    // (so is likely alone in the window), else the nearest.
    let starts = (1..prefix)
        .rev()
        .filter(|&i| o[i - 1] == b' ' && graphic(o[i]))
        .skip(1)
        .take(4);
    let word_after = |i: usize| old[i..].split(' ').next().unwrap_or_default();
    let start = starts
        .clone()
        .find(|&i| {
            let word = word_after(i);
            let after = i + word.len();
            !old[after..].contains(word) && !new[after..].contains(word)
        })
        .or(starts.clone().next())
        .unwrap_or(0);
    // Cuts before a space, after a printable character, in the common end; likewise.
    let ends = (o.len() + 1 - suffix.max(1)..o.len())
        .filter(|&i| o[i] == b' ' && graphic(o[i - 1]))
        .skip(1)
        .take(4);
    let word_before = |i: usize| old[..i].rsplit(' ').next().unwrap_or_default();
    let end = ends
        .clone()
        .find(|&i| {
            let word = word_before(i);
            let before = i - word.len();
            let new_before = n.len() - (o.len() - before);
            !old[..before].contains(word) && !new[..new_before].contains(word)
        })
        .or(ends.clone().next())
        .unwrap_or(o.len());
    if start == 0 && end == o.len() {
        return None;
    }
    let new_end = n.len() - (o.len() - end);
    let mut old_tokens = Vec::with_capacity(token_room(end - start));
    word_tokens_into(&old[start..end], ascii, &mut old_tokens);
    let mut new_tokens = Vec::with_capacity(token_room(new_end - start));
    word_tokens_into(&new[start..new_end], ascii, &mut new_tokens);
    let (before, after, distinct) = intern(&old_tokens, &new_tokens, ascii);
    // The window's first and last tokens are the same in both versions and nowhere else.
    let alone = |first: bool| {
        let (b, a) = if first {
            (before.first(), after.first())
        } else {
            (before.last(), after.last())
        };
        let (Some(&b), Some(&a)) = (b, a) else {
            return false;
        };
        let (bs, as_) = if first {
            (&before[1..], &after[1..])
        } else {
            (&before[..before.len() - 1], &after[..after.len() - 1])
        };
        b == a && !bs.contains(&b) && !as_.contains(&b)
    };
    if (start > 0 && !alone(true)) || (end < o.len() && !alone(false)) {
        return None;
    }
    let hunks = token_hunks(&before, &after, distinct);
    let hunks = cleanup(&old_tokens, &new_tokens, &before, &after, hunks);
    // Defensive: a hunk at the window's edge would need the tokens beyond it.
    let touches = |h: &Hunk| {
        (start > 0 && (h.old.start == 0 || h.new.start == 0))
            || (end < o.len() && (h.old.end == before.len() || h.new.end == after.len()))
    };
    if hunks.iter().any(touches) {
        return None;
    }
    Some(edits(old, new, start, &old_tokens, &new_tokens, &hunks))
}

/// The form of a token that is compared: a space is a space whatever its kind (no-break,
/// tab, several), and non-breaking hyphens and curly apostrophes are their plain forms.
/// Line ends stay distinct.
pub fn comparable(token: &str) -> Cow<'_, str> {
    // Most tokens are ASCII words.
    if token
        .as_bytes()
        .first()
        .is_some_and(u8::is_ascii_alphanumeric)
        && token.is_ascii()
    {
        return Cow::Borrowed(token);
    }
    if token
        .chars()
        .all(|c| c.is_whitespace() && c != '\n' && c != '\r')
    {
        return Cow::Borrowed(" ");
    }
    if token.is_ascii()
        || !token.chars().any(|c| {
            matches!(
                c,
                '\u{2011}' | '\u{2010}' | '\u{2019}' | '\u{2018}' | '\u{a0}' | '\u{202f}'
            )
        })
    {
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
/// anything else is a token of its own. Appended to `out` (no vector per piece of a
/// longer text).
fn ascii_tokens_into<'t>(text: &'t str, out: &mut Vec<&'t str>) {
    let b = text.as_bytes();
    let word = |c: u8| BYTE_CLASS[usize::from(c)] == WORD_BYTE;
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let c = b[i];
        i += 1;
        match BYTE_CLASS[usize::from(c)] {
            WORD_BYTE => loop {
                while i < b.len() && word(b[i]) {
                    i += 1;
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
            },
            BLANK_BYTE => {
                while i < b.len() && BYTE_CLASS[usize::from(b[i])] == BLANK_BYTE {
                    i += 1;
                }
            }
            _ => {
                if c == b'\r' && b.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
        }
        out.push(&text[start..i]);
    }
}

/// Byte classes of the ASCII tokenizer: letters, digits and `_` run together; spaces
/// and tabs run together; anything else stands alone.
const WORD_BYTE: u8 = 1;
const BLANK_BYTE: u8 = 2;
static BYTE_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        table[c] = if b.is_ascii_alphanumeric() || b == b'_' {
            WORD_BYTE
        } else if b == b' ' || b == b'\t' {
            BLANK_BYTE
        } else {
            0
        };
        c += 1;
    }
    table
};

/// The tokens of a text ([`tokens`]), with runs of spaces of any kind (line ends
/// excepted) as one token.
pub fn word_tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::with_capacity(token_room(text.len()));
    word_tokens_into(text, text.is_ascii(), &mut out);
    out
}

/// [`word_tokens`] of a piece of a text, appended to `out`; `ascii` says whether the
/// whole text is ASCII (which decides how runs of spaces of other kinds are cut).
fn word_tokens_into<'t>(text: &'t str, ascii: bool, out: &mut Vec<&'t str>) {
    if ascii {
        ascii_tokens_into(text, out);
        return;
    }
    let from = out.len();
    chunked_tokens_into(text, out);
    // Runs of spaces are joined in place: `out[from..kept]` are the joined tokens so far.
    let mut kept = from;
    let mut last_is_space = false;
    for k in from..out.len() {
        let t = out[k];
        let space = is_space_token(t);
        if space && last_is_space {
            let last = out[kept - 1];
            // Both are consecutive slices of `text`: the joined token spans them.
            let at = last.as_ptr() as usize - text.as_ptr() as usize;
            out[kept - 1] = &text[at..at + last.len() + t.len()];
            continue;
        }
        out[kept] = t;
        kept += 1;
        last_is_space = space;
    }
    out.truncate(kept);
}

/// The [`word_tokens`] of two versions of a text. The text they begin and end with is
/// cut into tokens once: an edited paragraph is mostly such text. The versions are cut
/// where the tokens of a whole text always break (after a space followed by a printable
/// ASCII character, before a space following one), so each piece's tokens are the
/// whole text's tokens there.
fn both_word_tokens<'a>(old: &'a str, new: &'a str) -> (Vec<&'a str>, Vec<&'a str>) {
    let ascii = old.is_ascii();
    if ascii != new.is_ascii() {
        // Spaces of other kinds (\x0b, \x0c) beside spaces are cut differently.
        return (word_tokens(old), word_tokens(new));
    }
    let (o, n) = (old.as_bytes(), new.as_bytes());
    let (prefix, suffix) = common_ends(o, n);
    let graphic = |b: u8| b.is_ascii_graphic();
    // The start of the middle: `o[..start]` and `n[..start]` are the same text.
    let start = (1..prefix)
        .rev()
        .find(|&i| o[i - 1] == b' ' && graphic(o[i]))
        .unwrap_or(0);
    // The end of the middle in the old version: `o[end..]` is `n[end + shift..]`.
    let end = (o.len() + 1 - suffix.max(1)..o.len())
        .find(|&i| o[i] == b' ' && graphic(o[i - 1]))
        .unwrap_or(o.len());
    let shift = n.len() - (o.len() - end);
    let mut old_tokens = Vec::with_capacity(token_room(old.len()));
    word_tokens_into(&old[..start], ascii, &mut old_tokens);
    let head = old_tokens.len();
    word_tokens_into(&old[start..end], ascii, &mut old_tokens);
    let tail = old_tokens.len();
    word_tokens_into(&old[end..], ascii, &mut old_tokens);
    let mut new_tokens = Vec::with_capacity(old_tokens.len() + token_room(shift - start));
    // The same text: its tokens (slices of `old`) serve for `new` too, since only the
    // tokens' text and lengths are read.
    new_tokens.extend_from_slice(&old_tokens[..head]);
    word_tokens_into(&new[start..shift], ascii, &mut new_tokens);
    new_tokens.extend_from_slice(&old_tokens[tail..]);
    (old_tokens, new_tokens)
}

/// Room for the tokens of `bytes` bytes of text: resolution text has a token every
/// three to four bytes (words, the spaces between them, punctuation), so a vector this
/// large seldom grows.
fn token_room(bytes: usize) -> usize {
    bytes / 3 + 8
}

/// Whether a token is spaces of any kind, line ends excepted.
fn is_space_token(token: &str) -> bool {
    match token.as_bytes() {
        [b] => matches!(b, b' ' | b'\t' | b'\x0b' | b'\x0c'),
        [b, ..] if b.is_ascii() && !matches!(b, b' ' | b'\t' | b'\x0b' | b'\x0c') => false,
        _ => token
            .chars()
            .all(|c| c.is_whitespace() && c != '\n' && c != '\r'),
    }
}

/// The tokens of [`tokens`] (Unicode word boundaries), with only the non-ASCII stretches
/// between spaces segmented by the Unicode rules. A space always has a word boundary
/// before it (unless a space precedes it), and after it when an ASCII character other
/// than a space follows (no rule joins a space to what follows but an extending mark,
/// which is never ASCII); so the text is cut there and each ASCII piece is cut by
/// [`ascii_tokens_into`], which agrees with the Unicode rules on ASCII text (up to runs of
/// spaces and tabs, which the caller joins anyway). Appended to `out`.
fn chunked_tokens_into<'t>(text: &'t str, out: &mut Vec<&'t str>) {
    let b = text.as_bytes();
    // A cut before byte `i` (0 < i < len): the text is cut into pieces there.
    let cut = |i: usize| {
        (b[i] == b' ' && b[i - 1] != b' ') || (b[i - 1] == b' ' && b[i] != b' ' && b[i].is_ascii())
    };
    // Consecutive ASCII pieces are cut as one stretch: their cuts are all token
    // boundaries of `ascii_tokens` (which may join spaces across them; the caller joins
    // runs of spaces anyway). Only the pieces holding a non-ASCII byte are looked for.
    let mut done = 0;
    while let Some(offset) = b[done..].iter().position(|&c| !c.is_ascii()) {
        let at = done + offset;
        let mut start = at;
        while start > done && !cut(start) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < b.len() && !cut(end) {
            end += 1;
        }
        ascii_tokens_into(&text[done..start], out);
        out.extend(tokens(&text[start..end]));
        done = end;
    }
    ascii_tokens_into(&text[done..], out);
}

/// [`ascii_tokens_into`] in a vector of its own.
/// The lengths of the longest common prefix of `o` and `n` and of their longest common
/// suffix in what remains after it (the two never overlap).
pub(crate) fn common_ends(o: &[u8], n: &[u8]) -> (usize, usize) {
    let shortest = o.len().min(n.len());
    let prefix = o.iter().zip(n).take_while(|(a, b)| a == b).count();
    let suffix = o[prefix..]
        .iter()
        .rev()
        .zip(n[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count()
        .min(shortest - prefix);
    (prefix, suffix)
}

#[cfg(test)]
fn ascii_tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::with_capacity(text.len() / 4);
    ascii_tokens_into(text, &mut out);
    out
}

/// [`chunked_tokens_into`] in a vector of its own.
#[cfg(test)]
fn chunked_tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::with_capacity(text.len() / 4);
    chunked_tokens_into(text, &mut out);
    out
}

/// Diffs two sequences of token ids with imara-diff's Histogram algorithm.
fn token_hunks(before: &[Token], after: &[Token], distinct: u32) -> Vec<Hunk> {
    thread_local! {
        // The diff's marks are kept per thread and reused from paragraph to paragraph.
        static DIFF: RefCell<Diff> = RefCell::default();
    }
    DIFF.with_borrow_mut(|diff| {
        diff.compute_with(Algorithm::Histogram, before, after, distinct);
        diff.postprocess_with(before, after, NoSliderHeuristic);
        diff.hunks()
            .map(|h| Hunk {
                old: h.before.start as usize..h.before.end as usize,
                new: h.after.start as usize..h.after.end as usize,
            })
            .collect()
    })
}

/// Token ids for the diff (tokens with the same [`comparable`] form share one) and the
/// number of distinct ids. `ascii`: every token is ASCII (the texts are).
fn intern(old: &[&str], new: &[&str], ascii: bool) -> (Vec<Token>, Vec<Token>, u32) {
    thread_local! {
        // One table per thread, kept between paragraphs: a table made and freed for each
        // paragraph cost more in allocation than the lookups themselves.
        static TABLE: RefCell<TokenIds> = RefCell::default();
    }
    TABLE.with_borrow_mut(|table| table.intern(old, new, ascii))
}

/// An open-addressing table from a token's comparable form to its id. Ids are given in
/// the order forms first occur (the old text's tokens, then the new text's).
#[derive(Default)]
struct TokenIds {
    /// 0 for an empty slot, else the id + 1.
    slots: Vec<u32>,
    /// Per id: the hash of its form, and where a token of that form is (new side or
    /// not, index).
    ids: Vec<(u64, bool, u32)>,
    /// Half the tokens are one byte (a space, a comma): their ids are kept by byte.
    by_byte: Vec<u32>,
}

impl TokenIds {
    fn intern(&mut self, old: &[&str], new: &[&str], ascii: bool) -> (Vec<Token>, Vec<Token>, u32) {
        let size = ((old.len() + new.len()) * 2).next_power_of_two().max(64);
        self.slots.clear();
        self.slots.resize(size, 0);
        self.ids.clear();
        self.by_byte.clear();
        self.by_byte.resize(128, u32::MAX);
        let mut before: Vec<Token> = Vec::with_capacity(old.len());
        for (k, token) in old.iter().enumerate() {
            before.push(self.id(old, new, false, k, token, ascii));
        }
        // The new text's tokens that equal the old text's at the same place from the
        // start, or from the end, take the old token's id without a lookup: an edited
        // paragraph is mostly such tokens.
        let prefix = old.iter().zip(new).take_while(|(a, b)| same(a, b)).count();
        let suffix = old[prefix..]
            .iter()
            .rev()
            .zip(new[prefix..].iter().rev())
            .take_while(|(a, b)| same(a, b))
            .count();
        let mut after: Vec<Token> = Vec::with_capacity(new.len());
        after.extend_from_slice(&before[..prefix]);
        for (k, token) in new.iter().enumerate().take(new.len() - suffix).skip(prefix) {
            after.push(self.id(old, new, true, k, token, ascii));
        }
        after.extend_from_slice(&before[old.len() - suffix..]);
        (before, after, self.ids.len() as u32)
    }

    /// The id of `token`, `old[index]` or `new[index]` (`new_side`).
    #[inline(always)]
    fn id(
        &mut self,
        old: &[&str],
        new: &[&str],
        new_side: bool,
        index: usize,
        token: &str,
        ascii: bool,
    ) -> Token {
        let bytes = token.as_bytes();
        // In ASCII text a token that starts with a space of any kind is spaces (runs of
        // spaces and tabs are one token, other spaces stand alone), compared as one space;
        // any other token is compared as written (see `comparable`).
        let byte = match bytes {
            [b, ..] if ascii && matches!(b, b' ' | b'\t' | b'\x0b' | b'\x0c') => Some(b' '),
            [b] if b.is_ascii() => Some(*b),
            _ => None,
        };
        // The same holds of an ASCII token of other text: the tokenizer keeps spaces of
        // any kind together and apart from everything else.
        let ascii_token = ascii || bytes.is_ascii();
        if let Some(b) = byte {
            let id = self.by_byte[usize::from(b)];
            if id != u32::MAX {
                return Token(id);
            }
        }
        let form = if ascii_token {
            Cow::Borrowed(ascii_form(token))
        } else {
            comparable(token)
        };
        let mut hasher = rustc_hash::FxHasher::default();
        std::hash::Hasher::write(&mut hasher, form.as_bytes());
        let hash = std::hash::Hasher::finish(&hasher);
        let mask = self.slots.len() - 1;
        let mut slot = hash as usize & mask;
        let id = loop {
            match self.slots[slot] {
                0 => {
                    let id = self.ids.len() as u32;
                    self.ids.push((hash, new_side, index as u32));
                    self.slots[slot] = id + 1;
                    break id;
                }
                taken => {
                    let (h, side, at) = self.ids[taken as usize - 1];
                    let other = if side {
                        new[at as usize]
                    } else {
                        old[at as usize]
                    };
                    // The same text (most repeats) has the same form.
                    if h == hash
                        && (same(other, token)
                            || if ascii_token && other.is_ascii() {
                                ascii_form(other) == form
                            } else {
                                comparable(other) == form
                            })
                    {
                        break taken - 1;
                    }
                    slot = (slot + 1) & mask;
                }
            }
        };
        if let Some(b) = byte {
            self.by_byte[usize::from(b)] = id;
        }
        Token(id)
    }
}

/// [`comparable`] of an ASCII token: spaces of any kind are one space.
fn ascii_form(token: &str) -> &str {
    match token.as_bytes() {
        [b' ' | b'\t' | b'\x0b' | b'\x0c', ..] => " ",
        _ => token,
    }
}

/// Whether two tokens are the same text: compared in line, as tokens are short (a call
/// to compare memory cost more than the comparison).
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && (a.as_ptr() == b.as_ptr() || a.iter().zip(b).all(|(x, y)| x == y))
}

fn chars(tokens: &[&str], range: &Range<usize>) -> usize {
    // Characters are the bytes that do not continue one (UTF-8), counted in line.
    tokens[range.clone()]
        .iter()
        .map(|t| t.bytes().filter(|&b| (b as i8) >= -0x40).count())
        .sum()
}

/// The cleanup pass over the hunks of a token diff.
///
/// `before` and `after` are the tokens' ids (equal when their [`comparable`] forms are).
fn cleanup(
    old: &[&str],
    new: &[&str],
    before: &[Token],
    after: &[Token],
    hunks: Vec<Hunk>,
) -> Vec<Hunk> {
    // 1. Edges on word boundaries: tokens common to both sides at a hunk's edges
    //    (typically the space before or after a replaced word) are unchanged text.
    let hunks: Vec<Hunk> = hunks
        .into_iter()
        .map(|mut h| {
            while !h.old.is_empty()
                && !h.new.is_empty()
                && before[h.old.start] == after[h.new.start]
            {
                h.old.start += 1;
                h.new.start += 1;
            }
            while !h.old.is_empty()
                && !h.new.is_empty()
                && before[h.old.end - 1] == after[h.new.end - 1]
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
    let mut words = old[island.clone()].iter().copied().filter(|t| is_word(t));
    let (first_word, more_words) = (words.next(), words.next().is_some());
    let Some(first_word) = first_word else {
        // Only spaces or punctuation between two changes. A newline is a paragraph
        // boundary in whole-text diffs and is kept.
        return !old[island.clone()].iter().any(|t| has_newline(t));
    };
    if old[island.clone()].iter().any(|t| has_newline(t)) {
        return false;
    }
    if !more_words {
        let w = first_word.to_lowercase();
        if STOP_WORDS.contains(&w.as_str()) || w.chars().count() == 1 {
            return true;
        }
    }
    let island_len = chars(old, island);
    let left_len = chars(old, &left.old).max(chars(new, &left.new));
    let right_len = chars(old, &right.old).max(chars(new, &right.new));
    island_len <= left_len && island_len <= right_len
}

/// Turns hunks into edits over the original strings; the tokens are those of the texts
/// from byte `base` on (the same text up to there).
fn edits<'a>(
    old: &'a str,
    new: &'a str,
    base: usize,
    old_tokens: &[&str],
    new_tokens: &[&str],
    hunks: &[Hunk],
) -> Vec<Edit<'a>> {
    // Byte offsets of token boundaries, read as the hunks go (they are in order).
    struct Offsets<'t, 'u> {
        tokens: &'t [&'u str],
        base: usize,
        token: usize,
        byte: usize,
    }
    impl Offsets<'_, '_> {
        fn at(&mut self, token: usize) -> usize {
            if token < self.token {
                // Not in order after all: counted again from the start.
                (self.token, self.byte) = (0, self.base);
            }
            for t in &self.tokens[self.token..token] {
                self.byte += t.len();
            }
            self.token = token;
            self.byte
        }
    }
    let mut old_at = Offsets {
        tokens: old_tokens,
        base,
        token: 0,
        byte: base,
    };
    let mut new_at = Offsets {
        tokens: new_tokens,
        base,
        token: 0,
        byte: base,
    };
    let mut out = Vec::with_capacity(hunks.len() * 2 + 1);
    // The new text up to `done` is in `out`.
    let mut done = 0;
    for h in hunks {
        let new_start = new_at.at(h.new.start);
        if done < new_start {
            out.push(Edit::Equal(&new[done..new_start]));
        }
        let old_start = old_at.at(h.old.start);
        done = new_at.at(h.new.end);
        out.push(Edit::Replace {
            old: &old[old_start..old_at.at(h.old.end)],
            new: &new[new_start..done],
        });
    }
    if done < new.len() {
        out.push(Edit::Equal(&new[done..]));
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

    /// Pieces of text for the tokenizer's tests: words, spaces of every kind, marks that
    /// join, line ends, punctuation that joins words and numbers.
    const PIECES: &str = "(the|ITU|’s|’| |  |\t|\u{a0}|\u{b}|\u{c}|\u{301}|\u{200d}|\u{e9}t\u{e9}|§|2012|1,000|e\\.g|,|\\.|\r\n|\r|\n|:|'|a|\\)|\\()";

    #[test]
    fn an_edited_paragraph_is_diffed_in_a_window() {
        let old = "that the management of the Internet encompasses both technical and public \
            policy issues and should involve all stakeholders in accordance with §§\u{a0}35 \
            a)-e) of the Tunis Agenda for the Information Society,";
        let new = old.replace("should involve all", "must involve every");
        let window = window_edits(old, &new).expect("a window");
        assert_eq!(window, all_edits(old, &new));
        assert!(show(&window).contains("[-should-]{+must+} involve [-all-]{+every+}"));
    }

    /// Pieces for the window's test: few distinct words, so that windows are often
    /// refused and hunks often slide.
    const WINDOW_PIECES: &str =
        "(the|of|a|b|Dubai|2012|\u{a0}|,|;|\\(|\\)| | |  |\n|ITU\u{2011}T|ITU-T|x[a-c]{0,2})";

    proptest! {
        /// The byte-wise token tests agree with their definitions over characters.
        #[test]
        fn token_tests_read_as_bytes_agree_with_characters(token in "\\PC{0,6}|[ -~\t\n]{0,6}") {
            prop_assert_eq!(is_word(&token), token.chars().any(char::is_alphanumeric));
            prop_assert_eq!(has_newline(&token), token.contains('\n'));
            prop_assert_eq!(chars(&[token.as_str()], &(0..1)), token.chars().count());
        }

        /// Two tokens share an id exactly when their compared forms are the same, on
        /// ASCII text (read by the quick path) and on any text.
        #[test]
        fn token_ids_follow_the_compared_forms(
            a in proptest::collection::vec(PIECES, 0..24),
            b in proptest::collection::vec(PIECES, 0..24),
        ) {
            let (a, b) = (a.concat(), b.concat());
            let (old, new) = (word_tokens(&a), word_tokens(&b));
            let ascii = a.is_ascii() && b.is_ascii();
            let (before, after, distinct) = intern(&old, &new, ascii);
            let all: Vec<(&str, Token)> = old.iter().copied().zip(before)
                .chain(new.iter().copied().zip(after))
                .collect();
            for (x, i) in &all {
                prop_assert!(i.0 < distinct);
                for (y, j) in &all {
                    prop_assert_eq!(comparable(x) == comparable(y), i == j, "{:?} {:?}", x, y);
                }
            }
        }

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
        fn both_versions_cut_as_each_alone(
            head in proptest::collection::vec(PIECES, 0..12),
            old_middle in proptest::collection::vec(PIECES, 0..4),
            new_middle in proptest::collection::vec(PIECES, 0..4),
            tail in proptest::collection::vec(PIECES, 0..12),
        ) {
            let (head, tail) = (head.concat(), tail.concat());
            let old = format!("{head}{}{tail}", old_middle.concat());
            let new = format!("{head}{}{tail}", new_middle.concat());
            let (o, n) = both_word_tokens(&old, &new);
            prop_assert_eq!(o, word_tokens(&old));
            prop_assert_eq!(n, word_tokens(&new));
        }

        #[test]
        fn a_window_gives_the_edits_of_the_whole_texts(
            head in proptest::collection::vec(WINDOW_PIECES, 0..16),
            old_middle in proptest::collection::vec(WINDOW_PIECES, 0..5),
            new_middle in proptest::collection::vec(WINDOW_PIECES, 0..5),
            tail in proptest::collection::vec(WINDOW_PIECES, 0..16),
        ) {
            let (head, tail) = (head.concat(), tail.concat());
            let old = format!("{head}{}{tail}", old_middle.concat());
            let new = format!("{head}{}{tail}", new_middle.concat());
            if old != new
                && let Some(window) = window_edits(&old, &new)
            {
                prop_assert_eq!(window, all_edits(&old, &new));
            }
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
