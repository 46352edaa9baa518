//! The JSON writer. Its shape is described by `docs/document.schema.json`; `text` fields
//! hold the accepted view, `spans` the text as written with its change marks.

use amend_model::{
    Annex, Block, Body, Content, Document, Enacting, EnvelopePart, Finding, Instrument, Item,
    LineIndex, Proposal, Resolution, Section, SourceSpan,
};
use serde_json::{Map, Value, json};

/// Options of the JSON writer.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonOptions<'a> {
    /// The input text, to add `line`/`column` to every source span; spans are left out
    /// when absent.
    pub source: Option<&'a str>,
}

/// The document as a JSON value.
pub fn to_json(document: &Document, options: JsonOptions<'_>) -> Value {
    let writer = Writer {
        index: options.source.map(LineIndex::new),
    };
    writer.document(document)
}

/// The document as pretty-printed JSON text.
pub fn write_json(document: &Document, options: JsonOptions<'_>) -> String {
    let mut text = serde_json::to_string_pretty(&to_json(document, options))
        .unwrap_or_else(|_| "null".to_string());
    text.push('\n');
    text
}

struct Writer<'a> {
    index: Option<LineIndex<'a>>,
}

impl Writer<'_> {
    fn span(&self, span: SourceSpan, map: &mut Map<String, Value>) {
        if let Some(index) = &self.index {
            let at = index.line_column(span.start);
            map.insert(
                "span".into(),
                json!({"start": span.start, "end": span.end, "line": at.line, "column": at.column}),
            );
        }
    }

    fn document(&self, document: &Document) -> Value {
        let mut map = match &document.body {
            Body::Resolution(r) => {
                let mut m = Map::new();
                m.insert("kind".into(), "resolution".into());
                m.insert("resolution".into(), self.resolution(r));
                m
            }
            Body::Contribution(c) => {
                let mut m = Map::new();
                m.insert("kind".into(), "contribution".into());
                m.insert("source".into(), json!(c.source));
                m.insert(
                    "envelope".into(),
                    c.envelope.iter().map(|p| self.part(p)).collect(),
                );
                m.insert(
                    "proposals".into(),
                    c.proposals.iter().map(|p| self.proposal(p)).collect(),
                );
                m.insert(
                    "trailer".into(),
                    c.trailer.iter().map(|p| self.part(p)).collect(),
                );
                m
            }
            Body::Collection(c) => {
                let mut m = Map::new();
                m.insert("kind".into(), "collection".into());
                m.insert("front_matter".into(), self.blocks(&c.front_matter));
                m.insert(
                    "resolutions".into(),
                    c.resolutions.iter().map(|r| self.resolution(r)).collect(),
                );
                m
            }
            Body::Generic(g) => {
                let mut m = Map::new();
                m.insert("kind".into(), "generic".into());
                m.insert("blocks".into(), self.blocks(&g.blocks));
                m
            }
        };
        map.insert(
            "footnotes".into(),
            document
                .footnotes
                .iter()
                .map(|f| {
                    let mut o = json!({"marker": f.marker, "text": f.content.accepted(), "spans": spans(&f.content)});
                    // A note inserted or deleted whole carries the change as its mark.
                    if let (Some(mark), Some(o)) = (&f.mark, o.as_object_mut()) {
                        o.insert("change".into(), mark.kind.as_str().into());
                    }
                    o
                })
                .collect(),
        );
        map.insert(
            "removed_markers".into(),
            document
                .removed_markers
                .iter()
                .map(|m| {
                    let mut o = Map::new();
                    o.insert("text".into(), m.text.clone().into());
                    self.span(m.span, &mut o);
                    Value::Object(o)
                })
                .collect(),
        );
        map.insert("lost_hyphens".into(), self.findings(&document.lost_hyphens));
        map.insert("warnings".into(), self.findings(&document.warnings));
        Value::Object(map)
    }

    fn findings(&self, findings: &[Finding]) -> Value {
        findings
            .iter()
            .map(|f| {
                let mut o = Map::new();
                o.insert("code".into(), f.code.clone().into());
                o.insert("message".into(), f.message.clone().into());
                self.span(f.span, &mut o);
                Value::Object(o)
            })
            .collect()
    }

    fn part(&self, part: &EnvelopePart) -> Value {
        let mut o = Map::new();
        o.insert("kind".into(), json!(part.kind));
        o.insert(
            "heading".into(),
            json!(part.heading.as_ref().map(Content::accepted)),
        );
        o.insert(
            "paragraphs".into(),
            part.paragraphs.iter().map(Content::accepted).collect(),
        );
        self.span(part.span, &mut o);
        Value::Object(o)
    }

    fn proposal(&self, p: &Proposal) -> Value {
        let mut o = Map::new();
        o.insert("action".into(), p.action.as_str().into());
        o.insert("action_inferred".into(), p.action_inferred.into());
        o.insert("margin".into(), json!(p.margin));
        o.insert("instrument".into(), instrument(&p.instrument));
        o.insert("source".into(), json!(p.source));
        o.insert(
            "resolution".into(),
            p.resolution
                .as_ref()
                .map_or(Value::Null, |r| self.resolution(r)),
        );
        self.span(p.span, &mut o);
        Value::Object(o)
    }

    fn resolution(&self, r: &Resolution) -> Value {
        let tb = &r.title_block;
        let mut o = Map::new();
        o.insert("number".into(), tb.instrument.number.clone().into());
        o.insert("instrument".into(), instrument(&tb.instrument));
        o.insert("number_line".into(), tb.number_line.accepted().into());
        o.insert("title".into(), tb.title.accepted().into());
        o.insert(
            "revision".into(),
            tb.revision.as_ref().map_or(
                Value::Null,
                |rev| json!({"as_written": rev.as_written, "place": rev.place, "year": rev.year}),
            ),
        );
        o.insert(
            "history".into(),
            tb.history.as_ref().map_or(json!([]), |h| {
                h.meetings
                    .iter()
                    .map(|m| json!({"place": m.place, "year": m.year}))
                    .collect()
            }),
        );
        o.insert(
            "history_line".into(),
            json!(tb.history.as_ref().map(|h| h.content.accepted())),
        );
        o.insert(
            "footnote_markers".into(),
            json!(
                tb.history
                    .as_ref()
                    .map(|h| h.footnote_markers.clone())
                    .unwrap_or_default()
            ),
        );
        o.insert(
            "enacting".into(),
            r.enacting.as_ref().map_or(Value::Null, enacting),
        );
        o.insert("front_matter".into(), self.blocks(&r.front_matter));
        o.insert(
            "sections".into(),
            r.sections.iter().map(|s| self.section(s)).collect(),
        );
        o.insert(
            "annexes".into(),
            r.annexes.iter().map(|a| self.annex(a)).collect(),
        );
        self.span(r.span, &mut o);
        Value::Object(o)
    }

    fn section(&self, s: &Section) -> Value {
        let mut o = Map::new();
        o.insert("eid".into(), s.eid.clone().into());
        o.insert("wid".into(), s.wid.clone().into());
        o.insert("heading".into(), s.heading.accepted().into());
        o.insert("kind".into(), json!(s.kind));
        if let Some(title) = &s.title {
            o.insert("title".into(), title.accepted().into());
        }
        if let Some(mark) = &s.mark {
            o.insert("change".into(), mark.kind.as_str().into());
        }
        o.insert(
            "items".into(),
            s.items.iter().map(|i| self.item(i)).collect(),
        );
        self.span(s.span, &mut o);
        Value::Object(o)
    }

    fn item(&self, item: &Item) -> Value {
        let mut o = Map::new();
        o.insert("eid".into(), item.eid.clone().into());
        o.insert("wid".into(), item.wid.clone().into());
        match &item.label {
            Some(label) => {
                o.insert("label".into(), label.written.written().into());
                o.insert("label_parsed".into(), json!(label.value));
                o.insert("suspect".into(), label.suspect.into());
                if let Some(reason) = &label.suspect_reason {
                    o.insert("suspect_reason".into(), reason.clone().into());
                }
                if label.written.has_changes() {
                    o.insert("label_spans".into(), spans(&label.written));
                }
            }
            None => {
                o.insert("label".into(), Value::Null);
                o.insert("label_parsed".into(), Value::Null);
                o.insert("suspect".into(), false.into());
            }
        }
        o.insert("text".into(), item.content.accepted().into());
        o.insert("spans".into(), spans(&item.content));
        if let Some(mark) = &item.mark {
            o.insert("change".into(), mark.kind.as_str().into());
        }
        o.insert(
            "items".into(),
            item.children.iter().map(|i| self.item(i)).collect(),
        );
        self.span(item.span, &mut o);
        Value::Object(o)
    }

    fn annex(&self, a: &Annex) -> Value {
        let mut o = Map::new();
        o.insert("eid".into(), a.eid.clone().into());
        o.insert("heading".into(), a.heading.accepted().into());
        o.insert("blocks".into(), self.blocks(&a.blocks));
        self.span(a.span, &mut o);
        Value::Object(o)
    }

    fn blocks(&self, blocks: &[Block]) -> Value {
        blocks
            .iter()
            .map(|b| {
                let mut o = Map::new();
                match b {
                    Block::Heading { level, content, .. } => {
                        o.insert("type".into(), "heading".into());
                        o.insert("level".into(), (*level).into());
                        o.insert("text".into(), content.accepted().into());
                    }
                    Block::Paragraph { content, mark, .. } => {
                        o.insert("type".into(), "paragraph".into());
                        o.insert("text".into(), content.accepted().into());
                        o.insert("spans".into(), spans(content));
                        if let Some(mark) = mark {
                            o.insert("change".into(), mark.kind.as_str().into());
                        }
                    }
                    Block::ListItem { label, content, .. } => {
                        o.insert("type".into(), "list_item".into());
                        o.insert("label".into(), label.written.written().into());
                        o.insert("text".into(), content.accepted().into());
                        o.insert("spans".into(), spans(content));
                    }
                    Block::Table { rows, .. } => {
                        o.insert("type".into(), "table".into());
                        o.insert(
                            "rows".into(),
                            rows.iter()
                                .map(|row| row.iter().map(Content::accepted).collect::<Vec<_>>())
                                .collect(),
                        );
                    }
                }
                self.span(b.span(), &mut o);
                Value::Object(o)
            })
            .collect()
    }
}

fn instrument(i: &Instrument) -> Value {
    json!({"body": i.body, "kind": i.kind, "number": i.number})
}

fn enacting(e: &Enacting) -> Value {
    json!({
        "text": e.content.accepted(),
        "body": e.body,
        "meeting": e.meeting.as_ref().map(|m| json!({"place": m.place, "year": m.year})),
    })
}

/// The spans of a content as written, each with its mark.
pub fn spans(content: &Content) -> Value {
    content
        .spans
        .iter()
        .map(|s| {
            let change = s.change.as_ref();
            json!({
                "change": change.map(|c| c.kind.as_str()),
                "text": s.text,
                "author": change.and_then(|c| c.author.clone()),
                "date": change.and_then(|c| c.date.clone()),
            })
        })
        .collect()
}
