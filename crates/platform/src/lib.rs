//! Exact platform metrics from member-level viewing logs (issue 17), on Apache DataFusion.
//!
//! A platform's content team has what the public charts lack: every member's viewing. This
//! crate computes, from Parquet logs in the documented schema ([`schema`]), the same metrics
//! greenlight approximates from public data (METRICS.md), but exactly: hours, views,
//! completion, view share, adjusted view share (AVS) and efficiency, over launch windows
//! (7/28/91 days) and calendar windows ([`metrics`]). [`synth`] makes realistic logs of any
//! size, calibrated to the real global Top 10, for tests and benchmarks.
//!
//! `cluster` (the `cluster` feature) runs the same plan on an Apache DataFusion Ballista
//! cluster, and starts the cluster's scheduler and executors.
//!
//! It lives in its own crate, behind the CLI's `platform` feature, so that the main binary's
//! build does not compile DataFusion.

#[cfg(feature = "cluster")]
pub mod cluster;
pub mod error;
pub mod metrics;
pub mod output;
pub mod schema;
pub mod synth;
pub mod weights;

pub use datafusion;
pub use error::{Location, PlatformError, Result};
pub use metrics::{compute, compute_blocking, EngineOptions, TitleWindow, WindowSpec};
pub use schema::Dataset;
pub use synth::{synth, SynthOptions, SynthSummary};
pub use weights::Weights;
