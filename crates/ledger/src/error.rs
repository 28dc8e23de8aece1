//! The ledger's one error type.
//!
//! A refused claim is always reported with *where* it is (file, claim number, line when the
//! format lets us know it, field), because the person fixing it is looking at a file, not at a
//! struct. A file with several bad claims reports all of them at once, so one round of fixes is
//! enough.

use greenlight_store::StoreError;
use std::fmt;
use std::path::PathBuf;

/// Where a claim came from: a file (with the claim's 1-based position and line) or a single
/// claim given through the API/CLI.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimLocation {
    pub file: Option<PathBuf>,
    /// 1-based position of the claim in the file's `claims` list.
    pub index: Option<u32>,
    /// 1-based line of the claim's start, where the format lets us know it.
    pub line: Option<u32>,
}

impl ClaimLocation {
    /// A claim given on its own (CLI `claim add`, API).
    pub fn single() -> Self {
        ClaimLocation::default()
    }
    pub fn in_file(file: Option<PathBuf>, index: usize, line: Option<usize>) -> Self {
        let small = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        ClaimLocation {
            file,
            index: Some(small(index)),
            line: line.map(small),
        }
    }
}

impl fmt::Display for ClaimLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(p) => write!(f, "{}", p.display())?,
            None => write!(f, "claim")?,
        }
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if let Some(i) = self.index {
            write!(f, " (claim #{i})")?;
        }
        Ok(())
    }
}

/// One refused claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimError {
    pub location: ClaimLocation,
    /// The claim's kind, when it could be read.
    pub kind: Option<String>,
    /// The offending field (`event_date`, `source.kind`, ...), when one is to blame.
    pub field: Option<String>,
    pub message: String,
}

impl ClaimError {
    pub fn new(field: Option<&str>, message: impl Into<String>) -> Self {
        ClaimError {
            location: ClaimLocation::single(),
            kind: None,
            field: field.map(str::to_string),
            message: message.into(),
        }
    }
    pub(crate) fn at(mut self, location: &ClaimLocation, kind: Option<&str>) -> Self {
        self.location = location.clone();
        if self.kind.is_none() {
            self.kind = kind.map(str::to_string);
        }
        self
    }
}

impl fmt::Display for ClaimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.location)?;
        if let Some(k) = &self.kind {
            write!(f, " [{k}]")?;
        }
        if let Some(field) = &self.field {
            write!(f, " field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// One or more claims were refused; nothing was stored.
    #[error("{}", invalid_message(.0))]
    Invalid(Vec<ClaimError>),
    /// The claims file is not valid TOML/JSON, or not shaped like a claims file.
    #[error("{}{}: {message}; nothing was stored", file.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Syntax {
        file: PathBuf,
        line: Option<usize>,
        message: String,
    },
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    NotFound(String),
    /// A film, special or stand-up title: it has no seasons, so "another season?" has no answer.
    #[error(
        "{title} is a {form}: only series have seasons, so there is no season status to derive"
    )]
    NotASeries { title: String, form: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Shown once, not as a source (see `StoreError::Sql`).
    #[error("database error: {0}")]
    Sql(rusqlite::Error),
    /// A stored claim no longer reads back (the table was edited by hand, or a bug).
    #[error("stored claim {hash} is unreadable: {message}")]
    Corrupt { hash: String, message: String },
}

fn invalid_message(errors: &[ClaimError]) -> String {
    let mut s = match errors.len() {
        1 => String::from("1 claim refused, nothing was stored:"),
        n => format!("{n} claims refused, nothing was stored:"),
    };
    for e in errors {
        s.push_str("\n  ");
        s.push_str(&e.to_string());
    }
    s
}

impl LedgerError {
    /// The refused claims, for callers that want to show them one by one.
    pub fn claim_errors(&self) -> &[ClaimError] {
        match self {
            LedgerError::Invalid(v) => v,
            _ => &[],
        }
    }
}

impl From<rusqlite::Error> for LedgerError {
    fn from(e: rusqlite::Error) -> Self {
        LedgerError::Sql(e)
    }
}
