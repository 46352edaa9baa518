//! The HTML view: one self-contained page (its own CSS, no script, no external file)
//! with an inline redline and a two-column one, switched by two radio buttons, and a
//! switch that hides boilerplate. Changes are `<ins>` and `<del>` (underline and strike
//! through, not colour alone); moves link their two halves. Prints the inline view on
//! paper and stacks the columns on a phone.

use amend_diff::{Redline, boilerplate_of};
use amend_model::{Change, ChangeKind, Content, Span};

use crate::rows::{Row, RowKind, rows};

/// Options of the HTML page.
#[derive(Debug, Clone)]
pub struct HtmlOptions {
    /// The page title (e.g. the two file names).
    pub title: String,
    /// The names of the old and new versions, shown over the columns.
    pub old_name: String,
    pub new_name: String,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        Self {
            title: "Redline".into(),
            old_name: "Old".into(),
            new_name: "New".into(),
        }
    }
}

const CSS: &str = r#"
:root { --ins: #d7f5dd; --ins-ink: #0b5d1e; --del: #fbe0e0; --del-ink: #8f1d1d;
  --move: #e3ecfb; --move-ink: #1d3f8f; --rule: #d0d4da; --muted: #5f6670; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem; font: 1rem/1.5 Georgia, "Times New Roman", serif;
  color: #1b1f24; background: #fff; }
header { border-bottom: 1px solid var(--rule); margin-bottom: 1rem; }
h1 { font-size: 1.3rem; margin: 0 0 .25rem; font-family: system-ui, sans-serif; }
.summary, .legend, .controls { font: .9rem/1.4 system-ui, sans-serif; color: var(--muted); margin: .25rem 0; }
.controls label { display: inline-block; border: 1px solid var(--rule); border-radius: .3rem;
  padding: .2rem .6rem; margin: .2rem .3rem .2rem 0; cursor: pointer; color: #1b1f24; }
.switch { position: absolute; opacity: 0; width: 1px; height: 1px; }
#view-inline:checked ~ header label[for=view-inline],
#view-columns:checked ~ header label[for=view-columns],
#hide-bp:checked ~ header label[for=hide-bp] { background: #1b1f24; color: #fff; }
.switch:focus-visible ~ header .controls { outline: 2px solid #1d3f8f; }
#view-inline:checked ~ main .columns { display: none; }
#view-columns:checked ~ main .inline { display: none; }
ins { background: var(--ins); color: var(--ins-ink); text-decoration: underline; }
del { background: var(--del); color: var(--del-ink); text-decoration: line-through; }
ins.move { background: var(--move); color: var(--move-ink); text-decoration: underline double; }
del.move { background: var(--move); color: var(--move-ink); text-decoration: line-through double; }
ins.bp, del.bp { background: none; opacity: .75; }
#hide-bp:checked ~ main del.bp { display: none; }
#hide-bp:checked ~ main ins.bp { text-decoration: none; color: inherit; opacity: 1; }
.row { margin: .35rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.title { text-align: center; font-weight: bold; margin: .2rem 0; }
.heading { font-style: italic; margin: 1rem 0 .3rem; }
.d1 { margin-left: 2rem; } .d2 { margin-left: 4rem; } .d3 { margin-left: 6rem; }
.label { display: inline-block; min-width: 2.5rem; }
.para-ins { border-left: 3px solid var(--ins-ink); padding-left: .5rem; }
.para-del { border-left: 3px solid var(--del-ink); padding-left: .5rem; }
.para-move { border-left: 3px double var(--move-ink); padding-left: .5rem; }
.movelink { font: .8rem system-ui, sans-serif; color: var(--move-ink); margin-left: .5rem; }
.columns .pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1.5rem; border-top: 1px solid #eef0f2; }
.columns .pair > div { min-width: 0; }
.columns .head { font: bold .9rem system-ui, sans-serif; color: var(--muted); border: 0; }
.side { display: none; font: .75rem system-ui, sans-serif; color: var(--muted); }
details { margin-top: 2rem; font: .9rem/1.4 system-ui, sans-serif; }
table { border-collapse: collapse; width: 100%; }
td, th { border-bottom: 1px solid #eef0f2; padding: .2rem .4rem; text-align: left; vertical-align: top; }
@media (max-width: 44rem) {
  body { padding: .5rem; font-size: 1.05rem; }
  .d1 { margin-left: 1rem; } .d2 { margin-left: 2rem; } .d3 { margin-left: 3rem; }
  .columns .pair { grid-template-columns: 1fr; gap: 0; }
  .columns .head { display: none; }
  .side { display: block; }
}
@media print {
  .controls, .switch, .columns, details { display: none !important; }
  .inline { display: block !important; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  ins, del { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .row { break-inside: avoid; }
}
"#;

/// Escapes text for HTML.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn describe(change: &Change) -> String {
    let mut parts = vec![match change.kind {
        ChangeKind::MoveFrom => "moved away".to_string(),
        ChangeKind::MoveTo => "moved here".to_string(),
        k => k.as_str().replace('_', " "),
    }];
    if let Some(b) = boilerplate_of(change) {
        parts.push(format!("boilerplate: {}", b.as_str()));
    }
    if let Some(a) = &change.author {
        parts.push(format!("by {a}"));
    }
    if let Some(d) = &change.date {
        parts.push(d.clone());
    }
    parts.join(", ")
}

/// One span as HTML; `whole` spans inherit the row's mark and need no title of their own.
fn span_html(span: &Span, out: &mut String) {
    let text = esc(&span.text);
    let Some(change) = &span.change else {
        out.push_str(&text);
        return;
    };
    let tag = match change.kind {
        ChangeKind::Insertion | ChangeKind::MoveTo | ChangeKind::Alternative => "ins",
        ChangeKind::Deletion | ChangeKind::MoveFrom | ChangeKind::DeletedInsertion => "del",
        _ => {
            out.push_str(&text);
            return;
        }
    };
    let mut classes = Vec::new();
    if matches!(change.kind, ChangeKind::MoveFrom | ChangeKind::MoveTo) {
        classes.push("move");
    }
    if boilerplate_of(change).is_some() {
        classes.push("bp");
    }
    out.push('<');
    out.push_str(tag);
    if !classes.is_empty() {
        out.push_str(&format!(" class=\"{}\"", classes.join(" ")));
    }
    if !classes.is_empty() || change.author.is_some() {
        out.push_str(&format!(" title=\"{}\"", esc(&describe(change))));
    }
    out.push('>');
    out.push_str(&text);
    out.push_str("</");
    out.push_str(tag);
    out.push('>');
}

fn content_html(content: &Content, keep: &dyn Fn(&Span) -> bool) -> String {
    let mut out = String::new();
    for span in &content.spans {
        if keep(span) && span.kind() != Some(ChangeKind::Comment) {
            span_html(span, &mut out);
        }
    }
    out
}

fn row_class(row: &Row) -> String {
    let mut classes = vec!["row".to_string()];
    classes.push(
        match row.kind {
            RowKind::Title => "title",
            RowKind::Heading => "heading",
            RowKind::Item => "item",
            RowKind::Paragraph => "para",
        }
        .to_string(),
    );
    if row.depth > 0 {
        classes.push(format!("d{}", row.depth.min(3)));
    }
    if let Some(m) = &row.mark {
        classes.push(
            match m.kind {
                ChangeKind::MoveFrom | ChangeKind::MoveTo => "para-move",
                k if k.in_accepted() => "para-ins",
                _ => "para-del",
            }
            .to_string(),
        );
    }
    classes.join(" ")
}

/// The inner HTML of a row (label and content) with the spans `keep` selects.
fn row_inner(row: &Row, keep: &dyn Fn(&Span) -> bool) -> String {
    let mut out = String::new();
    if let Some(label) = &row.label {
        let l = content_html(label, keep);
        if !l.is_empty() {
            out.push_str(&format!("<span class=\"label\">{l}</span> "));
        }
    }
    out.push_str(&content_html(&row.content, keep));
    out
}

fn move_link(row: &Row, inline: bool) -> (String, String) {
    let Some(mark) = &row.mark else {
        return (String::new(), String::new());
    };
    let Some(id) = &mark.move_id else {
        return (String::new(), String::new());
    };
    let (here, there, text) = match mark.kind {
        ChangeKind::MoveFrom => ("from", "to", "moved to ↓"),
        _ => ("to", "from", "moved from ↑"),
    };
    let id = esc(id);
    if inline {
        (
            format!(" id=\"{id}-{here}\""),
            format!("<a class=\"movelink\" href=\"#{id}-{there}\">{text}</a>"),
        )
    } else {
        (
            String::new(),
            format!("<span class=\"movelink\">{text}</span>"),
        )
    }
}

/// The redline as one self-contained HTML page.
pub fn html(redline: &Redline, options: &HtmlOptions) -> String {
    let rows = rows(&redline.document);
    let s = redline.summary();
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"generator\" content=\"amend\">\n");
    out.push_str(&format!("<title>{}</title>\n", esc(&options.title)));
    out.push_str(&format!("<style>{CSS}</style>\n</head>\n<body>\n"));
    out.push_str(
        "<input class=\"switch\" type=\"radio\" name=\"view\" id=\"view-inline\" checked>\n",
    );
    out.push_str("<input class=\"switch\" type=\"radio\" name=\"view\" id=\"view-columns\">\n");
    out.push_str("<input class=\"switch\" type=\"checkbox\" id=\"hide-bp\">\n");
    out.push_str("<header>\n");
    out.push_str(&format!("<h1>{}</h1>\n", esc(&options.title)));
    out.push_str(&format!(
        "<p class=\"summary\">{} changes: {} substantive, {} boilerplate ({} insertions, {} deletions, {} replacements, {} paragraphs inserted, {} deleted, {} moved).</p>\n",
        s.substantive + s.boilerplate,
        s.substantive,
        s.boilerplate,
        s.insertions,
        s.deletions,
        s.replacements,
        s.nodes_inserted,
        s.nodes_deleted,
        s.moves
    ));
    out.push_str("<p class=\"controls\"><label for=\"view-inline\">Inline</label><label for=\"view-columns\">Two columns</label><label for=\"hide-bp\">Hide boilerplate</label></p>\n");
    out.push_str("<p class=\"legend\"><ins>inserted</ins> <del>deleted</del> <ins class=\"move\">moved here</ins> <del class=\"move\">moved away</del> <ins class=\"bp\">boilerplate</ins></p>\n");
    out.push_str("</header>\n<main>\n");

    // Inline view.
    out.push_str("<section class=\"inline\" aria-label=\"Inline redline\">\n");
    for row in &rows {
        let (id_attr, link) = move_link(row, true);
        let id_attr = if id_attr.is_empty() {
            row.id
                .as_ref()
                .map(|id| format!(" id=\"{}\"", esc(id)))
                .unwrap_or_default()
        } else {
            id_attr
        };
        out.push_str(&format!(
            "<p class=\"{}\"{id_attr}>{}{link}</p>\n",
            row_class(row),
            row_inner(row, &|_| true)
        ));
    }
    out.push_str("</section>\n");

    // Two-column view.
    out.push_str("<section class=\"columns\" aria-label=\"Two-column redline\">\n");
    out.push_str(&format!(
        "<div class=\"pair head\"><div>{}</div><div>{}</div></div>\n",
        esc(&options.old_name),
        esc(&options.new_name)
    ));
    for row in &rows {
        let old = row_inner(row, &|s: &Span| s.in_rejected());
        let new = row_inner(row, &|s: &Span| s.in_accepted());
        let (_, link) = move_link(row, false);
        let class = row_class(row);
        let cell = |side: &str, inner: &str| {
            if inner.trim().is_empty() {
                "<div></div>".to_string()
            } else {
                format!(
                    "<div><span class=\"side\">{side}</span><p class=\"{class}\">{inner}{link}</p></div>"
                )
            }
        };
        out.push_str(&format!(
            "<div class=\"pair\">{}{}</div>\n",
            cell(&esc(&options.old_name), &old),
            cell(&esc(&options.new_name), &new)
        ));
    }
    out.push_str("</section>\n</main>\n");

    // The change list.
    out.push_str(&format!(
        "<details>\n<summary>Change list ({})</summary>\n<table>\n<thead><tr><th>Node</th><th>Change</th><th>Old</th><th>New</th><th>Kind</th></tr></thead>\n<tbody>\n",
        redline.changes.len()
    ));
    for c in &redline.changes {
        let kind = match c.boilerplate {
            Some(b) => format!("boilerplate ({})", b.as_str()),
            None => "substantive".into(),
        };
        let what = format!("{:?}", c.kind).to_lowercase();
        out.push_str(&format!(
            "<tr><td><a href=\"#{}\">{}</a> {}</td><td>{}</td><td><del>{}</del></td><td><ins>{}</ins></td><td>{}</td></tr>\n",
            esc(&c.node),
            esc(&c.node),
            esc(c.part),
            esc(&what),
            esc(&c.old),
            esc(&c.new),
            esc(&kind)
        ));
    }
    out.push_str("</tbody>\n</table>\n</details>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use amend_diff::{DiffOptions, diff_text};

    #[test]
    fn escapes_and_marks() {
        let r = diff_text("a <b> & c", "a <b> & d", &DiffOptions::default());
        let page = html(&r, &HtmlOptions::default());
        assert!(page.contains("a &lt;b&gt; &amp; <del>c</del><ins>d</ins>"));
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(!page.contains("<script"));
        assert!(!page.contains("http"));
    }
}
