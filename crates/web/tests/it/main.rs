//! The web's integration tests, one binary (one import and one shared server per run): the
//! routes and their bodies, the generated OpenAPI document, the pages against the status reports,
//! and a real headless Chromium.

mod agree;
mod browser;
mod check;
mod check_extracted;
mod common;
mod follows;
mod openapi;
mod tracker;
mod web;
