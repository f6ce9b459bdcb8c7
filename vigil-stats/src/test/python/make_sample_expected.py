#!/usr/bin/env python3
# Interpreter: the pyenv `python3` on PATH (scipy 1.17.1); Debian's /usr/bin/python3 (scipy 1.10.1) gives the same.
"""Bounds for SampleProfileTest, from the sampling distributions, not from Vigil's code.

Uniformity: a uniform reservoir of k of n rows, drawn T times (one hash seed each), includes each row
Binomial(T, p = k/n) times; the counts are tied (they add up to T k), their covariance is
T p (1 - p) (n / (n - 1)) (I - J / n), so X = (n - 1) / n * sum((O - T p)^2) / (T p (1 - p)) is chi-square
with n - 1 degrees of freedom. The test fails above its 0.999 quantile.

Weighted merge: a window of 1,000 rows and one of 9,000, each sampled to 1,000 rows, merged to 1,000:
the rows of the first are hypergeometric (population 10,000, 1,000 marked, 1,000 drawn).
The test's bounds are the 1e-6 and 1 - 1e-6 quantiles.
"""
from scipy.stats import chi2, hypergeom

n, k, trials = 40, 10, 2000
print(f"uniformity n={n} k={k} trials={trials} chi2(0.999, {n - 1}) = {chi2.ppf(0.999, n - 1):.4f}")
M, marked, drawn = 10_000, 1_000, 1_000
h = hypergeom(M, marked, drawn)
print(f"weighted merge: rows of the 1,000-row window in [{int(h.ppf(1e-6))}, {int(h.isf(1e-6))}]"
      f" (mean {h.mean():.1f}, sd {h.std():.2f})")
