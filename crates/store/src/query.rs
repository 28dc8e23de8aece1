//! Read queries. The shapes here are the CLI's `--json` output and the web API's bodies, so their
//! field names are a public contract: add fields, never rename.

use crate::{Store, StoreError};
use chrono::NaiveDate;
use greenlight_sources::titles::{self, SeasonLabel};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

/// A resolved series.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesRef {
    #[serde(skip)]
    pub id: i64,
    pub slug: String,
    pub title: String,
    /// `tv`, `film` or `unknown`.
    pub kind: String,
}

/// What a title is, read from its data: the shape a renewal question needs before it is asked
/// (a film or a one-off special has no next season to wait for).
///
/// - `film`: the series is of kind `film` (Top 10 film lists, the engagement reports' film sheets,
///   JustWatch movies).
/// - `special`: a one-off TV entry, such as a stand-up special: kind `tv`; no season but the whole
///   (no numbered season, part, limited series, dated or named instalment); no catalogue series
///   record (TMDB, or a JustWatch show with seasons); and at least one known runtime, every one
///   of them at most [`SPECIAL_HOURS`] (or at most [`SPECIAL_WORD_HOURS`] when the title calls
///   itself a special).
/// - `series`: everything else, including the default when the data can't tell (a TV title with no
///   season marker and no known runtime, a title of unknown kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeriesForm {
    Film,
    Special,
    Series,
}

/// Longest runtime (hours) a one-off TV entry may have and still be a special. Measured on the
/// data: of the 1,449 TV titles with no season marker and no catalogue series record, the 717 with
/// every runtime at most 1.75 h are stand-up, concerts, holiday and anime specials, making-ofs
/// and interactive specials; above it, docuseries and collections start to mix in.
pub const SPECIAL_HOURS: f64 = 1.75;
/// The same limit for a title with the word `Special(s)` in it (`Patton Oswalt: I Love
/// Everything: Special`, 1.98 h); longer ones so named are collections (`Goosebumps (1995):
/// Specials`, 4.8 h).
pub const SPECIAL_WORD_HOURS: f64 = 2.5;

/// The facts [`SeriesForm`] is decided from, per series.
#[derive(Debug, Default, Clone, Copy)]
struct FormFacts {
    /// A season other than the whole show (numbered, part, limited, dated or named).
    instalments: bool,
    /// A TMDB record, or a JustWatch show record with seasons.
    catalogued: bool,
    /// The longest known runtime in hours (Top 10, most popular, engagement).
    longest: Option<f64>,
}

fn form_of(kind: &str, title: &str, f: &FormFacts) -> SeriesForm {
    if kind == "film" {
        return SeriesForm::Film;
    }
    if kind != "tv" || f.instalments || f.catalogued {
        return SeriesForm::Series;
    }
    let named_special = title
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case("special") || w.eq_ignore_ascii_case("specials"));
    let limit = if named_special {
        SPECIAL_WORD_HOURS
    } else {
        SPECIAL_HOURS
    };
    match f.longest {
        Some(h) if h <= limit => SeriesForm::Special,
        _ => SeriesForm::Series,
    }
}

/// Per-series facts for [`form_of`], `filter` restricting the series (`""` for all, or
/// `AND t.series_id = ?1` with its parameter).
const FORM_INSTALMENTS: &str =
    "SELECT DISTINCT series_id FROM seasons WHERE label_key != '' {filter}";
const FORM_CATALOGUED: &str = "SELECT DISTINCT t.series_id FROM titles t WHERE t.source = 'tmdb' AND t.series_id IS NOT NULL {filter}
     UNION SELECT t.series_id FROM jw_titles j JOIN titles t ON t.id = j.title_id WHERE j.seasons IS NOT NULL AND t.series_id IS NOT NULL {filter}";
/// [`FORM_RUNTIMES`] for one series (`?1`): from its spellings to their rows, so it reads a few
/// index entries instead of every raw table (status asks it once per report).
const FORM_RUNTIMES_ONE: &str = "SELECT ?1, max(h) FROM (
        SELECT c.runtime AS h FROM titles t JOIN chart_weeks c ON c.title_id = t.id WHERE t.series_id = ?1 AND c.runtime IS NOT NULL
        UNION ALL SELECT m.runtime FROM titles t JOIN most_popular m ON m.title_id = t.id WHERE t.series_id = ?1 AND m.runtime IS NOT NULL
        UNION ALL SELECT e.runtime_minutes / 60.0 FROM titles t JOIN engagement e ON e.title_id = t.id WHERE t.series_id = ?1 AND e.runtime_minutes IS NOT NULL
     ) HAVING max(h) IS NOT NULL";
const FORM_RUNTIMES: &str = "SELECT t.series_id, max(x.hours) FROM (
        SELECT title_id, runtime AS hours FROM chart_weeks WHERE runtime IS NOT NULL
        UNION ALL SELECT title_id, runtime FROM most_popular WHERE runtime IS NOT NULL
        UNION ALL SELECT title_id, runtime_minutes / 60.0 FROM engagement WHERE runtime_minutes IS NOT NULL
     ) x JOIN titles t ON t.id = x.title_id WHERE t.series_id IS NOT NULL {filter} GROUP BY t.series_id";

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Top10Summary {
    pub weeks: u32,
    pub peak_rank: u32,
    pub total_hours: i64,
    pub first_week: NaiveDate,
    pub last_week: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EngagementEntry {
    pub report: String,
    pub title: String,
    pub hours: i64,
    pub views: Option<i64>,
    pub runtime_minutes: Option<u32>,
    pub release_date: Option<NaiveDate>,
    pub available_globally: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeasonReport {
    #[serde(skip)]
    pub id: i64,
    /// The season's display label (`Season 1`, `Part 2`, `Limited Series`, `` for the whole show).
    pub season: String,
    pub number: Option<u32>,
    pub label: SeasonLabel,
    pub source_titles: Vec<String>,
    pub top10: Option<Top10Summary>,
    pub engagement: Vec<EngagementEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShowReport {
    pub series: SeriesRef,
    pub seasons: Vec<SeasonReport>,
}

/// One chart week of a season.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChartWeek {
    pub week_end: NaiveDate,
    pub category: String,
    pub rank: u32,
    pub hours: i64,
    pub views: Option<i64>,
    pub runtime: Option<f64>,
    pub cumulative_weeks: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub season: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HoursWeek {
    pub week_end: NaiveDate,
    pub rank: u32,
    pub hours: i64,
    pub season: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HoursReport {
    pub series: SeriesRef,
    pub season: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub hours: i64,
    pub weeks: Vec<HoursWeek>,
    /// Chart weeks of the season that overlap the window only in part, so are not counted.
    pub excluded_weeks: Vec<HoursWeek>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    pub series: SeriesRef,
    /// The spelling that matched best.
    pub matched: String,
    /// 0..1, higher is better.
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableCount {
    pub table: String,
    pub rows: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetCount {
    pub dataset: String,
    pub format: String,
    pub publisher: String,
    pub file: String,
    pub as_of: String,
    pub rows: i64,
    /// When the file became public (`None` when each row carries its own date).
    pub published: Option<String>,
    pub published_precision: crate::published::Precision,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub tables: Vec<TableCount>,
    pub datasets: Vec<DatasetCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnresolvedEntry {
    pub source: String,
    pub show_title: String,
    pub season_title: String,
    pub kind: String,
    pub reason: String,
    pub candidates: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnresolvedReport {
    pub distinct_titles: i64,
    pub unresolved: i64,
    /// unresolved / distinct_titles, in percent.
    pub percent: f64,
    pub entries: Vec<UnresolvedEntry>,
}

/// A TMDB catalogue fact about a series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TmdbFact {
    pub name: String,
    pub number_of_seasons: u32,
    pub status: String,
    pub network: String,
    pub first_air_date: Option<NaiveDate>,
    pub last_air_date: Option<NaiveDate>,
    pub vote_count: u32,
    pub vote_average: f64,
    /// The snapshot's as-of date (the dataset's): the latest air date it lists.
    pub as_of: NaiveDate,
    /// When the snapshot became public (the dataset's, from its manifest), for "as of" answers;
    /// its `as_of` where the dataset has no date of its own.
    pub published: NaiveDate,
    pub published_precision: crate::published::Precision,
    pub file: String,
}

/// A JustWatch catalogue fact about a series, with its credits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JustWatchFact {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub release_year: Option<i32>,
    pub genres: Vec<String>,
    pub production_countries: Vec<String>,
    pub seasons: Option<u32>,
    pub imdb_score: Option<f64>,
    pub tmdb_score: Option<f64>,
    /// When the catalogue became public (the dataset's, from its manifest; the import day, at the
    /// latest, when nothing dated it).
    pub published: NaiveDate,
    pub published_precision: crate::published::Precision,
    pub credits: Vec<Credit>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Credit {
    pub name: String,
    pub character: Option<String>,
    pub role: String,
}

pub(crate) fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

/// A stored publication precision; the schema's CHECK admits only the four names, and anything
/// else would read as `at_latest`, the reading that errs late.
pub(crate) fn precision(s: &str) -> crate::published::Precision {
    crate::published::Precision::from_name(s).unwrap_or(crate::published::Precision::AtLatest)
}

const SERIES_COLS: &str = "s.id, s.slug, s.title, s.kind";

fn series_row(r: &rusqlite::Row) -> rusqlite::Result<SeriesRef> {
    Ok(SeriesRef {
        id: r.get(0)?,
        slug: r.get(1)?,
        title: r.get(2)?,
        kind: r.get(3)?,
    })
}

/// A week ending Sunday `w` covers `w-6 ..= w`.
pub fn week_start(week_end: NaiveDate) -> NaiveDate {
    week_end - chrono::Duration::days(6)
}

/// The longest search query: above the longest title the data holds (225 characters), and a
/// bound on the work, which grows with the query's length times every stored spelling's (a
/// 20,000-character query took 15 s of CPU before the bound; issue 14).
pub const MAX_QUERY_CHARS: usize = 300;

impl Store {
    /// Finds a series by any source spelling of the series or of one of its seasons (compared
    /// after normalisation), or by slug. `None` if nothing matches. When a spelling names several
    /// series (a film and a show of one title), TV wins, then the most charted.
    pub fn find_series(&self, spelling: &str) -> Result<Option<SeriesRef>, StoreError> {
        Ok(self.find_series_many(&[spelling])?.pop().flatten())
    }

    /// [`Store::find_series`] for many spellings at once (a claims file names a hundred
    /// series): the series' match keys are read once, and the spellings are scanned once for all
    /// the keys no match key has, instead of once per spelling. Same answers, in order.
    pub fn find_series_many(
        &self,
        spellings: &[&str],
    ) -> Result<Vec<Option<SeriesRef>>, StoreError> {
        let mut out: Vec<Option<SeriesRef>> = Vec::with_capacity(spellings.len());
        // Per spelling not found by slug: its key and its candidate series.
        let mut wanted: Vec<(usize, String, Vec<i64>)> = Vec::new();
        for (i, spelling) in spellings.iter().enumerate() {
            out.push(self.series_by_slug(spelling.trim())?);
            if out[i].is_some() {
                continue;
            }
            let (english, _) = titles::split_native(spelling);
            let key = titles::normalize(english);
            if !key.is_empty() {
                wanted.push((i, key, Vec::new()));
            }
        }
        if wanted.is_empty() {
            return Ok(out);
        }
        // Candidates: series whose match key is the spelling, or which have a spelling that
        // normalises to it. Spellings are compared in Rust, since SQLite can't normalise.
        {
            let mut by_key: std::collections::HashMap<&str, Vec<usize>> =
                std::collections::HashMap::new();
            for (n, (_, key, _)) in wanted.iter().enumerate() {
                by_key.entry(key.as_str()).or_default().push(n);
            }
            let mut hits: Vec<(usize, i64)> = Vec::new();
            if wanted.len() == 1 {
                let mut st = self
                    .conn()
                    .prepare_cached("SELECT id FROM series WHERE match_key = ?1")?;
                let rows = st.query_map([&wanted[0].1], |r| r.get(0))?;
                for r in rows {
                    hits.push((0, r?));
                }
            } else {
                let mut st = self
                    .conn()
                    .prepare_cached("SELECT id, match_key FROM series ORDER BY id")?;
                let mut rows = st.query([])?;
                while let Some(r) = rows.next()? {
                    let key = r.get_ref(1)?.as_str().unwrap_or_default();
                    if let Some(ns) = by_key.get(key) {
                        let id: i64 = r.get(0)?;
                        hits.extend(ns.iter().map(|&n| (n, id)));
                    }
                }
            }
            for (n, id) in hits {
                wanted[n].2.push(id);
            }
        }
        let missing: std::collections::HashMap<String, Vec<usize>> = {
            let mut m: std::collections::HashMap<String, Vec<usize>> =
                std::collections::HashMap::new();
            for (n, (_, key, ids)) in wanted.iter().enumerate() {
                if ids.is_empty() {
                    m.entry(key.clone()).or_default().push(n);
                }
            }
            m
        };
        if !missing.is_empty() {
            // A plain scan: `DISTINCT` cost a temporary B-tree over every spelling (most of this
            // lookup's time), and only the set of candidates matters, ordered by id below.
            let mut st = self.conn().prepare_cached(
                "SELECT series_id, show_title, season_title FROM titles WHERE series_id IS NOT NULL",
            )?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                let show: String = r.get(1)?;
                let season: String = r.get(2)?;
                let mut keys: Vec<String> = Vec::with_capacity(2);
                for s in [show.as_str(), season.as_str()] {
                    if !s.is_empty() {
                        let k = titles::normalize(titles::split_native(s).0);
                        if !keys.contains(&k) {
                            keys.push(k);
                        }
                    }
                }
                for k in &keys {
                    for &n in missing.get(k).into_iter().flatten() {
                        wanted[n].2.push(id);
                    }
                }
            }
            // In id order, as the index-ordered `DISTINCT` scan this replaces found them (ties
            // in `best_series` go to the first).
            for ns in missing.values() {
                for &n in ns {
                    wanted[n].2.sort_unstable();
                    wanted[n].2.dedup();
                }
            }
        }
        for (i, _, ids) in wanted {
            out[i] = self.best_series(ids)?;
        }
        Ok(out)
    }

    /// Of several series one spelling names (a film and a show of one title), TV wins, then the
    /// most charted, then the first found.
    fn best_series(&self, ids: Vec<i64>) -> Result<Option<SeriesRef>, StoreError> {
        let mut best: Option<(bool, i64, SeriesRef)> = None;
        for id in ids {
            let s = self
                .conn()
                .prepare_cached(&format!(
                    "SELECT {SERIES_COLS} FROM series s WHERE s.id = ?1"
                ))?
                .query_row([id], series_row)?;
            let weeks: i64 = self
                .conn()
                .prepare_cached(
                    "SELECT count(*) FROM chart_weeks c JOIN titles t ON t.id = c.title_id WHERE t.series_id = ?1",
                )?
                .query_row([id], |r| r.get(0))?;
            let rank = (s.kind == "tv", weeks);
            if best.as_ref().is_none_or(|(tv, w, _)| rank > (*tv, *w)) {
                best = Some((rank.0, rank.1, s));
            }
        }
        Ok(best.map(|b| b.2))
    }

    /// Like [`Store::find_series`], but a miss is an error that suggests close spellings.
    pub fn series(&self, spelling: &str) -> Result<SeriesRef, StoreError> {
        if let Some(s) = self.find_series(spelling)? {
            return Ok(s);
        }
        let hits = self.search(spelling, 5)?;
        let mut msg = format!("no series matches \"{spelling}\"");
        if !hits.is_empty() {
            msg.push_str("; did you mean: ");
            msg.push_str(
                &hits
                    .iter()
                    .map(|h| format!("\"{}\"", h.series.title))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
        Err(StoreError::NotFound(msg))
    }

    pub fn series_by_slug(&self, slug: &str) -> Result<Option<SeriesRef>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached(&format!(
                "SELECT {SERIES_COLS} FROM series s WHERE s.slug = ?1"
            ))?
            .query_row([slug], series_row)
            .optional()?)
    }

    /// Every season with its spellings, Top 10 summary and engagement rows.
    pub fn show(&self, series: &SeriesRef) -> Result<ShowReport, StoreError> {
        let mut seasons = Vec::new();
        let mut st = self.conn().prepare_cached(
            "SELECT id, label, display, number FROM seasons WHERE series_id = ?1 ORDER BY ordinal",
        )?;
        let rows: Vec<(i64, String, String, Option<u32>)> = st
            .query_map([series.id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<Result<_, _>>()?;
        for (id, label, display, number) in rows {
            let label: SeasonLabel = serde_json::from_str(&label).unwrap_or(SeasonLabel::Whole);
            seasons.push(SeasonReport {
                id,
                season: display,
                number,
                label,
                source_titles: self.season_spellings(series.id, id)?,
                top10: self.top10_summary(series.id, id)?,
                engagement: self.engagement_entries(series.id, id)?,
            });
        }
        Ok(ShowReport {
            series: series.clone(),
            seasons,
        })
    }

    // A season's spellings are found through `titles_link (series_id, season_id)`, hence the
    // series id alongside the season's in these three lookups.
    fn season_spellings(&self, series_id: i64, season_id: i64) -> Result<Vec<String>, StoreError> {
        let mut st = self.conn().prepare_cached(
            "SELECT DISTINCT CASE WHEN season_title = '' THEN show_title ELSE season_title END AS s
             FROM titles WHERE series_id = ?1 AND season_id = ?2 ORDER BY s",
        )?;
        let v = st
            .query_map([series_id, season_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    fn top10_summary(
        &self,
        series_id: i64,
        season_id: i64,
    ) -> Result<Option<Top10Summary>, StoreError> {
        let r: (
            i64,
            Option<u32>,
            Option<i64>,
            Option<String>,
            Option<String>,
        ) = self
            .conn()
            // Cached: every status asks it per season (the board's refresh, thousands of times).
            .prepare_cached(
                "SELECT count(*), min(c.rank), sum(c.hours), min(c.week), max(c.week)
             FROM chart_weeks c JOIN titles t ON t.id = c.title_id WHERE t.series_id = ?1 AND t.season_id = ?2",
            )?
            .query_row([series_id, season_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
        if r.0 == 0 {
            return Ok(None);
        }
        Ok(Some(Top10Summary {
            weeks: r.0 as u32,
            peak_rank: r.1.unwrap_or(0),
            total_hours: r.2.unwrap_or(0),
            first_week: date(r.3.as_deref().unwrap_or_default()),
            last_week: date(r.4.as_deref().unwrap_or_default()),
        }))
    }

    fn engagement_entries(
        &self,
        series_id: i64,
        season_id: i64,
    ) -> Result<Vec<EngagementEntry>, StoreError> {
        let mut st = self.conn().prepare_cached(
            "SELECT e.report, t.season_title, e.hours, e.views, e.runtime_minutes, e.release_date, e.available_globally
             FROM engagement e JOIN titles t ON t.id = e.title_id WHERE t.series_id = ?1 AND t.season_id = ?2 ORDER BY e.report, e.sheet, e.row",
        )?;
        let v = st
            .query_map([series_id, season_id], |r| {
                Ok(EngagementEntry {
                    report: r.get(0)?,
                    title: r.get(1)?,
                    hours: r.get(2)?,
                    views: r.get(3)?,
                    runtime_minutes: r.get(4)?,
                    release_date: r.get::<_, Option<String>>(5)?.map(|s| date(&s)),
                    available_globally: r.get(6)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    /// Every chart week of the series (all seasons), oldest first.
    pub fn chart_weeks(&self, series: &SeriesRef) -> Result<Vec<ChartWeek>, StoreError> {
        let mut st = self.conn().prepare_cached(
            "SELECT c.week, c.category, c.rank, c.hours, c.views, c.runtime, c.cumulative_weeks, se.display
             FROM chart_weeks c JOIN titles t ON t.id = c.title_id LEFT JOIN seasons se ON se.id = t.season_id
             WHERE t.series_id = ?1 ORDER BY c.week, c.category, c.rank",
        )?;
        let v = st
            .query_map([series.id], |r| {
                Ok(ChartWeek {
                    week_end: date(&r.get::<_, String>(0)?),
                    category: r.get(1)?,
                    rank: r.get(2)?,
                    hours: r.get(3)?,
                    views: r.get(4)?,
                    runtime: r.get(5)?,
                    cumulative_weeks: r.get(6)?,
                    season: r.get(7)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    /// Hours in the chart weeks that lie wholly inside `[from, to]` (a week ending Sunday `w`
    /// covers `w-6 ..= w`). Weeks overlapping the window in part are listed as excluded.
    pub fn hours(
        &self,
        series: &SeriesRef,
        season: Option<&SeasonLabel>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<HoursReport, StoreError> {
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(StoreError::Invalid(format!("--from {f} is after --to {t}")));
            }
        }
        let season_key = season.map(|s| s.key());
        if let Some(k) = &season_key {
            let exists: bool = self.conn().query_row(
                "SELECT EXISTS(SELECT 1 FROM seasons WHERE series_id = ?1 AND label_key = ?2)",
                params![series.id, k],
                |r| r.get(0),
            )?;
            if !exists {
                let have = self
                    .show(series)?
                    .seasons
                    .iter()
                    .map(|s| format!("\"{}\"", s.season))
                    .collect::<Vec<_>>();
                return Err(StoreError::NotFound(format!(
                    "{} has no {}; its seasons are: {}",
                    series.title,
                    season.map(|s| s.display()).unwrap_or_default(),
                    have.join(", ")
                )));
            }
        }
        let mut weeks = Vec::new();
        let mut excluded = Vec::new();
        for w in self.chart_weeks(series)? {
            let label = w.season.clone().unwrap_or_default();
            if let Some(k) = &season_key {
                if label.to_lowercase() != *k {
                    continue;
                }
            }
            let start = week_start(w.week_end);
            let overlaps = from.is_none_or(|f| w.week_end >= f) && to.is_none_or(|t| start <= t);
            let inside = from.is_none_or(|f| start >= f) && to.is_none_or(|t| w.week_end <= t);
            let hw = HoursWeek {
                week_end: w.week_end,
                rank: w.rank,
                hours: w.hours,
                season: label,
            };
            if inside {
                weeks.push(hw);
            } else if overlaps {
                excluded.push(hw);
            }
        }
        Ok(HoursReport {
            series: series.clone(),
            season: season.map(|s| s.display()),
            from,
            to,
            hours: weeks.iter().map(|w| w.hours).sum(),
            weeks,
            excluded_weeks: excluded,
        })
    }

    pub fn tmdb_facts(&self, series: &SeriesRef) -> Result<Vec<TmdbFact>, StoreError> {
        let mut st = self.conn().prepare_cached(
            "SELECT m.name, m.number_of_seasons, m.status, m.network, m.first_air_date, m.last_air_date, m.vote_count,
                    m.vote_average, d.as_of, d.file_name, COALESCE(d.published, d.as_of), d.published_precision
             FROM tmdb_shows m JOIN titles t ON t.id = m.title_id JOIN datasets d ON d.id = m.dataset_id
             WHERE t.series_id = ?1 ORDER BY m.line",
        )?;
        let v = st
            .query_map([series.id], |r| {
                Ok(TmdbFact {
                    name: r.get(0)?,
                    number_of_seasons: r.get(1)?,
                    status: r.get(2)?,
                    network: r.get(3)?,
                    first_air_date: r.get::<_, Option<String>>(4)?.map(|s| date(&s)),
                    last_air_date: r.get::<_, Option<String>>(5)?.map(|s| date(&s)),
                    vote_count: r.get(6)?,
                    vote_average: r.get(7)?,
                    as_of: date(&r.get::<_, String>(8)?),
                    file: r.get(9)?,
                    published: date(&r.get::<_, String>(10)?),
                    published_precision: precision(&r.get::<_, String>(11)?),
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    pub fn justwatch_facts(&self, series: &SeriesRef) -> Result<Vec<JustWatchFact>, StoreError> {
        let mut st = self.conn().prepare_cached(
            "SELECT j.id, j.title, j.kind, j.release_year, j.genres, j.production_countries, j.seasons, j.imdb_score, j.tmdb_score,
                    COALESCE(d.published, d.as_of), d.published_precision
             FROM jw_titles j JOIN titles t ON t.id = j.title_id JOIN datasets d ON d.id = j.dataset_id
             WHERE t.series_id = ?1 ORDER BY j.line",
        )?;
        let mut facts: Vec<JustWatchFact> = st
            .query_map([series.id], |r| {
                let list = |s: String| serde_json::from_str::<Vec<String>>(&s).unwrap_or_default();
                Ok(JustWatchFact {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    kind: r.get(2)?,
                    release_year: r.get(3)?,
                    genres: list(r.get(4)?),
                    production_countries: list(r.get(5)?),
                    seasons: r.get(6)?,
                    imdb_score: r.get(7)?,
                    tmdb_score: r.get(8)?,
                    published: date(&r.get::<_, String>(9)?),
                    published_precision: precision(&r.get::<_, String>(10)?),
                    credits: Vec::new(),
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut cst = self.conn().prepare_cached(
            "SELECT name, character, role FROM jw_credits WHERE jw_title_id = ?1 ORDER BY line",
        )?;
        for f in &mut facts {
            f.credits = cst
                .query_map([&f.id], |r| {
                    Ok(Credit {
                        name: r.get(0)?,
                        character: r.get(1)?,
                        role: r.get(2)?,
                    })
                })?
                .collect::<Result<_, _>>()?;
        }
        Ok(facts)
    }

    /// What `series` is: a film, a one-off special or a series (see [`SeriesForm`]).
    pub fn series_form(&self, series: &SeriesRef) -> Result<SeriesForm, StoreError> {
        let facts = self.form_facts(Some(series.id))?;
        let f = facts.get(&series.id).copied().unwrap_or_default();
        Ok(form_of(&series.kind, &series.title, &f))
    }

    /// [`Store::series_form`] of every series, by slug: three grouped passes over the store
    /// rather than three lookups per series.
    pub fn series_forms(
        &self,
    ) -> Result<std::collections::HashMap<String, SeriesForm>, StoreError> {
        let facts = self.form_facts(None)?;
        let mut st = self
            .conn()
            .prepare_cached("SELECT id, slug, kind, title FROM series")?;
        let mut rows = st.query([])?;
        let mut out = std::collections::HashMap::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let f = facts.get(&id).copied().unwrap_or_default();
            let (kind, title): (String, String) = (r.get(2)?, r.get(3)?);
            let form = form_of(&kind, &title, &f);
            out.insert(r.get(1)?, form);
        }
        Ok(out)
    }

    /// [`FormFacts`] of one series, or of all (`None`).
    fn form_facts(
        &self,
        series: Option<i64>,
    ) -> Result<std::collections::HashMap<i64, FormFacts>, StoreError> {
        let (filter, seasons_filter) = match series {
            Some(_) => ("AND t.series_id = ?1", "AND series_id = ?1"),
            None => ("", ""),
        };
        let params: Vec<i64> = series.into_iter().collect();
        let mut facts: std::collections::HashMap<i64, FormFacts> = Default::default();
        let sql = FORM_INSTALMENTS.replace("{filter}", seasons_filter);
        let mut st = self.conn().prepare_cached(&sql)?;
        let mut rows = st.query(rusqlite::params_from_iter(&params))?;
        while let Some(r) = rows.next()? {
            facts.entry(r.get(0)?).or_default().instalments = true;
        }
        let sql = FORM_CATALOGUED.replace("{filter}", filter);
        let mut st = self.conn().prepare_cached(&sql)?;
        let mut rows = st.query(rusqlite::params_from_iter(&params))?;
        while let Some(r) = rows.next()? {
            facts.entry(r.get(0)?).or_default().catalogued = true;
        }
        let sql = match series {
            Some(_) => FORM_RUNTIMES_ONE.to_string(),
            None => FORM_RUNTIMES.replace("{filter}", filter),
        };
        let mut st = self.conn().prepare_cached(&sql)?;
        let mut rows = st.query(rusqlite::params_from_iter(&params))?;
        while let Some(r) = rows.next()? {
            facts.entry(r.get(0)?).or_default().longest = r.get(1)?;
        }
        Ok(facts)
    }

    /// Every series, ordered by slug, for whole-data passes.
    pub fn all_series(&self) -> Result<Vec<SeriesRef>, StoreError> {
        let mut st = self.conn().prepare_cached(&format!(
            "SELECT {SERIES_COLS} FROM series s ORDER BY s.slug"
        ))?;
        let v = st.query_map([], series_row)?.collect::<Result<_, _>>()?;
        Ok(v)
    }

    pub fn stats(&self) -> Result<Stats, StoreError> {
        let mut tables = Vec::new();
        let derived = ["series", "seasons", "unresolved", "aliases"];
        let all = ["datasets", "titles"]
            .into_iter()
            .chain(crate::schema::RAW_TABLES)
            .chain(derived);
        for t in all {
            let rows: i64 =
                self.conn()
                    .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))?;
            tables.push(TableCount {
                table: t.to_string(),
                rows,
            });
        }
        let mut st = self.conn().prepare_cached(
            "SELECT key, format, publisher, file_name, as_of, rows, published, published_precision FROM datasets ORDER BY key",
        )?;
        let datasets = st
            .query_map([], |r| {
                Ok(DatasetCount {
                    dataset: r.get(0)?,
                    format: r.get(1)?,
                    publisher: r.get(2)?,
                    file: r.get(3)?,
                    as_of: r.get(4)?,
                    rows: r.get(5)?,
                    published: r.get(6)?,
                    published_precision: precision(&r.get::<_, String>(7)?),
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(Stats { tables, datasets })
    }

    /// When the dataset `key` (`justwatch-titles`, `tmdb-status`, ...) became public, as its
    /// import dated it; `None` for a dataset not stored.
    pub fn dataset_published(
        &self,
        key: &str,
    ) -> Result<Option<crate::published::Published>, StoreError> {
        let row: Option<(Option<String>, String)> = self
            .conn()
            .query_row(
                "SELECT published, published_precision FROM datasets WHERE key = ?1",
                [key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row.map(|(d, p)| crate::published::Published {
            date: d.as_deref().map(date),
            precision: precision(&p),
        }))
    }

    pub fn unresolved(&self) -> Result<UnresolvedReport, StoreError> {
        let distinct: i64 = self.conn().query_row(
            "SELECT count(*) FROM titles WHERE source != 'ledger'",
            [],
            |r| r.get(0),
        )?;
        let mut st = self.conn().prepare_cached(
            "SELECT t.source, t.show_title, t.season_title, t.kind, u.reason, u.candidates
             FROM unresolved u JOIN titles t ON t.id = u.title_id ORDER BY t.source, t.show_title, t.season_title",
        )?;
        let entries: Vec<UnresolvedEntry> = st
            .query_map([], |r| {
                Ok(UnresolvedEntry {
                    source: r.get(0)?,
                    show_title: r.get(1)?,
                    season_title: r.get(2)?,
                    kind: r.get(3)?,
                    reason: r.get(4)?,
                    candidates: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default(),
                })
            })?
            .collect::<Result<_, _>>()?;
        let n = entries.len() as i64;
        Ok(UnresolvedReport {
            distinct_titles: distinct,
            unresolved: n,
            percent: if distinct == 0 {
                0.0
            } else {
                (n as f64 * 10000.0 / distinct as f64).round() / 100.0
            },
            entries,
        })
    }
}
