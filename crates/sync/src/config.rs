//! `sources.toml`: what to fetch, how patiently, and how deliveries are retried. The default
//! file (`crates/sync/sources.toml`) is built in and documents every key.

use crate::SyncError;
use serde::Deserialize;
use std::path::Path;
use std::time::Duration;

/// The built-in default sources file.
pub const DEFAULT_SOURCES: &str = include_str!("../sources.toml");

/// The most sources one file may list (every loop over them is bounded).
pub const MAX_SOURCES: usize = 200;
/// The largest sources file read.
pub const MAX_CONFIG_BYTES: u64 = 256 * 1024;
/// Hard ceilings whatever the file says, so a typo cannot make a loop unbounded.
pub const MAX_RETRIES: u32 = 10;
pub const MAX_DELIVERY_ATTEMPTS: u32 = 100;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub fetch: FetchConfig,
    #[serde(default)]
    pub delivery: DeliveryConfig,
    #[serde(default, rename = "source")]
    pub sources: Vec<SourceConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FetchConfig {
    pub timeout_secs: u64,
    pub connect_timeout_secs: u64,
    pub max_bytes: u64,
    pub max_redirects: u32,
    pub retries: u32,
    pub backoff_ms: u64,
    pub max_backoff_ms: u64,
    pub host_interval_ms: u64,
    pub interval_hours: f64,
    pub failure_backoff_hours: f64,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            timeout_secs: 60,
            connect_timeout_secs: 10,
            max_bytes: 64 * 1024 * 1024,
            max_redirects: 5,
            retries: 3,
            backoff_ms: 2000,
            max_backoff_ms: 60_000,
            host_interval_ms: 2000,
            interval_hours: 24.0,
            failure_backoff_hours: 1.0,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeliveryConfig {
    pub max_attempts: u32,
    pub backoff_ms: u64,
    pub max_backoff_ms: u64,
    pub settle_secs: u64,
    pub timeout_secs: u64,
    pub max_per_run: usize,
    /// How often `serve --sync` wakes to sync due sources and send due deliveries.
    pub poll_ms: u64,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            max_attempts: 40,
            backoff_ms: 30_000,
            max_backoff_ms: 3_600_000,
            settle_secs: 6 * 3600,
            timeout_secs: 10,
            max_per_run: 1000,
            poll_ms: 30_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Data,
    Claims,
    Page,
    Feed,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Data => "data",
            Kind::Claims => "claims",
            Kind::Page => "page",
            Kind::Feed => "feed",
        }
    }
    /// Whether a changed body is applied to the store (imported, or its articles' decisions
    /// committed); a page is only watched.
    pub fn imports(self) -> bool {
        matches!(self, Kind::Data | Kind::Claims | Kind::Feed)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    pub name: String,
    pub url: String,
    pub kind: Kind,
    pub interval_hours: Option<f64>,
    /// For a `page`: follow the first link on it whose URL (its path, before `?` or `#`) ends
    /// with this, case-insensitively (`.xlsx`: the engagement report's file), as a `data`
    /// source of its own named `<name>.link` (its own conditional GET and state), imported in
    /// the sync's transaction when it changed.
    #[serde(default)]
    pub link: Option<String>,
}

impl SourceConfig {
    /// The data source a page's `link` names, once the page gave its URL.
    pub fn linked(&self, url: String) -> SourceConfig {
        SourceConfig {
            name: format!("{}.link", self.name),
            url,
            kind: Kind::Data,
            interval_hours: self.interval_hours,
            link: None,
        }
    }
}

impl Config {
    /// `path` if given, else `./sources.toml` if there is one, else the built-in default.
    pub fn load(path: Option<&Path>) -> Result<Config, SyncError> {
        let (text, name) = match path {
            Some(p) => (read_capped(p)?, p.display().to_string()),
            None if Path::new("sources.toml").is_file() => (
                read_capped(Path::new("sources.toml"))?,
                "sources.toml".into(),
            ),
            None => (
                DEFAULT_SOURCES.to_string(),
                "(built-in sources.toml)".into(),
            ),
        };
        Config::parse(&text, &name)
    }

    /// [`Config::load`] of `$GREENLIGHT_SOURCES` when set (as `serve --sources` reads it),
    /// else ./sources.toml, else the built-in file: what a write outside `sync` (a claim, an
    /// import) takes its settle window from.
    pub fn load_default() -> Result<Config, SyncError> {
        let env = std::env::var_os("GREENLIGHT_SOURCES").map(std::path::PathBuf::from);
        Config::load(env.as_deref())
    }

    /// Parses and checks a sources file; errors name the file and what is wrong.
    pub fn parse(text: &str, name: &str) -> Result<Config, SyncError> {
        let c: Config = toml::from_str(text)
            .map_err(|e| SyncError::Config(format!("{name}: {}", e.to_string().trim_end())))?;
        if c.sources.len() > MAX_SOURCES {
            return Err(SyncError::Config(format!(
                "{name}: {} sources; at most {MAX_SOURCES} are accepted",
                c.sources.len()
            )));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, s) in c.sources.iter().enumerate() {
            let at = format!("{name}: source #{} ({})", i + 1, s.name);
            if s.name.is_empty()
                || s.name.len() > 100
                || !s
                    .name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                || s.name.starts_with('.')
            {
                return Err(SyncError::Config(format!(
                    "{at}: field `name`: 1-100 characters of letters, digits, '-', '_' and '.', not starting with '.'"
                )));
            }
            if !seen.insert(s.name.clone()) {
                return Err(SyncError::Config(format!(
                    "{at}: field `name`: listed twice"
                )));
            }
            if let Some(l) = &s.link {
                if s.kind != Kind::Page || l.is_empty() || l.len() > 100 {
                    return Err(SyncError::Config(format!(
                        "{at}: field `link`: only for a `page`, 1-100 characters (the end of the linked file's URL, e.g. \".xlsx\")"
                    )));
                }
                if !seen.insert(format!("{}.link", s.name)) {
                    return Err(SyncError::Config(format!(
                        "{at}: field `link`: its source `{}.link` is listed too",
                        s.name
                    )));
                }
            }
            let lower = s.url.to_ascii_lowercase();
            if !(lower.starts_with("http://") || lower.starts_with("https://")) {
                return Err(SyncError::Config(format!(
                    "{at}: field `url`: not an http(s) URL"
                )));
            }
            if let Some(h) = s.interval_hours {
                if !(h.is_finite() && h > 0.0 && h <= 24.0 * 366.0) {
                    return Err(SyncError::Config(format!(
                        "{at}: field `interval_hours`: must be more than 0 and at most a year"
                    )));
                }
            }
        }
        if c.fetch.retries > MAX_RETRIES {
            return Err(SyncError::Config(format!(
                "{name}: [fetch] retries: at most {MAX_RETRIES}"
            )));
        }
        if c.delivery.max_attempts == 0 || c.delivery.max_attempts > MAX_DELIVERY_ATTEMPTS {
            return Err(SyncError::Config(format!(
                "{name}: [delivery] max_attempts: 1..={MAX_DELIVERY_ATTEMPTS}"
            )));
        }
        let positive = |h: f64| h.is_finite() && h > 0.0;
        if !(positive(c.fetch.interval_hours) && positive(c.fetch.failure_backoff_hours)) {
            return Err(SyncError::Config(format!(
                "{name}: [fetch] interval_hours and failure_backoff_hours must be more than 0"
            )));
        }
        Ok(c)
    }

    /// The fetch limits of the one HTTP reader.
    pub fn limits(&self) -> greenlight_news::Limits {
        greenlight_news::Limits {
            max_bytes: self.fetch.max_bytes,
            connect_timeout: Duration::from_secs(self.fetch.connect_timeout_secs),
            timeout: Duration::from_secs(self.fetch.timeout_secs),
            max_redirects: self.fetch.max_redirects,
            max_items: greenlight_news::Limits::default().max_items,
            // The sources file is the user's own, like a URL on the command line.
            allow_private: true,
        }
    }
}

fn read_capped(p: &Path) -> Result<String, SyncError> {
    let meta =
        std::fs::metadata(p).map_err(|e| SyncError::Config(format!("{}: {e}", p.display())))?;
    if meta.len() > MAX_CONFIG_BYTES {
        return Err(SyncError::Config(format!(
            "{}: {} bytes is more than the largest sources file accepted ({MAX_CONFIG_BYTES})",
            p.display(),
            meta.len()
        )));
    }
    std::fs::read_to_string(p).map_err(|e| SyncError::Config(format!("{}: {e}", p.display())))
}

/// The shortest time a delivery can be retried for before it is parked: the sum of the
/// backoffs before attempts `2..=max_attempts` at their smallest jitter (half of each). The
/// documented default (40 attempts, 30 s doubling to an hour) gives about 16.5 h, so an outage
/// of a receiver (a restart, a deploy, a night) is outlasted, never parked (about 33 h at
/// the largest jitter).
pub fn shortest_patience(d: &DeliveryConfig) -> Duration {
    let ms: u64 = (0..d.max_attempts.saturating_sub(1))
        .map(|k| {
            d.backoff_ms
                .saturating_mul(1u64 << k.min(30))
                .min(d.max_backoff_ms)
                / 2
        })
        .fold(0u64, u64::saturating_add);
    Duration::from_millis(ms)
}

/// Exponential backoff with jitter: `base * 2^attempt`, capped at `max`, then scaled by a
/// random factor in [0.5, 1.0) so many clients that failed together do not retry together.
pub fn backoff(base_ms: u64, max_ms: u64, attempt: u32) -> Duration {
    let exp = base_ms.saturating_mul(1u64 << attempt.min(30)).min(max_ms);
    let jittered = (exp as f64 * (0.5 + fastrand::f64() * 0.5)) as u64;
    Duration::from_millis(jittered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_file_parses_and_names_every_kind() {
        let c = Config::parse(DEFAULT_SOURCES, "default").unwrap();
        assert!(c.sources.iter().any(|s| s.kind == Kind::Data));
        assert!(c.sources.iter().any(|s| s.kind == Kind::Page));
        assert!(c.sources.iter().any(|s| s.kind == Kind::Feed));
    }

    #[test]
    fn bad_files_are_refused_naming_the_field() {
        let e =
            Config::parse("[[source]]\nname='a'\nkind='data'\nurl='ftp://x'\n", "f").unwrap_err();
        assert!(e.to_string().contains("field `url`"), "{e}");
        let e = Config::parse(
            "[[source]]\nname='../x'\nkind='data'\nurl='http://x'\n",
            "f",
        )
        .unwrap_err();
        assert!(e.to_string().contains("field `name`"), "{e}");
        let e = Config::parse("[fetch]\nretries = 1000\n", "f").unwrap_err();
        assert!(e.to_string().contains("retries"), "{e}");
    }

    /// The documented schedule parks a delivery only after an outage far longer than an
    /// ordinary one (the built-in file's values are the defaults).
    #[test]
    fn the_documented_delivery_schedule_outlasts_a_long_outage() {
        let c = Config::parse(DEFAULT_SOURCES, "default").unwrap();
        let d = DeliveryConfig::default();
        assert_eq!(
            (
                c.delivery.max_attempts,
                c.delivery.backoff_ms,
                c.delivery.max_backoff_ms
            ),
            (d.max_attempts, d.backoff_ms, d.max_backoff_ms)
        );
        let p = shortest_patience(&c.delivery);
        assert!(p >= Duration::from_secs(12 * 3600), "{p:?}");
        // One attempt parks at once: no patience at all.
        let one = DeliveryConfig {
            max_attempts: 1,
            ..DeliveryConfig::default()
        };
        assert_eq!(shortest_patience(&one), Duration::ZERO);
    }

    #[test]
    fn backoff_doubles_within_its_cap_and_jitter() {
        for attempt in 0..40 {
            let d = backoff(100, 10_000, attempt).as_millis() as u64;
            let full = (100u64 << attempt.min(30)).min(10_000);
            assert!(
                d >= full / 2 && d <= full,
                "attempt {attempt}: {d} vs {full}"
            );
        }
    }
}
