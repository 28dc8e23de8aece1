//! Planning a call: which files it names, and what happens to each parsed file (new,
//! replacing, unchanged, redated, older), decided before anything is written.

use super::*;

/// Extensions a folder walk takes as data (or alias) files; the format itself comes from content.
pub(super) const DATA_EXTENSIONS: [&str; 3] = ["tsv", "csv", "xlsx"];
/// Extensions a folder walk offers as claims files (the ledger decides from content).
pub(super) const CLAIMS_EXTENSIONS: [&str; 2] = ["toml", "json"];

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

pub(super) fn has_extension(path: &Path, exts: &[&str]) -> bool {
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

pub(super) fn walk(dir: &Path, out: &mut Vec<FoundFile>) -> Result<(), StoreError> {
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

/// What to do with one file, decided before anything is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Decision {
    /// Store its rows as a new dataset, deleting the one it `replaces` first.
    Store { replaces: Option<i64> },
    /// Unchanged rows, but its manifest gives a new publication date: update only that.
    Redate,
    /// Nothing to write.
    Keep,
}

/// A file's summary with the publication date it brings (the one stored, once it is).
pub(super) fn summary_of(f: &ParsedFile, outcome: ImportOutcome) -> FileSummary {
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
pub(super) fn decide(
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

/// A store written before SHA-256 holds each file's [`legacy_hash`]. When `f` is byte-identical
/// to the stored snapshot of its dataset (same legacy hash), its stored hash becomes the SHA-256
/// one, so the file is then decided unchanged as in any store, and later calls need no legacy
/// hashes. Nothing else is touched; a file that differs leaves the row as it was.
pub(super) fn upgrade_legacy_hash(tx: &Transaction, f: &ParsedFile) -> Result<(), StoreError> {
    if let Some(legacy) = &f.legacy_hash {
        tx.execute(
            &format!(
                "UPDATE datasets SET content_hash = ?1 WHERE key = ?2 AND content_hash = ?3 AND {LEGACY_HASH_SQL}"
            ),
            params![f.hash, f.dataset.0, legacy],
        )?;
    }
    Ok(())
}
