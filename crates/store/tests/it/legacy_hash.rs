//! Stores written before file hashes were SHA-256 hold 64-bit FNV-1a hashes. Re-importing the
//! same files into such a store must still change nothing but the hash itself (upgraded to
//! SHA-256), and a file that differs must still be seen as different.

use crate::common;
use greenlight_testkit::dump;

use greenlight_store::import::ImportOptions;
use greenlight_store::ImportOutcome;
use rusqlite::Connection;
use std::path::PathBuf;

/// The hash stores held before SHA-256, written out here independently of the store's copy.
fn fnv1a(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn files() -> Vec<PathBuf> {
    let d = common::data_dir();
    vec![
        d.join("tmdb/tv-status.csv"),
        d.join("justwatch/titles.csv"),
        d.join("netflix-finance/arpu-by-region.csv"),
        d.join("netflix-top10/most-popular.tsv"),
    ]
}

#[test]
fn reimport_into_a_store_with_fnv_hashes_changes_only_the_hash() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let files = files();
    let mut store = greenlight_store::Store::open(&db).unwrap();
    store
        .import_paths(&files, &ImportOptions::default())
        .unwrap();
    drop(store);
    let fresh = dump(&db);
    // Every dataset is keyed by the SHA-256 of its file's bytes.
    let conn = Connection::open(&db).unwrap();
    let stored: Vec<(String, String)> = conn
        .prepare("SELECT path, content_hash FROM datasets ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(stored.len(), files.len());
    for (path, hash) in &stored {
        assert_eq!(hash, &sha256(&std::fs::read(path).unwrap()), "{path}");
    }
    // Turn it into a store as the FNV versions wrote it.
    for (path, _) in &stored {
        let old = fnv1a(&std::fs::read(path).unwrap());
        conn.execute(
            "UPDATE datasets SET content_hash = ?1 WHERE path = ?2",
            [&old, path],
        )
        .unwrap();
    }
    drop(conn);
    assert_ne!(dump(&db), fresh);

    let mut store = greenlight_store::Store::open(&db).unwrap();
    let again = store
        .import_paths(&files, &ImportOptions::default())
        .unwrap();
    drop(store);
    let outcomes: Vec<&ImportOutcome> = again.files.iter().map(|f| &f.outcome).collect();
    assert!(
        outcomes.iter().all(|o| **o == ImportOutcome::Unchanged),
        "{outcomes:?}"
    );
    // The same bytes in every table as the fresh import: only the hashes changed back.
    assert_eq!(dump(&db), fresh);

    // A legacy hash that is not the file's: the file is not taken for unchanged.
    let conn = Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE datasets SET content_hash = '0123456789abcdef' WHERE key = 'tmdb-status'",
        [],
    )
    .unwrap();
    drop(conn);
    let mut store = greenlight_store::Store::open(&db).unwrap();
    let third = store
        .import_paths(&files[..1], &ImportOptions::default())
        .unwrap();
    assert!(
        matches!(third.files[0].outcome, ImportOutcome::Replaced { .. }),
        "{:?}",
        third.files[0].outcome
    );
}
