//! Errors that say where: a bad input names its file and, where it can, the row group, the row
//! within the file (0-based, counting every earlier row group) and the column, so a platform team
//! can open the exact place instead of bisecting a billion-row log.

use std::fmt;
use std::path::PathBuf;

/// Where in an input file a problem is. Fields are filled as far as the check knows them: a
/// wrong column type has a column but no row; a negative `seconds` has all four.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    pub file: PathBuf,
    pub row_group: Option<usize>,
    /// 0-based row index within the file.
    pub row: Option<u64>,
    pub column: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(g) = self.row_group {
            write!(f, ", row group {g}")?;
        }
        if let Some(r) = self.row {
            write!(f, ", row {r}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ", column `{c}`")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    /// The input breaks the documented schema or its value rules.
    #[error("{location}: {message}")]
    Input { location: Location, message: String },
    /// A weights file, window or option that cannot be used.
    #[error("{0}")]
    Config(String),
    /// The real Top 10 (or finance figures) could not be read for `synth`.
    #[error(transparent)]
    Source(#[from] greenlight_sources::SourceError),
    /// A Ballista cluster that cannot be reached or used (`--cluster`, the scheduler and
    /// executor commands); the message names the address.
    #[error("cluster: {0}")]
    Cluster(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The query engine failed (out of memory with spilling disabled, a disk error while
    /// spilling); the input had already been validated.
    #[error("query engine: {0}")]
    Engine(#[from] datafusion::error::DataFusionError),
    #[error("parquet: {0}")]
    Parquet(#[from] datafusion::parquet::errors::ParquetError),
    #[error("arrow: {0}")]
    Arrow(#[from] datafusion::arrow::error::ArrowError),
}

impl PlatformError {
    pub(crate) fn input(location: Location, message: impl Into<String>) -> Self {
        PlatformError::Input {
            location,
            message: message.into(),
        }
    }
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        PlatformError::Io {
            path: path.into(),
            source,
        }
    }
    /// The location of an input error, for tests and callers that point at the file.
    pub fn location(&self) -> Option<&Location> {
        match self {
            PlatformError::Input { location, .. } => Some(location),
            _ => None,
        }
    }
}

pub type Result<T, E = PlatformError> = std::result::Result<T, E>;
