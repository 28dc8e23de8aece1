//! Versioned migrations. A component's migrations are applied in order and never edited once
//! released: a schema change is a new entry at the end.

use crate::StoreError;
use rusqlite::{params, Connection};

pub(crate) fn migrate(
    conn: &mut Connection,
    component: &str,
    migrations: &[&str],
) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT PRIMARY KEY, version INTEGER NOT NULL);",
    )?;
    let current: i64 = conn
        .query_row(
            "SELECT version FROM schema_migrations WHERE component = ?1",
            [component],
            |r| r.get(0),
        )
        .unwrap_or(0);
    for (i, sql) in migrations.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
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
];
