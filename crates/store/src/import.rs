//! Importing source files: parse (in parallel), then store every file of the call in the call's
//! one transaction and re-resolve. A bad file anywhere in the call changes nothing.

use crate::batch::{self, bind_all};
use crate::manifest::{self, Manifest};
use crate::published::{Precision, Published, PublishedFrom};
use crate::{resolve, Store, StoreError, WriteTx};
use chrono::NaiveDate;
use greenlight_sources::{EngagementKind, Format, Parsed};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// How to import.
#[derive(Default)]
pub struct ImportOptions<'a> {
    /// Force a format instead of detecting it from content.
    pub format: Option<Format>,
    /// Called as each file is parsed and as each is stored, for progress display.
    pub progress: Option<&'a (dyn Fn(ImportProgress) + Sync)>,
    /// Let a newer snapshot with fewer rows than the stored one replace it. Off by default: a
    /// partial or truncated "newer" file must not silently drop the data it lacks.
    pub allow_shrink: bool,
    /// The manifest that dates the call's files, instead of the `MANIFEST.toml` at the root of
    /// each imported folder.
    pub manifest: Option<PathBuf>,
    /// The day a file is dated when neither a manifest nor its content dates it; today (UTC)
    /// when `None`. Tests fix it.
    pub import_day: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub enum ImportProgress {
    /// Total number of files found.
    Files(usize),
    Parsed(PathBuf),
    Stored(PathBuf),
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ImportOutcome {
    /// A new dataset.
    Imported,
    /// A same-or-newer snapshot replaced the stored one.
    Replaced { previous_as_of: String },
    /// Byte-identical to what is stored.
    Unchanged,
    /// Byte-identical to what is stored, but its manifest dates it differently: only its
    /// publication date (and, for content without dates, its `as_of`) changed.
    Redated {
        previous_published: Option<String>,
        previous_precision: Precision,
    },
    /// Older than the stored snapshot; nothing changed.
    SkippedOlder { stored_as_of: String },
}

#[derive(Debug, Clone, Serialize)]
pub struct FileSummary {
    pub file: String,
    pub format: String,
    pub dataset: String,
    pub as_of: String,
    pub rows: usize,
    /// When the dataset became public (`None` when each row carries its own date), as stored
    /// after the call.
    pub published: Option<String>,
    pub published_precision: Precision,
    /// Where that date came from: `manifest`, `content`, `import_day` (nothing else dated the
    /// file), or `stored` (an unchanged file keeps the date it was stored with).
    pub published_from: PublishedFrom,
    #[serde(flatten)]
    pub outcome: ImportOutcome,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub files: Vec<FileSummary>,
    pub series: usize,
    pub seasons: usize,
    pub unresolved: usize,
}

struct ParsedFile {
    path: PathBuf,
    format: Format,
    hash: String,
    parsed: Parsed,
    /// The dataset the file belongs to and its `as_of`: the latest date its content speaks of
    /// or, for content without dates, its publication date.
    dataset: (String, NaiveDate),
    /// Whether the content gave `as_of` (else the publication date did).
    content_dated: bool,
    published: Published,
    published_from: PublishedFrom,
    titles: FileTitles,
}

/// What dates a call's files: its manifests and the import day.
struct Dating<'a> {
    manifests: &'a [Manifest],
    import_day: NaiveDate,
}

/// One source spelling of a title, as `titles` stores it.
struct Spelling {
    source: &'static str,
    show: String,
    season: String,
    kind: &'static str,
    hint: String,
}

/// The lookup key of `(source, show, season, kind, hint)`: each part length-prefixed, so no two
/// spellings collide.
fn spelling_key(parts: [&str; 5]) -> String {
    let mut k = String::new();
    spelling_key_into(&mut k, parts);
    k
}

/// [`spelling_key`] written into a reused buffer.
fn spelling_key_into(k: &mut String, parts: [&str; 5]) {
    use std::fmt::Write;
    k.clear();
    k.reserve(parts.iter().map(|p| p.len() + 4).sum());
    for part in parts {
        let _ = write!(k, "{}:", part.len());
        k.push_str(part);
    }
}

/// A file's distinct spellings and, per row, the one it names. Worked out in the parse worker so
/// the single-threaded store step only looks up each distinct spelling once.
#[derive(Default)]
struct FileTitles {
    distinct: Vec<(String, Spelling)>,
    per_row: Vec<u32>,
}

/// Extensions a folder walk takes as data (or alias) files; the format itself comes from content.
const DATA_EXTENSIONS: [&str; 3] = ["tsv", "csv", "xlsx"];
/// Extensions a folder walk offers as claims files (the ledger decides from content).
const CLAIMS_EXTENSIONS: [&str; 2] = ["toml", "json"];

/// A file one import call names: given on the command line, or found below a folder given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundFile {
    pub path: PathBuf,
    /// Found by walking a folder (only data extensions and `.toml`/`.json` are), rather than
    /// named explicitly (taken whatever its name, since the format comes from content).
    pub walked: bool,
}

impl FoundFile {
    /// Whether a walk took it for its data extension (`.tsv`, `.csv`, `.xlsx`).
    pub fn has_data_extension(&self) -> bool {
        has_extension(&self.path, &DATA_EXTENSIONS)
    }
}

fn has_extension(path: &Path, exts: &[&str]) -> bool {
    path.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| exts.iter().any(|e| x.eq_ignore_ascii_case(e)))
}

/// Everything one import call names: the files (sorted within each folder), and the manifests
/// that date them: `manifest` when given, else the `MANIFEST.toml` at the root of each folder.
/// A manifest is never one of the files. Manifests are read and checked here, before anything
/// is written.
pub fn find_call_files(
    paths: &[PathBuf],
    manifest: Option<&Path>,
) -> Result<(Vec<FoundFile>, Vec<Manifest>), StoreError> {
    let mut out = Vec::new();
    let mut manifests = Vec::new();
    if let Some(m) = manifest {
        manifests.push(Manifest::read(m)?);
    }
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| greenlight_sources::SourceError::io(p, e))?;
        if meta.is_dir() {
            let root = p.join(manifest::FILE_NAME);
            if manifest.is_none() && root.is_file() {
                manifests.push(Manifest::read(&root)?);
            }
            walk(p, &mut out)?;
        } else if manifest::is_manifest_name(p) {
            return Err(StoreError::Invalid(format!(
                "{}: a manifest dates the files of its folder and is not imported itself; import the folder, or name it with --manifest",
                p.display()
            )));
        } else {
            out.push(FoundFile {
                path: p.clone(),
                walked: false,
            });
        }
    }
    Ok((out, manifests))
}

/// Files below `paths` that look like data (`.tsv`, `.csv`, `.xlsx`), sorted; explicit file
/// paths are taken whatever their name, since the format comes from content.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, StoreError> {
    let (found, _) = find_call_files(paths, None)?;
    Ok(found
        .into_iter()
        .filter(|f| !f.walked || f.has_data_extension())
        .map(|f| f.path)
        .collect())
}

fn walk(dir: &Path, out: &mut Vec<FoundFile>) -> Result<(), StoreError> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| greenlight_sources::SourceError::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for e in entries {
        if e.is_dir() {
            walk(&e, out)?;
        } else if !manifest::is_manifest_name(&e)
            && (has_extension(&e, &DATA_EXTENSIONS) || has_extension(&e, &CLAIMS_EXTENSIONS))
        {
            out.push(FoundFile {
                path: e,
                walked: true,
            });
        }
    }
    Ok(())
}

fn fnv1a(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

fn parse_one(
    path: &Path,
    format: Option<Format>,
    dating: &Dating,
) -> Result<ParsedFile, StoreError> {
    let bytes = std::fs::read(path).map_err(|e| greenlight_sources::SourceError::io(path, e))?;
    let format = match format {
        Some(f) => f,
        None => greenlight_sources::detect(path, &bytes)?,
    };
    let mut parsed = greenlight_sources::read_as(path, &bytes, format)?;
    check_unique(path, &parsed)?;
    // Credits are stored clustered by title (migration 5); written in key order they append.
    if let Parsed::JustWatchCredits(rows) = &mut parsed {
        rows.sort_unstable_by(|a, b| (&a.title_id, a.line).cmp(&(&b.title_id, b.line)));
    }
    let ft = file_titles(&parsed);
    let (key, content_as_of) = dataset_of(&parsed);
    let (published, published_from) = match dating.manifests.iter().find_map(|m| m.lookup(path)) {
        Some(p) => (p, PublishedFrom::Manifest),
        None => match content_published(&parsed, content_as_of) {
            Some(p) => (p, PublishedFrom::Content),
            // Public by the day it was imported, at the latest. A file's mtime is no date: a copy
            // made today says nothing about when its data came out.
            None => (
                Published::on(dating.import_day, Precision::AtLatest),
                PublishedFrom::ImportDay,
            ),
        },
    };
    let as_of = content_as_of
        .or(published.date)
        .unwrap_or(dating.import_day);
    Ok(ParsedFile {
        path: path.to_path_buf(),
        format,
        hash: fnv1a(&bytes),
        dataset: (key, as_of),
        content_dated: content_as_of.is_some(),
        published,
        published_from,
        titles: ft,
        parsed,
    })
}

/// The dataset a file belongs to and the latest date its content speaks of (`None` for content
/// without dates: JustWatch, most-popular).
fn dataset_of(parsed: &Parsed) -> (String, Option<NaiveDate>) {
    let max = |it: &mut dyn Iterator<Item = NaiveDate>| it.max();
    match parsed {
        Parsed::Top10(rows) => ("top10-global".into(), max(&mut rows.iter().map(|r| r.week))),
        Parsed::Countries(rows) => (
            "top10-countries".into(),
            max(&mut rows.iter().map(|r| r.week)),
        ),
        Parsed::MostPopular(_) => ("most-popular".into(), None),
        Parsed::Engagement(r) => (
            format!("engagement-{}", r.period),
            crate::published::period_end(&r.period),
        ),
        Parsed::Tmdb(rows) => (
            "tmdb-status".into(),
            max(&mut rows
                .iter()
                .flat_map(|r| [r.first_air_date, r.last_air_date])
                .flatten()),
        ),
        Parsed::JustWatchTitles(_) => ("justwatch-titles".into(), None),
        Parsed::JustWatchCredits(_) => ("justwatch-credits".into(), None),
        Parsed::RegionFinance(r) => (
            format!("finance-{}", r.metric),
            max(&mut r
                .figures
                .iter()
                .filter_map(|f| NaiveDate::from_ymd_opt(f.year, 12, 31))),
        ),
    }
}

/// A file's publication as its content tells it, when no manifest does (`None`: it doesn't).
/// Charts and finance figures carry a date per row (the rules in `store::published`); an
/// engagement report is dated by its period; a TMDB snapshot was taken on or after the latest air
/// date it lists.
fn content_published(parsed: &Parsed, content_as_of: Option<NaiveDate>) -> Option<Published> {
    match parsed {
        Parsed::Top10(_) | Parsed::Countries(_) | Parsed::RegionFinance(_) => {
            Some(Published::PER_ROW)
        }
        Parsed::Engagement(r) => crate::published::engagement_report_published(&r.period),
        Parsed::Tmdb(_) => content_as_of.map(|d| Published::on(d, Precision::AtEarliest)),
        Parsed::MostPopular(_) | Parsed::JustWatchTitles(_) | Parsed::JustWatchCredits(_) => None,
    }
}

impl Store {
    /// Imports every data file below `paths` (dated by the folders' manifests) in one
    /// transaction, then re-resolves titles.
    pub fn import_paths(
        &mut self,
        paths: &[PathBuf],
        opts: &ImportOptions,
    ) -> Result<ImportSummary, StoreError> {
        let (found, manifests) = find_call_files(paths, opts.manifest.as_deref())?;
        let files: Vec<PathBuf> = found
            .into_iter()
            .filter(|f| !f.walked || f.has_data_extension())
            .map(|f| f.path)
            .collect();
        if files.is_empty() {
            return Err(StoreError::Invalid(format!(
                "no data files (.tsv, .csv, .xlsx) found in {}",
                paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let mut w = self.begin_bulk()?;
        let summary = w.import_data(&files, &manifests, opts, &[])?;
        w.commit()?;
        Ok(summary)
    }
}

impl WriteTx<'_> {
    /// Imports data files into this transaction: parse them all, decide each one's fate, store
    /// the new ones and re-resolve (the bulk path, ARCHITECTURE.md). `manifests` date them.
    /// `declared` are series titles the call's claims files declare: any that no spelling of the
    /// store or of these files could name is added as a `ledger` spelling before resolution, so
    /// declaring them afterwards costs no second resolution. Nothing is committed here.
    pub fn import_data(
        &mut self,
        files: &[PathBuf],
        manifests: &[Manifest],
        opts: &ImportOptions,
        declared: &[String],
    ) -> Result<ImportSummary, StoreError> {
        if let Some(cb) = opts.progress {
            cb(ImportProgress::Files(files.len()));
        }
        let mut phases = crate::timing::Phases::new();
        let dating = Dating {
            manifests,
            import_day: opts
                .import_day
                .unwrap_or_else(|| chrono::Utc::now().date_naive()),
        };
        let tx = self.tx()?;
        let parsed = parse_all(files, opts, &dating)?;
        phases.mark("parse");
        let (summary, resolved) = store_parsed(tx, &parsed, opts, &mut phases, declared)?;
        if resolved {
            self.mark_resolved();
        }
        Ok(summary)
    }
}

/// The rest of an import once every file is parsed: decide each file's fate, store the new ones,
/// resolve and index. Returns the summary and whether resolution ran (it doesn't when nothing
/// new was stored).
fn store_parsed(
    tx: &Transaction<'_>,
    parsed: &[ParsedFile],
    opts: &ImportOptions,
    phases: &mut crate::timing::Phases,
    declared: &[String],
) -> Result<(ImportSummary, bool), StoreError> {
    // Of several snapshots of one dataset in the same call only the newest is stored; the
    // others are reported as older, exactly as if they had been imported first.
    let datasets: Vec<&(String, NaiveDate)> = parsed.iter().map(|f| &f.dataset).collect();
    let mut newest: HashMap<&str, usize> = HashMap::new();
    for (i, (key, as_of)) in datasets.iter().enumerate() {
        match newest.get(key.as_str()) {
            Some(&j) if datasets[j].1 >= *as_of => {}
            _ => {
                newest.insert(key, i);
            }
        }
    }
    let mut summaries = Vec::new();
    // Files to store, in file order, with the dataset each replaces.
    let mut to_store: Vec<(&ParsedFile, Option<i64>)> = Vec::new();
    for (i, f) in parsed.iter().enumerate() {
        let (key, _) = &datasets[i];
        if newest.get(key.as_str()) != Some(&i) {
            let kept = &datasets[newest[key.as_str()]];
            summaries.push(summary_of(
                f,
                ImportOutcome::SkippedOlder {
                    stored_as_of: kept.1.to_string(),
                },
            ));
            if let Some(cb) = opts.progress {
                cb(ImportProgress::Stored(f.path.clone()));
            }
            continue;
        }
        let (summary, decision) = decide(opts.allow_shrink, tx, f, datasets[i])?;
        match decision {
            Decision::Store { replaces } => to_store.push((f, replaces)),
            Decision::Redate => apply_redate(tx, f)?,
            Decision::Keep => {}
        }
        if !matches!(decision, Decision::Store { .. }) {
            if let Some(cb) = opts.progress {
                cb(ImportProgress::Stored(f.path.clone()));
            }
        }
        summaries.push(summary);
    }
    // Nothing new (every file unchanged or older): the raw rows are exactly as they were, so
    // nothing has been dropped or written but a new publication date; skip rebuilding indexes and
    // re-resolving.
    if to_store.is_empty() {
        let c = counts(tx)?;
        return Ok((
            ImportSummary {
                files: summaries,
                series: c.series,
                seasons: c.seasons,
                unresolved: c.unresolved,
            },
            false,
        ));
    }
    // Secondary indexes are dropped for the bulk work and rebuilt once at the end: a sorted index
    // build is much cheaper than keeping B-trees ordered row by row. DDL is transactional in
    // SQLite, so a failure still leaves the store as it was.
    let indexes = drop_secondary_indexes(tx)?;
    // Dataset rows in file order, so dataset ids are deterministic.
    let mut stores: Vec<(&ParsedFile, i64)> = Vec::with_capacity(to_store.len());
    for (f, replaces) in &to_store {
        stores.push((f, apply_store(tx, f, *replaces)?));
    }
    let to_store = stores;
    // Spellings no longer referenced by any row (a replaced snapshot's) must not linger; the
    // ones the new files use again are interned afresh below. Only a replacement can orphan
    // one, and the scan costs a pass over every raw table.
    if summaries
        .iter()
        .any(|f| matches!(f.outcome, ImportOutcome::Replaced { .. }))
    {
        tx.execute_batch(
                "DELETE FROM unresolved;
                 DELETE FROM titles WHERE source != 'ledger'
                   AND id NOT IN (SELECT title_id FROM chart_weeks) AND id NOT IN (SELECT title_id FROM country_weeks)
                   AND id NOT IN (SELECT title_id FROM most_popular) AND id NOT IN (SELECT title_id FROM engagement)
                   AND id NOT IN (SELECT title_id FROM tmdb_shows) AND id NOT IN (SELECT title_id FROM jw_titles);",
            )?;
    }
    phases.mark("plan");
    // Every spelling the store will hold is known before a row is written, so resolution (pure
    // computation) runs on another core while this one inserts the raw rows, and new spellings
    // are written once, already linked.
    let stored = resolve::load_titles(tx)?;
    let aliases = resolve::load_aliases(tx)?;
    let mut dates = resolve::load_dates(tx)?;
    phases.mark("load");
    let (titles, resolution) = std::thread::scope(
        |s| -> Result<(Vec<resolve::TitleRow>, resolve::Resolution), StoreError> {
            let (ids_out, ids_in) = std::sync::mpsc::channel::<Vec<i64>>();
            let (files, aliases) = (&to_store, &aliases);
            let job = s.spawn(move || {
                let t = std::time::Instant::now();
                let mut titles = stored;
                let mut interner = TitleInterner::new(&titles);
                // Each titled file's ids go to the main thread as soon as they are known, so
                // its rows go in while later files are interned. If the main thread has gone
                // (an insert failed and dropped the receiver), nothing is left to do.
                for (f, _) in files.iter().filter(|(f, _)| !f.titles.per_row.is_empty()) {
                    let ids = interner.ids(&f.titles, &mut titles);
                    resolve::add_dates(&mut dates, &f.parsed, &ids);
                    if ids_out.send(ids).is_err() {
                        return None;
                    }
                }
                drop(ids_out);
                interner.declare(declared, &mut titles, aliases);
                let r = resolve::resolve(&titles, aliases, &dates);
                crate::timing::report(format_args!("interning and resolution thread"), t.elapsed());
                Some((titles, r))
            });
            let store_one = |f: &ParsedFile, ds: i64, ids: &[i64]| {
                let t = std::time::Instant::now();
                store_rows(tx, f, ds, ids)?;
                crate::timing::report(format_args!("stored {} in", f.path.display()), t.elapsed());
                if let Some(cb) = opts.progress {
                    cb(ImportProgress::Stored(f.path.clone()));
                }
                Ok::<(), StoreError>(())
            };
            let inserted = (|| {
                // Files that name no title go in while the other thread interns spellings.
                for (f, ds) in &to_store {
                    if f.titles.per_row.is_empty() {
                        store_one(f, *ds, &[])?;
                    }
                }
                for (f, ds) in &to_store {
                    if !f.titles.per_row.is_empty() {
                        let ids = ids_in.recv().map_err(|_| {
                            StoreError::Invalid("title interning failed unexpectedly".into())
                        })?;
                        store_one(f, *ds, &ids)?;
                    }
                }
                phases.mark("raw inserts");
                // The raw tables are complete: index them while resolution finishes.
                rebuild_indexes(tx, &indexes, true)?;
                phases.mark("raw indexes");
                Ok::<(), StoreError>(())
            })();
            // Always join (a scope re-raises an unjoined thread's panic); a panic in there
            // becomes an error here, and the transaction rolls back.
            drop(ids_in);
            let joined = job.join();
            inserted?;
            joined
                .ok()
                .flatten()
                .ok_or_else(|| StoreError::Invalid("title resolution failed unexpectedly".into()))
        },
    )?;
    phases.mark("rows");
    let counts = resolve::write(tx, &resolution, &titles)?;
    phases.mark("links");
    rebuild_indexes(tx, &indexes, false)?;
    phases.mark("indexes");
    Ok((
        ImportSummary {
            files: summaries,
            series: counts.series,
            seasons: counts.seasons,
            unresolved: counts.unresolved,
        },
        true,
    ))
}

/// Series, seasons and unresolved spellings as stored.
fn counts(conn: &rusqlite::Connection) -> Result<resolve::ResolveCounts, StoreError> {
    Ok(conn.query_row(
        "SELECT (SELECT count(*) FROM series), (SELECT count(*) FROM seasons), (SELECT count(*) FROM unresolved)",
        [],
        |r| {
            Ok(resolve::ResolveCounts {
                series: r.get::<_, i64>(0)? as usize,
                seasons: r.get::<_, i64>(1)? as usize,
                unresolved: r.get::<_, i64>(2)? as usize,
            })
        },
    )?)
}

impl Store {
    /// Series, seasons and unresolved spellings as stored now.
    pub fn counts(&self) -> Result<resolve::ResolveCounts, StoreError> {
        counts(self.conn())
    }
}

impl Store {
    /// Registers a TV series the ledger knows of, so claims can refer to it before (or without)
    /// any data import. Idempotent.
    pub fn declare_series(&mut self, title: &str) -> Result<crate::SeriesRef, StoreError> {
        let title = title.trim();
        if title.is_empty() {
            return Err(StoreError::Invalid("a series title cannot be empty".into()));
        }
        let mut w = self.begin()?;
        w.add_ledger_spelling(title)?;
        w.commit()?;
        self.series(title)
    }

    /// Re-runs resolution (after the alias table changed).
    pub fn reresolve(&mut self) -> Result<resolve::ResolveCounts, StoreError> {
        let tx = self.conn_mut().transaction()?;
        let c = resolve::rebuild(&tx)?;
        tx.commit()?;
        Ok(c)
    }
}

/// Inserts a file's rows, naming the file in any error.
fn store_rows(tx: &Transaction, f: &ParsedFile, ds: i64, ids: &[i64]) -> Result<(), StoreError> {
    insert_rows(tx, ds, &f.parsed, ids).map_err(|e| match e {
        StoreError::Invalid(m) => StoreError::Invalid(format!("{}, {m}", f.path.display())),
        e => e,
    })
}

/// Parses every file on all cores, returning them in file order.
fn parse_all(
    files: &[PathBuf],
    opts: &ImportOptions,
    dating: &Dating,
) -> Result<Vec<ParsedFile>, StoreError> {
    // Files are independent: parse them on all cores, costliest first so the tail is short. A
    // workbook's bytes are zipped XML and cost about three times a delimited file's (measured on
    // the real data with the XLSX reader in greenlight-sources); the extension only weighs the
    // schedule, it never decides the format.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| {
        let len = std::fs::metadata(&files[i]).map(|m| m.len()).unwrap_or(0);
        let zipped = files[i]
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
        std::cmp::Reverse(if zipped { len * 3 } else { len })
    });
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(order.len())
        .max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<Result<ParsedFile, StoreError>>>> =
        files.iter().map(|_| std::sync::Mutex::new(None)).collect();
    let parse = |i: usize| {
        let t = std::time::Instant::now();
        let r = parse_one(&files[i], opts.format, dating);
        crate::timing::report(
            format_args!("parsed {} in", files[i].display()),
            t.elapsed(),
        );
        if let Some(cb) = opts.progress {
            cb(ImportProgress::Parsed(files[i].clone()));
        }
        r
    };
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(&i) = order.get(k) else { break };
                let r = parse(i);
                if let Ok(mut slot) = results[i].lock() {
                    *slot = Some(r);
                }
            });
        }
    });
    let mut out = Vec::with_capacity(files.len());
    for (i, slot) in results.into_iter().enumerate() {
        match slot.into_inner().ok().flatten() {
            Some(r) => out.push(r?),
            None => {
                return Err(StoreError::Invalid(format!(
                    "{}: parser did not finish",
                    files[i].display()
                )))
            }
        }
    }
    Ok(out)
}

/// Gives each spelling its title id, appending spellings not stored yet to the title list with
/// the next free ids (in file and row order, so ids are deterministic).
struct TitleInterner {
    ids: foldhash::HashMap<String, i64>,
    next: i64,
}

impl TitleInterner {
    fn new(stored: &[resolve::TitleRow]) -> Self {
        let mut ids = foldhash::HashMap::default();
        ids.reserve(stored.len() * 2);
        for r in stored {
            ids.insert(
                spelling_key([&r.source, &r.show, &r.season, &r.kind, &r.hint]),
                r.id,
            );
        }
        TitleInterner {
            ids,
            next: stored.iter().map(|r| r.id).max().unwrap_or(0) + 1,
        }
    }

    /// The title id of every row of a file that names a title, in row order.
    fn ids(&mut self, file: &FileTitles, titles: &mut Vec<resolve::TitleRow>) -> Vec<i64> {
        let local: Vec<i64> = file
            .distinct
            .iter()
            .map(|(key, sp)| {
                if let Some(&id) = self.ids.get(key) {
                    return id;
                }
                let id = self.next;
                self.next += 1;
                self.ids.insert(key.clone(), id);
                titles.push(resolve::TitleRow {
                    id,
                    source: sp.source.to_string(),
                    show: sp.show.clone(),
                    season: sp.season.clone(),
                    kind: sp.kind.to_string(),
                    hint: sp.hint.clone(),
                    stored: None,
                });
                id
            })
            .collect();
        file.per_row.iter().map(|&k| local[k as usize]).collect()
    }
}

impl TitleInterner {
    /// Adds a `ledger` spelling for each title a claims file of the call declares that no
    /// spelling (stored, coming in, or an alias target) could name once resolved, with the next
    /// free ids, so the call's one resolution covers it. A spelling "could name" the title when
    /// the title's normal form is that spelling's, or one of its prefixes cut at a space or colon
    /// (where a series base ends: `Barbarians II`, `Squid Game: Season 2`, `Archer (2009)`): a
    /// superset of what resolution can group, so a title the data has is never declared here.
    /// Those left out are declared by the ledger after resolution, if the store turns out not to
    /// have them after all; either way a declared title ends up exactly as if the data had been
    /// imported first and the claims after.
    fn declare(
        &mut self,
        declared: &[String],
        titles: &mut Vec<resolve::TitleRow>,
        aliases: &foldhash::HashMap<String, (String, Option<String>)>,
    ) {
        use greenlight_sources::titles as t;
        let mut pending: Vec<(String, &str)> = Vec::new();
        for title in declared {
            let title = title.trim();
            let key = t::normalize(t::split_native(title).0);
            if key.is_empty()
                || self
                    .ids
                    .contains_key(&spelling_key(["ledger", title, "", "tv", ""]))
                || pending.iter().any(|(k, _)| *k == key)
            {
                continue;
            }
            pending.push((key, title));
        }
        if pending.is_empty() {
            return;
        }
        let mut open: foldhash::HashSet<String> = pending.iter().map(|(k, _)| k.clone()).collect();
        let could_name = |text: &str, open: &mut foldhash::HashSet<String>| {
            if text.is_empty() {
                return;
            }
            let english = t::split_native(text).0;
            t::for_each_normalized_prefix(english, |_, prefix| {
                open.remove(prefix);
            });
            open.remove(&t::normalize(english));
        };
        for r in titles.iter() {
            could_name(&r.show, &mut open);
            could_name(&r.season, &mut open);
            if open.is_empty() {
                return;
            }
        }
        for (spelling, (series, _)) in aliases {
            open.remove(spelling);
            // `Title (film)` / `Title (tv)` in an alias names `Title`.
            let series = match series.rsplit_once(" (") {
                Some((base, "film)" | "tv)")) => base,
                _ => series.as_str(),
            };
            could_name(series, &mut open);
        }
        for (key, title) in pending {
            if !open.contains(&key) {
                continue;
            }
            let id = self.next;
            self.next += 1;
            self.ids
                .insert(spelling_key(["ledger", title, "", "tv", ""]), id);
            titles.push(resolve::TitleRow {
                id,
                source: "ledger".into(),
                show: title.to_string(),
                season: String::new(),
                kind: "tv".into(),
                hint: String::new(),
                stored: None,
            });
        }
    }
}

/// The distinct spellings of a file's rows, in order of first appearance.
fn file_titles(parsed: &Parsed) -> FileTitles {
    /// Looks each row's spelling up by a key built in one reused buffer, so the many rows that
    /// repeat a spelling (every week of a season, every country) allocate nothing.
    struct Collect {
        out: FileTitles,
        seen: foldhash::HashMap<String, u32>,
        key: String,
    }
    impl Collect {
        fn add(
            &mut self,
            source: &'static str,
            show: &str,
            season: &str,
            kind: &'static str,
            hint: &str,
        ) {
            spelling_key_into(&mut self.key, [source, show, season, kind, hint]);
            let k = match self.seen.get(self.key.as_str()) {
                Some(&k) => k,
                None => {
                    let k = self.out.distinct.len() as u32;
                    self.seen.insert(self.key.clone(), k);
                    let sp = Spelling {
                        source,
                        show: show.to_string(),
                        season: season.to_string(),
                        kind,
                        hint: hint.to_string(),
                    };
                    self.out.distinct.push((self.key.clone(), sp));
                    k
                }
            };
            self.out.per_row.push(k);
        }
    }
    let mut c = Collect {
        out: FileTitles::default(),
        seen: foldhash::HashMap::default(),
        key: String::new(),
    };
    c.out.per_row.reserve(parsed.len());
    match parsed {
        Parsed::Top10(rows) => rows.iter().for_each(|r| {
            let season = r.season_title.as_deref().unwrap_or_default();
            c.add("top10", &r.show_title, season, chart_kind(&r.category), "")
        }),
        Parsed::Countries(rows) => rows.iter().for_each(|r| {
            let season = r.season_title.as_deref().unwrap_or_default();
            c.add("top10", &r.show_title, season, chart_kind(&r.category), "")
        }),
        Parsed::MostPopular(rows) => rows.iter().for_each(|r| {
            let season = r.season_title.as_deref().unwrap_or_default();
            c.add("top10", &r.show_title, season, chart_kind(&r.category), "")
        }),
        Parsed::Engagement(report) => report.rows.iter().for_each(|r| {
            let kind = match r.kind {
                Some(EngagementKind::Tv) => "tv",
                Some(EngagementKind::Film) => "film",
                None => "unknown",
            };
            c.add("engagement", "", &r.title, kind, "")
        }),
        Parsed::Tmdb(rows) => rows.iter().for_each(|r| {
            let year = r
                .first_air_date
                .map(|d| chrono::Datelike::year(&d).to_string())
                .unwrap_or_default();
            c.add("tmdb", &r.name, "", "tv", &year)
        }),
        Parsed::JustWatchTitles(rows) => rows.iter().for_each(|r| {
            let kind = if r.kind == "SHOW" { "tv" } else { "film" };
            let year = r.release_year.map(|y| y.to_string()).unwrap_or_default();
            c.add("justwatch", &r.title, "", kind, &year)
        }),
        Parsed::RegionFinance(_) | Parsed::JustWatchCredits(_) => {}
    }
    c.out
}

fn chart_kind(category: &str) -> &'static str {
    if category.starts_with("TV") {
        "tv"
    } else {
        "film"
    }
}

/// What to do with one file, decided before anything is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    /// Store its rows as a new dataset, deleting the one it `replaces` first.
    Store { replaces: Option<i64> },
    /// Unchanged rows, but its manifest gives a new publication date: update only that.
    Redate,
    /// Nothing to write.
    Keep,
}

/// A file's summary with the publication date it brings (the one stored, once it is).
fn summary_of(f: &ParsedFile, outcome: ImportOutcome) -> FileSummary {
    FileSummary {
        file: f.path.display().to_string(),
        format: f.format.name().to_string(),
        dataset: f.dataset.0.clone(),
        as_of: f.dataset.1.to_string(),
        rows: f.parsed.len(),
        published: f.published.date.map(|d| d.to_string()),
        published_precision: f.published.precision,
        published_from: f.published_from,
        outcome,
    }
}

/// Decides what happens to one file, writing nothing: the summary, and what to write.
fn decide(
    allow_shrink: bool,
    tx: &Transaction,
    f: &ParsedFile,
    dataset: &(String, NaiveDate),
) -> Result<(FileSummary, Decision), StoreError> {
    let (key, as_of) = (dataset.0.as_str(), dataset.1);
    let as_of_s = as_of.to_string();
    #[allow(clippy::type_complexity)]
    let existing: Option<(i64, String, String, i64, Option<String>, String)> = tx
        .query_row(
            "SELECT id, as_of, content_hash, rows, published, published_precision FROM datasets WHERE key = ?1",
            [key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .optional()?;
    let summary = |outcome| summary_of(f, outcome);
    let Some((id, stored, hash, rows, published, precision)) = existing else {
        return Ok((
            summary(ImportOutcome::Imported),
            Decision::Store { replaces: None },
        ));
    };
    if hash == f.hash {
        let stored_precision = Precision::from_name(&precision).ok_or_else(|| {
            StoreError::Invalid(format!(
                "dataset {key}: stored publication precision `{precision}` is unknown"
            ))
        })?;
        let new_published = f.published.date.map(|d| d.to_string());
        // Only a manifest redates a stored file: a fallback (the import day) would only move a
        // date already known later.
        let redate = f.published_from == PublishedFrom::Manifest
            && (published != new_published || stored_precision != f.published.precision);
        if redate {
            return Ok((
                summary(ImportOutcome::Redated {
                    previous_published: published,
                    previous_precision: stored_precision,
                }),
                Decision::Redate,
            ));
        }
        let mut s = summary(ImportOutcome::Unchanged);
        s.as_of = stored;
        s.published = published;
        s.published_precision = stored_precision;
        if f.published_from != PublishedFrom::Manifest {
            s.published_from = PublishedFrom::Stored;
        }
        return Ok((s, Decision::Keep));
    }
    if stored > as_of_s {
        return Ok((
            summary(ImportOutcome::SkippedOlder {
                stored_as_of: stored,
            }),
            Decision::Keep,
        ));
    }
    if (f.parsed.len() as i64) < rows && !allow_shrink {
        return Err(StoreError::Invalid(format!(
            "{}: this snapshot of {key} (as of {as_of_s}) has {} rows, fewer than the {rows} stored \
             (as of {stored}); replacing would drop data, so nothing was changed. If the smaller \
             file is right, import it with --replace",
            f.path.display(),
            f.parsed.len()
        )));
    }
    Ok((
        summary(ImportOutcome::Replaced {
            previous_as_of: stored,
        }),
        Decision::Store { replaces: Some(id) },
    ))
}

/// Writes a file's dataset row (deleting the dataset it replaces first) and returns its id.
fn apply_store(tx: &Transaction, f: &ParsedFile, replaces: Option<i64>) -> Result<i64, StoreError> {
    if let Some(id) = replaces {
        delete_dataset(tx, id)?;
    }
    let file_name = f
        .path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    tx.execute(
        "INSERT INTO datasets (key, format, publisher, file_name, path, as_of, content_hash, rows, imported_at, published, published_precision)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, datetime('now'), ?9, ?10)",
        params![
            f.dataset.0,
            f.format.name(),
            f.format.publisher(),
            file_name,
            f.path.display().to_string(),
            f.dataset.1.to_string(),
            f.hash,
            f.parsed.len() as i64,
            f.published.date.map(|d| d.to_string()),
            f.published.precision.name()
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Updates an unchanged file's publication date (and, when its content has no date, the
/// `as_of` that follows it).
fn apply_redate(tx: &Transaction, f: &ParsedFile) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE datasets SET published = ?2, published_precision = ?3,
                as_of = CASE WHEN ?4 THEN as_of ELSE ?5 END
         WHERE key = ?1",
        params![
            f.dataset.0,
            f.published.date.map(|d| d.to_string()),
            f.published.precision.name(),
            f.content_dated,
            f.dataset.1.to_string()
        ],
    )?;
    Ok(())
}

fn delete_dataset(tx: &Transaction, id: i64) -> Result<(), StoreError> {
    for table in crate::schema::RAW_TABLES {
        tx.execute(&format!("DELETE FROM {table} WHERE dataset_id = ?1"), [id])?;
    }
    tx.execute("DELETE FROM datasets WHERE id = ?1", [id])?;
    Ok(())
}

/// A date bound as `YYYY-MM-DD` text (what chrono's `Display` writes for years 0..=9999) without
/// the formatting machinery and a `String` per row: the raw tables hold about 100k dates.
enum Day {
    Text([u8; 10]),
    /// Years outside 0..=9999, written as chrono writes them (`+10000-01-01`).
    Other(String),
}

impl Day {
    fn of(date: NaiveDate) -> Day {
        use chrono::Datelike;
        let y = date.year();
        if !(0..=9999).contains(&y) {
            return Day::Other(date.to_string());
        }
        let digits = |n: u32, out: &mut [u8]| {
            let mut n = n;
            for b in out.iter_mut().rev() {
                *b = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        let mut text = *b"0000-00-00";
        digits(y.unsigned_abs(), &mut text[0..4]);
        digits(date.month(), &mut text[5..7]);
        digits(date.day(), &mut text[8..10]);
        Day::Text(text)
    }
}

impl rusqlite::ToSql for Day {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Day::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t)),
            Day::Other(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
}

fn insert_rows(tx: &Transaction, ds: i64, parsed: &Parsed, ids: &[i64]) -> Result<(), StoreError> {
    let titled = !matches!(
        parsed,
        Parsed::RegionFinance(_) | Parsed::JustWatchCredits(_)
    );
    if titled && ids.len() != parsed.len() {
        return Err(StoreError::Invalid(format!(
            "{} rows but {} title ids (an internal error; nothing was stored)",
            parsed.len(),
            ids.len()
        )));
    }
    match parsed {
        Parsed::Top10(rows) => batch::insert(
            tx,
            "chart_weeks",
            &[
                "dataset_id",
                "line",
                "week",
                "category",
                "rank",
                "title_id",
                "hours",
                "runtime",
                "views",
                "cumulative_weeks",
            ],
            rows,
            &mut |st, p, i, r| bind_all!(st, p; ds, r.line as i64, Day::of(r.week), &r.category, r.rank, ids[i], r.hours, r.runtime, r.views, r.cumulative_weeks),
        ),
        Parsed::Countries(rows) => batch::insert(
            tx,
            "country_weeks",
            &[
                "dataset_id",
                "line",
                "country_iso2",
                "country_name",
                "week",
                "category",
                "rank",
                "title_id",
                "cumulative_weeks",
            ],
            rows,
            &mut |st, p, i, r| bind_all!(st, p; ds, r.line as i64, &r.country_iso2, &r.country_name, Day::of(r.week), &r.category, r.rank, ids[i], r.cumulative_weeks),
        ),
        Parsed::MostPopular(rows) => batch::insert(
            tx,
            "most_popular",
            &[
                "dataset_id",
                "line",
                "category",
                "rank",
                "title_id",
                "hours_first_91_days",
                "runtime",
                "views_first_91_days",
            ],
            rows,
            &mut |st, p, i, r| bind_all!(st, p; ds, r.line as i64, &r.category, r.rank, ids[i], r.hours_first_91_days, r.runtime, r.views_first_91_days),
        ),
        Parsed::Engagement(report) => batch::insert(
            tx,
            "engagement",
            &[
                "dataset_id",
                "report",
                "sheet",
                "row",
                "title_id",
                "available_globally",
                "release_date",
                "hours",
                "runtime_minutes",
                "views",
            ],
            &report.rows,
            &mut |st, p, i, r| bind_all!(st, p; ds, &report.period, &r.sheet, r.row as i64, ids[i], r.available_globally, r.release_date.map(Day::of), r.hours, r.runtime_minutes, r.views),
        ),
        Parsed::Tmdb(rows) => batch::insert(
            tx,
            "tmdb_shows",
            &[
                "dataset_id",
                "line",
                "title_id",
                "name",
                "number_of_seasons",
                "vote_count",
                "vote_average",
                "popularity",
                "network",
                "first_air_date",
                "last_air_date",
                "status",
                "renewed",
                "show_duration_days",
            ],
            rows,
            &mut |st, p, i, r| {
                bind_all!(st, p; ds, r.line as i64, ids[i], &r.name, r.number_of_seasons, r.vote_count, r.vote_average, r.popularity, &r.network,
                    r.first_air_date.map(Day::of), r.last_air_date.map(Day::of), &r.status, r.renewed, r.show_duration_days)
            },
        ),
        Parsed::JustWatchTitles(rows) => batch::insert(
            tx,
            "jw_titles",
            &[
                "id",
                "dataset_id",
                "line",
                "title_id",
                "title",
                "kind",
                "release_year",
                "age_certification",
                "runtime_minutes",
                "genres",
                "production_countries",
                "seasons",
                "imdb_id",
                "imdb_score",
                "imdb_votes",
                "tmdb_popularity",
                "tmdb_score",
            ],
            rows,
            &mut |st, p, i, r| {
                bind_all!(st, p; &r.id, ds, r.line as i64, ids[i], &r.title, &r.kind, r.release_year, &r.age_certification, r.runtime_minutes,
                    serde_json::to_string(&r.genres).unwrap_or_default(),
                    serde_json::to_string(&r.production_countries).unwrap_or_default(),
                    r.seasons, &r.imdb_id, r.imdb_score, r.imdb_votes.map(|v| v as i64), r.tmdb_popularity, r.tmdb_score)
            },
        ),
        Parsed::RegionFinance(r) => batch::insert(
            tx,
            "region_finance",
            &["dataset_id", "line", "metric", "year", "region", "value"],
            &r.figures,
            &mut |st, p, _, f| bind_all!(st, p; ds, f.line as i64, &r.metric, f.year, &f.region, f.value),
        ),
        Parsed::JustWatchCredits(rows) => batch::insert(
            tx,
            "jw_credits",
            &[
                "dataset_id",
                "line",
                "person_id",
                "jw_title_id",
                "name",
                "character",
                "role",
            ],
            rows,
            &mut |st, p, _, r| bind_all!(st, p; ds, r.line as i64, r.person_id, &r.title_id, &r.name, &r.character, &r.role),
        ),
    }
}

/// Drops every explicitly created index (not the implicit ones behind UNIQUE) and returns the
/// statements that recreate them.
fn drop_secondary_indexes(tx: &Transaction) -> Result<Vec<(String, String)>, StoreError> {
    let found: Vec<(String, String, String)> = tx
        .prepare(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (name, _, _) in &found {
        tx.execute_batch(&format!("DROP INDEX \"{name}\""))?;
    }
    Ok(found
        .into_iter()
        .map(|(_, table, sql)| (table, sql))
        .collect())
}

/// Recreates the dropped indexes of the raw tables (`raw`) or of all the others, once their rows
/// are in.
fn rebuild_indexes(
    tx: &Transaction,
    indexes: &[(String, String)],
    raw: bool,
) -> Result<(), StoreError> {
    for (table, sql) in indexes {
        if crate::schema::RAW_TABLES.contains(&table.as_str()) == raw {
            tx.execute_batch(sql)?;
        }
    }
    Ok(())
}

/// A row stated twice in one file (same week, list and rank) is refused before anything is
/// decided about the file, so even a snapshot that would be skipped as older is reported as bad.
fn check_unique(path: &Path, parsed: &Parsed) -> Result<(), StoreError> {
    use std::collections::hash_map::Entry;
    fn first_dup<K: std::hash::Hash + Eq>(
        keys: impl Iterator<Item = (K, usize)>,
    ) -> Option<(usize, usize)> {
        let mut seen: foldhash::HashMap<K, usize> = foldhash::HashMap::default();
        for (k, line) in keys {
            match seen.entry(k) {
                Entry::Occupied(e) => return Some((*e.get(), line)),
                Entry::Vacant(e) => {
                    e.insert(line);
                }
            }
        }
        None
    }
    let dup = match parsed {
        Parsed::Top10(rows) => first_dup(
            rows.iter()
                .map(|r| ((r.week, r.category.as_str(), r.rank), r.line)),
        ),
        Parsed::Countries(rows) => first_dup(rows.iter().map(|r| {
            (
                (r.country_iso2.as_str(), r.week, r.category.as_str(), r.rank),
                r.line,
            )
        })),
        Parsed::MostPopular(rows) => {
            first_dup(rows.iter().map(|r| ((r.category.as_str(), r.rank), r.line)))
        }
        Parsed::JustWatchTitles(rows) => first_dup(rows.iter().map(|r| (r.id.as_str(), r.line))),
        Parsed::RegionFinance(r) => first_dup(
            r.figures
                .iter()
                .map(|x| ((x.year, x.region.as_str()), x.line)),
        ),
        Parsed::Engagement(_) | Parsed::Tmdb(_) | Parsed::JustWatchCredits(_) => None,
    };
    match dup {
        Some((first, again)) => Err(StoreError::Invalid(format!(
            "{}, line {again}: repeats the row of line {first} (same key)",
            path.display()
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::ToSql;

    /// `Day` must bind exactly the text chrono writes, for every day the data can hold.
    #[test]
    fn day_binds_what_chrono_writes() {
        let text = |d: &Day| match d.to_sql().unwrap() {
            rusqlite::types::ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(t)) => {
                String::from_utf8(t.to_vec()).unwrap()
            }
            other => panic!("unexpected {other:?}"),
        };
        let mut d = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
        let end = NaiveDate::from_ymd_opt(2101, 1, 1).unwrap();
        let mut n = 0;
        while d < end {
            assert_eq!(text(&Day::of(d)), d.to_string());
            d = d.succ_opt().unwrap();
            n += 1;
        }
        assert!(n > 73_000);
        for (y, m, dd) in [
            (0, 1, 1),
            (9, 2, 3),
            (999, 12, 31),
            (9999, 12, 31),
            (10000, 1, 1),
            (-1, 6, 15),
        ] {
            let d = NaiveDate::from_ymd_opt(y, m, dd).unwrap();
            assert_eq!(text(&Day::of(d)), d.to_string(), "{y}");
        }
    }
}
