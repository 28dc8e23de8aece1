//! The web's API tokens, as stored: the table and its four statements. The store owns every
//! SQL statement (the web crate runs none); what a token *means* (hashing, who may write,
//! revoked vs unknown) stays in `greenlight-web`. Only a token's SHA-256 is stored, never its
//! secret, so a copy of the database hands out no write access.

use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

/// The tokens table, as the store's per-component migrations of component `web` (its name since
/// the table lived in the web crate, so existing stores need no new migration).
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE web_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,      -- hex SHA-256 of the secret
    prefix TEXT NOT NULL,           -- the secret's first characters, to recognise it in lists
    created TEXT NOT NULL,          -- RFC 3339, UTC
    revoked TEXT                    -- RFC 3339, UTC; NULL while valid
);
"#];

/// A token as listed (never with its secret, nor its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    /// The first characters of the secret (`glt_1a2b3c`), to tell tokens apart.
    pub prefix: String,
    pub created: String,
    pub revoked: Option<String>,
}

impl Store {
    /// Creates the tokens table if this store has none yet.
    pub fn ensure_token_schema(&mut self) -> Result<(), StoreError> {
        self.migrate_component("web", MIGRATIONS)
    }

    /// Stores a new token by its secret's `hash`; returns its id.
    pub fn insert_token(
        &self,
        name: &str,
        hash: &str,
        prefix: &str,
        created: &str,
    ) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO web_tokens (name, hash, prefix, created) VALUES (?1, ?2, ?3, ?4)",
            params![name, hash, prefix, created],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Every token, oldest first.
    pub fn tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT id, name, prefix, created, revoked FROM web_tokens ORDER BY id")?;
        let v = st
            .query_map([], |r| {
                Ok(TokenInfo {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    prefix: r.get(2)?,
                    created: r.get(3)?,
                    revoked: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(v)
    }

    /// The token whose secret hashes to `hash`, if any (revoked ones included).
    pub fn token_by_hash(&self, hash: &str) -> Result<Option<TokenInfo>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, name, prefix, created, revoked FROM web_tokens WHERE hash = ?1",
                [hash],
                |r| {
                    Ok(TokenInfo {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        prefix: r.get(2)?,
                        created: r.get(3)?,
                        revoked: r.get(4)?,
                    })
                },
            )
            .optional()?)
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
