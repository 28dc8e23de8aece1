//! The ledger's public operations and the report shapes the CLI prints. Field names are a
//! public contract (`--json`): add fields, never rename.

use crate::claims::{CastTier, Claim, ClaimValue, DatePrecision, RawClaim, SourceKind};
use crate::derive::{self, Contradiction, Evidence, SeasonOutcome, Status, ViewingCheck};
use crate::error::{ClaimError, ClaimLocation, LedgerError};
use crate::evidence::{self, EvidenceClaim, Fact};
use crate::file::{self, FileFormat, ReadFile};
use crate::reception::{self, Audience, ReceptionEntry, SourceRef};
use crate::{db, today};
use chrono::NaiveDate;
use greenlight_sources::titles::{self, SeasonLabel};
use greenlight_store::{SeriesForm, SeriesRef, Store, StoreError, WriteTx};
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// The series a report is about. `in_store` is false for a series only the ledger knows of
/// (declared by a claims file in a store that has since lost it): it has claims but no data.
#[derive(Debug, Clone)]
struct Subject {
    series: SeriesRef,
    in_store: bool,
}

fn subject(store: &Store, spelling: &str) -> Result<Subject, LedgerError> {
    if let Some(series) = store.find_series(spelling)? {
        return Ok(Subject {
            series,
            in_store: true,
        });
    }
    if let Some((slug, title)) = db::declared_series(store, spelling)? {
        return Ok(Subject {
            series: SeriesRef {
                id: -1,
                slug,
                title,
                kind: "tv".into(),
            },
            in_store: false,
        });
    }
    // The store's own miss message suggests close spellings.
    match store.series(spelling) {
        Ok(series) => Ok(Subject {
            series,
            in_store: true,
        }),
        Err(StoreError::NotFound(m)) => Err(LedgerError::NotFound(m)),
        Err(e) => Err(e.into()),
    }
}

/// Ledger claims and data evidence about the series, published by `as_of`.
fn facts(
    store: &Store,
    subject: &Subject,
    as_of: Option<NaiveDate>,
) -> Result<Vec<Fact>, LedgerError> {
    Ok(Read::load(store, subject.clone(), as_of)?.facts)
}

/// One read of a series' facts as of a date: what its status, timeline and cast are all
/// derived from. The board derives all three for every stale series (issue 13); reading the
/// claims and the store's data once for the three, instead of once each, is a third of a
/// refresh's status work. Each report built from it is the one its own function gives.
#[derive(Debug, Clone)]
pub struct Read {
    subject: Subject,
    as_of: Option<NaiveDate>,
    /// The ledger's claims first (`db::load`, the cast's only claims), then the data evidence.
    facts: Vec<Fact>,
    ledger: usize,
}

impl Read {
    fn load(
        store: &Store,
        subject: Subject,
        as_of: Option<NaiveDate>,
    ) -> Result<Read, LedgerError> {
        let mut facts = db::load(store, &subject.series.slug, as_of)?;
        let ledger = facts.len();
        if subject.in_store {
            facts.extend(
                evidence::data_facts(store, &subject.series)?
                    .into_iter()
                    .filter(|f| as_of.is_none_or(|a| f.claim.published <= a)),
            );
        }
        Ok(Read {
            subject,
            as_of,
            facts,
            ledger,
        })
    }

    /// [`timeline_as_of`] of the series, from this read.
    pub fn timeline(&self) -> TimelineReport {
        timeline_from(&self.subject, self.facts.clone())
    }

    /// [`cast_as_of`] of the series, from this read.
    pub fn cast(&self, store: &Store) -> Result<CastReport, LedgerError> {
        cast_from(store, &self.subject, &self.facts[..self.ledger])
    }
}

/// [`status_for`], and the read it was derived from (for the series' timeline and cast), of a
/// series the caller has found to be a TV series (`SeriesForm::Series`: the board lists no
/// other), so its form is not looked up again (three queries per series, a tenth of a
/// refresh's work).
pub fn status_read_for_series(
    store: &Store,
    series: &SeriesRef,
    as_of: Option<NaiveDate>,
) -> Result<(StatusReport, Read), LedgerError> {
    let s = Subject {
        series: series.clone(),
        in_store: true,
    };
    let read = Read::load(store, s, as_of)?;
    Ok((status_from(store, &read)?, read))
}

/// [`status`], and the read it was derived from (for the series' timeline and cast).
pub fn status_read(
    store: &Store,
    spelling: &str,
    as_of: Option<NaiveDate>,
) -> Result<(StatusReport, Read), LedgerError> {
    let s = subject(store, spelling)?;
    require_series(store, &s)?;
    let read = Read::load(store, s, as_of)?;
    Ok((status_from(store, &read)?, read))
}

/// `greenlight status SERIES [--as-of DATE]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusReport {
    pub series: SeriesRef,
    pub as_of: Option<NaiveDate>,
    pub status: Status,
    pub decided_on: Option<NaiveDate>,
    /// `exact`, or `no_later_than` when only a bound is known (data evidence, undated claims).
    pub decided_on_precision: Option<DatePrecision>,
    pub next_season: u32,
    /// For `release_date_announced`.
    pub release_date: Option<NaiveDate>,
    pub confidence: f64,
    pub confidence_reason: String,
    /// The deciding claims (and context), oldest first.
    pub evidence: Vec<Evidence>,
    pub contradictions: Vec<Contradiction>,
    /// Every stated viewing figure, checked against the chart data.
    pub viewing_claims: Vec<ViewingCheck>,
    /// What was decided about each season up to the next one.
    pub seasons: Vec<SeasonOutcome>,
    /// How many typed claims and data claims were considered.
    pub claims_considered: usize,
    pub data_claims_considered: usize,
}

/// The derived status of `spelling`'s next season, using only what was published by `as_of`.
pub fn status(
    store: &Store,
    spelling: &str,
    as_of: Option<NaiveDate>,
) -> Result<StatusReport, LedgerError> {
    let s = subject(store, spelling)?;
    status_of(store, &s, as_of)
}

/// [`status`] for a series already resolved (whole-data passes).
pub fn status_for(
    store: &Store,
    series: &SeriesRef,
    as_of: Option<NaiveDate>,
) -> Result<StatusReport, LedgerError> {
    status_of(
        store,
        &Subject {
            series: series.clone(),
            in_store: true,
        },
        as_of,
    )
}

/// Refuses titles that have no seasons (films, and one-off specials such as stand-up, as the
/// store's `series_form` tells them), so no page or command ever asks "season 2?" of them.
fn require_series(store: &Store, s: &Subject) -> Result<(), LedgerError> {
    let form = if s.series.kind == "film" {
        SeriesForm::Film
    } else if s.in_store {
        store.series_form(&s.series)?
    } else {
        SeriesForm::Series
    };
    let name = match form {
        SeriesForm::Series => return Ok(()),
        SeriesForm::Film => "film",
        SeriesForm::Special => "one-off special",
    };
    Err(LedgerError::NotASeries {
        title: s.series.title.clone(),
        form: name.into(),
    })
}

fn status_of(
    store: &Store,
    s: &Subject,
    as_of: Option<NaiveDate>,
) -> Result<StatusReport, LedgerError> {
    require_series(store, s)?;
    status_from(store, &Read::load(store, s.clone(), as_of)?)
}

fn status_from(store: &Store, read: &Read) -> Result<StatusReport, LedgerError> {
    let (s, facts, as_of) = (&read.subject, &read.facts, read.as_of);
    let now = as_of.unwrap_or_else(today);
    let d = derive::derive(facts, now);
    let mut contradictions = d.contradictions;
    contradictions.extend(derive::premiere_contradictions(facts));
    let mut viewing_claims = Vec::new();
    let mut chart = None;
    for f in facts
        .iter()
        .filter(|f| matches!(f.claim.value, ClaimValue::ViewingFigure { .. }) && !f.is_data())
    {
        let ClaimValue::ViewingFigure {
            hours,
            from,
            to,
            rank,
            ..
        } = &f.claim.value
        else {
            continue;
        };
        let hours_data = match (s.in_store, hours, from, to) {
            (true, Some(_), Some(from), Some(to)) => {
                let label = f.claim.season.map(|n| SeasonLabel::Season { number: n });
                Some(
                    store
                        .hours(&s.series, label.as_ref(), Some(*from), Some(*to))
                        .map_err(|e| e.to_string()),
                )
            }
            _ => None,
        };
        if rank.is_some() && chart.is_none() && s.in_store {
            chart = Some(store.chart_weeks(&s.series)?);
        }
        if let Some(check) =
            derive::check_viewing(f, hours_data, chart.as_deref().unwrap_or(&[]), as_of)
        {
            if let Some(c) = derive::viewing_contradiction(&check, f) {
                contradictions.push(c);
            }
            viewing_claims.push(check);
        }
    }
    Ok(StatusReport {
        series: s.series.clone(),
        as_of,
        status: d.status,
        decided_on: d.decided_on,
        decided_on_precision: d.decided_on_precision,
        next_season: d.next_season,
        release_date: d.release_date,
        confidence: d.confidence,
        confidence_reason: d.confidence_reason,
        evidence: d.evidence,
        contradictions,
        viewing_claims,
        seasons: d.seasons,
        claims_considered: facts.iter().filter(|f| !f.is_data()).count(),
        data_claims_considered: facts.iter().filter(|f| f.is_data()).count(),
    })
}

/// `greenlight timeline SERIES`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineReport {
    pub series: SeriesRef,
    pub entries: Vec<TimelineEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    /// The event's date, or the publication date for undated claims (see `dated_by`).
    pub date: NaiveDate,
    /// `event` or `published`.
    pub dated_by: &'static str,
    #[serde(flatten)]
    pub claim: EvidenceClaim,
}

/// Every claim and data evidence about the series, dated and sorted (oldest first).
pub fn timeline(store: &Store, spelling: &str) -> Result<TimelineReport, LedgerError> {
    timeline_as_of(store, spelling, None)
}

/// The timeline with only what was published by `as_of`: the report layer's outlook of a
/// point-in-time status must not see claims from after that date.
pub fn timeline_as_of(
    store: &Store,
    spelling: &str,
    as_of: Option<NaiveDate>,
) -> Result<TimelineReport, LedgerError> {
    let s = subject(store, spelling)?;
    Ok(timeline_from(&s, facts(store, &s, as_of)?))
}

fn timeline_from(s: &Subject, mut facts: Vec<Fact>) -> TimelineReport {
    facts.sort_by(|a, b| {
        a.claim
            .date()
            .cmp(&b.claim.date())
            .then(a.claim.published.cmp(&b.claim.published))
            .then(a.claim.kind().cmp(b.claim.kind()))
            .then(a.id().cmp(&b.id()))
    });
    let entries = facts
        .iter()
        .map(|f| TimelineEntry {
            date: f.claim.date(),
            dated_by: if f.claim.event_date.is_some() {
                "event"
            } else {
                "published"
            },
            claim: f.view(),
        })
        .collect();
    TimelineReport {
        series: s.series.clone(),
        entries,
    }
}

/// `greenlight cast SERIES`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CastReport {
    pub series: SeriesRef,
    pub cast: Vec<CastMember>,
    pub crew: Vec<CrewMember>,
    /// When both lists are empty, why, naming the sources looked in (the ledger, JustWatch's
    /// 2022 catalogue): an empty list alone cannot tell "no cast" from "not looked for".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub none_known: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CastMember {
    pub person: String,
    pub characters: Vec<String>,
    pub tier: Option<CastTier>,
    /// When the casting was announced (the earliest announcement in the ledger).
    pub announced: Option<NaiveDate>,
    pub seasons: Vec<u32>,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrewMember {
    pub person: String,
    pub roles: Vec<String>,
    pub episodes: Vec<String>,
    pub sources: Vec<String>,
}

const JUSTWATCH: &str = "JustWatch (Netflix US catalogue, 2022)";

fn push_unique(v: &mut Vec<String>, s: &str) {
    let key = titles::normalize(s);
    if !v.iter().any(|x| titles::normalize(x) == key) {
        v.push(s.to_string());
    }
}

/// Cast and crew from the ledger and JustWatch's credits, one entry per person (names matched
/// after normalisation, so `Arden Cho` and `ARDEN CHO` are one person).
pub fn cast(store: &Store, spelling: &str) -> Result<CastReport, LedgerError> {
    cast_as_of(store, spelling, None)
}

/// The cast with only the ledger claims published by `as_of` (for a point-in-time outlook).
/// JustWatch's 2022 credits are read whatever the date: they give names and characters but no
/// tier, and only a ledger tier makes someone a returning regular.
pub fn cast_as_of(
    store: &Store,
    spelling: &str,
    as_of: Option<NaiveDate>,
) -> Result<CastReport, LedgerError> {
    let s = subject(store, spelling)?;
    let facts = db::load(store, &s.series.slug, as_of)?;
    cast_from(store, &s, &facts)
}

/// The cast and crew of `s` from the ledger's claims about it (`facts`) and JustWatch's credits.
fn cast_from(store: &Store, s: &Subject, facts: &[Fact]) -> Result<CastReport, LedgerError> {
    let mut cast: Vec<CastMember> = Vec::new();
    let mut crew: Vec<CrewMember> = Vec::new();
    let find_cast = |cast: &mut Vec<CastMember>, person: &str| -> usize {
        let key = titles::normalize(person);
        match cast
            .iter()
            .position(|c| titles::normalize(&c.person) == key)
        {
            Some(i) => i,
            None => {
                cast.push(CastMember {
                    person: person.to_string(),
                    characters: Vec::new(),
                    tier: None,
                    announced: None,
                    seasons: Vec::new(),
                    sources: Vec::new(),
                });
                cast.len() - 1
            }
        }
    };
    let find_crew = |crew: &mut Vec<CrewMember>, person: &str| -> usize {
        let key = titles::normalize(person);
        match crew
            .iter()
            .position(|c| titles::normalize(&c.person) == key)
        {
            Some(i) => i,
            None => {
                crew.push(CrewMember {
                    person: person.to_string(),
                    roles: Vec::new(),
                    episodes: Vec::new(),
                    sources: Vec::new(),
                });
                crew.len() - 1
            }
        }
    };
    for f in facts {
        let Some(person) = f.claim.person.as_deref() else {
            continue;
        };
        match &f.claim.value {
            ClaimValue::Cast { character, tier } => {
                let i = find_cast(&mut cast, person);
                let m = &mut cast[i];
                if let Some(c) = character {
                    push_unique(&mut m.characters, c);
                }
                // The most prominent tier any source gives (lead < regular < ... in the enum).
                m.tier = Some(m.tier.map_or(*tier, |t| t.min(*tier)));
                if let Some(d) = f.claim.event_date {
                    m.announced = Some(m.announced.map_or(d, |a| a.min(d)));
                }
                if let Some(n) = f.claim.season {
                    if !m.seasons.contains(&n) {
                        m.seasons.push(n);
                    }
                }
                push_unique(&mut m.sources, &f.claim.source.name);
            }
            ClaimValue::Crew { role, episodes } => {
                let i = find_crew(&mut crew, person);
                let m = &mut crew[i];
                push_unique(&mut m.roles, role.as_str());
                if let Some(e) = episodes {
                    push_unique(&mut m.episodes, e);
                }
                push_unique(&mut m.sources, &f.claim.source.name);
            }
            _ => {}
        }
    }
    let justwatch = if s.in_store {
        store.justwatch_facts(&s.series)?
    } else {
        Vec::new()
    };
    for jw in &justwatch {
        for credit in &jw.credits {
            if credit.role.eq_ignore_ascii_case("DIRECTOR") {
                let i = find_crew(&mut crew, &credit.name);
                push_unique(&mut crew[i].roles, "director");
                push_unique(&mut crew[i].sources, JUSTWATCH);
            } else {
                let i = find_cast(&mut cast, &credit.name);
                if let Some(c) = credit.character.as_deref().filter(|c| !c.trim().is_empty()) {
                    push_unique(&mut cast[i].characters, c.trim());
                }
                push_unique(&mut cast[i].sources, JUSTWATCH);
            }
        }
    }
    for m in &mut cast {
        m.seasons.sort_unstable();
    }
    // Ledger tiers first (lead, regular, ...), then credited-only people in credit order.
    cast.sort_by_key(|m| m.tier.map_or(u8::MAX, |t| t as u8));
    let none_known = (cast.is_empty() && crew.is_empty()).then(|| {
        let catalogue = if justwatch.is_empty() {
            format!("{JUSTWATCH} does not list {}", s.series.title)
        } else {
            format!("{JUSTWATCH} lists {} without credits", s.series.title)
        };
        format!("the ledger has no cast or crew claims about it, and {catalogue}")
    });
    Ok(CastReport {
        series: s.series.clone(),
        cast,
        crew,
        none_known,
    })
}

/// `greenlight reception SERIES`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceptionReport {
    pub series: SeriesRef,
    pub entries: Vec<ReceptionEntry>,
}

/// Critic and audience scores per season (and for the series), computed from individual reviews
/// when the ledger has them, as stated otherwise; JustWatch's IMDb/TMDB scores as audience scores.
pub fn reception(store: &Store, spelling: &str) -> Result<ReceptionReport, LedgerError> {
    let s = subject(store, spelling)?;
    let facts = db::load(store, &s.series.slug, None)?;
    let mut extra = Vec::new();
    if s.in_store {
        for jw in store.justwatch_facts(&s.series)? {
            for (site, score) in [("IMDb", jw.imdb_score), ("TMDB", jw.tmdb_score)] {
                if let Some(score) = score {
                    extra.push(Audience {
                        site: site.into(),
                        score,
                        scale: 10.0,
                        votes: None,
                        source: SourceRef {
                            name: JUSTWATCH.into(),
                            url: None,
                            kind: SourceKind::Dataset,
                            // The catalogue's date, as its import dated it (MANIFEST.toml).
                            published: Some(jw.published),
                        },
                    });
                }
            }
        }
    }
    Ok(ReceptionReport {
        series: s.series,
        entries: reception::build(&facts, extra),
    })
}

/// The result of adding claims.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportReport {
    /// The file (or `api`, `starter/partner-track.toml`).
    pub file: String,
    /// `toml` or `json`.
    pub format: &'static str,
    /// Series the file declared (their slugs).
    pub series_declared: Vec<String>,
    pub claims: usize,
    pub added: usize,
    pub already_present: usize,
    /// Content hashes of the claims, in file order.
    pub hashes: Vec<String>,
}

/// One claim added.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddReport {
    pub hash: String,
    pub series: String,
    /// False when the same claim was already in the ledger.
    pub added: bool,
    pub summary: String,
}

/// `greenlight claim add ...`: checks and stores one claim.
pub fn add_claim(store: &mut Store, claim: Claim) -> Result<AddReport, LedgerError> {
    add_raw_claim(store, claim.to_raw())
}

/// [`add_claim`] for a claim in its written form (what `claim add --kind ... --season ...`
/// flags naturally fill): checked exactly as a claims file's claim is, every refusal naming the
/// field.
pub fn add_raw_claim(store: &mut Store, raw: RawClaim) -> Result<AddReport, LedgerError> {
    db::ensure_schema(store)?;
    let claim = checked(store, raw)?;
    let summary = claim.summary();
    let series = claim.series.clone();
    let r = db::insert(store, &[claim], "api")?;
    let (hash, added) = r.into_iter().next().unwrap_or_default();
    Ok(AddReport {
        hash,
        series,
        added,
        summary,
    })
}

/// Several claims (what `greenlight read --commit` makes of one call's articles), each checked
/// exactly as [`add_raw_claim`] checks one; every claim that passes is stored in **one**
/// transaction, under `origin`. Returns, in order, each claim's report or the reason it was
/// refused: a refused claim stores nothing and stops none of the others, and a failure of the
/// write itself stores none of them.
pub fn add_raw_claims(
    store: &mut Store,
    raws: Vec<RawClaim>,
    origin: &str,
) -> Result<Vec<Result<AddReport, LedgerError>>, LedgerError> {
    db::ensure_schema(store)?;
    let w = store.begin()?;
    let out = add_raw_claims_in(&w, raws, origin)?;
    w.commit()?;
    Ok(out)
}

/// [`add_raw_claims`] inside a call's transaction (the ledger's tables must exist; nothing is
/// committed here): for a caller whose claims must commit with its other writes, as a sync's
/// feed claims commit with the events they cause.
pub fn add_raw_claims_in(
    w: &WriteTx,
    raws: Vec<RawClaim>,
    origin: &str,
) -> Result<Vec<Result<AddReport, LedgerError>>, LedgerError> {
    let store = w.store();
    let checks: Vec<Result<Claim, LedgerError>> =
        raws.into_iter().map(|r| checked(store, r)).collect();
    let good: Vec<Claim> = checks
        .iter()
        .filter_map(|c| c.as_ref().ok())
        .cloned()
        .collect();
    let mut stored = db::insert_in(w, &good, origin)?.into_iter();
    Ok(checks
        .into_iter()
        .map(|c| {
            let claim = c?;
            let (hash, added) = stored.next().unwrap_or_default();
            Ok(AddReport {
                hash,
                summary: claim.summary(),
                series: claim.series,
                added,
            })
        })
        .collect())
}

/// One written claim checked as a claims file's is (every refusal naming the field), its series
/// found by any spelling and replaced by its slug.
fn checked(store: &Store, raw: RawClaim) -> Result<Claim, LedgerError> {
    let location = ClaimLocation::single();
    let kind = raw.kind.clone();
    // Re-checked: a Claim built in code has skipped `from_raw`.
    let mut claim = Claim::from_raw(raw, today())
        .map_err(|e| LedgerError::Invalid(vec![e.at(&location, kind.as_deref())]))?;
    let found = match store.find_series(&claim.series)? {
        Some(s) => Some(s.slug),
        None => db::declared_series(store, &claim.series)?.map(|(slug, _)| slug),
    };
    match found {
        Some(slug) => claim.series = slug,
        None => {
            return Err(LedgerError::Invalid(vec![unknown_series(
                store,
                &claim.series,
            )?
            .at(&location, Some(claim.kind()))]));
        }
    }
    Ok(claim)
}

/// A claims file read and its syntax checked, not yet checked against the store: an import
/// call reads every claims file before it writes anything, and checks the claims after the
/// call's data is in.
#[derive(Debug, Clone)]
pub struct ClaimsFile {
    read: ReadFile,
    /// The file as named (or `api`, `starter/partner-track.toml`): messages and the claims' origin.
    origin: String,
}

impl ClaimsFile {
    /// Reads a claims file from disk (TOML or JSON; see `CLAIMS.md`).
    pub fn read(path: &Path) -> Result<ClaimsFile, LedgerError> {
        Ok(ClaimsFile {
            read: file::read_path(path)?,
            origin: path.display().to_string(),
        })
    }

    /// Reads claims-file text; `name` stands for the file in messages and as the origin.
    pub fn from_text(
        text: &str,
        name: &str,
        format: FileFormat,
    ) -> Result<ClaimsFile, LedgerError> {
        Ok(ClaimsFile {
            read: file::read(text, &file::inline_path(name), format)?,
            origin: name.to_string(),
        })
    }

    /// The series titles the file declares (`[[series]]`).
    pub fn declared(&self) -> &[String] {
        &self.read.series
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }
}

/// `greenlight import FILE` for a claims file (TOML or JSON; see `CLAIMS.md`). All claims or none.
pub fn import_claims_file(store: &mut Store, path: &Path) -> Result<ImportReport, LedgerError> {
    import_one(store, ClaimsFile::read(path)?)
}

/// Imports a claims file's text (`name` is used in messages and as the claims' origin).
pub fn import_claims_text(
    store: &mut Store,
    text: &str,
    name: &str,
    format: FileFormat,
) -> Result<ImportReport, LedgerError> {
    import_one(store, ClaimsFile::from_text(text, name, format)?)
}

fn import_one(store: &mut Store, file: ClaimsFile) -> Result<ImportReport, LedgerError> {
    db::ensure_schema(store)?;
    let mut w = store.begin()?;
    let mut reports = import_claims_in(&mut w, vec![file])?;
    w.commit()?;
    reports
        .pop()
        .ok_or_else(|| LedgerError::NotFound("no claims file was imported".into()))
}

fn unknown_series(store: &Store, spelling: &str) -> Result<ClaimError, LedgerError> {
    let hits = store.search(spelling, 3)?;
    let mut msg = format!("no series matches \"{spelling}\"");
    if !hits.is_empty() {
        msg.push_str(&format!(
            " (did you mean {}?)",
            hits.iter()
                .map(|h| format!("\"{}\"", h.series.title))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    msg.push_str(&format!("; import data that has it, or declare it in the claims file: [[series]] title = \"{spelling}\""));
    Ok(ClaimError::new(Some("series"), msg))
}

/// Imports claims files inside a call's write transaction, after the call's data (so claims may
/// name series that data brings). First every file's declared series are made series of the
/// store (one resolution for all the new ones; a title the store has is not declared again),
/// then every claim is checked and its series resolved. Any refused claim in any file refuses
/// them all, listing every problem with its place; nothing is committed here, so the caller's
/// rollback undoes the whole call. The ledger's tables must exist (`ensure_schema`) before the
/// transaction begins.
pub fn import_claims_in(
    w: &mut WriteTx,
    files: Vec<ClaimsFile>,
) -> Result<Vec<ImportReport>, LedgerError> {
    if files.is_empty() {
        return Ok(Vec::new());
    }
    if !db::has_tables(w.store())? {
        return Err(LedgerError::NotFound(
            "the ledger's tables are missing (ensure_schema must run before the import's transaction)".into(),
        ));
    }
    // Declared titles of every file, each once (by normal form), in file order.
    let mut titles: Vec<&str> = Vec::new();
    for f in &files {
        for t in f.declared() {
            let key = titles::normalize(t);
            if !titles.iter().any(|x| titles::normalize(x) == key) {
                titles.push(t);
            }
        }
    }
    let declared = w.declare_series(&titles)?;
    let slugs: HashMap<String, String> = titles
        .iter()
        .zip(&declared)
        .map(|(t, s)| (titles::normalize(t), s.slug.clone()))
        .collect();
    let store = w.store();
    let today = today();
    let mut errors = Vec::new();
    let mut checked = Vec::with_capacity(files.len());
    for f in files {
        let ReadFile {
            format,
            series,
            claims: raws,
        } = f.read;
        let mut claims = Vec::with_capacity(raws.len());
        for (location, raw) in raws {
            let kind = raw.as_ref().ok().and_then(|r: &RawClaim| r.kind.clone());
            match raw.and_then(|r| Claim::from_raw(r, today)) {
                Ok(c) => claims.push((location, c)),
                Err(e) => errors.push(e.at(&location, kind.as_deref())),
            }
        }
        checked.push((f.origin, format, series, claims));
    }
    // Every series the claims name, looked up together (one pass over the store's series).
    let mut names: Vec<&str> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (_, _, _, claims) in &checked {
        for (_, c) in claims {
            if seen.insert(c.series.as_str()) {
                names.push(c.series.as_str());
            }
        }
    }
    let mut slug_of: HashMap<String, Option<String>> = HashMap::new();
    for (name, found) in names.iter().zip(store.find_series_many(&names)?) {
        let slug = match found {
            Some(s) => Some(s.slug),
            // A series the ledger declared earlier, kept for stores that lost it.
            None => db::declared_series(store, name)?.map(|(slug, _)| slug),
        };
        slug_of.insert(name.to_string(), slug);
    }
    let mut resolved = Vec::with_capacity(checked.len());
    for (origin, format, series, claims) in checked {
        let mut out = Vec::with_capacity(claims.len());
        for (location, mut claim) in claims {
            match slug_of.get(&claim.series).cloned().flatten() {
                Some(slug) => claim.series = slug,
                None => {
                    errors.push(
                        unknown_series(store, &claim.series)?.at(&location, Some(claim.kind())),
                    );
                    continue;
                }
            }
            out.push(claim);
        }
        resolved.push((origin, format, series, out));
    }
    let checked = resolved;
    if !errors.is_empty() {
        return Err(LedgerError::Invalid(errors));
    }
    let mut reports = Vec::with_capacity(checked.len());
    for (origin, format, series, claims) in checked {
        let mut declared = Vec::new();
        for title in &series {
            if let Some(slug) = slugs.get(&titles::normalize(title)) {
                db::record_series(w, slug, title, &origin)?;
                declared.push(slug.clone());
            }
        }
        let results = db::insert_in(w, &claims, &origin)?;
        let added = results.iter().filter(|(_, a)| *a).count();
        reports.push(ImportReport {
            file: origin,
            format: match format {
                FileFormat::Toml => "toml",
                FileFormat::Json => "json",
            },
            series_declared: declared,
            claims: results.len(),
            added,
            already_present: results.len() - added,
            hashes: results.into_iter().map(|(h, _)| h).collect(),
        });
    }
    Ok(reports)
}

/// The starter catalog shipped with greenlight (Partner Track), as typed in
/// `starter/partner-track.toml`.
pub const STARTER: &str = include_str!("../starter/partner-track.toml");
pub const STARTER_NAME: &str = "starter/partner-track.toml";

/// Loads the starter catalog into a ledger that has no claims yet (first use). Returns `None`
/// and changes nothing when the ledger already has claims.
pub fn load_starter(store: &mut Store) -> Result<Option<ImportReport>, LedgerError> {
    db::ensure_schema(store)?;
    if db::claim_count(store)? > 0 {
        return Ok(None);
    }
    import_claims_text(store, STARTER, STARTER_NAME, FileFormat::Toml).map(Some)
}

/// What the CLI calls before any ledger command: creates the ledger's tables and loads the
/// starter catalog on first use.
pub fn prepare(store: &mut Store) -> Result<Option<ImportReport>, LedgerError> {
    load_starter(store)
}
