//! The tracker's pages (issue 13) over the real store: the group pages of `/tracker`, walked by
//! their pager links, hold every TV series of `report::list` exactly once, with the status and
//! deciding source that report gives, and the summary each group's count and first rows; each
//! page's gzip copy inflates to its plain body; a claim added through the API changes
//! `/tracker` and the list at once; a prediction kept before an
//! announcement shows on `/accuracy` with its outcome after it; the sort links work in a real
//! browser without any script.

use crate::browser::{new_session, screenshots_dir, start_driver, ELEMENT};
use crate::common::{self, get, post, private_server, server};
use greenlight_report::scorecard::{self, Group, Sort};
use greenlight_report::OddsOrWhy;
use greenlight_store::Store;
use greenlight_web::tracker_pages;
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

/// Attribute values as maud writes them: `&` escaped.
fn unescape(s: &str) -> String {
    s.replace("&amp;", "&")
}

/// The `href` of the link with `rel="REL"` on a page (the pager's first one), unescaped.
fn rel_link(html: &str, rel: &str) -> Option<String> {
    let marker = format!("\" rel=\"{rel}\"");
    let end = html.find(&marker)?;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    Some(unescape(&html[start..end]))
}

/// The pager's "page N of M" (its `data-page` and `data-pages`).
fn page_of_pages(html: &str) -> (usize, usize) {
    let num = |attr: &str| -> usize {
        let at = html.find(attr).unwrap_or_else(|| panic!("no {attr}")) + attr.len();
        html[at..].split('"').next().unwrap().parse().unwrap()
    };
    (num("data-page=\""), num("data-pages=\""))
}

/// A section's `data-count`: the rows of its group.
fn section_count(html: &str, g: Group) -> usize {
    let marker = format!("<section id=\"{}\" data-count=\"", g.name());
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no section {}", g.name()))
        + marker.len();
    html[at..].split('"').next().unwrap().parse().unwrap()
}

/// Every page of group `g` in `sort`, following the pager's next links from page 1, checking
/// each page's links against its number: the rows of all the pages, in page order, and the
/// pages themselves.
fn walk_group(base: &str, g: Group, sort: Sort) -> (Vec<(String, String)>, Vec<String>) {
    let sort_q = if sort == Sort::Title {
        String::new()
    } else {
        format!("sort={}", sort.name())
    };
    let href = |page: usize| {
        let mut q: Vec<String> = Vec::new();
        if !sort_q.is_empty() {
            q.push(sort_q.clone());
        }
        if page > 1 {
            q.push(format!("page={page}"));
        }
        if q.is_empty() {
            format!("/tracker/{}", g.name())
        } else {
            format!("/tracker/{}?{}", g.name(), q.join("&"))
        }
    };
    let mut out = Vec::new();
    let mut bodies = Vec::new();
    let mut path = href(1);
    let mut expect_page = 1;
    loop {
        let r = get_page(base, &path);
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        assert!(!r.body.contains("<script"), "the page needs no script");
        let (page, pages) = page_of_pages(&r.body);
        assert_eq!(page, expect_page, "{path}");
        let total = section_count(&r.body, g);
        assert_eq!(
            pages,
            total.div_ceil(tracker_pages::PAGE_ROWS).max(1),
            "{path}"
        );
        let rows = rows(&r.body);
        // Every page but the last is full; the last holds the rest.
        if page < pages {
            assert_eq!(rows.len(), tracker_pages::PAGE_ROWS, "{path}");
        } else {
            assert_eq!(
                rows.len(),
                total - (pages - 1) * tracker_pages::PAGE_ROWS,
                "{path}"
            );
        }
        // The pager: previous and first from page 2 on, next and last before the last page,
        // each naming its page in the same order.
        assert_eq!(
            rel_link(&r.body, "prev"),
            (page > 1).then(|| href(page - 1)),
            "{path}"
        );
        assert_eq!(
            rel_link(&r.body, "first"),
            (page > 1).then(|| href(1)),
            "{path}"
        );
        assert_eq!(
            rel_link(&r.body, "last"),
            (page < pages).then(|| href(pages)),
            "{path}"
        );
        let next = rel_link(&r.body, "next");
        assert_eq!(next, (page < pages).then(|| href(page + 1)), "{path}");
        out.extend(rows);
        bodies.push(r.body);
        match next {
            Some(n) => {
                path = n;
                expect_page += 1;
            }
            None => break,
        }
    }
    // One past the last page is a 404 page, not an empty one.
    let past = get_page(base, &href(expect_page + 1));
    assert_eq!(past.status, 404, "{}", past.body);
    assert!(past.content_type.starts_with("text/html"));
    (out, bodies)
}

/// Each row's `<tr>` on `pages`, by slug.
fn row_htmls(pages: &[String]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for html in pages {
        let mut rest = html.as_str();
        while let Some(i) = rest.find("<tr data-slug=\"") {
            rest = &rest[i..];
            let end = rest.find("</tr>").expect("row end");
            let slug = rest["<tr data-slug=\"".len()..].split('"').next().unwrap();
            out.insert(slug.to_string(), rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    out
}

/// The address of the group page (title order) that holds `slug` on `card`.
fn page_holding(card: &scorecard::Scorecard, slug: &str) -> String {
    let r = card
        .rows
        .iter()
        .find(|r| r.slug == slug)
        .expect("on the card");
    let i = card
        .rows
        .iter()
        .filter(|x| x.group == r.group)
        .position(|x| x.slug == slug)
        .unwrap();
    tracker_pages::group_href(r.group, Sort::Title, i / tracker_pages::PAGE_ROWS + 1)
}

#[test]
fn every_tv_series_is_on_exactly_one_group_page_with_its_status_and_source() {
    warm();
    let s = server();
    let store = Store::open(&s.db).unwrap();
    let views = greenlight_report::list(&store).unwrap();
    let card = scorecard::scorecard_of(&views, scorecard::today());
    assert!(views.len() > 1000, "only {} series", views.len());
    // The kept board the pages read gives the rows the derivation gives, every field (the
    // probability through its JSON text, which serde_json reads back to within an ulp).
    let kept = scorecard::scorecard_kept(&store).unwrap();
    assert_eq!(kept.rows.len(), card.rows.len());
    for (k, r) in kept.rows.iter().zip(&card.rows) {
        let close = match (k.probability, r.probability) {
            (Some(a), Some(b)) => (a - b).abs() <= 1e-12,
            (a, b) => a == b,
        };
        assert!(
            close,
            "{}: {:?} vs {:?}",
            r.slug, k.probability, r.probability
        );
        let mut k = k.clone();
        k.probability = r.probability;
        assert_eq!(&k, r);
    }

    // The summary: each group's count and its first rows, linking the group's pages.
    let summary = get_page(&s.base, "/tracker");
    assert_eq!(summary.status, 200, "{}", summary.body);
    assert!(summary.content_type.starts_with("text/html"));
    assert!(
        !summary.body.contains("<script"),
        "the page needs no script"
    );
    let first: Vec<String> = rows(&summary.body).into_iter().map(|r| r.0).collect();
    let mut want_first = Vec::new();
    for g in Group::ALL {
        assert_eq!(
            section_count(&summary.body, g),
            card.count(g),
            "{}",
            g.name()
        );
        assert!(summary
            .body
            .contains(&format!("href=\"/tracker/{}\"", g.name())));
        want_first.extend(
            card.rows
                .iter()
                .filter(|r| r.group == g)
                .take(tracker_pages::SUMMARY_ROWS)
                .map(|r| r.slug.clone()),
        );
    }
    assert_eq!(
        first, want_first,
        "the summary shows each group's first rows"
    );

    // Every page of every group, walked by the pager's links: the whole set of TV series, each
    // exactly once, on its group's pages, in the group's order.
    let mut on_pages: Vec<(String, String)> = Vec::new();
    let mut bodies = Vec::new();
    for g in Group::ALL {
        let (got, pages) = walk_group(&s.base, g, Sort::Title);
        bodies.extend(pages);
        let want: Vec<&str> = card
            .rows
            .iter()
            .filter(|r| r.group == g)
            .map(|r| r.slug.as_str())
            .collect();
        let slugs: Vec<&str> = got.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(slugs, want, "group {}", g.name());
        on_pages.extend(got);
    }
    let row_of = row_htmls(&bodies);
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (slug, _) in &on_pages {
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
    assert_eq!(on_pages.len(), views.len(), "rows that are no TV series");

    // Every row: its status, its series page and its source (linked when it has a URL).
    let status_of: HashMap<&str, &str> = on_pages
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    for r in &card.rows {
        assert_eq!(status_of[r.slug.as_str()], r.status.as_str(), "{}", r.slug);
        let html = &row_of[&r.slug];
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
    // Another order pages the same set in that order.
    let mut by_odds = card.clone();
    by_odds.sort(Sort::Odds);
    let got: Vec<String> = walk_group(&s.base, Group::Awaiting, Sort::Odds)
        .0
        .into_iter()
        .map(|r| r.0)
        .collect();
    let want: Vec<String> = by_odds
        .rows
        .iter()
        .filter(|r| r.group == Group::Awaiting)
        .map(|r| r.slug.clone())
        .collect();
    assert_eq!(got, want);

    // The first scorecard's one-group address redirects to the group's page, order kept.
    let no_follow: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let r = no_follow
        .get(&format!("{}/tracker?status=renewed&sort=decided", s.base))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 308);
    assert_eq!(
        r.headers().get("location").unwrap().to_str().unwrap(),
        "/tracker/renewed?sort=decided"
    );
    let followed = get_page(&s.base, "/tracker?status=final_season");
    assert_eq!(followed.status, 200);
    let want: Vec<&str> = card
        .rows
        .iter()
        .filter(|r| r.group == Group::FinalSeason)
        .take(tracker_pages::PAGE_ROWS)
        .map(|r| r.slug.as_str())
        .collect();
    let got: Vec<String> = rows(&followed.body).into_iter().map(|r| r.0).collect();
    assert_eq!(got, want);

    // Bad input: a clear 400 (problem JSON naming the parameter) or a 404 page.
    for bad in [
        "/tracker?sort=nonsense",
        "/tracker?status=nonsense",
        "/tracker/awaiting?sort=nonsense",
        "/tracker/awaiting?page=0",
        "/tracker/awaiting?page=-1",
        "/tracker/awaiting?page=two",
        "/tracker/awaiting?page=",
        "/tracker/awaiting?page=99999999999999999999999",
    ] {
        let r = get_page(&s.base, bad);
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        let name = if bad.contains("page=") {
            "`page`"
        } else if bad.contains("status=") {
            "`status`"
        } else {
            "`sort`"
        };
        assert!(r.body.contains(name), "{bad}: {}", r.body);
    }
    let r = get_page(&s.base, "/tracker/renewals");
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(r.content_type.starts_with("text/html"));
    assert!(
        r.body.contains("final_season"),
        "names the groups: {}",
        r.body
    );
}

/// The gzip copy of a page: sent when `Accept-Encoding` takes gzip, inflating to the plain body
/// byte for byte, with an ETag of its own, `Vary: Accept-Encoding` on both, and a 304 for
/// each tag only in its own encoding.
#[test]
fn a_gzip_copy_of_each_page_inflates_to_the_plain_body_under_its_own_etag() {
    use std::io::Read;
    warm();
    let s = server();
    let raw = |path: &str, headers: &[(&str, &str)]| {
        let mut req = common::agent().get(&format!("{}{path}", s.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let mut r = req.call().unwrap();
        let h = |n: &str| r.headers().get(n).map(|v| v.to_str().unwrap().to_string());
        let (enc, vary, etag) = (h("content-encoding"), h("vary"), h("etag"));
        let status = r.status().as_u16();
        let body = r
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .unwrap();
        (status, enc, vary, etag, body)
    };
    let paths = [
        "/tracker",
        "/tracker/awaiting?page=2",
        "/tracker/canceled?sort=decided",
        "/api/v1/series?limit=50",
    ];
    for path in paths {
        let _ = get_page(&s.base, path);
        let (st, enc, vary, plain_tag, plain) = raw(path, &[]);
        assert_eq!(st, 200, "{path}");
        assert_eq!(enc, None, "{path}: no Accept-Encoding, no encoding");
        assert_eq!(vary.as_deref(), Some("accept-encoding"), "{path}");
        let plain_tag = plain_tag.expect("an ETag");
        for accept in ["gzip", "br, gzip;q=0.8", "*", "deflate, x-gzip"] {
            let (st, enc, vary, gz_tag, gz) = raw(path, &[("Accept-Encoding", accept)]);
            assert_eq!(st, 200, "{path}");
            assert_eq!(enc.as_deref(), Some("gzip"), "{path} with {accept}");
            assert_eq!(vary.as_deref(), Some("accept-encoding"), "{path}");
            let gz_tag = gz_tag.expect("an ETag");
            assert_ne!(gz_tag, plain_tag, "{path}: one tag per encoding");
            assert!(
                gz.len() * 3 < plain.len(),
                "{path}: {} of {}",
                gz.len(),
                plain.len()
            );
            let mut inflated = Vec::new();
            flate2::read::GzDecoder::new(&gz[..])
                .read_to_end(&mut inflated)
                .unwrap();
            assert!(inflated == plain, "{path}: the gzip copy is the plain body");
            // Each tag is a 304 in its own encoding only.
            let (st, ..) = raw(
                path,
                &[("Accept-Encoding", accept), ("If-None-Match", &gz_tag)],
            );
            assert_eq!(st, 304, "{path}");
            let (st, enc, ..) = raw(
                path,
                &[("Accept-Encoding", accept), ("If-None-Match", &plain_tag)],
            );
            assert_eq!((st, enc.as_deref()), (200, Some("gzip")), "{path}");
            let (st, ..) = raw(path, &[("If-None-Match", &gz_tag)]);
            assert_eq!(st, 200, "{path}");
        }
        let (st, ..) = raw(path, &[("If-None-Match", &plain_tag)]);
        assert_eq!(st, 304, "{path}");
        // Refused or other codings get the plain body.
        for accept in ["gzip;q=0", "identity", "br", "gzip;q=nonsense", "*;q=0"] {
            let (st, enc, _, tag, body) = raw(path, &[("Accept-Encoding", accept)]);
            assert_eq!((st, enc), (200, None), "{path} with {accept}");
            assert_eq!(tag.as_deref(), Some(plain_tag.as_str()));
            assert!(body == plain, "{path} with {accept}");
        }
    }
}

#[test]
fn a_claim_through_the_api_changes_tracker_list_and_accuracy_at_once() {
    warm();
    let s = private_server();
    let secret = {
        let mut store = Store::open(&s.db).unwrap();
        greenlight_web::create_token(&mut store, "tracker test", None).unwrap()
    };
    // Viewing the tracker keeps a prediction for every season it shows odds for, once (the
    // copy's store may hold today's already: `warm`'s list keeps them too).
    let summary = get_page(&s.base, "/tracker");
    assert_eq!(summary.status, 200);
    let store = Store::open(&s.db).unwrap();
    let pending = store.predictions(true).unwrap();
    let views = greenlight_report::list(&store).unwrap();
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
    let card = scorecard::scorecard_of(&views, today);
    let before = get_page(&s.base, &page_holding(&card, &slug));
    assert_eq!(before.status, 200);
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

    // The page and the list say renewed at once, citing the new claim: the series has left
    // the awaiting group's page it was on, for the renewed group's.
    let listed = greenlight_report::list(&store).unwrap();
    let mine = listed
        .iter()
        .find(|v| v.status.series.slug == slug)
        .unwrap();
    assert_eq!(mine.status.status.as_str(), "renewed");
    let card_after = scorecard::scorecard_of(&listed, today);
    let was = get_page(&s.base, &page_holding(&card, &slug));
    assert!(
        !was.body.contains(&format!("<tr data-slug=\"{slug}\"")),
        "still awaiting"
    );
    let now = page_holding(&card_after, &slug);
    assert!(now.starts_with("/tracker/renewed"), "{now}");
    let after = get_page(&s.base, &now);
    let row = row_html(&after.body, &slug);
    assert_eq!(rows(row)[0].1, "renewed", "{row}");
    assert!(row.contains(&format!("href=\"{url}\"")), "{row}");
    let summary = get_page(&s.base, "/tracker");
    for g in Group::ALL {
        assert_eq!(
            section_count(&summary.body, g),
            card_after.count(g),
            "the summary and the list count the same series in {}",
            g.name()
        );
    }
    assert_eq!(
        section_count(&summary.body, Group::Renewed),
        card.count(Group::Renewed) + 1
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
    // The page reads the kept board: the same calendar as the derivation's (each probability
    // through its JSON text, to within an ulp).
    let mut kept = scorecard::calendar_kept(&store).unwrap();
    assert_eq!(kept.expected.len(), cal.expected.len());
    for (k, e) in kept.expected.iter_mut().zip(&cal.expected) {
        match (k.probability, e.probability) {
            (Some(a), Some(b)) => assert!((a - b).abs() <= 1e-12, "{}", e.slug),
            (a, b) => assert_eq!(a, b, "{}", e.slug),
        }
        k.probability = e.probability;
    }
    assert_eq!(kept, cal);
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
        Some(json!({"url": format!("{}/tracker/renewed", server.base)})),
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
        format!("{}/tracker/renewed?sort=decided", server.base)
    );
    let source = d.call("GET", &s("/source"), None);
    let source = source.as_str().unwrap();
    assert!(!source.contains("<script"));
    card.sort(Sort::Decided);
    let want: Vec<String> = card
        .rows
        .iter()
        .filter(|r| r.group == Group::Renewed)
        .take(tracker_pages::PAGE_ROWS)
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
