package dev.vigil.core.monitor;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The detection methods as pure functions of the values involved: whether a focal value is a problem, the bound
 * it crossed ({@code threshold}), what it was compared with ({@code baseline}) and one sentence saying so.
 */
public final class Detector {
    /** Error metrics: for performance, higher is worse. */
    private static final Set<String> ERRORS =
            Set.of("mae", "mse", "rmse", "mape", "wape", "log_loss", "hamming_loss", "fp_rate");

    /** The prefix of CBPE's and DLE's estimates of a performance metric. */
    private static final String ESTIMATED = "estimated_";

    /** Performance metrics where either direction is a problem (a bias can grow either way). */
    private static final Set<String> EITHER_WAY = Set.of("mean_error", "positive_rate");

    private Detector() {}

    /** Which way a change is a problem. */
    public enum Direction {
        /** Either way. */
        BOTH,
        /** Only a drop (performance that should stay high). */
        DROP,
        /** Only a rise (an error that should stay low). */
        RISE;

        /**
         * The direction that is a degradation of performance metric {@code metric}; an estimate ({@code
         * estimated_mae}) worsens as the metric it estimates.
         */
        public static Direction worseningOf(String metric) {
            String realized = metric.startsWith(ESTIMATED) ? metric.substring(ESTIMATED.length()) : metric;
            return ERRORS.contains(realized) ? RISE : EITHER_WAY.contains(realized) ? BOTH : DROP;
        }
    }

    /** The decision on one value: fires or not, the bound it was compared with, the baseline, and why. */
    public record Verdict(boolean fires, Double threshold, Double baseline, String reason) {}

    /** {@code absolute}: the value below {@code min} or above {@code max}. */
    public static Verdict absolute(Detection d, String metric, double value) {
        if (d.max() != null && value > d.max()) {
            return new Verdict(
                    true, d.max(), null, metric + " " + num(value) + " is above the maximum " + num(d.max()));
        }
        if (d.min() != null && value < d.min()) {
            return new Verdict(
                    true, d.min(), null, metric + " " + num(value) + " is below the minimum " + num(d.min()));
        }
        return new Verdict(
                false, d.max() != null ? d.max() : d.min(), null, metric + " " + num(value) + " is within bounds");
    }

    /**
     * {@code percentage}: the relative change (value − baseline) / |baseline| beyond {@code threshold} in the
     * watched direction. A zero baseline changes by an infinite fraction whenever the value differs.
     */
    public static Verdict percentage(Detection d, String metric, double value, double baseline, Direction direction) {
        double change = baseline == 0
                ? (value == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, value))
                : (value - baseline) / Math.abs(baseline);
        double t = d.threshold();
        boolean fires =
                switch (direction) {
                    case BOTH -> Math.abs(change) > t;
                    case DROP -> change < -t;
                    case RISE -> change > t;
                };
        double bound = direction == Direction.DROP || (direction == Direction.BOTH && change < 0)
                ? baseline - t * Math.abs(baseline)
                : baseline + t * Math.abs(baseline);
        return new Verdict(
                fires,
                bound,
                baseline,
                metric + " " + num(value) + " changed by " + percent(change) + " against " + num(baseline) + " ("
                        + (fires ? "more than " : "within ") + percent(t).substring(1) + ")");
    }

    /**
     * {@code anomaly}: the value outside mean ± k·σ of {@code history} (σ: sample standard deviation, n − 1), or,
     * when the detection has an {@code alpha}, outside the prediction interval mean ± t<sub>1−α/2, N−1</sub> · σ ·
     * √(1 + 1/N) of N past values. Null when fewer than {@code min_history} past values exist: no decision.
     */
    public static Verdict anomaly(Detection d, String metric, double value, List<Double> history, Direction direction) {
        List<Double> known =
                history.stream().filter(v -> v != null && Double.isFinite(v)).toList();
        if (known.size() < d.minHistory() || known.size() < 2) {
            return null;
        }
        double mean = known.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double ss = 0;
        for (double v : known) {
            ss += (v - mean) * (v - mean);
        }
        int n = known.size();
        double sigma = Math.sqrt(ss / (n - 1));
        double width = d.alpha() == null ? d.k() : predictionFactor(d.alpha(), n);
        double low = mean - width * sigma;
        double high = mean + width * sigma;
        boolean tooHigh = value > high && direction != Direction.DROP;
        boolean tooLow = value < low && direction != Direction.RISE;
        Double bound = tooLow ? low : high;
        String past = d.seasonal() == Detection.Seasonality.WEEK
                ? "the same window of the last " + n + " weeks"
                : "the last " + n + " windows";
        String band = d.alpha() == null
                ? "mean ± " + num(d.k()) + "σ of " + past
                : "the " + num(100 * (1 - d.alpha())) + "% prediction interval of " + past;
        String reason = metric + " " + num(value) + (tooHigh || tooLow ? " is outside " : " is within ") + band + " ["
                + num(low) + ", " + num(high) + "]";
        return new Verdict(tooHigh || tooLow, bound, mean, reason);
    }

    /**
     * t<sub>1−α/2, n−1</sub> · √(1 + 1/n): the half-width, in sample standard deviations, of the two-sided prediction
     * interval of one more value from the normal distribution n values came from.
     */
    public static double predictionFactor(double alpha, int n) {
        double t = new org.apache.commons.math3.distribution.TDistribution(null, n - 1)
                .inverseCumulativeProbability(1 - alpha / 2);
        return t * Math.sqrt(1 + 1.0 / n);
    }

    /**
     * {@code test}: one field (and segment) of an evaluation whose {@code tests} p-values were adjusted together; it
     * alarms when its q-value is below {@code alpha} and its {@code effect} (the watched drift metric) is at least
     * {@code min_effect}. The threshold is alpha (the bound q is compared with), there is no baseline (the training set
     * is), and the reason names the raw p, q, the effect and the number of tests.
     */
    public static Verdict test(Detection d, String metric, String test, double p, double q, int tests, double effect) {
        double alpha = d.alpha() == null ? Detection.DEFAULT_ALPHA : d.alpha();
        boolean significant = q < alpha;
        boolean large = effect >= d.minEffect();
        boolean fires = significant && large;
        String why = fires
                ? "below alpha " + num(alpha)
                : !significant
                        ? "not below alpha " + num(alpha)
                        : "below alpha " + num(alpha) + ", but " + metric + " is below min_effect "
                                + num(d.minEffect());
        return new Verdict(
                fires,
                alpha,
                null,
                metric + " " + num(effect) + ", " + test + " p = " + num(p) + ", Benjamini–Hochberg q = " + num(q)
                        + " over " + tests + (tests == 1 ? " test" : " tests") + " (" + why + ")");
    }

    /**
     * {@code training}: a drift metric (already measured against training) above {@code threshold}; any other
     * metric farther than {@code threshold} from its value on the training set, in the watched direction.
     */
    public static Verdict training(
            Detection d, String metric, double value, Double trainingValue, boolean driftMetric, Direction direction) {
        double t = d.threshold();
        if (driftMetric) {
            boolean fires = value > t;
            return new Verdict(
                    fires,
                    t,
                    null,
                    metric + " " + num(value) + " against the training set is " + (fires ? "above " : "within ")
                            + num(t));
        }
        if (trainingValue == null) {
            return null;
        }
        double diff = value - trainingValue;
        boolean fires =
                switch (direction) {
                    case BOTH -> Math.abs(diff) > t;
                    case DROP -> diff < -t;
                    case RISE -> diff > t;
                };
        double bound = diff < 0 ? trainingValue - t : trainingValue + t;
        return new Verdict(
                fires,
                bound,
                trainingValue,
                metric + " " + num(value) + " differs from the training set's "
                        + num(trainingValue) + " by " + num(Math.abs(diff)) + (fires ? " (more than " : " (within ")
                        + num(t)
                        + ")");
    }

    /**
     * {@code training} of a multivariate_drift monitor: {@code pca_reconstruction_error} above its upper band (the
     * reference's value + 3 standard errors for the window's row count, decision 0030) by more than {@code threshold}.
     */
    public static Verdict aboveBand(Detection d, String metric, double value, double upper) {
        double bound = upper + d.threshold();
        boolean fires = value > bound;
        return new Verdict(
                fires,
                bound,
                upper,
                metric + " " + num(value) + (fires ? " is above " : " is within ") + "its upper band " + num(upper)
                        + (d.threshold() > 0 ? " + " + num(d.threshold()) : ""));
    }

    /** {@code segment}: a segment's value farther than {@code threshold} from all rows' value. */
    public static Verdict segment(
            Detection d, String metric, String segment, double value, double allRows, Direction direction) {
        double t = d.threshold();
        double diff = value - allRows;
        boolean fires =
                switch (direction) {
                    case BOTH -> Math.abs(diff) > t;
                    case DROP -> diff < -t;
                    case RISE -> diff > t;
                };
        double bound = diff < 0 ? allRows - t : allRows + t;
        return new Verdict(
                fires,
                bound,
                allRows,
                metric + " " + num(value) + " in " + segment + " differs from all"
                        + " rows' " + num(allRows) + " by " + num(Math.abs(diff))
                        + (fires ? " (more than " : " (within ")
                        + num(t) + ")");
    }

    /** Four significant digits, without trailing zeros: 0.2, 15.74, 1200. */
    private static String num(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        return new java.math.BigDecimal(v)
                .round(new java.math.MathContext(4))
                .stripTrailingZeros()
                .toPlainString();
    }

    private static String percent(double fraction) {
        if (Double.isInfinite(fraction)) {
            return (fraction > 0 ? "+" : "-") + "∞%";
        }
        return String.format(Locale.ROOT, "%+.1f%%", 100 * fraction).replace("+-", "-");
    }
}
