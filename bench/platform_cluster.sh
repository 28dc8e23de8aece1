#!/usr/bin/env bash
# Platform metrics on one node vs a loopback Ballista cluster (issue 17 step 4): AVS and every
# exact metric for every title over 28-day launch windows on the same synthetic Parquet logs,
# run interleaved (single, cluster, single, cluster ...), ROUNDS times each. The cluster is a
# scheduler and two executors (one task slot each: the machine's 2 cores) started by this script
# on 127.0.0.1, and stopped at the end. The cluster's rows must equal the single node's exactly
# (byte-identical output file) or the script fails. Wall time and peak RSS from GNU time (for the
# cluster run that is the client only; the executors' peak RSS is read from /proc at the end).
# usage: bash bench/platform_cluster.sh [EVENTS] [ROUNDS]   (from the repository root)
#   PROFILE=dev uses the dev build (dependencies at opt-level 2) instead of a release build.
set -euo pipefail
events=${1:-10000000}
rounds=${2:-1}
profile=${PROFILE:-release}
data=$(cd ../shared/data 2>/dev/null && pwd || echo /work/shared/data)
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
if [ "$profile" = release ]; then
  nice -n 19 cargo build --release -q -p greenlight-platform --features cluster --example platform_bench
  bin=target/release/examples/platform_bench
else
  nice -n 19 cargo build -q -p greenlight-platform --features cluster --example platform_bench
  bin=target/debug/examples/platform_bench
fi
dir=target/bench-platform/$events
out=target/bench-platform/cluster-out-$events
mkdir -p "$out"
fmt="peak RSS %M KiB, wall %e s, user %U s, sys %S s"
echo "events=$events rounds=$rounds profile=$profile load: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ ! -f "$dir/members.parquet" ]; then
  rm -rf "$dir"
  echo "--- synth"
  /usr/bin/time -f "synth: $fmt" "$bin" synth "$events" 17 "$dir" "$data"
fi
echo "data: $(du -sm "$dir" | cut -f1) MiB"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Bounded wait for a listening port (about 30 s).
wait_port() { for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "nothing listens on $1" >&2; return 1; }
sp=$(free_port); e1=$(free_port); e2=$(free_port)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
"$bin" scheduler "127.0.0.1:$sp" 2>"$out/scheduler.log" & pids+=($!)
wait_port "$sp"
"$bin" executor "127.0.0.1:$sp" "127.0.0.1:$e1" 1 2>"$out/executor1.log" & pids+=($!)
"$bin" executor "127.0.0.1:$sp" "127.0.0.1:$e2" 1 2>"$out/executor2.log" & pids+=($!)
wait_port "$e1"; wait_port "$e2"
for r in $(seq 1 "$rounds"); do
  echo "--- round $r"
  PLATFORM_CLUSTER= /usr/bin/time -f "single node: $fmt" "$bin" metrics "$dir" 28 "$out/single.parquet"
  PLATFORM_CLUSTER="df://127.0.0.1:$sp" /usr/bin/time -f "cluster (2 executors): $fmt" \
    "$bin" metrics "$dir" 28 "$out/cluster.parquet"
  cmp "$out/single.parquet" "$out/cluster.parquet" || { echo "FAIL: the cluster's rows differ"; exit 1; }
  echo "same rows: yes"
done
for i in 1 2; do
  p=${pids[$i]}
  echo "executor $i peak RSS: $(grep VmHWM /proc/$p/status | tr -s ' ' | cut -d' ' -f2-)"
done
