package dev.vigil.query;

import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.TextLength;
import dev.vigil.core.query.Baseline;
import dev.vigil.core.query.DriftRow;
import dev.vigil.query.BucketMerger.Bucket;
import dev.vigil.stats.Drift;
import dev.vigil.stats.FieldProfile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Answers drift queries from stored profiles: each bucket's merged profile of a field is compared
 * with the baseline's merged profile of the same field and segment ({@link Drift}). A baseline or
 * window that cannot give a meaningful number gives {@code value: null} and a {@code reason}.
 */
final class DriftQuery {
    private DriftQuery() {}

    /**
     * The drift rows of merged buckets against their baselines, ordered by window, segment and field.
     * {@code baselineOf} gives a bucket's baseline profile of the same segment and field, if any.
     * With {@code top > 0} only {@code drift_score} rows are kept, the {@code top} highest of each
     * window, segment and {@link Scale}, highest first.
     */
    static List<DriftRow> rows(
            String dataset,
            List<Bucket> windows,
            Function<Bucket, Optional<FieldProfile>> baselineOf,
            Baseline baseline,
            long minBaselineRows,
            Optional<String> metric,
            int top) {
        List<DriftRow> out = new ArrayList<>();
        Map<DriftRow, Scale> scales = new IdentityHashMap<>();
        for (Bucket w : windows) {
            if (w.field.isEmpty() || !Drift.hasDrift(w.fieldProfile().kind())) {
                continue;
            }
            FieldType.Kind kind = w.fieldProfile().kind();
            String field = kind == FieldType.Kind.TEXT ? TextLength.of(w.field) : w.field;
            Optional<FieldProfile> base = baselineOf.apply(w);
            String reason = null;
            Map<String, Double> values = Map.of();
            String where = w.segment.isEmpty() ? "" : " in segment " + w.segment;
            if (base.isEmpty()) {
                reason = baseline.describe() + " has no rows of " + w.field + where
                        + (baseline.reference().isPresent()
                                ? " (run the " + baseline.name() + " dataset: vigil run --dataset " + baseline.name()
                                        + ")"
                                : "");
            } else if (base.get().validCount() < minBaselineRows) {
                reason = baseline.describe() + " has " + base.get().validCount() + " valid values of " + w.field + where
                        + ", fewer than the " + minBaselineRows + " needed (min_baseline_rows)";
            } else if (w.fieldProfile().validCount() == 0) {
                reason = "the window has no valid values of " + w.field + where;
            } else if (base.get().kind() != kind) {
                reason = baseline.describe() + " profiles " + w.field + " as "
                        + base.get().kind().specName() + ", the window as " + kind.specName();
            } else if (metric.filter(Drift.ON_REQUEST_NAMES::contains).isPresent()) {
                // a p-value for method: test (decision 0031): asked by name only
                Double p = Drift.ksPValue(base.get(), w.fieldProfile());
                values = p == null ? Map.of() : Map.of("ks_pvalue", p);
            } else if (top > 0 || metric.filter("drift_score"::equals).isPresent()) {
                // only the score is wanted: skip the metrics it does not use
                Double score = Drift.score(base.get(), w.fieldProfile());
                values = score == null ? Map.of() : Map.of("drift_score", score);
            } else {
                values = Drift.compare(base.get(), w.fieldProfile());
            }
            List<String> names = metric.filter(Drift.ON_REQUEST_NAMES::contains).isPresent() && top == 0
                    ? Drift.onRequestNames(kind)
                    : Drift.metricNames(kind);
            for (String name : names) {
                if (top > 0
                        ? !name.equals("drift_score")
                        : metric.isPresent() && !metric.get().equals(name)) {
                    continue;
                }
                Double value = values.get(name);
                DriftRow row = new DriftRow(
                        dataset,
                        w.segment.isEmpty() ? null : w.segment,
                        field,
                        name,
                        w.start,
                        w.end,
                        value,
                        baseline.name(),
                        reason != null
                                ? reason
                                : value == null ? "undefined for these values (a zero vector has no direction)" : null);
                out.add(row);
                scales.put(row, Scale.of(kind));
            }
        }
        return top > 0 ? top(out, scales, top) : out;
    }

    /**
     * The scales drift scores are on: a score is comparable with another field's only on the same scale. The
     * distributions' (numeric and text lengths: Jensen-Shannon distance) and the categories' (Hellinger distance)
     * lie in [0, 1]; a vector's centroid distance grows with its dimensions and would top every ordinary day.
     */
    enum Scale {
        DISTRIBUTIONS,
        CATEGORIES,
        VECTORS;

        static Scale of(FieldType.Kind kind) {
            return switch (kind) {
                case CATEGORICAL, STRING, BOOLEAN -> CATEGORIES;
                case TENSOR, EMBEDDING -> VECTORS;
                default -> DISTRIBUTIONS;
            };
        }
    }

    /**
     * The {@code n} highest drift scores of each window, segment and scale (distributions, then categories, then
     * vectors); rows without a value last.
     */
    private static List<DriftRow> top(List<DriftRow> rows, Map<DriftRow, Scale> scales, int n) {
        record Group(Instant windowStart, String segment) {}
        Map<Group, List<DriftRow>> groups = new LinkedHashMap<>();
        for (DriftRow row : rows) {
            groups.computeIfAbsent(new Group(row.windowStart(), row.segment()), k -> new ArrayList<>())
                    .add(row);
        }
        Comparator<DriftRow> byScore =
                Comparator.comparing((DriftRow r) -> r.value() == null ? Double.NEGATIVE_INFINITY : r.value());
        List<DriftRow> out = new ArrayList<>();
        for (List<DriftRow> group : groups.values()) {
            for (Scale scale : Scale.values()) {
                List<DriftRow> ranked = new ArrayList<>(
                        group.stream().filter(r -> scales.get(r) == scale).toList());
                ranked.sort(byScore.reversed().thenComparing(DriftRow::field));
                out.addAll(ranked.subList(0, Math.min(n, ranked.size())));
            }
        }
        return out;
    }
}
