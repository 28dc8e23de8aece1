//! `/feeds/status.atom`: the site's feed of announced decisions (the changes themselves are
//! [`crate::feeds`]'s; a series' own feed is under [`super::series`]).

use crate::feeds;
use crate::http::{base, cached, key, ATOM};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(status_feed))
}

/// The latest 50 status changes of every series, as Atom.
#[utoipa::path(get, path = "/feeds/status.atom", tag = "feeds",
    responses((status = 200, description = "Atom feed, newest first", body = String, content_type = "application/atom+xml")))]
pub async fn status_feed(State(st): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    // The feed's links are absolute, so the host is part of what the body depends on.
    let base = base(&headers);
    cached(
        &st,
        &headers,
        format!("{base}{}", key(&uri)),
        ATOM,
        move |s| {
            let changes = feeds::recent_changes(s, 50)?;
            Ok(feeds::atom(
                &base,
                "greenlight: series status changes",
                "/feeds/status.atom",
                &changes,
            ))
        },
    )
    .await
    .unwrap_or_else(|e| e.into_response())
}
