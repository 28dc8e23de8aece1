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

/// Rebuilds `series`, `seasons`, `unresolved` and the `titles` links from the stored spellings.
pub(crate) fn rebuild(tx: &Transaction) -> Result<ResolveCounts, StoreError> {
    let rows = load_titles(tx)?;
    let aliases = load_aliases(tx)?;
    let r = resolve(&rows, &aliases);
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
pub(crate) fn resolve(rows: &[TitleRow], aliases: &Aliases) -> Resolution {
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

    ph.mark("groups");
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
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_unstable_by_key(|&g| {
        let (key, kind) = groups[g];
        (Some(kind) != tv, key, kind)
    });
    let mut series_of_group = vec![0usize; groups.len()];
    let mut labels: Vec<&SeasonLabel> = Vec::new();
    for g in order {
        let (key, kind) = groups[g];
        out.series.push(SeriesOut {
            slug: unique_slug(key_names[key], kind_names[kind], &mut slugs),
            title: std::mem::take(&mut shown[g]),
            kind: kind_names[kind].to_string(),
            key: key_names[key].to_string(),
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
    let mut title_of_key: Vec<Option<(usize, usize)>> = vec![None; key_names.len()];
    for (g, &(key, kind)) in groups.iter().enumerate() {
        match title_of_key[key] {
            Some((k, _)) if k >= kind => {}
            _ => title_of_key[key] = Some((kind, series_of_group[g])),
        }
    }
    let readable = |key: &str| -> String {
        let found = key_names.binary_search(&key).ok();
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
