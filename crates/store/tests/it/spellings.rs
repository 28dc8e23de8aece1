//! The spellings read model (the news dictionary's input) over the real data: every spelling
//! the store has linked to a series, with the series and season the resolver gave it.

use crate::common;
use std::collections::{BTreeSet, HashMap};

#[test]
fn every_linked_spelling_is_listed_once_with_its_series_and_season() {
    let store = common::open_imported();
    let rows = store.series_spellings().expect("spellings");
    let series: HashMap<String, String> = store
        .all_series()
        .expect("series")
        .into_iter()
        .map(|s| (s.slug, s.title))
        .collect();
    let mut seen = BTreeSet::new();
    for r in &rows {
        assert_eq!(series.get(&r.slug), Some(&r.title), "{r:?}: its series");
        assert!(!r.spelling.is_empty(), "{r:?}");
        assert!(
            seen.insert((&r.slug, &r.spelling, &r.season_key)),
            "{r:?} twice"
        );
    }
    // Every series with a linked spelling is there (a declared series may have none).
    let listed: BTreeSet<&str> = rows.iter().map(|r| r.slug.as_str()).collect();
    assert!(
        listed.len() * 10 >= series.len() * 9,
        "{} of {}",
        listed.len(),
        series.len()
    );

    let find = |spelling: &str| {
        rows.iter()
            .find(|r| r.spelling == spelling && !r.season_key.is_empty())
            .unwrap_or_else(|| panic!("{spelling} not listed"))
    };
    let squid = find("Squid Game: Season 2 // 오징어 게임: 시즌 2");
    assert_eq!(
        (squid.title.as_str(), squid.season_key.as_str()),
        ("Squid Game", "season 2")
    );
    let heist = find("Money Heist: Part 5");
    assert_eq!(
        (heist.title.as_str(), heist.season_key.as_str()),
        ("Money Heist", "part 5")
    );
    assert!(heist.chart_rows > 0, "Money Heist charted");
    assert!(rows
        .iter()
        .any(|r| r.title == "Money Heist" && r.season_key.is_empty()));
}
