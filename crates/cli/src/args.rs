//! Every flag of every subcommand, in one place.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "greenlight",
    version,
    about = "Will there be another season? Evidence from real viewing data."
)]
pub struct Cli {
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
    #[command(subcommand)]
    pub command: Command,
}

/// `--json` for read commands: stable snake_case field names, documented in the README.
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
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The manifest dating the files (publication date and precision per file, by path
        /// relative to the manifest's folder), instead of the MANIFEST.toml at the root of each
        /// imported folder.
        #[arg(long, value_name = "PATH")]
        manifest: Option<PathBuf>,
        /// Force a data format instead of detecting it (top10-global, top10-global-legacy,
        /// top10-countries, most-popular, engagement, tmdb-status, justwatch-titles, justwatch-credits).
        #[arg(long)]
        format: Option<String>,
        /// Let a newer snapshot with fewer rows than the stored one replace it (refused by
        /// default, since a partial file would drop data).
        #[arg(long)]
        replace: bool,
        #[command(flatten)]
        json: Json,
    },
    /// Fuzzy search over every spelling of every series and season, ranked.
    Search {
        text: String,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[command(flatten)]
        json: Json,
    },
    /// A series with its seasons: spellings, Top 10 run, engagement by report.
    Show {
        /// Any source spelling of the series or of one of its seasons, or its slug.
        series: String,
        #[command(flatten)]
        json: Json,
    },
    /// Hours in the Top 10 weeks that lie wholly inside a window.
    Hours {
        series: String,
        /// A season number (`1`) or label (`Part 2`, `Limited Series`).
        #[arg(long)]
        season: Option<String>,
        /// First day of the window (YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        /// Last day of the window (YYYY-MM-DD).
        #[arg(long)]
        to: Option<String>,
        #[command(flatten)]
        json: Json,
    },
    /// Row counts per table and per dataset.
    Stats {
        #[command(flatten)]
        json: Json,
    },
    /// Spellings that could not be resolved to one series with confidence.
    Unresolved {
        #[command(flatten)]
        json: Json,
    },
    /// Renewal odds for a season, from the backtested model, with the factors that moved it.
    Predict {
        series: String,
        /// The season number (default: the latest that had premiered by --as-of).
        #[arg(long)]
        season: Option<u32>,
        /// Use only data published by this date (YYYY-MM-DD).
        #[arg(long)]
        as_of: Option<String>,
        #[command(flatten)]
        json: Json,
    },
    /// Time-split backtest of the renewal model beside its baselines.
    Backtest {
        /// Also write the feature matrix, labels and split as CSV (for the scikit-learn peer).
        #[arg(long)]
        export_features: Option<PathBuf>,
        #[command(flatten)]
        json: Json,
    },
    /// A season's decision metrics (hours, views, view share, retention, long tail...).
    Metrics {
        series: String,
        #[arg(long)]
        season: u32,
        #[arg(long)]
        as_of: Option<String>,
        #[command(flatten)]
        json: Json,
    },
    /// The renewal labels derived from data, with their counts.
    Labels {
        #[command(flatten)]
        json: Json,
    },
    /// The derived status of a series' next season, with its evidence and contradictions.
    Status {
        series: String,
        /// Evaluate with only the claims and data published by this date (YYYY-MM-DD).
        #[arg(long)]
        as_of: Option<String>,
        #[command(flatten)]
        json: Json,
    },
    /// Every dated claim about a series (typed and from data), oldest first.
    Timeline {
        series: String,
        #[command(flatten)]
        json: Json,
    },
    /// Cast (with characters) and crew, from the ledger and JustWatch.
    Cast {
        series: String,
        #[command(flatten)]
        json: Json,
    },
    /// Rotten Tomatoes, Metacritic and audience scores, with sources.
    Reception {
        series: String,
        #[command(flatten)]
        json: Json,
    },
    /// Serve the web site, JSON API and feeds. On an empty store, loads the starter catalog.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Import these files or folders first, exactly as `import` does (one transaction;
        /// unchanged files are skipped in a fraction of a second), so one command brings the
        /// store up to date and serves it.
        #[arg(long = "import", value_name = "PATH")]
        import: Vec<std::path::PathBuf>,
    },
    /// API tokens for writes (`POST /api/v1/claims`); stored hashed.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Claims in the ledger.
    Claim {
        #[command(subcommand)]
        action: ClaimAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClaimAction {
    /// Add one claim. Fields are those of a claims file (crates/ledger/CLAIMS.md): the common ones
    /// have flags, any other is `--field NAME=VALUE`.
    Add {
        /// The claim kind (`season_renewed`, `canceled`, `premiered`, `cast`, `viewing_figure`, ...;
        /// see crates/ledger/CLAIMS.md).
        #[arg(long)]
        kind: String,
        #[arg(long)]
        series: String,
        #[arg(long)]
        season: Option<u32>,
        #[arg(long)]
        person: Option<String>,
        /// When the event happened (YYYY-MM-DD).
        #[arg(long)]
        event_date: Option<String>,
        /// When the source published it (YYYY-MM-DD).
        #[arg(long)]
        published: String,
        #[arg(long)]
        source_name: String,
        /// platform, official, trade_press, dataset or fan_site.
        #[arg(long)]
        source_kind: String,
        #[arg(long)]
        source_url: Option<String>,
        #[arg(long, default_value = "cli")]
        entered_by: String,
        #[arg(long)]
        note: Option<String>,
        /// Any other field of the claim, as NAME=VALUE (repeatable).
        #[arg(long = "field", value_name = "NAME=VALUE")]
        fields: Vec<String>,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Create a token; its secret is printed once and never stored.
    Create { name: String },
    /// List tokens (never their secrets).
    List {
        #[command(flatten)]
        json: Json,
    },
    /// Revoke a token by id, name or prefix.
    Revoke { which: String },
}
