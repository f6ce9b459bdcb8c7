package dev.vigil.server.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.vigil.core.Nullable;
import dev.vigil.core.query.PerformanceRow;
import java.time.Instant;

/**
 * A {@link PerformanceRow} as {@code GET …/performance} answers it: the flat row, and on an estimated row its
 * {@code std} and {@code reference} beside the value (absent on a realized row). The query's record keeps the
 * estimate as an {@code Optional}, which JSON has no word for; this record unwraps it.
 */
record PerformanceRowJson(
        String dataset,
        @Nullable String segment,
        @Nullable String field,
        String metric,
        Instant windowStart,
        Instant windowEnd,
        @Nullable Double value,
        @JsonUnwrapped @Nullable PerformanceRow.Estimate estimate) {

    static PerformanceRowJson of(PerformanceRow r) {
        return new PerformanceRowJson(
                r.dataset(),
                r.segment(),
                r.field(),
                r.metric(),
                r.windowStart(),
                r.windowEnd(),
                r.value(),
                r.estimate().orElse(null));
    }
}
