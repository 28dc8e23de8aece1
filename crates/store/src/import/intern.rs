//! Title spellings: each file's distinct spellings (worked out by its parse worker) and the
//! interner that gives every spelling its `titles` id, deterministically.

use super::*;

/// One source spelling of a title, as `titles` stores it.
pub(super) struct Spelling {
    pub(super) source: &'static str,
    pub(super) show: String,
    pub(super) season: String,
    pub(super) kind: &'static str,
    pub(super) hint: String,
}

/// The lookup key of `(source, show, season, kind, hint)`: each part length-prefixed, so no two
/// spellings collide.
pub(super) fn spelling_key(parts: [&str; 5]) -> String {
    let mut k = String::new();
    spelling_key_into(&mut k, parts);
    k
}

/// [`spelling_key`] written into a reused buffer.
pub(super) fn spelling_key_into(k: &mut String, parts: [&str; 5]) {
    use std::fmt::Write;
    k.clear();
    k.reserve(parts.iter().map(|p| p.len() + 4).sum());
    for part in parts {
        let _ = write!(k, "{}:", part.len());
        k.push_str(part);
    }
}

/// A file's distinct spellings and, per row, the one it names. Worked out in the parse worker so
/// the single-threaded store step only looks up each distinct spelling once.
#[derive(Default)]
pub(super) struct FileTitles {
    pub(super) distinct: Vec<(String, Spelling)>,
    pub(super) per_row: Vec<u32>,
}

/// Gives each spelling its title id, appending spellings not stored yet to the title list with
/// the next free ids (in file and row order, so ids are deterministic).
pub(super) struct TitleInterner {
    pub(super) ids: foldhash::HashMap<String, i64>,
    pub(super) next: i64,
}

impl TitleInterner {
    pub(super) fn new(stored: &[resolve::TitleRow]) -> Self {
        let mut ids = foldhash::HashMap::default();
        ids.reserve(stored.len() * 2);
        for r in stored {
            ids.insert(
                spelling_key([&r.source, &r.show, &r.season, &r.kind, &r.hint]),
                r.id,
            );
        }
        TitleInterner {
            ids,
            next: stored.iter().map(|r| r.id).max().unwrap_or(0) + 1,
        }
    }

    /// The title id of every row of a file that names a title, in row order.
    pub(super) fn ids(
        &mut self,
        file: &FileTitles,
        titles: &mut Vec<resolve::TitleRow>,
    ) -> Vec<i64> {
        let local: Vec<i64> = file
            .distinct
            .iter()
            .map(|(key, sp)| {
                if let Some(&id) = self.ids.get(key) {
                    return id;
                }
                let id = self.next;
                self.next += 1;
                self.ids.insert(key.clone(), id);
                titles.push(resolve::TitleRow {
                    id,
                    source: sp.source.to_string(),
                    show: sp.show.clone(),
                    season: sp.season.clone(),
                    kind: sp.kind.to_string(),
                    hint: sp.hint.clone(),
                    stored: None,
                });
                id
            })
            .collect();
        file.per_row.iter().map(|&k| local[k as usize]).collect()
    }
}

impl TitleInterner {
    /// Adds a `ledger` spelling for each title a claims file of the call declares that no
    /// spelling (stored, coming in, or an alias target) could name once resolved, with the next
    /// free ids, so the call's one resolution covers it. A spelling "could name" the title when
    /// the title's normal form is that spelling's, or one of its prefixes cut at a space or colon
    /// (where a series base ends: `Barbarians II`, `Squid Game: Season 2`, `Archer (2009)`): a
    /// superset of what resolution can group, so a title the data has is never declared here.
    /// Those left out are declared by the ledger after resolution, if the store turns out not to
    /// have them after all; either way a declared title ends up exactly as if the data had been
    /// imported first and the claims after.
    pub(super) fn declare(
        &mut self,
        declared: &[String],
        titles: &mut Vec<resolve::TitleRow>,
        aliases: &foldhash::HashMap<String, (String, Option<String>)>,
    ) {
        use greenlight_sources::titles as t;
        let mut pending: Vec<(String, &str)> = Vec::new();
        for title in declared {
            let title = title.trim();
            let key = t::normalize(t::split_native(title).0);
            if key.is_empty()
                || self
                    .ids
                    .contains_key(&spelling_key(["ledger", title, "", "tv", ""]))
                || pending.iter().any(|(k, _)| *k == key)
            {
                continue;
            }
            pending.push((key, title));
        }
        if pending.is_empty() {
            return;
        }
        let mut open: foldhash::HashSet<String> = pending.iter().map(|(k, _)| k.clone()).collect();
        let could_name = |text: &str, open: &mut foldhash::HashSet<String>| {
            if text.is_empty() {
                return;
            }
            let english = t::split_native(text).0;
            t::for_each_normalized_prefix(english, |_, prefix| {
                open.remove(prefix);
            });
            open.remove(&t::normalize(english));
        };
        for r in titles.iter() {
            could_name(&r.show, &mut open);
            could_name(&r.season, &mut open);
            if open.is_empty() {
                return;
            }
        }
        for (spelling, (series, _)) in aliases {
            open.remove(spelling);
            // `Title (film)` / `Title (tv)` in an alias names `Title`.
            let series = match series.rsplit_once(" (") {
                Some((base, "film)" | "tv)")) => base,
                _ => series.as_str(),
            };
            could_name(series, &mut open);
        }
        for (key, title) in pending {
            if !open.contains(&key) {
                continue;
            }
            let id = self.next;
            self.next += 1;
            self.ids
                .insert(spelling_key(["ledger", title, "", "tv", ""]), id);
            titles.push(resolve::TitleRow {
                id,
                source: "ledger".into(),
                show: title.to_string(),
                season: String::new(),
                kind: "tv".into(),
                hint: String::new(),
                stored: None,
            });
        }
    }
}

/// The distinct spellings of a file's rows, in order of first appearance.
pub(super) fn file_titles(parsed: &Parsed) -> FileTitles {
    /// Looks each row's spelling up by a key built in one reused buffer, so the many rows that
    /// repeat a spelling (every week of a season, every country) allocate nothing.
    struct Collect {
        out: FileTitles,
        seen: foldhash::HashMap<String, u32>,
        key: String,
    }
    impl Collect {
        fn add(
            &mut self,
            source: &'static str,
            show: &str,
            season: &str,
            kind: &'static str,
            hint: &str,
        ) {
            spelling_key_into(&mut self.key, [source, show, season, kind, hint]);
            let k = match self.seen.get(self.key.as_str()) {
                Some(&k) => k,
                None => {
                    let k = self.out.distinct.len() as u32;
                    self.seen.insert(self.key.clone(), k);
                    let sp = Spelling {
                        source,
                        show: show.to_string(),
                        season: season.to_string(),
                        kind,
                        hint: hint.to_string(),
                    };
                    self.out.distinct.push((self.key.clone(), sp));
                    k
                }
            };
            self.out.per_row.push(k);
        }
    }
    let mut c = Collect {
        out: FileTitles::default(),
        seen: foldhash::HashMap::default(),
        key: String::new(),
    };
    c.out.per_row.reserve(parsed.len());
    match parsed {
        Parsed::Top10(rows) => rows.iter().for_each(|r| {
            let season = r.season_title.as_deref().unwrap_or_default();
            c.add("top10", &r.show_title, season, chart_kind(&r.category), "")
        }),
        Parsed::Countries(rows) => rows.iter().for_each(|r| {
            let season = r.season_title.as_deref().unwrap_or_default();
            c.add("top10", &r.show_title, season, chart_kind(&r.category), "")
        }),
        Parsed::MostPopular(rows) => rows.iter().for_each(|r| {
            let season = r.season_title.as_deref().unwrap_or_default();
            c.add("top10", &r.show_title, season, chart_kind(&r.category), "")
        }),
        Parsed::Engagement(report) => report.rows.iter().for_each(|r| {
            let kind = match r.kind {
                Some(EngagementKind::Tv) => "tv",
                Some(EngagementKind::Film) => "film",
                None => "unknown",
            };
            c.add("engagement", "", &r.title, kind, "")
        }),
        Parsed::Tmdb(rows) => rows.iter().for_each(|r| {
            let year = r
                .first_air_date
                .map(|d| chrono::Datelike::year(&d).to_string())
                .unwrap_or_default();
            c.add("tmdb", &r.name, "", "tv", &year)
        }),
        Parsed::JustWatchTitles(rows) => rows.iter().for_each(|r| {
            let kind = if r.kind == "SHOW" { "tv" } else { "film" };
            let year = r.release_year.map(|y| y.to_string()).unwrap_or_default();
            c.add("justwatch", &r.title, "", kind, &year)
        }),
        Parsed::RegionFinance(_) | Parsed::JustWatchCredits(_) => {}
    }
    c.out
}

pub(super) fn chart_kind(category: &str) -> &'static str {
    if category.starts_with("TV") {
        "tv"
    } else {
        "film"
    }
}
