//! Exact recovery with the base B and the new text P: F interleaves B and P, so a byte
//! found in both is kept, in B only deleted, in P only inserted. Where the two
//! alignments disagree (repeated words near an edit), a small window around the
//! disagreement is solved exactly, three ways at once.

use amend_model::{Evidence, EvidenceKind};

use crate::align::{Alignment, Missing, align};
use crate::token::{Interner, norm_char};
use crate::{Cell, Extra, MarkKind};

pub(crate) struct ExactOut {
    pub cells: Vec<Cell>,
    pub extras: Vec<Extra>,
    pub conflicts: usize,
}

const EXACT: u8 = 100;

fn cell(mark: MarkKind) -> Cell {
    Cell::new(mark, EvidenceKind::NewText, EXACT)
}

pub(crate) fn exact(f: &str, b: &str, p: &str) -> ExactOut {
    let mut interner = Interner::default();
    let mut ab = align(f, b, &mut interner, true);
    let mut ap = align(f, p, &mut interner, true);
    let mut conflicts = 0;
    // Disagreements: text of F in neither, or text of B or P missing from F.
    let mut spots: Vec<usize> = Vec::new();
    // Whitespace too: which side of a change a space goes with is part of exactness.
    for (i, _) in f.char_indices() {
        if !ab.matched[i] && !ap.matched[i] {
            spots.push(i);
        }
    }
    let missing_b = ab.missing.iter().map(|m| (m, &b[m.x_start..m.x_end]));
    let missing_p = ap.missing.iter().map(|m| (m, &p[m.x_start..m.x_end]));
    for (m, text) in missing_b.chain(missing_p) {
        if !is_hyphens(text) {
            spots.push(m.at.min(f.len().saturating_sub(1)));
        }
    }
    spots.sort_unstable();
    spots.dedup();
    let mut done_until = 0;
    for &spot in &spots {
        if spot < done_until {
            continue;
        }
        match repair(f, b, p, &ab, &ap, spot) {
            Some(window) => {
                done_until = window.we;
                window.apply(f, b, p, &mut ab, &mut ap);
            }
            None => conflicts += 1,
        }
    }
    // The windows solved where the alignments disagreed; now check that the marks
    // spell B and P throughout (two alignments can agree and still be wrong together),
    // and solve a window wherever they do not.
    let mut tries = 0;
    while conflicts == 0 {
        let bad_b = first_inconsistency(f, b, &mut ab);
        let bad_p = first_inconsistency(f, p, &mut ap);
        let Some(spot) = bad_b.into_iter().chain(bad_p).min() else {
            break;
        };
        tries += 1;
        match repair(f, b, p, &ab, &ap, spot).filter(|_| tries <= MAX_REPAIRS) {
            Some(window) => window.apply(f, b, p, &mut ab, &mut ap),
            None => conflicts += 1,
        }
    }
    let cells: Vec<Cell> = (0..f.len())
        .map(|i| match (ab.matched[i], ap.matched[i]) {
            (true, true) => cell(MarkKind::Kept),
            (true, false) => cell(MarkKind::Deleted),
            (false, true) => cell(MarkKind::Inserted),
            (false, false) => cell(MarkKind::Kept),
        })
        .collect();
    let mut extras = Vec::new();
    let mut hyphens_b: Vec<usize> = Vec::new();
    // Whitespace of B or P absent from F stays, so that the views spell B and P; it is
    // no change (a normalization).
    for m in &ab.missing {
        let text = &b[m.x_start..m.x_end];
        if is_hyphens(text) {
            hyphens_b.push(m.at);
        }
        let mut e = extra(m.at, text, MarkKind::Deleted);
        e.normalization = text.trim().is_empty();
        extras.push(e);
    }
    for m in &ap.missing {
        let text = &p[m.x_start..m.x_end];
        if text.trim().is_empty() {
            let mut e = extra(m.at, text, MarkKind::Inserted);
            e.normalization = true;
            extras.push(e);
            continue;
        }
        if is_hyphens(text)
            && let Some(pos) = extras
                .iter()
                .position(|e| e.at == m.at && e.kind == MarkKind::Deleted && is_hyphens(&e.text))
        {
            // Lost by the extractor, present in both: a normalization, in P's spelling.
            extras[pos] = Extra {
                at: m.at,
                text: text.to_string(),
                kind: MarkKind::Kept,
                evidence: Evidence {
                    kind: EvidenceKind::NewText,
                    confidence: EXACT,
                },
                normalization: true,
            };
            continue;
        }
        let mut e = extra(m.at, text, MarkKind::Inserted);
        e.normalization = is_hyphens(text);
        extras.push(e);
    }
    let _ = hyphens_b;
    extras.sort_by_key(|e| (e.at, e.kind == MarkKind::Inserted));
    ExactOut {
        cells,
        extras,
        conflicts,
    }
}

fn extra(at: usize, text: &str, kind: MarkKind) -> Extra {
    Extra {
        at,
        text: text.to_string(),
        kind,
        evidence: Evidence {
            kind: EvidenceKind::NewText,
            confidence: EXACT,
        },
        normalization: false,
    }
}

fn is_hyphens(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| matches!(c, '-' | '\u{2011}' | '\u{ad}'))
}

/// Cells of a window's three-way alignment at most (three states of three bytes each).
const MAX_CELLS: usize = 3_000_000;

/// Windows solved after the check at most (each one fixes a disagreement at least).
const MAX_REPAIRS: usize = 10_000;

/// The first byte of F where the text of X mapped by `a`, with the text of X missing
/// from F, does not spell X in order.
fn first_inconsistency(f: &str, x: &str, a: &mut Alignment) -> Option<usize> {
    a.missing.sort_by_key(|m| (m.at, m.x_start));
    let mut j = 0;
    let mut missing = a.missing.iter().peekable();
    let last = f.len().saturating_sub(1);
    for (i, _) in f.char_indices() {
        while let Some(m) = missing.next_if(|m| m.at <= i) {
            if m.x_start != j {
                return Some(i);
            }
            j = m.x_end;
        }
        if a.matched[i] && a.map[i] != u32::MAX {
            if a.map[i] as usize != j {
                return Some(i);
            }
            j += char_len(x, j);
        }
    }
    for m in missing {
        if m.x_start != j {
            return Some(last);
        }
        j = m.x_end;
    }
    (j != x.len()).then_some(last)
}

/// A solved window: F bytes `ws..we` spell B bytes `bs..be` and P bytes `ps..pe` by
/// `steps` (those of [`solve3`]).
struct Window {
    ws: usize,
    we: usize,
    bs: usize,
    be: usize,
    ps: usize,
    pe: usize,
    steps: Vec<u8>,
}

impl Window {
    /// Writes the solution into both alignments, so that later windows may anchor in it.
    fn apply(&self, f: &str, b: &str, p: &str, ab: &mut Alignment, ap: &mut Alignment) {
        ab.matched[self.ws..self.we].fill(false);
        ap.matched[self.ws..self.we].fill(false);
        ab.map[self.ws..self.we].fill(u32::MAX);
        ap.map[self.ws..self.we].fill(u32::MAX);
        // Missing text inside the window is now explained by the window.
        ab.missing
            .retain(|m| !(m.x_start >= self.bs && m.x_end <= self.be));
        ap.missing
            .retain(|m| !(m.x_start >= self.ps && m.x_end <= self.pe));
        let (mut i, mut j, mut k) = (self.ws, self.bs, self.ps);
        let len = |t: &str, at: usize| t[at..].chars().next().map_or(1, char::len_utf8);
        for &step in &self.steps {
            let fl = if i < self.we { len(f, i) } else { 0 };
            match step {
                1 => {
                    pair_char(ab, i, fl, j, len(b, j));
                    pair_char(ap, i, fl, k, len(p, k));
                    j += len(b, j);
                    k += len(p, k);
                    i += fl;
                }
                2 => {
                    pair_char(ab, i, fl, j, len(b, j));
                    j += len(b, j);
                    i += fl;
                }
                3 => {
                    pair_char(ap, i, fl, k, len(p, k));
                    k += len(p, k);
                    i += fl;
                }
                4 => i += fl,
                5 => {
                    let l = len(b, j);
                    ab.missing.push(Missing {
                        at: i,
                        x_start: j,
                        x_end: j + l,
                    });
                    j += l;
                }
                _ => {
                    let l = len(p, k);
                    ap.missing.push(Missing {
                        at: i,
                        x_start: k,
                        x_end: k + l,
                    });
                    k += l;
                }
            }
        }
        ab.missing.sort_by_key(|m| (m.at, m.x_start));
        ap.missing.sort_by_key(|m| (m.at, m.x_start));
    }
}

/// Records that the F character at `i` (`fl` bytes) is the X character at `x` (`xl`).
fn pair_char(a: &mut Alignment, i: usize, fl: usize, x: usize, xl: usize) {
    for t in 0..fl {
        a.matched[i + t] = true;
        a.map[i + t] = (x + t.min(xl.saturating_sub(1))) as u32;
    }
}

/// How far to look for a mapped character before giving up (bytes).
const MAP_SEARCH: usize = 8192;

/// Solves a window of F around `spot` three ways: each character of F is kept (in B and
/// P), deleted (in B) or inserted (in P), and the window of B and of P must be used up.
/// The window's ends are characters of F mapped to B or P; the windows of B and P run
/// from the last character mapped before the window to the first mapped after it.
fn repair(
    f: &str,
    b: &str,
    p: &str,
    ab: &Alignment,
    ap: &Alignment,
    spot: usize,
) -> Option<Window> {
    let mapped = |a: &Alignment, i: usize| a.matched[i] && a.map[i] != u32::MAX;
    let anchor = |i: usize| {
        f.is_char_boundary(i)
            && !f.as_bytes()[i].is_ascii_whitespace()
            && (mapped(ab, i) || mapped(ap, i))
    };
    // The end of X's text mapped before F byte `ws`, and the start of X's text mapped
    // from F byte `we` on.
    let before = |a: &Alignment, x: &str, ws: usize| -> Option<usize> {
        let mut i = ws;
        while i > 0 {
            i -= 1;
            if ws - i > MAP_SEARCH {
                return None;
            }
            if f.is_char_boundary(i) && mapped(a, i) {
                let at = a.map[i] as usize;
                return Some(at + char_len(x, at));
            }
        }
        Some(0)
    };
    let after = |a: &Alignment, x: &str, we: usize| -> Option<usize> {
        let mut i = we;
        while i < f.len() {
            if i - we > MAP_SEARCH {
                return None;
            }
            if f.is_char_boundary(i) && mapped(a, i) {
                return Some(a.map[i] as usize);
            }
            i += 1;
        }
        Some(x.len())
    };
    let mut best: Option<(Window, u16)> = None;
    // Larger windows tried after a solution that leaves text out.
    let mut larger = 0;
    for radius in [16usize, 32, 64, 128, 256, 1024, 4096] {
        let mut ws = spot.saturating_sub(radius);
        while ws > 0 && !(f.is_char_boundary(ws) && anchor(ws - 1)) {
            ws -= 1;
        }
        while ws > 0 && !f.is_char_boundary(ws) {
            ws -= 1;
        }
        let mut we = (spot + radius).min(f.len());
        while we < f.len() && !anchor(we) {
            we += 1;
        }
        let (bs, ps) = (before(ab, b, ws)?, before(ap, p, ws)?);
        let (be, pe) = (after(ab, b, we)?, after(ap, p, we)?);
        if bs > be || ps > pe {
            continue;
        }
        let fw: Vec<(usize, char)> = f[ws..we].char_indices().map(|(i, c)| (ws + i, c)).collect();
        let bw: Vec<char> = b[bs..be].chars().collect();
        let pw: Vec<char> = p[ps..pe].chars().collect();
        let window = |steps| Window {
            ws,
            we,
            bs,
            be,
            ps,
            pe,
            steps,
        };
        if (fw.len() + 1) * (bw.len() + 1) * (pw.len() + 1) > MAX_CELLS {
            // Too large for three ways at once: keep one alignment where it spells its
            // text exactly and solve the other against it.
            if (fw.len() + 1) * (bw.len().max(pw.len()) + 1) > MAX_CELLS {
                break;
            }
            let trusted = |a: &Alignment, x: &str, xs: usize, xe: usize| {
                let mut j = xs;
                let mut flags = Vec::with_capacity(fw.len());
                for &(i, _) in &fw {
                    let hit = a.matched[i] && a.map[i] != u32::MAX;
                    if hit {
                        if a.map[i] as usize != j {
                            return None;
                        }
                        j += char_len(x, j);
                    }
                    flags.push(hit);
                }
                (j == xe).then_some(flags)
            };
            let by_b = trusted(ab, b, bs, be).and_then(|flags| solve2(&fw, &flags, &pw, true));
            let by_p = trusted(ap, p, ps, pe).and_then(|flags| solve2(&fw, &flags, &bw, false));
            for (steps, cost) in by_b.into_iter().chain(by_p) {
                if best.as_ref().is_none_or(|b: &(Window, u16)| cost < b.1) {
                    best = Some((window(steps), cost));
                }
            }
        } else if let Some((steps, cost)) = solve3(&fw, &bw, &pw)
            && best.as_ref().is_none_or(|b| cost < b.1)
        {
            best = Some((window(steps), cost));
        }
        // A solution that leaves nothing out and matches characters as they are is
        // exact; another may be an artefact of the window's ends, so a larger window is
        // tried.
        if best.as_ref().is_some_and(|b| b.1 < SOLVE_NEAR) {
            break;
        }
        if best.is_some() {
            larger += 1;
            if larger > 2 {
                break;
            }
        }
    }
    best.map(|b| b.0)
}

/// Two-way alignment against a trusted one: `in_t[i]` says whether character `i` of
/// `fw` is in the trusted text T (B when `t_is_base`, else P), whose part of the window
/// those characters spell. Each of them is kept or T's only; the others must be the
/// other text's (`ow`) only. Costs as in [`solve3`]; the steps are those of [`solve3`].
fn solve2(
    fw: &[(usize, char)],
    in_t: &[bool],
    ow: &[char],
    t_is_base: bool,
) -> Option<(Vec<u8>, u16)> {
    let (nf, no) = (fw.len(), ow.len());
    let idx = |i: usize, k: usize, last: usize| (i * (no + 1) + k) * 3 + last;
    let states = (nf + 1) * (no + 1) * 3;
    let mut how = vec![0u8; states];
    let mut cost = vec![u16::MAX; states];
    how[idx(0, 0, 0)] = 7;
    cost[idx(0, 0, 0)] = 0;
    let on: Vec<char> = ow.iter().map(|&c| norm_char(c)).collect();
    // Marks: 0 kept, 1 T's only, 2 the other's only; as steps of solve3.
    let (t_only, o_only, skip_o) = if t_is_base { (2, 3, 6) } else { (3, 2, 5) };
    for i in 0..=nf {
        for k in 0..=no {
            for last in 0..3 {
                let here = idx(i, k, last);
                if how[here] == 0 {
                    continue;
                }
                let c0 = cost[here];
                let mut go = |s: usize, step: u8, extra: u16| {
                    let c = c0.saturating_add(extra);
                    if c < cost[s] {
                        cost[s] = c;
                        how[s] = step | ((last as u8) << 3);
                    }
                };
                let run = |mark: usize| if mark == last { 0 } else { SOLVE_RUN };
                if i < nf {
                    let raw = fw[i].1;
                    let c = norm_char(raw);
                    let near = |other: char| if other == raw { 0 } else { SOLVE_NEAR };
                    if in_t[i] {
                        if k < no && on[k] == c {
                            go(idx(i + 1, k + 1, 0), 1, run(0) + near(ow[k]));
                        }
                        go(idx(i + 1, k, 1), t_only, run(1));
                    } else {
                        if k < no && on[k] == c {
                            go(idx(i + 1, k + 1, 2), o_only, run(2) + near(ow[k]));
                        }
                        if c.is_whitespace() {
                            go(idx(i + 1, k, last), 4, SOLVE_SKIP);
                        }
                    }
                }
                if k < no {
                    go(idx(i, k + 1, last), skip_o, skip_cost(on[k]));
                }
            }
        }
    }
    let end = (0..3)
        .map(|last| idx(nf, no, last))
        .filter(|&s| how[s] != 0)
        .min_by_key(|&s| cost[s])?;
    let mut steps = Vec::with_capacity(nf + no);
    let (mut i, mut k) = (nf, no);
    let mut state = end;
    loop {
        let h = how[state];
        let prev = usize::from(h >> 3);
        let step = h & 7;
        match step {
            1 => (i, k) = (i - 1, k - 1),
            7 => break,
            4 => i -= 1,
            s if s == t_only => i -= 1,
            s if s == o_only => (i, k) = (i - 1, k - 1),
            s if s == skip_o => k -= 1,
            _ => return None,
        }
        steps.push(step);
        state = idx(i, k, prev);
    }
    steps.reverse();
    Some((steps, cost[end]))
}

fn char_len(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(1, char::len_utf8)
}

/// Costs of the window alignments: leaving a character out, matching characters equal
/// only as compared, starting a run of another mark.
const SOLVE_SKIP: u16 = 1000;
const SOLVE_NEAR: u16 = 100;
const SOLVE_RUN: u16 = 1;

/// Leaving out a character of B or P: it becomes text placed beside F's (an extra),
/// so the views still spell both texts. Whitespace and hyphens (lost by extractors)
/// cost less than other text (absent from F: the texts are not exactly F's sources).
fn skip_cost(c: char) -> u16 {
    if c.is_whitespace() || c == '-' {
        SOLVE_SKIP
    } else {
        3 * SOLVE_SKIP
    }
}

/// Three-way alignment: the steps (1 kept, 2 deleted, 3 inserted, 4 F space left out,
/// 5 and 6 a B or P character left out) that take every character of `fw` such that
/// the kept and deleted ones spell `bw` and the kept and inserted ones spell `pw`, at
/// the least cost. Exact spelling is free; leaving a character out ([`skip_cost`]) costs
/// much, and so does matching characters equal only as compared (a tab for a space), so
/// an exact interleaving is found whenever one exists and accept and reject spell P and
/// B to the character. Among those, the one with the fewest runs of kept, deleted and
/// inserted text wins: changes stay whole.
fn solve3(fw: &[(usize, char)], bw: &[char], pw: &[char]) -> Option<(Vec<u8>, u16)> {
    let (nf, nb, np) = (fw.len(), bw.len(), pw.len());
    let cells = (nf + 1) * (nb + 1) * (np + 1);
    if cells > MAX_CELLS {
        return None;
    }
    // A state is a cell (characters of F, B and P used) and the mark of the last
    // character of F (0 kept, 1 deleted, 2 inserted).
    let idx =
        |i: usize, j: usize, k: usize, last: usize| ((i * (nb + 1) + j) * (np + 1) + k) * 3 + last;
    // how[state]: step in the low 3 bits (0 unreached, 1 kept, 2 deleted, 3 inserted,
    // 4 skip F space, 5 skip a B character, 6 skip a P character, 7 start), the previous
    // state's last mark above them.
    let mut how = vec![0u8; cells * 3];
    let mut cost = vec![u16::MAX; cells * 3];
    how[idx(0, 0, 0, 0)] = 7;
    cost[idx(0, 0, 0, 0)] = 0;
    let nb_ = bw.iter().map(|&c| norm_char(c)).collect::<Vec<_>>();
    let np_ = pw.iter().map(|&c| norm_char(c)).collect::<Vec<_>>();
    #[allow(clippy::needless_range_loop)] // `i` indexes states as well as `fw`.
    for i in 0..=nf {
        for j in 0..=nb {
            for k in 0..=np {
                for last in 0..3 {
                    let here = idx(i, j, k, last);
                    if how[here] == 0 {
                        continue;
                    }
                    let c0 = cost[here];
                    let mut go = |s: usize, step: u8, extra: u16| {
                        let c = c0.saturating_add(extra);
                        if c < cost[s] {
                            cost[s] = c;
                            how[s] = step | ((last as u8) << 3);
                        }
                    };
                    let run = |mark: usize| if mark == last { 0 } else { SOLVE_RUN };
                    if i < nf {
                        let raw = fw[i].1;
                        let c = norm_char(raw);
                        let near = |other: char| if other == raw { 0 } else { SOLVE_NEAR };
                        if j < nb && k < np && nb_[j] == c && np_[k] == c {
                            let extra = run(0) + near(bw[j]) + near(pw[k]);
                            go(idx(i + 1, j + 1, k + 1, 0), 1, extra);
                        }
                        if j < nb && nb_[j] == c {
                            go(idx(i + 1, j + 1, k, 1), 2, run(1) + near(bw[j]));
                        }
                        if k < np && np_[k] == c {
                            go(idx(i + 1, j, k + 1, 2), 3, run(2) + near(pw[k]));
                        }
                        if c.is_whitespace() {
                            go(idx(i + 1, j, k, last), 4, SOLVE_SKIP);
                        }
                    }
                    if j < nb {
                        go(idx(i, j + 1, k, last), 5, skip_cost(nb_[j]));
                    }
                    if k < np {
                        go(idx(i, j, k + 1, last), 6, skip_cost(np_[k]));
                    }
                }
            }
        }
    }
    let end = (0..3)
        .map(|last| idx(nf, nb, np, last))
        .filter(|&s| how[s] != 0)
        .min_by_key(|&s| cost[s])?;
    let mut steps = Vec::with_capacity(nf + nb + np);
    let (mut i, mut j, mut k) = (nf, nb, np);
    let mut state = end;
    loop {
        let h = how[state];
        let prev = usize::from(h >> 3);
        let step = h & 7;
        match step {
            1 => (i, j, k) = (i - 1, j - 1, k - 1),
            2 => (i, j) = (i - 1, j - 1),
            3 => (i, k) = (i - 1, k - 1),
            4 => i -= 1,
            5 => j -= 1,
            6 => k -= 1,
            7 => break,
            _ => return None,
        }
        steps.push(step);
        state = idx(i, j, k, prev);
    }
    steps.reverse();
    Some((steps, cost[end]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_way_solution_spells_both_texts() {
        let fw: Vec<(usize, char)> = "the the cat".char_indices().collect();
        let bw: Vec<char> = "the cat".chars().collect();
        let pw: Vec<char> = "the the cat".chars().collect();
        let (steps, cost) = solve3(&fw, &bw, &pw).expect("solvable");
        assert!(cost < SOLVE_SKIP);
        // Exact: no character left out, and the kept and deleted ones spell B.
        assert!(steps.iter().all(|&s| (1..=3).contains(&s)));
        let b: String = fw
            .iter()
            .zip(&steps)
            .filter(|(_, s)| **s != 3)
            .map(|(c, _)| c.1)
            .collect();
        assert_eq!(b, "the cat");
    }

    #[test]
    fn spaces_go_where_both_texts_are_spelled_exactly() {
        // `be` kept, then the deleted phrase and the inserted one glued: the space
        // before `relevant` belongs to neither, the one after `be` to both.
        let f = "would be eligible to attend therelevant the group meetings";
        let b = "would be eligible to attend the meetings";
        let p = "would be relevant the group meetings";
        let out = exact(f, b, p);
        let view = |drop: MarkKind| -> String {
            f.char_indices()
                .filter(|&(i, _)| out.cells[i].mark != drop)
                .map(|(_, c)| c)
                .collect()
        };
        assert_eq!(view(MarkKind::Inserted), b);
        assert_eq!(view(MarkKind::Deleted), p);
        assert_eq!(out.conflicts, 0);
    }

    #[test]
    fn a_tab_and_a_no_break_space_keep_their_side() {
        let f = "v)\trecommend, when\nStudy Group\u{a0}3 meets";
        let b = "v)\trecommend, when\nStudy Group\u{a0}3 meets";
        let p = "v), when\nStudy\u{a0}3 meets";
        let out = exact(f, b, p);
        let accepted: String = f
            .char_indices()
            .filter(|&(i, _)| out.cells[i].mark != MarkKind::Deleted)
            .map(|(_, c)| c)
            .collect();
        assert_eq!(accepted, p);
    }
}
