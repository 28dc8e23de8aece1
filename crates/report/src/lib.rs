//! One answer per question. The ledger derives a status, the odds crate a probability; the
//! questions people ask need both, and every place that answers them (CLI text and `--json`, the
//! JSON API, the pages) renders the same report built here, so they cannot drift apart.
//!
//! - [`status`]: the derived status of the next season, with renewal odds **only** while that
//!   season awaits a decision, and the [`Outlook`] of that season while one may still come.
//! - [`predict`]: the renewal probability of a season, unless the ledger already knows the
//!   decision as of that date, in which case the decision is the answer.

use chrono::NaiveDate;
use greenlight_ledger::{self as ledger, DatePrecision, EvidenceClaim, LedgerError, Role, Status};
use greenlight_odds::{OddsError, PredictReport, StatusOdds};
use greenlight_store::query::SeriesForm;
use greenlight_store::Store;
use serde::Serialize;

mod cores;
pub mod exact;
mod outlook;
pub mod scorecard;
pub mod tracker;
pub use outlook::{
    no_further_season, outlook, ExpectedEpisodes, OpenStoryline, Outlook, OutlookSource,
    ReturningCast, Trailer,
};

/// The one error of this layer: whichever side failed, with its own message.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Odds(#[from] OddsError),
    /// A report that could not be written as JSON (kept statuses); not expected.
    #[error("cannot serialize a report: {0}")]
    Serialize(String),
    /// A worker thread of a derivation on every core (`cores::map`) panicked; not expected.
    #[error("a worker of the board's derivation failed: {0}")]
    Worker(String),
}

/// Odds beside an `awaiting_decision` status, or why there are none.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
// Built once per answer and serialized; boxing the odds would change the type the CLI, web and
// other branches match on (`decision_forecast` made the odds variant large).
#[allow(clippy::large_enum_variant)]
pub enum OddsOrWhy {
    Odds(StatusOdds),
    Unavailable { unavailable: String },
}

/// `greenlight status` and `GET /api/v1/series/{series}/status`: the ledger's report, plus
/// `odds` while the next season awaits a decision (absent otherwise: a decided season gets the
/// decision, never a probability), and the `outlook` while a further season may still come
/// (absent after a cancellation, an ending or a limited series).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusView {
    #[serde(flatten)]
    pub status: ledger::StatusReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub odds: Option<OddsOrWhy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlook: Option<Outlook>,
    /// For a renewed (or ordered) next season with no release date yet: when it may premiere,
    /// from the observed renewal-to-premiere gaps (issue 16, `odds::when`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub premiere_window: Option<greenlight_odds::when::PremiereWindow>,
}

/// The status of `spelling`'s next season as of `as_of`, with odds where the question is open
/// and the outlook where a season may still come (its timeline and cast as of the same date).
pub fn status(
    store: &Store,
    spelling: &str,
    as_of: Option<NaiveDate>,
) -> Result<StatusView, ReportError> {
    let (status, read) = ledger::status_read(store, spelling, as_of)?;
    let odds = odds_asked(&status)
        .map(|season| greenlight_odds::status_odds(store, &status.series.slug, season, as_of));
    let survival = match window_asked(&status) {
        Some(_) => Some(greenlight_odds::survival(store, as_of)?),
        None => None,
    };
    let v = view(store, status, &read, odds, survival.as_ref())?;
    if as_of.is_none() {
        scorecard::keep_predictions(store, &[&v]);
    }
    Ok(v)
}

/// The renewal a premiere window is asked for: the next season renewed or ordered, with the
/// renewal dated and no release date announced.
fn window_asked(status: &ledger::StatusReport) -> Option<NaiveDate> {
    matches!(status.status, Status::Renewed | Status::Ordered)
        .then_some(status.decided_on)
        .flatten()
}

/// The season whose renewal odds a status shows: the one before the next, while it awaits a
/// decision; `None` when the status shows no odds.
fn odds_asked(status: &ledger::StatusReport) -> Option<u32> {
    (status.status == Status::AwaitingDecision).then(|| status.next_season.saturating_sub(1))
}

/// The one assembly of a [`StatusView`] from the ledger's status and the odds asked for it
/// ([`odds_asked`]), for [`status`] and [`list`] alike.
/// `read` is what the status was derived from: the outlook's timeline and cast come from it.
fn view(
    store: &Store,
    status: ledger::StatusReport,
    read: &ledger::Read,
    odds: Option<Result<StatusOdds, OddsError>>,
    survival: Option<&greenlight_odds::when::Survival>,
) -> Result<StatusView, ReportError> {
    let premiere_window = window_asked(&status)
        .zip(survival)
        .and_then(|(renewed, s)| s.premiere(status.next_season, renewed));
    let odds = odds.map(|r| match r {
        Ok(o) => OddsOrWhy::Odds(o),
        Err(e) => OddsOrWhy::Unavailable {
            unavailable: e.to_string(),
        },
    });
    let outlook = if no_further_season(status.status) {
        None
    } else {
        outlook(&status, &read.timeline(), &read.cast(store)?)
    };
    Ok(StatusView {
        status,
        odds,
        outlook,
        premiere_window,
    })
}

/// The views of many statuses on the latest data, as [`list`] and the kept board
/// ([`tracker`]) assemble them: the odds of every awaiting one in one pass over the kept odds,
/// the premiere windows from one fit of the "when" curves. Each view comes with whether its
/// odds failed for the store's or the model's sake rather than the data's (an answer for now,
/// not one to keep: the kept odds never keep such an error either).
/// A view as [`views_of`] assembles it.
pub(crate) struct Viewed {
    pub view: StatusView,
    /// Its odds failed for the store's or the model's sake: an answer for now, not to keep.
    pub transient: bool,
    /// It read more than its own series: the odds' models and curves (`kept::fingerprint`).
    pub reads_model: bool,
}

pub(crate) fn views_of(
    store: &Store,
    statuses: Vec<(ledger::StatusReport, ledger::Read)>,
    loaded: Option<greenlight_odds::kept::Loaded>,
) -> Result<Vec<Viewed>, ReportError> {
    let asked: Vec<(String, u32)> = statuses
        .iter()
        .filter_map(|(st, _)| odds_asked(st).map(|n| (st.series.slug.clone(), n)))
        .collect();
    let mut odds =
        greenlight_odds::kept::status_odds_many_loaded(store, &asked, loaded).into_iter();
    let survival = match statuses.iter().any(|(s, _)| window_asked(s).is_some()) {
        true => Some(greenlight_odds::survival(store, None)?),
        false => None,
    };
    let mut asked = Vec::with_capacity(statuses.len());
    for (st, read) in statuses {
        let o = match odds_asked(&st) {
            Some(_) => odds.next().map(|(r, _)| r),
            None => None,
        };
        asked.push((st, read, o));
    }
    // Each view reads its series' timeline and cast: on every core, in order.
    let survival = survival.as_ref();
    cores::map(store, asked, |store, (st, read, o)| {
        let transient = matches!(
            o,
            Some(Err(OddsError::Store(_)
                | OddsError::Model(_)
                | OddsError::Data(_)))
        );
        // Whether the view read the odds' models, their backtest or the "when" curves (the
        // odds' fingerprint), not only its own series: odds, a cut-off that abstained for its
        // count of training seasons, a premiere window. The other odds errors (no premiere, no
        // features, decided before its premiere) come from the series' own data and claims.
        let reads_model = matches!(o, Some(Ok(_) | Err(OddsError::InsufficientTraining(_))))
            || window_asked(&st).is_some();
        Ok(Viewed {
            view: view(store, st, &read, o, survival)?,
            transient,
            reads_model,
        })
    })
}

/// `greenlight list`: the [`status`] of every TV series (the store's `SeriesForm::Series`: no
/// films, no one-off specials) on the latest data, by slug. Each row is exactly what `status`
/// gives for that series; the odds of all awaiting series are read (or computed) in one pass
/// over the kept odds, so the store's rows are loaded at most once.
pub fn list(store: &Store) -> Result<Vec<StatusView>, ReportError> {
    let forms = store.series_forms().map_err(LedgerError::from)?;
    let tv: Vec<_> = store
        .all_series()
        .map_err(LedgerError::from)?
        .into_iter()
        .filter(|s| forms.get(&s.slug) == Some(&SeriesForm::Series))
        .collect();
    let statuses = cores::map(store, tv, |store, s| {
        Ok(ledger::status_read_for_series(store, &s, None)?)
    })?;
    let out: Vec<StatusView> = views_of(store, statuses, None)?
        .into_iter()
        .map(|v| v.view)
        .collect();
    // The track record (`/accuracy`): every odds shown is a prediction kept, and every kept
    // prediction the ledger can now decide gets its outcome. Neither changes a row.
    scorecard::keep_predictions(store, &out.iter().collect::<Vec<_>>());
    let by_slug: std::collections::HashMap<&str, &ledger::StatusReport> = out
        .iter()
        .map(|v| (v.status.series.slug.as_str(), &v.status))
        .collect();
    let _ = scorecard::fill_outcomes(store, &by_slug);
    Ok(out)
}

/// What the ledger had decided about the season after the one asked about.
#[derive(Debug, Clone, Serialize)]
pub struct Decided {
    /// The season the decision is about (the one after the predicted season).
    pub season: u32,
    pub decision: Status,
    pub decided_on: Option<NaiveDate>,
    pub decided_on_precision: Option<DatePrecision>,
    /// The claims that decide it, with their sources.
    pub evidence: Vec<EvidenceClaim>,
}

/// `greenlight predict`: the model's report, with `decided` set (and no probability worth
/// quoting) when the ledger knew the answer by `as_of`.
#[derive(Debug, Clone, Serialize)]
pub struct PredictView {
    /// The decision, when one was known by the as-of date; `prediction` is then `None`.
    pub decided: Option<Decided>,
    /// The model's prediction while the question is open; its fields sit at the top level, as
    /// `predict --json` has always printed them.
    #[serde(flatten)]
    pub prediction: Option<PredictReport>,
}

/// The renewal probability of `season` (default: the latest premiered by `as_of`), unless the
/// ledger already knows whether the next season comes: a decided question gets its decision.
pub fn predict(
    store: &Store,
    spelling: &str,
    season: Option<u32>,
    as_of: Option<NaiveDate>,
) -> Result<PredictView, ReportError> {
    let status = ledger::status(store, spelling, as_of)?;
    // The model's own default: the latest season out by the as-of date.
    let asked = season.unwrap_or_else(|| {
        status
            .seasons
            .iter()
            .filter(|o| o.premiered)
            .map(|o| o.season)
            .max()
            .unwrap_or(1)
    });
    let next = asked.saturating_add(1);
    let decided_by = |o: &ledger::SeasonOutcome| Decided {
        season: next,
        decision: o.decision,
        decided_on: o.decided_on,
        decided_on_precision: o.decided_on_precision,
        evidence: o
            .evidence
            .iter()
            .filter(|e| e.role == Role::Deciding)
            .map(|e| e.claim.clone())
            .collect(),
    };
    let decided = match status.seasons.iter().find(|o| o.season == next) {
        Some(o) => (o.decision != Status::AwaitingDecision).then(|| decided_by(o)),
        // Past where the walk stopped: no season after a canceled or ended one.
        None => status
            .seasons
            .last()
            .filter(|last| last.season < next && last.decision.is_final())
            .map(decided_by),
    };
    if decided.is_some() {
        return Ok(PredictView {
            decided,
            prediction: None,
        });
    }
    // The season the ledger checked, so the decision and the odds are about the same one.
    let p = greenlight_odds::predict(store, spelling, Some(asked), as_of)?;
    Ok(PredictView {
        decided: None,
        prediction: Some(p),
    })
}
