//! Netflix's published revenue and ARPU by region, used to weight viewing by what a member in
//! each region is worth (the "higher-paying members count for more" part of adjusted view
//! share) and to put a season's cost in proportion. The figures are imported with the rest of
//! the data (the netflix-finance CSVs, table `region_finance`) and read from the store, so an
//! answer depends only on what was imported, never on files found beside it.

use crate::OddsError;
use greenlight_store::training::FinanceFigure;
use std::collections::BTreeMap;

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
}

/// The two metrics, as the import names them (the file stems of `arpu-by-region.csv` and
/// `revenue-by-region.csv`).
const ARPU: &str = "arpu-by-region";
const REVENUE: &str = "revenue-by-region";

impl Finance {
    /// The figures the store holds (`Store::finance_figures`, the import of the two
    /// netflix-finance CSVs). `None` when either metric is missing, in which case weights are
    /// not applied (and the metrics say so) rather than failing. A year that lacks one of the
    /// four regions cannot come from an import (each CSV row gives all four) and is an error.
    pub fn from_figures(figures: &[FinanceFigure]) -> Result<Option<Finance>, OddsError> {
        let table = |metric: &str| -> Result<BTreeMap<i32, [f64; 4]>, OddsError> {
            let mut out: BTreeMap<i32, [Option<f64>; 4]> = BTreeMap::new();
            for f in figures.iter().filter(|f| f.metric == metric) {
                let region = Region::ALL
                    .iter()
                    .position(|r| r.column() == f.region)
                    .ok_or_else(|| {
                        OddsError::Data(format!(
                            "finance figure {metric} {}: unknown region {:?}",
                            f.year, f.region
                        ))
                    })?;
                out.entry(f.year).or_default()[region] = Some(f.value);
            }
            out.into_iter()
                .map(|(year, row)| {
                    let mut full = [0.0; 4];
                    for (i, v) in row.iter().enumerate() {
                        full[i] = v.ok_or_else(|| {
                            OddsError::Data(format!(
                                "finance figure {metric} {year}: no {} figure",
                                Region::ALL[i].column()
                            ))
                        })?;
                    }
                    Ok((year, full))
                })
                .collect()
        };
        let (arpu, revenue) = (table(ARPU)?, table(REVENUE)?);
        Ok((!arpu.is_empty() && !revenue.is_empty()).then_some(Finance { arpu, revenue }))
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

    fn figures(metric: &str, rows: &[(i32, [f64; 4])]) -> Vec<FinanceFigure> {
        rows.iter()
            .flat_map(|(year, values)| {
                Region::ALL.iter().zip(values).map(|(r, v)| FinanceFigure {
                    metric: metric.into(),
                    year: *year,
                    region: r.column().into(),
                    value: *v,
                })
            })
            .collect()
    }

    #[test]
    fn weights_by_membership() {
        let mut all = figures(ARPU, &[(2022, [16.0, 10.0, 8.0, 8.0])]);
        all.extend(figures(REVENUE, &[(2022, [16.0, 10.0, 8.0, 8.0])]));
        let f = Finance::from_figures(&all).unwrap().unwrap();
        // Every region has one membership-month per dollar of ARPU here: 4 months, 42 revenue.
        assert_eq!(f.global_arpu(2022), Some(42.0 / 4.0));
        assert_eq!(f.arpu(Region::Emea, 2030), Some(10.0));
        assert_eq!(f.revenue_usd(2022), Some(42e9));
    }

    /// Without both metrics there are no weights (and no error): the metrics say so.
    #[test]
    fn one_metric_alone_is_no_finance() {
        let arpu = figures(ARPU, &[(2022, [16.0, 10.0, 8.0, 8.0])]);
        assert_eq!(Finance::from_figures(&arpu).unwrap(), None);
        assert_eq!(Finance::from_figures(&[]).unwrap(), None);
    }

    /// A year missing a region, or a region the odds do not know, is named, not guessed at.
    #[test]
    fn an_incomplete_table_is_an_error_not_a_panic() {
        let mut all = figures(ARPU, &[(2022, [16.0, 10.0, 8.0, 8.0])]);
        all.extend(figures(REVENUE, &[(2022, [16.0, 10.0, 8.0, 8.0])]));
        let mut missing = all.clone();
        missing.retain(|f| !(f.metric == REVENUE && f.region == "EMEA"));
        let e = Finance::from_figures(&missing).unwrap_err().to_string();
        assert!(
            e.contains("revenue-by-region 2022") && e.contains("EMEA"),
            "{e}"
        );
        let mut unknown = all;
        unknown[0].region = "Antarctica".into();
        let e = Finance::from_figures(&unknown).unwrap_err().to_string();
        assert!(e.contains("Antarctica"), "{e}");
    }
}
