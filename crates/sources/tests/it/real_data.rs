//! Reads every real file in the shared data directory and checks it against counts taken
//! independently of the readers. These are the files greenlight exists for, so a missing
//! directory is a failure, not a skip: a green run must mean the real data was read.

use chrono::NaiveDate;
use greenlight_sources::{detect, read, EngagementKind, EngagementReport, Format, Parsed};
use std::path::Path;

use greenlight_testkit::{data_dir, data_file as file};

fn detected(path: &Path) -> Format {
    let bytes = std::fs::read(path).unwrap();
    detect(path, &bytes).unwrap_or_else(|e| panic!("detect failed: {e}"))
}

fn parse(path: &Path) -> Parsed {
    read(path).unwrap_or_else(|e| panic!("read failed: {e}"))
}

/// Data rows of a TSV with no quoting: non-empty lines minus the header.
fn tsv_rows(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    text.split('\n')
        .filter(|l| !l.trim_end_matches('\r').is_empty())
        .count()
        - 1
}

/// Data rows of a CSV, counted by the csv crate directly (fields may hold quoted newlines, so
/// lines are not records).
fn csv_rows(path: &Path) -> usize {
    let records: Result<Vec<_>, _> = csv::Reader::from_path(path).unwrap().records().collect();
    records.unwrap().len()
}

#[test]
fn top10_global() {
    let path = file("netflix-top10/all-weeks-global.tsv");
    assert_eq!(detected(&path), Format::Top10Global);
    let Parsed::Top10(rows) = parse(&path) else {
        panic!("wrong kind")
    };
    assert_eq!(rows.len(), tsv_rows(&path));
    // The README's 10,559 is `wc -l` minus one; the file has no final newline.
    assert_eq!(rows.len(), 10_560);
    assert_eq!(rows.last().unwrap().line, 10_561);
    // Newer weeks carry runtime/views, older ones don't.
    assert!(rows
        .iter()
        .any(|r| r.runtime.is_some() && r.views.is_some()));
    assert!(rows
        .iter()
        .any(|r| r.runtime.is_none() && r.views.is_none()));
    let partner: Vec<_> = rows
        .iter()
        .filter(|r| r.season_title.as_deref() == Some("Partner Track: Season 1"))
        .map(|r| (r.week, r.rank, r.category.as_str()))
        .collect();
    let d = |m, day| NaiveDate::from_ymd_opt(2022, m, day).unwrap();
    let mut partner_sorted = partner.clone();
    partner_sorted.sort();
    assert_eq!(
        partner_sorted,
        [
            (d(8, 28), 7, "TV (English)"),
            (d(9, 4), 4, "TV (English)"),
            (d(9, 11), 6, "TV (English)")
        ]
    );
}

#[test]
fn top10_global_legacy() {
    let path = file("netflix-top10/all-weeks-global.2022-11-09.tsv");
    assert_eq!(detected(&path), Format::Top10GlobalLegacy);
    let Parsed::Top10(rows) = parse(&path) else {
        panic!("wrong kind")
    };
    assert_eq!(rows.len(), tsv_rows(&path));
    assert_eq!(rows.len(), 2_840);
    assert!(rows
        .iter()
        .all(|r| r.runtime.is_none() && r.views.is_none()));
}

#[test]
fn top10_countries() {
    let path = file("netflix-top10/all-weeks-countries.2022-03-02.tsv");
    assert_eq!(detected(&path), Format::Top10Countries);
    let Parsed::Countries(rows) = parse(&path) else {
        panic!("wrong kind")
    };
    assert_eq!(rows.len(), tsv_rows(&path));
    assert_eq!(rows.len(), 65_800);
}

#[test]
fn most_popular() {
    let path = file("netflix-top10/most-popular.tsv");
    assert_eq!(detected(&path), Format::MostPopular);
    let Parsed::MostPopular(rows) = parse(&path) else {
        panic!("wrong kind")
    };
    assert_eq!(rows.len(), tsv_rows(&path));
    assert_eq!(rows.len(), 40);
    assert_eq!(rows[0].show_title, "KPop Demon Hunters");
}

#[test]
fn tmdb_status() {
    let path = file("tmdb/tv-status.csv");
    assert_eq!(detected(&path), Format::TmdbStatus);
    let Parsed::Tmdb(rows) = parse(&path) else {
        panic!("wrong kind")
    };
    assert_eq!(rows.len(), csv_rows(&path));
    assert_eq!(rows.len(), 5_642);
    let got = &rows[0];
    assert_eq!(
        (
            got.name.as_str(),
            got.number_of_seasons,
            got.status.as_str()
        ),
        ("Game of Thrones", 8, "Ended")
    );
}

#[test]
fn justwatch_titles() {
    let path = file("justwatch/titles.csv");
    assert_eq!(detected(&path), Format::JustWatchTitles);
    let Parsed::JustWatchTitles(rows) = parse(&path) else {
        panic!("wrong kind")
    };
    assert_eq!(rows.len(), csv_rows(&path));
    assert_eq!(rows.len(), 5_850);
    let taxi = rows.iter().find(|t| t.id == "tm84618").unwrap();
    assert_eq!(taxi.genres, ["drama", "crime"]);
    assert_eq!(taxi.imdb_votes, Some(808_582));
}

#[test]
fn justwatch_credits() {
    let path = file("justwatch/credits.csv");
    assert_eq!(detected(&path), Format::JustWatchCredits);
    let Parsed::JustWatchCredits(rows) = parse(&path) else {
        panic!("wrong kind")
    };
    assert_eq!(rows.len(), csv_rows(&path));
    assert_eq!(rows.len(), 77_801);
}

fn engagement(name: &str) -> EngagementReport {
    let path = file(&format!(
        "netflix-engagement/What_We_Watched_A_Netflix_Engagement_Report_{name}.xlsx"
    ));
    assert_eq!(detected(&path), Format::Engagement);
    let Parsed::Engagement(report) = parse(&path) else {
        panic!("wrong kind")
    };
    report
}

/// Rows per sheet, counted once by hand with openpyxl (data rows below the header at row 6,
/// trailing blank rows excluded).
#[test]
fn engagement_reports() {
    let editions = [
        ("2023Jan-Jun", "2023H1", &[("Engagement", 18_214)][..]),
        ("2023Jul-Dec", "2023H2", &[("TV", 6_599), ("Film", 9_395)]),
        ("2024Jan-Jun", "2024H1", &[("TV", 6_801), ("Film", 9_360)]),
        ("2024Jul-Dec", "2024H2", &[("TV", 6_883), ("Film", 8_680)]),
        (
            "2025Jan-Jun",
            "2025H1",
            &[("Shows", 7_508), ("Movies", 8_674)],
        ),
    ];
    for (name, period, sheets) in editions {
        let report = engagement(name);
        assert_eq!(report.period, period, "{name}");
        for (sheet, count) in sheets {
            let rows: Vec<_> = report.rows.iter().filter(|r| r.sheet == *sheet).collect();
            assert_eq!(rows.len(), *count, "{name} {sheet}");
            // Data starts right below the header at row 6 and runs contiguously.
            assert_eq!(rows[0].row, 7, "{name} {sheet}");
            assert_eq!(rows.last().unwrap().row, 6 + count, "{name} {sheet}");
        }
        assert_eq!(
            report.rows.len(),
            sheets.iter().map(|s| s.1).sum::<usize>(),
            "{name}"
        );
    }
}

#[test]
fn engagement_partner_track() {
    let h1 = engagement("2023Jan-Jun");
    let r = h1
        .rows
        .iter()
        .find(|r| r.title == "Partner Track: Season 1")
        .expect("in 2023H1");
    assert_eq!(
        (r.hours, r.kind, r.views, r.runtime_minutes),
        (22_700_000, None, None, None)
    );
    assert_eq!(r.release_date, NaiveDate::from_ymd_opt(2022, 8, 26));

    let h2 = engagement("2023Jul-Dec");
    let r = h2
        .rows
        .iter()
        .find(|r| r.title == "Partner Track: Season 1")
        .expect("in 2023H2");
    assert_eq!(
        (r.hours, r.views, r.kind),
        (10_600_000, Some(1_400_000), Some(EngagementKind::Tv))
    );
    assert!(r.runtime_minutes.is_some());
    // The first TV row: `ONE PIECE: Season 1`, 7:34.
    let first = &h2.rows[0];
    assert_eq!(
        (
            first.title.as_str(),
            first.runtime_minutes,
            first.release_date
        ),
        (
            "ONE PIECE: Season 1",
            Some(454),
            NaiveDate::from_ymd_opt(2023, 8, 31)
        )
    );
}

/// Truncating a real workbook must give a located error, not a panic or a partial report.
#[test]
fn truncated_real_workbook() {
    let path =
        file("netflix-engagement/What_We_Watched_A_Netflix_Engagement_Report_2023Jul-Dec.xlsx");
    let bytes = std::fs::read(&path).unwrap();
    for cut in [bytes.len() / 2, bytes.len() - 1, 100] {
        let e = greenlight_sources::read_as(&path, &bytes[..cut], Format::Engagement).unwrap_err();
        assert_eq!(e.location().unwrap().file, path);
        assert!(e.to_string().contains("XLSX"), "{e}");
    }
}

/// Every real file, through detection, in one go. (Speed is measured in BENCHMARKS.md, never
/// asserted here.)
#[test]
fn whole_directory_reads() {
    let mut paths = Vec::new();
    for sub in [
        "netflix-top10",
        "netflix-engagement",
        "tmdb",
        "justwatch",
        "netflix-finance",
    ] {
        for entry in std::fs::read_dir(data_dir().join(sub)).unwrap() {
            paths.push(entry.unwrap().path());
        }
    }
    paths.sort();
    let total: usize = paths.iter().map(|p| parse(p).len()).sum();
    eprintln!("read {} files, {total} records", paths.len());
    assert_eq!(paths.len(), 14);
}
