//! Model features: a fixed, named vector per season, computed from [`SeasonMetrics`] as of a
//! date. Only launch-window viewing and facts of the season itself go in: nothing that accrues
//! later (votes, popularity, later reports, later seasons) and nothing from TMDB, which feeds
//! the labels. Engagement reports are never published within a launch window, so they do not
//! feature either; country lists cover too few launches (and none in the test years) to help.

use crate::catalog::{Catalog, Language, Season};
use crate::metrics::{season_metrics, SeasonMetrics};
use chrono::NaiveDate;

/// Feature names, in vector order. Stable: the export and the peer script use them.
pub const NAMES: [&str; 30] = [
    "log_hours_7d",
    "log_hours_28d",
    "log_hours_91d",
    "weeks_top10_91d",
    "peak_rank_91d",
    "week2_over_week1",
    "week4_over_peak",
    "view_share_list_28d",
    "view_share_all_28d",
    "adjusted_view_share_28d",
    "log_runtime_hours",
    "runtime_known",
    "non_english",
    "season_number",
    "prev_season_log_ratio_28d",
    "prev_season_known",
    "prev_season_weeks_91d",
    "days_to_first_chart",
    "log_views_28d",
    "catalogue_weeks_91d",
    "lang_korean",
    "lang_japanese",
    "lang_spanish_portuguese",
    "lang_indian",
    "genre_reality",
    "genre_documentation",
    "genre_animation",
    "genre_crime",
    "genre_comedy",
    "genre_family",
];

/// What each feature means, for factor explanations.
pub fn describe(name: &str) -> &'static str {
    match name {
        "log_hours_7d" => "hours viewed in the first 7 days",
        "log_hours_28d" => "hours viewed in the first 28 days",
        "log_hours_91d" => "hours viewed in the first 91 days",
        "weeks_top10_91d" => "weeks in the Top 10 in the first 91 days",
        "peak_rank_91d" => "best Top 10 rank in the first 91 days (11 = never)",
        "week2_over_week1" => "second week's hours over the first's",
        "week4_over_peak" => "fourth week's hours over the launch peak",
        "view_share_list_28d" => "share of its Top 10 list's hours, first 28 days",
        "view_share_all_28d" => "share of all four lists' hours, first 28 days",
        "adjusted_view_share_28d" => "ARPU-weighted share of views, first 28 days",
        "log_runtime_hours" => "season runtime",
        "runtime_known" => "whether the runtime is known",
        "non_english" => "non-English list",
        "season_number" => "season number",
        "prev_season_log_ratio_28d" => "first-28-day hours against the previous season's",
        "prev_season_known" => "whether the previous season's launch is in the data",
        "prev_season_weeks_91d" => "the previous season's weeks in the Top 10 in its first 91 days",
        "days_to_first_chart" => "days from premiere to first Top 10 week",
        "log_views_28d" => "views (hours / runtime) in the first 28 days",
        "catalogue_weeks_91d" => "Top 10 weeks of the series' other seasons during this launch",
        "lang_korean" => "Korean original",
        "lang_japanese" => "Japanese original",
        "lang_spanish_portuguese" => "Spanish or Portuguese original",
        "lang_indian" => "Indian-language original",
        "genre_reality" => "reality genre (JustWatch)",
        "genre_documentation" => "documentary genre (JustWatch)",
        "genre_animation" => "animation genre (JustWatch)",
        "genre_crime" => "crime genre (JustWatch)",
        "genre_comedy" => "comedy genre (JustWatch)",
        "genre_family" => "family genre (JustWatch)",
        _ => "",
    }
}

/// The launch window every feature is complete after: the features of a season stop changing
/// once its 91-day window has been published.
pub const FEATURE_WINDOW_DAYS: u32 = 91;

/// Missing values are `None`; the model imputes them with training medians.
pub type Row = Vec<Option<f64>>;

fn log_m(h: f64) -> f64 {
    (1.0 + h / 1e6).ln()
}

/// The feature vector of a season as of a date, with the metrics it came from.
pub fn features(cat: &Catalog, s: &Season, as_of: NaiveDate) -> Option<(Row, SeasonMetrics)> {
    let m = season_metrics(cat, s, as_of, None);
    let premiere = m.premiere?;
    let w = |d: u32| m.window(d);
    let hours = |d: u32| w(d).map(|w| w.hours).unwrap_or(0.0);
    let w91 = w(91);
    let prev = prev_season_hours_28d(cat, s, as_of);
    let lang = cat.language.get(&s.series_id).copied();
    // Genres are facts of the show, public at launch; whether JustWatch's 2022 catalogue lists
    // the show is not (a show launched after mid-2022 is listed only if an earlier season was),
    // so a season with no listing reads as "none of these genres", never as a flag of its own.
    let genres = cat.genres.get(&s.series_id);
    let genre = |g: &str| flag(genres.is_some_and(|v| v.iter().any(|x| x == g)));
    let first_chart = m
        .weekly
        .first()
        .map(|wk| (wk.week_end - premiere.date).num_days().clamp(0, 98) as f64);
    let row: Row = vec![
        Some(log_m(hours(7))),
        Some(log_m(hours(28))),
        Some(log_m(hours(91))),
        Some(w91.map(|w| w.chart_weeks as f64).unwrap_or(0.0)),
        Some(w91.and_then(|w| w.peak_rank).unwrap_or(11) as f64),
        m.retention.week2_over_week1.map(|r| r.min(5.0)),
        m.retention.week4_over_peak,
        w(28).and_then(|w| w.view_share_list),
        w(28).and_then(|w| w.view_share_all),
        w(28).and_then(|w| w.adjusted_view_share),
        m.runtime_hours.map(|h| h.max(0.1).ln()),
        Some(if m.runtime_hours.is_some() { 1.0 } else { 0.0 }),
        m.category
            .as_ref()
            .map(|c| if c.contains("Non-English") { 1.0 } else { 0.0 }),
        Some(s.number.min(10) as f64),
        Some(match (s.number, prev) {
            (1, _) | (_, None) => 0.0,
            (_, Some(p)) => log_m(hours(28)) - log_m(p.0),
        }),
        Some(if prev.is_some() { 1.0 } else { 0.0 }),
        prev.map(|p| p.1).or(Some(0.0)),
        first_chart,
        w(28).and_then(|w| w.views).map(log_m),
        Some(catalogue_weeks(cat, s, premiere.date, as_of) as f64),
        Some(flag(lang == Some(Language::Korean))),
        Some(flag(lang == Some(Language::Japanese))),
        Some(flag(lang == Some(Language::SpanishPortuguese))),
        Some(flag(lang == Some(Language::Indian))),
        Some(genre("reality")),
        Some(genre("documentation")),
        Some(genre("animation")),
        Some(genre("crime")),
        Some(genre("comedy")),
        Some(genre("family")),
    ];
    debug_assert_eq!(row.len(), NAMES.len());
    Some((row, m))
}

fn flag(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

/// Chart weeks of the series' earlier seasons inside this season's 91-day window: a launch that
/// lifts the back catalogue is a franchise at work.
fn catalogue_weeks(cat: &Catalog, s: &Season, premiere: NaiveDate, as_of: NaiveDate) -> u32 {
    let (first, last) = (
        crate::dates::week_end_of(premiere),
        crate::dates::window_last_week(premiere, FEATURE_WINDOW_DAYS),
    );
    let from = cat.chart.partition_point(|r| r.week < first);
    let to = cat.chart.partition_point(|r| r.week <= last);
    cat.chart[from..to.max(from)]
        .iter()
        .filter(|r| crate::dates::chart_published(r.week) <= as_of)
        .filter(|r| {
            // Earlier numbered seasons only: a later season charting inside this window is
            // information from after the decision (and unnumbered entries can't be placed).
            r.season_id.is_some_and(|id| {
                id != s.id
                    && cat.season_series.get(&id) == Some(&s.series_id)
                    && cat
                        .season_index
                        .get(&id)
                        .is_some_and(|&i| cat.seasons[i].number < s.number)
            })
        })
        .count() as u32
}

/// The previous season's first-28-day hours and first-91-day Top 10 weeks, where its launch
/// is in the data.
fn prev_season_hours_28d(cat: &Catalog, s: &Season, as_of: NaiveDate) -> Option<(f64, f64)> {
    let prev = cat.season_of(s.series_id, s.number.checked_sub(1)?)?;
    let p = crate::metrics::premiere(cat, prev)?;
    if !crate::labels::launch_in_data(cat, &p) {
        return None;
    }
    let m = season_metrics(cat, prev, as_of, None);
    let h28 = m.window(28).filter(|w| w.complete)?.hours;
    let weeks = m.window(91).map(|w| w.chart_weeks as f64).unwrap_or(0.0);
    Some((h28, weeks))
}
