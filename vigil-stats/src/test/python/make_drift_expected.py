#!/usr/bin/env python3
"""Expected drift metrics for DriftTest, computed with numpy and scipy from raw values (not by Vigil).

Writes ../resources/drift/cases.json: for each case the baseline and window values, the field kind,
whether the sketches are exact (at most 350 values a side, below KLL's first compaction) and the
expected metrics of METRICS.md's "Drift" section plus out_of_range / new_value counts.

Run from this directory:  python3 make_drift_expected.py
"""
import json
import math
import os

import numpy as np
from scipy import spatial, stats

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "drift", "cases.json")
DECILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
rng = np.random.default_rng(20261125)


def shares_numeric(values, edges):
    v = np.asarray(values, dtype=float)
    out = [np.mean(v < edges[0])]
    for lo, hi in zip(edges[:-1], edges[1:]):
        out.append(np.mean((v >= lo) & (v < hi)))
    out.append(np.mean(v >= edges[-1]))
    return np.array(out)


def share_distances(p, q):
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    js = float(spatial.distance.jensenshannon(p, q, base=2))
    hellinger = math.sqrt(max(0.0, 1 - float(np.sum(np.sqrt(p * q)))))
    pf = np.maximum(p, 1e-4)
    qf = np.maximum(q, 1e-4)
    psi = float(np.sum((qf - pf) * np.log(qf / pf)))
    return {"js_distance": js, "hellinger": hellinger, "psi": psi}


def numeric(baseline, window, ranges=True):
    b = np.asarray(baseline, dtype=float)
    w = np.asarray(window, dtype=float)
    edges = np.quantile(b, DECILES, method="inverted_cdf")
    m = share_distances(shares_numeric(b, edges), shares_numeric(w, edges))
    m["ks"] = float(stats.ks_2samp(b, w).statistic)
    m["wasserstein_normed"] = float(stats.wasserstein_distance(b, w)) / max(float(np.std(b, ddof=1)), 0.001)
    if ranges:
        out = int(np.sum((w < b.min()) | (w > b.max())))
        m["out_of_range_count"] = out
        m["out_of_range_ratio"] = out / len(w)
    m["drift_score"] = m["js_distance"]
    return m


def categorical(baseline, window):
    def top(values):
        vals, counts = np.unique(values, return_counts=True)
        order = sorted(zip(vals.tolist(), counts.tolist()), key=lambda vc: (-vc[1], vc[0]))
        return [v for v, _ in order[:50]]

    keys = sorted(set(top(baseline)) | set(top(window)))
    b_counts = [sum(1 for x in baseline if x == k) for k in keys]
    w_counts = [sum(1 for x in window if x == k) for k in keys]
    b_counts.append(len(baseline) - sum(b_counts))
    w_counts.append(len(window) - sum(w_counts))
    p = np.array(b_counts) / len(baseline)
    q = np.array(w_counts) / len(window)
    m = share_distances(p, q)
    table = np.array([b_counts, w_counts])
    table = table[:, table.sum(axis=0) > 0]
    m["chi2_pvalue"] = 1.0 if table.shape[1] < 2 else float(stats.chi2_contingency(table, correction=False).pvalue)
    seen = set(baseline)
    new = sum(1 for x in window if x not in seen)
    m["new_value_count"] = new
    m["new_value_ratio"] = new / len(window)
    m["drift_score"] = m["hellinger"]
    return m


def vectors(baseline, window):
    cb = np.mean(np.asarray(baseline), axis=0)
    cw = np.mean(np.asarray(window), axis=0)
    d = float(np.linalg.norm(cw - cb))
    return {"centroid_distance": d, "centroid_cosine_distance": float(spatial.distance.cosine(cw, cb)),
            "drift_score": d}


def r4(a):
    return [round(float(x), 4) for x in a]


cases = []


def add(name, kind, baseline, window, expected, exact, dims=None):
    cases.append({"name": name, "kind": kind, "dims": dims, "exact": exact,
                  "baseline": baseline, "window": window, "expected": expected})


b = r4(rng.normal(50, 10, 300))
add("numeric, no drift", "numeric", b, r4(rng.normal(50, 10, 250)), None, True)
add("numeric, mean shifted by one sd", "numeric", b, r4(rng.normal(60, 10, 250)), None, True)
add("numeric, wider and out of range", "numeric", b, r4(rng.normal(50, 30, 200)), None, True)
add("numeric, ties (small integers)", "numeric", [int(x) for x in rng.integers(0, 5, 300)],
    [int(x) for x in rng.integers(1, 7, 200)], None, True)
add("numeric, large (sketches in estimation mode)", "numeric", r4(rng.normal(50, 10, 20000)),
    r4(rng.normal(53, 12, 15000)), None, False)
owners = ["direct", "agent", "broker", "web", "partner"]
add("string, shares change", "string", [owners[min(4, int(x))] for x in rng.exponential(1.3, 300)],
    [owners[min(4, int(x))] for x in rng.exponential(2.5, 200)], None, True)
add("string, no drift", "string", [owners[min(4, int(x))] for x in rng.exponential(1.3, 300)],
    [owners[min(4, int(x))] for x in rng.exponential(1.3, 200)], None, True)
add("string, a category never seen in training", "string",
    [owners[int(x)] for x in rng.integers(0, 4, 300)],
    [owners[int(x)] if x < 4 else "marketplace" for x in rng.integers(0, 6, 200)], None, True)
add("string, 80 values (pooled beyond the top 50)", "string",
    ["v%02d" % min(79, int(x)) for x in rng.exponential(20, 3000)],
    ["v%02d" % min(79, int(x)) for x in rng.exponential(30, 2000)], None, True)
add("boolean", "boolean", [bool(x) for x in rng.random(300) < 0.3], [bool(x) for x in rng.random(200) < 0.5],
    None, True)
add("text lengths", "text",
    [" ".join("w" * int(rng.integers(1, 6)) for _ in range(int(rng.integers(0, 8)))) for _ in range(300)],
    [" ".join("w" * int(rng.integers(1, 6)) for _ in range(int(rng.integers(2, 12)))) for _ in range(200)],
    None, True)
add("embedding 768, centroid moves", "embedding",
    [r4(rng.normal(0, 1, 768)) for _ in range(120)],
    [r4(rng.normal(0.1, 1, 768)) for _ in range(80)], None, True, dims=[768])

for c in cases:
    if c["kind"] == "numeric":
        c["expected"] = numeric(c["baseline"], c["window"])
    elif c["kind"] == "text":
        c["expected"] = numeric([len(t) for t in c["baseline"]], [len(t) for t in c["window"]], ranges=False)
    elif c["kind"] in ("string", "boolean"):
        key = (lambda x: "true" if x else "false") if c["kind"] == "boolean" else (lambda x: x)
        c["expected"] = categorical([key(x) for x in c["baseline"]], [key(x) for x in c["window"]])
    else:
        c["expected"] = vectors(c["baseline"], c["window"])

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"generator": "src/test/python/make_drift_expected.py", "cases": cases}, f)
print("wrote", OUT, len(cases), "cases")
