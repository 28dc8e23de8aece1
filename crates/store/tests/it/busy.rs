//! A reader that opens the store while an import writes it never fails with "database is
//! locked" (issue 14, item 4). An import with no other connection open writes in a rollback
//! journal (`WriteTx::bulk_journal`). Every open used to ask to switch back to WAL, which needs
//! the importer's lock, and SQLite refuses that at once without waiting (waiting could deadlock).

use greenlight_store::Store;

#[test]
fn a_reader_opens_while_an_import_writes_in_a_rollback_journal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.db");
    drop(Store::open(&path).unwrap());
    // The importer's state during a bulk import: rollback journal, a write transaction holding
    // the RESERVED lock.
    let importer = rusqlite::Connection::open(&path).unwrap();
    importer
        .execute_batch(
            "PRAGMA journal_mode=DELETE; BEGIN IMMEDIATE; CREATE TABLE written_by_import(x);",
        )
        .unwrap();
    let reader = Store::open(&path).expect("a reader opens during an import");
    let before: Vec<String> = reader
        .table_counts()
        .unwrap()
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert!(
        !before.iter().any(|t| t == "written_by_import"),
        "the reader must not see uncommitted rows: {before:?}"
    );
    drop(reader);
    importer
        .execute_batch("COMMIT; PRAGMA journal_mode=WAL;")
        .unwrap();
    // The switch back happened: the next open sees the committed table, in WAL.
    let after = Store::open(&path).unwrap();
    assert!(after
        .table_counts()
        .unwrap()
        .iter()
        .any(|(t, _)| t == "written_by_import"));
}

/// Two processes opening a store at once, both finding a component's migration to do (two
/// commands started during an import, issue 14): the one that gets the write lock second finds
/// it applied and skips it. Both used to run it, and the second failed with "table web_tokens
/// already exists". Here both read the version while a writer holds the lock, then wait for it.
#[test]
fn a_migration_two_opens_race_for_is_applied_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("race.db");
    drop(Store::open(&path).unwrap());
    let writer = rusqlite::Connection::open(&path).unwrap();
    writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    let racers: Vec<_> = (0..2)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&path)?;
                store.ensure_token_schema()
            })
        })
        .collect();
    // Long enough for both to have read the version and be waiting for the lock; if one is
    // slower, it reads the version after the first applied, and the test passes without
    // having raced (it cannot fail wrongly).
    std::thread::sleep(std::time::Duration::from_millis(500));
    writer.execute_batch("COMMIT").unwrap();
    for r in racers {
        r.join()
            .unwrap()
            .expect("both opens end with the tokens table");
    }
    let store = Store::open(&path).unwrap();
    assert!(store.tokens().unwrap().is_empty());
}
