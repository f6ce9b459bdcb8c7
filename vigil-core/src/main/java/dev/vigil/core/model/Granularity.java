package dev.vigil.core.model;

import dev.vigil.core.VigilArgumentException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/** How stored windows are merged for a query: per hour, UTC day, ISO week (from Monday), UTC month, or all at once. */
public enum Granularity {
    HOUR,
    DAY,
    WEEK,
    MONTH,
    ALL;

    /** The lower-case name queries use ({@code hour}, {@code day}, …). */
    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The granularity a query parameter or spec names ({@code hour}, {@code day}, … case-insensitive). */
    public static Granularity fromParam(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new VigilArgumentException(
                    "granularity: unknown value '" + value + "' (expected hour, day, week, month or all)");
        }
    }

    /** The start of the bucket holding a window that starts at {@code t} (not used for ALL). */
    public Instant bucketStart(Instant t) {
        LocalDate day = t.atZone(ZoneOffset.UTC).toLocalDate();
        return switch (this) {
            case HOUR -> t.truncatedTo(ChronoUnit.HOURS);
            case DAY -> day.atStartOfDay().toInstant(ZoneOffset.UTC);
            case WEEK ->
                day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                        .atStartOfDay()
                        .toInstant(ZoneOffset.UTC);
            case MONTH -> day.withDayOfMonth(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            case ALL -> throw new IllegalStateException("ALL has no buckets");
        };
    }

    /** The end of the bucket starting at {@code start}. */
    public Instant bucketEnd(Instant start) {
        return switch (this) {
            case HOUR -> start.plus(1, ChronoUnit.HOURS);
            case DAY -> start.plus(1, ChronoUnit.DAYS);
            case WEEK -> start.plus(7, ChronoUnit.DAYS);
            case MONTH -> start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
            case ALL -> throw new IllegalStateException("ALL has no buckets");
        };
    }
}
