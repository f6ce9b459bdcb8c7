package dev.vigil.stats;

import dev.vigil.core.model.FieldType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which segment is worst: a field's drift, or a performance drop, split into one contribution per segment of a
 * partition of the window's rows, so that the contributions add up to the whole (decision 0032).
 *
 * <p>Drift: with the baseline's bins (numeric and text lengths: its deciles, as {@link Drift} bins them; categorical,
 * string and boolean: the union of both sides' 50 most frequent values plus {@code __other__}) the baseline's shares
 * p<sub>i</sub> and each part s's counts c<sub>s,i</sub>, the window's shares are q<sub>i</sub> = Σ<sub>s</sub>
 * c<sub>s,i</sub> / N and PSI = Σ<sub>i</sub> (q'<sub>i</sub> − p'<sub>i</sub>) ln(q'<sub>i</sub>/p'<sub>i</sub>)
 * (primes: floored at 10<sup>-4</sup>). A part's contribution is w<sub>s</sub> Σ<sub>i</sub> (q<sub>s,i</sub> −
 * p<sub>i</sub> + d<sub>i</sub>) ln(q'<sub>i</sub>/p'<sub>i</sub>) with w<sub>s</sub> = n<sub>s</sub>/N and d<sub>i</sub>
 * = (q'<sub>i</sub> − q<sub>i</sub>) − (p'<sub>i</sub> − p<sub>i</sub>) (zero unless a share is floored): the parts'
 * contributions add up to PSI exactly.
 *
 * <p>Performance: for a metric that is a mean over the labeled rows, m = Σ w<sub>s</sub> m<sub>s</sub>, so the
 * worsening m<sub>ref</sub> − m (or m − m<sub>ref</sub> for an error) is Σ w<sub>s</sub> (m<sub>ref</sub> −
 * m<sub>s</sub>) exactly; for ratio metrics the same sum ranks, but does not add up to the drop.
 */
public final class SegmentSplit {
    /** The name of the part of a partition no profiled segment holds: missing values, values past the top 50, rows a {@code where} is not true for. */
    public static final String REST = "__rest__";
    /** How many of a categorical column's most frequent values are tried as discovered segments by default. */
    public static final int DISCOVERED_VALUES = 5;

    private SegmentSplit() {}

    /**
     * The bins a field's drift is measured on, with the baseline's share of each: the baseline's deciles for numeric
     * fields and text lengths ({@code edges}, bins {@code (-inf, e0), [e0, e1), …, [e_last, +inf)}); for categorical,
     * string and boolean fields the union of the 50 most frequent values of the baseline and of the whole window,
     * ordered by code point, then {@code __other__} ({@code values}).
     */
    public static final class Bins {
        private final FieldType.Kind kind;
        private final double[] edges;
        private final List<String> values;
        private final Map<String, Integer> index = new HashMap<>();
        private final double[] baseline;

        private Bins(FieldType.Kind kind, double[] edges, List<String> values, double[] baseline) {
            this.kind = kind;
            this.edges = edges;
            this.values = values;
            this.baseline = baseline;
            for (int i = 0; i < values.size(); i++) {
                index.put(values.get(i), i);
            }
            // a row sample keeps a category's first 64 characters (SampleProfile.cut): a sampled long value finds
            // its bin by that cut, never by falling into __other__
            for (int i = 0; i < values.size(); i++) {
                index.putIfAbsent(SampleProfile.cut(values.get(i)), i);
            }
        }

        /** Bins on the given decile edges (ascending, each once), for numeric values. */
        public static Bins numeric(double[] edges, double[] baselineShares) {
            return checked(new Bins(FieldType.Kind.NUMERIC, edges.clone(), List.of(), baselineShares.clone()));
        }

        /** Bins on the given values (the last bin, {@code __other__}, holds every other value), for categories. */
        public static Bins categories(List<String> values, double[] baselineShares) {
            return checked(new Bins(FieldType.Kind.STRING, new double[0], List.copyOf(values), baselineShares.clone()));
        }

        private static Bins checked(Bins bins) {
            if (bins.baseline.length != bins.size()) {
                throw new IllegalArgumentException(
                        "expected " + bins.size() + " baseline shares, got " + bins.baseline.length);
            }
            return bins;
        }

        /** Whether the bins are a distribution's (numeric, text lengths) rather than categories. */
        public boolean distribution() {
            return kind == FieldType.Kind.NUMERIC || kind == FieldType.Kind.TEXT;
        }

        /** The number of bins. */
        public int size() {
            return distribution() ? edges.length + 1 : values.size() + 1;
        }

        /** The baseline's share of each bin. */
        public double[] baseline() {
            return baseline.clone();
        }

        /**
         * A profile's (a segment's, or all rows') count of valid values in each bin: from its quantile sketch's ranks
         * at the edges (exact while the sketch is, within its rank error beyond) or its value counts (the 50 most
         * frequent values of the profile exact, the others in {@code __other__}).
         */
        public double[] counts(FieldProfile profile) {
            double[] out = new double[size()];
            long n = profile.validCount();
            if (n == 0) {
                return out;
            }
            if (distribution()) {
                double[] shares = Drift.binShares(profile.quantileSketchView(), edges);
                for (int i = 0; i < out.length; i++) {
                    out[i] = shares[i] * n;
                }
                return out;
            }
            Map<String, Long> counts = profile.valueCounts();
            double listed = 0;
            for (int i = 0; i < values.size(); i++) {
                out[i] = counts.getOrDefault(values.get(i), 0L);
                listed += out[i];
            }
            out[values.size()] = Math.max(0, n - listed);
            return out;
        }

        /**
         * The bin of one row's value: a number ({@link Number}) for distributions, a category ({@link String}) for
         * categories; -1 for a missing or invalid value (null, NaN, ±Infinity), which no bin holds.
         */
        public int binOf(Object value) {
            if (value == null) {
                return -1;
            }
            if (distribution()) {
                if (!(value instanceof Number number) || !Double.isFinite(number.doubleValue())) {
                    return -1;
                }
                double x = number.doubleValue();
                int i = 0;
                while (i < edges.length && x >= edges[i]) {
                    i++;
                }
                return i;
            }
            return index.getOrDefault(value.toString(), values.size());
        }
    }

    /**
     * The bins {@link Drift#compare} measures {@code window} against {@code baseline} on, with the baseline's shares;
     * empty for fields without binned drift (tensors, embeddings, datetimes, arrays, dicts) or when a side has no
     * valid value.
     */
    public static Optional<Bins> bins(FieldProfile baseline, FieldProfile window) {
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(window, "window");
        FieldType.Kind kind = window.kind();
        if (baseline.kind() != kind || baseline.validCount() == 0 || window.validCount() == 0) {
            return Optional.empty();
        }
        switch (kind) {
            case NUMERIC, TEXT -> {
                Quantiles b = baseline.quantileSketchView();
                double[] edges = Drift.decileEdges(b);
                Bins bins = new Bins(kind, edges, List.of(), Drift.binShares(b, edges));
                return Optional.of(bins);
            }
            case CATEGORICAL, STRING, BOOLEAN -> {
                Set<String> keys = new HashSet<>(Drift.top(baseline.valueCounts()));
                keys.addAll(Drift.top(window.valueCounts()));
                List<String> values = new ArrayList<>(keys);
                values.sort(CategoricalProfile::compareCodePoints);
                Bins bins = new Bins(kind, new double[0], values, new double[values.size() + 1]);
                double[] counts = bins.counts(baseline);
                for (int i = 0; i < counts.length; i++) {
                    bins.baseline[i] = counts[i] / baseline.validCount();
                }
                return Optional.of(bins);
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /** One part of a partition of the window's rows: its name ({@code NAME=VALUE}) and its count in each bin. */
    public record Part(String segment, double[] counts) {
        public Part {
            Objects.requireNonNull(segment, "segment");
            counts = counts.clone();
        }

        /** The part's valid values: the sum of its bin counts. */
        public double size() {
            return Arrays.stream(counts).sum();
        }
    }

    /**
     * The parts of a declared segment's partition of the window: each profiled segment's counts, then {@code
     * NAME=__rest__}, the window's counts less the segments' (each bin at least 0), when it holds any valid value:
     * missing segment values, values past the 50 profiled in a window, the rows a {@code where} is not true for.
     *
     * @param name the segment's name ({@code owner}, {@code big}), for the rest's name
     * @param all the whole window's profile of the field
     * @param segments the window's profiles of the field in each of the segment's keys, by key
     */
    public static List<Part> partition(Bins bins, String name, FieldProfile all, Map<String, FieldProfile> segments) {
        List<Part> parts = new ArrayList<>();
        double[] rest = bins.counts(all);
        long restValid = all.validCount();
        for (Map.Entry<String, FieldProfile> e : segments.entrySet()) {
            double[] counts = bins.counts(e.getValue());
            restValid -= e.getValue().validCount();
            for (int i = 0; i < rest.length; i++) {
                rest[i] -= counts[i];
            }
            if (e.getValue().validCount() > 0) {
                parts.add(new Part(e.getKey(), counts));
            }
        }
        if (restValid > 0) {
            for (int i = 0; i < rest.length; i++) {
                rest[i] = Math.max(0, rest[i]);
            }
            if (Arrays.stream(rest).sum() > 0) {
                parts.add(new Part(name + "=" + REST, rest));
            }
        }
        return parts;
    }

    /**
     * One segment's part in the whole: its {@code share} of the window's rows (of the field's valid values for drift,
     * of the labeled rows for performance), its {@code own} value (its drift_score against the baseline, or its own
     * metric), its {@code contribution} and that as a share of the total ({@code contributionShare}, null when the
     * total is 0).
     *
     * @param ownPsi the segment's own PSI against the baseline (drift only; null for performance)
     */
    public record Contribution(
            String segment, double share, Double own, Double ownPsi, Double contribution, Double contributionShare) {}

    /** A partition's contributions, in the parts' order, and their total: the window's PSI, or its worsening. */
    public record Split(double total, List<Contribution> parts) {
        public Split {
            parts = List.copyOf(parts);
        }

        /** The parts by contribution, largest first (ties by name); parts without one last. */
        public List<Contribution> ranked() {
            List<Contribution> out = new ArrayList<>(parts);
            out.sort(Comparator.comparing(
                            (Contribution c) -> c.contribution() == null ? Double.NEGATIVE_INFINITY : c.contribution())
                    .reversed()
                    .thenComparing(Contribution::segment));
            return out;
        }
    }

    /**
     * The PSI of the window the parts make up against the baseline's bins, split into the parts' contributions, which
     * add up to it exactly (up to rounding). Each part's {@code own} is its drift_score against the whole baseline on
     * the same bins: Jensen–Shannon distance (base 2) for distributions, Hellinger distance for categories.
     */
    public static Split drift(Bins bins, List<Part> parts) {
        int k = bins.size();
        double n = 0;
        double[] window = new double[k];
        for (Part part : parts) {
            if (part.counts().length != k) {
                throw new IllegalArgumentException(
                        "part " + part.segment() + " has " + part.counts().length + " bins, expected " + k);
            }
            n += part.size();
            for (int i = 0; i < k; i++) {
                window[i] += part.counts()[i];
            }
        }
        if (n <= 0) {
            return new Split(0, List.of());
        }
        double[] p = bins.baseline;
        double[] log = new double[k];
        double[] floored = new double[k]; // d_i: what flooring adds to q_i - p_i
        double psi = 0;
        for (int i = 0; i < k; i++) {
            double q = window[i] / n;
            double pf = Math.max(p[i], Drift.PSI_FLOOR);
            double qf = Math.max(q, Drift.PSI_FLOOR);
            log[i] = Math.log(qf / pf);
            floored[i] = (qf - q) - (pf - p[i]);
            psi += (qf - pf) * log[i];
        }
        List<Contribution> out = new ArrayList<>();
        for (Part part : parts) {
            double size = part.size();
            if (size <= 0) {
                continue;
            }
            double w = size / n;
            double[] q = new double[k];
            double sum = 0;
            for (int i = 0; i < k; i++) {
                q[i] = part.counts()[i] / size;
                sum += (q[i] - p[i] + floored[i]) * log[i];
            }
            Map<String, Double> own = new LinkedHashMap<>();
            Drift.shareDistances(p, q, own);
            double contribution = w * sum;
            out.add(new Contribution(
                    part.segment(),
                    w,
                    own.get(bins.distribution() ? "js_distance" : "hellinger"),
                    own.get("psi"),
                    contribution,
                    psi == 0 ? null : contribution / psi));
        }
        return new Split(psi, out);
    }

    /** One segment's own value of a performance metric over its {@code labeled} rows (null when undefined). */
    public record Group(String segment, long labeled, Double metric) {}

    /**
     * The worsening of a performance metric from {@code reference} to the window, split over {@code groups}, a
     * partition of the window's labeled rows: contribution = w<sub>s</sub> · (m<sub>ref</sub> − m<sub>s</sub>), signed
     * so that a worsening is positive ({@code higherIsBetter} false: an error metric, whose rise is the worsening), with
     * w<sub>s</sub> the group's share of the labeled rows. The total is the window's worsening, {@code window} against
     * {@code reference}; the contributions add up to it exactly when the metric is a mean over the labeled rows.
     */
    public static Split performance(double reference, double window, boolean higherIsBetter, List<Group> groups) {
        double sign = higherIsBetter ? 1 : -1;
        double total = sign * (reference - window);
        long n = groups.stream().mapToLong(Group::labeled).sum();
        List<Contribution> out = new ArrayList<>();
        for (Group g : groups) {
            if (g.labeled() <= 0) {
                continue;
            }
            double w = (double) g.labeled() / n;
            Double contribution = g.metric() == null ? null : w * sign * (reference - g.metric());
            out.add(new Contribution(
                    g.segment(),
                    w,
                    g.metric(),
                    null,
                    contribution,
                    contribution == null || total == 0 ? null : contribution / total));
        }
        return new Split(total, out);
    }

    // ---- discovered segments -------------------------------------------------------------------------

    /**
     * Rows of a window's sample, for segments nobody declared: the explained field's value and the categorical
     * columns whose most frequent values are tried as segments.
     */
    public interface Rows {
        /** The number of rows. */
        int size();

        /** The explained field's value in row {@code row}: a number, or a category as text; null when missing. */
        Object value(int row);

        /** The categorical, string and boolean columns to discover segments in. */
        List<String> columns();

        /** The value of {@code column} in row {@code row} as text, or null when missing. */
        String category(String column, int row);
    }

    /** A discovered segment's split: {@code column=value} against the rest of the sample ({@code column=__rest__}). */
    public record Discovered(String column, String value, Split split) {}

    /**
     * For each of {@code rows}' columns, its {@code top} most frequent values in the sample (ties by code point), each
     * as the partition {@code column=value} / the rest, split on {@code bins} ({@link #drift}). The numbers come from
     * the sample's rows, not from profiles: a sample's shares are estimates of the window's.
     */
    public static List<Discovered> discover(Bins bins, Rows rows, int top) {
        int k = bins.size();
        int[] binOf = new int[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            binOf[r] = bins.binOf(rows.value(r));
        }
        List<Discovered> out = new ArrayList<>();
        for (String column : rows.columns()) {
            Map<String, Long> counts = new HashMap<>();
            for (int r = 0; r < rows.size(); r++) {
                String category = rows.category(column, r);
                if (category != null) {
                    counts.merge(category, 1L, Long::sum);
                }
            }
            List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.entrySet());
            sorted.sort(CategoricalProfile.BY_COUNT_THEN_VALUE);
            for (Map.Entry<String, Long> e : sorted.subList(0, Math.min(top, sorted.size()))) {
                double[] in = new double[k];
                double[] rest = new double[k];
                for (int r = 0; r < rows.size(); r++) {
                    if (binOf[r] < 0) {
                        continue;
                    }
                    if (e.getKey().equals(rows.category(column, r))) {
                        in[binOf[r]]++;
                    } else {
                        rest[binOf[r]]++;
                    }
                }
                List<Part> parts =
                        List.of(new Part(column + "=" + e.getKey(), in), new Part(column + "=" + REST, rest));
                out.add(new Discovered(column, e.getKey(), drift(bins, parts)));
            }
        }
        return out;
    }
}
