//! One descriptor per data format: its name, publisher, how it is recognised, its reader, how its
//! datasets are named, the table and columns the store writes it to and its natural key.
//!
//! This knowledge used to be spread over a dozen matches in three crates (the CLI's `--format`
//! help had already lost `region-finance`). Everything that lists, detects, reads or stores formats
//! now iterates [`Format::ALL`] / [`SPECS`] or asks [`Format::spec`], so adding a format is one
//! entry here (plus its reader and its row binding in the store, which the compiler asks for).

use crate::{engagement, finance, justwatch, tmdb, top10, Parsed, SourceError};
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

/// How a format is recognised from a file's first bytes (never from its name: names lie).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detect {
    /// A zip archive (every XLSX is one); the reader then checks it is the workbook expected.
    Zip,
    /// A delimited text file whose header is exactly this set of columns (in any order: a
    /// re-export may shuffle them, and the readers map by name). A subset or superset is a
    /// different file we don't know how to read.
    Header {
        delimiter: u8,
        columns: &'static [&'static str],
    },
}

/// How a file's dataset is named. Snapshots of one dataset replace each other (newest wins), so
/// this decides what "the same data, newer" means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatasetName {
    /// Every file of the format is a snapshot of one dataset (both Top 10 layouts are one).
    Fixed(&'static str),
    /// One dataset per engagement report: the prefix and the report's period (`2023H1`).
    PerPeriod(&'static str),
    /// One dataset per finance metric: the prefix and the metric (`arpu-by-region`).
    PerMetric(&'static str),
}

/// Everything about one format, in one place.
#[derive(Debug, Clone, Copy)]
pub struct FormatSpec {
    pub format: Format,
    /// The name users type (`--format`) and the store records.
    pub name: &'static str,
    /// Who published the data, for provenance.
    pub publisher: &'static str,
    pub detect: Detect,
    /// Reads a file's bytes (the path is only for errors).
    pub read: fn(&Path, &[u8]) -> Result<Parsed, SourceError>,
    pub dataset: DatasetName,
    /// The raw table the store writes the rows to.
    pub table: &'static str,
    /// That table's columns, in the order the store binds each row's values.
    pub columns: &'static [&'static str],
    /// The columns no two rows of one file may share (checked by [`Parsed::check_unique`] before
    /// anything is stored); empty when the publisher gives no key.
    pub natural_key: &'static [&'static str],
}

const TOP10_COLUMNS: &[&str] = &[
    "dataset_id",
    "line",
    "week",
    "category",
    "rank",
    "title_id",
    "hours",
    "runtime",
    "views",
    "cumulative_weeks",
];
const TOP10_KEY: &[&str] = &["week", "category", "rank"];

/// Every format's descriptor, in [`Format::ALL`] order (`SPECS[f as usize].format == f`, tested).
pub const SPECS: [FormatSpec; 9] = [
    FormatSpec {
        format: Format::Top10Global,
        name: "top10-global",
        publisher: "Netflix",
        detect: Detect::Header {
            delimiter: b'\t',
            columns: &[
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
        },
        read: |p, b| top10::read_global(p, b).map(Parsed::Top10),
        dataset: DatasetName::Fixed("top10-global"),
        table: "chart_weeks",
        columns: TOP10_COLUMNS,
        natural_key: TOP10_KEY,
    },
    FormatSpec {
        format: Format::Top10GlobalLegacy,
        name: "top10-global-legacy",
        publisher: "Netflix",
        detect: Detect::Header {
            delimiter: b'\t',
            columns: &[
                "week",
                "category",
                "weekly_rank",
                "show_title",
                "season_title",
                "weekly_hours_viewed",
                "cumulative_weeks_in_top_10",
            ],
        },
        read: |p, b| top10::read_global(p, b).map(Parsed::Top10),
        // The older layout of the same chart: a snapshot of the same dataset.
        dataset: DatasetName::Fixed("top10-global"),
        table: "chart_weeks",
        columns: TOP10_COLUMNS,
        natural_key: TOP10_KEY,
    },
    FormatSpec {
        format: Format::Top10Countries,
        name: "top10-countries",
        publisher: "Netflix",
        detect: Detect::Header {
            delimiter: b'\t',
            columns: &[
                "country_name",
                "country_iso2",
                "week",
                "category",
                "weekly_rank",
                "show_title",
                "season_title",
                "cumulative_weeks_in_top_10",
            ],
        },
        read: |p, b| top10::read_countries(p, b).map(Parsed::Countries),
        dataset: DatasetName::Fixed("top10-countries"),
        table: "country_weeks",
        columns: &[
            "dataset_id",
            "line",
            "country_iso2",
            "country_name",
            "week",
            "category",
            "rank",
            "title_id",
            "cumulative_weeks",
        ],
        natural_key: &["country_iso2", "week", "category", "rank"],
    },
    FormatSpec {
        format: Format::MostPopular,
        name: "most-popular",
        publisher: "Netflix",
        detect: Detect::Header {
            delimiter: b'\t',
            columns: &[
                "category",
                "rank",
                "show_title",
                "season_title",
                "hours_viewed_first_91_days",
                "runtime",
                "views_first_91_days",
            ],
        },
        read: |p, b| top10::read_most_popular(p, b).map(Parsed::MostPopular),
        dataset: DatasetName::Fixed("most-popular"),
        table: "most_popular",
        columns: &[
            "dataset_id",
            "line",
            "category",
            "rank",
            "title_id",
            "hours_first_91_days",
            "runtime",
            "views_first_91_days",
        ],
        natural_key: &["category", "rank"],
    },
    FormatSpec {
        format: Format::Engagement,
        name: "engagement",
        publisher: "Netflix",
        detect: Detect::Zip,
        read: |p, b| engagement::read(p, b).map(Parsed::Engagement),
        dataset: DatasetName::PerPeriod("engagement-"),
        table: "engagement",
        columns: &[
            "dataset_id",
            "report",
            "sheet",
            "row",
            "title_id",
            "available_globally",
            "release_date",
            "hours",
            "runtime_minutes",
            "views",
        ],
        // A title may be listed twice in one report (the sheets overlap); the file gives no key.
        // A row equal in every field to one above it in its sheet is refused all the same.
        natural_key: &[],
    },
    FormatSpec {
        format: Format::TmdbStatus,
        name: "tmdb-status",
        publisher: "TMDB",
        detect: Detect::Header {
            delimiter: b',',
            columns: &[
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
        },
        read: |p, b| tmdb::read(p, b).map(Parsed::Tmdb),
        dataset: DatasetName::Fixed("tmdb-status"),
        table: "tmdb_shows",
        columns: &[
            "dataset_id",
            "line",
            "title_id",
            "name",
            "number_of_seasons",
            "vote_count",
            "vote_average",
            "popularity",
            "network",
            "first_air_date",
            "last_air_date",
            "status",
            "renewed",
            "show_duration_days",
        ],
        // Same-named shows are distinct records and the file carries no id; a row equal in
        // every field to an earlier one is refused all the same.
        natural_key: &[],
    },
    FormatSpec {
        format: Format::JustWatchTitles,
        name: "justwatch-titles",
        publisher: "JustWatch",
        detect: Detect::Header {
            delimiter: b',',
            columns: &[
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
        },
        read: |p, b| justwatch::read_titles(p, b).map(Parsed::JustWatchTitles),
        dataset: DatasetName::Fixed("justwatch-titles"),
        table: "jw_titles",
        columns: &[
            "id",
            "dataset_id",
            "line",
            "title_id",
            "title",
            "kind",
            "release_year",
            "age_certification",
            "runtime_minutes",
            "genres",
            "production_countries",
            "seasons",
            "imdb_id",
            "imdb_score",
            "imdb_votes",
            "tmdb_popularity",
            "tmdb_score",
        ],
        natural_key: &["id"],
    },
    FormatSpec {
        format: Format::JustWatchCredits,
        name: "justwatch-credits",
        publisher: "JustWatch",
        detect: Detect::Header {
            delimiter: b',',
            columns: &["person_id", "id", "name", "character", "role"],
        },
        read: |p, b| justwatch::read_credits(p, b).map(Parsed::JustWatchCredits),
        dataset: DatasetName::Fixed("justwatch-credits"),
        table: "jw_credits",
        columns: &[
            "dataset_id",
            "line",
            "person_id",
            "jw_title_id",
            "name",
            "character",
            "role",
        ],
        // One person can hold several roles in one title; the same credit twice is refused.
        natural_key: &[],
    },
    FormatSpec {
        format: Format::RegionFinance,
        name: "region-finance",
        publisher: "Netflix",
        detect: Detect::Header {
            delimiter: b',',
            columns: &[
                "Year",
                "US and Canada",
                "EMEA",
                "Latin America",
                "Asia-Pacific",
            ],
        },
        read: |p, b| finance::read(p, b).map(Parsed::RegionFinance),
        dataset: DatasetName::PerMetric("finance-"),
        table: "region_finance",
        columns: &["dataset_id", "line", "metric", "year", "region", "value"],
        natural_key: &["year", "region"],
    },
];

impl Format {
    /// Every format, in [`SPECS`] order.
    pub const ALL: [Format; 9] = {
        let mut all = [Format::Top10Global; 9];
        let mut i = 0;
        while i < SPECS.len() {
            all[i] = SPECS[i].format;
            i += 1;
        }
        all
    };
    /// Every format's name, in [`Format::ALL`] order: what a `--format` value parser accepts.
    pub const NAMES: [&'static str; 9] = {
        let mut names = [""; 9];
        let mut i = 0;
        while i < SPECS.len() {
            names[i] = SPECS[i].name;
            i += 1;
        }
        names
    };

    /// This format's descriptor.
    pub fn spec(self) -> &'static FormatSpec {
        &SPECS[self as usize]
    }
    pub fn name(self) -> &'static str {
        self.spec().name
    }
    pub fn from_name(name: &str) -> Option<Format> {
        SPECS.iter().find(|s| s.name == name).map(|s| s.format)
    }
    /// Who published the data, for provenance.
    pub fn publisher(self) -> &'static str {
        self.spec().publisher
    }
}

impl FormatSpec {
    /// The dataset `parsed` (read as this format) belongs to.
    pub fn dataset_key(&self, parsed: &Parsed) -> String {
        match (self.dataset, parsed) {
            (DatasetName::Fixed(name), _) => name.to_string(),
            (DatasetName::PerPeriod(prefix), Parsed::Engagement(r)) => {
                format!("{prefix}{}", r.period)
            }
            (DatasetName::PerMetric(prefix), Parsed::RegionFinance(r)) => {
                format!("{prefix}{}", r.metric)
            }
            // A reader only ever returns its own kind; name the mismatch rather than guess.
            (DatasetName::PerPeriod(prefix) | DatasetName::PerMetric(prefix), _) => {
                format!("{prefix}unknown")
            }
        }
    }
}

impl Parsed {
    /// Refuses a file that states a row twice: two rows with the same natural key (its
    /// format's [`FormatSpec::natural_key`]), or, for the formats without one (engagement
    /// reports, TMDB, JustWatch credits), two rows equal in every field. The error is located at
    /// the repeating row and names the earlier one. An exact repeat is never data: it doubles the
    /// hours of a season or a credit, where the publisher gave them once.
    pub fn check_unique(&self, path: &Path) -> Result<(), SourceError> {
        use crate::Location;
        match self.first_repeat() {
            None => Ok(()),
            Some(r) => {
                let mut at = Location::file(path);
                if let Some(sheet) = &r.sheet {
                    at = at.sheet(sheet.clone());
                }
                let word = if r.sheet.is_some() { "row" } else { "line" };
                let how = if r.exact {
                    "exactly (every field the same)"
                } else {
                    "(same key)"
                };
                Err(SourceError::invalid(
                    at.row(r.again),
                    format!("repeats the row of {word} {} {how}", r.first),
                ))
            }
        }
    }

    /// The first row that repeats an earlier one (see [`Parsed::check_unique`]).
    pub fn first_repeat(&self) -> Option<Repeat> {
        use std::collections::hash_map::Entry;
        fn first_dup<K: std::hash::Hash + Eq>(
            keys: impl Iterator<Item = (K, usize)>,
        ) -> Option<(usize, usize)> {
            let mut seen: foldhash::HashMap<K, usize> = foldhash::HashMap::default();
            for (k, line) in keys {
                match seen.entry(k) {
                    Entry::Occupied(e) => return Some((*e.get(), line)),
                    Entry::Vacant(e) => {
                        e.insert(line);
                    }
                }
            }
            None
        }
        let keyed = |found: Option<(usize, usize)>| {
            found.map(|(first, again)| Repeat {
                sheet: None,
                first,
                again,
                exact: false,
            })
        };
        let exact = |found: Option<(usize, usize)>| {
            found.map(|(first, again)| Repeat {
                sheet: None,
                first,
                again,
                exact: true,
            })
        };
        // Floats as their bits: equal bits are the same number as written.
        let bits = |x: Option<f64>| x.map(f64::to_bits);
        match self {
            Parsed::Top10(rows) => keyed(first_dup(
                rows.iter()
                    .map(|r| ((r.week, r.category.as_str(), r.rank), r.line)),
            )),
            Parsed::Countries(rows) => keyed(first_dup(rows.iter().map(|r| {
                (
                    (r.country_iso2.as_str(), r.week, r.category.as_str(), r.rank),
                    r.line,
                )
            }))),
            Parsed::MostPopular(rows) => keyed(first_dup(
                rows.iter().map(|r| ((r.category.as_str(), r.rank), r.line)),
            )),
            Parsed::JustWatchTitles(rows) => {
                keyed(first_dup(rows.iter().map(|r| (r.id.as_str(), r.line))))
            }
            Parsed::RegionFinance(r) => keyed(first_dup(
                r.figures
                    .iter()
                    .map(|x| ((x.year, x.region.as_str()), x.line)),
            )),
            Parsed::Tmdb(rows) => exact(first_dup(rows.iter().map(|r| {
                (
                    (
                        (r.name.as_str(), r.number_of_seasons, r.vote_count),
                        (bits(Some(r.vote_average)), bits(Some(r.popularity))),
                        (r.network.as_str(), r.first_air_date, r.last_air_date),
                        (r.status.as_str(), r.renewed, r.show_duration_days),
                    ),
                    r.line,
                )
            }))),
            Parsed::JustWatchCredits(rows) => exact(first_dup(rows.iter().map(|r| {
                (
                    (
                        r.person_id,
                        r.title_id.as_str(),
                        r.name.as_str(),
                        r.character.as_deref(),
                        r.role.as_str(),
                    ),
                    r.line,
                )
            }))),
            // Row numbers restart in each sheet, so the sheet is part of the key and of the place.
            Parsed::Engagement(report) => {
                let mut seen: foldhash::HashMap<_, usize> = foldhash::HashMap::default();
                for (i, r) in report.rows.iter().enumerate() {
                    let key = (
                        (r.sheet.as_str(), r.title.as_str(), r.available_globally),
                        (r.release_date, r.hours, r.runtime_minutes, r.views),
                    );
                    if let Some(&j) = seen.get(&key) {
                        return Some(Repeat {
                            sheet: Some(r.sheet.clone()),
                            first: report.rows[j].row,
                            again: r.row,
                            exact: true,
                        });
                    }
                    seen.insert(key, i);
                }
                None
            }
        }
    }
}

/// A row that repeats an earlier one: its place (sheet, for a workbook; line or row) and the
/// earlier row's, and whether every field is the same (else only the natural key is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeat {
    pub sheet: Option<String>,
    pub first: usize,
    pub again: usize,
    pub exact: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_are_indexed_by_format_and_named_uniquely() {
        for (i, s) in SPECS.iter().enumerate() {
            assert_eq!(s.format as usize, i, "{}", s.name);
            assert_eq!(Format::ALL[i], s.format);
            assert_eq!(Format::NAMES[i], s.name);
            assert_eq!(s.format.spec().name, s.name);
            assert_eq!(Format::from_name(s.name), Some(s.format));
            // Every key column is a stored column.
            for k in s.natural_key {
                assert!(s.columns.contains(k), "{}: key column {k}", s.name);
            }
        }
        let mut names = Format::NAMES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SPECS.len());
        assert_eq!(Format::from_name("top10"), None);
    }
}
