//! The news crate's integration tests: one binary (`it`), one module per concern.

mod check_corpus;
mod extract_corpus;
mod keys;
mod mutation;
mod pipeline;
