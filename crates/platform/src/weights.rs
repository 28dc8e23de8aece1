//! Member value weights for AVS, configurable in a TOML file.
//!
//! ```toml
//! price = true                 # weight by the member's monthly price (false: every price = 1 USD)
//! [region]                     # factor per region; regions not listed take `default`
//! default = 1.0
//! "US and Canada" = 1.0
//! [[tenure]]                   # first bucket whose `below_days` exceeds the member's tenure
//! below_days = 90              # at the window's first day; older members take `tenure_after`
//! factor = 1.5
//! ```
//!
//! Factors are read as decimals and held in integer micro-units (rounded to the nearest
//! millionth once, when read), so the weight of a member is an integer every engine computes
//! identically:
//!
//! `w = floor(floor(price_micros * region_micro / 1e6) * tenure_micro / 1e6)` (micro-USD).
//!
//! Factors are limited to 0..=10 so that `w` (at most 1,000 USD x 10 x 10) and `w x share`
//! stay far inside the integer types used.

use crate::error::{PlatformError, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

pub const MAX_FACTOR_MICRO: i64 = 10_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weights {
    pub price: bool,
    /// Region name -> factor (micro-units).
    pub region: BTreeMap<String, i64>,
    pub region_default: i64,
    /// (below_days, factor micro), in increasing `below_days`.
    pub tenure: Vec<(i64, i64)>,
    pub tenure_after: i64,
}

impl Default for Weights {
    /// Newer members count more (they are the ones a title must win and keep): 1.5 in the
    /// first 90 days, 1.2 in the first year, 1.0 after; price counts as is; regions equal.
    fn default() -> Self {
        Weights {
            price: true,
            region: BTreeMap::new(),
            region_default: 1_000_000,
            tenure: vec![(90, 1_500_000), (365, 1_200_000)],
            tenure_after: 1_000_000,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTenure {
    below_days: i64,
    factor: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    price: Option<bool>,
    region: Option<BTreeMap<String, f64>>,
    tenure: Option<Vec<RawTenure>>,
    tenure_after: Option<f64>,
}

fn micro(what: &str, f: f64) -> Result<i64> {
    let m = (f * 1e6).round();
    if !f.is_finite() || !(0.0..=MAX_FACTOR_MICRO as f64).contains(&m) {
        return Err(PlatformError::Config(format!(
            "{what}: factor {f} is outside 0..=10"
        )));
    }
    Ok(m as i64)
}

impl Weights {
    pub fn from_toml(text: &str, origin: &str) -> Result<Self> {
        let raw: Raw =
            toml::from_str(text).map_err(|e| PlatformError::Config(format!("{origin}: {e}")))?;
        let mut w = Weights::default();
        if let Some(p) = raw.price {
            w.price = p;
        }
        if let Some(r) = raw.region {
            for (name, f) in r {
                let m = micro(&format!("{origin}: region `{name}`"), f)?;
                if name == "default" {
                    w.region_default = m;
                } else {
                    w.region.insert(name, m);
                }
            }
        }
        if let Some(t) = raw.tenure {
            let mut buckets = Vec::new();
            for (i, b) in t.iter().enumerate() {
                if b.below_days <= 0 {
                    return Err(PlatformError::Config(format!(
                        "{origin}: tenure bucket {}: below_days must be positive",
                        i + 1
                    )));
                }
                if buckets.last().is_some_and(|&(d, _)| d >= b.below_days) {
                    return Err(PlatformError::Config(format!(
                        "{origin}: tenure bucket {}: below_days must increase",
                        i + 1
                    )));
                }
                buckets.push((
                    b.below_days,
                    micro(&format!("{origin}: tenure bucket {}", i + 1), b.factor)?,
                ));
            }
            w.tenure = buckets;
        }
        if let Some(a) = raw.tenure_after {
            w.tenure_after = micro(&format!("{origin}: tenure_after"), a)?;
        }
        Ok(w)
    }

    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| PlatformError::io(path, e))?;
        Self::from_toml(&text, &path.display().to_string())
    }

    pub fn region_micro(&self, region: &str) -> i64 {
        self.region
            .get(region)
            .copied()
            .unwrap_or(self.region_default)
    }

    pub fn tenure_micro(&self, tenure_days: i64) -> i64 {
        self.tenure
            .iter()
            .find(|&&(below, _)| tenure_days < below)
            .map(|&(_, f)| f)
            .unwrap_or(self.tenure_after)
    }

    /// The weight of a member (micro-USD), the formula in the module docs.
    pub fn weight(&self, price_micros: i64, region: &str, tenure_days: i64) -> i64 {
        let p = if self.price { price_micros } else { 1_000_000 };
        p * self.region_micro(region) / 1_000_000 * self.tenure_micro(tenure_days) / 1_000_000
    }
}
