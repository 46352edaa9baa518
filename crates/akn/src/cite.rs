//! A small citation finder: `Resolution 140 (Rev. Busan, 2014) of the Plenipotentiary
//! Conference`, `Resolution ITU-R 61 (Geneva, 2015)`, `Council Resolution 1332 (Rev.
//! 2016)`, `Decision 562 of the 2011 session of the ITU Council`, `UNGA Resolution
//! 70/125`, `A/RES/70/125`. Pure: text in, byte ranges and the AKN URI of the cited
//! instrument out.

use std::sync::LazyLock;

use amend_model::InstrumentKind;
use regex::Regex;

use crate::uri;

/// A citation found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub start: usize,
    pub end: usize,
    /// The cited instrument's body (`PP`, `WTSA`, `Council`, `UNGA`...), when known.
    pub body: Option<String>,
    pub number: String,
    /// The revision year named in the citation.
    pub year: Option<u16>,
    pub href: String,
}

static UN_CITATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:(?:UNGA|UN General Assembly|United Nations General Assembly|General Assembly)\s+[Rr]esolution\s+(?:A/(?:RES/)?)?|A/RES/)(\d{1,3}/\d{1,4})",
    )
    .expect("UN citation pattern")
});

static ITU_CITATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?P<prefix>Plenipotentiary\s+|Council\s+|PP\s+)?
        (?P<kind>Resolution|RESOLUTION|Decision|DECISION)\s+
        (?P<sector>ITU-[RTD]\s+)?
        (?P<number>\d{1,4}(?:/\d{1,4})?)\b
        (?P<rev>\s*\((?:Rev\.\s*)?[^()]{0,80}\))?
        (?P<of>\s+of\s+(?:the\s+)?(?:(?:(?:19|20)\d\d\s+session\s+of\s+the\s+)?(?:ITU\s+)?Council|Plenipotentiary\s+Conference|World\s+Telecommunication\s+Development\s+Conference|World\s+Telecommunication\s+Standardization\s+Assembly|Radiocommunication\s+Assembly|World\s+Radiocommunication\s+Conference|this\s+Assembly|this\s+Conference))?",
    )
    .expect("ITU citation pattern")
});

static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:19|20)\d\d").expect("year pattern"));

/// Meetings whose place and year identify the body that met there.
const MEETINGS: &[(&str, u16, &str)] = &[
    ("Minneapolis", 1998, "PP"),
    ("Marrakesh", 2002, "PP"),
    ("Antalya", 2006, "PP"),
    ("Guadalajara", 2010, "PP"),
    ("Busan", 2014, "PP"),
    ("Dubai", 2018, "PP"),
    ("Bucharest", 2022, "PP"),
    ("Johannesburg", 2008, "WTSA"),
    ("Dubai", 2012, "WTSA"),
    ("Hammamet", 2016, "WTSA"),
    ("Geneva", 2022, "WTSA"),
    ("New Delhi", 2024, "WTSA"),
    ("Doha", 2006, "WTDC"),
    ("Hyderabad", 2010, "WTDC"),
    ("Dubai", 2014, "WTDC"),
    ("Buenos Aires", 2017, "WTDC"),
    ("Kigali", 2022, "WTDC"),
    ("Sharm el-Sheikh", 2019, "RA"),
];

fn body_from_meeting(text: &str, year: Option<u16>) -> Option<&'static str> {
    let year = year?;
    MEETINGS
        .iter()
        .find(|(place, y, _)| *y == year && text.contains(place))
        .map(|(_, _, body)| *body)
}

/// Finds the citations in `text`. `own_body` is the body of the citing document, used
/// for `of this Assembly` and for citations that name no body.
pub fn find(text: &str, own_body: Option<&str>, language: &str) -> Vec<Citation> {
    let mut out: Vec<Citation> = Vec::new();
    for caps in UN_CITATION.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        let number = caps[1].to_string();
        out.push(citation(
            whole.start(),
            whole.end(),
            Some("UNGA"),
            InstrumentKind::Resolution,
            number,
            None,
            language,
        ));
    }
    for caps in ITU_CITATION.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        if out
            .iter()
            .any(|c| c.start < whole.end() && whole.start() < c.end)
        {
            continue;
        }
        let number = caps["number"].to_string();
        let rev = caps.name("rev").map_or("", |m| m.as_str());
        // The last year of the revision stamp: the new one when flattening glued two.
        let year = YEAR
            .find_iter(rev)
            .last()
            .and_then(|m| m.as_str().parse().ok());
        let prefix = caps.name("prefix").map(|m| m.as_str().trim());
        let of = caps.name("of").map_or("", |m| m.as_str());
        let sector = caps.name("sector").map(|m| m.as_str().trim());
        let kind = if caps["kind"].eq_ignore_ascii_case("decision") {
            InstrumentKind::Decision
        } else {
            InstrumentKind::Resolution
        };
        let body: Option<String> = if number.contains('/') {
            Some("UNGA".into())
        } else if let Some(p) = prefix {
            Some(if p == "Council" { "Council" } else { "PP" }.into())
        } else if let Some(s) = sector {
            Some(
                match s {
                    "ITU-R" => "RA",
                    "ITU-T" => "WTSA",
                    _ => "WTDC",
                }
                .into(),
            )
        } else if of.contains("Council") {
            Some("Council".into())
        } else if of.contains("Plenipotentiary") {
            Some("PP".into())
        } else if of.contains("Development") {
            Some("WTDC".into())
        } else if of.contains("Standardization") {
            Some("WTSA".into())
        } else if of.contains("Radiocommunication Assembly") {
            Some("RA".into())
        } else if of.contains("Radiocommunication Conference") {
            Some("WRC".into())
        } else if of.contains("this") {
            own_body.map(String::from)
        } else {
            body_from_meeting(rev, year)
                .map(String::from)
                .or_else(|| own_body.map(String::from))
        };
        let number = match sector {
            Some(s) => format!("{s} {number}"),
            None => number,
        };
        out.push(citation(
            whole.start(),
            whole.end(),
            body.as_deref(),
            kind,
            number,
            year,
            language,
        ));
    }
    out.sort_by_key(|c| c.start);
    out
}

fn citation(
    start: usize,
    end: usize,
    body: Option<&str>,
    kind: InstrumentKind,
    number: String,
    year: Option<u16>,
    language: &str,
) -> Citation {
    let work = uri::work(body, kind, &number);
    let href = match year {
        Some(_) => uri::expression(&work, language, year),
        None => work,
    };
    Citation {
        start,
        end,
        body: body.map(String::from),
        number,
        year,
        href,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hrefs(text: &str) -> Vec<(String, String)> {
        find(text, Some("WTSA"), "eng")
            .into_iter()
            .map(|c| (text[c.start..c.end].to_string(), c.href))
            .collect()
    }

    #[test]
    fn finds_itu_and_un_citations() {
        let found = hrefs(
            "Resolution 140 (Rev. Busan, 2014) of the Plenipotentiary Conference, \
             Resolution ITU-R 61 (Geneva, 2015), Council Resolution 1332 (Rev. 2016) and \
             UNGA Resolution 70/125; Resolution 44 (Rev. Dubai, 2012) of this Assembly",
        );
        assert_eq!(
            found,
            vec![
                (
                    "Resolution 140 (Rev. Busan, 2014) of the Plenipotentiary Conference".into(),
                    "/akn/itu/statement/resolution/pp/140/eng@2014".into()
                ),
                (
                    "Resolution ITU-R 61 (Geneva, 2015)".into(),
                    "/akn/itu/statement/resolution/ra/itu-r-61/eng@2015".into()
                ),
                (
                    "Council Resolution 1332 (Rev. 2016)".into(),
                    "/akn/itu/statement/resolution/council/1332/eng@2016".into()
                ),
                (
                    "UNGA Resolution 70/125".into(),
                    "/akn/un/statement/resolution/unga/70-125".into()
                ),
                (
                    "Resolution 44 (Rev. Dubai, 2012) of this Assembly".into(),
                    "/akn/itu/statement/resolution/wtsa/44/eng@2012".into()
                ),
            ]
        );
    }

    #[test]
    fn meetings_name_the_body_and_glued_stamps_give_the_new_year() {
        let found = hrefs(
            "Resolution 71 (Rev. Guadalajara, 2010Busan, 2014) and Plenipotentiary Resolution 140 (Busan, 2014)",
        );
        assert_eq!(found[0].1, "/akn/itu/statement/resolution/pp/71/eng@2014");
        assert_eq!(found[1].1, "/akn/itu/statement/resolution/pp/140/eng@2014");
        assert!(hrefs("no citation here, only 2030 Agenda").is_empty());
        assert_eq!(
            hrefs("Decision 562 of the 2011 session of the ITU Council, on")[0],
            (
                "Decision 562 of the 2011 session of the ITU Council".to_string(),
                "/akn/itu/statement/decision/council/562".to_string()
            )
        );
        assert_eq!(
            hrefs("A/RES/70/1 says")[0].1,
            "/akn/un/statement/resolution/unga/70-1"
        );
    }
}
