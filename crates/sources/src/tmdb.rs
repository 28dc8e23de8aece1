//! TMDB's TV status snapshot (`tv-status.csv`): the "has it been cancelled?" ground truth.

use crate::delimited::Table;
use crate::{SourceError, TmdbRow};
use std::path::Path;

/// TMDB's show statuses, all of them (its API documents these six; the real snapshot uses
/// each). Another value (`Renewed!!`) is a hand edit, and the status rules would read it as
/// "not ended".
pub(crate) const STATUSES: [&str; 6] = [
    "Returning Series",
    "Ended",
    "Canceled",
    "Pilot",
    "In Production",
    "Planned",
];

pub(crate) fn read(path: &Path, bytes: &[u8]) -> Result<Vec<TmdbRow>, SourceError> {
    let mut t = Table::open(path, bytes, b',')?;
    let name = t.column("name")?;
    let seasons = t.column("number_of_seasons")?;
    let vote_count = t.column("vote_count")?;
    let vote_average = t.column("vote_average")?;
    let popularity = t.column("popularity")?;
    let network = t.column("network1")?;
    let first = t.column("first_air_date")?;
    let last = t.column("last_air_date")?;
    let status = t.column("status")?;
    let renewed = t.column("renewed")?;
    let duration = t.column("show_duration")?;
    let mut out = Vec::with_capacity(bytes.len() / 70);
    while let Some(row) = t.next_row()? {
        let vote_avg = row.decimal(vote_average)?;
        if vote_avg > 10.0 {
            return Err(row.error(
                vote_average,
                format!("{vote_avg} is above TMDB's 0..10 scale"),
            ));
        }
        out.push(TmdbRow {
            line: row.line,
            name: row.text(name)?.to_string(),
            number_of_seasons: row.u32(seasons)?,
            vote_count: row.u32(vote_count)?,
            vote_average: vote_avg,
            popularity: row.decimal(popularity)?,
            network: row.text(network)?.to_string(),
            first_air_date: row.opt_date(first)?,
            last_air_date: row.opt_date(last)?,
            status: row.one_of(status, &STATUSES)?.to_string(),
            // pandas writes booleans as `True`/`False`, spreadsheets as `TRUE`/`FALSE`.
            renewed: match row.get(renewed) {
                "TRUE" | "True" | "true" => true,
                "FALSE" | "False" | "false" => false,
                other => return Err(row.error(renewed, format!("{other:?} is not TRUE or FALSE"))),
            },
            // A derived day count (last - first air date). It is negative in a handful of real
            // rows whose TMDB dates are inverted, so the sign is kept rather than refused.
            show_duration_days: match row.opt(duration) {
                None => None,
                Some(s) => Some(
                    s.parse::<i64>()
                        .map_err(|_| row.error(duration, format!("{s:?} is not a whole number")))?,
                ),
            },
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::top10::tests::invalid;
    use crate::Location;
    use std::path::PathBuf;

    const HEADER: &str = "name,number_of_seasons,vote_count,vote_average,popularity,network1,first_air_date,last_air_date,status,renewed,show_duration";
    const OK: &str =
        "Game of Thrones,8,21857,8.442,1083.917,HBO,2011-04-17,2019-05-19,Ended,FALSE,2954";

    fn p() -> PathBuf {
        PathBuf::from("fixtures/tv-status.csv")
    }

    fn err(body: &str) -> (Location, String) {
        invalid(read(&p(), format!("{HEADER}\r\n{OK}\r\n{body}\r\n").as_bytes()).unwrap_err())
    }

    #[test]
    fn reads_rows() {
        let text = format!("{HEADER}\r\n{OK}\r\n\"Shirley's World, The\",1,2,5,12.113,ABC,,1972-01-05,Canceled,TRUE,-93\r\n");
        let rows = read(&p(), text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].network, "HBO");
        assert_eq!(
            (
                rows[0].number_of_seasons,
                rows[0].renewed,
                rows[0].show_duration_days
            ),
            (8, false, Some(2954))
        );
        assert_eq!(rows[1].name, "Shirley's World, The");
        assert_eq!(
            (
                rows[1].line,
                rows[1].first_air_date,
                rows[1].renewed,
                rows[1].show_duration_days
            ),
            (3, None, true, Some(-93))
        );
    }

    #[test]
    fn errors_are_located() {
        let at = |c: &str| Location::file(&p()).row(3).column(c);
        let cases = [
            (
                "X,-1,1,1,1,HBO,2011-04-17,2019-05-19,Ended,FALSE,1",
                "number_of_seasons",
                "negative",
            ),
            (
                "X,1,1,11,1,HBO,2011-04-17,2019-05-19,Ended,FALSE,1",
                "vote_average",
                "0..10",
            ),
            (
                "X,1,1,1,1,HBO,2011-04-31,2019-05-19,Ended,FALSE,1",
                "first_air_date",
                "not a date",
            ),
            (
                "X,1,1,1,1,HBO,2011-04-17,2019-05-19,Ended,yes,1",
                "renewed",
                "TRUE or FALSE",
            ),
            (
                "X,1,1,1,1,HBO,2011-04-17,2019-05-19,Ended,TRUE,1d",
                "show_duration",
                "not a whole number",
            ),
            (
                ",1,1,1,1,HBO,2011-04-17,2019-05-19,Ended,TRUE,1",
                "name",
                "empty",
            ),
            ("X,1,1,1,1,HBO,2011-04-17", "last_air_date", "too few"),
        ];
        for (body, column, want) in cases {
            let (loc, msg) = err(body);
            assert_eq!(loc, at(column), "{body}");
            assert!(msg.contains(want), "{body}: {msg}");
        }
    }

    #[test]
    fn missing_column_and_header_only() {
        let (loc, msg) =
            invalid(read(&p(), HEADER.replace(",renewed", ",renewd").as_bytes()).unwrap_err());
        assert_eq!(loc, Location::file(&p()).row(1).column("renewed"));
        assert!(msg.contains("missing required column"), "{msg}");
        let (loc, msg) = invalid(read(&p(), format!("{HEADER}\r\n").as_bytes()).unwrap_err());
        assert_eq!(
            (loc, msg.contains("no data rows")),
            (Location::file(&p()), true)
        );
    }
}
