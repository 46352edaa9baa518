//! Citations of other instruments: parsed into instrument and revision, malformed ones
//! flagged, and judged against the registry at the document's own meeting date (stale
//! revisions, a missing `Rev.`, titles that do not match the cited revision).

use std::sync::LazyLock;

use amend_model::{Document, Resolution, SourceSpan};
use regex::Regex;

use crate::registry::Registry;
use crate::text::{FlatText, Role};
use crate::{Diagnostic, Edit, Fix};

static CITATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?P<pre>(?-u:\b)(?:Council|UNGA|UN\s+General\s+Assembly|Plenipotentiary|PP|WTSA|WTDC|RA)\s+)?
        (?-u:\b)(?P<kind>Resolution|Decision)\s+
        (?P<num>(?:ITU[-\u{2011}][RTD]\s+)?(?:A/RES/|A/)?\d{1,4}(?:/\d{1,4})?)(?-u:\b)
        (?:\s*\((?P<rev>[^()]*)\))?
        (?P<post>\s+of\s+(?:the\s+)?(?:this\s+Assembly|Plenipotentiary\s+Conference|World\s+Telecommunication\s+Development\s+Conference|World\s+Telecommunication\s+Standardization\s+Assembly|Radiocommunication\s+Assembly|\d{4}\s+session\s+of\s+the\s+ITU\s+Council|ITU\s+Council|Council|(?:UN\s+)?General\s+Assembly))?",
    )
    .expect("citation pattern")
});
static UN_SYMBOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)A/RES/(\d{1,3}/\d{1,4})(?-u:\b)").expect("UN symbol pattern")
});
static STAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(\p{Lu}[\p{L}'’.\-]*(?:\s(?:el-|del\s|de\s)?\p{Lu}[\p{L}'’.\-]*)*)\s*(,?)\s*)?((?:19|20)\d\d)")
        .expect("stamp pattern")
});
static WELL_FORMED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Rev\.\s*)?(?:\p{Lu}[\p{L}'’.\-]*(?:\s(?:el-|del\s|de\s)?\p{Lu}[\p{L}'’.\-]*)*,\s*)?(?:19|20)\d\d$")
        .expect("well-formed revision pattern")
});
static GLUED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d\d\d\d\p{Lu}|(?:19|20)\d\d\s+(?:19|20)\d\d").expect("glue"));
static YEAR_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:19|20)\d\d)\s*[-–‑]\s*((?:19|20)\d\d)").expect("year range pattern")
});

/// A parsed citation of an instrument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// `PP`, `WTSA`, `Council`... when the citation or its stamp says.
    pub body: Option<String>,
    /// `resolution` or `decision`.
    pub kind: String,
    pub number: String,
    /// The parenthesis as written (`Rev. Busan, 2014`).
    pub revision: Option<String>,
    /// Whether the revision says `Rev.`.
    pub has_rev: bool,
    /// The (last) meeting of the revision.
    pub place: Option<String>,
    pub year: Option<u16>,
    /// Byte ranges in the text: the whole citation and its revision.
    pub range: (usize, usize),
    pub revision_range: Option<(usize, usize)>,
}

/// Every citation in `text`, with `this_body` the body meant by `of this Assembly`.
pub fn parse_citations(text: &str, this_body: Option<&str>, registry: &Registry) -> Vec<Citation> {
    let mut out = Vec::new();
    for caps in CITATION.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        let number = caps["num"].replace('\u{2011}', "-");
        let number = number.split_whitespace().collect::<Vec<_>>().join(" ");
        let kind = caps["kind"].to_ascii_lowercase();
        let rev = caps.name("rev");
        let (has_rev, place, year) = match rev {
            Some(r) => {
                let t = r.as_str().trim();
                let last = STAMP.captures_iter(t).last();
                let place = last
                    .as_ref()
                    .and_then(|c| c.get(1))
                    .map(|m| m.as_str().trim().to_string());
                let year = last.as_ref().and_then(|c| c[3].parse().ok());
                (t.starts_with("Rev."), place, year)
            }
            None => (false, None, None),
        };
        // A parenthesis without a year is not a revision (`(WTDC)`).
        let rev = rev.filter(|_| year.is_some());
        let pre = caps.name("pre").map(|m| m.as_str().trim().to_string());
        let post = caps.name("post").map(|m| m.as_str().to_string());
        let body = body_of(pre.as_deref(), &number, post.as_deref(), this_body).or_else(|| {
            registry
                .body_of_meeting(place.as_deref()?, year?)
                .map(String::from)
        });
        out.push(Citation {
            body,
            kind,
            number,
            revision: rev.map(|r| r.as_str().trim().to_string()),
            has_rev,
            place: place.filter(|_| rev.is_some()),
            year: year.filter(|_| rev.is_some()),
            range: (whole.start(), whole.end()),
            revision_range: rev.map(|r| (r.start(), r.end())),
        });
    }
    for caps in UN_SYMBOL.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        if out
            .iter()
            .any(|c| c.range.0 <= whole.start() && whole.end() <= c.range.1)
        {
            continue;
        }
        out.push(Citation {
            body: Some("UNGA".into()),
            kind: "resolution".into(),
            number: caps[1].to_string(),
            revision: None,
            has_rev: false,
            place: None,
            year: None,
            range: (whole.start(), whole.end()),
            revision_range: None,
        });
    }
    out
}

fn body_of(
    pre: Option<&str>,
    number: &str,
    post: Option<&str>,
    this_body: Option<&str>,
) -> Option<String> {
    if let Some(p) = pre {
        let b = match p {
            "Council" => "Council",
            "Plenipotentiary" | "PP" => "PP",
            "WTSA" => "WTSA",
            "WTDC" => "WTDC",
            "RA" => "RA",
            _ => "UNGA",
        };
        return Some(b.into());
    }
    if number.starts_with("ITU-R") {
        return Some("RA".into());
    }
    if number.contains('/') {
        return Some("UNGA".into());
    }
    let post = post?;
    let b = if post.contains("this Assembly") {
        return this_body.map(String::from);
    } else if post.contains("Plenipotentiary") {
        "PP"
    } else if post.contains("Development") {
        "WTDC"
    } else if post.contains("Standardization") {
        "WTSA"
    } else if post.contains("Radiocommunication") {
        "RA"
    } else if post.contains("Council") {
        "Council"
    } else {
        "UNGA"
    };
    Some(b.into())
}

/// The meeting a resolution belongs to: its revision, else its enacting formula, else
/// its history line.
fn meeting_of(r: &Resolution) -> (Option<String>, Option<u16>) {
    if let Some(rev) = &r.title_block.revision
        && rev.year.is_some()
    {
        return (rev.place.clone(), rev.year);
    }
    if let Some(m) = r.enacting.as_ref().and_then(|e| e.meeting.as_ref())
        && m.year.is_some()
    {
        return (Some(m.place.clone()), m.year);
    }
    match r
        .title_block
        .history
        .as_ref()
        .and_then(|h| h.meetings.last())
    {
        Some(m) => (Some(m.place.clone()), m.year),
        None => (None, None),
    }
}

fn body_of_resolution(r: &Resolution) -> Option<String> {
    r.title_block.instrument.body.clone()
}

pub fn check(doc: &Document, texts: &[FlatText], registry: &Registry, out: &mut Vec<Diagnostic>) {
    let resolutions = doc.resolutions();
    for t in texts {
        if matches!(
            t.role,
            Role::Label | Role::NumberLine | Role::History | Role::Enacting
        ) {
            continue;
        }
        let at = t.whole().start;
        // Resolutions are in document order: the last one starting at or before `at`.
        let n = resolutions.partition_point(|r| r.span.start <= at);
        let r = n
            .checked_sub(1)
            .and_then(|i| resolutions.get(i))
            .or(resolutions.first());
        let (doc_place, doc_year) = r.map(|r| meeting_of(r)).unwrap_or((None, None));
        let this_body = r.and_then(|r| body_of_resolution(r));
        if !(t.text.contains("Resolution")
            || t.text.contains("Decision")
            || t.text.contains("A/RES/"))
        {
            continue;
        }
        for c in parse_citations(&t.text, this_body.as_deref(), registry) {
            judge(t, &c, registry, doc_place.as_deref(), doc_year, out);
        }
    }
}

fn judge(
    t: &FlatText,
    c: &Citation,
    registry: &Registry,
    doc_place: Option<&str>,
    doc_year: Option<u16>,
    out: &mut Vec<Diagnostic>,
) {
    let span = t.span(c.range.0, c.range.1);
    let name = &t.text[c.range.0..c.range.1];
    let rev_span = c.revision_range.map(|(s, e)| t.span(s, e));
    let rev_text = c.revision.as_deref().unwrap_or("");
    // Malformed revisions (run-together stamps are reported by the flattening checks).
    if let Some(rs) = rev_span
        && !WELL_FORMED.is_match(rev_text)
        && !GLUED.is_match(rev_text)
    {
        let stamps = STAMP.captures_iter(rev_text).count();
        let why = if stamps > 1 {
            "two meetings in one revision without `;` or `Rev.` between them"
        } else {
            "a revision is written `(Rev. Place, Year)`"
        };
        out.push(
            Diagnostic::warning(
                "citation/malformed",
                rs,
                format!("malformed revision `({rev_text})`: {why}"),
            )
            .with_label("malformed revision")
            .with_secondary(span, "in this citation"),
        );
    }
    let Some(body) = &c.body else { return };
    let known = registry.revisions_of(body, &c.kind, &c.number);
    if known.is_empty() {
        return;
    }
    // What was known at the document's own meeting (its own revisions excluded).
    let known_then: Vec<_> = known
        .iter()
        .filter(|r| match doc_year {
            Some(y) => {
                r.year < y
                    || (r.year == y
                        && !(r.place.is_some()
                            && doc_place.is_some_and(|p| {
                                r.place
                                    .as_deref()
                                    .is_some_and(|rp| rp.eq_ignore_ascii_case(p))
                            })))
            }
            None => true,
        })
        .collect();
    let Some(year) = c.year else { return };
    // `Resolution 102 (Busan 2014)` when 102 was adopted before 2014.
    if !c.has_rev
        && let Some(rs) = rev_span
        && known.iter().any(|r| r.year < year)
        && !GLUED.is_match(rev_text)
    {
        let first = known.first().expect("known");
        out.push(
            Diagnostic::warning(
                "citation/missing-rev",
                rs,
                format!(
                    "`{name}` cites a revision without `Rev.`: {} {} was first adopted in {}",
                    capitalized(&c.kind),
                    c.number,
                    show(first.place.as_deref(), first.year)
                ),
            )
            .with_label("`Rev.` missing")
            .with_fix(Fix {
                description: "write `Rev.`".into(),
                edits: vec![Edit {
                    span: SourceSpan::new(rs.start, rs.start),
                    replacement: "Rev. ".into(),
                }],
                safe: false,
            }),
        );
    }
    if let Some(latest) = known_then.last()
        && latest.year > year
    {
        let current = show(latest.place.as_deref(), latest.year);
        let mut d = Diagnostic::warning(
            "citation/stale",
            rev_span.unwrap_or(span),
            format!(
                "`{name}` cites a superseded revision: {} {} was revised at {current}",
                capitalized(&c.kind),
                c.number
            ),
        )
        .with_label("stale revision")
        .with_help(format!("source: {}", latest.source));
        if let Some(rs) = rev_span {
            d = d.with_fix(Fix {
                description: format!("cite `(Rev. {current})`"),
                edits: vec![Edit {
                    span: rs,
                    replacement: format!("Rev. {current}"),
                }],
                safe: false,
            });
        }
        out.push(d);
    }
    // The title cited after the citation, against the cited revision's title.
    let cited = known
        .iter()
        .find(|r| r.year == year)
        .and_then(|r| r.title.as_deref());
    if let Some(title) = cited
        && let Some(want) = YEAR_RANGE.captures(title)
    {
        let after = &t.text[c.range.1..];
        let clause_end = after.find(';').unwrap_or(after.len()).min(300);
        let mut end = clause_end.min(after.len());
        while !after.is_char_boundary(end) {
            end -= 1;
        }
        let clause = &after[..end];
        if let Some(got) = YEAR_RANGE.captures(clause)
            && (got[1] != want[1] || got[2] != want[2])
        {
            let g = got.get(0).expect("match");
            let gs = t.span(c.range.1 + g.start(), c.range.1 + g.end());
            out.push(
                Diagnostic::warning(
                    "citation/title-mismatch",
                    gs,
                    format!(
                        "the title cited does not match {} {} ({}): its title is `{title}`",
                        capitalized(&c.kind),
                        c.number,
                        c.revision.as_deref().unwrap_or("")
                    ),
                )
                .with_label(format!("`{}` here", g.as_str()))
                .with_secondary(span, "citation"),
            );
        }
    }
}

fn capitalized(kind: &str) -> String {
    let mut cs = kind.chars();
    match cs.next() {
        Some(f) => f.to_uppercase().chain(cs).collect(),
        None => String::new(),
    }
}

fn show(place: Option<&str>, year: u16) -> String {
    match place {
        Some(p) => format!("{p}, {year}"),
        None => year.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_citation_forms_of_the_domain() {
        let r = Registry::builtin();
        let text = "Resolution 140 (Rev. Busan, 2014) of the Plenipotentiary Conference, \
            Resolution ITU-R 61 (Rev. Geneva, 2015), Council Resolution 1332 (Rev. 2016), \
            UNGA Resolution 70/125, A/RES/70/125, Decision 562, Resolution 44 (Rev. Dubai, 2012) of this Assembly";
        let cs = parse_citations(text, Some("WTSA"), &r);
        let got: Vec<(Option<&str>, &str, Option<u16>)> = cs
            .iter()
            .map(|c| (c.body.as_deref(), c.number.as_str(), c.year))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some("PP"), "140", Some(2014)),
                (Some("RA"), "ITU-R 61", Some(2015)),
                (Some("Council"), "1332", Some(2016)),
                (Some("UNGA"), "70/125", None),
                (None, "562", None),
                (Some("WTSA"), "44", Some(2012)),
                (Some("UNGA"), "70/125", None),
            ]
        );
        assert!(cs[0].has_rev);
    }

    #[test]
    fn the_stamp_names_the_body() {
        let r = Registry::builtin();
        let cs = parse_citations("Resolution 102 (Busan 2014)", None, &r);
        assert_eq!(cs[0].body.as_deref(), Some("PP"));
        assert!(!cs[0].has_rev);
    }
}
