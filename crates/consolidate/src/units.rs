//! The units of the base and what one proposal does to each: the redline of the base
//! against the proposal gives every proposed node the wid of its base counterpart, so a
//! clause is found whatever its label in the proposal.

use std::collections::HashMap;

use amend_diff::{DiffOptions, diff};
use amend_model::{Action, Body, ChangeKind, Document, Item, Resolution, Section};

use crate::UnitPart;

pub(crate) const NUMBER_LINE: &str = "title_block__number_line";
pub(crate) const TITLE: &str = "title_block__title";
pub(crate) const HISTORY: &str = "title_block__history";
pub(crate) const ENACTING: &str = "enacting";

/// What one source proposes for one base unit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Proposed {
    /// The unit's new text (may equal the base text).
    Text(String),
    /// The unit deleted.
    Deleted,
}

/// A node the base lacks, placed after a base node (`after`) in a list (`parent`: the
/// wid of the section or item holding the list, or empty for the list of sections).
#[derive(Debug, Clone)]
pub(crate) struct NewNode {
    pub parent: String,
    pub after: Option<String>,
    pub node: NewKind,
}

#[derive(Debug, Clone)]
pub(crate) enum NewKind {
    Item(Item),
    Section(Section),
}

/// What one source does to the base, unit by unit.
#[derive(Debug, Clone, Default)]
pub(crate) struct SourceView {
    pub proposed: HashMap<String, Proposed>,
    /// The proposed label of matched items (by base wid), when it differs.
    pub labels: HashMap<String, String>,
    pub new_nodes: Vec<NewNode>,
}

/// The wids of every heading and item of a resolution (the units that can be deleted).
pub(crate) fn node_wids(r: &Resolution) -> Vec<String> {
    let mut out = Vec::new();
    for s in &r.sections {
        out.push(s.wid.clone());
        for item in &s.items {
            for i in item.walk() {
                out.push(i.wid.clone());
            }
        }
    }
    out
}

/// The base text of every unit, keyed by unit key.
pub(crate) fn base_texts(r: &Resolution) -> Vec<(String, UnitPart, String)> {
    let mut out = vec![(
        NUMBER_LINE.to_string(),
        UnitPart::NumberLine,
        r.title_block.number_line.accepted(),
    )];
    if !r.title_block.title.is_empty() {
        out.push((
            TITLE.to_string(),
            UnitPart::Title,
            r.title_block.title.accepted(),
        ));
    }
    if let Some(h) = &r.title_block.history {
        out.push((HISTORY.to_string(), UnitPart::History, h.content.accepted()));
    }
    if let Some(e) = &r.enacting {
        out.push((
            ENACTING.to_string(),
            UnitPart::Enacting,
            e.content.accepted(),
        ));
    }
    out
}

/// What the source proposes, from the redline of the base against its document.
pub(crate) fn source_view(
    base: &Document,
    base_res: &Resolution,
    proposal: &Document,
    action: Action,
) -> SourceView {
    let mut view = SourceView::default();
    match action {
        Action::NoChange => return view,
        Action::Suppress => {
            for (key, _, _) in base_texts(base_res) {
                view.proposed.insert(key, Proposed::Deleted);
            }
            for wid in node_wids(base_res) {
                view.proposed.insert(wid, Proposed::Deleted);
            }
            return view;
        }
        Action::Modify | Action::Add => {}
    }
    let Body::Resolution(prop_res) = &proposal.body else {
        return view;
    };
    // Title block and enacting formula: one unit each.
    let prop_texts: HashMap<String, String> = base_texts(prop_res)
        .into_iter()
        .map(|(k, _, t)| (k, t))
        .collect();
    for (key, _, _) in base_texts(base_res) {
        let proposed = match prop_texts.get(&key) {
            Some(t) => Proposed::Text(t.clone()),
            None => Proposed::Deleted,
        };
        view.proposed.insert(key, proposed);
    }
    let options = DiffOptions {
        detect_moves: false,
        ..DiffOptions::default()
    };
    // amend-diff keeps only items whose mark is in the accepted view, and a paragraph
    // whose mark was inserted (`ParagraphInsertion`, as the .docx reader reports a new
    // paragraph) is not: lift those marks so new paragraphs are seen as new items.
    let lifted;
    let proposal = if has_paragraph_insertions(prop_res) {
        let mut doc = proposal.clone();
        if let Body::Resolution(r) = &mut doc.body {
            lift_paragraph_insertions(r);
        }
        lifted = doc;
        &lifted
    } else {
        proposal
    };
    let redline = diff(base, proposal, &options);
    let Body::Resolution(merged) = &redline.document.body else {
        return view;
    };
    let base_sections: Vec<String> = base_res.sections.iter().map(|s| s.wid.clone()).collect();
    let mut last_section: Option<String> = None;
    for s in &merged.sections {
        match s.mark.as_ref().map(|m| m.kind) {
            Some(ChangeKind::Insertion | ChangeKind::MoveTo) => {
                view.new_nodes.push(NewNode {
                    parent: String::new(),
                    after: last_section.clone(),
                    node: NewKind::Section(clean_section(s)),
                });
                continue;
            }
            Some(ChangeKind::Deletion | ChangeKind::MoveFrom) => {
                view.proposed.insert(s.wid.clone(), Proposed::Deleted);
            }
            None if s.heading.is_empty() && !base_sections.contains(&s.wid) => {
                // An inserted section without a heading carries no mark of its own.
                view.new_nodes.push(NewNode {
                    parent: String::new(),
                    after: last_section.clone(),
                    node: NewKind::Section(clean_section(s)),
                });
                continue;
            }
            _ => {
                view.proposed
                    .insert(s.wid.clone(), Proposed::Text(s.heading.accepted()));
            }
        }
        last_section = Some(s.wid.clone());
        items(&s.items, &s.wid, &mut view);
    }
    view
}

fn paragraph_inserted(mark: Option<&amend_model::Change>) -> bool {
    mark.is_some_and(|m| m.kind == ChangeKind::ParagraphInsertion)
}

fn has_paragraph_insertions(r: &Resolution) -> bool {
    r.sections.iter().any(|s| {
        paragraph_inserted(s.mark.as_deref())
            || s.items
                .iter()
                .flat_map(Item::walk)
                .any(|i| paragraph_inserted(i.mark.as_deref()))
    })
}

fn lift_paragraph_insertions(r: &mut Resolution) {
    fn lift(items: &mut [Item]) {
        for item in items {
            if paragraph_inserted(item.mark.as_deref()) {
                item.mark = None;
            }
            lift(&mut item.children);
        }
    }
    for s in &mut r.sections {
        if paragraph_inserted(s.mark.as_deref()) {
            s.mark = None;
        }
        lift(&mut s.items);
    }
}

fn items(list: &[Item], parent: &str, view: &mut SourceView) {
    let mut last: Option<String> = None;
    for item in list {
        match item.mark.as_ref().map(|m| m.kind) {
            Some(ChangeKind::Insertion | ChangeKind::MoveTo) => {
                view.new_nodes.push(NewNode {
                    parent: parent.to_string(),
                    after: last.clone(),
                    node: NewKind::Item(clean_item(item)),
                });
                continue;
            }
            Some(ChangeKind::Deletion | ChangeKind::MoveFrom) => {
                for i in item.walk() {
                    view.proposed.insert(i.wid.clone(), Proposed::Deleted);
                }
                last = Some(item.wid.clone());
                continue;
            }
            _ => {
                view.proposed
                    .insert(item.wid.clone(), Proposed::Text(item.content.accepted()));
                if let Some(label) = &item.label
                    && label.written.has_changes()
                {
                    view.labels.insert(
                        item.wid.clone(),
                        label.written.accepted().trim().to_string(),
                    );
                }
            }
        }
        last = Some(item.wid.clone());
        items(&item.children, &item.wid, view);
    }
}

/// An inserted item as its proposal has it: accepted text, no marks.
pub(crate) fn clean_item(item: &Item) -> Item {
    let mut out = item.clone();
    out.content = amend_model::Content::plain(item.content.accepted());
    if let Some(label) = out.label.as_mut() {
        label.written = amend_model::Content::plain(label.written.accepted().trim());
    }
    out.mark = None;
    out.children = item.children.iter().map(clean_item).collect();
    out
}

fn clean_section(section: &Section) -> Section {
    let mut out = section.clone();
    out.heading = amend_model::Content::plain(section.heading.accepted());
    out.title = section
        .title
        .as_ref()
        .map(|t| amend_model::Content::plain(t.accepted()));
    out.mark = None;
    out.items = section.items.iter().map(clean_item).collect();
    out
}
