package dev.vigil.core.query;

import dev.vigil.core.Nullable;
import java.time.Instant;
import java.util.Optional;

/**
 * One performance metric of one bucket, as {@code GET …/performance} answers it: {@code {dataset, segment, field,
 * metric, window_start, window_end, value}}, realized from the rows whose actuals arrived; an estimate (CBPE, named
 * {@code estimated_*}) adds {@code std} and {@code reference}.
 *
 * @param segment {@code NAME=VALUE}, or null for all rows
 * @param field the prediction field
 * @param estimate present on estimated rows
 */
public record PerformanceRow(
        String dataset,
        @Nullable String segment,
        @Nullable String field,
        String metric,
        Instant windowStart,
        Instant windowEnd,
        @Nullable Double value,
        Optional<Estimate> estimate)
        implements QueryRow {

    /**
     * How an estimate was made.
     *
     * @param std its standard deviation, null where undefined
     * @param reference the labeled dataset the estimator was calibrated on
     */
    public record Estimate(@Nullable Double std, String reference) {}

    /** Whether the value is estimated rather than realized. */
    public boolean estimated() {
        return estimate.isPresent();
    }
}
