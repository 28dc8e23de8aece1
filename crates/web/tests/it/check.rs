//! `/check` and `POST /api/v1/check` on a real server over the real store: the form, the JSON,
//! the size cap (413), the rate limit (429), URL fetching (public addresses only, unless the
//! test-only switch is on), commit's token, and a headless Chromium submitting the form. These
//! hold whatever the extractor finds: the page's marks are compared with the API's claims for
//! the same text. What needs real extraction is in `check_extracted.rs`.

use crate::browser::{base64, new_session, screenshots_dir, start_driver, ELEMENT};
use crate::common::{self, get, post, Resp};
use greenlight_news::commit::{commit, ArticleClaims};
use greenlight_news::{Article, Assertion, Claim, Outlets, Span};
use greenlight_testkit::http::{Route, Server as Fixtures};
use serde_json::{json, Value};
use std::path::Path;

/// A server over its own copy of the store whose URL checks may fetch loopback (the test-only
/// switch), so it can read fixtures served on 127.0.0.1.
pub fn start_fetching_loopback(db: &Path) -> String {
    let state = greenlight_web::prepare(db.to_path_buf()).expect("prepare");
    state.allow_private_fetch(true);
    common::serve_state(state)
}

pub const SEED: &str = "Partner Track: is there a season 2? Netflix's legal drama Partner Track has been canceled after only one season. The show was a hit: it drew 66.01 million hours between August 21 and September 11. Good news for fans: the streaming provider has announced that there will be season 2.";

fn check(base: &str, body: &Value) -> Resp {
    post(
        base,
        "/api/v1/check",
        &[("Content-Type", "application/json")],
        &body.to_string(),
    )
}

fn assert_problem(r: &Resp, status: u16) -> Value {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.content_type, "application/problem+json", "{}", r.body);
    let p = r.json();
    assert_eq!(p["status"], status);
    assert!(p["detail"].as_str().is_some_and(|d| !d.is_empty()), "{p}");
    p
}

/// The CheckReport's shape, and that every claim's `text` is its span of the article's text.
fn assert_report(v: &Value, text_contains: &str) {
    let text = v["article"]["text"].as_str().expect("article text");
    assert!(text.contains(text_contains), "{text}");
    assert!(v["as_of"].as_str().is_some());
    assert!(v["contradictions"].is_array());
    for c in v["claims"].as_array().expect("claims") {
        let (s, e) = (
            c["claim"]["span"]["start"].as_u64().unwrap() as usize,
            c["claim"]["span"]["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(c["text"].as_str(), text.get(s..e), "{c}");
        assert!(
            ["verified", "contradicted", "unverifiable"].contains(&c["verdict"].as_str().unwrap())
        );
    }
}

#[test]
fn the_api_checks_pasted_text_and_refuses_what_it_cannot_check() {
    // A server of its own: its requests use none of the shared server's allowance.
    let s = common::private_server();
    let r = check(&s.base, &json!({"text": SEED, "as_of": "2022-11-20"}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.content_type, "application/json");
    let v = r.json();
    assert_eq!(v["as_of"], "2022-11-20");
    assert_report(&v, "66.01 million hours between August 21 and September 11");
    assert!(v.get("committed").is_none(), "{v}");

    // HTML is read as HTML, and `url` with `text` is only the article's address.
    let r = check(
        &s.base,
        &json!({"text": format!("<html><body><p>{SEED}</p></body></html>"), "url": "https://fan.example/pt"}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["article"]["url"], "https://fan.example/pt");

    // Nothing to check, bad JSON, unknown fields, not JSON: problems naming why.
    let p = assert_problem(&check(&s.base, &json!({})), 422);
    assert!(p["detail"].as_str().unwrap().contains("`text`"), "{p}");
    assert_problem(&check(&s.base, &json!({"text": SEED, "colour": 1})), 422);
    assert_problem(&check(&s.base, &json!({"url": "file:///etc/passwd"})), 422);
    assert_problem(
        &post(
            &s.base,
            "/api/v1/check",
            &[("Content-Type", "text/plain")],
            SEED,
        ),
        415,
    );

    // The form: a body that is not a form is problem JSON; one that cannot be read, the form
    // again as a page saying why.
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    assert_problem(
        &post(
            &s.base,
            "/check",
            &[("Content-Type", "application/json")],
            "{}",
        ),
        415,
    );
    let r = post(&s.base, "/check", &form, "text=a&text=b");
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.content_type.starts_with("text/html"),
        "{}",
        r.content_type
    );
    assert!(r.body.contains("The form could not be read"), "{}", r.body);
    let r = post(&s.base, "/check", &form, "text=");
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("give the article"), "{}", r.body);
    let r = post(&s.base, "/check", &form, "text=Partner+Track+was+canceled.");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("id=\"article\"") && r.body.contains("Partner Track was canceled."),
        "{}",
        r.body
    );

    // The size cap: 413 as problem JSON, nothing checked.
    let big = json!({"text": "x".repeat(greenlight_web::http::check::CHECK_BODY_LIMIT + 1)});
    assert_problem(&check(&s.base, &big), 413);

    // Committing needs the write token.
    let p = assert_problem(&check(&s.base, &json!({"text": SEED, "commit": true})), 401);
    assert!(p["detail"].as_str().unwrap().contains("Bearer"), "{p}");
}

#[test]
fn urls_are_fetched_from_public_addresses_only_unless_the_test_switch_is_on() {
    let fixtures = Fixtures::start([(
        "/article.html".to_string(),
        Route::Ok {
            content_type: "text/html; charset=utf-8",
            body: format!("<!doctype html><html><head><title>PT</title></head><body><p>{SEED}</p></body></html>").into_bytes(),
        },
    )]);
    let url = fixtures.url("/article.html");
    // The shared server is as `greenlight serve` runs: loopback is refused, named.
    let s = common::server();
    let p = assert_problem(&check(&s.base, &json!({"url": url})), 422);
    let d = p["detail"].as_str().unwrap();
    assert!(
        d.starts_with(&format!("{url}: ")) && d.contains("loopback or private address"),
        "{d}"
    );
    // The form says the same, as a page.
    let r = post(
        &s.base,
        "/check",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &format!("url={}", url.replace(':', "%3A").replace('/', "%2F")),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.content_type.starts_with("text/html"));
    assert!(r.body.contains("loopback or private address"), "{}", r.body);

    // With the test-only switch, the page is fetched and read.
    let db = greenlight_testkit::private_copy(common::imported());
    let base = start_fetching_loopback(&db);
    let r = check(&base, &json!({"url": url, "as_of": "2022-11-20"}));
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["article"]["url"], url.as_str());
    assert_report(&v, "has been canceled after only one season");
    let p = assert_problem(
        &check(&base, &json!({"url": fixtures.url("/missing")})),
        422,
    );
    assert!(p["detail"].as_str().unwrap().contains("404"), "{p}");
}

#[test]
fn checks_are_rate_limited_per_client_with_retry_after() {
    let s = common::private_server();
    let burst = greenlight_web::http::check::BURST as usize;
    let mut statuses = Vec::new();
    for _ in 0..burst + 3 {
        statuses.push(check(&s.base, &json!({"text": "Partner Track was canceled."})).status);
    }
    assert!(
        statuses[..burst - 2].iter().all(|&s| s == 200),
        "{statuses:?}"
    );
    assert_eq!(*statuses.last().unwrap(), 429, "{statuses:?}");
    let r = check(&s.base, &json!({"text": "Partner Track was canceled."}));
    let p = assert_problem(&r, 429);
    assert!(p["detail"].as_str().unwrap().contains("retry in"), "{p}");
    let retry = common::agent()
        .post(&format!("{}/api/v1/check", s.base))
        .header("Content-Type", "application/json")
        .send("{\"text\":\"x\"}")
        .unwrap();
    assert_eq!(retry.status().as_u16(), 429);
    let wait: u64 = retry
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=3).contains(&wait), "{wait}");
    // The form shares the allowance, and says so as a page.
    let r = post(
        &s.base,
        "/check",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        "text=hello",
    );
    assert_eq!(r.status, 429);
    assert!(r.body.contains("Too many checks"), "{}", r.body);
    // Reading pages is not limited.
    assert_eq!(get(&s.base, "/check").status, 200);
}

#[test]
fn commit_with_a_token_stores_through_the_ledger() {
    let s = common::private_server();
    let secret = {
        let mut store = greenlight_testkit::open(&s.db);
        greenlight_web::create_token(&mut store, "check test", None).unwrap()
    };
    let auth = format!("Bearer {secret}");
    let r = post(
        &s.base,
        "/api/v1/check",
        &[
            ("Content-Type", "application/json"),
            ("Authorization", &auth),
        ],
        &json!({"text": SEED, "url": "https://fan.example/pt", "commit": true}).to_string(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    let c = &v["committed"];
    // Every decision the extractor found is accounted for, and nothing else is.
    let decisions = v["claims"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            [
                "renewed",
                "canceled",
                "final_season",
                "limited_series",
                "release_date",
                "premiered",
            ]
            .contains(&c["claim"]["kind"].as_str().unwrap())
        })
        .count();
    assert_eq!(c["claims"].as_array().unwrap().len(), decisions, "{c}");
    let bad = post(
        &s.base,
        "/api/v1/check",
        &[
            ("Content-Type", "application/json"),
            ("Authorization", "Bearer nope"),
        ],
        &json!({"text": SEED, "commit": true}).to_string(),
    );
    assert_problem(&bad, 401);
}

#[test]
fn committed_claims_show_on_the_series_page_with_the_articles_link() {
    let s = common::private_server();
    let text = "Netflix has canceled Partner Track after one season.";
    let needle = "canceled Partner Track after one season";
    let start = text.find(needle).unwrap();
    let url = "https://deadline.com/2022/11/partner-track-canceled-greenlight-web-test/";
    let article = Article {
        title: Some("Partner Track canceled".into()),
        outlet: None,
        url: Some(url.into()),
        published: chrono::NaiveDate::from_ymd_opt(2022, 11, 8),
        text: text.into(),
    };
    let claims = vec![Claim {
        span: Span {
            start,
            end: start + needle.len(),
        },
        series: "partner-track".into(),
        title: "Partner Track".into(),
        season: Some(1),
        assertion: Assertion::Canceled {
            stated: 1,
            date: None,
        },
    }];
    let before = get(&s.base, "/series/partner-track");
    assert!(!before.body.contains(url));
    {
        let mut store = greenlight_testkit::open(&s.db);
        let r = commit(
            &mut store,
            &[ArticleClaims { article, claims }],
            &Outlets::builtin().unwrap(),
        )
        .unwrap();
        assert_eq!(r.added, 1, "{r:?}");
    }
    let page = get(&s.base, "/series/partner-track");
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains(&format!("<a href=\"{url}\" rel=\"nofollow\">")),
        "the series page does not link the article"
    );
    // The status's own API names the same source.
    let status = get(&s.base, "/api/v1/series/partner-track/timeline").json();
    assert!(status.to_string().contains(url), "{status}");
}

/// The form in a real browser: paste, submit, and the page shows the article with one mark per
/// claim the API finds in the same text, each of the API's verdict.
#[test]
fn the_check_form_works_in_headless_chromium() {
    let server = common::server();
    let api = check(&server.base, &json!({"text": SEED})).json();
    let verdicts: Vec<String> = api["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["verdict"].as_str().unwrap().to_string())
        .collect();

    let d = start_driver();
    let profile = tempfile::tempdir().unwrap();
    let id = new_session(&d, profile.path());
    let s = |p: &str| format!("/session/{id}{p}");
    // A form's submission is a navigation the click does not wait for: element lookups wait
    // (up to 30 s) for the result page instead of failing on the form page still shown.
    d.call("POST", &s("/timeouts"), Some(json!({"implicit": 30_000})));
    let element = |css: &str| -> String {
        let v = d.call(
            "POST",
            &s("/element"),
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    };
    d.call(
        "POST",
        &s("/url"),
        Some(json!({"url": format!("{}/check", server.base)})),
    );
    assert_eq!(
        d.call("GET", &s("/title"), None),
        "Check an article · greenlight"
    );
    let area = element("#check-text");
    d.call(
        "POST",
        &s(&format!("/element/{area}/value")),
        Some(json!({"text": SEED})),
    );
    let button = element("form.check button");
    d.call("POST", &s(&format!("/element/{button}/click")), None);

    // The result page: the article, displayed, with the API's marks in text order.
    let article = element("#article");
    assert_eq!(
        d.call("GET", &s(&format!("/element/{article}/displayed")), None),
        true
    );
    let shown = d.call("GET", &s(&format!("/element/{article}/text")), None);
    assert!(
        shown.as_str().unwrap().contains("66.01 million hours"),
        "{shown}"
    );
    let marks = d.call(
        "POST",
        &s("/execute/sync"),
        Some(json!({"script": "return Array.from(document.querySelectorAll('#article mark')).map(m => [m.className, getComputedStyle(m).backgroundColor, m.offsetParent !== null]);", "args": []})),
    );
    let marks = marks.as_array().unwrap();
    assert_eq!(
        marks.len(),
        verdicts.len(),
        "marks {marks:?} vs the API's verdicts {verdicts:?}"
    );
    let mut api_sorted: Vec<(u64, String)> = api["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["claim"]["span"]["start"].as_u64().unwrap(),
                c["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    api_sorted.sort();
    for (m, (_, v)) in marks.iter().zip(&api_sorted) {
        assert_eq!(m[0], v.as_str());
        assert_eq!(m[2], true, "a mark is not displayed");
        assert_ne!(m[1], "rgba(0, 0, 0, 0)", "a mark is not highlighted");
    }
    let summary = d.call(
        "GET",
        &s(&format!("/element/{}/text", element("#summary"))),
        None,
    );
    assert!(
        summary
            .as_str()
            .unwrap()
            .contains(&format!("{} claim", verdicts.len())),
        "{summary}"
    );
    // The form keeps what was pasted.
    let kept = d.call(
        "GET",
        &s(&format!(
            "/element/{}/property/value",
            element("#check-text")
        )),
        None,
    );
    assert_eq!(kept, SEED);
    let shot = base64(d.call("GET", &s("/screenshot"), None).as_str().unwrap());
    std::fs::write(screenshots_dir().join("check.png"), &shot).unwrap();
    d.call("DELETE", &format!("/session/{id}"), None);
}
