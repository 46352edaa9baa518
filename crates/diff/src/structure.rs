//! The structural diff of two resolutions: sections by heading, items by content (so a
//! relettered item keeps its partner and only its label changes), children recursively,
//! moves across the whole resolution, then the word step inside every matched node.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;

use amend_model::{
    Annex, Change, ChangeKind, Content, Enacting, History, Item, Label, Resolution, Section,
    TitleBlock,
};

use crate::align::{Pair, Profile, Score, Similarity, align};
use crate::generic::{PARAGRAPH_THRESHOLD, diff_blocks, key};
use crate::marks::{Marks, Part};

/// Items this similar are the same item, edited in place.
const ITEM_THRESHOLD: f64 = 0.5;
/// An unmatched old item and an unmatched new item this similar are one moved item.
const MOVE_THRESHOLD: f64 = 0.75;
/// Moves need some substance: at least this many words.
const MOVE_MIN_WORDS: usize = 4;
/// Largest pool (old × new) searched for moves.
const MAX_MOVE_CELLS: usize = 250_000;

/// Items that exist in the accepted view (already-deleted ones are left out).
fn live(items: &[Item]) -> Vec<&Item> {
    items
        .iter()
        .filter(|i| i.mark.as_ref().is_none_or(|m| m.kind.in_accepted()))
        .collect()
}

fn label_text(item: &Item) -> Option<String> {
    item.label
        .as_ref()
        .map(|l| l.written.accepted().trim().to_string())
        .filter(|t| !t.is_empty())
}

/// Whether two items carry the same label (accepted text, trimmed), or both none.
fn same_label(a: &Item, b: &Item) -> bool {
    fn text(i: &Item) -> Option<Cow<'_, str>> {
        i.label
            .as_ref()
            .map(|l| l.written.accepted_str())
            .filter(|t| !t.trim().is_empty())
    }
    match (text(a), text(b)) {
        (Some(x), Some(y)) => x.trim() == y.trim(),
        (None, None) => true,
        _ => false,
    }
}

/// An item's whole text (label and content), for similarity and the change list.
pub(crate) fn item_text(item: &Item) -> String {
    match label_text(item) {
        Some(l) => format!("{l}\t{}", item.content.accepted()),
        None => item.content.accepted(),
    }
}

/// The alignment of two lists of items by fingerprint, then by `similar` in the gaps,
/// when the first `prefix` and last `suffix` items of both have the same texts.
///
/// Those items match their counterparts, and only the items between them are
/// fingerprinted and aligned, unless the fingerprints the two middles begin with run
/// through one of them: the alignment of the whole lists (which sets aside the
/// fingerprints both begin and end with) could then go on into the last items, and the
/// whole lists are aligned instead. Otherwise it sets aside the same items and aligns
/// the same fingerprints between them, so the result is the same.
fn align_middle(
    old_texts: &[Cow<'_, str>],
    new_texts: &[Cow<'_, str>],
    prefix: usize,
    suffix: usize,
    similar: &dyn Similarity,
) -> Vec<Pair> {
    let (old_end, new_end) = (old_texts.len() - suffix, new_texts.len() - suffix);
    let old_keys: Vec<u64> = old_texts[prefix..old_end].iter().map(|t| key(t)).collect();
    // A new item with the same text as the old one at its place (most items between
    // two edits) takes that one's fingerprint: comparing the texts costs less than
    // hashing them.
    let new_keys: Vec<u64> = new_texts[prefix..new_end]
        .iter()
        .enumerate()
        .map(|(k, t)| match old_texts[prefix..old_end].get(k) {
            Some(o) if o == t => old_keys[k],
            _ => key(t),
        })
        .collect();
    let common = old_keys
        .iter()
        .zip(&new_keys)
        .take_while(|(a, b)| a == b)
        .count();
    if common == old_keys.len().min(new_keys.len()) && (prefix > 0 || suffix > 0) {
        // The whole lists; their first and last items are the same texts in both.
        let head: Vec<u64> = old_texts[..prefix].iter().map(|t| key(t)).collect();
        let tail: Vec<u64> = old_texts[old_end..].iter().map(|t| key(t)).collect();
        let whole = |middle: &[u64]| -> Vec<u64> {
            head.iter().chain(middle).chain(&tail).copied().collect()
        };
        return align(
            &whole(&old_keys),
            &whole(&new_keys),
            similar,
            ITEM_THRESHOLD,
        );
    }
    let in_middle = Shifted {
        by: prefix,
        similarity: similar,
    };
    let middle = align(&old_keys, &new_keys, &in_middle, ITEM_THRESHOLD);
    let mut pairs = Vec::with_capacity(prefix + middle.len() + suffix);
    pairs.extend((0..prefix).map(|k| Pair::Matched(k, k)));
    pairs.extend(middle.into_iter().map(|pair| match pair {
        Pair::Matched(i, j) => Pair::Matched(i + prefix, j + prefix),
        Pair::Deleted(i) => Pair::Deleted(i + prefix),
        Pair::Inserted(j) => Pair::Inserted(j + prefix),
    }));
    pairs.extend((0..suffix).map(|k| Pair::Matched(old_end + k, new_end + k)));
    pairs
}

/// A similarity read `by` elements further on in both lists.
struct Shifted<'s> {
    by: usize,
    similarity: &'s dyn Similarity,
}

impl Similarity for Shifted<'_> {
    fn similar(&self, old: usize, new: usize) -> f64 {
        self.similarity.similar(old + self.by, new + self.by)
    }

    fn diagonal(&self, old: usize, new: usize, target: f64) -> Score {
        self.similarity
            .diagonal(old + self.by, new + self.by, target)
    }
}

/// How alike two items are: their words' Dice coefficient, at least [`ITEM_THRESHOLD`]
/// when they carry the same label and share some words (the same item, rewritten).
struct ItemSimilarity<'t, 'a> {
    old: &'t [&'a Item],
    new: &'t [&'a Item],
    old_texts: &'t [Cow<'a, str>],
    new_texts: &'t [Cow<'a, str>],
    /// Profiles, made on demand and kept for the rest of the gap (and for moves).
    old_profiles: Vec<OnceCell<Profile>>,
    new_profiles: Vec<OnceCell<Profile>>,
}

/// Items with the same label that share this much are the same item, rewritten.
const SAME_LABEL_FLOOR: f64 = 0.3;

impl ItemSimilarity<'_, '_> {
    fn with_label(&self, s: f64, a: usize, b: usize) -> f64 {
        if s >= SAME_LABEL_FLOOR && same_label(self.old[a], self.new[b]) {
            s.max(ITEM_THRESHOLD)
        } else {
            s
        }
    }
}

impl Similarity for ItemSimilarity<'_, '_> {
    fn similar(&self, a: usize, b: usize) -> f64 {
        let (old, new) = (&self.old_profiles[a], &self.new_profiles[b]);
        if old.get().is_none() && new.get().is_none() {
            // Mostly an item edited in place: both read together.
            let (po, pn) = Profile::pair(&self.old_texts[a], &self.new_texts[b]);
            let _ = old.set(po);
            let _ = new.set(pn);
        }
        let po = old.get_or_init(|| Profile::new(&self.old_texts[a]));
        let pn = new.get_or_init(|| Profile::new(&self.new_texts[b]));
        self.with_label(po.similarity(pn), a, b)
    }

    /// Most items on a gap's diagonal are edited in place and matched on it alone: they
    /// are compared without profiles, which are made later only if needed.
    fn diagonal(&self, a: usize, b: usize, target: f64) -> Score {
        // With the same label, a pair that shares little is raised to the threshold.
        let raw = if target <= ITEM_THRESHOLD && same_label(self.old[a], self.new[b]) {
            target.min(SAME_LABEL_FLOOR)
        } else {
            target
        };
        // `with_label` never lowers a figure, and raises a larger one at least as far.
        match Profile::pair_similarity_at_least(&self.old_texts[a], &self.new_texts[b], raw) {
            Score::Exact(s) => Score::Exact(self.with_label(s, a, b)),
            Score::AtLeast(s) => Score::AtLeast(self.with_label(s, a, b)),
        }
    }
}

/// A section's heading as sections are aligned by: its accepted text, trimmed, without
/// closing punctuation, in lower case.
fn section_heading(s: &Section) -> String {
    s.heading
        .accepted()
        .trim()
        .trim_end_matches([',', ':', ';', '.'])
        .to_lowercase()
}

/// The fingerprint of [`section_heading`], which is made only when the heading has
/// letters to lower-case: most headings are read as they stand.
fn section_key(s: &Section) -> u64 {
    let text = s.heading.accepted_str();
    let trimmed = text.trim().trim_end_matches([',', ':', ';', '.']);
    if trimmed
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        key(trimmed)
    } else {
        key(&trimmed.to_lowercase())
    }
}

/// The texts of all of a section's items, in order.
fn section_texts(s: &Section) -> impl Iterator<Item = Cow<'_, str>> {
    s.items
        .iter()
        .flat_map(Item::walk)
        .map(|i| i.content.accepted_str())
}

/// How alike two sections are: the mean of their headings' and their items' word
/// similarities (the items' words taken together), 0 for sections of other kinds.
struct SectionSimilarity<'s> {
    old: &'s [Section],
    new: &'s [Section],
    /// The heading's and the items' profiles, made on demand and kept for the gap.
    old_profiles: Vec<OnceCell<(Profile, Profile)>>,
    new_profiles: Vec<OnceCell<(Profile, Profile)>>,
}

impl SectionSimilarity<'_> {
    fn profiles(s: &Section) -> (Profile, Profile) {
        let texts: Vec<Cow<'_, str>> = section_texts(s).collect();
        (
            Profile::new(&section_heading(s)),
            Profile::of_texts(texts.iter().map(|t| t.as_ref())),
        )
    }

    /// The items' texts joined by spaces: the words [`Profile::of_texts`] reads.
    fn joined(s: &Section) -> String {
        let mut joined = String::new();
        for (k, text) in section_texts(s).enumerate() {
            if k > 0 {
                joined.push(' ');
            }
            joined.push_str(&text);
        }
        joined
    }
}

impl Similarity for SectionSimilarity<'_> {
    fn similar(&self, a: usize, b: usize) -> f64 {
        if self.old[a].kind != self.new[b].kind {
            return 0.0;
        }
        let po = self.old_profiles[a].get_or_init(|| Self::profiles(&self.old[a]));
        let pn = self.new_profiles[b].get_or_init(|| Self::profiles(&self.new[b]));
        let h = po.0.similarity(&pn.0);
        let c = po.1.similarity(&pn.1);
        (h + c) / 2.0
    }

    /// A section whose heading was edited is mostly matched on its gap's diagonal alone:
    /// its items' words are compared as one text, read only as far as the target
    /// needs, without profiles.
    fn diagonal(&self, a: usize, b: usize, target: f64) -> Score {
        let (old, new) = (&self.old[a], &self.new[b]);
        if old.kind != new.kind {
            return Score::Exact(0.0);
        }
        let heading = |s: &Section| Profile::new(&section_heading(s));
        let h = heading(old).similarity(&heading(new));
        // The items' figure that brings the mean to the target.
        let (old_text, new_text) = (Self::joined(old), Self::joined(new));
        match Profile::pair_similarity_at_least(&old_text, &new_text, 2.0 * target - h) {
            Score::Exact(c) => Score::Exact((h + c) / 2.0),
            Score::AtLeast(c) if (h + c) / 2.0 >= target => Score::AtLeast((h + c) / 2.0),
            // Short of the target by a rounding: the exact figure.
            Score::AtLeast(_) => Score::Exact(self.similar(a, b)),
        }
    }
}

/// The alignment of a list of items, before moves are known.
enum Node<'a> {
    Matched {
        old: &'a Item,
        new: &'a Item,
        /// The accepted texts of both, as the alignment read them.
        old_text: Cow<'a, str>,
        new_text: Cow<'a, str>,
        children: Vec<Node<'a>>,
    },
    Deleted {
        old: &'a Item,
        slot: usize,
    },
    Inserted {
        new: &'a Item,
        slot: usize,
    },
}

enum SectionNode<'a> {
    Matched {
        old: &'a Section,
        new: &'a Section,
        items: Vec<Node<'a>>,
    },
    Deleted {
        old: &'a Section,
        items: Vec<Node<'a>>,
    },
    Inserted {
        new: &'a Section,
        items: Vec<Node<'a>>,
    },
}

/// One half of a move: its id and the wid of the moved node.
struct Move {
    id: String,
    wid: String,
}

struct Candidate<'a> {
    slot: usize,
    item: &'a Item,
    profile: Profile,
    order: usize,
}

#[derive(Default)]
struct Aligner<'a> {
    slots: usize,
    old_pool: Vec<Candidate<'a>>,
    new_pool: Vec<Candidate<'a>>,
}

impl<'a> Aligner<'a> {
    fn slot(&mut self) -> usize {
        self.slots += 1;
        self.slots
    }

    /// An old item without a counterpart; its profile when the alignment made it.
    fn deleted(&mut self, item: &'a Item, profile: Option<Profile>) -> Node<'a> {
        let slot = self.slot();
        let order = self.old_pool.len();
        self.old_pool.push(Candidate {
            slot,
            item,
            profile: profile.unwrap_or_else(|| Profile::new(&item.content.accepted_str())),
            order,
        });
        Node::Deleted { old: item, slot }
    }

    /// A new item without a counterpart; its profile when the alignment made it.
    fn inserted(&mut self, item: &'a Item, profile: Option<Profile>) -> Node<'a> {
        let slot = self.slot();
        let order = self.new_pool.len();
        self.new_pool.push(Candidate {
            slot,
            item,
            profile: profile.unwrap_or_else(|| Profile::new(&item.content.accepted_str())),
            order,
        });
        Node::Inserted { new: item, slot }
    }

    fn items(&mut self, old: &'a [Item], new: &'a [Item]) -> Vec<Node<'a>> {
        self.item_refs(&live(old), &live(new))
    }

    fn item_refs(&mut self, old: &[&'a Item], new: &[&'a Item]) -> Vec<Node<'a>> {
        if old.is_empty() && new.is_empty() {
            // Most items have no children.
            return Vec::new();
        }
        let mut old_texts: Vec<Cow<'a, str>> =
            old.iter().map(|i| i.content.accepted_str()).collect();
        let mut new_texts: Vec<Cow<'a, str>> =
            new.iter().map(|i| i.content.accepted_str()).collect();
        let shortest = old.len().min(new.len());
        let prefix = (0..shortest)
            .take_while(|&k| old_texts[k] == new_texts[k])
            .count();
        if prefix == old.len() && prefix == new.len() {
            // The same texts throughout (most lists of sub-items): each item matches its
            // counterpart, as the alignment of their (equal) fingerprints would find.
            return old_texts
                .into_iter()
                .zip(new_texts)
                .enumerate()
                .map(|(k, (old_text, new_text))| Node::Matched {
                    old: old[k],
                    new: new[k],
                    old_text,
                    new_text,
                    children: self.item_refs(&live(&old[k].children), &live(&new[k].children)),
                })
                .collect();
        }
        // The new items the same as the old at the same place from the start or from the
        // end (most of them) are matched without fingerprints: only the items between
        // them are aligned (see `align_middle`).
        let suffix = (1..=shortest - prefix)
            .take_while(|&k| old_texts[old.len() - k] == new_texts[new.len() - k])
            .count();
        // Profiles are only needed for items in gaps: made on demand.
        let similarity = ItemSimilarity {
            old,
            new,
            old_texts: &old_texts,
            new_texts: &new_texts,
            old_profiles: old.iter().map(|_| OnceCell::new()).collect(),
            new_profiles: new.iter().map(|_| OnceCell::new()).collect(),
        };
        let pairs = align_middle(&old_texts, &new_texts, prefix, suffix, &similarity);
        let ItemSimilarity {
            mut old_profiles,
            mut new_profiles,
            ..
        } = similarity;
        pairs
            .into_iter()
            .map(|pair| match pair {
                Pair::Matched(i, j) => {
                    let children = self.item_refs(&live(&old[i].children), &live(&new[j].children));
                    Node::Matched {
                        old: old[i],
                        new: new[j],
                        old_text: std::mem::take(&mut old_texts[i]),
                        new_text: std::mem::take(&mut new_texts[j]),
                        children,
                    }
                }
                Pair::Deleted(i) => self.deleted(old[i], old_profiles[i].take()),
                Pair::Inserted(j) => self.inserted(new[j], new_profiles[j].take()),
            })
            .collect()
    }

    fn sections(&mut self, old: &'a [Section], new: &'a [Section]) -> Vec<SectionNode<'a>> {
        let old_keys: Vec<u64> = old.iter().map(section_key).collect();
        let new_keys: Vec<u64> = new.iter().map(section_key).collect();
        // Profiles are only needed for sections in gaps: computed on demand.
        let similar = SectionSimilarity {
            old,
            new,
            old_profiles: old.iter().map(|_| OnceCell::new()).collect(),
            new_profiles: new.iter().map(|_| OnceCell::new()).collect(),
        };
        let pairs = align(&old_keys, &new_keys, &similar, PARAGRAPH_THRESHOLD);
        pairs
            .into_iter()
            .map(|pair| match pair {
                Pair::Matched(i, j) => SectionNode::Matched {
                    old: &old[i],
                    new: &new[j],
                    items: self.items(&old[i].items, &new[j].items),
                },
                Pair::Deleted(i) => SectionNode::Deleted {
                    old: &old[i],
                    items: live(&old[i].items)
                        .into_iter()
                        .map(|it| self.deleted(it, None))
                        .collect(),
                },
                Pair::Inserted(j) => SectionNode::Inserted {
                    new: &new[j],
                    items: live(&new[j].items)
                        .into_iter()
                        .map(|it| self.inserted(it, None))
                        .collect(),
                },
            })
            .collect()
    }

    /// Pairs unmatched old and new items that are the same text in another place.
    fn moves(&self) -> HashMap<usize, Move> {
        let mut out = HashMap::new();
        if self.old_pool.len() * self.new_pool.len() > MAX_MOVE_CELLS {
            return out;
        }
        let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
        for (a, o) in self.old_pool.iter().enumerate() {
            if o.profile.len < MOVE_MIN_WORDS {
                continue;
            }
            for (b, n) in self.new_pool.iter().enumerate() {
                if n.profile.len < MOVE_MIN_WORDS {
                    continue;
                }
                let s = o.profile.similarity(&n.profile);
                if s >= MOVE_THRESHOLD {
                    pairs.push((s, a, b));
                }
            }
        }
        pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
        let mut used_old = vec![false; self.old_pool.len()];
        let mut used_new = vec![false; self.new_pool.len()];
        let mut chosen: Vec<(usize, usize)> = Vec::new();
        for (_, a, b) in pairs {
            if used_old[a] || used_new[b] {
                continue;
            }
            used_old[a] = true;
            used_new[b] = true;
            chosen.push((a, b));
        }
        // Number moves in the order of the new text.
        chosen.sort_by_key(|&(_, b)| self.new_pool[b].order);
        for (n, (a, b)) in chosen.into_iter().enumerate() {
            let id = format!("move{}", n + 1);
            let wid = self.old_pool[a].item.wid.clone();
            out.insert(
                self.old_pool[a].slot,
                Move {
                    id: id.clone(),
                    wid: wid.clone(),
                },
            );
            out.insert(self.new_pool[b].slot, Move { id, wid });
        }
        out
    }
}

/// Builds merged nodes from an alignment.
struct Builder<'m, 'o> {
    marks: &'m Marks<'o>,
    moves: HashMap<usize, Move>,
}

impl Builder<'_, '_> {
    /// A whole item (and its children) under one mark, keeping its old wid.
    fn whole_item(&self, item: &Item, change: &Change) -> Item {
        Item {
            eid: String::new(),
            wid: item.wid.clone(),
            label: item
                .label
                .as_ref()
                .map(|l| relabel(self.marks.whole(l.written.accepted_str().trim(), change), l)),
            content: self.marks.whole(&item.content.accepted_str(), change),
            children: live(&item.children)
                .into_iter()
                .map(|c| self.whole_item(c, change))
                .collect(),
            mark: Some(Box::new(change.clone())),
            span: item.span,
        }
    }

    fn node(&self, node: &Node<'_>) -> Item {
        match node {
            Node::Matched {
                old,
                new,
                old_text,
                new_text,
                children,
            } => {
                let label = match (&old.label, &new.label) {
                    (Some(o), Some(n)) => Some(relabel(
                        self.marks.text(
                            o.written.accepted_str().trim(),
                            n.written.accepted_str().trim(),
                            Part::Label,
                        ),
                        n,
                    )),
                    (None, Some(n)) => Some(relabel(
                        self.marks.whole(
                            n.written.accepted().trim(),
                            &self.marks.change(ChangeKind::Insertion, None),
                        ),
                        n,
                    )),
                    (Some(o), None) => Some(relabel(
                        self.marks.whole(
                            o.written.accepted().trim(),
                            &self.marks.change(ChangeKind::Deletion, None),
                        ),
                        o,
                    )),
                    (None, None) => None,
                };
                Item {
                    eid: String::new(),
                    wid: old.wid.clone(),
                    label,
                    content: self.marks.text(old_text, new_text, Part::Text),
                    children: children.iter().map(|c| self.node(c)).collect(),
                    mark: None,
                    span: new.span,
                }
            }
            Node::Deleted { old, slot } => {
                let change = match self.moves.get(slot) {
                    Some(m) => self.marks.moved(ChangeKind::MoveFrom, &m.id),
                    None => self.marks.change(ChangeKind::Deletion, None),
                };
                self.whole_item(old, &change)
            }
            Node::Inserted { new, slot } => {
                let (change, wid) = match self.moves.get(slot) {
                    Some(m) => (self.marks.moved(ChangeKind::MoveTo, &m.id), m.wid.clone()),
                    None => (
                        self.marks.change(ChangeKind::Insertion, None),
                        String::new(),
                    ),
                };
                let mut item = self.whole_item(new, &change);
                if change.kind == ChangeKind::Insertion {
                    clear_wids(&mut item.children);
                }
                item.wid = wid;
                item
            }
        }
    }

    fn section(&self, node: &SectionNode<'_>) -> Section {
        match node {
            SectionNode::Matched { old, new, items } => Section {
                eid: String::new(),
                wid: old.wid.clone(),
                kind: new.kind,
                heading: self.marks.text(
                    &old.heading.accepted_str(),
                    &new.heading.accepted_str(),
                    Part::Text,
                ),
                title: self.marks.optional(old.title.as_ref(), new.title.as_ref()),
                items: items.iter().map(|n| self.node(n)).collect(),
                mark: None,
                span: new.span,
            },
            SectionNode::Deleted { old, items } => {
                let change = self.marks.change(ChangeKind::Deletion, None);
                Section {
                    eid: String::new(),
                    wid: old.wid.clone(),
                    kind: old.kind,
                    heading: self.marks.whole(&old.heading.accepted(), &change),
                    title: old
                        .title
                        .as_ref()
                        .map(|t| self.marks.whole(&t.accepted(), &change)),
                    items: items.iter().map(|n| self.node(n)).collect(),
                    mark: (!old.heading.is_empty()).then(|| Box::new(change)),
                    span: old.span,
                }
            }
            SectionNode::Inserted { new, items } => {
                let change = self.marks.change(ChangeKind::Insertion, None);
                Section {
                    eid: String::new(),
                    wid: String::new(),
                    kind: new.kind,
                    heading: self.marks.whole(&new.heading.accepted(), &change),
                    title: new
                        .title
                        .as_ref()
                        .map(|t| self.marks.whole(&t.accepted(), &change)),
                    items: items.iter().map(|n| self.node(n)).collect(),
                    mark: (!new.heading.is_empty()).then(|| Box::new(change)),
                    span: new.span,
                }
            }
        }
    }
}

/// A label with new written text and the rest of `like` (its written text not copied).
fn relabel(written: Content, like: &Label) -> Label {
    Label {
        written,
        value: like.value.clone(),
        suspect: like.suspect,
        suspect_reason: like.suspect_reason.clone(),
    }
}

fn clear_wids(items: &mut [Item]) {
    for item in items {
        item.wid.clear();
        clear_wids(&mut item.children);
    }
}

fn title_block(marks: &Marks<'_>, old: &TitleBlock, new: &TitleBlock) -> TitleBlock {
    TitleBlock {
        number_line: marks.text(
            &old.number_line.accepted(),
            &new.number_line.accepted(),
            Part::Text,
        ),
        instrument: new.instrument.clone(),
        revision: new.revision.clone(),
        title: marks.text(&old.title.accepted(), &new.title.accepted(), Part::Text),
        history: match (&old.history, &new.history) {
            (None, None) => None,
            (o, n) => {
                let content = marks
                    .optional(
                        o.as_ref().map(|h| &h.content),
                        n.as_ref().map(|h| &h.content),
                    )
                    .unwrap_or_default();
                let base = n.as_ref().or(o.as_ref());
                Some(History {
                    content,
                    meetings: base.map(|h| h.meetings.clone()).unwrap_or_default(),
                    footnote_markers: base.map(|h| h.footnote_markers.clone()).unwrap_or_default(),
                })
            }
        },
        span: new.span,
    }
}

fn enacting(marks: &Marks<'_>, old: Option<&Enacting>, new: Option<&Enacting>) -> Option<Enacting> {
    let content = marks.optional(old.map(|e| &e.content), new.map(|e| &e.content))?;
    let base = new.or(old)?;
    Some(Enacting {
        content,
        ..base.clone()
    })
}

fn annexes(marks: &Marks<'_>, old: &[Annex], new: &[Annex]) -> Vec<Annex> {
    let n = old.len().max(new.len());
    (0..n)
        .map(|k| {
            let (o, nw) = (old.get(k), new.get(k));
            let base = nw.or(o).expect("one side exists");
            Annex {
                eid: base.eid.clone(),
                heading: marks
                    .optional(o.map(|a| &a.heading), nw.map(|a| &a.heading))
                    .unwrap_or_default(),
                blocks: diff_blocks(
                    marks,
                    o.map_or(&[][..], |a| &a.blocks),
                    nw.map_or(&[][..], |a| &a.blocks),
                ),
                span: base.span,
            }
        })
        .collect()
}

/// The merged, change-marked resolution of two versions.
pub(crate) fn diff_resolution(marks: &Marks<'_>, old: &Resolution, new: &Resolution) -> Resolution {
    let mut aligner = Aligner::default();
    let sections = aligner.sections(&old.sections, &new.sections);
    let moves = if marks.options.detect_moves {
        aligner.moves()
    } else {
        HashMap::new()
    };
    let builder = Builder { marks, moves };
    let mut merged = Resolution {
        front_matter: diff_blocks(marks, &old.front_matter, &new.front_matter),
        title_block: title_block(marks, &old.title_block, &new.title_block),
        enacting: enacting(marks, old.enacting.as_ref(), new.enacting.as_ref()),
        sections: sections.iter().map(|s| builder.section(s)).collect(),
        annexes: annexes(marks, &old.annexes, &new.annexes),
        span: new.span,
    };
    // Matched nodes carry their old counterpart's wid from the builder.
    if !marks.options.without_ids {
        amend_model::ids::assign_keeping_wids(&mut merged);
    }
    merged
}

/// An empty resolution: the other side of a resolution inserted or deleted whole.
pub(crate) fn empty_like(r: &Resolution) -> Resolution {
    Resolution {
        front_matter: Vec::new(),
        title_block: TitleBlock {
            number_line: Content::new(),
            instrument: r.title_block.instrument.clone(),
            revision: None,
            title: Content::new(),
            history: None,
            span: Default::default(),
        },
        enacting: None,
        sections: Vec::new(),
        annexes: Vec::new(),
        span: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Item texts for the test: few, so lists share many, and some with the same
    /// fingerprint but other spaces (the same words).
    const TEXTS: &[&str] = &[
        "one two",
        "one  two",
        "three four five",
        "three four six",
        "seven",
        "seven\u{a0}",
        "eight nine",
    ];

    /// The sections of a resolution read from its heading and items.
    fn sections_of(sections: &[(usize, Vec<String>)]) -> Vec<Section> {
        const HEADINGS: &[&str] = &["considering", "noting further", "resolves", "instructs"];
        let mut text = String::from(
            "RESOLUTION 1 (Rev. Dubai, 2012)\nT\n(Dubai, 2012)\n\
             The World Telecommunication Standardization Assembly (Dubai, 2012),\n",
        );
        for (heading, items) in sections {
            text.push_str(HEADINGS[*heading]);
            text.push('\n');
            for (k, item) in items.iter().enumerate() {
                text.push_str(&format!("{})\t{item}\n", char::from(b'a' + k as u8)));
            }
        }
        match amend_text::read_plain(&text, &amend_text::ReadOptions::default()).body {
            amend_model::Body::Resolution(r) => r.sections,
            _ => Vec::new(),
        }
    }

    #[test]
    fn section_keys_are_those_of_their_headings() {
        let headings = [
            "considering",
            "Noting further:",
            " resolves, ",
            "\u{c9}T\u{c9}.",
            "a\tb",
        ];
        let sections: Vec<(usize, Vec<String>)> = (0..4).map(|h| (h, Vec::new())).collect();
        for section in sections_of(&sections) {
            assert_eq!(section_key(&section), key(&section_heading(&section)));
        }
        for text in headings {
            let section = Section {
                heading: Content::plain(text),
                ..sections_of(&sections)[0].clone()
            };
            assert_eq!(
                section_key(&section),
                key(&section_heading(&section)),
                "{text:?}"
            );
        }
    }

    /// Item texts of a few words, some shared, for sections alike and not.
    const WORDS: &str = "(the|role|ITU|of|2012|\u{e9}t\u{e9}|and|sector|members) ";

    proptest::proptest! {
        /// A section pair on a gap's diagonal scores as from its profiles, or at least the
        /// target and no more than that.
        #[test]
        fn section_diagonals_are_bounds_of_their_similarity(
            old in proptest::collection::vec(
                (0..4usize, proptest::collection::vec(proptest::collection::vec(WORDS, 1..12), 0..4)),
                1..4,
            ),
            edits in proptest::collection::vec((0..4usize, 0..12usize, WORDS), 0..6),
            target in 0.0f64..=1.0,
        ) {
            let join = |words: &Vec<String>| words.concat().trim_end().to_string();
            let old: Vec<(usize, Vec<String>)> =
                old.iter().map(|(h, items)| (*h, items.iter().map(join).collect())).collect();
            // The same sections with some words replaced and a heading changed.
            let mut new = old.clone();
            for (k, (at, word, by)) in edits.iter().enumerate() {
                let section = &mut new[k % old.len()];
                if k == 0 {
                    section.0 = *at;
                }
                if let Some(item) = section.1.get_mut(*at) {
                    let mut words: Vec<&str> = item.split(' ').collect();
                    let spot = word % words.len();
                    words[spot] = by.trim_end();
                    *item = words.join(" ");
                }
            }
            let (old, new) = (sections_of(&old), sections_of(&new));
            let fresh = || SectionSimilarity {
                old: &old,
                new: &new,
                old_profiles: old.iter().map(|_| OnceCell::new()).collect(),
                new_profiles: new.iter().map(|_| OnceCell::new()).collect(),
            };
            for a in 0..old.len() {
                for b in 0..new.len() {
                    let exact = fresh().similar(a, b);
                    match fresh().diagonal(a, b, target) {
                        Score::Exact(s) => proptest::prop_assert_eq!(s.to_bits(), exact.to_bits()),
                        Score::AtLeast(s) => {
                            proptest::prop_assert!(s >= target, "{} below the target {}", s, target);
                            proptest::prop_assert!(s <= exact, "{} above the figure {}", s, exact);
                        }
                    }
                }
            }
        }
    }

    proptest::proptest! {
        /// Aligning only the items between the texts both lists begin and end with gives
        /// the alignment of the whole lists.
        #[test]
        fn the_middle_aligns_as_the_whole_lists(
            old in proptest::collection::vec(0..TEXTS.len(), 0..9),
            new in proptest::collection::vec(0..TEXTS.len(), 0..9),
        ) {
            let texts = |picks: &[usize]| -> Vec<Cow<'static, str>> {
                picks.iter().map(|&k| Cow::Borrowed(TEXTS[k])).collect()
            };
            let (old, new) = (texts(&old), texts(&new));
            let shortest = old.len().min(new.len());
            let prefix = (0..shortest).take_while(|&k| old[k] == new[k]).count();
            let suffix = (1..=shortest - prefix)
                .take_while(|&k| old[old.len() - k] == new[new.len() - k])
                .count();
            let profiles = |texts: &[Cow<'_, str>]| -> Vec<Profile> {
                texts.iter().map(|t| Profile::new(t)).collect()
            };
            let (po, pn) = (profiles(&old), profiles(&new));
            let similar = |a: usize, b: usize| po[a].similarity(&pn[b]);
            let keys = |texts: &[Cow<'_, str>]| -> Vec<u64> { texts.iter().map(|t| key(t)).collect() };
            let whole = align(&keys(&old), &keys(&new), &similar, ITEM_THRESHOLD);
            proptest::prop_assert_eq!(
                align_middle(&old, &new, prefix, suffix, &similar),
                whole
            );
        }
    }
}
