//! Shows that share a title stay apart when their kind or their years say they are different
//! shows (resolution rules 3 and 5), and what each title is (`SeriesForm`), on the real data.

use crate::common;

use greenlight_sources::titles::{self, SeasonLabel};
use greenlight_store::resolve::{EXACT_SLACK, NETFLIX_LAG};
use greenlight_store::{SeriesForm, Store};
use std::collections::{BTreeMap, HashMap};

/// The seasons of a series (display labels, in order) and every spelling each season holds.
fn seasons(store: &Store, slug: &str) -> Vec<(String, Vec<String>)> {
    let s = store
        .series_by_slug(slug)
        .unwrap()
        .unwrap_or_else(|| panic!("no series {slug}"));
    store
        .show(&s)
        .unwrap()
        .seasons
        .into_iter()
        .map(|x| (x.season, x.source_titles))
        .collect()
}

fn labels(seasons: &[(String, Vec<String>)]) -> Vec<&str> {
    seasons.iter().map(|(l, _)| l.as_str()).collect()
}

#[test]
fn the_two_avatars_are_two_series_each_with_its_own_seasons() {
    let store = common::open_imported();
    let animated = seasons(&store, "avatar-the-last-airbender-2005");
    assert_eq!(labels(&animated), ["Book 1", "Book 2", "Book 3"]);
    assert!(animated[0]
        .1
        .iter()
        .any(|t| t == "Avatar: The Last Airbender (2005): Book 1"));
    // The bare `Book 1` spellings (2021 country charts, the 2023H1 report, before Netflix wrote
    // `(2005)`) are the animated show's too.
    assert!(animated[0]
        .1
        .iter()
        .any(|t| t == "Avatar: The Last Airbender: Book 1"));

    let live = store
        .find_series("Avatar: The Last Airbender: Season 1")
        .unwrap()
        .expect("the live-action series");
    assert_ne!(live.slug, "avatar-the-last-airbender-2005");
    assert_eq!(live.slug, "avatar-the-last-airbender-2024");
    assert_eq!(live.kind, "tv");
    assert_eq!(
        labels(&seasons(&store, &live.slug)),
        ["Season 1", "Season 2"]
    );
    // The JustWatch record (2005) describes the animated show.
    let animated_ref = store
        .series_by_slug("avatar-the-last-airbender-2005")
        .unwrap()
        .unwrap();
    let jw = store.justwatch_facts(&animated_ref).unwrap();
    assert_eq!(jw.len(), 1);
    assert_eq!(jw[0].release_year, Some(2005));
    assert!(store.justwatch_facts(&live).unwrap().is_empty());
    // The bare title finds the charted (live-action) show.
    let bare = store.find_series("Avatar: The Last Airbender").unwrap();
    assert_eq!(bare.map(|s| s.slug), Some(live.slug));
}

#[test]
fn the_lincoln_lawyer_series_and_film_stay_apart() {
    let store = common::open_imported();
    let series = store
        .find_series("The Lincoln Lawyer: Season 1")
        .unwrap()
        .unwrap();
    let film = store
        .find_series("The Lincoln Lawyer (2011)")
        .unwrap()
        .unwrap();
    assert_ne!(series.id, film.id);
    assert_eq!((series.kind.as_str(), film.kind.as_str()), ("tv", "film"));
    let s = seasons(&store, &series.slug);
    assert!(
        labels(&s).starts_with(&["Season 1", "Season 2", "Season 3"]),
        "{s:?}"
    );
    assert_eq!(store.series_form(&series).unwrap(), SeriesForm::Series);
    assert_eq!(store.series_form(&film).unwrap(), SeriesForm::Film);
}

/// Rule 5's evidence, re-derived here from the raw tables: each TV spelling's range of years its
/// show can have started in (and whether it is an exact year's), by series slug.
fn dated_ranges(store: &Store) -> BTreeMap<String, Vec<(i32, i32, bool, String)>> {
    let conn = store.conn();
    let mut released: HashMap<i64, i32> = HashMap::new();
    {
        let mut st = conn
            .prepare("SELECT title_id, min(release_date) FROM engagement WHERE release_date IS NOT NULL GROUP BY title_id")
            .unwrap();
        let rows = st
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .unwrap();
        for r in rows {
            let (id, d) = r.unwrap();
            released.insert(id, d[..4].parse().unwrap());
        }
    }
    let mut st = conn
        .prepare(
            "SELECT t.id, t.source, t.show_title, t.season_title, t.hint, s.slug, se.label
             FROM titles t JOIN series s ON s.id = t.series_id LEFT JOIN seasons se ON se.id = t.season_id
             WHERE s.kind = 'tv'",
        )
        .unwrap();
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })
        .unwrap();
    let year_in = |base: &str| -> Option<i32> {
        let (_, d) = titles::split_disambiguator(base);
        d.filter(|d| d.len() == 4 && d.bytes().all(|b| b.is_ascii_digit()))
            .map(|d| d.parse().unwrap())
    };
    let mut out: BTreeMap<String, Vec<(i32, i32, bool, String)>> = BTreeMap::new();
    for r in rows {
        let (id, source, show, season, hint, slug, label) = r.unwrap();
        let spelling = if season.is_empty() { &show } else { &season };
        let english = titles::split_native(spelling).0;
        let base = match source.as_str() {
            "engagement" => titles::split_season_title(english).0.to_string(),
            _ => show.clone(),
        };
        let catalogue = source == "tmdb" || source == "justwatch";
        let exact = if catalogue {
            hint.parse().ok().or_else(|| year_in(&base))
        } else {
            year_in(&base)
        };
        let label: Option<SeasonLabel> = label.map(|l| serde_json::from_str(&l).unwrap());
        let first = matches!(
            label,
            Some(
                SeasonLabel::Season { number: 1 }
                    | SeasonLabel::Numbered { number: 1, .. }
                    | SeasonLabel::Limited
                    | SeasonLabel::Whole
            )
        );
        let range = match (exact, released.get(&id)) {
            (Some(y), _) => (y - EXACT_SLACK, y + EXACT_SLACK, true),
            (None, Some(&r)) if source == "engagement" && first => (r - NETFLIX_LAG, r, false),
            _ => continue,
        };
        out.entry(slug)
            .or_default()
            .push((range.0, range.1, range.2, spelling.clone()));
    }
    out
}

#[test]
fn no_tv_series_holds_spellings_dated_to_years_one_show_cannot_span() {
    let store = common::open_imported();
    let ranges = dated_ranges(&store);
    let mut broken = Vec::new();
    for (slug, mut rs) in ranges {
        // Swept in order, the ranges must chain without a gap, and so must the exact years alone
        // (a loose Netflix range never bridges two exact years).
        rs.sort();
        for exact_only in [false, true] {
            let chain: Vec<&(i32, i32, bool, String)> =
                rs.iter().filter(|r| r.2 || !exact_only).collect();
            let Some(first) = chain.first() else {
                continue;
            };
            let mut reach = first.1;
            for (lo, hi, _, spelling) in &chain[1..] {
                if *lo > reach {
                    broken.push(format!(
                        "{slug}: {spelling} ({lo}..{hi}) after ..{reach}: {rs:?}"
                    ));
                    break;
                }
                reach = reach.max(*hi);
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    let open = store
        .unresolved()
        .unwrap()
        .entries
        .iter()
        .filter(|e| e.reason.starts_with("shows of different years"))
        .count();
    eprintln!("spellings left open between shows of different years: {open}");
}

/// The derived tables, by slug (row ids of derived tables are not stable).
fn derived(store: &Store) -> Vec<String> {
    let mut st = store
        .conn()
        .prepare(
            "SELECT 's|' || slug || '|' || title || '|' || kind || '|' || match_key FROM series
             UNION ALL SELECT 'e|' || s.slug || '|' || se.label_key || '|' || se.ordinal FROM seasons se JOIN series s ON s.id = se.series_id
             UNION ALL SELECT 't|' || t.source || '|' || t.show_title || '|' || t.season_title || '|' || t.kind || '|' || t.hint || '|' || s.slug || '|' || coalesce(se.label_key, '-')
               FROM titles t JOIN series s ON s.id = t.series_id LEFT JOIN seasons se ON se.id = t.season_id
             UNION ALL SELECT 'u|' || t.source || '|' || t.show_title || '|' || t.season_title || '|' || u.reason || '|' || u.candidates
               FROM unresolved u JOIN titles t ON t.id = u.title_id",
        )
        .unwrap();
    let mut v: Vec<String> = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    v.sort();
    v
}

#[test]
fn the_dates_resolution_reads_are_the_same_from_memory_and_from_the_store() {
    // An import resolves with the new files' dates read from memory and the kept datasets' from
    // the store; re-resolving reads them all from the store. Both, and an import in two calls,
    // must derive the same tables.
    let once = derived(&common::open_imported());
    assert!(once
        .iter()
        .any(|l| l.starts_with("s|avatar-the-last-airbender-2024|")));

    let dir = tempfile::tempdir().unwrap();
    let mut store = common::fresh_store(&dir);
    let data = common::data_dir();
    let opts = greenlight_store::import::ImportOptions::default();
    store
        .import_paths(&[data.join("netflix-engagement")], &opts)
        .unwrap();
    store
        .import_paths(std::slice::from_ref(&data), &opts)
        .unwrap();
    assert_eq!(derived(&store), once, "engagement first, then the rest");

    store.reresolve().unwrap();
    assert_eq!(derived(&store), once, "re-resolved from the store alone");
}

#[test]
fn forms_films_specials_and_series() {
    let store = common::open_imported();
    let forms = store.series_forms().unwrap();
    let all = store.all_series().unwrap();
    assert_eq!(forms.len(), all.len());
    for s in &all {
        if s.kind == "film" {
            assert_eq!(forms[&s.slug], SeriesForm::Film, "{}", s.slug);
        }
    }
    for title in [
        "Dave Chappelle: The Dreamer",
        "Jo Koy: Live from Brooklyn",
        "Matt Rife: Lucid - A Crowd Work Special",
    ] {
        let s = store.series(title).unwrap();
        assert_eq!(
            store.series_form(&s).unwrap(),
            SeriesForm::Special,
            "{title}"
        );
        assert_eq!(forms[&s.slug], SeriesForm::Special, "{title}");
    }
    for title in ["Stranger Things", "Squid Game", "Wednesday", "The Crown"] {
        let s = store.series(title).unwrap();
        assert_eq!(
            store.series_form(&s).unwrap(),
            SeriesForm::Series,
            "{title}"
        );
        assert_eq!(forms[&s.slug], SeriesForm::Series, "{title}");
    }
    // No series with a season other than the whole show (numbered, part, limited, dated,
    // named) is a special, over the whole set.
    let mut st = store
        .conn()
        .prepare("SELECT DISTINCT s.slug FROM series s JOIN seasons se ON se.series_id = s.id WHERE se.label_key != ''")
        .unwrap();
    let with_seasons: Vec<String> = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(with_seasons.len() > 5000, "{}", with_seasons.len());
    for slug in &with_seasons {
        assert_ne!(forms[slug], SeriesForm::Special, "{slug}");
    }
    // The batch and the single lookup agree.
    for s in all.iter().step_by(97) {
        assert_eq!(store.series_form(s).unwrap(), forms[&s.slug], "{}", s.slug);
    }
    let specials = forms
        .values()
        .filter(|f| **f == SeriesForm::Special)
        .count();
    let tv = all.iter().filter(|s| s.kind == "tv").count();
    eprintln!("specials: {specials} of {tv} TV titles");
    assert!(specials > 500 && specials < tv / 10, "{specials} of {tv}");
    assert_eq!(
        serde_json::to_string(&[SeriesForm::Film, SeriesForm::Special, SeriesForm::Series])
            .unwrap(),
        r#"["film","special","series"]"#
    );
}
