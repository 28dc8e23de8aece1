//! What to expect of the next season, as facts: who likely returns, how many episodes, the
//! trailer, the open storylines, each with its source. Built here rather than in the page, so
//! `greenlight status`, its `--json` and the API carry the same outlook the series page shows.

use greenlight_ledger::claims::Source;
use greenlight_ledger::{CastReport, CastTier, ClaimValue, Status, StatusReport, TimelineReport};
use serde::Serialize;

/// Whether the status says no season will follow: then there is no outlook to give. Spelled
/// out rather than `Status::is_final`, so a status the ledger adds (a final season announced,
/// which is still coming) keeps its outlook.
pub fn no_further_season(s: Status) -> bool {
    matches!(s, Status::Canceled | Status::Ended | Status::LimitedSeries)
}

/// Where an outlook item comes from: enough to name and link it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutlookSource {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl From<&Source> for OutlookSource {
    fn from(s: &Source) -> Self {
        OutlookSource {
            name: s.name.clone(),
            url: s.url.clone(),
        }
    }
}

/// A lead or regular of the latest season: the likeliest to return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReturningCast {
    pub person: String,
    pub characters: Vec<String>,
    /// The names of the sources that list them (ledger sources, JustWatch's credits).
    pub sources: Vec<String>,
}

/// The episode count to expect: the latest season's, as the best guess for the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExpectedEpisodes {
    pub count: u32,
    /// The season the count is of (the one before `Outlook::season`).
    pub of_season: u32,
    pub source: OutlookSource,
}

/// The next season's trailer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Trailer {
    pub url: String,
    pub source: OutlookSource,
}

/// A storyline left open, which the next season may pick up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenStoryline {
    pub text: String,
    /// The season at whose end it is open, when the claim says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub season: Option<u32>,
    pub source: OutlookSource,
}

/// What to expect of `season`, for a season that may still come. Every item is present only
/// when known: an empty list or an absent field means the data says nothing, not "none".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outlook {
    /// The next season, the one the outlook is about.
    pub season: u32,
    /// The leads and regulars of the season before, in the cast report's order.
    pub returning_cast: Vec<ReturningCast>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_episodes: Option<ExpectedEpisodes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trailer: Option<Trailer>,
    pub open_storylines: Vec<OpenStoryline>,
}

/// The outlook of the status's next season from the series' timeline and cast (which the
/// caller reads with the same as-of date as the status), or `None` when no season follows.
pub fn outlook(s: &StatusReport, timeline: &TimelineReport, cast: &CastReport) -> Option<Outlook> {
    if no_further_season(s.status) {
        return None;
    }
    let n = s.next_season;
    let last = n.saturating_sub(1);
    let claims = || timeline.entries.iter().map(|e| &e.claim.claim);
    // The first count the timeline gives for the latest season, whichever claim states it.
    let expected_episodes = claims().find_map(|c| {
        let count = match &c.value {
            ClaimValue::EpisodeCount { episodes } if c.season == Some(last) => *episodes,
            ClaimValue::SeasonOrdered {
                episode_count: Some(e),
                ..
            } if c.season == Some(last) => *e,
            ClaimValue::SeriesOrdered {
                episode_count: Some(e),
                ..
            } if last == 1 => *e,
            _ => return None,
        };
        Some(ExpectedEpisodes {
            count,
            of_season: last,
            source: (&c.source).into(),
        })
    });
    let trailer = claims().find_map(|c| match &c.value {
        ClaimValue::TrailerReleased { url } if c.season == Some(n) => Some(Trailer {
            url: url.clone(),
            source: (&c.source).into(),
        }),
        _ => None,
    });
    let open_storylines = claims()
        .filter_map(|c| match &c.value {
            ClaimValue::StorylineOpen { text } => Some(OpenStoryline {
                text: text.clone(),
                season: c.season,
                source: (&c.source).into(),
            }),
            _ => None,
        })
        .collect();
    // No season before the first: nobody to return.
    let returning_cast = if last >= 1 {
        cast.cast
            .iter()
            .filter(|m| matches!(m.tier, Some(CastTier::Lead | CastTier::Regular)))
            .filter(|m| m.seasons.is_empty() || m.seasons.contains(&last))
            .map(|m| ReturningCast {
                person: m.person.clone(),
                characters: m.characters.clone(),
                sources: m.sources.clone(),
            })
            .collect()
    } else {
        Vec::new()
    };
    Some(Outlook {
        season: n,
        returning_cast,
        expected_episodes,
        trailer,
        open_storylines,
    })
}
