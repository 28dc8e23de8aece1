//! NEEDS THE EXTRACTOR AND THE CHECKER (issue 12 items 1-2): enable with `mod needs_extract;`
//! in `tests/it/main.rs` once `extract` and `check` are real. With the placeholders (no
//! claims) these fail.
//!
//! The acceptance line: `/check` in the real browser, a pasted article shows highlighted
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
            .find(|c| c["text"].as_str().unwrap().contains(needle) || needle.contains(c["text"].as_str().unwrap()))
            .unwrap_or_else(|| panic!("no claim on {needle:?}: {api}"))["verdict"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(verdict_of("canceled after only one season"), "verified");
    assert_eq!(verdict_of("there will be season 2"), "contradicted");
    assert_eq!(verdict_of("66.01 million hours"), "verified");
    assert!(!api["contradictions"].as_array().unwrap().is_empty(), "{api}");

    let d = start_driver();
    let profile = tempfile::tempdir().unwrap();
    let session = new_session(&d, profile.path());
    let id = session["sessionId"].as_str().unwrap().to_string();
    let s = |p: &str| format!("/session/{id}{p}");
    let element = |css: &str| -> String {
        let v = d.call("POST", &s("/element"), Some(json!({"using": "css selector", "value": css})));
        v[ELEMENT].as_str().unwrap_or_else(|| panic!("no element {css}")).to_string()
    };
    d.call("POST", &s("/url"), Some(json!({"url": format!("{}/check", server.base)})));
    let area = element("#check-text");
    d.call("POST", &s(&format!("/element/{area}/value")), Some(json!({"text": SEED})));
    d.call("POST", &s(&format!("/element/{}/click", element("form.check button"))), None);
    for class in ["verified", "contradicted"] {
        let m = element(&format!("#article mark.{class}"));
        assert_eq!(d.call("GET", &s(&format!("/element/{m}/displayed")), None), true, "{class}");
    }
    let c = element("#contradictions");
    assert_eq!(d.call("GET", &s(&format!("/element/{c}/displayed")), None), true);
    d.call("DELETE", &format!("/session/{id}"), None);
}
