//! `greenlight labels`: what happened after every charted season: the ledger's dated
//! announcements first, then the data, then the catalogue (issue 16).

use super::Ctx;
use crate::args::Json;
use crate::output::{self, outln, thousands, words};
use anyhow::Result;
use greenlight_odds::labels::LabelCounts;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub json: Json,
}

/// "412 renewed, 180 not renewed, 95 undecided".
pub(crate) fn counts(c: &LabelCounts) -> String {
    format!(
        "{} renewed, {} not renewed, {} undecided",
        thousands(c.renewed),
        thousands(c.not_renewed),
        thousands(c.undecided)
    )
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let r = greenlight_odds::labels(&cx.store)?;
    if a.json.json {
        return output::json(&r);
    }
    outln!(
        "data through {}; seasons decidable through {}",
        r.horizon,
        r.decidable_through
    );
    outln!("all charted numbered seasons: {}", counts(&r.all));
    outln!(
        "trainable (both outcomes observable): {}",
        counts(&r.trainable)
    );
    outln!("decided by rule:");
    for (rule, n) in &r.by_rule {
        outln!("  {:<32} {:>6}", words(rule), thousands(*n));
    }
    outln!("by source (all; trainable):");
    for (src, n) in &r.by_source {
        outln!(
            "  {:<32} {:>6}; {}",
            words(src),
            thousands(*n),
            thousands(r.trainable_by_source.get(src).copied().unwrap_or(0))
        );
    }
    outln!(
        "the ledger overrides the data or the catalogue on {} seasons",
        thousands(r.ledger_overrides)
    );
    outln!("excluded:");
    outln!(
        "  decided before they premiered    {:>6} (of {} in all)",
        thousands(r.excluded_decided_before_premiere),
        thousands(r.decided_before_premiere)
    );
    outln!(
        "  limited series                   {:>6}",
        thousands(r.excluded_limited_series)
    );
    outln!(
        "  not numbered (parts, specials)   {:>6}",
        thousands(r.excluded_not_numbered)
    );
    outln!(
        "  launch not in the chart data     {:>6}",
        thousands(r.excluded_launch_not_in_data)
    );
    outln!(
        "TMDB disagreed with the data on {} seasons",
        thousands(r.tmdb_conflicts)
    );
    outln!("rules:");
    for rule in &r.rules {
        outln!("  {rule}");
    }
    Ok(())
}
