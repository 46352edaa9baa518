//! Damage left by flattening a document with tracked changes into plain text: meeting
//! stamps and numbers run together, doubled phrases, glued words, extractor markers and
//! lost non-breaking hyphens.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use amend_model::{Document, SourceSpan};
use regex::Regex;

use crate::text::{FlatText, Role};
use crate::{Diagnostic, Edit, Fix};

/// Two or more `Place, Year` stamps with nothing between them.
static STAMP_CHAIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?:{STAMP}){{2,}}")).expect("stamp chain pattern"));
static ONE_STAMP: LazyLock<Regex> = LazyLock::new(|| Regex::new(STAMP).expect("stamp pattern"));
const STAMP: &str =
    r"\p{Lu}[\p{L}'’\-]*(?: (?:el-|del |de |la )?\p{Lu}[\p{L}'’\-]*)*,? ?(?:19|20)\d\d";

static YEARS_SPACED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d,])((?:19|20)\d\d)([ \t]+|)((?:19|20)\d\d)(?-u:\b)")
        .expect("years pattern")
});
static MEETING_YEARS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(WTDC|WTSA|WRC|RA|PP|WTPF|WCIT|WSIS)-(\d\d)(\d\d)(?-u:\b)")
        .expect("meeting pattern")
});
static CAMEL_GLUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)\p{Ll}{3,}\p{Lu}{2,}").expect("camel glue pattern"));
/// FNV-1a: a fast hash for the word counts (no untrusted keys to guard against).
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// The words of `text` (letters and digits, with an inner apostrophe), as byte ranges.
fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let inner_apostrophe = matches!(c, '\'' | '’')
            && start.is_some()
            && chars.peek().is_some_and(|(_, n)| n.is_alphabetic());
        if c.is_alphanumeric() || inner_apostrophe {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push((s, i));
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

pub fn check(doc: &Document, texts: &[FlatText], out: &mut Vec<Diagnostic>) {
    for t in texts {
        if t.role == Role::Label {
            continue;
        }
        let bytes = t.text.as_bytes();
        // Cheap tests first: most paragraphs have no glue point at all.
        if bytes
            .windows(2)
            .any(|w| w[0].is_ascii_digit() && (w[1].is_ascii_uppercase() || w[1] >= 0x80))
        {
            stamps(t, out);
        }
        if bytes.iter().filter(|b| b.is_ascii_digit()).count() >= 4 {
            numbers(t, out);
        }
        if bytes
            .windows(2)
            .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
        {
            camel_glue(t, out);
        }
    }
    let all_words: Vec<Vec<(usize, usize)>> = texts
        .iter()
        .map(|t| {
            if t.role == Role::Label {
                Vec::new()
            } else {
                words(&t.text)
            }
        })
        .collect();
    doubled_words(texts, &all_words, out);
    glued_words(texts, &all_words, out);
    markers(doc, out);
    lost_hyphens(doc, texts, out);
}

fn stamps(t: &FlatText, out: &mut Vec<Diagnostic>) {
    for chain in STAMP_CHAIN.find_iter(&t.text) {
        let parts: Vec<(usize, usize)> = ONE_STAMP
            .find_iter(chain.as_str())
            .map(|m| (chain.start() + m.start(), chain.start() + m.end()))
            .collect();
        if parts.len() < 2 {
            continue;
        }
        let norm = |(s, e): (usize, usize)| normalize_stamp(&t.text[s..e]);
        // Doubled stamps: the same stamp twice in a row.
        let mut distinct: Vec<(usize, usize)> = Vec::new();
        for (i, &part) in parts.iter().enumerate() {
            if i > 0 && norm(parts[i - 1]) == norm(part) {
                let prev = parts[i - 1];
                let span = t.span(prev.0, part.1);
                out.push(
                    Diagnostic::error(
                        "flatten/doubled-phrase",
                        span,
                        format!("`{}` appears twice in a row", &t.text[part.0..part.1]),
                    )
                    .with_label("doubled")
                    .with_secondary(t.span(part.0, part.1), "the repetition")
                    .with_help(
                        "the proposal carries a duplicated insertion, or the extractor repeated it: keep one",
                    )
                    .with_fix(Fix {
                        description: format!("remove the second `{}`", &t.text[part.0..part.1]),
                        edits: vec![Edit {
                            span: t.span(part.0, part.1),
                            replacement: String::new(),
                        }],
                        safe: false,
                    }),
                );
            } else {
                distinct.push(part);
            }
        }
        if distinct.len() >= 2 {
            let first = distinct[0];
            let last = *distinct.last().expect("two parts");
            let span = t.span(first.0, parts.last().expect("parts").1);
            let mut d = Diagnostic::error(
                "flatten/run-together-stamp",
                span,
                format!(
                    "meeting stamps run together: {}",
                    distinct
                        .iter()
                        .map(|&(s, e)| format!("`{}`", &t.text[s..e]))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
            )
            .with_label("old and new stamp side by side")
            .with_help(
                "flattening kept the deleted and the inserted stamp: keep the new one (usually the later), or compare with --base",
            );
            for (i, &(s, e)) in distinct.iter().enumerate() {
                let what = if i + 1 == distinct.len() {
                    "probably the new stamp"
                } else {
                    "probably the old stamp"
                };
                d = d.with_secondary(t.span(s, e), what);
            }
            let keep = &t.text[last.0..last.1];
            d = d.with_fix(Fix {
                description: format!("keep `{keep}` only"),
                edits: vec![Edit {
                    span,
                    replacement: keep.to_string(),
                }],
                safe: false,
            });
            out.push(d);
        }
    }
}

fn normalize_stamp(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

fn numbers(t: &FlatText, out: &mut Vec<Diagnostic>) {
    for caps in YEARS_SPACED.captures_iter(&t.text) {
        let (a, gap, b) = (&caps[1], &caps[2], &caps[3]);
        let (ya, yb): (u32, u32) = (a.parse().unwrap_or(0), b.parse().unwrap_or(0));
        if ya >= yb || yb - ya > 20 {
            continue;
        }
        let start = caps.get(1).expect("group").start();
        let end = caps.get(3).expect("group").end();
        let how = if gap.is_empty() {
            "with no space"
        } else {
            "with only a space"
        };
        out.push(
            Diagnostic::warning(
                "flatten/run-together-numbers",
                t.span(start, end),
                format!("years `{a}` and `{b}` run together {how}: an old and a new year?"),
            )
            .with_label("two years")
            .with_help(format!("keep one year, e.g. `{b}`, or separate them")),
        );
    }
    for caps in MEETING_YEARS.captures_iter(&t.text) {
        let (a, b): (u32, u32) = (caps[2].parse().unwrap_or(0), caps[3].parse().unwrap_or(0));
        if b <= a || b - a > 20 {
            continue;
        }
        let m = caps.get(0).expect("match");
        let body = &caps[1];
        out.push(
            Diagnostic::warning(
                "flatten/run-together-numbers",
                t.span(m.start(), m.end()),
                format!(
                    "`{}` reads as `{body}-{}` and `{body}-{}` run together",
                    m.as_str(),
                    &caps[2],
                    &caps[3]
                ),
            )
            .with_label("two meeting years")
            .with_help(format!("keep one: `{body}-{}` is the later", &caps[3])),
        );
    }
}

fn camel_glue(t: &FlatText, out: &mut Vec<Diagnostic>) {
    for m in CAMEL_GLUE.find_iter(&t.text) {
        let split = m
            .as_str()
            .char_indices()
            .find(|(_, c)| c.is_uppercase())
            .map_or(0, |(i, _)| i);
        let (left, right) = m.as_str().split_at(split);
        let at = m.start() + split;
        out.push(
            Diagnostic::warning(
                "flatten/glued-words",
                t.span(m.start(), m.end()),
                format!("`{left}` and `{right}` are glued together"),
            )
            .with_label("no space between two words")
            .with_help("an old and a new word side by side, or a lost space")
            .with_fix(Fix {
                description: "insert a space".into(),
                edits: vec![Edit {
                    span: t.span(at, at),
                    replacement: " ".into(),
                }],
                safe: false,
            }),
        );
    }
}

/// A run of two or more words repeated right after itself (`Busan, 2014Busan, 2014` is
/// handled by the stamps; this catches `to the to the`).
fn doubled_words(texts: &[FlatText], all_words: &[Vec<(usize, usize)>], out: &mut Vec<Diagnostic>) {
    for (t, words) in texts.iter().zip(all_words) {
        if t.role == Role::Label {
            continue;
        }
        let w = |i: usize| &t.text[words[i].0..words[i].1];
        let mut i = 0;
        while i < words.len() {
            let mut found = false;
            for len in (2..=6).rev() {
                if i + 2 * len > words.len() {
                    continue;
                }
                let gap = &t.text[words[i + len - 1].1..words[i + len].0];
                if !gap.trim().is_empty() {
                    continue;
                }
                if (0..len).all(|k| w(i + k).eq_ignore_ascii_case(w(i + len + k))) {
                    let (s, e) = (words[i].0, words[i + 2 * len - 1].1);
                    let chars: usize = (0..len).map(|k| words[i + k].1 - words[i + k].0).sum();
                    // Stamps are reported by the stamp check; short runs are English.
                    let first = &t.text[words[i].0..words[i + len - 1].1];
                    if chars < 8 || ONE_STAMP.is_match(first) && first.ends_with(char::is_numeric) {
                        continue;
                    }
                    let second = (words[i + len].0, e);
                    out.push(
                        Diagnostic::error(
                            "flatten/doubled-phrase",
                            t.span(s, e),
                            format!("`{first}` appears twice in a row"),
                        )
                        .with_label("doubled")
                        .with_secondary(t.span(second.0, second.1), "the repetition")
                        .with_help("a duplicated insertion, or an old and a new text side by side")
                        .with_fix(Fix {
                            description: format!("remove the second `{first}`"),
                            edits: vec![Edit {
                                span: t.span(words[i + len - 1].1, e),
                                replacement: String::new(),
                            }],
                            safe: false,
                        }),
                    );
                    i += 2 * len;
                    found = true;
                    break;
                }
            }
            if !found {
                i += 1;
            }
        }
    }
}

/// Lower-case words made of two words the document uses elsewhere, that appear only once
/// themselves: `processframework`.
fn glued_words(texts: &[FlatText], all_words: &[Vec<(usize, usize)>], out: &mut Vec<Diagnostic>) {
    // Lower-case words only: the parts of a glued word are running text.
    let mut counts: HashMap<&str, usize, BuildHasherDefault<Fnv>> = HashMap::default();
    let mut occurrences: Vec<(usize, usize, usize)> = Vec::new();
    for (n, t) in texts.iter().enumerate() {
        for &(s, e) in &all_words[n] {
            let word = &t.text[s..e];
            if !word.bytes().all(|b| b.is_ascii_lowercase()) {
                continue;
            }
            *counts.entry(word).or_default() += 1;
            if word.len() >= 12 {
                occurrences.push((n, s, e));
            }
        }
    }
    for (n, s, e) in occurrences {
        let t = &texts[n];
        let word = &t.text[s..e];
        if counts.get(word).copied().unwrap_or(0) != 1 {
            continue;
        }
        let split = (6..=word.len() - 6).find(|&k| {
            let (a, b) = word.split_at(k);
            counts.get(a).is_some_and(|&c| c > 0) && counts.get(b).is_some_and(|&c| c > 0)
        });
        let Some(k) = split else { continue };
        let (a, b) = word.split_at(k);
        out.push(
            Diagnostic::warning(
                "flatten/glued-words",
                t.span(s, e),
                format!("`{word}` looks like `{a}` and `{b}` glued together"),
            )
            .with_label("both words appear elsewhere in the document")
            .with_help("an old and a new word side by side: compare with --base")
            .with_fix(Fix {
                description: "insert a space".into(),
                edits: vec![Edit {
                    span: t.span(s + k, s + k),
                    replacement: " ".into(),
                }],
                safe: false,
            }),
        );
    }
}

fn markers(doc: &Document, out: &mut Vec<Diagnostic>) {
    for m in &doc.removed_markers {
        out.push(
            Diagnostic::warning(
                "flatten/extractor-marker",
                m.span,
                format!("extractor marker `{}` left in the text", m.text),
            )
            .with_label("not part of the document")
            .with_fix(Fix {
                description: "remove the marker".into(),
                edits: vec![Edit {
                    span: m.span,
                    replacement: String::new(),
                }],
                safe: true,
            }),
        );
    }
}

fn lost_hyphens(doc: &Document, texts: &[FlatText], out: &mut Vec<Diagnostic>) {
    // Restore the kind of hyphen the document uses: non-breaking when it has any.
    let hyphen = if texts.iter().any(|t| t.text.contains('\u{2011}')) {
        "\u{2011}"
    } else {
        "-"
    };
    for f in &doc.lost_hyphens {
        let word = fragment(texts, f.span);
        let at = match word.as_deref() {
            Some(w) if w.starts_with("CWG") || w.starts_with("ITU") => 3,
            Some(w) if w.starts_with("WG") => 2,
            _ => continue,
        };
        let word = word.unwrap_or_default();
        let fixed = format!("{}{hyphen}{}", &word[..at], &word[at..]);
        out.push(
            Diagnostic::warning(
                "flatten/lost-hyphen",
                f.span,
                format!("`{word}` has lost its hyphen: `{fixed}` is meant"),
            )
            .with_label("non-breaking hyphen dropped by the extractor")
            .with_fix(Fix {
                description: format!("restore the hyphen: `{fixed}`"),
                edits: vec![Edit {
                    span: SourceSpan::new(f.span.start + at, f.span.start + at),
                    replacement: hyphen.to_string(),
                }],
                safe: true,
            }),
        );
    }
}

/// The text of the document at an input span, found through the paragraphs' maps.
pub fn fragment(texts: &[FlatText], span: SourceSpan) -> Option<String> {
    // Paragraphs are in document order: look at the last few starting before the span.
    let first_after = texts.partition_point(|t| t.whole().start <= span.start);
    texts[..first_after].iter().rev().take(8).find_map(|t| {
        let whole = t.whole();
        if span.start < whole.start || span.end > whole.end {
            return None;
        }
        // Find the text range that maps onto the span.
        let start = (0..=t.text.len())
            .filter(|&i| t.text.is_char_boundary(i))
            .find(|&i| t.offset(i) == span.start)?;
        let end = (start..=t.text.len())
            .filter(|&i| t.text.is_char_boundary(i))
            .find(|&i| i > start && t.span(start, i).end == span.end)?;
        Some(t.text[start..end].to_string())
    })
}
