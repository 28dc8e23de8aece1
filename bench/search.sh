#!/usr/bin/env bash
# Search benchmark for BENCHMARKS.md (issue 14): this checkout's server beside main's, in one run
# on one store of the real data.
#
#   bash bench/search.sh [ROUNDS]        (ROUNDS ≤ 100, default 20; needs curl and python3)
#
# 1. Ordinary queries: the 68 queries of crates/store/tests/search/cases.toml (misspellings and
#    native titles) and the distinct expected slugs as words, ROUNDS times each, sent to the two servers
#    alternately, one at a time. Each round uses another `limit`, so no response comes from the
#    server's cache: every request is a real search. Prints p50/p99/max per server.
# 2. Overlong queries: 301 characters, 60,000, 65,600 (past hyper's URI limit), 1 MB and 4 MB, each
#    timed (send to last byte received) with its status and content type, on both servers.
#
# main is built from `git archive $MAIN_REF` (default main) under target/bench-main, in a target
# directory of its own (so its binary can't overwrite this checkout's; a first run builds every
# dependency twice). Set MAIN_BIN/BRANCH_BIN to skip the builds.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data="${GREENLIGHT_TEST_DATA:-$root/../shared/data}"
rounds=${1:-20}
for t in curl python3; do
  command -v "$t" >/dev/null || { echo "bench/search: $t is missing" >&2; exit 1; }
done

if [ -z "${BRANCH_BIN:-}" ]; then
  cargo build --release -q -p greenlight
  BRANCH_BIN=$root/target/release/greenlight
fi
if [ -z "${MAIN_BIN:-}" ]; then
  src=$root/target/bench-main/src
  rm -rf "$src" && mkdir -p "$src"
  git archive "${MAIN_REF:-main}" | tar -x -C "$src"
  cargo build --release -q -p greenlight --manifest-path "$src/Cargo.toml" --target-dir "$root/target/bench-main/target"
  MAIN_BIN=$root/target/bench-main/target/release/greenlight
fi

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$BRANCH_BIN" --db "$tmp/branch.db" --quiet import "$data" >/dev/null
cp "$tmp/branch.db" "$tmp/main.db"
declare -A base
for side in main branch; do
  bin=$MAIN_BIN; [ "$side" = branch ] && bin=$BRANCH_BIN
  port=$(free_port)
  "$bin" --db "$tmp/$side.db" serve --addr "127.0.0.1:$port" 2>"$tmp/$side.log" &
  pids+=($!)
  base[$side]="http://127.0.0.1:$port"
  for _ in $(seq 1 300); do curl -fsS -o /dev/null "${base[$side]}/api/v1/openapi.json" 2>/dev/null && break; sleep 0.2; done
done

MAIN=${base[main]} BRANCH=${base[branch]} ROUNDS=$rounds CASES=crates/store/tests/search/cases.toml python3 - <<'PY'
import os, socket, time, tomllib, urllib.parse, urllib.request, statistics

main, branch, rounds = os.environ["MAIN"], os.environ["BRANCH"], int(os.environ["ROUNDS"])
cases = tomllib.load(open(os.environ["CASES"], "rb"))["case"]
queries = [c["query"] for c in cases] + sorted({c["first"].replace("-", " ") for c in cases})

def get(base, q, limit):
    url = f"{base}/api/v1/search?q={urllib.parse.quote(q)}&limit={limit}"
    t = time.perf_counter()
    with urllib.request.urlopen(url) as r:
        r.read()
        assert r.status == 200
    return (time.perf_counter() - t) * 1000

def raw(base, n):
    """A GET whose query is n bytes, over a raw socket (urllib would refuse it): ms, status, type."""
    host, port = base.removeprefix("http://").split(":")
    req = f"GET /api/v1/search?q={'a' * n} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    t = time.perf_counter()
    s = socket.create_connection((host, int(port)))
    try:
        s.sendall(req)
    except OSError:
        pass
    data = b""
    try:
        while chunk := s.recv(65536):
            data += chunk
    except OSError:
        pass
    ms = (time.perf_counter() - t) * 1000
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = head[0].split(" ", 2)[1] if head and head[0] else "closed"
    ctype = next((h.split(":", 1)[1].strip() for h in head[1:] if h.lower().startswith("content-type:")), "-")
    return ms, status, ctype

# The first search of each server (the branch builds its index then), timed apart.
cold = {name: get(b, "warm up", 100) for name, b in (("main", main), ("branch", branch))}
lat = {"main": [], "branch": []}
for r in range(rounds):
    limit = r + 1
    for i, q in enumerate(queries):
        order = (("main", main), ("branch", branch)) if (r + i) % 2 == 0 else (("branch", branch), ("main", main))
        for name, b in order:
            lat[name].append(get(b, q, limit))

def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]

print(f"ordinary queries: {len(queries)} queries x {rounds} rounds = {len(lat['main'])} requests per server, uncached")
print()
print("| server | first search (ms) | p50 (ms) | p99 (ms) | max (ms) | mean (ms) |")
print("|---|---:|---:|---:|---:|---:|")
for name in ("main", "branch"):
    v = lat[name]
    print(f"| {name} | {cold[name]:.1f} | {pct(v, 50):.2f} | {pct(v, 99):.2f} | {max(v):.2f} | {statistics.mean(v):.2f} |")
print()
print("| query length | main: ms, status, type | branch: ms, status, type |")
print("|---:|---|---|")
for n in (301, 60_000, 65_600, 1_000_000, 4_000_000):
    cells = []
    for b in (main, branch):
        ms, status, ctype = raw(b, n)
        cells.append(f"{ms:.1f} ms, {status}, {ctype}")
    print(f"| {n:,} | {cells[0]} | {cells[1]} |")
PY
