package dev.vigil.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Comparisons with the tolerances of METRICS.md: exact metrics to 1e-9 relative, quantiles by rank, {@code
 * distinct_count} exactly below 1,000 distinct values and within 2% above.
 */
final class MetricAssertions {
    static final double EXACT_RELATIVE = 1e-9;
    static final double RANK_TOLERANCE = 0.01;
    static final double DISTINCT_EXACT_BELOW = 1_000;
    static final double DISTINCT_RELATIVE = 0.02;
    static final Map<String, Double> QUANTILE_RANKS = Map.of(
            "p01", 0.01, "p05", 0.05, "p10", 0.10, "p25", 0.25, "p50", 0.50, "p75", 0.75, "p90", 0.90, "p95", 0.95,
            "p99", 0.99, "median", 0.50);

    private MetricAssertions() {}

    static boolean isQuantile(String metric) {
        return QUANTILE_RANKS.containsKey(metric);
    }

    static void assertExact(String what, Double expected, Double actual) {
        if (expected == null || actual == null) {
            assertThat(actual).as(what).isEqualTo(expected);
            return;
        }
        double scale = Math.max(Math.abs(expected), Math.abs(actual));
        double error = scale == 0.0 ? 0.0 : Math.abs(expected - actual) / scale;
        if (error > EXACT_RELATIVE) {
            fail(what + ": expected " + expected + " but was " + actual + " (relative error " + error + ")");
        }
    }

    /**
     * Asserts that {@code value} is a q-quantile of {@code sorted} within the rank tolerance: the range of
     * normalized ranks the value occupies, [count(< value), count(<= value)] / n, is within 0.01 of q.
     */
    static void assertRank(String what, double q, double value, double[] sorted) {
        int below = lowerBound(sorted, value);
        int atOrBelow = upperBound(sorted, value);
        double low = (double) below / sorted.length;
        double high = (double) atOrBelow / sorted.length;
        if (q < low - RANK_TOLERANCE || q > high + RANK_TOLERANCE) {
            fail(what + ": " + value + " has normalized rank [" + low + ", " + high + "], wanted " + q + " ± "
                    + RANK_TOLERANCE);
        }
    }

    /**
     * Compares every metric: quantiles by rank within {@code sortedValues}, the rest exactly. The metric names
     * must match exactly, except the names in {@code ignored} (present in {@code expected} only).
     */
    static void assertMetrics(
            String what,
            Map<String, Double> expected,
            Map<String, Double> actual,
            double[] sortedValues,
            Set<String> ignored) {
        Set<String> expectedNames = new java.util.LinkedHashSet<>(expected.keySet());
        expectedNames.removeAll(ignored);
        assertThat(actual.keySet()).as(what + " metric names").containsExactlyInAnyOrderElementsOf(expectedNames);
        for (String name : expectedNames) {
            if (isQuantile(name) && expected.get(name) != null) {
                assertThat(actual.get(name)).as(what + " " + name).isNotNull();
                assertRank(what + " " + name, QUANTILE_RANKS.get(name), actual.get(name), sortedValues);
            } else if (name.equals("distinct_count")
                    && expected.get(name) != null
                    && expected.get(name) >= DISTINCT_EXACT_BELOW) {
                assertThat(actual.get(name)).as(what + " " + name).isNotNull();
                assertThat(Math.abs(actual.get(name) - expected.get(name)) / expected.get(name))
                        .as(what + " " + name + " relative error (" + actual.get(name) + " vs " + expected.get(name)
                                + ")")
                        .isLessThanOrEqualTo(DISTINCT_RELATIVE);
            } else {
                assertExact(what + " " + name, expected.get(name), actual.get(name));
            }
        }
    }

    private static int lowerBound(double[] sorted, double value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] < value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private static int upperBound(double[] sorted, double value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] <= value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }
}
