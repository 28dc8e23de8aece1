//! The documented input: three Parquet tables in one directory, and their checks.
//!
//! ```text
//! DIR/members.parquet   member_id Int64, region Utf8, plan Utf8, monthly_price_micros Int64,
//!                       joined Date32, left Date32 (null: still a member)
//! DIR/titles.parquet    title_id Int32, series Utf8 (slug), season Int32, launch Date32,
//!                       runtime_seconds Int64, cost_micros Int64 (null: unknown),
//!                       cost_source Utf8 (required where a cost is given)
//! DIR/events/*.parquet  member_id Int64, title_id Int32, start Int64 (Unix seconds, UTC),
//!                       seconds Int64
//! ```
//!
//! Money is in integer micro-USD and times in whole seconds, so every metric is exact integer
//! arithmetic (METRICS.md, "Exact metrics from member-level logs"). String columns may be `Utf8`,
//! `LargeUtf8` or `Utf8View` (writers differ); every other type must be exactly the one above,
//! since a silently widened or narrowed number is how two engines stop agreeing. Extra columns
//! are ignored.
//!
//! [`validate`] reads every row once, streaming (one batch at a time; the member and title id
//! sets are the only state), and fails on the first bad value with its file, row group, row and
//! column. It runs before the query so that the engine only ever sees valid input.

use crate::error::{Location, PlatformError, Result};
use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Date32Type, Field, Int32Type, Int64Type, Schema};
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Largest monthly price accepted (1,000 USD): keeps `price x region x tenure` inside `i64`.
pub const MAX_PRICE_MICROS: i64 = 1_000_000_000;
/// One viewing event lasts at most a day; longer is a logging fault, not viewing.
pub const MAX_EVENT_SECONDS: i64 = 86_400;
/// Events start in 2000..2100 (Unix seconds), so a millisecond or microsecond timestamp written
/// by mistake is caught instead of being read as a date in another millennium.
pub const MIN_START: i64 = 946_684_800;
pub const MAX_START: i64 = 4_102_444_800;
/// Launch dates: 1900-01-01 ..= 2100-12-31, as days since 1970-01-01 (a date far outside is a
/// unit mistake, and date arithmetic on it would overflow).
pub const LAUNCH_DAYS: std::ops::RangeInclusive<i32> = -25_567..=47_846;
/// A season's runtime: 1 second .. 1,000 hours.
pub const MAX_RUNTIME_SECONDS: i64 = 3_600_000;

pub fn members_schema() -> Arc<Schema> {
    Arc::new(Schema::new(vec![
        Field::new("member_id", DataType::Int64, false),
        Field::new("region", DataType::Utf8, false),
        Field::new("plan", DataType::Utf8, false),
        Field::new("monthly_price_micros", DataType::Int64, false),
        Field::new("joined", DataType::Date32, false),
        Field::new("left", DataType::Date32, true),
    ]))
}

pub fn titles_schema() -> Arc<Schema> {
    Arc::new(Schema::new(vec![
        Field::new("title_id", DataType::Int32, false),
        Field::new("series", DataType::Utf8, false),
        Field::new("season", DataType::Int32, false),
        Field::new("launch", DataType::Date32, false),
        Field::new("runtime_seconds", DataType::Int64, false),
        Field::new("cost_micros", DataType::Int64, true),
        Field::new("cost_source", DataType::Utf8, true),
    ]))
}

pub fn events_schema() -> Arc<Schema> {
    Arc::new(Schema::new(vec![
        Field::new("member_id", DataType::Int64, false),
        Field::new("title_id", DataType::Int32, false),
        Field::new("start", DataType::Int64, false),
        Field::new("seconds", DataType::Int64, false),
    ]))
}

/// The files of one data set directory.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub dir: PathBuf,
}

impl Dataset {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Dataset { dir: dir.into() }
    }
    pub fn members(&self) -> PathBuf {
        self.dir.join("members.parquet")
    }
    pub fn titles(&self) -> PathBuf {
        self.dir.join("titles.parquet")
    }
    pub fn events_dir(&self) -> PathBuf {
        self.dir.join("events")
    }
    /// The event files, in name order (a fixed order, so errors and results do not depend on
    /// the directory listing).
    pub fn event_files(&self) -> Result<Vec<PathBuf>> {
        let dir = self.events_dir();
        let rd = std::fs::read_dir(&dir).map_err(|e| PlatformError::io(&dir, e))?;
        let mut files = Vec::new();
        for entry in rd {
            let entry = entry.map_err(|e| PlatformError::io(&dir, e))?;
            let p = entry.path();
            if p.extension().is_some_and(|x| x == "parquet") {
                files.push(p);
            }
        }
        files.sort();
        if files.is_empty() {
            return Err(PlatformError::input(
                Location {
                    file: dir,
                    ..Default::default()
                },
                "no .parquet event files",
            ));
        }
        Ok(files)
    }
}

/// One title, as the metrics need it (the titles table is small: read whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title {
    pub title_id: i32,
    pub series: String,
    pub season: i32,
    /// Days since 1970-01-01.
    pub launch_day: i64,
    pub runtime_seconds: i64,
    pub cost_micros: Option<i64>,
    pub cost_source: Option<String>,
}

/// The member ids, kept sorted for membership checks (a contiguous range is checked by bounds).
#[derive(Debug, Clone)]
pub struct MemberIds {
    sorted: Vec<i64>,
    contiguous: bool,
}

impl MemberIds {
    pub fn contains(&self, id: i64) -> bool {
        match (self.sorted.first(), self.sorted.last()) {
            (Some(&lo), Some(&hi)) if self.contiguous => id >= lo && id <= hi,
            _ => self.sorted.binary_search(&id).is_ok(),
        }
    }
    pub fn len(&self) -> usize {
        self.sorted.len()
    }
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }
}

fn loc(file: &Path, rg: Option<usize>, row: Option<u64>, column: &str) -> Location {
    Location {
        file: file.to_path_buf(),
        row_group: rg,
        row,
        column: Some(column.to_string()),
    }
}

fn is_string(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

/// Checks `file`'s Parquet schema against `expected`: every column present, of the documented
/// type, nullable only where documented.
fn check_schema(file: &Path, found: &Schema, expected: &Schema) -> Result<()> {
    for want in expected.fields() {
        let Some((_, got)) = found.column_with_name(want.name()) else {
            return Err(PlatformError::input(
                loc(file, None, None, want.name()),
                format!("missing column (expected {})", want.data_type()),
            ));
        };
        let ok = if is_string(want.data_type()) {
            is_string(got.data_type())
        } else {
            got.data_type() == want.data_type()
        };
        if !ok {
            return Err(PlatformError::input(
                loc(file, None, None, want.name()),
                format!(
                    "wrong type: expected {}, found {}",
                    want.data_type(),
                    got.data_type()
                ),
            ));
        }
    }
    Ok(())
}

/// Streams a Parquet file batch by batch, each with its row group and first row, after
/// checking its schema. Batches never cross a row group, so every row is located exactly.
fn scan(
    file: &Path,
    expected: &Schema,
    mut each: impl FnMut(usize, u64, &RecordBatch) -> Result<()>,
) -> Result<()> {
    let f = File::open(file).map_err(|e| PlatformError::io(file, e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(f).map_err(|e| {
        PlatformError::input(
            Location {
                file: file.to_path_buf(),
                ..Default::default()
            },
            format!("not a readable Parquet file: {e}"),
        )
    })?;
    check_schema(file, builder.schema(), expected)?;
    let groups: Vec<u64> = builder
        .metadata()
        .row_groups()
        .iter()
        .map(|g| g.num_rows().max(0) as u64)
        .collect();
    let mut first = 0u64;
    for (g, &rows) in groups.iter().enumerate() {
        let f = File::open(file).map_err(|e| PlatformError::io(file, e))?;
        let reader = ParquetRecordBatchReaderBuilder::try_new(f)?
            .with_row_groups(vec![g])
            .with_batch_size(65_536)
            .build()?;
        let mut row = first;
        for batch in reader {
            let batch = batch.map_err(|e| {
                PlatformError::input(
                    Location {
                        file: file.to_path_buf(),
                        row_group: Some(g),
                        row: Some(row),
                        column: None,
                    },
                    format!("unreadable data: {e}"),
                )
            })?;
            each(g, row, &batch)?;
            row += batch.num_rows() as u64;
        }
        first += rows;
    }
    Ok(())
}

fn column<'a>(batch: &'a RecordBatch, name: &str) -> &'a ArrayRef {
    // check_schema has made sure the column exists.
    batch
        .column_by_name(name)
        .expect("column checked by check_schema")
}

fn strings(batch: &RecordBatch, name: &str) -> Result<ArrayRef> {
    Ok(datafusion::arrow::compute::cast(
        column(batch, name),
        &DataType::Utf8,
    )?)
}

/// The first null of a column that must have none.
fn no_nulls(file: &Path, g: usize, row0: u64, batch: &RecordBatch, name: &str) -> Result<()> {
    let a = column(batch, name);
    if a.null_count() > 0 {
        let i = (0..a.len()).find(|&i| a.is_null(i)).unwrap_or(0);
        return Err(PlatformError::input(
            loc(file, Some(g), Some(row0 + i as u64), name),
            "null where a value is required",
        ));
    }
    Ok(())
}

/// Validates `members.parquet` and returns its id set.
pub fn validate_members(file: &Path) -> Result<MemberIds> {
    let mut ids = Vec::new();
    scan(file, &members_schema(), |g, row0, batch| {
        for name in [
            "member_id",
            "region",
            "plan",
            "monthly_price_micros",
            "joined",
        ] {
            no_nulls(file, g, row0, batch, name)?;
        }
        let id = column(batch, "member_id").as_primitive::<Int64Type>();
        let price = column(batch, "monthly_price_micros").as_primitive::<Int64Type>();
        let joined = column(batch, "joined").as_primitive::<Date32Type>();
        let left = column(batch, "left").as_primitive::<Date32Type>();
        let region = strings(batch, "region")?;
        let region = region.as_string::<i32>();
        let plan = strings(batch, "plan")?;
        let plan = plan.as_string::<i32>();
        for i in 0..batch.num_rows() {
            let at = |c: &str| loc(file, Some(g), Some(row0 + i as u64), c);
            let p = price.value(i);
            if !(0..=MAX_PRICE_MICROS).contains(&p) {
                return Err(PlatformError::input(
                    at("monthly_price_micros"),
                    format!("price {p} micro-USD is outside 0..={MAX_PRICE_MICROS}"),
                ));
            }
            if region.value(i).trim().is_empty() {
                return Err(PlatformError::input(at("region"), "empty region"));
            }
            if plan.value(i).trim().is_empty() {
                return Err(PlatformError::input(at("plan"), "empty plan"));
            }
            if left.is_valid(i) && left.value(i) < joined.value(i) {
                return Err(PlatformError::input(at("left"), "left before joined"));
            }
            ids.push((id.value(i), row0 + i as u64, g));
        }
        Ok(())
    })?;
    ids.sort_unstable();
    if let Some(w) = ids.windows(2).find(|w| w[0].0 == w[1].0) {
        let (id, row, g) = w[1];
        return Err(PlatformError::input(
            loc(file, Some(g), Some(row), "member_id"),
            format!("member {id} appears twice"),
        ));
    }
    let sorted: Vec<i64> = ids.into_iter().map(|(id, _, _)| id).collect();
    let contiguous = match (sorted.first(), sorted.last()) {
        (Some(&lo), Some(&hi)) => hi
            .checked_sub(lo)
            .is_some_and(|d| d as u64 == sorted.len() as u64 - 1),
        _ => false,
    };
    Ok(MemberIds { sorted, contiguous })
}

/// Reads and validates `titles.parquet` (small: returned whole, ordered by id).
pub fn read_titles(file: &Path) -> Result<Vec<Title>> {
    let mut out: Vec<(Title, u64, usize)> = Vec::new();
    scan(file, &titles_schema(), |g, row0, batch| {
        for name in ["title_id", "series", "season", "launch", "runtime_seconds"] {
            no_nulls(file, g, row0, batch, name)?;
        }
        let id = column(batch, "title_id").as_primitive::<Int32Type>();
        let season = column(batch, "season").as_primitive::<Int32Type>();
        let launch = column(batch, "launch").as_primitive::<Date32Type>();
        let runtime = column(batch, "runtime_seconds").as_primitive::<Int64Type>();
        let cost = column(batch, "cost_micros").as_primitive::<Int64Type>();
        let series = strings(batch, "series")?;
        let series = series.as_string::<i32>();
        let source = strings(batch, "cost_source")?;
        let source = source.as_string::<i32>();
        for i in 0..batch.num_rows() {
            let at = |c: &str| loc(file, Some(g), Some(row0 + i as u64), c);
            if series.value(i).trim().is_empty() {
                return Err(PlatformError::input(at("series"), "empty series slug"));
            }
            if season.value(i) < 1 {
                return Err(PlatformError::input(
                    at("season"),
                    "season must be 1 or more",
                ));
            }
            if !LAUNCH_DAYS.contains(&launch.value(i)) {
                return Err(PlatformError::input(
                    at("launch"),
                    "launch date outside 1900-01-01 ..= 2100-12-31",
                ));
            }
            let r = runtime.value(i);
            if !(1..=MAX_RUNTIME_SECONDS).contains(&r) {
                return Err(PlatformError::input(
                    at("runtime_seconds"),
                    format!("runtime {r} s is outside 1..={MAX_RUNTIME_SECONDS}"),
                ));
            }
            let cost_micros = cost.is_valid(i).then(|| cost.value(i));
            if let Some(c) = cost_micros {
                if c <= 0 {
                    return Err(PlatformError::input(
                        at("cost_micros"),
                        "cost must be positive",
                    ));
                }
                if source.is_null(i) || source.value(i).trim().is_empty() {
                    return Err(PlatformError::input(
                        at("cost_source"),
                        "a cost needs its source",
                    ));
                }
            }
            let t = Title {
                title_id: id.value(i),
                series: series.value(i).to_string(),
                season: season.value(i),
                launch_day: launch.value(i) as i64,
                runtime_seconds: r,
                cost_micros,
                cost_source: source.is_valid(i).then(|| source.value(i).to_string()),
            };
            out.push((t, row0 + i as u64, g));
        }
        Ok(())
    })?;
    out.sort_by_key(|(t, row, _)| (t.title_id, *row));
    if let Some(w) = out.windows(2).find(|w| w[0].0.title_id == w[1].0.title_id) {
        return Err(PlatformError::input(
            loc(file, Some(w[1].2), Some(w[1].1), "title_id"),
            format!("title {} appears twice", w[1].0.title_id),
        ));
    }
    Ok(out.into_iter().map(|(t, _, _)| t).collect())
}

/// Validates one event file against the member and title sets.
pub fn validate_events(file: &Path, members: &MemberIds, titles: &[Title]) -> Result<u64> {
    let mut rows = 0u64;
    scan(file, &events_schema(), |g, row0, batch| {
        for name in ["member_id", "title_id", "start", "seconds"] {
            no_nulls(file, g, row0, batch, name)?;
        }
        let member = column(batch, "member_id").as_primitive::<Int64Type>();
        let title = column(batch, "title_id").as_primitive::<Int32Type>();
        let start = column(batch, "start").as_primitive::<Int64Type>();
        let seconds = column(batch, "seconds").as_primitive::<Int64Type>();
        for i in 0..batch.num_rows() {
            let at = |c: &str| loc(file, Some(g), Some(row0 + i as u64), c);
            let s = seconds.value(i);
            if !(1..=MAX_EVENT_SECONDS).contains(&s) {
                return Err(PlatformError::input(
                    at("seconds"),
                    format!("{s} seconds is outside 1..={MAX_EVENT_SECONDS}"),
                ));
            }
            let t0 = start.value(i);
            if !(MIN_START..MAX_START).contains(&t0) {
                return Err(PlatformError::input(
                    at("start"),
                    format!("start {t0} is not Unix seconds in 2000..2100"),
                ));
            }
            let m = member.value(i);
            if !members.contains(m) {
                return Err(PlatformError::input(
                    at("member_id"),
                    format!("unknown member {m} (not in members.parquet)"),
                ));
            }
            let t = title.value(i);
            if titles.binary_search_by_key(&t, |x| x.title_id).is_err() {
                return Err(PlatformError::input(
                    at("title_id"),
                    format!("unknown title {t} (not in titles.parquet)"),
                ));
            }
        }
        rows += batch.num_rows() as u64;
        Ok(())
    })?;
    Ok(rows)
}

/// Validates the whole data set, event files on `threads` threads (each file is independent;
/// the first error in file order is the one reported, whatever the thread count).
pub fn validate(ds: &Dataset, threads: usize) -> Result<(Vec<Title>, u64)> {
    let members = validate_members(&ds.members())?;
    let titles = read_titles(&ds.titles())?;
    let files = ds.event_files()?;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<Result<u64>>>> =
        files.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..threads.max(1).min(files.len()) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(f) = files.get(i) else { break };
                let r = validate_events(f, &members, &titles);
                *results[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(r);
            });
        }
    });
    let mut total = 0;
    for r in results {
        match r.into_inner().unwrap_or_else(|p| p.into_inner()) {
            Some(Ok(n)) => total += n,
            Some(Err(e)) => return Err(e),
            None => {}
        }
    }
    Ok((titles, total))
}
