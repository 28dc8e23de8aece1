//! Season metrics as of a date (issue items 1 and 2). Every number here is computed from rows
//! published by `as_of` only; see [`crate::dates`] for the publication rules and METRICS.md
//! for the formulas and their limits.

use crate::catalog::{Catalog, Season, CATEGORIES};
use crate::costs::{CostEntry, Costs};
use crate::dates;
use crate::finance::Region;
use chrono::{Duration, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The launch windows reported, in days after the premiere.
pub const WINDOWS: [u32; 3] = [7, 28, 91];

/// A launch begins within this many days of the release date if the season's first chart week
/// is its launch; a later first chart week means the season charted on a revival (or a
/// licensed arrival), not at launch.
pub const LAUNCH_SLACK_DAYS: i64 = 35;

/// How the premiere date was established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PremiereSource {
    /// The release date an engagement report gives the season.
    ReleaseDate,
    /// No release date is known: the start of the season's first chart week.
    FirstChartWeek,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Premiere {
    pub date: NaiveDate,
    pub source: PremiereSource,
    /// Whether the season's first chart week is its launch (it charted within
    /// [`LAUNCH_SLACK_DAYS`] of release), so launch windows mean what they say.
    pub launch_charted: bool,
}

/// The premiere of a season, if anything dates it.
pub fn premiere(cat: &Catalog, s: &Season) -> Option<Premiere> {
    match (s.release_date, s.first_chart_week) {
        (Some(r), first) => Some(Premiere {
            date: r,
            source: PremiereSource::ReleaseDate,
            launch_charted: first.is_some_and(|w| {
                w >= r && w <= dates::week_end_of(r) + Duration::days(LAUNCH_SLACK_DAYS)
            }),
        }),
        (None, Some(w)) => {
            // Without a release date the first chart week is taken as the launch, unless it is
            // the very first week of the data (the season may have launched long before).
            let data_start = cat.chart.first().map(|r| r.week);
            Some(Premiere {
                date: greenlight_store::week_start(w),
                source: PremiereSource::FirstChartWeek,
                launch_charted: data_start != Some(w),
            })
        }
        (None, None) => None,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowMetrics {
    pub days: u32,
    /// The last chart week of the window.
    pub last_week: NaiveDate,
    /// Whether every week of the window had been published by `as_of`.
    pub complete: bool,
    /// Weeks of the window in which the season was in a Top 10 list.
    pub chart_weeks: u32,
    pub peak_rank: Option<u32>,
    /// Hours in the window's chart weeks. Weeks outside the Top 10 count as zero, so this is a
    /// lower bound.
    pub hours: f64,
    /// Hours / runtime; `None` where the season's runtime is unknown.
    pub views: Option<f64>,
    /// The season's hours over every hour of its list in the window's weeks.
    pub view_share_list: Option<f64>,
    /// The season's hours over every hour of all four lists in the window's weeks.
    pub view_share_all: Option<f64>,
    /// Views, weighted by the audience's ARPU, over all weighted views of the four lists.
    pub adjusted_view_share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekMetrics {
    pub week_end: NaiveDate,
    pub published: NaiveDate,
    pub category: String,
    pub rank: u32,
    pub hours: f64,
    pub views: Option<f64>,
    pub view_share_list: Option<f64>,
    pub view_share_all: Option<f64>,
    /// This week's hours over the previous week's, when the season charted in both.
    pub retention: Option<f64>,
    /// ARPU weight of the audience this week (1 where no country lists exist).
    pub arpu_weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Retention {
    /// Hours in the second chart week after the premiere over the first.
    pub week2_over_week1: Option<f64>,
    /// Hours in the fourth week of the launch over the launch's peak week (0 if it had left
    /// the Top 10 by then).
    pub week4_over_peak: Option<f64>,
    /// The mean of week-over-week ratios over consecutive charted weeks.
    pub mean_week_over_week: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EngagementMetrics {
    pub report: String,
    pub published: NaiveDate,
    pub hours: f64,
    pub views: Option<f64>,
    /// Days of the report's half-year on which the season was available.
    pub days_available: i64,
}

/// Viewing after the launch, from the engagement reports that start after the 91-day window,
/// relative to the launch itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LongTail {
    /// Hours of the launch: the 91-day window's chart hours, or where the season never charted
    /// in it, the hours of the engagement report covering the premiere.
    pub launch_hours: f64,
    pub launch_source: String,
    /// Reports whose half-year starts after the 91-day window.
    pub later_reports: Vec<String>,
    pub later_hours: f64,
    /// Mean hours per later half-year over launch hours: how much of a launch's audience the
    /// season keeps finding each half-year afterwards.
    pub ratio_per_half_year: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountryMetrics {
    /// Countries in whose Top 10 the season appeared (weeks published by `as_of`).
    pub countries_charted: u32,
    pub by_region: BTreeMap<String, u32>,
    /// Country-list weeks available for the season's chart weeks.
    pub weeks_covered: u32,
    /// Mean ARPU weight over the season's weighted chart weeks.
    pub arpu_weight: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Impact {
    pub cost_usd: f64,
    pub cost_source: String,
    /// Cost over Netflix's revenue in the same window (the year's revenue pro rata).
    pub cost_share: f64,
    /// Adjusted view share (first 91 days) over cost share.
    pub impact_value: f64,
    pub window_days: u32,
}

/// The metrics of one season as of a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeasonMetrics {
    pub series: String,
    pub slug: String,
    pub season: u32,
    pub as_of: NaiveDate,
    pub premiere: Option<Premiere>,
    pub category: Option<String>,
    pub runtime_hours: Option<f64>,
    pub windows: Vec<WindowMetrics>,
    pub weeks_in_top10: u32,
    pub peak_rank: Option<u32>,
    pub first_chart_week: Option<NaiveDate>,
    pub last_chart_week: Option<NaiveDate>,
    pub retention: Retention,
    pub weekly: Vec<WeekMetrics>,
    pub engagement: Vec<EngagementMetrics>,
    pub long_tail: Option<LongTail>,
    pub countries: Option<CountryMetrics>,
    /// The 91-day adjusted view share (see METRICS.md), repeated from `windows` for the
    /// impact value beside it.
    pub adjusted_view_share: Option<f64>,
    /// Only where a sourced cost is known.
    pub impact: Option<Impact>,
    pub notes: Vec<String>,
}

impl SeasonMetrics {
    pub fn window(&self, days: u32) -> Option<&WindowMetrics> {
        self.windows.iter().find(|w| w.days == days)
    }
}

fn ratio(num: f64, den: f64) -> Option<f64> {
    (den > 0.0 && num.is_finite()).then(|| num / den)
}

/// Computes a season's metrics from what had been published by `as_of`.
pub fn season_metrics(
    cat: &Catalog,
    s: &Season,
    as_of: NaiveDate,
    costs: Option<&Costs>,
) -> SeasonMetrics {
    let series = cat.series.get(&s.series_id);
    let (title, slug) = series
        .map(|x| (x.title.clone(), x.slug.clone()))
        .unwrap_or_default();
    let mut notes = Vec::new();
    let premiere = premiere(cat, s);
    let rows: Vec<_> = cat
        .chart_rows(s.id)
        .filter(|r| dates::chart_published(r.week) <= as_of)
        .collect();
    let category = rows.first().map(|r| CATEGORIES[r.cat as usize].to_string());
    let runtime_hours = rows.iter().find_map(|r| r.runtime_hours).or_else(|| {
        cat.runtime_hours
            .get(&s.id)
            .filter(|(published, _)| *published <= as_of)
            .map(|(_, h)| *h)
    });

    let windows = match premiere {
        Some(p) => WINDOWS
            .iter()
            .map(|&d| window(cat, s, p.date, d, as_of, runtime_hours))
            .collect(),
        None => Vec::new(),
    };
    if runtime_hours.is_none() {
        notes.push(format!(
            "no runtime published by {as_of} (the chart gives none for these weeks and no engagement report \
             giving it had come out): views, and the adjusted view share built on them, are unknown"
        ));
    }
    if premiere.is_none() {
        notes.push("no release date or chart week dates this season".into());
    } else if premiere.is_some_and(|p| !p.launch_charted) {
        notes.push(
            "the season's first chart week is not its launch: launch windows may miss its launch"
                .into(),
        );
    }

    let mut weekly = Vec::new();
    let mut prev: Option<(NaiveDate, f64)> = None;
    for r in &rows {
        let lt = cat.list_totals.get(&(r.week, r.cat));
        let wt = cat.week_totals.get(&r.week);
        let retention = prev
            .filter(|(w, _)| *w + Duration::days(7) == r.week)
            .and_then(|(_, h)| ratio(r.hours, h));
        weekly.push(WeekMetrics {
            week_end: r.week,
            published: dates::chart_published(r.week),
            category: CATEGORIES[r.cat as usize].to_string(),
            rank: r.rank,
            hours: r.hours,
            views: r.views,
            view_share_list: lt.and_then(|t| ratio(r.hours, t.hours)),
            view_share_all: wt.and_then(|t| ratio(r.hours, t.hours)),
            retention,
            arpu_weight: r.weight,
        });
        prev = Some((r.week, r.hours));
    }
    let ratios: Vec<f64> = weekly.iter().filter_map(|w| w.retention).collect();
    let retention = Retention {
        week2_over_week1: premiere.and_then(|p| {
            let w1 = dates::week_end_of(p.date);
            let h = |w: NaiveDate| rows.iter().find(|r| r.week == w).map(|r| r.hours);
            h(w1)
                .and_then(|a| ratio(h(w1 + Duration::days(7)).unwrap_or(0.0), a))
                .filter(|_| dates::chart_published(w1 + Duration::days(7)) <= as_of)
        }),
        week4_over_peak: premiere.and_then(|p| {
            let w1 = dates::week_end_of(p.date);
            let w4 = w1 + Duration::days(21);
            if dates::chart_published(w4) > as_of {
                return None;
            }
            let launch: Vec<_> = rows
                .iter()
                .filter(|r| r.week >= w1 && r.week <= w4)
                .collect();
            let peak = launch.iter().map(|r| r.hours).fold(0.0, f64::max);
            ratio(
                launch
                    .iter()
                    .find(|r| r.week == w4)
                    .map(|r| r.hours)
                    .unwrap_or(0.0),
                peak,
            )
        }),
        mean_week_over_week: (!ratios.is_empty())
            .then(|| ratios.iter().sum::<f64>() / ratios.len() as f64),
    };

    let engagement: Vec<EngagementMetrics> = cat
        .engagement
        .get(&s.id)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let published = e.published.filter(|p| *p <= as_of)?;
            let (start, end) = dates::report_period(&e.report)?;
            let from = premiere.map(|p| p.date.max(start)).unwrap_or(start);
            Some(EngagementMetrics {
                report: e.report.clone(),
                published,
                hours: e.hours,
                views: e.views,
                days_available: (end - from).num_days() + 1,
            })
        })
        .collect();
    let long_tail = premiere.and_then(|p| long_tail(p.date, &windows, &engagement));
    let countries = country_metrics(
        cat,
        s,
        &rows
            .iter()
            .map(|r| (r.week, r.weight, r.weighted))
            .collect::<Vec<_>>(),
        as_of,
    );
    if countries.is_none() && !rows.is_empty() {
        notes.push(format!(
            "no country lists cover this season's chart weeks (they exist for {} .. {} only), so its audience is not ARPU-weighted",
            cat.country_weeks.first().map(|d| d.to_string()).unwrap_or_default(),
            cat.country_weeks.last().map(|d| d.to_string()).unwrap_or_default()
        ));
    }
    if cat.finance.is_none() {
        notes.push(
            "no netflix-finance figures imported (arpu-by-region and revenue-by-region): adjusted view share is unweighted"
                .into(),
        );
    }

    let w91 = windows.iter().find(|w| w.days == 91);
    let adjusted_view_share = w91.and_then(|w| w.adjusted_view_share);
    let cost = costs.and_then(|c| c.find(&title, &slug, s.number));
    let impact = match (cost, adjusted_view_share, premiere) {
        (Some(c), Some(avs), Some(p)) => impact(cat, c, avs, p.date),
        _ => None,
    };
    if cost.is_none() {
        notes.push("no sourced cost for this season: impact value not shown".into());
    }

    SeasonMetrics {
        series: title,
        slug,
        season: s.number,
        as_of,
        premiere,
        category,
        runtime_hours,
        windows,
        weeks_in_top10: rows.iter().map(|r| r.week).collect::<BTreeSet<_>>().len() as u32,
        peak_rank: rows.iter().map(|r| r.rank).min(),
        first_chart_week: rows.first().map(|r| r.week),
        last_chart_week: rows.last().map(|r| r.week),
        retention,
        weekly,
        engagement,
        long_tail,
        countries,
        adjusted_view_share,
        impact,
        notes,
    }
}

fn window(
    cat: &Catalog,
    s: &Season,
    premiere: NaiveDate,
    days: u32,
    as_of: NaiveDate,
    runtime_hours: Option<f64>,
) -> WindowMetrics {
    let first = dates::week_end_of(premiere);
    let last = dates::window_last_week(premiere, days);
    let mut weeks = Vec::new();
    let mut w = first;
    while w <= last && dates::chart_published(w) <= as_of {
        weeks.push(w);
        w += Duration::days(7);
    }
    let rows: Vec<_> = cat
        .chart_rows(s.id)
        .filter(|r| r.week >= first && r.week <= last && dates::chart_published(r.week) <= as_of)
        .collect();
    let hours: f64 = rows.iter().map(|r| r.hours).sum();
    let views = if rows.iter().all(|r| r.views.is_some()) {
        Some(rows.iter().filter_map(|r| r.views).sum::<f64>())
    } else {
        runtime_hours.map(|rt| hours / rt)
    };
    // The list the season charts in; a season that never charted has no list share.
    let list = rows.first().map(|r| r.cat);
    let list_hours: f64 = list
        .map(|c| {
            weeks
                .iter()
                .filter_map(|w| cat.list_totals.get(&(*w, c)))
                .map(|t| t.hours)
                .sum()
        })
        .unwrap_or(0.0);
    let all: Vec<_> = weeks
        .iter()
        .filter_map(|w| cat.week_totals.get(w))
        .collect();
    let all_hours: f64 = all.iter().map(|t| t.hours).sum();
    let all_weighted: f64 = all.iter().map(|t| t.weighted_views).sum();
    let own_weighted = if rows.iter().all(|r| r.views.is_some()) {
        Some(
            rows.iter()
                .map(|r| r.views.unwrap_or(0.0) * r.weight)
                .sum::<f64>(),
        )
    } else {
        runtime_hours.map(|rt| rows.iter().map(|r| r.hours / rt * r.weight).sum())
    };
    WindowMetrics {
        days,
        last_week: last,
        complete: dates::chart_published(last) <= as_of,
        chart_weeks: rows.len() as u32,
        peak_rank: rows.iter().map(|r| r.rank).min(),
        hours,
        views,
        view_share_list: list.and_then(|_| ratio(hours, list_hours)),
        view_share_all: ratio(hours, all_hours),
        adjusted_view_share: own_weighted.and_then(|v| ratio(v, all_weighted)),
    }
}

fn long_tail(
    premiere: NaiveDate,
    windows: &[WindowMetrics],
    engagement: &[EngagementMetrics],
) -> Option<LongTail> {
    let window_end = dates::window_last_week(premiere, 91);
    let later: Vec<&EngagementMetrics> = engagement
        .iter()
        .filter(|e| dates::report_period(&e.report).is_some_and(|(start, _)| start > window_end))
        .collect();
    if later.is_empty() {
        return None;
    }
    let chart = windows
        .iter()
        .find(|w| w.days == 91)
        .map(|w| w.hours)
        .filter(|h| *h > 0.0);
    let (launch_hours, launch_source) = match chart {
        Some(h) => (h, "top10_first_91_days".to_string()),
        None => {
            let e = engagement.iter().find(|e| {
                dates::report_period(&e.report).is_some_and(|(a, b)| premiere >= a && premiere <= b)
            })?;
            (e.hours, format!("engagement_{}", e.report))
        }
    };
    let later_hours: f64 = later.iter().map(|e| e.hours).sum();
    Some(LongTail {
        launch_hours,
        launch_source,
        later_reports: later.iter().map(|e| e.report.clone()).collect(),
        later_hours,
        ratio_per_half_year: ratio(later_hours / later.len() as f64, launch_hours)?,
    })
}

fn country_metrics(
    cat: &Catalog,
    s: &Season,
    weeks: &[(NaiveDate, f64, bool)],
    as_of: NaiveDate,
) -> Option<CountryMetrics> {
    let covered: Vec<_> = weeks
        .iter()
        .filter(|(w, _, _)| cat.country_weeks.contains(w))
        .collect();
    if covered.is_empty() {
        return None;
    }
    let rows: Vec<_> = cat
        .country
        .get(&s.id)
        .into_iter()
        .flatten()
        .filter(|r| dates::chart_published(r.week) <= as_of)
        .collect();
    let countries: BTreeSet<&str> = rows.iter().map(|r| r.iso2.as_str()).collect();
    let mut by_region = BTreeMap::new();
    for c in &countries {
        let key = serde_json::to_value(Region::of_country(c))
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        *by_region.entry(key).or_insert(0) += 1;
    }
    let weighted: Vec<f64> = weeks.iter().filter(|w| w.2).map(|w| w.1).collect();
    Some(CountryMetrics {
        countries_charted: countries.len() as u32,
        by_region,
        weeks_covered: covered.len() as u32,
        arpu_weight: (!weighted.is_empty())
            .then(|| weighted.iter().sum::<f64>() / weighted.len() as f64),
    })
}

fn impact(cat: &Catalog, cost: &CostEntry, avs: f64, premiere: NaiveDate) -> Option<Impact> {
    let days = 91u32;
    let revenue = cat
        .finance
        .as_ref()?
        .revenue_usd(crate::catalog::published_year(premiere))?
        * days as f64
        / 365.0;
    let cost_share = ratio(cost.cost_usd, revenue)?;
    Some(Impact {
        cost_usd: cost.cost_usd,
        cost_source: cost.source.clone(),
        cost_share,
        impact_value: ratio(avs, cost_share)?,
        window_days: days,
    })
}
