//! Every route over HTTP, against a server on a free loopback port with all of the real data
//! imported: status codes, content types and bodies; conditional GET; problem JSON; and writes
//! refused without a valid token or body, with the store unchanged.

use crate::common;

use common::{dump, get, get_with, post, private_server, server};

const PROBLEM: &str = "application/problem+json";

fn assert_problem(r: &common::Resp, status: u16) -> serde_json::Value {
    assert_eq!(r.status, status, "body: {}", r.body);
    assert!(
        r.content_type.starts_with(PROBLEM),
        "content type {} for {}",
        r.content_type,
        r.body
    );
    let j = r.json();
    assert_eq!(j["status"], status);
    assert!(
        j["title"].is_string() && j["detail"].is_string() && j["type"].is_string(),
        "{j}"
    );
    j
}

#[test]
fn partner_track_page_answers_the_question() {
    let s = server();
    let r = get(&s.base, "/series/partner-track");
    assert_eq!(r.status, 200);
    assert!(
        r.content_type.starts_with("text/html"),
        "{}",
        r.content_type
    );
    let b = &r.body;
    // Status badge, decision date and its source.
    assert!(b.contains("class=\"badge canceled\""), "no canceled badge");
    assert!(b.contains("2022-11-08"), "no decision date");
    assert!(
        b.contains("Entertainment-news article on Partner Track (2023)"),
        "no deciding source"
    );
    // Canceled: no outlook for a season that will not come (issue 10, item 6), but the cast
    // and the open storylines are still on the page (cast table, timeline).
    assert!(!b.contains("id=\"outlook\""), "outlook on a canceled show");
    assert!(!b.contains("Likely returning cast"));
    assert!(b.contains("Arden Cho") && b.contains("Ingrid Yun"), "cast");
    assert!(
        b.contains("The outcome of the Dylan Stone case"),
        "open storylines"
    );
    // The contradiction is marked, and loses.
    assert!(b.contains("✗ contradicted"), "contradiction not marked");
    assert!(b.contains("Renewed for season 2"));
    // Chart, engagement, reception, cast with characters, facts.
    assert!(
        b.contains("src=\"/series/partner-track/chart.svg\""),
        "no chart"
    );
    assert!(
        b.contains("#7") && b.contains("#4") && b.contains("#6"),
        "chart weeks table"
    );
    assert!(b.contains("2023H1"), "engagement");
    assert!(
        b.contains("62% of 13 critic reviews positive") && b.contains("5.7/10"),
        "rotten tomatoes"
    );
    assert!(
        b.contains("45 from 4 critics") && b.contains("mixed or average"),
        "metacritic"
    );
    assert!(
        b.contains("Tyler Robinson") && b.contains("Zi-Xin 'Z' Min")
            || b.contains("Zi-Xin &#39;Z&#39; Min")
    );
    assert!(
        b.contains("The Partner Track by Helen Wan (2013)") && b.contains("Georgia Lee"),
        "facts"
    );
    // Landmarks and accessible tables.
    for needle in [
        "<main",
        "<header",
        "<footer",
        "lang=\"en\"",
        "<caption>",
        "scope=\"col\"",
        "alt=\"Line charts of",
    ] {
        assert!(b.contains(needle), "missing {needle}");
    }
    assert!(!b.contains("<script"), "pages need no script");
}

#[test]
fn chart_is_an_svg_with_the_run() {
    let s = server();
    let r = get(&s.base, "/series/partner-track/chart.svg");
    assert_eq!(r.status, 200);
    assert!(r.content_type.starts_with("image/svg+xml"));
    assert!(
        r.body.contains("<svg") && r.body.contains("Season 1") && r.body.contains("<polyline"),
        "{}",
        &r.body[..200]
    );
}

#[test]
fn home_search_and_unknown_pages() {
    let s = server();
    let r = get(&s.base, "/");
    assert_eq!(r.status, 200);
    assert!(r.content_type.starts_with("text/html"));
    assert!(r.body.contains("type=\"search\"") && r.body.contains("Latest status changes"));
    assert!(
        r.body.contains("This week's Top 10") && r.body.contains("2026-07-19"),
        "latest chart week"
    );
    assert!(r.body.contains("TV (English)") && r.body.contains("Films (Non-English)"));
    assert!(
        r.body.contains("▲") || r.body.contains("▼") || r.body.contains("new"),
        "movement"
    );

    let r = get(&s.base, "/search?q=partner%20track");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("href=\"/series/partner-track\""));
    // Native titles are searchable.
    let r = get(
        &s.base,
        "/search?q=%EC%98%A4%EC%A7%95%EC%96%B4%20%EA%B2%8C%EC%9E%84",
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Squid Game"), "native title search");
    let r = get(&s.base, "/search");
    assert_eq!(r.status, 200);

    let r = get(&s.base, "/series/no-such-series-here");
    assert_eq!(r.status, 404);
    assert!(r.content_type.starts_with("text/html"));
}

#[test]
fn api_shapes_match_the_cli() {
    let s = server();
    let st = get(&s.base, "/api/v1/series/partner-track/status");
    assert_eq!(st.status, 200);
    assert_eq!(st.content_type, "application/json");
    let j = st.json();
    assert_eq!(j["status"], "canceled");
    assert_eq!(j["decided_on"], "2022-11-08");
    assert_eq!(j["next_season"], 2);
    assert!(j["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "canceled"));
    assert!(!j["contradictions"].as_array().unwrap().is_empty());
    // Point in time, and any spelling.
    let j = get(
        &s.base,
        "/api/v1/series/Partner%20Track/status?as_of=2022-10-01",
    )
    .json();
    assert_eq!(j["status"], "awaiting_decision");
    assert_eq!(j["as_of"], "2022-10-01");
    let j = get(
        &s.base,
        "/api/v1/series/partner-track/status?as_of=2021-10-01",
    )
    .json();
    assert_eq!(j["status"], "ordered");
    assert_problem(
        &get(
            &s.base,
            "/api/v1/series/partner-track/status?as_of=yesterday",
        ),
        400,
    );

    let j = get(
        &s.base,
        "/api/v1/series/partner-track/hours?from=2022-08-22&to=2022-09-11",
    )
    .json();
    assert_eq!(j["hours"], 66_010_000, "{j}");
    assert_eq!(j["weeks"].as_array().unwrap().len(), 3);
    let j = get(&s.base, "/api/v1/series/partner-track/hours?season=1").json();
    assert_eq!(j["season"], "Season 1");
    assert_problem(
        &get(
            &s.base,
            "/api/v1/series/partner-track/hours?from=2022-09-11&to=2022-08-01",
        ),
        400,
    );
    assert_problem(
        &get(&s.base, "/api/v1/series/partner-track/hours?season=7"),
        404,
    );

    let j = get(&s.base, "/api/v1/series/partner-track").json();
    assert_eq!(j["series"]["slug"], "partner-track");
    assert_eq!(j["seasons"][0]["top10"]["weeks"], 3);

    let j = get(&s.base, "/api/v1/series/partner-track/timeline").json();
    assert!(j["entries"].as_array().unwrap().len() > 20);
    let j = get(&s.base, "/api/v1/series/partner-track/reception").json();
    let e = j["entries"].as_array().unwrap();
    assert!(
        e.iter()
            .any(|e| e["rotten_tomatoes"]["percent"] == 62 && e["metacritic"]["score"] == 45),
        "{j}"
    );
    let j = get(&s.base, "/api/v1/series/partner-track/cast").json();
    let arden = j["cast"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["person"] == "Arden Cho")
        .expect("Arden Cho");
    assert_eq!(arden["characters"][0], "Ingrid Yun");
    let j = get(&s.base, "/api/v1/series/partner-track/chart").json();
    assert_eq!(j.as_array().unwrap().len(), 3);
    let j = get(&s.base, "/api/v1/search?q=partner%20track&limit=3").json();
    assert_eq!(j[0]["series"]["slug"], "partner-track");
    assert!(j.as_array().unwrap().len() <= 3);

    assert_problem(&get(&s.base, "/api/v1/series/zzqqxx-nothing/status"), 404);
    assert_problem(&get(&s.base, "/api/v1/search?limit=lots"), 400);
    assert_problem(&get(&s.base, "/api/v1/nothing-here"), 404);
    let r = post(&s.base, "/api/v1/series/partner-track/status", &[], "");
    assert_problem(&r, 405);
}

#[test]
fn openapi_document_lists_every_route() {
    let s = server();
    let r = get(&s.base, "/api/v1/openapi.json");
    assert_eq!(r.status, 200);
    let j = r.json();
    assert!(j["openapi"].as_str().unwrap().starts_with('3'));
    for p in [
        "/api/v1/search",
        "/api/v1/series/{series}",
        "/api/v1/series/{series}/status",
        "/api/v1/series/{series}/hours",
        "/api/v1/series/{series}/timeline",
        "/api/v1/series/{series}/reception",
        "/api/v1/series/{series}/cast",
        "/api/v1/claims",
    ] {
        assert!(
            j["paths"][p].is_object(),
            "{p} missing from the OpenAPI document"
        );
    }
}

#[test]
fn feeds_are_atom_with_dated_entries() {
    let s = server();
    let r = get(&s.base, "/series/partner-track/feed.atom");
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type, "application/atom+xml");
    assert!(r
        .body
        .contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    assert!(r
        .body
        .contains("Partner Track: canceled after season 1, no season 2"));
    assert!(r.body.contains("2022-11-08T12:00:00+00:00"));
    assert!(r
        .body
        .contains(&format!("href=\"{}/series/partner-track\"", s.base)));
    let r = get(&s.base, "/feeds/status.atom");
    assert_eq!(r.status, 200);
    assert!(
        r.body.matches("<entry>").count() >= 10,
        "few entries in the site feed"
    );
    assert!(get(&s.base, "/series/nothing-such/feed.atom").status == 404);
}

#[test]
fn conditional_get_answers_304() {
    let s = server();
    for path in [
        "/api/v1/series/partner-track/status",
        "/series/partner-track",
        "/feeds/status.atom",
    ] {
        let r = get(&s.base, path);
        let etag = r.etag.expect("ETag on read routes");
        let again = get_with(&s.base, path, ("If-None-Match", &etag));
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
        let other = get_with(&s.base, path, ("If-None-Match", "\"something-else\""));
        assert_eq!(other.status, 200);
    }
}

#[test]
fn writes_need_a_valid_token_and_body_and_bad_ones_change_nothing() {
    let s = private_server();
    let (good, revoked_secret) = {
        let mut store = greenlight_store::Store::open(&s.db).unwrap();
        let good = greenlight_web::create_token(&mut store, "test writer").unwrap();
        let bad = greenlight_web::create_token(&mut store, "withdrawn").unwrap();
        greenlight_web::revoke_token(&mut store, "withdrawn").unwrap();
        let list = greenlight_web::list_tokens(&mut store).unwrap();
        assert_eq!(list.len(), 2);
        assert!(list[1].revoked.is_some() && list[0].revoked.is_none());
        // Only the hash is stored: no column of any token row holds a secret.
        let stored = store.table_rows("web_tokens").unwrap().join("\n");
        assert_eq!(stored.lines().count(), 2, "{stored}");
        assert!(!stored.contains(&good[4..]) && !stored.contains(&bad[4..]));
        (good, bad)
    };
    let claim = r#"{"kind":"trailer_released","series":"Partner Track","season":2,"url":"https://example.org/t",
        "event_date":"2023-02-01","published":"2023-02-01","source":{"name":"test source","kind":"fan_site"}}"#;
    let auth = format!("Bearer {good}");
    let revoked = format!("Bearer {revoked_secret}");
    let json = ("Content-Type", "application/json");
    let before = dump(&s.db);

    assert_problem(&post(&s.base, "/api/v1/claims", &[json], claim), 401);
    assert_problem(
        &post(
            &s.base,
            "/api/v1/claims",
            &[json, ("Authorization", "Bearer glt_not_a_token")],
            claim,
        ),
        401,
    );
    assert_problem(
        &post(
            &s.base,
            "/api/v1/claims",
            &[json, ("Authorization", "Basic abc")],
            claim,
        ),
        401,
    );
    assert_problem(
        &post(
            &s.base,
            "/api/v1/claims",
            &[json, ("Authorization", &revoked)],
            claim,
        ),
        403,
    );
    let a = ("Authorization", auth.as_str());
    assert_problem(
        &post(&s.base, "/api/v1/claims", &[json, a], "{not json"),
        422,
    );
    assert_problem(
        &post(
            &s.base,
            "/api/v1/claims",
            &[json, a],
            r#"{"kind":"canceled"}"#,
        ),
        422,
    );
    assert_problem(
        &post(
            &s.base,
            "/api/v1/claims",
            &[json, a],
            r#"{"kind":"made_up","series":"Partner Track"}"#,
        ),
        422,
    );
    let j = assert_problem(
        &post(
            &s.base,
            "/api/v1/claims",
            &[json, a],
            &claim.replace("\"season\":2", "\"season\":0"),
        ),
        422,
    );
    assert!(j["errors"].as_array().is_some_and(|e| !e.is_empty()), "{j}");
    assert_problem(
        &post(
            &s.base,
            "/api/v1/claims",
            &[json, a],
            &claim.replace("Partner Track", "No Such Show Anywhere"),
        ),
        422,
    );
    assert_problem(
        &post(
            &s.base,
            "/api/v1/claims",
            &[json, a],
            r#"{"kind":"trailer_released","nope":1}"#,
        ),
        422,
    );
    assert_problem(
        &post(
            &s.base,
            "/api/v1/claims",
            &[("Content-Type", "text/plain"), a],
            claim,
        ),
        415,
    );
    let huge = format!("{{\"note\":\"{}\"}}", "x".repeat(200_000));
    assert_problem(&post(&s.base, "/api/v1/claims", &[json, a], &huge), 413);
    assert_eq!(before, dump(&s.db), "a refused write changed the store");

    // A good one is stored, once, and shows on the page.
    let r = post(&s.base, "/api/v1/claims", &[json, a], claim);
    assert_eq!(r.status, 201, "{}", r.body);
    let j = r.json();
    assert_eq!(j["added"], true);
    assert_eq!(j["series"], "partner-track");
    let r = post(&s.base, "/api/v1/claims", &[json, a], claim);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["added"], false);
    assert_ne!(before, dump(&s.db));
    let page = get(&s.base, "/series/partner-track");
    assert!(
        page.body.contains("href=\"https://example.org/t\""),
        "new trailer not on the page"
    );
}

/// A series whose next season awaits a decision shows the model's odds with its backtest beside
/// them (issue 5, item 7); a decided one (Partner Track, canceled) shows none.
#[test]
fn awaiting_decision_pages_show_renewal_odds() {
    let s = server();
    // The series of the latest chart weeks are the likeliest to be awaiting a decision.
    let store = greenlight_store::Store::open(&s.db).unwrap();
    let recent: Vec<String> = store
        .recently_charted_series(21)
        .unwrap()
        .into_iter()
        .map(|s| s.slug)
        .collect();
    let awaiting = recent
        .iter()
        .find(|slug| {
            let r = get(&s.base, &format!("/api/v1/series/{slug}/status"));
            r.status == 200 && r.body.contains("\"status\":\"awaiting_decision\"")
        })
        .expect("some recently charted series awaits a decision");
    let page = get(&s.base, &format!("/series/{awaiting}"));
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("id=\"odds\""),
        "no odds section on /series/{awaiting}"
    );
    assert!(page.body.contains("Renewal odds") || page.body.contains("No renewal odds"));
    assert!(!get(&s.base, "/series/partner-track")
        .body
        .contains("id=\"odds\""));
}
