#!/usr/bin/env python3
"""Expected KS p-values for KsPValueTest (decision 0031), from scipy on the raw samples, not from Vigil.

Interpreter: the pyenv `python3` on PATH (scipy 1.17.1); Debian's /usr/bin/python3 (scipy 1.10.1) gives the same.

Writes ../resources/kstest/cases.json: for each case the two samples (rounded to 6 decimals; scipy sees the rounded
values too), scipy.stats.ks_2samp(x, y, method='asymp') statistic and pvalue, and the band the p-value from the
quantile sketches must fall in: the sketch's statistic is within TOL of the exact one, and Vigil takes
ALLOWANCE (0.007 per sketch that compacted, i.e. more than 400 values) off it, so its p-value lies between
kstwo.sf(D - allowance + TOL, n_e) and kstwo.sf(D - allowance - TOL, n_e), n_e = round(n1 n2 / (n1 + n2)).

Run from this directory:  python3 make_ks_pvalue_expected.py
"""
import json
import os

import numpy as np
import scipy
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "kstest", "cases.json")
TOL = 0.005
PER_SKETCH = 0.007
EXACT_UP_TO = 400
rng = np.random.default_rng(20261130)

specs = [
    ("normal, same", 60, 90, 0.0, 1.0),
    ("normal, shifted 0.5", 80, 120, 0.5, 1.0),
    ("exact sketches, shifted 0.2", 300, 380, 0.2, 1.0),
    ("1k vs 1k, same", 1000, 1000, 0.0, 1.0),
    ("1k vs 3k, shifted 0.15", 1000, 3000, 0.15, 1.0),
    ("5k vs 5k, scale 1.1", 5000, 5000, 0.0, 1.1),
    ("10k vs 4k, shifted 0.05", 10000, 4000, 0.05, 1.0),
    ("2k vs 8k, lognormal same", 2000, 8000, None, None),
]
cases = []
for name, n1, n2, shift, scale in specs:
    if shift is None:
        x = np.exp(rng.normal(size=n1))
        y = np.exp(rng.normal(size=n2))
    else:
        x = rng.normal(size=n1)
        y = rng.normal(loc=shift, scale=scale, size=n2)
    x = np.round(x, 6)
    y = np.round(y, 6)
    r = stats.ks_2samp(x, y, method="asymp")
    d = float(r.statistic)
    en = round(n1 * n2 / (n1 + n2))
    allowance = (PER_SKETCH if n1 > EXACT_UP_TO else 0) + (PER_SKETCH if n2 > EXACT_UP_TO else 0)
    exact = allowance == 0
    lo_d = max(0.0, d - allowance + (0 if exact else TOL))
    hi_d = max(0.0, d - allowance - (0 if exact else TOL))
    cases.append({
        "name": name,
        "baseline": [float(v) for v in x],
        "window": [float(v) for v in y],
        "statistic": d,
        "pvalue": float(r.pvalue),
        "sketch_pvalue_min": float(stats.kstwo.sf(lo_d, en)) if lo_d > 0 else 1.0,
        "sketch_pvalue_max": float(stats.kstwo.sf(hi_d, en)) if hi_d > 0 else 1.0,
    })
    print(name, d, r.pvalue, cases[-1]["sketch_pvalue_min"], cases[-1]["sketch_pvalue_max"])

with open(OUT, "w") as f:
    json.dump({"scipy": scipy.__version__, "tolerance": TOL, "cases": cases}, f)
print("wrote", OUT)
