//! `/`: the home page (latest status changes, this week's Top 10).

use crate::http::{cached, key, HTML};
use crate::pages;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(home))
}

/// The home page: the latest announced decisions and this week's Top 10.
#[utoipa::path(get, path = "/", tag = "pages",
    responses((status = 200, description = "The home page", body = String, content_type = "text/html")))]
pub async fn home(State(st): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    cached(&st, &headers, key(&uri), HTML, |s| {
        Ok(pages::home_page(s)?.into_string().into_bytes())
    })
    .await
    .unwrap_or_else(pages::page_error)
}
