//! Title normalisation and season-title parsing, shared by every source.
//!
//! The same season is spelled many ways: `Stranger Things 3`, `Squid Game: Season 2 // 오징어 게임:
//! 시즌 2`, `Love Is Blind: S10: Ohio`, `Bebefinn Playtime: 시즌 1`, `Raw: March 3, 2025`. This module
//! turns one spelling into a (base title, [`SeasonLabel`]) pair using only *explicit* markers. It
//! deliberately does not guess from a bare trailing number (`Apollo 13`, `Enola Holmes 2`): that
//! needs knowledge of which series exist, which the store's resolver has and applies with
//! [`split_known_prefix`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// Season numbers above this are not season markers (`Season 4294967295` is a typo or an attack,
/// and `n + 1` must stay safe downstream).
pub const MAX_SEASON: u32 = 999;

/// Which season of a series a spelling denotes. Identity is the [`SeasonLabel::key`]; the
/// subtitle in `Love Is Blind: S10: Ohio` is not part of it (it stays in the source spelling).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SeasonLabel {
    /// `Season 3`, `Series 3`, `S3`, `Staffel 3`, `Temporada 3`, `시즌 3`, `Stranger Things 3`.
    Season { number: u32 },
    /// A numbered instalment that the platform does not call a season: `Part 2`, `Volume 3`,
    /// `Chapter 4`, `Collection 11`, `Book 2`, `Class 1`.
    Numbered { word: String, number: u32 },
    /// `Limited Series` / `Miniseries`.
    Limited,
    /// A dated special or episode: `WWE Raw: March 3, 2025`.
    Dated { date: NaiveDate },
    /// Any other explicit subtitle the chart gives a season (`Hashira Training Arc`).
    Named { name: String },
    /// No season marker: the show as a whole (Top 10 `N/A`, single-season entries, films).
    Whole,
}

impl SeasonLabel {
    /// A stable, lower-case identity string (`season 3`, `part 2`, `limited series`, ``).
    pub fn key(&self) -> String {
        match self {
            SeasonLabel::Whole => String::new(),
            other => other.display().to_lowercase(),
        }
    }
    /// How a person would name it: `Season 3`, `Part 2`, `Limited Series`, `2025-03-03`.
    pub fn display(&self) -> String {
        match self {
            SeasonLabel::Season { number } => format!("Season {number}"),
            SeasonLabel::Numbered { word, number } => format!("{word} {number}"),
            SeasonLabel::Limited => "Limited Series".to_string(),
            SeasonLabel::Dated { date } => date.to_string(),
            SeasonLabel::Named { name } => name.clone(),
            SeasonLabel::Whole => String::new(),
        }
    }
    /// The season number, where the label is a plain season.
    pub fn number(&self) -> Option<u32> {
        match self {
            SeasonLabel::Season { number } => Some(*number),
            _ => None,
        }
    }
    /// Sort order within a series: seasons by number, then other numbered kinds, dates, names.
    pub fn ordinal(&self) -> (u8, i64, String) {
        let (class, n, text) = self.ordinal_ref();
        (class, n, text.to_string())
    }
    /// [`SeasonLabel::ordinal`] without copying the text. Two labels have the same ordinal only
    /// if they are equal, so it both orders and identifies a label.
    pub fn ordinal_ref(&self) -> (u8, i64, &str) {
        match self {
            SeasonLabel::Whole => (0, 0, ""),
            SeasonLabel::Season { number } => (1, *number as i64, ""),
            SeasonLabel::Numbered { word, number } => (2, *number as i64, word),
            SeasonLabel::Limited => (3, 0, ""),
            SeasonLabel::Dated { date } => (4, date.num_days_from_ce() as i64, ""),
            SeasonLabel::Named { name } => (5, 0, name),
        }
    }
    /// Parses what a user types after `--season`: `2`, `Season 2`, `Part 2`, `Limited Series`.
    pub fn parse_user(text: &str) -> SeasonLabel {
        let t = text.trim();
        if let Ok(n) = t.parse::<u32>() {
            return SeasonLabel::Season { number: n };
        }
        parse_marker(t).unwrap_or_else(|| SeasonLabel::Named {
            name: t.to_string(),
        })
    }
}

use chrono::Datelike;

/// A spelling split into its series part and season part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedTitle {
    /// The series title as spelled (native title removed, marker removed), trimmed.
    pub base: String,
    pub season: SeasonLabel,
    /// The text after ` // `, if any (the title in its original language).
    pub native: Option<String>,
}

/// Splits `English // Native` into its two halves.
pub fn split_native(title: &str) -> (&str, Option<&str>) {
    // A plain byte scan: `str::find` builds a substring searcher per call, which showed in the
    // resolver's profile (it splits every spelling).
    match title.as_bytes().windows(4).position(|w| w == b" // ") {
        Some(i) => (title[..i].trim(), Some(title[i + 4..].trim())),
        None => (title.trim(), None),
    }
}

/// Parses a season spelling using explicit markers only. A spelling with no marker is the series
/// as a whole ([`SeasonLabel::Whole`]) with the full spelling as its base.
pub fn parse_season_title(title: &str) -> ParsedTitle {
    let (base, season) = split_season_title(title);
    ParsedTitle {
        base: base.to_string(),
        season,
        native: split_native(title).1.map(str::to_string),
    }
}

/// [`parse_season_title`] without copies: the base (a slice of `title`) and the season.
pub fn split_season_title(title: &str) -> (&str, SeasonLabel) {
    let (english, _) = split_native(title);
    // `Base: marker` or `Base: S10: Ohio`: the leftmost `:` after which a marker stands wins, so
    // colons inside the series title (`Demon Slayer: Kimetsu no Yaiba: Season 4`) stay in the base
    // and a season marker beats a later part (`Pokémon Horizons: Season 2: The Search for Laqua:
    // Part 1` is season 2).
    for (i, _) in english.char_indices().filter(|&(_, c)| c == ':') {
        let base = english[..i].trim();
        let rest = english[i + 1..].trim();
        if base.is_empty() {
            continue;
        }
        if let Some(season) = parse_marker(rest) {
            return (base, season);
        }
        // `S10: Ohio`, `Season 2: Percy`: a marker followed by a subtitle.
        if let Some(j) = rest.find(':') {
            if let Some(season @ SeasonLabel::Season { .. }) = parse_marker(rest[..j].trim()) {
                return (base, season);
            }
        }
    }
    // No colon-less rule (`Base Season 2`): `Open Season 2` is a film. Those spellings resolve
    // only after a known TV series, in the store's resolver.
    (english, SeasonLabel::Whole)
}

/// Parses the remainder of a spelling after a known series title (Top 10 gives the show title,
/// so `Stranger Things 3` minus `Stranger Things` is `3`). Returns `None` for an empty remainder.
pub fn parse_remainder(rest: &str) -> Option<SeasonLabel> {
    let rest = rest.trim().trim_start_matches(':').trim();
    if rest.is_empty() {
        return None;
    }
    if let Some(label) = parse_marker(rest) {
        return Some(label);
    }
    if let Some(n) = parse_bare_number(rest) {
        return Some(SeasonLabel::Season { number: n });
    }
    // `S10: Ohio`, `Season 2: Percy`, `2. The Soul Game`, `1.`
    if let Some(j) = rest.find(':') {
        if let Some(l @ SeasonLabel::Season { .. }) = parse_marker(rest[..j].trim()) {
            return Some(l);
        }
    }
    if let Some((num, _)) = rest.split_once('.') {
        if let Ok(n) = num.trim().parse::<u32>() {
            if (1..=MAX_SEASON).contains(&n) {
                return Some(SeasonLabel::Season { number: n });
            }
        }
    }
    Some(SeasonLabel::Named {
        name: rest.to_string(),
    })
}

/// `3`, `II`, `2025`? — a bare season number: digits (1..=99) or a Roman numeral II..XX.
fn parse_bare_number(s: &str) -> Option<u32> {
    let s = s.trim();
    if let Ok(n) = s.parse::<u32>() {
        return (1..=99).contains(&n).then_some(n);
    }
    roman(s).filter(|&n| n >= 2)
}

fn roman(s: &str) -> Option<u32> {
    const R: [&str; 20] = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV",
        "XV", "XVI", "XVII", "XVIII", "XIX", "XX",
    ];
    R.iter().position(|r| *r == s).map(|i| i as u32 + 1)
}

fn number_word(s: &str) -> Option<u32> {
    let s = s.trim().trim_end_matches('.');
    if let Ok(n) = s.parse::<u32>() {
        return (1..=MAX_SEASON).contains(&n).then_some(n);
    }
    if let Some(n) = roman(s) {
        return Some(n);
    }
    let ordinal = ["1st", "2nd", "3rd"]
        .iter()
        .position(|o| o.eq_ignore_ascii_case(s));
    if let Some(i) = ordinal {
        return Some(i as u32 + 1);
    }
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() && matches!(&s[digits.len()..], "th" | "st" | "nd" | "rd" | "ª") {
        return digits.parse().ok().filter(|n| (1..=MAX_SEASON).contains(n));
    }
    None
}

/// Recognises a whole marker: `Season 3`, `Season 3 Part 2`, `Season 3 (Part 1)`,
/// `Season 2 - Volume 1`, `S10`, `Limited Series`, `Part 2`, `Vol. 3`, `시즌 1`, `2ª temporada`,
/// `March 3, 2025`. Returns `None` for anything else.
pub fn parse_marker(text: &str) -> Option<SeasonLabel> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let lower = t.to_lowercase();
    if matches!(
        lower.as_str(),
        "limited series" | "miniseries" | "mini-series" | "miniserie" | "limited"
    ) {
        return Some(SeasonLabel::Limited);
    }
    // `Season 3 Part 2` / `Season 3 (Part 1)` / `Season 2 - Volume 1`: the part is a split of the
    // season, so the identity is the season.
    let mut words = lower.split_whitespace();
    let first = words.next()?;
    let second = words.next();
    let rest_after_two: Vec<&str> = words.collect();
    let season_words = [
        "season",
        "series",
        "temporada",
        "staffel",
        "saison",
        "stagione",
        "sezon",
        "seizoen",
        "sæson",
        "säsong",
        "sesong",
        "kausi",
        "시즌",
        "シーズン",
    ];
    if season_words.contains(&first) {
        let n = number_word(second?)?;
        let tail = rest_after_two.join(" ");
        let tail = tail.trim_matches(|c: char| c == '(' || c == ')' || c == '-' || c == ' ');
        if tail.is_empty()
            || tail.starts_with("part")
            || tail.starts_with("volume")
            || tail.starts_with("vol.")
        {
            return Some(SeasonLabel::Season { number: n });
        }
        return None;
    }
    // `2ª temporada`, `1st Season`
    if let Some(s) = second {
        if rest_after_two.is_empty() && season_words.contains(&s) {
            if let Some(n) = number_word(first) {
                return Some(SeasonLabel::Season { number: n });
            }
        }
    }
    // `S10`
    if second.is_none()
        && (first.starts_with('s'))
        && first.len() > 1
        && first[1..].bytes().all(|b| b.is_ascii_digit())
    {
        return first[1..]
            .parse()
            .ok()
            .filter(|n| (1..=MAX_SEASON).contains(n))
            .map(|number| SeasonLabel::Season { number });
    }
    let numbered = [
        ("part", "Part"),
        ("volume", "Volume"),
        ("vol.", "Volume"),
        ("vol", "Volume"),
        ("chapter", "Chapter"),
        ("collection", "Collection"),
        ("book", "Book"),
        ("class", "Class"),
    ];
    if let Some(&(_, word)) = numbered.iter().find(|(w, _)| *w == first) {
        if rest_after_two.is_empty() {
            let n = number_word(second?)?;
            return Some(SeasonLabel::Numbered {
                word: word.to_string(),
                number: n,
            });
        }
        return None;
    }
    parse_long_date(t).map(|date| SeasonLabel::Dated { date })
}

/// `March 3, 2025` (the shape Netflix uses for dated live specials).
fn parse_long_date(t: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(t, "%B %d, %Y").ok()
}

/// Normalises a title for matching: Unicode compatibility decomposition with diacritics removed,
/// lower case, `&` as `and`, apostrophes dropped, other punctuation as spaces, spaces collapsed.
/// `Pokémon: Horizons` and `POKEMON - HORIZONS` both become `pokemon horizons`.
pub fn normalize(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut pending_space = false;
    // Most titles are ASCII, where decomposition is the identity and no character is a combining
    // mark: a byte loop does the same work (resolution normalises every spelling several times,
    // so this is a good part of an import's resolve time).
    if title.is_ascii() {
        for b in title.bytes() {
            push_normalized_ascii(&mut out, &mut pending_space, b);
        }
    } else {
        for c in title.nfkd() {
            if !unicode_normalization::char::is_combining_mark(c) {
                push_normalized(&mut out, &mut pending_space, c);
            }
        }
    }
    out
}

/// Calls `f(i, &normalize(&title[..i]))` for each byte offset `i` at which `title` has a space or
/// a colon, in order. For an ASCII title this is one pass (each prefix's normal form is what
/// [`normalize`] has built when it reaches the cut); other titles normalise each prefix afresh.
pub fn for_each_normalized_prefix(title: &str, mut f: impl FnMut(usize, &str)) {
    if title.is_ascii() {
        let mut out = String::with_capacity(title.len());
        let mut pending_space = false;
        for (i, b) in title.bytes().enumerate() {
            if b == b' ' || b == b':' {
                f(i, &out);
            }
            push_normalized_ascii(&mut out, &mut pending_space, b);
        }
    } else {
        for (i, _) in title.char_indices().filter(|&(_, c)| c == ' ' || c == ':') {
            f(i, &normalize(&title[..i]));
        }
    }
}

/// [`push_normalized`] for an ASCII byte (the only apostrophes there are `'` and `` ` ``).
#[inline]
fn push_normalized_ascii(out: &mut String, pending_space: &mut bool, b: u8) {
    match b {
        b'\'' | b'`' => {}
        b'&' => {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str("and");
            *pending_space = true;
        }
        _ if b.is_ascii_alphanumeric() => {
            if *pending_space && !out.is_empty() {
                out.push(' ');
            }
            *pending_space = false;
            out.push(b.to_ascii_lowercase() as char);
        }
        _ => *pending_space = true,
    }
}

/// One step of [`normalize`]: apostrophes vanish, `&` reads `and`, runs of anything else that
/// isn't a letter or digit become one space, letters are lowercased.
#[inline]
fn push_normalized(out: &mut String, pending_space: &mut bool, c: char) {
    if c == '\'' || c == '’' || c == '‘' || c == '`' || c == 'ʼ' {
        return;
    }
    if c == '&' {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str("and");
        *pending_space = true;
        return;
    }
    if c.is_alphanumeric() {
        if *pending_space && !out.is_empty() {
            out.push(' ');
        }
        *pending_space = false;
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    } else {
        *pending_space = true;
    }
}

/// A disambiguator the publisher appended to tell same-named works apart: `(U.S.)`, `(2009)`,
/// `(UK)`. Returns the title without it and the disambiguator's text.
pub fn split_disambiguator(title: &str) -> (&str, Option<&str>) {
    let t = title.trim_end();
    if let Some(stripped) = t.strip_suffix(')') {
        if let Some(open) = stripped.rfind(" (") {
            let inner = &stripped[open + 2..];
            let is_year = inner.len() == 4 && inner.bytes().all(|b| b.is_ascii_digit());
            let letters: String = inner.chars().filter(|c| *c != '.').collect();
            let is_country =
                (2..=3).contains(&letters.len()) && letters.chars().all(|c| c.is_ascii_uppercase());
            if is_year || is_country {
                return (t[..open].trim_end(), Some(inner));
            }
        }
    }
    (t, None)
}

/// The looser key under which a title is matched when no exact key fits: disambiguator removed,
/// a trailing `The Series` removed (`Cobra Kai: The Series` is `Cobra Kai`), then normalised.
pub fn alias_key(title: &str) -> String {
    let (t, _) = split_disambiguator(title);
    let mut n = normalize(t);
    // The shorter key is a prefix of `n`.
    n.truncate(alias_key_of_normalized(&n).len());
    n
}

/// The last step of [`alias_key`], on a title already normalised and with no disambiguator:
/// `cobra kai the series` is `cobra kai`.
pub fn alias_key_of_normalized(n: &str) -> &str {
    match n.strip_suffix(" the series") {
        Some(s) if !s.is_empty() => s,
        _ => n,
    }
}

/// If `title` is `known` followed by a season remainder (`Stranger Things 3`, `Barbarians II`,
/// `Demon Slayer: Kimetsu no Yaiba: Hashira Training Arc`), returns that season. Matching is on
/// the normalised forms so `ONE PIECE: Season 2` matches `One Piece`. Bare-number remainders are
/// accepted only when `allow_number` is set (the caller knows `known` is a series, not a film).
pub fn split_known_prefix(title: &str, known: &str, allow_number: bool) -> Option<SeasonLabel> {
    let t = title.trim();
    if t.len() <= known.len() {
        return None;
    }
    // Compare case-insensitively on a char boundary.
    let head = t.get(..known.len())?;
    if !head.eq_ignore_ascii_case(known) && normalize(head) != normalize(known) {
        return None;
    }
    let rest = &t[known.len()..];
    if !(rest.starts_with(' ') || rest.starts_with(':')) {
        return None;
    }
    let label = parse_remainder(rest)?;
    match label {
        SeasonLabel::Season { .. }
            if !allow_number && parse_marker(rest.trim().trim_start_matches(':')).is_none() =>
        {
            None
        }
        l => Some(l),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(t: &str) -> (String, String) {
        let x = parse_season_title(t);
        (x.base, x.season.display())
    }

    #[test]
    fn explicit_markers() {
        let cases = [
            ("Partner Track: Season 1", "Partner Track", "Season 1"),
            (
                "Squid Game: Season 2 // 오징어 게임: 시즌 2",
                "Squid Game",
                "Season 2",
            ),
            ("Love Is Blind: S10: Ohio", "Love Is Blind", "Season 10"),
            ("Bebefinn Playtime: 시즌 1", "Bebefinn Playtime", "Season 1"),
            (
                "Adolescence: Limited Series",
                "Adolescence",
                "Limited Series",
            ),
            ("Money Heist: Part 2", "Money Heist", "Part 2"),
            ("WWE Raw: March 3, 2025", "WWE Raw", "2025-03-03"),
            (
                "Demon Slayer: Kimetsu no Yaiba: Season 4",
                "Demon Slayer: Kimetsu no Yaiba",
                "Season 4",
            ),
            (
                "Dear Child: Limited Series // Liebes Kind: Miniserie",
                "Dear Child",
                "Limited Series",
            ),
            (
                "Love, Death & Robots: Volume 3",
                "Love, Death & Robots",
                "Volume 3",
            ),
            (
                "Unsolved Mysteries: Vol. 4",
                "Unsolved Mysteries",
                "Volume 4",
            ),
            (
                "The Great British Baking Show: Collection 11",
                "The Great British Baking Show",
                "Collection 11",
            ),
            (
                "Stranger Things: Season 4 Part 2",
                "Stranger Things",
                "Season 4",
            ),
            ("Lupin: Season 3 (Part 1)", "Lupin", "Season 3"),
            ("Dark: Staffel 2", "Dark", "Season 2"),
            ("Élite: Temporada 3", "Élite", "Season 3"),
            ("Sintonia: 2ª temporada", "Sintonia", "Season 2"),
            ("Peaky Blinders: Series 6", "Peaky Blinders", "Season 6"),
            ("Cobra Kai: Season 6 - Volume 1", "Cobra Kai", "Season 6"),
            ("Ali Wong: Single Lady", "Ali Wong: Single Lady", ""),
            ("Apollo 13", "Apollo 13", ""),
            ("Enola Holmes 2", "Enola Holmes 2", ""),
            ("Lucifer: Season 2: The Devil", "Lucifer", "Season 2"),
            ("Open Season 2", "Open Season 2", ""),
            (
                "Overflow: Season 4294967295",
                "Overflow: Season 4294967295",
                "",
            ),
            (
                "Pokémon Horizons: Season 2: The Search for Laqua: Part 1",
                "Pokémon Horizons",
                "Season 2",
            ),
            (
                "Cobra Kai: Inside the Dojo: Season 1",
                "Cobra Kai: Inside the Dojo",
                "Season 1",
            ),
            (
                "Squid Game: Making Season 2",
                "Squid Game: Making Season 2",
                "",
            ),
        ];
        for (input, base, season) in cases {
            assert_eq!(p(input), (base.to_string(), season.to_string()), "{input}");
        }
    }

    #[test]
    fn remainders_after_known_show() {
        let r = |s: &str| parse_remainder(s).map(|l| l.display());
        assert_eq!(r(" 3").as_deref(), Some("Season 3"));
        assert_eq!(r(": II").as_deref(), Some("Season 2"));
        assert_eq!(
            r(": Hashira Training Arc").as_deref(),
            Some("Hashira Training Arc")
        );
        assert_eq!(r(": 2. The Soul Game").as_deref(), Some("Season 2"));
        assert_eq!(r(" 1.").as_deref(), Some("Season 1"));
        assert_eq!(r(": S10: Ohio").as_deref(), Some("Season 10"));
        assert_eq!(r(""), None);
    }

    #[test]
    fn known_prefix() {
        assert_eq!(
            split_known_prefix("Stranger Things 3", "Stranger Things", true),
            Some(SeasonLabel::Season { number: 3 })
        );
        assert_eq!(
            split_known_prefix("Stranger Things 3", "Stranger Things", false),
            None
        );
        assert_eq!(
            split_known_prefix("Barbarians II", "Barbarians", true),
            Some(SeasonLabel::Season { number: 2 })
        );
        assert_eq!(split_known_prefix("Strangers", "Stranger", true), None);
        assert_eq!(
            split_known_prefix("ONE PIECE: Season 2", "One Piece", false),
            Some(SeasonLabel::Season { number: 2 })
        );
    }

    #[test]
    fn normalisation() {
        assert_eq!(normalize("Pokémon: Horizons"), "pokemon horizons");
        assert_eq!(normalize("POKEMON - HORIZONS"), "pokemon horizons");
        assert_eq!(normalize("Love, Death & Robots"), "love death and robots");
        assert_eq!(normalize("That '90s Show"), "that 90s show");
        assert_eq!(
            normalize("JoJo’s Bizarre Adventure"),
            "jojos bizarre adventure"
        );
        assert_eq!(alias_key("Archer (2009)"), "archer");
        assert_eq!(alias_key("The Office (U.S.)"), "the office");
        assert_eq!(alias_key("Cobra Kai: The Series"), "cobra kai");
        assert_eq!(
            split_disambiguator("The Office (U.S.)"),
            ("The Office", Some("U.S."))
        );
        assert_eq!(
            split_disambiguator("Dune (Part Two)"),
            ("Dune (Part Two)", None)
        );
    }

    #[test]
    fn fast_paths_agree_with_the_general_ones() {
        // The ASCII byte step is the char step on every ASCII byte, in every position.
        for b in 0u8..128 {
            for t in [
                format!("{}x", b as char),
                format!("a{}b", b as char),
                format!("a {} ", b as char),
            ] {
                let (mut fast, mut slow) = (String::new(), String::new());
                let (mut fast_space, mut slow_space) = (false, false);
                for b in t.bytes() {
                    push_normalized_ascii(&mut fast, &mut fast_space, b);
                    push_normalized(&mut slow, &mut slow_space, b as char);
                }
                assert_eq!((fast, fast_space), (slow, slow_space), "{t:?}");
            }
        }
        for t in [
            "Stranger Things: Season 3",
            "  Love, Death & Robots:  Vol. 3 ",
            "That '90s Show: Part 2",
            "JoJo’s Bizarre Adventure: Part 2",
            "Pokémon Horizons: Season 2 // ポケモン",
            "a::b  :c",
        ] {
            let mut got = Vec::new();
            for_each_normalized_prefix(t, |i, n| got.push((i, n.to_string())));
            let want: Vec<(usize, String)> = t
                .char_indices()
                .filter(|&(_, c)| c == ' ' || c == ':')
                .map(|(i, _)| (i, normalize(&t[..i])))
                .collect();
            assert_eq!(got, want, "{t}");
            assert_eq!(split_native(t), {
                match t.find(" // ") {
                    Some(i) => (t[..i].trim(), Some(t[i + 4..].trim())),
                    None => (t.trim(), None),
                }
            });
        }
    }

    #[test]
    fn user_season_argument() {
        assert_eq!(
            SeasonLabel::parse_user("1"),
            SeasonLabel::Season { number: 1 }
        );
        assert_eq!(
            SeasonLabel::parse_user("Part 2"),
            SeasonLabel::Numbered {
                word: "Part".into(),
                number: 2
            }
        );
        assert_eq!(
            SeasonLabel::parse_user("limited series"),
            SeasonLabel::Limited
        );
    }
}
