#!/usr/bin/env bash
# Inputs that must be refused without being read (issue 14 item 6): a 2 GiB sparse file,
# /dev/zero and a FIFO with no writer, each imported into a fresh store by the binary given
# (default: the debug build), with GNU time's wall time and peak RSS. The FIFO runs under a 10 s
# timeout, since a reader that opens it blocks forever. Results: BENCHMARKS.md.
#
#   bash bench/limits.sh [path/to/greenlight]
set -u
BIN=${1:-target/debug/greenlight}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
"$BIN" --db "$DIR/empty.db" stats >/dev/null
truncate -s 2G "$DIR/sparse.tsv"
mkfifo "$DIR/fifo.tsv"
for input in "$DIR/sparse.tsv" /dev/zero "$DIR/fifo.tsv"; do
    cp "$DIR/empty.db" "$DIR/t.db"
    rm -f "$DIR/t.db-wal" "$DIR/t.db-shm"
    out=$( { /usr/bin/time -f "%e s, %M KB peak RSS" timeout 10 "$BIN" --db "$DIR/t.db" --quiet import "$input"; } 2>&1 )
    rc=$?
    echo "$(basename "$input"): exit $rc: $(echo "$out" | tail -1) | $(echo "$out" | grep -m1 'error' | cut -c1-160)"
done
