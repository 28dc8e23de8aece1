//! `greenlight serve`: the web site, JSON API and Atom feeds over the store.
//!
//! - Pages ([`pages`]) are server-rendered HTML with inline CSS and no JavaScript, so they work
//!   in any browser, on a phone, behind any proxy, with nothing fetched from elsewhere.
//! - The API returns the CLI's `--json` shapes; its OpenAPI document is generated from the
//!   router and from those shapes' own types ([`http::docs`]).
//! - Feeds ([`feeds`]) are Atom documents of derived status changes.
//! - Writes need a bearer token ([`tokens`]); errors are RFC 9457 problem JSON ([`error`]).
//!
//! Routes are grouped by resource under [`http`] (home, search, series, feeds, claims, docs),
//! each module with its own router. Every GET goes through one helper ([`http::cached`]):
//! cached per store stamp, answering conditional GETs ([`state`]).

pub mod calendar;
pub mod chart;
pub mod check_page;
pub mod cite;
pub mod conn;
pub mod error;
pub mod feeds;
pub mod http;
pub mod pages;
pub mod ratelimit;
pub mod state;
pub mod tokens;
pub mod tracker_pages;

pub use conn::serve_listener;
pub use error::{Problem, WebError};
pub use state::AppState;
pub use tokens::{create_token, list_tokens, revoke_token, TokenInfo};

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use greenlight_store::Store;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

/// Request bodies larger than this are refused (413): a claim is a few hundred bytes.
pub const BODY_LIMIT: usize = 64 * 1024;
/// A request taking longer than this is answered 408 and its work abandoned.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What no route answers: an address with a trailing slash redirects (308) to the address
/// without it (query kept), which a route may answer; anything else is a 404 problem.
async fn not_found(uri: axum::http::Uri) -> Response {
    let path = uri.path();
    if path.len() > 1 && path.ends_with('/') {
        // One leading slash, so `//host/` can't become a redirect to another site.
        let trimmed = format!("/{}", path.trim_matches('/'));
        let to = match uri.query() {
            Some(q) => format!("{trimmed}?{q}"),
            None => trimmed,
        };
        return axum::response::Redirect::permanent(&to).into_response();
    }
    WebError::NotFound("no such page or route".into()).into_response()
}

/// Every route ([`http::routes`]), with the fallback and the layers that hold for all of them.
/// Public for tests and embedding.
pub fn router(state: AppState) -> Router {
    let (routes, _document) = http::routes().split_for_parts();
    routes
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::from_fn(http::problemize))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

/// Headers every response carries: no sniffing, no framing, and a CSP that allows nothing
/// from elsewhere (the pages need no script and load only their own chart).
async fn security_headers(mut r: Response) -> Response {
    let h: &mut HeaderMap = r.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'"),
    );
    r
}

/// Opens the store at `db`, loads the starter catalog when the ledger is empty (so a first run
/// shows something real), and prepares the web's tables.
pub fn prepare(db: PathBuf) -> Result<AppState, WebError> {
    let mut store = Store::open(&db)?;
    greenlight_ledger::prepare(&mut store)?;
    tokens::ensure_schema(&mut store)?;
    drop(store);
    AppState::new(db)
}

/// Serves on `addr` until Ctrl-C or SIGTERM, then finishes the requests in flight.
pub async fn serve(db: PathBuf, addr: SocketAddr) -> Result<(), WebError> {
    let state = tokio::task::spawn_blocking(move || prepare(db))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))??;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    eprintln!(
        "greenlight: serving http://{} (store {})",
        listener.local_addr()?,
        state.db().display()
    );
    serve_listener(listener, state, shutdown()).await?;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// Runs [`serve`] on a new multi-threaded runtime: what `greenlight serve` calls from sync code.
pub fn serve_blocking(db: PathBuf, addr: SocketAddr) -> Result<(), WebError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(serve(db, addr))
}
