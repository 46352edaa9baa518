//! Word tokens: words, numbers, punctuation and whitespace, each a token, so that the
//! concatenation of the tokens is the text (diffs round-trip exactly).

use unicode_segmentation::UnicodeSegmentation;

/// Splits `text` into word, number, punctuation and whitespace tokens.
pub fn tokens(text: &str) -> Vec<&str> {
    text.split_word_bounds().collect()
}

/// Whether a token is whitespace only.
pub fn is_space(token: &str) -> bool {
    token.chars().all(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_words_numbers_and_punctuation() {
        assert_eq!(
            tokens("Rev. Dubai, 2012"),
            vec!["Rev", ".", " ", "Dubai", ",", " ", "2012"]
        );
    }

    proptest! {
        #[test]
        fn tokens_concatenate_to_the_text(text in "\\PC{0,60}") {
            prop_assert_eq!(tokens(&text).concat(), text);
        }
    }
}
