//! Checking articles: the `/check` page (a plain form: paste text or HTML, or give a URL) and
//! `POST /api/v1/check` (the same in JSON; the body is the CLI's `check --json`). Checking needs
//! no token; `commit: true` (storing the article's decisions in the ledger, as
//! `greenlight read --commit`) needs the write token, as `POST /api/v1/claims` does.
//!
//! Both are rate-limited per client ([`crate::ratelimit`]) and size-capped
//! ([`CHECK_BODY_LIMIT`], 413 as problem JSON). A URL is fetched only if every address it
//! resolves to, at every redirect, is public: the server never fetches loopback, private or
//! link-local addresses for a client (SSRF), unless the test-only switch
//! [`AppState::allow_private_fetch`] is on (tests serve their fixtures on loopback).

use crate::check_page::check_page;
use crate::error::{FieldError, Problem, WebError};
use crate::http::{json, HTML, JSON};
use crate::ratelimit::RateLimiter;
use crate::state::{AppState, Stamp};
use axum::body::Bytes;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::rejection::FormRejection;
use axum::extract::{DefaultBodyLimit, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::NaiveDate;
use greenlight_news::input::{self, Limits, Source};
use greenlight_news::{
    Article, ArticleClaims, CheckReport, CommitReport, Dictionary, NewsError, Outlets,
};
use greenlight_store::Store;
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The largest request body of a check (an article's HTML with room to spare; a 1,000-word
/// article is about 7 KB of text).
pub const CHECK_BODY_LIMIT: usize = 512 * 1024;
/// Checks a client may make at once, and how fast that allowance comes back.
pub const BURST: u32 = 20;
pub const PER_SECOND: f64 = 1.0 / 3.0;

/// How the server fetches a URL it is asked to check: smaller and quicker than the CLI's.
fn web_limits(allow_private: bool) -> Limits {
    Limits {
        max_bytes: 2 * 1024 * 1024,
        connect_timeout: Duration::from_secs(5),
        timeout: Duration::from_secs(10),
        max_redirects: 5,
        max_items: 1,
        allow_private,
    }
}

/// What checking keeps between requests, in [`AppState`].
#[derive(Debug)]
pub struct CheckState {
    limiter: RateLimiter,
    allow_private: AtomicBool,
    /// The title dictionary, rebuilt only when the store changed (its stamp).
    dictionary: Mutex<Option<(Stamp, Arc<Dictionary>)>>,
}

impl Default for CheckState {
    fn default() -> CheckState {
        CheckState {
            limiter: RateLimiter::new(BURST, PER_SECOND),
            allow_private: AtomicBool::new(false),
            dictionary: Mutex::new(None),
        }
    }
}

impl AppState {
    /// TEST ONLY: let URL checks fetch loopback and private addresses, so tests can check
    /// articles they serve on 127.0.0.1. `greenlight serve` never turns it on.
    pub fn allow_private_fetch(&self, on: bool) {
        self.check().allow_private.store(on, Ordering::Release);
    }

    /// Whether that test switch is on (webhooks of `POST /api/v1/follows` obey it too).
    pub fn private_fetch_allowed(&self) -> bool {
        self.check().allow_private.load(Ordering::Acquire)
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(form))
        .routes(routes!(submit))
        .routes(routes!(api))
        .layer(DefaultBodyLimit::max(CHECK_BODY_LIMIT))
}

/// The client's address, when the server was started with it (`greenlight serve` is); clients
/// it cannot tell apart share one allowance.
pub struct Client(Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Client(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// 429 with `Retry-After`, as problem JSON.
fn too_many(wait: u64) -> Response {
    let mut r = Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        format!(
            "too many checks from this client: at most {BURST} at once, then one every {:.0} s; retry in {wait} s",
            1.0 / PER_SECOND
        ),
    )
    .into_response();
    if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

fn news_error(e: NewsError) -> WebError {
    match e {
        NewsError::Store(e) => WebError::Store(e),
        NewsError::Ledger(e) => WebError::Ledger(e),
        e @ NewsError::Input { .. } => WebError::Invalid {
            message: e.to_string(),
            errors: vec![FieldError {
                field: Some("url".into()),
                kind: None,
                message: e.to_string(),
            }],
        },
    }
}

fn invalid(field: &str, message: impl Into<String>) -> WebError {
    let message = message.into();
    WebError::Invalid {
        message: message.clone(),
        errors: vec![FieldError {
            field: Some(field.into()),
            kind: None,
            message,
        }],
    }
}

/// The article a request names: its `text` (HTML or plain; `url` then only its address), else
/// the page at `url`, fetched under the web's limits.
fn article_of(text: &str, url: &str, allow_private: bool) -> Result<Article, WebError> {
    let url = url.trim();
    let url_opt = (!url.is_empty()).then_some(url);
    if !text.trim().is_empty() {
        return Ok(input::article_from_pasted(text, url_opt));
    }
    let Some(u) = url_opt else {
        return Err(invalid(
            "text",
            "give the article's `text`, or its `url` to fetch",
        ));
    };
    if !matches!(Source::parse(u), Source::Url(_)) {
        return Err(invalid("url", format!("`{u}` is not an http(s) URL")));
    }
    let limits = web_limits(allow_private);
    let (bytes, ct) = input::fetch(u, &limits).map_err(news_error)?;
    let mut articles = input::articles_from_bytes(&bytes, Some(u), ct.as_deref(), u, &limits)
        .map_err(news_error)?;
    match articles.len() {
        1 => Ok(articles.remove(0)),
        n => Err(invalid(
            "url",
            format!("{u}: is a feed of {n} items; check one article at a time"),
        )),
    }
}

/// The dictionary for the store as it is now (built once per store content).
fn dictionary(st: &CheckState, store: &Store, stamp: Stamp) -> Result<Arc<Dictionary>, WebError> {
    let cached = st.dictionary.lock().ok().and_then(|d| {
        d.as_ref()
            .filter(|(s, _)| *s == stamp)
            .map(|(_, d)| d.clone())
    });
    if let Some(d) = cached {
        return Ok(d);
    }
    let d = Arc::new(Dictionary::from_store(store).map_err(news_error)?);
    if let Ok(mut slot) = st.dictionary.lock() {
        *slot = Some((stamp, d.clone()));
    }
    Ok(d)
}

/// Extracts and checks `article` as of `as_of` (default: its dateline, else today).
fn check_article(
    app: &AppState,
    store: &Store,
    stamp: Stamp,
    article: Article,
    as_of: Option<NaiveDate>,
) -> Result<(CheckReport, Vec<greenlight_news::Claim>), WebError> {
    let dict = dictionary(app.check(), store, stamp)?;
    let today = chrono::Utc::now().date_naive();
    let report =
        greenlight_news::check_article(store, &dict, &article, as_of, today).map_err(news_error)?;
    let claims = report.claims.iter().map(|c| c.claim.clone()).collect();
    Ok((report, claims))
}

/// `POST /api/v1/check`'s body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// The article: plain text or HTML.
    pub text: Option<String>,
    /// The article's address: fetched when there is no `text` (public addresses only), else
    /// recorded as its URL.
    pub url: Option<String>,
    /// Judge the claims as of this day (default: the article's dateline, else today).
    pub as_of: Option<NaiveDate>,
    /// Also store the article's decision claims in the ledger, citing it (needs a bearer token).
    #[serde(default)]
    pub commit: bool,
}

/// The check of one article; with `commit`, what was stored.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckResponse {
    #[serde(flatten)]
    pub report: CheckReport,
    /// Only when the request asked to commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub committed: Option<CommitReport>,
}

/// Checks an article's claims against the data and the ledger, as of its dateline.
#[utoipa::path(post, path = "/api/v1/check", tag = "api",
    request_body(content = CheckRequest, content_type = "application/json",
        description = "The article's `text` (plain or HTML) or its `url`; at most 512 KiB"),
    security((), ("bearer" = [])),
    responses((status = 200, description = "Every claim with its verdict, true value and sources; the article's own contradictions", body = CheckResponse),
              (status = 401, description = "`commit` without a token, or an unknown one", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 403, description = "`commit` with a revoked token", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 413, description = "Body too large", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 415, description = "Body is not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 422, description = "No article: no text or URL, or the URL could not be read (named, with why)", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 429, description = "Too many checks from this client; see Retry-After", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn api(
    State(st): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    if let Err(wait) = st.check().limiter.take(client) {
        return Ok(too_many(wait));
    }
    super::require_json(&headers)?;
    let req: CheckRequest = serde_json::from_slice(&body).map_err(|e| WebError::Invalid {
        message: format!("the body is not a check request: {e}"),
        errors: vec![FieldError {
            field: None,
            kind: None,
            message: e.to_string(),
        }],
    })?;
    // Who you are before any work, as for every write.
    if req.commit {
        let secret = super::claims::bearer(&headers)?;
        st.read(move |s| crate::tokens::authenticate(s, &secret))
            .await?;
    }
    let allow_private = st.check().allow_private.load(Ordering::Acquire);
    let text = req.text.unwrap_or_default();
    let url = req.url.unwrap_or_default();
    let article = tokio::task::spawn_blocking(move || article_of(&text, &url, allow_private))
        .await
        .map_err(|e| WebError::Internal(format!("fetch task failed: {e}")))??;
    let stamp = st.stamp();
    let app = st.clone();
    let as_of = req.as_of;
    let body = if req.commit {
        st.write(move |s| {
            let (report, claims) = check_article(&app, s, stamp, article.clone(), as_of)?;
            let outlets = Outlets::load(None).map_err(news_error)?;
            let committed =
                greenlight_news::commit(s, &[ArticleClaims { article, claims }], &outlets)
                    .map_err(news_error)?;
            // As after every write: the kept board follows (readers derive it should this fail).
            let _ = greenlight_report::tracker::refresh_if_kept(s);
            greenlight_sync::record_events_after_write(s, "POST /api/v1/check (commit)");
            json(&CheckResponse {
                report,
                committed: Some(committed),
            })
        })
        .await?
    } else {
        st.read(move |s| {
            let (report, _) = check_article(&app, s, stamp, article, as_of)?;
            json(&CheckResponse {
                report,
                committed: None,
            })
        })
        .await?
    };
    Ok(([(header::CONTENT_TYPE, JSON)], body).into_response())
}

fn html_response(status: StatusCode, page: maud::Markup) -> Response {
    let mut r = (status, page.into_string()).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(HTML));
    r
}

/// The check page: the form alone.
#[utoipa::path(get, path = "/check", tag = "pages",
    responses((status = 200, description = "The form: paste an article or give its URL", body = String, content_type = "text/html")))]
pub async fn form() -> Response {
    html_response(StatusCode::OK, check_page("", "", None, None))
}

/// What the form posts.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CheckForm {
    /// The article: plain text or HTML.
    #[serde(default)]
    pub text: String,
    /// Its URL: fetched when there is no text.
    #[serde(default)]
    pub url: String,
}

/// The check page with the article checked: every claim highlighted with its verdict beside it.
#[utoipa::path(post, path = "/check", tag = "pages",
    request_body(content = CheckForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "The article with each claim highlighted and its verdict", body = String, content_type = "text/html"),
              (status = 413, description = "Body too large", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 415, description = "Not a form post", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 422, description = "No article (or its URL could not be read): the form again, saying why", body = String, content_type = "text/html"),
              (status = 429, description = "Too many checks from this client: the form again, saying when to retry", body = String, content_type = "text/html")))]
pub async fn submit(
    State(st): State<AppState>,
    Client(client): Client,
    form: Result<Form<CheckForm>, FormRejection>,
) -> Response {
    // A body that is not a form (415) or too large (413) is problem JSON, as on every route;
    // a form that cannot be read is the form again, saying why (documented as HTML).
    let f = match form {
        Ok(Form(f)) => f,
        Err(e)
            if matches!(
                e.status(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE | StatusCode::PAYLOAD_TOO_LARGE
            ) =>
        {
            return Problem::new(e.status(), e.body_text()).into_response();
        }
        Err(e) => {
            return html_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                check_page(
                    "",
                    "",
                    Some(&format!("The form could not be read: {}", e.body_text())),
                    None,
                ),
            );
        }
    };
    if let Err(wait) = st.check().limiter.take(client) {
        let msg = format!("Too many checks from this address; try again in {wait} s.");
        return html_response(
            StatusCode::TOO_MANY_REQUESTS,
            check_page(&f.text, &f.url, Some(&msg), None),
        );
    }
    let allow_private = st.check().allow_private.load(Ordering::Acquire);
    let (text, url) = (f.text.clone(), f.url.clone());
    let stamp = st.stamp();
    let app = st.clone();
    let result = async {
        let article = tokio::task::spawn_blocking(move || article_of(&text, &url, allow_private))
            .await
            .map_err(|e| WebError::Internal(format!("fetch task failed: {e}")))??;
        st.read(move |s| check_article(&app, s, stamp, article, None).map(|(r, _)| r))
            .await
    }
    .await;
    match result {
        Ok(report) => html_response(
            StatusCode::OK,
            check_page(&f.text, &f.url, None, Some(&report)),
        ),
        Err(e) if e.status().is_client_error() => html_response(
            e.status(),
            check_page(&f.text, &f.url, Some(&e.to_string()), None),
        ),
        Err(e) => e.into_response(),
    }
}
