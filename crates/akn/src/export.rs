//! The model as Akoma Ntoso 3.0 (AKN4UN shapes), valid against the OASIS Standard schema.

use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use amend_model::{
    Action, Annex, Block, Body, Change, ChangeKind, Collection, Content, Contribution, Document,
    EnvelopePart, EvidenceKind, Footnote, Generic, Instrument, Item, Label, Meeting, PartKind,
    Proposal, Punctuation, Resolution, Scheme, Section, SectionKind,
};
use regex::Regex;

use crate::xml::{Attrs, Xml};
use crate::{AKN_NS, AMEND_NS, cite, uri};

/// How to write the AKN.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The expression's language, ISO 639-2 as AKN uses it (`eng`, `fra`, `spa`).
    pub language: String,
    /// The meeting's date (`2016-11-03`) when known; otherwise (or when it is not a
    /// `YYYY-MM-DD` date) `FRBRdate` is the revision year's first day with `name="year"`.
    pub date: Option<String>,
    /// Indent block elements (inline content is never re-spaced).
    pub pretty: bool,
    /// Mark citations as `<ref href>`.
    pub citations: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self {
            language: "eng".into(),
            date: None,
            pretty: true,
            citations: true,
        }
    }
}

/// Writes a document as Akoma Ntoso.
///
/// A resolution is a `statement name="resolution"`; a contribution a
/// `documentCollection name="contribution"` holding the envelope (`doc name="envelope"`),
/// one statement per proposal (its action in `activeModifications`) and the trailer
/// (`doc name="trailer"`); a collection a `documentCollection name="collection"` of
/// statements; a generic document a `doc name="document"`. Everything the standard has
/// no place for (label values, change authors, the proposal's margin line) is kept in
/// attributes and `proprietary` metadata of the namespace [`AMEND_NS`], so that
/// [`crate::from_akn`] reads the export back to the same model.
pub fn to_akn(doc: &Document, options: &ExportOptions) -> String {
    let mut e = Exporter {
        w: Xml::new(options.pretty),
        opts: options,
        prefix: String::new(),
        used: HashMap::new(),
        own_body: None,
    };
    e.w.open(
        "akomaNtoso",
        &[
            ("xmlns", AKN_NS.to_string()),
            ("xmlns:amend", AMEND_NS.to_string()),
        ],
    );
    match &doc.body {
        Body::Resolution(r) => e.statement(r, None, Some(doc), true),
        Body::Contribution(c) => e.contribution(c, doc),
        Body::Collection(c) => e.collection(c, doc),
        Body::Generic(g) => e.generic(g, doc),
    }
    e.w.close("akomaNtoso");
    e.w.finish()
}

struct Exporter<'a> {
    w: Xml,
    opts: &'a ExportOptions,
    /// The eId prefix of the component being written (`cmp_2__`).
    prefix: String,
    /// eIds written so far: the schema wants them unique in a document.
    used: HashMap<String, usize>,
    /// The body of the resolution being written, for citations of `this Assembly`.
    own_body: Option<String>,
}

/// FRBR identification of one document.
struct Frbr {
    work: String,
    expression: String,
    work_date: (String, &'static str),
    expression_date: (String, &'static str),
    author: String,
    country: &'static str,
    subtype: Option<String>,
    number: Option<String>,
    name: Option<String>,
}

static REV_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(([^()]*)\)").expect("parenthesis pattern"));
static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:19|20)\d\d").expect("year pattern"));

/// The year of the revision a proposal modifies, from the rejected number line
/// (`(Rev. Dubai, 2012)`): the first year in its parentheses, since a flattened line
/// glues the old stamp before the new one (`Dubai, 2012Hammamet, 2016`).
fn base_year(text: &str) -> Option<u16> {
    let inner = REV_YEAR.captures_iter(text).last()?;
    YEAR.find_iter(inner.get(1)?.as_str())
        .next()
        .and_then(|m| m.as_str().parse().ok())
}

/// `YYYY-MM-DD` with a plausible month and day (what `xsd:date` needs here).
fn is_iso_date(d: &str) -> bool {
    let parts: Vec<&str> = d.split('-').collect();
    let num = |s: &str, len: usize, max: u32| {
        s.len() == len
            && s.chars().all(|c| c.is_ascii_digit())
            && s.parse::<u32>().is_ok_and(|n| n >= 1 && n <= max)
    };
    parts.len() == 3 && num(parts[0], 4, 9999) && num(parts[1], 2, 12) && num(parts[2], 2, 31)
}

fn year_date(year: Option<u16>) -> (String, &'static str) {
    match year {
        Some(y) => (format!("{y:04}-01-01"), "year"),
        None => ("0001-01-01".into(), "unknown"),
    }
}

fn revision_year(r: &Resolution) -> Option<u16> {
    r.title_block
        .revision
        .as_ref()
        .and_then(|rev| rev.year)
        .or_else(|| {
            r.title_block
                .history
                .as_ref()
                .and_then(|h| h.meetings.iter().rev().find_map(|m| m.year))
        })
        .or_else(|| {
            r.enacting
                .as_ref()
                .and_then(|e| e.meeting.as_ref())
                .and_then(|m| m.year)
        })
}

pub(crate) fn scheme_name(s: Scheme) -> &'static str {
    match s {
        Scheme::LowerAlpha => "lower-alpha",
        Scheme::UpperAlpha => "upper-alpha",
        Scheme::LowerRoman => "lower-roman",
        Scheme::UpperRoman => "upper-roman",
        Scheme::Arabic => "arabic",
        Scheme::Decimal => "decimal",
        Scheme::Bullet => "bullet",
    }
}

pub(crate) fn punct_name(p: Punctuation) -> &'static str {
    match p {
        Punctuation::Paren => "paren",
        Punctuation::Enclosed => "enclosed",
        Punctuation::Dot => "dot",
        Punctuation::Bare => "bare",
    }
}

pub(crate) fn part_name(k: PartKind) -> &'static str {
    match k {
        PartKind::Title => "title",
        PartKind::Source => "source",
        PartKind::Reference => "reference",
        PartKind::Abstract => "abstract",
        PartKind::Introduction => "introduction",
        PartKind::Proposal => "proposal",
        PartKind::Contact => "contact",
        PartKind::Other => "other",
    }
}

pub(crate) fn evidence_name(k: EvidenceKind) -> &'static str {
    match k {
        EvidenceKind::BaseAlignment => "base-alignment",
        EvidenceKind::ReplacementPattern => "replacement-pattern",
        EvidenceKind::Structure => "structure",
        EvidenceKind::NewText => "new-text",
        EvidenceKind::Undecided => "undecided",
    }
}

/// Attributes recording a whole-paragraph change (`amend:mark`...).
fn mark_attrs(mark: Option<&Change>, attrs: &mut Attrs) {
    let Some(c) = mark else { return };
    attrs.push(("amend:mark", c.kind.as_str().to_string()));
    let fields = [
        ("amend:markAuthor", &c.author),
        ("amend:markDate", &c.date),
        ("amend:markSource", &c.source),
        ("amend:markMove", &c.move_id),
        ("amend:markDetail", &c.detail),
    ];
    for (key, value) in fields {
        if let Some(v) = value {
            attrs.push((key, v.clone()));
        }
    }
    if let Some(e) = &c.evidence {
        attrs.push(("amend:markEvidence", evidence_name(e.kind).into()));
        attrs.push(("amend:markConfidence", e.confidence.to_string()));
    }
}

/// The element and attributes of an inline change.
fn change_element(c: &Change) -> (&'static str, Attrs) {
    let mut attrs: Attrs = Vec::new();
    let name = match c.kind {
        ChangeKind::Insertion => "ins",
        ChangeKind::Deletion => "del",
        ChangeKind::MoveTo => {
            attrs.push(("class", "move_to".into()));
            "ins"
        }
        ChangeKind::MoveFrom => {
            attrs.push(("class", "move_from".into()));
            "del"
        }
        other => {
            attrs.push(("class", format!("amend-{}", other.as_str())));
            attrs.push(("amend:kind", other.as_str().into()));
            "span"
        }
    };
    let fields = [
        ("amend:author", &c.author),
        ("amend:date", &c.date),
        ("amend:source", &c.source),
        ("amend:move", &c.move_id),
        ("amend:detail", &c.detail),
    ];
    for (key, value) in fields {
        if let Some(v) = value {
            attrs.push((key, v.clone()));
        }
    }
    if let Some(e) = &c.evidence {
        attrs.push(("amend:evidence", evidence_name(e.kind).into()));
        attrs.push(("amend:confidence", e.confidence.to_string()));
    }
    (name, attrs)
}

fn meeting_attrs(m: &Meeting) -> Attrs {
    let mut a: Attrs = vec![("place", m.place.clone())];
    if let Some(y) = m.year {
        a.push(("year", y.to_string()));
    }
    a
}

fn instrument_attrs(i: &Instrument) -> Attrs {
    let mut a: Attrs = vec![
        ("kind", uri::kind_name(i.kind).to_string()),
        ("number", i.number.clone()),
    ];
    if let Some(b) = &i.body {
        a.push(("body", b.clone()));
    }
    a
}

impl Exporter<'_> {
    /// A document-unique eId with the current component prefix, or none for an empty id.
    fn eid(&mut self, id: &str) -> Option<String> {
        if id.is_empty() {
            return None;
        }
        // eIds carry no whitespace (schema pattern `[^\s]+`).
        let id: String = id
            .chars()
            .map(|c| if c.is_whitespace() { '_' } else { c })
            .collect();
        let full = format!("{}{}", self.prefix, id);
        let n = self.used.entry(full.clone()).or_insert(0);
        *n += 1;
        Some(if *n == 1 {
            full
        } else {
            format!("{full}_dup{n}")
        })
    }

    fn id_attrs(&mut self, eid: &str, wid: &str) -> Attrs {
        let mut a: Attrs = Vec::new();
        if let Some(e) = self.eid(eid) {
            a.push(("eId", e));
        }
        if !wid.is_empty() && wid.chars().all(|c| !c.is_whitespace()) {
            a.push(("wId", wid.to_string()));
        }
        a
    }

    // -----------------------------------------------------------------------
    // Metadata

    fn resolution_frbr(&self, r: &Resolution, top: bool) -> Frbr {
        let i = &r.title_block.instrument;
        let body = i.body.as_deref();
        let work = uri::work(body, i.kind, &i.number);
        let year = revision_year(r);
        let expression = uri::expression(&work, &self.opts.language, year);
        let first_year = r
            .title_block
            .history
            .as_ref()
            .and_then(|h| h.meetings.iter().find_map(|m| m.year))
            .or(year);
        let expression_date = match (&self.opts.date, top) {
            (Some(d), true) if is_iso_date(d) => (d.clone(), "adoption"),
            _ => year_date(year),
        };
        let name = r.title_block.number_line.accepted().trim().to_string();
        Frbr {
            work,
            expression,
            work_date: year_date(first_year),
            expression_date,
            author: uri::author(body),
            country: uri::country(body),
            subtype: Some(uri::kind_name(i.kind).to_string()),
            number: (!i.number.is_empty()).then(|| i.number.clone()),
            name: (!name.is_empty()).then_some(name),
        }
    }

    fn other_frbr(
        &self,
        doc_type: &str,
        name: &str,
        body: Option<&str>,
        year: Option<u16>,
    ) -> Frbr {
        let work = format!(
            "/akn/{}/{}/{}/{}/{}",
            uri::country(body),
            doc_type,
            name,
            uri::author(body),
            year.map_or_else(|| "undated".to_string(), |y| y.to_string())
        );
        let expression = uri::expression(&work, &self.opts.language, None);
        let date = match &self.opts.date {
            Some(d) if is_iso_date(d) => (d.clone(), "adoption"),
            _ => year_date(year),
        };
        Frbr {
            work,
            expression,
            work_date: date.clone(),
            expression_date: date,
            author: uri::author(body),
            country: uri::country(body),
            subtype: None,
            number: None,
            name: None,
        }
    }

    fn identification(&mut self, f: &Frbr) {
        let w = &mut self.w;
        w.open("identification", &[("source", "#amend".into())]);
        w.open("FRBRWork", &[]);
        w.empty("FRBRthis", &[("value", format!("{}/!main", f.work))]);
        w.empty("FRBRuri", &[("value", f.work.clone())]);
        w.empty(
            "FRBRdate",
            &[
                ("date", f.work_date.0.clone()),
                ("name", f.work_date.1.into()),
            ],
        );
        w.empty("FRBRauthor", &[("href", format!("#{}", f.author))]);
        w.empty("FRBRcountry", &[("value", f.country.into())]);
        if let Some(s) = &f.subtype {
            w.empty("FRBRsubtype", &[("value", s.clone())]);
        }
        if let Some(n) = &f.number {
            w.empty("FRBRnumber", &[("value", n.clone())]);
        }
        if let Some(n) = &f.name {
            w.empty("FRBRname", &[("value", n.clone())]);
        }
        w.close("FRBRWork");
        w.open("FRBRExpression", &[]);
        w.empty("FRBRthis", &[("value", format!("{}/!main", f.expression))]);
        w.empty("FRBRuri", &[("value", f.expression.clone())]);
        w.empty(
            "FRBRdate",
            &[
                ("date", f.expression_date.0.clone()),
                ("name", f.expression_date.1.into()),
            ],
        );
        w.empty("FRBRauthor", &[("href", format!("#{}", f.author))]);
        w.empty("FRBRlanguage", &[("language", self.opts.language.clone())]);
        w.close("FRBRExpression");
        w.open("FRBRManifestation", &[]);
        w.empty("FRBRthis", &[("value", uri::manifestation(&f.expression))]);
        w.empty("FRBRuri", &[("value", uri::manifestation(&f.expression))]);
        w.empty(
            "FRBRdate",
            &[
                ("date", f.expression_date.0.clone()),
                ("name", f.expression_date.1.into()),
            ],
        );
        w.empty("FRBRauthor", &[("href", "#amend".into())]);
        w.empty("FRBRformat", &[("value", "application/akn+xml".into())]);
        w.close("FRBRManifestation");
        w.close("identification");
    }

    /// `references` naming amend and every body of the document (outermost meta only).
    fn references(&mut self, doc: &Document) {
        let mut bodies: BTreeSet<String> = BTreeSet::new();
        match &doc.body {
            Body::Contribution(c) => {
                for p in &c.proposals {
                    bodies.insert(uri::author(p.instrument.body.as_deref()));
                }
                let body = c
                    .proposals
                    .first()
                    .and_then(|p| p.instrument.body.as_deref());
                bodies.insert(uri::author(body));
            }
            Body::Generic(_) => {
                bodies.insert(uri::author(None));
            }
            _ => {}
        }
        for r in doc.resolutions() {
            bodies.insert(uri::author(r.title_block.instrument.body.as_deref()));
        }
        if let Body::Collection(c) = &doc.body {
            let body = c
                .resolutions
                .first()
                .and_then(|r| r.title_block.instrument.body.as_deref());
            bodies.insert(uri::author(body));
        }
        bodies.remove("amend");
        let w = &mut self.w;
        w.open("references", &[("source", "#amend".into())]);
        w.empty(
            "TLCOrganization",
            &[
                ("eId", "amend".into()),
                ("href", "/ontology/organization/amend".into()),
                ("showAs", "amend".into()),
            ],
        );
        for b in bodies {
            let show = uri::body_from_author(&b).map_or_else(|| b.clone(), |s| uri::body_name(&s));
            w.empty(
                "TLCOrganization",
                &[
                    ("eId", b.clone()),
                    ("href", format!("/ontology/organization/{b}")),
                    ("showAs", show),
                ],
            );
        }
        w.close("references");
    }

    fn notes(&mut self, footnotes: &[Footnote]) {
        if footnotes.is_empty() {
            return;
        }
        self.w.open("notes", &[("source", "#amend".into())]);
        for (n, f) in footnotes.iter().enumerate() {
            let mut attrs: Attrs = Vec::new();
            if let Some(e) = self.eid(&format!("fn_{}", n + 1)) {
                attrs.push(("eId", e));
            }
            attrs.push(("marker", f.marker.clone()));
            self.w.open("note", &attrs);
            self.paragraph(&f.content, &[], true);
            self.w.close("note");
        }
        self.w.close("notes");
    }

    /// Reader findings of the document, in `proprietary`.
    fn document_findings(&mut self, doc: &Document) {
        let w = &mut self.w;
        for m in &doc.removed_markers {
            w.empty("amend:removedMarker", &[("text", m.text.clone())]);
        }
        for (name, list) in [
            ("amend:lostHyphen", &doc.lost_hyphens),
            ("amend:warning", &doc.warnings),
        ] {
            for f in list {
                w.empty(
                    name,
                    &[("code", f.code.clone()), ("message", f.message.clone())],
                );
            }
        }
    }

    fn resolution_proprietary(&mut self, r: &Resolution) {
        let tb = &r.title_block;
        let w = &mut self.w;
        w.open("amend:resolution", &instrument_attrs(&tb.instrument));
        if let Some(rev) = &tb.revision {
            let mut a: Attrs = vec![("asWritten", rev.as_written.clone())];
            if let Some(p) = &rev.place {
                a.push(("place", p.clone()));
            }
            if let Some(y) = rev.year {
                a.push(("year", y.to_string()));
            }
            w.empty("amend:revision", &a);
        }
        if let Some(h) = &tb.history {
            w.open(
                "amend:history",
                &[("markers", h.footnote_markers.join(" "))],
            );
            for m in &h.meetings {
                w.empty("amend:meeting", &meeting_attrs(m));
            }
            w.close("amend:history");
        }
        if let Some(e) = &r.enacting {
            let mut a: Attrs = Vec::new();
            if let Some(b) = &e.body {
                a.push(("body", b.clone()));
            }
            w.open("amend:enacting", &a);
            if let Some(m) = &e.meeting {
                w.empty("amend:meeting", &meeting_attrs(m));
            }
            w.close("amend:enacting");
        }
        w.close("amend:resolution");
    }

    // -----------------------------------------------------------------------
    // Documents

    /// A resolution as a `statement`. `doc` is set for the outermost document, whose
    /// meta carries the references, footnotes and findings.
    fn statement(
        &mut self,
        r: &Resolution,
        proposal: Option<&Proposal>,
        doc: Option<&Document>,
        top: bool,
    ) {
        self.own_body = r.title_block.instrument.body.clone();
        let frbr = self.resolution_frbr(r, top);
        self.w.open(
            "statement",
            &[("name", uri::kind_name(r.title_block.instrument.kind).into())],
        );
        self.w.open("meta", &[]);
        self.identification(&frbr);
        if let Some(p) = proposal {
            self.active_modifications(p, r, &frbr);
        }
        if let Some(d) = doc {
            self.references(d);
            self.notes(&d.footnotes);
        }
        self.w.open("proprietary", &[("source", "#amend".into())]);
        if let Some(p) = proposal {
            self.proposal_proprietary(p);
        }
        self.resolution_proprietary(r);
        if let Some(d) = doc {
            self.document_findings(d);
        }
        self.w.close("proprietary");
        self.w.close("meta");
        if !r.front_matter.is_empty() {
            self.w.open("coverPage", &[]);
            self.blocks(&r.front_matter);
            self.w.close("coverPage");
        }
        self.preface(r);
        // Preamble sections before the first operative one go in the preamble.
        let split = r
            .sections
            .iter()
            .position(|s| s.kind != SectionKind::Preamble)
            .unwrap_or(r.sections.len());
        if r.enacting.is_some() || split > 0 {
            self.w.open("preamble", &[]);
            if let Some(e) = &r.enacting {
                self.w
                    .open("formula", &[("name", "enactingFormula".into())]);
                self.paragraph(&e.content, &[], false);
                self.w.close("formula");
            }
            for s in &r.sections[..split] {
                self.recitals(s);
            }
            self.w.close("preamble");
        }
        self.w.open("mainBody", &[]);
        if split == r.sections.len() {
            self.placeholder();
        }
        for s in &r.sections[split..] {
            self.hcontainer(s);
        }
        self.w.close("mainBody");
        if !r.annexes.is_empty() {
            self.attachments(&r.annexes, &frbr);
        }
        self.w.close("statement");
    }

    fn placeholder(&mut self) {
        self.w.empty("p", &[("amend:placeholder", "true".into())]);
    }

    fn preface(&mut self, r: &Resolution) {
        let tb = &r.title_block;
        self.w.open("preface", &[]);
        self.w.open_mixed("p", &[("class", "number".into())]);
        self.w.open_inline("docNumber", &[]);
        self.inline(&tb.number_line, false);
        self.w.end_tag("docNumber");
        self.w.end_tag("p");
        if !tb.title.is_empty() {
            self.w.open_mixed("p", &[("class", "title".into())]);
            self.w.open_inline("docTitle", &[]);
            self.inline(&tb.title, false);
            self.w.end_tag("docTitle");
            self.w.end_tag("p");
        }
        if let Some(h) = &tb.history {
            self.paragraph(&h.content, &[("class", "history".into())], false);
        }
        self.w.close("preface");
    }

    /// A preamble section: `recitals` of `recital`s, sub-items in a `blockList`.
    fn recitals(&mut self, s: &Section) {
        let mut attrs = self.id_attrs(&s.eid, &s.wid);
        mark_attrs(s.mark.as_deref(), &mut attrs);
        if s.items.is_empty() {
            // `recitals` needs a recital: an empty section is a container.
            attrs.push(("name", "preambleSection".into()));
            self.w.open("container", &attrs);
            self.paragraph(&s.heading, &[("class", "heading".into())], false);
            self.w.close("container");
            return;
        }
        self.w.open("recitals", &attrs);
        if !s.heading.is_empty() {
            self.heading("heading", &s.heading);
        }
        if let Some(t) = &s.title {
            self.heading("subheading", t);
        }
        for item in &s.items {
            self.block_item("recital", item);
        }
        self.w.close("recitals");
    }

    fn heading(&mut self, name: &str, content: &Content) {
        self.w.open_mixed(name, &[]);
        self.inline(content, false);
        self.w.end_tag(name);
    }

    /// An item as a `recital` or `item`: number, text, then sub-items in a `blockList`.
    fn block_item(&mut self, name: &str, item: &Item) {
        let mut attrs = self.id_attrs(&item.eid, &item.wid);
        mark_attrs(item.mark.as_deref(), &mut attrs);
        self.w.open(name, &attrs);
        if let Some(l) = &item.label {
            self.num(l);
        }
        self.paragraph(&item.content, &[], true);
        if !item.children.is_empty() {
            self.w.open("blockList", &[]);
            for child in &item.children {
                self.block_item("item", child);
            }
            self.w.close("blockList");
        }
        self.w.close(name);
    }

    /// An operative section or division as an `hcontainer` of `paragraph`s.
    fn hcontainer(&mut self, s: &Section) {
        let name = match s.kind {
            SectionKind::Preamble => "preamble",
            SectionKind::Operative => "operative",
            SectionKind::Division => "division",
        };
        let mut attrs = vec![("name", name.to_string())];
        attrs.extend(self.id_attrs(&s.eid, &s.wid));
        mark_attrs(s.mark.as_deref(), &mut attrs);
        self.w.open("hcontainer", &attrs);
        if !s.heading.is_empty() {
            self.heading("heading", &s.heading);
        }
        if let Some(t) = &s.title {
            self.heading("subheading", t);
        }
        for item in &s.items {
            self.hier_item("paragraph", item);
        }
        self.w.close("hcontainer");
    }

    fn hier_item(&mut self, name: &str, item: &Item) {
        let mut attrs = self.id_attrs(&item.eid, &item.wid);
        mark_attrs(item.mark.as_deref(), &mut attrs);
        self.w.open(name, &attrs);
        if let Some(l) = &item.label {
            self.num(l);
        }
        if item.children.is_empty() {
            self.w.open("content", &[]);
            self.paragraph(&item.content, &[], true);
            self.w.close("content");
        } else {
            self.w.open("intro", &[]);
            self.paragraph(&item.content, &[], true);
            self.w.close("intro");
            for child in &item.children {
                self.hier_item("subparagraph", child);
            }
        }
        self.w.close(name);
    }

    fn num(&mut self, label: &Label) {
        let mut attrs: Attrs = Vec::new();
        if let Some(v) = &label.value {
            attrs.push(("amend:scheme", scheme_name(v.scheme).into()));
            attrs.push((
                "amend:numbers",
                v.numbers
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join("."),
            ));
            attrs.push(("amend:punctuation", punct_name(v.punctuation).into()));
            if let Some(s) = &v.suffix {
                attrs.push(("amend:suffix", s.clone()));
            }
        }
        if label.suspect {
            attrs.push(("amend:suspect", "true".into()));
        }
        if let Some(r) = &label.suspect_reason {
            attrs.push(("amend:reason", r.clone()));
        }
        self.w.open_mixed("num", &attrs);
        self.inline(&label.written, false);
        self.w.end_tag("num");
    }

    fn attachments(&mut self, annexes: &[Annex], parent: &Frbr) {
        self.w.open("attachments", &[]);
        for (n, annex) in annexes.iter().enumerate() {
            let mut attrs: Attrs = Vec::new();
            if let Some(e) = self.eid(&annex.eid) {
                attrs.push(("eId", e));
            }
            self.w.open("attachment", &attrs);
            self.w.open("doc", &[("name", "annex".into())]);
            let local = if annex.eid.is_empty() {
                format!("att_{}", n + 1)
            } else {
                annex.eid.clone()
            };
            let frbr = Frbr {
                work: format!("{}/!{local}", parent.work),
                expression: format!("{}/!{local}", parent.expression),
                work_date: parent.work_date.clone(),
                expression_date: parent.expression_date.clone(),
                author: parent.author.clone(),
                country: parent.country,
                subtype: Some("annex".into()),
                number: None,
                name: None,
            };
            self.w.open("meta", &[]);
            self.identification(&frbr);
            self.w.close("meta");
            self.w.open("preface", &[]);
            self.paragraph(&annex.heading, &[("class", "heading".into())], false);
            self.w.close("preface");
            self.w.open("mainBody", &[]);
            if annex.blocks.is_empty() {
                self.placeholder();
            }
            self.blocks(&annex.blocks);
            self.w.close("mainBody");
            self.w.close("doc");
            self.w.close("attachment");
        }
        self.w.close("attachments");
    }

    fn active_modifications(&mut self, p: &Proposal, r: &Resolution, frbr: &Frbr) {
        let kind = match p.action {
            Action::Modify => "substitution",
            Action::Add => "insertion",
            Action::Suppress => "repeal",
            Action::NoChange => return,
        };
        let base_year = base_year(&r.title_block.number_line.rejected());
        let work = uri::work(
            p.instrument.body.as_deref(),
            p.instrument.kind,
            &p.instrument.number,
        );
        let destination = match p.action {
            Action::Add => work,
            _ => uri::expression(&work, &self.opts.language, base_year),
        };
        let mut attrs: Attrs = Vec::new();
        if let Some(e) = self.eid("mod_1") {
            attrs.push(("eId", e));
        }
        attrs.push(("type", kind.into()));
        let w = &mut self.w;
        w.open("analysis", &[("source", "#amend".into())]);
        w.open("activeModifications", &[]);
        w.open("textualMod", &attrs);
        w.empty("source", &[("href", frbr.expression.clone())]);
        w.empty("destination", &[("href", destination)]);
        w.close("textualMod");
        w.close("activeModifications");
        w.close("analysis");
    }

    fn proposal_proprietary(&mut self, p: &Proposal) {
        let mut a: Attrs = vec![
            ("action", p.action.as_str().into()),
            ("inferred", p.action_inferred.to_string()),
        ];
        if let Some(m) = &p.margin {
            a.push(("margin", m.clone()));
        }
        if let Some(s) = &p.source {
            a.push(("source", s.clone()));
        }
        if p.resolution.is_none() {
            a.push(("resolution", "none".into()));
        }
        self.w.open("amend:proposal", &a);
        self.w
            .empty("amend:instrument", &instrument_attrs(&p.instrument));
        self.w.close("amend:proposal");
    }

    fn contribution(&mut self, c: &Contribution, doc: &Document) {
        let body = c.proposals.first().and_then(|p| p.instrument.body.clone());
        let year = c
            .proposals
            .iter()
            .filter_map(|p| p.resolution.as_ref().and_then(revision_year))
            .max();
        let frbr = self.other_frbr("documentCollection", "contribution", body.as_deref(), year);
        // `Resolution 75` in the envelope is one of the assembly the proposals go to.
        self.own_body = body.clone();
        self.w
            .open("documentCollection", &[("name", "contribution".into())]);
        self.w.open("meta", &[]);
        self.identification(&frbr);
        self.references(doc);
        self.notes(&doc.footnotes);
        self.w.open("proprietary", &[("source", "#amend".into())]);
        let mut a: Attrs = Vec::new();
        if let Some(s) = &c.source {
            a.push(("source", s.clone()));
        }
        self.w.empty("amend:contribution", &a);
        self.document_findings(doc);
        self.w.close("proprietary");
        self.w.close("meta");
        self.w.open("collectionBody", &[]);
        let mut n = 0;
        let mut component = |e: &mut Self| {
            n += 1;
            e.prefix.clear();
            let id = e.eid(&format!("cmp_{n}")).unwrap_or_default();
            e.w.open("component", &[("eId", id.clone())]);
            e.prefix = format!("{id}__");
        };
        component(self);
        self.envelope_doc("envelope", &c.envelope, &frbr);
        self.w.close("component");
        for p in &c.proposals {
            component(self);
            match &p.resolution {
                Some(r) => self.statement(r, Some(p), None, false),
                None => self.empty_statement(p),
            }
            self.w.close("component");
        }
        if !c.trailer.is_empty() {
            self.own_body = body.clone();
            component(self);
            self.envelope_doc("trailer", &c.trailer, &frbr);
            self.w.close("component");
        }
        self.prefix.clear();
        self.w.close("collectionBody");
        self.w.close("documentCollection");
    }

    /// A proposal without the text of its resolution (a SUP, say).
    fn empty_statement(&mut self, p: &Proposal) {
        let i = &p.instrument;
        let work = uri::work(i.body.as_deref(), i.kind, &i.number);
        let frbr = Frbr {
            expression: uri::expression(&work, &self.opts.language, None),
            work,
            work_date: year_date(None),
            expression_date: year_date(None),
            author: uri::author(i.body.as_deref()),
            country: uri::country(i.body.as_deref()),
            subtype: Some(uri::kind_name(i.kind).into()),
            number: (!i.number.is_empty()).then(|| i.number.clone()),
            name: None,
        };
        self.w
            .open("statement", &[("name", uri::kind_name(i.kind).into())]);
        self.w.open("meta", &[]);
        self.identification(&frbr);
        let stub = Resolution {
            front_matter: Vec::new(),
            title_block: amend_model::TitleBlock {
                number_line: Content::new(),
                instrument: i.clone(),
                revision: None,
                title: Content::new(),
                history: None,
                span: Default::default(),
            },
            enacting: None,
            sections: Vec::new(),
            annexes: Vec::new(),
            span: Default::default(),
        };
        self.active_modifications(p, &stub, &frbr);
        self.w.open("proprietary", &[("source", "#amend".into())]);
        self.proposal_proprietary(p);
        self.w.close("proprietary");
        self.w.close("meta");
        self.w.open("mainBody", &[]);
        self.placeholder();
        self.w.close("mainBody");
        self.w.close("statement");
    }

    fn envelope_doc(&mut self, name: &str, parts: &[EnvelopePart], parent: &Frbr) {
        self.w.open("doc", &[("name", name.to_string())]);
        let frbr = Frbr {
            work: format!("{}/!{name}", parent.work),
            expression: format!("{}/!{name}", parent.expression),
            work_date: parent.work_date.clone(),
            expression_date: parent.expression_date.clone(),
            author: parent.author.clone(),
            country: parent.country,
            subtype: None,
            number: None,
            name: None,
        };
        self.w.open("meta", &[]);
        self.identification(&frbr);
        self.w.close("meta");
        self.w.open("mainBody", &[]);
        if parts.is_empty() {
            self.placeholder();
        }
        for part in parts {
            self.w.open(
                "hcontainer",
                &[
                    ("name", part_name(part.kind).into()),
                    ("amend:part", part_name(part.kind).into()),
                ],
            );
            if let Some(h) = &part.heading {
                self.heading("heading", h);
            }
            self.w.open("content", &[]);
            for p in &part.paragraphs {
                self.paragraph(p, &[], true);
            }
            self.w.close("content");
            self.w.close("hcontainer");
        }
        self.w.close("mainBody");
        self.w.close("doc");
    }

    fn collection(&mut self, c: &Collection, doc: &Document) {
        let body = c
            .resolutions
            .first()
            .and_then(|r| r.title_block.instrument.body.clone());
        let year = c.resolutions.iter().filter_map(revision_year).max();
        let frbr = self.other_frbr("documentCollection", "collection", body.as_deref(), year);
        self.own_body = body.clone();
        self.w
            .open("documentCollection", &[("name", "collection".into())]);
        self.w.open("meta", &[]);
        self.identification(&frbr);
        self.references(doc);
        self.notes(&doc.footnotes);
        self.w.open("proprietary", &[("source", "#amend".into())]);
        self.w.empty("amend:collection", &[]);
        self.document_findings(doc);
        self.w.close("proprietary");
        self.w.close("meta");
        if !c.front_matter.is_empty() {
            self.w.open("coverPage", &[]);
            self.blocks(&c.front_matter);
            self.w.close("coverPage");
        }
        self.w.open("collectionBody", &[]);
        for (n, r) in c.resolutions.iter().enumerate() {
            self.prefix.clear();
            let id = self.eid(&format!("cmp_{}", n + 1)).unwrap_or_default();
            self.w.open("component", &[("eId", id.clone())]);
            self.prefix = format!("{id}__");
            self.statement(r, None, None, false);
            self.w.close("component");
        }
        if c.resolutions.is_empty() {
            // A collection body needs a component.
            self.w.open("component", &[("eId", "cmp_1".into())]);
            self.w.open("doc", &[("name", "empty".into())]);
            self.w.open("meta", &[]);
            self.identification(&frbr);
            self.w.close("meta");
            self.w.open("mainBody", &[]);
            self.placeholder();
            self.w.close("mainBody");
            self.w.close("doc");
            self.w.close("component");
        }
        self.prefix.clear();
        self.w.close("collectionBody");
        self.w.close("documentCollection");
    }

    fn generic(&mut self, g: &Generic, doc: &Document) {
        let frbr = self.other_frbr("doc", "document", None, None);
        self.w.open("doc", &[("name", "document".into())]);
        self.w.open("meta", &[]);
        self.identification(&frbr);
        self.references(doc);
        self.notes(&doc.footnotes);
        self.w.open("proprietary", &[("source", "#amend".into())]);
        self.w.empty("amend:generic", &[]);
        self.document_findings(doc);
        self.w.close("proprietary");
        self.w.close("meta");
        self.w.open("mainBody", &[]);
        if g.blocks.is_empty() {
            self.placeholder();
        }
        self.blocks(&g.blocks);
        self.w.close("mainBody");
        self.w.close("doc");
    }

    // -----------------------------------------------------------------------
    // Blocks and inline content

    fn blocks(&mut self, blocks: &[Block]) {
        let mut i = 0;
        while i < blocks.len() {
            match &blocks[i] {
                Block::Heading { level, content, .. } => {
                    let attrs = [
                        ("class", "heading".to_string()),
                        ("amend:level", level.to_string()),
                    ];
                    self.paragraph(content, &attrs, false);
                }
                Block::Paragraph { content, mark, .. } => {
                    let mut attrs: Attrs = Vec::new();
                    mark_attrs(mark.as_deref(), &mut attrs);
                    self.paragraph(content, &attrs, true);
                }
                Block::ListItem { .. } => {
                    self.w.open("blockList", &[]);
                    while let Some(Block::ListItem { label, content, .. }) = blocks.get(i) {
                        self.w.open("item", &[]);
                        self.num(label);
                        self.paragraph(content, &[], true);
                        self.w.close("item");
                        i += 1;
                    }
                    self.w.close("blockList");
                    continue;
                }
                Block::Table { rows, .. } => {
                    if rows.is_empty() {
                        self.w.open("table", &[("amend:empty", "true".into())]);
                        self.w.open("tr", &[]);
                        self.w.empty("td", &[]);
                        self.w.close("tr");
                        self.w.close("table");
                    } else {
                        self.w.open("table", &[]);
                        for row in rows {
                            self.w.open("tr", &[]);
                            if row.is_empty() {
                                self.w.empty("td", &[("amend:placeholder", "true".into())]);
                            }
                            for cell in row {
                                self.w.open("td", &[]);
                                self.paragraph(cell, &[], true);
                                self.w.close("td");
                            }
                            self.w.close("tr");
                        }
                        self.w.close("table");
                    }
                }
            }
            i += 1;
        }
    }

    fn paragraph(&mut self, content: &Content, attrs: &[(&'static str, String)], cite: bool) {
        self.w.open_mixed("p", attrs);
        self.inline(content, cite);
        self.w.end_tag("p");
    }

    /// Writes spans as text, `<ins>`, `<del>` or `<span>`, inside `<ref>`s where a
    /// citation covers them.
    fn inline(&mut self, content: &Content, cite: bool) {
        let whole: String = content.spans.iter().map(|s| s.text.as_str()).collect();
        let citations = if cite && self.opts.citations {
            cite::find(&whole, self.own_body.as_deref(), &self.opts.language)
        } else {
            Vec::new()
        };
        let mut next_cite = citations.iter().peekable();
        let mut open_ref: Option<usize> = None;
        let mut offset = 0;
        for span in &content.spans {
            let mut pos = 0;
            while pos < span.text.len() {
                let at = offset + pos;
                if open_ref.is_none()
                    && let Some(c) = next_cite.peek()
                    && c.start <= at
                {
                    self.w.open_inline("ref", &[("href", c.href.clone())]);
                    open_ref = Some(c.end);
                    next_cite.next();
                }
                // The piece runs to the span's end, the ref's end or the next ref's start.
                let mut end = offset + span.text.len();
                if let Some(e) = open_ref {
                    end = end.min(e);
                } else if let Some(c) = next_cite.peek() {
                    end = end.min(c.start.max(at + 1));
                }
                let mut cut = end - offset;
                while !span.text.is_char_boundary(cut) {
                    cut += 1;
                }
                let piece = &span.text[pos..cut];
                match &span.change {
                    None => self.w.text(piece),
                    Some(c) => {
                        let (name, attrs) = change_element(c);
                        self.w.open_inline(name, &attrs);
                        self.w.text(piece);
                        self.w.end_tag(name);
                    }
                }
                pos = cut;
                if open_ref.is_some_and(|e| e <= offset + pos) {
                    self.w.end_tag("ref");
                    open_ref = None;
                }
            }
            offset += span.text.len();
        }
        if open_ref.is_some() {
            self.w.end_tag("ref");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_iso_dates_are_used() {
        assert!(is_iso_date("2016-11-03"));
        assert!(!is_iso_date("3 November 2016"));
        assert!(!is_iso_date("2016-13-01"));
    }

    #[test]
    fn base_year_takes_the_old_stamp() {
        assert_eq!(base_year("RESOLUTION 75 (Rev. Dubai, 2012)"), Some(2012));
        assert_eq!(
            base_year("RESOLUTION 75 (Rev. Dubai, 2012Hammamet, 2016)"),
            Some(2012)
        );
        assert_eq!(base_year("RESOLUTION 75"), None);
    }
}
