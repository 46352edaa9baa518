//! Errors of the .docx reader and writer. Every error names the part it concerns and,
//! for XML, the byte offset with its line and column.

use thiserror::Error;

/// Where in a part something went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Byte offset in the (decoded) part.
    pub offset: u64,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` in `text`.
    pub(crate) fn in_text(text: &str, offset: u64) -> Self {
        let end = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(text.len());
        let mut cut = end;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let before = &text[..cut];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Self {
            offset,
            line,
            column,
        }
    }
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {} (byte {})",
            self.line, self.column, self.offset
        )
    }
}

/// What can go wrong reading or writing a .docx file.
#[derive(Debug, Error)]
pub enum DocxError {
    /// The bytes are not a readable zip archive.
    #[error("not a readable .docx (zip) package: {message}")]
    Zip { message: String },

    /// An entry of the archive cannot be read.
    #[error("`{part}`: cannot read the zip entry: {message}")]
    Entry { part: String, message: String },

    /// A limit against hostile input was exceeded.
    #[error("`{part}`: {what} exceeds the limit of {limit} (found {found})")]
    Limit {
        part: String,
        what: &'static str,
        limit: u64,
        found: u64,
    },

    /// A part the package needs is absent.
    #[error("`{part}`: missing part ({why})")]
    MissingPart { part: String, why: String },

    /// A part is not well-formed XML (or not UTF-8/UTF-16).
    #[error("`{part}` at {at}: malformed XML: {message}")]
    Xml {
        part: String,
        at: Position,
        message: String,
    },

    /// A document type declaration: never processed, so entities are never expanded.
    #[error(
        "`{part}` at {at}: document type declarations are not allowed (entities are never expanded)"
    )]
    Dtd { part: String, at: Position },

    /// An entity reference other than the five XML ones.
    #[error("`{part}` at {at}: undeclared entity `&{name};` (entities are never expanded)")]
    Entity {
        part: String,
        at: Position,
        name: String,
    },

    /// Elements nested deeper than the limit.
    #[error("`{part}` at {at}: elements nested deeper than the limit of {limit}")]
    TooDeep {
        part: String,
        at: Position,
        limit: usize,
    },

    /// The writer could not build the package.
    #[error("writing `{part}`: {message}")]
    Write { part: String, message: String },
}

impl DocxError {
    /// The part the error concerns (empty for errors about the whole archive).
    pub fn part(&self) -> &str {
        match self {
            DocxError::Zip { .. } => "",
            DocxError::Entry { part, .. }
            | DocxError::Limit { part, .. }
            | DocxError::MissingPart { part, .. }
            | DocxError::Xml { part, .. }
            | DocxError::Dtd { part, .. }
            | DocxError::Entity { part, .. }
            | DocxError::TooDeep { part, .. }
            | DocxError::Write { part, .. } => part,
        }
    }

    /// The position in the part, for XML errors.
    pub fn position(&self) -> Option<Position> {
        match self {
            DocxError::Xml { at, .. }
            | DocxError::Dtd { at, .. }
            | DocxError::Entity { at, .. }
            | DocxError::TooDeep { at, .. } => Some(*at),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "ab\nçd";
        let at = Position::in_text(text, 5);
        assert_eq!((at.line, at.column), (2, 2));
        assert_eq!(Position::in_text(text, 99).line, 2);
    }
}
