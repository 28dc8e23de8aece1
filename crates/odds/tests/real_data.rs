//! The odds on the real data: labels, the backtest, a known prediction, and the point-in-time
//! guarantee. One store is imported per test binary (importing is the slow part).

use chrono::NaiveDate;
use greenlight_odds::{backtest, labels, metrics, predict, Outcome, PredictReport};
use greenlight_store::import::ImportOptions;
use greenlight_store::Store;
use std::path::PathBuf;
use std::sync::OnceLock;

/// `../shared/data` beside the checkout. Missing data is a failure, never a skip.
fn data_dir() -> PathBuf {
    let d = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"));
    assert!(
        d.join("README.md").is_file(),
        "real data missing: expected {} (../shared/data beside the checkout)",
        d.display()
    );
    d
}

fn imported() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let d = data_dir();
        // Under target/ (removed by `cargo clean`), not /tmp: the store outlives the test process.
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .expect("tempdir")
            .keep();
        let path = dir.join("all.db");
        let mut store = Store::open(&path).expect("open store");
        let paths: Vec<PathBuf> = ["netflix-top10", "netflix-engagement", "tmdb", "justwatch"]
            .iter()
            .map(|s| d.join(s))
            .collect();
        store
            .import_paths(&paths, &ImportOptions::default())
            .expect("import ../shared/data");
        path
    })
}

fn open() -> Store {
    Store::open(imported()).expect("open imported store")
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Partner Track season 1 as of 2022-10-15 on the unmodified store, shared by two tests
/// (training a model is the second slowest step).
fn partner_track() -> &'static PredictReport {
    static P: OnceLock<PredictReport> = OnceLock::new();
    P.get_or_init(|| {
        predict(&open(), "Partner Track", Some(1), Some(date("2022-10-15")))
            .expect("predict Partner Track")
    })
}

#[test]
fn labels_are_counted_and_explained() {
    let r = labels(&open()).unwrap();
    println!(
        "labels: all {:?}; trainable {:?}; by rule {:?}; excluded: {} limited, {} unnumbered, {} launch not in data; {} TMDB conflicts; horizon {}, decidable through {}",
        r.all,
        r.trainable,
        r.by_rule,
        r.excluded_limited_series,
        r.excluded_not_numbered,
        r.excluded_launch_not_in_data,
        r.tmdb_conflicts,
        r.horizon,
        r.decidable_through
    );
    assert!(
        r.trainable.renewed >= 100 && r.trainable.not_renewed >= 100,
        "{:?}",
        r.trainable
    );
    assert!(r.excluded_limited_series > 100);
    let pt = r
        .seasons
        .iter()
        .find(|s| s.slug == "partner-track" && s.season == 1)
        .expect("Partner Track S1 labelled");
    assert_eq!(pt.outcome, Outcome::NotRenewed, "{pt:?}");
    assert!(!pt.evidence.is_empty());
    // Every label carries evidence, and undecided seasons are never trainable-and-decided.
    assert!(r.seasons.iter().all(|s| !s.evidence.is_empty()));
}

#[test]
fn partner_track_season_1_as_of_2022_10_15() {
    let p = partner_track();
    println!("{}", serde_json::to_string_pretty(&p).unwrap());
    assert!(p.probability > 0.0 && p.probability < 1.0);
    assert!(!p.factors.is_empty());
    let known = p.known_outcome.as_ref().expect("a known outcome");
    assert_eq!(known.outcome, Outcome::NotRenewed);
    assert_eq!(p.premiere.map(|p| p.date), Some(date("2022-08-26")));
    // Three weeks in the TV (English) Top 10, all published by the as-of date.
    let weeks = p
        .features
        .iter()
        .find(|f| f.name == "weeks_top10_91d")
        .and_then(|f| f.value);
    assert_eq!(weeks, Some(3.0));
    assert!(
        p.model.trained_on >= 100,
        "trained on {}",
        p.model.trained_on
    );
}

#[test]
fn later_chart_weeks_do_not_change_a_prediction() {
    let as_of = date("2022-10-15");
    let before = partner_track();

    // A copy of the store with extra chart weeks dated after the as-of date: Partner Track
    // back at number 1, and every title of a later week again at ranks 11-20.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    open()
        .conn()
        .execute("VACUUM INTO ?1", [copy.display().to_string()])
        .unwrap();
    let store = Store::open(&copy).unwrap();
    let title_id: i64 = store
        .conn()
        .query_row("SELECT id FROM titles WHERE source = 'top10' AND season_title = 'Partner Track: Season 1'", [], |r| r.get(0))
        .unwrap();
    let dataset: i64 = store
        .conn()
        .query_row("SELECT dataset_id FROM chart_weeks LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let mut added = 0;
    for week in ["2022-10-16", "2022-10-23", "2022-10-30", "2022-12-04"] {
        added += store
            .conn()
            .execute(
                "INSERT INTO chart_weeks (dataset_id, line, week, category, rank, title_id, hours, runtime, views, cumulative_weeks)
                 VALUES (?1, 0, ?2, 'TV (English)', 11, ?3, 900000000, 7.5, 120000000, 4)",
                rusqlite::params![dataset, week, title_id],
            )
            .unwrap();
        added += store
            .conn()
            .execute(
                "INSERT INTO chart_weeks (dataset_id, line, week, category, rank, title_id, hours, runtime, views, cumulative_weeks)
                 SELECT dataset_id, line, week, category, rank + 11, title_id, hours * 3, runtime, views, cumulative_weeks
                 FROM chart_weeks WHERE week = ?1 AND rank <= 10",
                [week],
            )
            .unwrap();
    }
    assert!(added > 40, "only {added} rows added");
    let after = predict(&store, "Partner Track", Some(1), Some(as_of)).unwrap();
    assert_eq!(
        before.probability.to_bits(),
        after.probability.to_bits(),
        "{} vs {}",
        before.probability,
        after.probability
    );
    assert_eq!(*before, after);

    // The metrics as of the date are unchanged too, while the latest view sees the new weeks.
    let m_before = metrics(&open(), "Partner Track", 1, Some(as_of)).unwrap();
    let m_after = metrics(&store, "Partner Track", 1, Some(as_of)).unwrap();
    assert_eq!(m_before, m_after);
    let latest = metrics(&store, "Partner Track", 1, None).unwrap();
    assert_eq!(latest.weeks_in_top10, 7);
}

#[test]
fn metrics_for_partner_track() {
    let m = metrics(&open(), "Partner Track", 1, Some(date("2022-10-15"))).unwrap();
    println!("{}", serde_json::to_string_pretty(&m).unwrap());
    assert_eq!(m.weeks_in_top10, 3);
    assert_eq!(m.peak_rank, Some(4));
    let w28 = m.window(28).unwrap();
    assert_eq!(w28.hours, 66_010_000.0);
    assert!(w28.complete);
    assert!(w28.view_share_list.is_some_and(|s| s > 0.0 && s < 1.0));
    // No engagement report had been published in 2022.
    assert!(m.engagement.is_empty() && m.long_tail.is_none());
    // No sourced cost: no impact value, and the report says why.
    assert!(m.impact.is_none());
    let later = metrics(&open(), "Partner Track", 1, None).unwrap();
    assert_eq!(later.engagement.len(), 5);
    // Launch: 66.01M chart hours in 91 days; later: five half-years averaging 11.44M hours.
    let tail = later.long_tail.as_ref().expect("a long tail");
    assert_eq!(tail.later_reports.len(), 5);
    assert!(
        (tail.ratio_per_half_year - 57.2e6 / 5.0 / 66.01e6).abs() < 1e-9,
        "{tail:?}"
    );
}

#[test]
fn backtest_reports_the_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("features.csv");
    let r = backtest(&open(), Some(&export)).unwrap();
    println!("{}", serde_json::to_string_pretty(&r).unwrap());
    assert!(r.split.train >= 100 && r.split.test >= 50, "{:?}", r.split);
    assert!(r.model.auc.is_some());
    assert_eq!(r.baselines.len(), 3);
    assert_eq!(
        r.calibration.iter().map(|b| b.count).sum::<u32>(),
        r.split.test
    );
    let csv = std::fs::read_to_string(&export).unwrap();
    assert_eq!(csv.lines().count() as u32, 1 + r.split.train + r.split.test);
    assert!(csv
        .lines()
        .next()
        .unwrap()
        .starts_with("slug,series,season,premiere,decided_on,split,label,log_hours_7d"));
}

#[test]
fn country_lists_weight_the_audience_where_they_exist() {
    // Squid Game season 1 launched in September 2021, inside the country-list window.
    let m = metrics(&open(), "Squid Game", 1, Some(date("2021-12-31"))).unwrap();
    let c = m
        .countries
        .as_ref()
        .expect("country metrics for a 2021 launch");
    assert!(c.countries_charted > 80, "{c:?}");
    assert_eq!(c.by_region.values().sum::<u32>(), c.countries_charted);
    let w = c.arpu_weight.expect("an ARPU weight");
    assert!(w > 0.5 && w < 1.5, "{w}");
    // Views need a runtime; for a 2021 launch none was public until the first engagement report
    // (2023-12-12), so as of 2021 the view-based adjusted share is unknown, and said so.
    assert!(m.window(28).and_then(|w| w.adjusted_view_share).is_none());
    assert!(
        m.notes.iter().any(|n| n.contains("no runtime published")),
        "{:?}",
        m.notes
    );
    // A 2022-09 launch has no country lists: unweighted, and said so.
    let pt = metrics(&open(), "Partner Track", 1, None).unwrap();
    assert!(pt.countries.is_none());
    assert!(pt.notes.iter().any(|n| n.contains("country lists")));
}

#[test]
fn bad_requests_are_errors_not_panics() {
    let store = open();
    assert!(matches!(
        predict(&store, "No Such Show At All", None, None),
        Err(greenlight_odds::OddsError::NotFound(_))
    ));
    assert!(matches!(
        metrics(&store, "Partner Track", 9, None),
        Err(greenlight_odds::OddsError::NotFound(_))
    ));
    // Before the premiere there is nothing to predict.
    assert!(matches!(
        predict(&store, "Partner Track", Some(1), Some(date("2022-01-01"))),
        Err(greenlight_odds::OddsError::Invalid(_))
    ));
    // Without a season, the latest one premiered by the as-of date is meant.
    assert!(matches!(
        predict(&store, "Partner Track", None, Some(date("2022-01-01"))),
        Err(greenlight_odds::OddsError::NotFound(_))
    ));
}

/// A runtime printed in an engagement report counts only from that report's publication: adding
/// one in a report published after the as-of date changes neither the metrics nor the prediction
/// as of then, while a date after its publication does see it (so the row is really read).
#[test]
fn a_runtime_published_later_does_not_change_the_past() {
    let as_of = date("2022-10-15");
    let before = partner_track();
    let m_before = metrics(&open(), "Partner Track", 1, Some(as_of)).unwrap();
    assert_eq!(
        m_before.runtime_hours, None,
        "no report giving a runtime was out by {as_of}"
    );

    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    open()
        .conn()
        .execute("VACUUM INTO ?1", [copy.display().to_string()])
        .unwrap();
    let store = Store::open(&copy).unwrap();
    let (title_id, dataset): (i64, i64) = store
        .conn()
        .query_row(
            "SELECT t.id, e.dataset_id FROM titles t JOIN engagement e ON e.title_id = t.id
             WHERE t.source = 'engagement' AND t.season_title = 'Partner Track: Season 1' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // Report 2022H2 counts as published 2023-03-31 (greenlight_store::published): after as_of.
    let published = greenlight_store::published::engagement_report("2022H2").unwrap();
    assert!(published > as_of);
    store
        .conn()
        .execute(
            "INSERT INTO engagement (dataset_id, report, sheet, row, title_id, available_globally, release_date, hours, runtime_minutes, views)
             VALUES (?1, '2022H2', 'TV', 999999, ?2, 1, '2022-08-26', 50000000, 60, 50000000)",
            rusqlite::params![dataset, title_id],
        )
        .unwrap();
    let m_after = metrics(&store, "Partner Track", 1, Some(as_of)).unwrap();
    assert_eq!(m_after.runtime_hours, None);
    assert_eq!(m_before, m_after);
    let after = predict(&store, "Partner Track", Some(1), Some(as_of)).unwrap();
    assert_eq!(before.probability.to_bits(), after.probability.to_bits());
    // Once 2022H2 is out, its runtime (60 minutes) is the season's.
    let later = metrics(&store, "Partner Track", 1, Some(date("2023-04-01"))).unwrap();
    assert_eq!(later.runtime_hours, Some(1.0));
}
