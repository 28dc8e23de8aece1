//! Exact platform metrics (issue 17) through the binary, on the store built from the real data:
//! a hand-written "greenlight exact platform metrics" file naming real series is imported, and
//! `show --json` (the API's body) carries every one of its rows exactly; a file the format's own
//! writer makes with a row for every series of the store imports whole; a malformed file (bad
//! header, bad number, a slug no series has) is refused with its place, and the store is left
//! as it was. The platform's DataFusion writer itself is run on generated logs and imported in
//! `.ci/run` (the step of the `platform` feature), so these tests build no DataFusion.

mod common;

use chrono::NaiveDate;
use common::{fails, json, ok};
use greenlight_sources::exact::{ExactFile, ExactRow, Provenance};
use greenlight_testkit::dump;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exact-metrics.greenlight.csv")
}

/// A file's rows as (column -> field) maps, read here by plain splitting (the files these tests
/// read have no quoted fields), independently of the reader under test.
fn rows_of(path: &Path) -> Vec<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines().skip(3);
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|l| {
            let fields: Vec<String> = l.split(',').map(String::from).collect();
            assert_eq!(fields.len(), header.len(), "a quoted field in {l}");
            header.iter().cloned().zip(fields).collect()
        })
        .collect()
}

fn field<'a>(row: &'a [(String, String)], column: &str) -> &'a str {
    &row.iter().find(|(c, _)| c == column).unwrap().1
}

/// A JSON value as the file writes it: numbers and strings as their text, null as empty.
fn as_field(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every row of the file at `path` about the series in `slugs` is in `show SLUG --json`'s exact
/// section, field for field, with the file's provenance; and the sections hold nothing else.
/// Returns how many rows were compared.
fn assert_shown_exactly(
    db: &Path,
    path: &Path,
    slugs: &[&str],
    publisher: &str,
    generated: &str,
) -> usize {
    let rows = rows_of(path);
    let mut seen = 0;
    for slug in slugs {
        let shown = json(db, &["show", slug, "--json"]);
        assert_eq!(shown["series"]["slug"], *slug);
        let section = &shown["exact_platform_metrics"];
        assert!(
            section["label"]
                .as_str()
                .is_some_and(|l| l.contains("the platform's own")),
            "{slug}: {section}"
        );
        let windows = section["windows"].as_array().unwrap();
        let want: Vec<&Vec<(String, String)>> = rows
            .iter()
            .filter(|r| field(r, "series") == *slug)
            .collect();
        assert_eq!(windows.len(), want.len(), "{slug}: {section}");
        for row in want {
            let w = windows
                .iter()
                .find(|w| {
                    as_field(&w["season"]) == field(row, "season")
                        && as_field(&w["window"]) == field(row, "window")
                })
                .unwrap_or_else(|| panic!("{slug}: no window for {row:?} in {section}"));
            for (column, f) in row {
                if column != "series" {
                    assert_eq!(&as_field(&w[column.as_str()]), f, "{slug} {column}");
                }
            }
            assert_eq!(w["provenance"]["publisher"], publisher);
            assert_eq!(w["provenance"]["generated"], generated);
            assert_eq!(w["provenance"]["file"], s(path));
            // Hours, rounded down to two decimals, from the exact seconds.
            let secs: i64 = w["seconds"].as_i64().unwrap();
            assert_eq!(
                w["hours"],
                format!("{}.{:02}", secs / 3600, secs % 3600 * 100 / 3600)
            );
            seen += 1;
        }
    }
    seen
}

#[test]
fn imported_exact_metrics_are_shown_exactly_and_reimport_changes_nothing() {
    let db = common::store();
    let file = fixture();
    let v = json(&db, &["import", s(&file), "--json"]);
    let x = &v["exact_platform_metrics"][0];
    assert_eq!(x["outcome"], "imported");
    assert_eq!(x["rows"], 3);
    assert_eq!(x["series"], 2);
    assert_eq!(x["publisher"], "Netflix content team");
    assert_eq!(x["generated"], "2025-02-01");

    let compared = assert_shown_exactly(
        &db,
        &file,
        &["wednesday", "squid-game"],
        "Netflix content team",
        "2025-02-01",
    );
    assert_eq!(
        compared,
        rows_of(&file).len(),
        "every row of the file is shown"
    );
    // The public data is still there beside it.
    let shown = json(&db, &["show", "wednesday", "--json"]);
    assert!(!shown["seasons"].as_array().unwrap().is_empty());
    // The 128-bit AVS of the fixture's first row survives as written (it is i128::MAX).
    assert_eq!(
        shown["exact_platform_metrics"]["windows"][0]["avs"],
        i128::MAX.to_string()
    );
    // A series the file does not name has no section.
    let other = json(&db, &["show", "partner-track", "--json"]);
    assert!(other.get("exact_platform_metrics").is_none(), "{other}");
    // Point in time: as of a day before the file was imported (today), nothing is shown.
    let before = json(
        &db,
        &["show", "wednesday", "--as-of", "2025-02-01", "--json"],
    );
    assert!(before.get("exact_platform_metrics").is_none(), "{before}");
    // The text output says what the figures are and where they come from.
    let text = ok(&db, &["show", "wednesday"]);
    assert!(text.contains("Exact platform metrics"), "{text}");
    assert!(
        text.contains("Netflix content team, generated 2025-02-01") && text.contains(s(&file)),
        "{text}"
    );

    // The API's body is `show --json`'s, and the series page has the section with its source.
    let server = common::serve(&db);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut r = agent
        .get(&format!("{}/api/v1/series/wednesday", server.1))
        .call()
        .unwrap();
    assert_eq!(r.status(), 200);
    let api: Value = r.body_mut().read_json().unwrap();
    assert_eq!(api, shown);
    let mut r = agent
        .get(&format!("{}/series/wednesday", server.1))
        .call()
        .unwrap();
    assert_eq!(r.status(), 200);
    let page = r.body_mut().read_to_string().unwrap();
    for want in [
        "Exact platform metrics",
        "Netflix content team, generated 2025-02-01",
        "exact-metrics.greenlight.csv",
        "launch+28",
        "2022-12-01..2022-12-31",
    ] {
        assert!(page.contains(want), "the series page lacks {want}");
    }
    drop(server);

    // The same file again: unchanged, nothing written.
    let store_before = dump(&db);
    let again = json(&db, &["import", s(&file), "--json"]);
    assert_eq!(again["exact_platform_metrics"][0]["outcome"], "unchanged");
    assert_eq!(
        again["exact_platform_metrics"][0]["imported_at"],
        x["imported_at"]
    );
    assert_eq!(
        dump(&db),
        store_before,
        "re-importing the same file changed the store"
    );
    assert_eq!(json(&db, &["show", "wednesday", "--json"]), shown);
}

/// Every series slug of the store, read from the store itself.
fn store_slugs(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut st = conn
        .prepare("SELECT slug FROM series ORDER BY slug")
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_file_the_writer_makes_for_every_series_of_the_store_imports_whole() {
    let db = common::store();
    let slugs = store_slugs(&db);
    assert!(slugs.len() > 1000, "{} series", slugs.len());
    let d = |t: &str| NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap();
    // One row per series, figures varying with its index so no two rows are alike.
    let rows: Vec<ExactRow> = slugs
        .iter()
        .enumerate()
        .map(|(i, slug)| {
            let i = i as i64;
            let cost = (i % 3 == 0).then_some(1_000_000 * (i + 1));
            ExactRow {
                window: "launch+28".into(),
                from: d("2024-01-01"),
                to: d("2024-01-28"),
                series: slug.clone(),
                season: 1 + (i % 4) as u32,
                seconds: 3_600 * i + 17,
                views_milli: 1_000 * i + 3,
                viewers: 10 + i,
                completers: i % 10,
                completion_nano: (i * 7_919) % 1_000_000_000,
                view_share_nano: i % 1_000_000,
                avs: (i as i128) << 80,
                avs_share_nano: (i * 13) % 1_000_000,
                cost_micros: cost,
                cost_source: cost.map(|_| "Variety (reported)".to_string()),
                cost_share_nano: cost.map(|_| i % 1_000_000),
                efficiency_micro: cost.map(|_| i * 11),
                window_seconds: 9_000_000_000_000,
                window_weight: (1i128 << 100) + i as i128,
            }
        })
        .collect();
    let file = ExactFile {
        provenance: Provenance::new("A platform's content team", d("2025-03-04")).unwrap(),
        rows,
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.greenlight.csv");
    let mut bytes = Vec::new();
    greenlight_sources::exact::write(&file, &mut bytes).expect("every store slug is writable");
    std::fs::write(&path, bytes).unwrap();

    let v = json(&db, &["import", s(&path), "--json"]);
    let x = &v["exact_platform_metrics"][0];
    assert_eq!(x["outcome"], "imported");
    assert_eq!(x["rows"], slugs.len());
    assert_eq!(x["series"], slugs.len());
    // Shown exactly: the series whose slugs hold letters beyond ASCII (the slug rule's hard
    // case), and the first, middle and last.
    let mut shown: Vec<&str> = slugs
        .iter()
        .filter(|s| !s.is_ascii())
        .map(String::as_str)
        .collect();
    assert!(!shown.is_empty(), "the real data has slugs beyond ASCII");
    shown.extend([
        slugs[0].as_str(),
        slugs[slugs.len() / 2].as_str(),
        slugs[slugs.len() - 1].as_str(),
    ]);
    shown.sort_unstable();
    shown.dedup();
    let compared = assert_shown_exactly(
        &db,
        &path,
        &shown,
        "A platform's content team",
        "2025-03-04",
    );
    assert_eq!(compared, shown.len(), "one row per series shown");
}

#[test]
fn a_malformed_exact_metrics_file_is_refused_with_its_place_and_changes_nothing() {
    let db = common::store();
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(fixture()).unwrap();
    let lines: Vec<&str> = good.lines().collect();
    let with_line = |n: usize, text: &str| -> String {
        let mut l: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        l[n - 1] = text.to_string();
        l.join("\n") + "\n"
    };
    let header_without_avs = lines[3].replacen(",avs,", ",", 1);
    let cases = [
        (
            "bad-integer",
            with_line(6, &lines[5].replacen(",2210459873,", ",2210459x73,", 1)),
            "line 6, column `seconds`: `2210459x73` is not a decimal integer",
        ),
        (
            "missing-column",
            with_line(4, &header_without_avs),
            "line 4, column `avs`: missing required column `avs`",
        ),
        (
            "wrong-header",
            with_line(1, "# greenlight exact platform metrics v9"),
            "line 1: version `9` of the exact metrics file is not supported",
        ),
        (
            // A well-formed slug that no series has: refused where it is, not kept unseen.
            "unknown-series",
            with_line(7, &lines[6].replacen(",squid-game,", ",squid-games,", 1)),
            "line 7, column `series`: no series has the slug `squid-games`",
        ),
    ];
    // A real data file in the same call: it is not stored either.
    let data = greenlight_testkit::data_file("netflix-finance/arpu-by-region.csv");
    let before = dump(&db);
    for (name, text, want) in cases {
        let path = dir.path().join(format!("{name}.greenlight.csv"));
        std::fs::write(&path, text).unwrap();
        let err = fails(&db, &["import", s(&data), s(&path)]);
        assert!(
            err.contains(&format!("{}, {want}", path.display())),
            "{name}: {err}"
        );
        assert!(err.contains("nothing was changed"), "{name}: {err}");
        assert_eq!(
            dump(&db),
            before,
            "{name}: a refused import changed the store"
        );
    }
}
