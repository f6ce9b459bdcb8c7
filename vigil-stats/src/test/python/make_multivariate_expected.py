#!/usr/bin/python3
"""Expected multivariate drift metrics for MultivariateDriftTest, computed with scikit-learn, numpy and scipy
(not by Vigil). Interpreter: Debian's /usr/bin/python3 (numpy 1.24, scipy 1.10.1, scikit-learn 1.2.1).

Writes ../resources/multivariate/tabular.json and ../resources/multivariate/embedding.json:
- tabular cases (a shared reference, or the case's own, and window rows, numeric with null = NaN, categorical with null = missing, optional
  window weights) with pca_reconstruction_error as NannyML's DataReconstructionDriftCalculator computes it
  (SimpleImputer mean / most frequent, frequency encoding as NannyML's CountEncoder(normalize=True), StandardScaler,
  PCA(n_components=0.65)), the reference's own value and thresholds, and domain_classifier_auc as decision 0030
  defines it (LogisticRegression(C=1.0) over 5 predefined folds, pooled out-of-fold ROC AUC);
- embedding cases with the unbiased MMD² (RBF kernel, median heuristic over pdist of the pooled sample), the
  permutation p-value with Java's java.util.Random(19) shuffles replayed here (so it matches exactly) and, as an
  independent check, a p-value from numpy's generator.

Every number is rounded to 6 decimals before anything is computed, so the JSON holds exactly the rows used.
Run from this directory:  /usr/bin/python3 make_multivariate_expected.py
"""
import json
import math
import os

import numpy as np
from scipy.spatial import distance
from sklearn.decomposition import PCA
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import OneHotEncoder, PolynomialFeatures, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "multivariate")
rng = np.random.default_rng(20261130)


# ---------------------------------------------------------------- data

def tabular(n, rho01=0.8, shift0=0.0, cat_probs=(0.4, 0.3, 0.2, 0.1)):
    """6 numeric columns (pairs 0-1 and 2-3 correlated), 2 categorical; 5% missing in column 2 and category c0."""
    cov = np.eye(6)
    cov[0, 1] = cov[1, 0] = rho01
    cov[2, 3] = cov[3, 2] = 0.6
    z = rng.multivariate_normal(np.zeros(6), cov, size=n)
    z[:, 0] += shift0
    scales = np.array([1.0, 2.0, 0.5, 10.0, 1.0, 3.0])
    means = np.array([0.0, 5.0, -1.0, 100.0, 0.0, 2.0])
    x = np.round(z * scales + means, 6)
    x[rng.random(n) < 0.05, 2] = np.nan
    c0 = rng.choice(["a", "b", "c", "d"], size=n, p=list(cat_probs)).astype(object)
    c0[rng.random(n) < 0.05] = None
    c1 = np.where(z[:, 4] + 0.5 * rng.standard_normal(n) > 0.3, "hi", "lo").astype(object)
    cats = np.stack([c0, c1], axis=1)
    return x, cats


def js_columns(ref, win):
    """Per-column JS distance on the reference's deciles (METRICS.md's binned definition), for the record."""
    out = []
    for j in range(ref.shape[1]):
        r = ref[:, j][~np.isnan(ref[:, j])]
        w = win[:, j][~np.isnan(win[:, j])]
        if len(r) == 0 or len(w) == 0:
            out.append(None)
            continue
        edges = np.quantile(r, np.arange(1, 10) / 10, method="inverted_cdf")
        def shares(v):
            s = [np.mean(v < edges[0])]
            s += [np.mean((v >= lo) & (v < hi)) for lo, hi in zip(edges[:-1], edges[1:])]
            s.append(np.mean(v >= edges[-1]))
            return np.array(s)
        out.append(float(distance.jensenshannon(shares(r), shares(w), base=2)))
    return out


# ---------------------------------------------------------------- PCA reconstruction (NannyML's recipe)

def pca_reconstruction(ref_x, ref_c, win_x, win_c):
    num_imp = SimpleImputer(strategy="mean")  # drops columns with no value (keep_empty_features=False)
    ref_num = num_imp.fit_transform(ref_x)
    win_num = num_imp.transform(win_x)
    kept_cat = [j for j in range(ref_c.shape[1]) if any(v is not None for v in ref_c[:, j])]
    ref_cat_cols, win_cat_cols = [], []
    for j in kept_cat:
        imp = SimpleImputer(strategy="most_frequent", missing_values=None)
        r = imp.fit_transform(ref_c[:, [j]].astype(object))[:, 0]
        w = imp.transform(win_c[:, [j]].astype(object))[:, 0]
        values, counts = np.unique(r.astype(str), return_counts=True)
        share = dict(zip(values, counts / len(r)))
        ref_cat_cols.append([share.get(v, 0.0) for v in r])
        win_cat_cols.append([share.get(v, 0.0) for v in w])
    ref_enc = np.column_stack([ref_num] + [np.array(c) for c in ref_cat_cols])
    win_enc = np.column_stack([win_num] + [np.array(c) for c in win_cat_cols])
    scaler = StandardScaler()
    ref_z = scaler.fit_transform(ref_enc)
    win_z = scaler.transform(win_enc)
    pca = PCA(n_components=0.65, svd_solver="full", random_state=16).fit(ref_z)

    def row_errors(z):
        return np.linalg.norm(z - pca.inverse_transform(pca.transform(z)), axis=1)

    ref_err = row_errors(ref_z)
    win_err = row_errors(win_z)
    sd = float(np.std(ref_err, ddof=1))
    half = 3 * sd / math.sqrt(len(win_err))
    return {
        "pca_reconstruction_error": float(win_err.mean()),
        "reference_error": float(ref_err.mean()),
        "reference_row_std": sd,
        "lower_threshold": float(ref_err.mean() - half),
        "upper_threshold": float(ref_err.mean() + half),
        "components": int(pca.n_components_),
        "columns": int(ref_z.shape[1]),
    }


# ---------------------------------------------------------------- domain classifier (decision 0030)

def features(train_x, train_c, test_x, test_c):
    imp = SimpleImputer(strategy="mean")
    tr = imp.fit_transform(train_x)
    te = imp.transform(test_x)
    sc = StandardScaler().fit(tr)
    tr, te = sc.transform(tr), sc.transform(te)
    q = tr.shape[1]
    if q <= 20:
        poly = PolynomialFeatures(degree=2, include_bias=False).fit(tr)
        tr, te = poly.transform(tr), poly.transform(te)
    else:
        tr, te = np.hstack([tr, tr ** 2]), np.hstack([te, te ** 2])
    blocks_tr, blocks_te = [tr], [te]
    for j in range(train_c.shape[1]):
        a = np.array(["__missing__" if v is None else v for v in train_c[:, j]], dtype=object)
        b = np.array(["__missing__" if v is None else v for v in test_c[:, j]], dtype=object)
        values, counts = np.unique(a.astype(str), return_counts=True)
        order = sorted(range(len(values)), key=lambda i: (-counts[i], values[i]))
        top = set(values[i] for i in order[:20])
        a = np.array([v if v in top else "__other__" for v in a], dtype=object)
        b = np.array([v if v in top else "__other__" for v in b], dtype=object)
        enc = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(a.reshape(-1, 1))
        blocks_tr.append(enc.transform(a.reshape(-1, 1)))
        blocks_te.append(enc.transform(b.reshape(-1, 1)))
    return np.hstack(blocks_tr), np.hstack(blocks_te)


def domain_classifier_auc(ref_x, ref_c, win_x, win_c, win_w=None):
    m, n = len(ref_x), len(win_x)
    x = np.vstack([ref_x, win_x])
    c = np.vstack([ref_c, win_c])
    y = np.concatenate([np.zeros(m), np.ones(n)])
    ref_w = np.ones(m)
    w_win = np.ones(n) if win_w is None else np.asarray(win_w, dtype=float)
    w = np.concatenate([ref_w * m / ref_w.sum(), w_win * n / w_win.sum()])
    fold = np.concatenate([np.arange(m) % 5, np.arange(n) % 5])  # sklearn PredefinedSplit(test_fold=fold)
    scores = np.zeros(m + n)
    for f in range(5):
        train, test = fold != f, fold == f
        xtr, xte = features(x[train], c[train], x[test], c[test])
        model = LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12, max_iter=1000)
        model.fit(xtr, y[train], sample_weight=w[train])
        scores[test] = model.decision_function(xte)
    return float(roc_auc_score(y, scores, sample_weight=w))


# ---------------------------------------------------------------- MMD

class JavaRandom:
    """java.util.Random, as its javadoc specifies it (48-bit LCG; nextInt(bound) with its rejection loop)."""

    def __init__(self, seed):
        self.seed = (seed ^ 0x5DEECE66D) & ((1 << 48) - 1)

    def next(self, bits):
        self.seed = (self.seed * 0x5DEECE66D + 0xB) & ((1 << 48) - 1)
        return self.seed >> (48 - bits)

    def next_int(self, bound):
        r = self.next(31)
        m = bound - 1
        if bound & m == 0:
            return (bound * r) >> 31
        u = r
        r = u % bound
        while u - r + m >= 1 << 31:
            u = self.next(31)
            r = u % bound
        return r


def mmd2_unbiased(k, a, b):
    m, n = len(a), len(b)
    kxx = k[np.ix_(a, a)]
    kyy = k[np.ix_(b, b)]
    kxy = k[np.ix_(a, b)]
    return ((kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
            - 2 * kxy.sum() / (m * n))


def mmd(x, y, permutations=200, seed=19):
    z = np.vstack([x, y])
    m, total = len(x), len(x) + len(y)
    sigma = float(np.median(distance.pdist(z, "euclidean")))
    k = np.exp(-distance.squareform(distance.pdist(z, "sqeuclidean")) / (2 * sigma ** 2))
    idx = np.arange(total)
    observed = mmd2_unbiased(k, idx[:m], idx[m:])
    java = JavaRandom(seed)
    order = list(range(total))
    at_least = 0
    for _ in range(permutations):
        for i in range(total - 1, 0, -1):
            j = java.next_int(i + 1)
            order[i], order[j] = order[j], order[i]
        o = np.array(order)
        if mmd2_unbiased(k, o[:m], o[m:]) >= observed:
            at_least += 1
    gen = np.random.default_rng(seed)
    at_least_np = sum(
        mmd2_unbiased(k, p[:m], p[m:]) >= observed for p in (gen.permutation(total) for _ in range(permutations)))
    return {
        "mmd": float(observed),
        "bandwidth": sigma,
        "mmd_pvalue_java_random": (1 + at_least) / (1 + permutations),
        "mmd_pvalue_numpy": (1 + int(at_least_np)) / (1 + permutations),
        "permutations": permutations,
        "seed": seed,
    }


# ---------------------------------------------------------------- cases

def rows(a):
    return [[None if (isinstance(v, float) and math.isnan(v)) else v for v in r] for r in a.tolist()]


def tabular_case(name, ref, win, win_w=None, shared=True):
    rx, rc = ref
    wx, wc = win
    case = {
        "name": name,
        "reference": None if shared else {"numeric": rows(rx), "categorical": rc.tolist()},
        "window": {"numeric": rows(wx), "categorical": wc.tolist(), "weights": win_w},
        "expected": pca_reconstruction(rx, rc, wx, wc),
        "js_distance": js_columns(rx, wx),
    }
    case["expected"]["domain_classifier_auc"] = domain_classifier_auc(rx, rc, wx, wc, win_w)
    print(name, case["expected"], [None if v is None else round(v, 3) for v in case["js_distance"]])
    return case


def main():
    n = 1000
    ref = tabular(n)
    cases = [
        tabular_case("no_drift", ref, tabular(n)),
        tabular_case("mean_shift", ref, tabular(n, shift0=0.5, cat_probs=(0.25, 0.3, 0.25, 0.2))),
        # marginals identical (standard normals), only the sign of corr(x0, x1) flips
        tabular_case("correlation_only", ref, tabular(n, rho01=-0.8)),
    ]
    weights = [round(float(v), 6) for v in rng.uniform(0.5, 2.0, n)]
    cases.append(tabular_case("weighted_mean_shift", ref, tabular(n, shift0=0.3), weights))
    # a constant column (changed in a few window rows), a column with no value and a category with no value
    rx, rc = ref
    wx, wc = tabular(n, shift0=0.3)
    const_r = np.full((n, 1), 3.0)
    const_w = np.full((n, 1), 3.0)
    const_w[:25] = 4.0
    empty = np.full((n, 1), np.nan)
    none = np.full((n, 1), None, dtype=object)
    cases.append(tabular_case(
        "constant_and_empty_columns",
        (np.hstack([rx, const_r, empty]), np.hstack([rc, none])),
        (np.hstack([wx, const_w, empty]), np.hstack([wc, none])), shared=False))
    # fewer rows than columns (PCA's rank-deficient case) and more than 20 numeric columns (squares, no products)
    wide = np.random.default_rng(19)
    mix = wide.standard_normal((60, 60)) / math.sqrt(60)
    wide_ref = np.round(wide.standard_normal((40, 60)) @ mix, 6)
    wide_win = np.round(wide.standard_normal((40, 60)) @ mix + 0.3, 6)
    no_cat = np.empty((40, 0), dtype=object)
    cases.append(tabular_case("wide", (wide_ref, no_cat), (wide_win, no_cat), shared=False))
    shared_reference = {"numeric": rows(rx), "categorical": rc.tolist()}
    with open(os.path.join(OUT, "tabular.json"), "w") as f:
        json.dump({"reference": shared_reference, "cases": cases}, f, separators=(",", ":"))

    d, m = 32, 150
    a = rng.standard_normal((d, d)) / math.sqrt(d)
    def emb(k, scale=None, shift=None):
        g = rng.standard_normal((k, d))
        if scale is not None:
            g = g * scale
        e = g @ a
        if shift is not None:
            e = e + shift
        return np.round(e, 6)
    ref_e = emb(m)
    direction = rng.standard_normal(d)
    direction /= np.linalg.norm(direction)
    scale = np.where(np.arange(d) < d // 2, 2.0, 0.5)
    emb_cases = []
    for name, win_e in [
        ("no_drift", emb(m)),
        ("centroid_shift", emb(m, shift=1.0 * direction)),
        ("covariance_only", emb(m, scale=scale)),
    ]:
        expected = mmd(ref_e, win_e)
        print(name, expected)
        emb_cases.append({"name": name, "reference": ref_e.tolist(), "window": win_e.tolist(), "expected": expected})
    with open(os.path.join(OUT, "embedding.json"), "w") as f:
        json.dump({"cases": emb_cases}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
