//! The ledger's share of the test kit (greenlight-testkit): the real data, and stores built on
//! the one import of it this test process makes.

use greenlight_store::Store;
pub use greenlight_testkit::data_dir;
use std::path::PathBuf;

/// A private copy of the store with every data file of `shared/data` imported (the import is
/// done once per process; each caller adds its own claims to its copy). `what` names the copy's
/// purpose in failure messages.
pub fn imported_store(what: &str) -> (PathBuf, Store) {
    let path = greenlight_testkit::private_copy(greenlight_testkit::imported_data());
    let store =
        Store::open(&path).unwrap_or_else(|e| panic!("{what}: open {}: {e}", path.display()));
    (path, store)
}
