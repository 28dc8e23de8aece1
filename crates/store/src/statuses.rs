//! Every TV series' status kept (issue 13, the tracker): the body `status SERIES --json` prints
//! for "now", beside the *evidence hash* it was derived from (the report layer's: a hash of the
//! inputs that derivation reads for that series) and the few columns `list` filters and sorts
//! on, so the whole board is one read of this table instead of ~13,600 derivations. The body is
//! JSON text owned by its writer (`greenlight_report::tracker`), kept byte for byte so a kept
//! row prints exactly the digits its derivation printed. The store keeps rows; it never decides
//! whether one is current: the writer compares hashes.

use crate::{Store, StoreError};
use rusqlite::params;
use std::collections::HashMap;

/// The table, as the store's per-component migrations of component `tracker2` (its own name,
/// so it never collides with another component's versions).
pub(crate) const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE kept_status (
    slug TEXT PRIMARY KEY,
    evidence TEXT NOT NULL,     -- the evidence hash the body was derived from
    status TEXT NOT NULL,       -- the body's `status`
    probability REAL,           -- the body's odds, when it has them
    latest_premiere TEXT,       -- YYYY-MM-DD, the latest premiere the body knows of
    hours INTEGER NOT NULL,     -- hours in the global Top 10 (sort `hours`)
    platform TEXT,              -- the series' network per TMDB, when known
    language TEXT,              -- `english` / `non_english` per its Top 10 chart, when charted
    body TEXT NOT NULL          -- the status body, JSON text
);
"#,
    r#"
-- The rows' heads without their bodies (issue 13): a refresh reads every head to find the stale
-- rows, and reading them from the table read all ~40 MB of bodies' pages to get at them.
CREATE INDEX kept_status_heads ON kept_status
    (slug, evidence, status, probability, latest_premiere, hours, platform, language);
"#,
];

/// The `derived_state` key of the board's generation.
pub const GENERATION_KEY: &str = "kept-status/generation";

/// One kept status row.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptStatus {
    pub slug: String,
    pub evidence: String,
    pub status: String,
    pub probability: Option<f64>,
    pub latest_premiere: Option<chrono::NaiveDate>,
    pub hours: i64,
    pub platform: Option<String>,
    pub language: Option<String>,
    pub body: String,
}

/// What the store knows of a series beside its status: where it streams and its chart language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// TMDB's network (`Netflix`, `HBO`, ...), from the series' TMDB record.
    pub platform: Option<String>,
    /// `english` or `non_english`: the Top 10 list (`TV (English)` / `TV (Non-English)`) it
    /// charted in most weeks; `None` when it never charted.
    pub language: Option<String>,
}

impl Store {
    /// Every kept status row, by slug.
    pub fn kept_statuses(&self) -> Result<Vec<KeptStatus>, StoreError> {
        self.kept_statuses_where("body", "ORDER BY slug", [])
    }

    /// Every kept row without its body (`body` empty): what a refresh compares, at a fraction
    /// of the read.
    pub fn kept_status_heads(&self) -> Result<Vec<KeptStatus>, StoreError> {
        self.kept_statuses_where("''", "ORDER BY slug", [])
    }

    /// The kept row of `slug`, if any.
    pub fn kept_status_of(&self, slug: &str) -> Result<Option<KeptStatus>, StoreError> {
        Ok(self
            .kept_statuses_where("body", "WHERE slug = ?1", params![slug])?
            .pop())
    }

    fn kept_statuses_where(
        &self,
        body: &str,
        clause: &str,
        p: impl rusqlite::Params,
    ) -> Result<Vec<KeptStatus>, StoreError> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT slug, evidence, status, probability, latest_premiere, hours, platform,
                    language, {body}
             FROM kept_status {clause}"
        ))?;
        let rows = st
            .query_map(p, |r| {
                let premiere: Option<String> = r.get(4)?;
                Ok(KeptStatus {
                    slug: r.get(0)?,
                    evidence: r.get(1)?,
                    status: r.get(2)?,
                    probability: r.get(3)?,
                    latest_premiere: premiere
                        .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                    hours: r.get(5)?,
                    platform: r.get(6)?,
                    language: r.get(7)?,
                    body: r.get(8)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The inputs the kept board was last refreshed for as a whole (the report layer's
    /// generation string), kept in `derived_state` under [`GENERATION_KEY`].
    pub fn kept_status_generation(&self) -> Result<Option<String>, StoreError> {
        Ok(self.derived(GENERATION_KEY)?.map(|d| d.inputs))
    }

    /// Writes `rows` (replacing the kept rows of their slugs), deletes the rows of `gone` and
    /// records `generation`, in one transaction (a savepoint when the caller already holds
    /// one), so a reader sees the board before or after a refresh, never half of it.
    pub fn put_kept_statuses(
        &self,
        rows: &[KeptStatus],
        gone: &[String],
        generation: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute_batch("SAVEPOINT kept_status")?;
        let r = (|| -> Result<(), StoreError> {
            let mut del = self
                .conn
                .prepare_cached("DELETE FROM kept_status WHERE slug = ?1")?;
            for s in gone {
                del.execute([s])?;
            }
            let mut ins = self.conn.prepare_cached(
                "INSERT INTO kept_status
                   (slug, evidence, status, probability, latest_premiere, hours, platform,
                    language, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT(slug) DO UPDATE SET evidence = excluded.evidence,
                   status = excluded.status, probability = excluded.probability,
                   latest_premiere = excluded.latest_premiere, hours = excluded.hours,
                   platform = excluded.platform, language = excluded.language,
                   body = excluded.body",
            )?;
            for k in rows {
                ins.execute(params![
                    k.slug,
                    k.evidence,
                    k.status,
                    k.probability,
                    k.latest_premiere.map(|d| d.to_string()),
                    k.hours,
                    k.platform,
                    k.language,
                    k.body
                ])?;
            }
            if self.kept_status_generation()?.as_deref() != Some(generation) {
                self.put_derived(GENERATION_KEY, generation, "{}")?;
            }
            Ok(())
        })();
        match r {
            Ok(()) => {
                self.conn.execute_batch("RELEASE kept_status")?;
                Ok(())
            }
            Err(e) => {
                let _ = self
                    .conn
                    .execute_batch("ROLLBACK TO kept_status; RELEASE kept_status");
                Err(e)
            }
        }
    }

    /// Each series' [`Facets`], by series id (series with neither are absent).
    pub fn series_facets(&self) -> Result<HashMap<i64, Facets>, StoreError> {
        let mut out: HashMap<i64, Facets> = HashMap::new();
        // The network of the series' TMDB record (the first by line when several).
        let mut st = self.conn.prepare_cached(
            "SELECT t.series_id, m.network FROM tmdb_shows m JOIN titles t ON t.id = m.title_id
             WHERE t.series_id IS NOT NULL AND m.network != '' ORDER BY t.series_id, m.line DESC",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let (id, network): (i64, String) = (r.get(0)?, r.get(1)?);
            out.entry(id).or_default().platform = Some(network);
        }
        // The TV list it charted in most weeks (ties: English, the first listed).
        let mut st = self.conn.prepare_cached(
            "SELECT t.series_id, c.category, count(*) AS n FROM chart_weeks c
             JOIN titles t ON t.id = c.title_id
             WHERE t.series_id IS NOT NULL AND c.category LIKE 'TV (%'
             GROUP BY t.series_id, c.category ORDER BY t.series_id, n, c.category DESC",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let (id, category): (i64, String) = (r.get(0)?, r.get(1)?);
            let lang = match category.as_str() {
                "TV (English)" => "english",
                "TV (Non-English)" => "non_english",
                _ => continue,
            };
            // Ordered by count ascending, so the last written is the most weeks.
            out.entry(id).or_default().language = Some(lang.to_string());
        }
        Ok(out)
    }
}
