//! Netflix's per-region yearly figures (ARPU in USD per month, revenue in USD billions), as
//! compiled from its shareholder letters. Used to weight viewing by what a region's members pay.

use crate::delimited::Table;
use crate::{RegionFigure, RegionFinance, SourceError};
use std::path::Path;

pub(crate) const REGIONS: [&str; 4] = ["US and Canada", "EMEA", "Latin America", "Asia-Pacific"];

pub(crate) fn read(path: &Path, bytes: &[u8]) -> Result<RegionFinance, SourceError> {
    let mut t = Table::open(path, bytes, b',')?;
    let year = t.column("Year")?;
    let cols = [
        t.column(REGIONS[0])?,
        t.column(REGIONS[1])?,
        t.column(REGIONS[2])?,
        t.column(REGIONS[3])?,
    ];
    // The layout is shared by the ARPU and revenue files; the file stem says which is which.
    let metric = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
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
        let e = read(Path::new("f.csv"), bad).unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("EMEA"), "{e}");
    }
}
