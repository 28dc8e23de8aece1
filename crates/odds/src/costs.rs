//! Season production costs, for the impact value. Costs are never estimated: a season shows an
//! impact value only if a row with a citable source gives its cost.

use crate::OddsError;
use serde::Serialize;
use std::path::Path;

/// The costs file shipped with the crate (header only until someone adds sourced rows).
const DEFAULT_COSTS: &str = include_str!("../data/costs.csv");

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostEntry {
    pub series: String,
    pub season: u32,
    pub cost_usd: f64,
    pub source: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Costs {
    entries: Vec<CostEntry>,
}

impl Costs {
    /// `GREENLIGHT_COSTS` if set, else the file shipped in `crates/odds/data/costs.csv`.
    pub fn default_file() -> Result<Costs, OddsError> {
        match std::env::var_os("GREENLIGHT_COSTS") {
            Some(p) => Costs::load(Path::new(&p)),
            None => Costs::parse(DEFAULT_COSTS, "crates/odds/data/costs.csv"),
        }
    }

    pub fn load(path: &Path) -> Result<Costs, OddsError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| OddsError::Data(format!("{}: {e}", path.display())))?;
        Costs::parse(&text, &path.display().to_string())
    }

    /// Parses `series,season,cost_usd,source`. A row without a source, or with a cost that is
    /// not a positive number, is an error: a cost nobody can check must not reach a report.
    pub fn parse(text: &str, name: &str) -> Result<Costs, OddsError> {
        let bad = |line: usize, why: &str| OddsError::Data(format!("{name}: line {line}: {why}"));
        let mut rdr = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let header = rdr.headers().map_err(|e| bad(1, &e.to_string()))?.clone();
        let col = |n: &str| {
            header
                .iter()
                .position(|h| h == n)
                .ok_or_else(|| bad(1, &format!("no column {n:?}")))
        };
        let (cs, cn, cc, cso) = (
            col("series")?,
            col("season")?,
            col("cost_usd")?,
            col("source")?,
        );
        let mut entries = Vec::new();
        for (i, rec) in rdr.records().enumerate() {
            let line = i + 2;
            let rec = rec.map_err(|e| bad(line, &e.to_string()))?;
            let get = |c: usize| rec.get(c).unwrap_or("").to_string();
            let season = get(cn)
                .parse::<u32>()
                .map_err(|_| bad(line, "season is not a number"))?;
            let cost_usd = get(cc)
                .replace(['_', ','], "")
                .parse::<f64>()
                .ok()
                .filter(|c| c.is_finite() && *c > 0.0)
                .ok_or_else(|| bad(line, "cost_usd is not a positive number"))?;
            let source = get(cso);
            if source.is_empty() {
                return Err(bad(line, "a cost needs a source"));
            }
            let series = get(cs);
            if series.is_empty() {
                return Err(bad(line, "series is empty"));
            }
            entries.push(CostEntry {
                series,
                season,
                cost_usd,
                source,
            });
        }
        Ok(Costs { entries })
    }

    /// The cost of a season, matched on the series' title or slug (case-insensitive).
    pub fn find(&self, title: &str, slug: &str, season: u32) -> Option<&CostEntry> {
        self.entries.iter().find(|e| {
            e.season == season
                && (e.series.eq_ignore_ascii_case(title) || e.series.eq_ignore_ascii_case(slug))
        })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_parses_and_invents_nothing() {
        let c = Costs::parse(DEFAULT_COSTS, "default").unwrap();
        assert!(c.is_empty());
    }

    #[test]
    fn rows_need_a_source_and_a_positive_cost() {
        let ok = Costs::parse(
            "series,season,cost_usd,source\nSome Show,2,\"1,000,000\",https://example.org/a\n",
            "t",
        )
        .unwrap();
        assert_eq!(ok.len(), 1);
        assert_eq!(ok.find("some show", "x", 2).map(|e| e.cost_usd), Some(1e6));
        assert!(ok.find("some-show", "some-show", 1).is_none());
        assert!(Costs::parse("series,season,cost_usd,source\nA,1,100,\n", "t").is_err());
        assert!(Costs::parse("series,season,cost_usd,source\nA,1,-5,src\n", "t").is_err());
        assert!(Costs::parse("series,season,cost_usd,source\nA,x,5,src\n", "t").is_err());
        assert!(Costs::parse("series,cost_usd\nA,5\n", "t").is_err());
    }
}
