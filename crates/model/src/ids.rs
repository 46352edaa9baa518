//! Ids in the style of the Akoma Ntoso Naming Convention, built from labels as written:
//! `preamble__considering__item_b__item_iii`. Unique in a resolution: a repeated name at
//! the same level gets `_2`, `_3`. The `wid` stays equal to the `eid` until an alignment
//! against a base gives the node the wid of its counterpart.

use std::collections::HashMap;

use crate::document::{Item, Resolution, SectionKind};

/// Assigns `eid` and `wid` to every section, item and annex of a resolution.
pub fn assign(resolution: &mut Resolution) {
    let mut used: HashMap<String, usize> = HashMap::new();
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

fn assign_items(items: &mut [Item], parent: &str, used: &mut HashMap<String, usize>) {
    let mut paragraph = 0;
    for item in items {
        // Built in one string: this runs for every item of every document read.
        let mut id = String::with_capacity(parent.len() + 12);
        id.push_str(parent);
        match &item.label {
            Some(label) => {
                let s = slug(&label.written.view_or_rejected());
                id.push_str("__item_");
                id.push_str(if s.is_empty() { "x" } else { &s });
            }
            None => {
                paragraph += 1;
                id.push_str("__p_");
                id.push_str(&paragraph.to_string());
            }
        }
        let eid = unique(used, id);
        item.eid = eid.clone();
        item.wid = eid.clone();
        assign_items(&mut item.children, &eid, used);
    }
}

fn unique(used: &mut HashMap<String, usize>, id: String) -> String {
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
    let mut gap = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            if gap && !out.is_empty() {
                out.push('_');
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else {
            gap = true;
        }
    }
    out.trim_end_matches('.').to_string()
}

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
