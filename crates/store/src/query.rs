//! The user's search text as a small query language (words, `"phrases"`, `-excluded`),
//! rendered per backend so that no user text reaches the backend's own syntax.

/// One term of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryTerm {
    /// A word or a phrase (several words in order) that must occur.
    Phrase(Vec<String>),
    /// A word or phrase that must not occur.
    Not(Vec<String>),
}

/// Splits the search text into terms. Words are runs of letters and digits; anything
/// else separates them, so operators of the backend cannot be injected.
pub fn parse_query(text: &str) -> Vec<QueryTerm> {
    let mut terms = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let trimmed = rest.trim_start();
        if trimmed.is_empty() {
            break;
        }
        let (negated, body) = match trimmed.strip_prefix('-') {
            Some(b) => (true, b),
            None => (false, trimmed),
        };
        let (chunk, after) = if let Some(inner) = body.strip_prefix('"') {
            match inner.find('"') {
                Some(end) => (&inner[..end], &inner[end + 1..]),
                None => (inner, ""),
            }
        } else {
            let end = body.find(char::is_whitespace).unwrap_or(body.len());
            (&body[..end], &body[end..])
        };
        let words = words(chunk);
        if !words.is_empty() {
            terms.push(if negated {
                QueryTerm::Not(words)
            } else {
                QueryTerm::Phrase(words)
            });
        }
        rest = after;
    }
    // A query of exclusions alone matches nothing useful: drop them.
    if terms.iter().all(|t| matches!(t, QueryTerm::Not(_))) {
        terms.clear();
    }
    terms
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The FTS5 `MATCH` expression of the terms; `None` when there is nothing to match.
pub(crate) fn fts5(terms: &[QueryTerm]) -> Option<String> {
    let quote = |words: &[String]| format!("\"{}\"", words.join(" "));
    let mut out = String::new();
    for term in terms {
        if let QueryTerm::Phrase(words) = term {
            if !out.is_empty() {
                out.push_str(" AND ");
            }
            out.push_str(&quote(words));
        }
    }
    if out.is_empty() {
        return None;
    }
    for term in terms {
        if let QueryTerm::Not(words) = term {
            out.push_str(" NOT ");
            out.push_str(&quote(words));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_phrases_and_exclusions() {
        let terms = parse_query(r#"WSIS "action line" -Internet"#);
        assert_eq!(
            terms,
            vec![
                QueryTerm::Phrase(vec!["WSIS".into()]),
                QueryTerm::Phrase(vec!["action".into(), "line".into()]),
                QueryTerm::Not(vec!["Internet".into()]),
            ]
        );
        assert_eq!(
            fts5(&terms).unwrap(),
            r#""WSIS" AND "action line" NOT "Internet""#
        );
    }

    #[test]
    fn operators_are_not_injected() {
        let terms = parse_query(r#"title:x OR NEAR(a b) * ^c""#);
        let expr = fts5(&terms).unwrap();
        assert_eq!(expr, r#""title x" AND "OR" AND "NEAR a" AND "b" AND "c""#);
        assert_eq!(fts5(&parse_query("-only")), None);
        assert_eq!(fts5(&parse_query("  ")), None);
    }
}
