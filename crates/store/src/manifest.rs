//! `MANIFEST.toml`: who published each file of a data folder and when it became public.
//!
//! ```toml
//! [[file]]
//! path = "justwatch/titles.csv"      # relative to the manifest's folder
//! publisher = "JustWatch"            # optional, for people
//! origin = "..."                     # optional, for people
//! published = "2022-12-31"           # a date (string or TOML date); free text when precision = "row"
//! precision = "at_latest"            # exact | at_latest | at_earliest | row
//! ```
//!
//! A file's modification time is never its publication date (a copy made today says nothing
//! about when the data came out), so this is the one source of a date for files whose content
//! has none. Reading a manifest never touches the store: a malformed one is refused whole, with
//! its line and field, before an import writes anything.

use crate::published::{Precision, Published};
use crate::StoreError;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// The file name a data folder's manifest has.
pub const FILE_NAME: &str = "MANIFEST.toml";

/// Whether `path` is named like a manifest (`MANIFEST.toml`, any case), so that a folder walk
/// never takes it for a claims or data file.
pub fn is_manifest_name(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.eq_ignore_ascii_case(FILE_NAME))
}

/// A parsed manifest: each listed file's publication date, by its path relative to the
/// manifest's folder.
#[derive(Debug, Clone)]
pub struct Manifest {
    path: PathBuf,
    /// The manifest's folder as given and, when it can be resolved, canonical: files are matched
    /// against either, so `../shared/data/x.csv` and `/work/shared/data/x.csv` both match.
    base: PathBuf,
    base_canonical: Option<PathBuf>,
    entries: HashMap<PathBuf, Published>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    #[serde(default)]
    file: Vec<toml::Spanned<RawEntry>>,
}

/// Every field is read as a spanned value and checked here, so each error can name its field
/// and line (serde's own type errors name neither reliably).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    path: Option<toml::Spanned<toml::Value>>,
    publisher: Option<toml::Spanned<toml::Value>>,
    origin: Option<toml::Spanned<toml::Value>>,
    published: Option<toml::Spanned<toml::Value>>,
    precision: Option<toml::Spanned<toml::Value>>,
}

impl Manifest {
    /// Reads and checks the manifest at `path`.
    pub fn read(path: &Path) -> Result<Manifest, StoreError> {
        let text = crate::read_text(path, greenlight_sources::limits::FileKind::Manifest)?;
        let text = text.as_str();
        Manifest::parse(text, path)
    }

    /// Parses manifest text; `path` names it in messages and its folder is the files' base.
    pub fn parse(text: &str, path: &Path) -> Result<Manifest, StoreError> {
        let at = |offset: usize, field: Option<&str>, msg: String| {
            let field = field.map(|f| format!(", field `{f}`")).unwrap_or_default();
            StoreError::Invalid(format!(
                "{}, line {}{field}: {msg}",
                path.display(),
                line_of(text, offset)
            ))
        };
        let raw: RawManifest = toml::from_str(text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            // serde names an unknown or misplaced field in its message; say which one up front.
            let field = e
                .message()
                .split('`')
                .nth(1)
                .filter(|_| e.message().contains("field"));
            at(
                offset,
                field,
                format!("not a valid manifest: {}", e.message().trim()),
            )
        })?;
        let mut entries: HashMap<PathBuf, (Published, usize)> = HashMap::new();
        for entry in raw.file {
            let start = entry.span().start;
            let e = entry.into_inner();
            let text_of = |name: &str,
                           v: &Option<toml::Spanned<toml::Value>>|
             -> Result<Option<(String, usize)>, StoreError> {
                match v {
                    None => Ok(None),
                    Some(s) => match s.get_ref() {
                        toml::Value::String(t) => Ok(Some((t.clone(), s.span().start))),
                        other => Err(at(
                            s.span().start,
                            Some(name),
                            format!("expected text, found {}", other.type_str()),
                        )),
                    },
                }
            };
            text_of("publisher", &e.publisher)?;
            text_of("origin", &e.origin)?;
            let (rel, rel_at) = text_of("path", &e.path)?
                .ok_or_else(|| at(start, Some("path"), "missing".into()))?;
            let rel_path = relative(&rel).map_err(|m| at(rel_at, Some("path"), m))?;
            let (precision, prec_at) = text_of("precision", &e.precision)?
                .ok_or_else(|| at(start, Some("precision"), "missing".into()))?;
            let precision = Precision::from_name(precision.trim()).ok_or_else(|| {
                at(
                    prec_at,
                    Some("precision"),
                    format!(
                        "`{precision}` is not one of {}",
                        Precision::ALL.map(|p| p.name()).join(", ")
                    ),
                )
            })?;
            let published = if precision == Precision::Row {
                // Each row carries its date; `published` only says how, in words.
                Published::PER_ROW
            } else {
                let v = e
                    .published
                    .as_ref()
                    .ok_or_else(|| at(start, Some("published"), "missing (a date such as 2024-04-01; only precision = \"row\" goes without one)".into()))?;
                let s = match v.get_ref() {
                    toml::Value::String(t) => t.trim().to_string(),
                    toml::Value::Datetime(d) => d.to_string(),
                    other => {
                        return Err(at(
                            v.span().start,
                            Some("published"),
                            format!("expected a date, found {}", other.type_str()),
                        ))
                    }
                };
                let date = NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| {
                    at(
                        v.span().start,
                        Some("published"),
                        format!(
                            "`{s}` is not a date (YYYY-MM-DD); precision {precision} needs one"
                        ),
                    )
                })?;
                Published::on(date, precision)
            };
            let line = line_of(text, start);
            if let Some((_, first)) = entries.get(&rel_path) {
                return Err(at(
                    rel_at,
                    Some("path"),
                    format!("`{rel}` is listed twice (first on line {first})"),
                ));
            }
            entries.insert(rel_path, (published, line));
        }
        let base = path
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."));
        Ok(Manifest {
            path: path.to_path_buf(),
            base_canonical: std::fs::canonicalize(&base).ok(),
            base,
            entries: entries.into_iter().map(|(k, (p, _))| (k, p)).collect(),
        })
    }

    /// The manifest file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many files it lists.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The publication of `file`, if the manifest lists it (by its path relative to the
    /// manifest's folder).
    pub fn lookup(&self, file: &Path) -> Option<Published> {
        let lexical = file
            .strip_prefix(&self.base)
            .ok()
            .and_then(|r| relative(&r.to_string_lossy()).ok());
        if let Some(p) = lexical.and_then(|r| self.entries.get(&r)) {
            return Some(*p);
        }
        let canonical = std::fs::canonicalize(file).ok()?;
        let rel = canonical.strip_prefix(self.base_canonical.as_ref()?).ok()?;
        self.entries
            .get(&relative(&rel.to_string_lossy()).ok()?)
            .copied()
    }
}

/// A manifest path as plain components (`./a//b` is `a/b`); absolute paths and `..` are
/// refused, since an entry names a file inside the manifest's folder.
fn relative(text: &str) -> Result<PathBuf, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty".into());
    }
    let mut out = PathBuf::new();
    for c in Path::new(&text.replace('\\', "/")).components() {
        match c {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => {
                return Err(format!(
                    "`{text}` must be a path inside the manifest's folder (relative, without `..`)"
                ))
            }
        }
    }
    if out.as_os_str().is_empty() {
        return Err(format!("`{text}` names no file"));
    }
    Ok(out)
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()
        .iter()
        .take(offset)
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Manifest, String> {
        Manifest::parse(text, Path::new("/d/MANIFEST.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn dates_precisions_and_lookup() {
        let m = parse(
            "[[file]]\npath = \"a/x.csv\"\npublished = \"2022-12-31\"\nprecision = \"at_latest\"\n\n\
             [[file]]\npath = \"./b.tsv\"\npublished = 2024-04-01\nprecision = \"at_earliest\"\n\n\
             [[file]]\npath = \"c.tsv\"\npublished = \"per row: the Tuesday after\"\nprecision = \"row\"\n",
        )
        .unwrap();
        assert_eq!(m.len(), 3);
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            m.lookup(Path::new("/d/a/x.csv")),
            Some(Published::on(d("2022-12-31"), Precision::AtLatest))
        );
        assert_eq!(
            m.lookup(Path::new("/d/b.tsv")),
            Some(Published::on(d("2024-04-01"), Precision::AtEarliest))
        );
        assert_eq!(m.lookup(Path::new("/d/c.tsv")), Some(Published::PER_ROW));
        assert_eq!(m.lookup(Path::new("/d/other.tsv")), None);
        assert_eq!(m.lookup(Path::new("/elsewhere/a/x.csv")), None);
    }

    /// Each malformed manifest is refused naming the file, the line and the field.
    #[test]
    fn malformed_manifests_are_located() {
        let ok = "[[file]]\npath = \"a.csv\"\npublished = \"2022-12-31\"\nprecision = \"exact\"\n";
        assert!(parse(ok).is_ok());
        let cases: &[(&str, &str, &str)] = &[
            (
                "[[file]]\npath = \"a.csv\"\npublished = \"2022-13-31\"\nprecision = \"exact\"\n",
                "line 3",
                "`published`",
            ),
            (
                "[[file]]\npath = \"a.csv\"\npublished = \"2022-12-31\"\nprecision = \"roughly\"\n",
                "line 4",
                "`precision`",
            ),
            (
                "[[file]]\npath = \"a.csv\"\nprecision = \"exact\"\n",
                "line 1",
                "`published`",
            ),
            (
                "[[file]]\npublished = \"2022-12-31\"\nprecision = \"exact\"\n",
                "line 1",
                "`path`",
            ),
            (
                "[[file]]\npath = \"a.csv\"\npublished = \"2022-12-31\"\nprecison = \"exact\"\n",
                "line 4",
                "`precison`",
            ),
            (
                "[[file]]\npath = 5\npublished = \"2022-12-31\"\nprecision = \"exact\"\n",
                "line 2",
                "`path`",
            ),
            (
                "[[file]]\npath = \"../a.csv\"\npublished = \"2022-12-31\"\nprecision = \"exact\"\n",
                "line 2",
                "`path`",
            ),
            (
                &[ok, ok].concat(),
                "line 6",
                "`path`",
            ),
            ("[[file]]\npath = \"a.csv\n", "line 2", "MANIFEST.toml"),
        ];
        for (text, line, field) in cases {
            let e = parse(text).expect_err(text);
            assert!(e.starts_with("/d/MANIFEST.toml, "), "{e}");
            assert!(e.contains(line), "{text}: {e}");
            assert!(e.contains(field), "{text}: {e}");
        }
    }

    #[test]
    fn manifest_names() {
        assert!(is_manifest_name(Path::new("x/MANIFEST.toml")));
        assert!(is_manifest_name(Path::new("manifest.TOML")));
        assert!(!is_manifest_name(Path::new("x/manifest.json")));
    }
}
