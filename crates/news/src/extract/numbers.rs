//! Numbers as articles write them: digits, words (`four weeks`), ordinals (`second season`,
//! `3rd`), and amounts with a scale (`66.01 million`, `487.6M`, `1.2 billion`, `700,000`).

/// Cardinal words up to twenty, then the tens: enough for seasons, episodes and weeks.
const CARDINALS: &[(&str, u32)] = &[
    ("zero", 0),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
];

const ORDINALS: &[(&str, u32)] = &[
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
    ("sixth", 6),
    ("seventh", 7),
    ("eighth", 8),
    ("ninth", 9),
    ("tenth", 10),
    ("eleventh", 11),
    ("twelfth", 12),
    ("thirteenth", 13),
    ("fourteenth", 14),
    ("fifteenth", 15),
    ("sixteenth", 16),
    ("seventeenth", 17),
    ("eighteenth", 18),
    ("nineteenth", 19),
    ("twentieth", 20),
];

/// The regex alternation of every cardinal (digits first), for the grammar's patterns.
pub fn cardinal_pattern() -> String {
    let words: Vec<String> = CARDINALS.iter().map(|(w, _)| capitalisable(w)).collect();
    format!(r"(?:\d{{1,3}}|{})", words.join("|"))
}

/// The regex alternation of every ordinal (`1st`, `2nd`, words).
pub fn ordinal_pattern() -> String {
    let words: Vec<String> = ORDINALS.iter().map(|(w, _)| capitalisable(w)).collect();
    format!(r"(?:\d{{1,3}}(?:st|nd|rd|th)|{})", words.join("|"))
}

/// `four` -> `[Ff]our`: a pattern word that may open a sentence.
fn capitalisable(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => format!("[{}{}]{}", f.to_ascii_uppercase(), f, c.as_str()),
        None => String::new(),
    }
}

/// A cardinal as digits or a word (`4`, `four`, `Four`), or `a single` / `a` / `an` as one.
pub fn cardinal(s: &str) -> Option<u32> {
    let t = s.trim().to_lowercase();
    if let Ok(n) = t.parse::<u32>() {
        return Some(n);
    }
    if matches!(
        t.as_str(),
        "a" | "an" | "a single" | "single" | "only" | "one"
    ) {
        return Some(1);
    }
    CARDINALS.iter().find(|(w, _)| *w == t).map(|&(_, n)| n)
}

/// An ordinal as a word or `3rd`.
pub fn ordinal(s: &str) -> Option<u32> {
    let t = s.trim().to_lowercase();
    if let Some(digits) = t
        .strip_suffix("st")
        .or_else(|| t.strip_suffix("nd"))
        .or_else(|| t.strip_suffix("rd"))
        .or_else(|| t.strip_suffix("th"))
    {
        if let Ok(n) = digits.parse() {
            return Some(n);
        }
    }
    ORDINALS.iter().find(|(w, _)| *w == t).map(|&(_, n)| n)
}

/// The pattern of an amount: digits (with thousands commas or a decimal part) and an optional
/// scale word or letter.
pub const AMOUNT: &str =
    r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s?(?:million|billion|thousand|bn|[MBK])\b)?";

/// An amount as an exact integer, computed in integers so `66.01 million` is 66,010,000 and
/// never 66,009,999.99. `None` for anything that is not an amount or overflows.
pub fn amount(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(s.len());
    let (digits, scale) = (s[..split].trim(), s[split..].trim());
    let multiplier: u64 = match scale.to_lowercase().as_str() {
        "" => 1,
        "thousand" | "k" => 1_000,
        "million" | "m" => 1_000_000,
        "billion" | "bn" | "b" => 1_000_000_000,
        _ => return None,
    };
    let digits: String = digits.chars().filter(|&c| c != ',').collect();
    let (whole, frac) = digits.split_once('.').unwrap_or((&digits, ""));
    if whole.is_empty() || whole.len() > 15 || frac.len() > 9 {
        return None;
    }
    let whole: u64 = whole.parse().ok()?;
    let mut value = whole.checked_mul(multiplier)?;
    if !frac.is_empty() {
        let f: u64 = frac.parse().ok()?;
        let denom = 10u64.checked_pow(frac.len() as u32)?;
        // Exact only when the scale absorbs the fraction (66.01 million); else rounded down.
        value = value.checked_add(f.checked_mul(multiplier)? / denom)?;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cardinals_and_ordinals_in_words_and_digits() {
        assert_eq!(cardinal("four"), Some(4));
        assert_eq!(cardinal("Seven"), Some(7));
        assert_eq!(cardinal("11"), Some(11));
        assert_eq!(cardinal("a single"), Some(1));
        assert_eq!(cardinal("several"), None);
        assert_eq!(ordinal("second"), Some(2));
        assert_eq!(ordinal("Eighth"), Some(8));
        assert_eq!(ordinal("23rd"), Some(23));
        assert_eq!(ordinal("last"), None);
        let re = regex::Regex::new(&format!("^{}$", ordinal_pattern())).unwrap();
        assert!(re.is_match("Third") && re.is_match("4th") && !re.is_match("thirdly"));
    }

    #[test]
    fn amounts_are_exact_integers() {
        assert_eq!(amount("66.01 million"), Some(66_010_000));
        assert_eq!(amount("487.6M"), Some(487_600_000));
        assert_eq!(amount("1.25 billion"), Some(1_250_000_000));
        assert_eq!(amount("700,000"), Some(700_000));
        assert_eq!(amount("700"), Some(700));
        assert_eq!(amount("3 dozen"), None);
        assert_eq!(
            amount("99999999999999999 billion"),
            None,
            "overflow is no amount"
        );
        let re = regex::Regex::new(AMOUNT).unwrap();
        assert_eq!(
            re.find("it drew 341.23 million hours").unwrap().as_str(),
            "341.23 million"
        );
    }
}
