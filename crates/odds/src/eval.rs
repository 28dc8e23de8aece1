//! Scoring rules for probabilistic predictions of a 0/1 outcome.

use serde::Serialize;

/// Area under the ROC curve (the probability that a random renewed season scores above a
/// random not-renewed one, ties counting half). `None` when only one class is present.
pub fn auc(scores: &[f64], y: &[f64]) -> Option<f64> {
    let mut idx: Vec<usize> = (0..scores.len().min(y.len())).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    // Average ranks over ties, then the Mann-Whitney U statistic.
    let mut ranks = vec![0.0; idx.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        let r = (i + j) as f64 / 2.0 + 1.0;
        for k in i..=j {
            ranks[idx[k]] = r;
        }
        i = j + 1;
    }
    let pos = y.iter().take(idx.len()).filter(|v| **v > 0.5).count() as f64;
    let neg = idx.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return None;
    }
    let rank_sum: f64 = (0..idx.len())
        .filter(|&i| y[i] > 0.5)
        .map(|i| ranks[i])
        .sum();
    Some((rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg))
}

/// Mean squared error of the probabilities.
pub fn brier(p: &[f64], y: &[f64]) -> f64 {
    let n = p.len().min(y.len());
    if n == 0 {
        return f64::NAN;
    }
    p.iter().zip(y).map(|(p, y)| (p - y).powi(2)).sum::<f64>() / n as f64
}

pub fn log_loss(p: &[f64], y: &[f64]) -> f64 {
    let n = p.len().min(y.len());
    if n == 0 {
        return f64::NAN;
    }
    p.iter()
        .zip(y)
        .map(|(p, y)| {
            let p = p.clamp(1e-12, 1.0 - 1e-12);
            -(y * p.ln() + (1.0 - y) * (1.0 - p).ln())
        })
        .sum::<f64>()
        / n as f64
}

/// One bin of a calibration table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationBin {
    pub from: f64,
    pub to: f64,
    pub count: u32,
    pub mean_predicted: Option<f64>,
    pub observed_rate: Option<f64>,
}

/// Predictions binned by probability (`bins` equal-width bins over 0..1), with the observed
/// renewal rate in each: a calibrated model's two columns agree.
pub fn calibration(p: &[f64], y: &[f64], bins: usize) -> Vec<CalibrationBin> {
    let bins = bins.max(1);
    (0..bins)
        .map(|b| {
            let (from, to) = (b as f64 / bins as f64, (b + 1) as f64 / bins as f64);
            let members: Vec<(f64, f64)> = p
                .iter()
                .zip(y)
                .filter(|(p, _)| **p >= from && (**p < to || (b + 1 == bins && **p <= to)))
                .map(|(p, y)| (*p, *y))
                .collect();
            let n = members.len();
            let mean = |f: fn(&(f64, f64)) -> f64| {
                (n > 0).then(|| members.iter().map(f).sum::<f64>() / n as f64)
            };
            CalibrationBin {
                from,
                to,
                count: n as u32,
                mean_predicted: mean(|m| m.0),
                observed_rate: mean(|m| m.1),
            }
        })
        .collect()
}

/// Expected calibration error: the count-weighted mean gap between predicted and observed.
pub fn ece(table: &[CalibrationBin]) -> f64 {
    let n: u32 = table.iter().map(|b| b.count).sum();
    if n == 0 {
        return f64::NAN;
    }
    table
        .iter()
        .filter_map(|b| Some(b.count as f64 * (b.mean_predicted? - b.observed_rate?).abs()))
        .sum::<f64>()
        / n as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_matches_hand_computed_values() {
        assert_eq!(
            auc(&[0.1, 0.4, 0.35, 0.8], &[0.0, 0.0, 1.0, 1.0]),
            Some(0.75)
        );
        assert_eq!(auc(&[0.5, 0.5, 0.5, 0.5], &[0.0, 1.0, 0.0, 1.0]), Some(0.5));
        assert_eq!(auc(&[1.0, 2.0], &[1.0, 0.0]), Some(0.0));
        assert_eq!(auc(&[1.0, 2.0], &[1.0, 1.0]), None);
        assert_eq!(auc(&[], &[]), None);
    }

    #[test]
    fn brier_and_log_loss() {
        assert_eq!(brier(&[1.0, 0.0], &[1.0, 0.0]), 0.0);
        assert_eq!(brier(&[0.5, 0.5], &[1.0, 0.0]), 0.25);
        assert!((log_loss(&[0.5], &[1.0]) - std::f64::consts::LN_2).abs() < 1e-12);
        assert!(log_loss(&[0.0], &[1.0]).is_finite());
        assert!(brier(&[], &[]).is_nan());
    }

    #[test]
    fn calibration_bins_cover_zero_to_one() {
        let t = calibration(&[0.05, 0.15, 0.95, 1.0], &[0.0, 1.0, 1.0, 1.0], 10);
        assert_eq!(t.len(), 10);
        assert_eq!(t.iter().map(|b| b.count).sum::<u32>(), 4);
        assert_eq!(t[9].count, 2);
        assert_eq!(t[1].observed_rate, Some(1.0));
        assert_eq!(t[5].mean_predicted, None);
        assert!(ece(&t) > 0.0);
    }
}
