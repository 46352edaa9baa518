//! Ids in the style of the Akoma Ntoso Naming Convention, built from labels as written:
//! `preamble__considering__item_b__item_iii`. Unique in a resolution: a repeated name at
//! the same level gets `_2`, `_3`. The `wid` stays equal to the `eid` until an alignment
//! against a base gives the node the wid of its counterpart.

use rustc_hash::FxHashMap;

use crate::document::{Item, Resolution, SectionKind};

/// Assigns `eid` and `wid` to every section, item and annex of a resolution.
pub fn assign(resolution: &mut Resolution) {
    let mut used = Used::default();
    for section in &mut resolution.sections {
        let prefix = match section.kind {
            SectionKind::Preamble => "preamble",
            SectionKind::Operative | SectionKind::Division => "body",
        };
        let name = match section.kind {
            SectionKind::Division => {
                let heading = section.heading.accepted();
                let number = heading.split_whitespace().nth(1).unwrap_or("").to_string();
                format!("sec_{}", slug(&number))
            }
            _ => {
                let s = slug(&section.heading.view_or_rejected());
                if s.is_empty() { "part".to_string() } else { s }
            }
        };
        let eid = unique(&mut used, format!("{prefix}__{name}"));
        section.eid = eid.clone();
        section.wid = eid.clone();
        assign_items(&mut section.items, &eid, &mut used);
    }
    for (n, annex) in resolution.annexes.iter_mut().enumerate() {
        let heading = annex.heading.accepted();
        let number = heading
            .split_whitespace()
            .nth(1)
            .map(slug)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| (n + 1).to_string());
        annex.eid = unique(&mut used, format!("att_{number}"));
    }
}

fn assign_items(items: &mut [Item], parent: &str, used: &mut Used) {
    let mut paragraph = 0;
    for item in items {
        // Built in one string: this runs for every item of every document read.
        let mut id = String::with_capacity(parent.len() + 12);
        id.push_str(parent);
        match &item.label {
            Some(label) => {
                id.push_str("__item_");
                let accepted = label.written.accepted_str();
                let start = id.len();
                if accepted.trim().is_empty() {
                    slug_into(&label.written.rejected(), &mut id);
                } else {
                    slug_into(&accepted, &mut id);
                }
                if id.len() == start {
                    id.push('x');
                }
            }
            None => {
                paragraph += 1;
                id.push_str("__p_");
                id.push_str(&paragraph.to_string());
            }
        }
        let eid = unique(used, id);
        item.wid = eid.clone();
        item.eid = eid;
        assign_items(&mut item.children, &item.eid, used);
    }
}

fn unique(used: &mut Used, id: String) -> String {
    // The id is copied into the map only the first time it is seen.
    if let Some(count) = used.get_mut(id.as_str()) {
        *count += 1;
        return format!("{id}_{count}");
    }
    used.insert(id.clone(), 1);
    id
}

/// Lower-case letters, digits and `.`; runs of anything else become one `_`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    slug_into(text, &mut out);
    out
}

/// Appends the [`slug`] of `text` to `out` (ids are built in one string).
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

/// The ids seen so far and how often, in a map with a fast non-cryptographic hash (ids
/// are short, trusted strings; this runs for every node of every document read).
type Used = FxHashMap<String, usize>;

trait ViewOrRejected {
    fn view_or_rejected(&self) -> String;
}

impl ViewOrRejected for crate::content::Content {
    /// The accepted text, or the rejected text for content that was deleted whole.
    fn view_or_rejected(&self) -> String {
        let accepted = self.accepted();
        if accepted.trim().is_empty() {
            self.rejected()
        } else {
            accepted
        }
    }
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
}
