//! The forward-chaining backtest (issue 5 item 5, issue 16 item 3) and the training set it
//! shares with `predict`.
//!
//! Every trainable season premiered in a quarter whose training cut-off has a model (at least
//! `frozen::MIN_TRAINING` decided seasons) is predicted by exactly the model `predict` would
//! use for it: the one frozen for the first day of its premiere quarter, trained on the seasons
//! decided by then. The quarters chain forward: each adds the seasons decided meanwhile to the
//! training set. The pooled predictions are scored (AUC, Brier, calibration) with bootstrap
//! intervals, beside three baselines fitted on the same training sets, with paired intervals
//! of the differences.

use crate::catalog::Catalog;
use crate::dates;
use crate::eval::{self, CalibrationBin, Interval};
use crate::features::{self, Row, FEATURE_WINDOW_DAYS};
use crate::frozen::{self, Models};
use crate::labels::{LabelCounts, LabelledSeason, Outcome};
use crate::model::{self, Model};
use crate::OddsError;
use chrono::NaiveDate;
use serde::Serialize;
use std::path::Path;

/// A labelled season with its features as of its decision date.
#[derive(Debug, Clone)]
pub struct Example {
    pub label: LabelledSeason,
    pub premiere: NaiveDate,
    /// When its 91-day window had been published: the features are computed as of this date.
    pub decided_on: NaiveDate,
    pub row: Row,
    pub y: f64,
}

/// Every trainable, decided season as an example, in premiere order.
pub fn examples(cat: &Catalog, labels: &[LabelledSeason]) -> Vec<Example> {
    let mut out = Vec::new();
    for l in labels
        .iter()
        .filter(|l| l.trainable && l.outcome != Outcome::Undecided)
    {
        let (Some(premiere), Some(season)) = (l.premiere, cat.season(l.season_id)) else {
            continue;
        };
        let decided_on = dates::window_complete_on(premiere, FEATURE_WINDOW_DAYS);
        if let Some((row, _)) = features::features(cat, season, decided_on) {
            let y = if l.outcome == Outcome::Renewed {
                1.0
            } else {
                0.0
            };
            out.push(Example {
                label: l.clone(),
                premiere,
                decided_on,
                row,
                y,
            });
        }
    }
    out.sort_by(|a, b| {
        a.premiere
            .cmp(&b.premiere)
            .then(a.label.slug.cmp(&b.label.slug))
            .then(a.label.season.cmp(&b.label.season))
    });
    out
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    pub name: String,
    pub auc: Option<f64>,
    pub brier: f64,
    pub log_loss: f64,
}

impl Scores {
    fn of(name: &str, p: &[f64], y: &[f64]) -> Scores {
        Scores {
            name: name.to_string(),
            auc: eval::auc(p, y),
            brier: eval::brier(p, y),
            log_loss: eval::log_loss(p, y),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateScores {
    pub model: String,
    pub cv_auc: Option<f64>,
    pub cv_log_loss: f64,
    /// Chosen by cross-validation on the training seasons (never by the test scores).
    pub chosen: bool,
    pub test_auc: Option<f64>,
    pub test_brier: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SplitInfo {
    pub rule: String,
    pub cutoff: NaiveDate,
    pub train: u32,
    pub train_renewed: u32,
    pub test: u32,
    pub test_renewed: u32,
    /// Training seasons whose 91-day window ran past the cutoff: their features use chart
    /// weeks up to 98 days after it (their own launch, never a test season's outcome).
    pub train_windows_past_cutoff: u32,
    pub train_premieres: Option<DateRange>,
    pub test_premieres: Option<DateRange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DateRange {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Miss {
    pub series: String,
    pub season: u32,
    pub premiere: NaiveDate,
    pub probability: f64,
    pub outcome: Outcome,
    pub evidence: String,
}

/// One training cut-off of the forward chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fold {
    pub cutoff: NaiveDate,
    /// Seasons decided by the cut-off (the model's training rows).
    pub train: u32,
    pub train_renewed: u32,
    /// Trainable seasons premiered in the cut-off's quarter, predicted by its model.
    pub test: u32,
    pub test_renewed: u32,
    /// The candidate forward validation chose for this cut-off.
    pub chosen: String,
    pub auc: Option<f64>,
    pub brier: f64,
}

/// A cut-off whose quarter has trainable seasons but too few decided seasons to train on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Abstained {
    pub cutoff: NaiveDate,
    pub seasons: u32,
    pub reason: String,
}

/// The model against another predictor on the same seasons, resampled together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Paired {
    pub against: String,
    /// AUC(model) − AUC(other): positive when the model ranks better.
    pub auc_difference: Option<Interval>,
    /// Brier(other) − Brier(model): positive when the model is better.
    pub brier_gain: Option<Interval>,
}

/// The pooled scores' 95% bootstrap intervals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Intervals {
    pub resamples: u32,
    pub seed: u64,
    pub auc: Option<Interval>,
    pub brier: Option<Interval>,
    pub baselines: Vec<BaselineInterval>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaselineInterval {
    pub name: String,
    pub auc: Option<Interval>,
    pub brier: Option<Interval>,
}

/// One season's out-of-time prediction, for audit (`backtest --export-predictions`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeasonPrediction {
    pub slug: String,
    pub series: String,
    pub season: u32,
    pub premiere: NaiveDate,
    pub cutoff: NaiveDate,
    pub outcome: Outcome,
    pub label_source: crate::labels::LabelSource,
    pub rule: crate::labels::Rule,
    pub model: String,
    pub probability: f64,
    /// The baselines' probabilities, in `BacktestReport::baselines` order.
    pub baselines: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestReport {
    pub split: SplitInfo,
    pub labels: LabelCounts,
    pub features: Vec<String>,
    /// Pooled over every fold of the forward chain.
    pub model: Scores,
    pub baselines: Vec<Scores>,
    pub candidates: Vec<CandidateScores>,
    pub calibration: Vec<CalibrationBin>,
    /// Expected calibration error of the model on the test seasons.
    pub ece: f64,
    pub target_auc: f64,
    pub meets_target_auc: bool,
    /// Better pooled AUC and Brier than every baseline.
    pub beats_baselines: bool,
    /// The forward chain, one fold per training cut-off.
    pub forward: Vec<Fold>,
    /// Quarters whose cut-off abstained (too few decided seasons).
    pub abstained: Vec<Abstained>,
    pub intervals: Intervals,
    /// The model against each baseline, paired.
    pub paired: Vec<Paired>,
    /// Calibrated probabilities never decrease as the raw score rises, in every fold.
    pub calibration_monotone: bool,
    /// The test seasons the model was most confidently wrong about.
    pub worst_misses: Vec<Miss>,
    /// Where features, labels and the folds were written for the scikit-learn peer.
    pub exported_to: Option<String>,
    /// Where the per-season predictions were written.
    pub predictions_exported_to: Option<String>,
    /// The time-to-decision forecast's point-in-time backtest (`when`).
    pub when: crate::when::WhenBacktest,
    #[serde(skip)]
    pub predictions: Vec<SeasonPrediction>,
}

/// Runs the forward-chaining backtest on trainable labelled seasons with the cut-off models of
/// `models` (built on `labels`' examples); writes the peer's CSV to `export` and the per-season
/// predictions to `predictions` if given.
pub fn run(
    cat: &Catalog,
    labels: &[LabelledSeason],
    counts: LabelCounts,
    export: Option<&Path>,
    models: &mut Models,
) -> Result<BacktestReport, OddsError> {
    run_exporting(cat, labels, counts, export, None, models)
}

pub fn run_exporting(
    cat: &Catalog,
    labels: &[LabelledSeason],
    counts: LabelCounts,
    export: Option<&Path>,
    predictions_path: Option<&Path>,
    models: &mut Models,
) -> Result<BacktestReport, OddsError> {
    let all: Vec<Example> = models.examples().to_vec();
    let by_cut = by_cutoff(&all);
    models.prepare(by_cut.keys().copied());
    let specs = model::candidates();
    let mut folds = Vec::new();
    let mut abstained = Vec::new();
    let (mut p, mut ys, mut base_p): (Vec<f64>, Vec<f64>, Vec<Vec<f64>>) =
        (Vec::new(), Vec::new(), vec![Vec::new(); 3]);
    let mut cand_p: Vec<Vec<f64>> = vec![Vec::new(); specs.len()];
    let mut cand_cv: Vec<Vec<(Option<f64>, f64, bool)>> = vec![Vec::new(); specs.len()];
    let mut tested: Vec<usize> = Vec::new();
    let mut preds = Vec::new();
    let mut monotone = true;
    let mut first_train: Option<(u32, u32, u32)> = None;
    for (cut, idx) in &by_cut {
        let te: Vec<&Example> = idx.iter().map(|&i| &all[i]).collect();
        let te_x: Vec<Row> = te.iter().map(|e| e.row.clone()).collect();
        let te_y: Vec<f64> = te.iter().map(|e| e.y).collect();
        let train: Vec<Example> = models.training(*cut).into_iter().cloned().collect();
        let (m, _) = match models.get(*cut) {
            Ok(m) => m,
            Err(OddsError::InsufficientTraining(reason)) => {
                abstained.push(Abstained {
                    cutoff: *cut,
                    seasons: te.len() as u32,
                    reason,
                });
                continue;
            }
            Err(e) => return Err(e),
        };
        let fp = m.predict(&te_x)?;
        let raw = m.raw_scores(&te_x)?;
        monotone &= is_monotone(&raw, &fp);
        let chosen = m.spec.name();
        let tr_x: Vec<Row> = train.iter().map(|e| e.row.clone()).collect();
        let tr_y: Vec<f64> = train.iter().map(|e| e.y).collect();
        let past = train.iter().filter(|e| e.decided_on >= *cut).count() as u32;
        first_train.get_or_insert((
            tr_y.len() as u32,
            tr_y.iter().filter(|v| **v > 0.5).count() as u32,
            past,
        ));
        let b = baselines(&tr_x, &tr_y, &te_x, &te_y)?;
        for (k, (_, bp)) in b.iter().enumerate() {
            base_p[k].extend(bp);
        }
        // Every candidate, refitted and calibrated on the same rows, for the record (the
        // choice was made by forward validation on the training rows before this).
        let (_, all_models) = Model::train_all(&tr_x, &tr_y, &specs, true)?;
        for (k, cm) in all_models.iter().enumerate() {
            cand_p[k].extend(cm.predict(&te_x)?);
            let r = &cm.candidates[k];
            cand_cv[k].push((r.cv_auc, r.cv_log_loss, r.chosen));
        }
        for (j, e) in te.iter().enumerate() {
            preds.push(SeasonPrediction {
                slug: e.label.slug.clone(),
                series: e.label.series.clone(),
                season: e.label.season,
                premiere: e.premiere,
                cutoff: *cut,
                outcome: e.label.outcome,
                label_source: e.label.source,
                rule: e.label.rule,
                model: chosen.clone(),
                probability: fp[j],
                baselines: b.iter().map(|(_, bp)| bp[j]).collect(),
            });
        }
        folds.push(Fold {
            cutoff: *cut,
            train: tr_y.len() as u32,
            train_renewed: tr_y.iter().filter(|v| **v > 0.5).count() as u32,
            test: te.len() as u32,
            test_renewed: te_y.iter().filter(|v| **v > 0.5).count() as u32,
            chosen,
            auc: eval::auc(&fp, &te_y),
            brier: eval::brier(&fp, &te_y),
        });
        p.extend(fp);
        ys.extend(te_y);
        tested.extend(idx.iter().copied());
    }
    if ys.is_empty() {
        return Err(OddsError::InsufficientTraining(format!(
            "no training cut-off has {} decided seasons",
            frozen::MIN_TRAINING
        )));
    }
    let names = [
        "always_majority",
        "three_weeks_in_top10",
        "logistic_hours_28d",
    ];
    let baselines: Vec<Scores> = names
        .iter()
        .zip(&base_p)
        .map(|(n, bp)| Scores::of(n, bp, &ys))
        .collect();
    let scores = Scores::of(MODEL_SCORES, &p, &ys);
    let beats = baselines
        .iter()
        .all(|b| scores.brier < b.brier && scores.auc.unwrap_or(0.0) > b.auc.unwrap_or(0.5));
    let calibration = eval::calibration(&p, &ys, 10);
    let candidates = specs
        .iter()
        .enumerate()
        .map(|(k, spec)| {
            let n = cand_cv[k].len().max(1) as f64;
            let cv_auc: Vec<f64> = cand_cv[k].iter().filter_map(|c| c.0).collect();
            CandidateScores {
                model: spec.name(),
                cv_auc: (!cv_auc.is_empty())
                    .then(|| cv_auc.iter().sum::<f64>() / cv_auc.len() as f64),
                cv_log_loss: cand_cv[k].iter().map(|c| c.1).sum::<f64>() / n,
                chosen: folds.iter().any(|f| f.chosen == spec.name()),
                test_auc: eval::auc(&cand_p[k], &ys),
                test_brier: eval::brier(&cand_p[k], &ys),
            }
        })
        .collect();
    let intervals = Intervals {
        resamples: eval::BOOTSTRAP_RESAMPLES as u32,
        seed: eval::BOOTSTRAP_SEED,
        auc: eval::auc_interval(&p, &ys),
        brier: eval::brier_interval(&p, &ys),
        baselines: names
            .iter()
            .zip(&base_p)
            .map(|(n, bp)| BaselineInterval {
                name: n.to_string(),
                auc: eval::auc_interval(bp, &ys),
                brier: eval::brier_interval(bp, &ys),
            })
            .collect(),
    };
    let paired = names
        .iter()
        .zip(&base_p)
        .map(|(n, bp)| Paired {
            against: n.to_string(),
            auc_difference: eval::auc_diff_interval(&p, bp, &ys),
            brier_gain: eval::brier_gain_interval(&p, bp, &ys),
        })
        .collect();

    let test: Vec<&Example> = tested.iter().map(|&i| &all[i]).collect();
    let mut misses: Vec<Miss> = test
        .iter()
        .zip(&p)
        .map(|(e, p)| Miss {
            series: e.label.series.clone(),
            season: e.label.season,
            premiere: e.premiere,
            probability: *p,
            outcome: e.label.outcome,
            evidence: e.label.evidence.clone(),
        })
        .collect();
    misses.sort_by(|a, b| {
        let err = |m: &Miss| {
            (m.probability
                - if m.outcome == Outcome::Renewed {
                    1.0
                } else {
                    0.0
                })
            .abs()
        };
        err(b).total_cmp(&err(a)).then(a.series.cmp(&b.series))
    });
    misses.truncate(10);

    let exported_to = match export {
        Some(path) => {
            write_export(path, &all, &preds)?;
            Some(path.display().to_string())
        }
        None => None,
    };
    let predictions_exported_to = match predictions_path {
        Some(path) => {
            write_predictions(path, &preds, &names)?;
            Some(path.display().to_string())
        }
        None => None,
    };

    let first_cut = folds.first().map(|f| f.cutoff).unwrap_or(NaiveDate::MIN);
    let (tr_n, tr_pos, past) = first_train.unwrap_or_default();
    let mut sorted = test.clone();
    sorted.sort_by_key(|e| e.premiere);
    let span = |s: &[&Example]| {
        Some(DateRange {
            first: s.first()?.premiere,
            last: s.last()?.premiere,
        })
    };
    let train_first: Vec<&Example> = models.training(first_cut);
    Ok(BacktestReport {
        split: SplitInfo {
            rule: format!(
                "forward chaining over quarterly training cut-offs from {first_cut}: each trainable season is predicted by the model frozen for the first day of its premiere quarter, trained on the seasons decided (91-day window published) by then; a cut-off with fewer than {} decided seasons abstains; features as of each season's {FEATURE_WINDOW_DAYS}-day window",
                frozen::MIN_TRAINING
            ),
            cutoff: first_cut,
            train: tr_n,
            train_renewed: tr_pos,
            test: ys.len() as u32,
            test_renewed: ys.iter().filter(|v| **v > 0.5).count() as u32,
            train_windows_past_cutoff: past,
            train_premieres: span(&train_first),
            test_premieres: span(&sorted),
        },
        labels: counts,
        features: features::NAMES.iter().map(|s| s.to_string()).collect(),
        ece: eval::ece(&calibration),
        meets_target_auc: scores.auc.is_some_and(|a| a >= 0.75),
        target_auc: 0.75,
        beats_baselines: beats,
        model: scores,
        baselines,
        candidates,
        calibration,
        forward: folds,
        abstained,
        intervals,
        paired,
        calibration_monotone: monotone,
        worst_misses: misses,
        exported_to,
        predictions_exported_to,
        when: crate::when::backtest(cat, labels),
        predictions: preds,
    })
}

/// The name of the model's pooled scores in the backtest.
pub const MODEL_SCORES: &str =
    "model: frozen per training cut-off (forward-validated choice, monotone Platt)";

/// The examples' indices by the cut-off whose model predicts them (its premiere's), in
/// cut-off order: the forward chain's folds.
fn by_cutoff(examples: &[Example]) -> std::collections::BTreeMap<NaiveDate, Vec<usize>> {
    let mut by_cut: std::collections::BTreeMap<NaiveDate, Vec<usize>> = Default::default();
    for (i, e) in examples.iter().enumerate() {
        by_cut
            .entry(frozen::cutoff_for(e.premiere))
            .or_default()
            .push(i);
    }
    by_cut
}

/// The backtest's pooled scores of the model alone (`BacktestReport::model`), from the forward
/// chain's predictions only: what the kept odds quote beside each prediction. [`run`] computes
/// the same numbers from the same predictions in the same order (the kept odds' test holds them
/// equal), and also refits every candidate and the baselines per fold, resamples the intervals
/// and backtests the "when" curves, none of which the summary reads: seconds a refresh need
/// not spend.
pub fn summary(models: &mut Models) -> Result<Scores, OddsError> {
    let by_cut = by_cutoff(models.examples());
    models.prepare(by_cut.keys().copied());
    let (mut p, mut ys): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    for (cut, idx) in &by_cut {
        let te_x: Vec<Row> = idx
            .iter()
            .map(|&i| models.examples()[i].row.clone())
            .collect();
        let te_y: Vec<f64> = idx.iter().map(|&i| models.examples()[i].y).collect();
        let (m, _) = match models.get(*cut) {
            Ok(m) => m,
            Err(OddsError::InsufficientTraining(_)) => continue,
            Err(e) => return Err(e),
        };
        p.extend(m.predict(&te_x)?);
        ys.extend(te_y);
    }
    if ys.is_empty() {
        return Err(OddsError::InsufficientTraining(format!(
            "no training cut-off has {} decided seasons",
            frozen::MIN_TRAINING
        )));
    }
    Ok(Scores::of(MODEL_SCORES, &p, &ys))
}

/// Whether `p` never decreases as `raw` rises (ties in `raw` must share `p`).
pub fn is_monotone(raw: &[f64], p: &[f64]) -> bool {
    let mut idx: Vec<usize> = (0..raw.len().min(p.len())).collect();
    idx.sort_by(|&a, &b| raw[a].total_cmp(&raw[b]));
    idx.windows(2).all(|w| p[w[1]] >= p[w[0]])
}

/// The three baselines of the issue, each fitted on the training seasons only:
/// - always-majority, scored with the training renewal rate as its probability (the best
///   constant; a hard 0/1 would score worse on Brier);
/// - "3 or more weeks in the Top 10" (first 91 days), scored with the training renewal rate of
///   each side of the rule;
/// - a one-feature logistic regression on log first-28-day hours.
fn baselines(
    tr_x: &[Row],
    tr_y: &[f64],
    te_x: &[Row],
    te_y: &[f64],
) -> Result<Vec<(String, Vec<f64>)>, OddsError> {
    let rate = |ys: &mut dyn Iterator<Item = f64>| {
        let (s, n) = ys.fold((0.0, 0.0), |(s, n), y| (s + y, n + 1.0));
        if n > 0.0 {
            s / n
        } else {
            0.5
        }
    };
    let base = rate(&mut tr_y.iter().copied());
    let majority = vec![base; te_y.len()];

    let weeks = idx("weeks_top10_91d")?;
    let hit = |r: &Row| r[weeks].unwrap_or(0.0) >= 3.0;
    let rate_hit = rate(
        &mut tr_x
            .iter()
            .zip(tr_y)
            .filter(|(r, _)| hit(r))
            .map(|(_, y)| *y),
    );
    let rate_miss = rate(
        &mut tr_x
            .iter()
            .zip(tr_y)
            .filter(|(r, _)| !hit(r))
            .map(|(_, y)| *y),
    );
    let three_weeks: Vec<f64> = te_x
        .iter()
        .map(|r| if hit(r) { rate_hit } else { rate_miss })
        .collect();

    let h28 = idx("log_hours_28d")?;
    let one = |rows: &[Row]| rows.iter().map(|r| vec![r[h28]]).collect::<Vec<Row>>();
    let lr = model::fit_plain_logistic(&one(tr_x), tr_y)?;
    let hours = lr(&one(te_x))?;

    debug_assert_eq!(majority.len(), te_y.len());
    Ok(vec![
        ("always_majority".into(), majority),
        ("three_weeks_in_top10".into(), three_weeks),
        ("logistic_hours_28d".into(), hours),
    ])
}

fn idx(name: &str) -> Result<usize, OddsError> {
    features::NAMES
        .iter()
        .position(|n| *n == name)
        .ok_or_else(|| OddsError::Model(format!("no feature {name}")))
}

/// `slug,series,season,premiere,decided_on,split,cutoff,label,label_source,rust_probability,
/// <features>`: every trainable example as the models see it before imputation (a missing value
/// is empty: each cut-off imputes its own training medians), `split` `test` with the `cutoff`
/// whose model predicted it and that model's probability, else `train` (a training row only).
/// The peer rebuilds each fold from it: train on `decided_on <= cutoff`, test the fold's rows.
fn write_export(path: &Path, all: &[Example], preds: &[SeasonPrediction]) -> Result<(), OddsError> {
    let io = |e: std::io::Error| OddsError::Data(format!("{}: {e}", path.display()));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(
        std::fs::File::create(path).map_err(io)?,
    ));
    let csv_err = |e: csv::Error| OddsError::Data(format!("{}: {e}", path.display()));
    let mut header = vec![
        "slug",
        "series",
        "season",
        "premiere",
        "decided_on",
        "split",
        "cutoff",
        "label",
        "label_source",
        "rust_probability",
    ];
    header.extend(features::NAMES.iter());
    w.write_record(&header).map_err(csv_err)?;
    let by_key: std::collections::HashMap<(&str, u32), &SeasonPrediction> = preds
        .iter()
        .map(|p| ((p.slug.as_str(), p.season), p))
        .collect();
    for e in all {
        let pred = by_key.get(&(e.label.slug.as_str(), e.label.season));
        let source = serde_json::to_value(e.label.source)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let mut rec = vec![
            e.label.slug.clone(),
            e.label.series.clone(),
            e.label.season.to_string(),
            e.premiere.to_string(),
            e.decided_on.to_string(),
            if pred.is_some() { "test" } else { "train" }.to_string(),
            pred.map(|p| p.cutoff.to_string()).unwrap_or_default(),
            (e.y as u8).to_string(),
            source,
            pred.map(|p| format!("{}", p.probability))
                .unwrap_or_default(),
        ];
        rec.extend(
            e.row
                .iter()
                .map(|v| v.map(|x| format!("{x}")).unwrap_or_default()),
        );
        w.write_record(&rec).map_err(csv_err)?;
    }
    w.flush().map_err(io)?;
    Ok(())
}

/// The per-season out-of-time predictions, one row each, for audit.
fn write_predictions(
    path: &Path,
    preds: &[SeasonPrediction],
    baselines: &[&str],
) -> Result<(), OddsError> {
    let io = |e: std::io::Error| OddsError::Data(format!("{}: {e}", path.display()));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(
        std::fs::File::create(path).map_err(io)?,
    ));
    let csv_err = |e: csv::Error| OddsError::Data(format!("{}: {e}", path.display()));
    let word = |v: serde_json::Result<serde_json::Value>| {
        v.ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let mut header = vec![
        "slug",
        "series",
        "season",
        "premiere",
        "cutoff",
        "outcome",
        "label_source",
        "rule",
        "model",
        "probability",
    ];
    header.extend(baselines.iter());
    w.write_record(&header).map_err(csv_err)?;
    for p in preds {
        let mut rec = vec![
            p.slug.clone(),
            p.series.clone(),
            p.season.to_string(),
            p.premiere.to_string(),
            p.cutoff.to_string(),
            p.outcome.as_str().to_string(),
            word(serde_json::to_value(p.label_source)),
            word(serde_json::to_value(p.rule)),
            p.model.clone(),
            format!("{}", p.probability),
        ];
        rec.extend(p.baselines.iter().map(|v| format!("{v}")));
        w.write_record(&rec).map_err(csv_err)?;
    }
    w.flush().map_err(io)?;
    Ok(())
}

/// Seasons decided (91-day window published) by `as_of`, for a model as of that date.
pub fn examples_as_of(all: Vec<Example>, as_of: NaiveDate, exclude_series: i64) -> Vec<Example> {
    all.into_iter()
        .filter(|e| e.decided_on <= as_of && e.label.series_id != exclude_series)
        .collect()
}
