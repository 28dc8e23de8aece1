//! What the ledger's real-data test binaries share: the data locator and a store with all of
//! `shared/data` imported, under cargo's target tmp dir. Fails, never skips, when the data is
//! missing.
#![allow(dead_code)]

use greenlight_store::{import::ImportOptions, Store};
use std::path::PathBuf;

/// `shared/data` beside the checkout, checked to be there.
pub fn data_dir() -> PathBuf {
    let data = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"));
    assert!(
        data.join("README.md").is_file(),
        "the real data is missing: expected it at {} (shared/data beside the checkout)",
        data.display()
    );
    data
}

/// A new store named `prefix-*` with every data file imported, as a user imports the folder.
/// Statics are never dropped, so earlier runs' directories of the same prefix are removed here.
pub fn imported_store(prefix: &str) -> (PathBuf, Store) {
    let data = data_dir();
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    if let Ok(entries) = std::fs::read_dir(&tmp) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(prefix) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(&tmp)
        .unwrap()
        .keep();
    let path = dir.join("greenlight.db");
    let mut s = Store::open(&path).unwrap();
    let summary = s.import_paths(&[data], &ImportOptions::default()).unwrap();
    assert!(summary.series > 1000, "{summary:?}");
    (path, s)
}
