package dev.vigil.query;

import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.query.MetricRow;
import dev.vigil.query.BucketMerger.Bucket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Metric rows of merged buckets: the metrics of each bucket's merged field or dataset profile (METRICS.md). The source
 * is never read.
 */
final class MetricsQuery {
    private MetricsQuery() {}

    /** The rows of merged buckets ({@link BucketMerger}), in their order: by window, segment and field. */
    static List<MetricRow> rows(DatasetConnection dataset, List<Bucket> ordered, Optional<String> metric) {
        List<MetricRow> out = new ArrayList<>();
        for (Bucket b : ordered) {
            Map<String, Double> metrics = b.profile.metrics();
            for (Map.Entry<String, Double> m : metrics.entrySet()) {
                if (metric.isPresent() && !matches(m.getKey(), metric.get())) {
                    continue;
                }
                if (b.field.isEmpty() && m.getKey().equals("null_timestamp_count")) {
                    continue; // a row without a timestamp is in no window: its run counts it (decision 0007)
                }
                out.add(new MetricRow(
                        dataset.dataset().specName(),
                        b.segment.isEmpty() ? null : b.segment,
                        b.field.isEmpty() ? datasetField(dataset, m.getKey()) : b.field,
                        m.getKey(),
                        b.start,
                        b.end,
                        m.getValue()));
            }
        }
        return out;
    }

    /** {@code value_count} selects every {@code value_count[...]} (and {@code precision}, {@code precision[...]}). */
    static boolean matches(String name, String wanted) {
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
