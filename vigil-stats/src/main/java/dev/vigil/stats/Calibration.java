package dev.vigil.stats;

import dev.vigil.core.VigilArgumentException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * CBPE (confidence-based performance estimation, METRICS.md "Estimated performance") for a binary model with a
 * score: an isotonic calibration of scores fitted on a reference set that has actuals, then the expected
 * confusion counts of a window whose actuals have not arrived.
 *
 * <p>The fit is pool-adjacent-violators over the reference's score buckets weighted by their rows with an
 * actual; a score between two fitted buckets is interpolated linearly and a score outside them takes the
 * nearest end, as {@code sklearn.isotonic.IsotonicRegression(out_of_bounds="clip")}.
 *
 * <p>Each estimate carries its sampling uncertainty as a standard deviation: if every row's actual is an
 * independent Bernoulli draw with its calibrated probability c, the expected TP is Σ c over predicted positives
 * with variance Σ c(1 − c); accuracy and precision follow exactly, recall and F1 by the delta method, ROC AUC by
 * Hanley and McNeil (1982) at the expected class sizes. A well-calibrated model's realized metric lands within
 * about two of them of the estimate.
 */
public final class Calibration implements PerformanceEstimator {
    private final double[] scores;
    private final double[] fitted;

    private Calibration(double[] scores, double[] fitted) {
        this.scores = scores;
        this.fitted = fitted;
    }

    /** An estimate and its standard deviation; either is null where undefined. */
    public record Estimate(Double value, Double std) {}

    /**
     * Fits the calibration on {@code reference} (training or testing, with actuals).
     *
     * @return empty when the reference has no scored row with an actual of each class
     * @throws VigilArgumentException if the reference is not a binary model's
     */
    public static Optional<Calibration> fit(PerformanceProfile reference) {
        ScoreHistogram h = reference
                .scores()
                .orElseThrow(() -> new VigilArgumentException("CBPE needs a binary model with a score, not a "
                        + reference.type().specName() + " model"));
        return fit(h, true);
    }

    /**
     * Fits the calibration on the rows with an actual of {@code h}: empty when there is none, or, when {@code
     * bothClasses}, when they are not of both classes. Without {@code bothClasses} a class no row has is fitted as
     * the constant 0 (or 1), as scikit-learn's isotonic fit of one-class data: one class against the rest of a
     * multiclass reference where the class never occurs.
     */
    static Optional<Calibration> fit(ScoreHistogram h, boolean bothClasses) {
        int n = h.size();
        double[] scores = new double[n]; // the buckets with an actual: score, rows with an actual, positive share
        double[] weights = new double[n];
        double[] shares = new double[n];
        int points = 0;
        long positives = 0;
        long negatives = 0;
        for (int i = 0; i < n; i++) {
            long pos = h.count(i, ScoreHistogram.POSITIVE);
            long neg = h.count(i, ScoreHistogram.NEGATIVE);
            if (pos + neg > 0) {
                scores[points] = h.score(i);
                weights[points] = pos + neg;
                shares[points] = (double) pos / (pos + neg);
                points++;
                positives += pos;
                negatives += neg;
            }
        }
        if (points == 0 || (bothClasses && (positives == 0 || negatives == 0))) {
            return Optional.empty();
        }
        return Optional.of(pava(Arrays.copyOf(scores, points), weights, shares));
    }

    /**
     * Pool adjacent violators: the non-decreasing fit of the shares, weighted by rows, at the ascending {@code scores}
     * (the first {@code scores.length} of {@code weights} and {@code shares}).
     */
    private static Calibration pava(double[] scores, double[] weights, double[] shares) {
        int n = scores.length;
        double[] value = new double[n];
        double[] weight = new double[n];
        int[] size = new int[n];
        int blocks = 0;
        for (int p = 0; p < n; p++) {
            value[blocks] = shares[p];
            weight[blocks] = weights[p];
            size[blocks] = 1;
            blocks++;
            while (blocks > 1 && value[blocks - 2] > value[blocks - 1]) {
                double w = weight[blocks - 2] + weight[blocks - 1];
                value[blocks - 2] =
                        (value[blocks - 2] * weight[blocks - 2] + value[blocks - 1] * weight[blocks - 1]) / w;
                weight[blocks - 2] = w;
                size[blocks - 2] += size[blocks - 1];
                blocks--;
            }
        }
        double[] fitted = new double[n];
        int i = 0;
        for (int b = 0; b < blocks; b++) {
            for (int j = 0; j < size[b]; j++, i++) {
                fitted[i] = value[b];
            }
        }
        return new Calibration(scores, fitted);
    }

    /** The calibrated probability that a row with {@code score} is positive. */
    public double probability(double score) {
        double s = ScoreHistogram.bucket(score);
        if (s <= scores[0]) {
            return fitted[0];
        }
        int last = scores.length - 1;
        if (s >= scores[last]) {
            return fitted[last];
        }
        int lo = 0;
        int hi = last;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (scores[mid] <= s) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double t = (s - scores[lo]) / (scores[hi] - scores[lo]);
        return fitted[lo] + t * (fitted[hi] - fitted[lo]);
    }

    /**
     * The estimated metrics of every scored row of {@code window}, actuals or not: {@code estimated_accuracy
     * estimated_precision estimated_recall estimated_f1 estimated_auc_roc}. Empty when the window has no scored
     * row.
     */
    @Override
    public Map<String, Estimate> estimate(PerformanceProfile window) {
        ScoreHistogram h = window.scores()
                .orElseThrow(() -> new VigilArgumentException("CBPE needs a binary model with a score, not a "
                        + window.type().specName() + " model"));
        int buckets = h.size();
        double tp = 0;
        double fp = 0;
        double fn = 0;
        double tn = 0;
        double varPredictedPositive = 0;
        double varPredictedNegative = 0;
        double[] positiveWeight = new double[buckets];
        double[] negativeWeight = new double[buckets];
        for (int i = 0; i < buckets; i++) {
            double c = probability(h.score(i));
            long a = h.count(i, ScoreHistogram.PREDICTED_POSITIVE);
            long b = h.count(i, ScoreHistogram.PREDICTED_NEGATIVE);
            tp += a * c;
            fp += a * (1 - c);
            fn += b * c;
            tn += b * (1 - c);
            varPredictedPositive += a * c * (1 - c);
            varPredictedNegative += b * c * (1 - c);
            positiveWeight[i] = (a + b) * c;
            negativeWeight[i] = (a + b) * (1 - c);
        }
        double n = tp + fp + fn + tn;
        Map<String, Estimate> out = new LinkedHashMap<>();
        if (n == 0) {
            return out;
        }
        double predictedPositive = tp + fp;
        out.put(
                "estimated_accuracy",
                new Estimate((tp + tn) / n, Math.sqrt(varPredictedPositive + varPredictedNegative) / n));
        out.put(
                "estimated_precision",
                predictedPositive == 0
                        ? new Estimate(0.0, null)
                        : new Estimate(tp / predictedPositive, Math.sqrt(varPredictedPositive) / predictedPositive));
        double actualPositive = tp + fn;
        out.put(
                "estimated_recall",
                actualPositive == 0
                        ? new Estimate(0.0, null)
                        : new Estimate(
                                tp / actualPositive,
                                Math.sqrt(fn * fn * varPredictedPositive + tp * tp * varPredictedNegative)
                                        / (actualPositive * actualPositive)));
        double d = predictedPositive + tp + fn;
        out.put(
                "estimated_f1",
                d == 0
                        ? new Estimate(0.0, null)
                        : new Estimate(
                                2 * tp / d,
                                Math.sqrt(4 * (predictedPositive + fn) * (predictedPositive + fn) * varPredictedPositive
                                                + 4 * tp * tp * varPredictedNegative)
                                        / (d * d)));
        Double auc = ScoreHistogram.auc(positiveWeight, negativeWeight);
        out.put(
                "estimated_auc_roc",
                new Estimate(auc, auc == null ? null : hanleyMcNeil(auc, actualPositive, n - actualPositive)));
        return out;
    }

    /** Hanley and McNeil's standard error of an AUC over {@code p} positives and {@code q} negatives. */
    static double hanleyMcNeil(double auc, double p, double q) {
        double q1 = auc / (2 - auc);
        double q2 = 2 * auc * auc / (1 + auc);
        double variance = (auc * (1 - auc) + (p - 1) * (q1 - auc * auc) + (q - 1) * (q2 - auc * auc)) / (p * q);
        return Math.sqrt(Math.max(0, variance));
    }
}
