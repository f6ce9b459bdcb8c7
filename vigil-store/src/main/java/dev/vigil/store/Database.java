package dev.vigil.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.VigilUnavailableException;
import dev.vigil.core.spec.SpecCodec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;

/** The pool, the clock and the transaction discipline the repositories share. */
final class Database {
    /** SQLSTATE of a unique or primary key violation, on H2 and PostgreSQL alike. */
    private static final String UNIQUE_VIOLATION = "23505";

    /** Work done on one connection inside one transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;
    private final Clock clock;
    private final String description;

    Database(DataSource dataSource, Clock clock, String description) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.description = description;
    }

    /**
     * Runs {@code work} in one transaction and commits it; rolls back on any failure. A unique
     * violation (another writer inserted the same key between our select and insert) is retried
     * once, when the select will see that row.
     */
    <T> T inTransaction(String action, Work<T> work) {
        try {
            return attempt(work);
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw failure(action, e);
            }
        }
        try {
            return attempt(work);
        } catch (SQLException e) {
            throw failure(action, e);
        }
    }

    private <T> T attempt(Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private VigilStateException failure(String action, SQLException e) {
        if (e instanceof SQLTransientConnectionException
                || (e.getSQLState() != null && e.getSQLState().startsWith("08"))) {
            return new VigilUnavailableException(
                    "Cannot " + action + ": the metastore (" + description + ") does not answer: " + e.getMessage(), e);
        }
        return new VigilStateException(
                "Cannot " + action + " in the metastore (" + description + "): " + e.getMessage(), e);
    }

    /** The clock's now, at the microsecond precision both databases keep. */
    OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant().truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static JsonNode json(String text, String source) {
        return SpecCodec.parseJson(text, "metastore " + source);
    }
}
