//! `greenlight sync [--sources F] [--due]`: every source fetched once (conditional GET), what
//! changed imported with its events in one transaction, then due deliveries sent once.

use super::Ctx;
use crate::args::Json;
use crate::output::{self, outln};
use anyhow::Result;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The sources file (else ./sources.toml if present, else the built-in default).
    #[arg(long, value_name = "FILE", env = "GREENLIGHT_SOURCES")]
    pub sources: Option<PathBuf>,
    /// Only the sources whose next run is due (as `serve --sync` does).
    #[arg(long)]
    pub due: bool,
    /// Record and queue, but send no deliveries.
    #[arg(long)]
    pub no_deliver: bool,
    #[command(flatten)]
    pub json: Json,
}

#[derive(serde::Serialize)]
struct Report {
    #[serde(flatten)]
    sync: greenlight_sync::SyncReport,
    deliveries: greenlight_sync::deliver::DeliverReport,
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let cfg = greenlight_sync::config::Config::load(a.sources.as_deref())?;
    let sync = greenlight_sync::sync(
        &mut cx.store,
        &cfg,
        &greenlight_sync::SyncOptions {
            only_due: a.due,
            staging: None,
        },
    )?;
    let deliveries = if a.no_deliver {
        Default::default()
    } else {
        greenlight_sync::deliver::deliver_due(&cx.store, &cfg)?
    };
    let failed = sync
        .sources
        .iter()
        .filter(|s| s.outcome == "failed")
        .count();
    if a.json.json {
        output::json(&Report { sync, deliveries })?;
    } else {
        for s in &sync.sources {
            let detail = match &s.error {
                Some(e) => format!(": {e}"),
                None if s.bytes > 0 => format!(" ({} bytes)", s.bytes),
                None => String::new(),
            };
            outln!("{:<24} {}{detail}", s.name, s.outcome.replace('_', " "));
            if let Some(n) = &s.note {
                outln!("  {n}");
            }
        }
        for f in &sync.files {
            outln!("  {} rows  {}  {}", f.rows, f.dataset, f.file);
        }
        outln!(
            "{} events recorded; deliveries: {} delivered, {} to retry, {} parked",
            sync.events.len(),
            deliveries.delivered,
            deliveries.failed,
            deliveries.parked
        );
    }
    if failed > 0 {
        anyhow::bail!(
            "{failed} source(s) failed (see `greenlight sources`); the others are applied"
        );
    }
    Ok(())
}
