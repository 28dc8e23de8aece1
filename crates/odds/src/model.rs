//! The renewal model: candidates, selection, calibration and per-prediction factors.
//!
//! Candidates are smartcore's L2-regularised logistic regression and gradient-boosted trees.
//! smartcore has no boosted *classifier* (its XGBoost is a squared-error regressor and its
//! random forest gives no probabilities), so the boosting loop is written here on top of
//! smartcore's weighted regression trees: each round fits a tree to the Newton working
//! response `(y - p) / p(1 - p)` with weights `p(1 - p)` (LogitBoost), whose weighted-mean
//! leaves are exactly the Newton step of the log-loss. The candidate with the lowest
//! cross-validated log-loss on the training seasons wins; its raw scores are then calibrated
//! with Platt scaling fitted on the out-of-fold scores, so the probabilities it reports are
//! frequencies, not just rankings.

use crate::eval;
use crate::features::{self, Row};
use crate::OddsError;
use serde::Serialize;
use smartcore::linalg::basic::arrays::Array;
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::logistic_regression::{LogisticRegression, LogisticRegressionParameters};
use smartcore::tree::decision_tree_regressor::{
    DecisionTreeRegressor, DecisionTreeRegressorParameters,
};

type Tree = DecisionTreeRegressor<f64, f64, DenseMatrix<f64>, Vec<f64>>;

/// A candidate model and its hyper-parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
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
        }
    }
}

/// The candidates tried, small on purpose: a few hundred labelled seasons cannot choose among
/// many configurations without the choice itself overfitting.
pub fn candidates() -> Vec<Spec> {
    vec![
        Spec::Logistic { alpha: 10.0 },
        Spec::GradientBoosting {
            trees: 100,
            depth: 1,
            learning_rate: 0.075,
            min_leaf: 10,
            subsample: 0.8,
        },
        Spec::GradientBoosting {
            trees: 100,
            depth: 2,
            learning_rate: 0.05,
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
        let fitted = match *spec {
            Spec::Logistic { alpha } => {
                let xs: Vec<Vec<f64>> = x.iter().map(|r| standardise(r, &prep)).collect();
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
                let mx = matrix(&x)?;
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
                    // smartcore counts the root as level 1: a tree of depth d has d + 1 levels.
                    let params = DecisionTreeRegressorParameters::default()
                        .with_max_depth(depth.saturating_add(1))
                        .with_min_samples_leaf(min_leaf as usize);
                    let tree = Tree::fit_with_weights(&mx, &z, &w, params)
                        .map_err(|e| OddsError::Model(e.to_string()))?;
                    let step = tree
                        .predict(&mx)
                        .map_err(|e| OddsError::Model(e.to_string()))?;
                    for (fi, s) in f.iter_mut().zip(step) {
                        *fi += learning_rate * s;
                    }
                    out.push(tree);
                }
                Fitted::Boosted {
                    base,
                    learning_rate,
                    trees: out,
                }
            }
        };
        Ok(Scorer { prep, fitted })
    }

    /// Raw scores of filled (imputed) rows.
    fn score_filled(&self, x: &[Vec<f64>]) -> Result<Vec<f64>, OddsError> {
        if x.is_empty() {
            return Ok(Vec::new());
        }
        match &self.fitted {
            Fitted::Linear { weights, intercept } => Ok(x
                .iter()
                .map(|r| {
                    standardise(r, &self.prep)
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
                let mx = matrix(x)?;
                let mut f = vec![*base; x.len()];
                for t in trees {
                    let step = t
                        .predict(&mx)
                        .map_err(|e| OddsError::Model(e.to_string()))?;
                    for (fi, s) in f.iter_mut().zip(step) {
                        *fi += learning_rate * s;
                    }
                }
                Ok(f)
            }
        }
    }

    fn score(&self, rows: &[Row]) -> Result<Vec<f64>, OddsError> {
        let x: Vec<Vec<f64>> = rows.iter().map(|r| self.prep.fill(r)).collect();
        self.score_filled(&x)
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

/// Platt scaling: p = sigmoid(a * score + b), fitted by Newton's method on held-out scores.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
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
            a -= da;
            b -= db;
            if da.abs() + db.abs() < 1e-9 {
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
}

/// How a candidate did in cross-validation on the training seasons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateResult {
    pub model: String,
    pub cv_auc: Option<f64>,
    pub cv_log_loss: f64,
    pub chosen: bool,
}

/// A feature's push on one prediction.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// Folds by position: rows are passed in premiere order, so each fold spans the whole period.
const FOLDS: usize = 5;

fn cross_validate(spec: &Spec, rows: &[Row], y: &[f64]) -> Result<Vec<f64>, OddsError> {
    let mut oof = vec![0.0; rows.len()];
    for k in 0..FOLDS {
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
        for (i, v) in te_i.iter().zip(s.score(&te_x)?) {
            oof[*i] = v;
        }
    }
    Ok(oof)
}

impl Model {
    /// Trains every candidate with 5-fold cross-validation on `rows` (in premiere order),
    /// keeps the one with the lowest out-of-fold log-loss after calibration, calibrates it on
    /// its out-of-fold scores and refits it on all rows.
    pub fn train(rows: &[Row], y: &[f64], specs: &[Spec]) -> Result<Model, OddsError> {
        Ok(Model::train_all(rows, y, specs, false)?.0)
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
        let positives = y.iter().filter(|v| **v > 0.5).count();
        if rows.len() < 4 * FOLDS || positives < FOLDS || rows.len() - positives < FOLDS {
            return Err(OddsError::InsufficientTraining(format!(
                "{} labelled seasons ({} renewed) are too few to train on",
                rows.len(),
                positives
            )));
        }
        let mut results = Vec::new();
        let mut calib = Vec::new();
        for spec in specs {
            let oof = cross_validate(spec, rows, y)?;
            let platt = Platt::fit(&oof, y);
            let probs: Vec<f64> = oof.iter().map(|s| platt.apply(*s)).collect();
            let ll = eval::log_loss(&probs, y);
            let auc = eval::auc(&oof, y);
            results.push(CandidateResult {
                model: spec.name(),
                cv_auc: auc,
                cv_log_loss: ll,
                chosen: false,
            });
            calib.push((platt, auc));
        }
        let best = (0..results.len())
            .min_by(|&a, &b| results[a].cv_log_loss.total_cmp(&results[b].cv_log_loss))
            .ok_or_else(|| OddsError::Model("no candidate models".into()))?;
        results[best].chosen = true;
        let build = |i: usize| -> Result<Model, OddsError> {
            Ok(Model {
                spec: specs[i],
                scorer: Scorer::fit(&specs[i], rows, y, 7)?,
                platt: calib[i].0,
                candidates: results.clone(),
                trained_on: rows.len(),
                positives,
                cv_auc: calib[i].1,
            })
        };
        let chosen = build(best)?;
        let mut all = Vec::new();
        if refit_all {
            for i in 0..specs.len() {
                all.push(build(i)?);
            }
        }
        Ok((chosen, all))
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
