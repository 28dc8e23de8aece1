//! `greenlight cast SERIES`: cast with their characters, and crew, from the ledger and
//! JustWatch's credits.

use super::Ctx;
use crate::args::Json;
use crate::output::{self, and_list, outln};
use anyhow::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    pub series: String,
    #[command(flatten)]
    pub json: Json,
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let r = greenlight_ledger::cast(&cx.store, &a.series)?;
    if a.json.json {
        return output::json(&r);
    }
    if let Some(why) = &r.none_known {
        outln!("{}: no cast or crew known: {why}", r.series.title);
        return Ok(());
    }
    outln!("{}: cast and crew", r.series.title);
    if !r.cast.is_empty() {
        outln!("  cast:");
    }
    for c in &r.cast {
        let mut line = format!("    {}", c.person);
        if !c.characters.is_empty() {
            line.push_str(&format!(" as {}", and_list(&c.characters)));
        }
        let mut notes = Vec::new();
        if let Some(t) = c.tier {
            notes.push(format!("{t:?}").to_lowercase());
        }
        if !c.seasons.is_empty() {
            let s: Vec<String> = c.seasons.iter().map(u32::to_string).collect();
            notes.push(format!(
                "season{} {}",
                if s.len() > 1 { "s" } else { "" },
                and_list(&s)
            ));
        }
        if let Some(d) = c.announced {
            notes.push(format!("announced {d}"));
        }
        if !notes.is_empty() {
            line.push_str(&format!(" ({})", notes.join(", ")));
        }
        line.push_str(&format!(" — {}", and_list(&c.sources)));
        outln!("{line}");
    }
    if !r.crew.is_empty() {
        outln!("  crew:");
    }
    for c in &r.crew {
        let episodes = if c.episodes.is_empty() {
            String::new()
        } else {
            format!(" (episodes {})", and_list(&c.episodes))
        };
        outln!(
            "    {}: {}{episodes} — {}",
            c.person,
            and_list(&c.roles),
            and_list(&c.sources)
        );
    }
    Ok(())
}
