//! The "greenlight exact platform metrics" file: the exact metrics a platform computes from its
//! own member-level logs (`greenlight platform metrics … --out NAME.greenlight.csv`, issue 17),
//! as a file `greenlight import` takes.
//!
//! This module is the one definition of the format: the platform's writer ([`write`]) and the
//! import's reader ([`read`]) both use [`COLUMNS`], [`MAGIC`] and [`ExactRow::check`], so a file
//! the writer produces is always one the reader accepts (a round-trip test holds them equal).
//! It is not one of the public-data [`crate::Format`]s: its rows are a platform's own figures,
//! keyed by the store's series slugs, not published spellings to resolve, so the store keeps them
//! apart (component `platform`) rather than as a raw dataset.
//!
//! Layout (CSV, UTF-8, `\n` line ends), METRICS.md "The exact metrics file":
//!
//! ```text
//! # greenlight exact platform metrics v1
//! # publisher: Netflix content team
//! # generated: 2026-12-03
//! window,from,to,series,season,seconds,views_milli,...
//! launch+28,2023-01-01,2023-01-28,wednesday,1,...
//! ```
//!
//! The three `#` lines are the provenance (who computed the figures, and when); a CSV reader
//! told to skip `#` comments (DuckDB's `comment='#'`, pandas' `comment='#'`) reads the rest as a
//! plain table. Every integer is a decimal integer string, exact: AVS and the window weight are
//! sums that outgrow 64 bits and are read as `i128`.

use crate::limits::{MAX_FIELD_BYTES, MAX_ROWS};
use crate::titles::MAX_SEASON;
use crate::{Location, SourceError};
use chrono::NaiveDate;
use std::io::Write;
use std::path::Path;

/// The first line, up to the version: what recognises the file.
pub const MAGIC: &str = "# greenlight exact platform metrics v";
/// The version this build writes and reads.
pub const VERSION: u32 = 1;
/// The provenance lines' keys (lines 2 and 3).
const PUBLISHER: &str = "# publisher: ";
const GENERATED: &str = "# generated: ";
/// A publisher's name: at most this many bytes (it is a name, shown beside every figure).
pub const MAX_PUBLISHER_BYTES: usize = 200;
/// Lines before the first data row: the three provenance lines and the column header.
const PREAMBLE_LINES: usize = 4;

/// The columns, in the order written and required.
pub const COLUMNS: [&str; 19] = [
    "window",
    "from",
    "to",
    "series",
    "season",
    "seconds",
    "views_milli",
    "viewers",
    "completers",
    "completion_nano",
    "view_share_nano",
    "avs",
    "avs_share_nano",
    "cost_micros",
    "cost_source",
    "cost_share_nano",
    "efficiency_micro",
    "window_seconds",
    "window_weight",
];

/// The whole of a share, in nano-units.
const NANO: i64 = 1_000_000_000;

/// Who computed a file's figures, and when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Provenance {
    /// The platform or team, as given on the command line (`--publisher`).
    pub publisher: String,
    /// The day the file was generated.
    pub generated: NaiveDate,
}

impl Provenance {
    /// A provenance the file can carry: a one-line name of 1..=200 bytes with no control
    /// character, and a date in 1900..=2100.
    pub fn new(publisher: &str, generated: NaiveDate) -> Result<Provenance, String> {
        let p = publisher.trim();
        if p.is_empty() {
            return Err("the publisher's name is empty".into());
        }
        if p.len() > MAX_PUBLISHER_BYTES {
            return Err(format!(
                "the publisher's name is {} bytes, more than {MAX_PUBLISHER_BYTES}",
                p.len()
            ));
        }
        if p.chars().any(char::is_control) {
            return Err(
                "the publisher's name holds a control character (one line of text only)".into(),
            );
        }
        crate::delimited::check_year(chrono::Datelike::year(&generated))?;
        Ok(Provenance {
            publisher: p.to_string(),
            generated,
        })
    }
}

/// One title in one window: the platform's `TitleWindow` without its internal title id (the
/// series slug and season name the title), every definition in METRICS.md.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExactRow {
    /// `launch+N` (the first N days after the season's launch) or `FROM..TO`.
    pub window: String,
    /// First and last day of the window, inclusive.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The series' slug, as the store names it.
    pub series: String,
    pub season: u32,
    pub seconds: i64,
    pub views_milli: i64,
    pub viewers: i64,
    pub completers: i64,
    pub completion_nano: i64,
    pub view_share_nano: i64,
    pub avs: i128,
    pub avs_share_nano: i64,
    pub cost_micros: Option<i64>,
    pub cost_source: Option<String>,
    pub cost_share_nano: Option<i64>,
    pub efficiency_micro: Option<i64>,
    pub window_seconds: i64,
    pub window_weight: i128,
}

/// A whole file: its provenance and rows, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExactFile {
    pub provenance: Provenance,
    pub rows: Vec<ExactRow>,
}

/// Whether `bytes` (a file's first bytes are enough) start like an exact metrics file, of any
/// version: what `greenlight import` routes on. The reader then checks the version.
pub fn looks_like(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    b.starts_with(MAGIC.as_bytes())
}

/// Whether the file at `path` starts like an exact metrics file (reads its first 64 bytes only;
/// an unreadable file is not one, and is left to the reader that takes it to report).
pub fn looks_like_file(path: &Path) -> bool {
    crate::limits::head(path, 64).is_some_and(|head| looks_like(&head))
}

/// The first digit-only integer rule of the format: optional `-` then ASCII digits (no `+`,
/// no spaces, no exponent), so what is read is exactly what was written.
fn int<T: std::str::FromStr>(s: &str) -> Result<T, String> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{s}` is not a decimal integer"));
    }
    s.parse::<T>()
        .map_err(|_| format!("`{s}` is out of range for this column"))
}

fn date(s: &str) -> Result<NaiveDate, String> {
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|_| s.len() == 10)
        .ok_or_else(|| format!("`{s}` is not a YYYY-MM-DD date"))?;
    crate::delimited::check_year(chrono::Datelike::year(&d))?;
    Ok(d)
}

/// Checks a window label: `launch+N` (N in 1..=3660) or `FROM..TO` naming the row's own dates.
fn check_window(label: &str, from: NaiveDate, to: NaiveDate) -> Result<(), String> {
    if let Some(n) = label.strip_prefix("launch+") {
        let n: u32 = int(n).map_err(|e| format!("window `{label}`: {e}"))?;
        if !(1..=3660).contains(&n) {
            return Err(format!(
                "window `{label}`: a launch window is 1..=3660 days"
            ));
        }
        return Ok(());
    }
    if label == format!("{from}..{to}") {
        return Ok(());
    }
    Err(format!(
        "`{label}` is not a window label: expected `launch+N` or `{from}..{to}` (the row's from..to)"
    ))
}

/// A series slug as the store makes them: the title's normal form ([`crate::titles::normalize`]:
/// lower case, diacritics and punctuation gone, letters of any script kept) with dashes for
/// spaces, so `the-lørenskog-disappearance` is one and `Squid Game` or `squid--game` is not. The
/// rule is "what normalising the slug again gives back", which every slug the store writes
/// (with its `-film` or `-2` tie-breakers) passes.
fn check_slug(s: &str) -> Result<(), String> {
    if !s.is_empty() && crate::titles::normalize(s).replace(' ', "-") == s {
        Ok(())
    } else {
        Err(format!(
            "`{s}` is not a series slug (lower case, `-` between words, as `greenlight show` names it)"
        ))
    }
}

impl ExactRow {
    /// The definitional checks every row must pass, written or read: the window's label and
    /// dates agree, no count is negative, shares are within the whole, the completers are among
    /// the viewers, the title's seconds within the window's, cost shares only with a cost.
    /// Returns the column at fault and why.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        let e = |c: &'static str, m: String| Err((c, m));
        if self.to < self.from {
            return e("to", format!("{} is before `from` {}", self.to, self.from));
        }
        check_window(&self.window, self.from, self.to).or_else(|m| e("window", m))?;
        check_slug(&self.series).or_else(|m| e("series", m))?;
        if self.series.len() > MAX_FIELD_BYTES {
            return e("series", "longer than the longest field accepted".into());
        }
        if !(1..=MAX_SEASON).contains(&self.season) {
            return e(
                "season",
                format!("season {} is not 1..={MAX_SEASON}", self.season),
            );
        }
        for (c, v) in [
            ("seconds", self.seconds),
            ("views_milli", self.views_milli),
            ("viewers", self.viewers),
            ("completers", self.completers),
            ("window_seconds", self.window_seconds),
        ] {
            if v < 0 {
                return e(c, format!("{v} is negative"));
            }
        }
        for (c, v) in [
            ("completion_nano", Some(self.completion_nano)),
            ("view_share_nano", Some(self.view_share_nano)),
            ("avs_share_nano", Some(self.avs_share_nano)),
            ("cost_share_nano", self.cost_share_nano),
        ] {
            if let Some(v) = v {
                if !(0..=NANO).contains(&v) {
                    return e(c, format!("{v} is not a share: 0..=1000000000 nano-units"));
                }
            }
        }
        if self.avs < 0 {
            return e("avs", format!("{} is negative", self.avs));
        }
        if self.window_weight < 0 {
            return e(
                "window_weight",
                format!("{} is negative", self.window_weight),
            );
        }
        if self.completers > self.viewers {
            return e(
                "completers",
                format!(
                    "{} completers but {} viewers",
                    self.completers, self.viewers
                ),
            );
        }
        if self.seconds > self.window_seconds {
            return e(
                "seconds",
                format!(
                    "{} seconds of the title but {} in the whole window",
                    self.seconds, self.window_seconds
                ),
            );
        }
        match self.cost_micros {
            Some(c) if c <= 0 => return e("cost_micros", format!("{c} is not a cost")),
            Some(_) if self.cost_source.is_none() => {
                return e("cost_source", "a cost needs its source".into())
            }
            None if self.cost_share_nano.is_some() => {
                return e("cost_share_nano", "a cost share without a cost".into())
            }
            None if self.efficiency_micro.is_some() => {
                return e("efficiency_micro", "an efficiency without a cost".into())
            }
            _ => {}
        }
        if let Some(v) = self.efficiency_micro.filter(|v| *v < 0) {
            return e("efficiency_micro", format!("{v} is negative"));
        }
        if let Some(s) = &self.cost_source {
            if s.is_empty() || s.len() > MAX_FIELD_BYTES || s.chars().any(char::is_control) {
                return e("cost_source", "not a one-line source name".into());
            }
        }
        Ok(())
    }

    /// The row's fields in [`COLUMNS`] order, as the file writes them (the platform's plain CSV
    /// writes the same fields, with its own title id beside them).
    pub fn fields(&self) -> [String; 19] {
        let opt = |v: &Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        [
            self.window.clone(),
            self.from.to_string(),
            self.to.to_string(),
            self.series.clone(),
            self.season.to_string(),
            self.seconds.to_string(),
            self.views_milli.to_string(),
            self.viewers.to_string(),
            self.completers.to_string(),
            self.completion_nano.to_string(),
            self.view_share_nano.to_string(),
            self.avs.to_string(),
            self.avs_share_nano.to_string(),
            opt(&self.cost_micros),
            self.cost_source.clone().unwrap_or_default(),
            opt(&self.cost_share_nano),
            opt(&self.efficiency_micro),
            self.window_seconds.to_string(),
            self.window_weight.to_string(),
        ]
    }
}

/// Why a file could not be written: a row the reader would refuse (its index and column), or
/// the output failing.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("exact metrics row {row} ({series} season {season}, {window}), column `{column}`: {message}")]
    Row {
        row: usize,
        series: String,
        season: u32,
        window: String,
        column: &'static str,
        message: String,
    },
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Csv(#[from] csv::Error),
}

/// Writes `file` in the format; every row is checked first ([`ExactRow::check`], as the reader
/// checks it), and two rows for one (window, series, season) are refused, so nothing is written
/// that the import would refuse.
pub fn write(file: &ExactFile, mut out: impl Write) -> Result<(), WriteError> {
    let mut seen = std::collections::HashSet::with_capacity(file.rows.len());
    for (i, r) in file.rows.iter().enumerate() {
        let fail = |column, message| WriteError::Row {
            row: i + 1,
            series: r.series.clone(),
            season: r.season,
            window: r.window.clone(),
            column,
            message,
        };
        r.check().map_err(|(c, m)| fail(c, m))?;
        if !seen.insert((&r.window, &r.series, r.season)) {
            return Err(fail(
                "window",
                "a second row for this window, series and season".into(),
            ));
        }
    }
    if file.rows.len() > MAX_ROWS {
        return Err(WriteError::Io(std::io::Error::other(format!(
            "{} rows: an exact metrics file holds at most {MAX_ROWS}",
            file.rows.len()
        ))));
    }
    let p = Provenance::new(&file.provenance.publisher, file.provenance.generated)
        .map_err(std::io::Error::other)?;
    writeln!(out, "{MAGIC}{VERSION}")?;
    writeln!(out, "{PUBLISHER}{}", p.publisher)?;
    writeln!(out, "{GENERATED}{}", p.generated)?;
    let mut w = csv::WriterBuilder::new().from_writer(&mut out);
    w.write_record(COLUMNS)?;
    for r in &file.rows {
        w.write_record(r.fields())?;
    }
    w.flush()?;
    drop(w);
    out.flush()?;
    Ok(())
}

/// Reads an exact metrics file, or refuses it whole with an error naming the file, the line and
/// the column: an unknown first line or version, a provenance line missing or malformed, a
/// header that is not exactly [`COLUMNS`] (the missing or unexpected column named), a row with
/// the wrong number of fields, a field that is not the integer, date or text its column holds,
/// a row failing [`ExactRow::check`], or a (window, series, season) given twice.
pub fn read(path: &Path, bytes: &[u8]) -> Result<ExactFile, SourceError> {
    read_located(path, bytes).map(|(file, _)| file)
}

/// [`read`], with each row's 1-based line in the file (same order as the rows), so a check made
/// later (the import's: does a series have this slug?) can name the line it refuses.
pub fn read_located(path: &Path, bytes: &[u8]) -> Result<(ExactFile, Vec<usize>), SourceError> {
    crate::limits::check_data_size(path, bytes, false)?;
    let at = |line: usize| Location::file(path).row(line);
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // The preamble: at most four lines, split by hand (bounded), then the rest is CSV.
    let mut rest = bytes;
    let mut pre: Vec<&str> = Vec::with_capacity(PREAMBLE_LINES);
    for line in 1..=PREAMBLE_LINES {
        let (l, r) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        let l = l.strip_suffix(b"\r").unwrap_or(l);
        let l = std::str::from_utf8(l)
            .map_err(|_| SourceError::invalid(at(line), "not valid UTF-8"))?;
        if l.len() > MAX_FIELD_BYTES {
            return Err(SourceError::invalid(
                at(line),
                "line too long for the preamble",
            ));
        }
        pre.push(l);
        rest = r;
    }
    let version = pre[0].strip_prefix(MAGIC).ok_or_else(|| {
        SourceError::invalid(
            at(1),
            format!(
                "not a greenlight exact platform metrics file: line 1 must be `{MAGIC}{VERSION}`"
            ),
        )
    })?;
    if version != VERSION.to_string() {
        return Err(SourceError::invalid(
            at(1),
            format!("version `{version}` of the exact metrics file is not supported; this greenlight reads version {VERSION}"),
        ));
    }
    let publisher = pre[1].strip_prefix(PUBLISHER).ok_or_else(|| {
        SourceError::invalid(
            at(2),
            format!("expected `{PUBLISHER}NAME` (who computed the figures)"),
        )
    })?;
    let generated = pre[2]
        .strip_prefix(GENERATED)
        .ok_or_else(|| SourceError::invalid(at(3), format!("expected `{GENERATED}YYYY-MM-DD`")))?;
    let generated = date(generated.trim()).map_err(|m| SourceError::invalid(at(3), m))?;
    let provenance =
        Provenance::new(publisher, generated).map_err(|m| SourceError::invalid(at(2), m))?;
    check_header(path, pre[3])?;

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(rest);
    let mut record = csv::StringRecord::new();
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    let mut seen: std::collections::HashMap<(String, String, u32), usize> =
        std::collections::HashMap::new();
    // The csv crate's line numbers skip blank lines, and a record's position is where the
    // blank lines before it began: the file's line of the record's first byte is counted here
    // instead, forwards only (each byte is counted once).
    let mut counted = (0usize, PREAMBLE_LINES + 1);
    let mut line_at = |byte: u64| -> usize {
        let mut byte = (byte as usize).min(rest.len());
        while byte < rest.len() && matches!(rest[byte], b'\n' | b'\r') {
            byte += 1;
        }
        if byte >= counted.0 {
            counted.1 += rest[counted.0..byte]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            counted.0 = byte;
        }
        counted.1
    };
    loop {
        let more = reader.read_record(&mut record);
        let more = more.map_err(|e| {
            let line = e
                .position()
                .map_or(PREAMBLE_LINES + 1, |p| line_at(p.byte()));
            let why = match e.kind() {
                csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_string(),
                _ => format!("malformed CSV: {e}"),
            };
            SourceError::invalid(at(line), why)
        })?;
        if !more {
            break;
        }
        let line = record
            .position()
            .map_or(PREAMBLE_LINES + 1, |p| line_at(p.byte()));
        if rows.len() >= MAX_ROWS {
            return Err(SourceError::invalid(
                at(line),
                format!("more than {MAX_ROWS} data rows (the most a file may hold)"),
            ));
        }
        let row = parse_row(path, line, &record)?;
        let key = (row.window.clone(), row.series.clone(), row.season);
        if let Some(first) = seen.insert(key, line) {
            return Err(SourceError::invalid(
                at(line).column("window"),
                format!("repeats the row of line {first} (same window, series and season)"),
            ));
        }
        rows.push(row);
        lines.push(line);
    }
    if rows.is_empty() {
        return Err(SourceError::invalid(
            Location::file(path),
            "no data rows (header only)",
        ));
    }
    Ok((ExactFile { provenance, rows }, lines))
}

/// Line 4 must be exactly [`COLUMNS`], in order: the file is greenlight's own, so a column
/// missing, added or moved is a different file, named as such.
fn check_header(path: &Path, line: &str) -> Result<(), SourceError> {
    let got: Vec<&str> = line.split(',').map(str::trim).collect();
    if got == COLUMNS {
        return Ok(());
    }
    let at = Location::file(path).row(PREAMBLE_LINES);
    if let Some(missing) = COLUMNS.iter().find(|c| !got.contains(c)) {
        return Err(SourceError::invalid(
            at.column(*missing),
            format!("missing required column `{missing}` (header: {line})"),
        ));
    }
    if let Some(extra) = got.iter().find(|c| !COLUMNS.contains(c)) {
        return Err(SourceError::invalid(
            at.column(extra.to_string()),
            format!(
                "unexpected column `{extra}`; the columns are: {}",
                COLUMNS.join(",")
            ),
        ));
    }
    Err(SourceError::invalid(
        at,
        format!("the columns must be, in this order: {}", COLUMNS.join(",")),
    ))
}

fn parse_row(path: &Path, line: usize, rec: &csv::StringRecord) -> Result<ExactRow, SourceError> {
    let at = |c: &str| Location::file(path).row(line).column(c);
    if rec.len() != COLUMNS.len() {
        let what = if rec.len() < COLUMNS.len() {
            "too few"
        } else {
            "too many"
        };
        let col = COLUMNS.get(rec.len()).copied().unwrap_or("(past the last)");
        return Err(SourceError::invalid(
            at(col),
            format!(
                "{what} fields: expected {}, found {} (truncated or malformed line?)",
                COLUMNS.len(),
                rec.len()
            ),
        ));
    }
    for (i, f) in rec.iter().enumerate() {
        if f.len() > MAX_FIELD_BYTES {
            return Err(SourceError::invalid(
                at(COLUMNS[i]),
                format!(
                    "{} bytes is longer than the longest field accepted ({MAX_FIELD_BYTES} bytes)",
                    f.len()
                ),
            ));
        }
        if f.bytes().any(crate::delimited::is_control_byte) || f.contains(['\n', '\r', '\t']) {
            return Err(SourceError::invalid(
                at(COLUMNS[i]),
                "holds a control character; a field holds text only",
            ));
        }
    }
    // Fields by position (the header was checked to be COLUMNS in order).
    let get = |i: usize| rec.get(i).unwrap_or_default();
    let fail = |i: usize, m: String| SourceError::invalid(at(COLUMNS[i]), m);
    let req = |i: usize| -> Result<&str, SourceError> {
        let s = get(i);
        if s.is_empty() {
            Err(fail(i, "empty; this column is required".into()))
        } else {
            Ok(s)
        }
    };
    let i64_at = |i: usize| req(i).and_then(|s| int::<i64>(s).map_err(|m| fail(i, m)));
    let i128_at = |i: usize| req(i).and_then(|s| int::<i128>(s).map_err(|m| fail(i, m)));
    let opt_at = |i: usize| match get(i) {
        "" => Ok(None),
        s => int::<i64>(s).map(Some).map_err(|m| fail(i, m)),
    };
    let date_at = |i: usize| req(i).and_then(|s| date(s).map_err(|m| fail(i, m)));
    let row = ExactRow {
        window: req(0)?.to_string(),
        from: date_at(1)?,
        to: date_at(2)?,
        series: req(3)?.to_string(),
        season: req(4).and_then(|s| int::<u32>(s).map_err(|m| fail(4, m)))?,
        seconds: i64_at(5)?,
        views_milli: i64_at(6)?,
        viewers: i64_at(7)?,
        completers: i64_at(8)?,
        completion_nano: i64_at(9)?,
        view_share_nano: i64_at(10)?,
        avs: i128_at(11)?,
        avs_share_nano: i64_at(12)?,
        cost_micros: opt_at(13)?,
        cost_source: Some(get(14)).filter(|s| !s.is_empty()).map(str::to_string),
        cost_share_nano: opt_at(15)?,
        efficiency_micro: opt_at(16)?,
        window_seconds: i64_at(17)?,
        window_weight: i128_at(18)?,
    };
    row.check()
        .map_err(|(c, m)| SourceError::invalid(at(c), m))?;
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample() -> ExactFile {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let row =
            |series: &str, season, window: &str, from, to, avs: i128, cost: Option<i64>| ExactRow {
                window: window.into(),
                from: d(from),
                to: d(to),
                series: series.into(),
                season,
                seconds: 123_456_789,
                views_milli: 45_678,
                viewers: 9_876,
                completers: 1_234,
                completion_nano: 124_949_372,
                view_share_nano: 17_000_001,
                avs,
                avs_share_nano: 21_000_000,
                cost_micros: cost,
                cost_source: cost.map(|_| "Variety, \"reported\"".to_string()),
                cost_share_nano: cost.map(|_| 50_000_000),
                efficiency_micro: cost.map(|_| 420_000),
                window_seconds: 7_262_164_058,
                window_weight: 170_141_183_460_469_231_731_687_303_715_884_105_727,
            };
        ExactFile {
            provenance: Provenance::new("Netflix content team", d("2026-12-03")).unwrap(),
            rows: vec![
                row(
                    "wednesday",
                    1,
                    "launch+28",
                    "2022-11-23",
                    "2022-12-20",
                    1 << 100,
                    Some(90_000_000_000),
                ),
                row(
                    "wednesday",
                    1,
                    "2022-12-01..2022-12-31",
                    "2022-12-01",
                    "2022-12-31",
                    0,
                    None,
                ),
                row(
                    "squid-game",
                    2,
                    "launch+28",
                    "2024-12-26",
                    "2025-01-22",
                    i128::MAX,
                    None,
                ),
            ],
        }
    }

    fn written(f: &ExactFile) -> Vec<u8> {
        let mut out = Vec::new();
        write(f, &mut out).unwrap();
        out
    }

    #[test]
    fn writes_and_reads_back_equal() {
        let f = sample();
        let bytes = written(&f);
        assert!(looks_like(&bytes));
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with("# greenlight exact platform metrics v1\n# publisher: Netflix content team\n# generated: 2026-12-03\nwindow,from,to,series,"), "{text}");
        // 128-bit sums as decimal integers, exactly.
        assert!(text.contains(&i128::MAX.to_string()));
        assert!(text.contains(&(1i128 << 100).to_string()));
        let back = read(Path::new("m.greenlight.csv"), &bytes).unwrap();
        assert_eq!(back, f);
        // Windows line ends read the same.
        let crlf = text.replace('\n', "\r\n");
        assert_eq!(read(Path::new("m.csv"), crlf.as_bytes()).unwrap(), f);
    }

    #[test]
    fn slugs_of_any_script_round_trip_and_rows_know_their_lines() {
        // The store keeps letters of other scripts in slugs (`normalize` drops only diacritics).
        let mut f = sample();
        f.rows[2].series = "the-lørenskog-disappearance".into();
        // Hangul as the store has it: decomposed (NFKD), as `normalize` leaves it.
        f.rows[1].series = crate::titles::normalize("Bebefinn Playtime: 시즌 1").replace(' ', "-");
        let mut bytes = written(&f);
        // A blank line before the last row: the lines are the file's, not the row count's.
        let at = bytes.len()
            - 1
            - bytes[..bytes.len() - 1]
                .iter()
                .rev()
                .position(|&b| b == b'\n')
                .unwrap();
        bytes.insert(at, b'\n');
        let (back, lines) = read_located(Path::new("m.greenlight.csv"), &bytes).unwrap();
        assert_eq!(back, f);
        assert_eq!(lines, vec![5, 6, 8]);
        for bad in [
            "squid--game",
            "-squid-game",
            "squid-game-",
            "Squid-Game",
            "squid game",
            "squid_game",
        ] {
            let mut f = sample();
            f.rows[0].series = bad.into();
            let e = write(&f, Vec::new()).unwrap_err().to_string();
            assert!(
                e.contains("`series`") && e.contains("not a series slug"),
                "{bad}: {e}"
            );
        }
    }

    fn refused(text: &str) -> String {
        read(Path::new("x.greenlight.csv"), text.as_bytes())
            .unwrap_err()
            .to_string()
    }

    fn replace_line(text: &str, n: usize, with: &str) -> String {
        text.lines()
            .enumerate()
            .map(|(i, l)| {
                if i + 1 == n {
                    with.to_string()
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    }

    #[test]
    fn malformed_files_are_refused_with_their_place() {
        let good = String::from_utf8(written(&sample())).unwrap();
        let lines: Vec<&str> = good.lines().collect();
        // A bad integer, in the row and column where it is.
        let bad = replace_line(
            &good,
            6,
            &lines[5].replacen(",123456789,", ",12x456789,", 1),
        );
        let e = refused(&bad);
        assert!(
            e.starts_with(
                "x.greenlight.csv, line 6, column `seconds`: `12x456789` is not a decimal integer"
            ),
            "{e}"
        );
        // Too large for i64.
        let bad = replace_line(
            &good,
            5,
            &lines[4].replacen(",9876,", ",99999999999999999999,", 1),
        );
        let e = refused(&bad);
        assert!(
            e.contains("line 5, column `viewers`") && e.contains("out of range"),
            "{e}"
        );
        // AVS past i128.
        let big = format!("{}0", i128::MAX);
        let bad = replace_line(
            &good,
            7,
            &lines[6].replacen(&i128::MAX.to_string(), &big, 1),
        );
        assert!(refused(&bad).contains("line 7, column `avs`"));
        // A missing column, named.
        let header = COLUMNS
            .iter()
            .filter(|c| **c != "avs")
            .copied()
            .collect::<Vec<_>>()
            .join(",");
        let e = refused(&replace_line(&good, 4, &header));
        assert!(
            e.contains("line 4, column `avs`: missing required column `avs`"),
            "{e}"
        );
        // A wrong first line; an unknown version.
        let e = refused(&replace_line(&good, 1, "window,from,to"));
        assert!(
            e.contains("line 1") && e.contains("not a greenlight exact platform metrics file"),
            "{e}"
        );
        let e = refused(&replace_line(
            &good,
            1,
            "# greenlight exact platform metrics v2",
        ));
        assert!(e.contains("line 1") && e.contains("version `2`"), "{e}");
        // A provenance line missing.
        let e = refused(&replace_line(&good, 2, "# by: someone"));
        assert!(e.contains("line 2") && e.contains("publisher"), "{e}");
        let e = refused(&replace_line(&good, 3, "# generated: 2026-13-01"));
        assert!(
            e.contains("line 3") && e.contains("not a YYYY-MM-DD date"),
            "{e}"
        );
        // A short row.
        let e = refused(&replace_line(
            &good,
            5,
            "launch+28,2022-11-23,2022-12-20,wednesday,1",
        ));
        assert!(
            e.contains("line 5, column `seconds`: too few fields"),
            "{e}"
        );
        // A definitional check: completers above viewers.
        let bad = replace_line(
            &good,
            5,
            &lines[4].replacen(",9876,1234,", ",9876,99999,", 1),
        );
        let e = refused(&bad);
        assert!(e.contains("line 5, column `completers`"), "{e}");
        // A window label that is not the row's dates.
        let bad = replace_line(
            &good,
            6,
            &lines[5].replacen("2022-12-01..2022-12-31", "2022-12-01..2022-12-30", 1),
        );
        assert!(refused(&bad).contains("line 6, column `window`"));
        // The same key twice.
        let e = refused(&format!("{good}{}\n", lines[4]));
        assert!(
            e.contains("line 8, column `window`: repeats the row of line 5"),
            "{e}"
        );
        // A slug that is a title, not a slug.
        let bad = replace_line(&good, 7, &lines[6].replacen("squid-game", "Squid Game", 1));
        assert!(refused(&bad).contains("line 7, column `series`"));
        // Header only.
        let e = refused(&lines[..4].join("\n"));
        assert!(e.contains("no data rows"), "{e}");
        // The writer refuses what the reader would.
        let mut f = sample();
        f.rows[1].completers = f.rows[1].viewers + 1;
        let e = write(&f, Vec::new()).unwrap_err().to_string();
        assert!(e.contains("row 2") && e.contains("`completers`"), "{e}");
        let mut f = sample();
        f.provenance.publisher = "two\nlines".into();
        assert!(write(&f, Vec::new()).is_err());
    }
}
