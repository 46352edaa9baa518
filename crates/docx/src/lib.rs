//! # amend-docx
//!
//! Word `.docx` for amend. The reader streams the package (found through its content
//! types and relationships) with explicit limits against hostile input, and reads every
//! revision into the document model: insertions, deletions, moves (linked through their
//! range markers), paragraph-mark insertions and deletions, property and numbering
//! changes, table row and cell insertions and deletions, plus comments and footnotes.
//! Automatic numbering is computed from `numbering.xml` for the accepted and the
//! rejected text. The writer produces a minimal package whose changes are real Word
//! revisions.
//!
//! ```no_run
//! let bytes = std::fs::read("proposal.docx").unwrap();
//! let doc = amend_docx::read_docx(&bytes, &amend_docx::ReadOptions::default()).unwrap();
//! let accepted = amend_docx::document_text(&doc, amend_model::View::Accepted);
//! let docx = amend_docx::write_docx(&doc, &amend_docx::WriteOptions::default()).unwrap();
//! # let _ = (accepted, docx);
//! ```
//!
//! ## Semantics worth knowing
//! - Accepting a deleted paragraph mark joins the paragraph with the next one as Word,
//!   LibreOffice and Open-XML-PowerTools do (no space is added); a tracked mark on the
//!   last paragraph keeps its text.
//! - Text inserted and then deleted (`w:del` inside `w:ins` or `w:moveTo`) is in neither
//!   text: it is a [`ChangeKind::DeletedInsertion`](amend_model::ChangeKind) mark with
//!   the deletion's author and date, whose `detail` names the insertion (`inserted by A
//!   on D`); the writer writes it back as a deletion inside an insertion (or inside the
//!   move's new place). A paragraph mark inserted and then deleted is a
//!   `DeletedInsertion` mark on the paragraph: it runs on into the next in both texts.
//! - Footnote and endnote references become `[n]` markers numbered in order of
//!   reference (a custom mark such as `2` is replaced by its number); the notes follow in
//!   [`Document::footnotes`](amend_model::Document).
//! - Fields keep their result and drop their instruction; `mc:AlternateContent` takes
//!   its first choice; headers and footers are not read.
//! - List labels in [`Paragraph::list_label`](amend_model::layout::Paragraph) are those
//!   of the accepted text (of the rejected text for a paragraph only there);
//!   [`DocxParagraphs::rejected_labels`] holds the rejected text's labels.

mod error;
mod numbering;
mod package;
mod reader;
mod text;
mod writer;
mod xml;

use std::collections::HashMap;
use std::io::{Cursor, Read, Seek};

use amend_model::content::{Content, Span, View};
use amend_model::layout::{self, LayoutInput, Paragraph};
use amend_model::{Document, Footnote, SourceSpan};

pub use error::{DocxError, Position};
pub use package::Limits;
pub use text::{document_text, paragraphs_text};
pub use writer::{WriteOptions, write_docx, write_paragraphs};

use crate::numbering::{Numbering, Styles};
use crate::package::Package;
use crate::reader::{BodyParser, Context, NoteRef};
use crate::xml::{Ev, Ns, XmlReader, attr, decode, local};

/// How to read a `.docx` file.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Limits against hostile input.
    pub limits: Limits,
    /// The contribution's source given by the user, overriding detection.
    pub source: Option<String>,
    /// Keep reviewers' comments as comment marks (never part of either text).
    pub comments: bool,
}

/// The paragraphs and notes of a `.docx` file, before the layout rules.
#[derive(Debug, Clone, Default)]
pub struct DocxParagraphs {
    /// The body's paragraphs and table rows, in order.
    pub paragraphs: Vec<Paragraph>,
    /// For each paragraph, its list label in the rejected text.
    pub rejected_labels: Vec<Option<String>>,
    /// Footnotes and endnotes in the order of their references, markers `1`, `2`….
    pub footnotes: Vec<Footnote>,
    /// The part the body was read from (`word/document.xml`).
    pub main_part: String,
}

impl DocxParagraphs {
    /// The text of the paragraphs and notes in one view.
    pub fn text(&self, view: View) -> String {
        paragraphs_text(
            &self.paragraphs,
            Some(&self.rejected_labels),
            &self.footnotes,
            view,
        )
    }
}

/// Reads the paragraphs, labels and notes of a `.docx` file.
pub fn read_paragraphs(bytes: &[u8], options: &ReadOptions) -> Result<DocxParagraphs, DocxError> {
    paragraphs_from(Cursor::new(bytes), options)
}

/// [`read_paragraphs`] from a file or any seekable source.
fn paragraphs_from<R: Read + Seek>(
    source: R,
    options: &ReadOptions,
) -> Result<DocxParagraphs, DocxError> {
    let mut package = Package::open(source, options.limits)?;
    let limits = package.limits();
    let main = package.main_part()?;
    let rels = package.relationships(&main)?;
    let target = |suffix: &str| {
        rels.iter()
            .find(|r| r.is(suffix) && !r.external)
            .map(|r| r.target.clone())
    };

    let styles = match target("styles") {
        Some(part) => match package.read(&part)? {
            Some(bytes) => Styles::parse(&part, &decode(&part, &bytes)?, limits.max_depth)?,
            None => Styles::default(),
        },
        None => Styles::default(),
    };
    let numbering = match target("numbering") {
        Some(part) => match package.read(&part)? {
            Some(bytes) => Numbering::parse(&part, &decode(&part, &bytes)?, limits.max_depth)?,
            None => Numbering::default(),
        },
        None => Numbering::default(),
    };
    let mut ctx = Context {
        styles,
        numbering,
        comments: HashMap::new(),
        include_comments: options.comments,
    };
    if options.comments
        && let Some(part) = target("comments")
        && let Some(bytes) = package.read(&part)?
    {
        let text = decode(&part, &bytes)?;
        let stories = read_stories(&mut ctx, &part, &text, "comment", limits)?;
        ctx.comments = stories
            .into_iter()
            .map(|s| (s.id, (s.author, s.date, s.content.written())))
            .collect();
    }

    let bytes = package.require(&main, "the main document")?;
    let text = decode(&main, &bytes)?;
    let mut reader = XmlReader::new(&main, &text, limits.max_depth);
    let mut parser = BodyParser::new(&mut ctx, 0);
    parser.run(&mut reader, 0)?;
    let notes = std::mem::take(&mut parser.notes);
    let paras = std::mem::take(&mut parser.out);
    drop(parser);

    let mut footnotes = Vec::new();
    if !notes.is_empty() {
        let mut stories: HashMap<(bool, String), Content> = HashMap::new();
        for (endnote, suffix, element) in [
            (false, "footnotes", "footnote"),
            (true, "endnotes", "endnote"),
        ] {
            if !notes.iter().any(|n| n.endnote == endnote) {
                continue;
            }
            let Some(part) = target(suffix) else { continue };
            let Some(bytes) = package.read(&part)? else {
                continue;
            };
            let text = decode(&part, &bytes)?;
            for story in read_stories(&mut ctx, &part, &text, element, limits)? {
                stories.insert((endnote, story.id), story.content);
            }
        }
        for NoteRef {
            endnote,
            id,
            marker,
            change,
        } in notes
        {
            let mut content = stories.remove(&(endnote, id)).unwrap_or_default().trimmed();
            // A note whose reference was inserted or deleted was inserted or deleted whole.
            if let Some(change) = &change {
                content = content.mark_all(change);
            }
            footnotes.push(Footnote {
                marker,
                content,
                mark: change.map(Box::new),
                span: SourceSpan::default(),
            });
        }
    }

    let mut paragraphs = Vec::with_capacity(paras.len());
    let mut rejected_labels = Vec::with_capacity(paras.len());
    for p in paras {
        paragraphs.push(p.paragraph);
        rejected_labels.push(p.rejected_label);
    }
    Ok(DocxParagraphs {
        paragraphs,
        rejected_labels,
        footnotes,
        main_part: main,
    })
}

/// Reads a `.docx` file into the document model: paragraphs, styles, labels and notes,
/// then the layout rules every reader shares.
pub fn read_docx(bytes: &[u8], options: &ReadOptions) -> Result<Document, DocxError> {
    read_docx_from(Cursor::new(bytes), options)
}

/// [`read_docx`] from a file or any seekable source: only the parts the text needs are
/// read (the main document, styles, numbering, notes, comments and their relationships),
/// not the images that make up most of a large Recommendation's bytes.
pub fn read_docx_from<R: Read + Seek>(
    source: R,
    options: &ReadOptions,
) -> Result<Document, DocxError> {
    let read = paragraphs_from(source, options)?;
    Ok(layout::build(LayoutInput {
        paragraphs: read.paragraphs,
        footnotes: read.footnotes,
        removed_markers: Vec::new(),
        source: options.source.clone(),
        ..LayoutInput::default()
    }))
}

/// The entry point for fuzzing: reads arbitrary bytes as a `.docx` file with the default
/// limits and never panics; the result says whether they were readable.
pub fn fuzz_read(bytes: &[u8]) -> bool {
    read_docx(bytes, &ReadOptions::default()).is_ok()
}

/// The entry point for fuzzing the XML layer: parses arbitrary bytes as the main
/// document part and never panics.
pub fn fuzz_read_part(bytes: &[u8]) -> bool {
    let part = "word/document.xml";
    let Ok(text) = decode(part, bytes) else {
        return false;
    };
    let mut ctx = Context {
        styles: Styles::default(),
        numbering: Numbering::default(),
        comments: HashMap::new(),
        include_comments: false,
    };
    let mut reader = XmlReader::new(part, &text, Limits::default().max_depth);
    BodyParser::new(&mut ctx, 0).run(&mut reader, 0).is_ok()
}

struct Story {
    id: String,
    author: Option<String>,
    date: Option<String>,
    content: Content,
}

/// Reads the notes or comments of a part (`w:footnote`, `w:endnote`, `w:comment`).
fn read_stories(
    ctx: &mut Context,
    part: &str,
    text: &str,
    element: &str,
    limits: Limits,
) -> Result<Vec<Story>, DocxError> {
    let mut reader = XmlReader::new(part, text, limits.max_depth);
    let mut out = Vec::new();
    loop {
        match reader.next()? {
            Ev::Start(Ns::W, e) if local(&e) == element => {
                let id = attr(&e, "id").unwrap_or_default().into_owned();
                let author = attr(&e, "author").map(|a| a.into_owned());
                let date = attr(&e, "date").map(|a| a.into_owned());
                let separator = matches!(
                    attr(&e, "type").as_deref(),
                    Some("separator" | "continuationSeparator" | "continuationNotice")
                );
                let depth = reader.depth();
                let mut parser = BodyParser::new(ctx, 0);
                parser.run(&mut reader, depth)?;
                if separator {
                    continue;
                }
                let mut content = Content::new();
                for (i, p) in parser.out.into_iter().enumerate() {
                    if i > 0 {
                        content.push(Span::plain("\n"));
                    }
                    content = content.concat(p.paragraph.content);
                }
                out.push(Story {
                    id,
                    author,
                    date,
                    content,
                });
            }
            Ev::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// Builders of small packages for tests and fuzzing harnesses.
#[doc(hidden)]
pub mod testing {
    use std::io::{Cursor, Write};

    use zip::write::SimpleFileOptions;

    /// A zip archive of the given parts (deflated).
    pub fn package(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in parts {
            if zip.start_file(*name, options).is_err() || zip.write_all(bytes).is_err() {
                return Vec::new();
            }
        }
        zip.finish().map(Cursor::into_inner).unwrap_or_default()
    }

    pub const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    pub const PACKAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

    /// The main document part around `body` (the content of `w:body`).
    pub fn document_xml(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
        )
    }

    /// A minimal package whose main document holds `body`.
    pub fn docx_with_body(body: &str) -> Vec<u8> {
        let document = document_xml(body);
        package(&[
            ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
            ("_rels/.rels", PACKAGE_RELS.as_bytes()),
            ("word/document.xml", document.as_bytes()),
        ])
    }
}
