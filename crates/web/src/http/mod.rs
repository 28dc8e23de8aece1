//! The web, by resource: one module per resource (its pages, API routes and feed), each with
//! its own [`router`](series::router), merged into one [`OpenApiRouter`] by [`routes`]. Every
//! route is declared once, with `utoipa_axum::routes!`, which registers the handler *and* its
//! operation in the OpenAPI document, so the document served at `/api/v1/openapi.json`
//! ([`docs`]) lists exactly the routes the router has.
//!
//! The plumbing every resource shares lives here: the one cached GET ([`cached`]: conditional
//! GET over bodies cached per store stamp), query parsing that fails as a problem (not as axum's
//! plain-text rejection), and the catch-all that turns any other error response into problem
//! JSON.

pub mod calendar;
pub mod changes;
pub mod check;
pub mod claims;
pub mod docs;
pub mod feeds;
pub mod follows;
pub mod home;
pub mod search;
pub mod series;
pub mod series_list;
pub mod tracker;

use crate::error::{Problem, WebError, PROBLEM_JSON};
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use greenlight_store::Store;
use serde::de::DeserializeOwned;
use utoipa_axum::router::OpenApiRouter;

/// Every route of the site and the API, with the document that describes them (the layers and
/// the fallback are added by [`crate::router`]).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(<docs::ApiDoc as utoipa::OpenApi>::openapi())
        .merge(home::router())
        .merge(search::router())
        .merge(series::router())
        .merge(series_list::router())
        .merge(feeds::router())
        .merge(claims::router())
        .merge(changes::router())
        .merge(calendar::router())
        .merge(follows::router())
        .merge(check::router())
        .merge(tracker::router())
        .merge(docs::router())
}

/// The cache key of a request: its path and query (what a GET's body depends on, with the
/// store's content, which the stamp covers).
pub fn key(uri: &Uri) -> String {
    uri.path_and_query()
        .map_or_else(|| uri.path().to_string(), |p| p.as_str().to_string())
}

/// The site's own address as the request names it, for the absolute links an Atom feed needs.
pub fn base(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    // Only characters a host:port can have, so a crafted Host can't inject markup into feeds.
    let host: String = host
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        .collect();
    format!("http://{host}")
}

pub const JSON: &str = "application/json";
pub const HTML: &str = "text/html; charset=utf-8";
pub const ATOM: &str = "application/atom+xml";
pub const SVG: &str = "image/svg+xml";

/// A query string, deserialized; a malformed one is a 400 problem.
pub struct Q<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Q<T> {
    type Rejection = WebError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, WebError> {
        Query::<T>::try_from_uri(&parts.uri)
            .map(|q| Q(q.0))
            .map_err(|e| WebError::BadRequest(format!("bad query string: {}", e.body_text())))
    }
}

/// Parses an optional `YYYY-MM-DD` query value named `name`. Absent is `None`; present but
/// empty (`?as_of=`) is a 400 naming the parameter: taking it for absent answered "as of today"
/// to a client that meant to send a date and lost it.
pub fn date_param(v: Option<&str>, name: &str) -> Result<Option<NaiveDate>, WebError> {
    match v.map(str::trim) {
        None => Ok(None),
        Some("") => Err(WebError::BadRequest(format!(
            "`{name}` is empty: give a date like 2022-11-08, or leave the parameter out"
        ))),
        // chrono's `%m` and `%d` take one digit too (`2022-8-1`); the documented form is the
        // full ISO 8601 date, so the shape is checked first.
        Some(s) if !iso_date_shape(s) => Err(WebError::BadRequest(format!(
            "`{name}` must be a date like 2022-11-08, not \"{s}\""
        ))),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                WebError::BadRequest(format!(
                    "`{name}` must be a date like 2022-11-08, not \"{s}\""
                ))
            }),
    }
}

/// `YYYY-MM-DD`: four digits, two, two, with dashes.
fn iso_date_shape(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| t == "*" || t.trim_start_matches("W/") == etag)
}

/// Bodies shorter than this are sent as they are: gzip's header and trailer (18 bytes) and the
/// client's inflating buy little on a body that fits a packet or two.
pub const GZIP_MIN: usize = 1024;

/// `body` gzipped (zlib-rs, the default level: each body is compressed once per store stamp and
/// served many times), or `None` when it is too small to gain or would not shrink.
pub fn gzip(body: &[u8]) -> Option<Bytes> {
    use std::io::Write;
    if body.len() < GZIP_MIN {
        return None;
    }
    let mut e = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4),
        flate2::Compression::default(),
    );
    e.write_all(body).ok()?;
    let out = e.finish().ok()?;
    (out.len() < body.len()).then(|| Bytes::from(out))
}

/// Whether the request's `Accept-Encoding` takes gzip (RFC 9110 §12.5.3): `gzip` (or its alias
/// `x-gzip`) with a q-value above 0, else `*` with one. A q-value that is no number counts as 0:
/// the body is then sent as it is, which every client reads.
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    let (mut gzip, mut any) = (None, None);
    for v in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(v) = v.to_str() else { continue };
        for item in v.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| {
                    let (k, v) = p.split_once('=')?;
                    k.trim().eq_ignore_ascii_case("q").then(|| v.trim())
                })
                .next()
                .map_or(1.0, |q| q.parse::<f32>().unwrap_or(0.0));
            match coding.as_str() {
                "gzip" | "x-gzip" => gzip = Some(q > 0.0),
                "*" => any = Some(q > 0.0),
                _ => {}
            }
        }
    }
    gzip.or(any).unwrap_or(false)
}

/// The ETag of `key` under `stamp`, in one encoding: the gzip copy is another representation,
/// so it has another tag (`"…-gz"`), and a cache holding one never takes it for the other.
fn etag_of(stamp: &crate::state::Stamp, key: &str, gzip: bool) -> Result<HeaderValue, WebError> {
    let suffix = if gzip { "-gz" } else { "" };
    HeaderValue::from_str(&format!("\"{}{suffix}\"", stamp.digest(key)))
        .map_err(|e| WebError::Internal(e.to_string()))
}

fn not_modified(etag: HeaderValue) -> Response {
    let mut r = StatusCode::NOT_MODIFIED.into_response();
    r.headers_mut().insert(header::ETAG, etag);
    r.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    r
}

/// Serves the body `make` builds for `key` (the request's path and query, and whatever else the
/// body depends on), with an ETag derived from the store's stamp: 304 when the client has it,
/// the cached body when the store hasn't changed, else a freshly built one.
///
/// Each body is cached with its gzip copy ([`gzip`]), compressed once when built; a request
/// whose `Accept-Encoding` takes gzip gets the copy (`Content-Encoding: gzip`, its own ETag),
/// and every answer says `Vary: Accept-Encoding`, so a shared cache keeps the two apart.
///
/// A build may write: answers derived on first use are kept in the store (the odds, the board,
/// a prediction of the day), which moves the stamp. A body is served and cached only under a
/// stamp that held from before its build to after it, so body and ETag name the same state:
/// when the stamp moved, the body is built once more (finding what the first build kept, so
/// writing nothing), and if it moved again (another writer), served without caching or ETag.
pub async fn cached<F>(
    state: &AppState,
    headers: &HeaderMap,
    key: String,
    content_type: &'static str,
    make: F,
) -> Result<Response, WebError>
where
    F: Fn(&Store) -> Result<Vec<u8>, WebError> + Clone + Send + 'static,
{
    let stamp = state.stamp();
    let wants_gzip = accepts_gzip(headers);
    // A tag of this stamp in the encoding this request would get is a 304 at once: a gzip tag
    // exists only for a body that has a gzip copy, and a client that takes no gzip always gets
    // the plain body.
    let first = etag_of(&stamp, &key, wants_gzip)?;
    if etag_matches(headers, first.to_str().unwrap_or_default()) {
        return Ok(not_modified(first));
    }
    let (body, gz, held) = match state.cached(&key, &stamp) {
        Some((b, gz)) => (b, gz, Some(stamp)),
        None => {
            let build = |make: F| {
                state.read(move |s| {
                    let b = make(s)?;
                    let gz = gzip(&b);
                    Ok((Bytes::from(b), gz))
                })
            };
            let (mut b, mut gz) = build(make.clone()).await?;
            let mut held = stamp;
            let mut after = state.stamp();
            if after != held {
                held = after;
                (b, gz) = build(make).await?;
                after = state.stamp();
            }
            if after == held {
                state.remember(key.clone(), held, b.clone(), gz.clone());
                (b, gz, Some(held))
            } else {
                (b, gz, None)
            }
        }
    };
    let send_gzip = wants_gzip && gz.is_some();
    let etag = match &held {
        // The tag already made, when it names this body (the usual case: a cached body).
        Some(st) if *st == stamp && send_gzip == wants_gzip => Some(first),
        Some(st) => Some(etag_of(st, &key, send_gzip)?),
        None => None,
    };
    if let Some(etag) = &etag {
        if etag_matches(headers, etag.to_str().unwrap_or_default()) {
            return Ok(not_modified(etag.clone()));
        }
    }
    let out = match gz {
        Some(gz) if send_gzip => gz,
        _ => body,
    };
    let mut r = Response::new(Body::from(out));
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if send_gzip {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(etag) = etag {
        h.insert(header::ETAG, etag);
    }
    // Revalidate every time: the ETag makes that a cheap 304.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(r)
}

/// JSON body of `v`.
pub fn json<T: serde::Serialize>(v: &T) -> Result<Vec<u8>, WebError> {
    serde_json::to_vec(v).map_err(|e| WebError::Internal(format!("cannot serialize: {e}")))
}

/// Turns every error response that isn't already a problem (or an HTML error page) into
/// problem JSON: axum's own rejections (404 of unknown routes, 405, 413 from the body limit,
/// 408 from the timeout, 500 from a caught panic) are plain text otherwise.
pub async fn problemize(req: Request, next: Next) -> Response {
    let r = next.run(req).await;
    let status = r.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return r;
    }
    let ct = r
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct.starts_with(PROBLEM_JSON) || ct.starts_with("text/html") {
        return r;
    }
    let allow = r.headers().get(header::ALLOW).cloned();
    let auth = r.headers().get(header::WWW_AUTHENTICATE).cloned();
    let text = match axum::body::to_bytes(r.into_body(), 4096).await {
        Ok(b) if !b.is_empty() => String::from_utf8_lossy(&b).into_owned(),
        _ => status.canonical_reason().unwrap_or("error").to_string(),
    };
    let detail = if status.is_server_error() {
        "internal error; the server log has the details".into()
    } else {
        text
    };
    let mut out = Problem::new(status, detail).into_response();
    if let Some(a) = allow {
        out.headers_mut().insert(header::ALLOW, a);
    }
    if let Some(a) = auth {
        out.headers_mut().insert(header::WWW_AUTHENTICATE, a);
    }
    out
}

/// A JSON body's media type checked once for every JSON write route: `application/json` or any
/// `+json` type, else 415 naming what was sent.
pub(crate) fn require_json(headers: &axum::http::HeaderMap) -> Result<(), WebError> {
    let ct = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if mime == "application/json" || mime.ends_with("+json") {
        Ok(())
    } else {
        Err(WebError::UnsupportedMediaType(format!(
            "the body must be JSON (Content-Type: application/json), not \"{ct}\""
        )))
    }
}

#[cfg(test)]
mod gzip_tests {
    use super::*;

    fn accepts(values: &[&str]) -> bool {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
        }
        accepts_gzip(&h)
    }

    #[test]
    fn accept_encoding_is_read_as_rfc_9110_says() {
        assert!(!accepts(&[]), "no header: the plain body");
        for yes in [
            "gzip",
            "GZIP",
            " gzip ; q=1.0",
            "x-gzip;q=0.5",
            "br, gzip;q=0.1",
            "*",
        ] {
            assert!(accepts(&[yes]), "{yes}");
        }
        // An explicit refusal of gzip holds against `*`; a bad q-value is no acceptance.
        for no in [
            "gzip;q=0",
            "gzip;q=0.000, *",
            "identity",
            "br, deflate",
            "*;q=0",
            "gzip;q=x",
        ] {
            assert!(!accepts(&[no]), "{no}");
        }
        // Several header lines are one list.
        assert!(accepts(&["br", "gzip"]));
    }

    #[test]
    fn a_gzip_copy_inflates_to_its_body_and_small_bodies_get_none() {
        use std::io::Read;
        assert_eq!(gzip(&[b'x'; GZIP_MIN - 1]), None);
        let body: Vec<u8> = (0..20_000u32)
            .flat_map(|i| format!("<tr data-slug=\"s{i}\"><td>row {i}</td></tr>").into_bytes())
            .collect();
        let gz = gzip(&body).expect("a copy");
        assert!(gz.len() < body.len() / 3);
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut back)
            .unwrap();
        assert!(back == body);
    }
}
