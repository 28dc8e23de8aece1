//! Netflix Top 10 TSVs: the weekly global chart (both layouts), the per-country chart and the
//! all-time most-popular list.
//!
//! Columns are looked up by header name, so one reader covers the 9-column global layout and the
//! 7-column legacy one: `runtime` and `weekly_views` are simply absent from the latter.

use crate::delimited::{Row, Table};
use crate::{ChartRow, CountryRow, MostPopularRow, SourceError};
use std::path::Path;

/// The four lists of the global chart (and of the most-popular list).
const GLOBAL_CATEGORIES: [&str; 4] = [
    "Films (English)",
    "Films (Non-English)",
    "TV (English)",
    "TV (Non-English)",
];
/// The per-country chart has no language split.
const COUNTRY_CATEGORIES: [&str; 2] = ["Films", "TV"];

/// `N/A` is Netflix's "no season" (films, single-season entries); an empty cell means the same.
fn season_title(row: &Row<'_>, col: crate::delimited::Col) -> Option<String> {
    let s = row.get(col).trim();
    (!s.is_empty() && s != "N/A").then(|| s.to_string())
}

pub(crate) fn read_global(path: &Path, bytes: &[u8]) -> Result<Vec<ChartRow>, SourceError> {
    let mut t = Table::open(path, bytes, b'\t')?;
    let week = t.column("week")?;
    let category = t.column("category")?;
    let rank = t.column("weekly_rank")?;
    let show = t.column("show_title")?;
    let season = t.column("season_title")?;
    let hours = t.column("weekly_hours_viewed")?;
    let runtime = t.optional_column("runtime");
    let views = t.optional_column("weekly_views");
    let weeks = t.column("cumulative_weeks_in_top_10")?;
    let mut out = Vec::with_capacity(bytes.len() / 80);
    while let Some(row) = t.next_row()? {
        out.push(ChartRow {
            line: row.line,
            week: row.week(week)?,
            category: row.one_of(category, &GLOBAL_CATEGORIES)?.to_string(),
            rank: row.rank(rank)?,
            show_title: row.text(show)?.to_string(),
            season_title: season_title(&row, season),
            hours: row.i64(hours)?,
            runtime: runtime.map(|c| row.opt_decimal(c)).transpose()?.flatten(),
            views: views.map(|c| row.opt_i64(c)).transpose()?.flatten(),
            cumulative_weeks: row.u32(weeks)?,
        });
    }
    Ok(out)
}

pub(crate) fn read_countries(path: &Path, bytes: &[u8]) -> Result<Vec<CountryRow>, SourceError> {
    let mut t = Table::open(path, bytes, b'\t')?;
    let name = t.column("country_name")?;
    let iso2 = t.column("country_iso2")?;
    let week = t.column("week")?;
    let category = t.column("category")?;
    let rank = t.column("weekly_rank")?;
    let show = t.column("show_title")?;
    let season = t.column("season_title")?;
    let weeks = t.column("cumulative_weeks_in_top_10")?;
    let mut out = Vec::with_capacity(bytes.len() / 60);
    while let Some(row) = t.next_row()? {
        out.push(CountryRow {
            line: row.line,
            country_name: row.text(name)?.to_string(),
            country_iso2: row.iso2(iso2)?.to_string(),
            week: row.week(week)?,
            category: row.one_of(category, &COUNTRY_CATEGORIES)?.to_string(),
            rank: row.rank(rank)?,
            show_title: row.text(show)?.to_string(),
            season_title: season_title(&row, season),
            cumulative_weeks: row.u32(weeks)?,
        });
    }
    Ok(out)
}

pub(crate) fn read_most_popular(
    path: &Path,
    bytes: &[u8],
) -> Result<Vec<MostPopularRow>, SourceError> {
    let mut t = Table::open(path, bytes, b'\t')?;
    let category = t.column("category")?;
    let rank = t.column("rank")?;
    let show = t.column("show_title")?;
    let season = t.column("season_title")?;
    let hours = t.column("hours_viewed_first_91_days")?;
    let runtime = t.optional_column("runtime");
    let views = t.optional_column("views_first_91_days");
    let mut out = Vec::new();
    while let Some(row) = t.next_row()? {
        out.push(MostPopularRow {
            line: row.line,
            category: row.one_of(category, &GLOBAL_CATEGORIES)?.to_string(),
            rank: row.rank(rank)?,
            show_title: row.text(show)?.to_string(),
            season_title: season_title(&row, season),
            hours_first_91_days: row.i64(hours)?,
            runtime: runtime.map(|c| row.opt_decimal(c)).transpose()?.flatten(),
            views_first_91_days: views.map(|c| row.opt_i64(c)).transpose()?.flatten(),
        });
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{Location, SourceError};
    use chrono::NaiveDate;
    use std::path::PathBuf;

    const GLOBAL_HEADER: &str = "week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\truntime\tweekly_views\tcumulative_weeks_in_top_10";
    const GLOBAL_OK: &str =
        "2022-09-04\tTV (English)\t4\tPartner Track\tPartner Track: Season 1\t12345000\t\t\t2";
    const LEGACY_HEADER: &str = "week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\tcumulative_weeks_in_top_10";
    const COUNTRY_HEADER: &str = "country_name\tcountry_iso2\tweek\tcategory\tweekly_rank\tshow_title\tseason_title\tcumulative_weeks_in_top_10";
    const POPULAR_HEADER: &str = "category\trank\tshow_title\tseason_title\thours_viewed_first_91_days\truntime\tviews_first_91_days";

    fn p() -> PathBuf {
        PathBuf::from("fixtures/all-weeks-global.tsv")
    }

    /// Runs `read_global` on `lines` joined with `\n` and returns the error's location and message.
    fn global_err(lines: &[&str]) -> (Location, String) {
        invalid(read_global(&p(), lines.join("\n").as_bytes()).unwrap_err())
    }

    pub(crate) fn invalid(e: SourceError) -> (Location, String) {
        match e {
            SourceError::Invalid { location, message } => (location, message),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    fn at(row: usize, column: &str) -> Location {
        Location::file(&p()).row(row).column(column)
    }

    #[test]
    fn reads_global_new_layout() {
        let text = format!(
            "{GLOBAL_HEADER}\n2026-07-19\tFilms (English)\t2\tVoicemails for Isabelle\tN/A\t11200000\t1.9667\t5700000\t5\r\n{GLOBAL_OK}\n"
        );
        let rows = read_global(&p(), text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        let r = &rows[0];
        assert_eq!(r.line, 2);
        assert_eq!(r.week, NaiveDate::from_ymd_opt(2026, 7, 19).unwrap());
        assert_eq!(r.category, "Films (English)");
        assert_eq!(
            (r.rank, r.hours, r.runtime, r.views, r.cumulative_weeks),
            (2, 11_200_000, Some(1.9667), Some(5_700_000), 5)
        );
        assert_eq!(r.season_title, None);
        let r = &rows[1];
        assert_eq!(r.line, 3);
        assert_eq!(r.season_title.as_deref(), Some("Partner Track: Season 1"));
        assert_eq!((r.runtime, r.views), (None, None));
    }

    #[test]
    fn reads_global_legacy_layout_and_bom() {
        let text = format!("\u{feff}{LEGACY_HEADER}\n2022-11-06\tFilms (English)\t1\tEnola Holmes 2\tN/A\t64080000\t1");
        let rows = read_global(&p(), text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].hours, rows[0].runtime, rows[0].views),
            (64_080_000, None, None)
        );
    }

    #[test]
    fn empty_file_and_header_only() {
        let (loc, msg) = invalid(read_global(&p(), b"").unwrap_err());
        assert_eq!((loc, msg.as_str()), (Location::file(&p()), "empty file"));
        let (loc, msg) = global_err(&[GLOBAL_HEADER]);
        assert_eq!(loc, Location::file(&p()));
        assert!(msg.contains("no data rows"), "{msg}");
        let (_, msg) = global_err(&[GLOBAL_HEADER, ""]);
        assert!(msg.contains("no data rows"), "{msg}");
    }

    #[test]
    fn non_utf8_names_line_and_column() {
        let mut bytes = format!("{GLOBAL_HEADER}\n{GLOBAL_OK}\n").into_bytes();
        bytes.extend_from_slice(b"2022-09-04\tTV (English)\t5\tCaf\xE9\tN/A\t1\t\t\t1\n");
        let (loc, msg) = invalid(read_global(&p(), &bytes).unwrap_err());
        assert_eq!(loc, at(3, "show_title"));
        assert!(msg.contains("UTF-8"), "{msg}");
    }

    #[test]
    fn truncated_row() {
        let (loc, msg) = global_err(&[
            GLOBAL_HEADER,
            GLOBAL_OK,
            "2022-09-04\tTV (English)\t5\tPartner",
        ]);
        assert_eq!(loc, at(3, "season_title"));
        assert!(msg.contains("too few fields: expected 9, found 4"), "{msg}");
        let long = format!("{GLOBAL_OK}\textra");
        let (loc, msg) = global_err(&[GLOBAL_HEADER, &long]);
        assert_eq!(loc, at(2, "10"));
        assert!(msg.contains("too many"), "{msg}");
    }

    #[test]
    fn bad_numbers() {
        let cases = [
            (
                "2022-09-04\tTV (English)\t4\tX\tN/A\t12x\t\t\t2",
                "weekly_hours_viewed",
                "\"12x\" is not a whole number",
            ),
            (
                "2022-09-04\tTV (English)\t4\tX\tN/A\t-10\t\t\t2",
                "weekly_hours_viewed",
                "\"-10\" is negative",
            ),
            (
                "2022-09-04\tTV (English)\t0\tX\tN/A\t10\t\t\t2",
                "weekly_rank",
                "rank 0",
            ),
            (
                "2022-09-04\tTV (English)\t-1\tX\tN/A\t10\t\t\t2",
                "weekly_rank",
                "negative",
            ),
            (
                "2022-09-04\tTV (English)\t1\tX\tN/A\t10\t\t-3\t2",
                "weekly_views",
                "negative",
            ),
            (
                "2022-09-04\tTV (English)\t1\tX\tN/A\t10\tabc\t\t2",
                "runtime",
                "not a number",
            ),
            (
                "2022-09-04\tTV (English)\t1\tX\tN/A\t10\t\t\t",
                "cumulative_weeks_in_top_10",
                "empty",
            ),
            (
                "2022-09-04\tTV (English)\t1\tX\tN/A\t10\t\t\t1.5",
                "cumulative_weeks_in_top_10",
                "not a whole number",
            ),
        ];
        for (line, column, want) in cases {
            let (loc, msg) = global_err(&[GLOBAL_HEADER, GLOBAL_OK, line]);
            assert_eq!(loc, at(3, column), "{line}");
            assert!(msg.contains(want), "{line}: {msg}");
        }
    }

    #[test]
    fn message_reads_well() {
        let e = read_global(
            &p(),
            format!("{GLOBAL_HEADER}\n2022-09-04\tTV (English)\t4\tX\tN/A\t12x\t\t\t2").as_bytes(),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "fixtures/all-weeks-global.tsv, line 2, column `weekly_hours_viewed`: \"12x\" is not a whole number"
        );
    }

    #[test]
    fn bad_date_category_and_title() {
        let (loc, msg) = global_err(&[
            GLOBAL_HEADER,
            "2022-02-30\tTV (English)\t4\tX\tN/A\t10\t\t\t2",
        ]);
        assert_eq!(loc, at(2, "week"));
        assert!(msg.contains("not a date"), "{msg}");
        let (loc, msg) = global_err(&[
            GLOBAL_HEADER,
            "2022-09-04\tTV (Klingon)\t4\tX\tN/A\t10\t\t\t2",
        ]);
        assert_eq!(loc, at(2, "category"));
        assert!(msg.contains("unknown value \"TV (Klingon)\""), "{msg}");
        let (loc, msg) = global_err(&[
            GLOBAL_HEADER,
            "2022-09-04\tTV (English)\t4\t  \tN/A\t10\t\t\t2",
        ]);
        assert_eq!(loc, at(2, "show_title"));
        assert!(msg.contains("empty"), "{msg}");
    }

    #[test]
    fn missing_column() {
        let header = GLOBAL_HEADER.replace("weekly_hours_viewed", "hours");
        let (loc, msg) = global_err(&[&header, GLOBAL_OK]);
        assert_eq!(loc, at(1, "weekly_hours_viewed"));
        assert!(
            msg.contains("missing required column `weekly_hours_viewed`"),
            "{msg}"
        );
    }

    #[test]
    fn countries() {
        let ok = "Argentina\tAR\t2022-02-27\tFilms\t1\tRestless\tN/A\t1";
        let rows = read_countries(&p(), format!("{COUNTRY_HEADER}\n{ok}\n").as_bytes()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (
                rows[0].country_iso2.as_str(),
                rows[0].category.as_str(),
                rows[0].rank
            ),
            ("AR", "Films", 1)
        );
        // The global chart's categories are not valid here.
        let bad = ok.replace("\tFilms\t", "\tFilms (English)\t");
        let (loc, _) = invalid(
            read_countries(&p(), format!("{COUNTRY_HEADER}\n{ok}\n{bad}").as_bytes()).unwrap_err(),
        );
        assert_eq!(loc, at(3, "category"));
        let (loc, _) = invalid(
            read_countries(
                &p(),
                format!(
                    "{COUNTRY_HEADER}\n{}",
                    ok.replace("\t1\tRestless", "\t0\tRestless")
                )
                .as_bytes(),
            )
            .unwrap_err(),
        );
        assert_eq!(loc, at(2, "weekly_rank"));
    }

    #[test]
    fn most_popular() {
        let ok = "TV (English)\t1\tWednesday\tWednesday: Season 1\t1237150000\t8.1333\t252100000";
        let rows = read_most_popular(&p(), format!("{POPULAR_HEADER}\n{ok}").as_bytes()).unwrap();
        assert_eq!(rows[0].season_title.as_deref(), Some("Wednesday: Season 1"));
        assert_eq!(
            (rows[0].hours_first_91_days, rows[0].views_first_91_days),
            (1_237_150_000, Some(252_100_000))
        );
        let bad = ok.replace("1237150000", "1,237");
        let (loc, _) = invalid(
            read_most_popular(&p(), format!("{POPULAR_HEADER}\n{bad}").as_bytes()).unwrap_err(),
        );
        assert_eq!(loc, at(2, "hours_viewed_first_91_days"));
    }
}
