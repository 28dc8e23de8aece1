//! `greenlight sources [--json]`: each synced source's state (last success, last error,
//! validators, next run).

use super::Ctx;
use crate::args::Json;
use crate::output::{self, outln};
use anyhow::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub json: Json,
}

/// Unix milliseconds as RFC 3339 (UTC), for people.
pub fn when(ms: Option<i64>) -> String {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| "never".into())
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let sources = cx.store.sync_sources()?;
    if a.json.json {
        return output::json(&serde_json::json!({ "sources": sources }));
    }
    if sources.is_empty() {
        outln!("no source synced yet (run `greenlight sync`)");
    }
    for s in &sources {
        outln!("{} ({}) {}", s.name, s.kind, s.url);
        outln!(
            "  last: {} ({}); last success {}; next run {}",
            s.last_outcome
                .as_deref()
                .unwrap_or("never run")
                .replace('_', " "),
            when(s.last_attempt),
            when(s.last_success),
            when(s.next_run)
        );
        if let Some(n) = &s.last_note {
            outln!("  {n}");
        }
        if let Some(e) = &s.last_error {
            outln!("  error ({} in a row): {e}", s.failures);
        }
    }
    Ok(())
}
