#!/usr/bin/python3
"""Synthetic regression data for DLE (ADR 0028), with realized MAE/MSE per window.

Interpreter: Debian's /usr/bin/python3 (numpy 1.24). Run from the repository root:
    /usr/bin/python3 vigil-engine/src/test/python/dle_synthetic.py
It writes vigil-engine/src/test/resources/dle/{reference,windows}.csv.gz and expected.csv.

The model's prediction is the true mean f(x) = 3 x1 + {a: 0, b: 1, c: 2}[cat] + 0.5 flag; the actual is
f(x) + noise whose standard deviation depends on the row (heteroscedastic):
    sd = (0.2 + 2 x1) * {a: 1.0, b: 1.2, c: 1.6}[cat]
so |error| and error² are functions of x1 and cat that DLE can learn; flag is a distractor with no effect on the
noise. Windows 0-9 are drawn like the reference (x1 ~ U(0, 1), cat a/b/c with p = 0.5/0.3/0.2); windows 10-19
are shifted to noisier rows (x1 ~ Beta(3, 1), cat p = 0.2/0.3/0.5): the realized MAE moves by about +60%.
Each window has 10,000 rows. Realized mae, mse, rmse per window are computed here from the actual errors.
"""
import csv
import gzip
import os

import numpy as np

OUT = "vigil-engine/src/test/resources/dle"
ROWS = 10_000
CATS = np.array(["a", "b", "c"])
MEAN = {"a": 0.0, "b": 1.0, "c": 2.0}
SCALE = {"a": 1.0, "b": 1.2, "c": 1.6}


def draw(rng, n, shifted):
    x1 = rng.beta(3, 1, n) if shifted else rng.uniform(0, 1, n)
    cat = rng.choice(CATS, n, p=[0.2, 0.3, 0.5] if shifted else [0.5, 0.3, 0.2])
    flag = rng.uniform(0, 1, n) < 0.5
    f = 3 * x1 + np.array([MEAN[c] for c in cat]) + 0.5 * flag
    sd = (0.2 + 2 * x1) * np.array([SCALE[c] for c in cat])
    actual = f + rng.normal(0, 1, n) * sd
    return x1, cat, flag, np.round(f, 6), np.round(actual, 6)


def write(path, rows, header):
    with gzip.GzipFile(path, "wb", mtime=0) as raw:
        text = [",".join(header)]
        for r in rows:
            text.append(",".join(r))
        raw.write(("\n".join(text) + "\n").encode())


def main():
    rng = np.random.default_rng(20260128)
    os.makedirs(OUT, exist_ok=True)
    x1, cat, flag, p, a = draw(rng, 20_000, False)
    write(os.path.join(OUT, "reference.csv.gz"),
          (["%.6f" % x1[i], cat[i], "true" if flag[i] else "false", "%.6f" % p[i], "%.6f" % a[i]]
           for i in range(len(x1))),
          ["x1", "cat", "flag", "prediction", "actual"])
    rows = []
    expected = []
    for w in range(20):
        x1, cat, flag, p, a = draw(rng, ROWS, w >= 10)
        e = p - a
        expected.append((w, np.mean(np.abs(e)), np.mean(e * e), np.sqrt(np.mean(e * e))))
        rows.extend([str(w), "%.6f" % x1[i], cat[i], "true" if flag[i] else "false", "%.6f" % p[i], "%.6f" % a[i]]
                    for i in range(ROWS))
    write(os.path.join(OUT, "windows.csv.gz"), rows, ["window", "x1", "cat", "flag", "prediction", "actual"])
    with open(os.path.join(OUT, "expected.csv"), "w", newline="") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["window", "mae", "mse", "rmse"])
        for row in expected:
            w.writerow([row[0]] + ["%.10g" % v for v in row[1:]])


if __name__ == "__main__":
    main()
