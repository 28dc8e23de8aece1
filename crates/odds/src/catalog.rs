//! Everything the odds need, read from the store's read models for them
//! (`greenlight_store::training`, one bulk read per table) and held in memory. A backtest
//! computes metrics for ~1,000 seasons at several dates; per-season queries would dominate its
//! run time, and holding the rows lets every date filter be plain Rust.

use crate::dates;
use crate::finance::{Finance, Region};
use crate::OddsError;
use chrono::{Datelike, NaiveDate};
use greenlight_sources::titles::SeasonLabel;
use greenlight_store::Store;
use std::collections::{BTreeSet, HashMap};

/// The four global Top 10 lists, as indices.
pub const CATEGORIES: [&str; 4] = [
    "TV (English)",
    "TV (Non-English)",
    "Films (English)",
    "Films (Non-English)",
];

pub fn category_index(name: &str) -> Option<u8> {
    CATEGORIES.iter().position(|c| *c == name).map(|i| i as u8)
}

#[derive(Debug, Clone)]
pub struct Series {
    pub id: i64,
    pub slug: String,
    pub title: String,
}

/// A numbered season (`SeasonLabel::Season`): the unit the odds are about.
#[derive(Debug, Clone)]
pub struct Season {
    pub id: i64,
    pub series_id: i64,
    pub number: u32,
    /// The earliest release date any engagement report gives the season. Release dates are
    /// public on the day of release, so they are used whatever report carries them.
    pub release_date: Option<NaiveDate>,
    pub first_chart_week: Option<NaiveDate>,
    /// When the season was first evidenced anywhere: its first chart week's start, its release
    /// date, or the start of the first report that lists it.
    pub first_seen: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct ChartRow {
    pub week: NaiveDate,
    pub cat: u8,
    pub rank: u32,
    pub hours: f64,
    /// Views as published, or hours / runtime where the runtime is known.
    pub views: Option<f64>,
    /// `views`, or for the list total an estimate from the list-week's hours-per-view.
    pub views_est: f64,
    pub runtime_hours: Option<f64>,
    pub season_id: Option<i64>,
    /// ARPU weight of the audience (1.0 where no country lists exist), see METRICS.md.
    pub weight: f64,
    pub weighted: bool,
}

#[derive(Debug, Clone, Default)]
pub struct ListTotal {
    pub hours: f64,
    pub views: f64,
    pub weighted_views: f64,
}

#[derive(Debug, Clone)]
pub struct CountryRow {
    pub week: NaiveDate,
    pub iso2: String,
    pub rank: u32,
}

#[derive(Debug, Clone)]
pub struct EngRow {
    pub report: String,
    pub hours: f64,
    pub views: Option<f64>,
    pub runtime_minutes: Option<u32>,
    pub release_date: Option<NaiveDate>,
    pub published: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct TmdbRow {
    pub name: String,
    pub number_of_seasons: u32,
    pub status: String,
    pub network: String,
    pub first_air_date: Option<NaiveDate>,
    pub as_of: NaiveDate,
}

/// A show's original language, as far as its native title tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    Korean,
    Japanese,
    Chinese,
    Indian,
    SpanishPortuguese,
    Other,
}

impl Language {
    /// By script, and for Latin-script titles by the word for "season" (`Temporada` is
    /// Spanish and Portuguese).
    pub fn of_native_title(native: &str) -> Language {
        let has = |lo: u32, hi: u32| native.chars().any(|c| (lo..=hi).contains(&(c as u32)));
        if has(0xAC00, 0xD7AF) || has(0x1100, 0x11FF) || has(0x3130, 0x318F) {
            Language::Korean
        } else if has(0x3040, 0x30FF) {
            Language::Japanese
        } else if has(0x4E00, 0x9FFF) {
            Language::Chinese
        } else if has(0x0900, 0x0DFF) {
            Language::Indian
        } else if native.to_lowercase().contains("temporada") {
            Language::SpanishPortuguese
        } else {
            Language::Other
        }
    }
}

pub struct Catalog {
    pub series: HashMap<i64, Series>,
    pub seasons: Vec<Season>,
    pub season_index: HashMap<i64, usize>,
    /// Every season id (any label: parts and specials too) -> its series id.
    pub season_series: HashMap<i64, i64>,
    /// series id -> indices into `seasons`, by season number.
    pub series_seasons: HashMap<i64, Vec<usize>>,
    /// Every global chart row, oldest week first.
    pub chart: Vec<ChartRow>,
    /// season id -> indices into `chart`.
    pub chart_by_season: HashMap<i64, Vec<usize>>,
    pub list_totals: HashMap<(NaiveDate, u8), ListTotal>,
    pub week_totals: HashMap<NaiveDate, ListTotal>,
    pub country: HashMap<i64, Vec<CountryRow>>,
    /// Weeks for which per-country lists exist.
    pub country_weeks: BTreeSet<NaiveDate>,
    pub engagement: HashMap<i64, Vec<EngRow>>,
    /// Season runtime in hours from the engagement reports, with the publication date of the
    /// first report that gave it: before that date nobody outside Netflix knew it, so nothing
    /// computed "as of" an earlier date may use it.
    pub runtime_hours: HashMap<i64, (NaiveDate, f64)>,
    pub tmdb: HashMap<i64, Vec<TmdbRow>>,
    /// The original language of a series, read from the native titles Netflix prints after
    /// ` // ` (a static fact of the show, known at launch).
    pub language: HashMap<i64, Language>,
    /// JustWatch genres of a series (the 2022 catalogue; genres do not accrue over time, unlike
    /// its scores and votes, which are never used).
    pub genres: HashMap<i64, Vec<String>>,
    /// The last chart week: how far the Netflix data runs.
    pub horizon: NaiveDate,
    /// The latest publication date of anything loaded.
    pub data_end: NaiveDate,
    /// Netflix's regional figures as imported (`None` when the store has none).
    pub finance: Option<Finance>,
    /// The ledger's dated announcements (issue 16), by series id.
    pub announcements: HashMap<i64, Vec<crate::announcements::Announcement>>,
    /// [`crate::announcements::digest`] of them.
    pub announcements_digest: String,
}

impl Catalog {
    pub fn load(store: &Store) -> Result<Catalog, OddsError> {
        // The two largest reads (about half of the load) on a second connection meanwhile.
        let mut ph = greenlight_store::timing::Phases::named("catalogue");
        let (side, here) = store.beside(
            |s| {
                let t = std::time::Instant::now();
                let r =
                    Ok::<_, OddsError>((s.training_engagement()?, s.training_native_spellings()?));
                greenlight_store::timing::report(
                    format_args!("catalogue's side read"),
                    t.elapsed(),
                );
                r
            },
            |s| {
                let t = std::time::Instant::now();
                let r = Catalog::load_rest(s);
                greenlight_store::timing::report(format_args!("catalogue's own read"), t.elapsed());
                r
            },
        );
        ph.mark("read");
        let (engagement, natives) = side?;
        let c = here?.finish(engagement, natives);
        ph.mark("joined");
        c
    }

    /// Everything [`Catalog::load`] reads but the engagement rows and native spellings.
    fn load_rest(store: &Store) -> Result<Partial, OddsError> {
        let series: HashMap<i64, Series> = store
            .training_series()?
            .into_iter()
            .map(|s| {
                (
                    s.id,
                    Series {
                        id: s.id,
                        slug: s.slug,
                        title: s.title,
                    },
                )
            })
            .collect();

        let mut seasons = Vec::new();
        let mut season_series = HashMap::new();
        for r in store.training_seasons()? {
            season_series.insert(r.id, r.series_id);
            if let Some(SeasonLabel::Season { number }) = r.label {
                seasons.push(Season {
                    id: r.id,
                    series_id: r.series_id,
                    number,
                    release_date: None,
                    first_chart_week: None,
                    first_seen: None,
                });
            }
        }
        let season_index: HashMap<i64, usize> =
            seasons.iter().enumerate().map(|(i, s)| (s.id, i)).collect();

        let chart_rows = store.training_chart()?;
        let mut country: HashMap<i64, Vec<CountryRow>> = HashMap::new();
        let mut country_weeks = BTreeSet::new();
        for r in store.training_country_ranks()? {
            country_weeks.insert(r.week);
            country.entry(r.season_id).or_default().push(CountryRow {
                week: r.week,
                iso2: r.iso2,
                rank: r.rank,
            });
        }

        let mut tmdb: HashMap<i64, Vec<TmdbRow>> = HashMap::new();
        for r in store.training_tmdb()? {
            tmdb.entry(r.series_id).or_default().push(TmdbRow {
                name: r.name,
                number_of_seasons: r.number_of_seasons,
                status: r.status,
                network: r.network,
                first_air_date: r.first_air_date,
                as_of: r.as_of,
            });
        }

        let mut genres: HashMap<i64, Vec<String>> = HashMap::new();
        for r in store.training_show_genres()? {
            let e = genres.entry(r.series_id).or_default();
            for g in r.genres {
                if !e.contains(&g) {
                    e.push(g);
                }
            }
        }

        let finance = Finance::from_figures(&store.finance_figures()?)?;

        let by_slug = crate::announcements::load(store)?;
        let announcements_digest = crate::announcements::digest(&by_slug);
        let ids: HashMap<&str, i64> = series.values().map(|s| (s.slug.as_str(), s.id)).collect();
        let announcements = by_slug
            .into_iter()
            .filter_map(|(slug, l)| ids.get(slug.as_str()).map(|id| (*id, l)))
            .collect();

        Ok(Partial {
            series,
            seasons,
            season_index,
            season_series,
            chart_rows,
            country,
            country_weeks,
            tmdb,
            genres,
            finance,
            announcements,
            announcements_digest,
        })
    }
}

/// What [`Catalog::load_rest`] read, before the engagement rows join it.
struct Partial {
    series: HashMap<i64, Series>,
    seasons: Vec<Season>,
    season_index: HashMap<i64, usize>,
    season_series: HashMap<i64, i64>,
    chart_rows: Vec<greenlight_store::training::ChartFigure>,
    country: HashMap<i64, Vec<CountryRow>>,
    country_weeks: BTreeSet<NaiveDate>,
    tmdb: HashMap<i64, Vec<TmdbRow>>,
    genres: HashMap<i64, Vec<String>>,
    finance: Option<Finance>,
    announcements: HashMap<i64, Vec<crate::announcements::Announcement>>,
    announcements_digest: String,
}

impl Partial {
    fn finish(
        self,
        engagement_rows: Vec<greenlight_store::training::EngagementFigure>,
        natives: Vec<greenlight_store::training::NativeSpelling>,
    ) -> Result<Catalog, OddsError> {
        // Engagement rows of every season (films too: their runtimes turn list hours into views).
        let mut engagement: HashMap<i64, Vec<EngRow>> = HashMap::new();
        let mut runtime_hours: HashMap<i64, (NaiveDate, f64)> = HashMap::new();
        for r in engagement_rows {
            let sid = r.season_id;
            let published = dates::report_published(&r.report);
            if let (Some(m), Some(p)) = (r.runtime_minutes.filter(|m| *m > 0), published) {
                // The first published report's runtime: the earliest anyone could know it.
                let e = runtime_hours.entry(sid).or_insert((p, m as f64 / 60.0));
                if p < e.0 {
                    *e = (p, m as f64 / 60.0);
                }
            }
            let row = EngRow {
                published,
                hours: r.hours as f64,
                views: r.views.map(|v| v as f64),
                runtime_minutes: r.runtime_minutes,
                release_date: r.release_date,
                report: r.report,
            };
            engagement.entry(sid).or_default().push(row);
        }

        let mut chart = Vec::new();
        for r in self.chart_rows {
            let Some(cat) = category_index(&r.category) else {
                continue;
            };
            let season_id = r.season_id;
            let hours = r.hours as f64;
            let runtime = r.runtime.filter(|h| *h > 0.0);
            let week = r.week;
            // A view count derived from a report's runtime exists only once both the week and
            // that runtime were public; earlier weeks keep no derived views.
            let runtime_hours = runtime.or_else(|| {
                season_id
                    .and_then(|s| runtime_hours.get(&s).copied())
                    .filter(|(p, _)| *p <= dates::chart_published(week))
                    .map(|(_, h)| h)
            });
            let views = r
                .views
                .map(|v| v as f64)
                .or_else(|| runtime_hours.map(|rt| hours / rt));
            chart.push(ChartRow {
                week,
                cat,
                rank: r.rank,
                hours,
                views,
                views_est: views.unwrap_or(0.0),
                runtime_hours,
                season_id,
                weight: 1.0,
                weighted: false,
            });
        }

        let mut language: HashMap<i64, Language> = HashMap::new();
        for r in natives {
            for t in [&r.show_title, &r.season_title] {
                if let Some((_, native)) = t.split_once(" // ") {
                    let l = Language::of_native_title(native);
                    let e = language.entry(r.series_id).or_insert(l);
                    if *e == Language::Other {
                        *e = l;
                    }
                }
            }
        }
        let mut cat = Catalog {
            series: self.series,
            seasons: self.seasons,
            season_index: self.season_index,
            season_series: self.season_series,
            series_seasons: HashMap::new(),
            chart,
            chart_by_season: HashMap::new(),
            list_totals: HashMap::new(),
            week_totals: HashMap::new(),
            country: self.country,
            country_weeks: self.country_weeks,
            engagement,
            runtime_hours,
            tmdb: self.tmdb,
            language,
            genres: self.genres,
            horizon: NaiveDate::MIN,
            data_end: NaiveDate::MIN,
            finance: self.finance,
            announcements: self.announcements,
            announcements_digest: self.announcements_digest,
        };
        cat.derive();
        Ok(cat)
    }
}

impl Catalog {
    /// Indexes, first-seen dates, country weights and list totals.
    fn derive(&mut self) {
        for (i, row) in self.chart.iter().enumerate() {
            if let Some(s) = row.season_id {
                self.chart_by_season.entry(s).or_default().push(i);
            }
        }
        for s in &mut self.seasons {
            if let Some(rows) = self.chart_by_season.get(&s.id) {
                s.first_chart_week = rows.iter().map(|&i| self.chart[i].week).min();
            }
            let eng = self.engagement.get(&s.id);
            s.release_date = eng.and_then(|e| e.iter().filter_map(|r| r.release_date).min());
            let report_start = eng.and_then(|e| {
                e.iter()
                    .filter_map(|r| dates::report_period(&r.report))
                    .map(|p| p.0)
                    .min()
            });
            s.first_seen = [
                s.first_chart_week.map(greenlight_store::week_start),
                s.release_date,
                report_start,
            ]
            .into_iter()
            .flatten()
            .min();
        }
        let mut by_series: HashMap<i64, Vec<usize>> = HashMap::new();
        for (i, s) in self.seasons.iter().enumerate() {
            by_series.entry(s.series_id).or_default().push(i);
        }
        for v in by_series.values_mut() {
            v.sort_by_key(|&i| self.seasons[i].number);
        }
        self.series_seasons = by_series;

        // Country weights: the rank-weighted ARPU of the countries a title charted in, over the
        // membership-weighted global ARPU of the year.
        if let Some(fin) = &self.finance {
            let mut weights: HashMap<(i64, NaiveDate), f64> = HashMap::new();
            for (sid, rows) in &self.country {
                let mut acc: HashMap<NaiveDate, (f64, f64)> = HashMap::new();
                for r in rows {
                    let pts = 11.0 - r.rank.clamp(1, 10) as f64;
                    if let Some(a) = fin.arpu(Region::of_country(&r.iso2), published_year(r.week)) {
                        let e = acc.entry(r.week).or_default();
                        e.0 += pts * a;
                        e.1 += pts;
                    }
                }
                for (week, (num, den)) in acc {
                    if let (true, Some(g)) = (den > 0.0, fin.global_arpu(published_year(week))) {
                        weights.insert((*sid, week), num / den / g);
                    }
                }
            }
            for row in &mut self.chart {
                if let Some(w) = row.season_id.and_then(|s| weights.get(&(s, row.week))) {
                    row.weight = *w;
                    row.weighted = true;
                }
            }
        }

        // List totals. Rows whose views are unknown get the list-week's hours-per-view.
        let mut known: HashMap<(NaiveDate, u8), (f64, f64)> = HashMap::new();
        for r in &self.chart {
            if let Some(v) = r.views {
                let e = known.entry((r.week, r.cat)).or_default();
                e.0 += r.hours;
                e.1 += v;
            }
        }
        // Where a whole list-week lacks runtimes, a fixed typical runtime (TV season 6 h, film
        // 1.75 h) stands in. It is a constant, not a statistic of the data, so rows published
        // later can never change an earlier week's total.
        let typical_runtime = |cat: u8| if cat < 2 { 6.0 } else { 1.75 };
        for r in &mut self.chart {
            if r.views.is_none() {
                r.views_est = match known.get(&(r.week, r.cat)) {
                    Some((h, v)) if *h > 0.0 && *v > 0.0 => r.hours * v / h,
                    _ => r.hours / typical_runtime(r.cat),
                };
            }
            let lt = self.list_totals.entry((r.week, r.cat)).or_default();
            lt.hours += r.hours;
            lt.views += r.views_est;
            lt.weighted_views += r.views_est * r.weight;
            let wt = self.week_totals.entry(r.week).or_default();
            wt.hours += r.hours;
            wt.views += r.views_est;
            wt.weighted_views += r.views_est * r.weight;
        }

        self.horizon = self
            .chart
            .iter()
            .map(|r| r.week)
            .max()
            .unwrap_or(NaiveDate::MIN);
        let last_report = self
            .engagement
            .values()
            .flatten()
            .filter_map(|r| r.published)
            .max();
        let last_country = self
            .country_weeks
            .iter()
            .next_back()
            .map(|w| dates::chart_published(*w));
        self.data_end = [
            Some(dates::chart_published(self.horizon)),
            last_report,
            last_country,
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(NaiveDate::MIN);
    }

    pub fn season(&self, id: i64) -> Option<&Season> {
        self.season_index.get(&id).map(|&i| &self.seasons[i])
    }

    /// The season of `series_id` numbered `number`.
    pub fn season_of(&self, series_id: i64, number: u32) -> Option<&Season> {
        self.series_seasons
            .get(&series_id)?
            .iter()
            .map(|&i| &self.seasons[i])
            .find(|s| s.number == number)
    }

    /// Chart rows of a season, oldest first.
    pub fn chart_rows(&self, season_id: i64) -> impl Iterator<Item = &ChartRow> {
        self.chart_by_season
            .get(&season_id)
            .into_iter()
            .flatten()
            .map(|&i| &self.chart[i])
    }
}

/// The latest year whose annual finance figures were public on `date`: a year's figures come
/// with the fourth-quarter shareholder letter the following January, so during year Y only
/// Y-1 (and earlier) is known.
pub fn published_year(date: NaiveDate) -> i32 {
    date.year() - 1
}
