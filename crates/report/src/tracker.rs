//! The tracker's board kept (issue 13): every TV series' [`StatusView`] for "now", kept in the
//! store (`store::statuses`, table `kept_status`) beside the *evidence hash* of what its
//! derivation read, and refreshed incrementally.
//!
//! The evidence hash of a series is a SHA-256 of
//! - [`VERSION`] (a change of the status rules or of the kept shape bumps it) and the odds'
//!   `kept::VERSION` (the model's),
//! - the day derivation treats as now (`ledger::today`: the age of an undecided season and
//!   whether an announced date has passed depend on it, so every row is stale the next day),
//! - the store's inputs stamp (`Store::training_inputs_stamp`: every dataset's content hash and
//!   dates, the aliases, and the resolution's series/seasons/spellings; the data evidence, the
//!   chart and engagement rows, the catalogue and the odds model are functions of these),
//! - the series' slug and the digest of its own ledger claims (`ledger::claim_digests`: each
//!   claim's id, origin and publication date; a status reads only its own series' claims),
//! - for a row that shows odds, a cut-off's abstention or a premiere window (evidence kept as
//!   `o:<hash>`; the others `p:<hash>`), the odds' fingerprint (`odds::kept::fingerprint`: the
//!   training examples, whose labels every series' announcements decide, and the "when" curves),
//!   since those are the only parts of a row that read other series.
//!
//! So a claim changes the hash of its series alone (a refresh derives one series); an
//! announcement that moves a training label or the curves, the hashes of the rows that read the
//! odds; and an import that stored data, or a new day, all of them (a refresh derives the board).
//!
//! Readers never trust a row blindly: [`list`] recomputes the hashes (a few aggregate queries
//! and one pass over the claims, no derivation) and derives any row whose hash is not the
//! kept one, so a write that has not refreshed yet (another process, a crash between the
//! claim's commit and the refresh) is never shown as current. `--as-of` a past date is not kept:
//! it derives from scratch, point in time ([`crate::status`]).

use crate::{ReportError, StatusView};
use chrono::{Datelike, NaiveDate};
use greenlight_ledger::{self as ledger, LedgerError, Status};
use greenlight_store::query::SeriesForm;
use greenlight_store::statuses::{Facets, KeptStatus};
use greenlight_store::{SeriesRef, Store};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::str::FromStr;

/// Part of every evidence hash: bumped when the status rules or the body's shape change, so rows
/// kept by an older binary are derived again, never served.
pub const VERSION: &str = "status-1";

/// Every status a row can have, as the reports spell them (what `--status` and `?status=`
/// accept).
pub const STATUSES: [Status; 8] = [
    Status::Ordered,
    Status::AwaitingDecision,
    Status::Renewed,
    Status::ReleaseDateAnnounced,
    Status::FinalSeasonAnnounced,
    Status::Canceled,
    Status::Ended,
    Status::LimitedSeries,
];

/// The status spelled `s`, as the reports spell it.
pub fn status_named(s: &str) -> Result<Status, String> {
    STATUSES
        .into_iter()
        .find(|x| x.as_str() == s)
        .ok_or_else(|| {
            let names: Vec<&str> = STATUSES.iter().map(|x| x.as_str()).collect();
            format!("`{s}` is not a status: one of {}", names.join(", "))
        })
}

/// The order of the board. Every order is total: ties are broken by slug.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// By slug.
    #[default]
    Slug,
    /// Highest renewal odds first; series without odds after.
    Odds,
    /// Series awaiting a decision first, the longest wait (oldest latest premiere) first.
    Waiting,
    /// Most hours in the global Top 10 first.
    Hours,
    /// Newest latest premiere first; series with no known premiere after.
    Premiere,
}

impl Sort {
    pub const ALL: [Sort; 5] = [
        Sort::Slug,
        Sort::Odds,
        Sort::Waiting,
        Sort::Hours,
        Sort::Premiere,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Slug => "slug",
            Sort::Odds => "odds",
            Sort::Waiting => "waiting",
            Sort::Hours => "hours",
            Sort::Premiere => "premiere",
        }
    }
}

impl FromStr for Sort {
    type Err = String;
    fn from_str(s: &str) -> Result<Sort, String> {
        Sort::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| {
                format!("`{s}` is not a sort: one of slug, odds, waiting, hours, premiere")
            })
    }
}

/// The language of a series' Top 10 list (`TV (English)` / `TV (Non-English)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    English,
    NonEnglish,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::English => "english",
            Language::NonEnglish => "non_english",
        }
    }
}

impl FromStr for Language {
    type Err = String;
    fn from_str(s: &str) -> Result<Language, String> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "english" | "en" => Ok(Language::English),
            "non_english" => Ok(Language::NonEnglish),
            _ => Err(format!(
                "`{s}` is not a language: english or non_english (the Top 10 lists' split)"
            )),
        }
    }
}

/// A waiting time, `90d` or `12w`: the duration type of `--awaiting-longer-than`, parsed where
/// the flag (or query parameter) is read, so a bad one never reaches the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Wait {
    pub days: u32,
}

/// The longest wait accepted: a century, far above any series' age.
pub const MAX_WAIT_DAYS: u32 = 36_500;

impl FromStr for Wait {
    type Err = String;
    fn from_str(s: &str) -> Result<Wait, String> {
        let t = s.trim();
        let bad = || format!("`{s}` is not a duration: a number of days or weeks, like 90d or 12w");
        let (n, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?);
        let n: u32 = n.parse().map_err(|_| bad())?;
        let days = match unit {
            "d" => Some(n),
            "w" => n.checked_mul(7),
            _ => None,
        }
        .ok_or_else(bad)?;
        if days > MAX_WAIT_DAYS {
            return Err(format!("`{s}` is longer than {MAX_WAIT_DAYS} days"));
        }
        Ok(Wait { days })
    }
}

/// What `list` and `GET /api/v1/series` select: every filter optional, all of them applied.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListQuery {
    pub status: Option<Status>,
    /// TMDB's network, compared without case; series TMDB does not list are left out.
    pub platform: Option<String>,
    pub language: Option<Language>,
    /// Series with a season premiered after this date (the latest premiere the status knows).
    pub premiered_after: Option<NaiveDate>,
    /// Series awaiting a decision whose latest season premiered more than this long before
    /// today (the day the statuses were derived for).
    pub awaiting_longer_than: Option<Wait>,
    pub sort: Sort,
}

/// One row of the board: the status body (`status SERIES --json`'s, as JSON text kept byte for
/// byte) and the columns it is filtered and sorted by.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub slug: String,
    pub status: String,
    pub probability: Option<f64>,
    pub latest_premiere: Option<NaiveDate>,
    pub hours: i64,
    pub platform: Option<String>,
    pub language: Option<String>,
    /// The [`StatusView`] as JSON text.
    pub body: String,
}

/// What a text renderer prints of a row, read from its body.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct RowHead {
    pub series: RowSeries,
    pub next_season: u32,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct RowSeries {
    pub title: String,
}

impl Row {
    /// The title and next season of the row's body.
    pub fn head(&self) -> Result<RowHead, ReportError> {
        serde_json::from_str(&self.body).map_err(|e| ReportError::Serialize(e.to_string()))
    }
}

impl From<KeptStatus> for Row {
    fn from(k: KeptStatus) -> Row {
        Row {
            slug: k.slug,
            status: k.status,
            probability: k.probability,
            latest_premiere: k.latest_premiere,
            hours: k.hours,
            platform: k.platform,
            language: k.language,
            body: k.body,
        }
    }
}

/// A row's place in `sort`: (group, value, slug), compared in that order, ascending. Kept
/// in cursors, so a page continues after exactly the row it ended on, ties included.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SortKey {
    pub group: u8,
    pub value: i64,
    pub slug: String,
}

impl Row {
    pub fn sort_key(&self, sort: Sort) -> SortKey {
        let days = |d: NaiveDate| i64::from(d.num_days_from_ce());
        let (group, value) = match sort {
            Sort::Slug => (0, 0),
            // Probabilities are in [0, 1]: for non-negative floats the bits order as the values.
            Sort::Odds => match self.probability {
                Some(p) => (0, -(p.max(0.0).to_bits() as i64)),
                None => (1, 0),
            },
            Sort::Waiting => {
                let waiting = self.status == Status::AwaitingDecision.as_str();
                match (waiting, self.latest_premiere) {
                    (true, Some(d)) => (0, days(d)),
                    (true, None) => (1, 0),
                    (false, Some(d)) => (2, days(d)),
                    (false, None) => (3, 0),
                }
            }
            Sort::Hours => (0, -self.hours),
            Sort::Premiere => match self.latest_premiere {
                Some(d) => (0, -days(d)),
                None => (1, 0),
            },
        };
        SortKey {
            group,
            value,
            slug: self.slug.clone(),
        }
    }

    fn keeps(&self, q: &ListQuery, today: NaiveDate) -> bool {
        if q.status.is_some_and(|s| s.as_str() != self.status) {
            return false;
        }
        if let Some(p) = &q.platform {
            if !self
                .platform
                .as_deref()
                .is_some_and(|x| x.eq_ignore_ascii_case(p.trim()))
            {
                return false;
            }
        }
        if q.language
            .is_some_and(|l| self.language.as_deref() != Some(l.as_str()))
        {
            return false;
        }
        if let Some(after) = q.premiered_after {
            if self.latest_premiere.is_none_or(|d| d <= after) {
                return false;
            }
        }
        if let Some(w) = q.awaiting_longer_than {
            let waited = self
                .latest_premiere
                .map(|d| (today - d).num_days())
                .filter(|_| self.status == Status::AwaitingDecision.as_str());
            if waited.is_none_or(|d| d <= i64::from(w.days)) {
                return false;
            }
        }
        true
    }
}

/// A series whose status changed in a [`refresh`]: `old` is `None` for a series new to the
/// board, `new` `None` for one no longer on it (no longer a TV series of the store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    pub slug: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// What a [`refresh`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Refreshed {
    /// Series derived again (their evidence had changed, or they were not kept).
    pub derived: usize,
    /// Of those, the ones whose status changed (old -> new), by slug.
    pub changed: Vec<StatusChange>,
}

/// The hash inputs shared by every series of the store as it is now.
struct Evidence {
    /// What every row reads: the versions, the day and the store's inputs stamp. The board's
    /// generation: while it is the kept one, the series on the board are the kept ones.
    base: String,
    /// What a row that shows odds or a premiere window reads besides its own series: the odds'
    /// fingerprint (`kept::fingerprint`: the training examples, labelled by the ledger's dated
    /// decisions, and the "when" curves).
    model: String,
    claims: HashMap<String, String>,
}

impl Evidence {
    /// The evidence now, and what computing the odds' fingerprint loaded, if it was not kept
    /// (the odds computed next reuse it).
    fn now(
        store: &Store,
        today: NaiveDate,
    ) -> Result<(Evidence, Option<greenlight_odds::kept::Loaded>), ReportError> {
        // An announcement about one series changes the training labels or the curves only
        // sometimes (a decision about a season old enough to train on, a series the curves did
        // not count); then the fingerprint changes and every row that shows odds or a window
        // is stale (they all quote the backtest, so they all can change). Otherwise only its own
        // series' claims digest changes: one row is stale.
        let mut ph = greenlight_store::timing::Phases::named("evidence");
        let (model, loaded) = greenlight_odds::kept::fingerprint_loading(store)?;
        ph.mark("fingerprint");
        let inputs = store.training_inputs_stamp().map_err(LedgerError::from)?;
        ph.mark("inputs stamp");
        let claims = ledger::claim_digests(store)?;
        ph.mark("claims' digests");
        let ev = Evidence {
            base: format!(
                "{VERSION}\t{today}\t{}\t{inputs}",
                greenlight_odds::kept::VERSION
            ),
            model,
            claims,
        };
        Ok((ev, loaded))
    }

    /// The evidence of `slug`'s row, with what it read: `o:` rows read the odds' fingerprint,
    /// `p:` rows their own series only (and the base), so a kept row says which it is.
    fn of(&self, slug: &str, reads_model: bool) -> String {
        let claims = self.claims.get(slug).map_or("-", String::as_str);
        if reads_model {
            let h = greenlight_store::hash::sha256_hex(
                format!("{}\t{}\t{slug}\t{claims}", self.base, self.model).as_bytes(),
            );
            format!("o:{h}")
        } else {
            let h = greenlight_store::hash::sha256_hex(
                format!("{}\t{slug}\t{claims}", self.base).as_bytes(),
            );
            format!("p:{h}")
        }
    }

    /// Whether a kept row's evidence is current: recomputed as the row says it was computed.
    fn current(&self, slug: &str, kept: &str) -> bool {
        match kept.split_once(':') {
            Some(("o", _)) => kept == self.of(slug, true),
            Some(("p", _)) => kept == self.of(slug, false),
            _ => false,
        }
    }
}

/// Derives the rows of `series` (all TV series), as [`crate::list`] assembles them: the ledger's
/// status, the odds of the awaiting ones in one pass over the kept odds, the outlook. Each row
/// comes with whether it may be kept: one whose odds failed for the store's or the model's
/// sake (a lock held too long, say), not the data's, is the answer now but is not kept, as the
/// kept odds themselves never keep such an error, so the next reader tries again.
fn derive_rows(
    store: &Store,
    series: &[SeriesRef],
    ev: &Evidence,
    loaded: Option<greenlight_odds::kept::Loaded>,
) -> Result<Vec<(KeptStatus, bool)>, ReportError> {
    if series.is_empty() {
        return Ok(Vec::new());
    }
    let mut ph = greenlight_store::timing::Phases::named("board derived");
    // Each status reads its own series' rows and claims: on every core, in order.
    let statuses = crate::cores::map(store, series.to_vec(), |store, s| {
        Ok(ledger::status_read_for_series(store, &s, None)?)
    })?;
    ph.mark("statuses");
    let facets = store.series_facets().map_err(LedgerError::from)?;
    let hours = store.series_top10_hours().map_err(LedgerError::from)?;
    ph.mark("facets");
    let views = crate::views_of(store, statuses, loaded)?;
    ph.mark("odds and views");
    let mut out = Vec::with_capacity(views.len());
    for v in views {
        out.push((
            kept_row(
                &v.view,
                ev.of(&v.view.status.series.slug, v.reads_model),
                &facets,
                &hours,
            )?,
            !v.transient,
        ));
    }
    ph.mark("bodies");
    Ok(out)
}

fn kept_row(
    v: &StatusView,
    evidence: String,
    facets: &HashMap<i64, Facets>,
    hours: &HashMap<i64, i64>,
) -> Result<KeptStatus, ReportError> {
    let s = &v.status.series;
    let f = facets.get(&s.id).cloned().unwrap_or_default();
    Ok(KeptStatus {
        slug: s.slug.clone(),
        evidence,
        status: v.status.status.as_str().to_string(),
        probability: match &v.odds {
            Some(crate::OddsOrWhy::Odds(o)) => Some(o.probability),
            _ => None,
        },
        latest_premiere: v.status.seasons.iter().filter_map(|o| o.premiered_on).max(),
        hours: hours.get(&s.id).copied().unwrap_or(0),
        platform: f.platform,
        language: f.language,
        body: serde_json::to_string(v).map_err(|e| ReportError::Serialize(e.to_string()))?,
    })
}

/// The board as it should be now, and what changed against the kept one: the kept rows whose
/// evidence hash is current, the others derived. When the store's inputs (or the day) are what
/// the kept board was refreshed for, the series on the board are the kept ones (the store's
/// series set is a function of those inputs) and only the rows of series whose claims changed
/// are derived; otherwise every TV series is listed again from the store.
/// What [`current`] found: the kept rows as they were, the rows derived now, the slugs no
/// longer on the board, and the day the rows are for.
struct Current {
    kept: Vec<KeptStatus>,
    derived: Vec<KeptStatus>,
    gone: Vec<String>,
    today: NaiveDate,
}

fn current(store: &Store, bodies: bool) -> Result<Current, ReportError> {
    let mut ph = greenlight_store::timing::Phases::named("board");
    let today = ledger::today();
    let (ev, loaded) = Evidence::now(store, today)?;
    ph.mark("evidence");
    let kept = if bodies {
        store.kept_statuses()
    } else {
        store.kept_status_heads()
    }
    .map_err(LedgerError::from)?;
    let generation = store.kept_status_generation().map_err(LedgerError::from)?;
    let (board, gone): (Vec<SeriesRef>, Vec<String>) =
        if generation.as_deref() == Some(ev.base.as_str()) {
            // The kept rows are the TV series of the generation's inputs (the full path below
            // listed them), and every input of a series' form is in that stamp: they are still
            // TV series, which `derive_rows` relies on (it does not look the form up again).
            let stale: Vec<SeriesRef> = kept
                .iter()
                .filter(|k| !ev.current(&k.slug, &k.evidence))
                .map(|k| store.series(&k.slug))
                .collect::<Result<_, _>>()
                .map_err(LedgerError::from)?;
            (stale, Vec::new())
        } else {
            let forms = store.series_forms().map_err(LedgerError::from)?;
            let tv: Vec<SeriesRef> = store
                .all_series()
                .map_err(LedgerError::from)?
                .into_iter()
                .filter(|s| forms.get(&s.slug) == Some(&SeriesForm::Series))
                .collect();
            let on_board: HashSet<&str> = tv.iter().map(|s| s.slug.as_str()).collect();
            let gone = kept
                .iter()
                .filter(|k| !on_board.contains(k.slug.as_str()))
                .map(|k| k.slug.clone())
                .collect();
            let by_slug: HashMap<&str, &str> = kept
                .iter()
                .map(|k| (k.slug.as_str(), k.evidence.as_str()))
                .collect();
            let stale = tv
                .iter()
                .filter(|s| {
                    !by_slug
                        .get(s.slug.as_str())
                        .is_some_and(|e| ev.current(&s.slug, e))
                })
                .cloned()
                .collect();
            (stale, gone)
        };
    ph.mark("stale rows found");
    let rows = derive_rows(store, &board, &ev, loaded)?;
    ph.mark("derived");
    let keep: Vec<KeptStatus> = rows
        .iter()
        .filter(|(_, keep)| *keep)
        .map(|(r, _)| r.clone())
        .collect();
    let derived: Vec<KeptStatus> = rows.into_iter().map(|(r, _)| r).collect();
    // Keep the generation beside the rows: the next reader lists the kept series. Nothing is
    // written when nothing changed, so a reader of a current board leaves the file untouched
    // (the web's ETag is a stamp of the file).
    let unchanged =
        derived.is_empty() && gone.is_empty() && generation.as_deref() == Some(ev.base.as_str());
    if !unchanged && store.put_kept_statuses(&keep, &gone, &ev.base).is_err() {
        // A store that cannot be written (read-only, full disk) still answers: the rows just
        // derived are the answer, only not kept.
    }
    ph.mark("kept");
    Ok(Current {
        kept,
        derived,
        gone,
        today,
    })
}

/// Brings the kept board up to date with the store: derives again exactly the series whose
/// evidence hash changed (one series after a claim; all after an import that stored data, or
/// on a new day), keeps them in one transaction, and returns the series whose status changed,
/// old -> new (for the stay-current issue's events). Run after every import, claim and
/// `read --commit`; a reader that comes first derives the stale rows itself ([`list`]).
pub fn refresh(store: &Store) -> Result<Refreshed, ReportError> {
    let Current {
        kept,
        derived,
        gone,
        ..
    } = current(store, false)?;
    let old: HashMap<&str, &str> = kept
        .iter()
        .map(|k| (k.slug.as_str(), k.status.as_str()))
        .collect();
    let mut changed: Vec<StatusChange> = derived
        .iter()
        .filter(|d| old.get(d.slug.as_str()) != Some(&d.status.as_str()))
        .map(|d| StatusChange {
            slug: d.slug.clone(),
            old: old.get(d.slug.as_str()).map(|s| s.to_string()),
            new: Some(d.status.clone()),
        })
        .collect();
    changed.extend(gone.iter().map(|g| StatusChange {
        slug: g.clone(),
        old: old.get(g.as_str()).map(|s| s.to_string()),
        new: None,
    }));
    changed.sort_by(|a, b| a.slug.cmp(&b.slug));
    Ok(Refreshed {
        derived: derived.len(),
        changed,
    })
}

/// [`refresh`], when the board is kept at all (someone has listed it in this store): what
/// every write runs after its commit. A store whose board was never asked for keeps none, so
/// the writes of a store nobody lists (and the tests' many imports) derive nothing; the first
/// reader derives the whole board and keeps it.
pub fn refresh_if_kept(store: &Store) -> Result<Option<Refreshed>, ReportError> {
    if store
        .kept_status_generation()
        .map_err(LedgerError::from)?
        .is_none()
    {
        return Ok(None);
    }
    refresh(store).map(Some)
}

/// `greenlight list` and `GET /api/v1/series`: the board's rows that `q` selects, in its order,
/// each row's body exactly what `status SERIES --json` gives for that series now. Reads the kept
/// board, deriving (and keeping) only rows whose evidence changed since it was kept.
pub fn list_kept(store: &Store, q: &ListQuery) -> Result<Vec<Row>, ReportError> {
    let Current {
        kept,
        derived,
        gone,
        today,
    } = current(store, true)?;
    let mut fresh: HashMap<String, KeptStatus> =
        derived.into_iter().map(|d| (d.slug.clone(), d)).collect();
    let gone: HashSet<String> = gone.into_iter().collect();
    let mut board: Vec<KeptStatus> = kept
        .into_iter()
        .filter(|k| !gone.contains(&k.slug))
        .map(|k| fresh.remove(&k.slug).unwrap_or(k))
        .collect();
    board.extend(fresh.into_values());
    let mut rows: Vec<Row> = board
        .into_iter()
        .map(Row::from)
        .filter(|r| r.keeps(q, today))
        .collect();
    rows.sort_by_cached_key(|r| r.sort_key(q.sort));
    Ok(rows)
}

/// The rows as a JSON array of the kept bodies, written as kept (no re-serialization): the body
/// of `list --json`, and of the API route's `items`.
pub fn rows_json(rows: &[Row]) -> String {
    let mut out = String::with_capacity(rows.iter().map(|r| r.body.len() + 2).sum::<usize>() + 2);
    out.push('[');
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&r.body);
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_parse_as_days_or_weeks_and_bad_ones_are_refused() {
        assert_eq!("90d".parse::<Wait>(), Ok(Wait { days: 90 }));
        assert_eq!("12w".parse::<Wait>(), Ok(Wait { days: 84 }));
        assert_eq!(
            "36500d".parse::<Wait>(),
            Ok(Wait {
                days: MAX_WAIT_DAYS
            })
        );
        for bad in ["90", "d", "90 d", "-1d", "3m", "36501d", "9999999999w", ""] {
            assert!(bad.parse::<Wait>().is_err(), "{bad}");
        }
    }

    fn row(slug: &str, status: Status, p: Option<f64>, premiere: Option<&str>, hours: i64) -> Row {
        Row {
            slug: slug.into(),
            status: status.as_str().into(),
            probability: p,
            latest_premiere: premiere.map(|d| d.parse().unwrap()),
            hours,
            platform: None,
            language: None,
            body: String::new(),
        }
    }

    #[test]
    fn every_order_is_total_with_ties_by_slug() {
        let rows = [
            row(
                "b",
                Status::AwaitingDecision,
                Some(0.5),
                Some("2024-01-01"),
                10,
            ),
            row(
                "a",
                Status::AwaitingDecision,
                Some(0.5),
                Some("2023-01-01"),
                10,
            ),
            row("c", Status::Canceled, None, None, 30),
            row("d", Status::AwaitingDecision, Some(0.9), None, 0),
        ];
        let order = |sort: Sort| -> Vec<&str> {
            let mut v: Vec<&Row> = rows.iter().collect();
            v.sort_by_key(|r| r.sort_key(sort));
            v.iter().map(|r| r.slug.as_str()).collect()
        };
        assert_eq!(order(Sort::Slug), ["a", "b", "c", "d"]);
        assert_eq!(order(Sort::Odds), ["d", "a", "b", "c"]);
        assert_eq!(order(Sort::Waiting), ["a", "b", "d", "c"]);
        assert_eq!(order(Sort::Hours), ["c", "a", "b", "d"]);
        assert_eq!(order(Sort::Premiere), ["b", "a", "c", "d"]);
    }
}
