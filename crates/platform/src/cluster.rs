//! Scale-out on Apache DataFusion Ballista (issue 17, step 4): the metrics plan of [`crate::metrics`]
//! sent to a Ballista scheduler, and the scheduler and executor processes themselves, started
//! from Ballista's library entry points so that `greenlight platform scheduler|executor` is a
//! whole cluster without a separate Ballista install.
//!
//! What a cluster changes, and why the plan copes:
//! - Ballista ships the *logical* plan to the scheduler, and an in-memory table
//!   (`SessionContext::read_batch`) does not serialize through its codec. So on a cluster the
//!   plan's small generated tables (window days, titles) are written as Parquet files in the
//!   scratch directory and read from there ([`crate::metrics`]).
//! - Every file the plan reads (the data set, those small tables, the scratch (window, member)
//!   table) is read by the executors at the same absolute path. On loopback the filesystem is
//!   shared; a real cluster needs the data set and the scratch directory (`--spill-dir`) on a
//!   filesystem every executor mounts at the same path.
//! - Results stream back from the executors to the client: the scratch (window, member) table is
//!   written by the client, then read by the executors (again: a shared path).
//! - Operator metrics stay on the executors, so the client reports no spills (0), which is
//!   "unknown", not "none"; the memory limit is the executors' own (`--memory-mib` there).

use crate::error::{PlatformError, Result};
use ballista_core::config::TaskSchedulingPolicy;
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_server::SchedulerServer;
use datafusion::execution::SessionState;
use datafusion::prelude::SessionContext;
use datafusion_proto::protobuf::{LogicalPlanNode, PhysicalPlanNode};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How long a client or executor waits for the scheduler's TCP port before giving up: an
/// unreachable or firewalled address fails with a located error instead of hanging.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A scheduler address, from `df://HOST:PORT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterUrl {
    pub host: String,
    pub port: u16,
}

impl ClusterUrl {
    /// Parses `df://HOST:PORT` (the port is required: Ballista's default 50050 is a guess we
    /// would rather not make silently).
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |why: &str| {
            PlatformError::Config(format!(
                "cluster address `{text}`: {why} (expected df://HOST:PORT, e.g. df://127.0.0.1:50050)"
            ))
        };
        let rest = text
            .trim()
            .strip_prefix("df://")
            .ok_or_else(|| bad("not a df:// address"))?;
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let (host, port) = rest.rsplit_once(':').ok_or_else(|| bad("no port"))?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() || host.contains(['/', '@', '?', '#', ' ']) {
            return Err(bad("no valid host"));
        }
        let port: u16 = port
            .parse()
            .map_err(|_| bad("the port is not a number in 1..=65535"))?;
        if port == 0 {
            return Err(bad("port 0"));
        }
        Ok(ClusterUrl {
            host: host.to_string(),
            port,
        })
    }

    fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

impl std::fmt::Display for ClusterUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "df://{}", self.authority())
    }
}

/// Waits at most [`CONNECT_TIMEOUT`] for a TCP connection to the scheduler. Ballista's client
/// only connects when the first query runs, so this is what turns an unreachable address into
/// an error that names it, up front.
pub async fn check_reachable(url: &ClusterUrl) -> Result<()> {
    let unreachable = |why: String| {
        PlatformError::Cluster(format!(
            "scheduler {url} is unreachable: {why} (is `greenlight platform scheduler` running there?)"
        ))
    };
    match tokio::time::timeout(
        CONNECT_TIMEOUT,
        tokio::net::TcpStream::connect(url.authority()),
    )
    .await
    {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(unreachable(e.to_string())),
        Err(_) => Err(unreachable(format!(
            "no connection within {} s",
            CONNECT_TIMEOUT.as_secs()
        ))),
    }
}

/// A context whose queries run on the cluster, with the session's settings (partitions, join
/// preferences) carried to the scheduler.
pub async fn remote_context(url: &ClusterUrl, state: SessionState) -> Result<SessionContext> {
    use ballista::prelude::SessionContextExt;
    check_reachable(url).await?;
    let ctx = SessionContext::remote_with_state(&format!("df://{}", url.authority()), state)
        .await
        .map_err(|e| PlatformError::Cluster(format!("scheduler {url}: {e}")))?;
    Ok(ctx)
}

fn cerr(what: &str, e: impl std::fmt::Display) -> PlatformError {
    PlatformError::Cluster(format!("{what}: {e}"))
}

/// A scheduler serving on a bound listener, in this process.
pub struct Scheduler {
    pub addr: SocketAddr,
    server: SchedulerServer<LogicalPlanNode, PhysicalPlanNode>,
    task: tokio::task::JoinHandle<ballista_core::error::Result<()>>,
}

impl Scheduler {
    /// Starts a scheduler (pull-staged: executors ask it for work) on `listener`, which may be
    /// bound to port 0 so that the OS picks the port.
    pub async fn start(listener: tokio::net::TcpListener) -> Result<Self> {
        let addr = listener
            .local_addr()
            .map_err(|e| cerr("scheduler address", e))?;
        let config = SchedulerConfig::default()
            .with_hostname(addr.ip().to_string())
            .with_port(addr.port())
            .with_scheduler_policy(TaskSchedulingPolicy::PullStaged);
        config.validate().map_err(|e| cerr("scheduler", e))?;
        let cluster = BallistaCluster::new_from_config(&config)
            .await
            .map_err(|e| cerr("scheduler", e))?;
        let server = ballista_scheduler::scheduler_process::create_scheduler::<
            LogicalPlanNode,
            PhysicalPlanNode,
        >(cluster, Arc::new(config))
        .await
        .map_err(|e| cerr("scheduler", e))?;
        let task = tokio::spawn(
            ballista_scheduler::scheduler_process::start_grpc_service_with_listener(
                listener,
                server.clone(),
            ),
        );
        Ok(Scheduler { addr, server, task })
    }

    /// The ids of the executors that have registered (in pull mode: that have asked for work).
    pub async fn executors(&self) -> Result<Vec<String>> {
        let state = self
            .server
            .state
            .executor_manager
            .get_executors_state()
            .await
            .map_err(|e| cerr("executors", e))?;
        let mut ids: Vec<String> = state.into_iter().map(|(m, _, _)| m.id).collect();
        ids.sort();
        Ok(ids)
    }

    /// Serves until the gRPC service stops (an error) or the process ends.
    pub async fn wait(self) -> Result<()> {
        match self.task.await {
            Ok(r) => r.map_err(|e| cerr("scheduler", e)),
            Err(e) => Err(cerr("scheduler task", e)),
        }
    }
}

/// One executor's settings.
#[derive(Debug, Clone)]
pub struct ExecutorOptions {
    /// The scheduler, `HOST:PORT`.
    pub scheduler: ClusterUrl,
    /// Where this executor's Arrow Flight service (results, shuffles) listens; advertised to the
    /// scheduler and the clients under this address, so bind a routable one on a real cluster.
    pub bind: SocketAddr,
    /// Tasks run at once (Ballista's vcores); `None`: the number of cores.
    pub concurrent_tasks: Option<usize>,
    /// Shuffle files; `None`: a directory of its own under the system's temporary directory,
    /// removed when the executor stops.
    pub work_dir: Option<PathBuf>,
    /// Memory pool of the executor (split among its tasks; operators spill beyond it);
    /// `None`: Ballista's default share of the host's memory.
    pub memory_limit: Option<u64>,
    /// Executor id; `None`: a random one.
    pub id: Option<String>,
}

/// Runs an executor until it is stopped (Ctrl-C, SIGTERM) or fails. The scheduler is checked
/// first with [`check_reachable`], so a wrong address fails within [`CONNECT_TIMEOUT`].
pub async fn run_executor(o: ExecutorOptions) -> Result<()> {
    use ballista_executor::executor_process::{start_executor_process, ExecutorProcessConfig};
    check_reachable(&o.scheduler).await?;
    // Ballista's own default work directory is a temporary directory it drops (and so deletes)
    // as soon as it has its name; a directory of our own lives as long as the executor does.
    let (work_dir, owned) = match &o.work_dir {
        Some(d) => (d.clone(), false),
        None => (
            std::env::temp_dir().join(format!(
                "greenlight-executor-{}-{}",
                std::process::id(),
                o.bind.port()
            )),
            true,
        ),
    };
    std::fs::create_dir_all(&work_dir).map_err(|e| PlatformError::io(&work_dir, e))?;
    let mut c = ExecutorProcessConfig {
        bind_host: o.bind.ip().to_string(),
        external_host: Some(o.bind.ip().to_string()),
        port: o.bind.port(),
        // Only used by push-staged scheduling; this cluster pulls.
        grpc_port: o.bind.port().wrapping_add(1).max(1),
        scheduler_host: o.scheduler.host.clone(),
        scheduler_port: o.scheduler.port,
        scheduler_connect_timeout_seconds: CONNECT_TIMEOUT.as_secs() as u16,
        vcores: o.concurrent_tasks.unwrap_or(0),
        task_scheduling_policy: TaskSchedulingPolicy::PullStaged,
        work_dir: Some(work_dir.display().to_string()),
        memory_pool_size: o.memory_limit,
        print_thread_info: false,
        ..Default::default()
    };
    if let Some(id) = &o.id {
        c.executor_id = id.clone();
    }
    let r = start_executor_process(Arc::new(c))
        .await
        .map_err(|e| cerr(&format!("executor on {}", o.bind), e));
    if owned {
        // Shuffle files of finished jobs only: the executor has stopped.
        let _ = std::fs::remove_dir_all(&work_dir);
    }
    r
}

/// Runs a scheduler on `bind` until the process ends.
pub async fn run_scheduler(bind: SocketAddr) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| PlatformError::Cluster(format!("scheduler cannot listen on {bind}: {e}")))?;
    Scheduler::start(listener).await?.wait().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            ClusterUrl::parse("df://127.0.0.1:50050").unwrap(),
            ClusterUrl {
                host: "127.0.0.1".into(),
                port: 50050
            }
        );
        assert_eq!(ClusterUrl::parse("df://h:1/").unwrap().port, 1);
        for bad in [
            "http://127.0.0.1:50050",
            "df://127.0.0.1",
            "df://:50050",
            "df://h:0",
            "df://h:99999",
            "df://h:x",
            "127.0.0.1:50050",
        ] {
            let e = ClusterUrl::parse(bad).unwrap_err().to_string();
            assert!(e.contains(bad.trim()), "{bad}: {e}");
        }
    }
}
