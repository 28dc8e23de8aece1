//! Writing: dataset rows, the raw rows (50 per statement) and the secondary indexes dropped
//! for the bulk work and rebuilt after it.

use super::*;

/// Series, seasons and unresolved spellings as stored.
pub(super) fn counts(conn: &rusqlite::Connection) -> Result<resolve::ResolveCounts, StoreError> {
    Ok(conn.query_row(
        "SELECT (SELECT count(*) FROM series), (SELECT count(*) FROM seasons), (SELECT count(*) FROM unresolved)",
        [],
        |r| {
            Ok(resolve::ResolveCounts {
                series: r.get::<_, i64>(0)? as usize,
                seasons: r.get::<_, i64>(1)? as usize,
                unresolved: r.get::<_, i64>(2)? as usize,
            })
        },
    )?)
}

/// Inserts a file's rows, naming the file in any error.
pub(super) fn store_rows(
    tx: &Transaction,
    f: &ParsedFile,
    ds: i64,
    ids: &[i64],
) -> Result<(), StoreError> {
    insert_rows(tx, ds, f.format, &f.parsed, ids).map_err(|e| match e {
        StoreError::Invalid(m) => StoreError::Invalid(format!("{}, {m}", f.path.display())),
        e => e,
    })
}

/// Writes a file's dataset row (deleting the dataset it replaces first) and returns its id.
pub(super) fn apply_store(
    tx: &Transaction,
    f: &ParsedFile,
    replaces: Option<i64>,
) -> Result<i64, StoreError> {
    if let Some(id) = replaces {
        delete_dataset(tx, id)?;
    }
    let file_name = f
        .path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    tx.execute(
        "INSERT INTO datasets (key, format, publisher, file_name, path, as_of, content_hash, rows, imported_at, published, published_precision)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, datetime('now'), ?9, ?10)",
        params![
            f.dataset.0,
            f.format.name(),
            f.format.publisher(),
            file_name,
            f.path.display().to_string(),
            f.dataset.1.to_string(),
            f.hash,
            f.parsed.len() as i64,
            f.published.date.map(|d| d.to_string()),
            f.published.precision.name()
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Updates an unchanged file's publication date (and, when its content has no date, the
/// `as_of` that follows it).
pub(super) fn apply_redate(tx: &Transaction, f: &ParsedFile) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE datasets SET published = ?2, published_precision = ?3,
                as_of = CASE WHEN ?4 THEN as_of ELSE ?5 END
         WHERE key = ?1",
        params![
            f.dataset.0,
            f.published.date.map(|d| d.to_string()),
            f.published.precision.name(),
            f.content_dated,
            f.dataset.1.to_string()
        ],
    )?;
    Ok(())
}

pub(super) fn delete_dataset(tx: &Transaction, id: i64) -> Result<(), StoreError> {
    for table in crate::schema::RAW_TABLES {
        tx.execute(&format!("DELETE FROM {table} WHERE dataset_id = ?1"), [id])?;
    }
    tx.execute("DELETE FROM datasets WHERE id = ?1", [id])?;
    Ok(())
}

/// A date bound as `YYYY-MM-DD` text (what chrono's `Display` writes for years 0..=9999) without
/// the formatting machinery and a `String` per row: the raw tables hold about 100k dates.
pub(super) enum Day {
    Text([u8; 10]),
    /// Years outside 0..=9999, written as chrono writes them (`+10000-01-01`).
    Other(String),
}

impl Day {
    fn of(date: NaiveDate) -> Day {
        use chrono::Datelike;
        let y = date.year();
        if !(0..=9999).contains(&y) {
            return Day::Other(date.to_string());
        }
        let digits = |n: u32, out: &mut [u8]| {
            let mut n = n;
            for b in out.iter_mut().rev() {
                *b = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        let mut text = *b"0000-00-00";
        digits(y.unsigned_abs(), &mut text[0..4]);
        digits(date.month(), &mut text[5..7]);
        digits(date.day(), &mut text[8..10]);
        Day::Text(text)
    }
}

impl rusqlite::ToSql for Day {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Day::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t)),
            Day::Other(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
}

/// Inserts a file's rows into its format's table and columns (its descriptor's); each arm binds
/// a row's values in that column order.
pub(super) fn insert_rows(
    tx: &Transaction,
    ds: i64,
    format: Format,
    parsed: &Parsed,
    ids: &[i64],
) -> Result<(), StoreError> {
    let spec = format.spec();
    let (table, columns) = (spec.table, spec.columns);
    let titled = columns.contains(&"title_id");
    if titled && ids.len() != parsed.len() {
        return Err(StoreError::Invalid(format!(
            "{} rows but {} title ids (an internal error; nothing was stored)",
            parsed.len(),
            ids.len()
        )));
    }
    match parsed {
        Parsed::Top10(rows) => batch::insert(
            tx,
            table,
            columns,
            rows,
            &mut |st, p, i, r| bind_all!(st, p; ds, r.line as i64, Day::of(r.week), &r.category, r.rank, ids[i], r.hours, r.runtime, r.views, r.cumulative_weeks),
        ),
        Parsed::Countries(rows) => batch::insert(
            tx,
            table,
            columns,
            rows,
            &mut |st, p, i, r| bind_all!(st, p; ds, r.line as i64, &r.country_iso2, &r.country_name, Day::of(r.week), &r.category, r.rank, ids[i], r.cumulative_weeks),
        ),
        Parsed::MostPopular(rows) => batch::insert(
            tx,
            table,
            columns,
            rows,
            &mut |st, p, i, r| bind_all!(st, p; ds, r.line as i64, &r.category, r.rank, ids[i], r.hours_first_91_days, r.runtime, r.views_first_91_days),
        ),
        Parsed::Engagement(report) => batch::insert(
            tx,
            table,
            columns,
            &report.rows,
            &mut |st, p, i, r| bind_all!(st, p; ds, &report.period, &r.sheet, r.row as i64, ids[i], r.available_globally, r.release_date.map(Day::of), r.hours, r.runtime_minutes, r.views),
        ),
        Parsed::Tmdb(rows) => batch::insert(tx, table, columns, rows, &mut |st, p, i, r| {
            bind_all!(st, p; ds, r.line as i64, ids[i], &r.name, r.number_of_seasons, r.vote_count, r.vote_average, r.popularity, &r.network,
                    r.first_air_date.map(Day::of), r.last_air_date.map(Day::of), &r.status, r.renewed, r.show_duration_days)
        }),
        Parsed::JustWatchTitles(rows) => {
            batch::insert(tx, table, columns, rows, &mut |st, p, i, r| {
                bind_all!(st, p; &r.id, ds, r.line as i64, ids[i], &r.title, &r.kind, r.release_year, &r.age_certification, r.runtime_minutes,
                    serde_json::to_string(&r.genres).unwrap_or_default(),
                    serde_json::to_string(&r.production_countries).unwrap_or_default(),
                    r.seasons, &r.imdb_id, r.imdb_score, r.imdb_votes.map(|v| v as i64), r.tmdb_popularity, r.tmdb_score)
            })
        }
        Parsed::RegionFinance(r) => batch::insert(
            tx,
            table,
            columns,
            &r.figures,
            &mut |st, p, _, f| bind_all!(st, p; ds, f.line as i64, &r.metric, f.year, &f.region, f.value),
        ),
        Parsed::JustWatchCredits(rows) => batch::insert(
            tx,
            table,
            columns,
            rows,
            &mut |st, p, _, r| bind_all!(st, p; ds, r.line as i64, r.person_id, &r.title_id, &r.name, &r.character, &r.role),
        ),
    }
}

/// Drops every explicitly created index (not the implicit ones behind UNIQUE) and returns the
/// statements that recreate them.
pub(super) fn drop_secondary_indexes(
    tx: &Transaction,
) -> Result<Vec<(String, String)>, StoreError> {
    let found: Vec<(String, String, String)> = tx
        .prepare(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (name, _, _) in &found {
        tx.execute_batch(&format!("DROP INDEX \"{name}\""))?;
    }
    Ok(found
        .into_iter()
        .map(|(_, table, sql)| (table, sql))
        .collect())
}

/// Recreates the dropped indexes of the raw tables (`raw`) or of all the others, once their rows
/// are in.
pub(super) fn rebuild_indexes(
    tx: &Transaction,
    indexes: &[(String, String)],
    raw: bool,
) -> Result<(), StoreError> {
    for (table, sql) in indexes {
        if crate::schema::RAW_TABLES.contains(&table.as_str()) == raw {
            tx.execute_batch(sql)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::ToSql;

    /// The format descriptors name exactly the store's raw tables, and only columns they have.
    #[test]
    fn descriptors_name_the_raw_tables_and_their_columns() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        let mut tables: Vec<&str> = greenlight_sources::SPECS.iter().map(|s| s.table).collect();
        tables.sort_unstable();
        tables.dedup();
        let mut raw = crate::schema::RAW_TABLES.to_vec();
        raw.sort_unstable();
        assert_eq!(tables, raw);
        for spec in &greenlight_sources::SPECS {
            let have: Vec<String> = store
                .conn()
                .prepare(&format!(
                    "SELECT name FROM pragma_table_info('{}')",
                    spec.table
                ))
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            for c in spec.columns {
                assert!(
                    have.iter().any(|h| h == c),
                    "{}: {}.{c}",
                    spec.name,
                    spec.table
                );
            }
            // Every column without a default is bound (a forgotten one would be NULL or fail).
            let required: Vec<String> = store
                .conn()
                .prepare(&format!(
                    "SELECT name FROM pragma_table_info('{}') WHERE \"notnull\" AND dflt_value IS NULL AND pk = 0",
                    spec.table
                ))
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            for c in &required {
                assert!(
                    spec.columns.contains(&c.as_str()),
                    "{}: {c} not bound",
                    spec.name
                );
            }
        }
    }

    /// `Day` must bind exactly the text chrono writes, for every day the data can hold.
    #[test]
    fn day_binds_what_chrono_writes() {
        let text = |d: &Day| match d.to_sql().unwrap() {
            rusqlite::types::ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(t)) => {
                String::from_utf8(t.to_vec()).unwrap()
            }
            other => panic!("unexpected {other:?}"),
        };
        let mut d = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
        let end = NaiveDate::from_ymd_opt(2101, 1, 1).unwrap();
        let mut n = 0;
        while d < end {
            assert_eq!(text(&Day::of(d)), d.to_string());
            d = d.succ_opt().unwrap();
            n += 1;
        }
        assert!(n > 73_000);
        for (y, m, dd) in [
            (0, 1, 1),
            (9, 2, 3),
            (999, 12, 31),
            (9999, 12, 31),
            (10000, 1, 1),
            (-1, 6, 15),
        ] {
            let d = NaiveDate::from_ymd_opt(y, m, dd).unwrap();
            assert_eq!(text(&Day::of(d)), d.to_string(), "{y}");
        }
    }
}
