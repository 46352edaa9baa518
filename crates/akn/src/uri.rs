//! FRBR identifiers in the style of the Akoma Ntoso Naming Convention.
//!
//! * Work: `/akn/{country}/statement/{kind}/{author}/{number}`, for example
//!   `/akn/itu/statement/resolution/wtsa/75`. The work date that the Naming Convention
//!   puts before the number is left out on purpose: a citation names only an instrument
//!   and one of its revisions, so a cited work must be addressable from body and number.
//! * Expression: `{work}/{language}@{year}` (the revision's year), or `{work}/{language}`
//!   when no year is known: `/akn/itu/statement/resolution/wtsa/75/eng@2016`.
//! * Manifestation: `{expression}/!main.xml`.
//!
//! `FRBRcountry` is `itu` for the bodies of the ITU (PP, WTSA, WTDC, RA, WRC, WCIT,
//! Council) and `un` for the UN General Assembly and for unknown bodies (the AKN4UN
//! default).

use amend_model::InstrumentKind;

/// Bodies of the ITU, by their short names as the model writes them.
const ITU_BODIES: &[&str] = &["PP", "WTSA", "WTDC", "RA", "WRC", "WCIT", "Council"];

/// Full names of the bodies, for `TLCOrganization showAs`.
const BODY_NAMES: &[(&str, &str)] = &[
    ("PP", "Plenipotentiary Conference"),
    ("WTSA", "World Telecommunication Standardization Assembly"),
    ("WTDC", "World Telecommunication Development Conference"),
    ("RA", "Radiocommunication Assembly"),
    ("WRC", "World Radiocommunication Conference"),
    (
        "WCIT",
        "World Conference on International Telecommunications",
    ),
    ("Council", "ITU Council"),
    ("UNGA", "United Nations General Assembly"),
];

/// The `FRBRcountry` value for a body: `itu` or `un`.
pub fn country(body: Option<&str>) -> &'static str {
    match body {
        Some(b) if ITU_BODIES.iter().any(|k| k.eq_ignore_ascii_case(b)) => "itu",
        _ => "un",
    }
}

/// The author segment of a URI and the `TLCOrganization` eId: the body's short name in
/// lower case (`wtsa`), or `unknown`.
pub fn author(body: Option<&str>) -> String {
    match body.map(slug).filter(|s| !s.is_empty()) {
        Some(s) => s,
        None => "unknown".to_string(),
    }
}

/// The full name of a body, for display.
pub fn body_name(body: &str) -> String {
    BODY_NAMES
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(body))
        .map_or_else(|| body.to_string(), |(_, name)| (*name).to_string())
}

/// The short name of a body from an author segment (`wtsa` gives `WTSA`).
pub fn body_from_author(author: &str) -> Option<String> {
    if matches!(author, "generalAssembly" | "ga" | "un-ga") {
        return Some("UNGA".into());
    }
    BODY_NAMES
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(author))
        .map(|(k, _)| (*k).to_string())
}

pub fn kind_name(kind: InstrumentKind) -> &'static str {
    match kind {
        InstrumentKind::Resolution => "resolution",
        InstrumentKind::Decision => "decision",
        InstrumentKind::Recommendation => "recommendation",
        InstrumentKind::Opinion => "opinion",
    }
}

pub fn kind_from_name(name: &str) -> Option<InstrumentKind> {
    match name.to_ascii_lowercase().as_str() {
        "resolution" => Some(InstrumentKind::Resolution),
        "decision" => Some(InstrumentKind::Decision),
        "recommendation" => Some(InstrumentKind::Recommendation),
        "opinion" => Some(InstrumentKind::Opinion),
        _ => None,
    }
}

/// Lower-case ASCII letters and digits; runs of anything else become one `-`
/// (`ITU-R 61` gives `itu-r-61`, `70/125` gives `70-125`).
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

/// The work URI of an instrument.
pub fn work(body: Option<&str>, kind: InstrumentKind, number: &str) -> String {
    let number = match slug(number) {
        s if s.is_empty() => "0".to_string(),
        s => s,
    };
    format!(
        "/akn/{}/statement/{}/{}/{}",
        country(body),
        kind_name(kind),
        author(body),
        number
    )
}

/// The expression URI: the work in a language, at a revision year.
pub fn expression(work: &str, language: &str, year: Option<u16>) -> String {
    match year {
        Some(y) => format!("{work}/{language}@{y}"),
        None => format!("{work}/{language}"),
    }
}

/// The manifestation URI of the XML file.
pub fn manifestation(expression: &str) -> String {
    format!("{expression}/!main.xml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_follow_the_naming_convention() {
        let w = work(Some("WTSA"), InstrumentKind::Resolution, "75");
        assert_eq!(w, "/akn/itu/statement/resolution/wtsa/75");
        let e = expression(&w, "eng", Some(2016));
        assert_eq!(e, "/akn/itu/statement/resolution/wtsa/75/eng@2016");
        assert_eq!(manifestation(&e), format!("{e}/!main.xml"));
        assert_eq!(
            work(Some("UNGA"), InstrumentKind::Resolution, "70/125"),
            "/akn/un/statement/resolution/unga/70-125"
        );
        assert_eq!(
            work(Some("RA"), InstrumentKind::Resolution, "ITU-R 61"),
            "/akn/itu/statement/resolution/ra/itu-r-61"
        );
        assert_eq!(country(None), "un");
        assert_eq!(body_from_author("council").as_deref(), Some("Council"));
    }
}
