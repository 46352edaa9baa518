//! The generator of the speed benchmark: resolutions made from the fixtures of
//! tests/data (the reconstructed base of Resolution 75, clean, and the resolution part
//! of the flattened seed, damaged), with their numbers, meetings and some items varied
//! so that no two are alike. Deterministic: resolution `i` is always the same text.

const BASE: &str = include_str!("../tests/data/res75-dubai-2012.reconstructed.txt");
const SEED: &str = include_str!("../tests/data/000_a878dba81f09253c.txt");

const MEETINGS: &[(&str, &str)] = &[
    ("Dubai, 2012", "Hammamet, 2016"),
    ("Hammamet, 2016", "Geneva, 2022"),
    ("Johannesburg, 2008", "Dubai, 2012"),
    ("Geneva, 2022", "New Delhi, 2024"),
];

/// The resolution part of the seed (from its `RESOLUTION` line to the contact block).
fn seed_resolution() -> &'static str {
    let start = SEED.find(" RESOLUTION 75").map_or(0, |i| i + 1);
    let end = SEED.find("\t[bookmark: dcontact]").unwrap_or(SEED.len());
    &SEED[start..end]
}

/// Resolution number `i` of the generated set (about 8 KiB, 70 to 90 lines).
pub fn resolution(i: usize) -> String {
    let (old, new) = MEETINGS[i % MEETINGS.len()];
    let number = 100 + i;
    let template = if i % 3 == 2 { seed_resolution() } else { BASE };
    let mut text = template
        .replace("RESOLUTION 75", &format!("RESOLUTION {number}"))
        .replace("Dubai, 2012Hammamet, 2016", &format!("{old}{new}"))
        .replace("; Hammamet, 2016)", &format!("; {new})"));
    if template == BASE {
        text = text.replace("(Dubai, 2012)", &format!("({old})"));
        text = text.replace(
            "(Johannesburg, 2008; Dubai, 2012)",
            &format!("(Johannesburg, 2008; {old})"),
        );
        text = text.replace("Rev. Dubai, 2012", &format!("Rev. {old}"));
    }
    // Vary the operative part: drop an item now and then (a gap to report).
    if i % 5 == 4 {
        text = text.replacen(
            "3\tto provide information on emerging trends",
            "5\tto provide information on emerging trends",
            1,
        );
    }
    text
}

/// `n` generated resolutions.
pub fn resolutions(n: usize) -> Vec<String> {
    (0..n).map(resolution).collect()
}
