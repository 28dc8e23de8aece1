//! Whole-store copies and dumps, for tests that must show a refused write changed nothing, and
//! for a private copy of a large imported store (cheaper than importing it again). Typed
//! methods, so no crate outside the store needs the raw connection for them.

use crate::{Store, StoreError};
use std::path::Path;

impl Store {
    /// Writes a consistent copy of the whole store to `dest` (which must not exist yet), as
    /// SQLite's `VACUUM INTO` does: compacted, readable by any reader while it runs.
    pub fn copy_to(&self, dest: &Path) -> Result<(), StoreError> {
        self.conn
            .execute("VACUUM INTO ?1", [dest.to_string_lossy().as_ref()])?;
        Ok(())
    }

    /// Every table of the store with its row count, by name.
    pub fn table_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let names: Vec<String> = self
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        names
            .into_iter()
            .map(|t| {
                let n: i64 = self.conn.query_row(
                    &format!("SELECT count(*) FROM \"{}\"", t.replace('"', "\"\"")),
                    [],
                    |r| r.get(0),
                )?;
                Ok((t, n))
            })
            .collect()
    }

    /// Every row of `table`, ordered by its first column, each as its values' debug text joined by `|`: a
    /// dump to compare before and after, not a format to parse. A name that is not one of the
    /// store's tables is refused (so it can't be made into other SQL).
    pub fn table_rows(&self, table: &str) -> Result<Vec<String>, StoreError> {
        if !self.table_counts()?.iter().any(|(t, _)| t == table) {
            return Err(StoreError::NotFound(format!("no table named {table:?}")));
        }
        let mut st = self.conn.prepare(&format!(
            "SELECT * FROM \"{}\" ORDER BY 1",
            table.replace('"', "\"\"")
        ))?;
        let cols = st.column_count();
        let rows = st
            .query_map([], |r| {
                let mut v = Vec::with_capacity(cols);
                for i in 0..cols {
                    v.push(format!("{:?}", r.get_ref(i)?));
                }
                Ok(v.join("|"))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}
