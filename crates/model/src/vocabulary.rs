//! The words that open section headings, and the bodies that enact resolutions.
//! Open-ended: a short lower-case line opening with a participle also counts.

use std::sync::LazyLock;

/// First words of operative headings (`resolves`, `instructs the Director ...`).
pub const OPERATIVE_OPENERS: &[&str] = &[
    "resolves",
    "resolve",
    "decides",
    "decide",
    "instructs",
    "instruct",
    "requests",
    "request",
    "encourages",
    "encourage",
    "invites",
    "invite",
    "urges",
    "urge",
    "calls",
    "appeals",
    "recommends",
    "approves",
    "endorses",
    "agrees",
    "adopts",
    "authorizes",
    "charges",
    "directs",
    "entrusts",
    "further",
    "also",
    "accepts",
    "confirms",
    "declares",
];

/// First words of preamble headings that are not participles in `-ing`.
pub const PREAMBLE_OPENERS: &[&str] = &[
    "aware",
    "convinced",
    "mindful",
    "cognizant",
    "conscious",
    "concerned",
    "guided",
    "having",
    "bearing",
    "desirous",
    "persuaded",
    "deeply",
    "alarmed",
    "determined",
    "taking",
];

/// Bodies named in enacting formulas, longest first, with their short names.
pub const BODIES: &[(&str, &str)] = &[
    ("World Telecommunication Standardization Assembly", "WTSA"),
    ("World Telecommunication Development Conference", "WTDC"),
    ("World Radiocommunication Conference", "WRC"),
    ("Radiocommunication Assembly", "RA"),
    ("Plenipotentiary Conference", "PP"),
    ("Council", "Council"),
    ("General Assembly", "UNGA"),
    (
        "World Conference on International Telecommunications",
        "WCIT",
    ),
];

/// Regional groups and their margin-reference prefixes.
pub const SOURCES: &[(&str, &str)] = &[
    ("CITEL", "CITEL"),
    ("IAP", "CITEL"),
    ("CEPT", "CEPT"),
    ("ECP", "CEPT"),
    ("APT", "APT"),
    ("ACP", "APT"),
    ("ATU", "ATU"),
    ("AFCP", "ATU"),
    ("ASMG", "ASMG"),
    ("ARB", "ASMG"),
    ("Arab States", "ASMG"),
    ("RCC", "RCC"),
];

/// The short name of a body named in `text`.
pub fn body_in(text: &str) -> Option<&'static str> {
    // One searcher per name, built once: building a substring searcher for each name on
    // each call cost more than the searches (every enacting line is looked up).
    static FINDERS: LazyLock<Vec<memchr::memmem::Finder<'static>>> = LazyLock::new(|| {
        BODIES
            .iter()
            .map(|(name, _)| memchr::memmem::Finder::new(name))
            .collect()
    });
    BODIES
        .iter()
        .zip(FINDERS.iter())
        .find(|(_, finder)| finder.find(text.as_bytes()).is_some())
        .map(|((_, short), _)| *short)
}

/// Whether a word opens an operative heading.
pub fn is_operative_opener(word: &str) -> bool {
    // Most words asked about are item labels (`a)`): ruled out by their last letter.
    static LAST: [bool; 256] = last_letters(OPERATIVE_OPENERS);
    word.as_bytes()
        .last()
        .is_some_and(|&b| LAST[usize::from(b)])
        && OPERATIVE_OPENERS.contains(&word)
}

/// Which bytes end one of `words`.
const fn last_letters(words: &[&str]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < words.len() {
        let bytes = words[i].as_bytes();
        if !bytes.is_empty() {
            table[bytes[bytes.len() - 1] as usize] = true;
        }
        i += 1;
    }
    table
}

/// Whether a word opens a preamble heading.
pub fn is_preamble_opener(word: &str) -> bool {
    static LAST: [bool; 256] = last_letters(PREAMBLE_OPENERS);
    (word
        .as_bytes()
        .last()
        .is_some_and(|&b| LAST[usize::from(b)])
        && PREAMBLE_OPENERS.contains(&word))
        || (word.len() > 5 && word.ends_with("ing"))
}
