#!/usr/bin/env python3
"""Expected drift for DriftIT, computed with numpy and scipy straight from the rows (not by Vigil).

Writes ../resources/drift/training.csv and serving.csv (the rows DriftIT loads into PostgreSQL)
and ../resources/drift/expected.json: for each query DriftIT sends, the expected value of every
(window, segment, field, metric), or null with the start of the expected reason.

The 768-dimension embedding is not in the CSV: PostgreSQL computes it in the source query from
the row id and a shift (see EMBEDDING_SQL in DriftIT), exactly as emb() below does.

Serving: two days of 8 rows an hour. Day 2 drifts: amount moves up 1.5 sd, owner gets a value
never seen in training, is_new doubles, notes get longer, the embedding centroid moves by 0.1 in
every dimension; the score (the prediction) does not move. Hour 5 of day 1 has no amount at all (an empty window for that field).

Run from this directory:  python3 make_drift_expected.py
"""
import csv
import datetime as dt
import json
import math
import os

import numpy as np
from scipy import spatial, stats

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "drift")
START = dt.datetime(2026, 3, 7, tzinfo=dt.timezone.utc)
TRAIN_START = dt.datetime(2026, 2, 1, tzinfo=dt.timezone.utc)
DIMS = 768
OWNERS = ["direct", "agent", "broker", "web"]
DECILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
EXACT_MAX = 350  # KLL (k = 400) keeps every value below this many; above, DriftIT uses METRICS.md's tolerances
rng = np.random.default_rng(20261125)


def emb(row_id, shift):
    d = np.arange(1, DIMS + 1)
    return ((row_id * 7919 + d * 104729) % 1000) / 1000.0 - 0.5 + shift


def make_row(row_id, ts, drifted, no_amount=False):
    words = int(rng.integers(4, 15)) if drifted else int(rng.integers(0, 8))
    owner_pool = OWNERS + ["marketplace"] if drifted else OWNERS
    p = [0.3, 0.2, 0.15, 0.15, 0.2] if drifted else [0.4, 0.3, 0.2, 0.1]
    return {
        "id": row_id,
        "ts": ts.isoformat(),
        "amount": None if no_amount else round(float(rng.normal(65 if drifted else 50, 10)), 4),
        "owner": str(rng.choice(owner_pool, p=p)),
        "is_new": bool(rng.random() < (0.6 if drifted else 0.3)),
        "note": " ".join("w%d" % rng.integers(0, 30) for _ in range(words)),
        "emb_shift": 0.1 if drifted else 0.0,
        "score": round(float(rng.random()), 4),
    }


training = []
for i in range(300):
    ts = TRAIN_START + dt.timedelta(seconds=int(rng.integers(0, 10 * 86400)))
    training.append(make_row(100000 + i, ts, False))
serving = []
next_id = 1
for h in range(48):
    for k in range(8):
        ts = START + dt.timedelta(hours=h, seconds=int(rng.integers(0, 3600)))
        serving.append(make_row(next_id, ts, h >= 24, no_amount=(h == 5)))
        next_id += 1

os.makedirs(OUT, exist_ok=True)
for name, rows in (("training", training), ("serving", serving)):
    with open(os.path.join(OUT, name + ".csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "ts", "amount", "owner", "is_new", "note", "emb_shift", "score"])
        for r in rows:
            w.writerow([r["id"], r["ts"], "\\N" if r["amount"] is None else r["amount"], r["owner"],
                        "t" if r["is_new"] else "f", r["note"], r["emb_shift"], r["score"]])


# ---- the metrics, as METRICS.md defines them ------------------------------------------------------

def share_distances(p, q):
    js = float(spatial.distance.jensenshannon(p, q, base=2))
    hellinger = math.sqrt(max(0.0, 1 - float(np.sum(np.sqrt(p * q)))))
    pf, qf = np.maximum(p, 1e-4), np.maximum(q, 1e-4)
    return {"js_distance": js, "hellinger": hellinger, "psi": float(np.sum((qf - pf) * np.log(qf / pf)))}


def numeric_shares(v, edges):
    out = [np.mean(v < edges[0])]
    out += [np.mean((v >= lo) & (v < hi)) for lo, hi in zip(edges[:-1], edges[1:])]
    out.append(np.mean(v >= edges[-1]))
    return np.array(out)


def numeric(b, w, ranges=True):
    b, w = np.asarray(b, float), np.asarray(w, float)
    edges = np.quantile(b, DECILES, method="inverted_cdf")
    m = share_distances(numeric_shares(b, edges), numeric_shares(w, edges))
    m["ks"] = float(stats.ks_2samp(b, w).statistic)
    m["wasserstein_normed"] = float(stats.wasserstein_distance(b, w)) / max(float(np.std(b, ddof=1)), 0.001)
    if ranges:
        n = int(np.sum((w < b.min()) | (w > b.max())))
        m["out_of_range_count"] = n
        m["out_of_range_ratio"] = n / len(w)
    m["drift_score"] = m["js_distance"]
    return m


def categorical(b, w):
    def top(values):
        vals, counts = np.unique(values, return_counts=True)
        return [v for v, _ in sorted(zip(vals.tolist(), counts.tolist()), key=lambda vc: (-vc[1], vc[0]))[:50]]

    keys = sorted(set(top(b)) | set(top(w)))
    bc = [sum(1 for x in b if x == k) for k in keys] + [0]
    wc = [sum(1 for x in w if x == k) for k in keys] + [0]
    bc[-1], wc[-1] = len(b) - sum(bc), len(w) - sum(wc)
    m = share_distances(np.array(bc) / len(b), np.array(wc) / len(w))
    table = np.array([bc, wc])
    table = table[:, table.sum(axis=0) > 0]
    m["chi2_pvalue"] = 1.0 if table.shape[1] < 2 else float(stats.chi2_contingency(table, correction=False).pvalue)
    seen = set(b)
    new = sum(1 for x in w if x not in seen)
    m["new_value_count"] = new
    m["new_value_ratio"] = new / len(w)
    m["drift_score"] = m["hellinger"]
    return m


def vectors(b, w):
    cb, cw = np.mean(b, axis=0), np.mean(w, axis=0)
    d = float(np.linalg.norm(cw - cb))
    return {"centroid_distance": d, "centroid_cosine_distance": float(spatial.distance.cosine(cw, cb)),
            "drift_score": d}


FIELDS = ["amount", "owner", "is_new", "note.length", "emb", "score"]


def values(rows, field):
    if field == "amount":
        return [r["amount"] for r in rows if r["amount"] is not None]
    if field == "score":
        return [r["score"] for r in rows]
    if field == "owner":
        return [r["owner"] for r in rows]
    if field == "is_new":
        return ["true" if r["is_new"] else "false" for r in rows]
    if field == "note.length":
        return [len(r["note"]) for r in rows]
    return np.array([emb(r["id"], r["emb_shift"]) for r in rows])


def drift(field, b_rows, w_rows, min_baseline=100):
    b, w = values(b_rows, field), values(w_rows, field)
    if len(b) < min_baseline:
        return None, "has %d valid values" % len(b)
    if len(w) == 0:
        return None, "the window has no valid values"
    if field in ("amount", "score"):
        return numeric(b, w), None
    if field == "note.length":
        return numeric(b, w, ranges=False), None
    if field in ("owner", "is_new"):
        return categorical(b, w), None
    return vectors(b, w), None


METRIC_NAMES = {
    "amount": ["js_distance", "hellinger", "psi", "ks", "wasserstein_normed", "out_of_range_count",
               "out_of_range_ratio", "drift_score"],
    "note.length": ["js_distance", "hellinger", "psi", "ks", "wasserstein_normed", "drift_score"],
    "owner": ["js_distance", "hellinger", "psi", "chi2_pvalue", "new_value_count", "new_value_ratio", "drift_score"],
    "emb": ["centroid_distance", "centroid_cosine_distance", "drift_score"],
}
METRIC_NAMES["is_new"] = METRIC_NAMES["owner"]
METRIC_NAMES["score"] = METRIC_NAMES["amount"]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def in_range(rows, start, end):
    return [r for r in rows if start <= dt.datetime.fromisoformat(r["ts"]) < end]


def expect(windows, baseline_of, fields=FIELDS, segment=None, min_baseline=100):
    """Rows for each window (start, end) and field, against baseline_of(start, end) (rows or None)."""
    out = []
    for start, end in windows:
        w_rows = in_range(serving, start, end)
        if segment:
            w_rows = [r for r in w_rows if r["owner"] == segment.split("=")[1]]
        b_rows = baseline_of(start, end)
        for field in fields:
            if b_rows is None:
                m, reason = None, "the previous window has no rows"
            else:
                m, reason = drift(field, b_rows, w_rows, min_baseline)
            exact = len(w_rows) <= EXACT_MAX and (b_rows is None or len(b_rows) <= EXACT_MAX)
            for name in METRIC_NAMES[field]:
                out.append({"window_start": iso(start), "segment": segment, "field": field, "metric": name,
                            "value": None if m is None else m[name], "reason": reason, "exact": exact})
    return out


DAY1 = (START, START + dt.timedelta(days=1))
DAY2 = (START + dt.timedelta(days=1), START + dt.timedelta(days=2))
ALL = (START, START + dt.timedelta(days=2))
queries = []


def query(name, params, rows, **extra):
    queries.append(dict({"name": name, "params": params, "rows": rows}, **extra))


query("day vs training", {"granularity": "day", "from": iso(ALL[0]), "to": iso(ALL[1])},
      expect([DAY1, DAY2], lambda s, e: training))
query("day vs training, segment owner=direct",
      {"granularity": "day", "from": iso(ALL[0]), "to": iso(ALL[1]), "segment": "owner=direct"},
      expect([DAY1, DAY2], lambda s, e: [r for r in training if r["owner"] == "direct"], segment="owner=direct"))
query("all vs training", {"granularity": "all", "from": iso(ALL[0]), "to": iso(ALL[1])},
      expect([ALL], lambda s, e: training))
query("day vs the previous day", {"granularity": "day", "from": iso(ALL[0]), "to": iso(ALL[1]),
                                  "baseline": "previous", "min_baseline_rows": "10"},
      expect([DAY1, DAY2], lambda s, e: None if s == DAY1[0] else in_range(serving, s - (e - s), s),
             min_baseline=10))
query("day 2 vs day 1 as a fixed period",
      {"granularity": "day", "from": iso(DAY2[0]), "to": iso(DAY2[1]), "baseline": iso(DAY1[0]) + "/" + iso(DAY1[1])},
      expect([DAY2], lambda s, e: in_range(serving, *DAY1)))
query("a baseline too small", {"granularity": "day", "from": iso(DAY1[0]), "to": iso(DAY1[1]),
                               "min_baseline_rows": "1000"},
      expect([DAY1], lambda s, e: training, min_baseline=1000))
hour5 = (START + dt.timedelta(hours=5), START + dt.timedelta(hours=6))
query("an hour without amounts", {"granularity": "hour", "from": iso(hour5[0]), "to": iso(hour5[1]),
                                  "field": "amount", "min_baseline_rows": "10"},
      expect([hour5], lambda s, e: training, fields=["amount"], min_baseline=10))
day2 = expect([DAY2], lambda s, e: training)
scores = sorted([r for r in day2 if r["metric"] == "drift_score"], key=lambda r: (-r["value"], r["field"]))
# top ranks within a scale only: distributions (numeric, text length: JS), categories (Hellinger), vectors (centroid)
SCALES = [lambda f: f not in ("owner", "is_new", "emb"), lambda f: f in ("owner", "is_new"), lambda f: f == "emb"]
top3 = [r for scale in SCALES for r in [r for r in scores if scale(r["field"])][:3]]
query("top 3 on day 2", {"granularity": "day", "from": iso(DAY2[0]), "to": iso(DAY2[1]), "top": "3"}, top3,
      ordered=True)

with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump({"generator": "src/test/python/make_drift_expected.py", "start": iso(START), "dims": DIMS,
               "queries": queries}, f, indent=1)
print("wrote", len(training), "training and", len(serving), "serving rows,",
      sum(len(q["rows"]) for q in queries), "expected values")
for r in scores:
    print("day 2 drift_score", r["field"], round(r["value"], 4))
