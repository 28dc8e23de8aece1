//! `greenlight predict SERIES [--season N] [--as-of D]`: the renewal probability of a season,
//! or the decision when the ledger knew it by then (`greenlight_report::predict`).

use super::Ctx;
use crate::args::Json;
use crate::output::{self, or_unknown, outln, words};
use anyhow::Result;
use chrono::NaiveDate;

#[derive(Debug, clap::Args)]
pub struct Args {
    pub series: String,
    /// The season number (default: the latest that had premiered by --as-of).
    #[arg(long, value_parser = crate::values::season())]
    pub season: Option<u32>,
    /// Use only data published by this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = crate::values::date)]
    pub as_of: Option<NaiveDate>,
    #[command(flatten)]
    pub json: Json,
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let v = greenlight_report::predict(&cx.store, &a.series, a.season, a.as_of)?;
    if a.json.json {
        return output::json(&v);
    }
    if let Some(d) = &v.decided {
        outln!(
            "season {}: {}{} — decided, so no odds",
            d.season,
            words(d.decision.as_str()),
            output::dated(d.decided_on, d.decided_on_precision)
        );
        for e in &d.evidence {
            outln!("  {}", output::sourced(e));
        }
        return Ok(());
    }
    let Some(r) = &v.prediction else {
        return Ok(());
    };
    outln!(
        "{} season {} as of {}: {:.0}% chance of renewal",
        r.series,
        r.season,
        r.as_of,
        r.probability * 100.0
    );
    if let Some(p) = &r.premiere {
        outln!("  premiered {}", p.date);
    }
    if !r.features_complete {
        outln!(
            "  its 91-day window is not complete yet{}: the odds can still move",
            r.features_complete_on
                .map(|d| format!(" (complete on {d})"))
                .unwrap_or_default()
        );
    }
    outln!("  what moved it most:");
    for f in &r.factors {
        outln!(
            "    {} {}: {} against a typical {:.3} ({:+.1} points)",
            f.direction,
            f.description,
            or_unknown(f.value, |v| format!("{v:.3}")),
            f.typical,
            f.effect * 100.0
        );
    }
    let m = &r.model;
    outln!(
        "  model: {}, frozen for the training cut-off {} ({} seasons, {} renewed), forward-validated AUC {}",
        m.model,
        m.trained_on,
        m.trained_renewed,
        m.trained_through,
        or_unknown(m.cv_auc, |a| format!("{a:.3}"))
    );
    if let Some(f) = &r.decision_forecast {
        outln!("  when: {}", output::decision_forecast(f));
    }
    if let Some(k) = &r.known_outcome {
        outln!(
            "  known outcome: {} ({})",
            words(k.outcome.as_str()),
            k.evidence
        );
    }
    for n in &r.notes {
        outln!("  note: {n}");
    }
    Ok(())
}
