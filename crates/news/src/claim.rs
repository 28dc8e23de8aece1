//! One claim an article makes: one definition per claim kind, shared by the extractor, the
//! checker and every renderer (CLI text, `--json`, the API and the `/check` page).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Byte offsets into [`crate::Article::text`] (`start..end`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// A date as precise as the article gave it: `2024`, `2024-06` or `2024-06-27`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PartialDate {
    Year(i32),
    Month(i32, u32),
    Day(NaiveDate),
}

impl PartialDate {
    /// The first day of the stated period.
    pub fn start(self) -> Option<NaiveDate> {
        match self {
            PartialDate::Year(y) => NaiveDate::from_ymd_opt(y, 1, 1),
            PartialDate::Month(y, m) => NaiveDate::from_ymd_opt(y, m, 1),
            PartialDate::Day(d) => Some(d),
        }
    }

    /// Whether `date` falls inside the stated period (equal at the stated precision).
    pub fn contains(self, date: NaiveDate) -> bool {
        match self {
            PartialDate::Year(y) => date.year() == y,
            PartialDate::Month(y, m) => date.year() == y && date.month() == m,
            PartialDate::Day(d) => d == date,
        }
    }

    /// Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<PartialDate> {
        let parts: Vec<&str> = s.split('-').collect();
        match parts.as_slice() {
            [y] if y.len() == 4 => y.parse().ok().map(PartialDate::Year),
            [y, m] if y.len() == 4 && m.len() == 2 => {
                let (y, m) = (y.parse().ok()?, m.parse().ok()?);
                NaiveDate::from_ymd_opt(y, m, 1).map(|_| PartialDate::Month(y, m))
            }
            [_, _, _] => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .map(PartialDate::Day),
            _ => None,
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartialDate::Year(y) => write!(f, "{y:04}"),
            PartialDate::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            PartialDate::Day(d) => write!(f, "{}", d.format("%Y-%m-%d")),
        }
    }
}

impl Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PartialDate::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("`{s}` is not YYYY, YYYY-MM or YYYY-MM-DD"))
        })
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for PartialDate {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^\d{4}(-\d{2}(-\d{2})?)?$"))
            .description(Some(
                "A date at its stated precision: YYYY, YYYY-MM or YYYY-MM-DD",
            ))
            .into()
    }
}
#[cfg(feature = "openapi")]
impl utoipa::ToSchema for PartialDate {}

/// What a claim says, by kind. `stated` is the value as the article states it, normalised
/// (hours as a number, dates at their precision, names as written). The kinds and their fields
/// are those of the corpus keys (`tests/corpus/README.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Assertion {
    /// Renewed for season `stated` (the new season).
    Renewed {
        stated: u32,
        date: Option<PartialDate>,
    },
    /// Canceled after season `stated`.
    Canceled {
        stated: u32,
        date: Option<PartialDate>,
    },
    /// Season `stated` is the final season.
    FinalSeason {
        stated: u32,
    },
    /// A limited series (no further season by design).
    LimitedSeries {
        stated: bool,
    },
    /// A release date or window announced for the claim's season.
    ReleaseDate {
        stated: PartialDate,
    },
    /// The claim's season premiered on `stated`.
    Premiered {
        stated: PartialDate,
    },
    /// Hours viewed between `from` and `to` (inclusive).
    WindowHours {
        stated: u64,
        from: NaiveDate,
        to: NaiveDate,
    },
    /// Weeks in the Top 10.
    Top10Weeks {
        stated: u32,
    },
    /// Best Top 10 rank, optionally on a named list (`TV (Non-English)`).
    PeakRank {
        stated: u32,
        category: Option<String>,
    },
    /// Hours in an engagement report, `half` like `2023H1`.
    EngagementHours {
        stated: u64,
        half: String,
    },
    /// Views in an engagement report, `half` like `2023H2`.
    EngagementViews {
        stated: u64,
        half: String,
    },
    /// Seasons out so far.
    SeasonCount {
        stated: u32,
    },
    /// Episodes (of the claim's season, or of the series).
    EpisodeCount {
        stated: u32,
    },
    /// `person` plays the character `stated`.
    Cast {
        person: String,
        stated: String,
    },
    Director {
        stated: String,
    },
    Creator {
        stated: String,
    },
    /// Based on the work `stated` (a title or, when only the author is named, the author).
    SourceMaterial {
        stated: String,
        author: Option<String>,
    },
    Platform {
        stated: String,
    },
    /// Rotten Tomatoes percent.
    RottenTomatoes {
        stated: u32,
    },
    /// Metacritic score.
    Metacritic {
        stated: u32,
    },
}

impl Assertion {
    /// The kind's name, as in `--json` and the corpus keys.
    pub fn kind(&self) -> &'static str {
        match self {
            Assertion::Renewed { .. } => "renewed",
            Assertion::Canceled { .. } => "canceled",
            Assertion::FinalSeason { .. } => "final_season",
            Assertion::LimitedSeries { .. } => "limited_series",
            Assertion::ReleaseDate { .. } => "release_date",
            Assertion::Premiered { .. } => "premiered",
            Assertion::WindowHours { .. } => "window_hours",
            Assertion::Top10Weeks { .. } => "top10_weeks",
            Assertion::PeakRank { .. } => "peak_rank",
            Assertion::EngagementHours { .. } => "engagement_hours",
            Assertion::EngagementViews { .. } => "engagement_views",
            Assertion::SeasonCount { .. } => "season_count",
            Assertion::EpisodeCount { .. } => "episode_count",
            Assertion::Cast { .. } => "cast",
            Assertion::Director { .. } => "director",
            Assertion::Creator { .. } => "creator",
            Assertion::SourceMaterial { .. } => "source_material",
            Assertion::Platform { .. } => "platform",
            Assertion::RottenTomatoes { .. } => "rotten_tomatoes",
            Assertion::Metacritic { .. } => "metacritic",
        }
    }

    /// Decisions are what `read --commit` stores in the ledger.
    pub fn is_decision(&self) -> bool {
        matches!(
            self,
            Assertion::Renewed { .. }
                | Assertion::Canceled { .. }
                | Assertion::FinalSeason { .. }
                | Assertion::LimitedSeries { .. }
                | Assertion::ReleaseDate { .. }
                | Assertion::Premiered { .. }
        )
    }
}

/// One claim of one article.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Claim {
    /// Where in the article's text it was read.
    pub span: Span,
    /// The series' slug, as the store resolves it.
    pub series: String,
    /// The series' title, as the data spells it.
    pub title: String,
    /// The season the claim is about, where it names or implies one.
    pub season: Option<u32>,
    #[serde(flatten)]
    pub assertion: Assertion,
}
