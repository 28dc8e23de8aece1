//! Readers for the public data greenlight is built on.
//!
//! Every reader turns one file into typed records, or fails with a [`SourceError`] that names the
//! file and, where it can, the sheet, row/line and column. Readers never panic on input and never
//! return a partial result: a file is either read whole or refused whole, which is what lets the
//! store promise that a bad file changes nothing.
//!
//! Title and season-title parsing (how `Stranger Things 3` becomes series "Stranger Things",
//! season 3) lives in [`titles`], because every source needs it.

pub mod error;
pub mod records;
pub mod titles;

mod delimited;
mod detect;
mod engagement;
mod finance;
mod formats;
mod justwatch;
mod tmdb;
mod top10;
mod xlsx;

pub use detect::detect;
pub use error::{Location, SourceError};
pub use formats::{DatasetName, Detect, Format, FormatSpec, SPECS};
pub use records::*;

use std::path::Path;

/// Reads `path`, detecting its format from its content (never from its name).
pub fn read(path: &Path) -> Result<Parsed, SourceError> {
    let bytes = std::fs::read(path).map_err(|e| SourceError::io(path, e))?;
    let format = detect(path, &bytes)?;
    read_as(path, &bytes, format)
}

/// Reads `bytes` (the content of `path`) as `format`, for when the user forces one.
pub fn read_as(path: &Path, bytes: &[u8], format: Format) -> Result<Parsed, SourceError> {
    (format.spec().read)(path, bytes)
}
