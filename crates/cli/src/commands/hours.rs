//! `greenlight hours SERIES [--season S] [--from D] [--to D]`: Top 10 hours in a window.

use super::Ctx;
use crate::args::Json;
use crate::output::{self, outln, thousands};
use anyhow::Result;
use chrono::NaiveDate;
use greenlight_sources::titles::SeasonLabel;

#[derive(Debug, clap::Args)]
pub struct Args {
    pub series: String,
    /// A season number (`1`) or label (`Part 2`, `Limited Series`).
    #[arg(long)]
    pub season: Option<String>,
    /// First day of the window (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = crate::values::date)]
    pub from: Option<NaiveDate>,
    /// Last day of the window (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = crate::values::date)]
    pub to: Option<NaiveDate>,
    #[command(flatten)]
    pub json: Json,
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let s = cx.store.series(&a.series)?;
    // As the API reads `?season=`: a blank label is no label.
    let label = a
        .season
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(SeasonLabel::parse_user);
    let r = cx.store.hours(&s, label.as_ref(), a.from, a.to)?;
    if a.json.json {
        return output::json(&r);
    }
    outln!(
        "{}{}: {} hours",
        r.series.title,
        r.season
            .as_ref()
            .map(|s| format!(" {s}"))
            .unwrap_or_default(),
        thousands(r.hours)
    );
    for w in &r.weeks {
        outln!(
            "  week ending {}  #{:<2}  {:>14}",
            w.week_end,
            w.rank,
            thousands(w.hours)
        );
    }
    for w in &r.excluded_weeks {
        outln!(
            "  (excluded, partly outside the window) week ending {}  {}",
            w.week_end,
            thousands(w.hours)
        );
    }
    Ok(())
}
