//! The web layer's one error type, and its rendering as RFC 9457 problem details.
//!
//! Every failure a client can see is a `application/problem+json` body with the status code that
//! says whose fault it was (4xx: the request; 5xx: us), so API clients need exactly one error
//! parser. Internal details are logged, not sent: a client can't act on a SQLite message.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use greenlight_ledger::LedgerError;
use greenlight_store::StoreError;
use serde::Serialize;

/// The media type of problem details (RFC 9457 §3).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One refused field of a request body (the `errors` extension of a 422 problem).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The offending field (`event_date`, `source.kind`, ...), when one is to blame.
    pub field: Option<String>,
    /// The claim kind, when it could be read.
    pub kind: Option<String>,
    pub message: String,
}

/// Everything that can go wrong while serving a request, or while setting the server up.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    /// No credentials, or credentials we don't know (401: "who are you?").
    #[error("{0}")]
    Unauthorized(String),
    /// Known credentials that may not do this, e.g. a revoked token (403).
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// A well-formed request whose content is refused (422), field by field.
    #[error("{message}")]
    Invalid {
        message: String,
        errors: Vec<FieldError>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Internal(String),
}

/// An RFC 9457 problem details object.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status code and title say what happened.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Per-field reasons, for 422 responses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Problem {
        Problem {
            kind: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").into(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut r = (status, body).into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        r
    }
}

impl From<greenlight_report::ReportError> for WebError {
    fn from(e: greenlight_report::ReportError) -> Self {
        match e {
            greenlight_report::ReportError::Ledger(e) => WebError::Ledger(e),
            // Odds are only ever attached (or their absence explained) inside a report; an odds
            // error reaching here is ours.
            greenlight_report::ReportError::Odds(e) => WebError::Internal(e.to_string()),
            greenlight_report::ReportError::Serialize(e) => WebError::Internal(e),
            e @ greenlight_report::ReportError::Worker(_) => WebError::Internal(e.to_string()),
        }
    }
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            WebError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Store(e) => store_status(e),
            WebError::Ledger(e) => match e {
                LedgerError::NotFound(_) | LedgerError::NotASeries { .. } => StatusCode::NOT_FOUND,
                LedgerError::Invalid(_) | LedgerError::Syntax { .. } => {
                    StatusCode::UNPROCESSABLE_ENTITY
                }
                LedgerError::Store(e) => store_status(e),
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            },
            WebError::Io(_) | WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem a client sees: the message for client errors, a generic line for ours.
    pub fn problem(&self) -> Problem {
        let status = self.status();
        if status.is_server_error() {
            eprintln!("greenlight-web: internal error: {self}");
            return Problem::new(status, "internal error; the server log has the details");
        }
        let mut p = Problem::new(status, self.to_string());
        match self {
            WebError::Invalid { errors, .. } => p.errors = errors.clone(),
            WebError::Ledger(e) => {
                p.errors = e
                    .claim_errors()
                    .iter()
                    .map(|c| FieldError {
                        field: c.field.clone(),
                        kind: c.kind.clone(),
                        message: c.message.clone(),
                    })
                    .collect()
            }
            _ => {}
        }
        p
    }
}

fn store_status(e: &StoreError) -> StatusCode {
    match e {
        StoreError::NotFound(_) => StatusCode::NOT_FOUND,
        StoreError::Invalid(_) => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let unauthorized = matches!(self, WebError::Unauthorized(_));
        let mut r = self.problem().into_response();
        // RFC 9110: a 401 names the scheme that would succeed (RFC 6750 for bearer tokens).
        if unauthorized {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"greenlight\""),
            );
        }
        r
    }
}
