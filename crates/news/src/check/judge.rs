//! One claim, one verdict: the rules of `scripts/corpus_truth.py`'s header, kind by kind, over
//! one series' point-in-time data ([`SeriesData`]). Every loop is over rows already read.

use super::truth::{PartlyInside, Truth, WeekHours};
use super::{SeriesData, SourceRef, Verdict};
use crate::{Assertion, Claim, PartialDate};
use chrono::{Datelike, Days, NaiveDate};
use greenlight_ledger::{ClaimValue, DatePrecision, Fact, Origin};
use greenlight_sources::titles::{normalize, SeasonLabel};
use greenlight_store::checking::{CheckChartRow, CheckCredit, CheckReportRow};

/// Monday of the chart's first week (the week ending 2021-07-04).
const CHART_START: NaiveDate = match NaiveDate::from_ymd_opt(2021, 6, 28) {
    Some(d) => d,
    None => panic!(),
};
const FIRST_WEEK: NaiveDate = match NaiveDate::from_ymd_opt(2021, 7, 4) {
    Some(d) => d,
    None => panic!(),
};
/// The last week Netflix rounded weekly hours to 10,000; later weeks are rounded to 100,000.
const ROUNDING_SWITCH: NaiveDate = match NaiveDate::from_ymd_opt(2023, 6, 11) {
    Some(d) => d,
    None => panic!(),
};
/// The longest window judged: 2,000 weeks (38 years) reach back before the chart whatever the
/// window's end.
const MAX_WINDOW_WEEKS: i64 = 2_000;
/// The engagement reports' rounding of hours and views.
const REPORT_TOLERANCE: i64 = 100_000;

/// A verdict with what it rests on.
pub struct Judgement {
    pub verdict: Verdict,
    pub truth: Option<Truth>,
    pub sources: Vec<SourceRef>,
    pub rule: String,
}

impl Judgement {
    pub fn unverifiable(rule: impl Into<String>) -> Judgement {
        j(Verdict::Unverifiable, None, Vec::new(), rule)
    }

    /// One sentence: the verdict, the true value where there is one, and the rule.
    pub fn summary(&self) -> String {
        let what = match self.verdict {
            Verdict::Verified => "Verified",
            Verdict::Contradicted => "Contradicted",
            Verdict::Unverifiable => "Unverifiable",
        };
        match &self.truth {
            Some(t) => format!("{what}: {} ({}).", t.describe(), self.rule),
            None => format!("{what}: {}.", self.rule),
        }
    }
}

fn j(
    verdict: Verdict,
    truth: Option<Truth>,
    sources: Vec<SourceRef>,
    rule: impl Into<String>,
) -> Judgement {
    Judgement {
        verdict,
        truth,
        sources,
        rule: rule.into(),
    }
}

fn ok(cond: bool) -> Verdict {
    if cond {
        Verdict::Verified
    } else {
        Verdict::Contradicted
    }
}

/// Names compare folded: case, accents and punctuation (`Ryohei` = `Ryōhei`), as the store
/// compares spellings.
pub fn fold(s: &str) -> String {
    normalize(s)
}

/// The season a chart or report title denotes: numbered seasons and "Part N" (Money Heist's and
/// Lupin's parts are seasons, as the chart names them); a limited series is season 1.
fn season_of(label: &Option<SeasonLabel>) -> (Option<u32>, bool) {
    match label {
        Some(SeasonLabel::Season { number }) => (Some(*number), false),
        Some(SeasonLabel::Numbered { word, number }) if word.eq_ignore_ascii_case("part") => {
            (Some(*number), false)
        }
        Some(SeasonLabel::Limited) => (Some(1), true),
        _ => (None, false),
    }
}

fn row_season(r: &CheckChartRow) -> Option<u32> {
    season_of(&r.label).0
}

/// A report title with no season marker is the show's one season.
fn report_season(r: &CheckReportRow) -> Option<u32> {
    match &r.label {
        None | Some(SeasonLabel::Whole) => Some(1),
        l => season_of(l).0,
    }
}

fn row_src(r: &CheckChartRow) -> SourceRef {
    SourceRef {
        label: format!(
            "{} line {}: week ending {}, {} No. {}, {} hours ({})",
            r.file,
            r.line,
            r.week,
            r.category,
            r.rank,
            greenlight_ledger::numbers::thousands(r.hours),
            r.season_title
        ),
        url: None,
    }
}

fn rep_src(r: &CheckReportRow) -> SourceRef {
    SourceRef {
        label: format!(
            "{} ({} report), sheet {}, row {}: {}",
            r.file, r.report, r.sheet, r.row, r.title
        ),
        url: None,
    }
}

fn ann_src(f: &Fact) -> SourceRef {
    let c = &f.claim;
    let id = match &f.origin {
        Origin::Ledger { hash, .. } => hash.get(..12).unwrap_or(hash).to_string(),
        Origin::Data { dataset, .. } => dataset.clone(),
    };
    SourceRef {
        label: format!(
            "ledger claim {id}: {} ({}, published {})",
            c.summary(),
            c.source.name,
            c.published
        ),
        url: c.source.url.clone(),
    }
}

fn credit_src(show_id: &str, r: &CheckCredit) -> SourceRef {
    SourceRef {
        label: format!(
            "{} line {}: {} {} {}{}",
            r.file,
            r.line,
            show_id,
            r.role,
            r.name,
            r.character
                .as_deref()
                .map(|c| format!(" as {c}"))
                .unwrap_or_default()
        ),
        url: None,
    }
}

/// Ledger claims of these kinds.
fn anns<'a>(d: &'a SeriesData, kinds: &[&str]) -> Vec<&'a Fact> {
    d.ledger
        .iter()
        .filter(|f| !f.is_data() && kinds.contains(&f.claim.kind()))
        .collect()
}

/// The earliest published (then earliest dated) of some claims.
fn earliest<'a>(v: &[&'a Fact]) -> Option<&'a Fact> {
    v.iter()
        .copied()
        .min_by_key(|f| (f.claim.published, f.claim.event_date))
}

fn matches_date(stated: &PartialDate, date: Option<NaiveDate>) -> bool {
    date.is_some_and(|d| stated.contains(d))
}

/// The date of an event several claims date: the earliest exact date when one is exact (a bound
/// only says by when), else the earliest bound (the tightest). Sources disagree now and then; a
/// later outlet's "by November 9" must not make "on November 9" true when another says "by
/// November 8".
fn event_date(v: &[&Fact]) -> Option<NaiveDate> {
    let exact = v
        .iter()
        .filter(|f| f.claim.date_precision == DatePrecision::Exact)
        .filter_map(|f| f.claim.event_date)
        .min();
    exact.or_else(|| v.iter().filter_map(|f| f.claim.event_date).min())
}

/// Evidence that a season after `s` exists or was ordered: a chart row, a report row, a renewal.
fn later_season(d: &SeriesData, s: u32) -> Option<(u32, SourceRef)> {
    if let Some(r) = d
        .data
        .chart
        .iter()
        .filter(|r| row_season(r).is_some_and(|n| n > s))
        .min_by_key(|r| r.week)
    {
        return Some((row_season(r).unwrap_or_default(), row_src(r)));
    }
    if let Some(r) = d
        .data
        .reports
        .iter()
        .find(|r| report_season(r).is_some_and(|n| n > s))
    {
        return Some((report_season(r).unwrap_or_default(), rep_src(r)));
    }
    let ren: Vec<&Fact> = anns(d, &["season_renewed"])
        .into_iter()
        .filter(|f| f.claim.season.is_some_and(|n| n > s))
        .collect();
    earliest(&ren).map(|f| (f.claim.season.unwrap_or_default(), ann_src(f)))
}

/// Per-week rounding of the chart's hours, summed over the weeks.
fn tolerance(weeks: impl Iterator<Item = NaiveDate>) -> i64 {
    weeks
        .map(|w| {
            if w <= ROUNDING_SWITCH {
                10_000
            } else {
                100_000
            }
        })
        .sum()
}

pub fn judge(d: &SeriesData, c: &Claim) -> Judgement {
    match &c.assertion {
        Assertion::EpisodeCount { .. }
        | Assertion::Creator { .. }
        | Assertion::SourceMaterial { .. }
        | Assertion::RottenTomatoes { .. }
        | Assertion::Metacritic { .. } => {
            Judgement::unverifiable(format!("no file covers {}", c.assertion.kind()))
        }
        Assertion::WindowHours { stated, from, to } => {
            window_hours(d, c.season, *stated, *from, *to)
        }
        Assertion::Top10Weeks { stated } => run(d, c.season, None, Some(*stated), None),
        Assertion::PeakRank { stated, category } => {
            run(d, c.season, category.as_deref(), None, Some(*stated))
        }
        Assertion::EngagementHours { stated, half } => {
            engagement(d, c.season, half, *stated, false)
        }
        Assertion::EngagementViews { stated, half } => engagement(d, c.season, half, *stated, true),
        Assertion::ReleaseDate { stated } | Assertion::Premiered { stated } => {
            dated(d, c.season, stated)
        }
        Assertion::Renewed { stated, date } => renewed(d, *stated, date.as_ref()),
        Assertion::Canceled { stated, date } => canceled(d, *stated, date.as_ref()),
        Assertion::FinalSeason { stated } => final_season(d, *stated),
        Assertion::LimitedSeries { .. } => limited(d),
        Assertion::SeasonCount { stated } => season_count(d, *stated),
        Assertion::Cast { person, stated } => cast(d, person, stated),
        Assertion::Director { stated } => director(d, stated),
        Assertion::Platform { stated } => platform(d, stated),
    }
}

fn window_hours(
    d: &SeriesData,
    season: Option<u32>,
    stated: u64,
    lo: NaiveDate,
    hi: NaiveDate,
) -> Judgement {
    if lo > hi {
        return Judgement::unverifiable("the window ends before it starts");
    }
    let rows: Vec<&CheckChartRow> = d
        .data
        .chart
        .iter()
        .filter(|r| season.is_none() || row_season(r) == season)
        .collect();
    let by_week = |w: NaiveDate| rows.iter().rev().find(|r| r.week == w).copied();
    // The Sunday ending the week holding `lo`, then every week touching the window. A window
    // longer than MAX_WINDOW_WEEKS starts years before the chart (2021), so it cannot be judged:
    // refusing it bounds the loop whatever dates a claim carries.
    if (hi - lo).num_weeks() > MAX_WINDOW_WEEKS {
        return Judgement::unverifiable(format!(
            "a window of more than {MAX_WINDOW_WEEKS} weeks reaches before the chart began"
        ));
    }
    let Some(mut w) = lo.checked_add_days(Days::new(u64::from(
        (6 - lo.weekday().num_days_from_monday()) % 7,
    ))) else {
        return Judgement::unverifiable("the window is outside the calendar");
    };
    let (mut inside, mut edge, mut missing) = (Vec::new(), Vec::new(), Vec::new());
    while let Some(mon) = w.checked_sub_days(Days::new(6)).filter(|m| *m <= hi) {
        if mon >= lo && w <= hi {
            match by_week(w) {
                Some(r) => inside.push(r),
                None => missing.push(w),
            }
        } else {
            edge.push(w);
        }
        match w.checked_add_days(Days::new(7)) {
            Some(n) => w = n,
            None => break,
        }
    }
    let partial: Vec<&CheckChartRow> = edge.iter().filter_map(|w| by_week(*w)).collect();
    let total: i64 = inside.iter().map(|r| r.hours).sum();
    let tol = tolerance(inside.iter().map(|r| r.week));
    let truth = Truth::Hours {
        hours: total,
        tolerance: tol,
        weeks: inside
            .iter()
            .map(|r| WeekHours {
                week: r.week,
                rank: r.rank,
                hours: r.hours,
            })
            .collect(),
        partly_inside: edge
            .iter()
            .map(|w| {
                let r = by_week(*w);
                PartlyInside {
                    week: *w,
                    charted: r.is_some(),
                    hours: r.map(|r| r.hours),
                }
            })
            .collect(),
        weeks_not_charted: missing.clone(),
    };
    let src: Vec<SourceRef> = inside
        .iter()
        .chain(partial.iter())
        .map(|r| row_src(r))
        .collect();
    let unpublished = d.data.last_chart_week.is_none_or(|last| hi > last) || lo < CHART_START;
    let stated = i64::try_from(stated).unwrap_or(i64::MAX);
    if missing.is_empty() && partial.is_empty() && !unpublished && !inside.is_empty() {
        let good = stated.abs_diff(total) <= tol.unsigned_abs();
        return j(
            ok(good),
            Some(truth),
            src,
            if good {
                "the window is whole chart weeks, all charted: sum within rounding"
            } else {
                "the window is whole chart weeks, all charted: sum differs beyond rounding"
            },
        );
    }
    if !inside.is_empty() && stated < total.saturating_sub(tol) {
        return j(
            Verdict::Contradicted,
            Some(truth),
            src,
            "stated is below the sum of the charted weeks inside the window",
        );
    }
    if missing.is_empty() && !unpublished && !partial.is_empty() {
        let upper = total + partial.iter().map(|r| r.hours).sum::<i64>();
        let tol_all = tolerance(inside.iter().chain(partial.iter()).map(|r| r.week));
        if stated > upper.saturating_add(tol_all) {
            return j(
                Verdict::Contradicted,
                Some(truth),
                src,
                "stated exceeds the charted weeks including the partly-inside ones",
            );
        }
    }
    let why = if unpublished {
        "the window reaches past the last chart published at the dateline, or before the chart began"
    } else {
        "weeks of the window not charted, or only partly inside it: the sum is a bound"
    };
    j(Verdict::Unverifiable, Some(truth), src, why)
}

/// Weeks in the Top 10 (`weeks`) or peak rank (`peak`) of a season.
fn run(
    d: &SeriesData,
    season: Option<u32>,
    category: Option<&str>,
    weeks: Option<u32>,
    peak: Option<u32>,
) -> Judgement {
    let mut rows: Vec<&CheckChartRow> = d
        .data
        .chart
        .iter()
        .filter(|r| season.is_none() || row_season(r) == season)
        .filter(|r| category.is_none_or(|c| r.category == c))
        .collect();
    if rows.is_empty() {
        return Judgement::unverifiable("no Top 10 row for the season published by the dateline");
    }
    rows.sort_by_key(|r| r.week);
    let early = rows.iter().any(|r| r.week == FIRST_WEEK);
    let (truth, value, stated) = if let Some(stated) = weeks {
        let mut cats: Vec<String> = rows.iter().map(|r| r.category.clone()).collect();
        cats.sort();
        cats.dedup();
        let n = rows.len() as u32;
        (
            Truth::Weeks {
                weeks: n,
                first: rows[0].week,
                last: rows[rows.len() - 1].week,
                categories: cats,
            },
            n,
            stated,
        )
    } else {
        let best = rows
            .iter()
            .min_by_key(|r| (r.rank, r.week))
            .copied()
            .unwrap_or(rows[0]);
        (
            Truth::Rank {
                rank: best.rank,
                week: best.week,
                category: best.category.clone(),
            },
            best.rank,
            peak.unwrap_or_default(),
        )
    };
    let src = rows.iter().map(|r| row_src(r)).collect();
    if early {
        return j(
            Verdict::Unverifiable,
            Some(truth),
            src,
            "the season was out before the chart began (2021-07-04)",
        );
    }
    j(
        ok(stated == value),
        Some(truth),
        src,
        if stated == value { "equal" } else { "differs" },
    )
}

fn engagement(
    d: &SeriesData,
    season: Option<u32>,
    half: &str,
    stated: u64,
    views: bool,
) -> Judgement {
    let rows: Vec<&CheckReportRow> = d.data.reports.iter().filter(|r| r.report == half).collect();
    if rows.is_empty() {
        return match greenlight_store::published::engagement_report(half) {
            Some(p) if p > d.data.as_of => Judgement::unverifiable(format!(
                "the {half} report was published {p}, after the dateline"
            )),
            Some(_) => Judgement::unverifiable(format!("no {half} report row for the season")),
            None => Judgement::unverifiable(format!(
                "Netflix published no engagement report for {half}"
            )),
        };
    }
    let Some(r) = rows.iter().find(|r| report_season(r) == season) else {
        return Judgement::unverifiable(format!("no {half} report row for the season"));
    };
    let value = if views { r.views } else { Some(r.hours) };
    let field = if views { "views" } else { "hours" };
    let Some(value) = value else {
        return j(
            Verdict::Unverifiable,
            None,
            vec![rep_src(r)],
            format!("the {half} report has no {field}"),
        );
    };
    let good = i64::try_from(stated).unwrap_or(i64::MAX).abs_diff(value)
        <= REPORT_TOLERANCE.unsigned_abs();
    let truth = if views {
        Truth::ReportViews {
            views: value,
            tolerance: REPORT_TOLERANCE,
        }
    } else {
        Truth::ReportHours {
            hours: value,
            tolerance: REPORT_TOLERANCE,
        }
    };
    j(
        ok(good),
        Some(truth),
        vec![rep_src(r)],
        if good {
            "within the report's rounding (100,000)"
        } else {
            "differs beyond 100,000"
        },
    )
}

/// A premiere or release date: dated sources first, else the first chart week as a bound.
fn dated(d: &SeriesData, season: Option<u32>, stated: &PartialDate) -> Judgement {
    let mut exact: Vec<(NaiveDate, SourceRef)> = Vec::new();
    for f in anns(d, &["release_date_announced"]) {
        if let ClaimValue::ReleaseDateAnnounced { release_date, .. } = &f.claim.value {
            if f.claim.season == season {
                exact.push((*release_date, ann_src(f)));
            }
        }
    }
    for f in anns(d, &["premiered"]) {
        if f.claim.season == season && f.claim.date_precision == DatePrecision::Exact {
            if let Some(e) = f.claim.event_date {
                exact.push((e, ann_src(f)));
            }
        }
    }
    for r in &d.data.reports {
        if report_season(r) == season {
            if let Some(rel) = r.release_date {
                exact.push((rel, rep_src(r)));
            }
        }
    }
    if let Some(t) = &d.data.tmdb {
        if season == Some(1) {
            if let Some(first) = t.first_air_date {
                exact.push((
                    first,
                    SourceRef {
                        label: format!(
                            "{} line {}: {} first aired {first}",
                            t.file, t.line, t.name
                        ),
                        url: None,
                    },
                ));
            }
        }
    }
    if !exact.is_empty() {
        let hits: Vec<&(NaiveDate, SourceRef)> =
            exact.iter().filter(|(x, _)| stated.contains(*x)).collect();
        if let Some(first) = hits.first() {
            return j(
                Verdict::Verified,
                Some(Truth::Date(first.0)),
                hits.iter().map(|(_, s)| s.clone()).collect(),
                "a dated source equals it at the stated precision",
            );
        }
        let mut dates: Vec<NaiveDate> = exact.iter().map(|(x, _)| *x).collect();
        dates.sort();
        dates.dedup();
        let truth = if dates.len() == 1 {
            Truth::Date(dates[0])
        } else {
            Truth::Dates(dates)
        };
        return j(
            Verdict::Contradicted,
            Some(truth),
            exact.into_iter().map(|(_, s)| s).collect(),
            "dated sources differ at the stated precision",
        );
    }
    let first = d
        .data
        .chart
        .iter()
        .filter(|r| row_season(r) == season)
        .min_by_key(|r| r.week);
    match first {
        Some(r) => {
            let truth = Some(Truth::NoLaterThan {
                no_later_than: r.week,
            });
            if stated.start().is_some_and(|s| s > r.week) {
                j(
                    Verdict::Contradicted,
                    truth,
                    vec![row_src(r)],
                    "stated is after the season's first chart week",
                )
            } else {
                j(
                    Verdict::Unverifiable,
                    truth,
                    vec![row_src(r)],
                    "only bounded by the first chart week",
                )
            }
        }
        None => Judgement::unverifiable("no dated source for the season by the dateline"),
    }
}

fn renewed(d: &SeriesData, n: u32, date: Option<&PartialDate>) -> Judgement {
    let mut ren: Vec<&Fact> = anns(d, &["season_renewed"])
        .into_iter()
        .filter(|f| f.claim.season.is_some_and(|s| s >= n))
        .collect();
    let stop: Vec<&Fact> = anns(d, &["canceled", "ended"])
        .into_iter()
        .filter(|f| f.claim.season.is_some_and(|s| s < n))
        .collect();
    // Both a renewal and a stop before it: the stop wins unless a renewal is dated after it (a
    // revival). An undated renewal never outweighs a dated cancellation (the starter catalog
    // holds one such false "season 2 announced" for Partner Track).
    if let Some(last_stop) = stop.iter().map(|f| f.claim.date()).max() {
        ren.retain(|f| f.claim.event_date.is_some_and(|e| e > last_stop));
    }
    if !ren.is_empty() {
        let mut exact_n: Vec<&Fact> = ren
            .iter()
            .copied()
            .filter(|f| f.claim.season == Some(n))
            .collect();
        if exact_n.is_empty() {
            exact_n = ren.clone();
        }
        if let Some(date) = date {
            let first = event_date(&exact_n);
            let hit: Vec<&Fact> = exact_n
                .iter()
                .copied()
                .filter(|f| f.claim.event_date == first && matches_date(date, first))
                .collect();
            if hit.is_empty() {
                let a = earliest(&exact_n).unwrap_or(exact_n[0]);
                return j(
                    Verdict::Contradicted,
                    Some(Truth::Renewal {
                        season: a.claim.season.unwrap_or_default(),
                        event_date: a.claim.event_date,
                    }),
                    exact_n.iter().map(|f| ann_src(f)).collect(),
                    "renewed, but no source dates it so",
                );
            }
            exact_n = hit;
        }
        let a = earliest(&exact_n).unwrap_or(exact_n[0]);
        return j(
            Verdict::Verified,
            Some(Truth::Renewal {
                season: a.claim.season.unwrap_or_default(),
                event_date: a.claim.event_date,
            }),
            vec![ann_src(a)],
            "a season_renewed claim for it (or a later season)",
        );
    }
    if date.is_none() {
        if let Some(r) = d
            .data
            .chart
            .iter()
            .filter(|r| row_season(r).is_some_and(|s| s >= n))
            .min_by_key(|r| r.week)
        {
            return j(
                Verdict::Verified,
                Some(Truth::Charted {
                    season: row_season(r).unwrap_or_default(),
                    charted: r.week,
                }),
                vec![row_src(r)],
                "the season charted",
            );
        }
    }
    if let Some(a) = earliest(&stop) {
        let season = a.claim.season.unwrap_or_default();
        let truth = if a.claim.kind() == "canceled" {
            Truth::StoppedCanceled {
                canceled: season,
                event_date: a.claim.event_date,
            }
        } else {
            Truth::StoppedEnded {
                ended: season,
                event_date: a.claim.event_date,
            }
        };
        return j(
            Verdict::Contradicted,
            Some(truth),
            vec![ann_src(a)],
            format!("{} after season {season}", a.claim.kind()),
        );
    }
    if let Some(t) = &d.data.tmdb {
        if t.status == "Canceled" && t.number_of_seasons < n {
            return j(
                Verdict::Contradicted,
                Some(Truth::Tmdb {
                    status: t.status.clone(),
                    seasons: t.number_of_seasons,
                }),
                vec![tmdb_src(d)],
                "TMDB: Canceled",
            );
        }
    }
    Judgement::unverifiable("no renewal, cancellation or later season known by the dateline")
}

fn tmdb_src(d: &SeriesData) -> SourceRef {
    match &d.data.tmdb {
        Some(t) => SourceRef {
            label: format!(
                "{} line {}: {}, {}, {} season(s) (snapshot dated at the earliest {})",
                t.file,
                t.line,
                t.name,
                t.status,
                t.number_of_seasons,
                t.published.date.map(|d| d.to_string()).unwrap_or_default()
            ),
            url: None,
        },
        None => SourceRef {
            label: "TMDB".into(),
            url: None,
        },
    }
}

fn canceled(d: &SeriesData, s: u32, date: Option<&PartialDate>) -> Judgement {
    let canc = anns(d, &["canceled"]);
    let mine: Vec<&Fact> = canc
        .iter()
        .copied()
        .filter(|f| f.claim.season == Some(s))
        .collect();
    if let Some(a) = earliest(&mine) {
        let truth = Some(Truth::CanceledAfter {
            canceled_after: s,
            event_date: a.claim.event_date,
        });
        if let Some(date) = date {
            if !matches_date(date, event_date(&mine)) {
                return j(
                    Verdict::Contradicted,
                    truth,
                    vec![ann_src(a)],
                    "canceled, but on another date",
                );
            }
        }
        return j(
            Verdict::Verified,
            truth,
            vec![ann_src(a)],
            "a canceled claim for that season",
        );
    }
    if let Some(a) = earliest(&canc) {
        return j(
            Verdict::Contradicted,
            Some(Truth::CanceledAfter {
                canceled_after: a.claim.season.unwrap_or_default(),
                event_date: a.claim.event_date,
            }),
            vec![ann_src(a)],
            "canceled after another season",
        );
    }
    if let Some((season, src)) = later_season(d, s) {
        return j(
            Verdict::Contradicted,
            Some(Truth::LaterSeason {
                later_season: season,
            }),
            vec![src],
            "a later season exists or was ordered",
        );
    }
    let ended: Vec<&Fact> = anns(d, &["ended"])
        .into_iter()
        .filter(|f| f.claim.season == Some(s))
        .collect();
    if let Some(a) = earliest(&ended) {
        return j(
            Verdict::Contradicted,
            Some(Truth::StoppedEnded {
                ended: s,
                event_date: a.claim.event_date,
            }),
            vec![ann_src(a)],
            "announced as the final season (a planned ending, not a cancellation)",
        );
    }
    match &d.data.tmdb {
        Some(t) if t.status == "Canceled" && t.number_of_seasons == s => j(
            Verdict::Verified,
            Some(Truth::Tmdb {
                status: t.status.clone(),
                seasons: s,
            }),
            vec![tmdb_src(d)],
            "TMDB: Canceled",
        ),
        Some(t) => j(
            Verdict::Unverifiable,
            Some(Truth::TmdbStatus {
                tmdb_status: t.status.clone(),
            }),
            vec![tmdb_src(d)],
            if t.status == "Ended" {
                "TMDB says Ended, which is not a cancellation"
            } else {
                "no cancellation known by the dateline"
            },
        ),
        None => Judgement::unverifiable("no cancellation known by the dateline"),
    }
}

fn final_season(d: &SeriesData, n: u32) -> Judgement {
    let ended = anns(d, &["ended"]);
    if let Some(a) = ended
        .iter()
        .copied()
        .max_by_key(|f| (f.claim.published, f.claim.event_date))
    {
        let season = a.claim.season.unwrap_or_default();
        return j(
            ok(season == n),
            Some(Truth::FinalSeason {
                final_season: season,
                event_date: a.claim.event_date,
            }),
            vec![ann_src(a)],
            if season == n {
                "the latest ended claim names it"
            } else {
                "the latest ended claim names another season"
            },
        );
    }
    if let Some((season, src)) = later_season(d, n) {
        return j(
            Verdict::Contradicted,
            Some(Truth::LaterSeason {
                later_season: season,
            }),
            vec![src],
            "a later season exists or was ordered",
        );
    }
    let canc: Vec<&Fact> = anns(d, &["canceled"])
        .into_iter()
        .filter(|f| f.claim.season == Some(n))
        .collect();
    if let Some(a) = earliest(&canc) {
        return j(
            Verdict::Verified,
            Some(Truth::CanceledAfterOnly { canceled_after: n }),
            vec![ann_src(a)],
            "canceled after it",
        );
    }
    Judgement::unverifiable("no final season known by the dateline")
}

fn limited(d: &SeriesData) -> Judgement {
    if let Some(a) = earliest(&anns(d, &["limited_series"])) {
        return j(
            Verdict::Verified,
            Some(Truth::Flag(true)),
            vec![ann_src(a)],
            "a limited_series claim",
        );
    }
    if let Some(r) = d.data.chart.iter().find(|r| season_of(&r.label).1) {
        return j(
            Verdict::Verified,
            Some(Truth::Flag(true)),
            vec![row_src(r)],
            "a ': Limited Series' chart title",
        );
    }
    if let Some(r) = d.data.reports.iter().find(|r| season_of(&r.label).1) {
        return j(
            Verdict::Verified,
            Some(Truth::Flag(true)),
            vec![rep_src(r)],
            "a ': Limited Series' report title",
        );
    }
    if let Some((season, src)) = later_season(d, 1) {
        return j(
            Verdict::Contradicted,
            Some(Truth::Season { season }),
            vec![src],
            "a second season exists or was ordered",
        );
    }
    Judgement::unverifiable("nothing says limited or not")
}

fn season_count(d: &SeriesData, n: u32) -> Judgement {
    let mut seen: Vec<(u32, SourceRef)> = Vec::new();
    // The newest row naming the highest season is the best witness; every row is a candidate.
    for r in &d.data.chart {
        if let Some(s) = row_season(r) {
            seen.push((s, row_src(r)));
        }
    }
    for r in &d.data.reports {
        if let Some(s) = report_season(r) {
            seen.push((s, rep_src(r)));
        }
    }
    if let Some(show) = &d.data.justwatch {
        if let Some(s) = show.seasons {
            seen.push((
                s,
                SourceRef {
                    label: format!(
                        "{} line {}: {} ({}), {s} season(s)",
                        show.file, show.line, show.title, show.id
                    ),
                    url: None,
                },
            ));
        }
    }
    for f in anns(d, &["release_date_announced", "premiered"]) {
        let when = match &f.claim.value {
            ClaimValue::ReleaseDateAnnounced { release_date, .. } => Some(*release_date),
            _ => f.claim.event_date,
        };
        if let (Some(when), Some(s)) = (when, f.claim.season) {
            if when <= d.data.as_of {
                seen.push((s, ann_src(f)));
            }
        }
    }
    let Some(l) = seen.iter().map(|(s, _)| *s).max() else {
        return Judgement::unverifiable("no season seen by the dateline");
    };
    let best = seen
        .iter()
        .find(|(s, _)| *s == l)
        .map(|(_, src)| src.clone())
        .into_iter()
        .collect::<Vec<_>>();
    if n == l {
        return j(
            Verdict::Verified,
            Some(Truth::Count(l)),
            best,
            "the most seasons seen out by the dateline",
        );
    }
    if n < l {
        return j(
            Verdict::Contradicted,
            Some(Truth::Count(l)),
            best,
            "more seasons were out",
        );
    }
    let fin: Vec<&Fact> = anns(d, &["ended", "canceled"])
        .into_iter()
        .filter(|f| f.claim.season == Some(l))
        .collect();
    if let Some(a) = earliest(&fin) {
        let mut src = best;
        src.push(ann_src(a));
        return j(
            Verdict::Contradicted,
            Some(Truth::Count(l)),
            src,
            "the show stopped at that season",
        );
    }
    j(
        Verdict::Unverifiable,
        Some(Truth::Count(l)),
        best,
        "more seasons than seen; none known to be final",
    )
}

/// Why there is no JustWatch record to judge a credit by.
fn no_catalogue(d: &SeriesData) -> Judgement {
    match d.data.justwatch_published.and_then(|p| p.date) {
        Some(p) if p > d.data.as_of => Judgement::unverifiable(format!(
            "JustWatch (published {p}) not yet out at the dateline"
        )),
        Some(_) => Judgement::unverifiable("title not in JustWatch"),
        None => Judgement::unverifiable("no JustWatch catalogue imported"),
    }
}

/// Whether a credited character is the stated one: the whole credit, one of its ` / ` parts,
/// or a run of its words (`Beatrice` plays `Sister Beatrice`).
fn plays(character: &str, stated: &str) -> bool {
    let ch = fold(stated);
    let full = fold(character);
    !ch.is_empty()
        && (ch == full
            || character.split(" / ").any(|p| fold(p) == ch)
            || format!(" {full} ").contains(&format!(" {ch} ")))
}

fn cast(d: &SeriesData, person: &str, stated: &str) -> Judgement {
    let Some(show) = &d.data.justwatch else {
        return no_catalogue(d);
    };
    let actors: Vec<&CheckCredit> = show.credits.iter().filter(|r| r.role == "ACTOR").collect();
    let who = fold(person);
    if let Some(r) = actors.iter().find(|r| fold(&r.name) == who) {
        let Some(ch) = r.character.as_deref().filter(|c| !c.is_empty()) else {
            return j(
                Verdict::Unverifiable,
                None,
                vec![credit_src(&show.id, r)],
                "credited without a character",
            );
        };
        let good = plays(ch, stated);
        return j(
            ok(good),
            Some(Truth::Name(ch.to_string())),
            vec![credit_src(&show.id, r)],
            if good {
                "the credited character"
            } else {
                "credited as another character"
            },
        );
    }
    if let Some(r) = actors.iter().find(|r| {
        r.character
            .as_deref()
            .is_some_and(|ch| !ch.is_empty() && plays(ch, stated))
    }) {
        return j(
            Verdict::Contradicted,
            Some(Truth::PlayedBy {
                character: r.character.clone().unwrap_or_default(),
                played_by: r.name.clone(),
            }),
            vec![credit_src(&show.id, r)],
            "that character is credited to someone else",
        );
    }
    Judgement::unverifiable("person not credited")
}

fn director(d: &SeriesData, stated: &str) -> Judgement {
    let Some(show) = &d.data.justwatch else {
        return no_catalogue(d);
    };
    let dirs: Vec<&CheckCredit> = show
        .credits
        .iter()
        .filter(|r| r.role == "DIRECTOR")
        .collect();
    if let Some(r) = dirs.iter().find(|r| fold(&r.name) == fold(stated)) {
        return j(
            Verdict::Verified,
            Some(Truth::Name(r.name.clone())),
            vec![credit_src(&show.id, r)],
            "credited as director",
        );
    }
    if dirs.is_empty() {
        return Judgement::unverifiable("no directors credited");
    }
    j(
        Verdict::Contradicted,
        Some(Truth::Names(dirs.iter().map(|r| r.name.clone()).collect())),
        dirs.iter().map(|r| credit_src(&show.id, r)).collect(),
        "other directors credited",
    )
}

fn platform(d: &SeriesData, stated: &str) -> Judgement {
    let mut found: Option<(String, SourceRef)> = None;
    if let Some(r) = d.data.chart.first() {
        found = Some(("Netflix".into(), row_src(r)));
    } else if let Some(r) = d.data.reports.first() {
        found = Some(("Netflix".into(), rep_src(r)));
    }
    if let Some(t) = &d.data.tmdb {
        found = Some((t.network.clone(), tmdb_src(d)));
    } else if found.is_none() {
        if let Some(show) = &d.data.justwatch {
            found = Some((
                "Netflix".into(),
                SourceRef {
                    label: format!(
                        "{} line {}: {} ({}) in the Netflix catalogue",
                        show.file, show.line, show.title, show.id
                    ),
                    url: None,
                },
            ));
        }
    }
    let Some((name, src)) = found else {
        return Judgement::unverifiable("no platform known by the dateline");
    };
    let good = fold(&name) == fold(stated);
    j(
        ok(good),
        Some(Truth::Name(name)),
        vec![src],
        if good { "equal" } else { "another platform" },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use greenlight_store::checking::CheckingSeries;
    use greenlight_store::SeriesRef;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn row(week: &str, hours: i64) -> CheckChartRow {
        CheckChartRow {
            week: day(week),
            category: "TV (English)".into(),
            rank: 4,
            hours,
            season_title: "X: Season 1".into(),
            label: Some(SeasonLabel::Season { number: 1 }),
            file: "netflix-top10/all-weeks-global.tsv".into(),
            line: 2,
        }
    }

    /// A series charted in the weeks ending 2022-08-28 and 2022-09-04, judged on 2022-11-15.
    fn data() -> SeriesData {
        SeriesData {
            data: CheckingSeries {
                series: SeriesRef {
                    id: 1,
                    slug: "x".into(),
                    title: "X".into(),
                    kind: "tv".into(),
                },
                as_of: day("2022-11-15"),
                chart: vec![row("2022-08-28", 1_000_000), row("2022-09-04", 2_000_000)],
                last_chart_week: Some(day("2022-11-13")),
                reports: Vec::new(),
                justwatch: None,
                justwatch_published: None,
                tmdb: None,
            },
            ledger: Vec::new(),
        }
    }

    #[test]
    fn window_hours_sum_the_weeks_wholly_inside() {
        let d = data();
        let j = window_hours(&d, Some(1), 3_000_000, day("2022-08-22"), day("2022-09-04"));
        assert_eq!(j.verdict, Verdict::Verified, "{}", j.rule);
        let j = window_hours(&d, Some(1), 3_050_000, day("2022-08-22"), day("2022-09-04"));
        assert_eq!(
            j.verdict,
            Verdict::Contradicted,
            "beyond 2 x 10,000 of rounding"
        );
        // Starting mid-week: the first week is only partly inside, so only bounds are known.
        let j = window_hours(&d, Some(1), 2_500_000, day("2022-08-25"), day("2022-09-04"));
        assert_eq!(j.verdict, Verdict::Unverifiable, "{}", j.rule);
        match j.truth {
            Some(Truth::Hours {
                hours,
                partly_inside,
                ..
            }) => {
                assert_eq!(hours, 2_000_000);
                assert!(partly_inside
                    .iter()
                    .any(|p| p.week == day("2022-08-28") && p.charted));
            }
            other => panic!("{other:?}"),
        }
        let j = window_hours(&d, Some(1), 1_000_000, day("2022-08-25"), day("2022-09-04"));
        assert_eq!(
            j.verdict,
            Verdict::Contradicted,
            "below the weeks wholly inside"
        );
    }

    /// Any dates a claim carries are judged without panicking and in bounded work.
    #[test]
    fn absurd_windows_are_unverifiable_not_a_panic() {
        let d = data();
        for (lo, hi) in [
            (NaiveDate::MIN, NaiveDate::MAX),
            (day("2022-08-22"), NaiveDate::MAX),
            (NaiveDate::MAX, NaiveDate::MAX),
            (NaiveDate::MIN, NaiveDate::MIN),
            (day("2022-09-04"), day("2022-08-22")),
        ] {
            let j = window_hours(&d, Some(1), u64::MAX, lo, hi);
            assert_eq!(j.verdict, Verdict::Unverifiable, "{lo}..{hi}: {}", j.rule);
        }
    }

    #[test]
    fn a_character_matches_its_credit_a_part_or_a_run_of_words() {
        assert!(plays("Sister Beatrice", "Beatrice"));
        assert!(plays("Seong Gi-hun / 'No. 456'", "Seong Gi-hun"));
        assert!(plays("Ryōhei Arisu", "Ryohei Arisu"));
        assert!(plays("Anna Delvey / Anna Sorokin", "ANNA SOROKIN"));
        assert!(!plays("Sister Beatrice", "Beatrix"));
        assert!(!plays("Cho Sang-woo / 'No. 218'", "Oh Il-nam"));
        assert!(!plays("Ava", ""));
    }

    #[test]
    fn uncovered_kinds_are_unverifiable() {
        let d = data();
        let c = Claim {
            span: crate::Span { start: 0, end: 0 },
            series: "x".into(),
            title: "X".into(),
            season: Some(1),
            assertion: Assertion::EpisodeCount { stated: 10 },
        };
        let j = judge(&d, &c);
        assert_eq!(j.verdict, Verdict::Unverifiable);
        assert!(j.truth.is_none());
    }
}
