//! One import call, one transaction ([`WriteTx`]), and the publication dates the call gives each
//! dataset (`MANIFEST.toml`, else the content, else the import day), on the real data.

use crate::common;
use greenlight_testkit::dump;

use chrono::NaiveDate;
use greenlight_store::aliases::AliasFile;
use greenlight_store::import::{find_call_files, ImportOptions};
use greenlight_store::manifest::Manifest;
use greenlight_store::published::{Precision, Published, PublishedFrom};
use std::path::PathBuf;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Every dataset of the real folder is dated exactly as its manifest entry says (the whole
/// manifest, file by file), through the typed API and the stats rows alike.
#[test]
fn every_dataset_is_dated_by_the_real_manifest() {
    let store = common::open_imported();
    let manifest = Manifest::read(&common::data_dir().join("MANIFEST.toml")).unwrap();
    let stats = store.stats().unwrap();
    assert_eq!(stats.datasets.len(), 13);
    let paths: Vec<(String, String)> = store
        .conn()
        .prepare("SELECT key, path FROM datasets ORDER BY key")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (key, path) in paths {
        let want = manifest
            .lookup(&PathBuf::from(&path))
            .unwrap_or_else(|| panic!("{path} is not in the manifest"));
        assert_eq!(store.dataset_published(&key).unwrap(), Some(want), "{key}");
        let row = stats.datasets.iter().find(|s| s.dataset == key).unwrap();
        assert_eq!(
            (row.published.clone(), row.published_precision),
            (want.date.map(|d| d.to_string()), want.precision),
            "{key}"
        );
    }
    assert_eq!(store.dataset_published("no-such-dataset").unwrap(), None);
    // Content without dates takes its publication date as `as_of`, never a file time.
    for ds in ["justwatch-titles", "justwatch-credits"] {
        let row = stats.datasets.iter().find(|s| s.dataset == ds).unwrap();
        assert_eq!(row.as_of, "2022-12-31", "{ds}");
    }
}

/// Without a manifest each file is dated by its content where it can be (rows, a report's
/// period, a snapshot's latest air date) and otherwise the import day, `at_latest`.
#[test]
fn without_a_manifest_content_then_the_import_day() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = common::fresh_store(&dir);
    let data = common::data_dir();
    let files = [
        "netflix-top10/all-weeks-global.tsv",
        "netflix-engagement/What_We_Watched_A_Netflix_Engagement_Report_2023Jul-Dec.xlsx",
        "netflix-engagement/What_We_Watched_A_Netflix_Engagement_Report_2025Jan-Jun.xlsx",
        "tmdb/tv-status.csv",
        "justwatch/titles.csv",
        "netflix-top10/most-popular.tsv",
    ]
    .map(|f| data.join(f));
    let opts = ImportOptions {
        import_day: Some(d("2030-01-02")),
        ..ImportOptions::default()
    };
    let s = store.import_paths(&files, &opts).unwrap();
    let got: Vec<(String, Option<String>, Precision, PublishedFrom, String)> = s
        .files
        .iter()
        .map(|f| {
            (
                f.dataset.clone(),
                f.published.clone(),
                f.published_precision,
                f.published_from,
                f.as_of.clone(),
            )
        })
        .collect();
    let day = Some("2030-01-02".to_string());
    use PublishedFrom::{Content, ImportDay};
    assert_eq!(
        got,
        vec![
            (
                "top10-global".into(),
                None,
                Precision::Row,
                Content,
                "2026-07-19".into()
            ),
            (
                "engagement-2023H2".into(),
                Some("2024-05-23".into()),
                Precision::Exact,
                Content,
                "2023-12-31".into()
            ),
            (
                "engagement-2025H1".into(),
                Some("2025-09-30".into()),
                Precision::AtLatest,
                Content,
                "2025-06-30".into()
            ),
            (
                "tmdb-status".into(),
                Some("2024-04-01".into()),
                Precision::AtEarliest,
                Content,
                "2024-04-01".into()
            ),
            (
                "justwatch-titles".into(),
                day.clone(),
                Precision::AtLatest,
                ImportDay,
                "2030-01-02".into()
            ),
            (
                "most-popular".into(),
                day,
                Precision::AtLatest,
                ImportDay,
                "2030-01-02".into()
            ),
        ]
    );
    // Imported again on a later day, unchanged files keep the date they were stored with.
    let later = ImportOptions {
        import_day: Some(d("2031-05-06")),
        ..ImportOptions::default()
    };
    let again = store.import_paths(&files, &later).unwrap();
    for f in &again.files {
        assert_eq!(
            f.outcome,
            greenlight_store::ImportOutcome::Unchanged,
            "{f:?}"
        );
        if f.dataset == "justwatch-titles" {
            assert_eq!(f.published.as_deref(), Some("2030-01-02"));
            assert_eq!(f.published_from, PublishedFrom::Stored);
        }
    }
    assert_eq!(
        store.dataset_published("justwatch-titles").unwrap(),
        Some(Published::on(d("2030-01-02"), Precision::AtLatest))
    );
}

/// A write transaction that is dropped, not committed, leaves the store exactly as it was,
/// though it wrote aliases, a whole data import and a declared series; and puts the pragmas the
/// bulk path switched back.
#[test]
fn an_uncommitted_call_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = common::fresh_store(&dir);
    let data = common::data_dir();
    let tmdb = data.join("tmdb/tv-status.csv");
    store
        .import_paths(std::slice::from_ref(&tmdb), &ImportOptions::default())
        .unwrap();
    let before = dump(store.path());
    let alias_path = dir.path().join("aliases.tsv");
    std::fs::write(&alias_path, "spelling\tseries\tseason\nDark\tDark\t\n").unwrap();
    let aliases = AliasFile::read(&alias_path).unwrap();
    {
        let (found, manifests) = find_call_files(std::slice::from_ref(&data), None).unwrap();
        let files: Vec<PathBuf> = found
            .into_iter()
            .filter(|f| f.has_data_extension())
            .map(|f| f.path)
            .collect();
        let mut w = store.begin_bulk().unwrap();
        w.import_aliases(&aliases).unwrap();
        let s = w
            .import_data(&files, &manifests, &ImportOptions::default(), &[])
            .unwrap();
        assert!(s.series > 1000);
        w.declare_series(&["A Series Nobody Has"]).unwrap();
        assert!(w
            .store()
            .find_series("A Series Nobody Has")
            .unwrap()
            .is_some());
    }
    assert_eq!(dump(store.path()), before);
    let mode: String = store
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: bool = store
        .conn()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert!(fk);
}

/// Series a call's claims files declare are added before the call's one resolution when no
/// spelling could name them, and left to the ledger otherwise: either way the store ends up
/// exactly as if the data had been imported first and the series declared after.
#[test]
fn declared_series_end_as_if_declared_after_the_data() {
    let data = common::data_dir();
    let titles: Vec<String> = [
        "A Series Nobody Has",
        "Partner Track",
        "MINDHUNTER",
        "Mindhunter",
        "Bodies",
        "Avatar: The Last Airbender",
        "Single’s Inferno",
        "Squid Game",
        "Another Series Nobody Has // 아무도",
    ]
    .map(String::from)
    .to_vec();
    let refs: Vec<&str> = titles.iter().map(String::as_str).collect();
    // Two calls: the data, then the declarations.
    let d1 = tempfile::tempdir().unwrap();
    let mut two = common::fresh_store(&d1);
    two.import_paths(std::slice::from_ref(&data), &ImportOptions::default())
        .unwrap();
    let mut w = two.begin().unwrap();
    let slugs_two: Vec<String> = w
        .declare_series(&refs)
        .unwrap()
        .into_iter()
        .map(|s| s.slug)
        .collect();
    w.commit().unwrap();
    // One call: the declarations ride along with the data.
    let d2 = tempfile::tempdir().unwrap();
    let mut one = common::fresh_store(&d2);
    let (found, manifests) = find_call_files(std::slice::from_ref(&data), None).unwrap();
    let files: Vec<PathBuf> = found
        .into_iter()
        .filter(|f| f.has_data_extension())
        .map(|f| f.path)
        .collect();
    let mut w = one.begin_bulk().unwrap();
    w.import_data(&files, &manifests, &ImportOptions::default(), &titles)
        .unwrap();
    let pre_declared: i64 = w
        .store()
        .conn()
        .query_row(
            "SELECT count(*) FROM titles WHERE source = 'ledger'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(pre_declared, 2, "only the two titles no spelling names");
    let slugs_one: Vec<String> = w
        .declare_series(&refs)
        .unwrap()
        .into_iter()
        .map(|s| s.slug)
        .collect();
    w.commit().unwrap();
    assert_eq!(slugs_one, slugs_two);
    let skip_times = |mut d: std::collections::BTreeMap<String, Vec<String>>| {
        d.remove("datasets");
        d
    };
    assert_eq!(skip_times(dump(one.path())), skip_times(dump(two.path())));
}

/// Looking many spellings up at once answers exactly what looking each up alone does: slugs,
/// match keys, spellings only a scan finds (a disambiguated catalogue title, a curly
/// apostrophe), native titles, misses.
#[test]
fn find_series_many_answers_as_find_series() {
    let store = common::open_imported();
    let names = [
        "squid-game",
        "Squid Game",
        "Bodies",
        "Single’s Inferno",
        "Avatar: The Last Airbender",
        "Archer",
        "Dark",
        "오징어 게임",
        "Stranger Things 3",
        "No Such Series Anywhere",
        "",
        "Partner Track",
    ];
    let many = store.find_series_many(&names).unwrap();
    let one: Vec<_> = names
        .iter()
        .map(|n| store.find_series(n).unwrap())
        .collect();
    assert_eq!(many, one);
    assert_eq!(many.iter().filter(|s| s.is_some()).count(), 8, "{many:?}");
}
