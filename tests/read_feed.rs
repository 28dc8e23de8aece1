//! Reading a feed with the real extractor and committing its decisions.
//!
//! The acceptance line: `read` of an RSS feed served on loopback commits its decisions;
//! the series pages then show those claims with the article's link; a second read adds nothing.

mod common;

use common::{json, news_server, serve, store};
use greenlight_testkit::dump;

fn get(url: &str) -> String {
    ureq::get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
        .body_mut()
        .read_to_string()
        .unwrap()
}

#[test]
fn a_feed_read_with_commit_stores_its_decisions_shows_them_on_the_series_pages_and_adds_nothing_twice(
) {
    let db = store();
    let s = news_server();
    let feed = s.url("/feed.rss");
    let first = json(&db, &["read", &feed, "--commit", "--json"]);
    let commit = &first["commit"];
    let claims = commit["claims"].as_array().unwrap();
    // The feed's three decisions, each stored under its series, citing its item.
    let expected = [
        ("Partner Track", "https://deadline.com/2022/11/partner-track-canceled-netflix-greenlight-fixture-1235166100/", "canceled", 1),
        ("Wednesday", "https://variety.com/2023/tv/news/wednesday-season-2-renewed-netflix-greenlight-fixture-1235475800/", "season_renewed", 2),
        ("1899", "https://www.season2watch.example/1899-season-2/", "canceled", 1),
    ];
    assert!(commit["added"].as_u64().unwrap() >= 3, "{commit}");
    let served = serve(&db);
    for (i, (title, url, kind, season)) in expected.iter().enumerate() {
        let mine: Vec<_> = claims
            .iter()
            .filter(|c| c["article"] == i && c["outcome"] == "added")
            .collect();
        assert!(
            !mine.is_empty(),
            "{title}: nothing committed from its item: {commit}"
        );
        let slug = mine[0]["series"].as_str().unwrap();
        let t = json(&db, &["timeline", slug, "--json"]);
        let cited: Vec<_> = t["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["source"]["url"] == *url)
            .collect();
        assert!(
            cited
                .iter()
                .any(|e| e["kind"] == *kind && e["season"] == *season),
            "{title}: no {kind} season {season} citing {url}: {cited:?}"
        );
        // The series page shows the claim with the article's link.
        let page = get(&format!("{}/series/{slug}", served.1));
        assert!(
            page.contains(&format!("href=\"{url}\"")),
            "{title}: the page /series/{slug} does not link {url}"
        );
    }
    drop(served);

    // A second read of the same feed adds nothing.
    let before = dump(&db);
    let again = json(&db, &["read", &feed, "--commit", "--json"]);
    assert_eq!(again["commit"]["added"], 0, "{}", again["commit"]);
    assert_eq!(again["commit"]["already_there"], commit["added"]);
    assert_eq!(dump(&db), before, "a second read changed the store");
}
