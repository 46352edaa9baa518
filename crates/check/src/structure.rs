//! The title block (revision, history line and enacting formula agree), empty items and
//! headings, the punctuation that ends items, and balanced brackets and quotes.

use amend_model::{Document, Item, Meeting, Resolution, Section, SectionKind, SourceSpan};

use crate::text::{FlatText, Role, content_span};
use crate::{CheckOptions, Diagnostic, Edit, Fix};

pub fn check(
    doc: &Document,
    texts: &[FlatText],
    _options: &CheckOptions,
    out: &mut Vec<Diagnostic>,
) {
    for r in doc.resolutions() {
        title_block(r, out);
        empty(r, out);
        punctuation(r, out);
    }
    for t in texts {
        if matches!(t.role, Role::Label) {
            continue;
        }
        brackets(t, out);
    }
}

fn same_meeting(a: &Meeting, place: Option<&str>, year: Option<u16>) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_lowercase()
    };
    let place_ok = match place {
        Some(p) => norm(&a.place).ends_with(&norm(p)) || norm(p).ends_with(&norm(&a.place)),
        None => true,
    };
    place_ok && (year.is_none() || a.year.is_none() || a.year == year)
}

fn show(place: Option<&str>, year: Option<u16>) -> String {
    match (place, year) {
        (Some(p), Some(y)) => format!("{p}, {y}"),
        (Some(p), None) => p.to_string(),
        (None, Some(y)) => y.to_string(),
        (None, None) => "?".into(),
    }
}

fn title_block(r: &Resolution, out: &mut Vec<Diagnostic>) {
    let tb = &r.title_block;
    let number_span = content_span(&tb.number_line, tb.span);
    let history = tb.history.as_ref();
    let history_span = history.map(|h| content_span(&h.content, tb.span));
    let last = history.and_then(|h| h.meetings.last());
    if let (Some(rev), Some(last), Some(hs)) = (&tb.revision, last, history_span)
        && !same_meeting(last, rev.place.as_deref(), rev.year)
    {
        out.push(
            Diagnostic::error(
                "title-block/inconsistent",
                number_span,
                format!(
                    "the title gives the revision `{}` but the history line ends with `{}`",
                    show(rev.place.as_deref(), rev.year),
                    show(Some(&last.place), last.year)
                ),
            )
            .with_label("revision")
            .with_secondary(hs, "history line"),
        );
    }
    if let (None, Some(h), Some(hs)) = (&tb.revision, history, history_span)
        && h.meetings.len() > 1
        && h.footnote_markers.is_empty()
    {
        out.push(
            Diagnostic::error(
                "title-block/inconsistent",
                number_span,
                format!(
                    "the history line lists {} meetings but the title has no `(Rev. ...)`",
                    h.meetings.len()
                ),
            )
            .with_label("no revision")
            .with_secondary(hs, "history line"),
        );
    }
    if let Some(e) = &r.enacting
        && let Some(m) = &e.meeting
    {
        let espan = content_span(&e.content, e.span);
        if let Some(rev) = &tb.revision
            && !same_meeting(m, rev.place.as_deref(), rev.year)
        {
            out.push(
                Diagnostic::error(
                    "title-block/inconsistent",
                    espan,
                    format!(
                        "the enacting formula names `{}` but the title gives the revision `{}`",
                        show(Some(&m.place), m.year),
                        show(rev.place.as_deref(), rev.year)
                    ),
                )
                .with_label("enacting meeting")
                .with_secondary(number_span, "revision"),
            );
        } else if tb.revision.is_none()
            && let Some(last) = last
            && !same_meeting(last, Some(&m.place), m.year)
        {
            out.push(
                Diagnostic::error(
                    "title-block/inconsistent",
                    espan,
                    format!(
                        "the enacting formula names `{}` but the history line ends with `{}`",
                        show(Some(&m.place), m.year),
                        show(Some(&last.place), last.year)
                    ),
                )
                .with_label("enacting meeting")
                .with_secondary(history_span.unwrap_or(tb.span), "history line"),
            );
        }
    }
}

fn empty(r: &Resolution, out: &mut Vec<Diagnostic>) {
    for s in &r.sections {
        if s.items.is_empty() && !s.heading.is_empty() {
            let span = content_span(&s.heading, s.span);
            out.push(
                Diagnostic::error(
                    "structure/empty-section",
                    span,
                    format!("the heading `{}` has no items", s.heading.accepted().trim()),
                )
                .with_label("heading without items"),
            );
        }
        for item in s.items.iter().flat_map(Item::walk) {
            if item.label.is_some() && item.content.accepted().trim().is_empty() {
                if !item.children.is_empty() || item.mark.is_some() {
                    continue;
                }
                let span = item
                    .label
                    .as_ref()
                    .and_then(|l| l.written.src())
                    .unwrap_or(item.span);
                out.push(
                    Diagnostic::error(
                        "structure/empty-item",
                        span,
                        format!(
                            "item `{}` has no text",
                            item.label.as_ref().map(|l| l.text()).unwrap_or_default()
                        ),
                    )
                    .with_label("empty item"),
                );
            }
        }
    }
}

fn last_char(item: &Item) -> Option<(char, SourceSpan)> {
    let text = item.content.accepted();
    let trimmed = text.trim_end();
    let c = trimmed.chars().next_back()?;
    let src = item.content.src()?;
    // The content's source ends at its last character: trimmed content keeps its end.
    let end = src.end;
    Some((c, SourceSpan::new(end.saturating_sub(c.len_utf8()), end)))
}

fn punctuation(r: &Resolution, out: &mut Vec<Diagnostic>) {
    let itu: Vec<&Section> = r
        .sections
        .iter()
        .filter(|s| matches!(s.kind, SectionKind::Preamble | SectionKind::Operative))
        .filter(|s| !s.heading.is_empty())
        .collect();
    let last_operative = itu
        .iter()
        .rposition(|s| s.kind == SectionKind::Operative)
        .map(|i| itu[i]);
    for s in &itu {
        let items: Vec<&Item> = s.items.iter().flat_map(Item::walk).collect();
        for (n, item) in items.iter().enumerate() {
            let Some((c, span)) = last_char(item) else {
                continue;
            };
            let is_last_of_all =
                last_operative.is_some_and(|l| std::ptr::eq(l, *s)) && n + 1 == items.len();
            let has_children = !item.children.is_empty();
            let (ok, want): (bool, &str) = if is_last_of_all {
                (c == '.', "`.`")
            } else if has_children {
                (matches!(c, ':' | ';' | ','), "`:`, `;` or `,`")
            } else if s.kind == SectionKind::Preamble {
                (matches!(c, ';' | ','), "`;` or `,`")
            } else {
                (matches!(c, ';' | ',' | '.'), "`;`, `,` or `.`")
            };
            if ok {
                continue;
            }
            let code = if is_last_of_all {
                "punctuation/last-item"
            } else {
                "punctuation/item-end"
            };
            let what = if is_last_of_all {
                "the last operative item".to_string()
            } else if s.kind == SectionKind::Preamble {
                "a preamble item".to_string()
            } else {
                "an operative item".to_string()
            };
            let mut d = Diagnostic::warning(
                code,
                span,
                format!("{what} should end with {want}, not `{c}`"),
            )
            .with_label("item ends here");
            if is_last_of_all && matches!(c, ';' | ',') {
                d = d.with_fix(Fix {
                    description: "end with a full stop".into(),
                    edits: vec![Edit {
                        span,
                        replacement: ".".into(),
                    }],
                    safe: false,
                });
            }
            out.push(d);
        }
    }
}

/// Unbalanced brackets and quotes in one paragraph. Item labels cited in the text
/// (`a)-e)`, `e), f)`), enclosed labels (`(i)`) and apostrophes do not count.
fn brackets(t: &FlatText, out: &mut Vec<Diagnostic>) {
    let text = &t.text;
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut problems: Vec<(usize, String)> = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        match c {
            '(' | '[' | '{' => stack.push((c, i)),
            ')' | ']' | '}' => {
                let open = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                if stack.last().is_some_and(|(o, _)| *o == open) {
                    stack.pop();
                } else if c == ')' && looks_like_label(&chars, k) {
                    // `a)-e)` and `considering e), f)` cite labels.
                } else if let Some(pos) = stack.iter().rposition(|(o, _)| *o == open) {
                    for (o, at) in stack.drain(pos + 1..) {
                        problems.push((at, format!("`{o}` is never closed")));
                    }
                    stack.pop();
                } else {
                    problems.push((i, format!("`{c}` closes nothing")));
                }
            }
            _ => {}
        }
    }
    for (o, at) in stack {
        problems.push((at, format!("`{o}` is never closed")));
    }
    let straight = text.matches('"').count();
    if straight % 2 == 1
        && let Some(at) = text.rfind('"')
    {
        problems.push((at, "odd number of `\"` quotes".into()));
    }
    let opening = text.matches('“').count();
    let closing = text.matches('”').count();
    if opening != closing {
        let (ch, at) = if opening > closing {
            ('“', text.rfind('“'))
        } else {
            ('”', text.rfind('”'))
        };
        if let Some(at) = at {
            problems.push((
                at,
                format!("`{ch}` has no partner ({opening} `“`, {closing} `”`)"),
            ));
        }
    }
    for (at, message) in problems {
        let width = text[at..].chars().next().map_or(1, char::len_utf8);
        out.push(
            Diagnostic::warning("punctuation/unbalanced", t.span(at, at + width), message)
                .with_label("unbalanced"),
        );
    }
}

/// Whether the `)` at `k` ends a label cited in running text (`e)`, `iv)`, `1)`).
fn looks_like_label(chars: &[(usize, char)], k: usize) -> bool {
    let mut j = k;
    let mut n = 0;
    while j > 0 && chars[j - 1].1.is_ascii_alphanumeric() {
        j -= 1;
        n += 1;
    }
    if n == 0 || n > 4 {
        return false;
    }
    let before = if j == 0 { None } else { Some(chars[j - 1].1) };
    before.is_none_or(|b| b.is_whitespace() || matches!(b, '-' | '–' | ',' | '\u{a0}'))
}
