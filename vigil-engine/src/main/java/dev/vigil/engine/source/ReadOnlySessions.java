package dev.vigil.engine.source;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.Jdbc;
import dev.vigil.core.model.PostgresJdbcDataSource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Sessions on the user's PostgreSQL (Trino's {@code ConnectionFactory} role), each read-only three times over
 * ({@code readOnly=true} and {@code readOnlyMode=always} in the driver, and
 * {@code SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY}) and carrying a {@code statement_timeout};
 * logging in gives up after the connect timeout. Spark's JDBC reader gets the same settings.
 */
final class ReadOnlySessions {
    private final Duration connectTimeout;
    private final Duration statementTimeout;
    private final SourceFailures failures;

    ReadOnlySessions(Duration connectTimeout, Duration statementTimeout) {
        this.connectTimeout = connectTimeout;
        this.statementTimeout = statementTimeout;
        this.failures = new SourceFailures(statementTimeout);
    }

    /** How failures of these sessions read (a timeout names the statement timeout). */
    SourceFailures failures() {
        return failures;
    }

    /** The JDBC properties of a read-only session (also what Spark's JDBC reader gets). */
    Properties sessionProperties(PostgresJdbcDataSource source) {
        Properties p = new Properties();
        p.setProperty("user", source.user());
        // Never the server host's own credentials for a host the user names (review F8). Without a password pgjdbc
        // reads one from ~/.pgpass (Driver.parseURL looks only when the password is null), so an absent one is sent
        // as empty, which pgjdbc refuses to offer ("the password is an empty string").
        p.setProperty("password", source.password() == null ? "" : source.password());
        Map<String, String> given = Jdbc.parameters(source.url());
        for (String clientCertificate : List.of("sslcert", "sslkey")) {
            if (!given.containsKey(clientCertificate)) {
                // empty: no client certificate; unset, pgjdbc offers ~/.postgresql/postgresql.crt and .pk8 if present
                p.setProperty(clientCertificate, "");
            }
        }
        // no Kerberos: no GSS encryption attempt and no JAAS login with the host's ticket or keytab
        p.setProperty("gssEncMode", "disable");
        p.setProperty("jaasLogin", "false");
        p.setProperty("gssUseDefaultCreds", "false");
        p.setProperty("readOnly", "true");
        p.setProperty("readOnlyMode", "always");
        p.setProperty("ApplicationName", "vigil");
        p.setProperty("connectTimeout", String.valueOf(seconds(connectTimeout)));
        p.setProperty("loginTimeout", String.valueOf(seconds(connectTimeout)));
        // A socket that stays silent well past the statement timeout is a dead server.
        p.setProperty("socketTimeout", String.valueOf(seconds(statementTimeout) + 30));
        p.setProperty("options", serverOptions());
        return p;
    }

    /**
     * Settings PostgreSQL applies to the session itself: the statement timeout, every transaction read-only unless it
     * asks otherwise (a query cannot: it is one SELECT), and, last, {@code standard_conforming_strings=on}, the
     * setting the query gate ({@link SourceQueryGate}) splits the query with, as pgjdbc then does. {@code
     * synchronize_seqscans=off} makes every sequential scan start at the table's first page: with it on, a slice
     * scanned while another slice scans the same large table joins that scan midway, and its rows arrive in another
     * order on every run, which a window of more than 4,096 rows would see in its quantile sketch. A URL cannot
     * bring its own {@code options} (the URL check refuses them), and options sent at login win over the role's
     * and the database's defaults.
     */
    private String serverOptions() {
        return "-c statement_timeout=" + statementTimeout.toMillis() + " -c default_transaction_read_only=on"
                + " -c synchronize_seqscans=off -c standard_conforming_strings=on";
    }

    /**
     * The URL Spark's JDBC reader connects with: the source's URL with the session's driver settings appended as URL
     * parameters. Spark lower-cases the keys of the connection properties it passes to the driver, and pgjdbc's
     * keys are case-sensitive, so {@code readOnly}, {@code readOnlyMode} and the timeouts would be silently dropped
     * as properties. Appended last, they also win over the same keys in the source's URL. {@code prepareThreshold=-1}
     * (values in binary from the first execution) is added only when the URL sets none (behind PgBouncer it is often
     * 0).
     */
    String sparkUrl(PostgresJdbcDataSource source) {
        return urlWithSettings(source, true);
    }

    /**
     * The source's URL, checked ({@link Jdbc#sourceUrlProblem}), with the session's settings appended last: pgjdbc
     * takes a URL's parameters over the properties beside it, so appended they win over the URL's own timeouts.
     */
    private String urlWithSettings(PostgresJdbcDataSource source, boolean binaryFromTheStart) {
        requirePostgresUrl(source.url());
        Map<String, String> given = Jdbc.parameters(source.url());
        Map<String, String> settings = new TreeMap<>();
        sessionProperties(source).forEach((k, v) -> settings.put((String) k, (String) v));
        // the credentials stay connection properties: their keys are lower-case already, and a URL gets logged; the
        // empty client certificate defaults are properties too, so that a certificate the URL names wins over them
        settings.remove("user");
        settings.remove("password");
        settings.remove("sslcert");
        settings.remove("sslkey");
        if (binaryFromTheStart && !given.containsKey("prepareThreshold")) {
            settings.put("prepareThreshold", "-1");
        }
        StringBuilder url = new StringBuilder(source.url());
        char separator = source.url().contains("?") ? '&' : '?';
        for (Map.Entry<String, String> e : settings.entrySet()) {
            url.append(separator)
                    .append(e.getKey())
                    .append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            separator = '&';
        }
        return url.toString();
    }

    /**
     * The connection properties Spark's JDBC reader gets with {@link #sparkUrl}: the session's, the driver, a fetch
     * size, and a statement Spark runs on each of its connections before reading.
     */
    Properties sparkProperties(PostgresJdbcDataSource source) {
        Properties props = sessionProperties(source);
        props.setProperty("driver", "org.postgresql.Driver");
        props.setProperty("fetchsize", "10000");
        // Spark runs this on each of its connections before reading: read-only a third time over (the URL's driver
        // settings and the session's default_transaction_read_only are the other two; sparkUrl).
        props.setProperty("sessionInitStatement", SourceSql.READ_ONLY);
        // timestamp without time zone as LocalDateTime (taken as UTC), not shifted into the JVM's zone
        props.setProperty("preferTimestampNTZ", "true");
        return props;
    }

    /** A session on the source that PostgreSQL itself keeps from writing. */
    Connection open(PostgresJdbcDataSource source) {
        String url = urlWithSettings(source, false);
        Connection c;
        try {
            c = DriverManager.getConnection(url, sessionProperties(source));
        } catch (SQLException e) {
            throw SourceFailures.connectFailure(source, e);
        }
        try (Statement s = c.createStatement()) {
            c.setReadOnly(true);
            s.execute(SourceSql.READ_ONLY);
            s.execute(SourceSql.statementTimeout(statementTimeout.toMillis()));
            return c;
        } catch (SQLException e) {
            closeQuietly(c);
            throw failures.queryFailure(source, "the session setup", e);
        }
    }

    private static void requirePostgresUrl(String url) {
        Optional<String> problem = Jdbc.sourceUrlProblem(url, "data_source.url");
        if (problem.isPresent()) {
            throw new VigilArgumentException(problem.get());
        }
    }

    private static int seconds(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (d.toMillis() + 999) / 1000));
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // the session is being abandoned after a failure already reported
        }
    }
}
