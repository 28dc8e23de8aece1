//! `greenlight read` and `greenlight check` end to end, on what holds whatever the extractor
//! finds: feeds served on loopback are read item by item, every URL failure is named and
//! changes nothing, and `check` prints its report (text with marks, or the CheckReport JSON).
//! The extractor's results (committed decisions, series pages, verdicts) are checked in
//! `tests/read_feed.rs`.

mod common;

use common::{fails, fixture, greenlight, json, news_server, ok, serve, store};
use greenlight_testkit::dump;

#[test]
fn read_lists_every_feed_item_with_its_title_link_and_dateline() {
    let db = store();
    let s = news_server();
    let v = json(
        &db,
        &["read", &s.url("/feed.rss"), &s.url("/feed.atom"), "--json"],
    );
    let articles = v["articles"].as_array().unwrap();
    let got: Vec<(&str, &str, &str)> = articles
        .iter()
        .map(|a| {
            let a = &a["article"];
            (
                a["title"].as_str().unwrap(),
                a["url"].as_str().unwrap(),
                a["published"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "‘Partner Track’ Canceled By Netflix After One Season",
                "https://deadline.com/2022/11/partner-track-canceled-netflix-greenlight-fixture-1235166100/",
                "2022-11-08"
            ),
            (
                "‘Wednesday’ Renewed For Season 2 At Netflix",
                "https://variety.com/2023/tv/news/wednesday-season-2-renewed-netflix-greenlight-fixture-1235475800/",
                "2023-01-06"
            ),
            (
                "Is there a season 2 of 1899? Everything we know",
                "https://www.season2watch.example/1899-season-2/",
                "2023-01-04"
            ),
            (
                "Lockwood & Co. Is Coming January 27",
                "https://www.netflix.com/tudum/articles/lockwood-and-co-greenlight-fixture",
                "2022-12-01"
            ),
        ]
    );
    assert!(articles.iter().all(|a| a["claims"].is_array()));
    assert!(v.get("commit").is_none(), "no commit without --commit: {v}");

    // Text for people names each article the same way.
    let t = ok(&db, &["read", &s.url("/feed.rss")]);
    assert!(!t.trim_start().starts_with('{'), "{t}");
    for a in &got[..3] {
        assert!(
            t.contains(&format!("{} — ", a.0)) && t.contains(&format!("{} <{}>", a.2, a.1)),
            "{a:?} not in {t}"
        );
    }
}

#[test]
fn a_failing_source_is_named_and_the_call_stores_nothing() {
    let db = store();
    let s = news_server();
    let before = dump(&db);
    let feed = s.url("/feed.rss");

    let missing = s.url("/missing.rss");
    let e = fails(&db, &["read", &feed, &missing, "--commit"]);
    assert_eq!(
        e.trim(),
        format!(
            "greenlight: error: {missing}: the server answered 404 Not Found; nothing was read"
        )
    );

    let e = fails(
        &db,
        &["read", &s.url("/slow"), "--timeout", "1", "--commit"],
    );
    assert!(
        e.contains(&format!("{}: timed out", s.url("/slow")))
            && e.contains("1 s for the whole fetch"),
        "{e}"
    );

    let e = fails(&db, &["read", &feed, "--max-bytes", "1000", "--commit"]);
    assert_eq!(
        e.trim(),
        format!(
            "greenlight: error: {feed}: larger than the 1000-byte limit; nothing was read from it"
        )
    );

    let e = fails(&db, &["read", &s.url("/loop"), "--max-redirects", "2"]);
    assert_eq!(
        e.trim(),
        format!(
            "greenlight: error: {}: more than 2 redirects; nothing was read",
            s.url("/loop")
        )
    );

    let e = fails(&db, &["read", "/no/such/article.html", "--commit"]);
    assert!(
        e.starts_with("greenlight: error: /no/such/article.html: "),
        "{e}"
    );

    // A malformed outlets table is refused before anything is fetched or stored.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("outlets.toml");
    std::fs::write(
        &bad,
        "default_kind = \"fan_site\"\n[[outlet]]\nname = \"X\"\n",
    )
    .unwrap();
    let e = fails(
        &db,
        &[
            "read",
            &feed,
            "--commit",
            "--outlets",
            bad.to_str().unwrap(),
        ],
    );
    assert!(
        e.contains(&format!("{}: ", bad.display())) && e.contains("line"),
        "{e}"
    );

    // A bad flag value is a usage error (exit 2), before anything is read.
    let out = greenlight(&db, &["read", &feed, "--timeout", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--timeout"));

    assert_eq!(dump(&db), before, "a failed read changed the store");
}

#[test]
fn stdin_and_files_are_sources_too() {
    let db = store();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_greenlight"))
        .arg("--db")
        .arg(&db)
        .args(["--quiet", "read", "-", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(b"Netflix has canceled Partner Track after one season.\n")
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["articles"][0]["article"]["text"],
        "Netflix has canceled Partner Track after one season."
    );
    assert!(v["articles"][0]["article"]["url"].is_null());

    let v = json(
        &db,
        &["read", fixture("feed.atom").to_str().unwrap(), "--json"],
    );
    assert_eq!(v["articles"].as_array().unwrap().len(), 1);
}

#[test]
fn check_prints_the_report_as_text_or_json() {
    let db = store();
    let s = news_server();
    let url = s.url("/article.txt");
    let v = json(&db, &["check", &url, "--as-of", "2022-11-09", "--json"]);
    assert_eq!(v["as_of"], "2022-11-09");
    assert_eq!(v["article"]["url"], url.as_str());
    assert_eq!(
        v["article"]["text"],
        "Netflix has canceled Partner Track after one season. It premiered on August 26, 2022."
    );
    let claims = v["claims"].as_array().unwrap();
    assert!(v["contradictions"].is_array());
    // Every claim carries its span's own text and a verdict.
    let text = v["article"]["text"].as_str().unwrap();
    for c in claims {
        let (s, e) = (
            c["claim"]["span"]["start"].as_u64().unwrap() as usize,
            c["claim"]["span"]["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(c["text"], &text[s..e]);
        assert!(
            ["verified", "contradicted", "unverifiable"].contains(&c["verdict"].as_str().unwrap())
        );
    }

    // Text: the article with the report's own counts; no escapes when not on a terminal.
    let t = ok(&db, &["check", &url, "--as-of", "2022-11-09"]);
    let n = claims.len();
    assert!(
        t.contains(&format!(
            "checked as of 2022-11-09: {n} claim{}",
            if n == 1 { "" } else { "s" }
        )),
        "{t}"
    );
    assert!(t.contains("It "), "{t}");
    // Each claim's span is marked in the text with its number and verdict.
    for (i, c) in claims.iter().enumerate() {
        let mark = format!("[[{}]]({} ", c["text"].as_str().unwrap(), i + 1);
        assert!(t.contains(&mark), "{mark} not in {t}");
        assert!(t.contains(c["verdict"].as_str().unwrap()), "{t}");
    }
    assert!(!t.contains('\x1b'), "{t}");

    // Without --as-of, an undated text is checked as of today.
    let v = json(&db, &["check", &url, "--json"]);
    assert_eq!(v["as_of"], chrono::Utc::now().date_naive().to_string());

    // A feed is many articles: check takes one.
    let feed = s.url("/feed.rss");
    let e = fails(&db, &["check", &feed]);
    assert!(e.contains(&format!("{feed}: is a feed of 3 items")), "{e}");
}

/// One answer per question: `check --json` of a text is the body `POST /api/v1/check` returns
/// for the same text and date, as `greenlight serve` runs it (per-client rate limiting on).
#[test]
fn check_json_equals_the_api_body() {
    let db = store();
    let dir = tempfile::tempdir().unwrap();
    let text = "Partner Track: is there a season 2? Netflix's legal drama Partner Track has been canceled after only one season. It drew 66.01 million hours between August 21 and September 11.\n\nThe streaming provider has announced that there will be season 2.";
    let file = dir.path().join("article.txt");
    std::fs::write(&file, text).unwrap();
    let cli = json(
        &db,
        &[
            "check",
            file.to_str().unwrap(),
            "--as-of",
            "2022-11-20",
            "--json",
        ],
    );
    let served = serve(&db);
    let api: serde_json::Value = ureq::post(&format!("{}/api/v1/check", served.1))
        .header("Content-Type", "application/json")
        .send(serde_json::json!({"text": text, "as_of": "2022-11-20"}).to_string())
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    assert_eq!(cli, api);
}
