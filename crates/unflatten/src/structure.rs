//! Structure evidence: items whose labels repeat labels of their neighbours (the second
//! `vii)` and `viii)` of the seed) are old items left beside their replacements when the
//! label sequence continues consecutively without them.

use std::collections::HashMap;

use amend_model::EvidenceKind;

use crate::MarkKind;
use crate::evidence::Ctx;
use crate::labels::{Family, Seq, leading_label};

/// Best results by (item, expected ordinal): items kept, and whether this one is.
type Memo = HashMap<(usize, Option<u32>), Option<(usize, bool)>>;

struct Entry {
    line: (usize, usize),
    ordinal: u32,
    removable: bool,
}

pub(crate) fn structure(ctx: &mut Ctx<'_>, lines: &[(usize, usize)]) {
    let f = ctx.f;
    let mut lists: HashMap<Family, Vec<Entry>> = HashMap::new();
    let mut seq = Seq::default();
    let mut deletions = Vec::new();
    let marked = Marked::new(&ctx.marked);
    for (n, &(ls, le)) in lines.iter().enumerate() {
        let line = &f[ls..le];
        let label = leading_label(line);
        let is_break = label.is_none() && !line.trim().is_empty();
        if is_break || n + 1 == lines.len() {
            if let Some(l) = label {
                push_entry(ctx, &marked, &mut seq, &mut lists, ls, le, l);
            }
            for (_, list) in lists.drain() {
                deletions.extend(solve(&list));
            }
            seq.reset();
            continue;
        }
        if let Some(l) = label {
            push_entry(ctx, &marked, &mut seq, &mut lists, ls, le, l);
        }
    }
    for (ls, le) in deletions {
        let end = if le < f.len() { le + 1 } else { le };
        ctx_delete(ctx, ls, end);
    }
}

fn ctx_delete(ctx: &mut Ctx<'_>, start: usize, end: usize) {
    for i in start..end {
        if ctx.found[i] && ctx.cells[i].mark == MarkKind::Kept {
            ctx.cells[i] = crate::Cell {
                mark: ctx.counter,
                evidence: EvidenceKind::Structure,
                confidence: 80,
                detail: 5,
            };
        }
    }
}

/// The ranges a rule marked, sorted and merged, for asking whether a line holds any.
struct Marked(Vec<(usize, usize)>);

impl Marked {
    fn new(ranges: &[(usize, usize)]) -> Marked {
        let mut sorted = ranges.to_vec();
        sorted.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(sorted.len());
        for (s, e) in sorted {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        Marked(merged)
    }

    fn any_in(&self, start: usize, end: usize) -> bool {
        let k = self.0.partition_point(|r| r.1 <= start);
        self.0.get(k).is_some_and(|r| r.0 < end)
    }
}

#[allow(clippy::too_many_arguments)]
fn push_entry(
    ctx: &Ctx<'_>,
    marked: &Marked,
    seq: &mut Seq,
    lists: &mut HashMap<Family, Vec<Entry>>,
    ls: usize,
    le: usize,
    label: crate::labels::LineLabel,
) {
    if label.suffixed {
        return;
    }
    let cs = ls + label.core_start;
    let ce = ls + label.core_end;
    let accepted: String = ctx.f[cs..ce]
        .char_indices()
        .filter(|&(i, _)| {
            matches!(
                ctx.cells[cs + i].mark,
                MarkKind::Kept | MarkKind::Inserted | MarkKind::Undecided
            )
        })
        .map(|(_, c)| c)
        .collect();
    let Some((family, ordinal)) = seq.classify(&accepted) else {
        return;
    };
    seq.push(&accepted);
    // Untouched: all found, and no rule marked any of it (found text is kept until then).
    let removable = ctx.found[ls..le].iter().all(|&found| found) && !marked.any_in(ls, le);
    lists.entry(family).or_default().push(Entry {
        line: (ls, le),
        ordinal,
        removable,
    });
}

/// The items to delete so that the sequence runs consecutively, keeping the most items,
/// keeping the last one, and deleting only untouched items whose label repeats a kept one.
fn solve(list: &[Entry]) -> Vec<(usize, usize)> {
    let n = list.len();
    if !(3..=400).contains(&n) || !list.iter().any(|e| e.removable) {
        return Vec::new();
    }
    let mut memo: Memo = HashMap::new();
    fn best(
        list: &[Entry],
        i: usize,
        expected: Option<u32>,
        memo: &mut Memo,
    ) -> Option<(usize, bool)> {
        if i == list.len() {
            return Some((0, true));
        }
        if let Some(&r) = memo.get(&(i, expected)) {
            return r;
        }
        let e = &list[i];
        let mut result: Option<(usize, bool)> = None;
        if expected.is_none_or(|x| x == e.ordinal)
            && let Some((k, _)) = best(list, i + 1, Some(e.ordinal + 1), memo)
        {
            result = Some((k + 1, true));
        }
        if e.removable
            && i + 1 < list.len()
            && let Some((k, _)) = best(list, i + 1, expected, memo)
            && result.is_none_or(|(r, _)| k > r)
        {
            result = Some((k, false));
        }
        memo.insert((i, expected), result);
        result
    }
    if best(list, 0, None, &mut memo).is_none() {
        return Vec::new();
    }
    let mut deleted = Vec::new();
    let mut kept_ordinals = Vec::new();
    let mut expected = None;
    for (i, e) in list.iter().enumerate() {
        let Some((_, keep)) = best(list, i, expected, &mut memo) else {
            return Vec::new();
        };
        if keep {
            kept_ordinals.push(e.ordinal);
            expected = Some(e.ordinal + 1);
        } else {
            deleted.push(i);
        }
    }
    if deleted
        .iter()
        .any(|&i| !kept_ordinals.contains(&list[i].ordinal))
    {
        return Vec::new();
    }
    deleted.into_iter().map(|i| list[i].line).collect()
}
