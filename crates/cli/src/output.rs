//! Printing: JSON for programs, plain text for people. Text renderers read the typed reports
//! (never a `serde_json::Value`), so a renamed field is a compile error here, not a blank line.

use anyhow::Result;
use serde::Serialize;

/// `println!` that returns an error instead of panicking when stdout is closed (`| head`):
/// the binary turns a broken pipe into a quiet success.
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($t)*)?
    }};
}
pub(crate) use outln;

/// `--json`: the report exactly as the API serves it, pretty-printed.
pub fn json<T: Serialize>(value: &T) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Thousands separators: the one formatter, the same the web pages print.
pub use greenlight_ledger::numbers::thousands;

/// A float count (hours, views) rounded to a whole number, with separators.
pub fn numf(n: f64) -> String {
    thousands(n.round() as i64)
}

/// A fraction (0..1) as a percentage; small shares keep more digits so they are not all "0%".
pub fn pct(f: f64) -> String {
    let p = f * 100.0;
    if p.abs() >= 10.0 {
        format!("{p:.0}%")
    } else if p.abs() >= 1.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.2}%")
    }
}

/// An optional value, or "unknown".
pub fn or_unknown<T>(v: Option<T>, f: impl FnOnce(T) -> String) -> String {
    v.map_or_else(|| "unknown".to_string(), f)
}

/// "A", "A and B", "A, B and C": how a person lists names (characters, roles, sources).
pub fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => format!(
            "{} and {}",
            rest.iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

/// A snake_case word from the JSON contract (`awaiting_decision`) as words.
pub fn words(s: &str) -> String {
    s.replace('_', " ")
}

/// A date with its precision, as every command prints one (`DatePrecision::phrase`): " on D",
/// " by D", " (reported by D)".
pub fn dated(
    date: Option<chrono::NaiveDate>,
    precision: Option<greenlight_ledger::DatePrecision>,
) -> String {
    use greenlight_ledger::DatePrecision;
    match (date, precision.unwrap_or_default()) {
        (None, _) => String::new(),
        (Some(d), p @ DatePrecision::ReportedBy) => format!(" ({})", p.phrase(d)),
        (Some(d), p) => format!(" {}", p.phrase(d)),
    }
}

/// A claim with its source: "summary — Outlet <url>" (or the dataset and row it rests on).
pub fn sourced(e: &greenlight_ledger::EvidenceClaim) -> String {
    let src = &e.claim.source;
    let mut s = format!("{} — {}", e.summary, src.name);
    if let Some(u) = &src.url {
        s.push_str(&format!(" <{u}>"));
    }
    if let greenlight_ledger::Origin::Data { detail, .. } = &e.origin {
        s.push_str(&format!(" [{detail}]"));
    }
    s
}

/// One line for a decision forecast (issue 16): the chances by 30/90/180 days, the median and
/// the 80% interval.
pub fn decision_forecast(f: &greenlight_odds::when::DecisionForecast) -> String {
    let p = |v: Option<f64>| or_unknown(v, pct);
    let d = |v: Option<chrono::NaiveDate>| or_unknown(v, |d| d.to_string());
    format!(
        "decision within 30 days {}, 90 days {}, 180 days {}; median {}; 80% interval {} .. {} ({} cohort, {} decisions, {} censored)",
        p(f.within_30_days),
        p(f.within_90_days),
        p(f.within_180_days),
        d(f.median),
        d(f.interval_80.from),
        or_unknown(f.interval_80.to, |d| d.to_string()).replace("unknown", "open-ended"),
        words(&f.cohort),
        f.decisions,
        f.censored
    )
}

/// One line for a renewed season's premiere window.
pub fn premiere_window(w: &greenlight_odds::when::PremiereWindow) -> String {
    let d = |v: Option<chrono::NaiveDate>| or_unknown(v, |d| d.to_string());
    format!(
        "season {} may premiere around {} (80% window {} .. {}; from {} renewals, {} not yet premiered)",
        w.season,
        d(w.median),
        d(w.interval_80.from),
        or_unknown(w.interval_80.to, |d| d.to_string()).replace("unknown", "open-ended"),
        w.renewals,
        w.censored
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_english() {
        assert_eq!(and_list::<&str>(&[]), "");
        assert_eq!(and_list(&["Joyce Byers"]), "Joyce Byers");
        assert_eq!(
            and_list(&["Eleven", "Jane Hopper"]),
            "Eleven and Jane Hopper"
        );
        assert_eq!(and_list(&["A", "B", "C"]), "A, B and C");
    }

    #[test]
    fn percentages_keep_small_shares_visible() {
        assert_eq!(pct(0.5), "50%");
        assert_eq!(pct(0.0123), "1.2%");
        assert_eq!(pct(0.000_42), "0.04%");
    }
}
