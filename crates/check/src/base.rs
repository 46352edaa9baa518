//! The base text a proposal modifies, indexed so that an item of the proposal can be
//! matched with its counterpart: its label there tells which of two run-together labels
//! is the old one.

use std::collections::HashSet;

use amend_model::{Document, Item, Section};

struct BaseItem {
    heading: String,
    label: String,
    words: HashSet<String>,
}

pub struct BaseIndex {
    items: Vec<BaseItem>,
}

fn words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .map(str::to_lowercase)
        .collect()
}

fn heading(section: &Section) -> String {
    section
        .heading
        .accepted()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn letters(label: &str) -> String {
    label
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase()
}

impl BaseIndex {
    pub fn new(base: &Document) -> Self {
        let mut items = Vec::new();
        for r in base.resolutions() {
            for s in &r.sections {
                let h = heading(s);
                for item in s.items.iter().flat_map(Item::walk) {
                    let Some(label) = &item.label else { continue };
                    items.push(BaseItem {
                        heading: h.clone(),
                        label: letters(&label.text()),
                        words: words(&item.content.accepted()),
                    });
                }
            }
        }
        Self { items }
    }

    /// The label (letters only) the base gives to the counterpart of `item`, when one
    /// item of the base matches it well.
    pub fn label_for(&self, section: &Section, item: &Item) -> Option<String> {
        let h = heading(section);
        let w = words(&item.content.accepted());
        if w.is_empty() {
            return None;
        }
        let score = |b: &BaseItem| {
            let common = b.words.intersection(&w).count() as f64;
            let union = b.words.union(&w).count() as f64;
            if union == 0.0 { 0.0 } else { common / union }
        };
        let best = |same_heading: bool| {
            self.items
                .iter()
                .filter(|b| !same_heading || b.heading == h)
                .map(|b| (score(b), b))
                .max_by(|a, b| a.0.total_cmp(&b.0))
        };
        let (s, b) = best(true)
            .filter(|(s, _)| *s >= 0.5)
            .or_else(|| best(false))?;
        (s >= 0.5).then(|| b.label.clone())
    }
}
