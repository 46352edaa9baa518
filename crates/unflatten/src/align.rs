//! Aligning the flattened text F against another text X (the base or the new text):
//! which bytes of F are found in X, in order, and which text of X is found nowhere in F.
//!
//! Tokens are aligned first (imara-diff Histogram, near-linear), then every changed
//! stretch holding text on both sides is refined character by character, so glued words
//! (`2012Hammamet`, `WTDC-1014`, `bd)`) split where the two texts part.

use std::ops::Range;

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use imara_diff::{Algorithm, Diff, Token};

use crate::token::{Fnv, Interner, MARKER_KEY, Tok, norm_char};

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
    /// Whether whitespace runs of different lengths count their difference (exact
    /// recovery: the views must spell both texts, spaces included) or are simply equal.
    pub exact_spaces: bool,
}

/// Records that F bytes `fa..fb` match X bytes from `xa` (clamped to `xb`).
fn pair(matched: &mut [bool], map: &mut [u32], fa: usize, fb: usize, xa: usize, xb: usize) {
    for (k, i) in (fa..fb).enumerate() {
        matched[i] = true;
        map[i] = (xa + k).min(xb.saturating_sub(1)) as u32;
    }
}

/// Hunks larger than this (characters, either side) are refined with the heuristic Myers.
const MINIMAL_LIMIT: usize = 400;

/// Hunks larger than this are searched for the other side whole only up to here.
const SUBSTRING_LIMIT: usize = 2000;

pub(crate) fn align<'a>(
    f: &'a str,
    x: &'a str,
    interner: &mut Interner<'a>,
    exact_spaces: bool,
) -> Alignment {
    let mut a = Alignment {
        matched: vec![false; f.len()],
        map: vec![u32::MAX; f.len()],
        missing: Vec::new(),
        exact_spaces,
    };
    // Lines first: most lines are equal, and only the changed ones need tokens.
    let fl = line_ranges(f);
    let xl = line_ranges(x);
    let mut keys: HashMap<&str, u32, BuildHasherDefault<Fnv>> = HashMap::default();
    keys.reserve(fl.len());
    let mut key = |line: &'a str| {
        let next = keys.len() as u32;
        Token(*keys.entry(line).or_insert(next))
    };
    let fk: Vec<Token> = fl.iter().map(|&(s, e)| key(&f[s..e])).collect();
    let xk: Vec<Token> = xl.iter().map(|&(s, e)| key(&x[s..e])).collect();
    let mut diff = Diff::default();
    diff.compute_with(Algorithm::Histogram, &xk, &fk, keys.len() as u32);
    // Runs of equal lines, as (F lines, X lines). Runs of blank lines only are no
    // evidence (they match anywhere): they join the changed stretches around them.
    let mut equal: Vec<(Range<u32>, Range<u32>)> = Vec::new();
    let (mut fe, mut xe) = (0u32, 0u32);
    let mut push_equal = |fr: Range<u32>, xr: Range<u32>| {
        let solid = fl[fr.start as usize..fr.end as usize]
            .iter()
            .any(|&(s, e)| !f[s..e].trim().is_empty());
        if !fr.is_empty() && solid {
            equal.push((fr, xr));
        }
    };
    for hunk in diff.hunks() {
        push_equal(fe..hunk.after.start, xe..hunk.before.start);
        (fe, xe) = (hunk.after.end, hunk.before.end);
    }
    push_equal(fe..fl.len() as u32, xe..xl.len() as u32);
    let start_of =
        |lines: &[(usize, usize)], i: u32, end: usize| lines.get(i as usize).map_or(end, |l| l.0);
    let (mut fe, mut xe) = (0u32, 0u32);
    let ends = equal
        .iter()
        .map(|(fr, xr)| (fr.start, xr.start))
        .chain([(fl.len() as u32, xl.len() as u32)]);
    for (k, (fs, xs)) in ends.enumerate() {
        // The changed stretch before this run of equal lines.
        if fe < fs || xe < xs {
            let fa = start_of(&fl, fe, f.len());
            let fb = start_of(&fl, fs, f.len());
            let xa = start_of(&xl, xe, x.len());
            let xb = start_of(&xl, xs, x.len());
            align_stretch(f, fa, fb, x, xa, xb, interner, &mut a);
        }
        let Some((fr, xr)) = equal.get(k) else {
            break;
        };
        // Equal lines: byte for byte.
        let fa = start_of(&fl, fr.start, f.len());
        let fb = start_of(&fl, fr.end, f.len());
        let xa = start_of(&xl, xr.start, x.len());
        for i in fa..fb {
            a.matched[i] = true;
            a.map[i] = (xa + i - fa) as u32;
        }
        (fe, xe) = (fr.end, xr.end);
    }
    a.missing.sort_by_key(|m| (m.at, m.x_start));
    slide_to_line_ends(f, &mut a);
    a.missing.sort_by_key(|m| (m.at, m.x_start));
    a
}

/// Aligns the changed stretch `f[fa..fb]` against `x[xa..xb]`: token by token, then
/// line by line where lines were drawn together.
#[allow(clippy::too_many_arguments)]
fn align_stretch<'a>(
    f: &'a str,
    fa: usize,
    fb: usize,
    x: &'a str,
    xa: usize,
    xb: usize,
    interner: &mut Interner<'a>,
    a: &mut Alignment,
) {
    if fa == fb {
        push_missing(&mut a.missing, fa, xa, xb);
        return;
    }
    // The stretch's missing text is gathered apart: line repairs search and sort it.
    let before = std::mem::take(&mut a.missing);
    align_stretch_tokens(f, fa, fb, x, xa, xb, interner, a);
    let mut missing = before;
    missing.append(&mut a.missing);
    a.missing = missing;
}

#[allow(clippy::too_many_arguments)]
fn align_stretch_tokens<'a>(
    f: &'a str,
    fa: usize,
    fb: usize,
    x: &'a str,
    xa: usize,
    xb: usize,
    interner: &mut Interner<'a>,
    a: &mut Alignment,
) {
    let ft = interner.tokens_in(f, fa, fb);
    mark_markers(&ft, 0..ft.len(), a);
    if xa == xb {
        return;
    }
    let xt = interner.tokens_in(x, xa, xb);
    align_tokens(
        f,
        &ft,
        0..ft.len(),
        fb,
        x,
        &xt,
        0..xt.len(),
        interner,
        Algorithm::Histogram,
        a,
    );
    repair_lines(f, &ft, x, &xt, interner, a);
}

/// Lines of `text` as byte ranges, each with its line end.
fn line_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(text.len() / 64 + 1);
    let mut start = 0;
    for (i, _) in text.match_indices('\n') {
        out.push((start, i + 1));
        start = i + 1;
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

/// An unmatched run holding a line end but not ending with one (`\nb) new item`,
/// `;\nb) new item;`) is the same alignment as the run shifted to end with one
/// (`b) new item\n`) when the text repeats: the shifted one makes whole lines inserted,
/// paragraph marks included.
fn slide_to_line_ends(f: &str, a: &mut Alignment) {
    let b = f.as_bytes();
    let n = b.len();
    let mut s = 0;
    while s < n {
        if a.matched[s] {
            s += 1;
            continue;
        }
        let mut e = s;
        while e < n && !a.matched[e] {
            e += 1;
        }
        if b[e - 1] != b'\n' && b[s..e].contains(&b'\n') {
            let mut k = 0;
            let mut found = None;
            while e + k < n
                && k < 400
                && b[s + k] == b[e + k]
                && a.matched[e + k]
                && a.map[e + k] != u32::MAX
            {
                k += 1;
                if b[e + k - 1] == b'\n' {
                    found = Some(k);
                    break;
                }
            }
            if let Some(k) = found {
                for i in 0..k {
                    a.matched[s + i] = true;
                    a.map[s + i] = a.map[e + i];
                    a.matched[e + i] = false;
                    a.map[e + i] = u32::MAX;
                }
                // Sorted by position before the slides; a slide moves positions only
                // inside the text already passed.
                let from = a.missing.partition_point(|m| m.at <= s);
                for m in &mut a.missing[from..] {
                    if m.at > e {
                        break;
                    }
                    m.at += k;
                }
                e += k;
            }
        }
        s = e;
    }
}

/// Extractor markers count as found: they are neither kept nor changed text.
fn mark_markers(ft: &[Tok], range: Range<usize>, a: &mut Alignment) {
    for t in ft[range].iter().filter(|t| t.key == MARKER_KEY) {
        a.matched[t.start as usize..t.end as usize].fill(true);
    }
}

/// Aligns the F tokens `fr` (ending at byte `f_end`) against the X tokens `xr`.
#[allow(clippy::too_many_arguments)]
fn align_tokens(
    f: &str,
    ft: &[Tok],
    fr: Range<usize>,
    f_end: usize,
    x: &str,
    xt: &[Tok],
    xr: Range<usize>,
    interner: &mut Interner<'_>,
    algorithm: Algorithm,
    a: &mut Alignment,
) {
    let fi: Vec<usize> = fr.filter(|&i| ft[i].key != MARKER_KEY).collect();
    let xi: Vec<usize> = xr.filter(|&i| xt[i].key != MARKER_KEY).collect();
    if xi.is_empty() {
        return;
    }
    let mut fseq: Vec<Token> = fi.iter().map(|&i| Token(ft[i].key)).collect();
    let mut xseq: Vec<Token> = xi.iter().map(|&i| Token(xt[i].key)).collect();
    // Myers needs no table over the keys; the histogram's is kept to this stretch's keys.
    let num_tokens = match algorithm {
        Algorithm::Histogram => interner.renumber(&mut xseq, &mut fseq),
        _ => 0,
    };
    let mut diff = Diff::default();
    diff.compute_with(algorithm, &xseq, &fseq, num_tokens);
    let mut k = 0;
    for (j, &i) in fi.iter().enumerate() {
        if !diff.is_added(j as u32) {
            while k < xi.len() && diff.is_removed(k as u32) {
                k += 1;
            }
            let t = ft[i];
            let u = xt[xi[k.min(xi.len() - 1)]];
            let (fs, fe, xs, xe) = (
                t.start as usize,
                t.end as usize,
                u.start as usize,
                u.end as usize,
            );
            if a.exact_spaces && f[fs..fe] != x[xs..xe] {
                // Equal whitespace runs of different lengths: the surplus of F is found
                // nowhere, the surplus of X is missing from F.
                let mut fc = f[fs..fe].char_indices().peekable();
                let mut xc = x[xs..xe].char_indices().peekable();
                while let (Some(&(i, c)), Some(&(j, d))) = (fc.peek(), xc.peek()) {
                    let (ci, dj) = (fs + i + c.len_utf8(), xs + j + d.len_utf8());
                    if c == d {
                        pair(&mut a.matched, &mut a.map, fs + i, ci, xs + j, dj);
                    } else {
                        // A tab for a space, a no-break space for a space: which one
                        // each view keeps is for the exact solution to say.
                        push_missing(&mut a.missing, fs + i, xs + j, dj);
                    }
                    fc.next();
                    xc.next();
                }
                if let Some(&(j, _)) = xc.peek() {
                    push_missing(&mut a.missing, fe, xs + j, xe);
                }
            } else {
                pair(&mut a.matched, &mut a.map, fs, fe, xs, xe);
            }
            k += 1;
        }
    }
    for hunk in diff.hunks() {
        if hunk.before.is_empty() {
            continue;
        }
        let xa = xt[xi[hunk.before.start as usize]].start as usize;
        let xb = xt[xi[hunk.before.end as usize - 1]].end as usize;
        if hunk.after.is_empty() {
            let at = fi
                .get(hunk.after.start as usize)
                .map_or(f_end, |&i| ft[i].start as usize);
            push_missing(&mut a.missing, at, xa, xb);
            continue;
        }
        let fa = ft[fi[hunk.after.start as usize]].start as usize;
        let fb = ft[fi[hunk.after.end as usize - 1]].end as usize;
        refine(
            f,
            fa,
            fb,
            x,
            xa,
            xb,
            &mut a.matched,
            &mut a.map,
            &mut a.missing,
        );
    }
}

/// Lines as token ranges: each ends with a whitespace token holding a line end.
fn token_lines(text: &str, toks: &[Tok]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, t) in toks.iter().enumerate() {
        let s = &text[t.start as usize..t.end as usize];
        if s.contains('\n') && s.trim().is_empty() {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < toks.len() {
        out.push(start..toks.len());
    }
    out
}

/// Whole lines inserted next to a changed line draw the token alignment across lines
/// (the label `b)` of a new item matched with the label of the old item `bd)`). Where
/// several lines of F share one line of X, the lines are paired by their common words
/// and aligned pair by pair.
fn repair_lines(
    f: &str,
    ft: &[Tok],
    x: &str,
    xt: &[Tok],
    interner: &mut Interner<'_>,
    a: &mut Alignment,
) {
    let fl = token_lines(f, ft);
    let xl = token_lines(x, xt);
    if fl.len() < 2 || xl.is_empty() {
        return;
    }
    let x_starts: Vec<usize> = xl.iter().map(|r| xt[r.start].start as usize).collect();
    let x_line = |byte: u32| {
        x_starts
            .partition_point(|&s| s <= byte as usize)
            .saturating_sub(1)
    };
    let spans: Vec<Option<(usize, usize)>> = fl
        .iter()
        .map(|r| {
            let (s, e) = (ft[r.start].start as usize, ft[r.end - 1].end as usize);
            let mut span: Option<(usize, usize)> = None;
            for i in s..e {
                let m = a.map[i];
                if m == u32::MAX || f.as_bytes()[i].is_ascii_whitespace() {
                    continue;
                }
                let l = x_line(m);
                span = Some(span.map_or((l, l), |(lo, hi)| (lo.min(l), hi.max(l))));
            }
            span
        })
        .collect();
    let mut i = 0;
    while i < fl.len() {
        let Some((lo, mut hi)) = spans[i] else {
            i += 1;
            continue;
        };
        let mut j = i + 1;
        let mut shared = false;
        loop {
            let mut k = j;
            while k < fl.len() && spans[k].is_none() {
                k += 1;
            }
            match spans.get(k).copied().flatten() {
                Some((l2, h2)) if l2 <= hi => {
                    shared = true;
                    hi = hi.max(h2);
                    j = k + 1;
                }
                _ => break,
            }
        }
        if shared && j - i <= 64 && hi - lo < 64 {
            realign(f, ft, &fl[i..j], x, xt, &xl[lo..=hi], interner, a);
        }
        i = j;
    }
}

#[allow(clippy::too_many_arguments)]
fn realign(
    f: &str,
    ft: &[Tok],
    flines: &[Range<usize>],
    x: &str,
    xt: &[Tok],
    xlines: &[Range<usize>],
    interner: &mut Interner<'_>,
    a: &mut Alignment,
) {
    let fa = ft[flines[0].start].start as usize;
    let fb = ft[flines[flines.len() - 1].end - 1].end as usize;
    let xa = xt[xlines[0].start].start as usize;
    let xb = xt[xlines[xlines.len() - 1].end - 1].end as usize;
    a.matched[fa..fb].fill(false);
    a.map[fa..fb].fill(u32::MAX);
    a.missing.retain(|m| !(m.x_start >= xa && m.x_end <= xb));
    mark_markers(ft, flines[0].start..flines[flines.len() - 1].end, a);
    let words = |toks: &[Tok], r: &Range<usize>, text: &str| -> Vec<u32> {
        let mut v: Vec<u32> = toks[r.clone()]
            .iter()
            .filter(|t| {
                t.key != MARKER_KEY && !text[t.start as usize..t.end as usize].trim().is_empty()
            })
            .map(|t| t.key)
            .collect();
        v.sort_unstable();
        v
    };
    let fw: Vec<Vec<u32>> = flines.iter().map(|r| words(ft, r, f)).collect();
    let xw: Vec<Vec<u32>> = xlines.iter().map(|r| words(xt, r, x)).collect();
    let common = |a: &[u32], b: &[u32]| {
        let (mut i, mut j, mut n) = (0, 0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    n += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        n
    };
    let (k, m) = (flines.len(), xlines.len());
    // best[i][j]: most common words pairing the first i lines of F with the first j of X.
    let mut best = vec![vec![0usize; m + 1]; k + 1];
    for i in 1..=k {
        for j in 1..=m {
            let sim = common(&fw[i - 1], &xw[j - 1]);
            let diag = if sim > 0 { best[i - 1][j - 1] + sim } else { 0 };
            best[i][j] = best[i - 1][j].max(best[i][j - 1]).max(diag);
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (k, m);
    while i > 0 && j > 0 {
        let sim = common(&fw[i - 1], &xw[j - 1]);
        if sim > 0 && best[i][j] == best[i - 1][j - 1] + sim {
            pairs.push((i - 1, j - 1));
            i -= 1;
            j -= 1;
        } else if best[i][j] == best[i - 1][j] {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    pairs.reverse();
    let f_start = |i: usize| ft[flines[i].start].start as usize;
    let x_bytes = |j: usize| {
        (
            xt[xlines[j].start].start as usize,
            xt[xlines[j].end - 1].end as usize,
        )
    };
    let mut next_x = 0;
    for &(i, j) in &pairs {
        for u in next_x..j {
            let (s, e) = x_bytes(u);
            push_missing(&mut a.missing, f_start(i), s, e);
        }
        let f_end = ft[flines[i].end - 1].end as usize;
        align_tokens(
            f,
            ft,
            flines[i].clone(),
            f_end,
            x,
            xt,
            xlines[j].clone(),
            interner,
            // One line against one line: Myers needs no table over all tokens.
            Algorithm::Myers,
            a,
        );
        next_x = j + 1;
    }
    for u in next_x..m {
        let (s, e) = x_bytes(u);
        push_missing(&mut a.missing, fb, s, e);
    }
    a.missing.sort_by_key(|m| (m.at, m.x_start));
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
    if xc.len() <= fc.len() && fc.len() <= SUBSTRING_LIMIT {
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

    fn run(f: &str, x: &str) -> (String, Vec<String>) {
        let mut interner = Interner::default();
        let a = align(f, x, &mut interner, false);
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
