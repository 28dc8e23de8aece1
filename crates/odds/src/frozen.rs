//! One frozen model per training cut-off (issue 16, item 2).
//!
//! A prediction for a season uses the model of its **training cut-off**: the first day of the
//! calendar quarter of the season's premiere. That model is trained on every trainable season
//! decided by the cut-off (its 91-day window published by then), with the candidate and its
//! hyperparameters chosen by forward-in-time validation on those seasons only (`Model::train`),
//! and calibrated monotone increasing (`Platt::fit_monotone`). So the same season gets the same
//! model at day 56 and at day 91, whatever the as-of date (every as-of date of a premiered
//! season is on or after its cut-off, so the model only uses data published by then), and a
//! date never trains on a handful of seasons: a cut-off with fewer than [`MIN_TRAINING`]
//! decided seasons abstains with its reason.
//!
//! The models are kept in the store (`derived_state`, key `odds-model/<cut-off>`) beside the
//! SHA-256 of their training examples ([`crate::kept::training_hash`]): a model is trained once
//! per data version and cut-off, and rebuilt from its kept state in one fit while its examples
//! are unchanged.
//!
//! The predicted season is never among its model's training rows (it premiered after the
//! cut-off); earlier seasons of the same series are, with the outcomes known of them.

use crate::backtest::Example;
use crate::features::Row;
use crate::kept::{self, Source};
use crate::model::{self, ForwardKept, Model, ModelState};
use crate::OddsError;
use chrono::{Datelike, NaiveDate};
use greenlight_store::Store;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The fewest decided seasons a cut-off's model is trained on; below it the odds abstain.
pub const MIN_TRAINING: usize = 100;

/// The training cut-off of a season premiered on `premiere`: the first day of its quarter.
pub fn cutoff_for(premiere: NaiveDate) -> NaiveDate {
    let m = (premiere.month0() / 3) * 3 + 1;
    NaiveDate::from_ymd_opt(premiere.year(), m, 1).unwrap_or(premiere)
}

/// The quarter after `cutoff`'s.
pub fn next_cutoff(cutoff: NaiveDate) -> NaiveDate {
    cutoff
        .checked_add_months(chrono::Months::new(3))
        .unwrap_or(NaiveDate::MAX)
}

/// The key a cut-off's model is kept under.
pub fn model_key(cutoff: NaiveDate) -> String {
    format!("odds-model/{cutoff}")
}

/// A cut-off's model as kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrozenModel {
    pub cutoff: NaiveDate,
    /// SHA-256 of its training examples ([`kept::training_hash`] as of the cut-off).
    pub training_hash: String,
    pub model: ModelState,
}

/// Why a cut-off has no model, kept in memory so a cut-off is tried once per call.
#[derive(Debug, Clone)]
enum Failure {
    Insufficient(String),
    Other(String),
}

/// The cut-off models of one data version: trained or rebuilt on first use, kept in the store
/// when one is given, and shared by every prediction of a call.
pub struct Models<'s> {
    store: Option<&'s Store>,
    all: Vec<Example>,
    built: BTreeMap<NaiveDate, Result<(Arc<Model>, String), Failure>>,
    /// The models built so far by their number of training rows: a cut-off's training rows are
    /// the examples decided by it, so two cut-offs with as many rows have the same rows (no
    /// season was decided between them) and the same model, which is then built once.
    by_rows: HashMap<usize, Arc<Model>>,
    /// The "when" curves by as-of date, fitted once per call: every prediction of a call asks
    /// for the same curves (they read every labelled season, so a fit per prediction cost more
    /// than the prediction).
    when: HashMap<NaiveDate, Arc<crate::when::Survival>>,
    /// How each cut-off's model was obtained (for tests and timing).
    pub sources: BTreeMap<NaiveDate, Source>,
}

impl<'s> Models<'s> {
    /// `all`: every trainable example (`backtest::examples`); with a store, models are read
    /// from and kept in it, else trained in memory only.
    pub fn new(store: Option<&'s Store>, all: Vec<Example>) -> Models<'s> {
        Models {
            store,
            all,
            built: BTreeMap::new(),
            by_rows: HashMap::new(),
            when: HashMap::new(),
            sources: BTreeMap::new(),
        }
    }

    pub fn examples(&self) -> &[Example] {
        &self.all
    }

    /// The training examples of a cut-off: decided (91-day window published) by it.
    pub fn training(&self, cutoff: NaiveDate) -> Vec<&Example> {
        self.all.iter().filter(|e| e.decided_on <= cutoff).collect()
    }

    /// The model of `cutoff` and the hash of its training examples, or why there is none.
    pub fn get(&mut self, cutoff: NaiveDate) -> Result<(&Model, &str), OddsError> {
        if !self.built.contains_key(&cutoff) {
            let t = std::time::Instant::now();
            let r = self.build(cutoff);
            if r.is_ok() {
                greenlight_store::timing::report(
                    format_args!(
                        "model of cut-off {cutoff} {:?} in",
                        self.sources.get(&cutoff)
                    ),
                    t.elapsed(),
                );
            }
            self.built.insert(cutoff, r);
        }
        match self.built.get(&cutoff) {
            Some(Ok((m, h))) => Ok((&**m, h.as_str())),
            Some(Err(Failure::Insufficient(m))) => Err(OddsError::InsufficientTraining(m.clone())),
            Some(Err(Failure::Other(m))) => Err(OddsError::Model(m.clone())),
            None => Err(OddsError::Model("no model built".into())),
        }
    }

    /// The "when" curves of `labels` (the labels these models' examples come from) as of
    /// `as_of`, fitted on first use.
    pub fn survival(
        &mut self,
        cat: &crate::catalog::Catalog,
        labels: &[crate::labels::LabelledSeason],
        as_of: NaiveDate,
    ) -> Arc<crate::when::Survival> {
        self.when
            .entry(as_of)
            .or_insert_with(|| Arc::new(crate::when::fit(cat, labels, as_of)))
            .clone()
    }

    /// Builds the models of `cutoffs` not built yet, the fits on every core: each cut-off's
    /// model is trained (or rebuilt from its kept state) independently of the others and
    /// deterministically, so the models are the ones [`Models::get`] would build one by one,
    /// bit for bit. A caller that knows which cut-offs it will ask for (the backtest, its
    /// summary) calls this first: an announcement that moves a training label retrains several
    /// cut-offs, each fit using the cores only in part (its candidates and folds are few and
    /// unequal), so fitting them side by side is what fills the cores.
    pub fn prepare(&mut self, cutoffs: impl IntoIterator<Item = NaiveDate>) {
        let mut todo: Vec<NaiveDate> = cutoffs
            .into_iter()
            .filter(|c| !self.built.contains_key(c))
            .collect();
        todo.sort();
        todo.dedup();
        // Per cut-off, in date order: what it needs. The first cut-off with a given number of
        // training rows does the fit; later ones with as many rows share its model (`build`).
        type Fit = (
            NaiveDate,
            String,
            Vec<Row>,
            Vec<f64>,
            Option<ModelState>,
            ForwardKept,
        );
        let mut fits: Vec<Fit> = Vec::new();
        let mut planned: std::collections::HashSet<usize> = Default::default();
        for &cutoff in &todo {
            let train: Vec<Example> = self.training(cutoff).into_iter().cloned().collect();
            let n = train.len();
            if n < MIN_TRAINING || self.by_rows.contains_key(&n) || !planned.insert(n) {
                continue;
            }
            let hash = kept::training_hash(&train, cutoff);
            let rows: Vec<_> = train.iter().map(|e| e.row.clone()).collect();
            let ys: Vec<f64> = train.iter().map(|e| e.y).collect();
            let state = self.kept_state(cutoff, &hash).map(|k| k.model);
            // Only a training reads the kept forward scores; a rebuild fits the final model alone.
            let forward = match state {
                Some(_) => ForwardKept::default(),
                None => self.kept_forward(cutoff),
            };
            fits.push((cutoff, hash, rows, ys, state, forward));
        }
        // Trainings first: they are the long tasks, so the short rebuilds fill in around them.
        fits.sort_by_key(|f| (f.4.is_some(), f.0));
        let t = std::time::Instant::now();
        let done = model::par_map(fits.len(), |i| {
            let (_, _, rows, ys, state, forward) = &fits[i];
            let t = std::time::Instant::now();
            let rebuilt = state
                .as_ref()
                .and_then(|s| Model::from_state(s, rows, ys).ok());
            let source = if rebuilt.is_some() {
                Source::KeptModel
            } else {
                Source::Trained
            };
            let (m, fresh) = match rebuilt {
                Some(m) => (Ok(m), Vec::new()),
                None => match Model::train_kept(rows, ys, &model::candidates(), forward) {
                    Ok((m, fresh)) => (Ok(m), fresh),
                    Err(e) => (Err(e), Vec::new()),
                },
            };
            Ok((m, fresh, source, t.elapsed()))
        });
        let Ok(done) = done else {
            // A panicked fit: leave every cut-off to `get`, which reports its own failure.
            return;
        };
        greenlight_store::timing::report(
            format_args!("models of {} cut-offs fitted side by side in", fits.len()),
            t.elapsed(),
        );
        for ((cutoff, hash, rows, ..), (m, fresh, source, took)) in fits.into_iter().zip(done) {
            if let Some(store) = self.store {
                keep_forward(store, cutoff, &fresh);
            }
            let r = match m {
                Ok(m) => {
                    let m = Arc::new(m);
                    if let (Some(store), Source::Trained) = (self.store, source) {
                        self.keep(store, cutoff, &hash, &m);
                    }
                    self.by_rows.insert(rows.len(), m.clone());
                    self.sources.insert(cutoff, source);
                    greenlight_store::timing::report(
                        format_args!("model of cut-off {cutoff} Some({source:?}) in"),
                        took,
                    );
                    Ok((m, hash))
                }
                Err(OddsError::InsufficientTraining(m)) => Err(Failure::Insufficient(format!(
                    "the training cut-off {cutoff}: {m}"
                ))),
                Err(other) => Err(Failure::Other(other.to_string())),
            };
            self.built.insert(cutoff, r);
        }
        // The rest (too few rows, or sharing a model fitted above) are quick: built in order.
        for cutoff in todo {
            let _ = self.get(cutoff);
        }
    }

    /// The kept state of `cutoff`'s model, if it was trained on examples hashing to `hash`.
    fn kept_state(&self, cutoff: NaiveDate, hash: &str) -> Option<FrozenModel> {
        self.store
            .and_then(|st| st.derived(&model_key(cutoff)).ok().flatten())
            .and_then(|d| kept::decode::<FrozenModel>(&d.body))
            .filter(|k| k.training_hash == hash)
    }

    fn build(&mut self, cutoff: NaiveDate) -> Result<(Arc<Model>, String), Failure> {
        let train: Vec<Example> = self.training(cutoff).into_iter().cloned().collect();
        let positives = train.iter().filter(|e| e.y > 0.5).count();
        if train.len() < MIN_TRAINING {
            return Err(Failure::Insufficient(format!(
                "the training cut-off {cutoff} has {} decided seasons ({positives} renewed), fewer than the minimum of {MIN_TRAINING}: no odds rather than a guess",
                train.len()
            )));
        }
        let hash = kept::training_hash(&train, cutoff);
        let kept_state = || self.kept_state(cutoff, &hash);
        if let Some(m) = self.by_rows.get(&train.len()).cloned() {
            // The same rows as an earlier cut-off's: its model, kept under this cut-off too.
            if let (Some(store), None) = (self.store, kept_state()) {
                self.keep(store, cutoff, &hash, &m);
            }
            self.sources.insert(cutoff, Source::KeptModel);
            return Ok((m, hash));
        }
        let rows: Vec<_> = train.iter().map(|e| e.row.clone()).collect();
        let ys: Vec<f64> = train.iter().map(|e| e.y).collect();
        if let Some(k) = kept_state() {
            if let Ok(m) = Model::from_state(&k.model, &rows, &ys) {
                let m = Arc::new(m);
                self.by_rows.insert(train.len(), m.clone());
                self.sources.insert(cutoff, Source::KeptModel);
                return Ok((m, hash));
            }
        }
        let forward = self.kept_forward(cutoff);
        let (m, fresh) =
            Model::train_kept(&rows, &ys, &model::candidates(), &forward).map_err(|e| match e {
                OddsError::InsufficientTraining(m) => {
                    Failure::Insufficient(format!("the training cut-off {cutoff}: {m}"))
                }
                other => Failure::Other(other.to_string()),
            })?;
        if let Some(store) = self.store {
            keep_forward(store, cutoff, &fresh);
        }
        let m = Arc::new(m);
        if let Some(store) = self.store {
            self.keep(store, cutoff, &hash, &m);
        }
        self.by_rows.insert(train.len(), m.clone());
        self.sources.insert(cutoff, Source::Trained);
        Ok((m, hash))
    }

    /// The forward-validation scores kept for `cutoff`'s last training (none without a store).
    fn kept_forward(&self, cutoff: NaiveDate) -> ForwardKept {
        let prefix = forward_prefix(cutoff);
        let Some(Ok(found)) = self.store.map(|st| st.derived_under(&prefix)) else {
            return ForwardKept::default();
        };
        let entries = found
            .into_iter()
            .filter_map(|(key, d)| {
                let slot = key.strip_prefix(&prefix)?.to_string();
                let bits: Vec<u64> = serde_json::from_str(&d.body).ok()?;
                Some((
                    slot,
                    (d.inputs, bits.into_iter().map(f64::from_bits).collect()),
                ))
            })
            .collect();
        ForwardKept { entries }
    }

    fn keep(&self, store: &Store, cutoff: NaiveDate, hash: &str, m: &Model) {
        let body = FrozenModel {
            cutoff,
            training_hash: hash.to_string(),
            model: m.state(),
        };
        if let Ok(text) = kept::encode(&body) {
            // The stamp is the training hash itself: the model depends on nothing else.
            let _ = store.put_derived(&model_key(cutoff), hash, &text);
        }
    }
}

/// The key prefix of a cut-off's kept forward-validation scores: one entry per candidate and
/// block (`<prefix><candidate>/<block>`), replaced by each training, so their number is bounded
/// by the cut-offs, candidates and blocks.
fn forward_prefix(cutoff: NaiveDate) -> String {
    format!("odds-forward/{cutoff}/")
}

/// Keeps the blocks' scores a training of `cutoff` fitted, their floats by their bits; a store
/// that cannot be written still answers (the next training fits them again).
fn keep_forward(store: &Store, cutoff: NaiveDate, fresh: &model::ForwardFresh) {
    let prefix = forward_prefix(cutoff);
    let items: Vec<(String, String, String)> = fresh
        .iter()
        .filter_map(|(slot, hash, scores)| {
            let bits: Vec<u64> = scores.iter().map(|v| v.to_bits()).collect();
            let body = serde_json::to_string(&bits).ok()?;
            Some((format!("{prefix}{slot}"), hash.clone(), body))
        })
        .collect();
    let _ = store.put_derived_many(&items);
}
