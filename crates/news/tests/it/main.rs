//! The news crate's integration tests: one binary (`it`), one module per concern.

mod extract_corpus;
mod keys;
