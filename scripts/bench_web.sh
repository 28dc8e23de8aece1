#!/usr/bin/env bash
# Benchmark for BENCHMARKS.md (issue 4): wrk on loopback, 64 connections, against greenlight's
# Partner Track JSON route and page, beside nginx serving the same JSON as a static file, in one
# run on one machine. Prints a Markdown table: requests/s, p99 latency, and JSON/nginx ratio.
#
#   bash scripts/bench_web.sh [DURATION_SECONDS]      (needs: wrk, nginx — Debian packages)
set -euo pipefail
cd "$(dirname "$0")/.."
data="$(pwd)/../shared/data"
secs=${1:-10}
threads=2
# PIN=1: give the load generator and the server under test a core each (wrk -t1 on core 0; the
# greenlight server or nginx, one worker, on core 1), identically for both peers, so p99 measures
# the server rather than three processes fighting over two cores.
pin_srv=(); pin_wrk=(); workers=auto
if [ "${PIN:-0}" = 1 ]; then
  command -v taskset >/dev/null || { echo "bench_web: PIN=1 needs taskset (util-linux)" >&2; exit 1; }
  pin_srv=(taskset -c 1); pin_wrk=(taskset -c 0); threads=1; workers=1
fi
conns=64
for t in wrk nginx curl; do
  command -v "$t" >/dev/null || [ -x "/usr/sbin/$t" ] || { echo "bench_web: $t is missing (apt-get install -y wrk nginx-light curl)" >&2; exit 1; }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

cargo build --release -q
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

./target/release/greenlight --db "$tmp/bench.db" --quiet import "$data" >/dev/null
port=$(free_port)
${pin_srv[@]+"${pin_srv[@]}"} ./target/release/greenlight --db "$tmp/bench.db" serve --addr "127.0.0.1:$port" 2>"$tmp/serve.log" &
pids+=($!)
base="http://127.0.0.1:$port"
for _ in $(seq 1 300); do curl -fsS -o /dev/null "$base/api/v1/openapi.json" 2>/dev/null && break; sleep 0.2; done

json_path=/api/v1/series/partner-track/status
page_path=/series/partner-track
mkdir -p "$tmp/www"
curl -fsS "$base$json_path" >"$tmp/www/status.json"
curl -fsS -o /dev/null "$base$page_path"   # warm the cache, as a running site would be

nport=$(free_port)
cat >"$tmp/nginx.conf" <<CONF
worker_processes $workers;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx-body;
  proxy_temp_path $tmp/nginx-proxy;
  fastcgi_temp_path $tmp/nginx-fastcgi;
  uwsgi_temp_path $tmp/nginx-uwsgi;
  scgi_temp_path $tmp/nginx-scgi;
  server {
    listen 127.0.0.1:$nport;
    root $tmp/www;
    location / { default_type application/json; }
  }
}
CONF
${pin_srv[@]+"${pin_srv[@]}"} "$nginx_bin" -p "$tmp" -c "$tmp/nginx.conf" &
pids+=($!)
for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$nport/status.json" 2>/dev/null && break; sleep 0.1; done

run() { # name url -> "rps p99_ms"
  local out
  out=$(${pin_wrk[@]+"${pin_wrk[@]}"} wrk -t"$threads" -c"$conns" -d"${secs}s" --latency "$2")
  echo "$out" >"$tmp/wrk-$1.txt"
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}' <<<"$out")
  echo "$rps $p99"
}
read -r n_rps n_p99 < <(run nginx "http://127.0.0.1:$nport/status.json")
read -r j_rps j_p99 < <(run json "$base$json_path")
read -r p_rps p_p99 < <(run page "$base$page_path")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", 100*a/b }'; }

echo
echo "wrk -t$threads -c$conns -d${secs}s --latency, PIN=${PIN:-0}, loopback, $(nproc) cores ($(uname -m)), $(date -u +%Y-%m-%d)"
echo
echo "| target | requests/s | p99 (ms) | vs nginx |"
echo "|---|---:|---:|---:|"
echo "| nginx, static \`status.json\` ($(wc -c <"$tmp/www/status.json") bytes) | $n_rps | $n_p99 | 100% |"
echo "| greenlight \`GET $json_path\` | $j_rps | $j_p99 | $(ratio "$j_rps" "$n_rps") |"
echo "| greenlight \`GET $page_path\` (HTML) | $p_rps | $p_p99 | $(ratio "$p_rps" "$n_rps") |"
