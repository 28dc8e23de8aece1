//! User alias files: what resolution can't decide, a person decides. A TSV with the header
//! `spelling<TAB>series<TAB>season` (season may be empty): every source spelling equal (after
//! normalisation) to `spelling` resolves to `series`, and to `season` when given.

use crate::{Store, StoreError};
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

impl Store {
    /// Replaces the aliases from this file (by file name), in one transaction. Returns the count.
    pub fn import_aliases(&mut self, path: &Path) -> Result<usize, StoreError> {
        let bytes =
            std::fs::read(path).map_err(|e| greenlight_sources::SourceError::io(path, e))?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            StoreError::Invalid(format!(
                "{}: not UTF-8 at byte {}",
                path.display(),
                e.valid_up_to()
            ))
        })?;
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
            rows.push((spelling.to_string(), series.to_string(), season));
        }
        let file = path
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tx = self.conn_mut().transaction()?;
        tx.execute("DELETE FROM aliases WHERE source_file = ?1", [&file])?;
        for (s, series, season) in &rows {
            tx.execute(
                "INSERT INTO aliases (spelling, series, season, source_file) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(spelling) DO UPDATE SET series = excluded.series, season = excluded.season, source_file = excluded.source_file",
                params![s, series, season, file],
            )?;
        }
        crate::resolve::rebuild(&tx)?;
        tx.commit()?;
        Ok(rows.len())
    }
}
