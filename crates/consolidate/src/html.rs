//! The HTML output: one self-contained page (its own CSS, no script, no external file)
//! with the synoptic table (one row per unit, a column for the base and one per source,
//! changes marked, agreements and conflicts highlighted) and the merged draft.
//! Print-friendly: the table repeats its header on every page and rows do not split.

use amend_model::{ChangeKind, Content};
use amend_text::lines;

use crate::pieces::{DELETION_TEXT, Piece, pieces};
use crate::{Classification, Consolidation};

const CSS: &str = r#"
:root { --ins: #d7f5dd; --ins-ink: #0b5d1e; --del: #fbe0e0; --del-ink: #8f1d1d;
  --agree: #e6f4ea; --conflict: #fff1d6; --conflict-ink: #8a4b00; --new: #e3ecfb;
  --rule: #c9ced6; --muted: #5f6670; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 90rem; padding: 1rem; color: #1b1f24; background: #fff;
  font: 1rem/1.45 Georgia, "Times New Roman", serif; }
h1 { font: bold 1.3rem system-ui, sans-serif; margin: 0 0 .3rem; }
h2 { font: bold 1.1rem system-ui, sans-serif; margin: 1.5rem 0 .5rem; }
.meta { font: .9rem/1.4 system-ui, sans-serif; color: var(--muted); margin: .2rem 0; }
.legend span { display: inline-block; padding: 0 .4rem; margin-right: .4rem; border: 1px solid var(--rule); }
ins { background: var(--ins); color: var(--ins-ink); text-decoration: underline; }
del { background: var(--del); color: var(--del-ink); text-decoration: line-through; }
.alt { background: var(--conflict); color: var(--conflict-ink); font-weight: bold; }
.alt .text { font-weight: normal; color: #1b1f24; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
th, td { border: 1px solid var(--rule); padding: .25rem .4rem; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
thead th { background: #f2f4f7; font-family: system-ui, sans-serif; }
tr.agreement td { background: var(--agree); }
tr.conflict td { background: var(--conflict); }
tr.conflict td.class { color: var(--conflict-ink); font-weight: bold; }
tr.new td { background: var(--new); }
tr.suppressed td.class, tr.mergeable td.class, tr.single td.class { font-weight: bold; }
td.unit { white-space: nowrap; font-family: system-ui, sans-serif; }
td.class { font-family: system-ui, sans-serif; white-space: nowrap; }
.draft p { margin: .3rem 0; white-space: pre-wrap; }
.draft p.para-ins { border-left: 3px solid var(--ins-ink); padding-left: .5rem; }
.draft p.para-del { border-left: 3px solid var(--del-ink); padding-left: .5rem; }
.label { display: inline-block; min-width: 2.5rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  ins, del, .alt, tr.agreement td, tr.conflict td, tr.new td {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
}
"#;

/// Escapes text for HTML element content and attribute values.
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

fn title_attr(sources: &Option<String>) -> String {
    match sources {
        Some(s) => format!(" title=\"{}\"", esc(s)),
        None => String::new(),
    }
}

fn content_html(content: &Content) -> String {
    let mut out = String::new();
    for piece in pieces(content) {
        match piece {
            Piece::Plain(t) => out.push_str(&esc(&t)),
            Piece::Inserted { text, sources } => out.push_str(&format!(
                "<ins{}>{}</ins>",
                title_attr(&sources),
                esc(&text)
            )),
            Piece::Deleted { text, sources } => out.push_str(&format!(
                "<del{}>{}</del>",
                title_attr(&sources),
                esc(&text)
            )),
            Piece::Conflict { base, alternatives } => {
                if !base.is_empty() {
                    out.push_str(&format!("<del class=\"conflict\">{}</del>", esc(&base)));
                }
                let parts: Vec<String> = alternatives
                    .iter()
                    .map(|a| {
                        let text = if a.deleted || a.text.trim().is_empty() {
                            DELETION_TEXT.to_string()
                        } else {
                            a.text.trim().to_string()
                        };
                        format!(
                            "{}: <span class=\"text\">{}</span>",
                            esc(&a.sources),
                            esc(&text)
                        )
                    })
                    .collect();
                let (before, after) = crate::markdown::outer_spaces(&alternatives);
                out.push_str(&format!(
                    "{before}<span class=\"alt\">[{}]</span>{after}",
                    parts.join(" / ")
                ));
            }
        }
    }
    out
}

/// The page.
pub fn write_html(c: &Consolidation) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let title = format!("Consolidation: {}", c.title.trim());
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!(
        "<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        esc(&title)
    ));
    out.push_str(&format!("<header>\n<h1>{}</h1>\n", esc(&title)));
    let sources = c
        .sources
        .iter()
        .map(|s| format!("{} ({})", esc(&s.name), s.action.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    out.push_str(&format!("<p class=\"meta\">Sources: {sources}.</p>\n"));
    let s = c.summary();
    out.push_str(&format!(
        "<p class=\"meta\">Units: {} untouched, {} single, {} agreement, {} conflict, {} mergeable, {} new, {} suppressed.</p>\n",
        s.untouched, s.single, s.agreement, s.conflict, s.mergeable, s.new, s.suppressed
    ));
    for w in &c.warnings {
        out.push_str(&format!("<p class=\"meta\">Warning: {}</p>\n", esc(w)));
    }
    out.push_str("<p class=\"meta legend\"><span><ins>inserted</ins></span><span><del>deleted</del></span><span class=\"alt\">[conflict]</span><span style=\"background:var(--agree)\">agreement</span><span style=\"background:var(--new)\">new</span></p>\n</header>\n<main>\n");
    out.push_str(
        "<h2 id=\"synoptic\">Synoptic table</h2>\n<table>\n<thead><tr><th>Unit</th><th>Base</th>",
    );
    for s in &c.sources {
        out.push_str(&format!(
            "<th>{} ({})</th>",
            esc(&s.name),
            s.action.as_str()
        ));
    }
    out.push_str("<th>Classification</th></tr></thead>\n<tbody>\n");
    for unit in &c.units {
        out.push_str(&format!(
            "<tr class=\"{}\" id=\"{}\"><td class=\"unit\">{}</td><td>{}</td>",
            unit.classification.as_str(),
            esc(&unit.eid),
            esc(&unit.name),
            esc(&unit.base_text)
        ));
        for s in &c.sources {
            let cell = unit
                .versions
                .iter()
                .find(|v| v.source == s.name)
                .map(|v| content_html(&v.marked))
                .unwrap_or_default();
            out.push_str(&format!("<td>{cell}</td>"));
        }
        let class = match unit.classification {
            Classification::Untouched => String::new(),
            k => format!("{}<br>{}", k.as_str(), esc(&unit.sources().join(", "))),
        };
        out.push_str(&format!("<td class=\"class\">{class}</td></tr>\n"));
    }
    out.push_str("</tbody>\n</table>\n<h2 id=\"draft\">Merged draft</h2>\n<div class=\"draft\">\n");
    for line in lines(&c.merged) {
        let class = match line.mark.as_ref().map(|m| m.kind) {
            Some(ChangeKind::Insertion | ChangeKind::MoveTo) => " class=\"para-ins\"",
            Some(ChangeKind::Deletion | ChangeKind::MoveFrom) => " class=\"para-del\"",
            _ => "",
        };
        out.push_str(&format!("<p{class}>"));
        if let Some(label) = &line.label {
            out.push_str(&format!(
                "<span class=\"label\">{}</span> ",
                content_html(label)
            ));
        }
        out.push_str(&content_html(&line.content));
        out.push_str("</p>\n");
    }
    out.push_str("</div>\n</main>\n</body>\n</html>\n");
    out
}
