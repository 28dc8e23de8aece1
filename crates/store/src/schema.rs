//! Versioned migrations. A component's migrations are applied in order and never edited once
//! released: a schema change is a new entry at the end.

use crate::StoreError;
use rusqlite::{params, Connection, OptionalExtension};

pub(crate) fn migrate(
    conn: &mut Connection,
    component: &str,
    migrations: &[&str],
) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT PRIMARY KEY, version INTEGER NOT NULL);",
    )?;
    let current = version(conn, component)?;
    // SQLite's recipe for changing a table (create the new one, copy, drop, rename) needs foreign
    // keys off, which only takes effect outside a transaction; each migration checks them itself
    // before committing instead.
    if migrations.len() <= current as usize {
        return Ok(());
    }
    let fk: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    conn.execute_batch("PRAGMA foreign_keys=OFF")?;
    let result = apply(conn, component, migrations, current);
    if fk {
        conn.execute_batch("PRAGMA foreign_keys=ON")?;
    }
    result
}

/// The version `component` has reached. Only "no row" means 0: any other error (a lock held
/// past the busy timeout) is returned, not taken for a store whose migrations all remain to be
/// applied.
fn version(conn: &Connection, component: &str) -> Result<i64, StoreError> {
    Ok(conn
        .query_row(
            "SELECT version FROM schema_migrations WHERE component = ?1",
            [component],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0))
}

fn apply(
    conn: &mut Connection,
    component: &str,
    migrations: &[&str],
    current: i64,
) -> Result<(), StoreError> {
    for (i, sql) in migrations.iter().enumerate().skip(current as usize) {
        // The version read before is re-read holding the write lock: another process opening
        // the store at the same moment (two commands started during an import, both waiting
        // for its lock) may have applied this migration meanwhile, and running it again
        // failed with "table ... already exists".
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if version(&tx, component)? > i as i64 {
            continue;
        }
        tx.execute_batch(sql)?;
        let broken: i64 =
            tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        if broken > 0 {
            return Err(StoreError::Invalid(format!(
                "migration {} of {component} would leave {broken} rows pointing at nothing; nothing was changed",
                i + 1
            )));
        }
        tx.execute(
            "INSERT INTO schema_migrations (component, version) VALUES (?1, ?2)
             ON CONFLICT(component) DO UPDATE SET version = excluded.version",
            params![component, i as i64 + 1],
        )?;
        tx.commit()?;
    }
    Ok(())
}

/// Tables holding rows as published, each row tied to the dataset (file) it came from.
pub(crate) const RAW_TABLES: [&str; 8] = [
    "chart_weeks",
    "country_weeks",
    "most_popular",
    "engagement",
    "tmdb_shows",
    "jw_titles",
    "jw_credits",
    "region_finance",
];

pub(crate) const MIGRATIONS: &[&str] = &[
    r#"
-- One row per dataset (a publisher's file family). A newer snapshot replaces the dataset's rows.
CREATE TABLE datasets (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,          -- top10-global, engagement-2023H1, tmdb-status, ...
    format TEXT NOT NULL,
    publisher TEXT NOT NULL,
    file_name TEXT NOT NULL,
    path TEXT NOT NULL,
    as_of TEXT NOT NULL,               -- the latest date the content speaks of (YYYY-MM-DD)
    content_hash TEXT NOT NULL,
    rows INTEGER NOT NULL,
    imported_at TEXT NOT NULL
);

-- Distinct source spellings. Raw rows point here; resolution fills series_id/season_id.
CREATE TABLE titles (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,              -- top10 | engagement | tmdb | justwatch
    show_title TEXT NOT NULL,          -- the series-level spelling ('' where the source has none)
    season_title TEXT NOT NULL,        -- the season-level spelling ('' for N/A)
    kind TEXT NOT NULL,                -- tv | film | unknown
    hint TEXT NOT NULL DEFAULT '',     -- a year that tells same-named catalogue records apart
    series_id INTEGER,
    season_id INTEGER,
    UNIQUE (source, show_title, season_title, kind, hint)
);
CREATE INDEX titles_series ON titles(series_id);
CREATE INDEX titles_season ON titles(season_id);

CREATE TABLE chart_weeks (
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    week TEXT NOT NULL,
    category TEXT NOT NULL,
    rank INTEGER NOT NULL,
    title_id INTEGER NOT NULL REFERENCES titles(id),
    hours INTEGER NOT NULL,
    runtime REAL,
    views INTEGER,
    cumulative_weeks INTEGER NOT NULL,
    UNIQUE (week, category, rank)
);
CREATE INDEX chart_weeks_title ON chart_weeks(title_id);

CREATE TABLE country_weeks (
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    country_iso2 TEXT NOT NULL,
    country_name TEXT NOT NULL,
    week TEXT NOT NULL,
    category TEXT NOT NULL,
    rank INTEGER NOT NULL,
    title_id INTEGER NOT NULL REFERENCES titles(id),
    cumulative_weeks INTEGER NOT NULL,
    UNIQUE (country_iso2, week, category, rank)
);
CREATE INDEX country_weeks_title ON country_weeks(title_id);

CREATE TABLE most_popular (
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    category TEXT NOT NULL,
    rank INTEGER NOT NULL,
    title_id INTEGER NOT NULL REFERENCES titles(id),
    hours_first_91_days INTEGER NOT NULL,
    runtime REAL,
    views_first_91_days INTEGER,
    UNIQUE (category, rank)
);

CREATE TABLE engagement (
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    report TEXT NOT NULL,              -- 2023H1 ..
    sheet TEXT NOT NULL,
    row INTEGER NOT NULL,
    title_id INTEGER NOT NULL REFERENCES titles(id),
    available_globally INTEGER NOT NULL,
    release_date TEXT,
    hours INTEGER NOT NULL,
    runtime_minutes INTEGER,
    views INTEGER,
    UNIQUE (report, sheet, row)
);
CREATE INDEX engagement_title ON engagement(title_id);

CREATE TABLE tmdb_shows (
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    title_id INTEGER NOT NULL REFERENCES titles(id),
    name TEXT NOT NULL,
    number_of_seasons INTEGER NOT NULL,
    vote_count INTEGER NOT NULL,
    vote_average REAL NOT NULL,
    popularity REAL NOT NULL,
    network TEXT NOT NULL,
    first_air_date TEXT,
    last_air_date TEXT,
    status TEXT NOT NULL,
    renewed INTEGER NOT NULL,
    show_duration_days INTEGER
);
CREATE INDEX tmdb_shows_title ON tmdb_shows(title_id);

CREATE TABLE jw_titles (
    id TEXT PRIMARY KEY,               -- JustWatch id (tm…/ts…)
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    title_id INTEGER NOT NULL REFERENCES titles(id),
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    release_year INTEGER,
    age_certification TEXT,
    runtime_minutes INTEGER,
    genres TEXT NOT NULL,              -- JSON array
    production_countries TEXT NOT NULL,-- JSON array
    seasons INTEGER,
    imdb_id TEXT,
    imdb_score REAL,
    imdb_votes INTEGER,
    tmdb_popularity REAL,
    tmdb_score REAL
);
CREATE INDEX jw_titles_title ON jw_titles(title_id);

CREATE TABLE jw_credits (
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    jw_title_id TEXT NOT NULL,
    name TEXT NOT NULL,
    character TEXT,
    role TEXT NOT NULL
);
CREATE INDEX jw_credits_title ON jw_credits(jw_title_id);

-- Derived by resolution; rebuilt after each import.
CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,                -- tv | film | unknown
    match_key TEXT NOT NULL
);
CREATE TABLE seasons (
    id INTEGER PRIMARY KEY,
    series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    label_key TEXT NOT NULL,
    label TEXT NOT NULL,               -- JSON of SeasonLabel
    display TEXT NOT NULL,
    number INTEGER,
    ordinal INTEGER NOT NULL,
    UNIQUE (series_id, label_key)
);
CREATE TABLE unresolved (
    id INTEGER PRIMARY KEY,
    title_id INTEGER NOT NULL REFERENCES titles(id),
    reason TEXT NOT NULL,
    candidates TEXT NOT NULL           -- JSON array of series titles
);
-- User fixes for what resolution can't decide: a spelling -> a series (and season).
CREATE TABLE aliases (
    spelling TEXT PRIMARY KEY,
    series TEXT NOT NULL,
    season TEXT,
    source_file TEXT NOT NULL
);
"#,
    r#"
-- Netflix's per-region yearly figures (ARPU, revenue), one dataset per file.
CREATE TABLE region_finance (
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    metric TEXT NOT NULL,              -- arpu-by-region | revenue-by-region
    year INTEGER NOT NULL,
    region TEXT NOT NULL,
    value REAL NOT NULL,
    UNIQUE (metric, year, region)
);
"#,
    r#"
-- Bulk-load shape. The raw tables' UNIQUE constraints kept an index ordered row by row during
-- every import; the keys are checked before anything is written instead (import::check_unique,
-- and parsers emit each sheet row once). A title spelling's uniqueness is kept by its only two
-- writers (the import's interner and Store::declare_series), which look every spelling up before
-- adding it; an index on it cost a sorted rebuild per import and was never read. Raw rows and
-- their ids are kept.
CREATE TABLE titles_new (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    show_title TEXT NOT NULL,
    season_title TEXT NOT NULL,
    kind TEXT NOT NULL,
    hint TEXT NOT NULL DEFAULT '',
    series_id INTEGER,
    season_id INTEGER
);
INSERT INTO titles_new SELECT id, source, show_title, season_title, kind, hint, series_id, season_id FROM titles;
DROP TABLE titles;
ALTER TABLE titles_new RENAME TO titles;
CREATE INDEX titles_series ON titles(series_id);
CREATE INDEX titles_season ON titles(season_id);

CREATE TABLE chart_weeks_new (
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    week TEXT NOT NULL,
    category TEXT NOT NULL,
    rank INTEGER NOT NULL,
    title_id INTEGER NOT NULL REFERENCES titles(id),
    hours INTEGER NOT NULL,
    runtime REAL,
    views INTEGER,
    cumulative_weeks INTEGER NOT NULL
);
INSERT INTO chart_weeks_new SELECT id, dataset_id, line, week, category, rank, title_id, hours, runtime, views, cumulative_weeks FROM chart_weeks;
DROP TABLE chart_weeks;
ALTER TABLE chart_weeks_new RENAME TO chart_weeks;
CREATE INDEX chart_weeks_title ON chart_weeks(title_id);
CREATE INDEX chart_weeks_week ON chart_weeks(week, category, rank);

CREATE TABLE country_weeks_new (
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    country_iso2 TEXT NOT NULL,
    country_name TEXT NOT NULL,
    week TEXT NOT NULL,
    category TEXT NOT NULL,
    rank INTEGER NOT NULL,
    title_id INTEGER NOT NULL REFERENCES titles(id),
    cumulative_weeks INTEGER NOT NULL
);
INSERT INTO country_weeks_new SELECT id, dataset_id, line, country_iso2, country_name, week, category, rank, title_id, cumulative_weeks FROM country_weeks;
DROP TABLE country_weeks;
ALTER TABLE country_weeks_new RENAME TO country_weeks;
-- No title index: the country lists are only ever read whole (the odds' catalogue), and an index
-- cost every import a sort of 65k rows.

CREATE TABLE engagement_new (
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    report TEXT NOT NULL,
    sheet TEXT NOT NULL,
    row INTEGER NOT NULL,
    title_id INTEGER NOT NULL REFERENCES titles(id),
    available_globally INTEGER NOT NULL,
    release_date TEXT,
    hours INTEGER NOT NULL,
    runtime_minutes INTEGER,
    views INTEGER
);
INSERT INTO engagement_new SELECT id, dataset_id, report, sheet, row, title_id, available_globally, release_date, hours, runtime_minutes, views FROM engagement;
DROP TABLE engagement;
ALTER TABLE engagement_new RENAME TO engagement;
CREATE INDEX engagement_title ON engagement(title_id);
"#,
    r#"
-- Series and seasons keep their uniqueness in named indexes instead of table constraints, so an
-- import can drop them and rebuild each once by sorting (as it does every other index) rather
-- than keep them ordered while every resolved series and season is written in id order. The
-- rebuild fails, and the import rolls back, if a key were ever duplicated. Rows and ids are kept.
CREATE TABLE series_new (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,                -- tv | film | unknown
    match_key TEXT NOT NULL
);
INSERT INTO series_new SELECT id, slug, title, kind, match_key FROM series;
DROP TABLE series;
ALTER TABLE series_new RENAME TO series;
CREATE UNIQUE INDEX series_slug ON series(slug);

CREATE TABLE seasons_new (
    id INTEGER PRIMARY KEY,
    series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    label_key TEXT NOT NULL,
    label TEXT NOT NULL,               -- JSON of SeasonLabel
    display TEXT NOT NULL,
    number INTEGER,
    ordinal INTEGER NOT NULL
);
INSERT INTO seasons_new SELECT id, series_id, label_key, label, display, number, ordinal FROM seasons;
DROP TABLE seasons;
ALTER TABLE seasons_new RENAME TO seasons;
CREATE UNIQUE INDEX seasons_key ON seasons(series_id, label_key);
"#,
    r#"
-- Credits are only ever read by title, so they are stored clustered by title: the table is its
-- own index, and an import (which writes them in key order) no longer sorts 78k keys into a
-- separate one. A file line is unique within its dataset, which makes the key unique.
CREATE TABLE jw_credits_new (
    dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    jw_title_id TEXT NOT NULL,
    name TEXT NOT NULL,
    character TEXT,
    role TEXT NOT NULL,
    PRIMARY KEY (jw_title_id, dataset_id, line)
) WITHOUT ROWID;
INSERT INTO jw_credits_new SELECT dataset_id, line, person_id, jw_title_id, name, character, role
    FROM jw_credits ORDER BY jw_title_id, dataset_id, line;
DROP TABLE jw_credits;
ALTER TABLE jw_credits_new RENAME TO jw_credits;

-- One index serves both ways titles are looked up: by series, and by season (whose series is
-- always known when it is asked for). An import builds it once instead of two.
DROP INDEX titles_series;
DROP INDEX titles_season;
CREATE INDEX titles_link ON titles(series_id, season_id);
"#,
    r#"
-- When each dataset (file) became public, for "as of" answers: a date and how far it can be
-- trusted (exact, at_latest, at_earliest), or no date with precision 'row' when every row carries
-- its own (Top 10 weeks, finance years). An import takes it from the folder's MANIFEST.toml, else
-- from the content, else the import day (at_latest); never from a file's mtime.
ALTER TABLE datasets ADD COLUMN published TEXT;
ALTER TABLE datasets ADD COLUMN published_precision TEXT NOT NULL DEFAULT 'at_latest'
    CHECK (published_precision IN ('exact', 'at_latest', 'at_earliest', 'row'));
-- Datasets imported before this migration get the date the content rules give (store::published);
-- a file whose content has no date is dated the day it was imported, at the latest.
UPDATE datasets SET published = NULL, published_precision = 'row'
    WHERE key IN ('top10-global', 'top10-countries') OR key LIKE 'finance-%';
UPDATE datasets SET published = '2023-12-12', published_precision = 'exact' WHERE key = 'engagement-2023H1';
UPDATE datasets SET published = '2024-05-23', published_precision = 'exact' WHERE key = 'engagement-2023H2';
UPDATE datasets SET published = substr(key, 12, 4) || '-09-30'
    WHERE key GLOB 'engagement-[0-9][0-9][0-9][0-9]H1' AND key != 'engagement-2023H1';
UPDATE datasets SET published = printf('%04d-03-31', CAST(substr(key, 12, 4) AS INTEGER) + 1)
    WHERE key GLOB 'engagement-[0-9][0-9][0-9][0-9]H2' AND key != 'engagement-2023H2';
UPDATE datasets SET published = as_of, published_precision = 'at_earliest' WHERE key = 'tmdb-status';
UPDATE datasets SET published = date(imported_at) WHERE published IS NULL AND published_precision = 'at_latest';
"#,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Migration 6 dates the datasets a store already holds by the content rules
    /// (`store::published`), and files whose content has no date by the day they were imported.
    #[test]
    fn migration_6_dates_stored_datasets() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, "store", &MIGRATIONS[..5]).unwrap();
        let mut id = 0;
        for (key, as_of) in [
            ("top10-global", "2026-07-19"),
            ("top10-countries", "2022-02-27"),
            ("finance-arpu-by-region", "2024-12-31"),
            ("engagement-2023H1", "2023-06-30"),
            ("engagement-2023H2", "2023-12-31"),
            ("engagement-2024H1", "2024-06-30"),
            ("engagement-2024H2", "2024-12-31"),
            ("tmdb-status", "2024-04-01"),
            ("justwatch-titles", "2026-12-01"),
            ("most-popular", "2026-12-01"),
        ] {
            id += 1;
            conn.execute(
                "INSERT INTO datasets VALUES (?1, ?2, 'f', 'p', 'a', 'a', ?3, 'h', 1, '2025-02-03 10:00:00')",
                params![id, key, as_of],
            )
            .unwrap();
        }
        migrate(&mut conn, "store", MIGRATIONS).unwrap();
        let got: Vec<(String, Option<String>, String)> = conn
            .prepare("SELECT key, published, published_precision FROM datasets ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let row =
            |k: &str, d: Option<&str>, p: &str| (k.to_string(), d.map(String::from), p.to_string());
        assert_eq!(
            got,
            vec![
                row("top10-global", None, "row"),
                row("top10-countries", None, "row"),
                row("finance-arpu-by-region", None, "row"),
                row("engagement-2023H1", Some("2023-12-12"), "exact"),
                row("engagement-2023H2", Some("2024-05-23"), "exact"),
                row("engagement-2024H1", Some("2024-09-30"), "at_latest"),
                row("engagement-2024H2", Some("2025-03-31"), "at_latest"),
                row("tmdb-status", Some("2024-04-01"), "at_earliest"),
                row("justwatch-titles", Some("2025-02-03"), "at_latest"),
                row("most-popular", Some("2025-02-03"), "at_latest"),
            ]
        );
        // The same dates as the content rules give.
        for (period, key) in [("2023H1", 4), ("2024H2", 7)] {
            let want = crate::published::engagement_report_published(period).unwrap();
            assert_eq!(got[key - 1].1, want.date.map(|d| d.to_string()), "{period}");
            assert_eq!(got[key - 1].2, want.precision.name(), "{period}");
        }
        let e = conn
            .execute(
                "UPDATE datasets SET published_precision = 'roughly' WHERE id = 1",
                [],
            )
            .unwrap_err()
            .to_string();
        assert!(e.contains("CHECK"), "{e}");
    }

    /// Migrations 3 to 5 rebuild the raw tables, series, seasons and credits; a store written by
    /// version 2 must keep every row, id and link.
    #[test]
    fn migrations_3_to_5_keep_rows_ids_and_links() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA foreign_keys=ON").unwrap();
        migrate(&mut conn, "store", &MIGRATIONS[..2]).unwrap();
        conn.execute_batch(
            "INSERT INTO datasets VALUES (1, 'top10-global', 'f', 'Netflix', 'a.tsv', 'a.tsv', '2022-01-02', 'h', 2, 'now');
             INSERT INTO series VALUES (5, 'dark', 'Dark', 'tv', 'dark');
             INSERT INTO seasons VALUES (9, 5, 's1', '{}', 'Season 1', 1, 0);
             INSERT INTO titles VALUES (7, 'top10', 'Dark', 'Dark: Season 1', 'tv', '', 5, 9);
             INSERT INTO chart_weeks VALUES (3, 1, 2, '2022-01-02', 'TV (English)', 1, 7, 100, 1.5, 66, 1);
             INSERT INTO country_weeks VALUES (4, 1, 2, 'DE', 'Germany', '2022-01-02', 'TV', 1, 7, 1);
             INSERT INTO engagement VALUES (8, 1, '2023H1', 'TV', 6, 7, 1, NULL, 100, 90, 66);
             INSERT INTO jw_credits VALUES (11, 1, 3, 42, 'tm1', 'Ana', 'Lead', 'ACTOR');",
        )
        .unwrap();
        migrate(&mut conn, "store", MIGRATIONS).unwrap();
        let got: (i64, i64, i64, i64, i64, i64) = conn
            .query_row(
                "SELECT t.id, t.series_id, t.season_id, c.id, w.id, e.id FROM titles t
                 JOIN chart_weeks c ON c.title_id = t.id JOIN country_weeks w ON w.title_id = t.id
                 JOIN engagement e ON e.title_id = t.id",
                [],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                },
            )
            .unwrap();
        assert_eq!(got, (7, 5, 9, 3, 4, 8));
        // Migration 5 clusters credits by title and links titles through one index.
        let credit: (String, String, i64) = conn
            .query_row(
                "SELECT name, character, line FROM jw_credits WHERE jw_title_id = 'tm1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(credit, ("Ana".into(), "Lead".into(), 3));
        for q in [
            "SELECT * FROM titles WHERE series_id = 5",
            "SELECT * FROM titles WHERE series_id = 5 AND season_id = 9",
        ] {
            let plan: String = conn
                .query_row(&format!("EXPLAIN QUERY PLAN {q}"), [], |r| r.get(3))
                .unwrap();
            assert!(plan.contains("titles_link"), "{q}: {plan}");
        }
        // Migration 4 moved series' and seasons' keys into indexes that still refuse duplicates.
        for dup in [
            "INSERT INTO series VALUES (6, 'dark', 'Dark again', 'tv', 'dark')",
            "INSERT INTO seasons VALUES (10, 5, 's1', '{}', 'Season 1', 1, 0)",
        ] {
            let e = conn.execute_batch(dup).unwrap_err().to_string();
            assert!(e.contains("UNIQUE"), "{dup}: {e}");
        }
        let version: i64 = conn
            .query_row(
                "SELECT version FROM schema_migrations WHERE component = 'store'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(version as usize, MIGRATIONS.len());
        let fk: bool = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert!(fk, "foreign keys are back on after migrating");
    }
}
