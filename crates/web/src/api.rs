//! The JSON API under `/api/v1/`. Bodies are exactly the CLI's `--json` shapes (the store's and
//! the ledger's report structs, serialized as they are), so a script can move between the two.

use crate::doc;
use crate::error::{FieldError, WebError};
use crate::http::{cached, date_param, json, JSON, Q};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use greenlight_ledger::{self as ledger, Claim, RawClaim};
use greenlight_sources::titles::SeasonLabel;
use serde::Deserialize;

fn key(uri: &Uri) -> String {
    uri.path_and_query()
        .map_or_else(|| uri.path().to_string(), |p| p.as_str().to_string())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Any spelling, native titles included.
    pub q: Option<String>,
    /// At most this many hits (1..100, default 20).
    pub limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/search", params(SearchQuery),
    responses((status = 200, description = "Best matches first", body = Vec<doc::SearchHit>),
              (status = 400, description = "Bad query", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn search(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Q(q): Q<SearchQuery>,
) -> Result<Response, WebError> {
    let text = q.q.unwrap_or_default();
    let limit = q.limit.unwrap_or(20).clamp(1, 100) as usize;
    cached(&st, &headers, key(&uri), JSON, move |s| {
        json(&s.search(&text, limit)?)
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/series/{series}",
    params(("series" = String, Path, description = "Slug or any spelling of the series")),
    responses((status = 200, description = "Seasons with Top 10 summary and engagement", body = doc::Show),
              (status = 404, description = "No such series", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn series(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(name): Path<String>,
) -> Result<Response, WebError> {
    cached(&st, &headers, key(&uri), JSON, move |s| {
        let series = s.series(&name)?;
        json(&s.show(&series)?)
    })
    .await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusQuery {
    /// Evaluate with only what was published by this date (YYYY-MM-DD).
    #[param(format = Date)]
    pub as_of: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/series/{series}/status",
    params(("series" = String, Path, description = "Slug or any spelling of the series"), StatusQuery),
    responses((status = 200, description = "Derived status of the next season", body = doc::Status),
              (status = 400, description = "Bad date", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 404, description = "No such series", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn status(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(name): Path<String>,
    Q(q): Q<StatusQuery>,
) -> Result<Response, WebError> {
    let as_of = date_param(q.as_of.as_deref(), "as_of")?;
    cached(&st, &headers, key(&uri), JSON, move |s| {
        json(&greenlight_report::status(s, &name, as_of)?)
    })
    .await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HoursQuery {
    /// A season (`1`, `Season 2`, `Part 2`, `Limited Series`); all seasons when absent.
    pub season: Option<String>,
    /// Window start (YYYY-MM-DD): only chart weeks wholly inside the window count.
    #[param(format = Date)]
    pub from: Option<String>,
    /// Window end (YYYY-MM-DD).
    #[param(format = Date)]
    pub to: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/series/{series}/hours",
    params(("series" = String, Path, description = "Slug or any spelling of the series"), HoursQuery),
    responses((status = 200, description = "Top 10 hours in the window", body = doc::Hours),
              (status = 400, description = "Bad window", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 404, description = "No such series or season", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn hours(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(name): Path<String>,
    Q(q): Q<HoursQuery>,
) -> Result<Response, WebError> {
    let from = date_param(q.from.as_deref(), "from")?;
    let to = date_param(q.to.as_deref(), "to")?;
    let label = q
        .season
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(SeasonLabel::parse_user);
    cached(&st, &headers, key(&uri), JSON, move |s| {
        let series = s.series(&name)?;
        json(&s.hours(&series, label.as_ref(), from, to)?)
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/series/{series}/timeline",
    params(("series" = String, Path, description = "Slug or any spelling of the series")),
    responses((status = 200, description = "Every claim and data evidence, dated, oldest first", body = doc::Timeline),
              (status = 404, description = "No such series", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn timeline(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(name): Path<String>,
) -> Result<Response, WebError> {
    cached(&st, &headers, key(&uri), JSON, move |s| {
        json(&ledger::timeline(s, &name)?)
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/series/{series}/reception",
    params(("series" = String, Path, description = "Slug or any spelling of the series")),
    responses((status = 200, description = "Critic and audience scores per season", body = doc::Reception),
              (status = 404, description = "No such series", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn reception(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(name): Path<String>,
) -> Result<Response, WebError> {
    cached(&st, &headers, key(&uri), JSON, move |s| {
        json(&ledger::reception(s, &name)?)
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/series/{series}/cast",
    params(("series" = String, Path, description = "Slug or any spelling of the series")),
    responses((status = 200, description = "Cast and crew, one entry per person", body = doc::Cast),
              (status = 404, description = "No such series", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn cast(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(name): Path<String>,
) -> Result<Response, WebError> {
    cached(&st, &headers, key(&uri), JSON, move |s| {
        json(&ledger::cast(s, &name)?)
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/series/{series}/chart",
    params(("series" = String, Path, description = "Slug or any spelling of the series")),
    responses((status = 200, description = "Every Top 10 week of every season, oldest first", body = Vec<doc::ChartWeek>),
              (status = 404, description = "No such series", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn chart(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(name): Path<String>,
) -> Result<Response, WebError> {
    cached(&st, &headers, key(&uri), JSON, move |s| {
        let series = s.series(&name)?;
        json(&s.chart_weeks(&series)?)
    })
    .await
}

/// Reads `Authorization: Bearer SECRET`; a missing or malformed header is 401.
fn bearer(headers: &HeaderMap) -> Result<String, WebError> {
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

#[utoipa::path(post, path = "/api/v1/claims", request_body(content = doc::ClaimBody, content_type = "application/json"),
    security(("bearer" = [])),
    responses((status = 201, description = "Claim added", body = doc::Added),
              (status = 200, description = "The same claim was already in the ledger", body = doc::Added),
              (status = 401, description = "No token, or an unknown one", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 403, description = "Revoked token", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 413, description = "Body too large", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 415, description = "Body is not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 422, description = "Claim refused; nothing stored", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn add_claim(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    // Order matters: who you are first (so strangers learn nothing about validation), then what
    // you sent. Nothing is written until the claim has passed every check.
    let secret = bearer(&headers)?;
    let owner = st
        .read(move |s| crate::tokens::authenticate(s, &secret))
        .await?;
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !(mime == "application/json" || mime.ends_with("+json")) {
        return Err(WebError::UnsupportedMediaType(format!(
            "the body must be JSON (Content-Type: application/json), not \"{ct}\""
        )));
    }
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
    let kind = raw.kind.clone();
    // Tomorrow, so a claim published "today" in any time zone is accepted (as the ledger does).
    let today = chrono::Utc::now()
        .date_naive()
        .succ_opt()
        .unwrap_or(chrono::NaiveDate::MAX);
    let claim = Claim::from_raw(raw, today).map_err(|e| WebError::Invalid {
        message: format!("claim refused, nothing was stored: {e}"),
        errors: vec![FieldError {
            field: e.field.clone(),
            kind: e.kind.clone().or(kind),
            message: e.message.clone(),
        }],
    })?;
    let report = st.write(move |s| Ok(ledger::add_claim(s, claim)?)).await?;
    let code = if report.added {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((code, [(header::CONTENT_TYPE, JSON)], json(&report)?).into_response())
}
