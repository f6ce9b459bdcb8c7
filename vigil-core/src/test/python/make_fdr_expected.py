#!/usr/bin/env python3
"""Expected values for FalseDiscoveryTest and DetectorTest (decision 0031), from scipy, not from Vigil.

Interpreter: the pyenv `python3` on PATH, scipy 1.17.1 (scipy.stats.false_discovery_control is scipy >= 1.11).

Writes ../resources/fdr/cases.json:
  bh: Benjamini-Hochberg q-values, scipy.stats.false_discovery_control(ps, method='bh'), on hand-picked cases
      (ties, p = 0 and 1, a single test) and seeded random ones;
  prediction: t_{1-alpha/2, n-1} * sqrt(1 + 1/n), the prediction-interval half-width in sample standard deviations.

Run from this directory:  python3 make_fdr_expected.py
"""
import json
import os

import numpy as np
import scipy
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "fdr", "cases.json")
rng = np.random.default_rng(20261130)

cases = [
    [0.01],
    [0.0],
    [1.0],
    [0.0, 1.0],
    [0.04, 0.04, 0.04, 0.04],
    [0.01, 0.02, 0.02, 0.03, 0.5, 1.0, 0.0],
    [0.9, 0.001, 0.3, 0.001, 0.049, 0.2, 0.0001, 1.0],
    [1.0, 1.0, 1.0],
    [0.5, 0.0, 0.0, 0.25],
]
for m in (5, 25, 100):
    cases.append([float(x) for x in rng.uniform(size=m)])
    mixed = np.concatenate([rng.uniform(size=m - 3), rng.uniform(0, 1e-4, size=3)])
    cases.append([float(x) for x in mixed])

bh = [{"p": c, "q": [float(q) for q in stats.false_discovery_control(np.array(c), method="bh")]} for c in cases]

prediction = []
for alpha in (0.01, 0.05, 0.001):
    for n in (2, 5, 8, 12, 30):
        factor = float(stats.t.ppf(1 - alpha / 2, n - 1) * np.sqrt(1 + 1 / n))
        prediction.append({"alpha": alpha, "n": n, "factor": factor})

with open(OUT, "w") as f:
    json.dump({"scipy": scipy.__version__, "bh": bh, "prediction": prediction}, f, indent=1)
print("wrote", OUT)
