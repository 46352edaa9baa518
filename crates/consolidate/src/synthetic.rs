//! Synthetic resolutions and proposals for benchmarks and property tests: deterministic
//! (a seeded xorshift generator), in the ITU plain-text layout.

/// Words the synthetic texts are made of.
const WORDS: &[&str] = &[
    "the",
    "relevant",
    "outcomes",
    "of",
    "both",
    "phases",
    "World",
    "Summit",
    "Information",
    "Society",
    "implementation",
    "resolutions",
    "decisions",
    "international",
    "Internet",
    "public",
    "policy",
    "issues",
    "adopted",
    "Plenipotentiary",
    "Conference",
    "strategic",
    "plan",
    "Union",
    "protocol",
    "networks",
    "role",
    "regard",
    "management",
    "resources",
    "including",
    "domain",
    "names",
    "addresses",
    "strengthening",
    "building",
    "confidence",
    "security",
    "use",
    "communication",
    "technologies",
    "administrations",
    "Member",
    "States",
    "study",
    "groups",
    "standardization",
    "development",
    "cooperation",
    "stakeholders",
    "governments",
    "equal",
    "responsibility",
    "stability",
    "continuity",
    "process",
    "enhanced",
    "organizations",
    "principles",
    "coordination",
    "critical",
    "environment",
    "activities",
    "mandate",
    "contributions",
    "objectives",
    "deadlines",
    "operational",
    "plans",
    "information",
    "trends",
    "appropriate",
    "action",
    "facilitate",
    "support",
    "collaborate",
    "Director",
    "Bureau",
    "Council",
    "Working",
    "Group",
    "sustainable",
    "agenda",
    "framework",
    "capacity",
    "access",
    "infrastructure",
];

const PREAMBLE: &[&str] = &[
    "considering",
    "considering further",
    "recognizing",
    "recognizing further",
    "noting",
    "noting further",
    "taking into account",
    "bearing in mind",
    "emphasizing",
    "aware",
    "convinced",
    "observing",
];

const OPERATIVE: &[&str] = &[
    "resolves",
    "resolves further",
    "instructs the Director of the Telecommunication Standardization Bureau",
    "instructs the Secretary-General",
    "requests",
    "encourages",
    "invites Member States",
    "invites Member States and Sector Members",
    "invites all stakeholders",
];

/// A small deterministic random number generator (xorshift64*).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn word(&mut self) -> &'static str {
        WORDS[self.below(WORDS.len())]
    }

    /// `n` words separated by spaces.
    pub fn words(&mut self, n: usize) -> String {
        (0..n).map(|_| self.word()).collect::<Vec<_>>().join(" ")
    }
}

fn alpha(n: usize) -> String {
    let mut n = n;
    let mut out = Vec::new();
    loop {
        out.push((b'a' + (n % 26) as u8) as char);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    out.iter().rev().collect()
}

/// A resolution of about `words` words: title block, enacting formula, preamble sections
/// with lettered items and operative sections with numbered items of 20 to 60 words.
pub fn resolution(words: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::from(
        "RESOLUTION 900 (Rev. Dubai, 2012)\nSynthetic resolution for consolidation\n\
         (Johannesburg, 2008; Dubai, 2012)\n\
         The World Telecommunication Standardization Assembly (Dubai, 2012),\n",
    );
    let sections = PREAMBLE.len() + OPERATIVE.len();
    let per_section = words / sections.max(1);
    let mut count = 0;
    for (n, heading) in PREAMBLE.iter().chain(OPERATIVE).enumerate() {
        out.push_str(heading);
        out.push('\n');
        let operative = n >= PREAMBLE.len();
        let mut in_section = 0;
        let mut k = 0;
        while in_section < per_section || k == 0 {
            let len = 20 + rng.below(41);
            let label = if operative {
                (k + 1).to_string()
            } else {
                format!("{})", alpha(k))
            };
            let text = rng.words(len);
            let end = if operative { ";" } else { "," };
            out.push_str(&format!("{label}\tthat {text}{end}\n"));
            in_section += len + 1;
            count += len + 1;
            k += 1;
            if count >= words {
                break;
            }
        }
    }
    out
}

/// A clean proposed text: `edits` item lines of `base` changed (a word replaced, a
/// phrase inserted, or a word deleted), chosen by `seed`.
pub fn proposal(base: &str, edits: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut lines: Vec<String> = base.lines().map(str::to_string).collect();
    let items: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains('\t'))
        .map(|(i, _)| i)
        .collect();
    if items.is_empty() {
        return base.to_string();
    }
    for _ in 0..edits {
        let at = items[rng.below(items.len())];
        let (label, text) = lines[at].split_once('\t').unwrap_or(("", &lines[at]));
        let mut words: Vec<String> = text.split(' ').map(str::to_string).collect();
        let w = 1 + rng.below(words.len().saturating_sub(2).max(1));
        match rng.below(3) {
            0 => words[w] = format!("{}ed", rng.word()),
            1 => words.insert(w, format!("{} {}", rng.word(), rng.word())),
            _ if words.len() > 4 => {
                words.remove(w);
            }
            _ => words[w] = rng.word().to_uppercase(),
        }
        lines[at] = format!("{label}\t{}", words.join(" "));
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolutions_have_about_the_words_asked_for() {
        let text = resolution(10_000, 7);
        let words = text.split_whitespace().count();
        assert!((10_000..11_500).contains(&words), "{words} words");
        assert_eq!(text, resolution(10_000, 7));
        assert_ne!(proposal(&text, 5, 1), text);
    }

    #[test]
    fn alpha_labels_continue_past_z() {
        assert_eq!(alpha(0), "a");
        assert_eq!(alpha(25), "z");
        assert_eq!(alpha(26), "aa");
    }
}
