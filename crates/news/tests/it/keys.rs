//! The corpus answer keys (`tests/corpus/NN-slug.key.toml`, format in `tests/corpus/README.md`),
//! read once for every corpus test: what each article *says*, never what is true.

use greenlight_news::Assertion;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The corpus directory.
pub fn corpus_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus"))
}

/// The expected verdict, as the key's `expect` spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    Verified,
    Contradicted,
    Unverifiable,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyArticle {
    pub file: String,
    pub title: String,
    pub outlet: String,
    pub url: String,
    pub published: toml::value::Datetime,
    /// The main series, as the data spells it.
    pub series: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct KeyClaim {
    /// Verbatim in the article's text (whitespace runs folded to one space).
    pub span: String,
    /// The series as the data spells it.
    pub series: String,
    pub season: Option<u32>,
    pub expect: Expect,
    #[serde(flatten)]
    pub assertion: Assertion,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyContradiction {
    pub spans: [String; 2],
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Key {
    pub article: KeyArticle,
    #[serde(rename = "claim")]
    pub claims: Vec<KeyClaim>,
    #[serde(rename = "contradiction", default)]
    pub contradictions: Vec<KeyContradiction>,
}

impl Key {
    /// The article's dateline as a date.
    pub fn published(&self) -> chrono::NaiveDate {
        chrono::NaiveDate::parse_from_str(&self.article.published.to_string(), "%Y-%m-%d")
            .unwrap_or_else(|e| panic!("{}: published: {e}", self.article.file))
    }

    /// The article file the key describes.
    pub fn article_path(&self) -> PathBuf {
        corpus_dir().join(&self.article.file)
    }
}

/// Every key of the corpus, in file order, with the path it was read from.
pub fn all() -> Vec<(PathBuf, Key)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("the corpus directory")
        .map(|e| e.expect("a corpus entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".key.toml"))
        .collect();
    paths.sort();
    paths.into_iter().map(|p| (p.clone(), read(&p))).collect()
}

fn read(path: &Path) -> Key {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_key_reads_and_names_its_article() {
    let keys = all();
    assert!(keys.len() >= 12, "the issue asks for at least 12 articles");
    let mut claims = 0;
    for (path, key) in &keys {
        assert!(
            key.article_path().is_file(),
            "{}: no {}",
            path.display(),
            key.article.file
        );
        assert!(!key.claims.is_empty(), "{}: no claims", path.display());
        assert_eq!(
            key.contradictions.len(),
            1,
            "{}: one self-contradiction",
            path.display()
        );
        let _ = key.published();
        claims += key.claims.len();
    }
    assert_eq!(claims, 196, "the README's table counts 196 claims");
}
