//! Regular expressions for lines of text, compiled on first use in the form the text
//! needs.

use std::sync::OnceLock;

use regex::Regex;

/// A line pattern compiled on first use in one of two forms: as written, for any text,
/// and with its classes narrowed to ASCII ([`ascii_classes`]), for ASCII text. On ASCII
/// text both match the same; a class with non-ASCII members compiles into a UTF-8
/// automaton whose working table alone is a few hundred kilobytes to clear, which every
/// short `amend` run paid for each such pattern (most lines of most texts are ASCII).
pub struct LinePattern {
    pattern: &'static str,
    unicode: OnceLock<Regex>,
    ascii: OnceLock<Regex>,
}

impl LinePattern {
    pub const fn new(pattern: &'static str) -> Self {
        Self {
            pattern,
            unicode: OnceLock::new(),
            ascii: OnceLock::new(),
        }
    }

    /// The pattern as written.
    pub fn pattern(&self) -> &'static str {
        self.pattern
    }

    /// The form of the pattern for `text`.
    pub fn on(&self, text: &str) -> &Regex {
        if text.is_ascii() {
            self.ascii.get_or_init(|| {
                Regex::new(&ascii_classes(self.pattern)).expect("ASCII form of a line pattern")
            })
        } else {
            self.unicode
                .get_or_init(|| Regex::new(self.pattern).expect("line pattern"))
        }
    }
}

/// `pattern` with its classes narrowed to ASCII: `\s`, `\d`, `\S`, `\w` and `\p{L}` in a
/// class, the negated classes and the `.` repetitions amend's patterns use are replaced by
/// the ASCII characters they match, and the non-ASCII members of classes they list
/// (`\x{a0}`, `À-Þ`, `ß-ÿ`, `’`) are dropped, so the two forms agree on ASCII text (tested
/// for every pattern that uses this).
pub fn ascii_classes(pattern: &str) -> String {
    const ANY_BUT_NEWLINE: &str = r"[\x00-\x09\x0B-\x7F]";
    pattern
        .replace(r"\s", r"(?-u:\s)")
        .replace(r"\d", r"(?-u:\d)")
        .replace(r"\S", r"[\x00-\x08\x0E-\x1F\x21-\x7F]")
        // `\w` stands only inside classes in these patterns (`[\w/.-]`).
        .replace(r"[\w", "[0-9A-Za-z_")
        .replace(r"\p{L}", "A-Za-z")
        .replace("[^()]", r"[\x00-\x27\x2A-\x7F]")
        .replace("[^)]", r"[\x00-\x28\x2A-\x7F]")
        .replace(r"[^\]]", r"[\x00-\x5C\x5E-\x7F]")
        .replace("[^();,]", r"[\x00-\x27\x2A\x2B\x2D-\x3A\x3C-\x7F]")
        .replace("(.+?)", &format!("({ANY_BUT_NEWLINE}+?)"))
        .replace("(.*)", &format!("({ANY_BUT_NEWLINE}*)"))
        .replace(".*?", &format!("{ANY_BUT_NEWLINE}*?"))
        .replace(r"\(.*\)", &format!(r"\({ANY_BUT_NEWLINE}*\)"))
        .replace(r"\x{a0}", "")
        .replace("À-Þ", "")
        .replace("ß-ÿ", "")
        .replace('’', "")
}
