//! The tracker's pages (issue 13): `/tracker` (the scorecard's summary) and `/tracker/{group}`
//! (one group, [`PAGE_ROWS`] rows a page), `/calendar` (dates ahead and decisions expected) and
//! `/accuracy` (the backtest and the track record), rendered from the report crate's scorecard
//! reports: the scorecard's rows are read from the kept board, the statuses `greenlight list`
//! and the API give. Sorting and filtering are links (query
//! parameters), so the pages need no script; on a narrow screen each table row becomes a block
//! of labelled lines, so the main columns never scroll sideways.

use crate::cite::link;
use crate::feeds::status_label;
use crate::pages::layout;
use greenlight_ledger::DatePrecision;
use greenlight_report::scorecard::{
    Accuracy, Calendar, Group, RecordRow, Scorecard, Sort, SourceLink, TrackerRow,
};
use maud::{html, Markup, PreEscaped};

/// The scorecard's own CSS: on a phone a row is a card, each cell a labelled line.
const CSS: &str = r#"
nav.pick{display:flex;flex-wrap:wrap;gap:.3rem .9rem;margin:.4rem 0}
nav.pick a[aria-current]{font-weight:700;color:var(--fg);text-decoration:none}
table.board td.pct{font-weight:700}
@media (max-width:40rem){
table.board thead{position:absolute;left:-9999px}
table.board,table.board tbody,table.board tr,table.board td{display:block;width:100%}
table.board tr{border-bottom:1px solid var(--line);padding:.4rem 0}
table.board td{border:0;padding:.1rem 0;text-align:left;white-space:normal}
table.board td[data-label]::before{content:attr(data-label) ": ";color:var(--muted)}
}
"#;

fn head() -> Markup {
    html! { style { (PreEscaped(CSS)) } }
}

fn date_with(d: Option<chrono::NaiveDate>, p: Option<DatePrecision>) -> Markup {
    match d {
        None => html! { span.muted { "—" } },
        Some(d) => {
            let words = p.unwrap_or_default().phrase(d);
            html! { time datetime=(d) { (words) } }
        }
    }
}

fn source(s: Option<&SourceLink>) -> Markup {
    match s {
        None => html! { span.muted { "no source" } },
        Some(s) => html! {
            (link(s.url.as_deref(), &s.name)) " " small { "(" (s.published) ")" }
        },
    }
}

fn pct(p: f64) -> String {
    format!("{:.0}%", p * 100.0)
}

/// Rows on a page of `/tracker/{group}`: a phone scrolls through it, a desktop finds a title with
/// the browser's search, and its gzip copy stays a few tens of kilobytes.
pub const PAGE_ROWS: usize = 100;

/// Rows of each group on the summary, `/tracker`.
pub const SUMMARY_ROWS: usize = 10;

/// Pages a group of `rows` rows takes (one, empty, for a group with none).
pub fn page_count(rows: usize) -> usize {
    rows.div_ceil(PAGE_ROWS).max(1)
}

/// The summary's address in `sort`.
fn tracker_href(sort: Sort) -> String {
    if sort == Sort::Title {
        "/tracker".into()
    } else {
        format!("/tracker?sort={}", sort.name())
    }
}

/// The address of page `page` of group `g` in `sort` (the defaults, title and page 1, left out,
/// so each page has one address).
pub fn group_href(g: Group, sort: Sort, page: usize) -> String {
    let mut q = Vec::new();
    if sort != Sort::Title {
        q.push(format!("sort={}", sort.name()));
    }
    if page > 1 {
        q.push(format!("page={page}"));
    }
    if q.is_empty() {
        format!("/tracker/{}", g.name())
    } else {
        format!("/tracker/{}?{}", g.name(), q.join("&"))
    }
}

fn row_markup(r: &TrackerRow) -> Markup {
    let awaiting = r.group == Group::Awaiting;
    html! {
        tr data-slug=(r.slug) data-status=(r.status.as_str()) {
            td data-label="Series" { a href=(format!("/series/{}", r.slug)) { (r.title) } }
            td data-label="Status" {
                (status_label(r.status))
                @if awaiting {
                    @if let Some(s) = r.premiered_season { " (after season " (s) ")" }
                } @else {
                    " (season " (r.next_season) ")"
                }
            }
            @if awaiting {
                td data-label="Premiered" { (date_with(r.premiered_on, r.premiered_on_precision)) }
                td.num data-label="Waiting" {
                    @match r.waiting_days { Some(d) => { (d) " days" }, None => span.muted { "—" } }
                }
                td.num.pct data-label="Odds" {
                    @match (r.probability, &r.odds_unavailable) {
                        (Some(p), _) => (pct(p)),
                        (None, Some(why)) => span.muted title=(why) { "n/a" },
                        (None, None) => span.muted { "—" },
                    }
                }
            } @else {
                td data-label="Decided" { (date_with(r.decided_on, r.decided_on_precision)) }
                @if let Some(d) = r.release_date { td data-label="Release" { time datetime=(d) { (d) } } }
                @else { td data-label="Release" { span.muted { "—" } } }
            }
            td data-label="Source" { (source(r.source.as_ref())) }
        }
    }
}

fn sort_label(s: Sort) -> &'static str {
    match s {
        Sort::Title => "title",
        Sort::Odds => "odds",
        Sort::Waiting => "days waiting",
        Sort::Decided => "latest decision",
    }
}

/// The links to each group's pages, with its count; `here` marks the one shown.
fn groups_nav(card: &Scorecard, here: Option<Group>, sort: Sort) -> Markup {
    html! {
        nav.pick aria-label="Groups" {
            span.muted { "Show:" }
            a href=(tracker_href(sort)) aria-current=[here.is_none().then_some("page")] { "summary (" (card.rows.len()) ")" }
            @for g in Group::ALL {
                a href=(group_href(g, sort, 1)) aria-current=[(here == Some(g)).then_some("page")] {
                    (g.heading().to_lowercase()) " (" (card.count(g)) ")"
                }
            }
        }
    }
}

/// The sort links: each the same page (the summary, or page 1 of the group: another order
/// puts other rows on each page) in another order.
fn sort_nav(here: Option<Group>, sort: Sort) -> Markup {
    html! {
        nav.pick aria-label="Sort" {
            span.muted { "Sort:" }
            @for s in Sort::ALL {
                @let href = match here { Some(g) => group_href(g, s, 1), None => tracker_href(s) };
                a href=(href) rel="nofollow" aria-current=[(sort == s).then_some("page")] { (sort_label(s)) }
            }
        }
    }
}

/// A group's rows as the board's table.
fn board_table(g: Group, rows: &[&TrackerRow]) -> Markup {
    html! {
        table.board {
            thead { tr {
                th scope="col" { "Series" } th scope="col" { "Status" }
                @if g == Group::Awaiting {
                    th scope="col" { "Premiered" } th scope="col" { "Waiting" } th scope="col" { "Odds" }
                } @else {
                    th scope="col" { "Decided" } th scope="col" { "Release" }
                }
                th scope="col" { "Source" }
            } }
            tbody { @for r in rows { (row_markup(r)) } }
        }
    }
}

fn intro(card: &Scorecard) -> Markup {
    html! {
        p {
            "Every TV series greenlight knows (" (card.rows.len()) "), by the status the ledger derives as of "
            time datetime=(card.as_of) { (card.as_of) } ". Each row links its series page and the "
            "source that decides it (for a season awaiting a decision, its premiere's source). Odds "
            "are the renewal model's, shown only while a decision is awaited; "
            a href="/accuracy" { "how accurate they have been" } ". "
            a href="/calendar" { "Dates ahead" } "."
        }
    }
}

/// `/tracker`: each group's count and its first [`SUMMARY_ROWS`] rows in `sort` order, each
/// group linking its pages.
pub fn summary_page(card: &Scorecard, sort: Sort) -> Markup {
    let body = html! {
        h1 { "Renewal scorecard" }
        (intro(card))
        (groups_nav(card, None, sort))
        (sort_nav(None, sort))
        @for g in Group::ALL {
            @let rows = card.group_sorted(g, sort);
            @let href = group_href(g, sort, 1);
            section id=(g.name()) data-count=(rows.len()) {
                h2 { a href=(href) { (g.heading()) } " (" (rows.len()) ")" }
                @if rows.is_empty() {
                    p.muted { "None." }
                } @else {
                    (board_table(g, &rows[..rows.len().min(SUMMARY_ROWS)]))
                    @if rows.len() > SUMMARY_ROWS {
                        p { a href=(href) { "All " (rows.len()) " " (g.heading().to_lowercase()) " →" } }
                    }
                }
            }
        }
    };
    layout("Renewal scorecard", head(), body)
}

/// The previous / next links of page `page` of `pages` of group `g` (`rel` set, so the pages
/// read as one list), with where the page is.
fn pager(
    g: Group,
    sort: Sort,
    page: usize,
    pages: usize,
    from: usize,
    to: usize,
    total: usize,
) -> Markup {
    html! {
        nav.pick.pager aria-label="Pages" {
            @if page > 1 {
                a href=(group_href(g, sort, 1)) rel="first" { "« first" }
                a href=(group_href(g, sort, page - 1)) rel="prev" { "‹ previous" }
            }
            span data-page=(page) data-pages=(pages) {
                "page " (page) " of " (pages)
                @if total > 0 { " (rows " (from) "–" (to) " of " (total) ")" }
            }
            @if page < pages {
                a href=(group_href(g, sort, page + 1)) rel="next" { "next ›" }
                a href=(group_href(g, sort, pages)) rel="last" { "last »" }
            }
        }
    }
}

/// `/tracker/{group}`: page `page` of group `g` in `sort` order, `rows` its rows out of `total`.
pub fn group_page(
    card: &Scorecard,
    g: Group,
    sort: Sort,
    page: usize,
    rows: &[&TrackerRow],
    total: usize,
) -> Markup {
    let pages = page_count(total);
    let from = (page - 1) * PAGE_ROWS + 1;
    let to = from + rows.len() - usize::from(!rows.is_empty());
    let title = format!("{} — renewal scorecard", g.heading());
    let body = html! {
        h1 { (g.heading()) " (" (total) ")" }
        (intro(card))
        (groups_nav(card, Some(g), sort))
        (sort_nav(Some(g), sort))
        (pager(g, sort, page, pages, from, to, total))
        section id=(g.name()) data-count=(total) {
            @if rows.is_empty() {
                p.muted { "None." }
            } @else {
                (board_table(g, rows))
            }
        }
        @if pages > 1 { (pager(g, sort, page, pages, from, to, total)) }
    };
    layout(&title, head(), body)
}

/// How `/calendar` orders its tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarSort {
    Date,
    Title,
}

impl CalendarSort {
    pub fn from_name(s: &str) -> Option<CalendarSort> {
        match s {
            "date" => Some(CalendarSort::Date),
            "title" => Some(CalendarSort::Title),
            _ => None,
        }
    }
}

/// `/calendar`: announced dates ahead, then decisions expected (estimates, labelled so).
pub fn calendar_page(cal: &Calendar, sort: CalendarSort) -> Markup {
    let mut events: Vec<_> = cal.events.iter().collect();
    let mut expected: Vec<_> = cal.expected.iter().collect();
    if sort == CalendarSort::Title {
        events.sort_by(|a, b| {
            (a.title.to_lowercase(), a.season).cmp(&(b.title.to_lowercase(), b.season))
        });
        expected.sort_by_key(|e| e.title.to_lowercase());
    }
    let body = html! {
        h1 { "Calendar" }
        p { "As of " time datetime=(cal.as_of) { (cal.as_of) } ". "
            a href="/tracker" { "The scorecard" } " has every series." }
        nav.pick aria-label="Sort" {
            span.muted { "Sort:" }
            a href="/calendar" aria-current=[(sort == CalendarSort::Date).then_some("page")] { "date" }
            a href="/calendar?sort=title" rel="nofollow" aria-current=[(sort == CalendarSort::Title).then_some("page")] { "title" }
        }
        section #ahead {
            h2 { "Release dates and premieres ahead (" (events.len()) ")" }
            @if events.is_empty() {
                p.muted { "No announced date on or after today." }
            } @else {
                table.board {
                    thead { tr { th scope="col" { "Date" } th scope="col" { "Series" } th scope="col" { "What" } th scope="col" { "Source" } } }
                    tbody { @for e in &events {
                        tr data-slug=(e.slug) {
                            td data-label="Date" { (date_with(Some(e.date), e.precision)) }
                            td data-label="Series" { a href=(format!("/series/{}", e.slug)) { (e.title) } }
                            td data-label="What" { "season " (e.season) " " @if e.kind == "release_date" { "release date announced" } @else { "premieres" } }
                            td data-label="Source" { (source(e.source.as_ref())) }
                        }
                    } }
                }
            }
        }
        section #expected {
            h2 { "Decisions expected (estimates)" }
            @match &cal.gaps {
                None => p.muted { "No premiere-to-decision gap is known exactly in the ledger, so no decision can be estimated." },
                Some(g) => {
                    p {
                        strong { "Estimate, not an announcement: " }
                        "each season's premiere plus the median time from a premiere to the decision about the next season, "
                        (g.median_days) " days, observed in " strong { (g.sample) " seasons" }
                        " whose premiere and decision the ledger dates exactly; the window is the middle half of those gaps ("
                        (g.p25_days) "–" (g.p75_days) " days). "
                        (cal.overdue) " awaiting seasons are past their window with no decision known, and "
                        (cal.undated) " have no premiere date; neither is listed."
                    }
                    @if expected.is_empty() {
                        p.muted { "No awaiting season's window is still open." }
                    } @else {
                        table.board {
                            thead { tr { th scope="col" { "Expected" } th scope="col" { "Window" } th scope="col" { "Series" } th scope="col" { "Premiered" } th scope="col" { "Odds" } } }
                            tbody { @for e in &expected {
                                tr data-slug=(e.slug) {
                                    td data-label="Expected" { "about " time datetime=(e.expected) { (e.expected) } }
                                    td data-label="Window" { (e.earliest) " – " (e.latest) }
                                    td data-label="Series" { a href=(format!("/series/{}", e.slug)) { (e.title) } " (after season " (e.season) ")" }
                                    td data-label="Premiered" { (date_with(Some(e.premiered_on), e.premiered_on_precision)) }
                                    td.num data-label="Odds" { @match e.probability { Some(p) => (pct(p)), None => span.muted { "—" } } }
                                }
                            } }
                        }
                    }
                }
            }
        }
    };
    layout("Calendar", head(), body)
}

fn record_row(r: &RecordRow) -> Markup {
    html! {
        tr data-slug=(r.slug) data-season=(r.season) data-outcome=(r.outcome.as_deref().unwrap_or("pending")) {
            td data-label="Series" { a href=(format!("/series/{}", r.slug)) { (r.title) } " season " (r.season) }
            td data-label="Made" { time datetime=(r.made_at) { (r.made_at) } }
            td.num.pct data-label="Renewal odds" { (pct(r.probability)) }
            td data-label="Outcome" {
                @match &r.outcome_status {
                    None => span.muted { "pending" },
                    Some(s) => {
                        (s.replace('_', " "))
                        @if let Some(d) = r.outcome_date { " " (d) }
                        @if !r.counted { " " small { "(published before the prediction: not scored)" } }
                    }
                }
            }
            td data-label="Source" {
                @match &r.outcome_source {
                    Some(s) => { (link(r.outcome_url.as_deref(), s))
                        @if let Some(p) = r.outcome_published { " " small { "(" (p) ")" } } },
                    None => span.muted { "—" },
                }
            }
            td data-label="Model" { small { (r.model_version) } }
        }
    }
}

/// Pending predictions shown on `/accuracy` (the newest); the rest are counted.
const PENDING_SHOWN: usize = 200;

fn score(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".into(), |x| format!("{x:.3}"))
}

/// `/accuracy`: the backtest, the calibration plot and every kept prediction decided since.
pub fn accuracy_page(a: &Accuracy) -> Markup {
    let decided: Vec<&RecordRow> = a.rows.iter().filter(|r| r.outcome.is_some()).collect();
    let mut pending: Vec<&RecordRow> = a.rows.iter().filter(|r| r.outcome.is_none()).collect();
    pending.reverse();
    let body = html! {
        h1 { "How accurate are the odds?" }
        p {
            "Two measures. The " strong { "backtest" } " trains the model on seasons decided before a cutoff and scores it on the seasons after. "
            "The " strong { "track record" } " is what the model said in public: each time odds are shown for a season awaiting a decision "
            "(at most once per season, model version and day), the probability is stored; when the ledger later learns the decision, "
            "its outcome and source are filled in. Only decisions published on or after the day of the prediction are scored."
        }
        section #backtest {
            h2 { "Backtest" }
            @match &a.backtest {
                None => p.muted { "No backtest: " (a.backtest_unavailable.as_deref().unwrap_or("")) },
                Some(b) => {
                    p { "Model " code { (b.model) } ", trained on " (b.train) " seasons decided before " (b.cutoff)
                        ", tested on " (b.test) " after: AUC " (score(b.auc)) ", Brier " (score(Some(b.brier))) " (lower is better)." }
                    @if let Some(v) = &a.model_version { p.muted { "Current model version: " code { (v) } } }
                    table {
                        caption { "Beside the baselines, on the same test seasons" }
                        thead { tr { th scope="col" { "Predictor" } th scope="col" { "AUC" } th scope="col" { "Brier" } } }
                        tbody {
                            tr { td { (b.model) } td.num { (score(b.auc)) } td.num { (score(Some(b.brier))) } }
                            @for (n, auc, brier) in &b.baselines { tr { td { (n) } td.num { (score(*auc)) } td.num { (score(Some(*brier))) } } }
                        }
                    }
                }
            }
            figure {
                img src="/accuracy/calibration.svg" width="760" height="460"
                    alt="Calibration: predicted renewal probability against the observed renewal rate, per bin, for the backtest and for the track record";
                figcaption.muted { "Calibration: points on the diagonal mean a 70% prediction came true 70% of the time." }
            }
        }
        section #record {
            h2 { "Track record" }
            p { (a.predictions) " predictions kept; " (decided.len()) " decided since, " (a.counted) " of them scored; "
                (a.pending) " pending."
                @if let Some(b) = a.brier { " Brier score of the scored ones: " (format!("{b:.3}")) "." } }
            @if decided.is_empty() {
                p.muted { "No kept prediction has been decided yet." }
            } @else {
                table.board {
                    caption { "Decided" }
                    thead { tr { th scope="col" { "Season" } th scope="col" { "Made" } th scope="col" { "Odds" } th scope="col" { "Outcome" } th scope="col" { "Source" } th scope="col" { "Model" } } }
                    tbody { @for r in &decided { (record_row(r)) } }
                }
            }
            @if !pending.is_empty() {
                table.board {
                    caption { "Pending (the newest " (pending.len().min(PENDING_SHOWN)) " of " (pending.len()) ")" }
                    thead { tr { th scope="col" { "Season" } th scope="col" { "Made" } th scope="col" { "Odds" } th scope="col" { "Outcome" } th scope="col" { "Source" } th scope="col" { "Model" } } }
                    tbody { @for r in pending.iter().take(PENDING_SHOWN) { (record_row(r)) } }
                }
            }
        }
    };
    layout("Accuracy", head(), body)
}
