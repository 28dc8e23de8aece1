//! "When" (issue 16, item 4): how long after a premiere the next season's decision comes, and
//! how long after a renewal the renewed season premieres, from the ledger's dated decisions.
//!
//! **Time to decision.** Kaplan-Meier on the seasons (with a Netflix release date) of the series
//! the ledger covers (it has an announcement about them: for the others no announcement is
//! collected, so their waits would read as silence), from premiere to the day the decision about
//! the next season was public: the ledger's announcement, else the next season's first public
//! sighting (an upper bound, so waits err long). A season still undecided, or never announced
//! (the silence rule), is censored at the as-of date. Seasons decided on or before their
//! premiere are not in it (no wait), nor are seasons decided only by a catalogue status word (no
//! date). Two cohorts, first seasons and later seasons, each used when it has at least
//! [`MIN_EVENTS`] decisions, else both pooled. For a season awaiting a decision `e` days after
//! its premiere, the curve conditional on no decision by day `e` gives the probability of a
//! decision within 30, 90 and 180 days, the median wait and an 80% interval (the conditional
//! 10th and 90th percentiles; open-ended when the curve never falls that far); with fewer than
//! [`MIN_AT_RISK`] seasons still waiting past day `e`, no forecast.
//!
//! **Renewal to premiere.** Kaplan-Meier on the ledger's dated renewals, from the renewal to the
//! renewed season's premiere (its release date or first chart week), censored at the as-of date
//! while it has not premiered; for a renewed season, the median and 80% window of its premiere.
//!
//! Point in time: as of a date, only announcements published by then count, and a season
//! decided later is censored then ([`fit`]). [`backtest`] measures the 80% intervals' coverage
//! and the 90-day probability's calibration at quarterly cut-offs.

use crate::catalog::Catalog;
use crate::eval::{self, CalibrationBin};
use crate::labels::{LabelledSeason, Rule};
use crate::metrics;
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// The fewest decisions a cohort needs for a curve of its own.
pub const MIN_EVENTS: usize = 15;
/// The fewest seasons still at risk (no decision yet) past a season's wait for a forecast:
/// beyond the longest waits observed the curve is a handful of cases and would state
/// certainties it does not have.
pub const MIN_AT_RISK: usize = 10;
/// The horizons the forecast states, in days.
pub const HORIZONS: [i64; 3] = [30, 90, 180];

/// A Kaplan-Meier curve: survival after each distinct event time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Curve {
    /// (day, survival just after it), increasing days.
    pub steps: Vec<(i64, f64)>,
    pub events: u32,
    pub censored: u32,
    /// Every observation's time, sorted: how many are still at risk after a day.
    pub times: Vec<i64>,
}

impl Curve {
    /// Kaplan-Meier from (time in days, event?) pairs.
    pub fn fit(obs: &[(i64, bool)]) -> Curve {
        let mut o: Vec<(i64, bool)> = obs.iter().map(|(t, e)| ((*t).max(0), *e)).collect();
        // Events before censorings at the same time, as usual.
        o.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut at_risk = o.len() as f64;
        let mut s = 1.0;
        let mut steps = Vec::new();
        let mut i = 0;
        while i < o.len() {
            let t = o[i].0;
            let (mut d, mut c) = (0.0, 0.0);
            while i < o.len() && o[i].0 == t {
                if o[i].1 {
                    d += 1.0;
                } else {
                    c += 1.0;
                }
                i += 1;
            }
            if d > 0.0 && at_risk > 0.0 {
                s *= 1.0 - d / at_risk;
                steps.push((t, s));
            }
            at_risk -= d + c;
        }
        Curve {
            steps,
            events: o.iter().filter(|x| x.1).count() as u32,
            censored: o.iter().filter(|x| !x.1).count() as u32,
            times: o.iter().map(|x| x.0).collect(),
        }
    }

    /// Observations still at risk after day `e` (their time is later).
    pub fn at_risk_after(&self, e: i64) -> usize {
        self.times.len() - self.times.partition_point(|t| *t <= e)
    }

    /// S(t): the probability of no event by day `t` (inclusive).
    pub fn survival(&self, t: i64) -> f64 {
        self.steps
            .iter()
            .take_while(|(d, _)| *d <= t)
            .last()
            .map(|x| x.1)
            .unwrap_or(1.0)
    }

    /// The first day by which the conditional probability of an event since `e` reaches `q`.
    pub fn quantile_after(&self, e: i64, q: f64) -> Option<i64> {
        let s0 = self.survival(e);
        if s0 <= 0.0 {
            return None;
        }
        self.steps
            .iter()
            .find(|(d, s)| *d > e && *s <= s0 * (1.0 - q) + 1e-12)
            .map(|x| x.0)
    }

    /// P(event within `h` days after day `e` | none by day `e`).
    pub fn within(&self, e: i64, h: i64) -> Option<f64> {
        let s0 = self.survival(e);
        (s0 > 0.0).then(|| 1.0 - self.survival(e + h) / s0)
    }
}

/// The curves as of a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Survival {
    pub as_of: NaiveDate,
    /// Time from premiere to decision: first seasons, later seasons, all.
    pub first_seasons: Curve,
    pub later_seasons: Curve,
    pub all: Curve,
    /// Time from renewal to the renewed season's premiere.
    pub renewal_to_premiere: Curve,
}

/// An 80% interval of dates; `to` is `None` when open-ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DateWindow {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// When the decision about the next season may come, for a season awaiting one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionForecast {
    /// The season whose successor awaits a decision.
    pub season: u32,
    pub as_of: NaiveDate,
    pub premiered_on: NaiveDate,
    pub days_since_premiere: i64,
    /// `first_seasons`, `later_seasons` or `all` (a cohort with too few decisions pools).
    pub cohort: String,
    pub within_30_days: Option<f64>,
    pub within_90_days: Option<f64>,
    pub within_180_days: Option<f64>,
    /// The median decision date, if the curve reaches it.
    pub median: Option<NaiveDate>,
    /// The conditional 10th..90th percentile dates.
    pub interval_80: DateWindow,
    pub decisions: u32,
    pub censored: u32,
    pub method: String,
}

/// When a renewed season may premiere.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PremiereWindow {
    pub season: u32,
    pub as_of: NaiveDate,
    pub renewed_on: NaiveDate,
    pub median: Option<NaiveDate>,
    pub interval_80: DateWindow,
    pub renewals: u32,
    pub censored: u32,
    pub method: String,
}

/// A season's observation as of `as_of`: (days from premiere, decision public?), or `None`
/// when it is not in the sample (no Netflix release date, not premiered by then, decided
/// before launch, or decided with no date we know: a catalogue status word).
fn decision_obs(cat: &Catalog, l: &LabelledSeason, as_of: NaiveDate) -> Option<(i64, bool)> {
    let p = l.premiere.filter(|p| *p <= as_of)?;
    // The series the ledger covers: for the others no announcement is collected, so their
    // waits would read as silence.
    if l.decided_before_premiere
        || !netflix_premiere(cat, l)
        || !cat.announcements.contains_key(&l.series_id)
    {
        return None;
    }
    let dated = match l.rule {
        // An announcement's publication; a later season's first public sighting, a date the
        // decision was public by at the latest (so the wait errs long, never short).
        Rule::LedgerAnnouncement | Rule::LedgerImplied | Rule::LaterSeasonSeen => l.decision_public,
        // Never announced (the silence rule) or nothing yet: censored.
        Rule::NoLaterSeasonIn30Months | Rule::Undecided => None,
        Rule::TmdbReturning | Rule::TmdbCanceledOrEnded => return None,
    };
    match dated {
        Some(d) if d <= as_of => Some(((d - p).num_days().max(0), true)),
        _ => Some(((as_of - p).num_days(), false)),
    }
}

fn netflix_premiere(cat: &Catalog, l: &LabelledSeason) -> bool {
    cat.season(l.season_id)
        .and_then(|s| metrics::premiere(cat, s))
        .is_some_and(|p| p.source == metrics::PremiereSource::ReleaseDate)
}

/// A ledger renewal's (renewed on, the renewed season's premiere) as of `as_of`.
fn renewal_obs(cat: &Catalog, l: &LabelledSeason, as_of: NaiveDate) -> Option<(i64, bool)> {
    if l.rule != Rule::LedgerAnnouncement || l.outcome != crate::Outcome::Renewed {
        return None;
    }
    let renewed = l.decision_public.filter(|d| *d <= as_of)?;
    let next = cat
        .series_seasons
        .get(&l.series_id)?
        .iter()
        .map(|&i| &cat.seasons[i])
        .find(|s| s.number == l.season + 1)
        .and_then(|s| metrics::premiere(cat, s))
        .map(|p| p.date);
    match next {
        Some(n) if n <= as_of && n > renewed => Some(((n - renewed).num_days(), true)),
        Some(n) if n <= renewed => None,
        _ => Some(((as_of - renewed).num_days(), false)),
    }
}

/// The curves as of `as_of`, from announcements published by then.
pub fn fit(cat: &Catalog, labels: &[LabelledSeason], as_of: NaiveDate) -> Survival {
    let (mut first, mut later, mut all, mut gaps) = (vec![], vec![], vec![], vec![]);
    for l in labels {
        if let Some(o) = decision_obs(cat, l, as_of) {
            if l.season == 1 {
                first.push(o);
            } else {
                later.push(o);
            }
            all.push(o);
        }
        if let Some(g) = renewal_obs(cat, l, as_of) {
            gaps.push(g);
        }
    }
    Survival {
        as_of,
        first_seasons: Curve::fit(&first),
        later_seasons: Curve::fit(&later),
        all: Curve::fit(&all),
        renewal_to_premiere: Curve::fit(&gaps),
    }
}

impl Survival {
    fn cohort(&self, season: u32) -> (&Curve, &'static str) {
        let own = if season == 1 {
            (&self.first_seasons, "first_seasons")
        } else {
            (&self.later_seasons, "later_seasons")
        };
        if own.0.events as usize >= MIN_EVENTS {
            own
        } else {
            (&self.all, "all")
        }
    }

    /// The decision forecast for `season`, premiered on `premiered_on`, awaiting a decision.
    pub fn decision(&self, season: u32, premiered_on: NaiveDate) -> Option<DecisionForecast> {
        let (c, cohort) = self.cohort(season);
        let e = (self.as_of - premiered_on).num_days();
        if c.events == 0 || premiered_on > self.as_of || c.at_risk_after(e) < MIN_AT_RISK {
            return None;
        }
        let day = |t: Option<i64>| t.map(|t| premiered_on + Duration::days(t));
        Some(DecisionForecast {
            season,
            as_of: self.as_of,
            premiered_on,
            days_since_premiere: e,
            cohort: cohort.into(),
            within_30_days: c.within(e, HORIZONS[0]),
            within_90_days: c.within(e, HORIZONS[1]),
            within_180_days: c.within(e, HORIZONS[2]),
            median: day(c.quantile_after(e, 0.5)),
            interval_80: DateWindow {
                from: day(c.quantile_after(e, 0.1)),
                to: day(c.quantile_after(e, 0.9)),
            },
            decisions: c.events,
            censored: c.censored,
            method: "Kaplan-Meier of premiere-to-decision times (the ledger's announcement, else the next season's first public sighting), undecided and never-announced seasons censored, conditional on no decision so far".into(),
        })
    }

    /// The premiere window of `season`, renewed (announced) on `renewed_on`.
    pub fn premiere(&self, season: u32, renewed_on: NaiveDate) -> Option<PremiereWindow> {
        let c = &self.renewal_to_premiere;
        let e = (self.as_of - renewed_on).num_days();
        if c.events == 0 || renewed_on > self.as_of || c.at_risk_after(e) < MIN_AT_RISK {
            return None;
        }
        let day = |t: Option<i64>| t.map(|t| renewed_on + Duration::days(t));
        Some(PremiereWindow {
            season,
            as_of: self.as_of,
            renewed_on,
            median: day(c.quantile_after(e, 0.5)),
            interval_80: DateWindow {
                from: day(c.quantile_after(e, 0.1)),
                to: day(c.quantile_after(e, 0.9)),
            },
            renewals: c.events,
            censored: c.censored,
            method: "Kaplan-Meier of renewal-to-premiere gaps of the ledger's dated renewals, unpremiered renewals censored, conditional on no premiere so far".into(),
        })
    }
}

/// The point-in-time backtest of the decision forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhenBacktest {
    pub rule: String,
    pub cutoffs: Vec<NaiveDate>,
    /// Forecasts whose outcome inside or outside the 80% interval is known.
    pub interval_checked: u32,
    pub interval_covered: u32,
    pub coverage_80: Option<f64>,
    /// Forecasts whose "decided within 90 days" is known, and the calibration of that
    /// probability.
    pub within_90_checked: u32,
    pub within_90_mean_predicted: Option<f64>,
    pub within_90_observed: Option<f64>,
    pub within_90_brier: Option<f64>,
    pub within_90_calibration: Vec<CalibrationBin>,
    /// The same for the premiere windows of renewed seasons.
    pub premiere_checked: u32,
    pub premiere_covered: u32,
    pub premiere_coverage_80: Option<f64>,
}

/// At each quarterly cut-off from 2022-01-01 to 180 days before the data's end: the curves as of
/// the cut-off, and for every covered season awaiting a decision then (premiered by then, no
/// decision published by then), whether its eventual announcement fell inside the stated 80%
/// interval and within 90 days. A season still undecided at the data's end counts where that
/// is known (past the interval's end, or 90 days), else is left out.
pub fn backtest(cat: &Catalog, labels: &[LabelledSeason]) -> WhenBacktest {
    let end = cat.horizon;
    let mut cut = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or(end);
    let mut cutoffs = Vec::new();
    let (mut checked, mut covered_n) = (0u32, 0u32);
    let (mut p90, mut y90) = (Vec::new(), Vec::new());
    let (mut pc, mut pcov) = (0u32, 0u32);
    for _ in 0..200 {
        if cut + Duration::days(180) > end {
            break;
        }
        cutoffs.push(cut);
        let s = fit(cat, labels, cut);
        for l in labels {
            let Some((_, false)) = decision_obs(cat, l, cut) else {
                continue;
            };
            let Some(p) = l.premiere else { continue };
            let Some(f) = s.decision(l.season, p) else {
                continue;
            };
            // The eventual outcome, from all the data.
            let eventual = decision_obs(cat, l, end);
            let (decided, at) = match eventual {
                Some((t, true)) => (true, p + Duration::days(t)),
                Some((_, false)) => (false, end),
                None => continue,
            };
            // The 80% interval.
            let lo = f.interval_80.from;
            let hi = f.interval_80.to;
            let inside = |d: NaiveDate| lo.is_none_or(|lo| d >= lo) && hi.is_none_or(|hi| d <= hi);
            if decided {
                checked += 1;
                covered_n += inside(at) as u32;
            } else if hi.is_some_and(|hi| end > hi) {
                checked += 1; // still undecided past the interval: a miss
            }
            // Within 90 days of the cut-off.
            if let Some(pr) = f.within_90_days {
                let by = cut + Duration::days(90);
                if decided {
                    p90.push(pr);
                    y90.push(if at <= by { 1.0 } else { 0.0 });
                } else if end >= by {
                    p90.push(pr);
                    y90.push(0.0);
                }
            }
        }
        // Premiere windows of renewals announced by the cut-off, not premiered by then.
        for l in labels {
            let Some((_, false)) = renewal_obs(cat, l, cut) else {
                continue;
            };
            let Some(renewed) = l.decision_public else {
                continue;
            };
            let Some(w) = s.premiere(l.season + 1, renewed) else {
                continue;
            };
            match renewal_obs(cat, l, end) {
                Some((t, true)) => {
                    let at = renewed + Duration::days(t);
                    pc += 1;
                    let lo_ok = w.interval_80.from.is_none_or(|d| at >= d);
                    let hi_ok = w.interval_80.to.is_none_or(|d| at <= d);
                    pcov += (lo_ok && hi_ok) as u32;
                }
                Some((_, false)) if w.interval_80.to.is_some_and(|d| end > d) => pc += 1,
                _ => {}
            }
        }
        cut = crate::frozen::next_cutoff(cut);
    }
    let rate = |a: u32, n: u32| (n > 0).then(|| a as f64 / n as f64);
    let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
    WhenBacktest {
        rule: "quarterly cut-offs from 2022-01-01 to 180 days before the data's end; curves from announcements published by each cut-off; every covered season awaiting a decision at a cut-off is forecast, and checked against its eventual announcement (a season seen at several cut-offs counts at each)".into(),
        cutoffs,
        interval_checked: checked,
        interval_covered: covered_n,
        coverage_80: rate(covered_n, checked),
        within_90_checked: p90.len() as u32,
        within_90_mean_predicted: mean(&p90),
        within_90_observed: mean(&y90),
        within_90_brier: (!p90.is_empty()).then(|| eval::brier(&p90, &y90)),
        within_90_calibration: eval::calibration(&p90, &y90, 5),
        premiere_checked: pc,
        premiere_covered: pcov,
        premiere_coverage_80: rate(pcov, pc),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The textbook example: times 1, 2+, 3, 3, 5+ (+ censored): S = 4/5 after 1, then
    /// 4/5 * (1 - 2/3) after 3 (three at risk at 3, since 2 was censored).
    #[test]
    fn kaplan_meier_matches_a_hand_computation() {
        let c = Curve::fit(&[(1, true), (2, false), (3, true), (3, true), (5, false)]);
        assert_eq!(c.events, 3);
        assert_eq!(c.censored, 2);
        assert!((c.survival(0) - 1.0).abs() < 1e-12);
        assert!((c.survival(1) - 0.8).abs() < 1e-12);
        assert!((c.survival(2) - 0.8).abs() < 1e-12);
        assert!((c.survival(3) - 0.8 / 3.0).abs() < 1e-12);
        assert!((c.survival(9) - 0.8 / 3.0).abs() < 1e-12);
        // Conditional on none by day 1: P(by day 3) = 1 - (0.8/3)/0.8 = 2/3.
        assert!((c.within(1, 2).unwrap() - 2.0 / 3.0).abs() < 1e-12);
        // The curve never falls below 0.267: its 90th percentile is open-ended.
        assert_eq!(c.quantile_after(0, 0.5), Some(3));
        assert_eq!(c.quantile_after(0, 0.9), None);
        assert_eq!(c.at_risk_after(2), 3);
    }

    #[test]
    fn an_empty_sample_forecasts_nothing() {
        let c = Curve::fit(&[]);
        assert_eq!(c.survival(10), 1.0);
        assert_eq!(c.quantile_after(0, 0.5), None);
        assert_eq!(c.within(0, 30), Some(0.0));
    }
}
