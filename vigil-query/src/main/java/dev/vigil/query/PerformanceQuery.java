package dev.vigil.query;

import dev.vigil.core.query.PerformanceRow;
import dev.vigil.query.BucketMerger.Bucket;
import dev.vigil.stats.Calibration;
import dev.vigil.stats.PerformanceEstimator;
import dev.vigil.stats.PerformanceProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers performance queries from stored performance profiles: realized metrics of the rows whose actuals
 * have arrived, and, for binary models with a score or multiclass and multi-label models with dict predictions and
 * a calibrated reference, CBPE estimates over every row of the window with their standard deviation ({@code "std"})
 * and the reference they came from; for regression models whose rows were profiled with DLE's loss models, the DLE
 * estimates stored in the profiles (ADR 0028).
 */
final class PerformanceQuery {
    private PerformanceQuery() {}

    /**
     * The realized and estimated rows of merged performance buckets, ordered by window, segment and prediction
     * field.
     *
     * @param calibrations per stored performance field, the calibration fitted on the reference
     * @param lossReference the reference DLE's loss models were fitted on; empty: no DLE rows
     */
    static List<PerformanceRow> rows(
            String dataset,
            List<Bucket> buckets,
            Map<String, PerformanceEstimator> calibrations,
            String reference,
            Optional<String> lossReference,
            Optional<String> metric) {
        List<PerformanceRow> out = new ArrayList<>();
        for (Bucket b : buckets) {
            PerformanceProfile profile = b.performanceProfile();
            if (profile == null) {
                continue;
            }
            String field = b.field.substring(PerformanceProfile.FIELD_PREFIX.length());
            for (Map.Entry<String, Double> m : profile.metrics().entrySet()) {
                if (metric.isEmpty() || MetricsQuery.matches(m.getKey(), metric.get())) {
                    out.add(row(dataset, b, field, m.getKey(), m.getValue(), Optional.empty()));
                }
            }
            PerformanceEstimator calibration = calibrations.get(b.field);
            if (calibration != null) {
                estimates(out, dataset, b, field, calibration.estimate(profile), reference, metric);
            }
            if (lossReference.isPresent()) {
                estimates(out, dataset, b, field, profile.lossEstimates(), lossReference.get(), metric);
            }
        }
        return out;
    }

    private static void estimates(
            List<PerformanceRow> out,
            String dataset,
            Bucket b,
            String field,
            Map<String, Calibration.Estimate> estimates,
            String reference,
            Optional<String> metric) {
        for (Map.Entry<String, Calibration.Estimate> e : estimates.entrySet()) {
            if (metric.isPresent() && !MetricsQuery.matches(e.getKey(), metric.get())) {
                continue;
            }
            out.add(row(
                    dataset,
                    b,
                    field,
                    e.getKey(),
                    e.getValue().value(),
                    Optional.of(new PerformanceRow.Estimate(e.getValue().std(), reference))));
        }
    }

    private static PerformanceRow row(
            String dataset,
            Bucket b,
            String field,
            String metric,
            Double value,
            Optional<PerformanceRow.Estimate> estimate) {
        return new PerformanceRow(
                dataset, b.segment.isEmpty() ? null : b.segment, field, metric, b.start, b.end, value, estimate);
    }
}
