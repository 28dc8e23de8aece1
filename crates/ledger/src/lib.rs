//! The status ledger: every renewal, cancellation, casting and reception fact about a series,
//! dated and sourced, and the status of its next season *derived* from them, point in time, with
//! every conflict shown.
//!
//! - [`claims`]: the claim model and its checks; [`file`]: claims files (TOML/JSON, `CLAIMS.md`).
//! - [`evidence`]: claims the data makes by itself (Top 10, engagement reports, TMDB).
//! - [`derive`]: the rules, in one place, from claims to a status.
//! - [`reception`]: Rotten Tomatoes / Metacritic / audience scores.
//! - The report functions re-exported here are what the CLI calls; each returns a
//!   `serde::Serialize` struct whose field names are the `--json` contract.
//!
//! Claims live in the ledger's own tables in the store's SQLite file (created through
//! `Store::migrate_component("ledger", ...)`), keyed by series *slug*, which survives the
//! store's rebuilds of its series table.

pub mod claims;
mod db;
pub mod derive;
pub mod error;
pub mod evidence;
pub mod file;
pub mod numbers;
pub mod reception;
mod report;

pub use claims::{
    CastTier, Claim, ClaimValue, CrewRole, DatePrecision, RawClaim, Source, SourceKind, Standing,
};
pub use db::{claim_digests, claimed_slugs, ensure_schema, MIGRATIONS};
pub use derive::{
    Contradiction, ContradictionKind, Evidence, Role, SeasonOutcome, Status, ViewingCheck,
    ViewingOutcome,
};
pub use error::{ClaimError, ClaimLocation, LedgerError};
pub use evidence::{EvidenceClaim, Fact, Origin};
pub use file::{looks_like_claims_file, FileFormat};
pub use reception::ReceptionEntry;
pub use report::*;

use chrono::NaiveDate;

/// Today, for bounding publication dates: the UTC date plus one day, so that a claim published
/// "today" anywhere on Earth is never refused as future.
/// Every typed claim about a series (by slug) published by `as_of`, oldest first: what an "as of"
/// check of an article may rest on (the ledger's own read, for the news checker).
pub fn claims_as_of(
    store: &greenlight_store::Store,
    slug: &str,
    as_of: NaiveDate,
) -> Result<Vec<Fact>, LedgerError> {
    db::load(store, slug, Some(as_of))
}

pub fn today() -> NaiveDate {
    let now = chrono::Utc::now().date_naive();
    now.succ_opt().unwrap_or(now)
}
