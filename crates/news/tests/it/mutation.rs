//! No claim is ever verified wrongly: every claim the corpus verifies is mutated by a plausible
//! margin (hours and views by 5-20%, ranks, weeks and seasons by one, dates by days or a month
//! at their precision, names swapped for another credit's, the platform for another) and judged
//! again as of the same dateline. Every mutation must be contradicted, but for two kinds of
//! *probes*, which must only never be verified: a window edge moved seven days into a chart
//! week (the data bounds such a window from both sides only) and one season more than seen when
//! none is known to be final (a later season may exist). Each claim the probes touch also has
//! mutations of the same number or date that must be contradicted (the window shortened by a
//! whole chart week, one season fewer).

use crate::check_corpus::checked_corpus;
use chrono::{Datelike, Days, Months, NaiveDate};
use greenlight_news::check::check;
use greenlight_news::{Assertion, Claim, PartialDate, Verdict};
use greenlight_store::Store;

/// One mutated claim and whether the data must contradict it (rather than only not verify it).
struct Mutation {
    claim: Claim,
    what: String,
    must_contradict: bool,
}

fn shift(d: PartialDate, by: i32) -> Vec<PartialDate> {
    match d {
        PartialDate::Year(y) => vec![PartialDate::Year(y + by)],
        PartialDate::Month(y, m) => {
            let first = NaiveDate::from_ymd_opt(y, m, 1).expect("a month");
            let moved = if by > 0 {
                first.checked_add_months(Months::new(by as u32))
            } else {
                first.checked_sub_months(Months::new(by.unsigned_abs()))
            }
            .expect("a month");
            vec![PartialDate::Month(
                chrono::Datelike::year(&moved),
                chrono::Datelike::month(&moved),
            )]
        }
        PartialDate::Day(day) => {
            let days = |n: u64| {
                if by > 0 {
                    day.checked_add_days(Days::new(n))
                } else {
                    day.checked_sub_days(Days::new(n))
                }
            };
            let month = if by > 0 {
                day.checked_add_months(Months::new(1))
            } else {
                day.checked_sub_months(Months::new(1))
            };
            [days(1), days(7), month]
                .into_iter()
                .flatten()
                .map(PartialDate::Day)
                .collect()
        }
    }
}

/// Every plausible mutation of a verified claim.
fn mutations(store: &Store, c: &Claim, as_of: NaiveDate) -> Vec<Mutation> {
    let mut out = Vec::new();
    let mut push = |a: Assertion, what: String, must: bool| {
        out.push(Mutation {
            claim: Claim {
                assertion: a,
                ..c.clone()
            },
            what,
            must_contradict: must,
        })
    };
    let factors = [0.80, 0.85, 0.90, 0.95, 1.05, 1.10, 1.15, 1.20];
    let scale = |x: u64, f: f64| (x as f64 * f).round() as u64;
    let pm1 = |x: u32| [x.checked_sub(1).filter(|&n| n > 0), x.checked_add(1)];
    match &c.assertion {
        Assertion::WindowHours { stated, from, to } => {
            for f in factors {
                push(
                    Assertion::WindowHours {
                        stated: scale(*stated, f),
                        from: *from,
                        to: *to,
                    },
                    format!("hours x{f}"),
                    true,
                );
            }
            // A window one chart week shorter at either end (its first Monday a week later, its
            // last Sunday a week earlier) leaves a charted week wholly outside: the stated sum is
            // then more than every week the window touches could hold, a contradiction.
            let monday =
                *from + Days::new(u64::from((7 - from.weekday().num_days_from_monday()) % 7));
            let sunday = *to - Days::new(u64::from((to.weekday().num_days_from_monday() + 1) % 7));
            // An edge's week is dropped only when a whole chart week remains; a window too short
            // for either is moved a week later instead, so the stated sum is another week's (and,
            // as a probe, a week earlier, which may fall before the season was out and so in
            // weeks the chart cannot bound).
            let mut shortened = Vec::new();
            if monday + Days::new(13) <= *to {
                shortened.push((monday + Days::new(7), *to, "first chart week dropped", true));
            }
            if sunday - Days::new(13) >= *from {
                shortened.push((
                    *from,
                    sunday - Days::new(7),
                    "last chart week dropped",
                    true,
                ));
            }
            if shortened.is_empty() {
                shortened.push((
                    *from + Days::new(7),
                    *to + Days::new(7),
                    "window a week later",
                    true,
                ));
                shortened.push((
                    *from - Days::new(7),
                    *to - Days::new(7),
                    "window a week earlier",
                    false,
                ));
            }
            for (nf, nt, what, must) in shortened {
                push(
                    Assertion::WindowHours {
                        stated: *stated,
                        from: nf,
                        to: nt,
                    },
                    what.to_string(),
                    must,
                );
            }
            // Probes: a boundary moved by seven days that lands inside a chart week leaves that
            // week partly inside, so the data bounds the window's hours only from both sides
            // (whole weeks below, touched weeks above); the stated sum may lie between, and
            // then the honest answer is unverifiable. Never verified is all that can be asked.
            for (nf, nt, what) in [
                (*from + Days::new(7), *to, "from +7 days"),
                (*from, *to - Days::new(7), "to -7 days"),
            ] {
                push(
                    Assertion::WindowHours {
                        stated: *stated,
                        from: nf,
                        to: nt,
                    },
                    what.to_string(),
                    false,
                );
            }
        }
        Assertion::Top10Weeks { stated } => {
            for n in pm1(*stated).into_iter().flatten() {
                push(
                    Assertion::Top10Weeks { stated: n },
                    format!("weeks {n}"),
                    true,
                );
            }
        }
        Assertion::PeakRank { stated, category } => {
            for n in pm1(*stated).into_iter().flatten().filter(|&n| n <= 10) {
                push(
                    Assertion::PeakRank {
                        stated: n,
                        category: category.clone(),
                    },
                    format!("rank {n}"),
                    true,
                );
            }
        }
        Assertion::EngagementHours { stated, half } => {
            for f in factors {
                push(
                    Assertion::EngagementHours {
                        stated: scale(*stated, f),
                        half: half.clone(),
                    },
                    format!("hours x{f}"),
                    true,
                );
            }
        }
        Assertion::EngagementViews { stated, half } => {
            for f in factors {
                push(
                    Assertion::EngagementViews {
                        stated: scale(*stated, f),
                        half: half.clone(),
                    },
                    format!("views x{f}"),
                    true,
                );
            }
        }
        Assertion::SeasonCount { stated } => {
            for n in pm1(*stated).into_iter().flatten() {
                // One season more than seen is contradicted only when the last one is known
                // to be final; otherwise the data cannot tell (it is still never verified).
                push(
                    Assertion::SeasonCount { stated: n },
                    format!("seasons {n}"),
                    n < *stated,
                );
            }
        }
        Assertion::Premiered { stated } | Assertion::ReleaseDate { stated } => {
            for by in [-1, 1] {
                for d in shift(*stated, by) {
                    let a = match c.assertion {
                        Assertion::Premiered { .. } => Assertion::Premiered { stated: d },
                        _ => Assertion::ReleaseDate { stated: d },
                    };
                    push(a, format!("date {d}"), true);
                }
            }
        }
        Assertion::Renewed {
            stated,
            date: Some(date),
        } => {
            for by in [-1, 1] {
                for d in shift(*date, by) {
                    push(
                        Assertion::Renewed {
                            stated: *stated,
                            date: Some(d),
                        },
                        format!("renewal dated {d}"),
                        true,
                    );
                }
            }
        }
        Assertion::Renewed { date: None, .. } => {}
        Assertion::Canceled { stated, date } => {
            for n in pm1(*stated).into_iter().flatten() {
                push(
                    Assertion::Canceled {
                        stated: n,
                        date: None,
                    },
                    format!("canceled after {n}"),
                    true,
                );
            }
            if let Some(date) = date {
                for by in [-1, 1] {
                    for d in shift(*date, by) {
                        push(
                            Assertion::Canceled {
                                stated: *stated,
                                date: Some(d),
                            },
                            format!("cancellation dated {d}"),
                            true,
                        );
                    }
                }
            }
        }
        Assertion::FinalSeason { stated } => {
            for n in pm1(*stated).into_iter().flatten() {
                push(
                    Assertion::FinalSeason { stated: n },
                    format!("final season {n}"),
                    true,
                );
            }
        }
        Assertion::Cast { person, stated } => {
            let series = store
                .series_by_slug(&c.series)
                .expect("read")
                .expect("series");
            let data = store.checking(&series, as_of).expect("checking read");
            let show = data
                .justwatch
                .expect("a verified cast claim has a JustWatch record");
            let actors: Vec<_> = show
                .credits
                .iter()
                .filter(|r| {
                    r.role == "ACTOR" && r.character.as_deref().is_some_and(|c| !c.is_empty())
                })
                .collect();
            let me = actors
                .iter()
                .position(|r| {
                    greenlight_sources::titles::normalize(&r.name)
                        == greenlight_sources::titles::normalize(person)
                })
                .expect("the verified person is credited");
            let mine = actors[me].character.clone().unwrap_or_default();
            // The next credited actors with another character: their character for this person,
            // and this character for them.
            let others: Vec<_> = actors
                .iter()
                .cycle()
                .skip(me + 1)
                .take(actors.len())
                .filter(|r| {
                    greenlight_sources::titles::normalize(
                        r.character.as_deref().unwrap_or_default(),
                    ) != greenlight_sources::titles::normalize(&mine)
                })
                .take(2)
                .collect();
            for o in others {
                let theirs = o.character.clone().unwrap_or_default();
                push(
                    Assertion::Cast {
                        person: person.clone(),
                        stated: theirs.clone(),
                    },
                    format!("{person} as {theirs}"),
                    true,
                );
                push(
                    Assertion::Cast {
                        person: o.name.clone(),
                        stated: stated.clone(),
                    },
                    format!("{} as {stated}", o.name),
                    true,
                );
            }
        }
        Assertion::Director { .. } => {
            let series = store
                .series_by_slug(&c.series)
                .expect("read")
                .expect("series");
            let data = store.checking(&series, as_of).expect("checking read");
            let show = data
                .justwatch
                .expect("a verified director has a JustWatch record");
            let dirs: Vec<String> = show
                .credits
                .iter()
                .filter(|r| r.role == "DIRECTOR")
                .map(|r| greenlight_sources::titles::normalize(&r.name))
                .collect();
            for actor in show
                .credits
                .iter()
                .filter(|r| {
                    r.role == "ACTOR"
                        && !dirs.contains(&greenlight_sources::titles::normalize(&r.name))
                })
                .take(2)
            {
                push(
                    Assertion::Director {
                        stated: actor.name.clone(),
                    },
                    format!("director {} (an actor)", actor.name),
                    true,
                );
            }
        }
        Assertion::Platform { .. } => {
            for p in ["Hulu", "Prime Video"] {
                push(
                    Assertion::Platform {
                        stated: p.to_string(),
                    },
                    format!("platform {p}"),
                    true,
                );
            }
        }
        Assertion::LimitedSeries { .. }
        | Assertion::EpisodeCount { .. }
        | Assertion::Creator { .. }
        | Assertion::SourceMaterial { .. }
        | Assertion::RottenTomatoes { .. }
        | Assertion::Metacritic { .. } => {}
    }
    out
}

#[test]
fn no_mutated_claim_of_the_corpus_is_verified() {
    let store = greenlight_testkit::open(greenlight_testkit::imported_all());
    let (mut verified, mut mutated, mut contradicted, mut not_mutated) = (0, 0, 0, Vec::new());
    let (mut probes, mut probes_unverifiable, mut only_probes) = (0, Vec::new(), Vec::new());
    let mut problems = Vec::new();
    for (key, _, report) in checked_corpus(&store) {
        let as_of = key.published();
        let mut muts = Vec::new();
        for cc in report
            .claims
            .iter()
            .filter(|c| c.verdict == Verdict::Verified)
        {
            verified += 1;
            let m = mutations(&store, &cc.claim, as_of);
            if m.is_empty() {
                not_mutated.push(format!(
                    "{} {}",
                    key.article.file,
                    cc.claim.assertion.kind()
                ));
            } else if !m.iter().any(|m| m.must_contradict) {
                // A count of one season, the show not known to be final: one fewer is no count,
                // one more the data cannot rule out. Listed, and the probe still must not verify.
                only_probes.push(format!(
                    "{} {}",
                    key.article.file,
                    cc.claim.assertion.kind()
                ));
            }
            muts.extend(m);
        }
        // One check per article, as the checker is used: all the article's mutations at once.
        let claims: Vec<Claim> = muts.iter().map(|m| m.claim.clone()).collect();
        let judged = check(&store, &report.article, &claims, as_of).expect("check");
        for (m, j) in muts.iter().zip(&judged.claims) {
            mutated += 1;
            if !m.must_contradict {
                probes += 1;
                if j.verdict == Verdict::Unverifiable {
                    probes_unverifiable.push(format!(
                        "{} [{}] {}: {}",
                        key.article.file,
                        m.claim.assertion.kind(),
                        m.what,
                        j.summary
                    ));
                }
            }
            let what = format!(
                "{} [{}] {}",
                key.article.file,
                m.claim.assertion.kind(),
                m.what
            );
            match j.verdict {
                Verdict::Verified => problems.push(format!("{what}: verified ({})", j.summary)),
                Verdict::Contradicted => contradicted += 1,
                Verdict::Unverifiable if m.must_contradict => problems.push(format!(
                    "{what}: unverifiable, the data covers it ({})",
                    j.summary
                )),
                Verdict::Unverifiable => {}
            }
        }
    }
    eprintln!(
        "mutation: {verified} verified claims, {mutated} mutations ({probes} of them probes), \
         {contradicted} contradicted, {} probes unverifiable (allowed), \
         claims with no mutation: {not_mutated:?}, claims with only probes: {only_probes:?}\nunverifiable probes:\n{}",
        probes_unverifiable.len(),
        probes_unverifiable.join("\n")
    );
    assert!(
        problems.is_empty(),
        "{} wrong:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(verified >= 80, "the corpus verifies {verified} claims");
    assert!(
        mutated > 3 * verified,
        "{mutated} mutations of {verified} claims"
    );
}

/// Bad input never panics and is never verified: every kind with extreme values (the largest
/// numbers, the calendar's ends, empty and foreign names, a season no series has) on a real
/// series and on one the store does not know.
#[test]
fn extreme_claims_are_judged_without_panicking_and_never_verified() {
    let store = greenlight_testkit::open(greenlight_testkit::imported_all());
    let pt = store
        .find_series("Partner Track")
        .expect("find")
        .expect("Partner Track");
    let (min, max) = (NaiveDate::MIN, NaiveDate::MAX);
    let dates = [
        PartialDate::Day(min),
        PartialDate::Day(max),
        PartialDate::Year(-9999),
        PartialDate::Year(9999),
    ];
    let mut assertions = vec![
        Assertion::WindowHours {
            stated: u64::MAX,
            from: min,
            to: max,
        },
        Assertion::WindowHours {
            stated: 0,
            from: max,
            to: min,
        },
        Assertion::WindowHours {
            stated: u64::MAX,
            from: max,
            to: max,
        },
        Assertion::Top10Weeks { stated: u32::MAX },
        Assertion::PeakRank {
            stated: 0,
            category: Some(String::new()),
        },
        Assertion::EngagementHours {
            stated: u64::MAX,
            half: "9999H9".into(),
        },
        Assertion::EngagementViews {
            stated: u64::MAX,
            half: String::new(),
        },
        Assertion::SeasonCount { stated: u32::MAX },
        Assertion::Renewed {
            stated: u32::MAX,
            date: Some(PartialDate::Day(max)),
        },
        Assertion::Canceled {
            stated: 0,
            date: Some(PartialDate::Day(min)),
        },
        Assertion::FinalSeason { stated: u32::MAX },
        Assertion::Cast {
            person: String::new(),
            stated: String::new(),
        },
        Assertion::Cast {
            person: "오징어".into(),
            stated: "\u{0301}".into(),
        },
        Assertion::Director {
            stated: "\u{0}".into(),
        },
        Assertion::Platform {
            stated: String::new(),
        },
    ];
    for d in dates {
        assertions.push(Assertion::Premiered { stated: d });
        assertions.push(Assertion::ReleaseDate { stated: d });
    }
    let mut claims = Vec::new();
    for series in [pt.slug.as_str(), "no-such-series-anywhere"] {
        for season in [None, Some(0), Some(u32::MAX)] {
            for a in &assertions {
                claims.push(Claim {
                    span: greenlight_news::Span {
                        start: usize::MAX,
                        end: 0,
                    },
                    series: series.to_string(),
                    title: String::new(),
                    season,
                    assertion: a.clone(),
                });
            }
        }
    }
    let article = greenlight_news::Article::from_text("x");
    for as_of in [min, max, NaiveDate::from_ymd_opt(2022, 11, 15).unwrap()] {
        let report = check(&store, &article, &claims, as_of).expect("check");
        assert_eq!(report.claims.len(), claims.len());
        for c in &report.claims {
            assert_ne!(
                c.verdict,
                Verdict::Verified,
                "{:?} as of {as_of}: {}",
                c.claim,
                c.summary
            );
        }
    }
    // The calendar's last day sees everything published (dates are stored as four-digit years).
    let netflix = Claim {
        span: greenlight_news::Span { start: 0, end: 0 },
        series: pt.slug.clone(),
        title: pt.title.clone(),
        season: None,
        assertion: Assertion::Platform {
            stated: "Netflix".into(),
        },
    };
    let report = check(&store, &article, &[netflix], max).expect("check");
    assert_eq!(
        report.claims[0].verdict,
        Verdict::Verified,
        "{}",
        report.claims[0].summary
    );
}
