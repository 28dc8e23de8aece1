#!/usr/bin/env python3
"""The scikit-learn peer for greenlight's renewal model (issue 5 item 6, issue 16 item 3).

Trains scikit-learn's GradientBoostingClassifier on exactly the features, labels and forward
chain that `greenlight backtest --export-features PATH` wrote: for every training cut-off of the
chain (the `cutoff` of the test rows), it trains on the rows decided by then (`decided_on <=
cutoff`, missing values imputed with those rows' medians, as the Rust models do) and predicts
that cut-off's test rows. It prints the pooled AUC and Brier score as JSON, with 95% bootstrap
intervals, and, paired on the same seasons, the Rust model's lead over the peer (the export
carries the Rust model's probability for every test row). With `--rust BACKTEST_JSON` (the
output of `greenlight backtest --json`), it also prints the Rust model, its baselines and the
peer side by side, so CI shows one comparison.

    greenlight backtest --json --export-features /tmp/features.csv > /tmp/backtest.json
    python3 scripts/peer_sklearn.py /tmp/features.csv --rust /tmp/backtest.json

Needs `pip install scikit-learn`. The classifier runs with scikit-learn's defaults (100 trees,
depth 3, learning rate 0.1) and a fixed random_state, so the numbers are reproducible; it is the
peer, not a tuned competitor.
"""

import argparse
import csv
import json
import random
import statistics
import sys

META = [
    "slug",
    "series",
    "season",
    "premiere",
    "decided_on",
    "split",
    "cutoff",
    "label",
    "label_source",
    "rust_probability",
]

RESAMPLES = 2000
SEED = 16


def load(path):
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in META if c not in (reader.fieldnames or [])]
        if missing:
            sys.exit(f"{path}: missing columns {missing} (an export from before issue 16?)")
        features = [c for c in reader.fieldnames or [] if c not in META]
        rows = list(reader)
    if not rows or not features:
        sys.exit(f"{path}: no rows or no feature columns")
    for r in rows:
        if r["split"] not in ("train", "test"):
            sys.exit(f"{path}: unknown split {r['split']!r}")
        r["x"] = [float(r[c]) if r[c] != "" else None for c in features]
        r["y"] = int(r["label"])
    return features, rows


def impute(train_x, xs):
    """Missing values -> the training rows' medians (0 where a column is all missing)."""
    cols = list(zip(*train_x)) if train_x else []
    med = []
    for col in cols:
        known = [v for v in col if v is not None]
        med.append(statistics.median(known) if known else 0.0)
    return [[med[j] if v is None else v for j, v in enumerate(x)] for x in xs]


def bootstrap(stat, n, seed=SEED):
    rng = random.Random(seed)
    values = []
    for _ in range(RESAMPLES):
        idx = [rng.randrange(n) for _ in range(n)]
        try:
            v = stat(idx)
        except ValueError:  # one class drawn
            continue
        values.append(v)
    values.sort()
    q = lambda f: values[round((len(values) - 1) * f)]
    return [q(0.025), q(0.975)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("features_csv")
    ap.add_argument("--rust", help="greenlight backtest --json output, to print side by side")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

    features, rows = load(args.features_csv)
    cutoffs = sorted({r["cutoff"] for r in rows if r["split"] == "test"})
    if not cutoffs:
        sys.exit("no test rows")
    y, p, rust_p, folds = [], [], [], []
    for cut in cutoffs:
        train = [r for r in rows if r["decided_on"] <= cut]
        test = [r for r in rows if r["split"] == "test" and r["cutoff"] == cut]
        ytr = [r["y"] for r in train]
        if len(set(ytr)) < 2:
            sys.exit(f"cut-off {cut}: the training rows need both outcomes")
        xtr = impute([r["x"] for r in train], [r["x"] for r in train])
        xte = impute([r["x"] for r in train], [r["x"] for r in test])
        clf = GradientBoostingClassifier(random_state=args.seed)
        clf.fit(xtr, ytr)
        fp = [float(v) for v in clf.predict_proba(xte)[:, 1]]
        p += fp
        y += [r["y"] for r in test]
        rust_p += [float(r["rust_probability"]) for r in test]
        folds.append({"cutoff": cut, "train": len(train), "test": len(test)})
    n = len(y)
    sub = lambda v, idx: [v[i] for i in idx]
    auc = lambda v, idx: roc_auc_score(sub(y, idx), sub(v, idx))
    brier = lambda v, idx: brier_score_loss(sub(y, idx), sub(v, idx))
    everything = list(range(n))
    peer = {
        "name": "sklearn GradientBoostingClassifier (defaults), per training cut-off",
        "auc": auc(p, everything),
        "auc_interval": bootstrap(lambda idx: auc(p, idx), n),
        "brier": brier(p, everything),
        "brier_interval": bootstrap(lambda idx: brier(p, idx), n),
        "log_loss": log_loss(y, p, labels=[0, 1]),
        "test": n,
        "folds": folds,
        "features": len(features),
    }
    out = {"peer": peer}
    # Paired on the same seasons: the Rust model (its probabilities from the export) minus the peer.
    out["rust_minus_peer"] = {
        "auc_difference": auc(rust_p, everything) - auc(p, everything),
        "auc_difference_interval": bootstrap(lambda idx: auc(rust_p, idx) - auc(p, idx), n),
        "brier_gain": brier(p, everything) - brier(rust_p, everything),
        "brier_gain_interval": bootstrap(lambda idx: brier(p, idx) - brier(rust_p, idx), n),
    }
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
        if rust.get("split", {}).get("test") != n:
            out["warning"] = "the backtest JSON and the features CSV disagree on the test set size"
        out["model_beats_every_baseline"] = bool(rust.get("beats_baselines"))
    json.dump(out, sys.stdout, indent=2)
    print()
    # Issue 16's acceptance, held in CI: on the pooled forward chain the model beats every
    # baseline and matches or beats the peer, on AUC and Brier both.
    if args.rust and not (out["model_matches_or_beats_peer"] and out["model_beats_every_baseline"]):
        sys.exit("the model does not beat every baseline and match or beat the peer (see above)")


if __name__ == "__main__":
    main()
