//! The store's one error type.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open store {}: {source}", path.display())]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(transparent)]
    Source(#[from] greenlight_sources::SourceError),
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
}

impl StoreError {
    pub fn open(path: &Path, source: rusqlite::Error) -> Self {
        StoreError::Open {
            path: path.to_path_buf(),
            source,
        }
    }
}
