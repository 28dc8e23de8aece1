//! Typed flag values, checked by clap at parse time: a bad date, season, format or claim kind
//! is a usage error (exit 2) naming the flag, before the store is even opened.

use chrono::NaiveDate;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use greenlight_sources::Format;

/// `YYYY-MM-DD`, as every date flag takes it. clap prefixes the message with the flag and the
/// value (`invalid value '2022-13-01' for '--as-of <DATE>'`).
pub fn date(s: &str) -> Result<NaiveDate, String> {
    greenlight_ledger::claims::parse_date(s)
}

/// A season number: 1 up to the ledger's bound (`MAX_SEASON`), the same bound a claim obeys.
pub fn season() -> clap::builder::RangedI64ValueParser<u32> {
    clap::value_parser!(u32).range(1..=i64::from(greenlight_ledger::claims::MAX_SEASON))
}

/// `--limit`: 1..=100, as the API clamps it.
pub fn limit() -> impl TypedValueParser<Value = usize> {
    clap::value_parser!(u16).range(1..=100).map(usize::from)
}

/// `--format`: one of the formats' names, so `--help` lists them and a typo is refused with
/// the list. Built from `Format::NAMES`/`from_name` only, so the format list has one home.
pub fn format() -> impl TypedValueParser<Value = Format> {
    PossibleValuesParser::new(Format::NAMES)
        .try_map(|name| Format::from_name(&name).ok_or("not a format name"))
}

/// `claim add --kind`: one of the ledger's claim kinds.
pub fn claim_kind() -> PossibleValuesParser {
    PossibleValuesParser::new(greenlight_ledger::claims::KINDS)
}

/// The longest token lifetime `--expires` takes: ten years (a longer one is "never", which is
/// leaving the flag out).
pub const MAX_LIFETIME_DAYS: i64 = 3650;

/// `token create --expires`: a lifetime such as `90d`, `12w` or `36h` (a positive whole number
/// and a unit: h, d or w), at most [`MAX_LIFETIME_DAYS`].
pub fn lifetime(s: &str) -> Result<chrono::TimeDelta, String> {
    let s = s.trim();
    let bad = || {
        format!("expected a lifetime such as 90d, 12w or 36h (hours, days or weeks), not \"{s}\"")
    };
    let unit = s.chars().last().ok_or_else(bad)?;
    let n: i64 = s[..s.len() - unit.len_utf8()].parse().map_err(|_| bad())?;
    let hours = match unit {
        'h' => Some(n),
        'd' => n.checked_mul(24),
        'w' => n.checked_mul(24 * 7),
        _ => None,
    }
    .ok_or_else(bad)?;
    if hours < 1 {
        return Err(format!("a lifetime must be at least 1h, not \"{s}\""));
    }
    if hours > MAX_LIFETIME_DAYS * 24 {
        return Err(format!(
            "a lifetime is at most {MAX_LIFETIME_DAYS}d; leave --expires out for a token that never expires"
        ));
    }
    Ok(chrono::TimeDelta::hours(hours))
}

#[cfg(test)]
mod lifetime_tests {
    use super::lifetime;

    #[test]
    fn lifetimes_parse_and_bad_ones_are_refused() {
        assert_eq!(lifetime("90d"), Ok(chrono::TimeDelta::days(90)));
        assert_eq!(lifetime("2w"), Ok(chrono::TimeDelta::days(14)));
        assert_eq!(lifetime("36h"), Ok(chrono::TimeDelta::hours(36)));
        assert_eq!(lifetime("3650d"), Ok(chrono::TimeDelta::days(3650)));
        for bad in [
            "",
            "d",
            "90",
            "90x",
            "-1d",
            "0d",
            "1.5d",
            "3651d",
            "99999999999999999w",
            "९०d",
            "90 d",
        ] {
            assert!(lifetime(bad).is_err(), "{bad:?} accepted");
        }
    }
}
