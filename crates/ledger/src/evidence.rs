//! Evidence from data, with no typing: claims the published datasets make by themselves.
//!
//! They are computed from the store on every call, never stored, so they follow the data: a new
//! Top 10 file or engagement report changes them without anyone touching the ledger.
//!
//! | data | claim | dated (event) | published |
//! |---|---|---|---|
//! | a season's first Top 10 week | `premiered` (season N, Netflix) | the week's Sunday, *no later than* | the Sunday + 2 days (Netflix publishes the chart on Tuesdays) |
//! | the first engagement report listing a season | `premiered` | its release date (exact), else the half-year's last day (*no later than*) | see [`engagement_published`] |
//! | a sighting of season N ≥ 2 in either | `season_renewed` (season N) | as the premiere, *no later than* | as the premiere |
//! | a `Limited Series` label | `limited_series` | as the premiere, *no later than* | as the premiere |
//! | a TMDB row `Returning Series` | nothing about a next season (it was ongoing at the snapshot) | | |
//! | a TMDB row `Canceled` / `Ended`, N seasons | `canceled` after N / `ended`, final N | undated | the snapshot's publication date (`MANIFEST.toml`) |
//! | a TMDB row `In Production` / `Planned` | `season_ordered` N+1 (N, at least 1, before its first air date) | undated | the snapshot's publication date (`MANIFEST.toml`) |
//! | a TMDB row's first air date | `premiered` season 1 (exact) | the air date | the snapshot's publication date (`MANIFEST.toml`) |
//! | a `Canceled`/`Ended` TMDB row's last air date | `premiered` season N (*no later than*) | the air date | the snapshot's publication date (`MANIFEST.toml`) |
//!
//! TMDB counts a season once it is listed, which can be before it airs (its season count can
//! include an announced, even final, season): that is why a `Returning Series` row says nothing
//! about a next season and only ended shows' last air date is read as a premiere.
//!
//! A sighting in Netflix's own viewing data (Top 10, engagement) is marked *observed*: it proves
//! the season exists, which [`crate::derive`] lets outrank any statement that it would not be made.
//! Seasons the data names without a number (`N/A`, `Part 2`, a subtitle) only show that the
//! series premiered (season 1, no later than the sighting); they never count as a renewal.

use crate::claims::{Claim, ClaimValue, DatePrecision, Source, SourceKind, Standing};
use crate::error::LedgerError;
use chrono::{Datelike, Days, NaiveDate};
use greenlight_sources::titles::SeasonLabel;
use greenlight_store::{SeriesRef, Store};
use serde::Serialize;

/// A claim with where it came from: the ledger (typed) or the data (computed).
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub claim: Claim,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "origin", rename_all = "snake_case")]
pub enum Origin {
    /// A typed claim, by its content hash and the file (or `api`, `starter`) it came from.
    Ledger { hash: String, entered_from: String },
    /// Computed from a dataset: which one, and the row(s) it rests on.
    Data {
        dataset: String,
        detail: String,
        /// A sighting of the season in Netflix's viewing data (proof the season exists).
        observed: bool,
    },
}

impl Fact {
    pub fn observed(&self) -> bool {
        matches!(self.origin, Origin::Data { observed: true, .. })
    }
    pub fn is_data(&self) -> bool {
        matches!(self.origin, Origin::Data { .. })
    }
    /// A stable identity for sorting ties and de-duplicating.
    pub fn id(&self) -> String {
        match &self.origin {
            Origin::Ledger { hash, .. } => hash.clone(),
            Origin::Data {
                dataset, detail, ..
            } => format!("{dataset}:{}:{detail}", self.claim.kind()),
        }
    }
    pub fn view(&self) -> EvidenceClaim {
        let mut summary = self.claim.summary();
        if crate::derive::is_snapshot_word(self) {
            // Undated: the snapshot only reports it, so its date is when it was reported.
            summary.push_str(&format!(" (reported by {})", self.claim.published));
        }
        EvidenceClaim {
            origin: self.origin.clone(),
            summary,
            standing: self.claim.standing(),
            claim: self.claim.clone(),
        }
    }
}

/// A claim as reports show it: the written form, flattened, plus where it came from, its
/// standing and a readable summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvidenceClaim {
    #[serde(flatten)]
    pub origin: Origin,
    pub summary: String,
    pub standing: Standing,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::claims::RawClaim))]
    pub claim: Claim,
}

// When data became public: one rule for the whole project, in the store, so the ledger and the
// odds agree on what an "as of" date can see.
pub use greenlight_store::published::{
    chart_week as top10_published, engagement_report as engagement_published, period_end,
};

const TOP10: &str = "Netflix Top 10 (global, weekly)";
const TOP10_URL: &str = "https://www.netflix.com/tudum/top10";

fn data_claim(
    series: &str,
    season: Option<u32>,
    value: ClaimValue,
    event: Option<NaiveDate>,
    precision: DatePrecision,
    published: NaiveDate,
    source: Source,
) -> Claim {
    Claim {
        series: series.to_string(),
        season,
        person: None,
        value,
        event_date: event,
        date_precision: if event.is_some() {
            precision
        } else {
            DatePrecision::Exact
        },
        published,
        source,
        entered_by: "greenlight (computed from data)".into(),
        note: None,
    }
}

/// A season sighting: where, the date (exact or bound), when published.
struct Sighting {
    dataset: String,
    source: Source,
    detail: String,
    date: NaiveDate,
    precision: DatePrecision,
    published: NaiveDate,
}

/// All claims the data makes about `series`.
pub fn data_facts(store: &Store, series: &SeriesRef) -> Result<Vec<Fact>, LedgerError> {
    let mut out = Vec::new();
    let slug = series.slug.as_str();
    let show = store.show(series)?;
    // Netflix numbers some series' seasons as parts and never as seasons (`Money Heist: Part 5`,
    // `Lupin: Part 3`): there, and only there (no `Season N` label anywhere in the series), part
    // N is season N. Where seasons are also labelled, a part is a split of one (`Part 2` of a
    // season) and says nothing about the season count.
    let parts_are_seasons = !show
        .seasons
        .iter()
        .any(|x| matches!(x.label, SeasonLabel::Season { .. }))
        && show.seasons.iter().any(|x| {
            matches!(&x.label, SeasonLabel::Numbered { word, .. } if word.eq_ignore_ascii_case("part"))
        });
    for season in &show.seasons {
        let number = match &season.label {
            SeasonLabel::Numbered { word, number }
                if parts_are_seasons && word.eq_ignore_ascii_case("part") =>
            {
                Some(*number)
            }
            other => other.number(),
        };
        let mut sightings = Vec::new();
        if let Some(t) = &season.top10 {
            sightings.push(Sighting {
                dataset: "top10-global".into(),
                source: Source {
                    name: TOP10.into(),
                    url: Some(TOP10_URL.into()),
                    kind: SourceKind::Dataset,
                },
                // Only what was public with that first week: the whole run's length and peak
                // were not, and this fact is shown "as of" its publication date.
                detail: format!(
                    "{}: first Top 10 week ending {}",
                    label_text(&season.label, &season.season),
                    t.first_week
                ),
                date: t.first_week,
                precision: DatePrecision::NoLaterThan,
                published: top10_published(t.first_week),
            });
        }
        // The earliest report listing the season is the sighting; its release date, when the
        // report gives one, dates the premiere exactly.
        let mut reports: Vec<_> = season
            .engagement
            .iter()
            .filter(|e| engagement_published(&e.report).is_some())
            .collect();
        reports.sort_by(|a, b| a.report.cmp(&b.report));
        if let Some(first) = reports.first() {
            let published = engagement_published(&first.report).unwrap_or(NaiveDate::MAX);
            let dated = reports
                .iter()
                .filter(|e| e.report == first.report)
                .find_map(|e| e.release_date);
            let (date, precision) = match (dated, period_end(&first.report)) {
                (Some(d), _) if number.is_some() => (d, DatePrecision::Exact),
                (Some(d), _) => (d, DatePrecision::NoLaterThan),
                (None, Some(end)) => (end, DatePrecision::NoLaterThan),
                (None, None) => (published, DatePrecision::NoLaterThan),
            };
            sightings.push(Sighting {
                dataset: format!("engagement-{}", first.report),
                source: Source {
                    name: format!("Netflix engagement report {}", first.report),
                    url: None,
                    kind: SourceKind::Dataset,
                },
                detail: format!(
                    "\"{}\" in the {} report{}",
                    first.title,
                    first.report,
                    dated
                        .map(|d| format!(", release date {d}"))
                        .unwrap_or_default()
                ),
                date,
                precision,
                published,
            });
        }
        for s in sightings {
            let observed = |detail: &str| Origin::Data {
                dataset: s.dataset.clone(),
                detail: detail.to_string(),
                observed: true,
            };
            let premiered_season = number.unwrap_or(1);
            let precision = if number.is_some() {
                s.precision
            } else {
                DatePrecision::NoLaterThan
            };
            out.push(Fact {
                claim: data_claim(
                    slug,
                    Some(premiered_season),
                    ClaimValue::Premiered {
                        platform: "Netflix".into(),
                    },
                    Some(s.date),
                    precision,
                    s.published,
                    s.source.clone(),
                ),
                origin: observed(&s.detail),
            });
            if let Some(n) = number.filter(|n| *n >= 2) {
                let mut c = data_claim(
                    slug,
                    Some(n),
                    ClaimValue::SeasonRenewed { platform: None },
                    Some(s.date),
                    DatePrecision::NoLaterThan,
                    s.published,
                    s.source.clone(),
                );
                c.note = Some(format!(
                    "season {n} was made, so season {} was renewed by then at the latest",
                    n - 1
                ));
                out.push(Fact {
                    claim: c,
                    origin: observed(&s.detail),
                });
            }
            if season.label == SeasonLabel::Limited {
                out.push(Fact {
                    claim: data_claim(
                        slug,
                        None,
                        ClaimValue::LimitedSeries {
                            platform: Some("Netflix".into()),
                        },
                        Some(s.date),
                        DatePrecision::NoLaterThan,
                        s.published,
                        s.source.clone(),
                    ),
                    origin: Origin::Data {
                        dataset: s.dataset.clone(),
                        detail: s.detail.clone(),
                        observed: false,
                    },
                });
            }
        }
    }
    for f in store.tmdb_facts(series)? {
        let source = Source {
            name: format!("TMDB status snapshot ({})", f.file),
            url: None,
            kind: SourceKind::Dataset,
        };
        let n = f.number_of_seasons;
        let detail = format!("{} ({}): {}, {} season(s)", f.name, f.network, f.status, n);
        let origin = || Origin::Data {
            dataset: "tmdb-status".into(),
            detail: detail.clone(),
            observed: false,
        };
        let claim = |season, value, event, precision| {
            data_claim(
                slug,
                season,
                value,
                event,
                precision,
                f.published,
                source.clone(),
            )
        };
        match f.status.as_str() {
            // "Ongoing at the snapshot" is all it says: its season count can already include an
            // announced (even final) season, so it decides nothing about a further season and
            // is not read as a renewal (CLAIMS.md).
            "Returning Series" => {}
            "Canceled" => out.push(Fact {
                claim: claim(
                    Some(n),
                    ClaimValue::Canceled { platform: None },
                    None,
                    DatePrecision::Exact,
                ),
                origin: origin(),
            }),
            "Ended" => {
                let mut c = claim(Some(n), ClaimValue::Ended, None, DatePrecision::Exact);
                c.note =
                    Some("TMDB's Ended covers both planned endings and quiet cancellations".into());
                out.push(Fact {
                    claim: c,
                    origin: origin(),
                });
            }
            // Being made or planned: the next season if the show is on the air, else its first
            // (or the one TMDB lists, when it lists seasons before any air date).
            "In Production" | "Planned" => {
                let aired = f.first_air_date.is_some_and(|d| d <= f.as_of);
                let season = if aired { n.saturating_add(1) } else { n.max(1) };
                let mut c = claim(
                    Some(season),
                    ClaimValue::SeasonOrdered {
                        platform: None,
                        episode_count: None,
                    },
                    None,
                    DatePrecision::Exact,
                );
                c.note = Some(format!("TMDB status {}", f.status));
                out.push(Fact {
                    claim: c,
                    origin: origin(),
                });
            }
            // `Pilot` (only a pilot was made) and anything else decide nothing about a next season.
            _ => {}
        }
        let platform = if f.network.trim().is_empty() {
            "unknown network".to_string()
        } else {
            f.network.clone()
        };
        if let Some(first) = f.first_air_date.filter(|d| *d <= f.as_of) {
            out.push(Fact {
                claim: claim(
                    Some(1),
                    ClaimValue::Premiered {
                        platform: platform.clone(),
                    },
                    Some(first),
                    DatePrecision::Exact,
                ),
                origin: origin(),
            });
        }
        // TMDB counts a season once it is listed, which can be before it airs (a Returning
        // Series with its next season announced), so the last air date bounds the last listed
        // season's premiere only for a show that has ended.
        let ended = matches!(f.status.as_str(), "Canceled" | "Ended");
        if let Some(last) = f.last_air_date.filter(|d| *d <= f.as_of && n >= 2 && ended) {
            out.push(Fact {
                claim: claim(
                    Some(n),
                    ClaimValue::Premiered { platform },
                    Some(last),
                    DatePrecision::NoLaterThan,
                ),
                origin: origin(),
            });
        }
    }
    Ok(out)
}

fn label_text(label: &SeasonLabel, display: &str) -> String {
    match label {
        SeasonLabel::Whole => "the series (no season label)".into(),
        _ => display.to_string(),
    }
}

/// Sundays `w` whose chart week (`w-6 ..= w`) lies wholly inside `[from, to]`.
pub fn weeks_inside(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    // First Sunday on or after from + 6 days.
    let Some(mut w) = from.checked_add_days(Days::new(6)) else {
        return out;
    };
    let to_sunday = (7 - w.weekday().num_days_from_sunday()) % 7;
    w = match w.checked_add_days(Days::new(u64::from(to_sunday))) {
        Some(d) => d,
        None => return out,
    };
    while w <= to && out.len() < 10_000 {
        out.push(w);
        match w.checked_add_days(Days::new(7)) {
            Some(n) => w = n,
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn publication_conventions() {
        assert_eq!(top10_published(d("2022-08-28")), d("2022-08-30"));
        // The project's one rule (greenlight_store::published): real dates for the first two.
        assert_eq!(engagement_published("2023H1"), Some(d("2023-12-12")));
        assert_eq!(engagement_published("2023H2"), Some(d("2024-05-23")));
        assert_eq!(engagement_published("2024H2"), Some(d("2025-03-31")));
        assert_eq!(engagement_published("2023"), None);
        assert_eq!(engagement_published("2023H3"), None);
    }

    #[test]
    fn whole_weeks_in_a_window() {
        // Partner Track's stated window: Sunday 2022-08-21 .. Sunday 2022-09-11 holds the weeks
        // ending 08-28, 09-04, 09-11 (the week ending 08-21 starts 08-15, outside).
        assert_eq!(
            weeks_inside(d("2022-08-21"), d("2022-09-11")),
            vec![d("2022-08-28"), d("2022-09-04"), d("2022-09-11")]
        );
        assert_eq!(
            weeks_inside(d("2022-08-22"), d("2022-08-28")),
            vec![d("2022-08-28")]
        );
        assert!(weeks_inside(d("2022-08-23"), d("2022-08-28")).is_empty());
    }
}
