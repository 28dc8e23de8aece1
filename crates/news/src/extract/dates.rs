//! Dates as articles write them, at the precision they give: `August 26, 2022`, `Jan. 10,
//! 2023`, `26 August 2022`, `October 2021`, `2024`, `the summer of 2020`, and relative forms
//! resolved against the dateline: `on November 8` (the latest November 8 by the dateline, or
//! the next one for an announced release), `last month`, `earlier this month`, `last March`,
//! `back in July`, `this year`, `of the same year` (the year last mentioned).

use crate::PartialDate;
use chrono::{Datelike, Months, NaiveDate};
use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

const MONTHS: &[(&str, u32)] = &[
    ("January", 1),
    ("February", 2),
    ("March", 3),
    ("April", 4),
    ("May", 5),
    ("June", 6),
    ("July", 7),
    ("August", 8),
    ("September", 9),
    ("October", 10),
    ("November", 11),
    ("December", 12),
    ("Jan", 1),
    ("Feb", 2),
    ("Mar", 3),
    ("Apr", 4),
    ("Jun", 6),
    ("Jul", 7),
    ("Aug", 8),
    ("Sept", 9),
    ("Sep", 9),
    ("Oct", 10),
    ("Nov", 11),
    ("Dec", 12),
];

/// The alternation of month names (capitalised: `may` the verb is no month).
pub fn month_pattern() -> String {
    let names: Vec<&str> = MONTHS.iter().map(|(m, _)| *m).collect();
    format!(r"(?:{})\.?", names.join("|"))
}

fn month(s: &str) -> Option<u32> {
    let s = s.trim_end_matches('.');
    MONTHS.iter().find(|(m, _)| *m == s).map(|&(_, n)| n)
}

/// Whether a date is read as something past (a premiere, a decision) or announced ahead (a
/// release date): it decides the year of a date written without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tense {
    Past,
    Future,
}

/// A day month and year, the day and the year optional (`November 8`, `March 2022`).
fn day_pattern() -> String {
    let m = month_pattern();
    format!(
        r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?(?:(?P<m1>{m})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>(?:19|20)\d{{2}}))?\b|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{m})(?:,?\s+(?P<y2>(?:19|20)\d{{2}}))?\b)"
    )
}

fn expr_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let m = month_pattern();
        let day = day_pattern();
        Regex::new(&format!(
            r"(?x)
            (?P<day>{day})
            | (?:(?:[Ii]n|[Bb]ack\s+in|[Ee]arly|[Ll]ate|[Ss]ince)\s+)?(?P<m3>{m})\s+(?:of\s+)?(?P<y3>(?:19|20)\d{{2}})\b
            | (?P<rel>[Ll]ast|[Ee]arlier\s+this|[Ll]ater\s+this|[Tt]his|[Nn]ext)\s+(?P<unit>month|year)\b
            | (?P<relm>[Ll]ast|[Bb]ack\s+in|[Ii]n|[Tt]his\s+past|[Nn]ext|[Tt]his|[Ee]arly|[Ll]ate|[Ee]arlier\s+in)\s+(?P<m4>{m})(?:\s|,|\.|$)
            | (?:the\s+)?(?:(?:early|late|mid)[\s-]+)?(?:spring|summer|autumn|fall|winter)\s+of\s+(?P<y5>(?:19|20)\d{{2}})\b
            | (?:of\s+)?the\s+same\s+year\b
            | (?P<ago>[Aa]\s+year\s+ago\s+this\s+month)
            | \b(?P<y6>(?:19|20)\d{{2}})\b
            "
        ))
        .expect("the date grammar compiles")
    })
}

/// A date expression found in a text: where, and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub range: Range<usize>,
    pub date: PartialDate,
}

/// The first date expression in `s` that resolves, with `dateline` for relative forms and
/// `same_year` for "of the same year".
pub fn first_date(
    s: &str,
    dateline: Option<NaiveDate>,
    tense: Tense,
    same_year: Option<i32>,
) -> Option<Found> {
    // Bounded: one pass of the regex over the text, and a resolution per match.
    for caps in expr_re().captures_iter(s) {
        let whole = caps.get(0)?;
        if let Some(date) = resolve(&caps, dateline, tense, same_year) {
            return Some(Found {
                range: whole.range(),
                date,
            });
        }
    }
    None
}

fn resolve(
    caps: &regex::Captures,
    dateline: Option<NaiveDate>,
    tense: Tense,
    same_year: Option<i32>,
) -> Option<PartialDate> {
    let num = |n: &str| caps.name(n).and_then(|m| m.as_str().parse::<i32>().ok());
    if caps.name("day").is_some() {
        let m = caps
            .name("m1")
            .or(caps.name("m2"))
            .and_then(|m| month(m.as_str()))?;
        let d = num("d1").or(num("d2"))? as u32;
        return match num("y1").or(num("y2")) {
            Some(y) => NaiveDate::from_ymd_opt(y, m, d).map(PartialDate::Day),
            None => yearless_day(m, d, dateline?, tense).map(PartialDate::Day),
        };
    }
    if let (Some(m), Some(y)) = (caps.name("m3").and_then(|m| month(m.as_str())), num("y3")) {
        return NaiveDate::from_ymd_opt(y, m, 1).map(|_| PartialDate::Month(y, m));
    }
    if let Some(rel) = caps.name("rel") {
        let today = dateline?;
        let rel = rel.as_str().to_lowercase();
        let unit = caps.name("unit")?.as_str();
        let (y, m) = (today.year(), today.month());
        return Some(match (rel.as_str(), unit) {
            ("last", "month") => {
                let d = today.checked_sub_months(Months::new(1))?;
                PartialDate::Month(d.year(), d.month())
            }
            ("next", "month") => {
                let d = today.checked_add_months(Months::new(1))?;
                PartialDate::Month(d.year(), d.month())
            }
            (_, "month") => PartialDate::Month(y, m),
            ("last", "year") => PartialDate::Year(y - 1),
            ("next", "year") => PartialDate::Year(y + 1),
            _ => PartialDate::Year(y),
        });
    }
    if let Some(m) = caps.name("m4").and_then(|m| month(m.as_str())) {
        let today = dateline?;
        let rel = caps.name("relm")?.as_str().to_lowercase();
        let (y, cur) = (today.year(), today.month());
        let year = match rel.as_str() {
            // The latest such month strictly before this one.
            "last" | "this past" => {
                if m < cur {
                    y
                } else {
                    y - 1
                }
            }
            "next" => {
                if m > cur {
                    y
                } else {
                    y + 1
                }
            }
            "this" => y,
            // `in July`, `back in July`, `early March`: the latest by the dateline for what is
            // past, the next one for what is announced.
            _ => match tense {
                Tense::Past if m <= cur => y,
                Tense::Past => y - 1,
                Tense::Future if m >= cur => y,
                Tense::Future => y + 1,
            },
        };
        return Some(PartialDate::Month(year, m));
    }
    if let Some(y) = num("y5").or(num("y6")) {
        return Some(PartialDate::Year(y));
    }
    if caps.name("ago").is_some() {
        let d = dateline?.checked_sub_months(Months::new(12))?;
        return Some(PartialDate::Month(d.year(), d.month()));
    }
    // "of the same year"
    same_year.map(PartialDate::Year)
}

/// `November 8` with no year: the latest November 8 on or before the dateline (for what is
/// past) or the first on or after it (for what is announced).
pub fn yearless_day(m: u32, d: u32, dateline: NaiveDate, tense: Tense) -> Option<NaiveDate> {
    let y = dateline.year();
    let this = NaiveDate::from_ymd_opt(y, m, d);
    match tense {
        Tense::Past => match this {
            Some(t) if t <= dateline => Some(t),
            _ => NaiveDate::from_ymd_opt(y - 1, m, d),
        },
        Tense::Future => match this {
            Some(t) if t >= dateline => Some(t),
            _ => NaiveDate::from_ymd_opt(y + 1, m, d),
        },
    }
}

/// The pattern of one day of a window (`August 21`, `September 11, 2022`), for the grammar.
pub fn window_day_pattern(name: &str) -> String {
    let m = month_pattern();
    format!(
        r"(?P<{name}m>{m})\s+(?P<{name}d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<{name}y>(?:19|20)\d{{2}}))?"
    )
}

/// A window `from .. to` written with or without years: years given are kept; otherwise the
/// window is the latest one ending by the dateline, and `from` falls in the year before `to`
/// when its month is later (`December 23 to January 5`).
pub fn window(
    from: (u32, u32, Option<i32>),
    to: (u32, u32, Option<i32>),
    dateline: Option<NaiveDate>,
) -> Option<(NaiveDate, NaiveDate)> {
    let to_date = match to.2 {
        Some(y) => NaiveDate::from_ymd_opt(y, to.0, to.1)?,
        None => yearless_day(to.0, to.1, dateline?, Tense::Past)?,
    };
    let from_date = match from.2 {
        Some(y) => NaiveDate::from_ymd_opt(y, from.0, from.1)?,
        None => {
            let same = NaiveDate::from_ymd_opt(to_date.year(), from.0, from.1);
            match same {
                Some(f) if f <= to_date => f,
                _ => NaiveDate::from_ymd_opt(to_date.year() - 1, from.0, from.1)?,
            }
        }
    };
    (from_date <= to_date).then_some((from_date, to_date))
}

/// Reads a window day captured by [`window_day_pattern`].
pub fn window_day(caps: &regex::Captures, name: &str) -> Option<(u32, u32, Option<i32>)> {
    let m = month(caps.name(&format!("{name}m"))?.as_str())?;
    let d = caps.name(&format!("{name}d"))?.as_str().parse().ok()?;
    let y = caps
        .name(&format!("{name}y"))
        .and_then(|y| y.as_str().parse().ok());
    Some((m, d, y))
}

fn half_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?x)
            (?P<ord>first|second)\s+half\s+of\s+(?P<y1>(?:19|20)\d{2})
            | (?P<from>January|Jan\.?|July|Jul\.?)\s+(?:to|through|-|–)\s+(?:June|Jun\.?|December|Dec\.?),?\s+(?P<y2>(?:19|20)\d{2})
            | \bH(?P<h3>[12])\s+(?P<y3>(?:19|20)\d{2})\b
            | \b(?P<y4>(?:19|20)\d{2})\s?H(?P<h4>[12])\b
            ",
        )
        .expect("the half-year grammar compiles")
    })
}

/// The first half-year named in `s` (`the first half of 2023`, `January to June 2023`,
/// `H2 2023`), as the reports name them: `2023H1`.
pub fn first_half(s: &str) -> Option<(Range<usize>, String)> {
    let caps = half_re().captures(s)?;
    let whole = caps.get(0)?.range();
    let get = |n: &str| caps.name(n).map(|m| m.as_str());
    let (year, half) = if let Some(ord) = get("ord") {
        (get("y1")?, if ord == "first" { "1" } else { "2" })
    } else if let Some(from) = get("from") {
        (get("y2")?, if from.starts_with("Jan") { "1" } else { "2" })
    } else if let Some(h) = get("h3") {
        (get("y3")?, h)
    } else {
        (get("y4")?, get("h4")?)
    };
    Some((whole, format!("{year}H{half}")))
}

fn full_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let m = month_pattern();
        Regex::new(&format!(
            r"(?P<m1>{m})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d{{2}})\b|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{m}),?\s+(?P<y2>(?:19|20)\d{{2}})\b|\b(?P<y3>(?:19|20)\d{{2}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}})(?:\b|T)"
        ))
        .expect("the full-date grammar compiles")
    })
}

/// The first date given in full (day, month and year) in `s`.
pub fn first_full_date(s: &str) -> Option<NaiveDate> {
    full_re().captures_iter(s).find_map(|caps| {
        let n = |k: &str| caps.name(k).and_then(|m| m.as_str().parse::<u32>().ok());
        if let Some(y) = n("y3") {
            return NaiveDate::from_ymd_opt(y as i32, n("m3")?, n("d3")?);
        }
        let m = caps
            .name("m1")
            .or(caps.name("m2"))
            .and_then(|m| month(m.as_str()))?;
        let y = n("y1").or(n("y2"))?;
        NaiveDate::from_ymd_opt(y as i32, m, n("d1").or(n("d2"))?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn first(s: &str, dateline: NaiveDate, tense: Tense) -> Option<PartialDate> {
        first_date(s, Some(dateline), tense, Some(1999)).map(|f| f.date)
    }

    #[test]
    fn dates_at_their_stated_precision() {
        let today = d(2021, 6, 30);
        let past = Tense::Past;
        assert_eq!(
            first("it came out on Tuesday, March 2, 2021.", today, past),
            Some(PartialDate::Day(d(2021, 3, 2)))
        );
        assert_eq!(
            first("on 4th of July 2019", today, past),
            Some(PartialDate::Day(d(2019, 7, 4)))
        );
        assert_eq!(
            first("in Sept. 2018", today, past),
            Some(PartialDate::Month(2018, 9))
        );
        assert_eq!(
            first("back in 2017, when", today, past),
            Some(PartialDate::Year(2017))
        );
        assert_eq!(
            first("during the late summer of 2016", today, past),
            Some(PartialDate::Year(2016))
        );
        assert_eq!(
            first("you may know", today, past),
            None,
            "`may` is no month"
        );
        assert_eq!(first("1899 and 2105", today, past), None);
    }

    #[test]
    fn relative_dates_resolve_against_the_dateline() {
        let today = d(2022, 2, 14);
        let past = Tense::Past;
        assert_eq!(
            first("the decision came last week, on February 9", today, past),
            Some(PartialDate::Day(d(2022, 2, 9)))
        );
        assert_eq!(
            first("it ended on December 30", today, past),
            Some(PartialDate::Day(d(2021, 12, 30))),
            "a yearless day after the dateline is last year's"
        );
        assert_eq!(
            first("it returns on December 30", today, Tense::Future),
            Some(PartialDate::Day(d(2022, 12, 30)))
        );
        assert_eq!(
            first("last month", today, past),
            Some(PartialDate::Month(2022, 1))
        );
        assert_eq!(
            first("earlier this month", today, past),
            Some(PartialDate::Month(2022, 2))
        );
        assert_eq!(
            first("Last March", today, past),
            Some(PartialDate::Month(2021, 3))
        );
        assert_eq!(
            first("last January", today, past),
            Some(PartialDate::Month(2022, 1))
        );
        assert_eq!(
            first("back in October", today, past),
            Some(PartialDate::Month(2021, 10))
        );
        assert_eq!(
            first("in October", today, Tense::Future),
            Some(PartialDate::Month(2022, 10))
        );
        assert_eq!(
            first("this year", today, past),
            Some(PartialDate::Year(2022))
        );
        assert_eq!(
            first("of the same year", today, past),
            Some(PartialDate::Year(1999))
        );
        assert_eq!(
            first("A year ago this month", today, past),
            Some(PartialDate::Month(2021, 2))
        );
        assert_eq!(
            first_date("last month", None, past, None),
            None,
            "no dateline, no date"
        );
    }

    #[test]
    fn windows_take_the_latest_years_that_fit() {
        let today = d(2022, 1, 10);
        assert_eq!(
            window((12, 27, None), (1, 2, None), Some(today)),
            Some((d(2021, 12, 27), d(2022, 1, 2)))
        );
        assert_eq!(
            window((3, 1, None), (3, 7, None), Some(today)),
            Some((d(2021, 3, 1), d(2021, 3, 7)))
        );
        assert_eq!(
            window((5, 1, Some(2020)), (5, 7, Some(2020)), None),
            Some((d(2020, 5, 1), d(2020, 5, 7)))
        );
        assert_eq!(window((5, 9, Some(2020)), (5, 7, Some(2020)), None), None);
    }

    #[test]
    fn half_years_as_the_reports_name_them() {
        assert_eq!(
            first_half("in the second half of 2022, it").unwrap().1,
            "2022H2"
        );
        assert_eq!(
            first_half("the report for January to June 2021").unwrap().1,
            "2021H1"
        );
        assert_eq!(first_half("Jul. - Dec. 2020").unwrap().1, "2020H2");
        assert_eq!(first_half("H1 2019").unwrap().1, "2019H1");
        assert_eq!(first_half("half an hour"), None);
    }

    #[test]
    fn full_dates_in_headers() {
        assert_eq!(
            first_full_date("By X | Published Jan. 3, 2020"),
            Some(d(2020, 1, 3))
        );
        assert_eq!(
            first_full_date("posted 2020-01-03T10:00"),
            Some(d(2020, 1, 3))
        );
        assert_eq!(first_full_date("by Y - 5 May 2021"), Some(d(2021, 5, 5)));
        assert_eq!(first_full_date("May 2021"), None);
    }
}
