//! Which changes a write caused: the status changes of followed series and their new chart
//! weeks, as events, from every write path (sync, `import`, `claim add`, `read --commit`,
//! `POST /api/v1/claims`, committed checks).
//!
//! Each followed series has a **baseline** in the store (what its followers were last told:
//! status, next season, release date, decision date, latest chart week). [`reconcile`] derives
//! the ledger status (the one `greenlight status` reports; [`statuses`]) of each followed
//! series and records one event per difference from its baseline, the outbox rows and the new
//! baseline in one transaction. A status event's `from` is the baseline's status, so a change
//! is reported once whoever wrote it, and one a crashed writer never reconciled is reported by
//! the next reconcile. Only followed series are derived (every series' status takes seconds),
//! so the change feed holds the events of followed series. (The kept board's `refresh` also
//! returns status changes, but only when the board is kept and only of the series it
//! re-derived; the baseline answers "since the followers were last told", which is the
//! question here.)

use crate::SyncError;
use chrono::NaiveDate;
use greenlight_ledger::Status;
use greenlight_store::sync::{Baseline, EventRow, NewEvent};
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

/// The event kind of a status change (`before_next`: the season the baseline awaited).
fn kind_of(before_next: u32, after: &StatusKey) -> &'static str {
    if after.next_season > before_next && after.status == Status::AwaitingDecision {
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

fn date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// A baseline holding `key` and the latest chart week `last_week`.
fn baseline(slug: &str, key: &StatusKey, last_week: Option<String>, at: i64) -> Baseline {
    Baseline {
        series: slug.to_string(),
        status: key.status.as_str().to_string(),
        next_season: key.next_season,
        release_date: date_text(key.release_date),
        decided_on: date_text(key.decided_on),
        last_week,
        at,
    }
}

/// [`baseline`], or one of an unknown status (`""`) when the status cannot be derived.
fn baseline_or_unknown(
    slug: &str,
    key: Option<&StatusKey>,
    last_week: Option<String>,
    at: i64,
) -> Baseline {
    match key {
        Some(k) => baseline(slug, k, last_week, at),
        None => Baseline {
            series: slug.to_string(),
            status: String::new(),
            next_season: 0,
            release_date: None,
            decided_on: None,
            last_week,
            at,
        },
    }
}

/// The latest chart week of a series now.
fn latest_week(store: &Store, slug: &str) -> Result<Option<String>, SyncError> {
    let Some(series) = store.series_by_slug(slug)? else {
        return Ok(None);
    };
    Ok(store
        .chart_weeks(&series)?
        .iter()
        .map(|w| w.week_end)
        .max()
        .map(|d| d.to_string()))
}

/// Takes the baseline of `slug` from the store as it is now (a new follow: its followers are
/// told of changes from here on). Overwrites one left from an earlier follow.
pub fn take_baseline(store: &Store, slug: &str) -> Result<(), SyncError> {
    let key = statuses(store, &[slug.to_string()]).remove(slug);
    store.put_sync_baseline(&baseline_or_unknown(
        slug,
        key.as_ref(),
        latest_week(store, slug)?,
        crate::now_ms(),
    ))?;
    Ok(())
}

/// Takes the baseline of every followed series that has none (a follow stored before
/// baselines existed), so the change about to be written is compared with the state before it.
pub fn ensure_baselines(store: &Store) -> Result<(), SyncError> {
    for slug in store.followed_series()? {
        if store.sync_baseline(&slug)?.is_none() {
            take_baseline(store, &slug)?;
        }
    }
    Ok(())
}

/// **The one place events come from.** Compares each followed series' status (the ledger's,
/// as `greenlight status` derives it) and chart weeks with its baseline, and records (in the
/// caller's transaction) an event per difference with one outbox row per follower, and the
/// new baseline. Every write path calls it after its commit (`crate::record_events`); the sync
/// calls it inside its own transaction. Because the baseline moves only with the events it
/// accounts for, a change whose writer died before reconciling is recorded by the next call
/// (the next write, the next `sync`, every round of `serve --sync`), and a change is never
/// recorded twice. A series with no baseline yet gets one, and no event.
pub fn reconcile(store: &Store, source: &str, settle_ms: i64) -> Result<Vec<EventRow>, SyncError> {
    let now = crate::now_ms();
    let mut ids = Vec::new();
    for slug in store.followed_series()? {
        // A series whose status cannot be derived still gets its chart weeks reported.
        let a = statuses(store, std::slice::from_ref(&slug)).remove(&slug);
        let Some(base) = store.sync_baseline(&slug)? else {
            store.put_sync_baseline(&baseline_or_unknown(
                &slug,
                a.as_ref(),
                latest_week(store, &slug)?,
                now,
            ))?;
            continue;
        };
        let mut next = base.clone();
        match &a {
            None => {}
            // Unknown before (not derivable then): now known, which is not news to anyone.
            Some(a) if base.status.is_empty() => {
                next = baseline(&slug, a, base.last_week.clone(), now);
            }
            Some(a) => {
                let same = base.status == a.status.as_str()
                    && base.next_season == a.next_season
                    && base.release_date == date_text(a.release_date)
                    && base.decided_on == date_text(a.decided_on);
                if !same {
                    let kind = kind_of(base.next_season, a);
                    let body = serde_json::to_string(&StatusEvent {
                        kind,
                        series: &slug,
                        from: &base.status,
                        to: a.status.as_str(),
                        next_season: a.next_season,
                        release_date: a.release_date,
                        decided_on: a.decided_on,
                        deciding_source: "ledger status",
                    })
                    .map_err(|e| SyncError::Invalid(e.to_string()))?;
                    ids.push(
                        store.record_event(&NewEvent {
                            at: now,
                            series: &slug,
                            kind,
                            source,
                            body: &body,
                            flip: (base.status != a.status.as_str())
                                .then_some((base.status.as_str(), a.status.as_str())),
                            settle_ms,
                        })?,
                    );
                    next = baseline(&slug, a, base.last_week.clone(), now);
                }
            }
        }
        if let Some(series) = store.series_by_slug(&slug)? {
            let mut weeks = store.chart_weeks(&series)?;
            weeks.sort_by_key(|w| w.week_end);
            for w in weeks {
                let week = w.week_end.to_string();
                if base.last_week.as_ref().is_some_and(|l| week <= *l) {
                    continue;
                }
                let body = serde_json::to_string(&ChartEvent {
                    kind: "chart_week",
                    series: &slug,
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
                    series: &slug,
                    kind: "chart_week",
                    source,
                    body: &body,
                    flip: None,
                    settle_ms: 0,
                })?);
                next.last_week = Some(week);
                next.at = now;
            }
        }
        if next != base {
            store.put_sync_baseline(&next)?;
        }
    }
    let first = ids.iter().min().copied().unwrap_or(i64::MAX);
    let mut rows = store.events_since(first - 1, ids.len().max(1))?;
    rows.retain(|r| ids.contains(&r.id));
    Ok(rows)
}
