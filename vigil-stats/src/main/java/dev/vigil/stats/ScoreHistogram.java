package dev.vigil.stats;

import java.util.Arrays;

/**
 * Scores of a binary model, counted per score bucket: for the rows with an actual, how many were positive and
 * negative (ROC AUC); for every row, how many were predicted positive and negative (CBPE).
 *
 * <p>A bucket is the score with its double mantissa cut to {@value #MANTISSA_BITS} bits: a relative width of
 * 2^-12 ≈ 2.4e-4, monotone over the whole real line, so scores need not be probabilities. Two scores in one
 * bucket count as tied, which moves ROC AUC by at most half the share of positive-negative pairs that share a
 * bucket: about 1e-4 for scores spread over [0, 1], inside METRICS.md's 0.002.
 *
 * <p>A bucket is held as its {@linkplain #key key}, a 24-bit int in the buckets' order. Adding a row appends one int
 * (the key, whether the row was predicted positive, and its actual) to a growable array; the rows are sorted and
 * counted into the ascending buckets, parallel arrays of keys and counts, when the histogram is next read, merged or
 * written, and two histograms merge linearly. Not thread-safe, as the profiles that hold it.
 */
final class ScoreHistogram {
    static final int MANTISSA_BITS = 12;
    private static final long CUT = (1L << (52 - MANTISSA_BITS)) - 1;
    private static final int CUT_BITS = 52 - MANTISSA_BITS;

    static final int POSITIVE = 0;
    static final int NEGATIVE = 1;
    static final int PREDICTED_POSITIVE = 2;
    static final int PREDICTED_NEGATIVE = 3;

    /** The keys of the buckets of the most negative and the largest finite score. */
    static final int MIN_KEY = key(-Double.MAX_VALUE);

    static final int MAX_KEY = key(Double.MAX_VALUE);

    /** A pending row: its key shifted by these bits, then a predicted-positive bit and two bits of actual. */
    private static final int ROW_BITS = 3;

    private static final int PREDICTED_BIT = 1 << 2;
    private static final int ACTUAL_NEGATIVE = 1;
    private static final int ACTUAL_POSITIVE = 2;

    /** The smallest number of bytes a bucket takes in format version 2: a key step and four counts of 1 byte each. */
    private static final int MIN_BUCKET_BYTES = 5;

    /** Rows added since the buckets were last counted, {@link #pendingRows} of them. */
    private int[] pending = new int[0];

    private int pendingRows;

    /** The ascending buckets: {@link #size} keys and, at {@code 4 * i + POSITIVE} and so on, their counts. */
    private int[] keys = new int[0];

    private long[] counts = new long[0];
    private int size;

    /** The bucket of {@code score} (finite). */
    static double bucket(double score) {
        if (score == 0) {
            return 0.0; // -0.0 and 0.0 in one bucket
        }
        return Double.longBitsToDouble(Double.doubleToRawLongBits(score) & ~CUT);
    }

    /**
     * The key of the bucket of {@code score} (finite): the bucket's bits in the doubles' total order (the other bits of
     * a negative flipped, so that signed comparison orders them as the doubles), without the bits the bucket cuts. A
     * bucket's key and the bucket determine each other; keys are ascending as the buckets are.
     */
    static int key(double score) {
        if (score == 0) {
            return 0;
        }
        return orderedKey(Double.doubleToRawLongBits(score));
    }

    /** The key of the bucket whose bits are {@code bits}: -0.0, the bucket of tiny negative scores, is -1. */
    private static int orderedKey(long bits) {
        return (int) ((bits ^ ((bits >> 63) & Long.MAX_VALUE)) >> CUT_BITS);
    }

    /** The bucket whose key is {@code key}. */
    static double bucketOf(int key) {
        long ordered = (long) key << CUT_BITS;
        return Double.longBitsToDouble((ordered ^ ((ordered >> 63) & Long.MAX_VALUE)) & ~CUT);
    }

    /**
     * Pending rows counted into the buckets at once: bounds the pending array (4 bytes a row) of a histogram that is
     * added to for long, such as one of fifty per-class histograms of a multiclass model, to 256 KiB.
     */
    private static final int MAX_PENDING = 1 << 16;

    void add(double score, boolean predictedPositive, Boolean actual) {
        if (pendingRows == MAX_PENDING) {
            flush();
        }
        if (pendingRows == pending.length) {
            pending = Arrays.copyOf(pending, Math.max(64, 2 * pending.length));
        }
        int row = key(score) << ROW_BITS | (predictedPositive ? PREDICTED_BIT : 0);
        if (actual != null) {
            row |= actual ? ACTUAL_POSITIVE : ACTUAL_NEGATIVE;
        }
        pending[pendingRows++] = row;
    }

    /** Counts the pending rows into the buckets. */
    private void flush() {
        if (pendingRows == 0) {
            return;
        }
        int[] rows = pending;
        int n = pendingRows;
        Arrays.sort(rows, 0, n);
        int distinct = 1;
        for (int i = 1; i < n; i++) {
            if (rows[i] >> ROW_BITS != rows[i - 1] >> ROW_BITS) {
                distinct++;
            }
        }
        int[] addedKeys = new int[distinct];
        long[] addedCounts = new long[4 * distinct];
        int b = -1;
        int previous = 0;
        for (int i = 0; i < n; i++) {
            int row = rows[i];
            int key = row >> ROW_BITS;
            if (b < 0 || key != previous) {
                addedKeys[++b] = key;
                previous = key;
            }
            addedCounts[4 * b + ((row & PREDICTED_BIT) != 0 ? PREDICTED_POSITIVE : PREDICTED_NEGATIVE)]++;
            if ((row & ACTUAL_POSITIVE) != 0) {
                addedCounts[4 * b + POSITIVE]++;
            } else if ((row & ACTUAL_NEGATIVE) != 0) {
                addedCounts[4 * b + NEGATIVE]++;
            }
        }
        pending = n == MAX_PENDING ? rows : new int[0]; // a full array is reused by the next rows
        pendingRows = 0;
        mergeBuckets(addedKeys, addedCounts, distinct);
    }

    /** Merges {@code n} ascending buckets into this histogram's, linearly. */
    private void mergeBuckets(int[] otherKeys, long[] otherCounts, int n) {
        if (size == 0) {
            keys = Arrays.copyOf(otherKeys, n);
            counts = Arrays.copyOf(otherCounts, 4 * n);
            size = n;
            return;
        }
        int[] mergedKeys = new int[size + n];
        long[] mergedCounts = new long[4 * (size + n)];
        int i = 0;
        int j = 0;
        int m = 0;
        while (i < size || j < n) {
            if (j == n || (i < size && keys[i] < otherKeys[j])) {
                mergedKeys[m] = keys[i];
                System.arraycopy(counts, 4 * i, mergedCounts, 4 * m, 4);
                i++;
            } else if (i == size || otherKeys[j] < keys[i]) {
                mergedKeys[m] = otherKeys[j];
                System.arraycopy(otherCounts, 4 * j, mergedCounts, 4 * m, 4);
                j++;
            } else {
                mergedKeys[m] = keys[i];
                for (int c = 0; c < 4; c++) {
                    mergedCounts[4 * m + c] = counts[4 * i + c] + otherCounts[4 * j + c];
                }
                i++;
                j++;
            }
            m++;
        }
        keys = mergedKeys;
        counts = mergedCounts;
        size = m;
    }

    void merge(ScoreHistogram other) {
        other.flush();
        flush();
        mergeBuckets(other.keys, other.counts, other.size);
    }

    /** The number of buckets; {@link #score} and {@link #count} read them in ascending order. */
    int size() {
        flush();
        return size;
    }

    /** The score of bucket {@code i}: its scores cut to {@value #MANTISSA_BITS} mantissa bits. */
    double score(int i) {
        flush();
        return bucketOf(keys[i]);
    }

    /** A count of bucket {@code i} (0 ≤ i < {@link #size}): {@code kind} is {@link #POSITIVE} or another constant. */
    long count(int i, int kind) {
        flush();
        return counts[4 * i + kind];
    }

    boolean isEmpty() {
        return size == 0 && pendingRows == 0;
    }

    /**
     * ROC AUC of the rows with an actual, ties counting one half (as {@code sklearn.metrics.roc_auc_score});
     * null without both a positive and a negative row.
     */
    Double aucRoc() {
        flush();
        double[] pos = new double[size];
        double[] neg = new double[size];
        for (int i = 0; i < size; i++) {
            pos[i] = counts[4 * i + POSITIVE];
            neg[i] = counts[4 * i + NEGATIVE];
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

    /**
     * Writes the buckets in format version 2 ({@link PerformanceProfile}): varint bucket count, then per bucket its key
     * (the first zigzag-encoded, the others as the varint step from the previous key) and its four counts as varints.
     */
    void write(ProfileWriter out) {
        flush();
        out.writeVarLong(size);
        for (int i = 0; i < size; i++) {
            if (i == 0) {
                out.writeVarLong((keys[0] << 1) ^ (keys[0] >> 31));
            } else {
                out.writeVarLong(keys[i] - keys[i - 1]);
            }
            for (int c = 0; c < 4; c++) {
                out.writeVarLong(counts[4 * i + c]);
            }
        }
    }

    /**
     * Reads buckets written by {@link #write} (format version 2) or by version 1 (int count, then per bucket a double
     * score and four longs). Keys must be ascending buckets of finite scores, and in each bucket the rows with an
     * actual can be no more than its rows.
     */
    static ScoreHistogram read(ProfileReader in) {
        boolean v1 = in.version() == 1;
        int n = v1
                ? in.readCount("score buckets", Double.BYTES + 4 * Long.BYTES)
                : in.readVarCount("score buckets", MIN_BUCKET_BYTES);
        ScoreHistogram h = new ScoreHistogram();
        h.keys = new int[n];
        h.counts = new long[4 * n];
        long key = 0;
        for (int i = 0; i < n; i++) {
            if (v1) {
                double score = in.readDouble("score bucket");
                if (!Double.isFinite(score) || (Double.doubleToRawLongBits(score) & CUT) != 0) {
                    throw in.corrupt("score bucket " + i + " (" + score + ") is not the bucket of a finite score");
                }
                long previous = key;
                key = orderedKey(Double.doubleToRawLongBits(score));
                if (i > 0 && key <= previous) {
                    throw in.corrupt("score buckets are not ascending at bucket " + i);
                }
            } else if (i == 0) {
                long zigzag = in.readVarLong("score bucket key");
                key = (zigzag >>> 1) ^ -(zigzag & 1);
                if (key < MIN_KEY || key > MAX_KEY) {
                    throw in.corrupt("score bucket key " + key + " is not the key of a finite score");
                }
            } else {
                long step = in.readVarLong("score bucket key step");
                if (step == 0) {
                    throw in.corrupt("score buckets are not ascending at bucket " + i);
                }
                if (step > MAX_KEY - key) {
                    throw in.corrupt("score bucket " + i + " is beyond the largest finite score");
                }
                key += step;
            }
            h.keys[i] = (int) key;
            for (int c = 0; c < 4; c++) {
                h.counts[4 * i + c] = v1 ? in.readCounter("score bucket count") : in.readVarLong("score bucket count");
            }
            long predicted = h.counts[4 * i + PREDICTED_POSITIVE] + h.counts[4 * i + PREDICTED_NEGATIVE];
            long actuals = h.counts[4 * i + POSITIVE] + h.counts[4 * i + NEGATIVE];
            if (predicted <= 0 || actuals < 0 || actuals > predicted) {
                throw in.corrupt("score bucket " + i + " counts do not add up: " + h.counts[4 * i + POSITIVE]
                        + " positive and " + h.counts[4 * i + NEGATIVE] + " negative of "
                        + h.counts[4 * i + PREDICTED_POSITIVE] + " predicted positive and "
                        + h.counts[4 * i + PREDICTED_NEGATIVE] + " predicted negative rows");
            }
        }
        h.size = n;
        return h;
    }
}
