//! `greenlight show SERIES`: the series with its seasons, spellings, Top 10 run and engagement,
//! and the exact platform metrics when imported (`greenlight_report::exact`).

use super::Ctx;
use crate::args::Json;
use crate::output::{self, outln, thousands};
use anyhow::Result;
use chrono::NaiveDate;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Any source spelling of the series or of one of its seasons, or its slug.
    pub series: String,
    /// The date the exact platform metrics are shown as of (a window after its last day and
    /// once its file was imported); default today. The rest is shown as stored.
    #[arg(long, value_name = "DATE", value_parser = crate::values::date)]
    pub as_of: Option<NaiveDate>,
    #[command(flatten)]
    pub json: Json,
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let s = cx.store.series(&a.series)?;
    let full = greenlight_report::exact::show(&cx.store, &s, a.as_of)?;
    if a.json.json {
        return output::json(&full);
    }
    let report = &full.show;
    outln!(
        "{} [{}] ({})",
        report.series.title,
        report.series.kind,
        report.series.slug
    );
    for season in &report.seasons {
        let name = if season.season.is_empty() {
            "(whole show)"
        } else {
            &season.season
        };
        outln!("\n  {name}");
        outln!("    spellings: {}", season.source_titles.join(" | "));
        if let Some(t) = &season.top10 {
            outln!(
                "    Top 10: {} weeks, peak #{}, {} hours, {} .. {}",
                t.weeks,
                t.peak_rank,
                thousands(t.total_hours),
                t.first_week,
                t.last_week
            );
        }
        for e in &season.engagement {
            let views = e
                .views
                .map(|v| format!(", {} views", thousands(v)))
                .unwrap_or_default();
            outln!("    {}: {} hours{views}", e.report, thousands(e.hours));
        }
    }
    if let Some(x) = &full.exact_platform_metrics {
        outln!("\n  {} (as of {}; {})", x.label, x.as_of, x.shown_when);
        for w in &x.windows {
            let eff = w
                .efficiency_micro
                .map(|e| format!(", efficiency {}.{:06}", e / 1_000_000, e % 1_000_000))
                .unwrap_or_default();
            outln!(
                "    season {} {} ({} .. {}): {} hours, {}.{:03} views, completion {}, view share {}, AVS share {}{eff}  [{}, generated {}; {}, imported {}]",
                w.season,
                w.window,
                w.from,
                w.to,
                w.hours,
                w.views_milli / 1_000,
                w.views_milli % 1_000,
                nano_share(w.completion_nano),
                nano_share(w.view_share_nano),
                nano_share(w.avs_share_nano),
                w.provenance.publisher,
                w.provenance.generated,
                w.provenance.file,
                w.provenance.imported_at
            );
        }
    }
    Ok(())
}

/// A share in nano-units (1e9 = the whole) as a percentage with seven decimals, exact.
fn nano_share(nano: i64) -> String {
    format!("{}.{:07}%", nano / 10_000_000, nano % 10_000_000)
}
