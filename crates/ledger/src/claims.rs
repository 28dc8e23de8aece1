//! The claim model: one dated, sourced statement about a series, season or person.
//!
//! A claim is what *a source said*, not what is true: the ledger keeps every claim and lets
//! [`crate::derive`] decide which ones hold. So a claim records both when the event happened
//! (`event_date`) and when its source published it (`published`): point-in-time questions
//! ("what did we know on 2022-10-01?") filter on the second, decisions are dated by the first.
//!
//! The same flat shape is used in claims files (TOML/JSON, see `CLAIMS.md`), in the ledger table
//! and in `--json` output: [`RawClaim`] is that shape with every field optional, and
//! [`Claim::from_raw`] is the one place that checks it, so every way in refuses the same mistakes
//! with the same messages.

use crate::error::ClaimError;
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

/// The largest season number a claim may name.
pub const MAX_SEASON: u32 = 999;
use std::fmt;

/// Who said it. The order of the variants is the order of *standing* (see [`Standing`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// The platform itself (a Netflix press release, Tudum).
    Platform,
    /// The producers, studio, network or creator speaking officially.
    Official,
    /// Trade press (Deadline, Variety, The Hollywood Reporter...).
    TradePress,
    /// A published dataset (Netflix Top 10, engagement reports, TMDB, JustWatch).
    Dataset,
    /// Fan sites, aggregators and entertainment-news sites that repeat others.
    #[serde(alias = "aggregator", alias = "fan_or_aggregator")]
    FanSite,
}

/// How much a source's word counts when claims disagree. Higher wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    FanSite = 1,
    Dataset = 2,
    TradePress = 3,
    /// Platform and official statements rank together: both are the decision-makers speaking.
    Official = 4,
}

impl SourceKind {
    pub fn standing(self) -> Standing {
        match self {
            SourceKind::Platform | SourceKind::Official => Standing::Official,
            SourceKind::TradePress => Standing::TradePress,
            SourceKind::Dataset => Standing::Dataset,
            SourceKind::FanSite => Standing::FanSite,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Platform => "platform",
            SourceKind::Official => "official",
            SourceKind::TradePress => "trade_press",
            SourceKind::Dataset => "dataset",
            SourceKind::FanSite => "fan_site",
        }
    }
    fn parse(s: &str) -> Option<SourceKind> {
        Some(match s {
            "platform" => SourceKind::Platform,
            "official" => SourceKind::Official,
            "trade_press" => SourceKind::TradePress,
            "dataset" => SourceKind::Dataset,
            "fan_site" | "aggregator" | "fan_or_aggregator" => SourceKind::FanSite,
            _ => return None,
        })
    }
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Official => "platform/official",
            Standing::TradePress => "trade press",
            Standing::Dataset => "dataset",
            Standing::FanSite => "fan site",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub kind: SourceKind,
}

/// Whether `event_date` is the day it happened or only a latest possible day (data evidence:
/// a season charting in the week ending 2022-08-28 premiered on that day *at the latest*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatePrecision {
    #[default]
    Exact,
    NoLaterThan,
    /// Computed, never typed: an undated claim dated by its publication (a decision *reported*
    /// by that day, as a catalogue snapshot reports a cancellation). Claims files refuse it.
    ReportedBy,
}

impl DatePrecision {
    pub fn is_exact(&self) -> bool {
        *self == DatePrecision::Exact
    }
    /// The words a date is shown with, so no place shows it more precisely than known: "on D"
    /// (exact), "by D" (a bound), "reported by D" (an undated claim dated by its report).
    pub fn phrase(self, date: NaiveDate) -> String {
        match self {
            DatePrecision::Exact => format!("on {date}"),
            DatePrecision::NoLaterThan => format!("by {date}"),
            DatePrecision::ReportedBy => format!("reported by {date}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CastTier {
    Lead,
    Regular,
    Recurring,
    Guest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrewRole {
    Creator,
    Showrunner,
    ExecutiveProducer,
    /// "Produced by", when the source does not say executive producer.
    Producer,
    Director,
    Writer,
    Consultant,
}

impl CrewRole {
    pub fn as_str(self) -> &'static str {
        match self {
            CrewRole::Creator => "creator",
            CrewRole::Showrunner => "showrunner",
            CrewRole::ExecutiveProducer => "executive_producer",
            CrewRole::Producer => "producer",
            CrewRole::Director => "director",
            CrewRole::Writer => "writer",
            CrewRole::Consultant => "consultant",
        }
    }
}

/// What a claim says, by kind. Subject fields (series, season, person) live on [`Claim`].
#[derive(Debug, Clone, PartialEq)]
pub enum ClaimValue {
    /// The platform ordered the series (season 1).
    SeriesOrdered {
        platform: Option<String>,
        episode_count: Option<u32>,
    },
    /// Season `season` was renewed (i.e. the show was renewed for that season).
    SeasonRenewed {
        platform: Option<String>,
    },
    SeasonOrdered {
        platform: Option<String>,
        episode_count: Option<u32>,
    },
    /// Season `season` premiered on `event_date` on `platform`.
    Premiered {
        platform: String,
    },
    /// A release date for season `season` was announced on `event_date`.
    ReleaseDateAnnounced {
        release_date: NaiveDate,
        platform: Option<String>,
    },
    /// Canceled after season `season`.
    Canceled {
        platform: Option<String>,
    },
    /// Ended as planned; `season` was the final season.
    Ended,
    /// Made as a limited series: one season by design.
    LimitedSeries {
        platform: Option<String>,
    },
    EpisodeCount {
        episodes: u32,
    },
    Cast {
        character: Option<String>,
        tier: CastTier,
    },
    /// `episodes` is free text (`1-2`, `3, 5`), as sources give it.
    Crew {
        role: CrewRole,
        episodes: Option<String>,
    },
    ProductionCompany {
        company: String,
    },
    FilmingLocation {
        location: String,
    },
    SourceMaterial {
        work: String,
        author: String,
        year: Option<i32>,
    },
    TrailerReleased {
        url: String,
    },
    /// A storyline left open at the end of a season (for outlooks).
    StorylineOpen {
        text: String,
    },
    /// A stated viewing figure: hours in `[from, to]`, and/or a chart rank in the week ending `week`.
    ViewingFigure {
        hours: Option<u64>,
        /// How far the stated hours may be from the chart's sum and still match (default: the
        /// chart's own rounding, see [`crate::derive`]).
        tolerance: Option<u64>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        rank: Option<u32>,
        week: Option<NaiveDate>,
        category: Option<String>,
        region: Option<String>,
    },
    Genre {
        value: String,
    },
    OriginalLanguage {
        value: String,
    },
    CountryOfOrigin {
        value: String,
    },
    Network {
        value: String,
    },
    /// A Rotten Tomatoes Tomatometer as stated: percent positive of `reviews`, average /10.
    RottenTomatoes {
        percent: u8,
        reviews: u32,
        average: Option<f64>,
    },
    /// One critic review as Rotten Tomatoes counts it (`person` is the critic).
    RtReview {
        fresh: bool,
        score: Option<f64>,
        outlet: Option<String>,
    },
    /// A Metacritic Metascore as stated.
    Metacritic {
        score: u8,
        critics: u32,
    },
    /// One critic's Metacritic score, 0-100 (`person` is the critic).
    MetacriticReview {
        score: u8,
        outlet: Option<String>,
    },
    /// An audience score on `site`, `score` out of `scale`.
    AudienceScore {
        site: String,
        score: f64,
        scale: f64,
        votes: Option<u32>,
    },
}

/// Every claim kind's name as written in files, for messages and the schema doc.
pub const KINDS: &[&str] = &[
    "series_ordered",
    "season_renewed",
    "season_ordered",
    "premiered",
    "release_date_announced",
    "canceled",
    "ended",
    "limited_series",
    "episode_count",
    "cast",
    "crew",
    "production_company",
    "filming_location",
    "source_material",
    "trailer_released",
    "storyline_open",
    "viewing_figure",
    "genre",
    "original_language",
    "country_of_origin",
    "network",
    "rotten_tomatoes",
    "rt_review",
    "metacritic",
    "metacritic_review",
    "audience_score",
];

impl ClaimValue {
    pub fn kind(&self) -> &'static str {
        match self {
            ClaimValue::SeriesOrdered { .. } => "series_ordered",
            ClaimValue::SeasonRenewed { .. } => "season_renewed",
            ClaimValue::SeasonOrdered { .. } => "season_ordered",
            ClaimValue::Premiered { .. } => "premiered",
            ClaimValue::ReleaseDateAnnounced { .. } => "release_date_announced",
            ClaimValue::Canceled { .. } => "canceled",
            ClaimValue::Ended => "ended",
            ClaimValue::LimitedSeries { .. } => "limited_series",
            ClaimValue::EpisodeCount { .. } => "episode_count",
            ClaimValue::Cast { .. } => "cast",
            ClaimValue::Crew { .. } => "crew",
            ClaimValue::ProductionCompany { .. } => "production_company",
            ClaimValue::FilmingLocation { .. } => "filming_location",
            ClaimValue::SourceMaterial { .. } => "source_material",
            ClaimValue::TrailerReleased { .. } => "trailer_released",
            ClaimValue::StorylineOpen { .. } => "storyline_open",
            ClaimValue::ViewingFigure { .. } => "viewing_figure",
            ClaimValue::Genre { .. } => "genre",
            ClaimValue::OriginalLanguage { .. } => "original_language",
            ClaimValue::CountryOfOrigin { .. } => "country_of_origin",
            ClaimValue::Network { .. } => "network",
            ClaimValue::RottenTomatoes { .. } => "rotten_tomatoes",
            ClaimValue::RtReview { .. } => "rt_review",
            ClaimValue::Metacritic { .. } => "metacritic",
            ClaimValue::MetacriticReview { .. } => "metacritic_review",
            ClaimValue::AudienceScore { .. } => "audience_score",
        }
    }
}

/// The rules per kind: which subject fields it needs, which value fields it takes, whether its
/// event is in the past tense (so cannot be dated after its source published it).
struct KindRule {
    season: Need,
    person: Need,
    event_date: Need,
    past_tense: bool,
    /// Kind-specific fields this kind accepts (required ones are checked when converting).
    fields: &'static [&'static str],
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    Required,
    Optional,
    Forbidden,
}
use Need::{Forbidden, Optional, Required};

fn rule(kind: &str) -> Option<KindRule> {
    let r = |season, person, event_date, past_tense, fields| KindRule {
        season,
        person,
        event_date,
        past_tense,
        fields,
    };
    Some(match kind {
        "series_ordered" => r(
            Forbidden,
            Forbidden,
            Optional,
            true,
            &["platform", "episode_count"],
        ),
        "season_renewed" => r(Required, Forbidden, Optional, true, &["platform"]),
        "season_ordered" => r(
            Required,
            Forbidden,
            Optional,
            true,
            &["platform", "episode_count"],
        ),
        "premiered" => r(Required, Forbidden, Required, true, &["platform"]),
        "release_date_announced" => r(
            Required,
            Forbidden,
            Optional,
            true,
            &["release_date", "platform"],
        ),
        "canceled" => r(Required, Forbidden, Optional, true, &["platform"]),
        "ended" => r(Required, Forbidden, Optional, true, &[]),
        "limited_series" => r(Forbidden, Forbidden, Optional, true, &["platform"]),
        "episode_count" => r(Required, Forbidden, Optional, false, &["episode_count"]),
        "cast" => r(Optional, Required, Optional, true, &["character", "tier"]),
        "crew" => r(Optional, Required, Optional, true, &["role", "episodes"]),
        "production_company" => r(Optional, Forbidden, Optional, false, &["company"]),
        "filming_location" => r(Optional, Forbidden, Optional, false, &["location"]),
        "source_material" => r(
            Forbidden,
            Forbidden,
            Optional,
            false,
            &["work", "author", "year"],
        ),
        "trailer_released" => r(Required, Forbidden, Required, true, &["url"]),
        "storyline_open" => r(Optional, Forbidden, Optional, false, &["text"]),
        "viewing_figure" => r(
            Optional,
            Forbidden,
            Optional,
            true,
            &[
                "hours",
                "tolerance",
                "from",
                "to",
                "rank",
                "week",
                "category",
                "region",
            ],
        ),
        "genre" | "original_language" | "country_of_origin" | "network" => {
            r(Forbidden, Forbidden, Optional, false, &["value"])
        }
        "rotten_tomatoes" => r(
            Optional,
            Forbidden,
            Optional,
            true,
            &["percent", "reviews", "average"],
        ),
        "rt_review" => r(
            Optional,
            Required,
            Optional,
            true,
            &["fresh", "score", "outlet"],
        ),
        "metacritic" => r(Optional, Forbidden, Optional, true, &["score", "critics"]),
        "metacritic_review" => r(Optional, Required, Optional, true, &["score", "outlet"]),
        "audience_score" => r(
            Optional,
            Forbidden,
            Optional,
            true,
            &["site", "score", "scale", "votes"],
        ),
        _ => return None,
    })
}

/// One claim, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// The series: any spelling when given, its slug once stored.
    pub series: String,
    pub season: Option<u32>,
    pub person: Option<String>,
    pub value: ClaimValue,
    /// When the event happened; `None` for timeless facts or when the source does not say.
    pub event_date: Option<NaiveDate>,
    pub date_precision: DatePrecision,
    /// When the source published it. Point-in-time evaluation filters on this.
    pub published: NaiveDate,
    pub source: Source,
    pub entered_by: String,
    /// Free text: what exactly the source said, caveats. Not part of the claim's identity.
    pub note: Option<String>,
}

impl Claim {
    pub fn kind(&self) -> &'static str {
        self.value.kind()
    }
    pub fn standing(&self) -> Standing {
        self.source.kind.standing()
    }
    /// The day the claim is dated by: its event, or else its publication.
    pub fn date(&self) -> NaiveDate {
        self.event_date.unwrap_or(self.published)
    }
}

/// A claim as written: every field optional, so that a missing field is reported by
/// [`Claim::from_raw`] with the field's name rather than by a generic parse error.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClaim {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub season: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_date"
    )]
    pub event_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_precision: Option<DatePrecision>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_date"
    )]
    pub published: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<RawSource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    // Kind-specific fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub episode_count: Option<u32>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_date"
    )]
    pub release_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub character: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<CastTier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<CrewRole>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub episodes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<u64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_date"
    )]
    pub from: Option<NaiveDate>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_date"
    )]
    pub to: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_date"
    )]
    pub week: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviews: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fresh: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub critics: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub votes: Option<u32>,
}

/// Every field name a claim may carry, for unknown-field messages.
pub const FIELDS: &[&str] = &[
    "kind",
    "series",
    "season",
    "person",
    "event_date",
    "date_precision",
    "published",
    "source",
    "entered_by",
    "note",
    "platform",
    "episode_count",
    "release_date",
    "character",
    "tier",
    "role",
    "episodes",
    "company",
    "location",
    "work",
    "author",
    "year",
    "url",
    "text",
    "hours",
    "tolerance",
    "from",
    "to",
    "rank",
    "week",
    "category",
    "region",
    "value",
    "percent",
    "reviews",
    "average",
    "fresh",
    "score",
    "critics",
    "outlet",
    "site",
    "scale",
    "votes",
];

const COMMON: &[&str] = &[
    "kind",
    "series",
    "season",
    "person",
    "event_date",
    "date_precision",
    "published",
    "source",
    "entered_by",
    "note",
];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// Accepts `"2022-08-26"` (JSON, TOML string) and a TOML date literal (`2022-08-26`), which the
/// file reader hands over as its text. Anything with a time of day is refused: claims are dated
/// to the day.
fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = Option<NaiveDate>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a date as YYYY-MM-DD")
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
            parse_date(s).map(Some).map_err(E::custom)
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

/// Parses a claim date (`YYYY-MM-DD`), with a message that says what was wrong.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let t = s.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .filter(|_| t.len() == 10)
        .ok_or_else(|| format!("{s:?} is not a date (YYYY-MM-DD)"))
}

fn need<T>(v: Option<T>, field: &str, kind: &str) -> Result<T, ClaimError> {
    v.ok_or_else(|| {
        ClaimError::new(
            Some(field),
            format!("missing: a {kind} claim needs `{field}`"),
        )
    })
}

fn text(v: Option<String>, field: &str, kind: &str) -> Result<String, ClaimError> {
    let s = need(v, field, kind)?;
    let t = s.trim();
    if t.is_empty() {
        return Err(ClaimError::new(Some(field), "is empty"));
    }
    Ok(t.to_string())
}

fn opt_text(v: Option<String>, field: &str) -> Result<Option<String>, ClaimError> {
    match v {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Err(ClaimError::new(
            Some(field),
            "is empty (leave it out instead)",
        )),
        Some(s) => Ok(Some(s.trim().to_string())),
    }
}

/// The earliest date a claim may carry; anything before is a typo (`0222-08-26`).
fn min_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default()
}

impl Claim {
    /// Checks a written claim: required fields per kind, fields that don't belong to the kind,
    /// ranges, and the one temporal rule a single claim can break on its own — a past-tense event
    /// (premiered, canceled, renewed, cast announced...) dated after its source published it.
    /// `today` bounds publication dates (a source cannot have published in the future).
    /// The series is not resolved here (that needs the store): see `crate::ledger`.
    pub fn from_raw(raw: RawClaim, today: NaiveDate) -> Result<Claim, ClaimError> {
        let kind = need(raw.kind.clone(), "kind", "").map_err(|_| {
            ClaimError::new(
                Some("kind"),
                format!(
                    "missing: every claim needs a `kind` (one of {})",
                    KINDS.join(", ")
                ),
            )
        })?;
        let rule = rule(&kind).ok_or_else(|| {
            let hint = suggest(&kind, KINDS)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            ClaimError::new(
                Some("kind"),
                format!(
                    "unknown kind {kind:?}{hint}; kinds are {}",
                    KINDS.join(", ")
                ),
            )
        })?;
        let k = kind.as_str();
        // Fields that don't belong to the kind are refused, not ignored: a `season` on a
        // `limited_series` claim or a `character` on a `canceled` one means the claim is not
        // what its author thinks it is.
        let present = present_fields(&raw);
        for f in present {
            let ok = match f {
                "season" => rule.season != Forbidden,
                "person" => rule.person != Forbidden,
                f if COMMON.contains(&f) => true,
                f => rule.fields.contains(&f),
            };
            if !ok {
                return Err(ClaimError::new(
                    Some(f),
                    format!("does not apply to a {k} claim"),
                ));
            }
        }
        let series = text(raw.series, "series", k)?;
        let season = match (rule.season, raw.season) {
            (Required, None) => return Err(need::<u32>(None, "season", k).unwrap_err()),
            (_, Some(0)) => {
                return Err(ClaimError::new(
                    Some("season"),
                    "season 0 does not exist: seasons are numbered from 1",
                ))
            }
            // No real series has run past a few dozen seasons; a larger number is a typo, and
            // refusing it keeps `season + 1` arithmetic everywhere downstream safe.
            (_, Some(n)) if n > MAX_SEASON => {
                return Err(ClaimError::new(
                    Some("season"),
                    format!("season {n} is not plausible (at most {MAX_SEASON})"),
                ))
            }
            (_, s) => s,
        };
        let person = match rule.person {
            Required => Some(text(raw.person, "person", k)?),
            _ => opt_text(raw.person, "person")?,
        };
        if rule.event_date == Required && raw.event_date.is_none() {
            let what = match k {
                "premiered" => "the premiere date",
                "trailer_released" => "the day the trailer came out",
                _ => "the date it happened",
            };
            return Err(ClaimError::new(
                Some("event_date"),
                format!("missing: a {k} claim needs `event_date` ({what})"),
            ));
        }
        let published = need(raw.published, "published", k)?;
        let raw_source = need(raw.source, "source", k)?;
        let source = Source {
            name: text(raw_source.name, "source.name", k)?,
            url: opt_text(raw_source.url, "source.url")?,
            kind: {
                let s = need(raw_source.kind, "source.kind", k)?;
                SourceKind::parse(s.trim()).ok_or_else(|| {
                    ClaimError::new(
                        Some("source.kind"),
                        format!("unknown source kind {s:?}; one of platform, official, trade_press, dataset, fan_site"),
                    )
                })?
            },
        };
        let entered_by = text(raw.entered_by, "entered_by", k)?;
        for (field, d) in [
            ("event_date", raw.event_date),
            ("published", Some(published)),
        ] {
            if let Some(d) = d {
                if d < min_date() {
                    return Err(ClaimError::new(
                        Some(field),
                        format!("{d} is before 1900; a typo?"),
                    ));
                }
            }
        }
        if published > today {
            return Err(ClaimError::new(
                Some("published"),
                format!("{published} is in the future (today is {today}); a source cannot have published yet"),
            ));
        }
        if rule.past_tense {
            if let Some(e) = raw.event_date {
                if e > published {
                    return Err(ClaimError::new(
                        Some("event_date"),
                        format!(
                            "a {k} event dated {e} is after its source published it on {published}: a source cannot report \
                             what has not happened yet (for a future date use release_date_announced)"
                        ),
                    ));
                }
            }
        }
        let value = match k {
            "series_ordered" => ClaimValue::SeriesOrdered {
                platform: opt_text(raw.platform, "platform")?,
                episode_count: positive(raw.episode_count, "episode_count")?,
            },
            "season_renewed" => ClaimValue::SeasonRenewed {
                platform: opt_text(raw.platform, "platform")?,
            },
            "season_ordered" => ClaimValue::SeasonOrdered {
                platform: opt_text(raw.platform, "platform")?,
                episode_count: positive(raw.episode_count, "episode_count")?,
            },
            "premiered" => ClaimValue::Premiered {
                platform: text(raw.platform, "platform", k)?,
            },
            "release_date_announced" => ClaimValue::ReleaseDateAnnounced {
                release_date: need(raw.release_date, "release_date", k)?,
                platform: opt_text(raw.platform, "platform")?,
            },
            "canceled" => ClaimValue::Canceled {
                platform: opt_text(raw.platform, "platform")?,
            },
            "ended" => ClaimValue::Ended,
            "limited_series" => ClaimValue::LimitedSeries {
                platform: opt_text(raw.platform, "platform")?,
            },
            "episode_count" => ClaimValue::EpisodeCount {
                episodes: positive(
                    Some(need(raw.episode_count, "episode_count", k)?),
                    "episode_count",
                )?
                .unwrap_or(1),
            },
            "cast" => ClaimValue::Cast {
                character: opt_text(raw.character, "character")?,
                tier: need(raw.tier, "tier", k)?,
            },
            "crew" => ClaimValue::Crew {
                role: need(raw.role, "role", k)?,
                episodes: opt_text(raw.episodes, "episodes")?,
            },
            "production_company" => ClaimValue::ProductionCompany {
                company: text(raw.company, "company", k)?,
            },
            "filming_location" => ClaimValue::FilmingLocation {
                location: text(raw.location, "location", k)?,
            },
            "source_material" => {
                if let Some(y) = raw.year {
                    if !(1000..=2200).contains(&y) {
                        return Err(ClaimError::new(
                            Some("year"),
                            format!("{y} is not a plausible year"),
                        ));
                    }
                }
                ClaimValue::SourceMaterial {
                    work: text(raw.work, "work", k)?,
                    author: text(raw.author, "author", k)?,
                    year: raw.year,
                }
            }
            "trailer_released" => ClaimValue::TrailerReleased {
                url: text(raw.url, "url", k)?,
            },
            "storyline_open" => ClaimValue::StorylineOpen {
                text: text(raw.text, "text", k)?,
            },
            "viewing_figure" => {
                let has_hours = raw.hours.is_some();
                let has_rank = raw.rank.is_some();
                if !has_hours && !has_rank {
                    return Err(ClaimError::new(
                        Some("hours"),
                        "missing: a viewing_figure claim needs `hours` (with `from` and `to`) or `rank` (with `week`)",
                    ));
                }
                if has_hours {
                    let from = need(raw.from, "from", k)?;
                    let to = need(raw.to, "to", k)?;
                    if from > to {
                        return Err(ClaimError::new(
                            Some("from"),
                            format!("{from} is after `to` {to}"),
                        ));
                    }
                    if to > published {
                        return Err(ClaimError::new(
                            Some("to"),
                            format!("the window ends {to}, after the source published the figure on {published}"),
                        ));
                    }
                    if raw.hours == Some(0) {
                        return Err(ClaimError::new(Some("hours"), "must be positive"));
                    }
                } else if raw.from.is_some() || raw.to.is_some() {
                    return Err(ClaimError::new(
                        Some("hours"),
                        "missing: `from`/`to` bound a number of `hours`",
                    ));
                }
                if has_rank {
                    let week = need(raw.week, "week", k)?;
                    if raw.rank == Some(0) {
                        return Err(ClaimError::new(Some("rank"), "ranks start at 1"));
                    }
                    if week > published {
                        return Err(ClaimError::new(
                            Some("week"),
                            format!("the week ending {week} is after the source published the rank on {published}"),
                        ));
                    }
                } else if raw.week.is_some() {
                    return Err(ClaimError::new(
                        Some("rank"),
                        "missing: `week` goes with a `rank`",
                    ));
                }
                if raw.tolerance.is_some() && !has_hours {
                    return Err(ClaimError::new(
                        Some("tolerance"),
                        "only applies to `hours`",
                    ));
                }
                ClaimValue::ViewingFigure {
                    hours: raw.hours,
                    tolerance: raw.tolerance,
                    from: raw.from,
                    to: raw.to,
                    rank: raw.rank,
                    week: raw.week,
                    category: opt_text(raw.category, "category")?,
                    region: opt_text(raw.region, "region")?,
                }
            }
            "genre" => ClaimValue::Genre {
                value: text(raw.value, "value", k)?,
            },
            "original_language" => ClaimValue::OriginalLanguage {
                value: text(raw.value, "value", k)?,
            },
            "country_of_origin" => ClaimValue::CountryOfOrigin {
                value: text(raw.value, "value", k)?,
            },
            "network" => ClaimValue::Network {
                value: text(raw.value, "value", k)?,
            },
            "rotten_tomatoes" => {
                let percent = need(raw.percent, "percent", k)?;
                if percent > 100 {
                    return Err(ClaimError::new(
                        Some("percent"),
                        format!("{percent} is above 100"),
                    ));
                }
                let reviews = need(raw.reviews, "reviews", k)?;
                if reviews == 0 {
                    return Err(ClaimError::new(
                        Some("reviews"),
                        "a Tomatometer needs at least one review",
                    ));
                }
                ClaimValue::RottenTomatoes {
                    percent: percent as u8,
                    reviews,
                    average: out_of(raw.average, "average", 10.0)?,
                }
            }
            "rt_review" => ClaimValue::RtReview {
                fresh: need(raw.fresh, "fresh", k)?,
                score: out_of(raw.score, "score", 10.0)?,
                outlet: opt_text(raw.outlet, "outlet")?,
            },
            "metacritic" => {
                let critics = need(raw.critics, "critics", k)?;
                if critics == 0 {
                    return Err(ClaimError::new(
                        Some("critics"),
                        "a Metascore needs at least one critic",
                    ));
                }
                ClaimValue::Metacritic {
                    score: score_100(need(raw.score, "score", k)?)?,
                    critics,
                }
            }
            "metacritic_review" => ClaimValue::MetacriticReview {
                score: score_100(need(raw.score, "score", k)?)?,
                outlet: opt_text(raw.outlet, "outlet")?,
            },
            "audience_score" => {
                let scale = need(raw.scale, "scale", k)?;
                if !(scale.is_finite() && scale > 0.0) {
                    return Err(ClaimError::new(
                        Some("scale"),
                        "must be positive (e.g. 100 or 10)",
                    ));
                }
                let score = need(out_of(raw.score, "score", scale)?, "score", k)?;
                ClaimValue::AudienceScore {
                    site: text(raw.site, "site", k)?,
                    score,
                    scale,
                    votes: raw.votes,
                }
            }
            _ => unreachable_kind(k)?,
        };
        if raw.date_precision == Some(DatePrecision::ReportedBy) {
            return Err(ClaimError::new(
                Some("date_precision"),
                "`reported_by` is computed by greenlight for undated claims; write `exact` or `no_later_than`",
            ));
        }
        Ok(Claim {
            series,
            season,
            person,
            value,
            event_date: raw.event_date,
            date_precision: raw.date_precision.unwrap_or_default(),
            published,
            source,
            entered_by,
            note: opt_text(raw.note, "note")?,
        })
    }

    /// The written form (the inverse of [`Claim::from_raw`]).
    pub fn to_raw(&self) -> RawClaim {
        let mut r = RawClaim {
            kind: Some(self.kind().to_string()),
            series: Some(self.series.clone()),
            season: self.season,
            person: self.person.clone(),
            event_date: self.event_date,
            date_precision: (!self.date_precision.is_exact()).then_some(self.date_precision),
            published: Some(self.published),
            source: Some(RawSource {
                name: Some(self.source.name.clone()),
                url: self.source.url.clone(),
                kind: Some(self.source.kind.as_str().to_string()),
            }),
            entered_by: Some(self.entered_by.clone()),
            note: self.note.clone(),
            ..RawClaim::default()
        };
        match &self.value {
            ClaimValue::SeriesOrdered {
                platform,
                episode_count,
            }
            | ClaimValue::SeasonOrdered {
                platform,
                episode_count,
            } => {
                r.platform = platform.clone();
                r.episode_count = *episode_count;
            }
            ClaimValue::SeasonRenewed { platform }
            | ClaimValue::Canceled { platform }
            | ClaimValue::LimitedSeries { platform } => r.platform = platform.clone(),
            ClaimValue::Premiered { platform } => r.platform = Some(platform.clone()),
            ClaimValue::ReleaseDateAnnounced {
                release_date,
                platform,
            } => {
                r.release_date = Some(*release_date);
                r.platform = platform.clone();
            }
            ClaimValue::Ended => {}
            ClaimValue::EpisodeCount { episodes } => r.episode_count = Some(*episodes),
            ClaimValue::Cast { character, tier } => {
                r.character = character.clone();
                r.tier = Some(*tier);
            }
            ClaimValue::Crew { role, episodes } => {
                r.role = Some(*role);
                r.episodes = episodes.clone();
            }
            ClaimValue::ProductionCompany { company } => r.company = Some(company.clone()),
            ClaimValue::FilmingLocation { location } => r.location = Some(location.clone()),
            ClaimValue::SourceMaterial { work, author, year } => {
                r.work = Some(work.clone());
                r.author = Some(author.clone());
                r.year = *year;
            }
            ClaimValue::TrailerReleased { url } => r.url = Some(url.clone()),
            ClaimValue::StorylineOpen { text } => r.text = Some(text.clone()),
            ClaimValue::ViewingFigure {
                hours,
                tolerance,
                from,
                to,
                rank,
                week,
                category,
                region,
            } => {
                r.hours = *hours;
                r.tolerance = *tolerance;
                r.from = *from;
                r.to = *to;
                r.rank = *rank;
                r.week = *week;
                r.category = category.clone();
                r.region = region.clone();
            }
            ClaimValue::Genre { value }
            | ClaimValue::OriginalLanguage { value }
            | ClaimValue::CountryOfOrigin { value }
            | ClaimValue::Network { value } => r.value = Some(value.clone()),
            ClaimValue::RottenTomatoes {
                percent,
                reviews,
                average,
            } => {
                r.percent = Some(u32::from(*percent));
                r.reviews = Some(*reviews);
                r.average = *average;
            }
            ClaimValue::RtReview {
                fresh,
                score,
                outlet,
            } => {
                r.fresh = Some(*fresh);
                r.score = *score;
                r.outlet = outlet.clone();
            }
            ClaimValue::Metacritic { score, critics } => {
                r.score = Some(f64::from(*score));
                r.critics = Some(*critics);
            }
            ClaimValue::MetacriticReview { score, outlet } => {
                r.score = Some(f64::from(*score));
                r.outlet = outlet.clone();
            }
            ClaimValue::AudienceScore {
                site,
                score,
                scale,
                votes,
            } => {
                r.site = Some(site.clone());
                r.score = Some(*score);
                r.scale = Some(*scale);
                r.votes = *votes;
            }
        }
        r
    }

    /// The claim's identity: a hash of everything it says, except who typed it and the note.
    /// Two people entering the same statement from the same source make one claim, and
    /// re-importing a file adds nothing. The series must already be canonical (its slug).
    pub fn content_hash(&self) -> String {
        let mut raw = self.to_raw();
        raw.entered_by = None;
        raw.note = None;
        // Serialising a struct of strings, numbers and dates cannot fail; an empty string would
        // still hash deterministically.
        let canonical = serde_json::to_string(&raw).unwrap_or_default();
        fnv1a_128(canonical.as_bytes())
    }

    /// One line a person can read: "Canceled after season 1", "Premiered season 1 on Netflix".
    pub fn summary(&self) -> String {
        let s = |n: Option<u32>| {
            n.map(|n| format!("season {n}"))
                .unwrap_or_else(|| "the series".into())
        };
        let on = |p: &Option<String>| p.as_ref().map(|p| format!(" ({p})")).unwrap_or_default();
        let who = self.person.clone().unwrap_or_default();
        let date = self
            .event_date
            .map(|d| format!(" {}", self.date_precision.phrase(d)))
            .unwrap_or_default();
        match &self.value {
            ClaimValue::SeriesOrdered {
                platform,
                episode_count,
            } => format!(
                "Series ordered{}{}{date}",
                on(platform),
                episode_count
                    .map(|n| format!(" ({n} episodes)"))
                    .unwrap_or_default()
            ),
            ClaimValue::SeasonRenewed { platform } => {
                format!("Renewed for {}{}{date}", s(self.season), on(platform))
            }
            ClaimValue::SeasonOrdered { platform, .. } => {
                format!("{} ordered{}{date}", cap(&s(self.season)), on(platform))
            }
            ClaimValue::Premiered { platform } => {
                format!("{} premiered on {platform}{date}", cap(&s(self.season)))
            }
            ClaimValue::ReleaseDateAnnounced { release_date, .. } => {
                format!(
                    "{} release date announced: {release_date}{}",
                    cap(&s(self.season)),
                    date.replace(" on ", " (announced ")
                        .replace(" by ", " (announced by ")
                ) + if date.is_empty() { "" } else { ")" }
            }
            ClaimValue::Canceled { platform } => {
                format!("Canceled after {}{}{date}", s(self.season), on(platform))
            }
            ClaimValue::Ended => format!("Final season: {}{date}", s(self.season)),
            ClaimValue::LimitedSeries { .. } => {
                format!("Limited series (one season by design){date}")
            }
            ClaimValue::EpisodeCount { episodes } => {
                format!("{} has {episodes} episodes", cap(&s(self.season)))
            }
            ClaimValue::Cast { character, tier } => format!(
                "Cast: {who}{} ({}){}",
                character
                    .as_ref()
                    .map(|c| format!(" as {c}"))
                    .unwrap_or_default(),
                format!("{tier:?}").to_lowercase(),
                self.event_date
                    .map(|d| format!(", announced {d}"))
                    .unwrap_or_default()
            ),
            ClaimValue::Crew { role, episodes } => format!(
                "Crew: {who}, {}{}",
                role.as_str().replace('_', " "),
                episodes
                    .as_ref()
                    .map(|e| format!(" (episodes {e})"))
                    .unwrap_or_default()
            ),
            ClaimValue::ProductionCompany { company } => format!("Production company: {company}"),
            ClaimValue::FilmingLocation { location } => format!("Filmed in {location}"),
            ClaimValue::SourceMaterial { work, author, year } => format!(
                "Based on {work} by {author}{}",
                year.map(|y| format!(" ({y})")).unwrap_or_default()
            ),
            ClaimValue::TrailerReleased { url } => {
                format!("Trailer for {} released{date}: {url}", s(self.season))
            }
            ClaimValue::StorylineOpen { text } => format!("Open storyline: {text}"),
            ClaimValue::ViewingFigure {
                hours,
                from,
                to,
                rank,
                week,
                region,
                ..
            } => {
                let mut parts = Vec::new();
                if let (Some(h), Some(f), Some(t)) = (hours, from, to) {
                    parts.push(format!("{} hours viewed {f}..{t}", group_thousands(*h)));
                }
                if let (Some(r), Some(w)) = (rank, week) {
                    parts.push(format!("rank {r} in the week ending {w}"));
                }
                format!(
                    "Viewing ({}{}): {}",
                    s(self.season),
                    region
                        .as_ref()
                        .map(|r| format!(", {r}"))
                        .unwrap_or_default(),
                    parts.join("; ")
                )
            }
            ClaimValue::Genre { value } => format!("Genre: {value}"),
            ClaimValue::OriginalLanguage { value } => format!("Original language: {value}"),
            ClaimValue::CountryOfOrigin { value } => format!("Country of origin: {value}"),
            ClaimValue::Network { value } => format!("Network: {value}"),
            ClaimValue::RottenTomatoes {
                percent,
                reviews,
                average,
            } => format!(
                "Rotten Tomatoes: {percent}% of {reviews} reviews positive{}",
                average
                    .map(|a| format!(", average {a}/10"))
                    .unwrap_or_default()
            ),
            ClaimValue::RtReview { fresh, score, .. } => format!(
                "Rotten Tomatoes review by {who}: {}{}",
                if *fresh { "fresh" } else { "rotten" },
                score.map(|s| format!(", {s}/10")).unwrap_or_default()
            ),
            ClaimValue::Metacritic { score, critics } => {
                format!("Metacritic: {score} from {critics} critics")
            }
            ClaimValue::MetacriticReview { score, .. } => {
                format!("Metacritic review by {who}: {score}")
            }
            ClaimValue::AudienceScore {
                site,
                score,
                scale,
                votes,
            } => format!(
                "Audience score on {site}: {score}/{scale}{}",
                votes.map(|v| format!(" ({v} votes)")).unwrap_or_default()
            ),
        }
    }
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub(crate) use crate::numbers::thousands as group_thousands;

fn unreachable_kind(k: &str) -> Result<ClaimValue, ClaimError> {
    // `rule()` and this match list the same kinds; a kind in one and not the other is a bug,
    // reported as an error rather than a panic.
    Err(ClaimError::new(
        Some("kind"),
        format!("kind {k:?} is not implemented"),
    ))
}

fn positive(v: Option<u32>, field: &str) -> Result<Option<u32>, ClaimError> {
    match v {
        Some(0) => Err(ClaimError::new(Some(field), "must be at least 1")),
        v => Ok(v),
    }
}

fn out_of(v: Option<f64>, field: &str, max: f64) -> Result<Option<f64>, ClaimError> {
    match v {
        Some(x) if !(x.is_finite() && (0.0..=max).contains(&x)) => Err(ClaimError::new(
            Some(field),
            format!("{x} is outside 0..{max}"),
        )),
        v => Ok(v),
    }
}

fn score_100(x: f64) -> Result<u8, ClaimError> {
    if !(x.is_finite() && (0.0..=100.0).contains(&x) && x.fract() == 0.0) {
        return Err(ClaimError::new(
            Some("score"),
            format!("{x} is not a whole number 0..100"),
        ));
    }
    Ok(x as u8)
}

/// Names of the fields set in `raw`, via its serialised form (so the list can't drift from the
/// struct).
fn present_fields(raw: &RawClaim) -> Vec<&'static str> {
    let Ok(serde_json::Value::Object(map)) = serde_json::to_value(raw) else {
        return Vec::new();
    };
    FIELDS
        .iter()
        .copied()
        .filter(|f| map.contains_key(*f))
        .collect()
}

/// The closest known name to a misspelt one, if it is close.
pub(crate) fn suggest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(word, k), *k))
        .filter(|(s, _)| *s >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// FNV-1a, 128-bit: stable across platforms and releases (unlike `std`'s hasher), which is what
/// an identity stored on disk needs. Not cryptographic; claims are not adversarial.
pub(crate) fn fnv1a_128(bytes: &[u8]) -> String {
    let mut h: u128 = 0x6c62272e07bb014262b821756295c58d;
    for b in bytes {
        h ^= u128::from(*b);
        h = h.wrapping_mul(0x0000000001000000000000000000013B);
    }
    format!("{h:032x}")
}

impl Serialize for Claim {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_raw().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Claim {
    /// Deserialises the written form and checks it as [`Claim::from_raw`] does (with today's
    /// date bounding `published`).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawClaim::deserialize(d)?;
        Claim::from_raw(raw, crate::today()).map_err(|e| serde::de::Error::custom(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn base(kind: &str) -> RawClaim {
        RawClaim {
            kind: Some(kind.into()),
            series: Some("Partner Track".into()),
            published: Some(d("2023-01-15")),
            source: Some(RawSource {
                name: Some("x".into()),
                url: None,
                kind: Some("fan_site".into()),
            }),
            entered_by: Some("test".into()),
            ..RawClaim::default()
        }
    }

    fn err(raw: RawClaim) -> ClaimError {
        Claim::from_raw(raw, d("2030-01-01")).unwrap_err()
    }

    #[test]
    fn every_kind_has_a_rule() {
        for k in KINDS {
            assert!(rule(k).is_some(), "{k}");
        }
    }

    #[test]
    fn premiere_needs_season_date_platform() {
        let e = err(base("premiered"));
        assert_eq!(e.field.as_deref(), Some("season"));
        let e = err(RawClaim {
            season: Some(1),
            ..base("premiered")
        });
        assert_eq!(e.field.as_deref(), Some("event_date"));
        let e = err(RawClaim {
            season: Some(1),
            event_date: Some(d("2022-08-26")),
            ..base("premiered")
        });
        assert_eq!(e.field.as_deref(), Some("platform"));
        let ok = Claim::from_raw(
            RawClaim {
                season: Some(1),
                event_date: Some(d("2022-08-26")),
                platform: Some("Netflix".into()),
                ..base("premiered")
            },
            d("2030-01-01"),
        )
        .unwrap();
        assert_eq!(
            ok.value,
            ClaimValue::Premiered {
                platform: "Netflix".into()
            }
        );
    }

    #[test]
    fn season_zero_and_future_events_refused() {
        let e = err(RawClaim {
            season: Some(0),
            ..base("canceled")
        });
        assert_eq!(e.field.as_deref(), Some("season"));
        assert!(e.message.contains("season 0"), "{}", e.message);
        let e = err(RawClaim {
            season: Some(1),
            event_date: Some(d("2023-02-01")),
            ..base("canceled")
        });
        assert_eq!(e.field.as_deref(), Some("event_date"));
        assert!(
            e.message.contains("after its source published"),
            "{}",
            e.message
        );
        // Not past tense: an episode count may be stated before the episodes exist.
        assert!(Claim::from_raw(
            RawClaim {
                season: Some(1),
                episode_count: Some(10),
                event_date: Some(d("2024-01-01")),
                ..base("episode_count")
            },
            d("2030-01-01")
        )
        .is_ok());
    }

    #[test]
    fn foreign_and_unknown_fields_refused() {
        let e = err(RawClaim {
            character: Some("x".into()),
            season: Some(1),
            ..base("canceled")
        });
        assert_eq!(e.field.as_deref(), Some("character"));
        let e = err(base("cancelled"));
        assert!(
            e.message.contains("did you mean `canceled`"),
            "{}",
            e.message
        );
        let bad: Result<RawClaim, _> =
            serde_json::from_str(r#"{"kind":"canceled","evnt_date":"2022-01-01"}"#);
        assert!(bad.unwrap_err().to_string().contains("evnt_date"));
    }

    #[test]
    fn round_trip_and_hash_ignore_entered_by() {
        let c = Claim::from_raw(
            RawClaim {
                person: Some("Arden Cho".into()),
                character: Some("Ingrid Yun".into()),
                tier: Some(CastTier::Lead),
                ..base("cast")
            },
            d("2030-01-01"),
        )
        .unwrap();
        let back = Claim::from_raw(c.to_raw(), d("2030-01-01")).unwrap();
        assert_eq!(c, back);
        let mut other = c.clone();
        other.entered_by = "someone else".into();
        assert_eq!(c.content_hash(), other.content_hash());
        other.person = Some("Bradley Gibson".into());
        assert_ne!(c.content_hash(), other.content_hash());
    }

    proptest::proptest! {
        /// Written form and back is the identity, and the hash ignores who typed the claim but
        /// not what it says.
        #[test]
        fn round_trip_and_identity(
            season in 1u32..50,
            day in 0u64..3000,
            lag in 0u64..400,
            kind_i in 0usize..4,
            who in "[a-z]{1,8}",
            platform in proptest::option::of("[A-Za-z ]{1,10}"),
        ) {
            let start = d("2015-01-01");
            let event = start + chrono::Days::new(day);
            let published = event + chrono::Days::new(lag);
            let kind = ["season_renewed", "canceled", "premiered", "season_ordered"][kind_i];
            let platform = platform.filter(|p| !p.trim().is_empty());
            let platform = if kind == "premiered" { platform.or(Some("Netflix".to_string())) } else { platform };
            let raw = RawClaim {
                kind: Some(kind.into()),
                season: Some(season),
                event_date: Some(event),
                published: Some(published),
                entered_by: Some(who.clone()),
                platform,
                ..base(kind)
            };
            let c = Claim::from_raw(raw, d("2030-01-01")).unwrap();
            let back = Claim::from_raw(c.to_raw(), d("2030-01-01")).unwrap();
            proptest::prop_assert_eq!(&c, &back);
            let mut other = c.clone();
            other.entered_by = format!("{who}x");
            proptest::prop_assert_eq!(c.content_hash(), other.content_hash());
            other.season = Some(season + 1);
            proptest::prop_assert_ne!(c.content_hash(), other.content_hash());
            // An event after its publication is refused for every past-tense kind.
            let late = RawClaim { event_date: Some(published + chrono::Days::new(1)), ..c.to_raw() };
            let e = Claim::from_raw(late, d("2030-01-01")).unwrap_err();
            proptest::prop_assert_eq!(e.field.as_deref(), Some("event_date"));
        }
    }

    #[test]
    fn dates_are_days() {
        assert!(parse_date("2022-08-26").is_ok());
        assert!(parse_date("2022-8-26").is_err());
        assert!(parse_date("2022-08-26T10:00:00").is_err());
        assert!(parse_date("2022-02-30").is_err());
    }
}
