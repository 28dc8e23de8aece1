//! The regression corpus (`tests/corpus/`): small bad files, one per case, each refused through
//! the real binary with the located error `cases.toml` gives, leaving the store unchanged; and
//! the inputs no file in a repository can be (a FIFO, `/dev/zero`, a 2 GiB sparse file, files
//! past the size caps of `greenlight_sources::limits`), made here.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use greenlight_testkit::{dump, fresh_store_path, private_copy};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn greenlight(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_greenlight"))
        .arg("--db")
        .arg(db)
        .arg("--quiet")
        .args(args)
        .output()
        .unwrap()
}

#[derive(serde::Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    file: String,
    error: String,
    #[serde(default)]
    store: Option<String>,
    #[serde(default)]
    args: Vec<String>,
}

/// An empty store (created and migrated by a first command), and one holding `base/`.
fn stores() -> (PathBuf, PathBuf) {
    let empty = fresh_store_path();
    let out = greenlight(&empty, &["stats"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let base = fresh_store_path();
    let dir = corpus().join("base");
    let out = greenlight(&base, &["import", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (empty, base)
}

/// Imports `path` (with `args` before it) into a private copy of `store` and checks that it is
/// refused: exit 1, a message naming the file and containing `want`, no panic, and a dump of
/// the copy equal before and after. Returns a description of what went wrong, if anything.
fn refused(store: &Path, path: &Path, args: &[&str], want: &str) -> Option<String> {
    let db = private_copy(store);
    let before = dump(&db);
    let mut all: Vec<&str> = vec!["import"];
    all.extend_from_slice(args);
    all.push(path.to_str().unwrap());
    let out = greenlight(&db, &all);
    let err = String::from_utf8_lossy(&out.stderr);
    let name = path.file_name().unwrap().to_str().unwrap();
    let problem = if out.status.code() != Some(1) {
        Some(format!("exit {:?}, not 1: {err}", out.status.code()))
    } else if !err.contains(name) {
        Some(format!("the message does not name the file: {err}"))
    } else if !err.contains(want) {
        Some(format!("the message does not contain {want:?}: {err}"))
    } else if err.contains("panicked") {
        Some(format!("panicked: {err}"))
    } else if dump(&db) != before {
        Some("the store changed".to_string())
    } else {
        None
    };
    problem.map(|p| format!("{name}: {p}"))
}

#[test]
fn every_corpus_file_is_refused_with_its_error_and_changes_nothing() {
    let text = std::fs::read_to_string(corpus().join("cases.toml")).unwrap();
    let cases: Cases = toml::from_str(&text).unwrap();
    assert!(cases.case.len() >= 40, "{} cases", cases.case.len());
    // The whole set: every file has a case, every case a file, none twice.
    let mut listed: Vec<&str> = cases.case.iter().map(|c| c.file.as_str()).collect();
    listed.sort_unstable();
    let n = listed.len();
    listed.dedup();
    assert_eq!(listed.len(), n, "a file is listed twice");
    let mut files: Vec<String> = std::fs::read_dir(corpus().join("files"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort_unstable();
    assert_eq!(files, listed, "files/ and cases.toml differ");

    let (empty, base) = stores();
    let failures: Vec<String> = cases
        .case
        .iter()
        .filter_map(|c| {
            let store = match c.store.as_deref() {
                None | Some("empty") => &empty,
                Some("base") => &base,
                Some(other) => panic!("{}: unknown store {other:?}", c.file),
            };
            let args: Vec<&str> = c.args.iter().map(String::as_str).collect();
            refused(
                store,
                &corpus().join("files").join(&c.file),
                &args,
                &c.error,
            )
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A FIFO (no writer: opening it to read would block forever), `/dev/zero` (never ends), a
/// directory given as a file and a 2 GiB sparse file are refused from their metadata, without
/// reading them; a claims file and an alias file one byte past their caps are refused by size.
#[test]
fn non_regular_and_oversized_files_are_refused_without_reading_them() {
    use greenlight_sources::limits::{MAX_ALIAS_BYTES, MAX_CLAIMS_BYTES};
    // The sparse file is past the largest data cap.
    const { assert!(greenlight_sources::limits::MAX_DELIMITED_BYTES < 2 << 30) };
    let (empty, base) = stores();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("chart.tsv");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let sparse = dir.path().join("sparse.tsv");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let sub = dir.path().join("a-folder.tsv");
    std::fs::create_dir(&sub).unwrap();
    // Well-formed heads, padded past the cap with comments or blank lines.
    let claims = dir.path().join("claims.toml");
    let mut text = b"version = 1\n[[claims]]\n".to_vec();
    text.resize(MAX_CLAIMS_BYTES as usize + 1, b'#');
    std::fs::write(&claims, text).unwrap();
    let alias = dir.path().join("aliases.tsv");
    let mut text = b"spelling\tseries\tseason\n".to_vec();
    text.resize(MAX_ALIAS_BYTES as usize + 1, b'\n');
    std::fs::write(&alias, text).unwrap();
    let mut failures = Vec::new();
    let cases: [(&Path, &Path, &str); 5] = [
        (
            &empty,
            &fifo,
            "not a regular file (a pipe, device or socket)",
        ),
        (&empty, Path::new("/dev/zero"), "not a regular file"),
        (
            &empty,
            &sparse,
            "2147483648 bytes is more than the largest data file accepted",
        ),
        (
            &empty,
            &claims,
            "is more than the largest claims file accepted",
        ),
        (
            &base,
            &alias,
            "is more than the largest alias file accepted",
        ),
    ];
    for (store, path, want) in cases {
        failures.extend(refused(store, path, &[], want));
    }
    // A directory named explicitly is walked, not read: an empty one has nothing to import.
    let out = greenlight(&empty, &["import", sub.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// SQLite's message is printed once: the error chain used to repeat it three times ("database
/// error: file is not a database: file is not a database: Error code 26: …").
#[test]
fn a_database_error_is_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("not-a-store.db");
    std::fs::write(&db, "plain text, not an SQLite file; ".repeat(64)).unwrap();
    let before = std::fs::read(&db).unwrap();
    let out = greenlight(&db, &["stats"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.matches("not a database").count(), 1, "{err}");
    assert!(!err.contains("Error code"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before, "the file was changed");
}
