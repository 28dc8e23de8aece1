//! Search finds the show: misspellings and native titles (a list in `tests/search/cases.toml`,
//! each with its expected first result), no unknown-kind twin listed beside its series, and the
//! index built once per store generation, rebuilt when resolution changes the series.

use greenlight_sources::titles;
use greenlight_store::Store;
use serde::Deserialize;

#[derive(Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    query: String,
    first: String,
    #[allow(dead_code)]
    why: Option<String>,
}

fn cases() -> Vec<Case> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/search/cases.toml");
    let text = std::fs::read_to_string(path).expect("the search cases");
    toml::from_str::<Cases>(&text).expect("cases.toml").case
}

#[test]
fn every_case_finds_its_series_first() {
    let store = greenlight_testkit::open(greenlight_testkit::imported_all());
    let cases = cases();
    assert!(cases.len() >= 50, "{} cases", cases.len());
    let mut wrong = Vec::new();
    for c in &cases {
        // The expected series exists, so a case can't pass by naming nothing.
        assert!(
            store.series_by_slug(&c.first).unwrap().is_some(),
            "case \"{}\": no series {}",
            c.query,
            c.first
        );
        let hits = store.search(&c.query, 5).unwrap();
        let got: Vec<&str> = hits.iter().map(|h| h.series.slug.as_str()).collect();
        if got.first() != Some(&c.first.as_str()) {
            wrong.push(format!(
                "\"{}\": expected {}, got {got:?}",
                c.query, c.first
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} wrong:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}

#[test]
fn squid_game_comes_before_its_specials_and_wednesday_before_wendy() {
    let store = greenlight_testkit::open(greenlight_testkit::imported_all());
    let slugs = |q: &str| -> Vec<String> {
        store
            .search(q, 20)
            .unwrap()
            .into_iter()
            .map(|h| h.series.slug)
            .collect()
    };
    let squid = slugs("오징어 게임");
    let at = |v: &[String], s: &str| v.iter().position(|x| x == s);
    assert_eq!(at(&squid, "squid-game"), Some(0), "{squid:?}");
    assert!(
        at(&squid, "squid-game-in-conversation").is_some(),
        "{squid:?}"
    );
    let wed = slugs("wensday");
    assert_eq!(at(&wed, "wednesday"), Some(0), "{wed:?}");
    assert!(
        at(&wed, "wendy").is_some_and(|i| i > 0),
        "Wendy is found too, after: {wed:?}"
    );
}

/// Every series of unknown kind whose title a series of known kind also bears: searching that
/// title lists the known ones and not the unknown twin (the whole set, not a sample).
#[test]
fn no_unknown_twin_beside_its_series() {
    let store = greenlight_testkit::open(greenlight_testkit::imported_all());
    let all: Vec<(String, String, String)> = {
        let mut st = store
            .conn()
            .prepare("SELECT slug, title, kind FROM series")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let mut known: std::collections::HashMap<String, Vec<&str>> = Default::default();
    for (slug, title, kind) in &all {
        if kind != "unknown" {
            known
                .entry(titles::normalize(title))
                .or_default()
                .push(slug);
        }
    }
    let twins: Vec<&(String, String, String)> = all
        .iter()
        .filter(|(_, t, k)| k == "unknown" && known.contains_key(&titles::normalize(t)))
        .collect();
    assert!(twins.len() > 100, "{} twins", twins.len());
    let mut bad = Vec::new();
    for (slug, title, _) in &twins {
        let hits = store.search(title, 100).unwrap();
        let got: Vec<&str> = hits.iter().map(|h| h.series.slug.as_str()).collect();
        let kin = &known[&titles::normalize(title)];
        if got.contains(&slug.as_str()) || !kin.iter().any(|k| got.contains(k)) {
            bad.push(format!("\"{title}\": {got:?}"));
        }
        let mut seen = std::collections::HashSet::new();
        assert!(
            got.iter().all(|s| seen.insert(*s)),
            "a series twice: {got:?}"
        );
    }
    assert!(
        bad.is_empty(),
        "{} of {}:\n{}",
        bad.len(),
        twins.len(),
        bad.join("\n")
    );
}

/// The index is built once per generation (many searches, one build) and rebuilt after an
/// alias moves a spelling, whose search then finds the series it moved to.
#[test]
fn index_built_once_per_generation_and_rebuilt_after_a_change() {
    let path = greenlight_testkit::private_copy(greenlight_testkit::imported_data());
    let mut store = Store::open(&path).unwrap();
    let entry = store
        .unresolved()
        .unwrap()
        .entries
        .into_iter()
        .find(|e| e.reason.contains("disambiguator") && e.source != "top10")
        .expect("an unresolved spelling");
    // The spelling an alias file names: the season's where there is one (as in aliases.rs).
    let spelling = if entry.season_title.is_empty() {
        entry.show_title.clone()
    } else {
        entry.season_title.clone()
    };
    let before = store.search(&spelling, 3).unwrap();
    for q in ["wensday", "squid game", "오징어 게임", &spelling] {
        store.search(q, 10).unwrap();
    }
    assert_eq!(greenlight_store::search::index_builds(&path), 1);
    let target = store
        .find_series(&entry.candidates[0])
        .unwrap()
        .expect("the candidate");
    assert_ne!(
        before[0].series.slug, target.slug,
        "the spelling starts elsewhere"
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("aliases.tsv");
    std::fs::write(
        &file,
        format!(
            "spelling\tseries\tseason\n{}\t{}\t\n",
            spelling, entry.candidates[0]
        ),
    )
    .unwrap();
    store.import_aliases(&file).unwrap();
    let after = store.search(&spelling, 3).unwrap();
    assert_eq!(greenlight_store::search::index_builds(&path), 2);
    assert_eq!(after[0].series.slug, target.slug, "{after:?}");
    // Another connection to the same store shares the index.
    let other = Store::open(&path).unwrap();
    other.search("wensday", 3).unwrap();
    assert_eq!(greenlight_store::search::index_builds(&path), 2);
}
