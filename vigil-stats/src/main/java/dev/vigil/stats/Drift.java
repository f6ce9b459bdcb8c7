package dev.vigil.stats;

import dev.vigil.core.model.FieldType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.math3.special.Gamma;

/**
 * Drift and integrity of a window's profile against a baseline's, as METRICS.md defines them ("Drift",
 * "out_of_range", "new_value"). Everything comes from the two profiles; no row is read again.
 *
 * <p>Numeric fields (and text lengths) are binned on the baseline's deciles q10 … q90 (taken from its quantile
 * sketch as the smallest value whose rank reaches the decile, like numpy's {@code inverted_cdf}); the bins are
 * {@code (-inf, q10), [q10, q20), …, [q90, +inf)}, so a bin's share is a difference of "fraction below"
 * ranks. {@code ks} and {@code wasserstein_normed} walk the two sketches' views (exact tails included): exact while both
 * sketches are exact (a few hundred values), within the sketches' rank error beyond.
 *
 * <p>Categorical, string and boolean fields compare shares over the union of each side's 50 most frequent
 * values; every other value of a side is pooled as {@code __other__} (decision 0006).
 */
public final class Drift {
    /** Shares are floored at this before PSI's logarithm (METRICS.md). */
    static final double PSI_FLOOR = 1e-4;
    /** Wasserstein distance is divided by max(baseline stddev, this). */
    static final double MIN_STDDEV = 0.001;

    private static final double[] DECILES = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};

    private Drift() {}

    /**
     * The drift metrics of {@code window} against {@code baseline}, in a stable order, for numeric fields
     * ({@code js_distance hellinger psi ks wasserstein_normed out_of_range_count out_of_range_ratio}),
     * text fields (the same on the length distribution, without the range counts), categorical, string and
     * boolean fields ({@code js_distance hellinger psi chi2_pvalue new_value_count new_value_ratio}) and
     * tensors/embeddings ({@code centroid_distance centroid_cosine_distance}), each followed by
     * {@code drift_score}. Both sides need at least one valid value; other kinds (datetime, array, dict) have
     * no drift and give an empty map.
     *
     * @throws IllegalArgumentException if the profiles are of different kinds, or a side has no valid value
     */
    public static Map<String, Double> compare(FieldProfile baseline, FieldProfile window) {
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(window, "window");
        if (baseline.kind() != window.kind()) {
            throw new IllegalArgumentException(
                    "cannot compare a " + window.kind().specName() + " window with a "
                            + baseline.kind().specName() + " baseline");
        }
        if (baseline.validCount() == 0 || window.validCount() == 0) {
            throw new IllegalArgumentException("drift needs at least one valid value on each side");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        FieldType.Kind kind = window.kind();
        switch (kind) {
            case NUMERIC -> {
                Quantiles b = baseline.quantileSketchView();
                Quantiles w = window.quantileSketchView();
                distributions(b, w, baseline.stddev(), window.mean() - baseline.mean(), out);
                outOfRange(baseline, window, w, out);
                out.put("drift_score", out.get("js_distance"));
            }
            case TEXT -> {
                Quantiles b = baseline.quantileSketchView();
                Quantiles w = window.quantileSketchView();
                distributions(b, w, b.itemStddev(), window.mean() - baseline.mean(), out);
                out.put("drift_score", out.get("js_distance"));
            }
            case CATEGORICAL, STRING, BOOLEAN -> {
                categories(baseline, window, out);
                out.put("drift_score", out.get("hellinger"));
            }
            case TENSOR, EMBEDDING -> {
                centroids(baseline.centroid(), window.centroid(), out);
                out.put("drift_score", out.get("centroid_distance"));
            }
            default -> {
                // datetime, array, dict: no drift (time always moves; lengths of containers are not modelled)
            }
        }
        return out;
    }

    /**
     * Only the {@code drift_score} that {@link #compare} gives, computed the same way but without the metrics the
     * score does not use: for numeric fields and text lengths, the decile shares and not the walk over both
     * sketches for {@code ks} and {@code wasserstein_normed}. For pages and monitors that show or watch the score
     * alone. Null for kinds without drift, and when {@code compare} gives none.
     *
     * @throws IllegalArgumentException as {@link #compare} does
     */
    public static Double score(FieldProfile baseline, FieldProfile window) {
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(window, "window");
        if (binnedOnDeciles(baseline, window)) {
            Map<String, Double> out = new LinkedHashMap<>();
            decileDistances(baseline.quantileSketchView(), window.quantileSketchView(), out);
            return out.get("js_distance");
        }
        return compare(baseline, window).get("drift_score");
    }

    /**
     * The bins drift compares a numeric field, or a text field's lengths, on, with each side's share of its valid
     * values in each bin. The inner {@code edges} are the baseline's deciles q10 … q90, each once (a repeated decile
     * would only add a bin that is empty on both sides), so there are 2 to 10 bins: {@code (-inf, edges[0])}, {@code
     * [edges[i-1], edges[i])}, {@code [edges[last], +inf)}. {@code baseline} and {@code window} hold the shares in
     * that order; each sums to 1 up to rounding.
     */
    public record DecileShares(List<Double> edges, List<Double> baseline, List<Double> window) {
        /** Copies the lists. */
        public DecileShares {
            edges = List.copyOf(edges);
            baseline = List.copyOf(baseline);
            window = List.copyOf(window);
            if (baseline.size() != edges.size() + 1 || window.size() != edges.size() + 1) {
                throw new IllegalArgumentException("expected " + (edges.size() + 1) + " shares a side for "
                        + edges.size() + " edges, got " + baseline.size() + " and " + window.size());
            }
        }
    }

    /**
     * The shares of {@code baseline} and {@code window} in the baseline's decile bins, exactly as {@link #compare}
     * bins them for {@code js_distance}, {@code hellinger} and {@code psi}: for a chart of the two distributions. The
     * shares come from the quantile sketches: exact while a sketch is (a few hundred values) and in its exact tails,
     * within its rank error (≈ 0.7% at k = {@value Quantiles#K}) beyond. Empty unless both profiles are numeric, or both text (their
     * lengths), and each side has a valid value.
     */
    public static Optional<DecileShares> decileShares(FieldProfile baseline, FieldProfile window) {
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(window, "window");
        if (!binnedOnDeciles(baseline, window)) {
            return Optional.empty();
        }
        Quantiles b = baseline.quantileSketchView();
        double[] edges = decileEdges(b);
        return Optional.of(new DecileShares(
                boxed(edges), boxed(binShares(b, edges)), boxed(binShares(window.quantileSketchView(), edges))));
    }

    /**
     * {@code ks_pvalue}: the p-value of the two-sample Kolmogorov–Smirnov test of a numeric field (or a text field's
     * lengths) against the baseline, for {@code method: test} monitors (decision 0031). The statistic is {@code ks}
     * (from the two quantile sketches) less {@link Significance#SKETCH_KS_ERROR} for each sketch that compacted, the
     * sizes are the two sides' valid values, and the p-value is {@link Significance#ksPValue}. Null unless both
     * profiles are numeric, or both text, with a valid value each.
     */
    public static Double ksPValue(FieldProfile baseline, FieldProfile window) {
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(window, "window");
        if (!binnedOnDeciles(baseline, window)) {
            return null;
        }
        Quantiles b = baseline.quantileSketchView();
        Quantiles w = window.quantileSketchView();
        b.view(); // sealed: exact() answers for the sketch as written
        w.view();
        double ks = compare(baseline, window).get("ks");
        return Significance.ksPValue(Significance.sketchAdjustedKs(ks, b.exact(), w.exact()), b.n(), w.n());
    }

    /** Whether drift bins the two profiles on the baseline's deciles: numeric or text alike, each with a valid value. */
    private static boolean binnedOnDeciles(FieldProfile baseline, FieldProfile window) {
        FieldType.Kind kind = window.kind();
        return baseline.kind() == kind
                && (kind == FieldType.Kind.NUMERIC || kind == FieldType.Kind.TEXT)
                && baseline.validCount() > 0
                && window.validCount() > 0;
    }

    private static List<Double> boxed(double[] values) {
        return Arrays.stream(values).boxed().toList();
    }

    /** Whether fields of this kind have drift metrics at all. */
    public static boolean hasDrift(FieldType.Kind kind) {
        return !metricNames(kind).isEmpty();
    }

    private static final List<String> NUMERIC = List.of(
            "js_distance",
            "hellinger",
            "psi",
            "ks",
            "wasserstein_normed",
            "out_of_range_count",
            "out_of_range_ratio",
            "drift_score");
    private static final List<String> TEXT =
            List.of("js_distance", "hellinger", "psi", "ks", "wasserstein_normed", "drift_score");
    private static final List<String> CATEGORIES = List.of(
            "js_distance", "hellinger", "psi", "chi2_pvalue", "new_value_count", "new_value_ratio", "drift_score");
    private static final List<String> VECTORS = List.of("centroid_distance", "centroid_cosine_distance", "drift_score");

    /** Every name {@link #compare} gives for a field of some kind ({@link #metricNames}, all kinds together). */
    public static final Set<String> METRIC_NAMES = Arrays.stream(FieldType.Kind.values())
            .flatMap(kind -> metricNames(kind).stream())
            .collect(Collectors.collectingAndThen(
                    Collectors.toCollection(LinkedHashSet::new), Collections::unmodifiableSet));

    /**
     * Drift metrics given only when a query names them ({@code metric=ks_pvalue}) and to {@code method: test}
     * monitors, never in the listing of every metric: {@link #ksPValue} (decision 0031). A p-value is not a distance,
     * and the listing's readers (pages, clients, the report) keep the rows they had.
     */
    public static final Set<String> ON_REQUEST_NAMES = Set.of("ks_pvalue");

    /** The {@link #ON_REQUEST_NAMES} of a field of this kind: {@code ks_pvalue} for numeric and text fields. */
    public static List<String> onRequestNames(FieldType.Kind kind) {
        return kind == FieldType.Kind.NUMERIC || kind == FieldType.Kind.TEXT ? List.of("ks_pvalue") : List.of();
    }

    /** The names {@link #compare} gives for a field of this kind, in its order; empty for kinds without drift. */
    public static List<String> metricNames(FieldType.Kind kind) {
        return switch (kind) {
            case NUMERIC -> NUMERIC;
            case TEXT -> TEXT;
            case CATEGORICAL, STRING, BOOLEAN -> CATEGORIES;
            case TENSOR, EMBEDDING -> VECTORS;
            default -> List.of();
        };
    }

    // ---- numeric ---------------------------------------------------------------------------------

    /**
     * {@code meanShift} is the exact difference of the means (window - baseline). W1 is ∫|F_b - F_w| dx and
     * ∫(F_b - F_w) dx is exactly that shift, so W1 = |shift| + 2 ∫ (the part of the difference with the other
     * sign). Only that smaller part comes from the sketches, which cuts their error on W1 several times
     * (decision 0006: worst of 30 trials 6.5% → 1.2% on normal data, 21% → 6.7% on lognormal).
     */
    private static void distributions(
            Quantiles baseline, Quantiles window, Double baselineStddev, double meanShift, Map<String, Double> out) {
        decileDistances(baseline, window, out);
        // KS and W1 over the step functions F(x) = fraction <= x, evaluated at every value of either side's view:
        // one walk over the two sorted views (their ranks are exact in the tails, the sketch's in between).
        Quantiles.View bv = baseline.view();
        Quantiles.View wv = window.view();
        double[] bx = bv.values();
        double[] bc = bv.ranks();
        double bn = baseline.n();
        double[] wx = wv.values();
        double[] wc = wv.ranks();
        double wn = window.n();
        double ks = 0;
        double baselineAbove = 0; // ∫ (F_b - F_w)+ dx
        double windowAbove = 0; // ∫ (F_w - F_b)+ dx
        double fb = 0;
        double fw = 0;
        double previous = Double.NaN;
        double previousDifference = 0;
        int i = 0;
        int j = 0;
        while (i < bx.length || j < wx.length) {
            double x = j >= wx.length || (i < bx.length && bx[i] <= wx[j]) ? bx[i] : wx[j];
            while (i < bx.length && bx[i] == x) {
                fb = bc[i++] / bn;
            }
            while (j < wx.length && wx[j] == x) {
                fw = wc[j++] / wn;
            }
            if (!Double.isNaN(previous)) {
                double area = previousDifference * (x - previous);
                if (area > 0) {
                    baselineAbove += area;
                } else {
                    windowAbove -= area;
                }
            }
            double difference = fb - fw;
            ks = Math.max(ks, Math.abs(difference));
            previous = x;
            previousDifference = difference;
        }
        out.put("ks", ks);
        // F_b above F_w means the window lies to the right: ∫(F_b - F_w) = meanShift.
        double w1 = meanShift >= 0 ? meanShift + 2 * windowAbove : -meanShift + 2 * baselineAbove;
        double scale = Math.max(baselineStddev == null ? 0 : baselineStddev, MIN_STDDEV);
        out.put("wasserstein_normed", w1 / scale);
    }

    /** js_distance, hellinger and psi of the two sides' shares of the baseline's decile bins. */
    private static void decileDistances(Quantiles baseline, Quantiles window, Map<String, Double> out) {
        double[] edges = decileEdges(baseline);
        shareDistances(binShares(baseline, edges), binShares(window, edges), out);
    }

    /**
     * The baseline's deciles, ascending, each once. A decile that repeats the one before would bound a bin empty on
     * both sides, whose terms in {@link #shareDistances} are exactly 0: leaving it out changes no metric.
     */
    static double[] decileEdges(Quantiles baseline) {
        double[] edges = new double[DECILES.length];
        int n = 0;
        for (double decile : DECILES) {
            double edge = baseline.quantile(decile);
            if (n == 0 || edge > edges[n - 1]) {
                edges[n++] = edge;
            }
        }
        return Arrays.copyOf(edges, n);
    }

    /** Shares of (-inf, e1), [e1, e2), …, [e9, +inf) from the fraction of values below each edge. */
    static double[] binShares(Quantiles sketch, double[] edges) {
        double[] shares = new double[edges.length + 1];
        double below = 0;
        for (int i = 0; i < edges.length; i++) {
            double fraction = sketch.rank(edges[i], false) / sketch.n();
            shares[i] = Math.max(0, fraction - below);
            below = Math.max(below, fraction);
        }
        shares[edges.length] = Math.max(0, 1 - below);
        return shares;
    }

    private static void outOfRange(FieldProfile baseline, FieldProfile window, Quantiles w, Map<String, Double> out) {
        double min = baseline.min();
        double max = baseline.max();
        long n = window.validCount();
        long count;
        if (window.min() >= min && window.max() <= max) {
            count = 0;
        } else {
            // exact while at most Quantiles.TAIL values lie beyond either end (or the sketch holds every value)
            double below = w.rank(min, false);
            double above = n - w.rank(max, true);
            count = Math.round(below) + Math.round(above);
        }
        out.put("out_of_range_count", (double) count);
        out.put("out_of_range_ratio", (double) count / n);
    }

    // ---- categorical --------------------------------------------------------------------------------

    private static void categories(FieldProfile baseline, FieldProfile window, Map<String, Double> out) {
        Map<String, Long> b = baseline.valueCounts();
        Map<String, Long> w = window.valueCounts();
        Set<String> keys = new HashSet<>(top(b));
        keys.addAll(top(w));
        List<String> values = new ArrayList<>(keys);
        values.sort(CategoricalProfile::compareCodePoints);
        int k = values.size();
        double[] bc = new double[k + 1];
        double[] wc = new double[k + 1];
        for (int i = 0; i < k; i++) {
            bc[i] = b.getOrDefault(values.get(i), 0L);
            wc[i] = w.getOrDefault(values.get(i), 0L);
        }
        bc[k] = baseline.validCount() - sum(bc);
        wc[k] = window.validCount() - sum(wc);
        double[] p = shares(bc, baseline.validCount());
        double[] q = shares(wc, window.validCount());
        shareDistances(p, q, out);
        out.put("chi2_pvalue", chi2PValue(bc, wc));
        long newValues = 0;
        for (Map.Entry<String, Long> e : w.entrySet()) {
            if (!b.containsKey(e.getKey())) {
                newValues += e.getValue();
            }
        }
        out.put("new_value_count", (double) newValues);
        out.put("new_value_ratio", (double) newValues / window.validCount());
    }

    static List<String> top(Map<String, Long> counts) {
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(CategoricalProfile.BY_COUNT_THEN_VALUE);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(CategoricalProfile.TOP_VALUES, sorted.size()); i++) {
            out.add(sorted.get(i).getKey());
        }
        return out;
    }

    private static double sum(double[] values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s;
    }

    private static double[] shares(double[] counts, long total) {
        double[] out = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            out[i] = counts[i] / total;
        }
        return out;
    }

    /**
     * Pearson's chi-square test of homogeneity on the 2 × K table (columns with no count on either side
     * dropped, no continuity correction), as {@code scipy.stats.chi2_contingency(table, correction=False)}.
     */
    static double chi2PValue(double[] baseline, double[] window) {
        double rowB = sum(baseline);
        double rowW = sum(window);
        double total = rowB + rowW;
        double statistic = 0;
        int columns = 0;
        for (int i = 0; i < baseline.length; i++) {
            double column = baseline[i] + window[i];
            if (column == 0) {
                continue;
            }
            columns++;
            double eb = rowB * column / total;
            double ew = rowW * column / total;
            statistic += (baseline[i] - eb) * (baseline[i] - eb) / eb + (window[i] - ew) * (window[i] - ew) / ew;
        }
        int dof = columns - 1;
        if (dof <= 0) {
            return 1.0;
        }
        return Gamma.regularizedGammaQ(dof / 2.0, statistic / 2.0);
    }

    // ---- shares ------------------------------------------------------------------------------------

    /** {@code js_distance} (base 2), {@code hellinger} and {@code psi} of baseline shares p and window shares q. */
    static void shareDistances(double[] p, double[] q, Map<String, Double> out) {
        double kl1 = 0;
        double kl2 = 0;
        double bhattacharyya = 0;
        double psi = 0;
        for (int i = 0; i < p.length; i++) {
            double m = (p[i] + q[i]) / 2;
            if (p[i] > 0) {
                kl1 += p[i] * log2(p[i] / m);
            }
            if (q[i] > 0) {
                kl2 += q[i] * log2(q[i] / m);
            }
            bhattacharyya += Math.sqrt(p[i] * q[i]);
            double pf = Math.max(p[i], PSI_FLOOR);
            double qf = Math.max(q[i], PSI_FLOOR);
            psi += (qf - pf) * Math.log(qf / pf);
        }
        out.put("js_distance", Math.sqrt(Math.max(0, (kl1 + kl2) / 2)));
        out.put("hellinger", Math.sqrt(Math.max(0, 1 - bhattacharyya)));
        out.put("psi", psi);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    // ---- vectors -----------------------------------------------------------------------------------

    private static void centroids(double[] baseline, double[] window, Map<String, Double> out) {
        double squared = 0;
        double dot = 0;
        double nb = 0;
        double nw = 0;
        for (int i = 0; i < baseline.length; i++) {
            double d = window[i] - baseline[i];
            squared += d * d;
            dot += baseline[i] * window[i];
            nb += baseline[i] * baseline[i];
            nw += window[i] * window[i];
        }
        out.put("centroid_distance", Math.sqrt(squared));
        out.put("centroid_cosine_distance", nb == 0 || nw == 0 ? null : 1 - dot / Math.sqrt(nb * nw));
    }
}
