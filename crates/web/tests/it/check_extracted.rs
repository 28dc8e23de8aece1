//! `/check` and `POST /api/v1/check` with the real extractor and checker.
//!
//! The issue's acceptance line: `/check` in the real browser, a pasted article shows highlighted
//! verdicts. The seed-style example: the cancellation verified, the season-2 announcement
//! contradicted, the 66.01M hours verified, the self-contradiction flagged.

use crate::browser::{new_session, start_driver, ELEMENT};
use crate::check::SEED;
use crate::common::{self, post};
use serde_json::json;

#[test]
fn the_seed_article_shows_highlighted_verdicts_in_headless_chromium() {
    let server = common::server();
    // The API first: the seed's verdicts.
    let api = post(
        &server.base,
        "/api/v1/check",
        &[("Content-Type", "application/json")],
        &json!({"text": SEED, "as_of": "2022-11-20"}).to_string(),
    )
    .json();
    let verdict_of = |needle: &str| {
        api["claims"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| {
                c["text"].as_str().unwrap().contains(needle)
                    || needle.contains(c["text"].as_str().unwrap())
            })
            .unwrap_or_else(|| panic!("no claim on {needle:?}: {api}"))["verdict"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(verdict_of("canceled after only one season"), "verified");
    assert_eq!(verdict_of("there will be season 2"), "contradicted");
    assert_eq!(verdict_of("66.01 million hours"), "verified");
    assert!(
        !api["contradictions"].as_array().unwrap().is_empty(),
        "{api}"
    );

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
    let area = element("#check-text");
    d.call(
        "POST",
        &s(&format!("/element/{area}/value")),
        Some(json!({"text": SEED})),
    );
    d.call(
        "POST",
        &s(&format!("/element/{}/click", element("form.check button"))),
        None,
    );
    for class in ["verified", "contradicted"] {
        let m = element(&format!("#article mark.{class}"));
        assert_eq!(
            d.call("GET", &s(&format!("/element/{m}/displayed")), None),
            true,
            "{class}"
        );
    }
    let c = element("#contradictions");
    assert_eq!(
        d.call("GET", &s(&format!("/element/{c}/displayed")), None),
        true
    );
    d.call("DELETE", &format!("/session/{id}"), None);
}

#[test]
fn check_report_with_claims_is_as_documented() {
    use crate::openapi::{document, Validators};
    use greenlight_news::check::{CheckedClaim, Contradiction, SourceRef};
    use greenlight_news::{Article, Assertion, CheckReport, Claim, PartialDate, Span, Verdict};
    let doc = document();
    let op = &doc["paths"]["/api/v1/check"]["post"];
    let mut v = Validators::new(&doc);
    let mut problems: Vec<String> = Vec::new();
    // A report with claims, as the route serializes it, against the documented 200 schema.
    let text = "Partner Track has been canceled after one season; it drew 66.01 million hours.";
    let claim = |assertion: Assertion, verdict| CheckedClaim {
        claim: Claim {
            span: Span { start: 0, end: 13 },
            series: "partner-track".into(),
            title: "Partner Track".into(),
            season: Some(1),
            assertion,
        },
        text: "Partner Track".into(),
        verdict,
        summary: "why".into(),
        sources: vec![SourceRef {
            label: "Deadline".into(),
            url: Some("https://deadline.com/x".into()),
        }],
        truth: None,
        rule: "a rule".into(),
    };
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let report = CheckReport {
        article: Article {
            title: Some("t".into()),
            outlet: Some("o".into()),
            url: Some("https://fan.example/pt".into()),
            published: Some(day("2022-11-20")),
            text: text.into(),
        },
        as_of: day("2022-11-20"),
        claims: vec![
            claim(
                Assertion::Canceled {
                    stated: 1,
                    date: Some(PartialDate::Day(day("2022-11-08"))),
                },
                Verdict::Verified,
            ),
            claim(
                Assertion::Renewed {
                    stated: 2,
                    date: None,
                },
                Verdict::Contradicted,
            ),
            claim(
                Assertion::ReleaseDate {
                    stated: PartialDate::Month(2023, 5),
                },
                Verdict::Unverifiable,
            ),
            claim(
                Assertion::WindowHours {
                    stated: 66_010_000,
                    from: day("2022-08-21"),
                    to: day("2022-09-11"),
                },
                Verdict::Verified,
            ),
            claim(
                Assertion::Cast {
                    person: "Arden Cho".into(),
                    stated: "Ingrid Yun".into(),
                },
                Verdict::Verified,
            ),
        ],
        contradictions: vec![Contradiction {
            first: 0,
            second: 1,
            reason: "r".into(),
        }],
    };
    let body = serde_json::to_value(greenlight_web::http::check::CheckResponse {
        report,
        committed: None,
    })
    .unwrap();
    let schema = &op["responses"]["200"]["content"]["application/json"]["schema"];
    problems.extend(
        v.errors(schema, &body)
            .into_iter()
            .map(|e| format!("hand-built report: {e}")),
    );
    let mut unknown = Vec::new();
    v.unknown_keys(schema, &body, "$", &mut unknown);
    problems.extend(
        unknown
            .into_iter()
            .map(|k| format!("hand-built report: undocumented key {k}")),
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
