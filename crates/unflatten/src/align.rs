//! Aligning the flattened text F against another text X (the base or the new text):
//! which bytes of F are found in X, in order, and which text of X is found nowhere in F.
//!
//! Tokens are aligned first (imara-diff Histogram, near-linear), then every changed
//! stretch holding text on both sides is refined character by character, so glued words
//! (`2012Hammamet`, `WTDC-1014`, `bd)`) split where the two texts part.

use imara_diff::{Algorithm, Diff, Token};

use crate::token::{MARKER_KEY, Tok, norm_char};

/// Text of X found nowhere in F.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Missing {
    /// The byte of F before which the text belongs.
    pub at: usize,
    pub x_start: usize,
    pub x_end: usize,
}

/// F aligned against X.
#[derive(Debug, Clone)]
pub(crate) struct Alignment {
    /// Per byte of F: found in X.
    pub matched: Vec<bool>,
    /// Per byte of F: the byte of X it is matched with (`u32::MAX`: none).
    pub map: Vec<u32>,
    pub missing: Vec<Missing>,
}

/// Records that F bytes `fa..fb` match X bytes from `xa` (clamped to `xb`).
fn pair(matched: &mut [bool], map: &mut [u32], fa: usize, fb: usize, xa: usize, xb: usize) {
    for (k, i) in (fa..fb).enumerate() {
        matched[i] = true;
        map[i] = (xa + k).min(xb.saturating_sub(1)) as u32;
    }
}

/// Hunks larger than this (characters, either side) are refined with the heuristic Myers.
const MINIMAL_LIMIT: usize = 4000;

pub(crate) fn align(f: &str, ft: &[Tok], x: &str, xt: &[Tok], num_tokens: u32) -> Alignment {
    let mut matched = vec![false; f.len()];
    let mut map = vec![u32::MAX; f.len()];
    let mut missing = Vec::new();
    let fi: Vec<usize> = (0..ft.len()).filter(|&i| ft[i].key != MARKER_KEY).collect();
    let xi: Vec<usize> = (0..xt.len()).filter(|&i| xt[i].key != MARKER_KEY).collect();
    // Extractor markers count as found: they are neither kept nor changed text.
    for t in ft.iter().filter(|t| t.key == MARKER_KEY) {
        matched[t.start as usize..t.end as usize].fill(true);
    }
    let fseq: Vec<Token> = fi.iter().map(|&i| Token(ft[i].key)).collect();
    let xseq: Vec<Token> = xi.iter().map(|&i| Token(xt[i].key)).collect();
    let mut diff = Diff::default();
    diff.compute_with(Algorithm::Histogram, &xseq, &fseq, num_tokens);
    let mut k = 0;
    for (j, &i) in fi.iter().enumerate() {
        if !diff.is_added(j as u32) {
            while k < xi.len() && diff.is_removed(k as u32) {
                k += 1;
            }
            let t = ft[i];
            let u = xt[xi[k.min(xi.len() - 1)]];
            pair(
                &mut matched,
                &mut map,
                t.start as usize,
                t.end as usize,
                u.start as usize,
                u.end as usize,
            );
            k += 1;
        }
    }
    for hunk in diff.hunks() {
        let f_at = |j: u32| -> usize {
            fi.get(j as usize)
                .map_or(f.len(), |&i| ft[i].start as usize)
        };
        let x_range = if hunk.before.is_empty() {
            None
        } else {
            let a = xt[xi[hunk.before.start as usize]].start as usize;
            let b = xt[xi[hunk.before.end as usize - 1]].end as usize;
            Some((a, b))
        };
        let Some((xa, xb)) = x_range else { continue };
        if hunk.after.is_empty() {
            push_missing(&mut missing, f_at(hunk.after.start), xa, xb);
            continue;
        }
        let fa = ft[fi[hunk.after.start as usize]].start as usize;
        let fb = ft[fi[hunk.after.end as usize - 1]].end as usize;
        refine(f, fa, fb, x, xa, xb, &mut matched, &mut map, &mut missing);
    }
    Alignment {
        matched,
        map,
        missing,
    }
}

fn push_missing(missing: &mut Vec<Missing>, at: usize, x_start: usize, x_end: usize) {
    if x_start < x_end {
        missing.push(Missing { at, x_start, x_end });
    }
}

/// Character alignment of `f[fa..fb]` against `x[xa..xb]`.
#[allow(clippy::too_many_arguments)]
fn refine(
    f: &str,
    fa: usize,
    fb: usize,
    x: &str,
    xa: usize,
    xb: usize,
    matched: &mut [bool],
    map: &mut [u32],
    missing: &mut Vec<Missing>,
) {
    let fc: Vec<(usize, char)> = f[fa..fb]
        .char_indices()
        .map(|(i, c)| (fa + i, norm_char(c)))
        .collect();
    let xc: Vec<(usize, char)> = x[xa..xb]
        .char_indices()
        .map(|(i, c)| (xa + i, norm_char(c)))
        .collect();
    let end_of = |v: &[(usize, char)], k: usize, limit: usize| v.get(k).map_or(limit, |p| p.0);
    // X whole inside F: at the start, at the end, else at its first place.
    if xc.len() <= fc.len() && fc.len() <= MINIMAL_LIMIT {
        let eq = |at: usize| (0..xc.len()).all(|k| fc[at + k].1 == xc[k].1);
        let last = fc.len() - xc.len();
        let found = if eq(0) {
            Some(0)
        } else if eq(last) {
            Some(last)
        } else {
            (1..last).find(|&at| eq(at))
        };
        if let Some(at) = found {
            matched[fa..fb].fill(false);
            map[fa..fb].fill(u32::MAX);
            for k in 0..xc.len() {
                let a = fc[at + k].0;
                let b = end_of(&fc, at + k + 1, fb);
                let xe = end_of(&xc, k + 1, xb);
                pair(matched, map, a, b, xc[k].0, xe);
            }
            return;
        }
    }
    matched[fa..fb].fill(false);
    map[fa..fb].fill(u32::MAX);
    let fs: Vec<Token> = fc.iter().map(|&(_, c)| Token(c as u32)).collect();
    let xs: Vec<Token> = xc.iter().map(|&(_, c)| Token(c as u32)).collect();
    let algorithm = if fc.len().max(xc.len()) <= MINIMAL_LIMIT {
        Algorithm::MyersMinimal
    } else {
        Algorithm::Myers
    };
    let mut diff = Diff::default();
    diff.compute_with(algorithm, &xs, &fs, 0);
    let mut j = 0;
    let mut gap_start: Option<usize> = None;
    for k in 0..xc.len() {
        if diff.is_removed(k as u32) {
            gap_start.get_or_insert(k);
            continue;
        }
        // Advance F to the character matched with X's k-th.
        while j < fc.len() && diff.is_added(j as u32) {
            j += 1;
        }
        if let Some(g) = gap_start.take() {
            push_missing(missing, end_of(&fc, j, fb), xc[g].0, xc[k].0);
        }
        if j < fc.len() {
            let a = fc[j].0;
            let b = end_of(&fc, j + 1, fb);
            pair(matched, map, a, b, xc[k].0, end_of(&xc, k + 1, xb));
            j += 1;
        }
    }
    if let Some(g) = gap_start {
        while j < fc.len() && diff.is_added(j as u32) {
            j += 1;
        }
        push_missing(missing, end_of(&fc, j, fb), xc[g].0, xb);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::Interner;

    fn run(f: &str, x: &str) -> (String, Vec<String>) {
        let mut interner = Interner::default();
        let ft = interner.tokens(f);
        let xt = interner.tokens(x);
        let a = align(f, &ft, x, &xt, interner.num_tokens());
        let mut shown = String::new();
        let mut last = true;
        for (i, c) in f.char_indices() {
            let m = a.matched[i];
            if m != last {
                shown.push(if m { ']' } else { '[' });
                last = m;
            }
            shown.push(c);
        }
        if !last {
            shown.push(']');
        }
        let missing = a
            .missing
            .iter()
            .map(|m| x[m.x_start..m.x_end].to_string())
            .collect();
        (shown, missing)
    }

    #[test]
    fn glued_stamps_numbers_and_labels_split_where_the_texts_part() {
        assert_eq!(
            run("(Rev. Dubai, 2012Hammamet, 2016)", "(Rev. Dubai, 2012)").0,
            "(Rev. Dubai, 2012[Hammamet, 2016])"
        );
        assert_eq!(
            run("of WTDC-1014 for", "of WTDC-10 for").0,
            "of WTDC-10[14] for"
        );
        assert_eq!(run("x\nbd) the", "x\nb) the").0, "x\nb[d]) the");
        assert_eq!(run("x\nda) the", "x\na) the").0, "x\n[d]a) the");
    }

    #[test]
    fn text_of_x_absent_from_f_is_missing() {
        let (shown, missing) = run("the ITUT study", "the ITU-T study");
        assert_eq!(shown, "the ITUT study");
        assert_eq!(missing, vec!["-"]);
    }
}
