//! Claims out of an article's text: a deterministic grammar of patterns over the text and a
//! dictionary of every series spelling the store knows.

use crate::{Article, Claim, NewsError};
use greenlight_store::Store;

/// Every spelling of every series the store knows, for finding series in running text.
#[derive(Debug, Default)]
pub struct Dictionary {}

impl Dictionary {
    pub fn from_store(_store: &Store) -> Result<Dictionary, NewsError> {
        Ok(Dictionary {})
    }
}

/// The claims of one article, in the order of their spans.
pub fn extract(_article: &Article, _dictionary: &Dictionary) -> Vec<Claim> {
    Vec::new()
}
