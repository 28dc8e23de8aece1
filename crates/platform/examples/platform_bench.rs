//! The driver of `bench/platform.sh` (an example, so the benchmark needs only this crate's
//! build, not the whole CLI's):
//!
//! ```text
//! platform_bench synth EVENTS SEED OUT_DIR DATA_DIR
//! platform_bench metrics DIR WINDOW OUT_FILE [MEMORY_MIB]
//! platform_bench scheduler BIND
//! platform_bench executor SCHEDULER_HOST:PORT BIND CONCURRENT_TASKS
//! ```
//!
//! `PLATFORM_CLUSTER=df://HOST:PORT` runs `metrics` on that Ballista cluster
//! (`bench/platform_cluster.sh` starts one with the two last forms).
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
                cluster: std::env::var("PLATFORM_CLUSTER")
                    .ok()
                    .filter(|s| !s.is_empty()),
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
        #[cfg(feature = "cluster")]
        Some("scheduler") if a.len() == 3 => {
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(async {
                let l = tokio::net::TcpListener::bind(&a[2]).await?;
                let s = greenlight_platform::cluster::Scheduler::start(l).await?;
                eprintln!("scheduler on {}", s.addr);
                s.wait().await?;
                Ok::<_, Box<dyn std::error::Error>>(())
            })?;
        }
        #[cfg(feature = "cluster")]
        Some("executor") if a.len() == 5 => {
            use greenlight_platform::cluster::{run_executor, ClusterUrl, ExecutorOptions};
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(run_executor(ExecutorOptions {
                scheduler: ClusterUrl::parse(&format!("df://{}", a[2]))?,
                bind: a[3].parse()?,
                concurrent_tasks: Some(a[4].parse()?),
                work_dir: None,
                memory_limit: None,
                id: None,
            }))?;
        }
        _ => {
            eprintln!("usage: platform_bench synth EVENTS SEED OUT DATA | metrics DIR WINDOW OUT [MEMORY_MIB] | scheduler BIND | executor SCHED BIND N");
            std::process::exit(2);
        }
    }
    eprintln!("seconds={:.2}", t.elapsed().as_secs_f64());
    Ok(())
}
