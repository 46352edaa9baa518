//! The evaluation harness: a generator that applies random, realistic edits to a real
//! resolution text and flattens them as an extractor does, and the scores of a recovery
//! against the known truth.
//!
//! Edits: word and phrase replacements, insertions, deletions, whole items inserted or
//! deleted with the following items relettered, meeting-stamp, number and
//! citation-revision updates, and edits inside words. Flattening writes the deleted and
//! the inserted text side by side in either order, glued where the edit had no space.
//!
//! Scores (token level, whitespace ignored):
//! - insertion F1 with the base only;
//! - replacement F1 with the base only: the deleted side of replacement edits (word,
//!   phrase, stamp, number, citation, label);
//! - deletions inside words and pure deletions, reported apart: the base alone cannot
//!   tell them from kept text except by structure;
//! - exact recovery with base and new text: accepting gives the new text and rejecting
//!   the base, under [`amend_model::textcmp::texts_equal`].

use std::fmt;

use amend_model::View;
use amend_model::label::{alpha_value, roman_value, to_alpha, to_roman};
use amend_model::textcmp::texts_equal;

use crate::labels::{Family, Seq, leading_label};
use crate::{MarkKind, Options, Recovery, unflatten};

/// A small deterministic generator (xorshift64*), so cases are reproducible by seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The kinds of generated edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    Word,
    Phrase,
    Stamp,
    Number,
    Citation,
    Label,
    InsideWord,
    Insertion,
    Deletion,
    ItemInsertion,
    ItemDeletion,
}

impl Category {
    /// Whether the edit replaces old text by new text of the same kind.
    pub fn is_replacement(self) -> bool {
        matches!(
            self,
            Category::Word
                | Category::Phrase
                | Category::Stamp
                | Category::Number
                | Category::Citation
                | Category::Label
        )
    }
}

/// One byte of the flattened text: what it truly is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Truth {
    pub kind: MarkKind,
    pub category: Option<Category>,
}

/// A generated case: the base, the new text, the flattened text and its truth.
#[derive(Debug, Clone)]
pub struct Case {
    pub base: String,
    pub new: String,
    pub flat: String,
    /// Per byte of `flat`.
    pub truth: Vec<Truth>,
    pub edits: usize,
}

struct Edit {
    start: usize,
    end: usize,
    new: String,
    category: Category,
    deleted_first: bool,
}

const STAMPS: &[&str] = &[
    "Hammamet, 2016",
    "Busan, 2014",
    "Dubai, 2018",
    "Geneva, 2022",
    "Buenos Aires, 2017",
    "Kigali, 2022",
    "New Delhi, 2024",
    "Bucharest, 2022",
    "Sharm el-Sheikh, 2019",
    "Guadalajara, 2010",
    "Johannesburg, 2008",
    "Antalya, 2006",
];

fn words_of(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_alphabetic() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push((s, i));
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

fn free(used: &[(usize, usize)], start: usize, end: usize) -> bool {
    used.iter().all(|&(a, b)| end + 2 <= a || b + 2 <= start)
}

/// Generates a case from `base` with about `per_thousand` edits per 1,000 words.
pub fn generate(base: &str, rng: &mut Rng, per_thousand: usize) -> Case {
    let words = words_of(base);
    let vocabulary: Vec<&str> = words
        .iter()
        .map(|&(s, e)| &base[s..e])
        .filter(|w| w.len() >= 3 && w.chars().all(|c| c.is_lowercase()))
        .collect();
    let target = (words.len() * per_thousand / 1000).max(3);
    let mut edits: Vec<Edit> = Vec::new();
    let mut used: Vec<(usize, usize)> = Vec::new();
    // Whole items first: they reletter the rest of their list.
    if rng.chance(70) {
        item_edit(base, rng, &vocabulary, &mut edits, &mut used);
    }
    let stamps: Vec<(usize, usize, bool)> = crate::detect::stamps_in(base);
    let mut attempts = 0;
    while edits.len() < target && attempts < target * 20 {
        attempts += 1;
        let roll = rng.below(100);
        let edit = match roll {
            0..=19 => word_replacement(base, rng, &words, &vocabulary),
            20..=29 => phrase_replacement(base, rng, &words, &vocabulary),
            30..=44 if !stamps.is_empty() => {
                let &(s, e, rev) = rng.pick(&stamps);
                let old = &base[s..e];
                let new = loop {
                    let n = *rng.pick(STAMPS);
                    if n != old {
                        break n;
                    }
                };
                let spaced = rng.chance(20);
                Some(Edit {
                    start: s,
                    end: e,
                    new: if spaced {
                        format!(" {}", new.replace(',', ""))
                    } else {
                        new.to_string()
                    },
                    category: if rev {
                        Category::Citation
                    } else {
                        Category::Stamp
                    },
                    deleted_first: spaced || rng.chance(70),
                })
            }
            45..=52 => number_update(base, rng),
            53..=62 => inside_word(base, rng, &words),
            63..=82 => insertion(base, rng, &words, &vocabulary),
            _ => deletion(base, rng, &words),
        };
        if let Some(e) = edit
            && free(&used, e.start, e.end)
            && base.is_char_boundary(e.start)
            && base.is_char_boundary(e.end)
        {
            used.push((e.start, e.end));
            edits.push(e);
        }
    }
    apply(base, edits)
}

fn word_replacement(
    base: &str,
    rng: &mut Rng,
    words: &[(usize, usize)],
    vocabulary: &[&str],
) -> Option<Edit> {
    let &(s, e) = rng.pick(words);
    let old = &base[s..e];
    if old.len() < 3 || vocabulary.is_empty() {
        return None;
    }
    let mut new = rng.pick(vocabulary).to_string();
    if new == old {
        return None;
    }
    if old.chars().next().is_some_and(char::is_uppercase) {
        new = capitalize(&new);
    }
    Some(Edit {
        start: s,
        end: e,
        new,
        category: Category::Word,
        deleted_first: rng.chance(70),
    })
}

fn capitalize(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

fn phrase_replacement(
    base: &str,
    rng: &mut Rng,
    words: &[(usize, usize)],
    vocabulary: &[&str],
) -> Option<Edit> {
    let i = rng.below(words.len());
    let n = 2 + rng.below(3);
    let last = words.get(i + n - 1)?;
    let (s, e) = (words[i].0, last.1);
    // Words separated by single spaces only.
    if base[s..e].contains(|c: char| !(c.is_alphabetic() || c == ' ')) || vocabulary.is_empty() {
        return None;
    }
    let m = n + rng.below(3) - 1;
    let new: Vec<&str> = (0..m.max(1)).map(|_| *rng.pick(vocabulary)).collect();
    let mut new = new.join(" ");
    if base[s..].starts_with(char::is_uppercase) {
        new = capitalize(&new);
    }
    Some(Edit {
        start: s,
        end: e,
        new,
        category: Category::Phrase,
        deleted_first: rng.chance(70),
    })
}

fn number_update(base: &str, rng: &mut Rng) -> Option<Edit> {
    let at = rng.below(base.len());
    let bytes = base.as_bytes();
    let mut s = at;
    while s < bytes.len() && !bytes[s].is_ascii_digit() {
        s += 1;
    }
    while s > 0 && bytes[s - 1].is_ascii_digit() {
        s -= 1;
    }
    let mut e = s;
    while e < bytes.len() && bytes[e].is_ascii_digit() {
        e += 1;
    }
    let old = &base[s..e];
    if old.is_empty()
        || old.len() > 4
        || (old.len() == 4 && (old.starts_with("19") || old.starts_with("20")))
    {
        return None;
    }
    // Item numbers at a line start are labels, not numbers in the text.
    if s == 0 || bytes[s - 1] == b'\n' {
        return None;
    }
    let value: u64 = old.parse().ok()?;
    let new = (value + 1 + rng.below(20) as u64).to_string();
    Some(Edit {
        start: s,
        end: e,
        new,
        category: Category::Number,
        deleted_first: rng.chance(70),
    })
}

fn inside_word(base: &str, rng: &mut Rng, words: &[(usize, usize)]) -> Option<Edit> {
    let &(s, e) = rng.pick(words);
    let word = &base[s..e];
    if word.len() < 5 || !word.is_ascii() {
        return None;
    }
    if rng.chance(50) {
        // A suffix added: `inform` → `informs`.
        let suffix = *rng.pick(&["s", "ed", "ing", "al", "ly"]);
        return Some(Edit {
            start: e,
            end: e,
            new: suffix.to_string(),
            category: Category::InsideWord,
            deleted_first: true,
        });
    }
    // An ending replaced: `harmony` → `harmonization`.
    let cut = 1 + rng.below(2);
    let ending = *rng.pick(&["ization", "ing", "ed", "ation", "ive"]);
    Some(Edit {
        start: e - cut,
        end: e,
        new: ending.to_string(),
        category: Category::InsideWord,
        deleted_first: true,
    })
}

fn insertion(
    base: &str,
    rng: &mut Rng,
    words: &[(usize, usize)],
    vocabulary: &[&str],
) -> Option<Edit> {
    let &(_, e) = rng.pick(words);
    if vocabulary.is_empty() || !base[e..].starts_with(' ') {
        return None;
    }
    let n = 1 + rng.below(5);
    let new: Vec<&str> = (0..n).map(|_| *rng.pick(vocabulary)).collect();
    let text = if rng.chance(30) {
        format!(", {}", new.join(" "))
    } else {
        format!(" {}", new.join(" "))
    };
    Some(Edit {
        start: e,
        end: e,
        new: text,
        category: Category::Insertion,
        deleted_first: true,
    })
}

fn deletion(base: &str, rng: &mut Rng, words: &[(usize, usize)]) -> Option<Edit> {
    let i = rng.below(words.len());
    let n = 1 + rng.below(3);
    let last = words.get(i + n - 1)?;
    let s = words[i].0.checked_sub(1)?;
    let e = last.1;
    if base.as_bytes()[s] != b' '
        || !base.is_char_boundary(s)
        || base[s + 1..e].contains(|c: char| !(c.is_alphabetic() || c == ' '))
    {
        return None;
    }
    Some(Edit {
        start: s,
        end: e,
        new: String::new(),
        category: Category::Deletion,
        deleted_first: true,
    })
}

/// A lettered line: line start and end, label letters start and end, family, ordinal.
type ListItem = (usize, usize, usize, usize, Family, u32);

/// Inserts or deletes a whole item of a lettered list and reletters the items after it.
fn item_edit(
    base: &str,
    rng: &mut Rng,
    vocabulary: &[&str],
    edits: &mut Vec<Edit>,
    used: &mut Vec<(usize, usize)>,
) {
    // Lists: runs of lettered lines of one family, blank lines allowed between.
    let mut lists: Vec<Vec<ListItem>> = Vec::new();
    let mut current: Vec<ListItem> = Vec::new();
    let mut seq = Seq::default();
    for (ls, le) in crate::evidence::line_ranges(base) {
        let line = &base[ls..le];
        if line.trim().is_empty() {
            continue;
        }
        let label = leading_label(line).filter(|l| l.end > l.core_end);
        let info = label.and_then(|l| {
            let core = &line[l.core_start..l.core_end];
            let (family, ordinal) = seq.classify(core)?;
            seq.push(core);
            (family != Family::Number).then_some((
                ls,
                le,
                ls + l.core_start,
                ls + l.core_end,
                family,
                ordinal,
            ))
        });
        match info {
            Some(item)
                if current
                    .last()
                    .is_none_or(|p| p.4 == item.4 && p.5 + 1 == item.5) =>
            {
                current.push(item)
            }
            Some(item) => {
                lists.push(std::mem::take(&mut current));
                current.push(item);
            }
            None => {
                seq.reset();
                lists.push(std::mem::take(&mut current));
            }
        }
    }
    lists.push(current);
    lists.retain(|l| l.len() >= 3);
    if lists.is_empty() {
        return;
    }
    let list = rng.pick(&lists).clone();
    let p = rng.below(list.len() - 1);
    let label = |family: Family, n: u32| match family {
        Family::Roman => to_roman(n),
        _ => to_alpha(n),
    };
    let insert = rng.chance(55);
    let (ls, le, _, ce, family, ordinal) = list[p];
    if insert {
        let n = 6 + rng.below(12);
        let text: Vec<&str> = (0..n).map(|_| *rng.pick(vocabulary)).collect();
        let close = &base[ce..base[ce..].find(')').map_or(ce, |i| ce + i + 1)];
        let new = format!(
            "{}{}\tthat {};\n",
            label(family, ordinal),
            close,
            text.join(" ")
        );
        edits.push(Edit {
            start: ls,
            end: ls,
            new,
            category: Category::ItemInsertion,
            deleted_first: true,
        });
        used.push((ls, ls));
    } else {
        let end = if le < base.len() { le + 1 } else { le };
        edits.push(Edit {
            start: ls,
            end,
            new: String::new(),
            category: Category::ItemDeletion,
            deleted_first: true,
        });
        used.push((ls, end));
    }
    let shift: i64 = if insert { 1 } else { -1 };
    let from = if insert { p } else { p + 1 };
    for &(_, _, cs, ce, family, ordinal) in &list[from..] {
        let new = label(family, (i64::from(ordinal) + shift) as u32);
        if alpha_value(&base[cs..ce]).is_none() && roman_value(&base[cs..ce]).is_none() {
            continue;
        }
        edits.push(Edit {
            start: cs,
            end: ce,
            new,
            category: Category::Label,
            deleted_first: rng.chance(50),
        });
        used.push((cs, ce));
    }
}

fn apply(base: &str, mut edits: Vec<Edit>) -> Case {
    edits.sort_by_key(|e| (e.start, e.end));
    let mut flat = String::with_capacity(base.len() * 11 / 10);
    let mut new = String::with_capacity(base.len());
    let mut truth = Vec::with_capacity(base.len() * 11 / 10);
    let mut at = 0;
    let push = |flat: &mut String,
                truth: &mut Vec<Truth>,
                text: &str,
                kind: MarkKind,
                category: Option<Category>| {
        flat.push_str(text);
        truth.extend(std::iter::repeat_n(Truth { kind, category }, text.len()));
    };
    let count = edits.len();
    for e in &edits {
        if e.start < at {
            continue;
        }
        push(
            &mut flat,
            &mut truth,
            &base[at..e.start],
            MarkKind::Kept,
            None,
        );
        new.push_str(&base[at..e.start]);
        let old = &base[e.start..e.end];
        if e.deleted_first {
            push(
                &mut flat,
                &mut truth,
                old,
                MarkKind::Deleted,
                Some(e.category),
            );
            push(
                &mut flat,
                &mut truth,
                &e.new,
                MarkKind::Inserted,
                Some(e.category),
            );
        } else {
            push(
                &mut flat,
                &mut truth,
                &e.new,
                MarkKind::Inserted,
                Some(e.category),
            );
            push(
                &mut flat,
                &mut truth,
                old,
                MarkKind::Deleted,
                Some(e.category),
            );
        }
        new.push_str(&e.new);
        at = e.end;
    }
    push(&mut flat, &mut truth, &base[at..], MarkKind::Kept, None);
    new.push_str(&base[at..]);
    Case {
        base: base.to_string(),
        new,
        flat,
        truth,
        edits: count,
    }
}

/// Synthetic resolution-like text of about `words` words (for benchmarks): sections,
/// lettered and numbered items, citations with meeting stamps, Zipf-like vocabulary.
pub fn synthetic_base(words: usize, rng: &mut Rng) -> String {
    const SYLLABLES: &[&str] = &[
        "ta", "re", "mi", "con", "stan", "dar", "ti", "on", "de", "vel", "op", "ment", "in", "for",
        "ma", "tel", "e", "com", "mu", "ni", "ca", "pro", "gram", "se", "cu", "ri", "ty",
    ];
    let vocabulary: Vec<String> = (0..6000)
        .map(|_| {
            let n = 2 + rng.below(3);
            (0..n).map(|_| *rng.pick(SYLLABLES)).collect()
        })
        .collect();
    let common = [
        "the", "of", "and", "to", "in", "that", "for", "on", "with", "by",
    ];
    let mut out = String::new();
    let mut count = 0;
    let mut resolution = 1;
    while count < words {
        out.push_str(&format!(
            "RESOLUTION {resolution} (Rev. {})\n",
            *rng.pick(STAMPS)
        ));
        resolution += 1;
        for heading in [
            "considering",
            "recognizing",
            "noting",
            "resolves",
            "instructs the Director",
        ] {
            out.push_str(heading);
            out.push('\n');
            let items = 3 + rng.below(6);
            for k in 1..=items {
                if heading.starts_with("res") || heading.starts_with("ins") {
                    out.push_str(&format!("{k}\t"));
                } else {
                    out.push_str(&format!("{})\t", to_alpha(k as u32)));
                }
                let n = 15 + rng.below(40);
                for w in 0..n {
                    if w > 0 {
                        out.push(' ');
                    }
                    if rng.chance(35) {
                        let word = common[rng.below(common.len())];
                        out.push_str(word);
                    } else {
                        // Zipf-like: low indices far more often.
                        let r = rng.below(vocabulary.len());
                        let idx = r * rng.below(vocabulary.len()) / vocabulary.len();
                        out.push_str(&vocabulary[idx]);
                    }
                    if rng.chance(4) {
                        out.push_str(&format!(" (Rev. {})", rng.pick(STAMPS)));
                        count += 3;
                    }
                }
                count += n;
                out.push_str(";\n");
            }
        }
    }
    out
}

/// Token-level counts of one recovery against the truth.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    pub ins_tp: usize,
    pub ins_fp: usize,
    pub ins_fn: usize,
    pub rep_tp: usize,
    /// Tokens marked deleted that are kept or inserted text.
    pub del_fp: usize,
    pub rep_fn: usize,
    pub inside_del: usize,
    pub inside_del_found: usize,
    pub pure_del: usize,
    pub pure_del_found: usize,
    pub undecided: usize,
    pub tokens: usize,
    /// By text, line by line (see [`score`]): (tp, fp, fn) of insertions and of the
    /// deleted side of replacements.
    pub text_ins: (usize, usize, usize),
    pub text_rep: (usize, usize, usize),
    /// Deleted tokens per category (in the order of [`CATEGORIES`]) and those found.
    pub deleted: [usize; 11],
    pub deleted_found: [usize; 11],
}

/// The categories, in the order of [`Counts::deleted`].
pub const CATEGORIES: [Category; 11] = [
    Category::Word,
    Category::Phrase,
    Category::Stamp,
    Category::Number,
    Category::Citation,
    Category::Label,
    Category::InsideWord,
    Category::Insertion,
    Category::Deletion,
    Category::ItemInsertion,
    Category::ItemDeletion,
];

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.ins_tp += o.ins_tp;
        self.ins_fp += o.ins_fp;
        self.ins_fn += o.ins_fn;
        self.rep_tp += o.rep_tp;
        self.del_fp += o.del_fp;
        self.rep_fn += o.rep_fn;
        self.inside_del += o.inside_del;
        self.inside_del_found += o.inside_del_found;
        self.pure_del += o.pure_del;
        self.pure_del_found += o.pure_del_found;
        self.undecided += o.undecided;
        self.tokens += o.tokens;
        self.text_ins.0 += o.text_ins.0;
        self.text_ins.1 += o.text_ins.1;
        self.text_ins.2 += o.text_ins.2;
        self.text_rep.0 += o.text_rep.0;
        self.text_rep.1 += o.text_rep.1;
        self.text_rep.2 += o.text_rep.2;
        for k in 0..11 {
            self.deleted[k] += o.deleted[k];
            self.deleted_found[k] += o.deleted_found[k];
        }
    }

    /// Insertion F1 by text (equal placements of equal tokens are the same).
    pub fn insertion_f1(&self) -> f64 {
        f1(self.text_ins.0, self.text_ins.1, self.text_ins.2)
    }

    /// Replacement F1 by text: the deleted side of replacement edits.
    pub fn replacement_f1(&self) -> f64 {
        f1(self.text_rep.0, self.text_rep.1, self.text_rep.2)
    }

    /// Insertion F1 by position: every token must carry its generated mark.
    pub fn insertion_f1_strict(&self) -> f64 {
        f1(self.ins_tp, self.ins_fp, self.ins_fn)
    }

    /// Replacement F1 by position.
    pub fn replacement_f1_strict(&self) -> f64 {
        f1(self.rep_tp, self.del_fp, self.rep_fn)
    }
}

fn f1(tp: usize, fp: usize, fn_: usize) -> f64 {
    if tp + fp + fn_ == 0 {
        return 1.0;
    }
    2.0 * tp as f64 / (2 * tp + fp + fn_) as f64
}

/// Scores a recovery with the base only. By position, every token of the flattened text
/// (cut where the truth changes, whitespace left out) is compared with its recovered
/// mark; by text, line by line, the inserted (deleted) tokens recovered are matched in
/// order with those generated, so that equal placements of equal text (an insertion
/// before or after an equal word: `the the`, `iiiii)`) are not counted as errors.
pub fn score(case: &Case, recovery: &Recovery) -> Counts {
    let mut predicted = vec![MarkKind::Kept; case.flat.len()];
    for m in &recovery.marks {
        predicted[m.start..m.end].fill(m.kind);
    }
    let mut c = Counts::default();
    let bytes = case.flat.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c0 = case.flat[i..].chars().next().unwrap_or(' ');
        if c0.is_whitespace() {
            i += c0.len_utf8();
            continue;
        }
        // A token: a run of alphanumerics, or one other character, of one truth.
        let t = case.truth[i];
        let mut j = i + c0.len_utf8();
        if c0.is_alphanumeric() {
            while j < bytes.len() {
                let d = case.flat[j..].chars().next().unwrap_or(' ');
                if !d.is_alphanumeric() || case.truth[j] != t {
                    break;
                }
                j += d.len_utf8();
            }
        }
        let mut votes = [0usize; 4];
        for p in &predicted[i..j] {
            votes[*p as usize] += 1;
        }
        let p = [
            MarkKind::Kept,
            MarkKind::Inserted,
            MarkKind::Deleted,
            MarkKind::Undecided,
        ][(0..4).max_by_key(|&k| (votes[k], k == 0)).unwrap_or(0)];
        c.tokens += 1;
        if p == MarkKind::Undecided {
            c.undecided += 1;
        }
        match (t.kind, p) {
            (MarkKind::Inserted, MarkKind::Inserted) => c.ins_tp += 1,
            (_, MarkKind::Inserted) => c.ins_fp += 1,
            (MarkKind::Inserted, _) => c.ins_fn += 1,
            _ => {}
        }
        if t.kind == MarkKind::Deleted {
            let cat = t.category.unwrap_or(Category::Deletion);
            let found = p == MarkKind::Deleted;
            let k = CATEGORIES.iter().position(|&x| x == cat).unwrap_or(8);
            c.deleted[k] += 1;
            c.deleted_found[k] += usize::from(found);
            if cat.is_replacement() {
                if found {
                    c.rep_tp += 1;
                } else {
                    c.rep_fn += 1;
                }
            } else if cat == Category::InsideWord {
                c.inside_del += 1;
                c.inside_del_found += usize::from(found);
            } else {
                c.pure_del += 1;
                c.pure_del_found += usize::from(found);
            }
        } else if p == MarkKind::Deleted {
            c.del_fp += 1;
        }
        i = j;
    }
    text_scores(case, &predicted, &mut c);
    c
}

/// The F1 counts by text, line by line: a line whose recovered old and new texts are
/// the generated ones is right whatever the places of equal tokens (an insertion before
/// or after an equal word: `the the`, `iiiii)`); in other lines the inserted (deleted)
/// tokens recovered are matched in order against those generated.
fn text_scores(case: &Case, predicted: &[MarkKind], c: &mut Counts) {
    let f = &case.flat;
    let mut ins = (0, 0, 0);
    let mut rep = (0, 0, 0);
    for (ls, le) in crate::evidence::line_ranges(f) {
        let pick = |keep: &dyn Fn(usize) -> bool| -> Vec<String> {
            let mut text = String::new();
            let mut last = false;
            for (i, ch) in f[ls..le].char_indices() {
                let k = keep(ls + i);
                if k {
                    text.push(ch);
                } else if last {
                    text.push(' ');
                }
                last = k;
            }
            word_tokens(&text)
        };
        let t_ins = pick(&|i| case.truth[i].kind == MarkKind::Inserted);
        let t_rep = pick(&|i| {
            case.truth[i].kind == MarkKind::Deleted
                && case.truth[i].category.is_some_and(Category::is_replacement)
        });
        // The same old and new text: the marks differ at most in where equal text sits.
        let view = |keep: &dyn Fn(usize) -> bool| -> String {
            f[ls..le]
                .char_indices()
                .filter(|&(i, ch)| keep(ls + i) && !ch.is_whitespace())
                .map(|(_, ch)| ch)
                .collect()
        };
        // Insertions are right when F without them is the base's line, deletions when
        // the new line is right too.
        let old_same = view(&|i| case.truth[i].kind != MarkKind::Inserted)
            == view(&|i| predicted[i] != MarkKind::Inserted);
        let new_same = view(&|i| case.truth[i].kind != MarkKind::Deleted)
            == view(&|i| predicted[i] != MarkKind::Deleted);
        if old_same {
            ins.0 += t_ins.len();
        } else {
            let p_ins = pick(&|i| predicted[i] == MarkKind::Inserted);
            let common = lcs(&t_ins, &p_ins);
            ins.0 += common;
            ins.1 += p_ins.len() - common;
            ins.2 += t_ins.len() - common;
        }
        if old_same && new_same {
            rep.0 += t_rep.len();
            continue;
        }
        let t_del = pick(&|i| case.truth[i].kind == MarkKind::Deleted);
        let p_del = pick(&|i| predicted[i] == MarkKind::Deleted);
        let found = lcs(&t_rep, &p_del);
        rep.0 += found;
        rep.2 += t_rep.len() - found;
        rep.1 += p_del.len() - lcs(&t_del, &p_del);
    }
    c.text_ins = ins;
    c.text_rep = rep;
}

fn word_tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for ch in text.chars() {
        if ch.is_alphanumeric() {
            word.push(ch);
            continue;
        }
        if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        if !ch.is_whitespace() {
            out.push(ch.to_string());
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// The length of the longest common subsequence.
fn lcs(a: &[String], b: &[String]) -> usize {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diag = 0;
        for (j, y) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if x == y { diag + 1 } else { up.max(row[j]) };
            diag = up;
        }
    }
    row[b.len()]
}

/// Whether the recovery with base and new text is exact: accepting the document gives
/// the new text and rejecting it the base.
pub fn exact(case: &Case, recovery: &Recovery) -> Result<(), String> {
    let accepted = amend_text::write_text(&recovery.document, Some(View::Accepted));
    let rejected = amend_text::write_text(&recovery.document, Some(View::Rejected));
    if let Some(d) = amend_model::textcmp::first_difference(&accepted, &case.new) {
        return Err(format!("accept ≠ new: {d}"));
    }
    if !texts_equal(&rejected, &case.base) {
        let d = amend_model::textcmp::first_difference(&rejected, &case.base).unwrap_or_default();
        return Err(format!("reject ≠ base: {d}"));
    }
    Ok(())
}

/// Whether the marks spell the three texts to the byte: the written text (every mark
/// in order) is the flattened text, accepting them gives the new text and rejecting them
/// the base. Stricter than [`exact`], which compares the documents' texts under
/// [`texts_equal`] (spacing and leading labels normalized).
pub fn spelled_exactly(case: &Case, recovery: &Recovery) -> Result<(), String> {
    let mut written = String::with_capacity(case.flat.len());
    for m in &recovery.marks {
        written.push_str(&recovery.text[m.start..m.end]);
    }
    let views = [
        ("written", written, &case.flat),
        ("accepted", recovery.view_text(true), &case.new),
        ("rejected", recovery.view_text(false), &case.base),
    ];
    for (name, got, want) in &views {
        if got != *want {
            let at = got
                .bytes()
                .zip(want.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            let from = at.saturating_sub(40);
            let show = |t: &str| {
                let mut a = from.min(t.len());
                while !t.is_char_boundary(a) {
                    a -= 1;
                }
                let mut b = (at + 40).min(t.len());
                while !t.is_char_boundary(b) {
                    b += 1;
                }
                t[a..b].replace('\n', "¶")
            };
            return Err(format!(
                "{name} text differs at byte {at}:\n  got:  {}\n  want: {}",
                show(got),
                show(want)
            ));
        }
    }
    Ok(())
}

/// The figures of an evaluation run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub cases: usize,
    pub edits: usize,
    pub counts: Counts,
    pub exact: usize,
    /// Cases whose marks spell the flattened text, the new text and the base to the byte.
    pub spelled: usize,
    pub failures: Vec<String>,
}

impl Report {
    pub fn exact_rate(&self) -> f64 {
        if self.cases == 0 {
            1.0
        } else {
            self.exact as f64 / self.cases as f64
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.counts;
        let pct = |a: usize, b: usize| {
            if b == 0 {
                100.0
            } else {
                100.0 * a as f64 / b as f64
            }
        };
        writeln!(
            f,
            "cases: {} ({} edits, {} tokens)",
            self.cases, self.edits, c.tokens
        )?;
        writeln!(
            f,
            "insertion F1 (base only):   {:.4} by text (tp {}, fp {}, fn {}); {:.4} by position",
            c.insertion_f1(),
            c.text_ins.0,
            c.text_ins.1,
            c.text_ins.2,
            c.insertion_f1_strict()
        )?;
        writeln!(
            f,
            "replacement F1 (base only): {:.4} by text (tp {}, fp {}, fn {}); {:.4} by position",
            c.replacement_f1(),
            c.text_rep.0,
            c.text_rep.1,
            c.text_rep.2,
            c.replacement_f1_strict()
        )?;
        let per: Vec<String> = CATEGORIES
            .iter()
            .enumerate()
            .filter(|&(k, _)| c.deleted[k] > 0)
            .map(|(k, cat)| format!("{cat:?} {}/{}", c.deleted_found[k], c.deleted[k]))
            .collect();
        writeln!(
            f,
            "deleted tokens found per edit kind (base only): {}",
            per.join(", ")
        )?;
        writeln!(
            f,
            "deletions inside words found (base only): {:.1}% of {} tokens",
            pct(c.inside_del_found, c.inside_del),
            c.inside_del
        )?;
        writeln!(
            f,
            "pure deletions found (base only): {:.1}% of {} tokens (structure evidence only)",
            pct(c.pure_del_found, c.pure_del),
            c.pure_del
        )?;
        writeln!(
            f,
            "undecided tokens (base only): {:.2}%",
            pct(c.undecided, c.tokens)
        )?;
        write!(
            f,
            "exact recovery (base and new): {}/{} = {:.2}%",
            self.exact,
            self.cases,
            100.0 * self.exact_rate()
        )?;
        write!(
            f,
            "\nmarks spell F, new and base to the byte (base and new): {}/{}",
            self.spelled, self.cases
        )
    }
}

/// Runs `cases` generated cases over the given bases (cycling), with both modes.
pub fn evaluate(bases: &[&str], cases: usize, seed: u64) -> Report {
    let mut report = Report::default();
    for n in 0..cases {
        let case = case(bases, n, seed);
        let with_base = unflatten(&case.flat, Some(&case.base), None, &Options::default());
        report.counts.add(&score(&case, &with_base));
        let both = unflatten(
            &case.flat,
            Some(&case.base),
            Some(&case.new),
            &Options::default(),
        );
        match exact(&case, &both) {
            Ok(()) => report.exact += 1,
            Err(e) => {
                if report.failures.len() < 20 {
                    report.failures.push(format!("case {n}: {e}"));
                }
            }
        }
        match spelled_exactly(&case, &both) {
            Ok(()) => report.spelled += 1,
            Err(e) => {
                if report.failures.len() < 20 {
                    report.failures.push(format!("case {n} (marks): {e}"));
                }
            }
        }
        report.cases += 1;
        report.edits += case.edits;
    }
    report
}

/// Case `n` of an evaluation with `seed`: an excerpt of a base, edited and flattened.
pub fn case(bases: &[&str], n: usize, seed: u64) -> Case {
    let mut rng = Rng::new(
        seed ^ (n as u64)
            .wrapping_mul(0x0000_0100_0000_01B3)
            .wrapping_add(n as u64),
    );
    let base = bases[n % bases.len()];
    let excerpt = excerpt(base, &mut rng);
    generate(&excerpt, &mut rng, 12)
}

/// A random run of 40 to 120 lines of `base` (the whole text when shorter).
fn excerpt(base: &str, rng: &mut Rng) -> String {
    let lines: Vec<&str> = base.lines().collect();
    if lines.len() <= 120 {
        return base.to_string();
    }
    let len = 40 + rng.below(80);
    let start = rng.below(lines.len() - len);
    let mut out = lines[start..start + len].join("\n");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattening_keeps_both_texts() {
        let base = "considering\na)\tthe relevant outcomes of WTDC-10 (Rev. Dubai, 2012);\nb)\tthat the outcomes;\nc)\tthe end;\nd)\tthe last;\n";
        let mut rng = Rng::new(7);
        for _ in 0..30 {
            let case = generate(base, &mut rng, 100);
            let old: String = case
                .flat
                .char_indices()
                .filter(|&(i, _)| case.truth[i].kind != MarkKind::Inserted)
                .map(|(_, c)| c)
                .collect();
            let new: String = case
                .flat
                .char_indices()
                .filter(|&(i, _)| case.truth[i].kind != MarkKind::Deleted)
                .map(|(_, c)| c)
                .collect();
            assert_eq!(old, case.base);
            assert_eq!(new, case.new);
        }
    }
}
