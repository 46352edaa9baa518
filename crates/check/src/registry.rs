//! The citation registry: known meetings and the revisions of instruments, so that a
//! citation of a superseded revision can be reported as stale.
//!
//! The format is the tab-separated table of `data/registry.tsv` (built in); see the
//! comment at its top. `--registry FILE` adds the records of another such file.

use std::fmt;

/// One adoption or revision of an instrument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionEntry {
    /// `WTSA`, `WTDC`, `RA`, `PP`, `Council`, `UNGA`.
    pub body: String,
    /// `resolution` or `decision`.
    pub kind: String,
    /// The number as cited (`71`, `ITU-R 61`, `70/125`).
    pub number: String,
    pub place: Option<String>,
    pub year: u16,
    pub title: Option<String>,
    pub source: String,
}

/// A meeting of a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingEntry {
    pub body: String,
    pub place: String,
    pub year: u16,
    pub source: String,
}

/// Known meetings and revisions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Registry {
    pub meetings: Vec<MeetingEntry>,
    pub revisions: Vec<RevisionEntry>,
}

/// A line of a registry file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for RegistryError {}

const BUILTIN: &str = include_str!("../data/registry.tsv");

impl Registry {
    /// The built-in table of the instruments the fixtures cite.
    pub fn builtin() -> Self {
        Self::parse(BUILTIN).expect("the built-in registry parses")
    }

    /// The built-in table, parsed once.
    pub fn builtin_ref() -> &'static Registry {
        static BUILTIN_REGISTRY: std::sync::LazyLock<Registry> =
            std::sync::LazyLock::new(Registry::builtin);
        &BUILTIN_REGISTRY
    }

    /// An empty registry: no citation is judged.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Reads a registry table.
    pub fn parse(text: &str) -> Result<Self, RegistryError> {
        let mut out = Registry::default();
        for (n, line) in text.lines().enumerate() {
            let line_no = n + 1;
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
            let err = |message: String| RegistryError {
                line: line_no,
                message,
            };
            let year = |s: &str| {
                s.parse::<u16>()
                    .map_err(|_| err(format!("`{s}` is not a year")))
            };
            let opt = |s: &str| (!s.is_empty() && s != "-").then(|| s.to_string());
            match fields.first().copied() {
                Some("meeting") if fields.len() >= 4 => out.meetings.push(MeetingEntry {
                    body: fields[1].to_string(),
                    place: fields[2].to_string(),
                    year: year(fields[3])?,
                    source: fields.get(4).copied().unwrap_or("").to_string(),
                }),
                Some("revision") if fields.len() >= 6 => out.revisions.push(RevisionEntry {
                    body: fields[1].to_string(),
                    kind: fields[2].to_ascii_lowercase(),
                    number: fields[3].to_string(),
                    place: opt(fields[4]),
                    year: year(fields[5])?,
                    title: fields.get(6).and_then(|s| opt(s)),
                    source: fields.get(7).copied().unwrap_or("").to_string(),
                }),
                Some(kind @ ("meeting" | "revision")) => {
                    return Err(err(format!("too few fields for a `{kind}` record")));
                }
                Some(other) => {
                    return Err(err(format!(
                        "unknown record `{other}` (expected `meeting` or `revision`)"
                    )));
                }
                None => {}
            }
        }
        Ok(out)
    }

    /// Adds the records of `other`.
    pub fn extend(&mut self, other: Registry) {
        self.meetings.extend(other.meetings);
        self.revisions.extend(other.revisions);
    }

    /// The body that met at `place` in `year`, when exactly one did.
    pub fn body_of_meeting(&self, place: &str, year: u16) -> Option<&str> {
        let mut found = self
            .meetings
            .iter()
            .filter(|m| m.year == year && same_place(&m.place, place));
        let first = found.next()?;
        found
            .all(|m| m.body == first.body)
            .then_some(first.body.as_str())
    }

    /// The known revisions of an instrument, oldest first.
    pub fn revisions_of(&self, body: &str, kind: &str, number: &str) -> Vec<&RevisionEntry> {
        let mut out: Vec<&RevisionEntry> = self
            .revisions
            .iter()
            .filter(|r| r.body == body && r.kind == kind && same_number(&r.number, number))
            .collect();
        out.sort_by_key(|r| r.year);
        out.dedup_by(|a, b| a.year == b.year && a.place == b.place);
        out
    }
}

fn same_place(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn same_number(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.trim()
            .trim_start_matches("A/RES/")
            .trim_start_matches("A/")
            .replace(['\u{2011}', '\u{a0}'], "-")
            .replace(' ', "")
    };
    norm(a) == norm(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_knows_busan_and_the_bodies_of_meetings() {
        let r = Registry::builtin();
        let revs = r.revisions_of("PP", "resolution", "140");
        assert_eq!(
            revs.iter().map(|r| r.year).collect::<Vec<_>>(),
            vec![2010, 2014]
        );
        assert_eq!(r.body_of_meeting("Busan", 2014), Some("PP"));
        assert_eq!(r.body_of_meeting("Dubai", 2012), Some("WTSA"));
        assert_eq!(r.body_of_meeting("Geneva", 2015), Some("RA"));
        assert_eq!(
            r.revisions_of("UNGA", "resolution", "A/RES/70/125").len(),
            1
        );
        assert!(r.revisions.iter().all(|e| !e.source.is_empty()));
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let e = Registry::parse("# c\nrevision\tPP\tresolution\t1\tX\tnot-a-year\n")
            .expect_err("bad year");
        assert_eq!(e.line, 2);
        let e = Registry::parse("instrument\tx\n").expect_err("bad record");
        assert!(e.message.contains("unknown record"));
    }
}
