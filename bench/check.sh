#!/usr/bin/env bash
# Checker benchmark (issue 12): `check` of a 1,000-word article on the full store, and memory
# across 1,000 articles. Imports all of ../shared/data (data, announcements and manifest dates,
# as `greenlight import` does) into a fresh store with the release binary, then runs
# crates/news/examples/check_bench.rs: every corpus article padded to 1,000 words, its answer
# key's claims checked as of its dateline, 1,000 articles in all (check alone: the claims come
# from the keys), then the same 1,000 end to end (extraction over the store's dictionary, built
# once and timed apart, and the check of what was extracted). Prints ms per article and RSS.
# usage: bash bench/check.sh [ARTICLES]   (from the repository root)
set -euo pipefail
n=${1:-1000}
data=$(cd ../shared/data 2>/dev/null && pwd || echo /work/shared/data)
cargo build --release -q -p greenlight --bin greenlight
cargo build --release -q -p greenlight-news --example check_bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
./target/release/greenlight --db "$tmp/g.db" --quiet import "$data"
echo "store: $(du -m "$tmp/g.db" | cut -f1) MiB; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
/usr/bin/time -f "peak RSS %M KiB, wall %e s, user %U s, sys %S s" \
  ./target/release/examples/check_bench "$tmp/g.db" crates/news/tests/corpus "$n"
