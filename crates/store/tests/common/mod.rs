//! Shared by the store's real-data tests: where the data is, and one store per test binary with
//! all of it imported (importing is the slow part, so it is done once).

#![allow(dead_code)]

use greenlight_store::import::ImportOptions;
use greenlight_store::Store;
use std::path::PathBuf;
use std::sync::OnceLock;

/// `../shared/data` beside the checkout. Missing data is a failure, never a skip: a test that
/// silently passes without its data proves nothing.
pub fn data_dir() -> PathBuf {
    let d = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"));
    assert!(
        d.join("README.md").is_file(),
        "real data missing: expected {} (../shared/data beside the checkout)",
        d.display()
    );
    d
}

pub fn fresh_store(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("t.db")).expect("open store")
}

/// A store with all of `../shared/data` imported, shared by the tests of one binary.
pub fn imported() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir").keep();
        let path = dir.join("all.db");
        let mut store = Store::open(&path).expect("open store");
        store
            .import_paths(&[data_dir()], &ImportOptions::default())
            .expect("import all of ../shared/data");
        path
    })
}

pub fn open_imported() -> Store {
    Store::open(imported()).expect("open imported store")
}
