//! An indented outline of a document's structure, for people.

use std::fmt::Write;

use amend_model::{Body, Document, Item, Resolution};

/// The outline: kind, title block, sections with their items, one per line.
pub fn outline(doc: &Document) -> String {
    let mut out = String::new();
    match &doc.body {
        Body::Resolution(r) => resolution(r, 0, &mut out),
        Body::Collection(c) => {
            let _ = writeln!(out, "collection of {} resolutions", c.resolutions.len());
            for r in &c.resolutions {
                resolution(r, 1, &mut out);
            }
        }
        Body::Contribution(c) => {
            let _ = writeln!(
                out,
                "contribution from {}",
                c.source.as_deref().unwrap_or("an unknown source")
            );
            for part in &c.envelope {
                let _ = writeln!(
                    out,
                    "  envelope: {:?} ({} paragraphs)",
                    part.kind,
                    part.paragraphs.len()
                );
            }
            for p in &c.proposals {
                let _ = writeln!(
                    out,
                    "  proposal: {}{} {} {}",
                    p.action.as_str(),
                    if p.action_inferred { " (inferred)" } else { "" },
                    format!("{:?}", p.instrument.kind).to_lowercase(),
                    p.instrument.number
                );
                if let Some(r) = &p.resolution {
                    resolution(r, 2, &mut out);
                }
            }
            for part in &c.trailer {
                let _ = writeln!(
                    out,
                    "  trailer: {:?} ({} paragraphs)",
                    part.kind,
                    part.paragraphs.len()
                );
            }
        }
        Body::Generic(g) => {
            let _ = writeln!(out, "generic document, {} blocks", g.blocks.len());
        }
    }
    if !doc.footnotes.is_empty() {
        let _ = writeln!(out, "footnotes: {}", doc.footnotes.len());
    }
    for w in &doc.warnings {
        let _ = writeln!(out, "warning[{}]: {}", w.code, w.message);
    }
    out
}

fn resolution(r: &Resolution, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let tb = &r.title_block;
    let _ = writeln!(out, "{pad}{}", tb.number_line.accepted().trim());
    if !tb.title.is_empty() {
        let _ = writeln!(out, "{pad}  title: {}", tb.title.accepted());
    }
    if let Some(rev) = &tb.revision {
        let _ = writeln!(out, "{pad}  revision: {}", rev.as_written);
    }
    if let Some(h) = &tb.history {
        let meetings: Vec<String> = h
            .meetings
            .iter()
            .map(|m| {
                format!(
                    "{} {}",
                    m.place,
                    m.year.map(|y| y.to_string()).unwrap_or_default()
                )
            })
            .collect();
        let _ = writeln!(out, "{pad}  history: {}", meetings.join("; "));
    }
    if let Some(e) = &r.enacting {
        let _ = writeln!(out, "{pad}  enacting: {}", e.content.accepted());
    }
    for s in &r.sections {
        let heading = s.heading.accepted();
        let title = s
            .title
            .as_ref()
            .map(|t| format!(" — {}", t.accepted()))
            .unwrap_or_default();
        let _ = writeln!(out, "{pad}  [{:?}] {}{}", s.kind, heading.trim(), title);
        for item in &s.items {
            item_line(item, depth + 2, out);
        }
    }
    for a in &r.annexes {
        let _ = writeln!(
            out,
            "{pad}  annex: {} ({} blocks)",
            a.heading.accepted(),
            a.blocks.len()
        );
    }
}

fn item_line(item: &Item, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let label = item
        .label
        .as_ref()
        .map(|l| l.written.written())
        .unwrap_or_else(|| "¶".to_string());
    let suspect = if item.label.as_ref().is_some_and(|l| l.suspect) {
        " (suspect)"
    } else {
        ""
    };
    let text: String = item.content.accepted().chars().take(60).collect();
    let _ = writeln!(out, "{pad}{label}{suspect}  {text}");
    for child in &item.children {
        item_line(child, depth + 1, out);
    }
}
