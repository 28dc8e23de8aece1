#!/usr/bin/env bash
# Sync benchmark (issue 15): on a store holding all of ../shared/data, what one `greenlight sync`
# costs when the Top 10 file is unchanged (a 304: no body) and when it gains one week (the
# re-published file is fetched whole and parsed, and only the new week's rows are written: the
# week-wise store, events and all), side by side with the peer: a full import of that same
# one-week-longer file, `greenlight import --replace` (the dataset replaced whole and every
# title re-resolved: what sync did before, and what re-importing by hand did). The origin is Python's http.server on loopback
# (Last-Modified / If-Modified-Since). Wall time per call from `date +%s%N`; p50 of RUNS.
# usage: [BIN=path] [RUNS=n] bash bench/sync.sh   (from the repository root; BIN defaults to a
#   release build of this checkout)
set -euo pipefail
runs=${RUNS:-5}
data=$(cd ../shared/data 2>/dev/null && pwd || echo /work/shared/data)
if [ -z "${BIN:-}" ]; then
  cargo build --release -q -p greenlight --bin greenlight
  BIN=./target/release/greenlight
fi
tmp=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$tmp/www" >/dev/null 2>&1 &
srv=$!
trap 'kill $srv; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/www"
cp "$data/netflix-top10/all-weeks-global.tsv" "$tmp/www/all-weeks-global.tsv"
# The same file with one more week on top: the newest week's rows a week later.
python3 - "$data/netflix-top10/all-weeks-global.tsv" "$tmp/longer.tsv" <<'PY'
import sys, datetime
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
head, rows = lines[0], lines[1:]
newest = rows[0].split("\t")[0]
nxt = (datetime.date.fromisoformat(newest) + datetime.timedelta(days=7)).isoformat()
added = []
for r in rows:
    f = r.split("\t")
    if f[0] == newest:
        f[0] = nxt
        f[-1] = str(int(f[-1]) + 1)
        added.append("\t".join(f))
open(sys.argv[2], "w", encoding="utf-8").write("\n".join([head] + added + rows) + "\n")
PY
cat > "$tmp/sources.toml" <<TOML
[fetch]
host_interval_ms = 0
[[source]]
name = "top10-global"
kind = "data"
url = "http://127.0.0.1:$port/all-weeks-global.tsv"
TOML
sleep 1
"$BIN" --db "$tmp/base.db" --quiet import "$data" >/dev/null
"$BIN" --db "$tmp/base.db" --quiet sync --sources "$tmp/sources.toml" >/dev/null
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }
p50() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
unchanged=(); synced=(); imported=()
for i in $(seq "$runs"); do
  cp "$tmp/base.db" "$tmp/run.db"; rm -rf "$tmp/run.db.sources"
  unchanged+=("$(ms "$BIN" --db "$tmp/run.db" --quiet sync --sources "$tmp/sources.toml")")
  cp "$tmp/www/all-weeks-global.tsv" "$tmp/orig.tsv"
  cp "$tmp/longer.tsv" "$tmp/www/all-weeks-global.tsv"; touch -d '+1 minute' "$tmp/www/all-weeks-global.tsv"
  synced+=("$(ms "$BIN" --db "$tmp/run.db" --quiet sync --sources "$tmp/sources.toml")")
  cp "$tmp/orig.tsv" "$tmp/www/all-weeks-global.tsv"
  cp "$tmp/base.db" "$tmp/peer.db"
  imported+=("$(ms "$BIN" --db "$tmp/peer.db" --quiet import --replace "$tmp/longer.tsv")")
done
u=$(printf '%s\n' "${unchanged[@]}" | p50); s=$(printf '%s\n' "${synced[@]}" | p50); p=$(printf '%s\n' "${imported[@]}" | p50)
echo "sync, Top 10 unchanged (304):        p50 ${u} ms  (${unchanged[*]})"
echo "sync, Top 10 one more week:          p50 ${s} ms  (${synced[*]})"
echo "peer: full import (--replace):        p50 ${p} ms  (${imported[*]})"
awk -v s="$s" -v p="$p" 'BEGIN {printf "sync one-week / full import: %.2f\n", s / p}'
