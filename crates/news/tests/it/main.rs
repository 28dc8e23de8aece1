//! The news crate's integration tests: one binary (`it`), one module per concern.

mod commit;
mod input;
mod keys;
