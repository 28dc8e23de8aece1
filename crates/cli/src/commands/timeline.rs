//! `greenlight timeline SERIES`: every dated claim about a series, typed and from data.

use super::Ctx;
use crate::args::Json;
use crate::output::{self, outln};
use anyhow::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    pub series: String,
    #[command(flatten)]
    pub json: Json,
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let r = greenlight_ledger::timeline(&cx.store, &a.series)?;
    if a.json.json {
        return output::json(&r);
    }
    outln!(
        "{}: {} dated claims, oldest first",
        r.series.title,
        r.entries.len()
    );
    for e in &r.entries {
        // An undated claim sits at its publication date; say so rather than imply an event.
        let when = if e.dated_by == "published" {
            format!("{} (published)", e.date)
        } else {
            e.date.to_string()
        };
        outln!("  {when}  {}", output::sourced(&e.claim));
    }
    Ok(())
}
