//! Labels (issue 5 item 3, issue 16 item 1): what happened after each season that charted in a
//! global TV Top 10, and when it was decided. The rules, in order (the first that speaks wins):
//!
//! 1. **the ledger**: a dated announcement about the season after N (renewed, ordered or dated:
//!    renewed; canceled after N, N announced as the final season, a limited series: not
//!    renewed) decides the label and its decision date (a revival beats the cancellation when
//!    the data shows the next season; see [`crate::announcements::decide`]); a claim that only
//!    implies it (a later season renewed, canceled after a later season) counts only where no
//!    later season is seen, and dates the decision "no later than";
//! 2. **data sightings**: renewed if a later season (N+1 or higher) of the series is seen in
//!    any chart or engagement report, first evidenced after season N's premiere (decided no
//!    later than that sighting);
//! 3. **catalogue status words**, only where nothing above speaks: renewed if the TMDB
//!    snapshot says `Returning Series` with more than N seasons; not renewed if it says
//!    `Canceled` or `Ended` with N as the last season (decided as reported by the snapshot);
//! 4. **not renewed** if no later season is seen within 30 months of the premiere while the
//!    chart data runs past those 30 months (no decision date);
//! 5. otherwise **undecided** (never trained on).
//!
//! A season whose next season was decided on or before its own premiere (renewed early, a
//! final season announced as such, a limited series) is *decided before launch*: its viewing
//! did not decide it, so it is excluded from training and testing and gets the decision, never
//! odds. Limited series, parts, volumes and specials are not numbered seasons and are excluded.

use crate::announcements::{self, Said};
use crate::catalog::{Catalog, Season, TmdbRow};
use crate::dates;
use crate::metrics::{premiere, Premiere, PremiereSource};
use chrono::{Duration, NaiveDate};
use greenlight_ledger::DatePrecision;
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

/// Where a label comes from, in the order the rules ask them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelSource {
    /// A dated announcement in the ledger.
    Ledger,
    /// A later season seen in the chart or engagement data, or 30 months of silence.
    Data,
    /// TMDB's status words.
    Catalogue,
    /// Nothing decides it yet.
    None,
}

impl Rule {
    pub fn source(self) -> LabelSource {
        match self {
            Rule::LedgerAnnouncement | Rule::LedgerImplied => LabelSource::Ledger,
            Rule::LaterSeasonSeen | Rule::NoLaterSeasonIn30Months => LabelSource::Data,
            Rule::TmdbReturning | Rule::TmdbCanceledOrEnded => LabelSource::Catalogue,
            Rule::Undecided => LabelSource::None,
        }
    }
}

/// Which rule decided a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// A ledger claim about the season after N itself.
    LedgerAnnouncement,
    /// A ledger claim that implies it (a later season renewed or ended).
    LedgerImplied,
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
    /// Where the label comes from (the rule's source: `ledger`, `data`, `catalogue`, `none`).
    pub source: LabelSource,
    /// When the next season was decided: an announcement's date (`exact` or `no_later_than`),
    /// a later season's first sighting (`no_later_than`), a catalogue snapshot (`reported_by`);
    /// `None` for the silence rule and undecided seasons.
    pub decided_on: Option<NaiveDate>,
    pub decided_on_precision: Option<DatePrecision>,
    /// When the deciding evidence became public (an announcement's publication, a sighting's
    /// chart publication, the snapshot's date): a point-in-time answer knows it from then on.
    pub decision_public: Option<NaiveDate>,
    /// The deciding announcement's URL, for a ledger label.
    pub source_url: Option<String>,
    /// The next season was decided on or before this season's premiere (or it is a limited
    /// series): excluded from training, and never given odds.
    pub decided_before_premiere: bool,
    /// Ledger claims about this decision disagree (the winner is the label; see
    /// `announcements::decide`), or the ledger's label disagrees with what the data shows.
    pub conflict: Option<String>,
    /// Human-readable evidence for the label.
    pub evidence: String,
    /// Whether both outcomes could have been observed: the premiere's launch is in the chart
    /// data and the data runs 30 months past it, and the decision was not made before launch.
    /// Only such seasons are trained and tested on, since later seasons can so far only be
    /// labelled renewed (a censoring bias).
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
    /// Labels by source (`ledger`, `data`, `catalogue`, `none`), all seasons.
    pub by_source: BTreeMap<String, u32>,
    /// Trainable labels by source.
    pub trainable_by_source: BTreeMap<String, u32>,
    /// Seasons otherwise trainable but decided before they premiered (excluded).
    pub excluded_decided_before_premiere: u32,
    /// Seasons decided before they premiered, all of them.
    pub decided_before_premiere: u32,
    /// Seasons whose ledger label differs from what the data or the catalogue alone would say.
    pub ledger_overrides: u32,
    pub excluded_limited_series: u32,
    /// Parts, volumes, named arcs, dated specials and unnumbered entries that charted.
    pub excluded_not_numbered: u32,
    /// Numbered seasons whose launch is not in the chart data (charted only on a revival or
    /// licensed arrival, or launched before the data begins).
    pub excluded_launch_not_in_data: u32,
    pub tmdb_conflicts: u32,
    pub seasons: Vec<LabelledSeason>,
}

/// The label of one season, judged on all the data in the catalog and the ledger's claims.
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
        source: LabelSource::None,
        decided_on: None,
        decided_on_precision: None,
        decision_public: None,
        source_url: None,
        decided_before_premiere: false,
        conflict: None,
        evidence: String::new(),
        trainable: false,
        tmdb_conflict: false,
    };
    let deadline = start.map(|d| dates::add_months(d, SILENCE_MONTHS));
    // A release date marks a Netflix premiere: licensed catalogue arrivals have none in the
    // engagement reports, and their renewals were decided elsewhere, years earlier.
    let observable = p
        .is_some_and(|p| p.source == PremiereSource::ReleaseDate && launch_in_data(cat, &p))
        && deadline.is_some_and(|d| d <= cat.horizon);

    data_label(cat, s, start, deadline, &mut out);
    let by_data = out.outcome;
    let seen_later = out.rule == Rule::LaterSeasonSeen;
    // Direct claims first; an implied one (a later season renewed or ended) only where no
    // later season is seen, whose sighting dates the renewal more tightly.
    let ledger = cat
        .announcements
        .get(&s.series_id)
        .and_then(|l| announcements::decide(l, s.number, seen_later))
        .filter(|(a, _)| a.direct || !seen_later);
    if let Some((a, contradicted)) = ledger {
        let outcome = if a.said.renews() {
            Outcome::Renewed
        } else {
            Outcome::NotRenewed
        };
        let what = match a.said {
            Said::Renewed => format!("season {} renewed", s.number + 1),
            Said::Canceled => format!("canceled after season {}", s.number),
            Said::FinalSeason => format!("season {} announced as the final season", s.number),
            Said::Limited => "a limited series".to_string(),
        };
        let mut conflict = Vec::new();
        if contradicted {
            conflict.push("ledger claims about this decision disagree".to_string());
        }
        if by_data != Outcome::Undecided && by_data != outcome {
            conflict.push(format!(
                "the data alone says {} ({})",
                by_data.as_str(),
                out.evidence
            ));
        }
        out.conflict = (!conflict.is_empty()).then(|| conflict.join("; "));
        out.outcome = outcome;
        out.rule = if a.direct {
            Rule::LedgerAnnouncement
        } else {
            Rule::LedgerImplied
        };
        out.evidence = format!(
            "{} ({} {}, {}: {})",
            what,
            if a.precision.is_exact() { "on" } else { "by" },
            a.date,
            a.kind,
            a.source
        );
        out.decided_on = Some(a.date);
        out.decided_on_precision = Some(a.precision);
        out.decision_public = Some(a.published);
        out.source_url = a.url.clone();
        out.tmdb_conflict = false;
        // On or before the premiere: viewing did not decide it. A limited series is decided by
        // design. An implied date is only an upper bound, so it cannot show that.
        out.decided_before_premiere =
            a.said == Said::Limited || (a.direct && out.premiere.is_some_and(|p| a.date <= p));
    }
    out.source = out.rule.source();
    out.trainable = observable && !out.decided_before_premiere;
    out
}

/// The label the data and the catalogue give (rules 2..5), written into `out`.
fn data_label(
    cat: &Catalog,
    s: &Season,
    start: Option<NaiveDate>,
    deadline: Option<NaiveDate>,
    out: &mut LabelledSeason,
) {
    let later = later_season(cat, s, start);
    let tmdb = tmdb_for(cat, s, start);
    if let Some((n, seen, public, how)) = later {
        out.outcome = Outcome::Renewed;
        out.rule = Rule::LaterSeasonSeen;
        out.evidence = format!("season {n} seen: {how} ({seen})");
        out.tmdb_conflict = tmdb.is_some_and(|t| is_over(t) && t.number_of_seasons == s.number);
        out.decided_on = Some(seen);
        out.decided_on_precision = Some(DatePrecision::NoLaterThan);
        out.decision_public = Some(public);
        return;
    }
    if let Some(t) = tmdb {
        if t.status == "Returning Series" && t.number_of_seasons > s.number {
            out.outcome = Outcome::Renewed;
            out.rule = Rule::TmdbReturning;
            out.evidence = format!(
                "TMDB ({}): Returning Series with {} seasons",
                t.as_of, t.number_of_seasons
            );
            out.decided_on = Some(t.as_of);
            out.decided_on_precision = Some(DatePrecision::ReportedBy);
            out.decision_public = Some(t.as_of);
            return;
        }
        if is_over(t) && t.number_of_seasons == s.number {
            out.outcome = Outcome::NotRenewed;
            out.rule = Rule::TmdbCanceledOrEnded;
            out.evidence = format!(
                "TMDB ({}): {} after {} season(s)",
                t.as_of, t.status, t.number_of_seasons
            );
            out.decided_on = Some(t.as_of);
            out.decided_on_precision = Some(DatePrecision::ReportedBy);
            out.decision_public = Some(t.as_of);
            return;
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
        return;
    }
    out.evidence = match deadline {
        Some(d) => format!("no season {} seen yet; decidable on {d}", s.number + 1),
        None => "no premiere date".into(),
    };
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
) -> Option<(u32, NaiveDate, NaiveDate, String)> {
    let start = start?;
    cat.series_seasons
        .get(&s.series_id)?
        .iter()
        .map(|&i| &cat.seasons[i])
        .filter(|o| o.number > s.number)
        .filter_map(|o| {
            let seen = o.first_seen.filter(|d| *d > start)?;
            // When the sighting became public: a chart week the Tuesday after it, a release on
            // its day; an engagement report's listing is dated by the first day it covers,
            // public later (the point-in-time answers read the ledger, not this date).
            let mut public = seen;
            let how = match (o.first_chart_week, o.release_date) {
                (Some(w), _) if greenlight_store::week_start(w) == seen => {
                    public = dates::chart_published(w);
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
            Some((o.number, seen, public, how))
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
    let mut by_source = BTreeMap::new();
    let mut trainable_by_source = BTreeMap::new();
    let (mut before_launch, mut excluded_before, mut overrides) = (0, 0, 0);
    for l in &seasons {
        let src = serde_json::to_value(l.source)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        *by_source.entry(src.clone()).or_insert(0) += 1;
        if l.trainable {
            *trainable_by_source.entry(src).or_insert(0) += 1;
        }
        if l.decided_before_premiere {
            before_launch += 1;
            // Trainable but for the decision's timing.
            let observable = cat.season(l.season_id).is_some_and(|s| {
                premiere(cat, s).is_some_and(|p| {
                    p.source == PremiereSource::ReleaseDate
                        && launch_in_data(cat, &p)
                        && dates::add_months(p.date, SILENCE_MONTHS) <= cat.horizon
                })
            });
            if observable {
                excluded_before += 1;
            }
        }
        if l.source == LabelSource::Ledger
            && l.conflict
                .as_deref()
                .is_some_and(|c| c.contains("the data alone says"))
        {
            overrides += 1;
        }
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
            "first: a dated ledger announcement about the season after N (renewed/ordered/release date of N+1: renewed; canceled after N, N announced final, limited series: not renewed) decides the label and its decision date; disagreeing claims: a renewal when the data shows season N+1 (a revival), else the ledger's own ranking (standing, the newer dated event, the later publication); a claim that only implies it (a later season renewed or ended) counts only where no later season is seen".into(),
            "renewed: a later season of the series is seen in any chart or engagement report after this season's premiere".into(),
            "renewed: TMDB says Returning Series with more than N seasons".into(),
            "not renewed: TMDB says Canceled or Ended with N as the last season".into(),
            format!("not renewed: no later season seen within {SILENCE_MONTHS} months of the premiere, and the chart data runs past that"),
            "TMDB status words count only where neither the ledger nor a later season speaks".into(),
            "otherwise undecided (not trained on); limited series and unnumbered entries are excluded".into(),
            "decided before launch: the next season decided on or before this season's premiere (or a limited series): excluded from training and testing, and given the decision, never odds".into(),
            "trainable: a Netflix premiere (release date known) whose launch is in the chart data, with 30 months of data after it (both outcomes observable), not decided before launch".into(),
        ],
        horizon: cat.horizon,
        decidable_through: cat.horizon.checked_sub_months(chrono::Months::new(SILENCE_MONTHS)).unwrap_or(cat.horizon),
        all,
        trainable,
        by_rule,
        by_source,
        trainable_by_source,
        excluded_decided_before_premiere: excluded_before,
        decided_before_premiere: before_launch,
        ledger_overrides: overrides,
        excluded_limited_series: limited,
        excluded_not_numbered: not_numbered,
        excluded_launch_not_in_data: launch_missing,
        tmdb_conflicts: seasons.iter().filter(|l| l.tmdb_conflict).count() as u32,
        seasons,
    })
}
