//! Shared server state: a small pool of store connections and a response cache.
//!
//! `rusqlite::Connection` is `Send` but not `Sync`, so a connection is taken out of the pool for
//! the length of one blocking job (`spawn_blocking`) and put back after; SQLite's WAL mode lets
//! these connections read in parallel while one writes.
//!
//! Read routes are pure functions of the store's content (and of today's date, which the
//! derived status depends on), so their bodies are cached under a *stamp* of that content: the
//! size and modification time of the database and its WAL file (which change on every commit,
//! whoever makes it — this server or a `greenlight import` in another process), an in-process
//! write counter, and the date. The same stamp is the ETag, so a conditional GET is answered
//! without touching the database at all.

use crate::error::WebError;
use axum::body::Bytes;
use chrono::NaiveDate;
use greenlight_report::scorecard::{self, Calendar, Scorecard};
use greenlight_store::Store;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// How many idle connections to keep. More than the worker threads gain nothing.
const POOL_MAX: usize = 16;
/// Cached bodies kept before the cache is emptied (bounded memory under crawlers).
const CACHE_MAX: usize = 4096;

/// What the content of the store looks like from outside; equal stamps mean equal content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stamp {
    db: (u64, u128),
    wal: (u64, u128),
    writes: u64,
    today: NaiveDate,
}

impl Stamp {
    /// A short hex digest, for ETags and feed ids.
    pub fn digest(&self, key: &str) -> String {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.hash(&mut h);
        key.hash(&mut h);
        format!("{:016x}", h.finish())
    }
}

/// A cached body and its gzip copy, compressed once when the body is built (none for a body
/// too small to gain from it), so a request that accepts gzip costs no compression.
#[derive(Clone)]
pub(crate) struct Cached {
    pub stamp: Stamp,
    pub body: Bytes,
    pub gzip: Option<Bytes>,
}

/// What `/tracker` and `/calendar` render: the scorecard and the calendar of one read of the
/// kept board, as of the same day.
pub struct Board {
    pub card: Scorecard,
    pub calendar: Calendar,
}

impl Board {
    fn read(store: &Store) -> Result<Board, WebError> {
        let entries = scorecard::kept_entries(store)?;
        let today = scorecard::today();
        Ok(Board {
            card: scorecard::scorecard_of_entries(&entries, today),
            calendar: scorecard::calendar_of_entries(&entries, today),
        })
    }
}

/// The state every handler shares. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    db: PathBuf,
    pool: Mutex<Vec<Store>>,
    cache: Mutex<HashMap<String, Cached>>,
    /// The tracker's pages' reports read from the kept board, with the stamp they hold for:
    /// every page of `/tracker` (the summary, each group's pages in each order) and `/calendar`
    /// render from one read, and the lock makes concurrent first requests wait for it instead
    /// of each reading.
    board: Mutex<Option<(Stamp, Arc<Board>)>>,
    writes: AtomicU64,
    /// `/check` and `POST /api/v1/check`: the rate limiter, the SSRF switch, the dictionary.
    check: crate::http::check::CheckState,
}

fn file_meta(p: &Path) -> (u64, u128) {
    match std::fs::metadata(p) {
        Ok(m) => (
            m.len(),
            m.modified()
                .ok()
                .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos()),
        ),
        Err(_) => (0, 0),
    }
}

impl AppState {
    /// Opens the store at `db` (creating and migrating it if needed) and the web's own tables.
    /// Does *not* load the starter catalog: [`crate::serve`] does, so tests control their data.
    pub fn new(db: PathBuf) -> Result<AppState, WebError> {
        let mut store = Store::open(&db)?;
        crate::tokens::ensure_schema(&mut store)?;
        greenlight_ledger::ensure_schema(&mut store)?;
        Ok(AppState {
            inner: Arc::new(Inner {
                db,
                pool: Mutex::new(vec![store]),
                cache: Mutex::new(HashMap::new()),
                board: Mutex::new(None),
                writes: AtomicU64::new(0),
                check: Default::default(),
            }),
        })
    }

    pub(crate) fn check(&self) -> &crate::http::check::CheckState {
        &self.inner.check
    }

    pub fn db(&self) -> &Path {
        &self.inner.db
    }

    pub fn stamp(&self) -> Stamp {
        let mut wal = self.inner.db.clone().into_os_string();
        wal.push("-wal");
        Stamp {
            db: file_meta(&self.inner.db),
            wal: file_meta(Path::new(&wal)),
            writes: self.inner.writes.load(Ordering::Acquire),
            today: chrono::Utc::now().date_naive(),
        }
    }

    fn take(&self) -> Result<Store, WebError> {
        let pooled = self.inner.pool.lock().ok().and_then(|mut p| p.pop());
        match pooled {
            Some(s) => Ok(s),
            None => Ok(Store::open(&self.inner.db)?),
        }
    }

    fn give_back(&self, store: Store) {
        if let Ok(mut p) = self.inner.pool.lock() {
            if p.len() < POOL_MAX {
                p.push(store);
            }
        }
    }

    /// Runs `f` on a pooled connection on the blocking thread pool.
    pub async fn read<T, F>(&self, f: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, WebError> + Send + 'static,
    {
        let me = self.clone();
        tokio::task::spawn_blocking(move || {
            let store = me.take()?;
            let r = f(&store);
            me.give_back(store);
            r
        })
        .await
        .map_err(|e| WebError::Internal(format!("request task failed: {e}")))?
    }

    /// Runs a write on a pooled connection; afterwards every cached body is stale.
    pub async fn write<T, F>(&self, f: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, WebError> + Send + 'static,
    {
        let me = self.clone();
        let r = tokio::task::spawn_blocking(move || {
            let mut store = me.take()?;
            let r = f(&mut store);
            me.give_back(store);
            r
        })
        .await
        .map_err(|e| WebError::Internal(format!("request task failed: {e}")))?;
        self.inner.writes.fetch_add(1, Ordering::AcqRel);
        r
    }

    /// The body cached for `key` under `stamp`, and its gzip copy.
    pub(crate) fn cached(&self, key: &str, stamp: &Stamp) -> Option<(Bytes, Option<Bytes>)> {
        let c = self.inner.cache.lock().ok()?;
        c.get(key)
            .filter(|c| c.stamp == *stamp)
            .map(|c| (c.body.clone(), c.gzip.clone()))
    }

    pub(crate) fn remember(&self, key: String, stamp: Stamp, body: Bytes, gzip: Option<Bytes>) {
        if let Ok(mut c) = self.inner.cache.lock() {
            if c.len() >= CACHE_MAX {
                c.clear();
            }
            c.insert(key, Cached { stamp, body, gzip });
        }
    }

    /// The tracker's pages' reports for the store as it is now, read from the kept board
    /// (`report::scorecard::kept_entries`) once per stamp. Reading may write (rows derived
    /// because their evidence changed, the predictions the odds shown make), which moves the
    /// stamp; so, as [`crate::http::cached`] does with bodies, the scorecard is kept only under a
    /// stamp that held across a read: when the first read moved it, it is read once more (which
    /// finds what the first kept, writing nothing), and if that moved it too (another writer),
    /// it is the answer but not kept.
    pub(crate) fn board(&self, store: &Store) -> Result<Arc<Board>, WebError> {
        let mut slot = self
            .inner
            .board
            .lock()
            .map_err(|_| WebError::Internal("the tracker's board lock was poisoned".into()))?;
        let mut held = self.stamp();
        if let Some((st, card)) = slot.as_ref() {
            if *st == held {
                return Ok(card.clone());
            }
        }
        let mut card = Arc::new(Board::read(store)?);
        let mut after = self.stamp();
        if after != held {
            held = after;
            card = Arc::new(Board::read(store)?);
            after = self.stamp();
        }
        *slot = (after == held).then(|| (held, card.clone()));
        Ok(card)
    }
}
