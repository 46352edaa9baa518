//! The package layer: the zip container read within explicit limits, content types and
//! relationships, and the parts of a WordprocessingML document found through them.

use std::collections::HashMap;
use std::io::{Read, Seek};

use zip::ZipArchive;

use crate::error::DocxError;
use crate::xml::{Ev, Ns, XmlReader, attr, decode, local};

/// Limits that keep hostile input in bounded memory and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most entries the archive may list.
    pub max_entries: usize,
    /// Largest uncompressed size of one part read.
    pub max_entry_size: u64,
    /// Largest uncompressed size of all parts read together.
    pub max_total_size: u64,
    /// Largest compression ratio of a part bigger than [`Limits::RATIO_FLOOR`].
    pub max_ratio: u64,
    /// Deepest element nesting of any XML part.
    pub max_depth: usize,
}

impl Limits {
    /// Parts smaller than this are not subject to the ratio limit.
    pub const RATIO_FLOOR: u64 = 1 << 20;
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_entries: 10_000,
            max_entry_size: 256 << 20,
            max_total_size: 512 << 20,
            max_ratio: 200,
            max_depth: 256,
        }
    }
}

/// One relationship of a part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Relationship {
    pub id: String,
    pub kind: String,
    /// The target part name, resolved against the source part (no leading slash).
    pub target: String,
    pub external: bool,
}

impl Relationship {
    /// Whether the relationship type ends with `/suffix` (transitional or strict URIs).
    pub fn is(&self, suffix: &str) -> bool {
        self.kind
            .rsplit('/')
            .next()
            .is_some_and(|last| last == suffix)
    }
}

/// An opened package, over the bytes in memory or a file read part by part (only the
/// parts asked for are read: an ITU Recommendation's images, most of its bytes, are not).
pub(crate) struct Package<R> {
    archive: ZipArchive<R>,
    /// Lower-cased part name (no leading slash) to entry index.
    names: HashMap<String, usize>,
    limits: Limits,
    total: u64,
}

impl<R: Read + Seek> Package<R> {
    pub fn open(source: R, limits: Limits) -> Result<Self, DocxError> {
        let archive = ZipArchive::new(source).map_err(|e| DocxError::Zip {
            message: e.to_string(),
        })?;
        if archive.len() > limits.max_entries {
            return Err(DocxError::Limit {
                part: "(archive)".into(),
                what: "the number of entries",
                limit: limits.max_entries as u64,
                found: archive.len() as u64,
            });
        }
        let mut names = HashMap::with_capacity(archive.len());
        for i in 0..archive.len() {
            if let Some(Ok(name)) = archive.name_for_index(i) {
                names.insert(name.trim_start_matches('/').to_ascii_lowercase(), i);
            }
        }
        Ok(Self {
            archive,
            names,
            limits,
            total: 0,
        })
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    pub fn has(&self, part: &str) -> bool {
        self.names.contains_key(&part.to_ascii_lowercase())
    }

    /// Reads a part, or `None` when the package has no such part.
    pub fn read(&mut self, part: &str) -> Result<Option<Vec<u8>>, DocxError> {
        let Some(&index) = self.names.get(&part.to_ascii_lowercase()) else {
            return Ok(None);
        };
        let entry_error = |e: &dyn std::fmt::Display| DocxError::Entry {
            part: part.to_string(),
            message: e.to_string(),
        };
        let limits = self.limits;
        let file = self.archive.by_index(index).map_err(|e| entry_error(&e))?;
        let declared = file.size();
        let compressed = file.compressed_size().max(1);
        let limit_error = |what, limit, found| DocxError::Limit {
            part: part.to_string(),
            what,
            limit,
            found,
        };
        if declared > limits.max_entry_size {
            return Err(limit_error(
                "the uncompressed size",
                limits.max_entry_size,
                declared,
            ));
        }
        if declared > Limits::RATIO_FLOOR && declared / compressed > limits.max_ratio {
            return Err(limit_error(
                "the compression ratio",
                limits.max_ratio,
                declared / compressed,
            ));
        }
        // Declared sizes can lie: never read more than the limits allow.
        let room = limits
            .max_entry_size
            .min(limits.max_total_size.saturating_sub(self.total));
        let mut out = Vec::with_capacity(usize::try_from(declared.min(room)).unwrap_or(0));
        let mut reader = file.take(room + 1);
        reader.read_to_end(&mut out).map_err(|e| entry_error(&e))?;
        let size = out.len() as u64;
        if size > limits.max_entry_size {
            return Err(limit_error(
                "the uncompressed size",
                limits.max_entry_size,
                size,
            ));
        }
        if size > Limits::RATIO_FLOOR && size / compressed > limits.max_ratio {
            return Err(limit_error(
                "the compression ratio",
                limits.max_ratio,
                size / compressed,
            ));
        }
        self.total += size;
        if self.total > limits.max_total_size {
            return Err(limit_error(
                "the total uncompressed size",
                limits.max_total_size,
                self.total,
            ));
        }
        Ok(Some(out))
    }

    /// Reads a part that must exist.
    pub fn require(&mut self, part: &str, why: &str) -> Result<Vec<u8>, DocxError> {
        self.read(part)?.ok_or_else(|| DocxError::MissingPart {
            part: part.to_string(),
            why: why.to_string(),
        })
    }

    /// The relationships of `part` (empty when it has none).
    pub fn relationships(&mut self, part: &str) -> Result<Vec<Relationship>, DocxError> {
        let rels_name = rels_part(part);
        let Some(bytes) = self.read(&rels_name)? else {
            return Ok(Vec::new());
        };
        let text = decode(&rels_name, &bytes)?;
        let mut reader = XmlReader::new(&rels_name, &text, self.limits.max_depth);
        let mut out = Vec::new();
        loop {
            match reader.next()? {
                Ev::Start(Ns::Rel | Ns::Other, e) if local(&e) == "Relationship" => {
                    let external = attr(&e, "TargetMode").as_deref() == Some("External");
                    let target = attr(&e, "Target").unwrap_or_default();
                    out.push(Relationship {
                        id: attr(&e, "Id").unwrap_or_default().into_owned(),
                        kind: attr(&e, "Type").unwrap_or_default().into_owned(),
                        target: if external {
                            target.into_owned()
                        } else {
                            resolve_target(part, &target)
                        },
                        external,
                    });
                }
                Ev::Eof => break,
                _ => {}
            }
        }
        Ok(out)
    }

    /// The main document part, found through `_rels/.rels`, else through the content
    /// types.
    pub fn main_part(&mut self) -> Result<String, DocxError> {
        let content_types = self.require(
            "[Content_Types].xml",
            "every Office Open XML package has one",
        )?;
        let rels = self.relationships("")?;
        if let Some(rel) = rels.iter().find(|r| r.is("officeDocument") && !r.external) {
            if self.has(&rel.target) {
                return Ok(rel.target.clone());
            }
            return Err(DocxError::MissingPart {
                part: rel.target.clone(),
                why: "the main document named by `_rels/.rels`".into(),
            });
        }
        // No package relationship: the content types may still name the main part.
        let name = "[Content_Types].xml";
        let text = decode(name, &content_types)?;
        let mut reader = XmlReader::new(name, &text, self.limits.max_depth);
        loop {
            match reader.next()? {
                Ev::Start(_, e) if local(&e) == "Override" => {
                    let kind = attr(&e, "ContentType").unwrap_or_default();
                    if kind.contains("wordprocessingml.document.main+xml")
                        || kind.contains("wordprocessingml.template.main+xml")
                    {
                        let part = attr(&e, "PartName").unwrap_or_default();
                        return Ok(part.trim_start_matches('/').to_string());
                    }
                }
                Ev::Eof => break,
                _ => {}
            }
        }
        Err(DocxError::MissingPart {
            part: "_rels/.rels".into(),
            why: "no relationship or content type names the main document".into(),
        })
    }
}

/// The relationships part of `part` (`word/document.xml` → `word/_rels/document.xml.rels`).
pub(crate) fn rels_part(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None if part.is_empty() => "_rels/.rels".into(),
        None => format!("_rels/{part}.rels"),
    }
}

/// Resolves a relationship target against its source part.
pub(crate) fn resolve_target(source: &str, target: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    if !target.starts_with('/')
        && let Some((dir, _)) = source.rsplit_once('/')
    {
        segments.extend(dir.split('/').filter(|s| !s.is_empty()));
    }
    for segment in target.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    segments.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_against_their_source() {
        assert_eq!(rels_part(""), "_rels/.rels");
        assert_eq!(
            rels_part("word/document.xml"),
            "word/_rels/document.xml.rels"
        );
        assert_eq!(resolve_target("", "word/document.xml"), "word/document.xml");
        assert_eq!(
            resolve_target("word/document.xml", "styles.xml"),
            "word/styles.xml"
        );
        assert_eq!(
            resolve_target("word/document.xml", "/custom/x.xml"),
            "custom/x.xml"
        );
        assert_eq!(resolve_target("word/document.xml", "../x.xml"), "x.xml");
    }
}
