package dev.vigil.engine.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The SQL text Spark reads a window and the actuals with: pinned, since PostgreSQL sees exactly this. */
class SourceSqlTest {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant END = START.plusSeconds(3600);
    private static final String EPOCH_TS = "(CASE WHEN abs(\"ts\") > 100000000000000000 THEN \"ts\" / 1e9"
            + " WHEN abs(\"ts\") > 100000000000000 THEN \"ts\" / 1e6"
            + " WHEN abs(\"ts\") > 100000000000 THEN \"ts\" / 1000.0 ELSE \"ts\" END)";

    @Test
    void aWindowIsAHalfOpenRangeInTheColumnsOwnType() {
        String ts = "ts";
        assertThat(SourceSql.window(ts, "TIMESTAMPTZ", START, END))
                .isEqualTo(
                        "\"ts\" >= '2026-03-01T10:00:00Z'::timestamptz AND \"ts\" < '2026-03-01T11:00:00Z'::timestamptz");
        assertThat(SourceSql.window(ts, "timestamp", START, END))
                .as("a timestamp without time zone is taken as UTC")
                .isEqualTo("\"ts\" >= '2026-03-01 10:00'::timestamp AND \"ts\" < '2026-03-01 11:00'::timestamp");
        assertThat(SourceSql.window(ts, "date", START, END))
                .isEqualTo("\"ts\" >= '2026-03-01 10:00'::timestamp AND \"ts\" < '2026-03-01 11:00'::timestamp");
        assertThat(SourceSql.window(ts, "int8", START, END))
                .as("epoch seconds, milli-, micro- or nanoseconds")
                .isEqualTo(EPOCH_TS + " >= 1772359200 AND " + EPOCH_TS + " < 1772362800");
    }

    @Test
    void sinceIsTheWindowsLowerBound() {
        String ts = "a\"t";
        assertThat(SourceSql.since(ts, "timestamptz", START))
                .isEqualTo("\"a\"\"t\" >= '2026-03-01T10:00:00Z'::timestamptz");
        assertThat(SourceSql.since(ts, "timestamp", START.plusMillis(1500)))
                .isEqualTo("\"a\"\"t\" >= '2026-03-01 10:00:01.500'::timestamp");
        assertThat(SourceSql.since(ts, "numeric", START))
                .isEqualTo("(CASE WHEN abs(\"a\"\"t\") > 100000000000000000 THEN \"a\"\"t\" / 1e9"
                        + " WHEN abs(\"a\"\"t\") > 100000000000000 THEN \"a\"\"t\" / 1e6"
                        + " WHEN abs(\"a\"\"t\") > 100000000000 THEN \"a\"\"t\" / 1000.0 ELSE \"a\"\"t\" END)"
                        + " >= 1772359200");
    }

    @Test
    void theNullSliceAndTheSchemaOnlyRead() {
        assertThat(SourceSql.isNull("ts")).isEqualTo("\"ts\" IS NULL");
        assertThat(SourceSql.NO_ROWS).isEqualTo("1 = 0");
    }
}
