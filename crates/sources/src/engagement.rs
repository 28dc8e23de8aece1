//! Netflix's semi-annual "What We Watched" engagement reports (XLSX).
//!
//! The layout drifts between editions: 2023H1 has one `Engagement` sheet with real Excel dates
//! and hours only; later editions split `TV`/`Film` (renamed `Shows`/`Movies` in 2025) and add
//! `Runtime` (`H:MM` text) and `Views`, with dates as text. In every edition a title block sits
//! above the header row and the table starts in column B. So nothing here relies on positions:
//! the header row is found by its names, columns are mapped by header, and the report period is
//! read from the subtitle ("Views from July to December 2023") rather than the file name, which
//! users rename.

use crate::delimited::{check_year, is_control_byte, parse_count, parse_date};
use crate::limits::MAX_FIELD_BYTES;
use crate::xlsx::{Row, Value, Workbook};
use crate::{EngagementKind, EngagementReport, EngagementRow, Location, SourceError};
use chrono::Datelike;
use chrono::NaiveDate;
use std::path::Path;

const TITLE: &str = "Title";
const AVAILABLE: &str = "Available Globally?";
const RELEASE: &str = "Release Date";
const HOURS: &str = "Hours Viewed";
const RUNTIME: &str = "Runtime";
const VIEWS: &str = "Views";

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Which sheets carry data, and what kind of title each holds (`None`: the mixed 2023H1 sheet).
fn sheet_kind(name: &str) -> Option<Option<EngagementKind>> {
    match name.trim().to_ascii_lowercase().as_str() {
        "engagement" => Some(None),
        "tv" | "shows" => Some(Some(EngagementKind::Tv)),
        "film" | "films" | "movies" => Some(Some(EngagementKind::Film)),
        _ => None,
    }
}

pub(crate) fn read(path: &Path, bytes: &[u8]) -> Result<EngagementReport, SourceError> {
    guarded(path, || read_workbook(path, bytes))
}

/// Runs the workbook reader so that a panic in it (or in the zip and XML crates under it) is
/// reported as a malformed workbook: this crate promises never to panic on input, and a panic
/// must not take the whole import down.
fn guarded<T>(path: &Path, f: impl FnOnce() -> Result<T, SourceError>) -> Result<T, SourceError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let why = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("unknown cause");
        Err(SourceError::invalid(
            Location::file(path),
            format!("malformed XLSX workbook (parser failed: {why})"),
        ))
    })
}

fn read_workbook(path: &Path, bytes: &[u8]) -> Result<EngagementReport, SourceError> {
    let mut workbook = Workbook::open(bytes).map_err(|e| {
        SourceError::invalid(
            Location::file(path),
            format!("not a readable XLSX workbook (truncated or corrupt?): {e}"),
        )
    })?;
    let names = workbook.sheet_names();
    let chosen: Vec<(String, Option<EngagementKind>)> = names
        .iter()
        .filter_map(|n| sheet_kind(n).map(|k| (n.clone(), k)))
        .collect();
    if chosen.is_empty() {
        let found = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(SourceError::invalid(
            Location::file(path),
            format!(
                "no engagement sheet: expected `Engagement`, `TV`/`Film` or `Shows`/`Movies`, found {}",
                if found.is_empty() { "no sheets" } else { &found }
            ),
        ));
    }
    // The combined sheet and the per-kind sheets are alternative layouts of the same data;
    // reading both would count every title twice.
    if chosen.iter().any(|(_, k)| k.is_none()) && chosen.iter().any(|(_, k)| k.is_some()) {
        return Err(SourceError::invalid(
            Location::file(path),
            "has both a combined `Engagement` sheet and per-kind sheets; expected one layout",
        ));
    }
    let mut rows = Vec::new();
    let mut period: Option<(String, String)> = None;
    for (name, kind) in chosen {
        let here = || Location::file(path).sheet(&name);
        let xml = workbook
            .sheet_xml(&name)
            .map_err(|e| SourceError::invalid(here(), format!("cannot read sheet: {e}")))?;
        let cells = workbook.rows(&xml).map_err(|e| {
            let mut at = here();
            if let Some(row) = e.row {
                at = at.row(row as usize);
            }
            if let Some(col) = e.col {
                at = at.column(column_letter(col as usize));
            }
            SourceError::invalid(at, format!("cannot read sheet: {}", e.message))
        })?;
        let sheet = Sheet {
            path,
            name: &name,
            kind,
            rows: &cells,
        };
        let p = read_sheet(&sheet, &mut rows)?;
        match &period {
            None => period = Some((p, name.clone())),
            Some((first, _)) if *first == p => {}
            Some((first, first_sheet)) => {
                return Err(SourceError::invalid(
                    here(),
                    format!("report period {p} differs from sheet `{first_sheet}`'s {first}"),
                ))
            }
        }
    }
    let period = period.map(|(p, _)| p).unwrap_or_default();
    Ok(EngagementReport { period, rows })
}

/// One data sheet's rows, as written in the file.
struct Sheet<'s> {
    path: &'s Path,
    name: &'s str,
    kind: Option<EngagementKind>,
    rows: &'s [Row<'s>],
}

/// Column numbers (0-based, absolute) of one sheet's header.
struct Columns {
    title: u32,
    available: u32,
    release: u32,
    hours: u32,
    runtime: Option<u32>,
    views: Option<u32>,
}

/// Reads one sheet's rows into `out`, returning the sheet's report period (`2023H2`).
fn read_sheet(sheet: &Sheet<'_>, out: &mut Vec<EngagementRow>) -> Result<String, SourceError> {
    let here = || Location::file(sheet.path).sheet(sheet.name);
    let rows = sheet.rows;
    if rows.iter().all(|r| r.cells.is_empty()) {
        return Err(SourceError::invalid(here(), "sheet is empty"));
    }
    let header_at = rows
        .iter()
        .position(|r| has_cell(r, TITLE) && has_cell(r, HOURS))
        .ok_or_else(|| {
            SourceError::invalid(
                here(),
                format!("no header row (a row with `{TITLE}` and `{HOURS}`)"),
            )
        })?;
    let header = &rows[header_at];
    let find = |name: &str| {
        header
            .cells
            .iter()
            .find(|(_, v)| cell_is(v, name))
            .map(|&(c, _)| c)
    };
    let require = |name: &'static str| {
        find(name).ok_or_else(|| {
            SourceError::invalid(
                here().row(header.number as usize).column(name),
                format!("missing required column `{name}`"),
            )
        })
    };
    let cols = Columns {
        title: require(TITLE)?,
        available: require(AVAILABLE)?,
        release: require(RELEASE)?,
        hours: require(HOURS)?,
        runtime: find(RUNTIME),
        views: find(VIEWS),
    };

    // The period is in the title block above the header.
    let mut period = None;
    'search: for row in &rows[..header_at] {
        for (col, cell) in &row.cells {
            if let Value::Text(s) = cell {
                if let Some(p) = parse_period(s) {
                    let at = here()
                        .row(row.number as usize)
                        .column(column_letter(*col as usize));
                    period = Some(p.map_err(|m| SourceError::invalid(at, m))?);
                    break 'search;
                }
            }
        }
    }
    let period = period.ok_or_else(|| {
        SourceError::invalid(
            here(),
            "no report period: expected a subtitle like \"Views from July to December 2023\" above the header",
        )
    })?;

    // Trailing blank rows (Excel's used range often runs past the data) are not data; a blank
    // row *before* more data is, and is refused below as an empty title, whether the file
    // writes it or skips its number.
    let used = [
        Some(cols.title),
        Some(cols.available),
        Some(cols.release),
        Some(cols.hours),
        cols.runtime,
        cols.views,
    ];
    let end = rows
        .iter()
        .rposition(|r| used.iter().flatten().any(|&c| !is_blank(r.get(c))))
        .unwrap_or(header_at)
        .max(header_at);
    if end == header_at {
        return Err(SourceError::invalid(
            here().row(header.number as usize),
            "no data rows below the header",
        ));
    }

    let mut previous = header.number;
    for row in &rows[header_at + 1..=end] {
        let at = |number: u32, name: &str| here().row(number as usize).column(name);
        if row.number <= previous {
            return Err(SourceError::invalid(
                here().row(row.number as usize),
                format!(
                    "row {} comes after row {previous}; rows must be in order",
                    row.number
                ),
            ));
        }
        if row.number > previous + 1 {
            return Err(SourceError::invalid(
                at(previous + 1, TITLE),
                "empty title in the middle of the data (more rows follow)",
            ));
        }
        previous = row.number;
        let data = DataRow {
            row,
            loc: |name: &str| at(row.number, name),
        };
        out.push(EngagementRow {
            sheet: sheet.name.to_string(),
            row: row.number as usize,
            kind: sheet.kind,
            title: data.title(cols.title)?,
            available_globally: data.yes_no(cols.available)?,
            release_date: data.date(cols.release)?,
            hours: data.count(cols.hours, HOURS)?,
            runtime_minutes: cols.runtime.map(|c| data.runtime(c)).transpose()?.flatten(),
            views: cols
                .views
                .map(|c| data.opt_count(c, VIEWS))
                .transpose()?
                .flatten(),
        });
    }
    Ok(period)
}

/// One data row of a sheet, with a way to locate its cells by column name.
struct DataRow<'r, L: Fn(&str) -> Location> {
    row: &'r Row<'r>,
    loc: L,
}

impl<'r, L: Fn(&str) -> Location> DataRow<'r, L> {
    fn cell(&self, c: u32) -> &Value<'r> {
        self.row.get(c)
    }

    fn error(&self, name: &str, message: impl Into<String>) -> SourceError {
        SourceError::invalid((self.loc)(name), message)
    }

    /// Titles are trimmed: several carry a trailing NBSP or ideographic space in the source.
    /// A title is text: longer than [`MAX_FIELD_BYTES`] or holding a control character (a NUL,
    /// an escape) it is a broken file, as in the delimited readers.
    fn title(&self, c: u32) -> Result<String, SourceError> {
        match self.cell(c) {
            Value::Text(s) if s.len() > MAX_FIELD_BYTES => Err(self.error(
                TITLE,
                format!(
                    "{} bytes is longer than the longest field accepted ({MAX_FIELD_BYTES} bytes)",
                    s.len()
                ),
            )),
            Value::Text(s) if s.bytes().any(is_control_byte) => {
                let c = s.bytes().find(|&b| is_control_byte(b)).unwrap_or(0);
                Err(self.error(
                    TITLE,
                    format!("holds the control character U+{c:04X}; a title is text only"),
                ))
            }
            Value::Text(s) if !s.trim().is_empty() => Ok(s.trim().to_string()),
            // A title like `1899` may be stored as a number by Excel.
            Value::Int(n) => Ok(n.to_string()),
            Value::Float(f) if f.is_finite() => Ok(f.to_string()),
            v if is_blank(v) => Err(self.error(
                TITLE,
                "empty title in the middle of the data (more rows follow)",
            )),
            v => Err(self.error(TITLE, format!("{v} is not a title"))),
        }
    }

    fn yes_no(&self, c: u32) -> Result<bool, SourceError> {
        match self.cell(c) {
            Value::Text(s) if s.trim().eq_ignore_ascii_case("yes") => Ok(true),
            Value::Text(s) if s.trim().eq_ignore_ascii_case("no") => Ok(false),
            Value::Bool(b) => Ok(*b),
            v => Err(self.error(AVAILABLE, format!("{:?} is not Yes or No", v.to_string()))),
        }
    }

    /// 2023H1 stores real Excel dates; later editions store `YYYY-MM-DD` text.
    fn date(&self, c: u32) -> Result<Option<NaiveDate>, SourceError> {
        let v = self.cell(c);
        match v {
            v if is_blank(v) => Ok(None),
            Value::Text(s) => parse_date(s.trim())
                .map(Some)
                .map_err(|m| self.error(RELEASE, m)),
            Value::IsoDate(s) => parse_date(s.get(..10).unwrap_or(s))
                .map(Some)
                .map_err(|m| self.error(RELEASE, m)),
            Value::Date(serial) => {
                let d = excel_date(*serial).ok_or_else(|| {
                    self.error(
                        RELEASE,
                        format!("Excel date serial {serial} is out of range"),
                    )
                })?;
                check_year(d.year())
                    .map(|()| Some(d))
                    .map_err(|m| self.error(RELEASE, format!("{d}: {m}")))
            }
            v => Err(self.error(RELEASE, format!("{:?} is not a date", v.to_string()))),
        }
    }

    fn count(&self, c: u32, name: &str) -> Result<i64, SourceError> {
        let v = self.cell(c);
        let n = match v {
            Value::Int(n) if *n < 0 => Err(format!("{n} is negative")),
            Value::Int(n) => Ok(*n),
            Value::Float(f) if *f < 0.0 => Err(format!("{f} is negative")),
            // Below 2^63, so the cast is exact and cannot saturate.
            Value::Float(f) if f.fract() == 0.0 && *f < 9.2e18 => Ok(*f as i64),
            Value::Text(s) => parse_count(s.trim())
                .and_then(|n| i64::try_from(n).map_err(|_| format!("{n} is too large"))),
            v if is_blank(v) => Err("is empty; expected a whole number".to_string()),
            v => Err(format!("{:?} is not a whole number", v.to_string())),
        };
        n.map_err(|m| self.error(name, m))
    }

    fn opt_count(&self, c: u32, name: &str) -> Result<Option<i64>, SourceError> {
        if is_blank(self.cell(c)) {
            return Ok(None);
        }
        self.count(c, name).map(Some)
    }

    /// `H:MM` text as minutes. Netflix writes `*` where it gives no runtime and appends `*` as a
    /// footnote marker to some runtimes (`4:44*`); both are data, not errors.
    fn runtime(&self, c: u32) -> Result<Option<u32>, SourceError> {
        match self.cell(c) {
            v if is_blank(v) => Ok(None),
            Value::Text(s) => {
                let t = s.trim();
                let t = t.strip_suffix('*').unwrap_or(t).trim_end();
                if t.is_empty() {
                    return Ok(None);
                }
                parse_runtime(t)
                    .map(Some)
                    .ok_or_else(|| self.error(RUNTIME, format!("{s:?} is not a runtime in H:MM")))
            }
            v => Err(self.error(
                RUNTIME,
                format!("{:?} is not a runtime in H:MM", v.to_string()),
            )),
        }
    }
}

/// `7:34` -> 454. Hours may have any number of digits (`397:33` for long-running shows) and a
/// leading zero (`02:53`); minutes are exactly two digits below 60.
fn parse_runtime(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || h.len() > 5 || m.len() != 2 || !digits(m) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60).then(|| h * 60 + m)
}

/// Finds "from <Month> to <Month> <Year>" in a subtitle. `None` if the text has no such phrase;
/// `Some(Err)` if it does but the months are not a half-year.
fn parse_period(text: &str) -> Option<Result<String, String>> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_ascii_lowercase()
        })
        .collect();
    let month = |w: &str| MONTHS.iter().position(|m| *m == w).map(|i| i + 1);
    words.windows(5).find_map(|w| {
        if w[0] != "from" || w[2] != "to" {
            return None;
        }
        let (from, to) = (month(&w[1])?, month(&w[3])?);
        let year = Some(w[4].as_str())
            .filter(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))?;
        Some(match (from, to) {
            (1, 6) => Ok(format!("{year}H1")),
            (7, 12) => Ok(format!("{year}H2")),
            _ => Err(format!(
                "report period {text:?} is not January..June or July..December"
            )),
        })
    })
}

/// Converts an Excel date serial (1900 system; the reader converts 1904 workbooks) to a date,
/// within Excel's range 1900-01-01 .. 9999-12-31. Serials count from 1899-12-31 up to Excel's
/// phantom 1900-02-29 (serial 60, refused) and from 1899-12-30 after it.
fn excel_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let epoch = match days {
        ..60 => NaiveDate::from_ymd_opt(1899, 12, 31)?,
        60 => return None,
        _ => NaiveDate::from_ymd_opt(1899, 12, 30)?,
    };
    epoch.checked_add_signed(chrono::TimeDelta::try_days(days)?)
}

fn is_blank(v: &Value<'_>) -> bool {
    match v {
        Value::Empty => true,
        Value::Text(s) => s.trim().is_empty(),
        _ => false,
    }
}

fn cell_is(v: &Value<'_>, name: &str) -> bool {
    matches!(v, Value::Text(s) if s.trim().eq_ignore_ascii_case(name))
}

fn has_cell(row: &Row<'_>, name: &str) -> bool {
    row.cells.iter().any(|(_, c)| cell_is(c, name))
}

/// `0` -> `A`, `27` -> `AB`: how Excel names a column, for locating cells outside the table.
fn column_letter(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.iter().rev().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::top10::tests::invalid;
    use std::path::PathBuf;

    /// A cell of a handmade sheet.
    #[derive(Debug, Clone, Copy)]
    pub(crate) enum C<'a> {
        S(&'a str),
        N(f64),
        /// A number styled as a date (style 1 in [`xlsx`]'s `styles.xml`).
        D(f64),
        /// Raw cell XML, with `{at}` standing for the cell's reference.
        X(&'a str),
    }
    use C::{D, N, S, X};

    /// A sheet's rows: `(excel_row, cells starting at column B)`.
    type Rows<'a> = [(u32, &'a [C<'a>])];

    /// Builds a minimal XLSX (stored zip, inline strings) so error cases can be tested without
    /// an XLSX writer dependency. Cells start at column B, mirroring Netflix's layout.
    pub(crate) fn xlsx(sheets: &[(&str, &Rows<'_>)]) -> Vec<u8> {
        let mut files: Vec<(String, String)> = Vec::new();
        let mut book = String::from(
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#,
        );
        let mut rels = String::from(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
        );
        for (n, (name, rows)) in sheets.iter().enumerate() {
            let id = n + 1;
            book += &format!(r#"<sheet name="{name}" sheetId="{id}" r:id="rId{id}"/>"#);
            rels += &format!(
                r#"<Relationship Id="rId{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{id}.xml"/>"#
            );
            let mut xml = String::from(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
            );
            for (r, cells) in rows.iter() {
                xml += &format!(r#"<row r="{r}">"#);
                for (j, cell) in cells.iter().enumerate() {
                    let at = format!("{}{r}", column_letter(j + 1));
                    xml += &match cell {
                        S(s) => format!(r#"<c r="{at}" t="inlineStr"><is><t>{s}</t></is></c>"#),
                        N(v) => format!(r#"<c r="{at}"><v>{v}</v></c>"#),
                        D(v) => format!(r#"<c r="{at}" s="1"><v>{v}</v></c>"#),
                        X(xml) => xml.replace("{at}", &at),
                    };
                }
                xml += "</row>";
            }
            xml += "</sheetData></worksheet>";
            files.push((format!("xl/worksheets/sheet{id}.xml"), xml));
        }
        book += "</sheets></workbook>";
        rels += "</Relationships>";
        files.push(("xl/workbook.xml".into(), book));
        files.push(("xl/_rels/workbook.xml.rels".into(), rels));
        files.push((
            "xl/styles.xml".into(),
            r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#.into(),
        ));
        stored_zip(&files)
    }

    /// A zip archive with every entry stored (uncompressed): enough for any XLSX reader.
    pub(crate) fn stored_zip(files: &[(String, String)]) -> Vec<u8> {
        fn crc32(data: &[u8]) -> u32 {
            let mut crc = !0u32;
            for &b in data {
                crc ^= u32::from(b);
                for _ in 0..8 {
                    crc = if crc & 1 == 1 {
                        (crc >> 1) ^ 0xEDB8_8320
                    } else {
                        crc >> 1
                    };
                }
            }
            !crc
        }
        let (mut out, mut central) = (Vec::new(), Vec::new());
        for (name, body) in files {
            let (name, body) = (name.as_bytes(), body.as_bytes());
            let (crc, size, offset) = (crc32(body), body.len() as u32, out.len() as u32);
            let common = |v: &mut Vec<u8>| {
                v.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]); // version, flags, stored, time, date
                v.extend_from_slice(&crc.to_le_bytes());
                v.extend_from_slice(&size.to_le_bytes());
                v.extend_from_slice(&size.to_le_bytes());
                v.extend_from_slice(&(name.len() as u16).to_le_bytes());
                v.extend_from_slice(&[0, 0]); // extra length
            };
            out.extend_from_slice(b"PK\x03\x04");
            common(&mut out);
            out.extend_from_slice(name);
            out.extend_from_slice(body);
            central.extend_from_slice(b"PK\x01\x02\x14\x00");
            common(&mut central);
            central.extend_from_slice(&[0; 10]); // comment len, disk, internal + external attrs
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name);
        }
        let (cd_offset, cd_size, n) = (out.len() as u32, central.len() as u32, files.len() as u16);
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&cd_size.to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    const HEAD: &[C<'static>] = &[
        S("Title"),
        S("Available Globally?"),
        S("Release Date"),
        S("Hours Viewed"),
        S("Runtime"),
        S("Views"),
    ];
    const SUB: &[C<'static>] = &[S("Views from July to December 2023")];
    const TOP: &[C<'static>] = &[S("What We Watched: A Netflix Engagement Report")];
    const OK: &[C<'static>] = &[
        S("Partner Track: Season 1"),
        S("Yes"),
        S("2022-08-26"),
        N(10_600_000.0),
        S("7:34"),
        N(1_400_000.0),
    ];

    fn p() -> PathBuf {
        PathBuf::from("fixtures/report.xlsx")
    }

    /// A TV/Film workbook whose TV sheet has `rows` below a standard header at row 6.
    fn tv_film(rows: &[(u32, &[C<'_>])]) -> Vec<u8> {
        let mut tv: Vec<(u32, &[C<'_>])> = vec![(2, TOP), (3, SUB), (6, HEAD)];
        tv.extend_from_slice(rows);
        xlsx(&[
            ("TV", &tv),
            ("Film", &[(2, TOP), (3, SUB), (6, HEAD), (7, OK)]),
        ])
    }

    fn err(bytes: &[u8]) -> (Location, String) {
        invalid(read(&p(), bytes).unwrap_err())
    }

    fn at(sheet: &str, row: usize, column: &str) -> Location {
        Location::file(&p()).sheet(sheet).row(row).column(column)
    }

    #[test]
    fn reads_handmade_workbook() {
        let starred: &[C<'_>] = &[
            S("Peppa Pig: Season 1\u{a0}"),
            S("No"),
            S(""),
            N(7.3e7),
            S("*"),
            N(1.79e7),
        ];
        let footnote: &[C<'_>] = &[
            S("Jake Paul vs. Mike Tyson"),
            S("No"),
            S("2024-11-15"),
            N(2.357e8),
            S("4:44*"),
            N(4.89e7),
        ];
        let bytes = tv_film(&[(7, OK), (8, starred), (9, footnote), (12, &[S(" ")])]);
        let report = read(&p(), &bytes).unwrap();
        assert_eq!(report.period, "2023H2");
        assert_eq!(report.rows.len(), 4);
        let r = &report.rows[0];
        assert_eq!(
            (r.sheet.as_str(), r.row, r.kind),
            ("TV", 7, Some(EngagementKind::Tv))
        );
        assert_eq!(
            (r.title.as_str(), r.available_globally, r.hours),
            ("Partner Track: Season 1", true, 10_600_000)
        );
        assert_eq!(
            (r.release_date, r.runtime_minutes, r.views),
            (
                NaiveDate::from_ymd_opt(2022, 8, 26),
                Some(454),
                Some(1_400_000)
            )
        );
        let r = &report.rows[1];
        assert_eq!(
            (r.title.as_str(), r.release_date, r.runtime_minutes),
            ("Peppa Pig: Season 1", None, None)
        );
        assert_eq!(report.rows[2].runtime_minutes, Some(284));
        assert_eq!(
            (report.rows[3].sheet.as_str(), report.rows[3].kind),
            ("Film", Some(EngagementKind::Film))
        );
    }

    #[test]
    fn reads_2023h1_layout_with_excel_dates() {
        let head: &[C<'_>] = &[
            S("Title"),
            S("Available Globally?"),
            S("Release Date"),
            S("Hours Viewed"),
        ];
        // 44887 is 2022-11-22 in Excel's 1900 date system.
        let row: &[C<'_>] = &[
            S("Partner Track: Season 1"),
            S("Yes"),
            D(44887.0),
            N(22_700_000.0),
        ];
        let bytes = xlsx(&[(
            "Engagement",
            &[
                (3, &[S("Hours viewed from January to June 2023")]),
                (6, head),
                (7, row),
            ],
        )]);
        let report = read(&p(), &bytes).unwrap();
        assert_eq!(report.period, "2023H1");
        let r = &report.rows[0];
        assert_eq!(
            (r.kind, r.release_date, r.hours, r.runtime_minutes, r.views),
            (
                None,
                NaiveDate::from_ymd_opt(2022, 11, 22),
                22_700_000,
                None,
                None
            )
        );
    }

    #[test]
    fn cell_errors_are_located() {
        let cases: [(&[C<'_>], &str, &str); 9] = [
            (
                &[S("X"), S("Yes"), S("2023-02-30"), N(1.0), S("1:00"), N(1.0)],
                "Release Date",
                "not a date",
            ),
            (
                &[S("X"), S("Maybe"), S(""), N(1.0), S("1:00"), N(1.0)],
                "Available Globally?",
                "not Yes or No",
            ),
            (
                &[S("X"), S("Yes"), S(""), N(-5.0), S("1:00"), N(1.0)],
                "Hours Viewed",
                "negative",
            ),
            (
                &[S("X"), S("Yes"), S(""), S("12x"), S("1:00"), N(1.0)],
                "Hours Viewed",
                "\"12x\" is not a whole number",
            ),
            (
                &[S("X"), S("Yes"), S(""), N(1.5), S("1:00"), N(1.0)],
                "Hours Viewed",
                "not a whole number",
            ),
            (
                &[S("X"), S("Yes"), S(""), S(""), S("1:00"), N(1.0)],
                "Hours Viewed",
                "empty",
            ),
            (
                &[S("X"), S("Yes"), S(""), N(1.0), S("90 min"), N(1.0)],
                "Runtime",
                "not a runtime in H:MM",
            ),
            (
                &[S("X"), S("Yes"), S(""), N(1.0), S("1:75"), N(1.0)],
                "Runtime",
                "H:MM",
            ),
            (
                &[S("X"), S("Yes"), S(""), N(1.0), S("1:00"), N(-1.0)],
                "Views",
                "negative",
            ),
        ];
        for (row, column, want) in cases {
            let (loc, msg) = err(&tv_film(&[(7, OK), (8, row)]));
            assert_eq!(loc, at("TV", 8, column), "{want}");
            assert!(msg.contains(want), "{want}: {msg}");
        }
    }

    #[test]
    fn blank_title_in_the_middle() {
        let (loc, msg) = err(&tv_film(&[(7, OK), (8, &[S(""), S("Yes")]), (9, OK)]));
        assert_eq!(loc, at("TV", 8, "Title"));
        assert!(msg.contains("empty title"), "{msg}");
        // A wholly blank row followed by data is the same error.
        let (loc, _) = err(&tv_film(&[(7, OK), (9, OK)]));
        assert_eq!(loc, at("TV", 8, "Title"));
    }

    #[test]
    fn sheet_level_errors() {
        let (loc, msg) = err(&xlsx(&[("Sheet1", &[(1, OK)]), ("Notes", &[])]));
        assert_eq!(loc, Location::file(&p()));
        assert!(
            msg.contains("no engagement sheet") && msg.contains("`Sheet1`, `Notes`"),
            "{msg}"
        );

        let (loc, msg) = err(&xlsx(&[("TV", &[(3, SUB), (7, OK)])]));
        assert_eq!(loc, Location::file(&p()).sheet("TV"));
        assert!(msg.contains("no header row"), "{msg}");

        let (loc, msg) = err(&xlsx(&[("TV", &[(6, HEAD), (7, OK)])]));
        assert_eq!(loc, Location::file(&p()).sheet("TV"));
        assert!(msg.contains("no report period"), "{msg}");

        let (loc, msg) = err(&xlsx(&[(
            "TV",
            &[
                (3, &[S("Views from March to May 2023")]),
                (6, HEAD),
                (7, OK),
            ],
        )]));
        assert_eq!(loc, at("TV", 3, "B"));
        assert!(msg.contains("not January..June"), "{msg}");

        let (loc, msg) = err(&xlsx(&[
            ("Shows", &[(3, SUB), (6, HEAD), (7, OK)]),
            (
                "Movies",
                &[
                    (3, &[S("Views from January to June 2024")]),
                    (6, HEAD),
                    (7, OK),
                ],
            ),
        ]));
        assert_eq!(loc, Location::file(&p()).sheet("Movies"));
        assert!(
            msg.contains("2024H1 differs from sheet `Shows`'s 2023H2"),
            "{msg}"
        );

        let (loc, msg) = err(&xlsx(&[("TV", &[(3, SUB), (6, HEAD)])]));
        assert_eq!(loc, Location::file(&p()).sheet("TV").row(6));
        assert!(msg.contains("no data rows"), "{msg}");

        let (loc, msg) = err(&xlsx(&[("TV", &[])]));
        assert_eq!(loc, Location::file(&p()).sheet("TV"));
        assert!(msg.contains("empty"), "{msg}");

        let no_views: &[C<'_>] = &[S("Title"), S("Available Globally?"), S("Hours Viewed")];
        let (loc, msg) = err(&xlsx(&[("Film", &[(3, SUB), (6, no_views), (7, OK)])]));
        assert_eq!(loc, at("Film", 6, "Release Date"));
        assert!(
            msg.contains("missing required column `Release Date`"),
            "{msg}"
        );
    }

    /// Cells the XLSX reader itself refuses are located like any other bad cell.
    #[test]
    fn unreadable_cells_are_located() {
        let row = |cell: &'static str| -> Vec<C<'static>> {
            let mut r = OK.to_vec();
            r[3] = X(cell);
            r
        };
        for (cell, column, says) in [
            (
                r#"<c r="{at}"><v>34x</v></c>"#,
                Some("E"),
                "number cell holds \"34x\"",
            ),
            (
                r#"<c r="{at}" t="q"><v>1</v></c>"#,
                Some("E"),
                "unknown cell type",
            ),
            (
                r#"<c r="{at}" t="s"><v>5</v></c>"#,
                Some("E"),
                "shared string 5 does not exist",
            ),
            (
                r#"<c r="{at}" t="b"><v>2</v></c>"#,
                Some("E"),
                "boolean cell holds",
            ),
            (r#"<c r="E99"><v>1</v></c>"#, Some("E"), "outside its row"),
            (
                r#"<c r="{at}" s="x"><v>1</v></c>"#,
                Some("E"),
                "bad cell style",
            ),
            (r#"<c r="{at}"><v>1</c>"#, Some("E"), "malformed XML"),
            (r#"<c r="{at}"><v>1</v></c></bad>"#, None, "malformed XML"),
        ] {
            let cells = row(cell);
            let (loc, msg) = err(&tv_film(&[(7, OK), (8, &cells)]));
            let want = Location::file(&p()).sheet("TV").row(8);
            let want = match column {
                Some(c) => want.column(c),
                None => want,
            };
            assert_eq!(loc, want, "{cell}: {msg}");
            assert!(msg.contains(says), "{cell}: {msg}");
        }
    }

    /// Cells written in less common but valid ways are read, not dropped.
    #[test]
    fn inline_strings_whatever_the_type() {
        let mut row = OK.to_vec();
        row[5] = X(r#"<c r="{at}"><is><t>1234</t></is></c>"#);
        let mut row2 = OK.to_vec();
        row2[5] = X(r#"<c r="{at}" t="inlineStr"><v>5678</v></c>"#);
        let report = read(&p(), &tv_film(&[(7, &row), (8, &row2)])).unwrap();
        let views: Vec<Option<i64>> = report.rows.iter().map(|r| r.views).collect();
        assert_eq!(&views[..2], [Some(1234), Some(5678)]);
    }

    /// What a reader could only guess at is refused: text outside `<v>`, cells or rows out of
    /// order (a second cell for a column would silently replace the first).
    #[test]
    fn ambiguous_cells_and_rows_are_refused() {
        let mut loose = OK.to_vec();
        loose[3] = X(r#"<c r="{at}">5</c>"#);
        let (loc, msg) = err(&tv_film(&[(7, &loose)]));
        assert_eq!(loc, at("TV", 7, "E"));
        assert!(msg.contains("outside the cell"), "{msg}");
        let mut twice = OK.to_vec();
        twice[3] = X(r#"<c r="B7"><v>1</v></c>"#);
        let (loc, msg) = err(&tv_film(&[(7, &twice)]));
        assert_eq!(loc, at("TV", 7, "B"));
        assert!(msg.contains("cells must be in order"), "{msg}");
        let (loc, msg) = err(&tv_film(&[(7, OK), (7, OK)]));
        assert_eq!(loc, Location::file(&p()).sheet("TV").row(7));
        assert!(msg.contains("row 7 comes after row 7"), "{msg}");
    }

    #[test]
    fn not_a_workbook() {
        let good = tv_film(&[(7, OK)]);
        for bad in [
            &good[..good.len() / 2],
            &good[..4],
            b"PK\x03\x04garbage".as_slice(),
            b"",
        ] {
            let (loc, msg) = err(bad);
            assert_eq!(loc, Location::file(&p()));
            assert!(msg.contains("XLSX"), "{msg}");
        }
    }

    fn cell() -> impl proptest::strategy::Strategy<Value = C<'static>> {
        use proptest::prelude::*;
        let words: &'static [&'static str] = &[
            "Title",
            "Hours Viewed",
            "Available Globally?",
            "Release Date",
            "Runtime",
            "Views",
            "Views from July to December 2023",
            "from January to June 9999",
            "Yes",
            "No",
            "",
            " ",
            "*",
            "7:34",
            "4:44*",
            "99999:59",
            "2023-02-29",
            "2024-02-29",
            "12x",
            "-1",
            "N/A",
        ];
        prop_oneof![
            proptest::sample::select(words).prop_map(S),
            any::<f64>().prop_map(N),
            (-1e6f64..1e8).prop_map(N),
            any::<f64>().prop_map(D),
            (-10f64..3e6).prop_map(D),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 128, ..Default::default() })]

        /// Arbitrary cells under a valid title block and header: every outcome is a report or
        /// an error located in the file (and, past the workbook level, in the sheet).
        #[test]
        fn arbitrary_cells_never_panic(rows in proptest::collection::vec(proptest::collection::vec(cell(), 0..8), 0..6)) {
            let rows: Vec<(u32, &[C<'_>])> = rows.iter().enumerate().map(|(i, r)| (7 + i as u32, r.as_slice())).collect();
            match read(&p(), &tv_film(&rows)) {
                Ok(report) => proptest::prop_assert_eq!(report.period, "2023H2"),
                Err(e) => {
                    let loc = e.location().unwrap();
                    proptest::prop_assert_eq!(&loc.file, &p());
                    proptest::prop_assert_eq!(loc.sheet.as_deref(), Some("TV"));
                }
            }
        }

        /// Arbitrary cells anywhere, header and title block included.
        #[test]
        fn arbitrary_sheets_never_panic(rows in proptest::collection::vec(proptest::collection::vec(cell(), 0..8), 0..10)) {
            let rows: Vec<(u32, &[C<'_>])> = rows.iter().enumerate().map(|(i, r)| (1 + i as u32, r.as_slice())).collect();
            if let Err(e) = read(&p(), &xlsx(&[("Shows", &rows)])) {
                proptest::prop_assert_eq!(&e.location().unwrap().file, &p());
            }
        }

        /// Corrupted workbook bytes (zip structure, XML, CRCs).
        #[test]
        fn corrupted_workbook_never_panics(edits in proptest::collection::vec((proptest::prelude::any::<usize>(), proptest::prelude::any::<u8>()), 1..4)) {
            let mut bytes = tv_film(&[(7, OK)]);
            for (i, b) in edits {
                let n = bytes.len();
                bytes[i % n] = b;
            }
            if let Err(e) = read(&p(), &bytes) {
                proptest::prop_assert_eq!(&e.location().unwrap().file, &p());
            }
        }
    }

    #[test]
    fn periods() {
        assert_eq!(
            parse_period("Hours viewed from January to June 2023"),
            Some(Ok("2023H1".into()))
        );
        assert_eq!(
            parse_period("Views from July to December 2024."),
            Some(Ok("2024H2".into()))
        );
        assert_eq!(
            parse_period("What We Watched: A Netflix Engagement Report"),
            None
        );
        assert_eq!(parse_period("from July to December 24"), None);
        assert!(matches!(
            parse_period("from June to July 2023"),
            Some(Err(_))
        ));
    }

    #[test]
    fn runtimes_and_letters() {
        assert_eq!(parse_runtime("7:34"), Some(454));
        assert_eq!(parse_runtime("02:53"), Some(173));
        assert_eq!(parse_runtime("397:33"), Some(397 * 60 + 33));
        for bad in [
            "7",
            "7:3",
            "7:60",
            ":30",
            "a:30",
            "7:30:00",
            "-1:30",
            "999999:00",
        ] {
            assert_eq!(parse_runtime(bad), None, "{bad}");
        }
        assert_eq!(
            [0, 1, 25, 26, 27, 701, 702].map(column_letter),
            ["A", "B", "Z", "AA", "AB", "ZZ", "AAA"]
        );
    }
}
