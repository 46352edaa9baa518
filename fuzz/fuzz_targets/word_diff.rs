//! The word diff: any two texts diff without a panic, the kept and new parts give the
//! new text exactly, and the kept and old parts give the old text up to the kinds of
//! space, hyphen and apostrophe the diff compares as one (see `words::comparable`).
#![no_main]

use amend_diff::words::{comparable, word_tokens};
use amend_diff::{Edit, diff_words};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The two versions: before and after the first form feed, else the two halves.
    let (old, new) = match text.split_once('\u{c}') {
        Some(both) => both,
        None => {
            let mut half = text.len() / 2;
            while !text.is_char_boundary(half) {
                half += 1;
            }
            text.split_at(half)
        }
    };
    let (mut rebuilt_old, mut rebuilt_new) = (String::new(), String::new());
    for edit in diff_words(old, new) {
        match edit {
            Edit::Equal(kept) => {
                rebuilt_old.push_str(kept);
                rebuilt_new.push_str(kept);
            }
            Edit::Replace { old, new } => {
                rebuilt_old.push_str(old);
                rebuilt_new.push_str(new);
            }
        }
    }
    assert_eq!(rebuilt_new, new);
    let compared = |t: &str| -> String {
        word_tokens(t)
            .into_iter()
            .map(|token| comparable(token).into_owned())
            .collect()
    };
    assert_eq!(compared(&rebuilt_old), compared(old));
});
