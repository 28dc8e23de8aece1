//! The `greenlight` command line, one module per subcommand (`commands/<command>.rs`, as
//! ruff's): each owns its clap `Args` and its `run`, which builds a typed report (from the
//! store, ledger, odds or report crate) and prints it as text for people or, with `--json`, as
//! the API's body for the same question. [`args`] holds only the global flags and the list of
//! subcommands; [`values`] the typed flag parsers. Exit codes: 0 success, 1 a failed command
//! (bad input, not found), 2 a usage error (clap's, including a malformed flag value).

mod args;
mod commands;
mod output;
mod values;

pub use args::Cli;

use clap::Parser;
use std::process::ExitCode;

/// Entry point used by the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped reading (`greenlight unresolved | head`) is not an error.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // anyhow's alternate format prints the whole cause chain on one line.
            eprintln!("greenlight: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .and_then(|j| j.io_error_kind())
                == Some(std::io::ErrorKind::BrokenPipe)
    })
}
