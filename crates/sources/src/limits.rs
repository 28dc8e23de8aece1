//! The size limits of every input, in one place (ARCHITECTURE.md's limits table names these
//! constants), and the one way a file is read from disk: [`read_file`].
//!
//! Why limits at all: a reader that takes whatever it is given can be made to allocate without
//! bound (`/dev/zero` grew to 4 GiB before it was killed, a 2 GiB sparse file took 2.1 GB of
//! memory before it was refused) or to block forever (a FIFO). Each cap is far above the largest
//! real file of its kind (the factor is noted), so only a file no publisher ships is refused, and
//! it is refused with its path and the cap, before anything is stored.

use crate::{Location, SourceError};
use std::io::Read;
use std::path::Path;

/// What a file is read as, for its size cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A data file (TSV, CSV or XLSX) before its format is known: the largest data cap.
    Data,
    /// A claims file (TOML or JSON).
    Claims,
    /// A user alias file (TSV).
    Alias,
    /// A `MANIFEST.toml`.
    Manifest,
}

/// The largest delimited data file (TSV/CSV) accepted: 64 MiB (the largest real one, the
/// per-country Top 10, is 4.1 MB).
pub const MAX_DELIMITED_BYTES: u64 = 64 << 20;
/// The largest XLSX workbook accepted, as stored (zipped): 32 MiB (the real ones are under 1 MB).
pub const MAX_WORKBOOK_BYTES: u64 = 32 << 20;
/// The largest part of a workbook accepted once inflated (a sheet's XML, the shared strings):
/// 128 MiB (the largest real part is 2.6 MB). Bounds a zip bomb.
pub const MAX_WORKBOOK_PART_BYTES: u64 = 128 << 20;
/// The largest claims file accepted: 4 MiB (the real announcements file is 104 KB).
pub const MAX_CLAIMS_BYTES: u64 = 4 << 20;
/// The largest alias file accepted: 1 MiB (an alias line is about 60 bytes).
pub const MAX_ALIAS_BYTES: u64 = 1 << 20;
/// The largest `MANIFEST.toml` accepted: 1 MiB (the real one is 4.5 KB).
pub const MAX_MANIFEST_BYTES: u64 = 1 << 20;
/// The most data rows one delimited file may hold: Excel's sheet limit, 1,048,576, also for
/// TSV/CSV (the largest real file has 65,799 rows). An XLSX sheet is bounded by the same
/// number, Excel's own.
pub const MAX_ROWS: usize = 1_048_576;
/// The longest field (a TSV/CSV field or an XLSX cell's text) accepted, in bytes: 4 KiB (the
/// longest real one, a JustWatch character list, is 239 bytes).
pub const MAX_FIELD_BYTES: usize = 4096;

impl FileKind {
    /// This kind's cap in bytes.
    pub fn max_bytes(self) -> u64 {
        match self {
            FileKind::Data => MAX_DELIMITED_BYTES.max(MAX_WORKBOOK_BYTES),
            FileKind::Claims => MAX_CLAIMS_BYTES,
            FileKind::Alias => MAX_ALIAS_BYTES,
            FileKind::Manifest => MAX_MANIFEST_BYTES,
        }
    }

    fn what(self) -> &'static str {
        match self {
            FileKind::Data => "data file",
            FileKind::Claims => "claims file",
            FileKind::Alias => "alias file",
            FileKind::Manifest => "manifest",
        }
    }
}

/// Reads the whole of `path` as a `kind` file, or refuses it with its path.
///
/// Refused without reading: anything but a regular file (a FIFO would block, `/dev/zero` never
/// ends, a directory is no file), and a file whose size is above the cap (a huge sparse file is
/// refused from its metadata, in microseconds). The read itself stops one byte past the cap, so
/// a file that grows while it is read cannot take more memory than the cap either. The type is
/// checked on the path before it is opened (opening a FIFO for reading blocks until a writer
/// comes) and again on the open handle.
pub fn read_file(path: &Path, kind: FileKind) -> Result<Vec<u8>, SourceError> {
    let cap = kind.max_bytes();
    let meta = std::fs::metadata(path).map_err(|e| SourceError::io(path, e))?;
    check_meta(path, kind, &meta)?;
    let file = std::fs::File::open(path).map_err(|e| SourceError::io(path, e))?;
    let meta = file.metadata().map_err(|e| SourceError::io(path, e))?;
    check_meta(path, kind, &meta)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| SourceError::io(path, e))?;
    if bytes.len() as u64 > cap {
        return Err(too_large(path, kind, None));
    }
    Ok(bytes)
}

/// The first `n` bytes (fewer when the file is shorter) of `path`, for the import's routing
/// to tell one file kind from another by its start; `None` for anything but a readable regular
/// file. Only a regular file is opened (as [`read_file`]: opening a FIFO waits for a writer);
/// the kind checks that refuse the others, with their errors, come after the routing.
pub fn head(path: &Path, n: u64) -> Option<Vec<u8>> {
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(n).read_to_end(&mut bytes))
        .ok()?;
    Some(bytes)
}

/// Checks a data file's size against its format's own cap, once the content says whether it is
/// a workbook (zip) or a delimited text.
pub fn check_data_size(path: &Path, bytes: &[u8], zipped: bool) -> Result<(), SourceError> {
    let (cap, what) = if zipped {
        (MAX_WORKBOOK_BYTES, "XLSX workbook")
    } else {
        (MAX_DELIMITED_BYTES, "delimited file")
    };
    if bytes.len() as u64 > cap {
        return Err(SourceError::invalid(
            Location::file(path),
            format!(
                "{} bytes is more than the largest {what} accepted ({cap} bytes)",
                bytes.len()
            ),
        ));
    }
    Ok(())
}

fn check_meta(path: &Path, kind: FileKind, meta: &std::fs::Metadata) -> Result<(), SourceError> {
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a directory"
        } else {
            "not a regular file (a pipe, device or socket)"
        };
        return Err(SourceError::invalid(
            Location::file(path),
            format!("{what}; a {} must be a regular file", kind.what()),
        ));
    }
    if meta.len() > kind.max_bytes() {
        return Err(too_large(path, kind, Some(meta.len())));
    }
    Ok(())
}

fn too_large(path: &Path, kind: FileKind, size: Option<u64>) -> SourceError {
    let size = size.map_or_else(|| "more bytes".to_string(), |n| format!("{n} bytes"));
    SourceError::invalid(
        Location::file(path),
        format!(
            "{size} is more than the largest {} accepted ({} bytes)",
            kind.what(),
            kind.max_bytes()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_zero_and_a_directory_are_refused_without_reading() {
        let e = read_file(Path::new("/dev/zero"), FileKind::Data).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        assert!(e.to_string().starts_with("/dev/zero"), "{e}");
        let e = read_file(Path::new("/"), FileKind::Alias).unwrap_err();
        assert!(e.to_string().contains("a directory"), "{e}");
    }
}
