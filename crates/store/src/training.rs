//! Read models for the odds (`greenlight-odds`: season metrics, labels, the renewal model and
//! its backtest): every stored row they compute from, as typed values, in one bulk read per
//! table. A backtest computes metrics for ~1,000 seasons at several dates, so the odds hold these
//! rows in memory and filter them by date in Rust; per-season queries would dominate its run
//! time. The SQL lives here, with the schema it depends on, so the odds never name a table.
//!
//! Rows come back as stored, in a fixed order (the odds' sums and "first seen" rules depend on
//! it). Dates the store wrote itself are parsed strictly: a malformed one is a corrupt store,
//! reported as a database error naming the column, never a silent default.

use crate::{Store, StoreError};
use chrono::NaiveDate;
use greenlight_sources::titles::SeasonLabel;
use rusqlite::types::Type;

/// A resolved series.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingSeries {
    pub id: i64,
    pub slug: String,
    pub title: String,
}

/// A resolved season of any label (numbered seasons, parts, limited series, specials).
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingSeason {
    pub id: i64,
    pub series_id: i64,
    /// `None` when the stored label does not parse (a store written by a newer version).
    pub label: Option<SeasonLabel>,
}

/// An engagement-report row of a resolved season (films too: their runtimes turn list hours
/// into views).
#[derive(Debug, Clone, PartialEq)]
pub struct EngagementFigure {
    pub season_id: i64,
    /// The half-year, `2023H1`.
    pub report: String,
    pub hours: i64,
    pub views: Option<i64>,
    pub runtime_minutes: Option<u32>,
    pub release_date: Option<NaiveDate>,
}

/// A global Top 10 row, with the season its title resolved to.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartFigure {
    /// The Sunday ending the chart week.
    pub week: NaiveDate,
    /// The list as Netflix names it: `TV (English)`, `Films (Non-English)`...
    pub category: String,
    pub rank: u32,
    pub hours: i64,
    pub views: Option<i64>,
    /// Hours per view as the chart gives it (newer weeks only).
    pub runtime: Option<f64>,
    pub season_id: Option<i64>,
}

/// A per-country Top 10 rank of a resolved season.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryRank {
    pub season_id: i64,
    pub week: NaiveDate,
    pub iso2: String,
    pub rank: u32,
}

/// A TMDB catalogue record of a resolved series, with its snapshot's date.
#[derive(Debug, Clone, PartialEq)]
pub struct TmdbRecord {
    pub series_id: i64,
    pub name: String,
    pub number_of_seasons: u32,
    /// `Returning Series`, `Ended`, `Canceled`...
    pub status: String,
    pub network: String,
    pub first_air_date: Option<NaiveDate>,
    /// The snapshot's `as_of` (its dataset's).
    pub as_of: NaiveDate,
}

/// A spelling of a resolved series that carries a native title after ` // `.
#[derive(Debug, Clone, PartialEq)]
pub struct NativeSpelling {
    pub series_id: i64,
    pub show_title: String,
    pub season_title: String,
}

/// The JustWatch genres of one catalogue record of a resolved TV show.
#[derive(Debug, Clone, PartialEq)]
pub struct ShowGenres {
    pub series_id: i64,
    pub genres: Vec<String>,
}

/// One imported per-region yearly finance figure (table `region_finance`).
#[derive(Debug, Clone, PartialEq)]
pub struct FinanceFigure {
    /// What the figure is, from its file's name: `arpu-by-region` (USD per membership per
    /// month) or `revenue-by-region` (USD billions).
    pub metric: String,
    pub year: i32,
    /// Netflix's region name as its files print it: `US and Canada`, `EMEA`, `Latin America`,
    /// `Asia-Pacific`.
    pub region: String,
    pub value: f64,
}

/// A stored `YYYY-MM-DD`, or a conversion error naming the column.
fn day(r: &rusqlite::Row, i: usize) -> rusqlite::Result<NaiveDate> {
    let s: String = r.get(i)?;
    NaiveDate::parse_from_str(&s, "%Y-%m-%d")
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}

fn opt_day(r: &rusqlite::Row, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    match r.get_ref(i)? {
        rusqlite::types::ValueRef::Null => Ok(None),
        _ => day(r, i).map(Some),
    }
}

impl Store {
    fn rows<T>(
        &self,
        sql: &str,
        f: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let mut st = self.conn().prepare(sql)?;
        let v = st.query_map([], f)?.collect::<Result<Vec<_>, _>>()?;
        Ok(v)
    }

    /// Every series.
    pub fn training_series(&self) -> Result<Vec<TrainingSeries>, StoreError> {
        self.rows("SELECT id, slug, title FROM series ORDER BY id", |r| {
            Ok(TrainingSeries {
                id: r.get(0)?,
                slug: r.get(1)?,
                title: r.get(2)?,
            })
        })
    }

    /// Every season, by id.
    pub fn training_seasons(&self) -> Result<Vec<TrainingSeason>, StoreError> {
        self.rows(
            "SELECT id, series_id, label FROM seasons ORDER BY id",
            |r| {
                Ok(TrainingSeason {
                    id: r.get(0)?,
                    series_id: r.get(1)?,
                    label: serde_json::from_str(&r.get::<_, String>(2)?).ok(),
                })
            },
        )
    }

    /// Every engagement row of a resolved season, by report, sheet and row.
    pub fn training_engagement(&self) -> Result<Vec<EngagementFigure>, StoreError> {
        self.rows(
            "SELECT t.season_id, e.report, e.hours, e.views, e.runtime_minutes, e.release_date
             FROM engagement e JOIN titles t ON t.id = e.title_id WHERE t.season_id IS NOT NULL
             ORDER BY e.report, e.sheet, e.row",
            |r| {
                Ok(EngagementFigure {
                    season_id: r.get(0)?,
                    report: r.get(1)?,
                    hours: r.get(2)?,
                    views: r.get(3)?,
                    runtime_minutes: r.get(4)?,
                    release_date: opt_day(r, 5)?,
                })
            },
        )
    }

    /// Every global Top 10 row, oldest week first, then by list and rank.
    pub fn training_chart(&self) -> Result<Vec<ChartFigure>, StoreError> {
        self.rows(
            "SELECT c.week, c.category, c.rank, c.hours, c.views, c.runtime, t.season_id
             FROM chart_weeks c JOIN titles t ON t.id = c.title_id ORDER BY c.week, c.category, c.rank",
            |r| {
                Ok(ChartFigure {
                    week: day(r, 0)?,
                    category: r.get(1)?,
                    rank: r.get(2)?,
                    hours: r.get(3)?,
                    views: r.get(4)?,
                    runtime: r.get(5)?,
                    season_id: r.get(6)?,
                })
            },
        )
    }

    /// Every per-country Top 10 rank of a resolved season, in stored order.
    pub fn training_country_ranks(&self) -> Result<Vec<CountryRank>, StoreError> {
        self.rows(
            "SELECT t.season_id, c.week, c.country_iso2, c.rank FROM country_weeks c
             JOIN titles t ON t.id = c.title_id WHERE t.season_id IS NOT NULL ORDER BY c.id",
            |r| {
                Ok(CountryRank {
                    season_id: r.get(0)?,
                    week: day(r, 1)?,
                    iso2: r.get(2)?,
                    rank: r.get(3)?,
                })
            },
        )
    }

    /// Every TMDB record of a resolved series, in file order.
    pub fn training_tmdb(&self) -> Result<Vec<TmdbRecord>, StoreError> {
        self.rows(
            "SELECT t.series_id, m.name, m.number_of_seasons, m.status, m.network, m.first_air_date, d.as_of
             FROM tmdb_shows m JOIN titles t ON t.id = m.title_id JOIN datasets d ON d.id = m.dataset_id
             WHERE t.series_id IS NOT NULL ORDER BY m.line",
            |r| {
                Ok(TmdbRecord {
                    series_id: r.get(0)?,
                    name: r.get(1)?,
                    number_of_seasons: r.get(2)?,
                    status: r.get(3)?,
                    network: r.get(4)?,
                    // TMDB leaves some air dates out; a malformed one reads as unknown, as the
                    // reader stores only dates it parsed.
                    first_air_date: r
                        .get::<_, Option<String>>(5)?
                        .and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()),
                    as_of: day(r, 6)?,
                })
            },
        )
    }

    /// Each distinct spelling of a resolved series with a native title (` // `) in its show or
    /// season title.
    pub fn training_native_spellings(&self) -> Result<Vec<NativeSpelling>, StoreError> {
        self.rows(
            "SELECT DISTINCT series_id, show_title, season_title FROM titles
             WHERE series_id IS NOT NULL AND (show_title LIKE '% // %' OR season_title LIKE '% // %')",
            |r| {
                Ok(NativeSpelling {
                    series_id: r.get(0)?,
                    show_title: r.get(1)?,
                    season_title: r.get(2)?,
                })
            },
        )
    }

    /// The genres of every JustWatch TV show record of a resolved series, in stored order.
    pub fn training_show_genres(&self) -> Result<Vec<ShowGenres>, StoreError> {
        self.rows(
            "SELECT t.series_id, j.genres FROM jw_titles j JOIN titles t ON t.id = j.title_id
             WHERE t.series_id IS NOT NULL AND j.kind = 'SHOW'",
            |r| {
                Ok(ShowGenres {
                    series_id: r.get(0)?,
                    genres: serde_json::from_str(&r.get::<_, String>(1)?).unwrap_or_default(),
                })
            },
        )
    }

    /// The label of every season that charted in a global TV list, once each: what the odds
    /// count as excluded (limited series, parts, specials) beside the numbered seasons.
    pub fn tv_charted_season_labels(&self) -> Result<Vec<TrainingSeason>, StoreError> {
        self.rows(
            "SELECT DISTINCT se.id, se.series_id, se.label FROM chart_weeks c JOIN titles t ON t.id = c.title_id
             JOIN seasons se ON se.id = t.season_id WHERE c.category LIKE 'TV%' ORDER BY se.id",
            |r| {
                Ok(TrainingSeason {
                    id: r.get(0)?,
                    series_id: r.get(1)?,
                    label: serde_json::from_str(&r.get::<_, String>(2)?).ok(),
                })
            },
        )
    }

    /// Every imported per-region finance figure (Netflix's ARPU and revenue files), by metric,
    /// year and region: the store is their one reader, so "as of" answers see exactly the
    /// figures that were imported, from wherever.
    pub fn finance_figures(&self) -> Result<Vec<FinanceFigure>, StoreError> {
        self.rows(
            "SELECT metric, year, region, value FROM region_finance ORDER BY metric, year, region",
            |r| {
                Ok(FinanceFigure {
                    metric: r.get(0)?,
                    year: r.get(1)?,
                    region: r.get(2)?,
                    value: r.get(3)?,
                })
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;

    /// An empty store reads as empty, not as an error.
    #[test]
    fn an_empty_store_has_no_rows() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("s.db")).unwrap();
        assert!(s.training_series().unwrap().is_empty());
        assert!(s.training_seasons().unwrap().is_empty());
        assert!(s.training_engagement().unwrap().is_empty());
        assert!(s.training_chart().unwrap().is_empty());
        assert!(s.training_country_ranks().unwrap().is_empty());
        assert!(s.training_tmdb().unwrap().is_empty());
        assert!(s.training_native_spellings().unwrap().is_empty());
        assert!(s.training_show_genres().unwrap().is_empty());
        assert!(s.tv_charted_season_labels().unwrap().is_empty());
        assert!(s.finance_figures().unwrap().is_empty());
    }

    /// The finance figures come back as the CSV gave them, four regions a year, exactly.
    #[test]
    fn finance_figures_are_read_as_imported() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("arpu-by-region.csv");
        std::fs::write(
            &csv,
            "Year,US and Canada,EMEA,Latin America,Asia-Pacific\n2021,14.78,11.64,8.14,9.26\n2022,15.86,10.99,8.48,8.50\n",
        )
        .unwrap();
        let mut s = Store::open(&dir.path().join("s.db")).unwrap();
        s.import_paths(&[csv], &crate::import::ImportOptions::default())
            .unwrap();
        let f = s.finance_figures().unwrap();
        assert_eq!(f.len(), 8);
        assert!(f.iter().all(|x| x.metric == "arpu-by-region"));
        let emea_2022 = f
            .iter()
            .find(|x| x.year == 2022 && x.region == "EMEA")
            .unwrap();
        assert_eq!(emea_2022.value.to_bits(), 10.99f64.to_bits());
        let years: Vec<i32> = f.iter().map(|x| x.year).collect();
        assert_eq!(years, [2021, 2021, 2021, 2021, 2022, 2022, 2022, 2022]);
    }
}
