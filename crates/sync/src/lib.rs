//! Stay current and tell people (issue 15).
//!
//! `sync` fetches every source of `sources.toml` with a conditional GET, imports what changed
//! through the import path (`WriteTx::import_data`, `ledger::import_claims_in`) and, in that
//! same transaction, records the **events** the change caused (status changes of followed
//! series, new chart weeks of followed series) with one **outbox** row per follower. `deliver`
//! then sends the outbox: signed POSTs, in order per follower, retried with backoff, parked
//! after a limit. Nothing is applied half: a source whose fetch or import fails leaves the
//! store as it was (its error goes into its state, `greenlight sources`).

pub mod config;
pub mod deliver;
pub mod events;

use config::{Config, Kind, SourceConfig};
use greenlight_news::input::{Fetched, Validators};
use greenlight_store::sync::SourceState;
use greenlight_store::Store;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use config::DEFAULT_SOURCES;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Store(#[from] greenlight_store::StoreError),
    #[error(transparent)]
    Ledger(#[from] greenlight_ledger::LedgerError),
    #[error("{0}")]
    Io(String),
    #[error("{0}")]
    Invalid(String),
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// What one sync did to one source.
#[derive(Debug, Clone, Serialize)]
pub struct SourceOutcome {
    pub name: String,
    /// `imported`, `not_modified` (304), `unchanged` (200, same bytes), `watched` (a page or
    /// feed whose change was noted), `failed`, `skipped` (not due).
    pub outcome: String,
    pub bytes: u64,
    pub error: Option<String>,
    /// What its import did, when it says more than `imported` (a Top 10 stored week by week:
    /// the weeks added and corrected); kept as the source's `last_note`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What one `sync` call did.
#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    pub sources: Vec<SourceOutcome>,
    /// Events recorded by this call, oldest first.
    pub events: Vec<greenlight_store::sync::EventRow>,
    /// The import's own summary of every file it stored.
    pub files: Vec<greenlight_store::import::FileSummary>,
}

/// How a sync runs (tests shorten everything through the config, never with sleeps).
#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    /// Only the sources whose next run is due (the scheduler); else every source.
    pub only_due: bool,
    /// Where fetched bodies are kept (one folder per source); `<db>.sources` when `None`.
    pub staging: Option<PathBuf>,
}

/// A fetched body waiting to be imported.
struct Staged {
    source: SourceConfig,
    path: PathBuf,
    state: SourceState,
}

/// The per-host rate limit: the next moment each host may be asked again.
#[derive(Default)]
struct HostGate {
    next: HashMap<String, Instant>,
}

impl HostGate {
    fn wait(&mut self, url: &str, gap: Duration) {
        let host = host_of(url);
        if let Some(t) = self.next.get(&host) {
            let now = Instant::now();
            if *t > now {
                std::thread::sleep(*t - now);
            }
        }
        self.next.insert(host, Instant::now() + gap);
    }
}

fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    rest.split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Whether an error is worth retrying: the network, a timeout, a 5xx or a 429. A 4xx or a
/// body over the cap will be the same next second.
fn retryable(message: &str) -> bool {
    if message.contains("the server answered ") {
        return message.contains("answered 5") || message.contains("answered 429");
    }
    !message.contains("larger than the") && !message.contains("more than the largest")
}

/// One source fetched with retries (exponential backoff with jitter, bounded by
/// `[fetch] retries`), through the host gate.
fn fetch_with_retries(
    cfg: &Config,
    gate: &mut HostGate,
    url: &str,
    validators: &Validators,
) -> Result<Fetched, String> {
    let limits = cfg.limits();
    let mut attempt = 0;
    loop {
        gate.wait(url, Duration::from_millis(cfg.fetch.host_interval_ms));
        match greenlight_news::input::fetch_conditional(url, &limits, validators) {
            Ok(f) => return Ok(f),
            Err(e) => {
                let m = e.to_string();
                if attempt >= cfg.fetch.retries || !retryable(&m) {
                    return Err(if attempt > 0 {
                        format!("{m} (after {} attempts)", attempt + 1)
                    } else {
                        m
                    });
                }
                std::thread::sleep(config::backoff(
                    cfg.fetch.backoff_ms,
                    cfg.fetch.max_backoff_ms,
                    attempt,
                ));
                attempt += 1;
            }
        }
    }
}

fn hours_ms(h: f64) -> i64 {
    (h * 3_600_000.0) as i64
}

/// The file name a fetched body is kept under: the URL's last path segment when it is a plain
/// name, else the source's name (the importer detects formats from content, but claims files
/// and spreadsheets are told by their extension).
fn staged_name(s: &SourceConfig) -> String {
    let path = s.url.split(['?', '#']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or("");
    if !last.is_empty()
        && last.len() <= 100
        && !last.starts_with('.')
        && last
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        last.to_string()
    } else {
        format!("{}.body", s.name)
    }
}

/// The folder fetched bodies are kept in, beside the store.
pub fn default_staging(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".sources");
    db.with_file_name(name)
}

/// `greenlight sync`: every source (or every due one) fetched, what changed imported with its
/// events in one transaction, then the source states written.
pub fn sync(store: &mut Store, cfg: &Config, opts: &SyncOptions) -> Result<SyncReport, SyncError> {
    store.ensure_sync_schema()?;
    greenlight_ledger::ensure_schema(store)?;
    let staging = opts
        .staging
        .clone()
        .unwrap_or_else(|| default_staging(store.path()));
    let mut gate = HostGate::default();
    let mut outcomes = Vec::new();
    let mut staged = Vec::new();
    let now = now_ms();
    // The listed sources, then the files their pages link to (`link`), each once: a linked
    // source has no `link` of its own, so the list at most doubles.
    let mut work: Vec<SourceConfig> = cfg.sources.clone();
    let mut next = 0;
    while next < work.len() {
        let s = &work[next].clone();
        next += 1;
        let mut state = store.sync_source(&s.name)?.unwrap_or_default();
        if state.url != s.url {
            // A new URL is a new resource: its validators and hash say nothing about it.
            state = SourceState {
                failures: state.failures,
                ..Default::default()
            };
        }
        state.name = s.name.clone();
        state.url = s.url.clone();
        state.kind = s.kind.as_str().into();
        if opts.only_due && state.next_run.is_some_and(|t| t > now) {
            outcomes.push(SourceOutcome {
                name: s.name.clone(),
                outcome: "skipped".into(),
                bytes: 0,
                error: None,
                note: None,
            });
            continue;
        }
        let validators = Validators {
            etag: state.etag.clone(),
            last_modified: state.last_modified.clone(),
        };
        let at = now_ms();
        state.last_attempt = Some(at);
        let interval = hours_ms(s.interval_hours.unwrap_or(cfg.fetch.interval_hours));
        match fetch_with_retries(cfg, &mut gate, &s.url, &validators) {
            Err(e) => {
                fail(store, cfg, &mut state, &e, interval)?;
                outcomes.push(SourceOutcome {
                    name: s.name.clone(),
                    outcome: "failed".into(),
                    bytes: 0,
                    error: Some(e),
                    note: None,
                });
            }
            Ok(Fetched::NotModified) => {
                // The page as it was: its link too, fetched again from where it led last time.
                if s.link.is_some() {
                    if let Some(l) = store.sync_source(&format!("{}.link", s.name))? {
                        work.push(s.linked(l.url));
                    }
                }
                succeed(&mut state, "not_modified", 0, interval);
                store.put_sync_source(&state)?;
                outcomes.push(SourceOutcome {
                    name: s.name.clone(),
                    outcome: "not_modified".into(),
                    bytes: 0,
                    error: None,
                    note: None,
                });
            }
            Ok(Fetched::Body {
                bytes, validators, ..
            }) => {
                let hash = greenlight_store::hash::sha256_hex(&bytes);
                let n = bytes.len() as u64;
                state.etag = validators.etag;
                state.last_modified = validators.last_modified;
                if let Some(end) = &s.link {
                    match link_in(&bytes, &s.url, end) {
                        Some(url) => work.push(s.linked(url)),
                        None => {
                            let e = format!(
                                "{}: no link on the page ends with `{end}`; nothing was followed",
                                s.url
                            );
                            fail(store, cfg, &mut state, &e, interval)?;
                            outcomes.push(SourceOutcome {
                                name: s.name.clone(),
                                outcome: "failed".into(),
                                bytes: n,
                                error: Some(e),
                                note: None,
                            });
                            continue;
                        }
                    }
                }
                if state.sha256.as_deref() == Some(hash.as_str()) || !s.kind.imports() {
                    let what = if state.sha256.as_deref() == Some(hash.as_str()) {
                        "unchanged"
                    } else {
                        "watched"
                    };
                    state.sha256 = Some(hash);
                    succeed(&mut state, what, n, interval);
                    store.put_sync_source(&state)?;
                    outcomes.push(SourceOutcome {
                        name: s.name.clone(),
                        outcome: what.into(),
                        bytes: n,
                        error: None,
                        note: None,
                    });
                    continue;
                }
                let dir = staging.join(&s.name);
                let path = dir.join(staged_name(s));
                if let Err(e) =
                    std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&path, &bytes))
                {
                    let e = format!("{}: {e}", path.display());
                    fail(store, cfg, &mut state, &e, interval)?;
                    outcomes.push(SourceOutcome {
                        name: s.name.clone(),
                        outcome: "failed".into(),
                        bytes: n,
                        error: Some(e),
                        note: None,
                    });
                    continue;
                }
                state.sha256 = Some(hash);
                succeed(&mut state, "imported", n, interval);
                staged.push(Staged {
                    source: s.clone(),
                    path,
                    state,
                });
            }
        }
    }
    let mut events = Vec::new();
    let mut files = Vec::new();
    if staged.is_empty() {
        // Nothing imported: still record what other writes changed and did not reconcile
        // (a writer that died after its commit), so `serve --sync` recovers them each round.
        events.extend(record_events(store, "sync", settle_ms(cfg))?);
    } else {
        // All changed sources in one transaction; if that fails, each alone, so one bad file
        // holds back only itself (and is named in its own state).
        match apply(store, cfg, &staged) {
            Ok((ev, fs)) => {
                events.extend(ev);
                outcomes.extend(staged.iter().map(|s| imported(s, &fs)));
                files.extend(fs);
            }
            Err(first) if staged.len() == 1 => {
                outcomes.push(import_failed(store, cfg, &staged[0], &first)?);
            }
            Err(_) => {
                for one in &staged {
                    match apply(store, cfg, std::slice::from_ref(one)) {
                        Ok((ev, fs)) => {
                            events.extend(ev);
                            outcomes.push(imported(one, &fs));
                            files.extend(fs);
                        }
                        Err(e) => outcomes.push(import_failed(store, cfg, one, &e)?),
                    }
                }
            }
        }
    }
    let order: HashMap<&str, usize> = cfg
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    outcomes.sort_by_key(|o| order.get(o.name.as_str()).copied().unwrap_or(usize::MAX));
    Ok(SyncReport {
        sources: outcomes,
        events,
        files,
    })
}

/// The first link of an HTML page whose URL path ends with `end` (case-insensitively), made
/// absolute against the page's URL. `href` attributes only; `&amp;` decoded; bounded by the
/// page (already size-capped by the fetch).
fn link_in(page: &[u8], base: &str, end: &str) -> Option<String> {
    let text = String::from_utf8_lossy(page);
    let lower = text.to_ascii_lowercase();
    let end = end.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("href") {
        let at = from + i + 4;
        from = at;
        let rest = text[at..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let (quote, rest) = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => (Some(q), &rest[1..]),
            _ => (None, rest),
        };
        let stop = rest
            .find(|c: char| match quote {
                Some(q) => c == q,
                None => c.is_whitespace() || c == '>',
            })
            .unwrap_or(rest.len());
        let href = rest[..stop].trim().replace("&amp;", "&");
        let href = href.split('#').next().unwrap_or("").to_string();
        let path = href.split(['?', '#']).next().unwrap_or("");
        if !path.to_ascii_lowercase().ends_with(&end) {
            continue;
        }
        return Some(absolute(base, &href));
    }
    None
}

/// `href` against the page's URL `base`: absolute, scheme-relative, root-relative or relative.
fn absolute(base: &str, href: &str) -> String {
    let lower = href.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return href.to_string();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("https", base));
    if let Some(h) = href.strip_prefix("//") {
        return format!("{scheme}://{h}");
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if href.starts_with('/') {
        return format!("{scheme}://{host}{href}");
    }
    let path = rest[host.len()..].split(['?', '#']).next().unwrap_or("");
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    let dir = if dir.is_empty() { "/" } else { dir };
    format!("{scheme}://{host}{dir}{href}")
}

/// A staged body the import refused: its source's state says so, and keeps no validators or
/// hash of that body, so the next sync fetches it whole and tries again.
fn import_failed(
    store: &Store,
    cfg: &Config,
    one: &Staged,
    e: &SyncError,
) -> Result<SourceOutcome, SyncError> {
    let mut state = one.state.clone();
    state.etag = None;
    state.last_modified = None;
    state.sha256 = store.sync_source(&one.source.name)?.and_then(|s| s.sha256);
    let interval = hours_ms(
        one.source
            .interval_hours
            .unwrap_or(cfg.fetch.interval_hours),
    );
    let msg = format!("import failed; nothing was changed: {e}");
    fail(store, cfg, &mut state, &msg, interval)?;
    Ok(SourceOutcome {
        name: one.source.name.clone(),
        outcome: "failed".into(),
        bytes: one.state.bytes.unwrap_or(0) as u64,
        error: Some(msg),
        note: None,
    })
}

fn imported(s: &Staged, files: &[greenlight_store::import::FileSummary]) -> SourceOutcome {
    SourceOutcome {
        name: s.source.name.clone(),
        outcome: "imported".into(),
        bytes: s.state.bytes.unwrap_or(0) as u64,
        error: None,
        note: note_of(s, files),
    }
}

/// The import's note on a staged body's file (a Top 10 stored week by week).
fn note_of(s: &Staged, files: &[greenlight_store::import::FileSummary]) -> Option<String> {
    let path = s.path.display().to_string();
    files.iter().find(|f| f.file == path).and_then(|f| f.note())
}

fn succeed(state: &mut SourceState, outcome: &str, bytes: u64, interval_ms: i64) {
    let now = now_ms();
    state.last_success = Some(now);
    state.last_outcome = Some(outcome.into());
    state.last_error = None;
    state.last_note = None;
    state.failures = 0;
    state.bytes = Some(bytes as i64);
    state.next_run = Some(now + interval_ms);
}

/// A failed sync of one source: the error kept, the next try backed off (doubling from
/// `failure_backoff_hours`, never later than the source's interval).
fn fail(
    store: &Store,
    cfg: &Config,
    state: &mut SourceState,
    error: &str,
    interval_ms: i64,
) -> Result<(), SyncError> {
    let now = now_ms();
    state.last_outcome = Some("failed".into());
    state.last_error = Some(error.chars().take(2000).collect());
    state.failures = state.failures.saturating_add(1);
    let wait = (hours_ms(cfg.fetch.failure_backoff_hours) as f64
        * 2f64.powi((state.failures - 1).clamp(0, 30) as i32)) as i64;
    state.next_run = Some(now + wait.min(interval_ms));
    store.put_sync_source(state)?;
    Ok(())
}

fn news(e: greenlight_news::NewsError) -> SyncError {
    SyncError::Invalid(e.to_string())
}

/// The changed sources imported in one transaction, with the events they caused and their
/// states: all of it commits, or none.
fn apply(
    store: &mut Store,
    cfg: &Config,
    staged: &[Staged],
) -> Result<
    (
        Vec<greenlight_store::sync::EventRow>,
        Vec<greenlight_store::import::FileSummary>,
    ),
    SyncError,
> {
    let data: Vec<PathBuf> = staged
        .iter()
        .filter(|s| s.source.kind == Kind::Data)
        .map(|s| s.path.clone())
        .collect();
    let claims = staged
        .iter()
        .filter(|s| s.source.kind == Kind::Claims)
        .map(|s| greenlight_ledger::ClaimsFile::read(&s.path))
        .collect::<Result<Vec<_>, _>>()?;
    let declared: Vec<String> = claims
        .iter()
        .flat_map(|c| c.declared().iter().cloned())
        .collect();
    // Feeds: every item read and its claims extracted before the transaction (a feed that
    // cannot be read fails its source, naming the item), committed inside it.
    let feeds: Vec<&Staged> = staged
        .iter()
        .filter(|s| s.source.kind == Kind::Feed)
        .collect();
    let mut articles = Vec::new();
    let outlets = if feeds.is_empty() {
        None
    } else {
        let dict = greenlight_news::Dictionary::from_store(store).map_err(news)?;
        for f in &feeds {
            let bytes = std::fs::read(&f.path)
                .map_err(|e| SyncError::Io(format!("{}: {e}", f.path.display())))?;
            for article in greenlight_news::input::articles_from_bytes(
                &bytes,
                Some(&f.source.url),
                None,
                &f.source.url,
                &cfg.limits(),
            )
            .map_err(news)?
            {
                articles.push(greenlight_news::ArticleClaims {
                    claims: greenlight_news::extract(&article, &dict),
                    article,
                });
            }
        }
        Some(greenlight_news::Outlets::load(None).map_err(news)?)
    };
    let source_names: Vec<&str> = staged.iter().map(|s| s.source.name.as_str()).collect();
    let mut w = if data.is_empty() {
        store.begin()?
    } else {
        store.begin_bulk()?
    };
    // Inside the transaction, before the import: a follow stored before baselines existed
    // gets one of the state before this change, so the change is reported.
    events::ensure_baselines(w.store())?;
    let mut files = Vec::new();
    if !data.is_empty() {
        let opts = greenlight_store::import::ImportOptions::default();
        files = w.import_data(&data, &[], &opts, &declared)?.files;
    }
    greenlight_ledger::import_claims_in(&mut w, claims)?;
    w.ensure_resolved()?;
    if let Some(outlets) = &outlets {
        greenlight_news::commit::commit_in(&w, &articles, outlets).map_err(news)?;
    }
    let s = w.store();
    let recorded = events::reconcile(s, &source_names.join(","), settle_ms(cfg))?;
    for st in staged {
        let mut state = st.state.clone();
        state.last_note = note_of(st, &files);
        s.put_sync_source(&state)?;
    }
    w.commit()?;
    // The kept board follows the committed change (readers would derive the stale rows
    // themselves; refreshing here spares the first readers that work). A failure is not the
    // sync's: the board heals on the next read.
    let _ = greenlight_report::tracker::refresh_if_kept(store);
    Ok((recorded, files))
}

/// The settle window of `cfg`, in milliseconds.
pub fn settle_ms(cfg: &Config) -> i64 {
    (cfg.delivery.settle_secs as i64).saturating_mul(1000)
}

/// After any write's commit (`import`, `claim add`, `read --commit`, `POST /api/v1/claims`, a
/// committed check): the events it caused, their outbox rows and the followed series' new
/// baselines, recorded in one transaction (`events::reconcile`). `source` names the write.
/// Should the process die before this runs, nothing is lost: the baselines still hold the old
/// state, and the next reconcile (any later write, `greenlight sync`, each `serve --sync`
/// round) records the change. Nothing to do in a store nobody follows anything in.
pub fn record_events(
    store: &mut Store,
    source: &str,
    settle_ms: i64,
) -> Result<Vec<greenlight_store::sync::EventRow>, SyncError> {
    if !store.has_sync_schema()? || store.followed_series()?.is_empty() {
        return Ok(Vec::new());
    }
    store.ensure_sync_schema()?;
    let w = store.begin()?;
    let recorded = events::reconcile(w.store(), source, settle_ms)?;
    w.commit()?;
    Ok(recorded)
}

/// [`record_events`] for a write path outside the sync (CLI, web): the settle window of the
/// sources file (`$GREENLIGHT_SOURCES`, else ./sources.toml, else the built-in one), and a
/// failure reported, not raised: the write itself is committed, and the next reconcile
/// records what this one could not.
pub fn record_events_after_write(
    store: &mut Store,
    source: &str,
) -> Vec<greenlight_store::sync::EventRow> {
    let cfg = config::Config::load_default();
    let settle = cfg
        .as_ref()
        .map(settle_ms)
        .unwrap_or_else(|_| (config::DeliveryConfig::default().settle_secs as i64) * 1000);
    match record_events(store, source, settle) {
        Ok(v) => v,
        Err(e) => {
            eprintln!(
                "greenlight: warning: the events of this write were not recorded yet ({e}); the next sync or write records them"
            );
            Vec::new()
        }
    }
}

/// The largest webhook URL and secret accepted.
pub const MAX_URL_BYTES: usize = 2048;
pub const MAX_SECRET_BYTES: usize = 256;

/// Follows a series (any spelling or its slug) with a webhook for `events` (every kind when
/// empty); the same follow again updates its secret, kinds and allowance. Returns the follow
/// as listed. `allow_private` lets its deliveries reach a loopback, private or link-local
/// address (a receiver on this machine or network: `follow --allow-private`, the tests');
/// without it each delivery resolves the host and refuses such an address (`deliver`).
pub fn follow(
    store: &mut Store,
    series: &str,
    url: &str,
    secret: Option<&str>,
    events: &[String],
    allow_private: bool,
) -> Result<greenlight_store::sync::FollowRow, SyncError> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) || url.len() > MAX_URL_BYTES
    {
        return Err(SyncError::Invalid(format!(
            "webhook `{}`: not an http(s) URL of at most {MAX_URL_BYTES} bytes",
            url.chars().take(100).collect::<String>()
        )));
    }
    if secret.is_some_and(|s| s.is_empty() || s.len() > MAX_SECRET_BYTES) {
        return Err(SyncError::Invalid(format!(
            "secret: 1..={MAX_SECRET_BYTES} bytes"
        )));
    }
    for e in events {
        if !events::KINDS.contains(&e.as_str()) {
            return Err(SyncError::Invalid(format!(
                "event kind `{e}` is not one of {}",
                events::KINDS.join(", ")
            )));
        }
    }
    let s = store.series(series)?;
    store.ensure_sync_schema()?;
    // A series nobody followed gets a fresh baseline: its followers hear of changes from now.
    let new_series = !store.followed_series()?.contains(&s.slug);
    let kinds = if events.is_empty() {
        "*".to_string()
    } else {
        events.join(",")
    };
    let id = {
        let w = store.begin()?;
        let id = w
            .store()
            .put_follow(&s.slug, url, secret, &kinds, now_ms(), allow_private)?;
        if new_series {
            events::take_baseline(w.store(), &s.slug)?;
        }
        w.commit()?;
        id
    };
    store
        .follows()?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or_else(|| SyncError::Invalid("the follow just stored is missing".into()))
}

/// Stops following a series (one webhook, or all of its follows); returns how many went.
pub fn unfollow(store: &mut Store, series: &str, url: Option<&str>) -> Result<usize, SyncError> {
    if !store.has_sync_schema()? {
        return Ok(0);
    }
    let slug = store.series(series)?.slug;
    Ok(store.remove_follow(&slug, url)?)
}

/// `serve --sync`'s worker: forever, sync the due sources and send the due deliveries, then
/// sleep `[delivery] poll_ms`. Each round opens the store afresh (its own connection), and an
/// error is reported on stderr and retried next round, never ending the server.
pub fn run_forever(db: PathBuf, cfg: Config, quiet: bool) -> ! {
    loop {
        let round = || -> Result<(SyncReport, deliver::DeliverReport), SyncError> {
            let mut store = Store::open(&db)?;
            let r = sync(
                &mut store,
                &cfg,
                &SyncOptions {
                    only_due: true,
                    staging: None,
                },
            )?;
            let d = deliver::deliver_due(&store, &cfg)?;
            Ok((r, d))
        };
        match round() {
            Ok((r, d)) if !quiet => {
                let fetched = r.sources.iter().filter(|s| s.outcome != "skipped").count();
                if fetched > 0 || d.delivered + d.failed + d.parked > 0 {
                    eprintln!(
                        "greenlight: sync: {fetched} source(s) fetched, {} event(s); {} delivered, {} to retry, {} parked",
                        r.events.len(),
                        d.delivered,
                        d.failed,
                        d.parked
                    );
                }
            }
            Ok(_) => {}
            Err(e) => eprintln!("greenlight: sync: {e}"),
        }
        std::thread::sleep(Duration::from_millis(cfg.delivery.poll_ms.max(10)));
    }
}

#[cfg(test)]
mod link_tests {
    use super::*;

    #[test]
    fn the_first_link_ending_so_is_made_absolute() {
        let page = br#"<a href="/a.pdf">x</a> <A HREF='files/Report%202025.XLSX?dl=1'>r</A> <a href="/b.xlsx">"#;
        assert_eq!(
            link_in(page, "https://ex.org/news/page?x=1", ".xlsx").as_deref(),
            Some("https://ex.org/news/files/Report%202025.XLSX?dl=1")
        );
        assert_eq!(
            link_in(br#"<a href=/r.xlsx>"#, "http://h:8/p", ".xlsx").as_deref(),
            Some("http://h:8/r.xlsx")
        );
        assert_eq!(
            link_in(br#"<a href="//cdn.ex/r.xlsx">"#, "https://ex.org/", ".xlsx").as_deref(),
            Some("https://cdn.ex/r.xlsx")
        );
        assert_eq!(
            link_in(
                br#"<a href="https://o.ex/a/r.xlsx#top">"#,
                "https://ex.org/",
                ".xlsx"
            )
            .as_deref(),
            Some("https://o.ex/a/r.xlsx")
        );
        assert_eq!(
            link_in(b"<p>no links; href</p>", "https://ex.org/", ".xlsx"),
            None
        );
    }
}
