#!/usr/bin/env python3
"""Expected alerts for MonitorIT, computed with numpy straight from the rows (not by Vigil).

Serving: 4 days from 2026-03-10, about 20 rows an hour (18 to 22). On day 1 the owner 'web' misses 60% of its
amounts (the other owners 2%). Day 3 (2026-03-12) drifts: amount moves from
N(100, 15) to N(160, 15) and half the owners are 'partner', a value the training set never had. Day 2 hours 10 and
11 miss 40% of their amounts (elsewhere 2%). Day 2 hour 15 has only 3 rows, one without an amount (a thin window:
its missing ratio 1/3 would alert, but the monitor needs 10 rows). Day 4 hours 20 to 23 have 5 rows each (a drop
in activity). Training: the 3 days before, no drift.

The monitors (as MonitorIT declares them) and their expected alerts:
- drift-watch: data_drift of amount, focal 1d, training, threshold 0.2. JS distance (base 2) over the training
  deciles (METRICS.md), each day's value at least 0.05 away from the threshold so that the sketches' error
  (<= 0.02) cannot flip a decision.
- missing-amount: missing_values of amount, focal 1h, absolute max 0.2, min_focal_rows 10.
- activity: model_activity, focal 1h, anomaly k 3 over the 24 hours before, min_history 5 (a window without rows
  counts 0).
- custom: missing_ratio(amount) + new_value_ratio(owner), focal 1d, absolute max 0.3.
- volume: model_activity, focal 1h, percentage threshold 0.5 against the mean of the 3 hours before (those that
  exist: the first hour has none).
- rows-low: model_activity, focal 1h, absolute min 25: every hour (they have 3 to 22 rows).
- segment-missing: missing_values of amount per owner segment against all rows, focal 1d, segment threshold 0.2,
  at least 50 rows in the segment's day.
- new-owners: new_values (new_value_ratio of owner against training), focal 1d, training threshold 0.2.
- out-of-range: values_range (out_of_range_ratio of amount outside training's [min, max]), focal 1d, threshold 0.2.
- score-drift: prediction_drift of score, focal 1d, training threshold 0.2 (the score never drifts: no alert).

Writes ../resources/monitors/{serving,training}.csv and expected.json.
Run from this directory:  python3 make_monitor_expected.py
"""
import csv
import datetime as dt
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "monitors")
START = dt.datetime(2026, 3, 10, tzinfo=dt.timezone.utc)
DAYS = 4
OWNERS = ["direct", "agent", "broker", "web"]
rng = np.random.default_rng(20261126)


def rows_for(start, days, drift_day=None, first_id=1):
    rows = []
    for h in range(days * 24):
        day, hour = divmod(h, 24)
        n = int(rng.integers(18, 23))
        if drift_day is not None:
            if day == 1 and hour == 15:
                n = 3
            if day == 3 and hour >= 20:
                n = 5
        for i in range(n):
            ts = start + dt.timedelta(hours=h, seconds=int(rng.integers(0, 3600)))
            drifted = drift_day is not None and day == drift_day
            amount = float(rng.normal(160 if drifted else 100, 15))
            owner = "partner" if drifted and rng.random() < 0.5 else OWNERS[int(rng.integers(0, 4))]
            missing_p = 0.4 if (drift_day is not None and day == 1 and hour in (10, 11)) else 0.02
            if drift_day is not None and day == 0 and owner == "web":
                missing_p = 0.6
            missing = rng.random() < missing_p
            if drift_day is not None and day == 1 and hour == 15:
                missing = i == 0
            rows.append({"id": first_id + len(rows), "ts": ts, "amount": None if missing else round(amount, 3),
                         "owner": owner, "score": round(float(rng.random()), 4)})
    return rows


def js_distance(baseline, window):
    edges = np.quantile(baseline, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
    p = np.bincount(np.searchsorted(edges, baseline, side="right"), minlength=10) / len(baseline)
    q = np.bincount(np.searchsorted(edges, window, side="right"), minlength=10) / len(window)
    m = (p + q) / 2

    def kl(a, b):
        nz = a > 0
        return float(np.sum(a[nz] * np.log2(a[nz] / b[nz])))

    return float(np.sqrt(0.5 * kl(p, m) + 0.5 * kl(q, m)))


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    serving = rows_for(START, DAYS, drift_day=2)
    training = rows_for(START - dt.timedelta(days=3), 3, first_id=100000)
    train_amounts = np.array([r["amount"] for r in training if r["amount"] is not None])
    train_owners = {r["owner"] for r in training}
    expected = {"start": iso(START), "days": DAYS, "alerts": []}

    def add(monitor, field, start, hours, value, threshold):
        expected["alerts"].append({"monitor": monitor, "field": field, "window_start": iso(start),
                                   "window_end": iso(start + dt.timedelta(hours=hours)), "value": value,
                                   "threshold": threshold})

    for d in range(DAYS):
        s = START + dt.timedelta(days=d)
        day = [r for r in serving if s <= r["ts"] < s + dt.timedelta(days=1)]
        amounts = np.array([r["amount"] for r in day if r["amount"] is not None])
        js = js_distance(train_amounts, amounts)
        assert abs(js - 0.2) > 0.05, (d, js)
        if js > 0.2:
            add("drift-watch", "amount", s, 24, js, 0.2)
        missing = sum(r["amount"] is None for r in day) / len(day)
        for owner in sorted({r["owner"] for r in day}):
            seg = [r for r in day if r["owner"] == owner]
            seg_missing = sum(r["amount"] is None for r in seg) / len(seg)
            if len(seg) >= 50:
                assert abs(abs(seg_missing - missing) - 0.2) > 0.02, (d, owner, seg_missing, missing)
                if abs(seg_missing - missing) > 0.2:
                    bound = missing - 0.2 if seg_missing < missing else missing + 0.2
                    expected["alerts"].append({"monitor": "segment-missing", "field": "amount",
                                               "segment": "owner=" + owner, "window_start": iso(s),
                                               "window_end": iso(s + dt.timedelta(days=1)), "value": seg_missing,
                                               "threshold": bound})
        new = sum(r["owner"] not in train_owners for r in day) / len(day)
        assert abs(new - 0.2) > 0.02, (d, new)
        if new > 0.2:
            add("new-owners", "owner", s, 24, new, 0.2)
        out_of_range = float(np.mean((amounts < train_amounts.min()) | (amounts > train_amounts.max())))
        assert abs(out_of_range - 0.2) > 0.02, (d, out_of_range)
        if out_of_range > 0.2:
            add("out-of-range", "amount", s, 24, out_of_range, 0.2)
        train_scores = np.array([r["score"] for r in training])
        score_js = js_distance(train_scores, np.array([r["score"] for r in day]))
        assert abs(score_js - 0.2) > 0.05, (d, score_js)
        if score_js > 0.2:
            add("score-drift", "score", s, 24, score_js, 0.2)
        assert abs(missing + new - 0.3) > 0.02, (d, missing + new)
        if missing + new > 0.3:
            add("custom", None, s, 24, missing + new, 0.3)
    counts = []
    for h in range(DAYS * 24):
        s = START + dt.timedelta(hours=h)
        hour = [r for r in serving if s <= r["ts"] < s + dt.timedelta(hours=1)]
        counts.append(len(hour))
        missing = sum(r["amount"] is None for r in hour) / len(hour)
        if len(hour) >= 10 and missing > 0.2:
            add("missing-amount", "amount", s, 1, missing, 0.2)
    for h in range(DAYS * 24):
        history = counts[max(0, h - 24):h]
        if len(history) < 5:
            continue
        mean, sd = float(np.mean(history)), float(np.std(history, ddof=1))
        low, high = mean - 3 * sd, mean + 3 * sd
        if counts[h] < low or counts[h] > high:
            add("activity", None, START + dt.timedelta(hours=h), 1, counts[h], low if counts[h] < low else high)
    for h in range(DAYS * 24):
        add("rows-low", None, START + dt.timedelta(hours=h), 1, counts[h], 25)
    for h in range(1, DAYS * 24):
        base = float(np.mean(counts[max(0, h - 3):h]))
        change = (counts[h] - base) / abs(base)
        if abs(change) > 0.5:
            bound = base - 0.5 * abs(base) if change < 0 else base + 0.5 * abs(base)
            add("volume", None, START + dt.timedelta(hours=h), 1, counts[h], bound)
    os.makedirs(OUT, exist_ok=True)
    for name, rows in (("serving.csv", serving), ("training.csv", training)):
        with open(os.path.join(OUT, name), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "ts", "amount", "owner", "score"])
            for r in rows:
                w.writerow([r["id"], r["ts"].isoformat(), "\\N" if r["amount"] is None else r["amount"], r["owner"],
                            r["score"]])
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    for a in expected["alerts"]:
        print(a["monitor"], a["field"], a["window_start"], round(a["value"], 4), round(a["threshold"], 4))


if __name__ == "__main__":
    main()
