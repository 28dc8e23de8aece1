//! The site agrees with itself (issue 10, items 4-6), over HTTP against the real data and the
//! announcements: every source a status rests on is a link on the series page; the feeds and
//! the home page list only real status changes, each one a decision the series' own status
//! report holds; pages leave out what does not apply (an outlook after a cancellation, empty
//! sections, a film's status); the chart breaks where a season left the Top 10.

use crate::common;

use common::{get, server};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The series the issue names: renewed, ended, canceled, revived by data, with contradictions.
const SERIES: &[&str] = &[
    "stranger-things",
    "squid-game",
    "wednesday",
    "kaos",
    "1899",
    "the-crown",
    "partner-track",
];

/// A URL as maud writes it inside an attribute.
fn escaped(u: &str) -> String {
    u.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Every source URL a status report's claims carry: evidence, contradictions (winners and
/// losers) and each season's outcome.
fn report_urls(j: &Value) -> BTreeSet<String> {
    let mut claims: Vec<&Value> = Vec::new();
    claims.extend(j["evidence"].as_array().unwrap());
    for c in j["contradictions"].as_array().unwrap() {
        claims.push(&c["winner"]);
        claims.extend(c["losers"].as_array().unwrap());
    }
    for s in j["seasons"].as_array().unwrap() {
        claims.extend(s["evidence"].as_array().unwrap());
    }
    claims
        .iter()
        .filter_map(|c| c["source"]["url"].as_str().map(str::to_string))
        .collect()
}

/// Every `href` value on a page.
fn hrefs(page: &str) -> Vec<&str> {
    page.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

#[test]
fn every_source_url_of_a_status_is_a_link_on_its_page() {
    let s = server();
    for slug in SERIES {
        let status = get(&s.base, &format!("/api/v1/series/{slug}/status"));
        assert_eq!(status.status, 200, "{slug}");
        let urls = report_urls(&status.json());
        assert!(!urls.is_empty(), "{slug}: no source URLs to check");
        let page = get(&s.base, &format!("/series/{slug}")).body;
        for u in &urls {
            assert!(
                page.contains(&format!("href=\"{}\"", escaped(u))),
                "/series/{slug}: source {u} is not a link"
            );
        }
        // Nothing else: links are the site's own paths or web URLs.
        for h in hrefs(&page) {
            assert!(
                h.starts_with('/') && !h.starts_with("//")
                    || h.starts_with("https://")
                    || h.starts_with("http://"),
                "/series/{slug}: unsafe href {h}"
            );
        }
    }
}

#[test]
fn data_evidence_names_its_file_and_row_once_per_season() {
    let s = server();
    let page = get(&s.base, "/series/stranger-things").body;
    // The chart row: list, week and rank, linked to Netflix's Top 10 site.
    assert!(
        page.contains(
            "Netflix Top 10 (global)</a>, week ending <time datetime=\"2025-11-30\">2025-11-30</time>, TV (English) #1"
        ),
        "no Top 10 row for season 5"
    );
    assert!(page.contains("href=\"https://www.netflix.com/tudum/top10\""));
    // The engagement report: half-year, file, and the publisher's page.
    assert!(page.contains("Netflix engagement report 2023H1</a>"));
    assert!(page.contains("What_We_Watched_A_Netflix_Engagement_Report_2023Jan-Jun.xlsx"));
    assert!(page.contains(
        "href=\"https://about.netflix.com/en/news/what-we-watched-a-netflix-engagement-report\""
    ));
    // One line per season in the timeline, not one per sighting.
    let timeline = &page[page.find("id=\"timeline\"").expect("timeline")..];
    let timeline = &timeline[..timeline.find("</section>").unwrap()];
    for n in 2..=5 {
        assert_eq!(
            timeline.matches(&format!("Season {n}: seen")).count(),
            1,
            "season {n}'s sightings are not one line"
        );
    }
    assert!(
        !timeline.contains("first Top 10 week ending"),
        "a sighting listed on its own"
    );
}

/// One `<entry>` of an Atom document: its alternate link, related links, date and text.
struct Entry {
    slug: String,
    date: String,
    related: Vec<String>,
    text: String,
}

fn entries(atom: &str) -> Vec<Entry> {
    atom.split("<entry>")
        .skip(1)
        .map(|e| {
            let e = &e[..e.find("</entry>").expect("closed entry")];
            let links: Vec<&str> = e.split("<link ").skip(1).collect();
            let href = |l: &str| {
                l.split("href=\"")
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .unwrap_or("")
                    .to_string()
            };
            let alternate = links
                .iter()
                .find(|l| l.contains("rel=\"alternate\""))
                .map(|l| href(l))
                .expect("entry links its series page");
            let slug = alternate
                .rsplit("/series/")
                .next()
                .unwrap_or("")
                .to_string();
            let date = e
                .split("<published>")
                .nth(1)
                .map(|p| p[..10].to_string())
                .expect("published");
            Entry {
                slug,
                date,
                related: links
                    .iter()
                    .filter(|l| l.contains("rel=\"related\""))
                    .map(|l| href(l))
                    .collect(),
                text: e.to_string(),
            }
        })
        .collect()
}

/// The dates on which the series' status report records a decision: a season outcome's
/// `decided_on`, or the announcement of a release date among its deciding claims.
fn decision_dates(report: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for o in report["seasons"].as_array().unwrap() {
        if o["decision"] == "awaiting_decision" {
            continue;
        }
        if let Some(d) = o["decided_on"].as_str() {
            out.insert(d.to_string());
        }
        for e in o["evidence"].as_array().unwrap() {
            if e["kind"] == "release_date_announced" {
                for k in ["event_date", "published"] {
                    if let Some(d) = e[k].as_str() {
                        out.insert(d.to_string());
                    }
                }
            }
        }
    }
    out
}

#[test]
fn feeds_list_only_real_status_changes_from_the_status_reports() {
    let s = server();
    let site = get(&s.base, "/feeds/status.atom");
    assert_eq!(site.status, 200);
    let mut feeds: Vec<(String, String)> = vec![("/feeds/status.atom".into(), site.body)];
    for slug in SERIES {
        let path = format!("/series/{slug}/feed.atom");
        feeds.push((path.clone(), get(&s.base, &path).body));
    }
    let mut reports: BTreeMap<String, Value> = BTreeMap::new();
    let mut total = 0;
    let mut with_source_link = 0;
    for (path, body) in &feeds {
        assert!(
            !body.contains("awaits a decision") && !body.contains("premiered;"),
            "{path} lists a premiere as a status change"
        );
        let list = entries(body);
        // One entry per series and date.
        let keys: BTreeSet<(&str, &str)> = list
            .iter()
            .map(|e| (e.slug.as_str(), e.date.as_str()))
            .collect();
        assert_eq!(keys.len(), list.len(), "{path}: two entries for one day");
        for e in &list {
            let report = reports.entry(e.slug.clone()).or_insert_with(|| {
                get(&s.base, &format!("/api/v1/series/{}/status", e.slug)).json()
            });
            assert!(
                decision_dates(report).contains(&e.date),
                "{path}: the entry of {} on {} is no decision of its status report: {}",
                e.slug,
                e.date,
                e.text
            );
            total += 1;
            with_source_link += usize::from(!e.related.is_empty());
        }
    }
    assert!(total >= 20, "few status changes ({total})");
    assert!(
        with_source_link * 2 > total,
        "most entries should link their source ({with_source_link} of {total})"
    );
    // The home page's list is the site feed's newest entries, linked the same way.
    let home = get(&s.base, "/").body;
    let changes =
        &home[home.find("id=\"changes-h\"").unwrap()..home.find("id=\"top10-h\"").unwrap()];
    assert!(!changes.contains("awaits a decision"));
    assert!(
        changes.contains("href=\"/series/"),
        "changes link series pages"
    );
    assert!(
        changes.contains("href=\"https://"),
        "changes link their sources"
    );
}

#[test]
fn pages_leave_out_what_does_not_apply() {
    let s = server();
    for slug in ["partner-track", "1899", "kaos"] {
        let b = get(&s.base, &format!("/series/{slug}")).body;
        assert!(
            b.contains("class=\"badge canceled\""),
            "{slug} not canceled"
        );
        assert!(
            !b.contains("id=\"outlook\"") && !b.contains("Likely returning cast"),
            "/series/{slug}: an outlook for a season that will not come"
        );
    }
    // A show still going has one.
    assert!(get(&s.base, "/series/wednesday")
        .body
        .contains("id=\"outlook\""));
    for slug in SERIES.iter().chain(&["nope"]) {
        let b = get(&s.base, &format!("/series/{slug}")).body;
        for empty in [
            "No regulars recorded",
            "None released.",
            "Not known (no episode count",
            "No reviews or scores recorded",
            "Not in any imported",
            "has no weeks in Netflix",
        ] {
            assert!(!b.contains(empty), "/series/{slug} says “{empty}”");
        }
        // A cast table, when there is one, follows its heading directly.
        if let Some(i) = b.find("id=\"cast-h\"") {
            assert!(
                b[i..].contains("<table"),
                "/series/{slug}: empty cast section"
            );
        }
    }
}

#[test]
fn a_film_page_has_no_status() {
    let s = server();
    let r = get(&s.base, "/series/nope");
    assert_eq!(r.status, 200);
    let b = &r.body;
    for no in [
        "id=\"status\"",
        "Status of season",
        "id=\"odds\"",
        "id=\"outlook\"",
        "Renewal odds",
    ] {
        assert!(!b.contains(no), "a film page shows {no}");
    }
    // Its viewing data is there.
    assert!(
        b.contains("id=\"engagement\"") && b.contains("2023H1"),
        "engagement"
    );
    let feed = get(&s.base, "/series/nope/feed.atom");
    assert_eq!(feed.status, 200);
    assert_eq!(feed.body.matches("<entry>").count(), 0);
}

/// Polylines of each colour in a chart SVG: an unbroken line is three (its hours panel, its
/// rank panel, its legend key); each break adds one per panel.
fn polylines_by_colour(svg: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for p in svg.split("<polyline").skip(1) {
        let tag = &p[..p.find('>').unwrap_or(p.len())];
        if !tag.contains("stroke-width=\"3\"") {
            continue;
        }
        if let Some(c) = tag
            .split("stroke=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
        {
            *out.entry(c.to_string()).or_insert(0) += 1;
        }
    }
    out
}

#[test]
fn the_chart_breaks_where_a_season_left_the_top_10() {
    let s = server();
    // Stranger Things' whole-show entry charted in 2022 and again from 2025.
    let weeks = get(&s.base, "/api/v1/series/stranger-things/chart").json();
    let whole: Vec<&str> = weeks
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["season"].as_str().unwrap_or("").is_empty())
        .map(|w| w["week_end"].as_str().unwrap())
        .collect();
    let year = |y: &str| whole.iter().any(|w| w.starts_with(y));
    assert!(
        year("2022") && !year("2023") && !year("2024") && year("2025"),
        "the data no longer has the gap this test draws: {whole:?}"
    );
    let svg = get(&s.base, "/series/stranger-things/chart.svg").body;
    let lines = polylines_by_colour(&svg);
    assert!(
        lines.values().any(|n| *n > 3),
        "no line is broken into segments: {lines:?}"
    );
    // Partner Track's three consecutive weeks stay one line.
    let svg = get(&s.base, "/series/partner-track/chart.svg").body;
    let lines = polylines_by_colour(&svg);
    assert_eq!(
        lines.values().copied().collect::<Vec<_>>(),
        vec![3],
        "{lines:?}"
    );
}

#[test]
fn pages_say_how_old_the_chart_data_is() {
    let s = server();
    let store = greenlight_store::Store::open(&s.db).unwrap();
    let latest = store.latest_chart_week().unwrap().expect("chart data");
    let needle = format!("Latest chart: week ending <time datetime=\"{latest}\">{latest}</time>, ");
    for path in ["/", "/series/stranger-things", "/series/nope"] {
        let b = get(&s.base, path).body;
        let i = b
            .find(&needle)
            .unwrap_or_else(|| panic!("{path} does not date its chart data"));
        assert!(b[i..].contains(" ago."), "{path}: no age");
    }
}
