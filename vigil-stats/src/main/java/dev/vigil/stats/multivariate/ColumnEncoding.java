package dev.vigil.stats.multivariate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The column statistics both multivariate fits share: a numeric column's mean over its non-missing values, a
 * categorical column's value counts and most frequent value, and scikit-learn's {@code StandardScaler} scale.
 */
final class ColumnEncoding {
    private ColumnEncoding() {}

    /** The mean of column {@code j}'s non-missing values over {@code rows}, or NaN when all are missing. */
    static double mean(double[][] numeric, int j, int[] rows) {
        double sum = 0;
        int n = 0;
        for (int i : rows) {
            double v = numeric[i][j];
            if (!SampleTable.missing(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Value counts of column {@code j} over {@code rows}, missing values left out. */
    static Map<String, Integer> counts(String[][] categorical, int j, int[] rows) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i : rows) {
            String v = categorical[i][j];
            if (v != null) {
                counts.merge(v, 1, Integer::sum);
            }
        }
        return counts;
    }

    /**
     * The most frequent value, ties to the smallest ({@code SimpleImputer(strategy="most_frequent")} does the same),
     * or null when there is none.
     */
    static String mostFrequent(Map<String, Integer> counts) {
        String best = null;
        int bestCount = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            int c = e.getValue();
            if (c > bestCount || (c == bestCount && e.getKey().compareTo(best) < 0)) {
                best = e.getKey();
                bestCount = c;
            }
        }
        return best;
    }

    /** The {@code limit} most frequent values, ties to the smallest, in that order. */
    static List<String> top(Map<String, Integer> counts, int limit) {
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
        entries.sort((a, b) -> a.getValue().equals(b.getValue())
                ? a.getKey().compareTo(b.getKey())
                : Integer.compare(b.getValue(), a.getValue()));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, entries.size()); i++) {
            out.add(entries.get(i).getKey());
        }
        return out;
    }

    /**
     * Mean and scale of a fully imputed column as {@code StandardScaler} fits them: population variance (n), and a
     * scale of 1 for a column scikit-learn calls constant ({@code var <= n·eps·var + (n·mean·eps)²}), so that such a
     * column is only centered.
     *
     * @return {mean, scale}
     */
    static double[] standardScaler(double[] values) {
        int n = values.length;
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / n;
        double ss = 0;
        double correction = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
            correction += v - mean;
        }
        // The corrected two-pass variance (as numpy's incremental mean-and-variance does)
        double var = (ss - correction * correction / n) / n;
        double eps = Math.ulp(1.0);
        double bound = n * eps * var + (n * mean * eps) * (n * mean * eps);
        double scale = var <= bound ? 1.0 : Math.sqrt(var);
        return new double[] {mean, scale};
    }
}
