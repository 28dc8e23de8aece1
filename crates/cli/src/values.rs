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
