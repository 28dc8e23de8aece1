//! Format detection from content. Names lie (a renamed download, `data.tsv`); headers don't.

use crate::{Location, SourceError};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// `week category weekly_rank show_title season_title weekly_hours_viewed runtime weekly_views cumulative_weeks_in_top_10`
    Top10Global,
    /// The 7-column layout published until late 2022 (no runtime, no views).
    Top10GlobalLegacy,
    Top10Countries,
    MostPopular,
    /// A "What We Watched" XLSX workbook, any edition.
    Engagement,
    TmdbStatus,
    JustWatchTitles,
    JustWatchCredits,
    /// Netflix's per-region figures by year from its shareholder letters
    /// (`Year,US and Canada,EMEA,Latin America,Asia-Pacific`): ARPU or revenue. The two files share
    /// one layout, so which figure a file holds is the one thing taken from its name.
    RegionFinance,
}

impl Format {
    pub const ALL: [Format; 9] = [
        Format::Top10Global,
        Format::Top10GlobalLegacy,
        Format::Top10Countries,
        Format::MostPopular,
        Format::Engagement,
        Format::TmdbStatus,
        Format::JustWatchTitles,
        Format::JustWatchCredits,
        Format::RegionFinance,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Format::Top10Global => "top10-global",
            Format::Top10GlobalLegacy => "top10-global-legacy",
            Format::Top10Countries => "top10-countries",
            Format::MostPopular => "most-popular",
            Format::Engagement => "engagement",
            Format::TmdbStatus => "tmdb-status",
            Format::JustWatchTitles => "justwatch-titles",
            Format::JustWatchCredits => "justwatch-credits",
            Format::RegionFinance => "region-finance",
        }
    }
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }
    /// Who published the data, for provenance.
    pub fn publisher(self) -> &'static str {
        match self {
            Format::Top10Global
            | Format::Top10GlobalLegacy
            | Format::Top10Countries
            | Format::MostPopular
            | Format::Engagement
            | Format::RegionFinance => "Netflix",
            Format::TmdbStatus => "TMDB",
            Format::JustWatchTitles | Format::JustWatchCredits => "JustWatch",
        }
    }
}

/// The exact header column sets, one per text format. Order in the file doesn't matter (a
/// re-export may shuffle columns and the readers map by name), but the set does: a subset or
/// superset is a different file we don't know how to read.
const HEADERS: [(Format, u8, &[&str]); 8] = [
    (
        Format::RegionFinance,
        b',',
        &[
            "Year",
            "US and Canada",
            "EMEA",
            "Latin America",
            "Asia-Pacific",
        ],
    ),
    (
        Format::Top10Global,
        b'\t',
        &[
            "week",
            "category",
            "weekly_rank",
            "show_title",
            "season_title",
            "weekly_hours_viewed",
            "runtime",
            "weekly_views",
            "cumulative_weeks_in_top_10",
        ],
    ),
    (
        Format::Top10GlobalLegacy,
        b'\t',
        &[
            "week",
            "category",
            "weekly_rank",
            "show_title",
            "season_title",
            "weekly_hours_viewed",
            "cumulative_weeks_in_top_10",
        ],
    ),
    (
        Format::Top10Countries,
        b'\t',
        &[
            "country_name",
            "country_iso2",
            "week",
            "category",
            "weekly_rank",
            "show_title",
            "season_title",
            "cumulative_weeks_in_top_10",
        ],
    ),
    (
        Format::MostPopular,
        b'\t',
        &[
            "category",
            "rank",
            "show_title",
            "season_title",
            "hours_viewed_first_91_days",
            "runtime",
            "views_first_91_days",
        ],
    ),
    (
        Format::TmdbStatus,
        b',',
        &[
            "name",
            "number_of_seasons",
            "vote_count",
            "vote_average",
            "popularity",
            "network1",
            "first_air_date",
            "last_air_date",
            "status",
            "renewed",
            "show_duration",
        ],
    ),
    (
        Format::JustWatchTitles,
        b',',
        &[
            "id",
            "title",
            "type",
            "release_year",
            "age_certification",
            "runtime",
            "genres",
            "production_countries",
            "seasons",
            "imdb_id",
            "imdb_score",
            "imdb_votes",
            "tmdb_popularity",
            "tmdb_score",
        ],
    ),
    (
        Format::JustWatchCredits,
        b',',
        &["person_id", "id", "name", "character", "role"],
    ),
];

/// Detects the format of `bytes` (the content of `path`; the path is only used in errors).
///
/// Only the first line is examined, so this is cheap; the reader validates the rest.
pub fn detect(path: &Path, bytes: &[u8]) -> Result<Format, SourceError> {
    // Every XLSX is a zip; the engagement reader then checks it is the workbook we expect.
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok(Format::Engagement);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Err(unknown(
            path,
            "an old binary .xls workbook; only .xlsx is supported",
        ));
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(unknown(path, "empty file"));
    }
    let first = text.split(|&b| b == b'\n').next().unwrap_or_default();
    let first = first.strip_suffix(b"\r").unwrap_or(first);
    let Ok(header) = std::str::from_utf8(first) else {
        return Err(SourceError::invalid(
            Location::file(path).row(1),
            "header line is not valid UTF-8",
        ));
    };
    let delimiter = if header.contains('\t') { '\t' } else { ',' };
    let columns: Vec<&str> = header
        .split(delimiter)
        .map(|c| {
            let c = c.trim();
            c.strip_prefix('"')
                .and_then(|c| c.strip_suffix('"'))
                .unwrap_or(c)
        })
        .collect();
    let same_set =
        |want: &[&str]| columns.len() == want.len() && want.iter().all(|w| columns.contains(w));
    HEADERS
        .iter()
        .find(|(_, d, want)| char::from(*d) == delimiter && same_set(want))
        .map(|(f, _, _)| *f)
        .ok_or_else(|| {
            let shown: String = header.chars().take(200).collect();
            let more = if shown.len() < header.len() {
                "…"
            } else {
                ""
            };
            unknown(
                path,
                &format!("unrecognised format (header: {shown:?}{more})"),
            )
        })
}

fn unknown(path: &Path, why: &str) -> SourceError {
    SourceError::invalid(Location::file(path), why)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(bytes: &[u8]) -> Result<Format, SourceError> {
        detect(Path::new("x/data.txt"), bytes)
    }

    #[test]
    fn detects_every_text_header() {
        for (format, delimiter, columns) in HEADERS {
            let header = columns.join(&char::from(delimiter).to_string());
            assert_eq!(d(format!("{header}\nrow").as_bytes()).unwrap(), format);
            // BOM, CRLF, reordered columns and a header-only file are all still recognised.
            let mut rev = columns.to_vec();
            rev.reverse();
            let rev = rev.join(&char::from(delimiter).to_string());
            assert_eq!(
                d(format!("\u{feff}{rev}\r\nrow").as_bytes()).unwrap(),
                format
            );
            assert_eq!(d(header.as_bytes()).unwrap(), format);
        }
        assert_eq!(d(b"PK\x03\x04rest").unwrap(), Format::Engagement);
    }

    #[test]
    fn rejects_unknown_and_empty() {
        let msg = |b: &[u8]| d(b).unwrap_err().to_string();
        assert_eq!(msg(b""), "x/data.txt: empty file");
        assert_eq!(msg(b"\xEF\xBB\xBF\n\n"), "x/data.txt: empty file");
        assert_eq!(
            msg(b"a,b,c\n1,2,3"),
            "x/data.txt: unrecognised format (header: \"a,b,c\")"
        );
        // Right names, wrong delimiter; and a superset of a known header.
        assert!(msg(b"person_id,id,name,character,role\tx").contains("unrecognised"));
        assert!(msg(b"person_id;id;name;character;role").contains("unrecognised"));
        assert!(msg(b"person_id,id,name,character,role,extra").contains("unrecognised"));
        let e = d(b"person_id,id,na\xFFme,character,role\n").unwrap_err();
        assert_eq!(
            e.location(),
            Some(&Location::file(Path::new("x/data.txt")).row(1))
        );
        assert!(msg(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]).contains(".xls"));
    }

    #[test]
    fn long_header_is_cut_in_message() {
        let header = "x,".repeat(500);
        let m = d(header.as_bytes()).unwrap_err().to_string();
        assert!(m.len() < 300 && m.ends_with("…)"), "{m}");
    }
}
