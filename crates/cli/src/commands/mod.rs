//! One module per subcommand (as ruff's `commands/`): each owns its clap `Args` and its `run`,
//! which reads the store, builds the typed report and prints it as text for people or, with
//! `--json`, as the API's body.

pub mod backtest;
pub mod cast;
pub mod check;
pub mod claim;
pub mod deliveries;
pub mod follow;
pub mod hours;
pub mod import;
pub mod labels;
pub mod list;
pub mod metrics;
#[cfg(feature = "platform")]
pub mod platform;
pub mod predict;
pub mod read;
pub mod reception;
pub mod search;
pub mod serve;
pub mod show;
pub mod sources;
pub mod stats;
pub mod status;
pub mod sync;
pub mod timeline;
pub mod token;
pub mod unresolved;

use crate::args::{Cli, Command, Global};
use anyhow::Result;
use greenlight_store::Store;

/// After a write's commit (import, claim, `read --commit`): the kept board of statuses (issue
/// 13) brought up to date, deriving only the series whose evidence changed. The write stands
/// whatever happens here: a failed refresh leaves rows whose hash no longer matches, which
/// `list` derives again, so it is a warning, not an error.
pub(crate) fn refresh_board(store: &Store) {
    let t = std::time::Instant::now();
    match greenlight_report::tracker::refresh_if_kept(store) {
        Ok(Some(r)) => greenlight_store::timing::report(
            format_args!(
                "kept statuses refreshed: {} derived, {} changed status, in",
                r.derived,
                r.changed.len()
            ),
            t.elapsed(),
        ),
        Ok(None) => {}
        Err(e) => eprintln!(
            "greenlight: warning: the kept statuses were not refreshed ({e}); `list` derives the rows that changed"
        ),
    }
}

/// After a write's commit: the kept board refreshed ([`refresh_board`]), then the events the
/// write caused for followed series recorded with their outbox rows
/// (`greenlight_sync::record_events_after_write`; a failure there is a warning, and the next
/// sync or write records them). `source` names the write in each event.
pub(crate) fn after_write(store: &mut Store, source: &str) {
    refresh_board(store);
    greenlight_sync::record_events_after_write(store, source);
}

/// What every command gets: the open store (starter catalog loaded) and the global flags.
pub struct Ctx {
    pub store: Store,
    pub global: Global,
}

pub fn run(cli: Cli) -> Result<()> {
    // The platform commands read Parquet directories, never the store: no store is opened
    // (or created) for them.
    #[cfg(feature = "platform")]
    let cli = match cli.command {
        Command::Platform(a) => return platform::run(a, cli.global.quiet),
        command => Cli { command, ..cli },
    };
    let mut store = Store::open(&cli.global.db)?;
    // The starter catalog is loaded into a store whose ledger is empty, on first use.
    greenlight_ledger::prepare(&mut store)?;
    let mut cx = Ctx {
        store,
        global: cli.global,
    };
    match cli.command {
        Command::Import(a) => import::run(a, &mut cx),
        Command::Search(a) => search::run(a, &mut cx),
        Command::Show(a) => show::run(a, &mut cx),
        Command::Hours(a) => hours::run(a, &mut cx),
        Command::Stats(a) => stats::run(a, &mut cx),
        Command::Unresolved(a) => unresolved::run(a, &mut cx),
        Command::Predict(a) => predict::run(a, &mut cx),
        Command::Backtest(a) => backtest::run(a, &mut cx),
        Command::Metrics(a) => metrics::run(a, &mut cx),
        Command::Labels(a) => labels::run(a, &mut cx),
        Command::Status(a) => status::run(a, &mut cx),
        Command::List(a) => list::run(a, &mut cx),
        Command::Timeline(a) => timeline::run(a, &mut cx),
        Command::Cast(a) => cast::run(a, &mut cx),
        Command::Reception(a) => reception::run(a, &mut cx),
        Command::Serve(a) => serve::run(a, cx),
        Command::Token(a) => token::run(a, &mut cx),
        Command::Claim(a) => claim::run(a, &mut cx),
        Command::Read(a) => read::run(a, &mut cx),
        Command::Check(a) => check::run(a, &mut cx),
        Command::Sync(a) => sync::run(a, &mut cx),
        Command::Sources(a) => sources::run(a, &mut cx),
        Command::Follow(a) => follow::run(a, &mut cx),
        Command::Unfollow(a) => follow::unfollow(a, &mut cx),
        Command::Deliveries(a) => deliveries::run(a, &mut cx),
        #[cfg(feature = "platform")]
        Command::Platform(_) => unreachable!("dispatched before the store is opened"),
    }
}
