//! `greenlight show SERIES`: the series with its seasons, spellings, Top 10 run and engagement.

use super::Ctx;
use crate::args::Json;
use crate::output::{self, outln, thousands};
use anyhow::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Any source spelling of the series or of one of its seasons, or its slug.
    pub series: String,
    #[command(flatten)]
    pub json: Json,
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let s = cx.store.series(&a.series)?;
    let report = cx.store.show(&s)?;
    if a.json.json {
        return output::json(&report);
    }
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
    Ok(())
}
