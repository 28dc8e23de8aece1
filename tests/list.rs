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

mod common;

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

    // GET /api/v1/series: the same rows, a page at a time, beside `list` on the same store.
    let served = common::serve(&db);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let get = |path: &str, etag: Option<&str>| -> (u16, Option<String>, String) {
        let mut req = agent.get(&format!("{}{path}", served.1));
        if let Some(e) = etag {
            req = req.header("If-None-Match", e);
        }
        let mut r = req.call().expect("request");
        let etag = r
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        (
            r.status().as_u16(),
            etag,
            r.body_mut().read_to_string().unwrap_or_default(),
        )
    };
    // Every page, in each order (ties by slug across page ends: the odds sort has thousands of
    // rows without odds), concatenated, is `list --json` in that order, row for row.
    let pages = |query: &str, limit: usize| -> Vec<Value> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..=rows.len() / limit + 1 {
            let path = match &cursor {
                Some(c) => format!("/api/v1/series?{query}&limit={limit}&cursor={c}"),
                None => format!("/api/v1/series?{query}&limit={limit}"),
            };
            let (code, _, body) = get(&path, None);
            assert_eq!(code, 200, "{path}: {body}");
            let page: Value = serde_json::from_str(&body).unwrap();
            let items = page["items"].as_array().unwrap();
            assert!(items.len() <= limit);
            out.extend(items.iter().cloned());
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => return out,
            }
        }
        panic!("{query}: more pages than rows");
    };
    for (query, args, limit) in [
        ("sort=slug", vec!["list", "--json"], 997),
        ("sort=odds", vec!["list", "--sort", "odds", "--json"], 1000),
        (
            "sort=waiting",
            vec!["list", "--sort", "waiting", "--json"],
            1000,
        ),
        (
            "status=canceled&sort=premiere",
            vec![
                "list", "--status", "canceled", "--sort", "premiere", "--json",
            ],
            7,
        ),
        (
            "platform=netflix&language=english&sort=hours",
            vec![
                "list",
                "--platform",
                "netflix",
                "--language",
                "english",
                "--sort",
                "hours",
                "--json",
            ],
            50,
        ),
        (
            "awaiting_longer_than=90d&premiered_after=2023-01-01",
            vec![
                "list",
                "--awaiting-longer-than",
                "90d",
                "--premiered-after",
                "2023-01-01",
                "--json",
            ],
            10,
        ),
    ] {
        let listed = json(&db, &args);
        let listed = listed.as_array().unwrap();
        assert!(!listed.is_empty(), "{args:?}");
        assert_eq!(pages(query, limit), *listed, "{query} pages vs {args:?}");
    }
    // Bad parameters are 400 problems naming the parameter.
    for (path, name) in [
        ("/api/v1/series?cursor=zz", "cursor"),
        ("/api/v1/series?cursor=31", "cursor"),
        ("/api/v1/series?limit=0", "limit"),
        ("/api/v1/series?limit=1001", "limit"),
        (
            "/api/v1/series?awaiting_longer_than=90",
            "awaiting_longer_than",
        ),
        ("/api/v1/series?status=sleeping", "status"),
        ("/api/v1/series?sort=alphabet", "sort"),
        (
            "/api/v1/series?premiered_after=2023-13-01",
            "premiered_after",
        ),
    ] {
        let (code, _, body) = get(path, None);
        assert_eq!(code, 400, "{path}: {body}");
        assert!(body.contains(&format!("`{name}`")), "{path}: {body}");
    }
    // A cursor of one order is refused by another.
    let first: Value =
        serde_json::from_str(&get("/api/v1/series?sort=odds&limit=1", None).2).unwrap();
    let c = first["next_cursor"].as_str().unwrap();
    assert_eq!(
        get(&format!("/api/v1/series?sort=hours&cursor={c}"), None).0,
        400
    );

    // ETags: the same request again is a 304; after a claim through the API, the ETag changes
    // and the claimed series' row has changed at once, in the route and in `list`.
    let all_path = "/api/v1/series?status=awaiting_decision&limit=1000&sort=odds";
    let (code, etag, body) = get(all_path, None);
    assert_eq!(code, 200);
    let etag = etag.expect("an ETag");
    let (code, _, again) = get(all_path, Some(&etag));
    assert_eq!(code, 304);
    assert!(again.is_empty());
    let before: Value = serde_json::from_str(&body).unwrap();
    let target = before["items"][0].clone();
    let slug = target["series"]["slug"].as_str().unwrap().to_string();
    let next = target["next_season"].as_u64().unwrap();
    let token = String::from_utf8(
        Command::new(env!("CARGO_BIN_EXE_greenlight"))
            .arg("--db")
            .arg(&db)
            .args(["--quiet", "token", "create", "list-test"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .to_string();
    let claim = serde_json::json!({
        // Canceled after the season out: the question the odds were about, answered.
        "kind": "canceled", "series": slug, "season": next - 1,
        "published": "2026-02-01", "source": {"name": "Netflix", "kind": "platform"}
    });
    let mut r = agent
        .post(&format!("{}/api/v1/claims", served.1))
        .header("Content-Type", "application/json")
        .header("Authorization", &format!("Bearer {token}"))
        .send(claim.to_string())
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        201,
        "{}",
        r.body_mut().read_to_string().unwrap_or_default()
    );
    let (code, etag2, body) = get(all_path, Some(&etag));
    assert_eq!(code, 200, "the claim changed the board");
    assert_ne!(etag2.as_deref(), Some(etag.as_str()));
    let after: Value = serde_json::from_str(&body).unwrap();
    assert!(
        after["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["series"]["slug"] != slug.as_str()),
        "{slug} no longer awaits a decision"
    );
    let listed = json(&db, &["list", "--json"]);
    let in_list = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["series"]["slug"] == slug.as_str())
        .unwrap()
        .clone();
    assert_eq!(in_list["status"], "canceled", "{slug} in list");
    assert_eq!(in_list, json(&db, &["status", &slug, "--json"]));
    let fresh = greenlight_report::status(&store, &slug, None).unwrap();
    let printed: Value = serde_json::from_str(&serde_json::to_string(&fresh).unwrap()).unwrap();
    assert_eq!(in_list, printed, "{slug} after the API claim");
    assert_eq!(pages("sort=slug", 1000), *listed.as_array().unwrap());

    // An announcement re-derives exactly the rows that can have changed: its own series', and,
    // when it moves the odds' fingerprint (a training label, the "when" curves), the rows that
    // read it (kept with evidence `o:`: odds, an abstaining cut-off, a premiere window), never
    // the rest of the board; either way every row is then a derivation from scratch. The
    // series: the last awaiting one with odds by slug (the web test's choice), and the first
    // awaiting one with odds whose series the ledger already has announcements about.
    let mut store = store;
    let today = greenlight_ledger::today().to_string();
    let ledger_slugs: BTreeSet<String> = greenlight_ledger::claimed_slugs(&store)
        .unwrap()
        .into_iter()
        .collect();
    let awaiting_with_odds: Vec<&Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "awaiting_decision" && r["odds"]["probability"].is_number())
        .collect();
    let picks = [
        awaiting_with_odds.last().copied(),
        awaiting_with_odds
            .iter()
            .find(|r| ledger_slugs.contains(r["series"]["slug"].as_str().unwrap()))
            .copied(),
    ];
    let mut saw = BTreeSet::new();
    for r in picks.into_iter().flatten() {
        let slug = r["series"]["slug"].as_str().unwrap().to_string();
        let next = r["next_season"].as_u64().unwrap();
        let heads = store.kept_status_heads().unwrap();
        let reading = heads
            .iter()
            .filter(|k| k.evidence.starts_with("o:"))
            .count();
        let own_reads = heads
            .iter()
            .any(|k| k.slug == slug && k.evidence.starts_with("o:"));
        let fp = greenlight_odds::kept::fingerprint(&store).unwrap();
        let raw: greenlight_ledger::RawClaim = serde_json::from_value(serde_json::json!({
            "kind": "season_renewed", "series": slug, "season": next,
            "event_date": today, "published": today,
            "source": {"name": "List Test Daily", "kind": "trade_press",
                       "url": format!("https://example.org/list-test/{slug}")}
        }))
        .unwrap();
        greenlight_ledger::add_raw_claim(&mut store, raw).unwrap();
        let moved = greenlight_odds::kept::fingerprint(&store).unwrap() != fp;
        let refreshed = tracker::refresh(&store).unwrap();
        let expected = if moved {
            reading + usize::from(!own_reads)
        } else {
            1
        };
        assert_eq!(
            refreshed.derived, expected,
            "{slug}: fingerprint moved: {moved}"
        );
        assert!(
            refreshed.derived < rows.len(),
            "{slug}: not the whole board"
        );
        saw.insert(moved);
        let kept = json(&db, &["list", "--json"]);
        let scratch: Vec<Value> = greenlight_report::list(&store)
            .unwrap()
            .iter()
            .map(|v| serde_json::from_str(&serde_json::to_string(v).unwrap()).unwrap())
            .collect();
        assert_eq!(
            *kept.as_array().unwrap(),
            scratch,
            "{slug}: the board is a derivation from scratch"
        );
        let mine = scratch
            .iter()
            .find(|v| v["series"]["slug"] == slug.as_str())
            .unwrap();
        assert_eq!(mine["status"], "renewed", "{slug}");
    }
    // The real data has both kinds (if it ever had one only, this says so, rather than
    // silently testing half).
    assert_eq!(saw.len(), 2, "fingerprint moved: {saw:?}");
}
