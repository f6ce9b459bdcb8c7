package dev.vigil.server.dashboard;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.Granularity;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.query.ProfileRequest;
import dev.vigil.store.Metastore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The range a page shows: asked, or the last week of data up to the end of the last serving window, never starting
 * before the first stored window (a page of four days of data shows those four days, not three empty ones first).
 */
record PageRange(Instant from, Instant to, Granularity granularity) {
    /** The most points a chart gets: more would not show, and would only cost time. */
    static final int MAX_BUCKETS = 2_000;

    /** How far back a page looks when the range does not say. */
    static final Duration DEFAULT_LENGTH = Duration.ofDays(7);

    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-01-01T00:00:00Z");

    /** This range as the query string of a link ({@code ?from=…&to=…&granularity=…}). */
    String query() {
        return "?from=" + from + "&to=" + to + "&granularity=" + granularity.specName();
    }

    /** The serving dataset's profiles over this range at this granularity. */
    ProfileRequest request() {
        return ProfileRequest.of(DatasetKind.SERVING)
                .withRange(Optional.of(from), Optional.of(to))
                .withGranularity(granularity);
    }

    /** {@code t}, or a one-sentence refusal naming {@code key} when it is not between 1970 and 9999. */
    static Instant bounded(Instant t, String key) {
        if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
            throw new VigilArgumentException(key + ": expected an instant between 1970 and 9999, got " + t);
        }
        return t;
    }

    /**
     * The range asked of {@code v}'s pages: up to {@code to}, else the end of its last serving window, else this hour;
     * from {@code from}, else a week earlier but not before its first serving window; by {@code granularity}, else
     * hours up to 8 days and days beyond.
     */
    static PageRange resolve(
            Metastore store,
            Clock clock,
            ModelVersion v,
            Optional<Instant> from,
            Optional<Instant> to,
            Optional<String> granularity) {
        // [first start, last end] of the stored serving windows; not read when the range is fully asked
        Optional<Instant[]> stored = from.isPresent() && to.isPresent()
                ? Optional.empty()
                : store.profiles().windowRange(v.modelId(), v.version(), "serving");
        return of(
                from,
                to,
                granularity,
                stored.map(r -> r[1]).orElse(clock.instant().truncatedTo(ChronoUnit.HOURS)),
                stored.map(r -> r[0]));
    }

    /**
     * {@link #resolve} with {@code lastEnd} as the end when {@code to} is not asked, and {@code firstStart} (the
     * first stored window) as the earliest default start.
     */
    static PageRange of(
            Optional<Instant> from,
            Optional<Instant> to,
            Optional<String> granularity,
            Instant lastEnd,
            Optional<Instant> firstStart) {
        Instant end = to.map(t -> bounded(t, "to")).orElse(lastEnd);
        Instant start = from.map(t -> bounded(t, "from")).orElseGet(() -> defaultStart(end, firstStart));
        if (!end.isAfter(start)) {
            throw new VigilArgumentException("to: " + end + " must be after from " + start);
        }
        String g = granularity.orElse(Duration.between(start, end).compareTo(Duration.ofDays(8)) <= 0 ? "hour" : "day");
        Granularity parsed = Granularity.fromParam(g);
        Duration bucket =
                switch (parsed) {
                    case HOUR -> Duration.ofHours(1);
                    case DAY -> Duration.ofDays(1);
                    case WEEK -> Duration.ofDays(7);
                    case MONTH -> Duration.ofDays(28);
                    case ALL -> Duration.between(start, end);
                };
        long buckets = Duration.between(start, end).dividedBy(bucket);
        if (buckets > MAX_BUCKETS) {
            throw new VigilArgumentException("granularity: " + g + " from " + start + " to " + end + " makes " + buckets
                    + " points, more than " + MAX_BUCKETS + "; pick a coarser granularity or a shorter range");
        }
        return new PageRange(start, end, parsed);
    }

    /** A week before {@code end}, or the first stored window when that is later and still before {@code end}. */
    private static Instant defaultStart(Instant end, Optional<Instant> firstStart) {
        Instant weekBefore = end.minus(DEFAULT_LENGTH);
        return firstStart
                .filter(first -> first.isAfter(weekBefore) && first.isBefore(end))
                .orElse(weekBefore);
    }
}
