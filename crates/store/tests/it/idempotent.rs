//! Imports are idempotent and order-independent: a file twice, or an older snapshot before or
//! after the current one, leaves exactly the state of a single import of the current files.

use crate::common;

use greenlight_store::import::ImportOptions;
use greenlight_store::{ImportOutcome, Stats};

fn stats_after(batches: &[Vec<std::path::PathBuf>]) -> (Stats, Vec<Vec<ImportOutcome>>) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = common::fresh_store(&dir);
    let mut outcomes = Vec::new();
    for b in batches {
        let s = store.import_paths(b, &ImportOptions::default()).unwrap();
        outcomes.push(s.files.into_iter().map(|f| f.outcome).collect());
    }
    (store.stats().unwrap(), outcomes)
}

#[test]
fn snapshots_and_repeats_leave_stats_equal_to_one_import() {
    let top = common::data_dir().join("netflix-top10");
    let current = top.join("all-weeks-global.tsv");
    let legacy = top.join("all-weeks-global.2022-11-09.tsv");
    let tmdb = common::data_dir().join("tmdb/tv-status.csv");
    let (once, _) = stats_after(&[vec![current.clone(), tmdb.clone()]]);
    assert!(once
        .tables
        .iter()
        .any(|t| t.table == "chart_weeks" && t.rows > 10_000));

    let (old_then_new, o) =
        stats_after(&[vec![legacy.clone()], vec![current.clone(), tmdb.clone()]]);
    assert_eq!(old_then_new, once, "older snapshot, then current");
    assert!(matches!(o[1][0], ImportOutcome::Replaced { .. }), "{o:?}");

    let (new_then_old, o) =
        stats_after(&[vec![current.clone(), tmdb.clone()], vec![legacy.clone()]]);
    assert_eq!(new_then_old, once, "current, then older snapshot");
    assert!(
        matches!(o[1][0], ImportOutcome::SkippedOlder { .. }),
        "{o:?}"
    );

    let (both_in_one_call, _) = stats_after(&[vec![legacy.clone(), current.clone(), tmdb.clone()]]);
    assert_eq!(both_in_one_call, once, "both snapshots in one call");

    let (twice, o) = stats_after(&[
        vec![current.clone(), tmdb.clone()],
        vec![current.clone(), tmdb.clone()],
    ]);
    assert_eq!(twice, once, "same files twice");
    assert!(o[1].iter().all(|x| *x == ImportOutcome::Unchanged), "{o:?}");
}

#[test]
fn whole_directory_twice_changes_nothing() {
    let all = vec![common::data_dir()];
    let (once, _) = stats_after(std::slice::from_ref(&all));
    let (twice, o) = stats_after(&[all.clone(), all]);
    assert_eq!(twice, once);
    assert!(
        o[1].iter().all(|x| matches!(
            x,
            ImportOutcome::Unchanged | ImportOutcome::SkippedOlder { .. }
        )),
        "{o:?}"
    );
}

/// A "newer" file that holds less (a partial download, one week cut from the file) must not
/// replace the stored snapshot: it is refused and nothing changes, unless the user says so.
#[test]
fn a_smaller_newer_snapshot_is_refused_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = common::fresh_store(&dir);
    let current = common::data_dir().join("netflix-top10/all-weeks-global.tsv");
    store
        .import_paths(std::slice::from_ref(&current), &ImportOptions::default())
        .unwrap();
    let before = store.stats().unwrap();
    let partial = dir.path().join("one-week.tsv");
    std::fs::write(
        &partial,
        "week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\truntime\tweekly_views\tcumulative_weeks_in_top_10\n\
         2026-07-26\tTV (English)\t1\tPartner Track\tPartner Track: Season 1\t100000\t1\t100000\t4\n",
    )
    .unwrap();
    let err = store
        .import_paths(std::slice::from_ref(&partial), &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("one-week.tsv") && err.contains("fewer"),
        "{err}"
    );
    assert_eq!(
        store.stats().unwrap(),
        before,
        "a refused snapshot changed the store"
    );
    let opts = ImportOptions {
        allow_shrink: true,
        ..ImportOptions::default()
    };
    let s = store.import_paths(&[partial], &opts).unwrap();
    assert!(matches!(s.files[0].outcome, ImportOutcome::Replaced { .. }));
    let weeks = store
        .stats()
        .unwrap()
        .tables
        .into_iter()
        .find(|t| t.table == "chart_weeks")
        .unwrap()
        .rows;
    assert_eq!(weeks, 1);
}
