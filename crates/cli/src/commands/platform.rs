//! `greenlight platform synth|metrics|avs`: exact metrics from member-level logs (issue 17),
//! on DataFusion (crate `greenlight-platform`). Compiled only with the `platform` feature, so
//! the default binary does not build DataFusion. These commands never open the store.

use anyhow::{Context, Result};
use chrono::NaiveDate;
use greenlight_platform::{
    compute_blocking, output, Dataset, EngineOptions, SynthOptions, TitleWindow, Weights,
    WindowSpec,
};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// Generate a seeded, realistic data set calibrated to the real global Top 10.
    Synth(SynthArgs),
    /// Every exact metric (hours, views, completion, view share, AVS, efficiency) per title
    /// and window.
    Metrics(MetricsArgs),
    /// AVS share and efficiency per title and window (the metrics, fewer columns).
    Avs(MetricsArgs),
    /// Run a Ballista scheduler (the cluster's coordinator) until stopped (feature `cluster`).
    #[cfg(feature = "cluster")]
    Scheduler(SchedulerArgs),
    /// Run a Ballista executor (a worker of the cluster) until stopped (feature `cluster`).
    #[cfg(feature = "cluster")]
    Executor(ExecutorArgs),
}

#[cfg(feature = "cluster")]
#[derive(Debug, clap::Args)]
pub struct SchedulerArgs {
    /// Address to listen on (gRPC, for clients and executors); 0.0.0.0 for every interface.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    /// Port to listen on; 0 lets the system pick one (printed on stderr).
    #[arg(long, default_value_t = 50050)]
    pub port: u16,
}

#[cfg(feature = "cluster")]
#[derive(Debug, clap::Args)]
pub struct ExecutorArgs {
    /// The scheduler, HOST:PORT (or df://HOST:PORT).
    #[arg(long, default_value = "127.0.0.1:50050")]
    pub scheduler: String,
    /// Address of this executor's Arrow Flight service (results and shuffles). The scheduler
    /// and the clients reach the executor at this address, so on a real cluster it must be one
    /// they can route to (not 0.0.0.0).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    /// Port of that service.
    #[arg(long, default_value_t = 50051)]
    pub port: u16,
    /// Tasks run at once; default: the number of cores.
    #[arg(long)]
    pub concurrent_tasks: Option<usize>,
    /// Shuffle files; default: a temporary directory.
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
    /// Memory pool in MiB, shared by the executor's tasks; operators spill beyond it.
    #[arg(long)]
    pub memory_mib: Option<u64>,
}

#[derive(Debug, clap::Args)]
pub struct SynthArgs {
    /// How many viewing events (`1e6` is accepted; 1e5..1e8 have been run, 1e9 is meant to work).
    #[arg(long, value_parser = events_count)]
    pub events: u64,
    #[arg(long, default_value_t = 17)]
    pub seed: u64,
    /// Output directory (members.parquet, titles.parquet, events/).
    #[arg(long)]
    pub out: PathBuf,
    /// The real data directory (holds netflix-top10/ and netflix-finance/).
    #[arg(long, default_value = "../shared/data")]
    pub data: PathBuf,
    /// First chart week (its Sunday) to cover.
    #[arg(long, value_name = "DATE", value_parser = crate::values::date)]
    pub from_week: Option<NaiveDate>,
    /// Last chart week (its Sunday) to cover.
    #[arg(long, value_name = "DATE", value_parser = crate::values::date)]
    pub to_week: Option<NaiveDate>,
    /// Threads (the output is the same whatever the count).
    #[arg(long)]
    pub threads: Option<usize>,
}

#[derive(Debug, clap::Args)]
pub struct MetricsArgs {
    /// The data set directory (members.parquet, titles.parquet, events/*.parquet).
    pub dir: PathBuf,
    /// Windows: a day count after each launch (7, 28, 91) or FROM..TO calendar dates.
    /// Repeatable; default 7, 28 and 91.
    #[arg(long = "window")]
    pub windows: Vec<String>,
    /// Member value weights (TOML; METRICS.md). Default: price, tenure 1.5/1.2/1.0.
    #[arg(long)]
    pub weights: Option<PathBuf>,
    /// Write the rows here (.csv, .json or .parquet) instead of printing a table; a name ending
    /// in `.greenlight.csv` writes the exact metrics file `greenlight import` takes (needs
    /// `--publisher`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Who computed the figures (the platform or team, e.g. "Netflix content team"): the
    /// provenance an import file carries and the series page shows.
    #[arg(long, value_name = "NAME")]
    pub publisher: Option<String>,
    /// The generation date an import file carries (default today, UTC).
    #[arg(long, value_name = "DATE", value_parser = crate::values::date)]
    pub generated: Option<NaiveDate>,
    /// Memory pool limit in MiB; operators spill to disk beyond it.
    #[arg(long)]
    pub memory_mib: Option<usize>,
    /// Where spill files go.
    #[arg(long)]
    pub spill_dir: Option<PathBuf>,
    /// Partitions (threads) of the query.
    #[arg(long)]
    pub partitions: Option<usize>,
    /// Run the query on a Ballista cluster: df://HOST:PORT of its scheduler. The data set and
    /// --spill-dir must be at the same path on every executor (a shared filesystem).
    #[arg(long, value_name = "df://HOST:PORT")]
    pub cluster: Option<String>,
}

fn events_count(s: &str) -> Result<u64, String> {
    let t = s.trim();
    if let Ok(n) = t.parse::<u64>() {
        return Ok(n);
    }
    // `1e6`, `2.5e7`: scientific notation, whole numbers only.
    if let Some((m, e)) = t.split_once(['e', 'E']) {
        if let (Ok(m), Ok(e)) = (m.parse::<f64>(), e.parse::<u32>()) {
            let v = m * 10f64.powi(e as i32);
            if v.is_finite() && (1.0..=1e12).contains(&v) && v.fract() == 0.0 {
                return Ok(v as u64);
            }
        }
    }
    Err(format!("`{s}` is not a whole number of events"))
}

pub fn run(a: Args, quiet: bool) -> Result<()> {
    match a.command {
        Sub::Synth(s) => synth(s, quiet),
        Sub::Metrics(m) => metrics(m, false),
        Sub::Avs(m) => metrics(m, true),
        #[cfg(feature = "cluster")]
        Sub::Scheduler(s) => scheduler(s, quiet),
        #[cfg(feature = "cluster")]
        Sub::Executor(e) => executor(e, quiet),
    }
}

#[cfg(feature = "cluster")]
fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime")
}

#[cfg(feature = "cluster")]
fn scheduler(a: SchedulerArgs, quiet: bool) -> Result<()> {
    let bind = std::net::SocketAddr::new(a.host, a.port);
    runtime()?.block_on(async {
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .with_context(|| format!("scheduler cannot listen on {bind}"))?;
        let s = greenlight_platform::cluster::Scheduler::start(listener).await?;
        if !quiet {
            eprintln!(
                "greenlight: Ballista scheduler listening on df://{} (Ctrl-C stops it)",
                s.addr
            );
        }
        tokio::select! {
            r = s.wait() => Ok(r?),
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    })
}

#[cfg(feature = "cluster")]
fn executor(a: ExecutorArgs, quiet: bool) -> Result<()> {
    use greenlight_platform::cluster::{run_executor, ClusterUrl, ExecutorOptions};
    let url = if a.scheduler.starts_with("df://") {
        a.scheduler.clone()
    } else {
        format!("df://{}", a.scheduler)
    };
    let scheduler = ClusterUrl::parse(&url).context("--scheduler")?;
    let bind = std::net::SocketAddr::new(a.host, a.port);
    if !quiet {
        eprintln!(
            "greenlight: Ballista executor on {bind} for scheduler {scheduler} (Ctrl-C stops it)"
        );
    }
    runtime()?.block_on(run_executor(ExecutorOptions {
        scheduler,
        bind,
        concurrent_tasks: a.concurrent_tasks,
        work_dir: a.work_dir,
        memory_limit: a.memory_mib.map(|m| m << 20),
        id: None,
    }))?;
    Ok(())
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn synth(a: SynthArgs, quiet: bool) -> Result<()> {
    let t = std::time::Instant::now();
    let s = greenlight_platform::synth(&SynthOptions {
        events: a.events,
        seed: a.seed,
        out: a.out.clone(),
        data_dir: a.data,
        threads: a.threads.unwrap_or_else(threads),
        from_week: a.from_week,
        to_week: a.to_week,
    })?;
    if !quiet {
        eprintln!(
            "greenlight: wrote {} events, {} members, {} titles over {} weeks to {} in {:.1} s",
            s.events,
            s.members,
            s.titles,
            s.weeks,
            a.out.display(),
            t.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn metrics(a: MetricsArgs, avs_only: bool) -> Result<()> {
    let specs = if a.windows.is_empty() {
        vec![
            WindowSpec::Launch(7),
            WindowSpec::Launch(28),
            WindowSpec::Launch(91),
        ]
    } else {
        a.windows
            .iter()
            .map(|w| WindowSpec::parse(w))
            .collect::<Result<Vec<_>, _>>()?
    };
    let weights = match &a.weights {
        Some(p) => Weights::from_file(p)?,
        None => Weights::default(),
    };
    let engine = EngineOptions {
        memory_limit: a.memory_mib.map(|m| m << 20),
        spill_dir: a.spill_dir,
        partitions: a.partitions,
        cluster: a.cluster,
    };
    // The provenance is checked before the (long) computation, so a bad name fails at once.
    let provenance = match &a.publisher {
        Some(p) => Some(
            greenlight_sources::exact::Provenance::new(
                p,
                a.generated
                    .unwrap_or_else(|| chrono::Utc::now().date_naive()),
            )
            .map_err(|e| anyhow::anyhow!("--publisher: {e}"))?,
        ),
        None => None,
    };
    if let Some(out) = &a.out {
        if output::OutputFormat::from_path(out)? == output::OutputFormat::Import
            && provenance.is_none()
        {
            anyhow::bail!(
                "{}: the import file names who computed the figures: give --publisher NAME",
                out.display()
            );
        }
    }
    let rows = compute_blocking(&Dataset::new(&a.dir), &specs, &weights, &engine)
        .with_context(|| format!("metrics of {}", a.dir.display()))?;
    if let Some(out) = &a.out {
        output::write_file_with(&rows, out, provenance.as_ref())?;
        return Ok(());
    }
    print_table(&rows, avs_only)
}

fn share(nano: i64) -> String {
    format!("{}.{:07}%", nano / 10_000_000, nano % 10_000_000)
}

fn print_table(rows: &[TitleWindow], avs_only: bool) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if avs_only {
        writeln!(out, "window\tseries\tseason\tavs_share\tefficiency")?;
    } else {
        writeln!(
            out,
            "window\tseries\tseason\thours\tviews\tviewers\tcompletion\tview_share\tavs_share\tefficiency"
        )?;
    }
    for r in rows {
        let eff = r
            .efficiency_micro
            .map(|e| format!("{}.{:06}", e / 1_000_000, e % 1_000_000))
            .unwrap_or_default();
        if avs_only {
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}",
                r.window,
                r.series,
                r.season,
                share(r.avs_share_nano),
                eff
            )?;
        } else {
            writeln!(
                out,
                "{}\t{}\t{}\t{}.{:02}\t{}.{:03}\t{}\t{}\t{}\t{}\t{}",
                r.window,
                r.series,
                r.season,
                r.seconds / 3_600,
                r.seconds % 3_600 * 100 / 3_600,
                r.views_milli / 1_000,
                r.views_milli % 1_000,
                r.viewers,
                share(r.completion_nano),
                share(r.view_share_nano),
                share(r.avs_share_nano),
                eff
            )?;
        }
    }
    Ok(())
}
