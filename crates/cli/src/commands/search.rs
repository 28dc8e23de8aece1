//! `greenlight search TEXT`: every spelling of every series and season, fuzzy, best first.

use super::Ctx;
use crate::args::Json;
use crate::output::{self, outln};
use anyhow::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Any spelling, native titles included.
    pub text: String,
    /// At most this many hits.
    #[arg(long, default_value_t = 10, value_parser = crate::values::limit())]
    pub limit: usize,
    #[command(flatten)]
    pub json: Json,
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let hits = cx.store.search(&a.text, a.limit)?;
    if a.json.json {
        return output::json(&hits);
    }
    if hits.is_empty() {
        outln!("no match for \"{}\"", a.text);
    }
    for h in hits {
        outln!(
            "{:.3}  {}  ({}, matched \"{}\")",
            h.score,
            h.series.title,
            h.series.slug,
            h.matched
        );
    }
    Ok(())
}
