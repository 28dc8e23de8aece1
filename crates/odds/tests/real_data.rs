//! The odds on the real data: labels, the backtest, a known prediction, and the point-in-time
//! guarantee. One store is imported per test binary (importing is the slow part).

use chrono::NaiveDate;
use greenlight_odds::{backtest, labels, metrics, predict, Outcome, PredictReport};
use greenlight_store::import::{ImportOptions, ImportOutcome};
use greenlight_store::Store;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use greenlight_testkit::data_dir;

/// The imported store, and a copy of it taken before any test opened it: tests that add data
/// start from a copy of that copy, so they never import the whole data again.
struct Imported {
    db: PathBuf,
    pristine: PathBuf,
}

fn imported() -> &'static Imported {
    static PATH: OnceLock<Imported> = OnceLock::new();
    PATH.get_or_init(|| {
        let d = data_dir();
        // Under target/ (removed by `cargo clean`), not /tmp: the store outlives the test process.
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .expect("tempdir")
            .keep();
        let db = dir.join("all.db");
        let mut store = Store::open(&db).expect("open store");
        // The finance figures weight audiences by region and price a season's cost: the odds
        // read them from the store like everything else.
        let paths: Vec<PathBuf> = [
            "netflix-top10",
            "netflix-engagement",
            "tmdb",
            "justwatch",
            "netflix-finance",
        ]
        .iter()
        .map(|s| d.join(s))
        .collect();
        store
            .import_paths(&paths, &ImportOptions::default())
            .expect("import ../shared/data");
        // The dated announcements decide labels first (issue 16).
        greenlight_ledger::import_claims_file(
            &mut store,
            &d.join("announcements/netflix-announcements.toml"),
        )
        .expect("import the announcements");
        drop(store);
        // Closed, so the file is whole (SQLite checkpoints and removes the WAL on close).
        let pristine = dir.join("pristine.db");
        std::fs::copy(&db, &pristine).expect("copy the store");
        Imported { db, pristine }
    })
}

/// A private copy of the imported store with `files` imported into it, and the call's outcome
/// for each file.
fn with_imported(files: &[PathBuf]) -> (tempfile::TempDir, Store, Vec<ImportOutcome>) {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    std::fs::copy(&imported().pristine, &copy).unwrap();
    let mut store = Store::open(&copy).unwrap();
    let summary = store
        .import_paths(files, &ImportOptions::default())
        .expect("import the added data");
    let outcomes = summary.files.into_iter().map(|f| f.outcome).collect();
    (dir, store, outcomes)
}

fn open() -> Store {
    Store::open(&imported().db).expect("open imported store")
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

    // A newer snapshot of the global Top 10 with extra chart weeks dated after the as-of date:
    // Partner Track back at number 10, and every other title of those weeks with three times its
    // hours.
    let dir = tempfile::tempdir().unwrap();
    let global = dir.path().join("all-weeks-global.tsv");
    let added = later_chart_weeks(
        &data_dir().join("netflix-top10/all-weeks-global.tsv"),
        &global,
        &["2022-10-16", "2022-10-23", "2022-10-30", "2022-12-04"],
    );
    assert!(added > 40, "only {added} rows changed");
    let (_copy, store, outcomes) = with_imported(&[global]);
    // A re-published chart is stored week by week: exactly those four weeks were rewritten.
    match &outcomes[..] {
        [ImportOutcome::Appended { weeks, .. }] => {
            assert!(weeks.weeks_added.is_empty(), "{outcomes:?}");
            assert_eq!(
                weeks.weeks_corrected,
                ["2022-10-16", "2022-10-23", "2022-10-30", "2022-12-04"],
                "{outcomes:?}"
            );
        }
        other => panic!("expected the four weeks corrected: {other:?}"),
    }
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
    // Every trainable season is a row (issue 16: the folds are rebuilt from it); the test
    // rows are exactly the pooled forward-chaining seasons.
    let csv = std::fs::read_to_string(&export).unwrap();
    let trainable = r.labels.renewed + r.labels.not_renewed;
    assert_eq!(csv.lines().count() as u32, 1 + trainable);
    assert!(csv.lines().next().unwrap().starts_with(
        "slug,series,season,premiere,decided_on,split,cutoff,label,label_source,rust_probability,log_hours_7d"
    ));
    let tests = csv.lines().filter(|l| l.contains(",test,")).count() as u32;
    assert_eq!(tests, r.split.test);
    assert_eq!(r.predictions.len() as u32, r.split.test);
    assert_eq!(r.forward.iter().map(|f| f.test).sum::<u32>(), r.split.test);
    // Intervals contain their estimates; the paired ones are one per baseline.
    let auc = r.intervals.auc.expect("an AUC interval");
    assert!(
        auc.low <= auc.estimate && auc.estimate <= auc.high,
        "{auc:?}"
    );
    assert_eq!(r.paired.len(), r.baselines.len());
    assert!(r.calibration_monotone);
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

    // Report 2022H2 counts as published 2023-03-31 (greenlight_store::published): after as_of.
    let published = greenlight_store::published::engagement_report("2022H2").unwrap();
    assert!(published > as_of);
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("What_We_Watched_2022Jul-Dec.xlsx");
    std::fs::write(
        &report,
        engagement_workbook(
            "Views from July to December 2022",
            &[
                "Partner Track: Season 1",
                "Yes",
                "2022-08-26",
                "50000000",
                "1:00",
                "50000000",
            ],
        ),
    )
    .unwrap();
    let (_copy, store, outcomes) = with_imported(&[report]);
    assert!(
        matches!(outcomes[..], [ImportOutcome::Imported]),
        "{outcomes:?}"
    );
    let m_after = metrics(&store, "Partner Track", 1, Some(as_of)).unwrap();
    assert_eq!(m_after.runtime_hours, None);
    assert_eq!(m_before, m_after);
    let after = predict(&store, "Partner Track", Some(1), Some(as_of)).unwrap();
    assert_eq!(before.probability.to_bits(), after.probability.to_bits());
    // Once 2022H2 is out, its runtime (60 minutes) is the season's.
    let later = metrics(&store, "Partner Track", 1, Some(date("2023-04-01"))).unwrap();
    assert_eq!(later.runtime_hours, Some(1.0));
}

/// Writes `to`: the Top 10 file `from` plus, for each of `weeks`, Partner Track season 1 at rank
/// 11 of TV (English) and every top-ten row of the week again at rank + 11 with three times the
/// hours. Returns the number of rows added.
fn later_chart_weeks(from: &Path, to: &Path, weeks: &[&str]) -> usize {
    let text = std::fs::read_to_string(from).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (week, category, rank, show, season, hours) = (
        col("week"),
        col("category"),
        col("weekly_rank"),
        col("show_title"),
        col("season_title"),
        col("weekly_hours_viewed"),
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    let pt_show = rows
        .iter()
        .find(|r| r[season] == "Partner Track: Season 1")
        .map(|r| r[show])
        .expect("Partner Track in the Top 10");
    // Ranks stay in 1..=10 (the reader refuses any other): in each later week Partner Track
    // takes the TV (English) list's tenth place, and every other title of the week is stated
    // again with three times its hours. The rows are rewritten in place, so no week, list and
    // rank is stated twice.
    let mut out: Vec<String> = vec![header.join("\t")];
    let mut added = 0;
    for r in &rows {
        let mut row: Vec<String> = r.iter().map(|c| c.to_string()).collect();
        if weeks.contains(&r[week]) {
            if r[category] == "TV (English)" && r[rank] == "10" {
                row[show] = pt_show.to_string();
                row[season] = "Partner Track: Season 1".to_string();
                row[hours] = "900000000".to_string();
                row[col("runtime")] = "7.5".to_string();
                row[col("weekly_views")] = "120000000".to_string();
                row[col("cumulative_weeks_in_top_10")] = "4".to_string();
            } else {
                row[hours] = (r[hours].parse::<u64>().unwrap() * 3).to_string();
            }
            added += 1;
        }
        out.push(row.join("\t"));
    }
    let mut out = out.join("\n");
    out.push('\n');
    std::fs::write(to, out).unwrap();
    added
}

/// A one-sheet ("TV") engagement workbook in the layout Netflix publishes: the report's title,
/// its period line, the column header, then one title's row. Inline strings in a stored zip,
/// written with the zip crate's writer: no XLSX writer needed for six cells.
fn engagement_workbook(period: &str, row: &[&str]) -> Vec<u8> {
    use std::io::Write;
    let cell = |col: usize, r: u32, v: &str| {
        let at = format!("{}{r}", (b'B' + col as u8) as char);
        match v.parse::<f64>() {
            Ok(n) => format!(r#"<c r="{at}"><v>{n}</v></c>"#),
            Err(_) => format!(r#"<c r="{at}" t="inlineStr"><is><t>{v}</t></is></c>"#),
        }
    };
    let line = |r: u32, cells: &[&str]| {
        let c: String = cells
            .iter()
            .enumerate()
            .map(|(i, v)| cell(i, r, v))
            .collect();
        format!(r#"<row r="{r}">{c}</row>"#)
    };
    let header = [
        "Title",
        "Available Globally?",
        "Release Date",
        "Hours Viewed",
        "Runtime",
        "Views",
    ];
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{}{}{}{}</sheetData></worksheet>"#,
        line(2, &["What We Watched: A Netflix Engagement Report"]),
        line(3, &[period]),
        line(6, &header),
        line(7, row),
    );
    let parts = [
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="TV" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, body) in parts {
        zip.start_file(name, stored).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The labelled seasons a status asks odds for on the latest data (undecided, premiered, not
/// decided before launch): the first whose series has no training season and the first whose
/// series has one (both now use their premiere quarter's frozen model).
fn undecided_seasons(store: &Store) -> (labels::LabelledSeason, labels::LabelledSeason) {
    let cat = greenlight_odds::catalog::Catalog::load(store).unwrap();
    let report = labels::label_all(&cat, store).unwrap();
    let base = backtest::examples(&cat, &report.seasons);
    let has_own =
        |l: &labels::LabelledSeason| base.iter().any(|e| e.label.series_id == l.series_id);
    let undecided = || {
        report.seasons.iter().filter(|l| {
            l.outcome == Outcome::Undecided && l.premiere.is_some() && !l.decided_before_premiere
        })
    };
    let shared = undecided()
        .find(|l| !has_own(l))
        .expect("an undecided season of a series with no training season")
        .clone();
    let own = undecided()
        .find(|l| has_own(l))
        .expect("an undecided season of a series with training seasons")
        .clone();
    (shared, own)
}

/// The kept cut-off model predicts what the model trained from scratch predicts, on every
/// training row and bit for bit; the kept status odds equal a fresh training's (model,
/// probability, factors, backtest) for two series; a claim deciding an untrainable season
/// changes the stamp without retraining, and new chart weeks (new training data) retrain.
#[test]
fn kept_odds_equal_a_fresh_training_and_new_training_data_retrains() {
    use greenlight_odds::frozen::{self, FrozenModel};
    use greenlight_odds::kept::{self, Source};
    use greenlight_odds::model::{self, Model};
    let copy = tempfile::tempdir().unwrap();
    let db = copy.path().join("copy.db");
    std::fs::copy(&imported().pristine, &db).unwrap();
    let mut store = Store::open(&db).unwrap();
    let (shared, own) = undecided_seasons(&store);

    let (first, source) = kept::status_odds(&store, &shared.slug, shared.season);
    assert_eq!(source, Source::Trained);
    let first = first.unwrap();
    let fresh =
        greenlight_odds::status_odds_fresh(&store, &shared.slug, shared.season, None).unwrap();
    assert_eq!(first, fresh);
    assert_eq!(first.probability.to_bits(), fresh.probability.to_bits());
    let cutoff = first.cutoff.expect("the odds name their cut-off");
    assert_eq!(
        Some(cutoff),
        shared.premiere.map(frozen::cutoff_for),
        "{shared:?}"
    );

    // The model, kept and reloaded, against the one trained from scratch on the same rows.
    let cat = greenlight_odds::catalog::Catalog::load(&store).unwrap();
    let report = labels::label_all(&cat, &store).unwrap();
    let base: Vec<_> = backtest::examples(&cat, &report.seasons)
        .into_iter()
        .filter(|e| e.decided_on <= cutoff)
        .collect();
    let rows: Vec<_> = base.iter().map(|e| e.row.clone()).collect();
    let ys: Vec<f64> = base.iter().map(|e| e.y).collect();
    let trained = Model::train(&rows, &ys, &model::candidates()).unwrap();
    let kept_model: FrozenModel = kept::decode(
        &store
            .derived(&frozen::model_key(cutoff))
            .unwrap()
            .expect("the cut-off's model is kept")
            .body,
    )
    .expect("the kept model decodes");
    assert_eq!(kept_model.training_hash, kept::training_hash(&base, cutoff));
    assert_eq!(kept_model.model, trained.state());
    let reloaded = Model::from_state(&kept_model.model, &rows, &ys).unwrap();
    let (a, b) = (
        trained.predict(&rows).unwrap(),
        reloaded.predict(&rows).unwrap(),
    );
    assert_eq!(a.len(), base.len());
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        assert_eq!(x.to_bits(), y.to_bits(), "row {i}: {x} vs {y}");
    }
    // Rows that are not the training rows are refused, not silently used.
    assert!(Model::from_state(&kept_model.model, &rows[1..], &ys[1..]).is_err());

    // Read back: no training, the same answer.
    let (again, source) = kept::status_odds(&store, &shared.slug, shared.season);
    assert_eq!(source, Source::Kept);
    assert_eq!(again.unwrap(), fresh);

    // A series with training seasons of its own: the same rule, the same answer as fresh.
    let (o, _) = kept::status_odds(&store, &own.slug, own.season);
    let o_fresh = greenlight_odds::status_odds_fresh(&store, &own.slug, own.season, None).unwrap();
    assert_eq!(o.unwrap(), o_fresh);
    let (o, source) = kept::status_odds(&store, &own.slug, own.season);
    assert_eq!((o.unwrap(), source), (o_fresh, Source::Kept));

    // A claim may decide a label (issue 16: the ledger's announcements come first), so it
    // changes the stamp; this one decides an undecided, untrainable season, so the training
    // examples, and the kept cut-off model, stand.
    let stamp = kept::stamp(&store).unwrap();
    let claim = format!(
        "[[claims]]\nkind = \"season_renewed\"\nseries = \"{}\"\nseason = {}\npublished = 2026-01-05\nsource = {{ name = \"A test\", kind = \"fan_site\" }}\nentered_by = \"test\"\n",
        shared.series,
        shared.season + 1
    );
    greenlight_ledger::import_claims_text(
        &mut store,
        &claim,
        "claim.toml",
        greenlight_ledger::FileFormat::Toml,
    )
    .expect("the claim");
    assert_ne!(kept::stamp(&store).unwrap(), stamp);
    let (after, source) = kept::status_odds(&store, &shared.slug, shared.season);
    assert_eq!(source, Source::KeptModel);
    assert_eq!(after.unwrap(), fresh);

    // A claims file declaring a series changes the series the odds read: the kept odds are
    // stale, but the training examples are the same, so the kept model is reused, not retrained.
    let stamp = kept::stamp(&store).unwrap();
    let declared = "[[series]]\ntitle = \"A Show Nobody Charted Zq\"\n\n[[claims]]\nkind = \"canceled\"\nseries = \"A Show Nobody Charted Zq\"\nseason = 1\npublished = 2026-01-05\nsource = { name = \"A test\", kind = \"fan_site\" }\nentered_by = \"test\"\n";
    greenlight_ledger::import_claims_text(
        &mut store,
        declared,
        "declared.toml",
        greenlight_ledger::FileFormat::Toml,
    )
    .expect("the declaring claims file");
    assert_ne!(kept::stamp(&store).unwrap(), stamp);
    let (after, source) = kept::status_odds(&store, &shared.slug, shared.season);
    assert_eq!(source, Source::KeptModel);
    assert_eq!(after.unwrap(), fresh);

    // New chart weeks are new training data for the cut-offs after them: retrained, on them.
    let dir = tempfile::tempdir().unwrap();
    let global = dir.path().join("all-weeks-global.tsv");
    later_chart_weeks(
        &data_dir().join("netflix-top10/all-weeks-global.tsv"),
        &global,
        &["2022-10-16", "2022-10-23", "2022-10-30", "2022-12-04"],
    );
    store
        .import_paths(&[global], &ImportOptions::default())
        .expect("the new weeks");
    let (after, source) = kept::status_odds(&store, &shared.slug, shared.season);
    assert_eq!(source, Source::Trained);
    let retrained: FrozenModel = kept::decode(
        &store
            .derived(&frozen::model_key(cutoff))
            .unwrap()
            .unwrap()
            .body,
    )
    .unwrap();
    assert_ne!(retrained.training_hash, kept_model.training_hash);
    let fresh_after =
        greenlight_odds::status_odds_fresh(&store, &shared.slug, shared.season, None).unwrap();
    assert_eq!(after.unwrap(), fresh_after);
}

/// Issue 16: the same season gets the same stored model at day 56 and day 91 (one training
/// cut-off: its premiere quarter's), for every season premiered in a quarter with a model; the
/// second prediction reuses the kept model, trains nothing.
#[test]
fn the_same_season_gets_the_same_frozen_model_at_day_56_and_day_91() {
    use greenlight_odds::frozen;
    let copy = tempfile::tempdir().unwrap();
    let db = copy.path().join("copy.db");
    std::fs::copy(&imported().pristine, &db).unwrap();
    let store = Store::open(&db).unwrap();
    let r = labels(&store).unwrap();
    let mut checked = 0;
    // One season per premiere quarter from 2022-07 (the first cut-off with 100 decided
    // seasons) to 2024-01: every cut-off the backtest uses.
    let mut seen = std::collections::BTreeSet::new();
    for l in r.seasons.iter().filter(|l| l.trainable) {
        let Some(p) = l.premiere else { continue };
        let cut = frozen::cutoff_for(p);
        if cut < date("2022-07-01") || !seen.insert(cut) {
            continue;
        }
        let at = |d: i64| {
            predict(
                &store,
                &l.slug,
                Some(l.season),
                Some(p + chrono::Duration::days(d)),
            )
            .unwrap_or_else(|e| panic!("{} {}: {e}", l.slug, l.season))
        };
        let (a, b) = (at(56), at(91));
        assert_eq!(a.model.cutoff, cut);
        assert_eq!(b.model.cutoff, cut);
        assert_eq!(a.model.training_hash, b.model.training_hash);
        assert_eq!(a.model.model, b.model.model);
        assert_eq!(a.model.calibration, b.model.calibration);
        assert_eq!(a.model.trained_on, b.model.trained_on);
        assert!(a.model.trained_on as usize >= frozen::MIN_TRAINING);
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} cut-offs checked");
}

/// Issue 16: no prediction from fewer than the minimum of training seasons (a cut-off below it
/// abstains with its reason), and every cut-off's calibration is monotone increasing in the
/// raw score over all its seasons (an inverted Platt fit is impossible), on the real data.
/// Issue 13: the models `prepare` fits side by side equal the ones `get` builds one by one.
#[test]
fn cut_offs_abstain_below_the_minimum_and_calibration_is_never_inverted() {
    use greenlight_odds::frozen::{self, Models};
    let store = open();
    let cat = greenlight_odds::catalog::Catalog::load(&store).unwrap();
    let report = labels::label_all(&cat, &store).unwrap();
    let all = backtest::examples(&cat, &report.seasons);
    let rows: Vec<_> = all.iter().map(|e| e.row.clone()).collect();
    let mut models = Models::new(None, all.clone());
    let cutoffs: std::collections::BTreeSet<NaiveDate> =
        all.iter().map(|e| frozen::cutoff_for(e.premiere)).collect();
    // The same models fitted side by side (`prepare`, as the refresh and the backtest do)
    // are the ones built one by one: the same answer at every cut-off, bit for bit.
    let mut side_by_side = Models::new(None, all.clone());
    side_by_side.prepare(cutoffs.iter().copied());
    let (mut abstained, mut modelled) = (0, 0);
    for cut in cutoffs {
        let n = models.training(cut).len();
        let got = models.get(cut);
        match (&got, side_by_side.get(cut)) {
            (Ok((m, h)), Ok((p, ph))) => {
                assert_eq!(h, &ph, "{cut}: training hash");
                let (a, b) = (m.predict(&rows).unwrap(), p.predict(&rows).unwrap());
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(
                    bits(&a),
                    bits(&b),
                    "{cut}: prepared model predicts otherwise"
                );
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{cut}"),
            (a, b) => panic!(
                "{cut}: one by one {:?}, prepared {:?}",
                a.is_ok(),
                b.is_ok()
            ),
        }
        match got {
            Ok((m, _)) => {
                assert!(n >= frozen::MIN_TRAINING, "{cut}: a model on {n} seasons");
                assert!(
                    m.platt.a >= 0.0,
                    "{cut}: inverted calibration {:?}",
                    m.platt
                );
                let raw = m.raw_scores(&rows).unwrap();
                let p = m.predict(&rows).unwrap();
                assert!(backtest::is_monotone(&raw, &p), "{cut}: not monotone");
                modelled += 1;
            }
            Err(greenlight_odds::OddsError::InsufficientTraining(why)) => {
                assert!(n < frozen::MIN_TRAINING, "{cut}: abstained on {n} seasons");
                assert!(why.contains("fewer than the minimum"), "{why}");
                abstained += 1;
            }
            Err(e) => panic!("{cut}: {e}"),
        }
    }
    assert!(modelled >= 6 && abstained >= 1, "{modelled} / {abstained}");
    // A prediction at an abstaining cut-off says why rather than guessing.
    let early = report
        .seasons
        .iter()
        .find(|l| {
            l.premiere
                .is_some_and(|p| p < date("2022-04-01") && p >= date("2021-10-01"))
                && !l.decided_before_premiere
        })
        .expect("a season premiered in 2021Q4 .. 2022Q1");
    let p = early.premiere.unwrap();
    let e = predict(
        &store,
        &early.slug,
        Some(early.season),
        Some(p + chrono::Duration::days(91)),
    )
    .unwrap_err();
    assert!(
        matches!(e, greenlight_odds::OddsError::InsufficientTraining(_)),
        "{e}"
    );
}

/// Issue 16: no season whose next season was decided before it premiered gets odds, once the
/// decision is public: `predict` refuses, the report answers with the decision, and such
/// seasons are never trained or tested on. Checked for every such season on the real data.
#[test]
fn no_season_decided_before_it_premiered_gets_odds() {
    let store = open();
    let r = labels(&store).unwrap();
    let bt = backtest(&store, None).unwrap();
    let early: Vec<_> = r
        .seasons
        .iter()
        .filter(|l| l.decided_before_premiere)
        .collect();
    assert!(
        early.len() >= 20,
        "only {} decided before launch",
        early.len()
    );
    assert_eq!(r.decided_before_premiere as usize, early.len());
    for l in &early {
        assert!(!l.trainable, "{l:?}");
        assert!(
            !bt.predictions
                .iter()
                .any(|p| p.slug == l.slug && p.season == l.season),
            "{} {} was tested",
            l.slug,
            l.season
        );
        let (Some(p), Some(public)) = (l.premiere, l.decision_public) else {
            continue;
        };
        let as_of = p.max(public);
        match predict(&store, &l.slug, Some(l.season), Some(as_of)) {
            Err(greenlight_odds::OddsError::Decided(why)) => {
                assert!(why.contains("decided before it premiered"), "{why}")
            }
            other => panic!("{} {} as of {as_of}: {other:?}", l.slug, l.season),
        }
    }
}

/// Issue 16 acceptance: the time-to-decision forecast's 80% intervals, backtested point in time
/// (curves from the announcements published by each quarterly cut-off), cover between 70% and
/// 90% of the decisions that followed; its 90-day probability and the premiere windows are
/// reported beside it.
#[test]
fn decision_forecast_intervals_cover_70_to_90_percent() {
    let r = backtest(&open(), None).unwrap();
    let w = &r.when;
    println!(
        "when: {}",
        serde_json::to_string_pretty(&serde_json::json!({
            "cutoffs": w.cutoffs.len(),
            "checked": w.interval_checked,
            "covered": w.interval_covered,
            "coverage": w.coverage_80,
            "within_90": [w.within_90_checked as f64, w.within_90_mean_predicted.unwrap_or(f64::NAN), w.within_90_observed.unwrap_or(f64::NAN)],
            "premiere": [w.premiere_checked, w.premiere_covered],
        }))
        .unwrap()
    );
    assert!(w.interval_checked >= 100, "{}", w.interval_checked);
    let c = w.coverage_80.expect("a coverage");
    assert!((0.70..=0.90).contains(&c), "80% intervals cover {c:.3}");
    assert!(w.within_90_checked >= 100);
    assert_eq!(
        w.within_90_calibration.iter().map(|b| b.count).sum::<u32>(),
        w.within_90_checked
    );
    assert!(w.premiere_checked >= 50);
}
