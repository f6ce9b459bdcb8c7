#!/usr/bin/python3
"""Expected performance metrics for PerformanceProfileTest, computed with scikit-learn (Debian's
python3-sklearn 1.2) and numpy straight from the rows, not by Vigil.

One data set per model type, split into three windows; some rows have no actual yet. For each window and for
all rows together ("all"), the metrics of the rows that have an actual. Also an isotonic calibration
(sklearn.isotonic.IsotonicRegression) for the CBPE test.

Writes ../resources/performance/cases.json. Run from this directory:  /usr/bin/python3 make_performance_expected.py
"""
import json
import math
import os

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score, hamming_loss, log_loss,
                             mean_absolute_error, mean_squared_error, ndcg_score,
                             precision_recall_fscore_support, r2_score, roc_auc_score)
from sklearn.preprocessing import MultiLabelBinarizer

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "performance")
WINDOWS = 3
K = 10
rng = np.random.default_rng(20261125)


def counts(rows):
    with_actual = [r for r in rows if r["actual"] is not None]
    return with_actual, {"count": len(rows), "actuals_count": len(with_actual),
                         "actuals_ratio": len(with_actual) / len(rows), "invalid_actual_count": 0}


# ---- binary: a numeric score, label = score >= 0.5 ----
def binary_rows(n):
    z = rng.normal(0, 1.3, n)
    score = np.round(1 / (1 + np.exp(-z)), 4)
    score[:3] = [0.0, 1.0, 0.5]  # the clipping of log loss, the threshold itself
    actual = rng.random(n) < score ** 1.3
    rows = []
    for s, a in zip(score, actual):
        rows.append({"score": float(s), "actual": None if rng.random() < 0.15 else bool(a)})
    return rows


def binary_metrics(rows):
    ev, m = counts(rows)
    y = np.array([r["actual"] for r in ev], dtype=int)
    s = np.array([r["score"] for r in ev])
    pred = (s >= 0.5).astype(int)
    tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
    p, r, f, _ = precision_recall_fscore_support(y, pred, average="binary", zero_division=0)
    m.update({"tp_count": int(tp), "fp_count": int(fp), "tn_count": int(tn), "fn_count": int(fn),
              "accuracy": accuracy_score(y, pred), "precision": p, "recall": r, "f1": f,
              "specificity": tn / (tn + fp), "fp_rate": fp / (tn + fp), "positive_rate": float(pred.mean()),
              "auc_roc": roc_auc_score(y, s), "log_loss": log_loss(y, s, eps=1e-15)})
    return m


# ---- multiclass: string classes; "e" is only ever predicted ----
CLASSES = ["a", "b", "c", "d"]


def multiclass_rows(n):
    rows = []
    for _ in range(n):
        actual = CLASSES[rng.choice(4, p=[0.4, 0.3, 0.2, 0.1])]
        u = rng.random()
        pred = actual if u < 0.6 else ("e" if u < 0.65 else CLASSES[rng.integers(4)])
        rows.append({"predicted": pred, "actual": None if rng.random() < 0.1 else actual})
    return rows


def multiclass_metrics(rows):
    ev, m = counts(rows)
    y = [r["actual"] for r in ev]
    pred = [r["predicted"] for r in ev]
    labels = sorted(set(y) | set(pred))
    m["accuracy"] = accuracy_score(y, pred)
    for avg in ("macro", "micro", "weighted"):
        p, r, f, _ = precision_recall_fscore_support(y, pred, labels=labels, average=avg, zero_division=0)
        m["precision_" + avg], m["recall_" + avg], m["f1_" + avg] = p, r, f
    p, r, f, _ = precision_recall_fscore_support(y, pred, labels=labels, average=None, zero_division=0)
    for name, values in (("precision", p), ("recall", r), ("f1", f)):
        for c, v in zip(labels, values):
            m["%s[%s]" % (name, c)] = float(v)
    return m


# ---- multi-label: label sets ----
LABELS = ["sports", "news", "tech", "art", "food", "travel"]


def multilabel_rows(n):
    rows = []
    for _ in range(n):
        actual = sorted(l for l in LABELS if rng.random() < 0.3)
        pred = sorted(set(l for l in actual if rng.random() < 0.8) | set(l for l in LABELS if rng.random() < 0.08))
        rows.append({"predicted": pred, "actual": None if rng.random() < 0.1 else actual})
    return rows


def multilabel_metrics(rows):
    ev, m = counts(rows)
    y = [r["actual"] for r in ev]
    pred = [r["predicted"] for r in ev]
    mlb = MultiLabelBinarizer(classes=sorted(set(l for s in y + pred for l in s)))
    Y = mlb.fit_transform(y)
    P = mlb.transform(pred)
    m.update({"hamming_loss": hamming_loss(Y, P), "f1_micro": f1_score(Y, P, average="micro", zero_division=0),
              "f1_macro": f1_score(Y, P, average="macro", zero_division=0), "subset_accuracy": accuracy_score(Y, P)})
    return m


# ---- regression ----
def regression_rows(n):
    y = np.round(rng.lognormal(3, 0.7, n) - 10, 3)
    y[::37] = 0.0  # actual 0: skipped by mape
    pred = np.round(y + rng.normal(1.5, 4, n), 3)
    return [{"predicted": float(p), "actual": None if rng.random() < 0.1 else float(a)} for p, a in zip(pred, y)]


def regression_metrics(rows):
    ev, m = counts(rows)
    y = np.array([r["actual"] for r in ev])
    p = np.array([r["predicted"] for r in ev])
    nz = y != 0
    m.update({"mae": mean_absolute_error(y, p), "mse": mean_squared_error(y, p),
              "rmse": math.sqrt(mean_squared_error(y, p)),
              "mape": float(np.mean(np.abs(p[nz] - y[nz]) / np.abs(y[nz]))),
              "wape": float(np.sum(np.abs(p - y)) / np.sum(np.abs(y))), "r2": r2_score(y, p),
              "mean_error": float(np.mean(p - y))})
    return m


# ---- ranking: 15 ranked items out of 40, binary relevance, k = 10 ----
def ranking_rows(n):
    rows = []
    for _ in range(n):
        ranked = ["i%d" % i for i in rng.permutation(40)[:15]]
        relevant = sorted(set("i%d" % i for i in rng.choice(40, size=int(rng.integers(0, 7)), replace=False)))
        rows.append({"predicted": ranked, "actual": None if rng.random() < 0.1 else relevant})
    return rows


def ranking_metrics(rows):
    ev, m = counts(rows)
    ndcg, prec, rec, ap, rr = [], [], [], [], []
    for r in ev:
        ranked, relevant = r["predicted"], set(r["actual"])
        # sklearn's NDCG over the ranked items plus the relevant ones never ranked (scored below them all)
        items = ranked + sorted(relevant - set(ranked))
        y_true = np.array([[1.0 if i in relevant else 0.0 for i in items]])
        y_score = np.array([[len(items) - j for j in range(len(items))]], dtype=float)
        ndcg.append(ndcg_score(y_true, y_score, k=K) if relevant else 0.0)
        hits = [1 if i in relevant else 0 for i in ranked[:K]]
        prec.append(sum(hits) / K)
        rec.append(sum(hits) / len(relevant) if relevant else 0.0)
        ideal = min(K, len(relevant))
        ap.append(sum(sum(hits[:j + 1]) / (j + 1) for j in range(K) if hits[j]) / ideal if relevant else 0.0)
        first = [j for j, i in enumerate(ranked) if i in relevant]
        rr.append(1 / (first[0] + 1) if first else 0.0)
    m.update({"ndcg_at_k": float(np.mean(ndcg)), "precision_at_k": float(np.mean(prec)),
              "recall_at_k": float(np.mean(rec)), "map_at_k": float(np.mean(ap)), "mrr": float(np.mean(rr))})
    return m


def case(make_rows, metrics, sizes):
    windows = [make_rows(n) for n in sizes]
    return {"windows": windows, "expected": {"windows": [metrics(w) for w in windows],
                                             "all": metrics([r for w in windows for r in w])}}


def calibration():
    """Reference scores on a 0.001 grid, actuals drawn from a miscalibrated curve; sklearn's isotonic fit."""
    s = np.round(rng.beta(2, 2, 3000), 3)
    y = (rng.random(3000) < s ** 2).astype(int)
    iso = IsotonicRegression(out_of_bounds="clip").fit(s, y)
    queries = [0.0, 0.0005, 0.1, 0.25, 0.3333, 0.5, 0.71, 0.9, 0.999, 1.0]
    return {"reference": [{"score": float(a), "actual": bool(b)} for a, b in zip(s, y)],
            "queries": queries, "probabilities": [float(v) for v in iso.predict(queries)]}


def main():
    cases = {
        "binary": case(binary_rows, binary_metrics, [400, 250, 600]),
        "multiclass": case(multiclass_rows, multiclass_metrics, [300, 200, 400]),
        "multi-label": case(multilabel_rows, multilabel_metrics, [200, 150, 250]),
        "regression": case(regression_rows, regression_metrics, [300, 200, 400]),
        "ranking": case(ranking_rows, ranking_metrics, [150, 100, 200]),
        "calibration": calibration(),
    }
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(cases, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
