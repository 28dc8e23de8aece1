//! The tracker's pages' reports (issue 13; the kept board itself is [`crate::tracker`]): the scorecard (`/tracker`), the calendar (`/calendar`) and
//! the model's accuracy in public (`/accuracy`). Each is built from [`crate::list`], the one
//! report of every TV series' status, so the pages, `greenlight list` and the API cannot
//! disagree about a series: they render the same [`StatusView`]s.
//!
//! Predictions are kept when made: [`crate::list`] and [`crate::status`] (on the latest data,
//! never `--as-of`) store the probability of every season they show odds for, once per series,
//! season, model version and day ([`keep_predictions`]). Outcomes are filled in when the ledger
//! has learned the decision: by every `list` (which has every series' status at hand) and by
//! [`accuracy`] before it reads the record ([`fill_outcomes`]). A prediction counts towards
//! the track record only when its decision was published on or after the day it was made.

use crate::{list, OddsOrWhy, ReportError, StatusView};
use chrono::NaiveDate;
use greenlight_ledger::{self as ledger, DatePrecision, LedgerError, Role, Status, StatusReport};
use greenlight_odds::eval::{self, CalibrationBin};
use greenlight_store::predictions::{NewPrediction, PredictionOutcome};
use greenlight_store::Store;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// Today, as the reports date "days waiting" and the calendar (UTC).
pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The scorecard's groups, in the order the page shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// Another season is coming: ordered, renewed, or with a release date.
    Renewed,
    /// The next season is coming and is the last.
    FinalSeason,
    /// No further season: canceled or ended.
    Canceled,
    /// The latest season is out and nothing says whether another comes.
    Awaiting,
    /// A limited series: one season by design.
    Limited,
}

impl Group {
    pub const ALL: [Group; 5] = [
        Group::Renewed,
        Group::FinalSeason,
        Group::Canceled,
        Group::Awaiting,
        Group::Limited,
    ];

    pub fn of(s: Status) -> Group {
        match s {
            Status::Ordered | Status::Renewed | Status::ReleaseDateAnnounced => Group::Renewed,
            Status::FinalSeasonAnnounced => Group::FinalSeason,
            Status::Canceled | Status::Ended => Group::Canceled,
            Status::AwaitingDecision => Group::Awaiting,
            Status::LimitedSeries => Group::Limited,
        }
    }

    /// The query value (`?status=`).
    pub fn name(self) -> &'static str {
        match self {
            Group::Renewed => "renewed",
            Group::FinalSeason => "final_season",
            Group::Canceled => "canceled",
            Group::Awaiting => "awaiting",
            Group::Limited => "limited",
        }
    }

    pub fn from_name(s: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.name() == s)
    }

    pub fn heading(self) -> &'static str {
        match self {
            Group::Renewed => "Renewed",
            Group::FinalSeason => "Final season announced",
            Group::Canceled => "Canceled or ended",
            Group::Awaiting => "Awaiting a decision",
            Group::Limited => "Limited series",
        }
    }
}

/// A source a row links: who said it, where, when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceLink {
    pub name: String,
    pub url: Option<String>,
    pub published: NaiveDate,
}

/// One series on the scorecard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackerRow {
    pub slug: String,
    pub title: String,
    pub status: Status,
    pub group: Group,
    pub next_season: u32,
    pub decided_on: Option<NaiveDate>,
    pub decided_on_precision: Option<DatePrecision>,
    pub release_date: Option<NaiveDate>,
    /// The deciding source (the latest deciding claim, preferring one with a URL); for a
    /// season awaiting a decision, the source of its premiere (what it waits after).
    pub source: Option<SourceLink>,
    /// The latest premiered season and when it premiered.
    pub premiered_season: Option<u32>,
    pub premiered_on: Option<NaiveDate>,
    pub premiered_on_precision: Option<DatePrecision>,
    /// Awaiting only: days from the premiere to today.
    pub waiting_days: Option<i64>,
    /// Awaiting only: the renewal probability of the premiered season, or why there is none.
    pub probability: Option<f64>,
    pub odds_unavailable: Option<String>,
    pub confidence: f64,
}

/// The scorecard: every TV series of [`crate::list`], once, grouped by [`Group`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scorecard {
    pub as_of: NaiveDate,
    pub rows: Vec<TrackerRow>,
}

impl Scorecard {
    pub fn count(&self, g: Group) -> usize {
        self.rows.iter().filter(|r| r.group == g).count()
    }
}

/// How the scorecard's rows are ordered within each group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Title,
    /// Highest renewal probability first (rows without odds last).
    Odds,
    /// Longest wait first.
    Waiting,
    /// Most recent decision first.
    Decided,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Title, Sort::Odds, Sort::Waiting, Sort::Decided];
    pub fn name(self) -> &'static str {
        match self {
            Sort::Title => "title",
            Sort::Odds => "odds",
            Sort::Waiting => "waiting",
            Sort::Decided => "decided",
        }
    }
    pub fn from_name(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|x| x.name() == s)
    }
}

impl Sort {
    /// `a` against `b` in this order (ties by title without case, then slug, so the order is
    /// total and a page of a group always holds the same rows).
    pub fn compare(self, a: &TrackerRow, b: &TrackerRow) -> std::cmp::Ordering {
        let primary = match self {
            Sort::Title => std::cmp::Ordering::Equal,
            Sort::Odds => b
                .probability
                .unwrap_or(-1.0)
                .total_cmp(&a.probability.unwrap_or(-1.0)),
            Sort::Waiting => b.waiting_days.cmp(&a.waiting_days),
            Sort::Decided => b.decided_on.cmp(&a.decided_on),
        };
        primary.then_with(|| {
            let key = |r: &TrackerRow| (r.title.to_lowercase(), r.slug.clone());
            key(a).cmp(&key(b))
        })
    }
}

impl Scorecard {
    /// The rows in `sort` order (ties by title, then slug, so the order is total).
    pub fn sort(&mut self, sort: Sort) {
        self.rows.sort_by(|a, b| sort.compare(a, b));
    }

    /// The rows of group `g` in `sort` order: what `/tracker/{group}` pages through.
    pub fn group_sorted(&self, g: Group, sort: Sort) -> Vec<&TrackerRow> {
        let mut rows: Vec<&TrackerRow> = self.rows.iter().filter(|r| r.group == g).collect();
        rows.sort_by(|a, b| sort.compare(a, b));
        rows
    }
}

/// What the scorecard and the calendar read of one series' status: the few fields of its
/// [`StatusView`] they show, taken from a view in memory ([`Entry::of_view`]) or parsed from the
/// kept board's body, its JSON text ([`Entry::of_kept`]), so the pages render the same logic over
/// either and the kept board is read, never re-derived, for them.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub slug: String,
    pub title: String,
    pub status: Status,
    pub next_season: u32,
    pub decided_on: Option<NaiveDate>,
    pub decided_on_precision: Option<DatePrecision>,
    pub release_date: Option<NaiveDate>,
    pub confidence: f64,
    /// The source a row links ([`Entry::of_view`] picks it as the page shows it).
    pub source: Option<SourceLink>,
    pub seasons: Vec<EntrySeason>,
    pub odds: Option<EntryOdds>,
}

/// A season's outcome, as [`ledger::SeasonOutcome`] without its evidence.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct EntrySeason {
    pub season: u32,
    #[serde(deserialize_with = "status_named")]
    pub decision: Status,
    pub decided_on: Option<NaiveDate>,
    pub decided_on_precision: Option<DatePrecision>,
    pub premiered: bool,
    pub premiered_on: Option<NaiveDate>,
    pub premiered_on_precision: Option<DatePrecision>,
}

/// The odds an entry shows, with what a kept prediction needs (their model's version), or why
/// there are none.
#[derive(Debug, Clone, PartialEq)]
pub enum EntryOdds {
    Odds {
        season: u32,
        probability: f64,
        model_version: String,
    },
    Unavailable(String),
}

fn status_named<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Status, D::Error> {
    let s = <String as serde::Deserialize>::deserialize(d)?;
    crate::tracker::status_named(&s).map_err(serde::de::Error::custom)
}

/// A kept body as parsed: the fields [`Entry`] takes, in the body's own shape.
#[derive(Debug, serde::Deserialize)]
struct KeptBody {
    series: KeptSeries,
    #[serde(deserialize_with = "status_named")]
    status: Status,
    next_season: u32,
    decided_on: Option<NaiveDate>,
    decided_on_precision: Option<DatePrecision>,
    release_date: Option<NaiveDate>,
    confidence: f64,
    evidence: Vec<KeptEvidence>,
    seasons: Vec<EntrySeason>,
    #[serde(default)]
    odds: Option<KeptOdds>,
}

#[derive(Debug, serde::Deserialize)]
struct KeptSeries {
    slug: String,
    title: String,
}

/// One evidence item: its role, and its claim's source and publication (the claim is
/// flattened into the item in the body).
#[derive(Debug, serde::Deserialize)]
struct KeptEvidence {
    role: String,
    published: NaiveDate,
    source: KeptSource,
}

#[derive(Debug, serde::Deserialize)]
struct KeptSource {
    name: String,
    #[serde(default)]
    url: Option<String>,
}

/// [`OddsOrWhy`] as kept: the odds whole (their model version is part of a kept prediction),
/// or why there are none.
#[derive(Debug, serde::Deserialize)]
#[serde(untagged)]
enum KeptOdds {
    Odds(Box<greenlight_odds::StatusOdds>),
    Unavailable { unavailable: String },
}

impl From<KeptOdds> for EntryOdds {
    fn from(o: KeptOdds) -> EntryOdds {
        match o {
            KeptOdds::Odds(o) => EntryOdds::Odds {
                season: o.season,
                probability: o.probability,
                model_version: greenlight_odds::kept::model_version(&o),
            },
            KeptOdds::Unavailable { unavailable } => EntryOdds::Unavailable(unavailable),
        }
    }
}

/// The role whose claim a row links: the deciding one, or for a season awaiting a decision
/// the context (its premiere: what it waits after).
fn source_role(status: Status) -> Role {
    if status == Status::AwaitingDecision {
        Role::Context
    } else {
        Role::Deciding
    }
}

/// The claim a row links among `(role, has a URL, link)`: the latest of its role with a URL,
/// else the latest of its role.
fn pick_source<'a>(items: impl Iterator<Item = (bool, &'a SourceLink)>) -> Option<SourceLink> {
    let of_role: Vec<&SourceLink> = items.filter(|(r, _)| *r).map(|(_, l)| l).collect();
    of_role
        .iter()
        .rev()
        .find(|l| l.url.is_some())
        .or_else(|| of_role.last())
        .map(|l| (*l).clone())
}

/// A role as the body spells it (the ledger's own serialization, not a copy of its names).
fn role_name(r: Role) -> Result<String, ReportError> {
    match serde_json::to_value(r) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        other => Err(ReportError::Serialize(format!(
            "a role serializes as {other:?}"
        ))),
    }
}

impl Entry {
    /// The entry of a status view in memory.
    pub fn of_view(v: &StatusView) -> Entry {
        let s = &v.status;
        let role = source_role(s.status);
        let links: Vec<(bool, SourceLink)> = s
            .evidence
            .iter()
            .map(|e| {
                let c = &e.claim.claim;
                (
                    e.role == role,
                    SourceLink {
                        name: c.source.name.clone(),
                        url: c.source.url.clone(),
                        published: c.published,
                    },
                )
            })
            .collect();
        Entry {
            slug: s.series.slug.clone(),
            title: s.series.title.clone(),
            status: s.status,
            next_season: s.next_season,
            decided_on: s.decided_on,
            decided_on_precision: s.decided_on_precision,
            release_date: s.release_date,
            confidence: s.confidence,
            source: pick_source(links.iter().map(|(r, l)| (*r, l))),
            seasons: s
                .seasons
                .iter()
                .map(|o| EntrySeason {
                    season: o.season,
                    decision: o.decision,
                    decided_on: o.decided_on,
                    decided_on_precision: o.decided_on_precision,
                    premiered: o.premiered,
                    premiered_on: o.premiered_on,
                    premiered_on_precision: o.premiered_on_precision,
                })
                .collect(),
            odds: v.odds.as_ref().map(|o| match o {
                OddsOrWhy::Odds(o) => EntryOdds::Odds {
                    season: o.season,
                    probability: o.probability,
                    model_version: greenlight_odds::kept::model_version(o),
                },
                OddsOrWhy::Unavailable { unavailable } => {
                    EntryOdds::Unavailable(unavailable.clone())
                }
            }),
        }
    }

    /// The entry of a kept body (the [`StatusView`]'s JSON text), `slug` naming it in errors.
    pub fn of_kept(slug: &str, body: &str) -> Result<Entry, ReportError> {
        let b: KeptBody = serde_json::from_str(body)
            .map_err(|e| ReportError::Serialize(format!("the kept status of {slug}: {e}")))?;
        let role = role_name(source_role(b.status))?;
        let links: Vec<(bool, SourceLink)> = b
            .evidence
            .into_iter()
            .map(|e| {
                (
                    e.role == role,
                    SourceLink {
                        name: e.source.name,
                        url: e.source.url,
                        published: e.published,
                    },
                )
            })
            .collect();
        Ok(Entry {
            slug: b.series.slug,
            title: b.series.title,
            status: b.status,
            next_season: b.next_season,
            decided_on: b.decided_on,
            decided_on_precision: b.decided_on_precision,
            release_date: b.release_date,
            confidence: b.confidence,
            source: pick_source(links.iter().map(|(r, l)| (*r, l))),
            seasons: b.seasons,
            odds: b.odds.map(EntryOdds::from),
        })
    }

    /// The probability shown, or why there is none.
    fn odds_shown(&self) -> (Option<f64>, Option<String>) {
        match &self.odds {
            Some(EntryOdds::Odds { probability, .. }) => (Some(*probability), None),
            Some(EntryOdds::Unavailable(why)) => (None, Some(why.clone())),
            None => (None, None),
        }
    }

    /// [`decision_after`] over the entry's seasons.
    fn decision_after(&self, season: u32) -> Option<&EntrySeason> {
        let next = season.saturating_add(1);
        match self.seasons.iter().find(|o| o.season == next) {
            Some(o) => (o.decision != Status::AwaitingDecision).then_some(o),
            None => self
                .seasons
                .last()
                .filter(|last| last.season < next && last.decision.is_final()),
        }
    }
}

/// The scorecard row of one status view.
pub fn row(v: &StatusView, today: NaiveDate) -> TrackerRow {
    row_of(&Entry::of_view(v), today)
}

/// The scorecard row of one entry.
pub fn row_of(e: &Entry, today: NaiveDate) -> TrackerRow {
    let latest = e
        .seasons
        .iter()
        .filter(|o| o.premiered)
        .max_by_key(|o| o.season);
    let awaiting = e.status == Status::AwaitingDecision;
    let premiered_on = latest.and_then(|o| o.premiered_on);
    let (probability, odds_unavailable) = e.odds_shown();
    TrackerRow {
        slug: e.slug.clone(),
        title: e.title.clone(),
        status: e.status,
        group: Group::of(e.status),
        next_season: e.next_season,
        decided_on: e.decided_on,
        decided_on_precision: e.decided_on_precision,
        release_date: e.release_date,
        source: e.source.clone(),
        premiered_season: latest.map(|o| o.season),
        premiered_on,
        premiered_on_precision: latest.and_then(|o| o.premiered_on_precision),
        waiting_days: premiered_on
            .filter(|_| awaiting)
            .map(|d| (today - d).num_days()),
        probability,
        odds_unavailable,
        confidence: e.confidence,
    }
}

/// The scorecard of `views` (one row each, by title).
pub fn scorecard_of(views: &[StatusView], today: NaiveDate) -> Scorecard {
    let entries: Vec<Entry> = views.iter().map(Entry::of_view).collect();
    scorecard_of_entries(&entries, today)
}

/// The scorecard of `entries` (one row each, by title).
pub fn scorecard_of_entries(entries: &[Entry], today: NaiveDate) -> Scorecard {
    let mut c = Scorecard {
        as_of: today,
        rows: entries.iter().map(|e| row_of(e, today)).collect(),
    };
    c.sort(Sort::Title);
    c
}

/// `/tracker`: the scorecard of every TV series, from [`crate::list`].
pub fn scorecard(store: &Store) -> Result<Scorecard, ReportError> {
    Ok(scorecard_of(&list(store)?, today()))
}

/// Every TV series' [`Entry`] read from the kept board ([`crate::tracker::list_kept`]: the rows
/// whose evidence changed are derived and kept by it, the others read as kept), for `/tracker`
/// and `/calendar` without deriving every series per change of the store. The odds they show
/// are kept as predictions (the track record), as [`crate::list`] keeps them; outcomes are
/// filled by `/accuracy` itself ([`accuracy`]).
pub fn kept_entries(store: &Store) -> Result<Vec<Entry>, ReportError> {
    let kept = crate::tracker::list_kept(store, &crate::tracker::ListQuery::default())?;
    let entries: Vec<Entry> = kept
        .iter()
        .map(|k| Entry::of_kept(&k.slug, &k.body))
        .collect::<Result<_, _>>()?;
    keep_entry_predictions(store, &entries);
    Ok(entries)
}

/// [`scorecard`] from the kept board ([`kept_entries`]).
pub fn scorecard_kept(store: &Store) -> Result<Scorecard, ReportError> {
    Ok(scorecard_of_entries(&kept_entries(store)?, today()))
}

/// Keeps a prediction for every entry showing odds (the latest data only). A store that cannot
/// be written still answers: the record is what is lost, never the answer.
fn keep_entry_predictions(store: &Store, entries: &[Entry]) {
    let made_at = today();
    let rows: Vec<NewPrediction> = entries
        .iter()
        .filter_map(|e| match &e.odds {
            Some(EntryOdds::Odds {
                season,
                probability,
                model_version,
            }) if probability.is_finite() => Some(NewPrediction {
                series: e.slug.clone(),
                season: *season,
                probability: *probability,
                model_version: model_version.clone(),
                made_at,
            }),
            _ => None,
        })
        .collect();
    let _ = store.record_predictions(&rows);
}

// ---------------------------------------------------------------------------------------------
// Predictions kept when made

/// What the ledger decided about the season after `season`: the outcome of that next season,
/// or, past where the walk stopped, a final decision on `season` itself (no season after a
/// canceled or ended one). `None` while undecided.
pub fn decision_after(s: &StatusReport, season: u32) -> Option<&ledger::SeasonOutcome> {
    let next = season.saturating_add(1);
    match s.seasons.iter().find(|o| o.season == next) {
        Some(o) => (o.decision != Status::AwaitingDecision).then_some(o),
        None => s
            .seasons
            .last()
            .filter(|last| last.season < next && last.decision.is_final()),
    }
}

/// The outcome a decided season gives a prediction: renewed or not, with the decision's date
/// and the earliest-published deciding claim's source.
fn outcome_of(o: &ledger::SeasonOutcome) -> PredictionOutcome {
    let deciding = o
        .evidence
        .iter()
        .filter(|e| e.role == Role::Deciding)
        .min_by_key(|e| e.claim.claim.published);
    PredictionOutcome {
        outcome: if o.decision.is_continuing() {
            "renewed".into()
        } else {
            "not_renewed".into()
        },
        status: o.decision.as_str().into(),
        date: o.decided_on,
        precision: o.decided_on_precision.map(|p| match p {
            DatePrecision::Exact => "exact".to_string(),
            DatePrecision::NoLaterThan => "no_later_than".to_string(),
            DatePrecision::ReportedBy => "reported_by".to_string(),
        }),
        published: deciding.map(|e| e.claim.claim.published),
        source: deciding.map(|e| e.claim.claim.source.name.clone()),
        url: deciding.and_then(|e| e.claim.claim.source.url.clone()),
    }
}

/// Keeps a prediction for every view showing odds (the latest data only: callers never pass
/// `--as-of` views). A store that cannot be written still answers: the record is what is lost,
/// never the answer.
pub(crate) fn keep_predictions(store: &Store, views: &[&StatusView]) {
    let made_at = today();
    let rows: Vec<NewPrediction> = views
        .iter()
        .filter_map(|v| match &v.odds {
            Some(OddsOrWhy::Odds(o)) if o.probability.is_finite() => Some(NewPrediction {
                series: v.status.series.slug.clone(),
                season: o.season,
                probability: o.probability,
                model_version: greenlight_odds::kept::model_version(o),
                made_at,
            }),
            _ => None,
        })
        .collect();
    let _ = store.record_predictions(&rows);
}

/// Fills in the outcome of every pending prediction whose series' status (`statuses`, by
/// slug; others are derived here) now has the decision. Returns how many were filled.
pub fn fill_outcomes(
    store: &Store,
    statuses: &HashMap<&str, &StatusReport>,
) -> Result<usize, ReportError> {
    let pending = store.predictions(true).map_err(LedgerError::from)?;
    let mut by_season: HashMap<(String, u32), Vec<i64>> = HashMap::new();
    for p in pending {
        by_season
            .entry((p.series, p.season))
            .or_default()
            .push(p.id);
    }
    let mut derived: HashMap<String, Option<StatusReport>> = HashMap::new();
    let mut n = 0;
    for ((slug, season), ids) in by_season {
        let report = match statuses.get(slug.as_str()) {
            Some(r) => Some(*r),
            None => derived
                .entry(slug.clone())
                .or_insert_with(|| ledger::status(store, &slug, None).ok())
                .as_ref(),
        };
        if let Some(o) = report.and_then(|r| decision_after(r, season)) {
            n += store
                .set_prediction_outcome(&ids, &outcome_of(o))
                .map_err(LedgerError::from)?;
        }
    }
    Ok(n)
}

/// One kept prediction as `/accuracy` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordRow {
    pub slug: String,
    pub title: String,
    pub season: u32,
    pub probability: f64,
    pub model_version: String,
    pub made_at: NaiveDate,
    /// `renewed` / `not_renewed`; `None` while pending.
    pub outcome: Option<String>,
    pub outcome_status: Option<String>,
    pub outcome_date: Option<NaiveDate>,
    pub outcome_precision: Option<String>,
    pub outcome_published: Option<NaiveDate>,
    pub outcome_source: Option<String>,
    pub outcome_url: Option<String>,
    /// Whether the decision was published on or after the day of the prediction, so the
    /// prediction could not have known it; only these are scored.
    pub counted: bool,
}

/// The backtest summary `/accuracy` shows beside the record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestSummary {
    pub model: String,
    pub auc: Option<f64>,
    pub brier: f64,
    pub cutoff: NaiveDate,
    pub train: u32,
    pub test: u32,
    pub baselines: Vec<(String, Option<f64>, f64)>,
    pub calibration: Vec<CalibrationBin>,
}

/// `/accuracy`: the kept model's backtest and its track record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Accuracy {
    pub model_version: Option<String>,
    pub backtest: Option<BacktestSummary>,
    /// Why there is no backtest (too little data), when there is none.
    pub backtest_unavailable: Option<String>,
    pub predictions: usize,
    pub pending: usize,
    /// Scored: decided, and decided after the prediction was made.
    pub counted: usize,
    pub brier: Option<f64>,
    pub calibration: Vec<CalibrationBin>,
    pub rows: Vec<RecordRow>,
}

/// Bins of the calibration plots (the backtest's own count).
pub const CALIBRATION_BINS: usize = 10;

/// `/accuracy`: fills the outcomes the ledger now knows, then reports the record, with the
/// backtest of the current data.
pub fn accuracy(store: &Store) -> Result<Accuracy, ReportError> {
    fill_outcomes(store, &HashMap::new())?;
    let titles: HashMap<String, String> = store
        .all_series()
        .map_err(LedgerError::from)?
        .into_iter()
        .map(|s| (s.slug, s.title))
        .collect();
    let rows: Vec<RecordRow> = store
        .predictions(false)
        .map_err(LedgerError::from)?
        .into_iter()
        .map(|p| {
            let o = p.outcome.as_ref();
            let counted = o
                .and_then(|o| o.published)
                .is_some_and(|pubd| pubd >= p.made_at);
            RecordRow {
                title: titles
                    .get(&p.series)
                    .cloned()
                    .unwrap_or_else(|| p.series.clone()),
                slug: p.series,
                season: p.season,
                probability: p.probability,
                model_version: p.model_version,
                made_at: p.made_at,
                outcome: o.map(|o| o.outcome.clone()),
                outcome_status: o.map(|o| o.status.clone()),
                outcome_date: o.and_then(|o| o.date),
                outcome_precision: o.and_then(|o| o.precision.clone()),
                outcome_published: o.and_then(|o| o.published),
                outcome_source: o.and_then(|o| o.source.clone()),
                outcome_url: o.and_then(|o| o.url.clone()),
                counted,
            }
        })
        .collect();
    let scored: Vec<&RecordRow> = rows.iter().filter(|r| r.counted).collect();
    let p: Vec<f64> = scored.iter().map(|r| r.probability).collect();
    let y: Vec<f64> = scored
        .iter()
        .map(|r| f64::from(u8::from(r.outcome.as_deref() == Some("renewed"))))
        .collect();
    let (backtest, backtest_unavailable) = match greenlight_odds::backtest(store, None) {
        Ok(b) => (
            Some(BacktestSummary {
                model: b.model.name.clone(),
                auc: b.model.auc,
                brier: b.model.brier,
                cutoff: b.split.cutoff,
                train: b.split.train,
                test: b.split.test,
                baselines: b
                    .baselines
                    .iter()
                    .map(|s| (s.name.clone(), s.auc, s.brier))
                    .collect(),
                calibration: b.calibration.clone(),
            }),
            None,
        ),
        Err(e) => (None, Some(e.to_string())),
    };
    Ok(Accuracy {
        model_version: Some(greenlight_odds::kept::VERSION.to_string()),
        backtest,
        backtest_unavailable,
        predictions: rows.len(),
        pending: rows.iter().filter(|r| r.outcome.is_none()).count(),
        counted: scored.len(),
        brier: (!p.is_empty()).then(|| eval::brier(&p, &y)),
        calibration: if p.is_empty() {
            Vec::new()
        } else {
            eval::calibration(&p, &y, CALIBRATION_BINS)
        },
        rows,
    })
}

// ---------------------------------------------------------------------------------------------
// Calendar

/// The observed gaps from a season's premiere to the decision about the next one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapStats {
    /// How many (series, season) pairs with an exact premiere and an exact decision date.
    pub sample: usize,
    pub p25_days: i64,
    pub median_days: i64,
    pub p75_days: i64,
}

/// A dated event ahead.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalendarEvent {
    pub date: NaiveDate,
    pub precision: Option<DatePrecision>,
    /// `release_date` (an announced date for the next season) or `premiere` (a season not
    /// out yet with a known premiere).
    pub kind: &'static str,
    pub slug: String,
    pub title: String,
    pub season: u32,
    pub source: Option<SourceLink>,
}

/// A decision expected: an estimate from the observed gaps, never an announcement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpectedDecision {
    pub slug: String,
    pub title: String,
    /// The premiered season whose renewal is awaited.
    pub season: u32,
    pub premiered_on: NaiveDate,
    pub premiered_on_precision: Option<DatePrecision>,
    /// Premiere + the 25th percentile, the median and the 75th percentile gap.
    pub earliest: NaiveDate,
    pub expected: NaiveDate,
    pub latest: NaiveDate,
    pub probability: Option<f64>,
}

/// `/calendar`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calendar {
    pub as_of: NaiveDate,
    pub events: Vec<CalendarEvent>,
    pub gaps: Option<GapStats>,
    /// Awaiting seasons whose estimated window has not closed yet, by expected date.
    pub expected: Vec<ExpectedDecision>,
    /// Awaiting seasons whose window closed before today with no decision known.
    pub overdue: usize,
    /// Awaiting seasons with no premiere date to estimate from.
    pub undated: usize,
}

/// The `q`-quantile of sorted `v` (nearest rank).
fn quantile(v: &[i64], q: f64) -> i64 {
    let i = ((v.len() as f64 - 1.0) * q).round() as usize;
    v[i.min(v.len() - 1)]
}

/// Every observed premiere-to-decision gap (days) in `views`: a premiered season with an exact
/// premiere date, and the decision about the next season with an exact date on or after it.
pub fn decision_gaps(views: &[StatusView]) -> Vec<i64> {
    let entries: Vec<Entry> = views.iter().map(Entry::of_view).collect();
    decision_gaps_of(&entries)
}

/// [`decision_gaps`] of `entries`.
pub fn decision_gaps_of(entries: &[Entry]) -> Vec<i64> {
    let mut out = Vec::new();
    for v in entries {
        for o in v.seasons.iter().filter(|o| o.premiered) {
            let Some(p) = o
                .premiered_on
                .filter(|_| o.premiered_on_precision == Some(DatePrecision::Exact))
            else {
                continue;
            };
            let Some(d) = v.decision_after(o.season) else {
                continue;
            };
            if d.decided_on_precision != Some(DatePrecision::Exact) {
                continue;
            }
            if let Some(gap) = d.decided_on.map(|d| (d - p).num_days()) {
                // Decisions before the premiere (an early renewal) say nothing of the wait.
                if gap >= 0 {
                    out.push(gap);
                }
            }
        }
    }
    out.sort_unstable();
    out
}

/// The calendar of `views` as of `today`, by date.
pub fn calendar_of(views: &[StatusView], today: NaiveDate) -> Calendar {
    let entries: Vec<Entry> = views.iter().map(Entry::of_view).collect();
    calendar_of_entries(&entries, today)
}

/// [`calendar_of`] over `entries`.
pub fn calendar_of_entries(entries: &[Entry], today: NaiveDate) -> Calendar {
    let gaps = decision_gaps_of(entries);
    let stats = (!gaps.is_empty()).then(|| GapStats {
        sample: gaps.len(),
        p25_days: quantile(&gaps, 0.25),
        median_days: quantile(&gaps, 0.5),
        p75_days: quantile(&gaps, 0.75),
    });
    let mut events = Vec::new();
    let mut seen = BTreeSet::new();
    let mut expected = Vec::new();
    let (mut overdue, mut undated) = (0, 0);
    for s in entries {
        let source = s.source.clone();
        if let Some(d) = s.release_date.filter(|d| *d >= today) {
            if seen.insert((s.slug.clone(), s.next_season)) {
                events.push(CalendarEvent {
                    date: d,
                    precision: Some(DatePrecision::Exact),
                    kind: "release_date",
                    slug: s.slug.clone(),
                    title: s.title.clone(),
                    season: s.next_season,
                    source: source.clone(),
                });
            }
        }
        for o in s.seasons.iter().filter(|o| !o.premiered) {
            if let Some(d) = o.premiered_on.filter(|d| *d >= today) {
                if seen.insert((s.slug.clone(), o.season)) {
                    events.push(CalendarEvent {
                        date: d,
                        precision: o.premiered_on_precision,
                        kind: "premiere",
                        slug: s.slug.clone(),
                        title: s.title.clone(),
                        season: o.season,
                        source: source.clone(),
                    });
                }
            }
        }
        if s.status == Status::AwaitingDecision {
            let r = row_of(s, today);
            match (r.premiered_on, r.premiered_season, &stats) {
                (Some(p), Some(season), Some(g)) => {
                    let at = |days: i64| p + chrono::Duration::days(days);
                    let e = ExpectedDecision {
                        slug: r.slug,
                        title: r.title,
                        season,
                        premiered_on: p,
                        premiered_on_precision: r.premiered_on_precision,
                        earliest: at(g.p25_days),
                        expected: at(g.median_days),
                        latest: at(g.p75_days),
                        probability: r.probability,
                    };
                    if e.latest < today {
                        overdue += 1;
                    } else {
                        expected.push(e);
                    }
                }
                _ => undated += 1,
            }
        }
    }
    events.sort_by(|a, b| (a.date, &a.title, a.season).cmp(&(b.date, &b.title, b.season)));
    expected.sort_by(|a, b| (a.expected, &a.title).cmp(&(b.expected, &b.title)));
    Calendar {
        as_of: today,
        events,
        gaps: stats,
        expected,
        overdue,
        undated,
    }
}

/// `/calendar`: from [`crate::list`].
pub fn calendar(store: &Store) -> Result<Calendar, ReportError> {
    Ok(calendar_of(&list(store)?, today()))
}

/// [`calendar`] from the kept board ([`kept_entries`]).
pub fn calendar_kept(store: &Store) -> Result<Calendar, ReportError> {
    Ok(calendar_of_entries(&kept_entries(store)?, today()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_nearest_rank() {
        let v = [1, 2, 3, 4, 100];
        assert_eq!(quantile(&v, 0.5), 3);
        assert_eq!(quantile(&v, 0.25), 2);
        assert_eq!(quantile(&v, 0.75), 4);
        assert_eq!(quantile(&[7], 0.75), 7);
    }

    #[test]
    fn every_status_has_a_group_and_names_round_trip() {
        for g in Group::ALL {
            assert_eq!(Group::from_name(g.name()), Some(g));
        }
        for s in Sort::ALL {
            assert_eq!(Sort::from_name(s.name()), Some(s));
        }
        assert_eq!(Group::of(Status::Ended), Group::Canceled);
        assert_eq!(Group::of(Status::ReleaseDateAnnounced), Group::Renewed);
    }
}
