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
use std::collections::BTreeSet;

/// What one spelling resolved to before grouping.
#[derive(Debug, Clone)]
struct Parsed {
    /// Series spelling (as written, native title and season marker removed).
    base: String,
    /// `None` for catalogue rows, which describe a series and no particular season.
    label: Option<SeasonLabel>,
    kind: String,
    /// Group key: normalised base (+ year hint for same-named catalogue records).
    key: String,
    forced: bool,
}

#[derive(Debug, Default)]
struct Group<'a> {
    kind: &'a str,
    /// How often each (source rank, spelling) names the group; decides its display title.
    spellings: HashMap<(u8, &'a str), usize>,
    members: Vec<usize>,
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
struct SeasonOut {
    series_id: i64,
    label: SeasonLabel,
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
pub(crate) fn resolve(rows: &[TitleRow], aliases: &Aliases) -> Resolution {
    let mut ph = crate::timing::Phases::new();
    // Catalogue records that share a name within one source are different shows: key them by year.
    let mut catalogue_names: HashMap<(String, String, String), BTreeSet<String>> =
        HashMap::default();
    for r in rows {
        if matches!(r.source.as_str(), "tmdb" | "justwatch") {
            catalogue_names
                .entry((r.source.clone(), r.kind.clone(), titles::normalize(&r.show)))
                .or_default()
                .insert(r.hint.clone());
        }
    }

    ph.mark("catalogue");
    // Top 10 season spellings, the most authoritative source of (series, season) pairs.
    let mut top10_spellings: HashMap<String, (String, SeasonLabel)> = HashMap::default();
    let mut parsed: Vec<Parsed> = Vec::with_capacity(rows.len());
    for r in rows {
        let p = parse_row(r, aliases, &catalogue_names);
        if r.source == "top10" && !r.season.is_empty() {
            if let Some(l) = &p.label {
                let (english, _) = titles::split_native(&r.season);
                top10_spellings.insert(titles::normalize(english), (p.base.clone(), l.clone()));
            }
        }
        parsed.push(p);
    }
    ph.mark("parse_rows");
    // Series known to be TV with explicit seasons: the only prefixes a bare number may follow.
    let tv_keys: HashMap<String, String> = parsed
        .iter()
        .filter(|p| p.kind == "tv" && matches!(p.label, Some(SeasonLabel::Season { .. })))
        .map(|p| (p.key.clone(), p.base.clone()))
        .collect();
    for (r, p) in rows.iter().zip(parsed.iter_mut()) {
        if r.source != "engagement"
            || p.forced
            || p.label != Some(SeasonLabel::Whole)
            || p.kind == "film"
        {
            continue;
        }
        let (english, _) = titles::split_native(&r.season);
        if let Some((base, label)) = top10_spellings.get(&titles::normalize(english)) {
            if *label != SeasonLabel::Whole {
                p.base = base.clone();
                p.key = titles::normalize(base);
                p.label = Some(label.clone());
                p.kind = "tv".into();
                continue;
            }
        }
        if let Some((base, label)) = known_prefix(english, &tv_keys) {
            p.key = titles::normalize(&base);
            p.base = base;
            p.label = Some(label);
            p.kind = "tv".into();
        }
    }

    ph.mark("known_prefix");
    // Group by (key, kind); unknown kinds join the single known kind of their key.
    let mut kinds_by_key: HashMap<&str, BTreeSet<&str>> = HashMap::default();
    for p in &parsed {
        if p.kind != "unknown" {
            kinds_by_key
                .entry(p.key.as_str())
                .or_default()
                .insert(p.kind.as_str());
        }
    }
    let mut unresolved: Vec<(i64, String, Vec<String>)> = Vec::new();
    let mut final_kind: Vec<&str> = Vec::with_capacity(parsed.len());
    for (r, p) in rows.iter().zip(&parsed) {
        let k: &str = if p.kind == "unknown" {
            match kinds_by_key.get(p.key.as_str()) {
                Some(ks) if ks.len() == 1 => ks.iter().next().copied().unwrap_or_default(),
                Some(ks) => {
                    unresolved.push((
                        r.id,
                        "the report does not say whether this is a series or a film, and both exist under this title".into(),
                        ks.iter().map(|k| format!("{} ({k})", p.base)).collect(),
                    ));
                    "unknown"
                }
                None => "unknown",
            }
        } else {
            &p.kind
        };
        final_kind.push(k);
    }

    ph.mark("kinds");
    // Disambiguator merging: alias key -> group keys that share it.
    // Many rows share a (key, spelling, kind) (every week of a season, every country): each is
    // keyed once.
    let mut by_alias: HashMap<(String, String), BTreeSet<String>> = HashMap::default();
    let mut seen: foldhash::HashSet<(&str, &str, &str)> = foldhash::HashSet::default();
    for (p, &k) in parsed.iter().zip(&final_kind) {
        if !seen.insert((p.key.as_str(), p.base.as_str(), k)) {
            continue;
        }
        let base_for_alias = strip_year_hint(&p.key, &p.base);
        by_alias
            .entry((titles::alias_key(&base_for_alias), k.to_string()))
            .or_default()
            .insert(p.key.clone());
    }
    let mut redirect: HashMap<(String, String), String> = HashMap::default();
    let mut ambiguous_bare: HashMap<(String, String), Vec<String>> = HashMap::default();
    for ((alias, kind), keys) in &by_alias {
        if keys.len() < 2 {
            continue;
        }
        let variants: Vec<&String> = keys.iter().filter(|k| *k != alias).collect();
        if variants.len() == 1 {
            for k in keys {
                if k != variants[0] {
                    redirect.insert((k.clone(), kind.clone()), variants[0].clone());
                }
            }
        } else if keys.contains(alias) {
            ambiguous_bare.insert(
                (alias.clone(), kind.clone()),
                variants.iter().map(|s| s.to_string()).collect(),
            );
        }
    }

    ph.mark("alias");
    let mut group_index: HashMap<(String, String), usize> = HashMap::default();
    let mut groups: Vec<((String, String), Group)> = Vec::new();
    for (i, ((r, p), &k)) in rows.iter().zip(&parsed).zip(&final_kind).enumerate() {
        let gk = (p.key.clone(), k.to_string());
        let gk = match redirect.get(&gk) {
            Some(target) => (target.clone(), k.to_string()),
            None => gk,
        };
        if let Some(cands) = ambiguous_bare.get(&gk) {
            if !p.forced && !matches!(r.source.as_str(), "tmdb" | "justwatch") {
                unresolved.push((
                    r.id,
                    "several series carry this title with a disambiguator; this spelling has none"
                        .into(),
                    cands.clone(),
                ));
            }
        }
        let n = groups.len();
        let at = *group_index.entry(gk).or_insert_with_key(|gk| {
            groups.push((gk.clone(), Group::default()));
            n
        });
        let g = &mut groups[at].1;
        g.kind = k;
        *g.spellings
            .entry((source_rank(&r.source), p.base.as_str()))
            .or_default() += 1;
        g.members.push(i);
    }

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
    let shown: Vec<String> = groups.iter().map(|(_, g)| display_title(g)).collect();
    let mut order: Vec<(&(String, String), &Group, &String)> = groups
        .iter()
        .zip(&shown)
        .map(|((k, g), t)| (k, g, t))
        .collect();
    order.sort_by_key(|(k, g, _)| (g.kind != "tv", k.0.as_str(), k.1.as_str()));
    for (gk, g, title) in order {
        out.series.push(SeriesOut {
            slug: unique_slug(&gk.0, g.kind, &mut slugs),
            title: title.clone(),
            kind: g.kind.to_string(),
            key: gk.0.clone(),
        });
        let series_id = out.series.len() as i64;
        // A label's ordinal and its key each identify it, so seasons are numbered in ordinal
        // order and members find theirs by the label itself, without building keys.
        let mut season_ids: HashMap<&SeasonLabel, i64> = HashMap::default();
        for &i in &g.members {
            if let Some(l) = &parsed[i].label {
                season_ids.insert(l, 0);
            }
        }
        let mut labels: Vec<((u8, i64, String), &SeasonLabel)> =
            season_ids.keys().map(|l| (l.ordinal(), *l)).collect();
        labels.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (ordinal, (_, l)) in labels.into_iter().enumerate() {
            out.seasons.push(SeasonOut {
                series_id,
                label: l.clone(),
                ordinal: ordinal as i64,
            });
            season_ids.insert(l, out.seasons.len() as i64);
        }
        for &i in &g.members {
            let season_id = parsed[i]
                .label
                .as_ref()
                .and_then(|l| season_ids.get(l).copied());
            out.links[i] = (series_id, season_id);
        }
    }
    ph.mark("series");
    // Candidates are written as a user would type them in an alias file: the series' title,
    // with the year a catalogue used to tell same-named records apart (`Title (2017)`).
    // Where a title is both a series and a film, the kind last in name order speaks for it, as
    // it always has (tv over film), whatever order the groups were found in.
    let mut titles_by_key: HashMap<&str, (&str, String)> = HashMap::default();
    for (((key, kind), _), t) in groups.iter().zip(&shown) {
        match titles_by_key.get(key.as_str()) {
            Some((k, _)) if *k >= kind.as_str() => {}
            _ => {
                titles_by_key.insert(key, (kind, t.clone()));
            }
        }
    }
    let readable = |key: &String| -> String {
        let Some((_, title)) = titles_by_key.get(key.as_str()) else {
            return key.clone();
        };
        match key
            .strip_prefix(titles::normalize(title).as_str())
            .map(str::trim)
        {
            Some("") | None => title.clone(),
            Some(rest) => format!("{title} ({rest})"),
        }
    };
    for (id, reason, cands) in unresolved {
        let cands: Vec<String> = cands.iter().map(readable).collect();
        out.unresolved.push((
            id,
            reason,
            serde_json::to_string(&cands).unwrap_or_default(),
        ));
    }
    ph.mark("unresolved");
    // Freeing the working maps (hundreds of thousands of small strings) takes a good part of
    // the resolution time, and nothing waits on it: another thread does it.
    drop(titles_by_key);
    drop(groups);
    let garbage = (
        catalogue_names,
        top10_spellings,
        parsed,
        tv_keys,
        by_alias,
        redirect,
        ambiguous_bare,
        group_index,
        shown,
    );
    std::thread::spawn(move || drop(garbage));
    out
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
        &mut |st, p, i, s| {
            bind_all!(st, p; i as i64 + 1, s.series_id, s.label.key(),
                serde_json::to_string(&s.label).unwrap_or_default(), s.label.display(), s.label.number(), s.ordinal)
        },
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

fn parse_row(
    r: &TitleRow,
    aliases: &HashMap<String, (String, Option<String>)>,
    catalogue_names: &HashMap<(String, String, String), BTreeSet<String>>,
) -> Parsed {
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
            Some((t, "film)")) => (t.to_string(), "film".to_string()),
            Some((t, "tv)")) => (t.to_string(), "tv".to_string()),
            _ => (series.clone(), r.kind.clone()),
        };
        let series = &series;
        let label = match season {
            Some(s) => SeasonLabel::parse_user(s),
            None => titles::parse_season_title(english).season,
        };
        let is_catalogue = matches!(r.source.as_str(), "tmdb" | "justwatch" | "ledger");
        return Parsed {
            base: series.clone(),
            label: (!is_catalogue).then_some(label),
            kind,
            key: titles::normalize(series),
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
                base: r.show.clone(),
                label: Some(label),
                kind: kind.into(),
                key: titles::normalize(&r.show),
                forced: false,
            }
        }
        "engagement" => {
            let p = titles::parse_season_title(&r.season);
            let kind = if r.kind == "unknown" && p.season != SeasonLabel::Whole {
                "tv".to_string()
            } else {
                r.kind.clone()
            };
            Parsed {
                key: titles::normalize(&p.base),
                base: p.base,
                label: Some(p.season),
                kind,
                forced: false,
            }
        }
        _ => {
            let n = titles::normalize(&r.show);
            let dup = catalogue_names
                .get(&(r.source.clone(), r.kind.clone(), n.clone()))
                .is_some_and(|years| years.len() > 1);
            let key = if dup && !r.hint.is_empty() {
                format!("{n} {}", r.hint)
            } else {
                n
            };
            Parsed {
                base: r.show.clone(),
                label: None,
                kind: r.kind.clone(),
                key,
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

fn known_prefix(title: &str, tv_keys: &HashMap<String, String>) -> Option<(String, SeasonLabel)> {
    let cut_points = title
        .char_indices()
        .filter(|&(_, c)| c == ' ' || c == ':')
        .map(|(i, _)| i);
    let mut best: Option<(String, SeasonLabel)> = None;
    for i in cut_points {
        let prefix = title[..i].trim_end_matches(':').trim();
        if prefix.is_empty() {
            continue;
        }
        if let Some(base) = tv_keys.get(&titles::normalize(prefix)) {
            if let Some(label) = titles::split_known_prefix(title, prefix, true) {
                if !matches!(label, SeasonLabel::Named { .. } | SeasonLabel::Whole) {
                    best = Some((base.clone(), label));
                }
            }
        }
    }
    best
}

fn display_title(g: &Group) -> String {
    // The most authoritative source's most frequent spelling; ties broken by text for determinism.
    let best_rank = g.spellings.keys().map(|(r, _)| *r).min().unwrap_or(9);
    g.spellings
        .iter()
        .filter(|((r, _), _)| *r == best_rank)
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0 .1.cmp(a.0 .1)))
        .map(|((_, s), _)| s.to_string())
        .unwrap_or_default()
}

/// URL slug: the normalised match key with dashes; a film sharing a series' title gets `-film`, and
/// any remaining clash a number. Deterministic because groups are visited in a fixed order.
pub fn slugify(key: &str) -> String {
    let n = titles::normalize(key).replace(' ', "-");
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
