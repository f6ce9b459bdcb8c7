package dev.vigil.engine.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.spec.GrantSql;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The SQL text Spark reads a window and the actuals with: pinned, since PostgreSQL sees exactly this. */
class WindowSqlTest {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final Window HOUR = new Window(START, START.plusSeconds(3600));

    @Test
    void aWindowIsAHalfOpenRangeInTheColumnsOwnType() {
        String ts = GrantSql.quote("ts");
        assertThat(DatasetProfiler.predicate(ts, "TIMESTAMPTZ", HOUR))
                .isEqualTo(
                        "\"ts\" >= '2026-03-01T10:00:00Z'::timestamptz AND \"ts\" < '2026-03-01T11:00:00Z'::timestamptz");
        assertThat(DatasetProfiler.predicate(ts, "timestamp", HOUR))
                .as("a timestamp without time zone is taken as UTC")
                .isEqualTo("\"ts\" >= '2026-03-01 10:00'::timestamp AND \"ts\" < '2026-03-01 11:00'::timestamp");
        assertThat(DatasetProfiler.predicate(ts, "date", HOUR))
                .isEqualTo("\"ts\" >= '2026-03-01 10:00'::timestamp AND \"ts\" < '2026-03-01 11:00'::timestamp");
        assertThat(DatasetProfiler.predicate(ts, "int8", HOUR))
                .as("epoch seconds or milliseconds")
                .isEqualTo(
                        "(CASE WHEN abs(\"ts\") > 100000000000 THEN \"ts\" / 1000.0 ELSE \"ts\" END) >= 1772359200"
                                + " AND (CASE WHEN abs(\"ts\") > 100000000000 THEN \"ts\" / 1000.0 ELSE \"ts\" END) < 1772362800");
    }

    @Test
    void sinceIsTheWindowsLowerBound() {
        String ts = GrantSql.quote("a\"t");
        assertThat(DatasetProfiler.since(ts, "timestamptz", START))
                .isEqualTo("\"a\"\"t\" >= '2026-03-01T10:00:00Z'::timestamptz");
        assertThat(DatasetProfiler.since(ts, "timestamp", START.plusMillis(1500)))
                .isEqualTo("\"a\"\"t\" >= '2026-03-01 10:00:01.500'::timestamp");
        assertThat(DatasetProfiler.since(ts, "numeric", START))
                .isEqualTo("(CASE WHEN abs(\"a\"\"t\") > 100000000000 THEN \"a\"\"t\" / 1000.0 ELSE \"a\"\"t\" END)"
                        + " >= 1772359200");
    }
}
