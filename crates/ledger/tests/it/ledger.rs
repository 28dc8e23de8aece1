//! The ledger on a store with no data imported: the starter catalog, claims files, refusals,
//! and the derivation rules on claims alone.

use chrono::NaiveDate;
use greenlight_ledger::{
    self as ledger, Claim, ClaimValue, ContradictionKind, FileFormat, LedgerError, RawClaim, Role,
    SourceKind, Status,
};
use greenlight_store::Store;
use std::path::Path;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("g.db")).unwrap();
    (dir, s)
}

fn starter() -> (tempfile::TempDir, Store) {
    let (dir, mut s) = store();
    let r = ledger::load_starter(&mut s)
        .unwrap()
        .expect("an empty ledger loads the starter");
    assert!(r.added > 30, "{r:?}");
    (dir, s)
}

fn claim_count(s: &Store) -> i64 {
    s.conn()
        .query_row("SELECT count(*) FROM ledger_claims", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn starter_loads_once_and_reimport_adds_nothing() {
    let (_d, mut s) = starter();
    let n = claim_count(&s);
    assert!(
        ledger::load_starter(&mut s).unwrap().is_none(),
        "a ledger with claims is left alone"
    );
    let again = ledger::import_claims_text(&mut s, ledger::STARTER, "again.toml", FileFormat::Toml)
        .unwrap();
    assert_eq!((again.added, again.already_present), (0, again.claims));
    assert_eq!(claim_count(&s), n);
}

#[test]
fn starter_status_without_data() {
    let (_d, s) = starter();
    let r = ledger::status(&s, "Partner Track", None).unwrap();
    assert_eq!(r.status, Status::Canceled);
    assert_eq!(r.decided_on, Some(d("2022-11-08")));
    assert_eq!(r.next_season, 2);
    assert!(r.evidence.iter().any(|e| e.role == Role::Deciding
        && e.claim.claim.kind() == "canceled"
        && e.claim.claim.event_date == Some(d("2022-11-08"))));
    let c = r
        .contradictions
        .iter()
        .find(|c| c.kind == ContradictionKind::RenewalVsCancellation)
        .expect("the season 2 claim contradicts the cancellation");
    assert_eq!(c.season, Some(2));
    assert_eq!(c.winner.claim.kind(), "canceled");
    assert!(c
        .losers
        .iter()
        .any(|l| l.claim.kind() == "season_renewed" && l.claim.season == Some(2)));
    // Both are fan-site claims: the dated cancellation wins over the undated announcement.
    assert!(c.reason.contains("undated"), "{}", c.reason);
    // Point in time: the order was published 2021-09-14 (trade press) ...
    let r = ledger::status(&s, "Partner Track", Some(d("2021-10-01"))).unwrap();
    assert_eq!(
        (r.status, r.next_season, r.decided_on),
        (Status::Ordered, 1, Some(d("2021-09-14")))
    );
    assert!(r.contradictions.is_empty());
    // ... and nothing at all was published before it.
    let r = ledger::status(&s, "Partner Track", Some(d("2021-09-13"))).unwrap();
    assert_eq!(
        (r.status, r.claims_considered),
        (Status::AwaitingDecision, 0)
    );
}

#[test]
fn starter_reception_cast_timeline() {
    let (_d, s) = starter();
    let r = ledger::reception(&s, "partner track").unwrap();
    let e = r.entries.iter().find(|e| e.season == Some(1)).unwrap();
    let rt = e.rotten_tomatoes.as_ref().unwrap();
    assert_eq!((rt.percent, rt.reviews, rt.average), (62, 13, Some(5.7)));
    let mc = e.metacritic.as_ref().unwrap();
    assert_eq!(
        (mc.score, mc.critics, mc.label),
        (45, 4, "mixed or average")
    );
    assert_eq!(mc.sources[0].kind, SourceKind::FanSite);

    let c = ledger::cast(&s, "Partner Track").unwrap();
    assert_eq!(c.cast[0].person, "Arden Cho");
    assert_eq!(c.cast[0].characters, vec!["Ingrid Yun".to_string()]);
    assert_eq!(c.cast.len(), 10);
    let georgia = c.crew.iter().find(|m| m.person == "Georgia Lee").unwrap();
    assert_eq!(
        georgia.roles,
        vec!["creator".to_string(), "producer".to_string()]
    );
    let jar = c
        .crew
        .iter()
        .find(|m| m.person == "Julie Anne Robinson")
        .unwrap();
    assert_eq!(jar.episodes, vec!["1-2".to_string()]);

    let t = ledger::timeline(&s, "Partner Track").unwrap();
    assert!(t.entries.windows(2).all(|w| w[0].date <= w[1].date));
    assert_eq!(t.entries.first().map(|e| e.date), Some(d("2021-09-14")));
    assert!(t
        .entries
        .iter()
        .any(|e| e.claim.claim.kind() == "storyline_open"));
    let json = serde_json::to_value(&t).unwrap();
    assert_eq!(json["entries"][0]["origin"], "ledger");
    assert_eq!(json["entries"][0]["dated_by"], "event");
}

#[test]
fn status_json_has_the_contract_fields() {
    let (_d, s) = starter();
    let v = serde_json::to_value(ledger::status(&s, "Partner Track", None).unwrap()).unwrap();
    for k in [
        "series",
        "status",
        "decided_on",
        "next_season",
        "evidence",
        "contradictions",
        "as_of",
        "confidence",
        "viewing_claims",
    ] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    assert_eq!(v["status"], "canceled");
    assert_eq!(v["decided_on"], "2022-11-08");
    assert_eq!(v["series"]["slug"], "partner-track");
    assert_eq!(v["evidence"][0]["kind"], "canceled");
    assert_eq!(
        v["contradictions"][0]["losers"][0]["kind"],
        "season_renewed"
    );
}

const BAD_FILE: &str = r#"
[[series]]
title = "Some Show"

[defaults]
published = 2023-01-15
source = { name = "A site", kind = "fan_site" }
entered_by = "test"

[[claims]]
kind = "ended"
series = "Some Show"
season = 1

[[claims]]
kind = "canceled"
series = "No Such Show Anywhere"
season = 1

[[claims]]
kind = "premiered"
series = "Some Show"
season = 0
platform = "Netflix"
event_date = 2022-01-01

[[claims]]
kind = "premiered"
series = "Some Show"
season = 1
platform = "Netflix"
event_date = 2023-03-01

[[claims]]
kind = "canceled"
series = "Some Show"
season = 1
event_date = 2023-02-01

[[claims]]
kind = "cast"
series = "Some Show"
person = "Someone"
"#;

#[test]
fn bad_claims_refused_located_nothing_stored() {
    let (_d, mut s) = starter();
    let before = claim_count(&s);
    let e = ledger::import_claims_text(&mut s, BAD_FILE, "bad.toml", FileFormat::Toml).unwrap_err();
    let errs = e.claim_errors();
    let at = |i: u32| errs.iter().find(|e| e.location.index == Some(i));
    assert_eq!(errs.len(), 5, "{e}");
    assert!(at(1).is_none(), "claim 1 is fine");
    let unknown = at(2).unwrap();
    assert_eq!(unknown.field.as_deref(), Some("series"));
    assert!(
        unknown.message.contains("No Such Show Anywhere"),
        "{unknown}"
    );
    assert_eq!(at(3).unwrap().field.as_deref(), Some("season"));
    let premiere = at(4).unwrap();
    assert_eq!(
        (premiere.field.as_deref(), premiere.kind.as_deref()),
        (Some("event_date"), Some("premiered"))
    );
    assert!(
        premiere.message.contains("after its source published"),
        "{premiere}"
    );
    assert_eq!(at(5).unwrap().field.as_deref(), Some("event_date"));
    assert_eq!(at(6).unwrap().field.as_deref(), Some("tier"));
    // Located: file, line, claim number.
    let text = at(4).unwrap().to_string();
    assert!(text.starts_with("bad.toml:"), "{text}");
    assert!(text.contains("claim #4"), "{text}");
    let line = at(4).unwrap().location.line.unwrap() as usize;
    assert!(
        BAD_FILE
            .lines()
            .nth(line - 1)
            .unwrap()
            .contains("[[claims]]")
            || BAD_FILE.lines().nth(line - 1).unwrap().contains("kind")
    );
    // Nothing stored: not the good claim, not the declared series.
    assert_eq!(claim_count(&s), before);
    assert!(s.find_series("Some Show").unwrap().is_none());
    let declared: i64 = s
        .conn()
        .query_row(
            "SELECT count(*) FROM ledger_series WHERE title = 'Some Show'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(declared, 0);

    // A malformed file: refused with its line, nothing stored.
    let e = ledger::import_claims_text(
        &mut s,
        "[[claims]]\nkind = \"ended\"\nseason = [\n",
        "broken.toml",
        FileFormat::Toml,
    )
    .unwrap_err();
    assert!(
        matches!(e, LedgerError::Syntax { line: Some(_), .. }),
        "{e}"
    );
    let e = ledger::import_claims_text(
        &mut s,
        "{\"claims\": [ {\"kind\": \"ended\",, } ]}",
        "broken.json",
        FileFormat::Json,
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("broken.json:1"), "{e}");
    assert_eq!(claim_count(&s), before);
}

#[test]
fn toml_and_json_files_are_one_schema() {
    let toml = r#"
[[series]]
title = "Twin Files"

[[claims]]
kind = "season_renewed"
series = "Twin Files"
season = 2
event_date = 2023-05-01
published = 2023-05-02
source = { name = "Variety", url = "https://example.org/x", kind = "trade_press" }
entered_by = "test"
"#;
    let json = r#"{
  "series": [{"title": "Twin Files"}],
  "claims": [
    {"kind": "season_renewed", "series": "Twin Files", "season": 2, "event_date": "2023-05-01",
     "published": "2023-05-02", "source": {"name": "Variety", "url": "https://example.org/x", "kind": "trade_press"},
     "entered_by": "someone else"}
  ]
}"#;
    let (dir, mut s) = store();
    let t = dir.path().join("c.toml");
    let j = dir.path().join("c.json");
    std::fs::write(&t, toml).unwrap();
    std::fs::write(&j, json).unwrap();
    let a = ledger::import_claims_file(&mut s, &t).unwrap();
    let b = ledger::import_claims_file(&mut s, &j).unwrap();
    assert_eq!((a.format, b.format), ("toml", "json"));
    assert_eq!(
        a.hashes, b.hashes,
        "same claim, same identity (who typed it does not count)"
    );
    assert_eq!((a.added, b.added, b.already_present), (1, 0, 1));
    let r = ledger::status(&s, "Twin Files", None).unwrap();
    assert_eq!(
        (r.status, r.next_season, r.decided_on),
        (Status::Renewed, 2, Some(d("2023-05-01")))
    );
    assert!(matches!(
        ledger::import_claims_file(&mut s, Path::new("/nonexistent/x.toml")),
        Err(LedgerError::Io { .. })
    ));
}

fn claim(
    kind: &str,
    season: Option<u32>,
    event: Option<&str>,
    published: &str,
    source_kind: &str,
) -> Claim {
    let raw = RawClaim {
        kind: Some(kind.into()),
        series: Some("Rules Show".into()),
        season,
        event_date: event.map(d),
        published: Some(d(published)),
        source: Some(ledger::claims::RawSource {
            name: Some(format!("{source_kind} source {published}")),
            url: None,
            kind: Some(source_kind.into()),
        }),
        entered_by: Some("test".into()),
        ..RawClaim::default()
    }
    .with("platform", (kind == "premiered").then_some("Netflix"));
    Claim::from_raw(raw, d("2030-01-01")).unwrap()
}

fn rules_store() -> (tempfile::TempDir, Store) {
    let (dir, mut s) = store();
    ledger::import_claims_text(
        &mut s,
        "[[series]]\ntitle = \"Rules Show\"\n",
        "decl.toml",
        FileFormat::Toml,
    )
    .unwrap();
    (dir, s)
}

#[test]
fn standing_decides_and_newer_wins_only_at_equal_standing() {
    let (_d, mut s) = rules_store();
    ledger::add_claim(
        &mut s,
        claim(
            "premiered",
            Some(1),
            Some("2020-01-10"),
            "2020-01-10",
            "platform",
        ),
    )
    .unwrap();
    // Trade press cancels, a fan site later claims a renewal: standing wins over recency.
    ledger::add_claim(
        &mut s,
        claim(
            "canceled",
            Some(1),
            Some("2020-03-01"),
            "2020-03-01",
            "trade_press",
        ),
    )
    .unwrap();
    ledger::add_claim(
        &mut s,
        claim(
            "season_renewed",
            Some(2),
            Some("2020-06-01"),
            "2020-06-01",
            "fan_site",
        ),
    )
    .unwrap();
    let r = ledger::status(&s, "Rules Show", None).unwrap();
    assert_eq!((r.status, r.next_season), (Status::Canceled, 2));
    assert_eq!(r.contradictions.len(), 1);
    assert!(
        r.contradictions[0].reason.contains("trade press"),
        "{}",
        r.contradictions[0].reason
    );
    // Before the fan claim was published there was nothing to contradict.
    let r = ledger::status(&s, "Rules Show", Some(d("2020-05-01"))).unwrap();
    assert_eq!((r.status, r.contradictions.len()), (Status::Canceled, 0));
    // Trade press later reports a renewal (equal standing, newer): it overrides, and the
    // conflict is still listed.
    ledger::add_claim(
        &mut s,
        claim(
            "season_renewed",
            Some(2),
            Some("2020-09-01"),
            "2020-09-01",
            "trade_press",
        ),
    )
    .unwrap();
    let r = ledger::status(&s, "Rules Show", None).unwrap();
    assert_eq!(
        (r.status, r.decided_on),
        (Status::Renewed, Some(d("2020-09-01")))
    );
    let c = &r.contradictions[0];
    assert_eq!(c.winner.claim.source.kind, SourceKind::TradePress);
    assert!(c.reason.contains("newer"), "{}", c.reason);
    // An official revival after the cancellation is not a contradiction: the cancellation is
    // shown as superseded.
    ledger::add_claim(
        &mut s,
        claim(
            "season_renewed",
            Some(2),
            Some("2020-10-01"),
            "2020-10-01",
            "official",
        ),
    )
    .unwrap();
    let r = ledger::status(&s, "Rules Show", None).unwrap();
    assert_eq!(r.status, Status::Renewed);
    assert!(r.contradictions.is_empty(), "{:?}", r.contradictions);
    assert!(r
        .evidence
        .iter()
        .any(|e| e.role == Role::Superseded && e.claim.claim.kind() == "canceled"));
}

#[test]
fn release_dates_limited_series_and_premiere_conflicts() {
    let (_d, mut s) = rules_store();
    ledger::add_claim(
        &mut s,
        claim(
            "premiered",
            Some(1),
            Some("2021-01-10"),
            "2021-01-10",
            "platform",
        ),
    )
    .unwrap();
    ledger::add_claim(
        &mut s,
        claim(
            "season_renewed",
            Some(2),
            Some("2021-03-01"),
            "2021-03-01",
            "official",
        ),
    )
    .unwrap();
    let mut ann = claim(
        "season_renewed",
        Some(2),
        Some("2021-06-01"),
        "2021-06-01",
        "platform",
    );
    ann.value = ClaimValue::ReleaseDateAnnounced {
        release_date: d("2022-02-02"),
        platform: Some("Netflix".into()),
    };
    ledger::add_claim(&mut s, ann).unwrap();
    // Before the announced day: season 2 is coming on it.
    let r = ledger::status(&s, "Rules Show", Some(d("2021-07-01"))).unwrap();
    assert_eq!(
        (r.status, r.next_season, r.release_date),
        (Status::ReleaseDateAnnounced, 2, Some(d("2022-02-02")))
    );
    // Once the announced day has passed, season 2 is out on it, and season 3 awaits a decision.
    let r = ledger::status(&s, "Rules Show", None).unwrap();
    assert_eq!((r.status, r.next_season), (Status::AwaitingDecision, 3));
    let s2 = r.seasons.iter().find(|o| o.season == 2).unwrap();
    assert_eq!(
        (s2.premiered, s2.premiered_on, s2.premiered_on_precision),
        (
            true,
            Some(d("2022-02-02")),
            Some(ledger::DatePrecision::Exact)
        )
    );
    // A second, different premiere date for season 1 on the same platform is a contradiction.
    ledger::add_claim(
        &mut s,
        claim(
            "premiered",
            Some(1),
            Some("2021-01-12"),
            "2021-02-01",
            "fan_site",
        ),
    )
    .unwrap();
    let r = ledger::status(&s, "Rules Show", None).unwrap();
    let c = r
        .contradictions
        .iter()
        .find(|c| c.kind == ContradictionKind::PremiereDate)
        .unwrap();
    assert_eq!(c.winner.claim.event_date, Some(d("2021-01-10")));
    assert_eq!(c.losers[0].claim.event_date, Some(d("2021-01-12")));
    // Season 2 premieres; then a limited-series claim cannot undo a season that exists.
    ledger::add_claim(
        &mut s,
        claim(
            "premiered",
            Some(2),
            Some("2022-02-02"),
            "2022-02-02",
            "platform",
        ),
    )
    .unwrap();
    let r = ledger::status(&s, "Rules Show", None).unwrap();
    assert_eq!((r.status, r.next_season), (Status::AwaitingDecision, 3));
    ledger::add_claim(
        &mut s,
        claim(
            "ended",
            Some(2),
            Some("2022-05-01"),
            "2022-05-01",
            "official",
        ),
    )
    .unwrap();
    let r = ledger::status(&s, "Rules Show", None).unwrap();
    assert_eq!(
        (r.status, r.next_season, r.decided_on),
        (Status::Ended, 3, Some(d("2022-05-01")))
    );
}

#[test]
fn add_claim_refuses_unknown_series_and_future_publication() {
    let (_d, mut s) = store();
    let mut c = claim("ended", Some(1), None, "2023-01-01", "fan_site");
    c.series = "Never Declared".into();
    let e = ledger::add_claim(&mut s, c).unwrap_err();
    assert_eq!(e.claim_errors()[0].field.as_deref(), Some("series"));
    let (_d2, mut s) = rules_store();
    let mut c = claim("ended", Some(1), None, "2023-01-01", "fan_site");
    c.published = d("2999-01-01");
    let e = ledger::add_claim(&mut s, c).unwrap_err();
    assert_eq!(e.claim_errors()[0].field.as_deref(), Some("published"));
    assert_eq!(claim_count(&s), 0);
}

#[test]
fn add_raw_claim_names_the_missing_field() {
    let (_d, mut s) = rules_store();
    let raw = RawClaim {
        kind: Some("premiered".into()),
        series: Some("rules-show".into()),
        season: Some(1),
        published: Some(d("2023-01-01")),
        source: Some(ledger::claims::RawSource {
            name: Some("x".into()),
            url: None,
            kind: Some("official".into()),
        }),
        entered_by: Some("cli".into()),
        ..RawClaim::default()
    };
    let e = ledger::add_raw_claim(&mut s, raw.clone()).unwrap_err();
    let err = &e.claim_errors()[0];
    assert_eq!(err.field.as_deref(), Some("event_date"));
    assert!(err.to_string().contains("premiere date"), "{err}");
    let ok = RawClaim {
        event_date: Some(d("2022-12-01")),
        ..raw
    }
    .with("platform", "Netflix");
    let r = ledger::add_raw_claim(&mut s, ok.clone()).unwrap();
    assert!(r.added);
    assert_eq!(r.series, "rules-show");
    assert!(
        !ledger::add_raw_claim(&mut s, ok).unwrap().added,
        "the same claim twice is one claim"
    );
    assert_eq!(claim_count(&s), 1);
}

/// TMDB's claims are published when the snapshot was (its manifest's date), not on the latest
/// air date it lists; JustWatch's scores carry their catalogue's date. Small fixtures with a
/// manifest that dates them later than their content.
#[test]
fn catalogue_claims_carry_the_manifests_publication_date() {
    use greenlight_store::import::ImportOptions;
    let (dir, mut s) = store();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("tmdb")).unwrap();
    std::fs::create_dir_all(data.join("justwatch")).unwrap();
    std::fs::write(
        data.join("tmdb/tv-status.csv"),
        "name,number_of_seasons,vote_count,vote_average,popularity,network1,first_air_date,last_air_date,status,renewed,show_duration\n\
         Fixture Show,2,10,7.5,3.0,Netflix,2020-01-10,2021-03-01,Canceled,FALSE,416\n",
    )
    .unwrap();
    std::fs::write(
        data.join("justwatch/titles.csv"),
        "id,title,type,release_year,age_certification,runtime,genres,production_countries,seasons,imdb_id,imdb_score,imdb_votes,tmdb_popularity,tmdb_score\n\
         ts1,Fixture Show,SHOW,2020,,30,[],[],2,,7.1,100,1.0,6.9\n",
    )
    .unwrap();
    std::fs::write(
        data.join("MANIFEST.toml"),
        "[[file]]\npath = \"tmdb/tv-status.csv\"\npublished = \"2021-06-15\"\nprecision = \"at_earliest\"\n\n\
         [[file]]\npath = \"justwatch/titles.csv\"\npublished = 2021-12-31\nprecision = \"at_latest\"\n",
    )
    .unwrap();
    s.import_paths(&[data], &ImportOptions::default()).unwrap();
    let series = s.series("Fixture Show").unwrap();
    let tmdb: Vec<_> = ledger::evidence::data_facts(&s, &series)
        .unwrap()
        .into_iter()
        .filter(|f| matches!(&f.origin, ledger::Origin::Data { dataset, .. } if dataset == "tmdb-status"))
        .collect();
    // Canceled after season 2, and season 1's premiere.
    assert_eq!(tmdb.len(), 3, "{tmdb:#?}");
    assert!(
        tmdb.iter().all(|f| f.claim.published == d("2021-06-15")),
        "{tmdb:#?}"
    );
    // Not visible before the snapshot was public, though it lists an air date before that.
    let early = ledger::status(&s, "Fixture Show", Some(d("2021-06-14"))).unwrap();
    assert!(
        early.evidence.iter().all(|e| !matches!(&e.claim.origin, ledger::Origin::Data { dataset, .. } if dataset == "tmdb-status")),
        "{early:#?}"
    );
    let r = ledger::reception(&s, "Fixture Show").unwrap();
    let scores = serde_json::to_value(&r).unwrap().to_string();
    assert!(
        scores.matches("\"published\":\"2021-12-31\"").count() >= 2,
        "IMDb and TMDB scores dated by the catalogue: {scores}"
    );
}

/// A later-season claim that loses (a fan site's "renewed for season 3" against the official
/// final-season announcement) proves nothing about season 2 having aired; a cancellation after
/// season 2 does (cancellations follow a season).
#[test]
fn only_claims_that_hold_imply_a_premiere() {
    let (_d, mut s) = rules_store();
    for c in [
        claim(
            "premiered",
            Some(1),
            Some("2022-01-10"),
            "2022-01-10",
            "platform",
        ),
        claim(
            "season_renewed",
            Some(2),
            Some("2022-03-01"),
            "2022-03-01",
            "trade_press",
        ),
        claim(
            "ended",
            Some(2),
            Some("2023-02-01"),
            "2023-02-01",
            "official",
        ),
        claim(
            "season_renewed",
            Some(3),
            Some("2023-03-01"),
            "2023-03-01",
            "fan_site",
        ),
    ] {
        ledger::add_claim(&mut s, c).unwrap();
    }
    let r = ledger::status(&s, "Rules Show", Some(d("2023-04-01"))).unwrap();
    assert_eq!((r.status, r.next_season), (Status::FinalSeasonAnnounced, 2));
    let (_d, mut s) = rules_store();
    for c in [
        claim(
            "premiered",
            Some(1),
            Some("2020-01-10"),
            "2020-01-10",
            "platform",
        ),
        claim(
            "season_renewed",
            Some(2),
            Some("2020-03-01"),
            "2020-03-01",
            "trade_press",
        ),
        claim(
            "canceled",
            Some(2),
            Some("2021-06-01"),
            "2021-06-01",
            "trade_press",
        ),
    ] {
        ledger::add_claim(&mut s, c).unwrap();
    }
    let r = ledger::status(&s, "Rules Show", None).unwrap();
    assert_eq!((r.status, r.next_season), (Status::Canceled, 3));
}

/// A snapshot's status word loses only to announcements of or after its date: a fan site's
/// 2019 renewal does not overturn a 2025 catalogue that lists the show as canceled.
#[test]
fn an_older_announcement_does_not_outrank_a_newer_snapshot_word() {
    let (_d, mut s) = rules_store();
    let mut cancel = claim("canceled", Some(1), None, "2025-01-15", "dataset");
    cancel.source.name = "a catalogue snapshot".into();
    for c in [
        claim(
            "premiered",
            Some(1),
            Some("2019-01-10"),
            "2019-01-10",
            "platform",
        ),
        claim(
            "season_renewed",
            Some(2),
            Some("2019-07-01"),
            "2019-07-01",
            "fan_site",
        ),
        cancel,
    ] {
        ledger::add_claim(&mut s, c).unwrap();
    }
    let r = ledger::status(&s, "Rules Show", None).unwrap();
    assert_eq!(r.status, Status::Canceled, "{}", r.confidence_reason);
    assert_eq!(
        r.decided_on_precision,
        Some(ledger::DatePrecision::ReportedBy)
    );
    // The same renewal dated after the snapshot wins.
    ledger::add_claim(
        &mut s,
        claim(
            "season_renewed",
            Some(2),
            Some("2025-03-01"),
            "2025-03-01",
            "fan_site",
        ),
    )
    .unwrap();
    let r = ledger::status(&s, "Rules Show", None).unwrap();
    assert_eq!(r.status, Status::Renewed, "{}", r.confidence_reason);
}
