//! Read models for the web site's pages and feeds: typed answers to the questions a page asks
//! ("what is this week's chart?", "which series charted lately?", "how old is the data?"), so
//! the web crate renders values and never writes SQL against the store's tables. Kept apart
//! from `query.rs` (the CLI's `--json` shapes, a public contract) because these shapes serve
//! one page each and may change with it.

use crate::query::date;
use crate::{SeriesRef, Store, StoreError};
use chrono::NaiveDate;
use serde::Serialize;

/// One row of a week's chart, with the series it resolved to and its rank the week before.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChartRow {
    pub category: String,
    pub rank: u32,
    pub hours: i64,
    /// Weeks in the Top 10, as Netflix counts them (this one included).
    pub cumulative_weeks: u32,
    /// The title as the chart lists it: the season title when there is one, else the show's.
    pub title: String,
    /// The resolved series' slug; `None` for a spelling resolution left unassigned.
    pub slug: Option<String>,
    /// The same title's rank in the same list the week before, if it charted then.
    pub previous_rank: Option<u32>,
}

/// The latest chart week in the store, every list of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatestChart {
    pub week: NaiveDate,
    /// The chart week before it that the store has (normally `week` - 7 days).
    pub previous_week: Option<NaiveDate>,
    /// Ordered by list, then rank.
    pub rows: Vec<ChartRow>,
}

/// An imported file, as the datasets table records it: what a citation of "the data" names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetFile {
    /// `top10-global`, `engagement-2023H1`, `tmdb-status`, ...
    pub key: String,
    pub publisher: String,
    pub file: String,
    /// The latest date the content speaks of (or the file's date, for undated content).
    pub as_of: NaiveDate,
}

impl Store {
    /// Hours each series spent in the global Top 10, all weeks summed, by series id (for
    /// `greenlight list --sort hours`; a series never charted is absent).
    pub fn series_top10_hours(&self) -> Result<std::collections::HashMap<i64, i64>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT t.series_id, sum(c.hours) FROM chart_weeks c JOIN titles t ON t.id = c.title_id
             WHERE t.series_id IS NOT NULL GROUP BY t.series_id",
        )?;
        let v = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    /// The newest chart week (a Sunday), or `None` before any Top 10 file is imported. Pages
    /// show it with its age, so stale data is visible rather than silently served as current.
    pub fn latest_chart_week(&self) -> Result<Option<NaiveDate>, StoreError> {
        let w: Option<String> =
            self.conn()
                .query_row("SELECT max(week) FROM chart_weeks", [], |r| r.get(0))?;
        Ok(w.map(|w| date(&w)))
    }

    /// The newest chart week's rows with each title's movement against the week before.
    pub fn latest_chart(&self) -> Result<Option<LatestChart>, StoreError> {
        let Some(week) = self.latest_chart_week()? else {
            return Ok(None);
        };
        let week_s = week.to_string();
        let previous: Option<String> = self.conn().query_row(
            "SELECT max(week) FROM chart_weeks WHERE week < ?1",
            [&week_s],
            |r| r.get(0),
        )?;
        let mut st = self.conn().prepare_cached(
            "SELECT c.category, c.rank, c.hours, c.cumulative_weeks, t.show_title, t.season_title, s.slug, p.rank
             FROM chart_weeks c JOIN titles t ON t.id = c.title_id LEFT JOIN series s ON s.id = t.series_id
             LEFT JOIN chart_weeks p ON p.week = ?2 AND p.category = c.category AND p.title_id = c.title_id
             WHERE c.week = ?1 ORDER BY c.category, c.rank",
        )?;
        let rows = st
            .query_map(rusqlite::params![week_s, previous], |r| {
                let show: String = r.get(4)?;
                let season: String = r.get(5)?;
                Ok(ChartRow {
                    category: r.get(0)?,
                    rank: r.get(1)?,
                    hours: r.get(2)?,
                    cumulative_weeks: r.get(3)?,
                    title: if season.is_empty() || season == "N/A" {
                        show
                    } else {
                        season
                    },
                    slug: r.get(6)?,
                    previous_rank: r.get(7)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(LatestChart {
            week,
            previous_week: previous.map(|p| date(&p)),
            rows,
        }))
    }

    /// Every series that is not a film with a Top 10 week within `days` of the newest chart
    /// week, by slug: the series whose status can have changed lately (deriving all ~10k
    /// series' status for one page would take seconds).
    pub fn recently_charted_series(&self, days: u32) -> Result<Vec<SeriesRef>, StoreError> {
        let mut st = self.conn().prepare_cached(
            "SELECT s.id, s.slug, s.title, s.kind FROM series s WHERE s.kind != 'film' AND s.id IN (
                SELECT t.series_id FROM chart_weeks c JOIN titles t ON t.id = c.title_id
                WHERE c.week >= (SELECT date(max(week), '-' || ?1 || ' days') FROM chart_weeks)
                  AND t.series_id IS NOT NULL)
             ORDER BY s.slug",
        )?;
        let v = st
            .query_map([days], |r| {
                Ok(SeriesRef {
                    id: r.get(0)?,
                    slug: r.get(1)?,
                    title: r.get(2)?,
                    kind: r.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(v)
    }

    /// Every imported dataset's file, by key: what a page cites when a claim comes from data.
    pub fn dataset_files(&self) -> Result<Vec<DatasetFile>, StoreError> {
        let mut st = self
            .conn()
            .prepare_cached("SELECT key, publisher, file_name, as_of FROM datasets ORDER BY key")?;
        let v = st
            .query_map([], |r| {
                Ok(DatasetFile {
                    key: r.get(0)?,
                    publisher: r.get(1)?,
                    file: r.get(2)?,
                    as_of: date(&r.get::<_, String>(3)?),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;

    /// An empty store has no chart: the read models say so instead of failing.
    #[test]
    fn empty_store_has_no_chart() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        assert_eq!(store.latest_chart_week().unwrap(), None);
        assert_eq!(store.latest_chart().unwrap(), None);
        assert!(store.recently_charted_series(182).unwrap().is_empty());
        assert!(store.dataset_files().unwrap().is_empty());
    }
}
