//! Styles and automatic numbering: paragraph styles (with their numbering and outline
//! names), abstract numbers, number instances with level overrides, and the counters
//! that turn them into the labels a reader of the document sees.

use std::collections::HashMap;

use crate::error::DocxError;
use crate::xml::{Ev, Ns, XmlReader, attr, end_local, local};

/// A paragraph style.
#[derive(Debug, Clone, Default)]
pub(crate) struct Style {
    pub name: String,
    pub based_on: Option<String>,
    pub num_id: Option<String>,
    pub ilvl: Option<u8>,
}

/// The paragraph styles of a document.
#[derive(Debug, Clone, Default)]
pub(crate) struct Styles {
    pub styles: HashMap<String, Style>,
    pub default_paragraph: Option<String>,
}

impl Styles {
    pub fn parse(part: &str, text: &str, max_depth: usize) -> Result<Self, DocxError> {
        let mut out = Styles::default();
        let mut reader = XmlReader::new(part, text, max_depth);
        let mut current: Option<(String, Style)> = None;
        let mut in_ppr = false;
        loop {
            match reader.next()? {
                Ev::Start(Ns::W, e) => match local(&e) {
                    "style" => {
                        if attr(&e, "type").as_deref() != Some("paragraph") {
                            reader.skip()?;
                            continue;
                        }
                        let id = attr(&e, "styleId").unwrap_or_default().into_owned();
                        if attr(&e, "default").is_some_and(|v| v == "1" || v == "true") {
                            out.default_paragraph = Some(id.clone());
                        }
                        current = Some((id, Style::default()));
                    }
                    "name" => {
                        if let Some((_, s)) = current.as_mut() {
                            s.name = attr(&e, "val").unwrap_or_default().into_owned();
                        }
                    }
                    "basedOn" => {
                        if let Some((_, s)) = current.as_mut() {
                            s.based_on = attr(&e, "val").map(|v| v.into_owned());
                        }
                    }
                    "pPr" => in_ppr = true,
                    "numId" if in_ppr => {
                        if let Some((_, s)) = current.as_mut() {
                            s.num_id = attr(&e, "val").map(|v| v.into_owned());
                        }
                    }
                    "ilvl" if in_ppr => {
                        if let Some((_, s)) = current.as_mut() {
                            s.ilvl = attr(&e, "val").and_then(|v| v.parse().ok());
                        }
                    }
                    "rPr" | "tblPr" | "trPr" | "tcPr" | "tblStylePr" | "pPrChange" => {
                        reader.skip()?;
                    }
                    _ => {}
                },
                Ev::End(Ns::W, e) => match end_local(&e) {
                    "pPr" => in_ppr = false,
                    "style" => {
                        if let Some((id, s)) = current.take() {
                            out.styles.insert(id, s);
                        }
                    }
                    _ => {}
                },
                Ev::Eof => break,
                _ => {}
            }
        }
        Ok(out)
    }

    /// The style id as the model wants it: `HeadingN` for heading styles whatever the
    /// language of their id, otherwise the id.
    pub fn canonical(&self, id: &str) -> String {
        if let Some(style) = self.styles.get(id) {
            let name = style.name.to_ascii_lowercase();
            if let Some(n) = name.strip_prefix("heading ")
                && n.parse::<u8>().is_ok()
            {
                return format!("Heading{n}");
            }
        }
        id.to_string()
    }

    /// The numbering a style gives (following `basedOn`), with the level if it says.
    pub fn numbering(&self, id: &str) -> Option<(String, Option<u8>)> {
        let mut id = id;
        for _ in 0..32 {
            let style = self.styles.get(id)?;
            if let Some(num) = &style.num_id {
                return Some((num.clone(), style.ilvl));
            }
            id = style.based_on.as_deref()?;
        }
        None
    }
}

/// One level of an abstract number.
#[derive(Debug, Clone, Default)]
pub(crate) struct Level {
    pub start: Option<i64>,
    pub format: String,
    pub text: Option<String>,
    pub restart: Option<i64>,
    pub style: Option<String>,
    pub legal: bool,
}

#[derive(Debug, Clone, Default)]
struct Abstract {
    levels: HashMap<u8, Level>,
    num_style_link: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct Num {
    abstract_id: String,
    start_overrides: HashMap<u8, i64>,
    level_overrides: HashMap<u8, Level>,
}

/// Which text of the document the labels are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Accepted = 0,
    Rejected = 1,
}

/// The numbering definitions and the running counters of both views.
#[derive(Debug, Clone, Default)]
pub(crate) struct Numbering {
    abstracts: HashMap<String, Abstract>,
    nums: HashMap<String, Num>,
    counters: [HashMap<String, [Option<i64>; 9]>; 2],
    /// Number instances already used, per side (their start overrides apply once).
    used: [std::collections::HashSet<String>; 2],
}

impl Numbering {
    pub fn parse(part: &str, text: &str, max_depth: usize) -> Result<Self, DocxError> {
        let mut out = Numbering::default();
        let mut reader = XmlReader::new(part, text, max_depth);
        let mut abs: Option<(String, Abstract)> = None;
        let mut num: Option<(String, Num)> = None;
        let mut lvl: Option<(u8, Level)> = None;
        let mut override_level: Option<u8> = None;
        loop {
            match reader.next()? {
                Ev::Start(Ns::W, e) => match local(&e) {
                    "abstractNum" => {
                        let id = attr(&e, "abstractNumId").unwrap_or_default().into_owned();
                        abs = Some((id, Abstract::default()));
                    }
                    "num" => {
                        let id = attr(&e, "numId").unwrap_or_default().into_owned();
                        num = Some((id, Num::default()));
                    }
                    "abstractNumId" => {
                        if let Some((_, n)) = num.as_mut() {
                            n.abstract_id = attr(&e, "val").unwrap_or_default().into_owned();
                        }
                    }
                    "lvlOverride" => {
                        override_level = attr(&e, "ilvl").and_then(|v| v.parse().ok());
                    }
                    "startOverride" => {
                        if let (Some((_, n)), Some(l)) = (num.as_mut(), override_level)
                            && let Some(v) = attr(&e, "val").and_then(|v| v.parse().ok())
                        {
                            n.start_overrides.insert(l, v);
                        }
                    }
                    "numStyleLink" => {
                        if let Some((_, a)) = abs.as_mut() {
                            a.num_style_link = attr(&e, "val").map(|v| v.into_owned());
                        }
                    }
                    "lvl" => {
                        let ilvl = attr(&e, "ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                        lvl = Some((ilvl, Level::default()));
                    }
                    "start" => {
                        if let Some((_, l)) = lvl.as_mut() {
                            l.start = attr(&e, "val").and_then(|v| v.parse().ok());
                        }
                    }
                    "numFmt" => {
                        if let Some((_, l)) = lvl.as_mut() {
                            l.format = attr(&e, "val").unwrap_or_default().into_owned();
                        }
                    }
                    "lvlText" => {
                        if let Some((_, l)) = lvl.as_mut() {
                            l.text = attr(&e, "val").map(|v| v.into_owned());
                        }
                    }
                    "lvlRestart" => {
                        if let Some((_, l)) = lvl.as_mut() {
                            l.restart = attr(&e, "val").and_then(|v| v.parse().ok());
                        }
                    }
                    "pStyle" => {
                        if let Some((_, l)) = lvl.as_mut() {
                            l.style = attr(&e, "val").map(|v| v.into_owned());
                        }
                    }
                    "isLgl" => {
                        if let Some((_, l)) = lvl.as_mut() {
                            l.legal = crate::xml::on_off(&e);
                        }
                    }
                    "rPr" | "pPr" => reader.skip()?,
                    _ => {}
                },
                Ev::End(Ns::W, e) => match end_local(&e) {
                    "lvl" => {
                        if let Some((ilvl, l)) = lvl.take() {
                            if let (Some((_, n)), Some(o)) = (num.as_mut(), override_level) {
                                n.level_overrides.insert(o, l);
                            } else if let Some((_, a)) = abs.as_mut() {
                                a.levels.insert(ilvl, l);
                            }
                        }
                    }
                    "lvlOverride" => override_level = None,
                    "abstractNum" => {
                        if let Some((id, a)) = abs.take() {
                            out.abstracts.insert(id, a);
                        }
                    }
                    "num" => {
                        if let Some((id, n)) = num.take() {
                            out.nums.insert(id, n);
                        }
                    }
                    _ => {}
                },
                Ev::Eof => break,
                _ => {}
            }
        }
        Ok(out)
    }

    /// The abstract number of a number instance, following style links.
    fn abstract_of(&self, num_id: &str, styles: &Styles) -> Option<(&Num, &Abstract)> {
        let num = self.nums.get(num_id)?;
        let mut abs = self.abstracts.get(&num.abstract_id)?;
        for _ in 0..4 {
            let Some(link) = &abs.num_style_link else {
                break;
            };
            let Some((linked, _)) = styles.numbering(link) else {
                break;
            };
            let Some(linked_num) = self.nums.get(&linked) else {
                break;
            };
            match self.abstracts.get(&linked_num.abstract_id) {
                Some(a) => abs = a,
                None => break,
            }
        }
        Some((num, abs))
    }

    fn level<'a>(num: &'a Num, abs: &'a Abstract, ilvl: u8) -> Option<&'a Level> {
        num.level_overrides
            .get(&ilvl)
            .or_else(|| abs.levels.get(&ilvl))
    }

    /// The level a paragraph of `style` takes in an abstract number that names it.
    pub fn level_for_style(&self, num_id: &str, style: &str, styles: &Styles) -> Option<u8> {
        let (_, abs) = self.abstract_of(num_id, styles)?;
        abs.levels
            .iter()
            .find(|(_, l)| l.style.as_deref() == Some(style))
            .map(|(i, _)| *i)
    }

    /// Counts a paragraph numbered `num_id`/`ilvl` on one side and returns its label.
    pub fn next_label(
        &mut self,
        side: Side,
        num_id: &str,
        ilvl: u8,
        styles: &Styles,
    ) -> Option<String> {
        if num_id == "0" || ilvl > 8 {
            return None;
        }
        let (num, abs) = self.abstract_of(num_id, styles)?;
        let level = Self::level(num, abs, ilvl)?.clone();
        let levels: Vec<Option<Level>> = (0..9u8)
            .map(|i| Self::level(num, abs, i).cloned())
            .collect();
        // Number instances of one abstract number share its counters, as in Word; a start
        // override restarts them where its instance is first used.
        let key = num.abstract_id.clone();
        let first_use = !self.used[side as usize].contains(num_id);
        let overrides: Vec<u8> = if first_use {
            num.start_overrides.keys().copied().collect()
        } else {
            Vec::new()
        };

        let starts: Vec<i64> = (0..9u8)
            .map(|i| {
                num.start_overrides
                    .get(&i)
                    .copied()
                    .or_else(|| levels[usize::from(i)].as_ref().and_then(|l| l.start))
                    .unwrap_or(1)
            })
            .collect();
        let counters = self.counters[side as usize].entry(key).or_insert([None; 9]);
        for o in overrides {
            if let Some(c) = counters.get_mut(usize::from(o)) {
                *c = None;
            }
        }
        let l = usize::from(ilvl);
        counters[l] = Some(match counters[l] {
            Some(v) => v.saturating_add(1),
            None => starts[l],
        });
        for (d, counter) in counters.iter_mut().enumerate().skip(l + 1) {
            let restart = levels[d].as_ref().and_then(|lv| lv.restart);
            if restart != Some(0) && restart.is_none_or(|r| (l as i64) < r) {
                *counter = None;
            }
        }
        if level.format == "none" {
            return level.text.filter(|t| !t.contains('%') && !t.is_empty());
        }
        let text = level.text.clone().unwrap_or_default();
        if level.format == "bullet" {
            let bullet = text.chars().next().unwrap_or('•');
            // Private-use glyphs of symbol fonts and letters drawn as bullets (`o` in
            // Courier New) are bullets whatever their font.
            let bullet = if ('\u{e000}'..='\u{f8ff}').contains(&bullet) || bullet.is_alphanumeric()
            {
                '•'
            } else {
                bullet
            };
            return Some(bullet.to_string());
        }
        let mut out = String::with_capacity(text.len() + 4);
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%'
                && let Some(d) = chars.peek().and_then(|d| d.to_digit(10))
            {
                chars.next();
                let i = (d as usize).saturating_sub(1).min(8);
                let value = counters[i].unwrap_or(starts[i]);
                let format = if level.legal && i != l {
                    "decimal"
                } else {
                    levels[i]
                        .as_ref()
                        .map_or("decimal", |lv| lv.format.as_str())
                };
                out.push_str(&format_number(value, format));
            } else {
                out.push(c);
            }
        }
        Some(out)
    }
}

/// A counter value written in a numbering format.
pub(crate) fn format_number(value: i64, format: &str) -> String {
    match format {
        "lowerLetter" => letters(value).to_lowercase(),
        "upperLetter" => letters(value),
        "lowerRoman" => roman(value).to_lowercase(),
        "upperRoman" => roman(value),
        "decimalZero" if (0..10).contains(&value) => format!("0{value}"),
        "ordinal" => {
            let suffix = match (value % 100, value % 10) {
                (11..=13, _) => "th",
                (_, 1) => "st",
                (_, 2) => "nd",
                (_, 3) => "rd",
                _ => "th",
            };
            format!("{value}{suffix}")
        }
        "none" => String::new(),
        _ => value.to_string(),
    }
}

/// `A`…`Z`, `AA`…`ZZ`, `AAA`… as Word writes letters.
fn letters(value: i64) -> String {
    if value <= 0 {
        return value.to_string();
    }
    let n = (value - 1) % 26;
    let repeat = ((value - 1) / 26 + 1).min(64) as usize;
    let c = char::from(b'A' + n as u8);
    std::iter::repeat_n(c, repeat).collect()
}

fn roman(value: i64) -> String {
    if !(1..4000).contains(&value) {
        return value.to_string();
    }
    const TABLE: [(i64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut v = value;
    let mut out = String::new();
    for (n, s) in TABLE {
        while v >= n {
            out.push_str(s);
            v -= n;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NUMBERING: &str = r#"<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
      <w:abstractNum w:abstractNumId="1">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1)"/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1.%2"/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>
      <w:num w:numId="6"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="7"/></w:lvlOverride></w:num>
    </w:numbering>"#;

    #[test]
    fn labels_count_restart_and_override() {
        let styles = Styles::default();
        let mut n = Numbering::parse("numbering.xml", NUMBERING, 64).unwrap();
        let mut next = |num: &str, l: u8| n.next_label(Side::Accepted, num, l, &styles);
        assert_eq!(next("5", 0).as_deref(), Some("1)"));
        assert_eq!(next("5", 1).as_deref(), Some("1.a"));
        assert_eq!(next("5", 1).as_deref(), Some("1.b"));
        assert_eq!(next("5", 0).as_deref(), Some("2)"));
        assert_eq!(next("5", 1).as_deref(), Some("2.a"));
        assert_eq!(next("6", 0).as_deref(), Some("7)"));
        // Instances of one abstract number share counters after a restart.
        assert_eq!(next("5", 0).as_deref(), Some("8)"));
        assert_eq!(next("0", 0), None);
        assert_eq!(next("99", 0), None);
    }

    #[test]
    fn formats() {
        assert_eq!(format_number(28, "lowerLetter"), "bb");
        assert_eq!(format_number(14, "upperRoman"), "XIV");
        assert_eq!(format_number(2, "ordinal"), "2nd");
    }
}
