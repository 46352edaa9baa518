//! Boilerplate changes: the ones an editor makes mechanically when a text is revised by a
//! new meeting (meeting stamps, revision stamps in citations, relettering and renumbering),
//! as opposed to substantive changes. Tagged in the change's `detail` as
//! `boilerplate:<kind>` so every writer and renderer can see them.

use std::sync::LazyLock;

use amend_model::Change;
use amend_model::pattern::LinePattern;
use regex::Regex;
use serde::Serialize;

/// The kinds of boilerplate change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Boilerplate {
    /// `Dubai, 2012` → `Hammamet, 2016` in a title, history line or enacting formula.
    MeetingStamp,
    /// A revision stamp in a citation: `Resolution 140 (Rev. Guadalajara, 2010)` →
    /// `(Rev. Busan, 2014)`, or `Council Resolution 1332` gaining `(Rev. 2016)`.
    RevisionStamp,
    /// A label changed because items before it were inserted or deleted.
    Renumbering,
}

impl Boilerplate {
    pub fn as_str(self) -> &'static str {
        match self {
            Boilerplate::MeetingStamp => "meeting-stamp",
            Boilerplate::RevisionStamp => "revision-stamp",
            Boilerplate::Renumbering => "renumbering",
        }
    }

    /// The value stored in [`Change::detail`].
    pub fn detail(self) -> String {
        format!("boilerplate:{}", self.as_str())
    }

    fn from_str(s: &str) -> Option<Self> {
        match s {
            "meeting-stamp" => Some(Boilerplate::MeetingStamp),
            "revision-stamp" => Some(Boilerplate::RevisionStamp),
            "renumbering" => Some(Boilerplate::Renumbering),
            _ => None,
        }
    }
}

/// The boilerplate kind a change mark was tagged with, if any.
pub fn boilerplate_of(change: &Change) -> Option<Boilerplate> {
    change
        .detail
        .as_deref()?
        .strip_prefix("boilerplate:")
        .and_then(Boilerplate::from_str)
}

// Each pattern is compiled on first use in the form the text needs: narrowed to ASCII for
// ASCII text (most stamps), as written otherwise (see `LinePattern`).

/// `Dubai, 2012`, `Rev. Guadalajara 2010`, `2015`, `Sharm el-Sheikh, 2019`.
static STAMP: LinePattern = LinePattern::new(
    r"^(?:Rev\.[ \t\x{a0}]*)?(?:[A-ZÀ-Þ][a-zA-Zß-ÿÀ-Þ'’.\-]*(?:[ \t\x{a0}]+[a-zA-Zß-ÿÀ-Þ'’.\-]+){0,3},?[ \t\x{a0}]*)?(?:19|20)[0-9][0-9]$",
);
/// `; Hammamet, 2016` appended to a history line.
static HISTORY_ADD: LinePattern = LinePattern::new(
    r"^[;,][ \t\x{a0}]*[A-ZÀ-Þ][a-zA-Zß-ÿÀ-Þ'’.\-]*(?:[ \t\x{a0}]+[a-zA-Zß-ÿÀ-Þ'’.\-]+){0,3},?[ \t\x{a0}]*(?:19|20)[0-9][0-9]$",
);
/// `(Rev. 2016)` or `Rev. Busan, 2014` added to or removed from a citation.
static REV_STAMP: LinePattern = LinePattern::new(r"^\(?Rev\.[ \t\x{a0}]*[^()]*\)?$");
/// Text before a stamp that makes it a citation's: `Resolution 140 (Rev. `.
static CITATION_BEFORE: LinePattern = LinePattern::new(
    r"(?:Resolution|Decision|Recommendation|Opinion)[ \t\x{a0}]+(?:ITU-[RTD][ \t\x{a0}]+)?[[A-Za-z0-9_]/]+[ \t\x{a0}]*\(?(?:Rev\.[ \t\x{a0}]*)?(?:[A-ZÀ-Þ][a-zA-Zß-ÿÀ-Þ'’.\- ]*,?[ \t\x{a0}]*)?$",
);
/// `WTDC-10` → `WTDC-14`: a meeting acronym's two-digit year.
static ACRONYM_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)[A-Z]{2,}-$").expect("acronym pattern"));

fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || matches!(c, '(' | ')'))
}

/// Whether a text ends with a year of the stamps' patterns (`19..` or `20..`), as every
/// text they match does.
fn ends_with_year(s: &str) -> bool {
    match s.as_bytes() {
        [.., a, b, c, d] => {
            matches!((a, b), (b'1', b'9') | (b'2', b'0'))
                && c.is_ascii_digit()
                && d.is_ascii_digit()
        }
        _ => false,
    }
}

/// Classifies a replacement of `old` by `new` (either may be empty) that follows the
/// unchanged text `before` in the same paragraph.
pub fn classify(before: &str, old: &str, new: &str) -> Option<Boilerplate> {
    let (o, n) = (trim(old), trim(new));
    // Whether the stamp is a citation's: asked only of stamps (most replacements are not).
    let kind = || {
        let before = before.trim_end();
        if CITATION_BEFORE.on(before).is_match(before) {
            Boilerplate::RevisionStamp
        } else {
            Boilerplate::MeetingStamp
        }
    };
    match (o.is_empty(), n.is_empty()) {
        (false, false) => {
            let bare = |s: &str| s.len() == 4 && s.chars().all(|c| c.is_ascii_digit());
            // A stamp ends with its year: most replacements are settled without a search.
            if ends_with_year(o)
                && ends_with_year(n)
                && STAMP.on(o).is_match(o)
                && STAMP.on(n).is_match(n)
            {
                // A bare year is a stamp only where stamps are written: `(2012`,
                // `Rev. 2012`, `Geneva, 2012`.
                let b = before.trim_end_matches(' ');
                if !(bare(o) || bare(n)) || b.ends_with(['(', ',', '.']) {
                    return Some(kind());
                }
            }
            let two_digits = |s: &str| s.len() == 2 && s.chars().all(|c| c.is_ascii_digit());
            if two_digits(o) && two_digits(n) && ACRONYM_BEFORE.is_match(before) {
                return Some(Boilerplate::MeetingStamp);
            }
            None
        }
        (true, true) => None,
        _ => {
            let added = if o.is_empty() { n } else { o };
            // The patterns' fixed beginnings (and a history line's year) first: most
            // insertions and deletions are settled without a search.
            if added.starts_with([';', ','])
                && ends_with_year(added)
                && HISTORY_ADD.on(added).is_match(added)
            {
                return Some(Boilerplate::MeetingStamp);
            }
            if (added.starts_with("Rev.") || added.starts_with("(Rev."))
                && REV_STAMP.on(added).is_match(added)
            {
                return Some(Boilerplate::RevisionStamp);
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATTERNS: [(&str, &LinePattern); 4] = [
        ("stamp", &STAMP),
        ("history addition", &HISTORY_ADD),
        ("revision stamp", &REV_STAMP),
        ("citation", &CITATION_BEFORE),
    ];

    fn matches(pattern: &Regex, text: &str) -> Vec<(usize, usize)> {
        pattern
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .collect()
    }

    proptest::proptest! {
        /// On ASCII text the narrowed form of each pattern finds what it finds as written.
        #[test]
        fn the_ascii_forms_match_as_written(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "Resolution", "Recommendation", "ITU-R", "Rev.", "Dubai", "Sharm", "el",
                    "(", ")", "[", "]", ";", ",", ".", "-", "'", "/", "_", " ", "\t",
                    "2012", "19", "20", "140", "a", "Z", "x",
                ]),
                0..12,
            )
        ) {
            let text = pieces.concat();
            for (name, pattern) in PATTERNS {
                let unicode = Regex::new(pattern.pattern()).expect("the pattern compiles");
                proptest::prop_assert_eq!(
                    matches(pattern.on(&text), &text),
                    matches(&unicode, &text),
                    "{} pattern", name
                );
            }
        }
    }

    proptest::proptest! {
        /// What the quick checks before the patterns ask of a text holds of every text
        /// the patterns match, so they never turn a stamp away.
        #[test]
        fn the_quick_checks_hold_of_every_match(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "Rev.", "(Rev.", "Dubai", "Sharm el-Sheikh", "S\u{e3}o Paulo", ";", ",", " ",
                    "\u{a0}", "(", ")", "1999", "2012", "2101", "19", "20", "12", "x", "-",
                ]),
                0..8,
            )
        ) {
            let text = pieces.concat();
            if STAMP.on(&text).is_match(&text) || HISTORY_ADD.on(&text).is_match(&text) {
                proptest::prop_assert!(ends_with_year(&text));
            }
            if HISTORY_ADD.on(&text).is_match(&text) {
                proptest::prop_assert!(text.starts_with([';', ',']));
            }
            let t = trim(&text);
            if REV_STAMP.on(t).is_match(t) {
                proptest::prop_assert!(t.starts_with("Rev.") || t.starts_with("(Rev."));
            }
        }
    }

    #[test]
    fn recognises_stamps() {
        assert_eq!(
            classify("RESOLUTION 75 (Rev. ", "Dubai, 2012", "Hammamet, 2016"),
            Some(Boilerplate::MeetingStamp)
        );
        assert_eq!(
            classify("(Johannesburg, 2008; Dubai, 2012", "", "; Hammamet, 2016"),
            Some(Boilerplate::MeetingStamp)
        );
        assert_eq!(
            classify(
                "in accordance with Resolution 140 (Rev. ",
                "Guadalajara 2010",
                "Busan, 2014"
            ),
            Some(Boilerplate::RevisionStamp)
        );
        assert_eq!(
            classify("a)\tCouncil Resolution 1332", "", " (Rev. 2016)"),
            Some(Boilerplate::RevisionStamp)
        );
        assert_eq!(
            classify("decisions of WTDC-", "10", "14"),
            Some(Boilerplate::MeetingStamp)
        );
        assert_eq!(
            classify("Resolution ITU-R 61 (Rev. Geneva, ", "2012", "2015"),
            Some(Boilerplate::RevisionStamp)
        );
        assert_eq!(classify("the Union for ", "2012", "2016"), None);
        assert_eq!(classify("to ", "ensure", "improve"), None);
        assert_eq!(classify("the ", "2030 Agenda", ""), None);
    }
}
