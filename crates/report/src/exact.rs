//! The series report (`greenlight show SERIES`, `GET /api/v1/series/{series}`, the series page)
//! with the exact platform metrics when the store has them (issue 17): a platform's own
//! figures from its member-level logs, imported from a "greenlight exact platform metrics" file
//! (`greenlight_store::platform`), shown beside, and labelled apart from, the public-chart
//! approximation (METRICS.md).
//!
//! Point in time: a window's figures are shown as of a date after the window's last day and on
//! or after the day their file was imported (`Store::exact_metrics`). The import day, not the
//! file's generation date, because that is when greenlight could know them (a platform's own
//! figures are never published); the generation date is shown as provenance.
//!
//! The renewal odds do not use them: the model is trained on public data for every series, and
//! exact figures exist only for one platform's own titles, so a feature taken from them would be
//! missing for nearly every training season (MODEL.md).

use crate::ReportError;
use chrono::NaiveDate;
use greenlight_store::platform::ExactMetric;
use greenlight_store::{SeriesRef, ShowReport, Store};
use serde::Serialize;

/// What the section says its figures are.
pub const LABEL: &str = "Exact platform metrics: the platform's own figures, computed from its member-level viewing logs and imported as a file; not the public-chart approximation";
/// The point-in-time rule, as the report states it.
pub const SHOWN_WHEN: &str = "a window is shown as of dates after its last day and on or after the day its file was imported";

/// `greenlight show SERIES` and `GET /api/v1/series/{series}`: the store's seasons with their
/// Top 10 summary and engagement, and the exact platform metrics when there are any.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesShow {
    #[serde(flatten)]
    pub show: ShowReport,
    /// Absent when the store holds no exact metrics of this series known as of the date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact_platform_metrics: Option<ExactSection>,
}

/// The "Exact platform metrics" section.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExactSection {
    /// [`LABEL`]: the platform's own data, distinct from the public approximation.
    pub label: &'static str,
    /// The date the section is as of (today when none is asked).
    pub as_of: NaiveDate,
    /// [`SHOWN_WHEN`].
    pub shown_when: &'static str,
    /// Per season and window, the latest imported figures; by season, then window.
    pub windows: Vec<ExactWindow>,
}

/// One season in one window, every figure exact as the file gave it (METRICS.md, "Exact
/// metrics"); 128-bit sums as decimal strings, since JSON readers hold numbers in doubles.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExactWindow {
    pub season: u32,
    /// `launch+N` or `FROM..TO`.
    pub window: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Hours viewed, `seconds / 3600` rounded down to two decimals (for display; `seconds` is
    /// exact).
    pub hours: String,
    pub seconds: i64,
    pub views_milli: i64,
    pub viewers: i64,
    pub completers: i64,
    pub completion_nano: i64,
    pub view_share_nano: i64,
    pub avs: String,
    pub avs_share_nano: i64,
    pub cost_micros: Option<i64>,
    pub cost_source: Option<String>,
    pub cost_share_nano: Option<i64>,
    pub efficiency_micro: Option<i64>,
    pub window_seconds: i64,
    pub window_weight: String,
    pub provenance: ExactProvenance,
}

/// Where a window's figures come from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExactProvenance {
    /// The platform or team that computed them (the file's `publisher`).
    pub publisher: String,
    /// The day the file was generated.
    pub generated: NaiveDate,
    /// The file they were imported from, as its path was given to `greenlight import`.
    pub file: String,
    /// When greenlight imported it (RFC 3339, UTC).
    pub imported_at: String,
}

impl ExactWindow {
    fn of(m: ExactMetric) -> ExactWindow {
        let r = m.row;
        ExactWindow {
            season: r.season,
            hours: format!(
                "{}.{:02}",
                r.seconds / 3_600,
                r.seconds % 3_600 * 100 / 3_600
            ),
            window: r.window,
            from: r.from,
            to: r.to,
            seconds: r.seconds,
            views_milli: r.views_milli,
            viewers: r.viewers,
            completers: r.completers,
            completion_nano: r.completion_nano,
            view_share_nano: r.view_share_nano,
            avs: r.avs.to_string(),
            avs_share_nano: r.avs_share_nano,
            cost_micros: r.cost_micros,
            cost_source: r.cost_source,
            cost_share_nano: r.cost_share_nano,
            efficiency_micro: r.efficiency_micro,
            window_seconds: r.window_seconds,
            window_weight: r.window_weight.to_string(),
            provenance: ExactProvenance {
                publisher: m.provenance.publisher,
                generated: m.provenance.generated,
                file: m.file,
                imported_at: m.imported_at,
            },
        }
    }
}

/// The section for series `slug` as of `as_of` (today, UTC, when `None`); `None` when no
/// window is known by then.
pub fn exact_section(
    store: &Store,
    slug: &str,
    as_of: Option<NaiveDate>,
) -> Result<Option<ExactSection>, ReportError> {
    let as_of = as_of.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let rows = store
        .exact_metrics(slug, as_of)
        .map_err(|e| ReportError::Ledger(e.into()))?;
    if rows.is_empty() {
        return Ok(None);
    }
    Ok(Some(ExactSection {
        label: LABEL,
        as_of,
        shown_when: SHOWN_WHEN,
        windows: rows.into_iter().map(ExactWindow::of).collect(),
    }))
}

/// The series report of `series` as of `as_of` (the exact metrics' date; the store's seasons,
/// Top 10 summary and engagement are as stored).
pub fn show(
    store: &Store,
    series: &SeriesRef,
    as_of: Option<NaiveDate>,
) -> Result<SeriesShow, ReportError> {
    let show = store
        .show(series)
        .map_err(|e| ReportError::Ledger(e.into()))?;
    Ok(SeriesShow {
        exact_platform_metrics: exact_section(store, &series.slug, as_of)?,
        show,
    })
}
