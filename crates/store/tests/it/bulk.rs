//! The bulk-import path's own invariants: spellings stay unique without an index, every spelling
//! is linked, the store is back in WAL mode after an import, and an import beside an open reader
//! (a running server) still works, in WAL.

use crate::common;

use greenlight_store::import::ImportOptions;
use greenlight_store::Store;

fn one(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Checks every title row: unique spelling, linked to an existing series (and season, where
/// linked), referenced by some raw row unless the ledger declared it.
fn assert_titles_sound(store: &Store) {
    assert_eq!(
        one(
            store,
            "SELECT count(*) FROM (SELECT 1 FROM titles GROUP BY source, show_title, season_title, kind, hint HAVING count(*) > 1)"
        ),
        0,
        "a spelling is stored twice"
    );
    assert_eq!(
        one(
            store,
            "SELECT count(*) FROM titles t LEFT JOIN series s ON s.id = t.series_id WHERE s.id IS NULL"
        ),
        0,
        "a spelling without a series"
    );
    assert_eq!(
        one(
            store,
            "SELECT count(*) FROM titles t LEFT JOIN seasons se ON se.id = t.season_id
             WHERE t.season_id IS NOT NULL AND (se.id IS NULL OR se.series_id != t.series_id)"
        ),
        0,
        "a spelling linked to a season of another series"
    );
    assert_eq!(
        one(
            store,
            "SELECT count(*) FROM titles WHERE source != 'ledger'
               AND id NOT IN (SELECT title_id FROM chart_weeks) AND id NOT IN (SELECT title_id FROM country_weeks)
               AND id NOT IN (SELECT title_id FROM most_popular) AND id NOT IN (SELECT title_id FROM engagement)
               AND id NOT IN (SELECT title_id FROM tmdb_shows) AND id NOT IN (SELECT title_id FROM jw_titles)"
        ),
        0,
        "an orphaned spelling"
    );
    for table in [
        "chart_weeks",
        "country_weeks",
        "engagement",
        "tmdb_shows",
        "jw_titles",
    ] {
        assert_eq!(
            one(
                store,
                &format!("SELECT count(*) FROM {table} x LEFT JOIN titles t ON t.id = x.title_id WHERE t.id IS NULL")
            ),
            0,
            "{table} row pointing at no title"
        );
    }
}

#[test]
fn replacing_a_snapshot_keeps_titles_sound_and_equal_to_one_import() {
    let top = common::data_dir().join("netflix-top10");
    let dir = tempfile::tempdir().unwrap();
    let mut store = common::fresh_store(&dir);
    store
        .import_paths(
            &[top.join("all-weeks-global.2022-11-09.tsv")],
            &ImportOptions::default(),
        )
        .unwrap();
    store
        .declare_series("A Ledger-Only Show")
        .expect("declare a series");
    store
        .import_paths(&[common::data_dir()], &ImportOptions::default())
        .unwrap();
    assert_titles_sound(&store);
    // Declaring twice adds no second spelling.
    store.declare_series("A Ledger-Only Show").unwrap();
    assert_titles_sound(&store);

    let once = common::open_imported();
    assert_titles_sound(&once);
    let series = |s: &Store| {
        let mut st = s
            .conn()
            .prepare("SELECT slug, title, kind FROM series WHERE slug != 'a-ledger-only-show' ORDER BY slug")
            .unwrap();
        st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
    };
    assert_eq!(
        series(&store),
        series(&once),
        "series differ from a single import"
    );
}

#[test]
fn imports_leave_the_store_in_wal_mode_with_or_without_a_reader() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut store = Store::open(&path).unwrap();
    let tmdb = common::data_dir().join("tmdb/tv-status.csv");
    store
        .import_paths(&[tmdb], &ImportOptions::default())
        .unwrap();
    let mode: String = store
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert!(!dir.path().join("t.db-journal").exists());

    // A second connection holds the store open: the import can't leave WAL, and runs in it.
    let reader = Store::open(&path).unwrap();
    let before = one(&reader, "SELECT count(*) FROM tmdb_shows");
    let top = common::data_dir().join("netflix-top10/all-weeks-global.tsv");
    store
        .import_paths(&[top], &ImportOptions::default())
        .unwrap();
    assert_eq!(one(&reader, "SELECT count(*) FROM tmdb_shows"), before);
    assert!(one(&reader, "SELECT count(*) FROM chart_weeks") > 10_000);
    let mode: String = reader
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_titles_sound(&reader);
}
