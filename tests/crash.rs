//! The crash and concurrency promises of the `greenlight` binary (issue 14), end to end on the
//! real data and the real binary: a refused call leaves the store file byte for byte as it was;
//! readers and writers that start while an import writes wait for it and then answer; an import
//! killed (SIGKILL) at any moment leaves the store as it was before that import or as it is after
//! it, never between; and a server killed during token-guarded writes keeps every write it
//! acknowledged.
//!
//! A binary of its own (not `tests/cli.rs`) so that cargo runs it after that binary rather than
//! beside its heavy tests; inside it the tests run one at a time (`serial`), since each starts
//! processes that contend for the same two cores. The random moments come from one seeded RNG;
//! the seed is printed, and `GREENLIGHT_CRASH_SEED=N` repeats a run.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use greenlight_testkit::{data_dir, data_file, dump, dump_except};

const BIN: &str = env!("CARGO_BIN_EXE_greenlight");

/// One test at a time in this binary (see the module docs). A failed test poisons the lock; the
/// next one still runs.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn command(db: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--db").arg(db).arg("--quiet").args(args);
    c
}

fn greenlight(db: &Path, args: &[&str]) -> Output {
    command(db, args).output().expect("run greenlight")
}

/// Runs a command that must succeed and returns its stdout.
fn ok(db: &Path, args: &[&str]) -> String {
    let out = greenlight(db, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// `PATH` with `suffix` appended (`-journal`, `-wal`): SQLite's files beside the store.
fn beside(db: &Path, suffix: &str) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

fn len(p: &Path) -> Option<u64> {
    std::fs::metadata(p).ok().map(|m| m.len())
}

/// The seed of this run's random moments: `GREENLIGHT_CRASH_SEED` or the clock, printed either way.
fn rng(test: &str) -> fastrand::Rng {
    let seed = std::env::var("GREENLIGHT_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    println!("{test}: seed {seed} (GREENLIGHT_CRASH_SEED={seed} repeats this run)");
    fastrand::Rng::with_seed(seed)
}

/// `PRAGMA integrity_check` on a fresh connection (which also rolls back a hot journal).
fn integrity(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).expect("open for integrity_check");
    conn.busy_timeout(Duration::from_secs(60)).unwrap();
    let rows: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.join("\n")
}

/// The store's bytes at rest, with no journal or log beside it (every connection closed), but
/// for the header's file change counter and its copy (bytes 24..28 and 92..96), zeroed: SQLite
/// bumps them when a call switches the journal for bulk writing and back
/// (`WriteTx::begin_bulk`), which the call does before it parses, so before it can know it will
/// be refused. Every other byte, every page included, is compared.
fn at_rest(db: &Path) -> Vec<u8> {
    for suffix in ["-journal", "-wal"] {
        let side = beside(db, suffix);
        assert!(
            len(&side).is_none_or(|n| n == 0),
            "{} is left beside the store",
            side.display()
        );
    }
    let mut bytes = std::fs::read(db).expect("read the store");
    assert!(bytes.len() >= 100, "{} has no SQLite header", db.display());
    bytes[24..28].fill(0);
    bytes[92..96].fill(0);
    bytes
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const CLAIMS_HEAD: &str = "[defaults]\nentered_by = \"crash test\"\nsource = { name = \"x\", kind = \"fan_site\" }\npublished = 2023-01-15\n\n";

/// A store with the 2022 global Top 10 (Partner Track and 1,400 other titles), loaded with the
/// starter catalog, at rest.
fn small_store(dir: &Path) -> PathBuf {
    let db = dir.join("store.db");
    ok(
        &db,
        &[
            "import",
            s(&data_file("netflix-top10/all-weeks-global.2022-11-09.tsv")),
        ],
    );
    db
}

/// `greenlight import good.toml bad.tsv` and the other one-call shapes the issue names: each
/// refused call exits 1, says nothing was changed, and leaves the store file byte-identical (and
/// its dump equal); each call's good files alone do change the store, so the comparison could
/// fail.
#[test]
fn a_refused_call_leaves_the_store_file_byte_identical() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = small_store(d);
    let good = write(
        d,
        "good.toml",
        &format!("{CLAIMS_HEAD}[[claims]]\nkind = \"canceled\"\nseries = \"Partner Track\"\nseason = 1\n"),
    );
    let also_good = write(
        d,
        "also-good.toml",
        &format!("{CLAIMS_HEAD}[[claims]]\nkind = \"season_renewed\"\nseries = \"Partner Track\"\nseason = 2\n"),
    );
    // Refused by the store (an unknown series), not by its syntax: it is checked after the
    // first file's claim has been written in the call's transaction.
    let refused = write(
        d,
        "refused.toml",
        &format!("{CLAIMS_HEAD}[[claims]]\nkind = \"canceled\"\nseries = \"No Such Show Anywhere\"\nseason = 1\n"),
    );
    let aliases = write(
        d,
        "aliases.tsv",
        "spelling\tseries\tseason\nPartner Track: Season 1\tPartner Track\t1\n",
    );
    let header = "week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\truntime\tweekly_views\tcumulative_weeks_in_top_10\n";
    // A good row, then a rank of zero on line 3: the file is refused after a row parsed.
    let bad = write(
        d,
        "bad.tsv",
        &format!("{header}2022-08-28\tTV (English)\t1\tA Show Only This File Has\tN/A\t5\t\t\t1\n2022-08-28\tTV (English)\t0\tX\tN/A\t5\t\t\t1\n"),
    );
    let cases: [(&str, Vec<&Path>, &str); 4] = [
        ("good.toml bad.tsv", vec![&good, &bad], "bad.tsv"),
        (
            "good.toml refused.toml",
            vec![&good, &refused],
            "refused.toml",
        ),
        ("aliases.tsv bad.tsv", vec![&aliases, &bad], "bad.tsv"),
        (
            "good.toml aliases.tsv also-good.toml bad.tsv",
            vec![&good, &aliases, &also_good, &bad],
            "bad.tsv",
        ),
    ];
    for (name, paths, culprit) in &cases {
        let before = at_rest(&db);
        let before_dump = dump(&db);
        let mut args = vec!["import"];
        args.extend(paths.iter().map(|p| s(p)));
        let out = greenlight(&db, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(
            err.contains("nothing was changed") && err.contains(culprit),
            "{name}: {err}"
        );
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert!(
            at_rest(&db) == before,
            "{name}: the refused call changed the store file (beyond its change counter)"
        );
        assert_eq!(
            dump(&db),
            before_dump,
            "{name}: the refused call changed the store"
        );
        // Control: the same call without its bad file stores something, on a copy.
        let copy = d.join(format!("control-{}.db", name.len()));
        std::fs::copy(&db, &copy).unwrap();
        let mut args = vec!["import"];
        args.extend(paths.iter().filter(|p| !p.ends_with(culprit)).map(|p| s(p)));
        ok(&copy, &args);
        assert_ne!(
            dump(&copy),
            before_dump,
            "{name}: its good files changed nothing"
        );
    }
}

/// While `greenlight import shared/data` writes (a child process, caught holding the write lock
/// in its rollback journal), twelve other commands start at once: nine readers, two writers
/// (`token create` and a second import), and a `serve` answering one GET (`token list` and
/// `serve` also write here: this store has no web tables yet). Every one of them waits as long
/// as it must and answers. Issue 14, item 4: 11 of 12 failed at once with "database is
/// locked"; after f97533f the four that write still failed, after the 5 s busy timeout, which
/// the import outlasts; with a longer timeout two of them then failed applying the same
/// migration twice ("table web_tokens already exists").
#[test]
fn twelve_commands_started_during_an_import_wait_and_answer() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.db");
    // Wednesday is in the store before the import, so every reader has something to answer
    // whichever side of the import's commit it reads.
    ok(
        &db,
        &[
            "import",
            s(&data_file("netflix-top10/all-weeks-global.tsv")),
        ],
    );
    let data = data_dir();
    // With timings on, the import prints a line as each file is parsed; it parses inside its
    // write transaction, which it began first, so the first such line means it holds the
    // write lock, with the parse's rest, the writes and the commit still ahead.
    let mut import = command(&db, &["import", s(&data)])
        .env("GREENLIGHT_TIMING", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = import.stderr.take().unwrap();
    let log: Arc<Mutex<Vec<String>>> = Arc::default();
    let (locked, has_lock) = std::sync::mpsc::channel();
    let reading = {
        let log = log.clone();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if line.starts_with("timing: parsed ") {
                    let _ = locked.send(());
                }
                log.lock().unwrap().push(line);
            }
        })
    };
    let start = Instant::now();
    if has_lock.recv_timeout(Duration::from_secs(300)).is_err() {
        panic!(
            "the import never held the write lock: {}",
            log.lock().unwrap().join("\n")
        );
    }
    // It writes in a rollback journal (nothing else had the store open), the case that failed:
    // the header's write version is 1 (legacy), not 2 (WAL).
    let header = std::fs::read(&db).unwrap();
    assert_eq!(
        header[18], 1,
        "the import is not writing in a rollback journal"
    );
    println!(
        "the import held the write lock after {} ms",
        start.elapsed().as_millis()
    );
    let committed = || {
        log.lock()
            .unwrap()
            .iter()
            .any(|l| l.starts_with("timing: commit"))
    };
    let start = Instant::now();
    // Each with what its answer must contain (one of).
    let readers: Vec<(&str, Vec<&str>, &[&str])> = vec![
        ("stats", vec!["stats"], &["top10-global"]),
        ("show", vec!["show", "Wednesday"], &["Wednesday [tv]"]),
        ("search", vec!["search", "wednesday"], &["Wednesday"]),
        ("status", vec!["status", "Wednesday"], &["Wednesday: "]),
        ("hours", vec!["hours", "Wednesday"], &["Wednesday: "]),
        ("timeline", vec!["timeline", "Wednesday"], &["Wednesday: "]),
        ("cast", vec!["cast", "Wednesday"], &["Wednesday"]),
        (
            "unresolved",
            vec!["unresolved"],
            &["distinct spellings unresolved"],
        ),
        (
            "token create",
            vec!["token", "create", "during-import"],
            &["glt_"],
        ),
        (
            "token list",
            vec!["token", "list"],
            &["no tokens", "during-import"],
        ),
        ("second import", vec!["import", s(&data)], &["(unchanged)"]),
    ];
    let handles: Vec<_> = readers
        .into_iter()
        .map(|(name, args, expect)| {
            let child = command(&db, &args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let t = Instant::now();
            std::thread::spawn(move || {
                let out = child.wait_with_output().unwrap();
                (name, expect, out, t.elapsed())
            })
        })
        .collect();
    let served = {
        let db = db.clone();
        std::thread::spawn(move || -> Result<(u16, String), String> {
            let server = try_serve(&db)?;
            let mut r = agent()
                .get(&format!("{}/api/v1/series/wednesday", server.base))
                .call()
                .map_err(|e| e.to_string())?;
            Ok((
                r.status().as_u16(),
                r.body_mut().read_to_string().unwrap_or_default(),
            ))
        })
    };
    let still_writing = !committed();
    let mut failed = Vec::new();
    for h in handles {
        let (name, expect, out, took) = h.join().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        println!("{name}: {} after {} ms", out.status, took.as_millis());
        if !out.status.success() || !expect.iter().any(|e| stdout.contains(e)) {
            failed.push(format!(
                "{name}: {} (stdout lacks {expect:?}?): {}{stdout}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    match served.join().unwrap() {
        Ok((200, body)) if body.contains("\"wednesday\"") => {}
        other => failed.push(format!("serve + GET: {other:?}")),
    }
    let status = import.wait().unwrap();
    reading.join().unwrap();
    println!(
        "the import ended {} ms after the commands started",
        start.elapsed().as_millis()
    );
    assert!(
        status.success(),
        "the import: {}",
        log.lock().unwrap().join("\n")
    );
    println!("12 commands started during the import; it had not committed once all were started: {still_writing}");
    assert!(
        failed.is_empty(),
        "{} of 12 failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
    // The token made during the import was stored.
    assert!(ok(&db, &["token", "list"]).contains("during-import"));
}

fn read_all(r: Option<&mut std::process::ChildStderr>) -> String {
    let mut s = String::new();
    if let Some(r) = r {
        let _ = r.read_to_string(&mut s);
    }
    s
}

/// `greenlight serve` on a free loopback port, killed (SIGKILL) when dropped.
struct Served {
    child: Child,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(db: &Path) -> Served {
    try_serve(db).unwrap_or_else(|e| panic!("{e}"))
}

/// [`serve`], or why it did not start (its exit status and stderr).
fn try_serve(db: &Path) -> Result<Served, String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = command(db, &["serve", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut served = Served {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(status) = served.child.try_wait().unwrap() {
            return Err(format!(
                "serve exited ({status}): {}",
                read_all(served.child.stderr.as_mut())
            ));
        }
        if start.elapsed() > Duration::from_secs(120) {
            return Err("serve did not start in 120 s".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(served)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// The store's whole content, but for the clock's columns (when a dataset was imported, when a
/// claim was entered): equal for the same import made at another time, or through the other
/// journal.
fn state(db: &Path) -> BTreeMap<String, Vec<String>> {
    dump_except(
        db,
        &[("datasets", "imported_at"), ("ledger_claims", "entered_at")],
    )
}

/// Where two states differ: each differing table with a few rows only one side has.
fn unlike(a: &BTreeMap<String, Vec<String>>, b: &BTreeMap<String, Vec<String>>) -> String {
    let empty = Vec::new();
    let mut out = String::new();
    for t in a
        .keys()
        .chain(b.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let (x, y) = (a.get(t).unwrap_or(&empty), b.get(t).unwrap_or(&empty));
        if x == y {
            continue;
        }
        let only_x: Vec<&String> = x.iter().filter(|r| !y.contains(r)).take(3).collect();
        let only_y: Vec<&String> = y.iter().filter(|r| !x.contains(r)).take(3).collect();
        out.push_str(&format!(
            "\n{t}: {} vs {} rows; only in the first: {only_x:?}; only in the second: {only_y:?}",
            x.len(),
            y.len()
        ));
    }
    out
}

/// How the import of one kill ran: in a rollback journal (nothing else has the store open), or
/// in WAL (a reader holds it open, as a running server does).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Journal {
    Rollback,
    Wal,
}

/// An open reader, for the WAL runs: it has read, so the store is in WAL with its log open.
fn reader(db: &Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(db).unwrap();
    let _: i64 = c
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .unwrap();
    c
}

/// Whether the store file or its log has grown past `base` bytes: the import has begun writing
/// pages into them (its commit; the journal alone holds only the old pages).
fn writing(db: &Path, journal: Journal, base: u64) -> bool {
    match journal {
        Journal::Rollback => len(db).is_some_and(|n| n > base),
        Journal::Wal => len(&beside(db, "-wal")).is_some_and(|n| n > 0),
    }
}

/// At least 20 imports killed with SIGKILL at random moments (some anywhere in the run, some
/// the moment the import starts writing pages into the store file or its log, some a little
/// after), half in a rollback journal and half in WAL. After each: `PRAGMA integrity_check` is
/// ok, and the store's content is exactly that before the import or exactly that after it.
/// The import is a call of every kind of file (a subset of the real data through symlinks, a
/// claims file and an alias file), short (under a second) but writing about 8,500 rows.
#[test]
fn an_import_killed_at_any_moment_leaves_the_store_before_or_after_it() {
    let _serial = serial();
    let mut rng = rng("kill -9 loop");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let call = d.join("call");
    std::fs::create_dir(&call).unwrap();
    for f in [
        "netflix-top10/all-weeks-global.2022-11-09.tsv",
        "tmdb/tv-status.csv",
        "netflix-finance/arpu-by-region.csv",
        "netflix-finance/revenue-by-region.csv",
    ] {
        let src = data_file(f);
        std::os::unix::fs::symlink(&src, call.join(src.file_name().unwrap())).unwrap();
    }
    write(
        &call,
        "claims.toml",
        &format!("{CLAIMS_HEAD}[[claims]]\nkind = \"canceled\"\nseries = \"Partner Track\"\nseason = 1\n"),
    );
    write(
        &call,
        "aliases.tsv",
        "spelling\tseries\tseason\nPartner Track: Season 1\tPartner Track\t1\n",
    );
    // The store before: empty but for the starter catalog, at rest.
    let base = d.join("base.db");
    ok(&base, &["stats"]);
    let _ = at_rest(&base);
    let base_len = len(&base).unwrap();
    let before = state(&base);
    let import = |db: &Path| {
        command(db, &["import", s(&call)])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    // The store after, once per journal, uncrashed; both the same.
    let mut after = None;
    let mut took = Duration::ZERO;
    for journal in [Journal::Rollback, Journal::Wal] {
        let db = d.join(format!("reference-{journal:?}.db"));
        std::fs::copy(&base, &db).unwrap();
        let held = (journal == Journal::Wal).then(|| reader(&db));
        let t = Instant::now();
        let mut child = import(&db);
        let status = child.wait().unwrap();
        took = took.max(t.elapsed());
        assert!(status.success(), "{}", read_all(child.stderr.as_mut()));
        if journal == Journal::Wal {
            // The reader kept the import in WAL: its pages went through the log.
            assert!(
                len(&beside(&db, "-wal")).is_some_and(|n| n > 0),
                "not in WAL"
            );
        }
        drop(held);
        assert_eq!(integrity(&db), "ok");
        let got = state(&db);
        match &after {
            None => after = Some(got),
            Some(a) => assert!(
                *a == got,
                "the import's result depends on the journal: {}",
                unlike(a, &got)
            ),
        }
    }
    let after = after.unwrap();
    assert!(before != after, "the import changed nothing");
    println!("an uncrashed import takes {} ms", took.as_millis());

    const KILLS: usize = 24;
    let (mut was_before, mut was_after) = (0, 0);
    // Kills that cut a write: pages of it in the file with its hot journal beside it (rollback:
    // the import's commit, or the switch back to WAL after it, which rewrites the header), or
    // frames of it in the log without their commit frame (WAL).
    let (mut cut_rollback, mut cut_wal) = (0, 0);
    let mut last_crashed = None;
    for i in 0..KILLS {
        let journal = if i % 2 == 0 {
            Journal::Rollback
        } else {
            Journal::Wal
        };
        let db = d.join(format!("kill-{i}.db"));
        std::fs::copy(&base, &db).unwrap();
        let held = (journal == Journal::Wal).then(|| reader(&db));
        // Which moment: 0 anywhere in the run, 1 at once when pages reach the file, 2 a random
        // part of a commit's length after that. The first four kills are at once, so each
        // journal has some.
        let how = if i < 4 { 1 } else { rng.usize(0..3) };
        let t = Instant::now();
        let mut child = import(&db);
        let when = match how {
            0 => {
                let at = Duration::from_millis(rng.u64(0..=took.as_millis() as u64 * 6 / 5));
                while t.elapsed() < at && child.try_wait().unwrap().is_none() {
                    std::thread::sleep(Duration::from_millis(1));
                }
                "anywhere"
            }
            _ => {
                while !writing(&db, journal, base_len) && child.try_wait().unwrap().is_none() {
                    assert!(t.elapsed() < Duration::from_secs(300), "the import hangs");
                    // Not a spin: the import needs the other core.
                    std::thread::sleep(Duration::from_micros(200));
                }
                if how == 2 {
                    std::thread::sleep(Duration::from_millis(rng.u64(0..150)));
                }
                if how == 1 {
                    "the moment it wrote"
                } else {
                    "soon after it wrote"
                }
            }
        };
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        let _ = child.wait();
        let killed_at = t.elapsed();
        // Pages in the file or frames in the log, and the hot journal still beside the file
        // (rollback): recovery has something to undo or ignore.
        let recovering = !finished
            && writing(&db, journal, base_len)
            && match journal {
                Journal::Rollback => len(&beside(&db, "-journal")).is_some_and(|n| n > 0),
                Journal::Wal => true,
            };
        drop(held);
        let check = integrity(&db);
        assert_eq!(
            check,
            "ok",
            "kill {i} ({journal:?}, {when}, {} ms): integrity_check",
            killed_at.as_millis()
        );
        let got = state(&db);
        let verdict = if got == before {
            was_before += 1;
            "before"
        } else if got == after {
            was_after += 1;
            "after"
        } else {
            panic!(
                "kill {i} ({journal:?}, {when}, {} ms): the store is neither as before nor as after the import; unlike before: {}\nunlike after: {}",
                killed_at.as_millis(),
                unlike(&before, &got),
                unlike(&after, &got)
            );
        };
        // In rollback mode a hot journal is only there mid-write; in WAL the log also holds
        // a whole commit not yet checkpointed, so only a "before" there shows frames ignored.
        let cut = recovering && (journal == Journal::Rollback || verdict == "before");
        match (cut, journal) {
            (true, Journal::Rollback) => cut_rollback += 1,
            (true, Journal::Wal) => cut_wal += 1,
            _ => {}
        }
        println!(
            "kill {i:2} ({journal:?}, {when}, at {} ms{}{}): {verdict}",
            killed_at.as_millis(),
            if finished { ", had finished" } else { "" },
            if cut { ", cut a write" } else { "" }
        );
        if cut && verdict == "before" {
            last_crashed = Some(db);
        }
    }
    println!(
        "{KILLS} kills: {was_before} before, {was_after} after; cut a write: {cut_rollback} in a rollback journal, {cut_wal} in WAL"
    );
    assert!(
        cut_rollback > 0 && cut_wal > 0,
        "no kill cut a write in one of the journals: that part of the loop tested nothing"
    );
    // A store recovered from a cut write imports the same call to exactly the after state.
    let db = last_crashed.expect("a cut write left the store as before");
    ok(&db, &["import", s(&call)]);
    assert!(state(&db) == after, "re-importing after a crash");
}

/// `greenlight serve` killed with SIGKILL while two client threads post claims with a token,
/// five times over: after each restart the store passes `integrity_check` and holds every
/// claim that got a 2xx answer.
#[test]
fn a_server_killed_during_writes_keeps_every_acknowledged_write() {
    let _serial = serial();
    let mut rng = rng("server kill");
    let dir = tempfile::tempdir().unwrap();
    let db = small_store(dir.path());
    let secret = ok(&db, &["token", "create", "crash"]).trim().to_string();
    assert!(secret.starts_with("glt_"), "{secret}");
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    const ROUNDS: usize = 5;
    for round in 0..ROUNDS {
        let server = serve(&db);
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let acked_before = acked.lock().unwrap().len();
        let clients: Vec<_> = (0..2)
            .map(|thread| {
                let (base, secret, acked, stop) = (
                    server.base.clone(),
                    secret.clone(),
                    acked.clone(),
                    stop.clone(),
                );
                std::thread::spawn(move || -> Result<usize, String> {
                    let agent = agent();
                    let auth = format!("Bearer {secret}");
                    for i in 0..100_000 {
                        if stop.load(std::sync::atomic::Ordering::Relaxed) {
                            return Ok(i);
                        }
                        // Each claim is told apart by its URL, which the stored claim keeps.
                        let url = format!("https://example.org/crash/{round}/{thread}/{i}");
                        let body = format!(
                            r#"{{"kind":"trailer_released","series":"Partner Track","season":2,"url":"{url}","event_date":"2023-02-01","published":"2023-02-01","source":{{"name":"crash test","kind":"fan_site"}}}}"#
                        );
                        let r = agent
                            .post(&format!("{base}/api/v1/claims"))
                            .header("Content-Type", "application/json")
                            .header("Authorization", &auth)
                            .send(&body);
                        // The server died under this request: it was never acknowledged.
                        let Ok(mut r) = r else { return Ok(i) };
                        // A 201 is the acknowledgement, even if the body was cut by the kill.
                        let status = r.status().as_u16();
                        if status == 201 {
                            acked.lock().unwrap().push(url);
                        } else {
                            let text = r.body_mut().read_to_string().unwrap_or_default();
                            return Err(format!("{url}: {status} {text}"));
                        }
                    }
                    Ok(100_000)
                })
            })
            .collect();
        // Kill once writes are being acknowledged, at a random moment after.
        let start = Instant::now();
        while acked.lock().unwrap().len() == acked_before {
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "no write was acknowledged"
            );
            assert!(
                !clients.iter().all(|c| c.is_finished()),
                "the clients stopped before any write was acknowledged"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(rng.u64(50..1500)));
        drop(server); // SIGKILL, then reaped
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for c in clients {
            if let Err(e) = c.join().unwrap() {
                panic!(
                    "round {round}: a write was answered with neither 201 nor a dead server: {e}"
                );
            }
        }
        assert_eq!(integrity(&db), "ok", "round {round}");
        let n = acked.lock().unwrap().len();
        println!(
            "round {round}: {} writes acknowledged before the kill",
            n - acked_before
        );
    }
    // Restarted, the server answers, and the store has every acknowledged claim.
    let server = serve(&db);
    let r = agent()
        .get(&format!(
            "{}/api/v1/series/partner-track/timeline",
            server.base
        ))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    drop(server);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let stored: std::collections::BTreeSet<String> = conn
        .prepare("SELECT claim FROM ledger_claims")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|c| {
            let v: serde_json::Value = serde_json::from_str(&c.unwrap()).unwrap();
            v["url"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    let acked = acked.lock().unwrap();
    let lost: Vec<&String> = acked.iter().filter(|h| !stored.contains(*h)).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged writes lost: {lost:?}",
        lost.len(),
        acked.len()
    );
}
