//! The tracker (issue 13): `/tracker` (the scorecard's summary) and `/tracker/{group}` (one
//! group, a page at a time), `/calendar` and `/accuracy` with its calibration plot. Pages, left
//! out of the OpenAPI document (it is the JSON API's). The scorecard and the calendar are read
//! from the kept board once per store stamp ([`AppState::board`]), and each body is cached per
//! stamp by [`cached`] with its gzip copy, so a repeated request is served from memory (and a
//! conditional one with a 304) until the store changes.

use crate::error::WebError;
use crate::http::{cached, key, HTML, Q, SVG};
use crate::pages;
use crate::state::AppState;
use crate::tracker_pages::{self, CalendarSort};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use greenlight_report::scorecard::{self, Group, Sort};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    // Plain routes, not in the OpenAPI document: it describes the JSON API, and these are
    // pages (the issue 13 brief: only JSON routes are added to it).
    OpenApiRouter::new()
        .route("/tracker", get(tracker_page))
        .route("/tracker/{group}", get(group_page))
        .route("/calendar", get(calendar_page))
        .route("/accuracy", get(accuracy_page))
        .route("/accuracy/calibration.svg", get(calibration_svg))
}

#[derive(Debug, Deserialize)]
pub struct TrackerQuery {
    /// One group only: `renewed`, `final_season`, `canceled`, `awaiting`, `limited` (the
    /// scorecard's first shape; now a redirect to `/tracker/{group}`).
    pub status: Option<String>,
    /// Order within each group: `title` (default), `odds`, `waiting`, `decided`.
    pub sort: Option<String>,
    /// Carried to the group page by the `status` redirect.
    pub page: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct GroupQuery {
    /// As on `/tracker`.
    pub sort: Option<String>,
    /// 1-based; [`tracker_pages::PAGE_ROWS`] rows a page.
    pub page: Option<String>,
}

fn parse_sort(s: Option<&str>) -> Result<Sort, WebError> {
    match s {
        None | Some("") => Ok(Sort::Title),
        Some(s) => Sort::from_name(s).ok_or_else(|| {
            WebError::BadRequest(format!(
                "`sort` must be one of title, odds, waiting, decided, not \"{s}\""
            ))
        }),
    }
}

/// `?page=`: absent is the first page; otherwise a whole number from 1, in digits.
fn parse_page(s: Option<&str>) -> Result<usize, WebError> {
    match s {
        None => Ok(1),
        Some(p) => p
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| p.parse::<usize>().ok())
            .flatten()
            .filter(|n| *n >= 1)
            .ok_or_else(|| {
                WebError::BadRequest(format!(
                    "`page` must be a page number from 1, like 2, not \"{p}\""
                ))
            }),
    }
}

fn parse_tracker(q: &TrackerQuery) -> Result<(Option<Group>, Sort), WebError> {
    let status = match q.status.as_deref() {
        None | Some("") | Some("all") => None,
        Some(s) => Some(Group::from_name(s).ok_or_else(|| {
            WebError::BadRequest(format!(
                "`status` must be one of renewed, final_season, canceled, awaiting, limited, not \"{s}\""
            ))
        })?),
    };
    Ok((status, parse_sort(q.sort.as_deref())?))
}

/// The renewal scorecard's summary: each group's count and first rows, each linking its group's
/// pages. `?status=GROUP` (the first scorecard's one-group view) redirects to `/tracker/GROUP`.
pub async fn tracker_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    q: Result<Q<TrackerQuery>, WebError>,
) -> Response {
    let (filter, sort, page) = match q.and_then(|Q(q)| {
        let (f, s) = parse_tracker(&q)?;
        let page = match f {
            Some(_) => Some(parse_page(q.page.as_deref())?),
            None => None,
        };
        Ok((f, s, page))
    }) {
        Ok(v) => v,
        Err(e) => return pages::page_error(e),
    };
    if let Some(g) = filter {
        let to = tracker_pages::group_href(g, sort, page.unwrap_or(1));
        return Redirect::permanent(&to).into_response();
    }
    let state = st.clone();
    cached(&st, &headers, key(&uri), HTML, move |s| {
        let board = state.board(s)?;
        Ok(tracker_pages::summary_page(&board.card, sort)
            .into_string()
            .into_bytes())
    })
    .await
    .unwrap_or_else(pages::page_error)
}

/// One group of the scorecard, [`tracker_pages::PAGE_ROWS`] rows a page, in the order asked.
/// An unknown group, or a page past the last, is a 404 page; a bad `sort` or `page` a 400.
pub async fn group_page(
    State(st): State<AppState>,
    Path(group): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    q: Result<Q<GroupQuery>, WebError>,
) -> Response {
    let Some(g) = Group::from_name(&group) else {
        let names: Vec<&str> = Group::ALL.iter().map(|g| g.name()).collect();
        return pages::page_error(WebError::NotFound(format!(
            "The scorecard has no group \"{group}\": its groups are {}.",
            names.join(", ")
        )));
    };
    let (sort, page) = match q.and_then(|Q(q)| {
        Ok((
            parse_sort(q.sort.as_deref())?,
            parse_page(q.page.as_deref())?,
        ))
    }) {
        Ok(v) => v,
        Err(e) => return pages::page_error(e),
    };
    let state = st.clone();
    cached(&st, &headers, key(&uri), HTML, move |s| {
        let board = state.board(s)?;
        let card = &board.card;
        let rows = card.group_sorted(g, sort);
        let pages = tracker_pages::page_count(rows.len());
        if page > pages {
            return Err(WebError::NotFound(format!(
                "{} has {} rows: {pages} page{} of {}, no page {page}.",
                g.heading(),
                rows.len(),
                if pages == 1 { "" } else { "s" },
                tracker_pages::PAGE_ROWS
            )));
        }
        let from = (page - 1) * tracker_pages::PAGE_ROWS;
        let to = (from + tracker_pages::PAGE_ROWS).min(rows.len());
        Ok(
            tracker_pages::group_page(card, g, sort, page, &rows[from..to], rows.len())
                .into_string()
                .into_bytes(),
        )
    })
    .await
    .unwrap_or_else(pages::page_error)
}

#[derive(Debug, Deserialize)]
pub struct CalendarQuery {
    /// `date` (default) or `title`.
    pub sort: Option<String>,
}

/// Announced release dates and premieres ahead, and decisions expected (estimates).
pub async fn calendar_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    q: Result<Q<CalendarQuery>, WebError>,
) -> Response {
    let sort = match q {
        Ok(Q(q)) => match q.sort.as_deref() {
            None | Some("") => CalendarSort::Date,
            Some(s) => match CalendarSort::from_name(s) {
                Some(v) => v,
                None => {
                    return pages::page_error(WebError::BadRequest(format!(
                        "`sort` must be date or title, not \"{s}\""
                    )))
                }
            },
        },
        Err(e) => return pages::page_error(e),
    };
    let state = st.clone();
    cached(&st, &headers, key(&uri), HTML, move |s| {
        let board = state.board(s)?;
        Ok(tracker_pages::calendar_page(&board.calendar, sort)
            .into_string()
            .into_bytes())
    })
    .await
    .unwrap_or_else(pages::page_error)
}

/// The model's backtest and its track record of predictions kept when made.
pub async fn accuracy_page(State(st): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    cached(&st, &headers, key(&uri), HTML, |s| {
        let a = scorecard::accuracy(s)?;
        Ok(tracker_pages::accuracy_page(&a).into_string().into_bytes())
    })
    .await
    .unwrap_or_else(pages::page_error)
}

/// The calibration plot of `/accuracy` (SVG): backtest and track record.
pub async fn calibration_svg(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, WebError> {
    cached(&st, &headers, key(&uri), SVG, |s| {
        let a = scorecard::accuracy(s)?;
        let backtest = a
            .backtest
            .as_ref()
            .map(|b| b.calibration.as_slice())
            .unwrap_or(&[]);
        Ok(crate::chart::calibration(backtest, &a.calibration).into_bytes())
    })
    .await
}
