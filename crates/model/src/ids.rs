//! Ids in the style of the Akoma Ntoso Naming Convention, built from labels as written:
//! `preamble__considering__item_b__item_iii`. Unique in a resolution: a repeated name at
//! the same level gets `_2`, `_3`. The `wid` stays equal to the `eid` until an alignment
//! against a base gives the node the wid of its counterpart.

use rustc_hash::FxHashMap;

use crate::content::Content;
use crate::document::{Item, Resolution, SectionKind};

/// Assigns `eid` and `wid` to every section, item and annex of a resolution.
///
/// An id is its parent's id and a local name, and a local name never holds `__` (the
/// separator): ids under different parents always differ, so uniqueness is checked among
/// siblings only, in one small table per list of siblings instead of one map of every id.
pub fn assign(resolution: &mut Resolution) {
    assign_ids(resolution, Wids::FromEids);
}

/// Assigns every `eid` as [`assign`] does, and a `wid` only where none is set: an
/// alignment gives matched nodes their counterpart's wid first.
pub fn assign_keeping_wids(resolution: &mut Resolution) {
    assign_ids(resolution, Wids::KeepSet);
}

/// Which `wid`s the assignment sets.
#[derive(Clone, Copy, PartialEq)]
enum Wids {
    /// Every wid becomes a copy of its node's eid.
    FromEids,
    /// Only empty wids do.
    KeepSet,
}

/// Sets `wid` from `eid` as `mode` says.
fn set_wid(wid: &mut String, eid: &str, mode: Wids) {
    if mode == Wids::FromEids || wid.is_empty() {
        eid.clone_into(wid);
    }
}

fn assign_ids(resolution: &mut Resolution, mode: Wids) {
    let mut siblings = Siblings::default();
    for n in 0..resolution.sections.len() {
        let section = &resolution.sections[n];
        let prefix = match section.kind {
            SectionKind::Preamble => "preamble",
            SectionKind::Operative | SectionKind::Division => "body",
        };
        // Built in one string, as the items' ids are.
        let mut id = String::with_capacity(prefix.len() + 24);
        id.push_str(prefix);
        id.push_str("__");
        match section.kind {
            SectionKind::Division => {
                let heading = section.heading.accepted_str();
                id.push_str("sec_");
                slug_into(heading.split_whitespace().nth(1).unwrap_or(""), &mut id);
            }
            _ => push_slug(&section.heading, "part", &mut id),
        }
        let eid = siblings.unique(id, |j| resolution.sections[j].eid.as_str());
        let section = &mut resolution.sections[n];
        set_wid(&mut section.wid, &eid, mode);
        section.eid = eid;
    }
    // One table of given ids per depth, emptied for each list of siblings and kept with
    // its room: a table per list grew in steps, for every list of every document read.
    let mut tables = Vec::new();
    for section in &mut resolution.sections {
        assign_items(&mut section.items, &section.eid, mode, &mut tables, 0);
    }
    siblings.clear();
    for n in 0..resolution.annexes.len() {
        let heading = resolution.annexes[n].heading.accepted();
        let number = heading
            .split_whitespace()
            .nth(1)
            .map(slug)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| (n + 1).to_string());
        let eid = siblings.unique(format!("att_{number}"), |j| {
            resolution.annexes[j].eid.as_str()
        });
        resolution.annexes[n].eid = eid;
    }
}

fn assign_items(
    items: &mut [Item],
    parent: &str,
    mode: Wids,
    tables: &mut Vec<Siblings>,
    depth: usize,
) {
    if items.is_empty() {
        return;
    }
    if tables.len() <= depth {
        tables.resize_with(depth + 1, Siblings::default);
    }
    // Taken out while the children (one level deeper) use the tables below it.
    let mut siblings = std::mem::take(&mut tables[depth]);
    siblings.clear();
    let mut paragraph = 0u32;
    for n in 0..items.len() {
        // Built in one string: this runs for every item of every document read.
        let mut id = String::with_capacity(parent.len() + 12);
        id.push_str(parent);
        match &items[n].label {
            Some(label) => {
                id.push_str("__item_");
                push_slug(&label.written, "x", &mut id);
            }
            None => {
                paragraph += 1;
                id.push_str("__p_");
                push_number(&mut id, paragraph);
            }
        }
        let eid = siblings.unique(id, |j| items[j].eid.as_str());
        let item = &mut items[n];
        set_wid(&mut item.wid, &eid, mode);
        item.eid = eid;
        assign_items(&mut item.children, &item.eid, mode, tables, depth + 1);
    }
    tables[depth] = siblings;
}

fn push_number(out: &mut String, n: u32) {
    use std::fmt::Write;
    let _ = write!(out, "{n}");
}

/// The ids given so far in one list of siblings, by the hash of the id: each entry holds
/// the index of the sibling that has it (its text is read from there, so no id is copied)
/// and, for a name given as is, how many siblings asked for it.
#[derive(Default)]
struct Siblings {
    given: FxHashMap<u64, (usize, u32)>,
    count: usize,
}

impl Siblings {
    fn clear(&mut self) {
        self.given.clear();
        self.count = 0;
    }

    /// `id`, or `id_2`, `id_3`… when a sibling has it already; `eid_of(j)` reads the id
    /// given to the `j`th sibling of this list (the `n`th call is the `n`th sibling).
    fn unique<'a>(&mut self, id: String, eid_of: impl Fn(usize) -> &'a str) -> String {
        let index = self.count;
        self.count += 1;
        // A second sibling of the same name is rare: the common case is one lookup.
        let Some(slot) = self.find(&id, &eid_of) else {
            self.insert(&id, index);
            return id;
        };
        let repeats = match self.given.get_mut(&slot) {
            Some((_, asked)) => {
                *asked += 1;
                *asked
            }
            None => 2,
        };
        // The numbered form must not be taken either (a sibling labelled `b 2` has `b_2`).
        let mut k = repeats;
        loop {
            let candidate = format!("{id}_{k}");
            if self.find(&candidate, &eid_of).is_none() {
                self.insert(&candidate, index);
                return candidate;
            }
            k += 1;
        }
    }

    /// The table key of `id` when a sibling has it.
    fn find<'a>(&self, id: &str, eid_of: &impl Fn(usize) -> &'a str) -> Option<u64> {
        let mut key = fx_hash(id);
        // Distinct ids whose hashes meet take the next keys, as in open addressing.
        while let Some(&(j, _)) = self.given.get(&key) {
            if eid_of(j) == id {
                return Some(key);
            }
            key = key.wrapping_add(1);
        }
        None
    }

    /// Records that the `index`th sibling has `id`, asked for once so far.
    fn insert(&mut self, id: &str, index: usize) {
        let mut key = fx_hash(id);
        while self.given.contains_key(&key) {
            key = key.wrapping_add(1);
        }
        self.given.insert(key, (index, 1));
    }
}

fn fx_hash(text: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(text)
}

/// Lower-case letters, digits and `.`; runs of anything else become one `_`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    slug_into(text, &mut out);
    out
}

/// Appends the [`slug`] of `text` to `out` (ids are built in one string).
/// Appends the slug of `content`'s accepted text (its rejected text when nothing of it is
/// accepted), or `fallback` when that slug is empty.
fn push_slug(content: &Content, fallback: &str, id: &mut String) {
    let start = id.len();
    let accepted = content.accepted_str();
    if accepted.trim().is_empty() {
        slug_into(&content.rejected(), id);
    } else {
        slug_into(&accepted, id);
    }
    if id.len() == start {
        id.push_str(fallback);
    }
}

fn slug_into(text: &str, out: &mut String) {
    let start = out.len();
    let mut gap = false;
    // Only ASCII characters are kept: the bytes can be read directly.
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b == b'.' {
            if gap && out.len() > start {
                out.push('_');
            }
            gap = false;
            out.push(char::from(b.to_ascii_lowercase()));
        } else {
            gap = true;
        }
    }
    let kept = out[start..].trim_end_matches('.').len();
    out.truncate(start + kept);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_letters_digits_and_dots() {
        assert_eq!(slug("b)bis"), "b_bis");
        assert_eq!(slug("b) a)"), "b_a");
        assert_eq!(slug("1.11.3"), "1.11.3");
        assert_eq!(slug("instructs the Director"), "instructs_the_director");
    }

    fn siblings_ids(names: &[&str]) -> Vec<String> {
        let mut given: Vec<String> = Vec::new();
        let mut siblings = Siblings::default();
        for name in names {
            let id = siblings.unique(format!("p__item_{name}"), |j| given[j].as_str());
            given.push(id);
        }
        given
    }

    #[test]
    fn a_repeated_name_among_siblings_is_numbered_and_never_taken_twice() {
        assert_eq!(
            siblings_ids(&["a", "b", "b", "b_2", "b", "b_3"]),
            [
                "p__item_a",
                "p__item_b",
                "p__item_b_2",
                "p__item_b_2_2",
                "p__item_b_3",
                "p__item_b_3_2"
            ]
        );
        // A sibling whose own name is a numbered form comes first: the repeat skips it.
        assert_eq!(
            siblings_ids(&["b_2", "b", "b"]),
            ["p__item_b_2", "p__item_b", "p__item_b_3"]
        );
    }

    #[test]
    fn many_siblings_get_distinct_ids() {
        let names: Vec<String> = (0..2000).map(|n| format!("{}", n % 37)).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let ids = siblings_ids(&refs);
        let distinct: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
    }
}
