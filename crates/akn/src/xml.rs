//! A minimal XML writer: elements are written exactly as built, block elements on their
//! own indented lines, inline (mixed) content without any added whitespace.

/// Escapes text content. Carriage returns are written as references so that they
/// survive end-of-line normalization; characters XML 1.0 cannot carry become U+FFFD.
pub fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{fffd}'),
        }
    }
}

/// Escapes an attribute value (double-quoted); whitespace other than spaces is written
/// as references so that attribute-value normalization keeps it.
pub fn escape_attr(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{fffd}'),
        }
    }
}

/// Whether XML 1.0 can carry the character.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

pub type Attrs = Vec<(&'static str, String)>;

pub struct Xml {
    pub out: String,
    depth: usize,
    pretty: bool,
}

impl Xml {
    pub fn new(pretty: bool) -> Self {
        let mut out = String::with_capacity(64 * 1024);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        Self {
            out,
            depth: 0,
            pretty,
        }
    }

    fn newline(&mut self) {
        if self.pretty {
            self.out.push('\n');
            for _ in 0..self.depth {
                self.out.push_str("  ");
            }
        }
    }

    fn start_tag(&mut self, name: &str, attrs: &[(&'static str, String)], empty: bool) {
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            escape_attr(value, &mut self.out);
            self.out.push('"');
        }
        self.out.push_str(if empty { "/>" } else { ">" });
    }

    /// Opens a block element on its own line.
    pub fn open(&mut self, name: &str, attrs: &[(&'static str, String)]) {
        self.newline();
        self.start_tag(name, attrs, false);
        self.depth += 1;
    }

    /// Closes a block element on its own line.
    pub fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.newline();
        self.end_tag(name);
    }

    /// An empty block element on its own line.
    pub fn empty(&mut self, name: &str, attrs: &[(&'static str, String)]) {
        self.newline();
        self.start_tag(name, attrs, true);
    }

    /// Opens an element holding mixed content, on its own line.
    pub fn open_mixed(&mut self, name: &str, attrs: &[(&'static str, String)]) {
        self.newline();
        self.start_tag(name, attrs, false);
    }

    /// Opens an element inside mixed content.
    pub fn open_inline(&mut self, name: &str, attrs: &[(&'static str, String)]) {
        self.start_tag(name, attrs, false);
    }

    pub fn end_tag(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    pub fn text(&mut self, text: &str) {
        escape_text(text, &mut self.out);
    }

    pub fn finish(mut self) -> String {
        self.out.push('\n');
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_keeps_whitespace_in_attributes() {
        let mut out = String::new();
        escape_text("a<b>&c\r\u{1}", &mut out);
        assert_eq!(out, "a&lt;b&gt;&amp;c&#13;\u{fffd}");
        let mut out = String::new();
        escape_attr("\"x\"\t\n", &mut out);
        assert_eq!(out, "&quot;x&quot;&#9;&#10;");
    }
}
