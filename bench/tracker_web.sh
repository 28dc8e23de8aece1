#!/usr/bin/env bash
# /tracker benchmark (issue 13): the scorecard page served by greenlight (release build, the
# real store) beside nginx serving the same bytes from a file, on loopback, in one run: wrk's
# requests/s (the ratio greenlight/nginx; target >= 50%) and p99 latency (target < 10 ms) for
# each. greenlight serves the page from its response cache keyed by the store's stamp (the
# ETag's); the first request renders it (report::list over every TV series) and is timed
# apart. Also timed: a conditional GET (If-None-Match) answered 304 by greenlight.
# STORE=path: start from a copy of that store instead of importing (e.g. one whose odds are
# already kept; the first list after an import trains the model and takes minutes on a loaded machine).
# usage: [STORE=g.db] [DURATION=10s] [CONNECTIONS=8] [THREADS=2] bash bench/tracker_web.sh   (from the repo root;
#   needs nginx and wrk: apt-get install -y nginx wrk)
set -euo pipefail
dur=${DURATION:-10s}
conns=${CONNECTIONS:-8}
threads=${THREADS:-2}
data=$(cd ../shared/data 2>/dev/null && pwd || echo /work/shared/data)
cargo build --release -q -p greenlight --bin greenlight
bin=./target/release/greenlight
tmp=$(mktemp -d)
gl_pid=""; ng_pid=""
cleanup() {
  [ -n "$gl_pid" ] && kill "$gl_pid" 2>/dev/null || true
  [ -n "$ng_pid" ] && kill "$ng_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
if [ -n "${STORE:-}" ]; then
  sqlite3 "$STORE" "VACUUM INTO '$tmp/g.db'"
else
  "$bin" --db "$tmp/g.db" --quiet import "$data" > /dev/null
fi
gl_port=$(free_port)
"$bin" --db "$tmp/g.db" serve --addr "127.0.0.1:$gl_port" 2> "$tmp/serve.log" &
gl_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$gl_port/api/v1/openapi.json" -o /dev/null && break; sleep 0.1; done
# The odds trained and kept before the page is asked for (the page's first render must fit the
# 30 s request timeout; training the model is the slow part, and it is kept in the store).
t0=$(date +%s%N); "$bin" --db "$tmp/g.db" list --json > /dev/null; t1=$(date +%s%N)
echo "greenlight list --json, first after import (trains and keeps the odds): $(( (t1 - t0) / 1000000 )) ms"
t0=$(date +%s%N)
curl -sf "http://127.0.0.1:$gl_port/tracker" -o "$tmp/tracker.html" -D "$tmp/headers"
t1=$(date +%s%N)
echo "/tracker first request (renders, then cached): $(( (t1 - t0) / 1000000 )) ms"
curl -sf "http://127.0.0.1:$gl_port/tracker" -o "$tmp/tracker2.html"
cmp -s "$tmp/tracker.html" "$tmp/tracker2.html" || { echo "the page changed between two requests"; exit 1; }
etag=$(grep -i '^etag:' "$tmp/headers" | cut -d' ' -f2 | tr -d '\r')
bytes=$(wc -c < "$tmp/tracker.html")
rows=$(grep -o '<tr data-slug=' "$tmp/tracker.html" | wc -l)
echo "page: $bytes bytes, $rows series rows; load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"

mkdir -p "$tmp/www" "$tmp/ng"
# nginx's workers run as nobody: they must be able to read the page.
chmod 755 "$tmp" "$tmp/www"
cp "$tmp/tracker.html" "$tmp/www/tracker"; chmod 644 "$tmp/www/tracker"
ng_port=$(free_port)
cat > "$tmp/ng/nginx.conf" <<CONF
worker_processes auto;
pid $tmp/ng/nginx.pid;
error_log $tmp/ng/error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on; tcp_nopush on; keepalive_requests 1000000;
  client_body_temp_path $tmp/ng; proxy_temp_path $tmp/ng; fastcgi_temp_path $tmp/ng;
  uwsgi_temp_path $tmp/ng; scgi_temp_path $tmp/ng;
  server {
    listen 127.0.0.1:$ng_port;
    location = /tracker { root $tmp/www; default_type "text/html; charset=utf-8"; }
  }
}
CONF
nginx -c "$tmp/ng/nginx.conf" &
ng_pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$ng_port/tracker" -o "$tmp/ng.html" && break; sleep 0.1; done
cmp -s "$tmp/tracker.html" "$tmp/ng.html" || { echo "nginx does not serve the same bytes"; cat "$tmp/ng/error.log"; exit 1; }

# requests/s and p99 (ms) of one wrk run against URL ($1), extra wrk args after it
measure() {
  local url=$1; shift
  wrk -t"$threads" -c"$conns" -d"$dur" --latency "$@" "$url" > "$tmp/wrk.out"
  local rps p99
  rps=$(awk '/^Requests\/sec/ {print $2}' "$tmp/wrk.out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$tmp/wrk.out")
  echo "$rps $p99"
}
echo "wrk -t$threads -c$conns -d$dur, alternating (nginx, greenlight) twice:"
for round in 1 2; do
  read -r ng_rps ng_p99 < <(measure "http://127.0.0.1:$ng_port/tracker")
  read -r gl_rps gl_p99 < <(measure "http://127.0.0.1:$gl_port/tracker")
  ratio=$(awk -v a="$gl_rps" -v b="$ng_rps" 'BEGIN { printf "%.0f%%", 100 * a / b }')
  echo "round $round: nginx $ng_rps req/s p99 ${ng_p99} ms | greenlight $gl_rps req/s p99 ${gl_p99} ms | greenlight/nginx $ratio"
done
read -r c_rps c_p99 < <(measure "http://127.0.0.1:$gl_port/tracker" -H "If-None-Match: $etag")
echo "greenlight conditional GET (304 by ETag): $c_rps req/s p99 ${c_p99} ms"
