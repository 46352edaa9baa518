//! Akoma Ntoso into the model, as far as the model goes; the rest is reported.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use amend_model::{
    Action, Annex, Block, Body, Change, ChangeKind, Collection, Content, Contribution, Document,
    Enacting, EnvelopePart, Evidence, EvidenceKind, Finding, Footnote, Generic, History,
    Instrument, InstrumentKind, Item, Label, LabelValue, Meeting, PartKind, Proposal, Punctuation,
    RemovedMarker, Resolution, Revision, Scheme, Section, SectionKind, SourceSpan, Span,
    TitleBlock, ids, layout,
};
use regex::Regex;
use roxmltree::{Node, ParsingOptions};

use crate::{AKN_NS, AMEND_NS, AknError, uri};

/// Limits that keep hostile input in bounded memory and time.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Largest accepted input, in bytes.
    pub max_bytes: usize,
    /// Deepest accepted element nesting.
    pub max_depth: usize,
    /// Longest accepted attribute value, in bytes.
    pub max_attribute_len: usize,
    /// Most XML nodes (elements, text, comments...) accepted.
    pub max_nodes: u32,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self {
            max_bytes: 32 * 1024 * 1024,
            max_depth: 256,
            max_attribute_len: 64 * 1024,
            max_nodes: 1_000_000,
        }
    }
}

/// What the import kept and what fell outside the model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// The document element (`statement`, `act`, `debate`...).
    pub document_type: String,
    /// The AKN namespace as written (a working-draft one is read as the standard).
    pub namespace: String,
    /// Elements that became a model node (section, item, label, paragraph, change...).
    pub kept: BTreeMap<String, usize>,
    /// Inline elements whose text was kept without their markup (`ref`, `b`, `docTitle`).
    pub flattened: BTreeMap<String, usize>,
    /// Elements whose content the model cannot hold and that were not imported.
    pub outside: BTreeMap<String, usize>,
    /// Characters (whitespace excepted) of text outside `meta` (its notes included).
    pub text_chars: usize,
    /// Characters (whitespace excepted) of text in the imported model.
    pub text_chars_kept: usize,
}

impl ImportReport {
    pub fn kept_total(&self) -> usize {
        self.kept.values().sum()
    }

    pub fn flattened_total(&self) -> usize {
        self.flattened.values().sum()
    }

    pub fn outside_total(&self) -> usize {
        self.outside.values().sum()
    }

    /// One line: document type, element counts, what fell outside, text kept.
    pub fn summary(&self) -> String {
        let outside = if self.outside.is_empty() {
            "nothing".to_string()
        } else {
            self.outside
                .iter()
                .map(|(k, v)| format!("{v} <{k}>"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "{}: {} elements kept, {} flattened to text, outside the model: {}; text kept {} of {} characters",
            self.document_type,
            self.kept_total(),
            self.flattened_total(),
            outside,
            self.text_chars_kept,
            self.text_chars
        )
    }
}

/// A document read from AKN with the report of the reading.
#[derive(Debug, Clone)]
pub struct Imported {
    pub document: Document,
    pub report: ImportReport,
}

/// Reads an AKN document with the default limits.
pub fn from_akn(xml: &str) -> Result<Document, AknError> {
    from_akn_with(xml, &ImportOptions::default()).map(|i| i.document)
}

fn is_akn_namespace(ns: &str) -> bool {
    ns == AKN_NS || ns.starts_with("http://docs.oasis-open.org/legaldocml/ns/akn/3.0/")
}

fn line_col(doc: &roxmltree::Document, offset: usize) -> (u32, u32) {
    let p = doc.text_pos_at(offset);
    (p.row, p.col)
}

/// Line and column of a byte offset of a text that roxmltree did not accept.
fn text_line_col(text: &str, offset: usize) -> (u32, u32) {
    let lc = amend_model::LineIndex::new(text).line_column(offset);
    (
        u32::try_from(lc.line).unwrap_or(u32::MAX),
        u32::try_from(lc.column).unwrap_or(u32::MAX),
    )
}

/// Reads an AKN document: parsing (no DTD, so no entity is ever expanded), the limits
/// of `options`, then the mapping into the model.
pub fn from_akn_with(xml: &str, options: &ImportOptions) -> Result<Imported, AknError> {
    let xml = xml.strip_prefix('\u{feff}').unwrap_or(xml);
    if xml.len() > options.max_bytes {
        return Err(AknError::TooLarge {
            size: xml.len(),
            limit: options.max_bytes,
        });
    }
    prescan(xml, options)?;
    let parse_options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: options.max_nodes,
        ..ParsingOptions::default()
    };
    let x = roxmltree::Document::parse_with_options(xml, parse_options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => {
            let at = xml.find("<!DOCTYPE").unwrap_or(0);
            let (line, column) = text_line_col(xml, at);
            AknError::Dtd { line, column }
        }
        roxmltree::Error::NodesLimitReached => AknError::TooManyNodes {
            line: 1,
            column: 1,
            limit: options.max_nodes,
        },
        other => {
            let pos = other.pos();
            AknError::Xml {
                line: pos.row,
                column: pos.col,
                message: other.to_string(),
            }
        }
    })?;
    let root = x.root_element();
    let ns = root.tag_name().namespace().unwrap_or("");
    let (line, column) = line_col(&x, root.range().start);
    if root.tag_name().name() != "akomaNtoso" || !is_akn_namespace(ns) {
        return Err(AknError::NotAkn {
            line,
            column,
            message: format!(
                "the root element is `{}` in namespace `{ns}`, not `akomaNtoso` in `{AKN_NS}`",
                root.tag_name().name()
            ),
        });
    }
    let Some(doc_el) = root
        .children()
        .find(|c| c.is_element() && c.tag_name().namespace() == Some(ns))
    else {
        return Err(AknError::NotAkn {
            line,
            column,
            message: "`akomaNtoso` holds no document".into(),
        });
    };
    let own = root.namespaces().any(|n| n.uri() == AMEND_NS);
    let mut im = Importer {
        _input: std::marker::PhantomData,
        ns,
        own,
        prefix: String::new(),
        report: ImportReport {
            document_type: doc_el.tag_name().name().to_string(),
            namespace: ns.to_string(),
            ..ImportReport::default()
        },
        first_outside: HashMap::new(),
        footnotes: Vec::new(),
        doc_extras: Extras::default(),
        synthesized: 0,
        used_ids: HashMap::new(),
    };
    // Working drafts keep component documents in a `components` beside the main one.
    let extra: Vec<Node> = root
        .children()
        .filter(|c| c.is_element() && *c != doc_el)
        .collect();
    im.report.text_chars =
        im.count_text(doc_el) + extra.iter().map(|e| im.count_text(*e)).sum::<usize>();
    let body = im.document(doc_el, &extra);

    let mut document = Document::new(body);
    document.footnotes = std::mem::take(&mut im.footnotes);
    document.removed_markers = std::mem::take(&mut im.doc_extras.removed_markers);
    document.lost_hyphens = std::mem::take(&mut im.doc_extras.lost_hyphens);
    document.warnings = std::mem::take(&mut im.doc_extras.warnings);
    let mut outside: Vec<(&String, &usize)> = im.report.outside.iter().collect();
    outside.sort();
    for (name, count) in outside {
        let at = im.first_outside.get(name).copied().unwrap_or_default();
        document.warnings.push(Finding {
            code: "akn-outside-model".into(),
            message: format!(
                "{count} `<{name}>` element(s) hold content the model has no place for; not imported"
            ),
            span: at,
        });
    }
    im.report.text_chars_kept = model_chars(&document).saturating_sub(im.synthesized);
    Ok(Imported {
        document,
        report: im.report,
    })
}

/// Limits checked in one streaming pass before any tree is built, so that hostile input
/// costs no more memory than its own bytes: a DTD, nesting depth, attribute length and
/// node count. Malformed XML is left to the parser, whose messages are better.
fn prescan(xml: &str, options: &ImportOptions) -> Result<(), AknError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0usize;
    let mut nodes = 0u64;
    let at = |offset: usize| text_line_col(xml, offset);
    loop {
        let start = usize::try_from(reader.buffer_position()).unwrap_or(0);
        let event = match reader.read_event() {
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(event) => event,
        };
        nodes += 1;
        if nodes > u64::from(options.max_nodes) {
            let (line, column) = at(start);
            return Err(AknError::TooManyNodes {
                line,
                column,
                limit: options.max_nodes,
            });
        }
        let tag = match &event {
            Event::Start(tag) | Event::Empty(tag) => Some(tag),
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                None
            }
            Event::DocType(_) => {
                let offset = xml[start..].find("<!").map_or(start, |o| start + o);
                let (line, column) = at(offset);
                return Err(AknError::Dtd { line, column });
            }
            _ => None,
        };
        let Some(tag) = tag else { continue };
        if matches!(event, Event::Start(_)) {
            depth += 1;
        }
        // The root element is at depth 1, as in `roxmltree` (whose root node is 0).
        if depth.max(1) > options.max_depth {
            let (line, column) = at(start);
            return Err(AknError::TooDeep {
                line,
                column,
                limit: options.max_depth,
            });
        }
        let mut attributes = tag.attributes();
        attributes.with_checks(false);
        for attr in attributes.flatten() {
            let len = attr.value.len();
            if len > options.max_attribute_len {
                let offset = match &attr.value {
                    std::borrow::Cow::Borrowed(v) => {
                        (v.as_ptr() as usize).saturating_sub(xml.as_ptr() as usize)
                    }
                    std::borrow::Cow::Owned(_) => start,
                };
                let (line, column) = at(offset);
                return Err(AknError::AttributeTooLong {
                    line,
                    column,
                    name: attr.key.as_ref().to_string(),
                    len,
                    limit: options.max_attribute_len,
                });
            }
        }
    }
}

#[derive(Default)]
struct Extras {
    removed_markers: Vec<RemovedMarker>,
    lost_hyphens: Vec<Finding>,
    warnings: Vec<Finding>,
}

struct Importer<'a, 'input> {
    _input: std::marker::PhantomData<&'input ()>,
    ns: &'a str,
    /// Written by amend: exact whitespace, label values and metadata in attributes.
    own: bool,
    /// eId prefix of the component being read (`cmp_2__`), stripped from ids.
    prefix: String,
    report: ImportReport,
    first_outside: HashMap<String, SourceSpan>,
    footnotes: Vec<Footnote>,
    doc_extras: Extras,
    /// Characters the import wrote that the input did not have (bullet labels).
    synthesized: usize,
    /// eIds seen, for making repeated ones unique.
    used_ids: HashMap<String, usize>,
}

const HIER: &[&str] = &[
    "clause",
    "section",
    "part",
    "paragraph",
    "chapter",
    "title",
    "article",
    "book",
    "tome",
    "division",
    "list",
    "point",
    "indent",
    "alinea",
    "rule",
    "subrule",
    "proviso",
    "subsection",
    "subpart",
    "subparagraph",
    "subchapter",
    "subtitle",
    "subdivision",
    "subclause",
    "sublist",
    "level",
    "transitional",
    "hcontainer",
];

const DOCUMENT_TYPES: &[&str] = &[
    "amendmentList",
    "officialGazette",
    "documentCollection",
    "act",
    "bill",
    "debateReport",
    "debate",
    "statement",
    "amendment",
    "judgment",
    "portion",
    "doc",
    "documentRef",
    "interstitial",
];

static REVISION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\((Rev\.[^)]*)\)").expect("revision pattern"));
static PLACE_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([A-Z][\p{L}'. -]*?[\p{L}.])?,?\s*((?:19|20)\d\d)").expect("place-year pattern")
});
static BARE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:A/RES/)?\d{1,4}(?:/\d{1,4})?[A-Z]?$").expect("bare number pattern")
});
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:resolution|decision|recommendation|opinion)\s+((?:ITU-[RTD]\s+)?\d+(?:/\d+)?[A-Z]?)")
        .expect("number pattern")
});

fn span_of(node: Node) -> SourceSpan {
    let r = node.range();
    SourceSpan::new(r.start, r.end)
}

fn non_ws_chars(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// Collapses runs of whitespace and trims the ends (for documents not written by amend).
fn normalize(content: Content) -> Content {
    let mut out = Content::new();
    let mut last_space = true;
    for span in content.spans {
        let mut text = String::with_capacity(span.text.len());
        for c in span.text.chars() {
            if c.is_whitespace() {
                if !last_space {
                    text.push(' ');
                }
                last_space = true;
            } else {
                text.push(c);
                last_space = false;
            }
        }
        out.push(Span { text, ..span });
    }
    out.trimmed()
}

fn join(mut a: Content, b: Content) -> Content {
    if b.is_empty() {
        return a;
    }
    if !a.is_empty() {
        a.push(Span::plain(" "));
    }
    a.concat(b)
}

fn scheme_from(name: &str) -> Option<Scheme> {
    Some(match name {
        "lower-alpha" => Scheme::LowerAlpha,
        "upper-alpha" => Scheme::UpperAlpha,
        "lower-roman" => Scheme::LowerRoman,
        "upper-roman" => Scheme::UpperRoman,
        "arabic" => Scheme::Arabic,
        "decimal" => Scheme::Decimal,
        "bullet" => Scheme::Bullet,
        _ => return None,
    })
}

fn punct_from(name: &str) -> Punctuation {
    match name {
        "paren" => Punctuation::Paren,
        "enclosed" => Punctuation::Enclosed,
        "dot" => Punctuation::Dot,
        _ => Punctuation::Bare,
    }
}

fn part_from(name: &str) -> PartKind {
    match name {
        "title" => PartKind::Title,
        "source" => PartKind::Source,
        "reference" => PartKind::Reference,
        "abstract" => PartKind::Abstract,
        "introduction" => PartKind::Introduction,
        "proposal" => PartKind::Proposal,
        "contact" => PartKind::Contact,
        _ => PartKind::Other,
    }
}

fn change_kind_from(name: &str) -> Option<ChangeKind> {
    Some(match name {
        "insertion" => ChangeKind::Insertion,
        "deletion" => ChangeKind::Deletion,
        "move_from" => ChangeKind::MoveFrom,
        "move_to" => ChangeKind::MoveTo,
        "paragraph_insertion" => ChangeKind::ParagraphInsertion,
        "paragraph_deletion" => ChangeKind::ParagraphDeletion,
        "format" => ChangeKind::Format,
        "numbering" => ChangeKind::Numbering,
        "comment" => ChangeKind::Comment,
        "highlight" => ChangeKind::Highlight,
        "alternative" => ChangeKind::Alternative,
        "deleted_insertion" => ChangeKind::DeletedInsertion,
        _ => return None,
    })
}

fn evidence_from(kind: Option<&str>, confidence: Option<&str>) -> Option<Evidence> {
    let kind = match kind? {
        "base-alignment" => EvidenceKind::BaseAlignment,
        "replacement-pattern" => EvidenceKind::ReplacementPattern,
        "structure" => EvidenceKind::Structure,
        "new-text" => EvidenceKind::NewText,
        _ => EvidenceKind::Undecided,
    };
    Some(Evidence {
        kind,
        confidence: confidence.and_then(|c| c.parse().ok()).unwrap_or(0),
    })
}

fn meeting_from(node: Node) -> Meeting {
    Meeting {
        place: node.attribute("place").unwrap_or("").to_string(),
        year: node.attribute("year").and_then(|y| y.parse().ok()),
    }
}

fn instrument_from(node: Node) -> Instrument {
    Instrument {
        body: node.attribute("body").map(String::from),
        kind: node
            .attribute("kind")
            .and_then(uri::kind_from_name)
            .unwrap_or(InstrumentKind::Resolution),
        number: node.attribute("number").unwrap_or("").to_string(),
    }
}

/// Non-whitespace characters of every text in the model.
fn model_chars(doc: &Document) -> usize {
    fn c(content: &Content) -> usize {
        content.spans.iter().map(|s| non_ws_chars(&s.text)).sum()
    }
    fn blocks(list: &[Block]) -> usize {
        list.iter()
            .map(|b| match b {
                Block::Heading { content, .. } | Block::Paragraph { content, .. } => c(content),
                Block::ListItem { label, content, .. } => c(&label.written) + c(content),
                Block::Table { rows, .. } => rows.iter().flatten().map(c).sum(),
            })
            .sum()
    }
    fn item(i: &Item) -> usize {
        i.label.as_ref().map_or(0, |l| c(&l.written))
            + c(&i.content)
            + i.children.iter().map(item).sum::<usize>()
    }
    fn resolution(r: &Resolution) -> usize {
        let tb = &r.title_block;
        blocks(&r.front_matter)
            + c(&tb.number_line)
            + c(&tb.title)
            + tb.history.as_ref().map_or(0, |h| c(&h.content))
            + r.enacting.as_ref().map_or(0, |e| c(&e.content))
            + r.sections
                .iter()
                .map(|s| {
                    c(&s.heading)
                        + s.title.as_ref().map_or(0, c)
                        + s.items.iter().map(item).sum::<usize>()
                })
                .sum::<usize>()
            + r.annexes
                .iter()
                .map(|a| c(&a.heading) + blocks(&a.blocks))
                .sum::<usize>()
    }
    fn parts(list: &[EnvelopePart]) -> usize {
        list.iter()
            .map(|p| p.heading.as_ref().map_or(0, c) + p.paragraphs.iter().map(c).sum::<usize>())
            .sum()
    }
    let body = match &doc.body {
        Body::Resolution(r) => resolution(r),
        Body::Contribution(k) => {
            parts(&k.envelope)
                + parts(&k.trailer)
                + k.proposals
                    .iter()
                    .filter_map(|p| p.resolution.as_ref())
                    .map(resolution)
                    .sum::<usize>()
        }
        Body::Collection(k) => {
            blocks(&k.front_matter) + k.resolutions.iter().map(resolution).sum::<usize>()
        }
        Body::Generic(g) => blocks(&g.blocks),
    };
    body + doc.footnotes.iter().map(|f| c(&f.content)).sum::<usize>()
}

impl<'a, 'input> Importer<'a, 'input> {
    fn is_akn(&self, node: Node) -> bool {
        node.is_element() && node.tag_name().namespace() == Some(self.ns)
    }

    fn name(node: Node<'a, 'input>) -> &'a str {
        node.tag_name().name()
    }

    fn elements(&self, node: Node<'a, 'input>) -> Vec<Node<'a, 'input>> {
        node.children().filter(|c| c.is_element()).collect()
    }

    fn child(&self, node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
        node.children()
            .find(|c| self.is_akn(*c) && Self::name(*c) == name)
    }

    fn amend<'n>(node: Node<'n, 'input>, name: &str) -> Option<&'n str> {
        node.attribute((AMEND_NS, name))
    }

    fn kept(&mut self, node: Node) {
        *self
            .report
            .kept
            .entry(node.tag_name().name().to_string())
            .or_insert(0) += 1;
    }

    fn flattened(&mut self, node: Node) {
        *self
            .report
            .flattened
            .entry(node.tag_name().name().to_string())
            .or_insert(0) += 1;
    }

    fn outside(&mut self, node: Node) {
        let name = node.tag_name().name().to_string();
        if non_ws_text(node) == 0 {
            // Empty markers (`eol`, `img`, `componentRef`) lose no text; still counted.
            *self.report.flattened.entry(name).or_insert(0) += 1;
            return;
        }
        self.first_outside
            .entry(name.clone())
            .or_insert_with(|| span_of(node));
        *self.report.outside.entry(name).or_insert(0) += 1;
    }

    /// Non-whitespace text characters outside `meta`.
    fn count_text(&self, node: Node<'a, 'input>) -> usize {
        let mut n = 0;
        let mut stack = vec![node];
        while let Some(cur) = stack.pop() {
            if cur.is_element() && Self::name(cur) == "meta" && self.is_akn(cur) {
                // Of the metadata, only the notes are content the model keeps.
                stack.extend(
                    cur.children()
                        .filter(|c| self.is_akn(*c) && Self::name(*c) == "notes"),
                );
                continue;
            }
            if cur.is_text() {
                n += non_ws_chars(cur.text().unwrap_or(""));
            }
            stack.extend(cur.children());
        }
        n
    }

    /// eId (component prefix stripped) and wId. Ids with whitespace or repeated in the
    /// document are made schema-clean here (`_` for whitespace, `_dupN` for repeats), so
    /// that the model holds ids an export can write unchanged.
    fn ids(&mut self, node: Node) -> (String, String) {
        let clean = |s: &str| -> String {
            s.chars()
                .map(|c| if c.is_whitespace() { '_' } else { c })
                .collect()
        };
        let raw = clean(node.attribute("eId").unwrap_or(""));
        let mut eid = raw
            .strip_prefix(self.prefix.as_str())
            .unwrap_or(&raw)
            .to_string();
        if !raw.is_empty() {
            let n = self.used_ids.entry(raw.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                eid = format!("{eid}_dup{n}");
            }
        }
        (eid, clean(node.attribute("wId").unwrap_or("")))
    }

    fn mark(&self, node: Node<'_, 'input>) -> Option<Change> {
        let kind = change_kind_from(Self::amend(node, "mark")?)?;
        let get = |k| Self::amend(node, k).map(String::from);
        Some(Change {
            kind,
            author: get("markAuthor"),
            date: get("markDate"),
            source: get("markSource"),
            move_id: get("markMove"),
            detail: get("markDetail"),
            evidence: evidence_from(
                Self::amend(node, "markEvidence"),
                Self::amend(node, "markConfidence"),
            ),
        })
    }

    fn finish(&self, content: Content) -> Content {
        if self.own {
            content
        } else {
            normalize(content)
        }
    }

    // -----------------------------------------------------------------------
    // Inline content

    fn inline(&mut self, node: Node<'a, 'input>) -> Content {
        let mut out = Content::new();
        self.inline_into(node, None, &mut out);
        self.finish(out)
    }

    fn inline_into(&mut self, node: Node<'a, 'input>, ctx: Option<&Change>, out: &mut Content) {
        for c in node.children() {
            if c.is_text() {
                let text = c.text().unwrap_or("");
                let r = c.range();
                out.push(Span {
                    text: text.to_string(),
                    change: ctx.cloned().map(Box::new),
                    src: Some(SourceSpan::new(r.start, r.end)),
                });
                continue;
            }
            if !c.is_element() {
                continue;
            }
            if !self.is_akn(c) {
                self.outside(c);
                continue;
            }
            match Self::name(c) {
                "ins" | "del" | "span" => {
                    let class = c.attribute("class").unwrap_or("");
                    let kind = match Self::name(c) {
                        "ins" if class == "move_to" => Some(ChangeKind::MoveTo),
                        "ins" => Some(ChangeKind::Insertion),
                        "del" if class == "move_from" => Some(ChangeKind::MoveFrom),
                        "del" => Some(ChangeKind::Deletion),
                        _ => Self::amend(c, "kind").and_then(change_kind_from),
                    };
                    match kind {
                        Some(kind) => {
                            let get = |k| Self::amend(c, k).map(String::from);
                            let change = Change {
                                kind,
                                author: get("author"),
                                date: get("date"),
                                source: get("source"),
                                move_id: get("move"),
                                detail: get("detail"),
                                evidence: evidence_from(
                                    Self::amend(c, "evidence"),
                                    Self::amend(c, "confidence"),
                                ),
                            };
                            self.kept(c);
                            self.inline_into(c, Some(&change), out);
                        }
                        None => {
                            self.flattened(c);
                            self.inline_into(c, ctx, out);
                        }
                    }
                }
                "authorialNote" | "note" => self.footnote(c),
                "eol" | "br" | "eop" => {
                    self.flattened(c);
                    out.push(Span {
                        text: " ".into(),
                        change: ctx.cloned().map(Box::new),
                        src: None,
                    });
                }
                _ => {
                    self.flattened(c);
                    self.inline_into(c, ctx, out);
                }
            }
        }
    }

    /// The text of a block container, paragraphs joined by spaces.
    fn text_of_blocks(&mut self, node: Node<'a, 'input>) -> Content {
        let mut blocks = Vec::new();
        self.blocks_into(node, 1, &mut blocks);
        let mut out = Content::new();
        for b in blocks {
            let content = match b {
                Block::Heading { content, .. } | Block::Paragraph { content, .. } => content,
                Block::ListItem { label, content, .. } => join(label.written, content),
                Block::Table { rows, .. } => rows.into_iter().flatten().fold(Content::new(), join),
            };
            out = join(out, content);
        }
        out
    }

    fn label(&mut self, num: Node<'a, 'input>) -> Label {
        self.kept(num);
        let written = self.inline(num);
        if self.own {
            let value = Self::amend(num, "scheme")
                .and_then(scheme_from)
                .map(|scheme| LabelValue {
                    scheme,
                    numbers: Self::amend(num, "numbers")
                        .unwrap_or("")
                        .split('.')
                        .filter_map(|n| n.parse().ok())
                        .collect(),
                    suffix: Self::amend(num, "suffix").map(String::from),
                    punctuation: punct_from(Self::amend(num, "punctuation").unwrap_or("")),
                });
            return Label {
                written,
                value,
                suspect: Self::amend(num, "suspect") == Some("true"),
                suspect_reason: Self::amend(num, "reason").map(String::from),
            };
        }
        // Parse the label as written; the model decides alpha or roman in context, here
        // a lone label is read on its own.
        let probe = written.clone().concat(Content::plain(" x"));
        match layout::split_label(&probe, true) {
            Some((label, _)) => Label { written, ..label },
            None => Label {
                written,
                value: None,
                suspect: false,
                suspect_reason: None,
            },
        }
    }

    // -----------------------------------------------------------------------
    // Blocks

    fn blocks_into(&mut self, node: Node<'a, 'input>, level: u8, out: &mut Vec<Block>) {
        for c in node.children() {
            self.block(c, level, out);
        }
    }

    /// The blocks one node makes.
    fn block(&mut self, c: Node<'a, 'input>, level: u8, out: &mut Vec<Block>) {
        if !c.is_element() {
            return;
        }
        if !self.is_akn(c) {
            self.outside(c);
            return;
        }
        match Self::name(c) {
            "meta" => {}
            "p" => {
                if Self::amend(c, "placeholder").is_some() {
                    return;
                }
                self.kept(c);
                let content = self.inline(c);
                if c.attribute("class") == Some("heading") && self.own {
                    let level = Self::amend(c, "level")
                        .and_then(|l| l.parse().ok())
                        .unwrap_or(level);
                    out.push(Block::Heading {
                        level,
                        content,
                        span: span_of(c),
                    });
                } else if !content.is_empty() || self.own {
                    out.push(Block::Paragraph {
                        content,
                        mark: self.mark(c).map(Box::new),
                        span: span_of(c),
                    });
                }
            }
            "blockList" | "ul" | "ol" => {
                self.kept(c);
                for item in self.elements(c) {
                    if self.is_akn(item) && matches!(Self::name(item), "item" | "li") {
                        self.list_item(item, level, out);
                    } else {
                        self.block(item, level, out);
                    }
                }
            }
            "table" => {
                self.kept(c);
                if Self::amend(c, "empty").is_some() {
                    out.push(Block::Table {
                        rows: Vec::new(),
                        span: span_of(c),
                    });
                    return;
                }
                let mut rows = Vec::new();
                let trs: Vec<Node> = c
                    .descendants()
                    .filter(|d| self.is_akn(*d) && Self::name(*d) == "tr")
                    .collect();
                for tr in trs {
                    let mut row = Vec::new();
                    for cell in self.elements(tr) {
                        if Self::amend(cell, "placeholder").is_some() {
                            continue;
                        }
                        if self.is_akn(cell) && matches!(Self::name(cell), "td" | "th") {
                            row.push(self.text_of(cell));
                        }
                    }
                    rows.push(row);
                }
                out.push(Block::Table {
                    rows,
                    span: span_of(c),
                });
            }
            "authorialNote" | "note" => {
                self.footnote(c);
            }
            "num" | "heading" | "subheading" | "docTitle" | "docNumber" => {
                self.kept(c);
                let content = self.inline(c);
                if !content.is_empty() {
                    out.push(Block::Heading {
                        level,
                        content,
                        span: span_of(c),
                    });
                }
            }
            _ if is_mixed(c) => {
                self.kept(c);
                let content = self.inline(c);
                out.push(Block::Paragraph {
                    content,
                    mark: None,
                    span: span_of(c),
                });
            }
            _ => {
                // A container: its number and heading make a heading, then its parts.
                let mut title = Content::new();
                for name in ["num", "heading"] {
                    if let Some(h) = self.child(c, name) {
                        self.kept(h);
                        let part = self.inline(h);
                        title = join(title, part);
                    }
                }
                if !title.is_empty() {
                    out.push(Block::Heading {
                        level,
                        content: title,
                        span: span_of(c),
                    });
                }
                self.flattened(c);
                for part in c.children() {
                    if self.is_akn(part) && matches!(Self::name(part), "num" | "heading") {
                        continue;
                    }
                    self.block(part, level.saturating_add(1), out);
                }
            }
        }
    }

    /// The text of a node: its inline content, or its blocks' text.
    fn text_of(&mut self, node: Node<'a, 'input>) -> Content {
        if is_mixed(node) {
            return self.inline(node);
        }
        self.text_of_blocks(node)
    }

    fn footnote(&mut self, c: Node<'a, 'input>) {
        self.kept(c);
        let marker = c
            .attribute("marker")
            .map_or_else(|| (self.footnotes.len() + 1).to_string(), String::from);
        let content = self.text_of_blocks(c);
        self.footnotes.push(Footnote {
            marker,
            content,
            mark: None,
            span: span_of(c),
        });
    }

    fn list_item(&mut self, item: Node<'a, 'input>, level: u8, out: &mut Vec<Block>) {
        self.kept(item);
        let label = match self.child(item, "num") {
            Some(num) => self.label(num),
            None => Label {
                written: {
                    self.synthesized += 1;
                    Content::plain("•")
                },
                value: Some(LabelValue {
                    scheme: Scheme::Bullet,
                    numbers: Vec::new(),
                    suffix: None,
                    punctuation: Punctuation::Bare,
                }),
                suspect: false,
                suspect_reason: None,
            },
        };
        let mut content = Content::new();
        let mut nested = Vec::new();
        for c in item.children() {
            if c.is_text() {
                if !c.text().unwrap_or("").trim().is_empty() {
                    let mut t = Content::new();
                    t.push(Span::plain(c.text().unwrap_or("")));
                    content = join(content, self.finish(t));
                }
                continue;
            }
            if !self.is_akn(c) {
                if c.is_element() {
                    self.outside(c);
                }
                continue;
            }
            match Self::name(c) {
                "num" => {}
                "p" => {
                    self.kept(c);
                    let text = self.inline(c);
                    content = if self.own {
                        content.concat(text)
                    } else {
                        join(content, text)
                    };
                }
                "blockList" | "ul" | "ol" => self.block(c, level, &mut nested),
                _ => {
                    let text = self.text_of(c);
                    content = join(content, text);
                }
            }
        }
        out.push(Block::ListItem {
            label,
            content,
            span: span_of(item),
        });
        out.extend(nested);
    }
}

/// Inline elements: their presence makes their parent a run of text.
const INLINE: &[&str] = &[
    "ins",
    "del",
    "span",
    "b",
    "i",
    "u",
    "sup",
    "sub",
    "a",
    "abbr",
    "ref",
    "mref",
    "rref",
    "term",
    "date",
    "time",
    "person",
    "organization",
    "location",
    "quantity",
    "def",
    "entity",
    "role",
    "concept",
    "object",
    "event",
    "process",
    "docNumber",
    "docTitle",
    "docDate",
    "docType",
    "docProponent",
    "docStage",
    "docStatus",
    "docCommittee",
    "docIntroducer",
    "docPurpose",
    "docAuthority",
    "docJurisdiction",
    "docketNumber",
    "shortTitle",
    "session",
    "legislature",
    "courtType",
    "neutralCitation",
    "argument",
    "affectedDocument",
    "relatedDocument",
    "change",
    "mod",
    "mmod",
    "rmod",
    "quotedText",
    "embeddedText",
    "noteRef",
    "eol",
    "eop",
    "br",
    "img",
    "inline",
    "marker",
    "remark",
    "recordedTime",
    "vote",
    "outcome",
    "omissis",
    "placeholder",
    "fillIn",
    "decoration",
    "opinion",
    "judge",
    "lawyer",
    "party",
    "signature",
    "authorialNote",
];

/// Whether a node holds a run of text: direct text, or inline elements.
fn is_mixed(node: Node) -> bool {
    node.children().any(|c| {
        (c.is_text() && !c.text().unwrap_or("").trim().is_empty())
            || (c.is_element() && INLINE.contains(&c.tag_name().name()))
    })
}

fn non_ws_text(node: Node) -> usize {
    node.descendants()
        .filter(|d| d.is_text())
        .map(|d| non_ws_chars(d.text().unwrap_or("")))
        .sum()
}

/// What a document's `meta` says.
#[derive(Default)]
struct Meta<'a, 'input> {
    number: Option<String>,
    subtype: Option<String>,
    author: Option<String>,
    /// `amend:resolution`, `amend:proposal`... from `proprietary`.
    amend: Vec<Node<'a, 'input>>,
    textual_mod: Option<String>,
}

impl<'a, 'input> Importer<'a, 'input> {
    fn document(&mut self, el: Node<'a, 'input>, extra: &[Node<'a, 'input>]) -> Body {
        let components: Vec<Node> = extra
            .iter()
            .copied()
            .filter(|e| self.is_akn(*e) && Self::name(*e) == "components")
            .collect();
        for e in extra {
            if !components.contains(e) {
                self.outside(*e);
            }
        }
        match Self::name(el) {
            "documentCollection" | "amendmentList" | "officialGazette" => {
                self.collection_like(el, &components)
            }
            "statement" | "act" | "bill" => {
                let mut r = self.resolution(el);
                for c in components {
                    self.annexes(c, &mut r.annexes);
                }
                Body::Resolution(r)
            }
            _ => {
                let mut g = self.generic(el);
                for c in components {
                    self.blocks_into(c, 1, &mut g.blocks);
                }
                Body::Generic(g)
            }
        }
    }

    fn meta(&mut self, el: Node<'a, 'input>) -> Meta<'a, 'input> {
        let mut m = Meta::default();
        let Some(meta) = self.child(el, "meta") else {
            return m;
        };
        for d in meta.descendants().filter(|d| d.is_element()) {
            if d.tag_name().namespace() == Some(AMEND_NS) {
                if d.parent().is_some_and(|p| Self::name(p) == "proprietary") {
                    m.amend.push(d);
                }
                continue;
            }
            if !self.is_akn(d) {
                continue;
            }
            let in_work = d
                .parent()
                .is_some_and(|p| self.is_akn(p) && Self::name(p) == "FRBRWork");
            match Self::name(d) {
                "FRBRnumber" if in_work => m.number = d.attribute("value").map(String::from),
                "FRBRsubtype" if in_work => m.subtype = d.attribute("value").map(String::from),
                "FRBRauthor" if in_work => {
                    m.author = d
                        .attribute("href")
                        .map(|h| h.trim_start_matches('#').to_string());
                }
                "textualMod" => m.textual_mod = d.attribute("type").map(String::from),
                "note" if d.parent().is_some_and(|p| Self::name(p) == "notes") => {
                    self.footnote(d);
                }
                _ => {}
            }
        }
        for node in m.amend.clone() {
            let get = |k| node.attribute(k).unwrap_or("").to_string();
            match Self::name(node) {
                "removedMarker" => self.doc_extras.removed_markers.push(RemovedMarker {
                    text: get("text"),
                    span: SourceSpan::default(),
                }),
                "lostHyphen" => self.doc_extras.lost_hyphens.push(Finding {
                    code: get("code"),
                    message: get("message"),
                    span: SourceSpan::default(),
                }),
                "warning" => self.doc_extras.warnings.push(Finding {
                    code: get("code"),
                    message: get("message"),
                    span: SourceSpan::default(),
                }),
                _ => {}
            }
        }
        m
    }

    fn amend_node(m: &Meta<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
        m.amend.iter().copied().find(|n| Self::name(*n) == name)
    }

    // -----------------------------------------------------------------------
    // Resolutions

    fn resolution(&mut self, el: Node<'a, 'input>) -> Resolution {
        let meta = self.meta(el);
        let mut r = Resolution {
            front_matter: Vec::new(),
            title_block: TitleBlock {
                number_line: Content::new(),
                instrument: Instrument {
                    body: None,
                    kind: InstrumentKind::Resolution,
                    number: String::new(),
                },
                revision: None,
                title: Content::new(),
                history: None,
                span: SourceSpan::default(),
            },
            enacting: None,
            sections: Vec::new(),
            annexes: Vec::new(),
            span: span_of(el),
        };
        let mut loose = false;
        for c in self.elements(el) {
            if !self.is_akn(c) {
                self.outside(c);
                continue;
            }
            match Self::name(c) {
                "meta" => {}
                "coverPage" => {
                    let mut blocks = Vec::new();
                    self.blocks_into(c, 1, &mut blocks);
                    r.front_matter.extend(blocks);
                }
                "preface" => self.preface(c, &mut r),
                "preamble" => self.preamble(c, &mut r, &mut loose),
                "mainBody" | "body" => self.main_body(c, &mut r, &mut loose),
                "attachments" => self.annexes(c, &mut r.annexes),
                _ => self.outside(c),
            }
        }
        self.apply_meta(&meta, el, &mut r);
        r
    }

    fn apply_meta(&mut self, meta: &Meta<'a, 'input>, el: Node, r: &mut Resolution) {
        if let Some(node) = Self::amend_node(meta, "resolution") {
            let tb = &mut r.title_block;
            tb.instrument = instrument_from(node);
            for c in node.children().filter(|c| c.is_element()) {
                match Self::name(c) {
                    "revision" => {
                        tb.revision = Some(Revision {
                            as_written: c.attribute("asWritten").unwrap_or("").to_string(),
                            place: c.attribute("place").map(String::from),
                            year: c.attribute("year").and_then(|y| y.parse().ok()),
                        });
                    }
                    "history" => {
                        if let Some(h) = tb.history.as_mut() {
                            h.meetings = c
                                .children()
                                .filter(|m| m.is_element())
                                .map(meeting_from)
                                .collect();
                            h.footnote_markers = c
                                .attribute("markers")
                                .unwrap_or("")
                                .split_whitespace()
                                .map(String::from)
                                .collect();
                        }
                    }
                    "enacting" => {
                        if let Some(e) = r.enacting.as_mut() {
                            e.body = c.attribute("body").map(String::from);
                            e.meeting = c.children().find(|m| m.is_element()).map(meeting_from);
                        }
                    }
                    _ => {}
                }
            }
            return;
        }
        // Not written by amend: FRBR, then the number line.
        let number_text = r.title_block.number_line.accepted();
        let tb = &mut r.title_block;
        tb.instrument.kind = meta
            .subtype
            .as_deref()
            .and_then(uri::kind_from_name)
            .or_else(|| el.attribute("name").and_then(uri::kind_from_name))
            .unwrap_or(InstrumentKind::Resolution);
        tb.instrument.body = meta.author.as_deref().and_then(uri::body_from_author);
        tb.instrument.number = meta
            .number
            .clone()
            .or_else(|| NUMBER.captures(&number_text).map(|c| c[1].to_string()))
            .or_else(|| {
                // A bare symbol such as `70/125` (AKN4UN puts it alone in docNumber).
                let t = number_text.trim().trim_end_matches('.');
                BARE_NUMBER.is_match(t).then(|| t.to_string())
            })
            .unwrap_or_default();
        if tb.instrument.body.is_none() && tb.instrument.number.contains('/') {
            tb.instrument.body = Some("UNGA".into());
        }
        tb.revision = REVISION.captures(&number_text).map(|caps| {
            let as_written = caps[1].to_string();
            let last = PLACE_YEAR.captures_iter(&as_written).last();
            Revision {
                place: last
                    .as_ref()
                    .and_then(|c| c.get(1))
                    .map(|m| m.as_str().trim().to_string()),
                year: last.as_ref().and_then(|c| c[2].parse().ok()),
                as_written,
            }
        });
        if r.sections
            .iter()
            .all(|s| s.eid.is_empty() && s.items.iter().all(|i| i.eid.is_empty()))
        {
            ids::assign(r);
        }
    }

    fn preface(&mut self, el: Node<'a, 'input>, r: &mut Resolution) {
        for c in self.elements(el) {
            if !self.is_akn(c) {
                self.outside(c);
                continue;
            }
            let number = c
                .descendants()
                .find(|d| self.is_akn(*d) && Self::name(*d) == "docNumber");
            let title = c
                .descendants()
                .find(|d| self.is_akn(*d) && matches!(Self::name(*d), "docTitle" | "longTitle"));
            let class = c.attribute("class");
            if class == Some("history") && self.own {
                self.kept(c);
                r.title_block.history = Some(History {
                    content: self.inline(c),
                    meetings: Vec::new(),
                    footnote_markers: Vec::new(),
                });
            } else if number.is_some() || title.is_some() {
                self.kept(c);
                if let Some(n) = number
                    && r.title_block.number_line.is_empty()
                {
                    self.kept(n);
                    r.title_block.number_line = self.inline(n);
                    r.title_block.span = span_of(n);
                }
                if let Some(t) = title {
                    self.kept(t);
                    let text = self.text_of(t);
                    r.title_block.title = if self.own {
                        text
                    } else {
                        join(std::mem::take(&mut r.title_block.title), text)
                    };
                }
            } else {
                let mut blocks = Vec::new();
                self.block(c, 1, &mut blocks);
                r.front_matter.extend(blocks);
            }
        }
    }

    fn section(&mut self, el: Node, kind: SectionKind) -> Section {
        let (eid, wid) = self.ids(el);
        Section {
            eid,
            wid,
            kind,
            heading: Content::new(),
            title: None,
            items: Vec::new(),
            mark: self.mark(el).map(Box::new),
            span: span_of(el),
        }
    }

    /// Loose paragraphs go to an unnamed section, opened as needed.
    fn loose_item(&mut self, r: &mut Resolution, loose: &mut bool, kind: SectionKind, item: Item) {
        if !*loose || r.sections.last().is_none_or(|s| s.kind != kind) {
            r.sections.push(Section {
                eid: String::new(),
                wid: String::new(),
                kind,
                heading: Content::new(),
                title: None,
                items: Vec::new(),
                mark: None,
                span: item.span,
            });
            *loose = true;
        }
        if let Some(s) = r.sections.last_mut() {
            s.span = s.span.join(item.span);
            s.items.push(item);
        }
    }

    fn blocks_as_items(
        &mut self,
        c: Node<'a, 'input>,
        r: &mut Resolution,
        loose: &mut bool,
        kind: SectionKind,
    ) {
        let mut blocks = Vec::new();
        self.block(c, 1, &mut blocks);
        // A container making one paragraph (AKN4UN's `preambularParagraph`) lends it its ids.
        let (eid, wid) = if blocks.len() == 1 {
            self.ids(c)
        } else {
            (String::new(), String::new())
        };
        for b in blocks {
            let (label, content, span) = match b {
                Block::Heading { content, span, .. } => (None, content, span),
                Block::Paragraph { content, span, .. } => (None, content, span),
                Block::ListItem {
                    label,
                    content,
                    span,
                } => (Some(label), content, span),
                Block::Table { rows, span } => (
                    None,
                    rows.into_iter().flatten().fold(Content::new(), join),
                    span,
                ),
            };
            let item = Item {
                eid: eid.clone(),
                wid: wid.clone(),
                label,
                content,
                children: Vec::new(),
                mark: None,
                span,
            };
            self.loose_item(r, loose, kind, item);
        }
    }

    fn preamble(&mut self, el: Node<'a, 'input>, r: &mut Resolution, loose: &mut bool) {
        for c in self.elements(el) {
            if !self.is_akn(c) {
                self.outside(c);
                continue;
            }
            match Self::name(c) {
                "formula" if r.enacting.is_none() => {
                    self.kept(c);
                    r.enacting = Some(Enacting {
                        content: self.text_of(c),
                        body: None,
                        meeting: None,
                        span: span_of(c),
                    });
                }
                "recitals" | "citations" => {
                    self.kept(c);
                    let mut s = self.section(c, SectionKind::Preamble);
                    for part in self.elements(c) {
                        if !self.is_akn(part) {
                            self.outside(part);
                            continue;
                        }
                        match Self::name(part) {
                            "heading" | "intro" if s.heading.is_empty() => {
                                self.kept(part);
                                s.heading = self.text_of(part);
                            }
                            "subheading" => {
                                self.kept(part);
                                s.title = Some(self.inline(part));
                            }
                            "recital" | "citation" => {
                                let item = self.item(part);
                                s.items.push(item);
                            }
                            "num" => {
                                self.kept(part);
                                let n = self.inline(part);
                                s.heading = join(n, std::mem::take(&mut s.heading));
                            }
                            _ => {
                                let text = self.text_of(part);
                                s.items.push(Item {
                                    eid: String::new(),
                                    wid: String::new(),
                                    label: None,
                                    content: text,
                                    children: Vec::new(),
                                    mark: None,
                                    span: span_of(part),
                                });
                            }
                        }
                    }
                    r.sections.push(s);
                    *loose = false;
                }
                "container" if self.own && c.attribute("name") == Some("preambleSection") => {
                    self.kept(c);
                    let mut s = self.section(c, SectionKind::Preamble);
                    s.heading = self.text_of(c);
                    r.sections.push(s);
                    *loose = false;
                }
                _ => self.blocks_as_items(c, r, loose, SectionKind::Preamble),
            }
        }
    }

    fn main_body(&mut self, el: Node<'a, 'input>, r: &mut Resolution, loose: &mut bool) {
        for c in self.elements(el) {
            if !self.is_akn(c) {
                self.outside(c);
                continue;
            }
            let name = Self::name(c);
            if !HIER.contains(&name) {
                self.blocks_as_items(c, r, loose, SectionKind::Operative);
                continue;
            }
            let grouping = self
                .elements(c)
                .iter()
                .any(|g| self.is_akn(*g) && HIER.contains(&Self::name(*g)));
            if !self.own && !grouping {
                // A leaf provision (a numbered paragraph) is an item, not a section.
                let item = self.item(c);
                self.loose_item(r, loose, SectionKind::Operative, item);
                continue;
            }
            self.kept(c);
            let kind = match (self.own, c.attribute("name")) {
                (true, Some("preamble")) => SectionKind::Preamble,
                (true, Some("division")) => SectionKind::Division,
                (true, _) => SectionKind::Operative,
                (false, _) if self.child(c, "num").is_some() => SectionKind::Division,
                (false, _) => SectionKind::Operative,
            };
            let mut s = self.section(c, kind);
            for part in self.elements(c) {
                if !self.is_akn(part) {
                    self.outside(part);
                    continue;
                }
                match Self::name(part) {
                    "num" | "heading" => {
                        self.kept(part);
                        let text = self.inline(part);
                        s.heading = join(std::mem::take(&mut s.heading), text);
                    }
                    "subheading" => {
                        self.kept(part);
                        s.title = Some(self.inline(part));
                    }
                    n if HIER.contains(&n) => {
                        let item = self.item(part);
                        s.items.push(item);
                    }
                    _ => {
                        // intro, content, wrapUp, blocks: unlabelled items.
                        let text = self.text_of(part);
                        if !text.is_empty() {
                            s.items.push(Item {
                                eid: String::new(),
                                wid: String::new(),
                                label: None,
                                content: text,
                                children: Vec::new(),
                                mark: None,
                                span: span_of(part),
                            });
                        }
                    }
                }
            }
            r.sections.push(s);
            *loose = false;
        }
    }

    /// A `recital`, `item`, `paragraph` or any hierarchy element as an item.
    fn item(&mut self, el: Node<'a, 'input>) -> Item {
        self.kept(el);
        let (eid, wid) = self.ids(el);
        let mut item = Item {
            eid,
            wid,
            label: None,
            content: Content::new(),
            children: Vec::new(),
            mark: self.mark(el).map(Box::new),
            span: span_of(el),
        };
        self.item_parts(el, &mut item);
        item
    }

    fn item_parts(&mut self, el: Node<'a, 'input>, item: &mut Item) {
        for c in el.children() {
            if c.is_text() {
                if !c.text().unwrap_or("").trim().is_empty() {
                    let mut t = Content::new();
                    t.push(Span::plain(c.text().unwrap_or("")));
                    let t = self.finish(t);
                    item.content = join(std::mem::take(&mut item.content), t);
                }
                continue;
            }
            if !c.is_element() {
                continue;
            }
            if !self.is_akn(c) {
                self.outside(c);
                continue;
            }
            let name = Self::name(c);
            match name {
                "num" if item.label.is_none() => item.label = Some(self.label(c)),
                "p" => {
                    if Self::amend(c, "placeholder").is_some() {
                        continue;
                    }
                    self.kept(c);
                    let text = self.inline(c);
                    item.content = if self.own {
                        std::mem::take(&mut item.content).concat(text)
                    } else {
                        join(std::mem::take(&mut item.content), text)
                    };
                }
                "content" | "intro" | "wrapUp" | "blockContainer" | "listIntroduction"
                | "listWrapUp" | "tblock" => {
                    self.flattened(c);
                    self.item_parts(c, item);
                }
                "blockList" | "ul" | "ol" => {
                    self.kept(c);
                    for sub in self.elements(c) {
                        if self.is_akn(sub) && matches!(Self::name(sub), "item" | "li") {
                            let child = self.item(sub);
                            item.children.push(child);
                        } else {
                            self.item_parts(sub, item);
                        }
                    }
                }
                "recital" | "citation" | "item" => {
                    let child = self.item(c);
                    item.children.push(child);
                }
                n if HIER.contains(&n) => {
                    let child = self.item(c);
                    item.children.push(child);
                }
                "heading" | "subheading" => {
                    self.flattened(c);
                    let text = self.inline(c);
                    item.content = join(std::mem::take(&mut item.content), text);
                }
                _ => {
                    let text = self.text_of(c);
                    item.content = join(std::mem::take(&mut item.content), text);
                }
            }
        }
    }

    fn annexes(&mut self, el: Node<'a, 'input>, out: &mut Vec<Annex>) {
        for att in self.elements(el) {
            if !self.is_akn(att) || !matches!(Self::name(att), "attachment" | "component") {
                self.outside(att);
                continue;
            }
            self.kept(att);
            let (eid, _) = self.ids(att);
            let mut heading = Content::new();
            for h in self.elements(att) {
                if self.is_akn(h) && matches!(Self::name(h), "num" | "heading" | "subheading") {
                    self.kept(h);
                    let text = self.inline(h);
                    heading = join(heading, text);
                }
            }
            let Some(doc) = self
                .elements(att)
                .into_iter()
                .find(|d| self.is_akn(*d) && DOCUMENT_TYPES.contains(&Self::name(*d)))
            else {
                continue;
            };
            if Self::name(doc) == "documentRef" || Self::name(doc) == "interstitial" {
                self.outside(doc);
                continue;
            }
            let mut annex = Annex {
                eid,
                heading,
                blocks: Vec::new(),
                span: span_of(att),
            };
            let mut nested = Vec::new();
            for part in self.elements(doc) {
                if !self.is_akn(part) {
                    self.outside(part);
                    continue;
                }
                match Self::name(part) {
                    "meta" => {}
                    "preface" if annex.heading.is_empty() => {
                        let mut blocks = Vec::new();
                        self.blocks_into(part, 1, &mut blocks);
                        let mut rest = Vec::new();
                        for b in blocks {
                            match b {
                                Block::Heading { content, .. }
                                | Block::Paragraph { content, .. }
                                    if annex.heading.is_empty() =>
                                {
                                    annex.heading = content;
                                }
                                other => rest.push(other),
                            }
                        }
                        annex.blocks.extend(rest);
                    }
                    "attachments" => self.annexes(part, &mut nested),
                    _ => {
                        let mut blocks = Vec::new();
                        self.blocks_into(part, 1, &mut blocks);
                        annex.blocks.extend(blocks);
                    }
                }
            }
            out.push(annex);
            out.extend(nested);
        }
    }

    // -----------------------------------------------------------------------
    // Other documents

    fn generic(&mut self, el: Node<'a, 'input>) -> Generic {
        self.meta(el);
        let mut blocks = Vec::new();
        for c in self.elements(el) {
            if self.is_akn(c) && Self::name(c) == "meta" {
                continue;
            }
            if self.is_akn(c)
                && matches!(
                    Self::name(c),
                    "mainBody"
                        | "body"
                        | "coverPage"
                        | "preface"
                        | "preamble"
                        | "conclusions"
                        | "debateBody"
                        | "judgmentBody"
                        | "amendmentBody"
                        | "collectionBody"
                        | "attachments"
                        | "components"
                )
            {
                self.flattened(c);
                self.blocks_into(c, 1, &mut blocks);
            } else {
                self.block(c, 1, &mut blocks);
            }
        }
        Generic { blocks }
    }

    /// The component documents of a collection; `documentRef`s are resolved against the
    /// `components` beside the collection (by `#eId`, else by position).
    fn components(
        &self,
        el: Node<'a, 'input>,
        outer: &[Node<'a, 'input>],
    ) -> Vec<(String, Node<'a, 'input>)> {
        let Some(body) = self.child(el, "collectionBody") else {
            return Vec::new();
        };
        let outer: Vec<Node> = outer
            .iter()
            .flat_map(|c| self.elements(*c))
            .filter(|c| self.is_akn(*c) && Self::name(*c) == "component")
            .collect();
        let mut out = Vec::new();
        for (n, comp) in self.elements(body).into_iter().enumerate() {
            let id = comp.attribute("eId").unwrap_or("").to_string();
            let Some(doc) = self.elements(comp).into_iter().find(|d| self.is_akn(*d)) else {
                continue;
            };
            if Self::name(doc) == "documentRef" {
                let href = doc.attribute("href").unwrap_or("");
                let target = href
                    .strip_prefix('#')
                    .and_then(|id| outer.iter().find(|o| o.attribute("eId") == Some(id)))
                    .or_else(|| outer.get(n));
                if let Some(t) = target
                    && let Some(d) = self.elements(*t).into_iter().find(|d| self.is_akn(*d))
                {
                    out.push((t.attribute("eId").unwrap_or("").to_string(), d));
                }
                continue;
            }
            out.push((id, doc));
        }
        out
    }

    fn collection_like(&mut self, el: Node<'a, 'input>, outer: &[Node<'a, 'input>]) -> Body {
        let meta = self.meta(el);
        let components = self.components(el, outer);
        let is_resolution =
            |n: Node<'a, 'input>| matches!(Self::name(n), "statement" | "act" | "bill");
        let contribution = Self::amend_node(&meta, "contribution").is_some()
            || components
                .iter()
                .any(|(_, d)| Self::name(*d) == "doc" && d.attribute("name") == Some("envelope"));
        if contribution {
            let mut c = Contribution {
                envelope: Vec::new(),
                proposals: Vec::new(),
                trailer: Vec::new(),
                source: Self::amend_node(&meta, "contribution")
                    .and_then(|n| n.attribute("source"))
                    .map(String::from),
            };
            for (id, doc) in components {
                self.prefix = if id.is_empty() {
                    String::new()
                } else {
                    format!("{id}__")
                };
                self.kept(doc);
                match (Self::name(doc), doc.attribute("name")) {
                    ("doc", Some("envelope")) => c.envelope = self.envelope(doc),
                    ("doc", Some("trailer")) => c.trailer = self.envelope(doc),
                    (n, _) if is_resolution(doc) || n == "statement" => {
                        let p = self.proposal(doc);
                        c.proposals.push(p);
                    }
                    _ => self.outside(doc),
                }
            }
            self.prefix.clear();
            return Body::Contribution(c);
        }
        if !components.is_empty() && components.iter().all(|(_, d)| is_resolution(*d)) {
            let mut front_matter = Vec::new();
            if let Some(cover) = self.child(el, "coverPage") {
                self.blocks_into(cover, 1, &mut front_matter);
            }
            let mut resolutions = Vec::new();
            for (id, doc) in components {
                self.prefix = if id.is_empty() {
                    String::new()
                } else {
                    format!("{id}__")
                };
                resolutions.push(self.resolution(doc));
            }
            self.prefix.clear();
            for c in self.elements(el) {
                if self.is_akn(c)
                    && !matches!(Self::name(c), "meta" | "coverPage" | "collectionBody")
                {
                    self.outside(c);
                }
            }
            return Body::Collection(Collection {
                front_matter,
                resolutions,
            });
        }
        let mut g = self.generic(el);
        for (id, doc) in components {
            if doc.ancestors().any(|a| a == el) {
                continue; // already read with the collection
            }
            self.prefix = if id.is_empty() {
                String::new()
            } else {
                format!("{id}__")
            };
            let part = self.generic(doc);
            g.blocks.extend(part.blocks);
        }
        self.prefix.clear();
        Body::Generic(g)
    }

    fn proposal(&mut self, doc: Node<'a, 'input>) -> Proposal {
        let meta = self.meta(doc);
        let prop = Self::amend_node(&meta, "proposal");
        let none = prop.and_then(|p| p.attribute("resolution")) == Some("none");
        let resolution = if none {
            None
        } else {
            Some(self.resolution(doc))
        };
        let action = prop
            .and_then(|p| p.attribute("action"))
            .and_then(Action::parse)
            .unwrap_or(match meta.textual_mod.as_deref() {
                Some("insertion") => Action::Add,
                Some("repeal") => Action::Suppress,
                Some(_) => Action::Modify,
                None => Action::NoChange,
            });
        let instrument = prop
            .and_then(|p| {
                p.children()
                    .find(|c| c.is_element() && Self::name(*c) == "instrument")
            })
            .map(instrument_from)
            .or_else(|| {
                resolution
                    .as_ref()
                    .map(|r| r.title_block.instrument.clone())
            })
            .unwrap_or(Instrument {
                body: None,
                kind: InstrumentKind::Resolution,
                number: String::new(),
            });
        Proposal {
            action,
            action_inferred: prop.and_then(|p| p.attribute("inferred")) == Some("true"),
            margin: prop.and_then(|p| p.attribute("margin")).map(String::from),
            instrument,
            source: prop.and_then(|p| p.attribute("source")).map(String::from),
            resolution,
            span: span_of(doc),
        }
    }

    fn envelope(&mut self, doc: Node<'a, 'input>) -> Vec<EnvelopePart> {
        let mut parts = Vec::new();
        let Some(body) = self.child(doc, "mainBody") else {
            return parts;
        };
        for h in self.elements(body) {
            if !self.is_akn(h) {
                self.outside(h);
                continue;
            }
            if Self::amend(h, "placeholder").is_some() {
                continue;
            }
            self.kept(h);
            let kind = part_from(
                Self::amend(h, "part")
                    .or(h.attribute("name"))
                    .unwrap_or("other"),
            );
            let heading = self.child(h, "heading").map(|n| {
                self.kept(n);
                self.inline(n)
            });
            let mut paragraphs = Vec::new();
            if let Some(content) = self.child(h, "content") {
                for p in self.elements(content) {
                    if self.is_akn(p) && Self::name(p) == "p" {
                        self.kept(p);
                        paragraphs.push(self.inline(p));
                    } else {
                        paragraphs.push(self.text_of(p));
                    }
                }
            }
            parts.push(EnvelopePart {
                kind,
                heading,
                paragraphs,
                span: span_of(h),
            });
        }
        parts
    }
}
