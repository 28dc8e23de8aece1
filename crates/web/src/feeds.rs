//! Status changes, and their Atom feeds.
//!
//! A *status change* is a decision someone announced about a season: a series order, a
//! renewal, a cancellation, a final season, a limited series, a release date. Each comes from
//! the same [`StatusReport`] the series page shows (its per-season outcomes and their deciding
//! claims), so the home page, the feeds and the series page cannot disagree.
//!
//! What is *not* a change: a season showing up in Netflix's viewing data. Every chart sighting
//! makes the ledger read "season N premiered, so it was made", which is evidence for the status
//! but no news about it; listing those buried the real announcements under one pseudo-change
//! per chart week. So an outcome is a change only when at least one of its deciding claims is a
//! *statement* of a decision: a typed claim, or catalogue data (TMDB) about a season not yet out.
//! One entry per series and date: decisions announced on the same day (a renewal and a release
//! date in one article) are one entry.

use crate::cite::{claim_when, decision_when, safe_href, viewing_dataset, When};
use crate::error::WebError;
use atom_syndication::{Entry, Feed, FixedDateTime, Link, Person, Text};
use chrono::{NaiveDate, TimeZone, Utc};
use greenlight_ledger::{
    self as ledger, ClaimValue, EvidenceClaim, LedgerError, Origin, Role, SeasonOutcome, Status,
    StatusReport,
};
use greenlight_store::{SeriesRef, Store};

/// A source an entry cites.
#[derive(Debug, Clone, PartialEq)]
pub struct Cited {
    pub name: String,
    pub url: Option<String>,
}

/// One dated status change of one series (possibly several decisions of the same day).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub series: SeriesRef,
    pub date: NaiveDate,
    pub when: When,
    /// The latest season the change decides.
    pub season: u32,
    pub status: Status,
    /// What changed, without the series' title: "renewed for season 3".
    pub what: String,
    /// The deciding claims' sources, best standing first, each once.
    pub sources: Vec<Cited>,
}

impl Change {
    /// The change as one line of text: "Wednesday: renewed for season 3".
    pub fn text(&self) -> String {
        format!("{}: {}", self.series.title, self.what)
    }
}

/// A status in words, for badges and feeds. A status the ledger adds later is named from its
/// identifier until it gets its own words here.
pub fn status_label(s: Status) -> String {
    match s {
        Status::Ordered => "ordered",
        Status::AwaitingDecision => "awaiting decision",
        Status::Renewed => "renewed",
        Status::ReleaseDateAnnounced => "release date announced",
        Status::FinalSeasonAnnounced => "final season announced",
        Status::Canceled => "canceled",
        Status::Ended => "ended",
        Status::LimitedSeries => "limited series",
    }
    .to_string()
}

/// Whether the site asks season questions of `series` (status, odds, outlook). Films never have
/// a next season; specials are refused by the ledger (`series_form`), which `series_status` reads.
pub fn is_series(series: &SeriesRef) -> bool {
    series.kind != "film"
}

/// The status report the pages and feeds show for `series`, or `None` when it is not a series.
/// The ledger refuses a status for what has no seasons (films, specials): that refusal means
/// "no status box", not a failed page, so only the store's and the database's errors fail.
pub fn series_status(store: &Store, series: &SeriesRef) -> Result<Option<StatusReport>, WebError> {
    if !is_series(series) {
        return Ok(None);
    }
    match ledger::status_for(store, series, None) {
        Ok(r) => Ok(Some(r)),
        Err(
            e @ (LedgerError::Store(_)
            | LedgerError::Sql(_)
            | LedgerError::Corrupt { .. }
            | LedgerError::Io { .. }),
        ) => Err(e.into()),
        Err(_) => Ok(None),
    }
}

/// A claim that states a decision about a season, as opposed to evidence that the season
/// exists. Viewing data never does; catalogue data does only about a season not yet out
/// (about one that premiered, TMDB's status repeats what the chart already showed).
fn states_decision(e: &EvidenceClaim, premiered: bool) -> bool {
    let decision = matches!(
        e.claim.value,
        ClaimValue::SeriesOrdered { .. }
            | ClaimValue::SeasonOrdered { .. }
            | ClaimValue::SeasonRenewed { .. }
            | ClaimValue::ReleaseDateAnnounced { .. }
            | ClaimValue::Canceled { .. }
            | ClaimValue::Ended
            | ClaimValue::LimitedSeries { .. }
    );
    decision
        && viewing_dataset(e).is_none()
        && match e.origin {
            Origin::Ledger { .. } => true,
            Origin::Data { .. } => !premiered,
        }
}

fn cited(claims: &[&EvidenceClaim]) -> Vec<Cited> {
    let mut v: Vec<&EvidenceClaim> = claims.to_vec();
    v.sort_by(|a, b| {
        b.standing
            .cmp(&a.standing)
            .then(claim_when(a).0.cmp(&claim_when(b).0))
    });
    let mut out: Vec<Cited> = Vec::new();
    for e in v {
        let c = Cited {
            name: e.claim.source.name.clone(),
            url: e.claim.source.url.clone(),
        };
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

fn release_date_of(e: &EvidenceClaim) -> Option<NaiveDate> {
    match e.claim.value {
        ClaimValue::ReleaseDateAnnounced { release_date, .. } => Some(release_date),
        _ => None,
    }
}

/// The changes one season's outcome makes: its decision, and a release date announced for a
/// season whose decision is a renewal (the renewal and the date are two pieces of news).
fn season_changes(report: &StatusReport, o: &SeasonOutcome) -> Vec<Change> {
    let mut out = Vec::new();
    if o.decision == Status::AwaitingDecision {
        return out;
    }
    let deciding: Vec<&EvidenceClaim> = o
        .evidence
        .iter()
        .filter(|e| e.role == Role::Deciding)
        .map(|e| &e.claim)
        .collect();
    let statements: Vec<&EvidenceClaim> = deciding
        .iter()
        .copied()
        .filter(|e| states_decision(e, o.premiered))
        .collect();
    if statements.is_empty() {
        return out;
    }
    let s = o.season;
    let announced: Vec<&EvidenceClaim> = statements
        .iter()
        .copied()
        .filter(|e| e.claim.season == Some(s) && release_date_of(e).is_some())
        .collect();
    // The date the page would show for the season: the report's own for the next season.
    let best_release = if s == report.next_season && report.release_date.is_some() {
        report.release_date
    } else {
        announced
            .iter()
            .max_by(|a, b| {
                a.standing
                    .cmp(&b.standing)
                    .then(claim_when(b).0.cmp(&claim_when(a).0))
            })
            .and_then(|e| release_date_of(e))
    };
    let decided = o
        .decided_on
        .or_else(|| statements.iter().map(|e| claim_when(e).0).min());
    if let Some(date) = decided {
        let what = match o.decision {
            Status::Ordered if s == 1 => "series ordered (season 1)".to_string(),
            Status::Ordered => format!("season {s} ordered"),
            Status::Renewed => format!("renewed for season {s}"),
            Status::ReleaseDateAnnounced => match best_release {
                Some(r) => format!("season {s} release date announced: {r}"),
                None => format!("season {s} release date announced"),
            },
            Status::Canceled => format!(
                "canceled after season {}, no season {s}",
                s.saturating_sub(1)
            ),
            Status::Ended => format!(
                "season {} is the final season, no season {s}",
                s.saturating_sub(1)
            ),
            Status::LimitedSeries => format!("a limited series, no season {s}"),
            other => format!("season {s}: {}", status_label(other)),
        };
        out.push(Change {
            series: report.series.clone(),
            date,
            when: decision_when(date, o.decided_on_precision, deciding.iter().copied()),
            season: s,
            status: o.decision,
            what,
            sources: cited(&statements),
        });
    }
    if o.decision != Status::ReleaseDateAnnounced {
        if let Some(r) = best_release {
            let same: Vec<&EvidenceClaim> = announced
                .iter()
                .copied()
                .filter(|e| release_date_of(e) == Some(r))
                .collect();
            let first = same
                .iter()
                .map(|e| claim_when(e))
                .min_by_key(|(d, w)| (*d, *w != When::Exact));
            if let Some((date, when)) = first {
                out.push(Change {
                    series: report.series.clone(),
                    date,
                    when,
                    season: s,
                    status: Status::ReleaseDateAnnounced,
                    what: format!("season {s} release date announced: {r}"),
                    sources: cited(&same),
                });
            }
        }
    }
    out
}

/// The status changes in one series' report, newest first, one per date.
pub fn changes(report: &StatusReport) -> Vec<Change> {
    let mut all: Vec<Change> = report
        .seasons
        .iter()
        .flat_map(|o| season_changes(report, o))
        .collect();
    all.sort_by(|a, b| b.date.cmp(&a.date).then(b.season.cmp(&a.season)));
    let mut out: Vec<Change> = Vec::new();
    for c in all {
        match out.last_mut() {
            Some(prev) if prev.date == c.date => {
                prev.what = format!("{}; {}", prev.what, c.what);
                // The day is known as well as its best-known part says.
                if c.when == When::Exact {
                    prev.when = When::Exact;
                }
                for s in c.sources {
                    if !prev.sources.contains(&s) {
                        prev.sources.push(s);
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// The series the site-wide list follows: every series (not film) in the Top 10 in the last
/// half-year of data, and every series with typed claims. Deriving all ~10k series' status on a
/// page view would take seconds; these are the ones whose status can have changed lately.
fn followed(store: &Store) -> Result<Vec<SeriesRef>, WebError> {
    let mut v = store.recently_charted_series(182)?;
    for slug in ledger::claimed_slugs(store)? {
        if v.iter().any(|s| s.slug == slug) {
            continue;
        }
        if let Some(s) = store.series_by_slug(&slug)?.filter(is_series) {
            v.push(s);
        }
    }
    v.sort_by(|a, b| a.slug.cmp(&b.slug));
    Ok(v)
}

/// The latest `limit` status changes across the followed series, newest first.
pub fn recent_changes(store: &Store, limit: usize) -> Result<Vec<Change>, WebError> {
    let mut all = Vec::new();
    for s in followed(store)? {
        if let Some(report) = series_status(store, &s)? {
            all.extend(changes(&report));
        }
    }
    all.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then(a.series.slug.cmp(&b.series.slug))
            .then(b.season.cmp(&a.season))
    });
    all.truncate(limit);
    Ok(all)
}

fn at_noon(d: NaiveDate) -> FixedDateTime {
    let t = d.and_hms_opt(12, 0, 0).unwrap_or_default();
    Utc.from_utc_datetime(&t).fixed_offset()
}

fn link(href: String, rel: &str, title: Option<String>) -> Link {
    Link {
        href,
        rel: rel.into(),
        mime_type: Some("text/html".into()),
        title,
        ..Default::default()
    }
}

/// An Atom document of `changes`; `base` is the site's absolute origin (`http://host:port`).
/// Each entry links the series page (`alternate`) and every deciding source with a web URL
/// (`related`), so a reader can check the change without opening the site.
pub fn atom(base: &str, title: &str, self_path: &str, changes: &[Change]) -> Vec<u8> {
    let entries: Vec<Entry> = changes
        .iter()
        .map(|c| {
            let url = format!("{base}/series/{}", c.series.slug);
            let mut links = vec![link(url.clone(), "alternate", None)];
            for s in &c.sources {
                if let Some(u) = s.url.as_deref().and_then(safe_href) {
                    links.push(link(u.to_string(), "related", Some(s.name.clone())));
                }
            }
            let sources = if c.sources.is_empty() {
                "the ledger".to_string()
            } else {
                c.sources
                    .iter()
                    .map(|s| match s.url.as_deref().and_then(safe_href) {
                        Some(u) => format!("{} <{u}>", s.name),
                        None => s.name.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            Entry {
                id: format!("{url}#{}-season-{}-{}", c.date, c.season, c.status.as_str()),
                title: Text::plain(c.text()),
                updated: at_noon(c.date),
                published: Some(at_noon(c.date)),
                links,
                summary: Some(Text::plain(format!(
                    "{} ({}). Source: {sources}.",
                    c.text(),
                    c.when.words(c.date)
                ))),
                ..Default::default()
            }
        })
        .collect();
    let updated = changes
        .iter()
        .map(|c| c.date)
        .max()
        .map_or_else(|| at_noon(NaiveDate::default()), at_noon);
    let feed = Feed {
        title: Text::plain(title.to_string()),
        id: format!("{base}{self_path}"),
        updated,
        authors: vec![Person {
            name: "greenlight".into(),
            ..Default::default()
        }],
        links: vec![
            Link {
                href: format!("{base}{self_path}"),
                rel: "self".into(),
                ..Default::default()
            },
            link(format!("{base}/"), "alternate", None),
        ],
        entries,
        ..Default::default()
    };
    feed.to_string().into_bytes()
}
