//! `greenlight read` / `greenlight check` (issue 12): news-style articles in, sourced claims out,
//! each claim judged against the data and the ledger as of the article's dateline.
//!
//! The flow is four steps, one module each, so each can be tested on its own:
//!
//! 1. [`article`]: an HTML page, a plain text or a feed item becomes an [`Article`]: its text
//!    (whitespace runs folded to one space, so a quoted span is a plain substring) and what is
//!    known of its title, outlet, URL and dateline.
//! 2. [`extract`]: the article's text becomes [`Claim`]s, each with the byte span it came from,
//!    the series the store resolves it to and a typed [`Assertion`].
//! 3. [`check`]: every claim is judged `verified`, `contradicted` or `unverifiable` against the
//!    store as of the dateline, with the true value and its source; pairs of the article's own
//!    claims that cannot both hold are listed.
//! 4. [`commit`]: decision claims become ledger claims whose source is the article, its
//!    standing from [`outlets`] (`outlets.toml`), one transaction per call, idempotent.
//!
//! [`input`] reads a `SOURCE` (file, `-`, `http(s)` URL; a page, a text or an RSS/Atom feed)
//! into articles, under a byte cap, timeouts and a redirect limit.
//!
//! The test corpus is `tests/corpus/` (its README has the rules); its true values are computed
//! by `scripts/corpus_truth.py`, which shares no code with this crate.

pub mod article;
pub mod check;
pub mod claim;
pub mod commit;
pub mod error;
pub mod extract;
pub mod input;
pub mod outlets;

pub use article::Article;
pub use check::{check, CheckReport, CheckedClaim, Verdict};
pub use claim::{Assertion, Claim, PartialDate, Span};
pub use commit::{commit, ArticleClaims, CommitReport, ReadReport};
pub use error::NewsError;
pub use extract::{extract, extract_as_of, Dictionary};
pub use input::{read_source, Limits};
pub use outlets::Outlets;

/// One article read and checked, as `greenlight check`, `/check` and `POST /api/v1/check` all do
/// it: judged as of `as_of` (default: its dateline, else `today`), the claims extracted with that
/// day standing in for a dateline the article does not state.
pub fn check_article(
    store: &greenlight_store::Store,
    dictionary: &Dictionary,
    article: &Article,
    as_of: Option<chrono::NaiveDate>,
    today: chrono::NaiveDate,
) -> Result<CheckReport, NewsError> {
    let as_of = as_of.or(article.published).unwrap_or(today);
    let claims = extract_as_of(article, dictionary, Some(as_of));
    check(store, article, &claims, as_of)
}
