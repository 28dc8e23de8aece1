//! The same plan on a real Ballista cluster on loopback: a scheduler and two executors in this
//! process, talking gRPC and Arrow Flight over 127.0.0.1 ports the OS picked, against the
//! single-node result on the same real-data-calibrated events (1e5 of them: the 1e6 set's exact
//! check against a plain loop is the single-node tests' job; here only the engines are compared).

use super::{engine, scratch, test_weights};
use greenlight_platform::cluster::{
    run_executor, ClusterUrl, ExecutorOptions, Scheduler, CONNECT_TIMEOUT,
};
use greenlight_platform::schema::Dataset;
use greenlight_platform::synth::SynthOptions;
use greenlight_platform::{metrics, EngineOptions, PlatformError, WindowSpec};
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const EVENTS: u64 = 100_000;

/// The 1e5-event set, generated once per test process by the crate's own synth.
fn dataset() -> &'static Dataset {
    static DS: OnceLock<Dataset> = OnceLock::new();
    DS.get_or_init(|| {
        let out = scratch("synth-1e5-cluster");
        let s = greenlight_platform::synth(&SynthOptions {
            events: EVENTS,
            seed: 5,
            out: out.clone(),
            data_dir: greenlight_testkit::data_dir(),
            threads: 2,
            from_week: None,
            to_week: None,
        })
        .expect("synth on the real data");
        assert_eq!(s.events, EVENTS);
        Dataset::new(out)
    })
}

/// A loopback port nothing listens on: bound by the OS, then closed.
fn closed_port() -> u16 {
    free_port()
}

/// A port the OS picks (bound, read, released: the executor binds it a moment later).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Files under `dir`, recursively.
fn files_under(dir: &std::path::Path) -> usize {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return 0;
    };
    rd.flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                files_under(&p)
            } else {
                1
            }
        })
        .sum()
}

#[test]
fn a_two_executor_ballista_cluster_gives_the_single_node_result_exactly() {
    let ds = dataset();
    let weights = test_weights();
    let specs = [
        WindowSpec::Launch(28),
        WindowSpec::parse("2024-01-01..2024-03-31").unwrap(),
    ];
    let local = greenlight_platform::compute_blocking(ds, &specs, &weights, &engine()).unwrap();
    assert!(
        local.len() >= 100,
        "only {} title-windows: the comparison would prove little",
        local.len()
    );
    for label in ["launch+28", "2024-01-01..2024-03-31"] {
        assert!(
            local.iter().filter(|r| r.window == label).count() >= 10,
            "{label} is missing"
        );
    }

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let scheduler = Scheduler::start(listener).await.unwrap();
        let url = ClusterUrl {
            host: "127.0.0.1".into(),
            port: scheduler.addr.port(),
        };
        let ids = ["executor-a", "executor-b"];
        let mut work_dirs = Vec::new();
        for id in ids {
            let work = scratch(&format!("cluster-{id}"));
            work_dirs.push(work.clone());
            let bind: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
            tokio::spawn(run_executor(ExecutorOptions {
                scheduler: url.clone(),
                bind,
                concurrent_tasks: Some(1),
                work_dir: Some(work),
                memory_limit: None,
                id: Some(id.to_string()),
            }));
        }
        // Pull-staged executors register with their first poll for work.
        let t = Instant::now();
        loop {
            let got = scheduler.executors().await.unwrap();
            if got == ids {
                break;
            }
            assert!(
                t.elapsed() < Duration::from_secs(60),
                "executors registered after 60 s: {got:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        let on_cluster = EngineOptions {
            // More partitions than one executor's task slot, so both executors get tasks.
            partitions: Some(4),
            spill_dir: Some(scratch("cluster-client")),
            cluster: Some(url.to_string()),
            ..Default::default()
        };
        let remote = greenlight_platform::compute(ds, &specs, &weights, &on_cluster)
            .await
            .unwrap();
        assert_eq!(remote.len(), local.len(), "same title-windows");
        for (r, l) in remote.iter().zip(&local) {
            assert_eq!(r, l, "the cluster and the single node differ");
        }
        // Both executors ran tasks: each wrote shuffle output for the job to its work dir.
        for (id, dir) in ids.iter().zip(&work_dirs) {
            assert!(
                files_under(dir) > 0,
                "{id} wrote no shuffle files under {}: it ran no task",
                dir.display()
            );
        }
        assert_eq!(scheduler.executors().await.unwrap(), ids);
    });
    // The executors and the scheduler are tasks of this runtime: they end with it.
    rt.shutdown_timeout(Duration::from_secs(5));
}

#[test]
fn an_unreachable_or_malformed_cluster_address_is_a_clear_error_within_a_bound() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let with = |url: &str| EngineOptions {
        cluster: Some(url.to_string()),
        ..Default::default()
    };
    let closed = format!("df://127.0.0.1:{}", closed_port());
    let t = Instant::now();
    let err = rt
        .block_on(metrics::context(&with(&closed)))
        .err()
        .expect("nothing listens on a closed port");
    assert!(matches!(err, PlatformError::Cluster(_)), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains(&closed) && msg.contains("unreachable"),
        "{msg}"
    );
    // Not a speed check: a hang detector. The connect is bounded by CONNECT_TIMEOUT (a refused
    // loopback connect returns at once); far beyond it means the bound is not applied.
    assert!(
        t.elapsed() < CONNECT_TIMEOUT * 4,
        "an unreachable scheduler took {:?} to fail",
        t.elapsed()
    );
    for bad in ["http://127.0.0.1:50050", "df://127.0.0.1", "df://:50050"] {
        let err = rt
            .block_on(metrics::context(&with(bad)))
            .err()
            .expect("malformed");
        assert!(matches!(err, PlatformError::Config(_)), "{bad}: {err:?}");
        assert!(err.to_string().contains(bad), "{bad}: {err}");
    }
    // And through the whole computation: the error comes before the data set is even read
    // (here there is none, so a validation error would be the other possible answer).
    let err = greenlight_platform::compute_blocking(
        &Dataset::new(scratch("cluster-no-data")),
        &[WindowSpec::Launch(28)],
        &test_weights(),
        &with(&closed),
    )
    .unwrap_err();
    assert!(matches!(err, PlatformError::Cluster(_)), "{err:?}");
    assert!(err.to_string().contains(&closed), "{err}");
}
