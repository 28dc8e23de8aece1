//! Resolution: from the distinct spellings in `titles` to series and seasons.
//!
//! The rules, in order (each is conservative: a wrong merge is worse than a listed miss):
//! 1. **Alias file first.** A user alias maps a spelling to a series (and season) outright.
//! 2. **Parse the season.** Top 10 gives the show title, so the season is the remainder of the
//!    season title (`Stranger Things 3` -> `3`). Engagement titles carry no show title: explicit
//!    markers only (`: Season 2`, `: Limited Series`, `: Part 2`, `: S10: Ohio`, `: 시즌 1`, dates);
//!    a spelling identical to a Top 10 season spelling takes that resolution; a bare trailing
//!    number (`Barbarians II`) counts only after a series already known to be TV.
//! 3. **Group by normalised title and kind.** Case, punctuation and diacritics don't split a series;
//!    TV and film never merge. A spelling of unknown kind (the 2023H1 report doesn't say) joins the
//!    one kind that has that title, and is *unresolved* if both do.
//! 4. **Disambiguators.** `Archer (2009)` and `Archer` merge when `(2009)` is the only variant; when a
//!    catalogue has two records of one name (two years) or a title has several disambiguated
//!    variants (`(U.S.)`, `(U.K.)`), the bare spelling stays apart and is listed as unresolved with
//!    its candidates.
//! 5. **Same title, different years: different shows.** A TV group can still hold two shows of one
//!    title (the 2005 animated *Avatar: The Last Airbender* and Netflix's 2024 live-action one:
//!    Netflix writes `(2005)` on the old one and nothing on the new). Spellings that can date
//!    their show's start do. Exact years first: a catalogue record's year or a `(2005)`
//!    disambiguator stands for that year ±1 ([`EXACT_SLACK`]), and exact years swept in order
//!    split where two ranges don't touch (more than 2 years apart). Then each first instalment
//!    (`Season 1`, `Part 1`, `Limited Series`, a one-off) with a Netflix release date in year R,
//!    which dates its show to R−15..R ([`NETFLIX_LAG`]: Netflix dates a licensed show by the day
//!    it reached Netflix): it joins the show whose years hold R (a first season released in a
//!    show's first year is its premiere), else the one show that can have started in R−15..R;
//!    those that fit no show form shows of their own (swept the same way); those that fit several
//!    are placed like the undated. A loose release range never bridges two exact years. With two
//!    or more shows the group is split into one series each. The other spellings follow, in
//!    this order: a spelling seen on Netflix (a Top 10 week, a report's half-year, a release date)
//!    before a show could have started is not that show's, so if one show fits, that one; then
//!    the show holding the same season label, then the same label family (`Season 2` follows a
//!    `Season 1`, `Book 2` a `Book 1`), each first among spellings with the same disambiguator (a
//!    bare `Heartbreak High: Season 2` is not `Heartbreak High (1994): Season 2`). A spelling
//!    still fitting several shows stays apart under the bare title and is listed as unresolved
//!    with the shows as candidates. Keys (and so slugs): the show holding the year of the group's
//!    key keeps it (`avatar-the-last-airbender-2005`), else the spellings left open keep the bare
//!    key, else the latest show does (Netflix's bare title names its newest show); every other
//!    show's key is the bare key and its year (`avatar-the-last-airbender-2024`). Aliased
//!    spellings take no part and stay with the group's key. Films are not split (their years are
//!    a question of their own).

use crate::batch::bind_all;
use crate::StoreError;
use greenlight_sources::titles::{self, SeasonLabel};
use rusqlite::{params, Transaction};
// foldhash: these maps hold tens of thousands of spellings per import, and SipHash showed in the
// profile; nothing here is keyed by untrusted input an attacker could collide.
use foldhash::HashMap;
use std::borrow::Cow;

/// What one spelling resolved to before grouping. Its text borrows from the row (or alias) it
/// came from where it can.
#[derive(Debug, Clone)]
struct Parsed<'a> {
    /// Series spelling (as written, native title and season marker removed).
    base: Cow<'a, str>,
    /// `None` for catalogue rows, which describe a series and no particular season.
    label: Option<SeasonLabel>,
    kind: &'a str,
    /// Group key: normalised base (+ year hint for same-named catalogue records).
    key: String,
    /// Whether `key` carries a year hint; without one it is exactly the normalised `base`.
    hinted: bool,
    forced: bool,
}

fn source_rank(source: &str) -> u8 {
    match source {
        "ledger" => 0,
        "top10" => 1,
        "engagement" => 2,
        "tmdb" => 3,
        _ => 4,
    }
}

/// A distinct source spelling, as stored in `titles` (or about to be).
#[derive(Debug, Clone)]
pub(crate) struct TitleRow {
    pub id: i64,
    pub source: String,
    pub show: String,
    pub season: String,
    pub kind: String,
    pub hint: String,
    /// The stored link (series, season); `None` for a spelling not stored yet.
    pub stored: Option<(Option<i64>, Option<i64>)>,
}

type Aliases = HashMap<String, (String, Option<String>)>;

/// Every stored spelling, in id order (the order resolution visits them in).
pub(crate) fn load_titles(tx: &Transaction) -> Result<Vec<TitleRow>, StoreError> {
    let mut st = tx.prepare(
        "SELECT id, source, show_title, season_title, kind, hint, series_id, season_id FROM titles ORDER BY id",
    )?;
    let it = st.query_map([], |r| {
        Ok(TitleRow {
            id: r.get(0)?,
            source: r.get(1)?,
            show: r.get(2)?,
            season: r.get(3)?,
            kind: r.get(4)?,
            hint: r.get(5)?,
            stored: Some((r.get(6)?, r.get(7)?)),
        })
    })?;
    Ok(it.collect::<Result<_, _>>()?)
}

pub(crate) fn load_aliases(tx: &Transaction) -> Result<Aliases, StoreError> {
    let mut st = tx.prepare("SELECT spelling, series, season FROM aliases")?;
    let it = st.query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?))))?;
    Ok(it
        .map(|r| r.map(|(s, v)| (titles::normalize(&s), v)))
        .collect::<Result<_, _>>()?)
}

/// When one spelling's rows say it was on Netflix: the dates rule 5 tells same-titled shows apart
/// by. Years are enough (the rule's margins are years) and keep the map small.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SeenDates {
    /// The year of the earliest release date an engagement report gives it (Netflix's own
    /// release: the premiere for an original, the day it reached Netflix for a licensed show).
    released: Option<i32>,
    /// The earliest year anything shows it available: a release date, a Top 10 week, or the
    /// half-year of an engagement report it was watched in.
    seen: Option<i32>,
}

impl SeenDates {
    fn add_release(&mut self, year: i32) {
        self.released = Some(self.released.map_or(year, |y| y.min(year)));
        self.add_seen(year);
    }
    fn add_seen(&mut self, year: i32) {
        self.seen = Some(self.seen.map_or(year, |y| y.min(year)));
    }
}

/// Title id -> what its rows say about when it was on Netflix. Each field is a minimum over
/// rows, so the map depends only on which rows are stored, never on import order.
pub(crate) type Dates = HashMap<i64, SeenDates>;

/// The dates of every stored row (during an import: the rows of the datasets the call keeps;
/// the new files' rows are added from memory by [`add_dates`]).
pub(crate) fn load_dates(tx: &Transaction) -> Result<Dates, StoreError> {
    let mut dates = Dates::default();
    {
        let mut st = tx.prepare(
            "SELECT title_id, CAST(min(substr(release_date, 1, 4)) AS INTEGER), CAST(min(substr(report, 1, 4)) AS INTEGER)
             FROM engagement GROUP BY title_id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let d = dates.entry(r.get(0)?).or_default();
            if let Some(y) = r.get::<_, Option<i32>>(1)? {
                d.add_release(y);
            }
            if let Some(y) = r.get::<_, Option<i32>>(2)? {
                d.add_seen(y);
            }
        }
    }
    for table in ["chart_weeks", "country_weeks"] {
        let mut st = tx.prepare(&format!(
            "SELECT title_id, CAST(min(substr(week, 1, 4)) AS INTEGER) FROM {table} GROUP BY title_id"
        ))?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(y) = r.get::<_, Option<i32>>(1)? {
                dates.entry(r.get(0)?).or_default().add_seen(y);
            }
        }
    }
    Ok(dates)
}

/// The year an engagement report's period (`2023H1`) names.
fn year_of(period: &str) -> Option<i32> {
    period.get(..4).and_then(|y| y.parse().ok())
}

/// Adds the dates of a file's rows, `ids` being each row's title id (in row order).
pub(crate) fn add_dates(dates: &mut Dates, parsed: &greenlight_sources::Parsed, ids: &[i64]) {
    use chrono::Datelike;
    use greenlight_sources::Parsed;
    match parsed {
        Parsed::Top10(rows) => {
            for (r, &id) in rows.iter().zip(ids) {
                dates.entry(id).or_default().add_seen(r.week.year());
            }
        }
        Parsed::Countries(rows) => {
            for (r, &id) in rows.iter().zip(ids) {
                dates.entry(id).or_default().add_seen(r.week.year());
            }
        }
        Parsed::Engagement(report) => {
            let half = year_of(&report.period);
            for (r, &id) in report.rows.iter().zip(ids) {
                let d = dates.entry(id).or_default();
                if let Some(date) = r.release_date {
                    d.add_release(date.year());
                }
                if let Some(y) = half {
                    d.add_seen(y);
                }
            }
        }
        _ => {}
    }
}

/// Rebuilds `series`, `seasons`, `unresolved` and the `titles` links from the stored spellings.
pub(crate) fn rebuild(tx: &Transaction) -> Result<ResolveCounts, StoreError> {
    let rows = load_titles(tx)?;
    let aliases = load_aliases(tx)?;
    let dates = load_dates(tx)?;
    let r = resolve(&rows, &aliases, &dates);
    write(tx, &r, &rows)
}

/// One series as resolution derived it; its id is its position + 1.
struct SeriesOut {
    slug: String,
    title: String,
    kind: String,
    key: String,
}

/// One season; its id is its position + 1.
/// A season as stored. Its label's columns are rendered here, on the resolution thread, so the
/// thread that writes them (the import's critical path) only binds them.
struct SeasonOut {
    series_id: i64,
    key: String,
    json: String,
    display: String,
    number: Option<u32>,
    ordinal: i64,
}

/// What resolution derives from a set of spellings: a pure function of the spellings (in id
/// order) and the aliases, so it can run beside the raw-row inserts of an import.
pub(crate) struct Resolution {
    series: Vec<SeriesOut>,
    seasons: Vec<SeasonOut>,
    /// `(series_id, season_id)` per input row, in input order.
    links: Vec<(i64, Option<i64>)>,
    unresolved: Vec<(i64, String, String)>,
}

/// Resolves every spelling in `rows`; see the module docs for the rules.
///
/// Tens of thousands of spellings go through here on every import, so the working data is kept
/// lean: each spelling is normalised once, spellings borrow from the rows, and group keys and
/// kinds are numbered in name order (see [`number_in_order`]) so the maps below hash and compare
/// integers while every order that reaches the output stays the order of the names.
pub(crate) fn resolve(rows: &[TitleRow], aliases: &Aliases, dates: &Dates) -> Resolution {
    let mut ph = crate::timing::Phases::new();
    // Catalogue records that share a name within one source are different shows: key them by year.
    let catalogue_names: Vec<Option<String>> = rows
        .iter()
        .map(|r| {
            matches!(r.source.as_str(), "tmdb" | "justwatch").then(|| titles::normalize(&r.show))
        })
        .collect();
    // (source, kind, name) -> (the first year seen, whether another year was seen).
    let mut years: HashMap<(&str, &str, &str), (&str, bool)> = HashMap::default();
    for (r, name) in rows.iter().zip(&catalogue_names) {
        if let Some(name) = name {
            years
                .entry((&r.source, &r.kind, name))
                .and_modify(|(first, more)| *more |= *first != r.hint)
                .or_insert((&r.hint, false));
        }
    }
    let shared_name: Vec<bool> = rows
        .iter()
        .zip(&catalogue_names)
        .map(|(r, name)| {
            name.as_ref()
                .is_some_and(|n| years[&(r.source.as_str(), r.kind.as_str(), n.as_str())].1)
        })
        .collect();
    drop(years);

    ph.mark("catalogue");
    // Top 10 season spellings, the most authoritative source of (series, season) pairs: the
    // normalised spelling -> the row that spells it (its parse holds the series and season).
    let mut top10_spellings: HashMap<String, usize> = HashMap::default();
    let mut parsed: Vec<Parsed> = Vec::with_capacity(rows.len());
    for (i, ((r, name), shared)) in rows
        .iter()
        .zip(catalogue_names)
        .zip(shared_name)
        .enumerate()
    {
        let p = parse_row(r, aliases, name, shared);
        if r.source == "top10" && !r.season.is_empty() && p.label.is_some() {
            let (english, _) = titles::split_native(&r.season);
            top10_spellings.insert(titles::normalize(english), i);
        }
        parsed.push(p);
    }
    ph.mark("parse_rows");
    // Series known to be TV with explicit seasons: the only prefixes a bare number may follow.
    let tv_keys: HashMap<&str, &Cow<str>> = parsed
        .iter()
        .filter(|p| p.kind == "tv" && matches!(p.label, Some(SeasonLabel::Season { .. })))
        .map(|p| (p.key.as_str(), &p.base))
        .collect();
    // Worked out against the parses as they stand, then applied (only engagement spellings
    // change, and neither map above is read from one).
    let mut updates: Vec<(usize, Cow<str>, SeasonLabel)> = Vec::new();
    for (i, (r, p)) in rows.iter().zip(&parsed).enumerate() {
        if r.source != "engagement"
            || p.forced
            || p.label != Some(SeasonLabel::Whole)
            || p.kind == "film"
        {
            continue;
        }
        // With no marker, the base is the whole English spelling and the key its normal form.
        if let Some(&j) = top10_spellings.get(&p.key) {
            if let Some(label) = parsed[j]
                .label
                .as_ref()
                .filter(|l| **l != SeasonLabel::Whole)
            {
                updates.push((i, parsed[j].base.clone(), label.clone()));
                continue;
            }
        }
        if let Some((base, label)) = known_prefix(&p.base, &tv_keys) {
            updates.push((i, base, label));
        }
    }
    drop(tv_keys);
    for (i, base, label) in updates {
        let p = &mut parsed[i];
        p.key = titles::normalize(&base);
        p.base = base;
        p.label = Some(label);
        p.kind = "tv";
        p.hinted = false;
    }

    ph.mark("known_prefix");
    let (key_of, key_names) = number_in_order(parsed.iter().map(|p| p.key.as_str()));
    let (kind_of, kind_names) = number_in_order(parsed.iter().map(|p| p.kind));
    let kind_id = |name: &str| kind_names.binary_search(&name).ok();
    let (tv, unknown) = (kind_id("tv"), kind_id("unknown"));
    // Group by (key, kind); unknown kinds join the single known kind of their key.
    // The known kinds of each key, sorted.
    let mut kinds_by_key: Vec<Vec<usize>> = vec![Vec::new(); key_names.len()];
    for (&key, &kind) in key_of.iter().zip(&kind_of) {
        if Some(kind) != unknown {
            let ks = &mut kinds_by_key[key];
            if let Err(at) = ks.binary_search(&kind) {
                ks.insert(at, kind);
            }
        }
    }
    let mut unresolved: Vec<(i64, String, Vec<String>)> = Vec::new();
    let mut final_kind: Vec<usize> = Vec::with_capacity(parsed.len());
    for ((r, p), (&key, &kind)) in rows.iter().zip(&parsed).zip(key_of.iter().zip(&kind_of)) {
        let k = match kinds_by_key[key].as_slice() {
            _ if Some(kind) != unknown => kind,
            [] => kind,
            [one] => *one,
            several => {
                unresolved.push((
                    r.id,
                    "the report does not say whether this is a series or a film, and both exist under this title".into(),
                    several.iter().map(|&k| format!("{} ({})", p.base, kind_names[k])).collect(),
                ));
                kind
            }
        };
        final_kind.push(k);
    }

    ph.mark("kinds");
    // Disambiguator merging: alias key -> group keys that share it (visited in first-seen order).
    // Many rows share a (key, kind) (every week of a season, every country): each is keyed once.
    // A spelling with no year hint and nothing that could be a disambiguator (`(2009)`) has the
    // alias key of its group key; only the others are worked out from their text.
    let mut alias_index: HashMap<(Cow<str>, usize), usize> = HashMap::default();
    let mut by_alias: Vec<(Cow<str>, usize, Vec<usize>)> = Vec::new();
    let mut seen_keys: foldhash::HashSet<(usize, usize)> = foldhash::HashSet::default();
    let mut seen_spellings: foldhash::HashSet<(usize, &str, usize)> = Default::default();
    for ((p, &key), &kind) in parsed.iter().zip(&key_of).zip(&final_kind) {
        let alias = if !p.hinted && !p.base.trim_end().ends_with(')') {
            if !seen_keys.insert((key, kind)) {
                continue;
            }
            Cow::Borrowed(titles::alias_key_of_normalized(&p.key))
        } else {
            if !seen_spellings.insert((key, &p.base, kind)) {
                continue;
            }
            Cow::Owned(titles::alias_key(&strip_year_hint(&p.key, &p.base)))
        };
        let at = *alias_index
            .entry((alias, kind))
            .or_insert_with_key(|(alias, kind)| {
                by_alias.push((alias.clone(), *kind, Vec::new()));
                by_alias.len() - 1
            });
        by_alias[at].2.push(key);
    }
    let mut redirect: HashMap<(usize, usize), usize> = HashMap::default();
    let mut ambiguous_bare: HashMap<(usize, usize), Vec<usize>> = HashMap::default();
    for (alias, kind, keys) in &mut by_alias {
        // Key numbers are in name order, so this is the keys' name order.
        keys.sort_unstable();
        keys.dedup();
        if keys.len() < 2 {
            continue;
        }
        let variants: Vec<usize> = keys
            .iter()
            .copied()
            .filter(|&k| key_names[k] != alias)
            .collect();
        if variants.len() == 1 {
            for &k in keys.iter() {
                if k != variants[0] {
                    redirect.insert((k, *kind), variants[0]);
                }
            }
        } else if let Some(&bare) = keys.iter().find(|&&k| key_names[k] == alias) {
            ambiguous_bare.insert((bare, *kind), variants);
        }
    }

    ph.mark("alias");
    // Groups as (key, kind), numbered in first-seen order; each row's group.
    let mut group_index: HashMap<(usize, usize), usize> = HashMap::default();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut group_of_row: Vec<usize> = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let mut gk = (key_of[i], final_kind[i]);
        if let Some(&target) = redirect.get(&gk) {
            gk.0 = target;
        }
        if let Some(cands) = ambiguous_bare.get(&gk) {
            if !parsed[i].forced && !matches!(r.source.as_str(), "tmdb" | "justwatch") {
                unresolved.push((
                    r.id,
                    "several series carry this title with a disambiguator; this spelling has none"
                        .into(),
                    cands.iter().map(|&k| key_names[k].to_string()).collect(),
                ));
            }
        }
        let g = *group_index.entry(gk).or_insert_with(|| {
            groups.push(gk);
            groups.len() - 1
        });
        group_of_row.push(g);
    }
    ph.mark("groups");
    let extra_keys = match tv {
        Some(tv) => split_eras(
            &Eras {
                rows,
                parsed: &parsed,
                key_of: &key_of,
                final_kind: &final_kind,
                key_names: &key_names,
                dates,
                tv,
            },
            &mut groups,
            &mut group_index,
            &mut group_of_row,
            &mut unresolved,
        ),
        None => Vec::new(),
    };
    // A key's name, whether the data spelled it or rule 5 made it.
    let name_of = |k: usize| -> &str {
        match key_names.get(k) {
            Some(n) => n,
            None => &extra_keys[k - key_names.len()],
        }
    };
    ph.mark("eras");
    // The rows of each group in row order, as one array cut by group (a counting sort).
    let mut starts = vec![0usize; groups.len() + 1];
    for &g in &group_of_row {
        starts[g + 1] += 1;
    }
    for g in 0..groups.len() {
        starts[g + 1] += starts[g];
    }
    let mut next = starts.clone();
    let mut members = vec![0usize; rows.len()];
    for (i, &g) in group_of_row.iter().enumerate() {
        members[next[g]] = i;
        next[g] += 1;
    }
    let members_of = |g: usize| &members[starts[g]..starts[g + 1]];

    ph.mark("members");
    // Series and seasons, numbered in a fixed order. TV first, so a series keeps the bare slug
    // when a film shares its title.
    let mut slugs: foldhash::HashSet<String> = foldhash::HashSet::default();
    let mut out = Resolution {
        series: Vec::with_capacity(groups.len()),
        seasons: Vec::new(),
        links: vec![(0, None); rows.len()],
        unresolved: Vec::with_capacity(unresolved.len()),
    };
    let mut spellings = Vec::new();
    let mut shown: Vec<String> = (0..groups.len())
        .map(|g| {
            let of_group = members_of(g)
                .iter()
                .map(|&i| (source_rank(&rows[i].source), parsed[i].base.as_ref()));
            display_title(of_group, &mut spellings)
        })
        .collect();
    // Keys are compared by name: the numbers of rule 5's keys are not in name order (the data's
    // are, so for them this is the order of the numbers).
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_unstable_by(|&a, &b| {
        let ((ka, kinda), (kb, kindb)) = (groups[a], groups[b]);
        (Some(kinda) != tv, name_of(ka), kinda).cmp(&(Some(kindb) != tv, name_of(kb), kindb))
    });
    let mut series_of_group = vec![0usize; groups.len()];
    let mut labels: Vec<&SeasonLabel> = Vec::new();
    for g in order {
        let (key, kind) = groups[g];
        out.series.push(SeriesOut {
            slug: unique_slug(name_of(key), kind_names[kind], &mut slugs),
            title: std::mem::take(&mut shown[g]),
            kind: kind_names[kind].to_string(),
            key: name_of(key).to_string(),
        });
        series_of_group[g] = out.series.len() - 1;
        let series_id = out.series.len() as i64;
        // A label's ordinal and the label each identify the other, so seasons are numbered in
        // ordinal order and members find theirs by the label's place in that order.
        labels.clear();
        labels.extend(
            members_of(g)
                .iter()
                .filter_map(|&i| parsed[i].label.as_ref()),
        );
        labels.sort_unstable_by(|a, b| a.ordinal_ref().cmp(&b.ordinal_ref()));
        labels.dedup();
        let first_season = out.seasons.len() as i64 + 1;
        for (ordinal, l) in labels.iter().enumerate() {
            out.seasons.push(SeasonOut {
                series_id,
                key: l.key(),
                json: serde_json::to_string(l).unwrap_or_default(),
                display: l.display(),
                number: l.number(),
                ordinal: ordinal as i64,
            });
        }
        for &i in members_of(g) {
            let season_id = parsed[i].label.as_ref().map(|l| {
                let at = labels
                    .binary_search_by(|x| x.ordinal_ref().cmp(&l.ordinal_ref()))
                    .expect("every member's label is listed");
                first_season + at as i64
            });
            out.links[i] = (series_id, season_id);
        }
    }
    ph.mark("series");
    // Candidates are written as a user would type them in an alias file: the series' title,
    // with the year a catalogue used to tell same-named records apart (`Title (2017)`).
    // Where a title is both a series and a film, the kind last in name order speaks for it, as
    // it always has (tv over film), whatever order the groups were found in.
    let mut title_of_key: Vec<Option<(usize, usize)>> =
        vec![None; key_names.len() + extra_keys.len()];
    for (g, &(key, kind)) in groups.iter().enumerate() {
        match title_of_key[key] {
            Some((k, _)) if k >= kind => {}
            _ => title_of_key[key] = Some((kind, series_of_group[g])),
        }
    }
    let readable = |key: &str| -> String {
        let found = key_names.binary_search(&key).ok().or_else(|| {
            let extra = extra_keys.iter().position(|k| k == key)?;
            Some(key_names.len() + extra)
        });
        let Some((_, series)) = found.and_then(|k| title_of_key[k]) else {
            return key.to_string();
        };
        let title = &out.series[series].title;
        match key
            .strip_prefix(titles::normalize(title).as_str())
            .map(str::trim)
        {
            Some("") | None => title.clone(),
            Some(rest) => format!("{title} ({rest})"),
        }
    };
    let unresolved: Vec<(i64, String, String)> = unresolved
        .into_iter()
        .map(|(id, reason, cands)| {
            let cands: Vec<String> = cands.iter().map(|c| readable(c)).collect();
            (
                id,
                reason,
                serde_json::to_string(&cands).unwrap_or_default(),
            )
        })
        .collect();
    out.unresolved = unresolved;
    ph.mark("unresolved");
    // Freeing the working data (tens of thousands of small strings and vectors) takes a good
    // part of the resolution time, and nothing waits on it: another thread frees what owns no
    // borrowed text.
    let keys: Vec<String> = parsed.into_iter().map(|p| p.key).collect();
    let garbage = (keys, top10_spellings, kinds_by_key);
    std::thread::spawn(move || drop(garbage));
    out
}

/// Rule 5's margins, in years, as measured on the real data (see the module docs).
///
/// An exact year (a catalogue record's, a `(2005)` disambiguator's) stands for `year ± 1`, so two
/// exact years more than 2 apart are two shows. Of the 892 TV groups holding both a JustWatch and
/// a TMDB record, 876 give one year and 7 years 1–2 apart; of the 4 that are 3–4 apart two are
/// plainly other shows (JustWatch's 2019 comedy *Encounters*, in a 2022 snapshot, is not
/// Netflix's 2023 docuseries; its 2019 sci-fi *Last One Standing* is not the 2022 Japanese talk
/// show) and two can't be told (kept apart: a wrong merge is worse), and all 5 that are 8 or more
/// apart are other shows. Disambiguators agree with catalogue years to within 2 in 69 groups;
/// the 8 that are 5 or more apart are all remakes or namesakes.
pub const EXACT_SLACK: i32 = 1;
/// A first season Netflix released in year `R` started in `R - 15 ..= R`: Netflix dates a licensed
/// show by the day it reached Netflix, up to 14 years after its premiere in the data (The
/// Staircase, 2004 and 2018; Trailer Park Boys 2001 and 2010; Arrested Development 2003 and 2010).
pub const NETFLIX_LAG: i32 = 15;

/// How a spelling dates the start of its show: the years it could have started in.
#[derive(Debug, Clone, Copy)]
struct Dated {
    lo: i32,
    hi: i32,
    /// The catalogue's or disambiguator's year, when that is the evidence.
    exact: Option<i32>,
    /// The year Netflix released this first instalment, when that is the evidence.
    released: Option<i32>,
}

/// What [`split_eras`] reads.
struct Eras<'r, 'a> {
    rows: &'r [TitleRow],
    parsed: &'r [Parsed<'a>],
    key_of: &'r [usize],
    final_kind: &'r [usize],
    key_names: &'r [&'r str],
    dates: &'r Dates,
    tv: usize,
}

/// The year a `(2005)` disambiguator gives, if the base carries one.
fn disambiguator_year(base: &str) -> Option<i32> {
    titles::split_disambiguator(base)
        .1
        .filter(|d| d.len() == 4 && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse().ok())
}

/// A show's first instalment (or the whole of a one-off): its release is the show's.
fn is_first_instalment(label: Option<&SeasonLabel>) -> bool {
    matches!(
        label,
        Some(
            SeasonLabel::Season { number: 1 }
                | SeasonLabel::Numbered { number: 1, .. }
                | SeasonLabel::Limited
                | SeasonLabel::Whole
        )
    )
}

/// A label's family: `Season 2` and `Season 5` are one, `Book 1` another.
fn label_family(label: &SeasonLabel) -> (u8, &str) {
    match label {
        SeasonLabel::Numbered { word, .. } => (2, word),
        other => (other.ordinal_ref().0, ""),
    }
}

impl Eras<'_, '_> {
    /// What spelling `i` says about when its show started; aliased spellings say nothing (the
    /// user placed them).
    fn dated(&self, i: usize) -> Option<Dated> {
        let (r, p) = (&self.rows[i], &self.parsed[i]);
        if p.forced {
            return None;
        }
        let catalogue = matches!(r.source.as_str(), "tmdb" | "justwatch");
        let exact = catalogue
            .then(|| r.hint.parse::<i32>().ok())
            .flatten()
            .or_else(|| disambiguator_year(&p.base));
        if let Some(y) = exact {
            return Some(Dated {
                lo: y - EXACT_SLACK,
                hi: y + EXACT_SLACK,
                exact: Some(y),
                released: None,
            });
        }
        if r.source != "engagement" || !is_first_instalment(p.label.as_ref()) {
            return None;
        }
        let y = self.dates.get(&r.id)?.released?;
        Some(Dated {
            lo: y - NETFLIX_LAG,
            hi: y,
            exact: None,
            released: Some(y),
        })
    }

    /// The earliest year spelling `i` is known to have been on Netflix (`i32::MAX` if unknown).
    fn seen(&self, i: usize) -> i32 {
        self.dates
            .get(&self.rows[i].id)
            .and_then(|d| d.seen)
            .unwrap_or(i32::MAX)
    }
}

/// One show of a split group.
#[derive(Debug, Default)]
struct Era {
    /// The latest year it can have started in, as the sweep reaches.
    reach: i32,
    /// For a show dated by Netflix releases alone: the latest and earliest start and the
    /// earliest end of its members' ranges.
    lo_max: i32,
    hi_min: i32,
    lo_min: i32,
    /// Its exact years (catalogue records, disambiguators), in order.
    exact: Vec<i32>,
    /// The earliest Netflix release of a first instalment among its members.
    released: Option<i32>,
}

impl Era {
    /// The earliest year the show can have started: its first exact year (less the slack);
    /// for a show dated by releases alone, where its members' ranges agree the start of their
    /// common range, otherwise (a chain of overlaps) the earliest start.
    fn start(&self) -> i32 {
        match self.exact.first() {
            Some(y) => y - EXACT_SLACK,
            None if self.lo_max <= self.hi_min => self.lo_max,
            None => self.lo_min,
        }
    }
    /// The year its key carries: the earliest exact year, else the earliest Netflix release.
    fn year(&self) -> i32 {
        self.exact
            .first()
            .copied()
            .or(self.released)
            .unwrap_or_default()
    }
}

/// Rule 5: splits each TV group whose spellings date their show to years that cannot be one
/// show's, moving its rows into one group per show (and one for the spellings that fit several,
/// listed in `unresolved`). Returns the names of the keys it made that the data has not spelled,
/// numbered from `key_names.len()`.
fn split_eras(
    e: &Eras,
    groups: &mut Vec<(usize, usize)>,
    group_index: &mut HashMap<(usize, usize), usize>,
    group_of_row: &mut [usize],
    unresolved: &mut Vec<(i64, String, Vec<String>)>,
) -> Vec<String> {
    // Cheap test first: a group needs splitting only if some two of its dated spellings' ranges
    // are disjoint, i.e. the latest start is after the earliest end.
    let mut bounds: Vec<(i32, i32)> = vec![(i32::MIN, i32::MAX); groups.len()];
    let mut dated: HashMap<usize, Dated> = HashMap::default();
    for (i, &g) in group_of_row.iter().enumerate() {
        if e.final_kind[i] != e.tv {
            continue;
        }
        if let Some(d) = e.dated(i) {
            let b = &mut bounds[g];
            *b = (b.0.max(d.lo), b.1.min(d.hi));
            dated.insert(i, d);
        }
    }
    let mut members: HashMap<usize, Vec<usize>> = bounds
        .iter()
        .enumerate()
        .filter(|(_, (lo, hi))| lo > hi)
        .map(|(g, _)| (g, Vec::new()))
        .collect();
    if members.is_empty() {
        return Vec::new();
    }
    for (i, g) in group_of_row.iter().enumerate() {
        if let Some(m) = members.get_mut(g) {
            m.push(i);
        }
    }
    let mut candidates: Vec<usize> = members.keys().copied().collect();
    candidates.sort_unstable();
    let mut extra: Vec<String> = Vec::new();
    for g in candidates {
        let rows = &members[&g];
        let (group_key, kind) = groups[g];
        // Eras, in two steps. Exact years first: swept in order, years more than twice the
        // slack apart are different shows, whatever else the group holds (so a loose Netflix
        // range can never bridge them).
        let mut exact: Vec<(i32, usize)> = rows
            .iter()
            .filter_map(|&i| dated.get(&i).and_then(|d| d.exact).map(|y| (y, i)))
            .collect();
        exact.sort_unstable();
        let mut eras: Vec<Era> = Vec::new();
        let mut era_of: HashMap<usize, usize> = HashMap::default();
        for &(y, i) in &exact {
            if eras.last().is_none_or(|era| y - EXACT_SLACK > era.reach) {
                eras.push(Era::default());
            }
            let era = eras.last_mut().expect("just pushed");
            era.reach = y + EXACT_SLACK;
            era.exact.push(y);
            era_of.insert(i, eras.len() - 1);
        }
        // Then each first instalment Netflix released in year R: the show whose years hold R (a
        // first season released in a show's first year is its premiere); else the one show that
        // can have started in R−lag..R; if several can, it is left to the steps below; if none,
        // it is swept with the others that fit none into shows of their own.
        let mut loose: Vec<(i32, i32, usize)> = Vec::new();
        for &i in rows {
            let Some(Dated {
                lo,
                hi,
                released: Some(r),
                ..
            }) = dated.get(&i).copied()
            else {
                continue;
            };
            let span = |era: &Era| (era.start(), era.reach);
            let holding: Vec<usize> = (0..eras.len())
                .filter(|&k| (span(&eras[k]).0..=span(&eras[k]).1).contains(&r))
                .collect();
            let fitting: Vec<usize> = (0..eras.len())
                .filter(|&k| span(&eras[k]).0 <= hi && lo <= span(&eras[k]).1)
                .collect();
            match (holding.as_slice(), fitting.as_slice()) {
                ([k], _) | ([], [k]) => {
                    let k = *k;
                    eras[k].released = Some(eras[k].released.map_or(r, |x: i32| x.min(r)));
                    era_of.insert(i, k);
                }
                (_, []) => loose.push((lo, hi, i)),
                _ => {}
            }
        }
        loose.sort_unstable();
        let first_loose = eras.len();
        for &(lo, hi, i) in &loose {
            let d = dated[&i];
            if eras.len() == first_loose || lo > eras[eras.len() - 1].reach {
                eras.push(Era {
                    reach: hi,
                    lo_max: lo,
                    hi_min: hi,
                    lo_min: lo,
                    ..Era::default()
                });
            }
            let era = eras.last_mut().expect("just pushed");
            era.reach = era.reach.max(hi);
            era.lo_max = era.lo_max.max(lo);
            era.hi_min = era.hi_min.min(hi);
            era.lo_min = era.lo_min.min(lo);
            if let Some(y) = d.released {
                era.released = Some(era.released.map_or(y, |r: i32| r.min(y)));
            }
            era_of.insert(i, eras.len() - 1);
        }
        if eras.len() < 2 {
            continue;
        }
        // The other spellings (aliased ones aside): first by date (a spelling seen on Netflix
        // before a show started is not that show's), then by season label among the spellings
        // placed so far: the same label, then the same family (`Season 2` joins the show that has
        // a `Season 1`, `Book 2` the one with `Book 1`), each first among spellings with the same
        // disambiguator (Netflix writes `Heartbreak High (1994): Season 2` for the old show, so a
        // bare `Heartbreak High: Season 2` is looked for among bare spellings first).
        let fits = |i: usize| -> Vec<usize> {
            let seen = e.seen(i);
            (0..eras.len())
                .filter(|&k| eras[k].start() <= seen)
                .collect()
        };
        let mut open: Vec<usize> = Vec::new();
        for &i in rows {
            if e.parsed[i].forced || era_of.contains_key(&i) {
                continue;
            }
            match fits(i).as_slice() {
                [one] => {
                    era_of.insert(i, *one);
                }
                _ => open.push(i),
            }
        }
        let dis = |i: usize| titles::split_disambiguator(&e.parsed[i].base).1;
        for (same_label, same_dis) in [(true, true), (false, true), (true, false), (false, false)] {
            let matches = |a: &SeasonLabel, b: &SeasonLabel| {
                if same_label {
                    a == b
                } else {
                    label_family(a) == label_family(b)
                }
            };
            let placed: Vec<(usize, usize)> = rows
                .iter()
                .filter_map(|&j| era_of.get(&j).map(|&k| (j, k)))
                .filter(|&(j, _)| e.parsed[j].label.is_some())
                .collect();
            let mut decided = Vec::new();
            for &i in &open {
                let Some(label) = e.parsed[i].label.as_ref() else {
                    continue;
                };
                let fit = fits(i);
                let mut holders: Vec<usize> = placed
                    .iter()
                    .filter(|&&(j, k)| {
                        fit.contains(&k)
                            && (!same_dis || dis(j) == dis(i))
                            && e.parsed[j]
                                .label
                                .as_ref()
                                .is_some_and(|l| matches(l, label))
                    })
                    .map(|&(_, k)| k)
                    .collect();
                holders.sort_unstable();
                holders.dedup();
                if let [one] = holders.as_slice() {
                    decided.push((i, *one));
                }
            }
            for &(i, k) in &decided {
                era_of.insert(i, k);
            }
            open.retain(|i| !era_of.contains_key(i));
        }
        // Keys. The era that made the group's key keeps it: the one holding its year when the
        // key carries one (`avatar the last airbender 2005`); otherwise the spellings left open
        // keep the bare key (as an ambiguous bare spelling does under rule 4), or failing those
        // the latest show (Netflix writes the bare title for its newest show and disambiguates the
        // older ones). Every other era's key is the bare key and its year.
        let group_name = e.key_names[group_key];
        let key_year = rows
            .iter()
            .filter(|&&i| e.key_of[i] == group_key && !e.parsed[i].forced)
            .find_map(|&i| {
                let p = &e.parsed[i];
                if p.hinted {
                    e.rows[i].hint.parse::<i32>().ok()
                } else {
                    disambiguator_year(&p.base)
                }
            });
        let bare = key_year
            .and_then(|y| group_name.strip_suffix(&format!(" {y}")))
            .unwrap_or(group_name);
        let owner = key_year
            .and_then(|y| eras.iter().position(|era| era.exact.contains(&y)))
            .or_else(|| {
                let latest = (0..eras.len()).max_by_key(|&k| (eras[k].year(), k))?;
                open.is_empty().then_some(latest)
            });
        let era_keys: Vec<String> = eras
            .iter()
            .enumerate()
            .map(|(k, era)| {
                if Some(k) == owner {
                    group_name.to_string()
                } else {
                    format!("{bare} {}", era.year())
                }
            })
            .collect();
        let open_key = if owner.is_some() { bare } else { group_name };
        for &i in &open {
            unresolved.push((
                e.rows[i].id,
                "shows of different years carry this title, and this spelling's dates and season fit more than one of them".into(),
                era_keys.clone(),
            ));
        }
        // Each row's new group; aliased rows stay with the group's key.
        let mut key_id = |name: &str| -> usize {
            if let Ok(k) = e.key_names.binary_search(&name) {
                return k;
            }
            let at = extra.iter().position(|x| x == name).unwrap_or_else(|| {
                extra.push(name.to_string());
                extra.len() - 1
            });
            e.key_names.len() + at
        };
        let era_ids: Vec<usize> = era_keys.iter().map(|k| key_id(k)).collect();
        let open_id = key_id(open_key);
        for &i in rows {
            let key = if e.parsed[i].forced {
                group_key
            } else {
                era_of.get(&i).map_or(open_id, |&k| era_ids[k])
            };
            let gk = (key, kind);
            let new_group = *group_index.entry(gk).or_insert_with(|| {
                groups.push(gk);
                groups.len() - 1
            });
            group_of_row[i] = new_group;
        }
    }
    extra
}

/// Numbers the distinct strings of `items` in name order: each item's number, and the names by
/// number. Comparing numbers then compares names, so maps keyed by numbers hash integers and
/// sorts by number give the order sorts by name gave.
fn number_in_order<'s>(items: impl Iterator<Item = &'s str>) -> (Vec<usize>, Vec<&'s str>) {
    let mut seen: HashMap<&str, usize> = HashMap::default();
    let mut names: Vec<&str> = Vec::new();
    let first_seen: Vec<usize> = items
        .map(|s| {
            *seen.entry(s).or_insert_with(|| {
                names.push(s);
                names.len() - 1
            })
        })
        .collect();
    let mut by_name: Vec<usize> = (0..names.len()).collect();
    by_name.sort_unstable_by_key(|&i| names[i]);
    let mut rank = vec![0; names.len()];
    for (r, &i) in by_name.iter().enumerate() {
        rank[i] = r;
    }
    (
        first_seen.into_iter().map(|i| rank[i]).collect(),
        by_name.into_iter().map(|i| names[i]).collect(),
    )
}

/// Writes a resolution: replaces `series`, `seasons` and `unresolved`, inserts the spellings of
/// `rows` not stored yet (with their links) and re-links stored ones whose link changed.
pub(crate) fn write(
    tx: &Transaction,
    r: &Resolution,
    rows: &[TitleRow],
) -> Result<ResolveCounts, StoreError> {
    tx.execute_batch("DELETE FROM unresolved; DELETE FROM seasons; DELETE FROM series;")?;
    crate::batch::insert(
        tx,
        "series",
        &["id", "slug", "title", "kind", "match_key"],
        &r.series,
        &mut |st, p, i, s| bind_all!(st, p; i as i64 + 1, &s.slug, &s.title, &s.kind, &s.key),
    )?;
    crate::batch::insert(
        tx,
        "seasons",
        &[
            "id",
            "series_id",
            "label_key",
            "label",
            "display",
            "number",
            "ordinal",
        ],
        &r.seasons,
        &mut |st, p, i, s| bind_all!(st, p; i as i64 + 1, s.series_id, &s.key, &s.json, &s.display, s.number, s.ordinal),
    )?;
    // Spellings not stored yet are inserted with their links; stored ones are updated only where
    // the link changed.
    let fresh: Vec<(&TitleRow, (i64, Option<i64>))> = rows
        .iter()
        .zip(&r.links)
        .filter(|(row, _)| row.stored.is_none())
        .map(|(row, l)| (row, *l))
        .collect();
    crate::batch::insert(
        tx,
        "titles",
        &[
            "id",
            "source",
            "show_title",
            "season_title",
            "kind",
            "hint",
            "series_id",
            "season_id",
        ],
        &fresh,
        &mut |st, p, _, (row, (series_id, season_id))| bind_all!(st, p; row.id, &row.source, &row.show, &row.season, &row.kind, &row.hint, series_id, season_id),
    )?;
    {
        let mut upd =
            tx.prepare("UPDATE titles SET series_id = ?1, season_id = ?2 WHERE id = ?3")?;
        for (row, &(series_id, season_id)) in rows.iter().zip(&r.links) {
            match row.stored {
                Some((s, se)) if s == Some(series_id) && se == season_id => {}
                Some(_) => {
                    upd.execute(params![series_id, season_id, row.id])?;
                }
                None => {}
            }
        }
    }
    crate::batch::insert(
        tx,
        "unresolved",
        &["title_id", "reason", "candidates"],
        &r.unresolved,
        &mut |st, p, _, (id, reason, cands)| bind_all!(st, p; id, reason, cands),
    )?;
    Ok(ResolveCounts {
        series: r.series.len(),
        seasons: r.seasons.len(),
        unresolved: r.unresolved.len(),
    })
}

#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct ResolveCounts {
    pub series: usize,
    pub seasons: usize,
    pub unresolved: usize,
}

/// Parses one spelling. `catalogue_name` is the normalised show of a catalogue row (worked out
/// already), `shared_name` whether other records of its source and kind share that name.
fn parse_row<'a>(
    r: &'a TitleRow,
    aliases: &'a Aliases,
    catalogue_name: Option<String>,
    shared_name: bool,
) -> Parsed<'a> {
    let spelling = if r.season.is_empty() {
        &r.show
    } else {
        &r.season
    };
    let (english, _) = titles::split_native(spelling);
    let alias = if aliases.is_empty() {
        None
    } else {
        aliases.get(&titles::normalize(english))
    };
    if let Some((series, season)) = alias {
        // `Title (film)` / `Title (tv)` in an alias decides the kind the report didn't give.
        let (series, kind) = match series.rsplit_once(" (") {
            Some((t, "film)")) => (t, "film"),
            Some((t, "tv)")) => (t, "tv"),
            _ => (series.as_str(), r.kind.as_str()),
        };
        let label = match season {
            Some(s) => SeasonLabel::parse_user(s),
            None => titles::parse_season_title(english).season,
        };
        let is_catalogue = matches!(r.source.as_str(), "tmdb" | "justwatch" | "ledger");
        return Parsed {
            base: Cow::Borrowed(series),
            label: (!is_catalogue).then_some(label),
            kind,
            key: titles::normalize(series),
            hinted: false,
            forced: true,
        };
    }
    match r.source.as_str() {
        "top10" => {
            let label = if r.season.is_empty() {
                SeasonLabel::Whole
            } else {
                let (season_en, _) = titles::split_native(&r.season);
                match season_en.get(..r.show.len()) {
                    Some(head) if head.eq_ignore_ascii_case(&r.show) => {
                        titles::parse_remainder(&season_en[r.show.len()..])
                            .unwrap_or(SeasonLabel::Whole)
                    }
                    _ => titles::parse_season_title(season_en).season,
                }
            };
            let kind = if r.kind == "film" { "film" } else { "tv" };
            Parsed {
                base: Cow::Borrowed(&r.show),
                label: Some(label),
                kind,
                key: titles::normalize(&r.show),
                hinted: false,
                forced: false,
            }
        }
        "engagement" => {
            let (base, season) = titles::split_season_title(&r.season);
            let kind = if r.kind == "unknown" && season != SeasonLabel::Whole {
                "tv"
            } else {
                &r.kind
            };
            Parsed {
                base: Cow::Borrowed(base),
                label: Some(season),
                kind,
                key: titles::normalize(base),
                hinted: false,
                forced: false,
            }
        }
        _ => {
            let n = catalogue_name.unwrap_or_else(|| titles::normalize(&r.show));
            let hinted = shared_name && !r.hint.is_empty();
            let key = if hinted { format!("{n} {}", r.hint) } else { n };
            Parsed {
                base: Cow::Borrowed(&r.show),
                label: None,
                kind: &r.kind,
                key,
                hinted,
                forced: false,
            }
        }
    }
}

/// A year-keyed catalogue record (`shameless 2011`) is a disambiguated variant of `shameless`.
fn strip_year_hint(key: &str, base: &str) -> String {
    if key != titles::normalize(base) {
        format!("{base} ({})", key.rsplit(' ').next().unwrap_or_default())
    } else {
        base.to_string()
    }
}

fn known_prefix<'a>(
    title: &str,
    tv_keys: &HashMap<&str, &Cow<'a, str>>,
) -> Option<(Cow<'a, str>, SeasonLabel)> {
    let mut best: Option<(Cow<str>, SeasonLabel)> = None;
    // Only colons and whitespace are trimmed, and they add nothing to a normal form, so the
    // trimmed prefix's normal form is the cut's.
    titles::for_each_normalized_prefix(title, |i, normalized| {
        let prefix = title[..i].trim_end_matches(':').trim();
        if prefix.is_empty() {
            return;
        }
        if let Some(base) = tv_keys.get(normalized) {
            if let Some(label) = titles::split_known_prefix(title, prefix, true) {
                if !matches!(label, SeasonLabel::Named { .. } | SeasonLabel::Whole) {
                    best = Some(((*base).clone(), label));
                }
            }
        }
    });
    best
}

/// The most authoritative source's most frequent spelling of a group, from its members'
/// `(source rank, spelling)`; ties broken by text for determinism. `scratch` is reused between
/// groups.
fn display_title<'s>(
    spellings: impl Iterator<Item = (u8, &'s str)>,
    scratch: &mut Vec<&'s str>,
) -> String {
    scratch.clear();
    let mut best_rank = u8::MAX;
    for (rank, s) in spellings {
        if rank < best_rank {
            best_rank = rank;
            scratch.clear();
        }
        if rank == best_rank {
            scratch.push(s);
        }
    }
    scratch.sort_unstable();
    // Runs of one spelling, in text order: the first longest run wins.
    let mut best: (usize, &str) = (0, "");
    for run in scratch.chunk_by(|a, b| a == b) {
        if run.len() > best.0 {
            best = (run.len(), run[0]);
        }
    }
    best.1.to_string()
}

/// URL slug: the normalised match key with dashes; a film sharing a series' title gets `-film`, and
/// any remaining clash a number. Deterministic because groups are visited in a fixed order.
pub fn slugify(key: &str) -> String {
    // A space and a dash are one byte each: swap them in place.
    let mut bytes = titles::normalize(key).into_bytes();
    for b in &mut bytes {
        if *b == b' ' {
            *b = b'-';
        }
    }
    let n = String::from_utf8(bytes).expect("swapping ASCII bytes keeps UTF-8");
    if n.is_empty() {
        "untitled".into()
    } else {
        n
    }
}

fn unique_slug(key: &str, kind: &str, taken: &mut foldhash::HashSet<String>) -> String {
    let base = slugify(key);
    let mut candidate = base.clone();
    if taken.contains(&candidate) && kind != "tv" {
        candidate = format!("{base}-{kind}");
    }
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}
