#!/usr/bin/python3
"""Expected performance for ActualsIT, computed with scikit-learn (Debian's python3-sklearn) from the rows.

A binary model (will_buy: boolean prediction, proba: its score) whose actuals live in a separate table,
ml.outcomes(prediction_id integer, labeled_at timestamptz, bought boolean), joined to the predictions on the id.
They arrive in two batches, recorded on two later days:

- batch 1 (labeled 2026-03-15 00:00..12:00): most predictions of hours 0..15;
- batch 2 (labeled 2026-03-16 00:00..06:00): the rest of hour 3, most of hour 20, a corrected label for one
  prediction of hour 3 (the latest actual of an id wins), 5 ids no prediction has, 2 rows without an id;
- one row without a labeled_at (counted by every actuals run that reads the NULL slice);
- one actual recorded at 05:00 on the predictions' day for a prediction of hour 22: more than one hour before its
  prediction's hour, so it is not that prediction's actual (decision 0009).

Performance after each batch is computed from the joined rows; hours with no actual keep only their counts.
Writes ../resources/actuals/{serving,outcomes1,outcomes2}.csv and expected.json.
Run from this directory:  /usr/bin/python3 make_actuals_expected.py
"""
import csv
import datetime as dt
import json
import os

import numpy as np
from sklearn.metrics import accuracy_score, log_loss, precision_recall_fscore_support, roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "actuals")
START = dt.datetime(2026, 3, 14, 0, 0, tzinfo=dt.timezone.utc)
HOURS = 24
BATCH1 = (dt.datetime(2026, 3, 15, 0, 0, tzinfo=dt.timezone.utc), dt.datetime(2026, 3, 15, 12, 0, tzinfo=dt.timezone.utc))
BATCH2 = (dt.datetime(2026, 3, 16, 0, 0, tzinfo=dt.timezone.utc), dt.datetime(2026, 3, 16, 6, 0, tzinfo=dt.timezone.utc))
rng = np.random.default_rng(20261125)


def hour_of(r):
    return int((r["ts"] - START).total_seconds() // 3600)


def at(span):
    return span[0] + dt.timedelta(seconds=int(rng.integers(0, int((span[1] - span[0]).total_seconds()))))


def metrics(predictions, truth):
    """Metrics of one window: predictions joined with truth (id -> bought), as Vigil names them."""
    labeled = [r for r in predictions if r["id"] in truth]
    m = {"count": len(predictions), "actuals_count": len(labeled)}
    if not labeled:
        return m, {}
    y = np.array([truth[r["id"]] for r in labeled], dtype=int)
    s = np.array([r["proba"] for r in labeled])
    out = {}
    for field in ("will_buy", "proba"):
        pred = np.array([r["will_buy"] for r in labeled], dtype=int) if field == "will_buy" else (s >= 0.5).astype(int)
        p, rec, f, _ = precision_recall_fscore_support(y, pred, average="binary", zero_division=0)
        out[field] = {"accuracy": accuracy_score(y, pred), "precision": p, "recall": rec, "f1": f,
                      "auc_roc": roc_auc_score(y, s) if 0 < y.sum() < len(y) else None,
                      "log_loss": log_loss(y, s, eps=1e-15, labels=[0, 1])}
    return m, out


def latest(outcomes, serving):
    """id -> bought of the latest actual of each id (by labeled_at), ignoring rows without id or labeled_at and
    actuals recorded more than one hour before the start of their prediction's hour (decision 0009)."""
    start_of = {r["id"]: START + dt.timedelta(hours=hour_of(r)) for r in serving}
    truth = {}
    for o in sorted((o for o in outcomes if o["id"] is not None and o["at"] is not None), key=lambda o: o["at"]):
        if o["id"] in start_of and o["at"] >= start_of[o["id"]] - dt.timedelta(hours=1):
            truth[o["id"]] = o["bought"]
    return truth


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def expected_of(serving, outcomes):
    truth = latest(outcomes, serving)
    rows = []

    def add(granularity, start, end):
        window = [r for r in serving if start <= r["ts"] < end]
        counts, by_field = metrics(window, truth)
        for field in ("will_buy", "proba"):
            values = dict(counts)
            values.update(by_field.get(field, {}))
            for metric, value in values.items():
                rows.append({"granularity": granularity, "window_start": iso(start), "field": field,
                             "metric": metric, "value": value})

    for h in range(HOURS):
        s = START + dt.timedelta(hours=h)
        add("hour", s, s + dt.timedelta(hours=1))
    add("all", START, START + dt.timedelta(hours=HOURS))
    return rows


def main():
    serving = []
    for i in range(720):
        ts = START + dt.timedelta(seconds=int(rng.integers(0, HOURS * 3600)))
        proba = round(float(1 / (1 + np.exp(-rng.normal(0, 1.5)))), 4)
        will_buy = proba >= 0.5 if rng.random() > 0.06 else proba < 0.5
        serving.append({"id": i + 1, "ts": ts, "proba": proba, "will_buy": bool(will_buy),
                        "bought": bool(rng.random() < proba ** 1.4)})
    batch1, batch2 = [], []
    for r in serving:
        h = hour_of(r)
        if h <= 15 and rng.random() < 0.85:
            batch1.append({"id": r["id"], "at": at(BATCH1), "bought": r["bought"]})
    labeled1 = {o["id"] for o in batch1}
    for r in serving:
        h = hour_of(r)
        if (h == 3 and r["id"] not in labeled1) or (h == 20 and rng.random() < 0.9):
            batch2.append({"id": r["id"], "at": at(BATCH2), "bought": r["bought"]})
    corrected = next(o for o in batch1 if hour_of(serving[o["id"] - 1]) == 3)
    batch2.append({"id": corrected["id"], "at": at(BATCH2), "bought": not corrected["bought"]})
    unknown = [900001 + k for k in range(5)]
    for k in unknown:
        batch2.append({"id": k, "at": at(BATCH2), "bought": True})
    batch2.append({"id": None, "at": at(BATCH2), "bought": False})
    batch2.append({"id": None, "at": at(BATCH2), "bought": True})
    no_time = {"id": serving[100]["id"], "at": None, "bought": True}
    batch1.append(no_time)
    # recorded before its prediction's hour began (less one hour): not this prediction's actual
    early = next(r for r in serving if hour_of(r) == 22)
    batch1.append({"id": early["id"], "at": START + dt.timedelta(hours=5), "bought": True})

    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "serving.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "ts", "proba", "will_buy"])
        for r in serving:
            w.writerow([r["id"], r["ts"].isoformat(), r["proba"], "t" if r["will_buy"] else "f"])
    for name, batch in (("outcomes1.csv", batch1), ("outcomes2.csv", batch2)):
        with open(os.path.join(OUT, name), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["prediction_id", "labeled_at", "bought"])
            for o in batch:
                w.writerow(["\\N" if o["id"] is None else o["id"], "\\N" if o["at"] is None else o["at"].isoformat(),
                            "t" if o["bought"] else "f"])
    hours2 = sorted({hour_of(serving[o["id"] - 1]) for o in batch2 if o["id"] is not None and o["id"] <= len(serving)})
    hours1 = sorted({hour_of(serving[o["id"] - 1]) for o in batch1
                     if o["at"] is not None and BATCH1[0] <= o["at"] < BATCH1[1]})
    result = {
        "start": iso(START), "hours": HOURS,
        "batch1": {"from": iso(BATCH1[0]), "to": iso(BATCH1[1]), "rows_read": len(batch1) - 1,
                   "rows_with_problems": 1, "null_timestamp_count": 1, "unmatched_actuals_count": 0,
                   "hours": hours1},
        "batch2": {"from": iso(BATCH2[0]), "to": iso(BATCH2[1]), "rows_read": len(batch2) + 1,
                   "rows_with_problems": 3, "null_timestamp_count": 1, "unmatched_actuals_count": len(unknown),
                   "hours": hours2},
        "after_batch1": expected_of(serving, batch1),
        "after_batch2": expected_of(serving, batch1 + batch2),
    }
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(result, f, indent=0)
    print("serving", len(serving), "batch1", len(batch1), "batch2", len(batch2), "hours1", hours1, "hours2", hours2)


if __name__ == "__main__":
    main()
