//! `read --commit` on claims built by hand (so these hold whatever the extractor finds): the
//! decisions become ledger claims citing the article, in one call; a second commit of the same
//! articles adds nothing; what cannot be recorded is said, not dropped silently.

use crate::input::fixture;
use chrono::NaiveDate;
use greenlight_ledger::{Origin, SourceKind};
use greenlight_news::commit::{commit, ArticleClaims, Outcome};
use greenlight_news::input::{read_source, Limits};
use greenlight_news::{Article, Assertion, Claim, Outlets, PartialDate, Span};
use greenlight_testkit::{dump, imported_all, open, private_copy};

fn span(a: &Article, needle: &str) -> Span {
    let start = a
        .text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {:?}", a.text));
    Span {
        start,
        end: start + needle.len(),
    }
}

fn claim(
    a: &Article,
    needle: &str,
    series: &str,
    season: Option<u32>,
    assertion: Assertion,
) -> Claim {
    Claim {
        span: span(a, needle),
        series: series.into(),
        title: series.into(),
        season,
        assertion,
    }
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The feed fixture's three articles with the claims a reader would find in them, plus a viewing
/// claim (not a decision: never committed).
fn feed_claims() -> Vec<ArticleClaims> {
    let articles = read_source(fixture("feed.rss").to_str().unwrap(), &Limits::default()).unwrap();
    assert_eq!(articles.len(), 3);
    let a = &articles;
    vec![
        ArticleClaims {
            claims: vec![
                claim(
                    &a[0],
                    "canceled Partner Track after one season",
                    "partner-track",
                    Some(1),
                    Assertion::Canceled {
                        stated: 1,
                        date: None,
                    },
                ),
                claim(
                    &a[0],
                    "spent three weeks in the Top 10",
                    "partner-track",
                    Some(1),
                    Assertion::Top10Weeks { stated: 3 },
                ),
            ],
            article: a[0].clone(),
        },
        ArticleClaims {
            claims: vec![claim(
                &a[1],
                "Wednesday has been renewed for season 2",
                "Wednesday",
                Some(2),
                Assertion::Renewed {
                    stated: 2,
                    date: Some(PartialDate::Day(day("2023-01-06"))),
                },
            )],
            article: a[1].clone(),
        },
        ArticleClaims {
            claims: vec![claim(
                &a[2],
                "1899 has been canceled after one season",
                "1899",
                Some(1),
                Assertion::Canceled {
                    stated: 1,
                    date: Some(PartialDate::Day(day("2023-01-02"))),
                },
            )],
            article: a[2].clone(),
        },
    ]
}

#[test]
fn decisions_become_ledger_claims_citing_their_article_and_a_second_commit_adds_nothing() {
    let db = private_copy(imported_all());
    let mut store = open(&db);
    let outlets = Outlets::builtin().unwrap();
    let input = feed_claims();

    let r = commit(&mut store, &input, &outlets).unwrap();
    assert_eq!(
        (r.added, r.already_there, r.not_committed),
        (3, 0, 0),
        "{r:#?}"
    );
    assert_eq!(r.claims.len(), 3, "the viewing claim is not a decision");
    assert!(r
        .claims
        .iter()
        .all(|c| c.outcome == Outcome::Added && c.hash.is_some()));

    // Each stored claim cites its article: outlet (by domain), URL, dateline, standing.
    for (slug, url, name, kind, published) in [
        (
            "partner-track",
            input[0].article.url.clone().unwrap(),
            "Deadline",
            SourceKind::TradePress,
            "2022-11-08",
        ),
        (
            &r.claims[1].series,
            input[1].article.url.clone().unwrap(),
            "Variety",
            SourceKind::TradePress,
            "2023-01-06",
        ),
        (
            "1899",
            input[2].article.url.clone().unwrap(),
            "season2watch.example",
            SourceKind::FanSite,
            "2023-01-04",
        ),
    ] {
        let t = greenlight_ledger::timeline(&store, slug).unwrap();
        let mine: Vec<_> = t
            .entries
            .iter()
            .filter(|e| e.claim.claim.source.url.as_deref() == Some(url.as_str()))
            .collect();
        assert_eq!(mine.len(), 1, "{slug}: {:#?}", t.entries);
        let c = &mine[0].claim.claim;
        assert_eq!(c.source.name, name, "{slug}");
        assert_eq!(c.source.kind, kind, "{slug}");
        assert_eq!(c.published.to_string(), published, "{slug}");
        assert_eq!(c.entered_by, greenlight_news::commit::ENTERED_BY);
        assert!(
            c.note.as_deref().unwrap_or("").starts_with('“'),
            "{slug}: the quote is kept"
        );
        assert!(matches!(mine[0].claim.origin, Origin::Ledger { .. }));
    }
    let w = greenlight_ledger::timeline(&store, &r.claims[1].series).unwrap();
    let renewed = w
        .entries
        .iter()
        .find(|e| e.claim.claim.source.url == input[1].article.url)
        .unwrap();
    assert_eq!(renewed.claim.claim.kind(), "season_renewed");
    assert_eq!(renewed.claim.claim.season, Some(2));
    assert_eq!(renewed.claim.claim.event_date, Some(day("2023-01-06")));

    // The same articles again: the same ids, nothing added, the store unchanged.
    drop(store);
    let before = dump(&db);
    let mut store = open(&db);
    let again = commit(&mut store, &input, &outlets).unwrap();
    assert_eq!((again.added, again.already_there), (0, 3), "{again:#?}");
    let ids = |r: &greenlight_news::CommitReport| {
        r.claims.iter().map(|c| c.hash.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&again), ids(&r));
    drop(store);
    assert_eq!(dump(&db), before, "a second commit changed the store");
}

#[test]
fn what_cannot_be_recorded_is_reported_and_the_rest_is_stored() {
    let db = private_copy(imported_all());
    let mut store = open(&db);
    let outlets = Outlets::builtin().unwrap();
    let mut input = feed_claims();
    let a0 = input[0].article.clone();
    // A release date known only to the month; a premiere with no season; a renewal dated
    // after the article (the ledger refuses a past event dated after its source).
    input[0].claims.push(claim(
        &a0,
        "premiered on August 26, 2022",
        "partner-track",
        Some(2),
        Assertion::ReleaseDate {
            stated: PartialDate::Month(2023, 5),
        },
    ));
    input[0].claims.push(claim(
        &a0,
        "premiered on August 26, 2022",
        "partner-track",
        None,
        Assertion::Premiered {
            stated: PartialDate::Day(day("2022-08-26")),
        },
    ));
    input[0].claims.push(claim(
        &a0,
        "The streamer declined to comment.",
        "partner-track",
        Some(2),
        Assertion::Renewed {
            stated: 2,
            date: Some(PartialDate::Day(day("2022-12-25"))),
        },
    ));
    // An article with no dateline: its decisions cannot be ledger claims.
    let mut undated = input[2].clone();
    undated.article.published = None;
    undated.article.url = Some("https://www.season2watch.example/undated/".into());
    input.push(undated);

    let r = commit(&mut store, &input, &outlets).unwrap();
    assert_eq!((r.added, r.not_committed), (3, 4), "{r:#?}");
    let of = |article: usize, claim: usize| {
        r.claims
            .iter()
            .find(|c| c.article == article && c.claim == claim)
            .unwrap_or_else(|| panic!("no report for {article}/{claim}"))
    };
    let month = of(0, 2);
    assert_eq!(month.outcome, Outcome::Skipped);
    assert_eq!(
        month.summary,
        "the article gives the release date as 2023-05 only; the ledger records it to the day"
    );
    let no_season = of(0, 3);
    assert_eq!(no_season.outcome, Outcome::Skipped);
    assert_eq!(
        no_season.summary,
        "the article does not say which season premiered"
    );
    let future = of(0, 4);
    assert_eq!(future.outcome, Outcome::Refused, "{future:#?}");
    assert!(future.summary.contains("event_date"), "{}", future.summary);
    assert!(future.hash.is_none());
    let undated = of(3, 0);
    assert_eq!(undated.outcome, Outcome::Skipped);
    assert!(
        undated.summary.contains("no dateline"),
        "{}",
        undated.summary
    );

    // The refused renewal is nowhere in the ledger.
    let t = greenlight_ledger::timeline(&store, "partner-track").unwrap();
    assert!(!t
        .entries
        .iter()
        .any(|e| e.claim.claim.kind() == "season_renewed" && e.claim.claim.source.url == a0.url));
}
