//! User alias files: what resolution can't decide, a person decides. A TSV with the header
//! `spelling<TAB>series<TAB>season` (season may be empty): every source spelling equal (after
//! normalisation) to `spelling` resolves to `series`, and to `season` when given.

use crate::{Store, StoreError, WriteTx};
use rusqlite::params;
use std::path::Path;

const HEADER: &str = "spelling\tseries\tseason";

/// Whether `path` starts with the alias header (content, not name, decides).
pub fn looks_like_alias_file(path: &Path) -> bool {
    use std::io::Read;
    let mut buf = [0u8; 64];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut buf))
        .unwrap_or(0);
    buf[..n].starts_with(HEADER.as_bytes())
}

/// One alias: every spelling equal (after normalisation) to `spelling` resolves to `series`, and
/// to `season` when given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    pub spelling: String,
    pub series: String,
    pub season: Option<String>,
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
        let text = crate::read_text(path)?;
        let text = text.as_str();
        let mut rows = Vec::new();
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
            rows.push(Alias {
                spelling: spelling.to_string(),
                series: series.to_string(),
                season,
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

impl WriteTx<'_> {
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
        w.commit()?;
        Ok(n)
    }
}
