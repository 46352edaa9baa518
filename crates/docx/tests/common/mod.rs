//! Shared helpers of the integration tests: locating `../shared`, skipping when absent.
#![allow(dead_code)]

use std::path::PathBuf;

use amend_model::content::ChangeKind;

/// The shared fixtures folder, or `None` (with a notice) when absent outside CI.
pub fn shared(test: &str) -> Option<PathBuf> {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    if path.join("fixtures").is_dir() {
        return Some(path);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{test}: ../shared/fixtures is required when CI=true");
    }
    eprintln!("{test}: skipped, ../shared/fixtures is absent");
    None
}

pub fn read(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One change as the acceptance tests compare them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rec {
    pub kind: &'static str,
    pub text: String,
    pub author: Option<String>,
    pub date: Option<String>,
}

/// Insertions and deletions (moves counted as such), adjacent equal marks merged.
pub fn text_changes(spans: impl Iterator<Item = amend_model::Span>) -> Vec<Rec> {
    let mut out: Vec<Rec> = Vec::new();
    let mut broken = false;
    for span in spans {
        let Some(change) = span.change else {
            // Unmarked text (a cell separator) separates changes.
            broken = true;
            continue;
        };
        let kind = match change.kind {
            ChangeKind::Insertion | ChangeKind::MoveTo => "insertion",
            ChangeKind::Deletion | ChangeKind::MoveFrom => "deletion",
            _ => continue,
        };
        if let Some(last) = out.last_mut()
            && !broken
            && last.kind == kind
            && last.author == change.author
            && last.date == change.date
        {
            last.text.push_str(&span.text);
            continue;
        }
        broken = false;
        out.push(Rec {
            kind,
            text: span.text,
            author: change.author,
            date: change.date,
        });
    }
    out
}

/// Splits a plain text into its running text and the words of its tables, so that texts
/// whose tables are laid out differently (pandoc draws grid tables whose cells wrap over
/// several lines, we write one line per row) can be compared: the running text in order,
/// the table words as a multiset. Lines that are only an image description (`[name]`)
/// are dropped.
pub fn split_tables(text: &str) -> (String, Vec<String>) {
    let is_rule = |l: &str| {
        let t = l.trim();
        t.len() >= 3 && t.chars().all(|c| c == '-' || c == ' ') && t.starts_with("---")
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut table = vec![false; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim();
        if t.starts_with('|') || t.starts_with('+') {
            table[i] = true;
        } else if is_rule(lines[i]) {
            // pandoc's simple tables (header, rule, rows, blank line) and multiline tables
            // (rule, rows, rule).
            let header = i > 0 && !lines[i - 1].trim().is_empty() && !table[i - 1];
            table[i] = true;
            if header {
                table[i - 1] = true;
                let mut j = i + 1;
                while j < lines.len() && !lines[j].trim().is_empty() {
                    table[j] = true;
                    j += 1;
                }
                i = j;
                continue;
            }
            let mut j = i + 1;
            while j < lines.len() {
                table[j] = true;
                if is_rule(lines[j]) && lines.get(j + 1).is_none_or(|n| n.trim().is_empty()) {
                    break;
                }
                j += 1;
            }
            i = j + 1;
            continue;
        }
        i += 1;
    }
    let mut running = String::new();
    let mut words = Vec::new();
    for (line, in_table) in lines.iter().zip(table) {
        let t = line.trim();
        if in_table {
            for w in t.split(|c: char| c.is_whitespace() || c == '|') {
                // Image descriptions `[name]` (pandoc) are not text.
                if w.len() > 2
                    && w.starts_with('[')
                    && w.ends_with(']')
                    && !w[1..].starts_with(|c: char| c.is_ascii_digit())
                {
                    continue;
                }
                let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                if !w.is_empty() {
                    words.push(w.replace('\u{2011}', "-"));
                }
            }
            continue;
        }
        if t.starts_with('[') && t.ends_with(']') && !t.contains(' ') && t.len() >= 2 {
            continue;
        }
        running.push_str(line);
        running.push('\n');
    }
    words.sort();
    (running, words)
}

/// The words only in `a` and only in `b` (multisets).
pub fn word_difference(a: &[String], b: &[String]) -> (Vec<String>, Vec<String>) {
    let (mut i, mut j) = (0, 0);
    let (mut only_a, mut only_b) = (Vec::new(), Vec::new());
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => {
                only_a.push(x.clone());
                i += 1;
            }
            (Some(_), Some(y)) => {
                only_b.push(y.clone());
                j += 1;
            }
            (Some(x), None) => {
                only_a.push(x.clone());
                i += 1;
            }
            (None, Some(y)) => {
                only_b.push(y.clone());
                j += 1;
            }
            (None, None) => break,
        }
    }
    (only_a, only_b)
}

/// Removes pandoc's plain-text markup for what plain text cannot show: superscripts and
/// written `^(x)`.
pub fn unmark_pandoc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('^') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(inner) = tail.strip_prefix("^(")
            && let Some(close) = inner.find(')')
        {
            out.push_str(&inner[..close]);
            rest = &inner[close + 1..];
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The insertion and deletion spans of pandoc's JSON output, text flattened.
pub fn pandoc_changes(json: &str) -> Vec<Rec> {
    // The insertion and deletion spans of pandoc's JSON, their text flattened.
    fn inline_text(v: &serde_json::Value, out: &mut String) {
        use serde_json::Value;
        match v {
            Value::Object(o) => match o.get("t").and_then(Value::as_str) {
                Some("Note") => {}
                Some("Str") => out.push_str(o.get("c").and_then(Value::as_str).unwrap_or("")),
                Some("Space") | Some("SoftBreak") => out.push(' '),
                Some("LineBreak") => out.push('\n'),
                _ => {
                    if let Some(c) = o.get("c") {
                        inline_text(c, out);
                    }
                }
            },
            Value::Array(a) => a.iter().for_each(|x| inline_text(x, out)),
            _ => {}
        }
    }
    fn walk(v: &serde_json::Value, out: &mut Vec<Rec>) {
        use serde_json::Value;
        match v {
            Value::Object(o) => {
                if o.get("t").and_then(Value::as_str) == Some("Span")
                    && let Some(Value::Array(c)) = o.get("c")
                    && let Some(Value::Array(attr)) = c.first()
                {
                    let classes: Vec<&str> = attr
                        .get(1)
                        .and_then(Value::as_array)
                        .map(|a| a.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    let kind = if classes.contains(&"insertion") {
                        Some("insertion")
                    } else if classes.contains(&"deletion") {
                        Some("deletion")
                    } else {
                        None
                    };
                    if let Some(kind) = kind {
                        let kv = |key: &str| {
                            attr.get(2).and_then(Value::as_array).and_then(|pairs| {
                                pairs.iter().find_map(|p| {
                                    let p = p.as_array()?;
                                    (p.first()?.as_str()? == key)
                                        .then(|| p.get(1)?.as_str().map(String::from))
                                        .flatten()
                                })
                            })
                        };
                        let mut text = String::new();
                        if let Some(inner) = c.get(1) {
                            inline_text(inner, &mut text);
                        }
                        out.push(Rec {
                            kind,
                            text,
                            author: kv("author"),
                            date: kv("date"),
                        });
                        return;
                    }
                }
                // Notes are compared by the round trip, not here: pandoc puts their text
                // at the reference, we after the body.
                if o.get("t").and_then(Value::as_str) == Some("Note") {
                    return;
                }
                for (_, x) in o.iter() {
                    walk(x, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let value = serde_json::from_str::<serde_json::Value>(json).expect("pandoc JSON");
    let mut out = Vec::new();
    walk(&value, &mut out);
    out
}

/// Changes as compared with pandoc: adjacent spans of one kind, author and date merged,
/// whitespace collapsed (pandoc collapses it), empty ones dropped.
pub fn normalize(recs: Vec<Rec>) -> Vec<(String, String, Option<String>, Option<String>)> {
    let recs: Vec<Rec> = recs
        .into_iter()
        .map(|mut r| {
            r.text = strip_note_markers(&r.text);
            r
        })
        .collect();
    // Adjacent spans of one kind, author and date are one change; whitespace is compared
    // by words since pandoc collapses it.
    let mut merged: Vec<Rec> = Vec::new();
    for r in recs {
        if let Some(last) = merged.last_mut()
            && last.kind == r.kind
            && last.author == r.author
            && last.date == r.date
        {
            last.text.push(' ');
            last.text.push_str(&r.text);
            continue;
        }
        merged.push(r);
    }
    merged
        .into_iter()
        .map(|r| {
            (
                r.kind.to_string(),
                r.text.split_whitespace().collect::<Vec<_>>().join(" "),
                r.author,
                r.date,
            )
        })
        .filter(|r| !r.1.is_empty())
        .collect()
}

/// An external program: the path in `env`, else the first candidate that runs; `None`
/// (with a notice) when absent outside CI, a failure when `CI=true`.
pub fn program(test: &str, env: &str, candidates: &[PathBuf]) -> Option<PathBuf> {
    let from_env = std::env::var_os(env).map(PathBuf::from);
    for candidate in from_env.iter().chain(candidates) {
        let runs = std::process::Command::new(candidate)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if runs {
            return Some(candidate.clone());
        }
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{test}: {env} (or one of {candidates:?}) is required when CI=true");
    }
    eprintln!("{test}: skipped, no {env} program found");
    None
}

/// pandoc 3.x: `$PANDOC`, the one `.ci/run` installs in `.ci-venv`, or `pandoc` on the path.
pub fn pandoc(test: &str) -> Option<PathBuf> {
    let repo = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let mut candidates = Vec::new();
    if let Ok(entries) = std::fs::read_dir(repo.join(".ci-venv/lib")) {
        for e in entries.flatten() {
            candidates.push(e.path().join("site-packages/pypandoc/files/pandoc"));
        }
    }
    candidates.push(PathBuf::from("pandoc"));
    let found = program(test, "PANDOC", &candidates)?;
    eprintln!("{test}: using {}", found.display());
    let version = std::process::Command::new(&found)
        .arg("--version")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&version.stdout);
    if !text.starts_with("pandoc 3") {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!(
                "{test}: pandoc 3.x is required, found {}",
                text.lines().next().unwrap_or("")
            );
        }
        eprintln!("{test}: skipped, pandoc 3.x required");
        return None;
    }
    Some(found)
}

/// Removes footnote markers `[n]` from a text.
pub fn strip_note_markers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        match tail.find(']') {
            Some(close) if close > 0 && tail[..close].chars().all(|c| c.is_ascii_digit()) => {
                rest = &tail[close + 1..];
            }
            _ => {
                out.push('[');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The changes of each paragraph (a paragraph boundary separates changes).
pub fn paragraph_changes(paragraphs: &[amend_model::layout::Paragraph]) -> Vec<Rec> {
    paragraphs
        .iter()
        .flat_map(|p| text_changes(p.content.spans.clone().into_iter()))
        .collect()
}

/// Compares our text with pandoc's: running text in order, table words as multisets.
pub fn compare_with_pandoc(ours: &str, pandoc: &str) -> Result<(), String> {
    let (ours_running, ours_words) = split_tables(ours);
    let (their_running, their_words) = split_tables(&unmark_pandoc(pandoc));
    if let Some(d) = amend_model::textcmp::first_difference(&ours_running, &their_running) {
        return Err(format!("running text: {d}"));
    }
    let (only_ours, only_theirs) = word_difference(&ours_words, &their_words);
    if !only_ours.is_empty() || !only_theirs.is_empty() {
        return Err(format!(
            "table words differ: only ours {only_ours:?}, only pandoc's {only_theirs:?}"
        ));
    }
    Ok(())
}
