//! `greenlight list [--status S] [--sort odds|waiting|hours|premiere] [--json]`: every TV
//! series with its status (issue 13), each row the report `status SERIES --json` prints for it
//! (`greenlight_report::list`, built by the same code), filtered and sorted here.

use super::Ctx;
use crate::args::Json;
use crate::output::{self, outln};
use anyhow::Result;
use chrono::NaiveDate;
use greenlight_ledger::Status;
use greenlight_report::{OddsOrWhy, StatusView};
use std::cmp::Reverse;

/// The statuses `--status` accepts, as the reports spell them.
const STATUSES: [Status; 8] = [
    Status::Ordered,
    Status::AwaitingDecision,
    Status::Renewed,
    Status::ReleaseDateAnnounced,
    Status::FinalSeasonAnnounced,
    Status::Canceled,
    Status::Ended,
    Status::LimitedSeries,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Sort {
    /// By slug (the default).
    Slug,
    /// Highest renewal odds first; series without odds after.
    Odds,
    /// Series awaiting a decision first, the longest wait (oldest latest premiere) first.
    Waiting,
    /// Most hours in the global Top 10 first.
    Hours,
    /// Newest latest premiere first; series with no known premiere after.
    Premiere,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only series with this status.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(STATUSES.map(Status::as_str)))]
    pub status: Option<String>,
    #[arg(long, value_enum, default_value_t = Sort::Slug)]
    pub sort: Sort,
    #[command(flatten)]
    pub json: Json,
}

/// The latest premiere a status knows of.
fn latest_premiere(v: &StatusView) -> Option<NaiveDate> {
    v.status.seasons.iter().filter_map(|o| o.premiered_on).max()
}

fn probability(v: &StatusView) -> Option<f64> {
    match &v.odds {
        Some(OddsOrWhy::Odds(o)) => Some(o.probability),
        _ => None,
    }
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let mut rows = greenlight_report::list(&cx.store)?;
    if let Some(s) = &a.status {
        rows.retain(|v| v.status.status.as_str() == s);
    }
    // Every sort is stable over the slug order `list` returns, so ties stay by slug.
    match a.sort {
        Sort::Slug => {}
        Sort::Odds => rows.sort_by(|x, y| {
            let (px, py) = (probability(x), probability(y));
            py.is_some()
                .cmp(&px.is_some())
                .then_with(|| py.unwrap_or(0.0).total_cmp(&px.unwrap_or(0.0)))
        }),
        Sort::Waiting => rows.sort_by_key(|v| {
            let waiting = v.status.status == Status::AwaitingDecision;
            (
                Reverse(waiting),
                latest_premiere(v).is_none(),
                latest_premiere(v),
            )
        }),
        Sort::Hours => {
            let hours = cx.store.series_top10_hours()?;
            rows.sort_by_key(|v| Reverse(hours.get(&v.status.series.id).copied().unwrap_or(0)));
        }
        Sort::Premiere => {
            rows.sort_by_key(|v| (latest_premiere(v).is_none(), Reverse(latest_premiere(v))))
        }
    }
    if a.json.json {
        return output::json(&rows);
    }
    outln!("{} series", rows.len());
    for v in &rows {
        let r = &v.status;
        let odds = probability(v)
            .map(|p| format!(", odds of renewal {:.0}%", p * 100.0))
            .unwrap_or_default();
        let premiere = latest_premiere(v)
            .map(|d| format!(", latest premiere {d}"))
            .unwrap_or_default();
        outln!(
            "  {} ({}): {} (next season {}){odds}{premiere}",
            r.series.title,
            r.series.slug,
            r.status.as_str(),
            r.next_season
        );
    }
    Ok(())
}
