package dev.vigil.core.query;

import java.time.Instant;

/**
 * What every answer row shares: DESIGN.md's flat row {@code {dataset, segment, field, metric, window_start,
 * window_end, value}}. Drift rows add their baseline, performance estimates their std and reference.
 */
public sealed interface QueryRow permits MetricRow, DriftRow, PerformanceRow {
    String dataset();

    /** {@code NAME=VALUE}, or null for all rows. */
    String segment();

    /** The field, or null where a dataset-level count names none. */
    String field();

    String metric();

    Instant windowStart();

    Instant windowEnd();

    /** Null where the metric is undefined. */
    Double value();
}
