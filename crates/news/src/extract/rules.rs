//! The grammar: one pattern (or a few) per claim kind, over one sentence at a time.
//!
//! Patterns are regular expressions over the sentence's text built from shared pieces: names
//! (capitalised words, hyphenated and accented, with particles such as `bo` or `van`), numbers
//! in digits or words ([`super::numbers`]), amounts with a scale, dates ([`super::dates`]).
//! Each rule reads the value, the byte span it read it from, and where the value starts (a
//! series named before that point is the claim's series). Rules are tried in order; a later
//! rule's claim of the same kind that overlaps an earlier one is the same claim read twice and
//! is dropped.

use super::dates::{self, Tense};
use super::numbers::{self, AMOUNT};
use crate::{Assertion, PartialDate};
use chrono::NaiveDate;
use regex::{Captures, Regex};
use std::ops::Range;
use std::sync::OnceLock;

/// What the sentences before have set.
pub struct Context {
    pub dateline: Option<NaiveDate>,
    /// The year last mentioned ("of the same year").
    pub same_year: Option<i32>,
    /// The half-year last mentioned ("over the same period").
    pub last_half: Option<String>,
}

/// How a claim's season is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeasonRule {
    /// The season is the stated value (renewed for / canceled after / final season N).
    Stated,
    /// The kind has no season (cast, creator, platform, season count).
    Never,
    /// The rule read it (`the second eight as well`).
    Given(u32),
    /// A premiere with no season named is the first season's.
    Premiere,
    /// A figure with no season named is the first season's when the series has one season.
    Figure,
    /// Only a season the sentence names.
    Mentioned,
}

/// A season as the text refers to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeasonRef {
    Number(u32),
    /// "the final season", "the last episodes".
    Final,
    /// "the new season", "the latest part".
    Latest,
}

/// A value the rule leaves to what the whole article says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fix {
    None,
    /// A dated cancellation with no season: after the latest season.
    StatedIsLatest,
    /// A dated renewal with no season: the season after the one under discussion.
    StatedIsNext,
    Stated(u32),
    /// "based on X's novel of the same name": the work is the series' title.
    WorkIsSeries,
}

/// One claim read from a sentence; offsets are into the sentence.
pub struct Raw {
    pub span: Range<usize>,
    pub series_before: usize,
    pub assertion: Assertion,
    pub rule: SeasonRule,
    pub fix: Fix,
}

/// Capitalised name word: `Zeta-Jones`, `Ríos`, `O'Brien`, `Jung-jae`.
const TOK: &str = r"\p{Lu}[\p{L}\p{M}]*(?:['’]\p{Lu}[\p{L}\p{M}]*)?(?:-\p{L}[\p{L}\p{M}]*)*";
const PARTICLES: &str =
    r"(?:bo|de|da|del|della|der|den|van|von|di|du|dos|das|la|le|al|el|bin|ibn|ter|ten)";
const PLATFORMS: &str =
    r"Netflix|Amazon Prime Video|Prime Video|Disney\+|Hulu|HBO Max|Apple TV\+|Peacock|Paramount\+";
const FORMS: &str = r"comic\s+books?|graphic\s+novels?|short\s+stor(?:y|ies)|video\s+games?|novels?|novellas?|books?|manga|comics?|webtoons?|anime|stor(?:y|ies)|articles?|memoirs?|plays?|podcasts?|franchise|films?";
/// Adverbs and auxiliaries between an actor and the verb (`will almost certainly return as`).
const ADV: &str = r"(?:will|would|also|almost|certainly|again|reportedly|now|still|finally|once|is|was|to|set|expected|likely|probably|who)";
const SEASON_WORD: &str = r"(?:season|part|series|instalment|installment|chapter)";

/// Words that open a sentence or name a role before a person's name, stripped from it.
const NOT_NAMES: &[&str] = &[
    "The",
    "A",
    "An",
    "And",
    "But",
    "Or",
    "So",
    "Then",
    "Meanwhile",
    "Also",
    "Here",
    "There",
    "Now",
    "Star",
    "Stars",
    "Actor",
    "Actress",
    "Creator",
    "Creators",
    "Director",
    "Showrunner",
    "Writer",
    "Producer",
    "Newcomer",
    "Former",
    "Veteran",
    "While",
    "When",
    "As",
    "In",
    "On",
    "At",
    "With",
    "Elsewhere",
    "Plus",
    "Only",
    "Both",
    "Even",
    "Still",
    "Yes",
    "No",
    "Well",
    "However",
    "Actually",
    "Finally",
    "Netflix",
    "Co-creator",
    "Co-creators",
    "Why",
    "What",
    "How",
    "Who",
    "Where",
    "It",
    "Its",
    "By",
    "We",
    "You",
    "Our",
    "This",
    "That",
    "If",
];

/// Words no person's or character's name holds: a capitalised run with one of them is a
/// headline or a title (`Why It's the End By Min-ji Park`).
const NEVER_IN_NAMES: &[&str] = &["By", "It", "Is", "Are", "Was", "Will", "We", "You", "Why"];

struct Grammar {
    rules: Vec<(Kind, Regex)>,
    category: Regex,
    seasons: Vec<(Regex, u8)>,
    after: Regex,
    the_decision: Regex,
    year: Regex,
    same_period: Regex,
    /// A work's form opening a text (`novels`, `stories`): `X's Y novels` names a work.
    work_form: Regex,
    /// A whole text that is a title (`Arsène Lupin`, `Now at Our School`).
    whole_title: Regex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    RenewedFor,
    RenewedOrdered,
    RenewedSeasons,
    RenewedWillBe,
    RenewedUnderway,
    RenewedThat,
    RenewedBare,
    CanceledAfter,
    EndedAfter,
    CanceledBare,
    FinalAnd,
    FinalNumber,
    FinalOrdinal,
    Limited,
    Release,
    Premiered,
    PremieredDebut,
    Window,
    WindowFirst,
    Engagement,
    Top10Spent,
    Top10For,
    PeakAt,
    PeakTopped,
    CountSoFar,
    CountAll,
    CountReleased,
    CountIts,
    CountSingle,
    EpisodesRan,
    EpisodesIts,
    EpisodesHyphen,
    EpisodesAgain,
    CastPlays,
    CastAsVerb,
    CastWho,
    CastPlayedBy,
    CastAs,
    CastPossessive,
    DirectorBy,
    DirectorWho,
    CreatorBy,
    CreatorWho,
    SourceBy,
    SourcePossessive,
    PlatformOn,
    PlatformOriginal,
    RtScoreOf,
    RtPercentOn,
    McScoreOf,
    McOn,
}

impl Kind {
    /// Claims of one family that overlap are one claim read twice.
    fn family(self) -> &'static str {
        use Kind::*;
        match self {
            RenewedFor | RenewedOrdered | RenewedSeasons | RenewedWillBe | RenewedUnderway
            | RenewedThat | RenewedBare => "renewed",
            CanceledAfter | EndedAfter | CanceledBare => "canceled",
            FinalAnd | FinalNumber | FinalOrdinal => "final",
            Limited => "limited",
            Release => "release",
            Premiered | PremieredDebut => "premiered",
            Window | WindowFirst | Engagement => "hours",
            Top10Spent | Top10For => "weeks",
            PeakAt | PeakTopped => "peak",
            CountSoFar | CountAll | CountReleased | CountIts | CountSingle => "count",
            EpisodesRan | EpisodesIts | EpisodesHyphen | EpisodesAgain => "episodes",
            CastPlays | CastAsVerb | CastWho | CastPlayedBy | CastAs | CastPossessive => "cast",
            DirectorBy | DirectorWho => "director",
            CreatorBy | CreatorWho => "creator",
            SourceBy | SourcePossessive => "source",
            PlatformOn | PlatformOriginal => "platform",
            RtScoreOf | RtPercentOn => "rt",
            McScoreOf | McOn => "mc",
        }
    }
}

fn grammar() -> &'static Grammar {
    static G: OnceLock<Grammar> = OnceLock::new();
    G.get_or_init(|| {
        let name = format!(r"{TOK}(?:\s+(?:{PARTICLES}\s+)?{TOK}){{0,3}}");
        let names = format!(r"{name}(?:,?\s+and\s+{name})?");
        let title = format!(
            r"{TOK}(?:\s+(?:(?:of|the|a|an|at|in|on|and|to|for|&)\s+)*{TOK}|\s+\d+)*"
        );
        let card = numbers::cardinal_pattern();
        let ord = numbers::ordinal_pattern();
        let day_a = dates::window_day_pattern("a");
        let day_b = dates::window_day_pattern("b");
        let after = format!(
            r"after\s+(?:only\s+|just\s+|a\s+mere\s+)?(?:(?P<num>one|a\s+single|two|three|four|five|six|seven|eight|nine|ten|\d{{1,2}})\s+seasons?|(?:its|the)\s+(?P<ord>{ord})\s+season|season\s+(?P<n>\d{{1,3}}))\b"
        );
        let fill = |p: &str| -> String {
            p.replace("{NAMES}", &names)
                .replace("{NAME}", &name)
                .replace("{TITLE}", &title)
                .replace("{CARD}", &card)
                .replace("{ORD}", &ord)
                .replace("{AMT}", AMOUNT)
                .replace("{DAYA}", &day_a)
                .replace("{DAYB}", &day_b)
                .replace("{AFTER}", &after)
                .replace("{ADV}", ADV)
                .replace("{SW}", SEASON_WORD)
                .replace("{FORMS}", FORMS)
                .replace("{PLATFORMS}", PLATFORMS)
        };
        use Kind::*;
        let table: &[(Kind, &str)] = &[
            (RenewedFor, r"\b[Rr]enew(?:ed|s|ing)?\b(?P<obj>[^,.;:]{0,60}?)\s+for\s+(?:(?:a\s+|an\s+|its\s+)?(?P<ord>{ORD})\s+{SW}|(?:[Ss]eason|[Pp]art)\s+(?P<n>\d{1,3}))\b"),
            (RenewedSeasons, r"\b(?:ordered|greenlit|commissioned|renewed\s+\S+\s+for)\s+seasons?\s+(?P<n>\d{1,3})(?:\s+and\s+(?P<n2>\d{1,3}))?\b"),
            (RenewedOrdered, r"\b(?:ordered|greenlit|green-lit|greenlighted|commissioned|confirmed|announced)\s+(?:(?:a\s+|an\s+)?(?P<ord>{ORD})\s+{SW}|[Ss]eason\s+(?P<n>\d{1,3}))\b"),
            (RenewedWillBe, r"\b[Tt]here\s+will\s+be\s+(?:a\s+)?(?:[Ss]eason\s+(?P<n>\d{1,3})|(?P<ord>{ORD})\s+{SW})\b"),
            (RenewedUnderway, r"\b(?:[Ss]eason\s+(?P<n>\d{1,3})|(?P<ord>{ORD})\s+(?:season|series|part))\s+(?:is|are|has\s+been)\s+(?:already\s+|now\s+|officially\s+|reportedly\s+)?(?:being\s+written|in\s+production|in\s+the\s+works|in\s+development|happening|on\s+the\s+way|underway|coming|filming|confirmed|greenlit|ordered)\b"),
            (RenewedThat, r"\b(?P<ord>{ORD})\s+(?:season|series|part)\s+(?:that|which)\s+(?:\p{L}+\s+){0,2}?(?:ordered|renewed|greenlit|commissioned)\b"),
            (RenewedBare, r"\b(?:was|were|been|got|is)\s+(?:officially\s+|quickly\s+|already\s+|finally\s+)?renewed\b"),
            (CanceledAfter, r"\b(?:[Cc]ancel(?:l)?ed|axed|scrapped)\b(?P<obj>[^,.;:]{0,60}?)\s+{AFTER}"),
            (EndedAfter, r"\b(?:wrapped\s+up|ended|came\s+to\s+an\s+end|concluded)(?:\s+for\s+good)?\s+{AFTER}"),
            (CanceledBare, r"\b(?:was|were|been|got|is)\s+(?:officially\s+)?(?:cancel(?:l)?ed|axed)\b"),
            (FinalAnd, r"\b(?:the|a|its)\s+(?P<ord>{ORD})\s+and\s+(?:final|last)\s+{SW}\b"),
            (FinalNumber, r"\b(?:[Ss]eason|[Pp]art)\s+(?P<n>\d{1,3})\s+(?:will\s+be|is|was|would\s+be|is\s+set\s+to\s+be)\s+(?:the|its)\s+(?:final|last)\b"),
            (FinalOrdinal, r"\b[Tt]he\s+(?P<ord>{ORD})\s+(?:season|part|series)\s+(?:will\s+be|is|was|would\s+be|is\s+set\s+to\s+be)\s+(?:the|its)\s+(?:final|last)\b"),
            (Limited, r"\b(?:a|the|is|as|was)\s+(?:[\p{Ll}-]+\s+){0,2}?(?:limited\s+series|miniseries|mini-series)\b"),
            (Release, r"\b(?:arrives|will\s+arrive|premieres|will\s+premiere|returns|will\s+return|debuts|will\s+debut|drops|will\s+drop|launches|will\s+launch|lands|will\s+land|is\s+(?:set|slated|scheduled|expected|due|coming)(?:\s+to\s+(?:arrive|premiere|return|debut|drop|launch|land))?|will\s+(?:wrap\s+up|conclude|end)\s+(?:its|the)\s+(?:story|run)|comes\s+out|will\s+come\s+out|will\s+be\s+released)\s+(?:(?:on|to)\s+Netflix\s+)?(?:on\s+|in\s+|for\s+|by\s+)?(?P<at>)"),
            (Premiered, r"\b(?:premiered|debuted|dropped|launched|arrived|landed|came\s+out|was\s+released|were\s+released|bowed|first\s+aired)\s+(?:on\s+Netflix\s+)?(?:on\s+|in\s+)?(?P<at>)"),
            (PremieredDebut, r"\b(?:since\s+)?(?:its|the\s+show['’]s|the\s+series['’]s?)\s+(?P<d>[^.;]{3,30}?)\s+(?:debut|premiere|launch|release)\b"),
            (Window, r"(?P<amt>{AMT})\s+hours(?:\s+of\s+viewing)?(?:\s+[\p{Ll}'’]+){0,3}?\s+(?:between|from)\s+{DAYA}\s+(?:and|to|through|until|-|–)\s+{DAYB}"),
            (WindowFirst, r"\b(?:[Bb]etween|[Ff]rom)\s+{DAYA}\s+(?:and|to|through|until)\s+{DAYB},?(?:\s+[^.;]{0,40}?)?\s(?P<amt>{AMT})\s+hours"),
            (Engagement, r"(?P<amt>{AMT})\s+(?P<unit>hours|views)\b"),
            (Top10Spent, r"\b(?:spent|spending|spends|spend|logged|notched|clocked)\s+(?P<n>{CARD})\s+(?:straight\s+|consecutive\s+)?weeks\s+in\s+(?:the\s+|Netflix['’]s\s+)?(?:global\s+|weekly\s+)?Top\s?10\b"),
            (Top10For, r"\b(?:been|stayed|remained|was|were|is)\s+in\s+the\s+(?:global\s+|weekly\s+)?Top\s?10\s+for\s+(?P<n>{CARD})\s+(?:straight\s+|consecutive\s+)?weeks\b"),
            (PeakAt, r"\b(?:peaked|peaking|peaks|climbed|climbing|climbs|rose|rising|went|going|hit|hitting|hits|reached|reaching|opened|opening|debuted|debuting|landed|landing|entered|entering|shot|jumped|soared|ranked)\b(?:\s+\p{Ll}+){0,3}?\s+(?:at\s+|to\s+)?No\.\s?(?P<n>\d{1,2})\b"),
            (PeakTopped, r"\b(?:topped|tops|topping|led|headed)\s+(?:the\s+|Netflix['’]s\s+)?(?:weekly\s+|global\s+)?(?:(?:[Nn]on-English|English)(?:-language)?\s+)?(?:TV\s+)?(?:chart|list|Top\s?10)\b"),
            (CountSoFar, r"\b(?P<n>{CARD})\s+(?:seasons|parts)\s+(?:so\s+far|out|released(?:\s+so\s+far)?|to\s+date|and\s+counting)\b"),
            (CountAll, r"\b[Aa]ll\s+(?P<n>{CARD})\s+(?:seasons|parts)\s+(?:are|remain|have|were)\b"),
            (CountReleased, r"\b(?:released|aired|produced)\s+(?:only\s+)?(?P<n>{CARD})\s+(?:seasons|parts)\b"),
            (CountIts, r"\b(?:[Ii]ts|the\s+show['’]s|the\s+series['’]s?)\s+(?P<n>{CARD})\s+seasons\b"),
            (CountSingle, r"\b(?:[Ii]ts|[Tt]he)\s+(?:single|only|one|sole|lone)\s+season\b"),
            (EpisodesRan, r"\bran\s+(?:for\s+)?(?P<n>{CARD})\s+(?:episodes|in\s+total)\b"),
            (EpisodesIts, r"\b(?:[Ii]ts|for|[Aa]ll|with)\s+(?P<n>{CARD})\s+episodes\b"),
            (EpisodesHyphen, r"\b(?P<n>{CARD})-episode\s+(?:season|run|series)\b"),
            (EpisodesAgain, r",\s+the\s+(?P<ord>{ORD})\s+(?P<n>{CARD})(?:\s+as\s+well|\s+too)?\b"),
            (CastPlays, r"(?P<person>{NAME})\s+(?:{ADV}\s+){0,3}(?:plays|played|portrays|portrayed|voices|voiced)\s+(?P<char>{NAME})"),
            (CastAsVerb, r"(?P<person>{NAME})\s+(?:{ADV}\s+){0,3}(?:stars|starred|star|returns|returned|return|appears|appeared|appear|is\s+back|comes\s+back|come\s+back)\s+as\s+(?:(?:the|a|an)\s+[^,.;]{1,40}?,\s+)?(?P<char>{NAME})"),
            (CastWho, r"(?P<person>{NAME}),\s+who\s+(?:{ADV}\s+){0,2}(?:plays|played|portrays|portrayed)\s+(?P<char>{NAME})"),
            (CastPlayedBy, r"(?P<char>{NAME}),\s+(?:played|portrayed)\s+by\s+(?P<person>{NAME})"),
            (CastAs, r"(?P<person>{NAME})\s+as\s+(?:(?:the|a|an)\s+[^,.;]{1,40}?,\s+)?(?P<char>{NAME})"),
            (CastPossessive, r"(?P<person>{NAME})['’]s\s+(?:[\p{Ll}-]+\s+){0,3}?(?P<char>{NAME})"),
            (DirectorBy, r"(?:\b[Dd]irector|\b(?:[Cc]o-)?(?:d|D)irected\s+by|\b[Hh]elmed\s+by)\s+(?P<name>{NAMES})"),
            (DirectorWho, r"(?P<name>{NAME}),\s+who\s+(?:also\s+)?(?:wrote\s+and\s+|created\s+and\s+)?(?:co-)?directed\b"),
            (CreatorBy, r"(?:\b[Cc]reated\s+by|\b[Cc]o-creators?,?|\b[Cc]reators?,?)\s+(?P<name>{NAMES})"),
            (CreatorWho, r"(?P<name>{NAME}),\s+who\s+(?:also\s+)?(?:co-)?created\b"),
            (SourceBy, r"\b(?:[Bb]ased\s+on|[Ii]nspired\s+by|[Aa]dapted\s+from)\s+(?:the\s+|a\s+|an\s+)?(?:(?:\d{4}|[\p{Ll}-]+)\s+){0,2}?(?P<form>{FORMS})(?:\s+(?P<work>{TITLE}))?\s+by\s+(?P<author>{NAME})"),
            (SourcePossessive, r#"\b(?:[Bb]ased\s+on|[Ii]nspired\s+by|[Aa]dapted\s+from)\s+(?P<author>{NAME})['’]s\s+(?P<mid>[^,.;"“]{0,60}?)\b(?P<form>{FORMS})\b(?P<same>\s+of\s+the\s+same\s+name)?(?:\s+["“](?P<quoted>[^"”]{1,120})["”])?"#),
            (PlatformOn, r"\b(?:[Ss]tream(?:s|ed|ing)?|[Aa]vailable|[Rr]emains?|[Rr]emained)(?:\s+(?:only|exclusively|now|still|it|all|them|there|globally|worldwide))*\s+on\s+(?P<p>{PLATFORMS})"),
            (PlatformOriginal, r"\b(?:[Aa]|[Aa]n|[Tt]his|[Tt]he|[Ii]ts)\s+(?P<p>{PLATFORMS})\s+(?:original|exclusive)\b"),
            (RtScoreOf, r"Rotten\s+Tomatoes\s+(?:score|rating|approval\s+rating|critics\s+score)\s+of\s+(?P<n>\d{1,3})\s?%"),
            (RtPercentOn, r"(?P<n>\d{1,3})\s?%(?:\s+(?:score|rating|approval\s+rating|critics\s+score|approval))?\s+(?:on|from|at)\s+Rotten\s+Tomatoes"),
            (McScoreOf, r"Metacritic\s+(?:score|rating)\s+of\s+(?P<n>\d{1,3})\b"),
            (McOn, r"(?P<n>\d{1,3})\s+(?:on|at)\s+Metacritic\b|(?P<n2>\d{1,3})\s+Metacritic\s+score"),
        ];
        let rules = table
            .iter()
            .map(|(k, p)| {
                let src = fill(p);
                let re = Regex::new(&src)
                    .unwrap_or_else(|e| panic!("rule {k:?} does not compile: {e}"));
                (*k, re)
            })
            .collect();
        let seasons = [
            (r"\b[Ss]easons?\s+(?P<n>\d{1,3})\b|\b[Pp]art\s+(?P<n2>\d{1,3})\b", 0u8),
            (
                r"\b(?:[Tt]he|[Ii]ts|[Aa]|[Aa]n|[Tt]his)\s+(?P<ord>{ORD})\s+(?:and\s+(?:final|last)\s+)?(?:season|part|series)\b",
                0,
            ),
            (r"\b(?:[Tt]he|[Ii]ts)\s+(?:final|last)\s+(?:season|part|episodes|chapter|instalment)\b", 1),
            (
                r"\b(?:[Tt]he|[Ii]ts)\s+(?:new|latest|newest|current|most\s+recent)\s+(?:season|part|episodes)\b",
                2,
            ),
            (r"\b(?:[Ii]ts|[Tt]he)\s+(?:single|only|one|sole)\s+season\b", 3),
        ]
        .iter()
        .map(|(p, k)| (Regex::new(&fill(p)).expect("season pattern"), *k))
        .collect();
        Grammar {
            rules,
            category: Regex::new(
                r"(?P<neg>[Nn]on-English|English)(?:-language)?\s+(?:TV\s+)?(?:list|chart|Top\s?10)|TV\s+\((?P<cat>English|Non-English)\)",
            )
            .expect("category pattern"),
            seasons,
            after: Regex::new(&fill(
                r"^,?\s+(?:for|of|in|from)\s+(?:(?:its|the)\s+(?:(?P<ord>{ORD})|(?P<fin>final|last)|(?P<one>single|only|one))\s+(?:season|part)|[Ss]eason\s+(?P<n>\d{1,3}))\b",
            ))
            .expect("after pattern"),
            the_decision: Regex::new(
                r"^(?:The|This|That)\s+(?:decision|announcement|news|move|cancellation|renewal|order)\b",
            )
            .expect("decision pattern"),
            year: Regex::new(r"\b(?:19|20)\d{2}\b").expect("year pattern"),
            same_period: Regex::new(r"\b(?:the\s+same|that)\s+(?:period|half|half-year)\b")
                .expect("period pattern"),
            work_form: Regex::new(&format!(r"^(?:{FORMS})\b")).expect("form pattern"),
            whole_title: Regex::new(&format!("^{title}$")).expect("title pattern"),
        }
    })
}

/// Every season the sentence names, in order.
pub fn season_mentions(s: &str) -> Vec<(Range<usize>, SeasonRef)> {
    let g = grammar();
    let mut out: Vec<(Range<usize>, SeasonRef)> = Vec::new();
    for (re, k) in &g.seasons {
        for c in re.captures_iter(s) {
            let Some(whole) = c.get(0) else { continue };
            let value = match k {
                0 => c
                    .name("n")
                    .or(c.name("n2"))
                    .and_then(|m| m.as_str().parse().ok())
                    .or_else(|| c.name("ord").and_then(|m| numbers::ordinal(m.as_str())))
                    .map(SeasonRef::Number),
                1 => Some(SeasonRef::Final),
                2 => Some(SeasonRef::Latest),
                _ => Some(SeasonRef::Number(1)),
            };
            if let Some(v) = value {
                if !out.iter().any(|(r, _)| overlaps(r, &whole.range())) {
                    out.push((whole.range(), v));
                }
            }
        }
    }
    out.sort_by_key(|(r, _)| r.start);
    out
}

/// A season named right after a claim: `... on Rotten Tomatoes for its final season`.
pub fn season_right_after(rest: &str) -> Option<SeasonRef> {
    let c = grammar().after.captures(rest)?;
    if let Some(n) = c.name("n").and_then(|m| m.as_str().parse().ok()) {
        return Some(SeasonRef::Number(n));
    }
    if let Some(n) = c.name("ord").and_then(|m| numbers::ordinal(m.as_str())) {
        return Some(SeasonRef::Number(n));
    }
    if c.name("fin").is_some() {
        return Some(SeasonRef::Final);
    }
    c.name("one").map(|_| SeasonRef::Number(1))
}

/// `The decision was reported last week, on November 8.`: the date of the sentence before's
/// decision.
pub fn dates_the_decision(s: &str, ctx: &Context) -> Option<PartialDate> {
    grammar().the_decision.find(s)?;
    dates::first_date(s, ctx.dateline, Tense::Past, ctx.same_year).map(|f| f.date)
}

/// What this sentence sets for the ones after it.
pub fn update_context(ctx: &mut Context, s: &str) {
    let g = grammar();
    if let Some(y) = g.year.find_iter(s).last() {
        ctx.same_year = y.as_str().parse().ok();
    }
    let mut rest = s;
    // Bounded: each step consumes at least one match of the text.
    while let Some((r, half)) = dates::first_half(rest) {
        ctx.last_half = Some(half);
        rest = &rest[r.end..];
    }
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// A person's name as captured, with the sentence openers and role words before it removed.
fn clean_name(s: &str) -> String {
    let mut words: Vec<&str> = s.split_whitespace().collect();
    while words.len() > 1 && NOT_NAMES.contains(&words[0]) {
        words.remove(0);
    }
    words.join(" ")
}

fn is_person(s: &str) -> bool {
    let words = s.split_whitespace().count();
    (2..=5).contains(&words)
        && !NOT_NAMES.contains(&s)
        && !PLATFORM_NAMES.contains(&s)
        && !s.split_whitespace().any(|w| NEVER_IN_NAMES.contains(&w))
}

/// Whether byte `at` of `s` is inside a quotation (an odd number of quote marks before it).
fn quoted(s: &str, at: usize) -> bool {
    let before = &s[..at];
    let straight = before.matches('"').count();
    let curly = before.matches('“').count() + before.matches('”').count();
    straight % 2 == 1 || curly % 2 == 1
}

const PLATFORM_NAMES: &[&str] = &["Netflix", "Hulu", "Peacock", "Prime Video", "HBO Max"];

/// The decision's date: the first date after the claim, in its clause or right after its
/// comma (`canceled after one season, earlier this month`).
fn decision_date(rest: &str, ctx: &Context) -> Option<(Range<usize>, PartialDate)> {
    let mut end = rest.len().min(70);
    while !rest.is_char_boundary(end) {
        end -= 1;
    }
    let window = &rest[..end];
    let stop = window
        .find(['.', ';', ':', '?', '!'])
        .unwrap_or(window.len());
    let window = &window[..stop];
    let found = dates::first_date(window, ctx.dateline, Tense::Past, ctx.same_year)?;
    match window.find(',') {
        Some(comma) if comma < found.range.start => {
            let between = &window[comma + 1..found.range.start];
            if !between.trim().is_empty() {
                return None;
            }
        }
        _ => {}
    }
    Some((found.range, found.date))
}

/// At most this many claims are read from one sentence (a real sentence holds a handful; a
/// "sentence" of megabytes without a full stop is input, and this bounds the work on it).
pub const MAX_CLAIMS_PER_SENTENCE: usize = 64;

/// Every claim the grammar reads in one sentence.
pub fn apply(s: &str, ctx: &Context) -> Vec<Raw> {
    let g = grammar();
    let mut out: Vec<(Kind, Raw)> = Vec::new();
    for (kind, re) in &g.rules {
        for c in re.captures_iter(s) {
            if out.len() >= MAX_CLAIMS_PER_SENTENCE {
                break;
            }
            // Claims of one match stand together (`ordered seasons 9 and 10` is two); a claim
            // of an earlier match of the same family over the same text is this one read twice.
            let fresh: Vec<Raw> = read(*kind, &c, s, ctx)
                .into_iter()
                .filter(|raw| {
                    !out.iter()
                        .any(|(k, r)| k.family() == kind.family() && overlaps(&r.span, &raw.span))
                })
                .collect();
            out.extend(fresh.into_iter().map(|r| (*kind, r)));
        }
    }
    out.into_iter().map(|(_, r)| r).collect()
}

fn num(c: &Captures, n: &str) -> Option<u32> {
    c.name(n).and_then(|m| m.as_str().parse().ok())
}

/// The claims of one match of one rule.
fn read(kind: Kind, c: &Captures, s: &str, ctx: &Context) -> Vec<Raw> {
    use Kind::*;
    let Some(whole) = c.get(0) else {
        return Vec::new();
    };
    let mut span = whole.range();
    // Where the value starts: a series named before it is the claim's.
    let value_start = [
        "ord", "n", "num", "person", "char", "name", "amt", "author", "p", "at", "d",
    ]
    .iter()
    .filter_map(|n| c.name(n).map(|m| m.start()))
    .min()
    .unwrap_or(span.end);
    let raw = |span: Range<usize>, assertion: Assertion, rule: SeasonRule, fix: Fix| Raw {
        span,
        series_before: value_start,
        assertion,
        rule,
        fix,
    };
    let ord = c.name("ord").and_then(|m| numbers::ordinal(m.as_str()));
    let card = c.name("n").and_then(|m| numbers::cardinal(m.as_str()));
    match kind {
        RenewedFor | RenewedOrdered | RenewedWillBe | RenewedUnderway | RenewedThat => {
            let Some(stated) = ord.or(num(c, "n")) else {
                return Vec::new();
            };
            let date = if matches!(kind, RenewedFor | RenewedThat) {
                decision_date(&s[span.end..], ctx).map(|(r, d)| {
                    span.end += r.end;
                    d
                })
            } else {
                None
            };
            vec![raw(
                span,
                Assertion::Renewed { stated, date },
                SeasonRule::Stated,
                Fix::None,
            )]
        }
        RenewedSeasons => {
            let mut v = Vec::new();
            for n in [num(c, "n"), num(c, "n2")].into_iter().flatten() {
                v.push(raw(
                    span.clone(),
                    Assertion::Renewed {
                        stated: n,
                        date: None,
                    },
                    SeasonRule::Stated,
                    Fix::None,
                ));
            }
            v
        }
        RenewedBare | CanceledBare => {
            let rest = &s[span.end..];
            if rest.trim_start().starts_with("for") || rest.trim_start().starts_with("after") {
                return Vec::new();
            }
            let Some((r, date)) = decision_date(rest, ctx) else {
                return Vec::new();
            };
            span.end += r.end;
            let (assertion, fix) = if kind == RenewedBare {
                (
                    Assertion::Renewed {
                        stated: 0,
                        date: Some(date),
                    },
                    Fix::StatedIsNext,
                )
            } else {
                (
                    Assertion::Canceled {
                        stated: 0,
                        date: Some(date),
                    },
                    Fix::StatedIsLatest,
                )
            };
            vec![raw(span, assertion, SeasonRule::Stated, fix)]
        }
        CanceledAfter | EndedAfter => {
            let stated = c
                .name("num")
                .and_then(|m| {
                    numbers::cardinal(&m.as_str().split_whitespace().collect::<Vec<_>>().join(" "))
                })
                .or(ord)
                .or(num(c, "n"));
            let Some(stated) = stated else {
                return Vec::new();
            };
            let date = decision_date(&s[span.end..], ctx).map(|(r, d)| {
                span.end += r.end;
                d
            });
            vec![raw(
                span,
                Assertion::Canceled { stated, date },
                SeasonRule::Stated,
                Fix::None,
            )]
        }
        FinalAnd | FinalNumber | FinalOrdinal => match ord.or(num(c, "n")) {
            Some(stated) => vec![raw(
                span,
                Assertion::FinalSeason { stated },
                SeasonRule::Stated,
                Fix::None,
            )],
            None => Vec::new(),
        },
        Limited => vec![raw(
            span,
            Assertion::LimitedSeries { stated: true },
            SeasonRule::Never,
            Fix::None,
        )],
        Release | Premiered => {
            let Some(at) = c.name("at") else {
                return Vec::new();
            };
            let tense = if kind == Release {
                Tense::Future
            } else {
                Tense::Past
            };
            let rest = &s[at.end()..];
            match dates::first_date(rest, ctx.dateline, tense, ctx.same_year) {
                Some(found) if found.range.start == 0 => {
                    span.end = at.end() + found.range.end;
                    let mut r = raw(
                        span,
                        if kind == Release {
                            Assertion::ReleaseDate { stated: found.date }
                        } else {
                            Assertion::Premiered { stated: found.date }
                        },
                        if kind == Release {
                            SeasonRule::Mentioned
                        } else {
                            SeasonRule::Premiere
                        },
                        Fix::None,
                    );
                    r.series_before = at.end();
                    vec![r]
                }
                _ => Vec::new(),
            }
        }
        PremieredDebut => {
            let Some(d) = c.name("d") else {
                return Vec::new();
            };
            match dates::first_date(d.as_str(), ctx.dateline, Tense::Past, ctx.same_year) {
                Some(f) if f.range == (0..d.as_str().len()) => vec![raw(
                    span,
                    Assertion::Premiered { stated: f.date },
                    SeasonRule::Premiere,
                    Fix::None,
                )],
                _ => Vec::new(),
            }
        }
        Window | WindowFirst => {
            let (Some(a), Some(b)) = (dates::window_day(c, "a"), dates::window_day(c, "b")) else {
                return Vec::new();
            };
            let Some(stated) = c.name("amt").and_then(|m| numbers::amount(m.as_str())) else {
                return Vec::new();
            };
            match dates::window(a, b, ctx.dateline) {
                Some((from, to)) => vec![raw(
                    span,
                    Assertion::WindowHours { stated, from, to },
                    SeasonRule::Figure,
                    Fix::None,
                )],
                None => Vec::new(),
            }
        }
        Engagement => {
            let Some(amt) = c.name("amt") else {
                return Vec::new();
            };
            let Some(stated) = numbers::amount(amt.as_str()).filter(|&n| n >= 100_000) else {
                return Vec::new();
            };
            let after = &s[whole.end()..];
            let before = &s[..amt.start()];
            let half = dates::first_half(after)
                .map(|(r, h)| {
                    // The half is part of the claim when it follows right away.
                    if r.start <= 12 {
                        span.end = whole.end() + r.end;
                    }
                    h
                })
                .or_else(|| last_half_in(before))
                .or_else(|| {
                    grammar()
                        .same_period
                        .find(after)
                        .and_then(|_| ctx.last_half.clone())
                });
            let Some(half) = half else {
                return Vec::new();
            };
            let assertion = if c.name("unit").is_some_and(|u| u.as_str() == "views") {
                Assertion::EngagementViews { stated, half }
            } else {
                Assertion::EngagementHours { stated, half }
            };
            vec![raw(span, assertion, SeasonRule::Figure, Fix::None)]
        }
        Top10Spent | Top10For => match card {
            Some(stated) => vec![raw(
                span,
                Assertion::Top10Weeks { stated },
                SeasonRule::Figure,
                Fix::None,
            )],
            None => Vec::new(),
        },
        PeakAt | PeakTopped => {
            let stated = if kind == PeakTopped {
                1
            } else {
                match num(c, "n") {
                    Some(n) if n >= 1 => n,
                    _ => return Vec::new(),
                }
            };
            let category = if kind == PeakTopped {
                category_in(whole.as_str()).map(|(_, c)| c)
            } else {
                // The list named after the rank, within its clause.
                let rest = &s[span.end..];
                let mut end = rest.find([',', ';', '.']).unwrap_or(rest.len()).min(60);
                while !rest.is_char_boundary(end) {
                    end -= 1;
                }
                category_in(&rest[..end]).map(|(r, cat)| {
                    span.end += r.end;
                    cat
                })
            };
            vec![raw(
                span,
                Assertion::PeakRank { stated, category },
                SeasonRule::Figure,
                Fix::None,
            )]
        }
        CountSoFar | CountAll | CountReleased | CountIts | CountSingle => {
            let stated = if kind == CountSingle { Some(1) } else { card };
            match stated {
                Some(stated) if stated >= 1 => vec![raw(
                    span,
                    Assertion::SeasonCount { stated },
                    SeasonRule::Never,
                    Fix::None,
                )],
                _ => Vec::new(),
            }
        }
        EpisodesRan | EpisodesIts | EpisodesHyphen | EpisodesAgain => {
            let Some(stated) = card.filter(|&n| n >= 1) else {
                return Vec::new();
            };
            let rule = if kind == EpisodesAgain {
                // Only as the second half of an episode count (`eight, the second eight too`).
                if !s[..span.start].contains("episodes") {
                    return Vec::new();
                }
                match ord {
                    Some(o) => SeasonRule::Given(o),
                    None => return Vec::new(),
                }
            } else {
                SeasonRule::Figure
            };
            vec![raw(
                span,
                Assertion::EpisodeCount { stated },
                rule,
                Fix::None,
            )]
        }
        CastPlays | CastAsVerb | CastWho | CastPlayedBy | CastAs | CastPossessive => {
            let (Some(p), Some(ch)) = (c.name("person"), c.name("char")) else {
                return Vec::new();
            };
            let person = clean_name(p.as_str());
            let character = ch.as_str().to_string();
            let bad_character = NOT_NAMES.contains(&character.as_str())
                || character
                    .split_whitespace()
                    .any(|w| NEVER_IN_NAMES.contains(&w));
            if !is_person(&person) || character == person || bad_character || quoted(s, p.start()) {
                return Vec::new();
            }
            if kind == CastPossessive {
                // `based on Jonathan Stroud's novels`, `inspired by X's Y stories`: a work.
                let before = s[..p.start()].trim_end();
                let by = ["by", "on", "from", "of", "in", "to"]
                    .iter()
                    .any(|w| before.ends_with(&format!(" {w}")) || before == *w);
                let rest = s[ch.end()..].trim_start();
                let work = grammar().work_form.is_match(rest);
                if by || work {
                    return Vec::new();
                }
            }
            let mut r = raw(
                span,
                Assertion::Cast {
                    person,
                    stated: character,
                },
                SeasonRule::Never,
                Fix::None,
            );
            r.series_before = p.start().min(ch.start());
            vec![r]
        }
        DirectorBy | DirectorWho | CreatorBy | CreatorWho => {
            let Some(n) = c.name("name") else {
                return Vec::new();
            };
            let stated = clean_name(n.as_str());
            if !is_person(stated.split(" and ").next().unwrap_or("")) {
                return Vec::new();
            }
            let assertion = if matches!(kind, DirectorBy | DirectorWho) {
                Assertion::Director { stated }
            } else {
                Assertion::Creator { stated }
            };
            vec![raw(span, assertion, SeasonRule::Never, Fix::None)]
        }
        SourceBy | SourcePossessive => {
            let Some(author) = c.name("author").map(|m| clean_name(m.as_str())) else {
                return Vec::new();
            };
            if !is_person(&author) {
                return Vec::new();
            }
            let mid = c
                .name("mid")
                .map(|m| m.as_str().trim())
                .filter(|m| grammar().whole_title.is_match(m));
            let work = c
                .name("quoted")
                .map(|m| m.as_str().trim())
                .or(c.name("work").map(|m| m.as_str().trim()))
                .or(mid);
            let (assertion, fix) = if c.name("same").is_some() {
                (
                    Assertion::SourceMaterial {
                        stated: String::new(),
                        author: Some(author),
                    },
                    Fix::WorkIsSeries,
                )
            } else if let Some(work) = work {
                (
                    Assertion::SourceMaterial {
                        stated: work.to_string(),
                        author: Some(author),
                    },
                    Fix::None,
                )
            } else {
                // Only the author is named: the author stands for the work.
                (
                    Assertion::SourceMaterial {
                        stated: author,
                        author: None,
                    },
                    Fix::None,
                )
            };
            vec![raw(span, assertion, SeasonRule::Never, fix)]
        }
        PlatformOn | PlatformOriginal => {
            let Some(p) = c.name("p") else {
                return Vec::new();
            };
            let stated = match p.as_str() {
                "Amazon Prime Video" => "Prime Video".to_string(),
                other => other.to_string(),
            };
            vec![raw(
                span,
                Assertion::Platform { stated },
                SeasonRule::Never,
                Fix::None,
            )]
        }
        RtScoreOf | RtPercentOn => match num(c, "n").filter(|&n| n <= 100) {
            Some(stated) => vec![raw(
                span,
                Assertion::RottenTomatoes { stated },
                SeasonRule::Mentioned,
                Fix::None,
            )],
            None => Vec::new(),
        },
        McScoreOf | McOn => match num(c, "n").or(num(c, "n2")).filter(|&n| n <= 100) {
            Some(stated) => vec![raw(
                span,
                Assertion::Metacritic { stated },
                SeasonRule::Mentioned,
                Fix::None,
            )],
            None => Vec::new(),
        },
    }
}

fn last_half_in(s: &str) -> Option<String> {
    let mut rest = s;
    let mut last = None;
    while let Some((r, h)) = dates::first_half(rest) {
        last = Some(h);
        rest = &rest[r.end..];
    }
    last
}

/// A Top 10 list named in `s`, as the data names it (`TV (English)`, `TV (Non-English)`).
fn category_in(s: &str) -> Option<(Range<usize>, String)> {
    let c = grammar().category.captures(s)?;
    let whole = c.get(0)?.range();
    let non = c
        .name("neg")
        .map(|m| m.as_str().to_lowercase().starts_with("non"))
        .or_else(|| c.name("cat").map(|m| m.as_str().starts_with("Non")))?;
    Some((
        whole,
        if non {
            "TV (Non-English)"
        } else {
            "TV (English)"
        }
        .to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PartialDate::{Day, Month, Year};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn ctx() -> Context {
        Context {
            dateline: Some(d(2024, 3, 15)),
            same_year: Some(2024),
            last_half: Some("2023H2".into()),
        }
    }

    /// The assertions the grammar reads in `s`, with the text of each span.
    fn read_all(s: &str) -> Vec<(String, Assertion)> {
        apply(s, &ctx())
            .into_iter()
            .map(|r| (s[r.span].to_string(), r.assertion))
            .collect()
    }

    fn only(s: &str) -> Assertion {
        let all = read_all(s);
        assert_eq!(all.len(), 1, "{s:?} gave {all:?}");
        all.into_iter().next().unwrap().1
    }

    fn none(s: &str) {
        let all = read_all(s);
        assert!(all.is_empty(), "{s:?} gave {all:?}");
    }

    #[test]
    fn renewals() {
        let r = |stated, date| Assertion::Renewed { stated, date };
        assert_eq!(
            only("The streamer renewed Ozark for a fourth season on January 9."),
            r(4, Some(Day(d(2024, 1, 9))))
        );
        assert_eq!(
            only("Bridgerton was renewed for a 5th season back in April, sources say."),
            r(5, Some(Month(2023, 4)))
        );
        assert_eq!(only("Netflix has greenlit a second season."), r(2, None));
        assert_eq!(only("So yes, there will be season 3."), r(3, None));
        assert_eq!(only("A third series is already in the works."), r(3, None));
        assert_eq!(
            only("Fans cheered the fifth season that the streamer ordered last month."),
            r(5, Some(Month(2024, 2)))
        );
        let both = read_all("The network commissioned seasons 4 and 5 together.");
        assert_eq!(both.len(), 2);
        // Undated and without a season, a bare "was renewed" is left to the article (0 here).
        assert_eq!(
            only("The show was renewed in May 2021, after months of talks."),
            r(0, Some(Month(2021, 5)))
        );
        assert_eq!(
            only("Netflix officially renewed the drama for season 3 in June 2022."),
            r(3, Some(Month(2022, 6)))
        );
        assert_eq!(only("The streamer has confirmed season 4."), r(4, None));
        none("The show was renewed.");
        none("Will it be renewed for another run?");
        none("The renewal news broke on Monday.");
    }

    #[test]
    fn cancellations_and_endings() {
        let c = |stated, date| Assertion::Canceled { stated, date };
        assert_eq!(
            only(
                "The streamer cancelled Sense8 after two seasons, earlier this month, to outrage."
            ),
            c(2, Some(Month(2024, 3)))
        );
        assert_eq!(only("It was axed after its third season."), c(3, None));
        assert_eq!(
            only("The saga ended for good after one season."),
            c(1, None)
        );
        assert_eq!(
            only("It was canceled on February 2, a week after launch."),
            c(0, Some(Day(d(2024, 2, 2))))
        );
        none("Is It Canceled? What We Know");
        none("It was canceled.");
    }

    #[test]
    fn final_seasons_and_limited_series() {
        let f = |stated| Assertion::FinalSeason { stated };
        assert_eq!(only("It returns for the sixth and final season."), f(6));
        assert_eq!(only("Season 4 will be its last, the studio said."), f(4));
        assert_eq!(only("It will return for a third and final season."), f(3));
        assert_eq!(only("The fourth season is the final one."), f(4));
        none("It has been cast for the final season.");
        assert_eq!(
            only("Adolescence is a limited series from Jack Thorne."),
            Assertion::LimitedSeries { stated: true }
        );
        assert_eq!(
            only("The thriller was a tidy four-part miniseries."),
            Assertion::LimitedSeries { stated: true }
        );
    }

    #[test]
    fn release_dates_and_premieres() {
        assert_eq!(
            only("Season 5 arrives on July 4."),
            Assertion::ReleaseDate {
                stated: Day(d(2024, 7, 4))
            },
            "a yearless release date is the next one"
        );
        assert_eq!(
            only("Season 3 premieres on Netflix on October 9."),
            Assertion::ReleaseDate {
                stated: Day(d(2024, 10, 9))
            }
        );
        assert_eq!(
            only("The new season is expected in 2026 at the earliest."),
            Assertion::ReleaseDate { stated: Year(2026) }
        );
        assert_eq!(
            only("The show premiered on Friday, April 5, 2019, to little fanfare."),
            Assertion::Premiered {
                stated: Day(d(2019, 4, 5))
            }
        );
        assert_eq!(
            only("Season 2 came out in Sept. 2021."),
            Assertion::Premiered {
                stated: Month(2021, 9)
            }
        );
        assert_eq!(
            only("The finale arrived in the winter of 2019."),
            Assertion::Premiered { stated: Year(2019) }
        );
        assert_eq!(
            only("It has been a hit ever since its March 1 debut."),
            Assertion::Premiered {
                stated: Day(d(2024, 3, 1))
            }
        );
        none("It arrived with little fanfare.");
        none("Production is expected to start in the spring.");
    }

    #[test]
    fn viewing_figures() {
        assert_eq!(
            only("It drew 12.5 million hours between July 3 and July 16, per the charts."),
            Assertion::WindowHours {
                stated: 12_500_000,
                from: d(2023, 7, 3),
                to: d(2023, 7, 16)
            },
            "a yearless window is the latest one ending by the dateline"
        );
        assert_eq!(
            only("From December 25 to January 7, it logged 80M hours."),
            Assertion::WindowHours {
                stated: 80_000_000,
                from: d(2023, 12, 25),
                to: d(2024, 1, 7)
            }
        );
        assert_eq!(
            only("Season 2 drew 10.4 million hours in the second half of 2023."),
            Assertion::EngagementHours {
                stated: 10_400_000,
                half: "2023H2".into()
            }
        );
        assert_eq!(
            only("In the report for January to June 2023, it earned 3.1 million views."),
            Assertion::EngagementViews {
                stated: 3_100_000,
                half: "2023H1".into()
            }
        );
        assert_eq!(
            only("The first season added 900,000 views over the same period."),
            Assertion::EngagementViews {
                stated: 900_000,
                half: "2023H2".into()
            },
            "the same period is the half-year named last"
        );
        none("Each episode runs about one and a half hours.");
        none("It drew 4 million hours of viewing.");
        assert_eq!(
            only("It has spent seven weeks in the Top 10."),
            Assertion::Top10Weeks { stated: 7 }
        );
        assert_eq!(
            only("It has stayed in the Top 10 for 12 straight weeks."),
            Assertion::Top10Weeks { stated: 12 }
        );
        none("Six weeks after launch, the cast was back.");
    }

    #[test]
    fn peak_ranks_with_their_list() {
        let p = |stated, cat: Option<&str>| Assertion::PeakRank {
            stated,
            category: cat.map(str::to_string),
        };
        assert_eq!(
            only("It debuted at No. 3 on the non-English TV list."),
            p(3, Some("TV (Non-English)"))
        );
        assert_eq!(
            only("It climbed as high as No. 6 in its third week on the English-language TV chart."),
            p(6, Some("TV (English)"))
        );
        assert_eq!(
            only("It topped the English TV chart."),
            p(1, Some("TV (English)"))
        );
        assert_eq!(
            only("It entered the English TV Top 10, rising to No. 8, and then fell away."),
            p(8, None),
            "a list named before the rank, in another clause, is not read"
        );
        none("It is No. 1 in our hearts.");
    }

    #[test]
    fn season_and_episode_counts() {
        let s = |stated| Assertion::SeasonCount { stated };
        let e = |stated| Assertion::EpisodeCount { stated };
        assert_eq!(only("With four seasons so far, it is a staple."), s(4));
        assert_eq!(
            only("Across the series' three seasons, it never faltered."),
            s(3)
        );
        assert_eq!(only("It has released six parts."), s(6));
        assert_eq!(only("Its only season is a gem."), s(1));
        assert_eq!(only("Each season ran 10 episodes."), e(10));
        assert_eq!(only("It tells the story in its six episodes."), e(6));
        assert_eq!(only("It is a tight 8-episode season."), e(8));
        let two = read_all("The first season ran six episodes, the second nine too.");
        assert_eq!(
            two.iter().map(|(_, a)| a.clone()).collect::<Vec<_>>(),
            [e(6), e(9)]
        );
        none("The second and third seasons were filmed together.");
        none("Both seasons are worth a watch.");
    }

    #[test]
    fn cast_in_its_forms() {
        let c = |p: &str, s: &str| Assertion::Cast {
            person: p.into(),
            stated: s.into(),
        };
        assert_eq!(
            only("Meanwhile Millie Bobby Brown plays Eleven."),
            c("Millie Bobby Brown", "Eleven")
        );
        assert_eq!(
            only("Pedro Pascal will almost certainly return as Joel Miller, the smuggler."),
            c("Pedro Pascal", "Joel Miller")
        );
        assert_eq!(
            only("Anya Taylor-Joy stars as Beth Harmon."),
            c("Anya Taylor-Joy", "Beth Harmon")
        );
        assert_eq!(
            only("Jung Ho-yeon, who played Kang Sae-byeok, is back."),
            c("Jung Ho-yeon", "Kang Sae-byeok")
        );
        assert_eq!(
            only("Kang Sae-byeok, played by Jung Ho-yeon, is back."),
            c("Jung Ho-yeon", "Kang Sae-byeok")
        );
        assert_eq!(
            only("It co-stars Olivia Colman as the queen's sister, Princess Margaret."),
            c("Olivia Colman", "Princess Margaret")
        );
        assert_eq!(
            only("Fans love Jenna Coleman's Clara."),
            c("Jenna Coleman", "Clara")
        );
        assert_eq!(
            only("Bryan Cranston's chemistry teacher Walter White is iconic."),
            c("Bryan Cranston", "Walter White")
        );
        let no_cast = |s: &str| {
            let all = read_all(s);
            assert!(
                !all.iter().any(|(_, a)| a.kind() == "cast"),
                "{s:?} gave {all:?}"
            );
        };
        no_cast("It is based on Stephen King's novel.");
        no_cast("It was inspired by Arthur Conan Doyle's Sherlock Holmes stories.");
        none("Netflix's Stranger Things returns.");
        none("Why It's the End By Some Writer");
        none("Pascal back as Joel is good news.");
    }

    #[test]
    fn people_behind_the_show() {
        assert_eq!(
            only("The series was directed by Mike Flanagan."),
            Assertion::Director {
                stated: "Mike Flanagan".into()
            }
        );
        assert_eq!(
            only("Park Chan-wook, who co-directed the pilot, is back."),
            Assertion::Director {
                stated: "Park Chan-wook".into()
            }
        );
        assert_eq!(
            only("It was created by Lisa Joy and Jonathan Nolan."),
            Assertion::Creator {
                stated: "Lisa Joy and Jonathan Nolan".into()
            }
        );
        assert_eq!(
            only("Its creator, Vince Gilligan, said so."),
            Assertion::Creator {
                stated: "Vince Gilligan".into()
            }
        );
        assert_eq!(
            only("Showrunner Lauren Hissrich, who created the show, agreed."),
            Assertion::Creator {
                stated: "Lauren Hissrich".into()
            }
        );
        none("The creators have said nothing.");
    }

    #[test]
    fn source_material() {
        let s = |w: &str, a: Option<&str>| Assertion::SourceMaterial {
            stated: w.into(),
            author: a.map(str::to_string),
        };
        assert_eq!(
            only("It is based on the novels by Andrzej Sapkowski."),
            s("Andrzej Sapkowski", None),
            "only the author named: the author stands for the work"
        );
        assert_eq!(
            only("It is adapted from the manga One Piece by Eiichiro Oda."),
            s("One Piece", Some("Eiichiro Oda"))
        );
        assert_eq!(
            only("It is based on Walter Tevis's novel of the same name."),
            s("", Some("Walter Tevis")),
            "the same name is the series' title, filled in from the article"
        );
        assert_eq!(
            only(r#"It was based on Jane Doe's magazine article "The Long Con" from 2018."#),
            s("The Long Con", Some("Jane Doe"))
        );
    }

    #[test]
    fn platform_and_reception() {
        let p = Assertion::Platform {
            stated: "Netflix".into(),
        };
        assert_eq!(only("All of it is streaming exclusively on Netflix."), p);
        assert_eq!(only("This Netflix original is a delight."), p);
        assert_eq!(only("It remains available on Netflix."), p);
        none("Netflix has not said.");
        assert_eq!(
            only("It holds a 97% rating on Rotten Tomatoes."),
            Assertion::RottenTomatoes { stated: 97 }
        );
        assert_eq!(
            only("Its Rotten Tomatoes score of 88% is high."),
            Assertion::RottenTomatoes { stated: 88 }
        );
        assert_eq!(
            only("It has a Metacritic score of 81."),
            Assertion::Metacritic { stated: 81 }
        );
        assert_eq!(
            only("It sits at 64 on Metacritic."),
            Assertion::Metacritic { stated: 64 }
        );
        none("It holds 140% on Rotten Tomatoes.");
    }

    #[test]
    fn seasons_named_in_a_sentence() {
        let s = season_mentions("Season 2 beat the first season, and Part 3 the final season.");
        let v: Vec<SeasonRef> = s.into_iter().map(|(_, v)| v).collect();
        assert_eq!(
            v,
            [
                SeasonRef::Number(2),
                SeasonRef::Number(1),
                SeasonRef::Number(3),
                SeasonRef::Final
            ]
        );
        assert_eq!(
            season_right_after(" for its final season, too"),
            Some(SeasonRef::Final)
        );
        assert_eq!(
            season_right_after(" of season 4"),
            Some(SeasonRef::Number(4))
        );
        assert_eq!(season_right_after(" when the final season came out"), None);
        assert!(dates_the_decision("The decision came last week, on March 8.", &ctx()).is_some());
        assert!(dates_the_decision("A decision came on March 8.", &ctx()).is_none());
    }
}
