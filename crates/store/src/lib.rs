//! The embedded store: one SQLite file holding the raw rows of every imported source file, the
//! resolution of their spellings into series and seasons, and the queries the CLI and web serve.
//!
//! Invariants:
//! - Every import call runs in one transaction ([`WriteTx`]): its data files, alias files,
//!   declared series and claims are stored together or not at all.
//! - Raw rows are kept as published; series/seasons are *derived* from them by [`resolve`] and
//!   rebuilt after every import, so resolution can improve without re-importing.
//! - Series are referred to from outside (claims, URLs) by `slug`, which is a pure function of the
//!   resolved title, so it survives a rebuild. Row ids of derived tables do not.
//! - A dataset (e.g. the global Top 10) is replaced wholesale by a same-or-newer snapshot; an older
//!   snapshot is refused, so import order never matters.
//! - Each distinct spelling is one `titles` row; its writers (the import's interner and
//!   [`Store::declare_series`]) look a spelling up before adding it.

pub mod aliases;
mod batch;
pub mod checking;
pub mod derived;
pub mod error;
pub mod hash;
pub mod import;
pub mod manifest;
pub mod platform;
pub mod predictions;
pub mod published;
pub mod query;
pub mod resolve;
mod schema;
pub mod search;
pub mod snapshot;
pub mod spellings;
pub mod statuses;
pub mod sync;
pub mod timing;
pub mod tokens;
pub mod training;
pub mod views;
mod write;

pub use error::StoreError;

/// A small text input the store reads whole (alias files, manifests), within its kind's size
/// cap (`greenlight_sources::limits`): its bytes, refused with the file's name and the line (and
/// byte) where it stops being UTF-8.
pub(crate) fn read_text(
    path: &std::path::Path,
    kind: greenlight_sources::limits::FileKind,
) -> Result<String, StoreError> {
    let bytes = greenlight_sources::limits::read_file(path, kind)?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let good = &e.as_bytes()[..at];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        StoreError::Invalid(format!(
            "{}, line {line}: not UTF-8 at byte {} of the line (byte {at} of the file)",
            path.display(),
            at - line_start + 1,
        ))
    })
}
pub use import::{ImportOutcome, ImportSummary};
pub use query::*;
pub use write::WriteTx;

use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// How long a connection waits for another's lock before giving up: longer than a whole import
/// holds the write lock, so a command started during one (a reader while the import commits, or
/// a writer: `token create`, a second import, a first `serve` creating its tables) waits for it
/// and then answers. With 5 s they failed with "database is locked" after 5 s: an import of all
/// of `shared/data` holds the lock for 8.5 s in a debug build on a loaded 2-core machine, and
/// for 21 s with twelve other commands started beside it (issue 14, `tests/crash.rs`). Still
/// bounded, so a writer that never ends is reported, not waited for forever.
pub(crate) const BUSY_TIMEOUT_MS: u64 = 120_000;

/// An open store. Cheap to open; holds one connection.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The search index built inside this connection's current write transaction.
    search: search::InTransaction,
}

impl Store {
    /// Opens (creating if needed) the store at `path`, in WAL mode, migrated to the current schema.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path).map_err(|e| StoreError::open(path, e))?;
        conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS))?;
        // More than rusqlite's 16: a status reads through ~20 cached statements, the board's
        // refresh runs it per series, and an evicted statement is prepared again each time.
        conn.set_prepared_statement_cache_capacity(128);
        // WAL is the mode at rest, and SQLite keeps it in the file: switch only when the store is
        // not in it. It is not in it when new, or while an import writes it in a rollback journal
        // (`WriteTx::bulk_journal`). In that second case the switch needs the importer's lock,
        // and SQLite refuses it at once, without waiting (waiting could deadlock). Before this
        // check every open asked for the switch, so a reader starting during an import failed
        // with "database is locked". Now the refusal is left alone: the reader reads through the
        // rollback journal, waiting out the busy timeout like any reader, and the import switches
        // back to WAL when it ends.
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            let _ = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0));
        }
        conn.execute_batch(
            // A 64 MiB page cache: a full import writes ~50 MB, and SQLite's 2 MB default spilled
            // it to the WAL page by page, which tripled the import time.
            "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;
             PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;",
        )?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            search: Default::default(),
        };
        store.migrate_component("store", schema::MIGRATIONS)?;
        store.migrate_component("derived", derived::MIGRATIONS)?;
        store.migrate_component("tracker2", statuses::MIGRATIONS)?;
        store.migrate_component("predictions", predictions::MIGRATIONS)?;
        store.migrate_component("platform", platform::MIGRATIONS)?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether a transaction (or savepoint) is open on this connection: another connection to
    /// the same file would not see its writes, so work split across connections must not be.
    pub fn in_transaction(&self) -> bool {
        !self.conn.is_autocommit()
    }

    /// `(side(other), here(self))`: `side` on a second connection to the same file, on another
    /// thread, while `here` runs on this one. For whole-data reads that split into independent
    /// queries (the odds' catalogue: issue 13's refresh waits on it). Both run here, `here`
    /// first, when the split could see other rows than one connection would (a transaction is
    /// open here, whose writes another connection cannot see), when the store is not a file
    /// another connection can open, or when that connection cannot be opened.
    pub fn beside<A, B>(
        &self,
        side: impl FnOnce(&Store) -> A + Send,
        here: impl FnOnce(&Store) -> B,
    ) -> (A, B)
    where
        A: Send,
    {
        if self.in_transaction() || !self.path.is_file() {
            let b = here(self);
            return (side(self), b);
        }
        std::thread::scope(|scope| {
            let path = self.path.clone();
            let h = scope.spawn(move || match Store::open(&path) {
                Ok(own) => Ok(side(&own)),
                Err(_) => Err(side),
            });
            let b = here(self);
            let a = match h.join() {
                Ok(Ok(a)) => a,
                Ok(Err(side)) => side(self),
                Err(panic) => std::panic::resume_unwind(panic),
            };
            (a, b)
        })
    }

    /// The raw connection, for crates that own tables of their own (the ledger).
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Applies `migrations[v..]` for `component`, each in its own transaction, recording the
    /// version reached. Each crate owns its tables; the store owns the mechanism.
    pub fn migrate_component(
        &mut self,
        component: &str,
        migrations: &[&str],
    ) -> Result<(), StoreError> {
        schema::migrate(&mut self.conn, component, migrations)
    }
}
