//! Search: every spelling of every series (titles, native titles, aliases, season spellings) in
//! one FST, built once per store generation and shared by every connection of the process.
//!
//! Before this index a query was compared with every stored spelling by Jaro-Winkler, so its cost
//! grew with the query's length times the number of spellings (issue 14: a 20,000-character
//! query took 15 s). Now a query walks the FST: its prefix for exact, prefix and word matches, and
//! a Levenshtein automaton (tantivy's `levenshtein_automata`, a transposition counting one edit)
//! for misspellings. Ranking, in
//! order: the kind of match (exact, then the spelling starts with the query, then a word inside it
//! does, then a misspelling by edit distance), then popularity (hours viewed, then weeks in the
//! Top 10), so "wensday" finds the much-watched *Wednesday* before the film *Wendy*, both two
//! edits away.
//!
//! The index is keyed by the store file and its *generation*, SQLite's `user_version`, which
//! resolution bumps in the transaction that rewrites the series (`resolve::write`): every change
//! to spellings, series or the raw rows behind popularity goes through it, and a rolled-back
//! import rolls the bump back too.

use crate::query::{SearchHit, SeriesRef};
use crate::{Store, StoreError};
use fst::automaton::Str;
use fst::{Automaton, IntoStreamer, Streamer};
use greenlight_sources::titles;
use levenshtein_automata::{Distance, LevenshteinAutomatonBuilder};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Longest query (in characters) searched for misspellings: titles longer than this are pasted,
/// not typed, and found exactly or by prefix.
pub const MAX_FUZZY_CHARS: usize = 48;
/// Indexes kept per process (one per store file; tests open several stores).
const CACHE_MAX: usize = 8;

/// How a spelling matched, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Match {
    /// The whole spelling is the query.
    Exact,
    /// The spelling starts with the query.
    Prefix,
    /// A word inside the spelling starts with the query (`things` in `stranger things`).
    Word,
    /// Misspelt: this many edits (1 or 2) from the spelling, or from its tail from a word on.
    Fuzzy(u8),
}

impl Match {
    fn score(self) -> f64 {
        match self {
            Match::Exact => 1.0,
            Match::Prefix => 0.9,
            Match::Word => 0.8,
            Match::Fuzzy(d) => 0.7 - 0.1 * f64::from(d.saturating_sub(1)),
        }
    }
}

/// One place a key occurs: series `series` (index into [`SearchIndex::series`]), spelling
/// `spelling` (index into [`SearchIndex::spellings`]), from its start or from a later word.
#[derive(Debug, Clone, Copy)]
struct Posting {
    series: u32,
    spelling: u32,
    start: bool,
}

#[derive(Debug)]
struct Entry {
    series: SeriesRef,
    /// Top 10 hours plus engagement-report hours: how much the series is watched.
    hours: i64,
    /// Global Top 10 weeks.
    weeks: i64,
    /// The title, normalised.
    key: String,
}

/// The search index of one store generation.
pub(crate) struct SearchIndex {
    /// Normalised spellings and their tails from each later word, each to its postings list.
    keys: fst::Map<Vec<u8>>,
    postings: Vec<Vec<Posting>>,
    /// The spellings as stored (the English or the native half of a `English // Native` one).
    spellings: Vec<String>,
    series: Vec<Entry>,
}

/// What identifies a store generation: the file (path and inode, so a file replaced under the
/// same name is not taken for the old one) and its `user_version`.
type Generation = (PathBuf, u64, i64);

/// The automaton builders for one and two edits (a transposition is one), made once per
/// process: each precomputes its parametric DFA, after which a query's automaton is built in
/// time linear in its length.
fn automata() -> &'static [LevenshteinAutomatonBuilder; 2] {
    static BUILDERS: std::sync::OnceLock<[LevenshteinAutomatonBuilder; 2]> =
        std::sync::OnceLock::new();
    BUILDERS.get_or_init(|| {
        [
            LevenshteinAutomatonBuilder::new(1, true),
            LevenshteinAutomatonBuilder::new(2, true),
        ]
    })
}

/// The indexes of the process, by generation.
type Cache = Mutex<Vec<(Generation, Arc<SearchIndex>)>>;

fn cache() -> &'static Cache {
    static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(Vec::new()))
}

fn builds() -> &'static Mutex<HashMap<PathBuf, u64>> {
    static BUILDS: std::sync::OnceLock<Mutex<HashMap<PathBuf, u64>>> = std::sync::OnceLock::new();
    BUILDS.get_or_init(|| Mutex::new(HashMap::new()))
}

/// How many times this process has built (and cached) a search index for the store at `path`:
/// once per generation, however many searches there were (the tests hold it to that).
pub fn index_builds(path: &std::path::Path) -> u64 {
    builds()
        .lock()
        .ok()
        .and_then(|b| b.get(path).copied())
        .unwrap_or(0)
}

#[cfg(unix)]
fn inode(p: &std::path::Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).map(|m| m.ino()).unwrap_or(0)
}

#[cfg(not(unix))]
fn inode(_: &std::path::Path) -> u64 {
    0
}

/// Bumps the store's generation; called in the transaction that writes a resolution.
pub(crate) fn bump_generation(tx: &rusqlite::Transaction) -> Result<(), StoreError> {
    let v: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    // user_version is a signed 32-bit header field; wrap within it.
    let next = if v >= i64::from(i32::MAX) { 1 } else { v + 1 };
    tx.execute_batch(&format!("PRAGMA user_version = {next}"))?;
    Ok(())
}

/// An index built inside a write transaction, for that transaction alone: what it saw may be
/// rolled back, so it is never shared, and a new transaction ([`Store::begin`]) forgets it.
/// Without it, each unknown series a claims file names (whose error suggests close spellings)
/// would build an index of its own.
#[derive(Default)]
pub(crate) struct InTransaction {
    serial: std::cell::Cell<u64>,
    built: std::cell::RefCell<Option<(u64, i64, Arc<SearchIndex>)>>,
}

impl InTransaction {
    pub(crate) fn new_transaction(&self) {
        self.serial.set(self.serial.get() + 1);
        self.built.replace(None);
    }
}

impl Store {
    /// This generation's index: from the process's cache, or built and cached. Inside an open
    /// transaction (an import asking mid-call) it is built for the caller alone, since what it
    /// sees may yet be rolled back.
    fn search_index(&self) -> Result<Arc<SearchIndex>, StoreError> {
        let version: i64 = self
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let key: Generation = (self.path().to_path_buf(), inode(self.path()), version);
        if !self.conn().is_autocommit() {
            let serial = self.search.serial.get();
            if let Some((s, v, i)) = &*self.search.built.borrow() {
                if (*s, *v) == (serial, version) {
                    return Ok(i.clone());
                }
            }
            let index = Arc::new(SearchIndex::build(self)?);
            self.search
                .built
                .replace(Some((serial, version, index.clone())));
            return Ok(index);
        }
        if let Some(hit) = cache()
            .lock()
            .ok()
            .and_then(|c| c.iter().find(|(k, _)| *k == key).map(|(_, i)| i.clone()))
        {
            return Ok(hit);
        }
        // Built in one read transaction, so it is exactly the generation it is filed under even
        // if another connection commits meanwhile.
        self.conn().execute_batch("BEGIN DEFERRED")?;
        let built = self
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .map_err(StoreError::from)
            .and_then(|v| Ok((v, SearchIndex::build(self)?)));
        let _ = self.conn().execute_batch("COMMIT");
        let (version, index) = built?;
        let index = Arc::new(index);
        let key: Generation = (key.0, key.1, version);
        if let Ok(mut b) = builds().lock() {
            *b.entry(key.0.clone()).or_default() += 1;
        }
        if let Ok(mut c) = cache().lock() {
            // One generation per file: an older one of the same file is never asked for again.
            c.retain(|(k, _)| k.0 != key.0);
            if c.len() >= CACHE_MAX {
                c.remove(0);
            }
            c.push((key, index.clone()));
        }
        Ok(index)
    }

    /// Series matching `text` (any spelling, native titles included), best first: exact
    /// matches, then spellings starting with it, then spellings with a word starting with it,
    /// then misspellings by edit distance; within each, the most watched first. At most
    /// [`crate::MAX_QUERY_CHARS`] characters (longer is refused before any work).
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        // Counting stops at the bound, so a huge query costs no more than a long one.
        if text.chars().nth(crate::MAX_QUERY_CHARS).is_some() {
            return Err(StoreError::Invalid(format!(
                "a search is at most {} characters long; this one is longer",
                crate::MAX_QUERY_CHARS
            )));
        }
        let q = titles::normalize(text);
        if q.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        Ok(self.search_index()?.search(&q, limit))
    }
}

impl SearchIndex {
    fn build(store: &Store) -> Result<SearchIndex, StoreError> {
        let conn = store.conn();
        let mut series: Vec<Entry> = Vec::new();
        let mut at: HashMap<i64, u32> = HashMap::new();
        {
            let mut st = conn.prepare("SELECT id, slug, title, kind FROM series ORDER BY id")?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                at.insert(id, series.len() as u32);
                let title: String = r.get(2)?;
                series.push(Entry {
                    key: titles::normalize(&title),
                    series: SeriesRef {
                        id,
                        slug: r.get(1)?,
                        title,
                        kind: r.get(3)?,
                    },
                    hours: 0,
                    weeks: 0,
                });
            }
        }
        for sql in [
            "SELECT t.series_id, sum(c.hours), count(*) FROM chart_weeks c JOIN titles t ON t.id = c.title_id
             WHERE t.series_id IS NOT NULL GROUP BY t.series_id",
            "SELECT t.series_id, sum(e.hours), 0 FROM engagement e JOIN titles t ON t.id = e.title_id
             WHERE t.series_id IS NOT NULL GROUP BY t.series_id",
        ] {
            let mut st = conn.prepare(sql)?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                if let Some(&i) = at.get(&r.get::<_, i64>(0)?) {
                    let e = &mut series[i as usize];
                    e.hours = e.hours.saturating_add(r.get::<_, i64>(1)?);
                    e.weeks += r.get::<_, i64>(2)?;
                }
            }
        }
        // Every spelling, once per series: the series' own title, then each stored spelling's
        // show and season titles, each split into its English and native halves.
        let mut spellings: Vec<String> = Vec::new();
        let mut spelling_at: HashMap<String, u32> = HashMap::new();
        let mut keys: BTreeMap<String, Vec<Posting>> = BTreeMap::new();
        let mut seen: std::collections::HashSet<(u32, u32)> = std::collections::HashSet::new();
        let mut add = |series_at: u32, text: &str| {
            let (en, native) = titles::split_native(text);
            // Each half, and each half without its season marker (`오징어 게임: 시즌 2` is also
            // `오징어 게임`), so the native title of a series matches it exactly.
            let bases = [en]
                .into_iter()
                .chain(native)
                .map(titles::split_season_title)
                .filter(|(_, label)| *label != titles::SeasonLabel::Whole)
                .map(|(base, _)| base)
                .collect::<Vec<_>>();
            for part in std::iter::once(en).chain(native).chain(bases) {
                let n = titles::normalize(part);
                if n.is_empty() {
                    continue;
                }
                let sp = *spelling_at.entry(part.to_string()).or_insert_with(|| {
                    spellings.push(part.to_string());
                    spellings.len() as u32 - 1
                });
                if !seen.insert((series_at, sp)) {
                    continue;
                }
                // The whole spelling, and its tail from each later word.
                let starts = std::iter::once(0)
                    .chain(n.match_indices(' ').map(|(i, _)| i + 1))
                    .collect::<Vec<_>>();
                for (k, &i) in starts.iter().enumerate() {
                    let list = keys.entry(n[i..].to_string()).or_default();
                    list.push(Posting {
                        series: series_at,
                        spelling: sp,
                        start: k == 0,
                    });
                }
            }
        };
        for (i, e) in series.iter().enumerate() {
            add(i as u32, &e.series.title);
        }
        {
            // An alias file's spellings are stored spellings linked to the series it names, so
            // they are here too.
            let mut st = conn.prepare(
                "SELECT DISTINCT series_id, show_title, season_title FROM titles WHERE series_id IS NOT NULL",
            )?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let Some(&i) = at.get(&r.get::<_, i64>(0)?) else {
                    continue;
                };
                for s in [r.get::<_, String>(1)?, r.get::<_, String>(2)?] {
                    add(i, &s);
                }
            }
        }
        let mut postings = Vec::with_capacity(keys.len());
        let mut builder = fst::MapBuilder::memory();
        for (k, list) in keys {
            builder
                .insert(k.as_bytes(), postings.len() as u64)
                .map_err(|e| StoreError::Invalid(format!("search index: {e}")))?;
            postings.push(list);
        }
        Ok(SearchIndex {
            keys: builder.into_map(),
            postings,
            spellings,
            series,
        })
    }

    /// The best `limit` series for the normalised query `q`.
    fn search(&self, q: &str, limit: usize) -> Vec<SearchHit> {
        // Per series: its best match and the spelling that made it.
        let mut best: HashMap<u32, (Match, bool, u32)> = HashMap::new();
        let mut note = |p: &Posting, m: Match| {
            let cand = (m, !p.start, p.spelling);
            best.entry(p.series)
                .and_modify(|b| {
                    if (cand.0, cand.1) < (b.0, b.1) {
                        *b = cand;
                    }
                })
                .or_insert(cand);
        };
        let mut stream = self.keys.search(Str::new(q).starts_with()).into_stream();
        while let Some((k, v)) = stream.next() {
            for p in &self.postings[v as usize] {
                let m = match (p.start, k == q.as_bytes()) {
                    (true, true) => Match::Exact,
                    (true, false) => Match::Prefix,
                    (false, _) => Match::Word,
                };
                note(p, m);
            }
        }
        let chars = q.chars().count();
        // Edits allowed by length, as search engines do: none for 1–2 characters, one for 3–5,
        // two beyond.
        let edits: u32 = match chars {
            0..=2 => 0,
            3..=5 => 1,
            _ => 2,
        };
        if edits > 0 && chars <= MAX_FUZZY_CHARS {
            let dfa = automata()[edits as usize - 1].build_dfa(q);
            let mut stream = self.keys.search_with_state(&dfa).into_stream();
            while let Some((_, v, state)) = stream.next() {
                let d = match dfa.distance(state) {
                    Distance::Exact(d) => d,
                    Distance::AtLeast(_) => continue,
                };
                // Distance 0 is the prefix walk's (exact or word) match, found above.
                if d == 0 {
                    continue;
                }
                for p in &self.postings[v as usize] {
                    note(p, Match::Fuzzy(d));
                }
            }
        }
        let mut hits: Vec<(u32, (Match, bool, u32))> = best.into_iter().collect();
        hits.sort_by(|(a, am), (b, bm)| {
            let (ea, eb) = (&self.series[*a as usize], &self.series[*b as usize]);
            (am.0, am.1)
                .cmp(&(bm.0, bm.1))
                .then(eb.hours.cmp(&ea.hours))
                .then(eb.weeks.cmp(&ea.weeks))
                .then_with(|| ea.series.title.cmp(&eb.series.title))
                .then(ea.series.id.cmp(&eb.series.id))
        });
        // A series of unknown kind that bears the title of a series of known kind among the
        // hits is that title seen by a source that could not tell film from TV
        // (`money-heist-the-phenomenon-unknown` beside its `tv` and `film` twins): listed once,
        // as its known kinds.
        let known: std::collections::HashSet<&str> = hits
            .iter()
            .map(|(i, _)| &self.series[*i as usize])
            .filter(|e| e.series.kind != "unknown")
            .map(|e| e.key.as_str())
            .collect();
        let mut out = Vec::new();
        for (i, (m, _, sp)) in hits {
            let e = &self.series[i as usize];
            if e.series.kind == "unknown" && known.contains(e.key.as_str()) {
                continue;
            }
            out.push(SearchHit {
                series: e.series.clone(),
                matched: self.spellings[sp as usize].clone(),
                score: m.score(),
            });
            if out.len() == limit {
                break;
            }
        }
        out
    }
}
