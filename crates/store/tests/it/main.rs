//! The store's integration tests, one binary (so the real data is imported once per run):
//! one module per concern.

mod aliases;
mod apart;
mod bulk;
mod busy;
mod common;
mod cross_check;
mod fuzz;
mod idempotent;
mod legacy_hash;
mod one_call;
mod resolution;
mod search;
mod spellings;
