//! Claim ids changed from FNV-1a of the struct-ordered written form to SHA-256 of the sorted
//! one. A store made before must keep working: opening it recomputes the stored ids, in one
//! transaction, so importing the same claims file again still adds nothing.

use greenlight_ledger::{self as ledger, FileFormat, LedgerError, MIGRATIONS};
use greenlight_store::Store;
use std::collections::BTreeSet;

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("g.db")).unwrap();
    (dir, s)
}

/// FNV-1a 128 as the ledger computed ids before: only to make the aged ids look like the ones
/// a store of that release holds (the migration must not depend on what they were).
fn fnv1a_128(bytes: &[u8]) -> String {
    let mut h: u128 = 0x6c62272e07bb014262b821756295c58d;
    for b in bytes {
        h ^= u128::from(*b);
        h = h.wrapping_mul(0x0000000001000000000000000000013B);
    }
    format!("{h:032x}")
}

/// Every (id, hash, claim JSON) row, sorted by id.
fn rows(s: &Store) -> Vec<(i64, String, String)> {
    s.conn()
        .prepare("SELECT id, hash, claim FROM ledger_claims ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Turns a store written by this release into one written by the release before: the ledger's
/// schema back at version 1 (no `ledger_rehash`) and every id in the old scheme.
fn age(s: &Store) {
    let c = s.conn();
    for (id, _, json) in rows(s) {
        c.execute(
            "UPDATE ledger_claims SET hash = ?1 WHERE id = ?2",
            rusqlite::params![fnv1a_128(json.as_bytes()), id],
        )
        .unwrap();
    }
    c.execute_batch(
        "DROP TABLE ledger_rehash;
         UPDATE schema_migrations SET version = 1 WHERE component = 'ledger';",
    )
    .unwrap();
}

fn pending(s: &Store) -> i64 {
    s.conn()
        .query_row("SELECT count(*) FROM ledger_rehash", [], |r| r.get(0))
        .unwrap()
}

/// The hash every stored claim should have now: its content hash, read back from the store.
fn expected_hashes(s: &Store) -> BTreeSet<String> {
    rows(s)
        .iter()
        .map(|(_, _, json)| {
            let raw: ledger::RawClaim = serde_json::from_str(json).unwrap();
            ledger::Claim::from_raw(raw, chrono::NaiveDate::MAX)
                .unwrap()
                .content_hash()
        })
        .collect()
}

#[test]
fn an_old_store_gets_the_new_ids_and_reimport_adds_nothing() {
    let (_d, mut s) = store();
    let first = ledger::load_starter(&mut s).unwrap().unwrap();
    let fresh = rows(&s);
    assert!(fresh.len() > 30, "{}", fresh.len());
    assert!(
        fresh.iter().all(|(_, h, _)| h.len() == 64),
        "SHA-256 hex ids"
    );
    age(&s);
    let old: BTreeSet<String> = rows(&s).into_iter().map(|(_, h, _)| h).collect();
    assert!(old.iter().all(|h| h.len() == 32));
    assert_eq!(old.len(), fresh.len());

    ledger::ensure_schema(&mut s).unwrap();
    assert_eq!(pending(&s), 0, "the mark is cleared with the ids");
    let now = rows(&s);
    // The same rows, the same claims, each under exactly the id it had when imported fresh.
    assert_eq!(now, fresh);
    assert_eq!(
        now.iter()
            .map(|(_, h, _)| h.clone())
            .collect::<BTreeSet<_>>(),
        expected_hashes(&s)
    );
    let again = ledger::import_claims_text(&mut s, ledger::STARTER, "again.toml", FileFormat::Toml)
        .unwrap();
    assert_eq!((again.added, again.already_present), (0, first.claims));
    assert_eq!(rows(&s), fresh);

    // Opening again changes nothing: the migration ran once.
    ledger::ensure_schema(&mut s).unwrap();
    assert_eq!(rows(&s), fresh);
}

#[test]
fn a_fresh_store_has_nothing_to_rehash() {
    let (_d, mut s) = store();
    ledger::ensure_schema(&mut s).unwrap();
    assert_eq!(pending(&s), 0);
    let v: i64 = s
        .conn()
        .query_row(
            "SELECT version FROM schema_migrations WHERE component = 'ledger'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(v as usize, MIGRATIONS.len());
}

#[test]
fn an_unreadable_stored_claim_stops_the_rehash_and_changes_nothing() {
    let (_d, mut s) = store();
    ledger::load_starter(&mut s).unwrap().unwrap();
    age(&s);
    let (bad_id, bad_hash, _) = rows(&s)[3].clone();
    s.conn()
        .execute(
            "UPDATE ledger_claims SET claim = '{\"kind\": \"canceld\"}' WHERE id = ?1",
            [bad_id],
        )
        .unwrap();
    let before = rows(&s);
    let e = ledger::ensure_schema(&mut s).unwrap_err();
    match &e {
        LedgerError::Corrupt { hash, message } => {
            assert_eq!(hash, &bad_hash, "names the stored claim");
            assert!(message.contains("did you mean `canceled`"), "{message}");
        }
        other => panic!("{other}"),
    }
    assert_eq!(rows(&s), before, "no id changed");
    assert_eq!(pending(&s), 1, "still marked, so the next open tries again");

    // Mended by hand, the next open finishes the job.
    s.conn()
        .execute("DELETE FROM ledger_claims WHERE id = ?1", [bad_id])
        .unwrap();
    ledger::ensure_schema(&mut s).unwrap();
    assert_eq!(pending(&s), 0);
    let hashes: BTreeSet<String> = rows(&s).into_iter().map(|(_, h, _)| h).collect();
    assert_eq!(hashes, expected_hashes(&s));
    assert_eq!(hashes.len(), before.len() - 1);
}

#[test]
fn two_old_rows_of_one_claim_become_one() {
    let (_d, mut s) = store();
    ledger::load_starter(&mut s).unwrap().unwrap();
    age(&s);
    let n = rows(&s).len();
    // The release before could hold one claim twice when its written form differed only in
    // what the old id hashed (here: a stated order of fields), which the new id ignores.
    let (_, _, json) = rows(&s)[0].clone();
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let reordered = {
        let m = v.as_object_mut().unwrap();
        let mut pairs: Vec<_> = std::mem::take(m).into_iter().collect();
        pairs.reverse();
        serde_json::to_string(&pairs.into_iter().collect::<serde_json::Map<_, _>>()).unwrap()
    };
    s.conn()
        .execute(
            "INSERT INTO ledger_claims (hash, series_slug, kind, season, person, event_date, published, source_kind, claim, origin)
             SELECT ?1, series_slug, kind, season, person, event_date, published, source_kind, ?2, origin
             FROM ledger_claims ORDER BY id LIMIT 1",
            rusqlite::params![fnv1a_128(b"another old id"), reordered],
        )
        .unwrap();
    assert_eq!(rows(&s).len(), n + 1);
    ledger::ensure_schema(&mut s).unwrap();
    let after = rows(&s);
    assert_eq!(after.len(), n, "the later copy is dropped, the first kept");
    assert_eq!(after[0].2, json);
    assert_eq!(
        after
            .iter()
            .map(|(_, h, _)| h.clone())
            .collect::<BTreeSet<_>>(),
        expected_hashes(&s)
    );
}
