#!/usr/bin/env bash
# Import benchmark: greenlight (release) vs the pandas peer, on all of ../shared/data, in one run.
# Wall time is the median of N runs each (hyperfine); peak memory from GNU time's max RSS.
# usage: bash bench/import.sh [RUNS]   (from the repository root)
set -euo pipefail
runs=${1:-5}
data=$(cd ../shared/data && pwd)
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
python3 -c "import pandas, openpyxl" 2>/dev/null || pip install -q pandas openpyxl
cargo build --release -q
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
hyperfine --warmup 1 --runs "$runs" --export-json "$tmp/h.json" \
  --prepare "rm -f $tmp/g.db $tmp/g.db-wal $tmp/g.db-shm" "./target/release/greenlight --db $tmp/g.db --quiet import $data" \
  --prepare "rm -f $tmp/p.db" "python3 bench/import_peer.py $data $tmp/p.db"
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
rm -f "$tmp"/g.db*; g_rss=$(rss ./target/release/greenlight --db "$tmp/g.db" --quiet import "$data")
rm -f "$tmp"/p.db; p_rss=$(rss python3 bench/import_peer.py "$data" "$tmp/p.db")
python3 - "$tmp/h.json" "$g_rss" "$p_rss" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))["results"]
g, p = h[0]["median"], h[1]["median"]
print(f"| tool | median wall (s) | peak RSS (MiB) |\n|---|---|---|")
print(f"| greenlight import | {g:.3f} | {int(sys.argv[2])/1024:.0f} |")
print(f"| pandas peer | {p:.3f} | {int(sys.argv[3])/1024:.0f} |")
print(f"ratio peer/greenlight: {p/g:.1f}x")
PY
