//! Status changes, and their Atom feeds.
//!
//! A *status change* is a dated step of the derived status: a season ordered/renewed/canceled/
//! ended (its `decided_on`), or a season premiering (after which the next one awaits a
//! decision). They come from the ledger's per-season outcomes, so the feed never says anything
//! the status page doesn't.

use crate::error::WebError;
use atom_syndication::{Entry, Feed, FixedDateTime, Link, Person, Text};
use chrono::{NaiveDate, TimeZone, Utc};
use greenlight_ledger::{self as ledger, ClaimValue, Status, StatusReport};
use greenlight_store::{SeriesRef, Store};
use rusqlite::params;

/// One dated status change of one series.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub series: SeriesRef,
    pub date: NaiveDate,
    /// False when the date is only a *no later than* bound (data evidence).
    pub exact: bool,
    pub season: u32,
    pub status: Status,
    pub text: String,
    /// The deciding source's name.
    pub source: String,
}

pub fn status_label(s: Status) -> &'static str {
    match s {
        Status::Ordered => "ordered",
        Status::AwaitingDecision => "awaiting decision",
        Status::Renewed => "renewed",
        Status::ReleaseDateAnnounced => "release date announced",
        Status::FinalSeasonAnnounced => "final season announced",
        Status::Canceled => "canceled",
        Status::Ended => "ended",
        Status::LimitedSeries => "limited series",
    }
}

/// The status changes in one series' report, newest first.
pub fn changes(report: &StatusReport) -> Vec<Change> {
    let mut out = Vec::new();
    for o in &report.seasons {
        let source_of = |premiere: bool| {
            o.evidence
                .iter()
                .find(|e| matches!(e.claim.claim.value, ClaimValue::Premiered { .. }) == premiere)
                .or(o.evidence.first())
                .map(|e| e.claim.claim.source.name.clone())
                .unwrap_or_default()
        };
        let source = source_of(false);
        if let Some(d) = o
            .decided_on
            .filter(|_| o.decision != Status::AwaitingDecision)
        {
            let text = match o.decision {
                Status::Canceled => {
                    format!("{}: canceled, no season {}", report.series.title, o.season)
                }
                Status::Ended => format!("{}: ended, no season {}", report.series.title, o.season),
                Status::LimitedSeries => format!(
                    "{}: a limited series, no season {}",
                    report.series.title, o.season
                ),
                s => format!(
                    "{}: season {} {}",
                    report.series.title,
                    o.season,
                    status_label(s)
                ),
            };
            out.push(Change {
                series: report.series.clone(),
                date: d,
                exact: o.decided_on_precision.is_none_or(|p| p.is_exact()),
                season: o.season,
                status: o.decision,
                text,
                source,
            });
        }
        if let Some(d) = o.premiered_on {
            out.push(Change {
                series: report.series.clone(),
                date: d,
                exact: o.premiered_on_precision.is_none_or(|p| p.is_exact()),
                season: o.season.saturating_add(1),
                status: Status::AwaitingDecision,
                text: format!(
                    "{}: season {} premiered; season {} awaits a decision",
                    report.series.title,
                    o.season,
                    o.season.saturating_add(1)
                ),
                source: source_of(true),
            });
        }
    }
    out.sort_by(|a, b| b.date.cmp(&a.date).then(b.season.cmp(&a.season)));
    out
}

/// The series the site-wide list follows: every TV series in the Top 10 in the last half-year of
/// data, and every series with typed claims. Deriving all ~10k series' status on a page view
/// would take seconds; these are the ones whose status can have changed lately.
fn followed(store: &Store) -> Result<Vec<SeriesRef>, WebError> {
    let has_ledger: bool = store
        .conn()
        .query_row(
            "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE name = 'ledger_claims')",
            [],
            |r| r.get(0),
        )
        .map_err(greenlight_store::StoreError::from)?;
    let ledger_part = if has_ledger {
        "UNION SELECT s.id FROM series s JOIN ledger_claims l ON l.series_slug = s.slug"
    } else {
        ""
    };
    let sql = format!(
        "SELECT s.id, s.slug, s.title, s.kind FROM series s WHERE s.kind != 'film' AND s.id IN (
            SELECT t.series_id FROM chart_weeks c JOIN titles t ON t.id = c.title_id
            WHERE c.week >= (SELECT date(max(week), '-182 days') FROM chart_weeks) AND t.series_id IS NOT NULL
            {ledger_part})
         ORDER BY s.slug"
    );
    let mut st = store
        .conn()
        .prepare(&sql)
        .map_err(greenlight_store::StoreError::from)?;
    let v = st
        .query_map(params![], |r| {
            Ok(SeriesRef {
                id: r.get(0)?,
                slug: r.get(1)?,
                title: r.get(2)?,
                kind: r.get(3)?,
            })
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(greenlight_store::StoreError::from)?;
    Ok(v)
}

/// The latest `limit` status changes across the followed series, newest first.
pub fn recent_changes(store: &Store, limit: usize) -> Result<Vec<Change>, WebError> {
    let mut all = Vec::new();
    for s in followed(store)? {
        let report = ledger::status_for(store, &s, None)?;
        all.extend(changes(&report));
    }
    all.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then(a.series.slug.cmp(&b.series.slug))
            .then(b.season.cmp(&a.season))
    });
    all.truncate(limit);
    Ok(all)
}

fn at_noon(d: NaiveDate) -> FixedDateTime {
    let t = d.and_hms_opt(12, 0, 0).unwrap_or_default();
    Utc.from_utc_datetime(&t).fixed_offset()
}

fn link(href: String) -> Link {
    Link {
        href,
        rel: "alternate".into(),
        mime_type: Some("text/html".into()),
        ..Default::default()
    }
}

/// An Atom document of `changes`; `base` is the site's absolute origin (`http://host:port`).
pub fn atom(base: &str, title: &str, self_path: &str, changes: &[Change]) -> Vec<u8> {
    let entries: Vec<Entry> = changes
        .iter()
        .map(|c| {
            let url = format!("{base}/series/{}", c.series.slug);
            let when = if c.exact {
                c.date.to_string()
            } else {
                format!("no later than {}", c.date)
            };
            Entry {
                id: format!("{url}#{}-season-{}-{}", c.date, c.season, c.status.as_str()),
                title: Text::plain(c.text.clone()),
                updated: at_noon(c.date),
                published: Some(at_noon(c.date)),
                links: vec![link(url)],
                summary: Some(Text::plain(format!(
                    "{} ({when}). Source: {}.",
                    c.text,
                    if c.source.is_empty() {
                        "the ledger"
                    } else {
                        &c.source
                    }
                ))),
                ..Default::default()
            }
        })
        .collect();
    let updated = changes
        .iter()
        .map(|c| c.date)
        .max()
        .map_or_else(|| at_noon(NaiveDate::default()), at_noon);
    let feed = Feed {
        title: Text::plain(title.to_string()),
        id: format!("{base}{self_path}"),
        updated,
        authors: vec![Person {
            name: "greenlight".into(),
            ..Default::default()
        }],
        links: vec![
            Link {
                href: format!("{base}{self_path}"),
                rel: "self".into(),
                ..Default::default()
            },
            link(format!("{base}/")),
        ],
        entries,
        ..Default::default()
    };
    feed.to_string().into_bytes()
}
