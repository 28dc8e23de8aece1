//! One series: its page (`/series/{slug}`), chart image and Atom feed, addressed by slug; and
//! its API (`/api/v1/series/{series}/…`), addressed by slug or any spelling. The API bodies are
//! exactly the CLI's `--json` shapes (the store's, the ledger's and the report's own types,
//! serialized as they are, and described in the document by those same types).

use crate::error::WebError;
use crate::http::{base, cached, date_param, json, key, ATOM, HTML, JSON, Q, SVG};
use crate::state::AppState;
use crate::{chart, feeds, pages};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use greenlight_ledger::{self as ledger, CastReport, ReceptionReport, TimelineReport};
use greenlight_report::StatusView;
use greenlight_sources::titles::SeasonLabel;
use greenlight_store::{ChartWeek, HoursReport};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(page))
        .routes(routes!(chart_svg))
        .routes(routes!(feed))
        .routes(routes!(show))
        .routes(routes!(status))
        .routes(routes!(hours))
        .routes(routes!(timeline))
        .routes(routes!(reception))
        .routes(routes!(cast))
        .routes(routes!(chart))
}

// ---------------------------------------------------------------------------------------------
// Pages

/// The series page: status with its sources, outlook, timeline, chart, engagement, reception,
/// cast and facts.
#[utoipa::path(get, path = "/series/{slug}", tag = "pages",
    params(("slug" = String, Path, description = "The series' slug")),
    responses((status = 200, description = "The series page", body = String, content_type = "text/html"),
              (status = 308, description = "The slug in other case: redirected to the canonical address"),
              (status = 404, description = "No series has this address; the page links the nearest series", body = String, content_type = "text/html")))]
pub async fn page(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(slug): Path<String>,
) -> Response {
    // The address first: a slug in other case redirects to the canonical one, and one that names
    // nothing is a 404 page that links the nearest series.
    let asked = slug.clone();
    let found = st
        .read(move |s| match pages::find_slug(s, &asked)? {
            Some(series) => Ok(Ok(series)),
            None => Ok(Err(pages::nearest(s, &asked)?)),
        })
        .await;
    match found {
        Err(e) => return pages::page_error(e),
        Ok(Err(near)) => return pages::series_not_found(&slug, &near),
        Ok(Ok(series)) if series.slug != slug => {
            let to = match uri.query() {
                Some(q) => format!("/series/{}?{q}", series.slug),
                None => format!("/series/{}", series.slug),
            };
            return Redirect::permanent(&to).into_response();
        }
        Ok(Ok(_)) => {}
    }
    cached(&st, &headers, key(&uri), HTML, move |s| {
        Ok(pages::series_page(s, &slug)?.into_string().into_bytes())
    })
    .await
    .unwrap_or_else(pages::page_error)
}

/// Hours and rank of every Top 10 week of every season, as an SVG image.
#[utoipa::path(get, path = "/series/{slug}/chart.svg", tag = "pages",
    params(("slug" = String, Path, description = "The series' slug")),
    responses((status = 200, description = "The chart", body = String, content_type = "image/svg+xml"),
              (status = 404, description = "No such series", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn chart_svg(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(slug): Path<String>,
) -> Response {
    cached(&st, &headers, key(&uri), SVG, move |s| {
        let series = pages::resolve(s, &slug)?;
        Ok(chart::render(&s.chart_weeks(&series)?).into_bytes())
    })
    .await
    .unwrap_or_else(|e| e.into_response())
}

/// The series' status changes (announced decisions), as Atom.
#[utoipa::path(get, path = "/series/{slug}/feed.atom", tag = "feeds",
    params(("slug" = String, Path, description = "The series' slug")),
    responses((status = 200, description = "Atom feed, newest first (empty for a film)", body = String, content_type = "application/atom+xml"),
              (status = 404, description = "No such series", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn feed(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(slug): Path<String>,
) -> Response {
    // The feed's links are absolute, so the host is part of what the body depends on.
    let base = base(&headers);
    cached(
        &st,
        &headers,
        format!("{base}{}", key(&uri)),
        ATOM,
        move |s| {
            let series = pages::resolve(s, &slug)?;
            // A film has no status, so no changes: its feed is valid and empty.
            let changes = feeds::series_status(s, &series)?
                .map(|r| feeds::changes(&r))
                .unwrap_or_default();
            Ok(feeds::atom(
                &base,
                &format!("{}: status changes (greenlight)", series.title),
                &format!("/series/{slug}/feed.atom"),
                &changes,
            ))
        },
    )
    .await
    .unwrap_or_else(|e| e.into_response())
}

// ---------------------------------------------------------------------------------------------
// API

/// Seasons with their Top 10 summary and engagement, and the exact platform metrics when
/// imported (as of `as_of`, default today).
#[utoipa::path(get, path = "/api/v1/series/{series}", tag = "api",
    params(("series" = String, Path, description = "Slug or any spelling of the series"), StatusQuery),
    responses((status = 200, description = "Seasons with Top 10 summary and engagement, and the exact platform metrics when imported", body = greenlight_report::exact::SeriesShow),
              (status = 400, description = "Bad date: not a date, or empty", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 404, description = "No such series", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn show(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(name): Path<String>,
    Q(q): Q<StatusQuery>,
) -> Result<Response, WebError> {
    let as_of = date_param(q.as_of.as_deref(), "as_of")?;
    cached(&st, &headers, key(&uri), JSON, move |s| {
        let series = s.series(&name)?;
        json(&greenlight_report::exact::show(s, &series, as_of)?)
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

/// The derived status of the next season, with renewal odds while it awaits a decision.
#[utoipa::path(get, path = "/api/v1/series/{series}/status", tag = "api",
    params(("series" = String, Path, description = "Slug or any spelling of the series"), StatusQuery),
    responses((status = 200, description = "Derived status of the next season", body = StatusView),
              (status = 400, description = "Bad date: not a date, or empty", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 404, description = "No such series, or not one with seasons", body = crate::error::Problem, content_type = "application/problem+json")))]
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

/// Top 10 hours in a window.
#[utoipa::path(get, path = "/api/v1/series/{series}/hours", tag = "api",
    params(("series" = String, Path, description = "Slug or any spelling of the series"), HoursQuery),
    responses((status = 200, description = "Top 10 hours in the window", body = HoursReport),
              (status = 400, description = "Bad window: a parameter that is not a date, an empty one, or `from` after `to`", body = crate::error::Problem, content_type = "application/problem+json"),
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
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(WebError::BadRequest(format!(
                "`from` ({f}) is after `to` ({t}): the window is empty"
            )));
        }
    }
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

/// Every claim and data evidence, dated, oldest first.
#[utoipa::path(get, path = "/api/v1/series/{series}/timeline", tag = "api",
    params(("series" = String, Path, description = "Slug or any spelling of the series")),
    responses((status = 200, description = "Every claim and data evidence, dated, oldest first", body = TimelineReport),
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

/// Critic and audience scores per season.
#[utoipa::path(get, path = "/api/v1/series/{series}/reception", tag = "api",
    params(("series" = String, Path, description = "Slug or any spelling of the series")),
    responses((status = 200, description = "Critic and audience scores per season", body = ReceptionReport),
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

/// Cast and crew, one entry per person.
#[utoipa::path(get, path = "/api/v1/series/{series}/cast", tag = "api",
    params(("series" = String, Path, description = "Slug or any spelling of the series")),
    responses((status = 200, description = "Cast and crew, one entry per person", body = CastReport),
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

/// Every Top 10 week of every season, oldest first.
#[utoipa::path(get, path = "/api/v1/series/{series}/chart", tag = "api",
    params(("series" = String, Path, description = "Slug or any spelling of the series")),
    responses((status = 200, description = "Every Top 10 week of every season, oldest first", body = Vec<ChartWeek>),
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
