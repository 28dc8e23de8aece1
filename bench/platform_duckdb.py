#!/usr/bin/env python3
"""DuckDB peer for `greenlight platform` (issue 17): the same exact metrics in SQL, on the same
Parquet files, for launch windows of N days, with the default member weights (METRICS.md,
"Exact metrics from member-level logs"). Integer arithmetic only (BIGINT, HUGEINT, `//`); sums leave as BIGINT or DECIMAL(38, 0),
since DuckDB writes a HUGEINT to Parquet as a double.

    platform_duckdb.py DIR DAYS OUT.parquet [--check GREENLIGHT.parquet] [--memory-limit 4GB]

Writes DuckDB's rows to OUT.parquet and, with --check, exits 1 unless every row equals
greenlight's (same title-windows, same integers). Prints `seconds=<query wall time>`.
"""
import argparse
import sys
import time

import duckdb

# Weights::default(): price as is, every region 1.0, tenure 1.5 below 90 days, 1.2 below 365.
WEIGHT = """(m.price * 1000000 // 1000000
             * CASE WHEN (mw.r_from - m.j) < 90 THEN 1500000
                    WHEN (mw.r_from - m.j) < 365 THEN 1200000
                    ELSE 1000000 END // 1000000)"""


# Each member's window totals with the member's weight: the same in both plans.
MWW = """mww AS (
  SELECT mw.r_from, mw.member_id, mw.total, {WEIGHT} AS w
  FROM mw JOIN m ON m.member_id = mw.member_id),""".replace("{WEIGHT}", WEIGHT)

# The earlier plan (BENCHMARKS.md's runs before 2026-12-07 07:00 UTC): events summed to
# (member, day) and (member, title, day) first, then joined to the window days.
DAYS_PLAN = """md AS (SELECT member_id, day, SUM("seconds") AS sec FROM ev GROUP BY member_id, day),
mw AS (
  SELECT rd.r_from, md.member_id, SUM(md.sec) AS total
  FROM md JOIN range_days rd ON md.day = rd.day GROUP BY rd.r_from, md.member_id),
{MWW}
mtd AS (
  SELECT member_id, title_id, day, SUM("seconds") AS sec FROM ev GROUP BY member_id, title_id, day),
mt AS (
  SELECT td.r_from, mtd.title_id, mtd.member_id, SUM(mtd.sec) AS s
  FROM mtd JOIN title_days td ON td.title_id = mtd.title_id AND td.day = mtd.day
  GROUP BY td.r_from, mtd.title_id, mtd.member_id)""".replace("{MWW}", MWW)


def segments(days: int) -> str:
    """The windows cut into segments at every first day and every day after a last day:
    (day, segment) and (segment, window) tables, a segment named by its first day."""
    return f"""cuts AS (
  SELECT DISTINCT c FROM (SELECT r_from AS c FROM ranges UNION ALL SELECT r_from + {days} FROM ranges)),
segs AS (SELECT c AS s_from, LEAD(c) OVER (ORDER BY c) AS s_to FROM cuts),
covered AS (
  SELECT s_from, s_to FROM segs
  WHERE s_to IS NOT NULL
    AND EXISTS (SELECT 1 FROM ranges WHERE r_from <= s_from AND s_from < r_from + {days})),
day_seg AS (SELECT s_from AS seg, unnest(range(s_from, s_to)) AS day FROM covered),
seg_range AS (
  SELECT c.s_from AS seg, r.r_from FROM covered c JOIN ranges r
  ON c.s_from >= r.r_from AND c.s_to <= r.r_from + {days}),
"""


def member_and_title_sums(days: int) -> str:
    """greenlight's plan (crates/platform/src/metrics.rs): the windows cut into segments at every
    first day and every day after a last day; events summed to (member, segment), then into the
    windows holding each segment; events joined to their title's window days directly."""
    return segments(days) + f"""ms AS (
  SELECT ev.member_id, ds.seg, SUM(ev."seconds") AS sec
  FROM ev JOIN day_seg ds ON ev.day = ds.day GROUP BY ev.member_id, ds.seg),
mw AS (
  SELECT sr.r_from, ms.member_id, SUM(ms.sec) AS total
  FROM ms JOIN seg_range sr ON sr.seg = ms.seg GROUP BY sr.r_from, ms.member_id),
{{MWW}}
mt AS (
  SELECT td.r_from, ev.title_id, ev.member_id, SUM(ev."seconds") AS s
  FROM ev JOIN title_days td ON td.title_id = ev.title_id AND td.day = ev.day
  GROUP BY td.r_from, ev.title_id, ev.member_id)""".replace("{MWW}", MWW)


def packed_sums(days: int) -> str:
    """The segment plan with greenlight's packed keys (metrics.rs, `Keys`): every composite key
    one BIGINT, `member * 2^16 + day-or-segment` and `(member * 2^16 + range) * 2^16 + title`,
    exact while member ids are below 2^31, title ids below 2^16 (`main` checks both before
    running it) and day numbers below 2^16 (dates before 2149)."""
    return segments(days) + f"""ms AS (
  SELECT ev.member_id * 65536 + ds.seg AS k, SUM(ev."seconds") AS sec
  FROM ev JOIN day_seg ds ON ev.day = ds.day GROUP BY ALL),
mwk AS (
  SELECT (ms.k // 65536) * 65536 + sr.r_from AS k, SUM(ms.sec) AS total
  FROM ms JOIN seg_range sr ON sr.seg = ms.k % 65536 GROUP BY ALL),
mw AS (SELECT k % 65536 AS r_from, k // 65536 AS member_id, total FROM mwk),
{{MWW}}
mtk AS (
  SELECT (ev.member_id * 65536 + td.r_from) * 65536 + ev.title_id AS k, SUM(ev."seconds") AS s
  FROM ev JOIN title_days td ON td.title_id * 65536 + td.day = ev.title_id * 65536 + ev.day
  GROUP BY ALL),
mt AS (
  SELECT (k // 65536) % 65536 AS r_from, k % 65536 AS title_id, k // 4294967296 AS member_id, s
  FROM mtk)""".replace("{MWW}", MWW)


def query(d: str, days: int, plan: str = "segments") -> str:
    return f"""
WITH t AS (
  SELECT title_id, runtime_seconds, datediff('day', DATE '1970-01-01', launch) AS l
  FROM read_parquet('{d}/titles.parquet')),
m AS (
  SELECT member_id, monthly_price_micros AS price, datediff('day', DATE '1970-01-01', joined) AS j
  FROM read_parquet('{d}/members.parquet')),
ev AS (
  SELECT member_id, title_id, start // 86400 AS day, "seconds"
  FROM read_parquet('{d}/events/*.parquet')),
ranges AS (SELECT DISTINCT l AS r_from FROM t),
range_days AS (
  SELECT r_from, r_from + i AS day FROM ranges, range(0, {days}) AS g(i)),
title_days AS (
  SELECT title_id, l AS r_from, l + i AS day FROM t, range(0, {days}) AS g(i)),
{member_and_title_sums(days) if plan == "segments" else packed_sums(days) if plan == "packed" else DAYS_PLAN},
x AS (
  SELECT mt.r_from, mt.title_id, SUM(mt.s) AS "seconds", COUNT(*) AS viewers,
         SUM(CASE WHEN mt.s >= t.runtime_seconds THEN 1 ELSE 0 END) AS completers,
         SUM(CAST(mww.w AS HUGEINT) * CAST(mt.s * 1000000000 // mww.total AS HUGEINT)) AS avs
  FROM mt JOIN mww ON mww.r_from = mt.r_from AND mww.member_id = mt.member_id
          JOIN t ON t.title_id = mt.title_id
  GROUP BY mt.r_from, mt.title_id),
tot AS (
  SELECT r_from, SUM(total) AS window_seconds, SUM(CAST(w AS HUGEINT)) AS window_weight
  FROM mww GROUP BY r_from)
SELECT x.title_id, CAST(x."seconds" AS BIGINT) AS "seconds", x.viewers,
       CAST(x.completers AS BIGINT) AS completers, CAST(x.avs AS DECIMAL(38, 0)) AS avs,
       CAST(x.avs // tot.window_weight AS BIGINT) AS avs_share_nano,
       CAST(tot.window_seconds AS BIGINT) AS window_seconds,
       CAST(tot.window_weight AS DECIMAL(38, 0)) AS window_weight
FROM x JOIN tot ON tot.r_from = x.r_from
ORDER BY x.title_id
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("days", type=int)
    ap.add_argument("out")
    ap.add_argument("--check")
    ap.add_argument("--memory-limit")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--plan", choices=["segments", "packed", "days"], default="segments",
                    help="segments: greenlight's plan with plain keys (default); packed: with "
                         "greenlight's packed keys; days: the earlier plan")
    a = ap.parse_args()
    con = duckdb.connect()
    con.execute(f"SET threads = {a.threads}")
    if a.memory_limit:
        con.execute(f"SET memory_limit = '{a.memory_limit}'")
    if a.plan == "packed":
        lim = con.execute(
            f"SELECT (SELECT max(member_id) < 2147483648 AND min(member_id) >= 0 "
            f"FROM read_parquet('{a.dir}/members.parquet')) AND "
            f"(SELECT max(title_id) < 65536 AND min(title_id) >= 0 "
            f"FROM read_parquet('{a.dir}/titles.parquet'))").fetchone()[0]
        if not lim:
            print("--plan packed: member ids must be in 0..2^31 and title ids in 0..2^16",
                  file=sys.stderr)
            return 2
    t0 = time.perf_counter()
    con.execute(f"COPY ({query(a.dir, a.days, a.plan)}) TO '{a.out}' (FORMAT parquet)")
    print(f"seconds={time.perf_counter() - t0:.2f}", file=sys.stderr)
    if a.check:
        cols = "title_id, \"seconds\", viewers, completers, CAST(avs AS VARCHAR) AS avs, " \
               "avs_share_nano, window_seconds, CAST(window_weight AS VARCHAR) AS window_weight"
        ours = con.execute(
            f"SELECT {cols} FROM read_parquet('{a.check}') WHERE \"window\" = 'launch+{a.days}' "
            "ORDER BY title_id").fetchall()
        theirs = con.execute(
            f"SELECT {cols} FROM read_parquet('{a.out}') ORDER BY title_id").fetchall()
        if ours != theirs:
            diff = [(o, t) for o, t in zip(ours, theirs) if o != t][:5]
            print(f"MISMATCH: greenlight {len(ours)} rows, DuckDB {len(theirs)}; first: {diff}",
                  file=sys.stderr)
            return 1
        print(f"match: {len(ours)} title-windows equal exactly", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
