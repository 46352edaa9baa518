//! Turning word diffs into change-marked content, with the options' author and date and
//! the boilerplate tags.

use amend_model::{Change, ChangeKind, Content, Span};

use crate::DiffOptions;
use crate::boilerplate::{self, Boilerplate};
use crate::words::{Edit, diff_words};

/// Which part of a node a text belongs to (labels are boilerplate when they change).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Label,
    Text,
}

/// The last `n` bytes of a text (at most), cut at a character boundary.
fn tail(text: &str, n: usize) -> &str {
    let mut start = text.len().saturating_sub(n);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// Mark factory for one diff.
pub(crate) struct Marks<'o> {
    pub options: &'o DiffOptions,
}

impl Marks<'_> {
    pub fn change(&self, kind: ChangeKind, detail: Option<String>) -> Change {
        Change {
            kind,
            author: self.options.author.clone(),
            date: self.options.date.clone(),
            source: None,
            move_id: None,
            detail,
            evidence: None,
        }
    }

    pub fn moved(&self, kind: ChangeKind, move_id: &str) -> Change {
        let mut c = self.change(kind, None);
        c.move_id = Some(move_id.to_string());
        c
    }

    /// The word diff of two texts as marked content.
    pub fn text(&self, old: &str, new: &str, part: Part) -> Content {
        if old == new {
            // Most nodes are unchanged: one plain span, as the word diff would give.
            return Content::plain(new);
        }
        let edits = diff_words(old, new);
        // Room for every span (a replacement is two, either may be empty), so the spans
        // are not moved as they come.
        let spans = edits
            .iter()
            .map(|e| match e {
                Edit::Equal(_) => 1,
                Edit::Replace { old, new } => {
                    usize::from(!old.is_empty()) + usize::from(!new.is_empty())
                }
            })
            .sum();
        let mut out = Content {
            spans: Vec::with_capacity(spans),
        };
        // Every piece of new text is a slice of `new`, in order: `new[..at]` is the text
        // before the current edit.
        let mut at = 0;
        for edit in edits {
            match edit {
                Edit::Equal(t) => {
                    out.push(Span::plain(t));
                    at += t.len();
                }
                Edit::Replace { old: o, new: n } => {
                    let tag = match part {
                        Part::Label => Some(Boilerplate::Renumbering),
                        Part::Text => boilerplate::classify(tail(&new[..at], 120), o, n),
                    };
                    if self.options.hide_boilerplate && tag.is_some() {
                        out.push(Span::plain(n));
                    } else {
                        let detail = tag.map(Boilerplate::detail);
                        out.push(Span::marked(
                            o,
                            self.change(ChangeKind::Deletion, detail.clone()),
                        ));
                        out.push(Span::marked(n, self.change(ChangeKind::Insertion, detail)));
                    }
                    at += n.len();
                }
            }
        }
        out
    }

    /// A whole text under one mark.
    pub fn whole(&self, text: &str, change: &Change) -> Content {
        Content::from_spans(vec![Span::marked(text, change.clone())])
    }

    /// Optional contents on both sides: diffed, or wholly inserted or deleted.
    pub fn optional(&self, old: Option<&Content>, new: Option<&Content>) -> Option<Content> {
        match (old, new) {
            (Some(o), Some(n)) => Some(self.text(&o.accepted(), &n.accepted(), Part::Text)),
            (None, Some(n)) => {
                Some(self.whole(&n.accepted(), &self.change(ChangeKind::Insertion, None)))
            }
            (Some(o), None) => {
                Some(self.whole(&o.accepted(), &self.change(ChangeKind::Deletion, None)))
            }
            (None, None) => None,
        }
    }
}
