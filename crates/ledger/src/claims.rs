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
//!
//! Each kind is defined once, in the `claim_kinds!` table below: its [`ClaimValue`] variant, its
//! subject fields, its own fields with the reader that checks each, the rules across them, and
//! its summary. [`KINDS`], [`RULES`], the field names and their suggestions, the written form and
//! the claim id (a SHA-256 of that form) are all derived from it. Adding a kind is one entry
//! there, its row in `CLAIMS.md` (a test holds the two together) and its tests.

use crate::error::ClaimError;
use chrono::NaiveDate;
use greenlight_store::hash::sha256_hex;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The largest season number a claim may name.
pub const MAX_SEASON: u32 = 999;

/// Who said it. The order of the variants is the order of *standing* (see [`Standing`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
        debug_assert!(
            s.is_empty() || SOURCE_KIND_NAMES.contains(&s) == Self::parse_known(s).is_some()
        );
        Self::parse_known(s)
    }

    fn parse_known(s: &str) -> Option<SourceKind> {
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

/// Every `source.kind` a claim may give, the accepted spellings included (what
/// [`SourceKind::parse`] reads; the OpenAPI schema's enum).
pub const SOURCE_KIND_NAMES: [&str; 7] = [
    "platform",
    "official",
    "trade_press",
    "dataset",
    "fan_site",
    "aggregator",
    "fan_or_aggregator",
];

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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CastTier {
    Lead,
    Regular,
    Recurring,
    Guest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// Whether a kind takes a subject field (`season`, `person`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
    Forbidden,
}

/// Whether a kind's claim must carry an `event_date`, and, when it must, what that date is (for
/// the message that asks for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dated {
    Optional,
    Required(&'static str),
}

/// The rules of one kind, as its definition in the table below states them: which subject
/// fields it needs, which fields of its own it takes, and whether its event is in the past tense
/// (so cannot be dated after its source published it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindRule {
    /// The kind's name as written in files (`season_renewed`).
    pub name: &'static str,
    pub season: Need,
    pub person: Need,
    pub event_date: Dated,
    pub past_tense: bool,
    /// The kind's own fields, as written in files, in the order of its definition.
    pub fields: &'static [&'static str],
}

/// A field's name as written in files: the variant's field name unless the table renames it.
macro_rules! wire_name {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident, $wire:literal) => {
        $wire
    };
}

/// Builds everything that is per kind from one table, so a kind is defined in exactly one
/// place: the [`ClaimValue`] variant and its docs, [`KINDS`], the [`KindRule`] (subject fields,
/// past tense, field names), reading and checking the written fields, writing them back (the
/// written form, which is also what the claim id hashes), and the one-line summary.
///
/// Each entry is
/// `Variant = "name" [season: Need, person: Need, event_date: Dated, past_tense: bool]`,
/// then the fields `{ field: Type = reader (as "wire_name")?, ... }` (none for a unit variant),
/// an optional `check |ctx| { ... }` for rules across fields (the fields are in scope, by
/// reference), and `summary |say| { ... }` (likewise). A reader is a function
/// `(&mut Fields, &'static str) -> Result<Type, ClaimError>`; whether a field is required is
/// whatever its reader says about an absent field, so it is never stated twice.
macro_rules! claim_kinds {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $name:literal [
            season: $season:ident,
            person: $person:ident,
            event_date: $event:expr,
            past_tense: $past:literal $(,)?
        ]
        $({ $(
            $(#[doc = $fdoc:literal])*
            $field:ident : $ty:ty = $read:ident $(as $wire:literal)?
        ),* $(,)? })?
        $(check |$cx:ident| $check:block)?
        summary |$say:ident| $summary:block
    )*) => {
        /// What a claim says, by kind. Subject fields (series, season, person) live on
        /// [`Claim`]. Generated, with everything else per kind, from the table in `claims.rs`.
        #[derive(Debug, Clone, PartialEq)]
        pub enum ClaimValue {
            $(
                $(#[doc = $doc])*
                $variant $({ $( $(#[doc = $fdoc])* $field: $ty ),* })?,
            )*
        }

        /// Every claim kind's name as written in files, in the table's order.
        pub const KINDS: &[&str] = &[$($name),*];

        /// Every kind's rules, in the table's order.
        pub const RULES: &[KindRule] = &[$(
            KindRule {
                name: $name,
                season: Need::$season,
                person: Need::$person,
                event_date: $event,
                past_tense: $past,
                fields: &[$($( wire_name!($field $(, $wire)?) ),*)?],
            }
        ),*];

        impl ClaimValue {
            pub fn kind(&self) -> &'static str {
                match self {
                    $( ClaimValue::$variant { .. } => $name, )*
                }
            }

            /// Reads a kind's own fields (taking them out of `f`), then checks the rules that
            /// span several of them.
            fn read(f: &mut Fields, cx: &CheckContext) -> Result<ClaimValue, ClaimError> {
                let kind = f.kind;
                let value = match kind {
                    $( $name => ClaimValue::$variant $({ $(
                        $field: $read(f, wire_name!($field $(, $wire)?))?
                    ),* })?, )*
                    other => {
                        return Err(ClaimError::new(
                            Some("kind"),
                            format!("kind {other:?} is not implemented"),
                        ))
                    }
                };
                value.check(cx)?;
                Ok(value)
            }

            #[allow(unused_variables)]
            fn check(&self, cx: &CheckContext) -> Result<(), ClaimError> {
                match self {
                    $( ClaimValue::$variant { $($($field),*)? } => {
                        $( let $cx = cx; $check )?
                    } )*
                }
                Ok(())
            }

            /// The kind's own fields in their written form (absent optional fields left out).
            fn write(&self, out: &mut BTreeMap<String, Value>) {
                match self {
                    $( ClaimValue::$variant { $($($field),*)? } => {
                        $($( put(out, wire_name!($field $(, $wire)?), $field); )*)?
                    } )*
                }
            }

            #[allow(unused_variables)]
            fn summary(&self, say: &Say) -> String {
                match self {
                    $( ClaimValue::$variant { $($($field),*)? } => {
                        let $say = say;
                        $summary
                    } )*
                }
            }
        }

        /// Every kind's own fields with the schema of its type, in the table's order (a name
        /// several kinds share appears once per kind): the OpenAPI schema of [`RawClaim`] is
        /// built from this, so the document names exactly the fields the table defines.
        #[cfg(feature = "openapi")]
        fn kind_field_schemas() -> Vec<(&'static str, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)> {
            vec![$($($(
                (wire_name!($field $(, $wire)?), <$ty as openapi::FieldSchema>::field_schema()),
            )*)?)*]
        }

        /// The fields a kind cannot do without: those whose reader refuses their absence.
        pub fn required_fields(kind: &str) -> Vec<&'static str> {
            let mut out = Vec::new();
            match kind {
                $( $name => {
                    $($({
                        let wire = wire_name!($field $(, $wire)?);
                        let r: Result<$ty, ClaimError> = $read(&mut Fields::empty($name), wire);
                        if r.is_err() {
                            out.push(wire);
                        }
                    })*)?
                } )*
                _ => {}
            }
            out
        }
    };
}

claim_kinds! {
    /// The platform ordered the series (season 1).
    SeriesOrdered = "series_ordered"
        [season: Forbidden, person: Forbidden, event_date: Dated::Optional, past_tense: true]
    {
        platform: Option<String> = opt_text,
        episode_count: Option<u32> = opt_positive,
    }
    summary |s| {
        format!(
            "Series ordered{}{}{}",
            on(platform),
            episode_count.map(|n| format!(" ({n} episodes)")).unwrap_or_default(),
            s.date()
        )
    }

    /// Season `season` was renewed (i.e. the show was renewed for that season).
    SeasonRenewed = "season_renewed"
        [season: Required, person: Forbidden, event_date: Dated::Optional, past_tense: true]
    { platform: Option<String> = opt_text }
    summary |s| { format!("Renewed for {}{}{}", s.season(), on(platform), s.date()) }

    SeasonOrdered = "season_ordered"
        [season: Required, person: Forbidden, event_date: Dated::Optional, past_tense: true]
    {
        platform: Option<String> = opt_text,
        episode_count: Option<u32> = opt_positive,
    }
    summary |s| { format!("{} ordered{}{}", s.season_cap(), on(platform), s.date()) }

    /// Season `season` premiered on `event_date` on `platform`.
    Premiered = "premiered"
        [season: Required, person: Forbidden, event_date: Dated::Required("the premiere date"), past_tense: true]
    { platform: String = text }
    summary |s| { format!("{} premiered on {platform}{}", s.season_cap(), s.date()) }

    /// A release date for season `season` was announced on `event_date`.
    ReleaseDateAnnounced = "release_date_announced"
        [season: Required, person: Forbidden, event_date: Dated::Optional, past_tense: true]
    {
        release_date: NaiveDate = day,
        platform: Option<String> = opt_text,
    }
    summary |s| {
        let date = s.date();
        format!(
            "{} release date announced: {release_date}{}",
            s.season_cap(),
            date.replace(" on ", " (announced ").replace(" by ", " (announced by ")
        ) + if date.is_empty() { "" } else { ")" }
    }

    /// Canceled after season `season`.
    Canceled = "canceled"
        [season: Required, person: Forbidden, event_date: Dated::Optional, past_tense: true]
    { platform: Option<String> = opt_text }
    summary |s| { format!("Canceled after {}{}{}", s.season(), on(platform), s.date()) }

    /// Ended as planned; `season` was the final season.
    Ended = "ended"
        [season: Required, person: Forbidden, event_date: Dated::Optional, past_tense: true]
    summary |s| { format!("Final season: {}{}", s.season(), s.date()) }

    /// Made as a limited series: one season by design.
    LimitedSeries = "limited_series"
        [season: Forbidden, person: Forbidden, event_date: Dated::Optional, past_tense: true]
    { platform: Option<String> = opt_text }
    summary |s| { format!("Limited series (one season by design){}", s.date()) }

    /// Season `season` has `episode_count` episodes (stated before they exist, possibly).
    EpisodeCount = "episode_count"
        [season: Required, person: Forbidden, event_date: Dated::Optional, past_tense: false]
    { episodes: u32 = positive as "episode_count" }
    summary |s| { format!("{} has {episodes} episodes", s.season_cap()) }

    Cast = "cast"
        [season: Optional, person: Required, event_date: Dated::Optional, past_tense: true]
    {
        character: Option<String> = opt_text,
        tier: CastTier = req,
    }
    summary |s| {
        format!(
            "Cast: {}{} ({}){}",
            s.who(),
            character.as_ref().map(|c| format!(" as {c}")).unwrap_or_default(),
            format!("{tier:?}").to_lowercase(),
            s.claim.event_date.map(|d| format!(", announced {d}")).unwrap_or_default()
        )
    }

    Crew = "crew"
        [season: Optional, person: Required, event_date: Dated::Optional, past_tense: true]
    {
        role: CrewRole = req,
        /// Free text (`1-2`, `3, 5`), as sources give it.
        episodes: Option<String> = opt_text,
    }
    summary |s| {
        format!(
            "Crew: {}, {}{}",
            s.who(),
            role.as_str().replace('_', " "),
            episodes.as_ref().map(|e| format!(" (episodes {e})")).unwrap_or_default()
        )
    }

    ProductionCompany = "production_company"
        [season: Optional, person: Forbidden, event_date: Dated::Optional, past_tense: false]
    { company: String = text }
    summary |s| { format!("Production company: {company}") }

    FilmingLocation = "filming_location"
        [season: Optional, person: Forbidden, event_date: Dated::Optional, past_tense: false]
    { location: String = text }
    summary |s| { format!("Filmed in {location}") }

    SourceMaterial = "source_material"
        [season: Forbidden, person: Forbidden, event_date: Dated::Optional, past_tense: false]
    {
        work: String = text,
        author: String = text,
        year: Option<i32> = opt_year,
    }
    summary |s| {
        format!(
            "Based on {work} by {author}{}",
            year.map(|y| format!(" ({y})")).unwrap_or_default()
        )
    }

    TrailerReleased = "trailer_released"
        [season: Required, person: Forbidden, event_date: Dated::Required("the day the trailer came out"), past_tense: true]
    { url: String = text }
    summary |s| { format!("Trailer for {} released{}: {url}", s.season(), s.date()) }

    /// A storyline left open at the end of a season (for outlooks).
    StorylineOpen = "storyline_open"
        [season: Optional, person: Forbidden, event_date: Dated::Optional, past_tense: false]
    { text: String = text }
    summary |s| { format!("Open storyline: {text}") }

    /// A stated viewing figure: hours in `[from, to]`, and/or a chart rank in the week ending
    /// `week`.
    ViewingFigure = "viewing_figure"
        [season: Optional, person: Forbidden, event_date: Dated::Optional, past_tense: true]
    {
        hours: Option<u64> = opt,
        /// How far the stated hours may be from the chart's sum and still match (default: the
        /// chart's own rounding, see [`crate::derive`]).
        tolerance: Option<u64> = opt,
        from: Option<NaiveDate> = opt_day,
        to: Option<NaiveDate> = opt_day,
        rank: Option<u32> = opt,
        week: Option<NaiveDate> = opt_day,
        category: Option<String> = opt_text,
        region: Option<String> = opt_text,
    }
    check |cx| {
        let published = cx.published;
        if hours.is_none() && rank.is_none() {
            return Err(ClaimError::new(
                Some("hours"),
                "missing: a viewing_figure claim needs `hours` (with `from` and `to`) or `rank` (with `week`)",
            ));
        }
        if hours.is_some() {
            let from = from.ok_or_else(|| missing("viewing_figure", "from"))?;
            let to = to.ok_or_else(|| missing("viewing_figure", "to"))?;
            if from > to {
                return Err(ClaimError::new(Some("from"), format!("{from} is after `to` {to}")));
            }
            if to > published {
                return Err(ClaimError::new(
                    Some("to"),
                    format!("the window ends {to}, after the source published the figure on {published}"),
                ));
            }
            if *hours == Some(0) {
                return Err(ClaimError::new(Some("hours"), "must be positive"));
            }
        } else if from.is_some() || to.is_some() {
            return Err(ClaimError::new(
                Some("hours"),
                "missing: `from`/`to` bound a number of `hours`",
            ));
        }
        if rank.is_some() {
            let week = week.ok_or_else(|| missing("viewing_figure", "week"))?;
            if *rank == Some(0) {
                return Err(ClaimError::new(Some("rank"), "ranks start at 1"));
            }
            if week > published {
                return Err(ClaimError::new(
                    Some("week"),
                    format!("the week ending {week} is after the source published the rank on {published}"),
                ));
            }
        } else if week.is_some() {
            return Err(ClaimError::new(Some("rank"), "missing: `week` goes with a `rank`"));
        }
        if tolerance.is_some() && hours.is_none() {
            return Err(ClaimError::new(Some("tolerance"), "only applies to `hours`"));
        }
    }
    summary |s| {
        let mut parts = Vec::new();
        if let (Some(h), Some(f), Some(t)) = (hours, from, to) {
            parts.push(format!("{} hours viewed {f}..{t}", crate::numbers::thousands(*h)));
        }
        if let (Some(r), Some(w)) = (rank, week) {
            parts.push(format!("rank {r} in the week ending {w}"));
        }
        format!(
            "Viewing ({}{}): {}",
            s.season(),
            region.as_ref().map(|r| format!(", {r}")).unwrap_or_default(),
            parts.join("; ")
        )
    }

    /// A stated run in Netflix's Top 10: `weeks` on the chart, and the best rank it reached.
    Top10Run = "top10_run"
        [season: Optional, person: Forbidden, event_date: Dated::Optional, past_tense: true]
    {
        weeks: u32 = positive,
        peak_rank: Option<u32> = opt,
        category: Option<String> = opt_text,
        region: Option<String> = opt_text,
    }
    check |cx| {
        if let Some(r) = peak_rank.filter(|r| !(1..=10).contains(r)) {
            return Err(ClaimError::new(
                Some("peak_rank"),
                format!("{r} is not a Top 10 rank (1..10)"),
            ));
        }
    }
    summary |s| {
        let chart = [category, region]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "Top 10 run ({}{}): {weeks} week{}{}",
            s.season(),
            if chart.is_empty() { String::new() } else { format!(", {chart}") },
            if *weeks == 1 { "" } else { "s" },
            peak_rank.map(|r| format!(", peak rank {r}")).unwrap_or_default()
        )
    }

    Genre = "genre"
        [season: Forbidden, person: Forbidden, event_date: Dated::Optional, past_tense: false]
    { value: String = text }
    summary |s| { format!("Genre: {value}") }

    OriginalLanguage = "original_language"
        [season: Forbidden, person: Forbidden, event_date: Dated::Optional, past_tense: false]
    { value: String = text }
    summary |s| { format!("Original language: {value}") }

    CountryOfOrigin = "country_of_origin"
        [season: Forbidden, person: Forbidden, event_date: Dated::Optional, past_tense: false]
    { value: String = text }
    summary |s| { format!("Country of origin: {value}") }

    Network = "network"
        [season: Forbidden, person: Forbidden, event_date: Dated::Optional, past_tense: false]
    { value: String = text }
    summary |s| { format!("Network: {value}") }

    /// A Rotten Tomatoes Tomatometer as stated: percent positive of `reviews`, average /10.
    RottenTomatoes = "rotten_tomatoes"
        [season: Optional, person: Forbidden, event_date: Dated::Optional, past_tense: true]
    {
        percent: u8 = percent,
        reviews: u32 = req,
        average: Option<f64> = opt_out_of_10,
    }
    check |cx| {
        if *reviews == 0 {
            return Err(ClaimError::new(Some("reviews"), "a Tomatometer needs at least one review"));
        }
    }
    summary |s| {
        format!(
            "Rotten Tomatoes: {percent}% of {reviews} reviews positive{}",
            average.map(|a| format!(", average {a}/10")).unwrap_or_default()
        )
    }

    /// One critic review as Rotten Tomatoes counts it (`person` is the critic).
    RtReview = "rt_review"
        [season: Optional, person: Required, event_date: Dated::Optional, past_tense: true]
    {
        fresh: bool = req,
        score: Option<f64> = opt_out_of_10,
        outlet: Option<String> = opt_text,
    }
    summary |s| {
        format!(
            "Rotten Tomatoes review by {}: {}{}",
            s.who(),
            if *fresh { "fresh" } else { "rotten" },
            score.map(|x| format!(", {x}/10")).unwrap_or_default()
        )
    }

    /// A Metacritic Metascore as stated.
    Metacritic = "metacritic"
        [season: Optional, person: Forbidden, event_date: Dated::Optional, past_tense: true]
    {
        score: u8 = score_100,
        critics: u32 = req,
    }
    check |cx| {
        if *critics == 0 {
            return Err(ClaimError::new(Some("critics"), "a Metascore needs at least one critic"));
        }
    }
    summary |s| { format!("Metacritic: {score} from {critics} critics") }

    /// One critic's Metacritic score, 0-100 (`person` is the critic).
    MetacriticReview = "metacritic_review"
        [season: Optional, person: Required, event_date: Dated::Optional, past_tense: true]
    {
        score: u8 = score_100,
        outlet: Option<String> = opt_text,
    }
    summary |s| { format!("Metacritic review by {}: {score}", s.who()) }

    /// An audience score on `site`, `score` out of `scale`.
    AudienceScore = "audience_score"
        [season: Optional, person: Forbidden, event_date: Dated::Optional, past_tense: true]
    {
        site: String = text,
        score: f64 = req,
        scale: f64 = req,
        votes: Option<u32> = opt,
    }
    check |cx| {
        if !(scale.is_finite() && *scale > 0.0) {
            return Err(ClaimError::new(Some("scale"), "must be positive (e.g. 100 or 10)"));
        }
        out_of(*score, "score", *scale)?;
    }
    summary |s| {
        format!(
            "Audience score on {site}: {score}/{scale}{}",
            votes.map(|v| format!(" ({v} votes)")).unwrap_or_default()
        )
    }
}

/// The rules of `kind`, if it is one.
pub fn rule(kind: &str) -> Option<&'static KindRule> {
    RULES.iter().find(|r| r.name == kind)
}

/// The fields every claim may carry, whatever its kind.
pub const COMMON: &[&str] = &[
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

/// Every field name a claim may carry (the common ones, then every kind's in table order, each
/// once), for unknown-field messages and their suggestions.
pub fn all_fields() -> &'static [&'static str] {
    static ALL: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut v: Vec<&'static str> = COMMON.to_vec();
        for f in RULES.iter().flat_map(|r| r.fields.iter()) {
            if !v.contains(f) {
                v.push(f);
            }
        }
        v
    })
}

/// What the checks across a kind's fields may need to know about the whole claim.
struct CheckContext {
    published: NaiveDate,
}

/// A claim's kind-specific fields as written, which the kind's readers take out one by one.
struct Fields {
    kind: &'static str,
    map: BTreeMap<String, Value>,
}

impl Fields {
    fn empty(kind: &'static str) -> Fields {
        Fields {
            kind,
            map: BTreeMap::new(),
        }
    }
    /// The field's value; `null` counts as absent, as it did for the old typed fields.
    fn take(&mut self, name: &str) -> Option<Value> {
        self.map.remove(name).filter(|v| !v.is_null())
    }
}

fn missing(kind: &str, field: &str) -> ClaimError {
    ClaimError::new(
        Some(field),
        format!("missing: a {kind} claim needs `{field}`"),
    )
}

// The readers: each turns one written field into its typed value, or names the field.

fn opt<T: serde::de::DeserializeOwned>(
    f: &mut Fields,
    name: &'static str,
) -> Result<Option<T>, ClaimError> {
    f.take(name)
        .map(|v| serde_json::from_value(v).map_err(|e| ClaimError::new(Some(name), e.to_string())))
        .transpose()
}

fn req<T: serde::de::DeserializeOwned>(
    f: &mut Fields,
    name: &'static str,
) -> Result<T, ClaimError> {
    opt(f, name)?.ok_or_else(|| missing(f.kind, name))
}

fn opt_text(f: &mut Fields, name: &'static str) -> Result<Option<String>, ClaimError> {
    trimmed(opt(f, name)?, name)
}

fn text(f: &mut Fields, name: &'static str) -> Result<String, ClaimError> {
    let s: String = req(f, name)?;
    nonempty(s, name)
}

fn opt_day(f: &mut Fields, name: &'static str) -> Result<Option<NaiveDate>, ClaimError> {
    match f.take(name) {
        None => Ok(None),
        Some(Value::String(s)) => parse_date(&s)
            .map(Some)
            .map_err(|e| ClaimError::new(Some(name), e)),
        Some(other) => Err(ClaimError::new(
            Some(name),
            format!("invalid type: {other}, expected a date as YYYY-MM-DD"),
        )),
    }
}

fn day(f: &mut Fields, name: &'static str) -> Result<NaiveDate, ClaimError> {
    opt_day(f, name)?.ok_or_else(|| missing(f.kind, name))
}

fn opt_positive(f: &mut Fields, name: &'static str) -> Result<Option<u32>, ClaimError> {
    match opt(f, name)? {
        Some(0) => Err(ClaimError::new(Some(name), "must be at least 1")),
        v => Ok(v),
    }
}

fn positive(f: &mut Fields, name: &'static str) -> Result<u32, ClaimError> {
    opt_positive(f, name)?.ok_or_else(|| missing(f.kind, name))
}

fn opt_year(f: &mut Fields, name: &'static str) -> Result<Option<i32>, ClaimError> {
    match opt(f, name)? {
        Some(y) if !(1000..=2200).contains(&y) => Err(ClaimError::new(
            Some(name),
            format!("{y} is not a plausible year"),
        )),
        v => Ok(v),
    }
}

fn percent(f: &mut Fields, name: &'static str) -> Result<u8, ClaimError> {
    let p: u32 = req(f, name)?;
    u8::try_from(p)
        .ok()
        .filter(|p| *p <= 100)
        .ok_or_else(|| ClaimError::new(Some(name), format!("{p} is above 100")))
}

fn opt_out_of_10(f: &mut Fields, name: &'static str) -> Result<Option<f64>, ClaimError> {
    opt(f, name)?.map(|x| out_of(x, name, 10.0)).transpose()
}

fn score_100(f: &mut Fields, name: &'static str) -> Result<u8, ClaimError> {
    let x: f64 = req(f, name)?;
    if !(x.is_finite() && (0.0..=100.0).contains(&x) && x.fract() == 0.0) {
        return Err(ClaimError::new(
            Some(name),
            format!("{x} is not a whole number 0..100"),
        ));
    }
    Ok(x as u8)
}

fn out_of(x: f64, field: &str, max: f64) -> Result<f64, ClaimError> {
    if !(x.is_finite() && (0.0..=max).contains(&x)) {
        return Err(ClaimError::new(
            Some(field),
            format!("{x} is outside 0..{max}"),
        ));
    }
    Ok(x)
}

fn nonempty(s: String, field: &str) -> Result<String, ClaimError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(ClaimError::new(Some(field), "is empty"));
    }
    Ok(t.to_string())
}

fn trimmed(v: Option<String>, field: &str) -> Result<Option<String>, ClaimError> {
    match v {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Err(ClaimError::new(
            Some(field),
            "is empty (leave it out instead)",
        )),
        Some(s) => Ok(Some(s.trim().to_string())),
    }
}

fn put<T: Serialize>(out: &mut BTreeMap<String, Value>, name: &str, v: &T) {
    // Values of the kinds' field types (strings, numbers, dates, enums) always serialise.
    if let Ok(v) = serde_json::to_value(v) {
        if !v.is_null() {
            out.insert(name.to_string(), v);
        }
    }
}

/// What a summary may say about the claim around a kind's own fields.
struct Say<'a> {
    claim: &'a Claim,
}

impl Say<'_> {
    /// "season 2", or "the series" for a claim about no season.
    fn season(&self) -> String {
        self.claim
            .season
            .map(|n| format!("season {n}"))
            .unwrap_or_else(|| "the series".into())
    }
    fn season_cap(&self) -> String {
        cap(&self.season())
    }
    /// " on 2022-08-26", " by 2022-08-26" (as precise as known), or nothing when undated.
    fn date(&self) -> String {
        self.claim
            .event_date
            .map(|d| format!(" {}", self.claim.date_precision.phrase(d)))
            .unwrap_or_default()
    }
    fn who(&self) -> &str {
        self.claim.person.as_deref().unwrap_or_default()
    }
}

/// " (Netflix)" for a stated platform, else nothing.
fn on(p: &Option<String>) -> String {
    p.as_ref().map(|p| format!(" ({p})")).unwrap_or_default()
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
/// [`Claim::from_raw`] with the field's name rather than by a generic parse error. The fields
/// every claim has are typed here; a kind's own fields stay as written in `fields` until the
/// kind's definition reads them, so no list of them is kept outside the table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
    /// The kind's own fields (`platform`, `hours`, ...). Reading refuses a name no kind has
    /// (with a suggestion); [`Claim::from_raw`] refuses one that is not this kind's.
    #[serde(flatten, deserialize_with = "known_fields")]
    pub fields: BTreeMap<String, Value>,
}

/// The written form's other fields, refused when no kind has them (as `deny_unknown_fields`
/// would, which `flatten` rules out), with the nearest name.
fn known_fields<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, Value>, D::Error> {
    let map = BTreeMap::<String, Value>::deserialize(d)?;
    match map.keys().find(|k| !all_fields().contains(&k.as_str())) {
        Some(k) => Err(serde::de::Error::custom(format!(
            "unknown field `{k}`{}",
            field_hint(k)
        ))),
        None => Ok(map),
    }
}

impl RawClaim {
    /// Sets one of the kind's own fields (for claims built in code).
    pub fn with(mut self, field: &str, value: impl Serialize) -> RawClaim {
        put(&mut self.fields, field, &value);
        self
    }
}

/// [`RawClaim`]'s OpenAPI schema, written by hand only in its shape: the common fields are the
/// struct's, and the kind's own fields (kept flattened in `fields`, which a derive would show
/// as a free-form map) come from the `claim_kinds!` table with their real types.
#[cfg(feature = "openapi")]
mod openapi {
    use super::{CastTier, CrewRole, DatePrecision, RawClaim, KINDS};
    use chrono::NaiveDate;
    use utoipa::openapi::schema::{
        AdditionalProperties, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
    };
    use utoipa::openapi::RefOr;
    use utoipa::PartialSchema;

    /// The schema of a field's value as written; an optional field's is its value's (absence is
    /// how a claim leaves it out: it is never written as `null`).
    pub(super) trait FieldSchema {
        fn field_schema() -> RefOr<Schema>;
    }
    impl<T: FieldSchema> FieldSchema for Option<T> {
        fn field_schema() -> RefOr<Schema> {
            T::field_schema()
        }
    }
    macro_rules! via_partial {
        ($($t:ty),*) => {$(
            impl FieldSchema for $t {
                fn field_schema() -> RefOr<Schema> {
                    <$t as PartialSchema>::schema()
                }
            }
        )*};
    }
    via_partial!(String, u8, u32, u64, i32, f64, bool, CastTier, CrewRole);
    impl FieldSchema for NaiveDate {
        fn field_schema() -> RefOr<Schema> {
            date()
        }
    }

    fn date() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .into()
    }

    fn text() -> RefOr<Schema> {
        String::schema()
    }

    /// Text with something in it besides spaces (`from_raw` trims and refuses an empty one).
    fn nonempty() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r"\S"))
            .into()
    }

    /// [`RawSource`] as `from_raw` reads it: `name` and `kind` required, `kind` one of the
    /// source kinds (and the spellings it accepts for them), nothing else.
    fn source() -> RefOr<Schema> {
        ObjectBuilder::new()
            .property("name", nonempty())
            .property("url", text())
            .property(
                "kind",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(super::SOURCE_KIND_NAMES.iter().copied())),
            )
            .required("name")
            .required("kind")
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .into()
    }

    impl PartialSchema for RawClaim {
        fn schema() -> RefOr<Schema> {
            let mut o = ObjectBuilder::new()
                .description(Some(
                    "A claim as written (CLAIMS.md): the fields every claim has, and the \
                     fields of its kind.",
                ))
                .property(
                    "kind",
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .enum_values(Some(KINDS.iter().copied())),
                )
                .property("series", nonempty())
                .property(
                    "season",
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(1))
                        .maximum(Some(super::MAX_SEASON)),
                )
                .property("person", text())
                .property("event_date", date())
                .property("date_precision", DatePrecision::schema())
                .property("published", date())
                .property("source", source())
                .property("entered_by", text())
                .property("note", text())
                // As strict as `Claim::from_raw` where a schema can say it: what every kind
                // needs (`entered_by` too, but the API fills it from the token), no field no
                // kind has, a season 1..=MAX_SEASON, a source with a name and a known kind.
                .required("kind")
                .required("series")
                .required("published")
                .required("source")
                .additional_properties(Some(AdditionalProperties::FreeForm(false)));
            let mut seen = std::collections::BTreeSet::new();
            for (name, schema) in super::kind_field_schemas() {
                if seen.insert(name) {
                    o = o.property(name, schema);
                }
            }
            o.into()
        }
    }

    impl utoipa::ToSchema for RawClaim {}
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    v.ok_or_else(|| missing(kind, field))
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
        let Some(kind) = raw.kind.as_deref() else {
            return Err(ClaimError::new(
                Some("kind"),
                format!(
                    "missing: every claim needs a `kind` (one of {})",
                    KINDS.join(", ")
                ),
            ));
        };
        let rule = rule(kind).ok_or_else(|| {
            let hint = suggest(kind, KINDS)
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
        let k = rule.name;
        // Fields that don't belong to the kind are refused, not ignored: a `season` on a
        // `limited_series` claim or a `character` on a `canceled` one means the claim is not
        // what its author thinks it is.
        let takes = || match rule.fields {
            [] => "; it takes no fields of its own".to_string(),
            fs => format!("; it takes `{}`", fs.join("`, `")),
        };
        for (f, present, need) in [
            ("season", raw.season.is_some(), rule.season),
            ("person", raw.person.is_some(), rule.person),
        ] {
            if present && need == Need::Forbidden {
                return Err(ClaimError::new(
                    Some(f),
                    format!("does not apply to a {k} claim"),
                ));
            }
        }
        for f in raw.fields.keys() {
            if rule.fields.contains(&f.as_str()) {
                continue;
            }
            let message = if all_fields().contains(&f.as_str()) {
                format!("does not apply to a {k} claim{}", takes())
            } else {
                format!("unknown field{}", field_hint(f))
            };
            return Err(ClaimError::new(Some(f), message));
        }
        let series = nonempty(need(raw.series, "series", k)?, "series")?;
        // A series is looked up by search, which takes at most MAX_QUERY_CHARS: longer is no
        // title (a 10 MB `series` used to run for over a minute; then it was refused by the
        // search, in words that named neither the file nor the claim).
        let max = greenlight_store::query::MAX_QUERY_CHARS;
        if series.chars().nth(max).is_some() {
            return Err(ClaimError::new(
                Some("series"),
                format!("is longer than a series title can be (at most {max} characters)"),
            ));
        }
        let season = match (rule.season, raw.season) {
            (Need::Required, None) => return Err(missing(k, "season")),
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
            Need::Required => Some(nonempty(need(raw.person, "person", k)?, "person")?),
            _ => trimmed(raw.person, "person")?,
        };
        if let (Dated::Required(what), None) = (rule.event_date, raw.event_date) {
            return Err(ClaimError::new(
                Some("event_date"),
                format!("missing: a {k} claim needs `event_date` ({what})"),
            ));
        }
        let published = need(raw.published, "published", k)?;
        let raw_source = need(raw.source, "source", k)?;
        let source = Source {
            name: nonempty(need(raw_source.name, "source.name", k)?, "source.name")?,
            url: trimmed(raw_source.url, "source.url")?,
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
        let entered_by = nonempty(need(raw.entered_by, "entered_by", k)?, "entered_by")?;
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
        let mut fields = Fields {
            kind: k,
            map: raw.fields,
        };
        let value = ClaimValue::read(&mut fields, &CheckContext { published })?;
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
            note: trimmed(raw.note, "note")?,
        })
    }

    /// The written form (the inverse of [`Claim::from_raw`]).
    pub fn to_raw(&self) -> RawClaim {
        let mut fields = BTreeMap::new();
        self.value.write(&mut fields);
        RawClaim {
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
            fields,
        }
    }

    /// The claim's identity: the SHA-256 of its written form without who typed it and the note,
    /// keys sorted. Two people entering the same statement from the same source make one claim,
    /// and re-importing a file adds nothing. The series must already be canonical (its slug).
    pub fn content_hash(&self) -> String {
        let mut raw = self.to_raw();
        raw.entered_by = None;
        raw.note = None;
        // Serialising strings, numbers and dates cannot fail; `Null` would still hash
        // deterministically.
        let value = serde_json::to_value(&raw).unwrap_or_default();
        let mut canonical = String::new();
        write_canonical(&value, &mut canonical);
        sha256_hex(canonical.as_bytes())
    }

    /// One line a person can read: "Canceled after season 1", "Premiered season 1 on Netflix".
    pub fn summary(&self) -> String {
        self.value.summary(&Say { claim: self })
    }
}

/// JSON with every object's keys sorted, whatever `serde_json`'s map preserves: a claim id must
/// not depend on which features another crate of the build turns on.
fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&m[k.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(x, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// " (did you mean `x`?)" for a misspelt field name, else nothing.
pub(crate) fn field_hint(bad: &str) -> String {
    suggest(bad, all_fields())
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
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
                ..base("premiered")
            }
            .with("platform", "Netflix"),
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
                event_date: Some(d("2024-01-01")),
                ..base("episode_count")
            }
            .with("episode_count", 10),
            d("2030-01-01")
        )
        .is_ok());
    }

    #[test]
    fn foreign_and_unknown_fields_refused() {
        let e = err(RawClaim {
            season: Some(1),
            ..base("canceled")
        }
        .with("character", "x"));
        assert_eq!(e.field.as_deref(), Some("character"));
        let e = err(base("cancelled"));
        assert!(
            e.message.contains("did you mean `canceled`"),
            "{}",
            e.message
        );
        let bad: Result<RawClaim, _> =
            serde_json::from_str(r#"{"kind":"canceled","evnt_date":"2022-01-01"}"#);
        let bad = bad.unwrap_err().to_string();
        assert!(bad.contains("evnt_date"), "{bad}");
        assert!(bad.contains("did you mean `event_date`"), "{bad}");
        // Built in code, the same name is refused by the check, with the same suggestion.
        let e = err(base("canceled").with("seson", 1));
        assert_eq!(e.field.as_deref(), Some("seson"));
        assert!(e.message.contains("did you mean `season`"), "{}", e.message);
    }

    #[test]
    fn round_trip_and_hash_ignore_entered_by() {
        let c = Claim::from_raw(
            RawClaim {
                person: Some("Arden Cho".into()),
                ..base("cast")
            }
            .with("character", "Ingrid Yun")
            .with("tier", CastTier::Lead),
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
                ..base(kind)
            }
            .with("platform", platform);
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
