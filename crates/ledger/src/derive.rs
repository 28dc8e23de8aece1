//! The derived status of a series' next season, from its claims and the data. **All the rules
//! are here**, and `CLAIMS.md` repeats them for users.
//!
//! # What is decided
//! Seasons are walked from 1 up (see [`derive`]): premiered seasons are history, seasons that
//! will be made but have not premiered are *upcoming* (the walk goes past them, so an early
//! renewal is kept), and the walk stops at the first season that will not be made or that
//! nothing decides. The status is one of:
//! - `ordered` / `renewed` / `release_date_announced` — the first upcoming season's;
//! - `final_season_announced` — upcoming seasons, and none after them (an announced final
//!   season, or a cancellation, right after the last upcoming one);
//! - `awaiting_decision` — nothing says whether the next season will be made;
//! - `canceled`, `ended`, `limited_series` — it will not be made, and why.
//!
//! # How claims bear on season S
//! - **For** S being made: `series_ordered` (S = 1), `season_ordered`/`season_renewed`/
//!   `release_date_announced`/`trailer_released`/`premiered` for S; and, by implication, the same
//!   kinds for any later season (season 3 exists, so season 2 was made), and `canceled`/`ended`
//!   naming S or a later season as the last one.
//! - **Against**: `canceled` after K, `ended` with final season K, for any K < S; `limited_series`
//!   (K = 1).
//! - S has **premiered** by the rules of `has_premiered`: a `premiered` claim for S or later,
//!   an announced release date that has passed, or a later season made by a claim published
//!   after the first claim naming S (so an early renewal, or a multi-season order, is not read
//!   as a premiere).
//!
//! # Which claim wins (the one ordering, [`compare`])
//! 1. **Observation beats statement.** A season seen in Netflix's published viewing data (Top 10,
//!    engagement report) was made, whatever anyone said would happen.
//! 2. **A dated announcement beats a catalogue snapshot's status word** ([`is_snapshot_word`]):
//!    TMDB's `Canceled`/`Ended` is undated and says only what the catalogue listed.
//! 3. **Standing**: platform/official > trade press > dataset > fan site.
//! 4. **Newer wins, at equal standing only**: the later event date wins; a dated claim beats an
//!    undated one (an undated claim cannot be shown to be newer); then the later publication.
//! 5. A complete tie between "made" and "not made" keeps the conservative answer (not made).
//!
//! # Contradictions (listed, with the winner and the reason, never dropped)
//! - **Renewal vs cancellation**: claims for and against the same season. Not a contradiction
//!   but a *revival* when the winning "made" claim is dated after every "not made" claim and
//!   has better standing (or is an observation): the cancellation is then shown as superseded.
//!   A "not made" claim that lost stops counting for later seasons too.
//! - **Premiere dates**: two exact dates for one season on one platform that differ, or an exact
//!   date after a *no later than* bound. The best-ranked date wins.
//! - **Viewing figures**: a stated figure the chart data refutes ([`check_viewing`]); the data
//!   wins, because it is the measurement the statement is about.
//!
//! # Point in time
//! `as_of` keeps only claims and data *published* by that day (filtering happens before
//! [`derive`]).
//!
//! # Confidence (0..1, a guide, not a probability)
//! The winning side's best standing sets a base (observed data 0.9, platform/official 0.95, trade
//! press 0.85, dataset 0.8, fan site 0.55); each further agreeing source adds 0.03 (up to 0.09);
//! a contradiction subtracts 0.3 if the loser had equal or better standing, 0.15 if one step
//! lower, 0.05 otherwise. `awaiting_decision` is 0.6 within two years of the last premiere and
//! 0.35 after (a quiet cancellation is then likely); 0.5 for a series with no evidence at all.

use crate::claims::{ClaimValue, DatePrecision, SourceKind, Standing};
use crate::evidence::{weeks_inside, EvidenceClaim, Fact, Origin};
use chrono::NaiveDate;
use greenlight_store::{ChartWeek, HoursReport};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ordered,
    AwaitingDecision,
    Renewed,
    ReleaseDateAnnounced,
    /// The next season will be made and is announced as the last one (or the show is canceled
    /// after it); it has not premiered yet.
    FinalSeasonAnnounced,
    Canceled,
    Ended,
    LimitedSeries,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ordered => "ordered",
            Status::AwaitingDecision => "awaiting_decision",
            Status::Renewed => "renewed",
            Status::ReleaseDateAnnounced => "release_date_announced",
            Status::FinalSeasonAnnounced => "final_season_announced",
            Status::Canceled => "canceled",
            Status::Ended => "ended",
            Status::LimitedSeries => "limited_series",
        }
    }
    /// Whether the status says another season is coming.
    pub fn is_continuing(self) -> bool {
        matches!(
            self,
            Status::Ordered
                | Status::Renewed
                | Status::ReleaseDateAnnounced
                | Status::FinalSeasonAnnounced
        )
    }
    /// Whether the status says no further season.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Status::Canceled | Status::Ended | Status::LimitedSeries
        )
    }
}

/// Why a piece of evidence is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Decides the status.
    Deciding,
    /// Context: the premiere of the latest season (what "awaiting" waits after).
    Context,
    /// A cancellation overridden by a later, better-standing revival.
    Superseded,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    pub role: Role,
    #[serde(flatten)]
    pub claim: EvidenceClaim,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContradictionKind {
    RenewalVsCancellation,
    PremiereDate,
    ViewingFigure,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contradiction {
    pub kind: ContradictionKind,
    pub season: Option<u32>,
    pub winner: EvidenceClaim,
    pub losers: Vec<EvidenceClaim>,
    pub reason: String,
}

/// What was decided about one season.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeasonOutcome {
    pub season: u32,
    /// `ordered`/`renewed`/`release_date_announced` when made, `canceled`/`ended`/
    /// `limited_series` when not, `awaiting_decision` when nothing says.
    pub decision: Status,
    pub decided_on: Option<NaiveDate>,
    pub decided_on_precision: Option<DatePrecision>,
    pub premiered: bool,
    pub premiered_on: Option<NaiveDate>,
    pub premiered_on_precision: Option<DatePrecision>,
    pub evidence: Vec<Evidence>,
}

/// The derivation's result, before the report adds the series and viewing checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Derived {
    pub status: Status,
    pub next_season: u32,
    pub decided_on: Option<NaiveDate>,
    pub decided_on_precision: Option<DatePrecision>,
    pub release_date: Option<NaiveDate>,
    pub confidence: f64,
    pub confidence_reason: String,
    pub evidence: Vec<Evidence>,
    pub contradictions: Vec<Contradiction>,
    pub seasons: Vec<SeasonOutcome>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    /// Season S will be / was made.
    Made(u32),
    /// Season S premiered.
    Premiered(u32),
    /// No season after K.
    NoneAfter(u32),
}

fn effect(f: &Fact) -> Option<Effect> {
    let s = f.claim.season;
    match &f.claim.value {
        ClaimValue::SeriesOrdered { .. } => Some(Effect::Made(1)),
        ClaimValue::SeasonRenewed { .. }
        | ClaimValue::SeasonOrdered { .. }
        | ClaimValue::ReleaseDateAnnounced { .. }
        | ClaimValue::TrailerReleased { .. } => s.map(Effect::Made),
        ClaimValue::Premiered { .. } => s.map(Effect::Premiered),
        ClaimValue::Canceled { .. } | ClaimValue::Ended => s.map(Effect::NoneAfter),
        ClaimValue::LimitedSeries { .. } => Some(Effect::NoneAfter(1)),
        _ => None,
    }
}

/// Whether `f` says season `s` is made (directly, or by implying it).
fn supports(f: &Fact, s: u32) -> bool {
    match effect(f) {
        Some(Effect::Made(m)) | Some(Effect::Premiered(m)) => m >= s,
        // "Canceled after 3" says season 3 was made. A limited series' one season exists too.
        Some(Effect::NoneAfter(k)) => k >= s && k > 0,
        None => false,
    }
}

fn names_directly(f: &Fact, s: u32) -> bool {
    matches!(effect(f), Some(Effect::Made(m)) | Some(Effect::Premiered(m)) if m == s)
}

fn opposes(f: &Fact, s: u32) -> bool {
    matches!(effect(f), Some(Effect::NoneAfter(k)) if k < s)
}

fn premieres(f: &Fact, s: u32) -> bool {
    match effect(f) {
        Some(Effect::Premiered(m)) => m >= s,
        // A later season renewed, ordered or dated: this one is out (see the module docs).
        Some(Effect::Made(m)) => m > s,
        _ => false,
    }
}

/// The one ordering of claims: `Greater` when `a` outranks `b`, with the reason in words.
/// See the module docs for the rules.
pub fn compare(a: &Fact, b: &Fact) -> (Ordering, String) {
    let (ca, cb) = (&a.claim, &b.claim);
    if a.observed() != b.observed() {
        let (obs, _) = if a.observed() { (a, b) } else { (b, a) };
        let what = obs
            .claim
            .season
            .map(|s| format!("season {s}"))
            .unwrap_or_else(|| "the series".into());
        return (
            a.observed().cmp(&b.observed()),
            format!("{what} appears in Netflix's published viewing data ({}); an observation outranks any statement", obs.claim.source.name),
        );
    }
    // A catalogue snapshot's status word (TMDB's `Canceled`, `Ended`) is undated and only says
    // what the catalogue listed when it was taken: any dated announcement outranks it.
    if is_snapshot_word(a) != is_snapshot_word(b) {
        let (word, other) = if is_snapshot_word(a) { (a, b) } else { (b, a) };
        // Only an announcement of or after the snapshot's date: a snapshot taken later than an
        // announcement may know what came after it.
        if let Some(d) = other
            .claim
            .event_date
            .filter(|d| *d >= word.claim.published)
        {
            let ord = if is_snapshot_word(a) {
                Ordering::Less
            } else {
                Ordering::Greater
            };
            return (
                ord,
                format!(
                    "a dated announcement ({}, {d}) outranks a catalogue snapshot's status word ({}, reported by {})",
                    other.claim.source.name, word.claim.source.name, word.claim.published
                ),
            );
        }
    }
    if ca.standing() != cb.standing() {
        let (hi, lo) = if ca.standing() > cb.standing() {
            (ca, cb)
        } else {
            (cb, ca)
        };
        return (
            ca.standing().cmp(&cb.standing()),
            format!(
                "{} ({}) outranks {} ({})",
                hi.standing().as_str(),
                hi.source.name,
                lo.standing().as_str(),
                lo.source.name
            ),
        );
    }
    let st = ca.standing().as_str();
    match (ca.event_date, cb.event_date) {
        (Some(x), Some(y)) if x != y => {
            let (new, old) = if x > y { (x, y) } else { (y, x) };
            return (
                x.cmp(&y),
                format!(
                    "equal standing ({st}); the newer event ({new}) overrides the older ({old})"
                ),
            );
        }
        (Some(x), None) | (None, Some(x)) => {
            return (
                ca.event_date.is_some().cmp(&cb.event_date.is_some()),
                format!("equal standing ({st}); only the winner is dated ({x}), so the undated claim cannot be shown to be newer"),
            );
        }
        _ => {}
    }
    if ca.published != cb.published {
        let (new, old) = if ca.published > cb.published {
            (ca.published, cb.published)
        } else {
            (cb.published, ca.published)
        };
        return (
            ca.published.cmp(&cb.published),
            format!("equal standing ({st}) and dates; the later publication ({new}) overrides the earlier ({old})"),
        );
    }
    (
        Ordering::Equal,
        format!("equal standing ({st}), dates and publication"),
    )
}

/// A status word read off a catalogue snapshot (TMDB): data, not an observation of the season,
/// and undated (the snapshot only says what was listed when it was taken).
pub fn is_snapshot_word(f: &Fact) -> bool {
    // Typed claims whose source is a dataset count too, so that every undated dataset claim is
    // ranked by the one rule (two rules for one kind of claim made `compare` cyclic).
    !f.observed() && f.claim.event_date.is_none() && f.claim.source.kind == SourceKind::Dataset
}

/// The best-ranked fact (ties: the smallest id, so results don't depend on input order).
fn best<'a>(facts: &[&'a Fact]) -> Option<&'a Fact> {
    facts
        .iter()
        .copied()
        .reduce(|acc, f| match compare(f, acc).0 {
            Ordering::Greater => f,
            Ordering::Less => acc,
            Ordering::Equal => {
                if f.id() < acc.id() {
                    f
                } else {
                    acc
                }
            }
        })
}

fn sort_by_date(v: &mut [&Fact]) {
    v.sort_by(|a, b| {
        a.claim
            .date()
            .cmp(&b.claim.date())
            .then_with(|| a.claim.published.cmp(&b.claim.published))
            .then_with(|| a.id().cmp(&b.id()))
    });
}

/// When a decision was made: the best-ranked deciding claim's date when it is exact (it is the
/// claim that decides); otherwise — it is undated or only a bound — the earliest date on the
/// winning side, since every agreeing claim dates the decision no later than its own date.
fn decision_date(deciding: &[&Fact]) -> (Option<NaiveDate>, Option<DatePrecision>) {
    if let Some(b) = best(deciding) {
        if let (Some(d), DatePrecision::Exact) = (b.claim.event_date, b.claim.date_precision) {
            return (Some(d), Some(DatePrecision::Exact));
        }
    }
    earliest(deciding)
}

/// The earliest date among `facts`: events first (exact beats a bound on the same day), else the
/// earliest publication, marked `reported_by` (undated claims, such as a catalogue snapshot's
/// status word: the decision was *reported* by then, which is not when it was made).
fn earliest(facts: &[&Fact]) -> (Option<NaiveDate>, Option<DatePrecision>) {
    let dated = facts
        .iter()
        .filter_map(|f| {
            f.claim
                .event_date
                .map(|d| (d, f.claim.date_precision != DatePrecision::Exact))
        })
        .min();
    if let Some((d, bound)) = dated {
        return (
            Some(d),
            Some(if bound {
                DatePrecision::NoLaterThan
            } else {
                DatePrecision::Exact
            }),
        );
    }
    match facts.iter().map(|f| f.claim.published).min() {
        Some(p) => (Some(p), Some(DatePrecision::ReportedBy)),
        None => (None, None),
    }
}

fn base_confidence(f: &Fact) -> f64 {
    if f.observed() {
        return 0.9;
    }
    match f.claim.standing() {
        Standing::Official => 0.95,
        Standing::TradePress => 0.85,
        Standing::Dataset => 0.8,
        Standing::FanSite => 0.55,
    }
}

fn views(facts: &[&Fact], role: Role) -> Vec<Evidence> {
    facts
        .iter()
        .map(|f| Evidence {
            role,
            claim: f.view(),
        })
        .collect()
}

/// What the walk over seasons found about one season that will be made but has not premiered.
struct Upcoming<'a> {
    season: u32,
    decision: Status,
    decided_on: Option<NaiveDate>,
    decided_on_precision: Option<DatePrecision>,
    release_date: Option<NaiveDate>,
    deciding: Vec<&'a Fact>,
    evidence: Vec<Evidence>,
    penalty: f64,
}

/// Where the walk stopped: a season that will not be made, or one nothing decides.
enum Stop<'a> {
    NotMade {
        decision: Status,
        decided_on: Option<NaiveDate>,
        decided_on_precision: Option<DatePrecision>,
        deciding: Vec<&'a Fact>,
        evidence: Vec<Evidence>,
        penalty: f64,
    },
    Open(u32),
}

/// Whether season `s`, which will be made (`pos` are the facts for it), has premiered by `today`:
/// - a `premiered` claim for `s` or a later season stands; or
/// - an announced release date for `s` has passed (the best-ranked announcement); or
/// - a later season is made (renewed, ordered, dated, or named last in a cancellation) by a
///   claim published *after* the first claim naming `s` itself, and no announced release date
///   for `s` lies ahead: shows are renewed for season N+1 once N is out. An early renewal
///   (renewed S3 while S2's date is still ahead) or a multi-season order (S4 and S5 ordered the
///   same day) is therefore not read as a premiere.
fn has_premiered(
    pos: &[&Fact],
    s: u32,
    release_date: Option<NaiveDate>,
    today: NaiveDate,
    holds: impl Fn(&Fact, u32) -> bool,
) -> bool {
    if pos
        .iter()
        .any(|f| matches!(effect(f), Some(Effect::Premiered(m)) if m >= s))
    {
        return true;
    }
    match release_date {
        Some(d) if d <= today => return true,
        Some(_) => return false,
        None => {}
    }
    let first_direct = pos
        .iter()
        .filter(|f| names_directly(f, s))
        .map(|f| f.claim.published)
        .min();
    pos.iter().any(|f| {
        // The later season the claim says will be made (it must hold there, against that
        // season's "not made" claims: a rumour that loses proves nothing); a cancellation after
        // `s` itself says `s` was out (cancellations follow a season; an announced final season,
        // `ended`, is often announced before it airs and is not read so).
        let later = match effect(f) {
            Some(Effect::Made(m)) => (m > s).then_some(m),
            Some(Effect::NoneAfter(k)) if k > s => Some(k),
            Some(Effect::NoneAfter(k))
                if k == s && matches!(f.claim.value, ClaimValue::Canceled { .. }) =>
            {
                Some(k)
            }
            _ => None,
        };
        later.is_some_and(|m| holds(f, m))
            && first_direct.is_none_or(|first| f.claim.published > first)
    })
}

/// Derives the status of the next season from `facts` (already limited to what was published
/// by `as_of`). `today` dates the age of an undecided season and decides whether an announced
/// release date has passed (`as_of` when given).
///
/// Seasons are walked from 1 up. A season that will be made and has premiered is history; one
/// that will be made and has not premiered is *upcoming* (and the walk goes on past it: a
/// renewal for season 3 announced before season 2 airs is kept and shown); the walk stops at
/// the first season that will not be made, or that nothing decides. The status is then:
/// - with upcoming seasons: the first one's (`ordered`, `renewed`, `release_date_announced`),
///   or `final_season_announced` when the walk stopped at a cancellation or an announced final
///   season (no season after the upcoming ones);
/// - without: `canceled`, `ended` or `limited_series` where it stopped, else `awaiting_decision`.
pub fn derive(facts: &[Fact], today: NaiveDate) -> Derived {
    // Season numbers past the claims' own bound (a catalogue's bad season count) are left out,
    // so the walk below always ends at a season no fact supports.
    let relevant: Vec<&Fact> = facts
        .iter()
        .filter(|f| effect(f).is_some())
        .filter(|f| {
            f.claim
                .season
                .is_none_or(|n| n <= crate::claims::MAX_SEASON)
        })
        .collect();
    // The walk below asks every season from 1 up to one past the highest any fact names (so a
    // season no claim names directly, season 3 when season 5 is renewed, is still asked); it
    // always stops by then, since no fact supports that season. Bounded by `MAX_SEASON`.
    let mut max_premiered = 0;
    let mut last_candidate = 1;
    for f in &relevant {
        let past = match effect(f) {
            Some(Effect::Made(m)) => m.saturating_add(1),
            Some(Effect::Premiered(m)) => {
                max_premiered = max_premiered.max(m);
                m.saturating_add(1)
            }
            Some(Effect::NoneAfter(k)) => k.saturating_add(1),
            None => 1,
        };
        last_candidate = last_candidate.max(past);
    }
    let last_candidate = last_candidate.min(crate::claims::MAX_SEASON + 1);

    let mut retired: HashSet<String> = HashSet::new();
    let mut contradictions = Vec::new();
    let mut seasons = Vec::new();
    let mut last_premiere: Option<(NaiveDate, Vec<&Fact>)> = None;
    let mut upcoming: Vec<Upcoming> = Vec::new();
    let mut stop = Stop::Open(max_premiered.saturating_add(1));

    for s in 1..=last_candidate {
        let pos: Vec<&Fact> = relevant
            .iter()
            .copied()
            .filter(|f| supports(f, s))
            .collect();
        let neg: Vec<&Fact> = relevant
            .iter()
            .copied()
            .filter(|f| opposes(f, s) && !retired.contains(&f.id()))
            .collect();
        let mut superseded: Vec<&Fact> = Vec::new();
        let mut penalty = 0.0;
        let made = match (pos.is_empty(), neg.is_empty()) {
            (true, true) => None,
            (false, true) => Some(true),
            (true, false) => Some(false),
            (false, false) => {
                let (bp, bn) = match (best(&pos), best(&neg)) {
                    (Some(p), Some(n)) => (p, n),
                    _ => continue,
                };
                let (ord, reason) = compare(bp, bn);
                let made_wins = ord == Ordering::Greater;
                let (winner, loser_best, losers) = if made_wins {
                    (bp, bn, &neg)
                } else {
                    (bn, bp, &pos)
                };
                let reason = if ord == Ordering::Equal {
                    format!("{reason}: the conservative claim (no further season) is kept")
                } else {
                    reason
                };
                let revival = made_wins
                    && neg
                        .iter()
                        .all(|n| match (bp.claim.event_date, n.claim.event_date) {
                            (Some(p), Some(c)) => {
                                p > c && (bp.observed() || bp.claim.standing() > n.claim.standing())
                            }
                            _ => false,
                        });
                if revival {
                    superseded.extend(neg.iter().copied());
                } else {
                    let mut l: Vec<&Fact> = losers.clone();
                    sort_by_date(&mut l);
                    contradictions.push(Contradiction {
                        kind: ContradictionKind::RenewalVsCancellation,
                        season: Some(s),
                        winner: winner.view(),
                        losers: l.iter().map(|f| f.view()).collect(),
                        reason,
                    });
                    penalty = if loser_best.claim.standing() >= winner.claim.standing()
                        && !winner.observed()
                        && !is_snapshot_word(loser_best)
                    {
                        0.3
                    } else if loser_best.claim.standing() as u8 + 1 == winner.claim.standing() as u8
                        && !winner.observed()
                        && !is_snapshot_word(loser_best)
                    {
                        0.15
                    } else {
                        0.05
                    };
                }
                if made_wins {
                    // A "no further season" claim that lost is refuted (or overtaken by a
                    // revival) and must not decide a later season either.
                    for n in &neg {
                        retired.insert(n.id());
                    }
                }
                Some(made_wins)
            }
        };
        match made {
            Some(true) => {
                let premiere_facts: Vec<&Fact> =
                    pos.iter().copied().filter(|f| premieres(f, s)).collect();
                let direct: Vec<&Fact> = pos
                    .iter()
                    .copied()
                    .filter(|f| {
                        names_directly(f, s) && !matches!(effect(f), Some(Effect::Premiered(_)))
                    })
                    .collect();
                let mut deciding: Vec<&Fact> = if !direct.is_empty() {
                    direct
                } else {
                    let d: Vec<&Fact> = pos
                        .iter()
                        .copied()
                        .filter(|f| names_directly(f, s))
                        .collect();
                    if d.is_empty() {
                        pos.clone()
                    } else {
                        d
                    }
                };
                sort_by_date(&mut deciding);
                let (decided_on, decided_prec) = decision_date(&deciding);
                let announced: Vec<&Fact> = pos
                    .iter()
                    .copied()
                    .filter(|f| {
                        f.claim.season == Some(s)
                            && matches!(f.claim.value, ClaimValue::ReleaseDateAnnounced { .. })
                    })
                    .collect();
                let release_date = best(&announced).and_then(|f| match f.claim.value {
                    ClaimValue::ReleaseDateAnnounced { release_date, .. } => Some(release_date),
                    _ => None,
                });
                let holds = |f: &Fact, m: u32| {
                    let against: Vec<&Fact> = relevant
                        .iter()
                        .copied()
                        .filter(|n| opposes(n, m) && !retired.contains(&n.id()))
                        .collect();
                    best(&against).is_none_or(|n| compare(f, n).0 == Ordering::Greater)
                };
                let premiered = has_premiered(&pos, s, release_date, today, holds);
                let direct_premieres: Vec<&Fact> = premiere_facts
                    .iter()
                    .copied()
                    .filter(|f| names_directly(f, s))
                    .collect();
                let (mut premiered_on, mut premiered_prec) = premiere_date(&direct_premieres);
                if premiered_on.is_none() && premiered {
                    // Known only from its announced date, which has passed.
                    if let Some(d) = release_date.filter(|d| *d <= today) {
                        premiered_on = Some(d);
                        premiered_prec = Some(DatePrecision::Exact);
                    }
                }
                let decision = if !premiered && release_date.is_some() {
                    Status::ReleaseDateAnnounced
                } else if s == 1 {
                    Status::Ordered
                } else {
                    Status::Renewed
                };
                let mut evidence = views(&deciding, Role::Deciding);
                evidence.extend(views(&superseded, Role::Superseded));
                seasons.push(SeasonOutcome {
                    season: s,
                    decision,
                    decided_on,
                    decided_on_precision: decided_prec,
                    premiered,
                    premiered_on,
                    premiered_on_precision: premiered_prec,
                    evidence: evidence.clone(),
                });
                if premiered {
                    let mut p = premiere_facts.clone();
                    sort_by_date(&mut p);
                    let date = premiered_on.or(earliest(&p).0).unwrap_or(today);
                    last_premiere = Some((date, p));
                    // A season out before an upcoming one (data shows an early-renewed season
                    // aired) leaves nothing upcoming before it.
                    upcoming.retain(|u| u.season > s);
                    continue;
                }
                upcoming.push(Upcoming {
                    season: s,
                    decision,
                    decided_on,
                    decided_on_precision: decided_prec,
                    release_date: (decision == Status::ReleaseDateAnnounced)
                        .then_some(release_date)
                        .flatten(),
                    deciding,
                    evidence,
                    penalty,
                });
            }
            Some(false) => {
                let mut deciding = neg.clone();
                sort_by_date(&mut deciding);
                let top = best(&neg);
                let decision = match top.map(|f| &f.claim.value) {
                    Some(ClaimValue::LimitedSeries { .. }) => Status::LimitedSeries,
                    Some(ClaimValue::Ended) => Status::Ended,
                    _ => Status::Canceled,
                };
                let (decided_on, prec) = decision_date(&deciding);
                let evidence = views(&deciding, Role::Deciding);
                seasons.push(SeasonOutcome {
                    season: s,
                    decision,
                    decided_on,
                    decided_on_precision: prec,
                    premiered: false,
                    premiered_on: None,
                    premiered_on_precision: None,
                    evidence: evidence.clone(),
                });
                stop = Stop::NotMade {
                    decision,
                    decided_on,
                    decided_on_precision: prec,
                    deciding,
                    evidence,
                    penalty,
                };
                break;
            }
            None => {
                seasons.push(SeasonOutcome {
                    season: s,
                    decision: Status::AwaitingDecision,
                    decided_on: None,
                    decided_on_precision: None,
                    premiered: false,
                    premiered_on: None,
                    premiered_on_precision: None,
                    evidence: Vec::new(),
                });
                stop = Stop::Open(s);
                break;
            }
        }
    }

    if let Some(first) = upcoming.first() {
        let final_after = match &stop {
            Stop::NotMade {
                decision,
                decided_on,
                decided_on_precision,
                deciding,
                evidence,
                penalty,
            } if *decision != Status::LimitedSeries => Some((
                *decided_on,
                *decided_on_precision,
                deciding,
                evidence,
                *penalty,
            )),
            _ => None,
        };
        let mut evidence = first.evidence.clone();
        let (status, decided_on, precision, deciding, penalty) = match final_after {
            Some((on, prec, deciding, ev, penalty)) => {
                evidence.extend(ev.iter().cloned());
                (Status::FinalSeasonAnnounced, on, prec, deciding, penalty)
            }
            None => (
                first.decision,
                first.decided_on,
                first.decided_on_precision,
                &first.deciding,
                first.penalty,
            ),
        };
        let top = best(deciding);
        let conf = top.map(base_confidence).unwrap_or(0.5) + corroboration(deciding) - penalty;
        let mut reason = confidence_reason(top, deciding, penalty);
        let later: Vec<String> = upcoming[1..]
            .iter()
            .map(|u| format!("season {}", u.season))
            .collect();
        if !later.is_empty() {
            reason.push_str(&format!(
                "; also decided: {} will be made",
                later.join(", ")
            ));
        }
        return finish(Derived {
            status,
            next_season: first.season,
            decided_on,
            decided_on_precision: precision,
            release_date: first.release_date,
            confidence: conf,
            confidence_reason: reason,
            evidence,
            contradictions,
            seasons,
        });
    }
    match stop {
        Stop::NotMade {
            decision,
            decided_on,
            decided_on_precision,
            deciding,
            evidence,
            penalty,
        } => {
            let top = best(&deciding);
            let mut conf =
                top.map(base_confidence).unwrap_or(0.5) + corroboration(&deciding) - penalty;
            if conf.is_nan() {
                conf = 0.5;
            }
            let reason = confidence_reason(top, &deciding, penalty);
            let next_season = seasons.last().map(|o| o.season).unwrap_or(1);
            finish(Derived {
                status: decision,
                next_season,
                decided_on,
                decided_on_precision,
                release_date: None,
                confidence: conf,
                confidence_reason: reason,
                evidence,
                contradictions,
                seasons,
            })
        }
        Stop::Open(s) => {
            let mut evidence = Vec::new();
            let (conf, reason) = match &last_premiere {
                Some((date, facts)) => {
                    evidence = views(facts, Role::Context);
                    let days = (today - *date).num_days();
                    if days > 730 {
                        (0.35, format!("no decision found; the last season premiered {date}, over two years before, so a quiet cancellation is likely"))
                    } else {
                        (
                            0.6,
                            format!("no decision found; the last season premiered {date}"),
                        )
                    }
                }
                None => (
                    0.5,
                    "no claim or data about this series' seasons".to_string(),
                ),
            };
            if seasons.last().map(|o| o.season) != Some(s) {
                seasons.push(SeasonOutcome {
                    season: s,
                    decision: Status::AwaitingDecision,
                    decided_on: None,
                    decided_on_precision: None,
                    premiered: false,
                    premiered_on: None,
                    premiered_on_precision: None,
                    evidence: Vec::new(),
                });
            }
            finish(Derived {
                status: Status::AwaitingDecision,
                next_season: s,
                decided_on: None,
                decided_on_precision: None,
                release_date: None,
                confidence: conf,
                confidence_reason: reason,
                evidence,
                contradictions,
                seasons,
            })
        }
    }
}

/// A season's premiere date from the claims that name it: an exact date wins when every bound
/// allows it (an engagement report's release date over the first chart week's Sunday), else the
/// earliest bound ("by" that day).
fn premiere_date(facts: &[&Fact]) -> (Option<NaiveDate>, Option<DatePrecision>) {
    let bound = facts
        .iter()
        .filter(|f| f.claim.date_precision != DatePrecision::Exact)
        .filter_map(|f| f.claim.event_date)
        .min();
    let exact: Vec<&Fact> = facts
        .iter()
        .copied()
        .filter(|f| f.claim.date_precision == DatePrecision::Exact && f.claim.event_date.is_some())
        .filter(|f| bound.is_none_or(|b| f.claim.event_date.is_some_and(|d| d <= b)))
        .collect();
    if let Some(f) = best(&exact) {
        return (f.claim.event_date, Some(DatePrecision::Exact));
    }
    match bound {
        Some(b) => (Some(b), Some(DatePrecision::NoLaterThan)),
        None => (None, None),
    }
}

fn corroboration(deciding: &[&Fact]) -> f64 {
    let sources: HashSet<&str> = deciding
        .iter()
        .map(|f| f.claim.source.name.as_str())
        .collect();
    (sources.len().saturating_sub(1) as f64 * 0.03).min(0.09)
}

fn confidence_reason(top: Option<&Fact>, deciding: &[&Fact], penalty: f64) -> String {
    let mut r = match top {
        Some(f) if f.observed() => format!("decided by observed data ({})", f.claim.source.name),
        Some(f) => format!(
            "decided by a {} source ({})",
            f.claim.standing().as_str(),
            f.claim.source.name
        ),
        None => "no deciding claim".into(),
    };
    let n: HashSet<&str> = deciding
        .iter()
        .map(|f| f.claim.source.name.as_str())
        .collect();
    if n.len() > 1 {
        r.push_str(&format!(", {} agreeing sources", n.len()));
    }
    if penalty >= 0.3 {
        r.push_str(", contradicted by a source of equal or better standing");
    } else if penalty > 0.0 {
        r.push_str(", contradicted by a lower-standing source");
    }
    r
}

/// Adds premiere-date contradictions, clamps and rounds the confidence.
fn finish(mut d: Derived) -> Derived {
    d.confidence = (d.confidence.clamp(0.05, 0.99) * 100.0).round() / 100.0;
    d
}

/// Premiere-date contradictions among `facts` (see the module docs): per season and platform,
/// the best-ranked date wins and every date inconsistent with it loses; repeated on what is left
/// so that two losers' disagreement is shown too.
pub fn premiere_contradictions(facts: &[Fact]) -> Vec<Contradiction> {
    let mut out = Vec::new();
    let mut groups: Vec<((u32, String), Vec<&Fact>)> = Vec::new();
    for f in facts {
        if let (ClaimValue::Premiered { platform }, Some(s), Some(_)) =
            (&f.claim.value, f.claim.season, f.claim.event_date)
        {
            let key = (s, greenlight_sources::titles::normalize(platform));
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => v.push(f),
                None => groups.push((key, vec![f])),
            }
        }
    }
    for ((season, _), mut remaining) in groups {
        while let Some(w) = best(&remaining) {
            let losers: Vec<&Fact> = remaining
                .iter()
                .copied()
                .filter(|f| f.id() != w.id() && !dates_agree(w, f))
                .collect();
            if !losers.is_empty() {
                let (_, why) = losers
                    .iter()
                    .map(|l| compare(w, l))
                    .next()
                    .unwrap_or((Ordering::Equal, String::new()));
                out.push(Contradiction {
                    kind: ContradictionKind::PremiereDate,
                    season: Some(season),
                    winner: w.view(),
                    losers: losers.iter().map(|f| f.view()).collect(),
                    reason: format!(
                        "different premiere dates for season {season} on one platform; {why}"
                    ),
                });
            }
            let wid = w.id();
            let lost: HashSet<String> = losers.iter().map(|f| f.id()).collect();
            remaining.retain(|f| f.id() != wid && !lost.contains(&f.id()));
        }
    }
    out
}

/// Two premiere dates can both hold: equal exact dates, an exact date within a bound, or two bounds.
fn dates_agree(a: &Fact, b: &Fact) -> bool {
    let (Some(x), Some(y)) = (a.claim.event_date, b.claim.event_date) else {
        return true;
    };
    match (
        a.claim.date_precision.is_exact(),
        b.claim.date_precision.is_exact(),
    ) {
        (true, true) => x == y,
        (true, false) => x <= y,
        (false, true) => y <= x,
        (false, false) => true,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ViewingOutcome {
    /// The chart data gives the same figure, within rounding.
    Verified,
    /// The chart data gives a different figure (shown).
    Contradicted,
    /// The chart data can't settle it (not charted then, or covers only part of the window).
    Unverifiable,
}

/// A stated viewing figure checked against the chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ViewingCheck {
    pub claim: EvidenceClaim,
    pub outcome: ViewingOutcome,
    pub stated_hours: Option<u64>,
    /// The chart's sum over the weeks wholly inside the window.
    pub data_hours: Option<i64>,
    pub difference: Option<i64>,
    pub tolerance: Option<u64>,
    /// Chart weeks (Sundays) summed.
    pub data_weeks: Vec<NaiveDate>,
    /// Chart weeks wholly inside the window (charted or not).
    pub window_weeks: Vec<NaiveDate>,
    pub stated_rank: Option<u32>,
    pub data_rank: Option<u32>,
    pub note: String,
}

/// Hours are rounded to 10,000 per chart week, so a sum over `w` weeks can be off by 5,000 per
/// week; a stated figure (given to the chart's 10,000-hour precision) adds another 5,000.
/// A claim stated more coarsely carries its own `tolerance`.
pub fn default_tolerance(weeks: usize) -> u64 {
    5_000 * (weeks as u64 + 1)
}

/// Checks a `viewing_figure` claim against the store's chart data: `hours` is the store's
/// answer for the claim's season and window (an error message when it has none), `chart` the
/// series' chart weeks (for ranks). Only chart weeks published by `as_of` count.
pub fn check_viewing(
    fact: &Fact,
    hours: Option<Result<HoursReport, String>>,
    chart: &[ChartWeek],
    as_of: Option<NaiveDate>,
) -> Option<ViewingCheck> {
    let ClaimValue::ViewingFigure {
        hours: stated,
        tolerance,
        from,
        to,
        rank,
        week,
        category,
        ..
    } = &fact.claim.value
    else {
        return None;
    };
    let visible = |w: NaiveDate| as_of.is_none_or(|a| crate::evidence::top10_published(w) <= a);
    let mut check = ViewingCheck {
        claim: fact.view(),
        outcome: ViewingOutcome::Unverifiable,
        stated_hours: *stated,
        data_hours: None,
        difference: None,
        tolerance: None,
        data_weeks: Vec::new(),
        window_weeks: Vec::new(),
        stated_rank: *rank,
        data_rank: None,
        note: String::new(),
    };
    let mut outcomes = Vec::new();
    let mut notes = Vec::new();
    if let (Some(stated), Some(from), Some(to)) = (stated, from, to) {
        let window = weeks_inside(*from, *to);
        check.window_weeks = window.clone();
        match hours {
            Some(Ok(report)) => {
                let weeks: Vec<_> = report
                    .weeks
                    .iter()
                    .filter(|w| visible(w.week_end))
                    .collect();
                let sum: i64 = weeks.iter().map(|w| w.hours).sum();
                check.data_weeks = weeks.iter().map(|w| w.week_end).collect();
                if weeks.is_empty() {
                    outcomes.push(ViewingOutcome::Unverifiable);
                    notes.push(
                        "the series was not in the Top 10 in any week wholly inside the window"
                            .to_string(),
                    );
                } else {
                    let tol = tolerance.unwrap_or_else(|| default_tolerance(weeks.len()));
                    let diff = i64::try_from(*stated)
                        .unwrap_or(i64::MAX)
                        .saturating_sub(sum);
                    check.data_hours = Some(sum);
                    check.difference = Some(diff);
                    check.tolerance = Some(tol);
                    let complete = weeks.len() == window.len();
                    let within = diff.unsigned_abs() <= tol;
                    if complete && within {
                        outcomes.push(ViewingOutcome::Verified);
                        notes.push(format!(
                            "the chart's {} week(s) sum to {} hours",
                            weeks.len(),
                            crate::numbers::thousands(sum)
                        ));
                    } else if complete || diff < -i64::try_from(tol).unwrap_or(i64::MAX) {
                        outcomes.push(ViewingOutcome::Contradicted);
                        notes.push(format!(
                            "the chart's {} week(s) in the window sum to {} hours, {} {} than stated",
                            weeks.len(),
                            crate::numbers::thousands(sum.max(0)),
                            crate::numbers::thousands(diff.unsigned_abs()),
                            if diff > 0 { "fewer" } else { "more" }
                        ));
                    } else {
                        outcomes.push(ViewingOutcome::Unverifiable);
                        notes.push(format!(
                            "the series charted in {} of the window's {} week(s) ({} hours); the rest is unknown",
                            weeks.len(),
                            window.len(),
                            crate::numbers::thousands(sum.max(0))
                        ));
                    }
                }
            }
            Some(Err(msg)) => {
                outcomes.push(ViewingOutcome::Unverifiable);
                notes.push(msg);
            }
            None => {
                outcomes.push(ViewingOutcome::Unverifiable);
                notes.push("no chart data for this series".into());
            }
        }
    }
    if let (Some(rank), Some(week)) = (rank, week) {
        let season_display = fact.claim.season.map(|n| format!("Season {n}"));
        let hits: Vec<&ChartWeek> = chart
            .iter()
            .filter(|c| c.week_end == *week && visible(c.week_end))
            .filter(|c| {
                category
                    .as_ref()
                    .is_none_or(|cat| c.category.eq_ignore_ascii_case(cat))
            })
            .filter(|c| {
                season_display.is_none()
                    || c.season.as_deref().map(str::to_lowercase)
                        == season_display.as_ref().map(|s| s.to_lowercase())
            })
            .collect();
        match hits.iter().map(|c| c.rank).min() {
            Some(r) => {
                check.data_rank = Some(r);
                if hits.iter().any(|c| c.rank == *rank) {
                    outcomes.push(ViewingOutcome::Verified);
                    notes.push(format!("ranked {rank} in the week ending {week}"));
                } else {
                    outcomes.push(ViewingOutcome::Contradicted);
                    notes.push(format!(
                        "the chart has rank {r} in the week ending {week}, not {rank}"
                    ));
                }
            }
            None => {
                outcomes.push(ViewingOutcome::Unverifiable);
                notes.push(format!("not in the Top 10 data for the week ending {week}"));
            }
        }
    }
    check.outcome = if outcomes.contains(&ViewingOutcome::Contradicted) {
        ViewingOutcome::Contradicted
    } else if !outcomes.is_empty() && outcomes.iter().all(|o| *o == ViewingOutcome::Verified) {
        ViewingOutcome::Verified
    } else {
        ViewingOutcome::Unverifiable
    };
    check.note = notes.join("; ");
    Some(check)
}

/// The contradiction a refuted viewing figure makes: the chart's figure (as a data claim) wins.
pub fn viewing_contradiction(check: &ViewingCheck, fact: &Fact) -> Option<Contradiction> {
    if check.outcome != ViewingOutcome::Contradicted {
        return None;
    }
    let mut data = fact.claim.clone();
    if let ClaimValue::ViewingFigure {
        hours,
        tolerance,
        rank,
        ..
    } = &mut data.value
    {
        *hours = check
            .data_hours
            .and_then(|h| u64::try_from(h).ok())
            .or(*hours);
        *tolerance = None;
        if check.data_rank.is_some() {
            *rank = check.data_rank;
        }
    }
    data.source = crate::claims::Source {
        name: "Netflix Top 10 (global, weekly)".into(),
        url: Some("https://www.netflix.com/tudum/top10".into()),
        kind: crate::claims::SourceKind::Dataset,
    };
    data.entered_by = "greenlight (computed from data)".into();
    data.note = None;
    data.published = check
        .data_weeks
        .iter()
        .max()
        .map(|w| crate::evidence::top10_published(*w))
        .unwrap_or(fact.claim.published);
    let winner = Fact {
        claim: data,
        origin: Origin::Data {
            dataset: "top10-global".into(),
            detail: format!(
                "weeks ending {}",
                check
                    .data_weeks
                    .iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            observed: true,
        },
    };
    Some(Contradiction {
        kind: ContradictionKind::ViewingFigure,
        season: fact.claim.season,
        winner: winner.view(),
        losers: vec![fact.view()],
        reason: format!("the chart data refutes the stated figure: {}", check.note),
    })
}
