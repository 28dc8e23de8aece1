//! A real browser: Debian's headless Chromium, driven over WebDriver (chromedriver's HTTP JSON
//! protocol, spoken directly with a small HTTP client), opens the Partner Track page, checks that
//! the status and the chart are displayed, and saves screenshots under `target/screenshots/`.
//! Fails, with how to install them, when Chromium or chromedriver are missing.

use crate::common;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn find(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for n in names {
        for dir in std::env::split_paths(&path).chain([
            PathBuf::from("/usr/bin"),
            PathBuf::from("/usr/lib/chromium"),
        ]) {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

pub(crate) struct Driver {
    child: Child,
    base: String,
    agent: ureq::Agent,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    pub(crate) fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let r = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, b) => self.agent.post(&url).send_json(b.unwrap_or(json!({}))),
        };
        let mut r = r.unwrap_or_else(|e| panic!("webdriver {method} {path}: {e}"));
        let v: Value = r.body_mut().read_json().unwrap_or(Value::Null);
        if let Some(err) = v["value"]["error"].as_str() {
            panic!(
                "webdriver {method} {path}: {err}: {}",
                v["value"]["message"]
            );
        }
        v["value"].clone()
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) fn start_driver() -> Driver {
    let chromium = find(&["chromium", "chromium-browser"]).unwrap_or_else(|| {
        panic!("Chromium is missing: install Debian's package (`apt-get update && apt-get install -y chromium chromium-driver`)")
    });
    let chromedriver = find(&["chromedriver"]).unwrap_or_else(|| {
        panic!("chromedriver is missing: install Debian's package (`apt-get install -y chromium-driver`); Chromium is at {}", chromium.display())
    });
    let port = free_port();
    let child = Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let d = Driver {
        child,
        base: format!("http://127.0.0.1:{port}"),
        agent,
    };
    let t = Instant::now();
    loop {
        if let Ok(mut r) = d.agent.get(&format!("{}/status", d.base)).call() {
            let v: Value = r.body_mut().read_json().unwrap_or(Value::Null);
            if v["value"]["ready"] == true {
                break;
            }
        }
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "chromedriver did not become ready"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    d
}

/// Base64 (standard alphabet) decoding, for the screenshots; small enough not to need a crate.
pub(crate) fn base64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in s.bytes().filter_map(val) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

pub(crate) fn screenshots_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is `<target>/tmp`.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap_or(Path::new("target"))
        .join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A headless Chromium session with its own empty profile and a desktop-sized window; its id,
/// which every later WebDriver call names.
pub(crate) fn new_session(d: &Driver, profile: &Path) -> String {
    let chromium = find(&["chromium", "chromium-browser"]).unwrap();
    let session = d.call(
        "POST",
        "/session",
        Some(json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": chromium.to_string_lossy(),
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-dev-shm-usage", format!("--user-data-dir={}", profile.display()),
                     "--window-size=1100,1700"]
        }}}})),
    );
    session["sessionId"]
        .as_str()
        .expect("session id")
        .to_string()
}

#[test]
fn partner_track_renders_in_headless_chromium() {
    let server = common::server();
    let d = start_driver();
    let profile = tempfile::tempdir().unwrap();
    let id = new_session(&d, profile.path());
    let s = |p: &str| format!("/session/{id}{p}");

    d.call(
        "POST",
        &s("/url"),
        Some(json!({"url": format!("{}/series/partner-track", server.base)})),
    );
    let title = d.call("GET", &s("/title"), None);
    assert_eq!(title, "Partner Track · greenlight");

    let element = |css: &str| -> String {
        let v = d.call(
            "POST",
            &s("/element"),
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    };
    let badge = element("#status .badge");
    assert_eq!(
        d.call("GET", &s(&format!("/element/{badge}/displayed")), None),
        true,
        "status badge not displayed"
    );
    assert_eq!(
        d.call("GET", &s(&format!("/element/{badge}/text")), None),
        "canceled"
    );
    let status_text = d.call(
        "GET",
        &s(&format!("/element/{}/text", element("#status"))),
        None,
    );
    assert!(
        status_text.as_str().unwrap().contains("2022-11-08"),
        "{status_text}"
    );

    let chart = element("#chart-img");
    assert_eq!(
        d.call("GET", &s(&format!("/element/{chart}/displayed")), None),
        true,
        "chart not displayed"
    );
    // The SVG actually loaded and has a size (a broken image has naturalWidth 0).
    let t = Instant::now();
    loop {
        let w = d.call(
            "POST",
            &s("/execute/sync"),
            Some(json!({"script": "const i = document.getElementById('chart-img'); return i.complete ? i.naturalWidth : -1;", "args": []})),
        );
        if w.as_i64().unwrap_or(0) > 0 {
            break;
        }
        assert!(
            w != 0 && t.elapsed() < Duration::from_secs(10),
            "chart image did not load ({w})"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let rect = d.call("GET", &s(&format!("/element/{chart}/rect")), None);
    assert!(
        rect["width"].as_f64().unwrap() > 300.0 && rect["height"].as_f64().unwrap() > 150.0,
        "{rect}"
    );

    let dir = screenshots_dir();
    let shot = base64(d.call("GET", &s("/screenshot"), None).as_str().unwrap());
    assert!(shot.starts_with(b"\x89PNG"), "screenshot is not a PNG");
    std::fs::write(dir.join("partner-track.png"), &shot).unwrap();

    d.call(
        "POST",
        &s("/execute/sync"),
        Some(json!({"script": "document.getElementById('chart').scrollIntoView();", "args": []})),
    );
    std::thread::sleep(Duration::from_millis(200));
    let shot = base64(d.call("GET", &s("/screenshot"), None).as_str().unwrap());
    std::fs::write(dir.join("partner-track-chart.png"), &shot).unwrap();

    // A phone: no sideways scrolling of the page itself (wide tables scroll in their own box).
    d.call(
        "POST",
        &s("/window/rect"),
        Some(json!({"width": 390, "height": 844})),
    );
    let fits = d.call(
        "POST",
        &s("/execute/sync"),
        Some(json!({"script": "return document.documentElement.scrollWidth <= window.innerWidth + 1;", "args": []})),
    );
    let shot = base64(d.call("GET", &s("/screenshot"), None).as_str().unwrap());
    std::fs::write(dir.join("partner-track-phone.png"), &shot).unwrap();
    assert_eq!(fits, true, "the page scrolls sideways on a phone");
    eprintln!("screenshots in {}", dir.display());
    d.call("DELETE", &format!("/session/{id}"), None);
}

/// Issue 10: two of the famous series, as a fan sees them in a real browser: the right badge,
/// and the deciding source's link (the same URL the JSON API gives as deciding evidence).
#[test]
fn famous_series_show_their_status_and_a_clickable_source() {
    let server = common::server();
    let d = start_driver();
    let profile = tempfile::tempdir().unwrap();
    let id = new_session(&d, profile.path());
    let s = |p: &str| format!("/session/{id}{p}");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    for (slug, badge_text) in [("stranger-things", "ended"), ("1899", "canceled")] {
        let api: Value = agent
            .get(&format!("{}/api/v1/series/{slug}/status", server.base))
            .call()
            .unwrap()
            .body_mut()
            .read_json()
            .unwrap();
        let urls: Vec<String> = api["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["role"] == "deciding")
            .filter_map(|e| e["source"]["url"].as_str().map(str::to_string))
            .collect();
        assert!(
            !urls.is_empty(),
            "{slug}: no deciding source with a URL in {api}"
        );
        d.call(
            "POST",
            &s("/url"),
            Some(json!({"url": format!("{}/series/{slug}", server.base)})),
        );
        let badge = d.call(
            "POST",
            &s("/element"),
            Some(json!({"using": "css selector", "value": "#status .badge"})),
        );
        let badge = badge[ELEMENT].as_str().expect("a status badge").to_string();
        assert_eq!(
            d.call("GET", &s(&format!("/element/{badge}/text")), None),
            badge_text,
            "{slug}"
        );
        let hrefs = d.call(
            "POST",
            &s("/execute/sync"),
            Some(json!({"script": "return Array.from(document.querySelectorAll('#status a[href]')).filter(a => a.offsetParent !== null).map(a => a.href);", "args": []})),
        );
        let hrefs: Vec<String> = hrefs
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|h| h.as_str().map(str::to_string))
            .collect();
        assert!(
            urls.iter().any(|u| hrefs.iter().any(|h| h == u || h.trim_end_matches('/') == u.trim_end_matches('/'))),
            "{slug}: none of the deciding sources {urls:?} is a visible link in the status box ({hrefs:?})"
        );
        let shot = base64(d.call("GET", &s("/screenshot"), None).as_str().unwrap());
        std::fs::write(screenshots_dir().join(format!("{slug}.png")), &shot).unwrap();
    }
    d.call("DELETE", &format!("/session/{id}"), None);
}
