//! Rules 3 and 4: grouping spellings by normalised title and kind, disambiguators, display
//! titles, and the resolution's series and seasons.

use super::*;

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

/// Numbers the distinct strings of `items` in name order: each item's number, and the names by
/// number. Comparing numbers then compares names, so maps keyed by numbers hash integers and
/// sorts by number give the order sorts by name gave.
pub(super) fn number_in_order<'s>(
    items: impl Iterator<Item = &'s str>,
) -> (Vec<usize>, Vec<&'s str>) {
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

/// The most authoritative source's most frequent spelling of a group, from its members'
/// `(source rank, spelling)`; ties broken by text for determinism. `scratch` is reused between
/// groups.
pub(super) fn display_title<'s>(
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
