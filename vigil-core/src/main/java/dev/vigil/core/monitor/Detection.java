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
 *       (σ the sample standard deviation); at least {@code min_history} of them must have a value.
 *   <li>{@code training}: against the training set: for drift metrics (which are already against training) the
 *       value is above {@code threshold}; for other metrics the value differs from training's by more than it.
 *   <li>{@code segment}: a segment's value differs from all rows' by more than {@code threshold}.
 * </ul>
 *
 * For performance, only a change for the worse counts (a drop, or for error metrics a rise).
 */
public record Detection(
        Method method, Double min, Double max, Double threshold, double k, int baselineWindows, int minHistory) {
    public static final double DEFAULT_K = 3.0;
    public static final int DEFAULT_MIN_HISTORY = 5;

    /** The detection methods. */
    public enum Method {
        ABSOLUTE,
        PERCENTAGE,
        ANOMALY,
        TRAINING,
        SEGMENT;

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
