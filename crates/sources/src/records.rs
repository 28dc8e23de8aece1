//! The typed records each reader produces. Field names follow the publisher's columns; values are
//! already validated (dates parsed, numbers non-negative) so downstream code never re-checks them.
//!
//! `line`/`row` fields are 1-based positions in the source file (TSV/CSV line number counting the
//! header as line 1; XLSX row number as Excel shows it), kept so later stages can point a user at
//! the exact place a fact came from.

use chrono::NaiveDate;
use serde::Serialize;

/// One file's content, by kind.
#[derive(Debug, Clone)]
pub enum Parsed {
    Top10(Vec<ChartRow>),
    Countries(Vec<CountryRow>),
    MostPopular(Vec<MostPopularRow>),
    Engagement(EngagementReport),
    Tmdb(Vec<TmdbRow>),
    JustWatchTitles(Vec<JwTitle>),
    JustWatchCredits(Vec<JwCredit>),
    RegionFinance(RegionFinance),
}

impl Parsed {
    pub fn len(&self) -> usize {
        match self {
            Parsed::Top10(v) => v.len(),
            Parsed::Countries(v) => v.len(),
            Parsed::MostPopular(v) => v.len(),
            Parsed::Engagement(r) => r.rows.len(),
            Parsed::Tmdb(v) => v.len(),
            Parsed::JustWatchTitles(v) => v.len(),
            Parsed::JustWatchCredits(v) => v.len(),
            Parsed::RegionFinance(r) => r.figures.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A row of Netflix's global weekly Top 10 (`all-weeks-global.tsv`, either layout).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChartRow {
    pub line: usize,
    /// The Sunday that ends the Monday..Sunday chart week.
    pub week: NaiveDate,
    /// `Films (English)`, `Films (Non-English)`, `TV (English)`, `TV (Non-English)`.
    pub category: String,
    pub rank: u32,
    pub show_title: String,
    /// `None` where the file says `N/A` (films and single-season entries).
    pub season_title: Option<String>,
    pub hours: i64,
    /// Hours, as a decimal (`1.9667`); only in the newer layout and newer weeks.
    pub runtime: Option<f64>,
    pub views: Option<i64>,
    pub cumulative_weeks: u32,
}

/// A row of the per-country weekly Top 10 (ranks only).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountryRow {
    pub line: usize,
    pub country_name: String,
    pub country_iso2: String,
    pub week: NaiveDate,
    /// `Films` or `TV`.
    pub category: String,
    pub rank: u32,
    pub show_title: String,
    pub season_title: Option<String>,
    pub cumulative_weeks: u32,
}

/// A row of the all-time most-popular list (first 91 days).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MostPopularRow {
    pub line: usize,
    pub category: String,
    pub rank: u32,
    pub show_title: String,
    pub season_title: Option<String>,
    pub hours_first_91_days: i64,
    pub runtime: Option<f64>,
    pub views_first_91_days: Option<i64>,
}

/// Which sheet family an engagement row came from. 2023H1 has a single mixed sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EngagementKind {
    Tv,
    Film,
}

/// One semi-annual "What We Watched" report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EngagementReport {
    /// `2023H1` .. `2025H1`, read from the report's own subtitle ("Views from July to December 2023").
    pub period: String,
    pub rows: Vec<EngagementRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EngagementRow {
    pub sheet: String,
    /// Excel's 1-based row number.
    pub row: usize,
    /// `None` for the 2023H1 single sheet, which does not say.
    pub kind: Option<EngagementKind>,
    pub title: String,
    pub available_globally: bool,
    pub release_date: Option<NaiveDate>,
    pub hours: i64,
    /// `H:MM` in the file, kept as minutes.
    pub runtime_minutes: Option<u32>,
    pub views: Option<i64>,
}

/// A row of the TMDB status snapshot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TmdbRow {
    pub line: usize,
    pub name: String,
    pub number_of_seasons: u32,
    pub vote_count: u32,
    pub vote_average: f64,
    pub popularity: f64,
    pub network: String,
    pub first_air_date: Option<NaiveDate>,
    pub last_air_date: Option<NaiveDate>,
    /// `Returning Series`, `Ended`, `Canceled`, `Pilot`, `In Production` or `Planned` (TMDB's
    /// statuses; another value is refused).
    pub status: String,
    pub renewed: bool,
    pub show_duration_days: Option<i64>,
}

/// A row of JustWatch's Netflix US catalogue (`titles.csv`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JwTitle {
    pub line: usize,
    pub id: String,
    pub title: String,
    /// `SHOW` or `MOVIE`.
    pub kind: String,
    pub release_year: Option<i32>,
    pub age_certification: Option<String>,
    pub runtime_minutes: Option<u32>,
    pub genres: Vec<String>,
    pub production_countries: Vec<String>,
    pub seasons: Option<u32>,
    pub imdb_id: Option<String>,
    pub imdb_score: Option<f64>,
    pub imdb_votes: Option<u64>,
    pub tmdb_popularity: Option<f64>,
    pub tmdb_score: Option<f64>,
}

/// A row of JustWatch's `credits.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JwCredit {
    pub line: usize,
    pub person_id: i64,
    pub title_id: String,
    pub name: String,
    pub character: Option<String>,
    /// `ACTOR` or `DIRECTOR`.
    pub role: String,
}

/// One per-region yearly figures file (`arpu-by-region.csv`, `revenue-by-region.csv`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionFinance {
    /// What the figures are: the file's stem (`arpu-by-region`), since both files share a layout.
    pub metric: String,
    pub figures: Vec<RegionFigure>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionFigure {
    pub line: usize,
    pub year: i32,
    /// `US and Canada`, `EMEA`, `Latin America`, `Asia-Pacific`.
    pub region: String,
    pub value: f64,
}
