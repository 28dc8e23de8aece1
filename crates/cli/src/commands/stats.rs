//! `greenlight stats`: row counts per table and per dataset, with each dataset's date.

use super::Ctx;
use crate::args::Json;
use crate::output::{self, outln, thousands};
use anyhow::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub json: Json,
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let st = cx.store.stats()?;
    if a.json.json {
        return output::json(&st);
    }
    outln!("tables:");
    for t in &st.tables {
        outln!("  {:<16} {:>9}", t.table, thousands(t.rows));
    }
    outln!("datasets:");
    for d in &st.datasets {
        outln!(
            "  {:<22} {:>9} rows  as of {}  {} ({})",
            d.dataset,
            thousands(d.rows),
            d.as_of,
            d.file,
            d.publisher
        );
    }
    Ok(())
}
