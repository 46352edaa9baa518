//! The flattening detector: with neither base nor new text, the places where deleted and
//! inserted text most likely run together, and the replacement each suggests. The
//! checker uses the same detector.

use std::sync::LazyLock;

use amend_model::{EvidenceKind, Finding, SourceSpan};
use regex::Regex;

use crate::evidence::line_ranges;
use crate::labels::{Seq, leading_label};
use crate::{Cell, MarkKind};

/// What kind of flattening point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointKind {
    /// `Dubai, 2012Hammamet, 2016`, `2012 2015`: two meeting stamps or years in a row.
    RunTogetherStamps,
    /// `bd)`, `b) a)`: an old and a new label in a row.
    DoubledLabel,
    /// `issuesCWG`: a word glued to the next one.
    GluedWords,
    /// `Busan, 2014Busan, 2014`: the same text twice in a row.
    DoubledPhrase,
}

impl PointKind {
    pub fn code(self) -> &'static str {
        match self {
            PointKind::RunTogetherStamps => "run-together-stamps",
            PointKind::DoubledLabel => "doubled-label",
            PointKind::GluedWords => "glued-words",
            PointKind::DoubledPhrase => "doubled-phrase",
        }
    }
}

/// A likely flattening point: `old` (bytes `old_start..old_end`) probably deleted and
/// `new` (bytes `new_start..new_end`) probably inserted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlatteningPoint {
    pub kind: PointKind,
    pub old_start: usize,
    pub old_end: usize,
    pub new_start: usize,
    pub new_end: usize,
    pub old: String,
    pub new: String,
    /// Whether the old/new order is decided (labels by their sequence, stamps by reading
    /// order); glued words are only suspected.
    pub decided: bool,
}

impl FlatteningPoint {
    pub fn span(&self) -> SourceSpan {
        SourceSpan::new(
            self.old_start.min(self.new_start),
            self.old_end.max(self.new_end),
        )
    }

    /// The point as a finding, with the replacement it suggests.
    pub fn finding(&self) -> Finding {
        let message = match self.kind {
            PointKind::DoubledPhrase => format!(
                "`{}` twice in a row: a duplicated insertion, or the extractor repeated it",
                self.new
            ),
            PointKind::GluedWords => format!(
                "`{}{}`: two words glued together, probably `{}` replaced by `{}`",
                self.old, self.new, self.old, self.new
            ),
            _ => format!("probably `{}` replaced by `{}`", self.old, self.new),
        };
        Finding {
            code: self.kind.code().into(),
            message,
            span: self.span(),
        }
    }
}

static STAMP_PAIR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"((?:[A-Z][\p{L}'’\-]*(?:[ \-][A-Z][\p{L}'’\-]*)*,?[ \u{a0}]?)?(?:19|20)\d\d)((?:[ \u{a0}]?(?:Rev\.[ \u{a0}]?)?)(?:[A-Z][\p{L}'’\-]*(?:[ \-][A-Z][\p{L}'’\-]*)*,?[ \u{a0}]?)?(?:19|20)\d\d)",
    )
    .expect("stamp pair pattern")
});
static GLUED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b([a-z]{3,})([A-Z]{2,}[\p{L}\-]*)").expect("glued pattern"));

static STAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(Rev\.[ \u{a0}]?)?\b([A-Z][\p{L}'’\-]*(?:[ \-][A-Z][\p{L}'’\-]*)*, (?:19|20)\d\d)\b",
    )
    .expect("stamp pattern")
});

/// Meeting stamps (`Dubai, 2012`) of a text: byte range, and whether a revision (`Rev.`)
/// precedes it.
pub(crate) fn stamps_in(text: &str) -> Vec<(usize, usize, bool)> {
    STAMP
        .captures_iter(text)
        .filter_map(|c| {
            let m = c.get(2)?;
            Some((m.start(), m.end(), c.get(1).is_some()))
        })
        .collect()
}

/// The likely flattening points of `text`, in order.
pub fn flattening_points(text: &str) -> Vec<FlatteningPoint> {
    let mut out = Vec::new();
    for caps in STAMP_PAIR.captures_iter(text) {
        let (Some(a), Some(b)) = (caps.get(1), caps.get(2)) else {
            continue;
        };
        // `2012-2015` ranges and `2014, 2015` lists are not flattening.
        if text[b.end()..].starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let new_start = b.start() + (b.as_str().len() - b.as_str().trim_start().len());
        let kind = if a.as_str().trim() == b.as_str().trim() {
            PointKind::DoubledPhrase
        } else {
            PointKind::RunTogetherStamps
        };
        // A year beside a stamp replaces the year only.
        let old_start = if text[new_start..].starts_with(|c: char| c.is_ascii_digit()) {
            a.end() - 4
        } else {
            a.start()
        };
        out.push(FlatteningPoint {
            kind,
            old_start,
            old_end: a.end(),
            new_start,
            new_end: b.end(),
            old: text[old_start..a.end()].to_string(),
            new: text[new_start..b.end()].to_string(),
            decided: true,
        });
    }
    for caps in GLUED.captures_iter(text) {
        let (Some(a), Some(b)) = (caps.get(1), caps.get(2)) else {
            continue;
        };
        if out
            .iter()
            .any(|p| p.span().start <= a.start() && a.end() <= p.span().end)
        {
            continue;
        }
        out.push(FlatteningPoint {
            kind: PointKind::GluedWords,
            old_start: a.start(),
            old_end: a.end(),
            new_start: b.start(),
            new_end: b.end(),
            old: a.as_str().to_string(),
            new: b.as_str().to_string(),
            decided: false,
        });
    }
    doubled_phrases(text, &mut out);
    let mut seq = Seq::default();
    for (ls, le) in line_ranges(text) {
        let line = &text[ls..le];
        let Some(label) = leading_label(line) else {
            if !line.trim().is_empty() {
                seq.reset();
            }
            continue;
        };
        if label.suffixed {
            continue;
        }
        let core = &line[label.core_start..label.core_end];
        if let Some(second) =
            crate::labels::label_at(line, label.sep_end).filter(|_| label.sep_end > label.end)
        {
            // `b) a)`: the one that continues the sequence is new.
            let first = core;
            let other = &line[second.core_start..second.core_end];
            let (old, new) = if seq.score(first) >= seq.score(other) {
                ((second.start, second.sep_end), (label.start, label.end))
            } else {
                ((label.start, label.sep_end), (second.start, second.end))
            };
            out.push(point(text, ls, PointKind::DoubledLabel, old, new));
            seq.push(
                text[ls + new.0..ls + new.1]
                    .trim_start_matches('(')
                    .trim_end_matches([')', '.']),
            );
            continue;
        }
        if seq.score(core) > 0 || core.len() != 2 || !core.bytes().all(|c| c.is_ascii_lowercase()) {
            seq.push(core);
            continue;
        }
        // `bd)`: two letters, neither a letter nor a roman numeral together.
        let (x, y) = core.split_at(1);
        let (old, new) = if seq.score(y) >= seq.score(x) {
            (
                (label.core_start, label.core_start + 1),
                (label.core_start + 1, label.core_end),
            )
        } else {
            (
                (label.core_start + 1, label.core_end),
                (label.core_start, label.core_start + 1),
            )
        };
        out.push(point(text, ls, PointKind::DoubledLabel, old, new));
        seq.push(&line[new.0..new.1]);
    }
    out.sort_by_key(|p| p.span().start);
    out
}

/// Only the doubled phrases (`Busan, 2014Busan, 2014`): worth reporting even when the
/// base decided the rest.
pub(crate) fn doubled_phrase_points(text: &str) -> Vec<FlatteningPoint> {
    let mut out = Vec::new();
    doubled_phrases(text, &mut out);
    out
}

/// The same text twice, glued (`Busan, 2014Busan, 2014`).
fn doubled_phrases(text: &str, out: &mut Vec<FlatteningPoint>) {
    let bytes = text.as_bytes();
    for p in 1..bytes.len() {
        let (a, b) = (bytes[p - 1], bytes[p]);
        if !((a.is_ascii_digit() || a.is_ascii_lowercase() || a == b')') && b.is_ascii_uppercase())
        {
            continue;
        }
        for k in (4..=60).rev() {
            if k > p
                || p + k > bytes.len()
                || !text.is_char_boundary(p - k)
                || !text.is_char_boundary(p + k)
            {
                continue;
            }
            if bytes[p - k..p] == bytes[p..p + k] && !text[p - k..p].contains('\n') {
                if out
                    .iter()
                    .any(|q| q.kind == PointKind::DoubledPhrase && q.new_start == p)
                {
                    break;
                }
                out.retain(|q| {
                    !(q.kind == PointKind::DoubledPhrase
                        && q.span().start < p + k
                        && p - k < q.span().end)
                });
                out.push(FlatteningPoint {
                    kind: PointKind::DoubledPhrase,
                    old_start: p - k,
                    old_end: p,
                    new_start: p,
                    new_end: p + k,
                    old: text[p - k..p].to_string(),
                    new: text[p..p + k].to_string(),
                    decided: false,
                });
                break;
            }
        }
    }
}

fn point(
    text: &str,
    ls: usize,
    kind: PointKind,
    old: (usize, usize),
    new: (usize, usize),
) -> FlatteningPoint {
    FlatteningPoint {
        kind,
        old_start: ls + old.0,
        old_end: ls + old.1,
        new_start: ls + new.0,
        new_end: ls + new.1,
        old: text[ls + old.0..ls + old.1].to_string(),
        new: text[ls + new.0..ls + new.1].to_string(),
        decided: true,
    }
}

pub(crate) struct FlatOut {
    pub cells: Vec<Cell>,
    pub findings: Vec<Finding>,
}

/// The flattened text alone: decided points become a deletion and an insertion by
/// replacement pattern (moderate confidence); the others are marked undecided.
pub(crate) fn flat_only(text: &str) -> FlatOut {
    let mut cells = vec![Cell::KEPT; text.len()];
    let mut findings = Vec::new();
    for p in flattening_points(text) {
        findings.push(p.finding());
        match p.kind {
            PointKind::RunTogetherStamps | PointKind::DoubledLabel => {
                let c = if p.kind == PointKind::DoubledLabel {
                    4
                } else {
                    1
                };
                cells[p.old_start..p.old_end].fill(Cell {
                    detail: c,
                    ..Cell::new(MarkKind::Deleted, EvidenceKind::ReplacementPattern, 60)
                });
                cells[p.new_start..p.new_end].fill(Cell {
                    detail: c,
                    ..Cell::new(MarkKind::Inserted, EvidenceKind::ReplacementPattern, 60)
                });
            }
            PointKind::GluedWords => {
                cells[p.old_start..p.new_end].fill(Cell {
                    detail: 6,
                    ..Cell::new(MarkKind::Undecided, EvidenceKind::Undecided, 40)
                });
            }
            PointKind::DoubledPhrase => {
                cells[p.new_start..p.new_end].fill(Cell::new(
                    MarkKind::Undecided,
                    EvidenceKind::Undecided,
                    40,
                ));
            }
        }
    }
    FlatOut { cells, findings }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_seed_kinds_of_points() {
        let text = "RESOLUTION 75 (Rev. Dubai, 2012Hammamet, 2016)\n\
            considering\na) x;\nb) y;\nc) z;\nbd) the (Guadalajara, 2010Busan, 2014Busan, 2014):\n\
            x issuesCWG-Internet,\n(Geneva, 2012 2015)\n";
        let points = flattening_points(text);
        let kinds: Vec<(PointKind, &str, &str)> = points
            .iter()
            .map(|p| (p.kind, p.old.as_str(), p.new.as_str()))
            .collect();
        assert!(kinds.contains(&(
            PointKind::RunTogetherStamps,
            "Dubai, 2012",
            "Hammamet, 2016"
        )));
        assert!(kinds.contains(&(PointKind::DoubledLabel, "b", "d")));
        assert!(kinds.contains(&(PointKind::GluedWords, "issues", "CWG-Internet")));
        assert!(kinds.contains(&(PointKind::RunTogetherStamps, "2012", "2015")));
        assert!(kinds.iter().any(|k| k.0 == PointKind::DoubledPhrase));
    }
}
