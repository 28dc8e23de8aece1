#!/usr/bin/env bash
# Platform metrics benchmark (issue 17): greenlight (DataFusion) beside DuckDB (Python package)
# on the same synthetic Parquet logs: AVS and every exact metric for every title over 28-day
# launch windows. Generates EVENTS events (timed), then runs the two engines interleaved,
# ROUNDS times each (A B A B ...), each with 2 threads; DuckDB's rows must equal greenlight's
# exactly or the script fails. Wall time and peak RSS from GNU time.
# usage: bash bench/platform.sh [EVENTS] [ROUNDS] [MEMORY_MIB]   (from the repository root)
#   PROFILE=dev uses the dev build (dependencies at opt-level 2) instead of a release build.
#   GL=PATH runs the `greenlight` binary at PATH (built with the `platform` feature, e.g. by
#   .ci/run's `cargo test --workspace --features greenlight-cli/platform --no-run`) instead of
#   building the example: the same library calls, without a build of DataFusion of its own.
#   PEER=0 skips DuckDB (the 1e9-event run, whose acceptance is greenlight's alone).
#   CGROUP_MIB=N (root, cgroup v1 memory controller) runs greenlight's metrics in a memory
#   cgroup capped at N MiB, so the limit is the kernel's (an excess is an OOM kill), not only the
#   engine's pool (MEMORY_MIB, which covers the operators' buffers, not the whole process); the
#   cgroup's peak usage and how often it hit the cap are printed after each round.
set -euo pipefail
events=${1:-10000000}
rounds=${2:-3}
mem=${3:-}
profile=${PROFILE:-release}
data=$(cd ../shared/data 2>/dev/null && pwd || echo /work/shared/data)
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
python3 -c 'import duckdb' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check duckdb
peer=${PEER:-1}
if [ -n "${GL:-}" ]; then
  bin=
elif [ "$profile" = release ]; then
  nice -n 19 cargo build --release -q -p greenlight-platform --example platform_bench
  bin=target/release/examples/platform_bench
else
  nice -n 19 cargo build -q -p greenlight-platform --example platform_bench
  bin=target/debug/examples/platform_bench
fi
dir=target/bench-platform/$events
out=target/bench-platform/out-$events
mkdir -p "$out"
# greenlight's two calls, whole: the example's positional form, or the CLI's flags (GL=...).
if [ -n "$bin" ]; then
  synth_cmd=("$bin" synth "$events" 17 "$dir" "$data")
  metrics_cmd=("$bin" metrics "$dir" 28 "$out/greenlight.parquet" $mem)
else
  synth_cmd=("$GL" --quiet platform synth --events "$events" --seed 17 --out "$dir" --data "$data")
  metrics_cmd=("$GL" --quiet platform metrics "$dir" --window 28 --out "$out/greenlight.parquet" ${mem:+--memory-mib "$mem"})
fi
fmt="peak RSS %M KiB, wall %e s, user %U s, sys %S s"
echo "events=$events rounds=$rounds greenlight=${GL:-example, $profile profile} memory_mib=${mem:-none} cgroup_mib=${CGROUP_MIB:-none} load: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ ! -f "$dir/members.parquet" ]; then
  rm -rf "$dir"
  echo "--- synth"
  /usr/bin/time -f "synth: $fmt" "${synth_cmd[@]}"
fi
echo "data: $(du -sm "$dir" | cut -f1) MiB"
cg=
if [ -n "${CGROUP_MIB:-}" ]; then
  cg=/sys/fs/cgroup/memory/greenlight-bench-$$
  mkdir "$cg" || { echo "CGROUP_MIB: cannot make $cg (root and cgroup v1's memory controller needed)" >&2; exit 1; }
  trap 'rmdir "$cg" 2>/dev/null || true' EXIT
  echo $((CGROUP_MIB << 20)) >"$cg/memory.limit_in_bytes"
  echo "cgroup $cg: memory.limit_in_bytes $(cat "$cg/memory.limit_in_bytes")"
fi
# Runs its arguments in the cgroup when there is one.
capped() {
  if [ -n "$cg" ]; then (echo "$BASHPID" >"$cg/cgroup.procs" && exec "$@"); else "$@"; fi
}
duck_mem=()
[ -n "$mem" ] && duck_mem=(--memory-limit "${mem}MB")
for r in $(seq 1 "$rounds"); do
  echo "--- round $r"
  capped /usr/bin/time -f "greenlight: $fmt" "${metrics_cmd[@]}"
  [ -n "$cg" ] && echo "cgroup: peak usage $(($(cat "$cg/memory.max_usage_in_bytes") >> 20)) MiB (page cache included), limit hit $(cat "$cg/memory.failcnt") times, OOM kills: $(awk '/^oom_kill /{print $2}' "$cg/memory.oom_control")"
  [ "$peer" = 0 ] && continue
  /usr/bin/time -f "duckdb: $fmt" python3 bench/platform_duckdb.py "$dir" 28 "$out/duckdb.parquet" \
    --check "$out/greenlight.parquet" --threads 2 "${duck_mem[@]}"
done
