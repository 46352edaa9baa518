//! Reading input files: bytes from a path or standard input, the format recognised from
//! the extension and the content, and errors that name the file and position.

use std::io::Read;
use std::path::Path;

use amend_model::{Document, LineIndex};
use amend_text::{Markup, ReadOptions};

/// The largest input read (bytes): larger files are refused rather than exhausting memory.
pub const MAX_INPUT: u64 = 256 * 1024 * 1024;

/// An input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Plain text in the ITU or UN layout (flattened text included).
    Text,
    /// The plain-text layout with CriticMarkup.
    Md,
    /// Word .docx, revisions included.
    Docx,
    /// Akoma Ntoso XML.
    Akn,
}

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: larger than the {limit} byte limit")]
    TooLarge { file: String, limit: u64 },
    #[error("{file}:{line}:{column}: not valid UTF-8 text (byte {offset})")]
    NotUtf8 {
        file: String,
        line: usize,
        column: usize,
        offset: usize,
    },
    #[error("{file}: empty input")]
    Empty { file: String },
    #[error("{file}:1:1: binary content (NUL byte at offset {offset}); not a text document")]
    Binary { file: String, offset: usize },
}

/// A loaded input.
pub struct Input {
    pub name: String,
    pub text: String,
    pub format: Format,
}

/// Reads `path` (`-` for standard input) and recognises its format.
pub fn load(path: &str, forced: Option<Format>) -> Result<Input, InputError> {
    let name = if path == "-" {
        "<stdin>".to_string()
    } else {
        path.to_string()
    };
    let bytes = read_bytes(path)?;
    check_bytes(&name, &bytes)?;
    let text =
        String::from_utf8(bytes).map_err(|e| not_utf8(&name, e.as_bytes(), e.utf8_error()))?;
    let format = forced.unwrap_or_else(|| detect(path, &text));
    Ok(Input { name, text, format })
}

/// Why these bytes are no text document, if they are empty or binary.
fn check_bytes(name: &str, bytes: &[u8]) -> Result<(), InputError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(InputError::Empty {
            file: name.to_string(),
        });
    }
    if let Some(offset) = memchr::memchr(0, bytes) {
        return Err(InputError::Binary {
            file: name.to_string(),
            offset,
        });
    }
    Ok(())
}

/// The error for bytes that are not UTF-8, with the line and column where they stop being.
fn not_utf8(name: &str, bytes: &[u8], e: std::str::Utf8Error) -> InputError {
    let offset = e.valid_up_to();
    let valid = String::from_utf8_lossy(&bytes[..offset]).into_owned();
    let at = LineIndex::new(&valid).line_column(offset);
    InputError::NotUtf8 {
        file: name.to_string(),
        line: at.line,
        column: at.column,
        offset,
    }
}

/// A text file mapped into memory instead of read into a buffer: its pages are the page
/// cache's own, so a large input that is only read costs no copy and no fresh pages.
pub struct MappedInput {
    pub name: String,
    map: memmap2::Mmap,
}

impl MappedInput {
    /// Maps the file at `path` (within [`MAX_INPUT`]); `None` for standard input and for
    /// an empty file (which `load` reports).
    pub fn open(path: &str) -> Result<Option<Self>, InputError> {
        if path == "-" {
            return Ok(None);
        }
        let (file, len) = open_within_limit(path)?;
        if len == 0 {
            return Ok(None);
        }
        // SAFETY: the map is only read. Another process truncating the file while it is
        // mapped would end this one with SIGBUS, the risk every tool that maps its
        // inputs takes; nothing here writes through the map.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|source| InputError::Io {
            file: path.to_string(),
            source,
        })?;
        Ok(Some(Self {
            name: path.to_string(),
            map,
        }))
    }

    /// The text, checked as [`load`] checks it, and its format.
    pub fn text(&self, forced: Option<Format>) -> Result<(&str, Format), InputError> {
        check_bytes(&self.name, &self.map)?;
        // A large input is checked 32 bytes at a time (the standard check is some six
        // times slower, and it runs before the work can start); only a failure is checked
        // again, for the position the error names.
        let text = match simdutf8::basic::from_utf8(&self.map) {
            Ok(text) => text,
            Err(_) => {
                std::str::from_utf8(&self.map).map_err(|e| not_utf8(&self.name, &self.map, e))?
            }
        };
        Ok((text, forced.unwrap_or_else(|| detect(&self.name, text))))
    }
}

/// The format from the extension, else from the content.
pub fn detect(path: &str, text: &str) -> Format {
    let ext = Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("md" | "markdown" | "critic") => Format::Md,
        Some("txt" | "text") => Format::Text,
        _ if amend_akn::is_akn(text) => Format::Akn,
        _ if amend_text::has_critic_marks(text) => Format::Md,
        _ => Format::Text,
    }
}

/// Whether a path or its first bytes say Word .docx (a ZIP package).
pub fn is_docx(path: &str, head: &[u8]) -> bool {
    path.to_ascii_lowercase().ends_with(".docx") || head.starts_with(b"PK\x03\x04")
}

/// Whether `path` is to be read as a Word .docx: forced, or by its name or first bytes.
pub fn wants_docx(path: &str, forced: Option<Format>) -> bool {
    match forced {
        Some(Format::Docx) => true,
        Some(_) => false,
        None if path == "-" => false,
        None => {
            let mut head = [0u8; 4];
            let n = std::fs::File::open(path)
                .and_then(|mut f| f.read(&mut head))
                .unwrap_or(0);
            is_docx(path, &head[..n])
        }
    }
}

/// Reads any supported input into the model: text, CriticMarkup, .docx, Akoma Ntoso.
/// Text inputs also come back as [`Input`] (for positions in diagnostics).
pub fn read_document(
    path: &str,
    forced: Option<Format>,
    options: &ReadOptions,
) -> anyhow::Result<(Option<Input>, Document)> {
    if wants_docx(path, forced) {
        let docx_options = amend_docx::ReadOptions {
            source: options.source.clone(),
            ..amend_docx::ReadOptions::default()
        };
        // A file is read part by part: only the parts the text needs, not the images that
        // are most of a large Recommendation's bytes. Standard input is read whole.
        let read = if path == "-" {
            amend_docx::read_docx(&read_bytes(path)?, &docx_options)
        } else {
            let (file, _) = open_within_limit(path)?;
            amend_docx::read_docx_from(std::io::BufReader::new(file), &docx_options)
        };
        let doc = read.map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
        return Ok((None, doc));
    }
    let input = load(path, forced)?;
    let doc = read_loaded(&input, options)?;
    Ok((Some(input), doc))
}

/// Reads a loaded text input (plain, CriticMarkup or Akoma Ntoso) into the model.
pub fn read_loaded(input: &Input, options: &ReadOptions) -> anyhow::Result<Document> {
    Ok(match input.format {
        Format::Akn => {
            amend_akn::from_akn(&input.text).map_err(|e| anyhow::anyhow!("{}:{e}", input.name))?
        }
        _ => parse(input, options),
    })
}

/// The bytes of a file or of standard input, within [`MAX_INPUT`].
pub fn read_bytes(path: &str) -> Result<Vec<u8>, InputError> {
    let name = if path == "-" { "<stdin>" } else { path }.to_string();
    let io = |source| InputError::Io {
        file: name.clone(),
        source,
    };
    let mut bytes = Vec::new();
    if path == "-" {
        std::io::stdin()
            .take(MAX_INPUT + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
    } else {
        let (file, len) = open_within_limit(path)?;
        // Sized from the file's length: one read instead of a doubling buffer (each
        // growth copies and faults in fresh pages, a measurable part of a short run).
        bytes.reserve_exact(usize::try_from(len).unwrap_or(0).saturating_add(1));
        file.take(MAX_INPUT + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
    }
    if bytes.len() as u64 > MAX_INPUT {
        return Err(InputError::TooLarge {
            file: name,
            limit: MAX_INPUT,
        });
    }
    Ok(bytes)
}

/// Opens a file and its length, refusing one larger than [`MAX_INPUT`] before anything is
/// read. (The length can still change while the file is read: readers also stop at the
/// limit.)
fn open_within_limit(path: &str) -> Result<(std::fs::File, u64), InputError> {
    let io = |source| InputError::Io {
        file: path.to_string(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len > MAX_INPUT {
        return Err(InputError::TooLarge {
            file: path.to_string(),
            limit: MAX_INPUT,
        });
    }
    Ok((file, len))
}

/// Parses a loaded input into the model.
pub fn parse(input: &Input, options: &ReadOptions) -> Document {
    let markup = match input.format {
        Format::Md => Markup::Critic,
        // Binary and XML formats are read by `read_document`; as text they are plain.
        Format::Text | Format::Docx | Format::Akn => Markup::Plain,
    };
    amend_text::read(&input.text, markup, options)
}
