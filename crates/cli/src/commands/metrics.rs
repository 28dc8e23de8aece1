//! `greenlight metrics SERIES --season N [--as-of D]`: a season's launch metrics as of a date.

use super::Ctx;
use crate::args::Json;
use crate::output::{self, numf, or_unknown, outln, pct};
use anyhow::Result;
use chrono::NaiveDate;
use greenlight_odds::metrics::PremiereSource;

#[derive(Debug, clap::Args)]
pub struct Args {
    pub series: String,
    #[arg(long, value_parser = crate::values::season())]
    pub season: u32,
    /// Use only data published by this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = crate::values::date)]
    pub as_of: Option<NaiveDate>,
    #[command(flatten)]
    pub json: Json,
}

fn ratio(r: Option<f64>) -> String {
    or_unknown(r, |r| format!("{r:.2}"))
}

pub fn run(a: Args, cx: &mut Ctx) -> Result<()> {
    let m = greenlight_odds::metrics(&cx.store, &a.series, a.season, a.as_of)?;
    if a.json.json {
        return output::json(&m);
    }
    outln!("{} season {} as of {}", m.series, m.season, m.as_of);
    match &m.premiere {
        Some(p) => outln!(
            "  premiere: {} ({}){}",
            p.date,
            match p.source {
                PremiereSource::ReleaseDate => "release date",
                PremiereSource::FirstChartWeek => "start of its first chart week",
            },
            if p.launch_charted {
                ""
            } else {
                "; its launch is not in the chart data"
            }
        ),
        None => outln!("  premiere: unknown"),
    }
    outln!(
        "  category: {}; runtime: {}",
        m.category.as_deref().unwrap_or("unknown"),
        or_unknown(m.runtime_hours, |h| format!("{h:.1} hours"))
    );
    match (m.first_chart_week, m.last_chart_week) {
        (Some(first), Some(last)) => outln!(
            "  Top 10: {} weeks, peak #{}, weeks ending {first} .. {last}",
            m.weeks_in_top10,
            or_unknown(m.peak_rank, |r| r.to_string())
        ),
        _ => outln!("  Top 10: never charted"),
    }
    for w in &m.windows {
        outln!(
            "  first {} days{}: {} hours, {} views, {} chart weeks (peak {}); view share {} of its list, {} of all lists, adjusted {}",
            w.days,
            if w.complete { "" } else { " (not yet complete)" },
            numf(w.hours),
            or_unknown(w.views, numf),
            w.chart_weeks,
            or_unknown(w.peak_rank, |r| format!("#{r}")),
            or_unknown(w.view_share_list, pct),
            or_unknown(w.view_share_all, pct),
            or_unknown(w.adjusted_view_share, pct)
        );
    }
    let r = &m.retention;
    outln!(
        "  retention: week 2 / week 1 {}, week 4 / peak {}, mean week over week {}",
        ratio(r.week2_over_week1),
        ratio(r.week4_over_peak),
        ratio(r.mean_week_over_week)
    );
    for w in &m.weekly {
        outln!(
            "    week ending {} (published {}): #{} {}, {} hours, {} views{}",
            w.week_end,
            w.published,
            w.rank,
            w.category,
            numf(w.hours),
            or_unknown(w.views, numf),
            w.retention
                .map(|r| format!(", {r:.2} of the week before"))
                .unwrap_or_default()
        );
    }
    for e in &m.engagement {
        outln!(
            "  engagement {}: {} hours, {} views, available {} days (published {})",
            e.report,
            numf(e.hours),
            or_unknown(e.views, numf),
            e.days_available,
            e.published
        );
    }
    if let Some(t) = &m.long_tail {
        outln!(
            "  long tail: {} hours per later half-year for each launch hour ({} later hours in {}; launch {} hours from {})",
            format_args!("{:.2}", t.ratio_per_half_year),
            numf(t.later_hours),
            if t.later_reports.is_empty() {
                "no later report".to_string()
            } else {
                t.later_reports.join(", ")
            },
            numf(t.launch_hours),
            t.launch_source
        );
    }
    if let Some(c) = &m.countries {
        let regions: Vec<String> = c
            .by_region
            .iter()
            .map(|(r, n)| format!("{r} {n}"))
            .collect();
        outln!(
            "  countries: charted in {} ({}), {} country weeks covered, ARPU weight {}",
            c.countries_charted,
            regions.join(", "),
            c.weeks_covered,
            ratio(c.arpu_weight)
        );
    }
    outln!(
        "  adjusted view share (91 days): {}",
        or_unknown(m.adjusted_view_share, pct)
    );
    if let Some(i) = &m.impact {
        outln!(
            "  impact value: {:.2} (cost ${} = {} of revenue over {} days; {})",
            i.impact_value,
            numf(i.cost_usd),
            pct(i.cost_share),
            i.window_days,
            i.cost_source
        );
    }
    for n in &m.notes {
        outln!("  note: {n}");
    }
    Ok(())
}
