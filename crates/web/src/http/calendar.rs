//! `/calendar.ics` and `/series/{slug}/calendar.ics` (issue 15; the entries are
//! [`crate::calendar`]'s).

use crate::calendar::{self, Kind};
use crate::error::WebError;
use crate::http::{base, cached, key, Q};
use crate::state::AppState;
use crate::{feeds, pages};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// "As of" no date: every claim the ledger holds (none can be published after the year 9999).
fn far_future() -> chrono::NaiveDate {
    // Not NaiveDate::MAX: dates compare as text in the ledger, and `+262143-12-31` sorts first.
    chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default()
}

pub const ICS: &str = "text/calendar; charset=utf-8";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(all))
        .routes(routes!(one))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarQuery {
    /// Comma-separated kinds: `premieres`, `release_dates`, `decisions` (all when absent).
    pub kind: Option<String>,
}

/// One series' events of `kinds`, from its status and every claim the ledger has for it (none
/// for a series with no status: a film); the site calendar and the series' own both use it.
fn series_entries(
    s: &greenlight_store::Store,
    series: &greenlight_store::SeriesRef,
    kinds: &[Kind],
) -> Result<Vec<calendar::Entry>, WebError> {
    Ok(match feeds::series_status(s, series)? {
        Some(r) => {
            let facts = greenlight_ledger::claims_as_of(s, &series.slug, far_future())?;
            calendar::entries(&r, &facts, kinds)
        }
        None => Vec::new(),
    })
}

/// Premieres, announced release dates and decisions of every series with announcements in
/// the ledger, as all-day events.
#[utoipa::path(get, path = "/calendar.ics", tag = "feeds", params(CalendarQuery),
    responses((status = 200, description = "iCalendar (RFC 5545), all-day events with stable UIDs", body = String, content_type = "text/calendar"),
              (status = 400, description = "Unknown kind", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn all(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Q(q): Q<CalendarQuery>,
) -> Response {
    let kinds = match Kind::parse_list(q.kind.as_deref()) {
        Ok(k) => k,
        Err(m) => return WebError::BadRequest(m).into_response(),
    };
    let base = base(&headers);
    cached(
        &st,
        &headers,
        format!("{base}{}", key(&uri)),
        ICS,
        move |s| {
            let mut entries = Vec::new();
            for slug in greenlight_ledger::claimed_slugs(s)? {
                let Some(series) = s.series_by_slug(&slug)? else {
                    continue;
                };
                entries.extend(series_entries(s, &series, &kinds)?);
            }
            entries.sort_by(|a, b| (a.date, &a.slug).cmp(&(b.date, &b.slug)));
            Ok(calendar::render("greenlight: series calendar", &base, &entries).into_bytes())
        },
    )
    .await
    .unwrap_or_else(|e| e.into_response())
}

/// One series' premieres, announced release dates and decisions, as all-day events.
#[utoipa::path(get, path = "/series/{slug}/calendar.ics", tag = "feeds",
    params(("slug" = String, Path, description = "The series' slug"), CalendarQuery),
    responses((status = 200, description = "iCalendar (RFC 5545; empty for a film)", body = String, content_type = "text/calendar"),
              (status = 400, description = "Unknown kind", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 404, description = "No such series", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn one(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(slug): Path<String>,
    Q(q): Q<CalendarQuery>,
) -> Response {
    let kinds = match Kind::parse_list(q.kind.as_deref()) {
        Ok(k) => k,
        Err(m) => return WebError::BadRequest(m).into_response(),
    };
    let base = base(&headers);
    cached(
        &st,
        &headers,
        format!("{base}{}", key(&uri)),
        ICS,
        move |s| {
            let series = pages::resolve(s, &slug)?;
            let entries = series_entries(s, &series, &kinds)?;
            Ok(
                calendar::render(&format!("{}: greenlight", series.title), &base, &entries)
                    .into_bytes(),
            )
        },
    )
    .await
    .unwrap_or_else(|e| e.into_response())
}
