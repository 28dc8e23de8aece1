//! Rule 5: one title, several shows, told apart by the years their spellings date them to.

use super::*;

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
pub(super) struct Dated {
    pub(super) lo: i32,
    pub(super) hi: i32,
    /// The catalogue's or disambiguator's year, when that is the evidence.
    pub(super) exact: Option<i32>,
    /// The year Netflix released this first instalment, when that is the evidence.
    pub(super) released: Option<i32>,
}

/// What [`split_eras`] reads.
pub(super) struct Eras<'r, 'a> {
    pub(super) rows: &'r [TitleRow],
    pub(super) parsed: &'r [Parsed<'a>],
    pub(super) key_of: &'r [usize],
    pub(super) final_kind: &'r [usize],
    pub(super) key_names: &'r [&'r str],
    pub(super) dates: &'r Dates,
    pub(super) tv: usize,
}

/// The year a `(2005)` disambiguator gives, if the base carries one.
pub(super) fn disambiguator_year(base: &str) -> Option<i32> {
    titles::split_disambiguator(base)
        .1
        .filter(|d| d.len() == 4 && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse().ok())
}

/// A show's first instalment (or the whole of a one-off): its release is the show's.
pub(super) fn is_first_instalment(label: Option<&SeasonLabel>) -> bool {
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
pub(super) fn label_family(label: &SeasonLabel) -> (u8, &str) {
    match label {
        SeasonLabel::Numbered { word, .. } => (2, word),
        other => (other.ordinal_ref().0, ""),
    }
}

impl Eras<'_, '_> {
    /// What spelling `i` says about when its show started; aliased spellings say nothing (the
    /// user placed them).
    pub(super) fn dated(&self, i: usize) -> Option<Dated> {
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
    pub(super) fn seen(&self, i: usize) -> i32 {
        self.dates
            .get(&self.rows[i].id)
            .and_then(|d| d.seen)
            .unwrap_or(i32::MAX)
    }
}

/// One show of a split group.
#[derive(Debug, Default)]
pub(super) struct Era {
    /// The latest year it can have started in, as the sweep reaches.
    pub(super) reach: i32,
    /// For a show dated by Netflix releases alone: the latest and earliest start and the
    /// earliest end of its members' ranges.
    pub(super) lo_max: i32,
    pub(super) hi_min: i32,
    pub(super) lo_min: i32,
    /// Its exact years (catalogue records, disambiguators), in order.
    pub(super) exact: Vec<i32>,
    /// The earliest Netflix release of a first instalment among its members.
    pub(super) released: Option<i32>,
}

impl Era {
    /// The earliest year the show can have started: its first exact year (less the slack);
    /// for a show dated by releases alone, where its members' ranges agree the start of their
    /// common range, otherwise (a chain of overlaps) the earliest start.
    pub(super) fn start(&self) -> i32 {
        match self.exact.first() {
            Some(y) => y - EXACT_SLACK,
            None if self.lo_max <= self.hi_min => self.lo_max,
            None => self.lo_min,
        }
    }
    /// The year its key carries: the earliest exact year, else the earliest Netflix release.
    pub(super) fn year(&self) -> i32 {
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
pub(super) fn split_eras(
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
