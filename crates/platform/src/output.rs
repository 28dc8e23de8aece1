//! Writing metric rows as CSV, JSON or Parquet, or as the file `greenlight import` takes
//! (`NAME.greenlight.csv`: the "greenlight exact platform metrics" format, defined once in
//! `greenlight_sources::exact`, whose writer this uses, so the platform's output and the import's
//! reader cannot drift). AVS sums exceed 64 bits: CSV writes them as integers, JSON as strings
//! (JSON numbers are doubles in most readers), Parquet as `Decimal128(38, 0)`.

use crate::error::{PlatformError, Result};
use crate::metrics::{day_number, TitleWindow};
use datafusion::arrow::array::{
    Array, Date32Array, Decimal128Array, Int32Array, Int64Array, RecordBatch, StringArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::parquet::arrow::ArrowWriter;
use greenlight_sources::exact::{ExactFile, ExactRow, Provenance, COLUMNS};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Csv,
    Json,
    Parquet,
    /// `NAME.greenlight.csv`: the exact metrics file `greenlight import` takes.
    Import,
}

/// The name ending that asks for the import file rather than a plain CSV.
pub const IMPORT_SUFFIX: &str = ".greenlight.csv";

impl OutputFormat {
    /// From a file name's extension (`.greenlight.csv` before `.csv`).
    pub fn from_path(path: &Path) -> Result<Self> {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.len() > IMPORT_SUFFIX.len() && name.ends_with(IMPORT_SUFFIX) {
            return Ok(OutputFormat::Import);
        }
        match path.extension().and_then(|e| e.to_str()) {
            Some("csv") => Ok(OutputFormat::Csv),
            Some("json") => Ok(OutputFormat::Json),
            Some("parquet") => Ok(OutputFormat::Parquet),
            _ => Err(PlatformError::Config(format!(
                "{}: the output name must end in .csv, .json, .parquet or .greenlight.csv (the file `greenlight import` takes)",
                path.display()
            ))),
        }
    }
}

/// Where the plain CSV puts the platform's title id among the import file's columns.
const TITLE_ID_AT: usize = 3;

/// The plain CSV's header: the import file's columns ([`COLUMNS`], the one list of them) with
/// the platform's `title_id` after `to`.
fn csv_header() -> Vec<&'static str> {
    let mut h = COLUMNS.to_vec();
    h.insert(TITLE_ID_AT, "title_id");
    h
}

/// The plain CSV: each row's fields as the import file writes them ([`ExactRow::fields`]), with
/// its title id.
pub fn write_csv(rows: &[TitleWindow], out: impl Write) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let e = |e: csv::Error| PlatformError::Config(format!("writing CSV: {e}"));
    w.write_record(csv_header()).map_err(e)?;
    for (r, x) in rows.iter().zip(exact_rows(rows)?) {
        let mut fields = x.fields().to_vec();
        fields.insert(TITLE_ID_AT, r.title_id.to_string());
        w.write_record(fields).map_err(e)?;
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

/// The rows as the import file's rows (the platform's title id is left out: the series slug and
/// season name the title in the store).
pub fn exact_rows(rows: &[TitleWindow]) -> Result<Vec<ExactRow>> {
    rows.iter()
        .map(|r| {
            let season = u32::try_from(r.season).map_err(|_| {
                PlatformError::Config(format!("{} season {}: not a season", r.series, r.season))
            })?;
            Ok(ExactRow {
                window: r.window.clone(),
                from: r.from,
                to: r.to,
                series: r.series.clone(),
                season,
                seconds: r.seconds,
                views_milli: r.views_milli,
                viewers: r.viewers,
                completers: r.completers,
                completion_nano: r.completion_nano,
                view_share_nano: r.view_share_nano,
                avs: r.avs,
                avs_share_nano: r.avs_share_nano,
                cost_micros: r.cost_micros,
                cost_source: r.cost_source.clone(),
                cost_share_nano: r.cost_share_nano,
                efficiency_micro: r.efficiency_micro,
                window_seconds: r.window_seconds,
                window_weight: r.window_weight,
            })
        })
        .collect()
}

/// Writes the import file: `provenance` (who computed the figures, and when) and the rows.
pub fn write_import(rows: &[TitleWindow], provenance: &Provenance, out: impl Write) -> Result<()> {
    let file = ExactFile {
        provenance: provenance.clone(),
        rows: exact_rows(rows)?,
    };
    greenlight_sources::exact::write(&file, out)
        .map_err(|e| PlatformError::Config(format!("writing the import file: {e}")))
}

/// Writes `rows` to `path` in the format its extension names (written to a temporary name
/// first and renamed, so a failed write leaves no half file). The import file needs its
/// provenance: see [`write_file_with`].
pub fn write_file(rows: &[TitleWindow], path: &Path) -> Result<()> {
    write_file_with(rows, path, None)
}

/// [`write_file`], with the provenance an import file (`NAME.greenlight.csv`) carries; asking
/// for one without it is refused before anything is written.
pub fn write_file_with(
    rows: &[TitleWindow],
    path: &Path,
    provenance: Option<&Provenance>,
) -> Result<()> {
    let format = OutputFormat::from_path(path)?;
    if format == OutputFormat::Import && provenance.is_none() {
        return Err(PlatformError::Config(format!(
            "{}: the import file names who computed the figures: give --publisher NAME",
            path.display()
        )));
    }
    let tmp = path.with_extension("partial");
    let f = std::fs::File::create(&tmp).map_err(|e| PlatformError::io(&tmp, e))?;
    let mut buf = std::io::BufWriter::new(f);
    let r = match format {
        OutputFormat::Csv => write_csv(rows, &mut buf),
        OutputFormat::Json => write_json(rows, &mut buf),
        OutputFormat::Parquet => write_parquet(rows, &mut buf),
        OutputFormat::Import => match provenance {
            Some(p) => write_import(rows, p, &mut buf),
            None => Ok(()),
        },
    };
    let r = r.and_then(|()| buf.flush().map_err(|e| PlatformError::io(&tmp, e)));
    if let Err(e) = r {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    drop(buf);
    std::fs::rename(&tmp, path).map_err(|e| PlatformError::io(path, e))
}
