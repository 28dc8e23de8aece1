//! Issue 15's acceptance, on the binary: a real HTTP origin on loopback serves the real files
//! of `shared/data` with ETags; `greenlight sync` imports them, then transfers nothing (304s);
//! a Top 10 file with one more week (built here from the real one) adds only that week, and
//! the followers' webhooks (a real loopback receiver that checks the signature) get every
//! event exactly once, in order, after being down for several rounds. A source that fails
//! (500, a timeout, a truncated body) leaves the store unchanged and shows its error in
//! `greenlight sources`; the next sync recovers.

mod common;

use common::{greenlight, ok};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the origin answers for a path.
#[derive(Clone)]
enum Answer {
    /// 200 with an ETag (a hash of the bytes); 304 when the request names that ETag.
    File(Vec<u8>),
    Status(u16),
    /// Declares the whole length, sends half, closes.
    Truncated(Vec<u8>),
    /// Answers after this long.
    Slow(Duration),
}

#[derive(Clone, Default)]
struct Origin {
    base: String,
    answers: Arc<Mutex<HashMap<String, Answer>>>,
    /// (path, status, body bytes sent) of every request.
    log: Arc<Mutex<Vec<(String, u16, usize)>>>,
}

fn etag(b: &[u8]) -> String {
    format!("\"{}\"", &greenlight_store::hash::sha256_hex(b)[..16])
}

/// The request line's path and headers (lower-cased names), and the body by Content-Length.
fn read_request(s: &mut TcpStream) -> Option<(String, HashMap<String, String>, Vec<u8>)> {
    let mut r = BufReader::new(s.try_clone().ok()?);
    let mut line = String::new();
    r.read_line(&mut line).ok()?;
    let path = line.split_whitespace().nth(1)?.to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).ok()? == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let n: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; n];
    r.read_exact(&mut body).ok()?;
    Some((path, headers, body))
}

impl Origin {
    fn start() -> Origin {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let o = Origin {
            base: format!("http://{}", listener.local_addr().unwrap()),
            ..Default::default()
        };
        let shared = o.clone();
        std::thread::spawn(move || {
            for s in listener.incoming().flatten() {
                let o = shared.clone();
                std::thread::spawn(move || o.answer(s));
            }
        });
        o
    }

    fn set(&self, path: &str, a: Answer) {
        self.answers.lock().unwrap().insert(path.into(), a);
    }

    fn take_log(&self) -> Vec<(String, u16, usize)> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }

    fn answer(&self, mut s: TcpStream) {
        let Some((path, headers, _)) = read_request(&mut s) else {
            return;
        };
        let a = self.answers.lock().unwrap().get(&path).cloned();
        let (status, sent) = match a {
            Some(Answer::File(b)) => {
                let tag = etag(&b);
                if headers.get("if-none-match") == Some(&tag) {
                    let _ = write!(
                        s,
                        "HTTP/1.1 304 Not Modified\r\nETag: {tag}\r\nConnection: close\r\n\r\n"
                    );
                    (304, 0)
                } else {
                    let _ = write!(s, "HTTP/1.1 200 OK\r\nETag: {tag}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", b.len());
                    let _ = s.write_all(&b);
                    (200, b.len())
                }
            }
            Some(Answer::Truncated(b)) => {
                let _ = write!(
                    s,
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    b.len()
                );
                let _ = s.write_all(&b[..b.len() / 2]);
                (200, b.len() / 2)
            }
            Some(Answer::Slow(d)) => {
                std::thread::sleep(d);
                let _ = write!(
                    s,
                    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                );
                (200, 2)
            }
            Some(Answer::Status(c)) => {
                let _ = write!(
                    s,
                    "HTTP/1.1 {c} Failing\r\nContent-Length: 4\r\nConnection: close\r\n\r\nfail"
                );
                (c, 4)
            }
            None => {
                let _ = write!(
                    s,
                    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                (404, 0)
            }
        };
        let _ = s.flush();
        self.log.lock().unwrap().push((path, status, sent));
    }
}

/// One webhook request as the receiver saw it.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    event_id: i64,
    timestamp: String,
    signature: String,
    body: Vec<u8>,
    accepted: bool,
}

/// A webhook receiver on loopback: while down it drops every connection unanswered; while
/// up it checks the signature with the documented check and answers 200 (or 401).
#[derive(Clone)]
struct Receiver {
    base: String,
    up: Arc<AtomicBool>,
    /// How long each answer takes (ms): a slow receiver keeps deliveries in flight.
    delay_ms: Arc<std::sync::atomic::AtomicU64>,
    /// While down: 0 drops each connection unanswered, else each request is read and
    /// answered with this status (a 503 of a receiver being restarted).
    down_status: Arc<std::sync::atomic::AtomicU64>,
    got: Arc<Mutex<Vec<Received>>>,
}

const SECRET: &str = "test-secret-ぜ";

impl Receiver {
    fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let r = Receiver {
            base: format!("http://{}", listener.local_addr().unwrap()),
            up: Arc::new(AtomicBool::new(false)),
            delay_ms: Arc::default(),
            down_status: Arc::default(),
            got: Arc::default(),
        };
        let shared = r.clone();
        std::thread::spawn(move || {
            for mut s in listener.incoming().flatten() {
                let down = shared.down_status.load(Ordering::SeqCst);
                if !shared.up.load(Ordering::SeqCst) && down == 0 {
                    drop(s);
                    continue;
                }
                let Some((path, h, body)) = read_request(&mut s) else {
                    continue;
                };
                if !shared.up.load(Ordering::SeqCst) {
                    let _ = write!(
                        s,
                        "HTTP/1.1 {down} Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    );
                    shared.got.lock().unwrap().push(Received {
                        path,
                        event_id: h
                            .get("greenlight-event-id")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(-1),
                        timestamp: String::new(),
                        signature: String::new(),
                        body,
                        accepted: false,
                    });
                    continue;
                }
                let ts = h.get("greenlight-timestamp").cloned().unwrap_or_default();
                let sig = h.get("greenlight-signature").cloned().unwrap_or_default();
                let ok = greenlight_sync::deliver::verify(
                    SECRET,
                    &ts,
                    &body,
                    &sig,
                    chrono::Utc::now().timestamp(),
                )
                .is_ok();
                std::thread::sleep(Duration::from_millis(
                    shared.delay_ms.load(Ordering::SeqCst),
                ));
                let code = if ok { "200 OK" } else { "401 Unauthorized" };
                let _ = write!(
                    s,
                    "HTTP/1.1 {code}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                shared.got.lock().unwrap().push(Received {
                    path,
                    event_id: h
                        .get("greenlight-event-id")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(-1),
                    timestamp: ts,
                    signature: sig,
                    body,
                    accepted: ok,
                });
            }
        });
        r
    }
}

/// A sources file for `origin` with every wait shortened (milliseconds, never minutes).
fn sources_file(dir: &Path, origin: &Origin, with_claims: bool) -> PathBuf {
    let p = dir.join("sources.toml");
    std::fs::write(
        &p,
        format!(
            r#"[fetch]
retries = 2
backoff_ms = 1
max_backoff_ms = 5
host_interval_ms = 0
timeout_secs = 2
connect_timeout_secs = 2

[delivery]
max_attempts = 50
backoff_ms = 1
max_backoff_ms = 5
settle_secs = 0
timeout_secs = 5

[[source]]
name = "top10-global"
kind = "data"
url = "{0}/top10/all-weeks-global.tsv"
{1}"#,
            origin.base,
            if with_claims {
                format!(
                    "\n[[source]]\nname = \"announcements\"\nkind = \"claims\"\nurl = \"{}/announcements/netflix-announcements.toml\"\n",
                    origin.base
                )
            } else {
                String::new()
            }
        ),
    )
    .unwrap();
    p
}

fn sync(db: &Path, sources: &Path) -> (bool, Value) {
    let out = greenlight(
        db,
        &["sync", "--json", "--sources", sources.to_str().unwrap()],
    );
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("sync --json: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.success(), v)
}

fn outcomes(v: &Value) -> BTreeMap<String, String> {
    v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn table_rows(db: &Path, table: &str) -> i64 {
    let v = common::json(db, &["stats", "--json"]);
    v["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["table"] == table)
        .map(|t| t["rows"].as_i64().unwrap())
        .unwrap_or(0)
}

/// The real Top 10 file with one more week: every row of its newest week again, a week later,
/// with one more cumulative week (the file lists newest weeks first, so it goes on top).
fn with_one_more_week(real: &str) -> (String, String, usize) {
    let mut lines = real.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let newest = rows[0].split('\t').next().unwrap().to_string();
    let next = (chrono::NaiveDate::parse_from_str(&newest, "%Y-%m-%d").unwrap()
        + chrono::Days::new(7))
    .to_string();
    let mut added = Vec::new();
    for r in rows
        .iter()
        .filter(|r| r.starts_with(&format!("{newest}\t")))
    {
        let mut f: Vec<String> = r.split('\t').map(str::to_string).collect();
        f[0] = next.clone();
        let last = f.len() - 1;
        f[last] = (f[last].parse::<u32>().unwrap() + 1).to_string();
        added.push(f.join("\t"));
    }
    let n = added.len();
    let mut out = String::from(header);
    out.push('\n');
    for l in added.iter().map(String::as_str).chain(rows.iter().copied()) {
        out.push_str(l);
        out.push('\n');
    }
    (out, next, n)
}

/// Every chart row by id: (dataset, line, week, category, rank, title, hours, runtime,
/// views, weeks), as text.
fn chart_rows(db: &Path) -> BTreeMap<i64, Vec<String>> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare("SELECT id, dataset_id, line, week, category, rank, title_id, hours, quote(runtime), quote(views), cumulative_weeks FROM chart_weeks")
        .unwrap();
    st.query_map([], |r| {
        let mut v = Vec::new();
        for i in 1..11 {
            v.push(match r.get_ref(i)? {
                rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                other => format!("{other:?}"),
            });
        }
        Ok((r.get(0)?, v))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// What resolution writes: spellings with their links, series, seasons, unresolved.
fn resolution(db: &Path) -> BTreeMap<String, Vec<String>> {
    let all = greenlight_testkit::dump(db);
    all.into_iter()
        .filter(|(t, _)| ["titles", "series", "seasons", "unresolved"].contains(&t.as_str()))
        .collect()
}

#[test]
fn sync_imports_then_transfers_nothing_then_adds_one_week_and_delivers_every_event_once_in_order() {
    let db = greenlight_testkit::fresh_store_path();
    let dir = db.parent().unwrap().to_path_buf();
    let origin = Origin::start();
    let top10 = std::fs::read(greenlight_testkit::data_file(
        "netflix-top10/all-weeks-global.tsv",
    ))
    .unwrap();
    let claims = std::fs::read(greenlight_testkit::data_file(
        "announcements/netflix-announcements.toml",
    ))
    .unwrap();
    let top10_rows = String::from_utf8_lossy(&top10).lines().count() as i64 - 1;
    origin.set("/top10/all-weeks-global.tsv", Answer::File(top10.clone()));
    origin.set(
        "/announcements/netflix-announcements.toml",
        Answer::File(claims),
    );
    let sources = sources_file(&dir, &origin, true);

    // First sync: both imported.
    let (good, first) = sync(&db, &sources);
    assert!(good, "{first}");
    // The same files through `greenlight import`: the ledger the sync must have built.
    let imported = greenlight_testkit::fresh_store_path();
    let file = |p: &str| greenlight_testkit::data_file(p).display().to_string();
    ok(
        &imported,
        &[
            "import",
            &file("netflix-top10/all-weeks-global.tsv"),
            &file("announcements/netflix-announcements.toml"),
        ],
    );
    let claim_count = |db: &Path| -> i64 {
        rusqlite::Connection::open(db)
            .unwrap()
            .query_row(
                "SELECT count(*) FROM ledger_claims WHERE origin != 'starter'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let first_claims = claim_count(&imported);
    assert!(first_claims > 0);
    assert_eq!(
        outcomes(&first),
        BTreeMap::from([
            ("announcements".into(), "imported".into()),
            ("top10-global".into(), "imported".into())
        ])
    );
    assert_eq!(table_rows(&db, "chart_weeks"), top10_rows);
    // Every claim of the file is in the ledger (the ledger's own table; `stats` counts data).
    assert_eq!(claim_count(&db), first_claims, "{first}");
    assert!(origin.take_log().iter().all(|(_, s, _)| *s == 200));

    // Second sync: every request a 304, not one body byte.
    let before = greenlight_testkit::dump_except(
        &db,
        &[
            ("sync_sources", "last_attempt"),
            ("sync_sources", "last_success"),
            ("sync_sources", "next_run"),
            ("sync_sources", "last_outcome"),
            ("sync_sources", "bytes"),
        ],
    );
    let (good, second) = sync(&db, &sources);
    assert!(good, "{second}");
    assert!(
        outcomes(&second).values().all(|o| o == "not_modified"),
        "{second}"
    );
    let log = origin.take_log();
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(log.iter().all(|(_, s, n)| *s == 304 && *n == 0), "{log:?}");
    assert_eq!(
        before,
        greenlight_testkit::dump_except(
            &db,
            &[
                ("sync_sources", "last_attempt"),
                ("sync_sources", "last_success"),
                ("sync_sources", "next_run"),
                ("sync_sources", "last_outcome"),
                ("sync_sources", "bytes")
            ]
        ),
        "a sync of unchanged sources changed the store"
    );

    // Follow every TV series of the newest chart week, each on its own webhook path.
    let text = String::from_utf8(top10.clone()).unwrap();
    let newest = text.lines().nth(1).unwrap().split('\t').next().unwrap();
    let mut shows = BTreeSet::new();
    for l in text
        .lines()
        .skip(1)
        .filter(|l| l.starts_with(&format!("{newest}\tTV")))
    {
        shows.insert(l.split('\t').nth(3).unwrap().to_string());
    }
    assert!(shows.len() >= 10, "{shows:?}");
    let receiver = Receiver::start();
    let store = greenlight_store::Store::open(&db).unwrap();
    let mut followed = BTreeSet::new();
    for show in &shows {
        let slug = store.series(show).unwrap().slug;
        if followed.insert(slug.clone()) {
            ok(
                &db,
                &[
                    "follow",
                    "--allow-private",
                    show,
                    "--webhook",
                    &format!("{}/hook/{slug}", receiver.base),
                    "--secret",
                    SECRET,
                ],
            );
        }
    }
    drop(store);

    // One more week: only it is added, and each followed series gets one event per row of it.
    let (bigger, next_week, added) = with_one_more_week(&text);
    origin.set(
        "/top10/all-weeks-global.tsv",
        Answer::File(bigger.into_bytes()),
    );
    let rows_before = chart_rows(&db);
    let resolution_before = resolution(&db);
    let (good, third) = sync(&db, &sources);
    assert!(good, "{third}");
    assert_eq!(outcomes(&third)["top10-global"], "imported");
    assert_eq!(outcomes(&third)["announcements"], "not_modified");
    assert_eq!(table_rows(&db, "chart_weeks"), top10_rows + added as i64);
    // Only that week was written: every stored row is still there under its own id, unchanged
    // (its line too, though the new week went on top of the file), and every new row is of
    // the new week. Its titles were all known, so nothing was resolved: spellings, series and
    // seasons are exactly as they were.
    let rows_after = chart_rows(&db);
    for (id, row) in &rows_before {
        assert_eq!(rows_after.get(id), Some(row), "row {id} was rewritten");
    }
    let new: Vec<_> = rows_after
        .iter()
        .filter(|(id, _)| !rows_before.contains_key(*id))
        .collect();
    assert_eq!(new.len(), added);
    assert!(new.iter().all(|(_, r)| r[2] == next_week), "{new:?}");
    assert_eq!(resolution(&db), resolution_before, "resolution ran");
    let note = third["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "top10-global")
        .unwrap()["note"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        note.starts_with(&format!(
            "1 week(s) added ({next_week}); {added} row(s) written"
        )),
        "{note}"
    );
    assert!(ok(&db, &["sources"]).contains(&note));
    let store = greenlight_store::Store::open(&db).unwrap();
    let mut expected: BTreeMap<String, usize> = BTreeMap::new();
    for slug in &followed {
        let s = store.series_by_slug(slug).unwrap().unwrap();
        let n = store
            .chart_weeks(&s)
            .unwrap()
            .iter()
            .filter(|w| w.week_end.to_string() == next_week)
            .count();
        assert!(
            n > 0,
            "{slug} charted in {newest} and so in the copied week"
        );
        expected.insert(slug.clone(), n);
    }
    drop(store);
    let events = third["events"].as_array().unwrap();
    let mut per_series: BTreeMap<String, usize> = BTreeMap::new();
    for e in events {
        let body: Value = serde_json::from_str(e["body"].as_str().unwrap()).unwrap();
        assert_eq!(e["kind"], "chart_week", "{e}");
        assert_eq!(body["week"], next_week.as_str(), "{e}");
        *per_series
            .entry(e["series"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    assert_eq!(
        per_series, expected,
        "one chart_week event per new row of each followed series"
    );
    // The receiver was down: nothing delivered yet, every delivery waiting with its error.
    let pending = common::json(&db, &["deliveries", "--json"]);
    let rows = pending["deliveries"].as_array().unwrap();
    assert_eq!(rows.len(), events.len());
    // Each follower's first event was tried and failed; its later ones wait behind it (in
    // order), untried.
    let mut heads: BTreeMap<i64, i64> = BTreeMap::new();
    for d in rows {
        assert_eq!(d["state"], "pending", "{d}");
        let f = d["follow_id"].as_i64().unwrap();
        let id = d["id"].as_i64().unwrap();
        heads
            .entry(f)
            .and_modify(|h| *h = (*h).min(id))
            .or_insert(id);
    }
    for d in rows {
        let head = heads[&d["follow_id"].as_i64().unwrap()] == d["id"].as_i64().unwrap();
        if head {
            assert!(
                d["attempts"].as_i64().unwrap() >= 1 && !d["last_error"].is_null(),
                "{d}"
            );
        } else {
            assert_eq!(d["attempts"], 0, "{d}");
        }
    }

    // Down for a few more rounds, then up: everything arrives.
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(20));
        sync(&db, &sources);
    }
    receiver.up.store(true, Ordering::SeqCst);
    for _ in 0..20 {
        std::thread::sleep(Duration::from_millis(20));
        sync(&db, &sources);
        let d = common::json(&db, &["deliveries", "--json"]);
        if d["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["state"] == "delivered")
        {
            break;
        }
    }
    let d = common::json(&db, &["deliveries", "--json"]);
    assert!(
        d["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["state"] == "delivered"),
        "{d}"
    );
    let got = receiver.got.lock().unwrap().clone();
    assert!(got.iter().all(|r| r.accepted), "every delivery verifies");
    let ids: Vec<i64> = got.iter().map(|r| r.event_id).collect();
    let want: BTreeSet<i64> = events.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), want.len(), "each event exactly once: {ids:?}");
    assert_eq!(ids.iter().copied().collect::<BTreeSet<_>>(), want);
    let mut by_path: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for r in &got {
        by_path.entry(r.path.as_str()).or_default().push(r.event_id);
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(body["id"], r.event_id);
        assert_eq!(
            format!("/hook/{}", body["event"]["series"].as_str().unwrap()),
            r.path
        );
    }
    for (path, ids) in &by_path {
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "{path}: out of order {ids:?}"
        );
    }
    // The documented check refuses a tampered body and a replay of a captured request.
    let r = &got[0];
    let mut tampered = r.body.clone();
    let at = tampered.iter().position(|&b| b.is_ascii_digit()).unwrap();
    tampered[at] = if tampered[at] == b'9' {
        b'1'
    } else {
        tampered[at] + 1
    };
    let now = chrono::Utc::now().timestamp();
    assert_eq!(
        greenlight_sync::deliver::verify(SECRET, &r.timestamp, &tampered, &r.signature, now),
        Err(greenlight_sync::deliver::Refused::BadSignature)
    );
    let ts: i64 = r.timestamp.parse().unwrap();
    assert_eq!(
        greenlight_sync::deliver::verify(SECRET, &r.timestamp, &r.body, &r.signature, ts + 3600),
        Err(greenlight_sync::deliver::Refused::Stale)
    );

    // The change feed pages through the same events, by cursor, oldest first.
    let served = common::serve(&db);
    let mut cursor = 0;
    let mut feed = Vec::new();
    for _ in 0..100 {
        let page: Value = ureq::get(format!(
            "{}/api/v1/changes?since={cursor}&limit=7",
            served.1
        ))
        .call()
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
        let changes = page["changes"].as_array().unwrap();
        assert!(changes.len() <= 7);
        feed.extend(changes.iter().map(|c| c["id"].as_i64().unwrap()));
        if changes.is_empty() {
            assert_eq!(page["next"], cursor);
            break;
        }
        cursor = page["next"].as_i64().unwrap();
    }
    assert_eq!(
        feed,
        want.iter().copied().collect::<Vec<_>>(),
        "the feed lists every event once, in order"
    );
    let bad = ureq::get(format!("{}/api/v1/changes?limit=0", served.1))
        .config()
        .http_status_as_error(false)
        .build()
        .call()
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    drop(served);

    // A replay sends that one delivery again, with the same event id.
    let one = d["deliveries"].as_array().unwrap()[0]["id"]
        .as_i64()
        .unwrap();
    let event = d["deliveries"].as_array().unwrap()[0]["event_id"]
        .as_i64()
        .unwrap();
    ok(
        &db,
        &[
            "deliveries",
            "--replay",
            &one.to_string(),
            "--sources",
            sources.to_str().unwrap(),
        ],
    );
    let got = receiver.got.lock().unwrap().clone();
    assert_eq!(got.len(), ids.len() + 1);
    assert_eq!(got.last().unwrap().event_id, event);

    // A news source announces a renewal of a followed series awaiting a decision: the sync
    // records one `renewed` status event (from the ledger's status before and after, in the
    // import's transaction) and its follower receives it.
    let store = greenlight_store::Store::open(&db).unwrap();
    let (slug, next) = followed
        .iter()
        .find_map(|slug| {
            let r = greenlight_ledger::status(&store, slug, None).ok()?;
            (r.status == greenlight_ledger::Status::AwaitingDecision)
                .then(|| (slug.clone(), r.next_season))
        })
        .expect("a followed series awaiting a decision");
    drop(store);
    let today = chrono::Utc::now().date_naive();
    let news = format!(
        "version = 1\n\n[[claims]]\nkind = \"season_renewed\"\nseries = \"{slug}\"\nseason = {next}\nevent_date = {today}\npublished = {today}\nentered_by = \"tests/sync.rs\"\nsource = {{ name = \"Test Trade\", url = \"https://example.org/{slug}-renewed\", kind = \"trade_press\" }}\n"
    );
    origin.set("/news/renewals.toml", Answer::File(news.into_bytes()));
    let mut text = std::fs::read_to_string(&sources).unwrap();
    text.push_str(&format!(
        "\n[[source]]\nname = \"renewals\"\nkind = \"claims\"\nurl = \"{}/news/renewals.toml\"\n",
        origin.base
    ));
    std::fs::write(&sources, text).unwrap();
    let before = receiver.got.lock().unwrap().len();
    let (good, fourth) = sync(&db, &sources);
    assert!(good, "{fourth}");
    assert_eq!(outcomes(&fourth)["renewals"], "imported");
    let events = fourth["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{fourth}");
    let body: Value = serde_json::from_str(events[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["kind"], "renewed");
    assert_eq!(body["series"], slug.as_str());
    assert_eq!(body["from"], "awaiting_decision");
    assert_eq!(body["to"], "renewed");
    let got = receiver.got.lock().unwrap().clone();
    assert_eq!(got.len(), before + 1, "delivered in the same sync");
    assert_eq!(got[before].event_id, events[0]["id"].as_i64().unwrap());
    assert_eq!(got[before].path, format!("/hook/{slug}"));
    assert!(got[before].accepted);
}

/// Every chart row as content (week, category, rank, spelling, its series, hours, runtime,
/// views, weeks), ids left out: two stores agree on the chart exactly when these sets agree.
fn chart_content(db: &Path) -> BTreeSet<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare(
            "SELECT c.week, c.category, c.rank, t.show_title, t.season_title, s.slug, c.hours, quote(c.runtime), quote(c.views), c.cumulative_weeks
             FROM chart_weeks c JOIN titles t ON t.id = c.title_id LEFT JOIN series s ON s.id = t.series_id",
        )
        .unwrap();
    st.query_map([], |r| {
        let mut v = Vec::new();
        for i in 0..10 {
            v.push(format!("{:?}", r.get_ref(i)?));
        }
        Ok(v.join("|"))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// A re-published Top 10 that corrects one past week and adds a week naming a title never
/// seen: exactly that past week's rows are replaced, the new week's rows added, every other
/// row keeps its id untouched, `sources` says which weeks; the new title is resolved, and the
/// chart and series come out exactly as a full import of the same file gives them.
#[test]
fn a_corrected_past_week_replaces_exactly_that_week_and_a_new_title_is_resolved() {
    let db = greenlight_testkit::fresh_store_path();
    let dir = db.parent().unwrap().to_path_buf();
    let origin = Origin::start();
    let top10 = std::fs::read(greenlight_testkit::data_file(
        "netflix-top10/all-weeks-global.tsv",
    ))
    .unwrap();
    origin.set("/top10/all-weeks-global.tsv", Answer::File(top10.clone()));
    let sources = sources_file(&dir, &origin, false);
    let (good, v) = sync(&db, &sources);
    assert!(good, "{v}");
    let text = String::from_utf8(top10).unwrap();
    let (bigger, next_week, _) = with_one_more_week(&text);
    // The tenth week from the top gets one row's hours corrected; the new week's first TV row
    // names a show no file has.
    let mut weeks: Vec<&str> = Vec::new();
    for l in text.lines().skip(1) {
        let w = l.split('\t').next().unwrap();
        if weeks.last() != Some(&w) {
            weeks.push(w);
        }
    }
    let corrected = weeks[9].to_string();
    let new_show = "Greenlight Appended Show";
    let (mut fixed_one, mut renamed_one) = (false, false);
    let mut out = Vec::new();
    for (i, l) in bigger.lines().enumerate() {
        let mut f: Vec<String> = l.split('\t').map(str::to_string).collect();
        if i > 0 && !fixed_one && f[0] == corrected {
            f[5] = (f[5].parse::<i64>().unwrap() + 100_000).to_string();
            fixed_one = true;
        }
        if i > 0 && !renamed_one && f[0] == next_week && f[1].starts_with("TV") {
            f[3] = new_show.into();
            f[4] = format!("{new_show}: Season 1");
            renamed_one = true;
        }
        out.push(f.join("\t"));
    }
    assert!(fixed_one && renamed_one);
    let file = out.join("\n") + "\n";
    let week_rows = |w: &str| {
        file.lines()
            .filter(|l| l.starts_with(&format!("{w}\t")))
            .count()
    };
    let before = chart_rows(&db);
    origin.set(
        "/top10/all-weeks-global.tsv",
        Answer::File(file.clone().into_bytes()),
    );
    let (good, v) = sync(&db, &sources);
    assert!(good, "{v}");
    let note = v["sources"][0]["note"].as_str().unwrap().to_string();
    assert!(
        note.contains(&format!("1 week(s) added ({next_week})"))
            && note.contains(&format!(
                "1 week(s) corrected, each replaced whole ({corrected})"
            ))
            && note.contains(&format!(
                "{} row(s) written",
                week_rows(&next_week) + week_rows(&corrected)
            ))
            && note.ends_with("titles re-resolved"),
        "{note}"
    );
    let listed = common::json(&db, &["sources", "--json"]);
    assert_eq!(listed["sources"][0]["last_note"], note.as_str());
    let after = chart_rows(&db);
    for (id, row) in &before {
        if row[2] == corrected {
            assert!(
                !after.contains_key(id),
                "row {id} of the corrected week kept"
            );
        } else {
            assert_eq!(after.get(id), Some(row), "row {id} was rewritten");
        }
    }
    let written: Vec<&Vec<String>> = after
        .iter()
        .filter(|(id, _)| !before.contains_key(*id))
        .map(|(_, r)| r)
        .collect();
    assert_eq!(written.len(), week_rows(&next_week) + week_rows(&corrected));
    assert!(written
        .iter()
        .all(|r| r[2] == next_week || r[2] == corrected));
    let store = greenlight_store::Store::open(&db).unwrap();
    let series = store.series(new_show).unwrap();
    assert_eq!(store.chart_weeks(&series).unwrap().len(), 1);
    drop(store);
    // The same file imported whole into a fresh store: the same chart, the same series.
    let path = dir.join("all-weeks-global.tsv");
    std::fs::write(&path, &file).unwrap();
    let whole = greenlight_testkit::fresh_store_path();
    ok(&whole, &["import", path.to_str().unwrap()]);
    assert_eq!(chart_content(&db), chart_content(&whole));
    let series_of = |db: &Path| greenlight_testkit::dump(db).remove("series").unwrap();
    assert_eq!(series_of(&db), series_of(&whole));
}

/// Receivers down for two real minutes, on the documented delivery schedule (the built-in
/// `[delivery]` values: no shortened backoff, the worker waking every 30 s): every receiver
/// answers 503 for 120 s of wall time after its first attempt, then comes up. Every event
/// arrives (is accepted) exactly once per id; the refused requests are only retries of each
/// follower's first event (its queue waits behind it); each follower's events arrive in
/// order; nothing is parked. About 2.5 to 4 minutes of mostly sleeping: `scripts/test` runs
/// it beside the rest of the suite (`--ignored`), so nothing waits for it.
#[test]
#[ignore = "takes 2.5+ minutes of wall time; scripts/test runs it beside the workspace suite"]
fn receivers_down_for_two_real_minutes_then_up_get_every_event_once_in_order() {
    // Its own directory, not the binary's scratch directory: `scripts/test` runs this test
    // beside another run of this binary, whose first call clears that directory.
    let tmp = tempfile::Builder::new()
        .prefix("greenlight-outage-")
        .tempdir()
        .unwrap();
    let dir = tmp.path().to_path_buf();
    let db = dir.join("greenlight.db");
    let origin = Origin::start();
    let top10 = std::fs::read(greenlight_testkit::data_file(
        "netflix-top10/all-weeks-global.tsv",
    ))
    .unwrap();
    origin.set("/top10/all-weeks-global.tsv", Answer::File(top10.clone()));
    // The test's sources file without its `[delivery]` section: the documented defaults.
    let sources = sources_file(&dir, &origin, false);
    let text = std::fs::read_to_string(&sources).unwrap();
    let (head, rest) = text.split_once("[delivery]").unwrap();
    let tail = &rest[rest.find("[[source]]").unwrap()..];
    std::fs::write(&sources, format!("{head}{tail}")).unwrap();
    let cfg = greenlight_sync::config::Config::load(Some(&sources)).unwrap();
    let documented = greenlight_sync::config::DeliveryConfig::default();
    assert_eq!(
        (
            cfg.delivery.backoff_ms,
            cfg.delivery.max_attempts,
            cfg.delivery.poll_ms
        ),
        (
            documented.backoff_ms,
            documented.max_attempts,
            documented.poll_ms
        )
    );
    assert!(sync(&db, &sources).0);
    let text = String::from_utf8(top10).unwrap();
    let newest = text
        .lines()
        .nth(1)
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_string();
    let receiver = Receiver::start();
    receiver.down_status.store(503, Ordering::SeqCst);
    let store = greenlight_store::Store::open(&db).unwrap();
    let mut followed = BTreeSet::new();
    for l in text
        .lines()
        .skip(1)
        .filter(|l| l.starts_with(&format!("{newest}\tTV")))
    {
        let show = l.split('\t').nth(3).unwrap();
        let slug = store.series(show).unwrap().slug;
        if followed.len() < 4 && followed.insert(slug.clone()) {
            ok(
                &db,
                &[
                    "follow",
                    "--allow-private",
                    show,
                    "--webhook",
                    &format!("{}/hook/{slug}", receiver.base),
                    "--secret",
                    SECRET,
                ],
            );
        }
    }
    drop(store);
    let (one, _, _) = with_one_more_week(&text);
    origin.set(
        "/top10/all-weeks-global.tsv",
        Answer::File(one.into_bytes()),
    );
    let out = greenlight(
        &db,
        &[
            "sync",
            "--json",
            "--no-deliver",
            "--sources",
            sources.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let want: Vec<(String, i64)> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["series"].as_str().unwrap().to_string(),
                e["id"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(want.len() >= followed.len(), "{v}");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_greenlight"))
        .arg("--db")
        .arg(&db)
        .args([
            "--quiet",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--sync",
            "--sources",
            sources.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Down for 120 s of wall time from the first refused attempt.
    let t = std::time::Instant::now();
    while receiver.got.lock().unwrap().is_empty() && t.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        !receiver.got.lock().unwrap().is_empty(),
        "no attempt in 60 s"
    );
    let first_refusal = std::time::Instant::now();
    std::thread::sleep(Duration::from_secs(120));
    receiver.up.store(true, Ordering::SeqCst);
    let down_for = first_refusal.elapsed();
    let accepted = || {
        receiver
            .got
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.accepted)
            .count()
    };
    // Back up: the next scheduled attempt (the backoff in force then, up to 4 min, plus the
    // worker's 30 s wake-up) delivers everything; give up after 10 minutes.
    let t = std::time::Instant::now();
    while accepted() < want.len() && t.elapsed() < Duration::from_secs(600) {
        std::thread::sleep(Duration::from_millis(200));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(down_for >= Duration::from_secs(120));
    let got = receiver.got.lock().unwrap().clone();
    let refused: Vec<&Received> = got.iter().filter(|r| !r.accepted).collect();
    let arrived: Vec<&Received> = got.iter().filter(|r| r.accepted).collect();
    // Every event exactly once.
    let mut ids: Vec<i64> = arrived.iter().map(|r| r.event_id).collect();
    ids.sort_unstable();
    let mut all: Vec<i64> = want.iter().map(|(_, id)| *id).collect();
    all.sort_unstable();
    assert_eq!(ids, all, "each event accepted exactly once");
    // In order per follower; the refusals were retries of each follower's first event.
    let mut first: BTreeMap<&str, i64> = BTreeMap::new();
    for (slug, id) in &want {
        first.entry(slug.as_str()).or_insert(*id);
    }
    for slug in &followed {
        let path = format!("/hook/{slug}");
        let seen: Vec<i64> = arrived
            .iter()
            .filter(|r| r.path == path)
            .map(|r| r.event_id)
            .collect();
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "{path}: {seen:?}");
        let tried: BTreeSet<i64> = refused
            .iter()
            .filter(|r| r.path == path)
            .map(|r| r.event_id)
            .collect();
        assert_eq!(
            tried,
            BTreeSet::from([first[slug.as_str()]]),
            "{path}: only its head was tried while down"
        );
    }
    // Refused more than once each (retried on the schedule through the outage), never parked.
    assert!(
        refused.len() >= 2 * followed.len(),
        "{} refusals for {} followers",
        refused.len(),
        followed.len()
    );
    let d = common::json(&db, &["deliveries", "--json"]);
    for row in d["deliveries"].as_array().unwrap() {
        assert_eq!(row["state"], "delivered", "{row}");
    }
}

/// The webhook's address is checked when each delivery is sent: a follow made without the
/// allowance whose host is loopback (`localhost`, resolved at send time) is parked at once with
/// the reason and never connected to; a follow with `--allow-private` to the same receiver is
/// delivered.
#[test]
fn a_webhook_resolving_to_a_private_address_is_refused_when_sent() {
    let db = greenlight_testkit::fresh_store_path();
    let dir = db.parent().unwrap().to_path_buf();
    let origin = Origin::start();
    let top10 = std::fs::read(greenlight_testkit::data_file(
        "netflix-top10/all-weeks-global.tsv",
    ))
    .unwrap();
    origin.set("/top10/all-weeks-global.tsv", Answer::File(top10.clone()));
    let sources = sources_file(&dir, &origin, false);
    assert!(sync(&db, &sources).0);
    let text = String::from_utf8(top10).unwrap();
    let newest = text
        .lines()
        .nth(1)
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_string();
    let shows: Vec<String> = text
        .lines()
        .skip(1)
        .filter(|l| l.starts_with(&format!("{newest}\tTV (English)")))
        .map(|l| l.split('\t').nth(3).unwrap().to_string())
        .collect();
    let receiver = Receiver::start();
    receiver.up.store(true, Ordering::SeqCst);
    let port = receiver.base.rsplit(':').next().unwrap().to_string();
    let store = greenlight_store::Store::open(&db).unwrap();
    let (a, b) = (
        &shows[0],
        shows
            .iter()
            .find(|s| store.series(s).unwrap().slug != store.series(&shows[0]).unwrap().slug)
            .unwrap(),
    );
    let (slug_a, slug_b) = (store.series(a).unwrap().slug, store.series(b).unwrap().slug);
    drop(store);
    // Accepted when followed (the CLI is the operator's), refused when sent.
    ok(
        &db,
        &[
            "follow",
            a,
            "--webhook",
            &format!("http://localhost:{port}/hook/{slug_a}"),
            "--secret",
            SECRET,
        ],
    );
    ok(
        &db,
        &[
            "follow",
            "--allow-private",
            b,
            "--webhook",
            &format!("{}/hook/{slug_b}", receiver.base),
            "--secret",
            SECRET,
        ],
    );
    let (one, _, _) = with_one_more_week(&text);
    origin.set(
        "/top10/all-weeks-global.tsv",
        Answer::File(one.into_bytes()),
    );
    let (good, v) = sync(&db, &sources);
    assert!(good, "{v}");
    let d = common::json(&db, &["deliveries", "--json"]);
    let rows = d["deliveries"].as_array().unwrap();
    let of = |slug: &str| {
        rows.iter()
            .filter(|r| r["series"] == slug)
            .cloned()
            .collect::<Vec<_>>()
    };
    let refused = of(&slug_a);
    assert!(!refused.is_empty(), "{d}");
    // The head is parked after one attempt, with the reason; the rest wait behind it.
    let head = refused
        .iter()
        .min_by_key(|r| r["id"].as_i64().unwrap())
        .unwrap();
    assert_eq!(head["state"], "parked", "{head}");
    assert_eq!(head["attempts"], 1, "{head}");
    let e = head["last_error"].as_str().unwrap();
    assert!(
        e.contains("refused, not sent") && e.contains("loopback, private or link-local"),
        "{e}"
    );
    let allowed = of(&slug_b);
    assert!(!allowed.is_empty());
    assert!(allowed.iter().all(|r| r["state"] == "delivered"), "{d}");
    let got = receiver.got.lock().unwrap().clone();
    assert!(
        got.iter().all(|r| r.path == format!("/hook/{slug_b}")),
        "a refused webhook was reached"
    );
    assert_eq!(got.len(), allowed.len());
}

/// `greenlight` with `$GREENLIGHT_SOURCES` naming `sources` (the settle window a write outside
/// `sync` takes).
fn greenlight_with(db: &Path, sources: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_greenlight"))
        .arg("--db")
        .arg(db)
        .arg("--quiet")
        .args(args)
        .env("GREENLIGHT_SOURCES", sources)
        .env_remove("GREENLIGHT_OUTLETS")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Events come from every write path, not only `sync`: a claim entered with `claim add` and
/// one posted to `POST /api/v1/claims` each reach their follower's webhook (delivered by
/// `serve --sync`'s worker), signed, exactly once, as the status change the claim made. With a
/// settle window, a status that flips and flips back (a cancellation, then a renewal that
/// outranks it) is never sent: both events are settled.
#[test]
fn claims_from_the_cli_and_the_api_reach_the_followers_once_and_a_flip_back_settles() {
    let db = greenlight_testkit::fresh_store_path();
    let dir = db.parent().unwrap().to_path_buf();
    let origin = Origin::start();
    let top10 = std::fs::read(greenlight_testkit::data_file(
        "netflix-top10/all-weeks-global.tsv",
    ))
    .unwrap();
    origin.set("/top10/all-weeks-global.tsv", Answer::File(top10.clone()));
    let sources = sources_file(&dir, &origin, false);
    let text = std::fs::read_to_string(&sources)
        .unwrap()
        .replace("[delivery]\n", "[delivery]\npoll_ms = 20\n");
    std::fs::write(&sources, text).unwrap();
    assert!(sync(&db, &sources).0);
    // Two followed TV series awaiting a decision.
    let text = String::from_utf8(top10).unwrap();
    let newest = text
        .lines()
        .nth(1)
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_string();
    let store = greenlight_store::Store::open(&db).unwrap();
    let mut picked: Vec<(String, u32)> = Vec::new();
    for l in text
        .lines()
        .skip(1)
        .filter(|l| l.starts_with(&format!("{newest}\tTV (English)")))
    {
        let slug = store.series(l.split('\t').nth(3).unwrap()).unwrap().slug;
        if let Ok(r) = greenlight_ledger::status(&store, &slug, None) {
            if r.status == greenlight_ledger::Status::AwaitingDecision
                && r.next_season >= 2
                && !picked.iter().any(|(s, _)| *s == slug)
            {
                picked.push((slug, r.next_season));
            }
        }
    }
    drop(store);
    assert!(picked.len() >= 2, "{picked:?}");
    let (cli, api) = (picked[0].clone(), picked[1].clone());
    let receiver = Receiver::start();
    receiver.up.store(true, Ordering::SeqCst);
    for (slug, _) in [&cli, &api] {
        ok(
            &db,
            &[
                "follow",
                "--allow-private",
                slug,
                "--webhook",
                &format!("{}/hook/{slug}", receiver.base),
                "--secret",
                SECRET,
            ],
        );
    }
    let token = ok(&db, &["token", "create", "tests"]).trim().to_string();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_greenlight"))
        .arg("--db")
        .arg(&db)
        .args([
            "--quiet",
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--sync",
        ])
        .env("GREENLIGHT_SOURCES", &sources)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let served = common::Served(child, format!("http://127.0.0.1:{port}"));
    let t = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(t.elapsed() < Duration::from_secs(60), "serve did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let today = chrono::Utc::now().date_naive();
    let yesterday = today - chrono::Days::new(1);
    // Through the CLI.
    let claim = |file: &Path,
                 slug: &str,
                 kind: &str,
                 season: u32,
                 date: chrono::NaiveDate,
                 source: (&str, &str)| {
        greenlight_with(
            &db,
            file,
            &[
                "claim",
                "add",
                "--kind",
                kind,
                "--series",
                slug,
                "--season",
                &season.to_string(),
                "--event-date",
                &date.to_string(),
                "--published",
                &date.to_string(),
                "--source-name",
                source.0,
                "--source-kind",
                source.1,
                "--source-url",
                &format!("https://example.org/{slug}/{kind}/{date}"),
            ],
        )
    };
    claim(
        &sources,
        &cli.0,
        "season_renewed",
        cli.1,
        yesterday,
        ("Test Trade", "trade_press"),
    );
    // Through the API.
    let body = serde_json::json!({
        "kind": "season_renewed",
        "series": api.0,
        "season": api.1,
        "event_date": yesterday.to_string(),
        "published": yesterday.to_string(),
        "source": {"name": "Test Trade", "kind": "trade_press", "url": format!("https://example.org/{}", api.0)},
    });
    let r = ureq::post(format!("{}/api/v1/claims", served.1))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .send(body.to_string().as_bytes())
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let accepted = || -> Vec<Received> {
        receiver
            .got
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.accepted)
            .cloned()
            .collect()
    };
    let t = std::time::Instant::now();
    while accepted().len() < 2 && t.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    // A few more worker rounds: nothing else arrives.
    std::thread::sleep(Duration::from_millis(500));
    let got = receiver.got.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "exactly one delivery per claim: {got:?}");
    assert!(got.iter().all(|r| r.accepted), "every delivery verifies");
    for (slug, next) in [&cli, &api] {
        let r = got
            .iter()
            .find(|r| r.path == format!("/hook/{slug}"))
            .unwrap_or_else(|| panic!("{slug}: nothing delivered"));
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(body["id"], r.event_id);
        let e = &body["event"];
        assert_eq!(e["kind"], "renewed", "{e}");
        assert_eq!(e["series"], slug.as_str());
        assert_eq!(e["from"], "awaiting_decision");
        assert_eq!(e["to"], "renewed");
        assert_eq!(e["next_season"], *next, "{e}");
    }
    let sources_of: BTreeSet<String> = common::json(&db, &["deliveries", "--json"])["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["state"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(sources_of, BTreeSet::from(["delivered".to_string()]));
    drop(served);

    // A settle window of an hour: canceled (the platform outranks the trade press), then
    // renewed again (the platform, a day later): the flip and its flip back are both settled,
    // and nothing is sent.
    let settling = dir.join("settle.toml");
    std::fs::write(
        &settling,
        std::fs::read_to_string(&sources)
            .unwrap()
            .replace("settle_secs = 0", "settle_secs = 3600"),
    )
    .unwrap();
    let events = |db: &Path| common::json(db, &["deliveries", "--json"]);
    let before = events(&db)["deliveries"].as_array().unwrap().len();
    claim(
        &settling,
        &cli.0,
        "canceled",
        cli.1 - 1,
        yesterday,
        ("Test Platform", "platform"),
    );
    let store = greenlight_store::Store::open(&db).unwrap();
    assert_eq!(
        greenlight_ledger::status(&store, &cli.0, None)
            .unwrap()
            .status,
        greenlight_ledger::Status::Canceled
    );
    drop(store);
    let d = events(&db);
    let rows = d["deliveries"].as_array().unwrap();
    assert_eq!(rows.len(), before + 1, "{d}");
    let flip = rows
        .iter()
        .max_by_key(|r| r["id"].as_i64().unwrap())
        .unwrap();
    assert_eq!(flip["state"], "pending", "{flip}");
    assert_eq!(flip["kind"], "canceled", "{flip}");
    claim(
        &settling,
        &cli.0,
        "season_renewed",
        cli.1,
        today,
        ("Test Platform", "platform"),
    );
    let store = greenlight_store::Store::open(&db).unwrap();
    assert_eq!(
        greenlight_ledger::status(&store, &cli.0, None)
            .unwrap()
            .status,
        greenlight_ledger::Status::Renewed
    );
    drop(store);
    let d = events(&db);
    let rows = d["deliveries"].as_array().unwrap();
    let newer: Vec<&Value> = rows
        .iter()
        .filter(|r| r["id"].as_i64().unwrap() >= flip["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        newer.len(),
        1,
        "the flip back has no delivery of its own: {d}"
    );
    assert_eq!(newer[0]["state"], "settled", "{d}");
    let changes = common::json(&db, &["deliveries", "--json"]);
    assert!(changes["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["state"] == "delivered" || r["state"] == "settled"));
    assert_eq!(
        receiver.got.lock().unwrap().len(),
        2,
        "nothing more was sent"
    );
}

/// A writer that dies between its commit and its events loses none: a claim committed with no
/// reconcile after it (what a `claim add` killed right after its commit leaves) is recorded by
/// the next reconcile (here `greenlight sync`, all 304s) and delivered once, and a second sync
/// records nothing more.
#[test]
fn a_change_whose_writer_died_before_its_events_is_recorded_by_the_next_sync() {
    let db = greenlight_testkit::fresh_store_path();
    let dir = db.parent().unwrap().to_path_buf();
    let origin = Origin::start();
    let top10 = std::fs::read(greenlight_testkit::data_file(
        "netflix-top10/all-weeks-global.tsv",
    ))
    .unwrap();
    origin.set("/top10/all-weeks-global.tsv", Answer::File(top10.clone()));
    let sources = sources_file(&dir, &origin, false);
    assert!(sync(&db, &sources).0);
    let text = String::from_utf8(top10).unwrap();
    let newest = text
        .lines()
        .nth(1)
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_string();
    let store = greenlight_store::Store::open(&db).unwrap();
    let (slug, next) = text
        .lines()
        .skip(1)
        .filter(|l| l.starts_with(&format!("{newest}\tTV (English)")))
        .find_map(|l| {
            let slug = store.series(l.split('\t').nth(3).unwrap()).ok()?.slug;
            let r = greenlight_ledger::status(&store, &slug, None).ok()?;
            (r.status == greenlight_ledger::Status::AwaitingDecision)
                .then_some((slug, r.next_season))
        })
        .expect("a series awaiting a decision");
    drop(store);
    let receiver = Receiver::start();
    receiver.up.store(true, Ordering::SeqCst);
    ok(
        &db,
        &[
            "follow",
            "--allow-private",
            &slug,
            "--webhook",
            &format!("{}/hook/{slug}", receiver.base),
            "--secret",
            SECRET,
        ],
    );
    // The claim committed by the ledger alone: no reconcile ran after it.
    let today = chrono::Utc::now().date_naive();
    let raw: greenlight_ledger::RawClaim = serde_json::from_value(serde_json::json!({
        "kind": "season_renewed", "series": slug, "season": next,
        "event_date": today.to_string(), "published": today.to_string(), "entered_by": "tests",
        "source": {"name": "Test Trade", "kind": "trade_press", "url": "https://example.org/died"},
    }))
    .unwrap();
    let mut store = greenlight_store::Store::open(&db).unwrap();
    greenlight_ledger::add_raw_claim(&mut store, raw).unwrap();
    drop(store);
    assert!(common::json(&db, &["deliveries", "--json"])["deliveries"]
        .as_array()
        .unwrap()
        .is_empty());
    let (good, v) = sync(&db, &sources);
    assert!(good, "{v}");
    assert_eq!(outcomes(&v)["top10-global"], "not_modified");
    let events = v["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{v}");
    let body: Value = serde_json::from_str(events[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        (body["from"].as_str(), body["to"].as_str()),
        (Some("awaiting_decision"), Some("renewed"))
    );
    let got = receiver.got.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    assert!(got[0].accepted);
    assert_eq!(got[0].event_id, events[0]["id"].as_i64().unwrap());
    let (good, v) = sync(&db, &sources);
    assert!(good, "{v}");
    assert!(
        v["events"].as_array().unwrap().is_empty(),
        "recorded twice: {v}"
    );
    assert_eq!(receiver.got.lock().unwrap().len(), 1);
}

/// The engagement-report page is followed to its XLSX (`link = ".xlsx"`): the first sync
/// imports the linked report (the rows `import` of the same file stores), the second transfers
/// nothing (304s for the page and the file), and when the page links a new report, that report
/// is imported in the sync's transaction beside the one already stored.
#[test]
fn the_engagement_page_is_followed_to_its_report_and_a_new_report_is_imported() {
    let db = greenlight_testkit::fresh_store_path();
    let dir = db.parent().unwrap().to_path_buf();
    let origin = Origin::start();
    let first = "What_We_Watched_A_Netflix_Engagement_Report_2025Jan-Jun.xlsx";
    let second = "What_We_Watched_A_Netflix_Engagement_Report_2024Jul-Dec.xlsx";
    let report = |name: &str| {
        std::fs::read(greenlight_testkit::data_file(&format!(
            "netflix-engagement/{name}"
        )))
        .unwrap()
    };
    let page = |name: &str| {
        format!(
            "<html><body><p>What we watched</p><a href=\"/press/guide.pdf\">guide</a> \
             <a class=\"btn\" href=\"/files/{name}\">Download the report</a></body></html>"
        )
        .into_bytes()
    };
    origin.set("/news/engagement", Answer::File(page(first)));
    origin.set(&format!("/files/{first}"), Answer::File(report(first)));
    let sources = dir.join("sources.toml");
    std::fs::write(
        &sources,
        format!(
            "[fetch]\nretries = 0\nhost_interval_ms = 0\ntimeout_secs = 60\n\n[[source]]\nname = \"engagement-page\"\nkind = \"page\"\nurl = \"{}/news/engagement\"\nlink = \".xlsx\"\n",
            origin.base
        ),
    )
    .unwrap();
    let (good, v) = sync(&db, &sources);
    assert!(good, "{v}");
    assert_eq!(
        outcomes(&v),
        BTreeMap::from([
            ("engagement-page".into(), "watched".into()),
            ("engagement-page.link".into(), "imported".into())
        ])
    );
    let whole = greenlight_testkit::fresh_store_path();
    ok(
        &whole,
        &[
            "import",
            greenlight_testkit::data_file(&format!("netflix-engagement/{first}"))
                .to_str()
                .unwrap(),
        ],
    );
    let one = table_rows(&whole, "engagement");
    assert!(one > 1000);
    assert_eq!(table_rows(&db, "engagement"), one);
    let listed = common::json(&db, &["sources", "--json"]);
    let link = listed["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "engagement-page.link")
        .unwrap()
        .clone();
    assert_eq!(
        link["url"],
        format!("{}/files/{first}", origin.base).as_str()
    );
    assert_eq!(link["kind"], "data");
    origin.take_log();
    // Nothing changed: two 304s, no body.
    let (good, v) = sync(&db, &sources);
    assert!(good, "{v}");
    assert!(outcomes(&v).values().all(|o| o == "not_modified"), "{v}");
    let log = origin.take_log();
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(log.iter().all(|(_, s, n)| *s == 304 && *n == 0), "{log:?}");
    assert_eq!(table_rows(&db, "engagement"), one);
    // The page now links a new report: it is imported, the first one kept.
    origin.set("/news/engagement", Answer::File(page(second)));
    origin.set(&format!("/files/{second}"), Answer::File(report(second)));
    let (good, v) = sync(&db, &sources);
    assert!(good, "{v}");
    assert_eq!(outcomes(&v)["engagement-page.link"], "imported", "{v}");
    let both = greenlight_testkit::fresh_store_path();
    ok(
        &both,
        &[
            "import",
            greenlight_testkit::data_file(&format!("netflix-engagement/{first}"))
                .to_str()
                .unwrap(),
            greenlight_testkit::data_file(&format!("netflix-engagement/{second}"))
                .to_str()
                .unwrap(),
        ],
    );
    assert!(table_rows(&both, "engagement") > one);
    assert_eq!(
        table_rows(&db, "engagement"),
        table_rows(&both, "engagement")
    );
}

/// The file cut two bytes into the title of a row a third of the way down.
fn cut_mid_row(file: &[u8]) -> Vec<u8> {
    let start = file[file.len() / 3..]
        .iter()
        .position(|&b| b == b'\n')
        .unwrap()
        + file.len() / 3
        + 1;
    let mut tabs = 0;
    let mut at = start;
    while tabs < 3 {
        if file[at] == b'\t' {
            tabs += 1;
        }
        at += 1;
    }
    file[..at + 2].to_vec()
}

#[test]
fn a_failing_source_changes_nothing_shows_its_error_and_the_next_sync_recovers() {
    let db = greenlight_testkit::fresh_store_path();
    let dir = db.parent().unwrap().to_path_buf();
    let origin = Origin::start();
    let top10 = std::fs::read(greenlight_testkit::data_file(
        "netflix-top10/all-weeks-global.tsv",
    ))
    .unwrap();
    let sources = sources_file(&dir, &origin, false);
    let state = |name: &str| -> Value {
        let v = common::json(&db, &["sources", "--json"]);
        v["sources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .cloned()
            .unwrap()
    };
    let text = |name: &str| {
        ok(&db, &["sources"])
            .lines()
            .skip_while(|l| !l.starts_with(name))
            .take(3)
            .collect::<Vec<_>>()
            .join("\n")
    };
    origin.set("/top10/all-weeks-global.tsv", Answer::Status(500));
    let (good, v) = sync(&db, &sources);
    assert!(!good);
    assert_eq!(outcomes(&v)["top10-global"], "failed");
    // Retried (2 retries configured) then given up on.
    let log = origin.take_log();
    assert_eq!(
        log.iter()
            .filter(|(p, _, _)| p.starts_with("/top10"))
            .count(),
        3,
        "{log:?}"
    );
    let err = state("top10-global")["last_error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(err.contains("500"), "{err}");
    assert!(text("top10-global").contains("500"));
    let mask: &[(&str, &str)] = &[
        ("sync_sources", "last_attempt"),
        ("sync_sources", "last_success"),
        ("sync_sources", "next_run"),
        ("sync_sources", "last_outcome"),
        ("sync_sources", "last_error"),
        ("sync_sources", "failures"),
        ("sync_sources", "bytes"),
    ];
    let before = greenlight_testkit::dump_except(&db, mask);
    for (answer, says) in [
        (Answer::Truncated(top10.clone()), "truncated"),
        (Answer::Slow(Duration::from_secs(4)), "timed out"),
        // A file cut inside a row's title, served whole-looking (its own Content-Length): the
        // importer refuses it, and the call changes nothing.
        (Answer::File(cut_mid_row(&top10)), "import failed"),
    ] {
        origin.set("/top10/all-weeks-global.tsv", answer);
        let (good, v) = sync(&db, &sources);
        assert!(!good, "{v}");
        assert_eq!(outcomes(&v)["top10-global"], "failed");
        let err = state("top10-global")["last_error"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(err.contains(says), "{says}: {err}");
        assert_eq!(
            before,
            greenlight_testkit::dump_except(&db, mask),
            "{says}: the store changed"
        );
    }
    origin.set("/top10/all-weeks-global.tsv", Answer::File(top10.clone()));
    let (good, v) = sync(&db, &sources);
    assert!(good, "{v}");
    assert_eq!(outcomes(&v)["top10-global"], "imported");
    let s = state("top10-global");
    assert!(s["last_error"].is_null() && s["failures"] == 0, "{s}");
    assert_eq!(
        table_rows(&db, "chart_weeks"),
        String::from_utf8_lossy(&top10).lines().count() as i64 - 1
    );
}

/// `greenlight serve --sync` killed with SIGKILL at seeded random moments while it delivers:
/// after the last restart every event has arrived, each id at least once (a repeat is only
/// ever a retry of the same id, when the kill fell between the receiver's answer and the
/// outbox's commit), and each follower's first arrivals in order.
#[test]
fn kill_9_of_the_server_during_deliveries_loses_no_event() {
    let db = greenlight_testkit::fresh_store_path();
    let dir = db.parent().unwrap().to_path_buf();
    let origin = Origin::start();
    let top10 = std::fs::read(greenlight_testkit::data_file(
        "netflix-top10/all-weeks-global.tsv",
    ))
    .unwrap();
    origin.set("/top10/all-weeks-global.tsv", Answer::File(top10.clone()));
    let sources = sources_file(&dir, &origin, false);
    // The worker wakes every 20 ms.
    let text = std::fs::read_to_string(&sources)
        .unwrap()
        .replace("[delivery]\n", "[delivery]\npoll_ms = 20\n");
    std::fs::write(&sources, text).unwrap();
    assert!(sync(&db, &sources).0);
    let text = String::from_utf8(top10).unwrap();
    let newest = text
        .lines()
        .nth(1)
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_string();
    let receiver = Receiver::start();
    let store = greenlight_store::Store::open(&db).unwrap();
    let mut followed = BTreeSet::new();
    for l in text
        .lines()
        .skip(1)
        .filter(|l| l.starts_with(&format!("{newest}\tTV")))
    {
        let show = l.split('\t').nth(3).unwrap();
        let slug = store.series(show).unwrap().slug;
        if followed.insert(slug.clone()) {
            ok(
                &db,
                &[
                    "follow",
                    "--allow-private",
                    show,
                    "--webhook",
                    &format!("{}/hook/{slug}", receiver.base),
                    "--secret",
                    SECRET,
                ],
            );
        }
    }
    drop(store);
    // Two more weeks, synced without delivering: every event waits in the outbox.
    let (one, _, _) = with_one_more_week(&text);
    let (two, _, _) = with_one_more_week(&one);
    let (three, _, _) = with_one_more_week(&two);
    let mut want = BTreeSet::new();
    for file in [one, two, three] {
        origin.set(
            "/top10/all-weeks-global.tsv",
            Answer::File(file.into_bytes()),
        );
        let out = greenlight(
            &db,
            &[
                "sync",
                "--json",
                "--no-deliver",
                "--sources",
                sources.to_str().unwrap(),
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        want.extend(
            v["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_i64().unwrap()),
        );
    }
    assert!(want.len() >= 3 * followed.len(), "{want:?}");
    receiver.up.store(true, Ordering::SeqCst);
    receiver.delay_ms.store(30, Ordering::SeqCst);
    let seed: u64 = std::env::var("GREENLIGHT_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    eprintln!("kill -9 seed: {seed} (GREENLIGHT_CRASH_SEED repeats it)");
    let mut rng = fastrand::Rng::with_seed(seed);
    let start = |db: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_greenlight"))
            .arg("--db")
            .arg(db)
            .args([
                "--quiet",
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--sync",
                "--sources",
                sources.to_str().unwrap(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let delivered = || {
        receiver
            .got
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.accepted)
            .map(|r| r.event_id)
            .collect::<BTreeSet<_>>()
    };
    let mut kills = 0;
    while kills < 10 {
        let before = receiver.got.lock().unwrap().len();
        let mut child = start(&db);
        // Kill only once this run has delivered something (so each kill lands mid-delivery),
        // a random moment after its first delivery; give up waiting after 30 s.
        let t = std::time::Instant::now();
        while receiver.got.lock().unwrap().len() == before && t.elapsed() < Duration::from_secs(30)
        {
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(Duration::from_millis(rng.u64(0..40)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        kills += 1;
        assert!(
            delivered().len() < want.len(),
            "seed {seed}: the queue emptied after {kills} kills; slow the receiver"
        );
    }
    // The last run finishes the queue.
    let mut child = start(&db);
    let t = std::time::Instant::now();
    while delivered().len() < want.len() && t.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let got = receiver.got.lock().unwrap().clone();
    assert!(
        got.iter().all(|r| r.accepted && want.contains(&r.event_id)),
        "only signed deliveries of recorded events"
    );
    assert_eq!(
        delivered(),
        want,
        "seed {seed}: every event arrived ({kills} kills)"
    );
    let mut first_seen: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for r in &got {
        if seen.insert(r.event_id) {
            first_seen
                .entry(r.path.as_str())
                .or_default()
                .push(r.event_id);
        }
    }
    for (path, ids) in &first_seen {
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "seed {seed}: {path} out of order: {ids:?}"
        );
    }
    eprintln!(
        "{kills} kills; {} requests for {} events",
        got.len(),
        want.len()
    );
}

/// The VEVENTs of an iCalendar text as (property name → value) maps (unfolded lines).
fn vevents(ics: &str) -> Vec<BTreeMap<String, String>> {
    let unfolded = ics.replace("\r\n ", "").replace("\n ", "");
    let mut out = Vec::new();
    let mut cur: Option<BTreeMap<String, String>> = None;
    for line in unfolded.lines() {
        match line.trim_end() {
            "BEGIN:VEVENT" => cur = Some(BTreeMap::new()),
            "END:VEVENT" => out.extend(cur.take()),
            l => {
                if let (Some(c), Some((k, v))) = (cur.as_mut(), l.split_once(':')) {
                    c.insert(k.to_string(), v.to_string());
                }
            }
        }
    }
    out
}

#[test]
fn calendar_lists_every_announced_release_date_as_all_day_events_with_stable_uids() {
    let db = common::store();
    let served = common::serve(&db);
    let get = |path: &str| -> String {
        ureq::get(format!("{}{path}", served.1))
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap()
    };
    let text = get("/calendar.ics?kind=release_dates");
    assert!(text.starts_with("BEGIN:VCALENDAR"), "{text}");
    let events = vevents(&text);
    // Every (season, date) a release_date_announced claim of the announcements file states.
    let file: toml::Value = toml::from_str(
        &std::fs::read_to_string(greenlight_testkit::data_file(
            "announcements/netflix-announcements.toml",
        ))
        .unwrap(),
    )
    .unwrap();
    let mut want = BTreeSet::new();
    for c in file["claims"].as_array().unwrap() {
        if c["kind"].as_str() == Some("release_date_announced") {
            let date = c["release_date"].as_datetime().unwrap().to_string();
            want.insert((c["season"].as_integer().unwrap(), date.replace('-', "")));
        }
    }
    assert!(!want.is_empty());
    let mut got = BTreeSet::new();
    let mut uids = BTreeSet::new();
    for e in &events {
        let start = &e["DTSTART;VALUE=DATE"];
        let end = &e["DTEND;VALUE=DATE"];
        let next =
            chrono::NaiveDate::parse_from_str(start, "%Y%m%d").unwrap() + chrono::Days::new(1);
        assert_eq!(
            end,
            &next.format("%Y%m%d").to_string(),
            "all-day: ends the next day {e:?}"
        );
        assert_eq!(e["CATEGORIES"], "release_dates");
        assert!(uids.insert(e["UID"].clone()), "UIDs are unique: {e:?}");
        let season: i64 = e["SUMMARY"]
            .split("season ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .unwrap()
            .parse()
            .unwrap();
        got.insert((season, start.clone()));
    }
    for w in &want {
        assert!(
            got.contains(w),
            "announced release date {w:?} missing from the calendar"
        );
    }
    // Stable: the same request again gives the same UIDs; the unfiltered calendar holds them.
    let again: BTreeSet<String> = vevents(&get("/calendar.ics?kind=release_dates"))
        .into_iter()
        .map(|e| e["UID"].clone())
        .collect();
    assert_eq!(again, uids);
    let all: BTreeSet<String> = vevents(&get("/calendar.ics"))
        .into_iter()
        .map(|e| e["UID"].clone())
        .collect();
    assert!(uids.is_subset(&all));
    // One series' calendar is the series' part of the whole.
    let wed = vevents(&get("/series/wednesday/calendar.ics"));
    assert!(!wed.is_empty());
    assert!(wed
        .iter()
        .all(|e| all.contains(&e["UID"]) && e["URL"].ends_with("/series/wednesday")));
    let bad = ureq::get(format!("{}/calendar.ics?kind=nope", served.1))
        .config()
        .http_status_as_error(false)
        .build()
        .call()
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
}

#[test]
fn a_feed_source_commits_what_read_commit_commits_and_then_transfers_nothing() {
    let feed = std::fs::read(common::fixture("feed.rss")).unwrap();
    let origin = Origin::start();
    origin.set("/feed.rss", Answer::File(feed));
    let hashes = |db: &Path| -> BTreeSet<String> {
        let c = rusqlite::Connection::open(db).unwrap();
        let mut st = c.prepare("SELECT hash FROM ledger_claims").unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    // `read --commit` of the same feed, on a copy of the same store: what the sync must store.
    let by_read = common::store();
    let before = hashes(&by_read);
    ok(
        &by_read,
        &["read", &format!("{}/feed.rss", origin.base), "--commit"],
    );
    let want = hashes(&by_read);
    assert!(want.len() > before.len());
    let db = common::store();
    let sources = db.with_file_name("feed-sources.toml");
    std::fs::write(
        &sources,
        format!(
            "[fetch]\nhost_interval_ms = 0\nretries = 0\n\n[[source]]\nname = \"news\"\nkind = \"feed\"\nurl = \"{}/feed.rss\"\n",
            origin.base
        ),
    )
    .unwrap();
    origin.take_log();
    let (good, v) = sync(&db, &sources);
    assert!(good, "{v}");
    assert_eq!(outcomes(&v)["news"], "imported");
    assert_eq!(
        hashes(&db),
        want,
        "the sync stored exactly what read --commit stores"
    );
    let (good, v) = sync(&db, &sources);
    assert!(good, "{v}");
    assert_eq!(outcomes(&v)["news"], "not_modified");
    assert_eq!(hashes(&db), want);
    let log = origin.take_log();
    assert_eq!(log.iter().map(|l| l.1).collect::<Vec<_>>(), vec![200, 304]);
}
