//! Issue 15's tables, as stored (component `sync`): each synced source's state, the events a
//! sync recorded, who follows which series, and the durable outbox of webhook deliveries. The
//! store owns these statements; what they mean (when to fetch, how to sign, how long to back
//! off) is `greenlight-sync`'s.
//!
//! Every write here runs on the store's one connection, so inside a [`crate::WriteTx`] it is
//! part of that transaction: an import, the events it caused and their outbox rows commit
//! together or not at all (the outbox is "transactional": no event without its deliveries, no
//! delivery of an event that was rolled back).
//!
//! Times are Unix milliseconds (UTC), so due rows are found by one integer comparison.

use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE sync_sources (
    name TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    sha256 TEXT,                 -- of the last body imported
    last_attempt INTEGER,
    last_success INTEGER,
    last_outcome TEXT,           -- imported | not_modified | unchanged | failed
    last_error TEXT,             -- NULL after a success
    failures INTEGER NOT NULL DEFAULT 0,  -- consecutive
    next_run INTEGER,
    bytes INTEGER                -- transferred by the last attempt
);
CREATE TABLE sync_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,   -- the cursor of /api/v1/changes; never reused
    at INTEGER NOT NULL,
    series TEXT NOT NULL,        -- slug
    kind TEXT NOT NULL,
    source TEXT NOT NULL,        -- the synced source (or command) whose change caused it
    body TEXT NOT NULL,          -- JSON: the event as webhooks and the change feed send it
    settled_by INTEGER           -- the later event that flipped this one back within the settle window
);
CREATE INDEX sync_events_series ON sync_events(series, id);
CREATE TABLE sync_follows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    series TEXT NOT NULL,
    url TEXT NOT NULL,
    secret TEXT,                 -- the HMAC key; kept as given, since signing needs it
    events TEXT NOT NULL,        -- comma-separated kinds, or '*'
    created INTEGER NOT NULL,
    UNIQUE (series, url)
);
CREATE TABLE sync_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    follow_id INTEGER NOT NULL,
    event_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    state TEXT NOT NULL,         -- pending | delivered | parked | settled
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt INTEGER NOT NULL,   -- not before the settle window has passed
    last_error TEXT,
    delivered_at INTEGER,
    UNIQUE (follow_id, event_id)
);
CREATE INDEX sync_outbox_due ON sync_outbox(state, follow_id, event_id);
"#];

/// Component `sync2`'s migrations (issue 15, second pass): a note on what the last import of a
/// source did (which chart weeks it added or corrected).
/// And a follow's allowance to post to a loopback, private or link-local address (made with
/// `follow --allow-private`, or over the API of a server that allows private fetches: tests);
/// every follow stored before it is public-only, as the API's were.
/// And the **baseline** of each followed series: the status (and latest chart week) its
/// followers were last told of. Every write path reconciles it with the status derived now
/// (`greenlight_sync::events::reconcile`): a difference is an event, recorded with its outbox
/// rows and the new baseline in one transaction, so a change committed by a process that died
/// before reconciling is found by the next reconcile, never lost.
const MIGRATIONS_2: &[&str] = &[
    "ALTER TABLE sync_sources ADD COLUMN last_note TEXT;",
    "ALTER TABLE sync_follows ADD COLUMN allow_private INTEGER NOT NULL DEFAULT 0;",
    r#"CREATE TABLE sync_baselines (
    series TEXT PRIMARY KEY,     -- slug
    status TEXT NOT NULL,        -- the ledger status last notified (Status::as_str)
    next_season INTEGER NOT NULL,
    release_date TEXT,
    decided_on TEXT,
    last_week TEXT,              -- the latest chart week of the series notified (or seen at follow)
    at INTEGER NOT NULL
);"#,
];

/// A followed series' baseline (see [`MIGRATIONS_2`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    pub series: String,
    pub status: String,
    pub next_season: u32,
    pub release_date: Option<String>,
    pub decided_on: Option<String>,
    pub last_week: Option<String>,
    pub at: i64,
}

/// One synced source's state, as `greenlight sources` shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceState {
    pub name: String,
    pub url: String,
    pub kind: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub sha256: Option<String>,
    pub last_attempt: Option<i64>,
    pub last_success: Option<i64>,
    pub last_outcome: Option<String>,
    pub last_error: Option<String>,
    pub failures: i64,
    pub next_run: Option<i64>,
    pub bytes: Option<i64>,
    /// What the last import of it did, when it says more than `last_outcome` (a Top 10 stored
    /// week by week: the weeks added, the weeks corrected).
    pub last_note: Option<String>,
}

/// An event as recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventRow {
    pub id: i64,
    pub at: i64,
    pub series: String,
    pub kind: String,
    pub source: String,
    /// The event body (JSON text), exactly what a webhook receives as `event`.
    pub body: String,
    pub settled_by: Option<i64>,
}

/// A follow: a webhook for one series' events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowRow {
    pub id: i64,
    pub series: String,
    pub url: String,
    /// Whether a secret signs the deliveries (the secret itself is never listed).
    pub signed: bool,
    pub events: String,
    pub created: i64,
}

/// One outbox row with what sending it needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeliveryRow {
    pub id: i64,
    pub follow_id: i64,
    pub event_id: i64,
    pub url: String,
    pub series: String,
    pub kind: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt: i64,
    pub last_error: Option<String>,
    pub delivered_at: Option<i64>,
    #[serde(skip)]
    pub secret: Option<String>,
    #[serde(skip)]
    pub body: String,
    /// Whether its follow may post to a loopback, private or link-local address.
    #[serde(skip)]
    pub allow_private: bool,
}

const SOURCE_COLS: &str = "name, url, kind, etag, last_modified, sha256, last_attempt, last_success, last_outcome, last_error, failures, next_run, bytes";

/// [`SOURCE_COLS`] and the note: a store not yet migrated to `sync2` (written by an older
/// binary, read without a write) reads a NULL note.
fn source_cols(store: &Store) -> Result<String, StoreError> {
    Ok(format!(
        "{SOURCE_COLS}, {}",
        if has_column(store, "sync_sources", "last_note")? {
            "last_note"
        } else {
            "NULL"
        }
    ))
}

/// Whether `table` has `column` (a `sync2` column, on a store an older binary wrote).
fn has_column(store: &Store, table: &str, column: &str) -> Result<bool, StoreError> {
    Ok(store.conn().query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2)",
        [table, column],
        |r| r.get(0),
    )?)
}

/// [`DELIVERY_COLS`] and the follow's allowance (`0` before `sync2`: public only).
fn delivery_cols(store: &Store) -> Result<String, StoreError> {
    Ok(format!(
        "{DELIVERY_COLS}, {}",
        if has_column(store, "sync_follows", "allow_private")? {
            "f.allow_private"
        } else {
            "0"
        }
    ))
}

fn source_row(r: &rusqlite::Row) -> rusqlite::Result<SourceState> {
    Ok(SourceState {
        name: r.get(0)?,
        url: r.get(1)?,
        kind: r.get(2)?,
        etag: r.get(3)?,
        last_modified: r.get(4)?,
        sha256: r.get(5)?,
        last_attempt: r.get(6)?,
        last_success: r.get(7)?,
        last_outcome: r.get(8)?,
        last_error: r.get(9)?,
        failures: r.get(10)?,
        next_run: r.get(11)?,
        bytes: r.get(12)?,
        last_note: r.get(13)?,
    })
}

const EVENT_COLS: &str = "id, at, series, kind, source, body, settled_by";

fn event_row(r: &rusqlite::Row) -> rusqlite::Result<EventRow> {
    Ok(EventRow {
        id: r.get(0)?,
        at: r.get(1)?,
        series: r.get(2)?,
        kind: r.get(3)?,
        source: r.get(4)?,
        body: r.get(5)?,
        settled_by: r.get(6)?,
    })
}

const DELIVERY_COLS: &str = "o.id, o.follow_id, o.event_id, o.url, e.series, e.kind, o.state, o.attempts, o.next_attempt, o.last_error, o.delivered_at, f.secret, e.body";

fn delivery_row(r: &rusqlite::Row) -> rusqlite::Result<DeliveryRow> {
    Ok(DeliveryRow {
        id: r.get(0)?,
        follow_id: r.get(1)?,
        event_id: r.get(2)?,
        url: r.get(3)?,
        series: r.get(4)?,
        kind: r.get(5)?,
        state: r.get(6)?,
        attempts: r.get(7)?,
        next_attempt: r.get(8)?,
        last_error: r.get(9)?,
        delivered_at: r.get(10)?,
        secret: r.get(11)?,
        body: r.get(12)?,
        allow_private: r.get(13)?,
    })
}

/// An event to record, with the settle rule's inputs.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub at: i64,
    pub series: &'a str,
    pub kind: &'a str,
    pub source: &'a str,
    pub body: &'a str,
    /// A status change's `(from, to)`: an event whose `to` is the `from` of a status event of
    /// the same series still waiting out its settle window cancels that one (and is itself
    /// not sent): the flip and the flip back are one non-change.
    pub flip: Option<(&'a str, &'a str)>,
    /// How long a delivery waits before it is first sent (the settle window), in ms.
    pub settle_ms: i64,
}

/// One entry of the change feed (`/api/v1/changes`): an event with its body as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    /// The event's id: the cursor to pass as `since` to get what came after it.
    pub id: i64,
    /// When it was recorded (Unix milliseconds, UTC).
    pub at: i64,
    pub series: String,
    pub kind: String,
    /// The synced source (or sources) whose change caused it.
    pub source: String,
    /// The event as webhooks receive it (`kind`, `series`, and per kind: `from`, `to`,
    /// `next_season`, `release_date`, `decided_on` for status changes; `week`, `category`,
    /// `rank`, `hours`, `season` for chart weeks; always `deciding_source`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub event: serde_json::Value,
}

/// A page of the change feed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangesPage {
    pub changes: Vec<Change>,
    /// The cursor of the next page (the last id here, or `since` when nothing came): poll with
    /// `since=next` for what comes after.
    pub next: i64,
}

impl Store {
    /// A page of the change feed: at most `limit` events after `since`, oldest first.
    pub fn changes(&self, since: i64, limit: usize) -> Result<ChangesPage, StoreError> {
        let changes: Vec<Change> = self
            .events_since(since, limit)?
            .into_iter()
            .map(|e| Change {
                id: e.id,
                at: e.at,
                event: serde_json::from_str(&e.body).unwrap_or(serde_json::Value::Null),
                series: e.series,
                kind: e.kind,
                source: e.source,
            })
            .collect();
        let next = changes.last().map_or(since, |c| c.id);
        Ok(ChangesPage { changes, next })
    }

    /// Creates (or upgrades) the sync tables.
    pub fn ensure_sync_schema(&mut self) -> Result<(), StoreError> {
        self.migrate_component("sync", MIGRATIONS)?;
        self.migrate_component("sync2", MIGRATIONS_2)
    }

    /// Whether the sync tables exist (a store never synced has none; reads then list nothing).
    pub fn has_sync_schema(&self) -> Result<bool, StoreError> {
        let n: i64 = self.conn().query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sync_outbox'",
            [],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    pub fn sync_source(&self, name: &str) -> Result<Option<SourceState>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!(
                    "SELECT {} FROM sync_sources WHERE name = ?1",
                    source_cols(self)?
                ),
                [name],
                source_row,
            )
            .optional()?)
    }

    pub fn sync_sources(&self) -> Result<Vec<SourceState>, StoreError> {
        if !self.has_sync_schema()? {
            return Ok(Vec::new());
        }
        let mut st = self.conn().prepare(&format!(
            "SELECT {} FROM sync_sources ORDER BY name",
            source_cols(self)?
        ))?;
        let v = st.query_map([], source_row)?.collect::<Result<_, _>>()?;
        Ok(v)
    }

    /// Writes a source's whole state (insert or replace).
    pub fn put_sync_source(&self, s: &SourceState) -> Result<(), StoreError> {
        self.conn().execute(
            &format!(
                "INSERT OR REPLACE INTO sync_sources ({SOURCE_COLS}, last_note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
            ),
            params![
                s.name,
                s.url,
                s.kind,
                s.etag,
                s.last_modified,
                s.sha256,
                s.last_attempt,
                s.last_success,
                s.last_outcome,
                s.last_error,
                s.failures,
                s.next_run,
                s.bytes,
                s.last_note
            ],
        )?;
        Ok(())
    }

    /// Records an event and, in the same statement sequence (so the same transaction), one
    /// outbox row per follow of its series that asks for its kind. Returns the event's id.
    pub fn record_event(&self, e: &NewEvent) -> Result<i64, StoreError> {
        self.conn().execute(
            "INSERT INTO sync_events (at, series, kind, source, body) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![e.at, e.series, e.kind, e.source, e.body],
        )?;
        let id = self.conn().last_insert_rowid();
        if let Some((from, to)) = e.flip {
            // The newest earlier status event of the series whose deliveries have not been
            // sent yet, if it went `to -> from`: this one undoes it.
            let undone: Option<i64> = self
                .conn()
                .query_row(
                    "SELECT e.id FROM sync_events e
                     WHERE e.series = ?1 AND e.id < ?2 AND e.settled_by IS NULL
                       AND json_extract(e.body, '$.from') = ?3 AND json_extract(e.body, '$.to') = ?4
                       AND NOT EXISTS (SELECT 1 FROM sync_outbox o WHERE o.event_id = e.id AND (o.attempts > 0 OR o.state != 'pending'))
                       AND EXISTS (SELECT 1 FROM sync_outbox o WHERE o.event_id = e.id AND o.next_attempt > ?5)
                     ORDER BY e.id DESC LIMIT 1",
                    params![e.series, id, to, from, e.at],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(undone) = undone {
                self.conn().execute(
                    "UPDATE sync_events SET settled_by = ?1 WHERE id IN (?1, ?2)",
                    params![id, undone],
                )?;
                self.conn().execute(
                    "UPDATE sync_outbox SET state = 'settled' WHERE event_id = ?1",
                    [undone],
                )?;
                return Ok(id);
            }
        }
        self.conn().execute(
            "INSERT INTO sync_outbox (follow_id, event_id, url, state, next_attempt)
             SELECT f.id, ?1, f.url, 'pending', ?2 FROM sync_follows f
             WHERE f.series = ?3 AND (f.events = '*' OR instr(',' || f.events || ',', ',' || ?4 || ',') > 0)",
            params![id, e.at + e.settle_ms, e.series, e.kind],
        )?;
        Ok(id)
    }

    /// Events after `cursor` (an event id), oldest first, at most `limit`, without those a
    /// flip back settled (what the webhooks did not send either).
    pub fn events_since(&self, cursor: i64, limit: usize) -> Result<Vec<EventRow>, StoreError> {
        if !self.has_sync_schema()? {
            return Ok(Vec::new());
        }
        let mut st = self.conn().prepare_cached(&format!(
            "SELECT {EVENT_COLS} FROM sync_events WHERE id > ?1 AND settled_by IS NULL ORDER BY id LIMIT ?2"
        ))?;
        let v = st
            .query_map(params![cursor, limit as i64], event_row)?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    /// Adds (or updates) a follow of `series` by `url`; returns its id.
    pub fn put_follow(
        &self,
        series: &str,
        url: &str,
        secret: Option<&str>,
        events: &str,
        now: i64,
        allow_private: bool,
    ) -> Result<i64, StoreError> {
        self.conn().execute(
            "INSERT INTO sync_follows (series, url, secret, events, created, allow_private) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (series, url) DO UPDATE SET secret = excluded.secret, events = excluded.events, allow_private = excluded.allow_private",
            params![series, url, secret, events, now, allow_private],
        )?;
        Ok(self.conn().query_row(
            "SELECT id FROM sync_follows WHERE series = ?1 AND url = ?2",
            params![series, url],
            |r| r.get(0),
        )?)
    }

    /// Removes the follows of `series` (by `url` only, when given), with their undelivered
    /// outbox rows; returns how many follows went.
    pub fn remove_follow(&self, series: &str, url: Option<&str>) -> Result<usize, StoreError> {
        let ids: Vec<i64> = {
            let mut st = self.conn().prepare(
                "SELECT id FROM sync_follows WHERE series = ?1 AND (?2 IS NULL OR url = ?2)",
            )?;
            let v = st
                .query_map(params![series, url], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            v
        };
        for id in &ids {
            self.conn().execute(
                "DELETE FROM sync_outbox WHERE follow_id = ?1 AND state = 'pending'",
                [id],
            )?;
            self.conn()
                .execute("DELETE FROM sync_follows WHERE id = ?1", [id])?;
        }
        Ok(ids.len())
    }

    pub fn follows(&self) -> Result<Vec<FollowRow>, StoreError> {
        if !self.has_sync_schema()? {
            return Ok(Vec::new());
        }
        let mut st = self.conn().prepare(
            "SELECT id, series, url, secret IS NOT NULL, events, created FROM sync_follows ORDER BY series, id",
        )?;
        let v = st
            .query_map([], |r| {
                Ok(FollowRow {
                    id: r.get(0)?,
                    series: r.get(1)?,
                    url: r.get(2)?,
                    signed: r.get(3)?,
                    events: r.get(4)?,
                    created: r.get(5)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    /// The slugs someone follows, each once.
    pub fn followed_series(&self) -> Result<Vec<String>, StoreError> {
        if !self.has_sync_schema()? {
            return Ok(Vec::new());
        }
        let mut st = self
            .conn()
            .prepare("SELECT DISTINCT series FROM sync_follows ORDER BY series")?;
        let v = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(v)
    }

    /// The baseline of a followed series, if one was taken (`None` also before `sync2`).
    pub fn sync_baseline(&self, series: &str) -> Result<Option<Baseline>, StoreError> {
        if !has_column(self, "sync_baselines", "series")? {
            return Ok(None);
        }
        Ok(self
            .conn()
            .query_row(
                "SELECT series, status, next_season, release_date, decided_on, last_week, at FROM sync_baselines WHERE series = ?1",
                [series],
                |r| {
                    Ok(Baseline {
                        series: r.get(0)?,
                        status: r.get(1)?,
                        next_season: r.get(2)?,
                        release_date: r.get(3)?,
                        decided_on: r.get(4)?,
                        last_week: r.get(5)?,
                        at: r.get(6)?,
                    })
                },
            )
            .optional()?)
    }

    /// Writes a followed series' baseline (insert or replace); inside the caller's
    /// transaction, with the events it accounts for.
    pub fn put_sync_baseline(&self, b: &Baseline) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT OR REPLACE INTO sync_baselines (series, status, next_season, release_date, decided_on, last_week, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                b.series,
                b.status,
                b.next_season,
                b.release_date,
                b.decided_on,
                b.last_week,
                b.at
            ],
        )?;
        Ok(())
    }

    /// The deliveries to send now: for each follow, its oldest pending row, if due. Only the
    /// head of a follow's queue is ever sent, so a subscriber receives its events in order
    /// (a parked row no longer holds the queue; `--replay` sends it again).
    pub fn due_deliveries(&self, now: i64, limit: usize) -> Result<Vec<DeliveryRow>, StoreError> {
        let mut st = self.conn().prepare_cached(&format!(
            "SELECT {} FROM sync_outbox o
             JOIN sync_events e ON e.id = o.event_id JOIN sync_follows f ON f.id = o.follow_id
             WHERE o.id IN (SELECT min(id) FROM sync_outbox WHERE state = 'pending' GROUP BY follow_id)
               AND o.next_attempt <= ?1
             ORDER BY o.id LIMIT ?2",
            delivery_cols(self)?
        ))?;
        let v = st
            .query_map(params![now, limit as i64], delivery_row)?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    /// The soonest time a pending delivery falls due, if any is pending.
    pub fn next_delivery_due(&self) -> Result<Option<i64>, StoreError> {
        Ok(self.conn().query_row(
            "SELECT min(next_attempt) FROM sync_outbox WHERE state = 'pending'",
            [],
            |r| r.get(0),
        )?)
    }

    pub fn mark_delivered(&self, id: i64, now: i64) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE sync_outbox SET state = 'delivered', attempts = attempts + 1, delivered_at = ?2, last_error = NULL WHERE id = ?1",
            params![id, now],
        )?;
        Ok(())
    }

    /// A failed attempt: retried at `next_attempt`, or parked (`None`) with the error.
    pub fn mark_failed(
        &self,
        id: i64,
        error: &str,
        next_attempt: Option<i64>,
    ) -> Result<(), StoreError> {
        match next_attempt {
            Some(t) => self.conn().execute(
                "UPDATE sync_outbox SET attempts = attempts + 1, last_error = ?2, next_attempt = ?3 WHERE id = ?1",
                params![id, error, t],
            )?,
            None => self.conn().execute(
                "UPDATE sync_outbox SET attempts = attempts + 1, last_error = ?2, state = 'parked' WHERE id = ?1",
                params![id, error],
            )?,
        };
        Ok(())
    }

    /// Puts one delivery back in its queue, due at `now` (attempts counted from zero again).
    /// Returns whether it exists.
    pub fn replay_delivery(&self, id: i64, now: i64) -> Result<bool, StoreError> {
        let n = self.conn().execute(
            "UPDATE sync_outbox SET state = 'pending', attempts = 0, next_attempt = ?2, last_error = NULL, delivered_at = NULL WHERE id = ?1",
            params![id, now],
        )?;
        Ok(n > 0)
    }

    /// The outbox, newest first, at most `limit` rows.
    pub fn deliveries(&self, limit: usize) -> Result<Vec<DeliveryRow>, StoreError> {
        if !self.has_sync_schema()? {
            return Ok(Vec::new());
        }
        let mut st = self.conn().prepare(&format!(
            "SELECT {} FROM sync_outbox o
             JOIN sync_events e ON e.id = o.event_id JOIN sync_follows f ON f.id = o.follow_id
             ORDER BY o.id DESC LIMIT ?1",
            delivery_cols(self)?
        ))?;
        let v = st
            .query_map([limit as i64], delivery_row)?
            .collect::<Result<_, _>>()?;
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("s.db")).unwrap();
        s.ensure_sync_schema().unwrap();
        (dir, s)
    }

    fn status(s: &Store, at: i64, from: &str, to: &str, settle_ms: i64) -> i64 {
        let body = format!(r#"{{"from":"{from}","to":"{to}"}}"#);
        s.record_event(&NewEvent {
            at,
            series: "x",
            kind: "status",
            source: "test",
            body: &body,
            flip: Some((from, to)),
            settle_ms,
        })
        .unwrap()
    }

    #[test]
    fn a_status_that_flips_back_within_the_settle_window_is_sent_not_at_all() {
        let (_d, s) = store();
        s.put_follow("x", "http://127.0.0.1:1/a", None, "*", 0, false)
            .unwrap();
        s.put_follow("x", "http://127.0.0.1:1/b", Some("k"), "renewed", 0, false)
            .unwrap();
        let a = status(&s, 1000, "awaiting_decision", "canceled", 3_600_000);
        assert_eq!(
            s.deliveries(10).unwrap().len(),
            1,
            "only the follow asking for every kind"
        );
        // Corrected an hour minus a second later: both events settle, nothing is sent.
        let b = status(&s, 3_600_000, "canceled", "awaiting_decision", 3_600_000);
        assert!(s.due_deliveries(i64::MAX, 10).unwrap().is_empty());
        assert!(s.events_since(0, 10).unwrap().is_empty());
        let rows = s.deliveries(10).unwrap();
        assert!(rows.iter().all(|d| d.state == "settled"), "{rows:?}");
        assert!(a < b);
        // The same flip after the first was sent: both are real news, in order.
        let c = status(&s, 10_000_000, "awaiting_decision", "canceled", 0);
        let due = s.due_deliveries(i64::MAX, 10).unwrap();
        assert_eq!(due.iter().map(|d| d.event_id).collect::<Vec<_>>(), vec![c]);
        s.mark_delivered(due[0].id, 10_000_001).unwrap();
        let d = status(&s, 10_000_002, "canceled", "awaiting_decision", 3_600_000);
        assert_eq!(
            s.events_since(0, 10)
                .unwrap()
                .iter()
                .map(|e| e.id)
                .collect::<Vec<_>>(),
            vec![c, d]
        );
        assert_eq!(s.due_deliveries(i64::MAX, 10).unwrap()[0].event_id, d);
    }

    #[test]
    fn only_the_head_of_each_queue_is_due_and_parking_frees_it() {
        let (_d, s) = store();
        s.put_follow("x", "http://127.0.0.1:1/a", None, "*", 0, false)
            .unwrap();
        let ids: Vec<i64> = (0..3)
            .map(|i| {
                s.record_event(&NewEvent {
                    at: i,
                    series: "x",
                    kind: "chart_week",
                    source: "t",
                    body: "{}",
                    flip: None,
                    settle_ms: 0,
                })
                .unwrap()
            })
            .collect();
        let due = s.due_deliveries(i64::MAX, 10).unwrap();
        assert_eq!(
            due.iter().map(|d| d.event_id).collect::<Vec<_>>(),
            vec![ids[0]]
        );
        s.mark_failed(due[0].id, "down", Some(50)).unwrap();
        assert!(
            s.due_deliveries(49, 10).unwrap().is_empty(),
            "backed off, and the rest wait"
        );
        s.mark_failed(due[0].id, "still down", None).unwrap();
        let next = s.due_deliveries(i64::MAX, 10).unwrap();
        assert_eq!(next[0].event_id, ids[1]);
        assert!(s.replay_delivery(due[0].id, 0).unwrap());
        assert_eq!(s.due_deliveries(i64::MAX, 10).unwrap()[0].event_id, ids[0]);
    }
}
