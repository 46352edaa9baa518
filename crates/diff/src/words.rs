//! The word step: a diff of two texts over word, number, punctuation and whitespace
//! tokens (Histogram, hunk for hunk as imara-diff computes it), followed by a cleanup pass so the result reads like a
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
    let (old_tokens, new_tokens, same) = both_word_tokens(old, new);
    let ascii = old.is_ascii() && new.is_ascii();
    let (before, after, distinct) = intern(&old_tokens, &new_tokens, ascii, same);
    let hunks = token_hunks(&before, &after, distinct);
    let hunks = cleanup(&old_tokens, &new_tokens, &before, &after, hunks);
    let edits = edits(old, new, 0, &old_tokens, &new_tokens, &hunks);
    keep(hunks, |s| &mut s.hunks);
    edits
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
    // The same offset in the new version, for one in the common end.
    let in_new = |i: usize| n.len() - (o.len() - i);
    // Cuts after a space, before a printable character, in the common beginning: from
    // the second from the edit on, each starts a token that ends before the edit; and
    // likewise cuts before a space, after a printable character, in the common end.
    let mut starts = [0; WINDOW_CUTS];
    let starts = start_cuts(o, prefix, &mut starts);
    let mut ends = [0; WINDOW_CUTS];
    let ends = end_cuts(o, suffix, &mut ends);
    // Of the cuts, the first whose token is likely alone in the window (not written
    // as a token again up to the farthest end, or back to the start, in either
    // version), else none on that side: a window cut where its token is not alone is
    // refused, and the work spent on it lost.
    let farthest = ends.last().copied().unwrap_or(o.len());
    let start = starts
        .iter()
        .copied()
        .find(|&i| {
            let token = first_ascii_token(&old[i..]);
            let after = i + token.len();
            !has_token(&old[after..farthest], token)
                && !has_token(&new[after..in_new(farthest)], token)
        })
        .unwrap_or(0);
    let end = ends
        .iter()
        .copied()
        .find(|&i| {
            let token = last_ascii_token(&old[..i]);
            let before = i - token.len();
            !has_token(&old[start..before], token) && !has_token(&new[start..in_new(before)], token)
        })
        .unwrap_or(o.len());
    if start == 0 && end == o.len() {
        return None;
    }
    let new_end = n.len() - (o.len() - end);
    // Cut as pieces of their texts (which decides how runs of spaces of other kinds
    // are cut), but read as ASCII when they are.
    let (old_window, new_window) = (&old[start..end], &new[start..new_end]);
    let mut old_tokens = Tokens::of(old_window, ascii);
    let mut new_tokens = Tokens::of(new_window, ascii);
    let ascii = ascii || (old_window.is_ascii() && new_window.is_ascii());
    (old_tokens.ascii, new_tokens.ascii) = (ascii, ascii);
    // The window's bytes both versions begin and end with (`start` is in the common
    // beginning, `end` in the common end).
    let same = same_ends(
        &old_tokens,
        &new_tokens,
        prefix - start,
        suffix - (o.len() - end),
    );
    let (before, after, distinct) = intern(&old_tokens, &new_tokens, ascii, same);
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
        b == a && !holds(bs, b) && !holds(as_, b)
    };
    // A cut whose token is a run of letters and digits is alone already when the
    // search above covered the window: it found the token's text nowhere else in it in
    // either version, and a token of the same compared form holds that text (the
    // compared form keeps letters and digits as written). The start's search reached
    // the farthest end cut, short of the window's end when no end cut was taken. A cut
    // at a punctuation mark is tested, as a hyphen or an apostrophe of another kind
    // compares the same.
    let word_at_cut = |at: usize| BYTE_CLASS[usize::from(o[at])] == WORD_BYTE;
    let start_alone = start == 0 || (word_at_cut(start) && end <= farthest) || alone(true);
    let end_alone = end == o.len() || word_at_cut(end - 1) || alone(false);
    debug_assert!(!start_alone || start == 0 || alone(true));
    debug_assert!(!end_alone || end == o.len() || alone(false));
    if !(start_alone && end_alone) {
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
    let edits = edits(old, new, start, &old_tokens, &new_tokens, &hunks);
    keep(hunks, |s| &mut s.hunks);
    Some(edits)
}

/// Whether `ids` holds `id`, compared sixteen at a time without stopping early (which
/// the compiler does in vector registers).
fn holds(ids: &[Token], id: Token) -> bool {
    let (chunks, rest) = ids.as_chunks::<16>();
    chunks
        .iter()
        .any(|chunk| chunk.iter().fold(false, |seen, t| seen | (t.0 == id.0)))
        || rest.contains(&id)
}

/// How many cuts on each side of the edited stretch [`window_edits`] considers.
const WINDOW_CUTS: usize = 4;

/// The cuts [`window_edits`] considers in the `prefix` bytes `o` begins with: offsets
/// after a space and before a printable character, from the edit backwards, the second
/// to the `WINDOW_CUTS + 1`th, in `room`.
fn start_cuts<'r>(o: &[u8], prefix: usize, room: &'r mut [usize; WINDOW_CUTS]) -> &'r [usize] {
    let mut found = 0;
    for (i, pair) in o[..prefix].windows(2).enumerate().rev() {
        if pair[0] == b' ' && pair[1].is_ascii_graphic() {
            if found > 0 {
                room[found - 1] = i + 1;
            }
            found += 1;
            if found > WINDOW_CUTS {
                break;
            }
        }
    }
    &room[..found.saturating_sub(1)]
}

/// Likewise in the `suffix` bytes `o` ends with: offsets before a space and after a
/// printable character, from the edit forwards.
fn end_cuts<'r>(o: &[u8], suffix: usize, room: &'r mut [usize; WINDOW_CUTS]) -> &'r [usize] {
    let mut found = 0;
    // Pairs of bytes ending at offsets `from + 1..`, the first at the common end's start.
    let from = o.len() - suffix.min(o.len());
    for (i, pair) in o[from..].windows(2).enumerate() {
        if pair[1] == b' ' && pair[0].is_ascii_graphic() {
            if found > 0 {
                room[found - 1] = from + i + 1;
            }
            found += 1;
            if found > WINDOW_CUTS {
                break;
            }
        }
    }
    &room[..found.saturating_sub(1)]
}

/// The first token of text that starts with a printable ASCII character, as far as
/// ASCII says: a run of letters, digits and `_`, or the one character.
fn first_ascii_token(text: &str) -> &str {
    let word = text
        .bytes()
        .take_while(|&b| BYTE_CLASS[usize::from(b)] == WORD_BYTE)
        .count();
    &text[..word.max(1)]
}

/// The last token of text that ends with a printable ASCII character, likewise.
fn last_ascii_token(text: &str) -> &str {
    let word = text
        .bytes()
        .rev()
        .take_while(|&b| BYTE_CLASS[usize::from(b)] == WORD_BYTE)
        .count();
    &text[text.len() - word.max(1)..]
}

/// Whether `text` may hold `token` ([`first_ascii_token`]) as a token: whether it
/// holds it at all (a quick search, and a guess on the safe side).
fn has_token(text: &str, token: &str) -> bool {
    text.contains(token)
}

/// The numbers of tokens two versions of a text begin and end with that are certainly
/// the same text: tokens at the same offsets inside the `prefix` bytes both begin with,
/// or at the same offsets from the end inside the `suffix` bytes both end with (the two
/// stretches do not overlap).
fn same_ends(old: &Tokens<'_>, new: &Tokens<'_>, prefix: usize, suffix: usize) -> SameEnds {
    let (ob, nb) = (&old.bounds, &new.bounds);
    let head = ob
        .iter()
        .zip(nb)
        .skip(1)
        .take_while(|&(&o, &n)| o == n && o <= prefix)
        .count();
    let (ol, nl) = (old.text.len(), new.text.len());
    let tail = ob[head..]
        .iter()
        .rev()
        .zip(nb[head..].iter().rev())
        .skip(1)
        .take_while(|&(&o, &n)| ol - o == nl - n && ol - o <= suffix)
        .count();
    SameEnds { head, tail }
}

/// How many tokens two token sequences begin and end with are the same text (known
/// without reading them).
#[derive(Debug, Clone, Copy, Default)]
struct SameEnds {
    head: usize,
    tail: usize,
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
/// `e.g`, `1,000`, `3.5`); runs of spaces, tabs, vertical tabs and form feeds are one
/// token (as in text that is not ASCII, and as [`comparable`] compares them: the Unicode
/// rules would cut vertical tabs and form feeds apart, and then the same text would be
/// cut differently with and without a character that is not ASCII), `\r\n` is one
/// token, anything else is a token of its own. Appended to `out` (no vector per piece of a
/// longer text).
fn ascii_tokens_into<'t>(text: &'t str, out: &mut Vec<&'t str>) {
    let mut last = 0;
    ascii_cut(text, |at| {
        if at > 0 {
            out.push(&text[last..at]);
            last = at;
        }
    });
    if last < text.len() {
        out.push(&text[last..]);
    }
}

/// The offsets where the [`ascii_tokens_into`] of `text` start, plus `offset`, appended
/// to `out`.
fn ascii_starts_into(text: &str, offset: usize, out: &mut Vec<usize>) {
    ascii_cut(text, |at| out.push(offset + at));
}

/// Calls `start` with the offset of every token of ASCII text ([`ascii_tokens_into`]), in
/// order, the first (0) included when the text is not empty. Runs of spaces of any kind
/// (spaces, tabs, vertical tabs, form feeds) are one token, as in text that is not ASCII.
#[inline(always)]
fn ascii_cut(text: &str, start: impl FnMut(usize)) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of every x86_64 processor (the target's baseline).
    unsafe {
        ascii_cut_sse2(text.as_bytes(), start);
    }
    #[cfg(not(target_arch = "x86_64"))]
    ascii_cut_bytewise(text.as_bytes(), true, start);
}

/// Whether a byte is a space of any kind (a space, tab, vertical tab or form feed).
fn is_any_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\x0b' | b'\x0c')
}

/// [`ascii_cut`] a byte at a time: the definition the block-wise cut follows, and the cut
/// on targets without SSE2. With `any_space` false only spaces and tabs run together (the
/// Unicode rules' cut of ASCII text, which the tests join runs of spaces in).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn ascii_cut_bytewise(b: &[u8], any_space: bool, mut start: impl FnMut(usize)) {
    let word = |c: u8| BYTE_CLASS[usize::from(c)] == WORD_BYTE;
    let blank = |c: u8| BYTE_CLASS[usize::from(c)] == BLANK_BYTE || (any_space && is_any_space(c));
    let mut i = 0;
    while i < b.len() {
        start(i);
        let c = b[i];
        i += 1;
        if blank(c) {
            while i < b.len() && blank(b[i]) {
                i += 1;
            }
            continue;
        }
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
            _ => {
                if c == b'\r' && b.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
        }
    }
}

/// Bit masks (bit `i` for byte `i`) of the byte classes of 64 bytes of ASCII text that
/// decide where its tokens start.
#[derive(Default, Clone, Copy)]
struct Classes {
    /// Letters, digits and `_`: they run together.
    word: u64,
    /// Spaces of any kind: they run together.
    blank: u64,
    alpha: u64,
    digit: u64,
    /// `.`, `'` and `:`: they join letters.
    joins_letters: u64,
    /// `.`, `,`, `;` and `'`: they join digits.
    joins_digits: u64,
    cr: u64,
    lf: u64,
}

/// [`Classes`] of 64 bytes, 16 at a time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn classes_sse2(block: &[u8; 64]) -> Classes {
    use std::arch::x86_64::*;
    let mut c = Classes::default();
    for (k, chunk) in block.chunks_exact(16).enumerate() {
        let lo = u64::from_le_bytes(chunk[..8].try_into().unwrap_or_default());
        let hi = u64::from_le_bytes(chunk[8..].try_into().unwrap_or_default());
        let v = _mm_set_epi64x(hi as i64, lo as i64);
        let is = |byte: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(byte as i8));
        // `x - first` below `count` as unsigned bytes: shifted by 0x80 to compare signed.
        let within = |x: __m128i, first: u8, count: u8| {
            let shifted = _mm_add_epi8(x, _mm_set1_epi8(0x80u8.wrapping_sub(first) as i8));
            _mm_cmplt_epi8(shifted, _mm_set1_epi8(0x80u8.wrapping_add(count) as i8))
        };
        let alpha = within(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a', 26);
        let digit = within(v, b'0', 10);
        let word = _mm_or_si128(_mm_or_si128(alpha, digit), is(b'_'));
        let vertical = _mm_or_si128(is(b'\x0b'), is(b'\x0c'));
        let blank = _mm_or_si128(_mm_or_si128(is(b' '), is(b'\t')), vertical);
        let dot_or_apostrophe = _mm_or_si128(is(b'.'), is(b'\''));
        let joins_letters = _mm_or_si128(dot_or_apostrophe, is(b':'));
        let joins_digits = _mm_or_si128(dot_or_apostrophe, _mm_or_si128(is(b','), is(b';')));
        let bits = |m: __m128i| u64::from(_mm_movemask_epi8(m) as u16) << (16 * k);
        c.word |= bits(word);
        c.blank |= bits(blank);
        c.alpha |= bits(alpha);
        c.digit |= bits(digit);
        c.joins_letters |= bits(joins_letters);
        c.joins_digits |= bits(joins_digits);
        c.cr |= bits(is(b'\r'));
        c.lf |= bits(is(b'\n'));
    }
    c
}

/// [`ascii_cut`] 64 bytes at a time: the bytes' classes as bit masks give the bytes where
/// a token starts (every byte but one that continues a run of word bytes or of blanks,
/// the `\n` of `\r\n`, and a joining mark between two letters or two digits and the
/// byte after it), read off with `trailing_zeros`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn ascii_cut_sse2(b: &[u8], mut start: impl FnMut(usize)) {
    // The previous block's classes (its last byte is read as bit 63) and its joins (one
    // at its last byte carries into this block's first).
    let mut before = Classes::default();
    let mut join_before = 0u64;
    let mut base = 0;
    let mut tail = [0u8; 64];
    while base < b.len() {
        let rest = &b[base..];
        let (block, valid) = match rest.first_chunk::<64>() {
            Some(block) => (block, u64::MAX),
            None => {
                // The last bytes, padded with NULs (a class of their own) that are cut off.
                tail[..rest.len()].copy_from_slice(rest);
                (&tail, (1u64 << rest.len()) - 1)
            }
        };
        let c = classes_sse2(block);
        let next = rest.get(64).copied().unwrap_or(0);
        // Each class one byte earlier and one byte later, across the blocks' edges.
        let prev = |now: u64, then: u64| (now << 1) | (then >> 63);
        let ahead = |now: u64, next: bool| (now >> 1) | (u64::from(next) << 63);
        let join = (c.joins_letters
            & prev(c.alpha, before.alpha)
            & ahead(c.alpha, next.is_ascii_alphabetic()))
            | (c.joins_digits
                & prev(c.digit, before.digit)
                & ahead(c.digit, next.is_ascii_digit()));
        let continues = (c.word & prev(c.word, before.word))
            | (c.blank & prev(c.blank, before.blank))
            | (c.lf & prev(c.cr, before.cr))
            | join
            | prev(join, join_before);
        let mut starts = !continues & valid;
        while starts != 0 {
            start(base + starts.trailing_zeros() as usize);
            starts &= starts - 1;
        }
        before = c;
        join_before = join;
        base += 64;
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

/// The offsets where the [`word_tokens`] of a piece of a text start, plus `offset`,
/// appended to `out`; `ascii` as for [`word_tokens_into`].
fn word_starts_into(text: &str, offset: usize, ascii: bool, out: &mut Vec<usize>) {
    if ascii {
        ascii_starts_into(text, offset, out);
        return;
    }
    if standalone_starts_into(text, offset, out) {
        return;
    }
    let mut pieces = Vec::with_capacity(token_room(text.len()));
    word_tokens_into(text, ascii, &mut pieces);
    let origin = text.as_ptr() as usize;
    out.extend(
        pieces
            .iter()
            .map(|t| offset + (t.as_ptr() as usize - origin)),
    );
}

/// [`word_starts_into`] of non-ASCII text whose only non-ASCII characters are ones that
/// stand alone ([`standalone_len`]): the text is cut at each of them and the ASCII
/// between them cut by [`ascii_cut`], then runs of spaces of any kind are joined.
/// `false`, with `out` as it was, for other text.
fn standalone_starts_into(text: &str, offset: usize, out: &mut Vec<usize>) -> bool {
    let from = out.len();
    let b = text.as_bytes();
    let mut done = 0;
    // Whether the last token so far is spaces.
    let mut last_is_space = false;
    loop {
        let at = next_non_ascii(b, done);
        let piece = &text[done..at.unwrap_or(b.len())];
        if let Some(&first) = piece.as_bytes().first() {
            // The piece's runs of spaces are whole; its first token joins
            // the last one when both are spaces.
            let join = last_is_space && is_any_space(first);
            let piece_from = out.len();
            ascii_cut(piece, |start| {
                if !(join && start == 0) {
                    out.push(offset + done + start);
                }
            });
            if let Some(&last) = out.get(piece_from..).and_then(<[usize]>::last) {
                last_is_space = is_any_space(b[last - offset]);
            }
        }
        let Some(at) = at else {
            return true;
        };
        let Some(len) = standalone_len(&b[at..]) else {
            out.truncate(from);
            return false;
        };
        // A no-break space is a space; the other stand-alone characters are not.
        let space = b[at..].starts_with("\u{a0}".as_bytes());
        if !(space && last_is_space) {
            out.push(offset + at);
        }
        last_is_space = space;
        done = at + len;
    }
}

/// The length of the character `bytes` start with when it is one that stands alone as a
/// token: of word-break class Other (no rule of UAX #29 joins it to what is before or
/// after it), neither a letter, digit, joining mark nor extending mark: no-break space,
/// section sign, non-breaking hyphen, en and em dash. `None` for any other character.
fn standalone_len(bytes: &[u8]) -> Option<usize> {
    match bytes {
        [0xc2, 0xa0 | 0xa7, ..] => Some(2),
        [0xe2, 0x80, 0x91 | 0x93 | 0x94, ..] => Some(3),
        _ => None,
    }
}

/// The offset of the first non-ASCII byte of `b` from `from` on, read eight bytes at a
/// time.
fn next_non_ascii(b: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(chunk) = b[at..].first_chunk::<8>() {
        let high = u64::from_le_bytes(*chunk) & 0x8080_8080_8080_8080;
        if high != 0 {
            return Some(at + high.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    b[at..].iter().position(|c| !c.is_ascii()).map(|p| at + p)
}

/// The tokens of a text as offsets: token `k` is `text[bounds[k]..bounds[k + 1]]`, and
/// the last bound is the text's length.
struct Tokens<'t> {
    text: &'t str,
    bounds: Vec<usize>,
    /// Whether the text is ASCII.
    ascii: bool,
}

/// Vectors kept per thread from one word diff to the next, so that a diff does not
/// allocate and free its token offsets and ids afresh.
#[derive(Default)]
struct Spare {
    bounds: Vec<Vec<usize>>,
    ids: Vec<Vec<Token>>,
    hunks: Vec<Vec<Hunk>>,
    merging: Vec<Vec<Merging>>,
}

thread_local! {
    static SPARE: RefCell<Spare> = RefCell::default();
}

/// Spare vectors larger than this (in bytes) are freed rather than kept.
const SPARE_BYTES: usize = 1 << 18;

/// An empty vector with room for `capacity` elements, a spare one if there is one.
fn spare<T>(capacity: usize, pool: impl FnOnce(&mut Spare) -> Option<Vec<T>>) -> Vec<T> {
    let kept = SPARE
        .try_with(|spare| spare.try_borrow_mut().ok().and_then(|mut s| pool(&mut s)))
        .ok()
        .flatten();
    let mut v = kept.unwrap_or_default();
    v.clear();
    v.reserve(capacity);
    v
}

/// Keeps a vector for [`spare`] (a few of each kind, none too long).
fn keep<T>(v: Vec<T>, pool: impl FnOnce(&mut Spare) -> &mut Vec<Vec<T>>) {
    if v.capacity() == 0 || v.capacity() * size_of::<T>() > SPARE_BYTES {
        return;
    }
    let _ = SPARE.try_with(|spare| {
        if let Ok(mut s) = spare.try_borrow_mut() {
            let kept = pool(&mut s);
            if kept.len() < 4 {
                kept.push(v);
            }
        }
    });
}

impl Drop for Tokens<'_> {
    fn drop(&mut self) {
        keep(std::mem::take(&mut self.bounds), |s| &mut s.bounds);
    }
}

/// Token ids, in a vector given back for [`spare`] when dropped.
#[derive(Debug, PartialEq, Eq)]
struct Ids(Vec<Token>);

impl std::ops::Deref for Ids {
    type Target = [Token];
    fn deref(&self) -> &[Token] {
        &self.0
    }
}

impl Drop for Ids {
    fn drop(&mut self) {
        keep(std::mem::take(&mut self.0), |s| &mut s.ids);
    }
}

impl<'t> Tokens<'t> {
    /// The [`word_tokens`] of a text; `ascii` says whether it is ASCII.
    fn of(text: &'t str, ascii: bool) -> Self {
        let mut bounds = spare(token_room(text.len()), |s| s.bounds.pop());
        word_starts_into(text, 0, ascii, &mut bounds);
        bounds.push(text.len());
        Tokens {
            text,
            bounds,
            ascii,
        }
    }

    fn len(&self) -> usize {
        self.bounds.len() - 1
    }

    #[inline]
    fn get(&self, k: usize) -> &'t str {
        &self.text[self.bounds[k]..self.bounds[k + 1]]
    }

    /// Whether token `k` is the one byte `b`.
    #[inline]
    fn is_byte(&self, k: usize, b: u8) -> bool {
        self.bounds[k + 1] - self.bounds[k] == 1 && self.text.as_bytes()[self.bounds[k]] == b
    }

    /// The text of tokens `range`.
    #[inline]
    fn text_of(&self, range: &Range<usize>) -> &'t str {
        &self.text[self.bounds[range.start]..self.bounds[range.end]]
    }

    /// The number of characters of tokens `range`.
    #[inline(always)]
    fn chars(&self, range: &Range<usize>) -> usize {
        if self.ascii {
            return self.bounds[range.end] - self.bounds[range.start];
        }
        utf8_chars(self.text_of(range).as_bytes())
    }
}

/// The number of characters of UTF-8 text.
fn utf8_chars(text: &[u8]) -> usize {
    // Characters are the bytes that do not continue one (UTF-8: 0b10xx_xxxx),
    // counted eight at a time: each continuing byte's high bit is summed by the
    // multiplication into the top byte.
    let (words, rest) = text.as_chunks::<8>();
    let continuing: usize = words
        .iter()
        .map(|w| {
            let w = u64::from_le_bytes(*w);
            let high = (w & !(w << 1) & 0x8080_8080_8080_8080) >> 7;
            (high.wrapping_mul(0x0101_0101_0101_0101) >> 56) as usize
        })
        .sum();
    let rest = rest.iter().filter(|&&b| (b as i8) < -0x40).count();
    text.len() - continuing - rest
}

/// The [`Tokens`] of two versions of a text, and how many tokens both begin and end
/// with are the same text. The text they begin and end with is cut into tokens once: an
/// edited paragraph is mostly such text. The versions are cut where the tokens of a
/// whole text always break (after a space followed by a printable ASCII character,
/// before a space following one), so each piece's tokens are the whole text's tokens
/// there.
fn both_word_tokens<'a>(old: &'a str, new: &'a str) -> (Tokens<'a>, Tokens<'a>, SameEnds) {
    let ascii = old.is_ascii();
    if ascii != new.is_ascii() {
        // Spaces of other kinds (\x0b, \x0c) beside spaces are cut differently.
        return (
            Tokens::of(old, ascii),
            Tokens::of(new, !ascii),
            SameEnds::default(),
        );
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
    let mut old_bounds = spare(token_room(old.len()), |s| s.bounds.pop());
    word_starts_into(&old[..start], 0, ascii, &mut old_bounds);
    let head = old_bounds.len();
    word_starts_into(&old[start..end], start, ascii, &mut old_bounds);
    let tail = old_bounds.len();
    word_starts_into(&old[end..], end, ascii, &mut old_bounds);
    old_bounds.push(old.len());
    let capacity = old_bounds.len() + token_room(shift - start);
    let mut new_bounds = spare(capacity, |s| s.bounds.pop());
    // The same text: its offsets serve for `new` too (shifted after the middle).
    new_bounds.extend_from_slice(&old_bounds[..head]);
    word_starts_into(&new[start..shift], start, ascii, &mut new_bounds);
    new_bounds.extend(old_bounds[tail..].iter().map(|&b| b - end + shift));
    let same = SameEnds {
        head,
        tail: old_bounds.len() - 1 - tail,
    };
    let old_tokens = Tokens {
        text: old,
        bounds: old_bounds,
        ascii,
    };
    let new_tokens = Tokens {
        text: new,
        bounds: new_bounds,
        ascii,
    };
    (old_tokens, new_tokens, same)
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

/// The lengths of the longest common prefix of `o` and `n` and of their longest common
/// suffix in what remains after it (the two never overlap).
pub(crate) fn common_ends(o: &[u8], n: &[u8]) -> (usize, usize) {
    let shortest = o.len().min(n.len());
    let prefix = common_prefix(o, n);
    let suffix = common_suffix(&o[prefix..], &n[prefix..]).min(shortest - prefix);
    (prefix, suffix)
}

/// The length of the longest common prefix of two byte strings, compared eight bytes at
/// a time.
pub(crate) fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let mut done = 0;
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        let word = |c: &[u8]| u64::from_le_bytes(c.try_into().unwrap_or_default());
        let differ = word(x) ^ word(y);
        if differ != 0 {
            // The first differing byte is the lowest nonzero byte (little-endian).
            return done + differ.trailing_zeros() as usize / 8;
        }
        done += 8;
    }
    done + a[done..]
        .iter()
        .zip(&b[done..])
        .take_while(|(x, y)| x == y)
        .count()
}

/// The length of the longest common suffix of two byte strings, compared eight bytes at
/// a time.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let mut done = 0;
    for (x, y) in a.rchunks_exact(8).zip(b.rchunks_exact(8)) {
        let word = |c: &[u8]| u64::from_le_bytes(c.try_into().unwrap_or_default());
        let differ = word(x) ^ word(y);
        if differ != 0 {
            // The last differing byte is the highest nonzero byte (little-endian).
            return done + differ.leading_zeros() as usize / 8;
        }
        done += 8;
    }
    done + a[..a.len() - done]
        .iter()
        .rev()
        .zip(b[..b.len() - done].iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// [`ascii_tokens_into`] in a vector of its own.
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

/// Diffs two sequences of token ids: the hunks imara-diff's Histogram algorithm and its
/// postprocessing (without a slider heuristic) give, computed in memory kept per thread.
/// imara-diff sets up its tables and marks afresh for each diff, which on a paragraph
/// cost about as much as the diff itself. A stretch so repetitive that Histogram would
/// hand it to Myers is diffed by imara-diff itself.
fn token_hunks(before: &[Token], after: &[Token], distinct: u32) -> Vec<Hunk> {
    thread_local! {
        static HISTOGRAM: RefCell<HistogramDiff> = RefCell::default();
    }
    let hunks = HISTOGRAM
        .try_with(|h| {
            h.try_borrow_mut()
                .ok()
                .and_then(|mut h| h.hunks(before, after, distinct))
        })
        .ok()
        .flatten();
    hunks.unwrap_or_else(|| imara_hunks(before, after, distinct))
}

/// [`token_hunks`] by imara-diff.
fn imara_hunks(before: &[Token], after: &[Token], distinct: u32) -> Vec<Hunk> {
    thread_local! {
        // The diff's marks are kept per thread and reused from paragraph to paragraph.
        static DIFF: RefCell<Diff> = RefCell::default();
    }
    DIFF.with_borrow_mut(|diff| {
        diff.compute_with(Algorithm::Histogram, before, after, distinct);
        diff.postprocess_with(before, after, NoSliderHeuristic);
        let mut hunks = spare(0, |s| s.hunks.pop());
        hunks.extend(diff.hunks().map(|h| Hunk {
            old: h.before.start as usize..h.before.end as usize,
            new: h.after.start as usize..h.after.end as usize,
        }));
        hunks
    })
}

/// Occurrences of a token counted up to this many and one more; a token seen more
/// often than this everywhere leaves Histogram without a place to split on.
const MAX_CHAIN: u32 = 63;

/// The working memory of [`token_hunks`].
#[derive(Default)]
struct HistogramDiff {
    occurrences: Occurrences,
    /// Per token: whether the old sequence's is removed, the new sequence's added.
    removed: Marks,
    added: Marks,
}

/// The first [`MAX_CHAIN`] + 1 positions of each token in a stretch of the old sequence,
/// as chains through `next`. Chains of an earlier generation are empty, so the table is
/// never cleared.
#[derive(Default)]
struct Occurrences {
    chains: Vec<Chain>,
    /// Per position of the stretch: the position of the next occurrence of its token.
    next: Vec<u32>,
    generation: u32,
}

#[derive(Debug, Clone, Copy, Default)]
struct Chain {
    generation: u32,
    len: u32,
    first: u32,
    last: u32,
}

/// The longest common stretch found: its starts in both sequences and its length.
#[derive(Debug, Clone, Copy, Default)]
struct Lcs {
    before: usize,
    after: usize,
    len: usize,
}

impl HistogramDiff {
    /// The hunks, or `None` for a stretch too repetitive (see [`token_hunks`]).
    fn hunks(&mut self, before: &[Token], after: &[Token], distinct: u32) -> Option<Vec<Hunk>> {
        let HistogramDiff {
            occurrences,
            removed,
            added,
        } = self;
        removed.reset(before.len());
        added.reset(after.len());
        if occurrences.chains.len() < distinct as usize {
            occurrences
                .chains
                .resize(distinct as usize, Chain::default());
        }
        // The tokens both begin and end with are unchanged.
        let head = before.iter().zip(after).take_while(|(b, a)| b == a).count();
        let tail = before[head..]
            .iter()
            .rev()
            .zip(after[head..].iter().rev())
            .take_while(|(b, a)| b == a)
            .count();
        let (b_end, a_end) = (before.len() - tail, after.len() - tail);
        if !occurrences.split(
            &before[head..b_end],
            &after[head..a_end],
            (removed, head),
            (added, head),
        ) {
            return None;
        }
        slide(added, removed, after);
        slide(removed, added, before);
        let mut hunks = spare(0, |s| s.hunks.pop());
        // Hunks lie between unchanged tokens, which pair off in order.
        let (mut i, mut j) = (0, 0);
        while i < removed.len || j < added.len {
            let unchanged = removed
                .first_mark(i.min(removed.len))
                .unwrap_or(removed.len - i.min(removed.len))
                .min(
                    added
                        .first_mark(j.min(added.len))
                        .unwrap_or(added.len - j.min(added.len)),
                );
            if unchanged > 0 {
                i += unchanged;
                j += unchanged;
                continue;
            }
            let (r, a) = (removed.run_end(i) - i, added.run_end(j) - j);
            hunks.push(Hunk {
                old: i..i + r,
                new: j..j + a,
            });
            i += r + 1;
            j += a + 1;
        }
        Some(hunks)
    }
}

impl Occurrences {
    /// Marks the tokens of `before` removed and of `after` added that are not in the
    /// common stretches Histogram finds: the longest common stretch of the rarest
    /// tokens, then the same on either side of it. `false` when a stretch is too
    /// repetitive. The marks are given with the place of the stretches' first tokens.
    fn split(
        &mut self,
        mut before: &[Token],
        mut after: &[Token],
        (removed, mut r): (&mut Marks, usize),
        (added, mut a): (&mut Marks, usize),
    ) -> bool {
        loop {
            if before.is_empty() {
                added.fill(a..a + after.len());
                return true;
            }
            if after.is_empty() {
                removed.fill(r..r + before.len());
                return true;
            }
            self.count(before);
            let Some(lcs) = self.longest(before, after) else {
                return false;
            };
            if lcs.len == 0 {
                added.fill(a..a + after.len());
                removed.fill(r..r + before.len());
                return true;
            }
            if !self.split(
                &before[..lcs.before],
                &after[..lcs.after],
                (removed, r),
                (added, a),
            ) {
                return false;
            }
            let (b_next, a_next) = (lcs.before + lcs.len, lcs.after + lcs.len);
            before = &before[b_next..];
            r += b_next;
            after = &after[a_next..];
            a += a_next;
        }
    }

    /// Chains the positions of each token of `before`, in a new generation.
    fn count(&mut self, before: &[Token]) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.chains.fill(Chain::default());
            self.generation = 1;
        }
        if self.next.len() < before.len() {
            self.next.resize(before.len(), 0);
        }
        let generation = self.generation;
        let next = &mut self.next[..before.len()];
        for (i, t) in before.iter().enumerate() {
            let i = i as u32;
            let chain = &mut self.chains[t.0 as usize];
            if chain.generation != generation {
                *chain = Chain {
                    generation,
                    len: 1,
                    first: i,
                    last: i,
                };
            } else if chain.len <= MAX_CHAIN {
                next[chain.last as usize] = i;
                chain.last = i;
                chain.len += 1;
            }
        }
    }

    /// How often a token occurs in the stretch counted (up to [`MAX_CHAIN`] + 1).
    #[inline(always)]
    fn occurs(&self, t: Token) -> u32 {
        let chain = &self.chains[t.0 as usize];
        if chain.generation == self.generation {
            chain.len
        } else {
            0
        }
    }

    /// [`Occurrences::occurs`] of a token of the stretch counted (its chain is of this
    /// generation).
    #[inline(always)]
    fn counted(&self, t: Token) -> u32 {
        self.chains[t.0 as usize].len
    }

    /// The common stretch to split on: scanning `after`, each token no commoner than
    /// the best so far is extended both ways from each of its places in `before`; a
    /// longer stretch, or one whose rarest token is rarer, wins. `None` when common
    /// tokens exist but all are too common.
    fn longest(&self, before: &[Token], after: &[Token]) -> Option<Lcs> {
        let mut best = Lcs::default();
        let mut rarest = MAX_CHAIN + 1;
        let mut found = false;
        let mut pos = 0;
        while let Some(&t) = after.get(pos) {
            let n = self.occurs(t);
            if n != 0 {
                found = true;
                if n <= rarest {
                    pos = self.extend(before, after, pos, t, &mut best, &mut rarest);
                    continue;
                }
            }
            pos += 1;
        }
        (!found || rarest <= MAX_CHAIN).then_some(best)
    }

    /// Extends the matches of `after[at]` (token `t`) with each of its places in
    /// `before`, keeping the best in `best` and `rarest`; returns where the scan of
    /// `after` goes on (past the longest match).
    fn extend(
        &self,
        before: &[Token],
        after: &[Token],
        at: usize,
        t: Token,
        best: &mut Lcs,
        rarest: &mut u32,
    ) -> usize {
        let chain = self.chains[t.0 as usize];
        let mut resume = at + 1;
        let mut place = chain.first as usize;
        // Places of the chain after `place` not yet looked at.
        let mut left = chain.len - 1;
        loop {
            let mut occurs = chain.len;
            let (mut b0, mut a0) = (place, at);
            while b0 > 0 && a0 > 0 && before[b0 - 1] == after[a0 - 1] {
                b0 -= 1;
                a0 -= 1;
                occurs = occurs.min(self.counted(before[b0]));
            }
            let (mut b1, mut a1) = (place + 1, at + 1);
            while b1 < before.len() && a1 < after.len() && before[b1] == after[a1] {
                occurs = occurs.min(self.counted(before[b1]));
                b1 += 1;
                a1 += 1;
            }
            resume = resume.max(a1);
            let len = a1 - a0;
            if best.len < len || *rarest > occurs {
                *rarest = occurs;
                *best = Lcs {
                    before: b0,
                    after: a0,
                    len,
                };
            }
            // The next place of the chain past the end of this match (as Histogram
            // compares it: a place in `before` against an end in `after`).
            loop {
                if left == 0 {
                    return resume;
                }
                place = self.next[place] as usize;
                left -= 1;
                if place > a1 {
                    break;
                }
            }
        }
    }
}

/// One pass of the postprocessing: each hunk of `added` (marks of `tokens`) slid as
/// far up and then down as its tokens allow, merging with the hunks it meets, and
/// back up to meet a hunk of `removed` (the other sequence's marks) when it passed
/// one. Hunks are read as pairs of ranges: `added`'s and where it falls in `removed`.
fn slide(added: &mut Marks, removed: &Marks, tokens: &[Token]) {
    let mut at = Slider {
        added,
        removed,
        tokens,
        mine: 0..0,
        theirs: 0..0,
    };
    while at.next_hunk() {
        let mut earliest_end;
        let mut met_theirs;
        loop {
            while at.up() {}
            earliest_end = at.mine.end;
            met_theirs = !at.theirs.is_empty();
            let len = at.mine.len();
            while at.down() {
                met_theirs |= !at.theirs.is_empty();
            }
            // Merged with a hunk below: it may slide further up.
            if len == at.mine.len() {
                break;
            }
        }
        if at.mine.end != earliest_end && met_theirs {
            while at.theirs.is_empty() {
                if !at.up() {
                    break;
                }
            }
        }
    }
}

/// The state of [`slide`]: the current hunk's range in `added` (`mine`) and in
/// `removed` (`theirs`, empty where the hunk is a pure insertion).
struct Slider<'s> {
    added: &'s mut Marks,
    removed: &'s Marks,
    tokens: &'s [Token],
    mine: Range<usize>,
    theirs: Range<usize>,
}

impl Slider<'_> {
    /// Moves to the next hunk of `added` after the current one, and finds where it
    /// falls in `removed` (after as many unchanged tokens). `false` when there is none.
    fn next_hunk(&mut self) -> bool {
        let Some(gap) = self.added.first_mark(self.mine.end) else {
            return false;
        };
        // Unchanged tokens of `removed` passed so far.
        let mut passed = 0;
        loop {
            let unchanged = self
                .removed
                .first_mark(self.theirs.end)
                .unwrap_or(self.removed.len - self.theirs.end);
            if passed + unchanged > gap {
                self.theirs.start = self.theirs.end + (gap - passed);
                self.theirs.end = self.theirs.start;
                break;
            }
            passed += unchanged;
            self.theirs.start = self.theirs.end + unchanged;
            self.theirs.end = self.removed.run_end(self.theirs.start);
            if passed == gap {
                break;
            }
        }
        self.mine.start = self.mine.end + gap;
        self.mine.end = self.added.run_end(self.mine.start);
        true
    }

    /// Slides the hunk one token down (its first token equals the one after it),
    /// merging with a hunk it meets.
    fn down(&mut self) -> bool {
        let Some(&next) = self.tokens.get(self.mine.end) else {
            return false;
        };
        if self.tokens[self.mine.start] != next {
            return false;
        }
        self.added.clear(self.mine.start);
        self.added.set(self.mine.end);
        self.mine.start += 1;
        self.mine.end = self.added.run_end(self.mine.end);
        self.theirs.start = self.theirs.end + 1;
        self.theirs.end = self.removed.run_end(self.theirs.start);
        true
    }

    /// Slides the hunk one token up (its last token equals the one before it),
    /// merging with a hunk it meets.
    fn up(&mut self) -> bool {
        if self.mine.start == 0
            || self.tokens[self.mine.start - 1] != self.tokens[self.mine.end - 1]
        {
            return false;
        }
        self.added.set(self.mine.start - 1);
        self.added.clear(self.mine.end - 1);
        self.mine.end -= 1;
        self.mine.start = self.added.run_start(self.mine.start - 1);
        self.theirs.end = self.theirs.start - 1;
        self.theirs.start = self.removed.run_start(self.theirs.start - 1);
        true
    }
}

/// Marks of the tokens of a sequence, a bit per token (bit `i % 64` of word `i / 64`),
/// so that a run of marks or of unmarked tokens in a paragraph is read in one or two
/// words. Bits past `len` are 0.
#[derive(Default)]
struct Marks {
    words: Vec<u64>,
    len: usize,
}

impl Marks {
    /// No marks, for `len` tokens.
    fn reset(&mut self, len: usize) {
        self.words.clear();
        self.words.resize(len.div_ceil(64) + 1, 0);
        self.len = len;
    }

    #[cfg(test)]
    fn get(&self, i: usize) -> bool {
        self.words[i / 64] >> (i % 64) & 1 != 0
    }

    fn set(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }

    fn clear(&mut self, i: usize) {
        self.words[i / 64] &= !(1 << (i % 64));
    }

    /// Marks the tokens `range`.
    fn fill(&mut self, range: Range<usize>) {
        for i in range {
            self.set(i);
        }
    }

    /// How far from `from` the first mark is.
    fn first_mark(&self, from: usize) -> Option<usize> {
        if from >= self.len {
            return None;
        }
        let mut w = from / 64;
        let mut word = self.words[w] & (u64::MAX << (from % 64));
        loop {
            if word != 0 {
                return Some(w * 64 + word.trailing_zeros() as usize - from);
            }
            w += 1;
            word = *self.words.get(w)?;
        }
    }

    /// The end of the run of marks at `from`.
    fn run_end(&self, from: usize) -> usize {
        if from >= self.len {
            return self.len;
        }
        let mut w = from / 64;
        let mut zeros = !self.words[w] & (u64::MAX << (from % 64));
        loop {
            if zeros != 0 {
                return (w * 64 + zeros.trailing_zeros() as usize).min(self.len);
            }
            w += 1;
            // The last word always has a 0 past `len`.
            zeros = !self.words[w];
        }
    }

    /// The start of the run of marks that ends at `to`.
    fn run_start(&self, to: usize) -> usize {
        if to == 0 {
            return 0;
        }
        let mut w = (to - 1) / 64;
        // The bits below `to` in its word.
        let below = to - w * 64;
        let mut zeros = !self.words[w] & (u64::MAX >> (64 - below));
        loop {
            if zeros != 0 {
                return w * 64 + 64 - zeros.leading_zeros() as usize;
            }
            if w == 0 {
                return 0;
            }
            w -= 1;
            zeros = !self.words[w];
        }
    }
}

/// Token ids for the diff (tokens with the same [`comparable`] form share one) and the
/// number of distinct ids. `ascii`: both texts are ASCII. `same`: how many tokens both
/// begin and end with are the same text (they take the old tokens' ids unread).
fn intern(old: &Tokens<'_>, new: &Tokens<'_>, ascii: bool, same: SameEnds) -> (Ids, Ids, u32) {
    thread_local! {
        // One table per thread, kept between paragraphs: a table made and freed for each
        // paragraph cost more in allocation than the lookups themselves.
        static TABLE: RefCell<TokenIds> = RefCell::default();
    }
    TABLE.with_borrow_mut(|table| table.intern(old, new, ascii, same))
}

/// A token's compared form as a key: up to 16 bytes are the key itself (the first and
/// the last eight, which overlap below 16, and the length); a longer form is keyed by
/// its hash and compared when the keys agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key {
    first: u64,
    last: u64,
    len: usize,
}

/// Forms up to this long are their own keys.
const KEY_BYTES: usize = 16;

impl Key {
    /// The key of `bytes[start..end]`.
    #[inline(always)]
    fn of(bytes: &[u8], start: usize, end: usize) -> Key {
        let len = end - start;
        if len <= 8 {
            let first = match bytes[start..].first_chunk::<8>() {
                // One load, the bytes after the form masked off.
                Some(word) => u64::from_le_bytes(*word) & (u64::MAX >> (8 * (8 - len))),
                None => match end.checked_sub(8) {
                    // One load that ends with the form, the bytes before it shifted out.
                    Some(from) => {
                        let word = bytes[from..end].first_chunk::<8>().copied();
                        u64::from_le_bytes(word.unwrap_or_default()) >> (8 * (8 - len))
                    }
                    // A text shorter than eight bytes.
                    None => bytes[start..end]
                        .iter()
                        .rev()
                        .fold(0, |word, &b| (word << 8) | u64::from(b)),
                },
            };
            return Key {
                first,
                last: 0,
                len,
            };
        }
        let word = |at: usize| {
            let word = bytes[at..].first_chunk::<8>().copied();
            u64::from_le_bytes(word.unwrap_or_default())
        };
        if len <= KEY_BYTES {
            return Key {
                first: word(start),
                last: word(end - 8),
                len,
            };
        }
        let mut hasher = rustc_hash::FxHasher::default();
        std::hash::Hasher::write(&mut hasher, &bytes[start..end]);
        Key {
            first: std::hash::Hasher::finish(&hasher),
            last: word(start),
            len,
        }
    }

    /// Whether the form keyed is ASCII, `bytes` being the form (read only when longer
    /// than a key).
    fn is_ascii(&self, bytes: &[u8]) -> bool {
        if self.len <= KEY_BYTES {
            // The key holds every byte of the form.
            (self.first | self.last) & 0x8080_8080_8080_8080 == 0
        } else {
            bytes.is_ascii()
        }
    }

    /// A slot number in a table of `1 << bits` slots.
    #[inline(always)]
    fn slot(&self, bits: u32) -> usize {
        let mixed = (self.first ^ self.last.rotate_left(29) ^ self.len as u64)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (mixed >> (64 - bits)) as usize
    }
}

/// An open-addressing table from a token's comparable form to its id. Ids are given in
/// the order forms first occur (the old text's tokens, then the new text's).
struct TokenIds {
    /// An id in the low half, the generation it belongs to in the high half: an entry
    /// of an earlier generation is empty, so the table is not cleared for each diff.
    /// The first `1 << bits` slots are used.
    slots: Vec<u64>,
    /// log2 of the number of slots used.
    bits: u32,
    /// Per id: the key of its form, and where a token of that form is, read to compare
    /// forms longer than their keys.
    ids: Vec<(Key, Seen)>,
    /// Half the tokens are one byte (a space, a comma): the ids of one-byte forms are
    /// kept by byte (entries as in `slots`).
    by_byte: [u64; 256],
    /// The current generation (never 0) in the high half.
    generation: u64,
}

impl Default for TokenIds {
    fn default() -> Self {
        TokenIds {
            slots: Vec::new(),
            bits: 0,
            ids: Vec::new(),
            by_byte: [0; 256],
            generation: 0,
        }
    }
}

impl TokenIds {
    fn intern(
        &mut self,
        old: &Tokens<'_>,
        new: &Tokens<'_>,
        ascii: bool,
        same: SameEnds,
    ) -> (Ids, Ids, u32) {
        // At most one form per token: the table is at most half full.
        let size = (old.len() + new.len() + 1).next_power_of_two().max(64) * 2;
        self.bits = size.trailing_zeros();
        self.generation = self.generation.wrapping_add(1 << 32);
        if self.generation == 0 {
            self.slots.fill(0);
            self.by_byte = [0; 256];
            self.generation = 1 << 32;
        }
        if self.slots.len() < size {
            self.slots.resize(size, 0);
        }
        self.ids.clear();
        let (head, tail) = (same.head, same.tail);
        let mut before: Vec<Token> = spare(old.len(), |s| s.ids.pop());
        let mut after: Vec<Token> = spare(new.len(), |s| s.ids.pop());
        if ascii {
            self.ids_into::<true>(old, new, false, 0..old.len(), &mut before);
            after.extend_from_slice(&before[..head]);
            self.ids_into::<true>(old, new, true, head..new.len() - tail, &mut after);
        } else {
            self.ids_into::<false>(old, new, false, 0..old.len(), &mut before);
            after.extend_from_slice(&before[..head]);
            self.ids_into::<false>(old, new, true, head..new.len() - tail, &mut after);
        }
        after.extend_from_slice(&before[old.len() - tail..]);
        (Ids(before), Ids(after), self.ids.len() as u32)
    }

    /// The ids of `old`'s or `new`'s (`new_side`) tokens `range`, appended to `out`;
    /// `ASCII`: both texts are ASCII.
    fn ids_into<const ASCII: bool>(
        &mut self,
        old: &Tokens<'_>,
        new: &Tokens<'_>,
        new_side: bool,
        range: Range<usize>,
        out: &mut Vec<Token>,
    ) {
        let tokens = if new_side { new } else { old };
        let bytes = tokens.text.as_bytes();
        let bounds = &tokens.bounds[range.start..range.end + 1];
        // The table's parts as locals: the output and the ids grow, the slots do not.
        let TokenIds {
            slots,
            bits,
            ids,
            by_byte,
            generation,
        } = self;
        let bits = *bits;
        let slots = &mut slots[..1 << bits];
        let generation = *generation;
        // The ids are written in place (no test for room per token).
        let from = out.len();
        out.resize(from + range.len(), Token(0));
        for (slot, bound) in out[from..].iter_mut().zip(bounds.windows(2)) {
            let (start, end) = (bound[0], bound[1]);
            let first = bytes[start];
            // In ASCII text a token that starts with a space of any kind is spaces (runs
            // of spaces and tabs are one token, other spaces stand alone), compared as
            // one space; any other token is compared as written (see `comparable`). The
            // same holds of an ASCII token of other text: the tokenizer keeps spaces of
            // any kind together and apart from everything else.
            let one_byte = end - start == 1;
            let byte = if is_any_space(first) && (ASCII || one_byte || bytes[start..end].is_ascii())
            {
                Some(b' ')
            } else if one_byte && (ASCII || first.is_ascii()) {
                Some(first)
            } else {
                None
            };
            let seen = || (new_side, start..end);
            let place = (old.text, new.text, new_side, start..end);
            let id = match byte {
                Some(b) => byte_id(ids, by_byte, generation, b, seen),
                None => {
                    let key = Key::of(bytes, start, end);
                    if ASCII || (first.is_ascii() && key.is_ascii(&bytes[start..end])) {
                        key_id(ids, slots, bits, generation, key, place, true)
                    } else {
                        match comparable(&tokens.text[start..end]).as_bytes() {
                            [b] => byte_id(ids, by_byte, generation, *b, seen),
                            form => {
                                let key = Key::of(form, 0, form.len());
                                key_id(ids, slots, bits, generation, key, place, false)
                            }
                        }
                    }
                }
            };
            *slot = id;
        }
    }
}

/// Where a token is: the two texts, whether it is the new text's, its bytes.
type Place<'p> = (&'p str, &'p str, bool, Range<usize>);

/// The generation half of an entry of [`TokenIds`].
const GENERATION: u64 = 0xffff_ffff_0000_0000;

/// Where a token of a form is, kept with its id: whether in the new text, its bytes.
type Seen = (bool, Range<usize>);

/// The id of a one-byte form `b` ([`TokenIds::by_byte`]), new if it has none yet.
#[inline(always)]
fn byte_id(
    ids: &mut Vec<(Key, Seen)>,
    by_byte: &mut [u64; 256],
    generation: u64,
    b: u8,
    seen: impl FnOnce() -> Seen,
) -> Token {
    let known = by_byte[usize::from(b)];
    if known & GENERATION == generation {
        return Token(known as u32);
    }
    let key = Key {
        first: u64::from(b),
        last: 0,
        len: 1,
    };
    let id = ids.len() as u32;
    ids.push((key, seen()));
    by_byte[usize::from(b)] = generation | u64::from(id);
    Token(id)
}

/// The id of a form longer than one byte by its key, in a table of `1 << bits` slots
/// ([`TokenIds::slots`]), new if it has none yet; `ascii`: the token (at `place`) is
/// ASCII (its form is its text).
#[inline(always)]
fn key_id(
    ids: &mut Vec<(Key, Seen)>,
    slots: &mut [u64],
    bits: u32,
    generation: u64,
    key: Key,
    (old, new, new_side, bytes): Place<'_>,
    ascii: bool,
) -> Token {
    let mask = slots.len() - 1;
    let mut slot = key.slot(bits);
    loop {
        let taken = slots[slot];
        if taken & GENERATION != generation {
            let id = ids.len() as u32;
            ids.push((key, (new_side, bytes)));
            slots[slot] = generation | u64::from(id);
            return Token(id);
        }
        let (other, seen) = &ids[taken as u32 as usize];
        if *other == key
            && (key.len <= KEY_BYTES
                || same_form(old, new, seen.clone(), (new_side, bytes.clone()), ascii))
        {
            return Token(taken as u32);
        }
        slot = (slot + 1) & mask;
    }
}

/// Whether two tokens (of the new text or not, their bytes) have the same compared
/// form; `ascii`: the second is ASCII.
fn same_form(old: &str, new: &str, a: Seen, b: Seen, ascii: bool) -> bool {
    let token = |(side, bytes): Seen| &(if side { new } else { old })[bytes];
    let (a, b) = (token(a), token(b));
    // The same text (most repeats) has the same form.
    a == b || (!(ascii && a.is_ascii()) && form_of(a) == form_of(b))
}

/// The compared form of a token ([`comparable`]); read as bytes when it is ASCII.
fn form_of(token: &str) -> Cow<'_, str> {
    if token.is_ascii() {
        Cow::Borrowed(ascii_form(token))
    } else {
        comparable(token)
    }
}

/// [`comparable`] of an ASCII token: spaces of any kind are one space.
fn ascii_form(token: &str) -> &str {
    match token.as_bytes() {
        [b' ' | b'\t' | b'\x0b' | b'\x0c', ..] => " ",
        _ => token,
    }
}

/// The cleanup pass over the hunks of a token diff.
///
/// `before` and `after` are the tokens' ids (equal when their [`comparable`] forms are).
fn cleanup(
    old: &Tokens<'_>,
    new: &Tokens<'_>,
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
    if hunks.is_empty() {
        return hunks;
    }

    // 2. Merge hunks across unchanged islands a reader would not keep: whitespace and
    //    punctuation only, one stop-word or one letter, or (as diff-match-patch's
    //    semantic cleanup) an island no longer than the changes on both of its sides.
    let hunks = merge_islands(old, new, hunks);

    // 3. A replacement whose new side runs across the closing bracket that follows it
    //    (`(Rev. [-Guadalajara 2010-]{+Busan, 2014) and Resolution 1 (Rev. 2016+});`)
    //    ends at the first such bracket instead, and the rest is an insertion
    //    (`{+Busan, 2014+}){+ and Resolution 1 (Rev. 2016)+};`). Likewise for deletions.
    split_at_closers(old, new, hunks)
}

/// The first unopened `closer` in `tokens` (a bracket closed before it is opened).
fn unopened(tokens: &Tokens<'_>, range: Range<usize>, closer: u8) -> Option<usize> {
    let opener = if closer == b')' { b'(' } else { b'[' };
    let mut depth = 0usize;
    for k in range {
        if tokens.is_byte(k, opener) {
            depth += 1;
        } else if tokens.is_byte(k, closer) {
            if depth == 0 {
                return Some(k);
            }
            depth -= 1;
        }
    }
    None
}

fn split_at_closers(old: &Tokens<'_>, new: &Tokens<'_>, hunks: Vec<Hunk>) -> Vec<Hunk> {
    // The bracket both versions close right after a hunk.
    let closer_after = |h: &Hunk| {
        let (oe, ne) = (h.old.end, h.new.end);
        [b')', b']']
            .into_iter()
            .find(|&c| oe < old.len() && ne < new.len() && old.is_byte(oe, c) && new.is_byte(ne, c))
    };
    if !hunks.iter().any(|h| closer_after(h).is_some()) {
        return hunks;
    }
    let mut out = Vec::with_capacity(hunks.len());
    for h in hunks {
        let (os, oe, ns, ne) = (h.old.start, h.old.end, h.new.start, h.new.end);
        let Some(closer) = closer_after(&h) else {
            out.push(h);
            continue;
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

/// Step 2 of [`cleanup`]: hunks merged across the islands between them that
/// [`island_verdict`] and the lengths of the changes on both sides say a reader would
/// not keep. Passes from left to right, in place (`hunks[..=current]` are the hunks so
/// far, the last one growing while it absorbs the next), until one merges nothing. An
/// island's verdict is read once: the island between two hunks is always one of the
/// first hunks' islands, as merging only removes islands.
fn merge_islands(old: &Tokens<'_>, new: &Tokens<'_>, mut hunks: Vec<Hunk>) -> Vec<Hunk> {
    let mut merging: Vec<Merging> = spare(hunks.len(), |s| s.merging.pop());
    for (k, h) in hunks.iter().enumerate() {
        let island = hunks.get(k + 1).map_or(Verdict::Keep, |next| {
            island_verdict(old, &(h.old.end..next.old.start))
        });
        merging.push(Merging {
            old_chars: old.chars(&h.old),
            new_chars: new.chars(&h.new),
            hunk: h.clone(),
            island,
        });
    }
    loop {
        let mut changed = false;
        let mut current = 0;
        for k in 1..merging.len() {
            let next = merging[k].clone();
            let this = &mut merging[current];
            let absorb = match this.island {
                Verdict::Absorb => true,
                Verdict::Keep => false,
                Verdict::Compare(island) => {
                    island <= this.old_chars.max(this.new_chars)
                        && island <= next.old_chars.max(next.new_chars)
                }
            };
            if absorb {
                this.old_chars += old.chars(&(this.hunk.old.end..next.hunk.old.start));
                this.old_chars += next.old_chars;
                this.new_chars += new.chars(&(this.hunk.new.end..next.hunk.new.start));
                this.new_chars += next.new_chars;
                this.hunk.old.end = next.hunk.old.end;
                this.hunk.new.end = next.hunk.new.end;
                this.island = next.island;
                changed = true;
            } else {
                current += 1;
                merging[current] = next;
            }
        }
        merging.truncate(current + 1);
        if !changed {
            break;
        }
    }
    hunks.clear();
    hunks.extend(merging.iter().map(|m| m.hunk.clone()));
    keep(merging, |s| &mut s.merging);
    hunks
}

/// A hunk being merged, the numbers of characters of its two sides, and the verdict on
/// the island after it.
#[derive(Debug, Clone)]
struct Merging {
    hunk: Hunk,
    old_chars: usize,
    new_chars: usize,
    island: Verdict,
}

/// Whether the hunks on both sides of an island are merged across it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Absorb,
    Keep,
    /// When the island, this many characters, is no longer than the changes on both
    /// sides (the longer side of each).
    Compare(usize),
}

/// The [`Verdict`] on the unchanged tokens `island` of the old text between two hunks.
fn island_verdict(old: &Tokens<'_>, island: &Range<usize>) -> Verdict {
    let mut words = island.clone().map(|k| old.get(k)).filter(|t| is_word(t));
    let (first_word, more_words) = (words.next(), words.next().is_some());
    // The island's tokens hold a line end where its text does.
    let newline = old.text_of(island).as_bytes().contains(&b'\n');
    let Some(first_word) = first_word else {
        // Only spaces or punctuation between two changes. A newline is a paragraph
        // boundary in whole-text diffs and is kept.
        return if newline {
            Verdict::Keep
        } else {
            Verdict::Absorb
        };
    };
    if newline {
        return Verdict::Keep;
    }
    if !more_words && (is_stop_word(first_word) || is_letter(first_word)) {
        return Verdict::Absorb;
    }
    Verdict::Compare(old.chars(island))
}

/// Whether a word, lowercased, is one of the [`STOP_WORDS`].
fn is_stop_word(word: &str) -> bool {
    if word.is_ascii() {
        // Lowercased as ASCII, without a string of its own.
        return STOP_WORDS.iter().any(|s| s.eq_ignore_ascii_case(word));
    }
    STOP_WORDS.contains(&word.to_lowercase().as_str())
}

/// Whether a word, lowercased, is one character.
fn is_letter(word: &str) -> bool {
    if word.is_ascii() {
        return word.len() == 1;
    }
    word.to_lowercase().chars().count() == 1
}

/// Turns hunks into edits over the original strings; the tokens are those of the texts
/// from byte `base` on (the same text up to there).
fn edits<'a>(
    old: &'a str,
    new: &'a str,
    base: usize,
    old_tokens: &Tokens<'_>,
    new_tokens: &Tokens<'_>,
    hunks: &[Hunk],
) -> Vec<Edit<'a>> {
    let old_at = |token: usize| base + old_tokens.bounds[token];
    let new_at = |token: usize| base + new_tokens.bounds[token];
    let mut out = Vec::with_capacity(hunks.len() * 2 + 1);
    // The new text up to `done` is in `out`.
    let mut done = 0;
    for h in hunks {
        let new_start = new_at(h.new.start);
        if done < new_start {
            out.push(Edit::Equal(&new[done..new_start]));
        }
        done = new_at(h.new.end);
        out.push(Edit::Replace {
            old: &old[old_at(h.old.start)..old_at(h.old.end)],
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

    /// Spaces of any kind run together whether or not the text holds a character that is
    /// not ASCII: a run of vertical tabs was once one token in such text and several in
    /// ASCII text, and the kept and old parts of a diff then no longer compared as the old
    /// text.
    #[test]
    fn spaces_of_any_kind_are_one_token_with_or_without_other_characters() {
        assert_eq!(word_tokens("a \u{b}\u{b}\tb"), ["a", " \u{b}\u{b}\t", "b"]);
        assert_eq!(
            word_tokens("a \u{b}\u{b}\tb\u{e9}"),
            ["a", " \u{b}\u{b}\t", "b\u{e9}"]
        );
        let (old, new) = (" \tAbstract x", "\u{b}\u{b}\u{b}5 x\u{2019}");
        let kept_and_old: String = diff_words(old, new)
            .iter()
            .map(|e| match e {
                Edit::Equal(t) => *t,
                Edit::Replace { old, .. } => *old,
            })
            .collect();
        let compared = |t: &str| -> String {
            word_tokens(t)
                .into_iter()
                .map(|t| comparable(t).into_owned())
                .collect()
        };
        assert_eq!(compared(&kept_and_old), compared(old));
    }

    /// The tokens' texts.
    fn strs<'t>(tokens: &Tokens<'t>) -> Vec<&'t str> {
        (0..tokens.len()).map(|k| tokens.get(k)).collect()
    }

    /// The tokens of ASCII text cut a byte at a time ([`ascii_cut_bytewise`]).
    fn bytewise_tokens(text: &str, any_space: bool) -> Vec<&str> {
        let mut starts = Vec::new();
        ascii_cut_bytewise(text.as_bytes(), any_space, |at| starts.push(at));
        starts.push(text.len());
        starts.windows(2).map(|w| &text[w[0]..w[1]]).collect()
    }

    /// The tokens of ASCII text cut block-wise ([`ascii_cut`]).
    fn block_tokens(text: &str) -> Vec<&str> {
        let mut starts = Vec::new();
        ascii_cut(text, |at| starts.push(at));
        starts.push(text.len());
        starts.windows(2).map(|w| &text[w[0]..w[1]]).collect()
    }

    /// Step 2 of the cleanup as first written: every island judged afresh in each pass.
    fn merge_islands_reference(old: &Tokens<'_>, new: &Tokens<'_>, hunks: Vec<Hunk>) -> Vec<Hunk> {
        let absorb = |left: &Hunk, island: &Range<usize>, right: &Hunk| {
            let mut words = island.clone().map(|k| old.get(k)).filter(|t| is_word(t));
            let (first_word, more_words) = (words.next(), words.next().is_some());
            let newline = (island.clone()).any(|k| old.get(k).contains('\n'));
            let Some(first_word) = first_word else {
                return !newline;
            };
            if newline {
                return false;
            }
            if !more_words {
                let w = first_word.to_lowercase();
                if STOP_WORDS.contains(&w.as_str()) || w.chars().count() == 1 {
                    return true;
                }
            }
            let chars = |tokens: &Tokens<'_>, r: &Range<usize>| {
                r.clone()
                    .map(|k| tokens.get(k).chars().count())
                    .sum::<usize>()
            };
            let island_len = chars(old, island);
            let left_len = chars(old, &left.old).max(chars(new, &left.new));
            let right_len = chars(old, &right.old).max(chars(new, &right.new));
            island_len <= left_len && island_len <= right_len
        };
        let mut hunks = hunks;
        loop {
            let mut merged = Vec::with_capacity(hunks.len());
            let mut changed = false;
            let mut iter = hunks.into_iter();
            let Some(mut current) = iter.next() else {
                return Vec::new();
            };
            for next in iter {
                let island = current.old.end..next.old.start;
                if absorb(&current, &island, &next) {
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
                return hunks;
            }
        }
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
    const PIECES: &str = "(the|ITU|’s|’| |  |\t|\u{a0}|\u{b}|\u{c}|\u{301}|\u{200d}|\u{e9}t\u{e9}|§|–|—|\u{2011}|2012|1,000|e\\.g|,|\\.|\r\n|\r|\n|:|'|a|\\)|\\()";

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
    const WINDOW_PIECES: &str = "(the|of|a|b|Dubai|2012|\u{a0}|,|;|\\(|\\)| | |  |\n|ITU\u{2011}T|ITU-T|x[a-c]{0,2}|caf\u{e9}|\u{e9}crit|’|'|-)";

    proptest! {
        /// The byte-wise token tests agree with their definitions over characters.
        #[test]
        fn token_tests_read_as_bytes_agree_with_characters(token in "\\PC{0,6}|[ -~\t\n]{0,6}") {
            prop_assert_eq!(is_word(&token), token.chars().any(char::is_alphanumeric));
            let tokens = Tokens {
                text: &token,
                bounds: vec![0, token.len()],
                ascii: token.is_ascii(),
            };
            prop_assert_eq!(tokens.chars(&(0..1)), token.chars().count());
        }

        /// Two tokens share an id exactly when their compared forms are the same, on
        /// ASCII text (read by the quick path) and on any text.
        #[test]
        fn token_ids_follow_the_compared_forms(
            a in proptest::collection::vec(PIECES, 0..24),
            b in proptest::collection::vec(PIECES, 0..24),
        ) {
            let (a, b) = (a.concat(), b.concat());
            let (old, new) = (Tokens::of(&a, a.is_ascii()), Tokens::of(&b, b.is_ascii()));
            let ascii = a.is_ascii() && b.is_ascii();
            let (before, after, distinct) = intern(&old, &new, ascii, SameEnds::default());
            let all: Vec<(&str, Token)> = strs(&old).into_iter().zip(before.iter().copied())
                .chain(strs(&new).into_iter().zip(after.iter().copied()))
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

        /// The block-wise cut agrees with the byte-wise one on any ASCII text, across the
        /// blocks' edges (texts of several blocks, many joins and runs).
        #[test]
        fn block_cut_agrees_with_bytewise(
            text in "[ -~\t\r\n\x0b\x0c\x00]{0,200}",
            parts in proptest::collection::vec(
                "(ITU|'s|e\\.g|1,000|3\\.5|a:b|2;3|\r\n|\r|\n| |  |\t|\x0b|\x0c|x|_|\\.|,|;|:|'|\\(|9)",
                0..120,
            ),
        ) {
            let joined = parts.concat();
            for text in [text.as_str(), joined.as_str()] {
                // ASCII text is cut with spaces of any kind running together.
                prop_assert_eq!(ascii_tokens(text), bytewise_tokens(text, true));
                prop_assert_eq!(strs(&Tokens::of(text, true)), bytewise_tokens(text, true));
                prop_assert_eq!(block_tokens(text), bytewise_tokens(text, true));
                // Cut with spaces of any kind running together: the tokens of ASCII
                // text with runs of spaces of any kind joined.
                let mut joined: Vec<String> = Vec::new();
                for t in bytewise_tokens(text, false) {
                    match joined.last_mut() {
                        Some(last) if is_space_token(t) && is_space_token(last) => last.push_str(t),
                        _ => joined.push(t.to_string()),
                    }
                }
                prop_assert_eq!(bytewise_tokens(text, true), joined);
            }
        }

        /// The word-wise common ends are those read a byte at a time.
        #[test]
        fn common_ends_agree_with_bytewise(
            head in "[ab]{0,20}",
            old in "[ab]{0,20}",
            new in "[ab]{0,20}",
            tail in "[ab]{0,20}",
        ) {
            let (o, n) = (format!("{head}{old}{tail}"), format!("{head}{new}{tail}"));
            let (o, n) = (o.as_bytes(), n.as_bytes());
            let prefix = o.iter().zip(n).take_while(|(a, b)| a == b).count();
            let suffix = o[prefix..]
                .iter()
                .rev()
                .zip(n[prefix..].iter().rev())
                .take_while(|(a, b)| a == b)
                .count();
            prop_assert_eq!(common_ends(o, n), (prefix, suffix));
        }

        /// Text whose only non-ASCII characters stand alone is cut as the Unicode rules
        /// cut it (with runs of spaces of any kind joined).
        #[test]
        fn standalone_characters_cut_like_word_bounds(
            parts in proptest::collection::vec(
                "(the|ITU|'s| |  |\t|\u{a0}|\u{b}|\u{c}|§|–|—|\u{2011}|2012|1,000|e\\.g|,|\\.|\r\n|\r|\n|:|'|a|_|\\)|\\()",
                0..40,
            ),
        ) {
            let text = parts.concat();
            let mut starts = Vec::new();
            prop_assert!(standalone_starts_into(&text, 3, &mut starts));
            starts.push(3 + text.len());
            let cut: Vec<&str> = starts.windows(2).map(|w| &text[w[0] - 3..w[1] - 3]).collect();
            let mut unicode: Vec<String> = Vec::new();
            for t in tokens(&text) {
                match unicode.last_mut() {
                    Some(last) if is_space_token(t) && is_space_token(last) => last.push_str(t),
                    _ => unicode.push(t.to_string()),
                }
            }
            prop_assert_eq!(cut, unicode);
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
            let (o, n, same) = both_word_tokens(&old, &new);
            prop_assert_eq!(strs(&o), word_tokens(&old));
            prop_assert_eq!(strs(&n), word_tokens(&new));
            // The tokens said to be the same text are.
            prop_assert!(same.head + same.tail <= o.len().min(n.len()));
            for k in 0..same.head {
                prop_assert_eq!(o.get(k), n.get(k));
            }
            for k in 1..=same.tail {
                prop_assert_eq!(o.get(o.len() - k), n.get(n.len() - k));
            }
            // The ids are those of tokens read one by one.
            let ascii = old.is_ascii() && new.is_ascii();
            prop_assert_eq!(intern(&o, &n, ascii, same), intern(&o, &n, ascii, SameEnds::default()));
        }

        /// The marks' runs read as bits are those of their definitions, read mark by mark.
        #[test]
        fn marks_read_as_bits_follow_their_definitions(
            marked in proptest::collection::vec(any::<bool>(), 0..200),
            from in 0usize..210,
        ) {
            let len = marked.len();
            let mut marks = Marks::default();
            marks.reset(len);
            for (i, &m) in marked.iter().enumerate() {
                if m {
                    marks.fill(i..i + 1);
                }
            }
            prop_assert!((0..len).all(|i| marks.get(i) == marked[i]));
            let from = from.min(len);
            let first = (from..len).find(|&i| marked[i]).map(|i| i - from);
            prop_assert_eq!(marks.first_mark(from), first);
            let end = (from..len).find(|&i| !marked[i]).unwrap_or(len);
            prop_assert_eq!(marks.run_end(from), end);
            let start = (0..from).rev().find(|&i| !marked[i]).map_or(0, |i| i + 1);
            prop_assert_eq!(marks.run_start(from), start);
            if from < len {
                marks.clear(from);
                prop_assert!(!marks.get(from));
                marks.set(from);
                prop_assert!(marks.get(from));
            }
        }

        /// The histogram diff kept per thread gives imara-diff's hunks, on sequences of
        /// few distinct tokens (so that matches compete, hunks slide and merge) and on
        /// ones where a token is too common to split on.
        #[test]
        fn histogram_hunks_are_imara_diffs(
            before in proptest::collection::vec(0u32..6, 0..60),
            after in proptest::collection::vec(0u32..6, 0..60),
            edits in proptest::collection::vec((0usize..80, 0u32..8), 0..8),
            repeat in 0usize..150,
        ) {
            let ids = |v: &[u32]| v.iter().map(|&t| Token(t)).collect::<Vec<_>>();
            // Some pairs edited from one another, some unrelated, some very repetitive.
            let mut edited = before.clone();
            for &(at, t) in &edits {
                let at = at.min(edited.len());
                if t < 6 { edited.insert(at, t) } else if at < edited.len() { edited.remove(at); }
            }
            let mut long = vec![0u32; repeat];
            long.extend_from_slice(&before);
            long.extend(std::iter::repeat_n(1, repeat / 2));
            for (b, a) in [(&before, &after), (&before, &edited), (&long, &edited), (&edited, &long)] {
                let (b, a) = (ids(b), ids(a));
                let mine = HistogramDiff::default().hunks(&b, &a, 8);
                let theirs = imara_hunks(&b, &a, 8);
                if let Some(mine) = mine {
                    prop_assert_eq!(mine, theirs, "{:?} {:?}", b, a);
                }
                prop_assert_eq!(token_hunks(&b, &a, 8), imara_hunks(&b, &a, 8));
            }
        }

        /// The window's cuts are those of their definitions, scanned offset by offset.
        #[test]
        fn window_cuts_follow_their_definitions(
            text in "[a ,.\u{e9}\t]{0,40}",
            prefix in 0usize..48,
            suffix in 0usize..48,
        ) {
            let o = text.as_bytes();
            let (prefix, suffix) = (prefix.min(o.len()), suffix.min(o.len()));
            let graphic = |b: u8| b.is_ascii_graphic();
            let starts: Vec<usize> = (1..prefix)
                .rev()
                .filter(|&i| o[i - 1] == b' ' && graphic(o[i]))
                .skip(1)
                .take(WINDOW_CUTS)
                .collect();
            let ends: Vec<usize> = (o.len() + 1 - suffix.max(1)..o.len())
                .filter(|&i| o[i] == b' ' && graphic(o[i - 1]))
                .skip(1)
                .take(WINDOW_CUTS)
                .collect();
            let mut room = [0; WINDOW_CUTS];
            prop_assert_eq!(start_cuts(o, prefix, &mut room), &starts[..]);
            let mut room = [0; WINDOW_CUTS];
            prop_assert_eq!(end_cuts(o, suffix, &mut room), &ends[..]);
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

        /// Islands judged once merge the hunks as islands judged in every pass did.
        #[test]
        fn islands_merge_as_first_written(
            a in proptest::collection::vec("(the|of|a|resolution|ITU|2012|Dubai|\u{e9}t\u{e9}|\u{a0}|,|;| |  |\n|x[a-z]{0,3})", 0..40),
            b in proptest::collection::vec("(the|of|a|resolution|ITU|2012|Dubai|\u{e9}t\u{e9}|\u{a0}|,|;| |  |\n|x[a-z]{0,3})", 0..40),
        ) {
            let (a, b) = (a.concat(), b.concat());
            let (old, new, same) = both_word_tokens(&a, &b);
            let ascii = a.is_ascii() && b.is_ascii();
            let (before, after, distinct) = intern(&old, &new, ascii, same);
            let hunks = token_hunks(&before, &after, distinct);
            // Step 1 of the cleanup: edges trimmed (hunks with both sides left).
            let hunks: Vec<Hunk> = hunks
                .into_iter()
                .map(|mut h| {
                    while !h.old.is_empty() && !h.new.is_empty() && before[h.old.start] == after[h.new.start] {
                        h.old.start += 1;
                        h.new.start += 1;
                    }
                    h
                })
                .filter(|h| !(h.old.is_empty() && h.new.is_empty()))
                .collect();
            prop_assert_eq!(
                merge_islands(&old, &new, hunks.clone()),
                merge_islands_reference(&old, &new, hunks)
            );
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
