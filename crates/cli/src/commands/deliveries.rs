//! `greenlight deliveries [--json] [--replay ID]`: the webhook outbox, newest first.

use super::Ctx;
use crate::args::Json;
use crate::output::{self, outln};
use anyhow::{bail, Result};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Put this delivery back in its queue and send it (and whatever is due) now.
    #[arg(long, value_name = "ID")]
    pub replay: Option<i64>,
    /// The sources file whose `[delivery]` settings a replay uses.
    #[arg(long, value_name = "FILE", env = "GREENLIGHT_SOURCES")]
    pub sources: Option<std::path::PathBuf>,
    /// Rows listed (newest first).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u16).range(1..=10000))]
    pub limit: u16,
    #[command(flatten)]
    pub json: Json,
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    if let Some(id) = a.replay {
        if !cx.store.has_sync_schema()?
            || !cx.store.replay_delivery(id, greenlight_sync::now_ms())?
        {
            bail!("no delivery #{id}");
        }
        let cfg = greenlight_sync::config::Config::load(a.sources.as_deref())?;
        let r = greenlight_sync::deliver::deliver_due(&cx.store, &cfg)?;
        outln!(
            "replayed #{id}: {} delivered, {} to retry, {} parked",
            r.delivered,
            r.failed,
            r.parked
        );
        return Ok(());
    }
    let rows = cx.store.deliveries(a.limit as usize)?;
    if a.json.json {
        return output::json(&serde_json::json!({ "deliveries": rows }));
    }
    if rows.is_empty() {
        outln!("no deliveries");
    }
    for d in &rows {
        let when = match d.state.as_str() {
            "delivered" => format!("at {}", super::sources::when(d.delivered_at)),
            "pending" => format!(
                "next attempt {}",
                super::sources::when(Some(d.next_attempt))
            ),
            _ => String::new(),
        };
        outln!(
            "#{} {} event {} ({} {}) to {}: {} after {} attempt(s) {when}",
            d.id,
            d.state,
            d.event_id,
            d.kind,
            d.series,
            d.url,
            d.state,
            d.attempts
        );
        if let Some(e) = &d.last_error {
            outln!("  last error: {e}");
        }
    }
    Ok(())
}
