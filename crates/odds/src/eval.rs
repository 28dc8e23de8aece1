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

/// A percentile interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
pub struct Interval {
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

/// Resamples of the bootstrap, and its seed: fixed, so reruns give the same intervals.
pub const BOOTSTRAP_RESAMPLES: usize = 2000;
pub const BOOTSTRAP_SEED: u64 = 16;

/// SplitMix64: a tiny, well-mixed generator for resampling indices.
struct SplitMix(u64);

impl SplitMix {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((z >> 11) as f64 / (1u64 << 53) as f64 * n as f64) as usize % n.max(1)
    }
}

/// 95% percentile bootstrap intervals of `stat` over the seasons, for several prediction
/// vectors resampled *together* (the same seasons in every resample), so a difference between
/// two of them is paired. `stat(preds, y)` returns the statistic for one resample, or `None`
/// (e.g. an AUC with one class drawn), which is skipped.
pub fn bootstrap<F>(preds: &[&[f64]], y: &[f64], stat: F) -> Option<Interval>
where
    F: Fn(&[Vec<f64>], &[f64]) -> Option<f64>,
{
    let n = y.len();
    if n == 0 {
        return None;
    }
    let full: Vec<Vec<f64>> = preds.iter().map(|p| p.to_vec()).collect();
    let estimate = stat(&full, y)?;
    let mut rng = SplitMix(BOOTSTRAP_SEED);
    let mut values = Vec::with_capacity(BOOTSTRAP_RESAMPLES);
    let mut ps: Vec<Vec<f64>> = vec![Vec::with_capacity(n); preds.len()];
    let mut ys = Vec::with_capacity(n);
    for _ in 0..BOOTSTRAP_RESAMPLES {
        ys.clear();
        ps.iter_mut().for_each(Vec::clear);
        for _ in 0..n {
            let i = rng.below(n);
            ys.push(y[i]);
            for (k, p) in preds.iter().enumerate() {
                ps[k].push(p[i]);
            }
        }
        if let Some(v) = stat(&ps, &ys) {
            values.push(v);
        }
    }
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let q = |f: f64| values[((values.len() - 1) as f64 * f).round() as usize];
    Some(Interval {
        estimate,
        low: q(0.025),
        high: q(0.975),
    })
}

/// AUC with its bootstrap interval.
pub fn auc_interval(p: &[f64], y: &[f64]) -> Option<Interval> {
    bootstrap(&[p], y, |ps, ys| auc(&ps[0], ys))
}

/// Brier score with its bootstrap interval.
pub fn brier_interval(p: &[f64], y: &[f64]) -> Option<Interval> {
    bootstrap(&[p], y, |ps, ys| Some(brier(&ps[0], ys)))
}

/// Paired interval of AUC(a) − AUC(b) (positive: `a` ranks better).
pub fn auc_diff_interval(a: &[f64], b: &[f64], y: &[f64]) -> Option<Interval> {
    bootstrap(&[a, b], y, |ps, ys| {
        Some(auc(&ps[0], ys)? - auc(&ps[1], ys)?)
    })
}

/// Paired interval of Brier(b) − Brier(a) (positive: `a` is better).
pub fn brier_gain_interval(a: &[f64], b: &[f64], y: &[f64]) -> Option<Interval> {
    bootstrap(&[a, b], y, |ps, ys| {
        Some(brier(&ps[1], ys) - brier(&ps[0], ys))
    })
}
