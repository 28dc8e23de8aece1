//! `GET /api/v1/series`: the tracker's board (issue 13), every TV series with its status, the
//! same rows, filters and orders as `greenlight list --json` (`greenlight_report::tracker`),
//! a page at a time. Each item is exactly the body of `/api/v1/series/{series}/status`.
//!
//! Pagination is by an opaque cursor: the position (sort key and slug) of the last row served,
//! so the next page starts right after that row even when rows tie on the sort and when rows
//! were added or removed in between. Conditional GET as every route ([`super::cached`]): the
//! ETag changes with any write to the store (a claim through the API included).

use crate::error::WebError;
use crate::http::{cached, date_param, key, JSON, Q};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use greenlight_report::tracker::{self, Language, ListQuery, Row, Sort, SortKey, Wait};
use greenlight_report::StatusView;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

/// Rows a page holds unless `limit` says otherwise, and the most it may ask for.
pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 1000;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only series with this status (`awaiting_decision`, `renewed`, `canceled`, ...).
    pub status: Option<String>,
    /// Only series on this platform (TMDB's network, any case: `netflix`).
    pub platform: Option<String>,
    /// Only series of this Top 10 list: `english` or `non_english`.
    pub language: Option<String>,
    /// Only series with a season premiered after this date (YYYY-MM-DD).
    #[param(format = Date)]
    pub premiered_after: Option<String>,
    /// Only series awaiting a decision longer than this since their latest premiere (`90d`, `12w`).
    pub awaiting_longer_than: Option<String>,
    /// `slug` (default), `odds`, `waiting`, `hours` or `premiere`; ties by slug.
    pub sort: Option<String>,
    /// Rows per page, 1..=1000 (default 100).
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One page of the board, as documented (the handler writes the kept bodies as they are; each
/// item is a [`StatusView`]).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct SeriesPage {
    /// The rows of this page, each the series' status body.
    items: Vec<StatusView>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    next_cursor: Option<String>,
    /// How many rows the filters select in all (every page).
    total: usize,
}

fn param<T: std::str::FromStr<Err = String>>(
    v: Option<&str>,
    name: &str,
) -> Result<Option<T>, WebError> {
    v.map(|s| {
        s.parse::<T>()
            .map_err(|e| WebError::BadRequest(format!("`{name}`: {e}")))
    })
    .transpose()
}

/// The cursor of the row at `k` under `sort`: its key as text, hex-encoded (opaque to clients,
/// checked when read back).
fn encode_cursor(sort: Sort, k: &SortKey) -> String {
    let text = format!("1\t{}\t{}\t{}\t{}", sort.as_str(), k.group, k.value, k.slug);
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_cursor(s: &str, sort: Sort) -> Result<SortKey, WebError> {
    let bad = |why: &str| WebError::BadRequest(format!("`cursor` is not one this API gave: {why}"));
    // A slug is at most a few hundred bytes; a cursor longer than any we write is refused
    // before it is decoded.
    if s.len() > 2048 || !s.len().is_multiple_of(2) {
        return Err(bad("wrong length"));
    }
    let bytes: Vec<u8> = (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2).unwrap_or("zz"), 16))
        .collect::<Result<_, _>>()
        .map_err(|_| bad("not hex"))?;
    let text = String::from_utf8(bytes).map_err(|_| bad("not text"))?;
    let parts: Vec<&str> = text.splitn(5, '\t').collect();
    let [version, sorted, group, value, slug] = parts[..] else {
        return Err(bad("malformed"));
    };
    if version != "1" {
        return Err(bad("unknown version"));
    }
    if sorted != sort.as_str() {
        return Err(bad(&format!(
            "it continues the `{sorted}` order, not `{}`",
            sort.as_str()
        )));
    }
    Ok(SortKey {
        group: group.parse().map_err(|_| bad("malformed"))?,
        value: value.parse().map_err(|_| bad("malformed"))?,
        slug: slug.to_string(),
    })
}

/// The page of `rows` (sorted by `sort`) after `after`, at most `limit` rows, as the body.
fn page(rows: &[Row], sort: Sort, after: Option<&SortKey>, limit: usize) -> String {
    let start = match after {
        Some(k) => rows.partition_point(|r| r.sort_key(sort) <= *k),
        None => 0,
    };
    let end = (start + limit).min(rows.len());
    let items = &rows[start..end];
    let next = (end < rows.len())
        .then(|| items.last().map(|r| encode_cursor(sort, &r.sort_key(sort))))
        .flatten();
    format!(
        "{{\"items\":{},\"next_cursor\":{},\"total\":{}}}",
        tracker::rows_json(items),
        next.map_or_else(|| "null".to_string(), |c| format!("\"{c}\"")),
        rows.len()
    )
}

/// Every TV series with its status: the rows of `greenlight list --json`, a page at a time.
#[utoipa::path(get, path = "/api/v1/series", tag = "api",
    params(ListParams),
    responses((status = 200, description = "A page of the board: every TV series the filters select, with its status", body = SeriesPage),
              (status = 304, description = "Not modified (If-None-Match matched the ETag)"),
              (status = 400, description = "A bad parameter (status, language, date, duration, sort, limit or cursor), named", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Q(p): Q<ListParams>,
) -> Result<Response, WebError> {
    let status = p
        .status
        .as_deref()
        .map(|s| {
            tracker::status_named(s).map_err(|e| WebError::BadRequest(format!("`status`: {e}")))
        })
        .transpose()?;
    let sort: Sort = param(p.sort.as_deref(), "sort")?.unwrap_or_default();
    let limit = match p.limit {
        None => DEFAULT_LIMIT,
        Some(n) if (1..=MAX_LIMIT as u64).contains(&n) => n as usize,
        Some(n) => {
            return Err(WebError::BadRequest(format!(
                "`limit` must be 1..={MAX_LIMIT}, not {n}"
            )))
        }
    };
    let after = p
        .cursor
        .as_deref()
        .map(|c| decode_cursor(c, sort))
        .transpose()?;
    let q = ListQuery {
        status,
        platform: p.platform.filter(|s| !s.trim().is_empty()),
        language: param::<Language>(p.language.as_deref(), "language")?,
        premiered_after: date_param(p.premiered_after.as_deref(), "premiered_after")?,
        awaiting_longer_than: param::<Wait>(
            p.awaiting_longer_than.as_deref(),
            "awaiting_longer_than",
        )?,
        sort,
    };
    cached(&st, &headers, key(&uri), JSON, move |s| {
        let rows = tracker::list_kept(s, &q)?;
        Ok(page(&rows, sort, after.as_ref(), limit).into_bytes())
    })
    .await
}
