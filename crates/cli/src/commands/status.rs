//! `greenlight status SERIES [--as-of D]`: the derived status of the next season, its evidence
//! and contradictions, odds only while the decision is open, and the next season's outlook while
//! one may still come (`greenlight_report::status`).

use super::Ctx;
use crate::args::Json;
use crate::output::{self, outln, words};
use anyhow::Result;
use chrono::NaiveDate;
use greenlight_ledger::Role;
use greenlight_report::{OddsOrWhy, Outlook, OutlookSource};

#[derive(Debug, clap::Args)]
pub struct Args {
    pub series: String,
    /// Evaluate with only the claims and data published by this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = crate::values::date)]
    pub as_of: Option<NaiveDate>,
    #[command(flatten)]
    pub json: Json,
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let v = greenlight_report::status(&cx.store, &a.series, a.as_of)?;
    if a.json.json {
        return output::json(&v);
    }
    let r = &v.status;
    outln!(
        "{}: {} (next season {}{}{})",
        r.series.title,
        r.status.as_str(),
        r.next_season,
        r.release_date
            .map(|d| format!(", release date {d}"))
            .unwrap_or_default(),
        match r.decided_on {
            Some(_) => format!(
                ", decided{}",
                output::dated(r.decided_on, r.decided_on_precision)
            ),
            None => String::new(),
        }
    );
    match &v.odds {
        Some(OddsOrWhy::Odds(o)) => {
            outln!(
                "  odds of renewal: {:.0}% (model backtest AUC {})",
                o.probability * 100.0,
                o.backtest_auc
                    .map_or_else(|| "unknown".to_string(), |a| format!("{a:.2}"))
            );
            if let Some(f) = &o.decision_forecast {
                outln!("  when: {}", output::decision_forecast(f));
            }
        }
        Some(OddsOrWhy::Unavailable { unavailable }) => {
            outln!("  odds of renewal: unavailable ({unavailable})")
        }
        None => {}
    }
    if let Some(w) = &v.premiere_window {
        outln!("  when: {}", output::premiere_window(w));
    }
    for o in r
        .seasons
        .iter()
        .filter(|o| o.season > r.next_season && !o.premiered && o.decision.is_continuing())
    {
        outln!("  also: season {} {}", o.season, words(o.decision.as_str()));
    }
    for e in &r.evidence {
        let role = match e.role {
            Role::Deciding => "deciding",
            Role::Context => "context",
            Role::Superseded => "superseded",
        };
        outln!("  evidence [{role}]: {}", output::sourced(&e.claim));
    }
    for c in &r.contradictions {
        outln!("  contradiction: {}", c.reason);
    }
    if let Some(o) = &v.outlook {
        outlook(o)?;
    }
    Ok(())
}

/// A source as the other lines print one: its name, and its link in angle brackets.
fn source(s: &OutlookSource) -> String {
    match &s.url {
        Some(u) => format!("{} <{u}>", s.name),
        None => s.name.clone(),
    }
}

/// The outlook lines, after the status: each item only when the report has it, as on the page.
fn outlook(o: &Outlook) -> Result<()> {
    let last = o.season.saturating_sub(1);
    for m in &o.returning_cast {
        let playing = if m.characters.is_empty() {
            String::new()
        } else {
            format!(" as {}", output::and_list(&m.characters))
        };
        outln!(
            "  season {} outlook: likely returning {}{playing} (a regular of season {last}; {})",
            o.season,
            m.person,
            output::and_list(&m.sources)
        );
    }
    if let Some(e) = &o.expected_episodes {
        outln!(
            "  season {} outlook: {} episodes expected (season {}'s count) — {}",
            o.season,
            e.count,
            e.of_season,
            source(&e.source)
        );
    }
    if let Some(t) = &o.trailer {
        outln!(
            "  season {} outlook: trailer <{}> — {}",
            o.season,
            t.url,
            source(&t.source)
        );
    }
    for st in &o.open_storylines {
        let when = st
            .season
            .map(|s| format!(" (end of season {s})"))
            .unwrap_or_default();
        outln!(
            "  season {} outlook: open storyline{when}: {} — {}",
            o.season,
            st.text,
            source(&st.source)
        );
    }
    Ok(())
}
