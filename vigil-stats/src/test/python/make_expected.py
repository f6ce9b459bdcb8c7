#!/usr/bin/env python3
"""Generates the datasets and independently computed expected metrics for FieldProfileExpectedValuesTest.

Run from the vigil-stats directory:  python3 src/test/python/make_expected.py
Writes src/test/resources/expected/data.json (raw values per window) and
src/test/resources/expected/metrics.json (expected metrics per window and for "all").
Uses numpy only; the output is deterministic (seeded generator, fixed rounding).

JSON encoding of special values in data.json: null = SQL NULL; for the numeric column the strings
"NaN", "Infinity", "-Infinity" stand for those doubles and any other string (e.g. "abc") is a value that
cannot be coerced to a number (a type mismatch). For the embedding column a null element is NaN.
"""
import json
import os

import numpy as np

WINDOWS = 5
NUMERIC_ROWS = 4000  # per window: 20,000 in all
OTHER_ROWS = 1000  # per window for the categorical, text and embedding columns
EMBEDDING_DIM = 8
QUANTILES = [("p01", 0.01), ("p05", 0.05), ("p10", 0.10), ("p25", 0.25), ("p50", 0.50),
             ("p75", 0.75), ("p90", 0.90), ("p95", 0.95), ("p99", 0.99)]
TOP_VALUES = 50

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "expected"))

rng = np.random.default_rng(20240611)


def numeric_column(n):
    # Rounded to 2 decimals, so values repeat: a few thousand distinct values a window, past the 1,000 below which
    # distinct_count is exact (METRICS.md: within 2% above).
    values = [float(v) for v in np.round(rng.normal(50.0, 10.0, n), 2)]
    # Some values repeat exactly and -0.0/0.0 both appear (they are one distinct value).
    out = []
    for v in values:
        r = rng.random()
        if r < 0.02:
            out.append(None)
        elif r < 0.035:
            out.append("NaN")
        elif r < 0.040:
            out.append("Infinity")
        elif r < 0.043:
            out.append("-Infinity")
        elif r < 0.045:
            out.append("abc")
        else:
            out.append(v)
    return out


# Zipf-like weights over 60 values, some with non-ASCII characters; several equal weights make ties likely.
CATEGORIES = ["v%02d" % i for i in range(55)] + ["é", "ü-1", "日本", "", "Zeta"]
CAT_WEIGHTS = np.array([1.0 / (1 + i // 2) for i in range(len(CATEGORIES))])
CAT_WEIGHTS = CAT_WEIGHTS / CAT_WEIGHTS.sum()


def categorical_column(n):
    idx = rng.choice(len(CATEGORIES), size=n, p=CAT_WEIGHTS)
    return [None if rng.random() < 0.05 else CATEGORIES[i] for i in idx]


WORDS = ["the", "model", "drift", "alpha", "naïve", "café", "日本語", "😀", "x", "monitoring", "window"]
SPACES = [" ", "  ", "\t", "\n", " \t "]


def text_column(n):
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.04:
            out.append(None)
        elif r < 0.08:
            out.append("")
        elif r < 0.10:
            out.append(SPACES[rng.integers(len(SPACES))])
        else:
            k = int(rng.integers(1, 12))
            parts = [SPACES[rng.integers(len(SPACES))] if rng.random() < 0.2 else ""]
            for j in range(k):
                parts.append(WORDS[rng.integers(len(WORDS))])
                parts.append(SPACES[rng.integers(len(SPACES))] if j < k - 1 else
                             (" " if rng.random() < 0.2 else ""))
            out.append("".join(parts))
    return out


def embedding_column(n):
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.03:
            out.append(None)
        elif r < 0.05:
            length = EMBEDDING_DIM + (1 if rng.random() < 0.5 else -1)
            out.append([float(v) for v in np.round(rng.normal(0.5, 1.0, length), 4)])
        elif r < 0.06:
            v = [float(x) for x in np.round(rng.normal(0.5, 1.0, EMBEDDING_DIM), 4)]
            v[int(rng.integers(EMBEDDING_DIM))] = None  # NaN element: invalid
            out.append(v)
        else:
            out.append([float(v) for v in np.round(rng.normal(0.5, 1.0, EMBEDDING_DIM), 4)])
    return out


LONG_VALUE_CHARS = 1000  # a longer categorical/string value is counted and kept as its first 1000 characters
LONG_TEXT_CHARS = 100000  # a longer text is counted (and profiled whole)


def add_long_values(window, w):
    """Long values at fixed places (after the random draws, so the rest of the data is unchanged)."""
    # Two distinct long categories per window that share their first 1000 characters (the second ends in an
    # emoji, a code point outside the BMP): kept as one truncated value.
    window["category"][7] = "L" * 1000 + "-a%d" % w
    window["category"][8] = "L" * 999 + "\U0001F600" + "b"
    if w == 1:
        window["text"][5] = "naïve " * (LONG_TEXT_CHARS // 6 + 1)


def common(count, missing, invalid, mismatch):
    return {
        "count": count,
        "missing_count": missing,
        "missing_ratio": (missing / count) if count else None,
        "invalid_count": invalid,
        "type_mismatch_count": mismatch,
    }


def numeric_metrics(values):
    missing = sum(1 for v in values if v is None or v == "NaN")
    mismatch = sum(1 for v in values if isinstance(v, str) and v not in ("NaN", "Infinity", "-Infinity"))
    invalid = mismatch + sum(1 for v in values if v in ("Infinity", "-Infinity"))
    x = np.array([v for v in values if isinstance(v, float)], dtype=np.float64)
    m = common(len(values), missing, invalid, mismatch)
    m["mean"] = float(np.mean(x))
    m["sum"] = float(np.sum(x))
    m["min"] = float(np.min(x))
    m["max"] = float(np.max(x))
    m["stddev"] = float(np.std(x, ddof=1))
    m["variance"] = float(np.var(x, ddof=1))
    for name, q in QUANTILES:
        m[name] = float(np.quantile(x, q, method="inverted_cdf"))
    m["median"] = m["p50"]
    m["distinct_count"] = int(np.unique(x).size)
    assert m["distinct_count"] > 1000  # the merged windows reach the HLL range (METRICS.md: within 2%)
    return m


def categorical_metrics(values):
    present = [v for v in values if v is not None]
    m = common(len(values), len(values) - len(present), 0, 0)
    m["long_value_count"] = sum(1 for v in present if len(v) > LONG_VALUE_CHARS)  # len() counts code points
    present = [v[:LONG_VALUE_CHARS] for v in present]
    uniq, counts = np.unique(np.array(present, dtype=object), return_counts=True)
    pairs = sorted(zip(uniq.tolist(), counts.tolist()), key=lambda p: (-p[1], p[0]))
    m["distinct_count"] = len(pairs)
    for value, count in pairs[:TOP_VALUES]:
        m["value_count[%s]" % value] = int(count)
    other = int(sum(c for _, c in pairs[TOP_VALUES:]))
    if other > 0:
        m["value_count[__other__]"] = other
    return m


def text_metrics(values):
    present = [v for v in values if v is not None]
    m = common(len(values), len(values) - len(present), 0, 0)
    m["long_value_count"] = sum(1 for v in present if len(v) > LONG_TEXT_CHARS)
    lengths = np.array([len(v) for v in present])  # Python len() counts code points
    tokens = np.array([len(v.split()) for v in present])
    m["mean_length"] = float(np.mean(lengths))
    m["min_length"] = int(np.min(lengths))
    m["max_length"] = int(np.max(lengths))
    m["empty_count"] = int(sum(1 for v in present if v == ""))
    m["mean_token_count"] = float(np.mean(tokens))
    return m


def embedding_metrics(rows):
    missing = sum(1 for r in rows if r is None)
    valid = [r for r in rows if r is not None and len(r) == EMBEDDING_DIM and all(x is not None for x in r)]
    invalid = len(rows) - missing - len(valid)
    m = common(len(rows), missing, invalid, 0)
    x = np.array(valid, dtype=np.float64)
    m["mean_norm"] = float(np.mean(np.linalg.norm(x, axis=1)))
    m["centroid"] = [float(c) for c in np.mean(x, axis=0)]
    return m


def metrics_of(window):
    return {
        "numeric": numeric_metrics(window["numeric"]),
        "category": categorical_metrics(window["category"]),
        "text": text_metrics(window["text"]),
        "embedding": embedding_metrics(window["embedding"]),
    }


def main():
    windows = []
    for _ in range(WINDOWS):
        windows.append({
            "numeric": numeric_column(NUMERIC_ROWS),
            "category": categorical_column(OTHER_ROWS),
            "text": text_column(OTHER_ROWS),
            "embedding": embedding_column(OTHER_ROWS),
        })
        add_long_values(windows[-1], len(windows) - 1)
    everything = {column: [v for w in windows for v in w[column]] for column in windows[0]}
    expected = {
        "windows": [metrics_of(w) for w in windows],
        "all": metrics_of(everything),
    }
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "data.json"), "w", encoding="utf-8") as f:
        json.dump({"windows": windows}, f, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        f.write("\n")
    with open(os.path.join(OUT, "metrics.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, allow_nan=False, indent=1, sort_keys=False)
        f.write("\n")


if __name__ == "__main__":
    main()
