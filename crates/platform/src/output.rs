//! Writing metric rows as CSV, JSON or Parquet. AVS sums exceed 64 bits: CSV writes them as
//! integers, JSON as strings (JSON numbers are doubles in most readers), Parquet as
//! `Decimal128(38, 0)`.

use crate::error::{PlatformError, Result};
use crate::metrics::{day_number, TitleWindow};
use datafusion::arrow::array::{
    Array, Date32Array, Decimal128Array, Int32Array, Int64Array, RecordBatch, StringArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::parquet::arrow::ArrowWriter;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Csv,
    Json,
    Parquet,
}

impl OutputFormat {
    /// From a file name's extension.
    pub fn from_path(path: &Path) -> Result<Self> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("csv") => Ok(OutputFormat::Csv),
            Some("json") => Ok(OutputFormat::Json),
            Some("parquet") => Ok(OutputFormat::Parquet),
            _ => Err(PlatformError::Config(format!(
                "{}: the output name must end in .csv, .json or .parquet",
                path.display()
            ))),
        }
    }
}

const HEADER: [&str; 20] = [
    "window",
    "from",
    "to",
    "title_id",
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

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(T::to_string).unwrap_or_default()
}

pub fn write_csv(rows: &[TitleWindow], out: impl Write) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let e = |e: csv::Error| PlatformError::Config(format!("writing CSV: {e}"));
    w.write_record(HEADER).map_err(e)?;
    for r in rows {
        w.write_record([
            r.window.clone(),
            r.from.to_string(),
            r.to.to_string(),
            r.title_id.to_string(),
            r.series.clone(),
            r.season.to_string(),
            r.seconds.to_string(),
            r.views_milli.to_string(),
            r.viewers.to_string(),
            r.completers.to_string(),
            r.completion_nano.to_string(),
            r.view_share_nano.to_string(),
            r.avs.to_string(),
            r.avs_share_nano.to_string(),
            opt(&r.cost_micros),
            opt(&r.cost_source),
            opt(&r.cost_share_nano),
            opt(&r.efficiency_micro),
            r.window_seconds.to_string(),
            r.window_weight.to_string(),
        ])
        .map_err(e)?;
    }
    w.flush()
        .map_err(|e| PlatformError::Config(format!("writing CSV: {e}")))?;
    Ok(())
}

pub fn write_json(rows: &[TitleWindow], mut out: impl Write) -> Result<()> {
    serde_json::to_writer_pretty(&mut out, rows)
        .map_err(|e| PlatformError::Config(format!("writing JSON: {e}")))?;
    writeln!(out).map_err(|e| PlatformError::Config(format!("writing JSON: {e}")))?;
    Ok(())
}

/// The rows as one Arrow batch (the Parquet output's content).
pub fn to_batch(rows: &[TitleWindow]) -> Result<RecordBatch> {
    let dec = DataType::Decimal128(38, 0);
    let s = |f: fn(&TitleWindow) -> String| -> Arc<dyn Array> {
        Arc::new(StringArray::from(rows.iter().map(f).collect::<Vec<_>>()))
    };
    let i64s = |f: fn(&TitleWindow) -> i64| -> Arc<dyn Array> {
        Arc::new(Int64Array::from(rows.iter().map(f).collect::<Vec<_>>()))
    };
    let o64 = |f: fn(&TitleWindow) -> Option<i64>| -> Arc<dyn Array> {
        Arc::new(Int64Array::from(rows.iter().map(f).collect::<Vec<_>>()))
    };
    let d128 = |f: fn(&TitleWindow) -> i128| -> Result<Arc<dyn Array>> {
        Ok(Arc::new(
            Decimal128Array::from(rows.iter().map(f).collect::<Vec<_>>())
                .with_precision_and_scale(38, 0)?,
        ))
    };
    let date = |f: fn(&TitleWindow) -> chrono::NaiveDate| -> Arc<dyn Array> {
        Arc::new(Date32Array::from(
            rows.iter()
                .map(|r| day_number(f(r)) as i32)
                .collect::<Vec<_>>(),
        ))
    };
    let schema = Schema::new(vec![
        Field::new("window", DataType::Utf8, false),
        Field::new("from", DataType::Date32, false),
        Field::new("to", DataType::Date32, false),
        Field::new("title_id", DataType::Int32, false),
        Field::new("series", DataType::Utf8, false),
        Field::new("season", DataType::Int32, false),
        Field::new("seconds", DataType::Int64, false),
        Field::new("views_milli", DataType::Int64, false),
        Field::new("viewers", DataType::Int64, false),
        Field::new("completers", DataType::Int64, false),
        Field::new("completion_nano", DataType::Int64, false),
        Field::new("view_share_nano", DataType::Int64, false),
        Field::new("avs", dec.clone(), false),
        Field::new("avs_share_nano", DataType::Int64, false),
        Field::new("cost_micros", DataType::Int64, true),
        Field::new("cost_source", DataType::Utf8, true),
        Field::new("cost_share_nano", DataType::Int64, true),
        Field::new("efficiency_micro", DataType::Int64, true),
        Field::new("window_seconds", DataType::Int64, false),
        Field::new("window_weight", dec, false),
    ]);
    let cols: Vec<Arc<dyn Array>> = vec![
        s(|r| r.window.clone()),
        date(|r| r.from),
        date(|r| r.to),
        Arc::new(Int32Array::from(
            rows.iter().map(|r| r.title_id).collect::<Vec<_>>(),
        )),
        s(|r| r.series.clone()),
        Arc::new(Int32Array::from(
            rows.iter().map(|r| r.season).collect::<Vec<_>>(),
        )),
        i64s(|r| r.seconds),
        i64s(|r| r.views_milli),
        i64s(|r| r.viewers),
        i64s(|r| r.completers),
        i64s(|r| r.completion_nano),
        i64s(|r| r.view_share_nano),
        d128(|r| r.avs)?,
        i64s(|r| r.avs_share_nano),
        o64(|r| r.cost_micros),
        Arc::new(StringArray::from(
            rows.iter()
                .map(|r| r.cost_source.clone())
                .collect::<Vec<_>>(),
        )),
        o64(|r| r.cost_share_nano),
        o64(|r| r.efficiency_micro),
        i64s(|r| r.window_seconds),
        d128(|r| r.window_weight)?,
    ];
    Ok(RecordBatch::try_new(Arc::new(schema), cols)?)
}

pub fn write_parquet(rows: &[TitleWindow], out: impl Write + Send) -> Result<()> {
    let b = to_batch(rows)?;
    let mut w = ArrowWriter::try_new(out, b.schema(), None)?;
    w.write(&b)?;
    w.close()?;
    Ok(())
}

/// Writes `rows` to `path` in the format its extension names (written to a temporary name
/// first and renamed, so a failed write leaves no half file).
pub fn write_file(rows: &[TitleWindow], path: &Path) -> Result<()> {
    let format = OutputFormat::from_path(path)?;
    let tmp = path.with_extension("partial");
    let f = std::fs::File::create(&tmp).map_err(|e| PlatformError::io(&tmp, e))?;
    let mut buf = std::io::BufWriter::new(f);
    let r = match format {
        OutputFormat::Csv => write_csv(rows, &mut buf),
        OutputFormat::Json => write_json(rows, &mut buf),
        OutputFormat::Parquet => write_parquet(rows, &mut buf),
    };
    let r = r.and_then(|()| buf.flush().map_err(|e| PlatformError::io(&tmp, e)));
    if let Err(e) = r {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    drop(buf);
    std::fs::rename(&tmp, path).map_err(|e| PlatformError::io(path, e))
}
