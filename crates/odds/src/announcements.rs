//! Dated announcements from the ledger (issue 16, item 1): what a renewal, cancellation, final
//! season or limited series claim says about the season after season N, and when it was said.
//! These decide labels before anything the data shows ([`crate::labels`]) and date the
//! decisions the time-to-decision model learns from ([`crate::when`]).
//!
//! Only typed ledger claims count here (the ledger's own data evidence is the data, which the
//! labels read directly). The ledger's tables are read through its public `claims_as_of`, so
//! the ledger keeps its SQL.

use crate::OddsError;
use chrono::NaiveDate;
use greenlight_ledger::{ClaimValue, DatePrecision, Fact};
use serde::Serialize;
use std::collections::HashMap;

/// What an announcement says about the season after `after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Said {
    /// Season `after + 1` was renewed, ordered or dated.
    Renewed,
    /// Canceled after season `after`.
    Canceled,
    /// Season `after` announced as the final one.
    FinalSeason,
    /// A limited series: season 1 is the only one.
    Limited,
}

impl Said {
    pub fn renews(self) -> bool {
        self == Said::Renewed
    }
}

/// One claim, read as a decision about the season after `after`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Announcement {
    /// The season the decision follows (the labelled season).
    pub after: u32,
    pub said: Said,
    /// Whether the claim names that decision itself (`true`) or implies it (a later season
    /// renewed, a later season's cancellation: then season `after + 1` was made by that date).
    pub direct: bool,
    /// The day the claim dates the decision: its event date, else its publication.
    pub date: NaiveDate,
    /// `exact` only for a direct claim whose own date is exact; else `no_later_than`.
    pub precision: DatePrecision,
    /// When the claim became public: a point-in-time answer may use it only from then on.
    pub published: NaiveDate,
    pub kind: &'static str,
    pub source: String,
    pub url: Option<String>,
    /// The ledger's claim id.
    pub hash: String,
    /// The claim itself, ranked against a disagreeing one by the ledger's own rule.
    #[serde(skip)]
    pub fact: Fact,
}

/// The decisions a series' claims state, for every season they speak of (direct and implied).
pub fn from_facts(facts: &[Fact]) -> Vec<Announcement> {
    let mut out = Vec::new();
    for f in facts {
        let c = &f.claim;
        let hash = match &f.origin {
            greenlight_ledger::Origin::Ledger { hash, .. } => hash.clone(),
            // Data evidence is read from the data itself by the labels.
            _ => continue,
        };
        let (said, after) = match (&c.value, c.season) {
            (
                ClaimValue::SeasonRenewed { .. }
                | ClaimValue::SeasonOrdered { .. }
                | ClaimValue::ReleaseDateAnnounced { .. },
                Some(s),
            ) if s >= 2 => (Said::Renewed, s - 1),
            (ClaimValue::Canceled { .. }, Some(s)) if s >= 1 => (Said::Canceled, s),
            (ClaimValue::Ended, Some(s)) if s >= 1 => (Said::FinalSeason, s),
            (ClaimValue::LimitedSeries { .. }, _) => (Said::Limited, 1),
            _ => continue,
        };
        let base = Announcement {
            after,
            said,
            direct: true,
            date: c.date(),
            precision: if c.date_precision.is_exact() {
                DatePrecision::Exact
            } else {
                DatePrecision::NoLaterThan
            },
            published: c.published,
            kind: c.kind(),
            source: c.source.name.clone(),
            url: c.source.url.clone(),
            hash,
            fact: f.clone(),
        };
        // Implied: every earlier season was followed by one (season `after` exists, or is
        // ordered), by the claim's date at the latest. A limited series implies nothing.
        if said != Said::Limited {
            let last_made = if said == Said::Renewed {
                after
            } else {
                after.saturating_sub(1)
            };
            for n in 1..=last_made.min(999) {
                if n == after && said == Said::Renewed {
                    continue;
                }
                out.push(Announcement {
                    after: n,
                    said: Said::Renewed,
                    direct: false,
                    precision: DatePrecision::NoLaterThan,
                    ..base.clone()
                });
            }
        }
        out.push(base);
    }
    out
}

/// The deciding announcement about the season after `after`, or `None` when no claim speaks
/// of it. Direct claims beat implied ones; among direct claims that disagree, a renewal wins
/// when `made` (the data shows the next season exists: a revival after a cancellation), else
/// the one the ledger's status ranks first (`derive::compare`: standing, then the newer
/// dated event, then the later publication); the
/// decision is dated by the earliest claim that agrees with the winner. The flag says whether
/// the claims disagreed.
pub fn decide(list: &[Announcement], after: u32, made: bool) -> Option<(Announcement, bool)> {
    let about: Vec<&Announcement> = list.iter().filter(|a| a.after == after).collect();
    let tier: Vec<&Announcement> = if about.iter().any(|a| a.direct) {
        about.into_iter().filter(|a| a.direct).collect()
    } else {
        about
    };
    let winner = tier
        .iter()
        .max_by(|a, b| {
            (made && a.said.renews())
                .cmp(&(made && b.said.renews()))
                .then_with(|| greenlight_ledger::derive::compare(&a.fact, &b.fact).0)
                .then(b.hash.cmp(&a.hash))
        })
        .copied()?;
    let contradicted = tier.iter().any(|a| a.said.renews() != winner.said.renews());
    let first = tier
        .iter()
        .filter(|a| a.said.renews() == winner.said.renews())
        .min_by(|a, b| a.date.cmp(&b.date).then(a.hash.cmp(&b.hash)))
        .copied()
        .unwrap_or(winner);
    Some((first.clone(), contradicted))
}

/// Every series' announcements, by series slug (read once per catalog).
pub fn load(
    store: &greenlight_store::Store,
) -> Result<HashMap<String, Vec<Announcement>>, OddsError> {
    let err = |e: greenlight_ledger::LedgerError| OddsError::Data(format!("ledger: {e}"));
    let mut out = HashMap::new();
    // Every claim, whatever its publication: labels are judged on all the data.
    let all = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX);
    for slug in greenlight_ledger::claimed_slugs(store).map_err(err)? {
        let facts = greenlight_ledger::claims_as_of(store, &slug, all).map_err(err)?;
        let list = from_facts(&facts);
        if !list.is_empty() {
            out.insert(slug, list);
        }
    }
    Ok(out)
}

/// A digest of the announcements (their claim ids), part of the kept odds' stamp: a new
/// renewal claim changes labels, so every kept answer computed without it is stale.
pub fn digest(all: &HashMap<String, Vec<Announcement>>) -> String {
    let mut keys: Vec<String> = all
        .iter()
        .flat_map(|(slug, l)| {
            l.iter()
                .map(move |a| format!("{slug}\t{}\t{}", a.hash, a.after))
        })
        .collect();
    keys.sort();
    keys.dedup();
    greenlight_store::hash::sha256_hex(keys.join("\n").as_bytes())
}
