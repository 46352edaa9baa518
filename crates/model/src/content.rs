//! Text with change marks: a paragraph's content is a sequence of [`Span`]s, each
//! plain or marked by one [`Change`] or annotation.

use std::borrow::Cow;

use serde::Serialize;

use crate::span::SourceSpan;

/// What a mark does to the text it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Text present only in the new version.
    Insertion,
    /// Text present only in the old version.
    Deletion,
    /// The old place of moved text (behaves as a deletion).
    MoveFrom,
    /// The new place of moved text (behaves as an insertion).
    MoveTo,
    /// A paragraph mark inserted: the paragraph was split or added.
    ParagraphInsertion,
    /// A paragraph mark deleted: the paragraph joins the next one.
    ParagraphDeletion,
    /// A formatting change: recorded, no effect on text.
    Format,
    /// A numbering change: recorded, no effect on text.
    Numbering,
    /// A reviewer's comment: kept, never part of either text.
    Comment,
    /// Highlighted text: part of both texts.
    Highlight,
    /// One of several bracketed alternatives proposed by a source.
    Alternative,
    /// Text inserted and then deleted (Word's deletion inside an insertion or a move's
    /// new place): in neither text, shown struck through in a redline. `author` and
    /// `date` are the deletion's; `detail` names the insertion (`inserted by A on D`).
    /// On a paragraph mark: the mark was inserted and deleted, so the paragraph runs on
    /// into the next one in both texts.
    DeletedInsertion,
}

impl ChangeKind {
    /// Whether the covered text belongs to the new (accepted) text.
    pub fn in_accepted(self) -> bool {
        !matches!(
            self,
            ChangeKind::Deletion
                | ChangeKind::MoveFrom
                | ChangeKind::Comment
                | ChangeKind::ParagraphInsertion
                | ChangeKind::ParagraphDeletion
                | ChangeKind::DeletedInsertion
        )
    }

    /// Whether the covered text belongs to the old (rejected) text.
    pub fn in_rejected(self) -> bool {
        !matches!(
            self,
            ChangeKind::Insertion
                | ChangeKind::MoveTo
                | ChangeKind::Comment
                | ChangeKind::Alternative
                | ChangeKind::ParagraphInsertion
                | ChangeKind::ParagraphDeletion
                | ChangeKind::DeletedInsertion
        )
    }

    /// Insertions and deletions (moves included): the marks that change text.
    pub fn changes_text(self) -> bool {
        matches!(
            self,
            ChangeKind::Insertion
                | ChangeKind::Deletion
                | ChangeKind::MoveFrom
                | ChangeKind::MoveTo
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Insertion => "insertion",
            ChangeKind::Deletion => "deletion",
            ChangeKind::MoveFrom => "move_from",
            ChangeKind::MoveTo => "move_to",
            ChangeKind::ParagraphInsertion => "paragraph_insertion",
            ChangeKind::ParagraphDeletion => "paragraph_deletion",
            ChangeKind::Format => "format",
            ChangeKind::Numbering => "numbering",
            ChangeKind::Comment => "comment",
            ChangeKind::Highlight => "highlight",
            ChangeKind::Alternative => "alternative",
            ChangeKind::DeletedInsertion => "deleted_insertion",
        }
    }
}

/// One change mark with its provenance.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The delegation or group that proposed it (`CITEL`, `ARB`), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Links the two halves of a move.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub move_id: Option<String>,
    /// Free description for format/numbering changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// How the change was found, when it was recovered rather than recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
}

/// What a recovered change rests on, and how sure it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Evidence {
    pub kind: EvidenceKind,
    /// Confidence in percent (100: exact).
    pub confidence: u8,
}

/// The kinds of evidence for a recovered change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceKind {
    /// The text is absent from the base (insertions) or aligned against it.
    BaseAlignment,
    /// An old and a new text of the same shape side by side (stamps, years, labels).
    ReplacementPattern,
    /// The structure: label sequences, items repeated beside their replacements.
    Structure,
    /// The clean new text was given: exact.
    NewText,
    /// The evidence does not decide: marked undecided, not guessed.
    Undecided,
}

impl Change {
    pub fn new(kind: ChangeKind) -> Self {
        Self {
            kind,
            author: None,
            date: None,
            source: None,
            move_id: None,
            detail: None,
            evidence: None,
        }
    }

    pub fn insertion() -> Self {
        Self::new(ChangeKind::Insertion)
    }

    pub fn deletion() -> Self {
        Self::new(ChangeKind::Deletion)
    }

    pub fn with_author(mut self, author: impl Into<String>) -> Self {
        self.author = Some(author.into());
        self
    }

    pub fn with_date(mut self, date: impl Into<String>) -> Self {
        self.date = Some(date.into());
        self
    }
}

/// A run of text, plain or under one mark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    pub text: String,
    /// Boxed: most spans carry no mark, and a `Change` is large (its provenance
    /// fields), so a span stays small and documents stay compact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<Box<Change>>,
    /// Where the text came from in the input (absent for generated text).
    #[serde(skip)]
    pub src: Option<SourceSpan>,
}

impl Span {
    pub fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            change: None,
            src: None,
        }
    }

    pub fn marked(text: impl Into<String>, change: Change) -> Self {
        Self {
            text: text.into(),
            change: Some(Box::new(change)),
            src: None,
        }
    }

    pub fn with_src(mut self, src: SourceSpan) -> Self {
        self.src = Some(src);
        self
    }

    pub fn kind(&self) -> Option<ChangeKind> {
        self.change.as_ref().map(|c| c.kind)
    }

    pub fn in_accepted(&self) -> bool {
        self.kind().is_none_or(ChangeKind::in_accepted)
    }

    pub fn in_rejected(&self) -> bool {
        self.kind().is_none_or(ChangeKind::in_rejected)
    }
}

/// Which text of a marked document to look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// All changes accepted: the new text.
    Accepted,
    /// All changes rejected: the old text.
    Rejected,
}

/// A sequence of spans: the content of a paragraph, label, heading or title.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct Content {
    pub spans: Vec<Span>,
}

impl Content {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn plain(text: impl Into<String>) -> Self {
        let text = text.into();
        if text.is_empty() {
            return Self::default();
        }
        Self {
            spans: vec![Span::plain(text)],
        }
    }

    pub fn from_spans(spans: Vec<Span>) -> Self {
        let mut content = Self::default();
        for span in spans {
            content.push(span);
        }
        content
    }

    /// Appends a span, merging it with the last one when both carry the same mark.
    pub fn push(&mut self, span: Span) {
        if span.text.is_empty() {
            return;
        }
        if let Some(last) = self.spans.last_mut()
            && last.change == span.change
        {
            last.text.push_str(&span.text);
            last.src = match (last.src, span.src) {
                (Some(a), Some(b)) => Some(a.join(b)),
                (a, b) => a.or(b),
            };
            return;
        }
        self.spans.push(span);
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.spans.iter().all(|s| s.text.is_empty())
    }

    /// The text as written, every span included (comments excepted).
    pub fn written(&self) -> String {
        self.spans
            .iter()
            .filter(|s| s.kind() != Some(ChangeKind::Comment))
            .map(|s| s.text.as_str())
            .collect()
    }

    /// The text with all changes accepted or all rejected.
    pub fn view(&self, view: View) -> String {
        self.spans
            .iter()
            .filter(|s| match view {
                View::Accepted => s.in_accepted(),
                View::Rejected => s.in_rejected(),
            })
            .map(|s| s.text.as_str())
            .collect()
    }

    pub fn accepted(&self) -> String {
        self.view(View::Accepted)
    }

    /// The text in a view, borrowed when one span makes it up (most paragraphs):
    /// for callers that only read it.
    pub fn view_str(&self, view: View) -> Cow<'_, str> {
        let shown = |s: &&Span| match view {
            View::Accepted => s.in_accepted(),
            View::Rejected => s.in_rejected(),
        };
        let mut shown_spans = self.spans.iter().filter(shown);
        match (shown_spans.next(), shown_spans.next()) {
            (None, _) => Cow::Borrowed(""),
            (Some(only), None) => Cow::Borrowed(&only.text),
            _ => Cow::Owned(self.view(view)),
        }
    }

    /// [`Content::accepted`], borrowed when one span makes it up.
    pub fn accepted_str(&self) -> Cow<'_, str> {
        self.view_str(View::Accepted)
    }

    pub fn rejected(&self) -> String {
        self.view(View::Rejected)
    }

    /// Whether any span changes the text.
    pub fn has_changes(&self) -> bool {
        self.spans
            .iter()
            .any(|s| s.kind().is_some_and(ChangeKind::changes_text))
    }

    pub fn src(&self) -> Option<SourceSpan> {
        self.spans
            .iter()
            .filter_map(|s| s.src)
            .reduce(SourceSpan::join)
    }

    /// Drops leading and trailing whitespace of the written text, whatever its mark.
    #[inline]
    pub fn trimmed(self) -> Self {
        self.trim_start().trim_end()
    }

    /// Drops leading whitespace, whatever its mark.
    #[inline]
    pub fn trim_start(self) -> Self {
        // Text that starts with a visible ASCII character (most) has nothing to cut.
        match self.spans.first() {
            Some(first) if first.text.as_bytes().first().is_some_and(is_ascii_visible) => self,
            _ => self.trim_start_cut(),
        }
    }

    fn trim_start_cut(mut self) -> Self {
        while let Some(first) = self.spans.first_mut() {
            let trimmed = first.text.trim_start();
            if trimmed.is_empty() {
                self.spans.remove(0);
                continue;
            }
            let cut = first.text.len() - trimmed.len();
            if cut > 0 {
                first.text.drain(..cut);
                if let Some(src) = first.src.as_mut() {
                    src.start += cut;
                }
            }
            break;
        }
        self
    }

    /// Drops trailing whitespace, whatever its mark.
    #[inline]
    pub fn trim_end(self) -> Self {
        match self.spans.last() {
            Some(last) if last.text.as_bytes().last().is_some_and(is_ascii_visible) => self,
            _ => self.trim_end_cut(),
        }
    }

    fn trim_end_cut(mut self) -> Self {
        while let Some(last) = self.spans.last_mut() {
            let trimmed_len = last.text.trim_end().len();
            if trimmed_len == 0 {
                self.spans.pop();
                continue;
            }
            let cut = last.text.len() - trimmed_len;
            if cut > 0 {
                last.text.truncate(trimmed_len);
                if let Some(src) = last.src.as_mut() {
                    src.end -= cut;
                }
            }
            break;
        }
        self
    }

    /// Splits after `n` bytes of the written text (comments count as written).
    pub fn split_at_written(&self, n: usize) -> (Content, Content) {
        let mut head = Content::new();
        let mut tail = Content::new();
        let mut seen = 0;
        for span in &self.spans {
            let len = span.text.len();
            if seen >= n {
                tail.push(span.clone());
            } else if seen + len <= n {
                head.push(span.clone());
            } else {
                let at = n - seen;
                let (a, b) = span.text.split_at(at);
                let mut first = Span {
                    text: a.to_string(),
                    change: span.change.clone(),
                    src: span.src,
                };
                let mut second = Span {
                    text: b.to_string(),
                    change: span.change.clone(),
                    src: span.src,
                };
                if let Some(src) = span.src {
                    first.src = Some(SourceSpan::new(src.start, src.start + at));
                    second.src = Some(SourceSpan::new(src.start + at, src.end));
                }
                head.push(first);
                tail.push(second);
            }
            seen += len;
        }
        (head, tail)
    }

    /// Concatenates two contents.
    pub fn concat(mut self, other: Content) -> Content {
        for span in other.spans {
            self.push(span);
        }
        self
    }

    /// Marks every span with `change`, keeping spans that already have a mark.
    pub fn mark_all(mut self, change: &Change) -> Content {
        for span in &mut self.spans {
            if span.change.is_none() {
                span.change = Some(Box::new(change.clone()));
            }
        }
        self
    }
}

/// An ASCII byte that is not white space (`char::is_whitespace`): text that starts (or
/// ends) with one has nothing to trim there.
fn is_ascii_visible(b: &u8) -> bool {
    b.is_ascii() && !matches!(b, b'\t'..=b'\r' | b' ')
}

impl From<&str> for Content {
    fn from(text: &str) -> Self {
        Content::plain(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_keep_the_right_spans() {
        let content = Content::from_spans(vec![
            Span::plain("Rev. "),
            Span::marked("Dubai, 2012", Change::deletion()),
            Span::marked("Hammamet, 2016", Change::insertion()),
            Span::marked("note", Change::new(ChangeKind::Comment)),
        ]);
        assert_eq!(content.accepted(), "Rev. Hammamet, 2016");
        assert_eq!(content.rejected(), "Rev. Dubai, 2012");
        assert_eq!(content.written(), "Rev. Dubai, 2012Hammamet, 2016");
        assert!(content.has_changes());
    }

    #[test]
    fn push_merges_equal_marks_and_trim_cuts_whitespace() {
        let mut content = Content::new();
        content.push(Span::plain("  a"));
        content.push(Span::plain("b "));
        assert_eq!(content.spans.len(), 1);
        let content = content.trimmed();
        assert_eq!(content.written(), "ab");
    }

    proptest::proptest! {
        /// Trimming cuts what `str::trim` cuts, source positions following.
        #[test]
        fn trimming_cuts_what_trim_cuts(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", " ", "\t", "\x0b", "\u{a0}", "\u{2003}", "\u{e9}", "\x1c", ".",
                ]),
                0..8,
            ),
        ) {
            let text = pieces.concat();
            let content = Content::from_spans(vec![
                Span::plain(text.as_str()).with_src(SourceSpan::new(0, text.len())),
            ]);
            let trimmed = content.trimmed();
            let expected = text.trim();
            proptest::prop_assert_eq!(trimmed.written(), expected);
            if !expected.is_empty() {
                let start = text.len() - text.trim_start().len();
                proptest::prop_assert_eq!(
                    trimmed.src(),
                    Some(SourceSpan::new(start, start + expected.len()))
                );
            }
        }
    }

    #[test]
    fn split_keeps_marks_on_both_sides() {
        let content = Content::from_spans(vec![
            Span::plain("ab"),
            Span::marked("cd", Change::insertion()),
        ]);
        let (head, tail) = content.split_at_written(3);
        assert_eq!(head.written(), "abc");
        assert_eq!(tail.written(), "d");
        assert_eq!(tail.spans[0].kind(), Some(ChangeKind::Insertion));
    }
}
