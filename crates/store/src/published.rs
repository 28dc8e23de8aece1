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

/// How far a dataset's publication date can be trusted, as `MANIFEST.toml` states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// Published on that day.
    Exact,
    /// Public on or before that day: an "as of" answer using it errs late, which is safe.
    AtLatest,
    /// Public on or after that day, the exact day unknown: an "as of" answer between the two may
    /// see it too early.
    AtEarliest,
    /// Each row carries its own date (a Top 10 week, a finance year); the file has none.
    Row,
}

impl Precision {
    pub const ALL: [Precision; 4] = [
        Precision::Exact,
        Precision::AtLatest,
        Precision::AtEarliest,
        Precision::Row,
    ];

    /// The name stored and written in manifests (`at_latest`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Precision::Exact => "exact",
            Precision::AtLatest => "at_latest",
            Precision::AtEarliest => "at_earliest",
            Precision::Row => "row",
        }
    }

    pub fn from_name(name: &str) -> Option<Precision> {
        Precision::ALL.into_iter().find(|p| p.name() == name)
    }
}

impl std::fmt::Display for Precision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// When a dataset (one imported file) became public. `date` is `None` exactly when the
/// precision is [`Precision::Row`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Published {
    pub date: Option<NaiveDate>,
    pub precision: Precision,
}

impl Published {
    pub fn on(date: NaiveDate, precision: Precision) -> Published {
        Published {
            date: Some(date),
            precision,
        }
    }

    pub const PER_ROW: Published = Published {
        date: None,
        precision: Precision::Row,
    };
}

/// Where a dataset's publication date came from, so an import can say when it is only a guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PublishedFrom {
    /// The file's `MANIFEST.toml` entry.
    Manifest,
    /// The rules above, from what the content says (its rows' dates, a report's period).
    Content,
    /// Neither: the day it was imported, `at_latest` (it was public by then at the latest).
    ImportDay,
    /// An unchanged file keeps the date it was stored with (only a manifest redates it).
    Stored,
}

/// An engagement report's publication date with its precision: the first two editions' dates
/// are real ([`Precision::Exact`]), later ones a bound on or after the real one.
pub fn engagement_report_published(period: &str) -> Option<Published> {
    let date = engagement_report(period)?;
    let precision = if matches!(period, "2023H1" | "2023H2") {
        Precision::Exact
    } else {
        Precision::AtLatest
    };
    Some(Published::on(date, precision))
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
