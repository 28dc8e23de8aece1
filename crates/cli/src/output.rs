//! Printing: JSON for programs, aligned text for people.

use anyhow::Result;
use serde::Serialize;

pub fn json<T: Serialize>(value: &T) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Thousands separators, the same as the web pages print.
pub use greenlight_web::pages::num;

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
