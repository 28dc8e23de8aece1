//! The top level of the command line: global flags and the list of subcommands. Each
//! subcommand's own flags live beside its code, in `commands/<command>.rs` (as ruff's do).

use crate::commands::{
    backtest, cast, check, claim, deliveries, follow, hours, import, labels, list, metrics,
    predict, read, reception, search, serve, show, sources, stats, status, sync, timeline, token,
    unresolved,
};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "greenlight",
    version,
    about = "Will there be another season? Evidence from real viewing data."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every subcommand takes.
#[derive(Debug, Args)]
pub struct Global {
    /// The store (SQLite file). Created if missing.
    #[arg(
        long,
        global = true,
        env = "GREENLIGHT_DB",
        default_value = "greenlight.db"
    )]
    pub db: PathBuf,
    /// No progress bars or notices on stderr.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

/// `--json` for read commands: stable snake_case field names, documented in the README, and
/// for every command with an API route, exactly that route's body.
#[derive(Debug, Args, Clone, Copy)]
pub struct Json {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import data files or directories (format detected from content), alias files (TSV with a
    /// `spelling<TAB>series<TAB>season` header) and claims files (TOML/JSON), all in one
    /// transaction: any bad file changes nothing.
    Import(import::Args),
    /// Fuzzy search over every spelling of every series and season, ranked.
    Search(search::Args),
    /// A series with its seasons: spellings, Top 10 run, engagement by report.
    Show(show::Args),
    /// Hours in the Top 10 weeks that lie wholly inside a window.
    Hours(hours::Args),
    /// Row counts per table and per dataset.
    Stats(stats::Args),
    /// Spellings that could not be resolved to one series with confidence.
    Unresolved(unresolved::Args),
    /// Renewal odds for a season, from the backtested model, with the factors that moved it.
    Predict(predict::Args),
    /// Time-split backtest of the renewal model beside its baselines.
    Backtest(backtest::Args),
    /// A season's decision metrics (hours, views, view share, retention, long tail...).
    Metrics(metrics::Args),
    /// The renewal labels derived from data, with their counts.
    Labels(labels::Args),
    /// The derived status of a series' next season, with its evidence and contradictions.
    Status(status::Args),
    /// Every TV series with its status (each row as `status SERIES --json`), filtered and sorted.
    List(list::Args),
    /// Every dated claim about a series (typed and from data), oldest first.
    Timeline(timeline::Args),
    /// Cast (with characters) and crew, from the ledger and JustWatch.
    Cast(cast::Args),
    /// Rotten Tomatoes, Metacritic and audience scores, with sources.
    Reception(reception::Args),
    /// Serve the web site, JSON API and feeds. On an empty store, loads the starter catalog.
    Serve(serve::Args),
    /// API tokens for writes (`POST /api/v1/claims`); stored hashed.
    Token(token::Args),
    /// Claims in the ledger.
    Claim(claim::Args),
    /// Read articles (files, `-`, URLs, RSS/Atom feeds) and list their claims; `--commit`
    /// stores the decisions in the ledger, citing each article.
    Read(read::Args),
    /// Check one article's claims against the data and the ledger as of its dateline.
    Check(check::Args),
    /// Fetch every source of sources.toml once (conditional GET), import what changed with
    /// the events it caused (one transaction), then send due webhook deliveries.
    Sync(sync::Args),
    /// Each synced source's state: last success, last error, next run.
    Sources(sources::Args),
    /// Follow a series: its events POSTed (signed) to a webhook.
    Follow(follow::Args),
    /// Stop following a series.
    Unfollow(follow::UnfollowArgs),
    /// The webhook outbox (`--replay ID` sends one again).
    Deliveries(deliveries::Args),
    /// Exact platform metrics from member-level Parquet logs, on DataFusion (feature
    /// `platform`): `synth`, `metrics`, `avs`.
    #[cfg(feature = "platform")]
    Platform(crate::commands::platform::Args),
}
