//! The true value a verdict rests on, one shape per rule. Serialized without a tag, field for
//! field as `scripts/corpus_truth.py` prints its `truth`, so the corpus test compares the two
//! documents directly.

use chrono::NaiveDate;
use serde::Serialize;

/// One chart week summed into a window's hours.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeekHours {
    pub week: NaiveDate,
    pub rank: u32,
    pub hours: i64,
}

/// A chart week only partly inside a window: listed, never summed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartlyInside {
    pub week: NaiveDate,
    /// Whether the season charted that week (an uncharted edge week is outside the window).
    pub charted: bool,
    pub hours: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Truth {
    /// The chart weeks wholly inside a window, summed, and the rounding allowed.
    Hours {
        hours: i64,
        tolerance: i64,
        weeks: Vec<WeekHours>,
        partly_inside: Vec<PartlyInside>,
        weeks_not_charted: Vec<NaiveDate>,
    },
    /// A season's Top 10 run.
    Weeks {
        weeks: u32,
        first: NaiveDate,
        last: NaiveDate,
        categories: Vec<String>,
    },
    /// A season's best rank.
    Rank {
        rank: u32,
        week: NaiveDate,
        category: String,
    },
    ReportHours {
        hours: i64,
        tolerance: i64,
    },
    ReportViews {
        views: i64,
        tolerance: i64,
    },
    /// One date (a premiere, a release date).
    Date(NaiveDate),
    /// Several dated sources that disagree with each other.
    Dates(Vec<NaiveDate>),
    /// Only a bound: the season's first chart week.
    NoLaterThan {
        no_later_than: NaiveDate,
    },
    /// A renewal (for that season, or a later one).
    Renewal {
        season: u32,
        event_date: Option<NaiveDate>,
    },
    /// The season charted (it was made).
    Charted {
        season: u32,
        charted: NaiveDate,
    },
    /// Canceled after `canceled`.
    StoppedCanceled {
        canceled: u32,
        event_date: Option<NaiveDate>,
    },
    /// Ended (as planned) after `ended`.
    StoppedEnded {
        ended: u32,
        event_date: Option<NaiveDate>,
    },
    CanceledAfter {
        canceled_after: u32,
        event_date: Option<NaiveDate>,
    },
    /// Canceled after `canceled_after` (no date in play: a final-season claim).
    CanceledAfterOnly {
        canceled_after: u32,
    },
    LaterSeason {
        later_season: u32,
    },
    FinalSeason {
        final_season: u32,
        event_date: Option<NaiveDate>,
    },
    /// TMDB's status and season count.
    Tmdb {
        status: String,
        seasons: u32,
    },
    /// TMDB's status only (it decides nothing: `Ended` is no cancellation).
    TmdbStatus {
        tmdb_status: String,
    },
    /// A second season exists or was ordered.
    Season {
        season: u32,
    },
    /// Limited (true) by a claim or a `Limited Series` title.
    Flag(bool),
    /// A count (seasons out).
    Count(u32),
    /// A name: the credited character, the director, the platform.
    Name(String),
    /// The character is credited to someone else.
    PlayedBy {
        character: String,
        played_by: String,
    },
    /// Several names (the directors credited).
    Names(Vec<String>),
}

impl Truth {
    /// The true value in words, for the summary sentence.
    pub fn describe(&self) -> String {
        let n = |x: i64| greenlight_ledger::numbers::thousands(x);
        // "dated": an announcement's date may be a bound ("by"), which its source's label says.
        let date = |d: &Option<NaiveDate>| d.map(|d| format!(", dated {d}")).unwrap_or_default();
        match self {
            Truth::Hours {
                hours,
                weeks,
                partly_inside,
                ..
            } => {
                let mut s = format!(
                    "{} hours in the {} chart week(s) wholly inside the window ({})",
                    n(*hours),
                    weeks.len(),
                    weeks
                        .iter()
                        .map(|w| format!("week ending {}: {}", w.week, n(w.hours)))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let partial: Vec<String> = partly_inside
                    .iter()
                    .filter(|p| p.charted)
                    .map(|p| p.week.to_string())
                    .collect();
                if !partial.is_empty() {
                    s.push_str(&format!(
                        "; week(s) ending {} only partly inside",
                        partial.join(", ")
                    ));
                }
                s
            }
            Truth::Weeks {
                weeks, first, last, ..
            } => format!("{weeks} week(s) in the Top 10, {first} to {last}"),
            Truth::Rank {
                rank,
                week,
                category,
            } => format!("peak No. {rank} on {category} in the week ending {week}"),
            Truth::ReportHours { hours, .. } => format!("{} hours in the report", n(*hours)),
            Truth::ReportViews { views, .. } => format!("{} views in the report", n(*views)),
            Truth::Date(d) => d.to_string(),
            Truth::Dates(ds) => ds
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(" or "),
            Truth::NoLaterThan { no_later_than } => {
                format!("out by {no_later_than} (its first chart week)")
            }
            Truth::Renewal { season, event_date } => {
                format!("renewed for season {season}{}", date(event_date))
            }
            Truth::Charted { season, charted } => {
                format!("season {season} charted in the week ending {charted}")
            }
            Truth::StoppedCanceled {
                canceled,
                event_date,
            } => format!("canceled after season {canceled}{}", date(event_date)),
            Truth::StoppedEnded { ended, event_date } => {
                format!("ended with season {ended}{}", date(event_date))
            }
            Truth::CanceledAfter {
                canceled_after,
                event_date,
            } => format!("canceled after season {canceled_after}{}", date(event_date)),
            Truth::CanceledAfterOnly { canceled_after } => {
                format!("canceled after season {canceled_after}")
            }
            Truth::LaterSeason { later_season } => format!("season {later_season} exists"),
            Truth::FinalSeason {
                final_season,
                event_date,
            } => format!(
                "season {final_season} announced as the final season{}",
                date(event_date)
            ),
            Truth::Tmdb { status, seasons } => format!("TMDB: {status} after {seasons} season(s)"),
            Truth::TmdbStatus { tmdb_status } => format!("TMDB: {tmdb_status}"),
            Truth::Season { season } => format!("season {season} exists or was ordered"),
            Truth::Flag(b) => if *b {
                "a limited series"
            } else {
                "not limited"
            }
            .to_string(),
            Truth::Count(c) => format!("{c} season(s) out"),
            Truth::Name(s) => s.clone(),
            Truth::PlayedBy {
                character,
                played_by,
            } => format!("{character} is played by {played_by}"),
            Truth::Names(v) => v.join(", "),
        }
    }
}
