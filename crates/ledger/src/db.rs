//! The ledger's own tables in the store's SQLite file.
//!
//! Claims refer to series by *slug*, never by the store's row id: the store rebuilds its series
//! table on every data import, and slugs are the one identifier that survives that.

use crate::claims::{Claim, RawClaim};
use crate::error::LedgerError;
use crate::evidence::{Fact, Origin};
use chrono::NaiveDate;
use greenlight_store::{Store, WriteTx};
use rusqlite::params;

/// Append-only: a schema change is a new entry at the end, never an edit.
pub const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE ledger_claims (
    id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,         -- Claim::content_hash: identity, for idempotent imports
    series_slug TEXT NOT NULL,
    kind TEXT NOT NULL,
    season INTEGER,
    person TEXT,
    event_date TEXT,
    published TEXT NOT NULL,
    source_kind TEXT NOT NULL,
    claim TEXT NOT NULL,               -- the claim in its written (claims-file) form, JSON
    origin TEXT NOT NULL,              -- the file it came from, 'api', or 'starter'
    entered_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX ledger_claims_series ON ledger_claims(series_slug, published);

-- Series titles the ledger declared to the store (claims files' [[series]]).
CREATE TABLE ledger_series (
    slug TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    origin TEXT NOT NULL
);
"#,
    r#"
-- Claim ids are now the SHA-256 of the claim's sorted written form (Claim::content_hash), not
-- FNV-1a of its struct-ordered form. SQL cannot compute them: this only marks the stored claims
-- for `rehash`, which recomputes every id and empties the table in one transaction. A later
-- change of the id does the same with one more migration that inserts a row here.
CREATE TABLE ledger_rehash (pending INTEGER NOT NULL);
INSERT INTO ledger_rehash (pending) SELECT 1 WHERE EXISTS (SELECT 1 FROM ledger_claims);
"#,
];

/// Creates or upgrades the ledger's tables, then gives stored claims the current ids if a
/// migration asked for it.
pub fn ensure_schema(store: &mut Store) -> Result<(), LedgerError> {
    store.migrate_component("ledger", MIGRATIONS)?;
    rehash(store)
}

/// Recomputes the id of every stored claim from its stored written form, when a migration
/// marked them (`ledger_rehash`), so that importing the same claims file into a store made
/// before the id changed still adds nothing. One transaction: a claim that no longer reads
/// back stops it, with that claim's id, and every id stays as it was (the mark too, so the next
/// open tries again). Two stored rows that are one claim under the new id become one row.
fn rehash(store: &mut Store) -> Result<(), LedgerError> {
    let pending: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM ledger_rehash", [], |r| r.get(0))?;
    if pending == 0 {
        return Ok(());
    }
    let w = store.begin()?;
    {
        let conn = w.store().conn();
        let rows: Vec<(i64, String, String)> = conn
            .prepare("SELECT id, hash, claim FROM ledger_claims ORDER BY id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let mut taken = std::collections::HashSet::with_capacity(rows.len());
        for (id, old, json) in rows {
            let new = read_stored(&old, &json)?.content_hash();
            if !taken.insert(new.clone()) {
                conn.execute("DELETE FROM ledger_claims WHERE id = ?1", [id])?;
            } else if new != old {
                conn.execute(
                    "UPDATE ledger_claims SET hash = ?1 WHERE id = ?2",
                    params![new, id],
                )?;
            }
        }
        conn.execute("DELETE FROM ledger_rehash", [])?;
    }
    w.commit()?;
    Ok(())
}

/// A stored claim, read back and checked as on the way in; `NaiveDate::MAX` as "today" keeps
/// a claim that was valid when entered valid forever.
fn read_stored(hash: &str, json: &str) -> Result<Claim, LedgerError> {
    let corrupt = |message: String| LedgerError::Corrupt {
        hash: hash.to_string(),
        message,
    };
    let raw: RawClaim = serde_json::from_str(json).map_err(|e| corrupt(e.to_string()))?;
    Claim::from_raw(raw, NaiveDate::MAX).map_err(|e| corrupt(e.to_string()))
}

/// Whether the ledger's tables exist. Read-only callers (status on a store never written by the
/// ledger) treat a missing table as an empty ledger instead of failing.
pub fn has_tables(store: &Store) -> Result<bool, LedgerError> {
    // Cached: every status asks (the board's refresh, thousands of times), and preparing the
    // statement each time was 3% of a refresh.
    let n: i64 = store
        .conn()
        .prepare_cached(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'ledger_claims'",
        )?
        .query_row([], |r| r.get(0))?;
    Ok(n > 0)
}

pub fn claim_count(store: &Store) -> Result<i64, LedgerError> {
    if !has_tables(store)? {
        return Ok(0);
    }
    Ok(store
        .conn()
        .query_row("SELECT count(*) FROM ledger_claims", [], |r| r.get(0))?)
}

/// The slugs of every series with at least one typed claim, sorted: the series whose status
/// a person has written about, which the site's list of status changes always follows.
pub fn claimed_slugs(store: &Store) -> Result<Vec<String>, LedgerError> {
    if !has_tables(store)? {
        return Ok(Vec::new());
    }
    let mut st = store
        .conn()
        .prepare_cached("SELECT DISTINCT series_slug FROM ledger_claims ORDER BY series_slug")?;
    let v = st
        .query_map([], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(v)
}

/// Per series slug, a SHA-256 of its stored claims (each one's id and origin, in the order
/// [`load`] reads them): what of the ledger a series' status is derived from, so the kept
/// statuses (issue 13) know which series a claim changed without deriving any. One query.
pub fn claim_digests(
    store: &Store,
) -> Result<std::collections::HashMap<String, String>, LedgerError> {
    let mut out = std::collections::HashMap::new();
    if !has_tables(store)? {
        return Ok(out);
    }
    let mut st = store.conn().prepare_cached(
        "SELECT series_slug, hash, origin, published FROM ledger_claims
         ORDER BY series_slug, published, id",
    )?;
    let mut rows = st.query([])?;
    let mut current: Option<(String, String)> = None;
    while let Some(r) = rows.next()? {
        let (slug, hash, origin, published): (String, String, String, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        match &mut current {
            Some((s, text)) if *s == slug => {
                text.push_str(&format!("{hash}\t{origin}\t{published}\n"));
            }
            _ => {
                if let Some((s, text)) = current.take() {
                    out.insert(s, greenlight_store::hash::sha256_hex(text.as_bytes()));
                }
                current = Some((slug, format!("{hash}\t{origin}\t{published}\n")));
            }
        }
    }
    if let Some((s, text)) = current {
        out.insert(s, greenlight_store::hash::sha256_hex(text.as_bytes()));
    }
    Ok(out)
}

/// Inserts claims (series already canonical slugs) in one transaction. Returns, per claim,
/// whether it was new. A claim whose hash is stored already is left as it is.
pub fn insert(
    store: &mut Store,
    claims: &[Claim],
    origin: &str,
) -> Result<Vec<(String, bool)>, LedgerError> {
    let w = store.begin()?;
    let out = insert_in(&w, claims, origin)?;
    w.commit()?;
    Ok(out)
}

/// [`insert`] inside a call's transaction (nothing is committed here).
pub fn insert_in(
    w: &WriteTx,
    claims: &[Claim],
    origin: &str,
) -> Result<Vec<(String, bool)>, LedgerError> {
    let mut out = Vec::with_capacity(claims.len());
    let mut st = w.store().conn().prepare_cached(
        "INSERT INTO ledger_claims (hash, series_slug, kind, season, person, event_date, published, source_kind, claim, origin)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(hash) DO NOTHING",
    )?;
    for c in claims {
        let hash = c.content_hash();
        let json = serde_json::to_string(c).map_err(|e| LedgerError::Corrupt {
            hash: hash.clone(),
            message: e.to_string(),
        })?;
        let n = st.execute(params![
            hash,
            c.series,
            c.kind(),
            c.season,
            c.person,
            c.event_date.map(|d| d.to_string()),
            c.published.to_string(),
            c.source.kind.as_str(),
            json,
            origin
        ])?;
        out.push((hash, n > 0));
    }
    Ok(out)
}

/// Records a series a claims file declared (for the record; the store holds the series itself),
/// inside the call's transaction.
pub fn record_series(
    w: &WriteTx,
    slug: &str,
    title: &str,
    origin: &str,
) -> Result<(), LedgerError> {
    w.store().conn().execute(
        "INSERT INTO ledger_series (slug, title, origin) VALUES (?1, ?2, ?3) ON CONFLICT(slug) DO NOTHING",
        params![slug, title, origin],
    )?;
    Ok(())
}

/// A series the ledger declared, by slug or normalised title, for stores that lost it.
pub fn declared_series(
    store: &Store,
    spelling: &str,
) -> Result<Option<(String, String)>, LedgerError> {
    if !has_tables(store)? {
        return Ok(None);
    }
    let key = greenlight_sources::titles::normalize(spelling);
    let mut st = store
        .conn()
        .prepare_cached("SELECT slug, title FROM ledger_series ORDER BY slug")?;
    let rows: Vec<(String, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows.into_iter().find(|(slug, title)| {
        slug == spelling.trim() || greenlight_sources::titles::normalize(title) == key
    }))
}

/// Every stored claim about a series published by `as_of` (all when `None`), oldest first.
pub fn load(store: &Store, slug: &str, as_of: Option<NaiveDate>) -> Result<Vec<Fact>, LedgerError> {
    if !has_tables(store)? {
        return Ok(Vec::new());
    }
    let mut st = store.conn().prepare_cached(
        "SELECT hash, claim, origin FROM ledger_claims
         WHERE series_slug = ?1 AND (?2 IS NULL OR published <= ?2) ORDER BY published, id",
    )?;
    let rows: Vec<(String, String, String)> = st
        .query_map(params![slug, as_of.map(|d| d.to_string())], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (hash, json, origin) in rows {
        let claim = read_stored(&hash, &json)?;
        out.push(Fact {
            claim,
            origin: Origin::Ledger {
                hash,
                entered_from: origin,
            },
        });
    }
    Ok(out)
}
