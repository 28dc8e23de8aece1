//! Reception: Rotten Tomatoes, Metacritic and audience scores, per season or for the series.
//!
//! When individual reviews are in the ledger (`rt_review`, `metacritic_review`), the aggregate is
//! *computed* from them — the way each site does it — and any stated aggregate is shown beside it;
//! otherwise the stated aggregate (`rotten_tomatoes`, `metacritic`) is kept as stated. Every
//! figure lists its sources.
//!
//! - Rotten Tomatoes: percent positive = fresh / reviews, rounded half up to a whole percent
//!   (8 fresh of 13 is 61.5%, shown 62%); average = mean of the reviews that gave a score out of
//!   10, rounded half up to one decimal.
//! - Metacritic: Metascore = mean of the critics' 0-100 scores, rounded half up; the TV label
//!   band: 81-100 universal acclaim, 61-80 generally favorable, 40-60 mixed or average,
//!   20-39 generally unfavorable, 0-19 overwhelming dislike.
//!
//! Rounding is done in integer arithmetic where the inputs are integers, so the same reviews
//! always give the same figure on every machine.

use crate::claims::{ClaimValue, Source};
use crate::evidence::Fact;
use chrono::NaiveDate;
use serde::Serialize;

/// Percent positive, rounded half up: `round(100 * fresh / total)`. `None` without reviews.
pub fn percent_positive(fresh: u32, total: u32) -> Option<u8> {
    if total == 0 || fresh > total {
        return None;
    }
    // (200 * fresh + total) / (2 * total) = floor(100 * fresh / total + 1/2).
    let v = (200 * u64::from(fresh) + u64::from(total)) / (2 * u64::from(total));
    u8::try_from(v).ok()
}

/// Mean of scores out of 10, rounded half up to one decimal. `None` for no scores.
pub fn average_out_of_10(scores: &[f64]) -> Option<f64> {
    if scores.is_empty() {
        return None;
    }
    // Scores are given to at most two decimals (7.5/10, 3/4 -> 7.5); work in hundredths.
    let hundredths: i64 = scores.iter().map(|s| (s * 100.0).round() as i64).sum();
    let n = scores.len() as i64;
    // Tenths, rounded half up: floor((hundredths / n) / 10 + 1/2) = floor((hundredths + 5n) / 10n).
    let tenths = (hundredths + 5 * n).div_euclid(10 * n);
    Some(tenths as f64 / 10.0)
}

/// Metascore: the mean of 0-100 critic scores, rounded half up. `None` without critics.
pub fn metascore(scores: &[u8]) -> Option<u8> {
    if scores.is_empty() {
        return None;
    }
    let sum: u64 = scores.iter().map(|s| u64::from(*s)).sum();
    let n = scores.len() as u64;
    u8::try_from((2 * sum + n) / (2 * n)).ok()
}

/// Metacritic's label band for a TV Metascore.
pub fn metacritic_band(score: u8) -> &'static str {
    match score {
        81.. => "universal acclaim",
        61..=80 => "generally favorable",
        40..=60 => "mixed or average",
        20..=39 => "generally unfavorable",
        _ => "overwhelming dislike",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceRef {
    pub name: String,
    pub url: Option<String>,
    pub kind: crate::claims::SourceKind,
    /// When the source published the figure (`None` for dataset scores with no date).
    pub published: Option<NaiveDate>,
}

impl SourceRef {
    fn of(s: &Source, published: NaiveDate) -> SourceRef {
        SourceRef {
            name: s.name.clone(),
            url: s.url.clone(),
            kind: s.kind,
            published: Some(published),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RottenTomatoes {
    pub percent: u8,
    pub reviews: u32,
    /// Average rating out of 10.
    pub average: Option<f64>,
    /// `computed` from individual reviews, or `stated`.
    pub basis: Basis,
    /// The stated aggregate, when reviews were also given (so the two can be compared).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stated: Option<StatedRt>,
    pub sources: Vec<SourceRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatedRt {
    pub percent: u8,
    pub reviews: u32,
    pub average: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Metacritic {
    pub score: u8,
    pub critics: u32,
    pub label: &'static str,
    pub basis: Basis,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stated: Option<StatedMc>,
    pub sources: Vec<SourceRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatedMc {
    pub score: u8,
    pub critics: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    Computed,
    Stated,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Audience {
    pub site: String,
    pub score: f64,
    pub scale: f64,
    pub votes: Option<u32>,
    pub source: SourceRef,
}

/// Reception of one season (`season: None` is the series as a whole).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceptionEntry {
    pub season: Option<u32>,
    pub rotten_tomatoes: Option<RottenTomatoes>,
    pub metacritic: Option<Metacritic>,
    pub audience: Vec<Audience>,
}

/// The latest-published, best-standing stated aggregate wins when several are stated.
fn pick_latest<'a>(v: &[&'a Fact]) -> Option<&'a Fact> {
    v.iter().copied().max_by(|a, b| {
        a.claim
            .standing()
            .cmp(&b.claim.standing())
            .then(a.claim.published.cmp(&b.claim.published))
            .then(b.id().cmp(&a.id()))
    })
}

/// Builds reception per season from reception claims (others are ignored) plus extra audience
/// entries (from data), series-level.
pub fn build(facts: &[Fact], extra_audience: Vec<Audience>) -> Vec<ReceptionEntry> {
    let mut seasons: Vec<Option<u32>> = facts
        .iter()
        .filter(|f| {
            matches!(
                f.claim.value,
                ClaimValue::RottenTomatoes { .. }
                    | ClaimValue::RtReview { .. }
                    | ClaimValue::Metacritic { .. }
                    | ClaimValue::MetacriticReview { .. }
                    | ClaimValue::AudienceScore { .. }
            )
        })
        .map(|f| f.claim.season)
        .collect();
    if !extra_audience.is_empty() {
        seasons.push(None);
    }
    seasons.sort();
    seasons.dedup();
    let mut out = Vec::new();
    for season in seasons {
        let of = |f: &&Fact| f.claim.season == season;
        let here: Vec<&Fact> = facts.iter().filter(of).collect();
        let stated_rt: Vec<&Fact> = here
            .iter()
            .copied()
            .filter(|f| matches!(f.claim.value, ClaimValue::RottenTomatoes { .. }))
            .collect();
        // One review per critic: a critic entered twice (two sources) counts once, the
        // best-standing, latest entry winning.
        let rt_reviews = per_critic(
            here.iter()
                .copied()
                .filter(|f| matches!(f.claim.value, ClaimValue::RtReview { .. }))
                .collect(),
        );
        let stated = pick_latest(&stated_rt).and_then(|f| match f.claim.value {
            ClaimValue::RottenTomatoes {
                percent,
                reviews,
                average,
            } => Some((
                StatedRt {
                    percent,
                    reviews,
                    average,
                },
                f,
            )),
            _ => None,
        });
        let rotten_tomatoes = if !rt_reviews.is_empty() {
            let fresh = rt_reviews
                .iter()
                .filter(|f| matches!(f.claim.value, ClaimValue::RtReview { fresh: true, .. }))
                .count() as u32;
            let total = rt_reviews.len() as u32;
            let scores: Vec<f64> = rt_reviews
                .iter()
                .filter_map(|f| match f.claim.value {
                    ClaimValue::RtReview { score, .. } => score,
                    _ => None,
                })
                .collect();
            let mut sources: Vec<SourceRef> = rt_reviews
                .iter()
                .map(|f| SourceRef::of(&f.claim.source, f.claim.published))
                .collect();
            sources.dedup();
            percent_positive(fresh, total).map(|percent| RottenTomatoes {
                percent,
                reviews: total,
                average: average_out_of_10(&scores),
                basis: Basis::Computed,
                stated: stated.as_ref().map(|(s, _)| s.clone()),
                sources,
            })
        } else {
            stated.map(|(s, f)| RottenTomatoes {
                percent: s.percent,
                reviews: s.reviews,
                average: s.average,
                basis: Basis::Stated,
                stated: None,
                sources: vec![SourceRef::of(&f.claim.source, f.claim.published)],
            })
        };
        let stated_mc: Vec<&Fact> = here
            .iter()
            .copied()
            .filter(|f| matches!(f.claim.value, ClaimValue::Metacritic { .. }))
            .collect();
        let mc_reviews = per_critic(
            here.iter()
                .copied()
                .filter(|f| matches!(f.claim.value, ClaimValue::MetacriticReview { .. }))
                .collect(),
        );
        let stated = pick_latest(&stated_mc).and_then(|f| match f.claim.value {
            ClaimValue::Metacritic { score, critics } => Some((StatedMc { score, critics }, f)),
            _ => None,
        });
        let metacritic = if !mc_reviews.is_empty() {
            let scores: Vec<u8> = mc_reviews
                .iter()
                .filter_map(|f| match f.claim.value {
                    ClaimValue::MetacriticReview { score, .. } => Some(score),
                    _ => None,
                })
                .collect();
            let mut sources: Vec<SourceRef> = mc_reviews
                .iter()
                .map(|f| SourceRef::of(&f.claim.source, f.claim.published))
                .collect();
            sources.dedup();
            metascore(&scores).map(|score| Metacritic {
                score,
                critics: scores.len() as u32,
                label: metacritic_band(score),
                basis: Basis::Computed,
                stated: stated.as_ref().map(|(s, _)| s.clone()),
                sources,
            })
        } else {
            stated.map(|(s, f)| Metacritic {
                score: s.score,
                critics: s.critics,
                label: metacritic_band(s.score),
                basis: Basis::Stated,
                stated: None,
                sources: vec![SourceRef::of(&f.claim.source, f.claim.published)],
            })
        };
        let mut audience: Vec<Audience> = here
            .iter()
            .filter_map(|f| match &f.claim.value {
                ClaimValue::AudienceScore {
                    site,
                    score,
                    scale,
                    votes,
                } => Some(Audience {
                    site: site.clone(),
                    score: *score,
                    scale: *scale,
                    votes: *votes,
                    source: SourceRef::of(&f.claim.source, f.claim.published),
                }),
                _ => None,
            })
            .collect();
        if season.is_none() {
            audience.extend(extra_audience.iter().cloned());
        }
        out.push(ReceptionEntry {
            season,
            rotten_tomatoes,
            metacritic,
            audience,
        });
    }
    out
}

fn per_critic(mut v: Vec<&Fact>) -> Vec<&Fact> {
    v.sort_by(|a, b| {
        let ka = a
            .claim
            .person
            .as_deref()
            .map(greenlight_sources::titles::normalize)
            .unwrap_or_default();
        let kb = b
            .claim
            .person
            .as_deref()
            .map(greenlight_sources::titles::normalize)
            .unwrap_or_default();
        ka.cmp(&kb)
            .then(b.claim.standing().cmp(&a.claim.standing()))
            .then(b.claim.published.cmp(&a.claim.published))
            .then(a.id().cmp(&b.id()))
    });
    v.dedup_by(|a, b| {
        a.claim
            .person
            .as_deref()
            .map(greenlight_sources::titles::normalize)
            == b.claim
                .person
                .as_deref()
                .map(greenlight_sources::titles::normalize)
    });
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn partner_track_figures() {
        // 8 fresh of 13 is 61.54%: Rotten Tomatoes shows 62%.
        assert_eq!(percent_positive(8, 13), Some(62));
        assert_eq!(metacritic_band(45), "mixed or average");
        assert_eq!(percent_positive(0, 0), None);
        assert_eq!(percent_positive(3, 2), None);
    }

    #[test]
    fn bands_at_their_edges() {
        for (s, l) in [
            (100, "universal acclaim"),
            (81, "universal acclaim"),
            (80, "generally favorable"),
            (61, "generally favorable"),
            (60, "mixed or average"),
            (40, "mixed or average"),
            (39, "generally unfavorable"),
            (20, "generally unfavorable"),
            (19, "overwhelming dislike"),
            (0, "overwhelming dislike"),
        ] {
            assert_eq!(metacritic_band(s), l, "{s}");
        }
    }

    proptest! {
        /// The integer formula equals a direct count: percent of fresh reviews, rounded half up.
        #[test]
        fn rt_percent_is_the_direct_count(reviews in proptest::collection::vec(any::<bool>(), 1..400)) {
            let fresh = reviews.iter().filter(|f| **f).count();
            let total = reviews.len();
            let direct = (100.0 * fresh as f64 / total as f64 + 0.5 + 1e-9).floor() as u8;
            prop_assert_eq!(percent_positive(fresh as u32, total as u32), Some(direct));
            prop_assert!(direct <= 100);
            if fresh == total { prop_assert_eq!(direct, 100); }
            if fresh == 0 { prop_assert_eq!(direct, 0); }
        }

        /// The average out of 10 equals the mean of the scores, to one decimal.
        #[test]
        fn rt_average_is_the_mean(scores in proptest::collection::vec(0u32..=1000, 1..200)) {
            let s: Vec<f64> = scores.iter().map(|x| f64::from(*x) / 100.0).collect();
            let mean = scores.iter().map(|x| u64::from(*x)).sum::<u64>() as f64 / scores.len() as f64 / 100.0;
            let avg = average_out_of_10(&s).unwrap();
            prop_assert!((avg - mean).abs() <= 0.05 + 1e-9, "{avg} vs {mean}");
            prop_assert!((0.0..=10.0).contains(&avg));
        }

        /// The Metascore equals the rounded mean, lies between the lowest and highest score, and
        /// its label is the band it falls in.
        #[test]
        fn metascore_is_the_rounded_mean(scores in proptest::collection::vec(0u8..=100, 1..100)) {
            let sum: u32 = scores.iter().map(|s| u32::from(*s)).sum();
            let direct = (f64::from(sum) / scores.len() as f64 + 0.5 + 1e-9).floor() as u8;
            let m = metascore(&scores).unwrap();
            prop_assert_eq!(m, direct);
            prop_assert!(m >= *scores.iter().min().unwrap() && m <= *scores.iter().max().unwrap());
            let band = metacritic_band(m);
            let expect = if m >= 81 { "universal acclaim" } else if m >= 61 { "generally favorable" } else if m >= 40 { "mixed or average" } else if m >= 20 { "generally unfavorable" } else { "overwhelming dislike" };
            prop_assert_eq!(band, expect);
        }
    }
}
