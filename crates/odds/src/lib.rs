//! Renewal odds: "will there be another season?" as a calibrated probability, proved by a
//! backtest that never peeks at the future.
//!
//! - [`metrics`]: a season's launch metrics as of a date (hours and views in the first
//!   7/28/91 days, Top 10 run, retention, view shares, long tail, countries) and the
//!   public-data adjusted view share and impact value (METRICS.md).
//! - [`labels`]: what happened after every season that charted, decided by the data alone.
//! - [`predict`]: the probability that a season is renewed, with the factors that moved it and
//!   the known outcome where there is one.
//! - [`backtest`]: a time split with AUC, Brier, a calibration table and three baselines, and
//!   an export for the scikit-learn peer (`scripts/peer_sklearn.py`).
//!
//! Point in time: every metric and feature counts only rows *published* by the as-of date
//! (see [`dates`]). A prediction as of a date trains only on seasons whose features were all
//! published by then, labelled with their eventual outcomes (as the backtest's training set
//! is), and never on the predicted series.

pub mod announcements;
pub mod backtest;
pub mod catalog;
pub mod costs;
pub mod dates;
pub mod eval;
pub mod features;
pub mod finance;
pub mod frozen;
pub mod kept;
pub mod labels;
pub mod metrics;
pub mod model;
mod tree;
pub mod when;

pub use backtest::BacktestReport;
pub use labels::{LabelReport, Outcome};
pub use metrics::SeasonMetrics;

use catalog::Catalog;
use chrono::NaiveDate;
use greenlight_store::{Store, StoreError};
use serde::Serialize;
use std::path::Path;

/// Every failure of the odds. Store `NotFound`/`Invalid` errors keep their message and kind,
/// so the CLI can map "no such series" and "bad request" to its exit codes the same way.
#[derive(Debug, thiserror::Error)]
pub enum OddsError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("data error: {0}")]
    Data(String),
    #[error("model error: {0}")]
    Model(String),
    #[error("not enough labelled seasons: {0}")]
    InsufficientTraining(String),
    /// The next season was decided before this one premiered (and that was public by the
    /// as-of date): the answer is the decision, never odds.
    #[error("{0}")]
    Decided(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for OddsError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => OddsError::NotFound(m),
            StoreError::Invalid(m) => OddsError::Invalid(m),
            other => OddsError::Store(other),
        }
    }
}

/// The eventual outcome of a season, as the data shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KnownOutcome {
    pub outcome: Outcome,
    pub rule: labels::Rule,
    /// `ledger`, `data` or `catalogue` (see [`labels::LabelSource`]).
    pub source: labels::LabelSource,
    pub decided_on: Option<NaiveDate>,
    pub decided_on_precision: Option<greenlight_ledger::DatePrecision>,
    pub evidence: String,
}

/// The model behind a prediction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelInfo {
    pub model: String,
    pub trained_on: u32,
    pub trained_renewed: u32,
    /// Training seasons had their features published by this date: the training cut-off.
    pub trained_through: NaiveDate,
    /// The training cut-off (the first day of the season's premiere quarter): the model is the
    /// one frozen for it, the same for every as-of date of this season (`frozen`).
    pub cutoff: NaiveDate,
    /// SHA-256 of its training examples: equal for the same model.
    pub training_hash: String,
    /// Out-of-fold AUC on the training seasons.
    pub cv_auc: Option<f64>,
    pub candidates: Vec<model::CandidateResult>,
    pub calibration: model::Platt,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PredictReport {
    pub series: String,
    pub slug: String,
    pub season: u32,
    pub as_of: NaiveDate,
    pub premiere: Option<metrics::Premiere>,
    /// Probability (0..1) that another season follows.
    pub probability: f64,
    /// The features that moved this prediction most, largest first.
    pub factors: Vec<model::Factor>,
    /// The outcome the data shows (using all data, not just data up to `as_of`); `None` while
    /// undecided.
    pub known_outcome: Option<KnownOutcome>,
    /// When the decision about the next season may come (Kaplan-Meier on the ledger's dated
    /// decisions as of `as_of`; `when`), or `None` without enough of them.
    pub decision_forecast: Option<when::DecisionForecast>,
    /// Whether the season's 91-day window had been fully published by `as_of`; if not, the
    /// probability can still move as weeks are published.
    pub features_complete: bool,
    pub features_complete_on: Option<NaiveDate>,
    pub features: Vec<NamedValue>,
    pub model: ModelInfo,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamedValue {
    pub name: String,
    pub value: Option<f64>,
}

fn find_season<'a>(
    cat: &'a Catalog,
    store: &Store,
    series: &str,
    season: Option<u32>,
    as_of: NaiveDate,
) -> Result<&'a catalog::Season, OddsError> {
    let s = store.series(series)?;
    let numbered: Vec<&catalog::Season> = cat
        .series_seasons
        .get(&s.id)
        .into_iter()
        .flatten()
        .map(|&i| &cat.seasons[i])
        .collect();
    if numbered.is_empty() {
        return Err(OddsError::NotFound(format!(
            "{} has no numbered seasons",
            s.title
        )));
    }
    match season {
        Some(n) => numbered
            .iter()
            .find(|x| x.number == n)
            .copied()
            .ok_or_else(|| {
                let have: Vec<String> = numbered.iter().map(|x| x.number.to_string()).collect();
                OddsError::NotFound(format!(
                    "{} has no season {n}; its numbered seasons are {}",
                    s.title,
                    have.join(", ")
                ))
            }),
        // The latest season that had premiered by the as-of date.
        None => numbered
            .iter()
            .rev()
            .find(|x| metrics::premiere(cat, x).is_some_and(|p| p.date <= as_of))
            .copied()
            .ok_or_else(|| {
                OddsError::NotFound(format!("no season of {} had premiered by {as_of}", s.title))
            }),
    }
}

/// The probability that `series` gets another season after `season` (default: its latest
/// season premiered by the as-of date), as of `as_of` (default: the latest data).
pub fn predict(
    store: &Store,
    series: &str,
    season: Option<u32>,
    as_of: Option<NaiveDate>,
) -> Result<PredictReport, OddsError> {
    let cat = Catalog::load(store)?;
    let label_report = labels::label_all(&cat, store)?;
    let mut models =
        frozen::Models::new(Some(store), backtest::examples(&cat, &label_report.seasons));
    predict_with(
        &cat,
        &label_report.seasons,
        store,
        series,
        season,
        as_of,
        &mut models,
    )
}

/// The training cut-offs whose models predictions of these `(slug, season)`s on the latest
/// data use (for [`frozen::Models::prepare`]); a season not found or not premiered has none.
pub(crate) fn cutoffs_of<'a>(
    cat: &Catalog,
    asked: impl Iterator<Item = (&'a str, u32)>,
) -> Vec<NaiveDate> {
    let ids: std::collections::HashMap<&str, i64> = cat
        .series
        .values()
        .map(|s| (s.slug.as_str(), s.id))
        .collect();
    asked
        .filter_map(|(slug, number)| {
            let seasons = cat.series_seasons.get(ids.get(slug)?)?;
            let season = seasons
                .iter()
                .map(|&i| &cat.seasons[i])
                .find(|x| x.number == number)?;
            metrics::premiere(cat, season).map(|p| frozen::cutoff_for(p.date))
        })
        .collect()
}

/// [`predict`] on a catalog and labels already loaded, with the cut-off models of this data
/// version (`models`: kept in the store, or trained in memory), so a caller that needs many
/// predictions loads, labels and trains once.
fn predict_with(
    cat: &Catalog,
    labels_all: &[labels::LabelledSeason],
    store: &Store,
    series: &str,
    season: Option<u32>,
    as_of: Option<NaiveDate>,
    models: &mut frozen::Models,
) -> Result<PredictReport, OddsError> {
    let as_of = as_of.unwrap_or(cat.data_end);
    let target = find_season(cat, store, series, season, as_of)?;
    let p = metrics::premiere(cat, target)
        .ok_or_else(|| OddsError::NotFound("nothing dates this season's premiere".into()))?;
    if p.date > as_of {
        return Err(OddsError::Invalid(format!(
            "season {} premiered on {}, after the as-of date {as_of}",
            target.number, p.date
        )));
    }
    let label = labels::label_season(cat, target);
    if label.decided_before_premiere && label.decision_public.is_some_and(|d| d <= as_of) {
        return Err(OddsError::Decided(format!(
            "season {} of {} was decided before it premiered on {}: {}; a decision, not odds",
            target.number, label.series, p.date, label.evidence
        )));
    }
    let (row, m) = features::features(cat, target, as_of)
        .ok_or_else(|| OddsError::NotFound("no features for this season".into()))?;

    // Before the model is borrowed: the curves are fitted once per call, into `models`.
    let decision_forecast = models
        .survival(cat, labels_all, as_of)
        .decision(target.number, p.date);
    let cutoff = frozen::cutoff_for(p.date);
    let (model, training_hash) = models.get(cutoff).map_err(|e| training_error(e, as_of))?;
    let training_hash = training_hash.to_string();
    let probability = model
        .predict(std::slice::from_ref(&row))?
        .first()
        .copied()
        .unwrap_or(f64::NAN);
    let factors = model.factors(&row, 5)?;

    let known_outcome = (label.outcome != Outcome::Undecided).then(|| KnownOutcome {
        outcome: label.outcome,
        rule: label.rule,
        source: label.source,
        decided_on: label.decided_on,
        decided_on_precision: label.decided_on_precision,
        evidence: label.evidence.clone(),
    });
    let complete_on = dates::window_complete_on(p.date, features::FEATURE_WINDOW_DAYS);
    let mut notes = m.notes.clone();
    if model.platt.is_flat() {
        notes.push(format!(
            "the model of cut-off {cutoff} ranked its held-out seasons no better than chance, so its calibration is the base rate alone (monotone, never inverted)"
        ));
    }
    if complete_on > as_of {
        notes.push(format!(
            "the 91-day window is still open on {as_of} (complete on {complete_on}); the model was trained on complete windows"
        ));
    }
    if p.source == metrics::PremiereSource::FirstChartWeek {
        notes.push(
            "no release date known: the premiere is taken as the start of the first chart week"
                .into(),
        );
    }
    Ok(PredictReport {
        series: m.series.clone(),
        slug: m.slug.clone(),
        season: target.number,
        as_of,
        premiere: Some(p),
        probability,
        factors,
        known_outcome,
        decision_forecast,
        features_complete: complete_on <= as_of,
        features_complete_on: Some(complete_on),
        features: features::NAMES
            .iter()
            .zip(&row)
            .map(|(n, v)| NamedValue {
                name: n.to_string(),
                value: *v,
            })
            .collect(),
        model: ModelInfo {
            model: model.spec.name(),
            trained_on: model.trained_on as u32,
            trained_renewed: model.positives as u32,
            trained_through: cutoff,
            cutoff,
            training_hash,
            cv_auc: model.cv_auc,
            candidates: model.candidates.clone(),
            calibration: model.platt,
        },
        notes,
    })
}

/// The model named beside status odds: the frozen model's candidate and its cut-off.
fn status_model_name(p: &PredictReport) -> String {
    format!("{} (frozen for cut-off {})", p.model.model, p.model.cutoff)
}

/// A training failure as a prediction as of `as_of` reports it.
fn training_error(e: OddsError, as_of: NaiveDate) -> OddsError {
    match e {
        OddsError::InsufficientTraining(m) => OddsError::InsufficientTraining(format!(
            "{m} as of {as_of} (training needs seasons whose 91-day window was published by then)"
        )),
        other => other,
    }
}

/// The time-split backtest; with `export`, also writes the features, labels and split the
/// scikit-learn peer trains on.
pub fn backtest(store: &Store, export: Option<&Path>) -> Result<BacktestReport, OddsError> {
    backtest_exporting(store, export, None)
}

/// [`backtest`], also writing every season's out-of-time prediction to `predictions`.
pub fn backtest_exporting(
    store: &Store,
    export: Option<&Path>,
    predictions: Option<&Path>,
) -> Result<BacktestReport, OddsError> {
    let cat = Catalog::load(store)?;
    let report = labels::label_all(&cat, store)?;
    let mut models = frozen::Models::new(Some(store), backtest::examples(&cat, &report.seasons));
    backtest::run_exporting(
        &cat,
        &report.seasons,
        report.trainable.clone(),
        export,
        predictions,
        &mut models,
    )
}

/// A season's metrics as of `as_of` (default: the latest data), with the impact value where
/// the costs file (`GREENLIGHT_COSTS`, or the one shipped in the crate) has a sourced cost.
pub fn metrics(
    store: &Store,
    series: &str,
    season: u32,
    as_of: Option<NaiveDate>,
) -> Result<SeasonMetrics, OddsError> {
    metrics_with_costs(store, series, season, as_of, &costs::Costs::default_file()?)
}

pub fn metrics_with_costs(
    store: &Store,
    series: &str,
    season: u32,
    as_of: Option<NaiveDate>,
    costs: &costs::Costs,
) -> Result<SeasonMetrics, OddsError> {
    let cat = Catalog::load(store)?;
    let as_of = as_of.unwrap_or(cat.data_end);
    let s = find_season(&cat, store, series, Some(season), as_of)?;
    Ok(metrics::season_metrics(&cat, s, as_of, Some(costs)))
}

/// Labels for every numbered season that charted in a global TV Top 10, with counts.
pub fn labels(store: &Store) -> Result<LabelReport, OddsError> {
    let cat = Catalog::load(store)?;
    labels::label_all(&cat, store)
}

/// The odds shown beside a status of `awaiting_decision` (issue 5, item 7): the renewal
/// probability of the last premiered season as of the status date, with the model's own
/// backtest scores beside it so a reader can judge how much to trust it.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusOdds {
    /// The season whose renewal is being decided.
    pub season: u32,
    pub as_of: NaiveDate,
    pub probability: f64,
    pub factors: Vec<model::Factor>,
    pub model: String,
    /// The training cut-off of the frozen model (issue 16; absent in odds kept before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cutoff: Option<NaiveDate>,
    /// The pooled forward-chaining backtest's scores. `None` when AUC is undefined.
    pub backtest_auc: Option<f64>,
    pub backtest_brier: f64,
    /// When the decision may come (see [`PredictReport::decision_forecast`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_forecast: Option<when::DecisionForecast>,
    pub notes: Vec<String>,
}

/// Odds for `season` of `series` as of `as_of`, or why there are none. On the latest data (no
/// `as_of`) they come from the store while its data is unchanged ([`kept`]); as of a date they
/// are computed with the season's frozen cut-off model ([`kept::status_odds_as_of`]).
pub fn status_odds(
    store: &Store,
    series: &str,
    season: u32,
    as_of: Option<NaiveDate>,
) -> Result<StatusOdds, OddsError> {
    match as_of {
        Some(d) => kept::status_odds_as_of(store, series, season, d),
        None => kept::status_odds(store, series, season).0,
    }
}

/// [`status_odds`] computed from the stored rows, training the cut-off models and running the
/// backtest in memory, with nothing read from or written to the kept answers (the tests'
/// yardstick for the kept ones).
pub fn status_odds_fresh(
    store: &Store,
    series: &str,
    season: u32,
    as_of: Option<NaiveDate>,
) -> Result<StatusOdds, OddsError> {
    let cat = Catalog::load(store)?;
    let label_report = labels::label_all(&cat, store)?;
    let mut models = frozen::Models::new(None, backtest::examples(&cat, &label_report.seasons));
    let p = predict_with(
        &cat,
        &label_report.seasons,
        store,
        series,
        Some(season),
        as_of,
        &mut models,
    )?;
    let bt = backtest::run(
        &cat,
        &label_report.seasons,
        label_report.trainable.clone(),
        None,
        &mut models,
    )?;
    let model = status_model_name(&p);
    Ok(StatusOdds {
        season: p.season,
        as_of: p.as_of,
        probability: p.probability,
        factors: p.factors,
        model,
        cutoff: Some(p.model.cutoff),
        backtest_auc: bt.model.auc,
        backtest_brier: bt.model.brier,
        decision_forecast: p.decision_forecast,
        notes: p.notes,
    })
}

/// The "when" curves as of `as_of` (default: the latest data; then kept in the store while its
/// data and claims are unchanged, `kept::survival`).
pub fn survival(store: &Store, as_of: Option<NaiveDate>) -> Result<when::Survival, OddsError> {
    match as_of {
        None => kept::survival(store),
        Some(d) => {
            let cat = Catalog::load(store)?;
            let report = labels::label_all(&cat, store)?;
            Ok(when::fit(&cat, &report.seasons, d))
        }
    }
}
