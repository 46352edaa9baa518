//! Reading an uploaded or imported file with the reader its format needs: plain text
//! (ITU and UN layouts, flattened text included), CriticMarkup, Word `.docx`.

use amend_model::Document;
use amend_store::NewDocument;

/// The largest file accepted (bytes).
pub const MAX_FILE: usize = 64 * 1024 * 1024;

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{0}: empty file")]
    Empty(String),
    #[error("{0}: larger than the {MAX_FILE} byte limit")]
    TooLarge(String),
    #[error("{0}: not a readable format (plain text, CriticMarkup .md or Word .docx): {1}")]
    Unreadable(String, String),
    #[error("{0}: {1}")]
    Docx(String, amend_docx::DocxError),
}

/// A file read into the model.
pub struct Read {
    /// `text`, `md` or `docx`.
    pub format: &'static str,
    /// The text the spans of the document point into (for `.docx`, its accepted view
    /// is not the source, so spans are left out of the JSON).
    pub text: String,
    pub document: Document,
}

fn extension(name: &str) -> String {
    std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default()
}

/// Reads `bytes` named `name`, recognising the format from the extension and content.
pub fn read(name: &str, bytes: &[u8]) -> Result<Read, IngestError> {
    if bytes.len() > MAX_FILE {
        return Err(IngestError::TooLarge(name.to_string()));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(IngestError::Empty(name.to_string()));
    }
    let ext = extension(name);
    if ext == "docx" || bytes.starts_with(b"PK\x03\x04") {
        let document = amend_docx::read_docx(bytes, &amend_docx::ReadOptions::default())
            .map_err(|e| IngestError::Docx(name.to_string(), e))?;
        return Ok(Read {
            format: "docx",
            text: String::new(),
            document,
        });
    }
    if bytes.contains(&0) {
        return Err(IngestError::Unreadable(
            name.to_string(),
            "binary content".into(),
        ));
    }
    let text = String::from_utf8(bytes.to_vec())
        .map_err(|e| IngestError::Unreadable(name.to_string(), e.to_string()))?;
    let critic = matches!(ext.as_str(), "md" | "markdown" | "critic")
        || (!matches!(ext.as_str(), "txt" | "text") && amend_text::has_critic_marks(&text));
    let options = amend_text::ReadOptions::default();
    let (format, markup) = if critic {
        ("md", amend_text::Markup::Critic)
    } else {
        ("text", amend_text::Markup::Plain)
    };
    let document = amend_text::read(&text, markup, &options);
    Ok(Read {
        format,
        text,
        document,
    })
}

/// Reads a file and prepares the rows the store writes for it.
pub fn prepare(name: &str, bytes: &[u8]) -> Result<NewDocument, IngestError> {
    let read = read(name, bytes)?;
    Ok(amend_store::prepare(
        name,
        read.format,
        bytes,
        &read.text,
        &read.document,
    ))
}
