package dev.vigil.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.stats.Calibration;
import dev.vigil.stats.PerformanceProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers performance queries from stored performance profiles: realized metrics of the rows whose actuals
 * have arrived, and, for binary models with a score and a calibrated reference, CBPE estimates over every row
 * of the window with their standard deviation ({@code "std"}) and the reference they came from.
 */
final class PerformanceQuery {
    private PerformanceQuery() {}

    /**
     * Flat rows {@code {dataset, segment, field, metric, window_start, window_end, value}} (estimated rows add
     * {@code std} and {@code reference}), ordered by window, segment and prediction field.
     *
     * @param calibrations per stored performance field, the calibration fitted on the reference
     */
    static List<ObjectNode> rows(
            String dataset,
            List<MetricsQuery.Bucket> buckets,
            Map<String, Calibration> calibrations,
            String reference,
            Optional<String> metric) {
        List<ObjectNode> out = new ArrayList<>();
        for (MetricsQuery.Bucket b : buckets) {
            PerformanceProfile profile = b.performanceProfile;
            if (profile == null) {
                continue;
            }
            String field = b.field.substring(PerformanceProfile.FIELD_PREFIX.length());
            for (Map.Entry<String, Double> m : profile.metrics().entrySet()) {
                if (metric.isEmpty() || matches(m.getKey(), metric.get())) {
                    out.add(row(dataset, b, field, m.getKey(), m.getValue()));
                }
            }
            Calibration calibration = calibrations.get(b.field);
            if (calibration == null) {
                continue;
            }
            for (Map.Entry<String, Calibration.Estimate> e :
                    calibration.estimate(profile).entrySet()) {
                if (metric.isPresent() && !matches(e.getKey(), metric.get())) {
                    continue;
                }
                ObjectNode row = row(dataset, b, field, e.getKey(), e.getValue().value());
                if (e.getValue().std() == null) {
                    row.putNull("std");
                } else {
                    row.put("std", e.getValue().std());
                }
                row.put("reference", reference);
                out.add(row);
            }
        }
        return out;
    }

    /** {@code precision} selects {@code precision[...]} too; other names match exactly. */
    private static boolean matches(String name, String wanted) {
        return name.equals(wanted) || name.startsWith(wanted + "[");
    }

    private static ObjectNode row(String dataset, MetricsQuery.Bucket b, String field, String metric, Double value) {
        ObjectNode row = Json.object();
        row.put("dataset", dataset);
        if (b.segment.isEmpty()) {
            row.putNull("segment");
        } else {
            row.put("segment", b.segment);
        }
        row.put("field", field);
        row.put("metric", metric);
        row.put("window_start", b.start.toString());
        row.put("window_end", b.end.toString());
        if (value == null) {
            row.putNull("value");
        } else {
            row.put("value", value);
        }
        return row;
    }
}
