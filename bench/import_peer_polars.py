#!/usr/bin/env python3
"""The polars peer for `greenlight import`, beside the pandas one (import_peer.py): polars reads
the same files (`pl.read_csv` for the TSV/CSV files, `pl.read_excel(engine="calamine")` for the
workbooks, calamine being the Rust XLSX reader) and writes the same tables and rows into SQLite
in one transaction. Like the pandas peer it does strictly less than greenlight (no validation
beyond parsing, no title resolution, no indexes), so the comparison favours the peer.

usage: import_peer_polars.py DATA_DIR DB_PATH
"""
import glob
import os
import sqlite3
import sys

import polars as pl


def engagement(path):
    """Every sheet of a What We Watched workbook, header row found by its 'Title' cell."""
    frames = []
    # Every sheet, no header row (the title block comes first) and every cell as text: the
    # sheets mix a title block with numbers, so no column has one type until the header is cut.
    sheets = pl.read_excel(
        path,
        sheet_id=0,
        engine="calamine",
        has_header=False,
        infer_schema_length=0,
    )
    for sheet, raw in sheets.items():
        rows = raw.rows()
        header_row = next(
            i for i, row in enumerate(rows) if "Title" in row and "Hours Viewed" in row
        )
        names = [str(c) for c in rows[header_row]]
        keep = [i for i, n in enumerate(names) if n not in ("None", "")]
        df = raw.slice(header_row + 1).select(
            [pl.col(raw.columns[i]).alias(names[i]) for i in keep]
        )
        df = df.filter(pl.col("Title").is_not_null())
        df = df.with_columns(pl.lit(sheet).alias("sheet"), pl.lit(os.path.basename(path)).alias("file"))
        frames.append(df)
    return pl.concat(frames, how="diagonal")


def write(con, name, df):
    """One table per file, as pandas' `to_sql(if_exists="replace")` makes it."""
    table = name.replace(".", "_").replace("-", "_")
    cols = ", ".join(f'"{c}"' for c in df.columns)
    con.execute(f'DROP TABLE IF EXISTS "{table}"')
    con.execute(f'CREATE TABLE "{table}" ({cols})')
    marks = ", ".join("?" for _ in df.columns)
    con.executemany(f'INSERT INTO "{table}" VALUES ({marks})', df.iter_rows())


def main(data, db):
    if os.path.exists(db):
        os.remove(db)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    tables = {}
    # The whole file for type inference (pandas infers from every row too), quotes as pandas
    # reads them, and empty fields kept as empty strings as the pandas peer's
    # keep_default_na=False does.
    for path in sorted(glob.glob(os.path.join(data, "**", "*.tsv"), recursive=True)):
        tables[os.path.basename(path)] = pl.read_csv(
            path, separator="\t", infer_schema_length=None, empty_string_is_null=False
        )
    for path in sorted(glob.glob(os.path.join(data, "**", "*.csv"), recursive=True)):
        tables[os.path.basename(path)] = pl.read_csv(
            path, infer_schema_length=None, empty_string_is_null=False
        )
    eng = [engagement(p) for p in sorted(glob.glob(os.path.join(data, "**", "*.xlsx"), recursive=True))]
    tables["engagement"] = pl.concat(eng, how="diagonal")
    with con:
        for name, df in tables.items():
            write(con, name, df)
    rows = sum(df.height for df in tables.values())
    con.close()
    print(f"peer: {rows} rows into {db}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
