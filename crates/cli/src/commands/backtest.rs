//! `greenlight backtest`: the forward-chaining backtest of the renewal model beside its
//! baselines, with bootstrap intervals.

use super::Ctx;
use crate::args::Json;
use crate::output::{self, or_unknown, outln, pct};
use anyhow::Result;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Also write the feature matrix, labels and folds as CSV (for the scikit-learn peer).
    #[arg(long, value_name = "FILE")]
    pub export_features: Option<PathBuf>,
    /// Also write every season's out-of-time prediction (and the baselines') as CSV, for audit.
    #[arg(long, value_name = "FILE")]
    pub export_predictions: Option<PathBuf>,
    #[command(flatten)]
    pub json: Json,
}

fn auc(a: Option<f64>) -> String {
    or_unknown(a, |a| format!("{a:.3}"))
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let r = greenlight_odds::backtest_exporting(
        &cx.store,
        a.export_features.as_deref(),
        a.export_predictions.as_deref(),
    )?;
    if a.json.json {
        return output::json(&r);
    }
    let s = &r.split;
    outln!("split: {} (cutoff {})", s.rule, s.cutoff);
    let range = |d: &Option<greenlight_odds::backtest::DateRange>| {
        d.map(|d| format!(", premiered {} .. {}", d.first, d.last))
            .unwrap_or_default()
    };
    outln!(
        "  train: {} seasons, {} renewed{}",
        s.train,
        s.train_renewed,
        range(&s.train_premieres)
    );
    outln!(
        "  test:  {} seasons, {} renewed{}",
        s.test,
        s.test_renewed,
        range(&s.test_premieres)
    );
    if s.train_windows_past_cutoff > 0 {
        outln!(
            "  {} training seasons' 91-day windows run past the cutoff",
            s.train_windows_past_cutoff
        );
    }
    outln!("folds (training cut-off: trained on, tested on, chosen, AUC, Brier):");
    for f in &r.forward {
        outln!(
            "  {}: {} ({} renewed), {} ({} renewed), {}, {}, {:.3}",
            f.cutoff,
            f.train,
            f.train_renewed,
            f.test,
            f.test_renewed,
            f.chosen,
            auc(f.auc),
            f.brier
        );
    }
    for a in &r.abstained {
        outln!(
            "  {}: abstained on {} seasons: {}",
            a.cutoff,
            a.seasons,
            a.reason
        );
    }
    outln!("labels: {}", super::labels::counts(&r.labels));
    outln!("features: {}", r.features.join(", "));
    outln!("\ntest scores (AUC higher is better; Brier and log loss lower):");
    outln!("  {:>6} {:>7} {:>8}  scored", "AUC", "Brier", "log loss");
    for sc in std::iter::once(&r.model).chain(&r.baselines) {
        outln!(
            "  {:>6} {:>7.3} {:>8.3}  {}",
            auc(sc.auc),
            sc.brier,
            sc.log_loss,
            sc.name
        );
    }
    let iv = |i: &Option<greenlight_odds::eval::Interval>, d: usize| {
        or_unknown(i.as_ref(), |i| {
            format!("{:.d$} [{:.d$}, {:.d$}]", i.estimate, i.low, i.high)
        })
    };
    outln!(
        "\n95% bootstrap intervals ({} resamples): model AUC {}, Brier {}",
        r.intervals.resamples,
        iv(&r.intervals.auc, 3),
        iv(&r.intervals.brier, 4)
    );
    for p in &r.paired {
        outln!(
            "  against {}: AUC difference {}, Brier gain {}",
            p.against,
            iv(&p.auc_difference, 3),
            iv(&p.brier_gain, 4)
        );
    }
    outln!(
        "model AUC {} the target {:.2}; it {} every baseline",
        if r.meets_target_auc {
            "meets"
        } else {
            "misses"
        },
        r.target_auc,
        if r.beats_baselines {
            "beats"
        } else {
            "does not beat"
        }
    );
    outln!("\ncandidates (* chosen in some fold, by forward validation on its training seasons; CV means over folds):");
    for c in &r.candidates {
        outln!(
            "  {} CV AUC {}, CV log loss {:.3}; test AUC {}, Brier {:.3}  {}",
            if c.chosen { "*" } else { " " },
            auc(c.cv_auc),
            c.cv_log_loss,
            auc(c.test_auc),
            c.test_brier,
            c.model
        );
    }
    outln!(
        "\ncalibration on the test seasons (expected calibration error {:.3}):",
        r.ece
    );
    for b in &r.calibration {
        outln!(
            "  {:>3.0}% .. {:>3.0}%  {:>4} seasons  predicted {:>6}  observed {:>6}",
            b.from * 100.0,
            b.to * 100.0,
            b.count,
            or_unknown(b.mean_predicted, pct),
            or_unknown(b.observed_rate, pct)
        );
    }
    let w = &r.when;
    outln!(
        "\nwhen (time to decision, {} cut-offs): 80% intervals covered {} of {} decisions ({}); P(decision within 90 days) {} predicted on average, {} observed, over {} forecasts; premiere windows covered {} of {} ({})",
        w.cutoffs.len(),
        w.interval_covered,
        w.interval_checked,
        or_unknown(w.coverage_80, pct),
        or_unknown(w.within_90_mean_predicted, pct),
        or_unknown(w.within_90_observed, pct),
        w.within_90_checked,
        w.premiere_covered,
        w.premiere_checked,
        or_unknown(w.premiere_coverage_80, pct)
    );
    if !r.worst_misses.is_empty() {
        outln!("\nworst misses:");
    }
    for m in &r.worst_misses {
        outln!(
            "  {} season {} (premiered {}): {} predicted, {} — {}",
            m.series,
            m.season,
            m.premiere,
            pct(m.probability),
            output::words(m.outcome.as_str()),
            m.evidence
        );
    }
    if let Some(p) = &r.exported_to {
        outln!("\nfeatures, labels and folds written to {p}");
    }
    if let Some(p) = &r.predictions_exported_to {
        outln!("per-season predictions written to {p}");
    }
    Ok(())
}
