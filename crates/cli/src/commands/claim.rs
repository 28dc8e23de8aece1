//! `greenlight claim add ...`: one claim into the ledger, checked exactly as a claims file's.

use super::Ctx;
use crate::args::Json;
use crate::output::{self, outln};
use anyhow::{anyhow, Context, Result};
use chrono::NaiveDate;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Add one claim. Fields are those of a claims file (crates/ledger/CLAIMS.md): the common ones
    /// have flags, any other is `--field NAME=VALUE`.
    Add(Add),
}

#[derive(Debug, clap::Args)]
pub struct Add {
    /// The claim kind (see crates/ledger/CLAIMS.md).
    #[arg(long, value_parser = crate::values::claim_kind())]
    pub kind: String,
    #[arg(long)]
    pub series: String,
    #[arg(long, value_parser = crate::values::season())]
    pub season: Option<u32>,
    #[arg(long)]
    pub person: Option<String>,
    /// When the event happened (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = crate::values::date)]
    pub event_date: Option<NaiveDate>,
    /// When the source published it (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = crate::values::date)]
    pub published: NaiveDate,
    #[arg(long)]
    pub source_name: String,
    /// platform, official, trade_press, dataset or fan_site.
    #[arg(long)]
    pub source_kind: String,
    #[arg(long)]
    pub source_url: Option<String>,
    #[arg(long, default_value = "cli")]
    pub entered_by: String,
    #[arg(long)]
    pub note: Option<String>,
    /// Any other field of the claim, as NAME=VALUE (repeatable).
    #[arg(long = "field", value_name = "NAME=VALUE")]
    pub fields: Vec<String>,
    #[command(flatten)]
    pub json: Json,
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let Action::Add(a) = a.action;
    // The claim goes through the claims file's own reader (`RawClaim`), so a field checked there
    // is checked here the same way, with the same messages.
    let mut obj = serde_json::Map::new();
    let mut put = |k: &str, v: serde_json::Value| {
        obj.insert(k.to_string(), v);
    };
    put("kind", a.kind.into());
    put("series", a.series.into());
    put("published", a.published.to_string().into());
    put("entered_by", a.entered_by.into());
    put(
        "source",
        serde_json::json!({"name": a.source_name, "kind": a.source_kind, "url": a.source_url}),
    );
    if let Some(v) = a.season {
        put("season", v.into());
    }
    if let Some(v) = a.person {
        put("person", v.into());
    }
    if let Some(v) = a.event_date {
        put("event_date", v.to_string().into());
    }
    if let Some(v) = a.note {
        put("note", v.into());
    }
    for f in a.fields {
        let (k, v) = f
            .split_once('=')
            .ok_or_else(|| anyhow!("--field {f:?}: expected NAME=VALUE"))?;
        // Numbers stay numbers (`hours=66010000`); everything else is text.
        let value = v
            .parse::<i64>()
            .map(serde_json::Value::from)
            .or_else(|_| v.parse::<f64>().map(serde_json::Value::from))
            .unwrap_or_else(|_| v.into());
        put(k, value);
    }
    let raw: greenlight_ledger::RawClaim =
        serde_json::from_value(serde_json::Value::Object(obj)).context("claim fields")?;
    let r = greenlight_ledger::add_raw_claim(&mut cx.store, raw)?;
    super::after_write(&mut cx.store, "claim add");
    if a.json.json {
        return output::json(&r);
    }
    outln!(
        "{} {}: {} (claim {})",
        if r.added { "added to" } else { "already in" },
        r.series,
        r.summary,
        r.hash
    );
    Ok(())
}
