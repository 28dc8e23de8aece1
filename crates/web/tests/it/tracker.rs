//! The tracker's pages (issue 13) over the real store: `/tracker` holds every TV series of
//! `report::list` exactly once, with the status and deciding source that report gives; a claim
//! added through the API changes `/tracker` and the list at once; a prediction kept before an
//! announcement shows on `/accuracy` with its outcome after it; the sort links work in a real
//! browser without any script.

use crate::browser::{new_session, screenshots_dir, start_driver, ELEMENT};
use crate::common::{self, get, post, private_server, server};
use greenlight_report::scorecard::{self, Group, Sort};
use greenlight_report::OddsOrWhy;
use greenlight_store::Store;
use serde_json::json;
use std::collections::HashMap;

/// GET `path`, asked again after a 408: a debug build on a loaded machine can take longer than
/// the request timeout (30 s) to derive every series' status the first time; the server keeps
/// computing, and the page asked again is the same page. No timing is asserted.
fn get_page(base: &str, path: &str) -> common::Resp {
    for _ in 0..10 {
        let r = get(base, path);
        if r.status != 408 {
            return r;
        }
    }
    panic!("GET {path}: 408 ten times");
}

/// `report::list` on the imported store once per test process, before any page asks for it:
/// on a store just imported the first list trains the odds model and keeps it, which in a debug
/// build on a loaded machine takes longer than a request may (30 s, then 408). Private copies
/// made after it have the kept model too.
fn warm() {
    static WARM: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    WARM.get_or_init(|| {
        let store = Store::open(common::imported()).unwrap();
        greenlight_report::list(&store).unwrap();
    });
}

/// The `<tr data-slug=... data-status=...>` rows of a page, in page order.
fn rows(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<tr data-slug=\"") {
        rest = &rest[i + "<tr data-slug=\"".len()..];
        let end = rest.find('"').expect("closing quote");
        let slug = rest[..end].to_string();
        let status = rest[end..]
            .split_once("data-status=\"")
            .and_then(|(_, s)| s.split_once('"'))
            .map(|(s, _)| s.to_string())
            .unwrap_or_default();
        out.push((slug, status));
    }
    out
}

/// The one `<tr>` of `slug` on a page, as text.
fn row_html<'a>(html: &'a str, slug: &str) -> &'a str {
    let start = html
        .find(&format!("<tr data-slug=\"{slug}\""))
        .unwrap_or_else(|| panic!("no row for {slug}"));
    let end = html[start..].find("</tr>").expect("row end") + start;
    &html[start..end]
}

/// Slugs are HTML-safe (lowercase, digits, dashes), so they appear in the page as written.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[test]
fn every_tv_series_is_on_the_tracker_exactly_once_with_its_status_and_source() {
    warm();
    let s = server();
    let page = get_page(&s.base, "/tracker");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.content_type.starts_with("text/html"));
    assert!(!page.body.contains("<script"), "the page needs no script");
    let store = Store::open(&s.db).unwrap();
    let views = greenlight_report::list(&store).unwrap();
    let card = scorecard::scorecard_of(&views, scorecard::today());
    assert!(views.len() > 1000, "only {} series", views.len());

    let on_page = rows(&page.body);
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (slug, _) in &on_page {
        *counts.entry(slug.as_str()).or_default() += 1;
    }
    let mut missing = Vec::new();
    for v in &views {
        let slug = v.status.series.slug.as_str();
        match counts.get(slug) {
            Some(1) => {}
            n => missing.push(format!("{slug}: {n:?}")),
        }
    }
    assert!(missing.is_empty(), "not exactly once: {missing:?}");
    assert_eq!(on_page.len(), views.len(), "rows that are no TV series");

    // Every row: its status, its series page and its source (linked when it has a URL).
    let status_of: HashMap<&str, &str> = on_page
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    for r in &card.rows {
        assert_eq!(status_of[r.slug.as_str()], r.status.as_str(), "{}", r.slug);
        let html = row_html(&page.body, &r.slug);
        assert!(
            html.contains(&format!("href=\"/series/{}\"", r.slug)),
            "{html}"
        );
        if let Some(src) = &r.source {
            assert!(
                html.contains(&escape(&src.name)),
                "{} lacks {}",
                r.slug,
                src.name
            );
            if let Some(u) = src.url.as_deref().and_then(greenlight_web::cite::safe_href) {
                assert!(html.contains(&format!("href=\"{}\"", escape(u))), "{html}");
            }
        }
        if let Some(p) = r.probability {
            assert!(html.contains(&format!("{:.0}%", p * 100.0)), "{html}");
        }
    }
    // Each group's section holds its rows: the filter links show one group, whole.
    for g in Group::ALL {
        let one = get_page(&s.base, &format!("/tracker?status={}", g.name()));
        assert_eq!(one.status, 200);
        let want: Vec<&str> = card
            .rows
            .iter()
            .filter(|r| r.group == g)
            .map(|r| r.slug.as_str())
            .collect();
        let got: Vec<String> = rows(&one.body).into_iter().map(|r| r.0).collect();
        assert_eq!(got, want, "group {}", g.name());
    }
    let bad = get_page(&s.base, "/tracker?sort=nonsense");
    assert_eq!(bad.status, 400, "{}", bad.body);
}

#[test]
fn a_claim_through_the_api_changes_tracker_list_and_accuracy_at_once() {
    warm();
    let s = private_server();
    let secret = {
        let mut store = Store::open(&s.db).unwrap();
        greenlight_web::create_token(&mut store, "tracker test", None).unwrap()
    };
    // Viewing the tracker keeps a prediction for every season it shows odds for.
    let before = get_page(&s.base, "/tracker");
    assert_eq!(before.status, 200);
    let store = Store::open(&s.db).unwrap();
    let views = greenlight_report::list(&store).unwrap();
    let pending = store.predictions(true).unwrap();
    let with_odds: Vec<_> = views
        .iter()
        .filter_map(|v| match &v.odds {
            Some(OddsOrWhy::Odds(o)) => Some((v, o)),
            _ => None,
        })
        .collect();
    assert!(!with_odds.is_empty());
    // Every odds shown is kept, once, under today's date.
    let today = scorecard::today();
    for (v, o) in &with_odds {
        let kept: Vec<_> = pending
            .iter()
            .filter(|p| p.series == v.status.series.slug && p.season == o.season)
            .collect();
        assert_eq!(kept.len(), 1, "{}", v.status.series.slug);
        assert_eq!(kept[0].made_at, today);
        assert_eq!(kept[0].probability.to_bits(), o.probability.to_bits());
    }
    // The last by slug: /accuracy lists the newest pending predictions, latest slug first.
    let (v, o) = *with_odds
        .iter()
        .max_by_key(|(v, _)| v.status.series.slug.clone())
        .unwrap();
    let slug = v.status.series.slug.clone();
    let next = v.status.next_season;
    assert_eq!(o.season + 1, next);
    assert_eq!(
        rows(row_html(&before.body, &slug))[0].1,
        "awaiting_decision"
    );
    let acc = get_page(&s.base, "/accuracy");
    assert_eq!(acc.status, 200);
    assert!(
        row_html(&acc.body, &slug).contains("data-outcome=\"pending\""),
        "{}",
        row_html(&acc.body, &slug)
    );

    let url = "https://example.org/tracker-test-renewal";
    let claim = json!({"kind": "season_renewed", "series": slug, "season": next,
        "event_date": today.to_string(), "published": today.to_string(),
        "source": {"name": "Tracker Test Daily", "url": url, "kind": "trade_press"}});
    let auth = format!("Bearer {secret}");
    let r = post(
        &s.base,
        "/api/v1/claims",
        &[
            ("Content-Type", "application/json"),
            ("Authorization", auth.as_str()),
        ],
        &claim.to_string(),
    );
    assert_eq!(r.status, 201, "{}", r.body);

    // The page and the list say renewed at once, citing the new claim.
    let after = get_page(&s.base, "/tracker");
    let row = row_html(&after.body, &slug);
    assert_eq!(rows(row)[0].1, "renewed", "{row}");
    assert!(row.contains(&format!("href=\"{url}\"")), "{row}");
    let listed = greenlight_report::list(&store).unwrap();
    let mine = listed
        .iter()
        .find(|v| v.status.series.slug == slug)
        .unwrap();
    assert_eq!(mine.status.status.as_str(), "renewed");
    assert_eq!(
        rows(&after.body).len(),
        listed.len(),
        "the page and the list hold the same series"
    );

    // The prediction kept before the announcement now has its outcome, on the page too.
    let acc = get_page(&s.base, "/accuracy");
    assert_eq!(acc.status, 200);
    let row = row_html(&acc.body, &slug);
    assert!(row.contains("data-outcome=\"renewed\""), "{row}");
    assert!(row.contains("Tracker Test Daily"), "{row}");
    assert!(row.contains(&format!("href=\"{url}\"")), "{row}");
    assert!(!row.contains("not scored"), "{row}");
    let kept = store.predictions(false).unwrap();
    let p = kept
        .iter()
        .find(|p| p.series == slug && p.season == o.season)
        .unwrap();
    let outcome = p.outcome.as_ref().expect("outcome filled");
    assert_eq!(outcome.outcome, "renewed");
    assert_eq!(outcome.published, Some(today));
    // Only that one was decided: every other kept prediction is still pending.
    assert_eq!(
        kept.iter().filter(|p| p.outcome.is_some()).count(),
        1,
        "{kept:?}"
    );
    let svg = get_page(&s.base, "/accuracy/calibration.svg");
    assert_eq!(svg.status, 200);
    assert!(
        svg.body.contains("track record (decided since), 1 seasons"),
        "{}",
        &svg.body[..400.min(svg.body.len())]
    );
}

#[test]
fn the_calendar_estimates_from_the_observed_gaps_and_says_so() {
    warm();
    let s = server();
    let store = Store::open(&s.db).unwrap();
    let views = greenlight_report::list(&store).unwrap();
    let cal = scorecard::calendar_of(&views, scorecard::today());
    let gaps = scorecard::decision_gaps(&views);
    let page = get_page(&s.base, "/calendar");
    assert_eq!(page.status, 200);
    let g = cal
        .gaps
        .as_ref()
        .expect("the ledger dates some decisions exactly");
    assert_eq!(g.sample, gaps.len());
    assert!(gaps.iter().all(|d| *d >= 0));
    assert!(g.p25_days <= g.median_days && g.median_days <= g.p75_days);
    assert!(
        page.body.contains(&format!(
            "observed in <strong>{} seasons</strong>",
            g.sample
        )),
        "sample size shown"
    );
    assert!(page.body.contains("Estimate, not an announcement"));
    // Every awaiting series is listed, overdue or undated: none is lost.
    let awaiting = views
        .iter()
        .filter(|v| v.status.status.as_str() == "awaiting_decision")
        .count();
    assert_eq!(cal.expected.len() + cal.overdue + cal.undated, awaiting);
    let listed = rows(&page.body).len();
    assert_eq!(listed, cal.events.len() + cal.expected.len());
    for e in &cal.events {
        assert!(e.date >= cal.as_of, "{e:?} is not ahead");
    }
}

/// The sort links work in a real browser: clicking one loads the page sorted as the report
/// sorts it, with no script on the page, and the page fits a phone's width.
#[test]
fn tracker_sort_links_work_in_headless_chromium() {
    warm();
    let server = common::server();
    let store = Store::open(&server.db).unwrap();
    let mut card = scorecard::scorecard(&store).unwrap();
    let d = start_driver();
    let profile = tempfile::tempdir().unwrap();
    let id = new_session(&d, profile.path());
    let s = |p: &str| format!("/session/{id}{p}");
    d.call(
        "POST",
        &s("/url"),
        Some(json!({"url": format!("{}/tracker?status=renewed", server.base)})),
    );
    let link = d.call(
        "POST",
        &s("/element"),
        Some(json!({"using": "css selector", "value": "nav[aria-label=Sort] a[href*='sort=decided']"})),
    );
    let link = link[ELEMENT].as_str().expect("the sort link").to_string();
    d.call(
        "POST",
        &s(&format!("/element/{link}/click")),
        Some(json!({})),
    );
    let url = d.call("GET", &s("/url"), None);
    assert_eq!(
        url.as_str().unwrap(),
        format!("{}/tracker?status=renewed&sort=decided", server.base)
    );
    let source = d.call("GET", &s("/source"), None);
    let source = source.as_str().unwrap();
    assert!(!source.contains("<script"));
    card.sort(Sort::Decided);
    let want: Vec<String> = card
        .rows
        .iter()
        .filter(|r| r.group == Group::Renewed)
        .map(|r| r.slug.clone())
        .collect();
    let got: Vec<String> = rows(source).into_iter().map(|r| r.0).collect();
    assert_eq!(got, want);
    assert!(!want.is_empty());
    d.call(
        "POST",
        &s("/window/rect"),
        Some(json!({"width": 390, "height": 844})),
    );
    let fits = d.call(
        "POST",
        &s("/execute/sync"),
        Some(json!({"script": "return document.documentElement.scrollWidth <= window.innerWidth + 1;", "args": []})),
    );
    let shot = crate::browser::base64(d.call("GET", &s("/screenshot"), None).as_str().unwrap());
    std::fs::write(screenshots_dir().join("tracker-phone.png"), &shot).unwrap();
    assert_eq!(fits, true, "the scorecard scrolls sideways on a phone");
    d.call("DELETE", &format!("/session/{id}"), None);
}
