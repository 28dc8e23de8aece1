//! Importing source files: parse (in parallel), then store every file of the call in the call's
//! one transaction and re-resolve. A bad file anywhere in the call changes nothing.
//!
//! The phases, one module each: `plan` finds a call's files and decides each parsed file's
//! fate (writing nothing); `parse` reads them on all cores; `intern` gives their spellings
//! `titles` ids; `bulk` writes datasets and raw rows (into the tables each format's
//! descriptor, `greenlight_sources::SPECS`, names) and rebuilds the indexes. This module runs
//! them in order ([`WriteTx::import_data`]).

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

mod append;
mod bulk;
mod intern;
mod parse;
mod plan;

pub use append::Appended;
use bulk::*;
use intern::*;
use parse::*;
use plan::*;
pub use plan::{expand_paths, find_call_files, FoundFile};

/// How to import.
#[derive(Default)]
pub struct ImportOptions<'a> {
    /// Force a format instead of detecting it from content.
    pub format: Option<Format>,
    /// Called as each file is parsed and as each is stored, for progress display.
    pub progress: Option<&'a (dyn Fn(ImportProgress) + Sync)>,
    /// Let a newer snapshot with fewer rows than the stored one replace it. Off by default: a
    /// partial or truncated "newer" file must not silently drop the data it lacks. On, a
    /// re-published Top 10 replaces its dataset whole (no week-wise store, `append`).
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
    /// A re-published weekly chart stored week by week: only the weeks it adds and the weeks
    /// it corrects were written; every other stored row was left as it was (`append`).
    Appended {
        previous_as_of: String,
        #[serde(flatten)]
        weeks: Appended,
    },
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

impl FileSummary {
    /// What a week-wise store of it did, in one line (`None` for every other outcome).
    pub fn note(&self) -> Option<String> {
        match &self.outcome {
            ImportOutcome::Appended { weeks, .. } => Some(weeks.describe()),
            _ => None,
        }
    }
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
        let tx = self.tx()?;
        let legacy_hashes = tx.query_row(
            &format!("SELECT EXISTS (SELECT 1 FROM datasets WHERE {LEGACY_HASH_SQL})"),
            [],
            |r| r.get(0),
        )?;
        let dating = Dating {
            manifests,
            import_day: opts
                .import_day
                .unwrap_or_else(|| chrono::Utc::now().date_naive()),
            legacy_hashes,
        };
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
/// resolve and index. Returns the summary and whether resolution ran (it doesn't when nothing new was stored).
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
        upgrade_legacy_hash(tx, f)?;
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
    // One re-published chart alone: stored week by week when it can be (`append`).
    // `--replace` (allow_shrink) asks for the whole dataset to be replaced: no week-wise path.
    if let ([(f, Some(id))], false) = (&to_store[..], opts.allow_shrink) {
        let (f, id) = (*f, *id);
        if let Some(weeks) = append::try_append(tx, f, id, declared)? {
            let resolved = weeks.resolved;
            for s in summaries
                .iter_mut()
                .filter(|s| s.file == f.path.display().to_string())
            {
                if let ImportOutcome::Replaced { previous_as_of } = &s.outcome {
                    s.outcome = ImportOutcome::Appended {
                        previous_as_of: previous_as_of.clone(),
                        weeks: weeks.clone(),
                    };
                }
            }
            if let Some(cb) = opts.progress {
                cb(ImportProgress::Stored(f.path.clone()));
            }
            let c = counts(tx)?;
            return Ok((
                ImportSummary {
                    files: summaries,
                    series: c.series,
                    seasons: c.seasons,
                    unresolved: c.unresolved,
                },
                resolved,
            ));
        }
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
        // Every raw table whose rows name a title, as the format descriptors list them.
        let mut titled: Vec<&str> = greenlight_sources::SPECS
            .iter()
            .filter(|s| s.columns.contains(&"title_id"))
            .map(|s| s.table)
            .collect();
        titled.sort_unstable();
        titled.dedup();
        let unused: String = titled
            .iter()
            .map(|t| format!(" AND id NOT IN (SELECT title_id FROM {t})"))
            .collect();
        tx.execute_batch(&format!(
            "DELETE FROM unresolved;
             DELETE FROM titles WHERE source != 'ledger'{unused};"
        ))?;
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
