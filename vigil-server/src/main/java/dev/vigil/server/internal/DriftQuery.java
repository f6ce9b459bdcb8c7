package dev.vigil.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.FieldType;
import dev.vigil.server.internal.MetricsQuery.Bucket;
import dev.vigil.stats.Drift;
import dev.vigil.stats.FieldProfile;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
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
    /** Baselines with fewer valid values of a field than this give no drift value (query parameter {@code min_baseline_rows}). */
    static final int DEFAULT_MIN_BASELINE_ROWS = 100;

    private DriftQuery() {}

    /**
     * What a window is compared with: a reference dataset (training or testing) as a whole, a fixed
     * serving period, or the bucket just before the window.
     */
    record Baseline(String name, Optional<DatasetKind> reference, Optional<Instant> from, Optional<Instant> to) {
        static Baseline parse(String value) {
            String v = value == null || value.isBlank() ? "training" : value.strip();
            switch (v) {
                case "training":
                    return new Baseline(v, Optional.of(DatasetKind.TRAINING), Optional.empty(), Optional.empty());
                case "testing":
                    return new Baseline(v, Optional.of(DatasetKind.TESTING), Optional.empty(), Optional.empty());
                case "previous":
                    return new Baseline(v, Optional.empty(), Optional.empty(), Optional.empty());
                default:
                    break;
            }
            int slash = v.indexOf('/');
            if (slash > 0) {
                try {
                    Instant from = Instant.parse(v.substring(0, slash));
                    Instant to = Instant.parse(v.substring(slash + 1));
                    if (to.isAfter(from)) {
                        return new Baseline(v, Optional.empty(), Optional.of(from), Optional.of(to));
                    }
                } catch (DateTimeParseException e) {
                    // falls through to the message below
                }
            }
            throw new VigilArgumentException("baseline: expected training, testing, previous or a serving period"
                    + " FROM/TO (e.g. 2026-01-01T00:00:00Z/2026-01-08T00:00:00Z), got '" + v + "'");
        }

        boolean isPrevious() {
            return name.equals("previous");
        }

        /** How a reason names this baseline. */
        String describe() {
            if (reference.isPresent()) {
                return "the " + name + " baseline";
            }
            return isPrevious() ? "the previous window" : "the baseline period " + name;
        }
    }

    /**
     * Flat drift rows {@code {dataset, segment, field, metric, window_start, window_end, value,
     * baseline}} (plus {@code reason} when the value is null), ordered by window, segment and field.
     * {@code baselineOf} gives a bucket's baseline profile of the same segment and field, if any.
     * With {@code top > 0} only {@code drift_score} rows are kept, the {@code top} highest of each
     * window and segment, highest first.
     */
    static List<ObjectNode> rows(
            String dataset,
            List<Bucket> windows,
            Function<Bucket, Optional<FieldProfile>> baselineOf,
            Baseline baseline,
            long minBaselineRows,
            Optional<String> metric,
            int top) {
        List<ObjectNode> out = new ArrayList<>();
        for (Bucket w : windows) {
            if (w.field.isEmpty() || !Drift.hasDrift(w.fieldProfile.kind())) {
                continue;
            }
            FieldType.Kind kind = w.fieldProfile.kind();
            String field = kind == FieldType.Kind.TEXT ? w.field + ".length" : w.field;
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
            } else if (w.fieldProfile.validCount() == 0) {
                reason = "the window has no valid values of " + w.field + where;
            } else if (base.get().kind() != kind) {
                reason = baseline.describe() + " profiles " + w.field + " as "
                        + base.get().kind().specName() + ", the window as " + kind.specName();
            } else if (top > 0 || metric.filter("drift_score"::equals).isPresent()) {
                // only the score is wanted: skip the metrics it does not use
                Double score = Drift.score(base.get(), w.fieldProfile);
                values = score == null ? Map.of() : Map.of("drift_score", score);
            } else {
                values = Drift.compare(base.get(), w.fieldProfile);
            }
            for (String name : Drift.metricNames(kind)) {
                if (top > 0
                        ? !name.equals("drift_score")
                        : metric.isPresent() && !metric.get().equals(name)) {
                    continue;
                }
                ObjectNode row = Json.object();
                row.put("dataset", dataset);
                if (w.segment.isEmpty()) {
                    row.putNull("segment");
                } else {
                    row.put("segment", w.segment);
                }
                row.put("field", field);
                row.put("metric", name);
                row.put("window_start", w.start.toString());
                row.put("window_end", w.end.toString());
                Double value = values.get(name);
                if (value == null) {
                    row.putNull("value");
                } else {
                    row.put("value", value);
                }
                row.put("baseline", baseline.name());
                if (reason != null) {
                    row.put("reason", reason);
                } else if (value == null) {
                    row.put("reason", "undefined for these values (a zero vector has no direction)");
                }
                out.add(row);
            }
        }
        return top > 0 ? top(out, top) : out;
    }

    /** The {@code n} highest drift scores of each window and segment; rows without a value last. */
    private static List<ObjectNode> top(List<ObjectNode> rows, int n) {
        Map<String, List<ObjectNode>> groups = new LinkedHashMap<>();
        for (ObjectNode row : rows) {
            groups.computeIfAbsent(
                            row.path("window_start").asText() + "|"
                                    + row.path("segment").asText(),
                            k -> new ArrayList<>())
                    .add(row);
        }
        Comparator<ObjectNode> byScore =
                Comparator.comparing((ObjectNode r) -> r.path("value").isNull()
                        ? Double.NEGATIVE_INFINITY
                        : r.path("value").asDouble());
        List<ObjectNode> out = new ArrayList<>();
        for (List<ObjectNode> group : groups.values()) {
            group.sort(byScore.reversed().thenComparing(r -> r.path("field").asText()));
            out.addAll(group.subList(0, Math.min(n, group.size())));
        }
        return out;
    }
}
