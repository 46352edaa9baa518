//! The document model as accessible HTML: headings for the title block, sections and
//! envelope parts, one paragraph per item with its label, and changes as `<ins>` and
//! `<del>` with their author, date and source in the title.

use std::fmt::Write;

use amend_model::{
    Block, Body, Change, ChangeKind, Content, Contribution, Document, EnvelopePart, Item, Label,
    Resolution, Section,
};

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn change_title(change: &Change) -> String {
    let mut parts = vec![change.kind.as_str().replace('_', " ")];
    if let Some(source) = &change.source {
        parts.push(format!("by {source}"));
    }
    if let Some(author) = &change.author {
        parts.push(format!("({author})"));
    }
    if let Some(date) = &change.date {
        parts.push(date.clone());
    }
    if let Some(evidence) = &change.evidence {
        parts.push(format!("{}% confidence", evidence.confidence));
    }
    escape(&parts.join(" "))
}

/// A content's spans, changes marked.
pub fn content(content: &Content) -> String {
    let mut out = String::new();
    for span in &content.spans {
        let text = escape(&span.text);
        match &span.change {
            None => out.push_str(&text),
            Some(change) => {
                let title = change_title(change);
                let (tag, class) = match change.kind {
                    ChangeKind::Insertion => ("ins", "ins"),
                    ChangeKind::MoveTo => ("ins", "move"),
                    ChangeKind::Deletion => ("del", "del"),
                    ChangeKind::DeletedInsertion => ("del", "del ins"),
                    ChangeKind::MoveFrom => ("del", "move"),
                    ChangeKind::Highlight => ("mark", "highlight"),
                    ChangeKind::Comment => ("span", "comment"),
                    ChangeKind::Alternative => ("span", "alternative"),
                    ChangeKind::ParagraphInsertion
                    | ChangeKind::ParagraphDeletion
                    | ChangeKind::Format
                    | ChangeKind::Numbering => ("span", "format"),
                };
                let _ = write!(
                    out,
                    "<{tag} class=\"{class}\" title=\"{title}\">{text}</{tag}>"
                );
            }
        }
    }
    out
}

fn label(label: &Label) -> String {
    content(&label.written)
}

fn mark_class(mark: &Option<Box<Change>>) -> &'static str {
    match mark.as_ref().map(|m| m.kind) {
        Some(ChangeKind::Insertion | ChangeKind::ParagraphInsertion | ChangeKind::MoveTo) => {
            " p-ins"
        }
        Some(ChangeKind::Deletion | ChangeKind::ParagraphDeletion | ChangeKind::MoveFrom) => {
            " p-del"
        }
        _ => "",
    }
}

fn item(out: &mut String, item: &Item) {
    let _ = write!(
        out,
        "<div class=\"item{}\" id=\"{}\"><p>",
        mark_class(&item.mark),
        escape(&item.eid)
    );
    if let Some(l) = &item.label {
        let suspect = if l.suspect_reason.is_some() {
            " suspect"
        } else {
            ""
        };
        let title = l
            .suspect_reason
            .as_deref()
            .map(|r| format!(" title=\"{}\"", escape(r)))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<span class=\"label{suspect}\"{title}>{}</span> ",
            label(l)
        );
    }
    out.push_str(&content(&item.content));
    out.push_str("</p>");
    for child in &item.children {
        self::item(out, child);
    }
    out.push_str("</div>\n");
}

fn section(out: &mut String, section: &Section, level: u8) {
    let _ = write!(
        out,
        "<section class=\"section {}{}\" id=\"{}\">",
        match section.kind {
            amend_model::SectionKind::Preamble => "preamble",
            amend_model::SectionKind::Operative => "operative",
            amend_model::SectionKind::Division => "division",
        },
        mark_class(&section.mark),
        escape(&section.eid)
    );
    if !section.heading.is_empty() {
        let _ = write!(
            out,
            "<h{level} class=\"heading\">{}</h{level}>",
            content(&section.heading)
        );
    }
    if let Some(title) = &section.title {
        let _ = write!(out, "<p class=\"division-title\">{}</p>", content(title));
    }
    for i in &section.items {
        item(out, i);
    }
    out.push_str("</section>\n");
}

fn blocks(out: &mut String, blocks: &[Block], base_level: u8) {
    for block in blocks {
        match block {
            Block::Heading {
                level, content: c, ..
            } => {
                let h = (base_level + level.saturating_sub(1)).clamp(2, 6);
                let _ = writeln!(out, "<h{h}>{}</h{h}>", content(c));
            }
            Block::Paragraph {
                content: c, mark, ..
            } => {
                let _ = writeln!(
                    out,
                    "<p class=\"para{}\">{}</p>",
                    mark_class(mark),
                    content(c)
                );
            }
            Block::ListItem {
                label: l,
                content: c,
                ..
            } => {
                let _ = writeln!(
                    out,
                    "<p class=\"para\"><span class=\"label\">{}</span> {}</p>",
                    label(l),
                    content(c)
                );
            }
            Block::Table { rows, .. } => {
                out.push_str("<table class=\"doc-table\">\n");
                for row in rows {
                    out.push_str("<tr>");
                    for cell in row {
                        let _ = write!(out, "<td>{}</td>", content(cell));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</table>\n");
            }
        }
    }
}

/// A resolution with its title block as headings at `level` and below.
pub fn resolution(r: &Resolution, level: u8) -> String {
    let mut out = String::new();
    blocks(&mut out, &r.front_matter, level + 1);
    let tb = &r.title_block;
    let _ = write!(
        out,
        "<header class=\"title-block\"><h{level} class=\"number\">{}</h{level}>\
         <p class=\"title\">{}</p>",
        content(&tb.number_line),
        content(&tb.title)
    );
    if let Some(history) = &tb.history {
        let _ = write!(
            out,
            "<p class=\"history\">{}</p>",
            content(&history.content)
        );
    }
    out.push_str("</header>\n");
    if let Some(enacting) = &r.enacting {
        let _ = writeln!(
            out,
            "<p class=\"enacting\">{}</p>",
            content(&enacting.content)
        );
    }
    for s in &r.sections {
        section(&mut out, s, level + 1);
    }
    for annex in &r.annexes {
        let _ = write!(
            out,
            "<section class=\"annex\" id=\"{}\"><h{} class=\"heading\">{}</h{}>",
            escape(&annex.eid),
            level + 1,
            content(&annex.heading),
            level + 1
        );
        blocks(&mut out, &annex.blocks, level + 2);
        out.push_str("</section>\n");
    }
    out
}

fn envelope_part(out: &mut String, part: &EnvelopePart) {
    out.push_str("<section class=\"envelope\">");
    if let Some(h) = &part.heading {
        let _ = write!(out, "<h3>{}</h3>", content(h));
    }
    for p in &part.paragraphs {
        let _ = write!(out, "<p>{}</p>", content(p));
    }
    out.push_str("</section>\n");
}

fn contribution(c: &Contribution) -> String {
    let mut out = String::new();
    for part in &c.envelope {
        envelope_part(&mut out, part);
    }
    for (i, p) in c.proposals.iter().enumerate() {
        let _ = write!(
            out,
            "<article class=\"proposal\" id=\"proposal-{i}\"><h2><span class=\"action\">{}</span> {} {}{}</h2>",
            p.action.as_str(),
            escape(p.instrument.body.as_deref().unwrap_or("")),
            escape(&kind_name(p.instrument.kind)),
            escape(&format!(" {}", p.instrument.number)),
        );
        if let Some(margin) = &p.margin {
            let _ = write!(out, "<p class=\"margin\">{}</p>", escape(margin));
        }
        if p.action_inferred {
            out.push_str("<p class=\"note\">Action inferred: no margin line gave it.</p>");
        }
        if let Some(r) = &p.resolution {
            out.push_str(&resolution(r, 3));
        }
        out.push_str("</article>\n");
    }
    for part in &c.trailer {
        envelope_part(&mut out, part);
    }
    out
}

fn kind_name(kind: amend_model::InstrumentKind) -> String {
    match kind {
        amend_model::InstrumentKind::Resolution => "Resolution",
        amend_model::InstrumentKind::Decision => "Decision",
        amend_model::InstrumentKind::Recommendation => "Recommendation",
        amend_model::InstrumentKind::Opinion => "Opinion",
    }
    .to_string()
}

/// A whole document.
pub fn document(doc: &Document) -> String {
    let mut out = match &doc.body {
        Body::Resolution(r) => resolution(r, 2),
        Body::Contribution(c) => contribution(c),
        Body::Collection(c) => {
            let mut out = String::new();
            blocks(&mut out, &c.front_matter, 2);
            for r in &c.resolutions {
                out.push_str("<article class=\"resolution\">");
                out.push_str(&resolution(r, 2));
                out.push_str("</article>\n");
            }
            out
        }
        Body::Generic(g) => {
            let mut out = String::new();
            blocks(&mut out, &g.blocks, 2);
            out
        }
    };
    if !doc.footnotes.is_empty() {
        out.push_str("<section class=\"footnotes\"><h2>Notes</h2><ol>");
        for note in &doc.footnotes {
            let _ = write!(
                out,
                "<li><span class=\"label\">{}</span> {}</li>",
                escape(&note.marker),
                content(&note.content)
            );
        }
        out.push_str("</ol></section>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use amend_model::Span;

    #[test]
    fn changes_become_ins_and_del_and_text_is_escaped() {
        let c = Content::from_spans(vec![
            Span::plain("a <b> & "),
            Span::marked("old", Change::deletion().with_author("CITEL")),
            Span::marked("new", Change::insertion()),
        ]);
        assert_eq!(
            content(&c),
            "a &lt;b&gt; &amp; <del class=\"del\" title=\"deletion (CITEL)\">old</del>\
             <ins class=\"ins\" title=\"insertion\">new</ins>"
        );
    }
}
