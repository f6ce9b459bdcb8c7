package dev.vigil.stats;

import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

/**
 * p-values for drift monitors' {@code method: test} (decision 0031). The two-sample Kolmogorov–Smirnov p-value is
 * scipy's {@code ks_2samp(x, y, method='asymp')}: with n ≥ m the two sample sizes and n<sub>e</sub> = round(nm / (n +
 * m)), p = P(D<sub>n<sub>e</sub></sub> ≥ d) for the one-sample Kolmogorov distribution of n<sub>e</sub> values
 * ({@code scipy.stats.kstwo.sf(d, n_e)}), computed by commons-math (Durbin's matrix for n<sub>e</sub> ≤ 140,
 * Pelz–Good's expansion above).
 */
public final class Significance {
    /**
     * What one compacted quantile sketch may add to a KS statistic: its documented normalized rank error (about 0.7%
     * at 99% confidence with k = {@value Quantiles#K}). Decision 0031 measured the gap between the statistic of two
     * sketches and the exact one of the same rows at 0.0020 at most (1,000 values a side, 200 trials), 0.0032
     * (10,000), 0.0041 (100,000) and 0.0063 (1,000,000, 20 trials): below the 0.014 two compacted sketches are
     * allowed. A sketch that kept every value adds nothing.
     */
    public static final double SKETCH_KS_ERROR = 0.007;

    /** Below this √n<sub>e</sub>·d the p-value is 1 to 12 digits (the Kolmogorov CDF at 0.2 is about 5e-13). */
    private static final double SMALL_LAMBDA = 0.2;

    private static final KolmogorovSmirnovTest KS = new KolmogorovSmirnovTest();

    private Significance() {}

    /**
     * P(D ≥ d) for two samples of {@code n1} and {@code n2} values from the same continuous distribution, as scipy's
     * {@code ks_2samp(method='asymp')}; 1 for d ≤ 0.
     *
     * @throws IllegalArgumentException if a sample is empty or d is not a number in [0, 1]
     */
    public static double ksPValue(double d, long n1, long n2) {
        if (n1 < 1 || n2 < 1) {
            throw new IllegalArgumentException("KS needs a value on each side, got " + n1 + " and " + n2);
        }
        if (!(d >= 0 && d <= 1)) {
            throw new IllegalArgumentException("a KS statistic lies within [0, 1], got " + d);
        }
        double big = Math.max(n1, n2);
        double small = Math.min(n1, n2);
        // numpy's round: half to even (n = m = 5 gives 2.5 → 2), as scipy; at least 1 (scipy gives NaN for 1 and 1)
        long en = Math.max(1, (long) Math.rint(big * small / (big + small)));
        if (en > Integer.MAX_VALUE) {
            en = Integer.MAX_VALUE;
        }
        if (Math.sqrt(en) * d < SMALL_LAMBDA) {
            // P(D ≥ d) > 1 − 1e-12 here, and commons-math's Pelz–Good series does not converge (or gives NaN)
            return 1;
        }
        double p = 1 - KS.cdf(d, (int) en);
        return Math.min(1, Math.max(0, p));
    }

    /**
     * The KS statistic that the p-value of two sketches is computed from: the sketches' statistic less the error
     * each compacted sketch may add ({@link #SKETCH_KS_ERROR}), never below 0. Within the bound, it is at most the
     * exact statistic of the same rows, so the p-value is at least the exact one and the test keeps its false-alarm
     * rate at any sample size; the price is power: a change must move the CDF by up to 0.014 more to be seen.
     */
    public static double sketchAdjustedKs(double d, boolean baselineExact, boolean windowExact) {
        double allowance = (baselineExact ? 0 : SKETCH_KS_ERROR) + (windowExact ? 0 : SKETCH_KS_ERROR);
        return Math.max(0, d - allowance);
    }
}
