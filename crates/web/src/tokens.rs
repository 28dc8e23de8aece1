//! API tokens for writes. A token is shown once, at creation; the store keeps only its SHA-256,
//! so a copy of the database file does not hand out write access. Revoked tokens are kept (not
//! deleted) so that using one is answered 403 "revoked", not 401 "unknown": the caller learns
//! their token was withdrawn rather than mistyped. A token may expire (`token create --expires
//! 90d`); an expired one is 401 (a new one fixes it). Each write a token carries out records the
//! time, which `token list` shows.

use crate::error::WebError;
use greenlight_store::Store;
use sha2::{Digest, Sha256};

pub use greenlight_store::tokens::TokenInfo;

/// Secrets start with this, so they are recognisable in logs and secret scanners.
const PREFIX: &str = "glt_";

/// Who a valid token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenOwner {
    pub id: i64,
    pub name: String,
}

/// The tokens table (the store keeps it: `greenlight_store::tokens`).
pub fn ensure_schema(store: &mut Store) -> Result<(), WebError> {
    Ok(store.ensure_token_schema()?)
}

fn hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn now() -> String {
    stamp(chrono::Utc::now())
}

/// Creates a token named `name`, valid for `lifetime` from now (forever when `None`), and
/// returns its secret: the only time it is ever available.
pub fn create_token(
    store: &mut Store,
    name: &str,
    lifetime: Option<chrono::TimeDelta>,
) -> Result<String, WebError> {
    ensure_schema(store)?;
    let name = name.trim();
    if name.is_empty() {
        return Err(WebError::BadRequest(
            "a token needs a name (who or what will use it)".into(),
        ));
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| WebError::Internal(format!("no randomness: {e}")))?;
    let secret = format!("{PREFIX}{}", hex(&bytes));
    let created = chrono::Utc::now();
    let expires = match lifetime {
        None => None,
        Some(d) => Some(stamp(created.checked_add_signed(d).ok_or_else(|| {
            WebError::BadRequest(format!("a lifetime of {d} ends beyond any date"))
        })?)),
    };
    store.insert_token(
        name,
        &hash(&secret),
        &secret[..PREFIX.len() + 8],
        &stamp(created),
        expires.as_deref(),
    )?;
    Ok(secret)
}

/// Every token, oldest first, without secrets.
pub fn list_tokens(store: &mut Store) -> Result<Vec<TokenInfo>, WebError> {
    ensure_schema(store)?;
    Ok(store.tokens()?)
}

/// Revokes the token with id, name or secret prefix `which`, and returns it as revoked
/// (revoking twice is harmless: the first date stays).
/// A name or prefix naming several valid tokens is refused, so one typo can't revoke many.
pub fn revoke_token(store: &mut Store, which: &str) -> Result<TokenInfo, WebError> {
    let all = list_tokens(store)?;
    let which = which.trim();
    let hits: Vec<&TokenInfo> = all
        .iter()
        .filter(|t| {
            t.id.to_string() == which
                || t.name == which
                || (which.len() >= 6 && t.prefix.starts_with(which))
        })
        .collect();
    let t = match hits.as_slice() {
        [] => {
            return Err(WebError::NotFound(format!(
                "no token matches \"{which}\" (give its id, name or prefix)"
            )))
        }
        [one] => *one,
        many => {
            return Err(WebError::BadRequest(format!(
                "\"{which}\" matches {} tokens; give an id: {}",
                many.len(),
                many.iter()
                    .map(|t| t.id.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        }
    };
    if t.revoked.is_none() {
        store.revoke_token(t.id, &now())?;
    }
    let mut out = t.clone();
    out.revoked = Some(out.revoked.unwrap_or_else(now));
    Ok(out)
}

/// Checks a presented secret: unknown or expired is 401, revoked is 403. Reads only: the use is
/// recorded ([`record_use`]) once the request it authorised has been carried out, so a refused
/// request changes nothing.
pub fn authenticate(store: &Store, secret: &str) -> Result<TokenOwner, WebError> {
    let row = store.token_by_hash(&hash(secret.trim()))?;
    let now = now();
    match row {
        None => Err(WebError::Unauthorized("unknown token".into())),
        Some(TokenInfo {
            name,
            revoked: Some(when),
            ..
        }) => Err(WebError::Forbidden(format!(
            "token \"{name}\" was revoked on {when}"
        ))),
        // Both are RFC 3339 UTC in one format, so they compare as text.
        Some(TokenInfo {
            name,
            expires: Some(end),
            ..
        }) if end <= now => Err(WebError::Unauthorized(format!(
            "token \"{name}\" expired on {end}"
        ))),
        Some(TokenInfo { id, name, .. }) => Ok(TokenOwner { id, name }),
    }
}

/// Records that `owner`'s token was used now (what `token list` shows as "last used").
pub fn record_use(store: &Store, owner: &TokenOwner) -> Result<(), WebError> {
    Ok(store.touch_token(owner.id, &now())?)
}
