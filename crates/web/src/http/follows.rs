//! `POST /api/v1/follows`: follow a series with a webhook, as `greenlight follow` does (issue
//! 15). Needs a bearer token, as every write does.

use crate::error::{FieldError, WebError};
use crate::http::claims::json_writer;
use crate::http::{json, JSON};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use greenlight_store::sync::FollowRow;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(follow))
}

/// What `greenlight follow` takes.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowRequest {
    /// Any spelling of the series, or its slug.
    pub series: String,
    /// Where the events are POSTed (http or https; a public address unless the server was
    /// told otherwise).
    pub webhook: String,
    /// The HMAC-SHA256 key signing each delivery; unsigned without it.
    pub secret: Option<String>,
    /// Only these kinds (`renewed`, `canceled`, `final_season`, `release_date`, `premiere`,
    /// `status`, `chart_week`); every kind when absent or empty.
    #[serde(default)]
    pub events: Vec<String>,
}

/// Whether every address the webhook's host resolves to is public (the server POSTs to it on
/// the follower's behalf, so a token must not aim it at the local network).
fn public_webhook(url: &str) -> Result<(), String> {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let https = url.to_ascii_lowercase().starts_with("https://");
    let with_port = if authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        authority.to_string()
    } else {
        format!("{authority}:{}", if https { 443 } else { 80 })
    };
    let addrs = std::net::ToSocketAddrs::to_socket_addrs(&with_port)
        .map_err(|e| format!("the webhook's host could not be resolved: {e}"))?;
    for a in addrs {
        if greenlight_news::input::is_private(a.ip()) {
            return Err(format!(
                "the webhook's host resolves to {}, a loopback or private address, which this server does not post to",
                a.ip()
            ));
        }
    }
    Ok(())
}

/// Follows a series; the same series and webhook again updates the secret and kinds.
#[utoipa::path(post, path = "/api/v1/follows", tag = "api",
    request_body(content = FollowRequest, content_type = "application/json"),
    security(("bearer" = [])),
    responses((status = 201, description = "Following", body = FollowRow),
              (status = 401, description = "No token, an unknown or an expired one (with `WWW-Authenticate: Bearer`)", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 403, description = "Revoked token", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 404, description = "No such series", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 415, description = "Body is not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 422, description = "Refused (a field named); nothing stored", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn follow(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let owner = json_writer(&st, &headers).await?;
    let invalid = |field: &str, message: String| WebError::Invalid {
        message: message.clone(),
        errors: vec![FieldError {
            field: Some(field.into()),
            kind: None,
            message,
        }],
    };
    let req: FollowRequest = serde_json::from_slice(&body).map_err(|e| WebError::Invalid {
        message: format!("the body is not a follow: {e}"),
        errors: vec![FieldError {
            field: None,
            kind: None,
            message: e.to_string(),
        }],
    })?;
    // The same allowance at send time: a follow made here may reach a private address only
    // on a server that allows private fetches (tests); every delivery re-checks.
    let allow_private = st.private_fetch_allowed();
    if !allow_private {
        let url = req.webhook.clone();
        tokio::task::spawn_blocking(move || public_webhook(&url))
            .await
            .map_err(|e| WebError::Internal(e.to_string()))?
            .map_err(|m| invalid("webhook", m))?;
    }
    let row = st
        .write(move |s| {
            let row = greenlight_sync::follow(
                s,
                &req.series,
                &req.webhook,
                req.secret.as_deref(),
                &req.events,
                allow_private,
            )
            .map_err(|e| match e {
                greenlight_sync::SyncError::Store(e) => WebError::Store(e),
                other => WebError::Invalid {
                    message: other.to_string(),
                    errors: vec![FieldError {
                        field: None,
                        kind: None,
                        message: other.to_string(),
                    }],
                },
            })?;
            crate::tokens::record_use(s, &owner)?;
            Ok(row)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        [(header::CONTENT_TYPE, JSON)],
        json(&row)?,
    )
        .into_response())
}
