//! Labels from data (issue item 3): what happened after each season that charted in a global
//! TV Top 10, decided only by what the data shows. The rules, in order:
//!
//! 1. **renewed** if a later season (N+1 or higher) of the series is seen in any chart or
//!    engagement report, first evidenced after season N's premiere;
//! 2. **renewed** if the TMDB snapshot says `Returning Series` with more than N seasons;
//! 3. **not renewed** if TMDB says `Canceled` or `Ended` with N as the last season;
//! 4. **not renewed** if no later season is seen within 30 months of the premiere while the
//!    chart data runs past those 30 months;
//! 5. otherwise **undecided** (never trained on).
//!
//! Seen evidence comes first: when TMDB disagrees with a season that was actually released,
//! the release wins (the TMDB record is older, or is another show of the same name).
//! Limited series, parts, volumes and specials are not numbered seasons and are excluded.

use crate::catalog::{Catalog, Season, TmdbRow};
use crate::dates;
use crate::metrics::{premiere, Premiere, PremiereSource};
use chrono::{Duration, NaiveDate};
use greenlight_sources::titles::SeasonLabel;
use serde::Serialize;
use std::collections::BTreeMap;

/// Months without a next season after which a season counts as not renewed.
pub const SILENCE_MONTHS: u32 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Renewed,
    NotRenewed,
    Undecided,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Renewed => "renewed",
            Outcome::NotRenewed => "not_renewed",
            Outcome::Undecided => "undecided",
        }
    }
}

/// Which rule decided a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    LaterSeasonSeen,
    TmdbReturning,
    TmdbCanceledOrEnded,
    #[serde(rename = "no_later_season_in_30_months")]
    NoLaterSeasonIn30Months,
    Undecided,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelledSeason {
    pub series: String,
    pub slug: String,
    pub season: u32,
    #[serde(skip)]
    pub season_id: i64,
    #[serde(skip)]
    pub series_id: i64,
    pub premiere: Option<NaiveDate>,
    pub outcome: Outcome,
    pub rule: Rule,
    /// Human-readable evidence for the label.
    pub evidence: String,
    /// Whether both outcomes could have been observed: the premiere's launch is in the chart
    /// data and the data runs 30 months past it. Only such seasons are trained and tested on,
    /// since later seasons can so far only be labelled renewed (a censoring bias).
    pub trainable: bool,
    /// TMDB disagreed with what the data showed.
    pub tmdb_conflict: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LabelCounts {
    pub renewed: u32,
    pub not_renewed: u32,
    pub undecided: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelReport {
    pub rules: Vec<String>,
    /// The last chart week: how far the data runs.
    pub horizon: NaiveDate,
    /// Seasons premiered on or before this date had 30 months of data after them.
    pub decidable_through: NaiveDate,
    /// Every numbered season that charted in a global TV Top 10.
    pub all: LabelCounts,
    /// The seasons trained and tested on (see `trainable`).
    pub trainable: LabelCounts,
    pub by_rule: BTreeMap<String, u32>,
    pub excluded_limited_series: u32,
    /// Parts, volumes, named arcs, dated specials and unnumbered entries that charted.
    pub excluded_not_numbered: u32,
    /// Numbered seasons whose launch is not in the chart data (charted only on a revival or
    /// licensed arrival, or launched before the data begins).
    pub excluded_launch_not_in_data: u32,
    pub tmdb_conflicts: u32,
    pub seasons: Vec<LabelledSeason>,
}

/// The label of one season, judged on all the data in the catalog.
pub fn label_season(cat: &Catalog, s: &Season) -> LabelledSeason {
    let (title, slug) = cat
        .series
        .get(&s.series_id)
        .map(|x| (x.title.clone(), x.slug.clone()))
        .unwrap_or_default();
    let p = premiere(cat, s);
    let start = p.map(|p| p.date).or(s.first_seen);
    let mut out = LabelledSeason {
        series: title,
        slug,
        season: s.number,
        season_id: s.id,
        series_id: s.series_id,
        premiere: p.map(|p| p.date),
        outcome: Outcome::Undecided,
        rule: Rule::Undecided,
        evidence: String::new(),
        trainable: false,
        tmdb_conflict: false,
    };
    let deadline = start.map(|d| dates::add_months(d, SILENCE_MONTHS));
    // A release date marks a Netflix premiere: licensed catalogue arrivals have none in the
    // engagement reports, and their renewals were decided elsewhere, years earlier.
    out.trainable = p
        .is_some_and(|p| p.source == PremiereSource::ReleaseDate && launch_in_data(cat, &p))
        && deadline.is_some_and(|d| d <= cat.horizon);

    let later = later_season(cat, s, start);
    let tmdb = tmdb_for(cat, s, start);
    if let Some((n, seen, how)) = later {
        out.outcome = Outcome::Renewed;
        out.rule = Rule::LaterSeasonSeen;
        out.evidence = format!("season {n} seen: {how} ({seen})");
        out.tmdb_conflict = tmdb.is_some_and(|t| is_over(t) && t.number_of_seasons == s.number);
        return out;
    }
    if let Some(t) = tmdb {
        if t.status == "Returning Series" && t.number_of_seasons > s.number {
            out.outcome = Outcome::Renewed;
            out.rule = Rule::TmdbReturning;
            out.evidence = format!(
                "TMDB ({}): Returning Series with {} seasons",
                t.as_of, t.number_of_seasons
            );
            return out;
        }
        if is_over(t) && t.number_of_seasons == s.number {
            out.outcome = Outcome::NotRenewed;
            out.rule = Rule::TmdbCanceledOrEnded;
            out.evidence = format!(
                "TMDB ({}): {} after {} season(s)",
                t.as_of, t.status, t.number_of_seasons
            );
            return out;
        }
    }
    if let Some(d) = deadline.filter(|d| *d <= cat.horizon) {
        out.outcome = Outcome::NotRenewed;
        out.rule = Rule::NoLaterSeasonIn30Months;
        out.evidence = format!(
            "no season {} seen by {d} (data runs to {})",
            s.number + 1,
            cat.horizon
        );
        return out;
    }
    out.evidence = match deadline {
        Some(d) => format!("no season {} seen yet; decidable on {d}", s.number + 1),
        None => "no premiere date".into(),
    };
    out
}

fn is_over(t: &TmdbRow) -> bool {
    t.status == "Canceled" || t.status == "Ended"
}

/// Whether the launch of a season is inside the chart data, so its launch windows are whole.
pub fn launch_in_data(cat: &Catalog, p: &Premiere) -> bool {
    let data_start = cat.chart.first().map(|r| r.week);
    p.launch_charted && data_start.is_some_and(|s| dates::week_end_of(p.date) >= s)
}

/// The lowest-numbered later season first seen after `start`, with when and how it was seen.
fn later_season(
    cat: &Catalog,
    s: &Season,
    start: Option<NaiveDate>,
) -> Option<(u32, NaiveDate, String)> {
    let start = start?;
    cat.series_seasons
        .get(&s.series_id)?
        .iter()
        .map(|&i| &cat.seasons[i])
        .filter(|o| o.number > s.number)
        .filter_map(|o| {
            let seen = o.first_seen.filter(|d| *d > start)?;
            let how = match (o.first_chart_week, o.release_date) {
                (Some(w), _) if greenlight_store::week_start(w) == seen => {
                    format!("Top 10 week ending {w}")
                }
                (_, Some(r)) if r == seen => format!("engagement report release date {r}"),
                _ => {
                    let rep = cat
                        .engagement
                        .get(&o.id)
                        .and_then(|e| e.iter().map(|r| r.report.clone()).min());
                    format!("engagement report {}", rep.unwrap_or_default())
                }
            };
            Some((o.number, seen, how))
        })
        .min_by_key(|x| x.0)
}

/// The TMDB record that speaks of this show: it must have aired by the season's premiere (plus
/// a grace period, TMDB dates the first episode by its original network), and a Netflix record
/// is preferred over a same-named show elsewhere.
fn tmdb_for<'a>(cat: &'a Catalog, s: &Season, start: Option<NaiveDate>) -> Option<&'a TmdbRow> {
    let start = start?;
    let rows = cat.tmdb.get(&s.series_id)?;
    let fits = |t: &&TmdbRow| {
        t.first_air_date
            .is_some_and(|d| d <= start + Duration::days(60))
    };
    rows.iter()
        .filter(fits)
        .find(|t| t.network == "Netflix")
        .or_else(|| rows.iter().find(fits))
}

/// Labels every numbered season that charted in a global TV Top 10.
pub fn label_all(
    cat: &Catalog,
    store: &greenlight_store::Store,
) -> Result<LabelReport, crate::OddsError> {
    let mut seasons = Vec::new();
    for s in &cat.seasons {
        let charted_tv = cat.chart_rows(s.id).any(|r| r.cat < 2);
        if charted_tv {
            seasons.push(label_season(cat, s));
        }
    }
    seasons.sort_by(|a, b| {
        a.premiere
            .cmp(&b.premiere)
            .then(a.slug.cmp(&b.slug))
            .then(a.season.cmp(&b.season))
    });

    // Count what charted but is not a numbered season, by label kind.
    let mut limited = 0;
    let mut not_numbered = 0;
    for s in store.tv_charted_season_labels()? {
        match s.label {
            Some(SeasonLabel::Season { .. }) => {}
            Some(SeasonLabel::Limited) => limited += 1,
            _ => not_numbered += 1,
        }
    }

    let mut all = LabelCounts::default();
    let mut trainable = LabelCounts::default();
    let mut by_rule = BTreeMap::new();
    let mut launch_missing = 0;
    for l in &seasons {
        let bump = |c: &mut LabelCounts| match l.outcome {
            Outcome::Renewed => c.renewed += 1,
            Outcome::NotRenewed => c.not_renewed += 1,
            Outcome::Undecided => c.undecided += 1,
        };
        bump(&mut all);
        if l.trainable {
            bump(&mut trainable);
        }
        let launch_ok = cat
            .season(l.season_id)
            .and_then(|s| premiere(cat, s))
            .is_some_and(|p| launch_in_data(cat, &p));
        if !launch_ok {
            launch_missing += 1;
        }
        let key = serde_json::to_value(l.rule)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        *by_rule.entry(key).or_insert(0) += 1;
    }
    Ok(LabelReport {
        rules: vec![
            "renewed: a later season of the series is seen in any chart or engagement report after this season's premiere".into(),
            "renewed: TMDB says Returning Series with more than N seasons".into(),
            "not renewed: TMDB says Canceled or Ended with N as the last season".into(),
            format!("not renewed: no later season seen within {SILENCE_MONTHS} months of the premiere, and the chart data runs past that"),
            "otherwise undecided (not trained on); limited series and unnumbered entries are excluded".into(),
            "trainable: a Netflix premiere (release date known) whose launch is in the chart data, with 30 months of data after it (both outcomes observable)".into(),
        ],
        horizon: cat.horizon,
        decidable_through: cat.horizon.checked_sub_months(chrono::Months::new(SILENCE_MONTHS)).unwrap_or(cat.horizon),
        all,
        trainable,
        by_rule,
        excluded_limited_series: limited,
        excluded_not_numbered: not_numbered,
        excluded_launch_not_in_data: launch_missing,
        tmdb_conflicts: seasons.iter().filter(|l| l.tmdb_conflict).count() as u32,
        seasons,
    })
}
