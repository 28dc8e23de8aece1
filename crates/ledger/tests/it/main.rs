//! The ledger's integration tests, one binary (so the real data is imported once per run):
//! one module per concern.

mod announcements;
mod claims_doc;
mod common;
mod fuzz;
mod ledger;
mod real_data;
mod rehash;
mod top10_run;
