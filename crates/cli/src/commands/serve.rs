//! `greenlight serve [--addr A] [--import PATH...]`: the web site, JSON API and feeds.

use super::Ctx;
use anyhow::Result;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Import these files or folders first, exactly as `import` does (one transaction;
    /// unchanged files are skipped in a fraction of a second), so one command brings the
    /// store up to date and serves it.
    #[arg(long = "import", value_name = "PATH")]
    pub import: Vec<PathBuf>,
    /// Also sync the sources of sources.toml on their schedule and send webhook deliveries
    /// (a worker thread beside the server).
    #[arg(long)]
    pub sync: bool,
    /// The sources file for `--sync` (else ./sources.toml if present, else the built-in one).
    #[arg(long, value_name = "FILE", env = "GREENLIGHT_SOURCES")]
    pub sources: Option<PathBuf>,
}

pub fn run(a: Args, mut cx: Ctx) -> Result<()> {
    if !a.import.is_empty() {
        super::import::run(
            super::import::Args {
                paths: a.import,
                manifest: None,
                format: None,
                replace: false,
                json: crate::args::Json { json: false },
            },
            &mut cx,
        )?;
    }
    // The server opens its own connections; this one would only hold the file.
    drop(cx.store);
    if !cx.global.quiet {
        eprintln!(
            "greenlight: serving {} on http://{}/",
            cx.global.db.display(),
            a.addr
        );
    }
    if a.sync {
        let cfg = greenlight_sync::config::Config::load(a.sources.as_deref())?;
        let (db, quiet) = (cx.global.db.clone(), cx.global.quiet);
        std::thread::spawn(move || greenlight_sync::run_forever(db, cfg, quiet));
    }
    greenlight_web::serve_blocking(cx.global.db.clone(), a.addr)?;
    Ok(())
}
