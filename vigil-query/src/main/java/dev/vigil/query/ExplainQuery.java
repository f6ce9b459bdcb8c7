package dev.vigil.query;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.Segment;
import dev.vigil.core.monitor.Detector;
import dev.vigil.core.query.Baseline;
import dev.vigil.core.query.ExplainRow;
import dev.vigil.query.BucketMerger.Bucket;
import dev.vigil.stats.FieldProfile;
import dev.vigil.stats.PerformanceProfile;
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
            Instant end) {
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
                        true));
            }
        }
        return ranked(out);
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
                        exact));
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
