#!/usr/bin/env python3
"""CI check of the exact platform metrics chain (issue 17): a file written by
`greenlight platform metrics ... --out NAME.greenlight.csv` (the DataFusion build) and imported by
the default binary is shown by `greenlight show SLUG --json` row for row, every field equal.

    python3 scripts/check_exact_import.py GREENLIGHT_BIN DB FILE.greenlight.csv
    python3 scripts/check_exact_import.py --known DB FILE.greenlight.csv OUT.greenlight.csv

`--known` writes to OUT the file's provenance, header and the rows whose series slug the store
at DB has (read with Python's sqlite3), and prints how many rows and which slugs it left out:
synthetic logs name each chart instalment by its own slug (`money-heist-part-5`), which no series
of the store has, and the import refuses a file with such a row whole (CI checks that too).

It reads the file with Python's own csv module (the `#` provenance lines skipped), independently
of greenlight's reader, runs `show --json` once per series the file names, and fails (exit 1)
naming the series, window and column of the first difference, or a row not shown, or a shown
window the file does not have. Prints how many rows and series it compared.
"""

import csv
import json
import subprocess
import sys


def known(db: str, path: str, out: str) -> int:
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        slugs = {r[0] for r in conn.execute("SELECT slug FROM series")}
    with open(path, newline="", encoding="utf-8") as f:
        lines = f.read().splitlines()
    head, body = lines[:4], lines[4:]
    series_at = head[3].split(",").index("series")
    kept, left = [], set()
    for line in body:
        slug = next(csv.reader([line]))[series_at]
        if slug in slugs:
            kept.append(line)
        else:
            left.add(slug)
    with open(out, "w", newline="", encoding="utf-8") as f:
        f.write("\n".join(head + kept) + "\n")
    print(
        json.dumps(
            {
                "rows": len(body),
                "kept": len(kept),
                "left_out_series": sorted(left),
            }
        )
    )
    return 0 if kept else 1


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--known":
        return known(*sys.argv[2:])
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    exe, db, path = sys.argv[1:]
    with open(path, newline="", encoding="utf-8") as f:
        lines = f.read().splitlines()
    provenance = dict(
        line[2:].split(": ", 1) for line in lines[1:3] if line.startswith("# ")
    )
    rows = list(csv.DictReader(lines[3:]))
    if not rows:
        print(f"{path}: no rows to check", file=sys.stderr)
        return 1
    by_series: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_series.setdefault(r["series"], []).append(r)
    for slug, want in by_series.items():
        out = subprocess.run(
            [exe, "--db", db, "--quiet", "show", slug, "--json"],
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            print(f"show {slug}: exit {out.returncode}: {out.stderr}", file=sys.stderr)
            return 1
        section = json.loads(out.stdout).get("exact_platform_metrics")
        if section is None:
            print(f"show {slug}: no exact_platform_metrics section", file=sys.stderr)
            return 1
        shown = {(str(w["season"]), w["window"]): w for w in section["windows"]}
        if len(shown) != len(want):
            print(
                f"show {slug}: {len(shown)} windows shown, the file has {len(want)}",
                file=sys.stderr,
            )
            return 1
        for r in want:
            w = shown.get((r["season"], r["window"]))
            if w is None:
                print(f"show {slug}: season {r['season']} {r['window']} not shown", file=sys.stderr)
                return 1
            for column, field in r.items():
                if column == "series":
                    continue
                got = w[column]
                got = "" if got is None else str(got)
                if got != field:
                    print(
                        f"show {slug} season {r['season']} {r['window']}, column {column}: "
                        f"shown {got!r}, the file says {field!r}",
                        file=sys.stderr,
                    )
                    return 1
            p = w["provenance"]
            if p["publisher"] != provenance.get("publisher") or p["generated"] != provenance.get(
                "generated"
            ):
                print(f"show {slug}: provenance {p} is not the file's {provenance}", file=sys.stderr)
                return 1
    print(
        json.dumps(
            {"file": path, "rows": len(rows), "series": len(by_series), "all_equal": True}
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
