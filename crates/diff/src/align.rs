//! The alignment step: which node of the old version corresponds to which node of the
//! new one. Exact matches first (imara-diff over node fingerprints), then, inside each
//! gap between exact matches, pairs by word similarity in order (a small weighted LCS),
//! so that an edited item stays paired with its old self and a deleted item does not
//! turn everything after it into a rewrite.

use std::cell::RefCell;
use std::hash::Hash;
use std::ops::Range;

use imara_diff::{Algorithm, Diff, InternedInput, Interner};

/// One step of an alignment of two sequences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pair {
    /// `old[i]` corresponds to `new[j]`.
    Matched(usize, usize),
    /// `old[i]` has no counterpart.
    Deleted(usize),
    /// `new[j]` has no counterpart.
    Inserted(usize),
}

impl Pair {
    /// The elements of `old` and `new` the pair stands for (`None` on the side without one).
    pub fn sides<'a, T>(self, old: &'a [T], new: &'a [T]) -> (Option<&'a T>, Option<&'a T>) {
        match self {
            Pair::Matched(i, j) => (Some(&old[i]), Some(&new[j])),
            Pair::Deleted(i) => (Some(&old[i]), None),
            Pair::Inserted(j) => (None, Some(&new[j])),
        }
    }
}

/// The words of a text, for similarity: lower-cased word hashes, sorted, deduplicated.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    words: Vec<u64>,
    /// Number of word tokens (with repeats).
    pub len: usize,
}

impl Profile {
    /// Words are runs of letters and digits (`char::is_alphanumeric`): cheaper than word
    /// boundaries, and enough to compare which words two texts share.
    pub fn new(text: &str) -> Self {
        HASHES.with_borrow_mut(|hashes| {
            hashes.clear();
            let len = word_hashes(text, hashes);
            Self::of(hashes, len)
        })
    }

    /// [`Profile::new`] of texts joined by spaces, without joining them: a space ends a
    /// word, so the words are those of each text in turn.
    pub fn of_texts<'t>(texts: impl Iterator<Item = &'t str>) -> Self {
        HASHES.with_borrow_mut(|hashes| {
            hashes.clear();
            let len = texts.map(|text| word_hashes(text, hashes)).sum();
            Self::of(hashes, len)
        })
    }

    /// The profiles of two versions of a text, [`Profile::new`] of each. The words of the
    /// text they begin and end with are hashed once: an edited paragraph is mostly such
    /// text. The versions are cut at an ASCII character that is not a letter or digit,
    /// so no word runs across a cut.
    pub fn pair(old: &str, new: &str) -> (Self, Self) {
        let (start, end, new_end) = common_cuts(old, new);
        HASHES.with_borrow_mut(|common| {
            common.clear();
            let mut len = word_hashes(&old[..start], common);
            len += word_hashes(&old[end..], common);
            // The common words are sorted once; each middle's words are sorted alone and
            // merged with them.
            common.sort_unstable();
            common.dedup();
            BOTH.with_borrow_mut(|hashes| {
                let mut one = |middle: &str| {
                    hashes.clear();
                    let len = len + word_hashes(middle, hashes);
                    hashes.sort_unstable();
                    hashes.dedup();
                    Self {
                        words: merge_distinct(common, hashes),
                        len,
                    }
                };
                (one(&old[start..end]), one(&new[start..new_end]))
            })
        })
    }

    /// `Profile::pair(old, new)`'s similarity, without making the profiles: each word
    /// is counted once in a table of the words seen, marked with the versions it is in.
    /// For a pair compared on its own (an item edited in place), whose profiles would be
    /// made only to be compared once and dropped.
    pub fn pair_similarity(old: &str, new: &str) -> f64 {
        let (start, end, new_end) = common_cuts(old, new);
        WORD_SETS.with_borrow_mut(|set| {
            // About one word in six bytes of text; the table grows if there are more.
            set.clear((old.len() + (new_end - start)) / 6);
            let mut add = |text: &str, sides: u8| {
                for_each_word_hash(text, &mut |h| set.insert(h, sides));
            };
            add(&old[..start], BOTH_SIDES);
            add(&old[end..], BOTH_SIDES);
            add(&old[start..end], OLD_SIDE);
            add(&new[start..new_end], NEW_SIDE);
            set.dice()
        })
    }

    /// [`Profile::pair_similarity`], or a lower bound of it that is at least `target`
    /// when one is found by reading only part of the texts.
    ///
    /// The versions are cut into stretches found in both (the common beginning and end,
    /// and the runs the middles share between edits, see [`Splits`]) and the rest. The
    /// words of the rest are counted first, each with the versions it is in, then the
    /// shared words, which are in both. Counting a word in both never lowers the Dice
    /// coefficient (`2c / t` becomes `2(c + 1) / (t + 1)` or `2(c + 1) / (t + 2)`, with
    /// `c <= t / 2`), so the figure of the words counted so far is a lower bound of the
    /// whole one. When few words are edited (a paragraph with some edits), a few of the
    /// shared words show the pair alike enough, and the rest need not be read; else all
    /// of them, each read once, make the exact figure.
    pub fn pair_similarity_at_least(old: &str, new: &str, target: f64) -> Score {
        if target >= 1.0 {
            return Score::Exact(Self::pair_similarity(old, new));
        }
        let (start, end, new_end) = common_cuts(old, new);
        let (old_middle, new_middle) = (&old[start..end], &new[start..new_end]);
        SPLITS.with_borrow_mut(|splits| {
            splits.find(old_middle.as_bytes(), new_middle.as_bytes());
            WORD_SETS.with_borrow_mut(|set| {
                // Room for the words of the rest and some shared ones; the table grows if
                // more are read.
                let rest: usize = splits
                    .old_rest
                    .iter()
                    .chain(&splits.new_rest)
                    .map(|r| r.len())
                    .sum();
                set.clear(rest / 4 + 24);
                for r in &splits.old_rest {
                    let r = start + r.start..start + r.end;
                    for_each_word_hash_in(old, r, &mut |h| set.insert(h, OLD_SIDE));
                }
                for r in &splits.new_rest {
                    let r = start + r.start..start + r.end;
                    for_each_word_hash_in(new, r, &mut |h| set.insert(h, NEW_SIDE));
                }
                if set.used == 0 {
                    // Every word is in a shared stretch: the same words on both sides.
                    return Score::Exact(1.0);
                }
                let shared = [0..start, end..old.len()]
                    .into_iter()
                    .chain(splits.shared.iter().map(|r| start + r.start..start + r.end));
                for piece in shared.flat_map(|r| pieces(old.as_bytes(), r)) {
                    if set.dice() >= target {
                        return Score::AtLeast(set.dice());
                    }
                    for_each_word_hash_in(old, piece, &mut |h| set.insert(h, BOTH_SIDES));
                }
                Score::Exact(set.dice())
            })
        })
    }

    /// The profile of word hashes gathered in a buffer (which it sorts).
    fn of(hashes: &mut Vec<u64>, len: usize) -> Self {
        hashes.sort_unstable();
        hashes.dedup();
        Self {
            words: hashes.to_vec(),
            len,
        }
    }

    /// Dice coefficient of the two word sets (0 to 1).
    pub fn similarity(&self, other: &Profile) -> f64 {
        let total = self.words.len() + other.words.len();
        if total == 0 {
            return 1.0;
        }
        let (mut i, mut j, mut common) = (0, 0, 0);
        while i < self.words.len() && j < other.words.len() {
            match self.words[i].cmp(&other.words[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    common += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        2.0 * common as f64 / total as f64
    }
}

/// Where two versions of a text stop beginning alike and start ending alike, cut at an
/// ASCII character that is not a letter or digit so that no word runs across a cut:
/// `(start, end, new_end)`, where `old[..start]` is `new[..start]` and `old[end..]` is
/// `new[new_end..]`.
fn common_cuts(old: &str, new: &str) -> (usize, usize, usize) {
    let (o, n) = (old.as_bytes(), new.as_bytes());
    let (prefix, suffix) = crate::words::common_ends(o, n);
    let start = (0..prefix).rev().find(|&i| between(o[i])).unwrap_or(0);
    let end = (o.len() - suffix..o.len())
        .find(|&i| between(o[i]))
        .unwrap_or(o.len());
    (start, end, n.len() - (o.len() - end))
}

/// Whether a byte ends any word: an ASCII character that is not a letter or digit.
fn between(b: u8) -> bool {
    b.is_ascii() && !b.is_ascii_alphanumeric()
}

/// Two middles (of texts cut by [`common_cuts`]) in parts: stretches of the old middle
/// also found in the new, and the rest of each. Every part begins and ends where a word
/// cannot run across (at a byte for which [`between`] holds, or at a middle's ends), so
/// the words of a middle are those of its parts, and a shared stretch has the same
/// words in both.
///
/// The middles are read from the start: a run of bytes both have is a shared stretch
/// (up to its last word end), and after it, the next few word ends of each side are
/// tried, in order of the words skipped, for a place where both go on alike. An edited
/// word or two (most edits) is thus skipped and the rest of the run found. What is not
/// found in both is only left in the rest: every stretch is compared byte by byte.
#[derive(Default)]
struct Splits {
    /// Ranges of the old middle that are also in the new one.
    shared: Vec<Range<usize>>,
    /// Ranges of the old middle, and of the new, not shown to be in the other.
    old_rest: Vec<Range<usize>>,
    new_rest: Vec<Range<usize>>,
}

/// How many word ends after an edit are tried on each side (the edit itself first).
const LOOKAHEAD: usize = 4;

impl Splits {
    fn find(&mut self, o: &[u8], n: &[u8]) {
        self.shared.clear();
        self.old_rest.clear();
        self.new_rest.clear();
        // Both at a place where no word runs across, the same on both sides.
        let (mut i, mut j) = (0, 0);
        loop {
            let k = crate::words::common_prefix(&o[i..], &n[j..]);
            if i + k == o.len() && j + k == n.len() {
                // The middles end alike: at the end of a middle no word runs on.
                if k > 0 {
                    self.shared.push(i..o.len());
                }
                return;
            }
            // The run's last word end: where the edit's part starts on both sides.
            let e = (i..i + k).rev().find(|&x| between(o[x])).unwrap_or(i);
            if e > i {
                self.shared.push(i..e);
            }
            let f = j + (e - i);
            match resync(o, n, e, f) {
                Some((p, q)) => {
                    if p > e {
                        self.old_rest.push(e..p);
                    }
                    if q > f {
                        self.new_rest.push(f..q);
                    }
                    (i, j) = (p, q);
                }
                None => {
                    if e < o.len() {
                        self.old_rest.push(e..o.len());
                    }
                    if f < n.len() {
                        self.new_rest.push(f..n.len());
                    }
                    return;
                }
            }
        }
    }
}

/// After an edit at `o[e..]` and `n[f..]` (places no word runs across), the nearest
/// places past it, at word ends, where both sides go on with the same bytes: at least
/// one side skips a word, so a reading of the middles always moves on.
fn resync(o: &[u8], n: &[u8], e: usize, f: usize) -> Option<(usize, usize)> {
    // The word ends of each side, found as the tries need them (most edits are a word
    // or two): `at[k]` is where `k` words are skipped, `usize::MAX` past the text.
    struct Ends<'b> {
        b: &'b [u8],
        at: [usize; LOOKAHEAD],
        known: usize,
    }
    impl Ends<'_> {
        fn get(&mut self, k: usize) -> usize {
            while self.known <= k {
                let mut x = self.at[self.known - 1];
                if x != usize::MAX {
                    // Past the word end at `x`, then the next word, to the byte ending it.
                    x += 1;
                    while x < self.b.len() && between(self.b[x]) {
                        x += 1;
                    }
                    while x < self.b.len() && !between(self.b[x]) {
                        x += 1;
                    }
                    if x >= self.b.len() {
                        x = usize::MAX;
                    }
                }
                self.at[self.known] = x;
                self.known += 1;
            }
            self.at[k]
        }
    }
    let first = |b: &[u8], x: usize| if x < b.len() { x } else { usize::MAX };
    let mut old_at = Ends {
        b: o,
        at: [first(o, e); LOOKAHEAD],
        known: 1,
    };
    let mut new_at = Ends {
        b: n,
        at: [first(n, f); LOOKAHEAD],
        known: 1,
    };
    for skipped in 1..2 * LOOKAHEAD - 1 {
        for a in skipped.saturating_sub(LOOKAHEAD - 1)..=skipped.min(LOOKAHEAD - 1) {
            let (p, q) = (old_at.get(a), new_at.get(skipped - a));
            if p != usize::MAX && q != usize::MAX && agree(&o[p..], &n[q..]) {
                return Some((p, q));
            }
        }
    }
    None
}

/// Whether two texts (neither empty) begin with the same eight bytes, or as many as the
/// shorter has.
fn agree(a: &[u8], b: &[u8]) -> bool {
    match (a.first_chunk::<8>(), b.first_chunk::<8>()) {
        (Some(x), Some(y)) => x == y,
        _ => {
            let len = a.len().min(b.len());
            a[..len] == b[..len]
        }
    }
}

/// A range of a text in pieces of [`PIECE`] bytes and more, each twice the one before, cut at
/// ASCII characters that are not letters or digits, so that no word runs across a cut.
fn pieces(b: &[u8], range: Range<usize>) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut at = range.start;
    let mut size = PIECE;
    std::iter::from_fn(move || {
        if at >= range.end {
            return None;
        }
        let start = at;
        at = (start + size).min(range.end);
        size *= 2;
        // Past the word (or character outside ASCII) the cut falls in.
        while at < range.end && (b[at].is_ascii_alphanumeric() || !b[at].is_ascii()) {
            at += 1;
        }
        Some(start..at)
    })
}

/// How much of a text's common ends is read before the first look at the bound.
const PIECE: usize = 32;

/// The union of two sorted lists of distinct numbers, sorted and distinct.
fn merge_distinct(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

thread_local! {
    // Word hashes are gathered in buffers kept per thread; a profile keeps the distinct
    // ones in a vector of their number.
    static HASHES: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
    static BOTH: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
    static WORD_SETS: RefCell<WordSet> = RefCell::default();
    static SPLITS: RefCell<Splits> = RefCell::default();
}

const OLD_SIDE: u8 = 1;
const NEW_SIDE: u8 = 2;
const BOTH_SIDES: u8 = OLD_SIDE | NEW_SIDE;

/// The distinct word hashes of two texts, each marked with the texts it is in, and the
/// counts the Dice coefficient needs (an open-addressing table, kept per thread).
#[derive(Default)]
struct WordSet {
    /// (hash, sides); sides 0 is an empty slot.
    slots: Vec<(u64, u8)>,
    /// Slots taken.
    used: usize,
    old: usize,
    new: usize,
    both: usize,
}

impl WordSet {
    /// Empties the table and makes room for about `words` words.
    fn clear(&mut self, words: usize) {
        let size = (words * 2).next_power_of_two().max(32);
        self.slots.clear();
        self.slots.resize(size, (0, 0));
        (self.used, self.old, self.new, self.both) = (0, 0, 0, 0);
    }

    // Inlined into each word loop: it runs once a word.
    #[inline(always)]
    fn insert(&mut self, hash: u64, sides: u8) {
        let mask = self.slots.len() - 1;
        let mut slot = hash as usize & mask;
        loop {
            let (h, was) = self.slots[slot];
            if was == 0 {
                // A new word: its sides are all gained.
                self.slots[slot] = (hash, sides);
                self.used += 1;
                self.old += usize::from(sides & OLD_SIDE != 0);
                self.new += usize::from(sides & NEW_SIDE != 0);
                self.both += usize::from(sides == BOTH_SIDES);
                if self.used * 2 >= self.slots.len() {
                    self.grow();
                }
                return;
            }
            if h == hash {
                let now = was | sides;
                if now != was {
                    self.slots[slot].1 = now;
                    let gained = now & !was;
                    self.old += usize::from(gained & OLD_SIDE != 0);
                    self.new += usize::from(gained & NEW_SIDE != 0);
                    self.both += usize::from(now == BOTH_SIDES);
                }
                return;
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Twice the slots, the words placed again (counts unchanged).
    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, vec![(0, 0); size]);
        let mask = size - 1;
        for (hash, sides) in old.into_iter().filter(|&(_, sides)| sides != 0) {
            let mut slot = hash as usize & mask;
            while self.slots[slot].1 != 0 {
                slot = (slot + 1) & mask;
            }
            self.slots[slot] = (hash, sides);
        }
    }

    /// [`Profile::similarity`] of the two texts' profiles.
    fn dice(&self) -> f64 {
        let total = self.old + self.new;
        if total == 0 {
            return 1.0;
        }
        2.0 * self.both as f64 / total as f64
    }
}

/// Pushes the hash of every word of `text` (runs of letters and digits, lower-cased) to
/// `words` and returns their number.
fn word_hashes(text: &str, words: &mut Vec<u64>) -> usize {
    for_each_word_hash(text, &mut |h| words.push(h))
}

/// Gives `sink` the hash of every word of `text` (runs of letters and digits,
/// lower-cased), in order, and returns their number.
fn for_each_word_hash(text: &str, sink: &mut impl FnMut(u64)) -> usize {
    for_each_word_hash_in(text, 0..text.len(), sink)
}

/// [`for_each_word_hash`] of `text[range]`, a range no word runs into or out of: the
/// bytes around it are read, so a short range needs no copy.
fn for_each_word_hash_in(text: &str, range: Range<usize>, sink: &mut impl FnMut(u64)) -> usize {
    let b = text.as_bytes();
    if range.len() <= SHORT_RANGE && b[range.clone()].is_ascii() {
        // A word or two (most of what an edit changes): read byte by byte, as the
        // 64-byte masks would cost more than the words.
        let mut len = 0;
        let mut word: Option<usize> = None;
        for i in range.clone() {
            if b[i].is_ascii_alphanumeric() {
                word.get_or_insert(i);
            } else if let Some(start) = word.take() {
                sink(ascii_word_hash(b, start, i));
                len += 1;
            }
        }
        if let Some(start) = word {
            sink(ascii_word_hash(b, start, range.end));
            len += 1;
        }
        return len;
    }
    let mut len = 0;
    let mut at = range.start;
    // ASCII stretches (most of any text) by `ascii_word_hashes`, the words around other
    // characters by `general_word_hashes`: cut at ASCII bytes that are not letters or
    // digits, so that no word runs across a cut.
    while let Some(other) = first_non_ascii(&b[at..range.end]).map(|k| at + k) {
        let cut = (at..other)
            .rev()
            .find(|&i| !b[i].is_ascii_alphanumeric())
            .unwrap_or(at);
        len += ascii_word_hashes(b, at..cut, sink);
        let resume = (other..range.end)
            .find(|&i| b[i].is_ascii() && !b[i].is_ascii_alphanumeric())
            .unwrap_or(range.end);
        len += general_word_hashes(&text[cut..resume], sink);
        at = resume;
    }
    len + ascii_word_hashes(b, at..range.end, sink)
}

/// Ranges this short are hashed byte by byte (see [`for_each_word_hash_in`]).
const SHORT_RANGE: usize = 24;

/// Where the first byte of `b` outside ASCII is, read eight bytes at a time.
fn first_non_ascii(b: &[u8]) -> Option<usize> {
    let mut chunks = b.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let high = eight_bytes(chunk) & (BYTES * 0x80);
        if high != 0 {
            return Some(at + high.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&c| !c.is_ascii())
        .map(|k| at + k)
}

/// [`word_hashes`] of any text: ASCII bytes are read one by one, other characters
/// decoded where they stand.
fn general_word_hashes(text: &str, sink: &mut impl FnMut(u64)) -> usize {
    let b = text.as_bytes();
    let mut len = 0;
    let mut lower = String::new();
    let mut i = 0;
    while i < b.len() {
        // The next word starts at `start` and ends where `i` stops; ASCII text (most of it) is read
        // byte by byte, other characters decoded where they stand.
        let (start, mut ascii) = (i, true);
        while i < b.len() {
            if b[i].is_ascii_alphanumeric() {
                i += 1;
            } else if b[i].is_ascii() {
                break;
            } else {
                let c = text[i..].chars().next().unwrap_or_default();
                if !c.is_alphanumeric() {
                    break;
                }
                ascii = false;
                i += c.len_utf8();
            }
        }
        if i > start {
            len += 1;
            sink(if ascii {
                ascii_word_hash(b, start, i)
            } else {
                lower.clear();
                lower.extend(text[start..i].chars().flat_map(char::to_lowercase));
                word_hash(lower.as_bytes())
            });
        }
        // Past the character that ended the word.
        if i < b.len() {
            i += if b[i].is_ascii() {
                1
            } else {
                text[i..].chars().next().map_or(1, char::len_utf8)
            };
        }
    }
    len
}

/// [`word_hashes`] of `b[range]` (ASCII): words are runs of ASCII letters and digits,
/// found from bit masks of 64 bytes, so that a word costs a few steps rather than a test
/// and a branch per byte. Starts and ends of words alternate, so each end closes the
/// word of the start before it. Bytes past the range are read (and left out) by the
/// hashing only.
fn ascii_word_hashes(b: &[u8], range: Range<usize>, sink: &mut impl FnMut(u64)) -> usize {
    let mut len = 0;
    // Where the word running into the current block began.
    let mut open: Option<usize> = None;
    // Whether the byte before the block is a letter or digit.
    let mut carry = 0u64;
    let mut base = range.start;
    while base < range.end {
        let block = &b[base..range.end.min(base + 64)];
        let mask = match b.get(base..base + 64) {
            // A short block inside the text: the 64 bytes from its start, those past the
            // range left out (no copy).
            Some(whole) if block.len() < 64 => alnum_mask(whole) & ((1u64 << block.len()) - 1),
            _ => alnum_mask(block),
        };
        let before = mask << 1 | carry;
        let mut starts = mask & !before;
        // Bit i: byte i ends a word (it is not a letter or digit, the one before is); a
        // short last block is clear past the text, so the last word ends there.
        let mut ends = !mask & before;
        if block.len() < 64 {
            ends &= (1u64 << block.len() << 1).wrapping_sub(1);
        }
        if let Some(start) = open {
            if ends == 0 {
                carry = mask >> 63;
                base += block.len();
                continue;
            }
            sink(ascii_word_hash(
                b,
                start,
                base + ends.trailing_zeros() as usize,
            ));
            len += 1;
            ends &= ends - 1;
            open = None;
        }
        while starts != 0 {
            let start = base + starts.trailing_zeros() as usize;
            starts &= starts - 1;
            if ends == 0 {
                open = Some(start);
                break;
            }
            sink(ascii_word_hash(
                b,
                start,
                base + ends.trailing_zeros() as usize,
            ));
            len += 1;
            ends &= ends - 1;
        }
        carry = mask >> 63;
        base += block.len();
    }
    if let Some(start) = open {
        len += 1;
        sink(ascii_word_hash(b, start, range.end));
    }
    len
}

/// Bit `i` set when `block[i]` (ASCII, at most 64 bytes) is a letter or a digit.
fn alnum_mask(block: &[u8]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of every x86_64 processor (the target's baseline).
    unsafe {
        match block.first_chunk::<64>() {
            Some(whole) => alnum_mask_sse2(whole),
            None => {
                // Zero bytes (not letters or digits) after the text's end.
                let mut padded = [0u8; 64];
                padded[..block.len()].copy_from_slice(block);
                alnum_mask_sse2(&padded)
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    alnum_mask_swar(block)
}

/// [`alnum_mask`] of 64 bytes, 16 at a time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn alnum_mask_sse2(block: &[u8; 64]) -> u64 {
    use std::arch::x86_64::*;
    // `x - first` below `count` as unsigned bytes: shifted by 0x80 to compare signed.
    let within = |x: __m128i, first: u8, count: u8| {
        let shifted = _mm_add_epi8(x, _mm_set1_epi8(0x80u8.wrapping_sub(first) as i8));
        _mm_cmplt_epi8(shifted, _mm_set1_epi8(0x80u8.wrapping_add(count) as i8))
    };
    let mut mask = 0;
    for (k, chunk) in block.chunks_exact(16).enumerate() {
        let v = _mm_set_epi64x(
            eight_bytes(&chunk[8..]) as i64,
            eight_bytes(&chunk[..8]) as i64,
        );
        // Setting bit 0x20 lower-cases a letter; no other byte lands among the letters.
        let letter = within(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a', 26);
        let digit = within(v, b'0', 10);
        let bits = _mm_movemask_epi8(_mm_or_si128(letter, digit)) as u16;
        mask |= u64::from(bits) << (16 * k);
    }
    mask
}

/// [`alnum_mask`] eight bytes at a time, on other machines.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn alnum_mask_swar(block: &[u8]) -> u64 {
    let mut mask = 0;
    let mut chunks = block.chunks_exact(8);
    let mut shift = 0;
    for chunk in &mut chunks {
        mask |= alnum_bits(eight_bytes(chunk)) << shift;
        shift += 8;
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // Zero bytes (not letters or digits) after the text's end.
        mask |= alnum_bits(tail_bytes(rest)) << shift;
    }
    mask
}

/// Bit `i` set when byte `i` of `eight` (eight ASCII bytes) is a letter or a digit. Each
/// byte is below 0x80, so adding less than 0x81 to it never carries into the next one,
/// and the top bit of each sum says whether the byte reached a bound.
fn alnum_bits(eight: u64) -> u64 {
    const HIGH: u64 = BYTES * 0x80;
    let at_least = |x: u64, low: u8| x.wrapping_add(BYTES * u64::from(0x80 - low));
    let above = |x: u64, high: u8| x.wrapping_add(BYTES * u64::from(0x7f - high));
    let digit = at_least(eight, b'0') & !above(eight, b'9');
    // Setting bit 0x20 lower-cases a letter; no other byte lands among the letters.
    let lower = eight | (BYTES * 0x20);
    let letter = at_least(lower, b'a') & !above(lower, b'z');
    // The top bit of each byte, gathered into the low eight bits.
    let tops = ((digit | letter) & HIGH) >> 7;
    tops.wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// FNV-1a's offset basis and prime.
pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
pub(crate) const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// An odd multiplier with well-spread bits (the one of the Fx hash).
const MIX: u64 = 0x517c_c1b7_2722_0a95;
/// Eight copies of one byte.
pub(crate) const BYTES: u64 = 0x0101_0101_0101_0101;

/// Mixes eight bytes into a hash.
pub(crate) fn mix(h: u64, eight: u64) -> u64 {
    (h.rotate_left(5) ^ eight).wrapping_mul(MIX)
}

/// Eight bytes as one number (`chunk` has eight bytes).
pub(crate) fn eight_bytes(chunk: &[u8]) -> u64 {
    let mut eight = [0u8; 8];
    eight.copy_from_slice(chunk);
    u64::from_le_bytes(eight)
}

/// Mixes the last up to seven bytes of a text with its length (in the eighth byte, which
/// tells a text ending in NUL bytes from a shorter one).
pub(crate) fn finish(h: u64, rest: &[u8], len: usize) -> u64 {
    finish_with(h, tail_bytes(rest), len)
}

/// [`finish`] with the last bytes already read (`tail`, up to seven of them).
fn finish_with(h: u64, tail: u64, len: usize) -> u64 {
    mix(h, tail | (len as u64) << 56)
}

/// Up to seven bytes as one number (a copy of a length known only at run time would
/// be a call).
fn tail_bytes(rest: &[u8]) -> u64 {
    let mut tail = 0;
    for (k, &b) in rest.iter().enumerate() {
        tail |= u64::from(b) << (8 * k);
    }
    tail
}

/// A hash of bytes, eight at a time.
pub(crate) fn word_hash(bytes: &[u8]) -> u64 {
    let mut h = FNV_OFFSET;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        h = mix(h, eight_bytes(chunk));
    }
    finish(h, chunks.remainder(), bytes.len())
}

/// [`word_hash`] of the lower-case form of `text[start..end]`, ASCII letters and
/// digits: setting bit 0x20 of each byte lower-cases a letter and keeps a digit. Bytes
/// are read eight at a time from `text`, past the word's end where the text goes on.
#[inline(always)]
fn ascii_word_hash(text: &[u8], start: usize, end: usize) -> u64 {
    let lower = BYTES * 0x20;
    let mut h = FNV_OFFSET;
    let mut i = start;
    while i + 8 <= end {
        h = mix(h, eight_bytes(&text[i..i + 8]) | lower);
        i += 8;
    }
    // The last `end - i` (0 to 7) bytes.
    let kept = (1u64 << (8 * (end - i))) - 1;
    let tail = match text.get(i..i + 8) {
        Some(eight) => eight_bytes(eight) & kept,
        None => tail_bytes(&text[i..end]),
    };
    finish_with(h, tail | (lower & kept), end - start)
}

/// FNV-1a over characters: a fast, stable hash for word and paragraph fingerprints.
pub fn fnv(chars: impl Iterator<Item = char>) -> u64 {
    let mut h: u64 = FNV_OFFSET;
    for c in chars {
        h ^= u64::from(c);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// Largest gap (old × new) paired by the quadratic weighted LCS; larger gaps pair by
/// position only, so very different inputs stay fast.
const MAX_GAP_CELLS: usize = 40_000;

/// How far a square gap's diagonal must score above the best any other pairing could,
/// so that rounding never decides (the pairing's backtrack allows 1e-9).
const DIAGONAL_MARGIN: f64 = 1e-6;

/// A pair's similarity as far as it was worked out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Score {
    Exact(f64),
    /// A lower bound, at least the target asked for: the pair is at least that alike.
    AtLeast(f64),
}

impl Score {
    pub fn value(self) -> f64 {
        match self {
            Score::Exact(s) | Score::AtLeast(s) => s,
        }
    }
}

/// How alike an old and a new element are, from 0 to 1 (1 at most): what pairs the
/// elements of a gap between exact matches. Any `Fn(old, new) -> f64` is one.
pub trait Similarity {
    fn similar(&self, old: usize, new: usize) -> f64;

    /// [`Similarity::similar`] of a pair on a gap's diagonal, which is compared first
    /// and often alone (see [`pair_gap`]): there, all that matters is whether each pair
    /// is at least `target` alike, so a lower bound that shows it will do, and a caller
    /// that keeps something from each comparison for the rest of the gap can compare
    /// such a pair without keeping it.
    fn diagonal(&self, old: usize, new: usize, target: f64) -> Score {
        let _ = target;
        Score::Exact(self.similar(old, new))
    }
}

impl<F: Fn(usize, usize) -> f64> Similarity for F {
    fn similar(&self, old: usize, new: usize) -> f64 {
        self(old, new)
    }
}

/// Aligns two sequences by their keys, then pairs the rest by `similar` (which returns
/// a score in 0..=1; pairs below `threshold` are never made).
pub fn align<K: Hash + Eq + Copy>(
    old_keys: &[K],
    new_keys: &[K],
    similar: &dyn Similarity,
    threshold: f64,
) -> Vec<Pair> {
    align_with(old_keys, new_keys, similar, threshold, threshold)
}

/// [`align`], with a lower threshold for a gap of one old and one new element: a
/// paragraph rewritten in place, which a reader compares word by word.
pub fn align_with<K: Hash + Eq + Copy>(
    old_keys: &[K],
    new_keys: &[K],
    similar: &dyn Similarity,
    threshold: f64,
    lone_threshold: f64,
) -> Vec<Pair> {
    let mut input: InternedInput<K> = InternedInput {
        before: Vec::with_capacity(old_keys.len()),
        after: Vec::with_capacity(new_keys.len()),
        interner: Interner::new(old_keys.len() + new_keys.len()),
    };
    input.update_before(old_keys.iter().copied());
    input.update_after(new_keys.iter().copied());
    let diff = Diff::compute(Algorithm::Histogram, &input);
    let mut out = Vec::with_capacity(old_keys.len().max(new_keys.len()));
    let (mut i, mut j) = (0usize, 0usize);
    for hunk in diff.hunks() {
        let (os, oe) = (hunk.before.start as usize, hunk.before.end as usize);
        let (ns, ne) = (hunk.after.start as usize, hunk.after.end as usize);
        while i < os {
            out.push(Pair::Matched(i, j));
            i += 1;
            j += 1;
        }
        let t = if oe - os == 1 && ne - ns == 1 {
            lone_threshold
        } else {
            threshold
        };
        pair_gap(os..oe, ns..ne, similar, t, &mut out);
        i = oe;
        j = ne;
    }
    while i < old_keys.len() {
        out.push(Pair::Matched(i, j));
        i += 1;
        j += 1;
    }
    out
}

/// Pairs the items of one gap by similarity, in order; the rest are deleted and inserted
/// (deletions first, as an editor writes them).
fn pair_gap(
    old: std::ops::Range<usize>,
    new: std::ops::Range<usize>,
    similar: &dyn Similarity,
    threshold: f64,
    out: &mut Vec<Pair>,
) {
    let m = old.len();
    let n = new.len();
    let mut matches: Vec<(usize, usize)> = Vec::new();
    if m > 0 && n > 0 {
        if m * n <= MAX_GAP_CELLS {
            // Weighted LCS: score[i][j] over old[..i], new[..j].
            let mut sims = vec![0f64; m * n];
            let mark = |s: f64| if s >= threshold { s } else { -1.0 };
            // In a square gap whose diagonal pairs all pass, any other set of pairs in
            // order leaves one out, and scores at most one per pair: m - 1 in all. A
            // diagonal that scores more is the unique best, and the rest need no scores.
            // A node edited in place meets its counterpart there, so the diagonal is
            // scored first; a pair shown to score at least `target` needs no exact score,
            // as the diagonal then scores more than m - 1 whatever the exact figures.
            let holds = |sims: &[f64], diagonal: f64| {
                (0..m).all(|k| sims[k * n + k] > 0.0) && diagonal > (m - 1) as f64 + DIAGONAL_MARGIN
            };
            if m == n {
                let target = threshold.max(((m - 1) as f64 + 2.0 * DIAGONAL_MARGIN) / m as f64);
                let mut diagonal = 0.0;
                let mut bounded = Vec::new();
                for k in 0..m {
                    let score = similar.diagonal(old.start + k, new.start + k, target);
                    if let Score::AtLeast(_) = score {
                        bounded.push(k);
                    }
                    diagonal += score.value();
                    sims[k * n + k] = mark(score.value());
                }
                if !holds(&sims, diagonal) && !bounded.is_empty() {
                    // The exact figures, which the rest of the gap is paired with.
                    for k in bounded {
                        sims[k * n + k] = mark(similar.similar(old.start + k, new.start + k));
                    }
                    // Only read when every pair passes, and then each figure is its score.
                    diagonal = (0..m).map(|k| sims[k * n + k]).sum::<f64>();
                }
                if holds(&sims, diagonal) {
                    matches.extend((0..m).map(|k| (old.start + k, new.start + k)));
                    return finish_gap(old, new, matches, out);
                }
            } else {
                for k in 0..m.min(n) {
                    sims[k * n + k] = mark(similar.similar(old.start + k, new.start + k));
                }
            }
            for a in 0..m {
                for b in (0..n).filter(|&b| b != a) {
                    sims[a * n + b] = mark(similar.similar(old.start + a, new.start + b));
                }
            }
            matches = best_pairs(&sims, m, n)
                .map(|(a, b)| (old.start + a, new.start + b))
                .collect();
        } else {
            for k in 0..m.min(n) {
                if similar.similar(old.start + k, new.start + k) >= threshold {
                    matches.push((old.start + k, new.start + k));
                }
            }
        }
    }
    finish_gap(old, new, matches, out);
}

/// The pairs `(a, b)` of the best-scoring pairing in order of an `m` × `n` gap, from
/// its scores row by row (negative: never paired), in order: a weighted longest common
/// subsequence.
fn best_pairs(sims: &[f64], m: usize, n: usize) -> impl Iterator<Item = (usize, usize)> {
    // score[a][b]: the best over old[..a] and new[..b].
    let w = n + 1;
    let mut score = vec![0f64; (m + 1) * (n + 1)];
    for a in 1..=m {
        for b in 1..=n {
            let mut best = score[(a - 1) * w + b].max(score[a * w + b - 1]);
            let s = sims[(a - 1) * n + (b - 1)];
            if s > 0.0 {
                best = best.max(score[(a - 1) * w + b - 1] + s);
            }
            score[a * w + b] = best;
        }
    }
    let mut pairs = Vec::new();
    let (mut a, mut b) = (m, n);
    while a > 0 && b > 0 {
        let s = sims[(a - 1) * n + (b - 1)];
        if s > 0.0 && (score[a * w + b] - (score[(a - 1) * w + b - 1] + s)).abs() < 1e-9 {
            pairs.push((a - 1, b - 1));
            a -= 1;
            b -= 1;
        } else if score[(a - 1) * w + b] >= score[a * w + b - 1] {
            a -= 1;
        } else {
            b -= 1;
        }
    }
    pairs.into_iter().rev()
}

/// Writes a gap's pairs: `matches` (in order), the rest deleted and inserted.
fn finish_gap(
    old: std::ops::Range<usize>,
    new: std::ops::Range<usize>,
    matches: Vec<(usize, usize)>,
    out: &mut Vec<Pair>,
) {
    let (mut i, mut j) = (old.start, new.start);
    for (a, b) in matches
        .into_iter()
        .chain(std::iter::once((old.end, new.end)))
    {
        while i < a {
            out.push(Pair::Deleted(i));
            i += 1;
        }
        while j < b {
            out.push(Pair::Inserted(j));
            j += 1;
        }
        if a < old.end {
            out.push(Pair::Matched(a, b));
            i = a + 1;
            j = b + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `pair_similarity_at_least` gives the exact figure, or a bound between the target
    /// and the figure.
    fn bound_holds(
        old: &str,
        new: &str,
        target: f64,
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        let exact = Profile::pair_similarity(old, new);
        match Profile::pair_similarity_at_least(old, new, target) {
            Score::Exact(s) => proptest::prop_assert_eq!(s.to_bits(), exact.to_bits()),
            Score::AtLeast(s) => {
                proptest::prop_assert!(s >= target, "{} below the target {}", s, target);
                proptest::prop_assert!(s <= exact, "{} above the figure {}", s, exact);
            }
        }
        Ok(())
    }

    #[test]
    fn deleted_item_does_not_shift_the_rest() {
        let old = ["one two three", "four five six", "seven eight", "nine ten"];
        let new = ["one two three", "seven eight", "nine ten eleven"];
        let po: Vec<Profile> = old.iter().map(|t| Profile::new(t)).collect();
        let pn: Vec<Profile> = new.iter().map(|t| Profile::new(t)).collect();
        let pairs = align(
            &old,
            &new,
            &|i: usize, j: usize| po[i].similarity(&pn[j]),
            0.5,
        );
        assert_eq!(
            pairs,
            vec![
                Pair::Matched(0, 0),
                Pair::Deleted(1),
                Pair::Matched(2, 1),
                Pair::Matched(3, 2)
            ]
        );
    }

    #[test]
    fn ascii_profiles_hash_words_as_the_general_path_does() {
        let text = "Resolution 75 (Rev. Dubai, 2012): ITU-T's role; e.g. WSIS C2";
        let ascii = Profile::new(text);
        // A non-ASCII word at the end takes the general path; without it, the words and
        // their hashes are the same.
        let general = Profile::new(&format!("{text} \u{e9}t\u{e9}"));
        let extra = word_hash("\u{e9}t\u{e9}".as_bytes());
        let mut expected = ascii.words.clone();
        expected.push(extra);
        expected.sort_unstable();
        expected.dedup();
        assert_eq!(general.words, expected);
        assert_eq!(general.len, ascii.len + 1);
        // Words compare in lower case, at every length around the eight-byte pieces.
        for word in [
            "a",
            "Dubai",
            "RESOLUTION",
            "Telecommunication",
            "ITUT2012",
            "ABCDEFGH",
        ] {
            let lower = word.to_lowercase();
            assert_eq!(
                ascii_word_hash(word.as_bytes(), 0, word.len()),
                word_hash(lower.as_bytes())
            );
            // Inside a longer text, whose next bytes are read and left out.
            let text = format!("({word}) and more text after it");
            assert_eq!(
                ascii_word_hash(text.as_bytes(), 1, word.len() + 1),
                word_hash(lower.as_bytes())
            );
            assert_eq!(
                Profile::new(&format!("{word} \u{e9}")).words,
                Profile::new(&format!("{lower} \u{e9}")).words
            );
        }
        // The Kelvin sign lower-cases to an ASCII k.
        assert_eq!(
            Profile::new("\u{212a}m x").words,
            Profile::new("km x").words
        );
    }

    proptest::proptest! {
        #[test]
        fn letters_and_digits_are_found_sixteen_bytes_at_a_time(
            block in proptest::collection::vec(0u8..0x80, 0..=64),
        ) {
            proptest::prop_assert_eq!(alnum_mask(&block), alnum_mask_swar(&block));
            let alnum = block.iter().enumerate().filter(|(_, b)| b.is_ascii_alphanumeric());
            proptest::prop_assert_eq!(alnum_mask(&block), alnum.fold(0, |m, (i, _)| m | 1 << i));
        }

        #[test]
        fn ascii_text_is_hashed_as_by_the_general_path(
            text in "[ -~\t\n]{0,60}|[a-c1 .]{60,300}",
            skip in 0usize..70,
        ) {
            let (mut ascii, mut general) = (Vec::new(), Vec::new());
            let len = ascii_word_hashes(text.as_bytes(), 0..text.len(), &mut |h| ascii.push(h));
            let general_len = general_word_hashes(&text, &mut |h| general.push(h));
            proptest::prop_assert_eq!(len, general_len);
            proptest::prop_assert_eq!(ascii, general);
            // From any point after a space (where a range starts when cut).
            if let Some(start) = text.get(..skip.min(text.len())).and_then(|t| t.rfind(' ')) {
                let (mut ascii, mut general) = (Vec::new(), Vec::new());
                ascii_word_hashes(text.as_bytes(), start..text.len(), &mut |h| ascii.push(h));
                general_word_hashes(&text[start..], &mut |h| general.push(h));
                proptest::prop_assert_eq!(ascii, general);
            }
        }

        #[test]
        fn ranges_of_text_are_hashed_as_their_text_alone(
            text in "[a-c1 .,\u{e9}]{0,60}",
            from in 0usize..64,
            to in 0usize..64,
        ) {
            // Ranges from and to a character no word runs across (or the text's ends).
            let cuts: Vec<usize> = std::iter::once(0)
                .chain(text.bytes().enumerate().filter(|&(_, b)| between(b)).map(|(i, _)| i))
                .chain(std::iter::once(text.len()))
                .collect();
            let (a, b) = (cuts[from % cuts.len()], cuts[to % cuts.len()]);
            let range = a.min(b)..a.max(b);
            let (mut ranged, mut general) = (Vec::new(), Vec::new());
            let len = for_each_word_hash_in(&text, range.clone(), &mut |h| ranged.push(h));
            let general_len = general_word_hashes(&text[range], &mut |h| general.push(h));
            proptest::prop_assert_eq!(len, general_len);
            proptest::prop_assert_eq!(ranged, general);
        }

        #[test]
        fn mixed_text_is_hashed_as_by_the_general_path(
            text in "[a-c1 .,\u{e9}\u{a0}\u{2019}\u{212a}\u{c9}]{0,200}"
        ) {
            let (mut mixed, mut general) = (Vec::new(), Vec::new());
            let len = word_hashes(&text, &mut mixed);
            let general_len = general_word_hashes(&text, &mut |h| general.push(h));
            proptest::prop_assert_eq!(len, general_len);
            proptest::prop_assert_eq!(mixed, general);
        }

        #[test]
        fn pairs_of_profiles_are_each_alone(
            head in proptest::collection::vec(PIECES, 0..10),
            old_middle in proptest::collection::vec(PIECES, 0..4),
            new_middle in proptest::collection::vec(PIECES, 0..4),
            tail in proptest::collection::vec(PIECES, 0..10),
        ) {
            let (head, tail) = (head.concat(), tail.concat());
            let old = format!("{head}{}{tail}", old_middle.concat());
            let new = format!("{head}{}{tail}", new_middle.concat());
            let (po, pn) = Profile::pair(&old, &new);
            let (eo, en) = (Profile::new(&old), Profile::new(&new));
            // Compared without making the profiles: the same figure, to the bit.
            let counted = Profile::pair_similarity(&old, &new);
            proptest::prop_assert_eq!(counted.to_bits(), po.similarity(&pn).to_bits());
            proptest::prop_assert_eq!((po.words, po.len), (eo.words, eo.len));
            proptest::prop_assert_eq!((pn.words, pn.len), (en.words, en.len));
        }
    }

    proptest::proptest! {
        #[test]
        fn bounds_of_similarity_are_below_it_and_reach_the_target(
            head in proptest::collection::vec(PIECES, 0..60),
            old_middle in proptest::collection::vec(PIECES, 0..4),
            new_middle in proptest::collection::vec(PIECES, 0..4),
            tail in proptest::collection::vec(PIECES, 0..60),
            target in 0.0f64..=1.0,
        ) {
            let (head, tail) = (head.concat(), tail.concat());
            let old = format!("{head}{}{tail}", old_middle.concat());
            let new = format!("{head}{}{tail}", new_middle.concat());
            bound_holds(&old, &new, target)?;
        }
    }

    proptest::proptest! {
        /// Texts with several edits between runs both have: the parts found share only
        /// what is in both, cover each middle, and the bound is below the figure.
        #[test]
        fn bounds_of_similarity_hold_between_several_edits(
            runs in proptest::collection::vec(
                (
                    proptest::collection::vec(PIECES, 0..12),
                    proptest::collection::vec(PIECES, 0..3),
                    proptest::collection::vec(PIECES, 0..3),
                ),
                0..8,
            ),
            target in 0.0f64..=1.0,
        ) {
            let (mut old, mut new) = (String::new(), String::new());
            for (shared, old_edit, new_edit) in &runs {
                let shared = shared.concat();
                old.push_str(&shared);
                old.push_str(&old_edit.concat());
                new.push_str(&shared);
                new.push_str(&new_edit.concat());
            }
            bound_holds(&old, &new, target)?;
            // The parts of the middles: every word of a middle is in one of its parts,
            // and the shared ones are in the new middle too.
            let (start, end, new_end) = common_cuts(&old, &new);
            let (o, n) = (&old[start..end], &new[start..new_end]);
            let mut splits = Splits::default();
            splits.find(o.as_bytes(), n.as_bytes());
            let words = |text: &str| {
                let mut all = Vec::new();
                word_hashes(text, &mut all);
                all
            };
            let of = |text: &str, ranges: &[Range<usize>]| -> Vec<u64> {
                let mut all: Vec<u64> = ranges.iter().flat_map(|r| words(&text[r.clone()])).collect();
                all.sort_unstable();
                all
            };
            let sorted = |mut all: Vec<u64>| {
                all.sort_unstable();
                all
            };
            let mut old_parts = splits.shared.clone();
            old_parts.extend(splits.old_rest.iter().cloned());
            old_parts.sort_by_key(|r| r.start);
            proptest::prop_assert!(old_parts.windows(2).all(|w| w[0].end <= w[1].start));
            proptest::prop_assert_eq!(of(o, &old_parts), sorted(words(o)));
            let mut new_words = of(n, &splits.new_rest);
            new_words.extend(of(o, &splits.shared));
            proptest::prop_assert_eq!(sorted(new_words), sorted(words(n)));
            for r in &splits.shared {
                proptest::prop_assert!(n.contains(&o[r.clone()]));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn word_sets_grow_as_needed(words in proptest::collection::vec("[a-z]{1,3}", 0..400)) {
            // Many distinct short words in a short text: the table must grow.
            let old = words.join(" ");
            let new = words.iter().rev().cloned().collect::<Vec<_>>().join(",");
            let expected = Profile::new(&old).similarity(&Profile::new(&new));
            proptest::prop_assert_eq!(Profile::pair_similarity(&old, &new).to_bits(), expected.to_bits());
        }

        /// A square gap whose diagonal scores above what any other pairing could is
        /// paired along it without the other scores: the same pairs as from all of them.
        #[test]
        fn a_clear_diagonal_pairs_as_the_whole_gap(
            mut scores in proptest::collection::vec(0.0f64..=1.0, 1..50),
            diagonal in proptest::collection::vec(0.4f64..=1.0, 7),
            threshold in 0.3f64..0.8,
            bounds: bool,
        ) {
            // Mostly high scores on the diagonal, as of items edited in place.
            let m = (scores.len() as f64).sqrt() as usize;
            for k in 0..m {
                scores[k * m + k] = diagonal[k];
            }
            let scores = &scores[..m * m];
            // Its diagonal gives, where it can, a lower bound half way between the target
            // and the exact figure, as a similarity that reads only part of a text does.
            struct Counted<'s> {
                scores: &'s [f64],
                m: usize,
                off_diagonal: std::cell::Cell<usize>,
                bounds: bool,
            }
            impl Similarity for Counted<'_> {
                fn similar(&self, a: usize, b: usize) -> f64 {
                    if a != b {
                        self.off_diagonal.set(self.off_diagonal.get() + 1);
                    }
                    self.scores[a * self.m + b]
                }
                fn diagonal(&self, a: usize, b: usize, target: f64) -> Score {
                    let s = self.scores[a * self.m + b];
                    if self.bounds && s >= target {
                        Score::AtLeast((s + target) / 2.0)
                    } else {
                        Score::Exact(s)
                    }
                }
            }
            let counted = Counted { scores, m, off_diagonal: std::cell::Cell::new(0), bounds };
            let mut fast = Vec::new();
            pair_gap(0..m, 0..m, &counted, threshold, &mut fast);
            // The same gap with a similarity whose diagonal is not told apart.
            let plain = |a: usize, b: usize| scores[a * m + b];
            let mut whole = Vec::new();
            let all = |a: usize, b: usize| plain(a, b);
            pair_gap_all(0..m, 0..m, &all, threshold, &mut whole);
            proptest::prop_assert_eq!(&fast, &whole);
            let diagonal: f64 = (0..m).map(|k| scores[k * m + k]).sum();
            if (0..m).all(|k| scores[k * m + k] >= threshold) && diagonal > (m - 1) as f64 + 1e-6 {
                proptest::prop_assert_eq!(counted.off_diagonal.get(), 0);
            }
        }
    }

    /// `pair_gap` with every pair scored (no shortcut): the reference for the property
    /// test above.
    fn pair_gap_all(
        old: std::ops::Range<usize>,
        new: std::ops::Range<usize>,
        similar: &dyn Fn(usize, usize) -> f64,
        threshold: f64,
        out: &mut Vec<Pair>,
    ) {
        let (m, n) = (old.len(), new.len());
        let mark = |s: f64| if s >= threshold { s } else { -1.0 };
        let sims: Vec<f64> = (0..m * n).map(|k| mark(similar(k / n, k % n))).collect();
        finish_gap(old, new, best_pairs(&sims, m, n).collect(), out);
    }

    #[test]
    fn letters_and_digits_are_found_eight_bytes_at_a_time() {
        for byte in 0u8..0x80 {
            let bytes = [b' ', byte, b'x', 0, b'9', b'{', b'@', byte];
            let expected = bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| b.is_ascii_alphanumeric())
                .fold(0u64, |mask, (i, _)| mask | 1 << i);
            assert_eq!(
                alnum_bits(u64::from_le_bytes(bytes)),
                expected,
                "byte {byte:#x}"
            );
        }
    }

    #[test]
    fn texts_are_profiled_as_joined_by_spaces() {
        let texts = [
            "Resolution 75 (Rev.",
            "Dubai, 2012)",
            "",
            "\u{e9}t\u{e9} ITU-T's",
        ];
        let joined = Profile::new(&texts.join(" "));
        let apart = Profile::of_texts(texts.iter().copied());
        assert_eq!((apart.words, apart.len), (joined.words, joined.len));
    }

    const PIECES: &str = "(the|The|ITU|T|ITUT|2012|\u{e9}t\u{e9}|\u{c9}T\u{c9}|\u{212a}|’|§| |\u{a0}|-|,|\\.|a|b|resolution)";

    #[test]
    fn dissimilar_items_are_replaced() {
        let old = ["alpha beta gamma"];
        let new = ["delta epsilon zeta"];
        let po: Vec<Profile> = old.iter().map(|t| Profile::new(t)).collect();
        let pn: Vec<Profile> = new.iter().map(|t| Profile::new(t)).collect();
        let pairs = align(
            &old,
            &new,
            &|i: usize, j: usize| po[i].similarity(&pn[j]),
            0.5,
        );
        assert_eq!(pairs, vec![Pair::Deleted(0), Pair::Inserted(0)]);
    }
}
