#!/usr/bin/env bash
# Refresh benchmark (issue 13): interleaved A/B of two release binaries on the refresh of all
# derived state (the kept board, the kept odds, the cut-offs' models, the "when" curves), in one
# run, so both see the same machine load. Each round runs A then B, or B then A (alternating),
# on fresh copies of the same inputs:
#   1. full: a store whose board is kept (listed once over the starter catalog) imports
#      ../shared/data; the import's refresh derives every row and trains the models;
#   2. claim: `claim add` of a trailer claim (not an announcement) on an awaiting series;
#   3. announcement: `claim add` of a renewal of the next season of the first awaiting series
#      with odds that the ledger already has announcements about (published today);
#   4. announcement moving a label: the same for the last awaiting series with odds by slug
#      (its earlier season trains the models: the labels and the "when" curves move).
# Each binary's base store for 2-4 is its own full import and list (the boards' formats differ);
# every run copies it. Wall time of the whole command (date +%s%N around it) and the refresh
# line GREENLIGHT_TIMING prints ("kept statuses refreshed: N derived ... in T").
# usage: A=path/to/main/greenlight B=path/to/this/greenlight [RUNS=n] bash bench/refresh_ab.sh
set -euo pipefail
runs=${RUNS:-5}
data=$(cd ../shared/data 2>/dev/null && pwd || echo /work/shared/data)
: "${A:?A=main's release binary}"
: "${B:?B=this checkout's release binary}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
today=$(date -u +%F)

echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $runs rounds"

# the refresh line's seconds and derived count, from stderr file $1: "<ms> ms (<n> derived)"
refresh_of() {
  sed -n 's/.*kept statuses refreshed: \([0-9]*\) derived.* in \(.*\)$/\2 \1/p' "$1" | tail -1 |
    awk '{ t = $1; ms = t; if (t ~ /ms$/) { sub(/ms$/, "", ms) } else if (t ~ /µs$/) { sub(/µs$/, "", ms); ms /= 1000 } else { sub(/s$/, "", ms); ms *= 1000 } printf "%d %d", ms, $2 }'
}
# wall ms of "$@" with stderr to $err
timed() {
  local t0 t1
  t0=$(date +%s%N)
  GREENLIGHT_TIMING=1 "$@" > /dev/null 2> "$err"
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}

# base stores: each binary's own full import, listed (board kept)
for x in A B; do
  bin=${!x}
  "$bin" --db "$tmp/base$x.db" --quiet import "$data" > /dev/null
  "$bin" --db "$tmp/base$x.db" list --json > "$tmp/list$x.json"
done
if cmp -s "$tmp/listA.json" "$tmp/listB.json"; then
  echo "list --json of the two base stores: byte-identical ($(wc -c < "$tmp/listA.json") bytes)"
else
  echo "list --json of the two base stores: DIFFERENT" >&2
fi
# the picks, from A's rows (identical to B's when the line above says so)
read -r s3 n3 s4 n4 < <(python3 - "$tmp/listA.json" "$tmp/baseA.db" <<'EOF'
import json, sqlite3, sys
rows = json.load(open(sys.argv[1]))
c = sqlite3.connect(sys.argv[2])
ledger = {r[0] for r in c.execute("SELECT DISTINCT series_slug FROM ledger_claims")}
aw = [r for r in rows if r["status"] == "awaiting_decision" and isinstance(r.get("odds"), dict)
      and "probability" in r["odds"]]
known = [r for r in aw if r["series"]["slug"] in ledger] or aw
last = max(aw, key=lambda r: r["series"]["slug"])
print(known[0]["series"]["slug"], known[0]["next_season"], last["series"]["slug"], last["next_season"])
EOF
)
echo "picks: claim/announcement on $s3 (season $n3); announcement moving a label on $s4 (season $n4)"

declare -A wall ref last_n
add() { wall[$1]+="$2 "; ref[$1]+="$3 "; }
err=$tmp/err
for r in $(seq "$runs"); do
  order="A B"; [ $((r % 2)) -eq 0 ] && order="B A"
  for x in $order; do
    bin=${!x}
    # 1. the full import's refresh
    rm -f "$tmp/f.db"*
    "$bin" --db "$tmp/f.db" list --json > /dev/null
    w=$(timed "$bin" --db "$tmp/f.db" --quiet import "$data"); read -r ms n < <(refresh_of "$err")
    add "full$x" "$w" "$ms"; last_n[full$x]=$n
    # 2. one claim, not an announcement
    cp "$tmp/base$x.db" "$tmp/c.db"; rm -f "$tmp/c.db-wal" "$tmp/c.db-shm"
    w=$(timed "$bin" --db "$tmp/c.db" --quiet claim add --kind trailer_released --series "$s3" \
      --season "$n3" --field "url=https://example.org/bench/$r" --event-date "$today" \
      --published "$today" --source-name bench --source-kind fan_site); read -r ms n < <(refresh_of "$err")
    add "claim$x" "$w" "$ms"; last_n[claim$x]=$n
    # 3. and 4. a renewal announced today
    for k in 3 4; do
      s=s$k; nn=n$k
      cp "$tmp/base$x.db" "$tmp/c.db"; rm -f "$tmp/c.db-wal" "$tmp/c.db-shm"
      w=$(timed "$bin" --db "$tmp/c.db" --quiet claim add --kind season_renewed --series "${!s}" \
        --season "${!nn}" --event-date "$today" --published "$today" --source-name bench \
        --source-kind trade_press --source-url "https://example.org/bench/renewal/$r"); read -r ms n < <(refresh_of "$err")
      add "ann$k$x" "$w" "$ms"; last_n[ann$k$x]=$n
    done
  done
done 2>&1
p50() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { printf "%d (min %d, max %d)", a[int((NR + 1) / 2)], a[1], a[NR] }'; }
echo
echo "| what | A: wall ms p50 | A: refresh ms p50 | A: rows derived | B: wall ms p50 | B: refresh ms p50 | B: rows derived |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for k in full claim ann3 ann4; do
  case $k in
    full) what="full import, board kept" ;;
    claim) what="claim add (trailer) on $s3" ;;
    ann3) what="claim add (renewal) on $s3" ;;
    ann4) what="claim add (renewal) on $s4, moving a label" ;;
  esac
  echo "| $what | $(echo "${wall[${k}A]}" | p50) | $(echo "${ref[${k}A]}" | p50) | ${last_n[${k}A]} | $(echo "${wall[${k}B]}" | p50) | $(echo "${ref[${k}B]}" | p50) | ${last_n[${k}B]} |"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
