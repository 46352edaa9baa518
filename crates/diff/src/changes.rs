//! The change list of a redline: one record per change, with the node it belongs to,
//! its kind, the old and new text, and whether it is boilerplate. Read back from the
//! merged document, so it always agrees with the marks.

use amend_model::{Block, Body, Change, ChangeKind, Content, Document, Item, Resolution, Section};
use rayon::prelude::*;
use serde::Serialize;

use crate::boilerplate::{Boilerplate, boilerplate_of};
use crate::structure::item_text;

/// What a change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordKind {
    /// Words inserted inside a node.
    Insertion,
    /// Words deleted inside a node.
    Deletion,
    /// Words replaced inside a node.
    Replacement,
    /// A whole node (item, paragraph, section) inserted.
    NodeInserted,
    /// A whole node deleted.
    NodeDeleted,
    /// The old place of a moved node.
    MovedFrom,
    /// The new place of a moved node.
    MovedTo,
}

/// One change of a redline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeRecord {
    /// The node's eid in the merged document (`preamble__considering__item_b`), or a
    /// name for nodes without one (`title_block`, `enacting`, `p_12`).
    pub node: String,
    /// The node's stable wid (the old version's id for nodes matched across versions).
    pub wid: String,
    /// The part of the node: `label`, `content`, `heading`, `number_line`, `title`,
    /// `history`, `text`, or `node` for whole-node changes.
    pub part: &'static str,
    pub kind: RecordKind,
    /// The old text (empty for insertions).
    pub old: String,
    /// The new text (empty for deletions).
    pub new: String,
    /// Set for boilerplate changes; substantive changes have none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boilerplate: Option<Boilerplate>,
    /// Links the two halves of a move.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub move_id: Option<String>,
}

impl ChangeRecord {
    pub fn is_boilerplate(&self) -> bool {
        self.boilerplate.is_some()
    }
}

struct Collector {
    out: Vec<ChangeRecord>,
}

impl Collector {
    fn content(&mut self, node: &str, wid: &str, part: &'static str, content: &Content) {
        let mut old = String::new();
        let mut new = String::new();
        let mut tag: Option<Boilerplate> = None;
        let mut open = false;
        let flush =
            |this: &mut Self, old: &mut String, new: &mut String, tag: &mut Option<Boilerplate>| {
                if old.is_empty() && new.is_empty() {
                    return;
                }
                let kind = match (old.is_empty(), new.is_empty()) {
                    (true, _) => RecordKind::Insertion,
                    (_, true) => RecordKind::Deletion,
                    _ => RecordKind::Replacement,
                };
                this.out.push(ChangeRecord {
                    node: node.to_string(),
                    wid: wid.to_string(),
                    part,
                    kind,
                    old: std::mem::take(old),
                    new: std::mem::take(new),
                    boilerplate: tag.take(),
                    move_id: None,
                });
            };
        for span in &content.spans {
            match span.kind() {
                Some(k) if k.changes_text() => {
                    open = true;
                    if k.in_accepted() {
                        new.push_str(&span.text);
                    } else {
                        old.push_str(&span.text);
                    }
                    if let Some(c) = &span.change {
                        tag = tag.or(boilerplate_of(c));
                    }
                }
                _ => {
                    if open {
                        flush(self, &mut old, &mut new, &mut tag);
                        open = false;
                    }
                }
            }
        }
        flush(self, &mut old, &mut new, &mut tag);
    }

    fn whole(&mut self, node: &str, wid: &str, change: &Change, text: String) {
        let kind = match change.kind {
            ChangeKind::MoveFrom => RecordKind::MovedFrom,
            ChangeKind::MoveTo => RecordKind::MovedTo,
            k if k.in_accepted() => RecordKind::NodeInserted,
            _ => RecordKind::NodeDeleted,
        };
        let (old, new) = if change.kind.in_accepted() {
            (String::new(), text)
        } else {
            (text, String::new())
        };
        self.out.push(ChangeRecord {
            node: node.to_string(),
            wid: wid.to_string(),
            part: "node",
            kind,
            old,
            new,
            boilerplate: None,
            move_id: change.move_id.clone(),
        });
    }

    fn item(&mut self, item: &Item, parent_marked: bool) {
        match &item.mark {
            Some(m) if m.kind.changes_text() => {
                if !parent_marked {
                    self.whole(&item.eid, &item.wid, m, subtree_text(item));
                }
                for child in &item.children {
                    self.item(child, true);
                }
            }
            _ => {
                if let Some(label) = &item.label {
                    self.content(&item.eid, &item.wid, "label", &label.written);
                }
                self.content(&item.eid, &item.wid, "content", &item.content);
                for child in &item.children {
                    self.item(child, false);
                }
            }
        }
    }

    fn section(&mut self, section: &Section) {
        match &section.mark {
            Some(m) if m.kind.changes_text() => {
                self.whole(&section.eid, &section.wid, m, section.heading.view_or_old());
            }
            _ => self.content(&section.eid, &section.wid, "heading", &section.heading),
        }
        if let Some(t) = &section.title {
            self.content(&section.eid, &section.wid, "title", t);
        }
        for item in &section.items {
            self.item(item, false);
        }
    }

    fn blocks(&mut self, prefix: &str, blocks: &[Block]) {
        for (n, block) in blocks.iter().enumerate() {
            let node = format!("{prefix}p_{}", n + 1);
            match block {
                Block::Paragraph {
                    content,
                    mark: Some(m),
                    ..
                } if m.kind.changes_text() => self.whole(&node, &node, m, content.view_or_old()),
                Block::Paragraph { content, .. }
                | Block::Heading { content, .. }
                | Block::ListItem { content, .. } => self.content(&node, &node, "text", content),
                Block::Table { rows, .. } => {
                    for row in rows {
                        for cell in row {
                            self.content(&node, &node, "text", cell);
                        }
                    }
                }
            }
        }
    }

    fn resolution(&mut self, r: &Resolution, prefix: &str) {
        self.blocks(&format!("{prefix}front__"), &r.front_matter);
        let tb = format!("{prefix}title_block");
        self.content(&tb, &tb, "number_line", &r.title_block.number_line);
        self.content(&tb, &tb, "title", &r.title_block.title);
        if let Some(h) = &r.title_block.history {
            self.content(&tb, &tb, "history", &h.content);
        }
        if let Some(e) = &r.enacting {
            let node = format!("{prefix}enacting");
            self.content(&node, &node, "text", &e.content);
        }
        for s in &r.sections {
            self.section(s);
        }
        for a in &r.annexes {
            let node = format!("{prefix}{}", a.eid);
            self.content(&node, &node, "heading", &a.heading);
            self.blocks(&format!("{node}__"), &a.blocks);
        }
    }
}

trait ViewOrOld {
    fn view_or_old(&self) -> String;
}

impl ViewOrOld for Content {
    fn view_or_old(&self) -> String {
        let a = self.accepted();
        if a.trim().is_empty() {
            self.rejected()
        } else {
            a
        }
    }
}

fn subtree_text(item: &Item) -> String {
    let text_of = |i: &Item| {
        let mut probe = i.clone();
        for s in probe.content.spans.iter_mut() {
            s.change = None;
        }
        if let Some(l) = probe.label.as_mut() {
            for s in l.written.spans.iter_mut() {
                s.change = None;
            }
        }
        item_text(&probe)
    };
    item.walk()
        .into_iter()
        .map(text_of)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The change list of a merged document.
pub fn records(document: &Document) -> Vec<ChangeRecord> {
    let mut c = Collector { out: Vec::new() };
    match &document.body {
        Body::Resolution(r) => c.resolution(r, ""),
        Body::Collection(col) => {
            c.blocks("front__", &col.front_matter);
            let one = |(n, r): (usize, &Resolution)| {
                let mut c = Collector { out: Vec::new() };
                c.resolution(r, &format!("res_{}__", n + 1));
                c.out
            };
            // Resolutions are independent: many are read back in parallel, in order.
            let lists: Vec<Vec<ChangeRecord>> = if col.resolutions.len() > 16 {
                col.resolutions.par_iter().enumerate().map(one).collect()
            } else {
                col.resolutions.iter().enumerate().map(one).collect()
            };
            c.out.extend(lists.into_iter().flatten());
        }
        Body::Contribution(con) => {
            for (n, p) in con.proposals.iter().enumerate() {
                if let Some(r) = &p.resolution {
                    c.resolution(r, &format!("proposal_{}__", n + 1));
                }
            }
        }
        Body::Generic(g) => c.blocks("", &g.blocks),
    }
    c.out
}
