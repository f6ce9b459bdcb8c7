#!/usr/bin/python3
"""Expected performance for PerformanceIT, computed with scikit-learn (Debian's python3-sklearn) from the rows.

A binary model: will_buy (boolean prediction) and proba (its score); the actual `bought` is a nullable column of
the serving query that is still NULL for the last hours (actuals not arrived yet) and for a few other rows.
The boolean prediction disagrees with proba >= 0.5 on some rows: its label is the boolean, its score proba.
A training set with every actual calibrates CBPE.

Writes ../resources/performance/{serving,training}.csv and expected.json.
Run from this directory:  /usr/bin/python3 make_performance_expected.py
"""
import csv
import datetime as dt
import json
import os

import numpy as np
from sklearn.metrics import (accuracy_score, confusion_matrix, log_loss, precision_recall_fscore_support,
                             roc_auc_score)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "performance")
START = dt.datetime(2026, 3, 7, 0, 0, tzinfo=dt.timezone.utc)
HOURS = 48
UNLABELED_FROM = 40  # hours 40..47 have no actuals yet
rng = np.random.default_rng(20261125)


def rows_of(n, start, hours, unlabeled_from=None, first_id=1):
    rows = []
    for i in range(n):
        ts = start + dt.timedelta(seconds=int(rng.integers(0, hours * 3600)))
        proba = round(float(1 / (1 + np.exp(-rng.normal(0, 1.5)))), 4)
        will_buy = proba >= 0.5 if rng.random() > 0.06 else proba < 0.5
        bought = bool(rng.random() < proba ** 1.4)
        hour = int((ts - start).total_seconds() // 3600)
        if (unlabeled_from is not None and hour >= unlabeled_from) or rng.random() < 0.08:
            bought = None
        rows.append({"id": first_id + i, "ts": ts, "proba": proba, "will_buy": will_buy, "bought": bought})
    return rows


def metrics(rows, field):
    labeled = [r for r in rows if r["bought"] is not None]
    m = {"count": len(rows), "actuals_count": len(labeled), "actuals_ratio": len(labeled) / len(rows),
         "invalid_actual_count": 0}
    if not labeled:
        return m
    y = np.array([r["bought"] for r in labeled], dtype=int)
    s = np.array([r["proba"] for r in labeled])
    pred = np.array([r["will_buy"] for r in labeled], dtype=int) if field == "will_buy" else (s >= 0.5).astype(int)
    tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
    p, r, f, _ = precision_recall_fscore_support(y, pred, average="binary", zero_division=0)
    m.update({"tp_count": int(tp), "fp_count": int(fp), "tn_count": int(tn), "fn_count": int(fn),
              "accuracy": accuracy_score(y, pred), "precision": p, "recall": r, "f1": f,
              "specificity": tn / (tn + fp) if tn + fp else None, "fp_rate": fp / (tn + fp) if tn + fp else None,
              "positive_rate": float(pred.mean()),
              "auc_roc": roc_auc_score(y, s) if 0 < y.sum() < len(y) else None,
              "log_loss": log_loss(y, s, eps=1e-15, labels=[0, 1])})
    return m


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_csv(name, rows):
    with open(os.path.join(OUT, name), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "ts", "proba", "will_buy", "bought"])
        for r in rows:
            w.writerow([r["id"], r["ts"].isoformat(), r["proba"], "t" if r["will_buy"] else "f",
                        "\\N" if r["bought"] is None else ("t" if r["bought"] else "f")])


def main():
    serving = rows_of(2400, START, HOURS, UNLABELED_FROM)
    training = rows_of(3000, START - dt.timedelta(days=3), 24, None, first_id=100000)
    for r in training:
        if r["bought"] is None:
            r["bought"] = bool(rng.random() < r["proba"] ** 1.4)
    expected = []

    def add(granularity, start, end):
        window = [r for r in serving if start <= r["ts"] < end]
        for field in ("will_buy", "proba"):
            for metric, value in metrics(window, field).items():
                expected.append({"granularity": granularity, "window_start": iso(start), "window_end": iso(end),
                                 "field": field, "metric": metric, "value": value})

    for h in (0, 17, 39, 40, 47):
        s = START + dt.timedelta(hours=h)
        add("hour", s, s + dt.timedelta(hours=1))
    for d in range(2):
        s = START + dt.timedelta(days=d)
        add("day", s, s + dt.timedelta(days=1))
    add("all", START, START + dt.timedelta(hours=HOURS))
    os.makedirs(OUT, exist_ok=True)
    write_csv("serving.csv", serving)
    write_csv("training.csv", training)
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"start": iso(START), "hours": HOURS, "unlabeled_from": UNLABELED_FROM, "expected": expected},
                  f, indent=0)
    print("serving", len(serving), "training", len(training), "expected values", len(expected))


if __name__ == "__main__":
    main()
