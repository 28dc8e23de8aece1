//! The renewal model: candidates, selection, calibration and per-prediction factors.
//!
//! Candidates are smartcore's L2-regularised logistic regression, gradient-boosted trees and
//! the mean of the two.
//! smartcore has no boosted *classifier* (its XGBoost is a squared-error regressor and its
//! random forest gives no probabilities), so the boosting loop is written here on top of
//! smartcore's weighted regression trees: each round fits a tree to the Newton working
//! response `(y - p) / p(1 - p)` with weights `p(1 - p)` (LogitBoost), whose weighted-mean
//! leaves are exactly the Newton step of the log-loss. The candidate with the lowest
//! out-of-time log-loss on the training seasons wins (each later block of launches scored by a
//! model fitted on the earlier ones); its raw scores are then calibrated with Platt scaling
//! fitted on five-fold out-of-fold scores, so the probabilities it reports are frequencies,
//! not just rankings.

use crate::eval;
use crate::features::{self, Row};
use crate::tree::{Presorted, Tree};
use crate::OddsError;
use serde::{Deserialize, Serialize};
use smartcore::linalg::basic::arrays::Array;
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::logistic_regression::{LogisticRegression, LogisticRegressionParameters};

/// A candidate model and its hyper-parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Spec {
    /// `depth` is the number of splits on a path (1 = stumps), as in scikit-learn.
    GradientBoosting {
        trees: u32,
        depth: u16,
        learning_rate: f64,
        min_leaf: u32,
        subsample: f64,
    },
    Logistic {
        alpha: f64,
    },
    /// The mean of a logistic regression's and a boosted model's log-odds, calibrated as one
    /// score: two models with different errors (smooth and additive vs thresholds), averaged.
    Blend {
        alpha: f64,
        trees: u32,
        depth: u16,
        learning_rate: f64,
        min_leaf: u32,
        subsample: f64,
    },
}

impl Spec {
    pub fn name(&self) -> String {
        match self {
            Spec::GradientBoosting {
                trees,
                depth,
                learning_rate,
                ..
            } => {
                format!("gradient_boosting(trees={trees}, depth={depth}, lr={learning_rate})")
            }
            Spec::Logistic { alpha } => format!("logistic(alpha={alpha})"),
            Spec::Blend {
                alpha,
                trees,
                depth,
                learning_rate,
                ..
            } => format!(
                "mean of logistic(alpha={alpha}) and gradient_boosting(trees={trees}, depth={depth}, lr={learning_rate})"
            ),
        }
    }

    /// The two halves of a blend; `None` for a single model.
    fn parts(&self) -> Option<(Spec, Spec)> {
        match *self {
            Spec::Blend {
                alpha,
                trees,
                depth,
                learning_rate,
                min_leaf,
                subsample,
            } => Some((
                Spec::Logistic { alpha },
                Spec::GradientBoosting {
                    trees,
                    depth,
                    learning_rate,
                    min_leaf,
                    subsample,
                },
            )),
            _ => None,
        }
    }
}

const STUMPS: Spec = Spec::GradientBoosting {
    trees: 100,
    depth: 1,
    learning_rate: 0.075,
    min_leaf: 10,
    subsample: 0.8,
};

/// The candidates tried, few on purpose: a few hundred labelled seasons cannot choose among
/// many configurations without the choice itself overfitting. Logistic regression on a
/// three-point regularisation grid, boosted stumps and depth-2 trees, and the mean of the
/// middle logistic regression and the stumps.
pub fn candidates() -> Vec<Spec> {
    vec![
        Spec::Logistic { alpha: 1.0 },
        Spec::Logistic { alpha: 10.0 },
        Spec::Logistic { alpha: 100.0 },
        STUMPS,
        Spec::GradientBoosting {
            trees: 100,
            depth: 2,
            learning_rate: 0.05,
            min_leaf: 10,
            subsample: 0.8,
        },
        Spec::Blend {
            alpha: 10.0,
            trees: 100,
            depth: 1,
            learning_rate: 0.075,
            min_leaf: 10,
            subsample: 0.8,
        },
    ]
}

/// Medians for missing values and scales for the linear model, fitted on training rows only.
#[derive(Debug, Clone, PartialEq)]
pub struct Prep {
    pub medians: Vec<f64>,
    pub means: Vec<f64>,
    pub scales: Vec<f64>,
}

impl Prep {
    pub fn fit(rows: &[Row]) -> Prep {
        let k = rows.first().map(|r| r.len()).unwrap_or(0);
        let mut medians = vec![0.0; k];
        for (j, m) in medians.iter_mut().enumerate() {
            let mut v: Vec<f64> = rows
                .iter()
                .filter_map(|r| r[j])
                .filter(|x| x.is_finite())
                .collect();
            v.sort_by(f64::total_cmp);
            *m = if v.is_empty() { 0.0 } else { v[v.len() / 2] };
        }
        let filled: Vec<Vec<f64>> = rows.iter().map(|r| impute(r, &medians)).collect();
        let n = filled.len().max(1) as f64;
        let means: Vec<f64> = (0..k)
            .map(|j| filled.iter().map(|r| r[j]).sum::<f64>() / n)
            .collect();
        let scales = (0..k)
            .map(|j| {
                let var = filled
                    .iter()
                    .map(|r| (r[j] - means[j]).powi(2))
                    .sum::<f64>()
                    / n;
                if var > 1e-12 {
                    var.sqrt()
                } else {
                    1.0
                }
            })
            .collect();
        Prep {
            medians,
            means,
            scales,
        }
    }

    pub fn fill(&self, r: &Row) -> Vec<f64> {
        impute(r, &self.medians)
    }
}

fn impute(r: &Row, medians: &[f64]) -> Vec<f64> {
    r.iter()
        .zip(medians)
        .map(|(v, m)| v.filter(|x| x.is_finite()).unwrap_or(*m))
        .collect()
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln()
}

fn matrix(rows: &[Vec<f64>]) -> Result<DenseMatrix<f64>, OddsError> {
    DenseMatrix::from_2d_vec(&rows.to_vec()).map_err(|e| OddsError::Model(e.to_string()))
}

enum Fitted {
    Boosted {
        base: f64,
        learning_rate: f64,
        trees: Vec<Tree>,
    },
    Linear {
        weights: Vec<f64>,
        intercept: f64,
    },
    /// The mean of the parts' raw scores.
    Mean(Vec<Fitted>),
}

/// A fitted scorer on imputed rows: a raw score (log-odds scale, uncalibrated).
struct Scorer {
    prep: Prep,
    fitted: Fitted,
}

impl Scorer {
    fn fit(spec: &Spec, rows: &[Row], y: &[f64], seed: u64) -> Result<Scorer, OddsError> {
        if rows.is_empty() || rows.len() != y.len() {
            return Err(OddsError::Model("no training rows".into()));
        }
        let positives = y.iter().filter(|v| **v > 0.5).count();
        if positives == 0 || positives == y.len() {
            return Err(OddsError::Model("training labels are all one class".into()));
        }
        let prep = Prep::fit(rows);
        let x: Vec<Vec<f64>> = rows.iter().map(|r| prep.fill(r)).collect();
        let fitted = match spec.parts() {
            Some((a, b)) => Fitted::Mean(vec![
                fit_model(&a, &x, y, &prep, seed)?,
                fit_model(&b, &x, y, &prep, seed)?,
            ]),
            None => fit_model(spec, &x, y, &prep, seed)?,
        };
        Ok(Scorer { prep, fitted })
    }

    /// Raw scores of filled (imputed) rows.
    fn score_filled(&self, x: &[Vec<f64>]) -> Result<Vec<f64>, OddsError> {
        if x.is_empty() {
            return Ok(Vec::new());
        }
        score_model(&self.fitted, &self.prep, x)
    }

    fn score(&self, rows: &[Row]) -> Result<Vec<f64>, OddsError> {
        let x: Vec<Vec<f64>> = rows.iter().map(|r| self.prep.fill(r)).collect();
        self.score_filled(&x)
    }
}

/// Fits one single-model spec on filled rows (a blend is fitted part by part).
fn fit_model(
    spec: &Spec,
    x: &[Vec<f64>],
    y: &[f64],
    prep: &Prep,
    seed: u64,
) -> Result<Fitted, OddsError> {
    let positives = y.iter().filter(|v| **v > 0.5).count();
    Ok(match *spec {
        Spec::Logistic { alpha } => {
            let xs: Vec<Vec<f64>> = x.iter().map(|r| standardise(r, prep)).collect();
            let yi: Vec<i32> = y.iter().map(|v| i32::from(*v > 0.5)).collect();
            let params = LogisticRegressionParameters::default().with_alpha(alpha);
            let m = LogisticRegression::fit(&matrix(&xs)?, &yi, params)
                .map_err(|e| OddsError::Model(e.to_string()))?;
            let weights: Vec<f64> = (0..m.coefficients().shape().1)
                .map(|j| *m.coefficients().get((0, j)))
                .collect();
            let intercept = *m.intercept().get((0, 0));
            // smartcore orders classes ascending, so the coefficients score class 1 (renewed).
            Fitted::Linear { weights, intercept }
        }
        Spec::GradientBoosting {
            trees,
            depth,
            learning_rate,
            min_leaf,
            subsample,
        } => {
            // The rows are the same for every tree: their columns are sorted once.
            let sorted = Presorted::new(x);
            let base = logit(positives as f64 / y.len() as f64);
            let mut f = vec![base; y.len()];
            let mut rng = Lcg(seed ^ 0x9e37_79b9_7f4a_7c15);
            let mut out = Vec::with_capacity(trees as usize);
            for _ in 0..trees {
                let mut z = Vec::with_capacity(y.len());
                let mut w = Vec::with_capacity(y.len());
                for (fi, yi) in f.iter().zip(y) {
                    let p = sigmoid(*fi);
                    let h = (p * (1.0 - p)).max(1e-6);
                    z.push(((yi - p) / h).clamp(-4.0, 4.0));
                    // Stochastic boosting: a row left out of this round weighs nothing.
                    w.push(if rng.unit() < subsample { h } else { 0.0 });
                }
                if w.iter().sum::<f64>() <= 0.0 {
                    continue;
                }
                // smartcore's trees (which `Tree` fits exactly) count the root as level 1: a
                // tree of depth d has d + 1 levels.
                let tree = Tree::fit(&sorted, &z, &w, depth.saturating_add(1), min_leaf as usize);
                for (fi, r) in f.iter_mut().zip(x) {
                    *fi += learning_rate * tree.predict_row(r);
                }
                out.push(tree);
            }
            Fitted::Boosted {
                base,
                learning_rate,
                trees: out,
            }
        }
        Spec::Blend { .. } => {
            return Err(OddsError::Model("a blend is fitted part by part".into()))
        }
    })
}

/// Raw scores (log-odds scale) of filled rows under one fitted model.
fn score_model(fitted: &Fitted, prep: &Prep, x: &[Vec<f64>]) -> Result<Vec<f64>, OddsError> {
    match fitted {
        Fitted::Mean(parts) => {
            let mut sum = vec![0.0; x.len()];
            for part in parts {
                for (s, v) in sum.iter_mut().zip(score_model(part, prep, x)?) {
                    *s += v;
                }
            }
            let k = parts.len().max(1) as f64;
            Ok(sum.into_iter().map(|s| s / k).collect())
        }
        Fitted::Linear { weights, intercept } => Ok(x
            .iter()
            .map(|r| {
                standardise(r, prep)
                    .iter()
                    .zip(weights)
                    .map(|(a, b)| a * b)
                    .sum::<f64>()
                    + intercept
            })
            .collect()),
        Fitted::Boosted {
            base,
            learning_rate,
            trees,
        } => {
            let mut f = vec![*base; x.len()];
            for t in trees {
                for (fi, r) in f.iter_mut().zip(x) {
                    *fi += learning_rate * t.predict_row(r);
                }
            }
            Ok(f)
        }
    }
}

fn standardise(r: &[f64], p: &Prep) -> Vec<f64> {
    r.iter()
        .zip(p.means.iter().zip(&p.scales))
        .map(|(v, (m, s))| (v - m) / s)
        .collect()
}

/// A tiny deterministic generator, so a model (and every report built on it) is reproducible.
struct Lcg(u64);

impl Lcg {
    fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A plain one-model logistic regression (no selection, no Platt step: a logistic model's own
/// probabilities), for the baseline on a single feature.
pub fn fit_plain_logistic(
    rows: &[Row],
    y: &[f64],
) -> Result<impl Fn(&[Row]) -> Result<Vec<f64>, OddsError>, OddsError> {
    let s = Scorer::fit(&Spec::Logistic { alpha: 0.0 }, rows, y, 0)?;
    Ok(move |r: &[Row]| Ok(s.score(r)?.into_iter().map(sigmoid).collect()))
}

/// Cross-entropy of Platt's targets under p = sigmoid(a * score + b), computed stably.
fn platt_loss(a: f64, b: f64, scores: &[f64], t: &[f64]) -> f64 {
    scores
        .iter()
        .zip(t)
        .map(|(s, ti)| {
            let z = a * s + b;
            // log(1 + e^z) - t z
            z.max(0.0) + (-z.abs()).exp().ln_1p() - ti * z
        })
        .sum()
}

/// Platt scaling: p = sigmoid(a * score + b), fitted by Newton's method on held-out scores.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Platt {
    pub a: f64,
    pub b: f64,
}

impl Platt {
    pub fn fit(scores: &[f64], y: &[f64]) -> Platt {
        // Platt's smoothed targets keep the fit finite when the scores separate the classes.
        let pos = y.iter().filter(|v| **v > 0.5).count() as f64;
        let neg = y.len() as f64 - pos;
        let (hi, lo) = ((pos + 1.0) / (pos + 2.0), 1.0 / (neg + 2.0));
        let t: Vec<f64> = y.iter().map(|v| if *v > 0.5 { hi } else { lo }).collect();
        let (mut a, mut b) = (1.0, 0.0);
        for _ in 0..100 {
            let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-9, 0.0, 1e-9);
            for (s, ti) in scores.iter().zip(&t) {
                let p = sigmoid(a * s + b);
                let d = p - ti;
                let w = p * (1.0 - p);
                ga += d * s;
                gb += d;
                haa += w * s * s;
                hab += w * s;
                hbb += w;
            }
            let det = haa * hbb - hab * hab;
            if det.abs() < 1e-12 {
                break;
            }
            let da = (hbb * ga - hab * gb) / det;
            let db = (haa * gb - hab * ga) / det;
            // Backtracking, as in Platt's own algorithm: a full Newton step from overconfident
            // scores can overshoot and diverge, so halve it until the loss does not rise.
            let before = platt_loss(a, b, scores, &t);
            let mut step = 1.0;
            while step > 1e-10 && platt_loss(a - step * da, b - step * db, scores, &t) > before {
                step /= 2.0;
            }
            a -= step * da;
            b -= step * db;
            if step * (da.abs() + db.abs()) < 1e-9 {
                break;
            }
        }
        if a.is_finite() && b.is_finite() {
            Platt { a, b }
        } else {
            Platt { a: 1.0, b: 0.0 }
        }
    }

    pub fn apply(&self, score: f64) -> f64 {
        sigmoid(self.a * score + self.b)
    }

    /// [`Platt::fit`] constrained to be monotone increasing (issue 16): a fitted slope of zero
    /// or below would reverse (or erase) the scorer's ranking, saying that held-out scores rank
    /// backwards; then the calibration is the smoothed base rate alone (slope 0: every season
    /// gets the same probability, which ranks nothing rather than inverting the order), and
    /// `Platt::is_flat` says so.
    pub fn fit_monotone(scores: &[f64], y: &[f64]) -> Platt {
        let p = Platt::fit(scores, y);
        if p.a > 0.0 {
            return p;
        }
        let pos = y.iter().filter(|v| **v > 0.5).count() as f64;
        let rate = (pos + 1.0) / (y.len() as f64 + 2.0);
        Platt {
            a: 0.0,
            b: (rate / (1.0 - rate)).ln(),
        }
    }

    /// Whether the calibration ignores the score (see [`Platt::fit_monotone`]).
    pub fn is_flat(&self) -> bool {
        self.a <= 0.0
    }
}

/// How a candidate did in cross-validation on the training seasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateResult {
    pub model: String,
    pub cv_auc: Option<f64>,
    pub cv_log_loss: f64,
    pub chosen: bool,
}

/// A feature's push on one prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Factor {
    pub feature: String,
    pub description: String,
    /// The season's value (`None` where unknown and imputed).
    pub value: Option<f64>,
    /// The training median it is compared with.
    pub typical: f64,
    /// Probability with this feature at its value minus with it at the median, in points
    /// (0..1 scale). Positive pushes toward renewal.
    pub effect: f64,
    /// `raises` or `lowers`.
    pub direction: String,
}

/// The seed of the final refit on all training rows (the folds use their index).
const FINAL_SEED: u64 = 7;

/// A trained [`Model`] without its fitted scorer, as the store keeps it (see [`Model::state`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelState {
    pub spec: Spec,
    pub platt: Platt,
    pub candidates: Vec<CandidateResult>,
    pub trained_on: usize,
    pub positives: usize,
    pub cv_auc: Option<f64>,
}

/// The chosen, calibrated model.
pub struct Model {
    pub spec: Spec,
    scorer: Scorer,
    pub platt: Platt,
    pub candidates: Vec<CandidateResult>,
    pub trained_on: usize,
    pub positives: usize,
    /// Out-of-fold AUC of the chosen candidate on the training seasons.
    pub cv_auc: Option<f64>,
}

/// Time-ordered validation blocks. Rows are passed in premiere order and cut into this many
/// consecutive blocks; every block from the second on is scored by a model trained on the
/// blocks before it only ("forward chaining"), so validation asks what the backtest and
/// `predict` ask: how well do earlier launches predict later ones, drift included.
const BLOCKS: usize = 6;

/// Folds by position for calibration: rows are in premiere order, so each fold spans the whole
/// period and each fold's model is fitted on 80% of the rows, close to the final refit (whose
/// score scale Platt's fit must match; models fitted on the first blocks alone are smaller).
const FOLDS: usize = 5;

/// Out-of-fold scores of every row, from five interleaved folds.
/// The folds are fitted on every core ([`par_map`]); each is the same fit as in a serial loop.
fn kfold_scores(spec: &Spec, rows: &[Row], y: &[f64]) -> Result<Vec<f64>, OddsError> {
    let mut oof = vec![0.0; rows.len()];
    let folds = par_map(FOLDS, |k| {
        let (mut tr_x, mut tr_y, mut te_i) = (Vec::new(), Vec::new(), Vec::new());
        for (i, (r, v)) in rows.iter().zip(y).enumerate() {
            if i % FOLDS == k {
                te_i.push(i);
            } else {
                tr_x.push(r.clone());
                tr_y.push(*v);
            }
        }
        let s = Scorer::fit(spec, &tr_x, &tr_y, k as u64)?;
        let te_x: Vec<Row> = te_i.iter().map(|&i| rows[i].clone()).collect();
        Ok((te_i, s.score(&te_x)?))
    })?;
    for (te_i, scores) in folds {
        for (i, v) in te_i.iter().zip(scores) {
            oof[*i] = v;
        }
    }
    Ok(oof)
}

/// `f(0..n)` on every core (`std::thread::scope`), in order: the candidates' validations are
/// independent and deterministic, so the results are the serial loop's, bit for bit, whatever
/// the number of cores. Errors are returned in index order, as the serial loop met them.
pub(crate) fn par_map<T: Send>(
    n: usize,
    f: impl Fn(usize) -> Result<T, OddsError> + Sync,
) -> Result<Vec<T>, OddsError> {
    let workers = std::thread::available_parallelism()
        .map(|c| c.get())
        .unwrap_or(1)
        .min(n);
    if workers <= 1 {
        return (0..n).map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut slots: Vec<Option<Result<T, OddsError>>> = (0..n).map(|_| None).collect();
    let done: Vec<Vec<(usize, Result<T, OddsError>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= n {
                            break mine;
                        }
                        mine.push((i, f(i)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    vec![(
                        usize::MAX,
                        Err(OddsError::Model("a training thread panicked".into())),
                    )]
                })
            })
            .collect()
    });
    for (i, r) in done.into_iter().flatten() {
        if i == usize::MAX {
            return Err(match r {
                Err(e) => e,
                Ok(_) => OddsError::Model("a training thread panicked".into()),
            });
        }
        slots[i] = Some(r);
    }
    slots
        .into_iter()
        .map(|s| s.unwrap_or_else(|| Err(OddsError::Model("a training result is missing".into()))))
        .collect()
}

/// A candidate's out-of-time scores and their labels ([`forward_scores`]).
type Forward = (Vec<f64>, Vec<f64>);

/// [`forward_scores`] of every spec, on every core. A blend's forward scores are its parts'
/// (the mean of their raw scores, summed from zero as [`score_model`] sums them, so the same
/// bits) when its parts are candidates too: they are fitted on the same rows with the same
/// seeds, so refitting them inside the blend would repeat the same arithmetic.
fn forward_scores_all(
    specs: &[Spec],
    rows: &[Row],
    y: &[f64],
    kept: &ForwardKept,
) -> Result<(Vec<Forward>, ForwardFresh), OddsError> {
    let reusable = |s: &Spec| {
        s.parts()
            .filter(|(a, b)| specs.contains(a) && specs.contains(b))
    };
    let direct: Vec<usize> = (0..specs.len())
        .filter(|&i| reusable(&specs[i]).is_none())
        .collect();
    let blocks = block_hashes(rows, y);
    let fitted = par_map(direct.len(), |j| {
        let i = direct[j];
        forward_scores_kept(&specs[i], rows, y, (kept, &i.to_string(), &blocks))
    })?;
    let mut out: Vec<Option<Forward>> = vec![None; specs.len()];
    let mut fresh = Vec::new();
    for (i, (r, f)) in direct.iter().zip(fitted) {
        out[*i] = Some(r);
        fresh.extend(f);
    }
    for i in 0..specs.len() {
        if let Some((a, b)) = reusable(&specs[i]) {
            let part = |p: &Spec| {
                specs
                    .iter()
                    .position(|s| s == p)
                    .and_then(|k| out[k].clone())
            };
            let (Some((sa, ya)), Some((sb, _))) = (part(&a), part(&b)) else {
                let (r, f) =
                    forward_scores_kept(&specs[i], rows, y, (kept, &i.to_string(), &blocks))?;
                out[i] = Some(r);
                fresh.extend(f);
                continue;
            };
            let mean = sa
                .iter()
                .zip(&sb)
                .map(|(x, z)| (0.0 + x + z) / 2.0)
                .collect();
            out[i] = Some((mean, ya));
        }
    }
    let out = out
        .into_iter()
        .map(|o| o.ok_or_else(|| OddsError::Model("a candidate was not validated".into())))
        .collect::<Result<_, _>>()?;
    Ok((out, fresh))
}

/// Forward-validation scores an earlier training computed (issue 13), by slot
/// (`<candidate index>/<block>`): each with the SHA-256 of everything its scores are a function
/// of ([`block_hashes`] and the candidate's full spec), so an entry whose hash matches holds
/// those scores, bit for bit. An announcement that moves a label late in the training order (a
/// recent season's) changes only the blocks fitted on rows after it; the earlier blocks' scores
/// are read instead of fitted again, and the model trained is the same. The hash holds
/// `kept::VERSION`, which must change with the fitting code or smartcore's version (both
/// decide the scores; Cargo.lock pins smartcore), as it must for the kept models already.
#[derive(Debug, Clone, Default)]
pub struct ForwardKept {
    pub entries: std::collections::HashMap<String, (String, Vec<f64>)>,
}

/// The blocks' scores a training computed: `(slot, hash, scores)`, for the caller to keep.
pub type ForwardFresh = Vec<(String, String, Vec<f64>)>;

/// Rows `start..end` of block `k` of `n` rows in premiere order (see [`BLOCKS`]).
fn block_bounds(n: usize, k: usize) -> (usize, usize) {
    let block = |i: usize| i * BLOCKS / n.max(1);
    let start = (0..n).find(|&i| block(i) == k).unwrap_or(n);
    let end = (0..n).find(|&i| block(i) > k).unwrap_or(n);
    (start, end)
}

/// Per block `k` (index `k`; block 0 is never scored): a SHA-256 of what its fit and scores
/// read, the features of every row up to the block's end and the labels before its start, with
/// the bounds and the model's version.
fn block_hashes(rows: &[Row], y: &[f64]) -> Vec<String> {
    let n = rows.len();
    (0..BLOCKS)
        .map(|k| {
            let (start, end) = block_bounds(n, k);
            let width = rows.first().map_or(0, Vec::len);
            let mut b: Vec<u8> = Vec::with_capacity(end * (8 + 9 * width) + 8 * start);
            b.extend_from_slice(
                format!("{}\n{k}\n{start}\n{end}\n{width}\n", crate::kept::VERSION).as_bytes(),
            );
            // Every value a tag and eight bytes, every row its length: no two inputs share bytes.
            for r in &rows[..end] {
                b.extend_from_slice(&(r.len() as u64).to_le_bytes());
                for v in r {
                    match v {
                        Some(x) => {
                            b.push(1);
                            b.extend_from_slice(&x.to_bits().to_le_bytes());
                        }
                        None => b.extend_from_slice(&[0; 9]),
                    }
                }
            }
            for v in &y[..start] {
                b.extend_from_slice(&v.to_bits().to_le_bytes());
            }
            greenlight_store::hash::sha256_hex(&b)
        })
        .collect()
}

/// Out-of-time scores and their labels: blocks 2..=BLOCKS, each scored by a model fitted on the
/// earlier blocks (a block whose history has only one outcome is left unscored).
/// With `(kept, slot, block hashes)`: a block whose kept entry matches is read, not fitted;
/// the blocks fitted are returned to keep.
fn forward_scores_kept(
    spec: &Spec,
    rows: &[Row],
    y: &[f64],
    (kept, slot, blocks): (&ForwardKept, &str, &[String]),
) -> Result<(Forward, ForwardFresh), OddsError> {
    let n = rows.len();
    let spec_text = serde_json::to_string(spec).map_err(|e| OddsError::Model(e.to_string()))?;
    let (mut scores, mut labels, mut fresh) = (Vec::new(), Vec::new(), Vec::new());
    for k in 1..BLOCKS {
        let (start, end) = block_bounds(n, k);
        let (tr_y, te_y) = (&y[..start], &y[start..end]);
        let pos = tr_y.iter().filter(|v| **v > 0.5).count();
        if te_y.is_empty() || pos == 0 || pos == tr_y.len() {
            continue;
        }
        let key = format!("{slot}/{k}");
        let hash = greenlight_store::hash::sha256_hex(
            format!("{spec_text}\n{}", blocks.get(k).map_or("", String::as_str)).as_bytes(),
        );
        match kept.entries.get(&key) {
            Some((h, s)) if *h == hash && s.len() == te_y.len() => scores.extend_from_slice(s),
            _ => {
                let s =
                    Scorer::fit(spec, &rows[..start], tr_y, k as u64)?.score(&rows[start..end])?;
                scores.extend_from_slice(&s);
                fresh.push((key, hash, s));
            }
        }
        labels.extend_from_slice(te_y);
    }
    Ok(((scores, labels), fresh))
}

/// Out-of-time scores and their labels: blocks 2..=BLOCKS, each scored by a model fitted on the
/// earlier blocks (a block whose history has only one outcome is left unscored).
#[cfg(test)]
fn forward_scores(spec: &Spec, rows: &[Row], y: &[f64]) -> Result<(Vec<f64>, Vec<f64>), OddsError> {
    let blocks = block_hashes(rows, y);
    Ok(forward_scores_kept(spec, rows, y, (&ForwardKept::default(), "", &blocks))?.0)
}

impl Model {
    /// Validates every candidate forward in time on `rows` (in premiere order; see
    /// [`BLOCKS`]), keeps the one with the lowest out-of-time log-loss after calibration,
    /// refits it on all rows and calibrates it on five-fold out-of-fold scores (see [`FOLDS`]).
    pub fn train(rows: &[Row], y: &[f64], specs: &[Spec]) -> Result<Model, OddsError> {
        Ok(Model::train_kept(rows, y, specs, &ForwardKept::default())?.0)
    }

    /// [`Model::train`], reading the forward-validation scores `kept` holds for these rows
    /// instead of fitting them again (the same model, bit for bit), and returning the blocks'
    /// scores it fitted, to keep for the next training.
    pub fn train_kept(
        rows: &[Row],
        y: &[f64],
        specs: &[Spec],
        kept: &ForwardKept,
    ) -> Result<(Model, ForwardFresh), OddsError> {
        let (m, _, fresh) = Model::train_inner(rows, y, specs, false, kept)?;
        Ok((m, fresh))
    }

    /// Like [`Model::train`], and with `refit_all` also returns every other candidate refitted
    /// and calibrated the same way (for the backtest's record of each candidate), at the cost
    /// of one more fit per candidate.
    pub fn train_all(
        rows: &[Row],
        y: &[f64],
        specs: &[Spec],
        refit_all: bool,
    ) -> Result<(Model, Vec<Model>), OddsError> {
        let (m, all, _) = Model::train_inner(rows, y, specs, refit_all, &ForwardKept::default())?;
        Ok((m, all))
    }

    fn train_inner(
        rows: &[Row],
        y: &[f64],
        specs: &[Spec],
        refit_all: bool,
        kept: &ForwardKept,
    ) -> Result<(Model, Vec<Model>, ForwardFresh), OddsError> {
        let positives = y.iter().filter(|v| **v > 0.5).count();
        if rows.len() < 4 * BLOCKS || positives < BLOCKS || rows.len() - positives < BLOCKS {
            return Err(OddsError::InsufficientTraining(format!(
                "{} labelled seasons ({} renewed) are too few to train on",
                rows.len(),
                positives
            )));
        }
        let mut results = Vec::new();
        let mut aucs = Vec::new();
        let (forward, fresh) = forward_scores_all(specs, rows, y, kept)?;
        for (spec, (oof, oof_y)) in specs.iter().zip(forward) {
            let oof_pos = oof_y.iter().filter(|v| **v > 0.5).count();
            if oof_pos == 0 || oof_pos == oof_y.len() {
                return Err(OddsError::InsufficientTraining(format!(
                    "{} labelled seasons ({} renewed) leave no out-of-time validation with both outcomes",
                    rows.len(),
                    positives
                )));
            }
            // Selection: log-loss of the out-of-time scores, Platt-scaled on themselves.
            let fwd_platt = Platt::fit_monotone(&oof, &oof_y);
            let probs: Vec<f64> = oof.iter().map(|s| fwd_platt.apply(*s)).collect();
            let ll = eval::log_loss(&probs, &oof_y);
            let auc = eval::auc(&oof, &oof_y);
            results.push(CandidateResult {
                model: spec.name(),
                cv_auc: auc,
                cv_log_loss: ll,
                chosen: false,
            });
            aucs.push(auc);
        }
        let best = (0..results.len())
            .min_by(|&a, &b| results[a].cv_log_loss.total_cmp(&results[b].cv_log_loss))
            .ok_or_else(|| OddsError::Model("no candidate models".into()))?;
        results[best].chosen = true;
        // Calibration: Platt on five-fold out-of-fold scores of all rows.
        let build = |i: usize| -> Result<Model, OddsError> {
            Ok(Model {
                spec: specs[i],
                scorer: Scorer::fit(&specs[i], rows, y, FINAL_SEED)?,
                platt: Platt::fit_monotone(&kfold_scores(&specs[i], rows, y)?, y),
                candidates: results.clone(),
                trained_on: rows.len(),
                positives,
                cv_auc: aucs[i],
            })
        };
        let chosen = build(best)?;
        let mut all = Vec::new();
        if refit_all {
            for i in 0..specs.len() {
                all.push(build(i)?);
            }
        }
        Ok((chosen, all, fresh))
    }

    /// What training chose and fitted, but the final scorer: the candidate, its calibration and
    /// the cross-validation record. With the same rows, [`Model::from_state`] rebuilds the same
    /// model from it in one fit instead of training's 36.
    pub fn state(&self) -> ModelState {
        ModelState {
            spec: self.spec,
            platt: self.platt,
            candidates: self.candidates.clone(),
            trained_on: self.trained_on,
            positives: self.positives,
            cv_auc: self.cv_auc,
        }
    }

    /// The model [`Model::train`] chose, from its [`ModelState`] and the rows it was trained on:
    /// the final scorer is refitted exactly as training fits it (same spec, rows and seed), so
    /// its predictions are the trained model's, bit for bit. Refused when the rows are not the
    /// ones the state was trained on (their count or positives differ).
    pub fn from_state(state: &ModelState, rows: &[Row], y: &[f64]) -> Result<Model, OddsError> {
        let positives = y.iter().filter(|v| **v > 0.5).count();
        if rows.len() != state.trained_on || positives != state.positives {
            return Err(OddsError::Model(format!(
                "the kept model was trained on {} seasons ({} renewed), not these {} ({positives})",
                state.trained_on,
                state.positives,
                rows.len()
            )));
        }
        Ok(Model {
            spec: state.spec,
            scorer: Scorer::fit(&state.spec, rows, y, FINAL_SEED)?,
            platt: state.platt,
            candidates: state.candidates.clone(),
            trained_on: state.trained_on,
            positives: state.positives,
            cv_auc: state.cv_auc,
        })
    }

    /// The scorer's raw scores, before calibration (calibration is monotone increasing in them).
    pub fn raw_scores(&self, rows: &[Row]) -> Result<Vec<f64>, OddsError> {
        self.scorer.score(rows)
    }

    /// Calibrated probabilities of renewal.
    pub fn predict(&self, rows: &[Row]) -> Result<Vec<f64>, OddsError> {
        Ok(self
            .scorer
            .score(rows)?
            .into_iter()
            .map(|s| self.platt.apply(s))
            .collect())
    }

    /// The training medians features are imputed with.
    pub fn medians(&self) -> &[f64] {
        &self.scorer.prep.medians
    }

    /// Rows exactly as the model sees them (missing values imputed), for the export.
    pub fn filled(&self, rows: &[Row]) -> Vec<Vec<f64>> {
        rows.iter().map(|r| self.scorer.prep.fill(r)).collect()
    }

    /// The features that moved one prediction most: each feature in turn is set to its training
    /// median and the change in probability is its effect (an occlusion attribution, which
    /// works the same for trees and for the linear model). Paired features (a value and its
    /// `_known` flag) move together.
    pub fn factors(&self, row: &Row, top: usize) -> Result<Vec<Factor>, OddsError> {
        let base = self.scorer.prep.fill(row);
        let med = &self.scorer.prep.medians;
        let groups = feature_groups();
        let mut variants = vec![base.clone()];
        for g in &groups {
            let mut v = base.clone();
            for &j in g {
                v[j] = med[j];
            }
            variants.push(v);
        }
        let scores = self.scorer.score_filled(&variants)?;
        let p0 = self.platt.apply(scores[0]);
        let mut out: Vec<Factor> = groups
            .iter()
            .zip(&scores[1..])
            .map(|(g, s)| {
                let j = g[0];
                let effect = p0 - self.platt.apply(*s);
                Factor {
                    feature: features::NAMES[j].to_string(),
                    description: features::describe(features::NAMES[j]).to_string(),
                    value: row[j],
                    typical: med[j],
                    effect,
                    direction: if effect >= 0.0 { "raises" } else { "lowers" }.to_string(),
                }
            })
            .filter(|f| f.effect.abs() > 1e-9)
            .collect();
        out.sort_by(|a, b| {
            b.effect
                .abs()
                .total_cmp(&a.effect.abs())
                .then(a.feature.cmp(&b.feature))
        });
        out.truncate(top);
        Ok(out)
    }
}

/// Feature indices that are attributed together.
fn feature_groups() -> Vec<Vec<usize>> {
    let idx = |n: &str| features::NAMES.iter().position(|x| *x == n);
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let paired = [
        ("log_runtime_hours", "runtime_known"),
        ("prev_season_log_ratio_28d", "prev_season_known"),
    ];
    // The previous season's weeks move with its ratio and flag: one factor, "the previous season".
    let prev_weeks = idx("prev_season_weeks_91d");
    let mut taken = vec![false; features::NAMES.len()];
    for (a, b) in paired {
        if let (Some(i), Some(j)) = (idx(a), idx(b)) {
            groups.push(vec![i, j]);
            taken[i] = true;
            taken[j] = true;
        }
    }
    if let (Some(w), Some(g)) = (
        prev_weeks,
        groups
            .iter_mut()
            .find(|g| idx("prev_season_known") == Some(g[1])),
    ) {
        g.push(w);
        taken[w] = true;
    }
    for (j, t) in taken.iter().enumerate() {
        if !t {
            groups.push(vec![j]);
        }
    }
    groups.sort_by_key(|g| g[0]);
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A noisy but learnable problem: renewal more likely with more hours (feature 1) and a
    /// threshold effect on weeks (feature 3).
    fn synthetic(n: usize) -> (Vec<Row>, Vec<f64>) {
        let mut rng = Lcg(42);
        let mut rows = Vec::new();
        let mut y = Vec::new();
        for _ in 0..n {
            let mut r: Row = (0..features::NAMES.len())
                .map(|_| Some(rng.unit()))
                .collect();
            r[3] = Some((rng.unit() * 10.0).floor());
            if rng.unit() < 0.1 {
                r[10] = None;
            }
            let z = 3.0 * (r[1].unwrap_or(0.0) - 0.5)
                + if r[3].unwrap_or(0.0) >= 4.0 {
                    1.5
                } else {
                    -1.0
                };
            y.push(if rng.unit() < sigmoid(z) { 1.0 } else { 0.0 });
            rows.push(r);
        }
        (rows, y)
    }

    #[test]
    fn every_candidate_learns_a_learnable_problem() {
        let (rows, y) = synthetic(240);
        let (test, ty) = synthetic(200);
        for spec in candidates() {
            let m = Model::train(&rows, &y, &[spec]).unwrap();
            let p = m.predict(&test).unwrap();
            let auc = eval::auc(&p, &ty).unwrap();
            assert!(auc > 0.75, "{}: auc {auc}", spec.name());
            assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
            // Calibrated: the mean prediction tracks the base rate.
            let mean = p.iter().sum::<f64>() / p.len() as f64;
            let rate = ty.iter().sum::<f64>() / ty.len() as f64;
            assert!(
                (mean - rate).abs() < 0.1,
                "{}: mean {mean} vs rate {rate}",
                spec.name()
            );
        }
    }

    #[test]
    fn factors_name_the_features_that_matter() {
        let (rows, y) = synthetic(300);
        let stumps = candidates()
            .into_iter()
            .filter(|s| matches!(s, Spec::GradientBoosting { depth: 1, .. }))
            .collect::<Vec<_>>();
        let m = Model::train(&rows, &y, &stumps).unwrap();
        let mut r = rows[0].clone();
        r[1] = Some(0.99);
        r[3] = Some(9.0);
        let f = m.factors(&r, 3).unwrap();
        assert!(!f.is_empty());
        let names: Vec<&str> = f.iter().map(|f| f.feature.as_str()).collect();
        assert!(
            names.contains(&"log_hours_28d") || names.contains(&"weeks_top10_91d"),
            "{names:?}"
        );
        assert!(f[0].effect > 0.0);
    }

    #[test]
    fn training_refuses_one_class_or_tiny_sets() {
        let (rows, _) = synthetic(50);
        assert!(Model::train(&rows, &vec![1.0; 50], &candidates()).is_err());
        assert!(Model::train(&rows[..5], &[1.0, 0.0, 1.0, 0.0, 1.0], &candidates()).is_err());
    }

    #[test]
    fn platt_recovers_a_known_scaling() {
        let mut rng = Lcg(1);
        let scores: Vec<f64> = (0..4000).map(|_| rng.unit() * 8.0 - 4.0).collect();
        let y: Vec<f64> = scores
            .iter()
            .map(|s| {
                if rng.unit() < sigmoid(0.5 * s - 0.3) {
                    1.0
                } else {
                    0.0
                }
            })
            .collect();
        let p = Platt::fit(&scores, &y);
        assert!((p.a - 0.5).abs() < 0.1 && (p.b + 0.3).abs() < 0.15, "{p:?}");
    }

    #[test]
    fn platt_does_not_diverge_on_overconfident_scores() {
        // Scores far too large for their accuracy (70% right at |score| 8): an undamped Newton
        // step from a = 1 overshoots; the fit must shrink a, keep its sign and stay finite.
        let mut rng = Lcg(3);
        let (mut scores, mut y) = (Vec::new(), Vec::new());
        for _ in 0..300 {
            let pos = rng.unit() < 0.5;
            let right = rng.unit() < 0.7;
            scores.push(if pos == right { 8.0 } else { -8.0 } + rng.unit());
            y.push(if pos { 1.0 } else { 0.0 });
        }
        let p = Platt::fit(&scores, &y);
        assert!(p.a > 0.0 && p.a < 0.5 && p.b.abs() < 1.0, "{p:?}");
    }

    #[test]
    fn forward_validation_scores_every_block_after_the_first() {
        let (rows, y) = synthetic(120);
        let (s, l) = forward_scores(&STUMPS, &rows, &y).unwrap();
        assert_eq!(s.len(), 120 - 120 / BLOCKS);
        assert_eq!(l, y[120 / BLOCKS..].to_vec());
    }

    /// The kept forward scores give the model training gives without them, bit for bit; a label
    /// changed in the last block leaves every forward fit to the kept scores (only blocks fitted
    /// on rows after the change are fitted again), and one changed in the first block none.
    #[test]
    fn kept_forward_scores_give_the_same_model_and_spare_the_unchanged_blocks() {
        let (rows, mut y) = synthetic(240);
        let specs = candidates();
        let probe = &rows[..60];
        let (first, fresh) = Model::train_kept(&rows, &y, &specs, &ForwardKept::default()).unwrap();
        // 5 fitted candidates (the blend reuses its parts) x 5 scored blocks.
        assert_eq!(fresh.len(), 25);
        let keep = |fresh: &ForwardFresh| ForwardKept {
            entries: fresh
                .iter()
                .map(|(k, h, s)| (k.clone(), (h.clone(), s.clone())))
                .collect(),
        };
        let bits = |m: &Model| -> Vec<u64> {
            m.predict(probe)
                .unwrap()
                .iter()
                .map(|p| p.to_bits())
                .collect()
        };
        let (again, none) = Model::train_kept(&rows, &y, &specs, &keep(&fresh)).unwrap();
        assert!(none.is_empty(), "{} blocks fitted again", none.len());
        assert_eq!(bits(&again), bits(&first));
        assert_eq!(again.state(), first.state());
        // A label in the last block (row 230 of 240): no forward fit reads it.
        let mut kept = keep(&fresh);
        y[230] = 1.0 - y[230];
        let (late, refit) = Model::train_kept(&rows, &y, &specs, &kept).unwrap();
        let (cold, _) = Model::train_kept(&rows, &y, &specs, &ForwardKept::default()).unwrap();
        assert!(refit.is_empty(), "{} blocks fitted again", refit.len());
        assert_eq!(bits(&late), bits(&cold));
        assert_eq!(late.state(), cold.state());
        // A label in the first block: every block's fit reads it.
        y[3] = 1.0 - y[3];
        kept.entries.extend(keep(&refit).entries);
        let (early, all) = Model::train_kept(&rows, &y, &specs, &kept).unwrap();
        let (cold, _) = Model::train_kept(&rows, &y, &specs, &ForwardKept::default()).unwrap();
        assert_eq!(all.len(), 25);
        assert_eq!(bits(&early), bits(&cold));
    }

    #[test]
    fn imputation_uses_training_medians() {
        let rows: Vec<Row> = vec![
            vec![Some(1.0), None],
            vec![Some(3.0), Some(2.0)],
            vec![Some(2.0), Some(4.0)],
        ];
        let p = Prep::fit(&rows);
        assert_eq!(p.medians, vec![2.0, 4.0]);
        assert_eq!(p.fill(&vec![None, Some(f64::NAN)]), vec![2.0, 4.0]);
    }
}
