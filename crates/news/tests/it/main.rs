//! The news crate's integration tests: one binary (`it`), one module per concern.

mod check_corpus;
mod commit;
mod extract_corpus;
mod input;
mod keys;
mod mutation;
mod pipeline;
