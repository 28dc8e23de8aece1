//! When each kind of published data became public: the one place every "as of" question asks.
//! Dates err late, never early: a date too late only hides data a little longer, a date too early
//! would let an "as of" answer use data that did not yet exist.

use chrono::{Days, NaiveDate};

/// A Top 10 week (Monday..Sunday, named by its Sunday) is published on the Tuesday after.
pub fn chart_week(week_end: NaiveDate) -> NaiveDate {
    week_end.checked_add_days(Days::new(2)).unwrap_or(week_end)
}

/// An engagement report's publication date. The first two editions carry their real release
/// dates (2023H1: 2023-12-12; 2023H2: 2024-05-23); later ones are taken as published at the end of
/// the third quarter after their half (H1 -> 30 September, H2 -> 31 March of the next year), on or
/// after their actual release.
pub fn engagement_report(period: &str) -> Option<NaiveDate> {
    match period {
        "2023H1" => return NaiveDate::from_ymd_opt(2023, 12, 12),
        "2023H2" => return NaiveDate::from_ymd_opt(2024, 5, 23),
        _ => {}
    }
    let (y, h) = period.trim().split_once('H')?;
    let y: i32 = y.parse().ok()?;
    match h {
        "1" => NaiveDate::from_ymd_opt(y, 9, 30),
        "2" => NaiveDate::from_ymd_opt(y + 1, 3, 31),
        _ => None,
    }
}

/// The last day a half-year report covers: `2023H1` -> 2023-06-30.
pub fn period_end(period: &str) -> Option<NaiveDate> {
    let (y, h) = period.trim().split_once('H')?;
    let y: i32 = y.parse().ok()?;
    match h {
        "1" => NaiveDate::from_ymd_opt(y, 6, 30),
        "2" => NaiveDate::from_ymd_opt(y, 12, 31),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_are_never_public_before_their_period_ends() {
        for y in 2023..2030 {
            for h in ["H1", "H2"] {
                let p = format!("{y}{h}");
                assert!(
                    engagement_report(&p).unwrap() > period_end(&p).unwrap(),
                    "{p}"
                );
            }
        }
        assert_eq!(
            engagement_report("2023H1"),
            NaiveDate::from_ymd_opt(2023, 12, 12)
        );
        assert_eq!(period_end("2024H2"), NaiveDate::from_ymd_opt(2024, 12, 31));
        assert_eq!(engagement_report("bad"), None);
    }
}
