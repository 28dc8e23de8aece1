//! Claims files: TOML or JSON, one schema (documented in `CLAIMS.md`).
//!
//! ```toml
//! [[series]]                 # optional: series the file introduces
//! title = "Partner Track"
//!
//! [defaults]                 # optional: fields every claim gets unless it sets them
//! series = "Partner Track"
//! published = 2023-01-15
//! source = { name = "...", kind = "fan_site" }
//! entered_by = "..."
//!
//! [[claims]]
//! kind = "canceled"
//! season = 1
//! event_date = 2022-11-08
//! ```
//!
//! Reading never touches the store; it turns text into located [`RawClaim`]s or refuses the file
//! with the line of the problem. Checking the claims is [`Claim::from_raw`]'s job, resolving
//! series the store's.

use crate::claims::{all_fields, field_hint, RawClaim};
use crate::error::{ClaimError, ClaimLocation, LedgerError};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Toml,
    Json,
}

impl FileFormat {
    /// By extension, else by content: a file whose first non-blank character is `{` or `[` is
    /// JSON (TOML can't start with `{`, and a TOML file starting with `[` is a table header,
    /// which JSON can't parse, so we try TOML for `[` if JSON fails).
    pub fn detect(path: &Path, text: &str) -> FileFormat {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("json") => FileFormat::Json,
            Some("toml") => FileFormat::Toml,
            _ if text.trim_start().starts_with('{') => FileFormat::Json,
            _ if text.trim_start().starts_with('[')
                && serde_json::from_str::<Value>(text).is_ok() =>
            {
                FileFormat::Json
            }
            _ => FileFormat::Toml,
        }
    }
}

/// A file read into declarations and located, not yet checked, claims.
#[derive(Debug, Clone)]
pub struct ReadFile {
    pub format: FileFormat,
    pub series: Vec<String>,
    pub claims: Vec<(ClaimLocation, Result<RawClaim, ClaimError>)>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeriesDecl {
    title: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFile {
    #[serde(default)]
    version: Option<u32>,
    #[serde(default)]
    series: Vec<SeriesDecl>,
    #[serde(default)]
    defaults: Option<toml::Table>,
    #[serde(default)]
    claims: Vec<toml::Spanned<toml::Table>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonFile<'a> {
    #[serde(default)]
    version: Option<u32>,
    #[serde(default)]
    series: Vec<SeriesDecl>,
    #[serde(default)]
    defaults: Option<Map<String, Value>>,
    #[serde(default, borrow)]
    claims: Vec<&'a serde_json::value::RawValue>,
}

/// A file's parts: version, declared series, defaults, and each claim with its line.
type Parts = (
    Option<u32>,
    Vec<SeriesDecl>,
    Map<String, Value>,
    Vec<(Option<usize>, Value)>,
);

/// Reads a claims file's text. `path` is used for messages only.
pub fn read(text: &str, path: &Path, format: FileFormat) -> Result<ReadFile, LedgerError> {
    let file = path.to_path_buf();
    let syntax = |line: Option<usize>, message: String| LedgerError::Syntax {
        file: file.clone(),
        line,
        message,
    };
    let (version, series, defaults, claims): Parts = match format {
        FileFormat::Toml => {
            let f: TomlFile = toml::from_str(text).map_err(|e| {
                let line = e.span().map(|s| line_of(text, s.start));
                syntax(
                    line,
                    format!("not a valid TOML claims file: {}", e.message()),
                )
            })?;
            let defaults = f
                .defaults
                .map(|t| toml_to_json(toml::Value::Table(t)))
                .unwrap_or(Value::Null);
            let claims = f
                .claims
                .into_iter()
                .map(|s| {
                    let line = line_of(text, s.span().start);
                    (Some(line), toml_to_json(toml::Value::Table(s.into_inner())))
                })
                .collect();
            (f.version, f.series, as_map(defaults), claims)
        }
        FileFormat::Json => {
            let trimmed = text.trim_start();
            let f: JsonFile = if trimmed.starts_with('[') {
                // A bare array of claims is accepted too.
                let claims: Vec<&serde_json::value::RawValue> = serde_json::from_str(text)
                    .map_err(|e| {
                        syntax(Some(e.line()), format!("not a valid JSON claims file: {e}"))
                    })?;
                JsonFile {
                    version: None,
                    series: Vec::new(),
                    defaults: None,
                    claims,
                }
            } else {
                serde_json::from_str(text).map_err(|e| {
                    syntax(Some(e.line()), format!("not a valid JSON claims file: {e}"))
                })?
            };
            let mut claims = Vec::new();
            for raw in f.claims {
                let line = offset_in(text, raw.get()).map(|o| line_of(text, o));
                let v: Value =
                    serde_json::from_str(raw.get()).map_err(|e| syntax(line, e.to_string()))?;
                claims.push((line, v));
            }
            (f.version, f.series, f.defaults.unwrap_or_default(), claims)
        }
    };
    if let Some(v) = version {
        if v != 1 {
            return Err(syntax(
                None,
                format!(
                    "claims file version {v} is not supported (this greenlight reads version 1)"
                ),
            ));
        }
    }
    if let Some(bad) = defaults
        .keys()
        .find(|k| !all_fields().contains(&k.as_str()))
    {
        return Err(syntax(
            None,
            format!("[defaults] has unknown field `{bad}`{}", field_hint(bad)),
        ));
    }
    let mut series_out = Vec::new();
    for s in series {
        let t = s.title.trim();
        if t.is_empty() {
            return Err(syntax(None, "a [[series]] entry has an empty title".into()));
        }
        series_out.push(t.to_string());
    }
    let mut out = Vec::new();
    for (i, (line, value)) in claims.into_iter().enumerate() {
        let location = ClaimLocation::in_file(Some(file.clone()), i + 1, line);
        let raw = to_raw(value, &defaults);
        out.push((location, raw));
    }
    Ok(ReadFile {
        format,
        series: series_out,
        claims: out,
    })
}

/// Whether `path` is a claims file (data files are TSV/CSV/XLSX). Content decides: a JSON object
/// (or an array of objects), or TOML with a `[[claims]]`/`[[series]]` table. Only the head is
/// read, so a large data file is told apart cheaply.
/// Anything but a regular file is not looked into (opening a FIFO blocks): it is then taken
/// for a data file, whose reader refuses it (`greenlight_sources::limits::read_file`).
pub fn looks_like_claims_file(path: &Path) -> bool {
    let Some(bytes) = greenlight_sources::limits::head(path, 64 * 1024) else {
        return false;
    };
    let text = String::from_utf8_lossy(&bytes);
    let t = text.trim_start();
    t.starts_with('{')
        || t.starts_with('[') && !t.starts_with("[[") && t[1..].trim_start().starts_with('{')
        || text
            .lines()
            .any(|l| matches!(l.trim(), "[[claims]]" | "[[series]]"))
}

/// Reads a claims file from disk.
pub fn read_path(path: &Path) -> Result<ReadFile, LedgerError> {
    let bytes =
        greenlight_sources::limits::read_file(path, greenlight_sources::limits::FileKind::Claims)
            .map_err(|e| match e {
            greenlight_sources::SourceError::Io { path, source } => {
                LedgerError::Io { path, source }
            }
            other => LedgerError::Store(other.into()),
        })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let good = &e.as_bytes()[..at];
        LedgerError::Syntax {
            file: path.to_path_buf(),
            line: Some(good.iter().filter(|&&b| b == b'\n').count() + 1),
            message: format!("not UTF-8 text (byte {at} of the file)"),
        }
    })?;
    read(&text, path, FileFormat::detect(path, &text))
}

fn as_map(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// One claim's table, defaults filled in, into a [`RawClaim`]; a failure names the field.
fn to_raw(value: Value, defaults: &Map<String, Value>) -> Result<RawClaim, ClaimError> {
    let Value::Object(mut map) = value else {
        return Err(ClaimError::new(
            None,
            "a claim must be a table/object of fields",
        ));
    };
    let kind = map.get("kind").and_then(Value::as_str).map(str::to_string);
    let fail = |field: Option<&str>, msg: String| {
        let mut e = ClaimError::new(field, msg);
        e.kind = kind.clone();
        e
    };
    for k in map.keys() {
        if !all_fields().contains(&k.as_str()) {
            return Err(fail(Some(k), format!("unknown field{}", field_hint(k))));
        }
    }
    if let Some(Value::Object(src)) = map.get("source") {
        for k in src.keys() {
            if !["name", "url", "kind"].contains(&k.as_str()) {
                return Err(fail(
                    Some(&format!("source.{k}")),
                    "unknown field; a source has name, url and kind".into(),
                ));
            }
        }
    }
    for (k, v) in defaults {
        map.entry(k.clone()).or_insert_with(|| v.clone());
    }
    match serde_json::from_value::<RawClaim>(Value::Object(map.clone())) {
        Ok(r) => Ok(r),
        Err(whole) => {
            // Find the field to blame: the first one that fails on its own.
            for (k, v) in &map {
                let mut one = Map::new();
                one.insert(k.clone(), v.clone());
                if let Err(e) = serde_json::from_value::<RawClaim>(Value::Object(one)) {
                    return Err(fail(Some(k), e.to_string()));
                }
            }
            Err(fail(None, whole.to_string()))
        }
    }
}

/// TOML values as JSON values; TOML dates become their text (`2022-08-26`), so a date reads the
/// same whether written as a TOML date or a string.
fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()
        .iter()
        .take(offset)
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Where `part` (a slice borrowed from `text`) starts in `text`.
fn offset_in(text: &str, part: &str) -> Option<usize> {
    let start = text.as_ptr() as usize;
    let p = part.as_ptr() as usize;
    (p >= start && p <= start + text.len()).then(|| p - start)
}

/// A file path for messages about text that did not come from a file.
pub(crate) fn inline_path(name: &str) -> PathBuf {
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_dates_and_lines() {
        let text = "[defaults]\nseries = \"X\"\n\n[[claims]]\nkind = \"canceled\"\nseason = 1\nevent_date = 2022-11-08\n\n[[claims]]\nkind = \"ended\"\nseason = \"two\"\n";
        let f = read(text, Path::new("a.toml"), FileFormat::Toml).unwrap();
        assert_eq!(f.claims.len(), 2);
        let (loc, raw) = &f.claims[0];
        assert_eq!(loc.index, Some(1));
        assert!(loc.line.is_some_and(|l| (4..=5).contains(&l)), "{loc:?}");
        let raw = raw.as_ref().unwrap();
        assert_eq!(
            raw.event_date.map(|d| d.to_string()).as_deref(),
            Some("2022-11-08")
        );
        assert_eq!(raw.series.as_deref(), Some("X"));
        let (loc, raw) = &f.claims[1];
        assert!(loc.line.is_some_and(|l| (9..=10).contains(&l)), "{loc:?}");
        assert_eq!(raw.as_ref().unwrap_err().field.as_deref(), Some("season"));
    }

    #[test]
    fn json_lines_and_unknown_fields() {
        let text = "{\n \"claims\": [\n  {\"kind\": \"ended\", \"season\": 1},\n  {\"kind\": \"ended\",\n   \"seson\": 2}\n ]\n}\n";
        let f = read(text, Path::new("a.json"), FileFormat::Json).unwrap();
        assert_eq!(f.claims[0].0.line, Some(3));
        assert_eq!(f.claims[1].0.line, Some(4));
        let e = f.claims[1].1.as_ref().unwrap_err();
        assert_eq!(e.field.as_deref(), Some("seson"));
        assert!(e.message.contains("did you mean `season`"), "{}", e.message);
    }

    #[test]
    fn malformed_files_are_located() {
        let e = read(
            "[[claims]]\nkind = \"ended\"\nseason = \n",
            Path::new("b.toml"),
            FileFormat::Toml,
        )
        .unwrap_err();
        match e {
            LedgerError::Syntax { line, .. } => assert_eq!(line, Some(3)),
            other => panic!("{other}"),
        }
        let e = read(
            "{\"claims\": [\n{\"kind\": }]}",
            Path::new("b.json"),
            FileFormat::Json,
        )
        .unwrap_err();
        match e {
            LedgerError::Syntax { line, .. } => assert_eq!(line, Some(2)),
            other => panic!("{other}"),
        }
        let e = read("claimz = []\n", Path::new("c.toml"), FileFormat::Toml).unwrap_err();
        assert!(e.to_string().contains("claimz"), "{e}");
    }

    #[test]
    fn detects_format() {
        assert_eq!(
            FileFormat::detect(Path::new("x"), " {\"claims\": []}"),
            FileFormat::Json
        );
        assert_eq!(
            FileFormat::detect(Path::new("x"), "[[claims]]\nkind = \"ended\""),
            FileFormat::Toml
        );
        assert_eq!(FileFormat::detect(Path::new("x"), "[]"), FileFormat::Json);
        assert_eq!(
            FileFormat::detect(Path::new("x.json"), "[[claims]]"),
            FileFormat::Json
        );
    }
}
