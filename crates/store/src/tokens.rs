//! The web's API tokens, as stored: the table and its four statements. The store owns every
//! SQL statement (the web crate runs none); what a token *means* (hashing, who may write,
//! revoked vs unknown) stays in `greenlight-web`. Only a token's SHA-256 is stored, never its
//! secret, so a copy of the database hands out no write access.

use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

/// The tokens table, as the store's per-component migrations of component `web` (its name since
/// the table lived in the web crate). Migration 2 adds an optional expiry and the last-used time
/// (issue 14); tokens made before it never expire and have not been seen used.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE web_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,      -- hex SHA-256 of the secret
    prefix TEXT NOT NULL,           -- the secret's first characters, to recognise it in lists
    created TEXT NOT NULL,          -- RFC 3339, UTC
    revoked TEXT                    -- RFC 3339, UTC; NULL while valid
);
"#,
    r#"
ALTER TABLE web_tokens ADD COLUMN expires TEXT;     -- RFC 3339, UTC; NULL: never
ALTER TABLE web_tokens ADD COLUMN last_used TEXT;   -- RFC 3339, UTC; NULL: never used
"#,
];

const COLS: &str = "id, name, prefix, created, revoked, expires, last_used";

fn info(r: &rusqlite::Row) -> rusqlite::Result<TokenInfo> {
    Ok(TokenInfo {
        id: r.get(0)?,
        name: r.get(1)?,
        prefix: r.get(2)?,
        created: r.get(3)?,
        revoked: r.get(4)?,
        expires: r.get(5)?,
        last_used: r.get(6)?,
    })
}

/// A token as listed (never with its secret, nor its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    /// The first characters of the secret (`glt_1a2b3c`), to tell tokens apart.
    pub prefix: String,
    pub created: String,
    pub revoked: Option<String>,
    /// When the token stops being accepted (RFC 3339, UTC); `None`: never.
    pub expires: Option<String>,
    /// When a request last authenticated with it (RFC 3339, UTC); `None`: never.
    pub last_used: Option<String>,
}

impl Store {
    /// Creates the tokens table if this store has none yet.
    pub fn ensure_token_schema(&mut self) -> Result<(), StoreError> {
        self.migrate_component("web", MIGRATIONS)
    }

    /// Stores a new token by its secret's `hash`, valid until `expires` (never when `None`);
    /// returns its id.
    pub fn insert_token(
        &self,
        name: &str,
        hash: &str,
        prefix: &str,
        created: &str,
        expires: Option<&str>,
    ) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO web_tokens (name, hash, prefix, created, expires) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![name, hash, prefix, created, expires],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Every token, oldest first.
    pub fn tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        let mut st = self
            .conn
            .prepare(&format!("SELECT {COLS} FROM web_tokens ORDER BY id"))?;
        let v = st.query_map([], info)?.collect::<Result<Vec<_>, _>>()?;
        Ok(v)
    }

    /// The token whose secret hashes to `hash`, if any (revoked and expired ones included).
    pub fn token_by_hash(&self, hash: &str) -> Result<Option<TokenInfo>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLS} FROM web_tokens WHERE hash = ?1"),
                [hash],
                info,
            )
            .optional()?)
    }

    /// Records that token `id` was used at `when`.
    pub fn touch_token(&self, id: i64, when: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE web_tokens SET last_used = ?1 WHERE id = ?2",
            params![when, id],
        )?;
        Ok(())
    }

    /// Marks token `id` revoked at `when`, unless it already is (the first date stays).
    pub fn revoke_token(&self, id: i64, when: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE web_tokens SET revoked = ?1 WHERE id = ?2 AND revoked IS NULL",
            params![when, id],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store whose tokens table was made by migration 1 (the schema before expiry) gets the
    /// new columns on open, keeps its tokens, and reads them as never expiring, never used.
    #[test]
    fn a_store_made_before_expiry_is_migrated_and_keeps_its_tokens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let mut old = Store::open(&path).unwrap();
            old.migrate_component("web", &MIGRATIONS[..1]).unwrap();
            old.conn()
                .execute(
                    "INSERT INTO web_tokens (name, hash, prefix, created) VALUES ('ci', 'abc', 'glt_12345678', '2026-01-01T00:00:00Z')",
                    [],
                )
                .unwrap();
            let cols: i64 = old
                .conn()
                .query_row(
                    "SELECT count(*) FROM pragma_table_info('web_tokens')",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(cols, 6, "the old schema has no expiry");
        }
        let mut store = Store::open(&path).unwrap();
        store.ensure_token_schema().unwrap();
        let list = store.tokens().unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].name, "ci");
        assert_eq!(
            (list[0].expires.as_deref(), list[0].last_used.as_deref()),
            (None, None)
        );
        store
            .touch_token(list[0].id, "2026-02-02T00:00:00Z")
            .unwrap();
        let t = store.token_by_hash("abc").unwrap().unwrap();
        assert_eq!(t.last_used.as_deref(), Some("2026-02-02T00:00:00Z"));
        // Migrating again is a no-op.
        store.ensure_token_schema().unwrap();
        assert_eq!(store.tokens().unwrap(), vec![t]);
    }
}
