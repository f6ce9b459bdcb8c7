#!/usr/bin/python3
"""Expected segment contributions ("which segment is worst?", decision 0032) computed with numpy from the rows.

Interpreter: Debian's /usr/bin/python3 (numpy 1.24). Run from this directory:  /usr/bin/python3 make_explain_expected.py

Writes ../resources/explain/training.csv and serving.csv (the rows vigil-cli's ExplainIT loads into PostgreSQL), and
../resources/explain/expected.json; the same expectations, with the rows, go to
vigil-stats/src/test/resources/segment_split/expected.json for SegmentSplitTest.

Training: 300 rows. Serving: 320 rows over one day, 78 in each of four regions and 8 without a region; 5 rows have
no amount. Injected: amount moves up by 1.5 sd in region=east only; the model is right 90% of the time everywhere
except region=west, where it is right half the time. Segments declared: region (by value) and big (amount > 120).
Both sides stay below 350 values, so every sketch keeps every value and the numbers are exact (1e-9).
Discovered segments: split on every serving row. The serving range has 320 rows, fewer than the row sample's 1,000,
so the merged sample holds every row and ExplainIT's discovered numbers are exact too (no sampling tolerance).

Definitions (docs/decisions/0032-root-cause-segments.md): with the baseline's bins (numeric: training deciles as
numpy's inverted_cdf, bins (-inf, e1), [e1, e2), ..., [e9, +inf); categories: the values then __other__) p_i, each
part s of the window's partition with counts c_si (n_s = sum_i c_si, N = sum_s n_s, w_s = n_s / N), q_i =
sum_s c_si / N, shares floored at 1e-4 for psi (primes):
  psi = sum_i (q'_i - p'_i) ln(q'_i / p'_i)
  contribution_s = w_s sum_i (q_si - p_i + d_i) ln(q'_i / p'_i),  d_i = (q'_i - q_i) - (p'_i - p_i)
  own drift_s = js_distance(p, q_s) (numeric, base 2) or hellinger(p, q_s) (categories)
Performance (accuracy over labeled rows): contribution_s = w_s (acc_training - acc_s), w_s = labeled_s / labeled.
"""
import csv
import datetime as dt
import json
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "explain")
STATS_OUT = os.path.join(HERE, "..", "..", "..", "..", "vigil-stats", "src", "test", "resources", "segment_split")
START = dt.datetime(2026, 3, 10, tzinfo=dt.timezone.utc)
TRAIN_START = dt.datetime(2026, 2, 1, tzinfo=dt.timezone.utc)
REGIONS = ["north", "south", "east", "west"]
CHANNELS = ["web", "app", "store", "phone"]
DECILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
FLOOR = 1e-4
rng = np.random.default_rng(20261130)


def make_rows(n, start, spacing, serving):
    rows = []
    for i in range(n):
        if serving:
            region = REGIONS[i % 4] if i < 312 else None
        else:
            region = REGIONS[int(rng.integers(0, 4))]
        amount = float(np.round(rng.normal(100, 20), 2))
        if serving and region == "east":
            amount = float(np.round(amount + 30, 2))
        if serving and i % 64 == 5:
            amount = None
        channel = CHANNELS[int(rng.choice(4, p=[0.4, 0.3, 0.2, 0.1]))]
        pred = bool(rng.random() < 0.5)
        right = rng.random() < (0.5 if serving and region == "west" else 0.9)
        label = pred if right else (not pred)
        ts = start + dt.timedelta(seconds=spacing * i)
        rows.append({"id": i + 1, "ts": ts, "region": region, "amount": amount, "channel": channel,
                     "pred": pred, "label": label})
    return rows


training = make_rows(300, TRAIN_START, 3600, False)
serving = make_rows(320, START, 270, True)  # 320 rows in 24 hours


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "ts", "region", "amount", "channel", "pred", "label"])
        for r in rows:
            w.writerow([r["id"], r["ts"].isoformat(), "\\N" if r["region"] is None else r["region"],
                        "\\N" if r["amount"] is None else repr(r["amount"]), r["channel"],
                        "true" if r["pred"] else "false", "true" if r["label"] else "false"])


def inverted_cdf(values, q):
    return float(np.quantile(np.asarray(values), q, method="inverted_cdf"))


def numeric_bins(base):
    edges = []
    for d in DECILES:
        e = inverted_cdf(base, d)
        if not edges or e > edges[-1]:
            edges.append(e)
    return edges


def bin_counts_numeric(values, edges):
    counts = np.zeros(len(edges) + 1)
    for x in values:
        counts[int(np.searchsorted(edges, x, side="right"))] += 1
    return counts


def bin_counts_categories(values, cats):
    counts = np.zeros(len(cats) + 1)
    for v in values:
        counts[cats.index(v) if v in cats else len(cats)] += 1
    return counts


def js(p, q):
    m = (p + q) / 2
    kl = lambda a: sum(a[i] * math.log2(a[i] / m[i]) for i in range(len(a)) if a[i] > 0)
    return math.sqrt(max(0.0, (kl(p) + kl(q)) / 2))


def hellinger(p, q):
    return math.sqrt(max(0.0, 1 - float(np.sum(np.sqrt(p * q)))))


def psi(p, q):
    pf = np.maximum(p, FLOOR)
    qf = np.maximum(q, FLOOR)
    return float(np.sum((qf - pf) * np.log(qf / pf)))


def split(p, parts, distribution):
    """parts: list of (segment, counts). Returns (psi, [rows])."""
    n = sum(c.sum() for _, c in parts)
    q = sum(c for _, c in parts) / n
    pf = np.maximum(p, FLOOR)
    qf = np.maximum(q, FLOOR)
    log = np.log(qf / pf)
    d = (qf - q) - (pf - p)
    total = float(np.sum((qf - pf) * log))
    out = []
    for seg, c in parts:
        if c.sum() == 0:
            continue
        w = c.sum() / n
        qs = c / c.sum()
        contribution = float(w * np.sum((qs - p + d) * log))
        out.append({"segment": seg, "share": float(w),
                    "own": js(p, qs) if distribution else hellinger(p, qs),
                    "own_psi": psi(p, qs), "contribution": contribution,
                    "contribution_share": contribution / total})
    return total, out


def declared_parts(field, counts_of, key):
    """A declared key's partition of the serving rows with a valid value of field."""
    rows = [r for r in serving if r[field] is not None]
    if key == "region":
        parts = [("region=" + g, counts_of([r[field] for r in rows if r["region"] == g])) for g in sorted(REGIONS)]
        parts.append(("region=__rest__", counts_of([r[field] for r in rows if r["region"] is None])))
    else:  # big: amount > 120 (a where: rows without an amount are never big)
        # (a segment cut on the explained field itself is left out: it explains that field's drift by construction)
        parts = [("big=true", counts_of([r[field] for r in rows if r["amount"] is not None and r["amount"] > 120])),
                 ("big=__rest__", counts_of([r[field] for r in rows if not (r["amount"] is not None and r["amount"] > 120)]))]
    return parts


def explain_field(field):
    base = [r[field] for r in training if r[field] is not None]
    window = [r[field] for r in serving if r[field] is not None]
    if field == "amount":
        edges = numeric_bins(base)
        counts_of = lambda vs: bin_counts_numeric(vs, edges)
        bins = {"edges": edges}
        distribution = True
    else:
        cats = sorted(set(base) | set(window))
        counts_of = lambda vs: bin_counts_categories(vs, cats)
        bins = {"values": cats}
        distribution = False
    p = counts_of(base) / len(base)
    keys = {}
    for key in ["region", "big"] if field != "amount" else ["region"]:
        total, rows = split(p, declared_parts(field, counts_of, key), distribution)
        keys[key] = {"psi": total, "rows": rows}
    # discovered: each column's values in the whole window (here: every serving row stands for the sample)
    discovered = []
    for column in ["channel", "region"]:
        values = [r[column] for r in serving if r[column] is not None]
        top = sorted(set(values), key=lambda v: (-values.count(v), v))[:5]
        for v in top:
            sample = [r for r in serving if r[field] is not None]
            inside = counts_of([r[field] for r in sample if r[column] == v])
            rest = counts_of([r[field] for r in sample if r[column] != v])
            total, rows = split(p, [(column + "=" + v, inside), (column + "=__rest__", rest)], distribution)
            discovered.append({"column": column, "value": v, "psi": total, "rows": rows})
    # the boolean prediction as a discovered key too (the row sample keeps it as 0/1, its profiles as true/false);
    # apart from "discovered", which SegmentSplitTest reads whole
    discovered_boolean = []
    for v in ["false", "true"]:
        sample = [r for r in serving if r[field] is not None]
        text = lambda r: "true" if r["pred"] else "false"
        inside = counts_of([r[field] for r in sample if text(r) == v])
        rest = counts_of([r[field] for r in sample if text(r) != v])
        total, rows = split(p, [("pred=" + v, inside), ("pred=__rest__", rest)], distribution)
        discovered_boolean.append({"column": "pred", "value": v, "psi": total, "rows": rows})
    return {"field": field, "bins": bins, "baseline": list(p), "keys": keys, "discovered": discovered,
            "discovered_boolean": discovered_boolean}


def accuracy(rows):
    return sum(1 for r in rows if r["pred"] == r["label"]) / len(rows)


def explain_accuracy():
    ref = accuracy(training)
    window = accuracy(serving)
    keys = {}
    groups = {"region": [("region=" + g, [r for r in serving if r["region"] == g]) for g in sorted(REGIONS)]
                        + [("region=__rest__", [r for r in serving if r["region"] is None])],
              "big": [("big=true", [r for r in serving if r["amount"] is not None and r["amount"] > 120]),
                      ("big=__rest__", [r for r in serving if not (r["amount"] is not None and r["amount"] > 120)])]}
    for key, parts in groups.items():
        rows = []
        for seg, rs in parts:
            w = len(rs) / len(serving)
            m = accuracy(rs)
            c = w * (ref - m)
            rows.append({"segment": seg, "share": w, "own": m, "contribution": c,
                         "contribution_share": c / (ref - window), "labeled": len(rs)})
        keys[key] = {"drop": ref - window, "rows": rows}
    return {"metric": "accuracy", "reference": ref, "window": window, "keys": keys}


write_csv(os.path.join(OUT, "training.csv"), training)
write_csv(os.path.join(OUT, "serving.csv"), serving)
expected = {
    "start": START.isoformat().replace("+00:00", "Z"),
    "end": (START + dt.timedelta(days=1)).isoformat().replace("+00:00", "Z"),
    "fields": [explain_field("amount"), explain_field("channel")],
    "performance": explain_accuracy(),
}
with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
stats = dict(expected)
stats["training"] = [{k: r[k] for k in ["region", "amount", "channel", "pred", "label"]} for r in training]
stats["serving"] = [{k: r[k] for k in ["region", "amount", "channel", "pred", "label"]} for r in serving]
with open(os.path.join(STATS_OUT, "expected.json"), "w") as f:
    json.dump(stats, f, indent=1)
for fe in expected["fields"]:
    for key, v in fe["keys"].items():
        print(fe["field"], key, "psi %.4f" % v["psi"],
              [(r["segment"], round(r["contribution"], 4)) for r in sorted(v["rows"], key=lambda r: -r["contribution"])])
    best = max(fe["discovered"], key=lambda d: d["rows"][0]["contribution"])
    print(" discovered first:", best["column"], best["value"])
for key, v in expected["performance"]["keys"].items():
    print("accuracy", key, "drop %.4f" % v["drop"],
          [(r["segment"], round(r["contribution"], 4)) for r in sorted(v["rows"], key=lambda r: -r["contribution"])])
