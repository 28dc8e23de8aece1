//! Citations: how pages and feeds say where a claim comes from, so that every statement on the
//! site can be checked by following one link.
//!
//! - A typed claim names its outlet and links its URL.
//! - A claim computed from data names the file and the row it rests on ("Netflix Top 10
//!   (global), week ending 2025-11-30, TV (English) #1") and links the publisher's page.
//! - Netflix's viewing data repeats itself: a season seen in the Top 10 and in five engagement
//!   reports yields a premiere and a renewal claim per sighting. Those are collapsed into one
//!   line per season ([`Sightings`]) wherever claims are listed, because ten rows saying "season
//!   2 exists" hide the claims that matter.
//! - Dates say how well they are known through one helper, [`dated`]: a new precision is one
//!   line in [`When::of`].
//!
//! Links are only ever `http`/`https` ([`safe_href`]); maud escapes every attribute, so a URL
//! in the ledger can neither run script nor break out of its attribute.

use chrono::NaiveDate;
use greenlight_ledger::{ClaimValue, DatePrecision, EvidenceClaim, Origin};
use greenlight_store::views::DatasetFile;
use greenlight_store::{ChartWeek, SeasonReport, ShowReport};
use maud::{html, Markup, Render};
use std::collections::BTreeMap;

/// Netflix's Top 10 site, the publisher's page for every chart row.
pub const TOP10_URL: &str = "https://www.netflix.com/tudum/top10";

/// Where Netflix published each engagement report ("What We Watched"), as `MANIFEST.toml` of the
/// data records it. The first two have pages of their own; the later ones are listed on the
/// newsroom without a page the manifest names, so the newsroom is the link.
pub fn engagement_origin(period: &str) -> &'static str {
    match period {
        "2023H1" => "https://about.netflix.com/en/news/what-we-watched-a-netflix-engagement-report",
        "2023H2" => "https://about.netflix.com/en/news/what-we-watched-the-second-half-of-2023",
        _ => "https://about.netflix.com/en/news",
    }
}

/// `url` when it is safe to put in an `href`: an absolute `http`/`https` URL with no spaces or
/// control characters. Anything else (`javascript:`, `data:`, relative paths) is shown as text.
pub fn safe_href(url: &str) -> Option<&str> {
    let u = url.trim();
    let lower = u.get(..8).unwrap_or(u).to_ascii_lowercase();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    let clean = !u.chars().any(|c| c.is_whitespace() || c.is_control());
    (scheme_ok && clean && u.len() > "http://".len()).then_some(u)
}

/// `text`, linked to `url` when there is a safe one. `rel=nofollow`: ledger URLs are typed by
/// people (and the API), so the site vouches for no one's page rank.
pub fn link(url: Option<&str>, text: impl Render) -> Markup {
    match url.and_then(safe_href) {
        Some(u) => html! { a href=(u) rel="nofollow" { (text) } },
        None => html! { (text) },
    }
}

/// How well a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// The day it happened.
    Exact,
    /// It happened by then at the latest (a premiere bounded by a chart week, an undated
    /// article's publication).
    NoLaterThan,
    /// A catalogue snapshot said so by then; when it happened is unknown.
    ReportedBy,
}

impl When {
    /// A ledger precision as the site shows it. A precision the ledger adds later falls back to
    /// "by DATE" (never claiming more than is known) until it gets its own line here.
    pub fn of(p: Option<DatePrecision>) -> When {
        match p {
            None | Some(DatePrecision::Exact) => When::Exact,
            Some(DatePrecision::NoLaterThan) => When::NoLaterThan,
            Some(DatePrecision::ReportedBy) => When::ReportedBy,
        }
    }

    /// The words before the date ("", "by ", "reported by ").
    pub fn prefix(self) -> &'static str {
        match self {
            When::Exact => "",
            When::NoLaterThan => "by ",
            When::ReportedBy => "reported by ",
        }
    }

    /// The date in words, for plain text (feeds).
    pub fn words(self, date: NaiveDate) -> String {
        format!("{}{date}", self.prefix())
    }
}

/// A date as a page shows it: a `<time>` with the precision in words before it.
pub fn dated(date: NaiveDate, when: When) -> Markup {
    html! { (when.prefix()) time datetime=(date) { (date) } }
}

/// How well a *decision* date is known: the report's precision, except that a bound which is
/// only the publication date of undated catalogue data (TMDB's status) is "reported by".
pub fn decision_when<'a>(
    date: NaiveDate,
    precision: Option<DatePrecision>,
    deciding: impl IntoIterator<Item = &'a EvidenceClaim>,
) -> When {
    let when = When::of(precision);
    if when == When::Exact {
        return when;
    }
    let deciding: Vec<&EvidenceClaim> = deciding.into_iter().collect();
    let dated_by_event = deciding.iter().any(|e| e.claim.event_date == Some(date));
    let reported = deciding.iter().any(|e| {
        matches!(e.origin, Origin::Data { .. })
            && e.claim.event_date.is_none()
            && e.claim.published == date
    });
    if reported && !dated_by_event {
        When::ReportedBy
    } else {
        when
    }
}

/// The date a claim is listed under, with its precision: its event (exact or a bound), else its
/// publication ("reported by" for data, "by" for a typed claim: it happened before it was told).
pub fn claim_when(e: &EvidenceClaim) -> (NaiveDate, When) {
    match e.claim.event_date {
        Some(d) => (d, When::of(Some(e.claim.date_precision))),
        None if matches!(e.origin, Origin::Data { .. }) => (e.claim.published, When::ReportedBy),
        None => (e.claim.published, When::NoLaterThan),
    }
}

/// What a page knows about a series' data, to name the rows a data claim rests on.
pub struct DataRows<'a> {
    pub show: &'a ShowReport,
    pub weeks: &'a [ChartWeek],
    pub files: &'a [DatasetFile],
}

/// The dataset key of a claim computed from Netflix's viewing data (Top 10, engagement), which
/// [`Sightings`] collapses; `None` for typed claims and catalogue data.
pub fn viewing_dataset(e: &EvidenceClaim) -> Option<&str> {
    match &e.origin {
        Origin::Data { dataset, .. }
            if dataset == "top10-global" || dataset.starts_with("engagement-") =>
        {
            Some(dataset)
        }
        _ => None,
    }
}

/// The season a viewing-data claim is about, for grouping: its season, else 1 (data that names
/// no season, such as a `Limited Series` label, speaks of the first).
fn season_key(e: &EvidenceClaim) -> u32 {
    e.claim.season.unwrap_or(1)
}

impl DataRows<'_> {
    fn file(&self, key: &str) -> Option<&DatasetFile> {
        self.files.iter().find(|f| f.key == key)
    }

    /// The data's seasons a claim about season `k` can rest on: season k, and for k = 1 the
    /// seasons the data names without a number (the show as a whole, `Part 2`, a subtitle).
    fn seasons_for(&self, k: u32) -> impl Iterator<Item = &SeasonReport> {
        self.show
            .seasons
            .iter()
            .filter(move |s| match s.label.number() {
                Some(n) => n == k,
                None => k == 1,
            })
    }

    /// The chart row of season `k`'s first week ending `week`: the best-ranked row that week of
    /// one of its seasons (any row of the week when the data names the season differently).
    fn chart_row(&self, k: u32, week: NaiveDate) -> Option<&ChartWeek> {
        let names: Vec<&str> = self
            .seasons_for(k)
            .filter(|s| s.top10.as_ref().is_some_and(|t| t.first_week == week))
            .map(|s| s.season.as_str())
            .collect();
        let that_week = || self.weeks.iter().filter(|w| w.week_end == week);
        that_week()
            .filter(|w| names.contains(&w.season.as_deref().unwrap_or("")))
            .min_by_key(|w| w.rank)
            .or_else(|| that_week().min_by_key(|w| w.rank))
    }

    /// A data claim's source: dataset, file and row, linked to the publisher's page.
    fn data_source(&self, e: &EvidenceClaim, dataset: &str, detail: &str) -> Markup {
        let url = e.claim.source.url.as_deref();
        if dataset.starts_with("top10") {
            let row = e
                .claim
                .event_date
                .and_then(|d| self.chart_row(season_key(e), d));
            return html! {
                (link(url.or(Some(TOP10_URL)), "Netflix Top 10 (global)"))
                @if let Some(w) = row {
                    ", week ending " time datetime=(w.week_end) { (w.week_end) } ", " (w.category) " #" (w.rank)
                } @else {
                    small { " (" (detail) ")" }
                }
            };
        }
        if let Some(period) = dataset.strip_prefix("engagement-") {
            let file = self.file(dataset).map(|f| f.file.as_str());
            return html! {
                (link(url.or(Some(engagement_origin(period))), format!("Netflix engagement report {period}")))
                @if let Some(f) = file { " " small { "(" (f) ")" } }
                ", " (detail)
            };
        }
        let file = self.file(dataset);
        let name = &e.claim.source.name;
        html! {
            (link(url, name))
            @if let Some(f) = file {
                " " small { "(" @if !name.contains(&f.file) { (f.file) ", " } "as of " (f.as_of) ")" }
            }
            ": " (detail)
        }
    }

    /// A claim's source: outlet (linked), its kind, and for data the file and row.
    pub fn source(&self, e: &EvidenceClaim) -> Markup {
        match &e.origin {
            Origin::Data {
                dataset, detail, ..
            } => self.data_source(e, dataset, detail),
            Origin::Ledger { .. } => html! {
                (link(e.claim.source.url.as_deref(), &e.claim.source.name))
                " " small { "(" (e.claim.source.kind.as_str().replace('_', " ")) ", published " (e.claim.published) ")" }
            },
        }
    }

    /// One season's viewing data in a line: "Season 2: seen in the Top 10 from the week ending
    /// 2022-05-29 (12 weeks); in the 2023H1, 2023H2 reports", each dataset linked.
    fn season_line(&self, k: u32, urls: &BTreeMap<String, String>) -> Markup {
        let seasons: Vec<&SeasonReport> = self
            .seasons_for(k)
            .filter(|s| s.top10.is_some() || !s.engagement.is_empty())
            .collect();
        let top10_url = urls.get("top10-global").map_or(TOP10_URL, String::as_str);
        html! {
            @for (i, s) in seasons.iter().enumerate() {
                @if i > 0 { ". " }
                @let name = if s.season.is_empty() { "The series (no season named)".to_string() } else { s.season.clone() };
                (name) ": seen"
                @if let Some(t) = &s.top10 {
                    " in the " (link(Some(top10_url), "Top 10")) " from the week ending "
                    time datetime=(t.first_week) { (t.first_week) }
                    " (" (t.weeks) " week" @if t.weeks != 1 { "s" } ", peak #" (t.peak_rank) ")"
                }
                @let reports = report_periods(s);
                @if !reports.is_empty() {
                    @if s.top10.is_some() { ";" }
                    " in the "
                    @for (j, r) in reports.iter().enumerate() {
                        @if j > 0 { ", " }
                        @let key = format!("engagement-{r}");
                        (link(Some(urls.get(&key).map_or(engagement_origin(r), String::as_str)), *r))
                    }
                    " report" @if reports.len() != 1 { "s" }
                    @if let Some(d) = s.engagement.iter().find_map(|e| e.release_date) {
                        " (released " time datetime=(d) { (d) } ")"
                    }
                }
            }
            @if seasons.is_empty() { "Season " (k) ": seen in Netflix's viewing data" }
        }
    }
}

/// Viewing-data claims collapsed per season: what a listing shows instead of one row per
/// sighting.
pub struct Sighting<'a> {
    pub season: u32,
    /// The earliest date among the claims, with its precision.
    pub date: NaiveDate,
    pub when: When,
    /// The collapsed claims, in the order given.
    pub claims: Vec<&'a EvidenceClaim>,
}

impl Sighting<'_> {
    /// What the data shows, in words: the season line, then what it implies.
    pub fn summary(&self, rows: &DataRows) -> Markup {
        let mut urls = BTreeMap::new();
        for e in &self.claims {
            if let (Some(ds), Some(u)) = (viewing_dataset(e), e.claim.source.url.as_ref()) {
                urls.entry(ds.to_string()).or_insert_with(|| u.clone());
            }
        }
        let renewed = self
            .claims
            .iter()
            .any(|e| matches!(e.claim.value, ClaimValue::SeasonRenewed { .. }));
        let limited = self
            .claims
            .iter()
            .any(|e| matches!(e.claim.value, ClaimValue::LimitedSeries { .. }));
        html! {
            (rows.season_line(self.season, &urls))
            " " small {
                "(so season " (self.season) " premiered " (self.when.prefix()) (self.date)
                @if renewed { ", and was renewed before that" }
                @if limited { "; labelled a limited series" }
                ")"
            }
        }
    }

    /// The sources cell: each dataset the claims come from once (its first claim's row),
    /// linked.
    pub fn sources(&self, rows: &DataRows) -> Markup {
        let mut firsts: Vec<(&str, &str, &EvidenceClaim)> = Vec::new();
        for e in &self.claims {
            if let (Some(ds), Origin::Data { detail, .. }) = (viewing_dataset(e), &e.origin) {
                if !firsts.iter().any(|(d, _, _)| *d == ds) {
                    firsts.push((ds, detail, e));
                }
            }
        }
        html! {
            @for (i, (ds, detail, e)) in firsts.iter().enumerate() {
                @if i > 0 { br; }
                (rows.data_source(e, ds, detail))
            }
        }
    }
}

/// A listing of claims with the viewing-data ones collapsed per season, in the order of each
/// season's first claim.
pub enum Item<'a> {
    Claim(&'a EvidenceClaim),
    Seen(Sighting<'a>),
}

/// Collapses `claims` (in display order): every viewing-data claim joins its season's
/// [`Sighting`], placed where that season's first one was; all other claims stay as they are.
pub fn collapse<'a>(claims: impl IntoIterator<Item = &'a EvidenceClaim>) -> Vec<Item<'a>> {
    let mut out: Vec<Item<'a>> = Vec::new();
    for e in claims {
        if viewing_dataset(e).is_none() {
            out.push(Item::Claim(e));
            continue;
        }
        let k = season_key(e);
        let (date, when) = claim_when(e);
        let existing = out.iter_mut().find_map(|i| match i {
            Item::Seen(s) if s.season == k => Some(s),
            _ => None,
        });
        match existing {
            Some(s) => {
                // The earliest date wins; on the same day an exact date beats a bound.
                if (date, when != When::Exact) < (s.date, s.when != When::Exact) {
                    s.date = date;
                    s.when = when;
                }
                s.claims.push(e);
            }
            None => out.push(Item::Seen(Sighting {
                season: k,
                date,
                when,
                claims: vec![e],
            })),
        }
    }
    out
}

/// The engagement reports listing a season, oldest first, each once.
fn report_periods(s: &SeasonReport) -> Vec<&str> {
    let mut v: Vec<&str> = s.engagement.iter().map(|e| e.report.as_str()).collect();
    v.sort_unstable();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_urls_become_links() {
        assert_eq!(
            safe_href("https://ew.com/a?b=1&c=2"),
            Some("https://ew.com/a?b=1&c=2")
        );
        assert_eq!(safe_href(" HTTP://x.org/ "), Some("HTTP://x.org/"));
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<b>",
            "/series/x",
            "//evil.example/",
            "https://a b.com/",
            "http://",
            "https://x.org/\u{0}",
        ] {
            assert_eq!(safe_href(bad), None, "{bad}");
        }
        let m = link(Some("javascript:alert(1)"), "x").into_string();
        assert_eq!(m, "x");
        // Escaped, so a quote cannot end the attribute.
        let m = link(Some("https://x.org/\"><script>"), "x").into_string();
        assert!(!m.contains("<script>") && m.contains("&quot;"), "{m}");
    }

    #[test]
    fn dates_say_how_well_they_are_known() {
        let d = NaiveDate::from_ymd_opt(2022, 11, 8).unwrap();
        assert_eq!(
            dated(d, When::Exact).into_string(),
            "<time datetime=\"2022-11-08\">2022-11-08</time>"
        );
        assert!(dated(d, When::NoLaterThan)
            .into_string()
            .starts_with("by <time"));
        assert_eq!(When::ReportedBy.words(d), "reported by 2022-11-08");
        assert_eq!(
            When::of(Some(DatePrecision::NoLaterThan)),
            When::NoLaterThan
        );
        assert_eq!(When::of(None), When::Exact);
    }
}
