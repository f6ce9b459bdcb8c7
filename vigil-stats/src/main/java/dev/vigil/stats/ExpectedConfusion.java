package dev.vigil.stats;

/**
 * The expected confusion counts of one class against the rest over a window's score histogram, given its
 * calibration: each row's actual is taken as an independent Bernoulli draw with its calibrated probability c, so a
 * predicted-positive row adds c to TP and 1 − c to FP, a predicted-negative row c to FN and 1 − c to TN, and each
 * adds c(1 − c) to the variance of its side ({@code varPredictedPositive}: of TP and of FP; {@code
 * varPredictedNegative}: of FN and of TN). {@code predictedPositive} and {@code predictedNegative} are row counts,
 * fixed by the predictions.
 */
record ExpectedConfusion(
        double tp,
        double fp,
        double fn,
        double tn,
        double varPredictedPositive,
        double varPredictedNegative,
        long predictedPositive,
        long predictedNegative) {

    static ExpectedConfusion of(Calibration calibration, ScoreHistogram h) {
        double tp = 0;
        double fp = 0;
        double fn = 0;
        double tn = 0;
        double varPositive = 0;
        double varNegative = 0;
        long positive = 0;
        long negative = 0;
        for (int i = 0; i < h.size(); i++) {
            double c = calibration.probability(h.score(i));
            long a = h.count(i, ScoreHistogram.PREDICTED_POSITIVE);
            long b = h.count(i, ScoreHistogram.PREDICTED_NEGATIVE);
            tp += a * c;
            fp += a * (1 - c);
            fn += b * c;
            tn += b * (1 - c);
            varPositive += a * c * (1 - c);
            varNegative += b * c * (1 - c);
            positive += a;
            negative += b;
        }
        return new ExpectedConfusion(tp, fp, fn, tn, varPositive, varNegative, positive, negative);
    }

    long rows() {
        return predictedPositive + predictedNegative;
    }

    /** TP / (rows predicted positive), 0 when none (scikit-learn's {@code zero_division=0}); its variance. */
    double[] precision() {
        if (predictedPositive == 0) {
            return new double[] {0, 0};
        }
        double p = predictedPositive;
        return new double[] {tp / p, varPredictedPositive / (p * p)};
    }

    /** TP / (TP + FN), 0 when TP + FN is 0; its variance by the delta method (TP and FN independent). */
    double[] recall() {
        double a = tp + fn;
        if (a == 0) {
            return new double[] {0, 0};
        }
        return new double[] {tp / a, (fn * fn * varPredictedPositive + tp * tp * varPredictedNegative) / (a * a * a * a)
        };
    }

    /**
     * F1 = 2 TP / (P + TP + FN) with P the rows predicted positive, 0 when the denominator is 0; its variance by the
     * delta method: ∂/∂TP = 2 (P + FN) / d², ∂/∂FN = −2 TP / d².
     */
    double[] f1() {
        return f1(tp, fn, predictedPositive, varPredictedPositive, varPredictedNegative);
    }

    static double[] f1(double tp, double fn, double predictedPositive, double varTp, double varFn) {
        double d = predictedPositive + tp + fn;
        if (d == 0) {
            return new double[] {0, 0};
        }
        double dTp = 2 * (predictedPositive + fn);
        double dFn = 2 * tp;
        return new double[] {2 * tp / d, (dTp * dTp * varTp + dFn * dFn * varFn) / (d * d * d * d)};
    }
}
