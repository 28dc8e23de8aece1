//! `greenlight unresolved`: spellings that could name several series, with their candidates.

use super::Ctx;
use crate::args::Json;
use crate::output::{self, outln};
use anyhow::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub json: Json,
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let r = cx.store.unresolved()?;
    if a.json.json {
        return output::json(&r);
    }
    outln!(
        "{} of {} distinct spellings unresolved ({}%)",
        r.unresolved,
        r.distinct_titles,
        r.percent
    );
    for e in &r.entries {
        let t = if e.season_title.is_empty() {
            &e.show_title
        } else {
            &e.season_title
        };
        outln!(
            "  [{}] {t}: {} (candidates: {})",
            e.source,
            e.reason,
            e.candidates.join("; ")
        );
    }
    Ok(())
}
