//! A bounded fuzz target per reader, with a fixed seed (so a failure reproduces exactly): a
//! small valid file of each format, mutated a few hundred times (bytes inserted, replaced and
//! deleted, lines repeated and dropped, the file cut short; for the workbook, the sheet's XML
//! inside the zip), read as its format. Each outcome is a read (whose rows then go through the
//! duplicate check) or an error located in the file given, with a line or row whenever the
//! message is about one. Never a panic.

use greenlight_sources::{read_as, Format, SourceError};
use greenlight_testkit::fuzz::{mutate, Rng};
use std::io::Write;
use std::path::Path;

/// Reads `bytes` as `format`; fails the test on anything but a read or a located error.
fn check(path: &Path, bytes: &[u8], format: Format, outcomes: &mut [usize; 2]) {
    match read_as(path, bytes, format) {
        Ok(parsed) => {
            outcomes[0] += 1;
            if let Err(e) = parsed.check_unique(path) {
                let loc = e.location().expect("a repeat is located");
                assert!(loc.row.is_some(), "a repeat names its row: {e}");
            }
        }
        Err(e) => {
            outcomes[1] += 1;
            let SourceError::Invalid { location, message } = &e else {
                panic!("{}: not a located error: {e:?}", format.name());
            };
            assert_eq!(location.file, path, "{e}");
            assert!(!message.is_empty());
            // A message about a row or a field says which.
            if location.column.is_some() {
                assert!(location.row.is_some(), "a column without its row: {e}");
            }
        }
    }
}

const ITERATIONS: usize = 300;

fn fuzz(format: Format, seed: &[u8], rng_seed: u64) -> [usize; 2] {
    let path = Path::new("fuzz/seed.file");
    read_as(path, seed, format)
        .unwrap_or_else(|e| panic!("{}: the seed is bad: {e}", format.name()));
    let mut rng = Rng(rng_seed);
    let mut outcomes = [0, 0];
    for _ in 0..ITERATIONS {
        check(path, &mutate(&mut rng, seed), format, &mut outcomes);
    }
    outcomes
}

const TOP10: &str = "week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\truntime\tweekly_views\tcumulative_weeks_in_top_10\n\
2026-07-19\tFilms (English)\t2\tVoicemails for Isabelle\tN/A\t11200000\t1.9667\t5700000\t5\n\
2022-09-04\tTV (English)\t4\tPartner Track\tPartner Track: Season 1\t12345000\t\t\t2\n";
const LEGACY: &str = "week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\tcumulative_weeks_in_top_10\n\
2022-11-06\tFilms (English)\t1\tEnola Holmes 2\tN/A\t64080000\t1\n2022-11-06\tTV (English)\t1\tThe Crown\tThe Crown: Season 5\t107150000\t1\n";
const COUNTRIES: &str = "country_name\tcountry_iso2\tweek\tcategory\tweekly_rank\tshow_title\tseason_title\tcumulative_weeks_in_top_10\n\
Argentina\tAR\t2022-02-27\tFilms\t1\tRestless\tN/A\t1\nArgentina\tAR\t2022-02-27\tTV\t1\tBridgerton\tBridgerton: Season 1\t3\n";
const POPULAR: &str = "category\trank\tshow_title\tseason_title\thours_viewed_first_91_days\truntime\tviews_first_91_days\n\
Films (English)\t1\tKPop Demon Hunters\tN/A\t541800000\t1.6667\t325100000\nTV (English)\t1\tWednesday\tWednesday: Season 1\t1237150000\t8.1333\t252100000\n";
const TMDB: &str = "name,number_of_seasons,vote_count,vote_average,popularity,network1,first_air_date,last_air_date,status,renewed,show_duration\r\n\
Game of Thrones,8,21857,8.442,1083.917,HBO,2011-04-17,2019-05-19,Ended,FALSE,2954\r\nDark,3,6000,8.4,90.5,Netflix,2017-12-01,2020-06-27,Ended,FALSE,939\r\n";
const JW_TITLES: &str = "id,title,type,release_year,age_certification,runtime,genres,production_countries,seasons,imdb_id,imdb_score,imdb_votes,tmdb_popularity,tmdb_score\r\n\
tm84618,Taxi Driver,MOVIE,1976,R,114,\"['drama', 'crime']\",['US'],,tt0075314,8.2,808582,40.965,8.179\r\nts1,Dark,SHOW,2017,TV-MA,60,['scifi'],['DE'],3,tt5753856,8.7,400000.0,90.1,8.4\r\n";
const JW_CREDITS: &str = "person_id,id,name,character,role\r\n3748,tm84618,Robert De Niro,Travis Bickle,ACTOR\r\n1,tm84618,Martin Scorsese,,DIRECTOR\r\n";
const FINANCE: &str = "Year,US and Canada,EMEA,Latin America,Asia-Pacific\n2018,11.28,10.20,7.53,9.19\n2019,12.36,10.40,8.18,9.29\n";

#[test]
fn every_text_reader_reads_or_locates_its_error_under_mutation() {
    let cases = [
        (Format::Top10Global, TOP10),
        (Format::Top10GlobalLegacy, LEGACY),
        (Format::Top10Countries, COUNTRIES),
        (Format::MostPopular, POPULAR),
        (Format::TmdbStatus, TMDB),
        (Format::JustWatchTitles, JW_TITLES),
        (Format::JustWatchCredits, JW_CREDITS),
    ];
    for (i, (format, seed)) in cases.into_iter().enumerate() {
        let [read, refused] = fuzz(format, seed.as_bytes(), 0x9E37_79B9_7F4A_7C15 ^ i as u64);
        // The mutations are real: most are refused, and some still read.
        assert!(
            refused > ITERATIONS / 4,
            "{}: {refused} refused",
            format.name()
        );
        assert_eq!(read + refused, ITERATIONS);
    }
    // A finance file's name is part of it (the metric): fuzz under a metric's name.
    let path = Path::new("fuzz/arpu-by-region.csv");
    let mut rng = Rng(7);
    let mut outcomes = [0, 0];
    for _ in 0..ITERATIONS {
        check(
            path,
            &mutate(&mut rng, FINANCE.as_bytes()),
            Format::RegionFinance,
            &mut outcomes,
        );
    }
    assert!(outcomes[1] > ITERATIONS / 4, "{outcomes:?}");
}

/// The engagement reader under mutation of its sheet's XML (mutating the zip bytes only tests
/// the zip crate's checksum): each mutated sheet is zipped into a fresh workbook.
#[test]
fn the_workbook_reader_reads_or_locates_its_error_under_mutation() {
    let sheet = sheet_xml();
    let path = Path::new("fuzz/report.xlsx");
    let mut outcomes = [0, 0];
    check(
        path,
        &workbook(sheet.as_bytes()),
        Format::Engagement,
        &mut outcomes,
    );
    assert_eq!(outcomes, [1, 0], "the seed workbook reads");
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    for _ in 0..ITERATIONS {
        let xml = mutate(&mut rng, sheet.as_bytes());
        check(path, &workbook(&xml), Format::Engagement, &mut outcomes);
    }
    assert!(outcomes[1] > ITERATIONS / 4, "{outcomes:?}");
}

fn sheet_xml() -> String {
    let cell = |r: &str, v: &str| format!(r#"<c r="{r}" t="inlineStr"><is><t>{v}</t></is></c>"#);
    let num = |r: &str, v: u64| format!(r#"<c r="{r}"><v>{v}</v></c>"#);
    let mut rows = vec![
        format!(r#"<row r="1">{}</row>"#, cell("B1", "What We Watched")),
        format!(
            r#"<row r="2">{}</row>"#,
            cell("B2", "Views from July to December 2023")
        ),
        format!(
            r#"<row r="5">{}{}{}{}{}{}</row>"#,
            cell("B5", "Title"),
            cell("C5", "Available Globally?"),
            cell("D5", "Release Date"),
            cell("E5", "Hours Viewed"),
            cell("F5", "Runtime"),
            cell("G5", "Views")
        ),
    ];
    for (i, (title, hours)) in [
        ("Partner Track: Season 1", 10_600_000),
        ("Dark: Season 3", 900_000),
    ]
    .into_iter()
    .enumerate()
    {
        let r = 6 + i;
        rows.push(format!(
            r#"<row r="{r}">{}{}{}{}{}{}</row>"#,
            cell(&format!("B{r}"), title),
            cell(&format!("C{r}"), "Yes"),
            cell(&format!("D{r}"), "2022-08-26"),
            num(&format!("E{r}"), hours),
            cell(&format!("F{r}"), "7:34"),
            num(&format!("G{r}"), hours / 7)
        ));
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet><sheetData>{}</sheetData></worksheet>"#,
        rows.concat()
    )
}

/// A one-sheet (`TV`) workbook around `sheet`, stored uncompressed.
fn workbook(sheet: &[u8]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut out);
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts: [(&str, &[u8]); 3] = [
        (
            "xl/workbook.xml",
            br#"<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="TV" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            br#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    for (name, bytes) in parts {
        z.start_file(name, opts).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
    out.into_inner()
}
