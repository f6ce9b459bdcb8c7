package dev.vigil.engine.source;

import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * How a value of a source's timestamp column becomes a time, the same way whoever reads it: PostgreSQL in the
 * predicates {@link SourceSql} writes, a session reading a time range, and Spark's tasks profiling rows. A
 * {@code timestamp} without time zone and a {@code date} are taken as UTC; a number is epoch seconds, or
 * milliseconds above {@link #EPOCH_MILLIS_ABOVE}, microseconds above {@link #EPOCH_MICROS_ABOVE} and nanoseconds above
 * {@link #EPOCH_NANOS_ABOVE}: each bound is the year 5138 in the coarser unit, so any time from 1973 to 5138 reads
 * right in all four (review F20: microsecond epochs used to land in the far future and match no window).
 */
public final class SourceTimestamps {
    /** Epoch numbers above this are milliseconds (1e11 s is the year 5138). */
    public static final double EPOCH_MILLIS_ABOVE = 1e11;
    /** Epoch numbers above this are microseconds (1e14 ms is the year 5138). */
    public static final double EPOCH_MICROS_ABOVE = 1e14;
    /** Epoch numbers above this are nanoseconds (1e17 µs is the year 5138). */
    public static final double EPOCH_NANOS_ABOVE = 1e17;

    private SourceTimestamps() {}

    /** The seconds an epoch number stands for, in whichever unit its size says (see the class comment). */
    public static double seconds(double epoch) {
        double a = Math.abs(epoch);
        if (a > EPOCH_NANOS_ABOVE) {
            return epoch / 1e9;
        }
        if (a > EPOCH_MICROS_ABOVE) {
            return epoch / 1e6;
        }
        return a > EPOCH_MILLIS_ABOVE ? epoch / 1e3 : epoch;
    }

    /** Seconds since the epoch of a timestamp, date, epoch number (s, ms, µs or ns) or ISO text. */
    public static Double epochSeconds(Object value) {
        if (value instanceof Timestamp t) {
            return t.getTime() / 1000.0 + (t.getNanos() % 1_000_000) / 1e9;
        }
        if (value instanceof Instant i) {
            return i.getEpochSecond() + i.getNano() / 1e9;
        }
        if (value instanceof LocalDateTime l) {
            return epochSeconds(l.toInstant(ZoneOffset.UTC));
        }
        if (value instanceof Date d) {
            return (double) d.toLocalDate().toEpochDay() * 86_400;
        }
        if (value instanceof LocalDate d) {
            return (double) d.toEpochDay() * 86_400;
        }
        if (value instanceof Number n) {
            return seconds(n.doubleValue());
        }
        if (value instanceof String s) {
            try {
                return epochSeconds(Instant.parse(s.strip()));
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * Column {@code i} as an instant, read as its PostgreSQL type asks: a {@code timestamptz} is an
     * instant, a {@code timestamp} and a {@code date} are taken as UTC, numbers as epoch seconds or
     * milliseconds. Never through {@code java.sql.Timestamp}, whose wall time is the JVM's zone.
     */
    static Instant instant(ResultSet rs, int i, String pgType) throws SQLException {
        String type = pgType.toLowerCase(Locale.ROOT);
        if (type.equals("timestamptz")) {
            OffsetDateTime o = rs.getObject(i, OffsetDateTime.class);
            return o == null ? null : o.toInstant();
        }
        if (type.equals("timestamp")) {
            LocalDateTime l = rs.getObject(i, LocalDateTime.class);
            return l == null ? null : l.toInstant(ZoneOffset.UTC);
        }
        if (type.equals("date")) {
            LocalDate d = rs.getObject(i, LocalDate.class);
            return d == null ? null : d.atStartOfDay().toInstant(ZoneOffset.UTC);
        }
        Object value = rs.getObject(i);
        if (value == null) {
            return null;
        }
        Double seconds = epochSeconds(value);
        return seconds == null ? null : Instant.ofEpochMilli(Math.round(seconds * 1000));
    }
}
