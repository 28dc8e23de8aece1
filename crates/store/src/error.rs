//! The store's one error type.

use std::path::{Path, PathBuf};

/// SQLite's errors are shown once. They are not this error's `source`: rusqlite's error
/// displays SQLite's message and returns the same message again as *its* source, so an
/// error-chain printer (the CLI's `{:#}`) showed the text three times ("database error: file is
/// not a database: file is not a database: file is not a database").
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open store {}: {error}", path.display())]
    Open {
        path: PathBuf,
        error: rusqlite::Error,
    },
    #[error(transparent)]
    Source(#[from] greenlight_sources::SourceError),
    #[error("database error: {0}")]
    Sql(rusqlite::Error),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
}

impl StoreError {
    pub fn open(path: &Path, error: rusqlite::Error) -> Self {
        StoreError::Open {
            path: path.to_path_buf(),
            error,
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sql(e)
    }
}
