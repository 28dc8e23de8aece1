//! The `greenlight` command line. Argument definitions live in [`args`] (the one place flags are
//! defined); each subcommand is a function that reads the store and prints either text for
//! people or `--json` for programs. Exit codes: 0 success, 1 a failed command (bad input, not
//! found), 2 a usage error (clap's).

mod args;
mod commands;
mod output;

pub use args::Cli;

use clap::Parser;
use std::process::ExitCode;

/// Entry point used by the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // anyhow's alternate format prints the whole cause chain on one line.
            eprintln!("greenlight: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
