//! Netflix's per-region yearly figures (ARPU in USD per month, revenue in USD billions), as
//! compiled from its shareholder letters. Used to weight viewing by what a region's members pay.

use crate::delimited::Table;
use crate::{Location, RegionFigure, RegionFinance, SourceError};
use std::path::Path;

pub(crate) const REGIONS: [&str; 4] = ["US and Canada", "EMEA", "Latin America", "Asia-Pacific"];

/// The figures a finance file may hold, by file stem (the two files share one layout, so the
/// name is the one thing that says which).
pub const METRICS: [&str; 2] = ["arpu-by-region", "revenue-by-region"];

/// The metric a finance file's name gives: its stem is a [`METRICS`] entry, or one followed by
/// `.` and a label (`arpu-by-region.2024-03.csv`, a dated copy, as the Top 10 snapshots are
/// named). Any other name is refused: it used to become a dataset of its own that nothing reads,
/// and an ARPU file renamed `arpu.csv` would silently leave the model unweighted.
fn metric_of(path: &Path) -> Result<String, SourceError> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    METRICS
        .iter()
        .find(|m| {
            stem == **m
                || stem
                    .strip_prefix(**m)
                    .is_some_and(|rest| rest.len() > 1 && rest.starts_with('.'))
        })
        .map(|m| m.to_string())
        .ok_or_else(|| {
            SourceError::invalid(
                Location::file(path),
                format!(
                    "the file name does not say which figures it holds: a finance file is named {}.csv (or `<name>.<label>.csv`)",
                    METRICS.join(".csv or ")
                ),
            )
        })
}

pub(crate) fn read(path: &Path, bytes: &[u8]) -> Result<RegionFinance, SourceError> {
    let mut t = Table::open(path, bytes, b',')?;
    let year = t.column("Year")?;
    let cols = [
        t.column(REGIONS[0])?,
        t.column(REGIONS[1])?,
        t.column(REGIONS[2])?,
        t.column(REGIONS[3])?,
    ];
    let metric = metric_of(path)?;
    let mut figures = Vec::new();
    while let Some(row) = t.next_row()? {
        let y = row.u32(year)?;
        if !(1990..=2100).contains(&y) {
            return Err(row.error(year, format!("{y} is not a plausible year")));
        }
        for (region, col) in REGIONS.iter().zip(cols) {
            figures.push(RegionFigure {
                line: row.line,
                year: y as i32,
                region: region.to_string(),
                value: row.decimal(col)?,
            });
        }
    }
    Ok(RegionFinance { metric, figures })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_locates_errors() {
        let ok =
            b"Year,US and Canada,EMEA,Latin America,Asia-Pacific\n2018,11.28,10.20,7.53,9.19\n";
        let r = read(Path::new("arpu-by-region.csv"), ok).unwrap();
        assert_eq!(r.metric, "arpu-by-region");
        assert_eq!(r.figures.len(), 4);
        assert_eq!(r.figures[1].region, "EMEA");
        assert_eq!(r.figures[1].value, 10.20);
        let bad = b"Year,US and Canada,EMEA,Latin America,Asia-Pacific\n2018,11.28,x,7.53,9.19\n";
        let e = read(Path::new("arpu-by-region.csv"), bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2") && e.contains("EMEA"), "{e}");
        // A dated copy keeps its metric; a name that is no metric is refused, naming the file.
        let r = read(Path::new("d/revenue-by-region.2024-03.csv"), ok).unwrap();
        assert_eq!(r.metric, "revenue-by-region");
        for name in [
            "f.csv",
            "arpu.csv",
            "arpu-by-region-x.csv",
            "arpu-by-region..csv",
        ] {
            let e = read(Path::new(name), ok).unwrap_err().to_string();
            assert!(
                e.starts_with(name) && e.contains("does not say which figures"),
                "{e}"
            );
        }
    }
}
