//! The one number formatter for people: thousands grouped with commas (`66,010,000`), the way
//! Netflix prints hours and views. Claim summaries and status explanations (here), the CLI's
//! text and the web pages all print counts through it, so a figure reads the same everywhere.
//! It lives in the lowest crate that prints one.

/// `66010000` -> `66,010,000`; `-1234` -> `-1,234`. Takes any integer type up to 64 bits.
pub fn thousands(n: impl Into<i128>) -> String {
    let n: i128 = n.into();
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn groups_by_three_from_the_right() {
        assert_eq!(thousands(0u32), "0");
        assert_eq!(thousands(999u32), "999");
        assert_eq!(thousands(1000u32), "1,000");
        assert_eq!(thousands(66_010_000i64), "66,010,000");
        assert_eq!(thousands(-1234i64), "-1,234");
        assert_eq!(thousands(-999i64), "-999");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
        assert_eq!(thousands(i64::MIN), "-9,223,372,036,854,775,808");
    }
}
