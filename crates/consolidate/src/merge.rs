//! The consolidation: units in the order of the merged draft, their classification and
//! changes, and the merged draft itself.

use std::collections::HashMap;

use amend_diff::Boilerplate;
use amend_diff::align::Profile;
use amend_model::label::format_label;
use amend_model::{
    Action, Body, ChangeKind, Content, Document, Item, LabelValue, Resolution, Scheme, Section,
    Span,
};

use crate::input::resolution_document;
use crate::regions::{self, Edit, joined, mark};
use crate::units::{self, NewKind, NewNode, Proposed, SourceView};
use crate::{
    ChangeType, Classification, Consolidation, Options, SourceInfo, SourceVersion, SourcedProposal,
    Unit, UnitChange, UnitPart,
};

/// A wid placeholder for new nodes until the merged draft gets its ids.
const NEW_PREFIX: &str = "\u{1}new-";

struct Builder<'a> {
    names: Vec<String>,
    views: Vec<SourceView>,
    options: &'a Options,
    units: Vec<Unit>,
    new_count: usize,
    /// The section heading and labels above the current node.
    context: Vec<String>,
}

pub(crate) fn consolidate(
    base: &Document,
    proposals: &[SourcedProposal],
    options: &Options,
) -> Consolidation {
    let mut warnings = Vec::new();
    let base_doc = match &base.body {
        Body::Resolution(_) => base.clone(),
        _ => resolution_document(base.clone(), None),
    };
    let Body::Resolution(base_res) = &base_doc.body else {
        warnings.push("the base holds no resolution: nothing to consolidate".to_string());
        return Consolidation {
            title: String::new(),
            sources: proposals
                .iter()
                .map(|p| SourceInfo {
                    name: p.source.clone(),
                    action: p.action,
                    units_changed: 0,
                    units_added: 0,
                })
                .collect(),
            units: Vec::new(),
            merged: base.clone(),
            warnings,
        };
    };
    let number = base_res.title_block.instrument.number.clone();
    let views: Vec<SourceView> = proposals
        .iter()
        .map(|p| {
            let reduced;
            let doc = match &p.document.body {
                Body::Resolution(_) => &p.document,
                _ => {
                    reduced = resolution_document(p.document.clone(), Some(&number));
                    &reduced
                }
            };
            let acts = !matches!(p.action, Action::NoChange | Action::Suppress);
            match &doc.body {
                Body::Resolution(r) if acts && r.title_block.instrument.number != number => {
                    warnings.push(format!(
                        "{}: the proposal is on resolution {}, the base is resolution {}",
                        p.source, r.title_block.instrument.number, number
                    ));
                }
                Body::Resolution(_) => {}
                _ if acts => warnings.push(format!(
                    "{}: no resolution found in the proposal; it is left out",
                    p.source
                )),
                _ => {}
            }
            units::source_view(&base_doc, base_res, doc, p.action)
        })
        .collect();
    let mut builder = Builder {
        names: proposals.iter().map(|p| p.source.clone()).collect(),
        views,
        options,
        units: Vec::new(),
        new_count: 0,
        context: Vec::new(),
    };
    let mut merged = base_res.clone();
    for (key, part, text) in units::base_texts(base_res) {
        let name = match part {
            UnitPart::NumberLine => "number line",
            UnitPart::Title => "title",
            UnitPart::History => "history",
            _ => "enacting formula",
        };
        builder.context = vec![name.to_string()];
        let (content, _) = builder.base_unit(&key, &key, part, 0, None, &text);
        match part {
            UnitPart::NumberLine => merged.title_block.number_line = content,
            UnitPart::Title => merged.title_block.title = content,
            UnitPart::History => {
                if let Some(h) = merged.title_block.history.as_mut() {
                    h.content = content;
                }
            }
            UnitPart::Enacting => {
                if let Some(e) = merged.enacting.as_mut() {
                    e.content = content;
                }
            }
            UnitPart::Heading | UnitPart::Item => {}
        }
    }
    merged.sections = builder.sections(&base_res.sections);
    for s in &mut merged.sections {
        renumber(&mut s.items);
    }
    let eids = assign_ids(&mut merged);
    for unit in &mut builder.units {
        if let Some(eid) = eids.get(&unit.merged_eid) {
            if unit.merged_eid.starts_with(NEW_PREFIX) {
                unit.eid = format!("new__{eid}");
            }
            unit.merged_eid = eid.clone();
        }
    }
    let sources = proposals
        .iter()
        .enumerate()
        .map(|(s, p)| SourceInfo {
            name: p.source.clone(),
            action: p.action,
            units_changed: builder
                .units
                .iter()
                .filter(|u| u.classification != Classification::New)
                .filter(|u| {
                    u.changes
                        .iter()
                        .any(|c| c.sources.contains(&builder.names[s]))
                })
                .count(),
            units_added: builder
                .units
                .iter()
                .filter(|u| u.changes.iter().any(|c| c.kind == ChangeType::NodeInserted))
                .filter(|u| {
                    u.changes
                        .iter()
                        .any(|c| c.sources.contains(&builder.names[s]))
                })
                .count(),
        })
        .collect();
    let mut document = Document::new(Body::Resolution(merged));
    document.footnotes = base_doc.footnotes.clone();
    Consolidation {
        title: base_res.title_block.number_line.accepted(),
        sources,
        units: builder.units,
        merged: document,
        warnings,
    }
}

impl Builder<'_> {
    /// One base unit: its report and its merged content (and the node's mark when every
    /// source that touches it deletes it).
    fn base_unit(
        &mut self,
        key: &str,
        eid: &str,
        part: UnitPart,
        depth: usize,
        label: Option<String>,
        base: &str,
    ) -> (Content, Option<amend_model::Change>) {
        let per_source: Vec<Vec<Edit>> = self
            .views
            .iter()
            .map(|v| {
                v.proposed
                    .get(key)
                    .map(|p| regions::edits(base, p))
                    .unwrap_or_default()
            })
            .collect();
        let regs = regions::regions(base, &per_source);
        let classification = regions::classify(&regs, &per_source);
        let changes = regions::changes(base, &regs, &self.names);
        let versions = per_source
            .iter()
            .enumerate()
            .filter(|(_, e)| !e.is_empty())
            .map(|(s, e)| {
                let proposed = &self.views[s].proposed[key];
                let deleted = matches!(proposed, Proposed::Deleted);
                SourceVersion {
                    source: self.names[s].clone(),
                    text: match proposed {
                        Proposed::Text(t) => t.clone(),
                        Proposed::Deleted => String::new(),
                    },
                    deleted,
                    marked: regions::marked_version(base, e, &self.names[s], self.options),
                }
            })
            .collect::<Vec<_>>();
        let node_mark = (classification == Classification::Suppressed).then(|| {
            let touching: Vec<usize> = (0..per_source.len())
                .filter(|&s| !per_source[s].is_empty())
                .collect();
            mark(
                ChangeKind::Deletion,
                &joined(&touching, &self.names),
                self.options,
            )
        });
        let content = regions::merged_content(base, &regs, &self.names, self.options);
        let name = self.name();
        self.units.push(Unit {
            eid: eid.to_string(),
            merged_eid: key.to_string(),
            name,
            part,
            depth,
            label,
            base_text: base.to_string(),
            classification,
            changes,
            versions,
        });
        (content, node_mark)
    }

    fn name(&self) -> String {
        self.context.join(" ")
    }

    fn sections(&mut self, base: &[Section]) -> Vec<Section> {
        let mut out = Vec::new();
        self.new_sections(None, &mut out);
        for s in base {
            self.context = vec![heading_name(&s.heading.accepted())];
            let mut ms = s.clone();
            if !s.heading.is_empty() {
                let (content, node_mark) = self.base_unit(
                    &s.wid,
                    &s.eid,
                    UnitPart::Heading,
                    0,
                    None,
                    &s.heading.accepted(),
                );
                ms.heading = content;
                ms.mark = node_mark.map(Box::new);
            }
            ms.items = self.items(&s.items, &s.wid, 0);
            out.push(ms);
            self.new_sections(Some(&s.wid), &mut out);
        }
        out
    }

    fn items(&mut self, base: &[Item], parent: &str, depth: usize) -> Vec<Item> {
        let mut out = Vec::new();
        self.new_items(parent, None, depth, &mut out);
        for it in base {
            let mut mi = it.clone();
            let label = it
                .label
                .as_ref()
                .map(|l| l.written.accepted().trim().to_string());
            self.context
                .push(label.clone().unwrap_or_else(|| "¶".to_string()));
            let (content, node_mark) = self.base_unit(
                &it.wid,
                &it.eid,
                UnitPart::Item,
                depth,
                label,
                &it.content.accepted(),
            );
            mi.content = content;
            if let Some(m) = node_mark {
                if let Some(l) = mi.label.as_mut() {
                    l.written = Content::from_spans(vec![Span::marked(
                        l.written.accepted().trim(),
                        m.clone(),
                    )]);
                }
                mi.mark = Some(Box::new(m));
            }
            mi.children = self.items(&it.children, &it.wid, depth + 1);
            self.context.pop();
            out.push(mi);
            self.new_items(parent, Some(&it.wid), depth, &mut out);
        }
        out
    }

    fn placeholder(&mut self) -> String {
        self.new_count += 1;
        format!("{NEW_PREFIX}{}", self.new_count)
    }

    /// The new nodes every source places at one point, in source order.
    fn new_at(&self, parent: &str, after: Option<&str>) -> Vec<(usize, NewKind)> {
        let mut out = Vec::new();
        for (s, v) in self.views.iter().enumerate() {
            for NewNode {
                parent: p,
                after: a,
                node,
            } in &v.new_nodes
            {
                if p == parent && a.as_deref() == after {
                    out.push((s, node.clone()));
                }
            }
        }
        out
    }

    fn new_items(&mut self, parent: &str, after: Option<&str>, depth: usize, out: &mut Vec<Item>) {
        // Clusters of versions: (sources, item) per version.
        let mut clusters: Vec<Vec<(Vec<usize>, Item)>> = Vec::new();
        for (s, node) in self.new_at(parent, after) {
            let NewKind::Item(item) = node else { continue };
            let text = regions::normalized(&subtree_text(&item));
            if let Some(v) = clusters
                .iter_mut()
                .flat_map(|c| c.iter_mut())
                .find(|(srcs, i)| {
                    !srcs.contains(&s) && regions::normalized(&subtree_text(i)) == text
                })
            {
                v.0.push(s);
                continue;
            }
            let profile = Profile::new(&text);
            let similar = clusters.iter_mut().find(|c| {
                c.iter().all(|(srcs, _)| !srcs.contains(&s))
                    && c.iter().any(|(_, i)| {
                        Profile::new(&subtree_text(i)).similarity(&profile)
                            >= self.options.new_item_similarity
                    })
            });
            match similar {
                Some(c) => c.push((vec![s], item)),
                None => clusters.push(vec![(vec![s], item)]),
            }
        }
        for cluster in clusters {
            if cluster.len() == 1 {
                let (sources, item) = &cluster[0];
                let who = joined(sources, &self.names);
                let item = self.new_item(item, sources, &who, depth);
                out.push(item);
            } else {
                out.push(self.new_conflict(&cluster, depth));
            }
        }
    }

    /// A new item (and its children) proposed by `sources`, all marked inserted.
    fn new_item(&mut self, item: &Item, sources: &[usize], who: &str, depth: usize) -> Item {
        let change = mark(ChangeKind::Insertion, who, self.options);
        let wid = self.placeholder();
        let text = item.content.accepted();
        let label = item
            .label
            .as_ref()
            .map(|l| l.written.accepted().trim().to_string());
        let shown = label.clone().unwrap_or_else(|| "¶".to_string());
        if self.context.iter().any(|c| c.ends_with("(new)")) {
            self.context.push(shown);
        } else {
            self.context.push(format!("{shown} (new)"));
        }
        let name = self.name();
        self.units.push(Unit {
            eid: wid.clone(),
            merged_eid: wid.clone(),
            name,
            part: UnitPart::Item,
            depth,
            label: label.clone(),
            base_text: String::new(),
            classification: Classification::New,
            changes: vec![UnitChange {
                sources: sources.iter().map(|&s| self.names[s].clone()).collect(),
                kind: ChangeType::NodeInserted,
                old: String::new(),
                new: text.clone(),
                conflict: None,
            }],
            versions: sources
                .iter()
                .map(|&s| SourceVersion {
                    source: self.names[s].clone(),
                    text: text.clone(),
                    deleted: false,
                    marked: Content::from_spans(vec![Span::marked(text.clone(), change.clone())]),
                })
                .collect(),
        });
        let mut out = item.clone();
        out.eid = String::new();
        out.wid = wid;
        out.content = Content::from_spans(vec![Span::marked(text, change.clone())]);
        if let Some(l) = out.label.as_mut() {
            l.written = Content::from_spans(vec![Span::marked(
                label.unwrap_or_default(),
                change.clone(),
            )]);
        }
        out.mark = Some(Box::new(change));
        out.children = item
            .children
            .iter()
            .map(|c| self.new_item(c, sources, who, depth + 1))
            .collect();
        self.context.pop();
        out
    }

    /// Several different new items at one point: one item whose content holds one
    /// alternative per version.
    fn new_conflict(&mut self, cluster: &[(Vec<usize>, Item)], depth: usize) -> Item {
        let all: Vec<usize> = cluster.iter().flat_map(|(s, _)| s.clone()).collect();
        let who = joined(&all, &self.names);
        let change = mark(ChangeKind::Insertion, &who, self.options);
        let wid = self.placeholder();
        let first = &cluster[0].1;
        let label = first
            .label
            .as_ref()
            .map(|l| l.written.accepted().trim().to_string());
        let name = format!(
            "{} {} (new)",
            self.name(),
            label.clone().unwrap_or_else(|| "¶".to_string())
        );
        let mut spans = Vec::new();
        let mut changes = Vec::new();
        let mut versions = Vec::new();
        for (sources, item) in cluster {
            let text = subtree_text_without_label(item);
            let by = joined(sources, &self.names);
            spans.push(Span::marked(
                text.clone(),
                mark(ChangeKind::Alternative, &by, self.options),
            ));
            changes.push(UnitChange {
                sources: sources.iter().map(|&s| self.names[s].clone()).collect(),
                kind: ChangeType::NodeInserted,
                old: String::new(),
                new: text.clone(),
                conflict: Some(1),
            });
            for &s in sources {
                versions.push(SourceVersion {
                    source: self.names[s].clone(),
                    text: text.clone(),
                    deleted: false,
                    marked: Content::from_spans(vec![Span::marked(
                        text.clone(),
                        mark(ChangeKind::Insertion, &self.names[s], self.options),
                    )]),
                });
            }
        }
        self.units.push(Unit {
            eid: wid.clone(),
            merged_eid: wid.clone(),
            name: name.trim().to_string(),
            part: UnitPart::Item,
            depth,
            label: label.clone(),
            base_text: String::new(),
            classification: Classification::Conflict,
            changes,
            versions,
        });
        let mut out = first.clone();
        out.eid = String::new();
        out.wid = wid;
        out.content = Content { spans };
        if let Some(l) = out.label.as_mut() {
            l.written = Content::from_spans(vec![Span::marked(
                label.unwrap_or_default(),
                change.clone(),
            )]);
        }
        out.mark = Some(Box::new(change));
        out.children = Vec::new();
        out
    }

    fn new_sections(&mut self, after: Option<&str>, out: &mut Vec<Section>) {
        let mut seen: Vec<(Vec<usize>, Section)> = Vec::new();
        for (s, node) in self.new_at("", after) {
            let NewKind::Section(section) = node else {
                continue;
            };
            let text = regions::normalized(&section_text(&section));
            match seen.iter_mut().find(|(srcs, x)| {
                !srcs.contains(&s) && regions::normalized(&section_text(x)) == text
            }) {
                Some(v) => v.0.push(s),
                None => seen.push((vec![s], section)),
            }
        }
        for (sources, section) in seen {
            let who = joined(&sources, &self.names);
            let change = mark(ChangeKind::Insertion, &who, self.options);
            let mut ms = section.clone();
            ms.eid = String::new();
            ms.wid = self.placeholder();
            self.context = vec![format!(
                "{} (new)",
                heading_name(&section.heading.accepted())
            )];
            if !section.heading.is_empty() {
                let heading = section.heading.accepted();
                self.units.push(Unit {
                    eid: ms.wid.clone(),
                    merged_eid: ms.wid.clone(),
                    name: self.name(),
                    part: UnitPart::Heading,
                    depth: 0,
                    label: None,
                    base_text: String::new(),
                    classification: Classification::New,
                    changes: vec![UnitChange {
                        sources: sources.iter().map(|&s| self.names[s].clone()).collect(),
                        kind: ChangeType::NodeInserted,
                        old: String::new(),
                        new: heading.clone(),
                        conflict: None,
                    }],
                    versions: sources
                        .iter()
                        .map(|&s| SourceVersion {
                            source: self.names[s].clone(),
                            text: heading.clone(),
                            deleted: false,
                            marked: Content::from_spans(vec![Span::marked(
                                heading.clone(),
                                change.clone(),
                            )]),
                        })
                        .collect(),
                });
                ms.heading = Content::from_spans(vec![Span::marked(heading, change.clone())]);
                ms.mark = Some(Box::new(change.clone()));
            }
            ms.title = section
                .title
                .as_ref()
                .map(|t| Content::from_spans(vec![Span::marked(t.accepted(), change.clone())]));
            ms.items = section
                .items
                .iter()
                .map(|i| self.new_item(i, &sources, &who, 0))
                .collect();
            out.push(ms);
        }
    }
}

/// A section heading as a name: trimmed, without its closing punctuation.
fn heading_name(heading: &str) -> String {
    heading
        .trim()
        .trim_end_matches([',', ':', ';', '.'])
        .trim()
        .to_string()
}

fn item_line(item: &Item) -> String {
    match &item.label {
        Some(l) => format!(
            "{}\t{}",
            l.written.accepted().trim(),
            item.content.accepted()
        ),
        None => item.content.accepted(),
    }
}

/// An item's text with its children's, for comparing new items.
fn subtree_text(item: &Item) -> String {
    item.walk()
        .into_iter()
        .map(item_line)
        .collect::<Vec<_>>()
        .join(" ")
}

fn subtree_text_without_label(item: &Item) -> String {
    let mut parts = vec![item.content.accepted()];
    for c in &item.children {
        for i in c.walk() {
            parts.push(item_line(i));
        }
    }
    parts.join(" ")
}

fn section_text(section: &Section) -> String {
    let mut parts = vec![section.heading.accepted()];
    for i in &section.items {
        parts.push(subtree_text(i));
    }
    parts.join(" ")
}

fn is_removed(item: &Item) -> bool {
    matches!(
        item.mark.as_ref().map(|m| m.kind),
        Some(ChangeKind::Deletion | ChangeKind::MoveFrom)
    )
}

/// Relabels the items of a list that remain in the merged draft when the list is a plain
/// sequence (`a)`, `b)`, ... or `1`, `2`, ...): renumbering after deletions and
/// insertions, marked as boilerplate.
fn renumber(items: &mut [Item]) {
    for item in items.iter_mut() {
        renumber(&mut item.children);
    }
    let live: Vec<usize> = (0..items.len())
        .filter(|&i| !is_removed(&items[i]))
        .collect();
    let values: Vec<&LabelValue> = live
        .iter()
        .filter_map(|&i| items[i].label.as_ref().and_then(|l| l.value.as_ref()))
        .collect();
    let Some(first) = values.first() else { return };
    let plain = values.len() == live.len()
        && matches!(
            first.scheme,
            Scheme::LowerAlpha
                | Scheme::UpperAlpha
                | Scheme::LowerRoman
                | Scheme::UpperRoman
                | Scheme::Arabic
        )
        && values.iter().all(|v| {
            v.scheme == first.scheme
                && v.punctuation == first.punctuation
                && v.numbers.len() == 1
                && v.suffix.is_none()
        });
    if !plain {
        return;
    }
    let template = (*first).clone();
    for (n, &i) in live.iter().enumerate() {
        let value = LabelValue {
            numbers: vec![n as u32 + 1],
            ..template.clone()
        };
        let text = format_label(&value);
        let item = &mut items[i];
        let Some(label) = item.label.as_mut() else {
            continue;
        };
        let current = label.written.accepted().trim().to_string();
        if current != text {
            label.written = match &item.mark {
                Some(m) if m.kind == ChangeKind::Insertion => {
                    Content::from_spans(vec![Span::marked(text, (**m).clone())])
                }
                _ => {
                    let mut del = amend_model::Change::deletion();
                    del.detail = Some(Boilerplate::Renumbering.detail());
                    let mut ins = amend_model::Change::insertion();
                    ins.detail = Some(Boilerplate::Renumbering.detail());
                    Content::from_spans(vec![
                        Span::marked(label.written.rejected().trim(), del),
                        Span::marked(text, ins),
                    ])
                }
            };
        }
        label.value = Some(value);
    }
}

/// Gives the merged draft its ids (AKN style, from its labels) while base nodes keep
/// their base wids; returns the merged eid of every node by its wid (base wid or
/// placeholder).
fn assign_ids(merged: &mut Resolution) -> HashMap<String, String> {
    let wids = units::node_wids(merged);
    amend_model::ids::assign(merged);
    let mut placeholders = HashMap::new();
    let mut k = 0;
    let mut restore = |eid: &str, wid: &mut String, placeholders: &mut HashMap<String, String>| {
        let old = &wids[k];
        k += 1;
        placeholders.insert(old.clone(), eid.to_string());
        if !old.starts_with(NEW_PREFIX) && !old.is_empty() {
            *wid = old.clone();
        }
    };
    type Restore<'r> = dyn FnMut(&str, &mut String, &mut HashMap<String, String>) + 'r;
    fn walk(items: &mut [Item], f: &mut Restore<'_>, p: &mut HashMap<String, String>) {
        for item in items {
            let eid = item.eid.clone();
            f(&eid, &mut item.wid, p);
            walk(&mut item.children, f, p);
        }
    }
    for s in &mut merged.sections {
        let eid = s.eid.clone();
        restore(&eid, &mut s.wid, &mut placeholders);
        walk(&mut s.items, &mut restore, &mut placeholders);
    }
    placeholders
}
