package dev.vigil.store;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * One pull of a dataset over [{@code from}, {@code to}): its progress in windows, the rows it read,
 * the rows that had a problem (null or duplicate id, null timestamp, values that did not coerce or
 * were invalid, long values), among them the rows with a NULL timestamp (which are in no window),
 * for a run of an actuals dataset the distinct actual ids that match no prediction, and, when it failed, why.
 * An actuals run's windows are the prediction windows whose performance it recomputed.
 *
 * <p>{@code problems} counts the rows with a problem per {@code "field: reason"} (a row counts once per field and
 * reason it has); {@code warning} says what a run that succeeded still got wrong (most rows had a problem, a
 * reference read none), {@code note} how it was planned (a reference read whole, empty windows skipped); both null
 * when there is nothing to say.
 */
public record Run(
        String id,
        String modelId,
        String version,
        String dataset,
        Instant from,
        Instant to,
        Status status,
        int windowsTotal,
        int windowsDone,
        long rowsRead,
        long rowsWithProblems,
        long nullTimestampCount,
        long unmatchedActualsCount,
        String error,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Map<String, Long> problems,
        String warning,
        String note) {

    public Run {
        problems = problems == null ? Map.of() : problems;
    }

    /** Where a run is in its life. */
    public enum Status {
        QUEUED,
        RUNNING,
        SUCCEEDED,
        FAILED;

        public String specName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean isFinished() {
            return this == SUCCEEDED || this == FAILED;
        }
    }
}
