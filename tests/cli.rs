//! The `greenlight` binary, end to end on the real data: the acceptance commands, and a
//! corpus of malformed inputs that must each fail with a located message and change nothing.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn data_dir() -> PathBuf {
    let d = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data"));
    assert!(
        d.join("README.md").is_file(),
        "real data missing: expected {}",
        d.display()
    );
    d
}

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
        (write(dir, "finance-bad-number.csv", b"Year,US and Canada,EMEA,Latin America,Asia-Pacific\n2018,11.28,lots,7.53,9.19\n"), "EMEA"),
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
            "renewed",
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

/// `greenlight serve` on a free loopback port over `db`, killed when dropped.
struct Served(std::process::Child, String);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(db: &Path) -> Served {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_greenlight"))
        .arg("--db")
        .arg(db)
        .args(["--quiet", "serve", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let served = Served(child, format!("http://127.0.0.1:{port}"));
    let start = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(60),
            "serve did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    served
}

/// One answer per question: every CLI read command with an API route prints, with `--json`,
/// exactly the API's body for the same arguments (parsed, so whitespace aside, byte for byte).
#[test]
fn cli_json_equals_the_api_body() {
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
