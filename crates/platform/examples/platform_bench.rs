//! The driver of `bench/platform.sh` (an example, so the benchmark needs only this crate's
//! build, not the whole CLI's):
//!
//! ```text
//! platform_bench synth EVENTS SEED OUT_DIR DATA_DIR
//! platform_bench metrics DIR WINDOW OUT_FILE [MEMORY_MIB]
//! ```
//!
//! Prints `seconds=<wall time>` on stderr (for metrics also the validation and query times).

use greenlight_platform::{output, Dataset, EngineOptions, SynthOptions, Weights, WindowSpec};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a: Vec<String> = std::env::args().collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let t = Instant::now();
    match a.get(1).map(String::as_str) {
        Some("synth") if a.len() == 6 => {
            let s = greenlight_platform::synth(&SynthOptions {
                events: a[2].parse()?,
                seed: a[3].parse()?,
                out: PathBuf::from(&a[4]),
                data_dir: PathBuf::from(&a[5]),
                threads,
                from_week: None,
                to_week: None,
            })?;
            eprintln!("{s:?}");
        }
        Some("metrics") if a.len() == 5 || a.len() == 6 => {
            let engine = EngineOptions {
                memory_limit: a
                    .get(5)
                    .map(|m| m.parse::<usize>().map(|m| m << 20))
                    .transpose()?,
                spill_dir: None,
                partitions: Some(threads),
                // `df://HOST:PORT`: the same query on a Ballista cluster (bench/platform_cluster.sh).
                cluster: std::env::var("PLATFORM_CLUSTER").ok().filter(|s| !s.is_empty()),
            };
            // Validation (a full scan in Rust) and the query, timed apart; together they are
            // what `compute_blocking` and the CLI run.
            let ds = Dataset::new(&a[2]);
            let (titles, n) = greenlight_platform::schema::validate(&ds, threads)?;
            eprintln!("validated {n} events in {:.2} s", t.elapsed().as_secs_f64());
            let q = Instant::now();
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(threads)
                .enable_all()
                .build()?;
            let rows = rt.block_on(greenlight_platform::metrics::compute_validated(
                &ds,
                &titles,
                &[WindowSpec::parse(&a[3])?],
                &Weights::default(),
                &engine,
            ))?;
            eprintln!("query {:.2} s", q.elapsed().as_secs_f64());
            output::write_file(&rows, &PathBuf::from(&a[4]))?;
            eprintln!("rows={}", rows.len());
        }
        _ => {
            eprintln!("usage: platform_bench synth EVENTS SEED OUT DATA | metrics DIR WINDOW OUT [MEMORY_MIB]");
            std::process::exit(2);
        }
    }
    eprintln!("seconds={:.2}", t.elapsed().as_secs_f64());
    Ok(())
}
