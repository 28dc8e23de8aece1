//! Which changes a sync caused: the status changes of followed series and their new chart
//! weeks, as events.
//!
//! Status changes are found by comparing the ledger's status (the one `greenlight status`
//! reports) of each followed series before the import and after it, inside its transaction:
//! [`statuses`] is the one function that does it, to be replaced by the kept statuses'
//! `refresh` (branch `tracker2`), which returns the series that changed, when that lands.
//! Only followed series are compared (deriving every series' status takes seconds), so the
//! change feed holds the events of followed series.

use crate::SyncError;
use chrono::NaiveDate;
use greenlight_ledger::Status;
use greenlight_store::sync::{EventRow, NewEvent};
use greenlight_store::Store;
use serde::Serialize;
use std::collections::BTreeMap;

/// Every event kind, as `follow --events` names them.
pub const KINDS: &[&str] = &[
    "renewed",
    "canceled",
    "final_season",
    "release_date",
    "premiere",
    "status",
    "chart_week",
];

/// What of a status an event compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusKey {
    pub status: Status,
    pub next_season: u32,
    pub release_date: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
}

/// The status of each of `slugs` now (series the store cannot answer for are left out).
/// The swap point for the tracker's kept statuses.
pub fn statuses(store: &Store, slugs: &[String]) -> BTreeMap<String, StatusKey> {
    let mut out = BTreeMap::new();
    for slug in slugs {
        if let Ok(r) = greenlight_ledger::status(store, slug, None) {
            out.insert(
                slug.clone(),
                StatusKey {
                    status: r.status,
                    next_season: r.next_season,
                    release_date: r.release_date,
                    decided_on: r.decided_on,
                },
            );
        }
    }
    out
}

/// What was known before a change.
pub struct Snapshot {
    followed: Vec<String>,
    statuses: BTreeMap<String, StatusKey>,
    latest_week: Option<NaiveDate>,
}

impl Snapshot {
    pub fn take(store: &Store) -> Result<Snapshot, SyncError> {
        let followed = store.followed_series()?;
        Ok(Snapshot {
            statuses: statuses(store, &followed),
            latest_week: store.latest_chart_week()?,
            followed,
        })
    }
}

/// A status change as webhooks and the change feed send it.
#[derive(Debug, Serialize)]
struct StatusEvent<'a> {
    kind: &'a str,
    series: &'a str,
    from: &'a str,
    to: &'a str,
    next_season: u32,
    release_date: Option<NaiveDate>,
    decided_on: Option<NaiveDate>,
    /// Where the status comes from: the ledger's derivation over the store as of this sync.
    deciding_source: &'static str,
}

#[derive(Debug, Serialize)]
struct ChartEvent<'a> {
    kind: &'a str,
    series: &'a str,
    week: NaiveDate,
    category: &'a str,
    rank: u32,
    hours: i64,
    season: Option<&'a str>,
    deciding_source: &'static str,
}

/// The event kind of a status change.
fn kind_of(before: &StatusKey, after: &StatusKey) -> &'static str {
    if after.next_season > before.next_season && after.status == Status::AwaitingDecision {
        return "premiere";
    }
    match after.status {
        Status::Renewed | Status::Ordered => "renewed",
        Status::Canceled => "canceled",
        Status::FinalSeasonAnnounced | Status::Ended | Status::LimitedSeries => "final_season",
        Status::ReleaseDateAnnounced => "release_date",
        Status::AwaitingDecision => "status",
    }
}

/// Records (in the caller's transaction) the events between `before` and the store now.
pub fn record_changes(
    store: &Store,
    before: &Snapshot,
    source: &str,
    settle_ms: i64,
) -> Result<Vec<EventRow>, SyncError> {
    let now = crate::now_ms();
    let after = statuses(store, &before.followed);
    let mut ids = Vec::new();
    for (slug, a) in &after {
        let Some(b) = before.statuses.get(slug) else {
            continue;
        };
        if a == b {
            continue;
        }
        let kind = kind_of(b, a);
        let body = serde_json::to_string(&StatusEvent {
            kind,
            series: slug,
            from: b.status.as_str(),
            to: a.status.as_str(),
            next_season: a.next_season,
            release_date: a.release_date,
            decided_on: a.decided_on,
            deciding_source: "ledger status",
        })
        .map_err(|e| SyncError::Invalid(e.to_string()))?;
        ids.push(store.record_event(&NewEvent {
            at: now,
            series: slug,
            kind,
            source,
            body: &body,
            flip: (b.status != a.status).then_some((b.status.as_str(), a.status.as_str())),
            settle_ms,
        })?);
    }
    for slug in &before.followed {
        let Some(series) = store.series_by_slug(slug)? else {
            continue;
        };
        for w in store.chart_weeks(&series)? {
            if before.latest_week.is_some_and(|l| w.week_end <= l) {
                continue;
            }
            let body = serde_json::to_string(&ChartEvent {
                kind: "chart_week",
                series: slug,
                week: w.week_end,
                category: &w.category,
                rank: w.rank,
                hours: w.hours,
                season: w.season.as_deref(),
                deciding_source: "Netflix Top 10 (global)",
            })
            .map_err(|e| SyncError::Invalid(e.to_string()))?;
            ids.push(store.record_event(&NewEvent {
                at: now,
                series: slug,
                kind: "chart_week",
                source,
                body: &body,
                flip: None,
                settle_ms: 0,
            })?);
        }
    }
    let first = ids.iter().min().copied().unwrap_or(i64::MAX);
    let mut rows = store.events_since(first - 1, ids.len().max(1))?;
    rows.retain(|r| ids.contains(&r.id));
    Ok(rows)
}
