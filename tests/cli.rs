//! The `greenlight` binary, end to end on the real data: the issue's acceptance commands, and a
//! corpus of malformed inputs that must each fail with a located message and change nothing.

mod common;

use common::serve;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use greenlight_testkit::{data_dir, dump};

fn greenlight(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_greenlight"))
        .arg("--db")
        .arg(db)
        .arg("--quiet")
        .args(args)
        .output()
        .unwrap()
}

fn json(db: &Path, args: &[&str]) -> Value {
    let out = greenlight(db, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Held by the tests that compute odds (a prediction and a whole backtest per status that
/// awaits a decision), so they do not run at once: on two cores, two of them together slowed
/// the served status route past the web's request timeout (408).
fn heavy() -> std::sync::MutexGuard<'static, ()> {
    static HEAVY: std::sync::Mutex<()> = std::sync::Mutex::new(());
    // A failed test poisons the lock; the next one may still run.
    HEAVY.lock().unwrap_or_else(|e| e.into_inner())
}

/// A store with all of `../shared/data` imported through the CLI, once per test binary.
fn imported() -> &'static PathBuf {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        let db = tempfile::tempdir().unwrap().keep().join("all.db");
        let out = greenlight(&db, &["import", data_dir().to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        db
    })
}

#[test]
fn hours_for_partner_track_window() {
    let v = json(
        imported(),
        &[
            "hours",
            "Partner Track",
            "--season",
            "1",
            "--from",
            "2022-08-21",
            "--to",
            "2022-09-11",
            "--json",
        ],
    );
    assert_eq!(v["hours"], 66_010_000);
    let weeks: Vec<&str> = v["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["week_end"].as_str().unwrap())
        .collect();
    assert_eq!(weeks, ["2022-08-28", "2022-09-04", "2022-09-11"]);
    assert_eq!(v["excluded_weeks"].as_array().unwrap().len(), 0);
    // A window that cuts a week in half excludes it and says so.
    let v = json(
        imported(),
        &[
            "hours",
            "Partner Track",
            "--season",
            "1",
            "--from",
            "2022-08-24",
            "--to",
            "2022-09-11",
            "--json",
        ],
    );
    assert_eq!(v["hours"], 66_010_000 - 16_660_000);
    assert_eq!(v["excluded_weeks"][0]["week_end"], "2022-08-28");
}

#[test]
fn show_partner_track() {
    let v = json(imported(), &["show", "Partner Track", "--json"]);
    assert_eq!(v["series"]["title"], "Partner Track");
    let seasons = v["seasons"].as_array().unwrap();
    let s1 = seasons.iter().find(|s| s["number"] == 1).expect("season 1");
    assert_eq!(s1["top10"]["weeks"], 3);
    assert_eq!(s1["top10"]["peak_rank"], 4);
    assert_eq!(s1["top10"]["total_hours"], 66_010_000);
    let eng = s1["engagement"].as_array().unwrap();
    let report = |r: &str| {
        eng.iter()
            .find(|e| e["report"] == r)
            .unwrap_or_else(|| panic!("no {r} row"))
    };
    assert_eq!(report("2023H1")["hours"], 22_700_000);
    assert_eq!(report("2023H2")["hours"], 10_600_000);
    assert_eq!(report("2023H2")["views"], 1_400_000);
    for r in ["2024H1", "2024H2", "2025H1"] {
        assert!(report(r)["hours"].as_i64().unwrap() > 0);
    }
    // Any spelling of the series or a season finds the same series.
    for spelling in ["partner track", "Partner Track: Season 1", "partner-track"] {
        assert_eq!(
            json(imported(), &["show", spelling, "--json"])["series"]["slug"],
            "partner-track",
            "{spelling}"
        );
    }
}

#[test]
fn search_ranks_exact_spellings_first_and_finds_native_titles() {
    let v = json(imported(), &["search", "squid game", "--json"]);
    assert_eq!(v[0]["series"]["title"], "Squid Game");
    let v = json(imported(), &["search", "오징어 게임", "--json"]);
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|h| h["series"]["title"] == "Squid Game"),
        "{v}"
    );
}

/// Writes `name` with `bytes` into `dir` and returns its path.
fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

const TOP10: &str = "week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\truntime\tweekly_views\tcumulative_weeks_in_top_10\n";

/// (file name, content, text the location must contain). Each is one kind of bad input.
fn corpus(dir: &Path) -> Vec<(PathBuf, &'static str)> {
    let good_row =
        "2022-08-28\tTV (English)\t7\tPartner Track\tPartner Track: Season 1\t16660000\t\t\t1\n";
    let mut v = vec![
        (write(dir, "empty.tsv", b""), "empty"),
        (write(dir, "header-only.tsv", TOP10.as_bytes()), "no data rows"),
        (write(dir, "truncated-row.tsv", format!("{TOP10}{good_row}2022-08-28\tTV (English)\t8\tX\n").as_bytes()), "line 3"),
        (write(dir, "not-utf8.tsv", [TOP10.as_bytes(), b"2022-08-28\tTV (English)\t7\tPartner \xff\tN/A\t1\t\t\t1\n"].concat().as_slice()), "line 2"),
        (write(dir, "hours-not-number.tsv", format!("{TOP10}2022-08-28\tTV (English)\t7\tX\tN/A\t12x\t\t\t1\n").as_bytes()), "weekly_hours_viewed"),
        (write(dir, "hours-negative.tsv", format!("{TOP10}2022-08-28\tTV (English)\t7\tX\tN/A\t-5\t\t\t1\n").as_bytes()), "weekly_hours_viewed"),
        (write(dir, "rank-zero.tsv", format!("{TOP10}2022-08-28\tTV (English)\t0\tX\tN/A\t5\t\t\t1\n").as_bytes()), "weekly_rank"),
        (write(dir, "bad-date.tsv", format!("{TOP10}2022-13-45\tTV (English)\t1\tX\tN/A\t5\t\t\t1\n").as_bytes()), "week"),
        (write(dir, "bad-category.tsv", format!("{TOP10}2022-08-28\tTV (Klingon)\t1\tX\tN/A\t5\t\t\t1\n").as_bytes()), "category"),
        (write(dir, "empty-title.tsv", format!("{TOP10}2022-08-28\tTV (English)\t1\t\tN/A\t5\t\t\t1\n").as_bytes()), "show_title"),
        (write(dir, "duplicate-rank.tsv", format!("{TOP10}{good_row}{good_row}").as_bytes()), "line 3"),
        (write(dir, "unknown-header.csv", b"a,b,c\n1,2,3\n"), "unrecognised"),
        (write(dir, "tmdb-bad-bool.csv", b"name,number_of_seasons,vote_count,vote_average,popularity,network1,first_air_date,last_air_date,status,renewed,show_duration\nX,1,1,5.0,1.0,HBO,2020-01-01,2020-02-01,Ended,MAYBE,31\n"), "renewed"),
        (write(dir, "credits-extra-field.csv", b"person_id,id,name,character,role\n1,tm1,A,B,ACTOR,extra\n"), "line 2"),
        (write(dir, "countries-bad-rank.tsv", b"country_name\tcountry_iso2\tweek\tcategory\tweekly_rank\tshow_title\tseason_title\tcumulative_weeks_in_top_10\nArgentina\tAR\t2022-02-27\tFilms\tfirst\tX\tN/A\t1\n"), "weekly_rank"),
        (write(dir, "arpu-by-region.bad-number.csv", b"Year,US and Canada,EMEA,Latin America,Asia-Pacific\n2018,11.28,lots,7.53,9.19\n"), "EMEA"),
        (write(dir, "zip-not-workbook.xlsx", b"PK\x03\x04 this is not a workbook at all"), "zip-not-workbook.xlsx"),
    ];
    // A real workbook cut in half (a download that stopped), and a real TSV cut mid-row.
    let wb =
        std::fs::read(data_dir().join(
            "netflix-engagement/What_We_Watched_A_Netflix_Engagement_Report_2023Jul-Dec.xlsx",
        ))
        .unwrap();
    v.push((
        write(dir, "truncated.xlsx", &wb[..wb.len() / 2]),
        "truncated.xlsx",
    ));
    let tsv = std::fs::read(data_dir().join("netflix-top10/all-weeks-global.tsv")).unwrap();
    let cut = tsv.len() / 2;
    let cut = cut + tsv[cut..].iter().position(|b| *b == b'\t').unwrap() + 1; // stop just after a tab
    v.push((write(dir, "truncated.tsv", &tsv[..cut]), "line "));
    let jw = b"id,title,type,release_year,age_certification,runtime,genres,production_countries,seasons,imdb_id,imdb_score,imdb_votes,tmdb_popularity,tmdb_score\nts1,X,SHOW,20x1,,,[],[],1,,,,,\n";
    v.push((write(dir, "justwatch-bad-year.csv", jw), "release_year"));
    v
}

#[test]
fn malformed_inputs_fail_with_location_and_change_nothing() {
    let db = imported();
    let before = json(db, &["stats", "--json"]);
    let dir = tempfile::tempdir().unwrap();
    let cases = corpus(dir.path());
    assert!(cases.len() >= 15);
    for (path, location) in &cases {
        let out = greenlight(db, &["import", path.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(!out.status.success(), "{name}: import succeeded");
        assert!(
            err.contains(name),
            "{name}: message doesn't name the file: {err}"
        );
        assert!(
            err.contains(location),
            "{name}: message doesn't contain {location:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert_eq!(
            json(db, &["stats", "--json"]),
            before,
            "{name} changed the store"
        );
    }
}

#[test]
fn one_bad_file_in_a_call_stores_none_of_the_call() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fresh.db");
    let empty = json(&db, &["stats", "--json"]);
    let bad = write(
        dir.path(),
        "rank-zero.tsv",
        format!("{TOP10}2022-08-28\tTV (English)\t0\tX\tN/A\t5\t\t\t1\n").as_bytes(),
    );
    let good = data_dir().join("netflix-top10/most-popular.tsv");
    // Credits are stored while the other files parse; the bad file must undo that too.
    let credits = data_dir().join("justwatch/credits.csv");
    let out = greenlight(
        &db,
        &[
            "import",
            good.to_str().unwrap(),
            credits.to_str().unwrap(),
            bad.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert_eq!(json(&db, &["stats", "--json"]), empty);
}

#[test]
fn status_of_partner_track_point_in_time() {
    let v = json(imported(), &["status", "Partner Track", "--json"]);
    assert_eq!(v["status"], "canceled");
    assert_eq!(v["decided_on"], "2022-11-08");
    assert_eq!(v["next_season"], 2);
    assert!(
        v["contradictions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.to_string().contains("season 2")),
        "{}",
        v["contradictions"]
    );
    assert_eq!(
        json(
            imported(),
            &["status", "Partner Track", "--as-of", "2022-10-01", "--json"]
        )["status"],
        "awaiting_decision"
    );
    assert_eq!(
        json(
            imported(),
            &["status", "Partner Track", "--as-of", "2021-10-01", "--json"]
        )["status"],
        "ordered"
    );
}

#[test]
fn a_bad_claim_is_refused_and_changes_nothing() {
    let db = imported();
    let before = json(db, &["timeline", "Partner Track", "--json"]);
    let base = [
        "claim",
        "add",
        "--series",
        "Partner Track",
        "--published",
        "2023-01-01",
        "--source-name",
        "t",
        "--source-kind",
        "fan_site",
    ];
    for extra in [
        &["--kind", "season_renewed", "--season", "0"][..],
        &[
            "--kind",
            "premiered",
            "--season",
            "4294967295",
            "--event-date",
            "2022-08-26",
        ][..],
        &[
            "--kind",
            "canceled",
            "--season",
            "1",
            "--event-date",
            "2024-01-01",
        ][..],
        &[
            "--kind",
            "season_renewed",
            "--season",
            "2",
            "--series",
            "No Such Show Anywhere",
        ][..],
    ] {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        let out = greenlight(db, &args);
        assert!(!out.status.success(), "{extra:?} was accepted");
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
    assert_eq!(json(db, &["timeline", "Partner Track", "--json"]), before);
}

#[test]
fn awaiting_decision_status_carries_odds_and_the_backtest() {
    let _heavy = heavy();
    let v = json(
        imported(),
        &["status", "Partner Track", "--as-of", "2022-10-15", "--json"],
    );
    assert_eq!(v["status"], "awaiting_decision");
    let p = v["odds"]["probability"].as_f64().expect("odds");
    assert!((0.0..=1.0).contains(&p));
    assert_eq!(v["odds"]["season"], 1);
    assert_eq!(v["odds"]["as_of"], "2022-10-15");
    assert!(v["odds"]["backtest_auc"].as_f64().is_some());
    // A decided status has no odds.
    assert!(json(imported(), &["status", "Partner Track", "--json"])
        .get("odds")
        .is_none());
    // predict: open on 2022-10-15 (a probability), decided today (the decision, no probability).
    let open = json(
        imported(),
        &[
            "predict",
            "Partner Track",
            "--season",
            "1",
            "--as-of",
            "2022-10-15",
            "--json",
        ],
    );
    assert!(open["decided"].is_null());
    assert!(open["probability"]
        .as_f64()
        .is_some_and(|p| (0.0..=1.0).contains(&p)));
    let decided = json(
        imported(),
        &["predict", "Partner Track", "--season", "1", "--json"],
    );
    assert_eq!(decided["decided"]["decision"], "canceled");
    assert_eq!(decided["decided"]["season"], 2);
    assert!(decided.get("probability").is_none(), "{decided}");
}

/// One answer per question: every CLI read command with an API route prints, with `--json`,
/// exactly the API's body for the same arguments (parsed, so whitespace aside, byte for byte).
#[test]
fn cli_json_equals_the_api_body() {
    let _heavy = heavy();
    let db = imported();
    let server = serve(db);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let cases: &[(&[&str], &str)] = &[
        (
            &["status", "Partner Track", "--as-of", "2022-10-15"],
            "/api/v1/series/partner-track/status?as_of=2022-10-15",
        ),
        (
            &["status", "Partner Track"],
            "/api/v1/series/partner-track/status",
        ),
        (
            &["status", "Stranger Things"],
            "/api/v1/series/stranger-things/status",
        ),
        (
            &["status", "Wednesday", "--as-of", "2025-07-30"],
            "/api/v1/series/wednesday/status?as_of=2025-07-30",
        ),
        (&["timeline", "1899"], "/api/v1/series/1899/timeline"),
        (
            &["cast", "Partner Track"],
            "/api/v1/series/partner-track/cast",
        ),
        (
            &["reception", "Partner Track"],
            "/api/v1/series/partner-track/reception",
        ),
        (
            &[
                "hours",
                "Partner Track",
                "--season",
                "1",
                "--from",
                "2022-08-21",
                "--to",
                "2022-09-11",
            ],
            "/api/v1/series/partner-track/hours?season=1&from=2022-08-21&to=2022-09-11",
        ),
        // Every other CLI read command with a GET route (crates/web/src/lib.rs): search, series
        // (`show`), and more of each of the above; `chart` has no CLI command.
        (
            &["search", "squid game", "--limit", "5"],
            "/api/v1/search?q=squid%20game&limit=5",
        ),
        (
            &["search", "partner", "--limit", "20"],
            "/api/v1/search?q=partner",
        ),
        (&["show", "Partner Track"], "/api/v1/series/partner-track"),
        (&["show", "Squid Game"], "/api/v1/series/Squid%20Game"),
        (
            &["hours", "Partner Track"],
            "/api/v1/series/partner-track/hours",
        ),
        (
            &["hours", "Stranger Things", "--season", "4"],
            "/api/v1/series/stranger-things/hours?season=4",
        ),
        (
            &["timeline", "Partner Track"],
            "/api/v1/series/partner-track/timeline",
        ),
        (
            &["cast", "Stranger Things"],
            "/api/v1/series/stranger-things/cast",
        ),
        (&["cast", "wednesday"], "/api/v1/series/wednesday/cast"),
        (
            &["reception", "Stranger Things"],
            "/api/v1/series/stranger-things/reception",
        ),
        (&["status", "Wednesday"], "/api/v1/series/wednesday/status"),
    ];
    for (args, route) in cases {
        let mut a: Vec<&str> = args.to_vec();
        a.push("--json");
        let cli = json(db, &a);
        let mut r = agent.get(&format!("{}{route}", server.1)).call().unwrap();
        assert_eq!(r.status(), 200, "{route}");
        let api: Value = r.body_mut().read_json().unwrap();
        assert_eq!(cli, api, "{args:?} vs {route}");
    }
}

fn count(db: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

const ANNOUNCEMENTS: &str = "announcements/netflix-announcements.toml";

/// Files a folder import must take as data: every .tsv/.csv/.xlsx below it.
fn data_files_below(dir: &Path) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("tsv" | "csv" | "xlsx")
            ) {
                out.insert(p.display().to_string());
            }
        }
    }
    out
}

/// Issue 10, item 1: `greenlight import ../shared/data` takes every file of the folder in one
/// call (the data, the announcements claims file with its two declared series, the manifest's
/// dates) on a fresh store; a second call finds everything there and changes nothing.
#[test]
fn one_call_imports_the_whole_folder_and_a_second_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fresh.db");
    let data = data_dir();
    let data_s = data.to_str().unwrap();
    let v = json(&db, &["import", data_s, "--json"]);
    let files: std::collections::BTreeSet<String> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        files,
        data_files_below(&data),
        "every data file, nothing else"
    );
    let announcements = data.join(ANNOUNCEMENTS).display().to_string();
    assert_eq!(
        v["claims"],
        serde_json::json!([{
            "file": announcements,
            "format": "toml",
            "claims": 279,
            "added": 279,
            "already_present": 0,
            "series_declared": ["mindhunter", "the-oa"],
        }])
    );
    assert!(
        !v.to_string().contains("MANIFEST"),
        "the manifest is no data or claims file"
    );
    // Exactly the file's 279 claims beside the starter catalog's, each naming a stored series.
    let from_file = format!("SELECT count(*) FROM ledger_claims WHERE origin = '{announcements}'");
    assert_eq!(count(&db, &from_file), 279);
    assert_eq!(
        count(
            &db,
            &format!(
                "SELECT count(DISTINCT hash) FROM ledger_claims WHERE origin = '{announcements}'"
            )
        ),
        279
    );
    assert_eq!(
        count(
            &db,
            &format!("SELECT count(*) FROM ledger_claims WHERE origin NOT IN ('{announcements}', 'starter/partner-track.toml')")
        ),
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM ledger_claims l WHERE NOT EXISTS (SELECT 1 FROM series s WHERE s.slug = l.series_slug)"
        ),
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM series WHERE slug IN ('mindhunter', 'the-oa') AND kind = 'tv'"
        ),
        2
    );
    assert_eq!(
        count(
            &db,
            &format!("SELECT count(*) FROM ledger_series WHERE slug IN ('mindhunter', 'the-oa') AND origin = '{announcements}'")
        ),
        2
    );

    // Again: every file unchanged (the older Top 10 snapshot still older), every claim present,
    // not one row of any table different.
    let before = dump(&db);
    let out = greenlight(&db, &["import", data_s]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for line in text.lines().filter(|l| l.contains(" rows ")) {
        assert!(
            line.ends_with("(unchanged)") || line.contains("(skipped: older"),
            "{line}"
        );
    }
    let claims_line = format!(
        "279       claims  ledger               {announcements}  (0 added, 279 already present; 2 series declared)"
    );
    assert!(text.lines().any(|l| l == claims_line), "{text}");
    assert_eq!(dump(&db), before, "a second import changed the store");
}

/// A bad claims file in a call with the whole data folder refuses the call: nothing of the data
/// is stored either, and the error names the file and the line of each bad claim.
#[test]
fn a_bad_claims_file_rolls_back_the_data_of_its_call() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fresh.db");
    let _ = json(&db, &["stats", "--json"]);
    let before = dump(&db);
    let bad = write(
        dir.path(),
        "bad-claims.toml",
        b"[defaults]\nentered_by = \"test\"\nsource = { name = \"x\", kind = \"fan_site\" }\npublished = 2023-01-15\n\n\
[[claims]]\nkind = \"canceled\"\nseries = \"Wednesday\"\nseason = 1\n\n\
[[claims]]\nkind = \"season_renewed\"\nseries = \"Wednesday\"\nseason = 0\n\n\
[[claims]]\nkind = \"canceled\"\nseries = \"No Such Show Anywhere\"\nseason = 1\n",
    );
    let out = greenlight(
        &db,
        &[
            "import",
            data_dir().to_str().unwrap(),
            bad.to_str().unwrap(),
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the call succeeded");
    assert!(err.contains("nothing was changed"), "{err}");
    let name = bad.display().to_string();
    // Claim #2 (season 0) starts on line 11, claim #3 (an unknown series) on line 16; the first
    // is good, since the call's data has Wednesday.
    assert!(
        err.contains(&format!(
            "{name}:11 (claim #2) [season_renewed] field `season`"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{name}:16 (claim #3) [canceled] field `series`: no series matches \"No Such Show Anywhere\""
        )),
        "{err}"
    );
    assert!(!err.contains("(claim #1)"), "{err}");
    assert_eq!(dump(&db), before, "a refused call changed the store");
}

/// A good claims file (with a declared series), a good alias file and a corrupt data file in one
/// call: the corrupt file refuses the call, so no claim, alias or declaration is stored; then a
/// bad alias file refuses a call of good files.
#[test]
fn a_corrupt_data_or_alias_file_stores_no_claims() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fresh.db");
    let _ = json(&db, &["stats", "--json"]);
    let before = dump(&db);
    let good = write(
        dir.path(),
        "good-claims.toml",
        b"[[series]]\ntitle = \"A Show Nobody Has Data For\"\n\n[defaults]\nentered_by = \"test\"\nsource = { name = \"x\", kind = \"fan_site\" }\npublished = 2023-01-15\n\n\
[[claims]]\nkind = \"canceled\"\nseries = \"A Show Nobody Has Data For\"\nseason = 1\n\n\
[[claims]]\nkind = \"canceled\"\nseries = \"Most Popular Test Show\"\nseason = 1\n",
    );
    let data = write(
        dir.path(),
        "data.tsv",
        format!("{TOP10}2022-08-28\tTV (English)\t1\tMost Popular Test Show\tN/A\t5\t\t\t1\n")
            .as_bytes(),
    );
    let aliases = write(
        dir.path(),
        "aliases.tsv",
        b"spelling\tseries\tseason\nMost Popular Test Show\tMost Popular Test Show\t\n",
    );
    let corrupt = write(
        dir.path(),
        "rank-zero.tsv",
        format!("{TOP10}2022-08-28\tTV (English)\t0\tX\tN/A\t5\t\t\t1\n").as_bytes(),
    );
    let all = |extra: &Path| {
        greenlight(
            &db,
            &[
                "import",
                good.to_str().unwrap(),
                aliases.to_str().unwrap(),
                data.to_str().unwrap(),
                extra.to_str().unwrap(),
            ],
        )
    };
    let out = all(&corrupt);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("rank-zero.tsv") && err.contains("nothing was changed"),
        "{err}"
    );
    assert_eq!(
        dump(&db),
        before,
        "the corrupt file's call stored something"
    );
    let bad_alias = write(
        dir.path(),
        "bad-aliases.tsv",
        b"spelling\tseries\tseason\nA\t\t\n",
    );
    let out = all(&bad_alias);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("bad-aliases.tsv, line 2, column `series`"),
        "{err}"
    );
    assert_eq!(
        dump(&db),
        before,
        "the bad alias file's call stored something"
    );
    // Without the bad file the same call stores it all: the claim about the call's own data
    // resolves, the declared series exists, the alias is kept.
    let out = all(&data);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM ledger_claims WHERE origin LIKE '%good-claims.toml'"
        ),
        2
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM series WHERE slug = 'a-show-nobody-has-data-for'"
        ),
        1
    );
    assert_eq!(count(&db, "SELECT count(*) FROM aliases"), 1);
}

/// Every dataset of the folder carries its manifest's publication date and precision (`row`
/// for files whose rows carry dates), never a file time.
#[test]
fn datasets_carry_the_manifests_dates() {
    let v = json(imported(), &["stats", "--json"]);
    let got: std::collections::BTreeMap<String, (Value, Value)> = v["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["dataset"].as_str().unwrap().to_string(),
                (d["published"].clone(), d["published_precision"].clone()),
            )
        })
        .collect();
    let row = (Value::Null, Value::from("row"));
    let on = |d: &str, p: &str| (Value::from(d), Value::from(p));
    let want: std::collections::BTreeMap<String, (Value, Value)> = [
        ("top10-global", row.clone()),
        ("top10-countries", row.clone()),
        ("finance-arpu-by-region", row.clone()),
        ("finance-revenue-by-region", row.clone()),
        ("most-popular", on("2026-07-21", "at_earliest")),
        ("engagement-2023H1", on("2023-12-12", "exact")),
        ("engagement-2023H2", on("2024-05-23", "exact")),
        ("engagement-2024H1", on("2024-09-30", "at_latest")),
        ("engagement-2024H2", on("2025-03-31", "at_latest")),
        ("engagement-2025H1", on("2025-09-30", "at_latest")),
        ("tmdb-status", on("2024-04-01", "at_earliest")),
        ("justwatch-titles", on("2022-12-31", "at_latest")),
        ("justwatch-credits", on("2022-12-31", "at_latest")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(got, want);
    // A file's as_of for content without dates is its publication date, not its mtime.
    for d in v["datasets"].as_array().unwrap() {
        if d["dataset"].as_str().unwrap().starts_with("justwatch") {
            assert_eq!(d["as_of"], "2022-12-31", "{d}");
        }
    }
}

/// Without a manifest, a file whose content has no date is dated the import day, at the latest,
/// and the import says so; importing its folder later redates it from the manifest. A
/// malformed manifest is refused with its line and field, and changes nothing.
#[test]
fn manifest_fallback_redating_and_malformed_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fresh.db");
    let titles = data_dir().join("justwatch/titles.csv");
    let out = greenlight(&db, &["import", titles.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("no manifest entry and no date in the content") && text.contains("at_latest"),
        "{text}"
    );
    let stats = json(&db, &["stats", "--json"]);
    let jw = &stats["datasets"][0];
    assert_eq!(jw["dataset"], "justwatch-titles");
    assert_eq!(jw["published_precision"], "at_latest");
    let today = jw["published"].as_str().unwrap().to_string();
    assert_eq!(jw["as_of"], today.as_str());

    // A manifest given explicitly dates it (the file is unchanged, its date is not).
    let manifest = data_dir().join("MANIFEST.toml");
    let v = json(
        &db,
        &[
            "import",
            titles.to_str().unwrap(),
            "--manifest",
            manifest.to_str().unwrap(),
            "--json",
        ],
    );
    let f = &v["files"][0];
    assert_eq!(f["outcome"], "redated", "{f}");
    assert_eq!(f["previous_published"], today.as_str());
    assert_eq!(
        (&f["published"], &f["published_from"]),
        (&Value::from("2022-12-31"), &Value::from("manifest"))
    );
    let jw = &json(&db, &["stats", "--json"])["datasets"][0];
    assert_eq!(
        (&jw["published"], &jw["as_of"]),
        (&Value::from("2022-12-31"), &Value::from("2022-12-31"))
    );

    // Malformed manifests: located, and nothing changes.
    let before = dump(&db);
    for (text, line, field) in [
        ("[[file]]\npath = \"justwatch/titles.csv\"\npublished = \"2022-12-32\"\nprecision = \"at_latest\"\n", "line 3", "`published`"),
        ("[[file]]\npath = \"justwatch/titles.csv\"\npublished = \"2022-12-31\"\nprecision = \"around\"\n", "line 4", "`precision`"),
        ("[[file]]\npath = \"justwatch/titles.csv\"\npublishd = \"2022-12-31\"\nprecision = \"exact\"\n", "line 3", "`publishd`"),
    ] {
        let m = write(dir.path(), "MANIFEST.toml", text.as_bytes());
        let out = greenlight(
            &db,
            &["import", data_dir().to_str().unwrap(), "--manifest", m.to_str().unwrap()],
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{text}");
        assert!(err.contains(&format!("{}, {line}", m.display())), "{err}");
        assert!(err.contains(field), "{err}");
        assert_eq!(dump(&db), before, "{text}");
    }
    // A manifest is never imported as a file.
    let out = greenlight(&db, &["import", manifest.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--manifest"));
}

/// Issue 10's famous series in the CLI's text: the right status, its deciding source's link,
/// and no JSON in text mode.
#[test]
fn famous_series_status_text_names_a_clickable_source() {
    for (name, status) in [
        ("Stranger Things", "ended"),
        ("Squid Game", "ended"),
        ("Wednesday", "renewed"),
        ("KAOS", "canceled"),
        ("1899", "canceled"),
        ("The Crown", "ended"),
        ("Partner Track", "canceled"),
    ] {
        let out = greenlight(imported(), &["status", name]);
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let first = text.lines().next().unwrap_or_default();
        assert!(first.contains(&format!(": {status} (")), "{name}: {first}");
        assert!(
            text.lines()
                .any(|l| l.contains("[deciding]") && l.contains("<http")),
            "{name}: no deciding source with a link:\n{text}"
        );
        assert!(
            !text.trim_start().starts_with('{'),
            "{name}: JSON in text mode"
        );
    }
}

/// `true` when `out` would pass for JSON: it parses as JSON, or it opens like a JSON document.
fn looks_like_json(out: &str) -> bool {
    let t = out.trim_start();
    t.starts_with('{') || t.starts_with('[') || serde_json::from_str::<Value>(out).is_ok()
}

/// Text output of a command that must succeed.
fn text(db: &Path, args: &[&str]) -> String {
    let out = greenlight(db, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Issue 11: every read command prints text for people in text mode, never JSON, and the text
/// says what the command's `--json` says (checked against that JSON, not against constants).
#[test]
fn every_read_command_prints_text_not_json() {
    let _heavy = heavy();
    let db = imported();
    // (arguments, what the text must mention given the same command's --json)
    type Check = fn(&str, &Value);
    let cases: &[(&[&str], Check)] = &[
        (&["search", "squid game"], |t, j| {
            for h in j.as_array().unwrap() {
                assert!(t.contains(h["series"]["slug"].as_str().unwrap()), "{h}");
            }
        }),
        (&["show", "Partner Track"], |t, j| {
            assert!(t.contains(j["series"]["title"].as_str().unwrap()));
            for s in j["seasons"].as_array().unwrap() {
                for e in s["engagement"].as_array().unwrap() {
                    assert!(t.contains(e["report"].as_str().unwrap()), "{e}");
                }
            }
        }),
        (
            &[
                "hours",
                "Partner Track",
                "--season",
                "1",
                "--from",
                "2022-08-21",
                "--to",
                "2022-09-11",
            ],
            |t, j| {
                assert!(t.contains(&num(&j["hours"])), "{t}");
                for w in j["weeks"].as_array().unwrap() {
                    assert!(t.contains(w["week_end"].as_str().unwrap()));
                }
            },
        ),
        (&["stats"], |t, j| {
            for d in j["datasets"].as_array().unwrap() {
                assert!(t.contains(d["dataset"].as_str().unwrap()), "{d}");
            }
        }),
        (&["unresolved"], |t, j| {
            assert!(
                t.contains(&format!(
                    "{} of {} distinct spellings",
                    j["unresolved"], j["distinct_titles"]
                )),
                "{t}"
            );
        }),
        (
            &["status", "Partner Track", "--as-of", "2022-10-15"],
            |t, j| {
                assert!(t.starts_with("Partner Track: awaiting_decision"), "{t}");
                let p = (j["odds"]["probability"].as_f64().unwrap() * 100.0).round();
                assert!(t.contains(&format!("odds of renewal: {p}%")), "{t}");
                // The outlook of season 2 as it stood then: the regulars announced with the
                // order, one line each, after the status.
                let o = &j["outlook"];
                let cast = o["returning_cast"].as_array().unwrap();
                assert!(!cast.is_empty(), "no returning cast as of 2022-10-15: {o}");
                for m in cast {
                    let person = m["person"].as_str().unwrap();
                    assert!(
                        t.lines().any(|l| l.contains(&format!(
                            "season {} outlook: likely returning {person}",
                            o["season"]
                        ))),
                        "{person} not in the outlook lines:\n{t}"
                    );
                }
            },
        ),
        (
            &[
                "predict",
                "Partner Track",
                "--season",
                "1",
                "--as-of",
                "2022-10-15",
            ],
            |t, j| {
                let p = (j["probability"].as_f64().unwrap() * 100.0).round();
                assert!(
                    t.contains(&format!(
                        "Partner Track season 1 as of 2022-10-15: {p}% chance"
                    )),
                    "{t}"
                );
                for f in j["factors"].as_array().unwrap() {
                    assert!(t.contains(f["description"].as_str().unwrap()), "{f}");
                }
            },
        ),
        (&["predict", "Partner Track", "--season", "1"], |t, j| {
            assert_eq!(j["decided"]["decision"], "canceled");
            assert!(t.contains("season 2: canceled"), "{t}");
        }),
        (&["metrics", "Partner Track", "--season", "1"], |t, j| {
            assert!(t.starts_with("Partner Track season 1 as of"), "{t}");
            for w in j["windows"].as_array().unwrap() {
                assert!(t.contains(&format!("first {} days", w["days"])), "{w}");
            }
            for e in j["engagement"].as_array().unwrap() {
                assert!(
                    t.contains(&format!(
                        "engagement {}: {} hours",
                        e["report"].as_str().unwrap(),
                        num(&e["hours"])
                    )),
                    "{e}"
                );
            }
        }),
        (&["labels"], |t, j| {
            for (rule, _) in j["by_rule"].as_object().unwrap() {
                assert!(t.contains(&rule.replace('_', " ")), "{rule}");
            }
        }),
        (&["timeline", "1899"], |t, j| {
            for e in j["entries"].as_array().unwrap() {
                assert!(t.contains(e["summary"].as_str().unwrap()), "{e}");
            }
        }),
        (&["cast", "Stranger Things"], |t, j| {
            assert!(!t.contains("[\""), "a list printed as JSON: {t}");
            for c in j["cast"].as_array().unwrap() {
                let person = c["person"].as_str().unwrap();
                match c["characters"].as_array().unwrap().as_slice() {
                    [] => assert!(t.contains(person)),
                    [one] => assert!(
                        t.contains(&format!("{person} as {}", one.as_str().unwrap())),
                        "{c}"
                    ),
                    [first, ..] => assert!(
                        t.contains(&format!("{person} as {}", first.as_str().unwrap())),
                        "{c}"
                    ),
                }
            }
            for c in j["crew"].as_array().unwrap() {
                assert!(t.contains(c["person"].as_str().unwrap()), "{c}");
            }
        }),
        (&["cast", "Partner Track"], |t, _| {
            assert!(t.contains("Arden Cho as Ingrid Yun"), "{t}");
        }),
        (&["reception", "Partner Track"], |t, j| {
            for e in j["entries"].as_array().unwrap() {
                if let Some(rt) = e["rotten_tomatoes"].as_object() {
                    assert!(
                        t.contains(&format!(
                            "Rotten Tomatoes: {}% of {} reviews",
                            rt["percent"], rt["reviews"]
                        )),
                        "{t}"
                    );
                }
                if let Some(mc) = e["metacritic"].as_object() {
                    assert!(
                        t.contains(&format!(
                            "Metacritic: {} from {} critics",
                            mc["score"], mc["critics"]
                        )),
                        "{t}"
                    );
                }
            }
        }),
        (&["reception", "Stranger Things"], |t, j| {
            for e in j["entries"].as_array().unwrap() {
                for a in e["audience"].as_array().unwrap() {
                    assert!(
                        t.contains(&format!(
                            "{} audience: {}/",
                            a["site"].as_str().unwrap(),
                            a["score"].as_f64().unwrap()
                        )),
                        "{t}"
                    );
                }
            }
        }),
        (&["token", "list"], |t, _| {
            assert!(t.contains("no tokens") || t.contains('#'), "{t}")
        }),
    ];
    for (args, check) in cases {
        let t = text(db, args);
        assert!(
            !looks_like_json(&t),
            "{args:?} printed JSON in text mode:\n{t}"
        );
        assert!(!t.trim().is_empty(), "{args:?} printed nothing");
        let mut a = args.to_vec();
        a.push("--json");
        check(&t, &json(db, &a));
    }
    // The backtest is slow: its text alone, checked for each part of the report.
    let t = text(db, &["backtest"]);
    assert!(!looks_like_json(&t), "backtest printed JSON:\n{t}");
    for part in [
        "split:",
        "test scores",
        "candidates",
        "calibration",
        "worst misses",
    ] {
        assert!(t.contains(part), "backtest text lacks {part:?}:\n{t}");
    }
}

/// `1234567` as the text prints a count: `1,234,567`.
fn num(v: &Value) -> String {
    let n = v.as_f64().unwrap().round() as i64;
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The writes print text too: an import of a claims file and `claim add`, on a fresh store of
/// their own (a declared series, so no data is needed).
#[test]
fn writes_print_text_not_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fresh.db");
    let claims = write(
        dir.path(),
        "claims.toml",
        b"[[series]]\ntitle = \"A Show Nobody Has Data For\"\n\n[defaults]\nentered_by = \"test\"\nsource = { name = \"x\", kind = \"fan_site\" }\npublished = 2023-01-15\n\n\
[[claims]]\nkind = \"canceled\"\nseries = \"A Show Nobody Has Data For\"\nseason = 1\n",
    );
    let t = text(&db, &["import", claims.to_str().unwrap()]);
    assert!(!looks_like_json(&t), "{t}");
    assert!(
        t.contains("(1 added, 0 already present; 1 series declared)"),
        "{t}"
    );
    let add = [
        "claim",
        "add",
        "--kind",
        "season_renewed",
        "--series",
        "A Show Nobody Has Data For",
        "--season",
        "2",
        "--published",
        "2023-01-10",
        "--source-name",
        "t",
        "--source-kind",
        "fan_site",
    ];
    let t = text(&db, &add);
    assert!(!looks_like_json(&t), "{t}");
    assert!(
        t.starts_with("added to a-show-nobody-has-data-for: "),
        "{t}"
    );
    // The same claim again is already there, and says so.
    assert!(text(&db, &add).starts_with("already in a-show-nobody-has-data-for: "));
}

/// `cast wednesday` printed nothing and exited 0. The data has no cast for it: no cast claim
/// anywhere, and JustWatch's 2022 catalogue (collected before its November 2022 premiere) does
/// not list it. Both the text and the JSON now say so; a series with credits says nothing of
/// the kind.
#[test]
fn cast_of_wednesday_says_none_is_known() {
    let titles = std::fs::read_to_string(data_dir().join("justwatch/titles.csv")).unwrap();
    assert!(
        !titles.lines().any(|l| l
            .split(',')
            .nth(1)
            .is_some_and(|t| t.eq_ignore_ascii_case("wednesday"))),
        "JustWatch lists Wednesday after all: its cast should be found"
    );
    let t = text(imported(), &["cast", "wednesday"]);
    assert!(
        t.starts_with("Wednesday: no cast or crew known") && t.contains("JustWatch"),
        "{t}"
    );
    let j = json(imported(), &["cast", "wednesday", "--json"]);
    assert_eq!(j["series"]["slug"], "wednesday");
    assert_eq!(j["cast"], serde_json::json!([]));
    assert_eq!(j["crew"], serde_json::json!([]));
    let why = j["none_known"].as_str().expect("none_known");
    assert!(why.contains("does not list Wednesday"), "{why}");
    assert!(t.contains(why), "the text gives the JSON's reason: {t}");
    let st = json(imported(), &["cast", "Stranger Things", "--json"]);
    assert!(st.get("none_known").is_none(), "{st}");
    assert!(!st["cast"].as_array().unwrap().is_empty());
}

/// Flags are typed at parse time: a bad date, season, limit, format or claim kind is a usage
/// error (exit 2) naming the flag, before the store is opened (so not even created).
#[test]
fn bad_flag_values_are_refused_at_parse_time_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("never-created.db");
    for (args, flag) in [
        (
            &["status", "Partner Track", "--as-of", "2022-10-32"][..],
            "--as-of",
        ),
        (
            &["status", "Partner Track", "--as-of", "yesterday"][..],
            "--as-of",
        ),
        (
            &["hours", "Partner Track", "--from", "2022-8-1"][..],
            "--from",
        ),
        (
            &["hours", "Partner Track", "--to", "2022-02-30"][..],
            "--to",
        ),
        (
            &["predict", "Partner Track", "--season", "0"][..],
            "--season",
        ),
        (
            &["predict", "Partner Track", "--season", "1000"][..],
            "--season",
        ),
        (
            &["metrics", "Partner Track", "--season", "one"][..],
            "--season",
        ),
        (&["search", "x", "--limit", "0"][..], "--limit"),
        (
            &["token", "create", "ci", "--expires", "90x"][..],
            "--expires",
        ),
        (
            &["token", "create", "ci", "--expires", "0d"][..],
            "--expires",
        ),
        (
            &["token", "create", "ci", "--expires", "3651d"][..],
            "--expires",
        ),
        (&["search", "x", "--limit", "101"][..], "--limit"),
        (&["import", "x.tsv", "--format", "top10"][..], "--format"),
        (
            &[
                "claim",
                "add",
                "--kind",
                "renewed",
                "--series",
                "X",
                "--published",
                "2023-01-01",
                "--source-name",
                "t",
                "--source-kind",
                "fan_site",
            ][..],
            "--kind",
        ),
        (
            &[
                "claim",
                "add",
                "--kind",
                "canceled",
                "--series",
                "X",
                "--published",
                "2023-1-1",
                "--source-name",
                "t",
                "--source-kind",
                "fan_site",
            ][..],
            "--published",
        ),
    ] {
        let out = greenlight(&db, args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(&format!("for '{flag} <")), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    // A bad format lists the good ones, from the formats' own names.
    let err =
        String::from_utf8_lossy(&greenlight(&db, &["import", "x", "--format", "nope"]).stderr)
            .to_string();
    for name in ["top10-global", "engagement", "justwatch-credits"] {
        assert!(err.contains(name), "{err}");
    }
    assert!(!db.exists(), "a usage error opened the store");
}

/// A claims file of our own for Wednesday's next season: one of each outlook item, so the
/// whole-set check below has something to compare in every row (the real ledger has no cast,
/// storyline or trailer claims about a series whose next season may still come).
const WEDNESDAY_OUTLOOK: &str = r#"
version = 1

[defaults]
series = "Wednesday"
published = 2025-09-01
source = { name = "greenlight test: outlook fixture", url = "https://example.org/outlook?a=1&b=2", kind = "fan_site" }
entered_by = "tests/cli.rs"

[[claims]]
kind = "cast"
season = 2
person = "Tessa O'Hare"
character = "Ms. <Example>"
tier = "regular"

[[claims]]
kind = "episode_count"
season = 2
episode_count = 8

[[claims]]
kind = "trailer_released"
season = 3
url = "https://example.org/trailer?s=3&t=1"
event_date = 2025-08-30

[[claims]]
kind = "storyline_open"
season = 2
text = "Who sent the letter & why"
"#;

/// Text as maud writes it in a page: `&`, `<`, `>` and `"` escaped.
fn html_escaped(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Issue 11: the outlook is the report layer's, so the CLI's `status --json` and the series
/// page give the same one. For every series the ledger has claims about (the ones whose status
/// rests on claims; a title known only from the charts has no cast tiers, storylines or
/// trailers to show, and computing the odds of every Top 10 title would take minutes), on the
/// real data plus one claims file: the page's outlook section exists exactly when the JSON has
/// an outlook, is about the same season, and shows each item the JSON has (every returning
/// person and character, the episode count with its source, the trailer's link, every open
/// storyline) and no item the JSON lacks.
#[test]
fn the_pages_outlook_is_the_status_reports() {
    let _heavy = heavy();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("outlook.db");
    std::fs::copy(imported(), &db).unwrap();
    let claims = write(
        dir.path(),
        "wednesday-outlook.toml",
        WEDNESDAY_OUTLOOK.as_bytes(),
    );
    let out = greenlight(&db, &["import", claims.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let slugs: Vec<String> = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mut st = conn
            .prepare("SELECT DISTINCT series_slug FROM ledger_claims ORDER BY 1")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert!(
        slugs.len() > 50,
        "only {} series in the ledger",
        slugs.len()
    );
    let server = serve(&db);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    // How many series showed each kind of item, so the check cannot pass on empty outlooks.
    let mut seen: std::collections::BTreeMap<&str, usize> = Default::default();
    for slug in &slugs {
        let j = json(&db, &["status", slug, "--json"]);
        let mut r = agent
            .get(&format!("{}/series/{slug}", server.1))
            .call()
            .unwrap();
        assert_eq!(r.status(), 200, "/series/{slug}");
        let page = r.body_mut().read_to_string().unwrap();
        let status = j["status"].as_str().unwrap();
        let Some(o) = j.get("outlook") else {
            assert!(
                ["canceled", "ended", "limited_series"].contains(&status),
                "{slug}: no outlook while {status}"
            );
            assert!(!page.contains("id=\"outlook\""), "/series/{slug}: outlook");
            continue;
        };
        assert!(
            !["canceled", "ended", "limited_series"].contains(&status),
            "{slug}: an outlook while {status}"
        );
        *seen.entry("outlook").or_default() += 1;
        let start = page
            .find("id=\"outlook\"")
            .unwrap_or_else(|| panic!("/series/{slug}: no outlook section"));
        let section = &page[start..];
        let section = &section[..section.find("</section>").unwrap()];
        assert!(
            section.contains(&format!("Season {} outlook", o["season"])),
            "/series/{slug}: {section}"
        );
        let cast = o["returning_cast"].as_array().unwrap();
        assert_eq!(
            section.contains("Likely returning cast"),
            !cast.is_empty(),
            "/series/{slug}: {section}"
        );
        for m in cast {
            *seen.entry("returning_cast").or_default() += 1;
            assert!(
                section.contains(&html_escaped(m["person"].as_str().unwrap())),
                "/series/{slug}: {m} not in {section}"
            );
            for c in m["characters"].as_array().unwrap() {
                assert!(
                    section.contains(&html_escaped(c.as_str().unwrap())),
                    "/series/{slug}: {c} not in {section}"
                );
            }
        }
        let episodes = o.get("expected_episodes");
        assert_eq!(
            section.contains("Expected episodes"),
            episodes.is_some(),
            "/series/{slug}: {section}"
        );
        if let Some(e) = episodes {
            *seen.entry("expected_episodes").or_default() += 1;
            assert!(
                section.contains(&format!(
                    "<dd>{} <small>(season {}'s count; source: ",
                    e["count"], e["of_season"]
                )),
                "/series/{slug}: {e} not in {section}"
            );
            assert!(section.contains(&html_escaped(e["source"]["name"].as_str().unwrap())));
        }
        let trailer = o.get("trailer");
        assert_eq!(
            section.contains("<dt>Trailer</dt>"),
            trailer.is_some(),
            "/series/{slug}: {section}"
        );
        if let Some(t) = trailer {
            *seen.entry("trailer").or_default() += 1;
            let href = format!("href=\"{}\"", html_escaped(t["url"].as_str().unwrap()));
            assert!(
                section.contains(&href),
                "/series/{slug}: {t} not in {section}"
            );
        }
        let storylines = o["open_storylines"].as_array().unwrap();
        assert_eq!(
            section.contains("Open storylines"),
            !storylines.is_empty(),
            "/series/{slug}: {section}"
        );
        if !storylines.is_empty() {
            let list = &section[section.find("Open storylines").unwrap()..];
            assert_eq!(list.matches("<li>").count(), storylines.len(), "{slug}");
        }
        for st in storylines {
            *seen.entry("open_storylines").or_default() += 1;
            assert!(
                section.contains(&html_escaped(st["text"].as_str().unwrap())),
                "/series/{slug}: {st} not in {section}"
            );
        }
    }
    for item in [
        "outlook",
        "returning_cast",
        "expected_episodes",
        "trailer",
        "open_storylines",
    ] {
        assert!(seen.contains_key(item), "no series showed {item}: {seen:?}");
    }
}

/// `token create --expires 90d` stores an expiry 90 days out; `token list` shows it and the last
/// use ("never" until a write uses the token), in text and in `--json`.
#[test]
fn token_create_with_expiry_and_list_with_last_use() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tokens.db");
    for args in [
        &["token", "create", "ci", "--expires", "90d"][..],
        &["token", "create", "forever"],
    ] {
        let out = greenlight(&db, args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("glt_"));
    }
    let list = json(&db, &["token", "list", "--json"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let expires = list[0]["expires"].as_str().expect("an expiry");
    let left = chrono::DateTime::parse_from_rfc3339(expires)
        .unwrap()
        .with_timezone(&chrono::Utc)
        - chrono::Utc::now();
    assert!(
        left > chrono::TimeDelta::days(89) && left <= chrono::TimeDelta::days(90),
        "{expires}"
    );
    assert!(list[1]["expires"].is_null());
    assert!(list.iter().all(|t| t["last_used"].is_null()), "{list:?}");
    let out = greenlight(&db, &["token", "list"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("expires {expires}")), "{text}");
    assert_eq!(text.matches("last used never").count(), 2, "{text}");
}
