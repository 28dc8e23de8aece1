//! `greenlight list [--status S] [--platform P] [--language L] [--premiered-after D]
//! [--awaiting-longer-than 90d] [--sort odds|waiting|hours|premiere] [--json]`: every TV series
//! with its status (issue 13), each row the report `status SERIES --json` prints for it, read
//! from the kept board (`greenlight_report::tracker::list_kept`: rows whose evidence changed
//! are derived again first), filtered and sorted there, the same as `GET /api/v1/series`.

use super::Ctx;
use crate::args::Json;
use crate::output::outln;
use anyhow::Result;
use chrono::NaiveDate;
use clap::builder::TypedValueParser as _;
use greenlight_ledger::Status;
use greenlight_report::tracker::{self, Language, ListQuery, Wait};

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

impl From<Sort> for tracker::Sort {
    fn from(s: Sort) -> tracker::Sort {
        match s {
            Sort::Slug => tracker::Sort::Slug,
            Sort::Odds => tracker::Sort::Odds,
            Sort::Waiting => tracker::Sort::Waiting,
            Sort::Hours => tracker::Sort::Hours,
            Sort::Premiere => tracker::Sort::Premiere,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only series with this status.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(
        tracker::STATUSES.map(Status::as_str)
    ).map(|s: String| tracker::status_named(&s).unwrap_or(Status::AwaitingDecision)))]
    pub status: Option<Status>,
    /// Only series on this platform (TMDB's network, any case: `netflix`).
    #[arg(long)]
    pub platform: Option<String>,
    /// Only series of this Top 10 list: `english` or `non_english`.
    #[arg(long, value_parser = |s: &str| s.parse::<Language>())]
    pub language: Option<Language>,
    /// Only series with a season premiered after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = crate::values::date)]
    pub premiered_after: Option<NaiveDate>,
    /// Only series awaiting a decision longer than this since their latest premiere (`90d`,
    /// `12w`).
    #[arg(long, value_name = "DURATION", value_parser = |s: &str| s.parse::<Wait>())]
    pub awaiting_longer_than: Option<Wait>,
    #[arg(long, value_enum, default_value_t = Sort::Slug)]
    pub sort: Sort,
    #[command(flatten)]
    pub json: Json,
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let q = ListQuery {
        status: a.status,
        platform: a.platform,
        language: a.language,
        premiered_after: a.premiered_after,
        awaiting_longer_than: a.awaiting_longer_than,
        sort: a.sort.into(),
    };
    let rows = tracker::list_kept(&cx.store, &q)?;
    if a.json.json {
        outln!("{}", tracker::rows_json(&rows));
        return Ok(());
    }
    outln!("{} series", rows.len());
    for r in &rows {
        let head = r.head()?;
        let odds = r
            .probability
            .map(|p| format!(", odds of renewal {:.0}%", p * 100.0))
            .unwrap_or_default();
        let premiere = r
            .latest_premiere
            .map(|d| format!(", latest premiere {d}"))
            .unwrap_or_default();
        outln!(
            "  {} ({}): {} (next season {}){odds}{premiere}",
            head.series.title,
            r.slug,
            r.status,
            head.next_season
        );
    }
    Ok(())
}
