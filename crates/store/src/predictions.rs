//! Predictions kept when they were made (issue 13, the track record on `/accuracy`): each time
//! the odds of a season awaiting a decision are derived on the latest data (`greenlight list`,
//! `status`, `/tracker`), the probability is stored with the model version and the day, at most
//! once per season per model version per day; when the ledger later learns the decision, the
//! outcome, its date and its deciding source are filled in. Predictions are never changed
//! otherwise, so the record can only be judged, not rewritten. Table of component `predictions`.

use crate::{Store, StoreError};
use chrono::NaiveDate;
use rusqlite::params;

/// The table, as the store's per-component migrations of component `predictions`.
pub(crate) const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE predictions (
    id INTEGER PRIMARY KEY,
    series TEXT NOT NULL,            -- slug (stable across resolutions)
    season INTEGER NOT NULL,         -- the season whose renewal (a next season) was predicted
    probability REAL NOT NULL,
    model_version TEXT NOT NULL,
    made_at TEXT NOT NULL,           -- YYYY-MM-DD, the day the prediction was derived
    outcome TEXT,                    -- `renewed` or `not_renewed`, once the ledger knows
    outcome_status TEXT,             -- the ledger's status word (renewed, canceled, ...)
    outcome_date TEXT,               -- the decision's date, when known
    outcome_precision TEXT,          -- `exact`, `no_later_than`, `reported_by`
    outcome_published TEXT,          -- when the earliest deciding claim was published
    outcome_source TEXT,             -- the deciding source's name
    outcome_url TEXT,                -- and its URL, when it has one
    UNIQUE (series, season, model_version, made_at)
);
"#];

/// A prediction to keep.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPrediction {
    pub series: String,
    pub season: u32,
    pub probability: f64,
    pub model_version: String,
    pub made_at: NaiveDate,
}

/// The decision a prediction turned out against.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictionOutcome {
    /// `renewed` or `not_renewed`.
    pub outcome: String,
    pub status: String,
    pub date: Option<NaiveDate>,
    pub precision: Option<String>,
    pub published: Option<NaiveDate>,
    pub source: Option<String>,
    pub url: Option<String>,
}

/// A kept prediction, with its outcome once known.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub id: i64,
    pub series: String,
    pub season: u32,
    pub probability: f64,
    pub model_version: String,
    pub made_at: NaiveDate,
    pub outcome: Option<PredictionOutcome>,
}

fn date(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

impl Store {
    /// Keeps `rows`, skipping any already kept for its series, season, model version and day;
    /// in one savepoint (so it nests in a caller's transaction). Returns how many were new.
    pub fn record_predictions(&self, rows: &[NewPrediction]) -> Result<usize, StoreError> {
        if rows.is_empty() {
            return Ok(0);
        }
        self.conn.execute_batch("SAVEPOINT record_predictions")?;
        let r = (|| {
            let mut st = self.conn.prepare_cached(
                "INSERT OR IGNORE INTO predictions (series, season, probability, model_version, made_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut n = 0;
            for p in rows {
                n += st.execute(params![
                    p.series,
                    p.season,
                    p.probability,
                    p.model_version,
                    p.made_at.to_string()
                ])?;
            }
            Ok::<usize, rusqlite::Error>(n)
        })();
        match r {
            Ok(n) => {
                self.conn.execute_batch("RELEASE record_predictions")?;
                Ok(n)
            }
            Err(e) => {
                let _ = self
                    .conn
                    .execute_batch("ROLLBACK TO record_predictions; RELEASE record_predictions");
                Err(e.into())
            }
        }
    }

    /// Every kept prediction, oldest first (by day, then series and season); `pending` only
    /// those whose outcome is not known yet.
    pub fn predictions(&self, pending: bool) -> Result<Vec<Prediction>, StoreError> {
        let sql = format!(
            "SELECT id, series, season, probability, model_version, made_at, outcome,
                    outcome_status, outcome_date, outcome_precision, outcome_published,
                    outcome_source, outcome_url
             FROM predictions {} ORDER BY made_at, series, season, model_version",
            if pending { "WHERE outcome IS NULL" } else { "" }
        );
        let mut st = self.conn.prepare(&sql)?;
        let rows = st.query_map([], |r| {
            let outcome: Option<String> = r.get(6)?;
            Ok(Prediction {
                id: r.get(0)?,
                series: r.get(1)?,
                season: r.get(2)?,
                probability: r.get(3)?,
                model_version: r.get(4)?,
                made_at: date(r.get(5)?).unwrap_or_default(),
                outcome: match outcome {
                    None => None,
                    Some(outcome) => Some(PredictionOutcome {
                        outcome,
                        status: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                        date: date(r.get(8)?),
                        precision: r.get(9)?,
                        published: date(r.get(10)?),
                        source: r.get(11)?,
                        url: r.get(12)?,
                    }),
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Fills in the outcome of the predictions `ids` (those still without one). Returns how
    /// many rows changed.
    pub fn set_prediction_outcome(
        &self,
        ids: &[i64],
        o: &PredictionOutcome,
    ) -> Result<usize, StoreError> {
        let mut st = self.conn.prepare_cached(
            "UPDATE predictions SET outcome = ?2, outcome_status = ?3, outcome_date = ?4,
                 outcome_precision = ?5, outcome_published = ?6, outcome_source = ?7, outcome_url = ?8
             WHERE id = ?1 AND outcome IS NULL",
        )?;
        let mut n = 0;
        for id in ids {
            n += st.execute(params![
                id,
                o.outcome,
                o.status,
                o.date.map(|d| d.to_string()),
                o.precision,
                o.published.map(|d| d.to_string()),
                o.source,
                o.url
            ])?;
        }
        Ok(n)
    }
}
