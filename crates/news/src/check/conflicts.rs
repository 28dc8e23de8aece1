//! The article's internal contradictions: two of its own claims that cannot both hold, whatever
//! the data says. The conflicts known (the same list as `scripts/corpus_truth.py`'s
//! `conflicts()`):
//!
//! - the same single-valued fact (kind, series, season, person, half, window, list) stated with
//!   two values (dates only when neither contains the other: "2022-11" and "2022-11-23" agree);
//! - canceled after S, or final season S, against renewed for N > S or N > S seasons out;
//! - canceled after S against final season F != S;
//! - a limited series against renewed for N >= 2 or N >= 2 seasons out.
//!
//! Several directors, creators, platforms or renewals can all hold, so they never conflict.

use super::judge::fold;
#[cfg(test)]
use crate::PartialDate;
use crate::{Assertion, Claim};

/// The identity of a single-valued fact (everything but its value) and its value, as text.
fn fact(c: &Claim) -> Option<(String, String)> {
    let key = |extra: &str| format!("{}|{:?}|{extra}", c.assertion.kind(), c.season);
    Some(match &c.assertion {
        Assertion::Canceled { stated, .. } => (key(""), stated.to_string()),
        Assertion::FinalSeason { stated } => (key(""), stated.to_string()),
        Assertion::LimitedSeries { stated } => (key(""), stated.to_string()),
        Assertion::ReleaseDate { stated } | Assertion::Premiered { stated } => {
            (key(""), stated.to_string())
        }
        Assertion::WindowHours { stated, from, to } => {
            (key(&format!("{from}|{to}")), stated.to_string())
        }
        Assertion::Top10Weeks { stated } => (key(""), stated.to_string()),
        Assertion::PeakRank { stated, category } => (
            key(category.as_deref().unwrap_or_default()),
            stated.to_string(),
        ),
        Assertion::EngagementHours { stated, half }
        | Assertion::EngagementViews { stated, half } => (key(half), stated.to_string()),
        Assertion::SeasonCount { stated } => (key(""), stated.to_string()),
        Assertion::EpisodeCount { stated } => (key(""), stated.to_string()),
        Assertion::Cast { person, stated } => (key(&fold(person)), fold(stated)),
        Assertion::RottenTomatoes { stated } | Assertion::Metacritic { stated } => {
            (key(""), stated.to_string())
        }
        Assertion::Renewed { .. }
        | Assertion::Director { .. }
        | Assertion::Creator { .. }
        | Assertion::SourceMaterial { .. }
        | Assertion::Platform { .. } => return None,
    })
}

/// A season after which the series stops, as `a` states it: canceled after S, or final S.
fn stops_at(a: &Assertion) -> Option<(u32, &'static str)> {
    match a {
        Assertion::Canceled { stated, .. } => Some((*stated, "canceled after season")),
        Assertion::FinalSeason { stated } => Some((*stated, "final season is season")),
        _ => None,
    }
}

/// A season that `a` says exists or will: renewed for N, or N seasons out.
fn goes_to(a: &Assertion) -> Option<(u32, &'static str)> {
    match a {
        Assertion::Renewed { stated, .. } => Some((*stated, "renewed for season")),
        Assertion::SeasonCount { stated } => Some((*stated, "seasons out:")),
        _ => None,
    }
}

/// Why `a` and `b` cannot both hold, or `None` when they can.
pub fn conflict(a: &Claim, b: &Claim) -> Option<String> {
    if a.series != b.series {
        return None;
    }
    if let (Some((ka, va)), Some((kb, vb))) = (fact(a), fact(b)) {
        if ka == kb {
            let differ = match (&a.assertion, &b.assertion) {
                (Assertion::ReleaseDate { .. }, _) | (Assertion::Premiered { .. }, _) => {
                    !(va.starts_with(&vb) || vb.starts_with(&va))
                }
                _ => va != vb,
            };
            return differ.then(|| {
                format!(
                    "the article states two values for the same {}: {va} and {vb}",
                    a.assertion.kind().replace('_', " ")
                )
            });
        }
    }
    for (x, y) in [(a, b), (b, a)] {
        if let (Some((s, what)), Some((n, other))) = (stops_at(&x.assertion), goes_to(&y.assertion))
        {
            if n > s {
                return Some(format!("{what} {s}, yet {other} {n}"));
            }
        }
        if let (Assertion::Canceled { stated: s, .. }, Assertion::FinalSeason { stated: f }) =
            (&x.assertion, &y.assertion)
        {
            if s != f {
                return Some(format!(
                    "canceled after season {s}, yet season {f} is the final season"
                ));
            }
        }
        if let (Assertion::LimitedSeries { stated: true }, Some((n, other))) =
            (&x.assertion, goes_to(&y.assertion))
        {
            if n >= 2 {
                return Some(format!("a limited series, yet {other} {n}"));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Span;

    fn claim(season: Option<u32>, assertion: Assertion) -> Claim {
        Claim {
            span: Span { start: 0, end: 0 },
            series: "partner-track".into(),
            title: "Partner Track".into(),
            season,
            assertion,
        }
    }

    #[test]
    fn decisions_that_cannot_both_hold_conflict() {
        let canceled = claim(
            Some(1),
            Assertion::Canceled {
                stated: 1,
                date: None,
            },
        );
        let renewed = |n| {
            claim(
                Some(n),
                Assertion::Renewed {
                    stated: n,
                    date: None,
                },
            )
        };
        assert!(conflict(&canceled, &renewed(2)).is_some());
        assert!(conflict(&renewed(2), &canceled).is_some(), "either order");
        assert!(
            conflict(&canceled, &renewed(1)).is_none(),
            "renewed for the season it ended on"
        );
        let final3 = claim(Some(3), Assertion::FinalSeason { stated: 3 });
        assert!(conflict(&final3, &renewed(4)).is_some());
        assert!(conflict(&final3, &claim(None, Assertion::SeasonCount { stated: 3 })).is_none());
        assert!(conflict(
            &canceled,
            &claim(Some(2), Assertion::FinalSeason { stated: 2 })
        )
        .is_some());
        let limited = claim(None, Assertion::LimitedSeries { stated: true });
        assert!(conflict(&limited, &renewed(2)).is_some());
        assert!(conflict(&limited, &claim(None, Assertion::SeasonCount { stated: 1 })).is_none());
        assert!(
            conflict(&renewed(2), &renewed(3)).is_none(),
            "several renewals all hold"
        );
    }

    #[test]
    fn one_fact_stated_twice_conflicts_only_with_two_values() {
        let weeks = |n| claim(Some(1), Assertion::Top10Weeks { stated: n });
        assert!(conflict(&weeks(3), &weeks(4)).is_some());
        assert!(conflict(&weeks(3), &weeks(3)).is_none());
        let other_season = claim(Some(2), Assertion::Top10Weeks { stated: 4 });
        assert!(conflict(&weeks(3), &other_season).is_none());
        let day = |s: &str| {
            claim(
                Some(1),
                Assertion::Premiered {
                    stated: PartialDate::parse(s).unwrap(),
                },
            )
        };
        assert!(
            conflict(&day("2022-11"), &day("2022-11-23")).is_none(),
            "a month holds its day"
        );
        assert!(conflict(&day("2022-11-16"), &day("2022-11-23")).is_some());
        let cast = |p: &str, c: &str| {
            claim(
                None,
                Assertion::Cast {
                    person: p.into(),
                    stated: c.into(),
                },
            )
        };
        assert!(conflict(
            &cast("Arden Cho", "Ingrid Yun"),
            &cast("ARDEN CHO", "ingrid yun")
        )
        .is_none());
        assert!(conflict(
            &cast("Arden Cho", "Ingrid Yun"),
            &cast("Arden Cho", "Rachel")
        )
        .is_some());
        let dir = |n: &str| claim(None, Assertion::Director { stated: n.into() });
        assert!(
            conflict(&dir("A"), &dir("B")).is_none(),
            "several directors all hold"
        );
        let mut elsewhere = weeks(4);
        elsewhere.series = "wednesday".into();
        assert!(conflict(&weeks(3), &elsewhere).is_none(), "another series");
    }
}
