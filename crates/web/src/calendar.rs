//! iCalendar feeds (issue 15): `/calendar.ics` (every series with announcements) and
//! `/series/{slug}/calendar.ics`, each filterable by `kind`. Every event is all-day (the
//! sources give days, never times) with a UID stable across requests and store rebuilds: a
//! hash of the series slug, the kind, the season and the date, so a calendar app updates an
//! entry instead of duplicating it.
//!
//! Kinds, all from the same status report the series page shows:
//! - `premieres`: the day a season premiered, as the ledger derives it (`premiered_on`);
//! - `release_dates`: every release date the ledger's claims announce, on that date;
//! - `decisions`: an announced decision (order, renewal, cancellation, final season, limited
//!   series, a release date announced), on the day it was announced ([`crate::feeds::changes`]).

use crate::feeds;
use chrono::{NaiveDate, TimeZone, Utc};
use greenlight_ledger::{ClaimValue, Fact, StatusReport};
use icalendar::{Calendar, Component, Event, EventLike};

/// The kinds a calendar can be filtered to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Premieres,
    ReleaseDates,
    Decisions,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Premieres, Kind::ReleaseDates, Kind::Decisions];
    pub fn name(self) -> &'static str {
        match self {
            Kind::Premieres => "premieres",
            Kind::ReleaseDates => "release_dates",
            Kind::Decisions => "decisions",
        }
    }
    /// `premieres,decisions` (names as above, comma-separated); all kinds when empty.
    pub fn parse_list(s: Option<&str>) -> Result<Vec<Kind>, String> {
        let Some(s) = s.filter(|s| !s.trim().is_empty()) else {
            return Ok(Kind::ALL.to_vec());
        };
        s.split(',')
            .map(|k| {
                Kind::ALL
                    .into_iter()
                    .find(|x| x.name() == k.trim())
                    .ok_or_else(|| {
                        format!("`kind` must be premieres, release_dates or decisions, not `{k}`")
                    })
            })
            .collect()
    }
}

/// One calendar entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub slug: String,
    pub kind: Kind,
    pub season: u32,
    pub date: NaiveDate,
    pub summary: String,
}

/// The entries of one series' report and its ledger claims (`facts`), of `kinds`.
pub fn entries(report: &StatusReport, facts: &[Fact], kinds: &[Kind]) -> Vec<Entry> {
    let slug = &report.series.slug;
    let title = &report.series.title;
    let mut out = Vec::new();
    for o in &report.seasons {
        if kinds.contains(&Kind::Premieres) {
            if let Some(d) = o.premiered_on {
                out.push(Entry {
                    slug: slug.clone(),
                    kind: Kind::Premieres,
                    season: o.season,
                    date: d,
                    summary: format!("{title}: season {} premieres", o.season),
                });
            }
        }
    }
    if kinds.contains(&Kind::ReleaseDates) {
        // Every release date the ledger's claims announce, each (season, date) once; the
        // report's own date for the next season even when only data implies it.
        let mut dates: Vec<(u32, NaiveDate)> = facts
            .iter()
            .filter_map(|f| match f.claim.value {
                ClaimValue::ReleaseDateAnnounced { release_date, .. } => {
                    Some((f.claim.season.unwrap_or(report.next_season), release_date))
                }
                _ => None,
            })
            .chain(report.release_date.map(|d| (report.next_season, d)))
            .collect();
        dates.sort();
        dates.dedup();
        for (season, d) in dates {
            out.push(Entry {
                slug: slug.clone(),
                kind: Kind::ReleaseDates,
                season,
                date: d,
                summary: format!("{title}: season {season} release date (announced)"),
            });
        }
    }
    if kinds.contains(&Kind::Decisions) {
        for c in feeds::changes(report) {
            out.push(Entry {
                slug: slug.clone(),
                kind: Kind::Decisions,
                season: c.season,
                date: c.date,
                summary: c.text(),
            });
        }
    }
    out.sort_by(|a, b| {
        (a.date, &a.slug, a.kind.name(), a.season).cmp(&(b.date, &b.slug, b.kind.name(), b.season))
    });
    out.dedup();
    out
}

/// The stable UID of an entry.
pub fn uid(e: &Entry) -> String {
    let key = format!("{}|{}|{}|{}", e.slug, e.kind.name(), e.season, e.date);
    let h = greenlight_store::hash::sha256_hex(key.as_bytes());
    format!("{}@greenlight", &h[..32])
}

/// The iCalendar text of `entries`; `base` is the site's origin for each entry's URL.
pub fn render(name: &str, base: &str, entries: &[Entry]) -> String {
    let mut cal = Calendar::new();
    cal.name(name);
    for e in entries {
        let stamp = Utc.from_utc_datetime(&e.date.and_hms_opt(0, 0, 0).unwrap_or_default());
        cal.push(
            Event::new()
                .uid(&uid(e))
                .timestamp(stamp)
                .starts(e.date)
                // All-day: DTEND is the next day (exclusive, RFC 5545 3.6.1).
                .ends(e.date.succ_opt().unwrap_or(e.date))
                .summary(&e.summary)
                .add_property("CATEGORIES", e.kind.name())
                .url(&format!("{base}/series/{}", e.slug))
                .done(),
        );
    }
    cal.done().to_string()
}
