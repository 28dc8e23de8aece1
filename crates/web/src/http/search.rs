//! Search: the page (`/search`) and the API (`/api/v1/search`), over the store's one search.

use crate::error::WebError;
use crate::http::{cached, json, key, HTML, JSON, Q};
use crate::pages;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use greenlight_store::SearchHit;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(page))
        .routes(routes!(api))
}

/// The `q` parameter, refused past the store's query cap before any work (and before the cache,
/// whose key would otherwise be the whole address), with a message naming the parameter.
fn checked_q(q: Option<String>) -> Result<String, WebError> {
    let text = q.unwrap_or_default();
    if text
        .chars()
        .nth(greenlight_store::MAX_QUERY_CHARS)
        .is_some()
    {
        return Err(WebError::BadRequest(format!(
            "`q` is at most {} characters long; this one is longer",
            greenlight_store::MAX_QUERY_CHARS
        )));
    }
    Ok(text)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Any spelling, native titles included; the form alone when absent.
    pub q: Option<String>,
}

/// The search page: the best 30 matches, linked to their series pages.
#[utoipa::path(get, path = "/search", tag = "pages", params(PageQuery),
    responses((status = 200, description = "The results page", body = String, content_type = "text/html"),
              (status = 400, description = "Bad query string", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn page(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    q: Result<Q<PageQuery>, WebError>,
) -> Response {
    let text = match q.and_then(|Q(p)| checked_q(p.q)) {
        Ok(t) => t,
        Err(e) => return pages::page_error(e),
    };
    cached(&st, &headers, key(&uri), HTML, move |s| {
        Ok(pages::search_page(s, &text)?.into_string().into_bytes())
    })
    .await
    .unwrap_or_else(pages::page_error)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Any spelling, native titles included (at most 300 characters; longer is a 400).
    #[param(max_length = 300)]
    pub q: Option<String>,
    /// At most this many hits (1..=100, default 20; outside is a 400).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

/// Series matching a spelling, best first.
#[utoipa::path(get, path = "/api/v1/search", tag = "api", params(SearchQuery),
    responses((status = 200, description = "Best matches first", body = Vec<SearchHit>),
              (status = 400, description = "Bad query", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn api(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Q(q): Q<SearchQuery>,
) -> Result<Response, WebError> {
    let text = checked_q(q.q)?;
    // Refused, not clamped: the document says 1..=100, and a client asking for 3,000,000,000
    // hits should hear that it cannot have them.
    let limit = match q.limit.unwrap_or(20) {
        n @ 1..=100 => n as usize,
        n => {
            return Err(WebError::BadRequest(format!(
                "`limit` must be 1..=100, not {n}"
            )))
        }
    };
    cached(&st, &headers, key(&uri), JSON, move |s| {
        json(&s.search(&text, limit)?)
    })
    .await
}
