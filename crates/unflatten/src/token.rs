//! Fine tokens for alignment: letter runs (split where a lower-case letter meets an
//! upper-case one, so `issuesCWG` gives `issues` and `CWG`), digit runs (so `2012Hammamet`
//! gives `2012` and `Hammamet`), whitespace runs, and single other characters. Extractor
//! markers (`[bookmark: _GoBack]`) are tokens of their own that take no part in alignment.
//!
//! Whitespace is compared by kind only (a run with a line end, or without), and a
//! non-breaking hyphen equals a hyphen: differences in them are not changes.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A token: a byte range of its text and its interned comparison key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tok {
    pub start: u32,
    pub end: u32,
    pub key: u32,
}

/// Key of extractor markers: never matched, never part of a sequence.
pub(crate) const MARKER_KEY: u32 = u32::MAX;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Lower,
    Upper,
    Digit,
    Space,
    Other,
}

fn class(c: char) -> Class {
    if c.is_alphabetic() {
        if c.is_uppercase() {
            Class::Upper
        } else {
            Class::Lower
        }
    } else if c.is_numeric() {
        Class::Digit
    } else if c.is_whitespace() {
        Class::Space
    } else {
        Class::Other
    }
}

/// FNV-1a: tokens are short, SipHash is needlessly slow for them.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Interns token texts shared by all the texts of one recovery.
#[derive(Default)]
pub(crate) struct Interner<'a> {
    map: HashMap<&'a str, u32, BuildHasherDefault<Fnv>>,
    /// Per key: its number in the current [`Interner::renumber`] (`u32::MAX`: none).
    dense: Vec<u32>,
    /// The keys numbered by the current renumbering, to reset.
    numbered: Vec<u32>,
}

impl<'a> Interner<'a> {
    /// Renumbers the keys of two sequences densely from 0, in order of first appearance,
    /// and returns how many there are. A histogram diff allocates and clears tables as
    /// large as the key range: with the interner's keys, which grow with the whole text,
    /// each changed stretch would cost in proportion to the whole text's vocabulary.
    pub fn renumber(&mut self, a: &mut [imara_diff::Token], b: &mut [imara_diff::Token]) -> u32 {
        if self.dense.len() < self.map.len() {
            self.dense.resize(self.map.len(), u32::MAX);
        }
        let mut next = 0;
        for t in a.iter_mut().chain(b.iter_mut()) {
            let Some(slot) = self.dense.get_mut(t.0 as usize) else {
                continue;
            };
            if *slot == u32::MAX {
                *slot = next;
                self.numbered.push(t.0);
                next += 1;
            }
            t.0 = *slot;
        }
        for key in self.numbered.drain(..) {
            self.dense[key as usize] = u32::MAX;
        }
        next
    }

    fn intern(&mut self, key: &'a str) -> u32 {
        let next = self.map.len() as u32;
        *self.map.entry(key).or_insert(next)
    }

    /// Tokenizes `text`, interning the keys.
    #[cfg(test)]
    pub fn tokens(&mut self, text: &'a str) -> Vec<Tok> {
        self.tokens_in(text, 0, text.len())
    }

    /// Tokenizes `text[from..to]` (offsets into `text`), interning the keys.
    pub fn tokens_in(&mut self, text: &'a str, from: usize, to: usize) -> Vec<Tok> {
        let mut out = Vec::with_capacity((to - from) / 3);
        let text = &text[..to];
        let mut chars = text[from..]
            .char_indices()
            .map(|(i, c)| (from + i, c))
            .peekable();
        while let Some((start, c)) = chars.next() {
            if c == '['
                && text[start..].starts_with("[bookmark: ")
                && let Some(close) = text[start..]
                    .find(']')
                    .filter(|&n| !text[start..start + n].contains('\n'))
            {
                let end = start + close + 1;
                while chars.peek().is_some_and(|&(i, _)| i < end) {
                    chars.next();
                }
                out.push(Tok {
                    start: start as u32,
                    end: end as u32,
                    key: MARKER_KEY,
                });
                continue;
            }
            let first = class(c);
            let mut end = start + c.len_utf8();
            let mut prev = first;
            if first != Class::Other {
                while let Some(&(i, d)) = chars.peek() {
                    let k = class(d);
                    let same = matches!(
                        (prev, k),
                        (Class::Lower, Class::Lower)
                            | (Class::Upper, Class::Lower)
                            | (Class::Upper, Class::Upper)
                            | (Class::Digit, Class::Digit)
                            | (Class::Space, Class::Space)
                    );
                    if !same {
                        break;
                    }
                    prev = k;
                    end = i + d.len_utf8();
                    chars.next();
                }
            }
            let slice = &text[start..end];
            let key = match first {
                Class::Space => {
                    if slice.contains(['\n', '\r']) {
                        self.intern("\n")
                    } else {
                        self.intern(" ")
                    }
                }
                _ if c == '\u{2011}' => self.intern("-"),
                _ => self.intern(slice),
            };
            out.push(Tok {
                start: start as u32,
                end: end as u32,
                key,
            });
        }
        out
    }
}

/// Whether a character is compared as whitespace.
pub(crate) fn norm_char(c: char) -> char {
    if c == '\n' || c == '\r' {
        '\n'
    } else if c.is_whitespace() {
        ' '
    } else if c == '\u{2011}' {
        '-'
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        let mut interner = Interner::default();
        interner
            .tokens(text)
            .iter()
            .map(|t| &text[t.start as usize..t.end as usize])
            .collect()
    }

    #[test]
    fn splits_glued_words_numbers_and_keeps_markers_whole() {
        assert_eq!(
            texts("2012Hammamet, issuesCWG-Internet"),
            vec![
                "2012", "Hammamet", ",", " ", "issues", "CWG", "-", "Internet"
            ]
        );
        assert_eq!(
            texts("[bookmark: _GoBack]CITEL"),
            vec!["[bookmark: _GoBack]", "CITEL"]
        );
        assert_eq!(texts("ITU's\t \n x"), vec!["ITU", "'", "s", "\t \n ", "x"]);
    }

    #[test]
    fn renumbering_is_dense_and_keeps_equality() {
        let mut interner = Interner::default();
        let all = interner.tokens("a b c d e f g h");
        let key = |i: usize| imara_diff::Token(all[i].key);
        let mut x = vec![key(12), key(2), key(12)];
        let mut f = vec![key(2), key(14)];
        assert_eq!(interner.renumber(&mut x, &mut f), 3);
        assert_eq!(x, [0, 1, 0].map(imara_diff::Token));
        assert_eq!(f, [1, 2].map(imara_diff::Token));
        // The next renumbering starts afresh.
        let mut y = vec![key(14)];
        assert_eq!(interner.renumber(&mut y, &mut []), 1);
        assert_eq!(y, [imara_diff::Token(0)]);
    }

    #[test]
    fn whitespace_compares_by_kind() {
        let mut interner = Interner::default();
        let a = interner.tokens("a\t b");
        let b = interner.tokens("a b");
        assert_eq!(a[1].key, b[1].key);
        let c = interner.tokens("a\n\nb");
        assert_ne!(a[1].key, c[1].key);
    }
}
