package dev.vigil.stats;

import java.util.Map;
import java.util.TreeMap;

/**
 * Scores of a binary model, counted per score bucket: for the rows with an actual, how many were positive and
 * negative (ROC AUC); for every row, how many were predicted positive and negative (CBPE).
 *
 * <p>A bucket is the score with its double mantissa cut to {@value #MANTISSA_BITS} bits: a relative width of
 * 2^-12 ≈ 2.4e-4, monotone over the whole real line, so scores need not be probabilities. Two scores in one
 * bucket count as tied, which moves ROC AUC by at most half the share of positive-negative pairs that share a
 * bucket: about 1e-4 for scores spread over [0, 1], inside METRICS.md's 0.002.
 */
final class ScoreHistogram {
    static final int MANTISSA_BITS = 12;
    private static final long CUT = (1L << (52 - MANTISSA_BITS)) - 1;

    static final int POSITIVE = 0;
    static final int NEGATIVE = 1;
    static final int PREDICTED_POSITIVE = 2;
    static final int PREDICTED_NEGATIVE = 3;

    private final TreeMap<Double, long[]> buckets = new TreeMap<>();

    /** The bucket of {@code score} (finite). */
    static double bucket(double score) {
        if (score == 0) {
            return 0.0; // -0.0 and 0.0 in one bucket
        }
        return Double.longBitsToDouble(Double.doubleToRawLongBits(score) & ~CUT);
    }

    void add(double score, boolean predictedPositive, Boolean actual) {
        long[] counts = buckets.computeIfAbsent(bucket(score), k -> new long[4]);
        counts[predictedPositive ? PREDICTED_POSITIVE : PREDICTED_NEGATIVE]++;
        if (actual != null) {
            counts[actual ? POSITIVE : NEGATIVE]++;
        }
    }

    void merge(ScoreHistogram other) {
        for (Map.Entry<Double, long[]> e : other.buckets.entrySet()) {
            long[] mine = buckets.computeIfAbsent(e.getKey(), k -> new long[4]);
            for (int i = 0; i < 4; i++) {
                mine[i] += e.getValue()[i];
            }
        }
    }

    /** Buckets in ascending score order; the arrays are indexed by {@link #POSITIVE} and the other constants. */
    TreeMap<Double, long[]> buckets() {
        return buckets;
    }

    boolean isEmpty() {
        return buckets.isEmpty();
    }

    /**
     * ROC AUC of the rows with an actual, ties counting one half (as {@code sklearn.metrics.roc_auc_score});
     * null without both a positive and a negative row.
     */
    Double aucRoc() {
        double[] pos = new double[buckets.size()];
        double[] neg = new double[buckets.size()];
        int i = 0;
        for (long[] c : buckets.values()) {
            pos[i] = c[POSITIVE];
            neg[i] = c[NEGATIVE];
            i++;
        }
        return auc(pos, neg);
    }

    /**
     * Area under the ROC curve of weighted positives and negatives per ascending bucket: the share of
     * (positive, negative) pairs ordered correctly, ties counting one half. Null when either side weighs 0.
     */
    static Double auc(double[] positives, double[] negatives) {
        double below = 0;
        double pairs = 0;
        double totalPositive = 0;
        for (int i = 0; i < positives.length; i++) {
            pairs += positives[i] * (below + negatives[i] / 2);
            below += negatives[i];
            totalPositive += positives[i];
        }
        if (totalPositive <= 0 || below <= 0) {
            return null;
        }
        return pairs / (totalPositive * below);
    }

    ScoreHistogram copy() {
        ScoreHistogram copy = new ScoreHistogram();
        copy.merge(this);
        return copy;
    }

    void write(ProfileWriter out) {
        out.writeInt(buckets.size());
        buckets.forEach((score, counts) -> {
            out.writeDouble(score);
            for (long c : counts) {
                out.writeLong(c);
            }
        });
    }

    static ScoreHistogram read(ProfileReader in) {
        ScoreHistogram h = new ScoreHistogram();
        int n = in.readCount("score buckets", Double.BYTES + 4 * Long.BYTES);
        double previous = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double score = in.readDouble("score bucket");
            if (!(score > previous) || Double.isInfinite(score)) {
                throw in.corrupt("score buckets are not finite and ascending at bucket " + i);
            }
            long[] counts = new long[4];
            for (int j = 0; j < 4; j++) {
                counts[j] = in.readCounter("score bucket count");
            }
            h.buckets.put(score, counts);
            previous = score;
        }
        return h;
    }
}
