//! The odds kept in the store (issue 13): the renewal model is trained once per change of its
//! training data, kept with its backtest summary and the SHA-256 of that data, and loaded for
//! predictions; each season's status odds are kept too, beside the store's inputs stamp
//! (`Store::training_inputs_stamp`) they were computed from. So `greenlight status` answers from
//! the store while the data is unchanged, instead of loading every row and training 36 models.
//!
//! Only the odds of the latest data are kept. An `--as-of` date trains point in time from
//! scratch, as before ([`crate::status_odds_fresh`]).
//!
//! What invalidates what: any change of the stamp (an import that stored a file, an alias, a
//! claim declaring a series) makes every kept season odds stale; the model itself is retrained
//! only when the training examples it is computed from (their seasons, dates, features and
//! labels, hashed by [`training_hash`]) differ from the kept model's, else its state is reused.
//!
//! Floats are kept by their bits (JSON numbers round-trip through serde_json's default parser
//! only to within an ulp), so a kept answer is the computed one exactly.

use crate::backtest::{self, Example};
use crate::catalog::Catalog;
use crate::frozen::Models;
use crate::{labels, predict_with, OddsError, StatusOdds};
use chrono::NaiveDate;
use greenlight_store::Store;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

/// Part of every stamp: a change of the model, features or kept shapes bumps it, so answers kept
/// by an older binary are recomputed, never read into new shapes.
pub const VERSION: &str = "odds-2";
/// The key of the kept backtest summary.
pub const BACKTEST_KEY: &str = "odds-backtest";

/// The backtest's summary, as kept beside the status odds (the models themselves are kept per
/// training cut-off: [`crate::frozen`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptBacktest {
    /// SHA-256 of every trainable example ([`training_hash`] as of the data's end).
    pub training_hash: String,
    pub backtest_model: String,
    pub backtest_auc: Option<f64>,
    pub backtest_brier: f64,
}

/// How an answer was obtained, for the tests and `GREENLIGHT_TIMING`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Read from the store: the stamp was unchanged.
    Kept,
    /// Computed with the kept model (the training data was unchanged).
    KeptModel,
    /// Computed after training the model (new training data, or none kept).
    Trained,
}

/// The stamp kept answers are checked against: the store's inputs stamp and [`VERSION`].
/// The ledger's announcements are inputs too (issue 16: they decide labels), by their digest.
pub fn stamp(store: &Store) -> Result<String, OddsError> {
    let ann = crate::announcements::digest(&crate::announcements::load(store)?);
    Ok(format!(
        "{VERSION}:{}:{ann}",
        store.training_inputs_stamp()?
    ))
}

/// The key a season's status odds are kept under.
pub fn odds_key(slug: &str, season: u32) -> String {
    format!("odds/{slug}/{season}")
}

/// SHA-256 of what training reads: every example's series (by slug: row ids are not stable
/// across resolutions), season, dates, features (by their bits) and label, in training order,
/// and the as-of date.
pub fn training_hash(examples: &[Example], as_of: NaiveDate) -> String {
    let mut text = format!("{as_of}\n");
    for e in examples {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}",
            e.label.slug, e.label.season, e.premiere, e.decided_on, e.y
        ));
        for v in &e.row {
            match v {
                Some(x) => text.push_str(&format!("\t{:016x}", x.to_bits())),
                None => text.push_str("\t-"),
            }
        }
        text.push('\n');
    }
    greenlight_store::hash::sha256_hex(text.as_bytes())
}

/// `v` as JSON with every non-integer number written as `{"$f64": bits}`.
pub fn encode<T: Serialize>(v: &T) -> Result<String, OddsError> {
    fn walk(v: Value) -> Value {
        match v {
            Value::Number(n) if n.is_f64() => {
                let bits = n.as_f64().unwrap_or(f64::NAN).to_bits();
                let mut m = Map::new();
                m.insert("$f64".into(), Value::from(bits));
                Value::Object(m)
            }
            Value::Array(a) => Value::Array(a.into_iter().map(walk).collect()),
            Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, walk(v))).collect()),
            other => other,
        }
    }
    let v = serde_json::to_value(v).map_err(|e| OddsError::Data(e.to_string()))?;
    serde_json::to_string(&walk(v)).map_err(|e| OddsError::Data(e.to_string()))
}

/// The value [`encode`] wrote, or `None` when the text is not one (then it is recomputed).
pub fn decode<T: DeserializeOwned>(text: &str) -> Option<T> {
    fn walk(v: Value) -> Option<Value> {
        Some(match v {
            Value::Object(o) if o.len() == 1 && o.contains_key("$f64") => {
                let bits = o.get("$f64")?.as_u64()?;
                Value::Number(Number::from_f64(f64::from_bits(bits))?)
            }
            Value::Array(a) => Value::Array(a.into_iter().map(walk).collect::<Option<_>>()?),
            Value::Object(o) => Value::Object(
                o.into_iter()
                    .map(|(k, v)| walk(v).map(|v| (k, v)))
                    .collect::<Option<_>>()?,
            ),
            other => other,
        })
    }
    let v: Value = serde_json::from_str(text).ok()?;
    serde_json::from_value(walk(v)?).ok()
}

/// Keeps `body`; a store that cannot be written (read-only file, full disk) still answers,
/// since the kept copy only saves time: the answer returned is the one just computed.
fn keep(store: &Store, key: &str, stamp: &str, body: &str) {
    let _ = store.put_derived(key, stamp, body);
}

/// A season's status odds as kept: the odds, or the error that said why there are none, when
/// that error comes from the data (a season the odds do not know, too few labelled seasons)
/// rather than from the store or the model's arithmetic, which are not kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeptOdds {
    Odds(Box<StatusOdds>),
    NotFound(String),
    Invalid(String),
    InsufficientTraining(String),
    Decided(String),
}

impl KeptOdds {
    fn of(r: &Result<StatusOdds, OddsError>) -> Option<KeptOdds> {
        Some(match r {
            Ok(o) => KeptOdds::Odds(Box::new(o.clone())),
            Err(OddsError::NotFound(m)) => KeptOdds::NotFound(m.clone()),
            Err(OddsError::Invalid(m)) => KeptOdds::Invalid(m.clone()),
            Err(OddsError::InsufficientTraining(m)) => KeptOdds::InsufficientTraining(m.clone()),
            Err(OddsError::Decided(m)) => KeptOdds::Decided(m.clone()),
            Err(_) => return None,
        })
    }

    fn result(self) -> Result<StatusOdds, OddsError> {
        match self {
            KeptOdds::Odds(o) => Ok(*o),
            KeptOdds::NotFound(m) => Err(OddsError::NotFound(m)),
            KeptOdds::Invalid(m) => Err(OddsError::Invalid(m)),
            KeptOdds::InsufficientTraining(m) => Err(OddsError::InsufficientTraining(m)),
            KeptOdds::Decided(m) => Err(OddsError::Decided(m)),
        }
    }
}

/// The status odds of `season` of `series` on the latest data, from the store when kept for the
/// current stamp, else computed (with the kept model when the training data is unchanged) and
/// kept; with how they were obtained.
pub fn status_odds(
    store: &Store,
    series: &str,
    season: u32,
) -> (Result<StatusOdds, OddsError>, Source) {
    let slug = match store.series(series) {
        Ok(s) => s.slug,
        Err(e) => return (Err(e.into()), Source::Trained),
    };
    status_odds_many(store, &[(slug, season)]).pop().unwrap_or((
        Err(OddsError::Data("no odds computed".into())),
        Source::Trained,
    ))
}

/// [`status_odds`] of many `(slug, season)`s, in order: the kept ones read, the others computed
/// on one load of the store's rows and one model (`greenlight list`).
pub fn status_odds_many(
    store: &Store,
    asked: &[(String, u32)],
) -> Vec<(Result<StatusOdds, OddsError>, Source)> {
    status_odds_many_loaded(store, asked, None)
}

/// [`status_odds_many`], with what [`fingerprint_loading`] loaded for the current stamp, if
/// anything (used only when it is for the current stamp).
pub fn status_odds_many_loaded(
    store: &Store,
    asked: &[(String, u32)],
    loaded: Option<Loaded>,
) -> Vec<(Result<StatusOdds, OddsError>, Source)> {
    let stamp = match stamp(store) {
        Ok(s) => s,
        Err(e) => {
            let msg = e.to_string();
            return asked
                .iter()
                .map(|_| (Err(OddsError::Data(msg.clone())), Source::Trained))
                .collect();
        }
    };
    // The board asks for thousands: one query for all of them (a failed one reads each key).
    let all_kept = (asked.len() > 16)
        .then(|| store.derived_under("odds/").ok())
        .flatten();
    let mut out: Vec<Option<(Result<StatusOdds, OddsError>, Source)>> = asked
        .iter()
        .map(|(slug, season)| {
            let key = odds_key(slug, *season);
            let d = match &all_kept {
                Some(m) => m.get(&key).cloned()?,
                None => store.derived(&key).ok().flatten()?,
            };
            (d.inputs == stamp)
                .then(|| decode::<KeptOdds>(&d.body))
                .flatten()
                .map(|k| (k.result(), Source::Kept))
        })
        .collect();
    drop(all_kept);
    let missing: Vec<usize> = (0..asked.len()).filter(|&i| out[i].is_none()).collect();
    if !missing.is_empty() {
        match Computing::new(store, &stamp, loaded) {
            Ok(mut c) => {
                let t = std::time::Instant::now();
                let cutoffs = crate::cutoffs_of(
                    &c.cat,
                    missing.iter().map(|&i| (asked[i].0.as_str(), asked[i].1)),
                );
                c.models.prepare(cutoffs);
                let mut kept = Vec::new();
                for i in missing {
                    let (slug, season) = &asked[i];
                    let r = c.odds(store, slug, *season, None);
                    if let Some(k) = KeptOdds::of(&r) {
                        if let Ok(body) = encode(&k) {
                            kept.push((odds_key(slug, *season), stamp.clone(), body));
                        }
                    }
                    let source = c.source_of(&r);
                    out[i] = Some((r, source));
                }
                greenlight_store::timing::report(
                    format_args!("odds of {} seasons computed in", kept.len()),
                    t.elapsed(),
                );
                // In one savepoint; a store that cannot be written still answers (see `keep`).
                let t = std::time::Instant::now();
                let _ = store.put_derived_many(&kept);
                greenlight_store::timing::report(format_args!("odds kept in"), t.elapsed());
            }
            Err(e) => {
                let msg = e.to_string();
                for i in missing {
                    out[i] = Some((Err(OddsError::Data(msg.clone())), Source::Trained));
                }
            }
        }
    }
    out.into_iter()
        .map(|o| {
            o.unwrap_or((
                Err(OddsError::Data("no odds computed".into())),
                Source::Trained,
            ))
        })
        .collect()
}

/// The store's rows, labels and training examples for one [`stamp`]: what [`fingerprint`] reads,
/// handed on to the odds computed next in the same call (the board's refresh) instead of being
/// loaded again.
pub struct Loaded {
    stamp: String,
    cat: Catalog,
    labels: labels::LabelReport,
    examples: Vec<Example>,
    training: String,
}

impl Loaded {
    fn load(store: &Store, stamp: &str) -> Result<Loaded, OddsError> {
        let mut ph = greenlight_store::timing::Phases::named("odds' rows loaded");
        let cat = Catalog::load(store)?;
        ph.mark("catalogue");
        let labels = labels::label_all(&cat, store)?;
        ph.mark("labels");
        let examples = backtest::examples(&cat, &labels.seasons);
        ph.mark("examples");
        let training = training_hash(&examples, cat.data_end);
        ph.mark("training hash");
        Ok(Loaded {
            stamp: stamp.to_string(),
            cat,
            labels,
            examples,
            training,
        })
    }
}

/// The store's rows, labels and cut-off models, loaded once for any number of odds.
struct Computing<'s> {
    cat: Catalog,
    labels: Vec<labels::LabelledSeason>,
    models: Models<'s>,
    backtest: KeptBacktest,
}

impl<'s> Computing<'s> {
    fn new(
        store: &'s Store,
        stamp: &str,
        loaded: Option<Loaded>,
    ) -> Result<Computing<'s>, OddsError> {
        let mut ph = greenlight_store::timing::Phases::named("odds computed");
        let Loaded {
            cat,
            labels: label_report,
            examples: all,
            training: hash,
            ..
        } = match loaded.filter(|l| l.stamp == stamp) {
            Some(l) => l,
            None => Loaded::load(store, stamp)?,
        };
        ph.mark("catalogue, labels and examples");
        let mut models = Models::new(Some(store), all);
        let kept = store
            .derived(BACKTEST_KEY)?
            .and_then(|d| decode::<KeptBacktest>(&d.body))
            .filter(|k| k.training_hash == hash);
        let backtest = match kept {
            Some(k) => k,
            None => {
                // The pooled scores alone, from the forward chain (not the whole backtest).
                let scores = backtest::summary(&mut models)?;
                let k = KeptBacktest {
                    training_hash: hash,
                    backtest_model: scores.name,
                    backtest_auc: scores.auc,
                    backtest_brier: scores.brier,
                };
                keep(store, BACKTEST_KEY, stamp, &encode(&k)?);
                k
            }
        };
        ph.mark("backtest summary (its cut-offs' models)");
        Ok(Computing {
            cat,
            labels: label_report.seasons,
            models,
            backtest,
        })
    }

    /// How the model this season's odds used was obtained: kept, or trained in this call.
    fn source_of(&self, odds: &Result<StatusOdds, OddsError>) -> Source {
        let cut = odds.as_ref().ok().and_then(|o| o.cutoff);
        cut.and_then(|c| self.models.sources.get(&c).copied())
            .unwrap_or(Source::Trained)
    }

    fn odds(
        &mut self,
        store: &Store,
        slug: &str,
        season: u32,
        as_of: Option<NaiveDate>,
    ) -> Result<StatusOdds, OddsError> {
        let p = predict_with(
            &self.cat,
            &self.labels,
            store,
            slug,
            Some(season),
            as_of,
            &mut self.models,
        )?;
        let model = crate::status_model_name(&p);
        Ok(StatusOdds {
            season: p.season,
            as_of: p.as_of,
            probability: p.probability,
            factors: p.factors,
            model,
            cutoff: Some(p.model.cutoff),
            backtest_auc: self.backtest.backtest_auc,
            backtest_brier: self.backtest.backtest_brier,
            decision_forecast: p.decision_forecast,
            notes: p.notes,
        })
    }
}

/// Status odds as of a date: the season's frozen cut-off model (kept in the store, trained on
/// first use), never retrained for the date; the odds themselves are not kept (only the latest
/// data's are).
pub fn status_odds_as_of(
    store: &Store,
    series: &str,
    season: u32,
    as_of: NaiveDate,
) -> Result<StatusOdds, OddsError> {
    let stamp = stamp(store)?;
    let mut c = Computing::new(store, &stamp, None)?;
    c.odds(store, series, season, Some(as_of))
}

/// The key of the kept "when" curves.
pub const WHEN_KEY: &str = "odds-when";

/// The key of the kept [`fingerprint`].
pub const FINGERPRINT_KEY: &str = "odds-fingerprint";

/// What the latest data's odds and "when" curves are computed from, beyond one series' own
/// announcements: a SHA-256 of [`VERSION`], the store's inputs stamp, the training hash of every
/// trainable example (each cut-off's training rows, hence its model, and the backtest summary,
/// are functions of them) and the "when" curves themselves.
///
/// Why it exists (issue 13): the ledger's announcements are part of [`stamp`], so a renewal
/// claim about one series changes the stamp of every kept odds; but a season's odds read the
/// announcements only through its own series' label, its cut-off's training examples and the
/// curves. When a claim changes none of those (a decision about a season too recent to train
/// on, of a series the curves already count), the fingerprint is unchanged and so is every
/// other series' status body, which the board then keeps instead of deriving the whole board
/// again (its rows' evidence holds the fingerprint and their own claims). When the claim does
/// change a training label or the curves, the fingerprint changes and every row is derived.
///
/// Kept for the [`stamp`] it was computed for (and the curves with it, under [`WHEN_KEY`], so
/// [`survival`] reads them): readers recompute the stamp only, and the first one after a
/// change computes the fingerprint (one load of the store's rows, no training).
pub fn fingerprint(store: &Store) -> Result<String, OddsError> {
    fingerprint_loading(store).map(|(f, _)| f)
}

/// [`fingerprint`], and what computing it loaded (`None` when it was kept), for
/// [`status_odds_many_loaded`].
pub fn fingerprint_loading(store: &Store) -> Result<(String, Option<Loaded>), OddsError> {
    let mut ph = greenlight_store::timing::Phases::named("fingerprint");
    let stamp = stamp(store)?;
    ph.mark("stamp");
    if let Some(d) = store.derived(FINGERPRINT_KEY)? {
        if d.inputs == stamp {
            return Ok((d.body, None));
        }
    }
    let loaded = Loaded::load(store, &stamp)?;
    ph.mark("catalogue, labels and examples");
    let (cat, report, training) = (&loaded.cat, &loaded.labels, &loaded.training);
    let curves = encode(&crate::when::fit(cat, &report.seasons, cat.data_end))?;
    ph.mark("curves");
    keep(store, WHEN_KEY, &stamp, &curves);
    let fp = greenlight_store::hash::sha256_hex(
        format!(
            "{VERSION}\n{}\n{training}\n{}",
            store.training_inputs_stamp()?,
            greenlight_store::hash::sha256_hex(curves.as_bytes())
        )
        .as_bytes(),
    );
    keep(store, FINGERPRINT_KEY, &stamp, &fp);
    Ok((fp, Some(loaded)))
}

/// The "when" curves of the latest data, kept for the stamp (a new claim changes them).
pub fn survival(store: &Store) -> Result<crate::when::Survival, OddsError> {
    let stamp = stamp(store)?;
    if let Some(d) = store.derived(WHEN_KEY)? {
        if d.inputs == stamp {
            if let Some(s) = decode::<crate::when::Survival>(&d.body) {
                return Ok(s);
            }
        }
    }
    let cat = Catalog::load(store)?;
    let report = labels::label_all(&cat, store)?;
    let s = crate::when::fit(&cat, &report.seasons, cat.data_end);
    keep(store, WHEN_KEY, &stamp, &encode(&s)?);
    Ok(s)
}

/// The version of the model a status's odds come from, as predictions are kept under it
/// (`/accuracy`): [`VERSION`], the frozen model's training cut-off (issue 16: one model per
/// cut-off) and its chosen candidate, so odds from another cut-off's or another version's model
/// are another version.
pub fn model_version(odds: &crate::StatusOdds) -> String {
    let cutoff = odds
        .cutoff
        .map_or_else(|| "-".to_string(), |d| d.to_string());
    format!("{VERSION}:{cutoff}:{}", odds.model)
}
