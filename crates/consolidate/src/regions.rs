//! Inside one unit: each source's edits as byte ranges of the base text, grouped into
//! regions of overlapping edits; each region has one version per source that touches
//! it. One version is a single change or an agreement; several are a conflict.

use amend_diff::{Edit as WordEdit, diff_words};
use amend_model::{Change, ChangeKind, Content, Span};

use crate::units::Proposed;
use crate::{ChangeType, Classification, Options, UnitChange};

/// One source's edit of a unit: base bytes `start..end` replaced by `new`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Edit {
    pub start: usize,
    pub end: usize,
    pub new: String,
    /// The whole unit deleted.
    pub whole: bool,
}

/// The edits that turn `base` into what the source proposes.
pub(crate) fn edits(base: &str, proposed: &Proposed) -> Vec<Edit> {
    match proposed {
        Proposed::Deleted => vec![Edit {
            start: 0,
            end: base.len(),
            new: String::new(),
            whole: true,
        }],
        Proposed::Text(text) if text == base => Vec::new(),
        Proposed::Text(text) => {
            let origin = base.as_ptr() as usize;
            diff_words(base, text)
                .into_iter()
                .filter_map(|e| match e {
                    WordEdit::Replace { old, new } => {
                        // `old` is a slice of `base`: its offset is exact.
                        let start = (old.as_ptr() as usize)
                            .saturating_sub(origin)
                            .min(base.len());
                        Some(Edit {
                            start,
                            end: (start + old.len()).min(base.len()),
                            new: new.to_string(),
                            whole: false,
                        })
                    }
                    WordEdit::Equal(_) => None,
                })
                .collect()
        }
    }
}

fn overlaps(a: &Edit, b: &Edit) -> bool {
    if a.whole || b.whole {
        return true;
    }
    let point = |e: &Edit| e.start == e.end;
    match (point(a), point(b)) {
        (true, true) => a.start == b.start,
        // An insertion at the edge of another source's replacement changes the same
        // words' neighbourhood in an order nobody chose: a conflict.
        (true, false) => b.start <= a.start && a.start <= b.end,
        (false, true) => a.start <= b.start && b.start <= a.end,
        (false, false) => a.start < b.end && b.start < a.end,
    }
}

/// One version of a region: its text and the sources that propose it.
#[derive(Debug, Clone)]
pub(crate) struct Version {
    pub sources: Vec<usize>,
    pub text: String,
    /// The whole unit deleted.
    pub deleted: bool,
}

/// Overlapping edits of one or more sources.
#[derive(Debug, Clone)]
pub(crate) struct Region {
    pub start: usize,
    pub end: usize,
    pub versions: Vec<Version>,
}

/// Text compared up to kinds of space and hyphen.
pub(crate) fn normalized(text: &str) -> String {
    text.replace(['\u{2011}', '\u{2010}'], "-")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The regions of a unit from every source's edits (`per_source[s]`, sorted).
pub(crate) fn regions(base: &str, per_source: &[Vec<Edit>]) -> Vec<Region> {
    let mut all: Vec<(usize, &Edit)> = per_source
        .iter()
        .enumerate()
        .flat_map(|(s, es)| es.iter().map(move |e| (s, e)))
        .collect();
    all.sort_by_key(|(s, e)| (e.start, e.end, *s));
    let mut groups: Vec<Vec<(usize, &Edit)>> = Vec::new();
    if all.iter().any(|(_, e)| e.whole) {
        // A whole-unit deletion overlaps every other edit of the unit.
        groups.push(all.clone());
        all.clear();
    }
    for (s, e) in all {
        let joins = groups
            .last()
            .is_some_and(|g| g.iter().any(|(_, m)| overlaps(m, e)));
        if joins {
            if let Some(g) = groups.last_mut() {
                g.push((s, e));
            }
        } else {
            groups.push(vec![(s, e)]);
        }
    }
    groups
        .into_iter()
        .map(|members| {
            let start = members.iter().map(|(_, e)| e.start).min().unwrap_or(0);
            let end = members.iter().map(|(_, e)| e.end).max().unwrap_or(0);
            let mut sources: Vec<usize> = members.iter().map(|(s, _)| *s).collect();
            sources.sort_unstable();
            sources.dedup();
            let mut versions: Vec<Version> = Vec::new();
            for s in sources {
                let mine: Vec<&Edit> = members
                    .iter()
                    .filter(|(m, _)| *m == s)
                    .map(|(_, e)| *e)
                    .collect();
                let deleted = mine.iter().any(|e| e.whole);
                let text = if deleted {
                    String::new()
                } else {
                    apply(base, start, end, &mine)
                };
                let key = normalized(&text);
                match versions
                    .iter_mut()
                    .find(|v| v.deleted == deleted && normalized(&v.text) == key)
                {
                    Some(v) => v.sources.push(s),
                    None => versions.push(Version {
                        sources: vec![s],
                        text,
                        deleted,
                    }),
                }
            }
            Region {
                start,
                end,
                versions,
            }
        })
        .collect()
}

/// `base[start..end]` with the edits (inside that range, in order) applied.
fn apply(base: &str, start: usize, end: usize, edits: &[&Edit]) -> String {
    let mut out = String::new();
    let mut at = start;
    for e in edits {
        if e.start < at {
            continue;
        }
        out.push_str(&base[at..e.start]);
        out.push_str(&e.new);
        at = e.end;
    }
    out.push_str(&base[at.min(end)..end]);
    out
}

/// The classification of a unit from its regions.
pub(crate) fn classify(regions: &[Region], per_source: &[Vec<Edit>]) -> Classification {
    let touching: Vec<usize> = (0..per_source.len())
        .filter(|&s| !per_source[s].is_empty())
        .collect();
    if touching.is_empty() {
        return Classification::Untouched;
    }
    if regions.iter().any(|r| r.versions.len() > 1) {
        return Classification::Conflict;
    }
    if touching
        .iter()
        .all(|&s| per_source[s].iter().any(|e| e.whole))
    {
        return Classification::Suppressed;
    }
    if touching.len() == 1 {
        return Classification::Single;
    }
    if regions
        .iter()
        .all(|r| r.versions.iter().all(|v| v.sources == touching))
    {
        Classification::Agreement
    } else {
        Classification::Mergeable
    }
}

/// The changes of a unit for the report.
pub(crate) fn changes(base: &str, regions: &[Region], names: &[String]) -> Vec<UnitChange> {
    let mut out = Vec::new();
    let mut conflicts = 0;
    for r in regions {
        let conflict = if r.versions.len() > 1 {
            conflicts += 1;
            Some(conflicts)
        } else {
            None
        };
        let old = &base[r.start..r.end];
        for v in &r.versions {
            let kind = if v.deleted {
                ChangeType::NodeDeleted
            } else if old.is_empty() {
                ChangeType::Insertion
            } else if v.text.is_empty() {
                ChangeType::Deletion
            } else {
                ChangeType::Replacement
            };
            out.push(UnitChange {
                sources: v.sources.iter().map(|&s| names[s].clone()).collect(),
                kind,
                old: old.to_string(),
                new: v.text.clone(),
                conflict,
            });
        }
    }
    out
}

/// A change mark attributed to sources.
pub(crate) fn mark(kind: ChangeKind, sources: &str, options: &Options) -> Change {
    let mut c = Change::new(kind);
    c.source = Some(sources.to_string());
    c.author = Some(sources.to_string());
    c.date = options.date.clone();
    c
}

/// The names of sources, joined for attribution (`CITEL, CEPT`).
pub(crate) fn joined(sources: &[usize], names: &[String]) -> String {
    sources
        .iter()
        .map(|&s| names[s].as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The detail on the base text a conflict replaces.
pub(crate) const CONFLICT: &str = "conflict";

/// The merged content of a unit: agreed and single changes applied and attributed,
/// conflicts as a deletion of the base text followed by one alternative per version.
pub(crate) fn merged_content(
    base: &str,
    regions: &[Region],
    names: &[String],
    options: &Options,
) -> Content {
    let mut spans: Vec<Span> = Vec::new();
    let mut push = |span: Span| {
        if let Some(last) = spans.last_mut()
            && last.change == span.change
            && span
                .change
                .as_ref()
                .is_none_or(|c| c.kind != ChangeKind::Alternative)
        {
            last.text.push_str(&span.text);
            return;
        }
        if span.text.is_empty()
            && span
                .change
                .as_ref()
                .is_none_or(|c| c.kind != ChangeKind::Alternative)
        {
            return;
        }
        spans.push(span);
    };
    let mut at = 0;
    for r in regions {
        if r.start > at {
            push(Span::plain(&base[at..r.start]));
        }
        let old = &base[r.start..r.end];
        if r.versions.len() == 1 {
            let v = &r.versions[0];
            let who = joined(&v.sources, names);
            push(Span::marked(old, mark(ChangeKind::Deletion, &who, options)));
            push(Span::marked(
                v.text.clone(),
                mark(ChangeKind::Insertion, &who, options),
            ));
        } else {
            let all: Vec<usize> = r.versions.iter().flat_map(|v| v.sources.clone()).collect();
            let mut del = mark(ChangeKind::Deletion, &joined(&all, names), options);
            del.detail = Some(CONFLICT.to_string());
            push(Span::marked(old, del));
            for v in &r.versions {
                let mut alt = mark(ChangeKind::Alternative, &joined(&v.sources, names), options);
                if v.deleted {
                    alt.detail = Some("deletion".to_string());
                }
                push(Span::marked(v.text.clone(), alt));
            }
        }
        at = r.end.max(at);
    }
    if at < base.len() {
        push(Span::plain(&base[at..]));
    }
    Content { spans }
}

/// The base text with one source's edits marked (for the synoptic table).
pub(crate) fn marked_version(base: &str, edits: &[Edit], who: &str, options: &Options) -> Content {
    let mut out = Content::new();
    let mut at = 0;
    for e in edits {
        if e.start < at {
            continue;
        }
        out.push(Span::plain(&base[at..e.start]));
        out.push(Span::marked(
            &base[e.start..e.end],
            mark(ChangeKind::Deletion, who, options),
        ));
        out.push(Span::marked(
            e.new.as_str(),
            mark(ChangeKind::Insertion, who, options),
        ));
        at = e.end;
    }
    out.push(Span::plain(&base[at.min(base.len())..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Proposed {
        Proposed::Text(t.to_string())
    }

    #[test]
    fn edits_are_byte_ranges_of_the_base() {
        let base = "to act quickly and well";
        let e = edits(base, &text("to act now and well"));
        assert_eq!(e.len(), 1);
        assert_eq!(&base[e[0].start..e[0].end], "quickly");
        assert_eq!(e[0].new, "now");
    }

    #[test]
    fn same_edits_agree_and_different_ones_conflict() {
        let base = "to act quickly and well";
        let a = edits(base, &text("to act now and well"));
        let b = edits(base, &text("to act now and well"));
        let c = edits(base, &text("to act at once and well"));
        let r = regions(base, &[a.clone(), b.clone()]);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].versions.len(), 1);
        assert_eq!(classify(&r, &[a.clone(), b]), Classification::Agreement);
        let r = regions(base, &[a.clone(), c.clone()]);
        assert_eq!(r[0].versions.len(), 2);
        assert_eq!(classify(&r, &[a, c]), Classification::Conflict);
    }

    #[test]
    fn disjoint_edits_merge() {
        let base = "to act quickly and well in every case";
        let a = edits(base, &text("to act now and well in every case"));
        let b = edits(base, &text("to act quickly and well in all cases"));
        let per = [a, b];
        let r = regions(base, &per);
        assert_eq!(r.len(), 2);
        assert_eq!(classify(&r, &per), Classification::Mergeable);
        let names = ["A".to_string(), "B".to_string()];
        let merged = merged_content(base, &r, &names, &Options::default());
        assert_eq!(merged.accepted(), "to act now and well in all cases");
        assert_eq!(merged.rejected(), base);
    }

    #[test]
    fn a_deletion_against_an_edit_is_a_conflict() {
        let base = "to act quickly";
        let per = [
            edits(base, &Proposed::Deleted),
            edits(base, &text("to act now")),
        ];
        let r = regions(base, &per);
        assert_eq!(classify(&r, &per), Classification::Conflict);
        let per = [
            edits(base, &Proposed::Deleted),
            edits(base, &Proposed::Deleted),
        ];
        let r = regions(base, &per);
        assert_eq!(classify(&r, &per), Classification::Suppressed);
    }
}
