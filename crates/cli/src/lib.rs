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
