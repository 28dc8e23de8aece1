//! Netflix's published revenue and ARPU by region, used to weight viewing by what a member in
//! each region is worth (the "higher-paying members count for more" part of adjusted view
//! share) and to put a season's cost in proportion. The two CSVs are tiny and not importable
//! into the store, so they are read directly from the shared data directory.

use crate::OddsError;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Netflix's four reporting regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Region {
    UsCanada,
    Emea,
    LatinAmerica,
    AsiaPacific,
}

impl Region {
    pub const ALL: [Region; 4] = [
        Region::UsCanada,
        Region::Emea,
        Region::LatinAmerica,
        Region::AsiaPacific,
    ];

    fn column(self) -> &'static str {
        match self {
            Region::UsCanada => "US and Canada",
            Region::Emea => "EMEA",
            Region::LatinAmerica => "Latin America",
            Region::AsiaPacific => "Asia-Pacific",
        }
    }

    /// The region Netflix reports a country in. The country Top 10 lists cover 93 countries;
    /// the French Caribbean (GP, MQ) is counted with Latin America as Netflix does for the
    /// Caribbean, Réunion (RE) with EMEA, New Caledonia (NC) with Asia-Pacific.
    pub fn of_country(iso2: &str) -> Region {
        match iso2 {
            "US" | "CA" => Region::UsCanada,
            "AR" | "BO" | "BR" | "BS" | "CL" | "CO" | "CR" | "DO" | "EC" | "GP" | "GT" | "HN"
            | "JM" | "MQ" | "MX" | "NI" | "PA" | "PE" | "PY" | "SV" | "TT" | "UY" | "VE" => {
                Region::LatinAmerica
            }
            "AU" | "BD" | "HK" | "ID" | "IN" | "JP" | "KR" | "LK" | "MV" | "MY" | "NC" | "NZ"
            | "PH" | "PK" | "SG" | "TH" | "TW" | "VN" => Region::AsiaPacific,
            _ => Region::Emea,
        }
    }
}

/// Yearly ARPU (USD per membership per month) and revenue (USD billions) by region.
#[derive(Debug, Clone, PartialEq)]
pub struct Finance {
    arpu: BTreeMap<i32, [f64; 4]>,
    revenue: BTreeMap<i32, [f64; 4]>,
    pub source: PathBuf,
}

impl Finance {
    /// Reads `arpu-by-region.csv` and `revenue-by-region.csv` from `dir`.
    pub fn load(dir: &Path) -> Result<Finance, OddsError> {
        Ok(Finance {
            arpu: read_table(&dir.join("arpu-by-region.csv"))?,
            revenue: read_table(&dir.join("revenue-by-region.csv"))?,
            source: dir.to_path_buf(),
        })
    }

    /// Finds the finance directory: `GREENLIGHT_FINANCE_DIR` if set; else a `netflix-finance`
    /// folder beside the folders the store's datasets were imported from (the shared data
    /// directory keeps them side by side); else `../shared/data/netflix-finance` beside this
    /// checkout. `None` if none exists, in which case weights are not applied (and the report
    /// says so) rather than failing.
    pub fn locate(dataset_paths: &[PathBuf]) -> Option<PathBuf> {
        let ok = |p: &Path| p.join("arpu-by-region.csv").is_file();
        if let Some(p) = std::env::var_os("GREENLIGHT_FINANCE_DIR").map(PathBuf::from) {
            if ok(&p) {
                return Some(p);
            }
        }
        for path in dataset_paths {
            for anc in path.ancestors().skip(1).take(3) {
                let cand = anc.join("netflix-finance");
                if ok(&cand) {
                    return Some(cand);
                }
            }
        }
        let fallback = PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/netflix-finance"
        ));
        ok(&fallback).then_some(fallback)
    }

    /// The year's row, or the nearest published year (the file ends in 2024; later viewing is
    /// weighted with the last known year).
    fn year_row(table: &BTreeMap<i32, [f64; 4]>, year: i32) -> Option<&[f64; 4]> {
        table
            .range(..=year)
            .next_back()
            .or_else(|| table.range(year..).next())
            .map(|(_, v)| v)
    }

    pub fn arpu(&self, region: Region, year: i32) -> Option<f64> {
        Self::year_row(&self.arpu, year).map(|r| r[region as usize])
    }

    /// The membership-weighted average ARPU of the year: total revenue over total
    /// membership-months, where a region's membership-months are its revenue over its ARPU.
    pub fn global_arpu(&self, year: i32) -> Option<f64> {
        let arpu = Self::year_row(&self.arpu, year)?;
        let rev = Self::year_row(&self.revenue, year)?;
        let months: f64 = (0..4)
            .map(|i| if arpu[i] > 0.0 { rev[i] / arpu[i] } else { 0.0 })
            .sum();
        (months > 0.0).then(|| rev.iter().sum::<f64>() / months)
    }

    /// Netflix's total revenue in USD for the year.
    pub fn revenue_usd(&self, year: i32) -> Option<f64> {
        Self::year_row(&self.revenue, year).map(|r| r.iter().sum::<f64>() * 1e9)
    }
}

fn read_table(path: &Path) -> Result<BTreeMap<i32, [f64; 4]>, OddsError> {
    let bad = |why: String| OddsError::Data(format!("{}: {why}", path.display()));
    let mut rdr = csv::Reader::from_path(path).map_err(|e| bad(e.to_string()))?;
    let header = rdr.headers().map_err(|e| bad(e.to_string()))?.clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| bad(format!("no column {name:?}")))
    };
    let year_col = col("Year")?;
    let cols: Vec<usize> = Region::ALL
        .iter()
        .map(|r| col(r.column()))
        .collect::<Result<_, _>>()?;
    let mut out = BTreeMap::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| bad(e.to_string()))?;
        let num = |c: usize| -> Result<f64, OddsError> {
            rec.get(c)
                .and_then(|s| s.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| bad(format!("row {}: column {} is not a number", i + 2, c + 1)))
        };
        let year = num(year_col)? as i32;
        let mut row = [0.0; 4];
        for (k, c) in cols.iter().enumerate() {
            row[k] = num(*c)?;
        }
        out.insert(year, row);
    }
    if out.is_empty() {
        return Err(bad("no rows".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_cover_the_country_lists() {
        assert_eq!(Region::of_country("US"), Region::UsCanada);
        assert_eq!(Region::of_country("BR"), Region::LatinAmerica);
        assert_eq!(Region::of_country("KR"), Region::AsiaPacific);
        assert_eq!(Region::of_country("DE"), Region::Emea);
        assert_eq!(Region::of_country("??"), Region::Emea);
    }

    #[test]
    fn reads_a_small_table_and_weights_by_membership() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("arpu-by-region.csv"),
            "Year,US and Canada,EMEA,Latin America,Asia-Pacific\n2022,16,10,8,8\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("revenue-by-region.csv"),
            "Year,US and Canada,EMEA,Latin America,Asia-Pacific\n2022,16,10,8,8\n",
        )
        .unwrap();
        let f = Finance::load(dir.path()).unwrap();
        // Every region has one membership-month per dollar of ARPU here: 4 months, 42 revenue.
        assert_eq!(f.global_arpu(2022), Some(42.0 / 4.0));
        assert_eq!(f.arpu(Region::Emea, 2030), Some(10.0));
        assert_eq!(f.revenue_usd(2022), Some(42e9));
    }

    #[test]
    fn a_broken_table_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("arpu-by-region.csv"), "Year,EMEA\n2022,x\n").unwrap();
        assert!(Finance::load(dir.path()).is_err());
        std::fs::write(
            dir.path().join("arpu-by-region.csv"),
            "Year,US and Canada,EMEA,Latin America,Asia-Pacific\n2022,1,2,x,4\n",
        )
        .unwrap();
        assert!(Finance::load(dir.path()).is_err());
    }
}
