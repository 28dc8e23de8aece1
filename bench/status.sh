#!/usr/bin/env bash
# Status and list benchmark (issue 13): `greenlight status SERIES` p50 for a series awaiting a
# decision (odds shown) and a decided one, before (BEFORE: main's binary, which trains the model
# on every call) and after (AFTER: this checkout's, which keeps the model and the odds in the
# store), side by side on one store; and `greenlight list --json` (all TV series) cold (nothing
# kept yet) and warm. Wall time per call from `date +%s%N` around each run (no hyperfine needed).
# usage: BEFORE=path/to/main/greenlight [AFTER=path] [RUNS=n] bash bench/status.sh
#   (from the repository root; AFTER defaults to a release build of this checkout)
set -euo pipefail
runs=${RUNS:-11}
data=$(cd ../shared/data 2>/dev/null && pwd || echo /work/shared/data)
if [ -z "${AFTER:-}" ]; then
  cargo build --release -q -p greenlight --bin greenlight
  AFTER=./target/release/greenlight
fi
: "${BEFORE:?set BEFORE to the greenlight binary of main}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$AFTER" --db "$tmp/g.db" --quiet import "$data"
echo "store: $(du -m "$tmp/g.db" | cut -f1) MiB; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# ms of one run of "$@" (output discarded)
once() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" > /dev/null
  t1=$(date +%s%N)
  echo $(( t1 / 1000000 - t0 / 1000000 ))
}
# p50 (and min/max) in ms of $runs runs of "$@"
p50() {
  local f
  f=$(mktemp)
  for _ in $(seq "$runs"); do once "$@" >> "$f"; done
  sort -n "$f" | awk -f <(echo '{ a[NR] = $1 } END { printf "p50 %d ms (min %d, max %d, n %d)", a[int((NR + 1) / 2)], a[1], a[NR], NR }')
  rm -f "$f"
}

for s in beef wednesday; do
  echo "status $s, first call after the import (after: trains and keeps): $(once "$AFTER" --db "$tmp/g.db" status "$s") ms"
  echo "status $s  before: $(p50 "$BEFORE" --db "$tmp/g.db" status "$s")"
  echo "status $s  after:  $(p50 "$AFTER" --db "$tmp/g.db" status "$s")"
done
echo "list --json cold (odds of every awaiting series computed and kept): $(once "$AFTER" --db "$tmp/g.db" list --json) ms"
echo "list --json warm (every TV series, odds kept): $(p50 "$AFTER" --db "$tmp/g.db" list --json)"
echo "(before: main has no list command)"
