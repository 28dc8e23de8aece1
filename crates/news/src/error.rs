//! The one error type of this crate's boundary.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum NewsError {
    #[error(transparent)]
    Store(#[from] greenlight_store::StoreError),
    #[error(transparent)]
    Ledger(#[from] greenlight_ledger::LedgerError),
    /// A source that could not be read: `what` names it (file, URL, feed item).
    #[error("{what}: {message}")]
    Input { what: String, message: String },
}
