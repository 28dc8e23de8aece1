//! Shared machinery for the TSV/CSV readers: header-by-name column lookup, line tracking and
//! value parsers whose errors already carry a [`Location`].
//!
//! Every text reader needs the same guarantees (reject non-UTF-8 naming the line and column,
//! reject short/long rows, never index past a row), so they live here once instead of four
//! times. Records are read into one reused [`csv::StringRecord`], so the only per-row
//! allocations are the owned strings of the output records themselves.

use crate::limits::{MAX_FIELD_BYTES, MAX_ROWS};
use crate::{Location, SourceError};
use chrono::NaiveDate;
use std::path::Path;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A column resolved from the header: its index and its header name (for error locations).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Col {
    idx: usize,
    name: &'static str,
}

/// A delimited file positioned after its header.
pub(crate) struct Table<'a> {
    path: &'a Path,
    /// The input (after any BOM), for turning byte offsets into line numbers.
    src: &'a [u8],
    /// Line-count memo: `src[..offset]` contains `lines` line breaks.
    counted: (usize, usize),
    reader: csv::Reader<&'a [u8]>,
    header: Vec<String>,
    record: csv::StringRecord,
    rows: usize,
}

impl<'a> Table<'a> {
    /// Opens `bytes` (the content of `path`) and reads the header line.
    pub(crate) fn open(
        path: &'a Path,
        bytes: &'a [u8],
        delimiter: u8,
    ) -> Result<Self, SourceError> {
        let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(SourceError::invalid(Location::file(path), "empty file"));
        }
        // Quoting stays on even for TSV: a publisher writing with pandas quotes a field that
        // starts with `"`, and a quote inside a field is kept literally either way.
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut table = Table {
            path,
            src: bytes,
            counted: (0, 0),
            reader,
            header: Vec::new(),
            record: csv::StringRecord::new(),
            rows: 0,
        };
        if !table.read_next()? {
            return Err(SourceError::invalid(Location::file(path), "empty file"));
        }
        let line = table.line();
        table.header = table.record.iter().map(|h| h.trim().to_string()).collect();
        if line != 1 {
            // csv skips blank lines; a header that is not on line 1 means the file starts blank,
            // which no publisher does and which would shift every line number we report.
            return Err(SourceError::invalid(
                Location::file(path).row(1),
                "line 1 is blank; expected the header",
            ));
        }
        Ok(table)
    }

    /// The index of the required column `name`, or an error naming it.
    pub(crate) fn column(&self, name: &'static str) -> Result<Col, SourceError> {
        self.optional_column(name).ok_or_else(|| {
            SourceError::invalid(
                Location::file(self.path).row(1).column(name),
                format!(
                    "missing required column `{name}` (header: {})",
                    self.header.join(", ")
                ),
            )
        })
    }

    /// The index of `name` if the header has it (for columns only some layouts carry).
    pub(crate) fn optional_column(&self, name: &'static str) -> Option<Col> {
        self.header
            .iter()
            .position(|h| h == name)
            .map(|idx| Col { idx, name })
    }

    /// Advances to the next data row; `Ok(None)` at the end of the file.
    ///
    /// Fails on a row whose field count differs from the header's (a truncated or hand-mangled
    /// file), and on a file with a header but no rows: an empty chart is never what a publisher
    /// meant to ship, and importing it would silently erase data downstream.
    pub(crate) fn next_row(&mut self) -> Result<Option<Row<'_>>, SourceError> {
        if !self.read_next()? {
            if self.rows == 0 {
                return Err(SourceError::invalid(
                    Location::file(self.path),
                    "no data rows (header only)",
                ));
            }
            return Ok(None);
        }
        self.rows += 1;
        let line = self.line();
        let (found, expected) = (self.record.len(), self.header.len());
        if found != expected {
            let loc = Location::file(self.path).row(line);
            let loc = match self.header.get(found) {
                Some(missing) => loc.column(missing.clone()),
                None => loc.column((expected + 1).to_string()),
            };
            let what = if found < expected {
                "too few"
            } else {
                "too many"
            };
            return Err(SourceError::invalid(
                loc,
                format!("{what} fields: expected {expected}, found {found} (truncated or malformed line?)"),
            ));
        }
        if self.rows > MAX_ROWS {
            return Err(SourceError::invalid(
                Location::file(self.path).row(line),
                format!("more than {MAX_ROWS} data rows (the most a file may hold)"),
            ));
        }
        self.check_fields(line)?;
        Ok(Some(Row {
            path: self.path,
            record: &self.record,
            line,
        }))
    }

    /// Every field of the current record is at most [`MAX_FIELD_BYTES`] long and holds no
    /// control character but tab, CR and LF: a NUL or an escape sequence in a title is a broken
    /// export, never a title, and it would be stored and shown as is. One pass over the
    /// record's bytes finds whether any field needs a closer look.
    fn check_fields(&self, line: usize) -> Result<(), SourceError> {
        let bad = is_control_byte;
        let long = self.record.as_slice().len() > MAX_FIELD_BYTES
            && self.record.iter().any(|f| f.len() > MAX_FIELD_BYTES);
        if !long && !self.record.as_slice().bytes().any(bad) {
            return Ok(());
        }
        for (i, field) in self.record.iter().enumerate() {
            let at = || {
                let column = self
                    .header
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| (i + 1).to_string());
                Location::file(self.path).row(line).column(column)
            };
            if field.len() > MAX_FIELD_BYTES {
                return Err(SourceError::invalid(
                    at(),
                    format!(
                        "{} bytes is longer than the longest field accepted ({MAX_FIELD_BYTES} bytes)",
                        field.len()
                    ),
                ));
            }
            if let Some(c) = field.bytes().find(|&b| bad(b)) {
                return Err(SourceError::invalid(
                    at(),
                    format!("holds the control character U+{c:04X}; a field holds text only"),
                ));
            }
        }
        Ok(())
    }

    /// Reads the next record into `self.record`, turning csv errors into located ones.
    fn read_next(&mut self) -> Result<bool, SourceError> {
        match self.reader.read_record(&mut self.record) {
            Ok(more) => Ok(more),
            Err(e) => Err(self.csv_error(e)),
        }
    }

    /// The 1-based line the current record starts on.
    fn line(&mut self) -> usize {
        let byte = self.record.position().map_or(0, |p| p.byte() as usize);
        let (line, offset) = self.line_at(byte);
        self.counted = (offset, line - 1);
        line
    }

    /// The line of a record whose position is `byte`, and the offset of its first byte.
    ///
    /// Counted here rather than taken from csv's `Position::line`, which lags by one after a
    /// CRLF line end (the record's position points at the `\n` left over from the previous
    /// line). A record never starts with a line break, so leading ones are skipped; a CR not
    /// followed by LF counts as a line break, as csv treats it.
    fn line_at(&self, byte: usize) -> (usize, usize) {
        let (from, mut breaks) = self.counted;
        let mut start = byte.max(from).min(self.src.len());
        while matches!(self.src.get(start), Some(b'\n' | b'\r')) {
            start += 1;
        }
        let seg = &self.src[from..start];
        // The plain count vectorises; the lone-CR pass only runs for files that have CRs.
        breaks += seg.iter().filter(|&&b| b == b'\n').count();
        if seg.contains(&b'\r') {
            let lone_cr =
                |(i, &b): (usize, &u8)| b == b'\r' && self.src.get(from + i + 1) != Some(&b'\n');
            breaks += seg.iter().enumerate().filter(|&x| lone_cr(x)).count();
        }
        (breaks + 1, start)
    }

    fn csv_error(&self, e: csv::Error) -> SourceError {
        let mut loc = Location::file(self.path);
        if let Some(pos) = e.position() {
            loc = loc.row(self.line_at(pos.byte() as usize).0);
        }
        match e.kind() {
            csv::ErrorKind::Utf8 { err, .. } => {
                let field = err.field();
                let column = self
                    .header
                    .get(field)
                    .cloned()
                    .unwrap_or_else(|| (field + 1).to_string());
                SourceError::invalid(loc.column(column), "not valid UTF-8")
            }
            _ => SourceError::invalid(loc, e.to_string()),
        }
    }
}

/// One data row, borrowed from its [`Table`].
pub(crate) struct Row<'r> {
    path: &'r Path,
    record: &'r csv::StringRecord,
    /// 1-based line the row starts on (header is line 1).
    pub(crate) line: usize,
}

impl<'r> Row<'r> {
    /// The raw field. Field counts are checked in [`Table::next_row`], so this cannot miss.
    pub(crate) fn get(&self, col: Col) -> &'r str {
        self.record.get(col.idx).unwrap_or("")
    }

    /// The located error for `col` on this row.
    pub(crate) fn error(&self, col: Col, message: impl Into<String>) -> SourceError {
        SourceError::invalid(
            Location::file(self.path).row(self.line).column(col.name),
            message,
        )
    }

    /// `Option<&str>`-style access: `None` for an empty field.
    pub(crate) fn opt(&self, col: Col) -> Option<&'r str> {
        Some(self.get(col)).filter(|s| !s.is_empty())
    }

    /// A field that must not be empty, trimmed (publishers leave stray spaces/NBSPs around
    /// titles, which would otherwise split one show into two).
    pub(crate) fn text(&self, col: Col) -> Result<&'r str, SourceError> {
        let s = self.get(col).trim();
        if s.is_empty() {
            return Err(self.error(col, "is empty"));
        }
        Ok(s)
    }

    /// A field that must be one of `allowed`.
    pub(crate) fn one_of(
        &self,
        col: Col,
        allowed: &[&'static str],
    ) -> Result<&'static str, SourceError> {
        let s = self.get(col);
        allowed.iter().copied().find(|a| *a == s).ok_or_else(|| {
            let list = allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ");
            self.error(col, format!("unknown value {s:?} (expected one of {list})"))
        })
    }

    pub(crate) fn count(&self, col: Col) -> Result<u64, SourceError> {
        parse_count(self.get(col)).map_err(|m| self.error(col, m))
    }

    pub(crate) fn u32(&self, col: Col) -> Result<u32, SourceError> {
        let n = self.count(col)?;
        u32::try_from(n).map_err(|_| self.error(col, format!("{n} is too large")))
    }

    pub(crate) fn i64(&self, col: Col) -> Result<i64, SourceError> {
        let n = self.count(col)?;
        i64::try_from(n).map_err(|_| self.error(col, format!("{n} is too large")))
    }

    /// A rank in a Top 10: 1..=10. 0 is not a rank and 11 is not in a Top 10; both are broken
    /// exports, and an 11th row would count hours no chart gave.
    pub(crate) fn rank(&self, col: Col) -> Result<u32, SourceError> {
        match self.u32(col)? {
            0 => Err(self.error(col, "rank 0 (ranks start at 1)")),
            n @ 1..=10 => Ok(n),
            n => Err(self.error(col, format!("rank {n} is not in a Top 10 (1..=10)"))),
        }
    }

    /// A chart week: the Sunday that ends it (Netflix's weeks run Monday..Sunday). Another day
    /// is a shifted or hand-edited file, and would put the week's hours in the wrong week.
    pub(crate) fn week(&self, col: Col) -> Result<NaiveDate, SourceError> {
        use chrono::Datelike;
        let d = self.date(col)?;
        if d.weekday() != chrono::Weekday::Sun {
            return Err(self.error(
                col,
                format!("{d} is a {}; a chart week ends on a Sunday", d.format("%A")),
            ));
        }
        Ok(d)
    }

    /// An ISO 3166-1 alpha-2 code: exactly two ASCII capital letters (`AR`).
    pub(crate) fn iso2(&self, col: Col) -> Result<&'r str, SourceError> {
        let s = self.text(col)?;
        if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(self.error(
                col,
                format!("{s:?} is not an ISO 3166 country code (two capital letters, like AR)"),
            ));
        }
        Ok(s)
    }

    pub(crate) fn opt_i64(&self, col: Col) -> Result<Option<i64>, SourceError> {
        if self.opt(col).is_none() {
            return Ok(None);
        }
        self.i64(col).map(Some)
    }

    /// A non-negative, finite decimal.
    pub(crate) fn decimal(&self, col: Col) -> Result<f64, SourceError> {
        parse_decimal(self.get(col)).map_err(|m| self.error(col, m))
    }

    pub(crate) fn opt_decimal(&self, col: Col) -> Result<Option<f64>, SourceError> {
        if self.opt(col).is_none() {
            return Ok(None);
        }
        self.decimal(col).map(Some)
    }

    pub(crate) fn date(&self, col: Col) -> Result<NaiveDate, SourceError> {
        parse_date(self.get(col)).map_err(|m| self.error(col, m))
    }

    pub(crate) fn opt_date(&self, col: Col) -> Result<Option<NaiveDate>, SourceError> {
        if self.opt(col).is_none() {
            return Ok(None);
        }
        self.date(col).map(Some)
    }
}

/// A control character no text field may hold: C0 but tab, LF and CR, and DEL. (Bytes, not
/// chars: each is one byte in UTF-8, and no multi-byte character contains one.)
pub(crate) fn is_control_byte(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f
}

/// Parses a non-negative whole number, with a message saying exactly what is wrong.
pub(crate) fn parse_count(s: &str) -> Result<u64, String> {
    if s.is_empty() {
        return Err("is empty; expected a whole number".into());
    }
    if let Some(rest) = s.strip_prefix('-') {
        if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("{s:?} is negative"));
        }
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{s:?} is not a whole number"));
    }
    s.parse::<u64>().map_err(|_| format!("{s:?} is too large"))
}

/// Parses a non-negative finite decimal (`1.9667`). `inf`/`NaN` parse as floats but are never
/// data, so they are refused like any other junk.
pub(crate) fn parse_decimal(s: &str) -> Result<f64, String> {
    if s.is_empty() {
        return Err("is empty; expected a number".into());
    }
    let valid_chars = s
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-');
    match s.parse::<f64>() {
        Ok(v) if valid_chars && v.is_finite() && v < 0.0 => Err(format!("{s:?} is negative")),
        Ok(v) if valid_chars && v.is_finite() => Ok(v),
        _ => Err(format!("{s:?} is not a number")),
    }
}

/// Parses an ISO `YYYY-MM-DD` date, the only date shape the publishers use. Done by hand
/// because it runs once per row and chrono's format-string parser dominated the TSV profile.
pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if shape_ok {
        let num = |r: std::ops::Range<usize>| {
            b[r].iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'))
        };
        let year = i32::try_from(num(0..4)).unwrap_or(0);
        if let Some(d) = NaiveDate::from_ymd_opt(year, num(5..7), num(8..10)) {
            return check_year(year)
                .map(|()| d)
                .map_err(|m| format!("{s:?}: {m}"));
        }
    }
    Err(format!("{s:?} is not a date (expected YYYY-MM-DD)"))
}

/// The years a date or a year in a data file may have: 1900..=2100. Nothing these publishers
/// list aired or was released before 1900 (the earliest real date is 1941), and `0000` or `9999`
/// is a placeholder or a typo that would otherwise date a season, or an "as of" answer, absurdly.
pub(crate) const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// Whether `year` is in [`YEARS`], with the message saying so when not.
pub(crate) fn check_year(year: i32) -> Result<(), String> {
    if YEARS.contains(&year) {
        return Ok(());
    }
    Err(format!(
        "year {year:04} is out of range ({}..={})",
        YEARS.start(),
        YEARS.end()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(parse_count("0"), Ok(0));
        assert_eq!(parse_count("16600000"), Ok(16_600_000));
        assert_eq!(
            parse_count("12x").unwrap_err(),
            "\"12x\" is not a whole number"
        );
        assert_eq!(parse_count("-5").unwrap_err(), "\"-5\" is negative");
        assert!(parse_count("+5").is_err());
        assert!(parse_count(" 5").is_err());
        assert!(parse_count("1.5").is_err());
        assert!(parse_count("").unwrap_err().contains("empty"));
        assert!(parse_count("99999999999999999999999")
            .unwrap_err()
            .contains("too large"));
    }

    #[test]
    fn decimals() {
        assert_eq!(parse_decimal("1.9667"), Ok(1.9667));
        assert_eq!(parse_decimal("2"), Ok(2.0));
        assert!(parse_decimal("-0.5").unwrap_err().contains("negative"));
        for bad in ["inf", "NaN", "1e5", "1,5", "abc", ""] {
            assert!(parse_decimal(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("2022-08-28"),
            Ok(NaiveDate::from_ymd_opt(2022, 8, 28).unwrap())
        );
        for bad in [
            "2022-13-01",
            "2022-02-30",
            "22-08-28",
            "2022/08/28",
            "2022-8-28",
            "",
            "+002022-08-28",
            "0000-01-01",
            "1899-12-31",
            "2101-01-01",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }
}
