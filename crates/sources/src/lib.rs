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
pub mod exact;
pub mod records;
pub mod titles;

mod delimited;
mod detect;
mod engagement;
mod finance;
mod formats;
mod justwatch;
pub mod limits;
mod tmdb;
mod top10;
mod xlsx;

pub use detect::detect;
pub use error::{Location, SourceError};
pub use formats::{DatasetName, Detect, Format, FormatSpec, Repeat, SPECS};
pub use records::*;

use std::path::Path;

/// Reads `path`, detecting its format from its content (never from its name).
pub fn read(path: &Path) -> Result<Parsed, SourceError> {
    let bytes = limits::read_file(path, limits::FileKind::Data)?;
    let format = detect(path, &bytes)?;
    read_as(path, &bytes, format)
}

/// Reads `bytes` (the content of `path`) as `format`, for when the user forces one.
///
/// The size cap of the format's kind ([`limits::check_data_size`]) is checked here, so every
/// reader is behind it whichever way its bytes were read.
pub fn read_as(path: &Path, bytes: &[u8], format: Format) -> Result<Parsed, SourceError> {
    let spec = format.spec();
    limits::check_data_size(path, bytes, spec.detect == Detect::Zip)?;
    (spec.read)(path, bytes)
}
