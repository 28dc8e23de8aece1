//! `greenlight list` on the real data (issue 13): one row per TV series, each exactly the body
//! `status SERIES --json` prints for it, for every series of the store, not a sample.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

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
}
