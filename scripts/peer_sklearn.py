#!/usr/bin/env python3
"""The scikit-learn peer for greenlight's renewal model (issue 5, item 6).

Trains scikit-learn's GradientBoostingClassifier on exactly the features, labels and time split
that `greenlight backtest --export-features PATH` wrote, and prints its test AUC and Brier score
as JSON. With `--rust BACKTEST_JSON` (the output of `greenlight backtest --json`), it prints the
Rust model, its baselines and the peer side by side, so CI shows one comparison.

    greenlight backtest --json --export-features /tmp/features.csv > /tmp/backtest.json
    python3 scripts/peer_sklearn.py /tmp/features.csv --rust /tmp/backtest.json

Needs `pip install scikit-learn`. The classifier runs with scikit-learn's defaults (100 trees,
depth 3, learning rate 0.1) and a fixed random_state, so the numbers are reproducible; it is the
peer, not a tuned competitor.
"""

import argparse
import csv
import json
import sys

META = ["slug", "series", "season", "premiere", "decided_on", "split", "label"]


def load(path):
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        features = [c for c in reader.fieldnames or [] if c not in META]
        rows = list(reader)
    if not rows or not features:
        sys.exit(f"{path}: no rows or no feature columns")
    split = {"train": ([], []), "test": ([], [])}
    for r in rows:
        if r["split"] not in split:
            sys.exit(f"{path}: unknown split {r['split']!r}")
        x, y = split[r["split"]]
        x.append([float(r[c]) for c in features])
        y.append(int(r["label"]))
    return features, split


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("features_csv")
    ap.add_argument("--rust", help="greenlight backtest --json output, to print side by side")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

    features, split = load(args.features_csv)
    (xtr, ytr), (xte, yte) = split["train"], split["test"]
    if len(set(ytr)) < 2 or len(set(yte)) < 2:
        sys.exit("both splits need both outcomes")
    clf = GradientBoostingClassifier(random_state=args.seed)
    clf.fit(xtr, ytr)
    p = [float(v) for v in clf.predict_proba(xte)[:, 1]]
    peer = {
        "name": "sklearn GradientBoostingClassifier (defaults)",
        "auc": roc_auc_score(yte, p),
        "brier": brier_score_loss(yte, p),
        "log_loss": log_loss(yte, p, labels=[0, 1]),
        "train": len(ytr),
        "test": len(yte),
        "features": len(features),
    }
    out = {"peer": peer}
    if args.rust:
        with open(args.rust, encoding="utf-8") as f:
            rust = json.load(f)
        table = [rust["model"], *rust.get("baselines", []), peer]
        out["side_by_side"] = [
            {"name": t["name"], "auc": t.get("auc"), "brier": t.get("brier")} for t in table
        ]
        model = rust["model"]
        out["model_matches_or_beats_peer"] = bool(
            (model.get("auc") or 0) >= peer["auc"] and model["brier"] <= peer["brier"]
        )
        if rust.get("split", {}).get("test") != len(yte):
            out["warning"] = "the backtest JSON and the features CSV disagree on the test set size"
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
