//! `POST /api/v1/claims`: the one write. Needs a bearer token ([`crate::tokens`]); the body is
//! one claim in the claims files' own form ([`RawClaim`]), checked by the ledger before anything
//! is written.

use crate::error::{FieldError, WebError};
use crate::http::{json, JSON};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use greenlight_ledger::{self as ledger, AddReport, RawClaim};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(add))
}

/// Reads `Authorization: Bearer SECRET`; a missing or malformed header is 401.
pub(crate) fn bearer(headers: &HeaderMap) -> Result<String, WebError> {
    let v = headers.get(header::AUTHORIZATION).ok_or_else(|| {
        WebError::Unauthorized(
            "this route needs `Authorization: Bearer TOKEN` (see `greenlight token create`)".into(),
        )
    })?;
    let v = v
        .to_str()
        .map_err(|_| WebError::Unauthorized("the Authorization header is not text".into()))?;
    match v.split_once(' ') {
        Some((scheme, secret))
            if scheme.eq_ignore_ascii_case("bearer") && !secret.trim().is_empty() =>
        {
            Ok(secret.trim().to_string())
        }
        _ => Err(WebError::Unauthorized(
            "the Authorization header must be `Bearer TOKEN`".into(),
        )),
    }
}

/// Adds one claim to the ledger, checked as a claims file's are; nothing is stored unless it
/// passes every check.
#[utoipa::path(post, path = "/api/v1/claims", tag = "api",
    request_body(content = RawClaim, content_type = "application/json",
        description = "One claim, as in a claims file (`crates/ledger/CLAIMS.md` lists every kind and its fields)"),
    security(("bearer" = [])),
    responses((status = 201, description = "Claim added", body = AddReport),
              (status = 200, description = "The same claim was already in the ledger", body = AddReport),
              (status = 401, description = "No token, an unknown or an expired one (with `WWW-Authenticate: Bearer`)", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 403, description = "Revoked token", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 413, description = "Body too large", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 415, description = "Body is not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 422, description = "Claim refused; nothing stored", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn add(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    // Nothing is written until the claim has passed every check.
    let owner = json_writer(&st, &headers).await?;
    let mut raw: RawClaim = serde_json::from_slice(&body).map_err(|e| WebError::Invalid {
        message: format!("the body is not a claim: {e}"),
        errors: vec![FieldError {
            field: None,
            kind: None,
            message: e.to_string(),
        }],
    })?;
    if raw
        .entered_by
        .as_deref()
        .is_none_or(|s| s.trim().is_empty())
    {
        raw.entered_by = Some(format!("api token \"{}\"", owner.name));
    }
    // The ledger checks the claim (every refusal naming its field, a 422 through `WebError`)
    // and stores it in the one write.
    let report = st
        .write(move |s| {
            let report = ledger::add_raw_claim(s, raw)?;
            crate::tokens::record_use(s, &owner)?;
            // The kept board follows at once (one series derived); should that fail, readers
            // still see the claim, deriving the row whose evidence hash no longer matches.
            let _ = greenlight_report::tracker::refresh_if_kept(s);
            // Then the events it caused for followed series, with their outbox rows (a
            // failure is reconciled by the next write or sync; the claim stands).
            greenlight_sync::record_events_after_write(s, "POST /api/v1/claims");
            Ok(report)
        })
        .await?;
    let code = if report.added {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((code, [(header::CONTENT_TYPE, JSON)], json(&report)?).into_response())
}

/// The token owner of a token-guarded JSON write (claims, follows). Order matters: who you are
/// first (so strangers learn nothing about validation), then that the body is JSON.
pub(crate) async fn json_writer(
    st: &AppState,
    headers: &HeaderMap,
) -> Result<crate::tokens::TokenOwner, WebError> {
    let secret = bearer(headers)?;
    let owner = st
        .read(move |s| crate::tokens::authenticate(s, &secret))
        .await?;
    super::require_json(headers)?;
    Ok(owner)
}
