#!/usr/bin/env bash
# /tracker benchmark (issue 13): the scorecard's summary (/tracker) and a group page
# (/tracker/awaiting, its first 100 rows) served by greenlight (release build, the real store)
# beside nginx serving the same bytes from files (the plain page, and greenlight's own gzip copy
# through gzip_static), on loopback, in one run: wrk's requests/s (the ratio greenlight/nginx;
# target >= 50%) and p99 latency (target < 10 ms), with `Accept-Encoding: gzip` and without.
# The rounds are interleaved (nginx, greenlight; then greenlight, nginx) so a change of the
# machine's load falls on both. greenlight serves each page from its response cache keyed by the
# store's stamp (the ETag's), with the gzip copy compressed once beside it; the first request
# reads the kept board and renders, and is timed apart. Also timed: a conditional GET
# (If-None-Match, the gzip copy's tag) answered 304 by greenlight.
# nginx: sendfile with tcp_nopush off (with it on, a 62 KB body waited out a 40 ms delayed ACK
# at p99, an artifact of the setting, not of serving).
# STORE=path: start from a copy of that store instead of importing (e.g. one whose odds are
# already kept; the first list after an import trains the model and takes minutes on a loaded machine).
# usage: [STORE=g.db] [DURATION=10s] [CONNECTIONS=8] [THREADS=2] [ROUNDS=2] bash bench/tracker_web.sh
#   (from the repo root; needs nginx and wrk: apt-get install -y nginx wrk)
set -euo pipefail
dur=${DURATION:-10s}
conns=${CONNECTIONS:-8}
threads=${THREADS:-2}
rounds=${ROUNDS:-2}
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
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
if [ -n "${STORE:-}" ]; then
  sqlite3 "$STORE" "VACUUM INTO '$tmp/g.db'"
else
  "$bin" --db "$tmp/g.db" --quiet import "$data" > /dev/null
fi
gl_port=$(free_port)
"$bin" --db "$tmp/g.db" serve --addr "127.0.0.1:$gl_port" 2> "$tmp/serve.log" &
gl_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$gl_port/api/v1/openapi.json" -o /dev/null && break; sleep 0.1; done
# The odds trained and the board kept before the pages are asked for (training the model is
# the slow part, and it is kept in the store; so is the board).
t0=$(date +%s%N); "$bin" --db "$tmp/g.db" list --json > /dev/null
echo "greenlight list --json, first (trains and keeps the odds, keeps the board): $(ms_since "$t0") ms"

gl=http://127.0.0.1:$gl_port
pages=("summary /tracker" "group /tracker/awaiting")
mkdir -p "$tmp/www" "$tmp/ng"
for p in "${pages[@]}"; do
  read -r name path <<< "$p"
  t0=$(date +%s%N)
  curl -sf "$gl$path" -o "$tmp/$name.html" -D "$tmp/$name.headers"
  echo "$path first request (reads the kept board, renders, gzips, caches): $(ms_since "$t0") ms"
  curl -sf "$gl$path" -o "$tmp/$name.again"
  cmp -s "$tmp/$name.html" "$tmp/$name.again" || { echo "$path changed between two requests"; exit 1; }
  curl -sf -H 'Accept-Encoding: gzip' "$gl$path" -o "$tmp/$name.html.gz" -D "$tmp/$name.gz.headers"
  grep -qi '^content-encoding: gzip' "$tmp/$name.gz.headers" || { echo "$path: no gzip copy"; exit 1; }
  gunzip -c "$tmp/$name.html.gz" | cmp -s - "$tmp/$name.html" || { echo "$path: the gzip copy is not the page"; exit 1; }
  rows=$(grep -o '<tr data-slug=' "$tmp/$name.html" | wc -l)
  echo "$path: $(wc -c < "$tmp/$name.html") bytes plain, $(wc -c < "$tmp/$name.html.gz") gzip, $rows series rows"
  cp "$tmp/$name.html" "$tmp/$name.html.gz" "$tmp/www/"
done
gz_etag=$(grep -i '^etag:' "$tmp/summary.gz.headers" | cut -d' ' -f2 | tr -d '\r')
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"

# nginx's workers run as nobody: they must be able to read the pages.
chmod 755 "$tmp" "$tmp/www"; chmod 644 "$tmp/www/"*
ng_port=$(free_port)
ng=http://127.0.0.1:$ng_port
cat > "$tmp/ng/nginx.conf" <<CONF
worker_processes auto;
pid $tmp/ng/nginx.pid;
error_log $tmp/ng/error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on; tcp_nopush off; tcp_nodelay on; keepalive_requests 1000000;
  types {}
  default_type "text/html; charset=utf-8";
  gzip off; gzip_static on; gzip_vary on;
  client_body_temp_path $tmp/ng; proxy_temp_path $tmp/ng; fastcgi_temp_path $tmp/ng;
  uwsgi_temp_path $tmp/ng; scgi_temp_path $tmp/ng;
  server {
    listen 127.0.0.1:$ng_port;
    location = /tracker { alias $tmp/www/summary.html; }
    location = /tracker/awaiting { alias $tmp/www/group.html; }
  }
}
CONF
nginx -c "$tmp/ng/nginx.conf" &
ng_pid=$!
for _ in $(seq 50); do curl -sf "$ng/tracker" -o /dev/null && break; sleep 0.1; done
for p in "${pages[@]}"; do
  read -r name path <<< "$p"
  curl -sf "$ng$path" -o "$tmp/ng.plain"
  curl -sf -H 'Accept-Encoding: gzip' "$ng$path" -o "$tmp/ng.gz"
  cmp -s "$tmp/$name.html" "$tmp/ng.plain" && cmp -s "$tmp/$name.html.gz" "$tmp/ng.gz" \
    || { echo "nginx does not serve the same bytes for $path"; cat "$tmp/ng/error.log"; exit 1; }
done

# requests/s and p99 (ms) of one wrk run against URL ($1), extra wrk args after it
measure() {
  local url=$1; shift
  wrk -t"$threads" -c"$conns" -d"$dur" --latency "$@" "$url" > "$tmp/wrk.out"
  local rps p99
  rps=$(awk '/^Requests\/sec/ {print $2}' "$tmp/wrk.out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f", v}' "$tmp/wrk.out")
  echo "$rps $p99"
}
echo "wrk -t$threads -c$conns -d$dur, $rounds rounds, each page and encoding nginx and greenlight back to back (order swapped every round):"
echo "| round | page | encoding | nginx req/s | nginx p99 ms | greenlight req/s | greenlight p99 ms | greenlight/nginx |"
echo "|---|---|---|---:|---:|---:|---:|---:|"
for round in $(seq "$rounds"); do
  for p in "${pages[@]}"; do
    read -r name path <<< "$p"
    for enc in identity gzip; do
      args=()
      [ "$enc" = gzip ] && args=(-H 'Accept-Encoding: gzip')
      if [ $((round % 2)) = 1 ]; then
        read -r ng_rps ng_p99 < <(measure "$ng$path" "${args[@]}")
        read -r gl_rps gl_p99 < <(measure "$gl$path" "${args[@]}")
      else
        read -r gl_rps gl_p99 < <(measure "$gl$path" "${args[@]}")
        read -r ng_rps ng_p99 < <(measure "$ng$path" "${args[@]}")
      fi
      ratio=$(awk -v a="$gl_rps" -v b="$ng_rps" 'BEGIN { printf "%.0f%%", 100 * a / b }')
      echo "| $round | $name ($path) | $enc | $ng_rps | $ng_p99 | $gl_rps | $gl_p99 | **$ratio** |"
      echo "$name $enc $ng_rps $ng_p99 $gl_rps $gl_p99" >> "$tmp/results"
    done
  done
done
# Per page and encoding over the rounds: the median ratio, the median and the worst p99 of each.
echo "medians over $rounds rounds (worst p99 in brackets):"
echo "| page | encoding | greenlight/nginx | nginx p99 ms | greenlight p99 ms |"
echo "|---|---|---:|---:|---:|"
python3 - "$tmp/results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, enc, nr, np99, gr, gp99 = line.split()
    rows.setdefault((name, enc), []).append((float(nr), float(np99), float(gr), float(gp99)))
for (name, enc), v in rows.items():
    ratio = statistics.median(g / n for n, _, g, _ in v)
    print(f"| {name} | {enc} | **{ratio:.0%}** | {statistics.median(x[1] for x in v):.2f} ({max(x[1] for x in v):.2f}) "
          f"| {statistics.median(x[3] for x in v):.2f} ({max(x[3] for x in v):.2f}) |")
PY
read -r c_rps c_p99 < <(measure "$gl/tracker" -H 'Accept-Encoding: gzip' -H "If-None-Match: $gz_etag")
echo "greenlight conditional GET of /tracker (304 by the gzip copy's ETag): $c_rps req/s p99 ${c_p99} ms"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
