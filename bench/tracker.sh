#!/usr/bin/env bash
# Tracker benchmark (issue 13): the kept board of statuses, release builds, one run, before
# (BEFORE: main's binary, whose `list` derives every TV series' status each call) beside after
# (AFTER: this checkout's, which reads the kept board and refreshes only what changed):
#   1. `status SERIES` p50 on the full store (a series awaiting a decision, and a decided one);
#   2. `list --json` of all TV series, p50, warm (odds kept; after: the board kept);
#   3. the refresh after a one-claim change: `claim add` as a whole, before and after, and the
#      refresh inside it (GREENLIGHT_TIMING's line);
#   4. the refresh of all derived state after the full import of ../shared/data: a store whose
#      board is kept (listed once over the starter catalog) imports the data; the import's
#      refresh derives every series (and trains the model once); and, the model kept, the same
#      board derived again with the odds and model kept (the cost of a new day).
# Wall time per call from `date +%s%N` around each run; hyperfine's p50s beside, if installed.
# usage: BEFORE=path/to/main/greenlight [AFTER=path] [RUNS=n] bash bench/tracker.sh
#   (from the repository root; AFTER defaults to a release build of this checkout)
set -euo pipefail
runs=${RUNS:-11}
data=$(cd ../shared/data 2>/dev/null && pwd || echo /work/shared/data)
if [ -z "${AFTER:-}" ]; then
  cargo build --release -q -p greenlight --bin greenlight
  AFTER=./target/release/greenlight
fi
# Without BEFORE the before rows are skipped; 2b (the board derived on every call, which is what
# main's `list` does, odds kept) stands in for main's `list`.
BEFORE=${BEFORE:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

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
  sort -n "$f" | awk '{ a[NR] = $1 } END { printf "p50 %d ms (min %d, max %d, n %d)", a[int((NR + 1) / 2)], a[1], a[NR], NR }'
  rm -f "$f"
}
# the number of seconds GREENLIGHT_TIMING's refresh line reports, from stderr file $1
refresh_line() {
  grep -o 'kept statuses refreshed.*' "$1" || echo "(no refresh line)"
}

# empties the kept board of store $1 (its rows and generation), the odds and model kept
drop_board() {
  python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('DELETE FROM kept_status'); c.execute(\"DELETE FROM derived_state WHERE key='kept-status/generation'\"); c.commit()" "$1"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"

# 4 first: the board kept over the starter catalog, then the full import refreshes it all.
"$AFTER" --db "$tmp/g.db" list --json > /dev/null
t0=$(date +%s%N)
GREENLIGHT_TIMING=1 "$AFTER" --db "$tmp/g.db" --quiet import "$data" > /dev/null 2> "$tmp/import.err"
t1=$(date +%s%N)
echo "4. full import with the board kept (after): $(( (t1 - t0) / 1000000 )) ms in all; $(refresh_line "$tmp/import.err")"
grep -E 'timing: commit' "$tmp/import.err" | sed 's/^/     /' || true
echo "store: $(du -m "$tmp/g.db" | cut -f1) MiB"
# The same board derived again with the model and odds kept (what a new day costs): the kept
# rows' evidence hashes are made stale by copying the store and deleting the board there.
cp "$tmp/g.db" "$tmp/day.db"
drop_board "$tmp/day.db"
echo "4b. the whole board derived again, model and odds kept (after): $(once "$AFTER" --db "$tmp/day.db" list --json) ms"

# 1. status
for s in beef wednesday; do
  [ -n "$BEFORE" ] && echo "1. status $s  before: $(p50 "$BEFORE" --db "$tmp/g.db" status "$s" --json)"
  echo "1. status $s  after:  $(p50 "$AFTER" --db "$tmp/g.db" status "$s" --json)"
done

# 2. list
[ -n "$BEFORE" ] && echo "2. list --json  before (derives every status): $(p50 "$BEFORE" --db "$tmp/g.db" list --json)"
f=$(mktemp)
for _ in $(seq "$runs"); do
  cp "$tmp/g.db" "$tmp/scratch.db"
  drop_board "$tmp/scratch.db"
  once "$AFTER" --db "$tmp/scratch.db" list --json >> "$f"
done
echo "2b. list --json, the whole board derived each call (odds kept; what main's list does): $(sort -n "$f" | awk '{ a[NR] = $1 } END { printf "p50 %d ms (min %d, max %d, n %d)", a[int((NR + 1) / 2)], a[1], a[NR], NR }')"
rm -f "$f" "$tmp/scratch.db"
echo "2. list --json  after (the kept board):        $(p50 "$AFTER" --db "$tmp/g.db" list --json)"
echo "2. list --status awaiting_decision --sort odds --json  after: $(p50 "$AFTER" --db "$tmp/g.db" list --status awaiting_decision --sort odds --json)"
if [ -n "$BEFORE" ] && command -v hyperfine > /dev/null; then
  hyperfine -N -w 2 -r "$runs" --export-markdown "$tmp/hf.md" \
    -n "before: list --json" "$BEFORE --db $tmp/g.db list --json" \
    -n "after: list --json" "$AFTER --db $tmp/g.db list --json" > /dev/null
  sed 's/^/   /' "$tmp/hf.md"
fi

# 3. one claim: each run a new claim (a different publication day), on the same series.
day=1
claim() {
  day=$((day + 1))
  "$1" --db "$tmp/g.db" --quiet claim add --kind trailer_released --series beef --season 2 \
    --field "url=https://example.org/bench/$day" --event-date 2026-01-01 \
    --published "2026-01-$(printf %02d $((day % 28 + 1)))" --source-name bench \
    --source-kind fan_site --note "bench $day"
}
f=$(mktemp); g=$(mktemp)
for _ in $(seq "$runs"); do
  if [ -n "$BEFORE" ]; then
    t0=$(date +%s%N); claim "$BEFORE" > /dev/null; t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 )) >> "$f"
  fi
  t0=$(date +%s%N); GREENLIGHT_TIMING=1 claim "$AFTER" > /dev/null 2> "$tmp/claim.err"; t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 )) >> "$g"
done
summary() { sort -n "$1" | awk '{ a[NR] = $1 } END { printf "p50 %d ms (min %d, max %d, n %d)", a[int((NR + 1) / 2)], a[1], a[NR], NR }'; }
[ -n "$BEFORE" ] && echo "3. claim add  before (no board to keep): $(summary "$f")"
echo "3. claim add  after (claim + refresh):    $(summary "$g"); last: $(refresh_line "$tmp/claim.err")"
rm -f "$f" "$g"
# A claim the board has not seen (the before binary's, or another process mid-write): the next
# list derives that one row.
"$AFTER" --db "$tmp/g.db" --quiet claim add --kind trailer_released --series beef --season 2 \
  --field "url=https://example.org/bench/unseen" --event-date 2026-02-01 --published 2026-02-01 --source-name bench \
  --source-kind fan_site > /dev/null
python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE kept_status SET evidence='stale' WHERE slug='beef'\"); c.commit()" "$tmp/g.db"
echo "3b. list --json with one row stale (derives that row): $(once "$AFTER" --db "$tmp/g.db" list --json) ms"
