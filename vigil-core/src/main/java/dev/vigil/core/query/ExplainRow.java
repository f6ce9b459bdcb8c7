package dev.vigil.core.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vigil.core.Nullable;
import java.time.Instant;

/**
 * One segment's part in a field's drift or in a performance drop over a range, as {@code GET …/drift/explain} and
 * {@code GET …/performance/explain} answer it (decision 0032): which segment is worst.
 *
 * @param field the explained field; for performance, the prediction
 * @param metric {@code psi} for drift; the performance metric explained
 * @param segment {@code NAME=VALUE}; {@code NAME=__rest__} for the rows of the window no value of the segment holds
 * @param source {@code declared} (from the segment's profiles) or {@code discovered} (from the window's row sample:
 *     estimates)
 * @param share the segment's share of the window: of the field's valid values (drift) or of the labeled rows
 *     (performance); the weight that makes the contributions add up
 * @param own the segment's own drift_score against the baseline (drift), or its own value of the metric
 * @param ownPsi the segment's own PSI against the baseline (drift only)
 * @param contribution the segment's part of {@code total}; positive where it made the drift or the drop worse
 * @param contributionShare {@code contribution / total}; null when the total is 0 or the contribution undefined
 * @param total the window's PSI, or its worsening (reference − value; value − reference for an error metric)
 * @param reference the metric on the reference (performance only)
 * @param exact whether the segment's contributions add up to {@code total} exactly (false for ratio metrics, whose
 *     split is a ranking heuristic)
 * @param sampleRows for a discovered segment, the rows of the sample its numbers come from (absent otherwise)
 */
public record ExplainRow(
        String dataset,
        String field,
        String metric,
        String segment,
        String source,
        Instant windowStart,
        Instant windowEnd,
        String baseline,
        double share,
        @Nullable Double own,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Double ownPsi,
        @Nullable Double contribution,
        @Nullable Double contributionShare,
        double total,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Double reference,
        boolean exact,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer sampleRows) {
    /** The source of a segment declared in the version (its numbers come from its profiles). */
    public static final String DECLARED = "declared";
    /** The source of a segment found in the window's row sample (its numbers are the sample's estimates). */
    public static final String DISCOVERED = "discovered";
}
