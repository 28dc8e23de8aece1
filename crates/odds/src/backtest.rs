//! The time-split backtest (issue item 5) and the training set it shares with `predict`.

use crate::catalog::Catalog;
use crate::dates;
use crate::eval::{self, CalibrationBin};
use crate::features::{self, Row, FEATURE_WINDOW_DAYS};
use crate::labels::{LabelCounts, LabelledSeason, Outcome};
use crate::model::{self, Model};
use crate::OddsError;
use chrono::NaiveDate;
use serde::Serialize;
use std::path::Path;

/// Train on seasons that premiered before this date; test on seasons that premiered on or
/// after it (the split). Fixed before any result was seen, at the year boundary that
/// splits the decidable seasons (premiered 2021-07 .. 2024-01) roughly in half; fixed, so
/// reruns on the same data give the same numbers.
pub const CUTOFF: (i32, u32, u32) = (2023, 1, 1);

pub fn cutoff() -> NaiveDate {
    NaiveDate::from_ymd_opt(CUTOFF.0, CUTOFF.1, CUTOFF.2).unwrap_or(NaiveDate::MIN)
}

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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestReport {
    pub split: SplitInfo,
    pub labels: LabelCounts,
    pub features: Vec<String>,
    pub model: Scores,
    pub baselines: Vec<Scores>,
    pub candidates: Vec<CandidateScores>,
    pub calibration: Vec<CalibrationBin>,
    /// Expected calibration error of the model on the test seasons.
    pub ece: f64,
    pub target_auc: f64,
    pub meets_target_auc: bool,
    /// Better AUC and Brier than every baseline.
    pub beats_baselines: bool,
    /// The test seasons the model was most confidently wrong about.
    pub worst_misses: Vec<Miss>,
    /// Where features, labels and the split were written for the scikit-learn peer.
    pub exported_to: Option<String>,
}

/// Runs the backtest on trainable labelled seasons; writes the peer's CSV to `export` if given.
pub fn run(
    cat: &Catalog,
    labels: &[LabelledSeason],
    counts: LabelCounts,
    export: Option<&Path>,
) -> Result<BacktestReport, OddsError> {
    let cut = cutoff();
    let all = examples(cat, labels);
    let train: Vec<&Example> = all.iter().filter(|e| e.premiere < cut).collect();
    let test: Vec<&Example> = all.iter().filter(|e| e.premiere >= cut).collect();
    let past_cutoff = train.iter().filter(|e| e.decided_on >= cut).count();
    if test.is_empty() {
        return Err(OddsError::InsufficientTraining(format!(
            "no trainable seasons premiered on or after {cut}"
        )));
    }
    let rows = |s: &[&Example]| s.iter().map(|e| e.row.clone()).collect::<Vec<Row>>();
    let ys = |s: &[&Example]| s.iter().map(|e| e.y).collect::<Vec<f64>>();
    let (tr_x, tr_y, te_x, te_y) = (rows(&train), ys(&train), rows(&test), ys(&test));

    let (model, all_models) = Model::train_all(&tr_x, &tr_y, &model::candidates(), true)?;
    let p = model.predict(&te_x)?;

    // Every candidate on the test set too, for the record (the choice was made before this).
    let mut candidates = Vec::new();
    for (m, res) in all_models.iter().zip(&model.candidates) {
        let cp = m.predict(&te_x)?;
        candidates.push(CandidateScores {
            model: res.model.clone(),
            cv_auc: res.cv_auc,
            cv_log_loss: res.cv_log_loss,
            chosen: res.chosen,
            test_auc: eval::auc(&cp, &te_y),
            test_brier: eval::brier(&cp, &te_y),
        });
    }

    let baselines = baselines(&tr_x, &tr_y, &te_x, &te_y)?;
    let scores = Scores::of(&format!("model: {}", model.spec.name()), &p, &te_y);
    let beats = baselines
        .iter()
        .all(|b| scores.brier < b.brier && scores.auc.unwrap_or(0.0) > b.auc.unwrap_or(0.5));
    let calibration = eval::calibration(&p, &te_y, 10);

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
            write_export(path, &model, &train, &test)?;
            Some(path.display().to_string())
        }
        None => None,
    };

    let span = |s: &[&Example]| {
        Some(DateRange {
            first: s.first()?.premiere,
            last: s.last()?.premiere,
        })
    };
    Ok(BacktestReport {
        split: SplitInfo {
            rule: format!(
                "train: trainable seasons premiered before {cut}; test: trainable seasons premiered on or after {cut}; features as of each season's {FEATURE_WINDOW_DAYS}-day window"
            ),
            cutoff: cut,
            train: train.len() as u32,
            train_renewed: tr_y.iter().filter(|v| **v > 0.5).count() as u32,
            test: test.len() as u32,
            test_renewed: te_y.iter().filter(|v| **v > 0.5).count() as u32,
            train_windows_past_cutoff: past_cutoff as u32,
            train_premieres: span(&train),
            test_premieres: span(&test),
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
        worst_misses: misses,
        exported_to,
    })
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
) -> Result<Vec<Scores>, OddsError> {
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

    Ok(vec![
        Scores::of("always_majority", &majority, te_y),
        Scores::of("three_weeks_in_top10", &three_weeks, te_y),
        Scores::of("logistic_hours_28d", &hours, te_y),
    ])
}

fn idx(name: &str) -> Result<usize, OddsError> {
    features::NAMES
        .iter()
        .position(|n| *n == name)
        .ok_or_else(|| OddsError::Model(format!("no feature {name}")))
}

/// `slug,series,season,premiere,decided_on,split,label,<features>`: the rows exactly as the
/// model sees them (missing values imputed with the training medians), so the peer trains on
/// the same numbers.
fn write_export(
    path: &Path,
    model: &Model,
    train: &[&Example],
    test: &[&Example],
) -> Result<(), OddsError> {
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
        "label",
    ];
    header.extend(features::NAMES.iter());
    w.write_record(&header).map_err(csv_err)?;
    for (split, set) in [("train", train), ("test", test)] {
        let filled = model.filled(&set.iter().map(|e| e.row.clone()).collect::<Vec<_>>());
        for (e, x) in set.iter().zip(filled) {
            let mut rec = vec![
                e.label.slug.clone(),
                e.label.series.clone(),
                e.label.season.to_string(),
                e.premiere.to_string(),
                e.decided_on.to_string(),
                split.to_string(),
                (e.y as u8).to_string(),
            ];
            rec.extend(x.iter().map(|v| format!("{v}")));
            w.write_record(&rec).map_err(csv_err)?;
        }
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
