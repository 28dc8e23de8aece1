//! The OpenAPI 3 document, generated from the handlers' annotations.
//!
//! The response bodies are the store's and the ledger's report structs, which don't derive
//! `ToSchema` (they belong to crates that shouldn't depend on an HTTP library). The structs here
//! describe them for the document only: every field they name is checked by schema validation
//! (schemathesis), nested details are left open (`Object`), and JSON Schema's open objects mean a
//! field added later to a report never breaks the contract. They are never built.
#![allow(dead_code)]

use serde::Serialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct SeriesRef {
    pub slug: String,
    pub title: String,
    /// `tv`, `film` or `unknown`.
    pub kind: String,
}

#[derive(Serialize, ToSchema)]
pub struct SearchHit {
    pub series: SeriesRef,
    pub matched: String,
    pub score: f64,
}

#[derive(Serialize, ToSchema)]
pub struct Show {
    pub series: SeriesRef,
    #[schema(value_type = Vec<Object>)]
    pub seasons: Vec<()>,
}

/// The derived status of the next season.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusValue {
    Ordered,
    AwaitingDecision,
    Renewed,
    ReleaseDateAnnounced,
    FinalSeasonAnnounced,
    Canceled,
    Ended,
    LimitedSeries,
}

/// How well a date is known: the day itself, a bound ("by"), or only when it was reported.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DatePrecisionValue {
    Exact,
    NoLaterThan,
    ReportedBy,
}

#[derive(Serialize, ToSchema)]
pub struct Status {
    pub series: SeriesRef,
    #[schema(format = Date)]
    pub as_of: Option<String>,
    pub status: StatusValue,
    #[schema(format = Date)]
    pub decided_on: Option<String>,
    pub decided_on_precision: Option<DatePrecisionValue>,
    pub next_season: u32,
    #[schema(format = Date)]
    pub release_date: Option<String>,
    pub confidence: f64,
    pub confidence_reason: String,
    #[schema(value_type = Vec<Object>)]
    pub evidence: Vec<()>,
    #[schema(value_type = Vec<Object>)]
    pub contradictions: Vec<()>,
    #[schema(value_type = Vec<Object>)]
    pub viewing_claims: Vec<()>,
    #[schema(value_type = Vec<Object>)]
    pub seasons: Vec<()>,
    pub claims_considered: u64,
    pub data_claims_considered: u64,
    /// Renewal odds (or `{"unavailable": why}`), present only while `status` is
    /// `awaiting_decision`.
    #[schema(value_type = Option<Object>)]
    pub odds: Option<()>,
}

#[derive(Serialize, ToSchema)]
pub struct HoursWeek {
    #[schema(format = Date)]
    pub week_end: String,
    pub rank: u32,
    pub hours: i64,
    pub season: String,
}

#[derive(Serialize, ToSchema)]
pub struct Hours {
    pub series: SeriesRef,
    pub season: Option<String>,
    #[schema(format = Date)]
    pub from: Option<String>,
    #[schema(format = Date)]
    pub to: Option<String>,
    pub hours: i64,
    pub weeks: Vec<HoursWeek>,
    pub excluded_weeks: Vec<HoursWeek>,
}

#[derive(Serialize, ToSchema)]
pub struct TimelineEntry {
    #[schema(format = Date)]
    pub date: String,
    /// `event` or `published`.
    pub dated_by: String,
    pub summary: String,
    pub kind: String,
    /// `ledger` or `data`.
    pub origin: String,
}

#[derive(Serialize, ToSchema)]
pub struct Timeline {
    pub series: SeriesRef,
    pub entries: Vec<TimelineEntry>,
}

#[derive(Serialize, ToSchema)]
pub struct Reception {
    pub series: SeriesRef,
    #[schema(value_type = Vec<Object>)]
    pub entries: Vec<()>,
}

#[derive(Serialize, ToSchema)]
pub struct CastMember {
    pub person: String,
    pub characters: Vec<String>,
    pub tier: Option<String>,
    #[schema(format = Date)]
    pub announced: Option<String>,
    pub seasons: Vec<u32>,
    pub sources: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CrewMember {
    pub person: String,
    pub roles: Vec<String>,
    pub episodes: Vec<String>,
    pub sources: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Cast {
    pub series: SeriesRef,
    pub cast: Vec<CastMember>,
    pub crew: Vec<CrewMember>,
}

#[derive(Serialize, ToSchema)]
pub struct ChartWeek {
    #[schema(format = Date)]
    pub week_end: String,
    pub category: String,
    pub rank: u32,
    pub hours: i64,
    pub views: Option<i64>,
    pub runtime: Option<f64>,
    pub cumulative_weeks: u32,
    pub season: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ClaimSource {
    pub name: String,
    pub url: Option<String>,
    /// `platform`, `trade_press`, `dataset` or `fan_site`.
    pub kind: String,
}

/// One claim, as in a claims file (`crates/ledger/CLAIMS.md` lists every kind and its fields).
#[derive(Serialize, ToSchema)]
pub struct ClaimBody {
    /// `season_renewed`, `canceled`, `premiered`, `cast`, ...
    pub kind: String,
    /// Any spelling of the series, or its slug.
    pub series: String,
    pub season: Option<u32>,
    pub person: Option<String>,
    #[schema(format = Date)]
    pub event_date: Option<String>,
    #[schema(format = Date)]
    pub published: String,
    pub source: ClaimSource,
    pub entered_by: Option<String>,
    pub note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Added {
    pub hash: String,
    pub series: String,
    pub added: bool,
    pub summary: String,
}

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "greenlight", description = "Will there be another season? Series status derived from dated, sourced claims and Netflix's viewing data."),
    paths(crate::api::search, crate::api::series, crate::api::status, crate::api::hours, crate::api::timeline,
          crate::api::reception, crate::api::cast, crate::api::chart, crate::api::add_claim),
    components(schemas(crate::error::Problem, crate::error::FieldError)),
    modifiers(&Security)
)]
pub struct ApiDoc;

/// The document as served at `/api/v1/openapi.json`.
pub fn openapi_json() -> Vec<u8> {
    ApiDoc::openapi().to_json().unwrap_or_default().into_bytes()
}
