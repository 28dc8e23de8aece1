//! When each kind of data became public. Every metric and feature is computed "as of" a date,
//! and a row counts only if it had been *published* by then, not merely if it speaks of an
//! earlier period: that is what makes a backtest honest.

use chrono::{Datelike, Duration, Months, NaiveDate, Weekday};

/// When a Top 10 week (global and per country; W + 2 days) and an engagement report became
/// public. The rule lives in `greenlight_store::published`, shared with the ledger; every date
/// errs late, never early, since an early one would leak information into a backtest.
pub use greenlight_store::published::{
    chart_week as chart_published, engagement_report as report_published,
};

/// The first and last day an engagement report covers.
pub fn report_period(report: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (y, h) = report.split_once('H')?;
    let y: i32 = y.parse().ok()?;
    match h {
        "1" => Some((
            NaiveDate::from_ymd_opt(y, 1, 1)?,
            NaiveDate::from_ymd_opt(y, 6, 30)?,
        )),
        "2" => Some((
            NaiveDate::from_ymd_opt(y, 7, 1)?,
            NaiveDate::from_ymd_opt(y, 12, 31)?,
        )),
        _ => None,
    }
}

/// The Sunday on or after `d`: the end of the chart week containing `d`.
pub fn week_end_of(d: NaiveDate) -> NaiveDate {
    let ahead = (7 - d.weekday().num_days_from_monday() as i64
        + Weekday::Sun.num_days_from_monday() as i64)
        % 7;
    d + Duration::days(ahead)
}

/// The chart weeks that make up "the first `days` days" after a premiere: every week from the
/// premiere's week through the week containing day `days` (premiere = day 1). Charts are weekly,
/// so the window is the smallest run of whole chart weeks covering those days; it overshoots by
/// at most six days, and by the same rule for every season.
pub fn window_last_week(premiere: NaiveDate, days: u32) -> NaiveDate {
    week_end_of(premiere + Duration::days(days.max(1) as i64 - 1))
}

/// The date on which every chart week of the first-`days` window had been published.
pub fn window_complete_on(premiere: NaiveDate, days: u32) -> NaiveDate {
    chart_published(window_last_week(premiere, days))
}

/// `date` plus whole calendar months, clamped to the month's last day (chrono's `Months`
/// rule). Past chrono's last representable date the answer is that date: a deadline that
/// never comes, which errs late.
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn chart_weeks_publish_on_tuesday() {
        assert_eq!(chart_published(d("2022-09-11")), d("2022-09-13"));
        assert_eq!(chart_published(d("2022-09-11")).weekday(), Weekday::Tue);
    }

    #[test]
    fn reports_publish_late_never_early() {
        assert_eq!(report_published("2023H1"), Some(d("2023-12-12")));
        assert_eq!(report_published("2024H1"), Some(d("2024-09-30")));
        assert_eq!(report_published("2024H2"), Some(d("2025-03-31")));
        assert_eq!(report_published("bogus"), None);
        assert_eq!(report_published("2024H3"), None);
        for r in ["2023H1", "2023H2", "2024H1", "2024H2", "2025H1"] {
            let (_, end) = report_period(r).unwrap();
            assert!(
                report_published(r).unwrap() > end,
                "{r} published before its period ended"
            );
        }
    }

    #[test]
    fn windows_are_whole_chart_weeks() {
        // Partner Track premiered on Friday 2022-08-26.
        let p = d("2022-08-26");
        assert_eq!(week_end_of(p), d("2022-08-28"));
        assert_eq!(week_end_of(d("2022-08-28")), d("2022-08-28"));
        assert_eq!(window_last_week(p, 1), d("2022-08-28"));
        assert_eq!(window_last_week(p, 7), d("2022-09-04"));
        assert_eq!(window_last_week(p, 28), d("2022-09-25"));
        assert_eq!(window_complete_on(p, 28), d("2022-09-27"));
    }

    #[test]
    fn months_clamp_to_month_end() {
        assert_eq!(add_months(d("2021-08-31"), 30), d("2024-02-29"));
        assert_eq!(add_months(d("2022-01-15"), 30), d("2024-07-15"));
        assert_eq!(add_months(d("2022-12-01"), 1), d("2023-01-01"));
        assert_eq!(add_months(d("2023-01-31"), 1), d("2023-02-28"));
        assert_eq!(add_months(d("2024-03-31"), 0), d("2024-03-31"));
        assert_eq!(add_months(NaiveDate::MAX, 1), NaiveDate::MAX);
    }
}
