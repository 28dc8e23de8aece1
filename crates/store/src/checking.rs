//! Read models for the article checker (`greenlight-news`'s `check`): everything the data says
//! about one series *as of a date*, read in one go per series so that checking an article with
//! twenty claims about one show reads the store once, not twenty times.
//!
//! Point in time is applied here, with the one rule of [`crate::published`]: a Top 10 week from
//! the Tuesday after it ends, every other dataset from its stored publication date (MANIFEST's),
//! so the checker cannot see a row that was not public by the day it judges. Only the newest
//! snapshot of the global Top 10 is stored (an older snapshot of a dataset is replaced), so the
//! chart rows of an early dateline are the current file's rows of the weeks published by then.
//! Each row carries where it came from (the file as the data folder names it, and its line,
//! sheet/row or JustWatch id) so that a verdict can cite it.

use crate::published::{self, Precision, Published};
use crate::query::{date, precision, SeriesRef};
use crate::{Store, StoreError};
use chrono::NaiveDate;
use greenlight_sources::titles::SeasonLabel;
use rusqlite::OptionalExtension;

/// One global Top 10 row of the series, published by the as-of date.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckChartRow {
    /// The Sunday ending the chart week.
    pub week: NaiveDate,
    /// `TV (English)`, `TV (Non-English)`...
    pub category: String,
    pub rank: u32,
    pub hours: i64,
    /// The season title as the chart spells it.
    pub season_title: String,
    /// The season it resolved to (`None`: unresolved, or a label a newer version wrote).
    pub label: Option<SeasonLabel>,
    /// The data file, relative to the data folder (`netflix-top10/all-weeks-global.tsv`).
    pub file: String,
    pub line: i64,
}

/// One engagement-report row of the series, from a report published by the as-of date.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReportRow {
    /// The half-year, `2023H1`.
    pub report: String,
    pub file: String,
    pub sheet: String,
    pub row: i64,
    /// The title as the report spells it (native title after ` // ` included).
    pub title: String,
    pub label: Option<SeasonLabel>,
    pub hours: i64,
    pub views: Option<i64>,
    pub release_date: Option<NaiveDate>,
    pub published: Published,
}

/// One JustWatch credit of a catalogue record.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckCredit {
    pub name: String,
    pub character: Option<String>,
    /// `ACTOR` or `DIRECTOR`.
    pub role: String,
    pub file: String,
    pub line: i64,
}

/// The series' JustWatch TV record (the newest release year when several), with its credits.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckCatalogShow {
    /// JustWatch's id (`ts…`).
    pub id: String,
    pub title: String,
    pub release_year: Option<i32>,
    pub seasons: Option<u32>,
    pub file: String,
    pub line: i64,
    /// The later of the titles and credits files' publication dates.
    pub published: Published,
    pub credits: Vec<CheckCredit>,
}

/// The series' TMDB record.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckTmdb {
    pub name: String,
    /// `Returning Series`, `Ended`, `Canceled`...
    pub status: String,
    pub number_of_seasons: u32,
    pub network: String,
    pub first_air_date: Option<NaiveDate>,
    pub file: String,
    pub line: i64,
    pub published: Published,
}

/// What the data says about one series as of one day.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckingSeries {
    pub series: SeriesRef,
    pub as_of: NaiveDate,
    /// Chart rows published by `as_of`, oldest week first, then list and rank.
    pub chart: Vec<CheckChartRow>,
    /// The last chart week (of any title) published by `as_of`: a window reaching past it
    /// cannot be judged yet.
    pub last_chart_week: Option<NaiveDate>,
    /// Report rows of reports published by `as_of`, by report, sheet and row.
    pub reports: Vec<CheckReportRow>,
    /// `None` when no record, or not yet published at `as_of`.
    pub justwatch: Option<CheckCatalogShow>,
    /// When JustWatch's files became public (`None`: not imported): says why a credit is missing.
    pub justwatch_published: Option<Published>,
    /// `None` when no record, or not yet published at `as_of`.
    pub tmdb: Option<CheckTmdb>,
}

/// The data folder's name for a stored file: its last two path components
/// (`netflix-top10/all-weeks-global.tsv`), as MANIFEST.toml names it.
fn data_path(path: &str, file_name: &str) -> String {
    let p = std::path::Path::new(path);
    match p.parent().and_then(|d| d.file_name()) {
        Some(dir) => format!("{}/{file_name}", dir.to_string_lossy()),
        None => file_name.to_string(),
    }
}

fn label(json: Option<String>) -> Option<SeasonLabel> {
    json.and_then(|j| serde_json::from_str(&j).ok())
}

/// Whether a dataset published as `p` may be used on `as_of`. A dated file counts from its date
/// (an `at_earliest` date too: the earliest day it can have been public); per-row files are
/// dated by their rows, which the caller checks.
fn public_by(p: &Published, as_of: NaiveDate) -> bool {
    match p.date {
        Some(d) => d <= as_of,
        None => p.precision == Precision::Row,
    }
}

impl Store {
    /// Everything the checker needs about `series`, as of `as_of` (see the module's doc).
    pub fn checking(
        &self,
        series: &SeriesRef,
        as_of: NaiveDate,
    ) -> Result<CheckingSeries, StoreError> {
        let conn = self.conn();
        // Top 10: the newest week published by `as_of` is the one ending two days before it.
        let cutoff = as_of
            .checked_sub_days(chrono::Days::new(2))
            .unwrap_or(as_of);
        let mut st = conn.prepare_cached(
            "SELECT c.week, c.category, c.rank, c.hours, t.season_title, se.label, d.path, d.file_name, c.line
             FROM chart_weeks c JOIN titles t ON t.id = c.title_id JOIN datasets d ON d.id = c.dataset_id
             LEFT JOIN seasons se ON se.id = t.season_id
             WHERE t.series_id = ?1 AND c.week <= ?2 ORDER BY c.week, c.category, c.rank",
        )?;
        let chart = st
            .query_map(rusqlite::params![series.id, cutoff.to_string()], |r| {
                Ok(CheckChartRow {
                    week: date(&r.get::<_, String>(0)?),
                    category: r.get(1)?,
                    rank: r.get(2)?,
                    hours: r.get(3)?,
                    season_title: r.get(4)?,
                    label: label(r.get(5)?),
                    file: data_path(&r.get::<_, String>(6)?, &r.get::<_, String>(7)?),
                    line: r.get(8)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        // Rows are public from the Tuesday after their week: the SQL bound is that rule.
        debug_assert!(chart.iter().all(|c| published::chart_week(c.week) <= as_of));
        let last_chart_week: Option<String> = conn
            .prepare_cached("SELECT max(week) FROM chart_weeks WHERE week <= ?1")?
            .query_row([cutoff.to_string()], |r| r.get(0))?;

        let mut st = conn.prepare_cached(
            "SELECT e.report, d.path, d.file_name, e.sheet, e.row, t.season_title, t.show_title, se.label,
                    e.hours, e.views, e.release_date, d.published, d.published_precision
             FROM engagement e JOIN titles t ON t.id = e.title_id JOIN datasets d ON d.id = e.dataset_id
             LEFT JOIN seasons se ON se.id = t.season_id
             WHERE t.series_id = ?1 ORDER BY e.report, e.sheet, e.row",
        )?;
        let reports = st
            .query_map([series.id], |r| {
                let season_title: String = r.get(5)?;
                let show_title: String = r.get(6)?;
                Ok(CheckReportRow {
                    report: r.get(0)?,
                    file: data_path(&r.get::<_, String>(1)?, &r.get::<_, String>(2)?),
                    sheet: r.get(3)?,
                    row: r.get(4)?,
                    title: if season_title.is_empty() {
                        show_title
                    } else {
                        season_title
                    },
                    label: label(r.get(7)?),
                    hours: r.get(8)?,
                    views: r.get(9)?,
                    release_date: r.get::<_, Option<String>>(10)?.map(|s| date(&s)),
                    published: Published {
                        date: r.get::<_, Option<String>>(11)?.map(|s| date(&s)),
                        precision: precision(&r.get::<_, String>(12)?),
                    },
                })
            })?
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|r| {
                // A report counts from its publication date; one stored without a date counts
                // from the date the content rules give it.
                let p = match r.published.date {
                    Some(_) => r.published,
                    None => published::engagement_report_published(&r.report)
                        .unwrap_or(Published::PER_ROW),
                };
                p.date.is_some_and(|d| d <= as_of)
            })
            .collect();

        let justwatch_published = self.justwatch_published()?;
        let justwatch = match justwatch_published {
            Some(p) if public_by(&p, as_of) && p.date.is_some() => self.checking_show(series, p)?,
            _ => None,
        };

        let mut st = conn.prepare_cached(
            "SELECT m.name, m.status, m.number_of_seasons, m.network, m.first_air_date, d.path, d.file_name,
                    m.line, COALESCE(d.published, d.as_of), d.published_precision
             FROM tmdb_shows m JOIN titles t ON t.id = m.title_id JOIN datasets d ON d.id = m.dataset_id
             WHERE t.series_id = ?1 ORDER BY m.line LIMIT 1",
        )?;
        let tmdb = st
            .query_row([series.id], |r| {
                Ok(CheckTmdb {
                    name: r.get(0)?,
                    status: r.get(1)?,
                    number_of_seasons: r.get(2)?,
                    network: r.get(3)?,
                    first_air_date: r
                        .get::<_, Option<String>>(4)?
                        .and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()),
                    file: data_path(&r.get::<_, String>(5)?, &r.get::<_, String>(6)?),
                    line: r.get(7)?,
                    published: Published {
                        date: Some(date(&r.get::<_, String>(8)?)),
                        precision: precision(&r.get::<_, String>(9)?),
                    },
                })
            })
            .optional()?
            .filter(|t| public_by(&t.published, as_of));

        Ok(CheckingSeries {
            series: series.clone(),
            as_of,
            chart,
            last_chart_week: last_chart_week.map(|s| date(&s)),
            reports,
            justwatch,
            justwatch_published,
            tmdb,
        })
    }

    /// When JustWatch's catalogue became public: the later of its two files (a credit needs
    /// both), or `None` when either is not imported.
    fn justwatch_published(&self) -> Result<Option<Published>, StoreError> {
        let titles = self.dataset_published("justwatch-titles")?;
        let credits = self.dataset_published("justwatch-credits")?;
        Ok(match (titles, credits) {
            (Some(a), Some(b)) => Some(if a.date >= b.date { a } else { b }),
            _ => None,
        })
    }

    /// The series' JustWatch show record with the newest release year, and its credits.
    fn checking_show(
        &self,
        series: &SeriesRef,
        published: Published,
    ) -> Result<Option<CheckCatalogShow>, StoreError> {
        let conn = self.conn();
        let show = conn
            .prepare_cached(
                "SELECT j.id, j.title, j.release_year, j.seasons, d.path, d.file_name, j.line
                 FROM jw_titles j JOIN titles t ON t.id = j.title_id JOIN datasets d ON d.id = j.dataset_id
                 WHERE t.series_id = ?1 AND j.kind = 'SHOW'
                 ORDER BY COALESCE(j.release_year, 0) DESC, j.line LIMIT 1",
            )?
            .query_row([series.id], |r| {
                Ok(CheckCatalogShow {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    release_year: r.get(2)?,
                    seasons: r.get(3)?,
                    file: data_path(&r.get::<_, String>(4)?, &r.get::<_, String>(5)?),
                    line: r.get(6)?,
                    published,
                    credits: Vec::new(),
                })
            })
            .optional()?;
        let Some(mut show) = show else {
            return Ok(None);
        };
        let mut st = conn.prepare_cached(
            "SELECT c.name, c.character, c.role, d.path, d.file_name, c.line
             FROM jw_credits c JOIN datasets d ON d.id = c.dataset_id
             WHERE c.jw_title_id = ?1 ORDER BY c.line",
        )?;
        show.credits = st
            .query_map([&show.id], |r| {
                Ok(CheckCredit {
                    name: r.get(0)?,
                    character: r.get(1)?,
                    role: r.get(2)?,
                    file: data_path(&r.get::<_, String>(3)?, &r.get::<_, String>(4)?),
                    line: r.get(5)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(Some(show))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_path_is_named_as_the_data_folder_names_it() {
        assert_eq!(
            data_path(
                "/x/shared/data/netflix-top10/all-weeks-global.tsv",
                "all-weeks-global.tsv"
            ),
            "netflix-top10/all-weeks-global.tsv"
        );
        assert_eq!(data_path("a.tsv", "a.tsv"), "a.tsv");
    }

    /// An empty store has nothing to say about anything, and says so without failing.
    #[test]
    fn an_empty_store_reads_as_no_data() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("s.db")).unwrap();
        let series = SeriesRef {
            id: 1,
            slug: "x".into(),
            title: "X".into(),
            kind: "tv".into(),
        };
        let c = s
            .checking(&series, NaiveDate::from_ymd_opt(2024, 1, 1).unwrap())
            .unwrap();
        assert!(c.chart.is_empty() && c.reports.is_empty());
        assert_eq!(c.last_chart_week, None);
        assert_eq!(c.justwatch, None);
        assert_eq!(c.tmdb, None);
    }
}
