//! `greenlight read --commit`: an article's decision claims become ledger claims whose source is
//! the article (its outlet as `outlets.toml` classifies it, its URL, its dateline), stored
//! through the ledger's own checks. A claim's id is the hash of its written form, which holds
//! nothing that changes between two reads of one article (no time of entry), so reading the
//! same article again adds nothing.

use crate::outlets::{Outlets, Publisher};
use crate::{Article, Assertion, Claim, NewsError, PartialDate};
use greenlight_ledger::claims::RawSource;
use greenlight_ledger::RawClaim;
use greenlight_store::Store;
use serde::Serialize;

/// Who entered the claims, in the ledger's `entered_by`.
pub const ENTERED_BY: &str = "greenlight read";

/// The platform a premiere is on when the article does not say: every series greenlight knows
/// is one Netflix charted or reported, so a premiere it reads of is Netflix's.
pub const DEFAULT_PLATFORM: &str = "Netflix";

/// Longest quote of the article kept in a claim's note.
const QUOTE_MAX: usize = 400;

/// One article and the claims read from it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleClaims {
    pub article: Article,
    pub claims: Vec<Claim>,
}

/// What `greenlight read` found (and, with `--commit`, stored): its `--json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadReport {
    pub articles: Vec<ArticleClaims>,
    /// Only with `--commit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<CommitReport>,
}

/// What became of one decision claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Stored now.
    Added,
    /// The same claim (same content, same source) was in the ledger already.
    AlreadyThere,
    /// The article does not say enough for a ledger claim (no dateline, a date without its
    /// day...): `summary` says what is missing.
    Skipped,
    /// The ledger refused it: `summary` is the ledger's reason.
    Refused,
}

/// One decision claim's fate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Committed {
    /// The article's index in the call, and the claim's in the article.
    pub article: usize,
    pub claim: usize,
    pub outcome: Outcome,
    /// The ledger claim id, when it is stored (now or before).
    pub hash: Option<String>,
    pub series: String,
    /// What the ledger records (its one-line summary), or why nothing was.
    pub summary: String,
}

/// Everything one commit call did: one transaction.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommitReport {
    pub added: usize,
    pub already_there: usize,
    pub not_committed: usize,
    /// Every decision claim of every article, in order; claims of other kinds are not stored.
    pub claims: Vec<Committed>,
}

/// The ledger claim an article's decision claim makes, or why it makes none.
pub fn ledger_claim(
    article: &Article,
    claim: &Claim,
    publisher: &Publisher,
) -> Result<RawClaim, String> {
    let published = article.published.ok_or_else(|| {
        "the article has no dateline, and a ledger claim needs the day its source published it"
            .to_string()
    })?;
    let day = |d: &Option<PartialDate>| match d {
        Some(PartialDate::Day(d)) => Some(*d),
        _ => None,
    };
    let season = |what: &str| {
        claim
            .season
            .ok_or_else(|| format!("the article does not say which season {what}"))
    };
    let to_the_day = |d: PartialDate, what: &str| match d {
        PartialDate::Day(d) => Ok(d),
        other => Err(format!(
            "the article gives the {what} as {other} only; the ledger records it to the day"
        )),
    };
    let (kind, season, event_date, fields): (&str, Option<u32>, _, Vec<(&str, String)>) =
        match &claim.assertion {
            Assertion::Renewed { stated, date } => {
                ("season_renewed", Some(*stated), day(date), vec![])
            }
            Assertion::Canceled { stated, date } => ("canceled", Some(*stated), day(date), vec![]),
            Assertion::FinalSeason { stated } => ("ended", Some(*stated), None, vec![]),
            Assertion::LimitedSeries { stated: true } => ("limited_series", None, None, vec![]),
            Assertion::LimitedSeries { stated: false } => {
                return Err("the article says it is not a limited series: nothing to record".into())
            }
            Assertion::ReleaseDate { stated } => {
                let d = to_the_day(*stated, "release date")?;
                (
                    "release_date_announced",
                    Some(season("the release date is for")?),
                    None,
                    vec![("release_date", d.to_string())],
                )
            }
            Assertion::Premiered { stated } => {
                let d = to_the_day(*stated, "premiere date")?;
                (
                    "premiered",
                    Some(season("premiered")?),
                    Some(d),
                    vec![("platform", DEFAULT_PLATFORM.to_string())],
                )
            }
            other => return Err(format!("a {} claim is not a decision", other.kind())),
        };
    let quote = article
        .text
        .get(claim.span.start..claim.span.end)
        .unwrap_or_default();
    let quote = match quote.char_indices().nth(QUOTE_MAX) {
        Some((i, _)) => format!("{}…", &quote[..i]),
        None => quote.to_string(),
    };
    let mut raw = RawClaim {
        kind: Some(kind.into()),
        series: Some(claim.series.clone()),
        season,
        event_date,
        published: Some(published),
        source: Some(RawSource {
            name: Some(publisher.name.clone()),
            url: article.url.clone(),
            kind: Some(publisher.kind.as_str().into()),
        }),
        entered_by: Some(ENTERED_BY.into()),
        note: (!quote.is_empty()).then(|| format!("“{quote}”")),
        ..RawClaim::default()
    };
    for (k, v) in fields {
        raw = raw.with(k, v);
    }
    Ok(raw)
}

/// Stores the decision claims of `articles` in the ledger, in one transaction. Claims the
/// article cannot support (no dateline, a month where a day is needed) and claims the ledger
/// refuses are reported, not stored, and stop none of the others.
pub fn commit(
    store: &mut Store,
    articles: &[ArticleClaims],
    outlets: &Outlets,
) -> Result<CommitReport, NewsError> {
    greenlight_ledger::ensure_schema(store)?;
    let w = store.begin()?;
    let report = commit_in(&w, articles, outlets)?;
    w.commit()?;
    Ok(report)
}

/// [`commit`] inside a call's transaction (the ledger's tables must exist; nothing is committed
/// here): `greenlight sync` commits a feed's claims with the events they cause.
pub fn commit_in(
    w: &greenlight_store::WriteTx,
    articles: &[ArticleClaims],
    outlets: &Outlets,
) -> Result<CommitReport, NewsError> {
    let mut claims = Vec::new();
    let mut raws = Vec::new();
    for (ai, a) in articles.iter().enumerate() {
        let publisher = outlets.publisher(a.article.url.as_deref(), a.article.outlet.as_deref());
        for (ci, c) in a.claims.iter().enumerate() {
            if !c.assertion.is_decision() {
                continue;
            }
            let mut row = Committed {
                article: ai,
                claim: ci,
                outcome: Outcome::Skipped,
                hash: None,
                series: c.series.clone(),
                summary: String::new(),
            };
            match ledger_claim(&a.article, c, &publisher) {
                Ok(raw) => raws.push((claims.len(), raw)),
                Err(why) => row.summary = why,
            }
            claims.push(row);
        }
    }
    let (at, raws): (Vec<usize>, Vec<RawClaim>) = raws.into_iter().unzip();
    let results = greenlight_ledger::add_raw_claims_in(w, raws, ENTERED_BY)?;
    for (i, r) in at.into_iter().zip(results) {
        let row = &mut claims[i];
        match r {
            Ok(r) => {
                row.outcome = if r.added {
                    Outcome::Added
                } else {
                    Outcome::AlreadyThere
                };
                row.hash = Some(r.hash);
                row.series = r.series;
                row.summary = r.summary;
            }
            Err(e) => {
                row.outcome = Outcome::Refused;
                row.summary = e.to_string();
            }
        }
    }
    let count = |o: Outcome| claims.iter().filter(|c| c.outcome == o).count();
    Ok(CommitReport {
        added: count(Outcome::Added),
        already_there: count(Outcome::AlreadyThere),
        not_committed: count(Outcome::Skipped) + count(Outcome::Refused),
        claims,
    })
}
