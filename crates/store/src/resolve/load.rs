//! Loading what resolution reads: the stored spellings, the aliases, and when each spelling's
//! rows say it was on Netflix (rule 5's dates).

use super::*;

/// Every stored spelling, in id order (the order resolution visits them in).
pub(crate) fn load_titles(tx: &Transaction) -> Result<Vec<TitleRow>, StoreError> {
    let mut st = tx.prepare(
        "SELECT id, source, show_title, season_title, kind, hint, series_id, season_id FROM titles ORDER BY id",
    )?;
    let it = st.query_map([], |r| {
        Ok(TitleRow {
            id: r.get(0)?,
            source: r.get(1)?,
            show: r.get(2)?,
            season: r.get(3)?,
            kind: r.get(4)?,
            hint: r.get(5)?,
            stored: Some((r.get(6)?, r.get(7)?)),
        })
    })?;
    Ok(it.collect::<Result<_, _>>()?)
}

pub(crate) fn load_aliases(tx: &Transaction) -> Result<Aliases, StoreError> {
    let mut st = tx.prepare("SELECT spelling, series, season FROM aliases")?;
    let it = st.query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?))))?;
    Ok(it
        .map(|r| r.map(|(s, v)| (titles::normalize(&s), v)))
        .collect::<Result<_, _>>()?)
}

/// When one spelling's rows say it was on Netflix: the dates rule 5 tells same-titled shows apart
/// by. Years are enough (the rule's margins are years) and keep the map small.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SeenDates {
    /// The year of the earliest release date an engagement report gives it (Netflix's own
    /// release: the premiere for an original, the day it reached Netflix for a licensed show).
    pub(super) released: Option<i32>,
    /// The earliest year anything shows it available: a release date, a Top 10 week, or the
    /// half-year of an engagement report it was watched in.
    pub(super) seen: Option<i32>,
}

impl SeenDates {
    pub(super) fn add_release(&mut self, year: i32) {
        self.released = Some(self.released.map_or(year, |y| y.min(year)));
        self.add_seen(year);
    }
    pub(super) fn add_seen(&mut self, year: i32) {
        self.seen = Some(self.seen.map_or(year, |y| y.min(year)));
    }
}

/// Title id -> what its rows say about when it was on Netflix. Each field is a minimum over
/// rows, so the map depends only on which rows are stored, never on import order.
pub(crate) type Dates = HashMap<i64, SeenDates>;

/// The dates of every stored row (during an import: the rows of the datasets the call keeps;
/// the new files' rows are added from memory by [`add_dates`]).
pub(crate) fn load_dates(tx: &Transaction) -> Result<Dates, StoreError> {
    let mut dates = Dates::default();
    {
        let mut st = tx.prepare(
            "SELECT title_id, CAST(min(substr(release_date, 1, 4)) AS INTEGER), CAST(min(substr(report, 1, 4)) AS INTEGER)
             FROM engagement GROUP BY title_id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let d = dates.entry(r.get(0)?).or_default();
            if let Some(y) = r.get::<_, Option<i32>>(1)? {
                d.add_release(y);
            }
            if let Some(y) = r.get::<_, Option<i32>>(2)? {
                d.add_seen(y);
            }
        }
    }
    for table in ["chart_weeks", "country_weeks"] {
        let mut st = tx.prepare(&format!(
            "SELECT title_id, CAST(min(substr(week, 1, 4)) AS INTEGER) FROM {table} GROUP BY title_id"
        ))?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(y) = r.get::<_, Option<i32>>(1)? {
                dates.entry(r.get(0)?).or_default().add_seen(y);
            }
        }
    }
    Ok(dates)
}

/// The year an engagement report's period (`2023H1`) names.
pub(super) fn year_of(period: &str) -> Option<i32> {
    period.get(..4).and_then(|y| y.parse().ok())
}

/// Adds the dates of a file's rows, `ids` being each row's title id (in row order).
pub(crate) fn add_dates(dates: &mut Dates, parsed: &greenlight_sources::Parsed, ids: &[i64]) {
    use chrono::Datelike;
    use greenlight_sources::Parsed;
    match parsed {
        Parsed::Top10(rows) => {
            for (r, &id) in rows.iter().zip(ids) {
                dates.entry(id).or_default().add_seen(r.week.year());
            }
        }
        Parsed::Countries(rows) => {
            for (r, &id) in rows.iter().zip(ids) {
                dates.entry(id).or_default().add_seen(r.week.year());
            }
        }
        Parsed::Engagement(report) => {
            let half = year_of(&report.period);
            for (r, &id) in report.rows.iter().zip(ids) {
                let d = dates.entry(id).or_default();
                if let Some(date) = r.release_date {
                    d.add_release(date.year());
                }
                if let Some(y) = half {
                    d.add_seen(y);
                }
            }
        }
        _ => {}
    }
}
