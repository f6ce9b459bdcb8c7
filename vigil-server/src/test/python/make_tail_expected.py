#!/usr/bin/env python3
"""Expected drift in a heavy lognormal tail for TailDriftIT, computed with numpy and scipy from the rows (not by Vigil).

Issue 15 measured, on a drifted day of 3,600 rows against 20,000 training rows, out_of_range_count 10, 1 and 8
(exact 5), a whole range counting fewer than one of its days, and wasserstein_normed off by 2-3x in a lognormal tail.
This data reproduces that shape so the exact tails (m = 64 smallest and largest values kept exactly) can be checked.

Writes ../resources/tail/training.csv and serving.csv (the rows TailDriftIT loads into PostgreSQL) and
../resources/tail/expected.json.

Training: 20,000 rows of lognormal(mean 0, sigma 1.2), spread over ten days of February.
Serving: three days of hourly windows, 150 rows an hour (3,600 a day):
- day 1: the training distribution, every value inside the training [min, max] (no out-of-range value);
- day 2: the same, plus exactly 5 values above the training max and 1 below the training min, in place of 6 rows;
- day 3: a heavier, shifted tail, lognormal(mean 1.0, sigma 1.6): several dozen values above the training max.
The whole three-day range then holds at most 64 out-of-range values on each side (and in all), so every
out_of_range_count must be exact.

Expected, per day and over the whole range, against training: out_of_range_count and _ratio, ks
(ks_2samp(...).statistic), wasserstein_normed (wasserstein_distance / max(training stddev (ddof=1), 0.001)), and the
window's p01 and p99 (numpy method='inverted_cdf'), with whether their rank lies within the 64 exact values of a tail
and, for those that do not, the values at the rank ± 1% of n (METRICS.md's quantile tolerance).

Run from this directory:  python3 make_tail_expected.py
"""
import csv
import datetime as dt
import json
import math
import os

import numpy as np
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "tail")
START = dt.datetime(2026, 3, 7, tzinfo=dt.timezone.utc)
TRAIN_START = dt.datetime(2026, 2, 1, tzinfo=dt.timezone.utc)
TRAINING_ROWS = 20_000
PER_HOUR = 150
TAIL = 64  # Quantiles.TAIL: the m smallest and m largest values kept exactly
rng = np.random.default_rng(20261129)

training = rng.lognormal(0.0, 1.2, TRAINING_ROWS)
lo, hi = float(training.min()), float(training.max())


def inside(sigma, count, mean=0.0):
    """count draws of lognormal(mean, sigma) inside the training [min, max] (redrawn until they are)."""
    out = []
    while len(out) < count:
        v = rng.lognormal(mean, sigma, count)
        out.extend(v[(v >= lo) & (v <= hi)].tolist())
    return np.array(out[:count])


day1 = inside(1.2, 24 * PER_HOUR)
day2 = inside(1.2, 24 * PER_HOUR)
# 5 values above the max, 1 below the min, in rows spread over the day
rare = [hi * f for f in (1.05, 1.3, 1.8, 2.5, 4.0)] + [lo * 0.5]
for k, v in enumerate(rare):
    day2[(k * 577 + 123) % len(day2)] = v
day3 = rng.lognormal(1.0, 1.6, 24 * PER_HOUR)
days = [day1, day2, day3]

# the CSV holds repr() of each double, which PostgreSQL's float8 input reads back to exactly the same double


def rows():
    out = []
    next_id = 1
    for d, values in enumerate(days):
        for h in range(24):
            for k in range(PER_HOUR):
                ts = START + dt.timedelta(days=d, hours=h, seconds=int(rng.integers(0, 3600)))
                out.append((next_id, ts.isoformat(), repr(float(values[h * PER_HOUR + k]))))
                next_id += 1
    return out


serving = rows()
train_rows = []
for i, v in enumerate(training):
    ts = TRAIN_START + dt.timedelta(seconds=int(rng.integers(0, 10 * 86400)))
    train_rows.append((100000 + i, ts.isoformat(), repr(float(v))))

os.makedirs(OUT, exist_ok=True)
for name, table in (("training", train_rows), ("serving", serving)):
    with open(os.path.join(OUT, name + ".csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "ts", "value"])
        w.writerows(table)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def quantile(w, q):
    """numpy's inverted_cdf quantile, whether its rank lies in an exact tail, and the values at rank ± 1% of n."""
    s = np.sort(w)
    n = len(s)
    rank = math.ceil(q * n)  # the 1-based rank inverted_cdf picks
    value = float(np.quantile(w, q, method="inverted_cdf"))
    assert value == s[rank - 1]
    exact = rank <= TAIL or rank > n - TAIL
    slack = math.floor(0.01 * n)
    return {"value": value, "rank": rank, "exact": exact,
            "lowest": float(s[max(0, rank - 1 - slack)]), "highest": float(s[min(n - 1, rank - 1 + slack)])}


def expected(w):
    below = int(np.sum(w < lo))
    above = int(np.sum(w > hi))
    return {
        "n": len(w),
        "below": below,
        "above": above,
        "out_of_range_count": below + above,
        "out_of_range_ratio": (below + above) / len(w),
        "ks": float(stats.ks_2samp(training, w).statistic),
        "wasserstein_normed": float(stats.wasserstein_distance(training, w))
        / max(float(np.std(training, ddof=1)), 0.001),
        "p01": quantile(w, 0.01),
        "p99": quantile(w, 0.99),
    }


windows = []
for d in range(3):
    windows.append(dict({"name": "day %d" % (d + 1), "granularity": "day",
                         "window_start": iso(START + dt.timedelta(days=d))}, **expected(days[d])))
windows.append(dict({"name": "the whole range", "granularity": "all", "window_start": iso(START)},
                    **expected(np.concatenate(days))))

with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump({"generator": "src/test/python/make_tail_expected.py", "start": iso(START),
               "end": iso(START + dt.timedelta(days=3)), "training_rows": TRAINING_ROWS,
               "training_min": lo, "training_max": hi, "tail": TAIL, "windows": windows}, f, indent=1)

print("wrote %d training rows (min %.6g, max %.6g) and %d serving rows" % (len(training), lo, hi, len(serving)))
for w in windows:
    print("%-16s n=%5d below=%2d above=%2d out_of_range=%2d ks=%.4f wasserstein_normed=%.4f"
          " p01=%.6g (rank %d%s) p99=%.6g (rank %d%s)"
          % (w["name"], w["n"], w["below"], w["above"], w["out_of_range_count"], w["ks"], w["wasserstein_normed"],
             w["p01"]["value"], w["p01"]["rank"], ", exact" if w["p01"]["exact"] else "",
             w["p99"]["value"], w["p99"]["rank"], ", exact" if w["p99"]["exact"] else ""))
