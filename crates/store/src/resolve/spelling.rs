//! Rules 1 and 2: each spelling on its own, an alias applied or its season parsed, and the group
//! key it falls under.

use super::*;

/// What one spelling resolved to before grouping. Its text borrows from the row (or alias) it
/// came from where it can.
#[derive(Debug, Clone)]
pub(super) struct Parsed<'a> {
    /// Series spelling (as written, native title and season marker removed).
    pub(super) base: Cow<'a, str>,
    /// `None` for catalogue rows, which describe a series and no particular season.
    pub(super) label: Option<SeasonLabel>,
    pub(super) kind: &'a str,
    /// Group key: normalised base (+ year hint for same-named catalogue records).
    pub(super) key: String,
    /// Whether `key` carries a year hint; without one it is exactly the normalised `base`.
    pub(super) hinted: bool,
    pub(super) forced: bool,
}

pub(super) fn source_rank(source: &str) -> u8 {
    match source {
        "ledger" => 0,
        "top10" => 1,
        "engagement" => 2,
        "tmdb" => 3,
        _ => 4,
    }
}

/// Parses one spelling. `catalogue_name` is the normalised show of a catalogue row (worked out
/// already), `shared_name` whether other records of its source and kind share that name.
pub(super) fn parse_row<'a>(
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
pub(super) fn strip_year_hint(key: &str, base: &str) -> String {
    if key != titles::normalize(base) {
        format!("{base} ({})", key.rsplit(' ').next().unwrap_or_default())
    } else {
        base.to_string()
    }
}

pub(super) fn known_prefix<'a>(
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
