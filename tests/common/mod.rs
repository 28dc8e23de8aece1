//! What the root test binaries share: the binary, `greenlight serve` on loopback, a private
//! store, and the fixture feeds served by a real HTTP server on loopback
//! (`greenlight_testkit::http`).
#![allow(dead_code)]

use greenlight_testkit::http::{Route, Server};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

pub fn greenlight(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_greenlight"))
        .arg("--db")
        .arg(db)
        .arg("--quiet")
        .args(args)
        // The built-in outlets table, whatever the environment says.
        .env_remove("GREENLIGHT_OUTLETS")
        .output()
        .unwrap()
}

pub fn ok(db: &Path, args: &[&str]) -> String {
    let out = greenlight(db, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn json(db: &Path, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(db, args)).unwrap()
}

/// Fails with exit 1; returns stderr.
pub fn fails(db: &Path, args: &[&str]) -> String {
    let out = greenlight(db, args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{args:?} should fail: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr).unwrap()
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("crates/news/tests/fixtures")
        .join(name)
}

/// A private copy of the store as a user has it after `import` (data, announcements, starter
/// catalog).
pub fn store() -> PathBuf {
    greenlight_testkit::private_copy(greenlight_testkit::imported_all())
}

/// The fixture feeds, a plain-text article, and the ways a server fails.
pub fn news_server() -> Server {
    let file = |n: &str| std::fs::read(fixture(n)).unwrap();
    Server::start([
        (
            "/feed.rss".to_string(),
            Route::Ok {
                content_type: "application/rss+xml; charset=utf-8",
                body: file("feed.rss"),
            },
        ),
        (
            "/feed.atom".to_string(),
            Route::Ok {
                content_type: "application/atom+xml",
                body: file("feed.atom"),
            },
        ),
        (
            "/article.txt".to_string(),
            Route::Ok {
                content_type: "text/plain",
                body: b"Netflix has canceled Partner Track after one season. It premiered on August 26, 2022.".to_vec(),
            },
        ),
        ("/loop".to_string(), Route::Redirect("/loop".into())),
        (
            "/slow".to_string(),
            Route::Slow(Duration::from_secs(4), b"late".to_vec()),
        ),
    ])
}

/// `greenlight serve` on a free loopback port over a store, killed when dropped; `.1` is its
/// base URL.
pub struct Served(pub std::process::Child, pub String);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `greenlight serve` over `db` and waits (up to 60 s) until it accepts connections.
pub fn serve(db: &Path) -> Served {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_greenlight"))
        .arg("--db")
        .arg(db)
        .args(["--quiet", "serve", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let served = Served(child, format!("http://127.0.0.1:{port}"));
    let start = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "serve did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    served
}
