//! A long plain-text collection cut into its resolutions, so that each can be read,
//! compared and written on its own (its memory then reused by the next) instead of the
//! whole collection being held at once.

use amend_model::Document;
use amend_model::layout::{LineRole, plain_line_role_in, plain_title_number};

use crate::find;
use crate::read::{ReadOptions, read_plain_lines_at};

/// One resolution of a plain-text collection: its lines from its number line to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolutionText<'a> {
    /// Where the part starts in the whole text (bytes).
    pub offset: usize,
    pub text: &'a str,
    /// The number line the part starts with.
    pub title: &'a str,
    /// The instrument's number, as reading the number line gives it.
    pub number: String,
    /// Whether the part ends the text.
    pub last: bool,
    /// The part's line ends (LF), which the cut counts as it goes: reading the part then
    /// sizes its list of paragraphs without counting them again.
    pub line_ends: usize,
}

/// Cuts plain text into its resolutions, or `None` when reading the parts one by one
/// might not give what reading the whole gives (then read the whole).
///
/// The promise: for each part, [`read_part`] gives the resolution that [`crate::read_plain`]
/// of the whole text gives at that place in its collection. It holds when the text starts
/// with a number line and has at least two, ends its lines with LF alone, holds no
/// extractor markers, no margin marks and no envelope headings (which can make a text a
/// contribution), and no part ends with a `[n]` line (which would become a note of the
/// part where the whole keeps it as a paragraph).
pub fn split_collection(text: &str) -> Option<Vec<ResolutionText<'_>>> {
    if text.starts_with('\u{feff}') {
        return None;
    }
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    // The current part: where it starts and its number line.
    let mut current: Option<(usize, &str)> = None;
    let mut last_role = LineRole::Blank;
    let mut pos = 0;
    // The line ends of the current part.
    let mut line_ends = 0;
    // Whether the line from `pos` to `end` (a line end, or the text's end) leaves the text
    // cuttable.
    let mut line = |pos: usize, end: usize| {
        match plain_line_role_in(text, pos, end) {
            LineRole::Title => {
                let line = &text[pos..end];
                if let Some((start, title)) = current {
                    if last_role == LineRole::Note {
                        return false;
                    }
                    parts.push(ResolutionText {
                        offset: start,
                        text: &text[start..pos],
                        title,
                        number: plain_title_number(title),
                        last: false,
                        line_ends,
                    });
                }
                line_ends = 0;
                current = Some((pos, line));
                last_role = LineRole::Title;
            }
            LineRole::Envelope => return false,
            // Text before the first number line would be the collection's front matter.
            _ if current.is_none() => return false,
            LineRole::Blank => {}
            role => last_role = role,
        }
        line_ends += usize::from(end < text.len());
        true
    };
    // One pass finds the line ends, and the CRs and extractor markers that rule the cut
    // out.
    let cuttable = find::each_of(bytes, [b'\n', b'\r', b'['], |at| match bytes[at] {
        b'\n' => {
            let whole = line(pos, at);
            pos = at + 1;
            whole
        }
        b'\r' => false,
        _ => !bytes[at..].starts_with(b"[bookmark: "),
    });
    if !cuttable || (pos < text.len() && !line(pos, text.len())) {
        return None;
    }
    let (start, title) = current?;
    if last_role == LineRole::Note {
        return None;
    }
    parts.push(ResolutionText {
        offset: start,
        text: &text[start..],
        title,
        number: plain_title_number(title),
        last: true,
        line_ends,
    });
    (parts.len() >= 2).then_some(parts)
}

/// Reads one part of [`split_collection`] as a document holding that one resolution, with
/// source positions in the whole text. The part is read for its resolution alone: lost
/// hyphens are not looked for (reading the whole text reports them).
pub fn read_part(part: &ResolutionText<'_>, options: &ReadOptions) -> Document {
    read_plain_lines_at(part.text, part.offset, !part.last, part.line_ends, options)
}

#[cfg(test)]
mod tests {
    use super::*;
    use amend_model::{Body, Resolution};

    fn whole(text: &str) -> Vec<Resolution> {
        match crate::read_plain(text, &ReadOptions::default()).body {
            Body::Collection(c) => c.resolutions,
            other => panic!("not a collection: {other:?}"),
        }
    }

    fn one(document: Document) -> Resolution {
        match document.body {
            Body::Resolution(r) => r,
            other => panic!("not a resolution: {other:?}"),
        }
    }

    /// Each part read alone equals the collection's resolution at its place, source
    /// positions included.
    fn parts_read_as_the_whole(text: &str) -> bool {
        let Some(parts) = split_collection(text) else {
            return false;
        };
        let resolutions = whole(text);
        assert_eq!(parts.len(), resolutions.len());
        for (part, expected) in parts.iter().zip(&resolutions) {
            assert_eq!(part.line_ends, part.text.matches('\n').count());
            assert_eq!(&one(read_part(part, &ReadOptions::default())), expected);
            assert_eq!(part.number, expected.title_block.instrument.number);
        }
        true
    }

    const COLLECTION: &str = "RESOLUTION 1 (Rev. Dubai, 2012)\n\
        Title of the first\n\
        (Johannesburg, 2008; Dubai, 2012)\n\
        The World Telecommunication Standardization Assembly (Dubai, 2012),\n\
        considering\n\
        a)\tthat one;\n\
        \n\
        b)\tthat two [1] noted,\n\
        [1] A line like a note, inside.\n\
        resolves\n\
        1\tto act;\n\
        RESOLUTION 2\n\
        Title of the second\u{a0}one\n\
        The assembly,\n\
        noting\n\
        a) a fact;\n\
        \n\
        \u{a0}RESOLUTION 3 (Rev. Hammamet, 2016)\n\
        Third\n\
        instructs\n\
        1 to report\n";

    #[test]
    fn a_collection_is_cut_at_its_number_lines() {
        let parts = split_collection(COLLECTION).expect("a plain collection");
        let titles: Vec<&str> = parts.iter().map(|p| p.title).collect();
        assert_eq!(
            titles,
            [
                "RESOLUTION 1 (Rev. Dubai, 2012)",
                "RESOLUTION 2",
                "\u{a0}RESOLUTION 3 (Rev. Hammamet, 2016)"
            ]
        );
        for part in &parts {
            assert_eq!(part.line_ends, part.text.matches('\n').count());
        }
        let mut at = 0;
        for line in COLLECTION.split('\n') {
            let role = amend_model::layout::plain_line_role(line);
            assert_eq!(plain_line_role_in(COLLECTION, at, at + line.len()), role);
            at += line.len() + 1;
        }
        let joined: String = parts.iter().map(|p| p.text).collect();
        assert_eq!(joined, COLLECTION);
        assert!(parts_read_as_the_whole(COLLECTION));
    }

    /// Read without ids, a part is the same but for its empty ids, and writes the same.
    #[test]
    fn a_part_read_without_ids_differs_only_in_them() {
        let parts = split_collection(COLLECTION).expect("a plain collection");
        let without = ReadOptions {
            without_ids: true,
            ..ReadOptions::default()
        };
        for part in &parts {
            let with = read_part(part, &ReadOptions::default());
            let bare = read_part(part, &without);
            assert_eq!(crate::write_markdown(&with), crate::write_markdown(&bare));
            let sections = &one(bare).sections;
            assert!(!sections.is_empty());
            for section in sections {
                assert!(section.eid.is_empty() && section.wid.is_empty());
                assert!(section.items.iter().all(|i| i.eid.is_empty()));
            }
            assert!(one(with).sections.iter().all(|s| !s.eid.is_empty()));
        }
    }

    #[test]
    fn texts_the_parts_might_read_otherwise_are_not_cut() {
        let first = COLLECTION.split_once("RESOLUTION 2").map_or("", |(a, _)| a);
        for text in [
            // One resolution, or text before the first.
            first.to_string(),
            format!("Front matter\n{COLLECTION}"),
            format!("\n{COLLECTION}"),
            // A contribution's marks, CR line ends, a BOM, extractor markers.
            format!("{first}MOD CITEL/1\n{COLLECTION}"),
            format!("{first}Contact: A. Delegate\n{COLLECTION}"),
            COLLECTION.replace('\n', "\r\n"),
            format!("\u{feff}{COLLECTION}"),
            COLLECTION.replace("Third", "Third [bookmark: _Ref1]"),
            // A part ending with a line that reads as a note.
            format!("{first}[2] A note.\n\n{COLLECTION}"),
            format!("{COLLECTION}[2] A note.\n"),
        ] {
            assert_eq!(split_collection(&text), None, "{text:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]
        /// Whenever a text is cut, its parts read as the whole does. (Texts start with a
        /// number line, and margin marks and envelope headings are left out, so that most
        /// are cut.)
        #[test]
        fn cut_texts_read_as_the_whole(
            first in proptest::sample::select(vec!["RESOLUTION 9", "Decision 8", "Front"]),
            lines in proptest::collection::vec(
                proptest::sample::select(vec![
                    "RESOLUTION 1", "RESOLUTION 2 (Rev. Dubai, 2012)", "Resolution 3",
                    "\u{a0}RESOLUTION 4", "DECISION 5", "Title words", "(Dubai, 2012)",
                    "The Assembly (Dubai, 2012),", "considering", "further resolves",
                    "a) item text;", "b)\tanother,", "1\tto do;", "1.1 sub", "i) roman",
                    "", "  ", "\u{a0}", "[1] note text", "[2]", "Summary of it",
                    "ANNEX A", "Annex text.", "SECTION 2", "+---+---+", "| a | b |",
                    "text\u{a0}with\u{202f}spaces", "bis) odd",
                ]),
                0..60,
            ),
            end_newline in proptest::bool::ANY,
        ) {
            let mut text = format!("{first}\n{}", lines.join("\n"));
            if end_newline {
                text.push('\n');
            }
            parts_read_as_the_whole(&text);
        }
    }
}
