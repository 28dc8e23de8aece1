//! Exact platform metrics (issue 17): the rows of "greenlight exact platform metrics" files
//! (`greenlight_sources::exact`), which a platform computes from its own member-level logs, kept
//! apart from the public data: they are one platform's figures for its own titles, keyed by the
//! store's series slugs (stable across resolutions), not published spellings to resolve.
//! Table of component `platform`.
//!
//! Every imported file is kept (`platform_files`: its SHA-256, name, provenance and import time)
//! with its rows, so a later file never rewrites what an earlier one said: a read as of a date
//! takes, per season and window, the row of the latest file imported by then
//! ([`Store::exact_metrics`]). Re-importing a byte-identical file writes nothing. A row naming a
//! slug no series of the store has refuses the whole file at that row's line and column
//! (`series`): figures shown nowhere would be kept silently, and a misspelt slug is the likeliest
//! mistake of a platform's export, so it is said where it is.

use crate::{Store, StoreError, WriteTx};
use chrono::{DateTime, NaiveDate, Utc};
use greenlight_sources::exact::{ExactFile, ExactRow, Provenance};
use greenlight_sources::{Location, SourceError};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The tables, as the store's per-component migrations of component `platform`.
pub(crate) const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE platform_files (
    id INTEGER PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE, -- SHA-256 of the file's bytes
    file TEXT NOT NULL,                -- the path it was imported from
    publisher TEXT NOT NULL,           -- the file's provenance: who computed the figures
    generated TEXT NOT NULL,           -- and when (YYYY-MM-DD)
    imported_at TEXT NOT NULL,         -- RFC 3339, UTC
    imported_on TEXT NOT NULL,         -- YYYY-MM-DD, UTC: the day greenlight knew the figures
    rows INTEGER NOT NULL
);
CREATE TABLE platform_metrics (
    file_id INTEGER NOT NULL REFERENCES platform_files(id),
    series TEXT NOT NULL,              -- slug
    season INTEGER NOT NULL,
    window_label TEXT NOT NULL,        -- launch+N or FROM..TO
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    seconds INTEGER NOT NULL,
    views_milli INTEGER NOT NULL,
    viewers INTEGER NOT NULL,
    completers INTEGER NOT NULL,
    completion_nano INTEGER NOT NULL,
    view_share_nano INTEGER NOT NULL,
    avs TEXT NOT NULL,                 -- a 128-bit integer, in decimal
    avs_share_nano INTEGER NOT NULL,
    cost_micros INTEGER,
    cost_source TEXT,
    cost_share_nano INTEGER,
    efficiency_micro INTEGER,
    window_seconds INTEGER NOT NULL,
    window_weight TEXT NOT NULL,       -- a 128-bit integer, in decimal
    PRIMARY KEY (series, season, window_label, file_id)
);
"#];

/// An exact metrics file read and hashed, before anything is written (so a call checks every
/// file it names first).
#[derive(Debug, Clone)]
pub struct ExactInput {
    pub path: PathBuf,
    pub hash: String,
    pub file: ExactFile,
    /// Each row's line in the file (same order as `file.rows`), for the errors found on import.
    pub lines: Vec<usize>,
}

impl ExactInput {
    /// Reads and checks the file at `path` (the data files' size cap applies).
    pub fn read(path: &Path) -> Result<ExactInput, StoreError> {
        let bytes = greenlight_sources::limits::read_file(
            path,
            greenlight_sources::limits::FileKind::Data,
        )?;
        let (file, lines) = greenlight_sources::exact::read_located(path, &bytes)?;
        Ok(ExactInput {
            path: path.to_path_buf(),
            hash: crate::hash::sha256_hex(&bytes),
            file,
            lines,
        })
    }
}

/// What importing one exact metrics file did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExactImport {
    pub file: String,
    /// `imported`, or `unchanged` (the same bytes were imported before: nothing written).
    pub outcome: &'static str,
    pub rows: usize,
    pub publisher: String,
    pub generated: NaiveDate,
    /// When the figures were first imported (RFC 3339, UTC).
    pub imported_at: String,
    /// How many series the file's rows are about.
    pub series: usize,
}

/// One stored row with the provenance of the file it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExactMetric {
    pub row: ExactRow,
    pub provenance: Provenance,
    pub file: String,
    pub imported_at: String,
    pub imported_on: NaiveDate,
}

fn i128_of(s: &str, what: &str) -> Result<i128, StoreError> {
    s.parse().map_err(|_| {
        StoreError::Invalid(format!(
            "stored exact metric {what} `{s}` is not an integer"
        ))
    })
}

fn date_of(s: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| StoreError::Invalid(format!("stored exact metric date `{s}` is not a date")))
}

impl WriteTx<'_> {
    /// Stores `input` in this transaction (the call's one): a new file's rows, or nothing when
    /// the same bytes were imported before. `now` is the import time. First every row's slug
    /// must name a series as the store stands in this transaction (so series the call's data
    /// brings count: call this after the data is resolved); the first that does not is the
    /// error, located at its line, and nothing of the file is written.
    pub fn import_exact(
        &mut self,
        input: &ExactInput,
        now: DateTime<Utc>,
    ) -> Result<ExactImport, StoreError> {
        let tx = self.tx()?;
        let mut exists =
            tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM series WHERE slug = ?1)")?;
        let mut checked: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for (r, line) in input.file.rows.iter().zip(&input.lines) {
            if checked.contains(r.series.as_str()) {
                continue;
            }
            if !exists.query_row([&r.series], |x| x.get::<_, bool>(0))? {
                return Err(SourceError::invalid(
                    Location::file(&input.path).row(*line).column("series"),
                    format!(
                        "no series has the slug `{}` (the slugs are `greenlight show`'s and `list --json`'s; import the public data that names it first)",
                        r.series
                    ),
                )
                .into());
            }
            checked.insert(&r.series);
        }
        drop(exists);
        let known: Option<String> = tx
            .query_row(
                "SELECT imported_at FROM platform_files WHERE content_hash = ?1",
                [&input.hash],
                |r| r.get(0),
            )
            .optional()?;
        let p = &input.file.provenance;
        let (outcome, imported_at) = match known {
            Some(at) => ("unchanged", at),
            None => {
                let at = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                tx.execute(
                    "INSERT INTO platform_files (content_hash, file, publisher, generated, imported_at, imported_on, rows)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        input.hash,
                        input.path.display().to_string(),
                        p.publisher,
                        p.generated.to_string(),
                        at,
                        now.date_naive().to_string(),
                        input.file.rows.len() as i64
                    ],
                )?;
                let id = tx.last_insert_rowid();
                let mut st = tx.prepare_cached(
                    "INSERT INTO platform_metrics (file_id, series, season, window_label, from_date, to_date,
                       seconds, views_milli, viewers, completers, completion_nano, view_share_nano, avs,
                       avs_share_nano, cost_micros, cost_source, cost_share_nano, efficiency_micro,
                       window_seconds, window_weight)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
                )?;
                for r in &input.file.rows {
                    st.execute(params![
                        id,
                        r.series,
                        r.season,
                        r.window,
                        r.from.to_string(),
                        r.to.to_string(),
                        r.seconds,
                        r.views_milli,
                        r.viewers,
                        r.completers,
                        r.completion_nano,
                        r.view_share_nano,
                        r.avs.to_string(),
                        r.avs_share_nano,
                        r.cost_micros,
                        r.cost_source,
                        r.cost_share_nano,
                        r.efficiency_micro,
                        r.window_seconds,
                        r.window_weight.to_string(),
                    ])?;
                }
                ("imported", at)
            }
        };
        Ok(ExactImport {
            file: input.path.display().to_string(),
            outcome,
            rows: input.file.rows.len(),
            publisher: p.publisher.clone(),
            generated: p.generated,
            imported_at,
            series: checked.len(),
        })
    }
}

impl Store {
    /// The exact metrics of series `slug` known as of `as_of`: per season and window, the row
    /// of the latest file imported on or before `as_of`, and only for windows that ended before
    /// it (`to < as_of`: a window's figures are final once its last day is over). Both rules
    /// are the point-in-time rule of METRICS.md: a platform's own figures are not public, so
    /// the day greenlight could know them is the day they were imported. Sorted by season, then
    /// window start, end and label.
    pub fn exact_metrics(
        &self,
        slug: &str,
        as_of: NaiveDate,
    ) -> Result<Vec<ExactMetric>, StoreError> {
        let day = as_of.to_string();
        let mut st = self.conn().prepare_cached(
            "SELECT m.window_label, m.from_date, m.to_date, m.series, m.season, m.seconds,
                    m.views_milli, m.viewers, m.completers, m.completion_nano, m.view_share_nano,
                    m.avs, m.avs_share_nano, m.cost_micros, m.cost_source, m.cost_share_nano,
                    m.efficiency_micro, m.window_seconds, m.window_weight,
                    f.publisher, f.generated, f.file, f.imported_at, f.imported_on
             FROM platform_metrics m JOIN platform_files f ON f.id = m.file_id
             WHERE m.series = ?1 AND f.imported_on <= ?2 AND m.to_date < ?2
             ORDER BY m.season, m.window_label, f.imported_at DESC, f.id DESC",
        )?;
        #[allow(clippy::type_complexity)]
        let raw: Vec<(
            (String, String, String, String, u32, i64),
            (i64, i64, i64, i64, i64, String, i64),
            (
                Option<i64>,
                Option<String>,
                Option<i64>,
                Option<i64>,
                i64,
                String,
            ),
            (String, String, String, String, String),
        )> = st
            .query_map(params![slug, day], |r| {
                Ok((
                    (
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ),
                    (
                        r.get(6)?,
                        r.get(7)?,
                        r.get(8)?,
                        r.get(9)?,
                        r.get(10)?,
                        r.get(11)?,
                        r.get(12)?,
                    ),
                    (
                        r.get(13)?,
                        r.get(14)?,
                        r.get(15)?,
                        r.get(16)?,
                        r.get(17)?,
                        r.get(18)?,
                    ),
                    (r.get(19)?, r.get(20)?, r.get(21)?, r.get(22)?, r.get(23)?),
                ))
            })?
            .collect::<Result<_, _>>()?;
        let mut out: Vec<ExactMetric> = Vec::new();
        for (a, b, c, d) in raw {
            let row = ExactRow {
                window: a.0,
                from: date_of(&a.1)?,
                to: date_of(&a.2)?,
                series: a.3,
                season: a.4,
                seconds: a.5,
                views_milli: b.0,
                viewers: b.1,
                completers: b.2,
                completion_nano: b.3,
                view_share_nano: b.4,
                avs: i128_of(&b.5, "avs")?,
                avs_share_nano: b.6,
                cost_micros: c.0,
                cost_source: c.1,
                cost_share_nano: c.2,
                efficiency_micro: c.3,
                window_seconds: c.4,
                window_weight: i128_of(&c.5, "window_weight")?,
            };
            // The latest file comes first within a (season, window): keep it only.
            if out
                .last()
                .is_some_and(|m| m.row.season == row.season && m.row.window == row.window)
            {
                continue;
            }
            out.push(ExactMetric {
                row,
                provenance: Provenance {
                    publisher: d.0,
                    generated: date_of(&d.1)?,
                },
                file: d.2,
                imported_at: d.3,
                imported_on: date_of(&d.4)?,
            });
        }
        out.sort_by(|a, b| {
            (a.row.season, a.row.from, a.row.to, &a.row.window).cmp(&(
                b.row.season,
                b.row.from,
                b.row.to,
                &b.row.window,
            ))
        });
        Ok(out)
    }

    /// How many exact metrics files and rows the store holds (for `stats` and tests).
    pub fn exact_counts(&self) -> Result<(i64, i64), StoreError> {
        Ok(self.conn().query_row(
            "SELECT (SELECT count(*) FROM platform_files), (SELECT count(*) FROM platform_metrics)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }
}
