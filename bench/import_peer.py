#!/usr/bin/env python3
"""The Python peer for `greenlight import`: pandas reads the same files and writes them into
SQLite in one transaction. It does strictly less than greenlight (no validation beyond parsing,
no title resolution, no indexes), so the comparison favours the peer.

usage: import_peer.py DATA_DIR DB_PATH
"""
import glob
import os
import sqlite3
import sys

import pandas as pd


def engagement(path):
    """Every sheet of a What We Watched workbook, header row found by its 'Title' cell."""
    frames = []
    for sheet, raw in pd.read_excel(path, sheet_name=None, header=None).items():
        header_row = next(i for i, row in raw.iterrows() if "Title" in row.values and "Hours Viewed" in row.values)
        df = raw.iloc[header_row + 1 :].copy()
        df.columns = [str(c) for c in raw.iloc[header_row].values]
        df = df[[c for c in df.columns if c != "nan"]].dropna(subset=["Title"])
        df["sheet"] = sheet
        df["file"] = os.path.basename(path)
        frames.append(df.astype(str))
    return pd.concat(frames)


def main(data, db):
    if os.path.exists(db):
        os.remove(db)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    tables = {}
    for path in sorted(glob.glob(os.path.join(data, "**", "*.tsv"), recursive=True)):
        tables[os.path.basename(path)] = pd.read_csv(path, sep="\t", keep_default_na=False)
    for path in sorted(glob.glob(os.path.join(data, "**", "*.csv"), recursive=True)):
        tables[os.path.basename(path)] = pd.read_csv(path, keep_default_na=False)
    eng = [engagement(p) for p in sorted(glob.glob(os.path.join(data, "**", "*.xlsx"), recursive=True))]
    tables["engagement"] = pd.concat(eng)
    with con:
        for name, df in tables.items():
            df.to_sql(name.replace(".", "_").replace("-", "_"), con, if_exists="replace", index=False)
    rows = sum(len(df) for df in tables.values())
    con.close()
    print(f"peer: {rows} rows into {db}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
