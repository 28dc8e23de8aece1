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
    greenlight_web::serve_blocking(cx.global.db.clone(), a.addr)?;
    Ok(())
}
