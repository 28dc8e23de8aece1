//! `greenlight reception SERIES`: critic and audience scores per season, with their sources.

use super::Ctx;
use crate::args::Json;
use crate::output::{self, outln, thousands};
use anyhow::Result;
use greenlight_ledger::reception::{Basis, SourceRef};

#[derive(Debug, clap::Args)]
pub struct Args {
    pub series: String,
    #[command(flatten)]
    pub json: Json,
}

/// "Outlet <url> (2022-09-01)" for each source, joined.
fn sources(v: &[SourceRef]) -> String {
    v.iter().map(source).collect::<Vec<_>>().join("; ")
}

fn source(s: &SourceRef) -> String {
    let mut out = s.name.clone();
    if let Some(u) = &s.url {
        out.push_str(&format!(" <{u}>"));
    }
    if let Some(d) = s.published {
        out.push_str(&format!(" ({d})"));
    }
    out
}

fn basis(b: Basis) -> &'static str {
    match b {
        Basis::Computed => "computed from the reviews",
        Basis::Stated => "as stated",
    }
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let r = greenlight_ledger::reception(&cx.store, &a.series)?;
    if a.json.json {
        return output::json(&r);
    }
    if r.entries.is_empty() {
        outln!("{}: no critic or audience scores known", r.series.title);
        return Ok(());
    }
    outln!("{}: reception", r.series.title);
    for e in &r.entries {
        match e.season {
            Some(n) => outln!("  season {n}:"),
            None => outln!("  the series as a whole:"),
        }
        if let Some(rt) = &e.rotten_tomatoes {
            let avg = rt
                .average
                .map(|a| format!(", average {a:.1}/10"))
                .unwrap_or_default();
            let stated = rt
                .stated
                .as_ref()
                .map(|s| {
                    format!(
                        "; stated {}% of {} reviews",
                        s.percent,
                        thousands(s.reviews)
                    )
                })
                .unwrap_or_default();
            outln!(
                "    Rotten Tomatoes: {}% of {} reviews{avg} ({}{stated}) — {}",
                rt.percent,
                thousands(rt.reviews),
                basis(rt.basis),
                sources(&rt.sources)
            );
        }
        if let Some(mc) = &e.metacritic {
            let stated = mc
                .stated
                .as_ref()
                .map(|s| format!("; stated {} from {} critics", s.score, thousands(s.critics)))
                .unwrap_or_default();
            outln!(
                "    Metacritic: {} from {} critics, {} ({}{stated}) — {}",
                mc.score,
                thousands(mc.critics),
                mc.label,
                basis(mc.basis),
                sources(&mc.sources)
            );
        }
        for au in &e.audience {
            let votes = au
                .votes
                .map(|v| format!(" ({} votes)", thousands(v)))
                .unwrap_or_default();
            outln!(
                "    {} audience: {}/{}{votes} — {}",
                au.site,
                au.score,
                au.scale,
                source(&au.source)
            );
        }
    }
    Ok(())
}
