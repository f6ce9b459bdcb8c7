package dev.vigil.engine.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.testing.PostgresTestServer;
import dev.vigil.testing.TestDatabase;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Security review F2 and F8 against a real PostgreSQL: the query gate (pgjdbc's own splitter), the URL parameter
 * allowlist and {@code standard_conforming_strings=on} on every session. Each refusal also checks that nothing
 * happened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SourceGateIT {
    private TestDatabase db;
    private TestDatabase.Credentials reader;
    private final PostgresSource source =
            PostgresSource.withDefaults(dev.vigil.engine.spark.SparkRuntime.local("local[*]"));

    @BeforeAll
    void createSource() {
        db = PostgresTestServer.fromEnvironment().createDatabase("engine_gate");
        db.execute(
                "CREATE SCHEMA ml",
                "CREATE TABLE ml.preds (id bigint, \"select\" text, note text)",
                "INSERT INTO ml.preds VALUES (1, 'a;b', 'x')");
        reader = db.createReadOnlyUser("ml", List.of("preds"));
    }

    @AfterAll
    void dropSource() {
        db.close();
    }

    private PostgresJdbcDataSource asReader(String url, String sql) {
        return PostgresJdbcDataSource.builder()
                .url(url)
                .query(sql)
                .user(reader.user())
                .password(reader.password())
                .build();
    }

    private PostgresJdbcDataSource asOwner(String sql) {
        return PostgresJdbcDataSource.builder()
                .url(db.url())
                .query(sql)
                .user(db.server().adminUser())
                .password(db.server().adminPassword())
                .build();
    }

    private String withParameters(String parameters) {
        return db.url() + (db.url().contains("?") ? "&" : "?") + parameters;
    }

    private long scalar(String sql) throws Exception {
        try (Connection c = db.connectAsAdmin();
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void theIssuesAttackIsRefusedAndTheReadersPasswordIsUnchanged() throws Exception {
        assertThatThrownBy(() -> source.probe(asReader(db.url(), SourceQueryGateTest.ATTACK)))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageStartingWith("data_source.query: holds more than one statement");
        // the same through the owner, whose session could have written
        assertThatThrownBy(() -> source.probe(asOwner(SourceQueryGateTest.ATTACK)))
                .isInstanceOf(VigilArgumentException.class);
        try (Connection c = DriverManager.getConnection(db.url(), reader.user(), reader.password());
                ResultSet rs = c.createStatement().executeQuery("SELECT current_user")) {
            rs.next();
            assertThat(rs.getString(1))
                    .as("the reader still logs in with its original password")
                    .isEqualTo(reader.user());
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT $€$'$€$; COMMIT; BEGIN READ WRITE; DELETE FROM ml.preds; COMMIT; SELECT '",
                "WITH d AS (DELETE FROM ml.preds RETURNING *) SELECT * FROM d",
                "WITH i AS (INSERT INTO ml.preds VALUES (2, 'b', 'y') RETURNING *) SELECT * FROM i",
                "SELECT * INTO ml.copied FROM ml.preds",
                "SELECT * FROM ml.preds FOR UPDATE",
                "SELECT * FROM ml.preds FOR NO KEY UPDATE",
                "SELECT * FROM ml.preds FOR SHARE",
                "SELECT * FROM ml.preds FOR KEY SHARE",
            })
    void refusedQueriesChangeNothing(String sql) throws Exception {
        assertThatThrownBy(() -> source.probe(asOwner(sql)))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageStartingWith("data_source.query: ");
        assertThat(scalar("SELECT count(*) FROM ml.preds"))
                .as("no row deleted or added")
                .isEqualTo(1);
        assertThat(scalar("SELECT count(*) FROM pg_class WHERE relname = 'copied'"))
                .as("no table created")
                .isZero();
        assertThat(scalar("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                        + "WHERE c.relname = 'preds' AND l.mode = 'RowShareLock'"))
                .as("no row lock left behind")
                .isZero();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT id, $$a;b$$ AS dollar, $t$ ; ) $t$ AS tagged FROM ml.preds",
                "SELECT id /* ; ( */ FROM ml.preds -- trailing ; comment",
                "SELECT ';' AS semi, \"select\" AS \"quoted;name\" FROM ml.preds;",
                "SELECT E'it\\'s;' AS escaped, 'back\\slash' AS plain FROM ml.preds ;",
                "WITH p AS (SELECT * FROM ml.preds) SELECT id, substring(note FOR 1) AS n FROM p",
                "SELECT id AS a$x$ FROM ml.preds",
            })
    void plainSelectsStillWork(String sql) {
        assertThat(source.probe(asReader(db.url(), sql))).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "socketFactory=javax.net.DefaultSocketFactory",
                "socketFactoryArg=x",
                "sslfactory=org.postgresql.ssl.NonValidatingFactory",
                "sslhostnameverifier=x.Verifier",
                "sslpasswordcallback=x.Callback",
                "loggerFile=/tmp/vigil-gate-it.log",
                "loggerLevel=TRACE",
                "options=-c%20standard_conforming_strings%3Doff",
                "authenticationPluginClassName=x.Plugin",
                "readOnlyMode=ignore",
                "readOnly=false",
                "service=mydb",
                "jaasApplicationName=x",
                "jaasLogin=true",
                "gsslib=sspi",
                "preferQueryMode=simple",
                "user=postgres",
                "password=x",
                "noSuchParameter=1",
            })
    void everyRefusedUrlParameterGetsItsSentenceAndNoConnectionIsMade(String parameter) throws Exception {
        String name = parameter.substring(0, parameter.indexOf('='));
        AtomicInteger accepted = new AtomicInteger();
        try (ServerSocket listener = new ServerSocket(0)) {
            Thread counter = new Thread(() -> {
                while (!listener.isClosed()) {
                    try (Socket ignored = listener.accept()) {
                        accepted.incrementAndGet();
                    } catch (Exception closed) {
                        return;
                    }
                }
            });
            counter.setDaemon(true);
            counter.start();
            String url = "jdbc:postgresql://127.0.0.1:" + listener.getLocalPort() + "/shop?" + parameter;
            assertThatThrownBy(() -> source.probe(asReader(url, "SELECT 1")))
                    .isInstanceOf(VigilArgumentException.class)
                    .hasMessageStartingWith("data_source.url: parameter '" + name + "' is not allowed (allowed: ")
                    .hasMessageContaining("sslmode");
            assertThatThrownBy(() -> source.sparkUrl(asReader(url, "SELECT 1")))
                    .isInstanceOf(VigilArgumentException.class);
        }
        assertThat(accepted).as("no connection reached the host").hasValue(0);
        assertThat(Files.exists(Path.of("/tmp/vigil-gate-it.log")))
                .as("no log file written")
                .isFalse();
    }

    @Test
    void allowedUrlParametersStillConnect() {
        String url = withParameters("sslmode=disable&connectTimeout=5&socketTimeout=60&loginTimeout=5"
                + "&ApplicationName=shop&currentSchema=ml&prepareThreshold=0&targetServerType=any&tcpKeepAlive=true");
        assertThat(source.probe(asReader(url, "SELECT id FROM preds"))).hasSize(1);
    }

    @Test
    void everySessionRunsWithStandardConformingStringsOnEvenWhenTheRoleSaysOff() throws Exception {
        TestDatabase.Credentials offByDefault = db.createReadOnlyUser("ml", List.of("preds"));
        db.execute("ALTER ROLE " + offByDefault.user() + " SET standard_conforming_strings = off");
        try (Connection plain = DriverManager.getConnection(db.url(), offByDefault.user(), offByDefault.password())) {
            assertThat(show(plain, "standard_conforming_strings"))
                    .as("the role's default")
                    .isEqualTo("off");
        }
        PostgresJdbcDataSource src = PostgresJdbcDataSource.builder()
                .url(db.url())
                .query("SELECT 1")
                .user(offByDefault.user())
                .password(offByDefault.password())
                .build();
        try (Connection c = source.openReadOnly(src)) {
            assertThat(show(c, "standard_conforming_strings")).isEqualTo("on");
        }
        Properties lowerCase = new Properties();
        lowerCase.setProperty("user", src.user());
        lowerCase.setProperty("password", src.password());
        try (Connection c = DriverManager.getConnection(source.sparkUrl(src), lowerCase)) {
            assertThat(show(c, "standard_conforming_strings"))
                    .as("Spark's sessions too")
                    .isEqualTo("on");
        }
        PostgresJdbcDataSource viaOptions = PostgresJdbcDataSource.builder()
                .url(withParameters("options=-c%20standard_conforming_strings%3Doff"))
                .query("SELECT 1")
                .user(offByDefault.user())
                .password(offByDefault.password())
                .build();
        assertThatThrownBy(() -> source.openReadOnly(viaOptions))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageStartingWith("data_source.url: parameter 'options' is not allowed");
    }

    @Test
    void sparkSessionsScanTablesFromTheirFirstPage() throws Exception {
        // synchronized scans would hand two slices of one large table their rows in another order on every run
        PostgresJdbcDataSource src = asReader(db.url(), "SELECT id FROM preds");
        try (Connection plain = DriverManager.getConnection(db.url(), src.user(), src.password())) {
            assertThat(show(plain, "synchronize_seqscans"))
                    .as("PostgreSQL's default")
                    .isEqualTo("on");
        }
        Properties lowerCase = new Properties();
        lowerCase.setProperty("user", src.user());
        lowerCase.setProperty("password", src.password());
        try (Connection c = DriverManager.getConnection(source.sparkUrl(src), lowerCase)) {
            assertThat(show(c, "synchronize_seqscans")).isEqualTo("off");
        }
    }

    private static String show(Connection c, String setting) throws Exception {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
