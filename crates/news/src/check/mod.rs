//! Every claim judged against the data and the ledger as of the article's dateline.
//!
//! The rules are those of `scripts/corpus_truth.py` (its header states them; the script shares
//! no code with this crate, so the corpus test holds the two to each other): decisions from the
//! ledger's dated announcements first, then the data (a later season charted contradicts a
//! cancellation); viewing figures from the chart weeks and report rows published by the
//! dateline; cast and directors from JustWatch's credits; names folded for case and accents.
//! What no file covers (episode counts, creators, books, review scores) is `unverifiable`, never
//! guessed. Everything one series needs is read once per check ([`SeriesData`]), not per claim.
//!
//! - [`judge`]: one claim, one verdict, with its true value, sources and rule.
//! - [`conflicts`]: the pairs of the article's own claims that cannot both hold.
//! - [`truth`]: the typed true values.

mod conflicts;
mod judge;
mod truth;

pub use conflicts::conflict;
pub use truth::{PartlyInside, Truth, WeekHours};

use crate::{Article, Claim, NewsError};
use chrono::NaiveDate;
use greenlight_ledger::Fact;
use greenlight_store::checking::CheckingSeries;
use greenlight_store::Store;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Verified,
    Contradicted,
    Unverifiable,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Verified => "verified",
            Verdict::Contradicted => "contradicted",
            Verdict::Unverifiable => "unverifiable",
        }
    }
}

/// Where a true value comes from: a label for people and, when it has one, a link.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CheckSourceRef))]
pub struct SourceRef {
    pub label: String,
    pub url: Option<String>,
}

/// One claim with its verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckedClaim {
    pub claim: Claim,
    /// The span's text.
    pub text: String,
    pub verdict: Verdict,
    /// One sentence for people: the true value and why the verdict.
    pub summary: String,
    pub sources: Vec<SourceRef>,
    /// The true value as the data gives it (`None` when nothing covers it). For window hours it
    /// holds the weeks summed and those only partly inside the window. Documented as an open
    /// object: its untagged shapes (one per rule, see `truth.rs`) overlap, so a `oneOf` of them
    /// would reject real answers.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub truth: Option<Truth>,
    /// Which rule decided the verdict.
    pub rule: String,
}

/// Two of the article's own claims that cannot both hold (indices into `claims`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CheckContradiction))]
pub struct Contradiction {
    pub first: usize,
    pub second: usize,
    pub reason: String,
}

/// The whole check of one article.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckReport {
    pub article: Article,
    /// The day the claims are judged as of: the dateline, else the day of the check.
    pub as_of: NaiveDate,
    pub claims: Vec<CheckedClaim>,
    pub contradictions: Vec<Contradiction>,
}

/// What one series' claims are judged on, read once per check: the store's point-in-time read
/// model and the ledger's claims published by the same day.
pub struct SeriesData {
    pub data: CheckingSeries,
    pub ledger: Vec<Fact>,
}

impl SeriesData {
    pub fn load(
        store: &Store,
        series: &greenlight_store::SeriesRef,
        as_of: NaiveDate,
    ) -> Result<SeriesData, NewsError> {
        // Stored dates are `YYYY-MM-DD` text compared as text, which holds for four-digit years:
        // a later day reads as the last of year 9999 (later than anything stored).
        let as_of = as_of.min(NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(as_of));
        Ok(SeriesData {
            data: store.checking(series, as_of)?,
            ledger: greenlight_ledger::claims_as_of(store, &series.slug, as_of)?,
        })
    }
}

/// Judge `claims` (read from `article`) as of `as_of`.
pub fn check(
    store: &Store,
    article: &Article,
    claims: &[Claim],
    as_of: NaiveDate,
) -> Result<CheckReport, NewsError> {
    // One read per series, however many claims name it.
    let mut by_series: HashMap<&str, Option<SeriesData>> = HashMap::new();
    for c in claims {
        if by_series.contains_key(c.series.as_str()) {
            continue;
        }
        let data = match store.series_by_slug(&c.series)? {
            Some(s) => Some(SeriesData::load(store, &s, as_of)?),
            None => None,
        };
        by_series.insert(c.series.as_str(), data);
    }
    let mut checked = Vec::with_capacity(claims.len());
    for c in claims {
        let j = match by_series.get(c.series.as_str()).and_then(Option::as_ref) {
            Some(d) => judge::judge(d, c),
            None => {
                judge::Judgement::unverifiable(format!("no series \"{}\" in the store", c.series))
            }
        };
        checked.push(CheckedClaim {
            claim: c.clone(),
            text: article
                .text
                .get(c.span.start..c.span.end)
                .unwrap_or_default()
                .to_string(),
            verdict: j.verdict,
            summary: j.summary(),
            sources: j.sources,
            truth: j.truth,
            rule: j.rule,
        });
    }
    let mut contradictions = Vec::new();
    for i in 0..claims.len() {
        for k in i + 1..claims.len() {
            if let Some(reason) = conflict(&claims[i], &claims[k]) {
                contradictions.push(Contradiction {
                    first: i,
                    second: k,
                    reason,
                });
            }
        }
    }
    Ok(CheckReport {
        article: article.clone(),
        as_of,
        claims: checked,
        contradictions,
    })
}
