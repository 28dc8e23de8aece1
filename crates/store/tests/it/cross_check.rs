//! Wholesale cross-checks: every TV season in the Top 10 file and every row of every engagement
//! report, read here directly from the files (independently of the importers), must come back
//! from the store's queries with the same numbers, attached to a resolved season.

use crate::common;

use calamine::{open_workbook, Data, Reader, Xlsx};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Default, PartialEq)]
struct Run {
    weeks: u32,
    peak: u32,
    hours: i64,
    first: String,
    last: String,
}

#[test]
fn every_top10_tv_season_matches_the_file() {
    let store = common::open_imported();
    let links = title_links(&store);
    let text =
        std::fs::read_to_string(common::data_dir().join("netflix-top10/all-weeks-global.tsv"))
            .unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let (cw, cc, cr, cs, cst, ch) = (
        col("week"),
        col("category"),
        col("weekly_rank"),
        col("show_title"),
        col("season_title"),
        col("weekly_hours_viewed"),
    );
    // season_id -> expected run, accumulated from every raw (show, season) group resolved to it.
    let mut expected: HashMap<i64, Run> = HashMap::new();
    let mut rows = 0;
    for line in lines.filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        if !f[cc].starts_with("TV") {
            continue;
        }
        rows += 1;
        let season_title = if f[cst] == "N/A" { "" } else { f[cst] };
        let season_id: Option<i64> = *links
            .get(&["top10", f[cs], season_title, "tv"].map(String::from))
            .unwrap_or_else(|| panic!("{} / {}: no title row", f[cs], f[cst]));
        let season_id = season_id
            .unwrap_or_else(|| panic!("{} / {} is not resolved to a season", f[cs], f[cst]));
        let run = expected.entry(season_id).or_default();
        let rank: u32 = f[cr].parse().unwrap();
        run.weeks += 1;
        run.peak = if run.peak == 0 {
            rank
        } else {
            run.peak.min(rank)
        };
        run.hours += f[ch].parse::<i64>().unwrap();
        if run.first.is_empty() || f[cw] < run.first.as_str() {
            run.first = f[cw].to_string();
        }
        if f[cw] > run.last.as_str() {
            run.last = f[cw].to_string();
        }
    }
    assert!(rows > 5000, "only {rows} TV rows read");
    // Compare through the public query the CLI's `show` uses, series by series.
    let mut checked = 0;
    for series in store.all_series().unwrap() {
        for season in store.show(&series).unwrap().seasons {
            let got = season.top10.as_ref().map(|t| Run {
                weeks: t.weeks,
                peak: t.peak_rank,
                hours: t.total_hours,
                first: t.first_week.to_string(),
                last: t.last_week.to_string(),
            });
            match expected.remove(&season.id) {
                Some(want) => {
                    assert_eq!(
                        got.as_ref(),
                        Some(&want),
                        "{} {}",
                        series.title,
                        season.season
                    );
                    checked += 1;
                }
                None if series.kind == "tv" => {
                    // A TV season with no TV chart rows must not claim any.
                    assert!(
                        got.is_none(),
                        "{} {} has Top 10 weeks the file doesn't",
                        series.title,
                        season.season
                    );
                }
                None => {}
            }
        }
    }
    assert!(
        expected.is_empty(),
        "{} seasons from the file not reached by `show`",
        expected.len()
    );
    eprintln!("checked {checked} TV seasons over {rows} chart rows");
}

/// Every stored spelling `(source, show, season, kind)` and the season it resolved to, read once
/// (the store keeps no index on spellings: it never looks one up, only this test does).
fn title_links(store: &greenlight_store::Store) -> HashMap<[String; 4], Option<i64>> {
    let mut st = store
        .conn()
        .prepare(
            "SELECT source, show_title, season_title, kind, season_id FROM titles WHERE hint = ''",
        )
        .unwrap();
    let rows = st
        .query_map([], |r| {
            Ok((
                [r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?],
                r.get::<_, Option<i64>>(4)?,
            ))
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

/// `What_We_Watched_..._2023Jul-Dec.xlsx` -> `2023H2`, from the name (the importer reads the
/// period from the sheet's subtitle instead, so the two must agree).
fn period_from_name(name: &str) -> String {
    let y = &name[name.len() - 11..name.len() - 7];
    let half = if name.contains("Jan-Jun") { "H1" } else { "H2" };
    format!("{y}{half}")
}

#[test]
fn every_engagement_row_matches_the_file() {
    let store = common::open_imported();
    let links = title_links(&store);
    let dir = common::data_dir().join("netflix-engagement");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 5);
    // (report, title, hours, views) multiset, keyed by the season it resolved to.
    let mut expected: BTreeMap<(i64, String, String, i64, Option<i64>), u32> = BTreeMap::new();
    let mut rows = 0;
    for path in &files {
        let report = period_from_name(&path.file_stem().unwrap().to_string_lossy());
        let mut wb: Xlsx<_> = open_workbook(path).unwrap();
        for sheet in wb.sheet_names() {
            let kind = match sheet.as_str() {
                "TV" | "Shows" => "tv",
                "Film" | "Movies" => "film",
                _ => "unknown",
            };
            let range = wb.worksheet_range(&sheet).unwrap();
            let mut cols: Option<(usize, usize, Option<usize>)> = None;
            for row in range.rows() {
                let cell = |i: usize| row.get(i).map(|c| c.to_string()).unwrap_or_default();
                let Some((ct, ch, cv)) = cols else {
                    let pos = |n: &str| {
                        row.iter()
                            .position(|c| matches!(c, Data::String(s) if s == n))
                    };
                    if let (Some(t), Some(h)) = (pos("Title"), pos("Hours Viewed")) {
                        cols = Some((t, h, pos("Views")));
                    }
                    continue;
                };
                // Titles are stored trimmed: several end in a non-breaking or ideographic space.
                let title = cell(ct).trim().to_string();
                if title.is_empty() {
                    continue;
                }
                let num = |c: Option<&Data>| match c {
                    Some(Data::Int(i)) => Some(*i),
                    Some(Data::Float(f)) => Some(*f as i64),
                    Some(Data::String(s)) => s.trim().parse().ok(),
                    _ => None,
                };
                let hours =
                    num(row.get(ch)).unwrap_or_else(|| panic!("{report} {sheet} {title}: hours"));
                let views = cv.and_then(|i| num(row.get(i)));
                let season_id: Option<i64> = *links
                    .get(&["engagement", "", title.as_str(), kind].map(String::from))
                    .unwrap_or_else(|| panic!("{report} {sheet} {title}: no title row"));
                let season_id =
                    season_id.unwrap_or_else(|| panic!("{report} {sheet} {title}: not resolved"));
                *expected
                    .entry((season_id, report.clone(), title, hours, views))
                    .or_default() += 1;
                rows += 1;
            }
        }
    }
    assert!(rows > 80_000, "only {rows} engagement rows read");
    let mut got: BTreeMap<(i64, String, String, i64, Option<i64>), u32> = BTreeMap::new();
    for series in store.all_series().unwrap() {
        for season in store.show(&series).unwrap().seasons {
            for e in season.engagement {
                *got.entry((season.id, e.report, e.title, e.hours, e.views))
                    .or_default() += 1;
            }
        }
    }
    let missing: Vec<_> = expected
        .iter()
        .filter(|(k, v)| got.get(*k) != Some(v))
        .take(5)
        .collect();
    assert!(missing.is_empty(), "rows differ (first 5): {missing:?}");
    assert_eq!(
        got.len(),
        expected.len(),
        "the store has engagement rows the files don't"
    );
    eprintln!("checked {rows} engagement rows");
}
