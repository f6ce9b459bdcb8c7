package dev.vigil.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vigil.core.Nullable;
import java.time.Instant;
import java.util.Map;

/**
 * A run as the runs routes answer it: what it reads, how far it got and why it failed.
 *
 * @param from the first window's start, null until the run has planned its windows
 * @param unmatchedActualsCount on an actuals run only: actuals whose id no served row had (absent otherwise)
 * @param seconds how long it has run (absent before it starts)
 * @param rowsPerSecond rows read per second of {@code seconds} (absent before it starts)
 * @param error why it failed, null unless it did
 * @param problems the rows with a problem per {@code "field: reason"} (a row counts once per field and reason), e.g.
 *     {@code {"emb: wrong_dimensions": 960}}; empty when no row had one
 * @param warning what a run that succeeded still got wrong (most rows had a problem, a reference read none), or null
 * @param note how the run was planned (a reference read whole, empty windows skipped), or null
 */
record RunJson(
        String id,
        String model,
        String version,
        String dataset,
        String status,
        @Nullable Instant from,
        @Nullable Instant to,
        int windowsTotal,
        int windowsDone,
        long rowsRead,
        long rowsWithProblems,
        long nullTimestampCount,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Long unmatchedActualsCount,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Double seconds,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Long rowsPerSecond,
        @Nullable String error,
        Instant createdAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt,
        Map<String, Long> problems,
        @Nullable String warning,
        @Nullable String note) {

    /** The body of {@code POST …/runs}; every key may be left out (serving over the windows not yet profiled). */
    record Start(@Nullable String dataset, @Nullable Instant from, @Nullable Instant to) {}
}
