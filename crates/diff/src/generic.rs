//! The text-level diff for generic documents, front matter, annexes and whole texts:
//! paragraphs aligned first (exact, then by similarity inside gaps), then word-diffed.

use std::cell::RefCell;

use amend_model::{Block, ChangeKind, Content, Document, SourceSpan, View};

use crate::align::{
    BYTES, FNV_OFFSET, Pair, Profile, align_with, eight_bytes, finish, mix, word_hash,
};
use crate::marks::{Marks, Part};

/// Paragraphs whose word sets overlap this much are the same paragraph, edited.
pub(crate) const PARAGRAPH_THRESHOLD: f64 = 0.5;
/// A paragraph replaced in place by one this similar is word-diffed.
const LONE_PARAGRAPH_THRESHOLD: f64 = 0.3;

/// A paragraph's fingerprint: its words, whatever the spaces between them. It is the
/// hash of the words joined by single spaces, so text already written that way (most
/// paragraphs) is hashed as it stands, eight bytes at a time, and only other text
/// (several spaces, tabs, line ends, Unicode spaces such as the no-break space) is
/// rewritten first.
pub(crate) fn key(text: &str) -> u64 {
    if let Some(h) = single_spaced_key(text.as_bytes()) {
        return h;
    }
    thread_local! {
        // Kept per thread: a buffer per paragraph would cost more than the hashing.
        static JOINED: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }
    JOINED.with_borrow_mut(|joined| {
        // Most such text has a few spaces of other kinds (no-break spaces above all):
        // each becomes a space, and the result, when single-spaced, is hashed as it
        // stands; other text is rewritten once more, word by word.
        joined.clear();
        let b = text.as_bytes();
        let (mut i, mut copied) = (0, 0);
        while i < b.len() {
            if let Some(chunk) = b.get(i..i + 8) {
                let w = eight_bytes(chunk);
                if w & HIGH == 0 && w.wrapping_sub(BYTES * 0x20) & !w & HIGH == 0 {
                    i += 8;
                    continue;
                }
            }
            if b[i] == b' ' {
                i += 1;
                continue;
            }
            match space_len(b, i) {
                0 => i += 1,
                n => {
                    joined.extend_from_slice(&b[copied..i]);
                    joined.push(b' ');
                    i += n;
                    copied = i;
                }
            }
        }
        joined.extend_from_slice(&b[copied..]);
        if let Some(h) = single_spaced_key(joined) {
            return h;
        }
        let spaced = std::mem::take(joined);
        for word in spaced.split(|&c| c == b' ').filter(|w| !w.is_empty()) {
            if !joined.is_empty() {
                joined.push(b' ');
            }
            joined.extend_from_slice(word);
        }
        let h = word_hash(joined);
        // The buffer is kept for the next text.
        *joined = spaced;
        h
    })
}

/// The length of the whitespace character at byte `i`, or 0.
fn space_len(b: &[u8], i: usize) -> usize {
    match b[i] {
        b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' => 1,
        0xc2 if unicode_space_at(b, i) => 2,
        0xe1..=0xe3 if unicode_space_at(b, i) => 3,
        _ => 0,
    }
}

/// The high bit of each of eight bytes.
const HIGH: u64 = 0x8080_8080_8080_8080;

/// [`word_hash`] of text with no control bytes (tabs, line ends), no Unicode space, no
/// space at either end and no two spaces in a row, checked in the same pass; `None`
/// otherwise.
fn single_spaced_key(bytes: &[u8]) -> Option<u64> {
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return None;
    }
    let mut key = SpacedKey {
        h: FNV_OFFSET,
        space_before: false,
    };
    let mut at = 0;
    // Sixteen bytes at a time while they are plain ASCII (most text), eight at a time
    // around the other bytes.
    #[cfg(target_arch = "x86_64")]
    while let Some(chunk) = bytes.get(at..at + 16) {
        let (low, high) = (eight_bytes(&chunk[..8]), eight_bytes(&chunk[8..]));
        // SAFETY: SSE2 is part of every x86_64 processor (the target's baseline).
        let (other, spaces) = unsafe { sixteen_classes(low, high) };
        if other == 0 {
            if spaces & (spaces >> 1) != 0 || (key.space_before && spaces & 1 != 0) {
                return None;
            }
            key.space_before = spaces >> 15 != 0;
            key.h = mix(mix(key.h, low), high);
        } else {
            key.eight(low, bytes, at)?;
            key.eight(high, bytes, at + 8)?;
        }
        at += 16;
    }
    if let Some(chunk) = bytes.get(at..at + 8) {
        key.eight(eight_bytes(chunk), bytes, at)?;
        at += 8;
    }
    let rest = &bytes[at..];
    for (i, &b) in rest.iter().enumerate() {
        if b < 0x20 || (b == b' ' && key.space_before) || unicode_space_at(bytes, at + i) {
            return None;
        }
        key.space_before = b == b' ';
    }
    Some(finish(key.h, rest, bytes.len()))
}

/// The state of [`single_spaced_key`]: the hash so far, and whether the last byte read
/// is a space.
struct SpacedKey {
    h: u64,
    space_before: bool,
}

impl SpacedKey {
    /// Reads the eight bytes `w` at `bytes[at..]`; `None` if they are not single-spaced
    /// text without control bytes or Unicode spaces.
    fn eight(&mut self, w: u64, bytes: &[u8], at: usize) -> Option<()> {
        // Non-ASCII bytes (few in most paragraphs) are looked at one by one.
        if w & HIGH != 0 && (at..at + 8).any(|i| unicode_space_at(bytes, i)) {
            return None;
        }
        // A byte below 0x20 (a control byte).
        if w.wrapping_sub(BYTES * 0x20) & !w & HIGH != 0 {
            return None;
        }
        // The high bit set in exactly the bytes that are spaces.
        let x = w ^ (BYTES * 0x20);
        let spaces = !(((x & !HIGH) + !HIGH) | x | !HIGH);
        if spaces & (spaces >> 8) != 0 || (self.space_before && spaces & 0x80 != 0) {
            return None;
        }
        self.space_before = spaces >> 63 != 0;
        self.h = mix(self.h, w);
        Some(())
    }
}

/// Of sixteen bytes (`low` then `high`), a bit per byte: the bytes below 0x20 or outside
/// ASCII, and the spaces.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn sixteen_classes(low: u64, high: u64) -> (u16, u16) {
    use std::arch::x86_64::*;
    let v = _mm_set_epi64x(high as i64, low as i64);
    // Compared as signed bytes, those outside ASCII are negative: below 0x20 too.
    let other = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
    let spaces = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x20));
    (
        _mm_movemask_epi8(other) as u16,
        _mm_movemask_epi8(spaces) as u16,
    )
}

/// Whether a non-ASCII whitespace character (`char::is_whitespace`: U+0085, U+00A0,
/// U+1680, U+2000 to U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) starts at byte `i`.
fn unicode_space_at(b: &[u8], i: usize) -> bool {
    match b[i] {
        0xc2 => matches!(b.get(i + 1), Some(0x85 | 0xa0)),
        0xe1 => b.get(i + 1..i + 3) == Some(&[0x9a, 0x80][..]),
        0xe2 => match (b.get(i + 1), b.get(i + 2)) {
            (Some(0x80), Some(c)) => matches!(c, 0x80..=0x8a | 0xa8 | 0xa9 | 0xaf),
            (Some(0x81), Some(0x9f)) => true,
            _ => false,
        },
        0xe3 => b.get(i + 1..i + 3) == Some(&[0x80, 0x80][..]),
        _ => false,
    }
}

/// The paragraphs of blocks as text lines (labels before a tab, table cells by tabs).
pub(crate) fn block_lines(blocks: &[Block]) -> Vec<String> {
    let mut out = Vec::new();
    for block in blocks {
        match block {
            Block::Heading { content, .. } => out.push(content.accepted()),
            Block::Paragraph { content, mark, .. } => {
                if mark.as_ref().is_none_or(|m| m.kind.in_accepted()) {
                    out.push(content.accepted());
                }
            }
            Block::ListItem { label, content, .. } => {
                out.push(format!("{}\t{}", label.text().trim(), content.accepted()));
            }
            Block::Table { rows, .. } => {
                for row in rows {
                    let cells: Vec<String> = row.iter().map(Content::accepted).collect();
                    out.push(cells.join("\t"));
                }
            }
        }
    }
    out.retain(|l| !l.trim().is_empty());
    out
}

/// The lines of a whole document as its accepted plain text shows them.
pub(crate) fn document_lines(document: &Document) -> Vec<String> {
    amend_text::write_text(document, Some(View::Accepted))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// Diffs two sequences of paragraphs into change-marked paragraph blocks.
pub(crate) fn diff_lines(marks: &Marks<'_>, old: &[String], new: &[String]) -> Vec<Block> {
    let old_keys: Vec<u64> = old.iter().map(|l| key(l)).collect();
    let new_keys: Vec<u64> = new.iter().map(|l| key(l)).collect();
    let old_profiles: Vec<Profile> = old.iter().map(|l| Profile::new(l)).collect();
    let new_profiles: Vec<Profile> = new.iter().map(|l| Profile::new(l)).collect();
    let pairs = align_with(
        &old_keys,
        &new_keys,
        &|i: usize, j: usize| old_profiles[i].similarity(&new_profiles[j]),
        PARAGRAPH_THRESHOLD,
        LONE_PARAGRAPH_THRESHOLD,
    );
    let paragraph = |content: Content, mark| Block::Paragraph {
        content,
        mark,
        span: SourceSpan::default(),
    };
    pairs
        .into_iter()
        .map(|pair| match pair {
            Pair::Matched(i, j) => paragraph(marks.text(&old[i], &new[j], Part::Text), None),
            Pair::Deleted(i) => {
                let change = marks.change(ChangeKind::Deletion, None);
                paragraph(marks.whole(&old[i], &change), Some(Box::new(change)))
            }
            Pair::Inserted(j) => {
                let change = marks.change(ChangeKind::Insertion, None);
                paragraph(marks.whole(&new[j], &change), Some(Box::new(change)))
            }
        })
        .collect()
}

/// Diffs two lists of blocks.
pub(crate) fn diff_blocks(marks: &Marks<'_>, old: &[Block], new: &[Block]) -> Vec<Block> {
    diff_lines(marks, &block_lines(old), &block_lines(new))
}

#[cfg(test)]
mod tests {
    use super::key;
    use crate::align::word_hash;

    #[test]
    fn fingerprints_see_words_not_spaces() {
        assert_eq!(key("one  two\tthree"), key(" one two three "));
        assert_eq!(key("one\u{a0}two three"), key("one two three"));
        assert_ne!(key("onetwo three"), key("one two three"));
        assert_ne!(
            key("a fairly long word-sequence"),
            key("a fairly long word sequence")
        );
        assert_ne!(key("abcdefgh ij"), key("abcdefghij"));
        assert_ne!(key("abc"), key("abc\0"));
        assert_eq!(key(""), key(" \t\r\n"));
    }

    #[test]
    fn single_spaced_text_hashes_as_rewritten_text() {
        // Every way of spacing the same words, at every length around the eight-byte
        // pieces, gives the key of the words joined by single spaces.
        let words = [
            "resolves",
            "a",
            "ITU-T",
            "to",
            "\u{e9}t\u{e9}",
            "instructs",
            "b)",
        ];
        for n in 0..words.len() {
            for m in n..=words.len() {
                let single = words[n..m].join(" ");
                assert_eq!(key(&single), word_hash(single.as_bytes()));
                for sep in ["  ", "\t", " \n", "\u{a0}", " \u{2009} "] {
                    let spaced = format!(" {} ", words[n..m].join(sep));
                    assert_eq!(key(&spaced), key(&single), "{spaced:?}");
                }
            }
        }
        // Two spaces found inside an eight-byte piece and across two pieces.
        assert_eq!(key("abc  defgh"), key("abc defgh"));
        assert_eq!(key("abcdefg  h"), key("abcdefg h"));
        assert_eq!(key("abcdefgh  i"), key("abcdefgh i"));
        assert_eq!(key("abcdefg\x01h"), word_hash(b"abcdefg\x01h"));
        assert_eq!(
            key("\u{2019}s x\u{e9}\u{2014}"),
            word_hash("\u{2019}s x\u{e9}\u{2014}".as_bytes())
        );
    }

    proptest::proptest! {
        #[test]
        fn fingerprints_are_the_words_joined_by_single_spaces(
            parts in proptest::collection::vec(
                "(resolves|a|ITU\u{2011}T|\u{e9}t\u{e9}|’|§|12345678|\\.| |  |\t|\n|\r|\u{b}|\u{c}|\u{1}|\u{a0}|\u{85}|\u{1680}|\u{2000}|\u{200a}|\u{200b}|\u{2028}|\u{202f}|\u{205f}|\u{3000}|\u{feff})",
                0..24,
            ),
        ) {
            let text = parts.concat();
            let words: Vec<&str> = text.split_whitespace().collect();
            proptest::prop_assert_eq!(key(&text), word_hash(words.join(" ").as_bytes()));
        }
    }

    #[test]
    fn unicode_spaces_are_found_by_their_bytes() {
        for c in (0x80..=0x10ffff).filter_map(char::from_u32) {
            let text = format!("a{c}b");
            assert_eq!(
                super::unicode_space_at(text.as_bytes(), 1),
                c.is_whitespace(),
                "{c:?}"
            );
        }
    }
}
