package dev.vigil.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.stats.DatasetProfile;
import dev.vigil.stats.FieldProfile;
import dev.vigil.stats.PerformanceProfile;
import dev.vigil.store.StoredProfile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Answers metric queries from stored profiles: the windows of each bucket (hour, day, week, month
 * or all) are merged, and the metrics derived from the merged profile, never averaged across
 * windows (METRICS.md, "Merging"). The source is never read.
 */
final class MetricsQuery {
    private MetricsQuery() {}

    /** The order of merged buckets: by start, segment and field. */
    static final Comparator<Bucket> ORDER = Comparator.comparing((Bucket b) -> b.start)
            .thenComparing(b -> b.segment)
            .thenComparing(b -> b.field);

    /** One bucket's merged profiles of a segment and field ({@code field} "" holds the dataset counts). */
    static final class Bucket {
        final Instant start;
        final Instant end;
        final String segment;
        final String field;
        FieldProfile fieldProfile;
        DatasetProfile datasetProfile;
        PerformanceProfile performanceProfile;

        Bucket(Instant start, Instant end, String segment, String field) {
            this.start = start;
            this.end = end;
            this.segment = segment;
            this.field = field;
        }
    }

    /**
     * Flat rows {@code {dataset, segment, field, metric, window_start, window_end, value}} of merged buckets
     * ({@link #merge}), in their order: by window, segment and field.
     */
    static List<ObjectNode> rows(DatasetConnection dataset, List<Bucket> ordered, Optional<String> metric) {
        List<ObjectNode> out = new ArrayList<>();
        for (Bucket b : ordered) {
            Map<String, Double> metrics = b.field.isEmpty() ? b.datasetProfile.metrics() : b.fieldProfile.metrics();
            for (Map.Entry<String, Double> m : metrics.entrySet()) {
                if (metric.isPresent() && !metricMatches(m.getKey(), metric.get())) {
                    continue;
                }
                if (b.field.isEmpty() && m.getKey().equals("null_timestamp_count")) {
                    continue; // a row without a timestamp is in no window: its run counts it (decision 0007)
                }
                ObjectNode row = Json.object();
                row.put("dataset", dataset.dataset().specName());
                if (b.segment.isEmpty()) {
                    row.putNull("segment");
                } else {
                    row.put("segment", b.segment);
                }
                String field = b.field.isEmpty() ? datasetField(dataset, m.getKey()) : b.field;
                if (field == null) {
                    row.putNull("field");
                } else {
                    row.put("field", field);
                }
                row.put("metric", m.getKey());
                row.put("window_start", b.start.toString());
                row.put("window_end", b.end.toString());
                if (m.getValue() == null) {
                    row.putNull("value");
                } else {
                    row.put("value", m.getValue());
                }
                out.add(row);
            }
        }
        return out;
    }

    /**
     * The profiles merged per bucket of {@code granularity}, segment and field, ordered by bucket
     * start, segment and field. With {@code all}, the one bucket spans the asked range when one was
     * given (a segment can be absent from the first or last windows), else the windows found.
     */
    static List<Bucket> merge(
            List<StoredProfile> profiles,
            Granularity granularity,
            Optional<Instant> askedFrom,
            Optional<Instant> askedTo) {
        Merger merger = new Merger(granularity, askedFrom, askedTo, true);
        profiles.forEach(merger);
        return merger.buckets();
    }

    /**
     * {@link #merge} one profile at a time, as they are read, so that only the merged buckets are held. Field
     * profiles can be decoded without their distinct-count sketches, for queries that never show distinct_count.
     */
    static final class Merger implements Consumer<StoredProfile> {
        private final Granularity granularity;
        private final Optional<Instant> askedFrom;
        private final Optional<Instant> askedTo;
        private final boolean withDistinct;
        private final Map<String, Bucket> buckets = new LinkedHashMap<>();
        private Instant first;
        private Instant last;

        Merger(Granularity granularity, Optional<Instant> askedFrom, Optional<Instant> askedTo, boolean withDistinct) {
            this.granularity = granularity;
            this.askedFrom = askedFrom;
            this.askedTo = askedTo;
            this.withDistinct = withDistinct;
        }

        @Override
        public void accept(StoredProfile p) {
            first = first == null || p.windowStart().isBefore(first) ? p.windowStart() : first;
            last = last == null || p.windowEnd().isAfter(last) ? p.windowEnd() : last;
            Instant start;
            Instant end;
            if (granularity == Granularity.ALL) {
                start = Instant.EPOCH; // the one bucket's bounds are set by buckets(), once all are seen
                end = Instant.EPOCH;
            } else {
                start = granularity.bucketStart(p.windowStart());
                end = granularity.bucketEnd(start);
                if (p.windowEnd().isAfter(end)) {
                    // a daily window asked for by the hour stays a day
                    start = p.windowStart();
                    end = p.windowEnd();
                }
            }
            Instant bucketStart = start;
            Instant bucketEnd = end;
            Bucket bucket = buckets.computeIfAbsent(
                    start + "|" + p.segment() + "|" + p.field(),
                    k -> new Bucket(bucketStart, bucketEnd, p.segment(), p.field()));
            if (p.field().startsWith(PerformanceProfile.FIELD_PREFIX)) {
                PerformanceProfile f = PerformanceProfile.fromBytes(p.bytes());
                if (bucket.performanceProfile == null) {
                    bucket.performanceProfile = f;
                } else {
                    bucket.performanceProfile.merge(f);
                }
            } else if (p.field().isEmpty()) {
                DatasetProfile d = DatasetProfile.fromBytes(p.bytes());
                if (bucket.datasetProfile == null) {
                    bucket.datasetProfile = d;
                } else {
                    bucket.datasetProfile.merge(d);
                }
            } else {
                FieldProfile f = withDistinct
                        ? FieldProfile.fromBytes(p.bytes())
                        : FieldProfile.fromBytesWithoutDistinct(p.bytes());
                if (bucket.fieldProfile == null) {
                    bucket.fieldProfile = f;
                } else {
                    bucket.fieldProfile.merge(f);
                }
            }
        }

        /** The merged buckets, ordered by start, segment and field. */
        List<Bucket> buckets() {
            List<Bucket> ordered = new ArrayList<>();
            for (Bucket b : buckets.values()) {
                if (granularity == Granularity.ALL) {
                    Bucket all = new Bucket(askedFrom.orElse(first), askedTo.orElse(last), b.segment, b.field);
                    all.fieldProfile = b.fieldProfile;
                    all.datasetProfile = b.datasetProfile;
                    all.performanceProfile = b.performanceProfile;
                    ordered.add(all);
                } else {
                    ordered.add(b);
                }
            }
            ordered.sort(ORDER);
            return ordered;
        }
    }

    /**
     * The field buckets of {@code buckets} merged again into one bucket [{@code start}, {@code end}) per segment and
     * field, into new profiles: the buckets given stay as they are. Dataset and performance buckets are left out.
     */
    static List<Bucket> mergeFields(List<Bucket> buckets, Instant start, Instant end) {
        Map<String, Bucket> merged = new LinkedHashMap<>();
        for (Bucket b : buckets) {
            if (b.fieldProfile == null) {
                continue;
            }
            Bucket into = merged.computeIfAbsent(b.segment + "|" + b.field, k -> {
                Bucket fresh = new Bucket(start, end, b.segment, b.field);
                fresh.fieldProfile = FieldProfile.create(b.fieldProfile.type());
                return fresh;
            });
            into.fieldProfile.merge(b.fieldProfile);
        }
        List<Bucket> ordered = new ArrayList<>(merged.values());
        ordered.sort(ORDER);
        return ordered;
    }

    /** {@code value_count} selects every {@code value_count[...]}; other names match exactly. */
    private static boolean metricMatches(String name, String wanted) {
        return name.equals(wanted) || name.startsWith(wanted + "[");
    }

    /** Dataset-level counts name the id or timestamp column as their field (METRICS.md). */
    private static String datasetField(DatasetConnection dataset, String metric) {
        return switch (metric) {
            case "null_id_count", "duplicate_id_count" -> dataset.idColumn();
            default -> null;
        };
    }
}
