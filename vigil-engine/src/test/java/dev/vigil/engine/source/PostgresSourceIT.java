package dev.vigil.engine.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilSourceException;
import dev.vigil.core.VigilSourceException.Reason;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.FieldGroup;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.model.Schema;
import dev.vigil.engine.spark.SparkRuntime;
import dev.vigil.testing.PostgresTestServer;
import dev.vigil.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The read-only door to a real PostgreSQL: sessions, probes, column checks and privilege reports. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresSourceIT {
    private TestDatabase db;
    private TestDatabase.Credentials reader;
    private final SparkRuntime spark = SparkRuntime.local("local[*]");
    private final PostgresSource source = PostgresSource.withDefaults(spark);

    @BeforeAll
    void createSource() {
        db = PostgresTestServer.fromEnvironment().createDatabase("engine_src");
        db.execute(
                "CREATE SCHEMA ml",
                "CREATE TABLE ml.preds (id bigint, ts timestamptz, epoch_s bigint, naive timestamp, raw_text text, "
                        + "amount double precision, price numeric(10,2), owner_name text, is_new boolean, "
                        + "emb real[], tags text[], probs jsonb, score double precision, bought boolean)",
                "INSERT INTO ml.preds VALUES (1, now(), 1700000000, now(), 'a', 1.5, 2.50, 'x', true, "
                        + "'{1,2,3}', '{a}', '{\"a\":0.5}', 0.7, true)",
                "CREATE SEQUENCE ml.seq");
        reader = db.createReadOnlyUser("ml", List.of("preds"));
    }

    @AfterAll
    void dropSource() {
        db.close();
    }

    private PostgresJdbcDataSource query(String sql) {
        return PostgresJdbcDataSource.builder()
                .url(db.url())
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

    private static ModelVersion version() {
        return new ModelVersion(
                "m",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .rawInput("raw_text", FieldType.text())
                        .feature("amount", FieldType.numeric())
                        .feature("owner", FieldType.string())
                        .feature("is_new", FieldType.bool())
                        .feature("emb", FieldType.embedding(3))
                        .prediction("will_buy", FieldType.bool())
                        .prediction("score", FieldType.numeric())
                        .build());
    }

    private static DatasetConnection serving(
            PostgresJdbcDataSource src, String id, String ts, Map<String, String> features) {
        return new DatasetConnection(
                DatasetKind.SERVING,
                src,
                id,
                ts,
                Map.of(FieldGroup.FEATURES, features, FieldGroup.PREDICTIONS, Map.of("will_buy", "is_new")),
                Map.of("score", "bought"));
    }

    @Test
    void sparksUrlKeepsTheUsersSchemaAndPrepareThreshold() throws Exception {
        PostgresJdbcDataSource withSchema = PostgresJdbcDataSource.builder()
                .url(db.url() + (db.url().contains("?") ? "&" : "?") + "currentSchema=ml&prepareThreshold=0")
                .query("SELECT 1")
                .user(reader.user())
                .password(reader.password())
                .build();
        java.util.Properties lowerCase = new java.util.Properties();
        lowerCase.setProperty("user", reader.user());
        lowerCase.setProperty("password", reader.password());
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(source.sparkUrl(withSchema), lowerCase);
                java.sql.Statement s = c.createStatement()) {
            try (java.sql.ResultSet rs = s.executeQuery("SHOW search_path")) {
                rs.next();
                assertThat(rs.getString(1))
                        .as("the user's schema still applies")
                        .isEqualTo("ml");
            }
            try (java.sql.ResultSet rs = s.executeQuery("SHOW default_transaction_read_only")) {
                rs.next();
                assertThat(rs.getString(1)).as("and Vigil's settings too").isEqualTo("on");
            }
            assertThat(c.unwrap(org.postgresql.PGConnection.class).getPrepareThreshold())
                    .as("the user's prepareThreshold (PgBouncer) is kept")
                    .isZero();
        }
    }

    @Test
    void sparksUrlMakesAReadOnlySessionAndAUrlCannotAskOtherwise() throws Exception {
        // What Spark's JDBC reader does: the URL, and only lower-case properties (user, password) beside it.
        PostgresJdbcDataSource owner = asOwner("SELECT 1");
        java.util.Properties lowerCase = new java.util.Properties();
        lowerCase.setProperty("user", owner.user());
        lowerCase.setProperty("password", owner.password());
        String url = source.sparkUrl(owner);
        assertThat(url).doesNotContain(owner.password());
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, lowerCase);
                java.sql.Statement s = c.createStatement()) {
            assertThat(c.isReadOnly()).as("the driver's readOnly, given last").isTrue();
            try (java.sql.ResultSet rs = s.executeQuery("SHOW default_transaction_read_only")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("on");
            }
            assertThatThrownBy(() -> s.execute("CREATE TABLE ml.written (x int)"))
                    .hasMessageContaining("read-only transaction");
        }
        for (String asksOtherwise : List.of("readOnly=false", "readOnlyMode=ignore")) {
            PostgresJdbcDataSource writable = PostgresJdbcDataSource.builder()
                    .url(db.url() + (db.url().contains("?") ? "&" : "?") + asksOtherwise)
                    .query("SELECT 1")
                    .user(owner.user())
                    .password(owner.password())
                    .build();
            assertThatThrownBy(() -> source.sparkUrl(writable))
                    .isInstanceOf(VigilArgumentException.class)
                    .hasMessageStartingWith("data_source.url: parameter '"
                            + asksOtherwise.split("=")[0] + "' is not allowed (allowed: ");
        }
    }

    @Test
    void theProbeReadsNoRowAndReportsPostgresTypes() {
        List<SourceColumn> columns = source.probe(query("SELECT * FROM ml.preds;"));
        assertThat(columns)
                .extracting(SourceColumn::toString)
                .containsExactly(
                        "id int8",
                        "ts timestamptz",
                        "epoch_s int8",
                        "naive timestamp",
                        "raw_text text",
                        "amount float8",
                        "price numeric",
                        "owner_name text",
                        "is_new bool",
                        "emb _float4",
                        "tags _text",
                        "probs jsonb",
                        "score float8",
                        "bought bool");
    }

    @Test
    void aMatchingDatasetPassesTheCheck() {
        DatasetConnection ok = serving(query("SELECT * FROM ml.preds"), "id", "ts", Map.of("owner", "owner_name"));
        assertThat(source.check(version(), ok, "serving.")).hasSize(14);
        DatasetConnection epoch =
                serving(query("SELECT * FROM ml.preds"), "id", "epoch_s", Map.of("owner", "owner_name"));
        assertThat(source.check(version(), epoch, "serving.")).hasSize(14);
    }

    @Test
    void everyColumnProblemIsReportedAtOnce() {
        DatasetConnection broken = new DatasetConnection(
                DatasetKind.SERVING,
                query("SELECT id, ts, raw_text, amount, is_new, emb, score, bought FROM ml.preds"),
                "missing_id",
                "raw_text",
                Map.of(FieldGroup.FEATURES, Map.of("amount", "raw_text", "is_new", "emb")),
                Map.of("score", "nope"));
        assertThatThrownBy(() -> source.check(version(), broken, "serving."))
                .isInstanceOfSatisfying(VigilArgumentException.class, e -> assertThat(e.problems())
                        .containsExactlyInAnyOrder(
                                "serving.id_column: column 'missing_id' is not in the query's result (it has id, ts, "
                                        + "raw_text, amount, is_new, emb, score, bought)",
                                "serving.timestamp_column: column 'raw_text' is text, but a timestamp is read from a "
                                        + "column of type timestamp, date, integer or decimal",
                                "serving.features.amount: column 'raw_text' is text, but a numeric field is read from "
                                        + "a column of type integer or decimal; declare amount as string (or"
                                        + " categorical), or cast the column in the query (raw_text::numeric)",
                                "serving.features.owner: column 'owner' is not in the query's result (it has id, ts, "
                                        + "raw_text, amount, is_new, emb, score, bought)",
                                "serving.features.is_new: column 'emb' is real[], but a boolean field is read from a "
                                        + "column of type integer or boolean; declare is_new as tensor (or array)",
                                "serving.predictions.will_buy: column 'will_buy' is not in the query's result (it has "
                                        + "id, ts, raw_text, amount, is_new, emb, score, bought)",
                                "serving.labels.score: column 'nope' is not in the query's result (it has id, ts, "
                                        + "raw_text, amount, is_new, emb, score, bought)"));
    }

    @Test
    void trainingNeedsNoRawInputsAndActualsOnlyTheirLabels() {
        PostgresJdbcDataSource noRaw = query(
                "SELECT id, ts, amount, owner_name AS owner, is_new, emb, is_new AS will_buy, score FROM ml.preds");
        assertThat(source.check(version(), DatasetConnection.of(DatasetKind.TRAINING, noRaw, "id", "ts"), "training."))
                .hasSize(8);
        DatasetConnection actuals = new DatasetConnection(
                DatasetKind.ACTUALS,
                query("SELECT id, ts AS labeled_at, bought FROM ml.preds"),
                "id",
                "labeled_at",
                Map.of(),
                Map.of("will_buy", "bought"));
        assertThat(source.check(version(), actuals, "actuals.")).hasSize(3);
    }

    @Test
    void selectExpressionsAreAppliedWithSparkBeforeTheCheck() {
        PostgresJdbcDataSource src = PostgresJdbcDataSource.builder()
                .url(db.url())
                .query("SELECT * FROM ml.preds")
                .user(reader.user())
                .password(reader.password())
                .selectExpr("*", "owner_name AS owner", "price * 100 AS cents")
                .build();
        List<SourceColumn> columns = source.check(version(), serving(src, "id", "ts", Map.of()), "serving.");
        assertThat(columns).extracting(SourceColumn::toString).contains("owner string", "emb array<float>");
        assertThat(columns).extracting(SourceColumn::name).endsWith("owner", "cents");

        PostgresJdbcDataSource bad = PostgresJdbcDataSource.builder()
                .url(db.url())
                .query("SELECT * FROM ml.preds")
                .user(reader.user())
                .password(reader.password())
                .selectExpr("*", "no_such_column + 1 AS x")
                .build();
        assertThatThrownBy(() -> source.check(version(), serving(bad, "id", "ts", Map.of()), "serving."))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageStartingWith("serving.data_source.select_expr: Spark cannot apply")
                .hasMessageContaining("no_such_column");

        // Spark calls the column "string" and PostgreSQL "text": the message names it one way, whichever read it
        DatasetConnection textAsNumber = serving(src, "id", "ts", Map.of("amount", "owner", "owner", "owner"));
        assertThatThrownBy(() -> source.check(version(), textAsNumber, "serving."))
                .isInstanceOfSatisfying(VigilArgumentException.class, e -> assertThat(e.problems())
                        .containsExactly("serving.features.amount: column 'owner' is text, but a numeric field is"
                                + " read from a column of type integer or decimal; declare amount as string (or"
                                + " categorical), or cast the column in the query (owner::numeric)"));
    }

    @Test
    void aQueryThatStopsUnfinishedIsSaidAgainstTheUsersTextNotVigilsWrapper() {
        // PostgreSQL alone says 'syntax error at or near ")"': the ")" of Vigil's SELECT * FROM (<query>) AS vigil_src
        DatasetConnection unfinished =
                serving(query("SELECT * FROM ml.preds WHERE amount >"), "id", "ts", Map.of("owner", "owner_name"));
        String on = "serving.data_source.query failed on " + db.url() + " as " + reader.user() + ": ";
        assertThatThrownBy(() -> source.check(version(), unfinished, "serving."))
                .isInstanceOfSatisfying(VigilSourceException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.QUERY_FAILED);
                    assertThat(e.getMessage())
                            .isEqualTo(on + "syntax error at the end of the query: it stops unfinished after"
                                    + " '…* FROM ml.preds WHERE amount >'");
                });
        assertThatThrownBy(() -> source.probe(query("SELECT id\nFROM ml.preds\nWHERE amount >")))
                .hasMessage("data_source.query failed on " + db.url() + " as " + reader.user()
                        + ": syntax error at the end of the query: it stops unfinished after"
                        + " '…FROM ml.preds WHERE amount >'");
    }

    @Test
    void aSyntaxErrorInsideTheQueryKeepsPostgresWordsAndNamesItsLine() {
        DatasetConnection typo = serving(query("SELECT *\nFRM ml.preds"), "id", "ts", Map.of("owner", "owner_name"));
        assertThatThrownBy(() -> source.check(version(), typo, "serving."))
                .hasMessage("serving.data_source.query failed on " + db.url() + " as " + reader.user()
                        + ": syntax error at or near \"FRM\" (line 2 of the query)");
        assertThatThrownBy(() -> source.probe(query("SELECT id,\n  amount\nFROM ml.preds WHERE amount > > 1")))
                .hasMessage("data_source.query failed on " + db.url() + " as " + reader.user()
                        + ": syntax error at or near \">\" (line 3 of the query)");
    }

    @Test
    void aWrongPasswordIsAuthFailedNamingUrlAndUserOnly() {
        String wrong = "not-" + reader.password();
        assertThatThrownBy(() -> source.probe(query("SELECT 1").withPassword(wrong)))
                .isInstanceOfSatisfying(VigilSourceException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.AUTH_FAILED);
                    assertThat(e.getMessage())
                            .isEqualTo("Cannot connect to " + db.url() + " as " + reader.user()
                                    + ": password authentication failed for user \"" + reader.user() + "\"")
                            .doesNotContain(wrong);
                });
    }

    @Test
    void anUnknownDatabaseAndAnUnreachableHostAreTellApart() {
        String otherDb = db.url().substring(0, db.url().lastIndexOf('/') + 1) + "no_such_db_for_vigil";
        assertThatThrownBy(() -> source.probe(PostgresJdbcDataSource.builder()
                        .url(otherDb)
                        .query("SELECT 1")
                        .user(reader.user())
                        .password(reader.password())
                        .build()))
                .isInstanceOfSatisfying(
                        VigilSourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_DATABASE));
        long started = System.nanoTime();
        assertThatThrownBy(() -> source.probe(PostgresJdbcDataSource.builder()
                        .url("jdbc:postgresql://127.0.0.1:1/shop?sslkey=hunter2")
                        .query("SELECT 1")
                        .user("u")
                        .build()))
                .isInstanceOfSatisfying(VigilSourceException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
                    assertThat(e.getMessage()).startsWith("Cannot connect to jdbc:postgresql://127.0.0.1:1/shop");
                    assertThat(e.getMessage()).doesNotContain("hunter2");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));
    }

    /**
     * Review F8: a refused port, a listener that never answers and one that hangs up all read the same, so the
     * connect check is no port scanner; each fails within the connect timeout.
     */
    @Test
    void addressesWherePostgresDoesNotAnswerAllReadTheSame() throws Exception {
        PostgresSource quick = new PostgresSource(Duration.ofSeconds(1), Duration.ofSeconds(5), spark);
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress());
                java.net.ServerSocket hangsUp =
                        new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Thread closer = new Thread(() -> {
                while (!hangsUp.isClosed()) {
                    try {
                        hangsUp.accept().close();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            closer.setDaemon(true);
            closer.start();
            for (int port : List.of(1, silent.getLocalPort(), hangsUp.getLocalPort())) {
                String url = "jdbc:postgresql://127.0.0.1:" + port + "/shop";
                long started = System.nanoTime();
                assertThatThrownBy(() -> quick.probe(PostgresJdbcDataSource.builder()
                                .url(url)
                                .query("SELECT 1")
                                .user("u")
                                .password("p")
                                .build()))
                        .as(url)
                        .isInstanceOfSatisfying(VigilSourceException.class, e -> {
                            assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
                            assertThat(e.getMessage())
                                    .isEqualTo("Cannot connect to " + url + " as u: no PostgreSQL server answered at"
                                            + " that address (unknown host, refused, silent, or not PostgreSQL; the"
                                            + " Vigil server's log has the detail)");
                        });
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
            }
        }
    }

    /**
     * Review F8: a source without a password never logs in with one from the server host's .pgpass (pgjdbc reads it
     * for any host a user names when no password is given). The control shows pgjdbc would.
     */
    @Test
    void aPgpassFileOnTheServerHostIsNeverUsed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path pgpass = java.nio.file.Files.writeString(
                tmp.resolve("pgpass"), "*:*:*:" + reader.user() + ":" + reader.password() + "\n");
        java.nio.file.Files.setPosixFilePermissions(
                pgpass, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String property = "org.postgresql.pgpassfile";
        String before = System.getProperty(property);
        System.setProperty(property, pgpass.toString());
        try {
            java.util.Properties userOnly = new java.util.Properties();
            userOnly.setProperty("user", reader.user());
            try (Connection c = java.sql.DriverManager.getConnection(db.url(), userOnly)) {
                assertThat(c.isValid(2))
                        .as("control: pgjdbc alone logs in with the .pgpass password")
                        .isTrue();
            }
            PostgresJdbcDataSource noPassword = PostgresJdbcDataSource.builder()
                    .url(db.url())
                    .query("SELECT 1 AS x")
                    .user(reader.user())
                    .build();
            assertThatThrownBy(() -> source.probe(noPassword))
                    .isInstanceOf(VigilSourceException.class)
                    .hasMessageStartingWith("Cannot connect to " + db.url() + " as " + reader.user())
                    .hasMessageContaining("password");
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }

    @Test
    void theSessionRefusesToWriteEvenForTheOwner() throws Exception {
        assertThatThrownBy(() -> source.probe(asOwner("SELECT nextval('ml.seq') AS id")))
                .isInstanceOfSatisfying(VigilSourceException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.QUERY_FAILED);
                    assertThat(e.getMessage()).contains("read-only");
                });
        assertThatThrownBy(() -> source.probe(asOwner("WITH d AS (DELETE FROM ml.preds RETURNING *) SELECT * FROM d")))
                .as("refused by the query gate, before any session")
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageStartingWith("data_source.query: has DELETE");
        try (Connection c = source.openReadOnly(asOwner("SELECT 1"));
                ResultSet rs = c.createStatement().executeQuery("SHOW transaction_read_only")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("on");
            assertThatThrownBy(() -> c.createStatement().execute("DELETE FROM ml.preds"))
                    .hasMessageContaining("read-only");
        }
        try (Connection c = db.connectAsAdmin();
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT (SELECT count(*) FROM ml.preds), (SELECT is_called FROM ml.seq)")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
            assertThat(rs.getBoolean(2)).as("the sequence never advanced").isFalse();
        }
    }

    @Test
    void aQueryStuckBehindALockHitsTheStatementTimeout() throws Exception {
        PostgresSource impatient = new PostgresSource(Duration.ofSeconds(5), Duration.ofSeconds(1), spark);
        try (Connection locker = db.connectAsAdmin()) {
            locker.setAutoCommit(false);
            locker.createStatement().execute("LOCK TABLE ml.preds IN ACCESS EXCLUSIVE MODE");
            long started = System.nanoTime();
            assertThatThrownBy(() -> impatient.probe(query("SELECT * FROM ml.preds")))
                    .isInstanceOfSatisfying(VigilSourceException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
                        assertThat(e.getMessage())
                                .startsWith("data_source.query ran longer than the statement timeout of 1 s on "
                                        + db.url());
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
            locker.rollback();
        }
    }

    @Test
    void theReadOnlyUserHasNoWarningsAndGetsTheGrantSql() {
        PrivilegeReport report = source.privileges(query("SELECT * FROM ml.preds"));
        assertThat(report.user()).isEqualTo(reader.user());
        assertThat(report.superuser()).isFalse();
        assertThat(report.warnings()).isEmpty();
        assertThat(report.tables()).extracting(TableAccess::qualifiedName).containsExactly("ml.preds");
        assertThat(report.grantSql())
                .containsExactly(
                        "GRANT CONNECT ON DATABASE " + db.name() + " TO " + reader.user() + ";",
                        "GRANT USAGE ON SCHEMA ml TO " + reader.user() + ";",
                        "GRANT SELECT ON ml.preds TO " + reader.user() + ";");
    }

    @Test
    void theOwnerIsWarnedAbout() {
        PrivilegeReport report = source.privileges(asOwner("SELECT p.id FROM ml.preds p JOIN ml.preds q USING (id)"));
        assertThat(report.tables()).hasSize(1);
        String role = "role \"" + db.server().adminUser() + "\" ";
        assertThat(report.warnings())
                .as("the test login owns the schema and its tables and may create roles and databases")
                .contains(role + "owns schema ml", role + "can create roles (CREATEROLE)")
                .anySatisfy(w -> assertThat(w).startsWith(role + "owns ").contains("ml.preds"));
    }

    @Test
    void aGrantedWriteIsWarnedAbout() {
        // its own schema and role: the other tests' reader stays read-only
        db.execute("CREATE SCHEMA w", "CREATE TABLE w.writable (id int)");
        TestDatabase.Credentials writer = db.createReadOnlyUser("w", List.of("writable"));
        db.execute("GRANT INSERT, DELETE ON w.writable TO " + writer.user());
        PrivilegeReport report = source.privileges(PostgresJdbcDataSource.builder()
                .url(db.url())
                .query("SELECT * FROM w.writable")
                .user(writer.user())
                .password(writer.password())
                .build());
        assertThat(report.warnings())
                .containsExactly("role \"" + writer.user() + "\" can write (DELETE, INSERT on w.writable)");
    }

    @AfterAll
    void stopSpark() {
        spark.close();
    }
}
