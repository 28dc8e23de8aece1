//! The store's own readers, alias files and manifests, under a bounded, fixed-seed fuzz
//! (`greenlight_testkit::fuzz`): each mutated file is read or refused with an error that names
//! the file, and the line whenever it is about one. Never a panic.

use greenlight_store::aliases::AliasFile;
use greenlight_store::manifest::Manifest;
use greenlight_testkit::fuzz::{mutate, Rng};

const ITERATIONS: usize = 300;

const ALIASES: &str = "spelling\tseries\tseason\nStranger Things 3\tStranger Things\t3\n\
Archer\tArcher (2009)\t\nThe Crown: Season 5\tThe Crown\tSeason 5\n";

const MANIFEST: &str = "[[file]]\npath = \"netflix-top10/most-popular.tsv\"\npublisher = \"Netflix\"\n\
origin = \"https://www.netflix.com/tudum/top10\"\npublished = \"2026-07-22\"\nprecision = \"at_latest\"\n\n\
[[file]]\npath = \"tmdb/tv-status.csv\"\npublisher = \"TMDB\"\norigin = \"a snapshot\"\npublished = \"2024-04-01\"\nprecision = \"at_earliest\"\n";

/// Runs `read` on `ITERATIONS` mutations of `seed` written to `name`; returns (read, refused).
fn fuzz<T, E: std::fmt::Display>(
    name: &str,
    seed: &str,
    rng_seed: u64,
    read: impl Fn(&std::path::Path) -> Result<T, E>,
) -> (usize, usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, seed).unwrap();
    assert!(read(&path).is_ok(), "{name}: the seed is bad");
    let mut rng = Rng(rng_seed);
    let (mut ok, mut refused) = (0, 0);
    for _ in 0..ITERATIONS {
        std::fs::write(&path, mutate(&mut rng, seed.as_bytes())).unwrap();
        match read(&path) {
            Ok(_) => ok += 1,
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
fn alias_files_read_or_are_refused_with_their_place() {
    let (ok, refused) = fuzz("aliases.tsv", ALIASES, 11, AliasFile::read);
    assert_eq!(ok + refused, ITERATIONS);
    assert!(refused > 0 && ok > 0, "{ok} read, {refused} refused");
}

#[test]
fn manifests_read_or_are_refused_with_their_place() {
    let (ok, refused) = fuzz("MANIFEST.toml", MANIFEST, 13, Manifest::read);
    assert_eq!(ok + refused, ITERATIONS);
    assert!(refused > ITERATIONS / 4, "{ok} read, {refused} refused");
}
