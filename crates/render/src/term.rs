//! The terminal view: inline (one paragraph per line, changes marked in place) or side by
//! side (old text left, new text right, wrapped to the terminal's width). With colour,
//! insertions are green and underlined, deletions red and struck through, moves cyan and
//! magenta, boilerplate dimmed; without, `[-deleted-]` and `{+inserted+}` as wdiff writes
//! them. The caller decides on colour (NO_COLOR, a terminal or not) and writes through
//! `anstream`, which also strips colour that reaches a file.

use amend_diff::{Redline, boilerplate_of};
use amend_model::{ChangeKind, Content, Span};
use owo_colors::{OwoColorize, Style as Owo};

use crate::rows::{Row, RowKind, rows};

/// How to lay out the terminal view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    #[default]
    Inline,
    SideBySide,
}

/// Options of the terminal view.
#[derive(Debug, Clone, Copy)]
pub struct TermOptions {
    pub layout: Layout,
    /// Colours and text styles (else plain `[-…-]`/`{+…+}` marks).
    pub color: bool,
    /// Width of the terminal in columns (side by side only).
    pub width: usize,
}

impl Default for TermOptions {
    fn default() -> Self {
        Self {
            layout: Layout::Inline,
            color: true,
            width: 100,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Strong,
    Ins,
    Del,
    MoveTo,
    MoveFrom,
    BoilerIns,
    BoilerDel,
}

impl Style {
    fn of(span: &Span) -> Style {
        let Some(change) = &span.change else {
            return Style::Plain;
        };
        let boiler = boilerplate_of(change).is_some();
        match change.kind {
            ChangeKind::Insertion if boiler => Style::BoilerIns,
            ChangeKind::Deletion if boiler => Style::BoilerDel,
            ChangeKind::Insertion | ChangeKind::Alternative => Style::Ins,
            ChangeKind::Deletion | ChangeKind::DeletedInsertion => Style::Del,
            ChangeKind::MoveTo => Style::MoveTo,
            ChangeKind::MoveFrom => Style::MoveFrom,
            _ => Style::Plain,
        }
    }

    fn owo(self) -> Owo {
        match self {
            Style::Plain => Owo::new(),
            Style::Strong => Owo::new().bold(),
            Style::Ins => Owo::new().green().underline(),
            Style::Del => Owo::new().red().strikethrough(),
            Style::MoveTo => Owo::new().cyan().underline(),
            Style::MoveFrom => Owo::new().magenta().strikethrough(),
            Style::BoilerIns => Owo::new().green().dimmed(),
            Style::BoilerDel => Owo::new().red().dimmed().strikethrough(),
        }
    }

    fn marks(self) -> (&'static str, &'static str) {
        match self {
            Style::Ins | Style::MoveTo | Style::BoilerIns => ("{+", "+}"),
            Style::Del | Style::MoveFrom | Style::BoilerDel => ("[-", "-]"),
            Style::Plain | Style::Strong => ("", ""),
        }
    }
}

/// A piece of text with a style.
type Segment = (String, Style);

fn paint(segments: &[Segment], color: bool) -> String {
    let mut out = String::new();
    for (text, style) in segments {
        if text.is_empty() {
            continue;
        }
        if color {
            if *style == Style::Plain {
                out.push_str(text);
            } else {
                out.push_str(&text.style(style.owo()).to_string());
            }
        } else {
            let (open, close) = style.marks();
            out.push_str(open);
            out.push_str(text);
            out.push_str(close);
        }
    }
    out
}

/// The segments of a content, keeping the spans `keep` selects.
fn segments(content: &Content, keep: &dyn Fn(&Span) -> bool, base: Style) -> Vec<Segment> {
    content
        .spans
        .iter()
        .filter(|s| keep(s) && s.kind() != Some(ChangeKind::Comment))
        .map(|s| {
            let style = match Style::of(s) {
                Style::Plain => base,
                other => other,
            };
            (s.text.replace(['\t', '\n'], " "), style)
        })
        .collect()
}

fn row_segments(row: &Row, keep: &dyn Fn(&Span) -> bool) -> Vec<Segment> {
    let base = match row.kind {
        RowKind::Title | RowKind::Heading => Style::Strong,
        _ => Style::Plain,
    };
    let mut out = vec![("  ".repeat(row.depth), Style::Plain)];
    if let Some(label) = &row.label {
        let label_segments = segments(label, keep, base);
        if label_segments.iter().any(|(t, _)| !t.trim().is_empty()) {
            let left = label_segments.last().map(|(_, s)| *s);
            let content_first = segments(&row.content, keep, base).first().map(|(_, s)| *s);
            let gap = match (left, content_first) {
                (Some(l), Some(r)) if l == r => l,
                _ => Style::Plain,
            };
            out.extend(label_segments);
            out.push((" ".to_string(), gap));
        }
    }
    out.extend(segments(&row.content, keep, base));
    // Merge neighbours of one style so marks wrap whole runs.
    let mut merged: Vec<Segment> = Vec::new();
    for (text, style) in out {
        match merged.last_mut() {
            Some((t, s)) if *s == style => t.push_str(&text),
            _ => merged.push((text, style)),
        }
    }
    merged
}

fn move_note(row: &Row) -> Option<String> {
    let mark = row.mark.as_ref()?;
    let id = mark.move_id.as_ref()?;
    Some(match mark.kind {
        ChangeKind::MoveFrom => format!("  (moved away: {id})"),
        _ => format!("  (moved here: {id})"),
    })
}

/// The redline for a terminal.
pub fn terminal(redline: &Redline, options: &TermOptions) -> String {
    let rows = rows(&redline.document);
    let mut out = String::new();
    match options.layout {
        Layout::Inline => {
            for row in &rows {
                let mut line = paint(&row_segments(row, &|_| true), options.color);
                if let Some(note) = move_note(row) {
                    line.push_str(&note);
                }
                out.push_str(line.trim_end());
                out.push('\n');
            }
        }
        Layout::SideBySide => {
            let col = (options.width.max(24) - 3) / 2;
            for row in &rows {
                let left = plain_marks(
                    row_segments(row, &|s: &Span| s.in_rejected()),
                    options.color,
                );
                let right = plain_marks(
                    row_segments(row, &|s: &Span| s.in_accepted()),
                    options.color,
                );
                let blank = |segs: &[Segment]| segs.iter().all(|(t, _)| t.trim().is_empty());
                let left = if blank(&left) {
                    Vec::new()
                } else {
                    wrap(&left, col)
                };
                let right = if blank(&right) {
                    Vec::new()
                } else {
                    wrap(&right, col)
                };
                for k in 0..left.len().max(right.len()) {
                    let l = left.get(k).map(Vec::as_slice).unwrap_or(&[]);
                    let r = right.get(k).map(Vec::as_slice).unwrap_or(&[]);
                    let width: usize = l.iter().map(|(t, _)| t.chars().count()).sum();
                    out.push_str(&paint(l, options.color));
                    out.push_str(&" ".repeat(col.saturating_sub(width)));
                    out.push_str(" │ ");
                    out.push_str(paint(r, options.color).trim_end());
                    out.push('\n');
                }
            }
        }
    }
    let s = redline.summary();
    let summary = format!(
        "{} changes: {} substantive, {} boilerplate ({} insertions, {} deletions, {} replacements, {} nodes inserted, {} nodes deleted, {} moves)\n",
        s.substantive + s.boilerplate,
        s.substantive,
        s.boilerplate,
        s.insertions,
        s.deletions,
        s.replacements,
        s.nodes_inserted,
        s.nodes_deleted,
        s.moves
    );
    out.push('\n');
    if options.color {
        out.push_str(&summary.dimmed().to_string());
    } else {
        out.push_str(&summary);
    }
    out
}

/// Without colour, the marks become part of the text (so wrapping counts them).
fn plain_marks(segments: Vec<Segment>, color: bool) -> Vec<Segment> {
    if color {
        return segments;
    }
    segments
        .into_iter()
        .map(|(text, style)| {
            let (open, close) = style.marks();
            (format!("{open}{text}{close}"), Style::Plain)
        })
        .collect()
}

/// Wraps styled text to `width` columns, breaking after spaces where possible.
fn wrap(segments: &[Segment], width: usize) -> Vec<Vec<Segment>> {
    let chars: Vec<(char, Style)> = segments
        .iter()
        .flat_map(|(t, s)| t.chars().map(move |c| (c, *s)))
        .collect();
    let mut lines: Vec<&[(char, Style)]> = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut end = (start + width).min(chars.len());
        if end < chars.len()
            && let Some(space) = chars[start..end].iter().rposition(|(c, _)| *c == ' ')
            && space > 0
        {
            end = start + space + 1;
        }
        lines.push(&chars[start..end]);
        start = end;
    }
    lines
        .into_iter()
        .map(|line| {
            let mut out: Vec<Segment> = Vec::new();
            for &(c, s) in line {
                match out.last_mut() {
                    Some((t, style)) if *style == s => t.push(c),
                    _ => out.push((c.to_string(), s)),
                }
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use amend_diff::{DiffOptions, diff_text};

    #[test]
    fn plain_marks_without_colour() {
        let r = diff_text(
            "the Assembly (Dubai, 2012)\nkept line\ngone line here",
            "the Assembly (Hammamet, 2016)\nkept line",
            &DiffOptions::default(),
        );
        let out = terminal(
            &r,
            &TermOptions {
                color: false,
                ..TermOptions::default()
            },
        );
        assert!(out.starts_with(
            "the Assembly ([-Dubai, 2012-]{+Hammamet, 2016+})\nkept line\n[-gone line here-]\n"
        ));
        assert!(out.contains("1 substantive, 1 boilerplate"));
        assert!(!out.contains('\u{1b}'));
    }

    #[test]
    fn colour_uses_ansi_styles() {
        let r = diff_text("a b c", "a x c", &DiffOptions::default());
        let out = terminal(&r, &TermOptions::default());
        assert!(out.contains("\u{1b}["));
        assert!(out.contains('x'));
    }

    #[test]
    fn side_by_side_wraps_both_columns() {
        let old = "one two three four five six seven eight nine ten eleven twelve";
        let new = "one two three four five SIX seven eight nine ten eleven twelve";
        let r = diff_text(old, new, &DiffOptions::default());
        let out = terminal(
            &r,
            &TermOptions {
                layout: Layout::SideBySide,
                color: false,
                width: 60,
            },
        );
        let lines: Vec<&str> = out.lines().take_while(|l| !l.is_empty()).collect();
        assert!(lines.len() >= 2, "{out}");
        assert!(lines.iter().all(|l| l.contains(" │ ")));
        assert!(out.contains("[-six-]"));
        assert!(out.contains("{+SIX+}"));
        for l in &lines {
            assert!(l.chars().count() <= 60, "{l}");
        }
    }
}
