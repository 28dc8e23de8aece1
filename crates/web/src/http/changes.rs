//! `GET /api/v1/changes?since=CURSOR&limit=N`: the change feed for polling clients, the same
//! events the webhooks send (issue 15), oldest first, cursor-paginated by event id.

use crate::error::WebError;
use crate::http::{json, JSON, Q};
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use greenlight_store::sync::ChangesPage;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The most events one page returns.
pub const MAX_PAGE: u64 = 500;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(changes))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// The `next` of the previous page (an event id); from the first event when absent.
    #[param(minimum = 0)]
    pub since: Option<u64>,
    /// At most this many events (1..=500, default 100; outside is a 400).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

/// Events after `since`, oldest first; events a flip back settled within the settle window are
/// left out, as the webhooks leave them out. Not cached: events are added without the store's
/// resolution stamp changing.
#[utoipa::path(get, path = "/api/v1/changes", tag = "api", params(ChangesQuery),
    responses((status = 200, description = "A page of events and the cursor of the next", body = ChangesPage),
              (status = 400, description = "Bad cursor or limit", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn changes(
    State(st): State<AppState>,
    Q(q): Q<ChangesQuery>,
) -> Result<Response, WebError> {
    let limit = match q.limit.unwrap_or(100) {
        n @ 1..=MAX_PAGE => n as usize,
        n => {
            return Err(WebError::BadRequest(format!(
                "`limit` must be 1..={MAX_PAGE}, not {n}"
            )))
        }
    };
    let since = i64::try_from(q.since.unwrap_or(0))
        .map_err(|_| WebError::BadRequest("`since` is not an event id".into()))?;
    let body = st.read(move |s| json(&s.changes(since, limit)?)).await?;
    Ok(([(header::CONTENT_TYPE, JSON)], body).into_response())
}
