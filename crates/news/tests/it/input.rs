//! Reading SOURCEs: feeds served by a real HTTP server on loopback, files, and every way a URL
//! can fail, each failure named with its URL and what limit it hit.

use greenlight_news::input::{read_source, Limits};
use greenlight_testkit::http::{Route, Server};
use std::path::PathBuf;
use std::time::Duration;

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

fn server() -> Server {
    Server::start([
        (
            "/feed.rss".to_string(),
            Route::Ok {
                content_type: "application/rss+xml",
                body: fixture_bytes("feed.rss"),
            },
        ),
        (
            // Served as generic XML: recognised by its root element.
            "/feed.xml".to_string(),
            Route::Ok {
                content_type: "text/xml",
                body: fixture_bytes("feed.rss"),
            },
        ),
        (
            "/feed.atom".to_string(),
            Route::Ok {
                content_type: "application/atom+xml",
                body: fixture_bytes("feed.atom"),
            },
        ),
        (
            "/article.txt".to_string(),
            Route::Ok {
                content_type: "text/plain",
                body: b"Netflix has canceled Partner Track after one season.".to_vec(),
            },
        ),
        ("/r1".to_string(), Route::Redirect("/r2".into())),
        ("/r2".to_string(), Route::Redirect("/feed.rss".into())),
        ("/loop".to_string(), Route::Redirect("/loop".into())),
        ("/gone".to_string(), Route::Status(410)),
        (
            "/slow".to_string(),
            Route::Slow(Duration::from_secs(4), b"late".to_vec()),
        ),
        ("/endless".to_string(), Route::Endless(300_000)),
        (
            "/big".to_string(),
            Route::Ok {
                content_type: "text/html",
                body: vec![b'x'; 300_000],
            },
        ),
    ])
}

fn check_feed(articles: &[greenlight_news::Article]) {
    let got: Vec<(Option<&str>, Option<&str>, Option<String>)> = articles
        .iter()
        .map(|a| {
            (
                a.title.as_deref(),
                a.url.as_deref(),
                a.published.map(|d| d.to_string()),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                Some("‘Partner Track’ Canceled By Netflix After One Season"),
                Some("https://deadline.com/2022/11/partner-track-canceled-netflix-greenlight-fixture-1235166100/"),
                Some("2022-11-08".to_string())
            ),
            (
                Some("‘Wednesday’ Renewed For Season 2 At Netflix"),
                Some("https://variety.com/2023/tv/news/wednesday-season-2-renewed-netflix-greenlight-fixture-1235475800/"),
                Some("2023-01-06".to_string())
            ),
            (
                Some("Is there a season 2 of 1899? Everything we know"),
                Some("https://www.season2watch.example/1899-season-2/"),
                Some("2023-01-04".to_string())
            ),
        ]
    );
    // Each item's own content (content:encoded, else description) is its text.
    assert!(articles[0]
        .text
        .contains("Netflix has canceled Partner Track after one season."));
    assert!(!articles[0].text.contains("Wednesday"));
    assert!(articles[1]
        .text
        .contains("Wednesday has been renewed for season 2 at Netflix"));
    assert!(articles[2]
        .text
        .contains("1899 has been canceled after one season"));
}

#[test]
fn an_rss_feed_on_loopback_is_every_item_an_article() {
    let s = server();
    let limits = Limits::default();
    check_feed(&read_source(&s.url("/feed.rss"), &limits).unwrap());
    check_feed(&read_source(&s.url("/feed.xml"), &limits).unwrap());
    // Redirects within the limit are followed.
    check_feed(&read_source(&s.url("/r1"), &limits).unwrap());
    // The same file read from disk.
    check_feed(&read_source(fixture("feed.rss").to_str().unwrap(), &limits).unwrap());
}

#[test]
fn an_atom_feed_gives_its_entries() {
    let s = server();
    let a = read_source(&s.url("/feed.atom"), &Limits::default()).unwrap();
    assert_eq!(a.len(), 1);
    assert_eq!(
        a[0].title.as_deref(),
        Some("Lockwood & Co. Is Coming January 27")
    );
    assert_eq!(
        a[0].url.as_deref(),
        Some("https://www.netflix.com/tudum/articles/lockwood-and-co-greenlight-fixture")
    );
    // `published`, not `updated`, is the dateline.
    assert_eq!(
        a[0].published.map(|d| d.to_string()).as_deref(),
        Some("2022-12-01")
    );
    assert!(
        a[0].text.contains("premieres January 27, 2023 on Netflix"),
        "{}",
        a[0].text
    );
}

#[test]
fn a_text_url_is_one_article_with_its_url() {
    let s = server();
    let a = read_source(&s.url("/article.txt"), &Limits::default()).unwrap();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].url.as_deref(), Some(s.url("/article.txt").as_str()));
    assert_eq!(
        a[0].text,
        "Netflix has canceled Partner Track after one season."
    );
}

fn error(url: &str, limits: &Limits) -> String {
    read_source(url, limits).unwrap_err().to_string()
}

#[test]
fn url_failures_are_named_with_the_url_and_the_limit() {
    let s = server();
    let l = Limits::default();

    let missing = s.url("/missing");
    assert_eq!(
        error(&missing, &l),
        format!("{missing}: the server answered 404 Not Found; nothing was read")
    );
    let gone = s.url("/gone");
    assert_eq!(
        error(&gone, &l),
        format!("{gone}: the server answered 410 Gone; nothing was read")
    );

    let looped = s.url("/loop");
    assert_eq!(
        error(&looped, &l),
        format!("{looped}: more than 5 redirects; nothing was read")
    );

    let slow = s.url("/slow");
    let quick = Limits {
        timeout: Duration::from_secs(1),
        ..l
    };
    let e = error(&slow, &quick);
    assert!(e.starts_with(&format!("{slow}: timed out")), "{e}");
    assert!(e.contains("1 s for the whole fetch"), "{e}");

    let small = Limits {
        max_bytes: 100_000,
        ..l
    };
    // Refused by its Content-Length, before reading...
    let big = s.url("/big");
    assert_eq!(
        error(&big, &small),
        format!("{big}: larger than the 100000-byte limit; nothing was read from it")
    );
    // ...and, with no length announced, by the cap on what is read.
    let endless = s.url("/endless");
    assert_eq!(
        error(&endless, &small),
        format!("{endless}: larger than the 100000-byte limit; nothing was read from it")
    );

    let e = error("http://127.0.0.1:1/nothing-listens-here", &l);
    assert!(
        e.starts_with("http://127.0.0.1:1/nothing-listens-here: "),
        "{e}"
    );

    let e = error("/no/such/file.html", &l);
    assert!(e.starts_with("/no/such/file.html: "), "{e}");
}

#[test]
fn private_addresses_are_refused_when_fetching_for_others() {
    let s = server();
    let public_only = Limits {
        allow_private: false,
        ..Limits::default()
    };
    let url = s.url("/feed.rss");
    let e = error(&url, &public_only);
    assert!(e.starts_with(&format!("{url}: ")), "{e}");
    assert!(
        e.contains("127.0.0.1, a loopback or private address"),
        "{e}"
    );
    // A redirect to loopback from anywhere is refused the same way: the check is made at
    // every connection, so it also covers `localhost`.
    let e = error(
        &s.url("/r1").replace("127.0.0.1", "localhost"),
        &public_only,
    );
    assert!(e.contains("a loopback or private address"), "{e}");
}
