//! From per-byte verdicts to marks, statistics, the views, and the change-marked
//! document (one paragraph per line, through the model's layout rules).

use amend_model::layout::{self, LayoutInput, Paragraph};
use amend_model::{
    Change, ChangeKind, Content, Document, Evidence, RemovedMarker, SourceSpan, Span,
};

use crate::{Cell, DETAILS, Extra, Mark, MarkKind, Options, Recovery, Stats, evidence_index};

pub(crate) fn marks(cells: &[Cell]) -> Vec<Mark> {
    let mut out: Vec<Mark> = Vec::new();
    let mut start = 0;
    for i in 1..=cells.len() {
        if i == cells.len() || cells[i] != cells[start] {
            let c = cells[start];
            out.push(Mark {
                start,
                end: i,
                kind: c.mark,
                evidence: Evidence {
                    kind: c.evidence,
                    confidence: c.confidence,
                },
                detail: (c.detail > 0).then(|| DETAILS[c.detail as usize].to_string()),
            });
            start = i;
        }
    }
    // Kept text needs no evidence: merge neighbouring kept marks.
    let mut merged: Vec<Mark> = Vec::with_capacity(out.len());
    for m in out {
        if let Some(last) = merged.last_mut()
            && last.kind == MarkKind::Kept
            && m.kind == MarkKind::Kept
        {
            last.end = m.end;
            continue;
        }
        merged.push(m);
    }
    merged
}

pub(crate) fn stats(recovery: &Recovery, conflicts: usize) -> Stats {
    let mut stats = Stats {
        conflicts,
        ..Stats::default()
    };
    for m in &recovery.marks {
        let chars = recovery.text[m.start..m.end].chars().count();
        match m.kind {
            MarkKind::Kept => stats.kept_chars += chars,
            MarkKind::Inserted => stats.inserted_chars += chars,
            MarkKind::Deleted => stats.deleted_chars += chars,
            MarkKind::Undecided => stats.undecided_chars += chars,
        }
        if m.kind != MarkKind::Kept {
            stats.changes_by_evidence[evidence_index(m.evidence.kind)] += 1;
        }
    }
    for e in &recovery.extras {
        if e.normalization {
            stats.normalizations += e.text.chars().count();
        } else {
            stats.changes_by_evidence[evidence_index(e.evidence.kind)] += 1;
        }
    }
    stats
}

/// The flattened text with the recovered changes accepted or rejected (undecided kept).
pub(crate) fn view_text(recovery: &Recovery, accepted: bool) -> String {
    let mut out = String::with_capacity(recovery.text.len());
    let mut extras = recovery.extras.iter().peekable();
    let keep = |kind: MarkKind| match kind {
        MarkKind::Kept | MarkKind::Undecided => true,
        MarkKind::Inserted => accepted,
        MarkKind::Deleted => !accepted,
    };
    for m in &recovery.marks {
        while let Some(e) = extras.next_if(|e| e.at <= m.start) {
            if keep(e.kind) {
                out.push_str(&e.text);
            }
        }
        if keep(m.kind) {
            out.push_str(&recovery.text[m.start..m.end]);
        }
    }
    for e in extras {
        if keep(e.kind) {
            out.push_str(&e.text);
        }
    }
    out
}

fn change_of(kind: MarkKind, evidence: &Evidence, detail: Option<&str>) -> Option<Change> {
    let change_kind = match kind {
        MarkKind::Kept => return None,
        MarkKind::Inserted => ChangeKind::Insertion,
        MarkKind::Deleted => ChangeKind::Deletion,
        MarkKind::Undecided => ChangeKind::Highlight,
    };
    let mut change = Change::new(change_kind);
    change.evidence = Some(evidence.clone());
    change.detail = detail.map(str::to_string);
    Some(change)
}

fn evidence_name(e: &Evidence) -> &'static str {
    match e.kind {
        amend_model::EvidenceKind::BaseAlignment => "base-alignment",
        amend_model::EvidenceKind::ReplacementPattern => "replacement-pattern",
        amend_model::EvidenceKind::Structure => "structure",
        amend_model::EvidenceKind::NewText => "new-text",
        amend_model::EvidenceKind::Undecided => "undecided",
    }
}

/// One piece of a line: text of F (or an extra) with its mark.
struct Piece<'a> {
    text: &'a str,
    src: Option<SourceSpan>,
    kind: MarkKind,
    evidence: Evidence,
    detail: Option<&'a str>,
}

/// Builds the document; with `annotate`, every change group is followed by a comment
/// naming its evidence, and undecided stretches by an `undecided:` comment.
pub(crate) fn document(recovery: &Recovery, annotate: bool, options: &Options) -> Document {
    let text = recovery.text.as_str();
    let mut pieces: Vec<Piece<'_>> = Vec::with_capacity(recovery.marks.len() * 2);
    let mut extras = recovery.extras.iter().peekable();
    let mut removed = Vec::new();
    for m in &recovery.marks {
        while let Some(e) = extras.next_if(|e| e.at <= m.start) {
            pieces.push(extra_piece(e));
        }
        // Cut at extras that fall inside the mark.
        let mut from = m.start;
        while let Some(e) = extras.next_if(|e| e.at < m.end) {
            if e.at > from {
                pieces.push(mark_piece(text, m, from, e.at));
            }
            from = e.at.max(from);
            pieces.push(extra_piece(e));
        }
        if from < m.end {
            pieces.push(mark_piece(text, m, from, m.end));
        }
    }
    for e in extras {
        pieces.push(extra_piece(e));
    }

    // Cut into lines; the mark of a line end is the paragraph's mark.
    let mut paragraphs = Vec::new();
    let mut content = Content::new();
    let mut group: Vec<(MarkKind, Evidence, Option<String>)> = Vec::new();
    let mut line_start = 0;
    let mut flush_group =
        |content: &mut Content, group: &mut Vec<(MarkKind, Evidence, Option<String>)>| {
            if !annotate || group.is_empty() {
                group.clear();
                return;
            }
            content.push(Span::marked(
                comment(group),
                Change::new(ChangeKind::Comment),
            ));
            group.clear();
        };
    for piece in &pieces {
        let mut rest = piece.text;
        let mut offset = piece.src.map(|s| s.start);
        while !rest.is_empty() {
            let (chunk, newline) = match rest.find('\n') {
                Some(i) => (&rest[..i], true),
                None => (rest, false),
            };
            if !chunk.is_empty() {
                let span_src = offset.map(|o| SourceSpan::new(o, o + chunk.len()));
                push_piece_text(
                    &mut content,
                    chunk,
                    span_src,
                    piece,
                    annotate,
                    &mut group,
                    &mut removed,
                    &mut flush_group,
                );
            }
            if newline {
                let chunk_end = offset.map(|o| o + chunk.len());
                let mut p = Paragraph::new(
                    std::mem::take(&mut content),
                    SourceSpan::new(line_start, chunk_end.unwrap_or(line_start)),
                );
                if piece.kind != MarkKind::Kept
                    && piece.kind != MarkKind::Undecided
                    && piece.src.is_some()
                {
                    p.mark = change_of(piece.kind, &piece.evidence, piece.detail).map(Box::new);
                }
                flush_group(&mut p.content, &mut group);
                paragraphs.push(p);
                let consumed = chunk.len() + 1;
                rest = &rest[consumed..];
                offset = offset.map(|o| o + consumed);
                if let Some(o) = offset {
                    line_start = o;
                }
            } else {
                rest = "";
            }
        }
    }
    flush_group(&mut content, &mut group);
    if !content.is_empty() {
        paragraphs.push(Paragraph::new(
            content,
            SourceSpan::new(line_start, text.len()),
        ));
    }
    let mut document = layout::build(LayoutInput {
        paragraphs,
        footnotes: Vec::new(),
        removed_markers: removed,
        source: options.source.clone(),
        ..LayoutInput::default()
    });
    document.warnings.extend(recovery.findings.iter().cloned());
    document
}

fn extra_piece(e: &Extra) -> Piece<'_> {
    Piece {
        text: &e.text,
        src: None,
        kind: e.kind,
        evidence: e.evidence.clone(),
        detail: e
            .normalization
            .then_some("normalization: lost in the flattened text"),
    }
}

fn mark_piece<'a>(text: &'a str, m: &'a Mark, from: usize, to: usize) -> Piece<'a> {
    Piece {
        text: &text[from..to],
        src: Some(SourceSpan::new(from, to)),
        kind: m.kind,
        evidence: m.evidence.clone(),
        detail: m.detail.as_deref(),
    }
}

#[allow(clippy::too_many_arguments)]
fn push_piece_text(
    content: &mut Content,
    chunk: &str,
    src: Option<SourceSpan>,
    piece: &Piece<'_>,
    annotate: bool,
    group: &mut Vec<(MarkKind, Evidence, Option<String>)>,
    removed: &mut Vec<RemovedMarker>,
    flush_group: &mut impl FnMut(&mut Content, &mut Vec<(MarkKind, Evidence, Option<String>)>),
) {
    // Extractor markers leave the text, as the text reader does.
    let mut rest = chunk;
    let mut at = src.map(|s| s.start);
    while let Some(i) = rest.find("[bookmark: ") {
        let Some(close) = rest[i..].find(']') else {
            break;
        };
        push_span(content, &rest[..i], at, piece, annotate, group, flush_group);
        if let Some(a) = at {
            removed.push(RemovedMarker {
                text: rest[i..i + close + 1].to_string(),
                span: SourceSpan::new(a + i, a + i + close + 1),
            });
        }
        let consumed = i + close + 1;
        rest = &rest[consumed..];
        at = at.map(|a| a + consumed);
    }
    push_span(content, rest, at, piece, annotate, group, flush_group);
}

fn push_span(
    content: &mut Content,
    text: &str,
    at: Option<usize>,
    piece: &Piece<'_>,
    annotate: bool,
    group: &mut Vec<(MarkKind, Evidence, Option<String>)>,
    flush_group: &mut impl FnMut(&mut Content, &mut Vec<(MarkKind, Evidence, Option<String>)>),
) {
    if text.is_empty() {
        return;
    }
    let change = change_of(piece.kind, &piece.evidence, piece.detail);
    if annotate && change.is_none() {
        flush_group(content, group);
    }
    let mut span = match change {
        Some(c) => Span::marked(text, c),
        None => Span::plain(text),
    };
    if let Some(a) = at {
        span = span.with_src(SourceSpan::new(a, a + text.len()));
    }
    content.push(span);
    if annotate && piece.kind != MarkKind::Kept && !text.trim().is_empty() {
        let entry = (
            piece.kind,
            piece.evidence.clone(),
            piece.detail.map(str::to_string),
        );
        if !group.contains(&entry) {
            group.push(entry);
        }
        if piece.kind == MarkKind::Undecided {
            flush_group(content, group);
        }
    }
}

/// The comment after a group of changes: `replacement-pattern 90%: meeting stamp ...`.
fn comment(group: &[(MarkKind, Evidence, Option<String>)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for (kind, evidence, detail) in group {
        let mut s = if *kind == MarkKind::Undecided {
            "undecided".to_string()
        } else {
            format!(
                "{} {} {}%",
                kind.as_str(),
                evidence_name(evidence),
                evidence.confidence
            )
        };
        if let Some(d) = detail {
            s.push_str(": ");
            s.push_str(d);
        }
        if !parts.contains(&s) {
            parts.push(s);
        }
    }
    parts.join("; ")
}
