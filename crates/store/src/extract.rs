//! From a parsed document to the rows the store writes: the instruments it holds or
//! proposes to change, their revision, the contribution's source, meeting and number,
//! the citations it makes, and the text to index. Pure, so it runs in parallel before
//! the single writer.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use amend_model::{Block, Body, Content, Document, Resolution, View};
use regex::Regex;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// An instrument's identity: body (empty when unknown), kind and number.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct InstrumentKey {
    pub body: String,
    pub kind: String,
    pub number: String,
}

impl InstrumentKey {
    pub fn new(body: &str, kind: &str, number: &str) -> Self {
        Self {
            body: body.to_string(),
            kind: kind.to_string(),
            number: number.to_string(),
        }
    }

    fn of(instrument: &amend_model::Instrument) -> Self {
        let kind = serde_json::to_value(instrument.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "resolution".into());
        Self {
            body: instrument.body.clone().unwrap_or_default(),
            kind,
            number: normalise_number(&instrument.number),
        }
    }
}

/// A version of an instrument found in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVersion {
    pub instrument: InstrumentKey,
    pub position: i64,
    pub revision: Option<String>,
    pub place: Option<String>,
    pub year: Option<i64>,
    pub title: String,
    pub text: String,
    pub items: i64,
}

/// A proposal of a contribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProposal {
    pub instrument: InstrumentKey,
    pub position: i64,
    pub action: String,
    pub action_inferred: bool,
    pub margin: Option<String>,
    pub source: Option<String>,
    pub title: String,
    pub text: String,
}

/// A citation of an instrument made by the document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct NewCitation {
    pub cited: InstrumentKey,
    /// The instrument whose text makes the citation.
    pub from: Option<InstrumentKey>,
    pub revision: Option<String>,
    pub place: Option<String>,
    pub year: Option<i64>,
    pub as_written: String,
}

/// Everything the store writes for one imported file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocument {
    pub sha256: String,
    pub file_name: String,
    /// The reader used: `text`, `md`, `docx`, `akn`...
    pub format: String,
    pub kind: String,
    pub title: String,
    pub body: Option<String>,
    pub source: Option<String>,
    pub meeting: Option<String>,
    pub doc_number: Option<String>,
    pub bytes: Vec<u8>,
    /// The text as written (both sides of every change).
    pub text: String,
    pub parsed_json: String,
    pub versions: Vec<NewVersion>,
    pub proposals: Vec<NewProposal>,
    pub citations: Vec<NewCitation>,
    /// The group the document is restricted to (`None`: public). The importer must
    /// belong to it.
    pub restricted_to: Option<i64>,
    /// Who imports it (recorded in the audit log); the system by default.
    pub actor: crate::Actor,
}

/// The SHA-256 of `bytes` in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Prepares `doc`, read from `bytes` (whose text is `source_text`) with the `format`
/// reader, for [`crate::Store::import`].
pub fn prepare(
    file_name: &str,
    format: &str,
    bytes: &[u8],
    source_text: &str,
    doc: &Document,
) -> NewDocument {
    let text = amend_text::write_text(doc, None);
    let parsed_json = amend_text::to_json(
        doc,
        amend_text::JsonOptions {
            source: (!source_text.is_empty()).then_some(source_text),
        },
    )
    .to_string();
    let mut out = NewDocument {
        sha256: sha256_hex(bytes),
        file_name: file_name.to_string(),
        format: format.to_string(),
        kind: doc.kind().to_string(),
        title: String::new(),
        body: None,
        source: None,
        meeting: None,
        doc_number: None,
        bytes: bytes.to_vec(),
        text,
        parsed_json,
        versions: Vec::new(),
        proposals: Vec::new(),
        citations: Vec::new(),
        restricted_to: None,
        actor: crate::Actor::default(),
    };
    match &doc.body {
        Body::Resolution(r) => {
            let v = version(r, 0);
            out.title = resolution_title(r);
            out.body = non_empty(&v.instrument.body);
            out.meeting = meeting_of(r);
            out.citations = citations(&v.text, Some(&v.instrument));
            out.versions.push(v);
        }
        Body::Collection(c) => {
            for (i, r) in c.resolutions.iter().enumerate() {
                let v = version(r, i as i64);
                out.citations
                    .extend(citations(&v.text, Some(&v.instrument)));
                if out.body.is_none() {
                    out.body = non_empty(&v.instrument.body);
                    out.meeting = meeting_of(r);
                }
                out.versions.push(v);
            }
            out.title = blocks_title(&c.front_matter)
                .unwrap_or_else(|| format!("Collection of {} resolutions", c.resolutions.len()));
        }
        Body::Contribution(c) => {
            out.source = c.source.clone();
            let envelope: String = c
                .envelope
                .iter()
                .chain(&c.trailer)
                .flat_map(|p| p.heading.iter().chain(&p.paragraphs))
                .map(|p| p.accepted() + "\n")
                .collect();
            out.doc_number = DOC_NUMBER.captures(&envelope).map(|c| c[1].to_string());
            out.meeting = MEETING_TOKEN
                .captures(&envelope)
                .map(|c| c[0].replace(' ', "-"));
            for (i, p) in c.proposals.iter().enumerate() {
                let key = InstrumentKey::of(&p.instrument);
                let (title, text) = match &p.resolution {
                    Some(r) => (resolution_title(r), resolution_text(r)),
                    None => (String::new(), String::new()),
                };
                if out.meeting.is_none() {
                    out.meeting = p.resolution.as_ref().and_then(meeting_of);
                }
                if out.body.is_none() {
                    out.body = non_empty(&key.body);
                }
                out.citations.extend(citations(&text, Some(&key)));
                out.proposals.push(NewProposal {
                    instrument: key,
                    position: i as i64,
                    action: p.action.as_str().to_string(),
                    action_inferred: p.action_inferred,
                    margin: p.margin.clone(),
                    source: p.source.clone().or_else(|| c.source.clone()),
                    title,
                    text,
                });
            }
            out.citations.extend(citations(&envelope, None));
            let title = c
                .envelope
                .iter()
                .find(|p| p.kind == amend_model::PartKind::Title)
                .and_then(|p| p.paragraphs.first())
                .map(Content::accepted)
                .filter(|t| !t.trim().is_empty());
            out.title = title.unwrap_or_else(|| {
                let what = c
                    .proposals
                    .iter()
                    .map(|p| {
                        format!(
                            "{} {}",
                            p.action.as_str(),
                            label(&InstrumentKey::of(&p.instrument))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                match (&c.source, what.is_empty()) {
                    (Some(s), false) => format!("{s}: {what}"),
                    (Some(s), true) => format!("Contribution from {s}"),
                    (None, false) => format!("Proposal: {what}"),
                    (None, true) => file_name.to_string(),
                }
            });
        }
        Body::Generic(g) => {
            out.title = blocks_title(&g.blocks).unwrap_or_else(|| file_name.to_string());
            out.citations = citations(&out.text, None);
        }
    }
    out.title = one_line(&out.title, 200);
    if out.title.is_empty() {
        out.title = file_name.to_string();
    }
    out.citations.sort();
    out.citations
        .dedup_by(|a, b| a.cited == b.cited && a.revision == b.revision && a.from == b.from);
    out
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn one_line(s: &str, max: usize) -> String {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() <= max {
        joined
    } else {
        let cut: String = joined.chars().take(max).collect();
        format!("{cut}…")
    }
}

/// `WTSA Resolution 75`.
fn label(key: &InstrumentKey) -> String {
    let mut kind = key.kind.clone();
    if let Some(first) = kind.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    if key.body.is_empty() {
        format!("{kind} {}", key.number)
    } else {
        format!("{} {kind} {}", key.body, key.number)
    }
}

fn resolution_title(r: &Resolution) -> String {
    let number = r.title_block.number_line.accepted();
    let title = r.title_block.title.accepted();
    let number = one_line(&number, 120);
    let title = one_line(&title, 160);
    match (number.is_empty(), title.is_empty()) {
        (false, false) => format!("{number}: {title}"),
        (false, true) => number,
        (true, _) => title,
    }
}

fn resolution_text(r: &Resolution) -> String {
    amend_text::write_text(&Document::new(Body::Resolution(r.clone())), None)
}

fn version(r: &Resolution, position: i64) -> NewVersion {
    let tb = &r.title_block;
    let (revision, place, year) = match &tb.revision {
        Some(rev) => {
            // A flattened stamp (`Dubai, 2012Hammamet, 2016`) names the new meeting last.
            let (place, year) =
                last_stamp(&rev.as_written).unwrap_or((rev.place.clone(), rev.year.map(i64::from)));
            (Some(rev.as_written.clone()), place, year)
        }
        None => {
            let first = tb.history.as_ref().and_then(|h| h.meetings.first());
            (
                None,
                first.map(|m| m.place.clone()),
                first.and_then(|m| m.year.map(i64::from)),
            )
        }
    };
    NewVersion {
        instrument: InstrumentKey::of(&tb.instrument),
        position,
        revision,
        place,
        year,
        title: one_line(&tb.title.accepted(), 300),
        text: resolution_text(r),
        items: r.items().count() as i64,
    }
}

/// The meeting a resolution was adopted or revised at: `Hammamet, 2016`.
fn meeting_of(r: &Resolution) -> Option<String> {
    let from_revision = r
        .title_block
        .revision
        .as_ref()
        .and_then(|rev| last_stamp(&rev.as_written));
    let from_enacting = r
        .enacting
        .as_ref()
        .and_then(|e| e.meeting.as_ref())
        .map(|m| (Some(m.place.clone()), m.year.map(i64::from)));
    let from_history = r
        .title_block
        .history
        .as_ref()
        .and_then(|h| h.meetings.last())
        .map(|m| (Some(m.place.clone()), m.year.map(i64::from)));
    match from_revision.or(from_enacting).or(from_history)? {
        (Some(place), Some(year)) => Some(format!("{place}, {year}")),
        (None, Some(year)) => Some(year.to_string()),
        (Some(place), None) => Some(place),
        (None, None) => None,
    }
}

static STAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(\p{Lu}[\p{L}'’.\-]*(?:[ \u{a0}](?:el-|del |de )?\p{Lu}[\p{L}'’.\-]*)*)\s*,?\s*)?((?:19|20)\d\d)")
        .expect("stamp pattern")
});

/// The last `Place, Year` of a stamp.
fn last_stamp(text: &str) -> Option<(Option<String>, Option<i64>)> {
    let caps = STAMP.captures_iter(text).last()?;
    let place = caps
        .get(1)
        .map(|m| {
            m.as_str()
                .trim()
                .trim_start_matches("Rev.")
                .trim()
                .to_string()
        })
        .filter(|p| !p.is_empty() && p != "Rev");
    Some((place, caps[2].parse().ok()))
}

static DOC_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:Document|Doc\.)\s+((?:[A-Z]+/)?\d+(?:\([^)]*\))?(?:-[A-Z])?)\b")
        .expect("document number pattern")
});
static MEETING_TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:WTSA|WTDC|PP|RA|WRC|WCIT)[- ]\d{2}\b").expect("meeting pattern")
});

static CITATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?P<pre>\b(?:Council|UNGA|UN\s+General\s+Assembly|General\s+Assembly|Plenipotentiary|PP|WTSA|WTDC|RA)\s+)?
        \b(?P<kind>Resolution|Decision|Recommendation)\s+
        (?P<num>(?:ITU[-\u{2011}]?[RTD]\s+)?(?:A/RES/|A/)?\d{1,4}(?:/\d{1,4})?)\b
        (?:\s*\((?P<rev>[^()]{1,80})\))?
        (?P<post>\s+of\s+(?:the\s+)?(?:this\s+Assembly|this\s+Conference|Plenipotentiary\s+Conference|World\s+Telecommunication\s+Development\s+Conference|World\s+Telecommunication\s+Standardization\s+Assembly|Radiocommunication\s+Assembly|\d{4}\s+session\s+of\s+the\s+ITU\s+Council|ITU\s+Council|Council|(?:UN\s+)?General\s+Assembly))?",
    )
    .expect("citation pattern")
});

fn normalise_number(number: &str) -> String {
    let n = number.replace('\u{2011}', "-");
    let n = n.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = n.trim_start_matches("A/RES/").trim_start_matches("A/");
    let n = n.replace("ITUR ", "ITU-R ").replace("ITUT ", "ITU-T ");
    n.replace("ITUD ", "ITU-D ")
}

/// The citations of instruments in `text`, made from the instrument `own` (whose body
/// `of this Assembly` means).
pub(crate) fn citations(text: &str, own: Option<&InstrumentKey>) -> Vec<NewCitation> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for caps in CITATION.captures_iter(text) {
        let number_raw = &caps["num"];
        let number = normalise_number(number_raw);
        let kind = caps["kind"].to_ascii_lowercase();
        let pre = caps.name("pre").map(|m| m.as_str().trim()).unwrap_or("");
        let post = caps.name("post").map(|m| m.as_str()).unwrap_or("");
        let body = if pre == "Council" || post.contains("Council") {
            "Council"
        } else if pre.contains("General Assembly")
            || pre == "UNGA"
            || post.contains("General Assembly")
            || number_raw.starts_with("A/")
            || number.contains('/')
        {
            "UNGA"
        } else if pre == "Plenipotentiary" || pre == "PP" || post.contains("Plenipotentiary") {
            "PP"
        } else if pre == "WTDC" || post.contains("Development Conference") {
            "WTDC"
        } else if pre == "WTSA" || post.contains("Standardization Assembly") {
            "WTSA"
        } else if pre == "RA" || post.contains("Radiocommunication") || number.starts_with("ITU-R")
        {
            "RA"
        } else if post.contains("this") {
            own.map(|k| k.body.as_str()).unwrap_or("")
        } else {
            ""
        };
        let cited = InstrumentKey::new(body, &kind, &number);
        if let Some(own) = own
            && own.kind == cited.kind
            && own.number == cited.number
        {
            continue;
        }
        let revision = caps.name("rev").map(|m| m.as_str().trim().to_string());
        let (place, year) = revision
            .as_deref()
            .and_then(last_stamp)
            .unwrap_or((None, None));
        if revision.is_some() && year.is_none() {
            // A parenthesis that is not a revision stamp: `Resolution 75 (see above)`.
            continue;
        }
        if !seen.insert((cited.clone(), revision.clone())) {
            continue;
        }
        out.push(NewCitation {
            cited,
            from: own.cloned(),
            revision,
            place,
            year,
            as_written: caps[0].split_whitespace().collect::<Vec<_>>().join(" "),
        });
    }
    out
}

fn blocks_title(blocks: &[Block]) -> Option<String> {
    let text_of = |content: &Content| content.view(View::Accepted);
    blocks
        .iter()
        .find_map(|b| match b {
            Block::Heading { content, .. } => Some(text_of(content)),
            _ => None,
        })
        .or_else(|| {
            blocks.iter().find_map(|b| match b {
                Block::Paragraph { content, .. } => Some(text_of(content)),
                _ => None,
            })
        })
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citations_name_body_number_and_revision() {
        let own = InstrumentKey::new("WTSA", "resolution", "75");
        let text = "Resolution 140 (Rev. Busan, 2014) of the Plenipotentiary Conference; \
            Council Resolution 1332 (Rev. 2016); UNGA Resolution A/70/125; \
            Resolution 44 (Rev. Dubai, 2012) of this Assembly; Resolution ITU-R 61 (Geneva, 2015); \
            Resolution 75 (Rev. Dubai, 2012)";
        let found = citations(text, Some(&own));
        let keys: Vec<_> = found
            .iter()
            .map(|c| (c.cited.body.as_str(), c.cited.number.as_str(), c.year))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("PP", "140", Some(2014)),
                ("Council", "1332", Some(2016)),
                ("UNGA", "70/125", None),
                ("WTSA", "44", Some(2012)),
                ("RA", "ITU-R 61", Some(2015)),
            ]
        );
        assert_eq!(found[0].place.as_deref(), Some("Busan"));
    }

    #[test]
    fn flattened_stamps_name_the_new_meeting() {
        assert_eq!(
            last_stamp("Rev. Dubai, 2012Hammamet, 2016"),
            Some((Some("Hammamet".into()), Some(2016)))
        );
        assert_eq!(last_stamp("Rev. 2016"), Some((None, Some(2016))));
    }
}
