package dev.vigil.engine.source;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilSourceException;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.engine.spark.SparkRuntime;
import dev.vigil.engine.spark.UserExpressions;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * The only door to the user's PostgreSQL. Every session it opens is read-only three times over
 * ({@code readOnly=true} and {@code readOnlyMode=always} in the driver, and
 * {@code SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY}) and carries a
 * {@code statement_timeout}; logging in gives up after the connect timeout.
 *
 * <p>Failures become a {@link VigilSourceException}: one sentence naming the URL (its password
 * parameters redacted), the user and PostgreSQL's own reason, never the password.
 *
 * <p>A facade over the package's parts: {@link ReadOnlySessions} opens the sessions (and configures Spark's JDBC
 * reader alike), {@link SourceSql} writes every piece of SQL, {@link SourceSchemaCheck} checks the probed columns,
 * {@link PrivilegeProbe} reports what the user could write, {@link TimestampLookups} asks a session for a time range
 * or the timestamps of ids, and {@link SourceFailures} turns failures into that one sentence.
 */
public final class PostgresSource {
    private final SourceFailures failures;
    private final ReadOnlySessions sessions;
    private final PrivilegeProbe privileges;
    private final TimestampLookups lookups;
    private final SparkRuntime spark;

    /** A source reader with these timeouts that analyses {@code select_expr} with the server's {@code spark}. */
    public PostgresSource(Duration connectTimeout, Duration statementTimeout, SparkRuntime spark) {
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new VigilArgumentException("source connect timeout must be positive, got " + connectTimeout);
        }
        if (statementTimeout.isNegative() || statementTimeout.isZero()) {
            throw new VigilArgumentException("source statement timeout must be positive, got " + statementTimeout);
        }
        this.sessions = new ReadOnlySessions(connectTimeout, statementTimeout);
        this.failures = sessions.failures();
        this.privileges = new PrivilegeProbe(sessions);
        this.lookups = new TimestampLookups(sessions);
        this.spark = spark;
    }

    /** A 5 s connect timeout and a 300 s statement timeout. */
    public static PostgresSource withDefaults(SparkRuntime spark) {
        return new PostgresSource(Duration.ofSeconds(5), Duration.ofSeconds(300), spark);
    }

    /** The JDBC properties of a read-only session (also what Spark's JDBC reader gets). */
    public Properties sessionProperties(PostgresJdbcDataSource source) {
        return sessions.sessionProperties(source);
    }

    /**
     * The URL Spark's JDBC reader connects with: the source's URL with the session's driver settings appended as URL
     * parameters, which win over the same keys in the source's URL ({@link ReadOnlySessions#sparkUrl} says why).
     */
    public String sparkUrl(PostgresJdbcDataSource source) {
        return sessions.sparkUrl(source);
    }

    /** The connection properties Spark's JDBC reader gets with {@link #sparkUrl}, before the source's read options. */
    public Properties sparkProperties(PostgresJdbcDataSource source) {
        return sessions.sparkProperties(source);
    }

    /** A session on the source that PostgreSQL itself keeps from writing. */
    public Connection openReadOnly(PostgresJdbcDataSource source) {
        return sessions.open(source);
    }

    /**
     * The columns of the wrapped query, from a {@code LIMIT 0} probe; then the query is run for at
     * most one row, because some refusals only happen when a row is computed (a volatile function
     * that writes, such as {@code nextval}, is refused by the read-only session only then).
     */
    public List<SourceColumn> probe(PostgresJdbcDataSource source) {
        return probe(source, "data_source.query");
    }

    private List<SourceColumn> probe(PostgresJdbcDataSource source, String key) {
        try (Connection c = sessions.open(source)) {
            return probe(c, source, key);
        } catch (SQLException e) {
            throw failures.queryFailure(source, key, e);
        }
    }

    private static List<SourceColumn> probe(Connection c, PostgresJdbcDataSource source, String key)
            throws SQLException {
        String wrapped = SourceSql.wrap(source.query(), key);
        List<SourceColumn> columns = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(SourceSql.limit(wrapped, 0));
                ResultSet rs = s.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                columns.add(new SourceColumn(md.getColumnLabel(i), md.getColumnTypeName(i), md.getColumnType(i)));
            }
        }
        try (PreparedStatement s = c.prepareStatement(SourceSql.limit(wrapped, 1));
                ResultSet rs = s.executeQuery()) {
            rs.next();
        }
        return columns;
    }

    /**
     * Refuses a source role that can do more than read unless the source names it in {@code allow_writable_role}
     * ({@link SourceRoleCheck}), then probes the dataset's query and checks its columns against the version: the id and timestamp
     * columns, every field the dataset must carry and every label, each present with a type its
     * field can be read from. All problems are reported together, keys prefixed with
     * {@code prefix} (e.g. {@code "serving."}). Returns the columns as the engine will see them
     * (after {@code select_expr}).
     */
    public List<SourceColumn> check(ModelVersion version, DatasetConnection connection, String prefix) {
        // select_expr is untrusted Spark SQL: refused before the source is asked anything, and before Spark analyses
        // it (analysis already loads the classes a reflect() names)
        UserExpressions.checkAll(
                prefix + "data_source.select_expr", connection.source().selectExpr());
        PostgresJdbcDataSource src = connection.source();
        String key = prefix + "data_source.query";
        List<SourceColumn> probed;
        try (Connection c = sessions.open(src)) {
            // the role is asked before the query runs: a role that can write is refused without running it
            SourceRoleCheck.requireReadOnly(c, src, prefix);
            probed = probe(c, src, key);
        } catch (SQLException e) {
            throw failures.queryFailure(src, key, e);
        } catch (IOException e) {
            throw SourceFailures.unreadablePlan(key, e);
        }
        return SourceSchemaCheck.check(version, connection, prefix, probed, spark);
    }

    /**
     * Which tables the query reads (from its plan: {@code EXPLAIN (VERBOSE, FORMAT JSON)} plans
     * without executing), whether the user could write them, and the grant SQL that would suffice.
     */
    public PrivilegeReport privileges(PostgresJdbcDataSource source) {
        return privileges.privileges(source);
    }

    /**
     * The first and last timestamp of the dataset's rows (its timestamp column read as its PostgreSQL type
     * {@code timestampType} asks), or empty when it has none.
     */
    public Optional<Instant[]> timeRange(DatasetConnection connection, String timestampType) {
        return lookups.timeRange(connection, timestampType);
    }

    /**
     * Gives {@code timestamps} the timestamp of every row of the {@code serving} query whose id is in {@code ids};
     * returns how many of {@code ids} no row has. The ids are compared as values of the id column's PostgreSQL type
     * {@code idType}, inside PostgreSQL (so an index on it is used).
     */
    public long timestampsOfIds(
            DatasetConnection serving,
            String idType,
            String timestampType,
            List<String> ids,
            Consumer<Instant> timestamps) {
        return lookups.timestampsOfIds(serving, idType, timestampType, ids, timestamps);
    }

    /**
     * {@code e}, thrown by a Spark job reading {@code source}'s query, as the run should fail with it: the source's
     * own error when there is one inside. Spark rethrows a failed job as a checked {@code SparkException} that Java
     * code does not see declared, so callers catch {@link Exception} and pass it here.
     */
    public RuntimeException sparkFailure(Exception e, PostgresJdbcDataSource source, String prefix) {
        return failures.sparkFailure(e, source, prefix);
    }
}
