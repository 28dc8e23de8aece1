#!/usr/bin/env bash
# Import benchmark: greenlight (release) vs two Python peers, on all of ../shared/data, in one
# hyperfine run: pandas (openpyxl for the workbooks) and polars (calamine for the workbooks).
# Wall time is the median of N runs each; peak memory from GNU time's max RSS.
# usage: bash bench/import.sh [RUNS]   (from the repository root)
set -euo pipefail
runs=${1:-5}
data=$(cd ../shared/data && pwd)
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
python3 -c "import pandas, openpyxl" 2>/dev/null || pip install -q pandas openpyxl
# polars' read_excel(engine="calamine") reads through fastexcel.
python3 -c "import polars, fastexcel" 2>/dev/null || pip install -q polars fastexcel
cargo build --release -q
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
hyperfine --warmup 1 --runs "$runs" --export-json "$tmp/h.json" \
  --prepare "rm -f $tmp/g.db $tmp/g.db-wal $tmp/g.db-shm" "./target/release/greenlight --db $tmp/g.db --quiet import $data" \
  --prepare "rm -f $tmp/p.db" "python3 bench/import_peer.py $data $tmp/p.db" \
  --prepare "rm -f $tmp/l.db" "python3 bench/import_peer_polars.py $data $tmp/l.db"
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
rm -f "$tmp"/g.db*; g_rss=$(rss ./target/release/greenlight --db "$tmp/g.db" --quiet import "$data")
rm -f "$tmp"/p.db; p_rss=$(rss python3 bench/import_peer.py "$data" "$tmp/p.db")
rm -f "$tmp"/l.db; l_rss=$(rss python3 bench/import_peer_polars.py "$data" "$tmp/l.db")
# The two peers must have stored the same tables with the same row counts.
python3 - "$tmp/p.db" "$tmp/l.db" <<'PY'
import sqlite3, sys
def counts(db):
    c = sqlite3.connect(db)
    names = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    return {n: c.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
p, l = counts(sys.argv[1]), counts(sys.argv[2])
if p != l:
    sys.exit(f"the peers stored different tables or rows:\npandas {p}\npolars {l}")
print(f"peers agree: {len(p)} tables, {sum(p.values())} rows")
PY
python3 - "$tmp/h.json" "$g_rss" "$p_rss" "$l_rss" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))["results"]
names = ["greenlight import", "pandas peer", "polars peer"]
med = [r["median"] for r in h]
print("| tool | median wall (s) | min | max | peak RSS (MiB) | vs greenlight |\n|---|---|---|---|---|---|")
for name, r, rss in zip(names, h, sys.argv[2:]):
    print(f"| {name} | {r['median']:.3f} | {r['min']:.3f} | {r['max']:.3f} | {int(rss)/1024:.0f} | {r['median']/med[0]:.2f}x |")
strongest = min(range(1, len(med)), key=lambda i: med[i])
ratio = med[strongest] / med[0]
print(f"strongest peer: {names[strongest]}, {ratio:.2f}x greenlight's median "
      f"({'meets' if ratio >= 1.5 else 'does NOT meet'} the 1.5x target)")
PY
