//! A user alias file fixes what resolution listed as unresolved: the spelling then resolves to
//! the series the alias names (and, for `(film)`/`(tv)`, to that kind), and leaves the list.

use crate::common;

use greenlight_sources::titles;

fn spelling(e: &greenlight_store::UnresolvedEntry) -> &str {
    if e.season_title.is_empty() {
        &e.show_title
    } else {
        &e.season_title
    }
}

#[test]
fn alias_file_resolves_listed_spellings() {
    let mut store = common::open_private_copy();
    let before = store.unresolved().unwrap();
    let by_year = before
        .entries
        .iter()
        .find(|e| e.reason.contains("disambiguator") && e.source != "top10")
        .expect("a disambiguator case");
    let by_kind = before
        .entries
        .iter()
        .find(|e| e.reason.contains("series or a film"))
        .expect("a kind case");
    // Pick the first candidate of each, as a user reading `greenlight unresolved` would.
    let (s1, t1) = (spelling(by_year).to_string(), by_year.candidates[0].clone());
    let (s2, t2) = (
        spelling(by_kind).to_string(),
        by_kind
            .candidates
            .iter()
            .find(|c| c.ends_with("(film)"))
            .unwrap()
            .clone(),
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("aliases.tsv");
    std::fs::write(
        &file,
        format!("spelling\tseries\tseason\n{s1}\t{t1}\t\n{s2}\t{t2}\t\n"),
    )
    .unwrap();
    assert_eq!(store.import_aliases(&file).unwrap(), 2);

    let after = store.unresolved().unwrap();
    for s in [&s1, &s2] {
        assert!(
            !after.entries.iter().any(|e| spelling(e) == s),
            "{s} still unresolved"
        );
    }
    assert!(after.unresolved < before.unresolved);
    // Where did the spellings go? Straight to the named series.
    let resolved = |s: &str| -> (String, String) {
        store
            .conn()
            .query_row(
                "SELECT se.match_key, se.kind FROM titles t JOIN series se ON se.id = t.series_id
                 WHERE (t.season_title = ?1 OR (t.season_title = '' AND t.show_title = ?1)) LIMIT 1",
                [s],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    assert_eq!(resolved(&s1).0, titles::normalize(&t1), "{s1} -> {t1}");
    let (key2, kind2) = resolved(&s2);
    assert_eq!(kind2, "film");
    assert_eq!(key2, titles::normalize(t2.trim_end_matches(" (film)")));
    // Importing the same alias file again changes nothing.
    store.import_aliases(&file).unwrap();
    assert_eq!(store.unresolved().unwrap(), after);
}
