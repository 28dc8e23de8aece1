//! The tracker (issue 13): `/tracker` (the scorecard), `/calendar` and `/accuracy` with its
//! calibration plot. Pages, left out of the OpenAPI document (it is the JSON API's); each body is
//! cached per store stamp by [`cached`], so a repeated request is served from memory (and a
//! conditional one with a 304) until the store changes.

use crate::error::WebError;
use crate::http::{cached, key, HTML, Q, SVG};
use crate::pages;
use crate::state::AppState;
use crate::state::Stamp;
use crate::tracker_pages::{self, CalendarSort};
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use greenlight_report::scorecard::{self, Group, Sort};
use greenlight_report::StatusView;
use greenlight_store::Store;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use utoipa_axum::router::OpenApiRouter;

/// The last `report::list` computed, per store file and stamp: the three pages and every sort
/// and filter of `/tracker` render from one list, computed once per change of the store (the
/// lock makes concurrent first requests wait for the one computing, instead of each deriving
/// every series' status).
#[allow(clippy::type_complexity)]
static LIST: Mutex<Option<(PathBuf, Stamp, Arc<Vec<StatusView>>)>> = Mutex::new(None);

fn shared_list(db: &Path, stamp: Stamp, store: &Store) -> Result<Arc<Vec<StatusView>>, WebError> {
    let mut slot = LIST
        .lock()
        .map_err(|_| WebError::Internal("the list cache lock was poisoned".into()))?;
    if let Some((p, st, v)) = slot.as_ref() {
        if p == db && *st == stamp {
            return Ok(v.clone());
        }
    }
    let v = Arc::new(greenlight_report::list(store)?);
    *slot = Some((db.to_path_buf(), stamp, v.clone()));
    Ok(v)
}

pub fn router() -> OpenApiRouter<AppState> {
    // Plain routes, not in the OpenAPI document: it describes the JSON API, and these are
    // pages (the issue 13 brief: only JSON routes are added to it).
    OpenApiRouter::new()
        .route("/tracker", get(tracker_page))
        .route("/calendar", get(calendar_page))
        .route("/accuracy", get(accuracy_page))
        .route("/accuracy/calibration.svg", get(calibration_svg))
}

#[derive(Debug, Deserialize)]
pub struct TrackerQuery {
    /// One group only: `renewed`, `final_season`, `canceled`, `awaiting`, `limited`.
    pub status: Option<String>,
    /// Order within each group: `title` (default), `odds`, `waiting`, `decided`.
    pub sort: Option<String>,
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
    let sort = match q.sort.as_deref() {
        None | Some("") => Sort::Title,
        Some(s) => Sort::from_name(s).ok_or_else(|| {
            WebError::BadRequest(format!(
                "`sort` must be one of title, odds, waiting, decided, not \"{s}\""
            ))
        })?,
    };
    Ok((status, sort))
}

/// The renewal scorecard: every TV series, grouped by status, linked to its deciding source.
pub async fn tracker_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    q: Result<Q<TrackerQuery>, WebError>,
) -> Response {
    let (filter, sort) = match q.and_then(|Q(q)| parse_tracker(&q)) {
        Ok(v) => v,
        Err(e) => return pages::page_error(e),
    };
    let (db, stamp) = (st.db().to_path_buf(), st.stamp());
    cached(&st, &headers, key(&uri), HTML, move |s| {
        let views = shared_list(&db, stamp, s)?;
        let mut card = scorecard::scorecard_of(&views, scorecard::today());
        card.sort(sort);
        Ok(tracker_pages::tracker_page(&card, filter, sort)
            .into_string()
            .into_bytes())
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
    let (db, stamp) = (st.db().to_path_buf(), st.stamp());
    cached(&st, &headers, key(&uri), HTML, move |s| {
        let views = shared_list(&db, stamp, s)?;
        let cal = scorecard::calendar_of(&views, scorecard::today());
        Ok(tracker_pages::calendar_page(&cal, sort)
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
