//! Server-rendered pages. Plain HTML with landmarks, captions and header cells, inline CSS, no
//! script and nothing from elsewhere: it has to read well on a phone on a slow connection, and
//! in a screen reader. Every number on a page says where it comes from, because the point of
//! greenlight is that an answer can be checked.

use crate::cite::{
    claim_when, collapse, dated, decision_when, engagement_origin, link, DataRows, Item, When,
    TOP10_URL,
};
use crate::error::WebError;
use crate::feeds::{self, is_series, status_label, Change};
use crate::http::HTML;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use greenlight_ledger::numbers::thousands;
use greenlight_ledger::{
    self as ledger, ClaimValue, EvidenceClaim, Origin, Role, Status, StatusReport,
};
use greenlight_report::Outlook;
use greenlight_store::views::DatasetFile;
use greenlight_store::{SeriesRef, Store};
use maud::{html, Markup, PreEscaped, DOCTYPE};

const CSS: &str = r#"
:root{--fg:#1a1a1a;--bg:#fff;--muted:#555;--line:#ddd;--accent:#0b5cad}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:62rem;margin:0 auto;padding:0 1rem}
header{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;padding-top:.75rem;padding-bottom:.75rem;border-bottom:1px solid var(--line)}
header .brand{font-weight:700;font-size:1.2rem;color:var(--fg);text-decoration:none}
form.search{display:flex;gap:.4rem;flex:1;min-width:14rem}
form.search input{flex:1;min-width:0;padding:.45rem .6rem;font:inherit;border:1px solid #888;border-radius:4px}
form.search button{padding:.45rem .9rem;font:inherit;border:0;border-radius:4px;background:var(--accent);color:#fff}
a{color:var(--accent)}
h1{font-size:1.8rem;line-height:1.2;margin:1.2rem 0 .4rem}
h2{font-size:1.3rem;margin:2rem 0 .6rem;border-bottom:2px solid var(--line);padding-bottom:.2rem}
h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
.muted,small{color:var(--muted)}
.badge{display:inline-block;font-weight:700;font-size:1.1rem;padding:.3rem .8rem;border-radius:999px;color:#fff;background:#666}
.badge.canceled,.badge.ended{background:#a61b1b}.badge.limited_series{background:#6b4b9a}
.badge.renewed,.badge.ordered,.badge.release_date_announced,.badge.final_season_announced{background:#1b7a35}.badge.awaiting_decision{background:#8a5a00}
.status-box{border:1px solid var(--line);border-radius:8px;padding:1rem;margin:.8rem 0;background:#fafafa}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-size:.95rem}
caption{text-align:left;color:var(--muted);font-size:.9rem;padding:.2rem 0}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.lost td{background:#fff1f1}
tr.won td{background:#f1fff4}
.mark{font-weight:700}
dl.outlook{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.3rem 1rem;margin:0}
dl.outlook dt{font-weight:700}dl.outlook dd{margin:0}
figure{margin:.5rem 0}figure img{max-width:100%;height:auto;border:1px solid var(--line)}
.up{color:#1b7a35}.down{color:#a61b1b}
.freshness{font-size:.95rem;color:var(--muted)}.freshness.stale{color:#8a5a00}
footer{margin-top:3rem;padding-top:1rem;padding-bottom:2rem;border-top:1px solid var(--line);color:var(--muted);font-size:.9rem}
@media (max-width:40rem){dl.outlook{grid-template-columns:1fr}h1{font-size:1.5rem}}
"#;

pub(crate) fn layout(title: &str, extra_head: Markup, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · greenlight" }
                style { (PreEscaped(CSS)) }
                link rel="alternate" type="application/atom+xml" href="/feeds/status.atom" title="greenlight: status changes";
                (extra_head)
            }
            body {
                header {
                    a.brand href="/" { "greenlight" }
                    form.search role="search" action="/search" method="get" {
                        label for="site-q" class="muted" { "Series" }
                        input #site-q type="search" name="q" placeholder="Any title, any language";
                        button type="submit" { "Search" }
                    }
                }
                main #main { (body) }
                footer {
                    p {
                        "Data: Netflix Top 10 and engagement reports, TMDB and JustWatch catalogue snapshots; "
                        "claims as entered in the ledger, each with its source. "
                        a href="/tracker" { "Scorecard" } " · " a href="/calendar" { "Calendar" } " · " a href="/accuracy" { "Accuracy" } " · "
                        a href="/api/v1/openapi.json" { "API" } " · " a href="/feeds/status.atom" { "Status feed" }
                        " · " a href="/check" { "Check an article" }
                    }
                }
            }
        }
    }
}

/// A page error: a 404 is an HTML page (people follow links), the rest problem JSON.
pub fn page_error(e: WebError) -> Response {
    if e.status() == StatusCode::NOT_FOUND {
        let body = layout(
            "Not found",
            html! {},
            html! { h1 { "Not found" } p { (e.to_string()) } p { a href="/" { "Search for a series" } } },
        );
        let mut r = (StatusCode::NOT_FOUND, body.into_string()).into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(HTML));
        return r;
    }
    e.into_response()
}

/// Chart weeks older than this (days, from the week's Sunday to today) mean Netflix has
/// published a newer chart that is not imported: each week's chart comes out on the Tuesday
/// after it ends, so the newest published week is at most 9 days old on any day.
const CHART_FRESH_DAYS: i64 = 9;

/// The age of the newest chart week, said on every page that rests on it: "latest chart: week
/// ending 2026-07-19, 19 weeks ago", marked stale when a newer chart should exist. `today` is
/// the date the response is cached under (the cache stamp has it).
fn freshness(latest: Option<NaiveDate>, today: NaiveDate) -> Markup {
    let Some(week) = latest else {
        return html! { p.freshness.stale { "No Netflix Top 10 data imported yet." } };
    };
    let days = (today - week).num_days();
    let ago = match days {
        d if d < 0 => "in the future".to_string(),
        0 => "today".to_string(),
        1 => "1 day ago".to_string(),
        d if d < 14 => format!("{d} days ago"),
        d => format!("{} weeks ago", d / 7),
    };
    let stale = days > CHART_FRESH_DAYS;
    html! {
        p class=(if stale { "freshness stale" } else { "freshness" }) {
            @if stale { span.mark { "⚠ " } }
            "Latest chart: week ending " time datetime=(week) { (week) } ", " (ago) "."
            @if stale {
                " Netflix has published newer weeks since; the Top 10 figures here, and every status that rests on them, may be out of date."
            }
        }
    }
}

/// Today's date, as the response cache's stamp has it (so a cached page's "weeks ago" is
/// recomputed when the day changes).
fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

// ---------------------------------------------------------------------------------------------
// Home

fn movement(now: u32, before: Option<u32>) -> Markup {
    match before {
        None => html! { span aria-label="new this week" { "new" } },
        Some(b) if b > now => {
            html! { span.up aria-label=(format!("up {} from #{b}", b - now)) { "▲" (b - now) } }
        }
        Some(b) if b < now => {
            html! { span.down aria-label=(format!("down {} from #{b}", now - b)) { "▼" (now - b) } }
        }
        Some(_) => html! { span aria-label="same rank" { "=" } },
    }
}

/// The sources of a change, linked; the first few, with a count of the rest.
fn change_sources(c: &Change) -> Markup {
    const SHOWN: usize = 3;
    html! {
        @if !c.sources.is_empty() {
            " " small {
                "Source" @if c.sources.len() > 1 { "s" } ": "
                @for (i, s) in c.sources.iter().take(SHOWN).enumerate() {
                    @if i > 0 { "; " }
                    (link(s.url.as_deref(), &s.name))
                }
                @if c.sources.len() > SHOWN { " and " (c.sources.len() - SHOWN) " more" }
            }
        }
    }
}

fn change_item(c: &Change, with_title: bool) -> Markup {
    html! {
        li {
            (dated(c.date, c.when)) " — "
            @if with_title {
                a href=(format!("/series/{}", c.series.slug)) { (c.series.title) } ": "
            }
            (c.what) "."
            (change_sources(c))
        }
    }
}

/// The home page: the latest status changes and this week's Top 10.
pub fn home_page(store: &Store) -> Result<Markup, WebError> {
    let changes = feeds::recent_changes(store, 15)?;
    let chart = store.latest_chart()?;
    let mut cats: Vec<&str> = chart
        .iter()
        .flat_map(|c| c.rows.iter().map(|r| r.category.as_str()))
        .collect();
    cats.dedup();
    Ok(layout(
        "Will there be another season?",
        html! {},
        html! {
            h1 { "Will there be another season?" }
            p { "Renewals, cancellations and premieres, dated and sourced, with Netflix's own viewing data." }
            (freshness(chart.as_ref().map(|c| c.week), today()))
            form.search role="search" action="/search" method="get" aria-label="Find a series" {
                label for="q" { "Series" }
                input #q type="search" name="q" placeholder="e.g. Partner Track, Squid Game, 오징어 게임";
                button type="submit" { "Search" }
            }
            section aria-labelledby="changes-h" {
                h2 #changes-h { "Latest status changes" }
                @if changes.is_empty() {
                    p { "No announced renewals, cancellations or release dates yet." }
                } @else {
                    p.muted { "Announced decisions (renewals, cancellations, final seasons, release dates), each as the series page derives it, with its source." }
                    ul { @for c in &changes { (change_item(c, true)) } }
                }
                p { a href="/feeds/status.atom" { "Follow these as an Atom feed" } }
            }
            section aria-labelledby="top10-h" {
                h2 #top10-h { "This week's Top 10" }
                @if let Some(chart) = &chart {
                    @let w = chart.week;
                    p { "Week ending " time datetime=(w) { (w) } ", with movement against the week before. Source: "
                        a href=(TOP10_URL) { "Netflix Top 10 (global, weekly)" } "." }
                    @for cat in &cats {
                        div.scroll {
                            table {
                                caption { (cat) ", week ending " (w) " — Netflix Top 10" }
                                thead { tr { th scope="col" { "#" } th scope="col" { "Title" } th scope="col" { "Hours" } th scope="col" { "Weeks in Top 10" } th scope="col" { "Move" } } }
                                tbody {
                                    @for r in chart.rows.iter().filter(|r| r.category == *cat) {
                                        tr {
                                            td.num { (r.rank) }
                                            td { @if let Some(s) = &r.slug { a href=(format!("/series/{s}")) { (r.title) } } @else { (r.title) } }
                                            td.num { (thousands(r.hours)) }
                                            td.num { (r.cumulative_weeks) }
                                            td { (movement(r.rank, r.previous_rank)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                } @else {
                    p { "No Top 10 data imported yet (" code { "greenlight import" } ")." }
                }
            }
        },
    ))
}

// ---------------------------------------------------------------------------------------------
// Search

/// The search page for `text` (the form alone while it is empty).
pub fn search_page(store: &Store, text: &str) -> Result<Markup, WebError> {
    let hits = store.search(text, 30)?;
    Ok(layout(
        &format!("Search: {text}"),
        html! {},
        html! {
            h1 { "Search" }
            form.search role="search" action="/search" method="get" aria-label="Find a series" {
                label for="q" { "Series" }
                input #q type="search" name="q" value=(text);
                button type="submit" { "Search" }
            }
            @if !text.trim().is_empty() {
                h2 { (hits.len()) " result" @if hits.len() != 1 { "s" } " for “" (text) "”" }
                @if hits.is_empty() { p { "Nothing matches. Try another spelling, or the native title." } }
                ol {
                    @for h in &hits {
                        li {
                            a href=(format!("/series/{}", h.series.slug)) { (h.series.title) }
                            " " small { "(" (h.series.kind) "; matched “" (h.matched) "”)" }
                        }
                    }
                }
            }
        },
    ))
}

// ---------------------------------------------------------------------------------------------
// Series

/// The series at `/series/{slug}`: by its slug only (the API takes any spelling; a page
/// address is one series's, so links stay stable).
pub fn resolve(store: &Store, slug: &str) -> Result<SeriesRef, WebError> {
    match find_slug(store, slug)? {
        Some(s) => Ok(s),
        None => {
            let mut msg = format!("no series has the address /series/{slug}");
            let near = nearest(store, slug)?;
            if !near.is_empty() {
                msg.push_str("; did you mean: ");
                msg.push_str(
                    &near
                        .iter()
                        .map(|s| format!("/series/{}", s.slug))
                        .collect::<Vec<_>>()
                        .join(", "),
                );
            }
            Err(WebError::NotFound(msg))
        }
    }
}

/// The series at `slug`, matched case-insensitively (slugs are lower case, addresses typed by
/// people need not be): `/series/Wednesday` is `wednesday`'s. The caller redirects to the
/// canonical address when the slugs differ.
pub fn find_slug(store: &Store, slug: &str) -> Result<Option<SeriesRef>, WebError> {
    if let Some(s) = store.series_by_slug(slug)? {
        return Ok(Some(s));
    }
    let lower = slug.to_lowercase();
    if lower != slug {
        return Ok(store.series_by_slug(&lower)?);
    }
    Ok(None)
}

/// The series nearest a mistyped slug, by the store's one search (the slug's words as a query),
/// as the API suggests them for a mistyped spelling.
pub fn nearest(store: &Store, slug: &str) -> Result<Vec<SeriesRef>, WebError> {
    let words: String = slug
        .chars()
        .take(greenlight_store::MAX_QUERY_CHARS)
        .collect();
    let words = words.replace(['-', '_'], " ");
    Ok(store
        .search(&words, 5)?
        .into_iter()
        .map(|h| h.series)
        .collect())
}

/// The 404 page of a series address nothing has: what was asked, and links to the nearest
/// series.
pub fn series_not_found(slug: &str, near: &[SeriesRef]) -> Response {
    let body = layout(
        "Not found",
        html! {},
        html! {
            h1 { "Not found" }
            p { "No series has the address /series/" (slug) "." }
            @if !near.is_empty() {
                p { "Did you mean:" }
                ul.suggestions {
                    @for s in near {
                        li { a href={ "/series/" (s.slug) } { (s.title) } " (" (s.kind) ")" }
                    }
                }
            }
            p { a href={ "/search?q=" (slug.replace('-', "+")) } { "Search for a series" } }
        },
    );
    let mut r = (StatusCode::NOT_FOUND, body.into_string()).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(HTML));
    r
}

struct SeriesData {
    series: SeriesRef,
    /// `None` for what is not a series (a film): the page then shows its viewing data only.
    status: Option<StatusReport>,
    timeline: ledger::TimelineReport,
    cast: ledger::CastReport,
    reception: ledger::ReceptionReport,
    show: greenlight_store::ShowReport,
    weeks: Vec<greenlight_store::ChartWeek>,
    tmdb: Vec<greenlight_store::TmdbFact>,
    jw: Vec<greenlight_store::JustWatchFact>,
    files: Vec<DatasetFile>,
    latest_week: Option<NaiveDate>,
    /// Renewal odds, only while the next season awaits a decision (issue 5, item 7): either the
    /// odds or why there are none.
    odds: Option<Result<greenlight_odds::StatusOdds, String>>,
    /// The report layer's outlook of the next season (`None` when no season follows).
    outlook: Option<Outlook>,
    /// The exact platform metrics known today (issue 17), when imported.
    exact: Option<greenlight_report::exact::ExactSection>,
}

impl SeriesData {
    fn rows(&self) -> DataRows<'_> {
        DataRows {
            show: &self.show,
            weeks: &self.weeks,
            files: &self.files,
        }
    }
}

/// The page of the series at `/series/{slug}`.
pub fn series_page(store: &Store, slug: &str) -> Result<Markup, WebError> {
    let series = resolve(store, slug)?;
    let status = feeds::series_status(store, &series)?;
    let odds = status
        .as_ref()
        .filter(|s| s.status == Status::AwaitingDecision)
        .map(|s| {
            let last = s.next_season.saturating_sub(1);
            greenlight_odds::status_odds(store, &series.slug, last, None).map_err(|e| e.to_string())
        });
    let claims = ledger::timeline(store, &series.slug)?;
    let credits = ledger::cast(store, &series.slug)?;
    let d = SeriesData {
        odds,
        outlook: status
            .as_ref()
            .and_then(|s| greenlight_report::outlook(s, &claims, &credits)),
        status,
        timeline: claims,
        cast: credits,
        reception: ledger::reception(store, &series.slug)?,
        show: store.show(&series)?,
        exact: greenlight_report::exact::exact_section(store, &series.slug, None)?,
        weeks: store.chart_weeks(&series)?,
        tmdb: store.tmdb_facts(&series)?,
        jw: store.justwatch_facts(&series)?,
        files: store.dataset_files()?,
        latest_week: store.latest_chart_week()?,
        series,
    };
    let feed = format!("/series/{}/feed.atom", d.series.slug);
    let has_status = d.status.is_some();
    Ok(layout(
        &d.series.title,
        html! {
            @if has_status {
                link rel="alternate" type="application/atom+xml" href=(feed) title=(format!("{}: status changes", d.series.title));
            }
        },
        html! {
            h1 { (d.series.title) @if !is_series(&d.series) { " " small { "(film)" } } }
            (freshness(d.latest_week, today()))
            @if let Some(s) = &d.status {
                (status_box(&d, s))
                (outlook(&d, s))
            }
            (timeline(&d))
            (chart_section(&d))
            (engagement(&d))
            (exact_metrics(&d))
            (reception(&d))
            (cast(&d))
            (facts(&d))
            @if has_status {
                p { a href=(feed) { "Status changes of " (d.series.title) " as an Atom feed" } " · "
                    a href=(format!("/api/v1/series/{}/status", d.series.slug)) { "this status as JSON" } }
                (follow_box(&d.series.slug, &d.series.title, &feed))
            }
        },
    ))
}

/// The follow button (issue 15): without an account, the series' Atom and iCal feeds; with a
/// token, a webhook (`POST /api/v1/follows`, or `greenlight follow`). A `<details>`, so it
/// opens without JavaScript.
fn follow_box(slug: &str, title: &str, feed: &str) -> Markup {
    let ics = format!("/series/{slug}/calendar.ics");
    html! {
        details.follow id="follow" {
            summary role="button" { "Follow " (title) }
            ul {
                li { a href=(feed) { "Status changes (Atom)" } }
                li { a href=(ics) { "Calendar (iCal)" } ": premieres, announced release dates and decisions, all-day; "
                     a href=(format!("{ics}?kind=premieres")) { "premieres only" } ", "
                     a href=(format!("{ics}?kind=release_dates")) { "release dates only" } ", "
                     a href=(format!("{ics}?kind=decisions")) { "decisions only" } }
                li { "A webhook (signed, retried until it arrives): " code { "POST /api/v1/follows" }
                     " with a token and " code { (format!("{{\"series\": \"{slug}\", \"webhook\": \"https://…\"}}")) }
                     ", or " code { (format!("greenlight follow {slug} --webhook URL --secret S")) } }
            }
        }
    }
}

/// When the status was decided, after its badge: "since 2022-11-08" when the day is known,
/// else the bound ("decided by 2022-02-20", "as reported by 2024-04-01").
fn since(on: NaiveDate, when: When) -> Markup {
    let lead = match when {
        When::Exact => " since ",
        When::NoLaterThan => " decided ",
        When::ReportedBy => " as ",
    };
    html! { (lead) strong { (dated(on, when)) } }
}

/// The claims with `role` in the report's evidence.
fn evidence_with(s: &StatusReport, role: Role) -> Vec<&EvidenceClaim> {
    s.evidence
        .iter()
        .filter(|e| e.role == role)
        .map(|e| &e.claim)
        .collect()
}

/// A list of claims, each with its source; Netflix's viewing data collapsed per season.
fn claim_list(d: &SeriesData, claims: Vec<&EvidenceClaim>) -> Markup {
    let rows = d.rows();
    html! {
        ul {
            @for item in collapse(claims) {
                @match item {
                    Item::Claim(e) => { li { (summary(e)) " — " (rows.source(e)) } }
                    Item::Seen(s) => { li { (s.summary(&rows)) " — " (s.sources(&rows)) } }
                }
            }
        }
    }
}

/// A claim in words; a claim whose content is a web page (a trailer) links it.
fn summary(e: &EvidenceClaim) -> Markup {
    html! {
        (e.summary)
        @if let ClaimValue::TrailerReleased { url } = &e.claim.value {
            " (" (link(Some(url), "watch")) ")"
        }
    }
}

/// One side of a contradiction: the claim in quotes and its source, linked.
fn quoted(d: &SeriesData, e: &EvidenceClaim) -> Markup {
    html! { "“" (summary(e)) "” (" (d.rows().source(e)) ")" }
}

fn status_box(d: &SeriesData, s: &StatusReport) -> Markup {
    let deciding = evidence_with(s, Role::Deciding);
    let context = evidence_with(s, Role::Context);
    let superseded = evidence_with(s, Role::Superseded);
    html! {
        section.status-box #status aria-labelledby="status-h" {
            h2 #status-h style="margin-top:0;border:0" { "Status of season " (s.next_season) }
            p {
                span class=(format!("badge {}", s.status.as_str())) { (status_label(s.status)) }
                @if let Some(on) = s.decided_on {
                    (since(on, decision_when(on, s.decided_on_precision, deciding.iter().copied())))
                }
            }
            @if let Some(r) = s.release_date {
                p { "Season " (s.next_season) " release date: " strong { (dated(r, When::Exact)) } }
            }
            @if !deciding.is_empty() {
                p { "Decided by:" }
                (claim_list(d, deciding))
            }
            @if !context.is_empty() {
                p { "What it waits after (the latest premiere):" }
                (claim_list(d, context))
            }
            @if !superseded.is_empty() {
                p { "Superseded (a later revival overrides it):" }
                (claim_list(d, superseded))
            }
            p.muted { "Confidence " (format!("{:.2}", s.confidence)) ": " (s.confidence_reason) }
            @if !s.contradictions.is_empty() {
                h3 { "Contradictions (" (s.contradictions.len()) ")" }
                ul {
                    @for c in &s.contradictions {
                        li {
                            span.mark { "⚠ " }
                            @for l in &c.losers { (quoted(d, l)) " " }
                            "loses to " (quoted(d, &c.winner)) ": " (c.reason)
                        }
                    }
                }
            }
        }
    }
}

fn timeline_claims(d: &SeriesData) -> impl Iterator<Item = &greenlight_ledger::Claim> {
    d.timeline.entries.iter().map(|e| &e.claim.claim)
}

/// The first lines of the outlook: what the status means for the next season, in words. Only
/// for a season that may still come (the page shows no outlook after a cancellation).
fn outlook_status(d: &SeriesData, s: &StatusReport) -> Markup {
    let n = s.next_season;
    let last = n.saturating_sub(1);
    let deciding = evidence_with(s, Role::Deciding);
    let by = deciding
        .first()
        .map(|e| html! { ", per " (link(e.claim.source.url.as_deref(), &e.claim.source.name)) });
    let since = s.decided_on.map(|on| {
        let when = decision_when(on, s.decided_on_precision, deciding.iter().copied());
        match when {
            When::Exact => html! { " on " (dated(on, when)) },
            _ => html! { " (" (dated(on, when)) ")" },
        }
    });
    let premiered = s.seasons.iter().filter(|o| o.season == last).find_map(|o| {
        o.premiered_on
            .map(|p| (p, When::of(o.premiered_on_precision)))
    });
    match s.status {
        Status::Renewed | Status::Ordered => html! {
            strong { "Season " (n) " is coming." } " " (status_label(s.status)) (since.unwrap_or_default()) (by.unwrap_or_default()) ". "
            "No release date announced yet."
        },
        Status::FinalSeasonAnnounced => html! {
            strong { "Season " (n) " is coming, and it is the last." }
            @if let Some(r) = s.release_date { " Release date " (dated(r, When::Exact)) "." }
            " Announced as the final season" (since.clone().unwrap_or_default()) (by.clone().unwrap_or_default()) "."
        },
        Status::ReleaseDateAnnounced => html! {
            strong { "Season " (n) " is coming" }
            @if let Some(r) = s.release_date { " on " (dated(r, When::Exact)) } (by.unwrap_or_default()) "."
        },
        Status::AwaitingDecision => html! {
            strong { "No decision yet." }
            @if let Some((p, when)) = premiered { " Season " (last) " premiered " @if when == When::Exact { "on " } (dated(p, when)) "." }
            " " (s.confidence_reason)
            @match &d.odds {
                Some(Ok(o)) => {
                    p #odds {
                        "Renewal odds: " strong { (format!("{:.0}%", o.probability * 100.0)) }
                        " as of " time datetime=(o.as_of) { (o.as_of) }
                        " — greenlight's model (" (o.model) "), whose point-in-time backtest scores AUC "
                        (o.backtest_auc.map(|a| format!("{a:.2}")).unwrap_or_else(|| "n/a".into()))
                        ", Brier " (format!("{:.3}", o.backtest_brier)) " (see MODEL.md)."
                    }
                }
                Some(Err(why)) => { p.muted #odds { "No renewal odds: " (why) } }
                None => {}
            }
        },
        // The final statuses have no outlook (see `outlook`); should one reach here, its name,
        // date and source.
        other @ (Status::Canceled | Status::Ended | Status::LimitedSeries) => html! {
            strong { "Season " (n) ": " (status_label(other)) "." } (since.unwrap_or_default()) (by.unwrap_or_default())
        },
    }
}

/// What to expect of the next season, for a season that may still come: who returns, how long
/// it runs, trailer and open storylines, each only when known (an item saying "none" answers
/// nothing). The facts are the report layer's [`Outlook`] (so the CLI and the API give the
/// same); this is only its markup. Nothing at all after a cancellation, an ending or a limited
/// series, where the report has no outlook.
fn outlook(d: &SeriesData, s: &StatusReport) -> Markup {
    let Some(o) = &d.outlook else {
        return html! {};
    };
    let n = o.season;
    let returning = &o.returning_cast;
    html! {
        section #outlook aria-labelledby="outlook-h" {
            h2 #outlook-h { "Season " (n) " outlook" }
            dl.outlook {
                dt { "Status" }
                dd { (outlook_status(d, s)) }
                @if let Some(first) = returning.first() {
                    dt { "Likely returning cast" }
                    dd {
                        @for (i, m) in returning.iter().enumerate() {
                            @if i > 0 { ", " }
                            (m.person) @if !m.characters.is_empty() { " (" (m.characters.join(" / ")) ")" }
                        }
                        " " small { "— the regulars of season " (n.saturating_sub(1)) "; source: " (first.sources.join(", ")) }
                    }
                }
                @if let Some(e) = &o.expected_episodes {
                    dt { "Expected episodes" }
                    dd { (e.count) " " small { "(season " (e.of_season) "'s count; source: " (link(e.source.url.as_deref(), &e.source.name)) ")" } }
                }
                @if let Some(t) = &o.trailer {
                    dt { "Trailer" }
                    dd { (link(Some(&t.url), format!("Season {n} trailer"))) " " small { "(" (link(t.source.url.as_deref(), &t.source.name)) ")" } }
                }
                @if !o.open_storylines.is_empty() {
                    dt { "Open storylines" }
                    dd {
                        ul {
                            @for st in &o.open_storylines {
                                li { (st.text) " " small { "(" @if let Some(s) = st.season { "end of season " (s) "; " } "source: " (link(st.source.url.as_deref(), &st.source.name)) ")" } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A timeline date cell: the date with its precision, or the publication for undated claims.
fn timeline_date(e: &EvidenceClaim) -> Markup {
    let (date, when) = claim_when(e);
    html! {
        @if e.claim.event_date.is_none() && when != When::ReportedBy {
            time datetime=(date) { (date) } br; small { "(published)" }
        } @else {
            (dated(date, when))
        }
    }
}

fn timeline(d: &SeriesData) -> Markup {
    let contradictions: &[ledger::Contradiction] =
        d.status.as_ref().map_or(&[], |s| &s.contradictions);
    // A claim that lost a contradiction is marked, with what beat it and why.
    let lost = |c: &EvidenceClaim| {
        contradictions
            .iter()
            .find(|x| x.losers.iter().any(|l| l == c))
    };
    let won = |c: &EvidenceClaim| contradictions.iter().any(|x| x.winner == *c);
    // A film has no seasons to decide: only what people typed about it is listed (its viewing
    // data has sections of its own).
    let film = d.status.is_none();
    let claims: Vec<&EvidenceClaim> = d
        .timeline
        .entries
        .iter()
        .map(|e| &e.claim)
        .filter(|e| !film || matches!(e.origin, Origin::Ledger { .. }))
        .collect();
    if claims.is_empty() {
        return html! {};
    }
    let rows = d.rows();
    let mark = |claims: &[&EvidenceClaim]| {
        let loser = claims.iter().find_map(|c| lost(c));
        let winner = claims.iter().any(|c| won(c));
        let class = loser.map(|_| "lost").or(winner.then_some("won"));
        let cell = html! {
            @if let Some(c) = loser { span.mark { "✗ contradicted" } ": loses to “" (c.winner.summary) "”. " (c.reason) }
            @else if winner { span.mark { "✓ wins" } " over a contradicting claim" }
        };
        (class, cell)
    };
    html! {
        section #timeline aria-labelledby="timeline-h" {
            h2 #timeline-h { "Timeline" }
            p.muted { "Every claim about the series, typed in the ledger or read from the data, by the date of the event (or of publication when the event is undated). Netflix's viewing data is one line per season." }
            div.scroll {
                table {
                    caption { "Claims about " (d.series.title) ", oldest first" }
                    thead { tr { th scope="col" { "Date" } th scope="col" { "Claim" } th scope="col" { "Source" } th scope="col" { "Standing" } th scope="col" { "Contradiction" } } }
                    tbody {
                        @for item in collapse(claims) {
                            @match item {
                                Item::Claim(e) => {
                                    @let (class, cell) = mark(&[e]);
                                    tr class=[class] {
                                        td { (timeline_date(e)) }
                                        td { (summary(e)) }
                                        td { (rows.source(e)) }
                                        td { (e.standing.as_str().replace('_', " ")) }
                                        td { (cell) }
                                    }
                                }
                                Item::Seen(s) => {
                                    @let (class, cell) = mark(&s.claims);
                                    tr class=[class] {
                                        td { (dated(s.date, s.when)) }
                                        td { (s.summary(&rows)) }
                                        td { (s.sources(&rows)) }
                                        td { "dataset (observed)" }
                                        td { (cell) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn chart_section(d: &SeriesData) -> Markup {
    if d.weeks.is_empty() {
        return html! {};
    }
    let charted: Vec<&greenlight_store::SeasonReport> = d
        .show
        .seasons
        .iter()
        .filter(|s| s.top10.is_some())
        .collect();
    let parts: Vec<String> = charted
        .iter()
        .filter_map(|s| {
            let t = s.top10.as_ref()?;
            let name = if s.season.is_empty() {
                "The show".to_string()
            } else {
                s.season.clone()
            };
            Some(format!(
                "{name}: {} weeks from {} to {}, peak rank {}, {} hours",
                t.weeks,
                t.first_week,
                t.last_week,
                t.peak_rank,
                thousands(t.total_hours)
            ))
        })
        .collect();
    let alt = format!(
        "Line charts of {}'s weekly hours and rank in Netflix's Top 10 (a line breaks where it left the chart). {}.",
        d.series.title,
        parts.join("; ")
    );
    html! {
        section #chart aria-labelledby="chart-h" {
            h2 #chart-h { "Top 10 run" }
            figure {
                img #chart-img src=(format!("/series/{}/chart.svg", d.series.slug)) alt=(alt) width="760" height="460";
                figcaption.muted { "Source: " a href=(TOP10_URL) { "Netflix Top 10 (global, weekly)" } ". Weeks run Monday to Sunday; hours are rounded by Netflix to 10,000. A line breaks where the season was out of the Top 10." }
            }
            details {
                summary { "The weeks as a table" }
                div.scroll {
                    table {
                        caption { "Weekly Top 10 entries — source: Netflix Top 10 (global, weekly)" }
                        thead { tr { th scope="col" { "Week ending" } th scope="col" { "Season" } th scope="col" { "List" } th scope="col" { "Rank" } th scope="col" { "Hours" } } }
                        tbody {
                            @for w in &d.weeks {
                                tr { td { (w.week_end) } td { (w.season.clone().unwrap_or_default()) } td { (w.category) } td.num { "#" (w.rank) } td.num { (thousands(w.hours)) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn engagement(d: &SeriesData) -> Markup {
    let rows: Vec<(&str, &greenlight_store::EngagementEntry)> = d
        .show
        .seasons
        .iter()
        .flat_map(|s| s.engagement.iter().map(move |e| (s.season.as_str(), e)))
        .collect();
    if rows.is_empty() {
        return html! {};
    }
    let mut reports: Vec<&str> = rows.iter().map(|(_, e)| e.report.as_str()).collect();
    reports.sort_unstable();
    reports.dedup();
    html! {
        section #engagement aria-labelledby="engagement-h" {
            h2 #engagement-h { "Engagement by report" }
            div.scroll {
                table {
                    caption { "Hours and views per half-year — source: Netflix engagement reports (“What We Watched”)" }
                    thead { tr { th scope="col" { "Report" } th scope="col" { "Season" } th scope="col" { "Title as listed" } th scope="col" { "Hours" } th scope="col" { "Views" } th scope="col" { "Released" } } }
                    tbody {
                        @for (season, e) in &rows {
                            tr {
                                td { (link(Some(engagement_origin(&e.report)), &e.report)) } td { (season) } td { (e.title) }
                                td.num { (thousands(e.hours)) }
                                td.num { @if let Some(v) = e.views { (thousands(v)) } @else { "—" } }
                                td { @if let Some(r) = e.release_date { (r) } @else { "—" } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A share in nano-units (1e9 = the whole) as a percentage, exact to the file's precision.
fn nano_pct(nano: i64) -> String {
    format!("{}.{:07} %", nano / 10_000_000, nano % 10_000_000)
}

/// The last part of a stored import path: the page names the file, not the importing
/// machine's folders.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The "Exact platform metrics" section (issue 17): the platform's own figures, labelled apart
/// from the public-chart approximation, with each window's provenance.
fn exact_metrics(d: &SeriesData) -> Markup {
    let Some(x) = &d.exact else {
        return html! {};
    };
    html! {
        section #exact aria-labelledby="exact-h" {
            h2 #exact-h { "Exact platform metrics" }
            p { (x.label) ". As of " (x.as_of) ": " (x.shown_when) "." }
            div.scroll {
                table {
                    caption { "Per season and window — source: the platform's own member-level data (see each row's publisher)" }
                    thead { tr {
                        th scope="col" { "Season" } th scope="col" { "Window" } th scope="col" { "Hours" }
                        th scope="col" { "Views" } th scope="col" { "Completion" } th scope="col" { "View share" }
                        th scope="col" { "AVS share" } th scope="col" { "Efficiency" } th scope="col" { "Provenance" }
                    } }
                    tbody {
                        @for w in &x.windows {
                            tr {
                                td { (w.season) } td { (w.window) " (" (w.from) " – " (w.to) ")" }
                                td.num { (w.hours) }
                                td.num { (w.views_milli / 1_000) "." (format!("{:03}", w.views_milli % 1_000)) }
                                td.num { (nano_pct(w.completion_nano)) }
                                td.num { (nano_pct(w.view_share_nano)) }
                                td.num { (nano_pct(w.avs_share_nano)) }
                                td.num { @if let Some(e) = w.efficiency_micro { (e / 1_000_000) "." (format!("{:06}", e % 1_000_000)) } @else { "—" } }
                                td { (w.provenance.publisher) ", generated " (w.provenance.generated) "; file " code { (file_name(&w.provenance.file)) } ", imported " (w.provenance.imported_at) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn sources(v: &[greenlight_ledger::reception::SourceRef]) -> Markup {
    html! {
        @for (i, s) in v.iter().enumerate() {
            @if i > 0 { "; " }
            (link(s.url.as_deref(), &s.name))
            @if let Some(p) = s.published { " (" (p) ")" }
        }
    }
}

fn reception(d: &SeriesData) -> Markup {
    if d.reception.entries.is_empty() {
        return html! {};
    }
    html! {
        section #reception aria-labelledby="reception-h" {
            h2 #reception-h { "Reception" }
            div.scroll {
                table {
                    caption { "Critic and audience scores" }
                    thead { tr { th scope="col" { "Season" } th scope="col" { "Site" } th scope="col" { "Score" } th scope="col" { "Source" } } }
                    tbody {
                        @for e in &d.reception.entries {
                            @let season = e.season.map_or_else(|| "Series".to_string(), |s| format!("Season {s}"));
                            @if let Some(rt) = &e.rotten_tomatoes {
                                tr { td { (season) } td { "Rotten Tomatoes" }
                                     td { (rt.percent) "% of " (rt.reviews) " critic reviews positive"
                                          @if let Some(a) = rt.average { ", average " (format!("{a:.1}")) "/10" } }
                                     td { (sources(&rt.sources)) } }
                            }
                            @if let Some(mc) = &e.metacritic {
                                tr { td { (season) } td { "Metacritic" }
                                     td { (mc.score) " from " (mc.critics) " critics — " (mc.label) }
                                     td { (sources(&mc.sources)) } }
                            }
                            @for a in &e.audience {
                                tr { td { (season) } td { (a.site) " (audience)" }
                                     td { (format!("{:.1}", a.score)) "/" (a.scale) @if let Some(v) = a.votes { " (" (thousands(v)) " votes)" } }
                                     td { (sources(std::slice::from_ref(&a.source))) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn cast(d: &SeriesData) -> Markup {
    if d.cast.cast.is_empty() && d.cast.crew.is_empty() {
        return html! {};
    }
    html! {
        section #cast aria-labelledby="cast-h" {
            h2 #cast-h { "Cast and crew" }
            @if !d.cast.cast.is_empty() {
                div.scroll {
                    table #cast-table {
                        caption { "Cast, leads and regulars first" }
                        thead { tr { th scope="col" { "Person" } th scope="col" { "Character" } th scope="col" { "Billing" } th scope="col" { "Announced" } th scope="col" { "Source" } } }
                        tbody {
                            @for m in &d.cast.cast {
                                tr {
                                    th scope="row" { (m.person) }
                                    td { (m.characters.join(" / ")) }
                                    td { @if let Some(t) = m.tier { (format!("{t:?}").to_lowercase()) } }
                                    td { @if let Some(a) = m.announced { (a) } }
                                    td { (m.sources.join("; ")) }
                                }
                            }
                        }
                    }
                }
            }
            @if !d.cast.crew.is_empty() {
                div.scroll {
                    table {
                        caption { "Crew" }
                        thead { tr { th scope="col" { "Person" } th scope="col" { "Role" } th scope="col" { "Episodes" } th scope="col" { "Source" } } }
                        tbody {
                            @for m in &d.cast.crew {
                                tr { th scope="row" { (m.person) } td { (m.roles.join(", ")) } td { (m.episodes.join(", ")) } td { (m.sources.join("; ")) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn facts(d: &SeriesData) -> Markup {
    // (fact, value, source) rows, first claim of each kind; catalogue data fills the gaps.
    let mut rows: Vec<(&str, String, String)> = Vec::new();
    let put = |rows: &mut Vec<(&str, String, String)>,
               label: &'static str,
               value: String,
               src: String| {
        if !rows.iter().any(|(l, v, _)| *l == label && *v == value) {
            rows.push((label, value, src));
        }
    };
    for c in timeline_claims(d) {
        let src = c.source.name.clone();
        match &c.value {
            ClaimValue::SourceMaterial { work, author, year } => put(
                &mut rows,
                "Based on",
                format!(
                    "{work} by {author}{}",
                    year.map(|y| format!(" ({y})")).unwrap_or_default()
                ),
                src,
            ),
            ClaimValue::Crew { role, .. } if role.as_str() == "creator" => put(
                &mut rows,
                "Creator",
                c.person.clone().unwrap_or_default(),
                src,
            ),
            ClaimValue::Network { value } => put(&mut rows, "Platform", value.clone(), src),
            ClaimValue::CountryOfOrigin { value } => put(&mut rows, "Country", value.clone(), src),
            ClaimValue::OriginalLanguage { value } => {
                put(&mut rows, "Language", value.clone(), src)
            }
            ClaimValue::Genre { value } => put(&mut rows, "Genre", value.clone(), src),
            ClaimValue::ProductionCompany { company } => {
                put(&mut rows, "Production company", company.clone(), src)
            }
            ClaimValue::FilmingLocation { location } => {
                put(&mut rows, "Filmed in", location.clone(), src)
            }
            ClaimValue::EpisodeCount { episodes } => put(
                &mut rows,
                "Episodes",
                format!(
                    "{episodes}{}",
                    c.season
                        .map(|s| format!(" (season {s})"))
                        .unwrap_or_default()
                ),
                src,
            ),
            _ => {}
        }
    }
    let numbered = d.show.seasons.iter().filter(|s| s.number.is_some()).count();
    if numbered > 0 {
        put(
            &mut rows,
            "Seasons",
            numbered.to_string(),
            "Netflix Top 10 and engagement reports (seasons seen)".into(),
        );
    }
    for t in &d.tmdb {
        put(
            &mut rows,
            "Seasons",
            t.number_of_seasons.to_string(),
            format!("TMDB ({}, as of {})", t.file, t.as_of),
        );
        put(
            &mut rows,
            "Platform",
            t.network.clone(),
            format!("TMDB (as of {})", t.as_of),
        );
    }
    for j in &d.jw {
        if !j.production_countries.is_empty() {
            put(
                &mut rows,
                "Country",
                j.production_countries.join(", "),
                "JustWatch (Netflix US catalogue, 2022)".into(),
            );
        }
        if let Some(s) = j.seasons {
            put(
                &mut rows,
                "Seasons",
                s.to_string(),
                "JustWatch (Netflix US catalogue, 2022)".into(),
            );
        }
    }
    let order = [
        "Based on",
        "Creator",
        "Platform",
        "Country",
        "Language",
        "Genre",
        "Seasons",
        "Episodes",
        "Production company",
        "Filmed in",
    ];
    rows.sort_by_key(|(l, _, _)| order.iter().position(|o| o == l).unwrap_or(order.len()));
    if rows.is_empty() {
        return html! {};
    }
    html! {
        section #facts aria-labelledby="facts-h" {
            h2 #facts-h { "Facts" }
            div.scroll {
                table {
                    caption { "What the series is, with the source of each fact" }
                    thead { tr { th scope="col" { "Fact" } th scope="col" { "Value" } th scope="col" { "Source" } } }
                    tbody {
                        @for (l, v, s) in &rows { tr { th scope="row" { (l) } td { (v) } td { (s) } } }
                    }
                }
            }
        }
    }
}
