//! A store with all of the real data (the starter catalog and the announcements too), served on a free loopback port,
//! once per test binary. Fails, never skips, when the data is missing.
#![allow(dead_code)]

use greenlight_store::Store;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub struct Server {
    pub base: String,
    pub db: PathBuf,
    _dir: &'static tempfile::TempDir,
}

/// A directory under cargo's target tmp dir that lives as long as the test process (statics are
/// never dropped, so each binary removes its own earlier runs' directories the first time).
fn leak_tempdir() -> &'static tempfile::TempDir {
    static PREFIX: OnceLock<String> = OnceLock::new();
    let prefix = PREFIX.get_or_init(|| {
        let exe = std::env::current_exe()
            .ok()
            .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()));
        let prefix = format!(
            "greenlight-web-{}-",
            exe.unwrap_or_default().split('-').next().unwrap_or("test")
        );
        if let Ok(entries) = std::fs::read_dir(env!("CARGO_TARGET_TMPDIR")) {
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().starts_with(&prefix) {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        prefix
    });
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("tempdir");
    Box::leak(Box::new(dir))
}

/// The imported store's path (data, starter catalog, announcements), built once per test
/// process by the test kit.
pub fn imported() -> &'static Path {
    greenlight_testkit::imported_all()
}

/// Starts a server on `db` on 127.0.0.1:0 in a thread of its own; returns its base URL.
pub fn start(db: &Path) -> String {
    serve_state(greenlight_web::prepare(db.to_path_buf()).expect("prepare"))
}

/// Serves `state` on 127.0.0.1:0 in a thread of its own; returns its base URL.
pub fn serve_state(state: greenlight_web::AppState) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr"))
                .expect("send addr");
            greenlight_web::serve_listener(listener, state, std::future::pending())
                .await
                .expect("serve");
        });
    });
    let addr = rx.recv().expect("server address");
    format!("http://{addr}")
}

/// The shared read-mostly server over the imported store.
pub fn server() -> &'static Server {
    static S: OnceLock<Server> = OnceLock::new();
    S.get_or_init(|| {
        let db = imported().to_path_buf();
        // The tracker's board kept, as after a user's first `list`: `GET /api/v1/series` then
        // reads it instead of deriving every series inside one request (minutes in a debug
        // build, past the 30 s request timeout). Private copies are made from this store.
        let store = Store::open(&db).expect("open");
        greenlight_report::tracker::refresh(&store).expect("the board derived");
        drop(store);
        Server {
            base: start(&db),
            db,
            _dir: leak_tempdir(),
        }
    })
}

/// A private copy of the imported store (for tests that write), served by its own server.
pub fn private_server() -> Server {
    // Copies of the shared store, board included.
    let _ = server();
    let dir = leak_tempdir();
    let db = dir.path().join("copy.db");
    let src = Store::open(imported()).expect("open");
    src.copy_to(&db).expect("copy store");
    drop(src);
    Server {
        base: start(&db),
        db,
        _dir: dir,
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

pub struct Resp {
    pub status: u16,
    pub content_type: String,
    pub etag: Option<String>,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn resp(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Resp {
    let mut r = r.expect("request failed");
    let h = |n: &str| {
        r.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let content_type = h("content-type").unwrap_or_default();
    let etag = h("etag");
    let status = r.status().as_u16();
    let body = r.body_mut().read_to_string().unwrap_or_default();
    Resp {
        status,
        content_type,
        etag,
        body,
    }
}

pub fn get(base: &str, path: &str) -> Resp {
    resp(agent().get(&format!("{base}{path}")).call())
}

pub fn get_with(base: &str, path: &str, header: (&str, &str)) -> Resp {
    resp(
        agent()
            .get(&format!("{base}{path}"))
            .header(header.0, header.1)
            .call(),
    )
}

pub fn post(base: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Resp {
    let mut req = agent().post(&format!("{base}{path}"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    resp(req.send(body))
}

/// Everything a write could change: row counts of every table and the ledger's and the web's
/// own rows in full.
pub fn dump(db: &Path) -> String {
    let store = Store::open(db).expect("open");
    let mut out = String::new();
    for (t, n) in store.table_counts().expect("table counts") {
        out.push_str(&format!("{t}: {n}\n"));
    }
    for t in ["ledger_claims", "ledger_series", "web_tokens"] {
        out.push_str(&store.table_rows(t).expect("table rows").join("\n"));
    }
    out
}
