//! The test kit: one data locator, one "import the real data once" and one scratch-directory
//! helper for the tests of every crate, instead of a copy in each test binary.
//!
//! Missing data is a failure, never a skip: a test that silently passes without its data proves
//! nothing. Stores are imported once per test process (importing all of `shared/data` is the
//! slow part of most suites) and shared read-only; a test that writes takes [`private_copy`].

pub mod fuzz;
pub mod http;

use greenlight_store::import::ImportOptions;
use greenlight_store::Store;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// `shared/data` beside the checkout (`GREENLIGHT_TEST_DATA` overrides), checked to be there.
pub fn data_dir() -> PathBuf {
    let d = std::env::var_os("GREENLIGHT_TEST_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        });
    assert!(
        d.join("README.md").is_file(),
        "the real data is missing: expected it at {} (shared/data beside the checkout; \
         GREENLIGHT_TEST_DATA names another place)",
        d.display()
    );
    d
}

/// One file of the real data, checked to exist (`data_file("netflix-top10/all-weeks-global.tsv")`).
pub fn data_file(relative: &str) -> PathBuf {
    let p = data_dir().join(relative);
    assert!(p.is_file(), "real data file missing: {}", p.display());
    p
}

/// `target/tmp`: cargo's scratch space, found from the test executable (`target/<profile>/deps/x`)
/// so that it works for every crate, not only those with `CARGO_TARGET_TMPDIR`.
fn target_tmp() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable's path");
    let target = exe
        .ancestors()
        .find(|p| p.file_name().is_some_and(|n| n == "target"))
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir);
    let tmp = target.join("tmp");
    std::fs::create_dir_all(&tmp).expect("create target/tmp");
    tmp
}

/// A directory that lives as long as the test process, named after the test binary. Statics are
/// never dropped, so the first call removes the directories earlier runs of the same binary left.
pub fn scratch_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let exe = std::env::current_exe()
            .ok()
            .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_default();
        let binary = exe.split('-').next().unwrap_or("test");
        let prefix = format!("greenlight-{binary}-");
        let tmp = target_tmp();
        if let Ok(entries) = std::fs::read_dir(&tmp) {
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().starts_with(&prefix) {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        tempfile::Builder::new()
            .prefix(&prefix)
            .tempdir_in(&tmp)
            .expect("scratch dir")
            .keep()
    })
}

/// A fresh, empty store file in its own directory under [`scratch_dir`].
pub fn fresh_store_path() -> PathBuf {
    let dir = tempfile::Builder::new()
        .prefix("fresh-")
        .tempdir_in(scratch_dir())
        .expect("tempdir")
        .keep();
    dir.join("greenlight.db")
}

/// The store with every data file of `shared/data` imported (data only: no claims, no starter
/// catalog), built once per test process. Open it read-only in spirit: tests share it.
pub fn imported_data() -> &'static Path {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        let db = scratch_dir().join("data.db");
        let mut store = Store::open(&db).expect("open store");
        let summary = store
            .import_paths(&[data_dir()], &ImportOptions::default())
            .expect("import all of shared/data");
        assert!(summary.series > 1000, "{summary:?}");
        db
    })
}

/// The store as a user has it after `greenlight import shared/data`: the data, the announcements
/// (claims) and the starter catalog. Built once per test process.
pub fn imported_all() -> &'static Path {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        let db = scratch_dir().join("all.db");
        let mut store = Store::open(&db).expect("open store");
        store
            .import_paths(&[data_dir()], &ImportOptions::default())
            .expect("import all of shared/data");
        greenlight_ledger::prepare(&mut store).expect("starter catalog");
        greenlight_ledger::import_claims_file(
            &mut store,
            &data_dir().join("announcements/netflix-announcements.toml"),
        )
        .expect("the announcements");
        db
    })
}

/// Opens a shared imported store.
pub fn open(path: &Path) -> Store {
    Store::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()))
}

/// A private copy of `db` (for a test that writes), as a new file under [`scratch_dir`].
pub fn private_copy(db: &Path) -> PathBuf {
    let dir = tempfile::Builder::new()
        .prefix("copy-")
        .tempdir_in(scratch_dir())
        .expect("tempdir")
        .keep();
    let dest = dir.join("greenlight.db");
    open(db)
        .copy_to(&dest)
        .unwrap_or_else(|e| panic!("copy {} to {}: {e}", db.display(), dest.display()));
    dest
}

/// Everything a store holds: every schema object, and every table's rows (sorted, each row its
/// values' debug text): two dumps are equal exactly when nothing changed. For tests that show a
/// refused call changed nothing, or that two ways of importing give the same store.
pub fn dump(db: &Path) -> std::collections::BTreeMap<String, Vec<String>> {
    dump_except(db, &[])
}

/// [`dump`] with the named `(table, column)`s left out: for comparing stores written at
/// different times, whose only differences are such columns (`datasets.imported_at`, the
/// clock at import). A named column the store does not have is a test error, so a rename cannot
/// quietly unmask it.
pub fn dump_except(
    db: &Path,
    masked: &[(&str, &str)],
) -> std::collections::BTreeMap<String, Vec<String>> {
    let conn = rusqlite::Connection::open(db)
        .unwrap_or_else(|e| panic!("open {} to dump it: {e}", db.display()));
    let column = |sql: &str| -> Vec<String> {
        let mut st = conn.prepare(sql).expect("prepare");
        let n = st.column_count();
        let mut rows: Vec<String> = st
            .query_map([], |r| {
                let mut s = String::new();
                for i in 0..n {
                    s.push_str(&format!("{:?}|", r.get_ref(i)?));
                }
                Ok(s)
            })
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        rows.sort_unstable();
        rows
    };
    let mut out = std::collections::BTreeMap::new();
    out.insert(
        "(schema)".to_string(),
        column("SELECT type, name, tbl_name, sql FROM sqlite_master"),
    );
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("table names");
    let quote = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
    for t in tables {
        let hidden: Vec<&str> = masked
            .iter()
            .filter(|(table, _)| *table == t)
            .map(|(_, c)| *c)
            .collect();
        let sql = if hidden.is_empty() {
            format!("SELECT * FROM {}", quote(&t))
        } else {
            let all: Vec<String> = conn
                .prepare("SELECT name FROM pragma_table_info(?1)")
                .expect("prepare")
                .query_map([&t], |r| r.get(0))
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("column names");
            for h in &hidden {
                assert!(all.iter().any(|c| c == h), "{t} has no column {h} to mask");
            }
            let kept: Vec<String> = all
                .iter()
                .filter(|c| !hidden.contains(&c.as_str()))
                .map(|c| quote(c))
                .collect();
            format!("SELECT {} FROM {}", kept.join(", "), quote(&t))
        };
        out.insert(t, column(&sql));
    }
    out
}
