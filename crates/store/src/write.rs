//! One write transaction for everything a call writes: an import call's data files, alias files,
//! declared series and claims (the ledger writes through it too) commit together or not at all.
//!
//! [`WriteTx`] holds the transaction on the store's one connection and lends the store out for
//! reads, so a later step of the call (the ledger checking claims against series) sees what an
//! earlier step (the data) wrote, uncommitted. Dropping it without [`WriteTx::commit`] rolls the
//! whole call back.

use crate::{resolve, SeriesRef, Store, StoreError};
use rusqlite::{Transaction, TransactionBehavior};

/// An open write transaction over a [`Store`]; see the module docs.
pub struct WriteTx<'s> {
    store: &'s Store,
    tx: Option<Transaction<'s>>,
    /// Foreign keys were switched off for the call (the bulk path) and must be switched back.
    foreign_keys_off: bool,
    /// The journal was switched to a rollback journal for the call and must go back to WAL.
    journal_switched: bool,
    /// Spellings or aliases changed since resolution last ran: series, seasons and links are
    /// out of date until [`WriteTx::ensure_resolved`].
    stale: bool,
}

impl Store {
    /// Opens a write transaction for a few small writes (a claim, an alias file, a declared
    /// series). It takes the write lock at once, so a long call never fails halfway on another
    /// writer's lock.
    pub fn begin(&mut self) -> Result<WriteTx<'_>, StoreError> {
        self.search.new_transaction();
        let store: &Store = self;
        let tx = Transaction::new_unchecked(&store.conn, TransactionBehavior::Immediate)?;
        Ok(WriteTx {
            store,
            tx: Some(tx),
            foreign_keys_off: false,
            journal_switched: false,
            stale: false,
        })
    }

    /// Opens the write transaction of a bulk import call. Foreign keys are checked by
    /// construction on this path (rows reference the dataset and titles just inserted; SQLite's
    /// per-row check doubled the insert time), and the journal is switched for bulk writing (see
    /// `bulk_journal`); both pragmas are no-ops inside a transaction, so they are set here,
    /// before it begins, and restored when it ends.
    pub fn begin_bulk(&mut self) -> Result<WriteTx<'_>, StoreError> {
        self.search.new_transaction();
        let store: &Store = self;
        store.conn.execute_batch("PRAGMA foreign_keys=OFF")?;
        let journal_switched = store.bulk_journal();
        let mut w = WriteTx {
            store,
            tx: None,
            foreign_keys_off: true,
            journal_switched,
            stale: false,
        };
        // On failure `w` is dropped here, which restores both pragmas.
        w.tx = Some(Transaction::new_unchecked(
            &store.conn,
            TransactionBehavior::Immediate,
        )?);
        Ok(w)
    }

    /// In WAL mode every page an import writes is written twice (to the log, then checkpointed
    /// into the file). When no other connection has the store open, the import runs in a
    /// rollback journal instead (`synchronous=FULL`, so it is as durable), which writes new pages
    /// once and saves only the pages it overwrites. With a reader open (a running server) the
    /// switch is refused and the import simply runs in WAL. Returns whether it switched.
    fn bulk_journal(&self) -> bool {
        // Another connection makes the switch fail with "locked": don't wait the busy timeout
        // out for an answer that is known at once.
        let _ = self.conn().busy_timeout(std::time::Duration::ZERO);
        let switched = self.set_journal("delete", "FULL");
        let _ = self
            .conn()
            .busy_timeout(std::time::Duration::from_millis(crate::BUSY_TIMEOUT_MS));
        switched
    }

    /// Sets the journal mode and, when SQLite reports it set, the sync level that goes with it
    /// (`Store::open`'s pair, WAL with NORMAL, is the one at rest). True when set.
    fn set_journal(&self, mode: &str, synchronous: &str) -> bool {
        let got: Result<String, _> =
            self.conn()
                .query_row(&format!("PRAGMA journal_mode={mode}"), [], |r| r.get(0));
        matches!(got, Ok(m) if m.eq_ignore_ascii_case(mode))
            && self
                .conn()
                .execute_batch(&format!("PRAGMA synchronous={synchronous}"))
                .is_ok()
    }
}

impl<'s> WriteTx<'s> {
    /// The store, for reads inside the transaction (they see its uncommitted writes).
    pub fn store(&self) -> &'s Store {
        self.store
    }

    pub(crate) fn tx(&self) -> Result<&Transaction<'s>, StoreError> {
        self.tx.as_ref().ok_or_else(|| {
            StoreError::Invalid("the write transaction has ended (an internal error)".into())
        })
    }

    /// Marks resolution out of date (a spelling or alias was written without re-resolving).
    pub(crate) fn mark_stale(&mut self) {
        self.stale = true;
    }

    /// Records that resolution has just run over everything written so far.
    pub(crate) fn mark_resolved(&mut self) {
        self.stale = false;
    }

    /// Re-runs resolution if anything written since it last ran changes it, so that reads (a
    /// claim's series) see series and seasons as they will be committed.
    pub fn ensure_resolved(&mut self) -> Result<(), StoreError> {
        if self.stale {
            resolve::rebuild(self.tx()?)?;
            self.stale = false;
        }
        Ok(())
    }

    /// Makes sure each title is a series of the store, declaring (as a `ledger` spelling) those
    /// the store has no series for, and returns them in order. A title the store already has is
    /// not declared again; resolution runs once for all the new ones.
    pub fn declare_series(&mut self, titles: &[&str]) -> Result<Vec<SeriesRef>, StoreError> {
        self.ensure_resolved()?;
        let titles: Vec<&str> = titles.iter().map(|t| t.trim()).collect();
        if titles.iter().any(|t| t.is_empty()) {
            return Err(StoreError::Invalid("a series title cannot be empty".into()));
        }
        let found = self.store.find_series_many(&titles)?;
        if found.iter().all(Option::is_some) {
            return Ok(found.into_iter().flatten().collect());
        }
        for (title, found) in titles.iter().zip(&found) {
            if found.is_none() {
                self.add_ledger_spelling(title)?;
            }
        }
        self.ensure_resolved()?;
        let found = self.store.find_series_many(&titles)?;
        titles
            .iter()
            .zip(found)
            .map(|(t, s)| {
                s.ok_or_else(|| {
                    StoreError::NotFound(format!("series \"{t}\" could not be declared"))
                })
            })
            .collect()
    }

    /// Adds `title` as a `ledger` spelling (a TV series the ledger knows of) unless it is stored
    /// already; resolution is then out of date.
    pub(crate) fn add_ledger_spelling(&mut self, title: &str) -> Result<(), StoreError> {
        // No index enforces a spelling's uniqueness (see migration 3): look it up first.
        self.tx()?.execute(
            "INSERT INTO titles (source, show_title, season_title, kind, hint)
             SELECT 'ledger', ?1, '', 'tv', '' WHERE NOT EXISTS
               (SELECT 1 FROM titles WHERE source = 'ledger' AND show_title = ?1 AND season_title = '' AND kind = 'tv' AND hint = '')",
            [title],
        )?;
        self.mark_stale();
        Ok(())
    }

    /// Commits everything written, re-resolving first if aliases or spellings changed since
    /// resolution last ran.
    pub fn commit(mut self) -> Result<(), StoreError> {
        self.ensure_resolved()?;
        if let Some(tx) = self.tx.take() {
            tx.commit()?;
        }
        self.restore()
    }

    /// Puts the pragmas `begin_bulk` switched back. Back to WAL for readers; should that fail,
    /// the store is valid in rollback mode and the next open switches it back.
    fn restore(&mut self) -> Result<(), StoreError> {
        if std::mem::take(&mut self.journal_switched) {
            let _ = self.store.set_journal("wal", "NORMAL");
        }
        if std::mem::take(&mut self.foreign_keys_off) {
            self.store.conn().execute_batch("PRAGMA foreign_keys=ON")?;
        }
        Ok(())
    }
}

impl Drop for WriteTx<'_> {
    /// Not committed: everything the call wrote is rolled back.
    fn drop(&mut self) {
        if let Some(tx) = self.tx.take() {
            let _ = tx.rollback();
        }
        let _ = self.restore();
    }
}
