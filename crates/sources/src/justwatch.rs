//! JustWatch's Netflix US catalogue: `titles.csv` (one row per film/show) and `credits.csv`
//! (cast and directors, keyed by the title's JustWatch id).

use crate::delimited::{check_year, parse_count, Col, Row, Table};
use crate::{JwCredit, JwTitle, SourceError};
use std::path::Path;

const KINDS: [&str; 2] = ["SHOW", "MOVIE"];
const ROLES: [&str; 2] = ["ACTOR", "DIRECTOR"];

pub(crate) fn read_titles(path: &Path, bytes: &[u8]) -> Result<Vec<JwTitle>, SourceError> {
    let mut t = Table::open(path, bytes, b',')?;
    let id = t.column("id")?;
    let title = t.column("title")?;
    let kind = t.column("type")?;
    let year = t.column("release_year")?;
    let cert = t.column("age_certification")?;
    let runtime = t.column("runtime")?;
    let genres = t.column("genres")?;
    let countries = t.column("production_countries")?;
    let seasons = t.column("seasons")?;
    let imdb_id = t.column("imdb_id")?;
    let imdb_score = t.column("imdb_score")?;
    let imdb_votes = t.column("imdb_votes")?;
    let tmdb_popularity = t.column("tmdb_popularity")?;
    let tmdb_score = t.column("tmdb_score")?;
    let mut out = Vec::with_capacity(bytes.len() / 100);
    while let Some(row) = t.next_row()? {
        out.push(JwTitle {
            line: row.line,
            id: row.text(id)?.to_string(),
            // Not `text`: the real catalogue has a title with an empty name (it is still a valid
            // catalogue entry, identified by `id`), so emptiness is allowed here.
            title: row.get(title).trim().to_string(),
            kind: row.one_of(kind, &KINDS)?.to_string(),
            release_year: opt_whole(&row, year)?
                .map(|y| {
                    let y = i32::try_from(y)
                        .map_err(|_| row.error(year, format!("{y} is not a year")))?;
                    check_year(y).map(|()| y).map_err(|m| row.error(year, m))
                })
                .transpose()?,
            age_certification: row.opt(cert).map(str::to_string),
            runtime_minutes: opt_u32(&row, runtime)?,
            genres: python_list(&row, genres)?,
            production_countries: python_list(&row, countries)?,
            seasons: opt_u32(&row, seasons)?,
            imdb_id: row.opt(imdb_id).map(str::to_string),
            imdb_score: row.opt_decimal(imdb_score)?,
            imdb_votes: opt_whole(&row, imdb_votes)?,
            tmdb_popularity: row.opt_decimal(tmdb_popularity)?,
            tmdb_score: row.opt_decimal(tmdb_score)?,
        });
    }
    Ok(out)
}

pub(crate) fn read_credits(path: &Path, bytes: &[u8]) -> Result<Vec<JwCredit>, SourceError> {
    let mut t = Table::open(path, bytes, b',')?;
    let person = t.column("person_id")?;
    let title_id = t.column("id")?;
    let name = t.column("name")?;
    let character = t.column("character")?;
    let role = t.column("role")?;
    let mut out = Vec::with_capacity(bytes.len() / 45);
    while let Some(row) = t.next_row()? {
        let character = row.get(character).trim();
        out.push(JwCredit {
            line: row.line,
            person_id: row.i64(person)?,
            title_id: row.text(title_id)?.to_string(),
            name: row.text(name)?.to_string(),
            character: (!character.is_empty()).then(|| character.to_string()),
            role: row.one_of(role, &ROLES)?.to_string(),
        });
    }
    Ok(out)
}

/// A nullable whole number. This dataset went through pandas, which turns an integer column
/// with gaps into floats (`808582.0`), so an integral `.0` suffix is accepted.
fn opt_whole(row: &Row<'_>, col: Col) -> Result<Option<u64>, SourceError> {
    let Some(s) = row.opt(col) else {
        return Ok(None);
    };
    let digits = s.strip_suffix(".0").unwrap_or(s);
    parse_count(digits).map(Some).map_err(|_| {
        let why = if s.starts_with('-') {
            "is negative"
        } else {
            "is not a whole number"
        };
        row.error(col, format!("{s:?} {why}"))
    })
}

fn opt_u32(row: &Row<'_>, col: Col) -> Result<Option<u32>, SourceError> {
    opt_whole(row, col)?
        .map(|n| u32::try_from(n).map_err(|_| row.error(col, format!("{n} is too large"))))
        .transpose()
}

/// Parses the Python list literal pandas wrote for a list column: `['drama', 'crime']`, `[]`.
fn python_list(row: &Row<'_>, col: Col) -> Result<Vec<String>, SourceError> {
    let s = row.get(col).trim();
    if s.is_empty() {
        return Ok(Vec::new());
    }
    parse_python_list(s)
        .ok_or_else(|| row.error(col, format!("{s:?} is not a list like ['drama', 'crime']")))
}

/// Strings in either quote style, separated by commas; `\` escapes the next character (Python's
/// `repr` uses double quotes and escapes for items containing `'`, e.g. `["children's"]`).
fn parse_python_list(s: &str) -> Option<Vec<String>> {
    let inner = s.strip_prefix('[')?.strip_suffix(']')?.trim();
    let mut items = Vec::new();
    let mut chars = inner.chars().peekable();
    while chars.peek().is_some() {
        let quote = chars.next().filter(|&q| q == '\'' || q == '"')?;
        let mut item = String::new();
        loop {
            match chars.next()? {
                '\\' => item.push(chars.next()?),
                c if c == quote => break,
                c => item.push(c),
            }
        }
        items.push(item);
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        match chars.next() {
            None => break,
            Some(',') => while chars.next_if(|c| c.is_whitespace()).is_some() {},
            Some(_) => return None,
        }
        // A trailing comma (`['a', ]`) is valid Python; after it the loop simply ends.
    }
    Some(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::top10::tests::invalid;
    use crate::Location;
    use std::path::PathBuf;

    const TITLES_HEADER: &str = "id,title,type,release_year,age_certification,runtime,genres,production_countries,seasons,imdb_id,imdb_score,imdb_votes,tmdb_popularity,tmdb_score";
    const TITLE_OK: &str = "tm84618,Taxi Driver,MOVIE,1976,R,114,\"['drama', 'crime']\",['US'],,tt0075314,8.2,808582,40.965,8.179";
    const CREDITS_HEADER: &str = "person_id,id,name,character,role";

    fn p() -> PathBuf {
        PathBuf::from("fixtures/titles.csv")
    }

    #[test]
    fn python_lists() {
        let v = |s: &str| parse_python_list(s).map(|v| v.join("|"));
        assert_eq!(v("[]").as_deref(), Some(""));
        assert_eq!(v("['drama', 'crime']").as_deref(), Some("drama|crime"));
        assert_eq!(v("[\"children's\",'x']").as_deref(), Some("children's|x"));
        assert_eq!(v("['a\\'b', ]").as_deref(), Some("a'b"));
        for bad in [
            "drama",
            "['drama'",
            "['dra",
            "[drama]",
            "['a' 'b']",
            "['a'],",
            "[,]",
        ] {
            assert_eq!(v(bad), None, "{bad}");
        }
    }

    #[test]
    fn reads_titles() {
        let text = format!(
            "{TITLES_HEADER}\r\n{TITLE_OK}\r\nts300399,Five Came Back: The Reference Films,SHOW,1945,TV-MA,51,['documentation'],['US'],1,,,,0.6,\r\ntm1063792,,MOVIE,2015,,11,[],[],,tt4661188,,,,\r\n"
        );
        let rows = read_titles(&p(), text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].genres, ["drama", "crime"]);
        assert_eq!(
            (rows[0].imdb_votes, rows[0].seasons, rows[0].release_year),
            (Some(808_582), None, Some(1976))
        );
        assert_eq!(
            (
                rows[1].line,
                rows[1].seasons,
                rows[1].imdb_id.as_deref(),
                rows[1].tmdb_score
            ),
            (3, Some(1), None, None)
        );
        assert_eq!((rows[2].title.as_str(), rows[2].genres.len()), ("", 0));
        // pandas' float-ified integers are accepted.
        let text = format!(
            "{TITLES_HEADER}\n{}",
            TITLE_OK.replace("808582", "808582.0")
        );
        assert_eq!(
            read_titles(&p(), text.as_bytes()).unwrap()[0].imdb_votes,
            Some(808_582)
        );
    }

    #[test]
    fn title_errors() {
        let cases = [
            (
                TITLE_OK.replace("\"['drama', 'crime']\"", "drama"),
                "genres",
                "not a list",
            ),
            (TITLE_OK.replace("MOVIE", "GAME"), "type", "unknown value"),
            (TITLE_OK.replace(",114,", ",-114,"), "runtime", "negative"),
            (
                TITLE_OK.replace(",8.2,", ",8.2x,"),
                "imdb_score",
                "not a number",
            ),
            (
                TITLE_OK.replace("808582", "808582.5"),
                "imdb_votes",
                "not a whole number",
            ),
            (TITLE_OK.replace("tm84618", ""), "id", "empty"),
            (TITLE_OK.replace(",8.179", ""), "tmdb_score", "too few"),
        ];
        for (body, column, want) in cases {
            let text = format!("{TITLES_HEADER}\n{TITLE_OK}\n{body}\n");
            let (loc, msg) = invalid(read_titles(&p(), text.as_bytes()).unwrap_err());
            assert_eq!(loc, Location::file(&p()).row(3).column(column), "{body}");
            assert!(msg.contains(want), "{body}: {msg}");
        }
    }

    #[test]
    fn quoted_newline_keeps_line_numbers() {
        // The record starting on line 2 spans two physical lines; the next record is line 4.
        let text = format!(
            "{CREDITS_HEADER}\n1,tm1,\"A\nB\",,ACTOR\n2,tm1,C,,DIRECTOR\n3,tm1,D,,WRITER\n"
        );
        let (loc, msg) = invalid(read_credits(&p(), text.as_bytes()).unwrap_err());
        assert_eq!(loc, Location::file(&p()).row(5).column("role"));
        assert!(msg.contains("unknown value \"WRITER\""), "{msg}");
        let ok = read_credits(
            &p(),
            format!("{CREDITS_HEADER}\n1,tm1,\"A\nB\",,ACTOR\n2,tm1,C,,DIRECTOR\n").as_bytes(),
        )
        .unwrap();
        assert_eq!(
            (ok[0].line, ok[1].line, ok[0].name.as_str()),
            (2, 4, "A\nB")
        );
    }

    #[test]
    fn credits() {
        let text = format!("{CREDITS_HEADER}\r\n3748,tm84618,Robert De Niro,Travis Bickle,ACTOR\r\n17806,ts14583,Paul F. Tompkins,Mr. Peanutbutter ,ACTOR\r\n1,tm1,Jane Doe,,DIRECTOR\r\n");
        let rows = read_credits(&p(), text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            (
                rows[0].person_id,
                rows[0].title_id.as_str(),
                rows[0].character.as_deref()
            ),
            (3748, "tm84618", Some("Travis Bickle"))
        );
        assert_eq!(rows[1].character.as_deref(), Some("Mr. Peanutbutter"));
        assert_eq!(
            (rows[2].character.as_deref(), rows[2].role.as_str()),
            (None, "DIRECTOR")
        );
        let (loc, msg) = invalid(
            read_credits(
                &p(),
                format!("{CREDITS_HEADER}\nx1,tm1,A,,ACTOR").as_bytes(),
            )
            .unwrap_err(),
        );
        assert_eq!(loc, Location::file(&p()).row(2).column("person_id"));
        assert!(msg.contains("not a whole number"), "{msg}");
        let (loc, _) =
            invalid(read_credits(&p(), b"person_id,id,name,role\n1,tm1,A,ACTOR").unwrap_err());
        assert_eq!(loc, Location::file(&p()).row(1).column("character"));
    }
}
