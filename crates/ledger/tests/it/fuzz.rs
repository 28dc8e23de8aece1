//! The claims-file reader (TOML and JSON) under a bounded, fixed-seed fuzz
//! (`greenlight_testkit::fuzz`): each mutated file is read (every claim in it then either raw
//! or refused, located in the file) or refused whole with an error naming the file. Never a
//! panic.

use greenlight_ledger::file::read_path;
use greenlight_testkit::fuzz::{mutate, Rng};

const ITERATIONS: usize = 300;

const TOML: &str = r#"version = 1

[[series]]
title = "A Declared Show"

[defaults]
entered_by = "fuzz"

[[claims]]
kind = "season_renewed"
series = "Wednesday"
season = 3
event_date = 2025-07-23
published = 2025-07-23
source = { name = "Tudum", url = "https://www.netflix.com/tudum", kind = "official" }

[[claims]]
kind = "canceled"
series = "Partner Track"
season = 1
event_date = 2022-11-08
published = 2022-11-08
source = { name = "Deadline", url = "https://deadline.com/x", kind = "trade_press" }
"#;

const JSON: &str = r#"{"version": 1, "defaults": {"entered_by": "fuzz"}, "claims": [
{"kind": "season_renewed", "series": "Wednesday", "season": 3, "event_date": "2025-07-23", "published": "2025-07-23", "source": {"name": "Tudum", "url": "https://www.netflix.com/tudum", "kind": "official"}},
{"kind": "canceled", "series": "Partner Track", "season": 1, "event_date": "2022-11-08", "published": "2022-11-08", "source": {"name": "Deadline", "url": "https://deadline.com/x", "kind": "trade_press"}}
]}
"#;

fn fuzz(name: &str, seed: &str, rng_seed: u64) -> (usize, usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, seed).unwrap();
    let read = read_path(&path).unwrap_or_else(|e| panic!("{name}: the seed is bad: {e}"));
    assert!(
        read.claims.iter().all(|(_, c)| c.is_ok()),
        "{name}: a seed claim is bad"
    );
    let mut rng = Rng(rng_seed);
    let (mut ok, mut refused) = (0, 0);
    for _ in 0..ITERATIONS {
        std::fs::write(&path, mutate(&mut rng, seed.as_bytes())).unwrap();
        match read_path(&path) {
            Ok(read) => {
                ok += 1;
                for (at, claim) in &read.claims {
                    if let Err(e) = claim {
                        assert_eq!(at.file.as_deref(), Some(path.as_path()), "{e}");
                        assert!(at.index.is_some(), "{e}");
                    }
                }
            }
            Err(e) => {
                refused += 1;
                let msg = e.to_string();
                assert!(
                    msg.contains(name),
                    "{name}: the error does not name the file: {msg}"
                );
            }
        }
    }
    (ok, refused)
}

#[test]
fn claims_files_read_or_are_refused_with_their_place() {
    for (i, (name, seed)) in [("claims.toml", TOML), ("claims.json", JSON)]
        .into_iter()
        .enumerate()
    {
        let (ok, refused) = fuzz(name, seed, 17 + i as u64);
        assert_eq!(ok + refused, ITERATIONS);
        assert!(
            refused > ITERATIONS / 4,
            "{name}: {ok} read, {refused} refused"
        );
    }
}
