//! The ledger over all of the real data in `shared/data` (imported once per test binary), plus
//! the starter catalog. These tests fail, not skip, when the data is missing.

use chrono::NaiveDate;
use greenlight_ledger::{
    self as ledger, evidence, Claim, ClaimValue, ContradictionKind, Origin, RawClaim, Role,
    SourceKind, Status, ViewingOutcome,
};
use greenlight_store::Store;
use std::path::PathBuf;
use std::sync::OnceLock;

use crate::common;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The test claim of 70M hours for the stated 66.01M window (acceptance: shown as contradicted).
fn seventy_million() -> Claim {
    Claim::from_raw(
        RawClaim {
            kind: Some("viewing_figure".into()),
            series: Some("Partner Track".into()),
            season: Some(1),
            published: Some(d("2023-02-01")),
            source: Some(ledger::claims::RawSource {
                name: Some("test: an inflated figure".into()),
                url: None,
                kind: Some("fan_site".into()),
            }),
            entered_by: Some("real_data test".into()),
            ..RawClaim::default()
        }
        .with("hours", 70_000_000)
        .with("from", "2022-08-21")
        .with("to", "2022-09-11"),
        d("2030-01-01"),
    )
    .unwrap()
}

/// A store with every data file and the starter catalog, built once; each test opens its own
/// connection.
fn store() -> Store {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    let path = PATH.get_or_init(|| {
        let (path, mut s) = common::imported_store("ledger-real-data");
        ledger::load_starter(&mut s)
            .unwrap()
            .expect("starter loads into a fresh ledger");
        ledger::add_claim(&mut s, seventy_million()).unwrap();
        let cast = cast_claim(&s);
        ledger::add_claim(&mut s, cast).unwrap();
        path
    });
    Store::open(path).unwrap()
}

#[test]
fn partner_track_status_acceptance() {
    let s = store();
    let r = ledger::status(&s, "Partner Track", None).unwrap();
    assert_eq!(r.status, Status::Canceled, "{r:#?}");
    assert_eq!(r.decided_on, Some(d("2022-11-08")));
    assert_eq!(r.next_season, 2);
    let deciding: Vec<_> = r
        .evidence
        .iter()
        .filter(|e| e.role == Role::Deciding)
        .collect();
    assert!(
        deciding.iter().any(|e| e.claim.claim.kind() == "canceled"
            && e.claim.claim.event_date == Some(d("2022-11-08"))
            && matches!(e.claim.origin, Origin::Ledger { .. })),
        "{deciding:#?}"
    );
    // TMDB's Canceled row agrees, as a dataset claim.
    assert!(deciding.iter().any(
        |e| matches!(&e.claim.origin, Origin::Data { dataset, .. } if dataset == "tmdb-status")
    ));
    let c = r
        .contradictions
        .iter()
        .find(|c| c.kind == ContradictionKind::RenewalVsCancellation && c.season == Some(2))
        .expect("the season 2 claim is a contradiction");
    assert!(c.losers.iter().any(|l| l.claim.kind() == "season_renewed"
        && l.claim.season == Some(2)
        && l.claim.source.kind == SourceKind::FanSite));
    assert_eq!(c.winner.claim.kind(), "canceled");
    assert!(!c.reason.is_empty());
    println!(
        "Partner Track: {} ({}), contradiction reason: {}",
        r.status.as_str(),
        r.confidence,
        c.reason
    );

    // As of 2022-10-01: season 1 had premiered (the Top 10 of the week ending 2022-08-28 was out
    // on 2022-08-30), nothing had been decided.
    let r = ledger::status(&s, "Partner Track", Some(d("2022-10-01"))).unwrap();
    assert_eq!(
        (r.status, r.next_season, r.decided_on),
        (Status::AwaitingDecision, 2, None),
        "{r:#?}"
    );
    assert!(r.seasons.iter().any(|o| o.season == 1 && o.premiered));
    assert!(r
        .contradictions
        .iter()
        .all(|c| c.kind != ContradictionKind::RenewalVsCancellation));
    // As of 2021-10-01: ordered, not premiered.
    let r = ledger::status(&s, "Partner Track", Some(d("2021-10-01"))).unwrap();
    assert_eq!((r.status, r.next_season), (Status::Ordered, 1), "{r:#?}");
}

#[test]
fn partner_track_viewing_figures() {
    let s = store();
    let series = s.series("Partner Track").unwrap();
    // The chart's own figure, computed here from the raw chart weeks: the weeks wholly inside
    // the window.
    let from = d("2022-08-21");
    let to = d("2022-09-11");
    let chart: i64 = s
        .chart_weeks(&series)
        .unwrap()
        .iter()
        .filter(|w| w.week_end - chrono::Days::new(6) >= from && w.week_end <= to)
        .map(|w| w.hours)
        .sum();
    assert!(chart > 0);
    let r = ledger::status(&s, "Partner Track", None).unwrap();
    let stated = r
        .viewing_claims
        .iter()
        .find(|v| v.stated_hours == Some(66_010_000))
        .expect("the 66.01M claim is checked");
    assert_eq!(stated.outcome, ViewingOutcome::Verified, "{stated:#?}");
    assert_eq!(stated.data_hours, Some(chart));
    let inflated = r
        .viewing_claims
        .iter()
        .find(|v| v.stated_hours == Some(70_000_000))
        .expect("the 70M claim is checked");
    assert_eq!(
        inflated.outcome,
        ViewingOutcome::Contradicted,
        "{inflated:#?}"
    );
    assert_eq!(inflated.data_hours, Some(chart));
    assert_eq!(inflated.difference, Some(70_000_000 - chart));
    let c = r
        .contradictions
        .iter()
        .find(|c| c.kind == ContradictionKind::ViewingFigure)
        .expect("the refuted figure is listed as a contradiction");
    assert!(
        matches!(c.winner.claim.value, ClaimValue::ViewingFigure { hours: Some(h), .. } if h as i64 == chart)
    );
    assert_eq!(c.losers[0].claim.source.name, "test: an inflated figure");
    // Only data published by --as-of counts: on 2022-09-12 the last week's chart (out 09-13)
    // was not yet published, so the figure can't be settled then.
    let r = ledger::status(&s, "Partner Track", Some(d("2023-01-20"))).unwrap();
    assert!(
        r.viewing_claims
            .iter()
            .all(|v| v.stated_hours != Some(70_000_000)),
        "published 2023-02-01"
    );
}

#[test]
fn partner_track_reception_and_cast() {
    let s = store();
    let r = ledger::reception(&s, "Partner Track").unwrap();
    let e = r.entries.iter().find(|e| e.season == Some(1)).unwrap();
    let rt = e.rotten_tomatoes.as_ref().unwrap();
    assert_eq!((rt.percent, rt.reviews, rt.average), (62, 13, Some(5.7)));
    let mc = e.metacritic.as_ref().unwrap();
    assert_eq!(
        (mc.score, mc.critics, mc.label),
        (45, 4, "mixed or average")
    );
}

/// Acceptance: a series whose season N+1 appears in the Top 10 or an engagement report is
/// `renewed` (for season N+1) as of that sighting, with no typed claim. Checked for every such
/// series and season in the data.
#[test]
fn every_sighted_later_season_is_a_renewal() {
    let s = store();
    let mut checked = 0;
    let mut series_checked = 0;
    let mut failures = Vec::new();
    let mut skipped = 0;
    for series in s
        .all_series()
        .unwrap()
        .into_iter()
        .filter(|x| x.kind == "tv")
    {
        // "With no typed claim": series the tests typed claims about are left out.
        let typed: i64 = s
            .conn()
            .query_row(
                "SELECT count(*) FROM ledger_claims WHERE series_slug = ?1",
                [&series.slug],
                |r| r.get(0),
            )
            .unwrap();
        if typed > 0 {
            skipped += 1;
            continue;
        }
        let show = s.show(&series).unwrap();
        let mut any = false;
        for season in &show.seasons {
            let Some(n) = season.label.number().filter(|n| *n >= 2) else {
                continue;
            };
            // The sighting, computed here from the raw rows: the earliest publication of a Top 10
            // week or engagement report naming the season, and the date it shows.
            let mut sightings: Vec<(NaiveDate, NaiveDate)> = Vec::new();
            if let Some(t) = &season.top10 {
                sightings.push((evidence::top10_published(t.first_week), t.first_week));
            }
            for e in &season.engagement {
                if let (Some(p), Some(end)) = (
                    evidence::engagement_published(&e.report),
                    evidence::period_end(&e.report),
                ) {
                    sightings.push((p, e.release_date.unwrap_or(end)));
                }
            }
            let Some(&(published, seen)) = sightings.iter().min() else {
                continue;
            };
            any = true;
            checked += 1;
            let r = ledger::status_for(&s, &series, Some(published)).unwrap();
            let outcome = r.seasons.iter().find(|o| o.season == n);
            let ok = r.claims_considered == 0
                && outcome.is_some_and(|o| {
                    o.decision == Status::Renewed
                        && o.decided_on.is_some_and(|dd| dd <= seen.max(published))
                        && o.evidence.iter().any(|e| {
                            e.claim.claim.source.kind == SourceKind::Dataset
                                && matches!(e.claim.origin, Origin::Data { observed: true, .. })
                        })
                });
            if !ok && failures.len() < 10 {
                failures.push(format!(
                    "{} season {n} as of {published}: {:?}",
                    series.slug,
                    outcome.map(|o| (o.decision, o.decided_on))
                ));
            }
        }
        if any {
            series_checked += 1;
        }
    }
    println!("sighted later seasons checked: {checked} seasons of {series_checked} series ({skipped} series with typed claims left out)");
    assert!(
        checked > 0,
        "no series has a sighted season 2+: the data import is broken"
    );
    assert!(
        failures.is_empty(),
        "not derived as renewed:\n{}",
        failures.join("\n")
    );
}

/// For every series in the TMDB file, the derived status agrees with what the snapshot's status
/// word says, or the disagreement is a listed contradiction (the TMDB claim among the losers).
/// A `Canceled`/`Ended` row says "no further season": the derived status is final, or the data
/// since shows a revival (listed), or a dated announcement outranked it (listed). A
/// `Returning Series` row only says the show was ongoing at the snapshot: it decides nothing
/// (CLAIMS.md), so it is tallied, not checked; the announcements test checks it never renews.
#[test]
fn tmdb_statuses_agree_or_are_listed_contradictions() {
    let s = store();
    let mut agree = 0;
    let mut listed = 0;
    let mut unexplained = Vec::new();
    let mut unexplained_count = 0;
    let mut rows = 0;
    let mut pairs: std::collections::BTreeMap<(String, &'static str), usize> = Default::default();
    for series in s.all_series().unwrap() {
        let facts = s.tmdb_facts(&series).unwrap();
        if facts.is_empty() {
            continue;
        }
        let r = ledger::status_for(&s, &series, None).unwrap();
        for f in &facts {
            rows += 1;
            *pairs
                .entry((f.status.clone(), r.status.as_str()))
                .or_default() += 1;
            let n = f.number_of_seasons;
            let checked = match f.status.as_str() {
                // TMDB's Ended covers quiet cancellations and limited series, and Canceled vs
                // Ended is one "no further season" either way.
                "Canceled" | "Ended" => r.status.is_final(),
                "In Production" | "Planned" => r.status.is_continuing() || r.next_season > n + 1,
                "Pilot" => r.status == Status::AwaitingDecision || r.next_season > 1,
                _ => continue,
            };
            let in_losers = r.contradictions.iter().any(|c| {
                c.losers.iter().any(|l| matches!(&l.origin, Origin::Data { dataset, detail, .. } if dataset == "tmdb-status" && detail.contains(&f.status)))
            });
            if checked {
                agree += 1;
            } else if in_losers {
                listed += 1;
            } else {
                unexplained_count += 1;
                if unexplained.len() >= 15 {
                    continue;
                }
                unexplained.push(format!(
                    "{} (TMDB {} / {n} seasons): derived {} next season {}",
                    series.slug,
                    f.status,
                    r.status.as_str(),
                    r.next_season
                ));
            }
        }
    }
    println!("TMDB rows matched to series: {rows}");
    println!("  agree: {agree}");
    println!("  disagree, listed as a contradiction: {listed}");
    println!("  disagree, unexplained: {unexplained_count}");
    println!("TMDB status -> derived status:");
    for ((tmdb, derived), n) in &pairs {
        println!("  {tmdb} -> {derived}: {n}");
    }
    assert!(rows > 1000, "only {rows} TMDB rows matched series");
    assert!(
        unexplained.is_empty(),
        "disagreements not listed as contradictions:\n{}",
        unexplained.join("\n")
    );
}

/// The first TV series with a JustWatch actor credit that names a character, and that credit.
fn cast_target(s: &Store) -> (greenlight_store::SeriesRef, greenlight_store::Credit) {
    s.all_series()
        .unwrap()
        .into_iter()
        .filter(|x| x.kind == "tv")
        .find_map(|x| {
            let facts = s.justwatch_facts(&x).ok()?;
            let c = facts
                .iter()
                .flat_map(|f| f.credits.iter())
                .find(|c| c.role == "ACTOR" && c.character.is_some())?
                .clone();
            Some((x, c))
        })
        .expect("some TV series has JustWatch credits with characters")
}

/// A ledger cast claim about that credited actor, spelt in capitals.
fn cast_claim(s: &Store) -> Claim {
    let (series, credit) = cast_target(s);
    Claim::from_raw(
        RawClaim {
            kind: Some("cast".into()),
            series: Some(series.slug.clone()),
            person: Some(credit.name.to_uppercase()),
            published: Some(d("2023-01-01")),
            source: Some(ledger::claims::RawSource {
                name: Some("cast test".into()),
                url: None,
                kind: Some("fan_site".into()),
            }),
            entered_by: Some("real_data test".into()),
            ..RawClaim::default()
        }
        .with("tier", ledger::CastTier::Regular),
        d("2030-01-01"),
    )
    .unwrap()
}

/// JustWatch credits and ledger cast merge by person: the capitalised ledger claim and the
/// credit give one entry with both sources and the credited character.
#[test]
fn cast_merges_ledger_and_justwatch_by_person() {
    let s = store();
    let (series, credit) = cast_target(&s);
    let c = ledger::cast(&s, &series.slug).unwrap();
    let key = greenlight_sources::titles::normalize(&credit.name);
    let entries: Vec<_> = c
        .cast
        .iter()
        .filter(|m| greenlight_sources::titles::normalize(&m.person) == key)
        .collect();
    assert_eq!(entries.len(), 1, "{entries:#?}");
    assert!(entries[0].sources.iter().any(|x| x == "cast test"));
    assert!(entries[0]
        .sources
        .iter()
        .any(|x| x.starts_with("JustWatch")));
    assert!(entries[0]
        .characters
        .iter()
        .any(|ch| Some(ch.as_str()) == credit.character.as_deref().map(str::trim)));
    assert_eq!(entries[0].tier, Some(ledger::CastTier::Regular));
}

/// Every claim TMDB's snapshot makes, for every series it lists, is published on the snapshot's
/// manifest date (2024-04-01, at_earliest); every JustWatch score is dated by its catalogue's
/// (2022-12-31, at_latest), never by a file time.
#[test]
fn catalogue_facts_are_dated_by_the_manifest() {
    use greenlight_store::published::{Precision, Published};
    let s = store();
    assert_eq!(
        s.dataset_published("tmdb-status").unwrap(),
        Some(Published::on(d("2024-04-01"), Precision::AtEarliest))
    );
    assert_eq!(
        s.dataset_published("justwatch-titles").unwrap(),
        Some(Published::on(d("2022-12-31"), Precision::AtLatest))
    );
    let (mut tmdb_claims, mut jw_scores) = (0, 0);
    for series in s.all_series().unwrap() {
        if !s.tmdb_facts(&series).unwrap().is_empty() {
            for f in ledger::evidence::data_facts(&s, &series).unwrap() {
                if matches!(&f.origin, Origin::Data { dataset, .. } if dataset == "tmdb-status") {
                    assert_eq!(f.claim.published, d("2024-04-01"), "{}: {f:?}", series.slug);
                    tmdb_claims += 1;
                }
            }
        }
        let jw = s.justwatch_facts(&series).unwrap();
        if jw
            .iter()
            .any(|j| j.imdb_score.is_some() || j.tmdb_score.is_some())
        {
            for j in &jw {
                assert_eq!(
                    (j.published, j.published_precision),
                    (d("2022-12-31"), Precision::AtLatest),
                    "{}",
                    series.slug
                );
            }
            let v = serde_json::to_value(ledger::reception(&s, &series.slug).unwrap()).unwrap();
            let text = v.to_string();
            let n = text.matches("JustWatch").count();
            assert!(n > 0, "{}: {text}", series.slug);
            assert_eq!(
                text.matches("\"published\":\"2022-12-31\"").count(),
                n,
                "{}: every JustWatch score dated by the catalogue: {text}",
                series.slug
            );
            jw_scores += n;
        }
    }
    assert!(tmdb_claims > 5000, "{tmdb_claims}");
    assert!(jw_scores > 3000, "{jw_scores}");
}
