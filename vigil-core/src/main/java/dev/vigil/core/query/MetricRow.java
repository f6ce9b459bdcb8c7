package dev.vigil.core.query;

import dev.vigil.core.Nullable;
import java.time.Instant;

/**
 * One metric of one bucket of stored profiles, as {@code GET …/metrics} answers it: {@code {dataset, segment, field,
 * metric, window_start, window_end, value}}.
 *
 * @param segment {@code NAME=VALUE}, or null for all rows
 * @param field the field, or for dataset-level counts the id column they count (or null)
 * @param value null where the metric is undefined (e.g. the mean of no values)
 */
public record MetricRow(
        String dataset,
        @Nullable String segment,
        @Nullable String field,
        String metric,
        Instant windowStart,
        Instant windowEnd,
        @Nullable Double value)
        implements QueryRow {}
