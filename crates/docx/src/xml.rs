//! A thin streaming layer over quick-xml: namespaces resolved to the few that matter,
//! entity references resolved (the five XML ones and character references only),
//! document type declarations refused, nesting depth bounded, errors located.

use std::borrow::Cow;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesEnd, BytesStart, Event};
use quick_xml::reader::Reader;

use crate::error::{DocxError, Position};

/// The namespaces the reader distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ns {
    /// WordprocessingML (transitional or strict).
    W,
    /// Markup compatibility (`mc:AlternateContent`).
    Mc,
    /// Package relationships (`_rels/*.rels`).
    Rel,
    /// Content types (`[Content_Types].xml`).
    Ct,
    /// Office math (`m:t`).
    Math,
    /// Anything else.
    Other,
}

fn classify(ns: &str) -> Ns {
    match ns {
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        | "http://purl.oclc.org/ooxml/wordprocessingml/main" => Ns::W,
        "http://schemas.openxmlformats.org/markup-compatibility/2006" => Ns::Mc,
        "http://schemas.openxmlformats.org/package/2006/relationships" => Ns::Rel,
        "http://schemas.openxmlformats.org/package/2006/content-types" => Ns::Ct,
        "http://schemas.openxmlformats.org/officeDocument/2006/math" => Ns::Math,
        _ => Ns::Other,
    }
}

/// One event of a part.
pub(crate) enum Ev<'a> {
    Start(Ns, BytesStart<'a>),
    End(Ns, BytesEnd<'a>),
    Text(Cow<'a, str>),
    /// A resolved character or predefined entity reference.
    Char(char),
    Eof,
}

/// Decodes a part to text: UTF-8 (with or without BOM) or UTF-16 with a BOM.
pub(crate) fn decode<'a>(part: &str, bytes: &'a [u8]) -> Result<Cow<'a, str>, DocxError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(part, rest).map(Cow::Borrowed);
    }
    let utf16 = |rest: &[u8], le: bool| -> Result<Cow<'a, str>, DocxError> {
        let units = rest.chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        let mut out = String::with_capacity(rest.len() / 2);
        for (i, unit) in char::decode_utf16(units).enumerate() {
            match unit {
                Ok(c) => out.push(c),
                Err(_) => {
                    return Err(DocxError::Xml {
                        part: part.to_string(),
                        at: Position::in_text(&out, (i * 2) as u64),
                        message: "invalid UTF-16".into(),
                    });
                }
            }
        }
        Ok(Cow::Owned(out))
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, false);
    }
    utf8(part, bytes).map(Cow::Borrowed)
}

fn utf8<'a>(part: &str, bytes: &'a [u8]) -> Result<&'a str, DocxError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = e.valid_up_to();
        let text = std::str::from_utf8(&bytes[..valid]).unwrap_or("");
        DocxError::Xml {
            part: part.to_string(),
            at: Position::in_text(text, valid as u64),
            message: "invalid UTF-8".into(),
        }
    })
}

/// A pull reader over one part.
///
/// Namespaces are resolved here rather than by quick-xml's resolver: declarations are
/// rare (nearly all sit on the root element), so a small binding stack with a cache of
/// resolved prefixes is much cheaper than resolving every name from scratch.
pub(crate) struct XmlReader<'a> {
    reader: Reader<&'a [u8]>,
    text: &'a str,
    part: &'a str,
    depth: usize,
    max_depth: usize,
    /// Namespace declarations in scope: depth of the declaring element, prefix (empty
    /// for the default namespace), namespace.
    bindings: Vec<(usize, String, Ns)>,
    /// Prefixes resolved since the bindings last changed.
    cache: Vec<(String, Ns)>,
}

impl<'a> XmlReader<'a> {
    pub(crate) fn new(part: &'a str, text: &'a str, max_depth: usize) -> Self {
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        Self {
            reader,
            text,
            part,
            depth: 0,
            max_depth,
            bindings: Vec::new(),
            cache: Vec::new(),
        }
    }

    /// The namespace of a qualified name in the current scope.
    fn resolve(&mut self, qname: &str) -> Ns {
        let prefix = colon(qname).map_or("", |i| &qname[..i]);
        if let Some((_, ns)) = self.cache.iter().find(|(p, _)| p == prefix) {
            return *ns;
        }
        let ns = self
            .bindings
            .iter()
            .rev()
            .find(|(_, p, _)| p == prefix)
            .map_or(Ns::Other, |(_, _, ns)| *ns);
        if self.cache.len() < 64 {
            self.cache.push((prefix.to_string(), ns));
        }
        ns
    }

    /// Records the namespace declarations of an element at the current depth.
    fn declare(&mut self, e: &BytesStart<'_>) {
        if !declares_namespace(e.attributes_raw()) {
            return;
        }
        for a in e.attributes().with_checks(false).flatten() {
            let key = a.key.0;
            let prefix = if key == "xmlns" {
                ""
            } else if let Some(p) = key.strip_prefix("xmlns:") {
                p
            } else {
                continue;
            };
            let uri = a
                .normalized_value(XmlVersion::Implicit1_0)
                .unwrap_or_default();
            // Bounded: hostile parts cannot grow the scope without limit.
            if self.bindings.len() < 256 {
                self.bindings
                    .push((self.depth, prefix.to_string(), classify(&uri)));
                self.cache.clear();
            }
        }
    }

    /// The current depth (number of open elements).
    pub(crate) fn depth(&self) -> usize {
        self.depth
    }

    /// The byte offset after the last event.
    pub(crate) fn offset(&self) -> u64 {
        self.reader.buffer_position()
    }

    pub(crate) fn error(&self, message: impl Into<String>) -> DocxError {
        DocxError::Xml {
            part: self.part.to_string(),
            at: Position::in_text(self.text, self.reader.buffer_position()),
            message: message.into(),
        }
    }

    fn at(&self, offset: u64) -> Position {
        Position::in_text(self.text, offset)
    }

    pub(crate) fn next(&mut self) -> Result<Ev<'a>, DocxError> {
        loop {
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(e) => {
                    return Err(DocxError::Xml {
                        part: self.part.to_string(),
                        at: self.at(self.reader.error_position()),
                        message: e.to_string(),
                    });
                }
            };
            match event {
                Event::Start(e) | Event::Empty(e) => {
                    // (Empty elements are expanded: `Empty` is not produced.)
                    self.depth += 1;
                    if self.depth > self.max_depth {
                        return Err(DocxError::TooDeep {
                            part: self.part.to_string(),
                            at: self.at(self.reader.buffer_position()),
                            limit: self.max_depth,
                        });
                    }
                    self.declare(&e);
                    let ns = self.resolve(e.name().0);
                    return Ok(Ev::Start(ns, e));
                }
                Event::End(e) => {
                    let ns = self.resolve(e.name().0);
                    if self.bindings.last().is_some_and(|b| b.0 == self.depth) {
                        while self.bindings.last().is_some_and(|b| b.0 == self.depth) {
                            self.bindings.pop();
                        }
                        self.cache.clear();
                    }
                    self.depth = self.depth.saturating_sub(1);
                    return Ok(Ev::End(ns, e));
                }
                Event::Text(t) => return Ok(Ev::Text(t.xml10_content())),
                Event::CData(t) => return Ok(Ev::Text(t.xml10_content())),
                Event::GeneralRef(r) => {
                    if r.is_char_ref() {
                        return match r.resolve_char_ref() {
                            Ok(Some(c)) => Ok(Ev::Char(c)),
                            _ => Err(self.error(format!(
                                "invalid character reference `&{};`",
                                r.xml10_content()
                            ))),
                        };
                    }
                    let c = match r.xml10_content().as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => {
                            return Err(DocxError::Entity {
                                part: self.part.to_string(),
                                at: self.at(self.reader.buffer_position()),
                                name: other.chars().take(64).collect(),
                            });
                        }
                    };
                    return Ok(Ev::Char(c));
                }
                Event::DocType(_) => {
                    return Err(DocxError::Dtd {
                        part: self.part.to_string(),
                        at: self.at(self.reader.buffer_position()),
                    });
                }
                Event::Eof => {
                    if self.depth > 0 {
                        return Err(self.error(format!(
                            "unexpected end of the part: {} element(s) not closed",
                            self.depth
                        )));
                    }
                    return Ok(Ev::Eof);
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) => continue,
            }
        }
    }

    /// Skips to the end of the element just started.
    pub(crate) fn skip(&mut self) -> Result<(), DocxError> {
        let target = self.depth.saturating_sub(1);
        loop {
            match self.next()? {
                Ev::End(..) if self.depth == target => return Ok(()),
                Ev::Eof => return Err(self.error("unexpected end of the part")),
                _ => {}
            }
        }
    }
}

/// The position of the colon of a qualified name. Names are short and their prefix
/// shorter (`w:r`), so a forward byte scan beats a searcher's setup.
fn colon(qname: &str) -> Option<usize> {
    qname.bytes().position(|b| b == b':')
}

/// Whether raw attributes may declare a namespace (`xmlns` or `xmlns:p`): a byte scan
/// for `x` then a comparison, cheaper on short attribute lists than a substring searcher
/// built for every element.
fn declares_namespace(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    let mut from = 0;
    while let Some(i) = bytes[from..].iter().position(|&b| b == b'x') {
        let at = from + i;
        if bytes[at..].starts_with(b"xmlns") {
            return true;
        }
        from = at + 1;
    }
    false
}

/// The value of the attribute with local name `local` (any prefix), unescaped.
pub(crate) fn attr<'a>(el: &'a BytesStart<'_>, local: &str) -> Option<Cow<'a, str>> {
    for a in el.attributes().with_checks(false).flatten() {
        if a.key.local_name().into_inner() == local {
            return a.normalized_value(XmlVersion::Implicit1_0).ok();
        }
    }
    None
}

/// The local name of an element.
pub(crate) fn local<'b>(el: &'b BytesStart<'_>) -> &'b str {
    let name = el.name();
    let full: &'b str = name.into_inner();
    match colon(full) {
        Some(i) => &full[i + 1..],
        None => full,
    }
}

/// The local name of an end tag.
pub(crate) fn end_local<'b>(el: &'b BytesEnd<'_>) -> &'b str {
    let name = el.name();
    let full: &'b str = name.into_inner();
    match colon(full) {
        Some(i) => &full[i + 1..],
        None => full,
    }
}

/// Whether an on/off property (`<w:b/>`, `<w:b w:val="false"/>`) is on.
pub(crate) fn on_off(el: &BytesStart<'_>) -> bool {
    !matches!(
        attr(el, "val").as_deref(),
        Some("0" | "false" | "off" | "none")
    )
}

/// Escapes text for element content or attribute values.
pub(crate) fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters not allowed in XML 1.0 are dropped.
            '\u{0}'..='\u{8}'
            | '\u{b}'
            | '\u{c}'
            | '\u{e}'..='\u{1f}'
            | '\u{fffe}'
            | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Result<String, DocxError> {
        let mut r = XmlReader::new("t.xml", text, 8);
        let mut out = String::new();
        loop {
            match r.next()? {
                Ev::Start(_, e) => out.push_str(&format!("<{}>", local(&e))),
                Ev::End(_, e) => out.push_str(&format!("</{}>", end_local(&e))),
                Ev::Text(t) => out.push_str(&t),
                Ev::Char(c) => out.push(c),
                Ev::Eof => return Ok(out),
            }
        }
    }

    #[test]
    fn entities_are_resolved_and_dtds_refused() {
        assert_eq!(all("<a>x&amp;y&#65;</a>").unwrap(), "<a>x&yA</a>");
        let e = all("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>").unwrap_err();
        assert!(matches!(e, DocxError::Dtd { .. }), "{e}");
        let e = all("<a>&x;</a>").unwrap_err();
        assert!(matches!(e, DocxError::Entity { .. }), "{e}");
    }

    #[test]
    fn depth_and_malformed_input_are_errors_with_positions() {
        let deep = "<a>".repeat(20) + &"</a>".repeat(20);
        assert!(matches!(all(&deep), Err(DocxError::TooDeep { .. })));
        let e = all("<a>\n<b></a>").unwrap_err();
        assert_eq!(e.position().map(|p| p.line), Some(2), "{e}");
        assert!(all("<a><b>").is_err());
    }

    #[test]
    fn namespaces_follow_their_scope() {
        let text = r#"<x:a xmlns:x="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><x:b/><y:c xmlns:y="http://schemas.openxmlformats.org/markup-compatibility/2006"><x:d xmlns:x="urn:other"/></y:c><x:e/></x:a>"#;
        let mut r = XmlReader::new("t.xml", text, 8);
        let mut seen = Vec::new();
        loop {
            match r.next().unwrap() {
                Ev::Start(ns, e) => seen.push((local(&e).to_string(), ns)),
                Ev::Eof => break,
                _ => {}
            }
        }
        let expected = [
            ("a", Ns::W),
            ("b", Ns::W),
            ("c", Ns::Mc),
            ("d", Ns::Other),
            ("e", Ns::W),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|(n, ns)| (n.to_string(), *ns))
            .collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn decodes_utf16_and_refuses_bad_utf8() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "<a/>".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        assert_eq!(decode("p", &bytes).unwrap(), "<a/>");
        assert!(decode("p", b"<a>\xff</a>").is_err());
    }
}
