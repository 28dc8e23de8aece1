//! The readers' integration tests, one binary: every real file read and checked, and bad input
//! refused with a located error.

mod fuzz;
mod real_data;
mod robustness;
