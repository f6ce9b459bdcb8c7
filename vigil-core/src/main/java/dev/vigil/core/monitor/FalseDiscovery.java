package dev.vigil.core.monitor;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Benjamini–Hochberg adjusted p-values (q-values), as {@code scipy.stats.false_discovery_control(ps, method='bh')}
 * gives them: with the m p-values ranked ascending (ties in any order), q<sub>(i)</sub> = min<sub>j ≥ i</sub>
 * min(1, p<sub>(j)</sub> · m / j). Rejecting every test whose q is below α keeps the expected share of false alarms
 * among the alarms at most α (for independent or positively dependent tests), and the chance of any false alarm
 * at most α when nothing changed: a monitor of 25 fields alarms on stationary data no more often than one of a
 * single field.
 */
public final class FalseDiscovery {
    private FalseDiscovery() {}

    /**
     * The q-value of each p-value, in the same order.
     *
     * @throws IllegalArgumentException if a p-value is not a number in [0, 1]
     */
    public static double[] benjaminiHochberg(double[] p) {
        int m = p.length;
        for (double v : p) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException("a p-value must be within [0, 1], got " + v);
            }
        }
        Integer[] order = IntStream.range(0, m).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
        double[] q = new double[m];
        double running = 1;
        for (int rank = m; rank >= 1; rank--) {
            int i = order[rank - 1];
            running = Math.min(running, p[i] * m / rank);
            q[i] = running;
        }
        return q;
    }
}
