package dev.vigil.testing;

import dev.vigil.core.spec.GrantSql;
import dev.vigil.embeddedpg.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The real PostgreSQL server the tests run against (never a mock). With {@code VIGIL_TEST_PG_URL} set it is that
 * server, with {@code VIGIL_TEST_PG_USER} and {@code VIGIL_TEST_PG_PASSWORD} (default {@code vigil_test} /
 * {@code vigil_test}), a login with CREATEDB and CREATEROLE that {@code .ci/run} creates. Without it, it is an embedded
 * PostgreSQL ({@link EmbeddedPostgresServer}, ADR 0024) that this JVM starts on first use, in a temporary directory,
 * with the same kind of login, and stops and deletes when the JVM exits: the tests need nothing but Java.
 *
 * <p>Each test class creates its own database with {@link #createDatabase(String)} and drops it when
 * done, so tests never see each other's data.
 */
public final class PostgresTestServer {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration DROP_WAIT = Duration.ofSeconds(30);

    private final String adminUrl;
    private final String adminUser;
    private final String adminPassword;

    private PostgresTestServer(String adminUrl, String adminUser, String adminPassword) {
        this.adminUrl = adminUrl;
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
    }

    /** The server named by the environment, or this JVM's embedded one (see the class comment). */
    public static PostgresTestServer fromEnvironment() {
        String url = env("VIGIL_TEST_PG_URL", null);
        if (url == null) {
            return embedded();
        }
        return new PostgresTestServer(
                url, env("VIGIL_TEST_PG_USER", "vigil_test"), env("VIGIL_TEST_PG_PASSWORD", "vigil_test"));
    }

    /**
     * This JVM's embedded PostgreSQL, started on the first call (initdb and start: 3 to 12 s with the machine's
     * load) and stopped, its directory deleted, when the JVM exits. The tests log in
     * as {@value #EMBEDDED_LOGIN}, made there with CREATEDB and CREATEROLE and no more, as {@code .ci/run} makes it
     * on the system PostgreSQL: a superuser would pass where the test login must not (PostgresSourceIT warns about
     * what the login may do).
     */
    public static synchronized PostgresTestServer embedded() {
        if (embedded == null) {
            Path dir;
            try {
                dir = Files.createTempDirectory("vigil-test-pg");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dir);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                server.close();
                                deleteRecursively(dir);
                            },
                            "vigil-test-pg-stop"));
            String password = randomPassword();
            new PostgresTestServer(server.url("postgres"), server.superuser(), server.superuserPassword())
                    .execute(
                            server.url("postgres"),
                            "CREATE ROLE " + EMBEDDED_LOGIN + " LOGIN CREATEDB CREATEROLE PASSWORD '" + password + "'");
            embedded = new PostgresTestServer(server.url("postgres"), EMBEDDED_LOGIN, password);
        }
        return embedded;
    }

    /** The login the tests use on the embedded server. */
    static final String EMBEDDED_LOGIN = "vigil_test";

    private static PostgresTestServer embedded;

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is no test failure
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** {@code jdbc:postgresql://host:port/} without a database, to append one. */
    public String serverUrl() {
        int slash = adminUrl.indexOf('/', "jdbc:postgresql://".length());
        return slash < 0 ? adminUrl + "/" : adminUrl.substring(0, slash + 1);
    }

    public String adminUser() {
        return adminUser;
    }

    public String adminPassword() {
        return adminPassword;
    }

    /** A new, empty database named {@code <prefix>_<random>}, owned by the test login. */
    public TestDatabase createDatabase(String prefix) {
        String name = (prefix + "_" + HexFormat.of().formatHex(randomBytes(4))).toLowerCase(Locale.ROOT);
        execute(adminUrl, "CREATE DATABASE " + GrantSql.quote(name));
        return new TestDatabase(this, name);
    }

    /** A connection to {@code database} as the test login (full rights: it owns the test databases). */
    public Connection connectAsAdmin(String database) throws SQLException {
        return connect(serverUrl() + database, adminUser, adminPassword);
    }

    /** A plain JDBC connection. */
    public static Connection connect(String url, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(url, props);
    }

    /**
     * Drops {@code name}, ending its sessions. A session of a role the test login is no member of cannot be ended
     * (SQLSTATE 42501): such is a Spark read that a server which just stopped has not closed yet. The drop is
     * tried again for up to 30 seconds while it ends.
     */
    public void dropDatabase(String name) {
        long deadline = System.nanoTime() + DROP_WAIT.toNanos();
        while (true) {
            try {
                execute(adminUrl, "DROP DATABASE IF EXISTS " + GrantSql.quote(name) + " WITH (FORCE)");
                return;
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof SQLException sql)
                        || !"42501".equals(sql.getSQLState())
                        || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while dropping the test database " + name, e);
            }
        }
    }

    public void dropRole(String role) {
        execute(adminUrl, "DROP ROLE IF EXISTS " + GrantSql.quote(role));
    }

    /** Runs statements on the admin database, each in auto-commit. */
    public void execute(String url, String... statements) {
        try (Connection c = connect(url, adminUser, adminPassword);
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "test PostgreSQL at " + url + " as " + adminUser + ": " + e.getMessage()
                            + " (set VIGIL_TEST_PG_URL / VIGIL_TEST_PG_USER / VIGIL_TEST_PG_PASSWORD)",
                    e);
        }
    }

    static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** A random password for a test role. */
    public static String randomPassword() {
        return "pw_" + HexFormat.of().formatHex(randomBytes(12));
    }

    /** Creates {@code user} with {@code password} and exactly the grants of {@link GrantSql}. */
    void createReadOnlyRole(TestDatabase db, String user, String password, String schema, List<String> tables) {
        execute(
                db.url(),
                "CREATE USER " + GrantSql.quote(user) + " WITH PASSWORD '" + password.replace("'", "''") + "'");
        execute(
                db.url(),
                GrantSql.statements(user, db.name(), schema, tables, false).toArray(String[]::new));
    }
}
