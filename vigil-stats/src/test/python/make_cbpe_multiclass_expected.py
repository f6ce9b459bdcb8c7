#!/usr/bin/python3
"""Synthetic rows and expected CBPE estimates for MulticlassCalibrationTest and MultiLabelCalibrationTest, computed
with Debian's /usr/bin/python3 (numpy 1.24, scikit-learn 1.2.1) straight from the rows, not by Vigil.

Multiclass (classes a, b, c, d): a latent x ~ N(mu, I_2) per row, logits z_k = t * (W_k . x) + b_k, TRUE class
probabilities p = softmax(z); the actual is drawn from p. The model reports the dict {k: p_k ** 0.6} (rounded to 5
decimals): over-confident scores that do not sum to 1, so the isotonic calibration has work to do, while each
score is a monotone function of its own true probability, so E[actual is k | score_k] = p_k holds exactly under any
shift of x, t or b (the premise of CBPE). Predicted = argmax of the reported scores (ties to the first class).

Multi-label (labels l0..l4): q_l = sigmoid(a_l + V_l . x), each label present independently with probability q_l;
reported score q_l ** 0.6 (rounded to 5 decimals), predicted when the score is >= 0.5.

Sets: "reference" (20,000 rows), "window" 0..29 (2,000 rows each; x's mean drifts slowly, the calibration still
holds), "shifted" 0..9 (2,000 rows each; multiclass: the logits' scale t falls from 1.0 to 0.35, the model gets
less sure and less right, and the class mix moves with b; multi-label: the intercepts and x's mean move).

Expected estimates, per window, by scikit-learn's IsotonicRegression(out_of_bounds="clip") fitted one class (label)
against the rest on the reference's raw scores, then the formulas of docs/decisions/0027 with the calibrated
probability c of every (row, class):
  multiclass  TP_k = sum_{pred k} c_k, FP_k = sum_{pred k} (1 - c_k), FN_k = sum_{pred != k} c_k,
              Var TP_k = sum_{pred k} c_k (1 - c_k), Var FN_k = sum_{pred != k} c_k (1 - c_k);
              accuracy = sum TP_k / n, sd sqrt(sum_k Var TP_k) / n;
              precision_k = TP_k / P_k (P_k rows predicted k), var Var TP_k / P_k^2;
              recall_k = TP_k / (TP_k + FN_k), var (FN_k^2 Var TP_k + TP_k^2 Var FN_k) / (TP_k + FN_k)^4;
              f1_k = 2 TP_k / (P_k + TP_k + FN_k), var (4 (P_k + FN_k)^2 Var TP_k + 4 TP_k^2 Var FN_k) / d^4;
              macro = mean over classes, var = sum of class variances / K^2; micro = accuracy.
  multi-label per label as above; f1_micro from the sums of TP, FN, P and the variances; f1_macro the mean;
              hamming = (sum FP + sum FN) / (n L), sd sqrt(sum_all c (1 - c)) / (n L).
The fit itself is also checked pointwise, fitted on the reference's scores cut to Vigil's buckets.
Realized metrics: sklearn accuracy_score, precision_recall_fscore_support (zero_division=0), f1_score,
hamming_loss.

Writes ../resources/cbpe/{multiclass,multilabel}-rows.csv.gz and ../resources/cbpe/{multiclass,multilabel}.json.
Run from this directory:  /usr/bin/python3 make_cbpe_multiclass_expected.py
"""
import gzip
import io
import json
import os

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import (accuracy_score, f1_score, hamming_loss, precision_recall_fscore_support)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "cbpe")
rng = np.random.default_rng(20261130)

CLASSES = ["a", "b", "c", "d"]
LABELS = ["l0", "l1", "l2", "l3", "l4"]
POWER = 0.6
REFERENCE_ROWS = 20_000
WINDOW_ROWS = 2_000
WINDOWS = 30
SHIFTED = 10

# multiclass: four directions in the latent plane, norm 2.2
ANGLES = np.array([0.0, 0.5, 1.0, 1.5]) * np.pi
W = 2.2 * np.stack([np.cos(ANGLES), np.sin(ANGLES)], axis=1)  # K x 2
# multi-label
A = np.array([-1.0, -0.5, 0.0, 0.4, -1.5])
V = np.array([[2.0, 0.0], [0.0, 2.0], [-1.5, 1.5], [1.0, 1.0], [-2.0, -0.5]])


def sets():
    """(set name, window index, multiclass params (mu, t, b), multi-label params (mu, a_shift))."""
    yield "reference", 0, REFERENCE_ROWS, (np.zeros(2), 1.0, np.zeros(4)), (np.zeros(2), 0.0)
    for w in range(WINDOWS):
        mu = np.array([0.3, -0.2]) * w / (WINDOWS - 1)
        yield "window", w, WINDOW_ROWS, (mu, 1.0, np.zeros(4)), (mu, 0.0)
    for w in range(SHIFTED):
        f = w / (SHIFTED - 1)
        t = 1.0 - 0.65 * f
        b = np.array([0.0, 0.8, -0.4, 0.2]) * f
        yield "shifted", w, WINDOW_ROWS, (np.array([0.5, 0.5]) * f, t, b), (np.array([0.8, -0.6]) * f, 1.2 * f)


def bucket(scores):
    """Vigil's score bucket of non-negative scores: the double's mantissa cut to its first 12 bits."""
    bits = np.ascontiguousarray(scores, dtype=np.float64).view(np.int64) & ~np.int64((1 << 40) - 1)
    return bits.view(np.float64)


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def multiclass_rows(n, mu, t, b):
    x = rng.normal(size=(n, 2)) + mu
    p = softmax(t * (x @ W.T) + b)
    actual = np.array([rng.choice(len(CLASSES), p=row) for row in p])
    scores = np.round(p ** POWER, 5)
    predicted = np.argmax(scores, axis=1)
    return scores, predicted, actual


def multilabel_rows(n, mu, shift):
    x = rng.normal(size=(n, 2)) + mu
    q = 1 / (1 + np.exp(-(A + shift + x @ V.T)))
    actual = (rng.random(size=q.shape) < q).astype(int)
    scores = np.round(q ** POWER, 5)
    predicted = (scores >= 0.5).astype(int)
    return scores, predicted, actual


def one_vs_rest(c, predicted_k):
    """Expected TP, FP, FN, Var TP, Var FN, P of one class from its calibrated probabilities c per row."""
    pos = predicted_k
    v = c * (1 - c)
    return dict(tp=c[pos].sum(), fp=(1 - c[pos]).sum(), fn=c[~pos].sum(), vtp=v[pos].sum(), vfn=v[~pos].sum(),
                p=float(pos.sum()))


def precision(e):
    return (0.0, 0.0) if e["p"] == 0 else (e["tp"] / e["p"], e["vtp"] / e["p"] ** 2)


def recall(e):
    a = e["tp"] + e["fn"]
    if a == 0:
        return 0.0, 0.0
    return e["tp"] / a, (e["fn"] ** 2 * e["vtp"] + e["tp"] ** 2 * e["vfn"]) / a ** 4


def f1(e):
    d = e["p"] + e["tp"] + e["fn"]
    if d == 0:
        return 0.0, 0.0
    return 2 * e["tp"] / d, (4 * (e["p"] + e["fn"]) ** 2 * e["vtp"] + 4 * e["tp"] ** 2 * e["vfn"]) / d ** 4


def macro(pairs):
    k = len(pairs)
    return sum(v for v, _ in pairs) / k, np.sqrt(sum(var for _, var in pairs)) / k


def est(value, sd):
    return {"value": float(value), "std": float(sd)}


def multiclass():
    data = [(name, w, *multiclass_rows(n, *mc)) for name, w, n, mc, _ in sets()]
    _, _, ref_scores, _, ref_actual = data[0]
    iso = [IsotonicRegression(out_of_bounds="clip").fit(ref_scores[:, k], (ref_actual == k).astype(float))
           for k in range(len(CLASSES))]
    windows = []
    for name, w, scores, predicted, actual in data[1:]:
        c = np.stack([iso[k].predict(scores[:, k]) for k in range(len(CLASSES))], axis=1)
        per = [one_vs_rest(c[:, k], predicted == k) for k in range(len(CLASSES))]
        n = len(predicted)
        acc = est(sum(e["tp"] for e in per) / n, np.sqrt(sum(e["vtp"] for e in per)) / n)
        estimated = {"estimated_accuracy": acc}
        for metric, f in (("precision", precision), ("recall", recall), ("f1", f1)):
            estimated["estimated_" + metric + "_macro"] = est(*macro([f(e) for e in per]))
            estimated["estimated_" + metric + "_micro"] = acc
        y_true = [CLASSES[i] for i in actual]
        y_pred = [CLASSES[i] for i in predicted]
        realized = {"accuracy": accuracy_score(y_true, y_pred)}
        for average in ("macro", "micro"):
            p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average=average, zero_division=0)
            realized.update({"precision_" + average: p, "recall_" + average: r, "f1_" + average: f})
        windows.append({"set": name, "window": w, "estimated": estimated,
                        "realized": {k: float(v) for k, v in realized.items()}})
    # the fit itself, on the reference's scores cut to Vigil's buckets (12 mantissa bits) as Vigil fits them: a
    # pointwise isotonic fit moves where pooled neighbours differ, so raw and bucketed fits are compared only through
    # the estimates above
    queries = [0.0, 0.05, 0.2, 0.4, 0.55, 0.7, 0.85, 0.95, 1.0]
    probabilities = {}
    for k in range(len(CLASSES)):
        fit = IsotonicRegression(out_of_bounds="clip").fit(bucket(ref_scores[:, k]), (ref_actual == k).astype(float))
        probabilities[CLASSES[k]] = [float(v) for v in fit.predict(bucket(np.array(queries)))]
    write_rows("multiclass-rows.csv.gz", "set,window,predicted,actual," + ",".join(CLASSES),
               [(name, w, [CLASSES[i] for i in pr], [CLASSES[i] for i in ac], sc)
                for name, w, sc, pr, ac in data])
    return {"classes": CLASSES, "queries": queries, "probabilities": probabilities, "windows": windows}


def multilabel():
    data = [(name, w, *multilabel_rows(n, *ml)) for name, w, n, _, ml in sets()]
    _, _, ref_scores, _, ref_actual = data[0]
    iso = [IsotonicRegression(out_of_bounds="clip").fit(ref_scores[:, j], ref_actual[:, j].astype(float))
           for j in range(len(LABELS))]
    windows = []
    for name, w, scores, predicted, actual in data[1:]:
        c = np.stack([iso[j].predict(scores[:, j]) for j in range(len(LABELS))], axis=1)
        per = [one_vs_rest(c[:, j], predicted[:, j] == 1) for j in range(len(LABELS))]
        tot = {key: sum(e[key] for e in per) for key in per[0]}
        pairs = c.size
        estimated = {
            "estimated_hamming_loss": est((tot["fp"] + tot["fn"]) / pairs, np.sqrt((c * (1 - c)).sum()) / pairs),
            "estimated_f1_micro": est(*(lambda v: (v[0], np.sqrt(v[1])))(f1(tot))),
            "estimated_f1_macro": est(*macro([f1(e) for e in per])),
        }
        for j, label in enumerate(LABELS):
            v, var = f1(per[j])
            estimated["estimated_f1[" + label + "]"] = est(v, np.sqrt(var))
        realized = {
            "hamming_loss": hamming_loss(actual, predicted),
            "f1_micro": f1_score(actual, predicted, average="micro", zero_division=0),
            "f1_macro": f1_score(actual, predicted, average="macro", zero_division=0),
        }
        for j, label in enumerate(LABELS):
            realized["f1[" + label + "]"] = f1_score(actual[:, j], predicted[:, j], zero_division=0)
        windows.append({"set": name, "window": w, "estimated": estimated,
                        "realized": {k: float(v) for k, v in realized.items()}})
    write_rows("multilabel-rows.csv.gz", "set,window,predicted,actual," + ",".join(LABELS),
               [(name, w, ["|".join(LABELS[j] for j in range(len(LABELS)) if row[j]) for row in pr],
                 ["|".join(LABELS[j] for j in range(len(LABELS)) if row[j]) for row in ac], sc)
                for name, w, sc, pr, ac in data])
    return {"labels": LABELS, "windows": windows}


def write_rows(file, header, groups):
    with open(os.path.join(OUT, file), "wb") as raw, \
            gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as zipped, \
            io.TextIOWrapper(zipped, encoding="utf-8", newline="\n") as out:
        out.write(header + "\n")
        for name, w, predicted, actual, scores in groups:
            for i in range(len(predicted)):
                out.write("%s,%d,%s,%s,%s\n" % (name, w, predicted[i], actual[i],
                                                ",".join("%.5f" % s for s in scores[i])))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for name, build in (("multiclass", multiclass), ("multilabel", multilabel)):
        with open(os.path.join(OUT, name + ".json"), "w") as out:
            json.dump(build(), out, indent=1)
            out.write("\n")
