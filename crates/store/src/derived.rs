//! Derived answers kept between calls (issue 13): what is slow to compute from the stored rows
//! (the renewal model's training and backtest, a season's odds) is kept here beside the
//! *inputs stamp* it was computed from, and used only while the stamp is unchanged, so a kept
//! answer is never staler than the rows it came from. The bodies are JSON owned by their writer
//! (the odds); the store only keeps them and says when they are out of date.

use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension};

/// The table, as the store's per-component migrations of component `derived`.
pub(crate) const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE derived_state (
    key TEXT PRIMARY KEY,       -- what is kept: `odds-model`, `odds/<slug>/<season>`
    inputs TEXT NOT NULL,       -- the inputs stamp (`Store::training_inputs_stamp`) it was computed from
    body TEXT NOT NULL          -- JSON, in the writer's own shape
);
"#];

/// One kept answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    pub inputs: String,
    pub body: String,
}

impl Store {
    /// A SHA-256 of everything the odds' read models (`training.rs`) are computed from: every
    /// dataset (its key, content hash, `as_of`, row count and publication date: the raw rows are
    /// a function of these), the spellings and user aliases resolution starts from, and the
    /// series and seasons it produced (counts and id ranges: ledger-declared series change
    /// them). Claims are not inputs of the odds (labels come from the data alone), so adding a
    /// claim that declares no series leaves the stamp, and every kept odds answer, as it is.
    /// A few aggregate queries, so checking a kept answer costs milliseconds.
    pub fn training_inputs_stamp(&self) -> Result<String, StoreError> {
        let mut text = String::new();
        let mut st = self.conn.prepare(
            "SELECT key, content_hash, as_of, rows, ifnull(published, ''), published_precision
             FROM datasets ORDER BY key",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let (k, h, a, n, p, pp): (String, String, String, i64, String, String) = (
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            );
            text.push_str(&format!("d\t{k}\t{h}\t{a}\t{n}\t{p}\t{pp}\n"));
        }
        let mut st = self.conn.prepare(
            "SELECT spelling, series, ifnull(season, '') FROM aliases ORDER BY spelling",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let (a, b, c): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            text.push_str(&format!("a\t{a}\t{b}\t{c}\n"));
        }
        for table in ["titles", "series", "seasons"] {
            let (n, lo, hi): (i64, i64, i64) = self.conn.query_row(
                &format!("SELECT count(*), ifnull(min(id), 0), ifnull(max(id), 0) FROM {table}"),
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            text.push_str(&format!("t\t{table}\t{n}\t{lo}\t{hi}\n"));
        }
        Ok(crate::hash::sha256_hex(text.as_bytes()))
    }

    /// The answer kept under `key`, if any (whatever its stamp: the caller compares).
    pub fn derived(&self, key: &str) -> Result<Option<Derived>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT inputs, body FROM derived_state WHERE key = ?1",
                [key],
                |r| {
                    Ok(Derived {
                        inputs: r.get(0)?,
                        body: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    /// Every answer kept under a key starting with `prefix` (the kept odds, `odds/`), by key:
    /// one query instead of one per key when a call reads thousands of them.
    pub fn derived_under(
        &self,
        prefix: &str,
    ) -> Result<std::collections::HashMap<String, Derived>, StoreError> {
        // Keys are ASCII paths: the range [prefix, prefix + U+FFFF) holds exactly the keys that
        // start with it, and the primary key's index answers it.
        let end = format!("{prefix}\u{ffff}");
        let mut st = self
            .conn
            .prepare("SELECT key, inputs, body FROM derived_state WHERE key >= ?1 AND key < ?2")?;
        let rows = st.query_map(params![prefix, end], |r| {
            Ok((
                r.get::<_, String>(0)?,
                Derived {
                    inputs: r.get(1)?,
                    body: r.get(2)?,
                },
            ))
        })?;
        let mut out = std::collections::HashMap::new();
        for row in rows {
            let (k, d) = row?;
            if k.starts_with(prefix) {
                out.insert(k, d);
            }
        }
        Ok(out)
    }

    /// [`Store::put_derived`] of many `(key, inputs, body)`, in one savepoint: a refresh keeps
    /// thousands of odds, and a commit per row cost more than computing them.
    pub fn put_derived_many(&self, items: &[(String, String, String)]) -> Result<(), StoreError> {
        if items.is_empty() {
            return Ok(());
        }
        self.conn.execute_batch("SAVEPOINT put_derived_many")?;
        let r = (|| -> Result<(), StoreError> {
            let mut ins = self.conn.prepare_cached(
                "INSERT INTO derived_state (key, inputs, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT(key) DO UPDATE SET inputs = excluded.inputs, body = excluded.body",
            )?;
            for (k, i, b) in items {
                ins.execute(params![k, i, b])?;
            }
            Ok(())
        })();
        match r {
            Ok(()) => {
                self.conn.execute_batch("RELEASE put_derived_many")?;
                Ok(())
            }
            Err(e) => {
                let _ = self
                    .conn
                    .execute_batch("ROLLBACK TO put_derived_many; RELEASE put_derived_many");
                Err(e)
            }
        }
    }

    /// Keeps `body` under `key`, computed from `inputs`, replacing what was kept there.
    pub fn put_derived(&self, key: &str, inputs: &str, body: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO derived_state (key, inputs, body) VALUES (?1, ?2, ?3)
             ON CONFLICT(key) DO UPDATE SET inputs = excluded.inputs, body = excluded.body",
            params![key, inputs, body],
        )?;
        Ok(())
    }
}
