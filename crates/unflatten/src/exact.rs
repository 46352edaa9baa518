//! Exact recovery with the base B and the new text P: F interleaves B and P, so a byte
//! found in both is kept, in B only deleted, in P only inserted. Where the two
//! alignments disagree (repeated words near an edit), a small window around the
//! disagreement is solved exactly, three ways at once.

use amend_model::{Evidence, EvidenceKind};

use crate::align::{Alignment, align};
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
    let ft = interner.tokens(f);
    let bt = interner.tokens(b);
    let pt = interner.tokens(p);
    let n = interner.num_tokens();
    let mut ab = align(f, &ft, b, &bt, n);
    let mut ap = align(f, &ft, p, &pt, n);
    let mut conflicts = 0;
    let mut extra_cells: Vec<(usize, usize, Vec<Cell>)> = Vec::new();
    let mut removed_extras: Vec<(usize, usize)> = Vec::new();
    // Disagreements: text of F in neither, or text of B or P missing from F.
    let mut spots: Vec<usize> = Vec::new();
    for (i, c) in f.char_indices() {
        if !ab.matched[i] && !ap.matched[i] && !c.is_whitespace() {
            spots.push(i);
        }
    }
    for m in ab.missing.iter().chain(ap.missing.iter()) {
        let text = if ab.missing.contains(m) {
            &b[m.x_start..m.x_end]
        } else {
            &p[m.x_start..m.x_end]
        };
        if !ignorable(text) {
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
            Some((ws, we, cells, (bs, be), (ps, pe))) => {
                for i in ws..we {
                    ab.matched[i] = false;
                    ap.matched[i] = false;
                }
                removed_extras.push((ws, we));
                extra_cells.push((ws, we, cells));
                // Missing text inside the window is now explained by the window.
                ab.missing.retain(|m| !(m.x_start >= bs && m.x_end <= be));
                ap.missing.retain(|m| !(m.x_start >= ps && m.x_end <= pe));
                done_until = we;
            }
            None => conflicts += 1,
        }
    }
    let mut cells: Vec<Cell> = (0..f.len())
        .map(|i| match (ab.matched[i], ap.matched[i]) {
            (true, true) => cell(MarkKind::Kept),
            (true, false) => cell(MarkKind::Deleted),
            (false, true) => cell(MarkKind::Inserted),
            (false, false) => cell(MarkKind::Kept),
        })
        .collect();
    for (ws, we, window) in extra_cells {
        cells[ws..we].copy_from_slice(&window);
    }
    let mut extras = Vec::new();
    let mut hyphens_b: Vec<usize> = Vec::new();
    for m in &ab.missing {
        let text = &b[m.x_start..m.x_end];
        if text.trim().is_empty() {
            continue;
        }
        if is_hyphens(text) {
            hyphens_b.push(m.at);
        }
        extras.push(extra(m.at, text, MarkKind::Deleted));
    }
    for m in &ap.missing {
        let text = &p[m.x_start..m.x_end];
        if text.trim().is_empty() {
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
    let _ = (hyphens_b, removed_extras);
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

fn ignorable(text: &str) -> bool {
    text.trim().is_empty() || is_hyphens(text)
}

type Window = (usize, usize, Vec<Cell>, (usize, usize), (usize, usize));

/// Solves a window of F around `spot` three ways: each character of F is kept (in B and
/// P), deleted (in B) or inserted (in P), and the window of B and of P must be used up.
fn repair(
    f: &str,
    b: &str,
    p: &str,
    ab: &Alignment,
    ap: &Alignment,
    spot: usize,
) -> Option<Window> {
    for radius in [24usize, 48, 96] {
        // Anchors: characters outside the window found in both, mapped exactly.
        let anchor = |i: usize| {
            ab.matched[i]
                && ap.matched[i]
                && ab.map[i] != u32::MAX
                && ap.map[i] != u32::MAX
                && !f.as_bytes()[i].is_ascii_whitespace()
        };
        let mut ws = spot.saturating_sub(radius);
        while ws > 0 && !(f.is_char_boundary(ws) && anchor(ws - 1) && f.is_char_boundary(ws - 1)) {
            ws -= 1;
        }
        let mut we = (spot + radius).min(f.len());
        while we < f.len() && !(f.is_char_boundary(we) && anchor(we)) {
            we += 1;
        }
        let (bs, ps) = if ws == 0 {
            (0, 0)
        } else {
            let a = ws - 1;
            let bl = char_len(b, ab.map[a] as usize);
            let pl = char_len(p, ap.map[a] as usize);
            (ab.map[a] as usize + bl, ap.map[a] as usize + pl)
        };
        let (be, pe) = if we >= f.len() {
            (b.len(), p.len())
        } else {
            (ab.map[we] as usize, ap.map[we] as usize)
        };
        if bs > be || ps > pe {
            continue;
        }
        let fw: Vec<(usize, char)> = f[ws..we]
            .char_indices()
            .map(|(i, c)| (ws + i, norm_char(c)))
            .collect();
        let bw: Vec<char> = b[bs..be].chars().map(norm_char).collect();
        let pw: Vec<char> = p[ps..pe].chars().map(norm_char).collect();
        if fw.len() > 400 || bw.len() > 400 || pw.len() > 400 {
            return None;
        }
        if let Some(path) = solve3(&fw, &bw, &pw) {
            let mut cells = vec![Cell::KEPT; we - ws];
            for (k, &(i, c)) in fw.iter().enumerate() {
                let end = fw.get(k + 1).map_or(we, |x| x.0);
                let mark = path[k];
                let _ = c;
                for x in &mut cells[i - ws..end - ws] {
                    *x = cell(mark);
                }
            }
            return Some((ws, we, cells, (bs, be), (ps, pe)));
        }
    }
    None
}

fn char_len(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(1, char::len_utf8)
}

/// Three-way alignment: a mark per character of `fw` such that the kept and deleted
/// ones spell `bw` and the kept and inserted ones spell `pw`. Whitespace in any text may
/// be left out (whitespace differences are not changes).
fn solve3(fw: &[(usize, char)], bw: &[char], pw: &[char]) -> Option<Vec<MarkKind>> {
    let (nf, nb, np) = (fw.len(), bw.len(), pw.len());
    let idx = |i: usize, j: usize, k: usize| (i * (nb + 1) + j) * (np + 1) + k;
    // reach[state] = how we got there: 0 unreached, 1 kept, 2 deleted, 3 inserted,
    // 4 skip F space, 5 skip B space, 6 skip P space, 7 start.
    let mut reach = vec![0u8; (nf + 1) * (nb + 1) * (np + 1)];
    reach[idx(0, 0, 0)] = 7;
    for i in 0..=nf {
        for j in 0..=nb {
            for k in 0..=np {
                if reach[idx(i, j, k)] == 0 {
                    continue;
                }
                let mut go = |s: usize, how: u8| {
                    if reach[s] == 0 {
                        reach[s] = how;
                    }
                };
                if i < nf {
                    let c = fw[i].1;
                    if j < nb && k < np && bw[j] == c && pw[k] == c {
                        go(idx(i + 1, j + 1, k + 1), 1);
                    }
                    if j < nb && bw[j] == c {
                        go(idx(i + 1, j + 1, k), 2);
                    }
                    if k < np && pw[k] == c {
                        go(idx(i + 1, j, k + 1), 3);
                    }
                    if c.is_whitespace() {
                        go(idx(i + 1, j, k), 4);
                    }
                }
                if j < nb && (bw[j].is_whitespace() || bw[j] == '-') {
                    go(idx(i, j + 1, k), 5);
                }
                if k < np && (pw[k].is_whitespace() || pw[k] == '-') {
                    go(idx(i, j, k + 1), 6);
                }
            }
        }
    }
    if reach[idx(nf, nb, np)] == 0 {
        return None;
    }
    let mut marks = vec![MarkKind::Kept; nf];
    let (mut i, mut j, mut k) = (nf, nb, np);
    while (i, j, k) != (0, 0, 0) {
        match reach[idx(i, j, k)] {
            1 => {
                i -= 1;
                j -= 1;
                k -= 1;
                marks[i] = MarkKind::Kept;
            }
            2 => {
                i -= 1;
                j -= 1;
                marks[i] = MarkKind::Deleted;
            }
            3 => {
                i -= 1;
                k -= 1;
                marks[i] = MarkKind::Inserted;
            }
            4 => {
                i -= 1;
                marks[i] = MarkKind::Kept;
            }
            5 => j -= 1,
            6 => k -= 1,
            _ => return None,
        }
    }
    Some(marks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_way_solution_spells_both_texts() {
        let fw: Vec<(usize, char)> = "the the cat".char_indices().collect();
        let bw: Vec<char> = "the cat".chars().collect();
        let pw: Vec<char> = "the the cat".chars().collect();
        let marks = solve3(&fw, &bw, &pw).expect("solvable");
        let b: String = fw
            .iter()
            .zip(&marks)
            .filter(|(_, m)| **m != MarkKind::Inserted)
            .map(|(c, _)| c.1)
            .collect();
        assert_eq!(b.split_whitespace().collect::<Vec<_>>(), vec!["the", "cat"]);
    }
}
