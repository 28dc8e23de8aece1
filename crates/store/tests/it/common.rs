//! The store's share of the test kit: the real data and one imported store per test process
//! (greenlight-testkit), and a fresh store in a test's own directory.

use greenlight_store::Store;
pub use greenlight_testkit::data_dir;

pub fn fresh_store(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("t.db")).expect("open store")
}

/// The store with all of `shared/data` imported, shared by every test of this binary.
pub fn open_imported() -> Store {
    greenlight_testkit::open(greenlight_testkit::imported_data())
}

/// A private copy of the imported store, for a test that writes (the shared one must stay as
/// imported: every module of this binary reads it).
pub fn open_private_copy() -> Store {
    greenlight_testkit::open(&greenlight_testkit::private_copy(
        greenlight_testkit::imported_data(),
    ))
}
