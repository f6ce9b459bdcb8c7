package dev.vigil.query;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.Segment;
import dev.vigil.core.monitor.Detector;
import dev.vigil.core.query.Baseline;
import dev.vigil.core.query.ExplainRow;
import dev.vigil.query.BucketMerger.Bucket;
import dev.vigil.stats.FieldProfile;
import dev.vigil.stats.PerformanceProfile;
import dev.vigil.stats.SampleProfile;
import dev.vigil.stats.SegmentSplit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which segment is worst: a range's drift of one field, or its drop of one performance metric, split over each
 * declared segment's partition of the rows ({@link SegmentSplit}, decision 0032), from the segments' stored profiles
 * merged over the range. Rows of every segment, the largest contribution first.
 */
final class ExplainQuery {
    /**
     * Metrics that are a mean over the labeled rows, whose drop splits over a partition exactly (and whose value on
     * the rows no profiled segment holds follows from the others'); other metrics' splits only rank.
     */
    static final Set<String> MEANS = Set.of("accuracy", "subset_accuracy", "mae", "mse");

    private ExplainQuery() {}

    /** The range's buckets of one field or prediction, by segment ("" = all rows). */
    private static Map<String, Bucket> bySegment(List<Bucket> buckets, String field) {
        Map<String, Bucket> out = new LinkedHashMap<>();
        buckets.stream().filter(b -> b.field.equals(field)).forEach(b -> out.put(b.segment, b));
        return out;
    }

    /** The buckets of {@code segment}'s keys ({@code NAME=…}), in key order. */
    private static <T> Map<String, T> keysOf(Segment segment, Map<String, Bucket> buckets, Class<T> kind) {
        String prefix = segment.name() + "=";
        Map<String, T> out = new LinkedHashMap<>();
        buckets.keySet().stream().filter(k -> k.startsWith(prefix)).sorted().forEach(k -> {
            if (kind.isInstance(buckets.get(k).profile)) {
                out.put(k, kind.cast(buckets.get(k).profile));
            }
        });
        return out;
    }

    /**
     * Whether {@code segment} is cut on {@code field} itself (a value or bucket segment of the field, or a {@code where}
     * naming it as a word): such a segment explains the field's drift by construction, and is left out of it.
     */
    static boolean cutOn(Segment segment, String field) {
        if (field.equals(segment.field())) {
            return true;
        }
        return segment.isWhere()
                && Pattern.compile("(?<![A-Za-z0-9_.])" + Pattern.quote(field) + "(?![A-Za-z0-9_])")
                        .matcher(segment.where())
                        .find();
    }

    /**
     * The drift of {@code field} over [{@code start}, {@code end}) against {@code baseline}'s profile of it, split over
     * each declared segment not cut on the field. Empty when the range has no valid value of the field.
     *
     * @param shownField the field's name in the rows ({@code <name>.length} for a text field)
     */
    static List<ExplainRow> drift(
            List<Segment> segments,
            String dataset,
            String field,
            String shownField,
            List<Bucket> window,
            FieldProfile reference,
            Baseline baseline,
            Instant start,
            Instant end,
            Optional<Sampled> sample) {
        Map<String, Bucket> buckets = bySegment(window, field);
        Bucket all = buckets.get("");
        if (all == null || all.fieldProfile() == null) {
            return List.of();
        }
        Optional<SegmentSplit.Bins> bins = SegmentSplit.bins(reference, all.fieldProfile());
        if (bins.isEmpty()) {
            return List.of();
        }
        List<ExplainRow> out = new ArrayList<>();
        for (Segment segment : segments) {
            if (cutOn(segment, field)) {
                continue;
            }
            SegmentSplit.Split split = SegmentSplit.drift(
                    bins.get(),
                    SegmentSplit.partition(
                            bins.get(),
                            segment.name(),
                            all.fieldProfile(),
                            keysOf(segment, buckets, FieldProfile.class)));
            for (SegmentSplit.Contribution c : split.parts()) {
                out.add(new ExplainRow(
                        dataset,
                        shownField,
                        "psi",
                        c.segment(),
                        ExplainRow.DECLARED,
                        start,
                        end,
                        baseline.name(),
                        c.share(),
                        c.own(),
                        c.ownPsi(),
                        c.contribution(),
                        c.contributionShare(),
                        split.total(),
                        null,
                        true,
                        null));
            }
        }
        // declared segments first, then the discovered ones: a discovered contribution is a share of the sample's
        // PSI, not of the window's, and sampling noise must not outrank a profiled segment
        List<ExplainRow> rows = new ArrayList<>(ranked(out));
        sample.ifPresent(
                s -> rows.addAll(ranked(discovered(s, bins.get(), dataset, shownField, baseline, start, end))));
        return rows;
    }

    /**
     * A range's merged row sample, ready for discovery: the explained field's column and the candidate segment columns.
     *
     * @param field the explained field's column in the sample
     * @param fieldIsBoolean whether it is a boolean (sampled as 0/1, binned as {@code true}/{@code false})
     * @param columns the categorical, string and boolean columns to discover segments in (not the field itself, nor a
     *     column a declared value segment already splits)
     * @param booleans those of {@code columns} that are booleans
     */
    record Sampled(
            SampleProfile sample, String field, boolean fieldIsBoolean, List<String> columns, Set<String> booleans) {}

    /**
     * The discovered segments' rows ({@link SegmentSplit#discover}): each candidate column's 5 most frequent values in
     * the sample, each {@code COLUMN=VALUE} against the rest of the sample, on the declared path's bins. Only the
     * {@code COLUMN=VALUE} rows are listed: each value has its own rest, and five rows all named {@code
     * COLUMN=__rest__} would read as one. Empty when the sample lacks the field (sampled before it was added, or a
     * text field, which is not sampled).
     */
    static List<ExplainRow> discovered(
            Sampled s,
            SegmentSplit.Bins bins,
            String dataset,
            String shownField,
            Baseline baseline,
            Instant start,
            Instant end) {
        Map<String, SampleProfile.ColumnKind> kinds = new LinkedHashMap<>();
        s.sample().columns().forEach(c -> kinds.put(c.name(), c.kind()));
        SampleProfile.ColumnKind kind = kinds.get(s.field());
        if (kind == null
                || kind == SampleProfile.ColumnKind.VECTOR
                || s.sample().size() == 0) {
            return List.of();
        }
        int n = s.sample().size();
        Object[] values = new Object[n];
        if (kind == SampleProfile.ColumnKind.NUMBER) {
            double[][] m = s.sample().numericMatrix(List.of(s.field()));
            for (int r = 0; r < n; r++) {
                double x = m[r][0];
                values[r] = Double.isNaN(x) ? null : s.fieldIsBoolean() ? (Object) booleanText(x) : (Object) x;
            }
        } else {
            List<String> c = s.sample().categories(s.field());
            for (int r = 0; r < n; r++) {
                values[r] = c.get(r);
            }
        }
        Map<String, String[]> columns = new LinkedHashMap<>();
        for (String column : s.columns()) {
            SampleProfile.ColumnKind k = kinds.get(column);
            String[] texts = new String[n];
            if (k == SampleProfile.ColumnKind.CATEGORY) {
                List<String> c = s.sample().categories(column);
                for (int r = 0; r < n; r++) {
                    texts[r] = c.get(r);
                }
            } else if (k == SampleProfile.ColumnKind.NUMBER && s.booleans().contains(column)) {
                double[][] m = s.sample().numericMatrix(List.of(column));
                for (int r = 0; r < n; r++) {
                    texts[r] = Double.isNaN(m[r][0]) ? null : booleanText(m[r][0]);
                }
            } else {
                continue; // not in this sample, or not sampled as a category
            }
            columns.put(column, texts);
        }
        SegmentSplit.Rows rows = new SegmentSplit.Rows() {
            @Override
            public int size() {
                return n;
            }

            @Override
            public Object value(int row) {
                return values[row];
            }

            @Override
            public List<String> columns() {
                return List.copyOf(columns.keySet());
            }

            @Override
            public String category(String column, int row) {
                return columns.get(column)[row];
            }
        };
        List<ExplainRow> out = new ArrayList<>();
        for (SegmentSplit.Discovered d : SegmentSplit.discover(bins, rows, SegmentSplit.DISCOVERED_VALUES)) {
            if (d.split().parts().isEmpty()) {
                continue;
            }
            SegmentSplit.Contribution c = d.split().parts().get(0);
            if (!c.segment().equals(d.column() + "=" + d.value())) {
                continue; // the value holds no row with a valid value of the field: nothing to list
            }
            out.add(new ExplainRow(
                    dataset,
                    shownField,
                    "psi",
                    c.segment(),
                    ExplainRow.DISCOVERED,
                    start,
                    end,
                    baseline.name(),
                    c.share(),
                    c.own(),
                    c.ownPsi(),
                    c.contribution(),
                    c.contributionShare(),
                    d.split().total(),
                    null,
                    true,
                    n));
        }
        return out;
    }

    /** A boolean as the sample keeps it (1 or 0) in the text its profiles count it as. */
    private static String booleanText(double x) {
        return x != 0 ? "true" : "false";
    }

    /**
     * Refuses a performance metric whose drop cannot be split: a count, or a metric where either direction is a
     * problem ({@code mean_error}, {@code positive_rate}).
     */
    static void checkSplittable(String metric) {
        if (metric.startsWith("estimated_")) {
            throw new VigilArgumentException("metric: '" + metric + "' is estimated without actuals, and has no"
                    + " reference value to drop from (explain a realized metric, e.g. accuracy)");
        }
        if (metric.endsWith("_count") || metric.equals("count") || metric.equals("actuals_ratio")) {
            throw new VigilArgumentException("metric: '" + metric + "' is a count of rows, not a measure of"
                    + " performance that can drop (explain e.g. accuracy, f1 or mae)");
        }
        if (Detector.Direction.worseningOf(metric) == Detector.Direction.BOTH) {
            throw new VigilArgumentException("metric: '" + metric + "' can worsen either way, so no segment's part"
                    + " of a drop is defined (explain e.g. accuracy, f1 or mae)");
        }
    }

    /**
     * The worsening of {@code metric} of prediction {@code field} from {@code reference}'s value to the range's, split
     * over each declared segment. Empty when the range or the reference has no labeled row (the metric is undefined).
     */
    static List<ExplainRow> performance(
            List<Segment> segments,
            String dataset,
            String field,
            String metric,
            List<Bucket> window,
            PerformanceProfile reference,
            String referenceName,
            Instant start,
            Instant end) {
        Map<String, Bucket> buckets = bySegment(window, PerformanceProfile.FIELD_PREFIX + field);
        Bucket all = buckets.get("");
        if (all == null || all.performanceProfile() == null || reference == null) {
            return List.of();
        }
        Double m = all.performanceProfile().metrics().get(metric);
        Double ref = reference.metrics().get(metric);
        if (m == null || ref == null) {
            return List.of();
        }
        boolean higherIsBetter = Detector.Direction.worseningOf(metric) == Detector.Direction.DROP;
        boolean exact = MEANS.contains(metric);
        long labeled = all.performanceProfile().actualsCount();
        List<ExplainRow> out = new ArrayList<>();
        for (Segment segment : segments) {
            List<SegmentSplit.Group> groups = new ArrayList<>();
            long rest = labeled;
            double restSum = m * labeled;
            for (Map.Entry<String, PerformanceProfile> e :
                    keysOf(segment, buckets, PerformanceProfile.class).entrySet()) {
                long n = e.getValue().actualsCount();
                Double value = n == 0 ? null : e.getValue().metrics().get(metric);
                groups.add(new SegmentSplit.Group(e.getKey(), n, value));
                rest -= n;
                restSum -= value == null ? 0 : value * n;
            }
            if (rest > 0) {
                // a mean's value over the rest follows from the whole and the parts; a ratio's does not
                groups.add(new SegmentSplit.Group(
                        segment.name() + "=" + SegmentSplit.REST, rest, exact ? restSum / rest : null));
            }
            SegmentSplit.Split split = SegmentSplit.performance(ref, m, higherIsBetter, groups);
            for (SegmentSplit.Contribution c : split.parts()) {
                out.add(new ExplainRow(
                        dataset,
                        field,
                        metric,
                        c.segment(),
                        ExplainRow.DECLARED,
                        start,
                        end,
                        referenceName,
                        c.share(),
                        c.own(),
                        null,
                        c.contribution(),
                        c.contributionShare(),
                        split.total(),
                        ref,
                        exact,
                        null));
            }
        }
        return ranked(out);
    }

    /** Largest contribution first, across segments; rows without one last; ties by segment. */
    private static List<ExplainRow> ranked(List<ExplainRow> rows) {
        List<ExplainRow> out = new ArrayList<>(rows);
        out.sort(Comparator.comparing(
                        (ExplainRow r) -> r.contribution() == null ? Double.NEGATIVE_INFINITY : r.contribution())
                .reversed()
                .thenComparing(ExplainRow::segment));
        return out;
    }
}
