//! `greenlight read` / `greenlight check ARTICLE` (issue 12): extract claims from news-style
//! articles and judge them against the data as of the article's dateline.
//!
//! Placeholder crate: it exists so that `crates/news/tests/corpus/` (the articles, their answer
//! keys and README) sits in a valid workspace member (`members = ["crates/*"]` refuses a
//! directory without a `Cargo.toml`). The extractor and checker come with the feature; the
//! expected verdicts and values are computed by `scripts/corpus_truth.py`.
