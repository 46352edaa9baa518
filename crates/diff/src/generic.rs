//! The text-level diff for generic documents, front matter, annexes and whole texts:
//! paragraphs aligned first (exact, then by similarity inside gaps), then word-diffed.

use amend_model::{Block, ChangeKind, Content, Document, SourceSpan, View};

use crate::align::{FNV_OFFSET, Pair, Profile, align_with};
use crate::marks::{Marks, Part};

/// Paragraphs whose word sets overlap this much are the same paragraph, edited.
pub(crate) const PARAGRAPH_THRESHOLD: f64 = 0.5;
/// A paragraph replaced in place by one this similar is word-diffed.
const LONE_PARAGRAPH_THRESHOLD: f64 = 0.3;

/// A paragraph's fingerprint: its words, whatever the spaces between them.
pub(crate) fn key(text: &str) -> u64 {
    // Computed for every node of both versions: the words' bytes are mixed eight at a
    // time. ASCII text (most paragraphs) is cut at ASCII whitespace directly; other text
    // at any Unicode whitespace, so that a no-break space separates words as a space does.
    let mut h = FNV_OFFSET;
    if text.is_ascii() {
        let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
        for word in text.as_bytes().split(is_space) {
            if !word.is_empty() {
                h = mix_word(h, word);
            }
        }
    } else {
        for word in text.split_whitespace() {
            h = mix_word(h, word.as_bytes());
        }
    }
    h
}

/// An odd multiplier with well-spread bits (the one of the Fx hash).
const MIX: u64 = 0x517c_c1b7_2722_0a95;

/// Mixes one word (and its end) into a fingerprint, eight bytes at a time.
fn mix_word(mut h: u64, word: &[u8]) -> u64 {
    let mut chunks = word.chunks_exact(8);
    for chunk in &mut chunks {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(chunk);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(eight)).wrapping_mul(MIX);
    }
    let rest = chunks.remainder();
    let mut last = [0u8; 8];
    last[..rest.len()].copy_from_slice(rest);
    // The length marks where the word ends, as the space did.
    let tail = u64::from_le_bytes(last) ^ ((rest.len() as u64 + 1) << 59);
    (h.rotate_left(5) ^ tail).wrapping_mul(MIX)
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
        &|i, j| old_profiles[i].similarity(&new_profiles[j]),
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
    }
}
