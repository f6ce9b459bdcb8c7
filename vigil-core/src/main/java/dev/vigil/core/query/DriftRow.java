package dev.vigil.core.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vigil.core.Nullable;
import java.time.Instant;

/**
 * One drift metric of one bucket against a baseline, as {@code GET …/drift} answers it: {@code {dataset, segment,
 * field, metric, window_start, window_end, value, baseline}}, plus {@code reason} when the value is null.
 *
 * @param segment {@code NAME=VALUE}, or null for all rows
 * @param field the field; a text field's length distribution is {@code <name>.length}
 * @param baseline the baseline's name ({@link Baseline#name()})
 * @param reason why the value is null, or null when it is not
 */
public record DriftRow(
        String dataset,
        @Nullable String segment,
        @Nullable String field,
        String metric,
        Instant windowStart,
        Instant windowEnd,
        @Nullable Double value,
        String baseline,
        // absent, not null, on a row with a value: the JSON DESIGN.md pins (RestGoldenIT)
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String reason)
        implements QueryRow {}
