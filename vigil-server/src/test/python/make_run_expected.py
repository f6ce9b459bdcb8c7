#!/usr/bin/env python3
"""Expected metrics for RunIT, computed with numpy straight from the rows (not by Vigil).

Writes ../resources/run/rows.csv (the rows RunIT loads into PostgreSQL) and
../resources/run/expected.json: for each (granularity, window, segment, field, metric) the exact
value, or for a percentile the interval of values whose rank is within 1% of the asked rank.

Run from this directory:  python3 make_run_expected.py
"""
import csv
import datetime as dt
import json
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "run")
START = dt.datetime(2026, 3, 7, 0, 0, tzinfo=dt.timezone.utc)  # spans the US DST change of 2026-03-08
HOURS = 60
OWNERS = ["direct", "agent", "broker", "web", "partner"]
PCTS = {"p01": 0.01, "p05": 0.05, "p10": 0.10, "p25": 0.25, "p50": 0.50, "median": 0.50,
        "p75": 0.75, "p90": 0.90, "p95": 0.95, "p99": 0.99}
DIMS = 4
LONG_VALUE_CHARS = 1000  # a longer string value is counted in long_value_count and kept truncated
LONG_TEXT_CHARS = 100000  # a longer text is counted in long_value_count (and profiled whole)

rng = np.random.default_rng(20260307)


def make_rows():
    rows = []
    next_id = 1
    for h in range(HOURS):
        n = int(rng.integers(5, 60))
        for i in range(n):
            ts = START + dt.timedelta(hours=h, seconds=int(rng.integers(0, 3600)))
            r = {"id": next_id, "ts": ts}
            next_id += 1
            u = rng.random()
            if u < 0.02:
                r["id"] = None
            elif u < 0.04 and i > 0:
                if rows[-1]["id"] is not None:
                    r["id"] = rows[-1]["id"]  # a duplicate within this hour
            v = rng.random()
            if v < 0.03:
                r["amount"] = None
            elif v < 0.05:
                r["amount"] = "NaN"
            elif v < 0.06:
                r["amount"] = "Infinity"
            else:
                r["amount"] = round(float(rng.lognormal(3.5, 1.0)), 4)
            r["owner"] = None if rng.random() < 0.05 else OWNERS[min(4, int(rng.exponential(1.3)))]
            r["is_new"] = None if rng.random() < 0.02 else bool(rng.random() < 0.3)
            words = int(rng.integers(0, 8))
            r["raw_text"] = None if rng.random() < 0.03 else " ".join("w%d" % rng.integers(0, 50) for _ in range(words))
            k = DIMS if rng.random() > 0.04 else DIMS + 1
            r["emb"] = None if rng.random() < 0.02 else [round(float(x), 4) for x in rng.normal(0.5, 1.0, k)]
            r["proba"] = round(float(rng.random()), 4)
            rows.append(r)
    # Long values at fixed places, after the random draws: in hour 13 an owner of 1,200 characters (a problem
    # row; its segment value is cut to 200 characters); in hour 31 a text of 100,001 characters.
    hour_13 = [r for r in rows if (r["ts"] - START) // dt.timedelta(hours=1) == 13]
    hour_13[2]["owner"] = "broker" * 200
    hour_31 = [r for r in rows if (r["ts"] - START) // dt.timedelta(hours=1) == 31]
    hour_31[0]["raw_text"] = "w" * (LONG_TEXT_CHARS + 1)
    # a few rows without a timestamp: in no window
    for _ in range(3):
        rows.append({"id": next_id, "ts": None, "amount": 1.0, "owner": "web", "is_new": True,
                     "raw_text": "late", "emb": [0.0] * DIMS, "proba": 0.5})
        next_id += 1
    return rows


def pg_array(v):
    return None if v is None else "{" + ",".join(repr(x) for x in v) + "}"


def write_csv(rows):
    with open(os.path.join(OUT, "rows.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "ts", "amount", "owner", "is_new", "raw_text", "emb", "proba"])
        for r in rows:
            null = "\\N"  # COPY ... (FORMAT csv, NULL '\N'): an empty field stays an empty string
            w.writerow([
                null if r["id"] is None else r["id"],
                null if r["ts"] is None else r["ts"].isoformat(),
                null if r["amount"] is None else r["amount"],
                null if r["owner"] is None else r["owner"],
                null if r["is_new"] is None else ("t" if r["is_new"] else "f"),
                null if r["raw_text"] is None else r["raw_text"],
                null if r["emb"] is None else pg_array(r["emb"]),
                r["proba"],
            ])


def quantile_interval(values, q):
    """Values whose rank is within 1% of q (numpy inverted_cdf at q-0.01 and q+0.01)."""
    lo = np.quantile(values, max(0.0, q - 0.01), method="inverted_cdf")
    hi = np.quantile(values, min(1.0, q + 0.01), method="inverted_cdf")
    return [float(lo), float(hi)]


def numeric_metrics(rows):
    vals = []
    missing = invalid = 0
    for r in rows:
        a = r["amount"]
        if a is None or a == "NaN":
            missing += 1
        elif a == "Infinity":
            invalid += 1
        else:
            vals.append(a)
    x = np.array(vals, dtype=float)
    m = {"count": len(rows), "missing_count": missing, "missing_ratio": missing / len(rows),
         "invalid_count": invalid, "type_mismatch_count": 0}
    if len(x):
        m.update({"mean": float(x.mean()), "sum": float(x.sum()), "min": float(x.min()), "max": float(x.max()),
                  "distinct_count": len(set(vals))})
        for name, q in PCTS.items():
            m[name] = quantile_interval(x, q)
    if len(x) >= 2:
        m["stddev"] = float(x.std(ddof=1))
        m["variance"] = float(x.var(ddof=1))
    return m


def categorical_metrics(rows, key):
    values = [r[key] for r in rows if r[key] is not None]
    if key == "is_new":
        values = ["true" if v else "false" for v in values]
    missing = len(rows) - len(values)
    m = {"count": len(rows), "missing_count": missing, "missing_ratio": missing / len(rows), "invalid_count": 0}
    if key == "owner":  # a string field: long values are counted and kept truncated
        m["long_value_count"] = sum(1 for v in values if len(v) > LONG_VALUE_CHARS)
        values = [v[:LONG_VALUE_CHARS] for v in values]
    m["distinct_count"] = len(set(values))
    for v in set(values):
        m["value_count[%s]" % v] = values.count(v)
    return m


def text_metrics(rows):
    texts = [r["raw_text"] for r in rows if r["raw_text"] is not None]
    missing = len(rows) - len(texts)
    m = {"count": len(rows), "missing_count": missing, "invalid_count": 0,
         "long_value_count": sum(1 for t in texts if len(t) > LONG_TEXT_CHARS)}
    if texts:
        lengths = np.array([len(t) for t in texts], dtype=float)
        m.update({"mean_length": float(lengths.mean()), "min_length": float(lengths.min()),
                  "max_length": float(lengths.max()), "empty_count": sum(1 for t in texts if t == ""),
                  "mean_token_count": float(np.mean([len(t.split()) for t in texts]))})
    return m


def vector_metrics(rows):
    valid = [r["emb"] for r in rows if r["emb"] is not None and len(r["emb"]) == DIMS]
    missing = sum(1 for r in rows if r["emb"] is None)
    invalid = sum(1 for r in rows if r["emb"] is not None and len(r["emb"]) != DIMS)
    m = {"count": len(rows), "missing_count": missing, "invalid_count": invalid}
    if valid:
        m["mean_norm"] = float(np.mean(np.linalg.norm(np.array(valid), axis=1)))
    return m


def dataset_metrics(rows):
    ids = [r["id"] for r in rows]
    non_null = [i for i in ids if i is not None]
    return {"count": len(rows), "null_id_count": ids.count(None),
            "duplicate_id_count": len(non_null) - len(set(non_null))}


def all_metrics(rows):
    return {"": dataset_metrics(rows), "amount": numeric_metrics(rows), "owner": categorical_metrics(rows, "owner"),
            "is_new": categorical_metrics(rows, "is_new"), "raw_text": text_metrics(rows),
            "emb": vector_metrics(rows)}


def segments(rows):
    out = {"": rows}
    for o in OWNERS:
        out["owner=" + o] = [r for r in rows if r["owner"] == o]
    def amount(r):
        a = r["amount"]
        return a if isinstance(a, float) else None
    # Spark SQL orders NaN above every number, so "amount > 50" holds for NaN and Infinity too.
    out["big=true"] = [r for r in rows if r["amount"] in ("NaN", "Infinity") or (amount(r) is not None and amount(r) > 50)]
    out["amount=(-inf,20)"] = [r for r in rows if amount(r) is not None and amount(r) < 20]
    out["amount=[20,100)"] = [r for r in rows if amount(r) is not None and 20 <= amount(r) < 100]
    out["amount=[100,+inf)"] = [r for r in rows if amount(r) is not None and amount(r) >= 100]
    return {k: v for k, v in segments_nonempty(out)}


def segments_nonempty(d):
    return [(k, v) for k, v in d.items() if v]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    rows = make_rows()
    write_csv(rows)
    timed = [r for r in rows if r["ts"] is not None]
    expected = []

    def add(granularity, start, end, bucket_rows):
        for seg, seg_rows in segments(bucket_rows).items():
            for field, metrics in all_metrics(seg_rows).items():
                for metric, value in metrics.items():
                    if seg and field == "" and metric == "duplicate_id_count":
                        continue  # duplicates are counted over all rows of a window, not per segment
                    expected.append({"granularity": granularity, "window_start": iso(start), "window_end": iso(end),
                                     "segment": seg, "field": field, "metric": metric, "value": value})

    for h in (0, 13, 31, 59):  # a few hours, one of them on the DST change day
        s = START + dt.timedelta(hours=h)
        add("hour", s, s + dt.timedelta(hours=1), [r for r in timed if s <= r["ts"] < s + dt.timedelta(hours=1)])
    for d in range(3):
        s = START + dt.timedelta(days=d)
        e = s + dt.timedelta(days=1)
        add("day", s, e, [r for r in timed if s <= r["ts"] < e])
    add("all", START, START + dt.timedelta(hours=HOURS), timed)
    # The run summary: rows read, rows with a problem (null or duplicate id within its hour, an invalid value:
    # +Infinity amount, embedding of the wrong length; a long value; no timestamp) and the rows without a
    # timestamp, which are in no window but read and counted by the run.
    seen = {}
    problems = 0
    for r in timed:
        hour = r["ts"].replace(minute=0, second=0)
        ids = seen.setdefault(hour, set())
        bad = r["id"] is None or r["id"] in ids
        if r["id"] is not None:
            ids.add(r["id"])
        bad = bad or r["amount"] == "Infinity" or (r["emb"] is not None and len(r["emb"]) != DIMS)
        bad = bad or (r["owner"] is not None and len(r["owner"]) > LONG_VALUE_CHARS)
        bad = bad or (r["raw_text"] is not None and len(r["raw_text"]) > LONG_TEXT_CHARS)
        problems += bad
    untimed = len(rows) - len(timed)
    summary = {"rows_read": len(rows), "rows_with_problems": problems + untimed, "null_timestamp_count": untimed}
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"start": iso(START), "hours": HOURS, "summary": summary, "expected": expected}, f, indent=0)
    print("rows:", len(rows), "expected values:", len(expected))


if __name__ == "__main__":
    main()
