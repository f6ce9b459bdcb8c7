package dev.vigil.core.monitor;

import dev.vigil.core.VigilArgumentException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a monitor decides that a focal window is a problem.
 *
 * <ul>
 *   <li>{@code absolute}: the value is below {@code min} or above {@code max}.
 *   <li>{@code percentage}: the value changed by more than {@code threshold} (a fraction: 0.2 = 20%) against the
 *       baseline: the {@code baseline_windows} focal windows before it, merged.
 *   <li>{@code anomaly}: the value is outside mean ± k·σ of the trailing {@code baseline_windows} windows' values
 *       (σ the sample standard deviation); at least {@code min_history} of them must have a value. With {@code
 *       alpha} (always, with {@code seasonal: week}) the band is the prediction interval of the next value instead:
 *       mean ± t<sub>1−α/2, N−1</sub> · s · √(1 + 1/N), so that a Gaussian history with N values gives exactly α
 *       false alarms per window however small N is. {@code seasonal: week} takes the history from the same hour of
 *       the week (hourly windows) or the same weekday (daily windows) of the last {@code baseline_weeks} weeks.
 *   <li>{@code training}: against the training set: for drift metrics (which are already against training) the
 *       value is above {@code threshold}; for other metrics the value differs from training's by more than it.
 *   <li>{@code segment}: a segment's value differs from all rows' by more than {@code threshold}.
 *   <li>{@code test} (drift monitors): a hypothesis test of each field (and segment) against the training set, KS
 *       for numbers and χ² for categories; the p-values of one evaluation are adjusted together with
 *       Benjamini–Hochberg and a field alarms when its q-value is below {@code alpha} and its drift metric is at
 *       least {@code min_effect} (decision 0031).
 * </ul>
 *
 * For performance, only a change for the worse counts (a drop, or for error metrics a rise).
 *
 * @param alpha the significance of {@code test} and of the anomaly prediction interval; null for k·σ anomaly
 *     detection and the methods without one
 * @param minEffect {@code test} only: the least value of the watched drift metric that may alarm (0: any)
 * @param seasonal {@code anomaly} only: where the history comes from
 * @param baselineWeeks {@code seasonal: week} only: how many past weeks give the history
 */
public record Detection(
        Method method,
        Double min,
        Double max,
        Double threshold,
        double k,
        int baselineWindows,
        int minHistory,
        Double alpha,
        double minEffect,
        Seasonality seasonal,
        int baselineWeeks) {
    public static final double DEFAULT_K = 3.0;
    public static final int DEFAULT_MIN_HISTORY = 5;
    /** {@code test}'s and the prediction interval's default significance: at most 1% false alarms (decision 0031). */
    public static final double DEFAULT_ALPHA = 0.01;
    /**
     * The prediction interval's default significance with {@code seasonal: week}: 0.1% of windows, about one false
     * alarm in six weeks of hourly windows on a clean cycle (decision 0031).
     */
    public static final double DEFAULT_ANOMALY_ALPHA = 0.001;
    /** {@code test}'s default least effect: none (significance alone decides). */
    public static final double DEFAULT_MIN_EFFECT = 0.0;
    /** {@code seasonal: week}'s default number of past weeks. */
    public static final int DEFAULT_BASELINE_WEEKS = 8;

    public Detection {
        seasonal = seasonal == null ? Seasonality.NONE : seasonal;
    }

    /** A detection without a test, a prediction interval or a season: the methods as they were before. */
    public Detection(
            Method method, Double min, Double max, Double threshold, double k, int baselineWindows, int minHistory) {
        this(method, min, max, threshold, k, baselineWindows, minHistory, null, DEFAULT_MIN_EFFECT, null, 0);
    }

    /** Where anomaly detection takes its history from. */
    public enum Seasonality {
        /** The {@code baseline_windows} windows just before. */
        NONE,
        /** The same hour of the week (or weekday) of each of the last {@code baseline_weeks} weeks. */
        WEEK;

        public String specName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The detection methods. */
    public enum Method {
        ABSOLUTE,
        PERCENTAGE,
        ANOMALY,
        TRAINING,
        SEGMENT,
        TEST;

        public String specName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Method fromSpec(String name, String key) {
            for (Method m : values()) {
                if (m.specName().equals(name)) {
                    return m;
                }
            }
            throw new VigilArgumentException(key + ": unknown detection method '" + name + "' (expected one of "
                    + Arrays.stream(values()).map(Method::specName).collect(Collectors.joining(", ")) + ")");
        }
    }
}
