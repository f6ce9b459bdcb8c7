#!/usr/bin/env python3
"""Expected decile shares for DriftTest's Drift.decileShares cases, computed with numpy from raw values (not by Vigil).

Writes ../resources/drift/decile-shares.json: for each case the baseline and window values, the field kind and the
expected bins: the inner edges (the baseline's deciles q10 ... q90 by numpy's "inverted_cdf", each once) and each
side's share of its values in (-inf, e1), [e1, e2), ..., [ek, +inf). Every side has at most 350 values, so the KLL
sketches are exact and the shares must match to rounding.

Run from this directory:  python3 make_decile_shares_expected.py
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "drift", "decile-shares.json")
DECILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
rng = np.random.default_rng(20261126)


def edges_of(baseline):
    return sorted(set(float(e) for e in np.quantile(np.asarray(baseline, dtype=float), DECILES,
                                                     method="inverted_cdf")))


def shares(values, edges):
    # side="right" counts the edges at or below each value: that count is the index of its bin
    bins = np.searchsorted(edges, np.asarray(values, dtype=float), side="right")
    return [float(s) for s in np.bincount(bins, minlength=len(edges) + 1) / len(values)]


def r4(a):
    return [round(float(x), 4) for x in a]


cases = []


def add(name, kind, baseline, window):
    b = [len(t) for t in baseline] if kind == "text" else baseline
    w = [len(t) for t in window] if kind == "text" else window
    edges = edges_of(b)
    cases.append({"name": name, "kind": kind, "baseline": baseline, "window": window,
                  "expected": {"edges": edges, "baseline": shares(b, edges), "window": shares(w, edges)}})


b = r4(rng.normal(50, 10, 300))
add("numeric, mean shifted by one sd", "numeric", b, r4(rng.normal(60, 10, 250)))
add("numeric, window partly beyond the baseline's range", "numeric", b, r4(rng.normal(50, 30, 200)))
add("numeric, ties (small integers): repeated deciles are one edge", "numeric",
    [int(x) for x in rng.integers(0, 4, 300)], [int(x) for x in rng.integers(1, 7, 200)])
add("numeric, one value in the baseline: one edge", "numeric", [7.5] * 40, r4(rng.normal(7.5, 1, 60)))
add("text lengths", "text",
    [" ".join("w" * int(rng.integers(1, 6)) for _ in range(int(rng.integers(0, 8)))) for _ in range(300)],
    [" ".join("w" * int(rng.integers(1, 6)) for _ in range(int(rng.integers(2, 12)))) for _ in range(200)])

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"generator": "src/test/python/make_decile_shares_expected.py", "cases": cases}, f)
print("wrote", OUT, len(cases), "cases")
