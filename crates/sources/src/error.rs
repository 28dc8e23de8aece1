//! The one error type of this crate. Every variant says *where*: a user fixing a 17,000-row
//! workbook needs the sheet, row and column, not just "parse error".

use std::fmt;
use std::path::{Path, PathBuf};

/// A place in a source file. Fields that don't apply (a TSV has no sheet) are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub sheet: Option<String>,
    /// 1-based line (text files) or row (XLSX, as Excel numbers it).
    pub row: Option<usize>,
    /// The column's header name where known, else its letter/number.
    pub column: Option<String>,
}

impl Location {
    pub fn file(path: &Path) -> Self {
        Location {
            file: path.to_path_buf(),
            sheet: None,
            row: None,
            column: None,
        }
    }
    pub fn sheet(mut self, sheet: impl Into<String>) -> Self {
        self.sheet = Some(sheet.into());
        self
    }
    pub fn row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }
    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(s) = &self.sheet {
            write!(f, ", sheet `{s}`")?;
        }
        if let Some(r) = self.row {
            let word = if self.sheet.is_some() { "row" } else { "line" };
            write!(f, ", {word} {r}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ", column `{c}`")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{location}: {message}")]
    Invalid { location: Location, message: String },
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl SourceError {
    pub fn invalid(location: Location, message: impl Into<String>) -> Self {
        SourceError::Invalid {
            location,
            message: message.into(),
        }
    }
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        SourceError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
    pub fn location(&self) -> Option<&Location> {
        match self {
            SourceError::Invalid { location, .. } => Some(location),
            SourceError::Io { .. } => None,
        }
    }
}
