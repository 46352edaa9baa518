//! Numbering: each level's sequence (letters, roman, arabic, decimal, bis/ter), doubled
//! labels left by flattening (`bd)`, `b) a)`), items out of sequence, labels to reletter
//! after an insertion or deletion, and the separator after labels.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use amend_model::label::{alpha_value, roman_value, suffix_rank, to_alpha, to_roman};
use amend_model::{Document, Item, Label, Scheme, Section, SectionKind, SourceSpan};
use regex::Regex;

use crate::base::BaseIndex;
use crate::{CheckOptions, Diagnostic, Edit, Fix};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Family {
    Alpha,
    Roman,
    Arabic,
    Decimal(usize),
}

impl Family {
    fn name(self) -> &'static str {
        match self {
            Family::Alpha => "letters",
            Family::Roman => "roman numerals",
            Family::Arabic => "numbers",
            Family::Decimal(_) => "decimal numbers",
        }
    }
}

/// One component of a decimal label: `1bis` is (1, Some("bis")).
type Component = (u32, Option<String>);

/// A labelled item in a sequence.
struct Entry<'a> {
    item: &'a Item,
    label: &'a Label,
    family: Family,
    /// Ordinal and suffix as written (decimal: of the last component).
    value: Option<(u32, Option<String>)>,
    /// The two labels of a doubled label, as ordinals.
    doubled: Option<(String, String)>,
    /// Decimal components as written.
    components: Vec<Component>,
    /// The label's input span.
    span: SourceSpan,
}

static SUFFIXED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d+)(bis|ter|quater|quinquies|sexies|septies)?$").expect("component pattern")
});
static LETTERS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z]+").expect("letters pattern"));
static LABEL_SHAPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\(?)([A-Za-z]+|[\dA-Za-z.]*\d[\dA-Za-z]*)(\)|\.)?((?:bis|ter|quater|quinquies|sexies|septies)?)")
        .expect("label shape pattern")
});
static DIVISION_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:SECTION|Section|PART|Part|CHAPTER|Chapter)\s+(\d+)(bis|ter|quater)?\s*$")
        .expect("division number pattern")
});

pub fn check(doc: &Document, options: &CheckOptions, out: &mut Vec<Diagnostic>) {
    let base = options.base.map(BaseIndex::new);
    for resolution in doc.resolutions() {
        for section in &resolution.sections {
            let prefix = division_prefix(section);
            list(
                section,
                &section.items,
                prefix.as_deref(),
                base.as_ref(),
                out,
            );
        }
    }
    if let Some(source) = options.source {
        separators(doc, source, out);
    }
}

fn division_prefix(section: &Section) -> Option<Vec<Component>> {
    if section.kind != SectionKind::Division {
        return None;
    }
    let heading = section.heading.accepted();
    let caps = DIVISION_NUMBER.captures(&heading)?;
    Some(vec![(
        caps[1].parse().ok()?,
        caps.get(2).map(|m| m.as_str().to_string()),
    )])
}

fn components(text: &str) -> Option<Vec<Component>> {
    let core = text
        .trim()
        .trim_end_matches(['.', ')'])
        .trim_start_matches('(');
    core.split('.')
        .map(|part| {
            let caps = SUFFIXED.captures(part)?;
            Some((
                caps[1].parse().ok()?,
                caps.get(2).map(|m| m.as_str().to_string()),
            ))
        })
        .collect()
}

fn entry<'a>(item: &'a Item) -> Option<Entry<'a>> {
    let label = item.label.as_ref()?;
    let text = label.text();
    let span = label.written.src().unwrap_or(item.span);
    let Some(value) = &label.value else {
        // A doubled label: two letter labels run together.
        let groups: Vec<&str> = LETTERS.find_iter(&text).map(|m| m.as_str()).collect();
        let pair = match groups.as_slice() {
            [one] if one.chars().count() == 2 => {
                let mut cs = one.chars();
                let a = cs.next()?.to_string();
                let b = cs.next()?.to_string();
                (a, b)
            }
            [a, b] => (a.to_string(), b.to_string()),
            _ => return None,
        };
        return Some(Entry {
            item,
            label,
            family: Family::Alpha,
            value: None,
            doubled: Some(pair),
            components: Vec::new(),
            span,
        });
    };
    let comps = match value.scheme {
        Scheme::Decimal | Scheme::Arabic => components(&text).unwrap_or_default(),
        _ => Vec::new(),
    };
    // The layout keeps only the last number in `numbers`: count the written components.
    let family = match value.scheme {
        Scheme::LowerAlpha | Scheme::UpperAlpha => Family::Alpha,
        Scheme::LowerRoman | Scheme::UpperRoman => Family::Roman,
        Scheme::Arabic => Family::Arabic,
        Scheme::Decimal => Family::Decimal(comps.len().max(2)),
        Scheme::Bullet => return None,
    };
    let (ordinal, suffix) = match family {
        Family::Decimal(_) | Family::Arabic if !comps.is_empty() => comps.last().cloned()?,
        _ => (value.ordinal(), value.suffix.clone()),
    };
    Some(Entry {
        item,
        label,
        family,
        value: Some((ordinal, suffix)),
        doubled: None,
        components: comps,
        span,
    })
}

fn ordinal_of(family: Family, letters: &str) -> Option<u32> {
    let lower = letters.to_ascii_lowercase();
    match family {
        Family::Roman => roman_value(&lower).or_else(|| alpha_value(&lower)),
        _ => alpha_value(&lower),
    }
}

fn list(
    section: &Section,
    items: &[Item],
    prefix: Option<&[Component]>,
    base: Option<&BaseIndex>,
    out: &mut Vec<Diagnostic>,
) {
    let entries: Vec<Entry> = items.iter().filter_map(entry).collect();
    // Families in order of first appearance.
    let mut families: Vec<Family> = Vec::new();
    for e in &entries {
        if !families.contains(&e.family) {
            families.push(e.family);
        }
    }
    if families.len() > 1 {
        let main = families[0];
        if let Some(first_other) = entries.iter().find(|e| e.family != main) {
            let first_main = entries.iter().find(|e| e.family == main).map(|e| e.span);
            let mut d = Diagnostic::error(
                "numbering/mixed",
                first_other.span,
                format!(
                    "`{}` numbers with {} in a list numbered with {}",
                    first_other.label.text(),
                    first_other.family.name(),
                    main.name()
                ),
            )
            .with_label(format!("{} here", first_other.family.name()));
            if let Some(s) = first_main {
                d = d.with_secondary(s, format!("the list starts with {}", main.name()));
            }
            out.push(d);
        }
    }
    for family in families {
        let seq: Vec<&Entry> = entries.iter().filter(|e| e.family == family).collect();
        sequence(section, family, &seq, prefix, base, out);
    }
    for item in items {
        if item.children.is_empty() {
            continue;
        }
        let child_prefix = item
            .label
            .as_ref()
            .and_then(|l| components(&l.text()))
            .filter(|c| c.len() > 1 || item.children.iter().any(is_decimal));
        list(section, &item.children, child_prefix.as_deref(), base, out);
    }
}

fn is_decimal(item: &Item) -> bool {
    item.label
        .as_ref()
        .and_then(|l| l.value.as_ref())
        .is_some_and(|v| v.scheme == Scheme::Decimal)
}

fn rank(suffix: &Option<String>) -> u32 {
    suffix.as_deref().map_or(0, suffix_rank)
}

fn sequence(
    section: &Section,
    family: Family,
    seq: &[&Entry],
    prefix: Option<&[Component]>,
    base: Option<&BaseIndex>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(first) = seq.first() else { return };
    let start: u32 = match (&first.value, family) {
        (Some((0, _)), Family::Decimal(_)) => 0,
        _ => 1,
    };
    // The prefix every decimal label of this level must carry.
    let expected_prefix: Option<Vec<Component>> = match family {
        Family::Decimal(n) => prefix.filter(|p| p.len() + 1 == n).map(<[_]>::to_vec),
        _ => None,
    };
    let mut prev: Option<(u32, u32)> = None;
    let mut seen: HashMap<(u32, u32), SourceSpan> = HashMap::new();
    let mut position: Option<u32> = None;
    for e in seq {
        // What this entry's ordinal is taken to be.
        let (ord, suffix, doubled_note) = match (&e.value, &e.doubled) {
            (Some((o, s)), _) => (*o, s.clone(), None),
            (None, Some((a, b))) => {
                let oa = ordinal_of(family, a).unwrap_or(0);
                let ob = ordinal_of(family, b).unwrap_or(0);
                let want = prev.map_or(start, |(p, _)| p + 1);
                let from_base = base.and_then(|b| b.label_for(section, e.item));
                let (old, new) = match from_base.as_deref() {
                    Some(l) if l == a.as_str() => (a, b),
                    Some(l) if l == b.as_str() => (b, a),
                    _ if ob == want => (a, b),
                    _ if oa == want => (b, a),
                    _ if ob >= oa => (a, b),
                    _ => (b, a),
                };
                let new_ord = ordinal_of(family, new).unwrap_or(0);
                (
                    new_ord,
                    None,
                    Some((old.clone(), new.clone(), from_base.is_some())),
                )
            }
            _ => continue,
        };
        let r = rank(&suffix);
        // Position-based label: what renumbering the sequence gives.
        let position = *position.insert(match position {
            Some(p) if r > 0 => p,
            Some(p) => p + 1,
            None => start,
        });
        let expected_suffix = if r > 0 { suffix.clone() } else { None };
        let expected = relabel(
            e,
            family,
            expected_prefix.as_deref(),
            position,
            &expected_suffix,
        );
        let written = e.label.text();
        let fix = (expected != written.trim()).then(|| Fix {
            description: format!("renumber: `{}` becomes `{expected}`", written.trim()),
            edits: vec![Edit {
                span: e.span,
                replacement: expected.clone(),
            }],
            safe: true,
        });

        // Doubled labels.
        if let Some((old, new, decided)) = &doubled_note {
            let mut d = Diagnostic::error(
                "numbering/doubled-label",
                e.span,
                format!("`{written}` holds two labels run together: `{old})` and `{new})`"),
            )
            .with_label("an old and a new label side by side");
            if *decided {
                d = d.with_help(format!(
                    "the base text labels this item `{old})`; the proposal relabels it `{new})`"
                ));
                if let Some(f) = fix.clone() {
                    d = d.with_fix(f);
                } else {
                    d = d.with_fix(Fix {
                        description: format!("keep the new label `{expected}`"),
                        edits: vec![Edit {
                            span: e.span,
                            replacement: expected.clone(),
                        }],
                        safe: true,
                    });
                }
            } else {
                d = d.with_help(format!(
                    "candidates: `{a})` or `{b})`; the sequence suggests `{new})`; run with --base to fix",
                    a = old,
                    b = new
                ));
            }
            out.push(d);
            seen.insert((ord, r), e.span);
            prev = Some((ord, r));
            continue;
        }

        // Decimal labels under the wrong parent.
        if let Some(p) = &expected_prefix {
            let head = &e.components[..e.components.len().saturating_sub(1)];
            if head != p.as_slice() {
                let mut d = Diagnostic::error(
                    "numbering/out-of-sequence",
                    e.span,
                    format!(
                        "`{written}` stands under `{}`",
                        p.iter()
                            .map(|(n, s)| format!("{n}{}", s.as_deref().unwrap_or("")))
                            .collect::<Vec<_>>()
                            .join(".")
                    ),
                )
                .with_label("wrong parent number");
                if let Some(f) = fix.clone() {
                    d = d.with_fix(f);
                }
                out.push(d);
                seen.insert((ord, r), e.span);
                prev = Some((ord, r));
                continue;
            }
        }

        let earlier = seen.get(&(ord, r)).copied();
        let kind = match prev {
            _ if earlier.is_some() && prev.is_some_and(|(p, pr)| (ord, r) >= (p, pr)) => {
                Some("numbering/duplicate")
            }
            _ if earlier.is_some() => Some("numbering/out-of-sequence"),
            None if ord != start || r > 0 => Some("numbering/missing"),
            None => None,
            Some((p, _)) if r == 0 && ord == p + 1 => None,
            Some((p, pr)) if r > 0 && ord == p && r > pr => None,
            Some((p, _)) if ord > p + 1 || (ord == p + 1 && r > 0) => Some("numbering/missing"),
            Some(_) => Some("numbering/out-of-sequence"),
        };
        let fmt_prev = |p: (u32, u32)| {
            let s = seq
                .iter()
                .find(|x| seen.get(&p) == Some(&x.span))
                .map(|x| x.label.text());
            s.unwrap_or_default()
        };
        match kind {
            Some(code) => {
                let message = match code {
                    "numbering/duplicate" => format!("`{written}` repeats an earlier label"),
                    "numbering/missing" if prev.is_none() => format!(
                        "the sequence starts at `{written}`, not at `{}`",
                        relabel(e, family, expected_prefix.as_deref(), start, &None)
                    ),
                    "numbering/missing" => format!(
                        "`{written}` follows `{}`: a label is missing between them",
                        prev.map(fmt_prev).unwrap_or_default()
                    ),
                    _ => match earlier {
                        Some(_) => format!(
                            "`{written}` is out of sequence after `{}` and repeats an earlier label",
                            prev.map(fmt_prev).unwrap_or_default()
                        ),
                        None => format!(
                            "`{written}` is out of sequence after `{}`",
                            prev.map(fmt_prev).unwrap_or_default()
                        ),
                    },
                };
                let mut d = Diagnostic::error(code, e.span, message).with_label(match code {
                    "numbering/duplicate" => "second use of this label",
                    "numbering/missing" => "gap before this label",
                    _ => "out of sequence",
                });
                if let Some(at) = earlier {
                    d = d.with_secondary(at, "first used here");
                }
                if let Some(f) = fix {
                    d = d.with_fix(f);
                }
                out.push(d);
            }
            None => {
                if let Some(f) = fix {
                    out.push(
                        Diagnostic::warning(
                            "numbering/reletter",
                            e.span,
                            format!(
                                "`{written}` must become `{expected}` after the insertion or deletion above"
                            ),
                        )
                        .with_label("relabel")
                        .with_fix(f),
                    );
                }
            }
        }
        seen.entry((ord, r)).or_insert(e.span);
        prev = Some((ord, r));
    }
}

/// The label of `e` with ordinal `n` (and `suffix`), written in `e`'s own style.
fn relabel(
    e: &Entry,
    family: Family,
    prefix: Option<&[Component]>,
    n: u32,
    suffix: &Option<String>,
) -> String {
    let text = e.label.text();
    let text = text.trim();
    let caps = LABEL_SHAPE.captures(text);
    let open = caps
        .as_ref()
        .and_then(|c| c.get(1))
        .map_or("", |m| m.as_str());
    let core = caps
        .as_ref()
        .and_then(|c| c.get(2))
        .map_or("", |m| m.as_str());
    let close = caps
        .as_ref()
        .and_then(|c| c.get(3))
        .map_or("", |m| m.as_str());
    let suffix = suffix.as_deref().unwrap_or("");
    match family {
        Family::Alpha | Family::Roman => {
            let mut letters = if family == Family::Alpha {
                to_alpha(n)
            } else {
                to_roman(n)
            };
            if !core.is_empty() && core.chars().all(|c| c.is_ascii_uppercase()) {
                letters = letters.to_ascii_uppercase();
            }
            let close = if close.is_empty() && open.is_empty() {
                ")"
            } else {
                close
            };
            format!("{open}{letters}{close}{suffix}")
        }
        Family::Arabic | Family::Decimal(_) => {
            let mut comps: Vec<String> = match prefix {
                Some(p) => p
                    .iter()
                    .map(|(n, s)| format!("{n}{}", s.as_deref().unwrap_or("")))
                    .collect(),
                None => e.components[..e.components.len().saturating_sub(1)]
                    .iter()
                    .map(|(n, s)| format!("{n}{}", s.as_deref().unwrap_or("")))
                    .collect(),
            };
            comps.push(format!("{n}{suffix}"));
            format!("{open}{}{close}", comps.join("."))
        }
    }
}

/// Separators after labels that differ from the document's habit (tab or space).
fn separators(doc: &Document, source: &str, out: &mut Vec<Diagnostic>) {
    let mut gaps: Vec<(SourceSpan, &'static str)> = Vec::new();
    for r in doc.resolutions() {
        for s in &r.sections {
            if s.kind == SectionKind::Division {
                continue;
            }
            for item in s.items.iter().flat_map(Item::walk) {
                let (Some(label), Some(content)) = (&item.label, item.content.src()) else {
                    continue;
                };
                let Some(l) = label.written.src() else {
                    continue;
                };
                if l.end > content.start || content.start > source.len() {
                    continue;
                }
                let Some(gap) = source.get(l.end..content.start) else {
                    continue;
                };
                if gap.contains(['\n', '\r']) {
                    continue;
                }
                let class = if gap.contains('\t') {
                    "tab"
                } else if gap.is_empty() {
                    "nothing"
                } else {
                    "space"
                };
                gaps.push((SourceSpan::new(l.end, content.start), class));
            }
        }
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (_, c) in &gaps {
        *counts.entry(c).or_default() += 1;
    }
    let Some((habit, _)) = counts
        .iter()
        .filter(|(c, _)| **c != "nothing")
        .max_by_key(|(c, n)| (**n, **c == "tab"))
    else {
        return;
    };
    let habit = *habit;
    let mut reported = HashSet::new();
    for (span, class) in gaps {
        if class == habit || !reported.insert(span.start) {
            continue;
        }
        let replacement = if habit == "tab" { "\t" } else { " " };
        out.push(
            Diagnostic::warning(
                "numbering/separator",
                span,
                format!("a {class} follows this label; the document's habit is a {habit}"),
            )
            .with_label(format!("{class} here"))
            .with_fix(Fix {
                description: format!("use a {habit}"),
                edits: vec![Edit {
                    span,
                    replacement: replacement.to_string(),
                }],
                safe: false,
            }),
        );
    }
}
