//! Showing a report: human (rustc-style: `file:line:column`, the source line, a caret
//! underline, labels and help), JSON (the findings only) and SARIF 2.1.0. Lines are the
//! 1-based physical lines of the input, columns count characters.

use amend_model::{LineIndex, SourceSpan};
use serde_json::{Value, json};

use crate::{Diagnostic, Report, Severity};

/// A checked input: its name (as given on the command line) and its text.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// A mark to draw under a line: span, label, primary.
type Mark<'a> = (SourceSpan, &'a str, bool);

const TAB: &str = "    ";
const MAX_WIDTH: usize = 100;

/// The human-readable report, ending with a summary line.
pub fn human(report: &Report, source: Source) -> String {
    let index = LineIndex::new(source.text);
    let mut out = String::new();
    for d in &report.diagnostics {
        human_one(d, source, &index, &mut out);
    }
    out
}

/// `N errors, M warnings` for a set of reports.
pub fn summary<'r>(reports: impl IntoIterator<Item = &'r Report>) -> String {
    let (mut e, mut w) = (0, 0);
    for r in reports {
        e += r.errors().count();
        w += r.warnings().count();
    }
    format!(
        "{e} error{}, {w} warning{}",
        if e == 1 { "" } else { "s" },
        if w == 1 { "" } else { "s" }
    )
}

/// The line holding byte `offset`, and where it starts.
fn line_at(text: &str, offset: usize) -> (&str, usize) {
    let offset = clamp(text, offset);
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let s = &text[start..end];
    (s.strip_suffix('\r').unwrap_or(s), start)
}

fn human_one(d: &Diagnostic, source: Source, index: &LineIndex, out: &mut String) {
    let at = index.line_column(d.span.start);
    out.push_str(&format!(
        "{}[{}]: {}\n",
        d.severity.as_str(),
        d.code,
        d.message
    ));
    out.push_str(&format!(
        "  --> {}:{}:{}\n",
        source.name, at.line, at.column
    ));
    let mut spans: Vec<Mark> = vec![(d.span, d.label.as_deref().unwrap_or(""), true)];
    for l in &d.labels {
        spans.push((l.span, l.message.as_str(), false));
    }
    let width = spans
        .iter()
        .map(|(s, _, _)| index.line_column(s.start).line.to_string().len())
        .max()
        .unwrap_or(1);
    let pad = " ".repeat(width);
    out.push_str(&format!("{pad} |\n"));
    // Group labels by line, in line order, primary first on its line.
    let mut by_line: Vec<(usize, Vec<Mark>)> = Vec::new();
    for s in spans {
        let line = index.line_column(s.0.start).line;
        match by_line.iter_mut().find(|(l, _)| *l == line) {
            Some((_, v)) => v.push(s),
            None => by_line.push((line, vec![s])),
        }
    }
    by_line.sort_by_key(|(l, _)| *l);
    for (line, marks) in by_line {
        let (text, start) = line_at(source.text, marks[0].0.start);
        let (shown, cut) = window(text, &marks, start);
        out.push_str(&format!("{line:>width$} | {}\n", shown.0));
        for (span, label, primary) in marks {
            let s = clamp(text, span.start.saturating_sub(start));
            let e = clamp(text, span.end.saturating_sub(start)).max(s);
            let col = if s >= cut {
                display_width(&text[cut..s])
            } else {
                0
            } + shown.1;
            let len = display_width(&text[s..e]).max(1);
            let mark = if primary { "^" } else { "-" };
            out.push_str(&format!(
                "{pad} | {}{}{}{}\n",
                " ".repeat(col),
                mark.repeat(len.min(MAX_WIDTH)),
                if label.is_empty() { "" } else { " " },
                label
            ));
        }
    }
    if let Some(help) = &d.help {
        out.push_str(&format!("{pad} = help: {help}\n"));
    }
    if let Some(fix) = &d.fix {
        let how = if fix.safe { "fix" } else { "suggestion" };
        out.push_str(&format!("{pad} = {how}: {}\n", fix.description));
    }
    out.push('\n');
}

fn clamp(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| if c == '\t' { TAB.len() } else { 1 })
        .sum()
}

/// The part of a long line to show: from a little before the first mark. Returns the
/// shown text (tabs expanded, `...` before a cut), the indent its marks need, and the
/// byte where the shown text starts.
fn window(text: &str, marks: &[Mark], start: usize) -> ((String, usize), usize) {
    let first = marks
        .iter()
        .map(|(s, _, _)| s.start.saturating_sub(start))
        .min()
        .unwrap_or(0);
    let first = clamp(text, first);
    let mut cut = 0;
    if display_width(&text[..first]) > 40 {
        // Start 20 characters before the mark.
        let before: Vec<(usize, char)> = text[..first].char_indices().collect();
        cut = before[before.len().saturating_sub(20)].0;
    }
    let rest = &text[cut..];
    let mut shown: String = rest.replace('\t', TAB);
    if shown.chars().count() > MAX_WIDTH + 20 {
        shown = shown.chars().take(MAX_WIDTH + 20).collect::<String>() + " ...";
    }
    if cut > 0 {
        (("... ".to_string() + &shown, 4), cut)
    } else {
        ((shown, 0), cut)
    }
}

/// One finding as JSON.
pub fn json_finding(d: &Diagnostic, source: Source, index: &LineIndex) -> Value {
    let at = index.line_column(d.span.start);
    let end = index.line_column(d.span.end);
    let labels: Vec<Value> = d
        .labels
        .iter()
        .map(|l| {
            let p = index.line_column(l.span.start);
            json!({
                "message": l.message,
                "line": p.line,
                "column": p.column,
                "span": {"start": l.span.start, "end": l.span.end},
            })
        })
        .collect();
    let fix = d.fix.as_ref().map(|f| {
        json!({
            "description": f.description,
            "safe": f.safe,
            "edits": f.edits.iter().map(|e| {
                let p = index.line_column(e.span.start);
                json!({
                    "span": {"start": e.span.start, "end": e.span.end},
                    "line": p.line,
                    "column": p.column,
                    "replacement": e.replacement,
                })
            }).collect::<Vec<_>>(),
        })
    });
    json!({
        "code": d.code,
        "severity": d.severity.as_str(),
        "message": d.message,
        "file": source.name,
        "line": at.line,
        "column": at.column,
        "end_line": end.line,
        "end_column": end.column,
        "span": {"start": d.span.start, "end": d.span.end},
        "label": d.label,
        "labels": labels,
        "help": d.help,
        "fix": fix,
    })
}

/// The findings of several inputs as one JSON array.
pub fn json(files: &[(Source, &Report)]) -> String {
    let mut all = Vec::new();
    for (source, report) in files {
        let index = LineIndex::new(source.text);
        for d in &report.diagnostics {
            all.push(json_finding(d, *source, &index));
        }
    }
    let mut s = serde_json::to_string_pretty(&Value::Array(all)).expect("JSON");
    s.push('\n');
    s
}

/// Short descriptions of the codes, for SARIF's rule list.
pub fn describe(code: &str) -> &'static str {
    match code {
        "numbering/duplicate" => "A label repeats an earlier label of its sequence.",
        "numbering/missing" => "A label is missing from a sequence.",
        "numbering/mixed" => "A list mixes numbering schemes.",
        "numbering/out-of-sequence" => "An item stands out of its sequence.",
        "numbering/doubled-label" => {
            "Two labels run together (`bd)`, `b) a)`), left by flattening."
        }
        "numbering/reletter" => "A label must be relettered after an insertion or deletion.",
        "numbering/separator" => "The separator after a label differs from the document's habit.",
        "flatten/run-together-stamp" => {
            "Meeting stamps run together (`Dubai, 2012Hammamet, 2016`)."
        }
        "flatten/doubled-phrase" => "A phrase appears twice in a row.",
        "flatten/run-together-numbers" => {
            "Years or numbers run together (`2012 2015`, `WTDC-1014`)."
        }
        "flatten/glued-words" => "Two words glued together (`issuesCWG`).",
        "flatten/extractor-marker" => {
            "An extractor marker (`[bookmark: _GoBack]`) left in the text."
        }
        "flatten/lost-hyphen" => "A lost non-breaking hyphen (`ITUT` for `ITU-T`).",
        "title-block/inconsistent" => "The revision, history line and enacting formula disagree.",
        "structure/empty-item" => "An item has no text.",
        "structure/empty-section" => "A heading has no items.",
        "punctuation/item-end" => "An item does not end with the expected punctuation.",
        "punctuation/last-item" => "The last operative item does not end with a full stop.",
        "punctuation/unbalanced" => "Unbalanced brackets or quotes.",
        "citation/malformed" => "A malformed revision in a citation.",
        "citation/missing-rev" => "A revision cited without `Rev.`.",
        "citation/stale" => "A citation of a superseded revision.",
        "citation/title-mismatch" => "The title cited does not match the cited revision.",
        _ => "A finding of amend check.",
    }
}

fn uri(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn region(span: SourceSpan, index: &LineIndex) -> Value {
    let a = index.line_column(span.start);
    let b = index.line_column(span.end);
    json!({
        "startLine": a.line,
        "startColumn": a.column,
        "endLine": b.line,
        "endColumn": b.column,
        "byteOffset": span.start,
        "byteLength": span.len(),
    })
}

/// A SARIF 2.1.0 log of several inputs (one run).
pub fn sarif(files: &[(Source, &Report)]) -> String {
    let mut codes: Vec<&'static str> = files
        .iter()
        .flat_map(|(_, r)| r.diagnostics.iter().map(|d| d.code))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let rules: Vec<Value> = codes
        .iter()
        .map(|c| {
            json!({
                "id": c,
                "shortDescription": {"text": describe(c)},
            })
        })
        .collect();
    let mut results = Vec::new();
    let mut artifacts = Vec::new();
    for (n, (source, report)) in files.iter().enumerate() {
        let index = LineIndex::new(source.text);
        let location = |span: SourceSpan| {
            json!({
                "artifactLocation": {"uri": uri(source.name), "index": n},
                "region": region(span, &index),
            })
        };
        artifacts.push(json!({
            "location": {"uri": uri(source.name)},
            "length": source.text.len(),
            "encoding": "utf-8",
        }));
        for d in &report.diagnostics {
            let mut result = json!({
                "ruleId": d.code,
                "ruleIndex": codes.iter().position(|c| *c == d.code).unwrap_or(0),
                "level": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": {"text": match &d.help {
                    Some(h) => format!("{} ({h})", d.message),
                    None => d.message.clone(),
                }},
                "locations": [{"physicalLocation": location(d.span)}],
            });
            if !d.labels.is_empty() {
                result["relatedLocations"] = Value::Array(
                    d.labels
                        .iter()
                        .enumerate()
                        .map(|(i, l)| {
                            json!({
                                "id": i,
                                "physicalLocation": location(l.span),
                                "message": {"text": l.message},
                            })
                        })
                        .collect(),
                );
            }
            if let Some(f) = &d.fix {
                result["fixes"] = json!([{
                    "description": {"text": if f.safe { f.description.clone() } else { format!("{} (suggestion)", f.description) }},
                    "artifactChanges": [{
                        "artifactLocation": {"uri": uri(source.name), "index": n},
                        "replacements": f.edits.iter().map(|e| json!({
                            "deletedRegion": {"byteOffset": e.span.start, "byteLength": e.span.len()},
                            "insertedContent": {"text": e.replacement},
                        })).collect::<Vec<_>>(),
                    }],
                }]);
            }
            results.push(result);
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "amend",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/amend",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "artifacts": artifacts,
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).expect("SARIF");
    s.push('\n');
    s
}
