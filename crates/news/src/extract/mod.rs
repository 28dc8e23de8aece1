//! Claims out of an article's text: a deterministic grammar of patterns over its sentences
//! (`rules.rs`) and a dictionary of every series spelling the store knows ([`Dictionary`]).
//!
//! The steps, each explainable from the text alone:
//! 1. The text is cut into sentences (`text.rs`) and every series spelling is found in
//!    it (Aho-Corasick over the store's normalised spellings, whole words only). A mention reads
//!    as a title only when its words are capitalised; a one-word title (`Dark`, `You`, `Ghost`)
//!    only for the article's own series.
//! 2. The article's **main series**: of the series its title names, the one its text names most
//!    (then the longest, then the earliest); a headline word the text never names again yields
//!    to the series the text keeps naming; with none in the title, the one the text names most.
//! 3. Every rule of the grammar runs on every sentence and yields claims with the byte span they
//!    were read from. A claim's series is the last series named before its value in its own
//!    clause, else the main series; a claim whose subject may be another show (another series'
//!    one-word title, a spin-off, remake or sequel) is left out as unsure. Its season is the one
//!    the rule reads (`renewed for a third season`), else the last season named before its
//!    value in the sentence (`Part 5 pulled in ...`) or right after it (`... for its final
//!    season`), else, in a sentence opening with a pronoun, the season the sentence before
//!    ended on.
//! 4. What the article says of itself settles the rest: "the final season" is the season it
//!    calls final (or was canceled after), "the new season" the latest it says is out; a
//!    figure given with no season is the first season's when the article says the series has
//!    one season (and the series' as a whole otherwise); a premiere with no season is the first
//!    season's; a cancellation stated with a date but no season is after the latest season; a
//!    renewal with a date but no season is for the season after the one the text was on.
//!    A claim the text does not settle is left out rather than guessed.
//!
//! Bounds: the text is read up to [`MAX_TEXT_BYTES`] (a 1,000-word article is about 6 KB), at
//! most 64 claims (`rules::MAX_CLAIMS_PER_SENTENCE`) are read from a sentence, and every loop runs
//! over the sentences, the matches of a pattern in one sentence, or the dictionary's matches
//! (walked once, in text order), all bounded by that length.

pub(crate) mod dates;
mod numbers;
mod rules;
mod text;

use crate::{Article, Assertion, Claim, NewsError, Span};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use greenlight_sources::titles::{self, SeasonLabel};
use greenlight_store::spellings::SeriesSpelling;
use greenlight_store::Store;
use rules::{Raw, SeasonRef, SeasonRule};
use std::collections::HashMap;
use std::ops::Range;

/// The longest text the extractor reads; text beyond it is not searched for claims.
pub const MAX_TEXT_BYTES: usize = 512 * 1024;

/// Spellings shorter than this (after normalisation) are not matched in text: two letters name
/// too many words.
const MIN_SPELLING_BYTES: usize = 3;

/// At most this many dictionary matches are read from one text (far above any article's).
const MAX_MENTIONS: usize = 100_000;

/// One series of the dictionary.
#[derive(Debug, Clone)]
struct Series {
    slug: String,
    title: String,
    chart_rows: i64,
    kind_rank: u8,
}

/// What one normalised spelling names.
#[derive(Debug, Clone, Copy)]
struct Entry {
    series: usize,
    season: Option<u32>,
}

/// Every spelling of every series the store knows, for finding series in running text.
#[derive(Default)]
pub struct Dictionary {
    series: Vec<Series>,
    entries: Vec<Entry>,
    /// Pattern `i` of the automaton is `keys[i]`, naming `entries[i]`.
    keys: Vec<String>,
    automaton: Option<AhoCorasick>,
}

impl std::fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dictionary")
            .field("series", &self.series.len())
            .field("spellings", &self.keys.len())
            .finish()
    }
}

/// A season label as a season number: `Season 3` is 3, and so is `Part 3` (Money Heist and
/// Lupin chart their seasons as parts); other labels name no number.
fn season_number(label: &SeasonLabel) -> Option<u32> {
    match label {
        SeasonLabel::Season { number } => Some(*number),
        SeasonLabel::Numbered { word, number } if word == "Part" => Some(*number),
        _ => None,
    }
}

impl Dictionary {
    /// Every TV (or unknown-kind) series' spellings as the store resolved them: show titles,
    /// season titles (`Squid Game: Season 2` names season 2, `Money Heist: Part 5` season 5),
    /// native titles after ` // `, each also without its disambiguator (`Cowboy Bebop (2021)`)
    /// and its season marker. Films are left out: the claims are about series. When one
    /// spelling names several series, TV wins, then the most charted (as `find_series`).
    pub fn from_store(store: &Store) -> Result<Dictionary, NewsError> {
        Self::from_spellings(&store.series_spellings()?)
    }

    /// [`Dictionary::from_store`] over spellings already read.
    pub fn from_spellings(rows: &[SeriesSpelling]) -> Result<Dictionary, NewsError> {
        let mut series: Vec<Series> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut by_key: HashMap<String, Entry> = HashMap::new();
        for row in rows {
            if row.kind == "film" {
                continue;
            }
            let s = *index.entry(row.slug.clone()).or_insert_with(|| {
                series.push(Series {
                    slug: row.slug.clone(),
                    title: row.title.clone(),
                    chart_rows: row.chart_rows,
                    kind_rank: u8::from(row.kind == "tv"),
                });
                series.len() - 1
            });
            let stored_season = if row.season_key.is_empty() {
                None
            } else {
                season_number(&SeasonLabel::parse_user(&row.season_key))
            };
            let (english, native) = titles::split_native(&row.spelling);
            for part in std::iter::once(english).chain(native) {
                let (base, label) = titles::split_season_title(part);
                let season = season_number(&label).or(stored_season);
                let mut spellings = vec![(part, season)];
                if base != part {
                    spellings.push((base, None));
                }
                for (spelling, season) in spellings {
                    let (bare, _) = titles::split_disambiguator(spelling);
                    for key in [titles::normalize(spelling), titles::alias_key(bare)] {
                        if key.len() < MIN_SPELLING_BYTES {
                            continue;
                        }
                        let entry = Entry { series: s, season };
                        match by_key.get(&key) {
                            Some(old) if !Self::better(&series, entry, *old) => {}
                            _ => {
                                by_key.insert(key, entry);
                            }
                        }
                    }
                }
            }
        }
        let mut pairs: Vec<(String, Entry)> = by_key.into_iter().collect();
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let (keys, entries): (Vec<String>, Vec<Entry>) = pairs.into_iter().unzip();
        let automaton = if keys.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    // Built per process over ~31k spellings and searched over one short text:
                    // the NFA that builds fastest (about half the contiguous one's build time,
                    // BENCHMARKS.md) searches an article in well under a millisecond.
                    .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
                    .build(&keys)
                    .map_err(|e| NewsError::Input {
                        what: "the series dictionary".into(),
                        message: e.to_string(),
                    })?,
            )
        };
        Ok(Dictionary {
            series,
            entries,
            keys,
            automaton,
        })
    }

    /// Whether `new` should replace `old` for one spelling.
    fn better(series: &[Series], new: Entry, old: Entry) -> bool {
        if new.series == old.series {
            // The same series: the first reading stands.
            return false;
        }
        let (n, o) = (&series[new.series], &series[old.series]);
        (n.kind_rank, n.chart_rows) > (o.kind_rank, o.chart_rows)
    }

    /// How many series and spellings it holds.
    pub fn len(&self) -> (usize, usize) {
        (self.series.len(), self.keys.len())
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Every series spelling in `text`, whole words, leftmost-longest, not overlapping.
    fn mentions(&self, text: &str) -> Vec<Mention> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        let norm = text::normalize_with_origin(text);
        let mut found: Vec<(Range<usize>, usize)> = Vec::new();
        for m in ac.find_overlapping_iter(&norm.text).take(MAX_MENTIONS) {
            let r = m.start()..m.end();
            if norm.is_whole_words(&r) {
                found.push((r, m.pattern().as_usize()));
            }
        }
        found.sort_by(|a, b| a.0.start.cmp(&b.0.start).then(b.0.end.cmp(&a.0.end)));
        let mut out: Vec<Mention> = Vec::new();
        let mut covered = 0;
        for (r, p) in found {
            if r.start < covered {
                continue;
            }
            covered = r.end;
            let original = norm.original(r.clone(), text);
            let entry = self.entries[p];
            out.push(Mention {
                range: original,
                series: entry.series,
                season: entry.season,
                words: self.keys[p].split(' ').count(),
            });
        }
        out
    }
}

/// A series named in the text.
#[derive(Debug, Clone)]
struct Mention {
    /// Byte range in the text.
    range: Range<usize>,
    series: usize,
    season: Option<u32>,
    words: usize,
}

/// Small words a title may hold in lower case (`Alice in Borderland`, `All of Us Are Dead`).
const TITLE_SMALL_WORDS: &[&str] = &[
    "a", "an", "and", "as", "at", "by", "de", "del", "des", "du", "el", "for", "in", "la", "le",
    "les", "of", "on", "or", "the", "to", "vs", "with", "y", "&", "-",
];

/// Whether a mention reads as a title, not words: every word capitalised (small words inside
/// excepted) or uncased (`1899`, a Korean title). A one-word title reads as a title only for
/// the article's main series: `Dark`, `You`, `Ghost`, `Berlin` or `Rotten` (of Rotten Tomatoes)
/// are words or parts of names far more often than they are another series.
fn reads_as_title(text: &str, m: &Mention, main: Option<usize>) -> bool {
    let s = &text[m.range.clone()];
    let capitalised = s.split_whitespace().enumerate().all(|(i, w)| {
        let first = w.chars().find(|c| c.is_alphanumeric());
        match first {
            None => true,
            Some(c) if !c.is_lowercase() => true,
            Some(_) => i > 0 && TITLE_SMALL_WORDS.contains(&w.to_lowercase().as_str()),
        }
    });
    capitalised && (m.words > 1 || Some(m.series) == main)
}

/// Whether a one-word mention stands as a name of its own: capitalised (not an acronym such as
/// `FBI`, not a number such as `2020`), not part of a longer name (`Rotten Tomatoes`, `Jet
/// Black`), and, opening its sentence, set off by a comma (`Wednesday, the other hit, ...`;
/// any sentence's first word is capitalised).
fn lone_capitalised_word(text: &str, m: &Mention, sentence_start: usize) -> bool {
    let word = &text[m.range.clone()];
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let Some(first) = letters.next() else {
        return false;
    };
    if !first.is_uppercase() || (letters.clone().count() > 0 && letters.all(char::is_uppercase)) {
        return false;
    }
    let capitalised = |w: Option<&str>| {
        w.and_then(|w| w.chars().next())
            .is_some_and(|c| c.is_uppercase())
    };
    let before = text[sentence_start..m.range.start]
        .split_whitespace()
        .next_back();
    let after = text[m.range.end..].split_whitespace().next();
    let after_is_name = text[m.range.end..].starts_with(' ') && capitalised(after);
    if capitalised(before) || after_is_name {
        return false;
    }
    m.range.start != sentence_start || text[m.range.end..].starts_with(',')
}

/// Words that name another show than the one being discussed.
const OTHER_SHOW_WORDS: &[&str] = &[
    "spin-off", "spinoff", "spin off", "remake", "prequel", "sequel", "reboot",
];

/// A one-word title that is plainly a day, a month or the platform where it stands: `on
/// Wednesday`, `last March`, `Netflix`.
fn names_a_day_or_platform(upto: &str, m: &Mention) -> bool {
    let word = &upto[m.range.clone()];
    if matches!(word, "Netflix" | "Tudum") {
        return true;
    }
    let calendar = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let before = upto[..m.range.start].trim_end();
    let preposition = [
        "on", "last", "next", "this", "by", "since", "until", "in", "from",
    ]
    .iter()
    .any(|p| {
        before.ends_with(&format!(" {p}"))
            || before == *p
            || before.ends_with(&format!(" {}", capital(p)))
    });
    calendar.contains(&word) && preposition
}

fn capital(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Whether `between` (the text from a series' mention to a claim's value) crosses into another
/// clause, where the series named is no longer the subject: `ahead of Ginny & Georgia, and an
/// analyst puts that at 99.2 million views`.
fn crosses_clause(between: &str) -> bool {
    [
        ", and ",
        ", but ",
        ", while ",
        ", so ",
        "; ",
        " — ",
        " – ",
        ": ",
        ", which ",
        ", ahead of",
    ]
    .iter()
    .any(|b| between.contains(b))
}

/// The article's subject. Of the series its title names, the one its text names most (a
/// headline's passing word such as `Return` or `Ghost` is rarely named again), then the
/// longest, then the earliest; with none in the title, the series its text names most.
fn main_series(
    dict: &Dictionary,
    article: &Article,
    text_mentions: &[Mention],
    sentence_starts: &[usize],
) -> Option<usize> {
    let mut body: HashMap<usize, usize> = HashMap::new();
    for m in text_mentions {
        // Capitalised, and not merely a capitalised sentence opener.
        let opens = sentence_starts.binary_search(&m.range.start).is_ok() && m.words == 1;
        if !opens && reads_as_title(&article.text, m, Some(m.series)) {
            *body.entry(m.series).or_default() += 1;
        }
    }
    if let Some(title) = &article.title {
        let in_title = dict.mentions(title);
        let best = in_title
            .iter()
            .filter(|m| reads_as_title(title, m, Some(m.series)))
            .max_by(|a, b| {
                let count = |m: &Mention| body.get(&m.series).copied().unwrap_or(0);
                count(a)
                    .cmp(&count(b))
                    .then(a.range.len().cmp(&b.range.len()))
                    .then(b.range.start.cmp(&a.range.start))
            });
        // A title's series the text names at most once (its own heading) yields to a series
        // the text keeps naming: `#SaveWarriorNun: Inside the Fan Campaign` is not about
        // `Inside`.
        // Named "again": beyond the headline's own copy when the text holds the headline.
        let again = 1 + usize::from(article.text.contains(title.as_str()));
        let most_named = most_named(&body);
        match (best, most_named) {
            (Some(m), Some((other, n)))
                if body.get(&m.series).copied().unwrap_or(0) < again && n >= again =>
            {
                return Some(other);
            }
            (Some(m), _) => return Some(m.series),
            _ => {}
        }
    }
    most_named(&body).map(|(s, _)| s)
}

fn most_named(body: &HashMap<usize, usize>) -> Option<(usize, usize)> {
    body.iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(s, n)| (*s, *n))
}

/// A claim read from one sentence, before the article's own statements settle its season.
struct Pending {
    span: Range<usize>,
    series: usize,
    season: Option<u32>,
    season_ref: Option<SeasonRef>,
    rule: SeasonRule,
    assertion: Assertion,
    fix: rules::Fix,
}

/// What the article says of itself, for claims that refer to it ("the final season").
#[derive(Default)]
struct Facts {
    final_season: Option<u32>,
    canceled_after: Option<u32>,
    season_count: Option<u32>,
    renewed_min: Option<u32>,
    limited: bool,
}

impl Facts {
    fn final_season(&self) -> Option<u32> {
        self.final_season.or(self.canceled_after)
    }
    /// The latest season out, as the article has it.
    fn latest(&self) -> Option<u32> {
        self.season_count
            .or(self.canceled_after)
            .or(self
                .renewed_min
                .map(|n| n.saturating_sub(1))
                .filter(|&n| n > 0))
            .or(self.limited.then_some(1))
    }
}

/// The claims of one article, in the order of their spans.
pub fn extract(article: &Article, dictionary: &Dictionary) -> Vec<Claim> {
    extract_as_of(article, dictionary, None)
}

/// [`extract`] with `reference` standing in for the dateline when the article states none (a
/// pasted text checked as of a day): "September 11" and "last November" then resolve against
/// the day the claims are judged as of, as a reader of that day would read them.
pub fn extract_as_of(
    article: &Article,
    dictionary: &Dictionary,
    reference: Option<chrono::NaiveDate>,
) -> Vec<Claim> {
    let dateline = article.published.or(reference);
    let mut cut = article.text.len().min(MAX_TEXT_BYTES);
    while !article.text.is_char_boundary(cut) {
        cut -= 1;
    }
    let text = &article.text[..cut];
    let mentions = dictionary.mentions(text);
    let sentences = text::sentences(text);
    let starts: Vec<usize> = sentences.iter().map(|r| r.start).collect();
    let Some(main) = main_series(dictionary, article, &mentions, &starts) else {
        return Vec::new();
    };
    let mut ctx = rules::Context {
        dateline,
        same_year: dateline.map(|d| chrono::Datelike::year(&d)),
        last_half: None,
    };
    let mut pending: Vec<Pending> = Vec::new();
    let mut carried_season: Option<u32> = None;
    let mut previous_decisions: Vec<usize> = Vec::new();
    let mut next_mention = 0;
    let mut last_sentence_season: Option<u32> = None;
    for sentence in sentences {
        let s = &text[sentence.clone()];
        let base = sentence.start;
        // Mentions are in text order and sentences too: one pass over both.
        while next_mention < mentions.len() && mentions[next_mention].range.start < sentence.start {
            next_mention += 1;
        }
        let all_in_sentence: Vec<&Mention> = mentions[next_mention..]
            .iter()
            .take_while(|m| m.range.start < sentence.end)
            .filter(|m| m.range.end <= sentence.end)
            .collect();
        let in_sentence: Vec<&Mention> = all_in_sentence
            .iter()
            .copied()
            .filter(|m| reads_as_title(text, m, Some(main)))
            .collect();
        let seasons = rules::season_mentions(s);
        let raws = rules::apply(s, &ctx);
        // A sentence that dates "the decision" dates the previous sentence's undated decisions.
        if let Some(date) = rules::dates_the_decision(s, &ctx) {
            for &i in &previous_decisions {
                if let Assertion::Renewed { date: d @ None, .. }
                | Assertion::Canceled { date: d @ None, .. } = &mut pending[i].assertion
                {
                    *d = Some(date);
                }
            }
        }
        previous_decisions.clear();
        for raw in raws {
            let Raw {
                span,
                series_before,
                assertion,
                rule,
                fix,
            } = raw;
            let value_at = base + series_before;
            let named = in_sentence
                .iter()
                .rfind(|m| m.range.end <= value_at)
                .filter(|m| !crosses_clause(&text[m.range.end..value_at]));
            // A capitalised one-word title of another series as the clause's subject
            // (`Wednesday, the other hit, was renewed ...`) may be that series or a word: the
            // claim's series is unsure, so the claim is left out.
            let unsure = all_in_sentence
                .iter()
                .rfind(|m| m.range.end <= value_at)
                .filter(|m| m.series != main && m.words == 1)
                .filter(|m| named.is_none_or(|n| n.range.start < m.range.start))
                .filter(|m| !crosses_clause(&text[m.range.end..value_at]))
                .is_some_and(|m| {
                    lone_capitalised_word(text, m, sentence.start)
                        && !names_a_day_or_platform(&text[..m.range.end], m)
                });
            // `The Queen Charlotte spin-off, a limited series, premiered ...`: a spin-off,
            // remake or sequel named before the value is another show, which the dictionary
            // may not know; unless a series named after that word takes the claim, it is unsure.
            let other_show = OTHER_SHOW_WORDS.iter().any(|w| {
                s[..series_before]
                    .to_ascii_lowercase()
                    .rfind(w)
                    .is_some_and(|at| {
                        let at = base + at;
                        !crosses_clause(&text[at..value_at])
                            && named.is_none_or(|n| n.range.start < at)
                    })
            });
            if unsure || other_show {
                continue;
            }
            let series = named.map_or(main, |m| m.series);
            let before: Option<SeasonRef> = seasons
                .iter()
                .filter(|(r, _)| r.start < series_before)
                .map(|(_, v)| *v)
                .next_back()
                .or_else(|| named.and_then(|m| m.season).map(SeasonRef::Number));
            let after = rules::season_right_after(&s[span.end..]);
            // A sentence that opens with a pronoun continues the one before: its figures are
            // of the season that sentence ended on (`Season 7 ... . It has spent ...`).
            let continues = ["It ", "It's ", "Its "].iter().any(|p| s.starts_with(p));
            let carried = (continues && matches!(rule, SeasonRule::Figure | SeasonRule::Mentioned))
                .then_some(last_sentence_season)
                .flatten()
                .map(SeasonRef::Number);
            let season_ref = after.or(before).or(carried);
            if matches!(
                assertion,
                Assertion::Renewed { .. } | Assertion::Canceled { .. }
            ) {
                previous_decisions.push(pending.len());
            }
            let fix = match fix {
                rules::Fix::StatedIsNext => match carried_season {
                    Some(n) => rules::Fix::Stated(n + 1),
                    None => rules::Fix::StatedIsNext,
                },
                other => other,
            };
            pending.push(Pending {
                span: base + span.start..base + span.end,
                series,
                season: None,
                season_ref,
                rule,
                assertion,
                fix,
            });
        }
        if let Some((_, SeasonRef::Number(n))) = seasons.last() {
            carried_season = Some(*n);
        }
        last_sentence_season = match seasons.last() {
            Some((_, SeasonRef::Number(n))) => Some(*n),
            _ => None,
        };
        rules::update_context(&mut ctx, s);
    }
    settle(pending, dictionary)
}

/// Settles what the article's own statements decide, drops what stays unsettled, and builds
/// the claims.
fn settle(mut pending: Vec<Pending>, dictionary: &Dictionary) -> Vec<Claim> {
    let mut facts = Facts::default();
    for p in &pending {
        match &p.assertion {
            Assertion::FinalSeason { stated } => {
                facts.final_season.get_or_insert(*stated);
            }
            Assertion::Canceled { stated, .. } if *stated > 0 => {
                facts.canceled_after.get_or_insert(*stated);
            }
            Assertion::SeasonCount { stated } => {
                facts.season_count = Some(facts.season_count.map_or(*stated, |c| c.max(*stated)));
            }
            Assertion::Renewed { stated, .. } if *stated > 0 => {
                facts.renewed_min = Some(facts.renewed_min.map_or(*stated, |c| c.min(*stated)));
            }
            Assertion::LimitedSeries { .. } => facts.limited = true,
            _ => {}
        }
    }
    let single = facts.latest() == Some(1);
    let mut out = Vec::new();
    for p in pending.iter_mut() {
        // Values the rule left to the article.
        match (&mut p.assertion, p.fix) {
            (Assertion::Canceled { stated, .. }, rules::Fix::StatedIsLatest) => {
                match facts.latest() {
                    Some(n) => *stated = n,
                    None => continue,
                }
            }
            (Assertion::Renewed { stated, .. }, rules::Fix::Stated(n)) => *stated = n,
            (Assertion::Renewed { stated, .. }, rules::Fix::StatedIsNext) => match facts.latest() {
                Some(n) if single => *stated = n + 1,
                _ => continue,
            },
            (Assertion::SourceMaterial { stated, .. }, rules::Fix::WorkIsSeries) => {
                *stated = dictionary.series[p.series].title.clone();
            }
            _ => {}
        }
        let referred = match p.season_ref {
            Some(SeasonRef::Number(n)) => Some(n),
            Some(SeasonRef::Final) => facts.final_season(),
            Some(SeasonRef::Latest) => facts.latest(),
            None => None,
        };
        p.season = match p.rule {
            SeasonRule::Stated => match &p.assertion {
                Assertion::Renewed { stated, .. }
                | Assertion::Canceled { stated, .. }
                | Assertion::FinalSeason { stated } => Some(*stated),
                _ => None,
            },
            SeasonRule::Never => None,
            SeasonRule::Given(n) => Some(n),
            SeasonRule::Premiere => referred.or(Some(1)),
            SeasonRule::Figure => referred.or(single.then_some(1)),
            SeasonRule::Mentioned => referred,
        };
        // A reference the article does not settle ("the final season" of an article that
        // never says which) leaves the claim unsure: left out.
        let refers = matches!(
            p.rule,
            SeasonRule::Premiere | SeasonRule::Figure | SeasonRule::Mentioned
        );
        if refers && p.season_ref.is_some() && referred.is_none() {
            continue;
        }
        // A release date is announced for a season: one said of no season ("the report is
        // expected later this year") is not this kind of claim.
        if matches!(p.assertion, Assertion::ReleaseDate { .. }) && p.season.is_none() {
            continue;
        }
        let series = &dictionary.series[p.series];
        out.push(Claim {
            span: Span {
                start: p.span.start,
                end: p.span.end,
            },
            series: series.slug.clone(),
            title: series.title.clone(),
            season: p.season,
            assertion: p.assertion.clone(),
        });
    }
    out.sort_by_key(|a| a.span);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PartialDate;
    use chrono::NaiveDate;

    fn spelling(slug: &str, title: &str, spelling: &str, season_key: &str) -> SeriesSpelling {
        SeriesSpelling {
            slug: slug.into(),
            title: title.into(),
            kind: "tv".into(),
            spelling: spelling.into(),
            season_key: season_key.into(),
            chart_rows: 10,
        }
    }

    fn dict() -> Dictionary {
        Dictionary::from_spellings(&[
            spelling("the-heist", "The Heist", "The Heist", ""),
            spelling("the-heist", "The Heist", "The Heist: Part 3", "part 3"),
            spelling(
                "the-heist",
                "The Heist",
                "The Heist: Part 3 // El Golpe: Parte 3",
                "part 3",
            ),
            spelling("gloom", "Gloom", "Gloom", ""),
            spelling("gloom", "Gloom", "Gloom: Season 2", "season 2"),
            spelling("river-kings", "River Kings", "River Kings (2019)", ""),
            spelling("ghost", "Ghost", "Ghost", ""),
            SeriesSpelling {
                kind: "film".into(),
                ..spelling("the-film", "Night Train", "Night Train", "")
            },
        ])
        .unwrap()
    }

    fn article(title: &str, text: &str) -> Article {
        Article {
            title: Some(title.into()),
            outlet: None,
            url: None,
            published: NaiveDate::from_ymd_opt(2024, 5, 20),
            text: crate::article::fold_whitespace(text),
        }
    }

    fn claims(title: &str, text: &str) -> Vec<(String, Option<u32>, Assertion, String)> {
        let a = article(title, text);
        extract(&a, &dict())
            .into_iter()
            .map(|c| {
                let span = a.text[c.span.start..c.span.end].to_string();
                (c.title, c.season, c.assertion, span)
            })
            .collect()
    }

    #[test]
    fn the_dictionary_holds_every_spelling_but_films() {
        let d = dict();
        let keys = &d.keys;
        // `Parte 3` is no marker the store's title parser knows, so the native title is only
        // known whole.
        for k in [
            "the heist",
            "the heist part 3",
            "el golpe parte 3",
            "river kings",
        ] {
            assert!(keys.iter().any(|x| x == k), "{k} missing from {keys:?}");
        }
        assert!(
            !keys.iter().any(|x| x == "night train"),
            "films are left out"
        );
        let found = d.mentions("We watched El Golpe: Parte 3, THE HEIST: PART 3 and River Kings.");
        let seasons: Vec<(String, Option<u32>)> = found
            .iter()
            .map(|m| (d.series[m.series].title.clone(), m.season))
            .collect();
        assert_eq!(
            seasons,
            [
                ("The Heist".to_string(), Some(3)),
                ("The Heist".to_string(), Some(3)),
                ("River Kings".to_string(), None)
            ]
        );
        assert!(
            d.mentions("the heisting crew").is_empty(),
            "whole words only"
        );
    }

    #[test]
    fn the_main_series_is_the_titles_and_one_word_titles_need_it() {
        // `Ghost` is in the headline but the text is about Gloom.
        let c = claims(
            "Gloom's Ghost Story: Season 3 Is Coming",
            "Gloom is back. Gloom was renewed for a third season on May 2. \
             Nobody expected the ghost of Gloom to return.",
        );
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].0, "Gloom");
        assert_eq!(
            c[0].2,
            Assertion::Renewed {
                stated: 3,
                date: Some(PartialDate::Day(
                    NaiveDate::from_ymd_opt(2024, 5, 2).unwrap()
                ))
            }
        );
        // One-word titles other than the subject are words: `Ghost` does not take the claim.
        let c = claims(
            "The Heist: What We Know",
            "Ghost fans know The Heist was canceled after two seasons.",
        );
        assert_eq!(c[0].0, "The Heist");
    }

    #[test]
    fn another_series_one_word_title_as_subject_leaves_the_claim_out() {
        let c = claims(
            "The Heist: What We Know",
            "The Heist is back. Ghost, the other hit, spent six weeks in the Top 10. \
             Later, Ghost fans saw The Heist spend nine weeks in the Top 10. \
             On Monday the GHOST crew said The Heist was renewed for a third season.",
        );
        let kinds: Vec<(&str, &str)> = c
            .iter()
            .map(|(t, _, a, _)| (t.as_str(), a.kind()))
            .collect();
        assert_eq!(
            kinds,
            [("The Heist", "top10_weeks"), ("The Heist", "renewed")],
            "the first claim's series is unsure; {c:?}"
        );
    }

    #[test]
    fn a_spin_off_the_dictionary_does_not_know_is_not_the_main_series() {
        let c = claims(
            "The Heist: What We Know",
            "The Heist prequel, a limited series, premiered in May 2023. \
             The spin-off River Kings premiered in June 2023. The Heist premiered in May 2017.",
        );
        let got: Vec<(&str, &str)> = c
            .iter()
            .map(|(t, _, _, s)| (t.as_str(), s.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("River Kings", "premiered in June 2023"),
                ("The Heist", "premiered in May 2017")
            ]
        );
    }

    #[test]
    fn a_series_named_in_the_clause_takes_the_claim() {
        let c = claims(
            "The Heist Returns",
            "The Heist is huge. Meanwhile River Kings spent six weeks in the Top 10. \
             It beat River Kings, and it spent nine weeks in the Top 10.",
        );
        let weeks: Vec<(&str, u32)> = c
            .iter()
            .filter_map(|(t, _, a, _)| match a {
                Assertion::Top10Weeks { stated } => Some((t.as_str(), *stated)),
                _ => None,
            })
            .collect();
        assert_eq!(weeks, [("River Kings", 6), ("The Heist", 9)]);
    }

    #[test]
    fn seasons_from_the_sentence_and_from_what_the_article_says() {
        let c = claims(
            "The Heist: Part 4?",
            "The Heist has three parts so far, and Part 3 is the final part. Part 3 drew 50 million hours between \
             March 4 and March 10. The final part holds a 90% score on Rotten Tomatoes. \
             The new part is doing well: it has spent four weeks in the Top 10 for its final \
             season. The Heist premiered in May 2017.",
        );
        let seasons: Vec<(&str, Option<u32>)> =
            c.iter().map(|(_, s, a, _)| (a.kind(), *s)).collect();
        assert_eq!(
            seasons,
            [
                ("season_count", None),
                ("final_season", Some(3)),
                ("window_hours", Some(3)),
                ("rotten_tomatoes", Some(3)),
                ("top10_weeks", Some(3)),
                ("premiered", Some(1)),
            ],
            "{c:?}"
        );
    }

    #[test]
    fn one_season_figures_and_undated_decisions() {
        let c = claims(
            "Gloom Is Over",
            "Gloom was canceled after one season. The decision was made last week, on May 14. \
             It spent three weeks in the Top 10. Its creator, Ann Lee, said goodbye.",
        );
        assert_eq!(
            c[0].2,
            Assertion::Canceled {
                stated: 1,
                date: Some(PartialDate::Day(
                    NaiveDate::from_ymd_opt(2024, 5, 14).unwrap()
                ))
            },
            "the next sentence dates the decision"
        );
        assert_eq!(
            (c[1].1, c[1].2.kind()),
            (Some(1), "top10_weeks"),
            "one season: its figures"
        );
        assert_eq!((c[2].1, c[2].2.kind()), (None, "creator"));

        // Three seasons: a figure with no season is the series'; a dated cancellation with no
        // season is after the latest.
        let c = claims(
            "Gloom Ends",
            "All three seasons are on Netflix. Gloom was canceled on April 30, fans learned. \
             It spent 20 weeks in the Top 10.",
        );
        let kinds: Vec<(&str, Option<u32>)> = c.iter().map(|(_, s, a, _)| (a.kind(), *s)).collect();
        assert!(kinds.contains(&("top10_weeks", None)), "{kinds:?}");
        assert!(c.iter().any(
            |(_, s, a, _)| *s == Some(3) && matches!(a, Assertion::Canceled { stated: 3, .. })
        ));

        // Renewed with no season: after the season the text was just on.
        let c = claims(
            "Gloom: What's Next",
            "Season 2 is the best yet. The show was renewed in March 2024.",
        );
        assert!(
            c.iter()
                .any(|(_, s, a, _)| *s == Some(3)
                    && matches!(a, Assertion::Renewed { stated: 3, .. })),
            "{c:?}"
        );
    }

    #[test]
    fn a_pronoun_carries_the_season_of_the_sentence_before() {
        let c = claims(
            "Gloom Charts",
            "Gloom has three seasons so far. Season 2 was the hit. It spent six weeks in the \
             Top 10. Critics agreed. It spent nine weeks in the Top 10.",
        );
        let weeks: Vec<(Option<u32>, &Assertion)> = c
            .iter()
            .filter(|(_, _, a, _)| a.kind() == "top10_weeks")
            .map(|(_, s, a, _)| (*s, a))
            .collect();
        assert_eq!(
            weeks,
            [
                (Some(2), &Assertion::Top10Weeks { stated: 6 }),
                (None, &Assertion::Top10Weeks { stated: 9 })
            ]
        );
    }

    #[test]
    fn unsettled_claims_are_left_out() {
        // No article says which season is final; no release date without a season.
        let c = claims(
            "The Heist Report",
            "The final season holds a 70% score on Rotten Tomatoes. \
             The report is expected later this year. The Heist was canceled last month.",
        );
        assert!(c.is_empty(), "{c:?}");
    }

    #[test]
    fn the_same_name_is_the_series_title_and_long_texts_are_cut() {
        let c = claims(
            "River Kings",
            "River Kings is based on Tom Hale's novel of the same name.",
        );
        assert_eq!(
            c[0].2,
            Assertion::SourceMaterial {
                stated: "River Kings".into(),
                author: Some("Tom Hale".into())
            }
        );
        let mut long = "River Kings is great. ".repeat(MAX_TEXT_BYTES / 20);
        long.push_str("River Kings spent five weeks in the Top 10.");
        let a = article("River Kings", &long);
        assert!(
            extract(&a, &dict()).is_empty(),
            "text past the bound is not read"
        );
        assert!(extract(&article("", ""), &Dictionary::default()).is_empty());
    }
}
