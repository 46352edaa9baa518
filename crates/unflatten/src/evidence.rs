//! Recovery against one other text: the base (text of F not in B is inserted, exactly;
//! deletions are decided by evidence) or the new text (text of F not in P is deleted,
//! exactly; insertions are decided by the same evidence, mirrored).

use std::sync::LazyLock;

use amend_model::{EvidenceKind, Finding, SourceSpan};
use regex::Regex;

use crate::align::align;
use crate::labels::{Seq, label_at, leading_label};
use crate::token::Interner;
use crate::{Cell, Extra, MarkKind};

pub(crate) struct Outcome {
    pub cells: Vec<Cell>,
    pub extras: Vec<Extra>,
    pub findings: Vec<Finding>,
}

static STAMP_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:[A-Z][\p{L}'’\-]*(?:(?:[ \u{a0}\-](?:el|al|de|la|es|du|da|do|di))*[ \u{a0}\-][A-Z][\p{L}'’\-]*)*,?[ \u{a0}]*)?(?:19|20)\d\d$")
        .expect("stamp pattern")
});
static STAMP_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ \u{a0}\t]*(?:Rev\.[ \u{a0}]*)?((?:[A-Z][\p{L}'’\-]*(?:(?:[ \u{a0}\-](?:el|al|de|la|es|du|da|do|di))*[ \u{a0}\-][A-Z][\p{L}'’\-]*)*,?[ \u{a0}]*)?)(?:19|20)\d\d")
        .expect("stamp pattern")
});

/// Endings that make a glued insertion part of the word before it (`inform` + `s`).
const SUFFIXES: &[&str] = &[
    "s", "es", "ed", "d", "ing", "ly", "al", "ally", "er", "ers", "or", "ors", "ion", "ions",
    "ation", "ations", "ization", "izations", "ment", "ments", "ness", "ity", "ities", "ive",
    "ives", "ous", "ic", "ical", "ional", "ship", "ships", "ise", "ize", "ised", "ized",
];
/// Beginnings that make a glued insertion part of the word after it (`re` + `organize`).
const PREFIXES: &[&str] = &[
    "re", "un", "non", "co", "inter", "intra", "sub", "pre", "post", "multi", "de", "dis", "in",
    "im", "over", "under", "cross", "trans", "anti", "self",
];

pub(crate) fn with_base(f: &str, b: &str) -> Outcome {
    side(f, b, false)
}

pub(crate) fn with_new(f: &str, p: &str) -> Outcome {
    side(f, p, true)
}

/// The state of a one-sided recovery.
pub(crate) struct Ctx<'a> {
    pub f: &'a str,
    /// Per byte: found in the other text.
    pub found: Vec<bool>,
    pub cells: Vec<Cell>,
    /// The mark for found text judged changed: deleted (with B) or inserted (with P).
    pub counter: MarkKind,
    /// Bytes already decided by a label rule.
    pub handled: Vec<bool>,
    /// The mark and evidence of text not found in the other text.
    pub foreign: MarkKind,
    pub exact_kind: EvidenceKind,
    pub findings: Vec<Finding>,
    /// Byte ranges of found text that a rule marked other than kept (in the order the
    /// rules ran): the structure rule asks whether a line is untouched without reading
    /// every cell of the text again.
    pub marked: Vec<(usize, usize)>,
}

fn side(f: &str, x: &str, new_mode: bool) -> Outcome {
    let mut interner = Interner::default();
    // The map from F to X is not needed past the alignment: dropped at once.
    let crate::align::Alignment {
        matched, missing, ..
    } = align(f, x, &mut interner, false);
    let (foreign, counter, exact_kind) = if new_mode {
        (MarkKind::Deleted, MarkKind::Inserted, EvidenceKind::NewText)
    } else {
        (
            MarkKind::Inserted,
            MarkKind::Deleted,
            EvidenceKind::BaseAlignment,
        )
    };
    let cells = matched
        .iter()
        .map(|&m| {
            if m {
                Cell::KEPT
            } else {
                Cell::new(foreign, exact_kind, 100)
            }
        })
        .collect();
    let mut extras = Vec::new();
    for m in &missing {
        let text = &x[m.x_start..m.x_end];
        if text.trim().is_empty() {
            continue;
        }
        let hyphens = text
            .chars()
            .all(|c| matches!(c, '-' | '\u{2011}' | '\u{ad}'));
        extras.push(Extra {
            at: m.at,
            text: text.to_string(),
            kind: if hyphens { MarkKind::Kept } else { counter },
            evidence: amend_model::Evidence {
                kind: exact_kind,
                confidence: if hyphens { 100 } else { 90 },
            },
            normalization: hyphens,
        });
    }
    let mut ctx = Ctx {
        f,
        found: matched,
        cells,
        counter,
        handled: vec![false; f.len()],
        foreign,
        exact_kind,
        findings: Vec::new(),
        marked: Vec::new(),
    };
    let lines = line_ranges(f);
    labels(&mut ctx, &lines);
    junctions(&mut ctx);
    if !new_mode {
        crate::structure::structure(&mut ctx, &lines);
    }
    Outcome {
        cells: ctx.cells,
        extras,
        findings: ctx.findings,
    }
}

impl Ctx<'_> {
    fn set(
        &mut self,
        start: usize,
        end: usize,
        mark: MarkKind,
        evidence: EvidenceKind,
        confidence: u8,
        detail: u8,
    ) {
        let mut run: Option<usize> = None;
        for i in start..end {
            if self.found[i] && self.cells[i].mark == MarkKind::Kept {
                self.cells[i] = Cell {
                    mark,
                    evidence,
                    confidence,
                    detail,
                };
                run.get_or_insert(i);
            } else if let Some(from) = run.take() {
                self.marked.push((from, i));
            }
        }
        if let Some(from) = run {
            self.marked.push((from, end));
        }
    }

    fn counter(
        &mut self,
        start: usize,
        end: usize,
        evidence: EvidenceKind,
        confidence: u8,
        detail: u8,
    ) {
        self.set(start, end, self.counter, evidence, confidence, detail);
    }

    fn undecided(&mut self, start: usize, end: usize, detail: u8) {
        self.set(
            start,
            end,
            MarkKind::Undecided,
            EvidenceKind::Undecided,
            50,
            detail,
        );
    }

    fn all_found(&self, start: usize, end: usize) -> bool {
        (start..end).all(|i| self.found[i])
    }

    fn none_found(&self, start: usize, end: usize) -> bool {
        (start..end).all(|i| !self.found[i])
    }
}

/// Lines of `f` as byte ranges without their line end.
pub(crate) fn line_ranges(f: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(f.len() / 64 + 1);
    let mut start = 0;
    for (i, _) in f.match_indices('\n') {
        let end = if i > start && f.as_bytes()[i - 1] == b'\r' {
            i - 1
        } else {
            i
        };
        out.push((start, end));
        start = i + 1;
    }
    if start < f.len() {
        out.push((start, f.len()));
    }
    out
}

/// Labels that hold both found and foreign letters (`bd)`, `vi)` for `v)`), and two
/// labels in a row (`b) a)`).
fn labels(ctx: &mut Ctx<'_>, lines: &[(usize, usize)]) {
    let f = ctx.f;
    let mut seq = Seq::default();
    for &(ls, le) in lines {
        let line = &f[ls..le];
        let Some(label) = leading_label(line) else {
            if !line.trim().is_empty() {
                seq.reset();
            }
            continue;
        };
        if label.suffixed {
            continue;
        }
        let cs = ls + label.core_start;
        let ce = ls + label.core_end;
        // Two labels in a row.
        if let Some(second) = label_at(line, label.sep_end).filter(|_| label.sep_end > label.end) {
            let (s2, e2) = (ls + second.start, ls + second.end);
            let first_new = ctx.none_found(ls + label.start, ls + label.end);
            let second_new = ctx.none_found(s2, e2);
            let first_old = ctx.all_found(ls + label.start, ls + label.end);
            let second_old = ctx.all_found(s2, e2);
            if first_new && second_old {
                let e = ls + second.sep_end;
                ctx.counter(
                    ls + second.start,
                    e,
                    EvidenceKind::ReplacementPattern,
                    85,
                    4,
                );
                ctx.handled[ls..e].fill(true);
                seq.push(&line[label.core_start..label.core_end]);
                continue;
            }
            if first_old && second_new {
                ctx.counter(
                    ls + label.start,
                    ls + label.sep_end,
                    EvidenceKind::ReplacementPattern,
                    85,
                    4,
                );
                ctx.handled[ls..ls + second.sep_end].fill(true);
                seq.push(&line[second.core_start..second.core_end]);
                continue;
            }
        }
        let core = &f[cs..ce];
        let any_found = (cs..ce).any(|i| ctx.found[i]);
        let any_foreign = (cs..ce).any(|i| !ctx.found[i]);
        if !(any_found && any_foreign) {
            seq.push(core);
            continue;
        }
        ctx.handled[cs..ce].fill(true);
        // The base's label is the found letters: it was deleted before or after the new
        // one, or the new letters were added to it.
        let found_text: String = core
            .char_indices()
            .filter(|&(i, _)| ctx.found[cs + i])
            .map(|(_, c)| c)
            .collect();
        let k = found_text.len();
        let mut options: Vec<(u8, usize, usize)> = Vec::new();
        if core.starts_with(found_text.as_str()) {
            options.push((seq.score(&core[k..]), cs, cs + k));
        }
        if core.ends_with(found_text.as_str()) {
            options.push((seq.score(&core[..core.len() - k]), ce - k, ce));
        }
        let whole = seq.score(core);
        let best = options
            .iter()
            .copied()
            .max_by_key(|o| (o.0, std::cmp::Reverse(o.1)));
        match best {
            Some((score, ds, de)) if score > whole => {
                let confidence = if score == 2 { 90 } else { 70 };
                let foreign = ctx.foreign;
                ctx.marked.push((ds, de));
                for i in cs..ce {
                    let deleted = i >= ds && i < de;
                    ctx.found[i] = deleted;
                    ctx.cells[i] = if deleted {
                        Cell {
                            mark: ctx.counter,
                            evidence: EvidenceKind::ReplacementPattern,
                            confidence,
                            detail: 4,
                        }
                    } else {
                        Cell::new(foreign, ctx.exact_kind, 100)
                    };
                }
                let accepted: String = core
                    .char_indices()
                    .filter(|&(i, _)| !(cs + i >= ds && cs + i < de))
                    .map(|(_, c)| c)
                    .collect();
                seq.push(&accepted);
            }
            Some((score, _, _)) if score == whole && whole > 0 => {
                ctx.undecided(cs, ce, 7);
                seq.push(core);
            }
            _ => seq.push(core),
        }
    }
}

/// Where foreign text meets found text: stamps, numbers and words glued or side by side.
fn junctions(ctx: &mut Ctx<'_>) {
    let f = ctx.f;
    let n = f.len();
    let mut s = 0;
    while s < n {
        if ctx.found[s] {
            s += 1;
            continue;
        }
        let mut e = s;
        while e < n && !ctx.found[e] {
            e += 1;
        }
        if !ctx.handled[s..e].iter().any(|&h| h) {
            let mut ls = s;
            while ls > 0
                && ctx.found[ls - 1]
                && f.as_bytes()[ls - 1] != b'\n'
                && !ctx.handled[ls - 1]
            {
                ls -= 1;
            }
            let mut re = e;
            while re < n && ctx.found[re] && f.as_bytes()[re] != b'\n' && !ctx.handled[re] {
                re += 1;
            }
            let done = ls < s && left(ctx, ls, s, e);
            if !done && e < re {
                right(ctx, s, e, re);
            }
            doubled(ctx, s, e);
        }
        s = e;
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphabetic()
}

/// Words of `text` until a stop character, at most `limit`.
fn count_words(text: &str, limit: usize) -> usize {
    let mut count = 0;
    let mut in_word = false;
    for c in text.chars() {
        if matches!(c, '.' | ';' | ':' | '(' | ')' | '\n') && count > 0 {
            break;
        }
        let w = c.is_alphanumeric();
        if w && !in_word {
            count += 1;
        }
        in_word = w;
    }
    count.clamp(1, limit)
}

/// The case shape of a word: 0 lower, 1 capitalized, 2 upper, 3 mixed.
fn shape(word: &str) -> u8 {
    let mut chars = word.chars();
    let first_upper = chars.next().is_some_and(char::is_uppercase);
    let rest: Vec<char> = chars.collect();
    if !first_upper && word.chars().all(|c| !c.is_uppercase()) {
        0
    } else if first_upper && rest.iter().all(|c| !c.is_uppercase()) {
        1
    } else if word.chars().all(|c| !c.is_lowercase()) {
        2
    } else {
        3
    }
}

/// How far `first` glued to `second` reads as an old word beside a new one: `None`
/// for a suspect join, else the confidence to take off. A lower-case word glued to an
/// upper-case or mixed-case one (`issuesCWG`, `withITU`) is suspect: names and
/// acronyms are what extractors and authors glue to the word before. A lower-case
/// word glued to a capitalized one (`andStates`) reads as a replacement, less surely;
/// the other way round (`WSISits`, `Statescalled`) no word or name reads so, and words
/// of one case read as replaced text side by side.
fn junction_doubt(first: &str, second: &str) -> Option<u8> {
    match (shape(first), shape(second)) {
        (0, 2 | 3) => None,
        (0, 1) => Some(15),
        _ => Some(0),
    }
}

/// Found text `ls..s` right before foreign text `s..e`.
fn left(ctx: &mut Ctx<'_>, ls: usize, s: usize, e: usize) -> bool {
    let f = ctx.f;
    let m = &f[ls..s];
    let i = &f[s..e];
    if let Some(caps) = STAMP_START.captures(i) {
        let whole = caps.get(0).map_or(0, |c| c.end());
        let year_ok = !i[whole..].starts_with(|c: char| c.is_ascii_digit());
        let glued = !i.starts_with(char::is_whitespace);
        let has_place = caps.get(1).is_some_and(|p| !p.as_str().trim().is_empty());
        if year_ok && let Some(mm) = STAMP_END.find(m) {
            let start = if has_place { ls + mm.start() } else { s - 4 };
            ctx.counter(
                start,
                s,
                EvidenceKind::ReplacementPattern,
                if glued { 90 } else { 85 },
                1,
            );
            return true;
        }
    }
    let m_last = m.chars().next_back().unwrap_or(' ');
    let i_first = i.chars().next().unwrap_or(' ');
    if m_last.is_ascii_digit() && i_first.is_ascii_digit() {
        let md = m.len() - m.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let id = i.len() - i.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if md == m.len() && ls > 0 {
            return false;
        }
        ctx.counter(
            s - md,
            s,
            EvidenceKind::ReplacementPattern,
            if md == id { 85 } else { 70 },
            2,
        );
        return true;
    }
    if is_word_char(m_last) && is_word_char(i_first) {
        let m_word_len = m.len() - m.trim_end_matches(is_word_char).len();
        if m_word_len == m.len() && ls > 0 && f[..ls].ends_with(is_word_char) {
            return false;
        }
        let m_word = &m[m.len() - m_word_len..];
        let i_word_len = i.len() - i.trim_start_matches(is_word_char).len();
        let i_word = &i[..i_word_len];
        let complete = i_word_len < i.len() || !f[e..].starts_with(is_word_char);
        if !complete {
            return false;
        }
        if i_word.chars().all(char::is_lowercase) && SUFFIXES.contains(&i_word) {
            return false;
        }
        let doubt = junction_doubt(m_word, i_word);
        let Some(doubt) =
            doubt.filter(|_| m_word.chars().count() >= 2 && i_word.chars().count() >= 2)
        else {
            ctx.undecided(s - m_word_len, s, 6);
            return true;
        };
        let words = count_words(i, 8);
        let start = words_back(f, ls, s, words);
        ctx.counter(
            start,
            s,
            EvidenceKind::ReplacementPattern,
            if words == 1 { 75 } else { 60 } - doubt,
            3,
        );
        return true;
    }
    false
}

/// Foreign text `s..e` right before found text `e..re`.
fn right(ctx: &mut Ctx<'_>, s: usize, e: usize, re: usize) -> bool {
    let f = ctx.f;
    let m = &f[e..re];
    let i = &f[s..e];
    if STAMP_END.is_match(i)
        && let Some(caps) = STAMP_START.captures(m)
    {
        let whole = caps.get(0).map_or(0, |c| c.end());
        if !m[whole..].starts_with(|c: char| c.is_ascii_digit()) {
            let glued = !m.starts_with(char::is_whitespace);
            ctx.counter(
                e,
                e + whole,
                EvidenceKind::ReplacementPattern,
                if glued { 90 } else { 85 },
                1,
            );
            return true;
        }
    }
    let i_last = i.chars().next_back().unwrap_or(' ');
    let m_first = m.chars().next().unwrap_or(' ');
    if i_last.is_ascii_digit() && m_first.is_ascii_digit() {
        let md = m.len() - m.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let id = i.len() - i.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if md == m.len() && re < f.len() && f[re..].starts_with(|c: char| c.is_ascii_digit()) {
            return false;
        }
        ctx.counter(
            e,
            e + md,
            EvidenceKind::ReplacementPattern,
            if md == id { 85 } else { 70 },
            2,
        );
        return true;
    }
    if is_word_char(i_last) && is_word_char(m_first) {
        let i_word_len = i.len() - i.trim_end_matches(is_word_char).len();
        let i_word = &i[i.len() - i_word_len..];
        let complete = i_word_len < i.len() || !f[..s].ends_with(is_word_char);
        if !complete {
            return false;
        }
        if i_word.chars().all(char::is_lowercase) && PREFIXES.contains(&i_word) {
            return false;
        }
        let m_word_len = m.len() - m.trim_start_matches(is_word_char).len();
        if m_word_len == m.len() && re < f.len() && f[re..].starts_with(is_word_char) {
            return false;
        }
        let m_word = &m[..m_word_len];
        let doubt = junction_doubt(i_word, m_word);
        let Some(doubt) =
            doubt.filter(|_| m_word.chars().count() >= 2 && i_word.chars().count() >= 2)
        else {
            ctx.undecided(e, e + m_word_len, 6);
            return true;
        };
        let words = count_words_back(i, 8);
        let end = words_forward(f, e, re, words);
        ctx.counter(
            e,
            end,
            EvidenceKind::ReplacementPattern,
            if words == 1 { 75 } else { 60 } - doubt,
            3,
        );
        return true;
    }
    false
}

fn count_words_back(text: &str, limit: usize) -> usize {
    let reversed: String = text.chars().rev().collect();
    count_words(&reversed, limit)
}

/// The start of the `words`-th word before `s`, not before `ls` nor across a stop.
fn words_back(f: &str, ls: usize, s: usize, words: usize) -> usize {
    let bytes = f.as_bytes();
    let mut p = s;
    let mut start = s;
    for k in 0..words {
        while p > ls && (bytes[p - 1] as char).is_ascii_alphanumeric()
            || p > ls && !bytes[p - 1].is_ascii() && f[..p].ends_with(char::is_alphanumeric)
        {
            p -= f[..p].chars().next_back().map_or(1, char::len_utf8);
        }
        start = p;
        if k + 1 == words {
            break;
        }
        let mut q = p;
        while q > ls && matches!(bytes[q - 1], b' ' | b',' | b'-' | b'\'' | b'\t') {
            q -= 1;
        }
        if q == p || q == ls || !f[..q].ends_with(char::is_alphanumeric) {
            break;
        }
        p = q;
    }
    start
}

/// The end of the `words`-th word after `e`, not after `re` nor across a stop.
fn words_forward(f: &str, e: usize, re: usize, words: usize) -> usize {
    let bytes = f.as_bytes();
    let mut p = e;
    let mut end = e;
    for k in 0..words {
        while p < re && f[p..].starts_with(char::is_alphanumeric) {
            p += f[p..].chars().next().map_or(1, char::len_utf8);
        }
        end = p;
        if k + 1 == words {
            break;
        }
        let mut q = p;
        while q < re && matches!(bytes[q], b' ' | b',' | b'-' | b'\'' | b'\t') {
            q += 1;
        }
        if q == p || q == re || !f[q..].starts_with(char::is_alphanumeric) {
            break;
        }
        p = q;
    }
    end
}

/// An insertion made of the same text twice (`Busan, 2014Busan, 2014`).
fn doubled(ctx: &mut Ctx<'_>, s: usize, e: usize) {
    let text = &ctx.f[s..e];
    let trimmed = text.trim();
    let len = trimmed.len();
    if len >= 8
        && len.is_multiple_of(2)
        && trimmed.is_char_boundary(len / 2)
        && trimmed[..len / 2] == trimmed[len / 2..]
    {
        let offset = s + (text.len() - text.trim_start().len());
        ctx.findings.push(Finding {
            code: "doubled-insertion".into(),
            message: format!(
                "`{}` is inserted twice in a row: the proposal carries a duplicated insertion, or the extractor repeated it",
                &trimmed[..len / 2]
            ),
            span: SourceSpan::new(offset, offset + len),
        });
    }
}
