//! Outlets and their standing: which publisher an article is from, and so what kind of source
//! (platform, trade press, fan site) the ledger claims read from it cite. The table is
//! `crates/news/outlets.toml`, built in, and replaceable by a file of the same form (its
//! comments say how), so a person can correct a standing without a rebuild.

use crate::NewsError;
use greenlight_ledger::SourceKind;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The built-in table.
pub const BUILTIN: &str = include_str!("../outlets.toml");

/// The environment variable naming a table to use instead of the built-in one.
pub const ENV: &str = "GREENLIGHT_OUTLETS";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    default_kind: SourceKind,
    #[serde(default)]
    outlet: Vec<Outlet>,
}

/// One publisher.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outlet {
    pub name: String,
    pub domains: Vec<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub kind: SourceKind,
}

/// The whole table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outlets {
    default_kind: SourceKind,
    outlets: Vec<Outlet>,
}

/// Who an article is from, as the ledger will cite it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Publisher {
    pub name: String,
    pub kind: SourceKind,
    /// Whether the table lists it (else it is the default kind, named by the article or its
    /// host).
    pub listed: bool,
}

impl Outlets {
    /// The table built into the binary.
    pub fn builtin() -> Result<Outlets, NewsError> {
        Outlets::parse(BUILTIN, "outlets.toml (built in)")
    }

    /// `path` when given, else the file `GREENLIGHT_OUTLETS` names, else the built-in table.
    pub fn load(path: Option<&Path>) -> Result<Outlets, NewsError> {
        let env = std::env::var_os(ENV).filter(|v| !v.is_empty());
        match path.map(Path::to_path_buf).or(env.map(Into::into)) {
            Some(p) => {
                let what = p.display().to_string();
                let text = std::fs::read_to_string(&p).map_err(|e| NewsError::Input {
                    what: what.clone(),
                    message: e.to_string(),
                })?;
                Outlets::parse(&text, &what)
            }
            None => Outlets::builtin(),
        }
    }

    /// Reads a table; `what` names it in errors (toml's message carries the line and column).
    pub fn parse(text: &str, what: &str) -> Result<Outlets, NewsError> {
        let bad = |message: String| NewsError::Input {
            what: what.to_string(),
            message,
        };
        let f: File = toml::from_str(text).map_err(|e| bad(e.to_string().trim().to_string()))?;
        for (i, o) in f.outlet.iter().enumerate() {
            let at = format!("outlet {} ({:?})", i + 1, o.name);
            if o.name.trim().is_empty() {
                return Err(bad(format!("{at}: `name` is empty")));
            }
            if o.kind == SourceKind::Dataset {
                return Err(bad(format!(
                    "{at}: `kind` dataset is for published data files, not for an outlet"
                )));
            }
            if let Some(d) = o.domains.iter().find(|d| !is_domain(d)) {
                return Err(bad(format!(
                    "{at}: {d:?} in `domains` is not a domain name like \"deadline.com\""
                )));
            }
        }
        Ok(Outlets {
            default_kind: f.default_kind,
            outlets: f.outlet,
        })
    }

    pub fn outlets(&self) -> &[Outlet] {
        &self.outlets
    }

    /// The publisher of an article at `url` that names itself `name`: the listed outlet whose
    /// domain the URL's host is (or is under), else the one whose name or alias is `name`
    /// (case folded), else the default kind under the article's own name or its host.
    pub fn publisher(&self, url: Option<&str>, name: Option<&str>) -> Publisher {
        let host = url.and_then(host_of);
        let by_host = host.as_deref().and_then(|h| {
            self.outlets
                .iter()
                .filter_map(|o| {
                    o.domains
                        .iter()
                        .filter(|d| under(h, d))
                        .map(|d| (d.len(), o))
                        .max_by_key(|(n, _)| *n)
                })
                .max_by_key(|(n, _)| *n)
                .map(|(_, o)| o)
        });
        let name = name.map(str::trim).filter(|n| !n.is_empty());
        let by_name = || {
            let n = name?.to_lowercase();
            self.outlets.iter().find(|o| {
                o.name.to_lowercase() == n || o.aliases.iter().any(|a| a.to_lowercase() == n)
            })
        };
        match by_host.or_else(by_name) {
            Some(o) => Publisher {
                name: o.name.clone(),
                kind: o.kind,
                listed: true,
            },
            None => Publisher {
                name: name
                    .map(str::to_string)
                    .or(host.map(|h| h.trim_start_matches("www.").to_string()))
                    .unwrap_or_else(|| "unknown outlet".into()),
                kind: self.default_kind,
                listed: false,
            },
        }
    }
}

fn is_domain(d: &str) -> bool {
    d.contains('.')
        && !d.starts_with('.')
        && !d.ends_with('.')
        && d.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
}

/// Whether `host` is `domain` or one of its subdomains.
fn under(host: &str, domain: &str) -> bool {
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|rest| rest.ends_with('.'))
}

/// The host of an `http(s)` URL, lowercased, without port or credentials.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.trim().split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = if host.starts_with('[') {
        host.split(']').next()?.trim_start_matches('[')
    } else {
        host.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_table_reads_and_classifies() {
        let t = Outlets::builtin().unwrap();
        let p = t.publisher(Some("https://deadline.com/2022/11/x/"), None);
        assert_eq!(
            (p.name.as_str(), p.kind, p.listed),
            ("Deadline", SourceKind::TradePress, true)
        );
        let p = t.publisher(Some("https://www.variety.com/a"), Some("whatever"));
        assert_eq!(
            (p.name.as_str(), p.kind),
            ("Variety", SourceKind::TradePress)
        );
        let p = t.publisher(Some("https://about.netflix.com/en/news/x"), None);
        assert_eq!((p.name.as_str(), p.kind), ("Netflix", SourceKind::Platform));
        let p = t.publisher(Some("https://www.tudum.com/x"), None);
        assert_eq!(p.kind, SourceKind::Platform);
        let p = t.publisher(Some("https://HOLLYWOODREPORTER.com:443/x"), None);
        assert_eq!(p.name, "The Hollywood Reporter");
        let p = t.publisher(None, Some("tv line"));
        assert_eq!(
            (p.name.as_str(), p.kind),
            ("TVLine", SourceKind::TradePress)
        );
        // Not listed: the default kind, under the article's own name or its host.
        let p = t.publisher(Some("https://www.season2news.example/x"), None);
        assert_eq!(
            (p.name.as_str(), p.kind, p.listed),
            ("season2news.example", SourceKind::FanSite, false)
        );
        let p = t.publisher(Some("https://notdeadline.com/x"), Some("Fan Page"));
        assert_eq!((p.name.as_str(), p.kind), ("Fan Page", SourceKind::FanSite));
        let p = t.publisher(None, None);
        assert_eq!(p.kind, SourceKind::FanSite);
    }

    #[test]
    fn every_listed_domain_and_name_finds_its_own_outlet() {
        let t = Outlets::builtin().unwrap();
        assert!(t.outlets().len() >= 8);
        for o in t.outlets() {
            for d in &o.domains {
                let p = t.publisher(Some(&format!("https://{d}/a")), None);
                assert_eq!(p.name, o.name, "{d}");
                assert_eq!(p.kind, o.kind, "{d}");
            }
            for n in o.aliases.iter().chain([&o.name]) {
                assert_eq!(t.publisher(None, Some(n)).name, o.name, "{n}");
            }
        }
    }

    #[test]
    fn a_bad_table_is_refused_naming_the_file_and_place() {
        let e = Outlets::parse("default_kind = \"fan_site\"\n[[outlet]]\nname = \"X\"\ndomains = [\"x.com\"]\nkind = \"press\"\n", "my.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("my.toml: "), "{e}");
        assert!(e.contains("line 5"), "{e}");
        let e = Outlets::parse("default_kind = \"fan_site\"\n[[outlet]]\nname = \"X\"\ndomains = [\"https://x.com\"]\nkind = \"trade_press\"\n", "my.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("outlet 1 (\"X\")") && e.contains("not a domain name"),
            "{e}"
        );
        let e = Outlets::parse("default_kind = \"dataset\"\n[[outlet]]\nname = \"X\"\ndomains = [\"x.com\"]\nkind = \"dataset\"\n", "my.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("dataset"), "{e}");
    }

    #[test]
    fn hosts_are_read_from_urls() {
        assert_eq!(
            host_of("https://user@Deadline.com:8080/x?y").as_deref(),
            Some("deadline.com")
        );
        assert_eq!(host_of("http://[::1]:80/").as_deref(), Some("::1"));
        assert_eq!(host_of("deadline.com/x"), None);
    }
}
