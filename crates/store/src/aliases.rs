//! User alias files: what resolution can't decide, a person decides. A TSV with the header
//! `spelling<TAB>series<TAB>season` (season may be empty): every source spelling equal (after
//! normalisation) to `spelling` resolves to `series`, and to `season` when given.

use crate::{Store, StoreError, WriteTx};
use greenlight_sources::titles;
use rusqlite::params;
use std::path::Path;

const HEADER: &str = "spelling\tseries\tseason";

/// Whether `path` starts with the alias header (content, not name, decides). Anything but a
/// regular file is not opened (opening a FIFO blocks); the data reader then refuses it.
pub fn looks_like_alias_file(path: &Path) -> bool {
    greenlight_sources::limits::head(path, 64).is_some_and(|b| b.starts_with(HEADER.as_bytes()))
}

/// One alias: every spelling equal (after normalisation) to `spelling` resolves to `series`, and
/// to `season` when given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    pub spelling: String,
    pub series: String,
    pub season: Option<String>,
    /// The 1-based line of the file it was read from, for errors found once the data is in.
    pub line: usize,
}

/// An alias file read and checked, not yet written: the aliases and the file name they are
/// kept under (a later file of the same name replaces them).
#[derive(Debug, Clone)]
pub struct AliasFile {
    pub path: std::path::PathBuf,
    pub aliases: Vec<Alias>,
}

impl AliasFile {
    /// Reads an alias file, refusing it whole (with its line and column) if any line is bad.
    /// Never touches the store, so an import call reads every alias file before it writes.
    pub fn read(path: &Path) -> Result<AliasFile, StoreError> {
        let text = crate::read_text(path, greenlight_sources::limits::FileKind::Alias)?;
        let text = text.as_str();
        let mut rows = Vec::new();
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            if n == 1 {
                if line.trim_end() != HEADER {
                    return Err(StoreError::Invalid(format!(
                        "{}, line 1: expected header `{HEADER}`",
                        path.display()
                    )));
                }
                continue;
            }
            if line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 2 || f.len() > 3 {
                return Err(StoreError::Invalid(format!(
                    "{}, line {n}: expected 2 or 3 tab-separated fields, found {}",
                    path.display(),
                    f.len()
                )));
            }
            let (spelling, series) = (f[0].trim(), f[1].trim());
            if spelling.is_empty() {
                return Err(StoreError::Invalid(format!(
                    "{}, line {n}, column `spelling`: empty",
                    path.display()
                )));
            }
            if series.is_empty() {
                return Err(StoreError::Invalid(format!(
                    "{}, line {n}, column `series`: empty",
                    path.display()
                )));
            }
            let season = f
                .get(2)
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            if let Some(season) = &season {
                check_season(season).map_err(|why| {
                    StoreError::Invalid(format!(
                        "{}, line {n}, column `season`: {season:?} is not a season ({why})",
                        path.display()
                    ))
                })?;
            }
            // Resolution looks an alias up by the spelling's normal form, so two lines whose
            // spellings normalise alike are the same alias stated twice: the last would win
            // silently, and the count would say two.
            let key = spelling_key(spelling);
            if let Some(&first) = seen.get(&key) {
                return Err(StoreError::Invalid(format!(
                    "{}, line {n}, column `spelling`: {spelling:?} is already aliased on line {first}; list a spelling once",
                    path.display()
                )));
            }
            seen.insert(key, n);
            rows.push(Alias {
                spelling: spelling.to_string(),
                series: series.to_string(),
                season,
                line: n,
            });
        }
        Ok(AliasFile {
            path: path.to_path_buf(),
            aliases: rows,
        })
    }

    fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// The normal form resolution looks a spelling up by (its English part, normalised).
fn spelling_key(spelling: &str) -> String {
    titles::normalize(titles::split_native(spelling).0)
}

/// A season as an alias may give it: a number 1..=999 or a label resolution knows (`Season 2`,
/// `Limited Series`, `Part 2`, …). Anything else (`banana`) used to become a season of its own.
fn check_season(season: &str) -> Result<(), String> {
    if let Ok(n) = season.parse::<u64>() {
        return if (1..=u64::from(titles::MAX_SEASON)).contains(&n) {
            Ok(())
        } else {
            Err(format!("a season number is 1..={}", titles::MAX_SEASON))
        };
    }
    match titles::parse_marker(season) {
        Some(_) => Ok(()),
        None => {
            Err("expected a number or a label like `Season 2`, `Part 2`, `Limited Series`".into())
        }
    }
}

impl WriteTx<'_> {
    /// Refuses an alias whose series the store does not have: after resolution (with the
    /// call's data in), the series it names must hold a spelling no alias of `files` moved
    /// there. Otherwise the alias alone made the series: a typo (`Strangr Things`) silently
    /// created one and moved `Stranger Things 3` into it. The error names the file, line and
    /// column. Resolution runs first if anything is stale.
    pub fn check_aliases(&mut self, files: &[AliasFile]) -> Result<(), StoreError> {
        if files.iter().all(|f| f.aliases.is_empty()) {
            return Ok(());
        }
        self.ensure_resolved()?;
        let aliased: std::collections::HashSet<String> = files
            .iter()
            .flat_map(|f| f.aliases.iter().map(|a| spelling_key(&a.spelling)))
            .collect();
        let tx = self.tx()?;
        let mut st = tx.prepare_cached(
            "SELECT t.show_title, t.season_title FROM titles t JOIN series se ON se.id = t.series_id
             WHERE se.match_key = ?1 AND (?2 IS NULL OR se.kind = ?2)",
        )?;
        for file in files {
            for a in &file.aliases {
                let (base, kind) = match a.series.rsplit_once(" (") {
                    Some((t, "film)")) => (t, Some("film")),
                    Some((t, "tv)")) => (t, Some("tv")),
                    _ => (a.series.as_str(), None),
                };
                let rows = st.query_map(params![titles::normalize(base), kind], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })?;
                // The series exists apart from the aliases when one of its spellings is no
                // alias's, or names it by itself (its own series part is the target: the
                // catalogue's `Title` when an alias sends an unknown-kind `Title` to
                // `Title (film)`).
                let target = titles::normalize(base);
                let mut exists = false;
                for row in rows {
                    let (show, season) = row?;
                    let own = if show.is_empty() {
                        titles::parse_season_title(titles::split_native(&season).0).base
                    } else {
                        show.clone()
                    };
                    let spelling = if season.is_empty() { show } else { season };
                    if !aliased.contains(&spelling_key(&spelling))
                        || titles::normalize(titles::split_native(&own).0) == target
                    {
                        exists = true;
                        break;
                    }
                }
                if !exists {
                    return Err(StoreError::Invalid(format!(
                        "{}, line {}, column `series`: no series {:?} in the store (an alias must name a series its data already has, as `greenlight search` shows it)",
                        file.path.display(),
                        a.line,
                        a.series
                    )));
                }
            }
        }
        Ok(())
    }

    /// Replaces the aliases kept under this file's name. Resolution is re-run before anything
    /// reads series in this transaction, and before it commits (once, however many files).
    /// Returns the count.
    pub fn import_aliases(&mut self, file: &AliasFile) -> Result<usize, StoreError> {
        let tx = self.tx()?;
        let name = file.file_name();
        tx.execute("DELETE FROM aliases WHERE source_file = ?1", [&name])?;
        {
            let mut st = tx.prepare_cached(
                "INSERT INTO aliases (spelling, series, season, source_file) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(spelling) DO UPDATE SET series = excluded.series, season = excluded.season, source_file = excluded.source_file",
            )?;
            for a in &file.aliases {
                st.execute(params![a.spelling, a.series, a.season, name])?;
            }
        }
        self.mark_stale();
        Ok(file.aliases.len())
    }
}

impl Store {
    /// Replaces the aliases from this file (by file name) and re-resolves, in one transaction.
    /// Returns the count.
    pub fn import_aliases(&mut self, path: &Path) -> Result<usize, StoreError> {
        let file = AliasFile::read(path)?;
        let mut w = self.begin()?;
        let n = w.import_aliases(&file)?;
        w.check_aliases(std::slice::from_ref(&file))?;
        w.commit()?;
        Ok(n)
    }
}
