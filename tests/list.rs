//! `greenlight list` on the real data (issue 13): one row per TV series, each exactly the body
//! `status SERIES --json` prints for it, for every series of the store, not a sample. The rows
//! come from the kept board (`report::tracker`), so each is held to a derivation from scratch
//! (`report::status`), before and after a claim that changes one of them; every filter is held
//! to the rows it should keep, computed here from the rows themselves (or, for the platform and
//! language, which are not in the body, from the store's raw rows with this test's own SQL).

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use greenlight_report::tracker;
use greenlight_store::{SeriesForm, Store};
use greenlight_testkit::data_dir;

fn json(db: &Path, args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_greenlight"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run greenlight");
    assert!(
        out.status.success(),
        "greenlight {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn list_rows_are_every_tv_series_status() {
    let db = tempfile::tempdir().unwrap().keep().join("all.db");
    let out = Command::new(env!("CARGO_BIN_EXE_greenlight"))
        .arg("--db")
        .arg(&db)
        .args(["--quiet", "import", data_dir().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let all = json(&db, &["list", "--json"]);
    let rows = all.as_array().expect("an array");
    let store = Store::open(&db).unwrap();
    let forms = store.series_forms().unwrap();
    let tv: BTreeSet<&str> = forms
        .iter()
        .filter(|(_, f)| **f == SeriesForm::Series)
        .map(|(s, _)| s.as_str())
        .collect();
    let slugs: Vec<&str> = rows
        .iter()
        .map(|r| r["series"]["slug"].as_str().expect("a slug"))
        .collect();
    assert_eq!(
        slugs.iter().copied().collect::<BTreeSet<_>>(),
        tv,
        "one row per TV series"
    );
    assert_eq!(slugs.len(), tv.len(), "no series twice");
    assert!(slugs.windows(2).all(|w| w[0] < w[1]), "by slug");

    // Every row is the status report of its series, as `status SERIES --json` prints it
    // (`greenlight_report::status`, serialized as is), compared as parsed JSON text.
    let mut awaiting_with_odds = 0;
    for (row, slug) in rows.iter().zip(&slugs) {
        let status = greenlight_report::status(&store, slug, None).unwrap();
        // Through JSON text, as the CLI prints it: the same digits read by the same parser.
        let printed: Value =
            serde_json::from_str(&serde_json::to_string(&status).unwrap()).unwrap();
        assert_eq!(*row, printed, "{slug}");
        if row["status"] == "awaiting_decision" && row["odds"]["probability"].is_number() {
            awaiting_with_odds += 1;
        }
    }
    assert!(
        awaiting_with_odds > 100,
        "{awaiting_with_odds} rows with odds"
    );
    // And through the binary, for the first row with odds and the first without.
    for pick in [
        rows.iter().find(|r| r["odds"]["probability"].is_number()),
        rows.iter().find(|r| r.get("odds").is_none()),
    ] {
        let r = pick.expect("such a row");
        let slug = r["series"]["slug"].as_str().unwrap();
        assert_eq!(json(&db, &["status", slug, "--json"]), *r, "{slug}");
    }

    // The filter keeps exactly the rows of that status; the odds sort puts the highest first.
    let canceled = json(&db, &["list", "--status", "canceled", "--json"]);
    let expected: Vec<&Value> = rows.iter().filter(|r| r["status"] == "canceled").collect();
    assert!(!expected.is_empty());
    assert_eq!(
        canceled.as_array().unwrap().iter().collect::<Vec<_>>(),
        expected
    );
    let by_odds = json(
        &db,
        &[
            "list",
            "--status",
            "awaiting_decision",
            "--sort",
            "odds",
            "--json",
        ],
    );
    let p: Vec<f64> = by_odds
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["odds"]["probability"].as_f64())
        .collect();
    assert_eq!(p.len(), awaiting_with_odds);
    assert!(p.windows(2).all(|w| w[0] >= w[1]), "highest odds first");

    // A second list reads the kept board: nothing is derived again, the same rows.
    assert_eq!(
        tracker::refresh(&store).unwrap().derived,
        0,
        "the board was kept by the first list"
    );
    assert_eq!(json(&db, &["list", "--json"]), all, "the kept board");

    // The filters, each held to the rows it should keep.
    let today = greenlight_ledger::today();
    let latest = |r: &Value| -> Option<chrono::NaiveDate> {
        r["seasons"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|o| o["premiered_on"].as_str())
            .filter_map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .max()
    };
    let slugs_of = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["series"]["slug"].as_str().unwrap().to_string())
            .collect()
    };
    let after = "2024-01-01";
    let expected: Vec<String> = rows
        .iter()
        .filter(|r| latest(r).is_some_and(|d| d.to_string().as_str() > after))
        .map(|r| r["series"]["slug"].as_str().unwrap().to_string())
        .collect();
    assert!(!expected.is_empty() && expected.len() < rows.len());
    assert_eq!(
        slugs_of(&json(&db, &["list", "--premiered-after", after, "--json"])),
        expected,
        "--premiered-after"
    );
    let expected: Vec<String> = rows
        .iter()
        .filter(|r| r["status"] == "awaiting_decision")
        .filter(|r| latest(r).is_some_and(|d| (today - d).num_days() > 90))
        .map(|r| r["series"]["slug"].as_str().unwrap().to_string())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(
        slugs_of(&json(
            &db,
            &["list", "--awaiting-longer-than", "90d", "--json"]
        )),
        expected,
        "--awaiting-longer-than 90d"
    );
    assert_eq!(
        slugs_of(&json(
            &db,
            &["list", "--awaiting-longer-than", "13w", "--json"]
        )),
        rows.iter()
            .filter(|r| r["status"] == "awaiting_decision")
            .filter(|r| latest(r).is_some_and(|d| (today - d).num_days() > 91))
            .map(|r| r["series"]["slug"].as_str().unwrap().to_string())
            .collect::<Vec<_>>(),
        "--awaiting-longer-than 13w"
    );
    // Platform and language from the raw rows, by this test's own queries.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let on_board: BTreeSet<&str> = slugs.iter().copied().collect();
    let query = |sql: &str| -> BTreeSet<String> {
        let mut st = conn.prepare(sql).unwrap();
        st.query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(|r| r.unwrap())
            .filter(|s| on_board.contains(s.as_str()))
            .collect()
    };
    let netflix = query(
        "SELECT DISTINCT s.slug FROM tmdb_shows m JOIN titles t ON t.id = m.title_id
         JOIN series s ON s.id = t.series_id WHERE lower(m.network) = 'netflix'",
    );
    assert!(!netflix.is_empty());
    let listed = slugs_of(&json(&db, &["list", "--platform", "NETFLIX", "--json"]));
    assert_eq!(
        listed.iter().cloned().collect::<BTreeSet<_>>(),
        netflix,
        "--platform"
    );
    // Charted only in the non-English TV list (a series in both goes by its most weeks, so
    // the mixed ones are checked as a bound only).
    let non_english_only = query(
        "SELECT s.slug FROM chart_weeks c JOIN titles t ON t.id = c.title_id
         JOIN series s ON s.id = t.series_id WHERE c.category LIKE 'TV (%'
         GROUP BY s.slug HAVING min(c.category) = 'TV (Non-English)'",
    );
    let any_non_english = query(
        "SELECT DISTINCT s.slug FROM chart_weeks c JOIN titles t ON t.id = c.title_id
         JOIN series s ON s.id = t.series_id WHERE c.category = 'TV (Non-English)'",
    );
    let listed: BTreeSet<String> =
        slugs_of(&json(&db, &["list", "--language", "non_english", "--json"]))
            .into_iter()
            .collect();
    assert!(!non_english_only.is_empty());
    assert!(
        non_english_only.is_subset(&listed) && listed.is_subset(&any_non_english),
        "--language non_english"
    );

    // A claim changes its series' row at once, and only that row is derived again.
    let target = rows
        .iter()
        .find(|r| r["status"] == "awaiting_decision" && r["odds"]["probability"].is_number())
        .unwrap();
    let slug = target["series"]["slug"].as_str().unwrap();
    let next = target["next_season"].as_u64().unwrap().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_greenlight"))
        .arg("--db")
        .arg(&db)
        .args([
            "--quiet",
            "claim",
            "add",
            "--kind",
            "season_renewed",
            "--series",
            slug,
            "--season",
            &next,
            "--published",
            "2026-01-05",
            "--source-name",
            "Netflix",
            "--source-kind",
            "platform",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        tracker::refresh(&store).unwrap(),
        tracker::Refreshed::default(),
        "the claim's command refreshed the board"
    );
    let after_claim = json(&db, &["list", "--json"]);
    let after_rows = after_claim.as_array().unwrap();
    assert_eq!(after_rows.len(), rows.len());
    let mut differing = Vec::new();
    for (old, new) in rows.iter().zip(after_rows) {
        if old != new {
            differing.push(new["series"]["slug"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(
        differing,
        vec![slug.to_string()],
        "only the claimed series changed"
    );
    let changed = after_rows
        .iter()
        .find(|r| r["series"]["slug"] == slug)
        .unwrap();
    assert_eq!(changed["status"], "renewed");
    let fresh = greenlight_report::status(&store, slug, None).unwrap();
    let printed: Value = serde_json::from_str(&serde_json::to_string(&fresh).unwrap()).unwrap();
    assert_eq!(*changed, printed, "{slug} after the claim");
    assert_eq!(json(&db, &["status", slug, "--json"]), *changed);
}
